// Counter: counts the calls made to an env.
//
//   auto env = cgym::Counter(cgym::make("llvm-v0"));
//   env->reset();
//   env->step(0);
//   env->counts().step;  // 1
#pragma once

#include <cstdint>

#include "cgym/wrappers/wrapper.h"

namespace cgym {

/// Counts calls to reset(), step(), multistep(), fork() and close() made
/// through this wrapper. Calls that throw count too, except fork(), which
/// counts once the wrapped env has forked. apply() counts as the reset()
/// and multistep() it is made of.
/// Forks: CompilerGym's Counter returns its wrapped env's fork unwrapped;
/// here every wrapper forks into its own kind, so the fork is a Counter too,
/// and it starts with a copy of the counts (the fork call that made it
/// included); the two count independently afterwards.
class CounterWrapper final : public CopyableWrapper<CounterWrapper> {
 public:
  /// The number of calls of each kind.
  struct Counts {
    int64_t reset = 0;      ///< calls to reset()
    int64_t step = 0;       ///< calls to step()
    int64_t multistep = 0;  ///< calls to multistep()
    int64_t fork = 0;       ///< successful calls to fork()
    int64_t close = 0;      ///< calls to close()
    /// Actions passed to step() and multistep().
    int64_t actions = 0;

    /// Equal when every count is equal.
    bool operator==(const Counts&) const = default;
  };

  /// Counts the calls made to `env`, starting from 0. Throws InvalidArgument
  /// when `env` is null.
  explicit CounterWrapper(EnvPtr env) : CopyableWrapper(std::move(env)) {}

  StepResult reset(const ResetOptions& options = {}) override {
    ++counts_.reset;
    return env().reset(options);
  }
  StepResult step(Action action, const StepOptions& options = {}) override {
    ++counts_.step;
    ++counts_.actions;
    return env().step(action, options);
  }
  StepResult multistep(std::span<const Action> actions, const StepOptions& options = {}) override {
    ++counts_.multistep;
    counts_.actions += static_cast<int64_t>(actions.size());
    return env().multistep(actions, options);
  }
  void close() override {
    ++counts_.close;
    env().close();
  }

  /// The counts so far.
  const Counts& counts() const { return counts_; }
  /// Sets every count back to 0.
  void reset_counts() { counts_ = Counts{}; }

 protected:
  std::unique_ptr<Wrapper> clone_with(EnvPtr forked_env) override {
    ++counts_.fork;
    return CopyableWrapper::clone_with(std::move(forked_env));
  }

 private:
  Counts counts_;
};

/// Wraps `env` in a CounterWrapper.
inline std::unique_ptr<CounterWrapper> Counter(EnvPtr env) {
  return std::make_unique<CounterWrapper>(std::move(env));
}

}  // namespace cgym
