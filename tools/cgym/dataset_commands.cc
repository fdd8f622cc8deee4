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
#include "cgym/commands.h"
#include "cgym/common.h"

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

}  // namespace

void add_datasets_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("datasets", "List the datasets of the environments, with sizes");
  auto env_id = std::make_shared<std::string>();
  cmd->add_option("--env", *env_id, "Only the datasets of this env (see 'cgym envs')");
  cmd->footer(
      "Size is the number of benchmarks; ∞ marks a generator (any seed is a benchmark) and\n"
      "- a dataset that resolves URIs but cannot list them (file://).\n"
      "Examples:\n"
      "  cgym datasets\n"
      "  cgym datasets --env llvm-ic-v0");
  cmd->callback([env_id] {
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
        std::cout << "  " << pad(d->name(), 34) << pad(size_text(*d), 8) << d->description()
                  << "\n";
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
