#include "cgym/wrappers/wrapper.h"

#include "cgym/errors.h"

namespace cgym {

Wrapper::Wrapper(EnvPtr env) : env_(std::move(env)) {
  if (!env_) throw InvalidArgument("a wrapper needs an env to wrap, got a null EnvPtr");
}

Env& Wrapper::unwrapped() {
  Env* e = env_.get();
  while (auto* w = dynamic_cast<Wrapper*>(e)) e = w->env_.get();
  return *e;
}

const Env& Wrapper::unwrapped() const { return const_cast<Wrapper*>(this)->unwrapped(); }

std::unique_ptr<Env> Wrapper::fork() {
  check_open("fork");
  return clone_with(env_->fork());
}

EnvPtr Wrapper::replace_env(EnvPtr env) {
  if (!env) throw InvalidArgument("replace_env(): the new env is null");
  std::swap(env, env_);
  return env;
}

void Wrapper::check_open(const char* call) const {
  if (env_->is_closed()) {
    throw StateError(std::string(call) +
                     "() called after close(); make a new env with cgym::make(\"" + env_->env_id() +
                     "\")");
  }
}

void Wrapper::check_in_episode(const char* call) const {
  check_open(call);
  if (in_episode()) return;
  if (!benchmark())
    throw StateError(std::string(call) + "() called before reset(); call reset() first");
  throw StateError(std::string(call) +
                   "() called after the episode ended (done, or a failed step); call reset() to "
                   "start a new episode");
}

StepResult Wrapper::apply(const EnvState& state) {
  check_open("apply");
  // Every call goes through this layer's own virtuals, so that the layers
  // from here down each see an ordinary reset() and multistep().
  StepResult result = reset(ResetOptions{.benchmark = state.benchmark});
  const auto actions = from_commandline(state.commandline);
  if (actions.empty()) return result;
  return multistep(actions);
}

// ---- ActionWrapper ------------------------------------------------------------

void ActionWrapper::attach() {
  refresh_action_space();
  actions_.clear();
  for (Action a : env().actions()) {
    auto outer = reverse_action(a);
    if (!outer) {
      throw InvalidArgument("cannot wrap an episode that already took action " + std::to_string(a) +
                            " ('" + env().action_space().action_name(a) +
                            "'): it has no equivalent in action space '" + action_space().name() +
                            "'; wrap the env before reset()");
    }
    actions_.push_back(*outer);
  }
}

void ActionWrapper::refresh_action_space() {
  spaces_.front() = make_action_space(env().action_space());
}

StepResult ActionWrapper::reset(const ResetOptions& options) {
  StepResult result = env().reset(options);
  actions_.clear();
  refresh_action_space();
  return result;
}

StepResult ActionWrapper::step(Action action, const StepOptions& options) {
  check_in_episode("step");
  action_space().check(action);
  const size_t before = env().actions().size();
  StepResult result = env().step(this->action(action), options);
  if (env().actions().size() > before) actions_.push_back(action);
  if (result.info.new_action_space) refresh_action_space();
  return result;
}

StepResult ActionWrapper::multistep(std::span<const Action> actions, const StepOptions& options) {
  check_in_episode("multistep");
  for (Action a : actions) action_space().check(a);
  // A reused buffer: no allocation per step once it has grown.
  scratch_.clear();
  for (Action a : actions) scratch_.push_back(this->action(a));
  const size_t before = env().actions().size();
  StepResult result = env().multistep(scratch_, options);
  // The wrapped env may stop early (failure, end of episode).
  const size_t applied = std::min(actions.size(), env().actions().size() - before);
  actions_.insert(actions_.end(), actions.begin(), actions.begin() + applied);
  if (result.info.new_action_space) refresh_action_space();
  return result;
}

std::vector<Action> ActionWrapper::from_commandline(std::string_view commandline) const {
  std::vector<Action> actions = env().from_commandline(commandline);
  for (Action& a : actions) {
    auto outer = reverse_action(a);
    if (!outer) {
      std::string valid;
      for (const auto& info : action_space().actions()) {
        valid += (valid.empty() ? "" : ", ") + info.flag;
      }
      throw LookupError("flag '" + env().action_space().flag(a) +
                        "' of the command line is not in action space '" + action_space().name() +
                        "'; valid flags: " + valid);
    }
    a = *outer;
  }
  return actions;
}

// ---- ObservationWrapper -------------------------------------------------------

StepResult ObservationWrapper::reset(const ResetOptions& options) {
  StepResult result = env().reset(options);
  result.observation = convert_observation(result.observation);
  return result;
}

StepResult ObservationWrapper::step(Action action, const StepOptions& options) {
  StepResult result = env().step(action, options);
  result.observation = convert_observation(result.observation);
  return result;
}

StepResult ObservationWrapper::multistep(std::span<const Action> actions,
                                         const StepOptions& options) {
  StepResult result = env().multistep(actions, options);
  result.observation = convert_observation(result.observation);
  return result;
}

// ---- RewardWrapper ------------------------------------------------------------

StepResult RewardWrapper::reset(const ResetOptions& options) {
  StepResult result = env().reset(options);
  episode_reward_ = 0.0;
  last_reward_ = 0.0;
  return result;
}

void RewardWrapper::convert(StepResult& result) {
  result.reward = convert_reward(result.reward);
  last_reward_ = result.reward;
  episode_reward_ += result.reward;
}

StepResult RewardWrapper::step(Action action, const StepOptions& options) {
  StepResult result = env().step(action, options);
  convert(result);
  return result;
}

StepResult RewardWrapper::multistep(std::span<const Action> actions, const StepOptions& options) {
  StepResult result = env().multistep(actions, options);
  convert(result);
  return result;
}

double RewardWrapper::reward(const std::string& name) {
  double raw = env().reward(name);  // validates the name and the call order
  if (reward_space() && name == *reward_space()) return last_reward_;
  return raw;
}

EnvState RewardWrapper::state() const {
  EnvState s = env().state();
  if (s.reward) s.reward = episode_reward_;
  return s;
}

ValidationResult RewardWrapper::validate(const ValidationOptions& options) {
  // The wrapped env replays its own episode and checks its own reward.
  ValidationResult result = env().validate(options);
  result.state = state();
  return result;
}

ValidationResult RewardWrapper::validate(const EnvState& state, const ValidationOptions& options) {
  EnvState inner = state;
  inner.reward.reset();
  ValidationResult result = env().validate(inner, options);
  result.state = state;
  return result;
}

}  // namespace cgym
