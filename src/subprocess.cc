#include "cgym/subprocess.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <utility>  // before Boost: asio 1.74 uses std::exchange without it

#include <boost/asio.hpp>
#include <boost/process.hpp>
#include <boost/process/extend.hpp>
#include <chrono>
#include <future>
#include <map>
#include <string>
#include <vector>

#include "cgym/errors.h"
#include "internal/logging.h"
#include "internal/rlimit.h"

namespace bp = boost::process;
namespace fs = std::filesystem;

namespace cgym {

std::optional<fs::path> find_program(const std::string& name) {
  if (name.empty()) return std::nullopt;
  if (name.find('/') != std::string::npos) {
    if (access(name.c_str(), X_OK) == 0 && !fs::is_directory(name)) return fs::path(name);
    return std::nullopt;
  }
  auto p = bp::search_path(name);
  if (p.empty()) return std::nullopt;
  return fs::path(p.string());
}

std::string join_command_line(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) {
    if (!out.empty()) out += ' ';
    const bool plain =
        !a.empty() && a.find_first_of(" \t\n'\"\\$`*?[]{}()<>|&;#~!") == std::string::npos;
    if (plain) {
      out += a;
    } else {
      out += '\'';
      for (char c : a) {
        if (c == '\'') {
          out += "'\\''";
        } else {
          out += c;
        }
      }
      out += '\'';
    }
  }
  return out;
}

std::string tail_lines(const std::string& text, size_t max_lines) {
  size_t pos = text.size();
  // Ignore one trailing newline.
  if (pos && text[pos - 1] == '\n') --pos;
  size_t lines = 0;
  while (pos > 0) {
    if (text[pos - 1] == '\n' && ++lines == max_lines) break;
    --pos;
  }
  return text.substr(pos);
}

namespace {

// The child's environment: the caller's (`environ`) with `extra` added or
// replacing entries, built by hand. Boost 1.74's bp::environment is not used:
// its basic_environment_impl::find reads past the end of shorter entries (a
// heap-buffer-overflow under ASan), found on 2026-12-02.
class ChildEnvironment {
 public:
  explicit ChildEnvironment(const std::map<std::string, std::string>& extra) {
    for (char** e = ::environ; e && *e; ++e) {
      const std::string entry(*e);
      const auto eq = entry.find('=');
      if (eq != std::string::npos && extra.count(entry.substr(0, eq))) continue;
      entries_.push_back(entry);
    }
    for (const auto& [k, v] : extra) entries_.push_back(k + "=" + v);
    for (auto& s : entries_) pointers_.push_back(s.data());
    pointers_.push_back(nullptr);
  }
  ChildEnvironment(const ChildEnvironment&) = delete;
  ChildEnvironment& operator=(const ChildEnvironment&) = delete;
  char** data() const { return const_cast<char**>(pointers_.data()); }

 private:
  std::vector<std::string> entries_;
  std::vector<char*> pointers_;
};

// Hands a ChildEnvironment to execve (set in the parent, before the fork).
struct EnvSetup : bp::extend::handler {
  const ChildEnvironment* env;
  explicit EnvSetup(const ChildEnvironment* e) : env(e) {}
  template <typename Executor>
  void on_setup(Executor& e) const {
    e.env = env->data();
  }
};

}  // namespace

ProcessResult run_process(const ProcessOptions& o) {
  if (o.argv.empty()) throw InvalidArgument("run_process: empty argument vector");
  if (!(o.timeout_seconds > 0)) {
    throw InvalidArgument("run_process: the timeout must be positive, got " +
                          std::to_string(o.timeout_seconds));
  }
  auto exe = find_program(o.argv[0]);
  if (!exe) {
    throw ProcessError("cannot run '" + o.argv[0] + "': " +
                           (o.argv[0].find('/') == std::string::npos ? "not found on PATH"
                                                                     : "no such executable file"),
                       o.argv, -1, "");
  }
  std::vector<std::string> args(o.argv.begin() + 1, o.argv.end());
  const ChildEnvironment env(o.env);

  boost::asio::io_context ios;
  std::future<std::string> out, err;
  bp::group group;
  const auto start = std::chrono::steady_clock::now();
  ProcessResult result;
  std::unique_ptr<bp::child> child;
  try {
    auto in_buf = boost::asio::buffer(o.stdin_data);
    const fs::path cwd = o.cwd.empty() ? fs::current_path() : o.cwd;
    child = std::make_unique<bp::child>(bp::exe = exe->string(), bp::args = args,
                                        bp::std_in<in_buf, bp::std_out> out, bp::std_err > err, ios,
                                        group, bp::start_dir = cwd.string(), EnvSetup(&env),
                                        RlimitSetup(o.memory_limit_bytes));
  } catch (const std::exception& e) {
    throw ProcessError("cannot start " + join_command_line(o.argv) + ": " + e.what(), o.argv, -1,
                       "");
  }
  const auto limit = std::chrono::duration<double>(o.timeout_seconds);
  ios.run_for(std::chrono::duration_cast<std::chrono::nanoseconds>(limit));
  if (!ios.stopped()) {
    // Timed out: kill the whole process group (drivers start subprocesses),
    // then drain the pipes.
    result.timed_out = true;
    std::error_code ec;
    group.terminate(ec);
    ios.restart();
    ios.run_for(std::chrono::seconds(10));
  }
  std::error_code ec;
  child->wait(ec);
  // The group may hold processes that outlived the child (daemons); they
  // hold no pipe of ours any more but must not leak.
  group.terminate(ec);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const int status = child->native_exit_code();
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.exit_code = -WTERMSIG(status);
  } else {
    result.exit_code = child->exit_code();
  }
  auto take = [&](std::future<std::string>& f) -> std::string {
    if (f.valid() && f.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
      try {
        std::string s = f.get();
        if (s.size() > o.max_output_bytes) s.resize(o.max_output_bytes);
        return s;
      } catch (const std::exception&) {
      }
    }
    return {};
  };
  result.stdout_data = take(out);
  result.stderr_data = take(err);
  logger().debug("ran {} -> exit {} in {:.3f}s{}", join_command_line(o.argv), result.exit_code,
                 result.seconds, result.timed_out ? " (timed out)" : "");
  return result;
}

ProcessResult check_process(const ProcessOptions& o) {
  ProcessResult r = run_process(o);
  const std::string cmd = join_command_line(o.argv);
  const std::string tail = tail_lines(r.stderr_data, 20);
  if (r.timed_out) {
    throw TimeoutError("timed out after " + std::to_string(o.timeout_seconds) + " s: " + cmd +
                           (tail.empty() ? "" : "\n" + tail),
                       o.argv, r.exit_code, tail);
  }
  if (r.exit_code < 0) {
    throw ProcessError("killed by signal " + std::to_string(-r.exit_code) + " (" +
                           strsignal(-r.exit_code) + "): " + cmd +
                           (tail.empty() ? "" : "\n" + tail),
                       o.argv, r.exit_code, tail);
  }
  if (r.exit_code != 0) {
    throw ProcessError("exit status " + std::to_string(r.exit_code) + ": " + cmd +
                           (tail.empty() ? "" : "\n" + tail),
                       o.argv, r.exit_code, tail);
  }
  return r;
}

}  // namespace cgym
