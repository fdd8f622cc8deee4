"""``compiler_gym.util.gym_type_hints``: the type names CompilerGym's
signatures use."""

from typing import Any, Dict, List, Optional, Tuple, Union

ActionType = Any
ObservationType = Any
RewardType = float
DoneType = bool
InfoType = Dict[str, Any]
StepType = Tuple[
    Optional[Union[ObservationType, List[ObservationType]]],
    Optional[Union[RewardType, List[RewardType]]],
    DoneType,
    InfoType,
]

__all__ = ["ActionType", "DoneType", "InfoType", "ObservationType", "RewardType", "StepType"]
