"""The article's game server in miniature: who is host lives in a signed HttpOnly cookie.

``POST /create`` makes a game and its Daily room and gives the creator a host cookie
``__Host-gh-<gameID>`` whose value is the creation time, signed with itsdangerous. ``POST /join``
mints a fresh owner token for a player whose cookie verifies for that game; everyone else gets
the room URL alone.

Where it goes beyond the article, and why, is listed in the package's docstring
(``meeting_tokens.game``); the bounds on games and on clients live in ``bounds``.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
import re
import secrets
import time
from collections.abc import Callable, Sequence
from importlib import resources
from typing import Any, Literal
from urllib.parse import parse_qsl, urlencode

import httpx
from itsdangerous import BadSignature, Signer
from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from meeting_tokens.core.errors import DailyAPIError
from meeting_tokens.game.bounds import CreateLimit, Game, Games
from meeting_tokens.runtime import run_blocking

TokenStorage = Literal["cookie-host", "readable-cookie", "local-storage"]
TOKEN_STORAGES: tuple[str, ...] = ("cookie-host", "readable-cookie", "local-storage")
NAME_PATTERN = re.compile(r"[\w '-]{1,40}")  # \w: Unicode letters, digits and "_"
NAME_RULE = "1 to 40 characters: letters, digits, spaces, '-', '_' or an apostrophe"
HOST_COOKIE_WINDOW = 10  # seconds between game creation and host cookie, as in the article
TOKEN_LIFETIME = 86400  # the owner token's exp is one day after minting
HOST_COOKIE_LIFETIME = TOKEN_LIFETIME  # the host cookie's Max-Age, checked on the server too
GAME_LIFETIME = 86400  # seconds the server remembers a game
MAX_GAMES = 1000
CREATE_BURST = 5  # games a client address may create at once ...
CREATE_INTERVAL = 60  # ... and then one per this many seconds
MAX_BODY = 4096  # bytes; two 40-character names need a few hundred
BODY_SECONDS = 10  # for a body to arrive, once the request's headers have
FORM_TYPE = "application/x-www-form-urlencoded"
CSP_SOURCES = re.compile(r"[!-~]+( [!-~]+)*")  # visible ASCII words, one space apart
# uvicorn's settings for serving the game. uvicorn has no timeout for a request's headers (the
# game times the body itself), so a client that trickles them holds its connection:
# limit_concurrency caps how many such connections there can be (beyond it uvicorn answers 503
# at once), and on the open internet a proxy in front should time them out.
UVICORN_LIMITS: dict[str, Any] = {
    "timeout_keep_alive": 5,  # seconds an idle keep-alive connection stays open
    "limit_concurrency": 100,  # connections and requests at once
    "h11_max_incomplete_event_size": 16 * 1024,  # bytes of request line and headers
}


log = logging.getLogger(__name__)


def host_cookie_name(game_id: str, *, secure: bool = True) -> str:
    """The name of the cookie that makes its holder host of ``game_id``.

    ``__Host-`` only on ``Secure`` cookies: browsers refuse a ``__Host-`` cookie without it.
    """
    return f"__Host-gh-{game_id}" if secure else f"gh-{game_id}"


def error(status_code: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """A JSON error that says what the caller did wrong and nothing about the server."""
    return JSONResponse({"error": message}, status_code=status_code, headers=headers)


def failure(exc: DailyAPIError | httpx.HTTPError) -> str:
    """A failed call to Daily, for the log: never the exception's text, which can quote the
    request (an httpx error about a bad header carries the header, API key and all)."""
    if isinstance(exc, DailyAPIError):
        return f"Daily answered {exc.status_code} {exc.error}"
    return type(exc).__name__


def check_name(field: str, value: Any) -> str | None:
    """The problem with a game or player name, or None when it is acceptable."""
    if not isinstance(value, str) or not NAME_PATTERN.fullmatch(value):
        return f"{field} must be {NAME_RULE}"
    return None


def media_type(request: Request) -> str:
    """The request's Content-Type without parameters, lower case ("" when there is none)."""
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def read_body(request: Request) -> bytes | JSONResponse:
    """The request's body, or the error to answer when it passes ``MAX_BODY`` bytes or takes
    more than ``BODY_SECONDS`` to arrive (uvicorn has no such timeout). The rest is never read.
    """
    body = bytearray()
    try:
        async with asyncio.timeout(BODY_SECONDS):
            async for chunk in request.stream():
                body += chunk
                if len(body) > MAX_BODY:
                    return error(413, f"the body is over {MAX_BODY} bytes")
    except TimeoutError:
        return error(408, "the body took too long to arrive")
    return bytes(body)


def is_cross_origin(request: Request) -> bool:
    """Whether the browser that sent ``request`` says it comes from another origin's page.

    As in Go's ``http.CrossOriginProtection``: ``Sec-Fetch-Site``, which browsers set and
    scripts cannot, decides when present (only ``same-origin`` and ``none``, the user's own
    navigation, pass); otherwise an ``Origin`` must be this server's, scheme and host (an
    ``http://`` page of the same host is another origin: a network attacker can write it). A
    request with neither comes from a client that is not a browser (curl, httpx, the ``browser``
    helper) and passes: forging a request across sites takes a browser, and browsers send
    ``Origin`` on every cross-site POST. Behind a proxy that ends TLS, uvicorn must trust its
    ``X-Forwarded-Proto`` (``forwarded_allow_ips``) for the scheme to be ``https``.
    """
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site not in ("same-origin", "none")
    origin = request.headers.get("origin")
    if origin is None:
        return False
    return origin != f"{request.url.scheme}://{request.headers.get('host')}"  # "null" never matches


def inline_hash(page: str, tag: str) -> str:
    """The CSP source that allows the page's one inline ``<tag>`` element, by its SHA-256."""
    [content] = re.findall(f"<{tag}>(.*?)</{tag}>", page, flags=re.DOTALL)
    digest = hashlib.sha256(content.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


class SecurityHeaders:
    """ASGI middleware: gives every response ``headers``, unless it set one of them itself."""

    def __init__(self, app: ASGIApp, headers: dict[str, str]) -> None:
        self.app, self.headers = app, headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def require_token_storage(token_storage: str) -> None:
    """Raise ``ValueError`` unless ``token_storage`` is one of ``TOKEN_STORAGES``."""
    if token_storage not in TOKEN_STORAGES:
        raise ValueError(f"token_storage must be one of {TOKEN_STORAGES}, not {token_storage!r}")


def cookie_secrets(cookie_secret: str | bytes | Sequence[str | bytes]) -> list[str | bytes]:
    """``cookie_secret`` as a list of secrets, oldest first; ``TypeError`` or ``ValueError`` if it
    is not one non-empty secret or a non-empty list of them (itsdangerous signs with the last)."""
    keys = [cookie_secret] if isinstance(cookie_secret, (str, bytes)) else list(cookie_secret)
    if not keys:
        raise ValueError("cookie_secret must be a secret or a non-empty list of secrets, oldest first")
    for secret in keys:
        if not isinstance(secret, (str, bytes)):
            raise TypeError(f"each cookie secret must be str or bytes, not {type(secret).__name__}")
        if not secret:
            raise ValueError("a cookie secret must not be empty")
    return keys


def create_app(
    daily: Any,
    *,
    cookie_secret: str | bytes | Sequence[str | bytes],
    token_storage: TokenStorage = "cookie-host",  # noqa: S107 (a mode name, not a secret)
    clock: Callable[[], float] | None = None,
    secure_cookies: bool = True,
    frame_ancestors: str = "'none'",
    max_games: int = MAX_GAMES,
    game_lifetime: int = GAME_LIFETIME,
) -> Starlette:
    """The game as a Starlette app backed by ``daily`` (a DailyClient: real Daily or the emulator).

    ``token_storage`` picks where the browser keeps the host's token: "cookie-host" (nowhere: the
    article's design), "readable-cookie" (a ``meetingToken`` cookie scripts can read, set by
    /join; it stands for the game's earlier design, which minted at /create and kept the token in
    an ``mt-<gameID>`` session cookie without HttpOnly) or "local-storage" (the page saves it in
    localStorage). ``clock`` returns unix seconds (pass the emulator's ``clock.now`` so both
    agree on time). ``frame_ancestors`` is the CSP source list of pages that may frame the game,
    e.g. ``"http://127.0.0.1:8888"`` for a notebook served there. A game lives ``game_lifetime``
    seconds, its host cookie at most ``HOST_COOKIE_LIFETIME``; ``max_games`` bounds how many
    the server keeps.

    ``cookie_secret`` may be a list of secrets, oldest first, to rotate it without making hosts
    lose their powers: new cookies are signed with the last one, and a cookie signed with any of
    them verifies. Append the new secret, and drop the old one once ``HOST_COOKIE_LIFETIME`` has
    passed (no cookie it signed is accepted after that anyway).
    """
    require_token_storage(token_storage)
    signing_secrets = cookie_secrets(cookie_secret)
    if not CSP_SOURCES.fullmatch(frame_ancestors) or ";" in frame_ancestors or "," in frame_ancestors:
        raise ValueError(
            "frame_ancestors must be CSP sources separated by spaces, such as 'none', 'self' "
            f"or http://127.0.0.1:8888, not {frame_ancestors!r}"
        )
    now = clock or time.time
    games = Games(max_games, game_lifetime, now)
    create_limit = CreateLimit(CREATE_BURST, CREATE_INTERVAL, now)
    page = resources.files(__package__).joinpath("index.html").read_text(encoding="utf-8")
    page = page.replace("{{token_storage}}", token_storage)
    page_policy = (
        f"default-src 'none'; script-src {inline_hash(page, 'script')}; "
        f"style-src {inline_hash(page, 'style')}; connect-src 'self'; form-action 'self'; "
        f"base-uri 'none'; frame-ancestors {frame_ancestors}"
    )

    def cookie_name(game_id: str) -> str:
        return host_cookie_name(game_id, secure=secure_cookies)

    def signer(game_id: str) -> Signer:
        # Salting with the cookie name binds the signature to this game.
        # itsdangerous signs with the last secret and verifies with any of them.
        return Signer(signing_secrets, salt=cookie_name(game_id), digest_method=hashlib.sha256)

    def is_host(request: Request, game: Game) -> bool:
        cookie = request.cookies.get(cookie_name(game.game_id))
        if cookie is None:
            return False
        try:
            signed_at = int(signer(game.game_id).unsign(cookie))
        except (BadSignature, ValueError):
            return False
        # The article accepts a cookie made up to 10 s after its game; this server's cookies
        # carry the creation time itself, so a slow room creation cannot push them out.
        made_with_the_game = game.created_at <= signed_at <= game.created_at + HOST_COOKIE_WINDOW
        return made_with_the_game and now() - signed_at < HOST_COOKIE_LIFETIME

    async def index(request: Request) -> Response:
        return HTMLResponse(page, headers={"Content-Security-Policy": page_policy})

    async def create(request: Request) -> Response:
        if is_cross_origin(request):
            return error(403, "only the game's own pages may create games")
        if media_type(request) not in ("", FORM_TYPE):
            return error(400, f"send the form as {FORM_TYPE}")
        body = await read_body(request)
        if isinstance(body, JSONResponse):
            return body
        form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        game_name, player_name = form.get("gameName"), form.get("playerName")
        problem = check_name("gameName", game_name) or check_name("playerName", player_name)
        if problem:
            return error(400, problem)
        # Room for the game first, so that a full server does not use up the client's allowance.
        if wait := games.wait():
            message = "the server has as many games as it can keep; try again later"
            return error(429, message, {"Retry-After": str(wait)})
        if wait := create_limit.wait(request.client.host if request.client else ""):
            message = "too many new games from your address; try again later"
            return error(429, message, {"Retry-After": str(wait)})
        created_at = int(now())
        try:
            room = await run_blocking(daily.create_room)
        except (DailyAPIError, httpx.HTTPError) as exc:
            log.warning("creating the game's room failed: %s", failure(exc))
            return error(500, "could not create the game's room")
        game_id = secrets.token_hex(6)
        games.add(Game(game_id, game_name, room["name"], room["url"], created_at))
        query = urlencode({"gameID": game_id, "playerName": player_name})
        response = RedirectResponse(f"/?{query}", status_code=303)
        response.set_cookie(
            cookie_name(game_id),
            signer(game_id).sign(str(created_at)).decode(),
            max_age=HOST_COOKIE_LIFETIME,
            path="/",
            secure=secure_cookies,
            httponly=True,
            samesite="strict",
        )
        return response

    async def join(request: Request) -> Response:
        if media_type(request) != "application/json":
            return error(400, "send a JSON body with Content-Type: application/json")
        raw = await read_body(request)
        if isinstance(raw, JSONResponse):
            return raw
        try:
            body = json.loads(raw)
        except RecursionError:
            return error(400, "the body is nested too deeply")
        except ValueError:
            return error(400, "the body is not valid JSON")
        if not isinstance(body, dict):
            return error(400, "the body must be a JSON object with gameID and playerName")
        game_id = body.get("gameID")
        if not isinstance(game_id, str) or not game_id:
            return error(400, "gameID must be a non-empty string")
        problem = check_name("playerName", body.get("playerName"))
        if problem:
            return error(400, problem)
        game = games.get(game_id)
        if game is None:
            return error(404, "no game with that gameID")
        answer: dict[str, Any] = {"roomURL": game.room_url, "gameName": game.name, "isHost": False}
        if not is_host(request, game):
            return JSONResponse(answer)
        properties = {
            "room_name": game.room_name,
            "exp": int(now()) + TOKEN_LIFETIME,
            "is_owner": True,
        }
        try:
            token = await run_blocking(daily.create_meeting_token, properties)
        except (DailyAPIError, httpx.HTTPError) as exc:
            log.warning("minting a meeting token failed: %s", failure(exc))
            return error(500, "could not create a meeting token")
        answer["isHost"] = True
        if token_storage == "readable-cookie":  # noqa: S105 (a mode name)
            response = JSONResponse(answer)
            response.set_cookie(
                "meetingToken",
                token,
                max_age=TOKEN_LIFETIME,
                path="/",
                secure=secure_cookies,
                httponly=False,
                samesite="strict",
            )
            return response
        return JSONResponse({**answer, "meetingToken": token})

    async def routing_error(request: Request, exc: HTTPException) -> Response:
        # Starlette's own 404 and 405, in the game's JSON shape (a 405 keeps its Allow header).
        return error(exc.status_code, exc.detail, exc.headers)

    headers = {
        "Content-Security-Policy": f"default-src 'none'; frame-ancestors {frame_ancestors}",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Cache-Control": "no-store",
    }
    return Starlette(
        routes=[
            Route("/", index, methods=["GET"]),
            Route("/create", create, methods=["POST"]),
            Route("/join", join, methods=["POST"]),
        ],
        middleware=[Middleware(SecurityHeaders, headers=headers)],
        exception_handlers={HTTPException: routing_error},
    )
