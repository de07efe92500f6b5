"""A compact JWS taken apart by hand: strict base64url, the three segments, the signing input.

Only the standard library is used here, so chapter 1 can show every byte. Parsing is strict:
a token has exactly one spelling (RFC 7515 section 2: base64url without padding), and anything
else raises `MalformedTokenError`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from typing import Any

from meeting_tokens.core.errors import MalformedTokenError

MAX_TOKEN_LENGTH = 8192  # characters; checked before any decoding
_ALPHABET = re.compile(r"[A-Za-z0-9_-]*")


def b64url_encode(data: bytes) -> str:
    """base64url without padding (RFC 7515, Appendix C)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode strict base64url: URL alphabet, no padding, canonical (unused bits zero)."""
    if not isinstance(text, str) or not _ALPHABET.fullmatch(text):
        raise MalformedTokenError("not base64url: only A-Z a-z 0-9 - _ are allowed, no padding")
    if len(text) % 4 == 1:
        raise MalformedTokenError("not base64url: impossible length")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise MalformedTokenError(f"not base64url: {exc}") from None
    if b64url_encode(data) != text:
        raise MalformedTokenError("not canonical base64url: the final character has stray bits")
    return data


@dataclass(frozen=True, slots=True)
class TokenParts:
    """A token's three segments, decoded: what every check looks at."""

    header: dict[str, Any]
    payload: dict[str, Any]
    signature: bytes
    signing_input: bytes
    segments: tuple[str, str, str]

    def _repr_html_(self) -> str:
        from meeting_tokens.drawing.display import parts_html

        return parts_html(self)


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


# One decoder for every call: json.loads with an option would build a new one each time.
_JSON = json.JSONDecoder(parse_constant=_reject_constant)


def _json_object(segment: str, name: str) -> dict[str, Any]:
    raw = b64url_decode(segment)
    try:
        value = _JSON.decode(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise MalformedTokenError(f"the {name} is not JSON: {exc}") from None
    except RecursionError:
        raise MalformedTokenError(f"the {name} nests too deeply to be a token") from None
    if not isinstance(value, dict):
        raise MalformedTokenError(f"the {name} must be a JSON object")
    return value


def decode_parts(token: str) -> TokenParts:
    """Split a compact JWS into header, payload and signature, decoding each strictly."""
    if not isinstance(token, str):
        raise MalformedTokenError(f"a token is a string, not {type(token).__name__}")
    if len(token) > MAX_TOKEN_LENGTH:
        raise MalformedTokenError(f"token is {len(token)} characters, over {MAX_TOKEN_LENGTH}")
    segments = token.split(".")
    if len(segments) != 3:
        raise MalformedTokenError(f"a JWS has 3 dot-separated parts, this has {len(segments)}")
    header_b64, payload_b64, signature_b64 = segments
    return TokenParts(
        header=_json_object(header_b64, "header"),
        payload=_json_object(payload_b64, "payload"),
        signature=b64url_decode(signature_b64),
        signing_input=f"{header_b64}.{payload_b64}".encode("ascii"),
        segments=(header_b64, payload_b64, signature_b64),
    )


def compact_json(value: dict[str, Any]) -> bytes:
    """JSON as PyJWT writes it: no spaces, non-ASCII escaped, keys in the order given."""
    return json.dumps(value, separators=(",", ":")).encode("utf-8")


def sign_hs256(header: dict[str, Any], payload: dict[str, Any], key: str | bytes) -> str:
    """Build an HS256 token with nothing but the standard library (chapter 1's by-hand token).

    The header's keys are sorted, as PyJWT sorts them, so both spell the same token.
    """
    secret = key.encode("utf-8") if isinstance(key, str) else key
    header_json = compact_json(dict(sorted(header.items())))
    signing_input = f"{b64url_encode(header_json)}.{b64url_encode(compact_json(payload))}"
    mac = hmac.new(secret, signing_input.encode("ascii"), hashlib.sha256).digest()
    return f"{signing_input}.{b64url_encode(mac)}"
