#include "backends/cuda/datasets.h"

#include <charconv>

#include "cgym/errors.h"

namespace cgym::cuda {

namespace {

// Small and medium sizes: every one of them measures in well under a second
// even with the naive schedule, so random episodes over the dataset stay
// fast. Larger sizes resolve too, they are just not listed.
const std::vector<std::string>& canonical() {
  static const std::vector<std::string> list = {
      "conv2d?c=4&f=8&h=32&k=3&w=32",
      "conv2d?c=16&f=16&h=64&k=3&w=64",
      "matmul?k=64&m=64&n=64",
      "matmul?k=128&m=128&n=128",
      "matmul?k=256&m=256&n=256",
      "matmul?k=100&m=100&n=100",
      "pointwise?n=1024",
      "pointwise?n=65536",
      "pointwise?n=1048576",
      "reduction?m=256&n=256",
      "reduction?m=1024&n=1024",
      "transpose?m=256&n=256",
      "transpose?m=1024&n=1024",
      "transpose?m=1000&n=600",
  };
  return list;
}

std::optional<int64_t> parse_int(const std::string& s) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

BenchmarkPtr make_benchmark(const std::string& uri, const Computation& c,
                            std::optional<Target> target) {
  BenchmarkData d;
  d.uri = uri;
  d.format = ProgramFormat::kLoopNest;
  nlohmann::json program = c.to_json();
  if (target) program["backend"] = to_string(*target);
  d.program = program.dump();
  d.reference_output = kCheckPassedLine;
  d.metadata = {
      {"description", c.description()}, {"flops", c.flop_count()}, {"statement", c.statement()}};
  return Benchmark::make(std::move(d));
}

}  // namespace

std::string LoopNestDataset::description() const {
  return "tensor computations to schedule: pointwise, reduction (row sum), transpose, matmul, "
         "conv2d, with sizes as URI parameters";
}

uint64_t LoopNestDataset::size() const { return canonical().size(); }

std::string LoopNestDataset::benchmark_uri(uint64_t i) const {
  if (i >= canonical().size()) {
    throw LookupError("benchmark index " + std::to_string(i) + " is out of range for " + name() +
                      "; valid: 0.." + std::to_string(canonical().size() - 1));
  }
  return name() + "/" + canonical()[i];
}

BenchmarkPtr LoopNestDataset::benchmark(const std::string& text) const {
  const BenchmarkUri uri = BenchmarkUri::parse(text);
  if (!owns(uri)) throw LookupError("'" + text + "' is not in " + name());
  const std::string form =
      "; expected benchmark://loopnest-v0/<pointwise|reduction|transpose|matmul|conv2d>"
      "?<size>=<int>&...[&backend=cpu|cuda], e.g. "
      "benchmark://loopnest-v0/matmul?m=1024&n=1024&k=1024";
  Kind kind;
  try {
    kind = kind_from_string(uri.path);
  } catch (const LookupError& e) {
    throw LookupError(std::string(e.what()) + form);
  }
  std::map<std::string, int64_t> sizes;
  std::optional<Target> target;
  for (const auto& [key, value] : uri.params) {
    if (key == "backend") {
      if (value != "cpu" && value != "cuda") {
        throw LookupError("unknown backend '" + value + "' in '" + text +
                          "'; valid backends: cpu, cuda");
      }
      target = target_from_string(value);
      continue;
    }
    const auto v = parse_int(value);
    if (!v) {
      throw LookupError("size " + key + "='" + value + "' in '" + text + "' is not an integer" +
                        form);
    }
    sizes[key] = *v;
  }
  Computation c;
  try {
    c = Computation::make(kind, sizes);
  } catch (const InvalidArgument& e) {
    // Unknown size names arrive here as LookupError too.
    throw LookupError("invalid benchmark '" + text + "': " + e.what());
  }
  BenchmarkUri canonical_uri = uri;
  canonical_uri.params.clear();
  for (const auto& [k, v] : c.params()) canonical_uri.params[k] = std::to_string(v);
  if (target) canonical_uri.params["backend"] = to_string(*target);
  canonical_uri.fragment.clear();
  return make_benchmark(canonical_uri.to_string(), c, target);
}

std::string LoopToolDataset::name() const {
  return target_ == Target::kCuda ? "benchmark://loop_tool-cuda-v0"
                                  : "benchmark://loop_tool-cpu-v0";
}

std::string LoopToolDataset::description() const {
  return std::string("CompilerGym's loop_tool benchmarks: a pointwise add of N elements on the ") +
         (target_ == Target::kCuda ? "GPU (CUDA)" : "CPU");
}

std::string LoopToolDataset::benchmark_uri(uint64_t i) const {
  if (i >= size()) {
    throw LookupError("benchmark index " + std::to_string(i) + " is out of range for " + name() +
                      "; valid: 0.." + std::to_string(size() - 1));
  }
  return name() + "/" + std::to_string(i + 1);
}

BenchmarkPtr LoopToolDataset::benchmark(const std::string& text) const {
  const BenchmarkUri uri = BenchmarkUri::parse(text);
  if (!owns(uri)) throw LookupError("'" + text + "' is not in " + name());
  const auto n = parse_int(uri.path);
  if (!n || *n < 1 || *n > (int64_t{1} << 24) || !uri.params.empty()) {
    throw LookupError("invalid loop_tool benchmark '" + text + "'; expected " + name() +
                      "/<N> with N in 1.." + std::to_string(int64_t{1} << 24) +
                      " (the number of elements to add), e.g. " + name() + "/1024");
  }
  const Computation c = Computation::make(Kind::kPointwise, {{"n", *n}});
  return make_benchmark(name() + "/" + std::to_string(*n), c, target_);
}

LoopNestProgram read_program(const Benchmark& benchmark) {
  if (benchmark.format() != ProgramFormat::kLoopNest) {
    throw BenchmarkInitError("benchmark '" + benchmark.uri() + "' is a " +
                             to_string(benchmark.format()) +
                             " program; the loop-nest envs need a loop-nest description "
                             "(benchmark://loopnest-v0/... or benchmark://loop_tool-*-v0/N)");
  }
  try {
    const auto j = nlohmann::json::parse(benchmark.program());
    LoopNestProgram p{Computation::from_json(j), std::nullopt};
    if (j.contains("backend")) p.target = target_from_string(j.at("backend").get<std::string>());
    return p;
  } catch (const nlohmann::json::exception& e) {
    throw BenchmarkInitError("benchmark '" + benchmark.uri() +
                             "' is not a valid loop-nest description: " + e.what());
  } catch (const InvalidArgument& e) {
    throw BenchmarkInitError("benchmark '" + benchmark.uri() +
                             "' is not a valid loop-nest description: " + e.what());
  }
}

}  // namespace cgym::cuda
