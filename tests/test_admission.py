"""What Daily decides at join, as the emulator models its documented rules (api/admission.py)."""

from __future__ import annotations

import pytest

from constants import NOW, OTHER_DOMAIN_ID
from meeting_tokens import DailyEmulator, self_sign
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


def test_a_token_of_another_domain_never_admits(emulator: DailyEmulator) -> None:
    token = self_sign(emulator.api_key, room_name="open", domain_id=OTHER_DOMAIN_ID, now=NOW)

    assert emulator.join("open", token).reason == "the token is not valid (wrong-domain)"


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


def test_an_unknown_room_is_refused(emulator: DailyEmulator) -> None:
    assert emulator.join("ghost").reason == "there is no room named 'ghost'"


def test_the_tokens_settings_win_over_the_rooms(emulator: DailyEmulator) -> None:
    emulator.client().create_room("quiet", properties={"start_video_off": True, "start_audio_off": True})

    admission = emulator.join("quiet", signed(emulator, room="quiet", start_video_off=False))

    assert admission.settings == {"start_video_off": False, "start_audio_off": True}


def test_the_tokens_permissions_replace_the_rooms(emulator: DailyEmulator) -> None:
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
