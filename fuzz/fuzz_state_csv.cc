// libFuzzer target: the state CSV reader (cgym::read_state_csv), which reads
// files users bring over from CompilerGym. Property: every accepted file
// survives write_state_csv -> read_state_csv unchanged.
#include <cstddef>
#include <cstdint>
#include <sstream>

#include "cgym/state.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input = cgym::fuzz::as_text(data, size);
  std::vector<cgym::EnvState> states;
  if (!cgym::fuzz::accepts(input, [&] {
        std::istringstream in{std::string(input)};
        states = cgym::read_state_csv(in);
      })) {
    return 0;
  }
  std::ostringstream out;
  cgym::write_state_csv(out, states);
  std::vector<cgym::EnvState> again;
  std::istringstream in(out.str());
  if (!cgym::fuzz::accepts(input, [&] { again = cgym::read_state_csv(in); })) {
    cgym::fuzz::fail("the CSV written for an accepted file does not read back:\n" + out.str(),
                     input);
  }
  cgym::fuzz::check(again.size() == states.size(), "the row count survives a round trip", input);
  for (size_t i = 0; i < states.size(); ++i) {
    const auto& a = states[i];
    const auto& b = again[i];
    cgym::fuzz::check(a.benchmark == b.benchmark && a.commandline == b.commandline &&
                          a.reward.has_value() == b.reward.has_value() && (!a.reward || a == b),
                      "row " + std::to_string(i) + " survives a round trip:\n" + out.str(), input);
  }
  return 0;
}
