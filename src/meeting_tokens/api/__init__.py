"""Daily's REST API: a client (sync and async), an in-process emulator, and ``connect()``."""

from meeting_tokens.api.admission import Admission
from meeting_tokens.api.client import DAILY_API_URL, AsyncDailyClient, DailyClient, RetryPolicy
from meeting_tokens.api.connection import connect
from meeting_tokens.api.emulator import DEMO_API_KEY, DEMO_DOMAIN_ID, DailyEmulator, RequestRecord

__all__ = [
    "DAILY_API_URL",
    "DEMO_API_KEY",
    "DEMO_DOMAIN_ID",
    "Admission",
    "AsyncDailyClient",
    "DailyClient",
    "DailyEmulator",
    "RequestRecord",
    "RetryPolicy",
    "connect",
]
