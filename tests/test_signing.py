"""self_sign: an HS256 meeting token signed with the API key, safe by default."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

import jwt
import pytest

from constants import API_KEY, DOMAIN_ID, NOW
from meeting_tokens import decode_parts, self_sign
from meeting_tokens.core.errors import InvalidPropertiesError, TokenError


def sign(**arguments):
    return self_sign(API_KEY, **({"room_name": "standup", "domain_id": DOMAIN_ID, "now": NOW} | arguments))


def payload_of(token: str) -> dict:
    return decode_parts(token).payload


# What goes in


def test_payload_is_r_d_iat_exp_in_that_order():
    assert list(payload_of(sign()).items()) == [
        ("r", "standup"),
        ("d", DOMAIN_ID),
        ("iat", 1767225600),
        ("exp", 1767229200),
    ]


def test_expiry_is_an_hour_by_default():
    assert payload_of(sign())["exp"] == NOW + 3600


def test_expires_in_sets_exp_from_now():
    assert payload_of(sign(expires_in=90))["exp"] == 1767225690


def test_fractional_now_is_truncated_to_whole_seconds():
    assert payload_of(sign(now=1767225600.9))["iat"] == 1767225600


def test_now_may_be_an_aware_datetime():
    assert payload_of(sign(now=datetime(2026, 1, 1, tzinfo=UTC)))["iat"] == 1767225600


def test_naive_datetime_now_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        sign(now=datetime(2026, 1, 1))


def test_other_properties_follow_as_short_claims():
    token = sign(is_owner=True, user_name="host", user_id="u-42", lang="de", enable_recording="cloud")

    assert payload_of(token) == {
        "r": "standup",
        "d": DOMAIN_ID,
        "iat": 1767225600,
        "exp": 1767229200,
        "o": True,
        "u": "host",
        "ud": "u-42",
        "uil": "de",
        "er": "cloud",
    }


def test_nbf_is_carried_as_given():
    assert payload_of(sign(nbf=1767225660))["nbf"] == 1767225660


def test_undocumented_property_keeps_its_long_name():
    assert payload_of(sign(enable_prejoin_ui=False))["enable_prejoin_ui"] is False


def test_non_ascii_user_name_survives():
    assert payload_of(sign(user_name="Zoë 李雷 😀"))["u"] == "Zoë 李雷 😀"


# How it is signed


def test_header_is_hs256_jwt():
    assert decode_parts(sign()).header == {"alg": "HS256", "typ": "JWT"}


def test_signature_is_hmac_sha256_of_the_signing_input_under_the_api_key():
    parts = decode_parts(sign(is_owner=True))

    expected = hmac.new(API_KEY.encode("utf-8"), parts.signing_input, hashlib.sha256).digest()
    assert parts.signature == expected


def test_token_is_what_pyjwt_encode_writes_for_the_same_payload():
    payload = {"r": "standup", "d": DOMAIN_ID, "iat": NOW, "exp": NOW + 3600, "o": True, "u": "Zoë"}

    assert sign(is_owner=True, user_name="Zoë") == jwt.encode(payload, API_KEY, algorithm="HS256")


def test_same_inputs_give_the_same_token_byte_for_byte():
    # Written out once (the test above holds the format to PyJWT's): the key order, the compact JSON and the
    # signature may not drift between releases.
    assert sign(is_owner=True) == (
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
        ".eyJyIjoic3RhbmR1cCIsImQiOiI3YzFiYTRhMi01ZjVlLTRjOGEtOWQzYi0yZjBlNmExYjljNDQiLCJpYXQiOjE3NjcyMjU2MDAsImV4cCI6"
        "MTc2NzIyOTIwMCwibyI6dHJ1ZX0.GvI1bM8Ojcqpkdjk7K4ew1KMdPF8Oqf4LC4k4jB7Qbo"
    )


# Safe by default: no room, no expiry


def test_token_without_room_is_refused_by_default():
    with pytest.raises(TokenError, match="allow_unscoped=True"):
        sign(room_name=None)


def test_token_without_room_is_signed_when_allowed():
    assert list(payload_of(sign(room_name=None, allow_unscoped=True))) == ["d", "iat", "exp"]


def test_token_without_expiry_is_refused_by_default():
    with pytest.raises(TokenError, match="allow_no_expiry=True"):
        sign(expires_in=None)


def test_token_without_expiry_is_signed_when_allowed():
    assert list(payload_of(sign(expires_in=None, allow_no_expiry=True))) == ["r", "d", "iat"]


def test_allow_no_expiry_still_uses_expires_in_when_given():
    assert payload_of(sign(expires_in=60, allow_no_expiry=True))["exp"] == NOW + 60


def test_room_name_is_a_required_argument():
    with pytest.raises(TypeError):
        self_sign(API_KEY, domain_id=DOMAIN_ID, now=NOW)


# Refusals


def test_bad_properties_raise_invalid_properties_error_listing_every_problem():
    with pytest.raises(InvalidPropertiesError) as caught:
        sign(is_owner="yes", lang="xx", colour="blue")

    assert caught.value.problems == [
        "is_owner must be true or false",
        "lang must be one of da, de, en, es, fi, fr, it, jp, ka, nl, no, pt, pt-BR, pl, ru, sv, tr, user",
        "'colour' is not a meeting-token property",
    ]


def test_invalid_properties_error_is_a_token_error():
    with pytest.raises(TokenError):
        sign(user_id="x" * 37)


def test_empty_room_name_is_refused():
    with pytest.raises(InvalidPropertiesError, match="room_name must not be empty"):
        sign(room_name="")


def test_non_string_room_name_is_refused():
    with pytest.raises(InvalidPropertiesError, match="room_name must be a string"):
        sign(room_name=42)


def test_exp_as_a_property_is_a_type_error():
    with pytest.raises(TypeError, match="pass exp through its own argument"):
        sign(exp=NOW + 60)


def test_iat_as_a_property_is_refused():
    with pytest.raises(InvalidPropertiesError, match="'iat' is not a meeting-token property"):
        sign(iat=NOW)


@pytest.mark.parametrize("expires_in", [0, -60])
def test_expires_in_that_is_not_positive_is_a_value_error(expires_in):
    with pytest.raises(ValueError, match="expires_in must be a positive whole number"):
        sign(expires_in=expires_in)


@pytest.mark.parametrize("expires_in", [1.5, True, "3600"])
def test_expires_in_that_is_not_an_integer_is_a_type_error(expires_in):
    with pytest.raises(TypeError, match="expires_in must be a positive whole number"):
        sign(expires_in=expires_in)


def test_an_empty_api_key_is_a_value_error_not_a_token_error():
    with pytest.raises(ValueError, match="^api_key must be a non-empty string$") as caught:
        self_sign("", room_name="standup", domain_id=DOMAIN_ID, now=NOW)

    assert not isinstance(caught.value, TokenError)


@pytest.mark.parametrize("api_key", [None, b"bytes-key-0123456789abcdef0123456789"])
def test_an_api_key_that_is_not_a_string_is_a_type_error(api_key):
    with pytest.raises(TypeError, match="api_key must be a non-empty string, not "):
        self_sign(api_key, room_name="standup", domain_id=DOMAIN_ID, now=NOW)


def test_an_empty_domain_id_is_a_value_error():
    with pytest.raises(ValueError, match="domain_id must be a non-empty string"):
        sign(domain_id="")


def test_a_domain_id_that_is_not_a_string_is_a_type_error():
    with pytest.raises(TypeError, match="domain_id must be a non-empty string"):
        sign(domain_id=None)


def test_refusal_never_echoes_the_api_key():
    with pytest.raises(TokenError) as caught:
        sign(room_name=None)

    assert API_KEY not in str(caught.value)
