"""CompilerGym's documented getting-started examples, run verbatim on cgym's
compiler_gym package.

The examples are those of CompilerGym's README ("Usage") and of its
getting-started guide (docs/source/getting_started.rst), written as they
are there, followed by assertions on what they produced. Changed, and
only these:

- ``import gym`` + ``gym.make(...)`` (the guide's oldest form) is
  ``compiler_gym.make(...)``, the form its later versions use: cgym needs no
  gym.
- CompilerGym's ``cbench-v1`` and ``npb-v0`` benchmarks are a download, which
  CI cannot do: ``benchmark://cbench-v1/qsort`` and ``benchmark://npb-v0/50``
  are cgym's bundled ``benchmark://cgym-v0/qsort`` and
  ``benchmark://cgym-v0/lu``; ``env.reset()`` loads cgym's default
  benchmark (``cgym-v0/crc32``) where CompilerGym's is ``cbench-v1/qsort``.
- ``env.write_bitcode("~/program.bc")`` writes under a temporary ``$HOME``.
"""

import math

import numpy as np
import pytest

QSORT = "benchmark://cgym-v0/qsort"  # for benchmark://cbench-v1/qsort
NPB50 = "benchmark://cgym-v0/lu"  # for benchmark://npb-v0/50 (an NPB kernel: LU)


def test_readme_usage(capsys):
    # CompilerGym's README, "Usage".
    import compiler_gym                      # imports the CompilerGym environments
    env = compiler_gym.make(                 # creates a new environment (same as gym.make)
        "llvm-v0",                           # selects the compiler to use
        benchmark="cgym-v0/qsort",           # selects the program to compile
        observation_space="Autophase",       # selects the observation space
        reward_space="IrInstructionCountOz", # selects the optimization target
    )
    env.reset()                              # starts a new compilation session
    env.render()                             # prints the IR of the program
    env.step(env.action_space.sample())      # applies a random optimization, updates state/reward/actions
    env.close()                              # closes the environment, freeing resources

    # render() printed the IR (an LLVM env's render(), as in CompilerGym).
    out = capsys.readouterr().out
    assert out.startswith("; ModuleID = ") and "define " in out
    assert env.is_closed


def test_the_getting_started_walkthrough(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HOME", str(tmp_path))  # for write_bitcode("~/program.bc")

    # "Using CompilerGym", in the guide's order; each statement as the guide
    # has it, each followed by what it showed there.
    import compiler_gym

    assert "llvm-autophase-ic-v0" in compiler_gym.COMPILER_GYM_ENVS

    env = compiler_gym.make("llvm-autophase-ic-v0")  # gym.make("llvm-autophase-ic-v0")

    help(env.step)
    assert "step" in capsys.readouterr().out

    # The action space is discrete.
    assert env.action_space.dtype == np.dtype("int64")
    assert env.action_space.n > 100  # 124 CompilerGym flags (138 in the guide's version) plus cgym's

    # The Autophase observation space is a 56-dimension vector of integers.
    assert env.observation_space.shape == (56,)
    assert env.observation_space.dtype == np.dtype("int64")

    low, high = env.reward_range
    assert low <= 0 < high

    observation = env.reset()
    assert isinstance(observation, np.ndarray) and observation.shape == (56,)
    assert observation.dtype == np.int64

    # The env's default benchmark (cgym's, where the guide shows cbench-v1/qsort).
    assert str(env.benchmark).startswith("benchmark://cgym-v0/")

    observation = env.reset(benchmark=NPB50)
    assert observation.shape == (56,)
    assert str(env.benchmark) == NPB50

    # render() prints the IR of the program in its current state.
    env.render()
    ir = capsys.readouterr().out
    assert ir.startswith("; ModuleID = ") and "define " in ir

    observation, reward, done, info = env.step(0)
    assert observation.shape == (56,)
    assert isinstance(reward, float)
    assert done is False
    assert set(info) >= {"action_had_no_effect", "new_action_space"}

    env.reset(benchmark=NPB50)
    env.action_space.seed(0)  # added: reproducible
    episode_reward = 0
    for i in range(1, 101):
        observation, reward, done, info = env.step(env.action_space.sample())
        if done:
            break
        episode_reward += reward
        print(f"Step {i}, quality={episode_reward:.3%}")

    # added: the running sum is the env's own episode reward ...
    assert episode_reward == pytest.approx(env.episode_reward, rel=1e-6, abs=1e-9)
    assert "Step 1, quality=" in capsys.readouterr().out

    commandline = env.commandline()
    assert commandline.startswith("opt") and commandline.endswith("input.bc -o output.bc")

    # ... and the command line replays to the same reward in a fresh env.
    with compiler_gym.make("llvm-autophase-ic-v0") as replay:
        replay.reset(benchmark=NPB50)
        replay.multistep(replay.commandline_to_actions(commandline))
        assert replay.episode_reward == pytest.approx(env.episode_reward, rel=1e-6, abs=1e-9)

    env.write_bitcode("~/program.bc")
    assert (tmp_path / "program.bc").read_bytes()[:4] == b"BC\xc0\xde"

    env.close()
    assert env.is_closed


def test_the_with_statement_pattern():
    # The guide's note on close(): "We recommend using the with statement".
    import compiler_gym

    with compiler_gym.make("llvm-autophase-ic-v0") as env:  # gym.make(...)
        env.reset()
        # use env how you like
        observation, reward, done, info = env.step(env.action_space.sample())  # added
    assert env.is_closed
    assert observation.shape == (56,)


def test_a_state_round_trips_through_the_csv(tmp_path):
    # CompilerGym's state CSV: write env.state, read it back, replay it.
    import compiler_gym
    from compiler_gym import CompilerEnvStateReader, CompilerEnvStateWriter

    with compiler_gym.make("llvm-ic-v0", benchmark=QSORT) as env:
        env.reset()
        env.action_space.seed(1)
        for _ in range(10):
            env.step(env.action_space.sample())
        path = tmp_path / "results.csv"
        with CompilerEnvStateWriter(open(path, "w")) as writer:
            writer.write_state(env.state, flush=True)
        with CompilerEnvStateReader(open(path)) as reader:
            (state,) = list(reader)
        assert state == env.state
        result = env.validate(state)
        assert result.okay(), result.error_details
        assert math.isclose(state.reward, env.episode_reward, rel_tol=1e-5, abs_tol=1e-9)
