"""Validating a meeting token in layers, cheapest first, each layer named in a report.

structure -> header -> time -> scope -> signature (local, with the API key) -> daily (through
Daily's `GET /meeting-tokens/:token`). The first failure stops the run and later checks are
reported as skipped. A bad token never raises here: it comes back as a `ValidationReport`.
Rules follow RFC 7519 (NumericDate times) and RFC 8725 (algorithm allow-list, no `alg: none`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from jwt.algorithms import HMACAlgorithm
from jwt.exceptions import InvalidKeyError

from meeting_tokens.core import errors
from meeting_tokens.core.clock import Instant, unix_time
from meeting_tokens.core.errors import (
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
_HS256 = HMACAlgorithm(HMACAlgorithm.SHA256)
_ERRORS_BY_CODE = {
    cls.code: cls
    for cls in vars(errors).values()
    if isinstance(cls, type) and issubclass(cls, TokenError)
}


class TokenValidator(Protocol):
    """What the `daily` check needs: a `DailyClient`, or anything with the same method."""

    def validate_meeting_token(self, token: str, *, ignore_nbf: bool = False) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class Check:
    """One layer's outcome: `passed` is True, False, or None when the layer was skipped."""

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
    def valid(self) -> bool:
        """No check failed. For a full validation, a signature or Daily check also passed."""
        return self.failure is None and any(check.passed for check in self.checks)

    @property
    def verified(self) -> bool:
        """A signature check, local or Daily's, vouched for the token."""
        return any(c.passed for c in self.checks if c.name in ("signature", "daily"))

    @property
    def reason(self) -> str | None:
        failure = self.failure
        return None if failure is None else failure.detail

    @property
    def code(self) -> str | None:
        failure = self.failure
        return None if failure is None else failure.code

    def raise_for_failure(self) -> None:
        """Raise the `TokenError` subclass matching the first failure, if there is one."""
        if (failure := self.failure) is not None:
            raise _ERRORS_BY_CODE.get(failure.code, TokenError)(failure.detail)

    def __repr__(self) -> str:
        from meeting_tokens.drawing.display import report_text

        return report_text(self)

    def _repr_html_(self) -> str:
        from meeting_tokens.drawing.display import report_html

        return report_html(self)


def is_numeric_date(value: Any) -> bool:
    """An integer and not a bool: an RFC 7519 NumericDate as this validator accepts it."""
    return isinstance(value, int) and not isinstance(value, bool)


def _check_header(header: dict[str, Any]) -> str:
    alg = header.get("alg")
    if not isinstance(alg, str):
        raise UnsupportedAlgorithmError("the header has no alg string")
    if alg.lower() == "none":
        raise UnsupportedAlgorithmError(f"alg {alg!r}: unsigned tokens are never accepted")
    if alg not in ALLOWED_ALGORITHMS:
        raise UnsupportedAlgorithmError(f"alg {alg!r} is not in the allow-list {ALLOWED_ALGORITHMS}")
    if "crit" in header:
        raise UnsupportedAlgorithmError("crit header: extensions this validator does not know")
    return f"alg {alg} is allowed"


def _check_time(
    claims: dict[str, Any], now: float, leeway: float, ignore_nbf: bool, allow_no_expiry: bool
) -> str:
    for name in ("exp", "nbf", "iat"):
        if name in claims and not is_numeric_date(claims[name]):
            raise InvalidClaimError(f"{name} must be an integer NumericDate, not {claims[name]!r}", name)
    if "exp" not in claims and not allow_no_expiry:
        raise MissingClaimError("no exp: the token would never expire", "exp")
    seconds = round(now)  # messages use int arithmetic: a huge integer claim is no float
    if "exp" in claims and claims["exp"] <= now - leeway:
        raise ExpiredTokenError(f"expired: exp {claims['exp']} is {seconds - claims['exp']} s ago")
    if not ignore_nbf and "nbf" in claims and claims["nbf"] > now + leeway:
        raise NotYetValidError(f"not yet valid: nbf {claims['nbf']} is {claims['nbf'] - seconds} s ahead")
    if "iat" in claims and claims["iat"] > now + leeway:
        ahead = claims["iat"] - seconds
        raise NotYetValidError(f"issued in the future: iat {claims['iat']} is {ahead} s ahead")
    if "exp" not in claims:
        return "no exp (allowed by the caller): never expires"
    return f"inside its validity window: exp in {claims['exp'] - seconds} s"


def _check_scope(
    claims: dict[str, Any], room_name: str | None, domain_id: str | None, allow_unscoped: bool
) -> str:
    if "r" in claims and not isinstance(claims["r"], str):
        raise InvalidClaimError(f"r must be a room name string, not {claims['r']!r}", "r")
    if "r" not in claims and not allow_unscoped:
        raise MissingClaimError("no r: the token would open every room of the domain", "r")
    if room_name is not None and "r" in claims and claims["r"] != room_name:
        raise WrongRoomError(f"wrong room: token is for {claims['r']!r}, not {room_name!r}")
    if domain_id is not None and "d" not in claims:
        raise MissingClaimError("no d: the token names no Daily domain", "d")
    if domain_id is not None and claims["d"] != domain_id:
        raise WrongDomainError(f"wrong domain: d is {claims['d']!r}, not {domain_id!r}")
    room = f"room {claims['r']!r}" if "r" in claims else "every room (allowed by the caller)"
    return f"for {room}" + (" of this domain" if domain_id is not None else "")


def _check_signature(parts: TokenParts, api_key: str | bytes) -> str:
    try:
        key = _HS256.prepare_key(api_key)
    except InvalidKeyError as exc:
        raise InvalidSignatureError(f"unusable key: {exc}") from None
    if not _HS256.verify(parts.signing_input, key, parts.signature):
        raise InvalidSignatureError("bad signature: not the HMAC-SHA256 of the token under this key")
    return "HMAC-SHA256 matches under the API key"


def _check_daily(token: str, client: TokenValidator, ignore_nbf: bool) -> str:
    try:
        client.validate_meeting_token(token, ignore_nbf=ignore_nbf)
    except DailyAPIError as exc:
        if exc.status_code not in (400, 404):
            raise  # not the token's fault (bad key, rate limit, outage): the caller must know
        raise RejectedByDailyError(f"Daily refused it: {exc.error} {exc.info or ''}".strip()) from None
    return "Daily accepted it (GET /meeting-tokens/:token)"


def _run(token: Any, steps: list[tuple[str, Callable[[TokenParts], str] | str]]) -> ValidationReport:
    """Run named steps in order. A step is a function, or a string saying why it is skipped."""
    checks: list[Check] = []
    parts: TokenParts | None = None
    try:
        parts = decode_parts(token)
        checks.append(Check("structure", True, "three base64url parts, JSON header and payload"))
    except TokenError as exc:
        checks.append(Check("structure", False, str(exc), exc.code))
    failed = parts is None
    for name, step in steps:
        if failed:
            checks.append(Check(name, None, "skipped: an earlier check failed"))
        elif isinstance(step, str):
            checks.append(Check(name, None, step))
        else:
            try:
                checks.append(Check(name, True, step(parts)))
            except TokenError as exc:
                checks.append(Check(name, False, str(exc), exc.code))
                failed = True
    return ValidationReport(tuple(checks), None if parts is None else parts.payload)


def _claim_steps(
    room_name: str | None,
    domain_id: str | None,
    now: Instant | None,
    leeway: float,
    ignore_nbf: bool,
    allow_unscoped: bool,
    allow_no_expiry: bool,
) -> list[tuple[str, Callable[[TokenParts], str]]]:
    if isinstance(leeway, bool) or not isinstance(leeway, int | float) or not 0 <= leeway < math.inf:
        raise ValueError(f"leeway must be a non-negative number of seconds, not {leeway!r}")
    instant = unix_time(now)
    return [
        ("header", lambda p: _check_header(p.header)),
        ("time", lambda p: _check_time(p.payload, instant, leeway, ignore_nbf, allow_no_expiry)),
        ("scope", lambda p: _check_scope(p.payload, room_name, domain_id, allow_unscoped)),
    ]


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
    verified: `report.verified` stays False until a signature check vouches for the token.
    """
    steps: list[tuple[str, Callable[[TokenParts], str] | str]] = [
        *_claim_steps(room_name, domain_id, now, leeway, ignore_nbf, allow_unscoped, allow_no_expiry),
        ("signature", "not checked: pre-checks only"),
        ("daily", "not checked: pre-checks only"),
    ]
    return _run(token, steps)


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
    """Pre-checks, then the signature with `api_key` and/or Daily's verdict through `client`.

    With neither `api_key` nor `client` it raises `TypeError`: nothing is called valid
    without a signature check. A REST-minted token is signed by Daily, so only `client` can
    vouch for it; a self-signed one can be checked locally with the key that signed it.
    """
    if api_key is None and client is None:
        raise TypeError("validate_token needs api_key (local HS256 check) or client (Daily), or both")
    steps: list[tuple[str, Callable[[TokenParts], str] | str]] = [
        *_claim_steps(room_name, domain_id, now, leeway, ignore_nbf, allow_unscoped, allow_no_expiry),
        ("signature", "not checked here: no api_key given")
        if api_key is None
        else ("signature", lambda p: _check_signature(p, api_key)),
        ("daily", "not asked: no client given")
        if client is None
        else ("daily", lambda p: _check_daily(token, client, ignore_nbf)),
    ]
    return _run(token, steps)
