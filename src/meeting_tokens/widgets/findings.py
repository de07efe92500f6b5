"""Warnings about a token the code would still sign: true findings, not errors.

Each finding has a stable `code` (the in-page JavaScript returns the same codes and messages).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# Daily recommends keeping a whole token under this many characters (create-meeting-token page).
RECOMMENDED_MAX_LENGTH = 2048
MIN_KEY_BYTES = 32  # HS256 keys should be at least as long as the hash (RFC 7518, section 3.2)


@dataclass(frozen=True)
class Finding:
    code: str
    message: str


def findings(properties: Mapping[str, Any], api_key: str, token: str | None) -> list[Finding]:
    """What is risky in these properties, this key and this token, in a fixed order."""
    found = []
    if "exp" not in properties:
        found.append(Finding("no-exp", "No exp: this token never expires."))
    if "room_name" not in properties:
        found.append(Finding("no-room", "No room_name: this token opens every room of the domain."))
    if token is not None and len(token) > RECOMMENDED_MAX_LENGTH:
        found.append(
            Finding(
                "too-long",
                f"The token is {len(token)} characters, over the {RECOMMENDED_MAX_LENGTH} Daily recommends.",
            )
        )
    key_bytes = len(api_key.encode("utf-8", "surrogatepass"))
    if key_bytes < MIN_KEY_BYTES:
        found.append(
            Finding(
                "short-key",
                f"The key is {key_bytes} bytes; an HS256 key should have at least {MIN_KEY_BYTES} "
                "(RFC 7518, section 3.2).",
            )
        )
    return found
