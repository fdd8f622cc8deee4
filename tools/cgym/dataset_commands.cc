// cgym datasets, cgym benchmarks.
//
// Datasets belong to envs (env->datasets()), and several envs share one
// collection (every llvm-* env uses llvm_datasets()), so without --env the
// envs are grouped by the collection they share and each collection is
// listed once.
#include <algorithm>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>

#include "cgym/cgym.h"
#include "cgym/remote_datasets.h"
#include "cli/commands.h"
#include "cli/common.h"

namespace cgym::cli {

namespace {

struct EnvGroup {
  std::vector<std::string> env_ids;
  EnvPtr env;  // keeps the collection alive
};

// Every registered env that can be created here, grouped by datasets
// collection, in registry order. Envs that cannot run here are reported on
// stderr and skipped.
std::vector<EnvGroup> env_groups(const std::string& env_id) {
  std::vector<EnvGroup> groups;
  if (!env_id.empty()) {
    groups.push_back({{env_id}, make(env_id)});
    return groups;
  }
  std::map<const Datasets*, size_t> index;
  for (const auto& spec : list_envs()) {
    EnvPtr env;
    try {
      env = make(spec.id);
    } catch (const std::exception& e) {
      std::cerr << "(skipping " << spec.id << ": " << e.what() << ")\n";
      continue;
    }
    const Datasets* key = &env->datasets();
    if (auto it = index.find(key); it != index.end()) {
      groups[it->second].env_ids.push_back(spec.id);
    } else {
      index[key] = groups.size();
      groups.push_back({{spec.id}, std::move(env)});
    }
  }
  return groups;
}

std::string size_text(const Dataset& d) {
  if (!d.enumerable()) return "-";
  if (is_infinite(d)) return "∞";
  return std::to_string(d.size());
}

// Pads a string that may contain multi-byte UTF-8 (∞) to a column width.
std::string pad(const std::string& s, size_t width) {
  size_t glyphs = 0;
  for (unsigned char c : s) glyphs += (c & 0xC0) != 0x80;
  return s + std::string(glyphs < width ? width - glyphs : 1, ' ');
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

std::string bytes_text(uint64_t n) {
  char buf[64];
  if (n >= (uint64_t{1} << 30)) {
    std::snprintf(buf, sizeof buf, "%.1f GB", n / 1073741824.0);
  } else if (n >= (uint64_t{1} << 20)) {
    std::snprintf(buf, sizeof buf, "%.1f MB", n / 1048576.0);
  } else {
    std::snprintf(buf, sizeof buf, "%.0f kB", n / 1024.0);
  }
  return buf;
}

// "installed, 10.1 MB", "not installed, 9.6 MB download", or "-" for a
// dataset that is not downloaded (bundled, generators, user programs).
std::string status_text(const Dataset& d) {
  const RemoteDatasetInfo* info = find_catalogue_entry(d.name());
  if (!info || d.name().find("://") == std::string::npos) return "-";
  if (!needs_install(d)) return "installed, " + bytes_text(installed_size_bytes(*info));
  if (info->size_bytes) return "not installed, " + bytes_text(info->size_bytes) + " download";
  return "not installed";
}

// The catalogue entry for a name the user typed; LookupError listing the
// valid names.
const RemoteDatasetInfo& catalogue_entry_or_throw(const std::string& name) {
  if (const auto* info = find_catalogue_entry(name)) return *info;
  std::vector<std::string> valid;
  for (const auto& i : dataset_catalogue()) valid.push_back(i.name.substr(i.name.find("://") + 3));
  throw LookupError("'" + name +
                    "' is not a downloadable dataset; valid names: " + join(valid, ", ") +
                    " (the bundled cgym-v0 and the generators need no install)");
}

void add_install_commands(CLI::App* datasets) {
  struct Options {
    std::vector<std::string> names;
    std::string from;
    std::string manifest;
  };
  auto o = std::make_shared<Options>();
  auto* install = datasets->add_subcommand(
      "install", "Download, verify (sha256) and unpack CompilerGym benchmark suites");
  install->add_option("NAME", o->names, "Dataset names, e.g. cbench-v1 (see 'cgym datasets')")
      ->required();
  install
      ->add_option("--from", o->from,
                   "Install from this archive (already downloaded) instead of the network; "
                   "its sha256 is checked")
      ->check(CLI::ExistingFile);
  install
      ->add_option("--manifest", o->manifest,
                   "With --from: the suite's manifest file (else the unpacked files are "
                   "listed)")
      ->check(CLI::ExistingFile);
  install->footer(
      "Suites go to $CGYM_SITE_DATA/datasets (else $COMPILER_GYM_SITE_DATA, else "
      "~/.local/share/cgym).\n"
      "CGYM_DATASET_MIRROR=https://host/dir fetches every file from that directory instead.\n"
      "Examples:\n"
      "  cgym datasets install cbench-v1\n"
      "  cgym datasets install cbench-v1 --from llvm_bitcodes-10.0.0-cBench-v1-linux.tar.bz2");
  install->callback([o] {
    if ((!o->from.empty() || !o->manifest.empty()) && o->names.size() != 1) {
      throw InvalidArgument("--from and --manifest install one dataset; got " +
                            std::to_string(o->names.size()) + " names");
    }
    if (!o->manifest.empty() && o->from.empty()) {
      throw InvalidArgument("--manifest needs --from (a download fetches the manifest itself)");
    }
    std::vector<const RemoteDatasetInfo*> infos;
    for (const auto& n : o->names) infos.push_back(&catalogue_entry_or_throw(n));
    for (const auto* info : infos) {
      if (dataset_installed(*info)) {
        std::cout << info->name << " is already installed in "
                  << dataset_install_dir(*info).string() << "\n";
        continue;
      }
      InstallOptions opts;
      if (!o->from.empty()) opts.from_archive = o->from;
      if (!o->manifest.empty()) opts.from_manifest = o->manifest;
      install_dataset(*info, opts);
      std::cout << "Installed " << info->name << " in " << dataset_install_dir(*info).string()
                << " (" << bytes_text(installed_size_bytes(*info)) << ")\n";
    }
  });

  auto markdown = std::make_shared<bool>(false);
  auto* catalogue = datasets->add_subcommand(
      "catalogue", "List CompilerGym's suites that cgym can download, with their published facts");
  catalogue->add_flag("--markdown", *markdown, "Print the table of docs/datasets.md");
  catalogue->footer("Example:\n  cgym datasets catalogue --markdown");
  catalogue->callback([markdown] {
    auto count_text = [](uint64_t n) {
      std::string s = std::to_string(n);
      for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(i, ",");
      return s;
    };
    if (*markdown) {
      std::cout << "| dataset | envs | download | benchmarks | licence | notes |\n"
                   "|---|---|---|---|---|---|\n";
    }
    for (const auto& i : dataset_catalogue()) {
      if (i.layout == RemoteLayout::kFiles) continue;
      const std::string size = i.size_bytes ? bytes_text(i.size_bytes) : "not published";
      if (*markdown) {
        std::cout << "| `" << i.name << "` | " << join(i.envs, ", ") << " | " << size << " | "
                  << count_text(i.benchmark_count) << " | " << i.license << " | " << i.notes
                  << " |\n";
      } else {
        std::cout << pad(i.name, 30) << pad(size, 15) << pad(count_text(i.benchmark_count), 11)
                  << i.license << "\n";
      }
    }
  });

  auto names = std::make_shared<std::vector<std::string>>();
  auto* uninstall = datasets->add_subcommand("uninstall", "Remove installed benchmark suites");
  uninstall->add_option("NAME", *names, "Dataset names, e.g. cbench-v1")->required();
  uninstall->footer("Example:\n  cgym datasets uninstall cbench-v1");
  uninstall->callback([names] {
    std::vector<const RemoteDatasetInfo*> infos;
    for (const auto& n : *names) infos.push_back(&catalogue_entry_or_throw(n));
    for (const auto* info : infos) {
      if (uninstall_dataset(*info)) {
        std::cout << "Removed " << info->name << " from " << dataset_install_dir(*info).string()
                  << "\n";
      } else {
        std::cout << info->name << " was not installed\n";
      }
    }
  });
}

}  // namespace

void add_datasets_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("datasets", "List the datasets of the environments, with sizes");
  auto env_id = std::make_shared<std::string>();
  cmd->add_option("--env", *env_id, "Only the datasets of this env (see 'cgym envs')");
  cmd->footer(
      "Size is the number of benchmarks; ∞ marks a generator (any seed is a benchmark) and\n"
      "- a dataset that resolves URIs but cannot list them (file://).\n"
      "CompilerGym's suites are listed before they are installed; the first reset() on one\n"
      "of their URIs, or 'cgym datasets install NAME', downloads them.\n"
      "Examples:\n"
      "  cgym datasets\n"
      "  cgym datasets --env llvm-ic-v0\n"
      "  cgym datasets install cbench-v1\n"
      "  cgym datasets uninstall cbench-v1");
  add_install_commands(cmd);
  cmd->callback([cmd, env_id] {
    if (!cmd->get_subcommands().empty()) return;  // install / uninstall ran
    auto groups = env_groups(*env_id);
    if (groups.empty()) {
      std::cout << "(no environments can run here; see 'cgym envs')\n";
      return;
    }
    bool first = true;
    for (const auto& g : groups) {
      if (!first) std::cout << "\n";
      first = false;
      std::cout << "Datasets of " << join(g.env_ids, ", ") << ":\n";
      std::cout << "  " << pad("DATASET", 34) << pad("SIZE", 8) << "DESCRIPTION\n";
      for (const auto& d : g.env->datasets().datasets()) {
        const std::string status = status_text(*d);
        std::cout << "  " << pad(d->name(), 34) << pad(size_text(*d), 8) << d->description()
                  << (status == "-" ? "" : " [" + status + "]") << "\n";
      }
    }
  });
}

void add_benchmarks_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("benchmarks", "List the benchmark URIs of a dataset");
  struct Options {
    std::string dataset;
    std::string env_id;
    int64_t limit = -1;
  };
  auto o = std::make_shared<Options>();
  cmd->add_option("DATASET", o->dataset,
                  "A dataset name, e.g. cgym-v0 or benchmark://cgym-v0 (see 'cgym datasets')")
      ->required();
  cmd->add_option("--env", o->env_id,
                  "The env whose datasets to search (default: every env, first match)");
  cmd->add_option("--limit", o->limit,
                  "Print at most N URIs (default: all of a finite dataset, 10 of a generator)")
      ->check(non_negative_integer());
  cmd->footer(
      "Examples:\n"
      "  cgym benchmarks cgym-v0\n"
      "  cgym benchmarks benchmark://cgym-v0 --limit 5\n"
      "  cgym benchmarks generator://csmith-v0 --limit 3 --env llvm-v0");
  cmd->callback([o] {
    // Envs are made one at a time and the search stops at the first that
    // has the dataset: making every env (gcc probes its compiler) is slow.
    std::vector<std::string> ids;
    if (!o->env_id.empty()) {
      ids.push_back(o->env_id);
    } else {
      for (const auto& spec : list_envs()) ids.push_back(spec.id);
    }
    EnvPtr owner;
    DatasetPtr dataset;
    std::vector<std::string> valid;
    for (const auto& id : ids) {
      EnvPtr env;
      try {
        env = make(id);
      } catch (const std::exception&) {
        if (!o->env_id.empty()) throw;
        continue;  // cannot run here
      }
      if (auto d = env->datasets().find_dataset(o->dataset)) {
        dataset = *d;
        owner = std::move(env);
        break;
      }
      for (const auto& d : env->datasets().datasets()) valid.push_back(d->name());
    }
    if (!dataset) {
      std::sort(valid.begin(), valid.end());
      valid.erase(std::unique(valid.begin(), valid.end()), valid.end());
      throw LookupError("unknown dataset '" + o->dataset + "'" +
                        (o->env_id.empty() ? "" : " for env " + o->env_id) +
                        "; valid datasets: " + (valid.empty() ? "none" : join(valid, ", ")));
    }
    if (!dataset->enumerable()) {
      throw InvalidArgument("dataset " + dataset->name() +
                            " resolves URIs but cannot list them (it has no fixed set of "
                            "benchmarks); pass its URIs directly, e.g. to --benchmark");
    }
    uint64_t n = dataset->size();
    if (is_infinite(*dataset)) {
      const uint64_t limit = o->limit < 0 ? 10 : static_cast<uint64_t>(o->limit);
      if (o->limit < 0) {
        std::cerr << "(" << dataset->name()
                  << " is a generator with infinitely many benchmarks; showing the first " << limit
                  << ", use --limit N for more)\n";
      }
      n = limit;
    } else if (o->limit >= 0) {
      n = std::min<uint64_t>(n, static_cast<uint64_t>(o->limit));
    }
    if (n == 0) std::cerr << "(" << dataset->name() << " has no benchmarks)\n";
    for (uint64_t i = 0; i < n; ++i) std::cout << dataset->benchmark_uri(i) << "\n";
  });
}

}  // namespace cgym::cli
