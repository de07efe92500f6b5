"""Whatever a token holds, the core answers with a report; whatever a client sends, the served
emulator answers below 500.

Tokens here are well-formed on the outside (base64url segments of JSON objects) so that the
fuzzing reaches the checks behind the parser: claims of every JSON type and size, huge integers,
deep nesting, long strings, lone surrogates written as JSON escapes, and signatures that are
sometimes right; and tokens that pass every check but for a time a second either side of the
window's edge, so that a valid verdict, checked here by hand, is met often. Requests are raw
bytes on a socket, so nothing is tidied up on the way.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import socket
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import h11
import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from constants import API_KEY, DOMAIN_ID, HEADER, NOW, ROOM
from fuzzing import fuzz
from meeting_tokens import ValidationReport, precheck_claims, validate_token
from meeting_tokens.api import DEMO_API_KEY, DailyEmulator
from meeting_tokens.api.serve import MAX_TARGET_LENGTH, serving
from meeting_tokens.core.clock import FrozenClock
from meeting_tokens.core.jwt_parts import b64url_encode, sign_hs256
from meeting_tokens.drawing.display import report_html, report_text
from meeting_tokens.widgets.inspection import inspect_token, token_view

FUZZ = fuzz(300, slow_inputs=True)

# JSON values of every type and size. Integers run to Python's 4300-digit limit for reading them.
huge_integers = st.integers(1, 4300).flatmap(
    lambda digits: st.integers(10 ** (digits - 1), 10**digits - 1) | st.integers(-(10**digits) + 1, 0)
)
integers = st.integers() | huge_integers | st.sampled_from([NOW, NOW - 1, NOW + 3600, 0, -1, 2**53 + 1])
texts = (
    st.text(max_size=40)
    | st.text(max_size=3000)
    | st.sampled_from(["", ROOM, DOMAIN_ID, "\ud800", "a\udfff"])
)
scalars = st.none() | st.booleans() | integers | st.floats() | texts
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=10,
)
claim_names = st.sampled_from(["exp", "nbf", "iat", "r", "d", "o", "u", "p", "alg", "crit"]) | st.text(
    max_size=8
)
payloads = st.dictionaries(claim_names, json_values, max_size=6)
headers = st.one_of(
    st.just({"alg": "HS256", "typ": "JWT"}),
    st.dictionaries(
        st.sampled_from(["alg", "typ", "crit", "kid"]) | st.text(max_size=5), json_values, max_size=4
    ),
)


def nested(depth: int) -> bytes:
    return b'{"r":' + b"[" * depth + b"]" * depth + b', "exp": %d}' % (NOW + 60)


def segment(value: Any) -> str:
    """JSON as any writer might put it in a token (lone surrogates come out as \\u escapes)."""
    return b64url_encode(json.dumps(value).encode("utf-8"))


def signed(draw: st.DrawFn, header: Any, payload_b64: str) -> str:
    """The token, signed with the key half the time (so the checks after the signature run too)."""
    signing_input = f"{segment(header)}.{payload_b64}"
    if draw(st.booleans()):
        signature = hmac.new(API_KEY.encode(), signing_input.encode("ascii"), hashlib.sha256).digest()
    else:
        signature = draw(st.binary(max_size=40))
    return f"{signing_input}.{b64url_encode(signature)}"


@st.composite
def tokens(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        return signed(draw, draw(headers), b64url_encode(nested(draw(st.integers(0, 3000)))))
    return signed(draw, draw(headers), segment(draw(payloads)))


options = st.fixed_dictionaries(
    {
        "room_name": st.sampled_from([None, ROOM, "", "other"]),
        "domain_id": st.sampled_from([None, DOMAIN_ID]),
        "now": st.sampled_from([NOW, NOW + 0.5, 0, -(10**15), 10**15]),
        "leeway": st.sampled_from([0, 30, 0.5]),
        "ignore_nbf": st.booleans(),
        "allow_unscoped": st.booleans(),
        "allow_no_expiry": st.booleans(),
    }
)


@st.composite
def tokens_at_the_edges(draw: st.DrawFn, chosen: dict[str, Any]) -> str:
    """A token whose claims would pass every check under the ``chosen`` options but for what is
    redrawn: one of its times, set a second either side of where the window ends, and perhaps
    its room or domain, or any one claim."""
    now, leeway, room = chosen["now"], chosen["leeway"], chosen["room_name"]
    claims = {"r": room or ROOM, "d": DOMAIN_ID, "iat": math.floor(now) - 60, "exp": math.floor(now) + 3600}
    name = draw(st.sampled_from(["exp", "nbf", "iat"]))
    edge = math.floor(now - leeway if name == "exp" else now + leeway)  # exp must be after it, the others not
    claims[name] = draw(st.sampled_from([edge, edge + 1]))
    claims |= draw(
        st.just({})
        | st.dictionaries(st.sampled_from(["r", "d"]), st.sampled_from([ROOM, DOMAIN_ID, "", "other"]))
        | st.dictionaries(claim_names, json_values, max_size=1)
    )
    return signed(draw, HEADER, segment(claims))


def assert_a_whole_report(report: ValidationReport) -> None:
    assert [check.name for check in report.checks] == [
        "structure",
        "header",
        "time",
        "scope",
        "signature",
        "daily",
    ]
    for view in (report_text, report_html, repr):  # every view of it can be made
        assert isinstance(view(report), str)


def unpadded_b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def assert_deserves_to_be_valid(token: str, chosen: dict[str, Any]) -> None:
    """What a valid verdict promises, checked here with the standard library alone."""
    header_b64, payload_b64, signature_b64 = token.split(".")
    header, claims = json.loads(unpadded_b64decode(header_b64)), json.loads(unpadded_b64decode(payload_b64))
    now, leeway = chosen["now"], chosen["leeway"]
    assert header["alg"] == "HS256" and "crit" not in header
    for name in ("exp", "nbf", "iat"):
        assert name not in claims or type(claims[name]) is int, (name, claims)
    assert "exp" in claims or chosen["allow_no_expiry"]
    assert claims.get("exp", math.inf) > now - leeway
    assert chosen["ignore_nbf"] or claims.get("nbf", -math.inf) <= now + leeway
    assert claims.get("iat", -math.inf) <= now + leeway
    room = claims.get("r")
    assert "r" not in claims or isinstance(room, str)
    assert room or chosen["allow_unscoped"]
    assert not room or chosen["room_name"] in (None, room)
    assert chosen["domain_id"] in (None, claims.get("d"))
    expected = hmac.new(API_KEY.encode(), f"{header_b64}.{payload_b64}".encode(), hashlib.sha256).digest()
    assert unpadded_b64decode(signature_b64) == expected


@FUZZ
@given(chosen=options, data=st.data())
def test_validate_token_reports_on_any_token(chosen: dict[str, Any], data: st.DataObject) -> None:
    token = data.draw(tokens() | tokens_at_the_edges(chosen), label="token")
    report = validate_token(token, api_key=API_KEY, **chosen)
    assert_a_whole_report(report)
    event("valid" if report.valid else f"rejected: {report.code}")
    if report.valid:
        assert_deserves_to_be_valid(token, chosen)
    else:  # with a key, a token is never left unchecked: some check failed, and says why
        assert report.code is not None


# Keys: any bytes, and bytes shaped like the start of DER: a sequence tag, then a length in the
# short form (one byte) or the long form (0x80 + n, then n bytes), then anything.
def der_start(n: int, length: int, rest: bytes) -> bytes:
    size = bytes([0x80 + n]) + (length % 256**n).to_bytes(n, "big") if n else bytes([length % 128])
    return b"0" + size + rest


der_like = st.builds(der_start, st.integers(0, 4), st.integers(0, 400), st.binary(max_size=300))
SIGNED = sign_hs256(HEADER, {"r": ROOM, "exp": NOW + 3600}, API_KEY)


@FUZZ
@given(key=st.binary(max_size=300) | der_like | st.text(max_size=100))
def test_validate_token_reports_with_any_key(key: str | bytes) -> None:
    report = validate_token(SIGNED, api_key=key, room_name=ROOM, now=NOW)
    assert_a_whole_report(report)
    assert report.valid == (key in (API_KEY, API_KEY.encode()))


@FUZZ
@given(token=tokens(), chosen=options)
def test_precheck_claims_reports_on_any_token(token: str, chosen: dict[str, Any]) -> None:
    report = precheck_claims(token, **chosen)
    assert_a_whole_report(report)
    assert report.valid is False


@FUZZ
@given(token=tokens(), key=st.sampled_from(["", API_KEY, "other key"]), room=st.sampled_from(["", ROOM]))
def test_the_inspector_describes_any_token(token: str, key: str, room: str) -> None:
    report = inspect_token(token, api_key=key, room_name=room, now=NOW)
    view = token_view(token, report, NOW)
    json.dumps(view)  # JSON-ready, as the widget sends it to the page
    assert view["state"] in ("valid", "rejected", "unchecked")


# The served emulator, spoken to in raw bytes.

methods = st.sampled_from([b"GET", b"POST", b"PUT", b"DELETE", b"HEAD", b"OPTIONS"]) | st.from_regex(
    rb"[A-Za-z]{1,10}", fullmatch=True
)
path_bytes = st.binary(max_size=60).map(
    lambda b: b.replace(b" ", b"%20").replace(b"\r", b"").replace(b"\n", b"")
)
paths = st.one_of(
    st.sampled_from([b"/v1/", b"/v1/meeting-tokens", b"/v1/rooms", b"/v1/rooms/hello", b"//v1//rooms/"]),
    path_bytes.map(lambda b: b"/v1/" + b),
    path_bytes.map(lambda b: b"/v1/meeting-tokens/" + b),
    st.integers(1, 80_000).map(lambda n: b"/v1/" + b"x" * n),
)
authorizations = st.sampled_from([b"Bearer " + DEMO_API_KEY.encode(), b"Bearer wrong", b"", b"Basic eA=="])
header_names = st.from_regex(rb"[A-Za-z][A-Za-z0-9-]{0,15}", fullmatch=True).filter(
    lambda name: (
        name.lower()
        not in (b"authorization", b"content-length", b"host", b"transfer-encoding", b"connection")
    )
)
header_lines = st.lists(st.tuples(header_names, st.binary(max_size=30)), max_size=3)
bodies = st.one_of(
    st.binary(max_size=200),
    json_values.map(lambda v: json.dumps(v).encode()),
    payloads.map(lambda p: json.dumps({"properties": p}).encode()),
    st.just(b'{"name": "\\ud800"}'),
)


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[str, int]]:
    with serving(DailyEmulator(clock=FrozenClock(NOW), rate_limit=False)) as base_url:
        address = urlsplit(base_url)
        yield address.hostname, address.port


def h11_refuses(request: bytes) -> bool:
    """h11, the parser under uvicorn, set up as the served emulator sets it, finds the request
    malformed."""
    connection = h11.Connection(h11.SERVER, max_incomplete_event_size=MAX_TARGET_LENGTH + 16 * 1024)
    connection.receive_data(request)
    try:
        while connection.next_event() not in (h11.NEED_DATA, h11.PAUSED):
            pass
    except h11.RemoteProtocolError:
        return True
    return False


def exchange(address: tuple[str, int], request: bytes) -> bytes:
    with socket.create_connection(address, timeout=10) as connection:
        connection.sendall(request)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
        return received


@FUZZ
@given(method=methods, path=paths, authorization=authorizations, extra=header_lines, body=bodies)
def test_no_request_gets_a_5xx_from_the_served_emulator(
    served: tuple[str, int], method: bytes, path: bytes, authorization: bytes, extra: list, body: bytes
) -> None:
    host = b"Host: %s:%d" % (served[0].encode(), served[1])  # the served emulator refuses other names
    lines = [method + b" " + path + b" HTTP/1.1", host, b"Connection: close"]
    lines += [b"Authorization: " + authorization] if authorization else []
    lines += [name + b": " + value.replace(b"\r", b"").replace(b"\n", b"") for name, value in extra]
    lines += [b"Content-Length: %d" % len(body)]
    request = b"\r\n".join(lines) + b"\r\n\r\n" + body
    answer = exchange(served, request)
    if not answer:  # dropped without a word: only a request that h11 itself cannot parse may be
        event("dropped, h11 cannot parse it")
        assert h11_refuses(request), request[:300]
        return
    status = int(answer.split(b" ", 2)[1])
    event(f"answered {status // 100}xx")
    assert status < 500, answer[:300]
