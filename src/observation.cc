#include "cgym/observation.h"

#include <sstream>

namespace cgym {

const char* to_string(ObservationType type) {
  switch (type) {
    case ObservationType::kNone: return "none";
    case ObservationType::kInt64: return "int64";
    case ObservationType::kDouble: return "double";
    case ObservationType::kBool: return "bool";
    case ObservationType::kString: return "string";
    case ObservationType::kBytes: return "bytes";
    case ObservationType::kInt64Vector: return "int64 vector";
    case ObservationType::kDoubleVector: return "double vector";
    case ObservationType::kJson: return "json";
  }
  return "unknown";
}

double Observation::to_double() const {
  switch (type()) {
    case ObservationType::kInt64: return static_cast<double>(std::get<int64_t>(value_));
    case ObservationType::kDouble: return std::get<double>(value_);
    case ObservationType::kBool: return std::get<bool>(value_) ? 1.0 : 0.0;
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
    case ObservationType::kNone: return "<none>";
    case ObservationType::kString: return std::get<std::string>(value_);
    case ObservationType::kBytes:
      return "<" + std::to_string(std::get<Bytes>(value_).data.size()) + " bytes>";
    case ObservationType::kDouble: {
      std::ostringstream s;
      s << std::get<double>(value_);
      return s.str();
    }
    case ObservationType::kBool: return std::get<bool>(value_) ? "true" : "false";
    case ObservationType::kJson: return std::get<nlohmann::json>(value_).dump(2);
    default: return to_json().dump();
  }
}

}  // namespace cgym
