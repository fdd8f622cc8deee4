// generator://csmith-v0 and generator://llvm-stress-v0: programs made from a
// seed by an external generator.
//
// The seed is the whole identity of a benchmark, so the generator's flags
// are fixed per dataset version. Generated benchmarks are cached weakly:
// envs that reset to the same seed at the same time share one object, and
// nothing is kept once no env holds it (the space of seeds is unbounded).
// random_benchmark() takes the seed from the top 32 bits of one draw of the
// Rng, whose output the standard fixes, so a seed is reproducible on every
// platform (std::uniform_int_distribution is not).

#include <charconv>

#include "cgym/datasets.h"
#include "cgym/errors.h"
#include "cgym/subprocess.h"
#include "datasets/internal.h"

namespace fs = std::filesystem;

namespace cgym {
namespace {

using datasets_internal::WeakBenchmarkCache;

constexpr const char* kCsmithInclude = "/usr/include/csmith";

class SeedDataset : public Dataset {
 public:
  SeedDataset(std::string name, std::string description)
      : name_(std::move(name)), description_(std::move(description)) {}

  std::string name() const override { return name_; }
  std::string description() const override { return description_; }
  uint64_t size() const override { return 0; }

  std::string benchmark_uri(uint64_t i) const override {
    if (i > UINT32_MAX) {
      throw InvalidArgument("seed " + std::to_string(i) + " is out of range for " + name_ +
                            ": seeds are 0 to 4294967295");
    }
    return name_ + "/" + std::to_string(i);
  }

  BenchmarkPtr benchmark(const std::string& uri_text) const override {
    const uint32_t seed = parse_seed(uri_text);
    return cache_.get_or_create(seed, [&] { return generate(seed); });
  }

  BenchmarkPtr random_benchmark(Rng& rng) const override {
    return benchmark(benchmark_uri(static_cast<uint32_t>(rng() >> 32)));
  }

 protected:
  virtual BenchmarkPtr generate(uint32_t seed) const = 0;

 private:
  uint32_t parse_seed(const std::string& uri_text) const {
    const BenchmarkUri uri = BenchmarkUri::parse(uri_text);
    if (!owns(uri)) throw LookupError("'" + uri_text + "' is not a URI of " + name_);
    const std::string& s = uri.path;
    uint64_t value = 0;
    const bool digits = !s.empty() && s.size() <= 10 &&
                        s.find_first_not_of("0123456789") == std::string::npos &&
                        (s.size() == 1 || s[0] != '0');
    bool ok = digits;
    if (digits) {
      auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
      ok = ec == std::errc() && ptr == s.data() + s.size() && value <= UINT32_MAX;
    }
    if (!ok || !uri.params.empty() || !uri.fragment.empty()) {
      throw LookupError("'" + uri_text + "' is not a benchmark of " + name_ +
                        ": the path must be a seed, a decimal number from 0 to 4294967295 "
                        "without leading zeros, e.g. " +
                        name_ + "/42");
    }
    return static_cast<uint32_t>(value);
  }

  std::string name_;
  std::string description_;
  mutable WeakBenchmarkCache<uint32_t> cache_;
};

// ---- csmith -----------------------------------------------------------------

class CsmithDataset final : public SeedDataset {
 public:
  CsmithDataset(ProgramFormat format, CsmithOptions options)
      : SeedDataset("generator://csmith-v0",
                    "Random C programs from Debian's csmith 2.3 (seed = URI path), " +
                        std::string(format == ProgramFormat::kC ? "as C source"
                                                                : "compiled to LLVM bitcode") +
                        ". Each prints a checksum of its global state; most run in "
                        "milliseconds, a few seeds do not terminate."),
        format_(format),
        options_(options) {}

  std::string license() const override { return "BSD (csmith's license; programs are generated)"; }

 protected:
  BenchmarkPtr generate(uint32_t seed) const override {
    const std::string uri = "generator://csmith-v0/" + std::to_string(seed);
    const std::string install =
        "generator://csmith-v0 needs Debian's csmith and its headers: "
        "apt-get install csmith libcsmith-dev";
    const auto csmith = find_program("csmith");
    if (!csmith)
      throw BenchmarkInitError("cannot generate " + uri + ": csmith is not installed; " + install);
    std::error_code ec;
    if (!fs::exists(fs::path(kCsmithInclude) / "csmith.h", ec)) {
      throw BenchmarkInitError("cannot generate " + uri + ": " + kCsmithInclude +
                               "/csmith.h is missing (package libcsmith-dev); " + install);
    }
    ProcessOptions o;
    o.argv = {csmith->string(), "--seed", std::to_string(seed)};
    o.argv.insert(o.argv.end(), csmith_flags().begin(), csmith_flags().end());
    o.timeout_seconds = options_.tool_timeout_seconds;
    const ProcessResult r = run_process(o);
    if (!r.ok()) {
      throw BenchmarkInitError("cannot generate " + uri + ": " + join_command_line(o.argv) +
                               (r.timed_out
                                    ? " timed out after " + std::to_string(o.timeout_seconds) + " s"
                                    : " failed with exit status " + std::to_string(r.exit_code)) +
                               (r.stderr_data.empty() ? "" : "\n" + tail_lines(r.stderr_data, 20)));
    }
    if (r.stdout_data.empty())
      throw BenchmarkInitError("cannot generate " + uri + ": csmith printed nothing");

    BenchmarkData data;
    data.uri = uri;
    const std::string file = "csmith-" + std::to_string(seed) + ".c";
    data.sources = {{file, r.stdout_data}};
    data.compile_flags = {std::string("-I") + kCsmithInclude};
    nlohmann::json generator = nlohmann::json::array({"csmith", "--seed", std::to_string(seed)});
    for (const auto& f : csmith_flags()) generator.push_back(f);
    data.metadata = {{"seed", seed}, {"generator_command", generator}};
    if (format_ == ProgramFormat::kC) {
      data.format = ProgramFormat::kC;
      data.program = r.stdout_data;
    } else {
      data.format = ProgramFormat::kLlvmBitcode;
      data.program = datasets_internal::build_bitcode(
          {{file, r.stdout_data, datasets_internal::Language::kC, {}}},
          {std::string("-I") + kCsmithInclude, "-w"}, "cannot build " + uri,
          options_.tool_timeout_seconds);
    }
    data.build_command = {"clang-19", "-I" + std::string(kCsmithInclude), "-w", file,
                          "-o",       "csmith-" + std::to_string(seed)};
    if (options_.compute_reference_output) {
      const double run_timeout = data.run_timeout_seconds;
      data.run_timeout_seconds = options_.reference_timeout_seconds;
      try {
        data.reference_output = datasets_internal::compute_reference_output(data);
      } catch (const BenchmarkInitError& e) {
        // Some seeds loop for a very long time: such a program is still a
        // fine thing to optimise, just not something to run.
        data.metadata["reference_output_error"] = e.what();
      }
      data.run_timeout_seconds = run_timeout;
    }
    return Benchmark::make(std::move(data));
  }

 private:
  ProgramFormat format_;
  CsmithOptions options_;
};

// ---- llvm-stress ------------------------------------------------------------

class LlvmStressDataset final : public SeedDataset {
 public:
  explicit LlvmStressDataset(double timeout)
      : SeedDataset("generator://llvm-stress-v0",
                    "Random LLVM IR functions from llvm-stress-19 --size=100 (seed = URI "
                    "path), as IR text. Not runnable: there is no main."),
        timeout_(timeout) {}

  std::string license() const override {
    return "Apache-2.0 WITH LLVM-exception (generated by LLVM)";
  }

 protected:
  BenchmarkPtr generate(uint32_t seed) const override {
    const std::string uri = "generator://llvm-stress-v0/" + std::to_string(seed);
    fs::path tool;
    try {
      tool = llvm_tool("llvm-stress");
    } catch (const EnvironmentNotSupported& e) {
      throw BenchmarkInitError("cannot generate " + uri + ": " + e.what());
    }
    ProcessOptions o;
    o.argv = {tool.string(), "--seed=" + std::to_string(seed), "--size=100"};
    o.timeout_seconds = timeout_;
    const ProcessResult r = run_process(o);
    if (!r.ok() || r.stdout_data.empty()) {
      throw BenchmarkInitError("cannot generate " + uri + ": " + join_command_line(o.argv) +
                               (r.timed_out
                                    ? " timed out after " + std::to_string(timeout_) + " s"
                                    : " failed with exit status " + std::to_string(r.exit_code)) +
                               (r.stderr_data.empty() ? "" : "\n" + tail_lines(r.stderr_data, 20)));
    }
    BenchmarkData data;
    data.uri = uri;
    data.format = ProgramFormat::kLlvmIr;
    data.program = r.stdout_data;
    data.metadata = {
        {"seed", seed},
        {"generator_command", {"llvm-stress-19", "--seed=" + std::to_string(seed), "--size=100"}}};
    return Benchmark::make(std::move(data));
  }

 private:
  double timeout_;
};

}  // namespace

const std::vector<std::string>& csmith_flags() {
  static const std::vector<std::string> flags = {"--max-funcs", "5", "--no-packed-struct"};
  return flags;
}

DatasetPtr make_csmith_dataset(ProgramFormat format, const CsmithOptions& options) {
  if (format != ProgramFormat::kC && format != ProgramFormat::kLlvmBitcode) {
    throw InvalidArgument(std::string("make_csmith_dataset: format ") + to_string(format) +
                          " is not supported; use kC or kLlvmBitcode");
  }
  if (!(options.reference_timeout_seconds > 0) || !(options.tool_timeout_seconds > 0)) {
    throw InvalidArgument("make_csmith_dataset: timeouts must be positive");
  }
  return std::make_shared<const CsmithDataset>(format, options);
}

DatasetPtr make_llvm_stress_dataset(double tool_timeout_seconds) {
  if (!(tool_timeout_seconds > 0)) {
    throw InvalidArgument("make_llvm_stress_dataset: the timeout must be positive");
  }
  return std::make_shared<const LlvmStressDataset>(tool_timeout_seconds);
}

}  // namespace cgym
