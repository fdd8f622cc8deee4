"""``compiler_gym.service``: CompilerGym's compiler-service names that
scripts import for their exceptions. cgym has no RPC service: the compiler
runs in-process (or in a ``cgym-worker`` child, ``isolation="process"``)."""

from cgym.errors import (
    EnvironmentNotSupported,
    ServiceError,
    ServiceInitError,
    ServiceIsClosed,
    ServiceTransportError,
    SessionNotFound,
)

#: CompilerGym's name for an OS error inside the compiler service.
ServiceOSError = ServiceError

__all__ = [
    "EnvironmentNotSupported",
    "ServiceError",
    "ServiceInitError",
    "ServiceIsClosed",
    "ServiceOSError",
    "ServiceTransportError",
    "SessionNotFound",
]
