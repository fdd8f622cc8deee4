"""Logging goes through Python's logging, on the logger "cgym" and its
children; CGYM_DEBUG and COMPILER_GYM_DEBUG set the level."""

import logging
import os

import pytest

import cgym
from conftest import run_python


def test_cpp_log_records_reach_the_cgym_logger(caplog):
    # A failed step makes the C++ library log at info level.
    cgym.set_debug_level(1)
    try:
        with caplog.at_level(logging.INFO, logger="cgym"):
            with cgym.make("llvm-ic-v0", benchmark="benchmark://cgym-v0/crc32") as env:
                env.reset()
                env.send_session_parameter("llvm.test.fatal_error_on_next_action", "1")
                _, _, done, _ = env.step(env.action_space["-mem2reg"])
                assert done
        records = [r for r in caplog.records if r.name == "cgym.core"]
        assert any("ended with" in r.getMessage() for r in records), caplog.records
        assert all(r.levelno == logging.INFO for r in records)
    finally:
        cgym.set_debug_level(0)
    assert cgym.get_debug_level() == 0
    # At level 0 the same failure logs nothing below WARNING.
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="cgym"):
        with cgym.make("llvm-ic-v0", benchmark="benchmark://cgym-v0/crc32") as env:
            env.reset()
            env.send_session_parameter("llvm.test.fatal_error_on_next_action", "1")
            env.step(env.action_space["-mem2reg"])
    assert not [r for r in caplog.records if r.name == "cgym.core"]


def test_debug_level_bounds():
    with pytest.raises(cgym.InvalidArgument):
        cgym.set_debug_level(9)


@pytest.mark.parametrize("var", ["CGYM_DEBUG", "COMPILER_GYM_DEBUG"])
def test_debug_variables(var):
    env = {k: v for k, v in os.environ.items() if k not in ("CGYM_DEBUG", "COMPILER_GYM_DEBUG")}
    env[var] = "2"
    r = run_python("import cgym; print(cgym.get_debug_level())", env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "2"
