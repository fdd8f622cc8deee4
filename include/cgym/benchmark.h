// Benchmarks: the programs an env compiles, named by URIs.
//
// A Benchmark is immutable once built and shared between envs through
// std::shared_ptr<const Benchmark>; reading it from many threads is safe.
//
// URIs have the form scheme://dataset/path?key=value&...#fragment; a URI
// without a scheme means benchmark://. Examples:
//   benchmark://cgym-v0/crc32      generator://csmith-v0/42
//   file:///abs/path/prog.c        benchmark://loopnest-v0/matmul?m=64&n=64&k=64
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace cgym {

/// A parsed benchmark URI.
struct BenchmarkUri {
  std::string scheme;                         ///< "benchmark", "generator", "file", ...
  std::string dataset;                        ///< "cgym-v0"; empty for file://
  std::string path;                           ///< "crc32", "42", "/abs/path.c"
  std::map<std::string, std::string> params;  ///< the ?key=value&... query, sorted by key
  std::string fragment;                       ///< the text after '#' (empty when none)

  /// Parses `text`. Throws InvalidArgument with the expected form when the
  /// text is not a URI (empty, bad scheme, missing dataset).
  static BenchmarkUri parse(std::string_view text);
  /// "scheme://dataset", the name of the dataset the URI belongs to.
  std::string dataset_name() const;
  /// The canonical text: scheme://dataset/path[?params][\#fragment].
  std::string to_string() const;
};

/// The format of Benchmark::program.
enum class ProgramFormat {
  kLlvmBitcode,  ///< LLVM bitcode bytes
  kLlvmIr,       ///< LLVM IR text
  kC,            ///< C source
  kCxx,          ///< C++ source
  kLoopNest,     ///< a loop-nest description (JSON)
  kOther,        ///< anything else
};
/// The format's name, for messages.
const char* to_string(ProgramFormat format);

/// One source file of a benchmark.
struct SourceFile {
  std::string name;      ///< file name, relative, e.g. "crc32.c"
  std::string contents;  ///< the file's text
};

/// A program to compile, and how to build, run and check it.
struct BenchmarkData {
  /// The benchmark's URI (required).
  std::string uri;
  /// The format of `program`.
  ProgramFormat format = ProgramFormat::kOther;
  /// The program in `format` (bitcode bytes, IR text, C source, JSON).
  std::string program;
  /// The original sources, when known (the gcc env compiles these).
  std::vector<SourceFile> sources;
  /// Flags the sources need to compile (defines, include paths).
  std::vector<std::string> compile_flags;
  /// Flags the linked program needs (e.g. "-lm").
  std::vector<std::string> link_flags;
  /// Arguments given to the built program when it runs.
  std::vector<std::string> run_args;
  /// The exact stdout of the unoptimised program. When set the benchmark is
  /// runnable and validation compares the optimised program against it.
  std::optional<std::string> reference_output;
  /// Limit on one run of the program, in seconds.
  double run_timeout_seconds = 10.0;
  /// The original build command, for benchmarks made from one.
  std::vector<std::string> build_command;
  /// Backend- or dataset-specific extras.
  nlohmann::json metadata = nlohmann::json::object();
};

/// An immutable program to compile, with its build, run and check data.
/// Shared between envs as a BenchmarkPtr; safe to read from many threads.
class Benchmark {
 public:
  /// Takes `data` and hashes its program. Throws InvalidArgument when the URI
  /// is empty.
  explicit Benchmark(BenchmarkData data);

  /// Builds a shared Benchmark (see the constructor).
  static std::shared_ptr<const Benchmark> make(BenchmarkData data) {
    return std::make_shared<const Benchmark>(std::move(data));
  }

  /// The benchmark's URI.
  const std::string& uri() const { return data_.uri; }
  /// The format of program().
  ProgramFormat format() const { return data_.format; }
  /// The program in format() (bitcode bytes, IR text, C source, JSON).
  const std::string& program() const { return data_.program; }
  /// Everything the benchmark was built from.
  const BenchmarkData& data() const { return data_; }
  /// A stable 128-bit hash of the program, as 32 hex characters. Suitable
  /// as a cache key across runs.
  const std::string& hash() const { return hash_; }
  /// Can be built into an executable and run (has a reference output).
  bool is_runnable() const { return data_.reference_output.has_value(); }

 private:
  BenchmarkData data_;
  std::string hash_;
};

/// A shared, immutable benchmark.
using BenchmarkPtr = std::shared_ptr<const Benchmark>;

/// A stable 128-bit hash (XXH3) of `data` as 32 hex characters.
std::string hash_bytes(std::string_view data);

}  // namespace cgym
