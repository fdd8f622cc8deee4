#include "cgym/observation.h"

#include <sstream>

namespace cgym {

const char* to_string(ObservationType type) {
  switch (type) {
    case ObservationType::kNone:
      return "none";
    case ObservationType::kInt64:
      return "int64";
    case ObservationType::kDouble:
      return "double";
    case ObservationType::kBool:
      return "bool";
    case ObservationType::kString:
      return "string";
    case ObservationType::kBytes:
      return "bytes";
    case ObservationType::kInt64Vector:
      return "int64 vector";
    case ObservationType::kDoubleVector:
      return "double vector";
    case ObservationType::kJson:
      return "json";
  }
  return "unknown";
}

double Observation::to_double() const {
  switch (type()) {
    case ObservationType::kInt64:
      return static_cast<double>(std::get<int64_t>(value_));
    case ObservationType::kDouble:
      return std::get<double>(value_);
    case ObservationType::kBool:
      return std::get<bool>(value_) ? 1.0 : 0.0;
    default:
      throw InvalidArgument(std::string("observation holds ") + to_string(type()) +
                            ", not a scalar number (int64, double or bool)");
  }
}

nlohmann::json Observation::to_json() const {
  return std::visit(
      [](const auto& v) -> nlohmann::json {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return nullptr;
        } else if constexpr (std::is_same_v<T, Bytes>) {
          return nlohmann::json{{"bytes", v.data.size()}};
        } else {
          return nlohmann::json(v);
        }
      },
      value_);
}

std::string Observation::to_display_string() const {
  switch (type()) {
    case ObservationType::kNone:
      return "<none>";
    case ObservationType::kString:
      return std::get<std::string>(value_);
    case ObservationType::kBytes:
      return "<" + std::to_string(std::get<Bytes>(value_).data.size()) + " bytes>";
    case ObservationType::kDouble: {
      std::ostringstream s;
      s << std::get<double>(value_);
      return s.str();
    }
    case ObservationType::kBool:
      return std::get<bool>(value_) ? "true" : "false";
    case ObservationType::kJson:
      return std::get<nlohmann::json>(value_).dump(2);
    default:
      return to_json().dump();
  }
}

std::string Observation::serialize() const {
  nlohmann::json j;
  j["t"] = static_cast<int>(type());
  switch (type()) {
    case ObservationType::kNone:
      break;
    case ObservationType::kBytes: {
      const auto& d = std::get<Bytes>(value_).data;
      j["v"] = nlohmann::json::binary_t(std::vector<uint8_t>(d.begin(), d.end()));
      break;
    }
    case ObservationType::kString: {
      // Text may hold any bytes (e.g. IR with odd strings): keep it binary.
      const auto& d = std::get<std::string>(value_);
      j["v"] = nlohmann::json::binary_t(std::vector<uint8_t>(d.begin(), d.end()));
      break;
    }
    default:
      j["v"] = to_json();
  }
  auto bytes = nlohmann::json::to_msgpack(j);
  return std::string(bytes.begin(), bytes.end());
}

Observation Observation::deserialize(std::string_view data) {
  try {
    auto j = nlohmann::json::from_msgpack(data.begin(), data.end());
    const auto t = static_cast<ObservationType>(j.at("t").get<int>());
    auto binary = [&] {
      const auto& b = j.at("v").get_binary();
      return std::string(b.begin(), b.end());
    };
    switch (t) {
      case ObservationType::kNone:
        return Observation();
      case ObservationType::kInt64:
        return Observation(j.at("v").get<int64_t>());
      case ObservationType::kDouble:
        return Observation(j.at("v").get<double>());
      case ObservationType::kBool:
        return Observation(j.at("v").get<bool>());
      case ObservationType::kString:
        return Observation(binary());
      case ObservationType::kBytes:
        return Observation(Bytes{binary()});
      case ObservationType::kInt64Vector:
        return Observation(j.at("v").get<std::vector<int64_t>>());
      case ObservationType::kDoubleVector:
        return Observation(j.at("v").get<std::vector<double>>());
      case ObservationType::kJson:
        return json(j.at("v"));
    }
  } catch (const nlohmann::json::exception& e) {
    throw InvalidArgument(std::string("cannot decode a serialized observation: ") + e.what());
  }
  throw InvalidArgument("cannot decode a serialized observation: unknown type tag");
}

size_t Observation::byte_size() const {
  switch (type()) {
    case ObservationType::kString:
      return sizeof(*this) + std::get<std::string>(value_).size();
    case ObservationType::kBytes:
      return sizeof(*this) + std::get<Bytes>(value_).data.size();
    case ObservationType::kInt64Vector:
      return sizeof(*this) + 8 * std::get<std::vector<int64_t>>(value_).size();
    case ObservationType::kDoubleVector:
      return sizeof(*this) + 8 * std::get<std::vector<double>>(value_).size();
    case ObservationType::kJson:
      return sizeof(*this) + std::get<nlohmann::json>(value_).dump().size();
    default:
      return sizeof(*this);
  }
}

}  // namespace cgym
