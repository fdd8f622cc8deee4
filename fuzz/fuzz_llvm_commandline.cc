// libFuzzer target: the LLVM env's command lines (llvm-v0's
// from_commandline: opt-19 -passes='...' and CompilerGym's opt -flag ...),
// read from state CSVs and typed by users. Property: an accepted command
// line names valid actions, and rendering them parses back to the same
// actions.
#include <cstddef>
#include <cstdint>

#include "backends/llvm/passes.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input = cgym::fuzz::as_text(data, size);
  const cgym::ActionSpace& space = cgym::llvm::action_space();
  std::vector<cgym::Action> actions;
  if (!cgym::fuzz::accepts(input, [&] { actions = space.from_commandline(input); })) return 0;
  for (cgym::Action a : actions) {
    cgym::fuzz::check(space.contains(a), "every parsed action is in range", input);
  }
  const std::string text = space.to_commandline(actions);
  std::vector<cgym::Action> again;
  if (!cgym::fuzz::accepts(input, [&] { again = space.from_commandline(text); })) {
    cgym::fuzz::fail("the rendered command line does not parse: " + text, input);
  }
  cgym::fuzz::check(again == actions, "from_commandline(to_commandline(a)) == a: " + text, input);
  return 0;
}
