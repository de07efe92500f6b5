"""meeting_tokens: Daily meeting tokens (JWTs) taken apart, minted, self-signed and validated.

The helper package of the book "Meeting Tokens, Hands-On". Public names are listed in
`__all__`; everything else is internal.
"""

from meeting_tokens.api import AsyncDailyClient, DailyClient, DailyEmulator, connect
from meeting_tokens.claims import CLAIM_NAMES, to_claims, to_properties
from meeting_tokens.errors import DailyAPIError, TokenError
from meeting_tokens.jwt_parts import TokenParts, b64url_decode, b64url_encode, decode_parts
from meeting_tokens.signing import self_sign
from meeting_tokens.validation import Check, ValidationReport, precheck_claims, validate_token

__all__ = [
    "AsyncDailyClient",
    "CLAIM_NAMES",
    "Check",
    "DailyAPIError",
    "DailyClient",
    "DailyEmulator",
    "TokenError",
    "TokenParts",
    "ValidationReport",
    "b64url_decode",
    "b64url_encode",
    "connect",
    "decode_parts",
    "precheck_claims",
    "self_sign",
    "to_claims",
    "to_properties",
    "validate_token",
]
