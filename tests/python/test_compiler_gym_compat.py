"""The compiler_gym compatibility package: module paths, names, the path
helpers and CompilerGym's variables, and the passes LLVM 19 removed."""

import importlib
import logging
import os

import pytest

import cgym
from conftest import run_python

QSORT = "benchmark://cgym-v0/qsort"

MODULES = {
    "compiler_gym": [
        "make",
        "COMPILER_GYM_ENVS",
        "CompilerEnv",
        "CompilerEnvState",
        "CompilerEnvStateReader",
        "CompilerEnvStateWriter",
        "ValidationResult",
        "validate_states",
        "set_debug_level",
        "get_debug_level",
        "get_logging_level",
        "__version__",
        "cache_path",
        "site_data_path",
        "transient_cache_path",
    ],
    "compiler_gym.envs": ["CompilerEnv", "LlvmEnv", "GccEnv", "LoopToolEnv", "COMPILER_GYM_ENVS"],
    "compiler_gym.envs.llvm": ["LlvmEnv", "make_benchmark", "substitute_removed_passes", "REMOVED_PASSES"],
    "compiler_gym.envs.llvm.llvm_env": ["LlvmEnv"],
    "compiler_gym.envs.gcc": ["GccEnv"],
    "compiler_gym.wrappers": [
        "CompilerEnvWrapper",
        "ActionWrapper",
        "ObservationWrapper",
        "RewardWrapper",
        "TimeLimit",
        "CommandlineWithTerminalAction",
        "ConstrainedCommandline",
        "CycleOverBenchmarks",
        "IterateOverBenchmarks",
        "RandomOrderBenchmarks",
    ],
    "compiler_gym.errors": [
        "BenchmarkInitError",
        "ServiceError",
        "SessionNotFound",
        "ServiceIsClosed",
        "ServiceTransportError",
        "ServiceInitError",
        "EnvironmentNotSupported",
        "ValidationError",
        "DatasetInitError",
    ],
    "compiler_gym.service": ["ServiceError", "SessionNotFound"],
    "compiler_gym.datasets": ["Benchmark", "Dataset", "Datasets", "BenchmarkUri", "BenchmarkInitError"],
    "compiler_gym.spaces": ["Commandline", "NamedDiscrete", "Discrete", "Box", "Scalar", "Sequence", "Dict", "Reward"],
    "compiler_gym.compiler_env_state": ["CompilerEnvState", "CompilerEnvStateWriter", "CompilerEnvStateReader"],
    "compiler_gym.validation_result": ["ValidationResult"],
    "compiler_gym.util.runfiles_path": [
        "runfiles_path",
        "cache_path",
        "site_data_path",
        "transient_cache_path",
        "create_user_logs_dir",
    ],
    "compiler_gym.util.timer": ["Timer", "humanize_duration"],
    "compiler_gym.util.statistics": ["geometric_mean", "arithmetic_mean", "stdev"],
    "compiler_gym.util.debug_util": ["get_debug_level", "set_debug_level"],
    "compiler_gym.util.registration": ["COMPILER_GYM_ENVS", "make"],
    "compiler_gym.util.gym_type_hints": ["ActionType", "ObservationType", "StepType"],
}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_compiler_gyms_module_paths_and_names(module):
    m = importlib.import_module(module)
    for name in MODULES[module]:
        assert hasattr(m, name), f"{module}.{name}"


def test_the_names_are_cgyms_own_objects():
    import compiler_gym
    import compiler_gym.errors
    import compiler_gym.wrappers
    from compiler_gym.envs import CompilerEnv, GccEnv, LlvmEnv

    assert CompilerEnv is cgym.CompilerEnv
    assert GccEnv is cgym.CompilerEnv
    assert issubclass(LlvmEnv, cgym.CompilerEnv)
    assert compiler_gym.errors.ServiceError is cgym.ServiceError
    assert compiler_gym.errors.SessionNotFound is cgym.SessionNotFound
    assert compiler_gym.wrappers.TimeLimit is cgym.wrappers.TimeLimit
    assert compiler_gym.CompilerEnvState is cgym.CompilerEnvState
    assert compiler_gym.__version__ == cgym.__version__
    assert compiler_gym.COMPILER_GYM_ENVS == cgym.list_envs()


def test_make_returns_an_llvm_env_whose_forks_are_llvm_envs(tmp_path):
    import compiler_gym
    from compiler_gym.envs import LlvmEnv

    with compiler_gym.make("llvm-ic-v0", benchmark=QSORT) as env:
        assert isinstance(env, LlvmEnv)
        env.reset()
        env.step(env.action_space["-mem2reg"])
        fork = env.fork()
        try:
            assert isinstance(fork, LlvmEnv)
            assert fork.ir_sha1 == env.ir_sha1
            assert fork.ir == env.observation["Ir"]
            path = env.write_ir(tmp_path / "out.ll")
            assert path.read_text() == env.ir
        finally:
            fork.close()
    with compiler_gym.make("gcc-v0") as gcc:
        assert type(gcc) is cgym.CompilerEnv


def test_a_python_wrapper_from_compiler_gym_wraps_a_compiler_gym_env():
    import compiler_gym
    from compiler_gym.wrappers import RewardWrapper, TimeLimit

    class Doubled(RewardWrapper):
        def convert_reward(self, reward):
            return 2 * reward

    env = Doubled(TimeLimit(compiler_gym.make("llvm-ic-v0", benchmark=QSORT), max_episode_steps=3))
    with env:
        env.reset()
        rewards = []
        done = False
        while not done:
            _, reward, done, info = env.step(env.action_space["-mem2reg"] if not rewards else 0)
            rewards.append(reward)
        assert len(rewards) == 3
        assert env.episode_reward == pytest.approx(sum(rewards))


def test_benchmark_uri():
    from compiler_gym.datasets import BenchmarkUri

    uri = BenchmarkUri.from_string("cgym-v0/qsort")
    assert (uri.scheme, uri.dataset, uri.path) == ("benchmark", "cgym-v0", "/qsort")
    assert str(uri) == QSORT
    uri = BenchmarkUri.from_string("generator://csmith-v0/42?size=3#x")
    assert (uri.scheme, uri.dataset, uri.path, uri.params, uri.fragment) == (
        "generator",
        "csmith-v0",
        "/42",
        {"size": ["3"]},
        "x",
    )
    assert str(uri) == "generator://csmith-v0/42?size=3#x"
    assert str(BenchmarkUri.from_string("file:///tmp/a.c")) == "file:///tmp/a.c"
    with pytest.raises(ValueError):
        BenchmarkUri.from_string("")


def test_util_timer_and_statistics():
    from compiler_gym.util.statistics import arithmetic_mean, geometric_mean, stdev
    from compiler_gym.util.timer import Timer, humanize_duration

    assert geometric_mean([1, 4]) == pytest.approx(2.0)
    assert geometric_mean([2, 0]) == 0.0
    assert geometric_mean([]) == 0.0
    assert arithmetic_mean([1, 2, 3]) == 2.0
    assert stdev([1, 1]) == 0.0
    printed = []
    with Timer("work", print_fn=printed.append) as t:
        sum(range(1000))
    assert t.time > 0 and printed == [f"work in {t}"]
    assert humanize_duration(0.5) == "500.0ms" and humanize_duration(90) == "1m 30s"


PATH_CODE = """
import compiler_gym
from compiler_gym.util.runfiles_path import logs_path
print(compiler_gym.cache_path("a"))
print(compiler_gym.site_data_path("b"))
print(compiler_gym.transient_cache_path("c"))
print(logs_path("d"))
"""


def _paths(env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CGYM_", "COMPILER_GYM_"))}
    r = run_python(PATH_CODE, env={**clean, **env})
    assert r.returncode == 0, r.stderr
    return r.stdout.split()


def test_path_helpers_honour_compiler_gyms_variables(tmp_path):
    cg = {f"COMPILER_GYM_{k}": str(tmp_path / f"cg-{k}") for k in ("CACHE", "SITE_DATA", "TRANSIENT_CACHE", "LOGS")}
    assert _paths(cg) == [
        str(tmp_path / "cg-CACHE" / "a"),
        str(tmp_path / "cg-SITE_DATA" / "b"),
        str(tmp_path / "cg-TRANSIENT_CACHE" / "c"),
        str(tmp_path / "cg-LOGS" / "d"),
    ]
    # cgym's own variables win.
    ours = {f"CGYM_{k}": str(tmp_path / f"cgym-{k}") for k in ("CACHE", "SITE_DATA", "TRANSIENT_CACHE", "LOGS")}
    assert _paths({**cg, **ours}) == [
        str(tmp_path / "cgym-CACHE" / "a"),
        str(tmp_path / "cgym-SITE_DATA" / "b"),
        str(tmp_path / "cgym-TRANSIENT_CACHE" / "c"),
        str(tmp_path / "cgym-LOGS" / "d"),
    ]


def test_path_helpers_default_to_cgyms_directories(tmp_path):
    cache, site, transient, logs = _paths({"HOME": str(tmp_path), "USER": "someone"})
    assert cache == str(tmp_path / ".cache" / "cgym" / "a")
    assert site == str(tmp_path / ".local" / "share" / "cgym" / "b")
    assert transient.endswith("/cgym-someone/c")
    assert logs == str(tmp_path / "logs" / "cgym" / "d")


def test_path_helpers_agree_with_the_cpp_library(tmp_path):
    code = PATH_CODE + "\nfrom cgym import _cgym\np = _cgym._paths()\nprint(p['cache']); print(p['site_data'])\n"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CGYM_", "COMPILER_GYM_"))}
    r = run_python(code, env={**clean, "HOME": str(tmp_path), "CGYM_TRANSIENT_CACHE": str(tmp_path / "t")})
    assert r.returncode == 0, r.stderr
    cache, site, _, _, cpp_cache, cpp_site = r.stdout.split()
    assert cache == os.path.join(cpp_cache, "a")
    assert site == os.path.join(cpp_site, "b")


def test_the_cpp_library_honours_compiler_gyms_variables_as_python_does(tmp_path):
    # Both packages resolve COMPILER_GYM_* the same way (where no CGYM_* is set).
    code = PATH_CODE + "\nfrom cgym import _cgym\np = _cgym._paths()\nprint(p['cache']); print(p['site_data'])\n"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CGYM_", "COMPILER_GYM_"))}
    env = {**clean, "COMPILER_GYM_CACHE": str(tmp_path / "c"), "COMPILER_GYM_SITE_DATA": str(tmp_path / "s")}
    r = run_python(code, env={**env, "CGYM_TRANSIENT_CACHE": str(tmp_path / "t")})
    assert r.returncode == 0, r.stderr
    cache, site, _, _, cpp_cache, cpp_site = r.stdout.split()
    assert cpp_cache == str(tmp_path / "c") and cache == os.path.join(cpp_cache, "a")
    assert cpp_site == str(tmp_path / "s") and site == os.path.join(cpp_site, "b")


def test_create_user_logs_dir(tmp_path, monkeypatch):
    from compiler_gym.util.runfiles_path import create_user_logs_dir

    monkeypatch.delenv("CGYM_LOGS", raising=False)
    monkeypatch.setenv("COMPILER_GYM_LOGS", str(tmp_path))
    d = create_user_logs_dir("search")
    assert d.is_dir() and d.is_relative_to(tmp_path / "search")
    assert (tmp_path / "search" / "latest").resolve() == d.resolve()


# ---- the passes that LLVM 19 removed ------------------------------------------------

PRUNE_EH_STATE = "opt -mem2reg -prune-eh -gvn input.bc -o output.bc"


def test_a_removed_pass_fails_with_an_error_naming_it():
    import compiler_gym
    from compiler_gym.compiler_env_state import CompilerEnvState

    state = CompilerEnvState(benchmark=QSORT, commandline=PRUNE_EH_STATE)
    with compiler_gym.make("llvm-ic-v0") as env:
        with pytest.raises(LookupError, match=r"-prune-eh") as e:
            env.apply(state)
        assert isinstance(e.value, compiler_gym.errors.Error)
        assert "substitute_removed_passes" in str(e.value)
        with pytest.raises(LookupError, match=r"-prune-eh"):
            env.commandline_to_actions(PRUNE_EH_STATE)
        # validate() reports it as a failed validation that names the pass.
        result = env.validate(state)
        assert not result.okay()
        assert "-prune-eh" in result.error_details


@pytest.mark.parametrize("flag", ["-barrier", "-constprop", "-die", "-ipconstprop", "-loop-reroll", "-prune-eh"])
def test_each_removed_pass_is_named(flag):
    import compiler_gym
    from compiler_gym.compiler_env_state import CompilerEnvState

    with compiler_gym.make("llvm-ic-v0") as env:
        with pytest.raises(LookupError, match=flag):
            env.apply(CompilerEnvState(benchmark=QSORT, commandline=f"opt {flag} input.bc -o output.bc"))


def test_the_substitution_replays_with_a_warning(caplog):
    import compiler_gym
    from compiler_gym.compiler_env_state import CompilerEnvState
    from compiler_gym.envs.llvm import substitute_removed_passes

    state = CompilerEnvState(benchmark=QSORT, commandline=PRUNE_EH_STATE, reward=0.5)
    with caplog.at_level(logging.WARNING, logger="cgym.compat"):
        new = substitute_removed_passes(state)
    assert new.commandline == "opt -mem2reg -functionattrs -simplifycfg -gvn input.bc -o output.bc"
    assert new.benchmark == state.benchmark and new.reward == 0.5
    (record,) = [r for r in caplog.records if r.name == "cgym.compat"]
    assert record.levelno == logging.WARNING and "-prune-eh" in record.getMessage()

    with compiler_gym.make("llvm-ic-v0") as env, compiler_gym.make("llvm-ic-v0") as reference:
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="cgym.compat"):
            env.apply(state, substitute_removed_passes=True)
        assert any("-prune-eh" in r.getMessage() for r in caplog.records)
        reference.reset(benchmark=QSORT)
        reference.multistep(reference.commandline_to_actions(new.commandline))
        assert env.commandline() == reference.commandline()
        assert env.episode_reward == pytest.approx(reference.episode_reward)


def test_every_removed_pass_has_a_documented_substitute():
    from compiler_gym.envs.llvm import REMOVED_PASS_SUBSTITUTES, substitute_removed_passes

    assert sorted(REMOVED_PASS_SUBSTITUTES) == sorted(
        ["-barrier", "-constprop", "-die", "-ipconstprop", "-loop-reroll", "-prune-eh"]
    )
    line = "opt " + " ".join(REMOVED_PASS_SUBSTITUTES) + " input.bc -o output.bc"
    out = substitute_removed_passes(line)
    assert out == "opt -instsimplify -dce -ipsccp -functionattrs -simplifycfg input.bc -o output.bc"
    # The substitutes are actions of the env.
    with cgym.make("llvm-ic-v0") as env:
        env.reset(benchmark=QSORT)
        assert len(env.commandline_to_actions(out)) == 5
    # Nothing to replace: unchanged, no warning.
    assert substitute_removed_passes("opt -gvn input.bc -o output.bc") == "opt -gvn input.bc -o output.bc"


def test_validate_states_yields_one_result_per_state():
    import compiler_gym
    from compiler_gym.compiler_env_state import CompilerEnvState

    with compiler_gym.make("llvm-ic-v0", benchmark=QSORT) as env:
        env.reset()
        env.multistep([env.action_space["-mem2reg"], env.action_space["-gvn"]])
        good = env.state
    bad = CompilerEnvState(benchmark=QSORT, commandline=good.commandline, reward=good.reward + 1.0)
    results = list(compiler_gym.validate_states(lambda: compiler_gym.make("llvm-ic-v0"), [good, bad]))
    assert [r.okay() for r in results] == [True, False]
    assert "Reward mismatch" in results[1].error_details


def test_registering_a_python_env_says_how_to_add_one():
    from compiler_gym.util.registration import register

    with pytest.raises(NotImplementedError, match="CompilationSession"):
        register("my-env-v0", entry_point="my:Env")


def test_llvm_make_benchmark_from_a_c_file(tmp_path):
    import compiler_gym
    from compiler_gym.envs.llvm import make_benchmark

    source = tmp_path / "prog.c"
    source.write_text("int square(int x) { return x * x; }\nint main(void) { return square(3) - 9; }\n")
    benchmark = make_benchmark(str(source), copt=["-DUNUSED=1"])
    assert isinstance(benchmark, compiler_gym.datasets.Benchmark)
    with compiler_gym.make("llvm-ic-v0") as env:
        env.reset(benchmark=benchmark)
        assert "define" in env.ir and "square" in env.ir
        _, _, done, _ = env.step(env.action_space["-mem2reg"])
        assert not done
