"""The widgets' logic without any front end: times in words, findings, signing from a form,
the inspector's description, the timeline, the storage table and the front-end assets."""

from __future__ import annotations

import ast
import base64
import json
import re
import string
from pathlib import Path

import pytest

from constants import API_KEY, DOMAIN_ID, NOW
from meeting_tokens.chapters import storage_options
from meeting_tokens.core.checklist import findings
from meeting_tokens.core.claims import KIND_CHECKS, PROPERTY_KINDS
from meeting_tokens.core.jwt_parts import decode_parts, sign_hs256
from meeting_tokens.drawing.timetext import duration_text, relative_time, time_note, utc_text
from meeting_tokens.widgets import assets
from meeting_tokens.widgets.editing import FORM_FIELDS, default_properties, sign_properties
from meeting_tokens.widgets.inspection import inspect_token, token_view
from meeting_tokens.widgets.storage_tradeoffs import table_data
from meeting_tokens.widgets.timeline import bands, timeline_for, timeline_svg

# Times in words ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(0, "0 seconds"), (1, "1 second"), (59, "59 seconds"), (60, "1 minute"), (3599, "59 minutes"),
     (3600, "1 hour"), (86400 * 3, "3 days"), (86400 * 365, "1 year"), (-7200, "2 hours")],
)  # fmt: skip
def test_durations_are_worded_in_their_largest_whole_unit(seconds: int, words: str) -> None:
    assert duration_text(seconds) == words


def test_an_exp_59_minutes_ahead_expires_in_59_minutes() -> None:
    assert relative_time("exp", NOW + 3599, NOW) == "expires in 59 minutes"


def test_an_exp_three_days_back_expired_3_days_ago() -> None:
    assert relative_time("exp", NOW - 3 * 86400, NOW) == "expired 3 days ago"


def test_an_exp_equal_to_now_has_expired() -> None:
    assert relative_time("exp", NOW, NOW) == "expired 0 seconds ago"


def test_nbf_and_iat_are_worded_from_now() -> None:
    assert relative_time("nbf", NOW + 60, NOW) == "usable in 1 minute"
    assert relative_time("nbf", NOW - 60, NOW) == "usable since 1 minute ago"
    assert relative_time("iat", NOW - 120, NOW) == "issued 2 minutes ago"
    assert relative_time("iat", NOW + 600, NOW) == "issued 10 minutes in the future"


def test_a_time_note_gives_calendar_time_then_relative_time() -> None:
    assert time_note("exp", NOW + 3600, NOW) == "2026-01-01 01:00:00 UTC · expires in 1 hour"


def test_a_time_note_names_a_claim_that_is_no_numericdate() -> None:
    assert time_note("exp", "1767229200", NOW) == "not an integer NumericDate"
    assert time_note("exp", True, NOW) == "not an integer NumericDate"
    assert time_note("exp", 10**20, NOW) == "outside years 1 to 9999"


def test_utc_text_pads_early_years() -> None:
    assert utc_text(-62135596800) == "0001-01-01 00:00:00 UTC"


# Findings ------------------------------------------------------------------------------------


def test_a_scoped_expiring_token_with_a_long_key_has_no_findings() -> None:
    assert findings({"room_name": "a", "exp": NOW + 60}, API_KEY, "a.b.c") == []


def test_findings_name_no_exp_no_room_a_long_token_and_a_short_key_in_that_order() -> None:
    found = findings({}, "k" * 31, "a" * 2049)
    assert [f.code for f in found] == ["no-exp", "no-room", "too-long", "short-key"]
    assert found[2].message == (
        "The token is 2049 characters, over the 2048 this book suggests (a guess: Daily states no limit)."
    )
    assert (
        found[3].message
        == "The key is 31 bytes; an HS256 key should have at least 32 (RFC 7518, section 3.2)."
    )


def test_key_length_is_counted_in_utf8_bytes() -> None:
    assert findings({"room_name": "a", "exp": 1}, "é" * 16, None) == []


# Signing from the form -----------------------------------------------------------------------


def test_the_form_lists_only_real_properties() -> None:
    assert {field.name for field in FORM_FIELDS} <= set(PROPERTY_KINDS)


def test_sign_properties_puts_r_d_iat_exp_first_then_the_rest_in_order() -> None:
    signed = sign_properties(
        API_KEY,
        {"user_name": "Ada", "exp": NOW + 60, "room_name": "a", "is_owner": True},
        domain_id=DOMAIN_ID,
        now=NOW,
    )
    assert list(decode_parts(signed.token).payload.items()) == [
        ("r", "a"), ("d", DOMAIN_ID), ("iat", NOW), ("exp", NOW + 60), ("u", "Ada"), ("o", True),
    ]  # fmt: skip


def test_sign_properties_makes_what_sign_hs256_makes_by_hand() -> None:
    signed = sign_properties(API_KEY, {"room_name": "a", "exp": NOW + 60}, domain_id=DOMAIN_ID, now=NOW)
    by_hand = sign_hs256(
        {"alg": "HS256", "typ": "JWT"}, {"r": "a", "d": DOMAIN_ID, "iat": NOW, "exp": NOW + 60}, API_KEY
    )
    assert signed.token == by_hand


def test_sign_properties_signs_a_token_without_room_or_exp() -> None:
    signed = sign_properties(API_KEY, {}, domain_id=DOMAIN_ID, now=NOW)
    assert decode_parts(signed.token).payload == {"d": DOMAIN_ID, "iat": NOW}


def test_sign_properties_refuses_what_daily_would_refuse() -> None:
    signed = sign_properties(
        API_KEY, {"room_name": "a", "lang": "xx", "is_owner": "yes"}, domain_id=DOMAIN_ID, now=NOW
    )
    assert signed.token is None
    assert signed.error.startswith("lang must be one of da, de, en,")
    assert signed.error.endswith("; is_owner must be true or false")


def test_sign_properties_refuses_an_exp_that_is_not_after_iat() -> None:
    signed = sign_properties(API_KEY, {"exp": NOW}, domain_id=DOMAIN_ID, now=NOW)
    assert signed.error == f"exp {NOW} is not after iat {NOW}: the token would be born expired"


def test_sign_properties_reports_an_empty_key_instead_of_raising() -> None:
    assert (
        sign_properties("", {"exp": NOW + 1}, domain_id=DOMAIN_ID, now=NOW).error
        == "api_key must be a non-empty string"
    )


def test_default_properties_are_a_guests_one_hour_token_for_one_room() -> None:
    assert default_properties(NOW) == {
        "room_name": "team-standup",
        "exp": NOW + 3600,
        "user_name": "Zoë",
        "is_owner": False,
    }


# The inspector's description -----------------------------------------------------------------


def test_without_a_key_the_inspector_runs_the_prechecks_only() -> None:
    token = sign_hs256({"alg": "HS256"}, {"r": "a", "exp": NOW + 60}, API_KEY)
    report = inspect_token(token, now=NOW)
    assert token_view(token, report, NOW)["verdict"] == "pre-checks passed; signature not checked"
    assert token_view(token, report, NOW)["state"] == "unchecked"



def test_the_inspector_reports_a_4300_digit_negative_exp_instead_of_raising():
    exp = -int("9" * 4300)
    token = sign_hs256({"alg": "HS256", "typ": "JWT"}, {"r": "a", "exp": exp}, API_KEY)
    view = token_view(token, inspect_token(token, api_key=API_KEY, now=NOW), NOW)

    assert (view["state"], view["verdict"]) == (
        "rejected",
        f"rejected (expired): expired: exp {exp} is more than 10**4300 s ago",
    )
    assert view["claims"][1][3] == "outside years 1 to 9999"

def test_with_the_key_the_inspector_verifies_the_signature() -> None:
    token = sign_hs256({"alg": "HS256"}, {"r": "a", "exp": NOW + 60}, API_KEY)
    view = token_view(token, inspect_token(token, api_key=API_KEY, room_name="a", now=NOW), NOW)
    assert (view["state"], view["verdict"]) == ("valid", "valid: every check passed")


def test_the_inspector_ignores_whitespace_around_a_pasted_token() -> None:
    token = sign_hs256({"alg": "HS256"}, {"r": "a", "exp": NOW + 60}, API_KEY)
    assert inspect_token(f"\n {token}\r\n", api_key=API_KEY, now=NOW).valid


def test_the_inspector_describes_claims_with_long_names_and_times_in_words() -> None:
    token = sign_hs256({"alg": "HS256"}, {"r": "a", "o": True, "exp": NOW + 3540}, API_KEY)
    view = token_view(token, inspect_token(token, now=NOW), NOW)
    assert view["claims"] == [
        ["r", "room_name", '"a"', ""],
        ["o", "is_owner", "true", ""],
        ["exp", "exp", str(NOW + 3540), "2026-01-01 00:59:00 UTC · expires in 59 minutes"],
    ]


def test_a_malformed_token_is_described_not_raised() -> None:
    view = token_view("not a token", inspect_token("not a token", now=NOW), NOW)
    assert view["segments"] is None
    assert view["verdict"] == "rejected (malformed): a JWS has 3 dot-separated parts, this has 1"


# The timeline --------------------------------------------------------------------------------


def test_the_timeline_spans_the_claims_with_leeway_and_a_margin() -> None:
    tl = timeline_for({"iat": NOW, "nbf": NOW + 300, "exp": NOW + 3600}, 120, fallback=0)
    assert (tl.usable_from, tl.usable_until) == (NOW + 180, NOW + 3720)
    assert tl.start < NOW - 120 and tl.end > NOW + 3720


def test_the_timeline_ignores_time_claims_that_are_no_numericdate() -> None:
    tl = timeline_for({"iat": NOW, "exp": "soon", "nbf": 1.5}, 0, fallback=0)
    assert (tl.iat, tl.nbf, tl.exp) == (NOW, None, None)


def test_the_bands_are_not_yet_valid_leeway_valid_leeway_expired() -> None:
    tl = timeline_for({"iat": NOW, "exp": NOW + 3600}, 60, fallback=0)
    assert [(label, t0, t1) for t0, t1, _, label in bands(tl)] == [
        ("not yet valid", tl.start, NOW - 60),
        ("leeway", NOW - 60, NOW),
        ("valid", NOW, NOW + 3600),
        ("leeway", NOW + 3600, NOW + 3660),
        ("expired", NOW + 3660, tl.end),
    ]


def test_a_token_without_exp_is_rejected_along_the_whole_timeline() -> None:
    tl = timeline_for({"iat": NOW}, 0, fallback=0)
    assert [label for *_, label in bands(tl)] == ["no exp: rejected at every instant"]


def test_the_timeline_is_an_svg_data_uri_with_a_transparent_background() -> None:
    uri = timeline_svg(timeline_for({"iat": NOW, "exp": NOW + 3600}, 0, fallback=0))
    assert uri.startswith("data:image/svg+xml;base64,")
    svg = base64.b64decode(uri.split(",", 1)[1]).decode()
    assert ">exp<" in svg and ">iat<" in svg
    assert 'fill="#ffffff"' not in svg


def test_the_timeline_svg_is_the_same_on_every_run_whatever_the_date(monkeypatch) -> None:
    claims = {"iat": NOW, "exp": NOW + 3600}
    first = timeline_svg(timeline_for(claims, 0, fallback=0))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")  # the date matplotlib would write in the file
    assert timeline_svg(timeline_for(claims, 0, fallback=0)) == first


# The storage table ---------------------------------------------------------------------------


def test_the_storage_table_has_the_six_choices_of_the_chapter() -> None:
    assert [row["key"] for row in storage_options.tradeoff_rows()] == [
        "article", "httponly-cookie", "readable-cookie", "local-storage", "session-storage", "memory",
    ]  # fmt: skip


def test_every_row_fills_every_column() -> None:
    for row in storage_options.tradeoff_rows("5m"):
        assert all(row[name] for name in storage_options.COLUMNS)


def test_the_lifetime_decides_how_long_a_stolen_token_stays_useful() -> None:
    local = storage_options.OPTIONS_BY_KEY["local-storage"]
    assert storage_options.stolen_useful(local, "5m") == "Up to 5 minutes: until its exp."
    assert storage_options.stolen_useful(local, "none").startswith("Forever: with no exp")


def test_an_unknown_lifetime_or_choice_is_refused() -> None:
    with pytest.raises(ValueError, match="lifetime must be one of"):
        storage_options.tradeoff_rows("1y")
    with pytest.raises(ValueError, match="choice must be one of"):
        storage_options.summary("cookie-jar")


def test_the_markdown_overview_has_a_bold_title_and_six_bullets_per_choice() -> None:
    lines = storage_options.markdown_overview().splitlines()
    titles = [line for line in lines if line.startswith("**")]
    bullets = [line for line in lines if line.startswith("- *")]
    article = "Re-minted per join; host marked by a signed HttpOnly cookie (the article's design)"
    assert titles[0] == f"**{article}**"
    assert len(titles) == 6
    assert len(bullets) == 6 * 6
    assert bullets[0].startswith("- *What an XSS payload can read*: Not the host cookie (HttpOnly).")


def test_the_markdown_overview_can_show_only_some_columns() -> None:
    lines = storage_options.markdown_overview(columns=("cross_site",)).splitlines()
    bullets = [line for line in lines if line.startswith("- *")]
    assert len(bullets) == 6
    assert bullets[0].startswith("- *What a cross-site request carries*: Nothing: the host cookie")


def test_the_markdown_overview_refuses_an_unknown_column() -> None:
    with pytest.raises(ValueError, match="columns must be among"):
        storage_options.markdown_overview(columns=("colour",))


# The front-end assets ------------------------------------------------------------------------


def test_the_javascript_holds_a_checker_for_each_kind_python_checks() -> None:
    mirror = assets.read("mirror.js")
    block = mirror[mirror.index("const CHECKS = {") : mirror.index("\n};", mirror.index("const CHECKS = {"))]
    assert set(re.findall(r"^  (\w+):", block, re.MULTILINE)) == set(KIND_CHECKS)


def test_each_module_starts_with_the_tables_from_python() -> None:
    module = assets.module("mirror.js")
    header = module.split("\n", 1)[0]
    assert header.startswith("const MT = ") and header.endswith(";")
    assert json.loads(header.removeprefix("const MT = ").removesuffix(";")) == json.loads(
        json.dumps(assets.constants())
    )


FRONT_END_FILES = (
    "pyvalues.js",
    "mirror.js",
    "view.js",
    "claim_editor.js",
    "token_inspector.js",
    "expiry_explorer.js",
    "storage_tradeoffs.js",
)


def test_each_file_imports_only_what_its_neighbour_exports() -> None:
    imports = 0
    importing = re.compile(r'^import \{([^}]*)\} from "\./([\w-]+\.js)";', re.MULTILINE)
    exporting = re.compile(r"^export (?:const|class|function|async function) (\w+)", re.MULTILINE)
    for name in FRONT_END_FILES:
        for names, source in importing.findall(assets.read(name)):
            exported = exporting.findall(assets.read(source))
            assert {n.strip() for n in names.split(",") if n.strip()} <= set(exported), (name, source)
            imports += 1
    assert imports >= 1


def test_no_module_imports_or_fetches_anything() -> None:
    for name in FRONT_END_FILES:
        text = assets.module(name)  # as the page gets it: the local imports are gone
        for forbidden in (
            "import ",
            "import(",
            "fetch(",
            "XMLHttpRequest",
            "localStorage",
            "sessionStorage",
            "document.cookie",
            "http://",
            "https://",
        ):
            assert forbidden not in text, (name, forbidden)


def test_the_javascript_spells_out_none_of_the_tables_python_sends_it() -> None:
    """Error codes, fixed check texts, verdicts, marks: read from ``MT``, never written in JS."""
    constants = assets.constants()
    values = [
        *constants["errorCodes"].values(),
        *constants["checkTexts"].values(),
        *constants["verdicts"].values(),
        *constants["marks"].values(),
    ]
    for name in FRONT_END_FILES:
        text = assets.read(name)
        assert [value for value in values if f'"{value}"' in text] == [], name


PACKAGE = Path(assets.__file__).parents[1]
JS_COMMENT = re.compile(r"(^|\s)//[^\n]*")
JS_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"|\'((?:[^\'\\\n]|\\.)*)\'|`((?:[^`\\]|\\.)*)`')


def javascript_texts(source: str) -> set[str]:
    """The text in a JavaScript file's string literals: pieces with a space between words
    (names such as "exp" or "no-room" are the shared vocabulary, not data)."""
    texts = set()
    for match in JS_STRING.finditer(JS_COMMENT.sub("", source)):
        literal = next(group for group in match.groups() if group is not None)
        for piece in re.split(r"\$\{[^}]*\}", literal):
            if re.search(r"[A-Za-z]{2,}\W*\s+\W*[A-Za-z]", piece):
                texts.add(piece.strip())
    return texts


def python_texts() -> list[str]:
    return [
        node.value
        for path in PACKAGE.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


def test_no_text_is_written_in_both_python_and_the_javascript() -> None:
    """Messages, labels and templates come to the page from Python (``MT``), not as copies."""
    python = python_texts()
    copies = {
        name: sorted(text for text in javascript_texts(assets.read(name)) if any(text in p for p in python))
        for name in FRONT_END_FILES
    }
    assert copies == {name: [] for name in FRONT_END_FILES}


def test_the_text_finder_sees_text_in_every_kind_of_literal() -> None:
    source = 'f("two words"); g(\'and two\'); h(`a ${x} then more`); // "not in a comment"'
    assert javascript_texts(source) == {"two words", "and two", "then more"}


def test_the_message_templates_use_only_names_and_reprs() -> None:
    """pyFormat in pyvalues.js fills ``{name}`` and ``{name!r}``, and nothing else str.format can."""
    constants = assets.constants()
    templates = [*constants["verdicts"].values()]
    templates += [t for pair in constants["relativeTimes"].values() for t in pair]
    for table in constants["messages"].values():
        templates += [table] if isinstance(table, str) else table.values()
    fields = [field for t in templates for _, *field in string.Formatter().parse(t) if field[0] is not None]
    assert len(templates) > 50 and len(fields) > 40
    assert [(name, spec, conv) for name, spec, conv in fields if spec or conv not in (None, "r")] == []
    assert all(name.isidentifier() for name, _, _ in fields)


HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{8}|[0-9a-fA-F]{6}|[0-9a-fA-F]{3,4})\b")


def test_no_javascript_or_css_file_of_the_package_spells_a_colour_in_hex() -> None:
    """Colours with a meaning come from ``drawing/palette.py`` (CSS custom properties) or ``MT``."""
    package = Path(assets.__file__).resolve().parents[1]
    files = sorted([*package.rglob("*.js"), *package.rglob("*.css")])
    assert len(files) >= len(FRONT_END_FILES) + 1
    assert {path.name: HEX_COLOUR.findall(path.read_text(encoding="utf-8")) for path in files} == {
        path.name: [] for path in files
    }


def test_the_stylesheet_starts_with_the_palette_as_custom_properties() -> None:
    assert assets.stylesheet().startswith(
        ".mt-widget {\n"
        "  --mt-valid: #1a7f37;\n"
        "  --mt-rejected: #cf222e;\n"
        "  --mt-unchecked: #6e7781;\n"
        "  --mt-warning: #9a6700;\n"
        "  --mt-now: #0b8fc4;\n"
        "  --mt-picked: #0b8fc4;\n"
        "}\n"
        'body[data-jp-theme-light="false"] .mt-widget {\n'
        "  --mt-valid: #3fb950;\n"
        "  --mt-rejected: #f85149;\n"
        "  --mt-unchecked: #8c959f;\n"
        "  --mt-warning: #bf8700;\n"
        "  --mt-part-header: #f06292;\n"
        "  --mt-part-payload: #c792ea;\n"
        "  --mt-part-signature: #4fc3f7;\n"
        "}\n"
    )


def test_every_custom_property_the_stylesheet_uses_is_defined() -> None:
    css = assets.stylesheet()
    used = set(re.findall(r"var\((--mt-[\w-]+)\)", css))
    defined = set(re.findall(r"(--mt-[\w-]+):", css))
    assert used and used <= defined


def test_the_storage_table_keeps_its_column_and_lifetime_order_in_lists() -> None:
    # A notebook saves widget state with sorted dict keys, so the page reads the order from lists.
    table = table_data()
    assert table["column_order"] == list(storage_options.COLUMNS)
    assert table["column_order"][0] == "label"
    assert table["lifetime_order"] == ["5m", "1h", "1d", "30d", "none"]
