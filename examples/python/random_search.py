#!/usr/bin/env python3
"""Random search over LLVM pass orderings, written to a state CSV.

Runs random episodes on one benchmark, keeps the best action sequence found
(the best prefix of any episode, by cumulative reward), replays it in a
fresh episode, and writes the result as one row of CompilerGym's state CSV
(``benchmark,reward,walltime,commandline``), which ``cgym validate`` and
``env.validate()`` check.

    python3 examples/python/random_search.py --benchmark cgym-v0/qsort \
        --episodes 50 --episode-length 40 --output best.csv

The search is reproducible: the same ``--seed`` gives the same result.
``--seconds`` bounds it by time instead (then it is not reproducible).
"""

import argparse
import sys
import time
from typing import List, Tuple

import cgym


def random_search(
    env: cgym.CompilerEnv,
    benchmark: str,
    episodes: int,
    episode_length: int,
    patience: int,
    seed: int,
    seconds: float = 0.0,
) -> Tuple[float, List[int], int]:
    """Runs random episodes; returns (best reward, its actions, episodes run).

    An episode ends after ``episode_length`` steps, after ``patience`` steps
    in a row without a better cumulative reward, or when the compiler fails.
    """
    env.action_space.seed(seed)
    best_reward, best_actions = 0.0, []
    deadline = time.monotonic() + seconds if seconds > 0 else None
    run = 0
    while (deadline is None and run < episodes) or (deadline is not None and time.monotonic() < deadline):
        run += 1
        env.reset(benchmark=benchmark)
        actions: List[int] = []
        total, episode_best, since_best = 0.0, 0.0, 0
        for _ in range(episode_length):
            action = env.action_space.sample()
            _, reward, done, _ = env.step(action)
            if done:  # the compiler failed: this prefix is worthless beyond here
                break
            actions.append(action)
            total += reward
            if total > best_reward + 1e-12:
                best_reward, best_actions = total, list(actions)
            if total > episode_best + 1e-12:
                episode_best, since_best = total, 0
            else:
                since_best += 1
                if since_best >= patience:
                    break
    return best_reward, best_actions, run


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--env", default="llvm-ic-v0", help="env id (default: %(default)s)")
    parser.add_argument("--benchmark", default="benchmark://cgym-v0/qsort")
    parser.add_argument("--episodes", type=int, default=20, help="number of episodes (default: %(default)s)")
    parser.add_argument("--seconds", type=float, default=0.0, help="search for this long instead of --episodes")
    parser.add_argument("--episode-length", type=int, default=40)
    parser.add_argument("--patience", type=int, default=15, help="steps without improvement that end an episode")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", default="random_search.csv", help="the state CSV to write")
    args = parser.parse_args(argv)

    with cgym.make(args.env) as env:
        if env.reward_space is None:
            parser.error(f"{args.env} has no default reward space: use an env such as llvm-ic-v0")
        start = time.monotonic()
        best_reward, best_actions, episodes = random_search(
            env, args.benchmark, args.episodes, args.episode_length, args.patience, args.seed, args.seconds
        )
        # Replay the best sequence so that the state (and its walltime) is
        # that of one clean episode.
        env.reset(benchmark=args.benchmark)
        if best_actions:
            env.multistep(best_actions)
        state = env.state
        with cgym.CompilerEnvStateWriter(open(args.output, "w")) as writer:
            writer.write_state(state, flush=True)
        print(f"{episodes} episodes in {time.monotonic() - start:.1f} s")
        print(f"best reward {env.episode_reward:.6f} ({len(best_actions)} actions), found {best_reward:.6f}")
        print(f"commandline: {state.commandline}")
        print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
