#include "backends/cuda/loopnest.h"

#include <algorithm>
#include <numeric>
#include <sstream>

#include "cgym/errors.h"

namespace cgym::cuda {

namespace {

constexpr int64_t kMaxSize = int64_t{1} << 24;
constexpr int64_t kMaxElements = int64_t{1} << 28;

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

}  // namespace

const char* to_string(Kind kind) {
  switch (kind) {
    case Kind::kPointwise:
      return "pointwise";
    case Kind::kReduction:
      return "reduction";
    case Kind::kTranspose:
      return "transpose";
    case Kind::kMatmul:
      return "matmul";
    case Kind::kConv2d:
      return "conv2d";
  }
  return "pointwise";
}

const std::vector<Kind>& all_kinds() {
  static const std::vector<Kind> kinds = {Kind::kPointwise, Kind::kReduction, Kind::kTranspose,
                                          Kind::kMatmul, Kind::kConv2d};
  return kinds;
}

Kind kind_from_string(const std::string& name) {
  for (Kind k : all_kinds()) {
    if (name == to_string(k)) return k;
  }
  throw LookupError("unknown loop-nest computation '" + name +
                    "'; valid computations: pointwise, reduction, transpose, matmul, conv2d");
}

std::map<std::string, int64_t> Computation::default_params(Kind kind) {
  switch (kind) {
    case Kind::kPointwise:
      return {{"n", 1024}};
    case Kind::kReduction:
      return {{"m", 256}, {"n", 256}};
    case Kind::kTranspose:
      return {{"m", 256}, {"n", 256}};
    case Kind::kMatmul:
      return {{"m", 128}, {"n", 128}, {"k", 128}};
    case Kind::kConv2d:
      return {{"c", 4}, {"f", 8}, {"h", 32}, {"w", 32}, {"k", 3}};
  }
  return {};
}

Computation Computation::make(Kind kind, const std::map<std::string, int64_t>& params) {
  Computation c;
  c.kind_ = kind;
  c.params_ = default_params(kind);
  std::vector<std::string> names;
  for (const auto& [k, v] : c.params_) names.push_back(k);
  for (const auto& [k, v] : params) {
    if (!c.params_.count(k)) {
      throw LookupError("unknown size '" + k + "' for " + to_string(kind) +
                        "; valid sizes: " + join(names, ", "));
    }
    if (v < 1 || v > kMaxSize) {
      throw InvalidArgument("size " + k + "=" + std::to_string(v) + " of " + to_string(kind) +
                            " is out of range; valid: 1.." + std::to_string(kMaxSize));
    }
    c.params_[k] = v;
  }
  const auto& p = c.params_;
  switch (kind) {
    case Kind::kPointwise:
      c.dims_ = {{"i", p.at("n"), false}};
      break;
    case Kind::kReduction:
      c.dims_ = {{"i", p.at("m"), false}, {"j", p.at("n"), true}};
      break;
    case Kind::kTranspose:
      c.dims_ = {{"i", p.at("m"), false}, {"j", p.at("n"), false}};
      break;
    case Kind::kMatmul:
      c.dims_ = {{"i", p.at("m"), false}, {"j", p.at("n"), false}, {"k", p.at("k"), true}};
      break;
    case Kind::kConv2d: {
      const int64_t k = p.at("k");
      if (k > p.at("h") || k > p.at("w")) {
        throw InvalidArgument("conv2d filter size k=" + std::to_string(k) +
                              " is larger than the image (h=" + std::to_string(p.at("h")) +
                              ", w=" + std::to_string(p.at("w")) + "); valid: k <= min(h, w)");
      }
      c.dims_ = {{"f", p.at("f"), false},
                 {"y", p.at("h") - k + 1, false},
                 {"x", p.at("w") - k + 1, false},
                 {"c", p.at("c"), true},
                 {"r", k, true},
                 {"s", k, true}};
      break;
    }
  }
  // Sizes are bounded one by one above; products are checked in double so
  // that no intermediate overflows.
  double total = 0;
  for (const auto& t : c.tensors()) total += static_cast<double>(t.elements);
  double iterations = 1;
  for (const auto& d : c.dims_) iterations *= static_cast<double>(d.extent);
  if (total > static_cast<double>(kMaxElements)) {
    throw InvalidArgument(c.description() + " needs " +
                          std::to_string(static_cast<int64_t>(total)) +
                          " tensor elements; at most " + std::to_string(kMaxElements) +
                          " (1 GiB of floats) are allowed");
  }
  if (iterations > 1e13) {
    throw InvalidArgument(c.description() + " has too many loop iterations (" +
                          std::to_string(iterations) + "); at most 1e13 are allowed");
  }
  return c;
}

std::vector<TensorInfo> Computation::tensors() const {
  auto p = [&](const char* n) { return params_.at(n); };
  switch (kind_) {
    case Kind::kPointwise:
      return {{"A", p("n"), false}, {"B", p("n"), false}, {"C", p("n"), true}};
    case Kind::kReduction:
      return {{"A", p("m") * p("n"), false}, {"B", p("m"), true}};
    case Kind::kTranspose:
      return {{"A", p("m") * p("n"), false}, {"B", p("m") * p("n"), true}};
    case Kind::kMatmul:
      return {{"A", p("m") * p("k"), false},
              {"B", p("k") * p("n"), false},
              {"C", p("m") * p("n"), true}};
    case Kind::kConv2d: {
      const int64_t oh = p("h") - p("k") + 1, ow = p("w") - p("k") + 1;
      return {{"I", p("c") * p("h") * p("w"), false},
              {"W", p("f") * p("c") * p("k") * p("k"), false},
              {"O", p("f") * oh * ow, true}};
    }
  }
  return {};
}

int64_t Computation::output_elements() const { return tensors().back().elements; }

int64_t Computation::reduction_length() const {
  int64_t r = 1;
  for (const auto& d : dims_) {
    if (d.reduction) r *= d.extent;
  }
  return r;
}

bool Computation::has_reduction() const {
  return std::any_of(dims_.begin(), dims_.end(), [](const Dim& d) { return d.reduction; });
}

double Computation::flop_count() const {
  double iterations = 1;
  for (const auto& d : dims_) iterations *= static_cast<double>(d.extent);
  switch (kind_) {
    case Kind::kPointwise:
    case Kind::kReduction:
    case Kind::kTranspose:
      return iterations;
    case Kind::kMatmul:
    case Kind::kConv2d:
      return 2 * iterations;
  }
  return iterations;
}

double Computation::min_bytes() const {
  double total = 0;
  for (const auto& t : tensors()) total += 4.0 * static_cast<double>(t.elements);
  return total;
}

std::string Computation::description() const {
  std::string out = to_string(kind_);
  // The parameters in their conventional order, not alphabetical.
  std::vector<std::string> order;
  switch (kind_) {
    case Kind::kPointwise:
      order = {"n"};
      break;
    case Kind::kReduction:
    case Kind::kTranspose:
      order = {"m", "n"};
      break;
    case Kind::kMatmul:
      order = {"m", "n", "k"};
      break;
    case Kind::kConv2d:
      order = {"c", "f", "h", "w", "k"};
      break;
  }
  for (const auto& n : order) out += " " + n + "=" + std::to_string(params_.at(n));
  return out;
}

std::string Computation::statement() const {
  switch (kind_) {
    case Kind::kPointwise:
      return "C[i] = A[i] + B[i]";
    case Kind::kReduction:
      return "B[i] += A[i,j]";
    case Kind::kTranspose:
      return "B[j,i] = A[i,j]";
    case Kind::kMatmul:
      return "C[i,j] += A[i,k] * B[k,j]";
    case Kind::kConv2d:
      return "O[f,y,x] += I[c,y+r,x+s] * W[f,c,r,s]";
  }
  return "";
}

nlohmann::json Computation::to_json() const {
  return {{"computation", to_string(kind_)}, {"sizes", params_}};
}

Computation Computation::from_json(const nlohmann::json& j) {
  try {
    const Kind kind = kind_from_string(j.at("computation").get<std::string>());
    return make(kind, j.at("sizes").get<std::map<std::string, int64_t>>());
  } catch (const nlohmann::json::exception& e) {
    throw InvalidArgument(std::string("malformed loop-nest description (expected "
                                      "{\"computation\": name, \"sizes\": {name: int}}): ") +
                          e.what());
  }
}

// ---- Schedule ---------------------------------------------------------------

Schedule Schedule::naive(const Computation& computation) {
  Schedule s;
  for (size_t d = 0; d < computation.dims().size(); ++d) {
    Loop l;
    l.dim = static_cast<int>(d);
    l.extent = computation.dims()[d].extent;
    s.loops_.push_back(l);
  }
  return s;
}

Schedule Schedule::from_parts(const Computation& computation, std::vector<Loop> loops,
                              std::vector<Guard> guards) {
  Schedule s;
  s.loops_ = std::move(loops);
  s.guards_ = std::move(guards);
  for (const auto& l : s.loops_) {
    if (l.dim < 0 || l.dim >= static_cast<int>(computation.dims().size()) || l.extent < 1 ||
        l.stride < 1) {
      throw InvalidArgument("schedule loop with dimension " + std::to_string(l.dim) + ", extent " +
                            std::to_string(l.extent) + ", stride " + std::to_string(l.stride) +
                            " does not fit " + computation.description());
    }
    if (l.parallel && computation.dims()[l.dim].reduction) {
      throw InvalidArgument("schedule parallelises reduction dimension " +
                            computation.dims()[l.dim].name + ", which this backend forbids");
    }
  }
  if (!s.covers_exactly(computation)) {
    throw InvalidArgument("schedule does not run every iteration of " + computation.description() +
                          " exactly once");
  }
  s.drop_trivial_guards();
  return s;
}

const Loop* Schedule::find_level(int dim, int level) const {
  for (const auto& l : loops_) {
    if (l.dim == dim && l.level == level) return &l;
  }
  return nullptr;
}

int Schedule::levels(int dim) const {
  int n = 0;
  for (const auto& l : loops_) n += l.dim == dim;
  return n;
}

int64_t Schedule::max_composite(const Guard& g) const {
  int64_t m = 0;
  for (const auto& l : loops_) {
    if (l.dim == g.dim && l.level >= g.lo && l.level <= g.hi) m += (l.extent - 1) * l.stride;
  }
  return m;
}

void Schedule::drop_trivial_guards() {
  std::erase_if(guards_, [&](const Guard& g) { return max_composite(g) < g.limit; });
}

bool Schedule::guard_implied(const Guard& g) const {
  // The combined index over a longer range starting at the same level is at
  // least as large, so a bound on it with a smaller limit implies g.
  return std::any_of(guards_.begin(), guards_.end(), [&](const Guard& o) {
    return o.dim == g.dim && o.lo == g.lo && o.hi >= g.hi && o.limit <= g.limit;
  });
}

bool Schedule::split(size_t pos, int64_t factor) {
  if (pos >= loops_.size() || factor < 2 || factor >= loops_[pos].extent) return false;
  const Loop old = loops_[pos];
  for (auto& l : loops_) {
    if (l.dim == old.dim && l.level > old.level) ++l.level;
  }
  for (auto& g : guards_) {
    if (g.dim != old.dim) continue;
    if (g.lo > old.level) ++g.lo;
    if (g.hi >= old.level) ++g.hi;
  }
  Loop outer = old;
  outer.extent = ceil_div(old.extent, factor);
  outer.stride = old.stride * factor;
  outer.unroll = false;
  outer.vectorize = false;
  Loop inner = old;
  inner.level = old.level + 1;
  inner.extent = factor;
  loops_[pos] = outer;
  loops_.insert(loops_.begin() + static_cast<std::ptrdiff_t>(pos) + 1, inner);
  if (old.extent % factor != 0) {
    Guard g{old.dim, old.level, old.level + 1, old.extent * old.stride};
    if (!guard_implied(g)) guards_.push_back(g);
  }
  drop_trivial_guards();
  return true;
}

bool Schedule::merge(size_t pos) {
  if (pos + 1 >= loops_.size()) return false;
  const Loop a = loops_[pos], b = loops_[pos + 1];
  if (a.dim != b.dim || b.level != a.level + 1 || a.stride != b.extent * b.stride) return false;
  const int l = a.level;
  for (const auto& g : guards_) {
    if (g.dim != a.dim) continue;
    const bool in_a = g.lo <= l && l <= g.hi, in_b = g.lo <= l + 1 && l + 1 <= g.hi;
    // A guard over one half only belongs to a different split: merging
    // would lose it.
    if (in_a != in_b) return false;
  }
  Loop merged = a;
  merged.extent = a.extent * b.extent;
  merged.stride = b.stride;
  merged.unroll = b.unroll;
  merged.vectorize = b.vectorize;
  std::vector<Guard> kept;
  for (auto g : guards_) {
    if (g.dim == a.dim && g.lo == l && g.hi == l + 1) {
      if (g.limit % b.stride == 0) {
        merged.extent = std::min(merged.extent, g.limit / b.stride);
        continue;
      }
      g.hi = l;
    } else if (g.dim == a.dim) {
      if (g.lo > l + 1) --g.lo;
      if (g.hi >= l + 1) --g.hi;
    }
    kept.push_back(g);
  }
  guards_ = std::move(kept);
  for (auto& x : loops_) {
    if (x.dim == a.dim && x.level > l + 1) --x.level;
  }
  loops_[pos] = merged;
  loops_.erase(loops_.begin() + static_cast<std::ptrdiff_t>(pos) + 1);
  drop_trivial_guards();
  return true;
}

bool Schedule::swap(size_t pos) {
  if (pos + 1 >= loops_.size()) return false;
  std::swap(loops_[pos], loops_[pos + 1]);
  return true;
}

bool Schedule::toggle_parallel(const Computation& computation, size_t pos) {
  if (pos >= loops_.size()) return false;
  // Parallel iterations of a reduction would write the same output element.
  // We forbid that instead of generating atomics, so that every schedule is
  // race-free and deterministic up to float reassociation.
  if (computation.dims().at(loops_[pos].dim).reduction) return false;
  loops_[pos].parallel = !loops_[pos].parallel;
  return true;
}

bool Schedule::toggle_unroll(size_t pos) {
  if (pos >= loops_.size()) return false;
  loops_[pos].unroll = !loops_[pos].unroll;
  return true;
}

bool Schedule::toggle_vectorize(size_t pos) {
  if (pos >= loops_.size()) return false;
  loops_[pos].vectorize = !loops_[pos].vectorize;
  return true;
}

bool Schedule::covers_exactly(const Computation& computation, int64_t max_iterations) const {
  const auto& dims = computation.dims();
  for (int d = 0; d < static_cast<int>(dims.size()); ++d) {
    std::vector<const Loop*> chain;
    for (const auto& l : loops_) {
      if (l.dim == d) chain.push_back(&l);
    }
    if (chain.empty()) return false;
    std::sort(chain.begin(), chain.end(),
              [](const Loop* a, const Loop* b) { return a->level < b->level; });
    for (size_t i = 0; i < chain.size(); ++i) {
      if (chain[i]->level != static_cast<int>(i)) return false;
    }
    double total = 1;
    for (const Loop* l : chain) total *= static_cast<double>(l->extent);
    if (total > static_cast<double>(max_iterations)) continue;
    std::vector<Guard> guards;
    for (const auto& g : guards_) {
      if (g.dim != d) continue;
      if (g.lo < 0 || g.hi >= static_cast<int>(chain.size()) || g.lo > g.hi) return false;
      guards.push_back(g);
    }
    const int64_t extent = dims[d].extent;
    std::vector<int> count(static_cast<size_t>(extent), 0);
    std::vector<int64_t> v(chain.size(), 0);
    while (true) {
      bool pass = true;
      for (const auto& g : guards) {
        int64_t c = 0;
        for (int lv = g.lo; lv <= g.hi; ++lv) c += v[lv] * chain[lv]->stride;
        if (c >= g.limit) pass = false;
      }
      if (pass) {
        int64_t index = 0;
        for (size_t i = 0; i < chain.size(); ++i) index += v[i] * chain[i]->stride;
        if (index < 0 || index >= extent) return false;
        ++count[static_cast<size_t>(index)];
      }
      // Next combination, innermost level fastest.
      int i = static_cast<int>(chain.size()) - 1;
      while (i >= 0 && ++v[i] == chain[i]->extent) {
        v[i] = 0;
        --i;
      }
      if (i < 0) break;
    }
    if (std::any_of(count.begin(), count.end(), [](int c) { return c != 1; })) return false;
  }
  return true;
}

std::string Schedule::loop_name(const Computation& computation, size_t pos) const {
  const Loop& l = loops_.at(pos);
  std::string name = computation.dims()[l.dim].name;
  if (levels(l.dim) > 1) name += "." + std::to_string(l.level);
  return name;
}

std::string Schedule::to_string(const Computation& computation,
                                std::optional<size_t> cursor) const {
  // A guard is shown on the innermost of its loops: that is where it can
  // first be evaluated, and where the code generators apply it.
  std::vector<std::vector<const Guard*>> guards_at(loops_.size());
  for (const auto& g : guards_) {
    size_t at = 0;
    for (size_t p = 0; p < loops_.size(); ++p) {
      const Loop& l = loops_[p];
      if (l.dim == g.dim && l.level >= g.lo && l.level <= g.hi) at = p;
    }
    guards_at[at].push_back(&g);
  }
  auto level_name = [&](int dim, int level) {
    for (size_t p = 0; p < loops_.size(); ++p) {
      if (loops_[p].dim == dim && loops_[p].level == level) return loop_name(computation, p);
    }
    return std::string("?");
  };
  std::ostringstream out;
  for (size_t p = 0; p < loops_.size(); ++p) {
    const Loop& l = loops_[p];
    out << std::string(p, ' ') << "for " << loop_name(computation, p) << " in " << l.extent;
    if (computation.dims()[l.dim].reduction) out << " (reduce)";
    if (l.parallel) out << " [parallel]";
    if (l.unroll) out << " [unroll]";
    if (l.vectorize) out << " [vectorize]";
    for (const Guard* g : guards_at[p]) {
      std::vector<std::string> terms;
      for (int lv = g->lo; lv <= g->hi; ++lv) {
        const Loop* x = find_level(g->dim, lv);
        const std::string n = level_name(g->dim, lv);
        terms.push_back(x->stride == 1 ? n : std::to_string(x->stride) + "*" + n);
      }
      out << " (while " << join(terms, " + ") << " < " << g->limit << ")";
    }
    if (cursor && *cursor == p) out << "  <- cursor";
    out << "\n";
  }
  out << std::string(loops_.size(), ' ') << computation.statement() << "\n";
  return out.str();
}

nlohmann::json Schedule::to_json() const {
  nlohmann::json loops = nlohmann::json::array(), guards = nlohmann::json::array();
  for (const auto& l : loops_) {
    loops.push_back({{"dim", l.dim},
                     {"level", l.level},
                     {"extent", l.extent},
                     {"stride", l.stride},
                     {"parallel", l.parallel},
                     {"unroll", l.unroll},
                     {"vectorize", l.vectorize}});
  }
  for (const auto& g : guards_) {
    guards.push_back({{"dim", g.dim}, {"lo", g.lo}, {"hi", g.hi}, {"limit", g.limit}});
  }
  return {{"loops", loops}, {"guards", guards}};
}

Schedule Schedule::from_json(const Computation& computation, const nlohmann::json& j) {
  std::vector<Loop> loops;
  std::vector<Guard> guards;
  try {
    for (const auto& x : j.at("loops")) {
      Loop l;
      l.dim = x.at("dim").get<int>();
      l.level = x.at("level").get<int>();
      l.extent = x.at("extent").get<int64_t>();
      l.stride = x.at("stride").get<int64_t>();
      l.parallel = x.value("parallel", false);
      l.unroll = x.value("unroll", false);
      l.vectorize = x.value("vectorize", false);
      loops.push_back(l);
    }
    for (const auto& x : j.at("guards")) {
      guards.push_back({x.at("dim").get<int>(), x.at("lo").get<int>(), x.at("hi").get<int>(),
                        x.at("limit").get<int64_t>()});
    }
  } catch (const nlohmann::json::exception& e) {
    throw InvalidArgument(std::string("malformed schedule JSON (expected {\"loops\": [...], "
                                      "\"guards\": [...]}): ") +
                          e.what());
  }
  return from_parts(computation, std::move(loops), std::move(guards));
}

}  // namespace cgym::cuda
