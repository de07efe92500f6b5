"""claims: Daily's property <-> claim table and the one property checker."""

from __future__ import annotations

import pytest

from constants import EVERY_PERMISSION, EVERY_PERMISSION_CLAIM
from meeting_tokens.core.claims import (
    CLAIM_NAMES,
    PROPERTY_NAMES,
    UNDOCUMENTED_CLAIMS,
    check_properties,
    require_valid_properties,
    to_claims,
    to_properties,
)
from meeting_tokens.core.errors import InvalidPropertiesError

# The table from https://docs.daily.co/reference/rest-api/meeting-tokens, row by row, in its order.
DOCUMENTED_TABLE = [
    ("nbf", "nbf"),
    ("exp", "exp"),
    ("domain_id", "d"),
    ("room_name", "r"),
    ("user_id", "ud"),
    ("user_name", "u"),
    ("is_owner", "o"),
    ("knocking", "k"),
    ("close_tab_on_exit", "ctoe"),
    ("redirect_on_meeting_exit", "rome"),
    ("intercom_join_alert", "ij"),
    ("start_cloud_recording", "sr"),
    ("start_cloud_recording_opts", "sro"),
    ("auto_start_transcription", "ast"),
    ("enable_recording", "er"),
    ("enable_screenshare", "ss"),
    ("start_video_off", "vo"),
    ("start_audio_off", "ao"),
    ("meeting_join_hook", "mjh"),
    ("eject_at_token_exp", "ejt"),
    ("eject_after_elapsed", "eje"),
    ("lang", "uil"),
    ("enable_recording_ui", "erui"),
    ("permissions", "p"),
]
LANGUAGE_LIST = "da, de, en, es, fi, fr, it, jp, ka, nl, no, pt, pt-BR, pl, ru, sv, tr, user"


# The table


def test_claim_names_is_the_documented_table_in_daily_order():
    assert list(CLAIM_NAMES.items()) == DOCUMENTED_TABLE


def test_claim_names_has_24_rows():
    assert len(CLAIM_NAMES) == 24


def test_property_names_is_the_table_read_backwards():
    assert {claim: prop for prop, claim in DOCUMENTED_TABLE} == PROPERTY_NAMES


def test_no_two_properties_share_a_claim():
    assert len(set(CLAIM_NAMES.values())) == 24


def test_undocumented_claims_are_the_three_without_a_short_name():
    assert {"enable_prejoin_ui", "enable_live_captions_ui", "enable_terse_logging"} == UNDOCUMENTED_CLAIMS


# to_claims / to_properties


def test_to_claims_uses_the_short_names():
    properties = {"room_name": "standup", "is_owner": True, "user_name": "host", "lang": "de"}

    assert to_claims(properties) == {"r": "standup", "o": True, "u": "host", "uil": "de"}


def test_to_claims_keeps_the_order_given():
    assert list(to_claims({"user_name": "a", "room_name": "b", "exp": 1})) == ["u", "r", "exp"]


def test_to_claims_keeps_undocumented_properties_under_their_long_name():
    assert to_claims({"enable_prejoin_ui": True, "enable_terse_logging": False}) == {
        "enable_prejoin_ui": True,
        "enable_terse_logging": False,
    }


def test_to_claims_writes_permissions_in_daily_abbreviated_shape():
    permissions = {
        "hasPresence": False,
        "canSend": ["video", "audio", "screenVideo", "screenAudio"],
        "canReceive": {"base": False},
        "canAdmin": ["participants"],
    }

    assert to_claims({"permissions": permissions}) == {
        "p": {"hp": False, "cs": "v,a,sv,sa", "cr": {"b": False}, "ca": "p"}
    }


def test_to_claims_keeps_can_send_booleans():
    assert to_claims({"permissions": {"canSend": True}}) == {"p": {"cs": True}}


@pytest.mark.parametrize(
    ("can_admin", "claim"),
    [(True, True), (False, False), (["participants"], "p"), (["streaming", "transcription"], "s,t"),
     (["participants", "streaming", "transcription"], "p,s,t"), ([], "")],
)  # fmt: skip
def test_can_admin_is_written_ca_with_daily_letters(can_admin, claim):
    assert to_claims({"permissions": {"canAdmin": can_admin}}) == {"p": {"ca": claim}}
    assert to_properties({"p": {"ca": claim}}) == {"permissions": {"canAdmin": can_admin}}


def test_every_kind_of_permission_is_written_in_daily_shape():
    assert to_claims({"permissions": EVERY_PERMISSION}) == {"p": EVERY_PERMISSION_CLAIM}


def test_every_kind_of_permission_reads_back_under_its_long_names():
    assert to_properties({"p": EVERY_PERMISSION_CLAIM}) == {"permissions": EVERY_PERMISSION}


def test_the_reference_pages_own_example_reads_as_documented():
    claim = {"ca": "p", "cr": {"b": {"v": False}, "u": {"u1": True}}}

    assert to_properties({"p": claim}) == {
        "permissions": {
            "canAdmin": ["participants"],
            "canReceive": {"base": {"video": False}, "byUserId": {"u1": True}},
        }
    }


def test_every_kind_of_permission_is_legal():
    assert check_properties({"permissions": EVERY_PERMISSION}) == []


def test_to_properties_reads_permissions_back_under_their_long_names():
    claims = {"p": {"hp": True, "cs": "a,sv", "cr": {"b": True}, "ca": True}}

    assert to_properties(claims) == {
        "permissions": {
            "hasPresence": True,
            "canSend": ["audio", "screenVideo"],
            "canReceive": {"base": True},
            "canAdmin": True,
        }
    }


def test_to_properties_keeps_unknown_letters_and_keys_of_a_foreign_claim_as_given():
    claims = {"p": {"cs": "v,x", "ca": "p,q", "cr": {"b": {"zz": 1}, "u": "all", "q": {}}, "hx": 1}}

    assert to_properties(claims) == {
        "permissions": {
            "canSend": ["video", "x"],
            "canAdmin": ["participants", "q"],
            "canReceive": {"base": {"zz": 1}, "byUserId": "all", "q": {}},
            "hx": 1,
        }
    }


def test_an_empty_can_send_list_round_trips_through_an_empty_string():
    assert to_claims({"permissions": {"canSend": []}}) == {"p": {"cs": ""}}
    assert to_properties({"p": {"cs": ""}}) == {"permissions": {"canSend": []}}


def test_custom_media_in_can_send_keep_their_long_names_in_cs():
    # Assumption custom-media-claim: Daily's reference gives them no letter inside `cs`.
    assert to_claims({"permissions": {"canSend": ["audio", "customVideo"]}}) == {"p": {"cs": "a,customVideo"}}


def test_permissions_round_trip_through_the_claims():
    permissions = {"canSend": ["screenAudio", "customVideo"], "canReceive": {"base": True, "byUserId": {}}}

    assert to_properties(to_claims({"permissions": permissions})) == {"permissions": permissions}


def test_to_properties_uses_the_long_names():
    claims = {"r": "hello", "o": True, "ss": True, "er": "local", "d": "25df5057", "nbf": 1548721569}

    assert to_properties(claims) == {
        "room_name": "hello",
        "is_owner": True,
        "enable_screenshare": True,
        "enable_recording": "local",
        "domain_id": "25df5057",
        "nbf": 1548721569,
    }


def test_to_properties_keeps_claims_outside_the_table_by_name():
    assert to_properties({"iat": 1548721831, "iss": "joe"}) == {"iat": 1548721831, "iss": "joe"}


def test_every_documented_property_survives_the_round_trip():
    properties = {prop: index for index, (prop, _) in enumerate(DOCUMENTED_TABLE)}

    assert to_properties(to_claims(properties)) == properties


# check_properties: one problem at a time


def test_legal_properties_have_no_problems():
    properties = {
        "room_name": "standup",
        "exp": 1767229200,
        "nbf": 1767225600,
        "is_owner": True,
        "user_name": "Zoë",
        "user_id": "x" * 36,
        "enable_recording": "cloud",
        "lang": "pt-BR",
        "eject_after_elapsed": 0,
        "enable_prejoin_ui": False,
        "start_cloud_recording_opts": {"layout": {"preset": "default"}},
        "redirect_on_meeting_exit": "https://example.com/bye",
        "permissions": {"hasPresence": True, "canSend": ["video", "audio"], "canAdmin": False},
    }

    assert check_properties(properties) == []


def test_no_properties_have_no_problems():
    assert check_properties({}) == []


def test_unknown_property_is_a_problem():
    assert check_properties({"colour": "blue"}) == ["'colour' is not a meeting-token property"]


def test_domain_id_is_not_a_property_one_can_set():
    assert check_properties({"domain_id": "25df5057"}) == [
        "domain_id is set by Daily from the API key, not a token property"
    ]


@pytest.mark.parametrize("value", ["true", 1, 0, None, [True]])
def test_boolean_property_must_be_true_or_false(value):
    assert check_properties({"is_owner": value}) == ["is_owner must be true or false"]


@pytest.mark.parametrize("value", [42, None, ["host"], b"host"])
def test_string_property_must_be_a_string(value):
    assert check_properties({"user_name": value}) == ["user_name must be a string"]


def test_user_id_of_36_characters_is_fine():
    assert check_properties({"user_id": "7c1ba4a2-5f5e-4c8a-9d3b-2f0e6a1b9c44"}) == []


def test_user_id_over_36_characters_is_a_problem():
    assert check_properties({"user_id": "x" * 37}) == ["user_id must be at most 36 characters"]


def test_user_id_must_be_a_string():
    assert check_properties({"user_id": 42}) == ["user_id must be a string"]


def test_room_name_must_not_be_empty():
    assert check_properties({"room_name": ""}) == ["room_name must not be empty"]


@pytest.mark.parametrize("value", ["EN", "en-US", "english", "", None])
def test_lang_outside_the_list_is_a_problem(value):
    assert check_properties({"lang": value}) == [f"lang must be one of {LANGUAGE_LIST}"]


@pytest.mark.parametrize("value", ["da", "en", "jp", "pt-BR", "user"])
def test_lang_from_the_list_is_fine(value):
    assert check_properties({"lang": value}) == []


@pytest.mark.parametrize("value", ["cloud", "cloud-audio-only", "local", "raw-tracks"])
def test_enable_recording_from_its_values_is_fine(value):
    assert check_properties({"enable_recording": value}) == []


@pytest.mark.parametrize("value", ["Cloud", "rtp-tracks", True, ""])
def test_enable_recording_outside_its_values_is_a_problem(value):
    assert check_properties({"enable_recording": value}) == [
        "enable_recording must be one of cloud, cloud-audio-only, local, raw-tracks"
    ]


@pytest.mark.parametrize("name", ["exp", "nbf", "eject_after_elapsed"])
def test_negative_time_is_a_problem(name):
    assert check_properties({name: -1}) == [f"{name} must not be negative"]


@pytest.mark.parametrize("value", [1767225600.0, 1767225600.5, "1767225600", True, None])
@pytest.mark.parametrize("name", ["exp", "nbf", "eject_after_elapsed"])
def test_non_integer_time_is_a_problem(name, value):
    assert check_properties({name: value}) == [f"{name} must be an integer number of seconds"]


def test_start_cloud_recording_opts_must_be_an_object():
    assert check_properties({"start_cloud_recording_opts": "default"}) == [
        "start_cloud_recording_opts must be an object"
    ]


def test_permissions_must_be_an_object():
    assert check_properties({"permissions": ["canSend"]}) == ["permissions must be an object"]


def test_permissions_problems_are_named_by_key():
    permissions = {
        "hasPresence": "yes",
        "canSend": ["video", "smell"],
        "canReceive": True,
        "canAdmin": ["everything"],
        "canFly": True,
    }

    assert check_properties({"permissions": permissions}) == [
        "permissions.canFly is not a known permission",
        "permissions.hasPresence must be true or false",
        "permissions.canSend must be true, false or a list of "
        "video, audio, screenVideo, screenAudio, customVideo, customAudio",
        "permissions.canReceive must be an object",
        "permissions.canAdmin must be true, false or a list of participants, streaming, transcription",
    ]


def test_an_unknown_can_receive_key_is_named_with_the_known_ones():
    assert check_properties({"permissions": {"canReceive": {"base": True, "byRoom": {}}}}) == [
        "permissions.canReceive.byRoom is not one of base, byUserId, byParticipantId"
    ]


def test_an_unknown_media_key_is_named_with_its_path():
    assert check_properties({"permissions": {"canReceive": {"byUserId": {"u1": {"smell": True}}}}}) == [
        "permissions.canReceive.byUserId.u1.smell is not one of "
        "video, audio, screenVideo, screenAudio, customVideo, customAudio"
    ]


def test_can_receive_values_of_the_wrong_type_are_named_with_their_path():
    can_receive = {
        "base": "all",
        "byUserId": ["u1"],
        "byParticipantId": {"p1": {"video": "yes", "customVideo": True, "customAudio": {"*": 1}}},
    }

    assert check_properties({"permissions": {"canReceive": can_receive}}) == [
        "permissions.canReceive.base must be true, false or an object of "
        "video, audio, screenVideo, screenAudio, customVideo, customAudio",
        "permissions.canReceive.byUserId must be an object",
        "permissions.canReceive.byParticipantId.p1.video must be true or false",
        "permissions.canReceive.byParticipantId.p1.customVideo must be an object",
        "permissions.canReceive.byParticipantId.p1.customAudio.* must be true or false",
    ]


@pytest.mark.parametrize("value", [None, [("room_name", "a")], "room_name=a"])
def test_properties_must_be_an_object(value):
    assert check_properties(value) == ["properties must be an object"]


# check_properties: every problem at once


def test_check_properties_reports_every_problem_at_once():
    properties = {
        "colour": "blue",
        "is_owner": "yes",
        "user_id": "u" * 40,
        "lang": "xx",
        "enable_recording": "tape",
        "exp": -5,
        "nbf": 1.5,
        "room_name": "standup",
    }

    assert check_properties(properties) == [
        "'colour' is not a meeting-token property",
        "is_owner must be true or false",
        "user_id must be at most 36 characters",
        f"lang must be one of {LANGUAGE_LIST}",
        "enable_recording must be one of cloud, cloud-audio-only, local, raw-tracks",
        "exp must not be negative",
        "nbf must be an integer number of seconds",
    ]


def test_require_valid_properties_raises_with_every_problem():
    with pytest.raises(InvalidPropertiesError) as caught:
        require_valid_properties({"is_owner": 1, "lang": "xx"})

    assert caught.value.problems == ["is_owner must be true or false", f"lang must be one of {LANGUAGE_LIST}"]


def test_invalid_properties_error_message_joins_the_problems():
    with pytest.raises(InvalidPropertiesError, match="^is_owner must be true or false; 'x' is not"):
        require_valid_properties({"is_owner": 1, "x": 2})


def test_require_valid_properties_accepts_legal_properties_quietly():
    assert require_valid_properties({"room_name": "standup", "is_owner": False}) is None
