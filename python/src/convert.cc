// Conversions between cgym's C++ values and Python values.
#include <pybind11/numpy.h>

#include "common.h"

namespace cgym::python {

namespace {

// A numpy array that owns `v`: the vector is moved to the heap and freed by
// the array's base capsule, so the data is never copied.
template <typename T>
py::array owning_array(std::vector<T>&& v) {
  auto* heap = new std::vector<T>(std::move(v));
  py::capsule owner(heap, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>({static_cast<py::ssize_t>(heap->size())}, {sizeof(T)}, heap->data(), owner);
}

}  // namespace

py::object json_to_python(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::null:
      return py::none();
    case nlohmann::json::value_t::boolean:
      return py::bool_(j.get<bool>());
    case nlohmann::json::value_t::number_integer:
      return py::int_(j.get<int64_t>());
    case nlohmann::json::value_t::number_unsigned:
      return py::int_(j.get<uint64_t>());
    case nlohmann::json::value_t::number_float:
      return py::float_(j.get<double>());
    case nlohmann::json::value_t::string:
      return py::str(j.get_ref<const std::string&>());
    case nlohmann::json::value_t::array: {
      py::list out(j.size());
      size_t i = 0;
      for (const auto& e : j) out[i++] = json_to_python(e);
      return out;
    }
    case nlohmann::json::value_t::object: {
      py::dict out;
      for (auto it = j.begin(); it != j.end(); ++it)
        out[py::str(it.key())] = json_to_python(it.value());
      return out;
    }
    case nlohmann::json::value_t::binary: {
      const auto& b = j.get_binary();
      return py::bytes(reinterpret_cast<const char*>(b.data()), b.size());
    }
    default:
      return py::none();
  }
}

nlohmann::json python_to_json(const py::handle& value) {
  if (value.is_none()) return nullptr;
  if (py::isinstance<py::bool_>(value)) return value.cast<bool>();
  if (py::isinstance<py::int_>(value)) return value.cast<int64_t>();
  if (py::isinstance<py::float_>(value)) return value.cast<double>();
  if (py::isinstance<py::str>(value)) return value.cast<std::string>();
  if (py::isinstance<py::dict>(value)) {
    nlohmann::json out = nlohmann::json::object();
    for (auto item : value.cast<py::dict>()) {
      out[py::str(item.first).cast<std::string>()] = python_to_json(item.second);
    }
    return out;
  }
  if (py::isinstance<py::array>(value)) return python_to_json(value.attr("tolist")());
  if (py::isinstance<py::list>(value) || py::isinstance<py::tuple>(value)) {
    nlohmann::json out = nlohmann::json::array();
    for (auto e : value) out.push_back(python_to_json(e));
    return out;
  }
  // numpy scalars and other numbers.
  if (py::hasattr(value, "item")) return python_to_json(value.attr("item")());
  throw py::type_error("cannot convert a " + py::str(py::type::of(value)).cast<std::string>() +
                       " to JSON: use dict, list, str, int, float, bool or None");
}

py::object to_python(Observation&& o) {
  // The variant is moved from; the Observation is left holding moved-from
  // values, which the caller discards.
  auto& v = const_cast<Observation::Value&>(o.value());
  switch (o.type()) {
    case ObservationType::kNone:
      return py::none();
    case ObservationType::kInt64:
      return py::int_(std::get<int64_t>(v));
    case ObservationType::kDouble:
      return py::float_(std::get<double>(v));
    case ObservationType::kBool:
      return py::bool_(std::get<bool>(v));
    case ObservationType::kString:
      return py::str(std::get<std::string>(v));
    case ObservationType::kBytes:
      return py::bytes(std::get<Bytes>(v).data);
    case ObservationType::kInt64Vector:
      return owning_array(std::move(std::get<std::vector<int64_t>>(v)));
    case ObservationType::kDoubleVector:
      return owning_array(std::move(std::get<std::vector<double>>(v)));
    case ObservationType::kJson:
      return json_to_python(std::get<nlohmann::json>(v));
  }
  return py::none();
}

Observation from_python(const py::handle& value) {
  if (value.is_none()) return {};
  if (py::isinstance<py::bool_>(value)) return value.cast<bool>();
  if (py::isinstance<py::int_>(value)) return value.cast<int64_t>();
  if (py::isinstance<py::float_>(value)) return value.cast<double>();
  if (py::isinstance<py::str>(value)) return value.cast<std::string>();
  if (py::isinstance<py::bytes>(value)) return Bytes{value.cast<std::string>()};
  if (py::isinstance<py::array>(value)) {
    auto a = py::reinterpret_borrow<py::array>(value);
    if (py::isinstance<py::array_t<double>>(a) || a.dtype().kind() == 'f') {
      auto d = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(a);
      return std::vector<double>(d.data(), d.data() + d.size());
    }
    if (a.dtype().kind() == 'i' || a.dtype().kind() == 'u' || a.dtype().kind() == 'b') {
      auto d = py::array_t<int64_t, py::array::c_style | py::array::forcecast>::ensure(a);
      return std::vector<int64_t>(d.data(), d.data() + d.size());
    }
  }
  if (py::isinstance<py::dict>(value) || py::isinstance<py::list>(value) ||
      py::isinstance<py::tuple>(value)) {
    return Observation::json(python_to_json(value));
  }
  if (py::hasattr(value, "item")) return from_python(value.attr("item")());
  throw py::type_error("an observation of type " +
                       py::str(py::type::of(value)).cast<std::string>() +
                       " cannot be passed to C++: use int, float, bool, str, bytes, a numpy "
                       "array, or a dict/list of those");
}

py::dict info_to_python(const StepInfo& info) {
  // On every step: interned keys and the bool singletons, no temporaries.
  static PyObject* const k_no_effect = PyUnicode_InternFromString("action_had_no_effect");
  static PyObject* const k_new_space = PyUnicode_InternFromString("new_action_space");
  static PyObject* const k_truncated = PyUnicode_InternFromString("truncated");
  auto flag = [](bool b) { return b ? Py_True : Py_False; };
  py::dict d;
  PyDict_SetItem(d.ptr(), k_no_effect, flag(info.action_had_no_effect));
  PyDict_SetItem(d.ptr(), k_new_space, flag(info.new_action_space));
  PyDict_SetItem(d.ptr(), k_truncated, flag(info.truncated));
  if (info.failed()) {
    d["error_type"] = info.error_type;
    d["error_details"] = info.error_details;
  }
  return d;
}

StepInfo info_from_python(const py::handle& value) {
  StepInfo info;
  if (!py::isinstance<py::dict>(value)) return info;
  auto d = py::reinterpret_borrow<py::dict>(value);
  auto flag = [&](const char* key) { return d.contains(key) && py::bool_(d[key]).cast<bool>(); };
  info.action_had_no_effect = flag("action_had_no_effect");
  info.new_action_space = flag("new_action_space");
  info.truncated = flag("truncated") || flag("TimeLimit.truncated");
  if (d.contains("error_type") && !d["error_type"].is_none()) {
    info.error_type = py::str(d["error_type"]).cast<std::string>();
  }
  if (d.contains("error_details") && !d["error_details"].is_none()) {
    info.error_details = py::str(d["error_details"]).cast<std::string>();
  }
  return info;
}

py::object space_to_python(const Space& space, const std::string& name) {
  py::module_ spaces = py::module_::import("cgym.spaces");
  return spaces.attr("_from_core")(space, name);
}

std::variant<std::monostate, std::string, BenchmarkPtr> benchmark_arg(const py::handle& value) {
  if (value.is_none()) return std::monostate{};
  if (py::isinstance<py::str>(value)) return value.cast<std::string>();
  try {
    return BenchmarkPtr(value.cast<std::shared_ptr<Benchmark>>());
  } catch (const py::cast_error&) {
  }
  // pathlib.Path and other objects with a URI-like str().
  if (py::hasattr(value, "__fspath__")) {
    return "file://" + py::str(value.attr("__fspath__")()).cast<std::string>();
  }
  throw py::type_error("benchmark must be a URI string or a cgym.Benchmark, not " +
                       py::str(py::type::of(value)).cast<std::string>());
}

std::vector<std::string> names_arg(const py::handle& value) {
  std::vector<std::string> out;
  if (value.is_none()) return out;
  if (py::isinstance<py::str>(value)) {
    out.push_back(value.cast<std::string>());
    return out;
  }
  for (auto e : value) {
    // Accept space objects as well as names (CompilerGym takes both).
    if (py::isinstance<py::str>(e)) {
      out.push_back(e.cast<std::string>());
    } else if (py::hasattr(e, "name")) {
      out.push_back(py::str(e.attr("name")).cast<std::string>());
    } else {
      throw py::type_error("expected a space name (str), not " +
                           py::str(py::type::of(e)).cast<std::string>());
    }
  }
  return out;
}

}  // namespace cgym::python
