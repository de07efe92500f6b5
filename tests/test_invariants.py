"""Invariants that hold for every input hypothesis can think of, at a fixed instant: base64url
has one spelling and round-trips, properties survive the claim table and self-signing, and no
single-character change to a signed token is accepted.
"""

from __future__ import annotations

import base64
import string

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from constants import API_KEY, DOMAIN_ID, NOW, ROOM
from fuzzing import fuzz
from meeting_tokens import b64url_decode, b64url_encode, self_sign, to_claims, to_properties, validate_token
from meeting_tokens.core.claims import (
    CAN_ADMIN,
    CAN_SEND_CLAIMS,
    CUSTOM_MEDIA,
    LANGUAGES,
    RECORDING_MODES,
    check_properties,
)
from meeting_tokens.core.errors import MalformedTokenError

B64URL = string.ascii_uppercase + string.ascii_lowercase + string.digits + "-_"

FEW = fuzz(40)
SOME = fuzz(100)

BOOLEAN_PROPERTIES = [
    "is_owner",
    "enable_screenshare",
    "start_video_off",
    "start_audio_off",
    "enable_prejoin_ui",
    "enable_live_captions_ui",
    "enable_recording_ui",
    "enable_terse_logging",
    "knocking",
    "start_cloud_recording",
    "auto_start_transcription",
    "close_tab_on_exit",
    "intercom_join_alert",
    "eject_at_token_exp",
]
short_text = st.text(max_size=30)
# What one canReceive part covers: true, false, or media (custom tracks by name, "*" for all).
tracks = st.dictionaries(st.sampled_from(["*", "cam-2"]) | short_text, st.booleans(), max_size=3)
media = st.booleans() | st.fixed_dictionaries(
    {},
    optional={
        **{name: st.booleans() for name in CAN_SEND_CLAIMS},
        **{name: tracks for name in CUSTOM_MEDIA},
    },
)
permissions = st.fixed_dictionaries(
    {},
    optional={
        "hasPresence": st.booleans(),
        # only what Daily's guide can abbreviate: self_sign refuses customVideo and customAudio
        "canSend": st.booleans() | st.lists(st.sampled_from(list(CAN_SEND_CLAIMS)), unique=True),
        "canReceive": st.fixed_dictionaries(
            {},
            optional={
                "base": media,
                "byUserId": st.dictionaries(short_text, media, max_size=3),
                "byParticipantId": st.dictionaries(short_text, media, max_size=3),
            },
        ),
        "canAdmin": st.booleans() | st.lists(st.sampled_from(CAN_ADMIN), unique=True),
    },
)
# Every property Daily documents except room_name and exp, which self_sign takes as arguments.
legal_properties = st.fixed_dictionaries(
    {},
    optional={
        **dict.fromkeys(BOOLEAN_PROPERTIES, st.booleans()),
        "nbf": st.integers(0, NOW),
        "user_name": short_text,
        "user_id": st.text(max_size=36),
        "enable_recording": st.sampled_from(RECORDING_MODES),
        "lang": st.sampled_from(LANGUAGES),
        "eject_after_elapsed": st.integers(0, 10**7),
        "redirect_on_meeting_exit": short_text,
        "meeting_join_hook": short_text,
        "start_cloud_recording_opts": st.dictionaries(short_text, st.integers() | short_text, max_size=3),
        "permissions": permissions,
    },
)
room_names = st.text(min_size=1, max_size=40)


def validate(candidate, **options):
    defaults = {"api_key": API_KEY, "room_name": ROOM, "domain_id": DOMAIN_ID, "now": NOW}
    return validate_token(candidate, **(defaults | options))


VALID = self_sign(API_KEY, room_name=ROOM, domain_id=DOMAIN_ID, now=NOW, is_owner=True, user_name="Zoë")


# base64url: one spelling per byte string


@SOME
@given(st.binary(max_size=100))
def test_b64url_round_trips_any_bytes(data):
    assert b64url_decode(b64url_encode(data)) == data


@SOME
@given(st.binary(max_size=100))
def test_b64url_encoding_uses_only_the_url_alphabet(data):
    assert set(b64url_encode(data)) <= set(B64URL)


@SOME
@given(st.text(alphabet=B64URL + "=+/ .", max_size=24))
def test_b64url_text_is_accepted_only_in_its_one_spelling(text):
    try:
        data = b64url_decode(text)
    except MalformedTokenError:
        return
    assert b64url_encode(data) == text


@SOME
@given(st.binary(min_size=1, max_size=100).filter(lambda data: len(data) % 3 != 0), st.data())
def test_stray_bits_in_the_final_character_are_rejected(data, draw):
    text = b64url_encode(data)
    unused_bits = 0b1111 if len(data) % 3 == 1 else 0b11
    stray = draw.draw(st.integers(1, unused_bits), label="stray bits")
    respelled = text[:-1] + B64URL[B64URL.index(text[-1]) | stray]

    assert base64.urlsafe_b64decode(respelled + "=" * (-len(respelled) % 4)) == data  # lenient: same bytes
    with pytest.raises(MalformedTokenError, match="not canonical"):
        b64url_decode(respelled)


@SOME
@given(st.binary(min_size=1, max_size=100).filter(lambda data: len(data) % 3 != 0))
def test_padded_spelling_is_rejected(data):
    with pytest.raises(MalformedTokenError):
        b64url_decode(base64.urlsafe_b64encode(data).decode("ascii"))


@SOME
@given(st.binary(max_size=60), st.sampled_from([b"\xfb\xef\xbe", b"\xff\xff\xff"]), st.binary(max_size=60))
def test_standard_alphabet_spelling_is_rejected(prefix, plus_or_slash, suffix):
    # The middle block is "++++" or "////" in standard base64, "----" or "____" in base64url.
    data = prefix[: len(prefix) // 3 * 3] + plus_or_slash + suffix

    with pytest.raises(MalformedTokenError):
        b64url_decode(base64.b64encode(data).decode("ascii").rstrip("="))


# Properties <-> claims


@SOME
@given(legal_properties, room_names)
def test_properties_survive_the_trip_through_claims(properties, room_name):
    named = properties | {"room_name": room_name, "exp": NOW + 60, "domain_id": DOMAIN_ID}

    assert to_properties(to_claims(named)) == named


@SOME
@given(legal_properties)
def test_generated_properties_are_legal(properties):
    assert check_properties(properties) == []


# Self-signed tokens


@FEW
@given(legal_properties, room_names, st.integers(1, 10**8))
def test_self_signed_token_for_legal_properties_validates(properties, room_name, expires_in):
    token = self_sign(
        API_KEY, room_name=room_name, domain_id=DOMAIN_ID, expires_in=expires_in, now=NOW, **properties
    )

    assert validate(token, room_name=room_name).valid is True


@FEW
@given(legal_properties, room_names)
def test_self_signed_claims_read_back_as_the_properties(properties, room_name):
    token = self_sign(API_KEY, room_name=room_name, domain_id=DOMAIN_ID, now=NOW, **properties)

    assert to_properties(validate(token, room_name=room_name).claims) == {
        "room_name": room_name,
        "domain_id": DOMAIN_ID,
        "iat": NOW,
        "exp": NOW + 3600,
        **properties,
    }


# Single-character mutations of a valid token


def mutate(token: str, position: int, character: str) -> str:
    return token[:position] + character + token[position + 1 :]


@SOME
@given(st.integers(0, len(VALID) - 1), st.sampled_from(B64URL + ".=+/ ~é\x00"))
def test_every_single_character_substitution_is_rejected(position, character):
    assume(VALID[position] != character)

    assert validate(mutate(VALID, position, character)).valid is False


@SOME
@given(st.integers(0, len(VALID) - 1))
def test_every_single_character_deletion_is_rejected(position):
    assert validate(VALID[:position] + VALID[position + 1 :]).valid is False


@SOME
@given(st.integers(0, len(VALID)), st.sampled_from(B64URL + "."))
def test_every_single_character_insertion_is_rejected(position, character):
    assert validate(VALID[:position] + character + VALID[position:]).valid is False


def test_valid_token_is_valid_before_mutation():
    assert validate(VALID).valid is True


def test_every_substitution_within_the_alphabet_is_rejected_exhaustively():
    mutations = [
        mutate(VALID, position, character)
        for position in range(len(VALID))
        for character in B64URL + "."
        if VALID[position] != character
    ]

    assert [validate(mutated).valid for mutated in mutations] == [False] * len(mutations)


def lenient_signature(token: str) -> bytes:
    """What a decoder that ignores stray bits reads from the signature segment."""
    segment = token.rsplit(".", 1)[1]
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def same_signature_respellings(token: str) -> list[str]:
    """The tokens whose last character differs only in the bits the 32-byte signature leaves unused."""
    variants = [mutate(token, len(token) - 1, character) for character in B64URL if character != token[-1]]
    return [variant for variant in variants if lenient_signature(variant) == lenient_signature(token)]


def test_three_respellings_of_the_signature_carry_the_same_bytes():
    # 43 characters hold 258 bits for a 256-bit HMAC: the last character has 2 unused bits.
    assert len(same_signature_respellings(VALID)) == 3


def test_respellings_of_the_signature_are_rejected_as_malformed():
    reports = [validate(variant) for variant in same_signature_respellings(VALID)]

    assert [(report.valid, report.code) for report in reports] == [(False, "malformed")] * 3


def test_last_character_substitutions_are_malformed_or_fail_the_signature():
    # Of the 63 other characters, 15 keep the unused bits zero and change the signature's
    # last 4 bits (a wrong signature); the other 48 set unused bits (not canonical).
    variants = [mutate(VALID, len(VALID) - 1, c) for c in B64URL if c != VALID[-1]]
    codes = [validate(variant).code for variant in variants]

    assert (codes.count("invalid-signature"), codes.count("malformed")) == (15, 48)
