"""What Daily decides at join, as the emulator models its documented rules (api/admission.py)."""

from __future__ import annotations

import jwt
import pytest

from constants import DOMAIN_ID, NOW, OTHER_DOMAIN_ID, OTHER_KEY
from meeting_tokens import DailyEmulator, self_sign
from meeting_tokens.api.admission import Admission, admit
from meeting_tokens.core.clock import FrozenClock


@pytest.fixture
def emulator() -> DailyEmulator:
    daily = DailyEmulator(clock=FrozenClock(NOW), rate_limit=False)
    daily.client().create_room("open")
    daily.client().create_room("closed", privacy="private")
    return daily


def signed(emulator: DailyEmulator, room: str | None = "closed", **properties: object) -> str:
    options = {"domain_id": emulator.domain_id, "now": NOW, "allow_unscoped": room is None}
    return self_sign(emulator.api_key, room_name=room, **options | properties)


def test_a_public_room_admits_someone_without_a_token(emulator: DailyEmulator) -> None:
    admission = emulator.join("open")

    assert (admission.admitted, admission.reason) == (True, "admitted: the room is public")
    assert admission.is_owner is False


def test_a_private_room_refuses_someone_without_a_token(emulator: DailyEmulator) -> None:
    assert emulator.join("closed").reason == "a private room needs a meeting token"


def test_a_private_room_admits_its_own_token(emulator: DailyEmulator) -> None:
    assert emulator.join("closed", signed(emulator)).admitted is True


def test_a_token_for_another_room_is_refused(emulator: DailyEmulator) -> None:
    admission = emulator.join("closed", signed(emulator, room="open"))

    assert (admission.admitted, admission.reason) == (False, "the token is for room 'open'")


def test_a_token_of_another_domain_does_not_open_a_private_room(emulator: DailyEmulator) -> None:
    token = self_sign(emulator.api_key, room_name="closed", domain_id=OTHER_DOMAIN_ID, now=NOW)

    admission = emulator.join("closed", token)

    assert (admission.admitted, admission.reason) == (False, "the token is not valid (wrong-domain)")


def test_an_expired_token_is_refused(emulator: DailyEmulator) -> None:
    token = signed(emulator, expires_in=60)
    emulator.clock.advance(60)

    assert emulator.join("closed", token).reason == "the token is not valid (expired)"


def test_a_room_before_its_nbf_refuses_everyone(emulator: DailyEmulator) -> None:
    emulator.client().create_room("later", properties={"nbf": NOW + 60})

    assert emulator.join("later").reason == "the room is not open yet (room nbf)"


def test_an_expired_room_refuses_everyone(emulator: DailyEmulator) -> None:
    emulator.client().create_room("brief", properties={"exp": NOW + 60})
    emulator.clock.advance(60)

    assert emulator.join("brief", signed(emulator, room="brief")).reason == "the room has expired (room exp)"


def test_an_expired_room_says_so_even_after_a_rest_call_forgot_it(emulator: DailyEmulator) -> None:
    client = emulator.client()
    client.create_room("brief", properties={"exp": NOW + 60})
    emulator.clock.advance(60)
    client.list_rooms()  # Daily treats an expired room as deleted: the emulator forgets it here

    assert emulator.join("brief", signed(emulator, room="brief")).reason == "the room has expired (room exp)"


def test_a_new_room_under_an_expired_rooms_name_admits_again(emulator: DailyEmulator) -> None:
    client = emulator.client()
    client.create_room("brief", properties={"exp": NOW + 60})
    emulator.clock.advance(60)
    client.create_room("brief")

    assert emulator.join("brief").reason == "admitted: the room is public"


def test_an_unknown_room_is_refused(emulator: DailyEmulator) -> None:
    assert emulator.join("ghost").reason == "there is no room named 'ghost'"


def test_the_tokens_settings_win_over_the_rooms(emulator: DailyEmulator) -> None:
    emulator.client().create_room("quiet", properties={"start_video_off": True, "start_audio_off": True})

    admission = emulator.join("quiet", signed(emulator, room="quiet", start_video_off=False))

    assert admission.settings == {"start_video_off": False, "start_audio_off": True}


def test_the_tokens_can_send_wins_over_the_rooms(emulator: DailyEmulator) -> None:
    emulator.client().create_room("stage", properties={"permissions": {"canSend": False}})

    guest = emulator.join("stage")
    speaker = emulator.join("stage", signed(emulator, room="stage", permissions={"canSend": ["audio"]}))

    assert guest.permissions["canSend"] is False
    assert speaker.permissions["canSend"] == ["audio"]


def test_an_owner_can_mute_and_unmute_others(emulator: DailyEmulator) -> None:
    host = emulator.join("closed", signed(emulator, is_owner=True))

    assert (host.is_owner, host.can_mute_others, host.can_unmute_others) == (True, True, True)


def test_a_participant_admin_can_mute_but_not_unmute_others(emulator: DailyEmulator) -> None:
    admin = emulator.join("closed", signed(emulator, permissions={"canAdmin": ["participants"]}))

    assert (admin.can_mute_others, admin.can_unmute_others) == (True, False)


def test_a_plain_participant_can_mute_no_one(emulator: DailyEmulator) -> None:
    player = emulator.join("open")

    assert (player.can_mute_others, player.can_unmute_others) == (False, False)


def test_a_streaming_admin_cannot_mute_others(emulator: DailyEmulator) -> None:
    admin = emulator.join("closed", signed(emulator, permissions={"canAdmin": ["streaming"]}))

    assert admin.can_mute_others is False


def test_the_token_eject_rules_replace_the_rooms(emulator: DailyEmulator) -> None:
    emulator.client().create_room("timed", properties={"exp": NOW + 600, "eject_at_room_exp": True})

    guest = emulator.join("timed")
    holder = emulator.join("timed", signed(emulator, room="timed", expires_in=120, eject_at_token_exp=True))

    assert guest.eject_at == NOW + 600
    assert holder.eject_at == NOW + 120


def test_eject_after_elapsed_counts_from_the_join(emulator: DailyEmulator) -> None:
    admission = emulator.join("closed", signed(emulator, eject_after_elapsed=300))

    assert admission.eject_at == NOW + 300


def test_without_eject_rules_no_one_is_ejected(emulator: DailyEmulator) -> None:
    assert emulator.join("closed", signed(emulator)).eject_at is None


# Precedence: each permission on its own, token over room over domain, then Daily's defaults.


def test_without_permissions_anywhere_a_participant_gets_dailys_defaults(emulator: DailyEmulator) -> None:
    assert emulator.join("open").permissions == {
        "canSend": True, "canReceive": {"base": True}, "hasPresence": True, "canAdmin": False,
    }  # fmt: skip


def test_a_rooms_can_send_false_survives_a_token_that_sets_only_can_admin(emulator: DailyEmulator) -> None:
    emulator.client().create_room("stage", properties={"permissions": {"canSend": False}})
    token = signed(emulator, room="stage", permissions={"canAdmin": ["participants"]})

    permissions = emulator.join("stage", token).permissions

    assert (permissions["canSend"], permissions["canAdmin"]) == (False, ["participants"])


def test_a_rest_minted_token_with_only_can_admin_leaves_can_send_to_the_room(emulator: DailyEmulator) -> None:
    client = emulator.client()
    client.create_room("stage", properties={"permissions": {"canSend": False}})
    token = client.create_meeting_token({"room_name": "stage", "permissions": {"canAdmin": True}})

    permissions = emulator.join("stage", token).permissions

    assert (permissions["canSend"], permissions["canAdmin"]) == (False, True)


def test_the_domains_permissions_apply_where_token_and_room_are_silent(emulator: DailyEmulator) -> None:
    emulator.domain_properties = {"permissions": {"canSend": ["audio"], "hasPresence": False}}

    permissions = emulator.join("open").permissions

    assert (permissions["canSend"], permissions["hasPresence"]) == (["audio"], False)


def test_the_rooms_permission_wins_over_the_domains(emulator: DailyEmulator) -> None:
    emulator.domain_properties = {"permissions": {"canSend": ["audio"]}}
    emulator.client().create_room("stage", properties={"permissions": {"canSend": False}})

    assert emulator.join("stage").permissions["canSend"] is False


def test_the_tokens_permission_wins_over_the_rooms_and_the_domains(emulator: DailyEmulator) -> None:
    emulator.domain_properties = {"permissions": {"canAdmin": ["streaming"]}}
    emulator.client().create_room("stage", properties={"permissions": {"canAdmin": False}})
    token = signed(emulator, room="stage", permissions={"canAdmin": ["transcription"]})

    assert emulator.join("stage", token).permissions["canAdmin"] == ["transcription"]


def test_each_permission_comes_from_its_own_level(emulator: DailyEmulator) -> None:
    emulator.domain_properties = {"permissions": {"hasPresence": False, "canSend": ["video"]}}
    emulator.client().create_room("stage", properties={"permissions": {"canSend": ["audio"]}})
    token = signed(emulator, room="stage", permissions={"canAdmin": True})

    assert emulator.join("stage", token).permissions == {
        "canSend": ["audio"], "canReceive": {"base": True}, "hasPresence": False, "canAdmin": True,
    }  # fmt: skip


def test_can_receive_comes_whole_from_the_level_that_sets_it(emulator: DailyEmulator) -> None:
    emulator.client().create_room("stage", properties={"permissions": {"canReceive": {"base": False}}})
    token = signed(emulator, room="stage", permissions={"canReceive": {"byUserId": {"u1": True}}})

    assert emulator.join("stage", token).permissions["canReceive"] == {"byUserId": {"u1": True}}


def test_the_domains_settings_lie_below_the_rooms(emulator: DailyEmulator) -> None:
    emulator.domain_properties = {"lang": "de", "enable_prejoin_ui": True}
    emulator.client().create_room("french", properties={"lang": "fr"})

    assert emulator.join("french").settings == {"lang": "fr", "enable_prejoin_ui": True}


def test_changing_an_admissions_permissions_leaves_the_room_as_it_was(emulator: DailyEmulator) -> None:
    emulator.client().create_room("stage", properties={"permissions": {"canReceive": {"base": False}}})

    emulator.join("stage").permissions["canReceive"]["base"] = True

    assert emulator.join("stage").permissions["canReceive"] == {"base": False}


# Knocking: a private room with enable_knocking has a lobby for those without a token.


@pytest.fixture
def knocking(emulator: DailyEmulator) -> DailyEmulator:
    emulator.client().create_room("salon", privacy="private", properties={"enable_knocking": True})
    return emulator


def test_a_private_room_with_knocking_lets_someone_without_a_token_knock(knocking: DailyEmulator) -> None:
    admission = knocking.join("salon")

    assert (admission.admitted, admission.may_knock, admission.access) == (False, True, "lobby")
    assert admission.reason == "may knock; an owner admits"


def test_someone_in_the_lobby_has_no_privileges_yet(knocking: DailyEmulator) -> None:
    admission = knocking.join("salon")

    assert (admission.permissions, admission.can_mute_others) == ({}, False)


def test_any_valid_token_bypasses_the_lobby(knocking: DailyEmulator) -> None:
    token = signed(knocking, room="salon", permissions={"hasPresence": False, "canSend": False})

    admission = knocking.join("salon", token)

    assert (admission.access, admission.reason) == ("full", "admitted with a token")


def test_a_bad_token_at_a_knocking_room_leaves_its_holder_to_knock(knocking: DailyEmulator) -> None:
    token = self_sign(OTHER_KEY, room_name="salon", domain_id=knocking.domain_id, now=NOW, is_owner=True)

    admission = knocking.join("salon", token)

    assert admission.access == "lobby"
    assert (
        admission.reason == "may knock; an owner admits (ignored: the token is not valid (invalid-signature))"
    )


def test_a_private_room_without_knocking_has_no_lobby(emulator: DailyEmulator) -> None:
    admission = emulator.join("closed")

    assert (admission.may_knock, admission.access) == (False, "none")


def test_a_room_made_private_with_knocking_sends_newcomers_to_the_lobby(emulator: DailyEmulator) -> None:
    # Daily's guide to controlling who joins: after the change, newcomers need a token or to knock.
    emulator.client().update_room("open", privacy="private", properties={"enable_knocking": True})

    assert emulator.join("open").access == "lobby"
    assert emulator.join("open", signed(emulator, room="open")).access == "full"


def test_a_room_made_private_without_knocking_refuses_newcomers_without_a_token(
    emulator: DailyEmulator,
) -> None:
    emulator.client().update_room("open", privacy="private")

    assert emulator.join("open").reason == "a private room needs a meeting token"


def test_knocking_changes_nothing_in_a_public_room(emulator: DailyEmulator) -> None:
    emulator.client().create_room("hall", properties={"enable_knocking": True})

    assert (emulator.join("hall").access, emulator.join("hall").reason) == (
        "full",
        "admitted: the room is public",
    )


# A token Daily would not accept is ignored: a private room refuses its holder, a public one admits
# them without the token's privileges.


def bad_tokens(emulator: DailyEmulator, room: str) -> dict[str, str]:
    """One token per way of being bad, each claiming ownership and video off."""
    perks = {"is_owner": True, "start_video_off": True}
    domain, scoped = emulator.domain_id, {"room_name": room, **perks}
    return {
        "invalid-signature": self_sign(OTHER_KEY, domain_id=domain, now=NOW, **scoped),
        "expired": self_sign(emulator.api_key, domain_id=domain, now=NOW - 7200, **scoped),
        "not-yet-valid": self_sign(emulator.api_key, domain_id=domain, now=NOW, nbf=NOW + 60, **scoped),
        "another-room": self_sign(
            emulator.api_key, room_name="elsewhere", domain_id=domain, now=NOW, **perks
        ),
        "wrong-domain": self_sign(emulator.api_key, domain_id=OTHER_DOMAIN_ID, now=NOW, **scoped),
    }


PRIVATE_REASONS = {
    "invalid-signature": "the token is not valid (invalid-signature)",
    "expired": "the token is not valid (expired)",
    "not-yet-valid": "the token is not valid (not-yet-valid)",
    "another-room": "the token is for room 'elsewhere'",
    "wrong-domain": "the token is not valid (wrong-domain)",
}
# At a public room the same problem is named, and the holder admitted as anyone would be.
PUBLIC_REASONS = {
    case: f"admitted without the token's privileges: {why}" for case, why in PRIVATE_REASONS.items()
}


@pytest.mark.parametrize("case", PUBLIC_REASONS)
def test_a_public_room_admits_a_bad_tokens_holder_without_its_privileges(
    emulator: DailyEmulator, case: str
) -> None:
    admission = emulator.join("open", bad_tokens(emulator, "open")[case])

    assert (admission.admitted, admission.reason) == (True, PUBLIC_REASONS[case])
    assert (admission.is_owner, admission.settings) == (False, {})


@pytest.mark.parametrize("case", PRIVATE_REASONS)
def test_a_private_room_refuses_a_bad_token_naming_its_problem(emulator: DailyEmulator, case: str) -> None:
    admission = emulator.join("closed", bad_tokens(emulator, "closed")[case])

    assert (admission.admitted, admission.reason) == (False, PRIVATE_REASONS[case])


def test_a_token_that_is_not_a_jwt_is_ignored_at_a_public_room(emulator: DailyEmulator) -> None:
    admission = emulator.join("open", "not-a-token")

    assert admission.reason == "admitted without the token's privileges: the token is not valid (malformed)"


def test_a_bad_token_at_a_public_room_gets_the_rooms_own_permissions(emulator: DailyEmulator) -> None:
    emulator.client().create_room("stage", properties={"permissions": {"canSend": False}})
    token = self_sign(OTHER_KEY, room_name="stage", domain_id=emulator.domain_id, now=NOW,
                      permissions={"canSend": True})  # fmt: skip

    assert emulator.join("stage", token).permissions["canSend"] is False


# Claims of the wrong type never raise and never grant.

ROOM_OPEN = {"name": "open", "privacy": "public", "config": {}}


def admit_claims(**claims: object) -> Admission:
    return admit(ROOM_OPEN, {"r": "open", "d": DOMAIN_ID, "iat": NOW} | claims, now=NOW, domain_id=DOMAIN_ID)


def test_an_owner_claim_of_true_makes_an_owner() -> None:
    assert admit_claims(o=True).is_owner is True


@pytest.mark.parametrize("value", [1, "true", "yes", [True], {"o": True}, None])
def test_an_owner_claim_other_than_true_makes_no_owner(value: object) -> None:
    admission = admit_claims(o=value)

    assert (admission.admitted, admission.is_owner, admission.can_unmute_others) == (True, False, False)


@pytest.mark.parametrize("value", ["cs", ["ca"], 1, True, None])
def test_a_permissions_claim_that_is_not_an_object_is_refused(value: object) -> None:
    admission = admit_claims(p=value)

    assert (admission.admitted, admission.reason) == (
        False, "the token's claims are not usable: permissions must be an object",
    )  # fmt: skip


@pytest.mark.parametrize("value", ["300", 1.5, True, None, [300]])
def test_an_eject_after_elapsed_claim_that_is_not_an_integer_is_refused(value: object) -> None:
    admission = admit_claims(eje=value)

    assert admission.reason == (
        "the token's claims are not usable: eject_after_elapsed must be an integer number of seconds"
    )


def test_a_negative_eject_after_elapsed_claim_is_refused() -> None:
    reason = admit_claims(eje=-1).reason

    assert reason == "the token's claims are not usable: eject_after_elapsed must not be negative"


def test_an_expiry_claim_that_is_not_a_number_is_refused() -> None:
    assert admit_claims(exp="tomorrow").reason == "the token's claims are not usable: exp must be a number"


def test_a_setting_of_the_wrong_kind_is_refused() -> None:
    reason = admit_claims(vo="yes").reason

    assert reason == "the token's claims are not usable: start_video_off must be true or false"


def test_a_permission_of_the_wrong_kind_is_refused() -> None:
    reason = admit_claims(p={"cs": 5}).reason

    assert reason.startswith("the token's claims are not usable: permissions.canSend must be")


def test_wrong_typed_claims_refuse_a_join_through_the_emulator(emulator: DailyEmulator) -> None:
    claims = {"r": "open", "d": emulator.domain_id, "iat": NOW, "o": True, "eje": "300"}
    token = jwt.encode(claims, emulator.api_key, algorithm="HS256")

    admission = emulator.join("open", token)

    assert (admission.admitted, admission.is_owner) == (False, False)


def test_a_wrong_typed_owner_claim_through_the_emulator_is_a_plain_participant(
    emulator: DailyEmulator,
) -> None:
    token = jwt.encode({"r": "closed", "d": emulator.domain_id, "iat": NOW, "o": "true"}, emulator.api_key)

    admission = emulator.join("closed", token)

    assert (admission.admitted, admission.is_owner) == (True, False)


def test_admit_takes_verified_claims_or_a_token_problem_not_both() -> None:
    with pytest.raises(ValueError, match="not both"):
        admit(ROOM_OPEN, {}, now=NOW, domain_id=DOMAIN_ID, token_problem="expired")
