"""Tests of the book's game server, on the emulator through the plugin's fixtures."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from starlette.applications import Starlette

from meeting_tokens import AsyncDailyClient, DailyAPIError, DailyClient
from meeting_tokens.core.clock import Clock
from meeting_tokens.game import browser, game_app

# The article's game gives its host a token for a day; chapter 5 weighs that lifetime.
pytestmark = pytest.mark.daily_policy_exempt(
    "long-lived", reason="the article's game gives its host a day-long token"
)


async def start_game(app: Starlette) -> tuple[httpx.AsyncClient, str]:
    """Ada creates a game; returns her browser and the game's id."""
    host = browser(app)
    created = await host.post("/create", data={"gameName": "Quiz", "playerName": "Ada"})
    assert created.status_code == 303
    return host, parse_qs(urlsplit(created.headers["location"]).query)["gameID"][0]


async def join(player: httpx.AsyncClient, game_id: str, name: str) -> dict[str, Any]:
    """What the game answers `name` joining from the `player` browser."""
    answer = await player.post("/join", json={"gameID": game_id, "playerName": name})
    return answer.json()


async def test_the_host_gets_an_owner_token_for_the_games_room(
    daily_client: DailyClient, daily_async_client: AsyncDailyClient
) -> None:
    host, game_id = await start_game(game_app(daily_client))
    joined = await join(host, game_id, "Ada")
    token = joined["meetingToken"]
    properties = await daily_async_client.validate_meeting_token(token)
    assert properties["is_owner"] is True
    assert joined["roomURL"].endswith("/" + properties["room_name"])


async def test_a_guest_gets_the_room_but_no_token(daily_client: DailyClient) -> None:
    app = game_app(daily_client)
    _, game_id = await start_game(app)
    joined = await join(browser(app), game_id, "Bo")
    assert (joined["isHost"], "meetingToken" in joined) == (False, False)


async def test_the_hosts_token_expires_after_a_day_on_the_emulators_clock(
    daily_client: DailyClient, daily_clock: Clock
) -> None:
    host, game_id = await start_game(game_app(daily_client))
    token = (await join(host, game_id, "Ada"))["meetingToken"]
    daily_clock.advance(86400)
    with pytest.raises(DailyAPIError) as refused:
        daily_client.validate_meeting_token(token)
    assert refused.value.status_code == 400
