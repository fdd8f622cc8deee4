// Shared by the libFuzzer targets: the contract every parser of outside
// input must keep. Bad input may only end in a cgym::Error (InvalidArgument,
// LookupError, BenchmarkInitError, ...), whose message is not empty; any
// other exception, a crash, or a sanitizer report is a bug. check() states a
// property (a round trip) that must hold for input that was accepted.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>

#include "cgym/errors.h"

namespace cgym::fuzz {

/// Reports a finding and aborts. The input is also written to
/// cgym-fuzz-failure.bin in the current directory: libFuzzer's own crash
/// file is not written when a target's signal handlers (LLVM's
/// CrashRecoveryContext) replace libFuzzer's.
[[noreturn]] inline void fail(const std::string& what, std::string_view input) {
  if (std::FILE* f = std::fopen("cgym-fuzz-failure.bin", "wb")) {
    std::fwrite(input.data(), 1, input.size(), f);
    std::fclose(f);
  }
  std::fprintf(stderr, "cgym fuzz: %s\ninput (%zu bytes, written to cgym-fuzz-failure.bin): %.*s\n",
               what.c_str(), input.size(),
               static_cast<int>(input.size() > 2000 ? 2000 : input.size()), input.data());
  std::abort();
}

inline void check(bool ok, const std::string& what, std::string_view input) {
  if (!ok) fail("property violated: " + what, input);
}

/// Runs `fn`; a cgym::Error is the expected answer to bad input, anything
/// else escaping is a bug. Returns true when `fn` returned normally.
template <typename Fn>
bool accepts(std::string_view input, Fn&& fn) {
  try {
    fn();
    return true;
  } catch (const cgym::Error& e) {
    if (std::string_view(e.what()).empty()) fail("a cgym::Error with an empty message", input);
    return false;
  } catch (const std::exception& e) {
    fail(std::string("an exception that is not a cgym::Error escaped: ") + e.what(), input);
  }
}

inline std::string_view as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace cgym::fuzz
