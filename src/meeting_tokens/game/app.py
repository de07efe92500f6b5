"""The article's game server in miniature: who is host lives in a signed HttpOnly cookie.

`POST /create` makes a game and its Daily room and gives the creator a host cookie `gh-<gameID>`
whose value is the creation time, signed with itsdangerous. `POST /join` mints a fresh owner
token for a player whose cookie verifies for that game; everyone else gets the room URL alone.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal
from urllib.parse import urlencode

import httpx
from itsdangerous import BadSignature, Signer
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from meeting_tokens.errors import DailyAPIError
from meeting_tokens.runtime import run_blocking

TokenStorage = Literal["cookie-host", "readable-cookie", "local-storage"]
TOKEN_STORAGES: tuple[str, ...] = ("cookie-host", "readable-cookie", "local-storage")
NAME_PATTERN = re.compile(r"[\w '-]{1,40}")  # \w: Unicode letters, digits and "_"
NAME_RULE = "1 to 40 characters: letters, digits, spaces, '-', '_' or an apostrophe"
HOST_COOKIE_WINDOW = 10  # seconds between game creation and host cookie, as in the article
TOKEN_LIFETIME = 86400  # the owner token's exp is one day after minting
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Game:
    """A game as the server remembers it: its room and when it was created (unix seconds)."""

    game_id: str
    name: str
    room_name: str
    room_url: str
    created_at: int


def host_cookie_name(game_id: str) -> str:
    """The name of the cookie that makes its holder host of `game_id`."""
    return f"gh-{game_id}"


def error(status_code: int, message: str) -> JSONResponse:
    """A JSON error that says what the caller did wrong and nothing about the server."""
    return JSONResponse({"error": message}, status_code=status_code)


def check_name(field: str, value: Any) -> str | None:
    """The problem with a game or player name, or None when it is acceptable."""
    if not isinstance(value, str) or not NAME_PATTERN.fullmatch(value):
        return f"{field} must be {NAME_RULE}"
    return None


def create_app(
    daily: Any,
    *,
    cookie_secret: str | bytes,
    token_storage: TokenStorage = "cookie-host",  # noqa: S107 (a mode name, not a secret)
    clock: Callable[[], float] | None = None,
    secure_cookies: bool = True,
) -> Starlette:
    """The game as a Starlette app backed by `daily` (a DailyClient: real Daily or the emulator).

    `token_storage` picks where the browser keeps the host's token: "cookie-host" (nowhere: the
    article's design), "readable-cookie" (a `meetingToken` cookie scripts can read, like the
    game's earlier design, here set by /join) or "local-storage" (the page saves it in localStorage).
    `clock` returns unix seconds (pass the emulator's `clock.now` so both agree on time).
    """
    if token_storage not in TOKEN_STORAGES:
        raise ValueError(f"token_storage must be one of {TOKEN_STORAGES}, not {token_storage!r}")
    now = clock or time.time
    games: dict[str, Game] = {}
    page = resources.files(__package__).joinpath("index.html").read_text(encoding="utf-8")
    page = page.replace("{{token_storage}}", token_storage)

    def signer(game_id: str) -> Signer:
        # Salting with the cookie name binds the signature to this game.
        return Signer(cookie_secret, salt=host_cookie_name(game_id), digest_method=hashlib.sha256)

    def is_host(request: Request, game: Game) -> bool:
        cookie = request.cookies.get(host_cookie_name(game.game_id))
        if cookie is None:
            return False
        try:
            signed_at = int(signer(game.game_id).unsign(cookie))
        except (BadSignature, ValueError):
            return False
        # The article accepts a cookie made up to 10 s after its game; this server's cookies
        # carry the creation time itself, so a slow room creation cannot push them out.
        return game.created_at <= signed_at <= game.created_at + HOST_COOKIE_WINDOW

    async def index(request: Request) -> Response:
        return HTMLResponse(page, headers={"Cache-Control": "no-store"})

    async def create(request: Request) -> Response:
        form = await request.form()
        game_name, player_name = form.get("gameName"), form.get("playerName")
        problem = check_name("gameName", game_name) or check_name("playerName", player_name)
        if problem:
            return error(400, problem)
        created_at = int(now())
        try:
            room = await run_blocking(daily.create_room)
        except (DailyAPIError, httpx.HTTPError) as exc:
            log.warning("creating the game's room failed: %s", exc)
            return error(500, "could not create the game's room")
        game_id = secrets.token_hex(6)
        games[game_id] = Game(game_id, game_name, room["name"], room["url"], created_at)
        query = urlencode({"gameID": game_id, "playerName": player_name})
        response = RedirectResponse(f"/?{query}", status_code=303)
        response.set_cookie(
            host_cookie_name(game_id),
            signer(game_id).sign(str(created_at)).decode(),
            path="/",
            secure=secure_cookies,
            httponly=True,
            samesite="strict",
        )
        return response

    async def join(request: Request) -> Response:
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            return error(400, "send a JSON body with Content-Type: application/json")
        try:
            body = json.loads(await request.body())
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
            log.warning("minting a meeting token failed: %s", exc)
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

    return Starlette(
        routes=[
            Route("/", index, methods=["GET"]),
            Route("/create", create, methods=["POST"]),
            Route("/join", join, methods=["POST"]),
        ]
    )
