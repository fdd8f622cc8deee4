// cgym.VectorEnv: the C++ VectorEnv, with batched results as numpy arrays.
#include <pybind11/functional.h>
#include <pybind11/numpy.h>

#include <cstring>

#include "common.h"

namespace cgym::python {

namespace {

// One numpy array for a batch of observations when they all have the same
// numeric type and length (a (num_envs, length) array, or a (num_envs,)
// array of scalars); a list otherwise.
py::object stack(std::vector<Observation>& obs) {
  if (obs.empty()) return py::list();
  ObservationType t = obs[0].type();
  bool same =
      std::all_of(obs.begin(), obs.end(), [&](const Observation& o) { return o.type() == t; });
  auto as_list = [&] {
    py::list out(obs.size());
    for (size_t i = 0; i < obs.size(); ++i) out[i] = to_python(std::move(obs[i]));
    return py::object(std::move(out));
  };
  if (!same) return as_list();
  auto rows = static_cast<py::ssize_t>(obs.size());
  auto matrix = [&](auto tag) -> py::object {
    using T = decltype(tag);
    const auto& first = obs[0].as<std::vector<T>>();
    size_t n = first.size();
    for (const auto& o : obs) {
      if (o.as<std::vector<T>>().size() != n) return as_list();
    }
    py::array_t<T> out({rows, static_cast<py::ssize_t>(n)});
    T* dst = out.mutable_data();
    for (size_t i = 0; i < obs.size(); ++i) {
      std::memcpy(dst + i * n, obs[i].as<std::vector<T>>().data(), n * sizeof(T));
    }
    return out;
  };
  auto scalars = [&](auto tag) -> py::object {
    using T = decltype(tag);
    py::array_t<T> out({rows});
    T* dst = out.mutable_data();
    for (size_t i = 0; i < obs.size(); ++i) dst[i] = obs[i].as<T>();
    return out;
  };
  switch (t) {
    case ObservationType::kInt64Vector:
      return matrix(int64_t{});
    case ObservationType::kDoubleVector:
      return matrix(double{});
    case ObservationType::kInt64:
      return scalars(int64_t{});
    case ObservationType::kDouble:
      return scalars(double{});
    default:
      return as_list();
  }
}

struct PyVectorEnv {
  std::unique_ptr<VectorEnv> venv;

  ~PyVectorEnv() {
    // The workers may need the GIL (an env written in Python) to finish.
    if (venv && Py_IsInitialized() && PyGILState_Check()) {
      py::gil_scoped_release release;
      venv.reset();
    }
  }

  VectorEnv& get() {
    if (!venv) throw StateError("this VectorEnv is closed; make a new one");
    return *venv;
  }

  // (observations, rewards, dones, infos) for results in env order.
  py::tuple batch(std::vector<BatchResult>& results, bool is_reset) {
    std::vector<Observation> obs(results.size());
    py::array_t<double> rewards(static_cast<py::ssize_t>(results.size()));
    py::array_t<bool> dones(static_cast<py::ssize_t>(results.size()));
    py::list infos(results.size());
    auto* r = rewards.mutable_data();
    auto* d = dones.mutable_data();
    std::vector<std::optional<Observation>> finals(results.size());
    for (size_t i = 0; i < results.size(); ++i) {
      auto& b = results[i];
      if (is_reset) {
        obs[i] = std::move(b.reset->observation);
        r[i] = 0.0;
        d[i] = false;
        infos[i] = py::dict();
        continue;
      }
      r[i] = b.step.reward;
      d[i] = b.step.done;
      py::dict info = info_to_python(b.step.info);
      if (b.reset) {
        // Auto-reset: as in gym's vector envs, the observation is the new
        // episode's first one; the last one of the finished episode is in
        // info["final_observation"].
        info["final_observation"] = to_python(std::move(b.step.observation));
        obs[i] = std::move(b.reset->observation);
      } else {
        obs[i] = std::move(b.step.observation);
      }
      infos[i] = std::move(info);
    }
    return py::make_tuple(stack(obs), std::move(rewards), std::move(dones), std::move(infos));
  }
};

}  // namespace

void bind_vector(py::module_& m) {
  py::class_<PyVectorEnv>(m, "_VectorEnv")
      .def(py::init([](py::object factory, int num_envs, int num_threads, bool auto_reset,
                       uint64_t seed_base, std::vector<uint64_t> seeds, py::object benchmark,
                       py::object observation_space, py::object reward_space) {
             VectorEnvOptions o;
             o.num_envs = num_envs;
             o.num_threads = num_threads;
             o.auto_reset = auto_reset;
             o.seed_base = seed_base;
             o.seeds = std::move(seeds);
             o.reset_options.benchmark = benchmark_arg(benchmark);
             if (!observation_space.is_none())
               o.reset_options.observation_space = py::str(observation_space);
             if (!reward_space.is_none()) o.reset_options.reward_space = py::str(reward_space);
             // `factory(i)` returns an Env handle whose env the VectorEnv takes.
             auto make = [factory](int i) -> EnvPtr {
               py::object core = factory(i);
               return core.cast<EnvHandle&>().hand_over("a VectorEnv");
             };
             auto v = std::make_unique<PyVectorEnv>();
             v->venv = std::make_unique<VectorEnv>(make, o);
             return v;
           }),
           py::arg("factory"), py::arg("num_envs"), py::arg("num_threads") = 0,
           py::arg("auto_reset") = false, py::arg("seed_base") = 0,
           py::arg("seeds") = std::vector<uint64_t>{}, py::arg("benchmark") = py::none(),
           py::arg("observation_space") = py::none(), py::arg("reward_space") = py::none())
      .def_property_readonly("num_envs", [](PyVectorEnv& v) { return v.get().size(); })
      .def_property_readonly("num_threads", [](PyVectorEnv& v) { return v.get().num_threads(); })
      .def("__len__", [](PyVectorEnv& v) { return v.get().size(); })
      .def("seed", [](PyVectorEnv& v, int i) { return v.get().seed(i); })
      .def("reset",
           [](PyVectorEnv& v) {
             std::vector<BatchResult> results;
             {
               py::gil_scoped_release release;
               results = v.get().reset();
             }
             drain_logs();
             py::tuple t = v.batch(results, true);
             return py::object(t[0]);
           })
      .def("step",
           [](PyVectorEnv& v, std::vector<Action> actions) {
             std::vector<BatchResult> results;
             {
               py::gil_scoped_release release;
               results = v.get().step(actions);
             }
             drain_logs();
             return v.batch(results, false);
           })
      .def("send", [](PyVectorEnv& v, std::vector<Action> actions,
                      std::vector<int> env_ids) { v.get().send(actions, env_ids); })
      .def(
          "recv",
          [](PyVectorEnv& v, int min_results) {
            std::vector<BatchResult> results;
            {
              py::gil_scoped_release release;
              results = v.get().recv(min_results);
            }
            drain_logs();
            py::list ids;
            for (const auto& r : results) ids.append(r.env_id);
            py::tuple t = v.batch(results, false);
            return py::make_tuple(ids, t[0], t[1], t[2], t[3]);
          },
          py::arg("min_results") = 1)
      .def_property_readonly("outstanding", [](PyVectorEnv& v) { return v.get().outstanding(); })
      .def(
          "_env",
          [](PyVectorEnv& v, int i) {
            Env& e = v.get().env(i);
            return EnvHandle::borrowed(e);
          },
          py::keep_alive<0, 1>())
      .def("close", [](PyVectorEnv& v) {
        if (!v.venv) return;
        py::gil_scoped_release release;
        v.venv.reset();
      });
}

}  // namespace cgym::python
