#include "backends/gcc/gcc_env.h"

#include <cstdlib>
#include <map>
#include <mutex>

#include "backends/gcc/probe.h"
#include "backends/gcc/session.h"
#include "cgym/compiler_env.h"
#include "cgym/errors.h"
#include "cgym/subprocess.h"
#include "cgym/util.h"
#include "internal/logging.h"

namespace fs = std::filesystem;

namespace cgym::gcc {

namespace {

std::string run_gcc(const fs::path& exe, std::vector<std::string> args) {
  ProcessOptions p;
  p.argv = {exe.string()};
  p.argv.insert(p.argv.end(), args.begin(), args.end());
  p.env = {{"LC_ALL", "C"}};
  p.timeout_seconds = 60.0;
  try {
    return check_process(p).stdout_data;
  } catch (const ProcessError& e) {
    throw EnvironmentNotSupported("gcc-v0 cannot use '" + exe.string() + "': " + e.what());
  }
}

std::shared_ptr<const GccSpec> read_cached_spec(const fs::path& file, const std::string& version,
                                                const std::string& path) {
  std::error_code ec;
  if (!fs::exists(file, ec)) return nullptr;
  try {
    auto spec =
        std::make_shared<GccSpec>(GccSpec::from_json(nlohmann::json::parse(read_file(file))));
    if (spec->version == version && spec->path == path && spec->probed && !spec->options.empty()) {
      return spec;
    }
    logger().info("gcc spec cache {} is for another gcc; rebuilding it", file.string());
  } catch (const std::exception& e) {
    logger().warn("ignoring the unreadable gcc spec cache {}: {}", file.string(), e.what());
  }
  return nullptr;
}

struct Loaded {
  fs::file_time_type mtime;
  uintmax_t size = 0;
  std::shared_ptr<const GccCompiler> compiler;
};

std::mutex& load_mutex() {
  static std::mutex mu;
  return mu;
}

}  // namespace

std::shared_ptr<const GccCompiler> load_gcc_compiler(const std::string& gcc_bin) {
  if (gcc_bin.empty()) {
    throw InvalidArgument("gcc_bin is empty; give a gcc name on PATH (e.g. \"gcc-12\") or a path");
  }
  auto exe = find_program(gcc_bin);
  if (!exe) {
    const char* path_env = std::getenv("PATH");
    throw EnvironmentNotSupported(
        "gcc-v0 needs gcc, and '" + gcc_bin + "' was not found " +
        (gcc_bin.find('/') != std::string::npos
             ? std::string("(no executable file at that path)")
             : "on PATH (" + std::string(path_env ? path_env : "") + ")") +
        "; install gcc (apt-get install gcc) or pass {\"gcc_bin\", \"<name or path>\"} in "
        "MakeOptions::params");
  }
  std::error_code ec;
  fs::path canonical = fs::canonical(*exe, ec);
  if (ec) canonical = fs::absolute(*exe);
  const auto mtime = fs::last_write_time(canonical, ec);
  const auto size = fs::file_size(canonical, ec);

  static auto* loaded = new std::map<std::string, Loaded>();
  const std::string memo_key = gcc_bin + '\n' + canonical.string();
  std::lock_guard lock(load_mutex());
  if (auto it = loaded->find(memo_key);
      it != loaded->end() && it->second.mtime == mtime && it->second.size == size) {
    return it->second.compiler;
  }

  std::string version = run_gcc(*exe, {"--version"});
  version = version.substr(0, version.find('\n'));
  const fs::path file = spec_cache_path(version, canonical.string());
  auto spec = read_cached_spec(file, version, canonical.string());
  if (!spec) {
    logger().info("reading and probing the options of {} ({}); cached in {}", canonical.string(),
                  version, file.string());
    GccHelpText text;
    text.version = version;
    text.path = canonical.string();
    text.optimizers_q = run_gcc(*exe, {"-Q", "--help=optimizers"});
    text.params_q = run_gcc(*exe, {"-Q", "--help=params"});
    text.optimizers_doc = run_gcc(*exe, {"--help=optimizers"});
    text.params_doc = run_gcc(*exe, {"--help=params"});
    GccSpec parsed = parse_gcc_spec(text);
    if (parsed.options.empty()) {
      throw EnvironmentNotSupported("'" + gcc_bin + "' (" + version +
                                    ") does not look like gcc: `-Q --help=optimizers` listed no "
                                    "options gcc-v0 understands");
    }
    ProbeOptions probe;
    probe.gcc = exe->string();
    auto probed = std::make_shared<GccSpec>(probe_gcc_spec(std::move(parsed), probe));
    try {
      write_file_atomic(file, probed->to_json().dump(1));
    } catch (const std::exception& e) {
      logger().warn("cannot cache the gcc spec in {}: {}", file.string(), e.what());
    }
    spec = std::move(probed);
  }
  auto compiler = make_gcc_compiler(gcc_bin, exe->string(), spec);
  (*loaded)[memo_key] = Loaded{mtime, size, compiler};
  return compiler;
}

fs::path spec_cache_path(const std::string& version, const std::string& path) {
  return site_data_dir() / "gcc" / (hash_bytes(version + "\n" + path).substr(0, 16) + ".json");
}

std::shared_ptr<const GccSpec> load_gcc_spec(const std::string& gcc_bin) {
  return load_gcc_compiler(gcc_bin)->spec;
}

std::shared_ptr<const GccActionTable> load_gcc_actions(const std::string& gcc_bin) {
  return load_gcc_compiler(gcc_bin)->actions;
}

void set_choices(Env& env, const std::vector<int64_t>& choices) {
  std::string text;
  for (int64_t c : choices) {
    if (!text.empty()) text += ',';
    text += std::to_string(c);
  }
  env.send_session_parameter("gcc.choices", text);
}

std::vector<int64_t> get_choices(Env& env) {
  return env.observation("choices").as<std::vector<int64_t>>();
}

ArtifactCacheStats artifact_cache_stats() { return ArtifactCache::global().stats(); }
void reset_artifact_cache_stats() { ArtifactCache::global().reset_stats(); }
void clear_artifact_cache() { ArtifactCache::global().clear(); }

}  // namespace cgym::gcc
