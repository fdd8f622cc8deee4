"""Threads: compiler work releases the GIL, so two Python threads with two
envs run in parallel and give the same results as one thread."""

import threading

import cgym

BENCHMARKS = ["benchmark://cgym-v0/dijkstra", "benchmark://cgym-v0/qsort"]


def episode(uri: str, seed: int, steps: int = 60):
    with cgym.make("llvm-ic-v0", benchmark=uri) as env:
        env.reset()
        env.action_space.seed(seed)
        rewards = []
        for _ in range(steps):
            _, r, done, _ = env.step(env.action_space.sample())
            rewards.append(r)
            if done:
                break
        return rewards, env.commandline()


def test_two_threads_give_the_same_results_as_one():
    serial = [episode(u, i) for i, u in enumerate(BENCHMARKS)]
    results = [None, None]

    def run(i):
        results[i] = episode(BENCHMARKS[i], i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == serial


def test_a_fork_stepped_on_another_thread():
    with cgym.make("llvm-ic-v0", benchmark=BENCHMARKS[0]) as env:
        env.reset()
        env.step(env.action_space["-mem2reg"])
        fork = env.fork()
        actions = [env.action_space[f] for f in ("-gvn", "-simplifycfg", "-instcombine", "-licm")]
        out = {}

        def run():
            out["fork"] = [fork.step(a)[1] for a in actions]

        t = threading.Thread(target=run)
        t.start()
        mine = [env.step(a)[1] for a in actions]
        t.join()
        assert out["fork"] == mine
        fork.close()


def test_the_gil_is_released_during_a_step():
    # While one thread runs compiler work, another thread's Python code runs.
    with cgym.make("llvm-v0", benchmark="benchmark://cgym-v0/dijkstra") as env:
        env.reset()
        ticks = []
        stop = threading.Event()

        def ticker():
            while not stop.is_set():
                ticks.append(1)

        t = threading.Thread(target=ticker)
        t.start()
        for _ in range(5):
            env.observation["Programl"] if False else env._observation("Programl")
        stop.set()
        t.join()
        assert len(ticks) > 100
