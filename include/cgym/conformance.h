// The conformance checks, as a library (cgym::conformance) that a backend's
// own GoogleTest tests call on its env, the way OpenSpiel's games call its
// basic tests. cgym runs the same checks on every registered env
// (tests/conformance/).
//
//   #include "cgym/conformance.h"
//   TEST(MyCompiler, Conforms) {
//     register_my_env();
//     cgym::conformance::check_all([] { return cgym::make("mycc-v0"); }, "mycc-v0");
//   }
//
// Each check records GoogleTest failures (EXPECT_*) and returns; a check
// that cannot apply (the first action ended the episode) records nothing
// more. Link cgym::conformance (built when GoogleTest is found).
#pragma once

#include <functional>
#include <string>

#include "cgym/env.h"

namespace cgym::conformance {

/// Makes a fresh env with the options under test. A check calls it once or
/// twice (two envs must start alike).
using EnvMaker = std::function<EnvPtr()>;

/// A seeded random episode of `steps` actions: reset's and every step's
/// observation lies in its space, rewards are finite, an episode that ends
/// with an error says why, episode_walltime() is not negative.
void check_random_episode(const EnvMaker& make_env, int steps = 4);

/// A fork taken after one step has the same actions and state, and then
/// gives the same results as its parent for the same actions (observations
/// and rewards whose specs say they are deterministic); closing the fork
/// leaves the parent open.
void check_fork_equivalence(const EnvMaker& make_env, int steps = 4);

/// state() after a random episode replays on a fresh env: its command line
/// parses back to the same actions, and apply() reaches the same state
/// (same reward when the reward is deterministic).
void check_state_replay(const EnvMaker& make_env, int steps = 4);

/// Two envs given the same seeded actions give the same results.
void check_deterministic_for_the_same_seed(const EnvMaker& make_env, int steps = 4);

/// close() twice is harmless, before and after an episode.
void check_repeated_close(const EnvMaker& make_env);

/// Calls in the wrong order raise StateError, actions out of range
/// ActionOutOfRange, unknown spaces and benchmarks LookupError, a bad
/// command line an Error; make() of `env_id` + "-no-such-version" raises
/// LookupError.
void check_misuse_raises_clear_errors(const EnvMaker& make_env, const std::string& env_id);

/// Every check above.
void check_all(const EnvMaker& make_env, const std::string& env_id, int steps = 4);

}  // namespace cgym::conformance
