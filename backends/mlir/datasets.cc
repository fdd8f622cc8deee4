#include "backends/mlir/datasets.h"

#include <array>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "backends/mlir/compile.h"
#include "cgym/benchmark.h"
#include "cgym/errors.h"

namespace fs = std::filesystem;

namespace cgym::mlir {
namespace {

constexpr int64_t kMaxSize = 4096;
constexpr int64_t kDefaultSize = 64;
constexpr std::array<int64_t, 7> kListed = {16, 32, 64, 128, 256, 512, 1024};

std::string canonical_uri(const MatmulShape& s) {
  return "generator://matmul-v0?k=" + std::to_string(s.k) + "&m=" + std::to_string(s.m) +
         "&n=" + std::to_string(s.n);
}

BenchmarkPtr make_benchmark(const std::string& uri, std::string text, nlohmann::json metadata) {
  BenchmarkData d;
  d.uri = uri;
  d.format = ProgramFormat::kOther;
  d.program = std::move(text);
  d.metadata = std::move(metadata);
  d.metadata["language"] = "mlir";
  return Benchmark::make(std::move(d));
}

}  // namespace

std::string MatmulDataset::description() const {
  return "linalg.matmul C[m][n] += A[m][k] * B[k][n] on f32 memrefs, sizes in the URI "
         "(generator://matmul-v0?m=64&n=64&k=64, each 1..4096, default 64)";
}

uint64_t MatmulDataset::size() const { return kListed.size(); }

std::string MatmulDataset::benchmark_uri(uint64_t i) const {
  if (i >= kListed.size()) {
    throw InvalidArgument("generator://matmul-v0 lists " + std::to_string(kListed.size()) +
                          " benchmarks; index " + std::to_string(i) + " is out of range");
  }
  const int64_t s = kListed[i];
  return canonical_uri({s, s, s});
}

BenchmarkPtr MatmulDataset::benchmark(const std::string& uri_text) const {
  const BenchmarkUri uri = BenchmarkUri::parse(uri_text);
  if (!owns(uri)) throw LookupError("'" + uri_text + "' is not a generator://matmul-v0 URI");
  if (!uri.path.empty() || !uri.fragment.empty()) {
    throw LookupError("'" + uri_text +
                      "': generator://matmul-v0 takes its sizes as parameters, e.g. "
                      "generator://matmul-v0?m=64&n=64&k=64, and no path or #fragment");
  }
  MatmulShape shape{kDefaultSize, kDefaultSize, kDefaultSize};
  for (const auto& [key, value] : uri.params) {
    int64_t* target = key == "m"   ? &shape.m
                      : key == "n" ? &shape.n
                      : key == "k" ? &shape.k
                                   : nullptr;
    if (!target) {
      throw LookupError("'" + uri_text + "': unknown parameter '" + key + "'; valid: m, n, k");
    }
    int64_t v = 0;
    auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (ec != std::errc() || ptr != value.data() + value.size() || v < 1 || v > kMaxSize) {
      throw LookupError("'" + uri_text + "': " + key + "=" + value +
                        " is not a size; valid: " + "an integer in 1.." + std::to_string(kMaxSize));
    }
    *target = v;
  }
  return make_benchmark(canonical_uri(shape), matmul_module_text(shape),
                        {{"m", shape.m}, {"n", shape.n}, {"k", shape.k}});
}

std::string MlirFileDataset::description() const {
  return "a .mlir file on disk named by absolute path (file:///abs/kernel.mlir): one func.func "
         "with one linalg.matmul on f32 memrefs of static shape";
}

std::string MlirFileDataset::benchmark_uri(uint64_t) const {
  throw InvalidArgument(
      "file:// cannot list benchmarks: name a file, e.g. file:///home/me/kernel.mlir");
}

bool MlirFileDataset::owns(const BenchmarkUri& uri) const { return uri.scheme == "file"; }

BenchmarkPtr MlirFileDataset::benchmark(const std::string& uri_text) const {
  const BenchmarkUri uri = BenchmarkUri::parse(uri_text);
  if (!owns(uri)) throw LookupError("'" + uri_text + "' is not a file:// URI");
  const fs::path path = fs::path(uri.path).lexically_normal();
  if (!path.is_absolute()) {
    throw InvalidArgument("'" + uri_text + "': a file URI needs an absolute path, e.g. " +
                          "file:///home/me/kernel.mlir");
  }
  if (path.extension() != ".mlir") {
    throw InvalidArgument("'" + uri_text + "': mlir-v0 reads .mlir files (a linalg.matmul in " +
                          "MLIR text); this file ends in '" + path.extension().string() + "'");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw BenchmarkInitError(
        "cannot read '" + path.string() +
        "': " + (fs::exists(path) ? "permission denied or not a file" : "no such file"));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return make_benchmark("file://" + path.string(), text.str(), {{"path", path.string()}});
}

std::shared_ptr<const Datasets> env_datasets() {
  static const auto ds = std::make_shared<const Datasets>(std::vector<DatasetPtr>{
      std::make_shared<MatmulDataset>(), std::make_shared<MlirFileDataset>()});
  return ds;
}

}  // namespace cgym::mlir
