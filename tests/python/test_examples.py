"""Smoke runs of examples/python/, each checked by replaying its result."""

import subprocess
import sys

import pytest

import cgym
from conftest import SOURCE_DIR

EXAMPLES = SOURCE_DIR / "examples" / "python"
QSORT = "benchmark://cgym-v0/qsort"


def run_example(name: str, *args: str, cwd=None, timeout: float = 300) -> str:
    r = subprocess.run(
        [sys.executable, str(EXAMPLES / name), *args], capture_output=True, text=True, timeout=timeout, cwd=cwd
    )
    assert r.returncode == 0, f"{name} failed:\n{r.stdout}\n{r.stderr}"
    return r.stdout


def read_states(path):
    with cgym.CompilerEnvStateReader(open(path)) as reader:
        return list(reader)


def test_random_search_writes_a_state_that_validates(tmp_path):
    out = tmp_path / "best.csv"
    args = ["--benchmark", QSORT, "--episodes", "8", "--episode-length", "25", "--seed", "3", "--output", str(out)]
    stdout = run_example("random_search.py", *args)
    assert "best reward" in stdout
    (state,) = read_states(out)
    assert state.benchmark == QSORT
    assert state.reward is not None and state.reward > 0  # qsort always improves on -O0
    with cgym.make("llvm-ic-v0") as env:
        result = env.validate(state)
        assert result.okay(), result.error_details
        assert result.reward_validated
        # and apply() lands on the same reward
        env.apply(state)
        assert env.episode_reward == pytest.approx(state.reward, rel=1e-5)

    # The same seed gives the same result.
    again = tmp_path / "again.csv"
    run_example("random_search.py", *args[:-1], str(again))
    assert read_states(again)[0].commandline == state.commandline


def test_readme_demo_prints_a_commandline_that_replays():
    stdout = run_example("readme_demo.py")
    commandline, reward = stdout.strip().splitlines()[-2:]
    assert commandline.startswith("opt")
    with cgym.make("llvm-ic-v0") as env:
        env.apply(cgym.CompilerEnvState(benchmark=QSORT, commandline=commandline))
        assert env.episode_reward == pytest.approx(float(reward), rel=1e-6, abs=1e-12)
        # The demo's actions are those of a space seeded with 0, as in the C++ demo.
        env.reset(benchmark=QSORT)
        env.action_space.seed(0)
        actions = env.commandline_to_actions(commandline)
        assert actions == [env.action_space.sample() for _ in actions]


def test_reinforce_trains_reproducibly_and_its_states_validate(tmp_path):
    pytest.importorskip("torch")
    args = ["--iterations", "3", "--num-envs", "2", "--episode-length", "8", "--seed", "1"]
    first = run_example("reinforce.py", *args, "--output", str(tmp_path / "a.csv"))
    second = run_example("reinforce.py", *args, "--output", str(tmp_path / "b.csv"))
    training = [line for line in first.splitlines() if line.startswith("iteration")]
    assert len(training) == 3
    # Seeded: the same losses and the same greedy episodes.
    assert training == [line for line in second.splitlines() if line.startswith("iteration")]
    states = read_states(tmp_path / "a.csv")
    assert [s.commandline for s in states] == [s.commandline for s in read_states(tmp_path / "b.csv")]
    assert [s.benchmark for s in states] == ["benchmark://cgym-v0/qsort", "benchmark://cgym-v0/crc32"]
    with cgym.make("llvm-autophase-ic-v0") as env:
        for state in states:
            result = env.validate(state)
            assert result.okay(), result.error_details
