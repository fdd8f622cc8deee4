// Spaces: what actions an env accepts and what observations it produces.
//
// ActionSpace is the NamedDiscrete / Commandline space: actions are indices
// 0..size()-1, each with a name, a command-line flag and a description. A
// Space describes the values an observation can take (Scalar, Box, Sequence,
// Dict/JSON). Both are immutable values once built; safe to share between
// threads for reading.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cgym/observation.h"

namespace cgym {

/// An action is an index into the current action space.
using Action = int;

/// The random engine used by every sample() and random_benchmark().
using Rng = std::mt19937_64;

/// One action of a NamedDiscrete space.
struct ActionInfo {
  std::string name;         ///< e.g. "-gvn" (unique in the space)
  std::string flag;         ///< the command-line text, often equal to name
  std::string description;  ///< one line
  /// The action's result is a function of the program it is applied to
  /// (false for passes whose output varies from run to run, e.g. with heap
  /// addresses). Non-deterministic actions are never memoised, and a replay
  /// that disagrees with its record because of them is reported as such.
  bool deterministic = true;
};

class ActionSpace;

/// How a list of actions is written as a command line and read back. The
/// default joins flags with spaces between `prefix` and `suffix` and parses
/// whitespace-separated tokens, skipping the prefix and suffix tokens.
struct CommandlineFormat {
  std::string prefix;  ///< e.g. "opt"
  std::string suffix;  ///< e.g. "input.bc -o output.bc"
  /// Optional replacement for the default rendering.
  std::function<std::string(const ActionSpace&, std::span<const Action>)> render;
  /// Optional replacement for the default parser. Throws LookupError or
  /// InvalidArgument for text it does not understand.
  std::function<std::vector<Action>(const ActionSpace&, std::string_view)> parse;
};

/// A NamedDiscrete space over commandline flags.
class ActionSpace {
 public:
  /// An empty, unnamed space.
  ActionSpace() = default;
  /// A space over `actions`, in that order (action i is actions[i]). Throws
  /// InvalidArgument for an empty or duplicate action name. Flags are looked
  /// up too, unless they collide with a name (names win).
  ActionSpace(std::string name, std::vector<ActionInfo> actions, CommandlineFormat format = {});

  /// The space's name, e.g. "PassesAll".
  const std::string& name() const { return name_; }
  /// The number of actions.
  int size() const { return static_cast<int>(actions_.size()); }
  /// Every action, indexed by Action.
  const std::vector<ActionInfo>& actions() const { return actions_; }
  /// The action `a`. Throws ActionOutOfRange.
  const ActionInfo& info(Action a) const;
  /// The name of action `a`. Throws ActionOutOfRange.
  const std::string& action_name(Action a) const { return info(a).name; }
  /// The command-line flag of action `a`. Throws ActionOutOfRange.
  const std::string& flag(Action a) const { return info(a).flag; }
  /// The names of all actions, in index order.
  std::vector<std::string> names() const;
  /// How command lines are written and parsed.
  const CommandlineFormat& format() const { return format_; }

  /// True when `a` is a valid index, 0 <= a < size().
  bool contains(Action a) const { return a >= 0 && a < size(); }
  /// Throws ActionOutOfRange naming the valid range.
  void check(Action a) const;
  /// Looks an action up by name or by flag. Throws LookupError listing the
  /// closest valid names.
  Action index(std::string_view name_or_flag) const;
  /// Looks an action up by name or by flag; nullopt when there is none.
  std::optional<Action> find(std::string_view name_or_flag) const;
  /// A uniformly random action. Throws InvalidArgument for an empty space.
  Action sample(Rng& rng) const;

  /// Renders `actions` as a command line (see CommandlineFormat). Throws
  /// ActionOutOfRange for an invalid action.
  std::string to_commandline(std::span<const Action> actions) const;
  /// Parses a command line written by to_commandline() back into actions.
  /// Throws LookupError for an unknown flag, InvalidArgument for an
  /// unterminated quote.
  std::vector<Action> from_commandline(std::string_view commandline) const;

  /// Splits text into whitespace-separated tokens, honouring single and double
  /// quotes. Throws InvalidArgument for an unterminated quote.
  static std::vector<std::string> split_commandline(std::string_view text);

 private:
  std::string name_;
  std::vector<ActionInfo> actions_;
  CommandlineFormat format_;
  std::unordered_map<std::string, Action> lookup_;
};

/// The kind of values a Space describes.
enum class SpaceKind {
  kScalar,    ///< one number or boolean
  kBox,       ///< a vector of numbers with a shape and a range
  kSequence,  ///< a string or byte string with length bounds
  kDict       ///< a JSON value
};

/// The shape and range of an observation's values.
struct Space {
  /// The kind of values.
  SpaceKind kind = SpaceKind::kScalar;
  /// The type an Observation in this space has.
  ObservationType dtype = ObservationType::kNone;
  /// Box: the fixed shape (one dimension for vectors). Empty: any length.
  std::vector<int64_t> shape;
  /// Scalar/Box: the inclusive lower bound of each element.
  double low = -std::numeric_limits<double>::infinity();
  /// Scalar/Box: the inclusive upper bound of each element.
  double high = std::numeric_limits<double>::infinity();
  /// Sequence: the minimum length.
  int64_t min_length = 0;
  /// Sequence: the maximum length; < 0 means unbounded.
  int64_t max_length = -1;

  /// A scalar int64 in [low, high]; the int64 limits mean unbounded.
  static Space scalar_int(int64_t low = std::numeric_limits<int64_t>::min(),
                          int64_t high = std::numeric_limits<int64_t>::max());
  /// A scalar double in [low, high].
  static Space scalar_double(double low = -std::numeric_limits<double>::infinity(),
                             double high = std::numeric_limits<double>::infinity());
  /// A scalar boolean.
  static Space boolean();
  /// A Box of int64 elements in [low, high]; the element count is the
  /// product of `shape` (empty: any length).
  static Space box_int(std::vector<int64_t> shape, int64_t low, int64_t high);
  /// A Box of double elements in [low, high]; the element count is the
  /// product of `shape` (empty: any length).
  static Space box_double(std::vector<int64_t> shape, double low, double high);
  /// A string whose length is in [min_length, max_length] (max < 0: unbounded).
  static Space string(int64_t min_length = 0, int64_t max_length = -1);
  /// A byte string whose length is in [min_length, max_length] (max < 0: unbounded).
  static Space bytes(int64_t min_length = 0, int64_t max_length = -1);
  /// A JSON value (any JSON is contained).
  static Space dict();

  /// True when `o` has this space's dtype and lies in its shape, range or
  /// length bounds.
  bool contains(const Observation& o) const;
  /// A random value inside the space. Unbounded ranges are sampled inside
  /// [-1e6, 1e6]; unbounded sequences up to 64 elements; dicts are {}.
  Observation sample(Rng& rng) const;
  /// e.g. "Box(int64, [70], 0..inf)".
  std::string to_string() const;
};

/// Describes one observation space of an env.
struct ObservationSpaceSpec {
  /// The name used to request it, e.g. "Autophase".
  std::string name;
  /// The values it takes.
  Space space;
  /// The same program state always gives the same value.
  bool deterministic = true;
  /// The value depends on the machine (e.g. runtimes, object-code sizes).
  bool platform_dependent = false;
  /// The value reported when the observation cannot be computed (e.g. the
  /// step failed).
  Observation default_value;
  /// One line for humans.
  std::string description;
  /// True when the value depends only on the benchmark (O0/Oz baselines,
  /// reference runtimes): actions do not invalidate it.
  bool benchmark_constant = false;
  /// Expensive to compute and a pure function of (benchmark, program state,
  /// env options): eligible for the process-wide ObservationCache when the
  /// session reports a state_hash().
  bool shared_cacheable = false;
};

}  // namespace cgym
