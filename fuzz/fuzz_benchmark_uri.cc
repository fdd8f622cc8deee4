// libFuzzer target: benchmark URIs (cgym::BenchmarkUri::parse), the names
// users type on the command line and in state CSVs. Properties: the
// canonical text of an accepted URI parses to the same URI, and is its own
// canonical text.
#include <cstddef>
#include <cstdint>

#include "cgym/benchmark.h"
#include "fuzz_util.h"

namespace {
bool same(const cgym::BenchmarkUri& a, const cgym::BenchmarkUri& b) {
  return a.scheme == b.scheme && a.dataset == b.dataset && a.path == b.path &&
         a.params == b.params && a.fragment == b.fragment;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input = cgym::fuzz::as_text(data, size);
  cgym::BenchmarkUri uri;
  if (!cgym::fuzz::accepts(input, [&] { uri = cgym::BenchmarkUri::parse(input); })) return 0;
  const std::string text = uri.to_string();
  cgym::BenchmarkUri again;
  if (!cgym::fuzz::accepts(input, [&] { again = cgym::BenchmarkUri::parse(text); })) {
    cgym::fuzz::fail("the canonical text '" + text + "' of an accepted URI does not parse", input);
  }
  cgym::fuzz::check(same(uri, again), "parse(to_string()) gives the same URI ('" + text + "')",
                    input);
  cgym::fuzz::check(again.to_string() == text, "to_string() is stable ('" + text + "')", input);
  (void)uri.dataset_name();
  return 0;
}
