"""Token times in words: "expires in 59 minutes", "expired 3 days ago", "2025-01-01 12:00:00 UTC".

The in-page widgets say the same things in JavaScript (`timeText` in mirror.js); the mirror tests
hold the two to identical strings.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from meeting_tokens.core.claims import is_integer
from meeting_tokens.core.clock import duration_text

# datetime's range, as unix seconds: 0001-01-01 to 9999-12-31 23:59:59.
FIRST_SECOND, LAST_SECOND = -62135596800, 253402300799
# What a time claim means, ahead of now and behind it ({span} is a duration in words), and what
# the note says of a time it cannot place. The in-page mirror fills the same table (assets.py).
RELATIVE_TIMES = {
    "exp": ("expires in {span}", "expired {span} ago"),
    "nbf": ("usable in {span}", "usable since {span} ago"),
    "iat": ("issued {span} in the future", "issued {span} ago"),
}
MESSAGES = {
    "not_numeric_date": "not an integer NumericDate",
    "out_of_range": "outside years 1 to 9999",
    "note": "{utc} · {relative}",
}


def utc_text(value: int) -> str:
    """A NumericDate (within years 1 to 9999) as UTC calendar time."""
    t = datetime.fromtimestamp(value, tz=UTC)
    return f"{t.year:04d}-{t.month:02d}-{t.day:02d} {t.hour:02d}:{t.minute:02d}:{t.second:02d} UTC"


def relative_time(claim: str, value: int, now: float) -> str:
    """What `exp`, `nbf` or `iat` means at `now`, in words; "" for any other claim."""
    if claim not in RELATIVE_TIMES:
        return ""
    ahead, behind = RELATIVE_TIMES[claim]
    delta = value - now
    return (ahead if delta > 0 else behind).format(span=duration_text(delta))


def time_note(claim: str, value: Any, now: float) -> str:
    """The note shown next to a time claim: calendar time and relative time, or what is wrong."""
    if claim not in RELATIVE_TIMES:
        return ""
    if not is_integer(value):
        return MESSAGES["not_numeric_date"]
    if not FIRST_SECOND <= value <= LAST_SECOND:
        return MESSAGES["out_of_range"]
    return MESSAGES["note"].format(utc=utc_text(value), relative=relative_time(claim, value, now))
