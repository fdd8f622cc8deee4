"""Spaces with the gym interface: ``sample()``, ``contains()``, ``seed()``.

Neither gym nor gymnasium is needed: the classes follow their interface
without importing them. Each space made by an env wraps the C++ space it
came from, so ``sample()`` and ``contains()`` are the C++ library's, and a
:class:`Commandline` space renders and parses command lines exactly as the
C++ ``ActionSpace`` does.
"""

from typing import Any, Iterable, List, Optional, Sequence as SequenceType, Tuple

import numpy as np

from cgym import _cgym


class Space:
    """The base of every space: a name, a seedable random engine, sample()
    and contains()."""

    def __init__(self, name: Optional[str] = None) -> None:
        self.name = name
        self._rng = _cgym.Rng()

    def seed(self, seed: Optional[int] = None) -> List[int]:
        """Seeds the space's random engine; returns ``[seed]`` as gym does."""
        self._rng.seed(seed)
        return [seed] if seed is not None else []

    def sample(self) -> Any:
        """A random element of the space."""
        raise NotImplementedError(f"{type(self).__name__} cannot be sampled")

    def contains(self, x: Any) -> bool:
        """True when ``x`` is an element of the space."""
        raise NotImplementedError

    def __contains__(self, x: Any) -> bool:
        return self.contains(x)

    @property
    def id(self) -> Optional[str]:  # noqa: A003
        """CompilerGym's older name for :attr:`name`."""
        return self.name


class Discrete(Space):
    """The integers ``0 .. n-1``."""

    def __init__(self, n: int, name: Optional[str] = None) -> None:
        super().__init__(name)
        if n < 1:
            raise ValueError(f"Discrete space needs n >= 1, got {n}")
        self.n = int(n)
        self.shape: Tuple[int, ...] = ()
        self.dtype = np.dtype(np.int64)

    def sample(self) -> int:
        return int(self._rng.randrange(self.n))

    def contains(self, x: Any) -> bool:
        if isinstance(x, (bool, np.bool_)):
            return False
        try:
            i = int(x)
        except (TypeError, ValueError):
            return False
        return i == x and 0 <= i < self.n

    def __len__(self) -> int:
        return self.n

    def __repr__(self) -> str:
        return f"Discrete({self.n})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Discrete) and other.n == self.n and other.name == self.name


class NamedDiscrete(Discrete):
    """A discrete space whose elements have names."""

    def __init__(self, items: Iterable[str], name: Optional[str] = None) -> None:
        names = [str(i) for i in items]
        super().__init__(len(names), name)
        self.names = names

    def __getitem__(self, name: str) -> int:
        """The index of the element called ``name``."""
        try:
            return self.names.index(name)
        except ValueError:
            raise _lookup(f"'{name}' is not in space '{self.name}'") from None

    def to_string(self, values: SequenceType[int]) -> str:
        """The names of ``values``, joined by spaces."""
        return " ".join(self.names[v] for v in values)

    def __repr__(self) -> str:
        return f"NamedDiscrete({self.name}, n={self.n})"


class Commandline(NamedDiscrete):
    """A NamedDiscrete space over command-line flags (an env's action space).

    ``to_string()`` and ``from_string()`` are the C++ ``ActionSpace``'s
    command-line rendering and parsing, so they round-trip exactly.
    """

    def __init__(self, core: "_cgym.ActionSpace") -> None:
        self._core = core
        super().__init__(core.names, core.name)
        self.flags: List[str] = core.flags
        self.descriptions: List[str] = core.descriptions

    @property
    def actions(self) -> List["_cgym.ActionInfo"]:
        """Every action's name, flag, description and determinism."""
        return self._core.actions

    def __getitem__(self, name_or_flag: str) -> int:
        return self._core.index(name_or_flag)

    def contains(self, x: Any) -> bool:
        return bool(self._core.contains(x))

    def sample(self) -> int:
        return self._core.sample(self._rng)

    def to_string(self, values: SequenceType[int]) -> str:
        """The command line that applies ``values``."""
        return self._core.to_commandline([int(v) for v in values])

    def from_string(self, commandline: str) -> List[int]:
        """The actions of a command line written by :meth:`to_string`."""
        return self._core.from_commandline(commandline)

    def __repr__(self) -> str:
        return f"Commandline({self.name}, n={self.n})"


class _CoreSpace(Space):
    """An observation space backed by a C++ ``Space``."""

    def __init__(self, core: "_cgym.Space", name: Optional[str]) -> None:
        super().__init__(name)
        self._core = core

    def sample(self) -> Any:
        return self._core.sample(self._rng)

    def contains(self, x: Any) -> bool:
        return bool(self._core.contains(x))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name}: {self._core!r})"


_DTYPES = {
    "int64": np.int64,
    "double": np.float64,
    "bool": np.bool_,
    "int64 vector": np.int64,
    "double vector": np.float64,
    "string": str,
    "bytes": bytes,
    "json": dict,
}


class Box(_CoreSpace):
    """A vector of numbers with a shape and a range (gym's Box)."""

    def __init__(self, core: "_cgym.Space", name: Optional[str] = None) -> None:
        super().__init__(core, name)
        self.shape: Tuple[int, ...] = tuple(core.shape)
        self.dtype = np.dtype(_DTYPES[core.dtype])
        if self.shape:
            self.low = np.full(self.shape, core.low, dtype=np.float64)
            self.high = np.full(self.shape, core.high, dtype=np.float64)
        else:  # any length: the bounds of each element
            self.low = np.float64(core.low)
            self.high = np.float64(core.high)


class Scalar(_CoreSpace):
    """One number or boolean in ``[min, max]``."""

    def __init__(self, core: "_cgym.Space", name: Optional[str] = None) -> None:
        super().__init__(core, name)
        self.min = core.low
        self.max = core.high
        self.low = core.low
        self.high = core.high
        self.shape: Tuple[int, ...] = ()
        self.dtype = np.dtype(_DTYPES[core.dtype])


class Sequence(_CoreSpace):
    """A string or byte string with length bounds."""

    def __init__(self, core: "_cgym.Space", name: Optional[str] = None) -> None:
        super().__init__(core, name)
        self.dtype = _DTYPES[core.dtype]
        self.size_range = (core.min_length, None if core.max_length < 0 else core.max_length)
        self.shape: Tuple[int, ...] = ()


class Dict(_CoreSpace):
    """A JSON value: a dict, or a graph for ProGraML."""

    def __init__(self, core: "_cgym.Space", name: Optional[str] = None) -> None:
        super().__init__(core, name)
        self.dtype = dict
        self.shape: Tuple[int, ...] = ()


def _from_core(core: "_cgym.Space", name: Optional[str]) -> Space:
    """The Python space of a C++ ``Space``."""
    kind = core.kind
    if kind == _cgym.SpaceKind.Box:
        return Box(core, name)
    if kind == _cgym.SpaceKind.Scalar:
        return Scalar(core, name)
    if kind == _cgym.SpaceKind.Sequence:
        return Sequence(core, name)
    return Dict(core, name)


class Reward:
    """A reward space: its name, range and properties (CompilerGym's Reward)."""

    def __init__(self, spec: "_cgym.RewardSpaceSpec") -> None:
        self._spec = spec
        self.name: str = spec.name
        self.range: Tuple[float, float] = (spec.min, spec.max)
        self.success_threshold: Optional[float] = spec.success_threshold
        self.deterministic: bool = spec.deterministic
        self.platform_dependent: bool = spec.platform_dependent
        self.default_value: float = spec.default_value
        self.default_negates_returns: bool = spec.default_negates_returns
        self.description: str = spec.description

    @property
    def id(self) -> str:  # noqa: A003
        """CompilerGym's older name for :attr:`name`."""
        return self.name

    def reward_on_error(self, episode_reward: float) -> float:
        """The reward of a failed step, given the episode's reward so far."""
        return -episode_reward if self.default_negates_returns else self.default_value

    def __repr__(self) -> str:
        return f"Reward({self.name})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            return other == self.name
        return isinstance(other, Reward) and other.name == self.name

    def __hash__(self) -> int:
        return hash(self.name)


class ObservationSpaceSpec:
    """An observation space of an env: its name, its space, and its
    properties (CompilerGym's ObservationSpaceSpec). ``sample()`` and
    ``contains()`` are its space's."""

    def __init__(self, spec: "_cgym.ObservationSpaceSpec") -> None:
        self._spec = spec
        self.name: str = spec.name
        self.space: Space = _from_core(spec.space, spec.name)
        self.deterministic: bool = spec.deterministic
        self.platform_dependent: bool = spec.platform_dependent
        self.description: str = spec.description

    @property
    def id(self) -> str:  # noqa: A003
        """CompilerGym's older name for :attr:`name`."""
        return self.name

    @property
    def default_value(self) -> Any:
        """The value reported when the observation cannot be computed."""
        return self._spec.default_value

    @property
    def shape(self) -> Tuple[int, ...]:
        return getattr(self.space, "shape", ())

    @property
    def dtype(self) -> Any:
        return getattr(self.space, "dtype", None)

    def sample(self) -> Any:
        return self.space.sample()

    def contains(self, x: Any) -> bool:
        return self.space.contains(x)

    def seed(self, seed: Optional[int] = None) -> List[int]:
        return self.space.seed(seed)

    def __contains__(self, x: Any) -> bool:
        return self.contains(x)

    def __repr__(self) -> str:
        return f"ObservationSpaceSpec({self.name})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            return other == self.name
        return isinstance(other, ObservationSpaceSpec) and other.name == self.name

    def __hash__(self) -> int:
        return hash(self.name)


def _lookup(message: str) -> Exception:
    from cgym.errors import LookupError as CgymLookupError

    return CgymLookupError(message)


__all__ = [
    "Box",
    "Commandline",
    "Dict",
    "Discrete",
    "NamedDiscrete",
    "ObservationSpaceSpec",
    "Reward",
    "Scalar",
    "Sequence",
    "Space",
]
