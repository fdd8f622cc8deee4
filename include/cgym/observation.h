// Observation: the value type of every observation cgym computes.
//
// An Observation holds one of: nothing, int64, double, bool, string (text),
// bytes, int64 vector, double vector, or JSON (graphs, dicts). It is a plain
// value: copyable, comparable, cheap to move. Not thread-safe for concurrent
// mutation, like any value type.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "cgym/errors.h"

namespace cgym {

/// Raw bytes (bitcode, object files). Distinct from text so that a space can
/// say which one it produces.
struct Bytes {
  std::string data;
  bool operator==(const Bytes&) const = default;
};

/// The type tag of an Observation, in the order of its variant.
enum class ObservationType {
  kNone,
  kInt64,
  kDouble,
  kBool,
  kString,
  kBytes,
  kInt64Vector,
  kDoubleVector,
  kJson,
};

/// "int64", "double", ... for messages and documentation.
const char* to_string(ObservationType type);

class Observation {
 public:
  using Value = std::variant<std::monostate, int64_t, double, bool, std::string, Bytes,
                             std::vector<int64_t>, std::vector<double>, nlohmann::json>;

  Observation() = default;
  Observation(int64_t v) : value_(v) {}  // NOLINT: implicit by design
  Observation(int v) : value_(int64_t{v}) {}
  Observation(double v) : value_(v) {}
  Observation(bool v) : value_(v) {}
  Observation(std::string v) : value_(std::move(v)) {}
  Observation(const char* v) : value_(std::string(v)) {}
  Observation(Bytes v) : value_(std::move(v)) {}
  Observation(std::vector<int64_t> v) : value_(std::move(v)) {}
  Observation(std::vector<double> v) : value_(std::move(v)) {}
  /// JSON is explicit: nlohmann::json converts from almost anything.
  static Observation json(nlohmann::json v) {
    Observation o;
    o.value_ = std::move(v);
    return o;
  }

  ObservationType type() const { return static_cast<ObservationType>(value_.index()); }
  bool empty() const { return value_.index() == 0; }
  const Value& value() const { return value_; }

  /// The held value. Throws InvalidArgument naming both types when the
  /// observation holds something else.
  template <typename T>
  const T& as() const {
    if (auto* p = std::get_if<T>(&value_)) return *p;
    throw InvalidArgument(std::string("observation holds ") + to_string(type()) +
                          ", not the requested type");
  }
  const nlohmann::json& as_json() const { return as<nlohmann::json>(); }

  /// A scalar as a double (int64, double or bool). Throws InvalidArgument for
  /// any other type. Rewards are computed from this.
  double to_double() const;
  /// A JSON rendering: scalars as numbers, bytes as {"bytes": N}, vectors as
  /// arrays.
  nlohmann::json to_json() const;
  /// A short human-readable rendering (bytes are summarised, long text kept).
  std::string to_display_string() const;

  bool operator==(const Observation&) const = default;

  /// A compact binary encoding (MessagePack) that keeps the type exactly;
  /// used by the worker protocol and the on-disk observation cache.
  std::string serialize() const;
  /// Throws InvalidArgument for data that serialize() did not produce.
  static Observation deserialize(std::string_view data);
  /// Approximate memory held, in bytes (for cache accounting).
  size_t byte_size() const;

 private:
  Value value_;
};

}  // namespace cgym
