#!/usr/bin/env python3
"""The README's C++ demo, in Python.

Makes llvm-ic-v0, resets it on qsort with the Autophase observation, takes
up to 20 random actions, forks the episode, and prints the command line and
the episode's reward. The action space is seeded with 0: its engine is the
C++ ``cgym::Rng``, so the actions are those of the C++ demo's ``Rng rng(0)``.
"""

import cgym


def main() -> None:
    with cgym.make("llvm-ic-v0") as env:  # closed at the end of the block (or when collected)
        env.reset(benchmark="benchmark://cgym-v0/qsort", observation_space="Autophase")
        env.action_space.seed(0)
        for _ in range(20):
            observation, reward, done, info = env.step(env.action_space.sample())
            if done:  # a compiler failure ends the episode: see info["error_type"]
                break
        fork = env.fork()  # an independent copy of the episode
        print(env.state.commandline)
        print(env.episode_reward)
        fork.close()


if __name__ == "__main__":
    main()
