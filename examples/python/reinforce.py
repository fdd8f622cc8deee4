#!/usr/bin/env python3
"""REINFORCE on llvm-autophase-ic-v0 with PyTorch and cgym.VectorEnv.

A small policy network reads the Autophase observation (56 counts) and picks
the next pass from a short list of useful flags. Each training iteration
runs ``--num-envs`` episodes of ``--episode-length`` steps in parallel in a
VectorEnv (the steps run in C++ threads), then takes one policy-gradient
step on the episodes' discounted returns, minus their mean. At the end the
greedy policy optimizes each benchmark once, and the resulting states are
written as a state CSV (``--output``), which ``env.validate()`` replays.

Everything is seeded (``--seed``): the same arguments give the same
numbers. The default run is short (well under a minute on 2 cores); train
longer with, for example::

    python3 examples/python/reinforce.py --iterations 200 --num-envs 8 --episode-length 40
"""

import argparse
import sys
import time
from typing import List

import numpy as np
import torch
from torch import nn

import cgym

ENV_ID = "llvm-autophase-ic-v0"  # Autophase observation, IrInstructionCountOz reward

# The passes the policy chooses from (a subset keeps the short run useful).
FLAGS = [
    "-mem2reg", "-sroa", "-instcombine", "-simplifycfg", "-gvn", "-early-cse",
    "-dce", "-adce", "-licm", "-loop-rotate", "-reassociate", "-sccp",
    "-jump-threading", "-tailcallelim", "-inline", "-globaldce", "-deadargelim",
    "-functionattrs", "-ipsccp", "-loop-deletion",
]  # fmt: skip


class Policy(nn.Module):
    """Autophase features -> logits over FLAGS."""

    def __init__(self, num_features: int, num_actions: int, hidden: int = 64) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(num_features, hidden), nn.Tanh(), nn.Linear(hidden, num_actions))

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return self.net(features)


def features(observations: np.ndarray) -> torch.Tensor:
    """Autophase counts (one row per env) -> log-scaled float features."""
    return torch.log1p(torch.as_tensor(np.asarray(observations, dtype=np.float32)).clamp(min=0))


def train(args: argparse.Namespace, benchmarks: List[str], actions: List[int]) -> Policy:
    policy = Policy(56, len(actions))
    optimizer = torch.optim.Adam(policy.parameters(), lr=args.lr)
    action_table = np.asarray(actions, dtype=np.int64)

    def factory(i: int) -> cgym.CompilerEnv:
        return cgym.make(ENV_ID, benchmark=benchmarks[i % len(benchmarks)])

    with cgym.VectorEnv(factory, args.num_envs, auto_reset=True, seed=args.seed) as venv:
        for iteration in range(1, args.iterations + 1):
            observations = venv.reset()
            log_probs, entropies, rewards, dones = [], [], [], []
            for _ in range(args.episode_length):
                dist = torch.distributions.Categorical(logits=policy(features(observations)))
                choice = dist.sample()
                observations, reward, done, _ = venv.step(action_table[choice.numpy()])
                log_probs.append(dist.log_prob(choice))
                entropies.append(dist.entropy())
                rewards.append(torch.as_tensor(np.asarray(reward, dtype=np.float32)))
                dones.append(torch.as_tensor(np.asarray(done, dtype=np.float32)))
            # Discounted returns, restarting where an episode ended (auto_reset).
            returns, running = [], torch.zeros(args.num_envs)
            for r, d in zip(reversed(rewards), reversed(dones)):
                running = r + args.gamma * running * (1.0 - d)
                returns.append(running)
            returns_t = torch.stack(list(reversed(returns)))
            advantages = returns_t - returns_t.mean()
            advantages = advantages / (advantages.std() + 1e-8)
            loss = -(torch.stack(log_probs) * advantages).mean() - args.entropy * torch.stack(entropies).mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            episode_return = torch.stack(rewards).sum(0).mean().item()
            print(f"iteration {iteration:3d}  mean return {episode_return:+.4f}  loss {loss.item():+.4f}", flush=True)
    return policy


def evaluate(
    policy: Policy, benchmarks: List[str], actions: List[int], episode_length: int
) -> List[cgym.CompilerEnvState]:
    """The greedy policy's episode on each benchmark, as states."""
    states = []
    with cgym.make(ENV_ID) as env, torch.no_grad():
        for benchmark in benchmarks:
            observation = env.reset(benchmark=benchmark)
            for _ in range(episode_length):
                choice = int(policy(features(observation[None, :])).argmax(dim=1).item())
                observation, _, done, _ = env.step(actions[choice])
                if done:
                    break
            states.append(env.state)
            print(f"greedy policy on {benchmark}: reward {env.episode_reward:+.4f}")
    return states


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--benchmarks", default="cgym-v0/qsort,cgym-v0/crc32", help="comma-separated URIs")
    parser.add_argument("--iterations", type=int, default=30)
    parser.add_argument("--num-envs", type=int, default=4)
    parser.add_argument("--episode-length", type=int, default=15)
    parser.add_argument("--gamma", type=float, default=0.95)
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--entropy", type=float, default=0.01, help="entropy bonus weight")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", default="reinforce.csv", help="the state CSV of the greedy episodes")
    args = parser.parse_args(argv)

    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(1)  # small nets: one thread is fastest, and deterministic
    benchmarks = [b if "://" in b else f"benchmark://{b}" for b in args.benchmarks.split(",") if b]

    with cgym.make(ENV_ID) as env:
        actions = [env.action_space[flag] for flag in FLAGS]

    start = time.monotonic()
    policy = train(args, benchmarks, actions)
    states = evaluate(policy, benchmarks, actions, args.episode_length)
    with cgym.CompilerEnvStateWriter(open(args.output, "w")) as writer:
        for state in states:
            writer.write_state(state)
    print(f"wrote {args.output} in {time.monotonic() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
