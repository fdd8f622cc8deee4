"""CompilerGym's state CSV on Python file objects.

The parsing and the rendering are the C++ library's (``cgym/state.h``):
header ``benchmark,reward,walltime,commandline``, any column order and case,
no header at all, an empty reward.
"""

from typing import IO, Iterable, Iterator, List

from cgym import _cgym

CompilerEnvState = _cgym.CompilerEnvState


class CompilerEnvStateWriter:
    """Writes states as CSV rows to a text file, the header first.

    >>> with CompilerEnvStateWriter(open("results.csv", "w")) as writer:
    ...     writer.write_state(env.state, flush=True)
    """

    def __init__(self, f: IO[str], header: bool = True) -> None:
        self.f = f
        self._header = header

    def write_state(self, state: CompilerEnvState, flush: bool = False) -> None:
        """Writes one row (after the header, the first time)."""
        if self._header:
            self.f.write(_cgym._state_csv_header())
            self._header = False
        self.f.write(_cgym._state_csv_row(state))
        if flush:
            self.f.flush()

    def __enter__(self) -> "CompilerEnvStateWriter":
        return self

    def __exit__(self, *exc: object) -> None:
        self.f.close()


class CompilerEnvStateReader:
    """Reads the states of a CSV text file: iterate over it.

    >>> with CompilerEnvStateReader(open("results.csv")) as reader:
    ...     for state in reader:
    ...         print(state)
    """

    def __init__(self, f: IO[str]) -> None:
        self.f = f

    def __iter__(self) -> Iterator[CompilerEnvState]:
        return iter(self.read())

    def read(self) -> List[CompilerEnvState]:
        """Every state in the file. Raises cgym.InvalidArgument naming the line
        of a malformed row."""
        return _cgym._read_state_csv(self.f.read())

    @staticmethod
    def read_paths(paths: Iterable[str]) -> Iterator[CompilerEnvState]:
        """The states of every file in ``paths``."""
        for path in paths:
            with open(path) as f:
                yield from CompilerEnvStateReader(f)

    def __enter__(self) -> "CompilerEnvStateReader":
        return self

    def __exit__(self, *exc: object) -> None:
        self.f.close()


__all__ = ["CompilerEnvState", "CompilerEnvStateReader", "CompilerEnvStateWriter"]
