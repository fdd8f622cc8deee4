"""``compiler_gym.spaces``: the spaces, which are cgym's (gym's interface,
no gym needed): ``Commandline``, ``NamedDiscrete``, ``Discrete``, ``Box``,
``Scalar``, ``Sequence``, ``Dict``, ``Reward``."""

from cgym import spaces as _spaces
from cgym.spaces import *  # noqa: F401,F403 -- every name of cgym.spaces.__all__

__all__ = list(_spaces.__all__)
