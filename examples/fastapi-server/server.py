"""Meeting tokens in your own app: a FastAPI server that hands a signed-in user a room and a token.

``POST /meetings`` makes a private Daily room for the signed-in user and marks them its host with
a signed HttpOnly ``__Host-`` cookie; ``POST /meetings/{room_name}/token`` answers
``{"room_url", "token"}`` for that room, an owner token for its host and a guest token for any
other signed-in user. The token is minted through Daily's REST API (``DailyClient``) or, given the
API key and the domain id, self-signed (``self_sign``). Refusals are 4xx with FastAPI's
``{"detail": ...}`` (502 when Daily fails); the log names users, rooms and Daily's error types,
never a token, a cookie or the key.

Sessions stand in for your login: ``session_cookie`` makes the cookie your sign-in would set.
(No ``from __future__ import annotations``: FastAPI reads the endpoints' annotations at run time,
and they name ``current_user``, which lives inside ``create_app``.)
"""

import hashlib
import logging
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Request, Response
from itsdangerous import BadSignature, Signer, URLSafeTimedSerializer

from meeting_tokens import DailyAPIError, DailyClient, self_sign

SESSION_COOKIE = "__Host-session"
SESSION_LIFETIME = 8 * 3600  # seconds a sign-in lasts
MEETING_LIFETIME = 2 * 3600  # the room's exp; tokens never outlive their room

log = logging.getLogger(__name__)


def host_cookie_name(room_name: str) -> str:
    """The cookie that marks its holder host of ``room_name``."""
    return f"__Host-host-{room_name}"


def session_cookie(secret: str, user_id: str, name: str) -> str:
    """The value of the session cookie your sign-in sets for this user (signed and timed)."""
    return URLSafeTimedSerializer(secret, salt=SESSION_COOKIE).dumps({"user_id": user_id, "name": name})


@dataclass(frozen=True)
class User:
    user_id: str
    name: str


@dataclass(frozen=True, repr=False)
class SelfSigning:
    """What self-signing needs: the domain's API key (never shown) and its ``domain_id``."""

    api_key: str
    domain_id: str

    def __repr__(self) -> str:
        return f"SelfSigning(api_key='***', domain_id={self.domain_id!r})"


@dataclass(frozen=True)
class Meeting:
    """A room this server made: its URL and when it ends (unix seconds, the room's ``exp``)."""

    room_url: str
    exp: int


def create_app(
    daily: DailyClient,
    *,
    session_secret: str,
    host_secret: str | list[str],
    self_signing: SelfSigning | None = None,
) -> FastAPI:
    """The server, backed by ``daily``; with ``self_signing`` its tokens are signed locally.

    ``host_secret`` may be a list, oldest first, to rotate it: host cookies are signed with the
    last secret and verified with any of them.
    """
    sessions = URLSafeTimedSerializer(session_secret, salt=SESSION_COOKIE)
    meetings: dict[str, Meeting] = {}  # by room name; a database in a real app
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    def host_signer(room_name: str) -> Signer:
        # Salted with the cookie's name: a host cookie of one room says nothing about another.
        return Signer(host_secret, salt=host_cookie_name(room_name), digest_method=hashlib.sha256)

    def current_user(request: Request) -> User:
        cookie = request.cookies.get(SESSION_COOKIE)
        if cookie is None:
            raise HTTPException(401, "sign in first: there is no session cookie")
        try:
            data = sessions.loads(cookie, max_age=SESSION_LIFETIME)
        except BadSignature:
            log.warning("refused a session cookie that does not verify")
            raise HTTPException(401, "the session is not valid or has expired; sign in again") from None
        return User(data["user_id"], data["name"])

    def is_host(request: Request, room_name: str, user: User) -> bool:
        """Whether the request carries this room's host cookie for this user; 403 if it is forged."""
        cookie = request.cookies.get(host_cookie_name(room_name))
        if cookie is None:
            return False
        try:
            holder = host_signer(room_name).unsign(cookie).decode()
        except BadSignature:
            log.warning("refused a host cookie that does not verify, for meeting %s", room_name)
            raise HTTPException(403, "the host cookie does not verify for this meeting") from None
        if holder != user.user_id:
            log.warning("refused a host cookie of another user, for meeting %s", room_name)
            raise HTTPException(403, "the host cookie belongs to another user")
        return True

    def daily_failed(exc: DailyAPIError, doing: str) -> HTTPException:
        # Daily's status and error type only: its info text is not ours to pass on.
        log.warning("%s failed: Daily answered %s %s", doing, exc.status_code, exc.error)
        return HTTPException(502, f"Daily could not {doing}; try again later")

    def meeting_token(room_name: str, user: User, owner: bool, exp: int) -> str:
        properties: dict[str, Any] = {
            "user_id": user.user_id,
            "user_name": user.name,
            "is_owner": owner,
            "eject_at_token_exp": True,
        }
        now = int(daily.now())
        if self_signing is not None:
            return self_sign(
                self_signing.api_key, room_name=room_name, domain_id=self_signing.domain_id,
                expires_in=exp - now, now=now, **properties,
            )  # fmt: skip
        try:
            return daily.create_meeting_token({"room_name": room_name, "exp": exp, **properties})
        except DailyAPIError as exc:
            raise daily_failed(exc, "make a meeting token") from None

    @app.post("/meetings", status_code=201)
    def create_meeting(response: Response, user: Annotated[User, Depends(current_user)]) -> dict[str, str]:
        exp = int(daily.now()) + MEETING_LIFETIME
        try:
            room = daily.create_room(privacy="private", properties={"exp": exp, "eject_at_room_exp": True})
        except DailyAPIError as exc:
            raise daily_failed(exc, "make a room") from None
        meetings[room["name"]] = Meeting(room["url"], exp)
        response.set_cookie(
            host_cookie_name(room["name"]),
            host_signer(room["name"]).sign(user.user_id).decode(),
            max_age=MEETING_LIFETIME,
            path="/",
            secure=True,
            httponly=True,
            samesite="strict",
        )
        log.info("user %s created meeting %s", user.user_id, room["name"])
        return {"room_name": room["name"], "room_url": room["url"]}

    @app.post("/meetings/{room_name}/token")
    def join_meeting(
        room_name: str, request: Request, response: Response, user: Annotated[User, Depends(current_user)]
    ) -> dict[str, str]:
        meeting = meetings.get(room_name)
        if meeting is None:
            raise HTTPException(404, "no meeting with that name")
        if meeting.exp <= daily.now():
            raise HTTPException(410, "the meeting has ended")
        owner = is_host(request, room_name, user)
        token = meeting_token(room_name, user, owner, meeting.exp)  # ends with its room
        response.headers["Cache-Control"] = "no-store"  # the answer holds a token
        log.info(
            "issued a %s token for meeting %s to user %s",
            "host" if owner else "guest",
            room_name,
            user.user_id,
        )
        return {"room_url": meeting.room_url, "token": token}

    return app
