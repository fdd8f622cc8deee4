// cgym-worker: runs compiler sessions for envs made with
// Isolation::kProcess (see include/cgym/worker.h). Started by the library,
// not by users; it speaks the protocol on stdin and a copy of stdout.
#include <unistd.h>

#include "cgym/cgym.h"
#include "cgym/worker.h"

int main() {
  // The protocol gets its own copy of stdout; anything a compiler prints to
  // stdout goes to stderr instead of corrupting the protocol.
  const int protocol_out = dup(STDOUT_FILENO);
  dup2(STDERR_FILENO, STDOUT_FILENO);
  cgym::list_envs();  // registers the built-in backends
  return cgym::run_worker(STDIN_FILENO, protocol_out,
                          [](const std::string& id) { return cgym::global_registry().find(id); });
}
