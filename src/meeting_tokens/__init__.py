"""meeting_tokens: Daily meeting tokens (JWTs) taken apart, minted, self-signed and validated.

The helper package of the book "Meeting Tokens, Hands-On". Import the token core and the client
from here (``__all__`` lists them); the rest comes from a few named places, each name from one:

- ``meeting_tokens.api``: the clients, the emulator, ``connect()``, the demo key and domain;
  ``meeting_tokens.api.serve``: ``serving()``, the emulator on a loopback port;
- ``meeting_tokens.game``: the article's game server in miniature;
- ``meeting_tokens.widgets``: the notebook widgets;
- ``meeting_tokens.chapters``: content made for the chapters (forged tokens, storage options,
  the exercises' checks);
- ``meeting_tokens.drawing.display`` and ``meeting_tokens.drawing.diagrams``: HTML and diagrams.

Everything else (``meeting_tokens.core`` and the modules inside each package) is internal.
"""

from meeting_tokens.api import AsyncDailyClient, DailyClient, DailyEmulator, connect
from meeting_tokens.core.claims import CLAIM_NAMES, to_claims, to_properties
from meeting_tokens.core.errors import DailyAPIError, MeetingTokensError, TokenError
from meeting_tokens.core.jwt_parts import (
    TokenParts,
    b64url_decode,
    b64url_encode,
    compact_json,
    decode_parts,
    sign_hs256,
)
from meeting_tokens.core.signing import self_sign
from meeting_tokens.core.validation import Check, ValidationReport, precheck_claims, validate_token

__all__ = [
    "AsyncDailyClient",
    "CLAIM_NAMES",
    "Check",
    "DailyAPIError",
    "DailyClient",
    "DailyEmulator",
    "MeetingTokensError",
    "TokenError",
    "TokenParts",
    "ValidationReport",
    "b64url_decode",
    "b64url_encode",
    "compact_json",
    "connect",
    "decode_parts",
    "precheck_claims",
    "self_sign",
    "sign_hs256",
    "to_claims",
    "to_properties",
    "validate_token",
]
