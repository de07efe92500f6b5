"""HTML and text views for notebooks: a token in three colours, its claims, a report's checks.

Everything shown is escaped; nothing here ever receives an API key.
"""

from __future__ import annotations

import json
from html import escape
from typing import TYPE_CHECKING, Any

from meeting_tokens.core.claims import PROPERTY_NAMES
from meeting_tokens.drawing.palette import PALETTE, PART_COLOURS

if TYPE_CHECKING:
    from meeting_tokens.core.jwt_parts import TokenParts
    from meeting_tokens.core.validation import ValidationReport

MARKS = {True: "✔", False: "✘", None: "–"}
_MONO = "font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace"


def token_html(segments: tuple[str, str, str]) -> str:
    """The compact token with header, payload and signature each in its own colour."""
    spans = [
        f'<span style="color:{PART_COLOURS[name]}">{escape(segment)}</span>'
        for name, segment in zip(PART_COLOURS, segments, strict=True)
    ]
    return f'<div style="{_MONO}; word-break: break-all">{".".join(spans)}</div>'


def claims_rows(claims: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(claim, long property name, JSON value) for each claim, in token order."""
    return [
        (claim, PROPERTY_NAMES.get(claim, claim), json.dumps(value, ensure_ascii=False))
        for claim, value in claims.items()
    ]


def claims_html(claims: dict[str, Any]) -> str:
    """A table of claims: the short name in the token, the property it stands for, the value."""
    rows = "".join(
        f"<tr><td><code>{escape(claim)}</code></td><td>{escape(name)}</td>"
        f"<td><code>{escape(value)}</code></td></tr>"
        for claim, name, value in claims_rows(claims)
    )
    return f"<table><tr><th>claim</th><th>property</th><th>value</th></tr>{rows}</table>"


def parts_html(parts: TokenParts) -> str:
    """The token in colour, then its decoded header and payload, each labelled in its colour."""

    def block(name: str, value: Any) -> str:
        text = escape(json.dumps(value, indent=2, ensure_ascii=False))
        colour = PART_COLOURS[name]
        return f'<div><b style="color:{colour}">{name}</b><pre style="{_MONO}">{text}</pre></div>'

    signature = f"{len(parts.signature)} bytes: {escape(parts.segments[2])}"
    return (
        token_html(parts.segments)
        + block("header", parts.header)
        + block("payload", parts.payload)
        + f'<div><b style="color:{PART_COLOURS["signature"]}">signature</b> {signature}</div>'
    )


def report_text(report: ValidationReport) -> str:
    """The verdict, then one line per check with its mark."""
    lines = [report.verdict]
    lines += [f"  {MARKS[c.passed]} {c.name:<9} {c.detail}" for c in report.checks]
    return "\n".join(lines)


def report_html(report: ValidationReport) -> str:
    """A table of checks with pass/fail marks, under the verdict."""
    colours = {True: PALETTE["valid"], False: PALETTE["rejected"], None: PALETTE["unchecked"]}
    rows = "".join(
        f'<tr><td style="color:{colours[c.passed]}">{MARKS[c.passed]}</td>'
        f"<td>{escape(c.name)}</td><td>{escape(c.detail)}</td></tr>"
        for c in report.checks
    )
    colour = PALETTE[report.state]
    return (
        f'<div><b style="color:{colour}">{escape(report.verdict)}</b>'
        f"<table><tr><th></th><th>check</th><th>detail</th></tr>{rows}</table></div>"
    )
