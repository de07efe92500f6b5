"""How the emulator's cost grows with a request's path: linearly, not with its square.

Every request's path goes through the request log's redaction (`emulator._loggable`), which
looks for tokens in it. A path ten times longer should cost about ten times as much; a search
that restarts at every character of a long run costs a hundred times as much (a 58 KB path once
took 6 s of CPU, and the raw-socket fuzzer's long paths timed out under load). Target: under 20x.
"""

from __future__ import annotations

import timeit

import httpx

from meeting_tokens import DailyEmulator

TARGET = 20.0


def per_request(http: httpx.Client, length: int) -> float:
    """The fastest of five runs, in seconds per request for a path of `length` characters."""
    path = "/v1/" + "x" * length
    return min(timeit.repeat(lambda: http.get(path), number=5, repeat=5)) / 5


def main() -> None:
    emulator = DailyEmulator(rate_limit=False)
    headers = {"Authorization": f"Bearer {emulator.api_key}"}
    with httpx.Client(transport=emulator.transport, base_url="https://api.daily.co", headers=headers) as http:
        short, long = per_request(http, 6_000), per_request(http, 60_000)
    print(f"a 6 KB path:                 {short * 1e3:8.2f} ms")
    print(f"a 60 KB path:                {long * 1e3:8.2f} ms")
    verdict = "meets" if long / short < TARGET else "misses"
    print(f"ratio (60 KB / 6 KB):        {long / short:8.1f}x ({verdict} the target, under {TARGET:.0f}x)")


if __name__ == "__main__":
    main()
