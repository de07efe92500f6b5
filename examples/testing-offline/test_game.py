"""Tests of the book's game server, on the emulator through the plugin's fixtures."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from starlette.applications import Starlette

from meeting_tokens import AsyncDailyClient, DailyAPIError, DailyClient
from meeting_tokens.clock import Clock
from meeting_tokens.game import browser, game_app


async def start_game(app: Starlette) -> tuple[httpx.AsyncClient, str]:
    """Ada creates a game; returns her browser and the game's id."""
    host = browser(app)
    created = await host.post("/create", data={"gameName": "Quiz", "playerName": "Ada"})
    assert created.status_code == 303
    return host, parse_qs(urlsplit(created.headers["location"]).query)["gameID"][0]


async def test_the_host_gets_an_owner_token_for_the_games_room(
    daily_client: DailyClient, daily_async_client: AsyncDailyClient
) -> None:
    app = game_app(daily_client)
    host, game_id = await start_game(app)
    joined = (await host.post("/join", json={"gameID": game_id, "playerName": "Ada"})).json()
    properties = await daily_async_client.validate_meeting_token(joined["meetingToken"])
    assert properties["is_owner"] is True
    assert joined["roomURL"].endswith("/" + properties["room_name"])


async def test_a_guest_gets_the_room_but_no_token(daily_client: DailyClient) -> None:
    app = game_app(daily_client)
    _, game_id = await start_game(app)
    guest = browser(app)
    joined = (await guest.post("/join", json={"gameID": game_id, "playerName": "Bo"})).json()
    assert (joined["isHost"], "meetingToken" in joined) == (False, False)


async def test_the_hosts_token_expires_after_a_day_on_the_emulators_clock(
    daily_client: DailyClient, daily_clock: Clock
) -> None:
    app = game_app(daily_client)
    host, game_id = await start_game(app)
    token = (await host.post("/join", json={"gameID": game_id, "playerName": "Ada"})).json()["meetingToken"]
    daily_clock.advance(86400)
    with pytest.raises(DailyAPIError) as refused:
        daily_client.validate_meeting_token(token)
    assert refused.value.status_code == 400
