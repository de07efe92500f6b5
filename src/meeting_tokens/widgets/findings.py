"""Warnings about a token the code would still sign: true findings, not errors.

Each finding has a stable `code` (the in-page JavaScript returns the same codes and messages).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# The length this book suggests keeping a whole token under: Daily's pages state no limit (the
# "token-length" assumption, book/assumptions.md).
RECOMMENDED_MAX_LENGTH = 2048
MIN_KEY_BYTES = 32  # HS256 keys should be at least as long as the hash (RFC 7518, section 3.2)
# Each finding's message by its code, as str.format templates (the in-page mirror fills the same).
MESSAGES = {
    "no-exp": "No exp: this token never expires.",
    "no-room": "No room_name: this token opens every room of the domain.",
    "too-long": "The token is {length} characters, over the {limit} this book suggests (a guess: "
    "Daily states no limit).",
    "short-key": "The key is {size} bytes; an HS256 key should have at least {minimum} "
    "(RFC 7518, section 3.2).",
}


@dataclass(frozen=True)
class Finding:
    code: str
    message: str


def findings(properties: Mapping[str, Any], api_key: str, token: str | None) -> list[Finding]:
    """What is risky in these properties, this key and this token, in a fixed order."""
    found = []
    if "exp" not in properties:
        found.append(Finding("no-exp", MESSAGES["no-exp"]))
    if "room_name" not in properties:
        found.append(Finding("no-room", MESSAGES["no-room"]))
    if token is not None and len(token) > RECOMMENDED_MAX_LENGTH:
        message = MESSAGES["too-long"].format(length=len(token), limit=RECOMMENDED_MAX_LENGTH)
        found.append(Finding("too-long", message))
    key_bytes = len(api_key.encode("utf-8", "surrogatepass"))
    if key_bytes < MIN_KEY_BYTES:
        found.append(
            Finding("short-key", MESSAGES["short-key"].format(size=key_bytes, minimum=MIN_KEY_BYTES))
        )
    return found
