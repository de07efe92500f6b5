"""``connect()``: the client every chapter starts with, real Daily only when asked for twice over."""

from __future__ import annotations

import os

from meeting_tokens.api.client import DAILY_API_URL, DailyClient, api_key_problem
from meeting_tokens.api.emulator import DailyEmulator


def connect() -> DailyClient:
    """The client every notebook starts with: real Daily only when asked for twice over.

    With `DAILY_API_KEY` set and `MEETING_TOKENS_LIVE=1`, a `DailyClient` for api.daily.co
    (its `.emulator` is None). Otherwise a client of a fresh `DailyEmulator`, reachable as
    `client.emulator` to move its clock or rotate its key. A live key that could not work
    (whitespace, say) raises ``ValueError`` naming the variable, never showing its value.
    """
    api_key = os.environ.get("DAILY_API_KEY")
    if api_key and os.environ.get("MEETING_TOKENS_LIVE") == "1":
        if (problem := api_key_problem(api_key)) is not None:
            raise ValueError(f"DAILY_API_KEY {problem}; its value is not shown here")
        return DailyClient(api_key, base_url=DAILY_API_URL)
    return DailyEmulator().client()
