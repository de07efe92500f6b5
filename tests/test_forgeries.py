"""forgeries: the gallery of forged and broken tokens, each with the verdict the book promises."""

from __future__ import annotations

import pytest

from constants import API_KEY, DOMAIN_ID, NOW, ROOM
from meeting_tokens import decode_parts, precheck_claims, validate_token
from meeting_tokens.chapters.forgeries import EXPECTED_CODES, forged_tokens

GALLERY = forged_tokens(API_KEY, room_name=ROOM, domain_id=DOMAIN_ID, now=NOW)
# The verdict the book promises for each forgery, written out here rather than read from the
# package: `EXPECTED_CODES` lives beside the code it judges, so a change to both would pass.
VERDICTS: dict[str, str | None] = {
    "valid": None,
    "non-ASCII user name": None,
    "exp one second ahead": None,
    "nbf == now": None,
    "alg none": "unsupported-algorithm",
    "alg None (other spelling)": "unsupported-algorithm",
    "HS512 header": "unsupported-algorithm",
    "crit header": "unsupported-critical-header",
    "tampered payload": "invalid-signature",
    "owner escalation": "invalid-signature",
    "wrong key": "invalid-signature",
    "expired": "expired",
    "exp == now": "expired",
    "not yet valid": "not-yet-valid",
    "nbf == now + 1": "not-yet-valid",
    "issued in the future": "not-yet-valid",
    "other room": "wrong-room",
    "other domain": "wrong-domain",
    "missing exp": "missing-claim",
    "missing r": "missing-claim",
    "exp as string": "invalid-claim",
    "exp as float": "invalid-claim",
    "exp as bool": "invalid-claim",
    "exp as null": "invalid-claim",
    "bad base64url": "malformed",
    "two segments": "malformed",
}
# Forgeries that only a signature check can catch: their claims look fine.
SIGNATURE_ONLY = ["tampered payload", "owner escalation", "wrong key"]


def validate(candidate: str):
    return validate_token(candidate, api_key=API_KEY, room_name=ROOM, domain_id=DOMAIN_ID, now=NOW)


def test_gallery_has_a_token_for_every_expected_verdict():
    assert list(GALLERY) == list(VERDICTS)


def test_the_packages_expected_codes_are_the_verdicts_the_book_promises():
    assert EXPECTED_CODES == VERDICTS


def test_gallery_covers_every_rejection_code():
    assert set(VERDICTS.values()) == {
        None,
        "unsupported-algorithm",
        "unsupported-critical-header",
        "invalid-signature",
        "expired",
        "not-yet-valid",
        "wrong-room",
        "wrong-domain",
        "missing-claim",
        "invalid-claim",
        "malformed",
    }


@pytest.mark.parametrize(("label", "code"), VERDICTS.items())
def test_validate_token_gives_each_forgery_its_expected_code(label, code):
    assert validate(GALLERY[label]).code == code


@pytest.mark.parametrize("label", [label for label, code in VERDICTS.items() if code is not None])
def test_every_forgery_is_invalid(label):
    assert validate(GALLERY[label]).valid is False


@pytest.mark.parametrize("label", SIGNATURE_ONLY)
def test_signature_only_forgeries_pass_the_prechecks(label):
    report = precheck_claims(GALLERY[label], room_name=ROOM, domain_id=DOMAIN_ID, now=NOW)

    assert (report.nothing_failed, report.valid) == (True, False)


def test_gallery_is_built_around_the_given_instant():
    assert decode_parts(GALLERY["valid"]).payload == {
        "r": ROOM,
        "d": DOMAIN_ID,
        "iat": NOW - 60,
        "exp": NOW + 3600,
    }


def test_gallery_is_the_same_for_the_same_inputs():
    assert forged_tokens(API_KEY, room_name=ROOM, domain_id=DOMAIN_ID, now=NOW) == GALLERY


def test_owner_escalation_sets_is_owner_but_keeps_the_old_signature():
    escalated, valid = GALLERY["owner escalation"].split("."), GALLERY["valid"].split(".")

    assert (decode_parts(GALLERY["owner escalation"]).payload["o"], escalated[2]) == (True, valid[2])


def test_alg_none_forgery_has_an_empty_signature():
    assert GALLERY["alg none"].endswith(".")


def test_non_ascii_user_name_is_carried_intact():
    assert decode_parts(GALLERY["non-ASCII user name"]).payload["u"] == 'Zoë 李雷 😀 "</script>"'


def test_forgeries_a_day_later_are_all_expired_or_broken():
    later = NOW + 86400
    codes = {
        label: validate_token(token, api_key=API_KEY, room_name=ROOM, domain_id=DOMAIN_ID, now=later).code
        for label, token in GALLERY.items()
    }

    assert codes["valid"] == "expired"
    assert None not in codes.values()
