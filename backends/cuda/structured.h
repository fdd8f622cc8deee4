// The edits of loopnest-v0's "direct" action space, and its structured
// actions: whole-nest transformations (a 2-D register tile, vectorising the
// innermost unit-stride loop) that expand into a sequence of primitive
// edits computed from the current schedule.
//
// A structured action is exactly its expansion: the session applies the
// primitive edits one by one, through the same code as the primitive
// actions, so the loop tree, the generated program and its output are those
// of the expansion (tests/cuda check this through the env, with the
// expansion that the session parameter "loopnest.expand" reports).
//
//   tile2d_AxB (A in 4..32, B in 8..32)  A register tile. Takes the
//                 innermost spatial loop v and the innermost spatial loop u
//                 of another dimension above it, splits u by A and v by B,
//                 moves the inner halves u.1 and v.1 to the innermost
//                 positions (in that order), makes them sequential, unrolls
//                 u.1 and vectorises v.1 (on cuda: unrolls it; each GPU
//                 thread computes the A x B tile). For a matmul from the
//                 naive nest this is i.0 j.0 k i.1 j.1.
//   block2d_BxB (B in 4..32)  The same split and move, but the inner half
//                 of the output's unit-stride dimension goes last and both
//                 are unrolled, not vectorised: for a transpose,
//                 i.0 j.0 j.1 i.1, which the compiler turns into
//                 contiguous stores.
//   vectorize_inner  Moves the loop of the output's unit-stride dimension
//                 (its innermost level) to the innermost position and
//                 vectorises it (cpu only).
//   cachetile_K (K in 32, 64, 128, 256)  A cache tile. Splits the longest
//                 reduction loop r (the outermost of equals; it must be
//                 longer than K) so that its inner part runs K iterations
//                 (split_32, and for K > 32 the outer half split again by
//                 K/32), and moves the outer part r.0 outermost (cpu only).
//                 For a register-tiled matmul i.0 j.0 k i.1 j.1 this is
//                 k.0 i.0 j.0 k.1 [k.2] i.1 j.1: each block of k's slices
//                 of A and B stays in cache while i.0 and j.0 sweep them.
//
// A structured action that does not apply (a loop too short to split, a
// position past the tenth loop, nothing to change) has no effect.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "backends/cuda/codegen.h"
#include "backends/cuda/loopnest.h"

namespace cgym::cuda {

/// Positions the direct space addresses: loops 0..9.
constexpr size_t kDirectPositions = 10;

/// The primitive edits of the direct space, in action order: swap_down,
/// split_2 .. split_32, merge, toggle_parallel, toggle_unroll,
/// toggle_vectorize; each with its description.
const std::vector<std::pair<std::string, std::string>>& primitive_edits();

/// One primitive edit: primitive_edits()[edit] at loop `pos`.
struct PrimitiveEdit {
  int edit = 0;
  size_t pos = 0;
  /// Its direct-space action name, e.g. "split_8@0".
  std::string name() const;
  bool operator==(const PrimitiveEdit&) const = default;
};

/// Applies one primitive edit to `schedule`. Returns whether the schedule
/// changed (an invalid edit leaves it unchanged). toggle_vectorize does
/// nothing on cuda.
bool apply_edit(int edit, size_t pos, const Computation& computation, Target target,
                Schedule& schedule);

/// The structured actions: {name, description}, in action order.
const std::vector<std::pair<std::string, std::string>>& structured_actions();

/// The primitive edits structured action `index` (into
/// structured_actions()) performs on `schedule`, in order; each one changes
/// the schedule. Empty when the action does not apply. Throws
/// InvalidArgument for an index out of range.
std::vector<PrimitiveEdit> expand_structured(size_t index, const Computation& computation,
                                             Target target, const Schedule& schedule);

/// The dimension whose index is contiguous in the output tensor (matmul j,
/// transpose i, conv2d x, pointwise and reduction i).
int output_unit_stride_dim(const Computation& computation);

}  // namespace cgym::cuda
