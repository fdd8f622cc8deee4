"""cgym: compiler optimization decisions as Gym-style environments.

The Python face of the C++ library: CompilerGym's Python API over cgym's
in-process core.

>>> import cgym
>>> with cgym.make("llvm-ic-v0", benchmark="cgym-v0/qsort") as env:
...     env.reset()
...     observation, reward, done, info = env.step(env.action_space.sample())

Logging goes through Python's :mod:`logging`, on the logger ``"cgym"`` and
its children (``cgym.core`` for the C++ library). ``CGYM_DEBUG`` (or
CompilerGym's ``COMPILER_GYM_DEBUG``), 0 to 4, sets the level at import;
:func:`set_debug_level` changes it later.
"""

import logging as _logging
import os as _os

from cgym import _cgym
from cgym import errors
from cgym.envs import CompilerEnv, ObservationView, RewardView, make
from cgym.errors import *  # noqa: F401,F403 - cgym.Error, cgym.BenchmarkInitError, ...
from cgym.spaces import ObservationSpaceSpec, Reward
from cgym.state import CompilerEnvState, CompilerEnvStateReader, CompilerEnvStateWriter
from cgym.vector import VectorEnv
from cgym import spaces, wrappers  # noqa: E402

__version__ = "0.1.0"

Benchmark = _cgym.Benchmark
Dataset = _cgym.Dataset
Datasets = _cgym.Datasets
ValidationResult = _cgym.ValidationResult

logger = _logging.getLogger("cgym")


def list_envs() -> list:
    """The ids of every registered env, sorted."""
    return _cgym.list_envs()


def _debug_to_python_level(level: int) -> int:
    # 0 warnings and errors, 1 info, 2 debug, 3 and 4 everything (trace).
    return {0: _logging.WARNING, 1: _logging.INFO, 2: _logging.DEBUG}.get(int(level), 5)


def set_debug_level(level: int) -> None:
    """Sets how much cgym logs, 0 (warnings, the default) to 4 (everything),
    for the C++ library and the ``cgym`` logger alike."""
    if not 0 <= int(level) <= 4:
        raise errors.InvalidArgument(f"the debug level must be 0 to 4, not {level}")
    global _debug_level
    python_level = _debug_to_python_level(level)
    _cgym._set_log_level(python_level)
    logger.setLevel(max(python_level, 1))
    _debug_level = int(level)


_debug_level = 0


def get_debug_level() -> int:
    """The current debug level (see :func:`set_debug_level`)."""
    return _debug_level


def _init_debug_level() -> None:
    value = _os.environ.get("CGYM_DEBUG") or _os.environ.get("COMPILER_GYM_DEBUG")
    if value:
        try:
            set_debug_level(min(max(int(value), 0), 4))
        except ValueError:
            logger.warning("ignoring CGYM_DEBUG=%r: expected 0 to 4", value)


_init_debug_level()

COMPILER_GYM_ENVS = list_envs()

__all__ = [
    "Benchmark",
    "CompilerEnv",
    "CompilerEnvState",
    "CompilerEnvStateReader",
    "CompilerEnvStateWriter",
    "Dataset",
    "Datasets",
    "ObservationSpaceSpec",
    "ObservationView",
    "Reward",
    "RewardView",
    "ValidationResult",
    "VectorEnv",
    "errors",
    "get_debug_level",
    "list_envs",
    "make",
    "set_debug_level",
    "spaces",
    "wrappers",
] + errors.__all__
