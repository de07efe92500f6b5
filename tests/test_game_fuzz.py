"""Random requests to the game's /create and /join: whatever arrives, the answer is a 4xx or better.

Each example starts a fresh game server with one game in it, then posts a generated body with
generated headers. Bodies range over raw bytes, JSON of every type and depth, forms with the
right and wrong field names, and bodies near and over the size limit; headers over the content
types, origins, fetch metadata and cookies the server looks at, plus arbitrary bytes. A third
of the requests are the game's own page's, with names it accepts, so that over a quarter reach
a success path (a game created, a player let in; ``--hypothesis-show-statistics`` counts them);
a third are shaped like them with fuzzed fields, so that they get past the first checks. The
placeholders ``@game@`` and ``@cookie@`` become the real game's id and its host cookie, so that
some requests reach the host check and a token is minted. An app exception would come back as
a 500 (the transport is told not to raise), so "no 5xx" also means "nothing raised".
"""

from __future__ import annotations

import asyncio
import json
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
from hypothesis import event, given
from hypothesis import strategies as st

from constants import NOW
from fuzzing import fuzz
from meeting_tokens.api.emulator import DailyEmulator
from meeting_tokens.core.clock import FrozenClock
from meeting_tokens.game import create_app

GAME, COOKIE = "@game@", "@cookie@"  # placeholders for the real game's id and host cookie
NAMES = st.sampled_from(["Ada", "Zoë", "O'Brien", "x" * 40, "x" * 41, "", "<b>", "\ud800", GAME])
# What a header can carry on the wire: visible ASCII, tab, and obs-text (bytes 0x80 to 0xFF).
HEADER_BYTES = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0xFF, blacklist_characters="\x7f") | st.just("\t"),
    max_size=80,
).map(lambda text: text.encode("latin-1"))

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40) | NAMES,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=25,
)
# Both fields are always there (missing ones come from ``json_values``), often well formed.
join_objects = st.fixed_dictionaries(
    {"gameID": st.just(GAME) | json_values, "playerName": NAMES | json_values}
)
forms = st.fixed_dictionaries(
    {"gameName": NAMES | st.text(max_size=60), "playerName": NAMES | st.text(max_size=60)}
).flatmap(
    lambda form: st.dictionaries(st.text(max_size=12), st.text(max_size=20), max_size=3).map(form.__or__)
)


def json_bytes(value: object) -> bytes:
    # ensure_ascii=False with surrogatepass: lone surrogates reach the server as raw UTF-8-ish bytes.
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")


def form_bytes(form: dict[str, str]) -> bytes:
    return urlencode(form, encoding="utf-8", errors="surrogatepass").encode()


# Within 4 KiB and still deeper than Python's recursion limit (1000) allows json.loads to go.
deep = st.integers(1, 2040).map(lambda depth: b"[" * depth + b"]" * depth)
near_the_limit = st.integers(4000, 4200).map(lambda size: b'{"gameID": "' + b"x" * size + b'"}')
join_bodies = st.one_of(
    join_objects.map(json_bytes), join_objects.map(lambda value: json.dumps(value).encode()), deep
)
create_bodies = st.one_of(forms.map(form_bytes), near_the_limit.map(lambda body: b"gameName=" + body))
bodies = st.one_of(
    st.binary(max_size=300), json_values.map(json_bytes), join_bodies, create_bodies, near_the_limit
)
CONTENT_TYPES = [
    b"application/json",
    b"application/json; charset=utf-8",
    b"application/x-www-form-urlencoded",
    b"multipart/form-data; boundary=x",
    b"text/plain",
]
ORIGINS = [b"https://testserver", b"null", b"https://evil.example"]
FETCH_SITES = [b"same-origin", b"same-site", b"cross-site", b"none"]
# The host's own cookie (sent anyway when no Cookie header is given), a damaged copy, or junk.
COOKIES = st.one_of(
    st.just(f"__Host-gh-{GAME}={COOKIE}".encode()),
    HEADER_BYTES.map(lambda junk: f"__Host-gh-{GAME}={COOKIE}".encode() + junk),
    HEADER_BYTES.map(lambda value: f"__Host-gh-{GAME}=".encode() + value),
    HEADER_BYTES,
)
any_headers = st.fixed_dictionaries(
    {},
    optional={
        "content-type": st.sampled_from(CONTENT_TYPES) | HEADER_BYTES,
        "origin": st.sampled_from(ORIGINS) | HEADER_BYTES,
        "sec-fetch-site": st.sampled_from(FETCH_SITES) | HEADER_BYTES,
        "cookie": COOKIES,
    },
)


def page_headers(content_type: bytes) -> st.SearchStrategy[dict[str, bytes]]:
    """Headers like the game's own page's: its content type, perhaps its origin, fetch metadata
    and a cookie of some kind."""
    return st.fixed_dictionaries(
        {"content-type": st.just(content_type)},
        optional={
            "origin": st.just(b"https://testserver"),
            "sec-fetch-site": st.just(b"same-origin"),
            "cookie": COOKIES,
        },
    )


def own_headers(content_type: bytes) -> st.SearchStrategy[dict[str, bytes]]:
    """Headers as the game's own page sends them, with or without a cookie of some kind."""
    return st.fixed_dictionaries(
        {
            "content-type": st.just(content_type),
            "origin": st.just(b"https://testserver"),
            "sec-fetch-site": st.just(b"same-origin"),
        },
        optional={"cookie": COOKIES},
    )


GOOD_NAMES = st.sampled_from(["Ada", "Zoë", "O'Brien", "x" * 40])
# In thirds: the page's own requests with names it accepts (they reach the success paths, a game
# created or a player let in), requests shaped like them (past the first checks), and anything.
own_requests = st.one_of(
    st.tuples(
        st.just("/join"),
        st.fixed_dictionaries({"gameID": st.just(GAME), "playerName": GOOD_NAMES}).map(json_bytes),
        own_headers(b"application/json"),
    ),
    st.tuples(
        st.just("/create"),
        st.fixed_dictionaries({"gameName": GOOD_NAMES, "playerName": GOOD_NAMES}).map(form_bytes),
        own_headers(b"application/x-www-form-urlencoded"),
    ),
)
page_shaped_requests = st.one_of(
    st.tuples(st.just("/join"), join_bodies, page_headers(b"application/json")),
    st.tuples(st.just("/create"), create_bodies, page_headers(b"application/x-www-form-urlencoded")),
)
any_requests = st.tuples(st.sampled_from(["/create", "/join"]), bodies, any_headers)
requests = st.sampled_from([own_requests, page_shaped_requests, any_requests]).flatmap(lambda kind: kind)


async def answer(path: str, body: bytes, headers: dict[str, bytes]) -> httpx.Response:
    """The answer to the request, from a fresh server with one game, asked by that game's host."""
    emulator = DailyEmulator(clock=FrozenClock(NOW))
    app = create_app(emulator.client(), cookie_secret="fuzz-secret", clock=emulator.clock.now)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        created = await client.post("/create", data={"gameName": "Quiz", "playerName": "Ada"})
        game_id = parse_qs(urlsplit(created.headers["location"]).query)["gameID"][0]
        cookie = client.cookies[f"__Host-gh-{game_id}"]

        def filled(data: bytes) -> bytes:
            return data.replace(GAME.encode(), game_id.encode()).replace(COOKIE.encode(), cookie.encode())

        real_headers = {name: filled(value) for name, value in headers.items()}
        return await client.post(path, content=filled(body), headers=real_headers)


@fuzz(200)
@given(request=requests)
def test_no_request_to_create_or_join_gets_a_5xx(request):
    response = asyncio.run(answer(*request))
    event(f"{request[0]}: {response.status_code}")  # --hypothesis-show-statistics counts them
    assert response.status_code < 500
    if response.status_code >= 400:
        assert set(response.json()) == {"error"}
