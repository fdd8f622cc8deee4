#include "backends/gcc/actions.h"

#include <algorithm>

#include "cgym/errors.h"
#include "cgym/subprocess.h"
#include "cgym/util.h"

namespace cgym::gcc {

namespace {

constexpr int64_t kSmallOption = 10;

std::string range_text(const GccOption& o) {
  if (o.is_integer()) return std::to_string(o.min) + ".." + std::to_string(o.max);
  return std::to_string(o.size()) + " values";
}

// The driver words a rendered or hand-written gcc command line may hold
// besides the options: skipped when parsing. Returns how many tokens to
// skip (0: not a driver word).
size_t driver_word(const std::vector<std::string>& tokens, size_t i) {
  const std::string& t = tokens[i];
  if (t.empty() || t[0] != '-') return 1;  // the program or a file name
  if (t == "-o") return i + 1 < tokens.size() ? 2 : 1;
  if (t == "-w" || t == "-c" || t == "-S" || t == "-E") return 1;
  for (const char* p : {"-I", "-D", "-U"}) {
    if (t == p) return i + 1 < tokens.size() ? 2 : 1;
    if (t.rfind(p, 0) == 0) return 1;
  }
  return 0;
}

std::string value_description(const GccOption& o, int64_t c) {
  const std::string about = o.description.empty() ? "." : ": " + o.description;
  switch (o.kind) {
    case OptionKind::kOptLevel:
      return "Set the optimization level to " + o.value_text(c) + ".";
    case OptionKind::kFlag:
      return (c == 0 ? "Enable " : "Disable ") + o.display_name() + about;
    default: {
      const std::string text = o.value_text(c);
      const size_t eq = text.rfind('=');
      return "Set " + text.substr(0, eq) + " to " + text.substr(eq + 1) + about;
    }
  }
}

}  // namespace

GccActionTable::GccActionTable(std::shared_ptr<const GccSpec> spec) : spec_(std::move(spec)) {
  const auto& options = spec_->options;
  by_option_.resize(options.size());
  for (size_t i = 0; i < options.size(); ++i) {
    const GccOption& o = options[i];
    const int64_t n = o.size();
    const std::string about = o.description.empty() ? "" : " " + o.description;
    if (o.is_integer()) {
      prefix_index_[o.value_text(0).substr(0, o.value_text(0).rfind('=') + 1)] = i;
    } else {
      for (int64_t c = 0; c < n; ++c) value_index_[o.value_text(c)] = {i, c};
    }
    if (n < kSmallOption) {
      for (int64_t c = 0; c < n; ++c) {
        by_option_[i].push_back(static_cast<Action>(actions_.size()));
        actions_.push_back({i, true, c});
        infos_.push_back({o.value_text(c), o.value_text(c), value_description(o, c)});
      }
      continue;
    }
    for (int64_t step : {1, 10, 100, 1000}) {
      if (n < step * 5 && step > 1) break;  // CompilerGym: 10 at 50, 100 at 500, 1000 at 5000
      for (int64_t amount : {step, -step}) {
        const std::string name =
            o.display_name() + "[" + (amount > 0 ? "+" : "") + std::to_string(amount) + "]";
        by_option_[i].push_back(static_cast<Action>(actions_.size()));
        actions_.push_back({i, false, amount});
        infos_.push_back({name, name,
                          std::string(amount > 0 ? "Increase" : "Decrease") + " the value of " +
                              o.display_name() + " by " + std::to_string(step) + " (range " +
                              range_text(o) + "; absent counts as one below the smallest value)." +
                              about});
      }
    }
  }
}

bool GccActionTable::apply(Action a, std::vector<int64_t>& choices) const {
  const GccAction& act = actions_[static_cast<size_t>(a)];
  int64_t& c = choices[act.option];
  const int64_t before = c;
  if (act.set) {
    c = act.amount;
  } else {
    const int64_t last = spec_->options[act.option].size() - 1;
    c = std::clamp<int64_t>(c + act.amount, -1, last);
  }
  return c != before;
}

std::vector<int64_t> GccActionTable::replay(std::span<const Action> actions) const {
  std::vector<int64_t> choices(spec_->options.size(), -1);
  for (Action a : actions) {
    if (a < 0 || static_cast<size_t>(a) >= actions_.size()) {
      throw ActionOutOfRange("action " + std::to_string(a) +
                             " is out of range: valid actions are 0.." +
                             std::to_string(actions_.size() - 1));
    }
    apply(a, choices);
  }
  return choices;
}

std::vector<Action> GccActionTable::actions_to(size_t option, int64_t from, int64_t to) const {
  const GccOption& o = spec_->options.at(option);
  if (to < -1 || to >= o.size()) {
    throw InvalidArgument("choice " + std::to_string(to) + " is out of range for " +
                          o.display_name() + ": valid choices are -1.." +
                          std::to_string(o.size() - 1));
  }
  if (from == to) return {};
  if (o.size() < kSmallOption) {
    if (to < 0) {
      throw InvalidArgument(o.display_name() +
                            " cannot go back to absent through actions: no action removes a "
                            "small option; start a new episode instead");
    }
    return {by_option_[option][static_cast<size_t>(to)]};
  }
  // Largest steps first, never overshooting, so that clamping at either end
  // never changes the result.
  std::vector<Action> out;
  int64_t d = to - from;
  const auto& incs = by_option_[option];  // +1,-1,+10,-10,...
  for (size_t k = incs.size(); k >= 2; k -= 2) {
    const int64_t step = actions_[incs[k - 2]].amount;
    const Action up = incs[k - 2], down = incs[k - 1];
    while (d >= step) {
      out.push_back(up);
      d -= step;
    }
    while (d <= -step) {
      out.push_back(down);
      d += step;
    }
  }
  return out;
}

std::vector<Action> GccActionTable::actions_for_choices(const std::vector<int64_t>& choices) const {
  check_choices(*spec_, choices);
  std::vector<Action> out;
  for (size_t i = 0; i < choices.size(); ++i) {
    auto a = actions_to(i, -1, choices[i]);
    out.insert(out.end(), a.begin(), a.end());
  }
  return out;
}

std::optional<std::pair<size_t, int64_t>> GccActionTable::lookup_value(
    std::string_view text) const {
  if (auto it = value_index_.find(std::string(text)); it != value_index_.end()) return it->second;
  const size_t eq = text.rfind('=');
  if (eq == std::string_view::npos) return std::nullopt;
  auto it = prefix_index_.find(std::string(text.substr(0, eq + 1)));
  if (it == prefix_index_.end()) return std::nullopt;
  if (auto c = spec_->options[it->second].choice_of(text)) return std::make_pair(it->second, *c);
  return std::nullopt;
}

ActionSpace GccActionTable::make_action_space(const std::string& program) const {
  // The format holds a pointer to this table's data through a shared copy,
  // so that the space stays valid however long it lives.
  auto self = std::make_shared<GccActionTable>(*this);
  CommandlineFormat format;
  format.prefix = program;
  format.suffix = "-w -c input.c -o output.o";
  // Reads the gcc form (mixed with action names): the actions that
  // reproduce the choices it describes.
  auto parse_gcc_form = [self](const ActionSpace& space, const std::vector<std::string>& tokens) {
    std::vector<Action> out;
    std::vector<int64_t> choices(self->spec().options.size(), -1);
    size_t i = 0;
    while (i < tokens.size()) {
      const std::string& t = tokens[i];
      if (auto a = space.find(t)) {
        out.push_back(*a);
        self->apply(*a, choices);
        ++i;
        continue;
      }
      if (size_t skip = driver_word(tokens, i)) {
        i += skip;
        continue;
      }
      auto value = self->lookup_value(t);
      if (!value) {
        throw LookupError(
            "unknown gcc option or action '" + t +
            "' in command line; closest valid actions: " + closest_matches(t, space.names()));
      }
      for (Action a : self->actions_to(value->first, choices[value->first], value->second)) {
        out.push_back(a);
        self->apply(a, choices);
      }
      ++i;
    }
    return out;
  };
  format.render = [self, program, parse_gcc_form](const ActionSpace& space,
                                                  std::span<const Action> actions) {
    std::string out = join_command_line({program});
    for (const auto& arg : choices_to_args(self->spec(), self->replay(actions))) {
      out += ' ';
      out += arg;
    }
    out += " -w -c input.c -o output.o";
    const auto back = parse_gcc_form(space, ActionSpace::split_commandline(out));
    if (std::equal(back.begin(), back.end(), actions.begin(), actions.end())) return out;
    out += " #";
    for (Action a : actions) {
      out += ' ';
      out += space.action_name(a);
    }
    return out;
  };
  format.parse = [parse_gcc_form](const ActionSpace& space, std::string_view text) {
    const auto tokens = ActionSpace::split_commandline(text);
    auto hash = std::find(tokens.begin(), tokens.end(), "#");
    if (hash == tokens.end()) return parse_gcc_form(space, tokens);
    std::vector<Action> out;
    for (auto it = hash + 1; it != tokens.end(); ++it) {
      auto a = space.find(*it);
      if (!a) {
        throw LookupError("unknown action '" + *it +
                          "' after '#' in command line; closest valid "
                          "actions: " +
                          closest_matches(*it, space.names()));
      }
      out.push_back(*a);
    }
    return out;
  };
  return ActionSpace("default", infos_, std::move(format));
}

}  // namespace cgym::gcc
