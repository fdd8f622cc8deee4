"""CompilerGym's FAQ snippets, run verbatim on cgym's compiler_gym package.

The snippets are those of CompilerGym's FAQ (docs/source/faq.rst, published
at compilergym.com/faq.html): "Why does my environment's step() function
return done?" (make, reset, 1,000 random steps, ``info.get("error_details")``,
reset after done) and "How do I debug crashes or errors?" (logging), plus the
with-statement and try/finally patterns that its getting-started guide
recommends for closing an env. Each is written as it is there, with its
import line ``import compiler_gym`` (which is cgym's compatibility package);
lines marked "added" only record what the assertions check.

One substitution: CompilerGym's ``cbench-v1`` programs are a download
(CompilerGym fetches them on first use), which CI cannot do, so the
snippets run on cgym's bundled ``benchmark://cgym-v0/...`` programs instead:
``compiler_gym.make("llvm-v0")`` resets to cgym's default benchmark
(``benchmark://cgym-v0/crc32``) where CompilerGym's is
``benchmark://cbench-v1/qsort``, and the tests that name a benchmark use
``cgym-v0/qsort`` for ``cbench-v1/qsort`` and ``cgym-v0/crc32`` for
``cbench-v1/crc32``.
"""

import math

import pytest

QSORT = "benchmark://cgym-v0/qsort"  # for CompilerGym's benchmark://cbench-v1/qsort
CRC32 = "benchmark://cgym-v0/crc32"  # for CompilerGym's benchmark://cbench-v1/crc32


def test_the_faq_done_snippet_verbatim(capsys):
    # "Why does my environment's step() function return done?"
    import compiler_gym
    env = compiler_gym.make("llvm-v0")
    env.reset()
    for _ in range(1000):
        observation, reward, done, info = env.step(env.action_space.sample())
        if done:
            print(info.get("error_details"))
            env.reset()

    # Every episode that ended said why (no "None" printed), and the env is
    # still in an episode of at most 1,000 actions.
    assert "None" not in capsys.readouterr().out.split("\n")
    assert env.in_episode and len(env.actions) <= 1000
    assert str(env.benchmark) == "benchmark://cgym-v0/crc32"  # for cbench-v1/qsort
    env.close()


def test_the_faq_done_snippet_on_a_failing_compiler(capsys):
    # The same snippet, with the compiler made to fail on the first action, so
    # that its done branch runs: error_details is printed, and reset() goes on.
    import compiler_gym
    env = compiler_gym.make("llvm-v0")
    env.reset()
    env.send_session_parameter("llvm.test.fatal_error_on_next_action", "1")  # added
    steps_since_reset = 0  # added
    for _ in range(1000):
        observation, reward, done, info = env.step(env.action_space.sample())
        steps_since_reset += 1  # added
        if done:
            print(info.get("error_details"))
            env.reset()
            steps_since_reset = 0  # added

    # The injected fault ended the first episode. Random actions can also hit
    # a real LLVM 19 crash later (e.g. -loop-bound-split on some states),
    # which ends another episode the same way; the env then holds exactly the
    # actions taken since the last reset.
    printed = [line for line in capsys.readouterr().out.split("\n") if line]
    assert printed and "fault injected" in printed[0]
    assert "None" not in printed
    assert env.in_episode and len(env.actions) == steps_since_reset
    env.close()


FAQ_LOGGING = """
import logging
logging.basicConfig(level=logging.DEBUG)

# ... rest of script
"""

FAQ_LOGGING_VERBOSE = """
import logging
import os
os.environ["COMPILER_GYM_DEBUG"] = "4"
logging.basicConfig(level=logging.DEBUG)

# ... rest of script
"""

# The rest of the script: an episode whose first action makes the compiler fail.
REST_OF_SCRIPT = """
import compiler_gym
print("debug level", compiler_gym.get_debug_level())
env = compiler_gym.make("llvm-v0")
env.reset()
env.send_session_parameter("llvm.test.fatal_error_on_next_action", "1")
observation, reward, done, info = env.step(env.action_space.sample())
assert done
env.close()
"""


@pytest.mark.parametrize("snippet,level", [(FAQ_LOGGING, 0), (FAQ_LOGGING_VERBOSE, 4)])
def test_the_faq_logging_snippets(snippet, level):
    # "How do I debug crashes or errors?": with logging.basicConfig(DEBUG), the
    # library's records reach the root handler (stderr); COMPILER_GYM_DEBUG=4
    # makes the library log everything.
    import os

    from conftest import run_python

    env = {k: v for k, v in os.environ.items() if k not in ("CGYM_DEBUG", "COMPILER_GYM_DEBUG")}
    r = run_python(snippet + REST_OF_SCRIPT, env=env)
    assert r.returncode == 0, r.stderr
    assert f"debug level {level}" in r.stdout
    if level:
        # The compiler failure is logged, by cgym's C++ library, on a child of
        # the "cgym" logger (CompilerGym's is "compiler_gym").
        assert ":cgym.core:" in r.stderr, r.stderr


def test_import_and_make_as_in_the_faq():
    # "How do I use CompilerGym?": import, make, reset, close.
    import compiler_gym

    env = compiler_gym.make("llvm-v0", benchmark=QSORT)
    env.reset()
    env.close()

    assert env.is_closed
    assert "llvm-v0" in compiler_gym.COMPILER_GYM_ENVS


def test_1000_random_steps_with_reset_after_done():
    # "When does a compiler environment consider an episode done?": 1,000
    # random steps; a done episode (the compiler failed) is reported in
    # info["error_details"], and the env is reset to go on.
    import compiler_gym

    env = compiler_gym.make("llvm-ic-v0", benchmark=QSORT)
    env.reset()
    env.action_space.seed(0)  # added: makes the test reproducible

    rewards = []  # added: what the assertions check
    episodes = 0  # added
    for _ in range(1000):
        observation, reward, done, info = env.step(env.action_space.sample())
        rewards.append(reward)  # added
        if done:
            print(info.get("error_details"))
            # added: a done episode explains itself
            assert info.get("error_details"), info
            assert info.get("error_type"), info
            # added: the failed step's reward brings the episode's return back to 0
            assert math.isclose(sum(rewards), 0.0, abs_tol=1e-6), sum(rewards)
            rewards = []
            episodes += 1
            env.reset()

    # The rewards of the last (unfinished) episode sum to its episode_reward.
    assert env.episode_reward == pytest.approx(sum(rewards), rel=1e-6, abs=1e-9)
    assert len(env.actions) == len(rewards)
    env.close()


def test_the_state_of_1000_random_steps_replays():
    # The FAQ's loop, followed by a replay of the episode's state: the same
    # 1,000 actions must give the same reward again.
    import compiler_gym

    env = compiler_gym.make("llvm-ic-v0", benchmark=QSORT)
    env.reset()
    env.action_space.seed(0)
    for _ in range(1000):
        observation, reward, done, info = env.step(env.action_space.sample())
        if done:
            env.reset()
    result = env.validate(env.state)
    assert result.okay(), result.error_details
    env.close()


def test_error_details_of_a_failed_step():
    # info.get("error_details") is None while all is well, and says what went
    # wrong on the step that ends the episode; reset() goes on.
    import compiler_gym

    env = compiler_gym.make("llvm-ic-v0", benchmark=CRC32)
    env.reset()
    observation, reward, done, info = env.step(env.action_space["-mem2reg"])
    assert not done
    assert info.get("error_details") is None
    assert "action_had_no_effect" in info

    # added: make the compiler fail on the next action (a test hook of the
    # LLVM backend: an LLVM fatal error inside the pass).
    env.send_session_parameter("llvm.test.fatal_error_on_next_action", "1")
    observation, reward, done, info = env.step(env.action_space.sample())
    if done:
        print(info.get("error_details"))
        env.reset()

    assert done
    assert info.get("error_details") and info.get("error_type")
    assert env.in_episode and env.actions == []  # reset() started a new episode
    observation, reward, done, info = env.step(env.action_space["-mem2reg"])
    assert not done and info.get("error_details") is None
    env.close()


def test_the_with_statement_closes_the_env():
    # "Do I need to close the environment?": the with-statement.
    import compiler_gym

    with compiler_gym.make("llvm-v0", benchmark=QSORT) as env:
        env.reset()
        # use env how you like
        observation, reward, done, info = env.step(env.action_space.sample())

    assert env.is_closed
    assert not done
    env.close()  # closing twice is fine


def test_try_finally_closes_the_env():
    # "Do I need to close the environment?": try/finally.
    import compiler_gym

    env = compiler_gym.make("llvm-v0", benchmark=QSORT)
    try:
        env.reset()
        # use env how you like
        env.step(env.action_space.sample())
    finally:
        env.close()

    assert env.is_closed


def test_try_finally_closes_the_env_after_an_exception():
    import compiler_gym

    env = compiler_gym.make("llvm-v0", benchmark=QSORT)
    with pytest.raises(ValueError):
        try:
            env.reset()
            env.step(10**6)  # an action out of range: misuse raises
        finally:
            env.close()
    assert env.is_closed
