#include "backends/gcc/probe.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <thread>

#include "cgym/errors.h"
#include "cgym/subprocess.h"
#include "cgym/util.h"
#include "internal/logging.h"

namespace cgym::gcc {

namespace {

// Loops, calls, a switch, floating point and a struct, so that most
// options have something to act on.
constexpr const char* kProbeProgram = R"(struct point { int x, y; double w; };
static int table[256];
static int sum(const int *a, int n) {
  int s = 0;
  for (int i = 0; i < n; ++i) s += a[i] * (i & 7);
  return s;
}
double dot(const double *a, const double *b, int n) {
  double s = 0;
  for (int i = 0; i < n; ++i) s += a[i] * b[i];
  return s;
}
int classify(int x) {
  switch (x) {
    case 0: return 3;
    case 1: return 7;
    case 2: return 11;
    case 5: return 13;
    default: return x * 2;
  }
}
int walk(struct point *p, int n) {
  int best = 0;
  for (int i = 0; i < n; ++i) {
    if (p[i].x > p[i].y) best += classify(p[i].x & 7);
    else best -= p[i].y;
    p[i].w *= 0.5;
  }
  return best;
}
int main(int argc, char **argv) {
  (void)argv;
  for (int i = 0; i < 256; ++i) table[i] = i * argc;
  struct point pts[16];
  for (int i = 0; i < 16; ++i) { pts[i].x = i; pts[i].y = 16 - i; pts[i].w = i; }
  return (sum(table, 256) + walk(pts, 16)) & 1;
}
)";

bool good(Verdict v) { return v == Verdict::kAccepted || v == Verdict::kResource; }

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

// The quoted words of a diagnostic, in order. gcc quotes with '...' in the
// C locale and with U+2018/U+2019 otherwise.
std::vector<std::string> quoted(std::string line) {
  for (const char* q : {"\xe2\x80\x98", "\xe2\x80\x99"}) {
    for (size_t at; (at = line.find(q)) != std::string::npos;) line.replace(at, 3, "'");
  }
  std::vector<std::string> out;
  size_t pos = 0;
  while (true) {
    const size_t open = line.find('\'', pos);
    if (open == std::string::npos) break;
    const size_t close = line.find('\'', open + 1);
    if (close == std::string::npos) break;
    out.push_back(line.substr(open + 1, close - open - 1));
    pos = close + 1;
  }
  return out;
}

bool names_flag(const std::string& q, const std::string& flag) {
  if (q.empty()) return false;
  return q == flag || (q.back() == '=' && flag.rfind(q, 0) == 0);
}

std::string first_diagnostic(const ProcessResult& r) {
  if (r.timed_out) return "timed out";
  for (const auto& l : lines_of(r.stderr_data)) {
    if (l.find("error") != std::string::npos || l.find("out of memory") != std::string::npos) {
      return l;
    }
  }
  const auto lines = lines_of(r.stderr_data);
  return lines.empty() ? "exit status " + std::to_string(r.exit_code) : lines.back();
}

Verdict classify(const ProcessResult& r) {
  if (r.timed_out) return Verdict::kResource;
  const std::string& e = r.stderr_data;
  for (const char* s : {"out of memory", "memory exhausted", "Cannot allocate memory"}) {
    if (e.find(s) != std::string::npos) return Verdict::kResource;
  }
  if (e.find("internal compiler error") != std::string::npos || r.exit_code < 0 ||
      e.find("Killed signal") != std::string::npos ||
      e.find("Segmentation fault") != std::string::npos) {
    return Verdict::kCrash;
  }
  return Verdict::kRejected;
}

class Prober {
 public:
  explicit Prober(const ProbeOptions& options) : options_(options) {
    if (options_.work_dir.empty()) {
      temp_.emplace("gcc-probe");
      dir_ = temp_->path();
    } else {
      dir_ = options_.work_dir;
      std::filesystem::create_directories(dir_);
    }
    write_file_atomic(dir_ / "probe.c", kProbeProgram);
  }

  ProcessResult run(const std::vector<std::string>& flags) {
    const int id = runs_++;
    ProcessOptions p;
    p.argv = {options_.gcc};
    p.argv.insert(p.argv.end(), flags.begin(), flags.end());
    // One output per run: rounds run on several threads.
    for (std::string a : {std::string("-c"), std::string("probe.c"), std::string("-o"),
                          "probe-" + std::to_string(id) + ".o"}) {
      p.argv.push_back(std::move(a));
    }
    p.cwd = dir_;
    p.env = {{"LC_ALL", "C"}};
    p.timeout_seconds = options_.timeout_seconds;
    p.memory_limit_bytes = options_.memory_limit_bytes;
    p.max_output_bytes = size_t{1} << 20;
    ProcessResult r = run_process(p);
    std::error_code ec;
    std::filesystem::remove(dir_ / ("probe-" + std::to_string(id) + ".o"), ec);
    return r;
  }

  // Verdicts for `flags` (one value per option), with the first diagnostic
  // of each failing one in `why`.
  std::vector<Verdict> test(const std::vector<std::string>& flags, std::vector<std::string>* why) {
    std::vector<Verdict> verdicts(flags.size(), Verdict::kAccepted);
    std::vector<std::string> reasons(flags.size());
    std::function<void(const std::vector<size_t>&)> check = [&](const std::vector<size_t>& ids) {
      if (ids.empty()) return;
      std::vector<std::string> args;
      for (size_t id : ids) args.push_back(flags[id]);
      const ProcessResult r = run(args);
      std::set<size_t> not_for_c, named;
      for (const auto& line : lines_of(r.stderr_data)) {
        const bool lang = line.find("but not for C") != std::string::npos;
        const bool error = line.find("error") != std::string::npos;
        if (!lang && !error) continue;
        for (const auto& q : quoted(line)) {
          auto it = std::find_if(ids.begin(), ids.end(),
                                 [&](size_t id) { return names_flag(q, flags[id]); });
          if (it == ids.end()) continue;
          if (lang) {
            not_for_c.insert(*it);
            reasons[*it] = line;
          } else {
            named.insert(*it);
          }
          break;  // the first quoted option is the one the message is about
        }
      }
      if (r.ok()) {
        for (size_t id : ids) {
          verdicts[id] = not_for_c.count(id) ? Verdict::kNotForC : Verdict::kAccepted;
        }
        return;
      }
      if (ids.size() == 1) {
        verdicts[ids[0]] = classify(r);
        reasons[ids[0]] = first_diagnostic(r);
        return;
      }
      if (!named.empty()) {
        std::vector<size_t> rest;
        for (size_t id : ids) {
          if (named.count(id)) {
            check({id});
          } else {
            rest.push_back(id);
          }
        }
        check(rest);
        return;
      }
      const size_t half = ids.size() / 2;
      check(std::vector<size_t>(ids.begin(), ids.begin() + half));
      check(std::vector<size_t>(ids.begin() + half, ids.end()));
    };
    std::vector<size_t> all(flags.size());
    for (size_t i = 0; i < all.size(); ++i) all[i] = i;
    check(all);
    if (why) *why = std::move(reasons);
    return verdicts;
  }

  Verdict test_one(const std::string& flag, std::string* why = nullptr) {
    std::vector<std::string> reasons;
    auto v = test({flag}, &reasons);
    if (why) *why = reasons[0];
    return v[0];
  }

  int runs() const { return runs_.load(); }

 private:
  ProbeOptions options_;
  std::optional<TempDir> temp_;
  std::filesystem::path dir_;
  std::atomic<int> runs_{0};
};

// Runs one test per round, where round r holds the r-th entry of every
// list (lists[i] are choices of option i).
struct Tried {
  std::map<int64_t, Verdict> verdict;  // by choice
  std::map<int64_t, std::string> why;
};

void run_rounds(Prober& prober, const GccSpec& spec, const std::vector<std::vector<int64_t>>& lists,
                std::vector<Tried>& tried) {
  size_t rounds = 0;
  for (const auto& l : lists) rounds = std::max(rounds, l.size());
  struct Round {
    std::vector<std::pair<size_t, int64_t>> who;
    std::vector<std::string> flags, why;
    std::vector<Verdict> verdicts;
  };
  std::vector<Round> work(rounds);
  for (size_t r = 0; r < rounds; ++r) {
    for (size_t i = 0; i < lists.size(); ++i) {
      if (r >= lists[i].size()) continue;
      // Rotated per option, so that neighbouring options (often related,
      // such as the two interference sizes) are not tried at their
      // extremes together: gcc 12 accepts both at 0, but either alone
      // crashes it.
      const int64_t c = lists[i][(r + i) % lists[i].size()];
      work[r].flags.push_back(spec.options[i].value_text(c));
      work[r].who.emplace_back(i, c);
    }
  }
  // Rounds are independent: run them on a few threads.
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t r; (r = next++) < rounds;)
      work[r].verdicts = prober.test(work[r].flags, &work[r].why);
  };
  const size_t n_threads =
      std::min<size_t>(rounds, std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 8));
  std::vector<std::thread> threads;
  for (size_t t = 1; t < n_threads; ++t) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  for (const Round& round : work) {
    for (size_t k = 0; k < round.who.size(); ++k) {
      tried[round.who[k].first].verdict[round.who[k].second] = round.verdicts[k];
      tried[round.who[k].first].why[round.who[k].second] = round.why[k];
    }
  }
}

std::string join_values(const std::vector<int64_t>& values) {
  std::string out;
  for (int64_t v : values) out += (out.empty() ? "" : ", ") + std::to_string(v);
  return out;
}

}  // namespace

const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::kAccepted:
      return "accepted";
    case Verdict::kRejected:
      return "rejected";
    case Verdict::kCrash:
      return "crash";
    case Verdict::kResource:
      return "resource limit";
    case Verdict::kNotForC:
      return "not for C";
  }
  return "?";
}

std::vector<Verdict> probe_flags(const std::vector<std::string>& flags, const ProbeOptions& options,
                                 int* runs) {
  Prober prober(options);
  auto v = prober.test(flags, nullptr);
  if (runs) *runs = prober.runs();
  return v;
}

GccSpec probe_gcc_spec(GccSpec spec, const ProbeOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  Prober prober(options);
  {
    const ProcessResult r = prober.run({});
    if (!r.ok()) {
      throw EnvironmentNotSupported("'" + options.gcc +
                                    "' cannot compile a small C program, so gcc-v0 cannot use "
                                    "it: " +
                                    first_diagnostic(r));
    }
  }
  const size_t n = spec.options.size();
  std::vector<Tried> tried(n);

  // Phase 1: the values to try of each option. -O levels go alone: they
  // turn on passes that huge parameter values could blow up.
  std::vector<std::vector<int64_t>> lists(n), levels(n);
  for (size_t i = 0; i < n; ++i) {
    const GccOption& o = spec.options[i];
    if (o.kind == OptionKind::kOptLevel) {
      for (int64_t c = 0; c < o.size(); ++c) levels[i].push_back(c);
      continue;
    }
    if (!o.is_integer() || o.size() <= 16) {
      for (int64_t c = 0; c < o.size(); ++c) lists[i].push_back(c);
      continue;
    }
    std::set<int64_t> values = {o.min, o.min + 1, o.min + (o.max - o.min) / 2, o.max - 1, o.max};
    std::string_view d = o.default_value;
    try {
      const int64_t dv = std::stoll(std::string(d));
      if (std::to_string(dv) == d && dv >= o.min && dv <= o.max) values.insert(dv);
    } catch (const std::exception&) {
    }
    for (int64_t v : values) lists[i].push_back(v - o.min);
  }
  run_rounds(prober, spec, levels, tried);
  run_rounds(prober, spec, lists, tried);

  // Phase 2: integer options with a failing end get a closer look.
  std::vector<std::vector<int64_t>> windows(n);
  for (size_t i = 0; i < n; ++i) {
    const GccOption& o = spec.options[i];
    if (!o.is_integer() || o.size() <= 16) continue;
    const bool min_bad = !good(tried[i].verdict.at(0));
    const bool max_bad = !good(tried[i].verdict.at(o.size() - 1));
    if (!min_bad && !max_bad) continue;
    const int64_t end = std::min(o.max, o.min + 16);
    for (int64_t v = o.min; v <= end; ++v) {
      if (!tried[i].verdict.count(v - o.min)) windows[i].push_back(v - o.min);
    }
    if (max_bad) {
      for (int64_t p = 1; p > 0 && p <= o.max; p *= 2) {
        if (p > end && !tried[i].verdict.count(p - o.min)) windows[i].push_back(p - o.min);
      }
    }
  }
  run_rounds(prober, spec, windows, tried);

  // Decide.
  std::vector<GccOption> kept;
  for (size_t i = 0; i < n; ++i) {
    GccOption o = spec.options[i];
    const Tried& t = tried[i];
    const std::string display = o.display_name();
    auto note = [&](std::string text) { spec.probe_notes.push_back({display, std::move(text)}); };
    auto failed_text = [&](int64_t c) {
      return o.value_text(c) + " (" + to_string(t.verdict.at(c)) + ": " + t.why.at(c) + ")";
    };

    if (auto it = std::find_if(t.verdict.begin(), t.verdict.end(),
                               [](const auto& kv) { return kv.second == Verdict::kNotForC; });
        it != t.verdict.end()) {
      spec.excluded.push_back({display, "gcc says it is not for C: " + t.why.at(it->first)});
      continue;
    }
    for (const auto& [c, v] : t.verdict) {
      if (v == Verdict::kResource) {
        note(o.value_text(c) + " ran out of the probe's limits (" + t.why.at(c) +
             "); kept, gcc accepts it");
      }
    }
    if (o.kind == OptionKind::kFlag) {
      if (!good(t.verdict.at(0))) {
        spec.excluded.push_back({display, "gcc rejects it: " + failed_text(0)});
        continue;
      }
      if (o.has_negative && !good(t.verdict.at(1))) {
        note("no -fno- form: " + failed_text(1));
        o.has_negative = false;
      }
      kept.push_back(std::move(o));
      continue;
    }
    if (!o.is_integer()) {
      std::vector<std::string> values;
      for (int64_t c = 0; c < o.size(); ++c) {
        if (good(t.verdict.at(c))) {
          values.push_back(o.values[c]);
        } else {
          note("value dropped: " + failed_text(c));
        }
      }
      if (values.empty()) {
        spec.excluded.push_back({display, "gcc rejects every value"});
        continue;
      }
      o.values = std::move(values);
      kept.push_back(std::move(o));
      continue;
    }
    // Integers.
    std::vector<int64_t> accepted, rejected;
    for (const auto& [c, v] : t.verdict) (good(v) ? accepted : rejected).push_back(o.min + c);
    if (accepted.empty()) {
      spec.excluded.push_back({display, "gcc rejects every value tried, e.g. " +
                                            failed_text(t.verdict.begin()->first)});
      continue;
    }
    if (rejected.empty()) {
      kept.push_back(std::move(o));
      continue;
    }
    const bool min_bad = !good(t.verdict.at(0));
    const bool max_bad = !good(t.verdict.at(o.size() - 1));
    const std::string old_range = std::to_string(o.min) + ".." + std::to_string(o.max);
    if (o.size() <= 16 || (!min_bad && !max_bad)) {
      if (o.size() <= 16) {
        // Every value was tried: keep the accepted ones as a range when they
        // are contiguous, else as a list.
        if (accepted.back() - accepted.front() + 1 == static_cast<int64_t>(accepted.size())) {
          const std::string example = failed_text(rejected.front() - o.min);
          o.min = accepted.front();
          o.max = accepted.back();
          note("range " + old_range + " narrowed to " + std::to_string(o.min) + ".." +
               std::to_string(o.max) + "; gcc rejects e.g. " + example);
          kept.push_back(std::move(o));
          continue;
        }
      } else {
        note("gcc rejects some values inside the range (kept): " + join_values(rejected));
        kept.push_back(std::move(o));
        continue;
      }
    } else {
      // Phase 2 data: the window min..min+16 and powers of two.
      const int64_t end = std::min(o.max, o.min + 16);
      std::vector<int64_t> window, beyond;
      for (int64_t v : accepted) (v <= end ? window : beyond).push_back(v);
      const bool contiguous = !window.empty() && window.back() - window.front() + 1 ==
                                                     static_cast<int64_t>(window.size());
      if (contiguous && window.back() == end && end < o.max) {
        int64_t lo = window.back(), hi = o.max;
        if (max_bad) {
          while (hi - lo > 1) {
            const int64_t mid = lo + (hi - lo) / 2;
            if (good(prober.test_one(o.value_text(mid - o.min)))) {
              lo = mid;
            } else {
              hi = mid;
            }
          }
        } else {
          lo = o.max;
        }
        const std::string example = failed_text(rejected.front() - o.min);
        o.min = window.front();
        o.max = lo;
        note("range " + old_range + " narrowed to " + std::to_string(o.min) + ".." +
             std::to_string(o.max) + "; gcc rejects e.g. " + example);
        kept.push_back(std::move(o));
        continue;
      }
      if (contiguous && beyond.empty()) {
        const std::string example = failed_text(rejected.front() - o.min);
        o.min = window.front();
        o.max = window.back();
        note("range " + old_range + " narrowed to " + std::to_string(o.min) + ".." +
             std::to_string(o.max) + "; gcc rejects e.g. " + example);
        kept.push_back(std::move(o));
        continue;
      }
    }
    // Scattered: a list of the accepted values.
    note("gcc accepts only " + join_values(accepted) + " of the values tried (range " + old_range +
         "); now a list of values");
    o.kind = o.kind == OptionKind::kFlagInt ? OptionKind::kFlagEnum : OptionKind::kParamEnum;
    o.values.clear();
    for (int64_t v : accepted) o.values.push_back(std::to_string(v));
    o.min = o.max = 0;
    kept.push_back(std::move(o));
  }
  spec.options = std::move(kept);
  spec.probed = true;
  logger().info("probed {} options of {} with {} gcc runs in {:.1f} s", spec.options.size(),
                options.gcc, prober.runs(),
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return spec;
}

}  // namespace cgym::gcc
