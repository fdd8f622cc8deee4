"""``compiler_gym.envs``: the environment classes.

:class:`CompilerEnv` is :class:`cgym.CompilerEnv`. :class:`LlvmEnv` is its
LLVM subclass with CompilerGym's LLVM-only methods; :class:`GccEnv` and
:class:`LoopToolEnv` are other names for :class:`cgym.CompilerEnv`, as
cgym has one env class for every backend.
"""

from typing import List

import cgym
from cgym import CompilerEnv
from compiler_gym.compiler_env_state import CompilerEnvState
from compiler_gym.envs.gcc import GccEnv
from compiler_gym.envs.llvm import LlvmEnv
from compiler_gym.envs.loop_tool import LoopToolEnv
from compiler_gym.util.gym_type_hints import ObservationType, StepType

#: Every registered env id, as CompilerGym lists them (``llvm-v0``, ...).
COMPILER_GYM_ENVS: List[str] = cgym.list_envs()

# CompilerGym's older type-hint names.
observation_t = ObservationType
step_t = StepType
info_t = dict

__all__ = [
    "COMPILER_GYM_ENVS",
    "CompilerEnv",
    "CompilerEnvState",
    "GccEnv",
    "LlvmEnv",
    "LoopToolEnv",
    "info_t",
    "observation_t",
    "step_t",
]
