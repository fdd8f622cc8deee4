// libFuzzer target: gcc-v0's command lines (the action space's
// from_commandline over gcc 12's real spec): state CSVs and hand-written gcc
// lines such as "gcc -O2 --param=max-unroll-times=7 -c a.c". Properties:
// parsed actions are in range, the choices they reach are valid, and the
// rendered command line parses back to the same actions.
#include <cstddef>
#include <cstdint>
#include <memory>

#include "backends/gcc/actions.h"
#include "fuzz_util.h"
#include "gcc12_help_text.h"

namespace {
const cgym::gcc::GccActionTable* table = nullptr;
const cgym::ActionSpace* space = nullptr;
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  auto spec = std::make_shared<const cgym::gcc::GccSpec>(cgym::gcc::parse_gcc_spec(
      cgym::gcc::test::gcc12_text_from(CGYM_GCC_TEST_DATA, "/usr/bin/gcc")));
  table = new cgym::gcc::GccActionTable(spec);
  space = new cgym::ActionSpace(table->make_action_space("gcc"));
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input = cgym::fuzz::as_text(data, size);
  std::vector<cgym::Action> actions;
  if (!cgym::fuzz::accepts(input, [&] { actions = space->from_commandline(input); })) return 0;
  for (cgym::Action a : actions) {
    cgym::fuzz::check(space->contains(a), "every parsed action is in range", input);
  }
  const std::vector<int64_t> choices = table->replay(actions);
  if (!cgym::fuzz::accepts(input, [&] { cgym::gcc::check_choices(table->spec(), choices); })) {
    cgym::fuzz::fail("the parsed actions reach an invalid choice vector", input);
  }
  const std::string text = space->to_commandline(actions);
  std::vector<cgym::Action> again;
  if (!cgym::fuzz::accepts(input, [&] { again = space->from_commandline(text); })) {
    cgym::fuzz::fail("the rendered command line does not parse: " + text, input);
  }
  cgym::fuzz::check(again == actions, "from_commandline(to_commandline(a)) == a: " + text, input);
  return 0;
}
