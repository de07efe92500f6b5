"""pytest fixtures for testing your own app against the emulator of Daily's REST API, offline.

Installing the package registers this plugin (entry point ``pytest11``), so the fixtures are
there in any test suite of the same environment:

- ``daily_emulator``: a fresh ``DailyEmulator`` for each test (Daily's rate limits included);
- ``daily_client`` / ``daily_async_client``: a ``DailyClient`` / ``AsyncDailyClient`` wired to it
  in-process, closed after the test (the async one needs pytest-asyncio);
- ``daily_server``: the same emulator served on 127.0.0.1 from a thread, as a ``ServedEmulator``
  with ``base_url`` and ``api_key``, for code that makes real HTTP calls (needs uvicorn, the
  ``serve`` extra); it answers only requests whose ``Host`` is 127.0.0.1, localhost or [::1]
  with its port, and the names ``daily_allowed_hosts`` returns (none; override it to add some);
- ``daily_clock``: the emulator's clock; ``daily_clock.advance(3600)`` moves its time.

To start from another emulator (a frozen clock, no rate limits, your own key), override
``daily_emulator`` in your conftest.py; every other fixture follows it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from meeting_tokens.api import AsyncDailyClient, DailyClient, DailyEmulator
from meeting_tokens.core.clock import Clock


def _async_fixture(function: Callable[..., Any]) -> Any:
    # pytest-asyncio's decorator when it is installed, so the fixture works in its strict mode
    # too; without it, pytest itself says that an async fixture needs a plugin.
    try:
        import pytest_asyncio
    except ModuleNotFoundError:
        return pytest.fixture(function)
    return pytest_asyncio.fixture(function)


@dataclass(frozen=True)
class ServedEmulator:
    """An emulator listening on loopback: point your HTTP client at ``base_url`` with ``api_key``."""

    base_url: str
    api_key: str = field(repr=False)
    emulator: DailyEmulator


@pytest.fixture
def daily_emulator() -> DailyEmulator:
    """A fresh emulator of Daily's REST API, with the fake demo key and a clock of its own."""
    return DailyEmulator()


@pytest.fixture
def daily_client(daily_emulator: DailyEmulator) -> Iterator[DailyClient]:
    """A `DailyClient` talking to `daily_emulator` in-process; closed after the test."""
    with daily_emulator.client() as client:
        yield client


@_async_fixture
async def daily_async_client(daily_emulator: DailyEmulator) -> AsyncIterator[AsyncDailyClient]:
    """An `AsyncDailyClient` talking to `daily_emulator` in-process; closed after the test."""
    async with daily_emulator.async_client() as client:
        yield client


@pytest.fixture
def daily_allowed_hosts() -> Iterable[str]:
    """Host names `daily_server` answers besides the loopback ones (NAME, or NAME:PORT): none."""
    return ()


@pytest.fixture
def daily_server(
    daily_emulator: DailyEmulator, daily_allowed_hosts: Iterable[str]
) -> Iterator[ServedEmulator]:
    """`daily_emulator` over HTTP on 127.0.0.1 (any free port) for the length of the test; only
    for loopback Host names and `daily_allowed_hosts`."""
    try:
        import uvicorn  # noqa: F401 (only to say what is missing before serving)
    except ModuleNotFoundError:
        pytest.fail("daily_server needs uvicorn: pip install 'meeting_tokens[serve]'", pytrace=False)
    from meeting_tokens.api.serve import serving

    with serving(daily_emulator, allow_hosts=daily_allowed_hosts) as base_url:
        yield ServedEmulator(base_url, daily_emulator.api_key, daily_emulator)


@pytest.fixture
def daily_clock(daily_emulator: DailyEmulator) -> Clock:
    """The emulator's clock: `advance(seconds)` moves the time every emulator answer uses."""
    return daily_emulator.clock
