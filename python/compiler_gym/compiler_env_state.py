"""``compiler_gym.compiler_env_state``: the state CSV (cgym's own reader and
writer, CompilerGym's format: ``benchmark,reward,walltime,commandline``)."""

from cgym.state import CompilerEnvState, CompilerEnvStateReader, CompilerEnvStateWriter

__all__ = ["CompilerEnvState", "CompilerEnvStateReader", "CompilerEnvStateWriter"]
