// cgym-test-worker: cgym-worker with the toy envs registered too.
#include <unistd.h>

#include "cgym/cgym.h"
#include "cgym/worker.h"
#include "toy/toy_backend.h"

int main() {
  const int protocol_out = dup(STDOUT_FILENO);
  dup2(STDERR_FILENO, STDOUT_FILENO);
  cgym::toy::register_toy_envs();
  return cgym::run_worker(STDIN_FILENO, protocol_out,
                          [](const std::string& id) { return cgym::global_registry().find(id); });
}
