// The LLVM action space: CompilerGym's 124 pass flags mapped onto LLVM 19's
// new pass manager, plus new-pass-manager passes CompilerGym did not have.
//
// Each action is one module-level element of an opt-19 pipeline. Its
// ActionInfo::name is the flag CompilerGym used ("-gvn"), its ActionInfo::flag
// is the explicit module-level pipeline text ("function(gvn)"), so that a whole
// episode reads as one opt-19 command:
//
//   opt-19 -passes='function(gvn),globaldce' input.bc -o output.bc
//
// The explicit adaptors (function(...), cgscc(...), function(loop(...))) make
// each pass run over the whole module before the next one starts. The env
// keeps its analysis managers from action to action, as the opt pipeline
// does from element to element, so nothing separates the actions. The table
// and the space are immutable; safe to share between threads.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cgym/spaces.h"

namespace cgym::llvm {

/// The name of the action space.
inline constexpr const char* kActionSpaceName = "PassesLlvm19";
/// The name of the action space without the non-deterministic passes.
inline constexpr const char* kDeterministicActionSpaceName = "PassesLlvm19Deterministic";

/// One action of the space.
struct PassInfo {
  /// The command-line flag, CompilerGym's where it had one ("-gvn").
  const char* flag;
  /// The module-level pipeline element run by the action ("function(gvn)").
  const char* pipeline;
  /// The same pass as opt-19 accepts it alone ("gvn"); opt wraps it into
  /// `pipeline` by itself.
  const char* bare;
  const char* description;
  /// The pass is one of CompilerGym's 124 (false: added for LLVM 19).
  bool from_compiler_gym;
};

/// An action whose output is not a function of its input module: run twice
/// on the same module (in two processes, or in one process at two heap
/// layouts) it can give two different modules. Found by
/// scripts/determinism_campaign.sh; docs/llvm-actions.md has the counts and
/// a reproducing opt-19 command line for each.
struct NonDeterministicPass {
  const char* flag;
  /// What varies: "IR" (the printed module differs), "use-list order"
  /// (the same IR text, but the order of each value's uses differs, so
  /// later passes that walk use lists can give different IR) or "crash"
  /// (the pass crashes in some runs only).
  const char* what_varies;
};

/// A CompilerGym flag that LLVM 19 no longer has.
struct RemovedPass {
  const char* flag;
  const char* reason;
};

/// Every action, in action-index order: CompilerGym's order with the removed
/// flags left out, then the passes added for LLVM 19.
std::span<const PassInfo> pass_table();
/// CompilerGym's flags that have no LLVM 19 equivalent, with the reason.
std::span<const RemovedPass> removed_passes();
/// The number of CompilerGym's flags (124).
inline constexpr int kCompilerGymPassCount = 124;

/// The actions found non-deterministic, in action order. Their ActionInfo
/// has deterministic = false.
std::span<const NonDeterministicPass> non_deterministic_passes();
/// True when pass_table()[action] is deterministic.
bool is_deterministic(Action action);

/// The action space over pass_table(), with the opt-19 command-line format.
const ActionSpace& action_space();
/// The same space without non_deterministic_passes() (the LLVM env's second
/// action space, selectable with ResetOptions::action_space). Its command
/// lines are the same opt-19 pipelines; parsing one that holds a
/// non-deterministic pass throws LookupError naming it.
const ActionSpace& deterministic_action_space();
/// Every LLVM action space: action_space() first (the default), then
/// deterministic_action_space().
const std::vector<ActionSpace>& action_spaces();
/// For each action of `space` (one of action_spaces()), its index in
/// pass_table(). Throws LookupError for a space that is not one of them.
std::span<const Action> pass_indices(const ActionSpace& space);

/// Whether the action's pass behaves differently depending on which analyses
/// happen to be cached when it starts (-attributor and -attributor-light use
/// some analyses only when they are already cached: attributor-light infers
/// willreturn only where loop information is cached). The env drops every
/// cached analysis before such an action, and the command line writes
/// invalidate<all> before it, so that its result depends on the module
/// alone. The no-effect memo leaves these actions out too.
bool needs_fresh_analyses(Action action);

/// Renders actions as one opt-19 pipeline, one element per action, with
/// invalidate<all> before each action that needs_fresh_analyses().
std::string render_commandline(std::span<const Action> actions);
/// Parses either `opt-19 -passes='...' input.bc -o output.bc` or
/// CompilerGym's `opt -flag -flag input.bc -o output.bc`; invalidate<all>
/// elements (written between actions before the env kept its analyses) are
/// skipped. Throws LookupError
/// for an unknown pass (saying so when CompilerGym had it but LLVM 19 has
/// not) and InvalidArgument for text that is not such a command.
std::vector<Action> parse_commandline(std::string_view commandline);

}  // namespace cgym::llvm
