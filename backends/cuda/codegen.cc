#include "backends/cuda/codegen.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <sstream>

#include "cgym/benchmark.h"
#include "cgym/errors.h"

namespace cgym::cuda {

const char* to_string(Target target) { return target == Target::kCuda ? "cuda" : "cpu"; }

Target target_from_string(const std::string& name) {
  if (name == "cpu") return Target::kCpu;
  if (name == "cuda") return Target::kCuda;
  throw InvalidArgument("unknown loop-nest backend '" + name + "'; valid backends: cpu, cuda");
}

namespace {

constexpr size_t kNone = static_cast<size_t>(-1);
constexpr int64_t kMaxThreadsPerBlock = 1024;
constexpr int64_t kMaxBlocks = (int64_t{1} << 31) - 1;
// Register tiles bigger than this spill on the CPU (32 AVX-512 registers
// hold 512 floats) or starve a GPU thread of registers.
constexpr int64_t kMaxTileCpu = 512;
// The most copies of the loop body that unrolling may make.
constexpr int64_t kMaxUnrolledBody = 256;
constexpr int64_t kMaxTileCuda = 64;

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  size_t pos = 0;
  while ((pos = text.find(from, pos)) != std::string::npos) {
    text.replace(pos, from.size(), to);
    pos += to.size();
  }
  return text;
}

std::string pad(int indent) { return std::string(static_cast<size_t>(indent) * 2, ' '); }

// Decides where every loop, guard and pragma goes, then prints the kernel.
class KernelWriter {
 public:
  KernelWriter(const Computation& c, const Schedule& s, const CodegenOptions& o)
      : c_(c), loops_(s.loops()), guards_(s.guards()), target_(o.target) {
    if (o.drop_tail) {
      // Wrong on purpose (tests only): the outermost loop of each guarded
      // range loses its last, partial iteration.
      for (const auto& g : guards_) {
        for (auto& l : loops_) {
          if (l.dim == g.dim && l.level == g.lo) l.extent = g.limit / l.stride;
        }
      }
    }
    plan();
  }

  std::string kernel() const;
  LaunchConfig launch() const { return launch_; }

 private:
  bool is_reduction(size_t p) const { return c_.dims()[loops_[p].dim].reduction; }
  bool on_grid(size_t p) const { return target_ == Target::kCuda && loops_[p].parallel; }
  std::string var(size_t p) const {
    return c_.dims()[loops_[p].dim].name + std::to_string(loops_[p].level);
  }
  size_t position_of(int dim, int level) const {
    for (size_t p = 0; p < loops_.size(); ++p) {
      if (loops_[p].dim == dim && loops_[p].level == level) return p;
    }
    throw SessionError("internal error: schedule lost level " + std::to_string(level) +
                       " of dimension " + c_.dims()[dim].name);
  }
  std::string term(size_t p) const {
    return loops_[p].stride == 1 ? var(p) : var(p) + "*" + std::to_string(loops_[p].stride);
  }
  std::string dim_expr(const std::string& name) const;
  std::string output_index() const;
  std::string rhs() const;
  std::string guard_sum(const Guard& g, size_t skip) const;

  void plan();
  std::string nest(size_t idx, int indent) const;
  std::string chain(size_t from, int indent, const std::function<std::string(int)>& body) const;
  std::string for_loop(size_t p, int indent, const std::string& inner) const;
  int64_t unroll_factor(size_t p) const { return std::min<int64_t>(loops_[p].extent, 64); }

  const Computation& c_;
  std::vector<Loop> loops_;
  std::vector<Guard> guards_;
  Target target_;

  std::vector<size_t> seq_;                         // sequential loops, outermost first
  std::vector<size_t> thread_loops_, block_loops_;  // CUDA grid, outermost first
  std::vector<std::vector<const Guard*>> guards_at_;
  std::vector<const Guard*> top_guards_;
  size_t omp_loop_ = kNone, simd_loop_ = kNone;
  std::vector<bool> unrolled_;        // the unroll marks that get a pragma
  size_t r_start_ = 0, t_start_ = 0;  // indices into seq_; equal: no accumulator
  LaunchConfig launch_;
};

void KernelWriter::plan() {
  const size_t n = loops_.size();
  guards_at_.assign(n, {});
  for (size_t p = 0; p < n; ++p) {
    if (!on_grid(p)) seq_.push_back(p);
  }
  if (target_ == Target::kCuda) {
    std::vector<size_t> par;
    for (size_t p = 0; p < n; ++p) {
      if (loops_[p].parallel) par.push_back(p);
    }
    int64_t threads = 1;
    size_t split = par.size();
    while (split > 0 && threads * loops_[par[split - 1]].extent <= kMaxThreadsPerBlock) {
      threads *= loops_[par[split - 1]].extent;
      --split;
    }
    block_loops_.assign(par.begin(), par.begin() + static_cast<std::ptrdiff_t>(split));
    thread_loops_.assign(par.begin() + static_cast<std::ptrdiff_t>(split), par.end());
    double blocks = 1;
    for (size_t p : block_loops_) blocks *= static_cast<double>(loops_[p].extent);
    if (blocks > static_cast<double>(kMaxBlocks)) {
      throw SessionError("the schedule maps " + std::to_string(static_cast<int64_t>(blocks)) +
                         " CUDA blocks; at most 2^31-1 are possible: mark fewer outer loops "
                         "parallel or split them");
    }
    launch_.threads = threads;
    launch_.blocks = static_cast<int64_t>(blocks);
  } else {
    for (size_t p = 0; p < n; ++p) {
      if (loops_[p].parallel) {
        omp_loop_ = p;
        break;
      }
    }
  }
  // Each guard goes on the innermost sequential loop it involves; a guard
  // over grid loops only becomes an early return.
  for (const auto& g : guards_) {
    size_t at = kNone;
    for (int lv = g.lo; lv <= g.hi; ++lv) {
      const size_t p = position_of(g.dim, lv);
      if (!on_grid(p) && (at == kNone || p > at)) at = p;
    }
    if (at == kNone) {
      top_guards_.push_back(&g);
    } else {
      guards_at_[at].push_back(&g);
    }
  }
  // The accumulator: spatial loops T (innermost) right under reduction
  // loops R. See codegen.h.
  const int64_t max_tile = target_ == Target::kCuda ? kMaxTileCuda : kMaxTileCpu;
  size_t t = seq_.size();
  int64_t tile = 1;
  while (t > 0) {
    const size_t p = seq_[t - 1];
    if (is_reduction(p) || !guards_at_[p].empty() || p == omp_loop_ ||
        tile * loops_[p].extent > max_tile) {
      break;
    }
    tile *= loops_[p].extent;
    --t;
  }
  size_t r = t;
  while (r > 0 && is_reduction(seq_[r - 1])) --r;
  if (r == t) {
    r_start_ = t_start_ = seq_.size();
  } else {
    r_start_ = r;
    t_start_ = t;
  }
  // The innermost vectorised loop gets `omp simd` when that is valid.
  if (target_ == Target::kCpu) {
    size_t x = kNone;
    for (size_t p = 0; p < n; ++p) {
      if (loops_[p].vectorize) x = p;
    }
    if (x != kNone && !(omp_loop_ != kNone && omp_loop_ > x)) {
      if (!is_reduction(x)) {
        simd_loop_ = x;
      } else {
        // A reduction loop is vectorised only as a scalar reduction.
        const bool in_r = std::find(seq_.begin() + static_cast<std::ptrdiff_t>(r_start_),
                                    seq_.begin() + static_cast<std::ptrdiff_t>(t_start_),
                                    x) != seq_.begin() + static_cast<std::ptrdiff_t>(t_start_);
        if (r_start_ < t_start_ && in_r && t_start_ == seq_.size()) simd_loop_ = x;
      }
    }
  }
  // Unroll marks, innermost first, while the loops unrolled into each other
  // copy the body at most kMaxUnrolledBody times: beyond that the compiler
  // takes seconds (32 x 32: 3.6 s), or minutes and gigabytes (21 x 32 x 32:
  // over four), so further marks outside are ignored.
  unrolled_.assign(n, false);
  int64_t body = 1;
  for (size_t p = n; p-- > 0;) {
    const Loop& l = loops_[p];
    if (!l.unroll || on_grid(p) || p == omp_loop_ || p == simd_loop_) continue;
    if (body * unroll_factor(p) > kMaxUnrolledBody) continue;
    unrolled_[p] = true;
    body *= unroll_factor(p);
  }
}

std::string KernelWriter::dim_expr(const std::string& name) const {
  int dim = -1;
  for (size_t d = 0; d < c_.dims().size(); ++d) {
    if (c_.dims()[d].name == name) dim = static_cast<int>(d);
  }
  std::vector<std::pair<int, size_t>> levels;
  for (size_t p = 0; p < loops_.size(); ++p) {
    if (loops_[p].dim == dim) levels.emplace_back(loops_[p].level, p);
  }
  std::sort(levels.begin(), levels.end());
  std::string out;
  for (const auto& [lv, p] : levels) out += (out.empty() ? "" : " + ") + term(p);
  return levels.size() > 1 ? "(" + out + ")" : out;
}

std::string KernelWriter::output_index() const {
  auto D = [&](const char* n) { return dim_expr(n); };
  auto P = [&](const char* n) { return std::to_string(c_.param(n)); };
  switch (c_.kind()) {
    case Kind::kPointwise:
      return "C[" + D("i") + "]";
    case Kind::kReduction:
      return "B[" + D("i") + "]";
    case Kind::kTranspose:
      return "B[" + D("j") + "*" + P("m") + " + " + D("i") + "]";
    case Kind::kMatmul:
      return "C[" + D("i") + "*" + P("n") + " + " + D("j") + "]";
    case Kind::kConv2d: {
      const int64_t oh = c_.param("h") - c_.param("k") + 1, ow = c_.param("w") - c_.param("k") + 1;
      return "O[(" + D("f") + "*" + std::to_string(oh) + " + " + D("y") + ")*" +
             std::to_string(ow) + " + " + D("x") + "]";
    }
  }
  return "";
}

std::string KernelWriter::rhs() const {
  auto D = [&](const char* n) { return dim_expr(n); };
  auto P = [&](const char* n) { return std::to_string(c_.param(n)); };
  switch (c_.kind()) {
    case Kind::kPointwise:
      return "A[" + D("i") + "] + B[" + D("i") + "]";
    case Kind::kReduction:
      return "A[" + D("i") + "*" + P("n") + " + " + D("j") + "]";
    case Kind::kTranspose:
      return "A[" + D("i") + "*" + P("n") + " + " + D("j") + "]";
    case Kind::kMatmul:
      return "A[" + D("i") + "*" + P("k") + " + " + D("k") + "] * B[" + D("k") + "*" + P("n") +
             " + " + D("j") + "]";
    case Kind::kConv2d:
      return "I[(" + D("c") + "*" + P("h") + " + " + D("y") + " + " + D("r") + ")*" + P("w") +
             " + " + D("x") + " + " + D("s") + "] * W[((" + D("f") + "*" + P("c") + " + " + D("c") +
             ")*" + P("k") + " + " + D("r") + ")*" + P("k") + " + " + D("s") + "]";
  }
  return "";
}

std::string KernelWriter::guard_sum(const Guard& g, size_t skip) const {
  std::string out;
  for (int lv = g.lo; lv <= g.hi; ++lv) {
    const size_t p = position_of(g.dim, lv);
    if (p == skip) continue;
    out += (out.empty() ? "" : " + ") + term(p);
  }
  return out.empty() ? "0" : out;
}

std::string KernelWriter::for_loop(size_t p, int indent, const std::string& inner) const {
  const Loop& l = loops_[p];
  const std::string v = var(p);
  std::ostringstream out;
  std::string bound = std::to_string(l.extent);
  if (!guards_at_[p].empty()) {
    // v * stride + rest < limit  <=>  v < ceil((limit - rest) / stride).
    std::string e = bound;
    for (const Guard* g : guards_at_[p]) {
      std::string room = "(" + std::to_string(g->limit) + " - (" + guard_sum(*g, p) + "))";
      if (l.stride != 1) {
        room = "((" + room + " + " + std::to_string(l.stride - 1) + ") / " +
               std::to_string(l.stride) + ")";
      }
      e = "LNV_MIN(" + e + ", " + room + ")";
    }
    out << pad(indent) << "const int64_t lim_" << v << " = " << e << ";\n";
    bound = "lim_" + v;
  }
  if (p == omp_loop_) {
    out << "#pragma omp parallel for" << (p == simd_loop_ ? " simd" : "") << "\n";
  } else if (p == simd_loop_) {
    out << "#pragma omp simd" << (is_reduction(p) ? " reduction(+:acc)" : "") << "\n";
  }
  // GCC accepts no other pragma between an OpenMP loop pragma and its loop,
  // so a loop that gets one keeps its unroll mark without effect.
  if (unrolled_[p]) {
    const int64_t factor = unroll_factor(p);
    out << (target_ == Target::kCuda ? "#pragma unroll " : "#pragma GCC unroll ") << factor << "\n";
  }
  out << pad(indent) << "for (int64_t " << v << " = 0; " << v << " < " << bound << "; ++" << v
      << ") {\n"
      << inner << pad(indent) << "}\n";
  return out.str();
}

std::string KernelWriter::chain(size_t from, int indent,
                                const std::function<std::string(int)>& body) const {
  if (from == seq_.size()) return body(indent);
  return for_loop(seq_[from], indent, chain(from + 1, indent + 1, body));
}

std::string KernelWriter::nest(size_t idx, int indent) const {
  const bool accumulate = c_.has_reduction();
  if (idx == r_start_ && r_start_ < t_start_) {
    std::string acc_index;
    for (size_t i = t_start_; i < seq_.size(); ++i) acc_index += "[" + var(seq_[i]) + "]";
    std::string decl;
    if (acc_index.empty()) {
      decl = pad(indent) + "float acc = 0.0f;\n";
    } else {
      std::string dims;
      for (size_t i = t_start_; i < seq_.size(); ++i) {
        dims += "[" + std::to_string(loops_[seq_[i]].extent) + "]";
      }
      decl = pad(indent) + "float acc" + dims + " = {};\n";
    }
    const std::string reduce = chain(
        idx, indent, [&](int in) { return pad(in) + "acc" + acc_index + " += " + rhs() + ";\n"; });
    const std::string store = chain(t_start_, indent, [&](int in) {
      return pad(in) + output_index() + " += acc" + acc_index + ";\n";
    });
    return decl + reduce + store;
  }
  if (idx == seq_.size()) {
    return pad(indent) + output_index() + (accumulate ? " += " : " = ") + rhs() + ";\n";
  }
  return for_loop(seq_[idx], indent, nest(idx + 1, indent + 1));
}

std::string KernelWriter::kernel() const {
  std::ostringstream out;
  std::string params;
  for (const auto& t : c_.tensors()) {
    params += std::string(params.empty() ? "" : ", ") + (t.output ? "" : "const ") +
              "float* __restrict__ " + t.name;
  }
  const auto output = c_.tensors().back();
  if (target_ == Target::kCuda) {
    out << "__global__ void __launch_bounds__(" << launch_.threads << ") lnv_kernel(" << params
        << ") {\n";
    if (!thread_loops_.empty()) {
      out << "  int64_t lnv_t = threadIdx.x;\n";
      for (auto it = thread_loops_.rbegin(); it != thread_loops_.rend(); ++it) {
        out << "  const int64_t " << var(*it) << " = lnv_t % " << loops_[*it].extent
            << "; lnv_t /= " << loops_[*it].extent << ";\n";
      }
    }
    if (!block_loops_.empty()) {
      out << "  int64_t lnv_b = blockIdx.x;\n";
      for (auto it = block_loops_.rbegin(); it != block_loops_.rend(); ++it) {
        out << "  const int64_t " << var(*it) << " = lnv_b % " << loops_[*it].extent
            << "; lnv_b /= " << loops_[*it].extent << ";\n";
      }
    }
    for (const Guard* g : top_guards_) {
      out << "  if (" << guard_sum(*g, kNone) << " >= " << g->limit << ") return;\n";
    }
    out << nest(0, 1) << "}\n";
  } else {
    out << "static void __attribute__((noinline)) lnv_kernel(" << params << ") {\n";
    if (c_.has_reduction()) {
      out << "  memset(" << output.name << ", 0, sizeof(float) * " << output.elements << ");\n";
    }
    out << nest(0, 1) << "}\n";
  }
  return out.str();
}

// ---- the program around the kernel -----------------------------------------

// Shared by both targets: inputs, reference, reference file, output check
// and JSON helpers. Plain C so that it compiles in a fraction of a second.
constexpr const char* kCommon = R"(
#define LNV_MIN(a, b) ((a) < (b) ? (a) : (b))

static float lnv_value(uint64_t i, uint32_t seed) {
  uint32_t x = (uint32_t)i ^ ((uint32_t)(i >> 32) * 0x27d4eb2du);
  x += seed * 0x9e3779b9u;
  x ^= x >> 16; x *= 0x7feb352du; x ^= x >> 15; x *= 0x846ca68bu; x ^= x >> 16;
  return (float)(x >> 8) * (1.0f / 8388608.0f) - 1.0f;
}

/* Buffers of 2 MiB or more are aligned to 2 MiB and asked for transparent
   huge pages (where THP is "madvise", as on Debian), as a tuned library's
   allocator would: a transpose's strided half otherwise spends its time in
   TLB misses. bench/cuda's copy baseline allocates the same way. */
static float* lnv_alloc(int64_t n) {
  const size_t huge = (size_t)2 << 20;
  size_t bytes = (size_t)n * sizeof(float);
  const size_t align = bytes >= huge ? huge : 64;
  bytes = (bytes + align - 1) / align * align;
  float* p = (float*)aligned_alloc(align, bytes ? bytes : 64);
  if (p && align == huge) madvise(p, bytes, MADV_HUGEPAGE);
  if (!p) {
    printf("{\"ok\":false,\"error\":\"out_of_memory\",\"detail\":\"cannot allocate %lld floats\"}\n", (long long)n);
    exit(5);
  }
  return p;
}

static inline double lnv_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int lnv_cmp(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return x < y ? -1 : x > y;
}

static double lnv_median(double* v, int n) {
  qsort(v, (size_t)n, sizeof(double), lnv_cmp);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* A number as JSON, or as a string when it is not finite. */
static const char* lnv_num(char* buf, double x) {
  if (isnan(x)) return "\"nan\"";
  if (isinf(x)) return x > 0 ? "\"inf\"" : "\"-inf\"";
  snprintf(buf, 64, "%.9g", x);
  return buf;
}

static int lnv_load_ref(const char* path, float* ref, float* tol, int64_t n) {
  FILE* f = fopen(path, "rb");
  if (!f) return 0;
  char magic[8];
  int64_t count = 0;
  int ok = fread(magic, 1, 8, f) == 8 && memcmp(magic, "LNVREF01", 8) == 0 &&
           fread(&count, sizeof count, 1, f) == 1 && count == n &&
           fread(ref, sizeof(float), (size_t)n, f) == (size_t)n &&
           fread(tol, sizeof(float), (size_t)n, f) == (size_t)n;
  fclose(f);
  return ok;
}

static void lnv_save_ref(const char* path, const float* ref, const float* tol, int64_t n) {
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
  FILE* f = fopen(tmp, "wb");
  if (!f) return;
  int ok = fwrite("LNVREF01", 1, 8, f) == 8 && fwrite(&n, sizeof n, 1, f) == 1 &&
           fwrite(ref, sizeof(float), (size_t)n, f) == (size_t)n &&
           fwrite(tol, sizeof(float), (size_t)n, f) == (size_t)n;
  ok = (fclose(f) == 0) && ok;
  if (ok && rename(tmp, path) == 0) return;
  remove(tmp);
}

/* Returns 1 when every element is within tolerance; otherwise prints the
   worst element as JSON and returns 0. */
static int lnv_check(const float* out, const float* ref, const float* tol, int64_t n) {
  int64_t worst = -1, wrong = 0;
  double worst_err = -1;
  for (int64_t i = 0; i < n; ++i) {
    double err = fabs((double)out[i] - (double)ref[i]);
    if (!(err <= (double)tol[i])) {
      ++wrong;
      double rank = isnan(err) ? INFINITY : err;
      if (rank > worst_err) { worst_err = rank; worst = i; }
    }
  }
  if (!wrong) return 1;
  char b1[64], b2[64], b3[64], b4[64];
  printf("{\"ok\":false,\"error\":\"wrong_output\",\"max_abs_error\":%s,\"index\":%lld,"
         "\"expected\":%s,\"got\":%s,\"tolerance\":%s,\"wrong_elements\":%lld,\"elements\":%lld}\n",
         lnv_num(b1, fabs((double)out[worst] - (double)ref[worst])), (long long)worst,
         lnv_num(b2, ref[worst]), lnv_num(b3, out[worst]), lnv_num(b4, tol[worst]),
         (long long)wrong, (long long)n);
  return 0;
}

static void lnv_usage(void) {
  fprintf(stderr, "usage: prog [--warmup N] [--runs N] [--min-batch SECONDS] "
                  "[--max-time SECONDS] [--give-up SECONDS] [--ref PATH] [--check-only]\n");
  exit(2);
}

struct lnv_args {
  int warmup, runs, check_only;
  double min_batch, max_time, give_up;
  const char* ref;
};

/* --give-up: the first (checked) kernel call is abandoned once it has run
   this long, and the program reports only that it gave up, as a lower
   bound on the call's time: a search that needs a faster schedule learns
   that this one is not, without waiting for a slow schedule to finish. */
static char lnv_gave_up_line[128];
static size_t lnv_gave_up_length;

static void lnv_on_give_up(int sig) {
  (void)sig;
  ssize_t w = write(1, lnv_gave_up_line, lnv_gave_up_length);
  (void)w;
  _exit(0);
}

static void lnv_report_gave_up(double seconds) {
  int n = snprintf(lnv_gave_up_line, sizeof lnv_gave_up_line,
                   "{\"ok\":true,\"gave_up\":true,\"seconds\":%.9g}\n", seconds);
  lnv_gave_up_length = n > 0 ? (size_t)n : 0;
}

static void lnv_arm_give_up(double seconds) {
  if (!(seconds > 0)) return;
  lnv_report_gave_up(seconds);
  fflush(stdout);
  signal(SIGALRM, lnv_on_give_up);
  struct itimerval t;
  memset(&t, 0, sizeof t);
  t.it_value.tv_sec = (time_t)seconds;
  t.it_value.tv_usec = (suseconds_t)((seconds - (double)t.it_value.tv_sec) * 1e6);
  if (t.it_value.tv_sec == 0 && t.it_value.tv_usec == 0) t.it_value.tv_usec = 1;
  setitimer(ITIMER_REAL, &t, NULL);
}

/* After the call: no alarm any more, and a call that outlasted the limit
   gives up too (the alarm may have come too late to interrupt it). */
static void lnv_disarm_give_up(double seconds, double elapsed) {
  if (!(seconds > 0)) return;
  struct itimerval t;
  memset(&t, 0, sizeof t);
  setitimer(ITIMER_REAL, &t, NULL);
  signal(SIGALRM, SIG_DFL);
  if (elapsed >= seconds) {
    lnv_report_gave_up(elapsed);
    fflush(stdout);
    lnv_on_give_up(0);
  }
}

static struct lnv_args lnv_parse(int argc, char** argv) {
  struct lnv_args a = {2, 5, 0, 1e-3, 10.0, 0.0, NULL};
  for (int i = 1; i < argc; ++i) {
    const char* s = argv[i];
    int more = i + 1 < argc;
    if (!strcmp(s, "--warmup") && more) a.warmup = atoi(argv[++i]);
    else if (!strcmp(s, "--runs") && more) a.runs = atoi(argv[++i]);
    else if (!strcmp(s, "--min-batch") && more) a.min_batch = atof(argv[++i]);
    else if (!strcmp(s, "--max-time") && more) a.max_time = atof(argv[++i]);
    else if (!strcmp(s, "--give-up") && more) a.give_up = atof(argv[++i]);
    else if (!strcmp(s, "--ref") && more) a.ref = argv[++i];
    else if (!strcmp(s, "--check-only")) a.check_only = 1;
    else lnv_usage();
  }
  if (a.warmup < 0 || a.runs < 1 || a.min_batch < 0 || a.max_time <= 0 || a.give_up < 0)
    lnv_usage();
  return a;
}

/* How many kernel calls one timed run makes, and how many runs fit in the
   time budget, from the duration of one call. */
static long lnv_plan(struct lnv_args* a, double one_call) {
  long inner = 1;
  if (one_call < a->min_batch) {
    double x = a->min_batch / (one_call > 1e-9 ? one_call : 1e-9);
    inner = x > 1048576.0 ? 1048576L : (long)ceil(x);
  }
  double batch = one_call * (double)inner;
  if (batch * (double)(a->warmup + a->runs) > a->max_time) {
    a->warmup = 0;
    int fit = (int)(a->max_time / (batch > 1e-12 ? batch : 1e-12));
    a->runs = fit < 1 ? 1 : (fit < a->runs ? fit : a->runs);
  }
  return inner;
}
)";

std::string reference_code(const Computation& c) {
  // Naive loops in double precision, in a cache-friendly order (this runs
  // once per benchmark when --ref caches it). mag accumulates sum |term|.
  const double eps = 1.0 / 8388608.0;
  const double rel = std::max(1e-5, 4 * eps * std::sqrt(static_cast<double>(c.reduction_length())));
  std::ostringstream o;
  o.precision(17);
  std::string params;
  for (const auto& t : c.tensors()) {
    if (!t.output) params += "const float* " + t.name + ", ";
  }
  o << "static void lnv_reference(" << params << "float* ref, float* tol) {\n";
  const int64_t n_out = c.output_elements();
  o << "  double* r = (double*)calloc(" << n_out << ", sizeof(double));\n"
    << "  double* m = (double*)calloc(" << n_out << ", sizeof(double));\n"
    << "  if (!r || !m) { printf(\"{\\\"ok\\\":false,\\\"error\\\":\\\"out_of_memory\\\"}\\n\"); "
       "exit(5); }\n";
  auto P = [&](const char* n) { return std::to_string(c.param(n)); };
  switch (c.kind()) {
    case Kind::kPointwise:
      o << "  for (int64_t i = 0; i < " << P("n") << "; ++i) {\n"
        << "    r[i] = (double)A[i] + (double)B[i];\n"
        << "    m[i] = fabs((double)A[i]) + fabs((double)B[i]);\n  }\n";
      break;
    case Kind::kReduction:
      o << "  for (int64_t i = 0; i < " << P("m") << "; ++i)\n"
        << "    for (int64_t j = 0; j < " << P("n") << "; ++j) {\n"
        << "      double x = A[i*" << P("n") << " + j];\n"
        << "      r[i] += x; m[i] += fabs(x);\n    }\n";
      break;
    case Kind::kTranspose:
      o << "  for (int64_t i = 0; i < " << P("m") << "; ++i)\n"
        << "    for (int64_t j = 0; j < " << P("n") << "; ++j) {\n"
        << "      double x = A[i*" << P("n") << " + j];\n"
        << "      r[j*" << P("m") << " + i] = x; m[j*" << P("m") << " + i] = fabs(x);\n    }\n";
      break;
    case Kind::kMatmul:
      o << "  for (int64_t i = 0; i < " << P("m") << "; ++i)\n"
        << "    for (int64_t k = 0; k < " << P("k") << "; ++k) {\n"
        << "      double a = A[i*" << P("k") << " + k];\n"
        << "      for (int64_t j = 0; j < " << P("n") << "; ++j) {\n"
        << "        double x = a * (double)B[k*" << P("n") << " + j];\n"
        << "        r[i*" << P("n") << " + j] += x; m[i*" << P("n") << " + j] += fabs(x);\n"
        << "      }\n    }\n";
      break;
    case Kind::kConv2d: {
      const std::string oh = std::to_string(c.param("h") - c.param("k") + 1);
      const std::string ow = std::to_string(c.param("w") - c.param("k") + 1);
      o << "  for (int64_t f = 0; f < " << P("f") << "; ++f)\n"
        << "  for (int64_t c = 0; c < " << P("c") << "; ++c)\n"
        << "  for (int64_t r_ = 0; r_ < " << P("k") << "; ++r_)\n"
        << "  for (int64_t s = 0; s < " << P("k") << "; ++s) {\n"
        << "    double wv = W[((f*" << P("c") << " + c)*" << P("k") << " + r_)*" << P("k")
        << " + s];\n"
        << "    for (int64_t y = 0; y < " << oh << "; ++y)\n"
        << "      for (int64_t x = 0; x < " << ow << "; ++x) {\n"
        << "        double v = wv * (double)I[(c*" << P("h") << " + y + r_)*" << P("w")
        << " + x + s];\n"
        << "        r[(f*" << oh << " + y)*" << ow << " + x] += v; m[(f*" << oh << " + y)*" << ow
        << " + x] += fabs(v);\n"
        << "      }\n  }\n";
      break;
    }
  }
  o << "  for (int64_t i = 0; i < " << n_out << "; ++i) {\n"
    << "    ref[i] = (float)r[i];\n"
    << "    tol[i] = (float)(1e-6 + " << rel << " * m[i]);\n  }\n"
    << "  free(r); free(m);\n}\n";
  return o.str();
}

std::string program_main(const Computation& c, Target target, const LaunchConfig& launch) {
  const auto tensors = c.tensors();
  const auto& out = tensors.back();
  std::ostringstream o;
  std::string inputs, args, d_args;
  uint32_t seed = 1;
  std::ostringstream alloc, fill, dalloc, copy, dfree;
  for (const auto& t : tensors) {
    alloc << "  float* " << t.name << " = lnv_alloc(" << t.elements << ");\n";
    if (!t.output) {
      fill << "  for (int64_t i = 0; i < " << t.elements << "; ++i) " << t.name
           << "[i] = lnv_value((uint64_t)i, " << seed++ << "u);\n";
      inputs += t.name + ", ";
    }
    args += std::string(args.empty() ? "" : ", ") + t.name;
    d_args += std::string(d_args.empty() ? "" : ", ") + "d_" + t.name;
    dalloc << "  float* d_" << t.name << " = NULL;\n"
           << "  LNV_CUDA(cudaMalloc((void**)&d_" << t.name << ", sizeof(float) * " << t.elements
           << "));\n";
    if (!t.output) {
      copy << "  LNV_CUDA(cudaMemcpy(d_" << t.name << ", " << t.name << ", sizeof(float) * "
           << t.elements << ", cudaMemcpyHostToDevice));\n";
    }
    dfree << "  cudaFree(d_" << t.name << ");\n";
  }
  const std::string n_out = std::to_string(out.elements);
  const std::string out_bytes = "sizeof(float) * " + n_out;

  std::string body = R"(
int main(int argc, char** argv) {
  struct lnv_args a = lnv_parse(argc, argv);
@DEVICE@
@ALLOC@  float* lnv_ref = lnv_alloc(@NOUT@);
  float* lnv_tol = lnv_alloc(@NOUT@);
@FILL@  int loaded = a.ref && lnv_load_ref(a.ref, lnv_ref, lnv_tol, @NOUT@);
  if (!loaded) {
    lnv_reference(@INPUTS@lnv_ref, lnv_tol);
    if (a.ref) lnv_save_ref(a.ref, lnv_ref, lnv_tol, @NOUT@);
  }
@CHECK@
  if (!lnv_check(@OUT@, lnv_ref, lnv_tol, @NOUT@)) return 3;
  if (a.check_only) {
    printf("{\"ok\":true,\"check\":\"passed\"}\n");
    return 0;
  }
@TIMING@
  printf("{\"ok\":true,\"seconds\":%.9g,\"min_seconds\":%.9g,\"runs\":%d,\"warmup\":%d,"
         "\"inner\":%ld,\"check_seconds\":%.9g,\"reference\":\"%s\",@EXTRA_FMT@}\n",
         median, times[0], a.runs, a.warmup, inner, check_seconds,
         loaded ? "loaded" : "computed", @EXTRA_ARGS@);
  free(times);
  return 0;
}
)";
  std::string device, check, timing, extra_fmt, extra_args;
  if (target == Target::kCpu) {
    check = R"(  for (int64_t i = 0; i < @NOUT@; ++i) ((uint32_t*)@OUT@)[i] = 0x7fc00000u; /* NaN */
  lnv_arm_give_up(a.give_up);
  double t0 = lnv_now();
  lnv_kernel(@ARGS@);
  double check_seconds = lnv_now() - t0;
  lnv_disarm_give_up(a.give_up, check_seconds);)";
    // The check run doubles as the calibration run; a schedule slower than
    // the whole time budget is measured by it alone.
    timing = R"(  long inner = lnv_plan(&a, check_seconds);
  double* times = (double*)malloc(sizeof(double) * (size_t)(a.runs > 0 ? a.runs : 1));
  if (check_seconds >= a.max_time) {
    a.warmup = 0;
    a.runs = 0;
    inner = 1;
    times[0] = check_seconds;
  }
  for (int w = 0; w < a.warmup; ++w)
    for (long it = 0; it < inner; ++it) { lnv_kernel(@ARGS@); __asm__ __volatile__("" ::: "memory"); }
  for (int r = 0; r < a.runs; ++r) {
    t0 = lnv_now();
    for (long it = 0; it < inner; ++it) { lnv_kernel(@ARGS@); __asm__ __volatile__("" ::: "memory"); }
    times[r] = (lnv_now() - t0) / (double)inner;
  }
  double median = lnv_median(times, a.runs > 0 ? a.runs : 1);)";
    extra_fmt = R"(\"threads\":%d)";
    extra_args = "lnv_threads()";
  } else {
    device = R"(  int ndev = 0;
  cudaError_t derr = cudaGetDeviceCount(&ndev);
  if (derr != cudaSuccess || ndev == 0) {
    printf("{\"ok\":false,\"error\":\"no_cuda_device\",\"detail\":\"%s\"}\n",
           derr != cudaSuccess ? lnv_escape(cudaGetErrorString(derr)) : "0 devices");
    return 42;
  }
  cudaDeviceProp prop;
  LNV_CUDA(cudaGetDeviceProperties(&prop, 0));)";
    check = dalloc.str() + copy.str() + R"(  cudaEvent_t e0, e1;
  LNV_CUDA(cudaEventCreate(&e0));
  LNV_CUDA(cudaEventCreate(&e1));
  LNV_CUDA(cudaMemset(d_@OUT@, 0xff, @OUT_BYTES@)); /* NaN */
  LNV_CUDA(cudaDeviceSynchronize());
  lnv_arm_give_up(a.give_up);
  LNV_CUDA(cudaEventRecord(e0));
  LNV_CUDA(lnv_launch(@DARGS@));
  LNV_CUDA(cudaEventRecord(e1));
  LNV_CUDA(cudaEventSynchronize(e1));
  float ms = 0;
  LNV_CUDA(cudaEventElapsedTime(&ms, e0, e1));
  double check_seconds = 1e-3 * ms;
  lnv_disarm_give_up(a.give_up, check_seconds);
  LNV_CUDA(cudaMemcpy(@OUT@, d_@OUT@, @OUT_BYTES@, cudaMemcpyDeviceToHost));)";
    timing = R"(  LNV_CUDA(cudaEventRecord(e0));
  LNV_CUDA(lnv_launch(@DARGS@));
  LNV_CUDA(cudaEventRecord(e1));
  LNV_CUDA(cudaEventSynchronize(e1));
  LNV_CUDA(cudaEventElapsedTime(&ms, e0, e1));
  long inner = lnv_plan(&a, 1e-3 * ms);
  double* times = (double*)malloc(sizeof(double) * (size_t)(a.runs > 0 ? a.runs : 1));
  if (1e-3 * ms >= a.max_time) {
    a.warmup = 0;
    a.runs = 0;
    inner = 1;
    times[0] = 1e-3 * ms;
  }
  for (int w = 0; w < a.warmup; ++w)
    for (long it = 0; it < inner; ++it) LNV_CUDA(lnv_launch(@DARGS@));
  for (int r = 0; r < a.runs; ++r) {
    LNV_CUDA(cudaEventRecord(e0));
    for (long it = 0; it < inner; ++it) LNV_CUDA(lnv_launch(@DARGS@));
    LNV_CUDA(cudaEventRecord(e1));
    LNV_CUDA(cudaEventSynchronize(e1));
    LNV_CUDA(cudaEventElapsedTime(&ms, e0, e1));
    times[r] = 1e-3 * ms / (double)inner;
  }
  LNV_CUDA(cudaDeviceSynchronize());
  double median = lnv_median(times, a.runs > 0 ? a.runs : 1);
)" + dfree.str();
    extra_fmt = R"(\"device\":\"%s\",\"blocks\":@BLOCKS@,\"threads_per_block\":@THREADS@)";
    extra_args = "lnv_escape(prop.name)";
  }
  body = replace_all(body, "@DEVICE@", device);
  body = replace_all(body, "@CHECK@", check);
  body = replace_all(body, "@TIMING@", timing);
  body = replace_all(body, "@EXTRA_FMT@", extra_fmt);
  body = replace_all(body, "@EXTRA_ARGS@", extra_args);
  body = replace_all(body, "@ALLOC@", alloc.str());
  body = replace_all(body, "@FILL@", fill.str());
  body = replace_all(body, "@INPUTS@", inputs);
  body = replace_all(body, "@NOUT@", n_out);
  body = replace_all(body, "@OUT_BYTES@", out_bytes);
  body = replace_all(body, "@OUT@", out.name);
  body = replace_all(body, "@ARGS@", args);
  body = replace_all(body, "@DARGS@", d_args);
  body = replace_all(body, "@BLOCKS@", std::to_string(launch.blocks));
  body = replace_all(body, "@THREADS@", std::to_string(launch.threads));
  o << body;
  return o.str();
}

}  // namespace

std::string reference_key(const Computation& computation) {
  return hash_bytes(std::string(kCommon) + reference_code(computation) +
                    computation.to_json().dump());
}

std::string generate_kernel(const Computation& computation, const Schedule& schedule,
                            const CodegenOptions& options) {
  return KernelWriter(computation, schedule, options).kernel();
}

GeneratedProgram generate_program(const Computation& computation, const Schedule& schedule,
                                  const CodegenOptions& options) {
  KernelWriter writer(computation, schedule, options);
  GeneratedProgram program;
  program.kernel_name = "lnv_kernel";
  program.launch = writer.launch();
  const bool cuda = options.target == Target::kCuda;
  program.extension = cuda ? ".cu" : ".cc";
  std::ostringstream header;
  header << "// Generated by cgym (loopnest backend): " << computation.description() << ", target "
         << to_string(options.target) << ".\n// Schedule:\n";
  std::istringstream tree(schedule.to_string(computation));
  for (std::string line; std::getline(tree, line);) header << "//   " << line << "\n";
  // `o` holds what every schedule of the computation shares.
  std::ostringstream o;
  o << "#include <math.h>\n#include <stdint.h>\n#include <stdio.h>\n#include <stdlib.h>\n"
       "#include <signal.h>\n#include <string.h>\n#include <sys/mman.h>\n#include <sys/time.h>\n"
       "#include <time.h>\n#include <unistd.h>\n";
  if (cuda) {
    o << "#include <cuda_runtime.h>\n";
  } else {
    o << "#ifdef _OPENMP\n#include <omp.h>\n#endif\n";
  }
  o << kCommon;
  if (cuda) {
    o << R"(
/* Error strings go into JSON: keep them free of quotes and backslashes. */
static const char* lnv_escape(const char* s) {
  static char buf[512];
  size_t i = 0;
  for (; s && s[i] && i + 1 < sizeof buf; ++i) buf[i] = (s[i] == '"' || s[i] == '\\') ? '\'' : s[i];
  buf[i] = 0;
  return buf;
}

#define LNV_CUDA(call) do { cudaError_t lnv_e = (call); if (lnv_e != cudaSuccess) { \
  printf("{\"ok\":false,\"error\":\"cuda_error\",\"detail\":\"%s: %s\",\"line\":%d}\n", \
         #call, lnv_escape(cudaGetErrorString(lnv_e)), __LINE__); exit(4); } } while (0)
)";
  } else {
    o << R"(
static int lnv_threads(void) {
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 1;
#endif
}
)";
  }
  o << "\n" << reference_code(computation) << "\n";
  if (!cuda && options.emulate_cuda) {
    KernelWriter gpu(computation, schedule,
                     CodegenOptions{.target = Target::kCuda, .drop_tail = options.drop_tail});
    const LaunchConfig launch = gpu.launch();
    o << "/* The CUDA kernel, its grid run one (block, thread) at a time. */\n"
         "#define __global__\n#define __launch_bounds__(n)\n"
         "struct lnv_dim3 { int64_t x; };\nstatic struct lnv_dim3 blockIdx, threadIdx;\n"
      << replace_all(gpu.kernel(), "lnv_kernel(", "lnv_cuda_kernel(");
    std::string params, args;
    for (const auto& t : computation.tensors()) {
      params += std::string(params.empty() ? "" : ", ") + (t.output ? "" : "const ") +
                "float* __restrict__ " + t.name;
      args += std::string(args.empty() ? "" : ", ") + t.name;
    }
    const auto out = computation.tensors().back();
    o << "static void __attribute__((noinline)) lnv_kernel(" << params << ") {\n";
    if (computation.has_reduction()) {
      o << "  memset(" << out.name << ", 0, sizeof(float) * " << out.elements << ");\n";
    }
    o << "  for (int64_t b = 0; b < " << launch.blocks << "; ++b)\n"
      << "    for (int64_t t = 0; t < " << launch.threads << "; ++t) {\n"
      << "      blockIdx.x = b;\n      threadIdx.x = t;\n"
      << "      lnv_cuda_kernel(" << args << ");\n    }\n}\n";
  } else {
    const std::string kernel = writer.kernel();
    if (!cuda) {
      // The split build: the harness declares the kernel, the kernel unit
      // defines it, with external linkage.
      const std::string external = replace_all(kernel, "static void", "void");
      const std::string head = external.substr(0, external.find(" {\n"));
      program.harness_source = "// Generated by cgym (loopnest backend): the harness of " +
                               computation.description() + ".\n" + o.str() + head + ";\n";
      program.kernel_source = "// Generated by cgym (loopnest backend): the kernel of " +
                              computation.description() +
                              ".\n#include <stdint.h>\n#include <string.h>\n"
                              "#define LNV_MIN(a, b) ((a) < (b) ? (a) : (b))\n" +
                              external;
    }
    o << kernel;
  }
  if (cuda) {
    std::string params, args;
    for (const auto& t : computation.tensors()) {
      params += std::string(params.empty() ? "" : ", ") + "float* " + t.name;
      args += std::string(args.empty() ? "" : ", ") + t.name;
    }
    const auto out = computation.tensors().back();
    o << "\nstatic cudaError_t lnv_launch(" << params << ") {\n";
    if (computation.has_reduction()) {
      o << "  cudaError_t e = cudaMemsetAsync(" << out.name << ", 0, sizeof(float) * "
        << out.elements << ");\n  if (e != cudaSuccess) return e;\n";
    }
    o << "  lnv_kernel<<<" << program.launch.blocks << ", " << program.launch.threads << ">>>("
      << args << ");\n  return cudaGetLastError();\n}\n";
  }
  const std::string main_code = program_main(computation, options.target, program.launch);
  o << main_code;
  program.source = header.str() + o.str();
  if (!program.harness_source.empty()) program.harness_source += main_code;
  return program;
}

}  // namespace cgym::cuda
