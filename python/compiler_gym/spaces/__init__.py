"""``compiler_gym.spaces``: the spaces, which are cgym's (gym's interface,
no gym needed): ``Commandline``, ``NamedDiscrete``, ``Discrete``, ``Box``,
``Scalar``, ``Sequence``, ``Dict``, ``Reward``."""

from cgym.spaces import (
    Box,
    Commandline,
    Dict,
    Discrete,
    NamedDiscrete,
    ObservationSpaceSpec,
    Reward,
    Scalar,
    Sequence,
    Space,
)

__all__ = [
    "Box",
    "Commandline",
    "Dict",
    "Discrete",
    "NamedDiscrete",
    "ObservationSpaceSpec",
    "Reward",
    "Scalar",
    "Sequence",
    "Space",
]
