"""``compiler_gym.envs.loop_tool``: the loop_tool env is a plain
:class:`cgym.CompilerEnv` (``compiler_gym.make("loop_tool-v0")``)."""

from cgym import CompilerEnv

#: CompilerGym's class name for the loop_tool env.
LoopToolEnv = CompilerEnv

__all__ = ["LoopToolEnv"]
