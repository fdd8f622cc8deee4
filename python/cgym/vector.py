"""VectorEnv: N envs stepped on a pool of C++ threads.

The batch runs in C++ with the GIL released; fixed-shape observations come
back as one numpy array of shape ``(num_envs, ...)``, rewards and dones as
numpy arrays, infos as a list of dicts.
"""

from typing import Any, Callable, List, Optional, Sequence, Tuple, Union

import numpy as np

from cgym import _cgym
from cgym.envs import CompilerEnv, _wrap_core
from cgym.wrappers import _core_of


class VectorEnv:
    """``num_envs`` envs stepped in parallel.

    ``env`` is an env id (each env is ``cgym.make(env, **make_options)``) or a
    callable ``factory(i)`` that returns a new env (a cgym env, wrapped or not;
    the VectorEnv takes it over).

    >>> venv = cgym.VectorEnv("llvm-autophase-ic-v0", 4, benchmark="cgym-v0/qsort")
    >>> obs = venv.reset()                      # shape (4, 56)
    >>> obs, rewards, dones, infos = venv.step([0, 1, 2, 3])
    """

    def __init__(
        self,
        env: Union[str, Callable[[int], Any]],
        num_envs: int,
        num_threads: int = 0,
        auto_reset: bool = False,
        seed: int = 0,
        seeds: Optional[Sequence[int]] = None,
        benchmark: Any = None,
        observation_space: Optional[str] = None,
        reward_space: Optional[str] = None,
        **make_options: Any,
    ) -> None:
        if isinstance(env, str):
            env_id = env

            def factory(i: int) -> _cgym.Env:
                return CompilerEnv(env_id, **make_options)

        elif callable(env):
            if make_options:
                raise TypeError(f"make options {sorted(make_options)} need an env id, not a factory")
            user_factory = env

            def factory(i: int) -> _cgym.Env:
                return _core_of(user_factory(i))

        else:
            raise TypeError(f"env must be an env id or a factory, not {type(env).__name__}")
        self._venv = _cgym._VectorEnv(
            factory,
            int(num_envs),
            int(num_threads),
            bool(auto_reset),
            int(seed),
            [int(s) for s in (seeds or [])],
            benchmark,
            observation_space,
            reward_space,
        )

    @property
    def num_envs(self) -> int:
        return self._venv.num_envs

    @property
    def num_threads(self) -> int:
        return self._venv.num_threads

    def __len__(self) -> int:
        return len(self._venv)

    def env(self, i: int) -> CompilerEnv:
        """Env ``i``, for use between batches (never while a request is out)."""
        return _wrap_core(self._venv._env(i))

    @property
    def envs(self) -> List[CompilerEnv]:
        return [self.env(i) for i in range(self.num_envs)]

    def seed(self, i: int) -> int:
        """The seed of env ``i``."""
        return self._venv.seed(i)

    def reset(self) -> Any:
        """Resets every env; returns the stacked observations."""
        return self._venv.reset()

    def step(self, actions: Sequence[int]) -> Tuple[Any, np.ndarray, np.ndarray, List[dict]]:
        """Steps env i with ``actions[i]``: (observations, rewards, dones, infos)."""
        return self._venv.step([int(a) for a in actions])

    def send(self, actions: Sequence[int], env_ids: Sequence[int]) -> None:
        """Queues a step for each env of ``env_ids``."""
        self._venv.send([int(a) for a in actions], [int(i) for i in env_ids])

    def recv(self, min_results: int = 1) -> Tuple[List[int], Any, np.ndarray, np.ndarray, List[dict]]:
        """Waits for at least ``min_results`` steps: (env_ids, observations,
        rewards, dones, infos), in order of completion."""
        return self._venv.recv(int(min_results))

    @property
    def outstanding(self) -> int:
        return self._venv.outstanding

    def close(self) -> None:
        """Closes every env. Idempotent."""
        self._venv.close()

    def __enter__(self) -> "VectorEnv":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
