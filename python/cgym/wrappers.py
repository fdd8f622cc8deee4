"""Wrappers: every C++ wrapper, and Python base classes to subclass.

The C++ wrappers (:class:`TimeLimit`, :class:`ConstrainedCommandline`, ...)
run in C++: wrapping an env moves it inside the wrapper, and the original
Python object stays a view of the inner env (``wrapper.env``). The Python
bases (:class:`CompilerEnvWrapper`, :class:`ActionWrapper`,
:class:`ObservationWrapper`, :class:`RewardWrapper`) are for wrappers
written in Python, as in CompilerGym. The two stack in any order, and
every stack forks.
"""

import copy
from typing import Any, Callable, Iterable, List, Optional, Union

import numpy as np

from cgym import _cgym
from cgym.envs import _KINDS, CompilerEnv, _wrap_core

# ---- the C++ wrappers --------------------------------------------------------


def _core_of(env: Any) -> _cgym.Env:
    """The C++ env of ``env``: its own for a C++-backed env, a forwarding env
    for one written in Python."""
    if isinstance(env, _cgym.Env):
        return env
    if not hasattr(env, "step") or not hasattr(env, "unwrapped"):
        raise TypeError(f"expected a cgym env, not {type(env).__name__}")
    return _cgym._from_python(env)


class _CppWrapper(CompilerEnv):
    """A Python view of a C++ wrapper: a CompilerEnv whose ``env`` is the
    env it wraps."""

    def _adopt(self, core: _cgym.Env, inner: Any) -> None:
        _cgym.Env.__init__(self, core)
        self._wrapped_env = inner

    @classmethod
    def _from_core(cls, core: _cgym.Env) -> "_CppWrapper":
        obj = cls.__new__(cls)
        _cgym.Env.__init__(obj, core)
        obj._wrapped_env = None
        return obj

    @property
    def env(self) -> Any:
        """The env this wrapper wraps."""
        if self._wrapped_env is None:
            self._wrapped_env = _wrap_core(self._inner())
        return self._wrapped_env


class TimeLimit(_CppWrapper):
    """Ends an episode (done, ``info["truncated"]``) after ``max_episode_steps``
    actions."""

    def __init__(self, env: Any, max_episode_steps: Optional[int] = None) -> None:
        if max_episode_steps is None:
            raise ValueError("TimeLimit needs max_episode_steps (a positive number of steps)")
        self._adopt(_cgym._wrap_time_limit(_core_of(env), int(max_episode_steps)), env)

    @property
    def max_episode_steps(self) -> int:
        return _cgym._time_limit_state(self)[0]

    @property
    def elapsed_steps(self) -> int:
        return _cgym._time_limit_state(self)[1]

    _elapsed_steps = elapsed_steps


class CommandlineWithTerminalAction(_CppWrapper):
    """Adds a terminal action that ends the episode."""

    def __init__(self, env: Any, terminal: Any = "-terminal") -> None:
        flag = terminal if isinstance(terminal, str) else getattr(terminal, "flag", str(terminal))
        self._adopt(_cgym._wrap_commandline_with_terminal_action(_core_of(env), flag), env)

    @property
    def terminal_action(self) -> int:
        return _cgym._terminal_action(self)


class ConstrainedCommandline(_CppWrapper):
    """Only the actions named in ``flags``, with indices translated both ways."""

    def __init__(self, env: Any, flags: Iterable[str], name: Optional[str] = None) -> None:
        self._adopt(_cgym._wrap_constrained_commandline(_core_of(env), list(flags), name or ""), env)


def _uris(benchmarks: Iterable[Any]) -> List[str]:
    return [b if isinstance(b, str) else b.uri for b in benchmarks]


class IterateOverBenchmarks(_CppWrapper):
    """Each reset() loads the next benchmark; raises StopIteration at the end."""

    def __init__(self, env: Any, benchmarks: Iterable[Any]) -> None:
        self._adopt(_cgym._wrap_iterate_over_benchmarks(_core_of(env), _uris(benchmarks)), env)


class CycleOverBenchmarks(_CppWrapper):
    """Each reset() loads the next benchmark, starting again at the end."""

    def __init__(self, env: Any, benchmarks: Iterable[Any]) -> None:
        self._adopt(_cgym._wrap_cycle_over_benchmarks(_core_of(env), _uris(benchmarks)), env)


class RandomOrderBenchmarks(_CppWrapper):
    """Each reset() loads a benchmark drawn with replacement."""

    def __init__(self, env: Any, benchmarks: Iterable[Any], rng: Any = None) -> None:
        if rng is None:
            seed = int(np.random.default_rng().integers(0, 2**62))
        elif isinstance(rng, (int, np.integer)):
            seed = int(rng)
        else:
            seed = int(rng.integers(0, 2**62))
        self._adopt(_cgym._wrap_random_order_benchmarks(_core_of(env), _uris(benchmarks), seed), env)


class Counter(_CppWrapper):
    """Counts the calls to reset, step, multistep, fork and close."""

    def __init__(self, env: Any) -> None:
        self._adopt(_cgym._wrap_counter(_core_of(env)), env)

    @property
    def counters(self) -> dict:
        """{"reset": n, "step": n, "multistep": n, "fork": n, "close": n, "actions": n}."""
        return _cgym._counter_counts(self)

    def reset_counters(self) -> None:
        _cgym._counter_reset_counts(self)


class ForkOnStep(_CppWrapper):
    """Forks before each step, so that :meth:`undo` can go back one step."""

    def __init__(self, env: Any, max_depth: int = 0) -> None:
        self._adopt(_cgym._wrap_fork_on_step(_core_of(env), int(max_depth)), env)

    def undo(self) -> int:
        """Goes back one step; returns the number of steps that can still be undone."""
        return _cgym._fork_on_step_undo(self)

    @property
    def depth(self) -> int:
        return _cgym._fork_on_step_depth(self)


class ValidateBenchmarkAfterEveryStep(_CppWrapper):
    """Validates after every step; an invalid program ends the episode with
    ``reward_penalty``."""

    def __init__(self, env: Any, reward_penalty: float = -1e3) -> None:
        self._adopt(_cgym._wrap_validate_after_every_step(_core_of(env), float(reward_penalty)), env)


def _estimator_name(estimator: Union[str, Callable[..., Any]]) -> str:
    if isinstance(estimator, str):
        return estimator
    for name, fns in (("median", (np.median,)), ("mean", (np.mean,)), ("min", (np.min, min))):
        if estimator in fns:
            return name
    raise ValueError(f"estimator must be np.median, np.mean, np.min or their name, not {estimator!r}")


class RuntimePointEstimateReward(_CppWrapper):
    """A runtime reward from ``runtime_count`` runs summarised by ``estimator``."""

    def __init__(
        self,
        env: Any,
        runtime_count: int = 30,
        warmup_count: int = 0,
        estimator: Union[str, Callable[..., Any]] = np.median,
    ) -> None:
        core = _cgym._wrap_runtime_point_estimate_reward(
            _core_of(env), int(runtime_count), int(warmup_count), _estimator_name(estimator)
        )
        self._adopt(core, env)


class SynchronousSqliteLogger(_CppWrapper):
    """Logs every state (and observations) to an SQLite database."""

    def __init__(
        self,
        env: Any,
        db_path: Any,
        commit_frequency_in_seconds: float = 300.0,
        max_step_buffer_length: int = 5000,
        log_observations: bool = True,
    ) -> None:
        core = _cgym._wrap_sqlite_logger(
            _core_of(env),
            str(db_path),
            int(max_step_buffer_length),
            float(commit_frequency_in_seconds),
            bool(log_observations),
        )
        self._adopt(core, env)

    def flush(self) -> None:
        _cgym._sqlite_flush(self)


for _cls in (
    TimeLimit,
    CommandlineWithTerminalAction,
    ConstrainedCommandline,
    IterateOverBenchmarks,
    CycleOverBenchmarks,
    RandomOrderBenchmarks,
    Counter,
    ForkOnStep,
    ValidateBenchmarkAfterEveryStep,
    RuntimePointEstimateReward,
    SynchronousSqliteLogger,
):
    _KINDS[_cls.__name__] = _cls
_KINDS["Wrapper"] = _CppWrapper


# ---- Python base classes -------------------------------------------------------


class CompilerEnvWrapper:
    """The base of wrappers written in Python: forwards everything to
    ``self.env``. Override what the wrapper changes.

    ``fork()`` copies the wrapper (``copy.copy``) around a fork of the
    wrapped env; override it when the wrapper holds state that must not be
    shared between the two.
    """

    def __init__(self, env: Any) -> None:
        self.env = env

    def reset(self, *args: Any, **kwargs: Any) -> Any:
        return self.env.reset(*args, **kwargs)

    def step(self, action: Any, observation_spaces: Any = None, reward_spaces: Any = None) -> Any:
        return self.env.step(action, observation_spaces=observation_spaces, reward_spaces=reward_spaces)

    def multistep(self, actions: Iterable[int], observation_spaces: Any = None, reward_spaces: Any = None) -> Any:
        return self.env.multistep(list(actions), observation_spaces=observation_spaces, reward_spaces=reward_spaces)

    def fork(self) -> "CompilerEnvWrapper":
        forked = copy.copy(self)
        forked.env = self.env.fork()
        return forked

    def close(self) -> None:
        self.env.close()

    def __enter__(self) -> "CompilerEnvWrapper":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    @property
    def unwrapped(self) -> CompilerEnv:
        return self.env.unwrapped

    # Settable properties are forwarded explicitly (``__getattr__`` only reads).
    @property
    def action_space(self) -> Any:
        return self.env.action_space

    @property
    def observation_space(self) -> Any:
        return self.env.observation_space

    @observation_space.setter
    def observation_space(self, space: Any) -> None:
        self.env.observation_space = space

    @property
    def reward_space(self) -> Any:
        return self.env.reward_space

    @reward_space.setter
    def reward_space(self, space: Any) -> None:
        self.env.reward_space = space

    @property
    def benchmark(self) -> Any:
        return self.env.benchmark

    @benchmark.setter
    def benchmark(self, benchmark: Any) -> None:
        self.env.benchmark = benchmark

    def __getattr__(self, name: str) -> Any:
        if name == "env":  # not yet set: __init__ was not called
            raise AttributeError("the wrapper has no env: call super().__init__(env)")
        return getattr(self.env, name)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.env!r})"


class ActionWrapper(CompilerEnvWrapper):
    """Translates actions: override :meth:`action` (and :meth:`reverse_action`)."""

    def step(self, action: Any, observation_spaces: Any = None, reward_spaces: Any = None) -> Any:
        if isinstance(action, (list, tuple)):
            return self.multistep(action, observation_spaces, reward_spaces)
        return self.env.step(self.action(action), observation_spaces=observation_spaces, reward_spaces=reward_spaces)

    def multistep(self, actions: Iterable[int], observation_spaces: Any = None, reward_spaces: Any = None) -> Any:
        return self.env.multistep(
            [self.action(a) for a in actions], observation_spaces=observation_spaces, reward_spaces=reward_spaces
        )

    def action(self, action: Any) -> Any:
        """The wrapped env's action for ``action``."""
        raise NotImplementedError

    def reverse_action(self, action: Any) -> Any:
        """This wrapper's action for the wrapped env's ``action``."""
        raise NotImplementedError


class ObservationWrapper(CompilerEnvWrapper):
    """Converts observations: override :meth:`convert_observation`."""

    def reset(self, *args: Any, **kwargs: Any) -> Any:
        return self.convert_observation(self.env.reset(*args, **kwargs))

    def step(self, action: Any, observation_spaces: Any = None, reward_spaces: Any = None) -> Any:
        obs, reward, done, info = self.env.step(
            action, observation_spaces=observation_spaces, reward_spaces=reward_spaces
        )
        return self.convert_observation(obs), reward, done, info

    def multistep(self, actions: Iterable[int], observation_spaces: Any = None, reward_spaces: Any = None) -> Any:
        obs, reward, done, info = self.env.multistep(
            list(actions), observation_spaces=observation_spaces, reward_spaces=reward_spaces
        )
        return self.convert_observation(obs), reward, done, info

    def convert_observation(self, observation: Any) -> Any:
        """The wrapper's observation for the wrapped env's."""
        raise NotImplementedError


class RewardWrapper(CompilerEnvWrapper):
    """Converts rewards: override :meth:`convert_reward`. ``episode_reward``
    sums the converted rewards."""

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        self._episode_reward = 0.0

    def reset(self, *args: Any, **kwargs: Any) -> Any:
        self._episode_reward = 0.0
        return self.env.reset(*args, **kwargs)

    def step(self, action: Any, observation_spaces: Any = None, reward_spaces: Any = None) -> Any:
        obs, reward, done, info = self.env.step(
            action, observation_spaces=observation_spaces, reward_spaces=reward_spaces
        )
        return obs, self._convert(reward), done, info

    def multistep(self, actions: Iterable[int], observation_spaces: Any = None, reward_spaces: Any = None) -> Any:
        obs, reward, done, info = self.env.multistep(
            list(actions), observation_spaces=observation_spaces, reward_spaces=reward_spaces
        )
        return obs, self._convert(reward), done, info

    def _convert(self, reward: Any) -> Any:
        if reward is None or isinstance(reward, list):
            return reward
        converted = self.convert_reward(reward)
        self._episode_reward += converted
        return converted

    @property
    def episode_reward(self) -> float:
        return self._episode_reward

    def convert_reward(self, reward: float) -> float:
        """The wrapper's reward for the wrapped env's."""
        raise NotImplementedError


__all__ = [
    "ActionWrapper",
    "CommandlineWithTerminalAction",
    "CompilerEnvWrapper",
    "ConstrainedCommandline",
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
