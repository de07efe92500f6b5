"""The bot's session server on the served emulator (the plugin's ``daily_server``), with pipecat's
own ``DailyRESTHelper`` making every call: who gets which token, the refusals, and the log."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from server import BOT_NAME, SESSION_LIFETIME, create_app, spawn_bot

from meeting_tokens import decode_parts
from meeting_tokens.api import DailyEmulator


class BotLauncher:
    """Stands in for the bot's process: records the room and the token it was started with."""

    def __init__(self) -> None:
        self.started: list[tuple[str, str]] = []

    async def __call__(self, room_url: str, bot_token: str) -> None:
        self.started.append((room_url, bot_token))


@pytest.fixture
def bots() -> BotLauncher:
    return BotLauncher()


@pytest.fixture
def app(daily_server, daily_clock, bots: BotLauncher) -> FastAPI:  # noqa: ANN001 (plugin fixtures)
    return create_app(
        api_key=daily_server.api_key, api_url=daily_server.base_url, start_bot=bots, clock=daily_clock.now
    )


@pytest.fixture
async def person(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        yield client


async def start(person: httpx.AsyncClient, **body: str) -> dict[str, str]:
    response = await person.post("/sessions", json={"user_name": "Ada", **body})
    assert response.status_code == 201, response.text
    return response.json()


def claims(token: str) -> dict:
    return decode_parts(token).payload


# Who gets which token


async def test_a_new_session_hands_the_person_the_room_url_and_a_token_of_their_own(
    person: httpx.AsyncClient, daily_emulator: DailyEmulator
) -> None:
    answer = await start(person, room_name="support-42")

    assert set(answer) == {"room_url", "token"}
    assert answer["room_url"] == "https://hands-on-demo.daily.co/support-42"
    granted = claims(answer["token"])
    assert (granted["r"], granted["u"], granted["o"], granted["ejt"]) == ("support-42", "Ada", False, True)
    assert daily_emulator.join("support-42", answer["token"]).reason == "admitted with a token"


async def test_the_answer_is_not_cached(person: httpx.AsyncClient) -> None:
    response = await person.post("/sessions", json={"user_name": "Ada"})

    assert response.headers["cache-control"] == "no-store"


async def test_the_bot_is_started_with_a_token_in_its_name_that_no_answer_carries(
    person: httpx.AsyncClient, bots: BotLauncher
) -> None:
    answer = await start(person, room_name="support-42")

    [(room_url, bot_token)] = bots.started
    assert room_url == answer["room_url"]
    assert bot_token != answer["token"]
    assert bot_token not in str(answer)
    granted = claims(bot_token)
    assert (granted["r"], granted["u"], granted["o"], granted["ejt"]) == ("support-42", BOT_NAME, False, True)


async def test_the_bots_token_sends_and_hears_audio_only_and_admins_nothing(
    person: httpx.AsyncClient, bots: BotLauncher, daily_emulator: DailyEmulator
) -> None:
    await start(person, room_name="support-42")

    admission = daily_emulator.join("support-42", bots.started[0][1])
    assert admission.permissions == {
        "canSend": ["audio"],
        "canReceive": {"base": {"audio": True, "video": False, "screenVideo": False, "screenAudio": False}},
        "hasPresence": True,
        "canAdmin": False,
    }
    assert not admission.is_owner and not admission.can_mute_others


async def test_every_token_of_a_session_ends_with_its_room(
    person: httpx.AsyncClient, bots: BotLauncher, daily_emulator: DailyEmulator
) -> None:
    answer = await start(person, room_name="support-42")

    room_exp = daily_emulator.client().get_room("support-42")["config"]["exp"]
    assert claims(answer["token"])["exp"] == claims(bots.started[0][1])["exp"] == room_exp


async def test_the_room_is_private_so_nobody_enters_without_a_token(
    person: httpx.AsyncClient, daily_emulator: DailyEmulator
) -> None:
    await start(person, room_name="support-42")

    room = daily_emulator.client().get_room("support-42")
    assert room["privacy"] == "private"
    assert daily_emulator.join("support-42").reason == "a private room needs a meeting token"


async def test_another_person_joins_a_running_session_with_a_token_of_their_own(
    person: httpx.AsyncClient, bots: BotLauncher
) -> None:
    first = await start(person, room_name="support-42")

    response = await person.post("/sessions/support-42/join", json={"user_name": "Bo"})

    assert response.status_code == 200
    assert response.json()["room_url"] == first["room_url"]
    assert (claims(response.json()["token"])["u"], claims(response.json()["token"])["o"]) == ("Bo", False)
    assert len(bots.started) == 1  # one bot per session


# Bad input: each a clear 4xx, and no token


@pytest.mark.parametrize("name", [BOT_NAME, BOT_NAME.lower(), f" {BOT_NAME.upper()} "])
async def test_a_person_asking_for_a_session_in_the_bots_name_is_refused(
    person: httpx.AsyncClient, bots: BotLauncher, name: str
) -> None:
    response = await person.post("/sessions", json={"user_name": name})

    assert response.status_code == 403
    assert response.json() == {"detail": "that name is the bot's: the bot's token is never handed out"}
    assert bots.started == []


async def test_a_person_asking_to_join_in_the_bots_name_is_refused(person: httpx.AsyncClient) -> None:
    await start(person, room_name="support-42")

    response = await person.post("/sessions/support-42/join", json={"user_name": BOT_NAME})

    assert response.status_code == 403
    assert "token" not in response.json()


async def test_a_request_that_asks_for_an_owner_token_is_refused(person: httpx.AsyncClient) -> None:
    response = await person.post("/sessions", json={"user_name": "Ada", "is_owner": True})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "is_owner"]


@pytest.mark.parametrize("name", ["a b", "ünïcode", "x" * 129, "rooms/other", "..", ""])
async def test_a_room_name_not_in_dailys_shape_is_refused_before_daily_is_asked(
    person: httpx.AsyncClient, daily_emulator: DailyEmulator, name: str
) -> None:
    response = await person.post("/sessions", json={"user_name": "Ada", "room_name": name})

    assert response.status_code == 422
    assert response.json() == {"detail": "room_name must be 1 to 128 letters, digits, '-' or '_'"}
    assert daily_emulator.requests == []


async def test_joining_with_a_room_name_not_in_dailys_shape_is_refused(person: httpx.AsyncClient) -> None:
    response = await person.post("/sessions/a%20b/join", json={"user_name": "Bo"})

    assert response.status_code == 422


async def test_joining_a_session_whose_room_has_expired_is_refused(
    person: httpx.AsyncClient, daily_clock
) -> None:  # noqa: ANN001
    await start(person, room_name="support-42")
    daily_clock.advance(SESSION_LIFETIME)

    response = await person.post("/sessions/support-42/join", json={"user_name": "Bo"})

    assert response.status_code == 410
    assert response.json() == {"detail": "the session has ended: its room has expired"}


async def test_joining_an_unknown_session_is_not_found(person: httpx.AsyncClient) -> None:
    response = await person.post("/sessions/nobody-here/join", json={"user_name": "Bo"})

    assert response.status_code == 404


async def test_starting_a_session_in_a_room_name_taken_is_a_conflict(person: httpx.AsyncClient) -> None:
    await start(person, room_name="support-42")

    response = await person.post("/sessions", json={"user_name": "Bo", "room_name": "support-42"})

    assert response.status_code == 409


async def test_when_daily_refuses_the_key_the_person_gets_502_and_no_bot_starts(
    person: httpx.AsyncClient, daily_emulator: DailyEmulator, bots: BotLauncher
) -> None:
    daily_emulator.rotate_api_key()

    response = await person.post("/sessions", json={"user_name": "Ada"})

    assert response.status_code == 502
    assert response.json() == {"detail": "Daily could not make a room; try again later"}
    assert bots.started == []


# The log


async def test_nothing_logged_holds_a_token_or_the_key(
    person: httpx.AsyncClient, bots: BotLauncher, daily_server, caplog: pytest.LogCaptureFixture  # noqa: ANN001
) -> None:
    with caplog.at_level(logging.DEBUG):
        first = await start(person, room_name="support-42")
        joined = (await person.post("/sessions/support-42/join", json={"user_name": "Bo"})).json()
        await person.post("/sessions/support-42/join", json={"user_name": BOT_NAME})
        daily_server.emulator.rotate_api_key()
        await person.post("/sessions", json={"user_name": "Cy"})
    secrets = [first["token"], joined["token"], bots.started[0][1], daily_server.api_key]
    assert "started the bot for session support-42" in caplog.text
    assert "make a room failed: Daily answered 401" in caplog.text
    assert [secret for secret in secrets if secret in caplog.text] == []
    assert "eyJ" not in caplog.text


# The launcher


async def test_spawn_bot_hands_the_token_over_in_the_environment_not_the_command_line(tmp_path: Path) -> None:
    seen = tmp_path / "seen.txt"
    script = (
        "import os, sys; open(sys.argv[1], 'w').write("
        "os.environ['DAILY_ROOM_URL'] + ' ' + os.environ['DAILY_BOT_TOKEN'] + ' ' + repr(sys.argv[1:]))"
    )
    start_bot = spawn_bot([sys.executable, "-c", script, str(seen)])

    await start_bot("https://hands-on-demo.daily.co/support-42", "the-bots-token")
    for _ in range(200):  # the bot runs on its own; wait for it to write what it saw
        if seen.exists() and seen.read_text():
            break
        await asyncio.sleep(0.05)

    assert seen.read_text() == f"https://hands-on-demo.daily.co/support-42 the-bots-token {[str(seen)]!r}"
