"""``compiler_gym.util.statistics``: the means the leaderboards use."""

import math
from typing import Iterable


def geometric_mean(values: Iterable[float]) -> float:
    """The geometric mean of ``values``: 0 when any value is 0 or below (as
    CompilerGym's leaderboard scoring does), and 0 for no values."""
    values = list(values)
    if not values or any(v <= 0 for v in values):
        return 0.0
    return math.exp(sum(math.log(v) for v in values) / len(values))


def arithmetic_mean(values: Iterable[float]) -> float:
    """The arithmetic mean of ``values`` (0 for no values)."""
    values = list(values)
    return sum(values) / len(values) if values else 0.0


def stdev(values: Iterable[float]) -> float:
    """The population standard deviation of ``values`` (0 for fewer than two)."""
    values = list(values)
    if len(values) < 2:
        return 0.0
    mean = arithmetic_mean(values)
    return math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))


__all__ = ["arithmetic_mean", "geometric_mean", "stdev"]
