"""display: a token in three colours, its claims, a report's checks; escaped, and never the key."""

from __future__ import annotations

import pytest

from constants import API_KEY, DOMAIN_ID, HEADER, NOW, OTHER_KEY, ROOM
from meeting_tokens import decode_parts, precheck_claims, validate_token
from meeting_tokens.core.jwt_parts import sign_hs256
from meeting_tokens.drawing.display import (
    claims_html,
    claims_rows,
    parts_html,
    report_html,
    report_text,
    token_html,
)

CLAIMS = {"r": ROOM, "d": DOMAIN_ID, "iat": NOW - 60, "exp": NOW + 3600}
HEADER_RED, PAYLOAD_PURPLE, SIGNATURE_BLUE = "#c2185b", "#8e35c0", "#0a6f99"
SCRIPT = "<script>alert(1)</script>"


def token(**changes) -> str:
    return sign_hs256(HEADER, CLAIMS | changes, API_KEY)


def validate(candidate: str, **options):
    defaults = {"api_key": API_KEY, "room_name": ROOM, "domain_id": DOMAIN_ID, "now": NOW}
    return validate_token(candidate, **(defaults | options))


# The token in colour


def test_token_html_colours_each_segment():
    assert token_html(("aaa", "bbb", "ccc")) == (
        '<div style="font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; '
        'word-break: break-all">'
        f'<span style="color:{HEADER_RED}">aaa</span>.'
        f'<span style="color:{PAYLOAD_PURPLE}">bbb</span>.'
        f'<span style="color:{SIGNATURE_BLUE}">ccc</span></div>'
    )


def test_parts_html_shows_the_three_colours():
    html = parts_html(decode_parts(token()))

    assert all(colour in html for colour in (HEADER_RED, PAYLOAD_PURPLE, SIGNATURE_BLUE))


def test_parts_html_shows_every_segment_of_the_token():
    candidate = token()

    html = parts_html(decode_parts(candidate))

    assert all(segment in html for segment in candidate.split("."))


def test_parts_html_gives_the_signature_length():
    assert "32 bytes: " in parts_html(decode_parts(token()))


def test_parts_html_escapes_html_in_claims():
    html = parts_html(decode_parts(token(u=SCRIPT)))

    assert SCRIPT not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_parts_html_shows_non_ascii_as_itself():
    assert "Zoë 😀" in parts_html(decode_parts(token(u="Zoë 😀")))


def test_token_parts_repr_html_is_parts_html():
    parts = decode_parts(token())

    assert parts._repr_html_() == parts_html(parts)


# Claims table


def test_claims_rows_name_the_property_behind_each_claim():
    assert claims_rows({"r": ROOM, "o": True, "iat": NOW, "x": None}) == [
        ("r", "room_name", '"standup"'),
        ("o", "is_owner", "true"),
        ("iat", "iat", "1767225600"),
        ("x", "x", "null"),
    ]


def test_claims_html_is_a_table_row_per_claim():
    html = claims_html({"r": ROOM, "o": True})

    assert html == (
        "<table><tr><th>claim</th><th>property</th><th>value</th></tr>"
        "<tr><td><code>r</code></td><td>room_name</td><td><code>&quot;standup&quot;</code></td></tr>"
        "<tr><td><code>o</code></td><td>is_owner</td><td><code>true</code></td></tr></table>"
    )


def test_claims_html_escapes_a_script_user_name():
    html = claims_html({"u": SCRIPT})

    assert SCRIPT not in html
    assert "&lt;script&gt;" in html


def test_claims_html_escapes_html_in_claim_names():
    assert "<b>" not in claims_html({"<b>": 1})


# Report


def test_report_html_lists_every_check_with_its_mark():
    html = report_html(validate(token()))

    for mark, name in [
        ("✔", "structure"),
        ("✔", "header"),
        ("✔", "time"),
        ("✔", "scope"),
        ("✔", "signature"),
    ]:
        assert f'<tr><td style="color:#1a7f37">{mark}</td><td>{name}</td>' in html
    assert '<tr><td style="color:#6e7781">–</td><td>daily</td>' in html  # skipped: the palette's grey


def test_report_html_marks_the_failed_check_and_the_skipped_ones():
    html = report_html(validate(token(exp=NOW - 1)))

    assert (html.count("✔"), html.count("✘"), html.count("–")) == (2, 1, 3)


def test_report_html_has_a_row_per_check():
    assert report_html(validate(token())).count("<tr>") == 1 + 6


def test_report_html_shows_the_verdict_first():
    html = report_html(validate(token(exp=NOW - 90)))

    assert html.startswith(
        f'<div><b style="color:#cf222e">rejected (expired): expired: exp {NOW - 90} is 90 s ago</b>'
    )


def test_report_html_escapes_claims_quoted_in_details():
    html = report_html(validate(token(r=SCRIPT)))

    assert SCRIPT not in html
    assert "&lt;script&gt;" in html


def test_report_repr_html_is_report_html():
    report = validate(token())

    assert report._repr_html_() == report_html(report)


def test_verdict_of_a_valid_report():
    assert validate(token()).verdict == "valid: every check passed"


def test_verdict_of_prechecks_only():
    assert precheck_claims(token(), now=NOW).verdict == "pre-checks passed; signature not checked"


def test_verdict_of_a_rejected_report():
    assert (
        validate(token(r="other")).verdict
        == "rejected (wrong-room): wrong room: token is for 'other', not 'standup'"
    )


def test_report_text_is_the_verdict_then_a_line_per_check():
    assert report_text(validate(token(exp=NOW - 1))) == "\n".join(
        [
            f"rejected (expired): expired: exp {NOW - 1} is 1 s ago",
            "  ✔ structure three base64url parts, JSON header and payload",
            "  ✔ header    alg HS256 is allowed",
            f"  ✘ time      expired: exp {NOW - 1} is 1 s ago",
            "  – scope     skipped: an earlier check failed",
            "  – signature skipped: an earlier check failed",
            "  – daily     skipped: an earlier check failed",
        ]
    )


def test_report_repr_is_the_report_text():
    report = validate(token())

    assert repr(report) == report_text(report)


# The API key never shows


@pytest.mark.parametrize(
    "candidate",
    [
        token(),
        token(exp=NOW - 1),
        token(r="other"),
        sign_hs256(HEADER, CLAIMS, OTHER_KEY),
    ],
    ids=["valid", "expired", "wrong-room", "wrong-key"],
)
def test_report_never_shows_the_api_key(candidate):
    report = validate(candidate)

    shown = [str(report), repr(report), report._repr_html_(), repr(report.checks), repr(report.claims)]
    assert [API_KEY in text for text in shown] == [False] * 5


def test_report_with_an_unusable_key_does_not_show_it():
    pem = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----"
    report = validate(token(), api_key=pem)

    assert "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE" not in repr(report) + report._repr_html_()


def test_token_parts_never_show_the_api_key():
    parts = decode_parts(token())

    assert API_KEY not in repr(parts) + parts._repr_html_()
