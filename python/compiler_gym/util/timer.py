"""``compiler_gym.util.timer``: a with-statement timer, as in CompilerGym.

>>> with Timer("Step") as timer:
...     env.step(0)
Step in 1.2ms
>>> timer.time
0.0012
"""

import time
from typing import Callable, Optional


def humanize_duration(seconds: float) -> str:
    """A short human-readable duration: ``"512.0ms"``, ``"3.2s"``, ``"2m 5s"``,
    ``"1h 3m"``."""
    if seconds < 0:
        return "-" + humanize_duration(-seconds)
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f}us"
    if seconds < 1:
        return f"{seconds * 1e3:.1f}ms"
    if seconds < 60:
        return f"{seconds:.1f}s"
    if seconds < 3600:
        return f"{int(seconds // 60)}m {int(seconds % 60)}s"
    return f"{int(seconds // 3600)}h {int(seconds % 3600 // 60)}m"


def humanize_duration_hms(seconds: float) -> str:
    """``H:MM:SS``."""
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


class Timer:
    """Times a ``with`` block, or the span between :meth:`reset` and
    :meth:`stop`.

    ``print_fn`` is called with ``"<label> in <duration>"`` when a labelled
    block ends (``print`` by default; pass ``logger.info`` to log instead).
    ``time`` is the elapsed time in seconds: up to now while running, the
    final figure once stopped.
    """

    def __init__(self, label: Optional[str] = None, print_fn: Callable[[str], None] = print) -> None:
        self.label = label
        self.print_fn = print_fn
        self._start: Optional[float] = None
        self._elapsed: Optional[float] = None

    def reset(self) -> "Timer":
        """Starts (or restarts) the timer."""
        self._start = time.perf_counter()
        self._elapsed = None
        return self

    def stop(self) -> "Timer":
        """Stops the timer; :attr:`time` keeps the elapsed time."""
        if self._start is not None:
            self._elapsed = time.perf_counter() - self._start
        return self

    @property
    def time(self) -> float:
        """Seconds elapsed (0 before the timer starts)."""
        if self._elapsed is not None:
            return self._elapsed
        if self._start is None:
            return 0.0
        return time.perf_counter() - self._start

    def __enter__(self) -> "Timer":
        return self.reset()

    def __exit__(self, *exc: object) -> None:
        self.stop()
        if self.label:
            self.print_fn(f"{self.label} in {self}")

    def __str__(self) -> str:
        return humanize_duration(self.time)

    def __repr__(self) -> str:
        return f"Timer({self.label!r}, {self})"


__all__ = ["Timer", "humanize_duration", "humanize_duration_hms"]
