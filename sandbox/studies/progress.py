"""A progress bar for long work: rate and ETA on a terminal, silent in CI and pipes."""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO


def interactive(stream: TextIO) -> bool:
    """True when ``stream`` is a terminal and the ``CI`` variable is not set."""
    return hasattr(stream, "isatty") and stream.isatty() and not os.environ.get("CI")


class Progress:
    """``update(k)`` after each piece of work; redraws at most 10 times a second.

    Shows ``label  42% |████      | 42,000/100,000 points  12,300/s  ETA 5 s``. Prints
    nothing unless :func:`interactive` (or ``enabled=True``).
    """

    def __init__(self, total: int, label: str, unit: str = "points", stream: TextIO | None = None,
                 enabled: bool | None = None, done: int = 0):
        self.total = max(total, 1)
        self.label = label
        self.unit = unit
        self.stream = stream or sys.stderr
        self.enabled = interactive(self.stream) if enabled is None else enabled
        self.done = done
        self._start_done = done
        self._t0 = time.monotonic()
        self._last = 0.0

    def update(self, k: int) -> None:
        self.done += k
        now = time.monotonic()
        if self.enabled and (now - self._last > 0.1 or self.done >= self.total):
            self._last = now
            self.stream.write("\r" + self.line(now) + " " * 4)
            self.stream.flush()

    def line(self, now: float | None = None) -> str:
        elapsed = max((now or time.monotonic()) - self._t0, 1e-9)
        rate = (self.done - self._start_done) / elapsed
        left = (self.total - self.done) / rate if rate > 0 else float("inf")
        frac = min(self.done / self.total, 1.0)
        bar = "█" * int(frac * 20) + " " * (20 - int(frac * 20))
        eta = f"ETA {_duration(left)}" if self.done < self.total else f"in {_duration(elapsed)}"
        return f"{self.label} {frac:4.0%} |{bar}| {self.done:,}/{self.total:,} {self.unit}  {rate:,.0f}/s  {eta}"

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


def _duration(seconds: float) -> str:
    if seconds == float("inf"):
        return "?"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
