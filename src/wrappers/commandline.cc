#include "cgym/wrappers/commandline.h"

#include <algorithm>
#include <cctype>

#include "cgym/errors.h"
#include "cgym/util.h"

namespace cgym {

namespace {

struct TokenSpan {
  size_t begin, end;  // byte range in the text, quotes included
  std::string text;   // the token without its quotes
};

// Tokenises like ActionSpace::split_commandline(), but keeps where each token
// is, so that one token can be cut out of the text without re-quoting the
// others.
std::vector<TokenSpan> token_spans(std::string_view text) {
  std::vector<TokenSpan> out;
  TokenSpan cur{0, 0, {}};
  bool in_token = false;
  char quote = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quote) {
      if (c == quote) {
        quote = 0;
      } else {
        cur.text += c;
      }
      continue;
    }
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (in_token) {
        cur.end = i;
        out.push_back(std::move(cur));
        cur = TokenSpan{0, 0, {}};
      }
      in_token = false;
      continue;
    }
    if (!in_token) cur.begin = i;
    in_token = true;
    if (c == '\'' || c == '"') {
      quote = c;
    } else {
      cur.text += c;
    }
  }
  if (quote) throw InvalidArgument("unterminated quote in command line: " + std::string(text));
  if (in_token) {
    cur.end = text.size();
    out.push_back(std::move(cur));
  }
  return out;
}

// Removes the terminal flag from `text`. It may appear once, as the last
// token or just before the suffix tokens.
std::string strip_terminal_flag(std::string_view text, const std::string& flag,
                                const std::vector<std::string>& suffix, bool* found) {
  auto tokens = token_spans(text);
  *found = false;
  size_t at = tokens.size();
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i].text != flag) continue;
    if (*found) {
      throw InvalidArgument("the terminal flag '" + flag +
                            "' appears more than once in the command line: " + std::string(text));
    }
    *found = true;
    at = i;
  }
  if (!*found) return std::string(text);
  const size_t after = tokens.size() - at - 1;
  bool placed = after == 0;
  if (!placed && !suffix.empty() && after == suffix.size()) {
    placed = true;
    for (size_t j = 0; j < after; ++j) placed = placed && tokens[at + 1 + j].text == suffix[j];
  }
  if (!placed) {
    throw InvalidArgument("the terminal flag '" + flag +
                          "' must be the last action of the command line (at the end, or just "
                          "before the command line's suffix): " +
                          std::string(text));
  }
  std::string out(text.substr(0, tokens[at].begin));
  // Drop the whitespace before the flag so that no double space is left.
  while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
  std::string_view rest = text.substr(tokens[at].end);
  if (!out.empty() && !rest.empty() && !std::isspace(static_cast<unsigned char>(rest.front()))) {
    out += ' ';
  }
  out += rest;
  return out;
}

}  // namespace

// ---- CommandlineWithTerminalAction ------------------------------------------------

CommandlineWithTerminalActionWrapper::CommandlineWithTerminalActionWrapper(EnvPtr env,
                                                                           std::string flag)
    : CopyableWrapper(std::move(env)), flag_(std::move(flag)) {
  if (flag_.empty() || std::any_of(flag_.begin(), flag_.end(), [](char c) {
        return std::isspace(static_cast<unsigned char>(c)) || c == '"' || c == '\'';
      })) {
    throw InvalidArgument(
        "CommandlineWithTerminalAction: the terminal flag must be one "
        "non-empty token without whitespace or quotes, got '" +
        flag_ + "'");
  }
  attach();
}

ActionSpace CommandlineWithTerminalActionWrapper::make_action_space(const ActionSpace& wrapped) {
  if (wrapped.find(flag_)) {
    throw InvalidArgument("CommandlineWithTerminalAction: action space '" + wrapped.name() +
                          "' already has an action named '" + flag_ +
                          "'; choose another terminal flag");
  }
  std::vector<ActionInfo> actions = wrapped.actions();
  actions.push_back({flag_, flag_, "end the episode"});
  const Action terminal = wrapped.size();
  const std::string flag = flag_;
  const auto suffix = ActionSpace::split_commandline(wrapped.format().suffix);
  CommandlineFormat format{
      .prefix = wrapped.format().prefix,
      .suffix = wrapped.format().suffix,
      .render =
          [wrapped, flag, terminal](const ActionSpace&, std::span<const Action> actions) {
            auto end = std::find(actions.begin(), actions.end(), terminal);
            std::string out =
                wrapped.to_commandline(actions.first(static_cast<size_t>(end - actions.begin())));
            if (end != actions.end()) out += (out.empty() ? "" : " ") + flag;
            return out;
          },
      .parse =
          [wrapped, flag, terminal, suffix](const ActionSpace&, std::string_view text) {
            bool found = false;
            auto actions =
                wrapped.from_commandline(strip_terminal_flag(text, flag, suffix, &found));
            if (found) actions.push_back(terminal);
            return actions;
          },
  };
  return ActionSpace(wrapped.name() + "+terminal", std::move(actions), std::move(format));
}

StepResult CommandlineWithTerminalActionWrapper::reset(const ResetOptions& options) {
  StepResult result = ActionWrapper::reset(options);
  terminated_ = false;
  return result;
}

StepResult CommandlineWithTerminalActionWrapper::step(Action action, const StepOptions& options) {
  if (action != terminal_action()) return ActionWrapper::step(action, options);
  return multistep(std::span<const Action>(&action, 1), options);
}

StepResult CommandlineWithTerminalActionWrapper::multistep(std::span<const Action> actions,
                                                           const StepOptions& options) {
  check_in_episode(actions.size() == 1 ? "step" : "multistep");
  for (Action a : actions) action_space().check(a);
  const Action terminal = terminal_action();
  auto end = std::find(actions.begin(), actions.end(), terminal);
  if (end == actions.end()) return ActionWrapper::multistep(actions, options);
  // The actions before the terminal one run as usual; the terminal action
  // itself is an empty multistep of the wrapped env, which returns the
  // observations and (zero) rewards of the current state.
  StepResult result =
      ActionWrapper::multistep(actions.first(static_cast<size_t>(end - actions.begin())), options);
  if (result.done) return result;
  history().push_back(terminal);
  result.done = true;
  terminated_ = true;
  return result;
}

std::string CommandlineWithTerminalActionWrapper::commandline() const {
  std::string out = env().commandline();
  if (terminated_) out += (out.empty() ? "" : " ") + flag_;
  return out;
}

std::vector<Action> CommandlineWithTerminalActionWrapper::from_commandline(
    std::string_view commandline) const {
  bool found = false;
  auto actions = ActionWrapper::from_commandline(strip_terminal(commandline, &found));
  if (found) actions.push_back(terminal_action());
  return actions;
}

std::string CommandlineWithTerminalActionWrapper::strip_terminal(std::string_view commandline,
                                                                 bool* found) const {
  return strip_terminal_flag(commandline, flag_,
                             ActionSpace::split_commandline(env().action_space().format().suffix),
                             found);
}

EnvState CommandlineWithTerminalActionWrapper::state() const {
  EnvState s = env().state();
  if (terminated_) s.commandline = commandline();
  return s;
}

ValidationResult CommandlineWithTerminalActionWrapper::validate(const ValidationOptions& options) {
  return validate(state(), options);
}

ValidationResult CommandlineWithTerminalActionWrapper::validate(const EnvState& state,
                                                                const ValidationOptions& options) {
  EnvState inner = state;
  bool found = false;
  try {
    inner.commandline = strip_terminal(state.commandline, &found);
  } catch (const Error& e) {
    ValidationResult result;
    result.state = state;
    result.errors.push_back({"Invalid command line", e.what()});
    return result;
  }
  ValidationResult result = env().validate(inner, options);
  result.state = state;
  return result;
}

std::unique_ptr<CommandlineWithTerminalActionWrapper> CommandlineWithTerminalAction(
    EnvPtr env, std::string terminal_flag) {
  return std::make_unique<CommandlineWithTerminalActionWrapper>(std::move(env),
                                                                std::move(terminal_flag));
}

// ---- ConstrainedCommandline -------------------------------------------------------

ConstrainedCommandlineWrapper::ConstrainedCommandlineWrapper(EnvPtr env,
                                                             std::vector<std::string> flags,
                                                             std::string name)
    : CopyableWrapper(std::move(env)), flags_(std::move(flags)), name_(std::move(name)) {
  if (flags_.empty()) {
    throw InvalidArgument(
        "ConstrainedCommandline: the subset of flags is empty; name at least "
        "one action of action space '" +
        this->env().action_space().name() + "'");
  }
  attach();
}

ActionSpace ConstrainedCommandlineWrapper::make_action_space(const ActionSpace& wrapped) {
  std::vector<Action> forward;
  std::vector<Action> reverse(static_cast<size_t>(wrapped.size()), -1);
  std::vector<ActionInfo> infos;
  for (const auto& f : flags_) {
    auto a = wrapped.find(f);
    if (!a) {
      std::vector<std::string> valid;
      for (const auto& info : wrapped.actions())
        valid.push_back(info.flag.empty() ? info.name : info.flag);
      throw LookupError(
          "ConstrainedCommandline: unknown flag '" + f + "' in action space '" + wrapped.name() +
          "'; valid flags (closest first): " + closest_matches(f, valid, valid.size()));
    }
    if (reverse[static_cast<size_t>(*a)] >= 0) {
      throw InvalidArgument("ConstrainedCommandline: '" + f + "' names action '" +
                            wrapped.action_name(*a) + "' twice in the subset");
    }
    reverse[static_cast<size_t>(*a)] = static_cast<Action>(forward.size());
    forward.push_back(*a);
    infos.push_back(wrapped.info(*a));
  }
  CommandlineFormat format{.prefix = wrapped.format().prefix, .suffix = wrapped.format().suffix};
  if (wrapped.format().render || wrapped.format().parse) {
    // The wrapped space renders its own indices: translate around it.
    format.render = [wrapped, forward](const ActionSpace&, std::span<const Action> actions) {
      std::vector<Action> inner;
      inner.reserve(actions.size());
      for (Action a : actions) inner.push_back(forward[static_cast<size_t>(a)]);
      return wrapped.to_commandline(inner);
    };
    format.parse = [wrapped, reverse](const ActionSpace& space, std::string_view text) {
      auto actions = wrapped.from_commandline(text);
      for (Action& a : actions) {
        if (reverse[static_cast<size_t>(a)] < 0) {
          throw LookupError("flag '" + wrapped.flag(a) + "' is not in action space '" +
                            space.name() + "'");
        }
        a = reverse[static_cast<size_t>(a)];
      }
      return actions;
    };
  }
  forward_ = std::move(forward);
  reverse_ = std::move(reverse);
  return ActionSpace(name_.empty() ? wrapped.name() + ":constrained" : name_, std::move(infos),
                     std::move(format));
}

std::optional<Action> ConstrainedCommandlineWrapper::reverse_action(Action action) const {
  if (action < 0 || static_cast<size_t>(action) >= reverse_.size() ||
      reverse_[static_cast<size_t>(action)] < 0) {
    return std::nullopt;
  }
  return reverse_[static_cast<size_t>(action)];
}

std::unique_ptr<ConstrainedCommandlineWrapper> ConstrainedCommandline(
    EnvPtr env, std::vector<std::string> flags, std::string name) {
  return std::make_unique<ConstrainedCommandlineWrapper>(std::move(env), std::move(flags),
                                                         std::move(name));
}

}  // namespace cgym
