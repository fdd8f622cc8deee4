#include "gcc/gcc_env.h"

#include <cstdlib>
#include <map>
#include <mutex>

#include "cgym/compiler_env.h"
#include "cgym/datasets.h"
#include "cgym/errors.h"
#include "cgym/subprocess.h"
#include "cgym/util.h"
#include "gcc/gcc_session.h"
#include "gcc/probe.h"
#include "gcc/register_gcc.h"
#include "internal/logging.h"

namespace fs = std::filesystem;

namespace cgym::gcc {

namespace {

const std::vector<std::string> kKnownParams = {"gcc_bin", "timeout", "memory_limit_mb",
                                               "runtime_runs", "runtime_warmup"};

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

std::shared_ptr<const GccCompiler> load_compiler(const std::string& gcc_bin) {
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

double parse_positive(const std::string& key, const std::string& value) {
  double v = 0;
  try {
    size_t used = 0;
    v = std::stod(value, &used);
    if (used != value.size()) v = 0;
  } catch (const std::exception&) {
  }
  if (!(v > 0)) {
    throw InvalidArgument("gcc-v0 option '" + key + "' takes a positive number, got '" + value +
                          "'");
  }
  return v;
}

std::vector<std::shared_ptr<const RewardSpace>> make_rewards() {
  RewardSpaceSpec asm_size{.name = "asm_size",
                           .platform_dependent = true,
                           .description =
                               "The reduction in asm_size (bytes of assembly) since "
                               "the previous step: C_{t-1} - C_t."};
  RewardSpaceSpec obj_size{.name = "obj_size",
                           .platform_dependent = true,
                           .description =
                               "The reduction in obj_size (bytes of object files) "
                               "since the previous step: C_{t-1} - C_t."};
  RewardSpaceSpec obj_size_os{
      .name = "obj_size_Os",
      .platform_dependent = true,
      .description =
          "The reduction in obj_size since the previous step, relative to what gcc "
          "-Os removes: (C_{t-1} - C_t) / max(C_O0 - C_Os, 1). An episode's total "
          "above 1 beats -Os."};
  return {make_cost_delta_reward(asm_size, "asm_size"),
          make_cost_delta_reward(obj_size, "obj_size"),
          make_baseline_reward(obj_size_os, "obj_size", "obj_size_Os", "obj_size_O0")};
}

}  // namespace

fs::path spec_cache_path(const std::string& version, const std::string& path) {
  return site_data_dir() / "gcc" / (hash_bytes(version + "\n" + path).substr(0, 16) + ".json");
}

std::shared_ptr<const GccSpec> load_gcc_spec(const std::string& gcc_bin) {
  return load_compiler(gcc_bin)->spec;
}

std::shared_ptr<const GccActionTable> load_gcc_actions(const std::string& gcc_bin) {
  return load_compiler(gcc_bin)->actions;
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

std::shared_ptr<const Datasets> env_datasets() { return cgym::gcc_datasets(); }

void register_envs(Registry& registry) {
  EnvSpec spec;
  spec.id = "gcc-v0";
  spec.description =
      "Choose gcc's optimisation options (-O levels, -f flags, --param values) for a C program; "
      "the state is one choice per option. Observations: asm, obj, sizes, RTL, instruction "
      "counts; rewards: asm_size, obj_size, obj_size_Os.";
  spec.config = [](const MakeOptions& options) -> CompilerEnvConfig {
    for (const auto& [key, value] : options.params) {
      if (std::find(kKnownParams.begin(), kKnownParams.end(), key) == kKnownParams.end()) {
        throw LookupError("unknown option '" + key +
                          "' for env 'gcc-v0'; valid options: gcc_bin, timeout, memory_limit_mb, "
                          "runtime_runs, runtime_warmup");
      }
    }
    GccSessionSettings settings;
    std::string gcc_bin = "gcc";
    if (auto it = options.params.find("gcc_bin"); it != options.params.end()) gcc_bin = it->second;
    if (auto it = options.params.find("timeout"); it != options.params.end()) {
      settings.timeout_seconds = parse_positive("timeout", it->second);
    }
    if (auto it = options.params.find("memory_limit_mb"); it != options.params.end()) {
      settings.memory_limit_bytes =
          static_cast<size_t>(parse_positive("memory_limit_mb", it->second) * (1 << 20));
    }
    auto count = [&](const char* key, int min) -> std::optional<int> {
      auto it = options.params.find(key);
      if (it == options.params.end()) return std::nullopt;
      int v = -1;
      try {
        size_t used = 0;
        v = std::stoi(it->second, &used);
        if (used != it->second.size()) v = -1;
      } catch (const std::exception&) {
      }
      if (v < min) {
        throw InvalidArgument("gcc-v0 option '" + std::string(key) + "' takes an integer >= " +
                              std::to_string(min) + ", got '" + it->second + "'");
      }
      return v;
    };
    if (auto v = count("runtime_runs", 1)) settings.runtime_runs = *v;
    if (auto v = count("runtime_warmup", 0)) settings.runtime_warmup_runs = *v;
    auto gcc = load_compiler(gcc_bin);
    CompilerEnvConfig config;
    config.env_id = "gcc-v0";
    config.make_session = [gcc, settings](std::shared_ptr<const SessionContext> context) {
      return std::make_unique<GccSession>(std::move(context), gcc, settings);
    };
    config.reward_spaces = make_rewards();
    config.datasets = env_datasets();
    config.default_benchmark = "benchmark://cgym-v0/crc32";
    config.known_params = kKnownParams;
    return config;
  };
  registry.register_env(std::move(spec));
}

}  // namespace cgym::gcc
