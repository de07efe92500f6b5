"""Time as the package sees it: unix seconds, from the real clock or from a movable one."""

from __future__ import annotations

import math
import threading
import time
from datetime import datetime

Instant = int | float | datetime
# The units a duration is said in, largest first (a year is 365 days here).
UNITS = (("year", 365 * 86400), ("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1))


def unix_time(now: Instant | None = None) -> float:
    """`now` as unix seconds: None is the current time; a datetime must be timezone-aware."""
    if now is None:
        return time.time()
    if isinstance(now, datetime):
        if now.tzinfo is None:
            raise ValueError("now must be a timezone-aware datetime (naive times are ambiguous)")
        return now.timestamp()
    if isinstance(now, bool) or not isinstance(now, int | float):
        raise TypeError(f"now must be unix seconds or an aware datetime, not {type(now).__name__}")
    if not math.isfinite(now):
        raise ValueError(f"now must be a finite number of seconds, not {now!r}")
    return float(now)


def duration_text(seconds: float) -> str:
    """A duration in its largest whole unit, rounded down: 3599 -> "59 minutes", 0 -> "0 seconds"."""
    seconds = abs(seconds)
    name, size = next((unit for unit in UNITS if seconds >= unit[1]), UNITS[-1])
    count = int(seconds // size)
    return f"{count} {name}" + ("" if count == 1 else "s")


class Clock:
    """Real time plus an offset: starts at real time (or at `start`) and keeps ticking.

    `advance()` moves it forward (or back) without waiting, as the emulator's readers need.
    """

    def __init__(self, start: Instant | None = None) -> None:
        self._offset = 0.0 if start is None else unix_time(start) - time.time()
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return time.time() + self._offset

    def advance(self, seconds: float) -> float:
        """Move the clock by `seconds`; returns the new time."""
        with self._lock:
            self._offset += seconds
        return self.now()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(now={self.now():.0f})"


class FrozenClock(Clock):
    """A clock that stands still until advanced: for tests that count seconds exactly."""

    def __init__(self, start: Instant) -> None:
        self._now = unix_time(start)
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> float:
        with self._lock:
            self._now += seconds
            return self._now
