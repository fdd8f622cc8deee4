// The gcc-v0 action space, built from a GccSpec the way CompilerGym builds
// it, and its command-line format.
//
// Actions (in spec order, option by option):
//  - an option with fewer than 10 values gets one action per value, named by
//    the value's text ("-O3", "-fno-peel-loops", "-ffp-contract=off"); it
//    sets the option's choice to that value;
//  - a larger option gets "<display name>[+1]" and "[-1]", plus [+10]/[-10]
//    when it has at least 50 values, [+100]/[-100] at 500 and
//    [+1000]/[-1000] at 5000 ("--param=max-unroll-times[+1]",
//    "-fsched-stalled-insns=[-10]"). They move the choice, clamped to
//    [-1, size - 1]; from -1 (absent), +1 selects the smallest value.
//
// Command lines (CommandlineFormat, used by Env::commandline(), state CSVs
// and from_commandline()) have two parts:
//    <gcc> <option values of the final choices, in spec order> -w -c input.c -o output.o [# <action
//    names>]
//  - the first part is the gcc command line of the state the actions reach:
//    copy a single-file program to input.c and run it (in a shell, where
//    `#` starts a comment; or drop everything from `#`) to get the same
//    object as the env. (The `command_line` observation prints the
//    benchmark's real file names and compile flags, and reflects choices
//    set directly.)
//  - the part after `#` lists the actions themselves, by name, so that
//    from_commandline(commandline()) gives back exactly the same actions
//    (the conformance suite and state replay rely on it). It is left out
//    when the gcc part alone parses back to the same actions (e.g. one
//    action per option, in spec order).
// Parsing: with a `#` token, the names after it are the actions (LookupError
// for an unknown name). Without one, the tokens are read one by one, and the
// gcc form and the action-name form may be mixed: an action name is that
// action; an option value such as "-O2" or "--param=max-unroll-times=7"
// becomes the actions that move the option's choice to that value (one
// action for small options, increments for large ones, largest steps
// first); the program name (first word), -w, -c, -S, -E, -o <file>,
// -I/-D/-U flags and file names are skipped; anything else throws
// LookupError naming the closest actions. A hand-written gcc line thus
// gives actions that reproduce its choices.
// Thread-safety: immutable once built.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "backends/gcc/gcc_spec.h"
#include "cgym/spaces.h"

namespace cgym::gcc {

/// What one action does to the choice vector.
struct GccAction {
  size_t option = 0;
  /// true: choice = amount; false: choice += amount (clamped).
  bool set = true;
  int64_t amount = 0;
};

/// The actions of `spec` (see the file comment), and their ActionInfo.
class GccActionTable {
 public:
  explicit GccActionTable(std::shared_ptr<const GccSpec> spec);

  const GccSpec& spec() const { return *spec_; }
  const std::vector<GccAction>& actions() const { return actions_; }
  const std::vector<ActionInfo>& infos() const { return infos_; }

  /// Applies action `a` to `choices`. Returns false when nothing changed.
  /// `a` must be a valid index (the env checks it).
  bool apply(Action a, std::vector<int64_t>& choices) const;
  /// Choices after `actions` from the all-absent state.
  std::vector<int64_t> replay(std::span<const Action> actions) const;
  /// The actions that move option `option` from choice `from` to `to`
  /// (empty when equal). Small options: the one value action (to must be
  /// >= 0: a small option cannot go back to absent). Large options: the
  /// fewest increments. Throws InvalidArgument when `to` cannot be reached.
  std::vector<Action> actions_to(size_t option, int64_t from, int64_t to) const;
  /// Actions that take the all-absent state to `choices`. Throws
  /// InvalidArgument for an invalid vector.
  std::vector<Action> actions_for_choices(const std::vector<int64_t>& choices) const;
  /// The option and choice of one gcc option text ("-O2",
  /// "--param=max-unroll-times=7"), or nullopt.
  std::optional<std::pair<size_t, int64_t>> lookup_value(std::string_view text) const;

  /// The action space "default" with the format described above. `program`
  /// is the first word of rendered command lines (the gcc_bin in use).
  ActionSpace make_action_space(const std::string& program) const;

 private:
  std::shared_ptr<const GccSpec> spec_;
  std::vector<GccAction> actions_;
  std::vector<ActionInfo> infos_;
  /// For each option: its value actions (small) or its increments by
  /// amount (large).
  std::vector<std::vector<Action>> by_option_;
  /// Full value texts of enumerated options, and "<name>=" prefixes of
  /// integer options, to their option.
  std::unordered_map<std::string, std::pair<size_t, int64_t>> value_index_;
  std::unordered_map<std::string, size_t> prefix_index_;
};

}  // namespace cgym::gcc
