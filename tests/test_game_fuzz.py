"""Random requests to the game's /create and /join: whatever arrives, the answer is a 4xx or better.

Each example starts a fresh game server with one game in it, then posts a generated body with
generated headers. Bodies range over raw bytes, JSON of every type and depth, forms with the
right and wrong field names, and bodies near and over the size limit; headers over the content
types, origins, fetch metadata and cookies the server looks at, plus arbitrary bytes. The
placeholder ``@game@`` in a body or a cookie becomes the real game's id, so that some requests
reach the host-cookie check. An app exception would come back as a 500 (the transport is told
not to raise), so "no 5xx" also means "nothing raised".
"""

from __future__ import annotations

import asyncio
import json
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st

from meeting_tokens.api.emulator import DailyEmulator
from meeting_tokens.clock import FrozenClock
from meeting_tokens.game import create_app

GAME = "@game@"
NAMES = st.sampled_from(["Ada", "Zoë", "O'Brien", "x" * 40, "x" * 41, "", "<b>", "\ud800", GAME])
# What a header can carry on the wire: visible ASCII, tab, and obs-text (bytes 0x80 to 0xFF).
HEADER_BYTES = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0xFF, blacklist_characters="\x7f") | st.just("\t"),
    max_size=80,
).map(lambda text: text.encode("latin-1"))

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40) | NAMES,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=25,
)
join_objects = st.fixed_dictionaries(
    {}, optional={"gameID": json_values | st.just(GAME), "playerName": json_values | NAMES}
)
forms = st.dictionaries(
    st.sampled_from(["gameName", "playerName", "gameID"]) | st.text(max_size=12),
    st.text(max_size=60) | NAMES,
    max_size=4,
)


def json_bytes(value: object) -> bytes:
    # ensure_ascii=False with surrogatepass: lone surrogates reach the server as raw UTF-8-ish bytes.
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")


bodies = st.one_of(
    st.binary(max_size=300),
    json_values.map(json_bytes),
    join_objects.map(json_bytes),
    join_objects.map(lambda value: json.dumps(value).encode()),
    forms.map(lambda form: urlencode(form, encoding="utf-8", errors="surrogatepass").encode()),
    st.integers(1, 5000).map(lambda depth: b"[" * depth + b"]" * depth),
    st.integers(4000, 4200).map(lambda size: b'{"gameID": "' + b"x" * size + b'"}'),
)
CONTENT_TYPES = [
    b"application/json",
    b"application/json; charset=utf-8",
    b"application/x-www-form-urlencoded",
    b"multipart/form-data; boundary=x",
    b"text/plain",
]
headers = st.fixed_dictionaries(
    {},
    optional={
        "content-type": st.sampled_from(CONTENT_TYPES) | HEADER_BYTES,
        "origin": st.sampled_from([b"https://testserver", b"null", b"https://evil.example"]) | HEADER_BYTES,
        "sec-fetch-site": st.sampled_from([b"same-origin", b"same-site", b"cross-site", b"none"]) | HEADER_BYTES,
        "cookie": HEADER_BYTES | HEADER_BYTES.map(lambda value: b"__Host-gh-" + GAME.encode() + b"=" + value),
    },
)


async def answer(path: str, body: bytes, request_headers: dict[str, bytes]) -> httpx.Response:
    emulator = DailyEmulator(clock=FrozenClock(1_700_000_000))
    app = create_app(emulator.client(), cookie_secret="fuzz-secret", clock=emulator.clock.now)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        created = await client.post("/create", data={"gameName": "Quiz", "playerName": "Ada"})
        game_id = parse_qs(urlsplit(created.headers["location"]).query)["gameID"][0].encode()
        real = {name: value.replace(GAME.encode(), game_id) for name, value in request_headers.items()}
        return await client.post(path, content=body.replace(GAME.encode(), game_id), headers=real)


@settings(max_examples=200, deadline=None)
@given(path=st.sampled_from(["/create", "/join"]), body=bodies, request_headers=headers)
def test_no_request_to_create_or_join_gets_a_5xx(path, body, request_headers):
    response = asyncio.run(answer(path, body, request_headers))
    assert response.status_code < 500
    if response.status_code >= 400:
        assert set(response.json()) == {"error"}
