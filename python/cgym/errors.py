"""The cgym exception hierarchy.

Every exception that cgym raises derives from :class:`Error` and carries the
C++ message unchanged. Misuse of the API is also a built-in Python exception,
as Python users expect: an unknown name is a :class:`LookupError` (the
built-in), a bad value or an action out of range a :class:`ValueError`, a call
in the wrong order (a step before reset, after close) a :class:`ValueError`
as well. CompilerGym's class names exist where it has them
(:class:`BenchmarkInitError`, :class:`ValidationError`,
:class:`SessionNotFound`, :class:`ServiceError`, ...).
"""

import builtins


class Error(Exception):
    """Base of every exception raised by cgym."""


class InvalidArgument(Error, ValueError):
    """An argument has a value that is not allowed (bad format, bad range)."""


class LookupError(InvalidArgument, builtins.LookupError):  # noqa: A001
    """A name (env id, space, dataset, benchmark, flag) was not found."""


class ActionOutOfRange(InvalidArgument, IndexError):
    """An action index outside the current action space."""


class ServiceError(Error):
    """The compiler could not do what was asked (CompilerGym's name)."""


class SessionNotFound(ServiceError, ValueError):
    """There is no episode to act on: call reset() first (CompilerGym's name)."""


class StateError(SessionNotFound):
    """A call made in the wrong order: step before reset, after close, ..."""


class ServiceIsClosed(StateError):
    """The env was closed (CompilerGym's name); cgym raises StateError."""


class StopIteration(StateError, builtins.StopIteration):  # noqa: A001
    """IterateOverBenchmarks ran out of benchmarks."""


class BenchmarkInitError(Error, OSError):
    """The benchmark could not be loaded: missing file, corrupt program, ..."""


class EnvironmentNotSupported(Error, OSError):
    """The env cannot run here: a required tool or device is missing."""


class SessionError(ServiceError):
    """The compiler session failed: a pass crashed, the module did not verify."""


class ServiceInitError(ServiceError, OSError):
    """The compiler could not be started (CompilerGym's name)."""


class ServiceTransportError(ServiceError, OSError):
    """The worker process could not be reached (CompilerGym's name)."""


class ProcessError(SessionError):
    """A child process failed. Has ``argv``, ``exit_code`` and ``stderr_tail``."""


class TimeoutError(ProcessError, builtins.TimeoutError):  # noqa: A001
    """A child process ran past its timeout and was killed."""


class ValidationError(Error, ValueError):
    """A validation could not be carried out."""


class IoError(Error, OSError):
    """A filesystem or I/O problem (unwritable cache, full disk, ...)."""


class VectorEnvError(Error):
    """An exception inside a VectorEnv worker. Has ``env_id`` and ``original_type``."""


class DatasetInitError(BenchmarkInitError):
    """A dataset could not be installed (CompilerGym's name)."""


__all__ = [
    "ActionOutOfRange",
    "BenchmarkInitError",
    "DatasetInitError",
    "EnvironmentNotSupported",
    "Error",
    "InvalidArgument",
    "IoError",
    "LookupError",
    "ProcessError",
    "ServiceError",
    "ServiceInitError",
    "ServiceIsClosed",
    "ServiceTransportError",
    "SessionError",
    "SessionNotFound",
    "StateError",
    "StopIteration",
    "TimeoutError",
    "ValidationError",
    "VectorEnvError",
]
