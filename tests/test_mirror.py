"""The widgets' JavaScript is a mirror of the Python package: Chromium proves it, case by case.

One browser page loads the ES modules the widgets ship (the same strings their `_esm` holds)
from a page served at http://127.0.0.1 by Playwright's router, with no server and no network:
any other request fails the test. Then, for the same inputs, the page's answers must equal
Python's: tokens byte for byte, every check's outcome, detail and reason code, and the
inspector's whole description of a token.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from constants import API_KEY, DOMAIN_ID, EVERY_PERMISSION, EVERY_PERMISSION_CLAIM, NOW, ROOM
from meeting_tokens import (
    DailyEmulator,
    b64url_encode,
    decode_parts,
    precheck_claims,
    self_sign,
    to_properties,
    validate_token,
)
from meeting_tokens.chapters.forgeries import EXPECTED_CODES, forged_tokens
from meeting_tokens.core.checklist import findings
from meeting_tokens.core.claims import check_properties
from meeting_tokens.core.clock import FrozenClock
from meeting_tokens.core.jwt_parts import pasted_token, sign_hs256
from meeting_tokens.drawing.timetext import duration_text, time_note
from meeting_tokens.widgets import ClaimEditor, assets
from meeting_tokens.widgets.editing import sign_properties
from meeting_tokens.widgets.inspection import inspect_token, token_view

ORIGIN = "http://127.0.0.1:8765"
MODULES = {
    "mirror.mjs": assets.MIRROR,
    "claim_editor.mjs": (*assets.MIRROR, "view.js", "claim_editor.js"),
    "token_inspector.mjs": (*assets.MIRROR, "view.js", "token_inspector.js"),
    "expiry_explorer.mjs": (*assets.MIRROR, "view.js", "expiry_explorer.js"),
    "storage_tradeoffs.mjs": ("view.js", "storage_tradeoffs.js"),
}
VIEW_MODULES = json.dumps([name for name in MODULES if name != "mirror.mjs"])
PAGE = f"""<!doctype html><meta charset="utf-8"><title>mirror</title>
<script type="module">
  import * as mirror from "./mirror.mjs";
  const views = await Promise.all({VIEW_MODULES}.map((name) => import("./" + name)));
  window.mirror = mirror;
  window.views = views.map((m) => typeof m.default.render);
  window.ready = true;
</script>"""


@pytest.fixture(scope="module")
def page(chromium: Any) -> Iterator[Any]:
    """One page with every widget module loaded; it may ask for nothing but those."""
    context = chromium.new_context()
    page = context.new_page()
    strays: list[str] = []

    def route(request_route: Any) -> None:
        url = request_route.request.url
        name = url.removeprefix(ORIGIN + "/")
        if url == f"{ORIGIN}/":
            request_route.fulfill(body=PAGE, content_type="text/html")
        elif url.startswith(ORIGIN + "/") and name in MODULES:
            request_route.fulfill(body=assets.module(*MODULES[name]), content_type="text/javascript")
        else:
            strays.append(url)
            request_route.abort()

    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route("**/*", route)
    page.goto(ORIGIN + "/")
    page.wait_for_function("window.ready === true")
    assert errors == []
    assert page.evaluate("window.isSecureContext") is True
    yield page
    context.close()
    assert strays == [], f"the page asked for something else: {strays}"
    assert errors == []


def js(page: Any, body: str, *args: Any) -> Any:
    """Run an async function body with `args` bound as `a` (a list) and the mirror as `m`."""
    return page.evaluate(f"async (a) => {{ const m = window.mirror; {body} }}", list(args))


def test_every_widget_module_loads_and_exports_a_render_function(page: Any) -> None:
    assert page.evaluate("window.views") == ["function"] * 4


# ---------------------------------------------------------------------------------------------
# Signing: the same properties, key and instant give the same token, byte for byte.

AWKWARD_NAMES = [
    "Zoë",
    "李雷",
    "😀",
    'say "hi"',
    "back\\slash",
    "tab\tnew\nline\r",
    "bell\x07 del\x7f nul\x00",
    "</script><script>alert(1)</script>",
    "\u2028\u2029 separators",
    "e\u0301 combining",
    "\ufeff bom",
    "ÿ\u0100\uffff",
    "𝄞 music 🏳️‍🌈",
    "",
]
PROPERTY_SETS: list[dict[str, Any]] = [
    {"room_name": ROOM, "exp": NOW + 3600},
    {"room_name": ROOM, "exp": NOW + 3600, "is_owner": True, "user_name": "Ada"},
    {"user_name": "Ada", "exp": NOW + 60, "room_name": "r-2", "nbf": NOW - 30, "is_owner": False},
    {"room_name": ROOM},
    {"exp": NOW + 1},
    {},
    {
        "room_name": ROOM,
        "exp": NOW + 86400,
        "enable_screenshare": False,
        "start_video_off": True,
        "start_audio_off": True,
        "enable_recording": "cloud-audio-only",
        "lang": "pt-BR",
        "eject_at_token_exp": True,
        "eject_after_elapsed": 900,
        "user_id": "u-0001",
        "knocking": True,
        "enable_prejoin_ui": True,
        "permissions": {
            "hasPresence": True,
            "canSend": ["video", "audio"],
            "canAdmin": False,
            "canReceive": {"base": True},
        },
        "start_cloud_recording_opts": {"layout": {"preset": "grid"}, "n": [1, 2, None]},
        "redirect_on_meeting_exit": "https://example.com/bye?x=1&y=</script>",
    },
    {"room_name": ROOM, "permissions": {"canSend": ["screenAudio", "video", "screenVideo", "audio"]}},
    {"room_name": ROOM, "permissions": {"canSend": [], "canReceive": {"base": False, "byUserId": {}}}},
    {"room_name": ROOM, "permissions": {"canSend": True, "hasPresence": False, "canAdmin": ["participants"]}},
    {"room_name": ROOM, "permissions": {"canAdmin": ["transcription", "participants"], "canSend": False}},
    {"room_name": ROOM, "exp": NOW + 600, "permissions": EVERY_PERMISSION},
    {"room_name": "x" * 128, "exp": NOW + 10**9, "user_name": "long " * 400},
    {"room_name": ROOM, "exp": NOW + 3600, "user_id": "😀" * 36},
] + [
    {"room_name": ROOM, "exp": NOW + 3600, "user_name": name, "user_id": name[:36]} for name in AWKWARD_NAMES
]


def sign_in_page(page: Any, properties: dict[str, Any], key: str, now: int) -> dict[str, str]:
    """The properties travel as JSON text, as a widget's state does."""
    return js(
        page,
        "try { return {token: await m.signProperties(JSON.parse(a[0]), a[1], {domainId: a[2], now: a[3]})}; }"
        " catch (e) { return {error: e.message}; }",
        json.dumps(properties),
        key,
        DOMAIN_ID,
        now,
    )


def sign_in_python(properties: dict[str, Any], key: str, now: int) -> dict[str, str]:
    signed = sign_properties(key, properties, domain_id=DOMAIN_ID, now=now)
    return {"token": signed.token} if signed.token is not None else {"error": signed.error}


@pytest.mark.parametrize("properties", PROPERTY_SETS, ids=range(len(PROPERTY_SETS)))
def test_page_signs_the_same_token_as_python(page: Any, properties: dict[str, Any]) -> None:
    python = sign_in_python(properties, API_KEY, NOW)
    assert "token" in python
    assert sign_in_page(page, properties, API_KEY, NOW) == python


# Keys a JavaScript object reorders: array indices ("0" to "4294967294") come first, ascending.
NUMERIC_LOOKING_KEYS = ["10", "2", "a", "01", "-1", "4294967295", "4294967294", "0", "1.5"]
NUMERIC_KEY_PROPERTIES: dict[str, Any] = {
    "room_name": ROOM,
    "exp": NOW + 3600,
    "permissions": {
        "canReceive": {
            "base": True,
            "byUserId": {key: {"video": True} for key in NUMERIC_LOOKING_KEYS},
            "byParticipantId": {"10": False, "2": True, "a": {"audio": True}},
        }
    },
    "start_cloud_recording_opts": {"10": 1, "2": {"10": "x", "2": "y", "a": "z"}, "a": 3},
}


def test_page_signs_claims_with_numeric_looking_keys_as_python_does(page: Any) -> None:
    # The widget's state reaches the page as JSON, parsed into objects, where "2" comes before "10".
    python = sign_in_python(NUMERIC_KEY_PROPERTIES, API_KEY, NOW)
    assert "token" in python
    assert sign_in_page(page, NUMERIC_KEY_PROPERTIES, API_KEY, NOW) == python


WRONG_PROPERTIES: list[dict[str, Any]] = [
    {"room_name": ""},
    {"room_name": ROOM, "permissions": {"canSend": ["video", "customVideo", "customAudio"]}},
    {"room_name": 7},
    {"exp": "1767229200"},
    {"exp": True},
    {"exp": -5},
    {"nbf": 1.5},
    {"is_owner": "yes"},
    {"user_id": "x" * 37},
    {"user_id": "😀" * 37},
    {"enable_recording": "cassette"},
    {"lang": "xx"},
    {"start_cloud_recording_opts": []},
    {"permissions": {"canSend": ["smell"], "canFly": True, "hasPresence": 1}},
    {"permissions": {"canAdmin": "p", "canReceive": {"everyone": True, "base": []}}},
    {
        "permissions": {
            "canReceive": {
                "base": {"video": 1, "smell": True, "customVideo": True, "customAudio": {"*": "yes"}},
                "byUserId": [],
                "byParticipantId": {"p1": "all", "p2": {"audio": None}},
            }
        }
    },
    {"permissions": []},
    {"domain_id": DOMAIN_ID},
    {"toString": 1, "__proto__": 2, "constructor": 3},
    {"iat": NOW},
    {"room_name": ROOM, "exp": NOW},
    {"room_name": ROOM, "exp": NOW - 10},
]


@pytest.mark.parametrize("properties", WRONG_PROPERTIES, ids=range(len(WRONG_PROPERTIES)))
def test_page_refuses_properties_exactly_as_python_does(page: Any, properties: dict[str, Any]) -> None:
    python = sign_in_python(properties, API_KEY, NOW)
    assert "error" in python
    assert sign_in_page(page, properties, API_KEY, NOW) == python


@pytest.mark.parametrize("properties", WRONG_PROPERTIES + PROPERTY_SETS[:6])
def test_page_finds_the_same_property_problems(page: Any, properties: dict[str, Any]) -> None:
    expected = check_properties(properties)
    assert js(page, "return m.checkProperties(JSON.parse(a[0]));", json.dumps(properties)) == expected


NOT_SECRETS = [
    "-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----",
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA user@host",
    '{"kty": "oct", "k": "c2VjcmV0"}',
    '[{"keys": {"kty": "oct"}}]',
    '\ufeff [{"keys": {"kty": "oct"}}]',
    "-----BEGIN PRIVATE KEY----- truncated",
    "0\x0b\x02\x01\x01\x04\x06secret",  # DER-shaped: a sequence of an integer and an octet string
]
UNUSUAL_KEYS = ["short", "ключ-🔑", '{"not": "a jwk"}', "x" * 200, "  spaced  ", "0\x02\x00\x00"]
UNUSUAL_KEYS += NOT_SECRETS


def test_page_refuses_to_sign_with_an_empty_key_like_python(page: Any) -> None:
    properties = {"room_name": ROOM, "exp": NOW + 60}
    assert (
        sign_in_page(page, properties, "", NOW)
        == sign_in_python(properties, "", NOW)
        == {"error": "api_key must be a non-empty string"}
    )


@pytest.mark.parametrize("key", UNUSUAL_KEYS, ids=range(len(UNUSUAL_KEYS)))
def test_page_signs_with_unusual_keys_like_python(page: Any, key: str) -> None:
    properties = {"room_name": ROOM, "exp": NOW + 60}
    python = sign_in_python(properties, key, NOW)
    assert "token" in python
    assert sign_in_page(page, properties, key, NOW) == python


# ---------------------------------------------------------------------------------------------
# Checking: the forged corpus and the awkward tokens get the same checks from both sides.


def python_checks(report: Any) -> list[list[Any]]:
    return [[c.name, c.passed, c.detail, c.code] for c in report.checks]


def page_checks(page: Any, token: str, **options: Any) -> list[list[Any]]:
    return js(
        page,
        "const r = await m.checkToken(a[0], a[1]);"
        " return r.checks.map((c) => [c.name, c.passed, c.detail, c.code]);",
        token,
        options,
    )


def parser_words_removed(text: str) -> str:
    """The text up to a JSON parser's own complaint, which each language words its own way."""
    head, found, _ = text.partition(" is not JSON: ")
    return head + found


def same_checks(page_side: list[list[Any]], python_side: list[list[Any]]) -> None:
    """Equal check by check, the JSON parsers' own words aside."""
    assert [[*c[:2], parser_words_removed(c[2]), c[3]] for c in page_side] == [
        [*c[:2], parser_words_removed(c[2]), c[3]] for c in python_side
    ]


CORPUS = forged_tokens(API_KEY, room_name=ROOM, domain_id=DOMAIN_ID, now=NOW)


@pytest.mark.parametrize("label", list(CORPUS))
def test_page_validates_the_forged_corpus_like_validate_token(page: Any, label: str) -> None:
    token = CORPUS[label]
    python = validate_token(token, api_key=API_KEY, room_name=ROOM, domain_id=DOMAIN_ID, now=NOW)
    assert python.code == EXPECTED_CODES[label]
    in_page = page_checks(page, token, key=API_KEY, roomName=ROOM, domainId=DOMAIN_ID, now=NOW)
    same_checks(in_page, python_checks(python))


@pytest.mark.parametrize("label", list(CORPUS))
def test_page_prechecks_the_forged_corpus_like_precheck_claims(page: Any, label: str) -> None:
    token = CORPUS[label]
    python = precheck_claims(token, room_name=ROOM, domain_id=DOMAIN_ID, now=NOW)
    same_checks(page_checks(page, token, roomName=ROOM, domainId=DOMAIN_ID, now=NOW), python_checks(python))


def raw_token(header: bytes, payload: bytes, signature: bytes = b"sig") -> str:
    return ".".join(b64url_encode(part) for part in (header, payload, signature))


HS256 = b'{"alg":"HS256","typ":"JWT"}'
# Payloads written out byte for byte; their exp, 1767229200, is NOW + 3600.
AWKWARD_TOKENS = {
    "exp written as a float with no fraction": raw_token(HS256, b'{"r":"a","exp":1767229200.0}'),
    "exp in exponent form": raw_token(HS256, b'{"r":"a","exp":1.7672292e9}'),
    "exp as a large float": raw_token(HS256, b'{"r":"a","exp":1e17}'),
    "exp as a tiny float": raw_token(HS256, b'{"r":"a","exp":-0.000015}'),
    "exp of minus zero float": raw_token(HS256, b'{"r":"a","exp":-0.0}'),
    "exp beyond 2**53": raw_token(HS256, b'{"r":"a","exp":90071992547409930}'),
    "exp of minus zero": raw_token(HS256, b'{"r":"a","exp":-0}'),
    "exp as an object": raw_token(HS256, b'{"r":"a","exp":{"t":1}}'),
    "exp NaN": raw_token(HS256, b'{"r":"a","exp":NaN}'),
    "an integer of 4301 digits": raw_token(HS256, b'{"r":"a","x":' + b"1" * 4301 + b"}"),
    "duplicate exp, last wins": raw_token(HS256, b'{"r":"a","exp":1,"exp":1767229200}'),
    "__proto__ and numeric keys": raw_token(HS256, b'{"__proto__":1,"2":2,"1":1,"r":"a","exp":1767229200}'),
    "room with quotes": raw_token(HS256, b'{"r":"it\'s \\"quoted\\"","exp":1767229200}'),
    "room with controls": raw_token(
        HS256, b'{"r":"a\\u0000\\u007f\\u00a0\\u2028\\ud83d\\ude00\\ud800","exp":1767229200}'
    ),
    "room not a string": raw_token(HS256, b'{"r":["a"],"exp":1767229200}'),
    "nbf float 0.5 past": raw_token(HS256, b'{"r":"a","exp":1767229200,"nbf":1.5}'),
    "alg missing": raw_token(b'{"typ":"JWT"}', b'{"r":"a","exp":1767229200}'),
    "alg NONE": raw_token(b'{"alg":"NONE"}', b'{"r":"a","exp":1767229200}'),
    "alg with a quote": raw_token(b'{"alg":"H\'S"}', b'{"r":"a","exp":1767229200}'),
    "header is an array": raw_token(b"[]", b"{}"),
    "payload is not UTF-8": raw_token(HS256, b'{"r":"\xff"}'),
    "payload with a BOM": raw_token(HS256, b'\xef\xbb\xbf{"r":"a"}'),
    "payload with trailing comma": raw_token(HS256, b'{"r":"a",}'),
    "payload with a raw control character": raw_token(HS256, b'{"r":"a\x01"}'),
    "payload with extra data": raw_token(HS256, b'{"r":"a"} {}'),
    "payload with white space": raw_token(HS256, b' \t\r\n{ "r" : "a" , "exp" : 1767229200 }\n'),
    "non-canonical base64url": "eyJhbGciOiJIUzI1NiJ9.eyJyIjoiYSJ9.abd",
    "padding": "eyJhbGciOiJIUzI1NiJ9.eyJyIjoiYSJ9.YWJj=",
    "impossible length": "eyJhbGciOiJIUzI1NiJ9.eyJyIjoiYSJ9.a",
    "empty": "",
    "four parts": "a.b.c.d",
    "non-ASCII characters": "é.é.é",
    "astral characters": "😀" * 5000,
    "over 8192 characters": "a" * 8193,
    "signature of zero bytes": raw_token(HS256, b'{"r":"a","exp":1767229200}', b""),
    "nested 3000 deep": raw_token(HS256, b"[" * 3000 + b"]" * 3000),
    "an empty room": raw_token(HS256, b'{"r":"","exp":1767229200}'),
    "exp ten years ahead": raw_token(HS256, b'{"r":"a","exp":%d}' % (NOW + 315359647)),
    "exp two days ago": raw_token(HS256, b'{"r":"a","exp":%d}' % (NOW - 2 * 86400 - 5)),
    "exp just inside the words' range": raw_token(HS256, b'{"r":"a","exp":%d}' % (NOW + 2**53)),
    "exp of minus 4300 nines": raw_token(HS256, b'{"r":"a","exp":-' + b"9" * 4300 + b"}"),
    "nbf of 4300 nines": raw_token(HS256, b'{"r":"a","exp":1767229200,"nbf":' + b"9" * 4300 + b"}"),
    # Every "not base64url" complaint names the character, its part and its position.
    "a stray character after a short segment": "not.a.token!!",
    "a line break inside the payload": "e30.eyJyIjoi\r\nYSJ9.abc",
    "a space before a dot": "e30 .e30.abc",
    "a tab in the header": "e\t30.e30.abc",
    "an astral character before the stray one": "e30.e30.😀ab",
    "a combining mark": "e30.e30.ab\u0301c",
    "a bidirectional override": "e30.e\u202e30.abc",
    "an escape character": "e30.e30.\x1b[2J",
    "stray bits in the header": "e31.e30.abc",
    "an impossible length in the payload": "e30.eyJyIjoiYSJ9x.abc",
}


@pytest.mark.parametrize("label", list(AWKWARD_TOKENS))
@pytest.mark.parametrize("key", [API_KEY, None])
def test_page_checks_awkward_tokens_like_python(page: Any, label: str, key: str | None) -> None:
    token = AWKWARD_TOKENS[label]
    options = {"room_name": "a", "now": NOW}
    python = validate_token(token, api_key=key, **options) if key else precheck_claims(token, **options)
    same_checks(page_checks(page, token, key=key, roomName="a", now=NOW), python_checks(python))


@pytest.mark.parametrize("key", ["", *NOT_SECRETS], ids=range(len(NOT_SECRETS) + 1))
def test_page_refuses_to_verify_with_the_keys_python_refuses(page: Any, key: str) -> None:
    token = CORPUS["valid"]
    python = validate_token(token, api_key=key, room_name=ROOM, now=NOW)
    assert python.code == "invalid-signature" and python.reason.startswith("unusable key: ")
    assert page_checks(page, token, key=key, roomName=ROOM, now=NOW) == python_checks(python)


ALMOST_DER = ["0\x82\x00\x00", "0\x02\x00\x00", "0\x03\x04\x01x", "0\x80\x02\x01"]  # no DER key: usable


@pytest.mark.parametrize("key", ALMOST_DER, ids=range(len(ALMOST_DER)))
def test_page_verifies_with_keys_that_only_start_like_der_as_python_does(page: Any, key: str) -> None:
    token = sign_hs256({"alg": "HS256", "typ": "JWT"}, {"r": ROOM, "exp": NOW + 3600}, key)
    python = validate_token(token, api_key=key, room_name=ROOM, now=NOW)
    assert python.valid is True
    assert page_checks(page, token, key=key, roomName=ROOM, now=NOW) == python_checks(python)


# self_signed=True: Daily's rule for self-signed tokens (r, iat, d), on both sides.
SELF_SIGNED_CASES = {  # label: (payload, the code both sides give it)
    "everything present": ({"r": ROOM, "iat": NOW, "d": DOMAIN_ID, "exp": NOW + 60}, None),
    "no iat": ({"r": ROOM, "d": DOMAIN_ID, "exp": NOW + 60}, "missing-self-signed-claim"),
    "no r": ({"iat": NOW, "d": DOMAIN_ID, "exp": NOW + 60}, "missing-self-signed-claim"),
    "an empty r": ({"r": "", "iat": NOW, "d": DOMAIN_ID}, "missing-self-signed-claim"),
    "no d": ({"r": ROOM, "iat": NOW}, "missing-self-signed-claim"),
    "a null d": ({"r": ROOM, "iat": NOW, "d": None}, "missing-self-signed-claim"),
    "an empty d": ({"r": ROOM, "iat": NOW, "d": ""}, "missing-self-signed-claim"),
    "a false d": ({"r": ROOM, "iat": NOW, "d": False}, None),
}


@pytest.mark.parametrize("label", list(SELF_SIGNED_CASES))
@pytest.mark.parametrize("key", [API_KEY, None])
def test_page_checks_self_signed_tokens_like_python(page: Any, label: str, key: str | None) -> None:
    payload, code = SELF_SIGNED_CASES[label]
    token = sign_hs256({"alg": "HS256", "typ": "JWT"}, payload, API_KEY)
    options = {"now": NOW, "self_signed": True, "allow_unscoped": True, "allow_no_expiry": True}
    python = validate_token(token, api_key=key, **options) if key else precheck_claims(token, **options)
    in_page = page_checks(
        page, token, key=key, now=NOW, selfSigned=True, allowUnscoped=True, allowNoExpiry=True
    )
    assert python.code == code
    assert in_page == python_checks(python)


@pytest.mark.parametrize("now", [NOW + 3600 - 1, NOW + 3600, NOW + 3600 + 0.5, NOW + 3599.5, NOW + 2.5])
@pytest.mark.parametrize("leeway", [0, 30, 0.5])
def test_page_agrees_on_exp_and_nbf_boundaries(page: Any, now: float, leeway: float) -> None:
    token = sign_hs256(
        {"alg": "HS256", "typ": "JWT"}, {"r": ROOM, "iat": NOW, "nbf": NOW + 3, "exp": NOW + 3600}, API_KEY
    )
    python = validate_token(token, api_key=API_KEY, room_name=ROOM, now=now, leeway=leeway)
    in_page = page_checks(page, token, key=API_KEY, roomName=ROOM, now=now, leeway=leeway)
    assert in_page == python_checks(python)


# ---------------------------------------------------------------------------------------------
# What the inspector shows, and the words for times.

WITH_PERMISSIONS = {
    "self-signed with permissions": sign_properties(
        API_KEY,
        {
            "room_name": ROOM,
            "exp": NOW + 60,
            "permissions": {"canSend": ["audio"], "canReceive": {"base": True}},
        },
        domain_id=DOMAIN_ID,
        now=NOW,
    ).token
}
INSPECTED = {**CORPUS, **AWKWARD_TOKENS, **WITH_PERMISSIONS}


def test_the_inspector_shows_the_abbreviated_permissions_claim() -> None:
    token = WITH_PERMISSIONS["self-signed with permissions"]
    view = token_view(token, inspect_token(token, api_key=API_KEY, room_name=ROOM, now=NOW), NOW)

    assert ["p", "permissions", '{"cs": "a", "cr": {"b": true}}', ""] in view["claims"]
    assert view["state"] == "valid"




def test_every_kind_of_permission_round_trips_in_daily_shape(page: Any) -> None:
    emulator = DailyEmulator(API_KEY, domain_id=DOMAIN_ID, clock=FrozenClock(NOW), rate_limit=False)
    token = self_sign(API_KEY, room_name=ROOM, domain_id=DOMAIN_ID, now=NOW, permissions=EVERY_PERMISSION)
    view = token_view(token, inspect_token(token, api_key=API_KEY, room_name=ROOM, now=NOW), NOW)

    assert decode_parts(token).payload["p"] == EVERY_PERMISSION_CLAIM
    assert emulator.client().validate_meeting_token(token)["permissions"] == EVERY_PERMISSION
    assert to_properties(decode_parts(token).payload)["permissions"] == EVERY_PERMISSION
    assert ["p", "permissions", json.dumps(EVERY_PERMISSION_CLAIM, ensure_ascii=False), ""] in view["claims"]
    properties = {"room_name": ROOM, "exp": NOW + 3600, "permissions": EVERY_PERMISSION}
    assert sign_in_page(page, properties, API_KEY, NOW) == {"token": token}


def python_and_page_views(page: Any, token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """What the Python inspector and the page's mirror make of ``token``, with the same key,
    room and instant."""
    python = token_view(token, inspect_token(token, api_key=API_KEY, room_name=ROOM, now=NOW), NOW)
    script = "return await m.inspectToken(a[0], {key: a[1], roomName: a[2], now: a[3]});"
    return python, js(page, script, token, API_KEY, ROOM, NOW)


@pytest.mark.parametrize("label", list(INSPECTED))
def test_page_describes_tokens_like_the_python_inspector(page: Any, label: str) -> None:
    token = "  " + INSPECTED[label] + "\n"
    python, ours = python_and_page_views(page, token)
    same_checks(ours.pop("checks"), python.pop("checks"))
    ours["verdict"], python["verdict"] = (
        parser_words_removed(ours["verdict"]),
        parser_words_removed(python["verdict"]),
    )
    assert ours == python


PASTES = {
    "nothing": "",
    "only white space": " \r\n\t ",
    "around the token only": "\n  a.b.c \r\n",
    "one line break": "a.b\n.c",
    "a CR LF pair and a lone CR": "a\r\n.b\r.c",
    "every kind": " a.b \t\nc\r\n d ",
    "two spaces": "a. b .c",
    "a non-breaking space stays": "a.b.\u00a0c",
    "astral characters": "😀\n😀 .b.c",
}


@pytest.mark.parametrize("label", list(PASTES))
def test_page_removes_white_space_from_a_paste_like_python(page: Any, label: str) -> None:
    text = PASTES[label]
    ours = js(page, "const p = m.pastedToken(a[0]); return [p.token, p.removed];", text)
    assert ours == list(pasted_token(text))


WRAPPED = {
    label: "\n".join(INSPECTED[label][i : i + 40] for i in range(0, len(INSPECTED[label]), 40))
    for label in ("valid", "owner escalation", "expired", "self-signed with permissions")
}


@pytest.mark.parametrize("label", list(WRAPPED))
def test_page_describes_a_wrapped_token_like_the_python_inspector(page: Any, label: str) -> None:
    token = WRAPPED[label]
    python, ours = python_and_page_views(page, token)
    assert python["removed"].endswith("line breaks removed from inside the token")
    assert ours == python


DURATIONS = [
    0,
    0.4,
    1,
    59,
    60,
    61,
    3599,
    3599.9999999999995,
    3600,
    86399,
    86400,
    86400 * 364,
    86400 * 365 * 3 + 5,
    -7200,
]


def test_page_words_durations_like_python(page: Any) -> None:
    assert js(page, "return a[0].map((s) => m.durationText(s));", DURATIONS) == [
        duration_text(s) for s in DURATIONS
    ]


TIME_VALUES = [
    NOW,
    NOW + 1,
    NOW - 1,
    NOW + 3540,
    NOW - 3 * 86400,
    0,
    -62135596800,
    253402300799,
    253402300800,
    "x",
    True,
    None,
]


@pytest.mark.parametrize("claim", ["exp", "nbf", "iat", "r"])
def test_page_words_time_claims_like_python(page: Any, claim: str) -> None:
    expected = [time_note(claim, value, NOW) for value in TIME_VALUES]
    assert js(page, "return a[0].map((v) => m.timeNote(a[1], v, a[2]));", TIME_VALUES, claim, NOW) == expected


@pytest.mark.parametrize("properties", [{}, {"room_name": ROOM, "exp": NOW}, {"room_name": ROOM}])
@pytest.mark.parametrize("key", ["k" * 31, "k" * 32, "é" * 16, ""])
def test_page_warns_like_python(page: Any, properties: dict[str, Any], key: str) -> None:
    long_token = "a" * 2049
    for token in (None, "a.b.c", long_token):
        expected = [[f.code, f.message] for f in findings(properties, key, token)]
        ours = js(
            page,
            "return m.findings(a[0], a[1], a[2]).map((f) => [f.code, f.message]);",
            properties,
            key,
            token,
        )
        assert ours == expected


def test_the_page_made_no_request_of_its_own(page: Any) -> None:
    """Signing and checking with a typed key sent nothing anywhere (the fixture also checks)."""
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    sign_in_page(page, {"room_name": ROOM, "exp": NOW + 60}, API_KEY, NOW)
    page_checks(page, CORPUS["valid"], key=API_KEY, now=NOW)
    assert requests == []
    assert page.evaluate("localStorage.length + sessionStorage.length + document.cookie.length") == 0


# ---------------------------------------------------------------------------------------------
# The claim editor's clock: a kernel that answers late is still the kernel.


def test_the_claim_editor_takes_the_kernels_clock_when_a_busy_kernel_answers_late(page: Any) -> None:
    # The page waits 2 s for the kernel's pong, then takes itself for a static page and signs by
    # the reader's clock; a kernel that answers at 2.6 s (a busy JupyterLab) gives its instant back.
    editor = ClaimEditor(API_KEY, {"room_name": ROOM, "exp": NOW + 3600}, domain_id=DOMAIN_ID, now=NOW)
    state = editor.get_state()
    before, after = js(
        page,
        """
        const state = a[0];
        const listeners = {};
        const model = {
          get: (name) => state[name],
          set: (name, value) => { state[name] = value; },
          on: (names, f) => names.split(" ").forEach((n) => (listeners[n] ??= []).push(f)),
          off: (names, f) => names.split(" ").forEach((n) => {
            listeners[n] = (listeners[n] ?? []).filter((g) => g !== f);
          }),
          send: (message) => {
            if (message.type !== "ping") return;
            setTimeout(() => (listeners["msg:custom"] ?? []).forEach((f) => f({ type: "pong" })), 2600);
          },
          save_changes: () => {},
        };
        const root = document.createElement("div");
        document.body.append(root);
        const view = await import("./claim_editor.mjs");
        const stop = view.default.render({ model, el: root });
        const clock = () => root.querySelector(".mt-clock").innerText;
        await new Promise((done) => setTimeout(done, 2300));
        const before = clock();
        await new Promise((done) => setTimeout(done, 1500));
        const after = clock();
        stop();
        root.remove();
        return [before, after];
        """,
        json.loads(json.dumps(state, default=str)),
    )
    assert "no Python kernel runs this page" in before
    assert "the instant the Python kernel set" in after
