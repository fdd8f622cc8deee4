// Datasets of the mlir-v0 backend.
//
// generator://matmul-v0?m=M&n=N&k=K
//   A linalg.matmul C[M][N] += A[M][K] * B[K][N] on f32 memrefs, as
//   CompilerGym's matmul-v0 generator. Each size is 1..4096; a missing size
//   is 64, so generator://matmul-v0 is 64x64x64. The benchmark's URI is
//   canonical: every size written out, sorted (?k=64&m=64&n=64). Iteration
//   lists the square sizes 16, 32, ..., 1024; any other size resolves.
// file:///abs/path/to/kernel.mlir
//   A user's module: one func.func taking A, B and C as f32 memrefs of static
//   shape, holding one linalg.matmul ins(A, B) outs(C).
//
// Benchmarks hold the module's MLIR text (ProgramFormat::kOther, metadata
// "language": "mlir"). Thread-safe.
#pragma once

#include "cgym/dataset.h"

namespace cgym::mlir {

class MatmulDataset final : public Dataset {
 public:
  std::string name() const override { return "generator://matmul-v0"; }
  std::string description() const override;
  std::string license() const override { return "MIT"; }
  uint64_t size() const override;
  std::string benchmark_uri(uint64_t i) const override;
  /// Throws LookupError for a path, an unknown parameter or a size out of
  /// range; the message says what is valid.
  BenchmarkPtr benchmark(const std::string& uri) const override;
};

class MlirFileDataset final : public Dataset {
 public:
  std::string name() const override { return "file://"; }
  std::string description() const override;
  uint64_t size() const override { return 0; }
  std::string benchmark_uri(uint64_t i) const override;
  /// Throws BenchmarkInitError when the file cannot be read, InvalidArgument
  /// for a relative path or a file that does not end in .mlir.
  BenchmarkPtr benchmark(const std::string& uri) const override;
  bool owns(const BenchmarkUri& uri) const override;
  bool enumerable() const override { return false; }
};

/// The datasets of mlir-v0: generator://matmul-v0 and file:// .mlir files.
std::shared_ptr<const Datasets> env_datasets();

}  // namespace cgym::mlir
