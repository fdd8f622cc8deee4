"""CompilerGym's Python API, served by cgym.

This package maps CompilerGym's public module paths (``compiler_gym``,
``compiler_gym.envs``, ``compiler_gym.wrappers``, ``compiler_gym.errors``,
``compiler_gym.datasets``, ``compiler_gym.spaces``, ``compiler_gym.util``)
onto :mod:`cgym`, so that a CompilerGym script runs with cgym once its
import line reads ``import compiler_gym``, which it already does. It holds
names and module paths only: every behaviour is cgym's.

>>> import compiler_gym
>>> env = compiler_gym.make("llvm-autophase-ic-v0", benchmark="cgym-v0/qsort")
>>> observation = env.reset()
>>> observation, reward, done, info = env.step(env.action_space.sample())
>>> env.close()

What differs from CompilerGym (the LLVM version, the bundled datasets, the
passes LLVM 19 removed) is listed in cgym's docs/python.md.
"""

from typing import Any, Callable, Iterable, Iterator, Optional

import cgym as _cgym

from compiler_gym import errors
from compiler_gym.compiler_env_state import (
    CompilerEnvState,
    CompilerEnvStateReader,
    CompilerEnvStateWriter,
)
from compiler_gym.envs import COMPILER_GYM_ENVS, CompilerEnv
from compiler_gym.util.debug_util import get_debug_level, get_logging_level, set_debug_level
from compiler_gym.util.runfiles_path import cache_path, site_data_path, transient_cache_path
from compiler_gym.validation_result import ValidationResult
from compiler_gym import datasets, envs, service, spaces, util, wrappers  # noqa: E402 - as CompilerGym exposes them

#: The version of the cgym library behind this package.
__version__: str = _cgym.__version__


def make(id: str, **kwargs: Any) -> CompilerEnv:  # noqa: A002 - CompilerGym's (and gym's) name
    """Makes an environment by id, as ``gym.make(id)`` does in CompilerGym.

    Keyword arguments are those of :func:`cgym.make` (``benchmark``,
    ``observation_space``, ``reward_space``, ``action_space``, ...). LLVM
    envs are :class:`compiler_gym.envs.LlvmEnv`, which adds CompilerGym's
    LLVM-only methods (``write_bitcode()``, ``write_ir()``).
    """
    from compiler_gym.envs.llvm import LlvmEnv

    if str(id).startswith("llvm-"):
        return LlvmEnv(id, **kwargs)
    return _cgym.make(id, **kwargs)


def validate_states(
    make_env: Callable[[], CompilerEnv],
    states: Iterable[CompilerEnvState],
    nproc: Optional[int] = None,
    inorder: bool = False,
) -> Iterator[ValidationResult]:
    """Validates each state in an env made by ``make_env()``; yields one
    :class:`ValidationResult` per state, in order.

    ``nproc`` and ``inorder`` are accepted for CompilerGym's signature; the
    states are validated one after the other (use :class:`cgym.VectorEnv`
    or ``cgym validate`` for parallel validation).
    """
    del nproc, inorder
    with make_env() as env:
        for state in states:
            yield env.validate(state)


__all__ = [
    "COMPILER_GYM_ENVS",
    "CompilerEnv",
    "CompilerEnvState",
    "CompilerEnvStateReader",
    "CompilerEnvStateWriter",
    "ValidationResult",
    "__version__",
    "cache_path",
    "datasets",
    "envs",
    "errors",
    "get_debug_level",
    "get_logging_level",
    "make",
    "set_debug_level",
    "service",
    "site_data_path",
    "spaces",
    "transient_cache_path",
    "util",
    "validate_states",
    "wrappers",
]
