"""The server's answers to browsers carry no Daily secret: never the API key, and an owner token
only in the host's own answer (the production checklist's "The browser")."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from server import SESSION_COOKIE, SelfSigning, create_app, session_cookie

from meeting_tokens import AsyncDailyClient, DailyEmulator
from meeting_tokens.pytest_plugin import assert_no_daily_secret

SESSION_SECRET = "test-session-secret-of-32-bytes-at-least"
HOST_SECRET = "test-host-secret-of-32-bytes-at-the-least"


def signed_in(app: FastAPI, user_id: str) -> httpx.AsyncClient:
    """A browser over https, signed in as ``user_id``."""
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://testserver")
    client.cookies.set(SESSION_COOKIE, session_cookie(SESSION_SECRET, user_id, user_id))
    return client


def self_signing_app(daily_async_client: AsyncDailyClient, daily_emulator: DailyEmulator) -> FastAPI:
    """The server holding the API key itself, to self-sign its tokens."""
    signing = SelfSigning(daily_emulator.api_key, daily_emulator.domain_id)
    return create_app(
        daily_async_client, session_secret=SESSION_SECRET, host_secret=HOST_SECRET, self_signing=signing
    )


async def test_making_a_meeting_answers_with_a_host_cookie_but_no_daily_secret(
    daily_async_client: AsyncDailyClient, daily_emulator: DailyEmulator
) -> None:
    async with signed_in(self_signing_app(daily_async_client, daily_emulator), "u-ada") as ada:
        created = await ada.post("/meetings")
    assert created.headers["set-cookie"]
    assert_no_daily_secret(created, daily_emulator.api_key)


async def test_a_guest_of_a_self_signing_server_gets_neither_the_key_nor_an_owner_token(
    daily_async_client: AsyncDailyClient, daily_emulator: DailyEmulator
) -> None:
    app = self_signing_app(daily_async_client, daily_emulator)
    async with signed_in(app, "u-ada") as ada, signed_in(app, "u-bo") as bo:
        room_name = (await ada.post("/meetings")).json()["room_name"]
        answer = await bo.post(f"/meetings/{room_name}/token")
    assert answer.json()["token"]
    assert_no_daily_secret(answer, daily_emulator.api_key)


async def test_only_the_hosts_own_answer_carries_an_owner_token(
    daily_async_client: AsyncDailyClient, daily_emulator: DailyEmulator
) -> None:
    async with signed_in(self_signing_app(daily_async_client, daily_emulator), "u-ada") as ada:
        room_name = (await ada.post("/meetings")).json()["room_name"]
        answer = await ada.post(f"/meetings/{room_name}/token")
    with pytest.raises(AssertionError, match="an owner token in the body"):
        assert_no_daily_secret(answer, daily_emulator.api_key)
