"""Token times in words: "expires in 59 minutes", "expired 3 days ago", "2025-01-01 12:00:00 UTC".

The in-page widgets say the same things in JavaScript (`timeText` in mirror.js); the mirror tests
hold the two to identical strings.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from meeting_tokens.core.claims import is_integer

UNITS = (("year", 365 * 86400), ("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1))
# datetime's range, as unix seconds: 0001-01-01 to 9999-12-31 23:59:59.
FIRST_SECOND, LAST_SECOND = -62135596800, 253402300799


def duration_text(seconds: float) -> str:
    """A duration in its largest whole unit, rounded down: 3599 -> "59 minutes"."""
    seconds = abs(seconds)
    for name, size in UNITS:
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {name}" + ("" if count == 1 else "s")
    return "0 seconds"


def utc_text(value: int) -> str:
    """A NumericDate (within years 1 to 9999) as UTC calendar time."""
    t = datetime.fromtimestamp(value, tz=UTC)
    return f"{t.year:04d}-{t.month:02d}-{t.day:02d} {t.hour:02d}:{t.minute:02d}:{t.second:02d} UTC"


def relative_time(claim: str, value: int, now: float) -> str:
    """What `exp`, `nbf` or `iat` means at `now`, in words; "" for any other claim."""
    delta = value - now
    span = duration_text(delta)
    if claim == "exp":
        return f"expires in {span}" if delta > 0 else f"expired {span} ago"
    if claim == "nbf":
        return f"usable in {span}" if delta > 0 else f"usable since {span} ago"
    if claim == "iat":
        return f"issued {span} in the future" if delta > 0 else f"issued {span} ago"
    return ""


def time_note(claim: str, value: Any, now: float) -> str:
    """The note shown next to a time claim: calendar time and relative time, or what is wrong."""
    if claim not in ("exp", "nbf", "iat"):
        return ""
    if not is_integer(value):
        return "not an integer NumericDate"
    if not FIRST_SECOND <= value <= LAST_SECOND:
        return "outside years 1 to 9999"
    return f"{utc_text(value)} · {relative_time(claim, value, now)}"
