#!/usr/bin/python3
"""What the Python layer costs over the C++ library, measured in one run.

Prints markdown tables (bench/run_all puts them into docs/performance.md):
- env.step() from Python against the same step timed in C++ on the same env;
- an Autophase observation to numpy against the C++ observation;
- two Python threads with two envs against one thread (and against two
  processes, the limit of this machine);
- RSS before and after 10,000 make/close cycles.

Run: PYTHONPATH=<build>/python /usr/bin/python3 bench/python/python_bench.py [--quick]
"""

import argparse
import gc
import multiprocessing
import os
import statistics
import sys
import threading
import time
from typing import Callable, List

import cgym
from cgym import _cgym

CRC32 = "benchmark://cgym-v0/crc32"
DIJKSTRA = "benchmark://cgym-v0/dijkstra"


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def fmt_time(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.2f} µs"
    return f"{seconds * 1e3:.3f} ms"


def python_loop(fn: Callable[[], object], n: int) -> List[float]:
    out = []
    clock = time.perf_counter
    for _ in range(n):
        t0 = clock()
        fn()
        out.append(clock() - t0)
    return out


def bench_step(reps: int, batch: int) -> List[str]:
    """Python env.step vs C++ step, alternating batches on one env."""
    rows = []
    for flag in ("-globaldce", "-gvn"):
        env = cgym.make("llvm-ic-v0", benchmark=CRC32)
        env.reset()
        a = env.action_space[flag]
        env.step(a)  # after the first, the pass has no effect: the same work every step
        py, cpp = [], []
        for _ in range(reps):
            cpp.append(statistics.median(_cgym._bench_cpp_steps(env, a, batch)))
            py.append(statistics.median(python_loop(lambda: env.step(a), batch)))
            if len(env.actions) > 20000:
                env.reset()
                env.step(a)
        env.close()
        p, c = statistics.median(py), statistics.median(cpp)
        rows.append(
            f"| env.step {flag} (crc32, llvm-ic-v0) | {fmt_time(p)} | {fmt_time(c)} | "
            f"{p / c:.3f}× | ≤ 1.10× |"
        )
    return rows


def bench_observation(reps: int, batch: int) -> List[str]:
    env = cgym.make("llvm-v0", benchmark="benchmark://cgym-v0/qsort")
    env.reset()
    env.observation["Autophase"]  # computed once, then served from the env's cache
    py, cpp = [], []
    for _ in range(reps):
        cpp.append(statistics.median(_cgym._bench_cpp_observations(env, "Autophase", batch)))
        py.append(statistics.median(python_loop(lambda: env.observation["Autophase"], batch)))
    env.close()
    p, c = statistics.median(py), statistics.median(cpp)
    return [
        f"| Autophase (qsort, cached) to numpy | {fmt_time(p)} | {fmt_time(c)} | "
        f"+{(p - c) * 1e6:.2f} µs | ≤ +5 µs |"
    ]


def walk(uri: str, seconds: float, seed: int) -> int:
    """Random steps on one env for `seconds`; returns the number of steps."""
    env = cgym.make("llvm-ic-v0", benchmark=uri)
    env.reset()
    env.action_space.seed(seed)
    steps = 0
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        _, _, done, _ = env.step(env.action_space.sample())
        steps += 1
        if done or steps % 50 == 0:
            env.reset()
    env.close()
    return steps


def _walk_process(args):
    return walk(*args)


def bench_threads(seconds: float, reps: int) -> List[str]:
    one, two, procs = [], [], []
    for r in range(reps):
        one.append(walk(DIJKSTRA, seconds, r) / seconds)
        counts = [0, 0]

        def run(i):
            counts[i] = walk(DIJKSTRA, seconds, 100 + i + r)

        ts = [threading.Thread(target=run, args=(i,)) for i in range(2)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        two.append(sum(counts) / seconds)
        with multiprocessing.get_context("spawn").Pool(2) as pool:
            procs.append(sum(pool.map(_walk_process, [(DIJKSTRA, seconds, 200 + r), (DIJKSTRA, seconds, 300 + r)])) / seconds)
    o, t, p = statistics.median(one), statistics.median(two), statistics.median(procs)
    return [
        f"| 2 Python threads × 1 env vs 1 thread (dijkstra, random walk) | {t:.0f} steps/s | "
        f"{o:.0f} steps/s | {t / o:.2f}× | ≥ 1.8× |",
        f"| 2 processes × 1 env vs 1 process (the same walk, the machine's limit) | {p:.0f} steps/s | "
        f"{o:.0f} steps/s | {p / o:.2f}× | |",
    ]


def bench_leak(cycles: int) -> List[str]:
    for _ in range(500):  # warm up: registry, datasets, allocator pools
        cgym.make("llvm-ic-v0").close()
    gc.collect()
    before = rss_mb()
    for _ in range(cycles):
        env = cgym.make("llvm-ic-v0")
        env.close()
    gc.collect()
    after = rss_mb()
    episodes = max(cycles // 10, 100)
    for _ in range(100):
        with cgym.make("llvm-ic-v0", benchmark=CRC32) as env:
            env.reset()
            env.step(0)
    gc.collect()
    before_e = rss_mb()
    for _ in range(episodes):
        with cgym.make("llvm-ic-v0", benchmark=CRC32) as env:
            env.reset()
            env.step(0)
    gc.collect()
    after_e = rss_mb()
    return [
        f"| RSS after {cycles:,} make/close cycles | {after:.1f} MB | {before:.1f} MB (before) | "
        f"{after - before:+.1f} MB | no growth |",
        f"| RSS after {episodes:,} make/reset/step/close cycles | {after_e:.1f} MB | "
        f"{before_e:.1f} MB (before) | {after_e - before_e:+.1f} MB | no growth |",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    q = args.quick
    rows = []
    rows += bench_step(reps=5 if q else 15, batch=200 if q else 1000)
    rows += bench_observation(reps=5 if q else 15, batch=500 if q else 2000)
    rows += bench_threads(seconds=1.0 if q else 3.0, reps=1 if q else 3)
    rows += bench_leak(cycles=2000 if q else 10000)
    print("`bench/python/python_bench.py` — the Python layer over the C++ library; each")
    print("Python figure is compared with the same call timed in C++ (or the same work")
    print("in one thread) in the same run; medians of alternating batches.")
    print()
    print("| Measure | Python | Baseline (same run) | Ratio | Target |")
    print("|---|---|---|---|---|")
    for r in rows:
        print(r)
    return 0


if __name__ == "__main__":
    sys.exit(main())
