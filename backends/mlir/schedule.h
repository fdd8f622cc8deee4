// An mlir-v0 schedule: CompilerGym's mlir-v0 action (a dict of tile and
// vectorisation options) as one value, its JSON form, and the discrete
// actions that edit it. Private to backends/mlir.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cgym/spaces.h"

namespace cgym::mlir {

enum class LoopType { kLoops, kAffineLoops };
enum class VectorizeTo { kDot, kMatmul, kOuterProduct };
enum class TransferSplit { kNone, kLinalgCopy, kVectorTransfer };

/// The transformations applied to the matmul, in order: tile (with the
/// interchange), promote the tiles of A and B into local buffers, vectorise,
/// then lower the vector contraction and transfers as chosen.
struct Schedule {
  /// Tile sizes for the m, n and k loops; 0 leaves that loop untiled (MLIR's
  /// convention). All 0: no tiling.
  std::array<int64_t, 3> tile_sizes{0, 0, 0};
  /// The order of the tile loops: a permutation of {0, 1, 2} (m, n, k).
  std::array<int64_t, 3> interchange{0, 1, 2};
  bool promote = false;
  bool promote_full_tile = false;
  LoopType loop_type = LoopType::kLoops;
  /// Vectorise the (tiled) matmul. Off: it is lowered to scalar loops.
  bool vectorize = false;
  VectorizeTo vectorize_to = VectorizeTo::kDot;
  TransferSplit vector_transfer_split = TransferSplit::kNone;
  bool unroll_vector_transfers = false;

  bool operator==(const Schedule&) const = default;

  /// {"tile_options": {"tile_sizes": [..], "interchange_vector": [..],
  ///  "promote": b, "promote_full_tile": b, "loop_type": "loops"},
  ///  "vectorize_options": {"vectorize": b, "vectorize_to": "dot",
  ///  "vector_transfer_split": "none", "unroll_vector_transfers": b}}
  nlohmann::json to_json() const;
  /// Reads to_json()'s form; missing keys keep their defaults. Throws
  /// InvalidArgument naming the key and what is valid.
  static Schedule from_json(const nlohmann::json& j);
  /// One line, e.g. "tile=[32,32,8] interchange=[0,2,1] vectorize=outer_product".
  std::string to_string() const;
};

/// The largest vector a schedule may ask for: the product of the vectorised
/// tile's extents (a larger one takes MLIR minutes to unroll).
inline constexpr int64_t kMaxVectorElements = 4096;

/// The discrete action space that edits a schedule ("tile_m=32",
/// "interchange=021", "vectorize=on", ...).
const ActionSpace& schedule_action_space();
/// Applies action `a` of schedule_action_space() to `s`. Throws
/// ActionOutOfRange.
Schedule apply_action(const Schedule& s, Action a);

}  // namespace cgym::mlir
