"""``compiler_gym.wrappers``: cgym's wrappers under CompilerGym's names.

The C++ wrappers (``TimeLimit``, ``CommandlineWithTerminalAction``, ...) and
the Python bases to subclass (``CompilerEnvWrapper``, ``ActionWrapper``,
``ObservationWrapper``, ``RewardWrapper``) are those of :mod:`cgym.wrappers`.
"""

from cgym import wrappers as _wrappers
from cgym.wrappers import *  # noqa: F401,F403 -- every name of cgym.wrappers.__all__
from cgym.wrappers import CompilerEnvWrapper

#: CompilerGym's name for the base of action-translating wrappers.
ConversionWrapperEnv = CompilerEnvWrapper

__all__ = sorted([*_wrappers.__all__, "ConversionWrapperEnv"])
