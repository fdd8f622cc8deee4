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
  /// The bytes.
  std::string data;
  /// Equal when the bytes are equal.
  bool operator==(const Bytes&) const = default;
};

/// The type tag of an Observation, in the order of its variant.
enum class ObservationType {
  kNone,          ///< no value (std::monostate)
  kInt64,         ///< int64_t
  kDouble,        ///< double
  kBool,          ///< bool
  kString,        ///< std::string holding text
  kBytes,         ///< Bytes
  kInt64Vector,   ///< std::vector<int64_t>
  kDoubleVector,  ///< std::vector<double>
  kJson,          ///< nlohmann::json (graphs, dicts)
};

/// "int64", "double", ... for messages and documentation.
const char* to_string(ObservationType type);

/// The value of an observation: nothing, int64, double, bool, text, bytes,
/// int64 vector, double vector or JSON. A plain value type: copyable,
/// comparable, cheap to move. Constructors are implicit on purpose, so
/// `Observation o = 42;` works.
class Observation {
 public:
  /// The held value; its index() is the ObservationType.
  using Value = std::variant<std::monostate, int64_t, double, bool, std::string, Bytes,
                             std::vector<int64_t>, std::vector<double>, nlohmann::json>;

  /// An empty observation (ObservationType::kNone).
  Observation() = default;
  /// An int64 scalar.
  Observation(int64_t v) : value_(v) {}  // NOLINT: implicit by design
  /// An int64 scalar (converted from int).
  Observation(int v) : value_(int64_t{v}) {}
  /// A double scalar.
  Observation(double v) : value_(v) {}
  /// A boolean.
  Observation(bool v) : value_(v) {}
  /// Text.
  Observation(std::string v) : value_(std::move(v)) {}
  /// Text (copied from a C string).
  Observation(const char* v) : value_(std::string(v)) {}
  /// Raw bytes.
  Observation(Bytes v) : value_(std::move(v)) {}
  /// An int64 vector.
  Observation(std::vector<int64_t> v) : value_(std::move(v)) {}
  /// A double vector.
  Observation(std::vector<double> v) : value_(std::move(v)) {}
  /// JSON is explicit: nlohmann::json converts from almost anything.
  static Observation json(nlohmann::json v) {
    Observation o;
    o.value_ = std::move(v);
    return o;
  }

  /// The type of the held value.
  ObservationType type() const { return static_cast<ObservationType>(value_.index()); }
  /// True when nothing is held (ObservationType::kNone).
  bool empty() const { return value_.index() == 0; }
  /// The held value as a variant.
  const Value& value() const { return value_; }

  /// The held value. Throws InvalidArgument naming both types when the
  /// observation holds something else.
  template <typename T>
  const T& as() const {
    if (auto* p = std::get_if<T>(&value_)) return *p;
    throw InvalidArgument(std::string("observation holds ") + to_string(type()) +
                          ", not the requested type");
  }
  /// The held JSON value; throws InvalidArgument when it holds another type.
  const nlohmann::json& as_json() const { return as<nlohmann::json>(); }

  /// A scalar as a double (int64, double or bool). Throws InvalidArgument for
  /// any other type. Rewards are computed from this.
  double to_double() const;
  /// A JSON rendering: scalars as numbers, bytes as {"bytes": N}, vectors as
  /// arrays.
  nlohmann::json to_json() const;
  /// A short human-readable rendering (bytes are summarised, long text kept).
  std::string to_display_string() const;

  /// Equal when both hold the same type and value.
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
