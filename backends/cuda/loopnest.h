// The loop-nest IR of the loopnest backend: tensor computations and the
// schedules (loop order, splits, parallel mapping, unrolling, vectorisation)
// that an agent edits. Pure C++: no CUDA, no LLVM, no child processes.
//
// A Computation is a perfectly nested loop nest over named dimensions, each
// either spatial (it indexes the output) or a reduction (summed over):
//
//   pointwise  n          C[i] = A[i] + B[i]                       dims i
//   reduction  m, n       B[i] += A[i,j]          (row sum)        dims i, j(red)
//   transpose  m, n       B[j,i] = A[i,j]                          dims i, j
//   matmul     m, n, k    C[i,j] += A[i,k] * B[k,j]                dims i, j, k(red)
//   conv2d     c, f, h, w, k   O[f,y,x] += I[c,y+r,x+s] * W[f,c,r,s]
//                         ("valid" convolution, output (h-k+1) x (w-k+1))
//                                                  dims f, y, x, c(red), r(red), s(red)
//
// A Schedule is an ordered list of loops (outermost first). Each loop is one
// level of one dimension: the dimension's index is the sum over its levels of
// `iteration * stride`. A dimension starts as one level (extent = the
// dimension's size, stride 1); split() turns a level into an outer level
// (extent ceil(e/F), stride s*F) and an inner one (extent F, stride s).
// When F does not divide e, a Guard records that the pair's combined index
// must stay below e*s: code generators turn guards into loop bounds (the
// remainder, or tail, is computed by the last, shorter iteration) or, for
// GPU-mapped loops, into an early return. Every iteration of the original
// nest runs exactly once under any schedule (checked by covers_exactly()).
//
// Value types, not thread-safe for concurrent mutation.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cgym::cuda {

enum class Kind { kPointwise, kReduction, kTranspose, kMatmul, kConv2d };

/// "pointwise", "reduction", "transpose", "matmul", "conv2d".
const char* to_string(Kind kind);
/// Inverse of to_string(Kind). Throws LookupError listing the valid kinds.
Kind kind_from_string(const std::string& name);
/// Every kind, in the order above.
const std::vector<Kind>& all_kinds();

/// One dimension (loop variable) of a computation.
struct Dim {
  std::string name;  ///< one lower-case letter: i, j, k, f, y, x, c, r, s
  int64_t extent = 1;
  bool reduction = false;
};

/// A tensor of the computation: its name and element count.
struct TensorInfo {
  std::string name;
  int64_t elements = 0;
  bool output = false;
};

/// A tensor computation with concrete sizes. Immutable after make().
class Computation {
 public:
  /// Builds a computation. `params` holds the sizes by name (see the file
  /// comment); missing ones take their defaults (see default_params()).
  /// Throws LookupError for an unknown size name, InvalidArgument for a size
  /// out of range (each size is 1..2^24, conv2d needs k <= h and k <= w,
  /// and all tensors together hold at most 2^28 elements).
  static Computation make(Kind kind, const std::map<std::string, int64_t>& params = {});
  /// The size names of a kind and their defaults.
  static std::map<std::string, int64_t> default_params(Kind kind);

  Kind kind() const { return kind_; }
  const std::map<std::string, int64_t>& params() const { return params_; }
  int64_t param(const std::string& name) const { return params_.at(name); }
  /// The loop dimensions in naive order (spatial dims first, in output
  /// order, then reduction dims).
  const std::vector<Dim>& dims() const { return dims_; }
  /// Input tensors, then the output tensor.
  std::vector<TensorInfo> tensors() const;
  int64_t output_elements() const;
  /// The number of terms summed into each output element (1 without a
  /// reduction).
  int64_t reduction_length() const;
  /// Whether some dimension is a reduction (the output is accumulated).
  bool has_reduction() const;
  /// Floating-point operations of one evaluation: pointwise n, reduction
  /// m*n, transpose m*n (one per element moved), matmul 2*m*n*k, conv2d
  /// 2*f*oh*ow*c*k*k.
  double flop_count() const;
  /// Bytes every evaluation must at least read and write (each tensor once).
  double min_bytes() const;
  /// "matmul m=128 n=128 k=128".
  std::string description() const;
  /// The statement of the loop body in index notation, e.g.
  /// "C[i,j] += A[i,k] * B[k,j]".
  std::string statement() const;

  nlohmann::json to_json() const;
  /// Throws InvalidArgument for a malformed description.
  static Computation from_json(const nlohmann::json& j);

 private:
  Kind kind_ = Kind::kPointwise;
  std::map<std::string, int64_t> params_;
  std::vector<Dim> dims_;
};

/// One loop of a schedule: one level of one dimension.
struct Loop {
  int dim = 0;         ///< index into Computation::dims()
  int level = 0;       ///< position in the dimension's chain, 0 = outermost part
  int64_t extent = 1;  ///< iterations
  int64_t stride = 1;  ///< what one iteration adds to the dimension's index
  bool parallel = false;
  bool unroll = false;
  bool vectorize = false;

  bool operator==(const Loop&) const = default;
};

/// A bound on the combined index of levels lo..hi (inclusive) of one
/// dimension: sum over those levels of iteration * stride < limit.
struct Guard {
  int dim = 0;
  int lo = 0;
  int hi = 0;
  int64_t limit = 0;

  bool operator==(const Guard&) const = default;
};

/// A schedule of a computation. Every editing method returns false and
/// leaves the schedule unchanged when the edit is not valid in the current
/// state (see each method); it never throws for that.
class Schedule {
 public:
  Schedule() = default;
  /// The naive schedule: one loop per dimension in the computation's order,
  /// nothing annotated.
  static Schedule naive(const Computation& computation);
  /// Builds a schedule from explicit loops and guards (used by the
  /// loop_tool env, whose loops carry tails). Throws InvalidArgument when
  /// the result does not cover each dimension's iterations exactly once.
  static Schedule from_parts(const Computation& computation, std::vector<Loop> loops,
                             std::vector<Guard> guards);

  const std::vector<Loop>& loops() const { return loops_; }
  const std::vector<Guard>& guards() const { return guards_; }
  size_t size() const { return loops_.size(); }

  /// Splits the loop at `pos` by `factor`: the outer loop stays at `pos`,
  /// the inner one follows it. The outer keeps the parallel mark (the inner
  /// gets it too), the inner takes the unroll and vectorise marks. Invalid
  /// when factor < 2 or factor >= the loop's extent.
  bool split(size_t pos, int64_t factor);
  /// Merges the loop at `pos` with the loop right after it, when that loop
  /// is the next level of the same dimension (the inner half of a split)
  /// and the two are contiguous. Undoes split(pos, F) exactly.
  bool merge(size_t pos);
  /// Swaps the loops at pos and pos + 1. Any order is valid.
  bool swap(size_t pos);
  /// Parallel: CPU threads (OpenMP) or GPU blocks/threads. Invalid on a
  /// reduction dimension (this backend does not generate atomics).
  bool toggle_parallel(const Computation& computation, size_t pos);
  bool toggle_unroll(size_t pos);
  bool toggle_vectorize(size_t pos);

  /// Whether the loops and guards enumerate each dimension's index range
  /// [0, extent) exactly once (brute force: only for small extents, a
  /// dimension with more than `max_iterations` iterations is assumed fine).
  bool covers_exactly(const Computation& computation, int64_t max_iterations = 1 << 20) const;

  /// The loop nest as text, one loop per line, indented by depth, marks in
  /// brackets, guards as "(while ...)"; the loop at `cursor` ends in
  /// "  <- cursor".
  std::string to_string(const Computation& computation,
                        std::optional<size_t> cursor = std::nullopt) const;
  /// The name of a loop's variable in generated code and in to_string():
  /// the dimension's name, plus the level when the dimension has several.
  std::string loop_name(const Computation& computation, size_t pos) const;
  /// The number of levels of a dimension.
  int levels(int dim) const;

  nlohmann::json to_json() const;
  static Schedule from_json(const Computation& computation, const nlohmann::json& j);

  bool operator==(const Schedule&) const = default;

 private:
  void drop_trivial_guards();
  bool guard_implied(const Guard& g) const;
  int64_t max_composite(const Guard& g) const;
  const Loop* find_level(int dim, int level) const;

  std::vector<Loop> loops_;
  std::vector<Guard> guards_;
};

}  // namespace cgym::cuda
