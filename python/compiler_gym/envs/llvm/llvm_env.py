"""``compiler_gym.envs.llvm.llvm_env``: CompilerGym's module path of LlvmEnv."""

from compiler_gym.envs.llvm import LlvmEnv

__all__ = ["LlvmEnv"]
