"""At least N seconds between two calls to one service (from the end of one to the start of the
next), also across runs of the command.

arXiv asks for no more than one request every three seconds. The time of the last call is kept
in a small file beside the answer cache, so two `dlnotes add` run one after the other keep the
pace too. Hand-written: it is a dozen lines, and the rate-limiting libraries (pyrate-limiter,
limits) count requests per window in memory or Redis, which keeps neither property.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path


class MinInterval:
    def __init__(
        self,
        seconds: float,
        stamp: Path | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.seconds = seconds
        self.stamp = stamp
        self.clock = clock
        self.sleep = sleep
        self.last: float | None = None

    def _last(self) -> float | None:
        if self.stamp is None:
            return self.last
        try:
            stored = float(self.stamp.read_text(encoding="ascii"))
        except (OSError, ValueError):
            stored = None
        if stored is not None and stored > self.clock():  # a clock that went back: start afresh
            stored = None
        return max((t for t in (self.last, stored) if t is not None), default=None)

    def wait(self) -> float:
        """Sleep until the next call is allowed, then record it; returns the time slept."""
        slept = 0.0
        last = self._last()
        if last is not None and self.seconds > 0:
            slept = max(0.0, last + self.seconds - self.clock())
            if slept:
                self.sleep(slept)
        self.mark()
        return slept

    def mark(self) -> None:
        """Record a call now. Called again when the answer has come, so that the interval runs
        from the end of one call to the start of the next: the server never sees two closer."""
        self.last = self.clock()
        if self.stamp is not None:
            try:
                self.stamp.parent.mkdir(parents=True, exist_ok=True)
                self.stamp.write_text(repr(self.last), encoding="ascii")
            except OSError:
                pass  # pacing within this run still holds
