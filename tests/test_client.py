"""The client's own behaviour: what it sends, how it reads answers, when it retries, what it hides.

Scripted `httpx.MockTransport`s stand in for Daily here, so each answer is exactly the one the
test needs; the emulator appears where a whole round trip is the point.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest

from constants import API_KEY, NOW
from meeting_tokens import (
    AsyncDailyClient,
    DailyAPIError,
    DailyClient,
    DailyEmulator,
    connect,
    self_sign,
    validate_token,
)
from meeting_tokens.api import DEMO_API_KEY, RetryPolicy
from meeting_tokens.api.client import retry_after_seconds
from meeting_tokens.core.clock import FrozenClock


def scripted(*answers: httpx.Response, seen: list[httpx.Request] | None = None) -> httpx.MockTransport:
    """A transport giving copies of these answers in order (the last one repeats), recording requests."""
    remaining = list(answers)

    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        answer = remaining.pop(0) if len(remaining) > 1 else remaining[0]
        return httpx.Response(answer.status_code, headers=answer.headers, content=answer.content)

    return httpx.MockTransport(handler)


def error(status: int, body: dict[str, str], **headers: str) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


OK = httpx.Response(200, json={"domain_name": "d"})
BUSY = error(429, {"error": "rate-limit-error", "info": "slow down"})
DOWN = error(503, {"error": "server-error", "info": "down"})


def client_with(transport: httpx.MockTransport, waits: list[float], **options: object) -> DailyClient:
    return DailyClient(API_KEY, transport=transport, sleep=waits.append, **options)


# What goes over the wire


def test_requests_carry_the_bearer_key_under_daily_base_url() -> None:
    seen: list[httpx.Request] = []
    with DailyClient(API_KEY, transport=scripted(OK, seen=seen)) as client:
        client.get_domain()
    assert str(seen[0].url) == "https://api.daily.co/v1/"
    assert seen[0].headers["Authorization"] == f"Bearer {API_KEY}"


def test_create_meeting_token_posts_properties_and_returns_the_token() -> None:
    seen: list[httpx.Request] = []
    transport = scripted(httpx.Response(200, json={"token": "a.b.c"}), seen=seen)
    with DailyClient(API_KEY, transport=transport) as client:
        assert client.create_meeting_token({"room_name": "hello"}) == "a.b.c"
    assert (seen[0].method, seen[0].url.path) == ("POST", "/v1/meeting-tokens")
    assert json.loads(seen[0].content) == {"properties": {"room_name": "hello"}}


def test_validate_sends_ignore_nbf_only_when_asked() -> None:
    seen: list[httpx.Request] = []
    with DailyClient(API_KEY, transport=scripted(httpx.Response(200, json={}), seen=seen)) as client:
        client.validate_meeting_token("a.b.c")
        client.validate_meeting_token("a.b.c", ignore_nbf=True)
    assert [str(r.url) for r in seen] == [
        "https://api.daily.co/v1/meeting-tokens/a.b.c",
        "https://api.daily.co/v1/meeting-tokens/a.b.c?ignoreNbf=true",
    ]


def test_path_parts_are_percent_encoded() -> None:
    seen: list[httpx.Request] = []
    with DailyClient(API_KEY, transport=scripted(httpx.Response(200, json={}), seen=seen)) as client:
        client.get_room("a/b?c")
    assert seen[0].url.raw_path == b"/v1/rooms/a%2Fb%3Fc"


def test_create_room_sends_only_the_fields_given() -> None:
    seen: list[httpx.Request] = []
    with DailyClient(API_KEY, transport=scripted(httpx.Response(200, json={}), seen=seen)) as client:
        client.create_room("hello", privacy="private")
    assert json.loads(seen[0].content) == {"name": "hello", "privacy": "private"}


def test_update_domain_posts_the_properties_to_the_domain_path() -> None:
    seen: list[httpx.Request] = []
    with DailyClient(API_KEY, transport=scripted(httpx.Response(200, json={}), seen=seen)) as client:
        client.update_domain({"lang": "de"})
    assert (seen[0].method, seen[0].url.raw_path) == ("POST", b"/v1/")
    assert json.loads(seen[0].content) == {"properties": {"lang": "de"}}


def test_both_clients_offer_the_same_calls() -> None:
    def calls(client_class: type) -> set[str]:
        return {name for name in vars(client_class) if not name.startswith("_")} - {"close", "aclose"}

    assert calls(DailyClient) == calls(AsyncDailyClient)
    assert "update_domain" in calls(DailyClient)


def test_requests_time_out_after_ten_seconds_by_default() -> None:
    seen: list[httpx.Request] = []
    with DailyClient(API_KEY, transport=scripted(OK, seen=seen)) as client:
        client.get_domain()
    assert seen[0].extensions["timeout"] == {"connect": 10.0, "read": 10.0, "write": 10.0, "pool": 10.0}


def test_base_url_can_point_elsewhere() -> None:
    seen: list[httpx.Request] = []
    transport = scripted(OK, seen=seen)
    with DailyClient(API_KEY, base_url="http://127.0.0.1:8787/v1/", transport=transport) as client:
        client.get_room("hello")
    assert str(seen[0].url) == "http://127.0.0.1:8787/v1/rooms/hello"


# Reading answers


def test_an_error_answer_raises_daily_api_error_with_dailys_body() -> None:
    answer = error(404, {"error": "not-found", "info": "room nowhere not found"})
    with DailyClient(API_KEY, transport=scripted(answer)) as client, pytest.raises(DailyAPIError) as caught:
        client.get_room("nowhere")
    assert (caught.value.status_code, caught.value.error, caught.value.info) == (
        404,
        "not-found",
        "room nowhere not found",
    )


def test_an_error_without_info_has_info_none() -> None:
    answer = error(401, {"error": "authentication-error"})
    with DailyClient(API_KEY, transport=scripted(answer)) as client, pytest.raises(DailyAPIError) as caught:
        client.get_domain()
    assert (caught.value.error, caught.value.info) == ("authentication-error", None)


def test_a_non_json_5xx_is_a_server_error() -> None:
    answer = httpx.Response(502, text="<html>Bad gateway</html>")
    client = DailyClient(API_KEY, transport=scripted(answer), retry=RetryPolicy(max_retries=0))
    with client, pytest.raises(DailyAPIError) as caught:
        client.get_domain()
    assert (caught.value.status_code, caught.value.error, caught.value.info) == (
        502,
        "server-error",
        "<html>Bad gateway</html>",
    )


def test_a_200_that_is_not_a_json_object_is_an_unexpected_response() -> None:
    client = DailyClient(API_KEY, transport=scripted(httpx.Response(200, json=[1, 2])))
    with client, pytest.raises(DailyAPIError) as caught:
        client.get_domain()
    assert (caught.value.status_code, caught.value.error) == (200, "unexpected-response")


def test_a_200_without_the_expected_field_is_an_unexpected_response() -> None:
    client = DailyClient(API_KEY, transport=scripted(httpx.Response(200, json={"tok": "a.b.c"})))
    with client, pytest.raises(DailyAPIError) as caught:
        client.create_meeting_token({})
    assert (caught.value.status_code, caught.value.error) == (200, "unexpected-response")


# Retries: only 429 and 5xx, exponential, Retry-After, bounded


def test_429_is_retried_after_the_retry_after_seconds() -> None:
    waits: list[float] = []
    busy = error(429, {"error": "rate-limit-error", "info": "x"}, **{"Retry-After": "3"})
    with client_with(scripted(busy, OK), waits) as client:
        assert client.get_domain() == {"domain_name": "d"}
    assert waits == [3.0]


def test_5xx_is_retried_with_exponential_backoff_then_raised() -> None:
    waits: list[float] = []
    with client_with(scripted(DOWN), waits) as client, pytest.raises(DailyAPIError) as caught:
        client.get_domain()
    assert waits == [0.5, 1.0, 2.0]
    assert caught.value.status_code == 503


def test_429_without_retry_after_backs_off_exponentially() -> None:
    waits: list[float] = []
    with client_with(scripted(BUSY, BUSY, OK), waits) as client:
        client.get_domain()
    assert waits == [0.5, 1.0]


@pytest.mark.parametrize("status", [400, 401, 403, 404, 405])
def test_4xx_other_than_429_is_not_retried(status: int) -> None:
    waits: list[float] = []
    answer = error(status, {"error": "invalid-request-error", "info": "no"})
    with client_with(scripted(answer), waits) as client, pytest.raises(DailyAPIError):
        client.get_domain()
    assert waits == []


def test_retries_are_configurable() -> None:
    waits: list[float] = []
    policy = RetryPolicy(max_retries=1, backoff=2.0)
    with client_with(scripted(DOWN), waits, retry=policy) as client, pytest.raises(DailyAPIError):
        client.get_domain()
    assert waits == [2.0]


def test_a_wait_never_exceeds_max_wait() -> None:
    waits: list[float] = []
    busy = error(429, {"error": "rate-limit-error", "info": "x"}, **{"Retry-After": "3600"})
    with client_with(scripted(busy, OK), waits) as client:
        client.get_domain()
    assert waits == [30.0]


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("7", 7.0), (" 2 ", 2.0), ("soon", None), (None, None), ("²", None), ("٣", None), ("-1", None)],
)
def test_retry_after_is_read_as_seconds(value: str | None, seconds: float | None) -> None:
    assert retry_after_seconds(value) == seconds


async def test_the_async_client_retries_with_its_injected_sleep() -> None:
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    busy = error(429, {"error": "rate-limit-error", "info": "x"}, **{"Retry-After": "2"})
    async with AsyncDailyClient(API_KEY, transport=scripted(busy, DOWN, OK), sleep=record) as client:
        assert await client.get_domain() == {"domain_name": "d"}
    assert waits == [2.0, 1.0]


def test_the_client_recovers_from_the_emulators_rate_limit() -> None:
    emulator = DailyEmulator(clock=FrozenClock(NOW))
    waits: list[float] = []
    with emulator.client(sleep=lambda s: (waits.append(s), emulator.clock.advance(s))) as client:
        for _ in range(21):
            client.get_domain()
    assert waits == [1.0]


# The key stays secret


def test_repr_and_str_never_show_the_key() -> None:
    client = DailyClient(API_KEY)
    assert API_KEY not in repr(client) and API_KEY not in str(client)
    assert repr(client) == "DailyClient(base_url='https://api.daily.co/v1', api_key='***')"


def test_an_emulator_client_says_so_in_its_repr() -> None:
    client = DailyEmulator().client()
    assert DEMO_API_KEY not in repr(client)
    assert "emulator=DailyEmulator(domain_name='hands-on-demo'" in repr(client)


def test_a_refused_key_is_not_repeated_in_the_error() -> None:
    emulator = DailyEmulator()
    with DailyClient(API_KEY, transport=emulator.transport) as client, pytest.raises(DailyAPIError) as caught:
        client.get_domain()
    assert caught.value.status_code == 401
    assert API_KEY not in str(caught.value) and API_KEY not in repr(caught.value)


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("", "api_key is empty"),
        (API_KEY + "\n", "api_key contains whitespace (a space or a line break, perhaps pasted with it)"),
        (API_KEY + " ", "api_key contains whitespace (a space or a line break, perhaps pasted with it)"),
        ("\t" + API_KEY, "api_key contains whitespace (a space or a line break, perhaps pasted with it)"),
        (API_KEY + "\u00a0", "api_key contains whitespace (a space or a line break, perhaps pasted with it)"),
        ("ключ-" + API_KEY, "api_key contains characters outside ASCII"),
        (API_KEY + "\x00", "api_key contains a control character"),
        (API_KEY + "\x7f", "api_key contains a control character"),
    ],
    ids=["empty", "newline", "space", "tab", "nbsp", "cyrillic", "nul", "del"],
)
@pytest.mark.parametrize("client_class", [DailyClient, AsyncDailyClient])
def test_a_key_that_cannot_go_in_a_header_is_refused_without_showing_it(
    client_class: type, key: str, problem: str
) -> None:
    with pytest.raises(ValueError) as caught:
        client_class(key)
    assert str(caught.value) == f"{problem}; the key is not shown here"


def test_a_key_that_is_not_a_string_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="api_key must be a string, not NoneType"):
        DailyClient(None)  # type: ignore[arg-type]


def test_every_printable_ascii_character_may_be_in_a_key_and_goes_out_unchanged() -> None:
    key, seen = "".join(chr(code) for code in range(0x21, 0x7F)), []
    with DailyClient(key, transport=scripted(OK, seen=seen)) as client:
        client.get_domain()
    assert seen[0].headers["Authorization"] == f"Bearer {key}"


# Lifecycle


def test_a_closed_client_sends_nothing() -> None:
    client = DailyClient(API_KEY, transport=scripted(OK))
    client.close()
    with pytest.raises(RuntimeError):
        client.get_domain()


async def test_a_closed_async_client_sends_nothing() -> None:
    async with AsyncDailyClient(API_KEY, transport=scripted(OK)) as client:
        pass
    with pytest.raises(RuntimeError):
        await client.get_domain()


# connect(): real Daily only when asked for twice over


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    monkeypatch.delenv("DAILY_API_KEY", raising=False)
    monkeypatch.delenv("MEETING_TOKENS_LIVE", raising=False)

    def set_env(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, value)

    return set_env


def test_connect_without_settings_gives_an_emulator_client(environment: Callable[..., None]) -> None:
    client = connect()
    assert isinstance(client.emulator, DailyEmulator)
    assert client.get_domain()["domain_name"] == "hands-on-demo"


def test_connect_with_a_key_alone_stays_offline(environment: Callable[..., None]) -> None:
    environment(DAILY_API_KEY=API_KEY)
    assert connect().emulator is not None


def test_connect_with_live_alone_stays_offline(environment: Callable[..., None]) -> None:
    environment(MEETING_TOKENS_LIVE="1")
    assert connect().emulator is not None


def test_connect_with_key_and_live_talks_to_daily(environment: Callable[..., None]) -> None:
    environment(DAILY_API_KEY=API_KEY, MEETING_TOKENS_LIVE="1")
    client = connect()
    assert (client.emulator, client.base_url) == (None, "https://api.daily.co/v1")
    assert API_KEY not in repr(client)


def test_connect_refuses_a_live_key_with_a_trailing_newline_naming_the_variable(
    environment: Callable[..., None],
) -> None:
    environment(DAILY_API_KEY=API_KEY + "\n", MEETING_TOKENS_LIVE="1")
    with pytest.raises(ValueError) as caught:
        connect()
    assert str(caught.value) == (
        "DAILY_API_KEY contains whitespace (a space or a line break, perhaps pasted with it); "
        "its value is not shown here"
    )


def test_each_connect_gets_a_fresh_emulator(environment: Callable[..., None]) -> None:
    first, second = connect(), connect()
    first.create_room("hello")
    assert second.create_room("hello")["name"] == "hello"


# validate_token(..., client=...) asks Daily (here the emulator) through the client


def test_validate_token_with_a_client_passes_the_daily_check() -> None:
    emulator = DailyEmulator(clock=FrozenClock(NOW))
    with emulator.client() as client:
        token = client.create_meeting_token({"room_name": "hello", "exp": NOW + 60})
        report = validate_token(token, client=client, room_name="hello", now=NOW)
    assert report.valid
    assert [check.name for check in report.checks if check.passed] == [
        "structure",
        "header",
        "time",
        "scope",
        "daily",
    ]


def test_validate_token_with_a_client_reports_a_rotated_key_as_rejected_by_daily() -> None:
    emulator = DailyEmulator(clock=FrozenClock(NOW))
    token = self_sign(emulator.api_key, room_name="hello", domain_id=emulator.domain_id, now=NOW)
    emulator.rotate_api_key()
    with emulator.client() as client:
        report = validate_token(token, client=client, room_name="hello", now=NOW)
    assert (report.valid, report.code) == (False, "rejected-by-daily")
