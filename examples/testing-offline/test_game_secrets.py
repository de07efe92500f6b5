"""The game's answers to browsers, held to the production checklist: no API key, and an owner
token only in the host's own answer to ``/join``."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from starlette.applications import Starlette

from meeting_tokens import DailyClient, DailyEmulator
from meeting_tokens.game import browser, game_app
from meeting_tokens.pytest_plugin import assert_no_daily_secret

# The article's game gives its host a token for a day; chapter 5 weighs that lifetime.
pytestmark = pytest.mark.daily_policy_exempt(
    "long-lived", reason="the article's game gives its host a day-long token"
)


async def start_game(app: Starlette) -> tuple[httpx.AsyncClient, httpx.Response, str]:
    """Ada creates a game: her browser, the answer to /create, and the game's id."""
    host = browser(app)
    created = await host.post("/create", data={"gameName": "Quiz", "playerName": "Ada"})
    return host, created, parse_qs(urlsplit(created.headers["location"]).query)["gameID"][0]


async def test_creating_a_game_answers_with_a_host_cookie_but_no_daily_secret(
    daily_client: DailyClient, daily_emulator: DailyEmulator
) -> None:
    _, created, _ = await start_game(game_app(daily_client))
    assert created.headers["set-cookie"]
    assert_no_daily_secret(created, daily_emulator.api_key)


async def test_a_guests_answer_to_join_carries_no_daily_secret(
    daily_client: DailyClient, daily_emulator: DailyEmulator
) -> None:
    app = game_app(daily_client)
    _, _, game_id = await start_game(app)
    joined = await browser(app).post("/join", json={"gameID": game_id, "playerName": "Bo"})
    assert_no_daily_secret(joined, daily_emulator.api_key)


async def test_the_games_earlier_design_leaves_the_owner_token_in_a_readable_cookie(
    daily_client: DailyClient, daily_emulator: DailyEmulator
) -> None:
    host, _, game_id = await start_game(game_app(daily_client, token_storage="readable-cookie"))
    joined = await host.post("/join", json={"gameID": game_id, "playerName": "Ada"})
    with pytest.raises(AssertionError, match="an owner token in the cookie 'meetingToken'"):
        assert_no_daily_secret(joined, daily_emulator.api_key)
