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
import sys
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

from meeting_tokens.core.claims import is_integer
from meeting_tokens.core.clock import Instant, duration_text, unix_time
from meeting_tokens.core.errors import (
    ERRORS_BY_CODE,
    DailyAPIError,
    ExpiredTokenError,
    InvalidClaimError,
    InvalidSignatureError,
    MissingClaimError,
    MissingSelfSignedClaimError,
    NotYetValidError,
    RejectedByDailyError,
    TokenError,
    UnsupportedAlgorithmError,
    UnsupportedCriticalHeaderError,
    WrongDomainError,
    WrongRoomError,
)
from meeting_tokens.core.jwt_parts import TokenParts, decode_parts

ALLOWED_ALGORITHMS = ("HS256",)
CHECK_NAMES = ("structure", "header", "time", "scope", "signature", "daily")
# The verdict line for each state (``{code}`` and ``{reason}`` are the first failure's).
VERDICTS = {
    "valid": "valid: every check passed",
    "unchecked": "pre-checks passed; signature not checked",
    "rejected": "rejected ({code}): {reason}",
}
# What failed checks say, as str.format templates (``{name!r}`` is the value's repr); the
# in-page mirror fills the same table (assets.py), so both sides say the same thing.
MESSAGES = {
    "no_alg": "the header has no alg string",
    "alg_none": "alg {alg!r}: unsigned tokens are never accepted",
    "alg_not_allowed": "alg {alg!r} is not allowed: this validator accepts only {allowed}",
    "crit": "crit header: extensions this validator does not know",
    "self_signed_no_r": "no r: Daily refuses a self-signed token without the room name",
    "self_signed_no_iat": "no iat: Daily refuses a self-signed token without its issue time",
    "self_signed_no_d": "no d: Daily refuses a self-signed token without the domain_id",
    "alg_allowed": "alg {alg} is allowed",
    "not_numeric_date": "{claim} must be an integer NumericDate, not {value}",
    "no_exp": "no exp: the token would never expire",
    "expired": "expired: exp {exp} is {span} ago",
    "not_yet_valid": "not yet valid: nbf {nbf} is {span} ahead",
    "issued_in_future": "issued in the future: iat {iat} is {span} ahead",
    "no_exp_allowed": "no exp (allowed by the caller): never expires",
    "in_window": "inside its validity window: exp in {span}",
    "seconds": "{count} s",
    "seconds_in_words": "{words} ({count} s)",
    "more_digits": "more than 10**{digits} s",
    "fewer_digits": "less than -10**{digits} s",
    "r_not_string": "r must be a room name string, not {value}",
    "no_r": "no r: the token would open every room of the domain",
    "empty_r": "r is empty, like no r: the token would open every room of the domain",
    "wrong_room": "wrong room: token is for {room!r}, not {expected!r}",
    "no_d": "no d: the token names no Daily domain",
    "wrong_domain": "wrong domain: d is {value}, not {expected!r}",
    "for_room": "for room {room!r}",
    "for_every_room": "for every room (allowed by the caller)",
    "of_this_domain": "{scope} of this domain",
    "unusable_key": "unusable key: {problem}",
    "bad_signature": "bad signature: not the HMAC-SHA256 of the token under this key",
}
# Why a key is not a shared secret, after "unusable key: " (the page's key checks say the same).
KEY_PROBLEMS = {
    "not_unicode": "it is not valid Unicode text",
    "empty": "it is empty",
    "pem": "it looks like a PEM key or certificate, not a shared secret",
    "ssh": "it looks like an SSH public key, not a shared secret",
    "der": "it looks like a DER-encoded key or certificate (one ASN.1 sequence), not a shared secret",
    "jwk": "it looks like a JWK; pass its secret, not its JSON",
}
# How SSH public keys begin: such a key is not a shared secret (PyJWT refuses them too).
SSH_KEY_PREFIXES = ("ssh-ed25519", "ssh-rsa", "ssh-dss", "ecdsa-sha2-")
_SSH_KEY_PREFIXES = tuple(prefix.encode("ascii") for prefix in SSH_KEY_PREFIXES)
_SPACE = b" \t\r\n"  # JSON's whitespace
# A span of seconds in this range is also told in words: from a day (shorter spans read well in
# seconds) to 2**53 (a forged claim's; the page's numbers are exact up to there).
SPAN_IN_WORDS = (86400, 2**53)


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
        return VERDICTS[self.state].format(code=self.code, reason=self.reason)

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
_HEADER_PASSED = {
    alg: Check("header", True, MESSAGES["alg_allowed"].format(alg=alg)) for alg in ALLOWED_ALGORITHMS
}
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


def _span(count: int) -> str:
    """A difference of seconds for a message: "3600 s", "1 day (86400 s)".

    A forged claim can make a difference too long for ``str``: it is described instead.
    """
    try:
        exact = str(count)
    except ValueError:  # over Python's limit on printed digits (sys.get_int_max_str_digits)
        digits = sys.get_int_max_str_digits()
        return MESSAGES["more_digits" if count > 0 else "fewer_digits"].format(digits=digits)
    if not SPAN_IN_WORDS[0] <= abs(count) <= SPAN_IN_WORDS[1]:
        return MESSAGES["seconds"].format(count=exact)
    return MESSAGES["seconds_in_words"].format(words=duration_text(count), count=exact)


def _check_header(header: dict[str, Any]) -> Check:
    alg = header.get("alg")
    if not isinstance(alg, str):
        raise UnsupportedAlgorithmError(MESSAGES["no_alg"])
    if alg.lower() == "none":
        raise UnsupportedAlgorithmError(MESSAGES["alg_none"].format(alg=alg))
    if alg not in ALLOWED_ALGORITHMS:
        raise UnsupportedAlgorithmError(
            MESSAGES["alg_not_allowed"].format(alg=alg, allowed=", ".join(ALLOWED_ALGORITHMS))
        )
    if "crit" in header:
        raise UnsupportedCriticalHeaderError(MESSAGES["crit"])
    return _HEADER_PASSED[alg]


def _check_time(
    claims: dict[str, Any],
    now: float,
    leeway: float,
    ignore_nbf: bool,
    allow_no_expiry: bool,
    self_signed: bool,
) -> str:
    for name in ("exp", "nbf", "iat"):
        if name in claims and not is_integer(claims[name]):  # a NumericDate, as accepted here
            message = MESSAGES["not_numeric_date"].format(claim=name, value=_shown(claims[name]))
            raise InvalidClaimError(message, name)
    if self_signed and "iat" not in claims:
        raise MissingSelfSignedClaimError(MESSAGES["self_signed_no_iat"], "iat")
    if "exp" not in claims and not allow_no_expiry:
        raise MissingClaimError(MESSAGES["no_exp"], "exp")
    seconds = round(now)  # messages use int arithmetic: a huge integer claim is no float
    if "exp" in claims and claims["exp"] <= now - leeway:
        exp = claims["exp"]
        raise ExpiredTokenError(MESSAGES["expired"].format(exp=exp, span=_span(seconds - exp)))
    if not ignore_nbf and "nbf" in claims and claims["nbf"] > now + leeway:
        nbf = claims["nbf"]
        raise NotYetValidError(MESSAGES["not_yet_valid"].format(nbf=nbf, span=_span(nbf - seconds)))
    if "iat" in claims and claims["iat"] > now + leeway:
        iat = claims["iat"]
        raise NotYetValidError(MESSAGES["issued_in_future"].format(iat=iat, span=_span(iat - seconds)))
    if "exp" not in claims:
        return MESSAGES["no_exp_allowed"]
    return MESSAGES["in_window"].format(span=_span(claims["exp"] - seconds))


def _check_scope(
    claims: dict[str, Any],
    room_name: str | None,
    domain_id: str | None,
    allow_unscoped: bool,
    self_signed: bool,
) -> str:
    room = claims.get("r")
    if "r" in claims and not isinstance(room, str):
        raise InvalidClaimError(MESSAGES["r_not_string"].format(value=_shown(room)), "r")
    if self_signed and not room:  # Daily's guide: every self-signed token names its room and domain
        raise MissingSelfSignedClaimError(MESSAGES["self_signed_no_r"], "r")
    if self_signed and claims.get("d") in (None, ""):
        raise MissingSelfSignedClaimError(MESSAGES["self_signed_no_d"], "d")
    if not room and not allow_unscoped:  # an empty r names no room: it is treated as a missing one
        raise MissingClaimError(MESSAGES["no_r" if "r" not in claims else "empty_r"], "r")
    if room_name is not None and room and room != room_name:
        raise WrongRoomError(MESSAGES["wrong_room"].format(room=room, expected=room_name))
    if domain_id is not None and "d" not in claims:
        raise MissingClaimError(MESSAGES["no_d"], "d")
    if domain_id is not None and claims["d"] != domain_id:
        raise WrongDomainError(MESSAGES["wrong_domain"].format(value=_shown(claims["d"]), expected=domain_id))
    scope = MESSAGES["for_room"].format(room=room) if room else MESSAGES["for_every_room"]
    return scope if domain_id is None else MESSAGES["of_this_domain"].format(scope=scope)


def looks_like_der(secret: bytes) -> bool:
    """One ASN.1 DER sequence that spans the whole key and opens with a sequence or an integer.

    That is the shape of every DER-encoded public key, private key and X.509 certificate; a
    shared secret is almost never exactly that (this is the project's rule, not PyJWT's parse).
    """
    if len(secret) < 4 or secret[0] != 0x30:
        return False
    size, start = secret[1], 2
    if size > 0x80:  # long form: the next size - 0x80 bytes hold the length
        start = 2 + size - 0x80
        size = int.from_bytes(secret[2:start], "big")
    elif size == 0x80:  # indefinite length is not DER
        return False
    return 0 < size == len(secret) - start and secret[start] in (0x30, 0x02)


def _usable_hmac_key(key: str | bytes) -> bytes:
    """The key's bytes for HMAC-SHA256, unless the key is plainly not a shared secret.

    Empty, a PEM block, an SSH public key, a DER-encoded key or a JWK's JSON: whoever passes one
    of these passed the wrong thing (RFC 8725, section 3.1: a key is used with one algorithm only).
    """
    if isinstance(key, bytes):
        secret = key
    elif isinstance(key, str):
        try:
            secret = key.encode("utf-8")
        except UnicodeEncodeError:
            raise _unusable("not_unicode") from None
    else:  # a caller's mistake, not the token's: it raises
        raise TypeError(f"api_key must be a string or bytes, not {type(key).__name__}")
    if not secret:
        raise _unusable("empty")
    if b"-----BEGIN " in secret:
        raise _unusable("pem")
    if secret.startswith(_SSH_KEY_PREFIXES):
        raise _unusable("ssh")
    if looks_like_der(secret):
        raise _unusable("der")
    head = secret.lstrip(_SPACE).removeprefix(b"\xef\xbb\xbf").lstrip(_SPACE)  # a byte order mark too
    if head[:1] in (b"{", b"[") and b'"kty"' in secret:
        raise _unusable("jwk")
    return secret


def _unusable(problem: str) -> InvalidSignatureError:
    return InvalidSignatureError(MESSAGES["unusable_key"].format(problem=KEY_PROBLEMS[problem]))


def signed_with(parts: TokenParts, key: str | bytes) -> bool:
    """Whether ``parts`` carry the HMAC-SHA256 of their signing input under ``key``.

    ``InvalidSignatureError`` if ``key`` cannot be an HS256 secret (empty, a PEM or JWK, ...).
    """
    expected = hmac.digest(_usable_hmac_key(key), parts.signing_input, "sha256")
    return hmac.compare_digest(expected, parts.signature)


def _check_signature(parts: TokenParts, api_key: str | bytes) -> None:
    if not signed_with(parts, api_key):
        raise InvalidSignatureError(MESSAGES["bad_signature"])


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
    self_signed: bool,
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
        payload = parts.payload
        time = _check_time(payload, now, leeway, ignore_nbf, allow_no_expiry, self_signed)
        checks.append(Check(step, True, time))
        step = "scope"
        scope = _check_scope(payload, room_name, domain_id, allow_unscoped, self_signed)
        checks.append(Check(step, True, scope))
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
    self_signed: bool = False,
) -> ValidationReport:
    """Cheap checks with no cryptography: structure, header, time, scope.

    Run them before anything that costs a round trip. A report that passes them is not
    ``valid``: ``report.nothing_failed`` is True, but ``report.valid`` and ``report.verified``
    stay False until a signature check vouches for the token. ``self_signed=True`` checks as
    Daily checks a self-signed token: ``r``, ``iat`` and ``d`` are required, whatever else is allowed.
    """
    instant = _instant(now, leeway)
    parts, checks = _prechecks(
        token, room_name, domain_id, instant, leeway, ignore_nbf, allow_unscoped, allow_no_expiry, self_signed
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
    self_signed: bool = False,
) -> ValidationReport:
    """Pre-checks, then the signature with ``api_key`` and/or Daily's verdict through ``client``.

    With neither ``api_key`` nor ``client`` it raises ``TypeError``: nothing is called valid
    without a signature check. A REST-minted token is signed by Daily, so only ``client`` can
    vouch for it; a self-signed one can be checked locally with the key that signed it.
    ``self_signed=True`` adds Daily's rule for self-signed tokens: ``r``, ``iat`` and ``d``
    must be present (by default ``iat`` is not required, and ``d`` only with ``domain_id``).
    """
    if api_key is None and client is None:
        raise TypeError("validate_token needs api_key (local HS256 check) or client (Daily), or both")
    instant = _instant(now, leeway)
    parts, checks = _prechecks(
        token, room_name, domain_id, instant, leeway, ignore_nbf, allow_unscoped, allow_no_expiry, self_signed
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
