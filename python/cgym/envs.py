"""CompilerEnv: the Python face of a C++ env, with CompilerGym's properties.

``reset()``, ``step()``, ``multistep()`` and every other call that does
compiler work go straight to the C++ env (``cgym._cgym.Env``), with the GIL
released. This module adds only what has to be Python: properties that
return space objects, the ``observation`` and ``reward`` views, the
with-statement, and the choice of Python class for forks and wrappers.
"""

from typing import Any, Dict, Iterator, List, Optional, Tuple, Union

from cgym import _cgym
from cgym.spaces import Commandline, ObservationSpaceSpec, Reward


class ObservationView:
    """``env.observation["Autophase"]``: computes an observation of the
    current state. ``env.observation.spaces`` maps names to their specs."""

    def __init__(self, env: "CompilerEnv") -> None:
        self._env = env

    def __getitem__(self, name: str) -> Any:
        name = _name(name)
        if name == "Programl":
            # CompilerGym's Programl is a networkx graph: it is built from the
            # node-link JSON that the C++ library computes (the bytes of the
            # C++ ProgramGraph serialisation are env._observation("Programl")).
            return _to_networkx(self._env._observation("ProgramlJson"))
        return self._env._observation(name)

    def __getattr__(self, name: str) -> Any:
        # CompilerGym allows env.observation.Autophase() too.
        if name.startswith("_"):
            raise AttributeError(name)
        return lambda: self[name]

    @property
    def spaces(self) -> Dict[str, ObservationSpaceSpec]:
        return {s.name: ObservationSpaceSpec(s) for s in self._env._observation_spaces()}

    def __contains__(self, name: str) -> bool:
        return any(s.name == name for s in self._env._observation_spaces())

    def __iter__(self) -> Iterator[str]:
        return iter(s.name for s in self._env._observation_spaces())


class RewardView:
    """``env.reward["IrInstructionCountOz"]``: the reward the last step earned
    under that space. ``env.reward.spaces`` maps names to :class:`Reward`."""

    def __init__(self, env: "CompilerEnv") -> None:
        self._env = env

    def __getitem__(self, name: str) -> float:
        return self._env._reward(_name(name))

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return lambda: self[name]

    @property
    def spaces(self) -> Dict[str, Reward]:
        return {s.name: Reward(s) for s in self._env._reward_spaces()}

    def __contains__(self, name: str) -> bool:
        return any(s.name == name for s in self._env._reward_spaces())

    def __iter__(self) -> Iterator[str]:
        return iter(s.name for s in self._env._reward_spaces())


class CompilerEnv(_cgym.Env):
    """A compiler optimization environment (CompilerGym's CompilerEnv).

    Make one with :func:`cgym.make`. It is closed by ``close()``, at the end
    of a ``with`` block, or when it is garbage-collected.
    """

    # -- construction, forks, closing ------------------------------------

    def fork(self) -> "CompilerEnv":
        """A deep copy of the episode; the two envs are independent afterwards."""
        return _wrap_core(self._fork())

    def __enter__(self) -> "CompilerEnv":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        try:
            return f"{type(self).__name__}({self.env_id})"
        except Exception:  # noqa: BLE001 - an empty handle
            return f"{type(self).__name__}(<no env>)"

    # -- spaces ------------------------------------------------------------

    @property
    def action_space(self) -> Commandline:
        """The current action space (seed it with ``action_space.seed(n)``)."""
        core = self._action_space()
        cache = self.__dict__.setdefault("_cgym_action_spaces", {})
        space = cache.get(core.name)
        if space is None or space.n != core.n:
            space = cache[core.name] = Commandline(core)
        return space

    @action_space.setter
    def action_space(self, space: Union[str, Commandline]) -> None:
        raise AttributeError(
            "the action space is chosen at reset: env.reset(action_space="
            f"{_name(space)!r}); valid spaces: {[s.name for s in self._action_spaces()]}"
        )

    @property
    def action_spaces(self) -> List[Commandline]:
        """Every action space the env offers (choose one at reset())."""
        return [Commandline(s) for s in self._action_spaces()]

    @property
    def observation_space(self) -> Optional[ObservationSpaceSpec]:
        """The default observation space, or None. Set it with a name, a
        space, or None."""
        name = self._observation_space()
        return None if name is None else self.observation.spaces[name]

    @observation_space.setter
    def observation_space(self, space: Union[None, str, ObservationSpaceSpec]) -> None:
        self._set_observation_space("" if space is None else _name(space))

    @property
    def observation_space_spec(self) -> Optional[ObservationSpaceSpec]:
        """CompilerGym's name for the default observation space's spec."""
        return self.observation_space

    @property
    def reward_space(self) -> Optional[Reward]:
        """The default reward space, or None. Set it with a name, a Reward,
        or None."""
        name = self._reward_space()
        return None if name is None else self.reward.spaces[name]

    @reward_space.setter
    def reward_space(self, space: Union[None, str, Reward]) -> None:
        self._set_reward_space("" if space is None else _name(space))

    @property
    def reward_range(self) -> Tuple[float, float]:
        """The default reward space's range, or (-inf, inf) without one."""
        space = self.reward_space
        return space.range if space else (float("-inf"), float("inf"))

    @property
    def observation(self) -> ObservationView:
        return ObservationView(self)

    @property
    def reward(self) -> RewardView:
        return RewardView(self)

    # -- benchmarks and datasets -------------------------------------------

    @property
    def benchmark(self) -> Optional[_cgym.Benchmark]:
        """The current benchmark. Setting it takes effect at the next
        reset(), as in CompilerGym."""
        pending = self._pending_benchmark()
        if pending is not None:
            return pending if isinstance(pending, _cgym.Benchmark) else self.datasets.benchmark(pending)
        return self._benchmark()

    @benchmark.setter
    def benchmark(self, benchmark: Union[str, _cgym.Benchmark]) -> None:
        self._set_pending_benchmark(benchmark)

    @property
    def datasets(self) -> _cgym.Datasets:
        """The env's datasets: iterate, index by name, resolve URIs."""
        return self._datasets()

    def make_benchmark(
        self,
        inputs: Union[str, List[str], Any],
        copt: Optional[List[str]] = None,
        system_includes: bool = True,
        timeout: int = 600,
    ) -> _cgym.Benchmark:
        """A benchmark from source or IR files (.c, .cc, .ll, .bc), compiled
        with the extra flags ``copt``."""
        del system_includes, timeout  # cgym always adds the system includes
        files = [str(inputs)] if isinstance(inputs, (str, bytes)) or hasattr(inputs, "__fspath__") else [
            str(i) for i in inputs
        ]
        fmt = "c" if self.env_id.startswith("gcc") else "bitcode"
        return _cgym._make_benchmark(files, list(copt or []), fmt)

    # -- CompilerGym names ---------------------------------------------------

    @property
    def spec(self) -> Any:
        """An object whose ``id`` is the env id (gym's EnvSpec, reduced)."""

        class _Spec:
            def __init__(self, env_id: str) -> None:
                self.id = env_id

            def __repr__(self) -> str:
                return f"EnvSpec({self.id})"

        return _Spec(self.env_id)

    @property
    def unwrapped(self) -> "CompilerEnv":
        """The env at the bottom of a wrapper stack (this env for a plain one)."""
        inner = self._unwrapped()
        return self if inner is None else _wrap_core(inner)

    @property
    def version(self) -> str:
        from cgym import __version__

        return __version__

    def render(self, mode: str = "human") -> Optional[str]:
        """Prints (mode "human") or returns (mode "ansi") the default
        observation, as CompilerGym does."""
        if self.observation_space is None:
            raise ValueError("render() needs an observation space: set env.observation_space")
        text = str(self.observation[self.observation_space.name])
        if mode == "human":
            print(text)
            return None
        if mode == "ansi":
            return text
        raise ValueError(f"render mode must be 'human' or 'ansi', not {mode!r}")


def _name(space: Any) -> str:
    if isinstance(space, str):
        return space
    name = getattr(space, "name", None)
    if isinstance(name, str):
        return name
    raise TypeError(f"expected a space name (str) or a space object, not {type(space).__name__}")


def _to_networkx(data: Any) -> Any:
    if not isinstance(data, dict):
        return data
    import networkx as nx

    return nx.readwrite.json_graph.node_link_graph(data, directed=True, multigraph=True)


# The Python class for each kind of C++ env, filled in by cgym.wrappers.
_KINDS: Dict[str, type] = {"CompilerEnv": CompilerEnv}


def _wrap_core(core: _cgym.Env) -> Any:
    """The Python object for a C++ env handle: a CompilerEnv, the Python class
    of its outermost C++ wrapper, or the Python env a forwarding env holds."""
    kind = core._kind()
    if kind == "Env":
        obj = _cgym._python_object(core)
        if obj is not None:
            return obj
    cls = _KINDS.get(kind, CompilerEnv)
    return cls._from_core(core) if hasattr(cls, "_from_core") else cls(core)


def make(env_id: str, **kwargs: Any) -> CompilerEnv:
    """Makes an env by id, e.g. ``cgym.make("llvm-ic-v0")``.

    Keyword arguments: ``benchmark``, ``observation_space``, ``reward_space``
    (None for none), ``action_space``, ``isolation`` ("in_process" or
    "process"), ``step_timeout``, ``reset_timeout``, ``memory_limit``, and
    backend options (``gcc_bin="gcc-12"``, ...), which the backend checks.
    """
    return CompilerEnv(env_id, **kwargs)
