// PyEnv: a C++ Env that forwards to an env object written in Python (a
// subclass of cgym.wrappers.CompilerEnvWrapper), so that a C++ wrapper can
// be stacked on top of a Python one.
//
// The calls a Python wrapper can override (reset, step, multistep, fork,
// close, the spaces it shows, observations, rewards, state, validation) go
// to the Python object, with the GIL taken. The descriptions that only the
// compiler knows (every action space, every observation and reward space,
// the datasets, the env id and compiler version) come from the C++ env at
// the bottom of the stack (`env.unwrapped`).
#include <cgym/wrappers/benchmarks.h>

#include "common.h"

namespace cgym::python {

namespace {

// A Python exception raised by the Python env, as the cgym::Error of the
// same name, so that C++ callers (wrappers, VectorEnv) see a C++ exception.
[[noreturn]] void rethrow(py::error_already_set& e) {
  std::string type = py::str(e.type().attr("__name__"));
  std::string message = py::str(e.value());
  bool from_cgym = py::str(e.type().attr("__module__")).cast<std::string>().rfind("cgym", 0) == 0;
  if (!from_cgym) message = type + ": " + message;
  if (type == "ActionOutOfRange") throw ActionOutOfRange(message);
  if (type == "LookupError") throw LookupError(message);
  if (type == "InvalidArgument" || type == "ValueError" || type == "TypeError") {
    throw InvalidArgument(message);
  }
  if (type == "StopIteration" && from_cgym) throw StopIteration(message);
  if (type == "StateError") throw StateError(message);
  if (type == "BenchmarkInitError") throw BenchmarkInitError(message);
  if (type == "EnvironmentNotSupported") throw EnvironmentNotSupported(message);
  if (type == "SessionError") throw SessionError(message);
  if (type == "ValidationError") throw ValidationError(message);
  if (type == "IoError") throw IoError(message);
  throw Error(message);
}

// Runs `f` with the GIL, turning Python exceptions into C++ ones.
template <typename F>
decltype(auto) with_gil(F&& f) {
  py::gil_scoped_acquire gil;
  try {
    return f();
  } catch (py::error_already_set& e) {
    rethrow(e);
  }
}

py::dict kwargs_of(const StepOptions& o) {
  py::dict kw;
  if (!o.observation_spaces.empty()) kw["observation_spaces"] = o.observation_spaces;
  if (!o.reward_spaces.empty()) kw["reward_spaces"] = o.reward_spaces;
  return kw;
}

StepResult step_result(const py::object& t, const StepOptions& o) {
  auto tuple = t.cast<py::tuple>();
  if (tuple.size() != 4) {
    throw InvalidArgument(
        "a Python env's step() must return (observation, reward, done, info), got " +
        std::to_string(tuple.size()) + " values");
  }
  StepResult r;
  if (o.observation_spaces.empty()) {
    r.observation = from_python(tuple[0]);
  } else {
    for (auto v : tuple[0]) r.observations.push_back(from_python(v));
  }
  if (o.reward_spaces.empty()) {
    r.reward = tuple[1].is_none() ? 0.0 : tuple[1].cast<double>();
  } else {
    r.rewards = tuple[1].cast<std::vector<double>>();
  }
  r.done = tuple[2].cast<bool>();
  r.info = info_from_python(tuple[3]);
  return r;
}

class PyEnv final : public Env {
 public:
  explicit PyEnv(py::object obj) : obj_(std::move(obj)) {
    base_obj_ = obj_.attr("unwrapped");
    base_ = &base_obj_.cast<EnvHandle&>().env();
  }
  ~PyEnv() override {
    py::gil_scoped_acquire gil;
    obj_ = py::object();
    base_obj_ = py::object();
  }

  const py::object& object() const { return obj_; }

  StepResult reset(const ResetOptions& options) override {
    return with_gil([&] {
      py::dict kw = kwargs_of(options.extra);
      if (auto* s = std::get_if<std::string>(&options.benchmark)) kw["benchmark"] = *s;
      if (auto* p = std::get_if<BenchmarkPtr>(&options.benchmark)) {
        kw["benchmark"] = std::const_pointer_cast<Benchmark>(*p);
      }
      if (options.action_space) kw["action_space"] = *options.action_space;
      if (options.observation_space) kw["observation_space"] = *options.observation_space;
      if (options.reward_space) kw["reward_space"] = *options.reward_space;
      py::object obs = obj_.attr("reset")(**kw);
      StepResult r;
      if (options.extra.observation_spaces.empty()) {
        r.observation = from_python(obs);
      } else {
        for (auto v : obs) r.observations.push_back(from_python(v));
      }
      return r;
    });
  }
  StepResult step(Action action, const StepOptions& options) override {
    return with_gil(
        [&] { return step_result(obj_.attr("step")(action, **kwargs_of(options)), options); });
  }
  StepResult multistep(std::span<const Action> actions, const StepOptions& options) override {
    return with_gil([&] {
      std::vector<Action> a(actions.begin(), actions.end());
      return step_result(obj_.attr("multistep")(a, **kwargs_of(options)), options);
    });
  }
  std::unique_ptr<Env> fork() override {
    return with_gil([&]() -> EnvPtr {
      py::object f = obj_.attr("fork")();
      if (py::isinstance<EnvHandle>(f))
        return f.cast<EnvHandle&>().hand_over("a C++ wrapper's fork");
      return std::make_unique<PyEnv>(f);
    });
  }
  void close() override {
    with_gil([&] {
      obj_.attr("close")();
      return 0;
    });
  }
  bool is_closed() const override { return base_->is_closed(); }
  std::string env_id() const override { return base_->env_id(); }
  std::string compiler_version() const override { return base_->compiler_version(); }
  const ActionSpace& action_space() const override {
    return with_gil([&]() -> const ActionSpace& {
      py::object space = obj_.attr("action_space");
      if (py::hasattr(space, "_core")) {
        action_space_ = space.attr("_core").cast<ActionSpace>();
        return *action_space_;
      }
      return base_->action_space();
    });
  }
  const std::vector<ActionSpace>& action_spaces() const override { return base_->action_spaces(); }
  const std::vector<ObservationSpaceSpec>& observation_spaces() const override {
    return base_->observation_spaces();
  }
  const ObservationSpaceSpec& observation_space_spec(const std::string& name) const override {
    return base_->observation_space_spec(name);
  }
  std::vector<RewardSpaceSpec> reward_spaces() const override { return base_->reward_spaces(); }
  std::optional<std::string> observation_space() const override {
    return named("observation_space");
  }
  std::optional<std::string> reward_space() const override { return named("reward_space"); }
  void set_observation_space(const std::string& name) override { set("observation_space", name); }
  void set_reward_space(const std::string& name) override { set("reward_space", name); }
  Observation observation(const std::string& name) override {
    return with_gil([&] { return from_python(obj_.attr("observation")[py::str(name)]); });
  }
  double reward(const std::string& name) override {
    return with_gil([&] { return obj_.attr("reward")[py::str(name)].cast<double>(); });
  }
  const std::vector<Action>& actions() const override {
    return with_gil([&]() -> const std::vector<Action>& {
      actions_ = obj_.attr("actions").cast<std::vector<Action>>();
      return actions_;
    });
  }
  double episode_reward() const override {
    return with_gil([&] {
      py::object r = obj_.attr("episode_reward");
      return r.is_none() ? 0.0 : r.cast<double>();
    });
  }
  double episode_walltime() const override {
    return with_gil([&] { return obj_.attr("episode_walltime").cast<double>(); });
  }
  BenchmarkPtr benchmark() const override { return base_->benchmark(); }
  const Datasets& datasets() const override { return base_->datasets(); }
  bool in_episode() const override {
    return with_gil([&] { return obj_.attr("in_episode").cast<bool>(); });
  }
  EnvState state() const override {
    return with_gil([&] { return obj_.attr("state").cast<EnvState>(); });
  }
  std::string commandline() const override {
    return with_gil([&] { return obj_.attr("commandline")().cast<std::string>(); });
  }
  std::vector<Action> from_commandline(std::string_view commandline) const override {
    return with_gil([&] {
      return obj_.attr("commandline_to_actions")(std::string(commandline))
          .cast<std::vector<Action>>();
    });
  }
  StepResult apply(const EnvState& state) override {
    return with_gil([&] {
      obj_.attr("apply")(state);
      return StepResult{};
    });
  }
  ValidationResult validate(const ValidationOptions& options) override {
    return with_gil([&] {
      return obj_
          .attr("validate")(py::none(), options.check_reward, options.check_semantics,
                            options.sanitizers, options.replays)
          .cast<ValidationResult>();
    });
  }
  ValidationResult validate(const EnvState& state, const ValidationOptions& options) override {
    return with_gil([&] {
      return obj_
          .attr("validate")(state, options.check_reward, options.check_semantics,
                            options.sanitizers, options.replays)
          .cast<ValidationResult>();
    });
  }
  std::string send_session_parameter(const std::string& key, const std::string& value) override {
    return with_gil(
        [&] { return obj_.attr("send_session_parameter")(key, value).cast<std::string>(); });
  }

 private:
  std::optional<std::string> named(const char* attr) const {
    return with_gil([&]() -> std::optional<std::string> {
      py::object v = obj_.attr(attr);
      if (v.is_none()) return std::nullopt;
      if (py::isinstance<py::str>(v)) return v.cast<std::string>();
      return py::str(v.attr("name")).cast<std::string>();
    });
  }
  void set(const char* attr, const std::string& name) {
    with_gil([&] {
      py::setattr(obj_, attr, name.empty() ? py::object(py::none()) : py::object(py::str(name)));
      return 0;
    });
  }

  py::object obj_;
  py::object base_obj_;
  Env* base_;
  mutable std::optional<ActionSpace> action_space_;
  mutable std::vector<Action> actions_;
};

}  // namespace

EnvPtr make_py_env(py::object env) { return std::make_unique<PyEnv>(std::move(env)); }

void bind_py_env(py::module_& m) {
  m.def(
      "_from_python",
      [](py::object env) { return std::make_unique<EnvHandle>(make_py_env(std::move(env))); },
      py::arg("env"), "A C++ env that forwards to `env`, an env written in Python.");
  m.def("_python_object", [](EnvHandle& h) -> py::object {
    if (auto* p = h.as<PyEnv>()) return p->object();
    return py::none();
  });
}

}  // namespace cgym::python
