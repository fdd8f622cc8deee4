"""Every misuse raises a cgym.Error that is also the built-in Python
exception users expect, with the C++ message; nothing crashes."""

import builtins
import os
import signal

import pytest

import cgym
from conftest import run_python

CRC32 = "benchmark://cgym-v0/crc32"


def test_unknown_env_id_is_a_lookup_error():
    with pytest.raises(cgym.LookupError) as e:
        cgym.make("llvm-nope-v0")
    assert isinstance(e.value, builtins.LookupError)
    assert isinstance(e.value, cgym.Error)
    assert "llvm-ic-v0" in str(e.value)  # lists the valid ids


def test_unknown_make_option_names_the_valid_ones():
    with pytest.raises(cgym.Error) as e:
        cgym.make("llvm-ic-v0", not_an_option=3)
    assert "not_an_option" in str(e.value)


def test_bad_isolation_value():
    with pytest.raises(cgym.InvalidArgument, match="in_process"):
        cgym.make("llvm-ic-v0", isolation="sideways")


def test_step_before_reset_is_a_state_error():
    with cgym.make("llvm-ic-v0") as env:
        with pytest.raises(cgym.StateError) as e:
            env.step(0)
        assert isinstance(e.value, ValueError)
        assert isinstance(e.value, cgym.SessionNotFound)
        assert "reset" in str(e.value)


def test_step_after_close_is_a_state_error():
    env = cgym.make("llvm-ic-v0")
    env.reset(benchmark=CRC32)
    env.close()
    with pytest.raises(cgym.StateError, match="close"):
        env.step(0)
    with pytest.raises(cgym.StateError):
        env.reset()


def test_action_out_of_range(env):
    n = env.action_space.n
    for bad in (n, -1, 10**6):
        with pytest.raises(cgym.ActionOutOfRange) as e:
            env.step(bad)
        assert isinstance(e.value, ValueError) and isinstance(e.value, IndexError)
        assert str(n - 1) in str(e.value)
    # Nothing was lost: the episode goes on.
    env.step(env.action_space["-mem2reg"])
    assert len(env.actions) == 1


def test_action_of_the_wrong_type_is_a_type_error(env):
    with pytest.raises(TypeError):
        env.step("mem2reg")
    with pytest.raises(TypeError):
        env.step(1.5)


def test_unknown_observation_and_reward_spaces(env):
    with pytest.raises(cgym.LookupError) as e:
        env.observation["Autofase"]
    assert "Autophase" in str(e.value)  # suggests the closest name
    with pytest.raises(cgym.LookupError):
        env.reward["Nope"]
    with pytest.raises(cgym.LookupError):
        env.observation_space = "Nope"
    with pytest.raises(cgym.LookupError):
        env.reward_space = "Nope"
    with pytest.raises(cgym.LookupError):
        env.step(0, observation_spaces=["Nope"])
    with pytest.raises(cgym.LookupError):
        env.action_space["-not-a-pass"]
    with pytest.raises(TypeError):
        env.observation_space = 42


def test_reward_not_tracked_says_how_to_ask(env):
    env.step(env.action_space["-mem2reg"])
    with pytest.raises(cgym.StateError, match="reward_spaces"):
        env.reward["IrInstructionCount"]


def test_bad_benchmarks():
    with cgym.make("llvm-ic-v0") as env:
        with pytest.raises(cgym.LookupError) as e:
            env.reset(benchmark="benchmark://cgym-v0/not-a-program")
        assert "crc32" in str(e.value) or "cgym-v0" in str(e.value)
        with pytest.raises(cgym.LookupError):
            env.reset(benchmark="benchmark://nope-v0/x")
        with pytest.raises(cgym.InvalidArgument):
            env.reset(benchmark="::::")
        with pytest.raises(TypeError):
            env.reset(benchmark=42)
        with pytest.raises(cgym.BenchmarkInitError) as e:
            env.reset(benchmark="file:///does/not/exist.c")
        assert isinstance(e.value, OSError)
        # The env is still usable after each of these.
        env.reset(benchmark=CRC32)
        env.step(env.action_space["-mem2reg"])


def test_broken_program(tmp_path):
    bad = tmp_path / "bad.c"
    bad.write_text("int main( { return 0; }\n")
    with cgym.make("llvm-ic-v0") as env:
        with pytest.raises(cgym.BenchmarkInitError) as e:
            env.reset(benchmark=f"file://{bad}")
        assert "bad.c" in str(e.value)
    with pytest.raises(cgym.BenchmarkInitError):
        cgym.Benchmark.from_file("benchmark://user-v0/bad", str(bad))
    garbage = tmp_path / "garbage.bc"
    garbage.write_bytes(b"BC\xc0\xde not really bitcode")
    with cgym.make("llvm-ic-v0") as env:
        with pytest.raises(cgym.BenchmarkInitError):
            env.reset(benchmark=f"file://{garbage}")


def test_bad_state_csv():
    with pytest.raises(cgym.InvalidArgument, match="line"):
        cgym.CompilerEnvStateReader(_StringFile("benchmark,reward\nx,notanumber\n")).read()


def test_wrong_commandline(env):
    with pytest.raises(cgym.LookupError):
        env.commandline_to_actions("opt -not-a-pass input.bc -o output.bc")
    with pytest.raises(cgym.InvalidArgument):
        env.commandline_to_actions("opt '-mem2reg input.bc")


def test_env_used_by_two_threads_at_once_is_an_error_not_a_crash():
    # A second thread entering the same env gets a StateError; the C++ env
    # is never raced.
    import threading

    with cgym.make("llvm-ic-v0") as env:
        env.reset(benchmark="benchmark://cgym-v0/dijkstra")
        errors = []
        stop = threading.Event()

        def hammer():
            while not stop.is_set():
                try:
                    env.observation["Ir"]
                except cgym.StateError as e:
                    errors.append(e)
                    return

        t = threading.Thread(target=hammer)
        t.start()
        for _ in range(200):
            try:
                env.observation["Programl"]
            except cgym.StateError as e:
                errors.append(e)
            if errors:
                break
        stop.set()
        t.join()
        # Either thread may have been refused; none crashed.
        for e in errors:
            assert "another thread" in str(e)


def test_wrapping_an_env_twice_is_an_error_that_loses_nothing(env):
    from cgym.wrappers import ConstrainedCommandline, TimeLimit

    with pytest.raises(cgym.LookupError):
        ConstrainedCommandline(env, flags=["-mem2reg", "-not-a-pass"])
    # The failed wrapper gave the env back.
    env.step(env.action_space["-mem2reg"])
    limited = TimeLimit(env, 5)
    with pytest.raises(cgym.StateError, match="already wrapped"):
        TimeLimit(env, 5)
    limited.step(0)
    with pytest.raises(ValueError):
        TimeLimit(limited, None)


def test_a_crash_in_the_compiler_is_not_a_python_crash():
    # A fatal error inside LLVM ends the episode; the interpreter lives on.
    code = f"""
import cgym
env = cgym.make("llvm-ic-v0")
env.reset(benchmark="{CRC32}")
env.send_session_parameter("llvm.test.fatal_error_on_next_action", "1")
_, _, done, info = env.step(0)
assert done and info["error_type"], info
env.reset()
print("alive")
"""
    r = run_python(code)
    assert r.returncode == 0, r.stderr
    assert "alive" in r.stdout


def _worker_pids():
    pids = []
    for task in os.listdir("/proc/self/task"):
        with open(f"/proc/self/task/{task}/children") as f:
            pids += [int(p) for p in f.read().split()]
    out = []
    for pid in pids:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if b"worker" in f.read():
                    out.append(pid)
        except FileNotFoundError:
            pass
    return out


def test_a_killed_worker_is_an_episode_failure():
    # Process isolation: SIGKILL of the worker ends the episode cleanly.
    with cgym.make("llvm-ic-v0", isolation="process") as env:
        env.reset(benchmark=CRC32)
        pids = _worker_pids()
        assert len(pids) == 1, pids
        os.kill(pids[0], signal.SIGKILL)
        _, _, done, info = env.step(env.action_space["-mem2reg"])
        assert done and info["error_type"], info
        with pytest.raises(cgym.StateError):
            env.step(0)
        env.reset()
        _, _, done, _ = env.step(env.action_space["-mem2reg"])
        assert not done


class _StringFile:
    def __init__(self, text: str) -> None:
        self._text = text

    def read(self) -> str:
        return self._text
