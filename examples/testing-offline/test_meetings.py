"""Tests of the tiny app, against the emulator: over real HTTP and in-process."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from meetings import Meetings

from meeting_tokens import DailyAPIError, DailyClient, DailyEmulator
from meeting_tokens.core.clock import Clock
from meeting_tokens.pytest_plugin import ServedEmulator


@pytest.fixture
def meetings(daily_server: ServedEmulator) -> Iterator[Meetings]:
    """The app as it runs in production, only with the served emulator's URL and key."""
    app = Meetings(daily_server.api_key, base_url=daily_server.base_url)
    yield app
    app.close()


def test_host_token_makes_the_user_owner_of_the_room(
    meetings: Meetings, daily_client: DailyClient
) -> None:
    token = meetings.host_token("standup", "Ada")
    properties = daily_client.validate_meeting_token(token)
    assert (properties["room_name"], properties["user_name"], properties["is_owner"]) == (
        "standup",
        "Ada",
        True,
    )


def test_host_token_is_refused_by_daily_once_the_hour_is_over(
    meetings: Meetings, daily_client: DailyClient, daily_clock: Clock
) -> None:
    token = meetings.host_token("standup", "Ada", minutes=60)
    daily_clock.advance(3540)
    assert daily_client.validate_meeting_token(token)["room_name"] == "standup"  # a minute to go
    daily_clock.advance(61)
    with pytest.raises(DailyAPIError) as refused:
        daily_client.validate_meeting_token(token)
    assert (refused.value.status_code, refused.value.info) == (400, "meeting token is not valid (expired)")


def test_a_wrong_key_is_an_http_401_for_the_app(daily_server: ServedEmulator) -> None:
    app = Meetings("not-the-key", base_url=daily_server.base_url)
    with pytest.raises(httpx.HTTPStatusError) as refused:
        app.host_token("standup", "Ada")
    assert refused.value.response.status_code == 401


def test_the_app_runs_in_process_on_the_emulators_transport(
    daily_emulator: DailyEmulator, daily_client: DailyClient
) -> None:
    app = Meetings(daily_emulator.api_key, transport=daily_emulator.transport)
    token = app.host_token("retro", "Bo")
    assert daily_client.validate_meeting_token(token)["room_name"] == "retro"
