"""Meeting tokens in your own app: a FastAPI server that hands a signed-in user a room and a token.

``POST /meetings`` makes a private Daily room for the signed-in user and marks them its host in
one signed HttpOnly ``__Host-`` cookie; ``POST /meetings/{room_name}/token`` answers
``{"room_url", "token"}`` for that room, an owner token for its host and a guest token for any
other signed-in user. The token is minted through Daily's REST API (``AsyncDailyClient``) or,
given the API key and the domain id, self-signed (``self_sign``). Refusals are 4xx with
FastAPI's ``{"detail": ...}`` (429 with ``Retry-After`` when a user goes too fast, 502 when Daily
fails); the log names users, rooms and Daily's error types, never a token, a cookie or the key.

What it protects against, each with a test in test_server.py: requests that another site's page
makes the browser send (CSRF), short secrets, one user spending the domain's Daily rate limit,
a slow or broken Daily, cookies that grow without end, an old host cookie meeting a new room,
and answers without the usual security headers. README.md lists what it leaves to your framework.

Sessions stand in for your login: ``session_cookie`` makes the cookie your sign-in would set.
(No ``from __future__ import annotations``: FastAPI reads the endpoints' annotations at run time,
and they name ``current_user``, which lives inside ``create_app``.)
"""

import asyncio
import logging
import math
import os
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

import httpx
from fastapi import Depends, FastAPI, HTTPException, Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from meeting_tokens import AsyncDailyClient, DailyAPIError, self_sign

SESSION_COOKIE = "__Host-session"
HOST_COOKIE = "__Host-hosting"  # the meetings its holder hosts, signed
SESSION_LIFETIME = 8 * 3600  # seconds a sign-in lasts
MEETING_LIFETIME = 2 * 3600  # the room's exp; tokens never outlive their room
MIN_SECRET_BYTES = 32  # as many random bytes as the HMAC's SHA-256 output
MAX_HOSTED = 10  # meetings one host cookie names: it stays under 1 KB however many a user makes
MAX_MEETINGS = 1000  # meetings the server keeps at once; ended ones are pruned first
MEETINGS_PER_USER = (5, 60)  # a user may make 5 meetings at once, then one every 60 s
TOKENS_PER_USER = (10, 6)  # and ask for 10 tokens at once, then one every 6 s
MAX_USERS = 10_000  # users the limits remember before forgetting those back at a full allowance
DAILY_DEADLINE = 10.0  # seconds all calls to Daily for one request may take, retries included
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",  # no browser reads a JSON answer as a script or page
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",  # nor runs or frames it
    "Referrer-Policy": "no-referrer",
}

log = logging.getLogger(__name__)
T = TypeVar("T")


def session_cookie(secret: str, user_id: str, name: str) -> str:
    """The value of the session cookie your sign-in sets for this user (signed and timed)."""
    return URLSafeTimedSerializer(secret, salt=SESSION_COOKIE).dumps({"user_id": user_id, "name": name})


def require_secret(name: str, secret: str | bytes) -> None:
    """Raise ``ValueError`` unless ``secret`` has at least ``MIN_SECRET_BYTES`` bytes (never shown)."""
    size = len(secret.encode() if isinstance(secret, str) else secret)
    if size < MIN_SECRET_BYTES:
        raise ValueError(
            f"{name} has {size} bytes; use at least {MIN_SECRET_BYTES} random ones, "
            "such as python -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )


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
    """A room this server made: its URL, Daily's id for it and when it ends (the room's ``exp``).

    The id and the end tell this room from an earlier one of the same name.
    """

    room_url: str
    room_id: str
    exp: int


class RateLimit:
    """Per user: up to ``burst`` requests at once, then one every ``interval`` seconds.

    A token bucket kept as one number per user: the time until which their allowance is spent.
    """

    def __init__(self, burst: int, interval: int, clock: Callable[[], float]) -> None:
        self.burst, self.interval, self.clock = burst, interval, clock
        self.busy_until: dict[str, float] = {}

    def wait(self, user_id: str) -> int:
        """Seconds before ``user_id`` may go on; 0 means now, and counts the request."""
        now = self.clock()
        busy_until = max(self.busy_until.get(user_id, now), now) + self.interval
        too_far_ahead = busy_until - now - self.burst * self.interval
        if too_far_ahead > 0:
            return math.ceil(too_far_ahead)
        self.busy_until[user_id] = busy_until
        if len(self.busy_until) > MAX_USERS:  # forget users whose allowance is full again
            self.busy_until = {user: until for user, until in self.busy_until.items() if until > now}
        return 0


def create_app(
    daily: AsyncDailyClient,
    *,
    session_secret: str,
    host_secret: str | list[str],
    self_signing: SelfSigning | None = None,
    daily_deadline: float = DAILY_DEADLINE,
    max_meetings: int = MAX_MEETINGS,
) -> FastAPI:
    """The server, backed by ``daily``; with ``self_signing`` its tokens are signed locally.

    ``host_secret`` may be a list, oldest first, to rotate it: host cookies are signed with the
    last secret and verified with any of them. Each secret needs ``MIN_SECRET_BYTES`` bytes.
    """
    host_secrets = [host_secret] if isinstance(host_secret, str) else list(host_secret)
    if not host_secrets:
        raise ValueError("host_secret must be a secret or a non-empty list of secrets, oldest first")
    require_secret("session_secret", session_secret)
    for secret in host_secrets:
        require_secret("host_secret", secret)
    sessions = URLSafeTimedSerializer(session_secret, salt=SESSION_COOKIE)
    host_cookies = URLSafeTimedSerializer(host_secrets, salt=HOST_COOKIE)
    meetings: dict[str, Meeting] = {}  # by room name, oldest first; a database in a real app
    meeting_limit = RateLimit(*MEETINGS_PER_USER, daily.now)
    token_limit = RateLimit(*TOKENS_PER_USER, daily.now)
    # redirect_slashes=False: FastAPI would answer /meetings/ with a redirect built from the
    # request's Host header, which the client chooses.
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None, redirect_slashes=False)

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    def same_origin(request: Request) -> None:
        """Refuse a request that another site's page made the browser send (CSRF): 403.

        ``Sec-Fetch-Site``, set by browsers and not by scripts, decides when present; otherwise
        ``Origin``, scheme included, must be this server's. A request with neither comes from a
        client that is not a browser, which carries no one else's cookies, so it passes.
        """
        fetch_site = request.headers.get("sec-fetch-site")
        if fetch_site is not None:
            cross_site = fetch_site not in ("same-origin", "none")
        else:
            origin = request.headers.get("origin")
            this_origin = f"{request.url.scheme}://{request.headers.get('host')}"
            cross_site = origin is not None and origin != this_origin  # "null" never matches
        if cross_site:
            log.warning("refused a request from another origin to %s", request.url.path)
            raise HTTPException(403, "only this site's own pages may do that")

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

    def slow_down(limit: RateLimit, user: User, doing: str) -> None:
        if wait := limit.wait(user.user_id):
            log.warning("user %s is %s too fast", user.user_id, doing)
            raise HTTPException(429, f"too many requests; try again in {wait} s", {"Retry-After": str(wait)})

    def hosted_by(request: Request, user: User) -> list[list[Any]]:
        """The ``[room_name, room_id, exp]`` of the meetings the host cookie gives this user;
        403 if it is forged or another user's."""
        cookie = request.cookies.get(HOST_COOKIE)
        if cookie is None:
            return []
        try:
            data = host_cookies.loads(cookie, max_age=MEETING_LIFETIME)
        except BadSignature:
            log.warning("refused a host cookie that does not verify")
            raise HTTPException(403, "the host cookie does not verify") from None
        if data["user_id"] != user.user_id:
            log.warning("refused a host cookie of another user")
            raise HTTPException(403, "the host cookie belongs to another user")
        return data["meetings"]

    def is_host(request: Request, room_name: str, meeting: Meeting, user: User) -> bool:
        # This room, this instance of it: an old cookie for a room of the same name fails here.
        return [room_name, meeting.room_id, meeting.exp] in hosted_by(request, user)

    async def call_daily(doing: str, call: Awaitable[T]) -> T:
        """``call``'s answer, or a 502 if Daily refuses, cannot be reached or takes too long.

        The deadline covers the client's retries too: a Daily that asks to wait 30 s three times
        would otherwise hold the request for 90 s.
        """
        try:
            async with asyncio.timeout(daily_deadline):
                return await call
        except DailyAPIError as exc:
            # Daily's status and error type only: its info text is not ours to pass on.
            log.warning("%s failed: Daily answered %s %s", doing, exc.status_code, exc.error)
        except (httpx.HTTPError, TimeoutError) as exc:
            # The type only: an httpx error's text can quote the request, API key and all.
            log.warning("%s failed: %s", doing, type(exc).__name__)
        raise HTTPException(502, f"Daily could not {doing}; try again later")

    def malformed(doing: str) -> HTTPException:
        log.warning("%s failed: Daily's answer lacks a field", doing)
        return HTTPException(502, f"Daily could not {doing}; try again later")

    async def meeting_token(room_name: str, user: User, owner: bool, exp: int) -> str:
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
        doing = "make a meeting token"
        token = await call_daily(
            doing, daily.create_meeting_token({"room_name": room_name, "exp": exp, **properties})
        )
        if not isinstance(token, str):
            raise malformed(doing)
        return token

    def room_for_one_more() -> None:
        """Forget ended meetings; 429 if the server still keeps ``max_meetings``."""
        now = daily.now()
        for room_name in [name for name, meeting in meetings.items() if meeting.exp <= now]:
            del meetings[room_name]
        if len(meetings) >= max_meetings:
            wait = math.ceil(min(meeting.exp for meeting in meetings.values()) - now)
            raise HTTPException(
                429, "the server has as many meetings as it can keep", {"Retry-After": str(wait)}
            )

    @app.post("/meetings", status_code=201, dependencies=[Depends(same_origin)])
    async def create_meeting(
        request: Request, response: Response, user: Annotated[User, Depends(current_user)]
    ) -> dict[str, str]:
        hosted = hosted_by(request, user)  # before Daily makes a room: a forged cookie costs none
        room_for_one_more()
        slow_down(meeting_limit, user, "making meetings")
        exp = int(daily.now()) + MEETING_LIFETIME
        doing = "make a room"
        room = await call_daily(
            doing, daily.create_room(privacy="private", properties={"exp": exp, "eject_at_room_exp": True})
        )
        if not all(isinstance(room.get(field), str) for field in ("id", "name", "url")):
            raise malformed(doing)
        meetings[room["name"]] = Meeting(room["url"], room["id"], exp)
        # One cookie for all the user's meetings, the newest MAX_HOSTED of those still running.
        still_running = [entry for entry in hosted if entry[2] > daily.now()]
        hosted = [*still_running, [room["name"], room["id"], exp]][-MAX_HOSTED:]
        response.set_cookie(
            HOST_COOKIE,
            host_cookies.dumps({"user_id": user.user_id, "meetings": hosted}),
            max_age=MEETING_LIFETIME,
            path="/",
            secure=True,
            httponly=True,
            samesite="strict",
        )
        log.info("user %s created meeting %s", user.user_id, room["name"])
        return {"room_name": room["name"], "room_url": room["url"]}

    @app.post("/meetings/{room_name}/token", dependencies=[Depends(same_origin)])
    async def join_meeting(
        room_name: str, request: Request, response: Response, user: Annotated[User, Depends(current_user)]
    ) -> dict[str, str]:
        meeting = meetings.get(room_name)
        if meeting is None:
            raise HTTPException(404, "no meeting with that name")
        if meeting.exp <= daily.now():
            raise HTTPException(410, "the meeting has ended")
        owner = is_host(request, room_name, meeting, user)
        slow_down(token_limit, user, "asking for tokens")
        token = await meeting_token(room_name, user, owner, meeting.exp)  # ends with its room
        response.headers["Cache-Control"] = "no-store"  # the answer holds a token
        log.info(
            "issued a %s token for meeting %s to user %s",
            "host" if owner else "guest",
            room_name,
            user.user_id,
        )
        return {"room_url": meeting.room_url, "token": token}

    return app


def from_environment(environ: Mapping[str, str] = os.environ) -> FastAPI:
    """The server with its secrets read from the environment: ``DAILY_API_KEY``,
    ``SESSION_SECRET`` and ``HOST_SECRET`` (several, oldest first, separated by spaces, to
    rotate it); with ``DAILY_DOMAIN_ID`` set too, tokens are self-signed.

    Serve it with ``uvicorn --factory server:from_environment``.
    """
    missing = [name for name in ("DAILY_API_KEY", "SESSION_SECRET", "HOST_SECRET") if not environ.get(name)]
    if missing:
        raise ValueError(f"set {', '.join(missing)} in the environment")
    domain_id = environ.get("DAILY_DOMAIN_ID")
    return create_app(
        AsyncDailyClient(environ["DAILY_API_KEY"]),
        session_secret=environ["SESSION_SECRET"],
        host_secret=environ["HOST_SECRET"].split(),
        self_signing=SelfSigning(environ["DAILY_API_KEY"], domain_id) if domain_id else None,
    )
