"""``compiler_gym.envs.gcc``: the gcc env is a plain :class:`cgym.CompilerEnv`
(``compiler_gym.make("gcc-v0")``)."""

from cgym import CompilerEnv

#: CompilerGym's class name for the gcc env.
GccEnv = CompilerEnv

__all__ = ["GccEnv"]
