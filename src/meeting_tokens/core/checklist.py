"""The production checklist as rules a token is held to: each broken rule is a `Finding`.

One home for every rule, under a stable name: the claim editor (``findings``, from properties
being edited; its in-page JavaScript mirror returns the same codes and messages), and the pytest
plugin and ``meeting-tokens check`` (``check_token``, from a token at hand) all judge with it.
``RULES`` says where in the book each rule is explained.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from meeting_tokens.core.claims import PROPERTY_NAMES, is_integer
from meeting_tokens.core.clock import duration_text
from meeting_tokens.core.errors import MalformedTokenError
from meeting_tokens.core.jwt_parts import decode_parts
from meeting_tokens.core.validation import MESSAGES as VALIDATION_MESSAGES

# The length this book suggests keeping a whole token under: Daily's pages state no limit (the
# "token-length" assumption, book/assumptions.md).
RECOMMENDED_MAX_LENGTH = 2048
MIN_KEY_BYTES = 32  # HS256 keys should be at least as long as the hash (RFC 7518, section 3.2)
# Daily asks for a lifetime "as short as possible" and names no number (meeting-tokens guide,
# "Security considerations": https://docs.daily.co/docs/guides/privacy-and-security/meeting-tokens).
# The book's default is the longest lifetime its own designs give a token: the meeting's two
# hours of the example server ("Into your own app"); chapter 5 calls the game's day generous.
DEFAULT_MAX_LIFETIME = 2 * 3600
# Each finding's message by its code, as str.format templates (the in-page mirror fills the
# first four, the ones ``findings`` returns).
MESSAGES = {
    "no-exp": "No exp: this token never expires.",
    "no-room": "No room_name: this token opens every room of the domain.",
    "too-long": "The token is {length} characters, over the {limit} this book suggests (a guess: "
    "Daily states no limit).",
    "short-key": "The key is {size} bytes; an HS256 key should have at least {minimum} "
    "(RFC 7518, section 3.2).",
    "malformed": "Not a token: {reason}.",
    "long-lived": "exp is {lifetime} after {start}, over the {limit} allowed.",
    "exp-not-a-time": "exp is {value}, not unix seconds: nobody can tell when this token ends.",
    "missing-self-signed-claim": "{problems}.",
}


@dataclass(frozen=True)
class Rule:
    """A checklist rule: its name, and the book's page and section that explain it."""

    name: str
    page: str
    section: str


# Every rule, in the order findings are reported.
RULES = {
    rule.name: rule
    for rule in (
        Rule("malformed", "notebooks/01-anatomy", "Three parts and two dots"),
        Rule("no-exp", "notebooks/02-minting", "The rule the article insists on"),
        Rule("long-lived", "notebooks/05-storage", "How long should a token live?"),
        Rule("no-room", "notebooks/02-minting", "The rule the article insists on"),
        Rule("too-long", "notebooks/01-anatomy", "Edit the claims, watch the token"),
        Rule("short-key", "notebooks/01-anatomy", "Edit the claims, watch the token"),
        Rule("missing-self-signed-claim", "notebooks/03-self-signing", "The required claims, checked"),
    )
}
_SELF_SIGNED = {"r": "self_signed_no_r", "iat": "self_signed_no_iat", "d": "self_signed_no_d"}


@dataclass(frozen=True)
class Finding:
    code: str
    message: str


def findings(properties: Mapping[str, Any], api_key: str | None, token: str | None) -> list[Finding]:
    """What is risky in these properties, this key and this token, in a fixed order.

    No key (None) leaves the key's length unjudged; no token (None), the token's length.
    """
    found = []
    if "exp" not in properties:
        found.append(Finding("no-exp", MESSAGES["no-exp"]))
    if "room_name" not in properties:
        found.append(Finding("no-room", MESSAGES["no-room"]))
    if token is not None and len(token) > RECOMMENDED_MAX_LENGTH:
        message = MESSAGES["too-long"].format(length=len(token), limit=RECOMMENDED_MAX_LENGTH)
        found.append(Finding("too-long", message))
    key_bytes = None if api_key is None else len(api_key.encode("utf-8", "surrogatepass"))
    if key_bytes is not None and key_bytes < MIN_KEY_BYTES:
        found.append(
            Finding("short-key", MESSAGES["short-key"].format(size=key_bytes, minimum=MIN_KEY_BYTES))
        )
    return found


def check_token(
    token: str, *, now: float, max_lifetime: float = DEFAULT_MAX_LIFETIME, signing_key: str | None = None
) -> list[Finding]:
    """Every checklist rule ``token`` breaks, in ``RULES`` order: [] when it keeps them all.

    ``signing_key`` is the key a self-signed token was signed with: its length is judged, and
    the claims Daily requires of a self-signed token are looked for. A token's lifetime counts
    from its ``iat``, or from ``now`` when it has none. The signature is not checked here.
    """
    try:
        claims = decode_parts(token).payload
    except MalformedTokenError as exc:
        return [Finding("malformed", MESSAGES["malformed"].format(reason=exc))]
    properties = {PROPERTY_NAMES.get(claim, claim): value for claim, value in claims.items()}
    found = findings(properties, signing_key, token)
    if "exp" in claims and (lifetime := _lifetime(claims, now, max_lifetime)) is not None:
        found.append(lifetime)
    if signing_key is not None:
        missing = [VALIDATION_MESSAGES[text] for claim, text in _SELF_SIGNED.items() if not claims.get(claim)]
        if missing:
            message = MESSAGES["missing-self-signed-claim"].format(problems="; ".join(missing))
            found.append(Finding("missing-self-signed-claim", message))
    order = list(RULES)
    return sorted(found, key=lambda finding: order.index(finding.code))


def _is_time(value: Any) -> bool:
    return is_integer(value) or (isinstance(value, float) and math.isfinite(value))


def _lifetime(claims: Mapping[str, Any], now: float, max_lifetime: float) -> Finding | None:
    """A ``long-lived`` finding when ``exp`` is further than ``max_lifetime`` from the start."""
    exp = claims["exp"]
    if not _is_time(exp):
        shown = repr(exp) if len(repr(exp)) <= 40 else repr(exp)[:40] + "…"
        return Finding("long-lived", MESSAGES["exp-not-a-time"].format(value=shown))
    iat = claims.get("iat")
    start, named = (iat, "iat") if _is_time(iat) else (now, "now")
    lifetime = Fraction(exp) - Fraction(start)  # exact: a float and an int past any float mix here
    if lifetime <= max_lifetime:
        return None
    message = MESSAGES["long-lived"].format(lifetime=_span(lifetime), start=named, limit=_span(max_lifetime))
    return Finding("long-lived", message)


def _span(seconds: float | Fraction) -> str:
    """Whole seconds, and in words from a minute up: ``9000 s (2 hours)``."""
    if seconds > 10**30:
        return "over 10**30 s"
    count = f"{int(seconds)} s"
    return count if seconds < 60 else f"{count} ({duration_text(seconds)})"
