"""Daily's REST API in-process: ``DailyEmulator``, an httpx transport with its own clock.

One handler, ``DailyEmulator.handle(request) -> response``, holds all the behaviour; ``.transport``
hands it to ``httpx.Client`` and ``httpx.AsyncClient`` alike, and ``meeting_tokens.api.serve`` hands
it to uvicorn. Paths are Daily's, under ``/v1`` (https://docs.daily.co/reference/rest-api):
``GET /``, ``POST /meeting-tokens``, ``GET /meeting-tokens/{token}``, ``GET /rooms``, ``POST /rooms``,
``GET /rooms/{name}``, ``POST /rooms/{name}``, ``DELETE /rooms/{name}``. The host part of the URL
is ignored, so clients keep Daily's base URL; trailing slashes are ignored. ``.join(room, token)``
answers what Daily would decide when someone joins (``meeting_tokens.api.admission``, a model of
the documented rules).

What the emulator takes from Daily's documentation (sources in ``../shared/daily-api.md`` and the
book's references page): the error body ``{"error", "info"}`` and its types; 400
``authorization-header-error`` and 401 ``authentication-error``; the meeting-token properties,
their short claims and the permissions abbreviations (self-signing guide); self-signed tokens
that need ``r``, ``iat`` and ``d`` and die with the key that signed them; validation for one's own
domain only, with ``ignoreNbf``; 20 requests per second and 100 per 5 seconds; rooms: names of
``A-Za-z0-9_-`` up to 128 characters, a made-up name when none is given, public by default,
``GET /rooms`` newest first with ``total_count`` and at most 100 per page, ``DELETE`` answering
``{"name", "deleted": true}``; room property names and types from Daily's OpenAPI spec
(daily-ruby ``docs/RoomProperties.md``, commit 287e077) plus ``sip`` and ``enable_dialout`` (Daily's
dial-in/dial-out guides), with ``exp`` and ``nbf`` taking any number, as Daily's own Python
framework (pipecat) sends them. That a REST-minted token outlives a key rotation is the article's
statement ("Obtaining, handling, and validating meeting tokens"), not Daily's docs.

Assumptions
-----------
Daily does not document these; the emulator picks an answer, and the book marks each one with
the same name on its "Assumptions" page (``tests/test_assumptions.py`` holds the two lists equal).

- ``rest-signing-key``: a REST-minted token is signed with a secret only the emulator knows, so
  only ``GET /meeting-tokens/{token}`` can vouch for it. Which key Daily uses is not documented.
- ``refusal-body``: a rejected token at ``GET /meeting-tokens/{token}`` gets 400
  ``invalid-request-error`` (the docs show "400 bad request" without a body); its ``info`` names
  the reason category, e.g. ``meeting token is not valid (expired)``, in this package's words.
- ``validated-properties``: a valid token's properties come back under their long names, without
  ``domain_id`` and ``iat`` and without defaults for unset properties, so a token minted from
  ``{}`` validates to ``{}``.
- ``past-exp-wording``: an ``exp`` in the past is refused with info ``exp was '<value>', which is
  in the past rather than in the future``, the wording Daily has been seen to send.
- ``wrong-method``: a wrong method on a known path gets 405 ``invalid-request-error`` with an
  ``Allow`` header.
- ``retired-key``: a retired key gets the same 401 as an unknown key, and every 401 carries an
  ``info`` text (Daily has been seen answering ``{"error": "authentication-error"}`` alone).
- ``check-order``: authentication comes first (before the path is even looked at), then the rate
  limit, then routing; only authenticated requests count towards the limit, refused (429) ones
  do not.
- ``rate-windows``: the windows slide (any 1 s, any 5 s), and ``Retry-After`` is whole seconds.
- ``body-rules``: an empty body counts as ``{}``; a body that is JSON but not an object, or has
  fields other than the documented ones, is 400 ``invalid-request-error``; ``NaN`` and
  ``Infinity`` are not JSON, nor is a ``\\u`` escape of a lone surrogate (it has no UTF-8);
  the ``Content-Type`` header is not checked. A body over ``MAX_BODY_BYTES`` (1 MiB) is 413
  ``invalid-request-error``, and an ``info`` never runs past ``MAX_INFO_LENGTH`` characters.
- ``joined-problems``: problems with properties are all listed in one ``info``, joined by "; ",
  each naming the property.
- ``room-properties``: an unknown room property name is refused, naming it; ``null`` in an update
  removes a property (documented for ``sip`` only); nested values are kept as given, unchecked.
- ``room-paging``: ``starting_after`` and ``ending_before`` count in list order (newest first),
  so ``starting_after=<last id of a page>`` gives the next page; an unknown id or a ``limit``
  outside 1 to 100 is 400 ``invalid-request-error``.
- ``room-limit``: at most ``MAX_ROOMS`` rooms, then 400 ``invalid-request-error``; the wording for
  a name already taken is this package's.
- ``domain-config``: the domain's ``config`` is a small placeholder, not Daily's full list.
- ``can-admin-claim``: inside ``p``, ``canAdmin`` keeps its long name and list; the copy of the
  self-signing guide this project could read stops before its abbreviation.
- ``custom-media-claim``: ``customVideo`` and ``customAudio``, which the guide gives no letter for,
  are written by their long names in ``cs`` (``self_sign`` refuses them); ``canReceive`` keys
  other than ``base`` are kept as given.
- ``undocumented-claims``: ``enable_prejoin_ui``, ``enable_live_captions_ui`` and
  ``enable_terse_logging``, whose short claims are not documented, keep their long names.
- ``join-refusals``: a token that is invalid, expired, not yet valid or for another room refuses
  the join even in a public room; with no permissions in the token or the room, a participant
  may send and receive everything and administer nothing.
- ``future-iat``: a token whose ``iat`` is ahead of the emulator's clock is refused as not yet
  valid, with no leeway, as the package's validator treats it; how far ahead Daily tolerates an
  ``iat`` (a server clock running fast) is not documented.
"""

from __future__ import annotations

import hmac
import json
import math
import re
import secrets
import string
import threading
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

import httpx
import jwt

from meeting_tokens.api.admission import Admission, admit
from meeting_tokens.api.client import AsyncDailyClient, DailyClient
from meeting_tokens.core.claims import check_properties, is_integer, to_claims, to_properties
from meeting_tokens.core.clock import Clock
from meeting_tokens.core.jwt_parts import reject_json_constant
from meeting_tokens.core.validation import validate_token

DEMO_API_KEY = "demo-key-FAKE-not-a-real-daily-key-0000"
DEMO_DOMAIN_ID = "7f3c9a52-1d4e-4b8a-9c6f-2e5d8b1a0c93"
DEMO_DOMAIN_NAME = "hands-on-demo"
API_PREFIX = "/v1"
RATE_LIMITS = ((20, 1.0), (100, 5.0))  # (requests, seconds): Daily's documented limits
ROOM_NAME = re.compile(r"[A-Za-z0-9_-]{1,128}")
LOG_SIZE = 10_000  # the request log keeps the most recent calls only
MAX_BODY_BYTES = 1024 * 1024  # a request body larger than this is refused unread (413)
MAX_INFO_LENGTH = 2000  # characters of an error's info: a refusal never echoes a whole body
MAX_ROOMS = 10_000  # a bound on memory; Daily documents no limit on rooms per domain


@dataclass(frozen=True)
class RequestRecord:
    """One call the emulator answered, as a notebook shows it: no key, token shortened."""

    method: str
    path: str
    status: int
    error: str | None


class _Refusal(Exception):
    """An error answer on its way out: Daily's status, error type and info."""

    def __init__(self, status: int, error: str, info: str, headers: dict[str, str] | None = None):
        super().__init__(info)
        self.status, self.error, self.info, self.headers = status, error, info, headers or {}


class RateLimiter:
    """Sliding windows: a request is admitted while every window has room for it."""

    def __init__(self, windows: tuple[tuple[int, float], ...] = RATE_LIMITS) -> None:
        self.windows = windows
        self._admitted: deque[float] = deque()

    def admit(self, now: float) -> float | None:
        """Count a request at `now`: None if admitted, else the seconds until it would be."""
        longest = max(seconds for _, seconds in self.windows)
        self._admitted = deque(t for t in self._admitted if t > now - longest)
        waits = []
        for limit, seconds in self.windows:
            recent = sorted(t for t in self._admitted if t > now - seconds)
            if len(recent) >= limit:
                waits.append(recent[-limit] + seconds - now)
        if waits:
            return max(waits)
        self._admitted.append(now)
        return None


_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")  # how a surrogate gets into JSON text
_SURROGATE = re.compile("[\ud800-\udfff]")


def _has_lone_surrogate(value: Any) -> bool:
    """A string anywhere in ``value`` holds a surrogate that no pair completed: it has no UTF-8."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            pending += item.keys()
            pending += item.values()
        elif isinstance(item, list):
            pending += item
    return False


def _json_body(request: httpx.Request, fields: tuple[str, ...]) -> dict[str, Any]:
    """The request's JSON object (``{}`` when empty), with only the documented ``fields``."""
    if len(request.content) > MAX_BODY_BYTES:
        raise _Refusal(413, "invalid-request-error", f"the request body is over {MAX_BODY_BYTES} bytes")
    if not request.content.strip():
        return {}
    try:
        body = json.loads(request.content, parse_constant=reject_json_constant)
    except (ValueError, RecursionError):
        raise _Refusal(400, "json-parsing-error", "the request body is not valid JSON") from None
    if _SURROGATE_ESCAPE.search(request.content) and _has_lone_surrogate(body):
        raise _Refusal(400, "json-parsing-error", "the request body is not valid JSON (a lone surrogate)")
    if not isinstance(body, dict):
        raise _Refusal(400, "invalid-request-error", "the request body must be a JSON object")
    if unknown := [name for name in body if name not in fields]:
        shown = ", ".join(repr(_short(name, 40)) for name in unknown[:5])
        more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
        expected = ", ".join(fields)
        raise _Refusal(400, "invalid-request-error", f"unknown fields [{shown}]{more}; expected {expected}")
    return body


def _past_exp(properties: Any, now: float) -> list[str]:
    """An ``exp`` that has already passed, in the wording Daily has been seen to use."""
    exp = properties.get("exp") if isinstance(properties, dict) else None
    if _number(exp) and exp <= now:
        shown = exp if abs(exp) < 10**30 else "a number of more than 30 digits"
        return [f"exp was '{shown}', which is in the past rather than in the future"]
    return []


def _number(value: Any) -> bool:
    return math.isfinite(value) if isinstance(value, float) else is_integer(value)


# Room properties and what each must be. The names and types are those of Daily's OpenAPI spec
# (daily-ruby docs/RoomProperties.md at commit 287e077), plus `sip`, `sip_uri` (read-only in
# Daily's answers, but pipecat's room model may echo it) and `enable_dialout` from Daily's
# dial-in/dial-out guide. `exp` and `nbf` take any number: Daily's own Python framework
# (pipecat) sends a float `exp` and real Daily accepts it.
ROOM_PROPERTY_KINDS: dict[str, str] = {
    "nbf": "number", "exp": "number", "max_participants": "integer", "eject_after_elapsed": "integer",
    "sfu_switchover": "number",
    "enable_recording": "string", "lang": "string", "meeting_join_hook": "string", "geo": "string",
    "rtmp_geo": "string", "recordings_template": "string",
    "auto_transcription_settings": "object", "recordings_bucket": "object",
    "transcription_bucket": "object", "sip": "object", "sip_uri": "object", "streaming_endpoints": "list",
    "permissions": "permissions",
    **dict.fromkeys((
        "enable_people_ui", "enable_pip_ui", "enable_emoji_reactions", "enable_hand_raising",
        "enable_prejoin_ui", "enable_live_captions_ui", "enable_network_ui",
        "enable_noise_cancellation_ui", "enable_breakout_rooms", "enable_knocking",
        "enable_screenshare", "enable_video_processing_ui", "enable_chat",
        "enable_shared_chat_history", "start_video_off", "start_audio_off", "owner_only_broadcast",
        "eject_at_room_exp", "enable_advanced_chat", "enable_hidden_participants", "enable_mesh_sfu",
        "enable_adaptive_simulcast", "enable_multiparty_adaptive_simulcast",
        "enforce_unique_user_ids", "experimental_optimize_large_calls", "disable_rtmp_geo_fallback",
        "enable_terse_logging", "enable_transcription_storage", "enable_dialout",
    ), "boolean"),
}  # fmt: skip
_ROOM_KIND_CHECKS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "number": (_number, "must be a number of seconds"),
    "integer": (is_integer, "must be an integer"),
    "boolean": (lambda v: isinstance(v, bool), "must be true or false"),
    "string": (lambda v: isinstance(v, str), "must be a string"),
    "object": (lambda v: isinstance(v, dict), "must be an object"),
    "list": (lambda v: isinstance(v, list), "must be a list"),
}


def _room_property_problems(properties: Any, *, updating: bool = False) -> list[str]:
    """Every problem with room ``properties``: unknown names, wrong types (nested values kept)."""
    if not isinstance(properties, dict):
        return ["properties must be an object"]
    problems = []
    for name, value in properties.items():
        kind = ROOM_PROPERTY_KINDS.get(name)
        if kind is None:
            problems.append(f"properties.{_short(str(name), 60)} is not a room property")
        elif value is None and updating:
            continue  # null clears a property (Daily's SIP guide: "set sip to null")
        elif kind == "permissions":
            problems += [f"properties.{p}" for p in check_properties({"permissions": value})]
        elif not _ROOM_KIND_CHECKS[kind][0](value):
            problems.append(f"properties.{name} {_ROOM_KIND_CHECKS[kind][1]}")
    return problems


def _privacy_problems(privacy: Any) -> list[str]:
    return [] if privacy in ("public", "private") else ["privacy must be public or private"]


def _made_up_room_name() -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(20))


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


# A token in a path, however the path is spelled: after "meeting-tokens/" (any case, any number of
# slashes), or anything shaped like a JWS (two dots between base64url runs) anywhere else.
_TOKEN_IN_PATH = re.compile(r"(?i)(meeting-tokens/+)([^/]{8})[^/]+")
_JWS_IN_PATH = re.compile(r"([A-Za-z0-9_-]{8})[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*")


def _loggable(path: str) -> str:
    """The path as the request log keeps it: a token in it cut to its first 8 characters.

    The path is first read as a router might (percent-escapes undone, twice over), so that no
    spelling of ``/v1/meeting-tokens/<token>`` keeps the token.
    """
    spelled = unquote(unquote(path))
    redacted = _TOKEN_IN_PATH.sub(r"\1\2…(redacted)", spelled)
    redacted = _JWS_IN_PATH.sub(r"\1…(redacted)", redacted)
    return _short(redacted, 120)


Handler = Callable[[httpx.Request, str], dict[str, Any]]  # (request, variable part of the path)


class DailyEmulator:
    """Daily's REST API for one domain, in memory, with a clock you can move.

    `.transport` serves `httpx.Client` and `httpx.AsyncClient`; `.client()` is a `DailyClient`
    wired to it. Thread- and task-safe: one lock guards all state.
    """

    def __init__(
        self,
        api_key: str = DEMO_API_KEY,
        *,
        domain_id: str = DEMO_DOMAIN_ID,
        domain_name: str = DEMO_DOMAIN_NAME,
        clock: Clock | None = None,
        rate_limit: bool = True,
    ) -> None:
        self.domain_id = domain_id
        self.domain_name = domain_name
        self.clock = clock if clock is not None else Clock()
        self.transport = httpx.MockTransport(self.handle)
        self._api_key = api_key
        self._server_secret = secrets.token_urlsafe(32)  # Daily's own signing key: never shown
        self._limiter = RateLimiter() if rate_limit else None
        self._rooms: dict[str, dict[str, Any]] = {}
        self._log: deque[RequestRecord] = deque(maxlen=LOG_SIZE)
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"DailyEmulator(domain_name={self.domain_name!r}, domain_id={self.domain_id!r})"

    @property
    def api_key(self) -> str:
        """The domain's current API key (fake unless you passed a real-looking one)."""
        return self._api_key

    @property
    def requests(self) -> list[RequestRecord]:
        """The calls served so far, oldest first (a copy)."""
        with self._lock:
            return list(self._log)

    def rotate_api_key(self) -> str:
        """Issue a new API key and retire the old one, as regenerating it in Daily's dashboard."""
        new_key = "demo-key-FAKE-not-a-real-daily-key-" + secrets.token_hex(8)
        with self._lock:
            self._api_key = new_key
        return new_key

    def client(self, **options: Any) -> DailyClient:
        """A `DailyClient` holding the current key, talking to this emulator."""
        return DailyClient(self._api_key, transport=self.transport, emulator=self, **options)

    def async_client(self, **options: Any) -> AsyncDailyClient:
        """An `AsyncDailyClient` holding the current key, talking to this emulator."""
        return AsyncDailyClient(self._api_key, transport=self.transport, emulator=self, **options)

    def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer one request as Daily would. The only implementation of the behaviour."""
        path = request.url.path
        with self._lock:
            try:
                self._authenticate(request.headers.get("Authorization"))
                self._admit()
                handler, argument = self._route(request.method, path)
                body = handler(request, argument)
                status, headers, error = 200, {}, None
            except _Refusal as refusal:
                status, headers, error = refusal.status, refusal.headers, refusal.error
                body = {"error": refusal.error, "info": _short(refusal.info, MAX_INFO_LENGTH)}
            self._log.append(RequestRecord(request.method, _loggable(path), status, error))
        return httpx.Response(status, json=body, headers=headers)

    def _authenticate(self, header: str | None) -> None:
        if header is None:
            raise _Refusal(400, "authorization-header-error", "the Authorization header is missing")
        scheme, _, key = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise _Refusal(
                400, "authorization-header-error", "the Authorization header must be 'Bearer <API key>'"
            )
        given = key.strip().encode("utf-8", "replace")
        if not hmac.compare_digest(given, self._api_key.encode("utf-8")):
            raise _Refusal(401, "authentication-error", "the API key is not valid")

    def _admit(self) -> None:
        if self._limiter is None:
            return
        wait = self._limiter.admit(self.clock.now())
        if wait is not None:
            retry_after = str(max(1, math.ceil(wait)))
            raise _Refusal(
                429, "rate-limit-error", "too many requests: 20 per second, 100 per 5 seconds",
                {"Retry-After": retry_after},
            )  # fmt: skip

    def _route(self, method: str, path: str) -> tuple[Handler, str]:
        """The handler for this method and path, and the path's variable part (or "")."""
        if path != API_PREFIX and not path.startswith(API_PREFIX + "/"):
            raise _Refusal(404, "not-found", f"no such path: {_short(path)}")
        segments = [s for s in path[len(API_PREFIX) :].split("/") if s]
        argument = ""
        match segments:
            case []:
                methods: dict[str, Handler] = {"GET": self._get_domain}
            case ["meeting-tokens"]:
                methods = {"POST": self._create_token}
            case ["meeting-tokens", argument]:
                methods = {"GET": self._validate_token}
            case ["rooms"]:
                methods = {"GET": self._list_rooms, "POST": self._create_room}
            case ["rooms", argument]:
                methods = {"GET": self._get_room, "POST": self._update_room, "DELETE": self._delete_room}
            case _:
                raise _Refusal(404, "not-found", f"no such path: {_short(path)}")
        if method not in methods:
            allowed = ", ".join(methods)
            raise _Refusal(
                405, "invalid-request-error", f"{_short(method, 20)} is not allowed here; use {allowed}",
                {"Allow": allowed},
            )  # fmt: skip
        return methods[method], argument

    def _get_domain(self, request: httpx.Request, _: str) -> dict[str, Any]:
        config = {"lang": "en", "hide_daily_branding": False, "redirect_on_meeting_exit": ""}
        return {"domain_name": self.domain_name, "domain_id": self.domain_id, "config": config}

    def _create_token(self, request: httpx.Request, _: str) -> dict[str, Any]:
        properties = _json_body(request, ("properties",)).get("properties", {})
        now = self.clock.now()
        if problems := check_properties(properties) + _past_exp(properties, now):
            raise _Refusal(400, "invalid-request-error", "; ".join(problems))
        payload = to_claims(properties) | {"d": self.domain_id, "iat": int(now)}
        return {"token": jwt.encode(payload, self._server_secret, algorithm="HS256")}

    def _validate_token(self, request: httpx.Request, token: str) -> dict[str, Any]:
        ignore_nbf = request.url.params.get("ignoreNbf", "").lower() == "true"
        claims, problem = self._verified_claims(token, ignore_nbf=ignore_nbf)
        if claims is None:
            raise _Refusal(400, "invalid-request-error", f"meeting token is not valid ({problem})")
        properties = to_properties({k: v for k, v in claims.items() if k not in ("d", "iat")})
        if _has_lone_surrogate(properties):  # a self-signed claim Daily could not answer in UTF-8
            raise _Refusal(400, "invalid-request-error", "meeting token is not valid (malformed)")
        return properties

    def _verified_claims(self, token: str, *, ignore_nbf: bool = False) -> tuple[dict[str, Any] | None, str]:
        """The claims of a token Daily would accept now, or None and the reason category.

        A token signed with Daily's own secret is one this emulator minted; one signed with the
        current API key is self-signed, and must carry ``r``, ``iat`` and ``d`` (Daily's guide).
        """
        now = self.clock.now()
        report = None
        for key, self_signed in ((self._server_secret, False), (self._api_key, True)):
            report = validate_token(
                token, api_key=key, domain_id=self.domain_id, now=now,
                allow_unscoped=True, allow_no_expiry=True, ignore_nbf=ignore_nbf,
            )  # fmt: skip
            if report.valid:
                missing = [claim for claim in ("r", "iat", "d") if report.claims.get(claim) in (None, "")]
                if self_signed and missing:
                    return None, "self-signed without " + ", ".join(missing)
                return report.claims, ""
            if report.code != "invalid-signature":
                break
        return None, report.code
    def _create_room(self, request: httpx.Request, _: str) -> dict[str, Any]:
        body = _json_body(request, ("name", "privacy", "properties"))
        name = body["name"] if "name" in body else _made_up_room_name()
        privacy = body.get("privacy", "public")
        properties = body.get("properties", {})
        problems = []
        if not isinstance(name, str) or not ROOM_NAME.fullmatch(name):
            problems.append("name must be 1 to 128 of A-Z a-z 0-9 - _")
        problems += _privacy_problems(privacy) + _room_property_problems(properties)
        problems += _past_exp(properties, self.clock.now())
        if problems:
            raise _Refusal(400, "invalid-request-error", "; ".join(problems))
        if name in self._rooms:
            raise _Refusal(400, "invalid-request-error", f"a room named {name} already exists")
        if len(self._rooms) >= MAX_ROOMS:
            raise _Refusal(400, "invalid-request-error", f"this domain already has {MAX_ROOMS} rooms")
        created = datetime.fromtimestamp(self.clock.now(), UTC)
        self._rooms[name] = {
            "id": str(uuid.uuid4()),
            "name": name,
            "api_created": True,
            "privacy": privacy,
            "url": f"https://{self.domain_name}.daily.co/{name}",
            "created_at": created.strftime("%Y-%m-%dT%H:%M:%S.") + f"{created.microsecond // 1000:03d}Z",
            "config": properties,
        }
        return self._rooms[name]

    def _room(self, name: str) -> dict[str, Any]:
        if name not in self._rooms:
            raise _Refusal(404, "not-found", f"room {_short(name)} not found")
        return self._rooms[name]

    def _get_room(self, request: httpx.Request, name: str) -> dict[str, Any]:
        return self._room(name)

    def _list_rooms(self, request: httpx.Request, _: str) -> dict[str, Any]:
        """Newest first, at most ``limit`` (1 to 100, default 100), paged by room id."""
        params = request.url.params
        newest_first = list(reversed(self._rooms.values()))
        ids = [room["id"] for room in newest_first]
        text = params.get("limit", "100")
        if not (text.isascii() and text.isdigit() and 1 <= int(text) <= 100):
            raise _Refusal(400, "invalid-request-error", "limit must be a whole number from 1 to 100")
        limit = int(text)
        start, end = 0, len(ids)
        for name in ("starting_after", "ending_before"):
            if name in params and params[name] not in ids:
                raise _Refusal(400, "invalid-request-error", f"{name} must be the id of a room")
        if "starting_after" in params:
            start = ids.index(params["starting_after"]) + 1
        if "ending_before" in params:
            end = ids.index(params["ending_before"])
        page = newest_first[start:end]
        backwards = "ending_before" in params and "starting_after" not in params
        return {"total_count": len(ids), "data": page[-limit:] if backwards else page[:limit]}

    def _update_room(self, request: httpx.Request, name: str) -> dict[str, Any]:
        room = self._room(name)
        body = _json_body(request, ("privacy", "properties"))
        properties = body.get("properties", {})
        problems = _privacy_problems(body.get("privacy", room["privacy"]))
        problems += _room_property_problems(properties, updating=True)
        problems += _past_exp(properties, self.clock.now())
        if problems:
            raise _Refusal(400, "invalid-request-error", "; ".join(problems))
        config = room["config"] | properties
        room["config"] = {key: value for key, value in config.items() if value is not None}
        room["privacy"] = body.get("privacy", room["privacy"])
        return room

    def _delete_room(self, request: httpx.Request, name: str) -> dict[str, Any]:
        self._room(name)
        del self._rooms[name]
        return {"name": name, "deleted": True}

    def join(self, room_name: str, token: str | None = None) -> Admission:
        """What Daily would decide for someone joining ``room_name`` now, with ``token`` or none.

        A model of Daily's documented admission rules (``meeting_tokens.api.admission``), not
        Daily itself: no call is made, nothing is logged or rate-limited.
        """
        with self._lock:
            room = self._rooms.get(room_name)
            if room is None:
                return Admission(False, f"there is no room named {room_name!r}")
            claims = None
            if token is not None:
                claims, problem = self._verified_claims(token)
                if claims is None:
                    return Admission(False, f"the token is not valid ({problem})")
            return admit(room, claims, now=self.clock.now(), domain_id=self.domain_id)
