#include "backends/cuda/structured.h"

#include <functional>

#include "cgym/errors.h"

namespace cgym::cuda {

namespace {

enum EditIndex {
  kSwap = 0,
  kSplitFirst = 1,  // split_2; split_(2^k) is k
  kSplitLast = 5,   // split_32
  kMerge = 6,
  kParallel = 7,
  kUnroll = 8,
  kVectorize = 9,
};

// The register tiles offered: rows A (the outer loop's tile) by columns B
// (the inner, unit-stride one).
constexpr int64_t kTileRows[] = {4, 8, 16, 32};
constexpr int64_t kTileCols[] = {8, 16, 32};
// The square blocks offered.
constexpr int64_t kBlocks[] = {4, 8, 16, 32};
// The cache tiles offered: reduction iterations per block.
constexpr int64_t kCacheTiles[] = {32, 64, 128, 256};

int split_edit(int64_t factor) {
  int e = 0;
  while ((int64_t{1} << e) < factor) ++e;
  return e;  // 2 -> 1 (split_2), ..., 32 -> 5 (split_32)
}

bool is_spatial(const Computation& c, const Schedule& s, size_t p) {
  return !c.dims()[s.loops()[p].dim].reduction;
}

// Records the edits of one expansion on a copy of the schedule. An edit that
// would leave the direct space's positions, or change nothing, abandons the
// whole expansion.
class Expansion {
 public:
  Expansion(const Computation& c, Target t, const Schedule& s) : c_(c), t_(t), s_(s) {}

  bool edit(int e, size_t pos) {
    if (failed_ || pos >= kDirectPositions || !apply_edit(e, pos, c_, t_, s_)) {
      failed_ = true;
      return false;
    }
    edits_.push_back({e, pos});
    return true;
  }
  // Moves the loop at `pos` to `to` (> pos) by swaps; returns its new place.
  size_t sink(size_t pos, size_t to) {
    while (pos < to && edit(kSwap, pos)) ++pos;
    return pos;
  }
  // Moves the loop at `pos` up to `to` (< pos) by swaps.
  void raise(size_t pos, size_t to) {
    while (pos > to && edit(kSwap, pos - 1)) --pos;
  }
  const Schedule& schedule() const { return s_; }
  std::vector<PrimitiveEdit> result() const {
    return failed_ ? std::vector<PrimitiveEdit>{} : edits_;
  }

 private:
  const Computation& c_;
  Target t_;
  Schedule s_;
  std::vector<PrimitiveEdit> edits_;
  bool failed_ = false;
};

size_t position_of(const Schedule& s, int dim, int level) {
  for (size_t p = 0; p < s.size(); ++p) {
    if (s.loops()[p].dim == dim && s.loops()[p].level == level) return p;
  }
  return s.size();
}

// Splits the two innermost spatial loops u (outer) and v (inner) by `rows`
// and `cols` and moves the inner halves innermost: u.1 then v.1 (register
// tile), or, for a block, the one of the output's unit-stride dimension
// last. The inner halves become sequential. A register tile unrolls u.1 and
// vectorises v.1 (cpu; on cuda it unrolls both); a block unrolls both.
std::vector<PrimitiveEdit> tile_pair(int64_t rows, int64_t cols, bool block, const Computation& c,
                                     Target t, const Schedule& s) {
  // v: the innermost spatial loop; u: the innermost spatial loop above it
  // of another dimension.
  size_t pv = s.size();
  while (pv > 0 && !is_spatial(c, s, pv - 1)) --pv;
  if (pv == 0) return {};
  const Loop v = s.loops()[pv - 1];
  size_t pu = pv - 1;
  while (pu > 0 && !(is_spatial(c, s, pu - 1) && s.loops()[pu - 1].dim != v.dim)) --pu;
  if (pu == 0) return {};
  const Loop u = s.loops()[pu - 1];
  Expansion x(c, t, s);
  x.edit(split_edit(cols), position_of(x.schedule(), v.dim, v.level));
  x.edit(split_edit(rows), position_of(x.schedule(), u.dim, u.level));
  // The inner halves, in their final order.
  std::pair<int, int> first{u.dim, u.level + 1}, last{v.dim, v.level + 1};
  if (block && u.dim == output_unit_stride_dim(c)) std::swap(first, last);
  const size_t n = x.schedule().size();
  x.sink(position_of(x.schedule(), last.first, last.second), n - 1);
  x.sink(position_of(x.schedule(), first.first, first.second), n - 2);
  for (size_t p : {n - 2, n - 1}) {
    if (x.schedule().loops()[p].parallel) x.edit(kParallel, p);
  }
  if (!x.schedule().loops()[n - 2].unroll) x.edit(kUnroll, n - 2);
  if (t == Target::kCpu && !block) {
    if (!x.schedule().loops()[n - 1].vectorize) x.edit(kVectorize, n - 1);
  } else {
    if (x.schedule().loops()[n - 1].vectorize) x.edit(kVectorize, n - 1);
    if (!x.schedule().loops()[n - 1].unroll) x.edit(kUnroll, n - 1);
  }
  return x.result();
}

std::vector<PrimitiveEdit> vectorize_inner(const Computation& c, Target t, const Schedule& s) {
  if (t != Target::kCpu) return {};
  const int d = output_unit_stride_dim(c);
  const int level = s.levels(d) - 1;
  size_t p = 0;
  while (p < s.size() && !(s.loops()[p].dim == d && s.loops()[p].level == level)) ++p;
  if (p == s.size()) return {};
  Expansion x(c, t, s);
  const size_t last = x.sink(p, s.size() - 1);
  if (!x.schedule().loops()[last].vectorize) x.edit(kVectorize, last);
  return x.result();
}

// Splits the longest reduction loop (the outermost of equals) so that its
// inner part runs `block` iterations (split_32, then the outer half split
// again for more), and moves the outer part outermost: every parallel
// region then works on one block of the reduction, whose slice of the
// inputs stays in cache while the spatial loops sweep it. CPU only.
std::vector<PrimitiveEdit> cache_tile(int64_t block, const Computation& c, Target t,
                                      const Schedule& s) {
  if (t != Target::kCpu) return {};
  size_t pr = s.size();
  for (size_t p = 0; p < s.size(); ++p) {
    if (!is_spatial(c, s, p) && (pr == s.size() || s.loops()[p].extent > s.loops()[pr].extent)) {
      pr = p;
    }
  }
  if (pr == s.size() || s.loops()[pr].extent <= block) return {};
  Expansion x(c, t, s);
  x.edit(split_edit(32), pr);
  if (block > 32) x.edit(split_edit(block / 32), pr);
  x.raise(pr, 0);
  return x.result();
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& primitive_edits() {
  static const std::vector<std::pair<std::string, std::string>> list = {
      {"swap_down", "swap the loop with the next inner loop"},
      {"split_2", "split the loop by 2"},
      {"split_4", "split the loop by 4"},
      {"split_8", "split the loop by 8"},
      {"split_16", "split the loop by 16"},
      {"split_32", "split the loop by 32"},
      {"merge", "merge the loop with the inner half of its split"},
      {"toggle_parallel", "run the loop in parallel (CPU threads / GPU grid)"},
      {"toggle_unroll", "unroll the loop"},
      {"toggle_vectorize", "vectorise the loop (CPU only)"},
  };
  return list;
}

std::string PrimitiveEdit::name() const {
  return primitive_edits().at(static_cast<size_t>(edit)).first + "@" + std::to_string(pos);
}

bool apply_edit(int edit, size_t pos, const Computation& computation, Target target,
                Schedule& schedule) {
  if (edit >= kSplitFirst && edit <= kSplitLast) return schedule.split(pos, int64_t{1} << edit);
  switch (edit) {
    case kSwap:
      return schedule.swap(pos);
    case kMerge:
      return schedule.merge(pos);
    case kParallel:
      return schedule.toggle_parallel(computation, pos);
    case kUnroll:
      return schedule.toggle_unroll(pos);
    case kVectorize:
      return target == Target::kCpu && schedule.toggle_vectorize(pos);
    default:
      throw InvalidArgument("loopnest: primitive edit " + std::to_string(edit) +
                            " is out of range; valid: 0.." +
                            std::to_string(primitive_edits().size() - 1));
  }
}

const std::vector<std::pair<std::string, std::string>>& structured_actions() {
  static const std::vector<std::pair<std::string, std::string>> list = [] {
    std::vector<std::pair<std::string, std::string>> l;
    for (int64_t a : kTileRows) {
      for (int64_t b : kTileCols) {
        const std::string size = std::to_string(a) + "x" + std::to_string(b);
        l.emplace_back("tile2d_" + size,
                       "register tile " + size + ": split the two innermost spatial loops by " +
                           std::to_string(a) + " and " + std::to_string(b) +
                           ", move the inner halves innermost, unroll the first and vectorise "
                           "the second");
      }
    }
    for (int64_t b : kBlocks) {
      const std::string size = std::to_string(b) + "x" + std::to_string(b);
      l.emplace_back("block2d_" + size,
                     "block " + size + ": split the two innermost spatial loops by " +
                         std::to_string(b) +
                         ", move the inner halves innermost (the output's unit-stride one "
                         "last) and unroll both");
    }
    l.emplace_back("vectorize_inner",
                   "move the output's unit-stride loop innermost and vectorise it (CPU only)");
    for (int64_t b : kCacheTiles) {
      l.emplace_back("cachetile_" + std::to_string(b),
                     "cache tile: split the longest reduction loop into blocks of " +
                         std::to_string(b) +
                         " iterations and move the loop over the blocks outermost (CPU only)");
    }
    return l;
  }();
  return list;
}

std::vector<PrimitiveEdit> expand_structured(size_t index, const Computation& computation,
                                             Target target, const Schedule& schedule) {
  const size_t tiles = std::size(kTileRows) * std::size(kTileCols);
  const size_t blocks = tiles + std::size(kBlocks);
  if (index < tiles) {
    return tile_pair(kTileRows[index / std::size(kTileCols)],
                     kTileCols[index % std::size(kTileCols)], false, computation, target, schedule);
  }
  if (index < blocks) {
    const int64_t b = kBlocks[index - tiles];
    return tile_pair(b, b, true, computation, target, schedule);
  }
  if (index == blocks) return vectorize_inner(computation, target, schedule);
  if (index - blocks - 1 < std::size(kCacheTiles)) {
    return cache_tile(kCacheTiles[index - blocks - 1], computation, target, schedule);
  }
  throw InvalidArgument("loopnest: structured action " + std::to_string(index) +
                        " is out of range; valid: 0.." +
                        std::to_string(structured_actions().size() - 1));
}

int output_unit_stride_dim(const Computation& computation) {
  const char* name = "i";
  if (computation.kind() == Kind::kMatmul) name = "j";
  if (computation.kind() == Kind::kConv2d) name = "x";
  for (size_t d = 0; d < computation.dims().size(); ++d) {
    if (computation.dims()[d].name == name) return static_cast<int>(d);
  }
  throw SessionError(std::string("internal error: no dimension ") + name + " in " +
                     computation.description());
}

}  // namespace cgym::cuda
