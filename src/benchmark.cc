#include "cgym/benchmark.h"

#include <xxhash.h>

#include <cstdio>

#include "cgym/errors.h"

namespace cgym {

const char* to_string(ProgramFormat format) {
  switch (format) {
    case ProgramFormat::kLlvmBitcode:
      return "llvm-bitcode";
    case ProgramFormat::kLlvmIr:
      return "llvm-ir";
    case ProgramFormat::kC:
      return "c";
    case ProgramFormat::kCxx:
      return "c++";
    case ProgramFormat::kLoopNest:
      return "loopnest";
    case ProgramFormat::kOther:
      return "other";
  }
  return "other";
}

std::string hash_bytes(std::string_view data) {
  XXH128_hash_t h = XXH3_128bits(data.data(), data.size());
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(h.high64),
                static_cast<unsigned long long>(h.low64));
  return buf;
}

Benchmark::Benchmark(BenchmarkData data) : data_(std::move(data)) {
  if (data_.uri.empty()) throw InvalidArgument("a benchmark needs a URI");
  hash_ = hash_bytes(data_.program);
}

namespace {

bool valid_scheme(std::string_view s) {
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
      return false;
    }
  }
  return true;
}

constexpr const char* kUriForm =
    "expected scheme://dataset/path (e.g. benchmark://cgym-v0/crc32, "
    "generator://csmith-v0/42, file:///abs/path.c)";

}  // namespace

BenchmarkUri BenchmarkUri::parse(std::string_view text) {
  const std::string original(text);
  if (text.empty()) throw InvalidArgument(std::string("empty benchmark URI; ") + kUriForm);
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      throw InvalidArgument("benchmark URI contains a control character: '" + original + "'; " +
                            kUriForm);
    }
  }
  BenchmarkUri uri;
  auto sep = text.find("://");
  if (sep == std::string_view::npos) {
    uri.scheme = "benchmark";
  } else {
    uri.scheme = std::string(text.substr(0, sep));
    text.remove_prefix(sep + 3);
    if (!valid_scheme(uri.scheme)) {
      throw InvalidArgument("invalid scheme '" + uri.scheme + "' in benchmark URI '" + original +
                            "'; " + kUriForm);
    }
  }
  if (auto hash = text.find('#'); hash != std::string_view::npos) {
    uri.fragment = std::string(text.substr(hash + 1));
    text = text.substr(0, hash);
  }
  if (auto q = text.find('?'); q != std::string_view::npos) {
    std::string_view query = text.substr(q + 1);
    text = text.substr(0, q);
    while (!query.empty()) {
      auto amp = query.find('&');
      std::string_view kv = query.substr(0, amp);
      if (!kv.empty()) {
        auto eq = kv.find('=');
        std::string key(kv.substr(0, eq));
        std::string value = eq == std::string_view::npos ? "" : std::string(kv.substr(eq + 1));
        if (key.empty()) {
          throw InvalidArgument("empty parameter name in benchmark URI '" + original + "'");
        }
        uri.params[key] = value;
      }
      if (amp == std::string_view::npos) break;
      query.remove_prefix(amp + 1);
    }
  }
  if (uri.scheme == "file") {
    // file:///abs/path: no dataset, the path is absolute.
    if (text.empty() || text[0] != '/') {
      throw InvalidArgument("file URI '" + original +
                            "' must hold an absolute path, e.g. file:///home/me/prog.c");
    }
    uri.path = std::string(text);
    return uri;
  }
  auto slash = text.find('/');
  uri.dataset = std::string(text.substr(0, slash));
  if (slash != std::string_view::npos) uri.path = std::string(text.substr(slash + 1));
  if (uri.dataset.empty()) {
    throw InvalidArgument("benchmark URI '" + original + "' names no dataset; " + kUriForm);
  }
  return uri;
}

std::string BenchmarkUri::dataset_name() const {
  if (scheme == "file") return "file://";
  return scheme + "://" + dataset;
}

std::string BenchmarkUri::to_string() const {
  std::string out = scheme + "://";
  if (scheme == "file") {
    out += path;
  } else {
    out += dataset;
    if (!path.empty()) out += "/" + path;
  }
  if (!params.empty()) {
    char sep = '?';
    for (const auto& [k, v] : params) {
      out += sep + k + "=" + v;
      sep = '&';
    }
  }
  if (!fragment.empty()) out += "#" + fragment;
  return out;
}

}  // namespace cgym
