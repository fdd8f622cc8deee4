// MLIR 19 in process: reading a matmul module, applying a schedule through
// the transform dialect, lowering to LLVM and JIT-compiling with MLIR's
// ExecutionEngine. Private to backends/mlir.
//
// Everything MLIR does runs inside cgym::llvm::run_safely(): a fatal error or
// a crash inside MLIR becomes a SessionError that names it, and the context
// it happened in is never used again.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "backends/mlir/schedule.h"

namespace cgym::mlir {

/// The shape of the one linalg.matmul of a module: C[m][n] += A[m][k] * B[k][n],
/// f32, on memrefs with static shapes and the identity layout.
struct MatmulShape {
  int64_t m = 0, n = 0, k = 0;
};

/// One MLIR context and one parsed benchmark module. Not thread-safe; one per
/// session.
class MatmulModule {
 public:
  /// Parses `text`. Throws BenchmarkInitError naming what is wrong: MLIR's
  /// own diagnostic for text that does not parse or verify; or a module
  /// without exactly one func.func holding exactly one linalg.matmul on f32
  /// memrefs of static shape (the function's arguments, A, B then C).
  MatmulModule(const std::string& text, const std::string& name);
  ~MatmulModule();
  MatmulModule(const MatmulModule&) = delete;
  MatmulModule& operator=(const MatmulModule&) = delete;

  const MatmulShape& shape() const { return shape_; }
  /// The function's name (the JIT's entry point).
  const std::string& function() const { return function_; }
  /// The module as parsed.
  const std::string& text() const { return text_; }

  /// The module after `schedule`'s transformations, as MLIR text (before
  /// lowering). Throws SessionError with MLIR's diagnostics when MLIR rejects
  /// the schedule.
  std::string transformed(const Schedule& schedule);

  /// A compiled kernel: call it with row-major A (m×k), B (k×n) and C (m×n)
  /// buffers; it adds A·B to C.
  using Kernel = std::function<void(const float* a, const float* b, float* c)>;
  /// Applies `schedule`, lowers to the LLVM dialect and JIT-compiles at -O3
  /// for the host. Throws SessionError with MLIR's diagnostics when a step
  /// fails, and when MLIR crashes (then this object must not be used again).
  Kernel compile(const Schedule& schedule);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  MatmulShape shape_;
  std::string function_;
  std::string text_;
};

/// The module text generator://matmul-v0 produces for a shape.
std::string matmul_module_text(const MatmulShape& shape);

/// "19.1.7".
std::string mlir_version();

}  // namespace cgym::mlir
