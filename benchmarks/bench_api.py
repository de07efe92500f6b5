"""What a REST validation costs even with zero network latency.

One `GET /meeting-tokens/:token` round trip through `DailyClient` and the in-process emulator,
against one local `validate_token(api_key=...)` of the same self-signed token; and the same
round trip over real loopback HTTP to the served emulator. The ratio is the
figure the book quotes; the absolute times depend on the machine. The emulator's share of the
round trip includes its own local checks (server secret, then API key, for a self-signed token).
"""

from __future__ import annotations

import timeit
from collections.abc import Callable

from meeting_tokens import DailyClient, DailyEmulator, self_sign, validate_token
from meeting_tokens.api.serve import serving


def best_per_call(function: Callable[[], object], number: int) -> float:
    """The fastest of five runs of `number` calls, in seconds per call."""
    return min(timeit.repeat(function, number=number, repeat=5)) / number


def main() -> None:
    emulator = DailyEmulator(rate_limit=False)
    token = self_sign(emulator.api_key, room_name="bench", domain_id=emulator.domain_id)
    with emulator.client() as client:
        remote = best_per_call(lambda: client.validate_meeting_token(token), number=300)
    with serving(emulator) as base_url, DailyClient(emulator.api_key, base_url=base_url) as client:
        loopback = best_per_call(lambda: client.validate_meeting_token(token), number=100)
    local = best_per_call(
        lambda: validate_token(token, api_key=emulator.api_key, room_name="bench"), number=3000
    )
    print(f"local validate_token(api_key=...):       {local * 1e6:8.1f} µs")
    print(f"DailyClient.validate_meeting_token (emu): {remote * 1e6:8.1f} µs")
    print(f"ratio (emulator round trip / local):      {remote / local:8.1f}x")
    print(f"same over loopback HTTP (serve.py):       {loopback * 1e6:8.1f} µs")
    print(f"ratio (loopback HTTP round trip / local): {loopback / local:8.1f}x")


if __name__ == "__main__":
    main()
