"""A compact JWS taken apart by hand: strict base64url, the three segments, the signing input.

Only the standard library is used here, so chapter 1 can show every byte. Parsing is strict:
a token has exactly one spelling (RFC 7515 section 2: base64url without padding), and anything
else raises `MalformedTokenError`, whose message names the part and the character at fault. A
space or line break pasted into a token is refused too: a server must not accept altered input.
The inspectors remove them first with `pasted_token`, which says what it removed.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import re
from typing import Any, NamedTuple

from meeting_tokens.core.errors import MalformedTokenError

MAX_TOKEN_LENGTH = 8192  # characters; checked before any decoding
HS256_HEADER = {"alg": "HS256", "typ": "JWT"}  # what PyJWT writes, and Daily's example token has
# What a malformed token's error says, as templates: ``{name}`` is filled with the value,
# ``{name!r}`` with its repr (str.format). The in-page mirror fills the same table (assets.py).
MESSAGES = {
    "alphabet": "not base64url: {char!r} in the {part}, at position {position}; "
    "only A-Z a-z 0-9 - _ are allowed, no padding",
    "impossible_length": "not base64url: the {part}'s length, {length}, is an impossible length "
    "(one character too many or three too few)",
    "stray_bits": "not canonical base64url: {char!r}, the last character of the {part} "
    "(position {position}), has stray bits",
    "text_not_string": "base64url text is a string, not {type}",
    "not_json": "the {segment} is not JSON: {problem}",
    "too_deep": "the {segment} nests too deeply to be a token",
    "not_object": "the {segment} must be a JSON object",
    "not_string": "a token is a string, not {type}",
    "too_long": "token is {length} characters, over {limit}",
    "parts": "a JWS has 3 dot-separated parts, this has {count}",
}
PART_NAMES = ("header", "payload", "signature")  # a compact JWS's segments, in order
_OUTSIDE_ALPHABET = re.compile(r"[^A-Za-z0-9_-]")
_FROM_URL_ALPHABET = bytes.maketrans(b"-_", b"+/")
# The last character of a segment whose length is 2 or 3 past a multiple of 4 carries bits past
# the data; canonical base64url sets them to zero, which leaves only these characters.
_CANONICAL_LAST = {2: frozenset("AQgw"), 3: frozenset("AEIMQUYcgkosw048")}


def b64url_encode(data: bytes) -> str:
    """base64url without padding (RFC 7515, Appendix C)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _check_alphabet(text: str, part: str) -> None:
    """Name the first character outside base64url's alphabet, its position from 1, its part."""
    if (outside := _OUTSIDE_ALPHABET.search(text)) is not None:
        position = outside.start() + 1
        raise MalformedTokenError(MESSAGES["alphabet"].format(char=outside[0], position=position, part=part))


def b64url_decode(text: str, part: str = "text") -> bytes:
    """Decode strict base64url: URL alphabet, no padding, canonical (unused bits zero).

    `part` names the text in error messages ("header", "payload", "signature").
    """
    if not isinstance(text, str):
        raise MalformedTokenError(MESSAGES["text_not_string"].format(type=type(text).__name__))
    _check_alphabet(text, part)
    return _decode_alphabet_checked(text, part)


def _decode_alphabet_checked(text: str, part: str) -> bytes:
    remainder = len(text) % 4
    if remainder == 1:
        raise MalformedTokenError(MESSAGES["impossible_length"].format(part=part, length=len(text)))
    if remainder and text[-1] not in _CANONICAL_LAST[remainder]:
        raise MalformedTokenError(MESSAGES["stray_bits"].format(char=text[-1], part=part, position=len(text)))
    padded = text.encode("ascii").translate(_FROM_URL_ALPHABET) + b"=" * (-remainder % 4)
    try:
        return binascii.a2b_base64(padded)
    except binascii.Error as exc:  # not expected after the checks above; kept as a token error
        raise MalformedTokenError(f"not base64url: {exc}") from None


# White space an inspector removes from a pasted token (the in-page mirror removes exactly these),
# and what it says it removed; a CR LF pair is one line break.
PASTE_WHITESPACE = " \t\r\n"
PASTE_MESSAGES = {
    "removed": "{removed} removed from inside the token",
    "and": "{first} and {last}",
}
PASTE_NAMES = {  # singular and plural
    "line_break": ("line break", "line breaks"),
    "tab": ("tab", "tabs"),
    "space": ("space", "spaces"),
}
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_PASTED_WHITESPACE = re.compile(r"[ \t\r\n]")


class PastedToken(NamedTuple):
    """A paste without its white space, and what was removed from inside it ("" for nothing)."""

    token: str
    removed: str


def pasted_token(text: str) -> PastedToken:
    """Remove white space around a pasted token (silently) and inside it (saying so).

    For the inspectors (widgets, command line), which show the note: `decode_parts` and the
    validator refuse such a token, since a server must not accept altered input.
    """
    token = text.strip(PASTE_WHITESPACE)
    counts = {
        "line_break": len(_LINE_BREAK.findall(token)),
        "tab": token.count("\t"),
        "space": token.count(" "),
    }
    removed = [f"{count} {PASTE_NAMES[kind][count != 1]}" for kind, count in counts.items() if count]
    if not removed:
        return PastedToken(token, "")
    if len(removed) > 1:
        removed = [PASTE_MESSAGES["and"].format(first=", ".join(removed[:-1]), last=removed[-1])]
    note = PASTE_MESSAGES["removed"].format(removed=removed[0])
    return PastedToken(_PASTED_WHITESPACE.sub("", token), note)


class TokenParts(NamedTuple):
    """A token's three segments, decoded: what every check looks at (immutable, like a tuple)."""

    header: dict[str, Any]
    payload: dict[str, Any]
    signature: bytes
    signing_input: bytes
    segments: tuple[str, str, str]

    def _repr_html_(self) -> str:
        from meeting_tokens.drawing.display import parts_html

        return parts_html(self)


def reject_json_constant(name: str) -> None:
    """Refuse ``NaN``, ``Infinity`` and ``-Infinity``: Python's json reads them, JSON has none."""
    raise ValueError(f"{name} is not JSON")


# One decoder for every call: json.loads with an option would build a new one each time.
_JSON = json.JSONDecoder(parse_constant=reject_json_constant)


def _json_object(segment: str, name: str) -> dict[str, Any]:
    raw = _decode_alphabet_checked(segment, name)
    try:
        value = _JSON.decode(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise MalformedTokenError(MESSAGES["not_json"].format(segment=name, problem=exc)) from None
    except RecursionError:
        raise MalformedTokenError(MESSAGES["too_deep"].format(segment=name)) from None
    if not isinstance(value, dict):
        raise MalformedTokenError(MESSAGES["not_object"].format(segment=name))
    return value


def decode_parts(token: str) -> TokenParts:
    """Split a compact JWS into header, payload and signature, decoding each strictly."""
    if not isinstance(token, str):
        raise MalformedTokenError(MESSAGES["not_string"].format(type=type(token).__name__))
    if len(token) > MAX_TOKEN_LENGTH:
        raise MalformedTokenError(MESSAGES["too_long"].format(length=len(token), limit=MAX_TOKEN_LENGTH))
    segments = token.split(".")
    if len(segments) != 3:
        raise MalformedTokenError(MESSAGES["parts"].format(count=len(segments)))
    for part, segment in zip(PART_NAMES, segments, strict=True):
        _check_alphabet(segment, part)  # a stray character anywhere first: it is what went wrong
    header_b64, payload_b64, signature_b64 = segments
    if header_b64 in _COMMON_HEADERS:
        header = dict(_COMMON_HEADERS[header_b64])  # a copy: the caller may change it
    else:
        header = _json_object(header_b64, "header")
    payload = _json_object(payload_b64, "payload")
    signature = _decode_alphabet_checked(signature_b64, "signature")
    signing_input = token[: len(header_b64) + 1 + len(payload_b64)].encode("ascii")  # both are ASCII now
    return TokenParts(header, payload, signature, signing_input, (header_b64, payload_b64, signature_b64))


# One encoder for every call: json.dumps with options would build a new one each time.
_COMPACT = json.JSONEncoder(separators=(",", ":"))


def compact_json(value: dict[str, Any]) -> bytes:
    """JSON as PyJWT writes it: no spaces, non-ASCII escaped, keys in the order given."""
    return _COMPACT.encode(value).encode("utf-8")


# The headers nearly every HS256 token carries (PyJWT's, Daily's), decoded once: decoding them
# again would give the same dict.
_COMMON_HEADERS = {
    b64url_encode(compact_json(header)): header
    for header in (HS256_HEADER, {"alg": "HS256"})
}


def sign_hs256(header: dict[str, Any], payload: dict[str, Any], key: str | bytes) -> str:
    """Build an HS256 token with nothing but the standard library (chapter 1's by-hand token).

    The header's keys are sorted, as PyJWT sorts them, so both spell the same token.
    """
    secret = key.encode("utf-8") if isinstance(key, str) else key
    header_json = compact_json(dict(sorted(header.items())))
    signing_input = f"{b64url_encode(header_json)}.{b64url_encode(compact_json(payload))}"
    mac = hmac.digest(secret, signing_input.encode("ascii"), "sha256")
    return f"{signing_input}.{b64url_encode(mac)}"
