// The cgym error hierarchy.
//
// Every exception cgym throws derives from cgym::Error. Messages say what was
// wrong and, where there is a finite answer, what would have been valid.
//
// Two families matter to callers:
//  - misuse of the API (InvalidArgument, LookupError, ActionOutOfRange,
//    StateError): a bug in the caller; thrown from any call;
//  - failures of the compiler or the program (SessionError and its
//    subclasses): step() never throws these, it ends the episode with
//    done = true and reports them in StepInfo::error_type/error_details.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace cgym {

/// Base of every exception thrown by cgym.
class Error : public std::runtime_error {
 public:
  /// An error with `message` as what().
  explicit Error(const std::string& message) : std::runtime_error(message) {}
  /// The class name, e.g. "BenchmarkInitError"; used as StepInfo::error_type.
  virtual const char* type_name() const noexcept { return "Error"; }
};

#define CGYM_DEFINE_ERROR(Name, Base)                                 \
  class Name : public Base {                                          \
   public:                                                            \
    /** An error with `message` as what(). */                         \
    explicit Name(const std::string& message) : Base(message) {}      \
    const char* type_name() const noexcept override { return #Name; } \
  }

/// An argument has a value that is not allowed (bad format, bad range).
CGYM_DEFINE_ERROR(InvalidArgument, Error);
/// A name (env id, space, dataset, benchmark, flag) was not found.
CGYM_DEFINE_ERROR(LookupError, InvalidArgument);
/// An action index outside the current action space.
CGYM_DEFINE_ERROR(ActionOutOfRange, InvalidArgument);
/// A call made in the wrong order: step before reset, after close, ...
CGYM_DEFINE_ERROR(StateError, Error);
/// The benchmark could not be loaded: missing file, corrupt program, a
/// source that does not compile, a generator that failed.
CGYM_DEFINE_ERROR(BenchmarkInitError, Error);
/// The environment cannot run here: a required tool or device is missing.
CGYM_DEFINE_ERROR(EnvironmentNotSupported, Error);
/// The compiler session failed: a pass crashed, the module did not verify,
/// a compiler process failed. Ends the episode when raised inside step().
CGYM_DEFINE_ERROR(SessionError, Error);
/// A validation could not be carried out.
CGYM_DEFINE_ERROR(ValidationError, Error);
/// A filesystem or I/O problem (unwritable cache, full disk, ...).
CGYM_DEFINE_ERROR(IoError, Error);

#undef CGYM_DEFINE_ERROR

/// A child process failed: it exited non-zero, was killed by a signal, or
/// could not be started. Carries the command line and the tail of stderr.
class ProcessError : public SessionError {
 public:
  /// A failure of the process `argv`; see exit_code() for its meaning.
  ProcessError(const std::string& message, std::vector<std::string> argv, int exit_code,
               std::string stderr_tail)
      : SessionError(message),
        argv_(std::move(argv)),
        exit_code_(exit_code),
        stderr_tail_(std::move(stderr_tail)) {}
  /// "ProcessError".
  const char* type_name() const noexcept override { return "ProcessError"; }
  /// The command line of the process.
  const std::vector<std::string>& argv() const { return argv_; }
  /// The exit status, or -signal when the child was killed by a signal, or
  /// -1 when it could not be started.
  int exit_code() const { return exit_code_; }
  /// The last lines (at most 20 from check_process()) the process wrote to stderr.
  const std::string& stderr_tail() const { return stderr_tail_; }

 private:
  std::vector<std::string> argv_;
  int exit_code_;
  std::string stderr_tail_;
};

/// A child process ran past its timeout and was killed.
class TimeoutError : public ProcessError {
 public:
  using ProcessError::ProcessError;
  /// "TimeoutError".
  const char* type_name() const noexcept override { return "TimeoutError"; }
};

/// Returns the cgym type name of `e` when it is a cgym::Error, else the
/// generic name "std::exception".
inline const char* error_type_name(const std::exception& e) noexcept {
  if (auto* ce = dynamic_cast<const Error*>(&e)) return ce->type_name();
  return "std::exception";
}

}  // namespace cgym
