"""``compiler_gym.wrappers``: cgym's wrappers under CompilerGym's names.

The C++ wrappers (``TimeLimit``, ``CommandlineWithTerminalAction``, ...) and
the Python bases to subclass (``CompilerEnvWrapper``, ``ActionWrapper``,
``ObservationWrapper``, ``RewardWrapper``) are those of :mod:`cgym.wrappers`.
"""

from cgym.wrappers import (
    ActionWrapper,
    CommandlineWithTerminalAction,
    CompilerEnvWrapper,
    ConstrainedCommandline,
    Counter,
    CycleOverBenchmarks,
    ForkOnStep,
    IterateOverBenchmarks,
    ObservationWrapper,
    RandomOrderBenchmarks,
    RewardWrapper,
    RuntimePointEstimateReward,
    SynchronousSqliteLogger,
    TimeLimit,
    ValidateBenchmarkAfterEveryStep,
)

#: CompilerGym's name for the base of action-translating wrappers.
ConversionWrapperEnv = CompilerEnvWrapper

__all__ = [
    "ActionWrapper",
    "CommandlineWithTerminalAction",
    "CompilerEnvWrapper",
    "ConstrainedCommandline",
    "ConversionWrapperEnv",
    "Counter",
    "CycleOverBenchmarks",
    "ForkOnStep",
    "IterateOverBenchmarks",
    "ObservationWrapper",
    "RandomOrderBenchmarks",
    "RewardWrapper",
    "RuntimePointEstimateReward",
    "SynchronousSqliteLogger",
    "TimeLimit",
    "ValidateBenchmarkAfterEveryStep",
]
