"""``compiler_gym.errors``: the exceptions, which are cgym's.

CompilerGym's names (``BenchmarkInitError``, ``ServiceError``,
``SessionNotFound``, ``ValidationError``, ...) are the classes of
:mod:`cgym.errors`, so ``except compiler_gym.errors.ServiceError`` catches
what cgym raises. Misuse is also a built-in :class:`ValueError`,
:class:`LookupError` or :class:`TypeError` subclass, as in CompilerGym.
"""

from cgym.errors import *  # noqa: F401,F403 - every cgym exception, by its name
from cgym.errors import IoError, ServiceError
from cgym.errors import __all__ as _cgym_all

#: CompilerGym's name for an OS error inside the compiler service.
ServiceOSError = ServiceError

#: CompilerGym raised this when a download failed.
DownloadFailed = IoError

#: CompilerGym raised this when a download server refused too many requests.
TooManyRequests = IoError

__all__ = sorted(set(_cgym_all) | {"DownloadFailed", "ServiceOSError", "TooManyRequests"})
