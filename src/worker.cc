// Isolation::kProcess. The parent side (WorkerProcess, RemoteSession) and
// the worker side (run_worker) of the protocol described in worker.h.
#include "cgym/worker.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <utility>  // before Boost: asio 1.74 uses std::exchange without it

#include <boost/process.hpp>
#include <boost/process/extend.hpp>
#include <chrono>
#include <cstring>
#include <map>
#include <mutex>

#include "cgym/errors.h"
#include "cgym/subprocess.h"
#include "cgym/util.h"
#include "internal/logging.h"
#include "internal/paths.h"
#include "internal/rlimit.h"

namespace bp = boost::process;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace cgym {

namespace {

// ---- framing -------------------------------------------------------------------

struct WorkerGone : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct WorkerTimeout : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Writes all bytes. SIGPIPE is blocked in this thread meanwhile so that a
// dead worker is an error, not the death of the user's process.
void write_all(int fd, const char* data, size_t n) {
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &block, &old);
  bool broken = false;
  while (n > 0) {
    ssize_t w = ::write(fd, data, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      broken = true;
      break;
    }
    data += w;
    n -= static_cast<size_t>(w);
  }
  if (broken) {
    // Consume the pending SIGPIPE before unblocking it.
    struct timespec zero = {0, 0};
    sigtimedwait(&block, nullptr, &zero);
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (broken) throw WorkerGone("the pipe to the worker is closed");
}

void write_frame(int fd, const json& message) {
  const auto body = json::to_msgpack(message);
  const uint32_t n = static_cast<uint32_t>(body.size());
  char header[4] = {static_cast<char>(n & 0xff), static_cast<char>((n >> 8) & 0xff),
                    static_cast<char>((n >> 16) & 0xff), static_cast<char>((n >> 24) & 0xff)};
  std::string frame(header, 4);
  frame.append(reinterpret_cast<const char*>(body.data()), body.size());
  write_all(fd, frame.data(), frame.size());
}

// Reads exactly n bytes before the deadline. Returns false on a clean end
// of input before the first byte.
bool read_exact(int fd, char* out, size_t n, std::chrono::steady_clock::time_point deadline,
                bool first) {
  size_t got = 0;
  while (got < n) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) throw WorkerTimeout("timed out");
    struct pollfd p = {fd, POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(left, 1 << 30)));
    if (r < 0) {
      if (errno == EINTR) continue;
      throw WorkerGone(std::string("poll failed: ") + std::strerror(errno));
    }
    if (r == 0) continue;
    ssize_t k = ::read(fd, out + got, n - got);
    if (k < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      throw WorkerGone(std::string("read failed: ") + std::strerror(errno));
    }
    if (k == 0) {
      if (first && got == 0) return false;
      throw WorkerGone("the worker closed its output mid-message");
    }
    got += static_cast<size_t>(k);
  }
  return true;
}

std::optional<json> read_frame(int fd, std::chrono::steady_clock::time_point deadline) {
  unsigned char h[4];
  if (!read_exact(fd, reinterpret_cast<char*>(h), 4, deadline, true)) return std::nullopt;
  const uint32_t n = h[0] | (h[1] << 8) | (h[2] << 16) | (uint32_t{h[3]} << 24);
  std::string body(n, '\0');
  read_exact(fd, body.data(), n, deadline, false);
  return json::from_msgpack(body);
}

// ---- serialisation of the types the protocol carries ----------------------------

json binary(const std::string& s) {
  return json::binary_t(std::vector<uint8_t>(s.begin(), s.end()));
}
std::string from_binary(const json& j) {
  const auto& b = j.get_binary();
  return std::string(b.begin(), b.end());
}

json benchmark_to_json(const Benchmark& b) {
  const auto& d = b.data();
  json sources = json::array();
  for (const auto& s : d.sources)
    sources.push_back({{"name", s.name}, {"contents", binary(s.contents)}});
  return {{"uri", d.uri},
          {"format", static_cast<int>(d.format)},
          {"program", binary(d.program)},
          {"sources", sources},
          {"compile_flags", d.compile_flags},
          {"link_flags", d.link_flags},
          {"run_args", d.run_args},
          {"reference_output", d.reference_output ? binary(*d.reference_output) : json(nullptr)},
          {"run_timeout_seconds", d.run_timeout_seconds},
          {"build_command", d.build_command},
          {"metadata", d.metadata}};
}

BenchmarkPtr benchmark_from_json(const json& j) {
  BenchmarkData d;
  d.uri = j.at("uri").get<std::string>();
  d.format = static_cast<ProgramFormat>(j.at("format").get<int>());
  d.program = from_binary(j.at("program"));
  for (const auto& s : j.at("sources")) {
    d.sources.push_back({s.at("name").get<std::string>(), from_binary(s.at("contents"))});
  }
  d.compile_flags = j.at("compile_flags").get<std::vector<std::string>>();
  d.link_flags = j.at("link_flags").get<std::vector<std::string>>();
  d.run_args = j.at("run_args").get<std::vector<std::string>>();
  if (!j.at("reference_output").is_null())
    d.reference_output = from_binary(j.at("reference_output"));
  d.run_timeout_seconds = j.at("run_timeout_seconds").get<double>();
  d.build_command = j.at("build_command").get<std::vector<std::string>>();
  d.metadata = j.at("metadata");
  return Benchmark::make(std::move(d));
}

json action_space_to_json(const ActionSpace& s) {
  json actions = json::array();
  for (const auto& a : s.actions()) {
    actions.push_back({{"name", a.name},
                       {"flag", a.flag},
                       {"description", a.description},
                       {"deterministic", a.deterministic}});
  }
  return {{"name", s.name()}, {"actions", actions}};
}

[[noreturn]] void rethrow_remote(const std::string& type, const std::string& what) {
  // The worker's error, as the same class where the parent knows it.
  if (type == "BenchmarkInitError") throw BenchmarkInitError(what);
  if (type == "LookupError") throw LookupError(what);
  if (type == "ActionOutOfRange") throw ActionOutOfRange(what);
  if (type == "InvalidArgument") throw InvalidArgument(what);
  if (type == "StateError") throw StateError(what);
  if (type == "EnvironmentNotSupported") throw EnvironmentNotSupported(what);
  if (type == "IoError") throw IoError(what);
  if (type == "ValidationError") throw ValidationError(what);
  if (type == "TimeoutError") throw TimeoutError(what, {}, -1, "");
  if (type == "ProcessError") throw ProcessError(what, {}, -1, "");
  throw SessionError(type == "SessionError" ? what : type + ": " + what);
}

std::string describe_status(int status) {
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    return "killed by signal " + std::to_string(WTERMSIG(status)) + " (" +
           strsignal(WTERMSIG(status)) + ")";
  }
  return "status " + std::to_string(status);
}

// ---- parent side ------------------------------------------------------------------

// A pipe whose ends are not inherited by other children (another worker
// holding our write end would keep this worker from ever seeing EOF). The
// child's stdin/stdout copies are made with dup2, which clears the flag.
bp::pipe cloexec_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    throw IoError(std::string("cannot create a pipe: ") + std::strerror(errno));
  }
  return bp::pipe(fds[0], fds[1]);
}

// One worker process. Calls are serialised: forks that share it may be used
// from different threads.
class WorkerProcess {
 public:
  WorkerProcess(const std::string& env_id, const MakeOptions& options)
      : options_(options.worker), to_worker_(cloexec_pipe()), from_worker_(cloexec_pipe()) {
    const fs::path program = worker_program(options_.program);
    try {
      child_ =
          bp::child(bp::exe = program.string(), bp::std_in<to_worker_, bp::std_out> from_worker_,
                    RlimitSetup(options_.memory_limit_bytes));
    } catch (const std::exception& e) {
      throw EnvironmentNotSupported("cannot start the worker '" + program.string() +
                                    "': " + e.what());
    }
    // The parent keeps only its own ends.
    ::close(to_worker_.native_source());
    to_worker_.assign_source(-1);
    ::close(from_worker_.native_sink());
    from_worker_.assign_sink(-1);
    call({{"op", "hello"}, {"env", env_id}, {"params", options.params}},
         options_.reset_timeout_seconds);
  }

  ~WorkerProcess() {
    std::error_code ec;
    to_worker_.close();  // end of input: the worker exits by itself
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (child_.running(ec) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (child_.running(ec)) child_.terminate(ec);
    child_.wait(ec);
  }

  bool alive() {
    std::lock_guard lock(mu_);
    return alive_;
  }
  int new_session_id() {
    std::lock_guard lock(mu_);
    return next_sid_++;
  }
  const WorkerOptions& options() const { return options_; }

  json call(const json& request, double timeout_seconds) {
    std::lock_guard lock(mu_);
    const std::string op = request.at("op").get<std::string>();
    if (!alive_) {
      throw SessionError("the cgym-worker process is gone (" + death_ +
                         "); call reset() to start a new one");
    }
    std::optional<json> reply;
    try {
      write_frame(to_worker_.native_sink(), request);
      reply = read_frame(from_worker_.native_source(),
                         std::chrono::steady_clock::now() +
                             std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                 std::chrono::duration<double>(timeout_seconds)));
    } catch (const WorkerTimeout&) {
      kill("timed out");
      throw TimeoutError("the cgym-worker did not answer '" + op + "' within " +
                             std::to_string(timeout_seconds) + " s and was killed",
                         {}, -1, "");
    } catch (const WorkerGone& e) {
      kill(e.what());
      throw SessionError("the cgym-worker process died during '" + op + "' (" + death_ + ")");
    }
    if (!reply) {
      kill("closed its output");
      throw SessionError("the cgym-worker process died during '" + op + "' (" + death_ + ")");
    }
    if (!reply->value("ok", false)) {
      rethrow_remote(reply->value("type", "SessionError"), reply->value("what", ""));
    }
    return *reply;
  }

 private:
  // Kills the worker (if it still runs) and records how it ended.
  void kill(const std::string& reason) {
    alive_ = false;
    std::error_code ec;
    if (child_.running(ec)) {
      ::kill(child_.id(), SIGKILL);
    }
    child_.wait(ec);
    const int status = child_.native_exit_code();
    death_ = reason == "timed out" ? "timed out, killed" : describe_status(status);
    logger().warn("cgym-worker {}: {}", child_.id(), death_);
  }

  WorkerOptions options_;
  bp::pipe to_worker_, from_worker_;
  bp::child child_;
  std::mutex mu_;
  bool alive_ = true;
  std::string death_;
  int next_sid_ = 1;
};

// What the proxies of one env (and its forks) share.
struct RemoteShared {
  std::string env_id;
  MakeOptions options;
  CompilerEnvConfig local;
  std::mutex mu;
  std::shared_ptr<WorkerProcess> worker;
  // Spaces come from a local session: they never depend on a benchmark.
  std::string compiler_version;
  std::vector<ActionSpace> action_spaces;
  std::vector<ObservationSpaceSpec> observation_spaces;

  std::shared_ptr<WorkerProcess> live_worker() {
    std::lock_guard lock(mu);
    if (!worker || !worker->alive()) {
      worker.reset();  // the old one is reaped before the new one starts
      worker = std::make_shared<WorkerProcess>(env_id, options);
    }
    return worker;
  }
};

class RemoteSession : public CompilationSession {
 public:
  RemoteSession(std::shared_ptr<const SessionContext> ctx, std::shared_ptr<RemoteShared> shared,
                std::shared_ptr<WorkerProcess> worker = nullptr, int sid = 0)
      : CompilationSession(std::move(ctx)),
        shared_(std::move(shared)),
        worker_(std::move(worker)),
        sid_(sid) {}

  ~RemoteSession() override {
    if (worker_ && sid_ && worker_->alive()) {
      try {
        worker_->call({{"op", "free"}, {"sid", sid_}}, 10.0);
      } catch (const std::exception&) {
      }
    }
  }

  std::string compiler_version() const override { return shared_->compiler_version; }
  std::vector<ActionSpace> action_spaces() const override { return shared_->action_spaces; }
  std::vector<ObservationSpaceSpec> observation_spaces() const override {
    return shared_->observation_spaces;
  }

  void init(const ActionSpace& space, BenchmarkPtr benchmark) override {
    worker_ = shared_->live_worker();
    sid_ = worker_->new_session_id();
    worker_->call({{"op", "init"},
                   {"sid", sid_},
                   {"space", space.name()},
                   {"benchmark", benchmark_to_json(*benchmark)}},
                  worker_->options().reset_timeout_seconds);
  }

  ActionResult apply_action(Action action) override {
    auto r = call({{"op", "apply"}, {"sid", sid_}, {"action", action}});
    ActionResult out;
    out.end_of_episode = r.at("end").get<bool>();
    out.action_had_no_effect = r.at("no_effect").get<bool>();
    if (r.contains("space")) {
      const auto& s = r.at("space");
      const std::string name = s.at("name").get<std::string>();
      for (const auto& known : shared_->action_spaces) {
        if (known.name() == name) out.new_action_space = known;
      }
      if (!out.new_action_space) {
        std::vector<ActionInfo> actions;
        for (const auto& a : s.at("actions")) {
          actions.push_back(
              {a.at("name"), a.at("flag"), a.at("description"), a.value("deterministic", true)});
        }
        out.new_action_space = ActionSpace(name, std::move(actions));
      }
    }
    return out;
  }

  Observation compute_observation(const ObservationSpaceSpec& space) override {
    auto r = call({{"op", "observe"}, {"sid", sid_}, {"space", space.name}});
    return Observation::deserialize(from_binary(r.at("value")));
  }

  std::unique_ptr<CompilationSession> fork() const override {
    const int child = worker_->new_session_id();
    const_cast<RemoteSession*>(this)->call({{"op", "fork"}, {"sid", sid_}, {"new_sid", child}});
    return std::make_unique<RemoteSession>(context_ptr(), shared_, worker_, child);
  }

  void end_of_step(bool changed) override {
    call({{"op", "end_of_step"}, {"sid", sid_}, {"changed", changed}});
  }

  std::optional<std::string> handle_session_parameter(const std::string& key,
                                                      const std::string& value) override {
    auto r = call({{"op", "param"}, {"sid", sid_}, {"key", key}, {"value", value}});
    if (r.at("result").is_null()) return std::nullopt;
    return r.at("result").get<std::string>();
  }

  std::optional<std::string> state_hash() override {
    auto r = call({{"op", "state_hash"}, {"sid", sid_}});
    if (r.at("hash").is_null()) return std::nullopt;
    return r.at("hash").get<std::string>();
  }

  std::vector<ValidationIssue> validate_semantics(const ValidationOptions& o) override {
    auto r = call({{"op", "validate"},
                   {"sid", sid_},
                   {"check_reward", o.check_reward},
                   {"check_semantics", o.check_semantics},
                   {"sanitizers", o.sanitizers}});
    std::vector<ValidationIssue> out;
    for (const auto& i : r.at("issues")) out.push_back({i.at("type"), i.at("details")});
    return out;
  }

 private:
  json call(const json& request) {
    if (!worker_) throw StateError("the worker session was used before init()");
    return worker_->call(request, worker_->options().step_timeout_seconds);
  }

  std::shared_ptr<RemoteShared> shared_;
  std::shared_ptr<WorkerProcess> worker_;
  int sid_ = 0;
};

}  // namespace

fs::path worker_program(const std::string& configured) {
  std::vector<fs::path> tried;
  auto ok = [&](const fs::path& p) {
    tried.push_back(p);
    return access(p.c_str(), X_OK) == 0;
  };
  if (!configured.empty()) {
    if (ok(configured)) return configured;
  } else if (const char* env = std::getenv("CGYM_WORKER"); env && *env) {
    if (ok(env)) return env;
  } else {
    if (const auto p = fs::path(CGYM_BUILD_BIN_DIR) / "cgym-worker";
        running_from_build_tree() && ok(p)) {
      return p;
    }
    if (const auto p = installed_bin_dir() / "cgym-worker"; ok(p)) return p;
    if (auto p = find_program("cgym-worker")) return *p;
  }
  std::string where;
  for (const auto& p : tried) where += (where.empty() ? "" : ", ") + p.string();
  throw EnvironmentNotSupported("cannot find the cgym-worker program (looked at: " +
                                (where.empty() ? std::string("PATH") : where) +
                                "); set CGYM_WORKER or MakeOptions::worker.program");
}

EnvPtr make_worker_env(const std::string& env_id, CompilerEnvConfig config,
                       const MakeOptions& options) {
  auto shared = std::make_shared<RemoteShared>();
  shared->env_id = env_id;
  shared->options = options;
  {
    // The spaces, from a session made here: no benchmark is loaded.
    auto ctx = std::make_shared<SessionContext>(options.params, transient_cache_dir() / "probe");
    auto probe = config.make_session(ctx);
    shared->compiler_version = probe->compiler_version() + " (in a cgym-worker)";
    shared->action_spaces = probe->action_spaces();
    shared->observation_spaces = probe->observation_spaces();
  }
  // Start the worker now: a missing worker program or a backend that cannot
  // start is reported by make(), not by the first reset().
  shared->live_worker();
  config.make_session = [shared](std::shared_ptr<const SessionContext> ctx) {
    return std::make_unique<RemoteSession>(std::move(ctx), shared);
  };
  return std::make_unique<CompilerEnv>(std::move(config), options);
}

// ---- worker side --------------------------------------------------------------------

int run_worker(int in_fd, int out_fd,
               const std::function<std::optional<EnvSpec>(const std::string&)>& lookup) {
  std::shared_ptr<const SessionContext> context;
  CompilerEnvConfig config;
  std::map<int, std::unique_ptr<CompilationSession>> sessions;
  std::map<std::string, ObservationSpaceSpec> spaces;
  const auto forever = std::chrono::steady_clock::time_point::max();

  auto session = [&](const json& req) -> CompilationSession& {
    auto it = sessions.find(req.at("sid").get<int>());
    if (it == sessions.end()) throw StateError("no such worker session");
    return *it->second;
  };

  while (true) {
    std::optional<json> request;
    try {
      request = read_frame(in_fd, forever);
    } catch (const std::exception& e) {
      logger().error("cgym-worker: bad input: {}", e.what());
      return 2;
    }
    if (!request) return 0;  // the parent closed the pipe
    json reply = {{"ok", true}};
    try {
      const std::string op = request->at("op").get<std::string>();
      if (op == "hello") {
        const std::string id = request->at("env").get<std::string>();
        auto spec = lookup(id);
        if (!spec || !spec->config) {
          throw EnvironmentNotSupported("the worker does not know env '" + id + "'");
        }
        MakeOptions o;
        o.params = request->at("params").get<std::map<std::string, std::string>>();
        config = spec->config(o);
        context = std::make_shared<SessionContext>(
            o.params, transient_cache_dir() / ("worker-" + std::to_string(getpid())));
      } else if (op == "init") {
        if (!context) throw StateError("init before hello");
        const int sid = request->at("sid").get<int>();
        auto s = config.make_session(context);
        if (spaces.empty()) {
          for (auto& spec : s->observation_spaces()) spaces[spec.name] = spec;
        }
        const std::string name = request->at("space").get<std::string>();
        std::optional<ActionSpace> space;
        for (auto& a : s->action_spaces()) {
          if (a.name() == name) space = a;
        }
        if (!space) throw LookupError("unknown action space '" + name + "'");
        s->init(*space, benchmark_from_json(request->at("benchmark")));
        sessions[sid] = std::move(s);
      } else if (op == "apply") {
        auto r = session(*request).apply_action(request->at("action").get<int>());
        reply["end"] = r.end_of_episode;
        reply["no_effect"] = r.action_had_no_effect;
        if (r.new_action_space) reply["space"] = action_space_to_json(*r.new_action_space);
      } else if (op == "observe") {
        const std::string name = request->at("space").get<std::string>();
        auto it = spaces.find(name);
        if (it == spaces.end()) throw LookupError("unknown observation space '" + name + "'");
        reply["value"] = binary(session(*request).compute_observation(it->second).serialize());
      } else if (op == "fork") {
        auto copy = session(*request).fork();
        sessions[request->at("new_sid").get<int>()] = std::move(copy);
      } else if (op == "end_of_step") {
        session(*request).end_of_step(request->at("changed").get<bool>());
      } else if (op == "param") {
        auto r =
            session(*request).handle_session_parameter(request->at("key"), request->at("value"));
        reply["result"] = r ? json(*r) : json(nullptr);
      } else if (op == "state_hash") {
        auto r = session(*request).state_hash();
        reply["hash"] = r ? json(*r) : json(nullptr);
      } else if (op == "validate") {
        ValidationOptions o;
        o.check_reward = request->at("check_reward").get<bool>();
        o.check_semantics = request->at("check_semantics").get<bool>();
        o.sanitizers = request->at("sanitizers").get<bool>();
        json issues = json::array();
        for (const auto& i : session(*request).validate_semantics(o)) {
          issues.push_back({{"type", i.type}, {"details", i.details}});
        }
        reply["issues"] = issues;
      } else if (op == "free") {
        sessions.erase(request->at("sid").get<int>());
      } else {
        throw InvalidArgument("unknown worker request '" + op + "'");
      }
    } catch (const Error& e) {
      reply = {{"ok", false}, {"type", e.type_name()}, {"what", e.what()}};
    } catch (const std::exception& e) {
      reply = {{"ok", false}, {"type", "SessionError"}, {"what", e.what()}};
    }
    try {
      write_frame(out_fd, reply);
    } catch (const std::exception&) {
      return 0;  // the parent is gone
    }
  }
}

}  // namespace cgym
