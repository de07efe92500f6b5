"""One exception hierarchy for everything the package raises about tokens and Daily's API.

The tree::

    MeetingTokensError
    ├── TokenError                    a token problem; ``code`` names its category
    │   ├── MalformedTokenError
    │   ├── UnsupportedAlgorithmError
    │   ├── UnsupportedCriticalHeaderError
    │   ├── ClaimError                a problem with one claim; ``claim`` names it
    │   │   ├── InvalidClaimError
    │   │   ├── MissingClaimError
    │   │   │   └── MissingSelfSignedClaimError
    │   │   ├── ExpiredTokenError
    │   │   ├── NotYetValidError
    │   │   ├── WrongRoomError
    │   │   └── WrongDomainError
    │   ├── InvalidSignatureError
    │   ├── RejectedByDailyError
    │   └── InvalidPropertiesError    (also a ValueError)
    └── DailyAPIError                 a non-2xx answer from Daily's REST API

Mistakes in the arguments of a call (an empty key, a negative leeway) are plain ``ValueError``
or ``TypeError``, as in PyJWT. Each ``TokenError`` subclass carries a short ``code``, the reason
category shown in reports, in the book and by the in-page widgets; ``ERRORS_BY_CODE`` maps it back.
"""

from __future__ import annotations


class MeetingTokensError(Exception):
    """Base of every error this package raises on purpose (argument mistakes aside)."""


class TokenError(MeetingTokensError):
    """A token that cannot be used: the base of every token error."""

    code = "token-error"


class MalformedTokenError(TokenError):
    """The token is not a compact JWS: wrong shape, bad base64url, bad JSON, too large."""

    code = "malformed"


class UnsupportedAlgorithmError(TokenError):
    """The header names an algorithm outside the caller's allow-list (or none at all)."""

    code = "unsupported-algorithm"


class UnsupportedCriticalHeaderError(TokenError):
    """The header's ``crit`` names extensions that must be understood, and this validator knows none.

    RFC 7515, section 4.1.11: a recipient that does not understand them must reject the token.
    """

    code = "unsupported-critical-header"


class ClaimError(TokenError):
    """A problem with one claim of the payload, named by ``claim`` (None when unknown)."""

    def __init__(self, message: str, claim: str | None = None) -> None:
        super().__init__(message)
        self.claim = claim


class InvalidClaimError(ClaimError):
    """A claim has the wrong type, such as an ``exp`` that is a string rather than an integer."""

    code = "invalid-claim"


class MissingClaimError(ClaimError):
    """A claim the check requires is absent (``exp`` or ``r`` unless explicitly allowed)."""

    code = "missing-claim"


class MissingSelfSignedClaimError(MissingClaimError):
    """A claim Daily requires in every self-signed token (``r``, ``iat``, ``d``) is absent or empty."""

    code = "missing-self-signed-claim"


class ExpiredTokenError(ClaimError):
    """``exp`` is at or before now (minus leeway)."""

    code = "expired"


class NotYetValidError(ClaimError):
    """``nbf`` or ``iat`` is after now (plus leeway)."""

    code = "not-yet-valid"


class WrongRoomError(ClaimError):
    """The token's ``r`` is not the room it is being used for."""

    code = "wrong-room"


class WrongDomainError(ClaimError):
    """The token's ``d`` is not the expected Daily domain."""

    code = "wrong-domain"


class InvalidSignatureError(TokenError):
    """The signature is not the HMAC of the signing input under the given key."""

    code = "invalid-signature"


class RejectedByDailyError(TokenError):
    """Daily's ``GET /meeting-tokens/:token`` (or the emulator) refused the token."""

    code = "rejected-by-daily"


class InvalidPropertiesError(TokenError, ValueError):
    """Meeting-token properties that Daily would refuse; ``problems`` lists every one."""

    code = "invalid-properties"

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class DailyAPIError(MeetingTokensError):
    """A non-2xx answer from Daily's REST API, with Daily's error body."""

    def __init__(self, status_code: int, error: str, info: str | None = None) -> None:
        super().__init__(f"{status_code} {error}" + (f": {info}" if info else ""))
        self.status_code = status_code
        self.error = error
        self.info = info


ERRORS_BY_CODE: dict[str, type[TokenError]] = {
    cls.code: cls
    for cls in (
        TokenError, MalformedTokenError, UnsupportedAlgorithmError, UnsupportedCriticalHeaderError,
        InvalidClaimError, MissingClaimError, MissingSelfSignedClaimError, ExpiredTokenError,
        NotYetValidError, WrongRoomError, WrongDomainError, InvalidSignatureError, RejectedByDailyError,
        InvalidPropertiesError,
    )
}  # fmt: skip
