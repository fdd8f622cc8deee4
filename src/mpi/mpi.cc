// cgym::mpi (see include/cgym/mpi.h): the MPI runtime, the work queue of the
// distributed CLI runs and the distributed VectorEnv.
//
// Only the thread that made the Runtime calls MPI. Every wait is a poll
// (MPI_Iprobe, then a short sleep) rather than a blocking MPI_Recv, because
// OpenMPI's blocking calls spin a core, and because a poll can check the
// heartbeat deadlines of the ranks that owe rank 0 something.
#include "cgym/mpi.h"

#include <mpi.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <thread>

#include "cgym/errors.h"
#include "internal/env_task.h"

namespace cgym::mpi {

namespace {

// Message tags. Work queue: rank 0 -> worker kWork/kStop, worker -> rank 0
// kResult/kHeartbeat. VectorEnv: kOps/kStop down, kReady/kResults/kHeartbeat up.
enum Tag : int {
  kWork = 1,
  kStop = 2,
  kResult = 3,
  kHeartbeat = 4,
  kOps = 5,
  kResults = 6,
  kReady = 7,
};

Runtime* g_runtime = nullptr;

double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void nap(int microseconds) { std::this_thread::sleep_for(std::chrono::microseconds(microseconds)); }

// The wait between two polls of a loop that waits for a message: the first
// ones are short (a reply to a batch usually comes within microseconds of
// the last step), then each is twice the last, up to 500 µs, so an idle
// rank costs little CPU and leaves the cores to the env threads. A
// sched_yield spin instead held a core that the env threads needed, and a
// fixed 200 µs nap added its whole length to most batches.
class Backoff {
 public:
  void reset() { us_ = kFirst; }
  void wait() {
    nap(us_);
    us_ = std::min(us_ * 2, kMax);
  }

 private:
  static constexpr int kFirst = 5, kMax = 50;
  int us_ = kFirst;
};

std::string mpi_error(int code) {
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  MPI_Error_string(code, text, &len);
  return std::string(text, static_cast<size_t>(len));
}

void check(int code, const std::string& what) {
  if (code != MPI_SUCCESS) throw Error(what + " failed: " + mpi_error(code));
}

// ---- what rank 0 prints when the job is stopped from outside ----------------

// Written by rank 0's MPI thread, read by the SIGTERM handler: two buffers,
// the handler reads the one last published.
constexpr size_t kNoteBytes = 16384;
char g_held_text[2][kNoteBytes];
std::atomic<int> g_held_current{0};
char g_stop_note[4096];
std::mutex g_held_mu;
std::vector<std::string> g_held;  // by rank

void publish_held() {
  std::string text;
  for (size_t r = 0; r < g_held.size(); ++r) {
    if (!g_held[r].empty()) text += "  rank " + std::to_string(r) + " held " + g_held[r] + "\n";
  }
  if (text.empty()) text = "  no rank held any work\n";
  const int next = 1 - g_held_current.load();
  std::strncpy(g_held_text[next], text.c_str(), kNoteBytes - 1);
  g_held_text[next][kNoteBytes - 1] = 0;
  g_held_current.store(next);
}

void set_held(int rank, const std::string& what) {
  std::lock_guard lock(g_held_mu);
  if (g_held.size() <= static_cast<size_t>(rank)) g_held.resize(static_cast<size_t>(rank) + 1);
  g_held[static_cast<size_t>(rank)] = what;
  publish_held();
}

void clear_held() {
  std::lock_guard lock(g_held_mu);
  g_held.clear();
  publish_held();
}

void write_all(const char* text) {
  size_t n = std::strlen(text);
  while (n > 0) {
    ssize_t w = ::write(STDERR_FILENO, text, n);
    if (w <= 0) return;
    text += w;
    n -= static_cast<size_t>(w);
  }
}

extern "C" void on_sigterm(int) {
  write_all(
      "\ncgym: error: the MPI job was stopped (SIGTERM on rank 0). mpirun does this when a rank "
      "dies; its own message names the rank. When it stopped:\n");
  write_all(g_held_text[g_held_current.load()]);
  write_all(g_stop_note);
  write_all("\n");
  ::signal(SIGTERM, SIG_DFL);
  ::raise(SIGTERM);
}

// ---- messages -------------------------------------------------------------------

void send_bytes(int dest, int tag, const std::string& data, TrafficStats* stats) {
  check(MPI_Send(data.data(), static_cast<int>(data.size()), MPI_BYTE, dest, tag, MPI_COMM_WORLD),
        "MPI_Send to rank " + std::to_string(dest));
  if (stats) {
    ++stats->messages_sent;
    stats->bytes_sent += data.size();
  }
}

struct Message {
  int source = 0;
  int tag = 0;
  std::string data;
};

// A message from `source` (MPI_ANY_SOURCE) if one is waiting.
std::optional<Message> try_recv(int source, TrafficStats* stats) {
  int flag = 0;
  MPI_Status status;
  check(MPI_Iprobe(source, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &status), "MPI_Iprobe");
  if (!flag) return std::nullopt;
  int count = 0;
  MPI_Get_count(&status, MPI_BYTE, &count);
  Message m;
  m.source = status.MPI_SOURCE;
  m.tag = status.MPI_TAG;
  m.data.resize(static_cast<size_t>(count));
  check(
      MPI_Recv(m.data.data(), count, MPI_BYTE, m.source, m.tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE),
      "MPI_Recv from rank " + std::to_string(m.source));
  if (stats) {
    ++stats->messages_received;
    stats->bytes_received += m.data.size();
    if (m.tag == kHeartbeat) ++stats->heartbeats;
  }
  return m;
}

// Blocks (polling) until a message from `source` arrives.
Message wait_recv(int source) {
  Backoff backoff;
  while (true) {
    if (auto m = try_recv(source, nullptr)) return std::move(*m);
    backoff.wait();
  }
}

// ---- packing ------------------------------------------------------------------

class Writer {
 public:
  template <typename T>
  void put(T v) {
    buf_.append(reinterpret_cast<const char*>(&v), sizeof(T));
  }
  void put_str(std::string_view s) {
    put<uint64_t>(s.size());
    buf_.append(s);
  }
  std::string take() { return std::move(buf_); }

 private:
  std::string buf_;
};

class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  template <typename T>
  T get() {
    need(sizeof(T));
    T v;
    std::memcpy(&v, data_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }
  std::string get_str() {
    const auto n = get<uint64_t>();
    need(n);
    std::string s(data_.substr(pos_, n));
    pos_ += n;
    return s;
  }

 private:
  void need(size_t n) {
    if (pos_ + n > data_.size()) throw Error("cgym::mpi: a truncated message");
  }
  std::string_view data_;
  size_t pos_ = 0;
};

void put_step(Writer& w, const StepResult& s) {
  w.put_str(s.observation.serialize());
  w.put<double>(s.reward);
  w.put<uint8_t>(s.done);
  w.put<uint8_t>(s.info.action_had_no_effect);
  w.put<uint8_t>(s.info.new_action_space);
  w.put<uint8_t>(s.info.truncated);
  w.put_str(s.info.error_type);
  w.put_str(s.info.error_details);
  w.put<uint32_t>(static_cast<uint32_t>(s.observations.size()));
  for (const auto& o : s.observations) w.put_str(o.serialize());
  w.put<uint32_t>(static_cast<uint32_t>(s.rewards.size()));
  for (double r : s.rewards) w.put<double>(r);
}

StepResult get_step(Reader& r) {
  StepResult s;
  s.observation = Observation::deserialize(r.get_str());
  s.reward = r.get<double>();
  s.done = r.get<uint8_t>();
  s.info.action_had_no_effect = r.get<uint8_t>();
  s.info.new_action_space = r.get<uint8_t>();
  s.info.truncated = r.get<uint8_t>();
  s.info.error_type = r.get_str();
  s.info.error_details = r.get_str();
  const auto n = r.get<uint32_t>();
  for (uint32_t i = 0; i < n; ++i) s.observations.push_back(Observation::deserialize(r.get_str()));
  const auto m = r.get<uint32_t>();
  for (uint32_t i = 0; i < m; ++i) s.rewards.push_back(r.get<double>());
  return s;
}

std::string describe_exception(const std::exception& e) {
  return std::string(error_type_name(e)) + ": " + e.what();
}

}  // namespace

// ---- launch detection -----------------------------------------------------------

bool launched_under_mpi() {
  auto set = [](const char* name) {
    const char* v = std::getenv(name);
    return v && *v;
  };
  if (set("OMPI_COMM_WORLD_SIZE") || set("PMI_SIZE") || set("PMI_RANK") || set("PMIX_RANK")) {
    return true;
  }
  // srun sets SLURM_PROCID for every task of a step; sbatch's batch script
  // alone has no SLURM_STEP_ID.
  return set("SLURM_PROCID") && set("SLURM_STEP_ID") &&
         (set("SLURM_STEP_NUM_TASKS") || set("SLURM_NTASKS"));
}

std::string how_to_launch(const std::string& command) {
  return "start it with an MPI launcher, e.g. 'mpirun -n 4 " + command +
         "' (add --hostfile FILE for several machines, --oversubscribe for more ranks than "
         "cores) or, under Slurm, 'srun -n 4 " +
         command + "'; see docs/scale.md";
}

// ---- Runtime ----------------------------------------------------------------------

Runtime::Runtime(int* argc, char*** argv) {
  if (g_runtime) throw StateError("a cgym::mpi::Runtime exists already; make one per process");
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized) {
    int provided = 0;
    check(MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  }
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  g_runtime = this;
  // This thread polls for messages with short sleeps (Backoff); the default
  // timer slack of 50 µs would make each of them at least that long.
  prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
  if (rank_ == 0 && size_ > 1) {
    clear_held();
    ::signal(SIGTERM, on_sigterm);
  }
}

Runtime::~Runtime() {
  if (rank_ == 0 && size_ > 1) ::signal(SIGTERM, SIG_DFL);
  g_runtime = nullptr;
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}

Runtime* Runtime::current() { return g_runtime; }

void Runtime::abort(int code) {
  std::fflush(stdout);
  std::fflush(stderr);
  MPI_Abort(MPI_COMM_WORLD, code);
  std::_Exit(code);
}

void set_stop_note(const std::string& note) {
  std::strncpy(g_stop_note, note.c_str(), sizeof(g_stop_note) - 1);
  g_stop_note[sizeof(g_stop_note) - 1] = 0;
}

// ---- work queue -------------------------------------------------------------------

namespace {

WorkResult run_one(size_t item, int rank, const std::function<std::string(size_t)>& work) {
  WorkResult r;
  r.item = item;
  r.rank = rank;
  try {
    r.payload = work(item);
  } catch (const std::exception& e) {
    r.ok = false;
    r.payload = describe_exception(e);
  } catch (...) {
    r.ok = false;
    r.payload = "unknown: a non-standard exception";
  }
  return r;
}

void work_queue_worker(int rank, const std::function<std::string(size_t)>& work,
                       const WorkQueueOptions& options) {
  while (true) {
    Message m = wait_recv(0);
    if (m.tag == kStop) return;
    if (m.tag != kWork) continue;
    Reader in(m.data);
    const auto item = static_cast<size_t>(in.get<uint64_t>());
    auto future = std::async(std::launch::async, [&] { return run_one(item, rank, work); });
    double last_beat = now();
    while (future.wait_for(std::chrono::milliseconds(20)) != std::future_status::ready) {
      if (now() - last_beat >= options.heartbeat_seconds) {
        send_bytes(0, kHeartbeat, "", nullptr);
        last_beat = now();
      }
    }
    WorkResult r = future.get();
    Writer out;
    out.put<uint64_t>(r.item);
    out.put<uint8_t>(r.ok);
    out.put_str(r.payload);
    send_bytes(0, kResult, out.take(), nullptr);
  }
}

// Rank 0's own worker thread.
class LocalWorker {
 public:
  explicit LocalWorker(const std::function<std::string(size_t)>& work)
      : work_(work), thread_([this] { loop(); }) {}
  ~LocalWorker() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    // Unwinding past a running item (a lost rank): the process is about to
    // abort, so the item is not waited for.
    if (busy_) {
      thread_.detach();
    } else {
      thread_.join();
    }
  }
  void give(size_t item) {
    {
      std::lock_guard lock(mu_);
      item_ = item;
      busy_ = true;
    }
    cv_.notify_all();
  }
  std::optional<WorkResult> take() {
    std::lock_guard lock(mu_);
    if (!done_) return std::nullopt;
    auto r = std::move(done_);
    done_.reset();
    busy_ = false;
    return r;
  }

 private:
  void loop() {
    while (true) {
      size_t item;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stop_ || item_.has_value(); });
        if (!item_) return;
        item = *item_;
        item_.reset();
      }
      auto r = run_one(item, 0, work_);
      std::lock_guard lock(mu_);
      done_ = std::move(r);
    }
  }
  const std::function<std::string(size_t)>& work_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<size_t> item_;
  std::optional<WorkResult> done_;
  std::atomic<bool> busy_{false};
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace

TrafficStats run_work_queue(const std::vector<size_t>& items,
                            const std::vector<std::string>& labels,
                            const std::function<std::string(size_t)>& work,
                            const std::function<void(const WorkResult&)>& on_result,
                            const WorkQueueOptions& options) {
  TrafficStats stats;
  Runtime* rt = Runtime::current();
  if (!rt || rt->size() == 1) {
    for (size_t item : items) on_result(run_one(item, 0, work));
    return stats;
  }
  if (rt->rank() != 0) {
    work_queue_worker(rt->rank(), work, options);
    return stats;
  }
  const int n = rt->size();
  auto label = [&](size_t item) {
    return item < labels.size() ? labels[item] : "item " + std::to_string(item);
  };
  std::deque<size_t> todo(items.begin(), items.end());
  std::vector<std::optional<size_t>> held(static_cast<size_t>(n));
  std::vector<double> last(static_cast<size_t>(n), now());
  std::optional<LocalWorker> local;
  if (options.rank0_works) local.emplace(work);

  auto give = [&](int r) {
    if (todo.empty()) {
      if (r > 0) send_bytes(r, kStop, "", &stats);
      set_held(r, "");
      return;
    }
    const size_t item = todo.front();
    todo.pop_front();
    held[static_cast<size_t>(r)] = item;
    last[static_cast<size_t>(r)] = now();
    set_held(r, label(item));
    if (r == 0) {
      local->give(item);
    } else {
      Writer w;
      w.put<uint64_t>(item);
      send_bytes(r, kWork, w.take(), &stats);
    }
  };
  for (int r = options.rank0_works ? 0 : 1; r < n; ++r) give(r);
  if (!options.rank0_works) set_held(0, "");

  auto any_held = [&] {
    return std::any_of(held.begin(), held.end(), [](const auto& h) { return h.has_value(); });
  };
  while (any_held()) {
    bool progress = false;
    if (auto m = try_recv(MPI_ANY_SOURCE, &stats)) {
      progress = true;
      last[static_cast<size_t>(m->source)] = now();
      if (m->tag == kResult) {
        Reader in(m->data);
        WorkResult r;
        r.item = static_cast<size_t>(in.get<uint64_t>());
        r.ok = in.get<uint8_t>();
        r.payload = in.get_str();
        r.rank = m->source;
        held[static_cast<size_t>(m->source)].reset();
        on_result(r);
        give(m->source);
      }
    }
    if (local) {
      if (auto r = local->take()) {
        progress = true;
        held[0].reset();
        on_result(*r);
        give(0);
      }
    }
    for (int r = 1; r < n; ++r) {
      const auto& h = held[static_cast<size_t>(r)];
      const double silent = now() - last[static_cast<size_t>(r)];
      if (h && silent > options.timeout_seconds) {
        throw RankLost(r, label(*h),
                       "rank " + std::to_string(r) + " sent nothing for " +
                           std::to_string(static_cast<int>(silent)) + " s while it held " +
                           label(*h) + " (it died or hangs)");
      }
    }
    if (!progress) nap(500);
  }
  return stats;
}

// ---- distributed VectorEnv -------------------------------------------------------

namespace {

// A rank's envs on its own threads. Each request's exception is kept with
// its result, so one env's error does not lose the others' results.
class EnvPool {
 public:
  struct Task {
    int env_id;
    bool reset;
    Action action;
  };
  using Done = internal::EnvTaskOutcome;

  EnvPool(std::vector<std::pair<int, EnvPtr>> envs, int threads, bool auto_reset,
          ResetOptions reset_options)
      : auto_reset_(auto_reset), reset_options_(std::move(reset_options)) {
    for (auto& [id, env] : envs) envs_.emplace(id, std::move(env));
    if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    threads = std::max(1, std::min<int>(threads, static_cast<int>(envs_.size())));
    for (int t = 0; t < threads && !envs_.empty(); ++t) threads_.emplace_back([this] { loop(); });
  }
  ~EnvPool() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
  }
  void submit(const std::vector<Task>& tasks) {
    {
      std::lock_guard lock(mu_);
      for (const auto& t : tasks) tasks_.push_back(t);
      pending_ += static_cast<int>(tasks.size());
    }
    cv_.notify_all();
  }
  // Everything finished so far (non-blocking).
  std::vector<Done> take() {
    std::lock_guard lock(mu_);
    std::vector<Done> out(std::make_move_iterator(done_.begin()),
                          std::make_move_iterator(done_.end()));
    done_.clear();
    pending_ -= static_cast<int>(out.size());
    return out;
  }
  // Waits up to `seconds` until `n` results are finished.
  bool wait_done(int n, double seconds) {
    std::unique_lock lock(mu_);
    return done_cv_.wait_for(lock, std::chrono::duration<double>(seconds),
                             [&] { return static_cast<int>(done_.size()) >= n; });
  }

 private:
  void loop() {
    while (true) {
      Task task;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stop_ || !tasks_.empty(); });
        if (tasks_.empty()) return;
        task = tasks_.front();
        tasks_.pop_front();
      }
      Done d = internal::run_env_task(*envs_.at(task.env_id), task.env_id, task.reset, task.action,
                                      auto_reset_, reset_options_);
      {
        std::lock_guard lock(mu_);
        done_.push_back(std::move(d));
      }
      done_cv_.notify_all();
    }
  }

  std::map<int, EnvPtr> envs_;
  bool auto_reset_;
  ResetOptions reset_options_;
  std::mutex mu_;
  std::condition_variable cv_, done_cv_;
  std::deque<Task> tasks_;
  std::vector<Done> done_;
  int pending_ = 0;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

std::string pack_done(const std::vector<EnvPool::Done>& done) {
  Writer w;
  w.put<uint32_t>(static_cast<uint32_t>(done.size()));
  for (const auto& d : done) {
    w.put<int32_t>(d.result.env_id);
    put_step(w, d.result.step);
    w.put<uint8_t>(d.result.reset.has_value());
    if (d.result.reset) put_step(w, *d.result.reset);
    w.put_str(d.error_type);
    w.put_str(d.error_message);
  }
  return w.take();
}

std::vector<EnvPool::Done> unpack_done(std::string_view data) {
  Reader r(data);
  std::vector<EnvPool::Done> out(r.get<uint32_t>());
  for (auto& d : out) {
    d.result.env_id = r.get<int32_t>();
    d.result.step = get_step(r);
    if (r.get<uint8_t>()) d.result.reset = get_step(r);
    d.error_type = r.get_str();
    d.error_message = r.get_str();
  }
  return out;
}

}  // namespace

struct VectorEnv::Impl {
  int ranks = 1;
  std::vector<int> first_env;  // env block of rank r: [first_env[r], first_env[r + 1])
  std::vector<uint64_t> seeds;
  std::vector<Rng> rngs;
  std::vector<char> busy;
  std::vector<int> owed;  // batches rank r owes rank 0
  std::vector<double> last_heard;
  std::vector<char> lost;
  std::unique_ptr<EnvPool> local;  // rank 0's own envs
  std::vector<EnvPool::Done> arrived;

  std::string block_text(int r) const {
    const int lo = first_env[static_cast<size_t>(r)], hi = first_env[static_cast<size_t>(r) + 1];
    return hi - lo == 1 ? "env " + std::to_string(lo)
                        : "envs " + std::to_string(lo) + "-" + std::to_string(hi - 1);
  }
};

VectorEnv::VectorEnv(std::function<EnvPtr(int)> factory, VectorEnvOptions options)
    : options_(std::move(options)), impl_(std::make_unique<Impl>()) {
  auto& s = *impl_;
  if (options_.num_envs <= 0) {
    throw InvalidArgument("cgym::mpi::VectorEnv needs at least one env, got num_envs = " +
                          std::to_string(options_.num_envs));
  }
  if (!options_.seeds.empty() && static_cast<int>(options_.seeds.size()) != options_.num_envs) {
    throw InvalidArgument("cgym::mpi::VectorEnv: " + std::to_string(options_.seeds.size()) +
                          " seeds given for " + std::to_string(options_.num_envs) +
                          " envs; give one per env or none");
  }
  Runtime* rt = Runtime::current();
  const int rank = rt ? rt->rank() : 0;
  s.ranks = rt ? rt->size() : 1;
  controller_ = rank == 0;
  // Hosts: ranks 1..N-1, or every rank with envs_on_rank0 (or one rank).
  const bool rank0_hosts = options_.envs_on_rank0 || s.ranks == 1;
  const int first_host = rank0_hosts ? 0 : 1;
  const int hosts = s.ranks - first_host;
  s.first_env.assign(static_cast<size_t>(s.ranks) + 1, 0);
  for (int r = 0; r <= s.ranks; ++r) {
    const int h = std::max(0, r - first_host);
    s.first_env[static_cast<size_t>(r)] =
        static_cast<int>(static_cast<int64_t>(options_.num_envs) * h / hosts);
  }
  for (int i = 0; i < options_.num_envs; ++i) {
    s.seeds.push_back(options_.seeds.empty() ? options_.seed_base + static_cast<uint64_t>(i)
                                             : options_.seeds[static_cast<size_t>(i)]);
  }

  auto make_pool = [&]() -> std::unique_ptr<EnvPool> {
    std::vector<std::pair<int, EnvPtr>> envs;
    for (int i = s.first_env[static_cast<size_t>(rank)];
         i < s.first_env[static_cast<size_t>(rank) + 1]; ++i) {
      auto env = factory(i);
      if (!env) {
        throw InvalidArgument("cgym::mpi::VectorEnv: the factory returned no env for env " +
                              std::to_string(i));
      }
      envs.emplace_back(i, std::move(env));
    }
    return std::make_unique<EnvPool>(std::move(envs), options_.threads_per_rank,
                                     options_.auto_reset, options_.reset_options);
  };

  if (!controller_) {
    // A worker rank: make the envs, report, then serve until kStop.
    std::unique_ptr<EnvPool> pool;
    std::string error;
    try {
      pool = make_pool();
    } catch (const std::exception& e) {
      error = "rank " + std::to_string(rank) + ": " + describe_exception(e);
    }
    send_bytes(0, kReady, error, nullptr);
    while (true) {
      Message m = wait_recv(0);
      if (m.tag == kStop) return;
      if (m.tag != kOps || !pool) continue;
      Reader in(m.data);
      const bool reset = in.get<uint8_t>();
      const auto count = in.get<uint32_t>();
      std::vector<EnvPool::Task> tasks;
      for (uint32_t i = 0; i < count; ++i) {
        EnvPool::Task t;
        t.env_id = in.get<int32_t>();
        t.action = in.get<int32_t>();
        t.reset = reset;
        tasks.push_back(t);
      }
      pool->submit(tasks);
      double last_beat = now();
      while (!pool->wait_done(static_cast<int>(count), 0.02)) {
        if (now() - last_beat >= options_.heartbeat_seconds) {
          send_bytes(0, kHeartbeat, "", nullptr);
          last_beat = now();
        }
      }
      send_bytes(0, kResults, pack_done(pool->take()), nullptr);
    }
  }

  // Rank 0.
  for (uint64_t seed : s.seeds) s.rngs.emplace_back(seed);
  s.busy.assign(static_cast<size_t>(options_.num_envs), 0);
  s.owed.assign(static_cast<size_t>(s.ranks), 0);
  s.last_heard.assign(static_cast<size_t>(s.ranks), now());
  s.lost.assign(static_cast<size_t>(s.ranks), 0);
  std::string errors;
  try {
    if (rank0_hosts) s.local = make_pool();
  } catch (const std::exception& e) {
    errors = "rank 0: " + describe_exception(e);
  }
  // Every worker says whether it could make its envs.
  int ready = 0;
  const double start = now();
  std::vector<char> heard(static_cast<size_t>(s.ranks), 0);
  while (ready < s.ranks - 1) {
    if (auto m = try_recv(MPI_ANY_SOURCE, &traffic_)) {
      if (m->tag == kReady && !heard[static_cast<size_t>(m->source)]) {
        heard[static_cast<size_t>(m->source)] = 1;
        ++ready;
        if (!m->data.empty()) errors += (errors.empty() ? "" : "; ") + m->data;
      }
      continue;
    }
    if (now() - start > options_.timeout_seconds) {
      int missing = 1;
      while (heard[static_cast<size_t>(missing)]) ++missing;
      throw RankLost(missing, s.block_text(missing),
                     "cgym::mpi::VectorEnv: rank " + std::to_string(missing) +
                         " did not make its envs within " +
                         std::to_string(static_cast<int>(options_.timeout_seconds)) + " s");
    }
    nap(200);
  }
  if (!errors.empty()) {
    for (int r = 1; r < s.ranks; ++r) send_bytes(r, kStop, "", &traffic_);
    throw InvalidArgument("cgym::mpi::VectorEnv: could not make the envs: " + errors);
  }
}

VectorEnv::~VectorEnv() {
  if (!controller_) return;
  auto& s = *impl_;
  if (outstanding_ > 0) {
    try {
      collect(outstanding_);
    } catch (const std::exception&) {
      // The results are dropped; the workers are released below.
    }
  }
  for (int r = 1; r < s.ranks; ++r) {
    if (s.lost[static_cast<size_t>(r)]) continue;
    try {
      send_bytes(r, kStop, "", &traffic_);
    } catch (const std::exception&) {
    }
  }
  clear_held();
}

void VectorEnv::check_id(int env_id) const {
  if (env_id < 0 || env_id >= size()) {
    throw ActionOutOfRange("env id " + std::to_string(env_id) +
                           " is out of range: valid ids are 0.." + std::to_string(size() - 1));
  }
}

int VectorEnv::rank_of(int env_id) const {
  check_id(env_id);
  const auto& f = impl_->first_env;
  return static_cast<int>(std::upper_bound(f.begin(), f.end(), env_id) - f.begin()) - 1;
}

uint64_t VectorEnv::seed(int env_id) const {
  check_id(env_id);
  return impl_->seeds[static_cast<size_t>(env_id)];
}

Rng& VectorEnv::rng(int env_id) {
  check_id(env_id);
  if (!controller_) throw StateError("cgym::mpi::VectorEnv::rng() is for rank 0 only");
  return impl_->rngs[static_cast<size_t>(env_id)];
}

namespace {

void require_controller(bool controller, const char* what) {
  if (!controller) {
    throw StateError(std::string("cgym::mpi::VectorEnv::") + what +
                     "() is for rank 0; on worker ranks the constructor serves rank 0");
  }
}

}  // namespace

std::vector<BatchResult> VectorEnv::reset() {
  require_controller(controller_, "reset");
  if (outstanding_ != 0) {
    throw StateError("cgym::mpi::VectorEnv::reset() called with " + std::to_string(outstanding_) +
                     " requests outstanding; recv() them first");
  }
  std::vector<int> ids(static_cast<size_t>(size()));
  for (int i = 0; i < size(); ++i) ids[static_cast<size_t>(i)] = i;
  std::vector<std::vector<std::pair<int, Action>>> per_rank(static_cast<size_t>(impl_->ranks));
  for (int id : ids) per_rank[static_cast<size_t>(rank_of(id))].emplace_back(id, 0);
  for (int id : ids) impl_->busy[static_cast<size_t>(id)] = 1;
  outstanding_ += size();
  send_ops(per_rank, true);
  auto out = collect(size());
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.env_id < b.env_id; });
  return out;
}

std::vector<BatchResult> VectorEnv::step(std::span<const Action> actions) {
  require_controller(controller_, "step");
  if (static_cast<int>(actions.size()) != size()) {
    throw InvalidArgument("cgym::mpi::VectorEnv::step() needs one action per env: got " +
                          std::to_string(actions.size()) + " for " + std::to_string(size()) +
                          " envs");
  }
  if (outstanding_ != 0) {
    throw StateError("cgym::mpi::VectorEnv::step() called with " + std::to_string(outstanding_) +
                     " requests outstanding; recv() them first");
  }
  std::vector<int> ids(static_cast<size_t>(size()));
  for (int i = 0; i < size(); ++i) ids[static_cast<size_t>(i)] = i;
  send(actions, ids);
  auto out = collect(size());
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.env_id < b.env_id; });
  return out;
}

void VectorEnv::send(std::span<const Action> actions, std::span<const int> env_ids) {
  require_controller(controller_, "send");
  if (actions.size() != env_ids.size()) {
    throw InvalidArgument("cgym::mpi::VectorEnv::send(): " + std::to_string(actions.size()) +
                          " actions for " + std::to_string(env_ids.size()) + " env ids");
  }
  auto& s = *impl_;
  std::vector<char> seen(static_cast<size_t>(size()), 0);
  for (int id : env_ids) {
    check_id(id);
    if (s.busy[static_cast<size_t>(id)] || seen[static_cast<size_t>(id)]) {
      throw StateError("env " + std::to_string(id) +
                       " already has a request outstanding; recv() it before sending another");
    }
    seen[static_cast<size_t>(id)] = 1;
  }
  std::vector<std::vector<std::pair<int, Action>>> per_rank(static_cast<size_t>(s.ranks));
  for (size_t i = 0; i < env_ids.size(); ++i) {
    per_rank[static_cast<size_t>(rank_of(env_ids[i]))].emplace_back(env_ids[i], actions[i]);
    s.busy[static_cast<size_t>(env_ids[i])] = 1;
  }
  outstanding_ += static_cast<int>(env_ids.size());
  send_ops(per_rank, false);
}

void VectorEnv::send_ops(const std::vector<std::vector<std::pair<int, Action>>>& per_rank,
                         bool reset) {
  auto& s = *impl_;
  for (int r = 0; r < s.ranks; ++r) {
    const auto& ops = per_rank[static_cast<size_t>(r)];
    if (ops.empty()) continue;
    if (r == 0) {
      std::vector<EnvPool::Task> tasks;
      for (const auto& [id, a] : ops) tasks.push_back({id, reset, a});
      s.local->submit(tasks);
      continue;
    }
    if (s.lost[static_cast<size_t>(r)]) {
      throw RankLost(r, s.block_text(r), "rank " + std::to_string(r) + " was lost earlier");
    }
    Writer w;
    w.put<uint8_t>(reset);
    w.put<uint32_t>(static_cast<uint32_t>(ops.size()));
    for (const auto& [id, a] : ops) {
      w.put<int32_t>(id);
      w.put<int32_t>(a);
    }
    if (s.owed[static_cast<size_t>(r)]++ == 0) s.last_heard[static_cast<size_t>(r)] = now();
    send_bytes(r, kOps, w.take(), &traffic_);
    set_held(r, s.block_text(r) + " (results owed to rank 0)");
  }
}

std::vector<BatchResult> VectorEnv::recv(int min_results) {
  require_controller(controller_, "recv");
  if (outstanding_ == 0) return {};
  return collect(std::clamp(min_results, 1, outstanding_));
}

std::vector<BatchResult> VectorEnv::collect(int want) {
  auto& s = *impl_;
  Backoff backoff;
  while (static_cast<int>(s.arrived.size()) < want) {
    bool progress = false;
    if (s.local) {
      auto done = s.local->take();
      if (!done.empty()) progress = true;
      for (auto& d : done) s.arrived.push_back(std::move(d));
    }
    if (s.ranks > 1) {
      if (auto m = try_recv(MPI_ANY_SOURCE, &traffic_)) {
        progress = true;
        const auto r = static_cast<size_t>(m->source);
        s.last_heard[r] = now();
        if (m->tag == kResults) {
          for (auto& d : unpack_done(m->data)) s.arrived.push_back(std::move(d));
          if (--s.owed[r] == 0) set_held(m->source, "");
        }
      }
      for (int r = 1; r < s.ranks; ++r) {
        const auto ur = static_cast<size_t>(r);
        const double silent = now() - s.last_heard[ur];
        if (s.owed[ur] > 0 && silent > options_.timeout_seconds) {
          s.lost[ur] = 1;
          // Its envs' requests will never come back.
          for (int i = s.first_env[ur]; i < s.first_env[ur + 1]; ++i) {
            if (s.busy[static_cast<size_t>(i)]) {
              s.busy[static_cast<size_t>(i)] = 0;
              --outstanding_;
            }
          }
          s.owed[ur] = 0;
          throw RankLost(r, s.block_text(r),
                         "cgym::mpi::VectorEnv: rank " + std::to_string(r) + " (" +
                             s.block_text(r) + ") sent nothing for " +
                             std::to_string(static_cast<int>(silent)) +
                             " s while it owed results (it died or hangs)");
        }
      }
    }
    if (progress) {
      backoff.reset();
    } else {
      backoff.wait();
    }
  }
  std::vector<BatchResult> out;
  const EnvPool::Done* first_error = nullptr;
  for (auto& d : s.arrived) {
    s.busy[static_cast<size_t>(d.result.env_id)] = 0;
    --outstanding_;
    if (!d.error_type.empty() && !first_error) first_error = &d;
  }
  if (first_error) {
    VectorEnvError e(first_error->result.env_id, first_error->error_type,
                     first_error->error_message);
    s.arrived.clear();
    throw e;
  }
  for (auto& d : s.arrived) out.push_back(std::move(d.result));
  s.arrived.clear();
  return out;
}

}  // namespace cgym::mpi
