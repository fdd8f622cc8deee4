// libFuzzer target: the gcc option-spec parser (cgym::gcc::parse_gcc_spec),
// which reads whatever `gcc -Q --help=optimizers|params` and `gcc
// --help=...` print for the installed gcc. The input is split at NUL bytes
// into those four texts (the seed is gcc 12's real output joined so).
// Properties: an accepted spec survives to_json -> from_json, and its action
// table either builds or fails with a cgym::Error.
#include <cstddef>
#include <cstdint>

#include "backends/gcc/actions.h"
#include "backends/gcc/gcc_spec.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input = cgym::fuzz::as_text(data, size);
  std::string parts[4];
  size_t part = 0;
  for (char c : input) {
    if (c == '\0') {
      if (++part == 4) break;
    } else {
      parts[part] += c;
    }
  }
  cgym::gcc::GccHelpText text;
  text.version = "gcc (fuzz) 12.2.0";
  text.path = "/usr/bin/gcc";
  text.optimizers_q = parts[0];
  text.params_q = parts[1];
  text.optimizers_doc = parts[2];
  text.params_doc = parts[3];
  cgym::gcc::GccSpec spec;
  if (!cgym::fuzz::accepts(input, [&] { spec = cgym::gcc::parse_gcc_spec(text); })) return 0;
  cgym::gcc::GccSpec again;
  if (!cgym::fuzz::accepts(input, [&] { again = cgym::gcc::GccSpec::from_json(spec.to_json()); })) {
    cgym::fuzz::fail("the JSON of an accepted spec does not read back", input);
  }
  cgym::fuzz::check(again == spec, "from_json(to_json(spec)) == spec", input);
  cgym::fuzz::accepts(input, [&] {
    cgym::gcc::GccActionTable table(std::make_shared<const cgym::gcc::GccSpec>(spec));
    std::vector<int64_t> choices(spec.options.size(), -1);
    (void)cgym::gcc::choices_to_args(spec, choices);
  });
  return 0;
}
