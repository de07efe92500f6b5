"""Whatever arrives, the emulator answers like Daily: never a 5xx, always a JSON body, and every
error in Daily's shape `{"error": <str>, "info": <str>}`.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, quote_from_bytes

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from constants import NOW
from fuzzing import fuzz
from meeting_tokens import DailyEmulator
from meeting_tokens.api import DEMO_API_KEY, DEMO_DOMAIN_ID
from meeting_tokens.core.claims import PROPERTY_KINDS
from meeting_tokens.core.clock import FrozenClock
from meeting_tokens.core.jwt_parts import sign_hs256

ORIGIN = "https://api.daily.co"

methods = st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]) | st.from_regex(
    r"[A-Za-z]{1,12}", fullmatch=True
)
segments = st.sampled_from(["v1", "meeting-tokens", "rooms", "", ".."]) | st.text(max_size=40).map(
    lambda s: quote(s, safe="")
)
raw_segments = st.binary(max_size=40).map(lambda b: quote_from_bytes(b, safe=""))
paths = st.one_of(
    st.sampled_from(["/v1/", "/v1/meeting-tokens", "/v1/rooms", "/v1/rooms/hello"]),
    st.lists(segments | raw_segments, max_size=5).map(lambda parts: "/v1/" + "/".join(parts)),
    st.lists(segments, max_size=4).map(lambda parts: "/" + "/".join(parts)),
)
queries = st.sampled_from(["", "?ignoreNbf=true", "?ignoreNbf=TRUE", "?ignoreNbf", "?a=%FF&&="])
authorizations = st.one_of(
    st.just(f"Bearer {DEMO_API_KEY}".encode()),
    st.none(),
    st.binary(max_size=60),
    st.sampled_from([b"Bearer", b"bearer  ", b"Basic x", DEMO_API_KEY.encode()]),
    st.binary(max_size=40).map(lambda b: b"Bearer " + b),
)
header_names = st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,20}", fullmatch=True).filter(
    lambda name: name.lower() not in ("authorization", "content-length", "host", "transfer-encoding")
)
extra_headers = st.lists(st.tuples(header_names, st.binary(max_size=40)), max_size=4)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
property_names = st.sampled_from([*PROPERTY_KINDS, "permissions", "domain_id"]) | st.text(max_size=12)
properties = st.dictionaries(property_names, json_values, max_size=5)
bodies = st.one_of(
    st.just(b""),
    st.binary(max_size=200),
    json_values.map(lambda v: json.dumps(v).encode()),
    properties.map(lambda p: json.dumps({"properties": p}).encode()),
    st.fixed_dictionaries(
        {},
        optional={
            "name": json_values | st.text(max_size=20),
            "privacy": json_values,
            "properties": properties,
        },
    ).map(lambda b: json.dumps(b).encode()),
)


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    emulator = DailyEmulator(clock=FrozenClock(NOW), rate_limit=False)
    with httpx.Client(transport=emulator.transport) as client:
        yield client


def assert_dailys_shape(response: httpx.Response) -> None:
    assert response.status_code < 500
    assert response.headers["content-type"] == "application/json"
    body: Any = response.json()
    assert isinstance(body, dict)
    if response.status_code >= 400:
        assert set(body) == {"error", "info"}
        assert isinstance(body["error"], str) and isinstance(body["info"], str)


@fuzz(300)
@given(
    method=methods,
    path=paths,
    query=queries,
    authorization=authorizations,
    headers=extra_headers,
    body=bodies,
)
def test_any_request_gets_a_daily_shaped_answer(
    http: httpx.Client,
    method: str,
    path: str,
    query: str,
    authorization: bytes | None,
    headers: list[tuple[str, bytes]],
    body: bytes,
) -> None:
    all_headers = [(name.encode(), value) for name, value in headers]
    if authorization is not None:
        all_headers.append((b"Authorization", authorization))
    response = http.request(method, ORIGIN + path + query, headers=all_headers, content=body)
    assert_dailys_shape(response)


endpoints = st.one_of(
    st.sampled_from(
        [("POST", "/v1/meeting-tokens"), ("POST", "/v1/rooms"), ("GET", "/v1/"), ("POST", "/v1/")]
    ),
    st.tuples(st.just("GET"), segments.map(lambda name: f"/v1/rooms/{name}")),
)


@fuzz(200)
@given(endpoint=endpoints, query=queries, headers=extra_headers, body=bodies)
def test_any_body_to_a_real_endpoint_gets_a_daily_shaped_answer(
    http: httpx.Client, endpoint: tuple[str, str], query: str, headers: list[tuple[str, bytes]], body: bytes
) -> None:
    method, path = endpoint
    all_headers = [(name.encode(), value) for name, value in headers]
    all_headers.append((b"Authorization", f"Bearer {DEMO_API_KEY}".encode()))
    response = http.request(method, ORIGIN + path + query, headers=all_headers, content=body)
    assert_dailys_shape(response)


paging_values = st.one_of(
    st.text(max_size=30),
    st.builds(operator.add, st.sampled_from(["", "-", "+", "0"]), st.integers(1, 6000).map("9".__mul__)),
    st.sampled_from(["OLDEST", "oldest", "100", "0100", "１", "²"]),
)


@fuzz(150)
@given(params=st.dictionaries(st.sampled_from(["limit", "starting_after", "ending_before"]), paging_values))
def test_any_paging_parameters_get_a_daily_shaped_answer(http: httpx.Client, params: dict[str, str]) -> None:
    headers = {"Authorization": f"Bearer {DEMO_API_KEY}"}
    response = http.get(f"{ORIGIN}/v1/rooms", params=params, headers=headers)
    assert_dailys_shape(response)


@fuzz(150)
@given(token=st.text(max_size=200) | st.binary(max_size=200).map(lambda b: b.decode("latin-1")))
def test_any_token_to_validate_gets_a_daily_shaped_answer(http: httpx.Client, token: str) -> None:
    url = f"{ORIGIN}/v1/meeting-tokens/{quote(token, safe='')}"
    response = http.get(url, headers={"Authorization": f"Bearer {DEMO_API_KEY}"})
    assert_dailys_shape(response)


def authorized(http: httpx.Client, method: str, path: str, content: bytes = b"") -> httpx.Response:
    return http.request(
        method, ORIGIN + path, headers={"Authorization": f"Bearer {DEMO_API_KEY}"}, content=content
    )


def test_a_20_kb_path_is_not_found(http: httpx.Client) -> None:
    response = authorized(http, "GET", "/v1/" + "x" * 20_000)
    assert_dailys_shape(response)
    assert response.status_code == 404


def test_a_20_kb_token_is_refused(http: httpx.Client) -> None:
    response = authorized(http, "GET", "/v1/meeting-tokens/" + "a." * 10_000)
    assert_dailys_shape(response)
    assert response.json()["info"] == "meeting token is not valid (malformed)"


def test_a_binary_body_is_a_json_parsing_error(http: httpx.Client) -> None:
    response = authorized(http, "POST", "/v1/rooms", content=bytes(range(256)))
    assert response.json()["error"] == "json-parsing-error"


def test_deeply_nested_json_is_a_json_parsing_error(http: httpx.Client) -> None:
    response = authorized(http, "POST", "/v1/meeting-tokens", content=b"[" * 100_000 + b"]" * 100_000)
    assert (response.status_code, response.json()["error"]) == (400, "json-parsing-error")


def test_nested_recording_options_near_the_recursion_limit_are_answered(http: httpx.Client) -> None:
    opts = "{}"
    for _ in range(900):
        opts = '{"a":' + opts + "}"
    content = ('{"properties": {"start_cloud_recording_opts": ' + opts + "}}").encode()
    assert_dailys_shape(authorized(http, "POST", "/v1/meeting-tokens", content=content))


def test_a_huge_integer_exp_is_answered(http: httpx.Client) -> None:
    response = authorized(
        http, "POST", "/v1/meeting-tokens", content=b'{"properties": {"exp": 1' + b"0" * 4000 + b"}}"
    )
    assert_dailys_shape(response)


def test_a_token_with_a_huge_future_exp_validates(http: httpx.Client) -> None:
    minted = authorized(
        http, "POST", "/v1/meeting-tokens", content=b'{"properties": {"exp": 10000000000000000000000}}'
    )
    response = authorized(http, "GET", "/v1/meeting-tokens/" + minted.json()["token"])
    assert response.json() == {"exp": 10**22}


def test_the_demo_domain_is_the_one_served(http: httpx.Client) -> None:
    assert authorized(http, "GET", "/v1").json()["domain_id"] == DEMO_DOMAIN_ID


# Findings of the security review: each answered in Daily's shape, never a 500.


def test_a_lone_surrogate_in_a_body_is_a_json_parsing_error(http: httpx.Client) -> None:
    response = authorized(http, "POST", "/v1/rooms", content=b'{"name": "\\ud800"}')
    assert (response.status_code, response.json()) == (
        400,
        {"error": "json-parsing-error", "info": "the request body is not valid JSON (a lone surrogate)"},
    )


def test_a_lone_surrogate_in_a_minted_user_name_is_refused(http: httpx.Client) -> None:
    content = b'{"properties": {"user_name": "Zo\\udc00"}}'
    response = authorized(http, "POST", "/v1/meeting-tokens", content=content)
    assert (response.status_code, response.json()["error"]) == (400, "json-parsing-error")


def test_a_surrogate_pair_is_a_character_like_any_other(http: httpx.Client) -> None:
    content = b'{"properties": {"user_name": "\\ud83d\\ude00"}}'
    assert authorized(http, "POST", "/v1/meeting-tokens", content=content).status_code == 200


def test_a_self_signed_token_with_a_lone_surrogate_is_not_valid(http: httpx.Client) -> None:
    claims = {"r": "hello", "d": DEMO_DOMAIN_ID, "iat": NOW, "exp": NOW + 60, "u": "\ud800"}
    token = sign_hs256({"alg": "HS256", "typ": "JWT"}, claims, DEMO_API_KEY)
    response = authorized(http, "GET", "/v1/meeting-tokens/" + token)
    assert (response.status_code, response.json()["info"]) == (400, "meeting token is not valid (malformed)")


def test_a_body_over_a_mebibyte_is_refused_with_413(http: httpx.Client) -> None:
    response = authorized(http, "POST", "/v1/rooms", content=b" " * (1024 * 1024 + 1))
    assert (response.status_code, response.json()) == (
        413,
        {"error": "invalid-request-error", "info": "the request body is over 1048576 bytes"},
    )


def test_unknown_fields_are_named_five_at_most(http: httpx.Client) -> None:
    content = json.dumps({f"field-{n}": n for n in range(10_000)}).encode()
    response = authorized(http, "POST", "/v1/rooms", content=content)
    assert response.json()["info"] == (
        "unknown fields ['field-0', 'field-1', 'field-2', 'field-3', 'field-4'] and 9995 more; "
        "expected name, privacy, properties"
    )


def test_no_error_info_echoes_more_than_2000_characters(http: httpx.Client) -> None:
    properties = {f"p{n}": n for n in range(20_000)}
    content = json.dumps({"properties": properties}).encode()
    response = authorized(http, "POST", "/v1/meeting-tokens", content=content)
    assert response.status_code == 400
    assert len(response.json()["info"]) == 2001  # 2000 characters and an ellipsis


@pytest.mark.parametrize(
    "spelling",
    [
        "/v1/meeting-tokens/{token}",
        "//v1//meeting-tokens/{token}",
        "/v1/meeting-tokens//{token}",
        "/v1/meeting-tokens/{token}/",
        "/v1/meeting%2Dtokens/{token}",
        "/v1/meeting%252Dtokens/{token}",
        "/v1/Meeting-Tokens/{token}",
        "/v1/rooms/{token}",
        "/{token}",
    ],
)
def test_the_request_log_keeps_no_token_under_any_spelling(spelling: str) -> None:
    emulator = DailyEmulator(clock=FrozenClock(NOW), rate_limit=False)
    with emulator.client() as client:
        token = client.create_meeting_token({"room_name": "hello"})
    with httpx.Client(transport=emulator.transport) as http:
        authorized(http, "GET", spelling.format(token=token))
    logged = emulator.requests[-1].path
    assert token[8:24] not in logged and "…(redacted)" in logged


def test_a_self_signed_token_with_a_4300_digit_negative_exp_is_refused_not_a_500(http: httpx.Client) -> None:
    claims = {"r": "hello", "d": DEMO_DOMAIN_ID, "iat": NOW, "exp": -int("9" * 4300)}
    token = sign_hs256({"alg": "HS256", "typ": "JWT"}, claims, DEMO_API_KEY)
    response = authorized(http, "GET", "/v1/meeting-tokens/" + token)
    assert (response.status_code, response.json()["info"]) == (400, "meeting token is not valid (expired)")
