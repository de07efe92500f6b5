"""The game server in-process (httpx's ASGI transport): cookies, hosts, tokens and errors."""

from __future__ import annotations

import asyncio
import base64
import hashlib
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from itsdangerous import Signer

from constants import NOW
from meeting_tokens.api.emulator import DailyEmulator
from meeting_tokens.core.clock import FrozenClock
from meeting_tokens.core.errors import DailyAPIError
from meeting_tokens.game import app as game_app_module
from meeting_tokens.game import browser, create_app, game_app, host_cookie_name

SECRET = "test-cookie-secret"
DAY = 86400
TEN_YEARS = 10 * 365 * DAY


@pytest.fixture
def emulator() -> DailyEmulator:
    return DailyEmulator(clock=FrozenClock(NOW))


def make_app(emulator: DailyEmulator, **options: object):
    return create_app(emulator.client(), cookie_secret=SECRET, clock=emulator.clock.now, **options)


def signed(value: str, game_id: str, secret: str = SECRET, name: str = "__Host-gh-{}") -> str:
    salt = name.format(game_id)
    return Signer(secret, salt=salt, digest_method=hashlib.sha256).sign(value).decode()


async def create_game(client: httpx.AsyncClient, game: str = "Quiz", player: str = "Ada") -> str:
    response = await client.post("/create", data={"gameName": game, "playerName": player})
    assert response.status_code == 303
    return parse_qs(urlsplit(response.headers["location"]).query)["gameID"][0]


async def join(client: httpx.AsyncClient, game_id: str, player: str = "Ada", **headers: str):
    return await client.post("/join", json={"gameID": game_id, "playerName": player}, headers=headers)


async def post_create(client: httpx.AsyncClient, **headers: str) -> httpx.Response:
    return await client.post("/create", data={"gameName": "Quiz", "playerName": "Ada"}, headers=headers)


def from_address(app, host: str) -> httpx.AsyncClient:
    """Like ``browser(app)``, from another client address."""
    transport = httpx.ASGITransport(app=app, client=(host, 50000))
    return httpx.AsyncClient(transport=transport, base_url="https://testserver")


def cookie_attributes(set_cookie: str) -> set[str]:
    return {part.strip().lower() for part in set_cookie.split(";")[1:]}


class FailingDaily:
    """A client whose every call fails the way Daily can, with text that must not leak."""

    def __init__(self, room: dict[str, str] | None = None) -> None:
        self.room = room

    def create_room(self, **kwargs: object) -> dict[str, str]:
        if self.room is None:
            raise DailyAPIError(500, "server-error", "room service down; key sk_live_123")
        return self.room

    def create_meeting_token(self, properties: dict[str, object]) -> str:
        raise DailyAPIError(500, "server-error", "token service down; key sk_live_123")


# /create


async def test_create_redirects_to_the_game_page_with_303(emulator):
    async with browser(make_app(emulator)) as client:
        response = await client.post("/create", data={"gameName": "Quiz", "playerName": "Ada"})
    game_id = parse_qs(urlsplit(response.headers["location"]).query)["gameID"][0]
    assert response.status_code == 303
    assert response.headers["location"] == f"/?gameID={game_id}&playerName=Ada"


async def test_create_sets_one_httponly_secure_strict_day_long_host_cookie_for_the_whole_site(emulator):
    async with browser(make_app(emulator)) as client:
        response = await client.post("/create", data={"gameName": "Quiz", "playerName": "Ada"})
    game_id = parse_qs(urlsplit(response.headers["location"]).query)["gameID"][0]
    [set_cookie] = response.headers.get_list("set-cookie")
    assert set_cookie.startswith(f"__Host-gh-{game_id}=")
    assert cookie_attributes(set_cookie) == {
        "httponly",
        "max-age=86400",
        "path=/",
        "samesite=strict",
        "secure",
    }


async def test_host_cookie_value_is_the_creation_time_signed_for_that_game(emulator):
    async with browser(make_app(emulator)) as client:
        game_id = await create_game(client)
        cookie = client.cookies[f"__Host-gh-{game_id}"]
    assert cookie == signed("1767225600", game_id)


class SlowRooms:
    """The emulator's client, except that making a room takes 30 seconds of the emulator's time."""

    def __init__(self, emulator: DailyEmulator) -> None:
        self.emulator, self.client = emulator, emulator.client()

    def create_room(self, **kwargs: object) -> dict:
        self.emulator.clock.advance(30)
        return self.client.create_room(**kwargs)

    def create_meeting_token(self, properties: dict) -> str:
        return self.client.create_meeting_token(properties)


async def test_host_cookie_carries_the_creation_time_even_when_the_room_is_slow(emulator):
    app = create_app(SlowRooms(emulator), cookie_secret=SECRET, clock=emulator.clock.now)
    async with browser(app) as client:
        game_id = await create_game(client)
        answer = (await join(client, game_id)).json()
    assert client.cookies[f"__Host-gh-{game_id}"] == signed("1767225600", game_id)
    assert answer["isHost"] is True


async def test_create_without_secure_cookies_drops_the_secure_flag_and_the_host_prefix(emulator):
    async with browser(make_app(emulator, secure_cookies=False)) as client:
        response = await client.post("/create", data={"gameName": "Quiz", "playerName": "Ada"})
    game_id = parse_qs(urlsplit(response.headers["location"]).query)["gameID"][0]
    [set_cookie] = response.headers.get_list("set-cookie")
    assert set_cookie.startswith(f"gh-{game_id}=")
    assert cookie_attributes(set_cookie) == {"httponly", "max-age=86400", "path=/", "samesite=strict"}


async def test_without_secure_cookies_the_plain_named_cookie_makes_its_holder_host(emulator):
    async with browser(make_app(emulator, secure_cookies=False)) as client:
        game_id = await create_game(client)
        answer = (await join(client, game_id)).json()
    assert client.cookies[f"gh-{game_id}"] == signed("1767225600", game_id, name="gh-{}")
    assert answer["isHost"] is True


def test_host_cookie_name_has_the_host_prefix_only_for_secure_cookies():
    assert host_cookie_name("0123456789ab") == "__Host-gh-0123456789ab"
    assert host_cookie_name("0123456789ab", secure=False) == "gh-0123456789ab"


async def test_a_validly_signed_cookie_without_the_host_prefix_makes_nobody_host(emulator):
    app = make_app(emulator)
    async with browser(app) as host, browser(app) as other:
        game_id = await create_game(host)
        cookie = f"gh-{game_id}={host.cookies[f'__Host-gh-{game_id}']}"
        response = await join(other, game_id, cookie=cookie)
    assert response.json()["isHost"] is False


async def test_create_makes_the_games_room(emulator):
    async with browser(make_app(emulator)) as client:
        game_id = await create_game(client)
        answer = (await join(client, game_id)).json()
    room_name = answer["roomURL"].rsplit("/", 1)[1]
    assert emulator.client().get_room(room_name)["url"] == answer["roomURL"]


@pytest.mark.parametrize("name", ["O'Brien-Smith_2", "Zoë", "a", "x" * 40, "Friday night quiz"])
async def test_create_accepts_letters_digits_spaces_and_dash_underscore_apostrophe(emulator, name):
    async with browser(make_app(emulator)) as client:
        response = await client.post("/create", data={"gameName": name, "playerName": name})
    assert response.status_code == 303


@pytest.mark.parametrize("name", ["", "x" * 41, "<script>", "a;b", "tab\there", "line\n"])
async def test_create_rejects_a_bad_game_name_with_400(emulator, name):
    async with browser(make_app(emulator)) as client:
        response = await client.post("/create", data={"gameName": name, "playerName": "Ada"})
    assert response.status_code == 400
    assert response.json() == {
        "error": "gameName must be 1 to 40 characters: letters, digits, spaces, '-', '_' or an apostrophe"
    }
    assert "set-cookie" not in response.headers


async def test_create_rejects_a_bad_player_name_with_400(emulator):
    async with browser(make_app(emulator)) as client:
        response = await client.post("/create", data={"gameName": "Quiz", "playerName": "<b>"})
    assert response.status_code == 400
    assert response.json()["error"].startswith("playerName must be 1 to 40 characters")


async def test_create_without_fields_is_400(emulator):
    async with browser(make_app(emulator)) as client:
        response = await client.post("/create", data={})
    assert response.status_code == 400
    assert response.json()["error"].startswith("gameName must be")


async def test_create_is_500_without_details_when_the_room_cannot_be_made():
    app = create_app(FailingDaily(), cookie_secret=SECRET)
    async with browser(app) as client:
        response = await client.post("/create", data={"gameName": "Quiz", "playerName": "Ada"})
    assert response.status_code == 500
    assert response.json() == {"error": "could not create the game's room"}
    assert "set-cookie" not in response.headers


class BrokenTransport(FailingDaily):
    """A client whose requests fail before they reach Daily, with the request in the message."""

    def create_room(self, **kwargs: object) -> dict[str, str]:
        raise httpx.LocalProtocolError("Illegal header value b'Bearer sk_live_123 '")


async def test_a_failure_of_daily_is_logged_by_status_and_error_code_only(caplog):
    async with browser(create_app(FailingDaily(), cookie_secret=SECRET)) as client:
        await post_create(client)
    assert "creating the game's room failed: Daily answered 500 server-error" in caplog.text
    assert "sk_live_123" not in caplog.text


async def test_a_failed_request_to_daily_is_logged_by_its_kind_only(caplog):
    async with browser(create_app(BrokenTransport(), cookie_secret=SECRET)) as client:
        response = await post_create(client)
    assert response.json() == {"error": "could not create the game's room"}
    assert "creating the game's room failed: LocalProtocolError" in caplog.text
    assert "sk_live_123" not in caplog.text


async def test_a_failed_mint_is_logged_without_daily_s_message(caplog):
    room = {"name": "quiz-room", "url": "https://example.daily.co/quiz-room"}
    async with browser(create_app(FailingDaily(room), cookie_secret=SECRET)) as client:
        await join(client, await create_game(client))
    assert "minting a meeting token failed: Daily answered 500 server-error" in caplog.text
    assert "sk_live_123" not in caplog.text


# /join


async def test_host_gets_a_fresh_owner_token_for_the_room_valid_for_a_day(emulator):
    async with browser(make_app(emulator)) as client:
        game_id = await create_game(client, game="Quiz")
        response = await join(client, game_id)
    answer = response.json()
    room_name = answer["roomURL"].rsplit("/", 1)[1]
    properties = emulator.client().validate_meeting_token(answer.pop("meetingToken"))
    assert response.status_code == 200
    assert answer == {"roomURL": answer["roomURL"], "gameName": "Quiz", "isHost": True}
    assert properties["room_name"] == room_name
    assert properties["is_owner"] is True
    assert properties["exp"] == NOW + 86400


async def test_each_host_join_mints_a_new_token(emulator):
    async with browser(make_app(emulator)) as client:
        game_id = await create_game(client)
        first = (await join(client, game_id)).json()["meetingToken"]
        emulator.clock.advance(60)
        second = (await join(client, game_id)).json()["meetingToken"]
    assert first != second
    assert emulator.client().validate_meeting_token(second)["exp"] == NOW + 60 + 86400


async def test_player_without_host_cookie_gets_the_room_url_and_no_token(emulator):
    app = make_app(emulator)
    async with browser(app) as host, browser(app) as guest:
        game_id = await create_game(host, game="Quiz")
        response = await join(guest, game_id, player="Bo")
    answer = response.json()
    assert response.status_code == 200
    assert answer == {"roomURL": answer["roomURL"], "gameName": "Quiz", "isHost": False}
    assert answer["roomURL"].startswith("https://")


async def test_tampered_host_cookie_makes_nobody_host(emulator):
    app = make_app(emulator)
    async with browser(app) as host, browser(app) as other:
        game_id = await create_game(host)
        value, signature = host.cookies[f"__Host-gh-{game_id}"].split(".")
        forged = f"{int(value) + 1}.{signature}"
        response = await join(other, game_id, cookie=f"__Host-gh-{game_id}={forged}")
    assert response.json()["isHost"] is False
    assert "meetingToken" not in response.json()


async def test_unsigned_host_cookie_makes_nobody_host(emulator):
    app = make_app(emulator)
    async with browser(app) as host, browser(app) as other:
        game_id = await create_game(host)
        response = await join(other, game_id, cookie=f"__Host-gh-{game_id}={NOW}")
    assert response.json()["isHost"] is False


async def test_cookie_signed_with_another_secret_makes_nobody_host(emulator):
    app = make_app(emulator)
    async with browser(app) as host, browser(app) as other:
        game_id = await create_game(host)
        forged = signed(str(NOW), game_id, secret="another-secret")
        response = await join(other, game_id, cookie=f"__Host-gh-{game_id}={forged}")
    assert response.json()["isHost"] is False


async def test_host_cookie_of_another_game_created_the_same_second_makes_nobody_host(emulator):
    app = make_app(emulator)
    async with browser(app) as host, browser(app) as other:
        first = await create_game(host, game="First")
        second = await create_game(other, game="Second")
        borrowed = other.cookies[f"__Host-gh-{second}"]
        response = await join(other, first, cookie=f"__Host-gh-{first}={borrowed}")
    assert response.json()["isHost"] is False


@pytest.mark.parametrize(("signed_at", "is_host"), [(-1, False), (0, True), (10, True), (11, False)])
async def test_host_cookie_must_be_signed_within_ten_seconds_of_creation(emulator, signed_at, is_host):
    app = make_app(emulator)
    async with browser(app) as host, browser(app) as other:
        game_id = await create_game(host)
        cookie = signed(str(NOW + signed_at), game_id)
        response = await join(other, game_id, cookie=f"__Host-gh-{game_id}={cookie}")
    assert response.json()["isHost"] is is_host


@pytest.mark.parametrize(("age", "is_host"), [(DAY - 1, True), (DAY, False), (TEN_YEARS, False)])
async def test_host_cookie_makes_its_holder_host_for_one_day_only(emulator, age, is_host):
    async with browser(make_app(emulator, game_lifetime=2 * TEN_YEARS)) as client:
        game_id = await create_game(client)
        emulator.clock.advance(age)
        answer = (await join(client, game_id)).json()
    assert answer["isHost"] is is_host
    assert ("meetingToken" in answer) is is_host


async def test_a_ten_year_old_host_cookie_mints_no_owner_token(emulator):
    async with browser(make_app(emulator)) as client:
        game_id = await create_game(client)
        emulator.clock.advance(TEN_YEARS)
        response = await join(client, game_id)
    assert "meetingToken" not in response.json()


async def test_join_for_an_unknown_game_is_404_json(emulator):
    async with browser(make_app(emulator)) as client:
        response = await join(client, "no-such-game")
    assert response.status_code == 404
    assert response.json() == {"error": "no game with that gameID"}


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"{not json", "the body is not valid JSON"),
        (b'["Quiz"]', "the body must be a JSON object with gameID and playerName"),
        (b'{"playerName": "Ada"}', "gameID must be a non-empty string"),
        (b'{"gameID": 7, "playerName": "Ada"}', "gameID must be a non-empty string"),
    ],
)
async def test_join_with_a_bad_body_is_400(emulator, body, error):
    async with browser(make_app(emulator)) as client:
        response = await client.post("/join", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json() == {"error": error}


async def test_join_with_a_bad_player_name_is_400(emulator):
    async with browser(make_app(emulator)) as client:
        game_id = await create_game(client)
        response = await join(client, game_id, player="<img src=x>")
    assert response.status_code == 400
    assert response.json()["error"].startswith("playerName must be 1 to 40 characters")


async def test_join_with_a_form_body_is_400(emulator):
    async with browser(make_app(emulator)) as client:
        game_id = await create_game(client)
        response = await client.post("/join", data={"gameID": game_id, "playerName": "Ada"})
    assert response.status_code == 400
    assert response.json() == {"error": "send a JSON body with Content-Type: application/json"}


async def test_mint_failure_is_500_with_an_error_that_leaks_nothing():
    room = {"name": "quiz-room", "url": "https://example.daily.co/quiz-room"}
    app = create_app(FailingDaily(room), cookie_secret=SECRET)
    async with browser(app) as client:
        game_id = await create_game(client)
        response = await join(client, game_id)
    assert response.status_code == 500
    assert response.json() == {"error": "could not create a meeting token"}


async def test_mint_failure_after_the_api_key_is_rotated_is_500(emulator):
    async with browser(make_app(emulator)) as client:
        game_id = await create_game(client)
        emulator.rotate_api_key()
        response = await join(client, game_id)
    assert response.status_code == 500
    assert response.json() == {"error": "could not create a meeting token"}


async def test_guest_join_needs_no_call_to_daily(emulator):
    app = make_app(emulator)
    async with browser(app) as host, browser(app) as guest:
        game_id = await create_game(host)
        emulator.rotate_api_key()
        response = await join(guest, game_id, player="Bo")
    assert response.status_code == 200


# Input a careful server refuses: never a 5xx


async def test_join_with_deeply_nested_json_is_400(emulator):
    async with browser(make_app(emulator)) as client:
        body = b'{"gameID": ' + b"[" * 2000 + b"]" * 2000 + b"}"
        response = await client.post("/join", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json() == {"error": "the body is nested too deeply"}


async def test_join_with_a_body_over_4_kib_is_413(emulator):
    async with browser(make_app(emulator)) as client:
        body = {"gameID": "x", "playerName": "Ada", "padding": "x" * 4096}
        response = await client.post("/join", json=body)
    assert response.status_code == 413
    assert response.json() == {"error": "the body is over 4096 bytes"}


async def test_create_with_a_body_over_4_kib_is_413_and_makes_no_game(emulator):
    async with browser(make_app(emulator)) as client:
        form = {"gameName": "Quiz", "playerName": "Ada", "padding": "x" * 4096}
        response = await client.post("/create", data=form)
    assert response.status_code == 413
    assert response.json() == {"error": "the body is over 4096 bytes"}
    assert "set-cookie" not in response.headers


async def trickle():
    """A request body that starts and then stalls, as a slow (or malicious) client's would."""
    yield b'{"gameID": '
    await asyncio.sleep(3600)


@pytest.mark.parametrize(("path", "content_type"), [("/join", "application/json"), ("/create", "")])
async def test_a_body_that_stalls_gets_408_once_the_time_for_it_has_passed(
    emulator, monkeypatch, path, content_type
):
    monkeypatch.setattr(game_app_module, "BODY_SECONDS", 0.05)
    async with browser(make_app(emulator)) as client:
        headers = {"content-type": content_type} if content_type else {}
        response = await client.post(path, content=trickle(), headers=headers)
    assert response.status_code == 408
    assert response.json() == {"error": "the body took too long to arrive"}


async def test_create_wants_an_urlencoded_form(emulator):
    async with browser(make_app(emulator)) as client:
        form = {"gameName": "Quiz", "playerName": "Ada"}
        response = await client.post("/create", data=form, files={"file": ("a.txt", b"a")})
    assert response.status_code == 400
    assert response.json() == {"error": "send the form as application/x-www-form-urlencoded"}


async def test_create_with_a_form_that_is_not_utf8_is_400(emulator):
    async with browser(make_app(emulator)) as client:
        response = await client.post(
            "/create",
            content=b"gameName=Quiz%FF&playerName=Ada",
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
    assert response.status_code == 400
    assert response.json()["error"].startswith("gameName must be 1 to 40 characters")


async def test_create_reads_percent_encoded_unicode_names(emulator):
    async with browser(make_app(emulator)) as client:
        response = await client.post(
            "/create",
            content=b"gameName=Zo%C3%AB&playerName=Bo",
            headers={"content-type": "application/x-www-form-urlencoded; charset=utf-8"},
        )
    assert response.status_code == 303
    assert response.headers["location"].endswith("&playerName=Bo")


# Cross-site requests to /create


@pytest.mark.parametrize(
    "origin", ["https://evil.example", "https://testserver.evil.example", "null", "http://testserver"]
)
async def test_create_refuses_a_cross_site_origin(emulator, origin):
    async with browser(make_app(emulator)) as client:
        response = await post_create(client, origin=origin)
    assert response.status_code == 403
    assert response.json() == {"error": "only the game's own pages may create games"}
    assert "set-cookie" not in response.headers


@pytest.mark.parametrize("site", ["cross-site", "same-site"])
async def test_create_refuses_a_request_the_browser_marks_as_from_another_origin(emulator, site):
    async with browser(make_app(emulator)) as client:
        response = await post_create(client, **{"sec-fetch-site": site})
    assert response.status_code == 403
    assert response.json() == {"error": "only the game's own pages may create games"}


async def test_create_accepts_its_own_origin(emulator):
    async with browser(make_app(emulator)) as client:
        response = await post_create(client, origin="https://testserver")
    assert response.status_code == 303


async def test_create_accepts_a_request_the_browser_marks_as_same_origin(emulator):
    async with browser(make_app(emulator)) as client:
        response = await post_create(client, origin="https://testserver", **{"sec-fetch-site": "same-origin"})
    assert response.status_code == 303


async def test_create_trusts_the_browsers_sec_fetch_site_over_the_origin_header(emulator):
    async with browser(make_app(emulator)) as client:
        fetch_metadata = {"sec-fetch-site": "same-origin"}
        response = await post_create(client, origin="http://proxy.internal", **fetch_metadata)
    assert response.status_code == 303


async def test_create_accepts_a_client_that_sends_neither_origin_nor_sec_fetch_site(emulator):
    async with browser(make_app(emulator)) as client:
        response = await post_create(client)
    assert response.status_code == 303


@pytest.mark.parametrize(
    ("method", "path", "status", "message"),
    [("GET", "/join", 405, "Method Not Allowed"), ("POST", "/no-such-page", 404, "Not Found")],
)
async def test_a_wrong_method_or_path_gets_the_games_json_error(emulator, method, path, status, message):
    async with browser(make_app(emulator)) as client:
        response = await client.request(method, path)
    assert response.status_code == status
    assert response.json() == {"error": message}


# Security headers


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/"), ("POST", "/create"), ("POST", "/join"), ("GET", "/no-such-page"), ("DELETE", "/")],
)
async def test_every_response_forbids_sniffing_referrers_framing_and_caching(emulator, method, path):
    async with browser(make_app(emulator)) as client:
        response = await client.request(method, path)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


async def test_answers_other_than_the_page_carry_a_policy_that_allows_nothing(emulator):
    async with browser(make_app(emulator)) as client:
        response = await join(client, "no-such-game")
    assert response.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"


def inline_hash(page: str, tag: str) -> str:
    """The CSP hash source of the page's one inline `tag` element, computed here independently."""
    content = page.split(f"<{tag}>", 1)[1].split(f"</{tag}>", 1)[0]
    return "'sha256-" + base64.b64encode(hashlib.sha256(content.encode()).digest()).decode() + "'"


async def test_page_policy_runs_only_the_pages_own_inline_script_and_style(emulator):
    async with browser(make_app(emulator)) as client:
        response = await client.get("/")
    policy = response.headers["content-security-policy"]
    assert policy == (
        "default-src 'none'; "
        f"script-src {inline_hash(response.text, 'script')}; "
        f"style-src {inline_hash(response.text, 'style')}; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    )
    assert "unsafe-inline" not in policy


async def test_frame_ancestors_can_allow_the_notebook_to_frame_the_game(emulator):
    async with browser(make_app(emulator, frame_ancestors="http://127.0.0.1:8888")) as client:
        page, answer = await client.get("/"), await join(client, "no-such-game")
    assert page.headers["content-security-policy"].endswith("; frame-ancestors http://127.0.0.1:8888")
    assert answer.headers["content-security-policy"].endswith("; frame-ancestors http://127.0.0.1:8888")


@pytest.mark.parametrize("sources", ["'self'; script-src *", "http://a.example,", "x\r\nSet-Cookie: a=b", ""])
def test_frame_ancestors_that_would_change_the_policy_are_refused(emulator, sources):
    with pytest.raises(ValueError, match="frame_ancestors must be CSP sources"):
        make_app(emulator, frame_ancestors=sources)


# Bounds: games per client, games in memory


async def test_create_allows_a_burst_of_five_games_per_client_then_answers_429(emulator):
    async with browser(make_app(emulator)) as client:
        statuses = [(await post_create(client)).status_code for _ in range(5)]
        refused = await post_create(client)
    assert statuses == [303, 303, 303, 303, 303]
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "60"
    assert refused.json() == {"error": "too many new games from your address; try again later"}
    assert "set-cookie" not in refused.headers


async def test_create_allows_one_more_game_per_minute_after_the_burst(emulator):
    async with browser(make_app(emulator)) as client:
        for _ in range(5):
            await post_create(client)
        emulator.clock.advance(59)
        early = await post_create(client)
        emulator.clock.advance(1)
        on_time = await post_create(client)
        again = await post_create(client)
    assert (early.status_code, early.headers["retry-after"]) == (429, "1")
    assert on_time.status_code == 303
    assert again.status_code == 429


async def test_create_limit_counts_each_client_address_apart(emulator):
    app = make_app(emulator)
    async with browser(app) as busy, from_address(app, "203.0.113.7") as other:
        for _ in range(5):
            await post_create(busy)
        refused, allowed = await post_create(busy), await post_create(other)
    assert refused.status_code == 429
    assert allowed.status_code == 303


async def test_a_game_is_forgotten_a_day_after_it_was_created(emulator):
    async with browser(make_app(emulator)) as client:
        game_id = await create_game(client)
        emulator.clock.advance(DAY - 1)
        still_there = await join(client, game_id)
        emulator.clock.advance(1)
        forgotten = await join(client, game_id)
    assert still_there.status_code == 200
    assert forgotten.status_code == 404


async def test_a_full_server_answers_429_until_its_oldest_game_expires(emulator):
    app = make_app(emulator, max_games=2)
    async with browser(app) as client:
        await create_game(client)
        emulator.clock.advance(100)
        await create_game(client)
        full = await post_create(client)
    assert full.status_code == 429
    assert full.headers["retry-after"] == str(DAY - 100)
    assert full.json() == {"error": "the server has as many games as it can keep; try again later"}


async def test_expired_games_make_room_for_new_ones(emulator):
    app = make_app(emulator, max_games=2)
    async with browser(app) as client:
        first = await create_game(client)
        emulator.clock.advance(100)
        second = await create_game(client)
        emulator.clock.advance(DAY - 100)
        third = await create_game(client)
        answers = [(await join(client, game_id)).status_code for game_id in (first, second, third)]
    assert answers == [404, 200, 200]


# The comparison variants


async def test_readable_cookie_variant_puts_the_token_in_a_cookie_scripts_can_read(emulator):
    async with browser(make_app(emulator, token_storage="readable-cookie")) as client:
        game_id = await create_game(client)
        response = await join(client, game_id)
    [set_cookie] = response.headers.get_list("set-cookie")
    token = client.cookies["meetingToken"]
    assert cookie_attributes(set_cookie) == {"max-age=86400", "path=/", "samesite=strict", "secure"}
    assert response.json()["isHost"] is True
    assert "meetingToken" not in response.json()
    assert emulator.client().validate_meeting_token(token)["is_owner"] is True


async def test_readable_cookie_variant_gives_guests_no_token_cookie(emulator):
    app = make_app(emulator, token_storage="readable-cookie")
    async with browser(app) as host, browser(app) as guest:
        game_id = await create_game(host)
        response = await join(guest, game_id, player="Bo")
    assert "set-cookie" not in response.headers


async def test_local_storage_variant_sends_the_token_in_the_answer_and_sets_no_cookie(emulator):
    async with browser(make_app(emulator, token_storage="local-storage")) as client:
        game_id = await create_game(client)
        response = await join(client, game_id)
    assert "set-cookie" not in response.headers
    assert response.json()["meetingToken"].count(".") == 2


def test_unknown_token_storage_is_refused(emulator):
    with pytest.raises(ValueError, match="token_storage must be one of"):
        make_app(emulator, token_storage="session-storage")


# The page


@pytest.mark.parametrize("storage", ["cookie-host", "readable-cookie", "local-storage"])
async def test_page_names_its_token_storage(emulator, storage):
    async with browser(make_app(emulator, token_storage=storage)) as client:
        response = await client.get("/")
    assert response.status_code == 200
    assert f'<body data-token-storage="{storage}">' in response.text


async def test_page_loads_nothing_from_elsewhere(emulator):
    async with browser(make_app(emulator)) as client:
        page = (await client.get("/")).text
    assert "<link" not in page
    assert "<script src" not in page
    assert "http://" not in page
    assert "https://" not in page


# Rotating the cookie secret


def rotated_app(emulator: DailyEmulator, secrets: list[str]):
    return create_app(emulator.client(), cookie_secret=secrets, clock=emulator.clock.now)


async def test_with_a_list_of_secrets_new_host_cookies_are_signed_with_the_last(emulator):
    async with browser(rotated_app(emulator, ["old-secret", "new-secret"])) as client:
        game_id = await create_game(client)
        cookie = client.cookies[f"__Host-gh-{game_id}"]
    assert cookie == signed(str(NOW), game_id, secret="new-secret")


async def test_a_host_cookie_signed_with_the_old_secret_still_verifies_during_the_grace_period(emulator):
    app = rotated_app(emulator, ["old-secret", "new-secret"])
    async with browser(app) as host, browser(app) as other:
        game_id = await create_game(host)
        cookie = signed(str(NOW), game_id, secret="old-secret")
        answer = (await join(other, game_id, cookie=f"__Host-gh-{game_id}={cookie}")).json()
    assert answer["isHost"] is True
    assert "meetingToken" in answer


async def test_a_host_cookie_signed_with_a_dropped_secret_makes_nobody_host(emulator):
    app = rotated_app(emulator, ["new-secret"])
    async with browser(app) as host, browser(app) as other:
        game_id = await create_game(host)
        cookie = signed(str(NOW), game_id, secret="old-secret")
        answer = (await join(other, game_id, cookie=f"__Host-gh-{game_id}={cookie}")).json()
    assert answer["isHost"] is False


@pytest.mark.parametrize(
    ("secret", "error", "message"),
    [
        ([], ValueError, "cookie_secret must be a secret or a non-empty list of secrets, oldest first"),
        (["old-secret", ""], ValueError, "a cookie secret must not be empty"),
        (["old-secret", 7], TypeError, "each cookie secret must be str or bytes, not int"),
    ],
)
def test_a_list_of_cookie_secrets_must_hold_only_non_empty_secrets(emulator, secret, error, message):
    with pytest.raises(error) as refused:
        create_app(emulator.client(), cookie_secret=secret)
    assert str(refused.value) == message


# The notebook helpers


async def test_game_app_gives_the_host_an_owner_token_and_the_guest_none():
    app = game_app()
    async with browser(app) as host, browser(app) as guest:
        game_id = await create_game(host)
        host_answer = (await join(host, game_id)).json()
        guest_answer = (await join(guest, game_id, player="Bo")).json()
    assert host_answer["isHost"] is True
    assert "meetingToken" in host_answer
    assert guest_answer["isHost"] is False
