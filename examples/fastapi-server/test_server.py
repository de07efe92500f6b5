"""The example server, on the emulator through the plugin's fixtures: tokens, cookies, refusals, logs,
and the attacks it holds against (cross-site requests, floods, a broken Daily, old cookies)."""

from __future__ import annotations

import functools
import logging
import time

import httpx
import pytest
from fastapi import FastAPI
from itsdangerous import URLSafeTimedSerializer
from server import (
    HOST_COOKIE,
    MAX_HOSTED,
    MEETING_LIFETIME,
    SESSION_COOKIE,
    SelfSigning,
    create_app,
    from_environment,
    session_cookie,
)

from meeting_tokens import AsyncDailyClient, DailyEmulator, validate_token
from meeting_tokens.core.clock import Clock, FrozenClock

SESSION_SECRET = "test-session-secret-of-32-bytes-at-least"
HOST_SECRET = "test-host-secret-of-32-bytes-at-the-least"
OLD_HOST_SECRET = "the-host-secret-before-the-rotation"


@pytest.fixture
def daily_emulator() -> DailyEmulator:
    """The plugin's emulator, on a clock that moves only when a test moves it: the per-user
    limits count seconds exactly, however slow the machine."""
    return DailyEmulator(clock=FrozenClock(time.time()))


@pytest.fixture
def app(daily_async_client: AsyncDailyClient) -> FastAPI:
    return create_app(daily_async_client, session_secret=SESSION_SECRET, host_secret=HOST_SECRET)


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


def host_cookie(user_id: str, meetings: list[list[object]], secret: str) -> str:
    """A host cookie's value naming ``meetings`` for ``user_id``, signed with ``secret``."""
    return URLSafeTimedSerializer(secret, salt=HOST_COOKIE).dumps({"user_id": user_id, "meetings": meetings})


def daily_that_answers(handler: httpx.MockTransport) -> AsyncDailyClient:
    """An ``AsyncDailyClient`` whose Daily is ``handler``: a Daily that fails in a chosen way."""
    return AsyncDailyClient("not-a-real-key", transport=handler)


# What a signed-in user gets


async def test_the_host_gets_the_room_url_and_an_owner_token_for_the_meeting_they_made(
    app: FastAPI, daily_async_client: AsyncDailyClient
) -> None:
    async with browser(app, "u-ada", "Ada") as ada:
        room_name = await create_meeting(ada)
        answer = (await get_token(ada, room_name)).json()
    properties = await daily_async_client.validate_meeting_token(answer["token"])
    assert answer["room_url"] == (await daily_async_client.get_room(room_name))["url"]
    assert (properties["room_name"], properties["is_owner"]) == (room_name, True)
    assert (properties["user_id"], properties["user_name"]) == ("u-ada", "Ada")


async def test_another_signed_in_user_gets_a_guest_token(
    app: FastAPI, daily_async_client: AsyncDailyClient
) -> None:
    async with browser(app, "u-ada", "Ada") as ada, browser(app, "u-bo", "Bo") as bo:
        room_name = await create_meeting(ada)
        answer = (await get_token(bo, room_name)).json()
    properties = await daily_async_client.validate_meeting_token(answer["token"])
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
    app: FastAPI, daily_async_client: AsyncDailyClient, daily_clock: Clock
) -> None:
    async with browser(app, "u-ada", "Ada") as ada:
        room_name = await create_meeting(ada)
        daily_clock.advance(600)
        token = (await get_token(ada, room_name)).json()["token"]
    properties = await daily_async_client.validate_meeting_token(token)
    assert properties["exp"] == (await daily_async_client.get_room(room_name))["config"]["exp"]
    assert properties["eject_at_token_exp"] is True


async def test_the_host_cookie_is_httponly_secure_strict_and_host_prefixed(app: FastAPI) -> None:
    async with browser(app, "u-ada", "Ada") as ada:
        created = await ada.post("/meetings")
    [set_cookie] = created.headers.get_list("set-cookie")
    name, _, attributes = set_cookie.partition(";")
    assert name.startswith(HOST_COOKIE + "=")
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
    daily_async_client: AsyncDailyClient, daily_emulator: DailyEmulator
) -> None:
    signing = SelfSigning(daily_emulator.api_key, daily_emulator.domain_id)
    app = create_app(
        daily_async_client, session_secret=SESSION_SECRET, host_secret=HOST_SECRET, self_signing=signing
    )
    async with browser(app, "u-ada", "Ada") as ada:
        room_name = await create_meeting(ada)
        calls_before = len(daily_emulator.requests)
        token = (await get_token(ada, room_name)).json()["token"]
    report = validate_token(
        token, api_key=daily_emulator.api_key, room_name=room_name, now=daily_async_client.now()
    )
    assert len(daily_emulator.requests) == calls_before
    assert (report.valid, report.claims["o"]) == (True, True)
    assert (await daily_async_client.validate_meeting_token(token))["room_name"] == room_name


def test_the_self_signing_settings_keep_the_key_out_of_their_repr() -> None:
    assert repr(SelfSigning("sk-not-a-real-key", "d-1")) == "SelfSigning(api_key='***', domain_id='d-1')"


async def test_after_rotating_the_host_secret_a_cookie_signed_with_the_old_one_still_makes_its_holder_host(
    daily_async_client: AsyncDailyClient,
) -> None:
    app = create_app(
        daily_async_client, session_secret=SESSION_SECRET, host_secret=[OLD_HOST_SECRET, HOST_SECRET]
    )
    async with browser(app, "u-ada", "Ada") as ada:
        room_name = await create_meeting(ada)
        signed = URLSafeTimedSerializer(HOST_SECRET, salt=HOST_COOKIE).loads(ada.cookies[HOST_COOKIE])
        ada.cookies.set(HOST_COOKIE, host_cookie("u-ada", signed["meetings"], secret=OLD_HOST_SECRET))
        answer = (await get_token(ada, room_name)).json()
    assert (await daily_async_client.validate_meeting_token(answer["token"]))["is_owner"] is True


def test_the_server_reads_its_secrets_from_the_environment() -> None:
    environ = {"DAILY_API_KEY": "not-a-real-key", "SESSION_SECRET": SESSION_SECRET}
    with pytest.raises(ValueError, match="^set HOST_SECRET in the environment$"):
        from_environment(environ)
    assert isinstance(
        from_environment({**environ, "HOST_SECRET": f"{OLD_HOST_SECRET} {HOST_SECRET}"}), FastAPI
    )


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
    forged = session_cookie("someone-elses-secret-of-32-bytes-or-more", "u-ada", "Ada")
    async with browser(app) as mallory:
        response = await mallory.post("/meetings", headers={"cookie": f"{SESSION_COOKIE}={forged}"})
    assert (response.status_code, response.json()) == (
        401,
        {"detail": "the session is not valid or has expired; sign in again"},
    )


async def test_a_forged_host_cookie_is_403_and_makes_no_room(
    app: FastAPI, daily_emulator: DailyEmulator
) -> None:
    async with browser(app, "u-ada", "Ada") as ada, browser(app, "u-bo", "Bo") as bo:
        room_name = await create_meeting(ada)
        meeting = URLSafeTimedSerializer(HOST_SECRET, salt=HOST_COOKIE).loads(ada.cookies[HOST_COOKIE])
        bo.cookies.set(HOST_COOKIE, host_cookie("u-bo", meeting["meetings"], secret="guessed" * 6))
        response = await get_token(bo, room_name)
        calls_before = len(daily_emulator.requests)
        creation = await bo.post("/meetings")
    assert (response.status_code, response.json()) == (403, {"detail": "the host cookie does not verify"})
    assert (creation.status_code, len(daily_emulator.requests)) == (403, calls_before)


async def test_a_host_cookie_for_other_meetings_makes_a_guest(
    app: FastAPI, daily_async_client: AsyncDailyClient
) -> None:
    async with browser(app, "u-ada", "Ada") as ada, browser(app, "u-bo", "Bo") as bo:
        first = await create_meeting(ada)
        await create_meeting(bo)
        answer = (await get_token(bo, first)).json()
    assert (await daily_async_client.validate_meeting_token(answer["token"]))["is_owner"] is False


async def test_the_hosts_cookie_in_another_users_browser_is_403(app: FastAPI) -> None:
    async with browser(app, "u-ada", "Ada") as ada, browser(app, "u-bo", "Bo") as bo:
        room_name = await create_meeting(ada)
        bo.cookies.set(HOST_COOKIE, ada.cookies[HOST_COOKIE])
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


# Attacks: each test sends one, and the server holds


CROSS_SITE_REQUESTS = [
    {"origin": "https://evil.example"},
    {"origin": "http://testserver"},  # this host, but over plain HTTP: another origin
    {"origin": "null"},
    {"sec-fetch-site": "cross-site"},
    {"sec-fetch-site": "same-site"},  # a sibling subdomain, which SameSite lets through
    {"sec-fetch-site": "cross-site", "origin": "https://testserver"},  # the browser's word wins
]


@pytest.mark.parametrize("headers", CROSS_SITE_REQUESTS)
async def test_a_request_another_sites_page_makes_the_browser_send_is_403_on_both_endpoints(
    app: FastAPI, daily_emulator: DailyEmulator, headers: dict[str, str]
) -> None:
    forged = {**headers, "content-type": "text/plain"}  # what an HTML form may send without asking
    async with browser(app, "u-ada", "Ada") as ada:
        room_name = await create_meeting(ada)
        calls_before = len(daily_emulator.requests)
        creation = await ada.post("/meetings", headers=forged, content="x")
        token = await ada.post(f"/meetings/{room_name}/token", headers=forged, content="x")
    assert (creation.status_code, token.status_code) == (403, 403)
    assert creation.json() == {"detail": "only this site's own pages may do that"}
    assert "set-cookie" not in creation.headers and "token" not in token.json()
    assert len(daily_emulator.requests) == calls_before


@pytest.mark.parametrize(
    "headers",
    [{"origin": "https://testserver"}, {"sec-fetch-site": "same-origin"}, {"sec-fetch-site": "none"}, {}],
)
async def test_the_sites_own_pages_and_clients_that_are_not_browsers_pass_the_origin_check(
    app: FastAPI, headers: dict[str, str]
) -> None:
    async with browser(app, "u-ada", "Ada") as ada:
        creation = await ada.post("/meetings", headers=headers)
        token = await ada.post(f"/meetings/{creation.json()['room_name']}/token", headers=headers)
    assert (creation.status_code, token.status_code) == (201, 200)


@pytest.mark.parametrize("secret", ["", "x", "s" * 31, "é" * 15])
@pytest.mark.parametrize("which", ["session_secret", "host_secret"])
def test_a_secret_under_32_bytes_is_refused_before_the_server_starts(
    daily_async_client: AsyncDailyClient, which: str, secret: str
) -> None:
    secrets = {"session_secret": SESSION_SECRET, "host_secret": HOST_SECRET, which: secret}
    with pytest.raises(
        ValueError, match=f"^{which} has {len(secret.encode())} bytes; use at least 32 random"
    ):
        create_app(daily_async_client, **secrets)


def test_an_empty_list_of_host_secrets_is_refused_before_the_server_starts(
    daily_async_client: AsyncDailyClient,
) -> None:
    with pytest.raises(ValueError, match="^host_secret must be a secret or a non-empty list of secrets"):
        create_app(daily_async_client, session_secret=SESSION_SECRET, host_secret=[])


async def test_one_user_asking_for_150_tokens_at_once_gets_10_then_429s_and_others_are_unaffected(
    app: FastAPI, daily_clock: Clock
) -> None:
    async with browser(app, "u-ada", "Ada") as ada, browser(app, "u-bo", "Bo") as bo:
        room_name = await create_meeting(ada)
        flood = [await get_token(bo, room_name) for _ in range(150)]
        others = await get_token(ada, room_name)
        daily_clock.advance(6)
        later = await get_token(bo, room_name)
    statuses = [response.status_code for response in flood]
    assert (statuses.count(200), statuses.count(429), len(statuses)) == (10, 140, 150)
    assert {response.headers["retry-after"] for response in flood if response.status_code == 429} == {"6"}
    assert (others.status_code, later.status_code) == (200, 200)


async def test_one_user_making_30_meetings_at_once_gets_5_then_429s(
    app: FastAPI, daily_emulator: DailyEmulator, daily_clock: Clock
) -> None:
    async with browser(app, "u-ada", "Ada") as ada:
        statuses = [(await ada.post("/meetings")).status_code for _ in range(30)]
        daily_clock.advance(60)
        later = await ada.post("/meetings")
    assert (statuses.count(201), statuses.count(429)) == (5, 25)
    assert later.status_code == 201
    assert len(daily_emulator.requests) == 6


async def test_the_server_keeps_at_most_max_meetings_and_forgets_ended_ones(
    daily_async_client: AsyncDailyClient, daily_clock: Clock
) -> None:
    app = create_app(
        daily_async_client, session_secret=SESSION_SECRET, host_secret=HOST_SECRET, max_meetings=3
    )
    async with browser(app, "u-ada", "Ada") as ada:
        for _ in range(3):
            await create_meeting(ada)
        full = await ada.post("/meetings")
        daily_clock.advance(MEETING_LIFETIME)
        after_the_end = await ada.post("/meetings")
    assert (full.status_code, full.headers["retry-after"]) == (429, str(MEETING_LIFETIME))
    assert after_the_end.status_code == 201


async def test_a_daily_that_keeps_asking_to_wait_gets_a_502_at_the_deadline_not_after_the_retries(
    caplog: pytest.LogCaptureFixture,
) -> None:
    calls = []

    def busy(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(503, headers={"Retry-After": "30"}, json={"error": "server-error"})

    app = create_app(
        daily_that_answers(httpx.MockTransport(busy)),
        session_secret=SESSION_SECRET,
        host_secret=HOST_SECRET,
        daily_deadline=0.2,
    )
    async with browser(app, "u-ada", "Ada") as ada:
        response = await ada.post("/meetings")
    assert (response.status_code, len(calls)) == (502, 1)  # the client's 30 s wait was cut short
    assert "make a room failed: TimeoutError" in caplog.text


@pytest.mark.parametrize(
    ("answer", "logged"),
    [
        (httpx.ConnectError("connection refused by 10.0.0.1"), "ConnectError"),
        (
            httpx.Response(200, json={"id": "r-1", "url": "https://d.example/r"}),
            "Daily's answer lacks a field",
        ),
        (httpx.Response(200, json={"id": "r-1", "name": None, "url": 7}), "Daily's answer lacks a field"),
    ],
)
async def test_an_unreachable_or_malformed_daily_is_a_502_with_one_log_line_and_no_traceback(
    caplog: pytest.LogCaptureFixture, answer: httpx.Response | Exception, logged: str
) -> None:
    def daily(request: httpx.Request) -> httpx.Response:
        if isinstance(answer, Exception):
            raise answer
        return answer

    app = create_app(
        daily_that_answers(httpx.MockTransport(daily)), session_secret=SESSION_SECRET, host_secret=HOST_SECRET
    )
    with caplog.at_level(logging.INFO):
        async with browser(app, "u-ada", "Ada") as ada:
            response = await ada.post("/meetings")
    assert (response.status_code, response.json()) == (
        502,
        {"detail": "Daily could not make a room; try again later"},
    )
    assert [record.getMessage() for record in caplog.records if record.name == "server"] == [
        f"make a room failed: {logged}"
    ]
    assert [record for record in caplog.records if record.exc_info] == []  # no traceback


async def test_a_host_of_100_meetings_carries_one_cookie_under_1_kb_that_names_the_newest(
    app: FastAPI, daily_async_client: AsyncDailyClient, daily_clock: Clock
) -> None:
    async with browser(app, "u-ada", "Ada") as ada:
        rooms = []
        for _ in range(100):
            rooms.append(await create_meeting(ada))
            daily_clock.advance(60)  # the pace the limit allows; every meeting is still running
        host_cookies = [name for name in ada.cookies if name != SESSION_COOKIE]
        size = len(ada.cookies[HOST_COOKIE])
        newest, dropped = (
            (await get_token(ada, rooms[-MAX_HOSTED])).json(),
            (await get_token(ada, rooms[0])).json(),
        )
    assert (host_cookies, size < 1024) == ([HOST_COOKIE], True), size
    assert (await daily_async_client.validate_meeting_token(newest["token"]))["is_owner"] is True
    assert (await daily_async_client.validate_meeting_token(dropped["token"]))["is_owner"] is False


async def test_an_old_host_cookie_does_not_make_its_holder_host_of_a_new_room_of_the_same_name(
    app: FastAPI, daily_async_client: AsyncDailyClient, daily_clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A copy of this server that reuses room names (a fixed name per team, say): Daily makes
    # every room of this test "standup".
    monkeypatch.setattr(
        daily_async_client, "create_room", functools.partial(daily_async_client.create_room, "standup")
    )
    async with browser(app, "u-ada", "Ada") as ada, browser(app, "u-bo", "Bo") as bo:
        await create_meeting(ada)
        daily_clock.advance(MEETING_LIFETIME)  # Ada's meeting ends; she keeps her cookie
        assert await create_meeting(bo) == "standup"
        answer = (await get_token(ada, "standup")).json()
    assert (await daily_async_client.validate_meeting_token(answer["token"]))["is_owner"] is False


async def test_every_answer_carries_the_security_headers(app: FastAPI) -> None:
    async with browser(app, "u-ada", "Ada") as ada, browser(app) as anonymous:
        room_name = await create_meeting(ada)
        answers = [
            await ada.post("/meetings"),
            await get_token(ada, room_name),
            await get_token(anonymous, room_name),
            await get_token(ada, "no-such-room"),
            await ada.get("/nothing-here"),
        ]
    assert [response.status_code for response in answers] == [201, 200, 401, 404, 404]
    for response in answers:
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
        assert response.headers["referrer-policy"] == "no-referrer"


async def test_a_trailing_slash_is_a_404_not_a_redirect_to_the_host_the_request_names(app: FastAPI) -> None:
    async with browser(app, "u-ada", "Ada") as ada:
        response = await ada.post("/meetings/", headers={"host": "evil.example"})
    assert (response.status_code, "location" in response.headers) == (404, False)


# The log


async def test_the_log_names_users_and_meetings_but_never_a_token_a_cookie_or_the_key(
    app: FastAPI, daily_emulator: DailyEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        async with browser(app, "u-ada", "Ada") as ada, browser(app, "u-bo", "Bo") as bo:
            room_name = await create_meeting(ada)
            tokens = [(await get_token(client, room_name)).json()["token"] for client in (ada, bo)]
            bo.cookies.set(HOST_COOKIE, host_cookie("u-bo", [], secret="guessed" * 6))
            await get_token(bo, room_name)
            secrets = [*tokens, ada.cookies[HOST_COOKIE], ada.cookies[SESSION_COOKIE]]
    assert f"issued a host token for meeting {room_name} to user u-ada" in caplog.text
    assert f"issued a guest token for meeting {room_name} to user u-bo" in caplog.text
    assert "refused a host cookie that does not verify" in caplog.text
    assert [secret for secret in [*secrets, daily_emulator.api_key] if secret in caplog.text] == []
