#include "backends/gcc/gcc_spec.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "cgym/errors.h"

namespace cgym::gcc {

namespace {

// The JSON layout version: bump it when the parser or the probe changes
// what a spec means, so that cached specs are rebuilt.
constexpr int kJsonFormat = 2;

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    lines.push_back(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return lines;
}

std::optional<int64_t> parse_int(std::string_view s) {
  if (s.empty()) return std::nullopt;
  int64_t v = 0;
  const char* begin = s.data();
  if (*begin == '+') return std::nullopt;
  auto [ptr, ec] = std::from_chars(begin, s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  // gcc's integer options are C ints.
  if (v < -kGccIntMax - 1 || v > kGccIntMax) return std::nullopt;
  return v;
}

bool is_name(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

bool is_value(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
           c == '+';
  });
}

// "[a|b|c]" -> {a, b, c}; nullopt unless every value is well formed.
std::optional<std::vector<std::string>> parse_value_list(std::string_view s) {
  if (s.size() < 3 || s.front() != '[' || s.back() != ']') return std::nullopt;
  s = s.substr(1, s.size() - 2);
  std::vector<std::string> values;
  std::set<std::string> seen;
  while (true) {
    const size_t bar = s.find('|');
    std::string_view v = s.substr(0, bar);
    if (!is_value(v)) return std::nullopt;
    if (seen.insert(std::string(v)).second) values.emplace_back(v);
    if (bar == std::string_view::npos) break;
    s.remove_prefix(bar + 1);
  }
  return values;
}

// "<min,max>" -> {min, max}.
std::optional<std::pair<int64_t, int64_t>> parse_range(std::string_view s) {
  if (s.size() < 5 || s.front() != '<' || s.back() != '>') return std::nullopt;
  s = s.substr(1, s.size() - 2);
  const size_t comma = s.find(',');
  if (comma == std::string_view::npos) return std::nullopt;
  auto lo = parse_int(trim(s.substr(0, comma)));
  auto hi = parse_int(trim(s.substr(comma + 1)));
  if (!lo || !hi || *lo > *hi) return std::nullopt;
  return std::make_pair(*lo, *hi);
}

// The key options are sorted and deduplicated by: value forms of a name sort
// after its flag ("sched-stalled-insns" < "sched-stalled-insns=").
std::string sort_key(const GccOption& o) {
  switch (o.kind) {
    case OptionKind::kFlagEnum:
    case OptionKind::kFlagInt:
      return o.name + "=";
    default:
      return o.name;
  }
}

struct Parsed {
  std::vector<GccOption> options;
  std::vector<ExcludedOption> excluded;
  std::set<std::string> keys;

  void add(GccOption o, std::string_view text) {
    if (!keys.insert(sort_key(o)).second) {
      excluded.push_back({std::string(text), "listed twice; the first entry is kept"});
      return;
    }
    options.push_back(std::move(o));
  }
  void exclude(std::string_view text, std::string reason) {
    excluded.push_back({std::string(text), std::move(reason)});
  }
};

// Splits a -Q line into the option text and the state column.
bool split_q_line(std::string_view line, std::string_view& token, std::string_view& state) {
  line = trim(line);
  if (line.empty() || line.front() != '-') return false;
  size_t end = 0;
  while (end < line.size() && !std::isspace(static_cast<unsigned char>(line[end]))) ++end;
  token = line.substr(0, end);
  state = trim(line.substr(end));
  return true;
}

std::string description_for(const std::map<std::string, std::string>& docs,
                            std::string_view token) {
  auto it = docs.find(std::string(token));
  if (it == docs.end() || it->second == "This option lacks documentation.") return "";
  return it->second;
}

void parse_optimizers(std::string_view text, const std::map<std::string, std::string>& docs,
                      Parsed& out) {
  std::optional<size_t> olevel;
  auto add_olevel = [&](std::string value, std::string_view token) {
    if (!olevel) {
      GccOption o;
      o.kind = OptionKind::kOptLevel;
      o.name = "O";
      o.description = "Optimization level.";
      out.options.push_back(std::move(o));
      out.keys.insert("O");
      olevel = out.options.size() - 1;
    }
    auto& values = out.options[*olevel].values;
    if (std::find(values.begin(), values.end(), value) != values.end()) {
      out.exclude(token, "listed twice; the first entry is kept");
      return;
    }
    values.push_back(std::move(value));
  };

  for (std::string_view line : split_lines(text)) {
    std::string_view token, state;
    if (!split_q_line(line, token, state)) continue;
    if (!state.empty() && state.front() == '-') {
      out.exclude(token, "alias of " + std::string(state));
      continue;
    }
    if (token == "-O<number>") {
      for (const char* v : {"0", "1", "2", "3"}) add_olevel(v, token);
      continue;
    }
    if (token.size() > 2 && token.substr(0, 2) == "-O") {
      std::string_view v = token.substr(2);
      if (std::all_of(v.begin(), v.end(), [](char c) { return std::isalnum(c); })) {
        add_olevel(std::string(v), token);
        continue;
      }
    }
    if (token.size() <= 2 || token.substr(0, 2) != "-f") {
      out.exclude(token, "unrecognised");
      continue;
    }
    std::string_view body = token.substr(2);
    GccOption o;
    o.default_value = std::string(state);
    o.description = description_for(docs, token);
    const size_t eq = body.find('=');
    if (eq == std::string_view::npos) {
      if (body.substr(0, 3) == "no-") body.remove_prefix(3);
      if (!is_name(body)) {
        out.exclude(token, "unrecognised");
        continue;
      }
      o.kind = OptionKind::kFlag;
      o.name = std::string(body);
      out.add(std::move(o), token);
      continue;
    }
    std::string_view name = body.substr(0, eq), spec = body.substr(eq + 1);
    if (!is_name(name)) {
      out.exclude(token, "unrecognised");
      continue;
    }
    o.name = std::string(name);
    if (spec.empty()) {
      out.exclude(token, "takes a value whose form gcc's help does not describe");
      continue;
    }
    if (auto values = parse_value_list(spec)) {
      o.kind = OptionKind::kFlagEnum;
      o.values = std::move(*values);
      out.add(std::move(o), token);
    } else if (auto range = parse_range(spec)) {
      o.kind = OptionKind::kFlagInt;
      o.min = range->first;
      o.max = range->second;
      out.add(std::move(o), token);
    } else if (spec == "<number>") {
      o.kind = OptionKind::kFlagInt;
      auto d = parse_int(state);
      o.min = std::min<int64_t>(0, d.value_or(0));
      o.max = kGccIntMax;
      out.add(std::move(o), token);
    } else {
      out.exclude(token, "unrecognised");
    }
  }
}

// "--param=evrp-mode=[legacy|ranger] Specifies..." -> {legacy, ranger}.
std::optional<std::vector<std::string>> values_in_description(std::string_view description,
                                                              std::string_view name) {
  const std::string needle = "--param=" + std::string(name) + "=[";
  const size_t at = description.find(needle);
  if (at == std::string_view::npos) return std::nullopt;
  const size_t open = at + needle.size() - 1;
  const size_t close = description.find(']', open);
  if (close == std::string_view::npos) return std::nullopt;
  return parse_value_list(description.substr(open, close - open + 1));
}

void parse_params(std::string_view text, const std::map<std::string, std::string>& docs,
                  Parsed& out) {
  for (std::string_view line : split_lines(text)) {
    std::string_view token, state;
    if (!split_q_line(line, token, state)) continue;
    if (token.substr(0, 8) != "--param=") {
      out.exclude(token, "unrecognised");
      continue;
    }
    std::string_view body = token.substr(8);
    const size_t eq = body.find('=');
    if (eq == std::string_view::npos || !is_name(body.substr(0, eq))) {
      out.exclude(token, "unrecognised");
      continue;
    }
    std::string_view name = body.substr(0, eq), spec = body.substr(eq + 1);
    GccOption o;
    o.name = std::string(name);
    o.default_value = std::string(state);
    o.description = description_for(docs, token);
    if (auto values = parse_value_list(spec)) {
      o.kind = OptionKind::kParamEnum;
      o.values = std::move(*values);
    } else if (auto range = parse_range(spec)) {
      o.kind = OptionKind::kParamInt;
      o.min = range->first;
      o.max = range->second;
    } else if (!spec.empty()) {
      out.exclude(token, "unrecognised");
      continue;
    } else if (auto d = parse_int(state)) {
      o.kind = OptionKind::kParamInt;
      o.min = std::min<int64_t>(0, *d);
      o.max = kGccIntMax;
    } else if (state.substr(0, 13) == "[available in") {
      o.kind = OptionKind::kParamInt;
      o.min = 0;
      o.max = kGccIntMax;
    } else if (auto listed = values_in_description(o.description, name)) {
      o.kind = OptionKind::kParamEnum;
      o.values = std::move(*listed);
      // "--param=vrp1-mode=[vrp|ranger] Specifies ...": keep the sentence.
      if (o.description.rfind("--param=", 0) == 0) {
        const size_t end = o.description.find("] ");
        if (end != std::string::npos) o.description = o.description.substr(end + 2);
      }
    } else {
      out.exclude(token,
                  "its values are not listed by gcc's help (default '" + std::string(state) + "')");
      continue;
    }
    out.add(std::move(o), token);
  }
}

}  // namespace

const char* to_string(OptionKind kind) {
  switch (kind) {
    case OptionKind::kOptLevel:
      return "opt-level";
    case OptionKind::kFlag:
      return "flag";
    case OptionKind::kFlagEnum:
      return "flag-enum";
    case OptionKind::kFlagInt:
      return "flag-int";
    case OptionKind::kParamEnum:
      return "param-enum";
    case OptionKind::kParamInt:
      return "param-int";
  }
  return "?";
}

OptionKind option_kind_from_string(std::string_view text) {
  for (auto k : {OptionKind::kOptLevel, OptionKind::kFlag, OptionKind::kFlagEnum,
                 OptionKind::kFlagInt, OptionKind::kParamEnum, OptionKind::kParamInt}) {
    if (text == to_string(k)) return k;
  }
  throw InvalidArgument("unknown gcc option kind '" + std::string(text) +
                        "'; valid kinds: opt-level, flag, flag-enum, flag-int, param-enum, "
                        "param-int");
}

int64_t GccOption::size() const {
  switch (kind) {
    case OptionKind::kFlag:
      return has_negative ? 2 : 1;
    case OptionKind::kFlagInt:
    case OptionKind::kParamInt:
      return max - min + 1;
    default:
      return static_cast<int64_t>(values.size());
  }
}

std::string GccOption::display_name() const {
  switch (kind) {
    case OptionKind::kOptLevel:
      return "-O";
    case OptionKind::kFlag:
      return "-f" + name;
    case OptionKind::kFlagEnum:
    case OptionKind::kFlagInt:
      return "-f" + name + "=";
    case OptionKind::kParamEnum:
    case OptionKind::kParamInt:
      return "--param=" + name;
  }
  return name;
}

std::string GccOption::value_text(int64_t c) const {
  if (c < 0 || c >= size()) {
    throw InvalidArgument("choice " + std::to_string(c) + " is out of range for " + display_name() +
                          ": valid choices are 0.." + std::to_string(size() - 1) +
                          " (or -1 for absent)");
  }
  switch (kind) {
    case OptionKind::kOptLevel:
      return "-O" + values[c];
    case OptionKind::kFlag:
      return c == 0 ? "-f" + name : "-fno-" + name;
    case OptionKind::kFlagEnum:
      return "-f" + name + "=" + values[c];
    case OptionKind::kFlagInt:
      return "-f" + name + "=" + std::to_string(min + c);
    case OptionKind::kParamEnum:
      return "--param=" + name + "=" + values[c];
    case OptionKind::kParamInt:
      return "--param=" + name + "=" + std::to_string(min + c);
  }
  return "";
}

std::optional<int64_t> GccOption::choice_of(std::string_view text) const {
  auto index_of = [&](std::string_view prefix) -> std::optional<int64_t> {
    if (text.substr(0, prefix.size()) != prefix) return std::nullopt;
    std::string_view v = text.substr(prefix.size());
    for (size_t i = 0; i < values.size(); ++i) {
      if (values[i] == v) return static_cast<int64_t>(i);
    }
    return std::nullopt;
  };
  auto integer = [&](std::string_view prefix) -> std::optional<int64_t> {
    if (text.substr(0, prefix.size()) != prefix) return std::nullopt;
    auto v = parse_int(text.substr(prefix.size()));
    if (!v || *v < min || *v > max) return std::nullopt;
    return *v - min;
  };
  switch (kind) {
    case OptionKind::kOptLevel:
      return index_of("-O");
    case OptionKind::kFlag:
      if (text == "-f" + name) return 0;
      if (has_negative && text == "-fno-" + name) return 1;
      return std::nullopt;
    case OptionKind::kFlagEnum:
      return index_of("-f" + name + "=");
    case OptionKind::kFlagInt:
      return integer("-f" + name + "=");
    case OptionKind::kParamEnum:
      return index_of("--param=" + name + "=");
    case OptionKind::kParamInt:
      return integer("--param=" + name + "=");
  }
  return std::nullopt;
}

std::optional<size_t> GccSpec::find(std::string_view display) const {
  for (size_t i = 0; i < options.size(); ++i) {
    if (options[i].display_name() == display) return i;
  }
  return std::nullopt;
}

std::map<std::string, int> GccSpec::kind_counts() const {
  std::map<std::string, int> counts;
  for (const auto& o : options) ++counts[to_string(o.kind)];
  return counts;
}

nlohmann::json GccSpec::to_json() const {
  nlohmann::json opts = nlohmann::json::array();
  for (const auto& o : options) {
    nlohmann::json j = {{"kind", to_string(o.kind)},
                        {"name", o.name},
                        {"default", o.default_value},
                        {"description", o.description}};
    switch (o.kind) {
      case OptionKind::kFlag:
        j["has_negative"] = o.has_negative;
        break;
      case OptionKind::kFlagInt:
      case OptionKind::kParamInt:
        j["min"] = o.min;
        j["max"] = o.max;
        break;
      default:
        j["values"] = o.values;
    }
    opts.push_back(std::move(j));
  }
  nlohmann::json excl = nlohmann::json::array();
  for (const auto& e : excluded) excl.push_back({{"text", e.text}, {"reason", e.reason}});
  nlohmann::json notes = nlohmann::json::array();
  for (const auto& n : probe_notes) notes.push_back({{"option", n.option}, {"note", n.note}});
  return {{"format", kJsonFormat}, {"version", version}, {"path", path},        {"probed", probed},
          {"options", opts},       {"excluded", excl},   {"probe_notes", notes}};
}

GccSpec GccSpec::from_json(const nlohmann::json& j) {
  auto fail = [](const std::string& what) -> GccSpec {
    throw InvalidArgument("bad gcc spec JSON: " + what);
  };
  if (!j.is_object()) return fail("not an object");
  if (j.value("format", -1) != kJsonFormat) {
    return fail("format " + (j.contains("format") ? j["format"].dump() : std::string("missing")) +
                ", expected " + std::to_string(kJsonFormat));
  }
  GccSpec s;
  try {
    s.version = j.at("version").get<std::string>();
    s.path = j.at("path").get<std::string>();
    s.probed = j.at("probed").get<bool>();
    for (const auto& jo : j.at("options")) {
      GccOption o;
      o.kind = option_kind_from_string(jo.at("kind").get<std::string>());
      o.name = jo.at("name").get<std::string>();
      o.default_value = jo.value("default", "");
      o.description = jo.value("description", "");
      switch (o.kind) {
        case OptionKind::kFlag:
          o.has_negative = jo.at("has_negative").get<bool>();
          break;
        case OptionKind::kFlagInt:
        case OptionKind::kParamInt:
          o.min = jo.at("min").get<int64_t>();
          o.max = jo.at("max").get<int64_t>();
          if (o.min > o.max) return fail("option " + o.name + " has min > max");
          break;
        default:
          o.values = jo.at("values").get<std::vector<std::string>>();
          if (o.values.empty()) return fail("option " + o.name + " has no values");
      }
      s.options.push_back(std::move(o));
    }
    for (const auto& je : j.at("excluded")) {
      s.excluded.push_back({je.at("text").get<std::string>(), je.at("reason").get<std::string>()});
    }
    for (const auto& jn : j.at("probe_notes")) {
      s.probe_notes.push_back(
          {jn.at("option").get<std::string>(), jn.at("note").get<std::string>()});
    }
  } catch (const nlohmann::json::exception& e) {
    return fail(e.what());
  }
  return s;
}

std::map<std::string, std::string> parse_gcc_help_descriptions(std::string_view doc) {
  std::map<std::string, std::string> out;
  std::string current_key, current_text;
  auto flush = [&] {
    if (!current_key.empty()) out.emplace(current_key, current_text);
    current_key.clear();
    current_text.clear();
  };
  auto append = [&](std::string_view piece) {
    piece = trim(piece);
    if (piece.empty()) return;
    if (!current_text.empty() && current_text.back() != '-') current_text += ' ';
    current_text += piece;
  };
  for (std::string_view line : split_lines(doc)) {
    size_t indent = 0;
    while (indent < line.size() && line[indent] == ' ') ++indent;
    if (indent == line.size() || line[indent] == '\t') {
      if (trim(line).empty()) flush();
      continue;
    }
    if (indent == 0) {  // a heading such as "The following options ..."
      flush();
      continue;
    }
    if (indent <= 4 && line[indent] == '-') {
      flush();
      std::string_view rest = line.substr(indent);
      size_t end = 0;
      while (end < rest.size() && !std::isspace(static_cast<unsigned char>(rest[end]))) ++end;
      current_key = std::string(rest.substr(0, end));
      append(rest.substr(end));
      continue;
    }
    if (!current_key.empty()) append(line);
  }
  flush();
  return out;
}

GccSpec parse_gcc_spec(const GccHelpText& text) {
  auto docs = parse_gcc_help_descriptions(text.optimizers_doc);
  auto param_docs = parse_gcc_help_descriptions(text.params_doc);
  Parsed optimizers, params;
  parse_optimizers(text.optimizers_q, docs, optimizers);
  parse_params(text.params_q, param_docs, params);
  auto by_key = [](const GccOption& a, const GccOption& b) { return sort_key(a) < sort_key(b); };
  std::stable_sort(optimizers.options.begin(), optimizers.options.end(), by_key);
  std::stable_sort(params.options.begin(), params.options.end(), by_key);

  GccSpec spec;
  spec.version = text.version;
  spec.path = text.path;
  spec.options = std::move(optimizers.options);
  spec.options.insert(spec.options.end(), std::make_move_iterator(params.options.begin()),
                      std::make_move_iterator(params.options.end()));
  spec.excluded = std::move(optimizers.excluded);
  spec.excluded.insert(spec.excluded.end(), params.excluded.begin(), params.excluded.end());
  return spec;
}

void check_choices(const GccSpec& spec, const std::vector<int64_t>& choices) {
  if (choices.size() != spec.options.size()) {
    throw InvalidArgument("expected " + std::to_string(spec.options.size()) +
                          " choices (one per gcc option), got " + std::to_string(choices.size()));
  }
  for (size_t i = 0; i < choices.size(); ++i) {
    const auto& o = spec.options[i];
    if (choices[i] < -1 || choices[i] >= o.size()) {
      throw InvalidArgument("choice " + std::to_string(choices[i]) + " for option " +
                            std::to_string(i) + " (" + o.display_name() +
                            ") is out of range: valid choices are -1 (absent) to " +
                            std::to_string(o.size() - 1));
    }
  }
}

std::vector<std::string> choices_to_args(const GccSpec& spec, const std::vector<int64_t>& choices) {
  check_choices(spec, choices);
  std::vector<std::string> args;
  for (size_t i = 0; i < choices.size(); ++i) {
    if (choices[i] >= 0) args.push_back(spec.options[i].value_text(choices[i]));
  }
  return args;
}

std::vector<int64_t> sample_choices(const GccSpec& spec, std::mt19937_64& rng,
                                    double absent_probability) {
  std::uniform_real_distribution<double> coin(0.0, 1.0);
  std::vector<int64_t> out(spec.options.size(), -1);
  for (size_t i = 0; i < out.size(); ++i) {
    const GccOption& o = spec.options[i];
    if (coin(rng) < absent_probability) continue;
    int64_t lo = 0, hi = o.size() - 1;
    if (o.is_integer() && o.size() > 1000) {
      if (auto d = parse_int(o.default_value); d && *d >= o.min && *d <= o.max) {
        lo = std::max(o.min, *d / 2) - o.min;
        hi = std::min(o.max, 2 * *d + 10) - o.min;
      } else {
        hi = 1000;
      }
      if (lo > hi) std::swap(lo, hi);
    }
    out[i] = std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  }
  return out;
}

}  // namespace cgym::gcc
