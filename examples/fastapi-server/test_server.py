"""The example server, on the emulator through the plugin's fixtures: tokens, cookies, refusals, logs."""

from __future__ import annotations

import hashlib
import logging

import httpx
import pytest
from fastapi import FastAPI
from itsdangerous import Signer
from server import MEETING_LIFETIME, SESSION_COOKIE, SelfSigning, create_app, host_cookie_name, session_cookie

from meeting_tokens import DailyClient, DailyEmulator, validate_token
from meeting_tokens.core.clock import Clock

SESSION_SECRET = "test-session-secret"
HOST_SECRET = "test-host-secret"


@pytest.fixture
def app(daily_client: DailyClient) -> FastAPI:
    return create_app(daily_client, session_secret=SESSION_SECRET, host_secret=HOST_SECRET)


def browser(app: FastAPI, user_id: str | None = None, name: str = "") -> httpx.AsyncClient:
    """One person's browser: over https (so Secure cookies travel), signed in as ``user_id``."""
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://testserver")
    if user_id is not None:
        client.cookies.set(SESSION_COOKIE, session_cookie(SESSION_SECRET, user_id, name))
    return client


async def create_meeting(host: httpx.AsyncClient) -> str:
    created = await host.post("/meetings")
    assert created.status_code == 201, created.text
    return created.json()["room_name"]


async def get_token(client: httpx.AsyncClient, room_name: str) -> httpx.Response:
    return await client.post(f"/meetings/{room_name}/token")


def host_cookie(room_name: str, user_id: str, secret: str) -> tuple[str, str]:
    """The name and value of a host cookie for ``room_name`` signed with ``secret``."""
    value = Signer(secret, salt=host_cookie_name(room_name), digest_method=hashlib.sha256).sign(user_id)
    return host_cookie_name(room_name), value.decode()


# What a signed-in user gets


async def test_the_host_gets_the_room_url_and_an_owner_token_for_the_meeting_they_made(
    app: FastAPI, daily_client: DailyClient
) -> None:
    async with browser(app, "u-ada", "Ada") as ada:
        room_name = await create_meeting(ada)
        answer = (await get_token(ada, room_name)).json()
    properties = daily_client.validate_meeting_token(answer["token"])
    assert answer["room_url"] == daily_client.get_room(room_name)["url"]
    assert (properties["room_name"], properties["is_owner"]) == (room_name, True)
    assert (properties["user_id"], properties["user_name"]) == ("u-ada", "Ada")


async def test_another_signed_in_user_gets_a_guest_token(app: FastAPI, daily_client: DailyClient) -> None:
    async with browser(app, "u-ada", "Ada") as ada, browser(app, "u-bo", "Bo") as bo:
        room_name = await create_meeting(ada)
        answer = (await get_token(bo, room_name)).json()
    properties = daily_client.validate_meeting_token(answer["token"])
    assert (properties["user_id"], properties["is_owner"]) == ("u-bo", False)


async def test_the_meeting_is_a_private_room_that_the_token_admits_its_holder_to(
    app: FastAPI, daily_emulator: DailyEmulator
) -> None:
    async with browser(app, "u-ada", "Ada") as ada:
        room_name = await create_meeting(ada)
        token = (await get_token(ada, room_name)).json()["token"]
    assert daily_emulator.join(room_name).reason == "a private room needs a meeting token"
    admission = daily_emulator.join(room_name, token)
    assert (admission.admitted, admission.is_owner) == (True, True)


async def test_the_token_ends_with_its_meeting_and_ejects_its_holder_then(
    app: FastAPI, daily_client: DailyClient, daily_clock: Clock
) -> None:
    async with browser(app, "u-ada", "Ada") as ada:
        room_name = await create_meeting(ada)
        daily_clock.advance(600)
        token = (await get_token(ada, room_name)).json()["token"]
    properties = daily_client.validate_meeting_token(token)
    assert properties["exp"] == daily_client.get_room(room_name)["config"]["exp"]
    assert properties["eject_at_token_exp"] is True


async def test_the_host_cookie_is_httponly_secure_strict_and_host_prefixed(app: FastAPI) -> None:
    async with browser(app, "u-ada", "Ada") as ada:
        created = await ada.post("/meetings")
    [set_cookie] = created.headers.get_list("set-cookie")
    name, _, attributes = set_cookie.partition(";")
    assert name.startswith(host_cookie_name(created.json()["room_name"]) + "=")
    assert {part.strip().lower() for part in attributes.split(";")} == {
        "httponly",
        f"max-age={MEETING_LIFETIME}",
        "path=/",
        "samesite=strict",
        "secure",
    }


async def test_an_answer_with_a_token_is_never_cached(app: FastAPI) -> None:
    async with browser(app, "u-ada", "Ada") as ada:
        response = await get_token(ada, await create_meeting(ada))
    assert response.headers["cache-control"] == "no-store"


async def test_a_self_signing_server_makes_tokens_daily_accepts_without_a_call(
    daily_client: DailyClient, daily_emulator: DailyEmulator
) -> None:
    signing = SelfSigning(daily_emulator.api_key, daily_emulator.domain_id)
    app = create_app(
        daily_client, session_secret=SESSION_SECRET, host_secret=HOST_SECRET, self_signing=signing
    )
    async with browser(app, "u-ada", "Ada") as ada:
        room_name = await create_meeting(ada)
        calls_before = len(daily_emulator.requests)
        token = (await get_token(ada, room_name)).json()["token"]
    report = validate_token(
        token, api_key=daily_emulator.api_key, room_name=room_name, now=daily_client.now()
    )
    assert len(daily_emulator.requests) == calls_before
    assert (report.valid, report.claims["o"]) == (True, True)
    assert daily_client.validate_meeting_token(token)["room_name"] == room_name


def test_the_self_signing_settings_keep_the_key_out_of_their_repr() -> None:
    assert repr(SelfSigning("sk-not-a-real-key", "d-1")) == "SelfSigning(api_key='***', domain_id='d-1')"


async def test_after_rotating_the_host_secret_a_cookie_signed_with_the_old_one_still_makes_its_holder_host(
    daily_client: DailyClient,
) -> None:
    app = create_app(daily_client, session_secret=SESSION_SECRET, host_secret=["old-secret", HOST_SECRET])
    async with browser(app, "u-ada", "Ada") as ada:
        room_name = await create_meeting(ada)
        ada.cookies.set(*host_cookie(room_name, "u-ada", secret="old-secret"))
        answer = (await get_token(ada, room_name)).json()
    assert daily_client.validate_meeting_token(answer["token"])["is_owner"] is True


# Bad input: each refusal is a 4xx that says what is wrong


async def test_without_a_session_making_a_meeting_is_401(app: FastAPI) -> None:
    async with browser(app) as anonymous:
        response = await anonymous.post("/meetings")
    assert (response.status_code, response.json()) == (
        401,
        {"detail": "sign in first: there is no session cookie"},
    )


async def test_without_a_session_asking_for_a_token_is_401(app: FastAPI) -> None:
    async with browser(app, "u-ada", "Ada") as ada, browser(app) as anonymous:
        response = await get_token(anonymous, await create_meeting(ada))
    assert response.status_code == 401
    assert "token" not in response.json()


async def test_a_session_signed_with_another_secret_is_401(app: FastAPI) -> None:
    forged = session_cookie("someone-elses-secret", "u-ada", "Ada")
    async with browser(app) as mallory:
        response = await mallory.post("/meetings", headers={"cookie": f"{SESSION_COOKIE}={forged}"})
    assert (response.status_code, response.json()) == (
        401,
        {"detail": "the session is not valid or has expired; sign in again"},
    )


async def test_a_forged_host_cookie_is_403(app: FastAPI) -> None:
    async with browser(app, "u-ada", "Ada") as ada, browser(app, "u-bo", "Bo") as bo:
        room_name = await create_meeting(ada)
        bo.cookies.set(*host_cookie(room_name, "u-bo", secret="guessed"))
        response = await get_token(bo, room_name)
    assert (response.status_code, response.json()) == (
        403,
        {"detail": "the host cookie does not verify for this meeting"},
    )


async def test_a_host_cookie_of_another_meeting_is_403(app: FastAPI) -> None:
    async with browser(app, "u-ada", "Ada") as ada, browser(app, "u-bo", "Bo") as bo:
        first = await create_meeting(ada)
        second = await create_meeting(bo)
        bo.cookies.set(host_cookie_name(first), bo.cookies[host_cookie_name(second)])
        response = await get_token(bo, first)
    assert response.status_code == 403


async def test_the_hosts_cookie_in_another_users_browser_is_403(app: FastAPI) -> None:
    async with browser(app, "u-ada", "Ada") as ada, browser(app, "u-bo", "Bo") as bo:
        room_name = await create_meeting(ada)
        bo.cookies.set(host_cookie_name(room_name), ada.cookies[host_cookie_name(room_name)])
        response = await get_token(bo, room_name)
    assert (response.status_code, response.json()) == (
        403,
        {"detail": "the host cookie belongs to another user"},
    )


@pytest.mark.parametrize("room_name", ["no-such-room", "a" * 129, "%2e%2e"])
async def test_an_unknown_meeting_is_404(app: FastAPI, room_name: str) -> None:
    async with browser(app, "u-ada", "Ada") as ada:
        response = await get_token(ada, room_name)
    assert (response.status_code, response.json()) == (404, {"detail": "no meeting with that name"})


async def test_a_meeting_whose_room_has_expired_is_410(app: FastAPI, daily_clock: Clock) -> None:
    async with browser(app, "u-ada", "Ada") as ada:
        room_name = await create_meeting(ada)
        daily_clock.advance(MEETING_LIFETIME)
        response = await get_token(ada, room_name)
    assert (response.status_code, response.json()) == (410, {"detail": "the meeting has ended"})


async def test_when_daily_refuses_the_key_the_answer_is_502_and_the_log_has_its_error_type_only(
    app: FastAPI, daily_emulator: DailyEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    async with browser(app, "u-ada", "Ada") as ada:
        room_name = await create_meeting(ada)
        daily_emulator.rotate_api_key()
        with caplog.at_level(logging.INFO):
            response = await get_token(ada, room_name)
    assert (response.status_code, response.json()) == (
        502,
        {"detail": "Daily could not make a meeting token; try again later"},
    )
    assert "make a meeting token failed: Daily answered 401 authentication-error" in caplog.text
    assert "the API key is not valid" not in caplog.text  # Daily's info text stays out


# The log


async def test_the_log_names_users_and_meetings_but_never_a_token_a_cookie_or_the_key(
    app: FastAPI, daily_emulator: DailyEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        async with browser(app, "u-ada", "Ada") as ada, browser(app, "u-bo", "Bo") as bo:
            room_name = await create_meeting(ada)
            tokens = [(await get_token(client, room_name)).json()["token"] for client in (ada, bo)]
            bo.cookies.set(*host_cookie(room_name, "u-bo", secret="guessed"))
            await get_token(bo, room_name)
            secrets = [*tokens, ada.cookies[host_cookie_name(room_name)], ada.cookies[SESSION_COOKIE]]
    assert f"issued a host token for meeting {room_name} to user u-ada" in caplog.text
    assert f"issued a guest token for meeting {room_name} to user u-bo" in caplog.text
    assert f"refused a host cookie that does not verify, for meeting {room_name}" in caplog.text
    assert [secret for secret in [*secrets, daily_emulator.api_key] if secret in caplog.text] == []
