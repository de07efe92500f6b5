"""The four widgets driven from Python, as a notebook would (ipywidgets needs no front end)."""

from __future__ import annotations

import time

import pytest
import traitlets

from constants import NOW, OTHER_KEY
from meeting_tokens import decode_parts
from meeting_tokens.api.emulator import DEMO_API_KEY, DEMO_DOMAIN_ID
from meeting_tokens.chapters.forgeries import forged_tokens
from meeting_tokens.core.jwt_parts import sign_hs256
from meeting_tokens.widgets import ClaimEditor, ExpiryExplorer, StorageTradeoffs, TokenInspector

ROOM = "team-standup"  # the room a new ClaimEditor starts with (editing.default_properties)


def token_for(**claims: object) -> str:
    return sign_hs256(
        {"alg": "HS256", "typ": "JWT"}, {"r": ROOM, "d": DEMO_DOMAIN_ID, **claims}, DEMO_API_KEY
    )


# ClaimEditor ---------------------------------------------------------------------------------


def test_a_new_editor_shows_a_valid_token_signed_with_the_demo_key() -> None:
    editor = ClaimEditor(now=NOW)
    assert editor.api_key == DEMO_API_KEY
    assert decode_parts(editor.token).payload == {
        "r": ROOM, "d": DEMO_DOMAIN_ID, "iat": NOW, "exp": NOW + 3600, "u": "Zoë", "o": False,
    }  # fmt: skip
    assert editor.report.valid
    assert editor.findings == []


def test_setting_properties_from_python_updates_the_token() -> None:
    editor = ClaimEditor(now=NOW)
    editor.properties = {"room_name": "board-room", "exp": NOW + 60, "is_owner": True}
    assert decode_parts(editor.token).payload == {
        "r": "board-room",
        "d": DEMO_DOMAIN_ID,
        "iat": NOW,
        "exp": NOW + 60,
        "o": True,
    }
    assert editor.properties == {"room_name": "board-room", "exp": NOW + 60, "is_owner": True}


def test_the_editors_verdict_follows_a_renamed_room_so_renaming_keeps_it_valid() -> None:
    editor = ClaimEditor(now=NOW)
    editor.properties = {**editor.properties, "room_name": "other-room"}
    assert (editor.check_room, editor.check_room_follows) == ("other-room", True)
    assert editor.report.valid
    assert editor.view["checks"][3] == ["scope", True, "for room 'other-room'", None]


def test_a_verdict_room_set_by_hand_stays_and_the_renamed_token_is_the_wrong_room() -> None:
    editor = ClaimEditor(now=NOW, check_room=ROOM)
    editor.properties = {**editor.properties, "room_name": "other-room"}
    assert (editor.check_room, editor.check_room_follows) == (ROOM, False)
    assert editor.report.code == "wrong-room"
    assert (
        editor.view["verdict"]
        == "rejected (wrong-room): wrong room: token is for 'other-room', not 'team-standup'"
    )


def test_the_page_can_stop_the_verdict_room_from_following() -> None:
    editor = ClaimEditor(now=NOW)
    editor.check_room_follows = False
    editor.properties = {**editor.properties, "room_name": "other-room"}
    assert editor.report.code == "wrong-room"


def test_dropping_exp_warns_that_the_token_lives_forever() -> None:
    editor = ClaimEditor(properties={"room_name": ROOM}, now=NOW)
    assert editor.findings == [["no-exp", "No exp: this token never expires."]]
    assert editor.report.code == "missing-claim"


def test_dropping_the_room_warns_that_the_token_opens_every_room() -> None:
    editor = ClaimEditor(properties={"exp": NOW + 60}, now=NOW)
    assert [code for code, _ in editor.findings] == ["no-room"]


def test_a_short_key_is_a_finding_not_an_error() -> None:
    editor = ClaimEditor(api_key="short-demo-key", now=NOW)
    assert editor.token
    assert [code for code, _ in editor.findings] == ["short-key"]


def test_a_long_token_is_a_finding() -> None:
    editor = ClaimEditor(properties={"room_name": ROOM, "exp": NOW + 60, "user_name": "n" * 2000}, now=NOW)
    assert [code for code, _ in editor.findings] == ["too-long"]


def test_properties_daily_would_refuse_give_an_error_and_no_token() -> None:
    editor = ClaimEditor(now=NOW)
    editor.properties = {"room_name": ROOM, "enable_recording": "cassette"}
    assert editor.token == ""
    assert editor.error == "enable_recording must be one of cloud, cloud-audio-only, local, raw-tracks"
    assert editor.report is None


def test_changing_the_key_re_signs_the_token() -> None:
    editor = ClaimEditor(now=NOW)
    before = editor.token
    editor.api_key = OTHER_KEY
    assert editor.token.rsplit(".", 1)[0] == before.rsplit(".", 1)[0]
    assert editor.token != before


def test_an_edit_from_the_page_is_answered_with_its_revision() -> None:
    editor = ClaimEditor(now=NOW)
    editor.revision = 7
    assert editor.answered == 7


def test_the_editor_repr_never_shows_the_key() -> None:
    editor = ClaimEditor(api_key="secret-looking-fake-key-0123456789abcdef", now=NOW)
    assert "secret-looking" not in repr(editor)
    assert repr(editor) == f"ClaimEditor(room 'team-standup': {len(editor.token)}-character token)"


def test_a_ping_from_the_page_gets_a_pong() -> None:
    editor = ClaimEditor(now=NOW)
    sent: list[object] = []
    editor.send = sent.append  # type: ignore[method-assign]
    editor._on_page_message(editor, {"type": "ping"}, [])
    assert sent == [{"type": "pong"}]


# TokenInspector ------------------------------------------------------------------------------


def test_the_inspector_without_a_key_says_the_signature_is_unchecked() -> None:
    inspector = TokenInspector(token_for(iat=NOW, exp=NOW + 3600), now=NOW)
    assert inspector.report.nothing_failed and not inspector.report.valid
    assert inspector.view["verdict"] == "pre-checks passed; signature not checked"


def test_the_inspector_with_the_key_rejects_a_tampered_token() -> None:
    tampered = forged_tokens(DEMO_API_KEY, room_name=ROOM, domain_id=DEMO_DOMAIN_ID, now=NOW)[
        "owner escalation"
    ]
    inspector = TokenInspector(tampered, api_key=DEMO_API_KEY, room_name=ROOM, now=NOW)
    assert inspector.report.code == "invalid-signature"


def test_the_inspector_words_expiry_for_a_human() -> None:
    inspector = TokenInspector(token_for(iat=NOW - 60, exp=NOW + 3540), now=NOW)
    notes = {claim: note for claim, _, _, note in inspector.view["claims"]}
    assert notes["exp"].endswith("expires in 59 minutes")
    inspector.now = NOW + 3 * 86400 + 3540
    notes = {claim: note for claim, _, _, note in inspector.view["claims"]}
    assert notes["exp"].endswith("expired 3 days ago")
    assert inspector.report.code == "expired"


@pytest.mark.parametrize("garbage", ["", "hello", "a.b.c", "😀.😀.😀", "eyJ.eyJ.", "x" * 9000])
def test_a_malformed_token_gives_a_message_not_a_traceback(garbage: str) -> None:
    inspector = TokenInspector(garbage, now=NOW)
    assert inspector.report.code == "malformed"
    assert inspector.view["verdict"].startswith("rejected (malformed): ")


def test_pasting_a_new_token_recomputes_the_report() -> None:
    inspector = TokenInspector("", now=NOW)
    inspector.token = token_for(iat=NOW, exp=NOW + 60)
    assert inspector.report.nothing_failed


def test_the_room_the_token_is_used_for_is_checked() -> None:
    inspector = TokenInspector(token_for(iat=NOW, exp=NOW + 60), room_name="other", now=NOW)
    assert inspector.report.code == "wrong-room"


def test_without_now_the_inspector_checks_at_the_current_time() -> None:
    before = time.time()
    inspector = TokenInspector(token_for(iat=int(before) - 10, exp=int(before) + 3600))
    assert before <= inspector.checked_at <= time.time()
    assert inspector.report.nothing_failed


# ExpiryExplorer ------------------------------------------------------------------------------


def test_the_explorer_starts_a_third_into_the_tokens_life() -> None:
    explorer = ExpiryExplorer(token_for(iat=NOW, exp=NOW + 3600))
    assert explorer.now == NOW + 1200
    assert explorer.report.nothing_failed


def test_moving_now_past_exp_changes_the_verdict_to_expired() -> None:
    explorer = ExpiryExplorer(token_for(iat=NOW, exp=NOW + 3600))
    explorer.now = NOW + 3600
    assert explorer.report.code == "expired"
    assert explorer.view["state"] == "rejected"


def test_leeway_keeps_the_token_valid_just_past_exp() -> None:
    explorer = ExpiryExplorer(token_for(iat=NOW, exp=NOW + 3600), leeway=30, now=NOW + 3629)
    assert explorer.report.nothing_failed
    explorer.now = NOW + 3630
    assert explorer.report.code == "expired"


def test_before_nbf_the_token_is_not_yet_valid() -> None:
    explorer = ExpiryExplorer(token_for(iat=NOW, nbf=NOW + 300, exp=NOW + 3600), now=NOW + 299)
    assert explorer.report.code == "not-yet-valid"


def test_the_explorer_offers_jumps_to_each_claim_and_to_exp_plus_leeway() -> None:
    explorer = ExpiryExplorer(token_for(iat=NOW, nbf=NOW + 60, exp=NOW + 3600), leeway=30)
    assert explorer.marks == {"iat": NOW, "nbf": NOW + 60, "exp": NOW + 3600, "exp + leeway": NOW + 3630}
    assert (explorer.origin, explorer.origin_name) == (NOW, "iat")


def test_the_slider_range_covers_the_whole_life_with_margins() -> None:
    explorer = ExpiryExplorer(token_for(iat=NOW, exp=NOW + 3600), leeway=30)
    assert explorer.axes["start"] < NOW - 30 and explorer.axes["end"] > NOW + 3630
    assert 0 < explorer.axes["left"] < explorer.axes["right"] < 1


def test_changing_leeway_redraws_the_timeline() -> None:
    explorer = ExpiryExplorer(token_for(iat=NOW, exp=NOW + 3600))
    before = explorer.plot
    explorer.leeway = 300
    assert explorer.plot != before


def test_the_explorer_survives_a_malformed_token() -> None:
    explorer = ExpiryExplorer("not.a.token", now=NOW)
    assert explorer.report.code == "malformed"
    assert explorer.plot.startswith("data:image/svg+xml;base64,")


# StorageTradeoffs ----------------------------------------------------------------------------


def test_the_storage_widget_starts_on_the_articles_design_with_one_day_tokens() -> None:
    widget = StorageTradeoffs()
    assert (widget.choice, widget.lifetime) == ("article", "1d")
    assert widget.summary.startswith("Re-minted per join; host marked by a signed HttpOnly cookie")


def test_the_storage_widget_holds_the_whole_table_for_the_static_page() -> None:
    widget = StorageTradeoffs()
    assert [row["key"] for row in widget.table["rows"]] == [row["key"] for row in widget.rows]
    assert set(widget.table["summaries"]) == {"5m", "1h", "1d", "30d", "none"}


def test_picking_local_storage_and_no_exp_says_a_stolen_token_works_forever() -> None:
    widget = StorageTradeoffs()
    widget.choice = "local-storage"
    widget.lifetime = "none"
    assert "A stolen token: Forever" in widget.summary
    assert widget.rows[3]["xss_reads"] == "The token: localStorage.getItem() returns it."


def test_an_unknown_storage_choice_is_refused() -> None:
    with pytest.raises(traitlets.TraitError):
        StorageTradeoffs(choice="cookie-jar")
