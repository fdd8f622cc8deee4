// gcc-v0: choosing gcc's optimisation options, for C programs.
//
//   auto env = cgym::make("gcc-v0", {.params = {{"gcc_bin", "gcc-12"}}});
//   env->reset({.benchmark = "benchmark://cgym-v0/crc32"});
//   env->step(env->action_space().index("-O3"));
//   int64_t size = env->observation("obj_size").as<int64_t>();
//
// Make options (MakeOptions::params):
//   gcc_bin          the gcc to drive: a name on PATH or a path (default
//                    "gcc"). Missing: make() throws EnvironmentNotSupported
//                    naming what was looked for.
//   timeout          seconds for one gcc run (default 60); a run that takes
//                    longer ends the step with a TimeoutError.
//   memory_limit_mb  address-space limit of each gcc run (default 4096).
//   runtime_runs     timed runs per `runtime` observation (default 1).
//   runtime_warmup   untimed runs before them (default 0).
//
// The spec (options, their values, what gcc rejects) is read from gcc the
// first time a gcc is used and cached as JSON under
// site_data_dir()/gcc/<hash of version and path>.json. docs/gcc.md
// describes the spaces, the command-line format and the choices.
//
// Helpers for search algorithms that work on the choice vector, and for
// the process-wide artifact cache, follow. Thread-safety: the free
// functions are thread-safe; an Env is used by one thread at a time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "backends/gcc/actions.h"
#include "backends/gcc/artifact_cache.h"
#include "backends/gcc/gcc_spec.h"
#include "cgym/dataset.h"
#include "cgym/env.h"

namespace cgym::gcc {

/// The spec of `gcc_bin`: from memory, else from its JSON cache, else read
/// from gcc and probed (a few seconds) and written to the cache. Throws
/// EnvironmentNotSupported when gcc is missing, does not run, or does not
/// look like gcc.
std::shared_ptr<const GccSpec> load_gcc_spec(const std::string& gcc_bin = "gcc");

/// Where load_gcc_spec() caches the spec of the gcc with this `--version`
/// first line and canonical path.
std::filesystem::path spec_cache_path(const std::string& version, const std::string& path);

/// The action table of `gcc_bin` (the same one its envs use), to turn choice
/// vectors into actions (GccActionTable::actions_for_choices()).
std::shared_ptr<const GccActionTable> load_gcc_actions(const std::string& gcc_bin = "gcc");

/// Sets the whole choice vector of a gcc-v0 env's episode, through the
/// "gcc.choices" session parameter. The next observation compiles the new
/// state (or finds it in the cache); the next step's reward covers the
/// change. The env's action history is not changed, so commandline() and
/// state() keep describing the actions only; the `command_line` and
/// `choices` observations describe the choices. To record such a state as
/// a replayable EnvState, reset and multistep(actions_for_choices(...)).
/// Throws InvalidArgument for a vector of the wrong length or a choice out
/// of range, StateError outside an episode, LookupError for an env that is
/// not gcc-v0.
void set_choices(Env& env, const std::vector<int64_t>& choices);
/// The `choices` observation.
std::vector<int64_t> get_choices(Env& env);

/// The artifact cache's counters (hits, misses, hit rate, bytes) for every
/// gcc-v0 env of the process.
ArtifactCacheStats artifact_cache_stats();
/// Clears the counters (not the entries).
void reset_artifact_cache_stats();
/// Drops every cached artifact (e.g. to time cold compiles).
void clear_artifact_cache();

/// The datasets of gcc-v0 envs: cgym::gcc_datasets() (bundled C suite,
/// csmith-v0 as C, file:// C files, user-v0, clang-v0).
std::shared_ptr<const Datasets> env_datasets();

}  // namespace cgym::gcc
