"""pipecat's own REST helpers, unchanged, against the emulator served on loopback (``daily_server``).

``DailyRESTHelper`` and ``pipecat.runner.daily.configure`` make the calls a pipecat bot makes
against Daily: create a room, mint a token, read a room, delete it. Each test pins what pipecat's
defaults put in the token, which the chapter "Tokens for bots and agents" explains.
"""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from pipecat.runner.daily import configure
from pipecat.transports.daily.utils import (
    DailyMeetingTokenParams,
    DailyMeetingTokenProperties,
    DailyRESTHelper,
    DailyRoomParams,
)

from meeting_tokens import decode_parts


@pytest.fixture
async def helper(daily_server) -> AsyncIterator[DailyRESTHelper]:  # noqa: ANN001 (plugin fixture)
    async with aiohttp.ClientSession() as session:
        yield DailyRESTHelper(
            daily_api_key=daily_server.api_key, daily_api_url=daily_server.base_url, aiohttp_session=session
        )


async def test_the_helper_creates_a_public_room_by_default(helper: DailyRESTHelper) -> None:
    room = await helper.create_room(DailyRoomParams(name="bot-room"))

    assert (room.name, room.privacy) == ("bot-room", "public")
    assert room.url == "https://hands-on-demo.daily.co/bot-room"


async def test_get_token_by_default_makes_an_owner_token_for_an_hour_not_ejected_at_exp(
    helper: DailyRESTHelper,
) -> None:
    room = await helper.create_room(DailyRoomParams(name="bot-room"))

    claims = decode_parts(await helper.get_token(room.url)).payload

    assert (claims["r"], claims["o"], claims["ejt"]) == ("bot-room", True, False)
    assert abs(claims["exp"] - (time.time() + 3600)) < 60


async def test_get_token_overwrites_is_owner_and_ejection_given_in_params(helper: DailyRESTHelper) -> None:
    room = await helper.create_room(DailyRoomParams(name="bot-room"))
    asked = DailyMeetingTokenProperties(is_owner=False, eject_at_token_exp=True, user_name="Assistant")

    token = await helper.get_token(room.url, params=DailyMeetingTokenParams(properties=asked))

    claims = decode_parts(token).payload
    assert (claims["o"], claims["ejt"], claims["u"]) == (True, False, "Assistant")


async def test_get_token_makes_a_bots_token_through_its_arguments(helper: DailyRESTHelper) -> None:
    room = await helper.create_room(DailyRoomParams(name="bot-room"))
    asked = DailyMeetingTokenProperties(user_name="Assistant", permissions={"canSend": ["audio"]})

    token = await helper.get_token(
        room.url, expiry_time=600, eject_at_token_exp=True, owner=False,
        params=DailyMeetingTokenParams(properties=asked),
    )  # fmt: skip

    claims = decode_parts(token).payload
    assert (claims["o"], claims["ejt"], claims["u"], claims["p"]) == (False, True, "Assistant", {"cs": "a"})


async def test_the_helper_reads_a_room_back_and_deletes_it_twice(helper: DailyRESTHelper) -> None:
    room = await helper.create_room(DailyRoomParams(name="bot-room"))

    again = await helper.get_room_from_url(room.url)
    deleted = await helper.delete_room_by_url(room.url)
    deleted_again = await helper.delete_room_by_url(room.url)  # a 404 counts as deleted

    assert again.id == room.id
    assert (deleted, deleted_again) == (True, True)


async def test_configure_makes_a_dial_in_room_and_an_owner_token_for_the_bot(
    daily_server, monkeypatch: pytest.MonkeyPatch  # noqa: ANN001
) -> None:
    monkeypatch.setenv("DAILY_API_URL", daily_server.base_url)
    monkeypatch.delenv("DAILY_ROOM_URL", raising=False)
    async with aiohttp.ClientSession() as session:
        config = await configure(session, api_key=daily_server.api_key, sip_caller_phone="+15551234567")

    room_name = config.room_url.rsplit("/", 1)[1]
    room = daily_server.emulator.client().get_room(room_name)
    assert room_name.startswith("pipecat-telephony-") and room["privacy"] == "public"
    assert room["config"]["sip"]["display_name"] == "+15551234567"
    assert isinstance(room["config"]["exp"], float) and room["config"]["eject_at_room_exp"] is True
    assert decode_parts(config.token).payload["o"] is True
    # The emulator answers the endpoint without "sip:", as pipecat reads it: pipecat prepends one.
    assert config.sip_endpoint == "sip:" + room["config"]["sip_uri"]["endpoint"]
    assert re.fullmatch(r"sip:[0-9]{9}@hands-on-demo\.sip\.daily\.co", config.sip_endpoint)
