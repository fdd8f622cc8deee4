// Shared declarations of the cgym Python extension (cgym._cgym).
//
// The extension has no behaviour of its own: every call goes to the C++
// library, and this layer only converts values, releases the GIL around
// compiler work, and maps exceptions onto cgym.errors.
#pragma once

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <atomic>
#include <memory>
#include <string>

#include "cgym/cgym.h"

namespace cgym::python {

namespace py = pybind11;

// ---- env ownership ---------------------------------------------------------
//
// A Python env object holds an EnvHandle. The handle points at a C++ Env and
// keeps alive the EnvBox that owns it. When a C++ wrapper is put around the
// env (cgym.wrappers.TimeLimit(env, ...)), the wrapper takes the EnvPtr out
// of the box, and the box keeps the wrapper's own box alive through `outer`:
// the inner Python object stays a valid view of the inner env, as
// `wrapper.env` is in CompilerGym.
struct EnvBox {
  EnvPtr env;                     // null once a wrapper has taken it
  std::shared_ptr<EnvBox> outer;  // the box of the wrapper that took it
  std::string taken_by;           // that wrapper's name, for messages
  std::string handed_to;          // set when the env left for good (a VectorEnv)
  ~EnvBox();                      // destroys the env with the GIL released
};

class EnvHandle {
 public:
  EnvHandle() = default;
  explicit EnvHandle(EnvPtr env);
  /// A handle on an env owned elsewhere (a VectorEnv's); the caller keeps
  /// the owner alive (py::keep_alive).
  static std::unique_ptr<EnvHandle> borrowed(Env& env);

  /// The env. Throws StateError for a handle that holds none.
  Env& env() const;
  /// The env as a `T`, or nullptr.
  template <typename T>
  T* as() const {
    Env* e = get();
    return e ? dynamic_cast<T*>(e) : nullptr;
  }
  /// The env, or nullptr when the handle holds none or its env was handed
  /// over (see env() for the message).
  Env* get() const;
  /// Takes the owning pointer for a wrapper named `by`. Throws StateError
  /// when another wrapper already took it.
  EnvPtr take(const std::string& by);
  /// Puts back what take() returned when wrapping failed (`raw` is that
  /// env; a null `env` means it was lost and the handle becomes empty).
  void give_back(EnvPtr env, Env* raw);
  /// Takes the owning pointer for good (a VectorEnv's factory): the handle
  /// is empty afterwards, and says who has the env.
  EnvPtr hand_over(const std::string& to);
  /// Records that `outer` now owns what take() returned.
  void taken(const EnvHandle& outer);
  /// Moves `other`'s env into this handle (used by __init__(core)).
  void steal(EnvHandle& other);
  /// A handle on `inner`, an env inside this one's wrapper stack, that keeps
  /// this handle's env alive.
  std::unique_ptr<EnvHandle> view(Env& inner) const;

  /// The benchmark that the next reset() without one loads (env.benchmark = x).
  std::variant<std::monostate, std::string, BenchmarkPtr> pending_benchmark;

  /// Marks the env as in use by the calling thread for the duration of a
  /// call; a second thread gets a StateError instead of a data race.
  class Use {
   public:
    explicit Use(const EnvHandle& h);
    ~Use();
    Use(const Use&) = delete;
    Use& operator=(const Use&) = delete;

   private:
    const EnvHandle& h_;
  };

 private:
  std::shared_ptr<EnvBox> box_;
  Env* env_ = nullptr;
  mutable std::atomic<bool> busy_{false};
};

// ---- conversions -----------------------------------------------------------

/// An Observation as a Python value: numbers, str, bytes, numpy arrays that
/// own the moved C++ vector (no copy), dicts for JSON. The observation is
/// moved from.
py::object to_python(Observation&& observation);
/// A Python value as an Observation (the reverse of to_python, for envs
/// written in Python). Throws TypeError for a value that has no Observation
/// type.
Observation from_python(const py::handle& value);
/// nlohmann::json <-> Python (dict, list, str, int, float, bool, None).
py::object json_to_python(const nlohmann::json& j);
nlohmann::json python_to_json(const py::handle& value);
/// A C++ StepInfo as CompilerGym's info dict.
py::dict info_to_python(const StepInfo& info);
/// The info dict back into a StepInfo (unknown keys are ignored).
StepInfo info_from_python(const py::handle& info);
/// A Space as the matching Python space object of cgym.spaces.
py::object space_to_python(const Space& space, const std::string& name);
/// A benchmark argument: None, a URI string, or a cgym Benchmark.
std::variant<std::monostate, std::string, BenchmarkPtr> benchmark_arg(const py::handle& value);
/// A list of names from None, a str or a sequence of str.
std::vector<std::string> names_arg(const py::handle& value);

// ---- logging ---------------------------------------------------------------

/// Forwards the C++ log records queued since the last call to Python's
/// logging (logger "cgym.core"). Needs the GIL. Cheap when nothing is queued.
void drain_logs();
/// Installs the sink that queues C++ log records (removes the stderr sink).
void install_log_sink();

// ---- the parts of the module -------------------------------------------------

void bind_errors(py::module_& m);
void bind_spaces(py::module_& m);
void bind_env(py::module_& m);
void bind_data(py::module_& m);
void bind_wrappers(py::module_& m);
void bind_vector(py::module_& m);
void bind_py_env(py::module_& m);

/// A C++ Env that forwards to a Python env object (a wrapper written in
/// Python), so that a C++ wrapper can stack on top of it.
EnvPtr make_py_env(py::object env);

}  // namespace cgym::python
