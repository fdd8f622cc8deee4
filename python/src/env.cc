// The Env binding (cgym._cgym.Env) and the C++ wrappers.
//
// Every call that does compiler work releases the GIL. Values cross as
// Python objects built in C++ (tuples, dicts, numpy arrays), so that
// cgym.CompilerEnv, the Python class over this one, adds nothing to step().
#include <cgym/wrappers/benchmarks.h>
#include <cgym/wrappers/commandline.h>
#include <cgym/wrappers/counter.h>
#include <cgym/wrappers/fork_on_step.h>
#include <cgym/wrappers/runtime.h>
#include <cgym/wrappers/sqlite_logger.h>
#include <cgym/wrappers/time_limit.h>
#include <cgym/wrappers/validation.h>

#include <chrono>

#include "common.h"

namespace cgym::python {

// ---- EnvBox / EnvHandle ----------------------------------------------------

EnvBox::~EnvBox() {
  if (!env) return;
  if (Py_IsInitialized() && !_Py_IsFinalizing() && PyGILState_Check()) {
    py::gil_scoped_release release;  // closing an env can take milliseconds
    env.reset();
  } else {
    env.reset();
  }
}

EnvHandle::EnvHandle(EnvPtr env) : box_(std::make_shared<EnvBox>()) {
  env_ = env.get();
  box_->env = std::move(env);
}

std::unique_ptr<EnvHandle> EnvHandle::borrowed(Env& env) {
  auto h = std::make_unique<EnvHandle>();
  h->env_ = &env;
  return h;
}

// A view inside a wrapper stack is valid while the outermost box of its
// chain still owns the stack.
static const EnvBox* owner_of(const EnvBox* b) {
  while (!b->env && b->outer) b = b->outer.get();
  return b;
}

Env* EnvHandle::get() const {
  if (env_ && box_ && !box_->env && !owner_of(box_.get())->env) return nullptr;
  return env_;
}

Env& EnvHandle::env() const {
  if (Env* e = get()) return *e;
  if (env_ && box_) {
    const std::string& to = owner_of(box_.get())->handed_to;
    throw StateError("this env was handed over to " +
                     (to.empty() ? std::string("another owner") : to) +
                     ", which owns it now: use it through that object");
  }
  throw StateError("this object holds no env (it was made without one)");
}

EnvPtr EnvHandle::hand_over(const std::string& to) {
  EnvPtr e = take(to);
  box_->handed_to = to;
  return e;
}

EnvPtr EnvHandle::take(const std::string& by) {
  if (!box_) {
    throw StateError("this env belongs to a VectorEnv, which owns it: it cannot be wrapped");
  }
  if (!box_->env) {
    throw StateError("this env is already wrapped" +
                     (box_ && !box_->taken_by.empty() ? " by " + box_->taken_by : std::string()) +
                     ": wrap the outer env instead");
  }
  box_->taken_by = by;
  return std::move(box_->env);
}

void EnvHandle::taken(const EnvHandle& outer) { box_->outer = outer.box_; }

void EnvHandle::give_back(EnvPtr env, Env* raw) {
  if (env && env.get() == raw) {
    box_->env = std::move(env);
    box_->taken_by.clear();
  } else {
    env_ = nullptr;  // it is gone: never point at it again
  }
}

std::unique_ptr<EnvHandle> EnvHandle::view(Env& inner) const {
  auto h = std::make_unique<EnvHandle>();
  h->box_ = box_;
  h->env_ = &inner;
  return h;
}

void EnvHandle::steal(EnvHandle& other) {
  box_ = std::move(other.box_);
  env_ = other.env_;
  other.env_ = nullptr;
  pending_benchmark = std::move(other.pending_benchmark);
}

EnvHandle::Use::Use(const EnvHandle& h) : h_(h) {
  if (h_.busy_.exchange(true, std::memory_order_acquire)) {
    throw StateError(
        "this env is in use by another thread: one env is used by one thread at a time "
        "(fork() it, or make one env per thread)");
  }
}

EnvHandle::Use::~Use() { h_.busy_.store(false, std::memory_order_release); }

namespace {

// Runs `f` on the env with the GIL released, then hands queued log records
// to Python.
template <typename F>
auto released(const EnvHandle& h, F&& f) {
  Env& env = h.env();
  EnvHandle::Use use(h);
  struct Drain {
    ~Drain() { drain_logs(); }
  } drain;
  py::gil_scoped_release release;
  return f(env);
}

py::object observations_list(std::vector<Observation>& obs) {
  py::list out(obs.size());
  for (size_t i = 0; i < obs.size(); ++i) out[i] = to_python(std::move(obs[i]));
  return out;
}

// (observation, reward, done, info), CompilerGym's shape: lists when extra
// spaces were asked for.
py::tuple step_tuple(StepResult&& r, bool extra_obs, bool extra_rewards) {
  py::object obs =
      extra_obs ? observations_list(r.observations) : to_python(std::move(r.observation));
  py::object reward = extra_rewards ? py::cast(r.rewards) : py::object(py::float_(r.reward));
  return py::make_tuple(std::move(obs), std::move(reward), py::bool_(r.done),
                        info_to_python(r.info));
}

std::optional<std::string> space_arg(const py::handle& v) {
  if (v.is_none()) return std::nullopt;
  if (py::isinstance<py::str>(v)) return v.cast<std::string>();
  if (py::hasattr(v, "name")) return py::str(v.attr("name")).cast<std::string>();
  throw py::type_error("expected a space name (str) or a space object, not " +
                       py::str(py::type::of(v)).cast<std::string>());
}

MakeOptions make_options(const py::kwargs& kwargs) {
  MakeOptions o;
  for (auto item : kwargs) {
    std::string key = py::str(item.first);
    py::handle v = item.second;
    if (key == "benchmark") {
      if (v.is_none()) continue;
      auto b = benchmark_arg(v);
      if (auto* s = std::get_if<std::string>(&b)) o.benchmark = *s;
      if (auto* p = std::get_if<BenchmarkPtr>(&b)) o.benchmark = (*p)->uri();
    } else if (key == "action_space") {
      o.action_space = space_arg(v);
    } else if (key == "observation_space") {
      o.observation_space = v.is_none() ? std::string() : *space_arg(v);
    } else if (key == "reward_space") {
      o.reward_space = v.is_none() ? std::string() : *space_arg(v);
    } else if (key == "isolation") {
      std::string s = py::str(v);
      if (s == "process") {
        o.isolation = Isolation::kProcess;
      } else if (s == "in_process" || s == "in-process" || s == "inprocess") {
        o.isolation = Isolation::kInProcess;
      } else {
        throw InvalidArgument("isolation must be \"in_process\" or \"process\", not \"" + s + "\"");
      }
    } else if (key == "step_timeout") {
      o.worker.step_timeout_seconds = v.cast<double>();
    } else if (key == "reset_timeout") {
      o.worker.reset_timeout_seconds = v.cast<double>();
    } else if (key == "memory_limit") {
      o.worker.memory_limit_bytes = v.cast<size_t>();
    } else if (key == "params") {
      for (auto p : v.cast<py::dict>()) {
        o.params[py::str(p.first)] = py::str(p.second);
      }
    } else {
      // Any other keyword is a backend option ({"gcc_bin": "gcc-12"}); the
      // backend rejects the ones it does not know, listing the valid keys.
      o.params[key] = py::isinstance<py::bool_>(v) ? (v.cast<bool>() ? "1" : "0")
                                                   : py::str(v).cast<std::string>();
    }
  }
  return o;
}

// A pass-through layer under every wrapper made from Python. If the
// wrapper's constructor throws (a bad flag, a bad path), the layer's
// destructor hands the env back to `rescue` instead of closing it, so that
// the Python object that was being wrapped keeps a working env.
class Lend final : public Wrapper {
 public:
  Lend(EnvPtr env, EnvPtr* rescue) : Wrapper(std::move(env)), rescue_(rescue) {}
  ~Lend() override {
    if (rescue_) *rescue_ = release_env();
  }
  void keep() { rescue_ = nullptr; }

 protected:
  std::unique_ptr<Wrapper> clone_with(EnvPtr forked_env) override {
    return std::make_unique<Lend>(std::move(forked_env), nullptr);
  }

 private:
  EnvPtr* rescue_;
};

Env& skip_lend(Env& env) {
  if (auto* l = dynamic_cast<Lend*>(&env)) return l->env();
  return env;
}

// Wraps the env of `inner` in a `W` made by `make(EnvPtr)`. On failure the
// env goes back into `inner`, untouched.
template <typename MakeFn>
std::unique_ptr<EnvHandle> wrap(EnvHandle& inner, const std::string& name, MakeFn make) {
  inner.env();  // throws for an empty handle
  EnvPtr rescue;
  EnvPtr taken = inner.take(name);
  Env* raw = taken.get();
  EnvPtr wrapped;
  try {
    auto lend = std::make_unique<Lend>(std::move(taken), &rescue);
    Lend* lend_raw = lend.get();
    wrapped = make(EnvPtr(std::move(lend)));
    lend_raw->keep();
  } catch (...) {
    inner.give_back(std::move(rescue), raw);
    throw;
  }
  auto outer = std::make_unique<EnvHandle>(std::move(wrapped));
  inner.taken(*outer);
  return outer;
}

// The C++ type of the outermost env of a handle, for cgym/_wrap.py to pick
// the matching Python class.
std::string kind_of(Env& env) {
  if (dynamic_cast<CompilerEnv*>(&env)) return "CompilerEnv";
  if (dynamic_cast<TimeLimitWrapper*>(&env)) return "TimeLimit";
  if (dynamic_cast<CommandlineWithTerminalActionWrapper*>(&env)) {
    return "CommandlineWithTerminalAction";
  }
  if (dynamic_cast<ConstrainedCommandlineWrapper*>(&env)) return "ConstrainedCommandline";
  if (dynamic_cast<IterateOverBenchmarksWrapper*>(&env)) return "IterateOverBenchmarks";
  if (dynamic_cast<CycleOverBenchmarksWrapper*>(&env)) return "CycleOverBenchmarks";
  if (dynamic_cast<RandomOrderBenchmarksWrapper*>(&env)) return "RandomOrderBenchmarks";
  if (dynamic_cast<CounterWrapper*>(&env)) return "Counter";
  if (dynamic_cast<ForkOnStepWrapper*>(&env)) return "ForkOnStep";
  if (dynamic_cast<ValidateBenchmarkAfterEveryStepWrapper*>(&env)) {
    return "ValidateBenchmarkAfterEveryStep";
  }
  if (dynamic_cast<RuntimePointEstimateRewardWrapper*>(&env)) return "RuntimePointEstimateReward";
  if (dynamic_cast<SqliteLoggerWrapper*>(&env)) return "SynchronousSqliteLogger";
  if (dynamic_cast<Wrapper*>(&env)) return "Wrapper";
  return "Env";
}

}  // namespace

void bind_env(py::module_& m) {
  py::class_<EnvHandle, std::unique_ptr<EnvHandle>> env(m, "Env", py::dynamic_attr(), R"doc(
The C++ environment. Use cgym.make(), which returns a cgym.CompilerEnv (a
subclass of this class with CompilerGym's properties).
)doc");
  env.def(py::init([](const std::string& id, py::kwargs kwargs) {
            MakeOptions options = make_options(kwargs);
            EnvPtr e;
            {
              py::gil_scoped_release release;
              e = cgym::make(id, options);
            }
            drain_logs();
            return std::make_unique<EnvHandle>(std::move(e));
          }),
          py::arg("env_id"))
      .def(py::init([](EnvHandle& core) {
             auto h = std::make_unique<EnvHandle>();
             h->steal(core);
             return h;
           }),
           py::arg("core"), "Takes over the env of `core` (which is left empty).")
      .def(
          "reset",
          [](EnvHandle& h, py::object benchmark, py::object action_space,
             py::object observation_space, py::object reward_space, py::object observation_spaces,
             py::object reward_spaces) {
            ResetOptions o;
            o.benchmark = benchmark_arg(benchmark);
            bool from_pending = false;
            if (std::holds_alternative<std::monostate>(o.benchmark) &&
                !std::holds_alternative<std::monostate>(h.pending_benchmark)) {
              o.benchmark = h.pending_benchmark;
              from_pending = true;
            }
            o.action_space = space_arg(action_space);
            if (!observation_space.is_none()) o.observation_space = *space_arg(observation_space);
            if (!reward_space.is_none()) o.reward_space = *space_arg(reward_space);
            o.extra.observation_spaces = names_arg(observation_spaces);
            o.extra.reward_spaces = names_arg(reward_spaces);
            StepResult r = released(h, [&](Env& e) { return e.reset(o); });
            if (from_pending) h.pending_benchmark = std::monostate{};
            if (!observation_spaces.is_none()) return observations_list(r.observations);
            return to_python(std::move(r.observation));
          },
          py::arg("benchmark") = py::none(), py::arg("action_space") = py::none(),
          py::arg("observation_space") = py::none(), py::arg("reward_space") = py::none(),
          py::arg("observation_spaces") = py::none(), py::arg("reward_spaces") = py::none(),
          "Starts an episode and returns the default observation (None when there is none).")
      .def(
          "step",
          [](EnvHandle& h, py::object action, py::object observation_spaces,
             py::object reward_spaces) {
            StepOptions o;
            bool extra_obs = !observation_spaces.is_none();
            bool extra_rewards = !reward_spaces.is_none();
            if (extra_obs) o.observation_spaces = names_arg(observation_spaces);
            if (extra_rewards) o.reward_spaces = names_arg(reward_spaces);
            StepResult r;
            if (PyLong_Check(action.ptr()) || PyIndex_Check(action.ptr())) {
              Action a = action.cast<Action>();
              r = released(h, [&](Env& e) { return e.step(a, o); });
            } else {
              // CompilerGym accepts a list of actions in step() too.
              if (py::isinstance<py::str>(action) || !py::isinstance<py::sequence>(action)) {
                throw py::type_error(
                    "an action is an int (an index into env.action_space) or a "
                    "list of them, not " +
                    py::str(py::type::of(action)).cast<std::string>() +
                    "; look a flag up with env.action_space[\"-mem2reg\"]");
              }
              auto actions = action.cast<std::vector<Action>>();
              r = released(h, [&](Env& e) { return e.multistep(actions, o); });
            }
            return step_tuple(std::move(r), extra_obs, extra_rewards);
          },
          py::arg("action"), py::arg("observation_spaces") = py::none(),
          py::arg("reward_spaces") = py::none(),
          "Applies one action: (observation, reward, done, info).")
      .def(
          "multistep",
          [](EnvHandle& h, std::vector<Action> actions, py::object observation_spaces,
             py::object reward_spaces) {
            StepOptions o;
            bool extra_obs = !observation_spaces.is_none();
            bool extra_rewards = !reward_spaces.is_none();
            if (extra_obs) o.observation_spaces = names_arg(observation_spaces);
            if (extra_rewards) o.reward_spaces = names_arg(reward_spaces);
            StepResult r = released(h, [&](Env& e) { return e.multistep(actions, o); });
            return step_tuple(std::move(r), extra_obs, extra_rewards);
          },
          py::arg("actions"), py::arg("observation_spaces") = py::none(),
          py::arg("reward_spaces") = py::none(),
          "Applies several actions as one step: (observation, reward, done, info).")
      .def("_fork",
           [](EnvHandle& h) {
             EnvPtr f = released(h, [](Env& e) { return e.fork(); });
             return std::make_unique<EnvHandle>(std::move(f));
           })
      .def("close",
           [](EnvHandle& h) {
             if (!h.as<Env>()) return;
             released(h, [](Env& e) {
               e.close();
               return 0;
             });
           })
      .def_property_readonly("is_closed", [](EnvHandle& h) { return h.env().is_closed(); })
      .def_property_readonly("env_id", [](EnvHandle& h) { return h.env().env_id(); })
      .def_property_readonly("compiler_version",
                             [](EnvHandle& h) { return h.env().compiler_version(); })
      .def("_action_space", [](EnvHandle& h) { return h.env().action_space(); })
      .def("_action_spaces", [](EnvHandle& h) { return h.env().action_spaces(); })
      .def("_observation_spaces", [](EnvHandle& h) { return h.env().observation_spaces(); })
      .def("_reward_spaces", [](EnvHandle& h) { return h.env().reward_spaces(); })
      .def("_observation_space", [](EnvHandle& h) { return h.env().observation_space(); })
      .def("_reward_space", [](EnvHandle& h) { return h.env().reward_space(); })
      .def("_set_observation_space",
           [](EnvHandle& h, const std::string& name) { h.env().set_observation_space(name); })
      .def("_set_reward_space",
           [](EnvHandle& h, const std::string& name) {
             released(h, [&](Env& e) {
               e.set_reward_space(name);
               return 0;
             });
           })
      .def("_observation",
           [](EnvHandle& h, const std::string& name) {
             Observation o = released(h, [&](Env& e) { return e.observation(name); });
             return to_python(std::move(o));
           })
      .def("_reward",
           [](EnvHandle& h, const std::string& name) {
             return released(h, [&](Env& e) { return e.reward(name); });
           })
      .def_property_readonly("actions", [](EnvHandle& h) { return h.env().actions(); })
      .def_property_readonly("episode_reward",
                             [](EnvHandle& h) -> py::object {
                               Env& e = h.env();
                               if (!e.reward_space()) return py::none();
                               return py::float_(e.episode_reward());
                             })
      .def_property_readonly("episode_walltime",
                             [](EnvHandle& h) { return h.env().episode_walltime(); })
      .def("_benchmark",
           [](EnvHandle& h) { return std::const_pointer_cast<Benchmark>(h.env().benchmark()); })
      .def("_set_pending_benchmark",
           [](EnvHandle& h, py::object b) { h.pending_benchmark = benchmark_arg(b); })
      .def("_pending_benchmark",
           [](EnvHandle& h) -> py::object {
             if (auto* s = std::get_if<std::string>(&h.pending_benchmark)) return py::str(*s);
             if (auto* p = std::get_if<BenchmarkPtr>(&h.pending_benchmark)) {
               return py::cast(std::const_pointer_cast<Benchmark>(*p));
             }
             return py::none();
           })
      .def("_datasets", [](EnvHandle& h) { return h.env().datasets(); })
      .def_property_readonly("in_episode", [](EnvHandle& h) { return h.env().in_episode(); })
      .def_property_readonly("state", [](EnvHandle& h) { return h.env().state(); })
      .def(
          "commandline", [](EnvHandle& h) { return h.env().commandline(); },
          "The episode's actions as the compiler's command line.")
      .def(
          "commandline_to_actions",
          [](EnvHandle& h, const std::string& commandline) {
            return h.env().from_commandline(commandline);
          },
          py::arg("commandline"), "Parses a command line into actions of the current space.")
      .def(
          "apply",
          [](EnvHandle& h, const EnvState& state) {
            released(h, [&](Env& e) { return e.apply(state); });
          },
          py::arg("state"), "Resets to the state's benchmark and replays its command line.")
      .def(
          "validate",
          [](EnvHandle& h, std::optional<EnvState> state, bool check_reward, bool check_semantics,
             bool sanitizers, int replays) {
            ValidationOptions o;
            o.check_reward = check_reward;
            o.check_semantics = check_semantics;
            o.sanitizers = sanitizers;
            o.replays = replays;
            return released(h,
                            [&](Env& e) { return state ? e.validate(*state, o) : e.validate(o); });
          },
          py::arg("state") = py::none(), py::arg("check_reward") = true,
          py::arg("check_semantics") = true, py::arg("sanitizers") = false,
          py::arg("replays") = ValidationOptions{}.replays,
          "Replays the state (default: this episode's) and checks reward and semantics.")
      .def(
          "send_session_parameter",
          [](EnvHandle& h, const std::string& key, const std::string& value) {
            return released(h, [&](Env& e) { return e.send_session_parameter(key, value); });
          },
          py::arg("key"), py::arg("value"))
      .def("_kind", [](EnvHandle& h) { return kind_of(h.env()); })
      .def("_inner",
           [](EnvHandle& h) -> std::unique_ptr<EnvHandle> {
             auto* w = h.as<Wrapper>();
             if (!w) return nullptr;
             return h.view(skip_lend(w->env()));
           })
      .def("_unwrapped", [](EnvHandle& h) -> std::unique_ptr<EnvHandle> {
        auto* w = h.as<Wrapper>();
        if (!w) return nullptr;
        return h.view(w->unwrapped());
      });
}

}  // namespace cgym::python

namespace cgym::python {

void bind_wrappers(py::module_& m) {
  using H = EnvHandle;
  m.def("_wrap_time_limit", [](H& inner, int64_t max_steps) {
    return wrap(inner, "TimeLimit", [&](EnvPtr e) { return TimeLimit(std::move(e), max_steps); });
  });
  m.def("_wrap_commandline_with_terminal_action", [](H& inner, std::string flag) {
    return wrap(inner, "CommandlineWithTerminalAction",
                [&](EnvPtr e) { return CommandlineWithTerminalAction(std::move(e), flag); });
  });
  m.def("_wrap_constrained_commandline",
        [](H& inner, std::vector<std::string> flags, std::string name) {
          return wrap(inner, "ConstrainedCommandline",
                      [&](EnvPtr e) { return ConstrainedCommandline(std::move(e), flags, name); });
        });
  m.def("_wrap_iterate_over_benchmarks", [](H& inner, std::vector<std::string> benchmarks) {
    return wrap(inner, "IterateOverBenchmarks",
                [&](EnvPtr e) { return IterateOverBenchmarks(std::move(e), benchmarks); });
  });
  m.def("_wrap_cycle_over_benchmarks", [](H& inner, std::vector<std::string> benchmarks) {
    return wrap(inner, "CycleOverBenchmarks",
                [&](EnvPtr e) { return CycleOverBenchmarks(std::move(e), benchmarks); });
  });
  m.def("_wrap_random_order_benchmarks",
        [](H& inner, std::vector<std::string> benchmarks, uint64_t seed) {
          return wrap(inner, "RandomOrderBenchmarks", [&](EnvPtr e) {
            return RandomOrderBenchmarks(std::move(e), benchmarks, seed);
          });
        });
  m.def("_wrap_counter", [](H& inner) {
    return wrap(inner, "Counter", [&](EnvPtr e) { return Counter(std::move(e)); });
  });
  m.def("_wrap_fork_on_step", [](H& inner, size_t max_depth) {
    return wrap(inner, "ForkOnStep", [&](EnvPtr e) { return ForkOnStep(std::move(e), max_depth); });
  });
  m.def("_wrap_validate_after_every_step", [](H& inner, double penalty) {
    return wrap(inner, "ValidateBenchmarkAfterEveryStep",
                [&](EnvPtr e) { return ValidateBenchmarkAfterEveryStep(std::move(e), penalty); });
  });
  m.def("_wrap_runtime_point_estimate_reward",
        [](H& inner, int runs, int warmup, const std::string& estimator) {
          Estimator est = estimator_from_string(estimator);
          return wrap(inner, "RuntimePointEstimateReward", [&](EnvPtr e) {
            return RuntimePointEstimateReward(std::move(e), runs, warmup, est);
          });
        });
  m.def("_wrap_sqlite_logger", [](H& inner, std::string path, size_t flush_every_steps,
                                  double flush_every_seconds, bool log_observations) {
    SqliteLoggerOptions o;
    o.flush_every_steps = flush_every_steps;
    o.flush_every_seconds = flush_every_seconds;
    o.log_observations = log_observations;
    return wrap(inner, "SynchronousSqliteLogger",
                [&](EnvPtr e) { return SqliteLogger(std::move(e), path, o); });
  });

  // Baselines for bench/python: the same calls timed from C++, on the same
  // env, with no Python in the loop. Seconds per call, one entry per call.
  m.def("_bench_cpp_steps", [](H& h, Action action, int n) {
    return released(h, [&](Env& e) {
      std::vector<double> out;
      out.reserve(static_cast<size_t>(n));
      for (int i = 0; i < n; ++i) {
        auto t0 = std::chrono::steady_clock::now();
        e.step(action);
        out.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      }
      return out;
    });
  });
  m.def("_bench_cpp_observations", [](H& h, const std::string& name, int n) {
    return released(h, [&](Env& e) {
      std::vector<double> out;
      out.reserve(static_cast<size_t>(n));
      for (int i = 0; i < n; ++i) {
        auto t0 = std::chrono::steady_clock::now();
        Observation o = e.observation(name);
        out.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      }
      return out;
    });
  });

  // What the Python classes show of their C++ wrapper.
  m.def("_time_limit_state", [](H& h) {
    auto* w = h.as<TimeLimitWrapper>();
    if (!w) throw InvalidArgument("not a TimeLimit env");
    return py::make_tuple(w->max_steps(), w->elapsed_steps(), w->truncated());
  });
  m.def("_counter_counts", [](H& h) {
    auto* w = h.as<CounterWrapper>();
    if (!w) throw InvalidArgument("not a Counter env");
    const auto& c = w->counts();
    py::dict d;
    d["reset"] = c.reset;
    d["step"] = c.step;
    d["multistep"] = c.multistep;
    d["fork"] = c.fork;
    d["close"] = c.close;
    d["actions"] = c.actions;
    return d;
  });
  m.def("_counter_reset_counts", [](H& h) {
    auto* w = h.as<CounterWrapper>();
    if (!w) throw InvalidArgument("not a Counter env");
    w->reset_counts();
  });
  m.def("_fork_on_step_undo", [](H& h) {
    auto* w = h.as<ForkOnStepWrapper>();
    if (!w) throw InvalidArgument("not a ForkOnStep env");
    EnvHandle::Use use(h);
    w->undo();
    return w->depth();
  });
  m.def("_fork_on_step_depth", [](H& h) {
    auto* w = h.as<ForkOnStepWrapper>();
    if (!w) throw InvalidArgument("not a ForkOnStep env");
    return w->depth();
  });
  m.def("_sqlite_flush", [](H& h) {
    auto* w = h.as<SqliteLoggerWrapper>();
    if (!w) throw InvalidArgument("not a SynchronousSqliteLogger env");
    EnvHandle::Use use(h);
    py::gil_scoped_release release;
    w->flush();
  });
  m.def("_terminal_action", [](H& h) {
    auto* w = h.as<CommandlineWithTerminalActionWrapper>();
    if (!w) throw InvalidArgument("not a CommandlineWithTerminalAction env");
    return w->terminal_action();
  });
  m.def("_wrapper_benchmarks", [](H& h) -> std::vector<std::string> {
    if (auto* w = h.as<IterateOverBenchmarksWrapper>()) return w->benchmarks();
    if (auto* w = h.as<CycleOverBenchmarksWrapper>()) return w->benchmarks();
    if (auto* w = h.as<RandomOrderBenchmarksWrapper>()) return w->benchmarks();
    throw InvalidArgument("not a benchmark-iterating env");
  });
}

}  // namespace cgym::python
