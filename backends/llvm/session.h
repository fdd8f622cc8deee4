// LlvmSession: one episode of the LLVM env, in process.
//
// The session owns its llvm::LLVMContext and llvm::Module, so different
// sessions (forks included) can run on different threads at once. Each
// action runs one pass pipeline element through analysis managers kept for
// as long as the module lives (cleared when it is replaced: reset, fork,
// crash), inside an llvm::CrashRecoveryContext; a crash or an LLVM fatal error becomes a
// SessionError and the session's module and context are abandoned (leaked:
// they may be in any state). The env then ends the episode, and the next
// reset() makes a new session.
//
// Parameters (MakeOptions::params):
//   verify_module   "1" (default) verifies the module after each step that
//                   changed it; "0" does not.
//   runtime_runs    runs per Runtime observation (default 1).
//   runtime_warmup  warm-up runs before them (default 0).
// Session parameters (Env::send_session_parameter) are listed in
// docs/llvm.md; the "llvm.test.*" ones inject faults for tests.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cgym/session.h"

namespace cgym::llvm {

class LlvmSession final : public CompilationSession {
 public:
  /// Throws InvalidArgument for a malformed parameter value.
  explicit LlvmSession(std::shared_ptr<const SessionContext> context);
  ~LlvmSession() override;
  LlvmSession(const LlvmSession&) = delete;
  LlvmSession& operator=(const LlvmSession&) = delete;

  std::string compiler_version() const override;
  std::vector<ActionSpace> action_spaces() const override;
  std::vector<ObservationSpaceSpec> observation_spaces() const override;

  void init(const ActionSpace& action_space, BenchmarkPtr benchmark) override;
  ActionResult apply_action(Action action) override;
  Observation compute_observation(const ObservationSpaceSpec& space) override;
  std::unique_ptr<CompilationSession> fork() const override;
  /// SHA-1 of the module's bitcode (hex): the key of the shared
  /// observation cache; nullopt once the session has died.
  std::optional<std::string> state_hash() override;
  void end_of_step(bool program_changed) override;
  std::optional<std::string> handle_session_parameter(const std::string& key,
                                                      const std::string& value) override;
  std::vector<ValidationIssue> validate_semantics(const ValidationOptions& options) override;

  /// The observation spaces of every LLVM session (static: they do not
  /// depend on the benchmark).
  static const std::vector<ObservationSpaceSpec>& spaces();
  /// The params of MakeOptions this backend accepts.
  static const std::vector<std::string>& known_params();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cgym::llvm
