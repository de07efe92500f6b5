"""Self-signing: a Daily meeting token made on your server with the domain's API key.

Daily accepts an HS256 token signed with the API key when its payload carries `r`, `d` and
`iat` (https://docs.daily.co/docs/guides/privacy-and-security/self-signing-tokens). Safe by
default: no room or no expiry must be asked for by name. The token is assembled by
`jwt_parts.sign_hs256`, whose output the tests hold byte-identical to PyJWT's `jwt.encode`.
"""

from __future__ import annotations

from typing import Any

from meeting_tokens.core.claims import is_integer, require_valid_properties, to_claims, unsignable_permissions
from meeting_tokens.core.clock import Instant, unix_time
from meeting_tokens.core.errors import InvalidPropertiesError, TokenError
from meeting_tokens.core.jwt_parts import HS256_HEADER, sign_hs256


def _require_text(name: str, value: object, hint: str) -> None:
    """A non-empty string, or ``TypeError`` / ``ValueError`` saying what ``name`` must be."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a non-empty string{hint}, not {type(value).__name__}")
    if not value:
        raise ValueError(f"{name} must be a non-empty string{hint}")


def self_sign(
    api_key: str,
    *,
    room_name: str | None,
    domain_id: str,
    expires_in: int | None = 3600,
    now: Instant | None = None,
    allow_unscoped: bool = False,
    allow_no_expiry: bool = False,
    **properties: Any,
) -> str:
    """Sign a meeting token with the API key: `r`, `d`, `iat`, `exp`, then the other claims.

    ``expires_in`` is seconds from ``now``. A token with no room opens every room of the domain,
    and one with no expiry lives until the key is regenerated: both raise ``TokenError`` unless
    ``allow_unscoped=True`` / ``allow_no_expiry=True`` says that is what you mean. Other argument
    mistakes raise ``TypeError`` (wrong type) or ``ValueError`` (wrong value). Any non-empty
    string is an HMAC key here; ``DailyClient`` is stricter, because its key goes in a header.
    """
    _require_text("api_key", api_key, "")
    _require_text("domain_id", domain_id, " (GET /v1/ returns it)")
    if room_name is None and not allow_unscoped:
        raise TokenError("no room_name: the token would open every room; pass allow_unscoped=True")
    if expires_in is None and not allow_no_expiry:
        raise TokenError("no expiry: the token would never expire; pass allow_no_expiry=True")
    if expires_in is not None:
        problem = f"expires_in must be a positive whole number of seconds, not {expires_in!r}"
        if not is_integer(expires_in):
            raise TypeError(problem)
        if expires_in <= 0:
            raise ValueError(problem)
    for name in ("exp", "room_name", "domain_id"):
        if name in properties:
            raise TypeError(f"pass {name} through its own argument, not as a property")

    issued_at = int(unix_time(now))
    scoped = {} if room_name is None else {"room_name": room_name}
    timed = {} if expires_in is None else {"exp": issued_at + expires_in}
    require_valid_properties(scoped | timed | properties)
    if problems := unsignable_permissions(properties):
        raise InvalidPropertiesError(problems)
    head = {"r": room_name} if room_name is not None else {}
    payload = head | {"d": domain_id, "iat": issued_at} | to_claims(timed | properties)
    return sign_hs256(HS256_HEADER, payload, api_key)
