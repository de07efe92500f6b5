"""Daily's REST API in-process: ``DailyEmulator``, an httpx transport with its own clock.

One handler, ``DailyEmulator.handle(request) -> response``, holds all the behaviour; ``.transport``
hands it to ``httpx.Client`` and ``httpx.AsyncClient`` alike, and ``meeting_tokens.api.serve`` hands
it to uvicorn. Paths are Daily's, under ``/v1`` (https://docs.daily.co/reference/rest-api):
``GET /``, ``POST /``, ``POST /meeting-tokens``, ``GET /meeting-tokens/{token}``, ``GET /rooms``,
``POST /rooms``, ``GET /rooms/{name}``, ``POST /rooms/{name}``, ``DELETE /rooms/{name}``. The host
part of the URL is ignored, so clients keep Daily's base URL; trailing slashes are ignored.
``.join(room, token)`` answers what Daily would decide when someone joins
(``meeting_tokens.api.admission``, a model of the documented rules).

What the emulator takes from Daily's documentation (each source is linked on the book's
references page, book/references.md): the error body ``{"error", "info"}`` and its types; 400
``authorization-header-error`` and 401 ``authentication-error``; the meeting-token properties,
their short claims and the permissions abbreviations (self-signing guide and the REST reference's
self-signing page, read from the page, not observed with a real key); self-signed tokens
that need ``r``, ``iat`` and ``d`` and die with the key that signed them; validation for one's own
domain only, with ``ignoreNbf``; 20 requests per second and 100 per 5 seconds; rooms: names of
``A-Za-z0-9_-`` up to 128 characters, a made-up name when none is given, public by default,
``GET /rooms`` newest first with ``total_count`` and at most 100 per page, ``ending_before=OLDEST``
for the oldest page (REST reference, "Pagination"), ``DELETE`` answering ``{"name", "deleted":
true}``; an expired room treated as deleted: not listed, 404 on ``GET``, ``POST`` and ``DELETE``
(delete-room); a room's ``config`` listing only values that differ from the defaults
(create-room), the defaults being those Daily's spec states; room property names and types from
Daily's OpenAPI spec (daily-ruby ``docs/RoomProperties.md``) plus ``sip`` and ``enable_dialout``
(Daily's dial-in/dial-out guides) and ``enable_cpu_warning_notifications`` and
``transcription_template`` (today's create-room and update-room pages), ``lang`` and
``enable_recording`` taking only their documented values, counts never negative, and ``exp`` and
``nbf`` taking any number, as Daily's own Python framework (pipecat) sends them; ``sip`` adding a
read-only ``sip_uri`` with an ``endpoint``, and ``extra_endpoints`` for ``num_endpoints`` above
1 (SIP guide); ``POST /`` setting the domain's properties (set-domain-config; names and types from
daily-ruby ``docs/DomainProperties.md``, ``intercom_auto_record`` read-only) and answering with
the domain object, whose ``config`` shows the documented defaults, permissions included
(get-domain-config). ``DailyEmulator.domain_properties`` holds what ``POST /`` set, for the join
model, which reads it below the token and the room. That a REST-minted token outlives a key
rotation is the article's statement ("Obtaining, handling, and validating meeting tokens"), not
Daily's docs.

Assumptions
-----------
Daily does not document these; the emulator (and, for the last points, the book) picks an
answer, and the book marks each one with the same name on its "Assumptions" page
(``tests/test_assumptions.py`` holds the two lists equal).

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
  removes a property (documented for ``sip`` only); nested values are kept as given, unchecked,
  except ``sip.num_endpoints``, which must be 1 to ``MAX_SIP_ENDPOINTS`` (5, Daily's default
  ``max_sip_pstn_sessions_per_room``). A property given its default value is left out of
  ``config`` but still counts as set: the join model reads it above the domain's.
- ``sip-uri``: ``sip_uri.endpoint`` is ``<9 random digits>@<domain_name>.sip.daily.co``, without
  the ``sip:`` of the SIP guide's example (``sip:123456780@example.sip.daily.co``): pipecat 1.14.0,
  Daily's own framework, puts ``sip:`` before the endpoint it reads
  (``DailyRoomProperties.sip_endpoint``), so the guide's shape would give it ``sip:sip:``. Kept
  while ``sip`` is unchanged and made anew when it changes.
- ``room-paging``: ``starting_after`` and ``ending_before`` count in list order (newest first),
  so ``starting_after=<last id of a page>`` gives the next page; an unknown id, an
  ``ending_before`` that is neither an id nor ``OLDEST``, or a ``limit`` outside 1 to 100 is 400
  ``invalid-request-error``; a ``limit`` of more than ``MAX_LIMIT_DIGITS`` digits is refused
  unread.
- ``room-limit``: at most ``MAX_ROOMS`` rooms, then 400 ``invalid-request-error``; the wording for
  a name already taken is this package's.
- ``stored-bytes``: a room's properties (or the domain's), as compact UTF-8 JSON, take at most
  ``MAX_PROPERTY_BYTES`` (64 KiB), and all rooms' together at most ``MAX_STORED_BYTES`` (32 MiB);
  over either, 400 ``invalid-request-error`` naming the sizes, and nothing is stored. An expired
  room is forgotten, freeing its name and its bytes. Daily documents no such limits.
- ``domain-config``: ``GET /``'s ``config`` is the documented defaults of the properties ``POST /``
  can set with what ``POST /`` set over them; Daily's answer also carries read-only fields that
  the emulator leaves out. ``POST /`` merges properties at the top level (a nested object such as
  ``permissions`` is replaced whole) and ``null`` removes one, as for rooms.
- ``iat-ahead``: a token whose ``iat`` is later than now is refused as not yet valid, as one
  whose ``nbf`` is, with no leeway; Daily's guide only says a self-signed ``iat`` is "the current
  time", and how far ahead Daily tolerates one (a server clock running fast) is not documented.
- ``custom-media-claim``: ``customVideo`` and ``customAudio`` in ``canSend``, which Daily's
  reference gives no letter for inside ``cs``, are written there by their long names
  (``self_sign`` refuses them); inside ``cr`` they are ``cv`` and ``ca``, as documented.
- ``undocumented-claims``: ``enable_prejoin_ui``, ``enable_live_captions_ui`` and
  ``enable_terse_logging``, whose short claims are not documented, keep their long names.
- ``join-refusals``: a token Daily would not accept (a bad signature, expired, not yet valid,
  for another room or of another domain, self-signed without ``r``, ``iat`` or ``d``) is ignored,
  as developers report daily-js logging "Meeting token ignored: invalid-token", and the join goes
  on as without one: a public room admits its holder without the token's privileges, a private
  room with ``enable_knocking`` lets them knock, and any other private room refuses them, naming
  the token's problem. A verified token whose claims the join reads have the wrong type (``p``
  not an object, ``eje`` not a whole number, ``exp`` not a number, a setting of the wrong kind)
  refuses the join even in a public room, naming the claim; ``o`` makes an owner only when it is
  ``true``. ``canReceive`` comes whole from the level that sets it, never merged inside.
- ``token-length``: the claim editor warns about a token over 2048 characters
  (``RECOMMENDED_MAX_LENGTH``), and the cheat sheet says to stay under it; no Daily page we
  found states a limit or a recommendation for a token's length.
- ``key-regeneration``: regenerating the API key retires the old key at once, as
  ``rotate_api_key()`` does: from then on the old key authenticates nothing and the tokens it
  signed are refused. Daily's self-signing guide says a self-signed token works only while its
  key is active, but no page says when the old key stops working.
- ``rest-token-claims``: a token from ``POST /meeting-tokens`` carries ``d`` (the domain's id)
  and ``iat`` (the instant it was minted) besides the claims of the properties sent; the example
  token in Daily's meeting tokens guide has both, but no page says that minting adds them.
- ``join-rejects``: when Daily refuses the token, daily-js's ``join()`` promise rejects besides
  raising the ``error`` event, so code that awaits ``join()`` sees the refusal as an exception;
  Daily's daily-js pages document the event, not the rejection. The emulator's ``join`` model
  answers the refusal itself.
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
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

import httpx
import jwt

from meeting_tokens.api.admission import ROOM_EXPIRED, Admission, admit
from meeting_tokens.api.client import AsyncDailyClient, DailyClient
from meeting_tokens.core.claims import (
    LANGUAGES,
    RECORDING_MODES,
    check_properties,
    is_integer,
    to_claims,
    to_properties,
)
from meeting_tokens.core.clock import Clock
from meeting_tokens.core.errors import TokenError
from meeting_tokens.core.jwt_parts import decode_parts, reject_json_constant
from meeting_tokens.core.validation import signed_with, validate_token

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
MAX_PROPERTY_BYTES = 64 * 1024  # one room's properties, or the domain's, as compact JSON
MAX_STORED_BYTES = 32 * 1024 * 1024  # every room's properties together
MAX_LIMIT_DIGITS = 3  # a ?limit= longer than this is refused before it is read as a number


@dataclass(frozen=True)
class RequestRecord:
    """One call the emulator answered, as a notebook shows it: no key, token shortened."""

    method: str
    path: str
    status: int
    error: str | None


@dataclass(frozen=True)
class TokenSighting:
    """A token the emulator minted or was shown, with the call that carried it (for the pytest
    plugin's checklist): the time on the emulator's clock, and the key when it was self-signed
    with the domain's key. Its repr shows neither the token nor the key."""

    token: str = field(repr=False)
    call: str
    at: float
    signing_key: str | None = field(repr=False)


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
# (daily-ruby docs/RoomProperties.md), plus `sip` and `enable_dialout` from Daily's dial-in/dial-out
# guide and `enable_cpu_warning_notifications` and `transcription_template` from today's
# create-room and update-room pages. `exp` and `nbf` take any number: Daily's own Python framework
# (pipecat) sends a float `exp` and real Daily accepts it. `sip_uri` is Daily's answer, never a
# request's (the SIP guide calls it read-only).
ROOM_PROPERTY_KINDS: dict[str, str] = {
    "nbf": "seconds", "exp": "seconds", "max_participants": "count", "eject_after_elapsed": "count",
    "sfu_switchover": "number", "enable_recording": "recording", "lang": "language",
    "meeting_join_hook": "string", "geo": "string", "rtmp_geo": "string",
    "recordings_template": "string", "transcription_template": "string",
    "auto_transcription_settings": "object", "recordings_bucket": "object",
    "transcription_bucket": "object", "sip": "object", "sip_uri": "read-only",
    "streaming_endpoints": "list", "permissions": "permissions",
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
        "enable_cpu_warning_notifications",
    ), "boolean"),
}  # fmt: skip
# The room defaults Daily's spec states ("default to ..."): a room's `config` leaves out a property
# set to its default (create-room: "includes only configuration parameters that differ from room
# configuration defaults"). Properties whose default is the domain's have no entry here.
ROOM_DEFAULTS: dict[str, Any] = {
    "max_participants": 200, "enable_screenshare": True, "enable_video_processing_ui": True,
    "enable_chat": False, "enable_shared_chat_history": True, "start_video_off": False,
    "start_audio_off": False, "owner_only_broadcast": False, "eject_at_room_exp": False,
    "enable_advanced_chat": False, "enable_hidden_participants": False, "sfu_switchover": 0.5,
    "enable_adaptive_simulcast": True, "enable_multiparty_adaptive_simulcast": False,
    "enforce_unique_user_ids": False, "lang": "en", "disable_rtmp_geo_fallback": False,
    "enable_terse_logging": False, "enable_transcription_storage": False,
}  # fmt: skip
# Domain properties that POST / sets: Daily's spec (daily-ruby docs/DomainProperties.md), plus
# `pinless_dialin` (Daily's pinless dial-in guide). `intercom_auto_record` is read-only there.
DOMAIN_PROPERTY_KINDS: dict[str, str] = {
    "redirect_on_meeting_exit": "string", "meeting_join_hook": "string", "geo": "string",
    "rtmp_geo": "string", "recordings_template": "string", "lang": "language",
    "sfu_switchover": "number", "transcription_bucket": "object", "recordings_bucket": "object",
    "batch_processor_bucket": "object", "pinless_dialin": "list", "permissions": "permissions",
    "intercom_auto_record": "read-only",
    **dict.fromkeys((
        "enable_advanced_chat", "enable_people_ui", "enable_pip_ui", "enable_emoji_reactions",
        "enable_hand_raising", "enable_prejoin_ui", "enable_breakout_rooms", "enable_network_ui",
        "enable_noise_cancellation_ui", "enable_video_processing_ui", "hide_daily_branding", "hipaa",
        "disable_rtmp_geo_fallback", "enable_terse_logging", "enable_transcription_storage",
        "enable_mesh_sfu", "batch_processor_enable_medical_concept",
    ), "boolean"),
}  # fmt: skip
# What GET / shows for a property nobody set: the defaults Daily's spec states for the domain, and
# the permissions get-domain-config documents.
DOMAIN_DEFAULTS: dict[str, Any] = {
    "enable_advanced_chat": False, "enable_people_ui": True, "enable_pip_ui": False,
    "enable_emoji_reactions": False, "enable_hand_raising": False, "enable_prejoin_ui": True,
    "enable_breakout_rooms": False, "enable_network_ui": False, "enable_noise_cancellation_ui": True,
    "enable_video_processing_ui": True, "hide_daily_branding": False, "hipaa": False, "lang": "en",
    "disable_rtmp_geo_fallback": False, "enable_terse_logging": False,
    "enable_transcription_storage": False, "sfu_switchover": 2,
    "batch_processor_enable_medical_concept": True,
    "permissions": {"canSend": True, "canReceive": {"base": True}, "hasPresence": True, "canAdmin": False},
}  # fmt: skip
_KIND_CHECKS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "seconds": (_number, "must be a number of seconds"),
    "number": (_number, "must be a number"),
    "count": (lambda v: is_integer(v) and v >= 0, "must be an integer of at least 0"),
    "boolean": (lambda v: isinstance(v, bool), "must be true or false"),
    "string": (lambda v: isinstance(v, str), "must be a string"),
    "object": (lambda v: isinstance(v, dict), "must be an object"),
    "list": (lambda v: isinstance(v, list), "must be a list"),
    "language": (lambda v: isinstance(v, str) and v in LANGUAGES, "must be one of " + ", ".join(LANGUAGES)),
    "recording": (
        lambda v: isinstance(v, str) and v in RECORDING_MODES,
        "must be one of " + ", ".join(RECORDING_MODES),
    ),
    "read-only": (lambda v: False, "is read-only: Daily sets it"),
}
MAX_SIP_ENDPOINTS = 5  # Daily's default max_sip_pstn_sessions_per_room (SIP guide)


def _property_problems(
    properties: Any, kinds: dict[str, str], owner: str, *, updating: bool = False
) -> list[str]:
    """Every problem with ``owner``'s (room or domain) ``properties``: unknown names, wrong types."""
    if not isinstance(properties, dict):
        return ["properties must be an object"]
    problems = []
    for name, value in properties.items():
        kind = kinds.get(name)
        if kind is None and owner == "room" and name == "privacy":
            # Daily's waiting-room guide nests it; the create-room reference puts it beside properties
            problems.append("properties.privacy is not a room property: privacy goes beside properties")
        elif kind is None:
            problems.append(f"properties.{_short(str(name), 60)} is not a {owner} property")
        elif value is None and updating:
            continue  # null clears a property (Daily's SIP guide: "set sip to null")
        elif kind == "permissions":
            problems += [f"properties.{p}" for p in check_properties({"permissions": value})]
        elif not _KIND_CHECKS[kind][0](value):
            problems.append(f"properties.{name} {_KIND_CHECKS[kind][1]}")
        elif name == "sip" and not _sip_endpoint_count(value):
            problems.append(f"properties.sip.num_endpoints must be an integer from 1 to {MAX_SIP_ENDPOINTS}")
    return problems


def _sip_endpoint_count(sip: dict[str, Any]) -> int:
    """How many SIP addresses ``sip`` asks for (1 unless ``num_endpoints`` says), or 0 if unusable."""
    count = sip.get("num_endpoints", 1)
    return count if is_integer(count) and 1 <= count <= MAX_SIP_ENDPOINTS else 0


def _is_room_default(name: str, value: Any) -> bool:
    default = ROOM_DEFAULTS.get(name, ...)
    return type(value) is type(default) and value == default


def _stored_bytes(properties: dict[str, Any]) -> int:
    """The size of ``properties`` as the emulator counts what it stores: compact UTF-8 JSON."""
    return len(json.dumps(properties, ensure_ascii=False, separators=(",", ":")).encode())


def _shown(room: dict[str, Any]) -> dict[str, Any]:
    """A room as Daily answers with it: its ``config`` without the properties left at their default."""
    config = {name: value for name, value in room["config"].items() if not _is_room_default(name, value)}
    return room | {"config": config}


def _privacy_problems(privacy: Any) -> list[str]:
    return [] if privacy in ("public", "private") else ["privacy must be public or private"]


def _made_up_room_name() -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(20))


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


# A token in a path, however the path is spelled: after "meeting-tokens/" (any case, any number of
# slashes), or anything shaped like a JWS (two dots between base64url runs) anywhere else. A JWS
# is looked for only where a base64url run starts: tried at every character of a long run without
# dots, the search took time in the square of its length (6 s for a 58 KB path).
_TOKEN_IN_PATH = re.compile(r"(?i)(meeting-tokens/+)([^/]{8})[^/]+")
_B64URL = "[A-Za-z0-9_-]"
_JWS_IN_PATH = re.compile(rf"(?<!{_B64URL})({_B64URL}{{8}}){_B64URL}*\.{_B64URL}*\.{_B64URL}*")


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
    wired to it; `.requests` lists the calls it answered and `.tokens_seen` the tokens it minted
    or was shown. Thread- and task-safe: one lock guards all state.
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
        self.domain_properties: dict[str, Any] = {}
        """What ``POST /`` has set, under long names; nothing until then (GET / adds the defaults)."""
        self._rooms: dict[str, dict[str, Any]] = {}  # config as given, for the join model
        self._room_bytes: dict[str, int] = {}  # each room's stored properties, counted
        # Names of forgotten expired rooms (the newest MAX_ROOMS), so a join says why it is refused.
        self._expired_names: dict[str, None] = {}
        self._log: deque[RequestRecord] = deque(maxlen=LOG_SIZE)
        self._tokens: deque[TokenSighting] = deque(maxlen=LOG_SIZE)
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

    @property
    def tokens_seen(self) -> list[TokenSighting]:
        """The tokens minted (``POST /meeting-tokens``) or shown to it (``GET /meeting-tokens/:token``,
        ``join``) so far, oldest first (a copy): what the pytest plugin holds to the checklist."""
        with self._lock:
            return list(self._tokens)

    def _saw(self, token: str, call: str) -> None:
        """Note a token shown to the emulator, and whether the domain's key signed it."""
        try:
            parts = decode_parts(token)
        except TokenError:
            parts = None
        signed = parts is not None and signed_with(parts, self._api_key)
        self._tokens.append(TokenSighting(token, call, self.clock.now(), self._api_key if signed else None))

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
                methods: dict[str, Handler] = {"GET": self._get_domain, "POST": self._update_domain}
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
        config = DOMAIN_DEFAULTS | self.domain_properties
        return {"domain_name": self.domain_name, "domain_id": self.domain_id, "config": config}

    def _update_domain(self, request: httpx.Request, _: str) -> dict[str, Any]:
        """``POST /``: checked like a room's properties, merged in only when all of them pass."""
        properties = _json_body(request, ("properties",)).get("properties", {})
        if problems := _property_problems(properties, DOMAIN_PROPERTY_KINDS, "domain", updating=True):
            raise _Refusal(400, "invalid-request-error", "; ".join(problems))
        merged = {k: v for k, v in (self.domain_properties | properties).items() if v is not None}
        if (size := _stored_bytes(merged)) > MAX_PROPERTY_BYTES:
            raise _Refusal(
                400, "invalid-request-error",
                f"the domain's properties would take {size} bytes, over the {MAX_PROPERTY_BYTES} allowed",
            )  # fmt: skip
        self.domain_properties = merged
        return self._get_domain(request, "")

    def _create_token(self, request: httpx.Request, _: str) -> dict[str, Any]:
        properties = _json_body(request, ("properties",)).get("properties", {})
        now = self.clock.now()
        if problems := check_properties(properties) + _past_exp(properties, now):
            raise _Refusal(400, "invalid-request-error", "; ".join(problems))
        payload = to_claims(properties) | {"d": self.domain_id, "iat": int(now)}
        token = jwt.encode(payload, self._server_secret, algorithm="HS256")
        self._tokens.append(TokenSighting(token, "POST /v1/meeting-tokens", now, None))
        return {"token": token}

    def _validate_token(self, request: httpx.Request, token: str) -> dict[str, Any]:
        ignore_nbf = request.url.params.get("ignoreNbf", "").lower() == "true"
        self._saw(token, "GET /v1/meeting-tokens/:token")
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
        current API key is self-signed, and must carry ``r``, ``iat`` and ``d`` (Daily's guide),
        which ``validate_token(..., self_signed=True)`` checks.
        """
        now = self.clock.now()
        report = None
        for key, self_signed in ((self._server_secret, False), (self._api_key, True)):
            report = validate_token(
                token, api_key=key, domain_id=self.domain_id, now=now, self_signed=self_signed,
                allow_unscoped=True, allow_no_expiry=True, ignore_nbf=ignore_nbf,
            )  # fmt: skip
            if report.valid:
                return report.claims, ""
            if report.code != "invalid-signature":
                break
        return None, report.code

    def _create_room(self, request: httpx.Request, _: str) -> dict[str, Any]:
        self._forget_expired()
        body = _json_body(request, ("name", "privacy", "properties"))
        name = body["name"] if "name" in body else _made_up_room_name()
        privacy = body.get("privacy", "public")
        properties = body.get("properties", {})
        problems = []
        if not isinstance(name, str) or not ROOM_NAME.fullmatch(name):
            problems.append("name must be 1 to 128 of A-Z a-z 0-9 - _")
        problems += _privacy_problems(privacy)
        problems += _property_problems(properties, ROOM_PROPERTY_KINDS, "room")
        problems += _past_exp(properties, self.clock.now())
        if problems:
            raise _Refusal(400, "invalid-request-error", "; ".join(problems))
        if name in self._rooms:
            raise _Refusal(400, "invalid-request-error", f"a room named {name} already exists")
        if len(self._rooms) >= MAX_ROOMS:
            raise _Refusal(400, "invalid-request-error", f"this domain already has {MAX_ROOMS} rooms")
        config = self._with_sip_uri(properties, None)
        self._store(name, config)
        self._expired_names.pop(name, None)
        created = datetime.fromtimestamp(self.clock.now(), UTC)
        self._rooms[name] = {
            "id": str(uuid.uuid4()),
            "name": name,
            "api_created": True,
            "privacy": privacy,
            "url": f"https://{self.domain_name}.daily.co/{name}",
            "created_at": created.strftime("%Y-%m-%dT%H:%M:%S.") + f"{created.microsecond // 1000:03d}Z",
            "config": config,
        }
        return _shown(self._rooms[name])

    def _with_sip_uri(self, config: dict[str, Any], previous: dict[str, Any] | None) -> dict[str, Any]:
        """``config`` with the read-only ``sip_uri`` Daily adds when ``sip`` is set (SIP guide).

        The addresses stay as they were while ``sip`` is unchanged; a new ``sip`` gets new ones.
        """
        config = {key: value for key, value in config.items() if key != "sip_uri"}
        if "sip" not in config:
            return config
        if previous is not None and previous.get("sip") == config["sip"] and "sip_uri" in previous:
            return config | {"sip_uri": previous["sip_uri"]}
        host, count = f"{self.domain_name}.sip.daily.co", _sip_endpoint_count(config["sip"])
        endpoints = [f"{secrets.randbelow(10**9):09d}@{host}" for _ in range(count)]  # no sip: (sip-uri)
        sip_uri: dict[str, Any] = {"endpoint": endpoints[0]}
        if endpoints[1:]:
            sip_uri["extra_endpoints"] = endpoints[1:]
        return config | {"sip_uri": sip_uri}

    def _store(self, name: str, config: dict[str, Any]) -> None:
        """Count ``config`` as room ``name``'s stored properties, or refuse if it is too much."""
        size = _stored_bytes(config)
        if size > MAX_PROPERTY_BYTES:
            raise _Refusal(
                400, "invalid-request-error",
                f"the room's properties would take {size} bytes, over the {MAX_PROPERTY_BYTES} allowed",
            )  # fmt: skip
        others = sum(self._room_bytes.values()) - self._room_bytes.get(name, 0)
        if others + size > MAX_STORED_BYTES:
            raise _Refusal(
                400, "invalid-request-error",
                f"this domain's rooms would hold over {MAX_STORED_BYTES} bytes of properties",
            )  # fmt: skip
        self._room_bytes[name] = size

    def _forget_expired(self) -> None:
        """Delete every room whose ``exp`` has passed: Daily treats them as deleted (delete-room)."""
        now = self.clock.now()
        expired = [name for name, room in self._rooms.items() if room["config"].get("exp", math.inf) <= now]
        for name in expired:
            del self._rooms[name]
            del self._room_bytes[name]
            self._expired_names[name] = None
        while len(self._expired_names) > MAX_ROOMS:
            del self._expired_names[next(iter(self._expired_names))]

    def _room(self, name: str) -> dict[str, Any]:
        self._forget_expired()
        if name not in self._rooms:
            raise _Refusal(404, "not-found", f"room {_short(name)} not found")
        return self._rooms[name]

    def _get_room(self, request: httpx.Request, name: str) -> dict[str, Any]:
        return _shown(self._room(name))

    def _list_rooms(self, request: httpx.Request, _: str) -> dict[str, Any]:
        """Newest first, at most ``limit`` (1 to 100, default 100), paged by room id or ``OLDEST``."""
        self._forget_expired()
        params = request.url.params
        newest_first = list(reversed(self._rooms.values()))
        ids = [room["id"] for room in newest_first]
        text = params.get("limit", "100")
        # int() of thousands of digits raises ValueError: the length is checked first
        digits = text.isascii() and text.isdigit() and len(text) <= MAX_LIMIT_DIGITS
        if not (digits and 1 <= int(text) <= 100):
            raise _Refusal(400, "invalid-request-error", "limit must be a whole number from 1 to 100")
        limit = int(text)
        start, end = 0, len(ids)
        if "starting_after" in params:
            if params["starting_after"] not in ids:
                raise _Refusal(400, "invalid-request-error", "starting_after must be the id of a room")
            start = ids.index(params["starting_after"]) + 1
        if "ending_before" in params and params["ending_before"] != "OLDEST":
            if params["ending_before"] not in ids:
                raise _Refusal(400, "invalid-request-error", "ending_before must be a room's id or OLDEST")
            end = ids.index(params["ending_before"])
        page = [_shown(room) for room in newest_first[start:end]]
        backwards = "ending_before" in params and "starting_after" not in params
        return {"total_count": len(ids), "data": page[-limit:] if backwards else page[:limit]}

    def _update_room(self, request: httpx.Request, name: str) -> dict[str, Any]:
        room = self._room(name)
        body = _json_body(request, ("privacy", "properties"))
        properties = body.get("properties", {})
        problems = _privacy_problems(body.get("privacy", room["privacy"]))
        problems += _property_problems(properties, ROOM_PROPERTY_KINDS, "room", updating=True)
        problems += _past_exp(properties, self.clock.now())
        if problems:
            raise _Refusal(400, "invalid-request-error", "; ".join(problems))
        merged = {key: value for key, value in (room["config"] | properties).items() if value is not None}
        config = self._with_sip_uri(merged, room["config"])
        self._store(name, config)
        room["config"] = config
        room["privacy"] = body.get("privacy", room["privacy"])
        return _shown(room)

    def _delete_room(self, request: httpx.Request, name: str) -> dict[str, Any]:
        self._room(name)
        del self._rooms[name]
        del self._room_bytes[name]
        return {"name": name, "deleted": True}

    def join(self, room_name: str, token: str | None = None) -> Admission:
        """What Daily would decide for someone joining ``room_name`` now, with ``token`` or none.

        A model of Daily's documented admission rules (``meeting_tokens.api.admission``), not
        Daily itself: no call is made, nothing is rate-limited or logged in ``requests`` (the token
        is noted in ``tokens_seen``). A token Daily would not accept is ignored, as daily-js is
        reported to do, and the join goes on as if none were given.
        """
        with self._lock:
            if token is not None:
                self._saw(token, f"join({_short(str(room_name), 40)!r})")
            room = self._rooms.get(room_name)
            if room_name in self._expired_names:
                return Admission(False, ROOM_EXPIRED)
            if room is None:
                return Admission(False, f"there is no room named {room_name!r}")
            claims, problem = (None, "") if token is None else self._verified_claims(token)
            return admit(
                room, claims, now=self.clock.now(), domain_id=self.domain_id,
                domain=self.domain_properties, token_problem=problem or None,
            )  # fmt: skip
