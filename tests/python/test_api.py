"""The Python API against the C++ library and against LLVM's own opt-19."""

import gc
import math
import shutil
import subprocess

import numpy as np
import pytest

import cgym
from conftest import BINARY_DIR, opt_instruction_count

CRC32 = "benchmark://cgym-v0/crc32"
QSORT = "benchmark://cgym-v0/qsort"


def test_list_envs_names_the_llvm_envs():
    ids = cgym.list_envs()
    for name in ("llvm-v0", "llvm-ic-v0", "llvm-autophase-ic-v0", "gcc-v0", "loopnest-v0"):
        assert name in ids
    assert ids == sorted(ids)
    assert cgym.COMPILER_GYM_ENVS == ids


def test_with_statement_closes_and_close_twice_is_fine():
    with cgym.make("llvm-ic-v0") as env:
        env.reset(benchmark=CRC32)
        assert env.in_episode
    assert env.is_closed
    env.close()
    env.close()


def test_garbage_collected_env_is_closed(tmp_path):
    # The env's private working directory goes when the env does.
    import os

    transient = tmp_path / "transient"
    transient.mkdir()
    code = f"""
import os, gc, cgym
env = cgym.make("llvm-ic-v0")
env.reset(benchmark="{CRC32}")
path = env.observation["BitcodeFile"]
assert os.path.exists(path), path
before = os.listdir("{transient}")
del env
gc.collect()
after = os.listdir("{transient}")
print(len(before), len(after))
"""
    from conftest import run_python

    r = run_python(code, env={**os.environ, "CGYM_TRANSIENT_CACHE": str(transient)})
    assert r.returncode == 0, r.stderr
    before, after = map(int, r.stdout.split())
    assert before >= 1
    assert after == 0


def test_reset_returns_the_default_observation():
    with cgym.make("llvm-autophase-ic-v0") as env:
        obs = env.reset(benchmark=QSORT)
        assert isinstance(obs, np.ndarray)
        assert obs.dtype == np.int64
        assert obs.shape == (56,)
        assert env.observation_space.name == "Autophase"
        assert env.observation_space.contains(obs)
        np.testing.assert_array_equal(obs, env.observation["Autophase"])


def test_step_matches_opt(env, tmp_path):
    """The reward of -mem2reg -instcombine equals what LLVM's own opt-19 removes."""
    bitcode = tmp_path / "crc32.bc"
    bitcode.write_bytes(env.observation["Bitcode"])
    before = env.observation["IrInstructionCount"]
    assert before == opt_instruction_count(bitcode, "verify")
    a = env.action_space["-mem2reg"]
    obs, reward, done, info = env.step(a)
    assert obs is None  # llvm-ic-v0 has no default observation
    assert not done
    assert info["action_had_no_effect"] is False
    assert "error_type" not in info
    after = env.observation["IrInstructionCount"]
    assert after == opt_instruction_count(bitcode, "mem2reg")
    assert after < before
    oz = env.observation["IrInstructionCountOz"]
    assert reward == pytest.approx((before - after) / max(before - oz, 1))
    assert env.episode_reward == pytest.approx(reward)
    assert env.actions == [a]
    assert "mem2reg" in env.commandline()


def test_step_with_extra_spaces_returns_lists(env):
    obs, rewards, done, info = env.step(
        env.action_space["-mem2reg"],
        observation_spaces=["IrInstructionCount", "Autophase"],
        reward_spaces=["IrInstructionCount"],
    )
    assert isinstance(obs, list) and len(obs) == 2
    assert obs[0] == env.observation["IrInstructionCount"]
    assert obs[1].shape == (56,)
    assert isinstance(rewards, list) and len(rewards) == 1
    assert rewards[0] > 0
    assert env.reward["IrInstructionCount"] == rewards[0]


def test_multistep_and_list_step_are_one_step(env):
    f = env.fork()
    actions = [env.action_space["-mem2reg"], env.action_space["-gvn"], env.action_space["-simplifycfg"]]
    _, r1, _, _ = env.multistep(actions)
    _, r2, _, _ = f.step(actions)
    assert r1 == pytest.approx(r2)
    assert env.actions == actions == f.actions
    f.close()


def test_fork_is_independent_and_equivalent(env):
    env.step(env.action_space["-mem2reg"])
    fork = env.fork()
    assert isinstance(fork, cgym.CompilerEnv)
    assert fork.actions == env.actions
    assert fork.episode_reward == env.episode_reward
    a = env.action_space["-gvn"]
    _, r1, _, _ = env.step(a)
    _, r2, _, _ = fork.step(a)
    assert r1 == r2
    fork.step(fork.action_space["-simplifycfg"])
    assert len(fork.actions) == 3 and len(env.actions) == 2
    fork.close()
    assert not env.is_closed


def test_properties(env):
    assert env.env_id == "llvm-ic-v0"
    assert env.spec.id == "llvm-ic-v0"
    assert "19" in env.compiler_version
    assert env.reward_space.name == "IrInstructionCountOz"
    assert env.reward_range[0] < 0 < env.reward_range[1] or env.reward_range == (-math.inf, math.inf)
    assert env.observation_space is None
    env.observation_space = "InstCount"
    assert env.observation_space.name == "InstCount"
    obs, *_ = env.step(env.action_space["-mem2reg"])
    assert obs.shape == (70,)
    env.observation_space = None
    assert env.observation_space is None
    env.reward_space = "IrInstructionCount"
    assert env.reward_space.name == "IrInstructionCount"
    env.reward_space = None
    assert env.reward_space is None
    assert env.episode_walltime > 0
    assert env.benchmark == CRC32
    assert env.benchmark.uri == CRC32
    assert isinstance(env.state, cgym.CompilerEnvState)
    assert env.unwrapped is env
    assert [s.name for s in env.action_spaces][0] == env.action_space.name


def test_benchmark_setter_takes_effect_at_next_reset(env):
    env.benchmark = QSORT
    assert env.benchmark == QSORT  # what the next reset loads
    assert env._benchmark().uri == CRC32  # still the current episode's
    env.reset()
    assert env.benchmark.uri == QSORT
    env.reset()  # the pending benchmark was used once: qsort stays
    assert env.benchmark.uri == QSORT


def test_views():
    with cgym.make("llvm-v0") as env:
        env.reset(benchmark=CRC32)
        spaces = env.observation.spaces
        assert "Autophase" in spaces and "Ir" in spaces
        assert spaces["Autophase"].space.shape == (56,)
        assert isinstance(env.observation["Ir"], str)
        assert isinstance(env.observation["Bitcode"], bytes)
        assert isinstance(env.observation["InstCountDict"], dict)
        assert env.observation["InstCountDict"]["TotalInstsCount"] == env.observation["InstCount"][0]
        assert len(env.observation["IrSha1"]) == 40
        assert "IrInstructionCountOz" in env.reward.spaces
        assert env.reward.spaces["IrInstructionCountOz"].success_threshold == 1
        assert env.observation.IrInstructionCount() == env.observation["IrInstructionCount"]


def test_programl_is_a_networkx_multidigraph(env):
    import networkx as nx

    g = env.observation["Programl"]
    assert isinstance(g, nx.MultiDiGraph)
    assert g.number_of_nodes() > 100
    assert g.number_of_edges() > g.number_of_nodes()


def test_numpy_observation_owns_its_buffer(env):
    a = env.observation["Autophase"]
    b = env.observation["Autophase"]
    assert a.base is not None  # the capsule that holds the C++ vector
    assert not np.shares_memory(a, b)
    a[0] = -1
    assert env.observation["Autophase"][0] != -1


def test_action_space(env):
    space = env.action_space
    assert space.n == len(space.names) == len(space.flags)
    assert space.contains(0) and not space.contains(space.n) and not space.contains(-1)
    assert not space.contains("0")
    space.seed(7)
    first = [space.sample() for _ in range(20)]
    space.seed(7)
    assert [space.sample() for _ in range(20)] == first
    assert all(space.contains(a) for a in first)
    line = space.to_string([space["-mem2reg"], space["-gvn"]])
    assert space.from_string(line) == [space["-mem2reg"], space["-gvn"]]
    assert env.commandline_to_actions("opt -mem2reg -gvn input.bc -o output.bc") == [
        space["-mem2reg"],
        space["-gvn"],
    ]
    assert isinstance(space.actions[0].deterministic, bool)


def test_observation_spaces_sample_and_contain(env):
    spec = env.observation.spaces["InstCount"]
    spec.seed(1)
    x = spec.sample()
    assert spec.contains(x)
    assert not spec.contains("text")
    ir = env.observation.spaces["Ir"]
    assert ir.contains(env.observation["Ir"])


def test_validate_okay_and_state_apply(env):
    for flag in ("-mem2reg", "-gvn", "-simplifycfg"):
        env.step(env.action_space[flag])
    state = env.state
    result = env.validate()
    assert result.okay(), str(result)
    assert result.reward_validated
    with cgym.make("llvm-ic-v0") as other:
        other.apply(state)
        assert other.actions == env.actions
        assert other.episode_reward == pytest.approx(env.episode_reward)
        assert other.validate(state).okay()
    bad = cgym.CompilerEnvState(benchmark=state.benchmark, commandline=state.commandline, reward=123.0)
    result = env.validate(bad)
    assert not result.okay()
    assert "123" in result.error_details or "Reward" in result.error_details


def test_compiler_failure_is_done_with_error_details():
    with cgym.make("llvm-ic-v0") as env:
        env.reset(benchmark=CRC32)
        env.step(env.action_space["-mem2reg"])
        # The LLVM backend's test hook: a fatal error inside LLVM during the next action.
        env.send_session_parameter("llvm.test.fatal_error_on_next_action", "1")
        obs, reward, done, info = env.step(env.action_space["-gvn"])
        assert done
        assert info["error_type"]
        assert info["error_details"]
        assert "fault injected" in info["error_details"]
        assert env.episode_reward == pytest.approx(0.0)  # default_negates_returns
        assert not env.in_episode
        with pytest.raises(cgym.StateError):
            env.step(0)
        env.reset()  # the env is usable again
        env.step(env.action_space["-mem2reg"])


def test_datasets(env):
    datasets = env.datasets
    names = [d.name for d in datasets]
    assert "benchmark://cgym-v0" in names
    ds = datasets["cgym-v0"]
    uris = list(ds.benchmark_uris())
    assert len(uris) == ds.size == len(ds) == 43
    assert CRC32 in uris
    b = ds.benchmark(CRC32)
    assert b.uri == CRC32 and b.is_runnable
    assert datasets.benchmark(CRC32) == b
    r1 = ds.random_benchmark(np.random.default_rng(3))
    r2 = ds.random_benchmark(np.random.default_rng(3))
    assert r1.uri == r2.uri and r1.uri in uris
    assert datasets.random_benchmark(5).uri == datasets.random_benchmark(5).uri
    gen = datasets["generator://csmith-v0"]
    assert gen.size == -1
    it = gen.benchmark_uris()
    assert next(it) == "generator://csmith-v0/0"
    assert "cgym-v0" in datasets
    assert "nope-v0" not in datasets


def test_make_benchmark_and_from_file(tmp_path):
    src = tmp_path / "prog.c"
    src.write_text("int f(int x) { int y = x * 2; return y + 1; }\nint main(void) { return f(3) - 7; }\n")
    with cgym.make("llvm-ic-v0") as env:
        b = env.make_benchmark(src)
        env.reset(benchmark=b)
        assert env.benchmark.uri == b.uri
        _, reward, _, _ = env.step(env.action_space["-mem2reg"])
        assert reward > 0
        named = cgym.Benchmark.from_file("benchmark://user-v0/prog", str(src))
        env.reset(benchmark=named)
        assert env.benchmark.uri == "benchmark://user-v0/prog"
        bc = tmp_path / "prog.bc"
        subprocess.run(["clang-19", "-c", "-emit-llvm", "-O0", str(src), "-o", str(bc)], check=True)
        env.reset(benchmark=f"file://{bc}")
        assert env.observation["IrInstructionCount"] > 0


def test_state_csv_round_trip(tmp_path, env):
    env.step(env.action_space["-mem2reg"])
    states = [env.state]
    env.reset(benchmark=QSORT)
    env.multistep([env.action_space["-sroa"], env.action_space["-gvn"]])
    states.append(env.state)
    path = tmp_path / "states.csv"
    with cgym.CompilerEnvStateWriter(open(path, "w")) as writer:
        for s in states:
            writer.write_state(s, flush=True)
    text = path.read_text()
    assert text.splitlines()[0] == "benchmark,reward,walltime,commandline"
    with cgym.CompilerEnvStateReader(open(path)) as reader:
        back = list(reader)
    assert back == states
    # The C++ CLI reads the Python file the same way.
    cli = BINARY_DIR / "bin" / "cgym"
    if cli.exists():
        r = subprocess.run([str(cli), "validate", str(path)], capture_output=True, text=True)
        assert r.returncode == 0, r.stdout + r.stderr
    # Any column order and case, no walltime.
    swapped = tmp_path / "swapped.csv"
    swapped.write_text(f"CommandLine,Benchmark,Reward\n\"{states[0].commandline}\",{states[0].benchmark},{states[0].reward}\n")
    assert list(cgym.CompilerEnvStateReader(open(swapped)))[0] == states[0]


def test_gcc_env_from_python():
    if shutil.which("gcc") is None:
        pytest.skip("gcc is not installed")
    with cgym.make("gcc-v0") as env:
        env.reset(benchmark=CRC32)
        size = env.observation["obj_size"]
        assert size > 0
        env.step(env.action_space["-O3"] if "-O3" in env.action_space.names else 0)
        assert env.observation["obj_size"] > 0


def test_process_isolation_from_python():
    with cgym.make("llvm-ic-v0", isolation="process") as env:
        env.reset(benchmark=CRC32)
        _, reward, done, _ = env.step(env.action_space["-mem2reg"])
        assert not done and reward > 0


def test_many_envs_are_freed():
    for _ in range(50):
        env = cgym.make("llvm-ic-v0")
        env.reset(benchmark=CRC32)
        del env
    gc.collect()
