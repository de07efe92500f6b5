"""precheck_claims and validate_token: layered checks, each named, a report for every input."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import jwt
import pytest

from constants import API_KEY, DOMAIN_ID, HEADER, NOW, OTHER_KEY, ROOM
from meeting_tokens import ValidationReport, precheck_claims, validate_token
from meeting_tokens.core.errors import (
    DailyAPIError,
    ExpiredTokenError,
    InvalidClaimError,
    InvalidSignatureError,
    MalformedTokenError,
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
from meeting_tokens.core.jwt_parts import b64url_decode, b64url_encode, compact_json, sign_hs256

CLAIMS = {"r": ROOM, "d": DOMAIN_ID, "iat": NOW - 60, "exp": NOW + 3600}
CHECK_NAMES = ["structure", "header", "time", "scope", "signature", "daily"]

# RFC 7515, Appendix A.1 (HS256): its segments and its JWK key ("k"), copied from the RFC.
RFC_HEADER = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
RFC_PAYLOAD = "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
RFC_SIGNATURE = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
RFC_KEY = b64url_decode(
    "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"
)
RFC_TOKEN = f"{RFC_HEADER}.{RFC_PAYLOAD}.{RFC_SIGNATURE}"
RFC_EXP = 1300819380

# Daily's guide example (daily-api.md). Its exp is 1864081538 (2029-01-26): only fixed times here.
DAILY_EXAMPLE = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJuYmYiOjE1NDg3MjE1NjksImV4cCI6MTg2NDA4MTUzOCwiciI6ImhlbGxvIiwibyI6dHJ1ZSwic3MiOnRydWUsImVyIjoibG9j"
    "YWwiLCJkIjoiMjVkZjUwNTctZWYwZC00ZDk3LWJkZTYtMGNmMjg3Mjc2Y2JiIiwiaWF0IjoxNTQ4NzIxODMxfQ."
    "mvVciAengBR4xCblhFpo4mKYftQv1skYO4Y6IKr9Zgo"
)
DAILY_EXAMPLE_DOMAIN = "25df5057-ef0d-4d97-bde6-0cf287276cbb"
DAILY_EXAMPLE_NOW = 1548722000  # after its nbf and iat, long before its exp


def token(header: dict = HEADER, key: str = API_KEY, **changes) -> str:
    """A token signed with the test key: the usual claims, with `changes` applied."""
    return sign_hs256(header, CLAIMS | changes, key)


def token_without(*names: str) -> str:
    return sign_hs256(HEADER, {k: v for k, v in CLAIMS.items() if k not in names}, API_KEY)


def unsigned(header: dict, payload: dict = CLAIMS) -> str:
    return f"{b64url_encode(compact_json(header))}.{b64url_encode(compact_json(payload))}."


def validate(candidate, **options) -> ValidationReport:
    """validate_token with the test key, room, domain and the fixed NOW, unless overridden."""
    defaults = {"api_key": API_KEY, "room_name": ROOM, "domain_id": DOMAIN_ID, "now": NOW}
    return validate_token(candidate, **(defaults | options))


class FakeDaily:
    """Stands in for DailyClient: answers validate_meeting_token with a dict or an error."""

    def __init__(self, error: DailyAPIError | None = None) -> None:
        self.error = error
        self.calls: list[tuple[str, bool]] = []

    def validate_meeting_token(self, token: str, *, ignore_nbf: bool = False) -> dict:
        self.calls.append((token, ignore_nbf))
        if self.error is not None:
            raise self.error
        return {"room_name": ROOM, "is_owner": False}


def rejecting_daily(status_code: int = 400) -> FakeDaily:
    return FakeDaily(DailyAPIError(status_code, "invalid-request-error", "token is not valid"))


# The report


def test_valid_token_is_valid():
    assert validate(token()).valid is True


def test_valid_report_has_no_reason_and_no_code():
    report = validate(token())

    assert (report.reason, report.code) == (None, None)


def test_checks_are_named_in_order():
    assert [check.name for check in validate(token()).checks] == CHECK_NAMES


def test_prechecks_name_the_same_checks_in_the_same_order():
    assert [check.name for check in precheck_claims(token(), now=NOW).checks] == CHECK_NAMES


def test_valid_token_passes_every_check_that_runs():
    assert [check.passed for check in validate(token()).checks] == [True, True, True, True, True, None]


def test_unasked_daily_check_says_why():
    assert validate(token()).checks[5].detail == "not asked: no client given"


def test_report_carries_the_decoded_claims():
    assert validate(token()).claims == {"r": ROOM, "d": DOMAIN_ID, "iat": NOW - 60, "exp": NOW + 3600}


def test_report_of_a_failed_token_still_carries_its_claims():
    assert validate(token(exp=NOW - 1)).claims["exp"] == NOW - 1


def test_malformed_token_report_has_no_claims():
    assert validate("not-a-token").claims is None


def test_first_failure_skips_every_later_check():
    report = validate(token(exp=NOW - 1))

    assert [check.passed for check in report.checks] == [True, True, False, None, None, None]
    assert [check.detail for check in report.checks[3:]] == ["skipped: an earlier check failed"] * 3


def test_failed_check_carries_its_code():
    assert validate(token(exp=NOW - 1)).checks[2].code == "expired"


def test_report_is_immutable():
    with pytest.raises(AttributeError):
        validate(token()).claims = {}


# Pre-checks alone


def test_prechecks_pass_a_good_token_without_verifying_it():
    report = precheck_claims(token(), room_name=ROOM, now=NOW)

    assert (report.nothing_failed, report.verified) == (True, False)


def test_prechecks_alone_never_call_a_token_valid():
    assert precheck_claims(token(), room_name=ROOM, now=NOW).valid is False


def test_prechecks_skip_signature_and_daily():
    report = precheck_claims(token(), room_name=ROOM, now=NOW)

    assert [(c.passed, c.detail) for c in report.checks[4:]] == [(None, "not checked: pre-checks only")] * 2


def test_prechecks_pass_a_token_signed_with_any_key():
    report = precheck_claims(token(key=OTHER_KEY), room_name=ROOM, now=NOW)

    assert (report.nothing_failed, report.valid) == (True, False)


def test_prechecks_reject_an_expired_token():
    assert precheck_claims(token(exp=NOW - 1), room_name=ROOM, now=NOW).code == "expired"


def test_prechecks_reject_the_wrong_room():
    assert precheck_claims(token(), room_name="other", now=NOW).code == "wrong-room"


def test_prechecks_check_the_domain_when_given():
    assert precheck_claims(token(), domain_id="other", now=NOW).code == "wrong-domain"


def test_full_validation_is_verified():
    assert validate(token()).verified is True


def test_a_failed_report_is_neither_valid_nor_nothing_failed():
    report = validate(token(key=OTHER_KEY))

    assert (report.valid, report.nothing_failed) == (False, False)


# Header


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE"])
def test_alg_none_is_rejected_in_any_spelling(alg):
    report = validate(unsigned({"alg": alg, "typ": "JWT"}))

    assert (report.code, report.reason) == (
        "unsupported-algorithm",
        f"alg {alg!r}: unsigned tokens are never accepted",
    )


def test_alg_none_is_rejected_before_any_signature_check():
    assert validate(unsigned({"alg": "none"})).checks[4].passed is None


@pytest.mark.parametrize("alg", ["HS384", "HS512", "RS256", "ES256", "PS256", "EdDSA", "hs256", "HS256 "])
def test_any_algorithm_but_hs256_is_rejected(alg):
    report = validate(token(header={"alg": alg, "typ": "JWT"}))

    assert (report.code, report.reason) == (
        "unsupported-algorithm",
        f"alg {alg!r} is not allowed: this validator accepts only HS256",
    )


@pytest.mark.parametrize("header", [{"typ": "JWT"}, {"alg": None}, {"alg": ["HS256"]}, {"alg": 256}])
def test_header_without_an_alg_string_is_rejected(header):
    report = validate(token(header=header))

    assert (report.code, report.reason) == ("unsupported-algorithm", "the header has no alg string")


def test_crit_header_is_rejected_under_a_code_that_says_so():
    report = validate(token(header=HEADER | {"crit": ["exp"]}))

    assert (report.code, report.reason) == (
        "unsupported-critical-header",
        "crit header: extensions this validator does not know",
    )
    assert report.failure.name == "header"


def test_crit_header_raises_its_own_error():
    with pytest.raises(UnsupportedCriticalHeaderError, match="crit header"):
        validate(token(header=HEADER | {"crit": ["exp"]})).raise_for_failure()


def test_extra_header_fields_are_ignored():
    assert validate(token(header=HEADER | {"kid": "key-1"})).valid is True


def test_header_without_typ_is_fine():
    assert validate(token(header={"alg": "HS256"})).valid is True


# Time: claims must be integers


@pytest.mark.parametrize(
    "value",
    [str(NOW + 3600), True, False, None, [NOW + 3600], float(NOW + 3600), NOW + 3600.5, {"t": NOW}],
    ids=["string", "true", "false", "null", "list", "whole-float", "float", "object"],
)
@pytest.mark.parametrize("name", ["exp", "nbf", "iat"])
def test_time_claim_that_is_not_an_integer_is_rejected(name, value):
    report = validate(token(**{name: value}))

    assert (report.code, report.reason) == (
        "invalid-claim",
        f"{name} must be an integer NumericDate, not {value!r}",
    )


# Time: exp


def test_token_expiring_one_second_from_now_is_valid():
    assert validate(token(exp=NOW + 1)).valid is True


def test_token_expiring_now_is_rejected():
    assert validate(token(exp=NOW)).code == "expired"


def test_expired_token_is_rejected_with_how_long_ago():
    assert validate(token(exp=NOW - 90)).reason == f"expired: exp {NOW - 90} is 90 s ago"


def test_leeway_accepts_a_token_expired_within_it():
    assert validate(token(exp=NOW - 5), leeway=10).valid is True


def test_leeway_still_rejects_exp_at_now_minus_leeway():
    assert validate(token(exp=NOW - 10), leeway=10).code == "expired"


def test_fractional_now_after_exp_is_expired():
    assert validate(token(exp=NOW), now=NOW + 0.5).code == "expired"


def test_fractional_now_before_exp_is_valid():
    assert validate(token(exp=NOW), now=NOW - 0.5).valid is True


def test_token_without_exp_is_rejected_by_default():
    report = validate(token_without("exp"))

    assert (report.code, report.reason) == ("missing-claim", "no exp: the token would never expire")


def test_token_without_exp_is_accepted_when_allowed():
    report = validate(token_without("exp"), allow_no_expiry=True)

    assert (report.valid, report.checks[2].detail) == (True, "no exp (allowed by the caller): never expires")


def test_time_check_says_how_long_is_left():
    assert validate(token(exp=NOW + 3600)).checks[2].detail == "inside its validity window: exp in 3600 s"


def test_time_check_says_a_long_span_in_words_too():
    assert validate(token(exp=NOW + 315359647)).checks[2].detail == (
        "inside its validity window: exp in 9 years (315359647 s)"
    )


def test_time_check_says_a_day_in_words_and_less_in_seconds():
    details = [validate(token(exp=NOW - ago)).reason for ago in (86399, 86400)]

    assert details == [
        f"expired: exp {NOW - 86399} is 86399 s ago",
        f"expired: exp {NOW - 86400} is 1 day (86400 s) ago",
    ]


# Time: nbf and iat


def test_token_with_nbf_now_is_valid():
    assert validate(token(nbf=NOW)).valid is True


def test_token_with_nbf_after_now_is_rejected():
    report = validate(token(nbf=NOW + 1))

    assert (report.code, report.reason) == ("not-yet-valid", f"not yet valid: nbf {NOW + 1} is 1 s ahead")


def test_leeway_accepts_nbf_within_it():
    assert validate(token(nbf=NOW + 5), leeway=5).valid is True


def test_leeway_rejects_nbf_beyond_it():
    assert validate(token(nbf=NOW + 6), leeway=5).code == "not-yet-valid"


def test_ignore_nbf_accepts_a_token_not_yet_valid():
    assert validate(token(nbf=NOW + 600), ignore_nbf=True).valid is True


def test_token_issued_in_the_future_is_rejected():
    report = validate(token(iat=NOW + 600))

    assert (report.code, report.reason) == (
        "not-yet-valid",
        f"issued in the future: iat {NOW + 600} is 600 s ahead",
    )


def test_ignore_nbf_does_not_excuse_iat_in_the_future():
    assert validate(token(iat=NOW + 600), ignore_nbf=True).code == "not-yet-valid"


def test_leeway_accepts_iat_within_it():
    assert validate(token(iat=NOW + 5), leeway=5).valid is True


def test_token_issued_now_is_valid():
    assert validate(token(iat=NOW)).valid is True


def test_token_without_iat_is_valid():
    assert validate(token_without("iat")).valid is True


def test_huge_integer_exp_is_far_in_the_future():
    assert validate(token(exp=10**1000)).valid is True


def test_huge_negative_integer_exp_is_expired():
    assert validate(token(exp=-(10**1000))).code == "expired"


def test_huge_integer_nbf_is_not_yet_valid():
    assert validate(token(nbf=10**1000)).code == "not-yet-valid"


# Time: what "now" may be


def test_now_may_be_an_aware_datetime():
    assert validate(token(exp=NOW), now=datetime(2025, 12, 31, 23, 59, tzinfo=UTC)).valid is True


def test_naive_datetime_now_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        validate(token(), now=datetime(2026, 1, 1))


@pytest.mark.parametrize("now", [float("nan"), float("inf"), float("-inf")])
def test_now_that_is_not_a_finite_number_is_refused(now):
    with pytest.raises(ValueError, match="finite"):
        validate(token(), now=now)


@pytest.mark.parametrize("leeway", [-1, float("nan"), float("inf"), True, "5"])
def test_leeway_must_be_a_finite_non_negative_number(leeway):
    with pytest.raises(ValueError, match="leeway"):
        validate(token(), leeway=leeway)


# Scope: r and d


def test_token_without_r_is_rejected_by_default():
    report = validate(token_without("r"))

    assert (report.code, report.reason) == (
        "missing-claim",
        "no r: the token would open every room of the domain",
    )


def test_token_without_r_is_accepted_when_allowed():
    report = validate(token_without("r"), allow_unscoped=True)

    assert (report.valid, report.checks[3].detail) == (
        True,
        "for every room (allowed by the caller) of this domain",
    )


def test_token_with_an_empty_r_is_rejected_like_one_without_r():
    report = validate(token(r=""), room_name=None)

    assert (report.code, report.reason) == (
        "missing-claim",
        "r is empty, like no r: the token would open every room of the domain",
    )


def test_token_with_an_empty_r_is_rejected_by_the_prechecks():
    assert precheck_claims(token(r=""), now=NOW).code == "missing-claim"


def test_token_with_an_empty_r_counts_as_unscoped_when_that_is_allowed():
    report = validate(token(r=""), allow_unscoped=True)

    assert (report.valid, report.checks[3].detail) == (
        True,
        "for every room (allowed by the caller) of this domain",
    )


def test_token_for_another_room_is_rejected():
    report = validate(token(r="other-room"))

    assert (report.code, report.reason) == (
        "wrong-room",
        "wrong room: token is for 'other-room', not 'standup'",
    )


def test_room_names_are_compared_exactly():
    assert validate(token(r="Standup")).code == "wrong-room"


def test_r_that_is_not_a_string_is_rejected():
    assert validate(token(r=["standup"])).code == "invalid-claim"


def test_any_room_passes_when_no_room_is_expected():
    assert validate(token(r="any-room"), room_name=None).valid is True


def test_scope_check_names_the_room_and_domain():
    assert validate(token()).checks[3].detail == "for room 'standup' of this domain"


def test_token_for_another_domain_is_rejected():
    report = validate(token(d="00000000-0000-0000-0000-000000000000"))

    assert (report.code, report.reason) == (
        "wrong-domain",
        f"wrong domain: d is '00000000-0000-0000-0000-000000000000', not '{DOMAIN_ID}'",
    )


def test_token_without_d_is_rejected_when_a_domain_is_expected():
    assert validate(token_without("d")).code == "missing-claim"


def test_d_is_not_checked_when_no_domain_is_expected():
    assert validate(token(d="another"), domain_id=None).valid is True


# self_signed=True: as Daily checks a self-signed token, r, iat and d are required


def test_by_default_a_token_without_iat_passes_though_daily_refuses_it_self_signed():
    assert validate(token_without("iat")).valid is True


@pytest.mark.parametrize(
    ("missing", "step", "reason"),
    [
        ("iat", "time", "no iat: Daily refuses a self-signed token without its issue time"),
        ("r", "scope", "no r: Daily refuses a self-signed token without the room name"),
        ("d", "scope", "no d: Daily refuses a self-signed token without the domain_id"),
    ],
)
def test_self_signed_requires_r_iat_and_d_each_by_name(missing, step, reason):
    report = validate(token_without(missing), self_signed=True, room_name=None, domain_id=None)

    assert (report.failure.name, report.code, report.reason) == (step, "missing-self-signed-claim", reason)


@pytest.mark.parametrize(("claim", "empty"), [("r", ""), ("d", ""), ("d", None)])
def test_self_signed_counts_an_empty_r_or_d_as_missing(claim, empty):
    report = validate(token(**{claim: empty}), self_signed=True, domain_id=None)

    assert (report.code, report.reason.split(":")[0]) == ("missing-self-signed-claim", f"no {claim}")


def test_self_signed_requires_r_even_when_unscoped_tokens_are_allowed():
    report = validate(token_without("r"), self_signed=True, room_name=None, allow_unscoped=True)

    assert report.code == "missing-self-signed-claim"


def test_self_signed_requires_d_even_when_no_domain_is_expected():
    assert validate(token_without("d"), self_signed=True, domain_id=None).code == "missing-self-signed-claim"


def test_self_signed_token_with_r_iat_and_d_is_valid():
    assert validate(token(), self_signed=True).valid is True


def test_self_signed_does_not_require_exp_when_its_absence_is_allowed():
    assert validate(token_without("exp"), self_signed=True, allow_no_expiry=True).valid is True


def test_prechecks_take_self_signed_too():
    report = precheck_claims(token_without("iat"), self_signed=True, now=NOW)

    assert report.code == "missing-self-signed-claim"


def test_a_missing_self_signed_claim_raises_a_missing_claim_error():
    with pytest.raises(MissingSelfSignedClaimError, match="no iat") as caught:
        validate(token_without("iat"), self_signed=True).raise_for_failure()

    assert isinstance(caught.value, MissingClaimError)


# Signature


def test_validate_token_without_key_or_client_raises_type_error():
    with pytest.raises(TypeError, match="api_key"):
        validate_token(token(), room_name=ROOM, now=NOW)


def test_token_signed_with_another_key_is_rejected():
    report = validate(token(key=OTHER_KEY))

    assert (report.code, report.reason) == (
        "invalid-signature",
        "bad signature: not the HMAC-SHA256 of the token under this key",
    )


def test_tampered_payload_is_rejected():
    header_b64, _, signature_b64 = token().split(".")
    forged_payload = b64url_encode(compact_json(CLAIMS | {"o": True}))

    assert validate(f"{header_b64}.{forged_payload}.{signature_b64}").code == "invalid-signature"


def test_signature_of_another_token_is_rejected():
    signature_b64 = token(exp=NOW + 60).split(".")[2]
    header_b64, payload_b64, _ = token().split(".")

    assert validate(f"{header_b64}.{payload_b64}.{signature_b64}").code == "invalid-signature"


def test_empty_signature_is_rejected():
    header_b64, payload_b64, _ = token().split(".")

    assert validate(f"{header_b64}.{payload_b64}.").code == "invalid-signature"


def test_truncated_signature_is_rejected():
    header_b64, payload_b64, signature_b64 = token().split(".")
    first_16_bytes = b64url_encode(b64url_decode(signature_b64)[:16])

    assert validate(f"{header_b64}.{payload_b64}.{first_16_bytes}").code == "invalid-signature"


def test_same_claims_respelled_do_not_verify():
    header_b64, payload_b64, signature_b64 = token().split(".")
    respelled = b64url_encode(json.dumps(CLAIMS, indent=1).encode("utf-8"))

    assert validate(f"{header_b64}.{respelled}.{signature_b64}").code == "invalid-signature"


def test_empty_api_key_is_an_unusable_key():
    report = validate(token(), api_key="")

    assert (report.code, report.reason) == ("invalid-signature", "unusable key: it is empty")


def test_pem_shaped_api_key_is_an_unusable_key():
    pem = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----"

    assert validate(token(), api_key=pem).reason == (
        "unusable key: it looks like a PEM key or certificate, not a shared secret"
    )


def test_ssh_public_key_is_an_unusable_key():
    assert validate(token(), api_key="ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA user@host").reason == (
        "unusable key: it looks like an SSH public key, not a shared secret"
    )


@pytest.mark.parametrize("jwk", ['{"kty": "oct", "k": "c2VjcmV0"}', '\ufeff [{"keys": {"kty": "oct"}}]'])
def test_jwk_json_is_an_unusable_key(jwk):
    assert validate(token(), api_key=jwk).reason == (
        "unusable key: it looks like a JWK; pass its secret, not its JSON"
    )


def test_json_that_is_not_a_jwk_is_a_usable_key():
    key = '{"not": "a jwk"}'

    assert validate(token(key=key), api_key=key).valid is True


def der_public_key_and_certificate() -> list[bytes]:
    """An Ed25519 public key (SubjectPublicKeyInfo) and a self-signed X.509 certificate, in DER."""
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    private = Ed25519PrivateKey.generate()
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "test")])
    when = datetime(2026, 1, 1, tzinfo=UTC)
    certificate = (
        x509.CertificateBuilder(name, name, private.public_key(), 1, when, when.replace(year=2027))
        .sign(private, None)
        .public_bytes(Encoding.DER)
    )
    return [private.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo), certificate]


def test_der_public_key_and_certificate_are_unusable_keys():
    reasons = {validate(token(), api_key=der).reason for der in der_public_key_and_certificate()}

    assert reasons == {
        "unusable key: it looks like a DER-encoded key or certificate (one ASN.1 sequence), "
        "not a shared secret"
    }


def test_pyjwt_refuses_the_der_keys_this_validator_refuses():
    for der in der_public_key_and_certificate():
        with pytest.raises(jwt.InvalidKeyError):
            jwt.decode(token(), der, algorithms=["HS256"])


@pytest.mark.parametrize(
    "key", [b"0", b"0\x03\x04\x01x", b"0\x05\x02\x01\x01trailing", b"0\x82\x00\x00", "0 starts like DER"]
)
def test_keys_that_only_start_like_der_are_usable(key):
    assert validate(token(key=key), api_key=key).valid is True


def test_key_with_a_lone_surrogate_is_an_unusable_key_not_an_exception():
    assert validate(token(), api_key="key-\ud800").reason == "unusable key: it is not valid Unicode text"


@pytest.mark.parametrize("api_key", [5, ["key"]])
def test_an_api_key_that_is_neither_text_nor_bytes_is_a_type_error(api_key):
    with pytest.raises(TypeError, match="api_key must be a string or bytes"):
        validate(token(), api_key=api_key)


def test_empty_bytes_key_is_an_unusable_key():
    assert validate(token(), api_key=b"").reason == "unusable key: it is empty"


def test_api_key_may_be_bytes():
    assert validate(token(), api_key=API_KEY.encode("utf-8")).valid is True


def test_signature_check_says_what_matched():
    assert validate(token()).checks[4].detail == "HMAC-SHA256 matches under the API key"


# Daily's verdict through a client


def test_token_accepted_by_daily_is_valid():
    report = validate(token(), client=FakeDaily())

    assert (report.valid, report.checks[5].passed) == (True, True)


def test_daily_check_says_daily_accepted_it():
    report = validate(token(), client=FakeDaily())

    assert report.checks[5].detail == "Daily accepted it (GET /meeting-tokens/:token)"


def test_client_alone_is_enough_to_validate():
    report = validate(token(), api_key=None, client=FakeDaily())

    assert [(c.passed, c.detail) for c in report.checks[4:]] == [
        (None, "not checked here: no api_key given"),
        (True, "Daily accepted it (GET /meeting-tokens/:token)"),
    ]


def test_client_alone_makes_the_report_verified():
    assert validate(token(), api_key=None, client=FakeDaily()).verified is True


def test_client_is_asked_about_the_exact_token():
    client = FakeDaily()
    candidate = token()

    validate(candidate, client=client)

    assert client.calls == [(candidate, False)]


def test_ignore_nbf_is_passed_to_daily():
    client = FakeDaily()

    validate(token(nbf=NOW + 60), client=client, ignore_nbf=True)

    assert client.calls[0][1] is True


def test_token_rejected_by_daily_is_invalid():
    report = validate(token(), client=rejecting_daily())

    assert (report.code, report.reason) == (
        "rejected-by-daily",
        "Daily refused it: invalid-request-error token is not valid",
    )


def test_daily_not_found_is_a_rejection():
    client = FakeDaily(DailyAPIError(404, "not-found", "token not found"))

    assert validate(token(), client=client).code == "rejected-by-daily"


def test_daily_rejection_without_info_has_a_tidy_reason():
    client = FakeDaily(DailyAPIError(400, "invalid-request-error"))

    assert validate(token(), client=client).reason == "Daily refused it: invalid-request-error"


@pytest.mark.parametrize("status_code", [401, 403, 429, 500])
def test_daily_errors_that_are_not_about_the_token_are_raised(status_code):
    client = FakeDaily(DailyAPIError(status_code, "server-error", "try later"))

    with pytest.raises(DailyAPIError):
        validate(token(), client=client)


def test_daily_is_not_asked_when_a_precheck_fails():
    client = FakeDaily()

    validate(token(exp=NOW - 1), client=client)

    assert client.calls == []


def test_daily_is_not_asked_when_the_signature_fails():
    client = FakeDaily()

    validate(token(key=OTHER_KEY), client=client)

    assert client.calls == []


# A bad token never raises


@pytest.mark.parametrize(
    "candidate",
    [
        None,
        b"eyJhbGciOiJIUzI1NiJ9.e30.",
        42,
        3.5,
        ["a", "b", "c"],
        {"token": "a.b.c"},
        object(),
        "",
        ".",
        "..",
        "a.b.c",
        "a.b.c.d",
        "x" * 1_000_000,
        "*" * 8193,
        "e30.e30.e30.",
        "\x00.\x00.\x00",
        "é.é.é",
    ],
    ids=lambda value: type(value).__name__ if not isinstance(value, str) else repr(value)[:20],
)
def test_anything_that_is_not_a_token_comes_back_as_a_malformed_report(candidate):
    report = validate(candidate)

    assert (report.valid, report.code, report.checks[0].passed) == (False, "malformed", False)


@pytest.mark.parametrize(
    "payload_json",
    [b"[" * 3000 + b"]" * 3000, b'{"exp":' + b"1" * 5000 + b"}", b"\xff\xfe", b"null", b'{"exp":NaN}'],
    ids=["deep-nesting", "5000-digit-number", "not-utf8", "null", "NaN"],
)
def test_undecodable_payload_comes_back_as_a_malformed_report(payload_json):
    candidate = f"{b64url_encode(compact_json(HEADER))}.{b64url_encode(payload_json)}.AA"

    assert validate(candidate).code == "malformed"


@pytest.mark.parametrize("candidate", [None, 42, "a.b", "*" * 8193])
def test_prechecks_turn_bad_input_into_a_report_too(candidate):
    assert precheck_claims(candidate, now=NOW).code == "malformed"


def test_oversized_token_is_reported_by_size():
    assert validate("a" * 8193).reason == "token is 8193 characters, over 8192"


HUGE_NEGATIVE = -int("9" * 4300)  # the longest integer Python's json reads


def test_huge_negative_exp_is_reported_expired_not_raised():
    report = validate(token(exp=HUGE_NEGATIVE))

    assert (report.code, report.reason) == (
        "expired",
        f"expired: exp {HUGE_NEGATIVE} is more than 10**4300 s ago",
    )


def test_huge_negative_exp_is_reported_by_the_prechecks_too():
    assert precheck_claims(token(exp=HUGE_NEGATIVE), now=NOW).code == "expired"


@pytest.mark.parametrize("claim", ["nbf", "iat"])
def test_huge_positive_nbf_and_iat_are_reported_not_raised(claim):
    huge = int("9" * 4300)
    words = {"nbf": "not yet valid", "iat": "issued in the future"}[claim]

    assert validate(token(**{claim: huge})).reason == f"{words}: {claim} {huge} is {huge - NOW} s ahead"


def deepest_parseable(claim: str) -> str:
    """A token whose claim is a list nested as deeply as this Python's json can still read."""
    for depth in range(2000, 0, -10):
        payload = b'{"%s":' % claim.encode() + b"[" * depth + b"]" * depth + b"}"
        candidate = f"{b64url_encode(compact_json(HEADER))}.{b64url_encode(payload)}.AA"
        if validate(candidate).code != "malformed":
            return candidate
    raise AssertionError("no depth parses")


@pytest.mark.parametrize("claim", ["r", "exp", "d"])
def test_claims_nested_as_deep_as_json_allows_come_back_as_reports(claim):
    report = validate_token(deepest_parseable(claim), api_key=API_KEY, domain_id=DOMAIN_ID, now=NOW)

    assert report.code in ("invalid-claim", "missing-claim", "wrong-domain")


# raise_for_failure


def test_raise_for_failure_is_quiet_for_a_valid_token():
    assert validate(token()).raise_for_failure() is None


@pytest.mark.parametrize(
    ("candidate", "options", "error"),
    [
        ("a.b", {}, MalformedTokenError),
        (unsigned({"alg": "none"}), {}, UnsupportedAlgorithmError),
        (token(exp="soon"), {}, InvalidClaimError),
        (token_without("exp"), {}, MissingClaimError),
        (token(exp=NOW - 1), {}, ExpiredTokenError),
        (token(nbf=NOW + 60), {}, NotYetValidError),
        (token(r="other-room"), {}, WrongRoomError),
        (token(d="other-domain"), {}, WrongDomainError),
        (token(key=OTHER_KEY), {}, InvalidSignatureError),
        (token(), {"client": rejecting_daily()}, RejectedByDailyError),
    ],
    ids=lambda value: value.__name__ if isinstance(value, type) else "_",
)
def test_raise_for_failure_raises_the_matching_token_error(candidate, options, error):
    report = validate(candidate, **options)

    with pytest.raises(error) as caught:
        report.raise_for_failure()

    assert (type(caught.value), str(caught.value)) == (error, report.reason)


def test_raised_failure_is_a_token_error():
    with pytest.raises(TokenError):
        validate(token(exp=NOW - 1)).raise_for_failure()


# RFC 7515, Appendix A.1


def test_rfc_7515_example_validates_before_its_exp():
    report = validate_token(RFC_TOKEN, api_key=RFC_KEY, now=RFC_EXP - 1, allow_unscoped=True)

    assert report.valid is True


def test_rfc_7515_example_is_expired_at_its_exp():
    report = validate_token(RFC_TOKEN, api_key=RFC_KEY, now=RFC_EXP, allow_unscoped=True)

    assert report.code == "expired"


def test_rfc_7515_example_needs_r_unless_unscoped_is_allowed():
    assert validate_token(RFC_TOKEN, api_key=RFC_KEY, now=RFC_EXP - 1).code == "missing-claim"


def test_rfc_7515_example_reencoded_compactly_has_another_signing_input():
    header = json.loads(b64url_decode(RFC_HEADER))
    payload = json.loads(b64url_decode(RFC_PAYLOAD))

    compact = f"{b64url_encode(compact_json(header))}.{b64url_encode(compact_json(payload))}"

    assert compact == (
        "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9."
        "eyJpc3MiOiJqb2UiLCJleHAiOjEzMDA4MTkzODAsImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
    )
    assert compact != f"{RFC_HEADER}.{RFC_PAYLOAD}"


def test_rfc_7515_signature_fails_on_the_compact_reencoding():
    header = json.loads(b64url_decode(RFC_HEADER))
    payload = json.loads(b64url_decode(RFC_PAYLOAD))
    respelled = (
        f"{b64url_encode(compact_json(header))}.{b64url_encode(compact_json(payload))}.{RFC_SIGNATURE}"
    )

    report = validate_token(respelled, api_key=RFC_KEY, now=RFC_EXP - 1, allow_unscoped=True)

    assert report.code == "invalid-signature"


# Daily's guide example


def test_daily_example_passes_the_prechecks_at_a_fixed_time():
    report = precheck_claims(
        DAILY_EXAMPLE, room_name="hello", domain_id=DAILY_EXAMPLE_DOMAIN, now=DAILY_EXAMPLE_NOW
    )

    assert (report.nothing_failed, report.valid) == (True, False)


@pytest.mark.parametrize("key", [API_KEY, "secret", "your-api-key", DAILY_EXAMPLE_DOMAIN])
def test_daily_example_cannot_be_verified_with_any_key_we_have(key):
    report = validate_token(
        DAILY_EXAMPLE, api_key=key, room_name="hello", domain_id=DAILY_EXAMPLE_DOMAIN, now=DAILY_EXAMPLE_NOW
    )

    assert report.code == "invalid-signature"


def test_daily_example_is_expired_at_its_exp():
    assert precheck_claims(DAILY_EXAMPLE, room_name="hello", now=1864081538).code == "expired"


def test_daily_example_is_not_yet_valid_before_its_nbf():
    assert precheck_claims(DAILY_EXAMPLE, room_name="hello", now=1548721568).code == "not-yet-valid"
