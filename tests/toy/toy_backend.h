// A test-only backend: the "program" is an integer counter and actions edit
// it. It exercises every feature of the core: spaces, lazy cached
// observations, the three reward formulas, forks, failures, end of episode
// and a dynamic action space.
//
// Benchmarks: benchmark://toy-v0/<start>?target=<t> (start and target are
// integers; target defaults to 10). Size 10 (starts 0..9) for iteration.
// With ?segfault=1 or ?hang=1 the "inc" action crashes or hangs the whole
// process (for the worker-isolation tests only).
// Actions (space "toy"): inc, dec, double, noop, zero, crash (throws a
// SessionError), end (ends the episode), more (switches to the action space
// "toy-more", which adds "triple").
// Observations: value (int64), distance (|target - value|), distance_o0
// (the distance at the start, benchmark-constant), distance_oz (half of it,
// benchmark-constant), history (string), features (int64[2] = value, steps),
// ratio (double), expensive (string, shared_cacheable; the session's
// state_hash() is the value).
// Param (MakeOptions::params) toy.nondeterministic_action=<action name>:
// that action adds 0 or 1 more, alternately from one application to the
// next in the process, and is marked ActionInfo::deterministic = false (for
// the validation tests).
// Rewards: Distance (delta), DistanceNorm (normalised by distance_o0),
// DistanceOz (improvement relative to distance_oz).
#pragma once

#include <atomic>
#include <string>

#include "cgym/cgym.h"

namespace cgym::toy {

/// Registers "toy-v0" (no default observation/reward) and "toy-reward-v0"
/// (observation "features", reward "DistanceOz") in the global registry.
/// Idempotent.
void register_toy_envs();

/// Counts compute_observation() calls, for caching tests.
std::atomic<int>& observation_computations();

/// The env config, for tests that build a CompilerEnv directly.
CompilerEnvConfig toy_config(const std::string& id);

}  // namespace cgym::toy
