#include "cgym/spaces.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "cgym/errors.h"
#include "cgym/util.h"

namespace cgym {

ActionSpace::ActionSpace(std::string name, std::vector<ActionInfo> actions,
                         CommandlineFormat format)
    : name_(std::move(name)), actions_(std::move(actions)), format_(std::move(format)) {
  lookup_.reserve(actions_.size() * 2);
  for (int i = 0; i < static_cast<int>(actions_.size()); ++i) {
    const auto& a = actions_[i];
    if (a.name.empty()) {
      throw InvalidArgument("action " + std::to_string(i) + " of action space '" + name_ +
                            "' has an empty name");
    }
    if (!lookup_.emplace(a.name, i).second) {
      throw InvalidArgument("action space '" + name_ + "' has two actions named '" + a.name + "'");
    }
  }
  // Flags resolve too, unless they collide with a name (names win).
  for (int i = 0; i < static_cast<int>(actions_.size()); ++i) {
    if (!actions_[i].flag.empty()) lookup_.emplace(actions_[i].flag, i);
  }
}

const ActionInfo& ActionSpace::info(Action a) const {
  check(a);
  return actions_[a];
}

std::vector<std::string> ActionSpace::names() const {
  std::vector<std::string> out;
  out.reserve(actions_.size());
  for (const auto& a : actions_) out.push_back(a.name);
  return out;
}

void ActionSpace::check(Action a) const {
  if (contains(a)) return;
  if (actions_.empty()) {
    throw ActionOutOfRange("action " + std::to_string(a) + " is out of range: action space '" +
                           name_ + "' is empty");
  }
  throw ActionOutOfRange("action " + std::to_string(a) + " is out of range for action space '" +
                         name_ + "' with " + std::to_string(size()) +
                         " actions: valid actions are 0.." + std::to_string(size() - 1));
}

std::optional<Action> ActionSpace::find(std::string_view name_or_flag) const {
  auto it = lookup_.find(std::string(name_or_flag));
  if (it == lookup_.end()) return std::nullopt;
  return it->second;
}

Action ActionSpace::index(std::string_view name_or_flag) const {
  if (auto a = find(name_or_flag)) return *a;
  throw LookupError("unknown action '" + std::string(name_or_flag) + "' in action space '" + name_ +
                    "'; closest valid names: " + closest_matches(name_or_flag, names()));
}

Action ActionSpace::sample(Rng& rng) const {
  if (actions_.empty()) {
    throw InvalidArgument("cannot sample from the empty action space '" + name_ + "'");
  }
  std::uniform_int_distribution<int> d(0, size() - 1);
  return d(rng);
}

std::string ActionSpace::to_commandline(std::span<const Action> actions) const {
  for (Action a : actions) check(a);
  if (format_.render) return format_.render(*this, actions);
  std::string out = format_.prefix;
  for (Action a : actions) {
    if (!out.empty()) out += ' ';
    out += actions_[a].flag.empty() ? actions_[a].name : actions_[a].flag;
  }
  if (!format_.suffix.empty()) {
    if (!out.empty()) out += ' ';
    out += format_.suffix;
  }
  return out;
}

std::vector<std::string> ActionSpace::split_commandline(std::string_view text) {
  std::vector<std::string> tokens;
  std::string cur;
  bool in_token = false;
  char quote = 0;
  for (char c : text) {
    if (quote) {
      if (c == quote) {
        quote = 0;
      } else {
        cur += c;
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_token = true;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      if (in_token) tokens.push_back(std::move(cur));
      cur.clear();
      in_token = false;
    } else {
      cur += c;
      in_token = true;
    }
  }
  if (quote) throw InvalidArgument("unterminated quote in command line: " + std::string(text));
  if (in_token) tokens.push_back(std::move(cur));
  return tokens;
}

std::vector<Action> ActionSpace::from_commandline(std::string_view commandline) const {
  if (format_.parse) return format_.parse(*this, commandline);
  auto tokens = split_commandline(commandline);
  auto prefix = split_commandline(format_.prefix);
  auto suffix = split_commandline(format_.suffix);
  size_t begin = 0, end = tokens.size();
  if (!prefix.empty() && tokens.size() >= prefix.size() &&
      std::equal(prefix.begin(), prefix.end(), tokens.begin())) {
    begin = prefix.size();
  }
  if (!suffix.empty() && end - begin >= suffix.size() &&
      std::equal(suffix.begin(), suffix.end(), tokens.end() - suffix.size())) {
    end -= suffix.size();
  }
  std::vector<Action> out;
  out.reserve(end - begin);
  for (size_t i = begin; i < end; ++i) {
    auto a = find(tokens[i]);
    if (!a) {
      throw LookupError("unknown flag '" + tokens[i] + "' in command line for action space '" +
                        name_ + "'; closest valid flags: " + closest_matches(tokens[i], names()));
    }
    out.push_back(*a);
  }
  return out;
}

// ---- Space -------------------------------------------------------------------

Space Space::scalar_int(int64_t low, int64_t high) {
  Space s;
  s.kind = SpaceKind::kScalar;
  s.dtype = ObservationType::kInt64;
  s.low = low == std::numeric_limits<int64_t>::min() ? -INFINITY : static_cast<double>(low);
  s.high = high == std::numeric_limits<int64_t>::max() ? INFINITY : static_cast<double>(high);
  return s;
}

Space Space::scalar_double(double low, double high) {
  Space s;
  s.kind = SpaceKind::kScalar;
  s.dtype = ObservationType::kDouble;
  s.low = low;
  s.high = high;
  return s;
}

Space Space::boolean() {
  Space s;
  s.kind = SpaceKind::kScalar;
  s.dtype = ObservationType::kBool;
  s.low = 0;
  s.high = 1;
  return s;
}

Space Space::box_int(std::vector<int64_t> shape, int64_t low, int64_t high) {
  Space s = scalar_int(low, high);
  s.kind = SpaceKind::kBox;
  s.dtype = ObservationType::kInt64Vector;
  s.shape = std::move(shape);
  return s;
}

Space Space::box_double(std::vector<int64_t> shape, double low, double high) {
  Space s = scalar_double(low, high);
  s.kind = SpaceKind::kBox;
  s.dtype = ObservationType::kDoubleVector;
  s.shape = std::move(shape);
  return s;
}

Space Space::string(int64_t min_length, int64_t max_length) {
  Space s;
  s.kind = SpaceKind::kSequence;
  s.dtype = ObservationType::kString;
  s.min_length = min_length;
  s.max_length = max_length;
  return s;
}

Space Space::bytes(int64_t min_length, int64_t max_length) {
  Space s = string(min_length, max_length);
  s.dtype = ObservationType::kBytes;
  return s;
}

Space Space::dict() {
  Space s;
  s.kind = SpaceKind::kDict;
  s.dtype = ObservationType::kJson;
  return s;
}

namespace {

bool in_range(double v, double low, double high) { return v >= low && v <= high; }

template <typename T>
bool box_contains(const std::vector<T>& v, const Space& s) {
  if (!s.shape.empty()) {
    int64_t n = 1;
    for (auto d : s.shape) n *= d;
    if (static_cast<int64_t>(v.size()) != n) return false;
  }
  for (const auto& x : v) {
    if (!in_range(static_cast<double>(x), s.low, s.high)) return false;
  }
  return true;
}

double finite_or(double v, double fallback) { return std::isfinite(v) ? v : fallback; }

}  // namespace

bool Space::contains(const Observation& o) const {
  if (o.type() != dtype) return false;
  switch (kind) {
    case SpaceKind::kScalar:
      return in_range(o.to_double(), low, high);
    case SpaceKind::kBox:
      if (dtype == ObservationType::kInt64Vector) {
        return box_contains(o.as<std::vector<int64_t>>(), *this);
      }
      return box_contains(o.as<std::vector<double>>(), *this);
    case SpaceKind::kSequence: {
      int64_t n =
          static_cast<int64_t>(dtype == ObservationType::kString ? o.as<std::string>().size()
                                                                 : o.as<Bytes>().data.size());
      return n >= min_length && (max_length < 0 || n <= max_length);
    }
    case SpaceKind::kDict:
      return true;
  }
  return false;
}

Observation Space::sample(Rng& rng) const {
  const double lo = finite_or(low, -1e6), hi = finite_or(high, 1e6);
  auto sample_int = [&] {
    std::uniform_int_distribution<int64_t> d(static_cast<int64_t>(std::ceil(lo)),
                                             static_cast<int64_t>(std::floor(hi)));
    return d(rng);
  };
  auto sample_double = [&] {
    std::uniform_real_distribution<double> d(lo, hi);
    return d(rng);
  };
  auto length = [&](int64_t fallback_max) {
    int64_t n = 1;
    for (auto d : shape) n *= d;
    if (!shape.empty()) return n;
    std::uniform_int_distribution<int64_t> d(
        min_length, max_length < 0 ? std::max(min_length, fallback_max) : max_length);
    return d(rng);
  };
  switch (dtype) {
    case ObservationType::kInt64:
      return Observation(sample_int());
    case ObservationType::kDouble:
      return Observation(sample_double());
    case ObservationType::kBool:
      return Observation(std::bernoulli_distribution(0.5)(rng));
    case ObservationType::kInt64Vector: {
      std::vector<int64_t> v(static_cast<size_t>(length(64)));
      for (auto& x : v) x = sample_int();
      return Observation(std::move(v));
    }
    case ObservationType::kDoubleVector: {
      std::vector<double> v(static_cast<size_t>(length(64)));
      for (auto& x : v) x = sample_double();
      return Observation(std::move(v));
    }
    case ObservationType::kString:
    case ObservationType::kBytes: {
      std::string s(static_cast<size_t>(length(64)), ' ');
      std::uniform_int_distribution<int> d(32, 126);
      for (auto& c : s) c = static_cast<char>(d(rng));
      if (dtype == ObservationType::kBytes) return Observation(Bytes{std::move(s)});
      return Observation(std::move(s));
    }
    case ObservationType::kJson:
      return Observation::json(nlohmann::json::object());
    case ObservationType::kNone:
      return Observation();
  }
  return Observation();
}

std::string Space::to_string() const {
  std::ostringstream s;
  auto range = [&] {
    auto fmt = [](double v) {
      if (std::isinf(v)) return std::string(v < 0 ? "-inf" : "inf");
      std::ostringstream o;
      o << v;
      return o.str();
    };
    return fmt(low) + ".." + fmt(high);
  };
  switch (kind) {
    case SpaceKind::kScalar:
      s << "Scalar(" << cgym::to_string(dtype) << ", " << range() << ")";
      break;
    case SpaceKind::kBox: {
      s << "Box(" << (dtype == ObservationType::kInt64Vector ? "int64" : "double") << ", [";
      for (size_t i = 0; i < shape.size(); ++i) s << (i ? "," : "") << shape[i];
      if (shape.empty()) s << "*";
      s << "], " << range() << ")";
      break;
    }
    case SpaceKind::kSequence:
      s << "Sequence(" << cgym::to_string(dtype) << ", " << min_length << ".."
        << (max_length < 0 ? std::string("inf") : std::to_string(max_length)) << ")";
      break;
    case SpaceKind::kDict:
      s << "Dict(json)";
      break;
  }
  return s.str();
}

}  // namespace cgym
