// Logs toy episodes to a SQLite database with a batch size of 10 states,
// then ends as its mode says. The logger tests run it as a child process and
// check what survived:
//   sigkill <db>  35 states (3 committed batches + 5 pending), then SIGKILL
//   exit <db>     35 states, then _exit(0): no destructor, no flush
//   normal <db>   35 states, then a normal return (the destructor flushes)
//   forever <db>  logs until killed from outside (prints "ready" on stderr
//                 after the first committed batch)
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <iostream>

#include "cgym/cgym.h"
#include "wrappers/fake_ir_env.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: " << argv[0] << " sigkill|exit|normal|forever DB\n";
    return 2;
  }
  const std::string mode = argv[1];
  cgym::wrappers_test::register_test_envs();
  auto env = cgym::SqliteLogger(
      cgym::make("fakeir-v0"), argv[2],
      cgym::SqliteLoggerOptions{.flush_every_steps = 10, .flush_every_seconds = 0});
  if (mode == "forever") {
    for (uint64_t i = 0;; ++i) {
      env->reset(cgym::ResetOptions{.benchmark = "benchmark://toy-v0/" + std::to_string(i % 10)});
      for (int s = 0; s < 20; ++s) env->step(s % 4 == 3 ? 1 : 0);  // never -crash
      if (i == 0) std::cerr << "ready" << std::endl;
    }
  }
  env->reset();                                                // 1 state
  for (int i = 0; i < 34; ++i) env->step(i % 3 == 2 ? 2 : 0);  // 34 states
  if (mode == "sigkill") raise(SIGKILL);
  if (mode == "exit") _exit(0);
  if (mode == "normal") return 0;
  std::cerr << "unknown mode " << mode << "\n";
  return 2;
}
