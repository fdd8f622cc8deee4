// cgym._cgym: the module's entry point, the exception mapping and the
// logging bridge.
#include <spdlog/sinks/base_sink.h>

#include <deque>
#include <mutex>

#include "common.h"
#include "internal/logging.h"

namespace cgym::python {

// ---- exceptions ------------------------------------------------------------
//
// The Python classes live in cgym/errors.py (they need multiple inheritance:
// cgym.ActionOutOfRange is also a ValueError and an IndexError). A C++
// exception is raised as the class of the same name, found through
// type_name(), with the C++ message unchanged.
namespace {

void raise_as(const char* type_name, const std::string& message, py::dict attributes = {}) {
  py::module_ errors = py::module_::import("cgym.errors");
  py::object cls = py::hasattr(errors, type_name) ? errors.attr(type_name) : errors.attr("Error");
  py::object exc = cls(message);
  for (auto item : attributes) py::setattr(exc, item.first, item.second);
  PyErr_SetObject(cls.ptr(), exc.ptr());
}

void translate(std::exception_ptr p) {
  try {
    if (p) std::rethrow_exception(p);
  } catch (const VectorEnvError& e) {
    py::dict a;
    a["env_id"] = e.env_id();
    a["original_type"] = e.original_type();
    raise_as(e.type_name(), e.what(), a);
  } catch (const ProcessError& e) {
    py::dict a;
    a["argv"] = e.argv();
    a["exit_code"] = e.exit_code();
    a["stderr_tail"] = e.stderr_tail();
    raise_as(e.type_name(), e.what(), a);
  } catch (const Error& e) {
    raise_as(e.type_name(), e.what());
  }
}

}  // namespace

void bind_errors(py::module_&) { py::register_exception_translator(&translate); }

// ---- logging ---------------------------------------------------------------
//
// C++ log records are queued by a spdlog sink and handed to Python's logging
// by drain_logs(), which the bindings call with the GIL held after compiler
// work. A sink that took the GIL itself could deadlock against a Python
// thread that holds the GIL while it waits for a VectorEnv worker.
namespace {

struct Record {
  int level;  // Python logging level
  std::string message;
};

std::mutex g_log_mu;
std::deque<Record> g_log_queue;
std::atomic<bool> g_log_pending{false};

int python_level(spdlog::level::level_enum l) {
  switch (l) {
    case spdlog::level::trace:
    case spdlog::level::debug:
      return 10;
    case spdlog::level::info:
      return 20;
    case spdlog::level::warn:
      return 30;
    case spdlog::level::err:
      return 40;
    default:
      return 50;
  }
}

class QueueSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    std::lock_guard<std::mutex> lock(g_log_mu);
    if (g_log_queue.size() >= 10000) g_log_queue.pop_front();  // bounded
    g_log_queue.push_back(
        {python_level(msg.level), std::string(msg.payload.begin(), msg.payload.end())});
    g_log_pending.store(true, std::memory_order_release);
  }
  void flush_() override {}
};

}  // namespace

void drain_logs() {
  if (!g_log_pending.load(std::memory_order_acquire)) return;
  std::deque<Record> records;
  {
    std::lock_guard<std::mutex> lock(g_log_mu);
    records.swap(g_log_queue);
    g_log_pending.store(false, std::memory_order_release);
  }
  py::object log = py::module_::import("logging").attr("getLogger")("cgym.core");
  for (auto& r : records) log.attr("log")(r.level, "%s", r.message);
}

void install_log_sink() {
  auto& l = logger();
  l.sinks().clear();
  l.sinks().push_back(std::make_shared<QueueSink>());
}

}  // namespace cgym::python

PYBIND11_MODULE(_cgym, m) {
  using namespace cgym::python;
  m.doc() = "The compiled core of cgym (use the cgym package, not this module).";
  bind_errors(m);
  install_log_sink();
  bind_spaces(m);
  bind_data(m);
  bind_env(m);
  bind_wrappers(m);
  bind_vector(m);
  bind_py_env(m);

  m.def("_drain_logs", &drain_logs, "Hands queued C++ log records to Python's logging.");
  m.def(
      "_set_log_level",
      [](int python_level) {
        // Python's levels onto spdlog's: 10 debug (and below: trace), 20 info, 30 warn.
        auto level = python_level <= 5    ? spdlog::level::trace
                     : python_level <= 10 ? spdlog::level::debug
                     : python_level <= 20 ? spdlog::level::info
                     : python_level <= 30 ? spdlog::level::warn
                     : python_level <= 40 ? spdlog::level::err
                                          : spdlog::level::critical;
        cgym::logger().set_level(level);
      },
      py::arg("python_level"));
  m.def("_log_level", [] { return python_level(cgym::logger().level()); });
  m.def("list_envs", [] {
    std::vector<std::string> ids;
    for (auto& spec : cgym::list_envs()) ids.push_back(spec.id);
    return ids;
  });
  m.def("_env_specs", [] {
    py::list out;
    for (auto& spec : cgym::list_envs()) {
      py::dict d;
      d["id"] = spec.id;
      d["description"] = spec.description;
      const cgym::EnvDefaults defaults = cgym::env_defaults(spec);
      d["observation_space"] = defaults.observation_space;
      d["reward_space"] = defaults.reward_space;
      d["benchmark"] = defaults.benchmark;
      out.append(d);
    }
    return out;
  });
  m.def("builtin_backends", &cgym::builtin_backends);
  m.def("_paths", [] {
    py::dict d;
    d["cache"] = cgym::cache_dir().string();
    d["site_data"] = cgym::site_data_dir().string();
    d["transient_cache"] = cgym::transient_cache_dir().string();
    d["data"] = cgym::data_dir().string();
    return d;
  });
}
