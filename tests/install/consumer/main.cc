// Uses the installed library: lists the built-in envs and, when the LLVM env
// is built in, runs a few steps of an episode on a bundled program.
#include <cgym/cgym.h>

#include <iostream>

int main() {
  auto envs = cgym::list_envs();
  std::cout << "envs: " << envs.size() << "\n";
  for (const auto& e : envs) {
    if (e.id != "llvm-ic-v0") continue;
    auto env = cgym::make("llvm-ic-v0");
    env->reset({.benchmark = "benchmark://cgym-v0/crc32"});
    auto r = env->step(env->action_space().index("-mem2reg"));
    std::cout << "llvm-ic-v0 reward after -mem2reg: " << r.reward << "\n";
  }
  auto uri = cgym::BenchmarkUri::parse("generator://csmith-v0/42");
  std::cout << "parsed " << uri.dataset_name() << "\n";
  return 0;
}
