"""The widgets in a static page, with no kernel: what a reader of the published book gets.

The page is put together the way Jupyter Book writes a notebook page: the saved widget state
in a `application/vnd.jupyter.widget-state+json` script, one view script per widget, and the
book's own widget scripts (book/widgets-js, with anywidget's module copied from the installed
package). It is opened from disk (file://) and from a local web server (http://). A reader edits
the room and the owner flag, pastes a tampered token, moves the clock and picks a storage
choice; the page answers by itself, and its answers equal the Python package's. Nothing may be
requested from any other host. Screenshots land in artifacts/widgets/.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ipywidgets
import jwt
import pytest
from book_assets import copy_anywidget
from ipywidgets.embed import dependency_state, embed_data

from constants import NOW
from loopback import serving_folder
from meeting_tokens.api.emulator import DEMO_API_KEY, DEMO_DOMAIN_ID
from meeting_tokens.chapters import storage_options
from meeting_tokens.chapters.forgeries import forged_tokens
from meeting_tokens.core.signing import self_sign
from meeting_tokens.widgets import ClaimEditor, ExpiryExplorer, StorageTradeoffs, TokenInspector
from meeting_tokens.widgets.editing import sign_properties
from meeting_tokens.widgets.inspection import inspect_token, token_view

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "artifacts" / "widgets"
READER_NOW = NOW + 1000  # the reader's clock in the browser: later than the build's instant
LONG_AFTER = NOW + 90 * 86400  # a reader three months after the book was built
ROOM = "team-standup"  # the room a new ClaimEditor starts with (editing.default_properties)
STATE_TYPE = "application/vnd.jupyter.widget-state+json"
VIEW_TYPE = "application/vnd.jupyter.widget-view+json"
WIDGET_SCRIPTS = ("anywidget-static.js",)  # _config.yml's nb_ipywidgets_js


def static_page(widgets: dict[str, Any]) -> str:
    """An HTML page holding the widgets' saved state and one view of each, as the book does."""
    views = list(widgets.values())
    # Only these widgets' state: by default embed_data takes every widget the process made.
    data = embed_data(views=views, drop_defaults=False, state=dependency_state(views, drop_defaults=False))
    scripts = "".join(f'<script src="widgets-js/{name}"></script>' for name in WIDGET_SCRIPTS)
    state = json.dumps(data["manager_state"]).replace("</", "<\\/")
    views = "".join(
        f'<section id="{name}"><script type="{VIEW_TYPE}">{json.dumps(spec)}</script></section>'
        for name, spec in zip(widgets, data["view_specs"], strict=True)
    )
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>widgets</title>{scripts}'
        f'<script type="{STATE_TYPE}">{state}</script></head>'
        f'<body style="max-width: 52rem; font-family: sans-serif">{views}</body></html>'
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the page and the book's widget scripts."""
    folder = tmp_path_factory.mktemp("static-widgets")
    shutil.copytree(
        ROOT / "book" / "widgets-js", folder / "widgets-js", ignore=shutil.ignore_patterns("anywidget")
    )
    copy_anywidget(folder / "widgets-js")
    token = self_sign(DEMO_API_KEY, room_name=ROOM, domain_id=DEMO_DOMAIN_ID, now=NOW, nbf=NOW + 60)
    widgets = {
        "editor": ClaimEditor(DEMO_API_KEY, now=NOW),
        "inspector": TokenInspector(token, api_key=DEMO_API_KEY, room_name=ROOM, now=NOW + 120),
        "explorer": ExpiryExplorer(token, leeway=30, now=NOW + 1800),
        "storage": StorageTradeoffs(),
    }
    (folder / "index.html").write_text(static_page(widgets), encoding="utf-8")
    # A plain ipywidget is not an anywidget: that page needs the full widget manager.
    others = {"slider": ipywidgets.IntSlider(7, description="seven"), "storage": StorageTradeoffs()}
    (folder / "plain.html").write_text(static_page(others), encoding="utf-8")
    return folder


@pytest.fixture(scope="module", params=["file", "http"])
def url(request: pytest.FixtureRequest, site: Path) -> Iterator[str]:
    if request.param == "file":
        yield (site / "index.html").as_uri()
        return
    with serving_folder(site) as base_url:
        yield f"{base_url}/index.html"


LOCAL = ("file://", "http://127.0.0.1:", "blob:", "data:")


@pytest.fixture(scope="module")
def page(chromium: Any, url: str) -> Iterator[Any]:
    """The page, loaded once per scheme with every widget drawn; it may not reach beyond the site.

    Tests share it (a page load costs seconds): the first looks at the untouched page, and each
    later one sets every field it relies on.
    """
    context = chromium.new_context(viewport={"width": 900, "height": 1000})
    page = context.new_page()
    strays: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(LOCAL) else strays.append(r.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.clock.set_fixed_time(READER_NOW)
    page.goto(url)
    page.wait_for_selector("#storage .mt-tradeoffs tbody tr", timeout=30_000)
    yield page
    context.close()
    assert strays == [], f"requests that left the site: {strays}"
    assert errors == []


def shot(page: Any, url: str, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    scheme = url.split(":", 1)[0]
    page.locator(f"#{name.split('-')[0]} .mt-widget").screenshot(
        path=str(SCREENSHOTS / f"static-{scheme}-{name}.png")
    )


def field(page: Any, label: str) -> Any:
    return page.locator("#editor .mt-form label").filter(has_text=label).locator("input, select")


def python_editor_token(properties: dict[str, Any]) -> str:
    """What Python signs for the editor's form, issued at the reader's clock as the page does."""
    return sign_properties(DEMO_API_KEY, properties, domain_id=DEMO_DOMAIN_ID, now=READER_NOW).token


EDITOR_TOKEN = "(t) => document.querySelector('#editor .mt-token-box').value === t"


def edit(page: Any, *, room: str = ROOM, owner: str = "false", key: str = DEMO_API_KEY) -> None:
    """Set the editor's room, owner flag and key as a reader would."""
    page.locator("#editor .mt-key").fill(key)
    field(page, "Owner (is_owner)").select_option(owner)
    field(page, "Room (room_name)").fill(room)


def test_without_a_kernel_the_editor_signs_again_by_the_readers_clock(page: Any, url: str) -> None:
    editor_token = python_editor_token(
        {"room_name": ROOM, "exp": READER_NOW + 3600, "user_name": "Zoë", "is_owner": False}
    )
    page.wait_for_function(EDITOR_TOKEN, arg=editor_token)
    assert page.locator("#editor .mt-clock").inner_text() == (
        f"Domain {DEMO_DOMAIN_ID} · issued at (iat) 2026-01-01 00:16:40 UTC,"
        " by your device's clock (no Python kernel runs this page)"
    )
    assert page.locator("#editor .mt-verdict").inner_text() == "valid: every check passed"
    assert "computed in this page by JavaScript" in page.locator("#editor .mt-output").inner_text()


def test_without_a_kernel_the_inspector_checks_again_by_the_readers_clock(page: Any, url: str) -> None:
    token = page.locator("#inspector textarea").input_value()
    report = inspect_token(token, api_key=DEMO_API_KEY, room_name=ROOM, now=READER_NOW)
    expected = token_view(token, report, READER_NOW)
    page.wait_for_function(
        "() => document.querySelector('#inspector .mt-output').innerText.includes('computed in this page')"
    )
    assert page.locator("#inspector .mt-clock").inner_text() == (
        "Checked at 2026-01-01 00:16:40 UTC, by your device's clock."
    )
    assert page.locator("#inspector .mt-verdict").inner_text() == expected["verdict"]
    assert expected["verdict"] == "valid: every check passed"
    assert page.locator("#inspector .mt-clock-choice").input_value() == "reader"
    assert page.locator("#storage tr.mt-picked th").inner_text().startswith("Re-minted per join")
    for name in ("editor", "inspector", "explorer", "storage"):
        shot(page, url, name)


def test_the_inspector_can_judge_by_the_instant_it_was_made_for_instead(page: Any) -> None:
    clock = page.locator("#inspector .mt-clock")
    choice = page.locator("#inspector").get_by_label("Judge time by")
    choice.select_option(label="the instant it was made for, 2026-01-01 00:02:00 UTC")
    page.wait_for_function("(el) => el.innerText.includes('made for')", arg=clock.element_handle())
    assert clock.inner_text() == (
        "Checked at 2026-01-01 00:02:00 UTC, the instant this widget was made for, not your clock."
    )
    choice.select_option("reader")
    page.wait_for_function("(el) => el.innerText.includes('your device')", arg=clock.element_handle())


def test_the_editor_can_issue_at_the_instant_it_was_saved_with_instead(page: Any) -> None:
    edit(page)
    page.locator("#editor .mt-clock-choice").select_option("made")
    expected = sign_properties(
        DEMO_API_KEY,
        {"room_name": ROOM, "exp": NOW + 3600, "user_name": "Zoë", "is_owner": False},
        domain_id=DEMO_DOMAIN_ID,
        now=NOW,
    ).token
    page.wait_for_function(EDITOR_TOKEN, arg=expected)
    assert page.locator("#editor .mt-clock").inner_text() == (
        f"Domain {DEMO_DOMAIN_ID} · issued at (iat) 2026-01-01 00:00:00 UTC,"
        " the instant this widget was saved with"
    )
    page.locator("#editor .mt-clock-choice").select_option("reader")
    again = python_editor_token(
        {"room_name": ROOM, "exp": READER_NOW + 3600, "user_name": "Zoë", "is_owner": False}
    )
    page.wait_for_function(EDITOR_TOKEN, arg=again)


def test_a_token_both_expired_and_signed_with_another_key_shows_both(page: Any, url: str) -> None:
    long_ago = NOW - 86400
    forged = forged_tokens(DEMO_API_KEY, room_name=ROOM, domain_id=DEMO_DOMAIN_ID, now=long_ago)
    wrong_key = forged["wrong key"]
    expected = token_view(
        wrong_key, inspect_token(wrong_key, api_key=DEMO_API_KEY, room_name=ROOM, now=READER_NOW), READER_NOW
    )
    page.locator("#inspector textarea").fill(wrong_key)
    page.wait_for_selector("#inspector .mt-apart")
    assert page.locator("#inspector .mt-verdict").inner_text() == expected["verdict"]
    assert expected["verdict"].startswith("rejected (expired)")
    assert page.locator("#inspector .mt-apart").inner_text() == (
        "✘ Signature, checked on its own (the checks above stop at the first failure):"
        " bad signature: not the HMAC-SHA256 of the token under this key"
    )
    shot(page, url, "inspector-expired-wrong-key")


def test_renaming_the_room_signs_a_new_token_and_the_verdict_follows_it(page: Any, url: str) -> None:
    edit(page, room="board-room")
    expected = python_editor_token(
        {"room_name": "board-room", "exp": READER_NOW + 3600, "user_name": "Zoë", "is_owner": False}
    )
    page.wait_for_function(EDITOR_TOKEN, arg=expected)
    assert page.locator("#editor .mt-verdict").inner_text() == "valid: every check passed"
    assert page.locator("#editor .mt-check-room").input_value() == "board-room"
    assert "follows the token's room" in page.locator("#editor .mt-check-room-note").inner_text()
    assert "computed in this page by JavaScript" in page.locator("#editor .mt-output").inner_text()
    shot(page, url, "editor-room")


def test_a_verdict_room_typed_by_the_reader_stays_and_a_renamed_token_is_the_wrong_room(
    page: Any, url: str
) -> None:
    edit(page)
    page.locator("#editor .mt-check-room").fill(ROOM)
    edit(page, room="board-room")
    wrong_room = "rejected (wrong-room): wrong room: token is for 'board-room', not 'team-standup'"
    page.wait_for_function(
        "(v) => document.querySelector('#editor .mt-verdict').innerText === v", arg=wrong_room
    )
    assert page.locator("#editor .mt-check-room").input_value() == ROOM
    assert "set by you" in page.locator("#editor .mt-check-room-note").inner_text()
    shot(page, url, "editor-wrong-room")
    edit(page)


def test_the_verdict_room_sits_right_under_the_form(page: Any) -> None:
    form = page.locator("#editor .mt-form").bounding_box()
    field = page.locator("#editor .mt-check-room").bounding_box()
    assert 0 <= field["y"] - (form["y"] + form["height"]) < 60


def test_turning_on_the_owner_flag_signs_the_token_python_would(page: Any) -> None:
    edit(page, owner="true")
    expected = python_editor_token(
        {"room_name": ROOM, "exp": READER_NOW + 3600, "user_name": "Zoë", "is_owner": True}
    )
    page.wait_for_function(EDITOR_TOKEN, arg=expected)
    assert page.locator("#editor .mt-verdict").inner_text() == "valid: every check passed"


def test_a_wrong_key_typed_in_the_editor_is_flagged_and_sent_nowhere(page: Any) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    edit(page, key="short")
    page.wait_for_selector("#editor .mt-findings li[data-code='short-key']")
    assert requests == []
    assert page.evaluate("localStorage.length + sessionStorage.length + document.cookie.length") == 0
    assert (
        page.locator("#editor .mt-key-note").inner_text()
        == "Your key stays in this page: nothing is sent or stored."
    )


def test_a_pasted_tampered_token_is_rejected_with_its_reason(page: Any, url: str) -> None:
    tampered = forged_tokens(DEMO_API_KEY, room_name=ROOM, domain_id=DEMO_DOMAIN_ID, now=NOW)[
        "owner escalation"
    ]
    expected = token_view(
        tampered, inspect_token(tampered, api_key=DEMO_API_KEY, room_name=ROOM, now=NOW + 120), NOW + 120
    )
    page.locator("#inspector textarea").fill(tampered)
    page.wait_for_function(
        "(v) => document.querySelector('#inspector .mt-verdict').innerText === v", arg=expected["verdict"]
    )
    assert (
        expected["verdict"]
        == "rejected (invalid-signature): bad signature: not the HMAC-SHA256 of the token under this key"
    )
    shot(page, url, "inspector-tampered")


def test_pasting_garbage_gives_a_message_not_an_error(page: Any) -> None:
    page.locator("#inspector textarea").fill("this is not a token")
    page.wait_for_function(
        "() => document.querySelector('#inspector .mt-verdict').innerText.startsWith('rejected (malformed)')"
    )
    assert page.locator("#inspector .mt-verdict").inner_text() == (
        "rejected (malformed): a JWS has 3 dot-separated parts, this has 1"
    )


def test_a_token_pasted_with_line_breaks_is_checked_and_the_page_says_what_it_removed(
    page: Any, url: str
) -> None:
    token = self_sign(DEMO_API_KEY, room_name=ROOM, domain_id=DEMO_DOMAIN_ID, now=READER_NOW)
    wrapped = "\n".join(token[i : i + 60] for i in range(0, len(token), 60)) + "\n"
    page.locator("#inspector textarea").fill(wrapped)
    page.wait_for_function(
        "(v) => document.querySelector('#inspector .mt-verdict').innerText === v",
        arg="valid: every check passed",
    )
    assert page.locator("#inspector .mt-paste-note").inner_text() == (
        "3 line breaks removed from inside the token"
    )
    assert page.locator("#inspector .mt-token").inner_text() == token
    shot(page, url, "inspector-wrapped-paste")


def test_pasting_a_stray_character_names_it_its_part_and_its_position(page: Any) -> None:
    page.locator("#inspector textarea").fill("not.a.token!!")
    page.wait_for_function(
        "() => document.querySelector('#inspector .mt-verdict').innerText.startsWith('rejected (malformed)')"
    )
    assert page.locator("#inspector .mt-verdict").inner_text() == (
        "rejected (malformed): not base64url: '!' in the signature, at position 6; "
        "only A-Z a-z 0-9 - _ are allowed, no padding"
    )
    assert page.locator("#inspector .mt-paste-note").count() == 0


def test_an_empty_inspector_asks_for_a_token(page: Any) -> None:
    page.locator("#inspector textarea").fill("")
    page.wait_for_function(
        "(v) => document.querySelector('#inspector .mt-verdict').innerText === v",
        arg="Paste a token above to check it.",
    )
    assert page.locator("#inspector .mt-report").count() == 0


def test_a_20_kb_paste_is_echoed_shortened_and_the_verdict_stays_near_the_box(page: Any, url: str) -> None:
    pasted = "eyJhbGciOiJIUzI1NiJ9." + "A" * 20_000 + ".sig"
    page.locator("#inspector textarea").fill(pasted)
    page.wait_for_function(
        "() => document.querySelector('#inspector .mt-verdict').innerText.startsWith('rejected (malformed)')"
    )
    echo = page.locator("#inspector .mt-token").inner_text()
    assert len(echo) < 1300
    assert "characters not shown" in echo
    box = page.locator("#inspector textarea").bounding_box()
    verdict = page.locator("#inspector .mt-verdict").bounding_box()
    assert verdict["y"] - box["y"] < 800
    shot(page, url, "inspector-long-paste")
    page.locator("#inspector textarea").fill("")


def test_a_token_pasted_into_the_editor_is_decoded_and_checked_with_the_key(page: Any) -> None:
    edit(page)
    token = self_sign(DEMO_API_KEY, room_name=ROOM, domain_id=DEMO_DOMAIN_ID, now=READER_NOW, is_owner=True)
    page.locator("#editor .mt-token-box").fill(token)
    page.wait_for_function(
        "() => document.querySelector('#editor .mt-payload-box').value.includes('\"o\": true')"
    )
    assert page.locator("#editor .mt-verdict").inner_text() == "valid: every check passed"
    assert page.locator("#editor .mt-clock").inner_text() == (
        f"Domain {DEMO_DOMAIN_ID} · checked at 2026-01-01 00:16:40 UTC,"
        " by your device's clock (no Python kernel runs this page); its iat is its own"
    )
    page.locator("#editor .mt-token-box").fill(token[:-2] + "AA")
    page.wait_for_function(
        "(v) => document.querySelector('#editor .mt-verdict').innerText.startsWith(v)",
        arg="rejected (invalid-signature)",
    )


def test_an_edited_payload_is_signed_again_with_the_key_as_pyjwt_signs_it(page: Any, url: str) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    edit(page)
    payload = {"r": ROOM, "d": DEMO_DOMAIN_ID, "iat": READER_NOW, "exp": READER_NOW + 600, "o": True}
    page.locator("#editor .mt-payload-box").fill(json.dumps(payload, indent=2))
    expected = jwt.encode(payload, DEMO_API_KEY, algorithm="HS256")
    page.wait_for_function(EDITOR_TOKEN, arg=expected)
    assert page.locator("#editor .mt-verdict").inner_text() == "valid: every check passed"
    assert page.locator("#editor .mt-origin").inner_text() == (
        "The token is this payload signed with the key; the form is not used."
    )
    page.locator("#editor .mt-payload-box").fill('{"r": ')
    page.wait_for_selector("#editor .mt-error")
    assert page.locator("#editor .mt-error").inner_text().startswith("Cannot sign: the payload is not JSON")
    assert requests == []
    shot(page, url, "editor-payload")


def test_the_copy_button_copies_the_token(page: Any) -> None:
    edit(page)
    page.locator("#editor .mt-copy").click()
    page.wait_for_function("() => document.querySelector('#editor .mt-copy-note').innerText !== ''")
    assert page.locator("#editor .mt-copy-note").inner_text() == "Copied."


def test_the_expiry_slider_moves_the_marker_and_the_verdict(page: Any, url: str) -> None:
    marker = page.locator("#explorer .mt-marker")
    before = marker.evaluate("(m) => m.style.left")
    page.locator("#explorer button", has_text="exp + leeway").click()
    page.wait_for_function(
        "() => document.querySelector('#explorer .mt-verdict').innerText.startsWith('rejected (expired)')"
    )
    assert marker.evaluate("(m) => m.style.left") != before
    page.locator("#explorer button", has_text="nbf").click()
    page.wait_for_function(
        "() => document.querySelector('#explorer .mt-verdict').innerText.startsWith('pre-checks passed')"
    )
    page.locator("#explorer .mt-slider").evaluate(
        "(s) => { s.value = String(Number(s.value) - 31); s.dispatchEvent(new Event('input')); }"
    )
    verdict = "() => document.querySelector('#explorer .mt-verdict').innerText"
    page.wait_for_function(f"{verdict}.startsWith('rejected (not-yet-valid)')")
    shot(page, url, "explorer-before-nbf")


def test_the_explorer_starts_at_the_readers_clock_and_can_go_to_the_instant_it_was_made_for(
    page: Any, url: str
) -> None:
    explorer = page.locator("#explorer")
    explorer.locator(".mt-clock-choice").select_option("reader")
    page.wait_for_function("() => document.querySelector('#explorer .mt-now').innerText.includes('00:16:40')")
    assert explorer.locator(".mt-clock").inner_text() == "The slider is at your device's clock."
    assert explorer.locator(".mt-now").inner_text() == "now = iat + 16 min 40 s · 2026-01-01 00:16:40 UTC"
    explorer.get_by_label("Judge time by").select_option("made")
    page.wait_for_function("() => document.querySelector('#explorer .mt-now').innerText.includes('00:30:00')")
    assert explorer.locator(".mt-clock").inner_text() == (
        "The slider is at the instant this widget was made for, not your clock."
    )
    expected = token_view(
        explorer_token(), inspect_token(explorer_token(), now=NOW + 1800, leeway=30), NOW + 1800
    )
    assert explorer.locator(".mt-verdict").inner_text() == expected["verdict"]


def explorer_token() -> str:
    """The token the explorer was made with (the site fixture's)."""
    return self_sign(DEMO_API_KEY, room_name=ROOM, domain_id=DEMO_DOMAIN_ID, now=NOW, nbf=NOW + 60)


def test_long_after_the_build_the_inspector_accepts_a_token_the_editor_just_signed(
    chromium: Any, site: Path
) -> None:
    context = chromium.new_context(viewport={"width": 900, "height": 1000})
    page = context.new_page()
    page.clock.install(time=LONG_AFTER)  # a running clock, three months after the build
    page.goto((site / "index.html").as_uri())
    page.wait_for_function(
        "() => document.querySelector('#editor .mt-clock').innerText.includes('2026-04-01')", timeout=30_000
    )
    signed = page.locator("#editor .mt-token-box").input_value()
    issued_at = jwt.decode(signed, options={"verify_signature": False})["iat"]
    assert LONG_AFTER <= issued_at < LONG_AFTER + 60
    page.locator("#inspector textarea").fill(signed)
    verdict = page.locator("#inspector .mt-verdict")
    page.wait_for_function("(v) => v.innerText === 'valid: every check passed'", arg=verdict.element_handle())
    assert page.locator("#inspector .mt-clock").inner_text().startswith("Checked at 2026-04-01 ")
    assert page.locator("#inspector .mt-apart").count() == 0  # the report's own signature row ran
    shot(page, "file:", "inspector-long-after")
    context.close()


def test_picking_a_storage_choice_highlights_its_row(page: Any, url: str) -> None:
    page.locator("#storage select").first.select_option("local-storage")
    page.locator("#storage select").nth(1).select_option("none")
    assert page.locator("#storage tr.mt-picked th").inner_text() == "localStorage"
    summary = storage_options.summary("local-storage", "none")
    assert page.locator("#storage .mt-summary").inner_text() == summary
    shot(page, url, "storage-local")


def test_a_page_with_plain_ipywidgets_gets_the_full_widget_manager(chromium: Any, site: Path) -> None:
    context = chromium.new_context()
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto((site / "plain.html").as_uri())
    page.wait_for_selector("#slider .widget-slider", timeout=30_000)
    page.wait_for_selector("#storage .mt-tradeoffs tbody tr")
    context.close()
    assert any(url.endswith("/embed-amd.js") for url in requested)
    assert [url for url in requested if not url.startswith(LOCAL)] == []


# What the focused element is, for the keyboard test: its widget, its accessible name (label,
# aria-label or text), and whether its focus ring is drawn.
FOCUSED = """() => {
  const node = document.activeElement;
  const section = node.closest("section");
  const label = node.closest("label");
  const style = getComputedStyle(node);
  return {
    widget: section ? section.id : null,
    tag: node.tagName.toLowerCase(),
    name: (node.getAttribute("aria-label") || (label && label.innerText) || node.innerText || "").trim(),
    ring: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
  };
}"""


def tab_to(page: Any, widget: str, name: str) -> None:
    """Press Tab until the control of `widget` whose accessible name starts with `name` has focus."""
    for _ in range(80):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["widget"] == widget and focused["name"].startswith(name):
            return
    pytest.fail(f"Tab never reached {name!r} in #{widget}")


@pytest.fixture
def fresh_page(chromium: Any, site: Path) -> Iterator[Any]:
    """The page as a reader first sees it, on their own, for tests that change what they like."""
    context = chromium.new_context(viewport={"width": 900, "height": 1000})
    page = context.new_page()
    page.clock.set_fixed_time(READER_NOW)
    page.goto((site / "index.html").as_uri())
    page.wait_for_selector("#storage .mt-tradeoffs tbody tr", timeout=30_000)
    page.wait_for_function(
        "() => document.querySelector('#inspector .mt-output').innerText.includes('computed in this page')"
    )
    yield page
    context.close()


def test_tab_visits_every_control_in_reading_order_each_named_and_with_a_visible_focus_ring(
    fresh_page: Any,
) -> None:
    order = ["editor", "inspector", "explorer", "storage"]
    stops = []
    for _ in range(80):
        fresh_page.keyboard.press("Tab")
        focused = fresh_page.evaluate(FOCUSED)
        if focused["widget"] is None:
            break
        stops.append(focused)
    widgets = [stop["widget"] for stop in stops]
    assert sorted(set(widgets), key=order.index) == order
    assert widgets == sorted(widgets, key=order.index), "focus jumps back to an earlier widget"
    assert [stop for stop in stops if not stop["name"]] == [], "controls without a name"
    assert [stop for stop in stops if not stop["ring"]] == [], "controls focused without a visible ring"


def test_each_widget_can_be_operated_with_the_keyboard_alone(fresh_page: Any) -> None:
    page = fresh_page
    verdict = "(selector) => document.querySelector(selector).innerText"
    tab_to(page, "editor", "Room (room_name)")
    page.keyboard.press("Control+A")
    page.keyboard.type("board-room")
    page.wait_for_function("() => document.querySelector('#editor .mt-check-room').value === 'board-room'")
    tab_to(page, "editor", "Verdict for joining the room")
    page.keyboard.press("Control+A")
    page.keyboard.type("team-standup")
    page.wait_for_function(f"() => ({verdict})('#editor .mt-verdict').startsWith('rejected (wrong-room)')")
    tab_to(page, "inspector", "Judge time by")
    page.keyboard.press("ArrowDown")
    page.wait_for_function(f"() => ({verdict})('#inspector .mt-clock').includes('made for')")
    tab_to(page, "explorer", "the instant to judge the token at")
    page.keyboard.press("End")
    page.wait_for_function(f"() => ({verdict})('#explorer .mt-verdict').startsWith('rejected (expired)')")
    tab_to(page, "explorer", "nbf")
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => ({verdict})('#explorer .mt-verdict').startsWith('pre-checks passed')")
    tab_to(page, "storage", "where the token lives")
    page.keyboard.press("ArrowDown")
    assert page.locator("#storage tr.mt-picked th").inner_text() != "Re-minted per join"
    assert page.locator("#storage .mt-summary").inner_text() != ""


def test_the_widgets_have_no_serious_accessibility_violation(fresh_page: Any) -> None:
    assert serious_violations(fresh_page) == []


def serious_violations(page: Any) -> list[str]:
    """What axe-core finds against WCAG 2.1 A and AA that it rates serious or critical."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"], "resultTypes": ["violations"]}
    results = Axe().run(page, options=options)
    return [
        f"{violation['id']}: {node['target']} {node['failureSummary']}"
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
        for node in violation["nodes"]
    ]
