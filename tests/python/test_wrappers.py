"""C++ wrappers from Python, wrappers written in Python, and the two stacked
in both orders, with forks."""

import sqlite3

import numpy as np
import pytest

import cgym
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
    SynchronousSqliteLogger,
    TimeLimit,
    ValidateBenchmarkAfterEveryStep,
)

CRC32 = "benchmark://cgym-v0/crc32"
QSORT = "benchmark://cgym-v0/qsort"


def make():
    return cgym.make("llvm-ic-v0", benchmark=CRC32)


def test_time_limit():
    env = TimeLimit(make(), max_episode_steps=3)
    env.reset()
    dones = [env.step(0)[2] for _ in range(3)]
    assert dones == [False, False, True]
    assert env.elapsed_steps == 3 and env.max_episode_steps == 3
    assert env.env.env_id == "llvm-ic-v0"
    assert isinstance(env, cgym.CompilerEnv)
    env.reset()
    assert env.elapsed_steps == 0
    env.step(0)
    f = env.fork()
    assert isinstance(f, TimeLimit)
    assert f.elapsed_steps == 1
    assert f.step(0)[2] is False and f.step(0)[2] is True
    f.close()
    env.close()


def test_the_inner_object_stays_a_view_of_the_inner_env():
    inner = make()
    outer = TimeLimit(inner, 10)
    outer.reset()
    outer.step(inner.action_space["-mem2reg"])
    assert inner.actions == outer.actions
    assert outer.env is inner
    outer.close()
    assert inner.is_closed


def test_constrained_commandline_translates_both_ways():
    env = ConstrainedCommandline(make(), flags=["-mem2reg", "-gvn", "-simplifycfg"])
    env.reset()
    assert env.action_space.n == 3
    assert env.action_space.names == ["-mem2reg", "-gvn", "-simplifycfg"]
    env.step(1)
    assert "gvn" in env.commandline() and "mem2reg" not in env.commandline()
    assert env.env.actions == [env.env.action_space["-gvn"]]
    assert env.actions == [1]
    env.close()


def test_commandline_with_terminal_action():
    env = CommandlineWithTerminalAction(make())
    env.reset()
    assert env.terminal_action == env.action_space.n - 1
    _, _, done, _ = env.step(env.terminal_action)
    assert done
    env.close()


def test_benchmark_iteration():
    env = IterateOverBenchmarks(make(), [CRC32, QSORT])
    env.reset()
    assert env.benchmark.uri == CRC32
    env.reset()
    assert env.benchmark.uri == QSORT
    with pytest.raises(StopIteration):
        env.reset()
    env.close()
    env = CycleOverBenchmarks(make(), [CRC32, QSORT])
    seen = []
    for _ in range(4):
        env.reset()
        seen.append(env.benchmark.uri)
    assert seen == [CRC32, QSORT, CRC32, QSORT]
    env.close()
    a = RandomOrderBenchmarks(make(), [CRC32, QSORT], rng=np.random.default_rng(1))
    b = RandomOrderBenchmarks(make(), [CRC32, QSORT], rng=np.random.default_rng(1))
    ua, ub = [], []
    for _ in range(6):
        a.reset()
        b.reset()
        ua.append(a.benchmark.uri)
        ub.append(b.benchmark.uri)
    assert ua == ub and set(ua) <= {CRC32, QSORT}
    a.close()
    b.close()


def test_counter_and_fork_on_step():
    env = Counter(ForkOnStep(make()))
    env.reset()
    env.step(env.action_space["-mem2reg"])
    env.step(env.action_space["-gvn"])
    assert env.counters["step"] == 2 and env.counters["reset"] == 1
    fos = env.env
    assert isinstance(fos, ForkOnStep)
    assert fos.depth == 2
    fos.undo()
    assert len(env.actions) == 1
    env.close()
    assert env.counters["close"] == 1


def test_validate_after_every_step():
    env = ValidateBenchmarkAfterEveryStep(make())
    env.reset()
    _, _, done, _ = env.step(env.action_space["-mem2reg"])
    assert not done
    env.close()


def test_sqlite_logger(tmp_path):
    db = tmp_path / "log.db"
    env = SynchronousSqliteLogger(make(), db)
    env.reset()
    env.step(env.action_space["-mem2reg"])
    env.step(env.action_space["-gvn"])
    env.flush()
    env.close()
    con = sqlite3.connect(str(db))
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "States" in tables
    assert con.execute("SELECT COUNT(*) FROM States").fetchone()[0] >= 2


class DoubleReward(RewardWrapper):
    def convert_reward(self, reward):
        return 2 * reward


class OnlyTwoActions(ActionWrapper):
    def __init__(self, env):
        super().__init__(env)
        self._map = [env.action_space["-mem2reg"], env.action_space["-gvn"]]

    def action(self, action):
        return self._map[action]


class Total(ObservationWrapper):
    def convert_observation(self, observation):
        return None if observation is None else int(np.sum(observation))


def test_python_reward_wrapper():
    base = make()
    base.reset()
    fork = base.fork()
    env = DoubleReward(base)
    _, r, _, _ = env.step(env.action_space["-mem2reg"])
    _, r_plain, _, _ = fork.step(fork.action_space["-mem2reg"])
    assert r == pytest.approx(2 * r_plain)
    assert env.episode_reward == pytest.approx(r)
    fork.close()
    env.close()


def test_python_action_and_observation_wrappers():
    env = Total(OnlyTwoActions(cgym.make("llvm-autophase-ic-v0", benchmark=CRC32)))
    obs = env.reset()
    assert isinstance(obs, int) and obs > 0
    obs, _, _, _ = env.step(0)
    assert env.unwrapped.actions == [env.unwrapped.action_space["-mem2reg"]]
    assert isinstance(obs, int)
    env.close()


def test_python_wrapper_forks():
    env = DoubleReward(make())
    env.reset()
    env.step(env.action_space["-mem2reg"])
    f = env.fork()
    assert isinstance(f, DoubleReward)
    assert f.env is not env.env
    _, r1, _, _ = env.step(env.action_space["-gvn"])
    _, r2, _, _ = f.step(f.action_space["-gvn"])
    assert r1 == pytest.approx(r2)
    f.close()
    env.close()


def test_cpp_wrapper_over_python_wrapper():
    env = TimeLimit(DoubleReward(make()), max_episode_steps=2)
    env.reset()
    _, r, done, _ = env.step(env.action_space["-mem2reg"])
    plain = make()
    plain.reset()
    _, r_plain, _, _ = plain.step(plain.action_space["-mem2reg"])
    assert r == pytest.approx(2 * r_plain)  # the Python wrapper ran under the C++ one
    assert not done
    _, _, done, _ = env.step(0)
    assert done  # the C++ TimeLimit counted
    assert isinstance(env.env, DoubleReward)
    # Fork of the stack: C++ wrapper around a fork of the Python wrapper.
    env.reset()
    env.step(env.action_space["-mem2reg"])
    f = env.fork()
    assert isinstance(f, TimeLimit) and f.elapsed_steps == 1
    _, r1, _, _ = f.step(f.action_space["-gvn"])
    _, r2, _, _ = env.step(env.action_space["-gvn"])
    assert r1 == pytest.approx(r2)
    f.close()
    plain.close()
    env.close()


def test_python_wrapper_over_cpp_wrapper():
    env = DoubleReward(TimeLimit(make(), max_episode_steps=2))
    env.reset()
    env.step(env.action_space["-mem2reg"])
    _, _, done, _ = env.step(0)
    assert done
    f = env.fork()
    assert isinstance(f.env, TimeLimit)
    f.close()
    env.close()


def test_python_exception_inside_a_cpp_wrapper_keeps_its_type():
    class Broken(CompilerEnvWrapper):
        def step(self, action, observation_spaces=None, reward_spaces=None):
            raise ValueError("broken on purpose")

    env = TimeLimit(Broken(make()), 5)
    env.reset()
    with pytest.raises(cgym.Error, match="broken on purpose"):
        env.step(0)
    env.close()


def test_runtime_point_estimate_reward():
    from cgym.wrappers import RuntimePointEstimateReward

    env = RuntimePointEstimateReward(make(), runtime_count=3, estimator=np.median)
    env.reset()
    assert env.reward_space.name == "RuntimePointEstimate"
    _, reward, done, info = env.step(env.action_space["-mem2reg"])
    assert not done, info
    assert isinstance(reward, float) and reward == reward  # a number, not NaN
    env.close()
    with pytest.raises(ValueError):
        RuntimePointEstimateReward(make(), estimator=np.std)
