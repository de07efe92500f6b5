"""Validating a meeting token in layers, cheapest first, each layer named in a report.

structure -> header -> time -> scope -> signature (local, with the API key) -> daily (through
Daily's `GET /meeting-tokens/:token`). The first failure stops the run and later checks are
reported as skipped. A bad token never raises here: it comes back as a `ValidationReport`.
Rules follow RFC 7519 (NumericDate times) and RFC 8725 (algorithm allow-list, no `alg: none`).
The checks run in straight-line code and reuse the `Check` objects that never change: validation
runs on every join, so it is kept near the cost of parsing and one HMAC.
"""

from __future__ import annotations

import hmac
import math
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

from meeting_tokens.core.claims import is_integer
from meeting_tokens.core.clock import Instant, unix_time
from meeting_tokens.core.errors import (
    ERRORS_BY_CODE,
    DailyAPIError,
    ExpiredTokenError,
    InvalidClaimError,
    InvalidSignatureError,
    MissingClaimError,
    NotYetValidError,
    RejectedByDailyError,
    TokenError,
    UnsupportedAlgorithmError,
    WrongDomainError,
    WrongRoomError,
)
from meeting_tokens.core.jwt_parts import TokenParts, decode_parts

ALLOWED_ALGORITHMS = ("HS256",)
CHECK_NAMES = ("structure", "header", "time", "scope", "signature", "daily")
VERDICTS = {"valid": "valid: every check passed", "unchecked": "pre-checks passed; signature not checked"}
# How SSH public keys begin: such a key is not a shared secret (PyJWT refuses them too).
SSH_KEY_PREFIXES = ("ssh-ed25519", "ssh-rsa", "ssh-dss", "ecdsa-sha2-")
_SSH_KEY_PREFIXES = tuple(prefix.encode("ascii") for prefix in SSH_KEY_PREFIXES)
_SPACE = b" \t\r\n"  # JSON's whitespace


class TokenValidator(Protocol):
    """What the ``daily`` check needs: a ``DailyClient``, or anything with the same method."""

    def validate_meeting_token(self, token: str, *, ignore_nbf: bool = False) -> dict[str, Any]: ...


class Check(NamedTuple):
    """One layer's outcome: ``passed`` is True, False, or None when the layer was skipped."""

    name: str
    passed: bool | None
    detail: str
    code: str | None = None


@dataclass(frozen=True, repr=False, slots=True)
class ValidationReport:
    """Every check in order, the decoded claims when readable, and the verdict."""

    checks: tuple[Check, ...]
    claims: dict[str, Any] | None = None

    @property
    def failure(self) -> Check | None:
        return next((check for check in self.checks if check.passed is False), None)

    @property
    def nothing_failed(self) -> bool:
        """No check failed. True for pre-checks that passed, whose signature may still be wrong."""
        return self.failure is None

    @property
    def verified(self) -> bool:
        """A signature check, local or Daily's, vouched for the token."""
        return any(c.passed for c in self.checks if c.name in ("signature", "daily"))

    @property
    def valid(self) -> bool:
        """A signature check (local or Daily's) vouched for the token and no check failed."""
        return self.verified and self.failure is None

    @property
    def state(self) -> str:
        """``"rejected"`` (a check failed), ``"valid"`` (a signature vouched for it and nothing
        failed) or ``"unchecked"`` (nothing failed, but no signature check ran)."""
        if self.failure is not None:
            return "rejected"
        return "valid" if self.verified else "unchecked"

    @property
    def verdict(self) -> str:
        """One line for the whole report (valid, pre-checks passed only, or rejected and why)."""
        if self.state == "rejected":
            return f"rejected ({self.code}): {self.reason}"
        return VERDICTS[self.state]

    @property
    def reason(self) -> str | None:
        failure = self.failure
        return None if failure is None else failure.detail

    @property
    def code(self) -> str | None:
        failure = self.failure
        return None if failure is None else failure.code

    def raise_for_failure(self) -> None:
        """Raise the ``TokenError`` subclass matching the first failure, if there is one."""
        if (failure := self.failure) is not None:
            raise ERRORS_BY_CODE.get(failure.code, TokenError)(failure.detail)

    def __repr__(self) -> str:
        from meeting_tokens.drawing.display import report_text

        return report_text(self)

    def _repr_html_(self) -> str:
        from meeting_tokens.drawing.display import report_html

        return report_html(self)


# The details of checks that never vary (the in-page mirror reads the same table).
CHECK_TEXTS = {
    "skipped": "skipped: an earlier check failed",
    "structure": "three base64url parts, JSON header and payload",
    "signature": "HMAC-SHA256 matches under the API key",
    "daily": "Daily accepted it (GET /meeting-tokens/:token)",
    "no_api_key": "not checked here: no api_key given",
    "no_client": "not asked: no client given",
    "prechecks_only": "not checked: pre-checks only",
}
# Those checks, built once and shared by every report (a Check is immutable).
_SKIPPED = tuple(Check(name, None, CHECK_TEXTS["skipped"]) for name in CHECK_NAMES)
_STRUCTURE_PASSED = Check("structure", True, CHECK_TEXTS["structure"])
_HEADER_PASSED = {alg: Check("header", True, f"alg {alg} is allowed") for alg in ALLOWED_ALGORITHMS}
_SIGNATURE_PASSED = Check("signature", True, CHECK_TEXTS["signature"])
_DAILY_PASSED = Check("daily", True, CHECK_TEXTS["daily"])
_NO_API_KEY = Check("signature", None, CHECK_TEXTS["no_api_key"])
_NO_CLIENT = Check("daily", None, CHECK_TEXTS["no_client"])
_PRECHECKS_ONLY = (
    Check("signature", None, CHECK_TEXTS["prechecks_only"]),
    Check("daily", None, CHECK_TEXTS["prechecks_only"]),
)


def _shown(value: Any) -> str:
    """``repr(value)`` for a message; a value nested too deeply to print is described instead."""
    try:
        return repr(value)
    except RecursionError:
        return f"a {type(value).__name__} nested too deeply to show"


def _seconds(count: int) -> str:
    """An integer for a message. A forged claim can make a difference too long for ``str``."""
    try:
        return str(count)
    except ValueError:  # over Python's limit on printed digits (sys.get_int_max_str_digits)
        return "more than 10**4300" if count > 0 else "less than -10**4300"


def _check_header(header: dict[str, Any]) -> Check:
    alg = header.get("alg")
    if not isinstance(alg, str):
        raise UnsupportedAlgorithmError("the header has no alg string")
    if alg.lower() == "none":
        raise UnsupportedAlgorithmError(f"alg {alg!r}: unsigned tokens are never accepted")
    if alg not in ALLOWED_ALGORITHMS:
        raise UnsupportedAlgorithmError(f"alg {alg!r} is not in the allow-list {ALLOWED_ALGORITHMS}")
    if "crit" in header:
        raise UnsupportedAlgorithmError("crit header: extensions this validator does not know")
    return _HEADER_PASSED[alg]


def _check_time(
    claims: dict[str, Any], now: float, leeway: float, ignore_nbf: bool, allow_no_expiry: bool
) -> str:
    for name in ("exp", "nbf", "iat"):
        if name in claims and not is_integer(claims[name]):  # a NumericDate, as accepted here
            raise InvalidClaimError(
                f"{name} must be an integer NumericDate, not {_shown(claims[name])}", name
            )
    if "exp" not in claims and not allow_no_expiry:
        raise MissingClaimError("no exp: the token would never expire", "exp")
    seconds = round(now)  # messages use int arithmetic: a huge integer claim is no float
    if "exp" in claims and claims["exp"] <= now - leeway:
        exp = claims["exp"]
        raise ExpiredTokenError(f"expired: exp {exp} is {_seconds(seconds - exp)} s ago")
    if not ignore_nbf and "nbf" in claims and claims["nbf"] > now + leeway:
        nbf = claims["nbf"]
        raise NotYetValidError(f"not yet valid: nbf {nbf} is {_seconds(nbf - seconds)} s ahead")
    if "iat" in claims and claims["iat"] > now + leeway:
        iat = claims["iat"]
        raise NotYetValidError(f"issued in the future: iat {iat} is {_seconds(iat - seconds)} s ahead")
    if "exp" not in claims:
        return "no exp (allowed by the caller): never expires"
    return f"inside its validity window: exp in {_seconds(claims['exp'] - seconds)} s"


def _check_scope(
    claims: dict[str, Any], room_name: str | None, domain_id: str | None, allow_unscoped: bool
) -> str:
    room = claims.get("r")
    if "r" in claims and not isinstance(room, str):
        raise InvalidClaimError(f"r must be a room name string, not {_shown(room)}", "r")
    if not room and not allow_unscoped:  # an empty r names no room: it is treated as a missing one
        problem = "no r" if "r" not in claims else "r is empty, like no r"
        raise MissingClaimError(f"{problem}: the token would open every room of the domain", "r")
    if room_name is not None and room and room != room_name:
        raise WrongRoomError(f"wrong room: token is for {room!r}, not {room_name!r}")
    if domain_id is not None and "d" not in claims:
        raise MissingClaimError("no d: the token names no Daily domain", "d")
    if domain_id is not None and claims["d"] != domain_id:
        raise WrongDomainError(f"wrong domain: d is {_shown(claims['d'])}, not {domain_id!r}")
    scope = f"room {room!r}" if room else "every room (allowed by the caller)"
    return f"for {scope}" + (" of this domain" if domain_id is not None else "")


def _usable_hmac_key(key: str | bytes) -> bytes:
    """The key's bytes for HMAC-SHA256, unless the key is plainly not a shared secret.

    Empty, a PEM block, an SSH public key or a JWK's JSON: whoever passes one of these passed
    the wrong thing (RFC 8725, section 3.1: a key is used with one algorithm only).
    """
    if isinstance(key, bytes):
        secret = key
    elif isinstance(key, str):
        try:
            secret = key.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidSignatureError("unusable key: it is not valid Unicode text") from None
    else:  # a caller's mistake, not the token's: it raises
        raise TypeError(f"api_key must be a string or bytes, not {type(key).__name__}")
    if not secret:
        raise InvalidSignatureError("unusable key: it is empty")
    if b"-----BEGIN " in secret:
        raise InvalidSignatureError(
            "unusable key: it looks like a PEM key or certificate, not a shared secret"
        )
    if secret.startswith(_SSH_KEY_PREFIXES):
        raise InvalidSignatureError("unusable key: it looks like an SSH public key, not a shared secret")
    head = secret.lstrip(_SPACE).removeprefix(b"\xef\xbb\xbf").lstrip(_SPACE)  # a byte order mark too
    if head[:1] in (b"{", b"[") and b'"kty"' in secret:
        raise InvalidSignatureError("unusable key: it looks like a JWK; pass its secret, not its JSON")
    return secret


def _check_signature(parts: TokenParts, api_key: str | bytes) -> None:
    expected = hmac.digest(_usable_hmac_key(api_key), parts.signing_input, "sha256")
    if not hmac.compare_digest(expected, parts.signature):
        raise InvalidSignatureError("bad signature: not the HMAC-SHA256 of the token under this key")


def _check_daily(token: str, client: TokenValidator, ignore_nbf: bool) -> None:
    try:
        client.validate_meeting_token(token, ignore_nbf=ignore_nbf)
    except DailyAPIError as exc:
        if exc.status_code not in (400, 404):
            raise  # not the token's fault (bad key, rate limit, outage): the caller must know
        raise RejectedByDailyError(f"Daily refused it: {exc.error} {exc.info or ''}".strip()) from None


def _instant(now: Instant | None, leeway: float) -> float:
    """``now`` as unix seconds, after checking ``leeway``: mistakes here are the caller's."""
    if isinstance(leeway, bool) or not isinstance(leeway, (int, float)) or not 0 <= leeway < math.inf:
        raise ValueError(f"leeway must be a non-negative number of seconds, not {leeway!r}")
    return unix_time(now)


def _prechecks(
    token: Any,
    room_name: str | None,
    domain_id: str | None,
    now: float,
    leeway: float,
    ignore_nbf: bool,
    allow_unscoped: bool,
    allow_no_expiry: bool,
) -> tuple[TokenParts | None, list[Check]]:
    """Structure, header, time and scope, in order; a failure ends the list."""
    try:
        parts = decode_parts(token)
    except TokenError as exc:
        return None, [Check("structure", False, str(exc), exc.code)]
    checks = [_STRUCTURE_PASSED]
    step = "header"  # the check running now, to name it if it fails
    try:
        checks.append(_check_header(parts.header))
        step = "time"
        checks.append(Check(step, True, _check_time(parts.payload, now, leeway, ignore_nbf, allow_no_expiry)))
        step = "scope"
        checks.append(Check(step, True, _check_scope(parts.payload, room_name, domain_id, allow_unscoped)))
    except TokenError as exc:
        checks.append(Check(step, False, str(exc), exc.code))
    return parts, checks


def _report(parts: TokenParts | None, checks: list[Check]) -> ValidationReport:
    """The report: the checks that ran, then the rest as skipped."""
    return ValidationReport((*checks, *_SKIPPED[len(checks) :]), None if parts is None else parts.payload)


def precheck_claims(
    token: str,
    *,
    room_name: str | None = None,
    now: Instant | None = None,
    leeway: float = 0,
    domain_id: str | None = None,
    ignore_nbf: bool = False,
    allow_unscoped: bool = False,
    allow_no_expiry: bool = False,
) -> ValidationReport:
    """Cheap checks with no cryptography: structure, header, time, scope.

    Run them before anything that costs a round trip. A report that passes them is not
    ``valid``: ``report.nothing_failed`` is True, but ``report.valid`` and ``report.verified``
    stay False until a signature check vouches for the token.
    """
    instant = _instant(now, leeway)
    parts, checks = _prechecks(
        token, room_name, domain_id, instant, leeway, ignore_nbf, allow_unscoped, allow_no_expiry
    )
    if checks[-1].passed is not False:
        checks += _PRECHECKS_ONLY
    return _report(parts, checks)


def validate_token(
    token: str,
    *,
    api_key: str | bytes | None = None,
    client: TokenValidator | None = None,
    room_name: str | None = None,
    domain_id: str | None = None,
    now: Instant | None = None,
    leeway: float = 0,
    ignore_nbf: bool = False,
    allow_unscoped: bool = False,
    allow_no_expiry: bool = False,
) -> ValidationReport:
    """Pre-checks, then the signature with ``api_key`` and/or Daily's verdict through ``client``.

    With neither ``api_key`` nor ``client`` it raises ``TypeError``: nothing is called valid
    without a signature check. A REST-minted token is signed by Daily, so only ``client`` can
    vouch for it; a self-signed one can be checked locally with the key that signed it.
    """
    if api_key is None and client is None:
        raise TypeError("validate_token needs api_key (local HS256 check) or client (Daily), or both")
    instant = _instant(now, leeway)
    parts, checks = _prechecks(
        token, room_name, domain_id, instant, leeway, ignore_nbf, allow_unscoped, allow_no_expiry
    )
    if checks[-1].passed is False:
        return _report(parts, checks)
    if api_key is None:
        checks.append(_NO_API_KEY)
    else:
        try:
            _check_signature(parts, api_key)
        except TokenError as exc:
            checks.append(Check("signature", False, str(exc), exc.code))
            return _report(parts, checks)
        checks.append(_SIGNATURE_PASSED)
    if client is None:
        checks.append(_NO_CLIENT)
    else:
        try:
            _check_daily(token, client, ignore_nbf)
        except TokenError as exc:
            checks.append(Check("daily", False, str(exc), exc.code))
            return _report(parts, checks)
        checks.append(_DAILY_PASSED)
    return _report(parts, checks)
