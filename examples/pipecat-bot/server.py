"""A pipecat bot's session server: one private room, a token for the bot, a token for each person.

``POST /sessions`` with ``{"user_name": "Ada"}`` (and, if you like, a ``room_name``) creates a
private Daily room that ends after ``SESSION_LIFETIME``, mints the bot's token and starts the bot
with it, then mints Ada's token and answers her ``{"room_url", "token"}``.
``POST /sessions/{room_name}/join`` with ``{"user_name": "Bo"}`` gives another person a token for
a running session. The rooms and tokens are made with pipecat's own ``DailyRESTHelper``
(``pipecat.transports.daily.utils``), unchanged, through the arguments that override its
defaults: pipecat's ``get_token`` makes an owner token that is not ejected at ``exp`` unless told
otherwise, and neither the bot nor a person needs an owner here.

The bot's token goes to ``start_bot`` and nowhere else: no answer carries it, and a person who
asks for a token in the bot's name is refused (403). A room name that is not Daily's shape
(``[A-Za-z0-9_-]``, at most 128 characters) is 422, an unknown session 404, an expired one 410,
and a Daily failure 502. The log names sessions, rooms and Daily's statuses, never a token or the
API key.

``app_from_environment`` builds the server from ``DAILY_API_KEY``, ``DAILY_API_URL`` and
``BOT_COMMAND`` for ``uvicorn --factory``; the README runs it against the emulator.
(No ``from __future__ import annotations``: FastAPI reads the endpoints' annotations at run time.)
"""

import asyncio
import logging
import os
import re
import shlex
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from fastapi import FastAPI, HTTPException, Response
from pipecat.transports.daily.utils import (
    DailyMeetingTokenParams,
    DailyMeetingTokenProperties,
    DailyRESTHelper,
    DailyRoomParams,
    DailyRoomProperties,
)
from pydantic import BaseModel, ConfigDict, Field

DAILY_API_URL = "https://api.daily.co/v1"
SESSION_LIFETIME = 30 * 60  # seconds: the room's exp; every token of the session ends with it
BOT_NAME = "Assistant"
# Daily's room names: letters, digits, '-' and '_', at most 128 characters (create-room).
ROOM_NAME = re.compile(r"[A-Za-z0-9_-]{1,128}")
# What a voice bot needs in the call, in Daily's permissions shape: send and hear audio only,
# and no admin rights (telephony methods would need an owner token; this bot places no calls).
BOT_PERMISSIONS: dict[str, Any] = {
    "hasPresence": True,
    "canSend": ["audio"],
    "canReceive": {"base": {"audio": True, "video": False, "screenVideo": False, "screenAudio": False}},
    "canAdmin": False,
}

StartBot = Callable[[str, str], Awaitable[None]]
"""``start_bot(room_url, bot_token)``: starts your pipecat bot in the room with its token."""

log = logging.getLogger(__name__)


class SessionRequest(BaseModel):
    """What a person sends to start a session: their name, and perhaps the room's."""

    model_config = ConfigDict(extra="forbid")
    user_name: str = Field(min_length=1, max_length=64)
    room_name: str | None = None


class JoinRequest(BaseModel):
    """What a person sends to join a running session: their name."""

    model_config = ConfigDict(extra="forbid")
    user_name: str = Field(min_length=1, max_length=64)


@dataclass(frozen=True)
class Session:
    """A room this server made for a bot: its URL and when it ends (unix seconds)."""

    room_url: str
    exp: int


def check_room_name(name: str) -> str:
    """``name`` if it is Daily's shape, else 422: pipecat's helper would put it in a URL unchecked."""
    if not ROOM_NAME.fullmatch(name):
        raise HTTPException(422, "room_name must be 1 to 128 letters, digits, '-' or '_'")
    return name


def check_person(user_name: str) -> str:
    """``user_name`` unless it is the bot's: a person never gets the bot's token (403)."""
    if user_name.strip().casefold() == BOT_NAME.casefold():
        raise HTTPException(403, "that name is the bot's: the bot's token is never handed out")
    return user_name


def create_app(
    *,
    api_key: str,
    start_bot: StartBot,
    api_url: str = DAILY_API_URL,
    clock: Callable[[], float] = time.time,
) -> FastAPI:
    """The session server on Daily's REST API at ``api_url``; ``start_bot`` receives the bot's token.

    ``clock`` says when sessions end (the emulator's clock in tests); pipecat's ``get_token``
    reads the machine's clock for ``exp`` itself.
    """
    sessions: dict[str, Session] = {}  # by room name; a database in a real app
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    def daily_failed(error: Exception, doing: str) -> HTTPException:
        # pipecat raises a bare Exception whose text carries Daily's answer: log only its status.
        status = re.search(r"status: (\d+)", str(error))
        log.warning("%s failed: Daily answered %s", doing, status.group(1) if status else "no status")
        return HTTPException(502, f"Daily could not {doing}; try again later")

    async def token(helper: DailyRESTHelper, session: Session, user_name: str, **properties: Any) -> str:
        """A non-owner token for ``session`` that ends, and ejects its holder, with the room."""
        params = DailyMeetingTokenParams(
            properties=DailyMeetingTokenProperties(user_name=user_name, **properties)
        )
        try:
            return await helper.get_token(
                session.room_url,
                expiry_time=session.exp - clock(),
                eject_at_token_exp=True,
                owner=False,
                params=params,
            )
        except Exception as error:  # pipecat's helper raises Exception for any non-200
            raise daily_failed(error, "make a meeting token") from None

    def answer(response: Response, session: Session, person_token: str) -> dict[str, str]:
        response.headers["Cache-Control"] = "no-store"  # the answer holds a token
        return {"room_url": session.room_url, "token": person_token}

    @app.post("/sessions", status_code=201)
    async def start_session(request: SessionRequest, response: Response) -> dict[str, str]:
        user_name = check_person(request.user_name)
        room_name = None if request.room_name is None else check_room_name(request.room_name)
        if room_name in sessions:
            raise HTTPException(409, "a session with that room name exists: join it instead")
        exp = int(clock()) + SESSION_LIFETIME
        properties = DailyRoomProperties(exp=exp, eject_at_room_exp=True)
        async with aiohttp.ClientSession() as http:
            helper = DailyRESTHelper(daily_api_key=api_key, daily_api_url=api_url, aiohttp_session=http)
            try:
                room = await helper.create_room(
                    DailyRoomParams(name=room_name, privacy="private", properties=properties)
                )
            except Exception as error:
                raise daily_failed(error, "make a room") from None
            session = sessions[room.name] = Session(room.url, exp)
            bot_token = await token(helper, session, BOT_NAME, permissions=BOT_PERMISSIONS)
            await start_bot(room.url, bot_token)
            log.info("started the bot for session %s", room.name)
            person_token = await token(helper, session, user_name)
        log.info("issued a person's token for session %s", room.name)
        return answer(response, session, person_token)

    @app.post("/sessions/{room_name}/join")
    async def join_session(room_name: str, request: JoinRequest, response: Response) -> dict[str, str]:
        session = sessions.get(check_room_name(room_name))
        user_name = check_person(request.user_name)
        if session is None:
            raise HTTPException(404, "no session with that room name")
        if session.exp <= clock():
            raise HTTPException(410, "the session has ended: its room has expired")
        async with aiohttp.ClientSession() as http:
            helper = DailyRESTHelper(daily_api_key=api_key, daily_api_url=api_url, aiohttp_session=http)
            person_token = await token(helper, session, user_name)
        log.info("issued a person's token for session %s", room_name)
        return answer(response, session, person_token)

    return app


def spawn_bot(command: list[str]) -> StartBot:
    """A ``start_bot`` that runs ``command`` with the room and the bot's token in its environment.

    The bot reads ``DAILY_ROOM_URL`` and ``DAILY_BOT_TOKEN`` and joins with pipecat's
    ``DailyTransport(room_url, token, bot_name, params)``. The token travels in the environment,
    not in the command line, which other users of the machine can list.
    """
    running: set[asyncio.subprocess.Process] = set()

    async def start_bot(room_url: str, bot_token: str) -> None:
        environment = {**os.environ, "DAILY_ROOM_URL": room_url, "DAILY_BOT_TOKEN": bot_token}
        process = await asyncio.create_subprocess_exec(*command, env=environment)
        running.add(process)
        asyncio.get_running_loop().create_task(process.wait()).add_done_callback(
            lambda _: running.discard(process)
        )

    return start_bot


def app_from_environment() -> FastAPI:
    """The server for ``uvicorn --factory server:app_from_environment``.

    Reads ``DAILY_API_KEY`` (required), ``DAILY_API_URL`` (Daily's by default; the emulator's
    base URL to try it offline) and ``BOT_COMMAND``, the command that runs your bot.
    """
    api_key, command = os.environ.get("DAILY_API_KEY"), os.environ.get("BOT_COMMAND")
    if not api_key or not command:
        raise SystemExit("set DAILY_API_KEY and BOT_COMMAND (see README.md)")
    url = os.environ.get("DAILY_API_URL", DAILY_API_URL)
    return create_app(api_key=api_key, api_url=url, start_bot=spawn_bot(shlex.split(command)))
