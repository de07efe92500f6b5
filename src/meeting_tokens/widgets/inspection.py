"""The token inspector's logic: check a pasted token and describe it for display.

`inspect_token` first removes the white space a paste brings (`jwt_parts.pasted_token`: a wrapped
terminal line, an email's line breaks), then picks the check (`validate_token` with a key,
`precheck_claims` without) and `token_view` turns the token and its report into plain JSON-ready
data, with a sentence on what was removed. The in-page JavaScript builds the same data
(`inspectToken` in mirror.js); the mirror tests compare the two.
"""

from __future__ import annotations

import json
from typing import Any

from meeting_tokens.core.errors import MalformedTokenError
from meeting_tokens.core.jwt_parts import decode_parts, pasted_token
from meeting_tokens.core.validation import ValidationReport, precheck_claims, validate_token
from meeting_tokens.drawing.display import claims_rows
from meeting_tokens.drawing.timetext import time_note


def inspect_token(
    token: str,
    *,
    api_key: str | None = None,
    room_name: str | None = None,
    now: float,
    leeway: float = 0,
) -> ValidationReport:
    """Validate with the key when there is one, else run the pre-checks only.

    White space in the paste is removed first (`pasted_token`); an empty key or room means none.
    """
    token = pasted_token(token).token
    room = room_name or None
    if api_key:
        return validate_token(token, api_key=api_key, room_name=room, now=now, leeway=leeway)
    return precheck_claims(token, room_name=room, now=now, leeway=leeway)


def claim_rows(claims: dict[str, Any], now: float) -> list[list[str]]:
    """[claim, long property name, JSON value, note] per claim, in token order."""
    return [[*row, time_note(row[0], claims[row[0]], now)] for row in claims_rows(claims)]


def token_view(token: str, report: ValidationReport, now: float) -> dict[str, Any]:
    """Everything the inspector shows, as JSON-ready data."""
    token, removed = pasted_token(token)
    try:
        parts = decode_parts(token)
    except MalformedTokenError:
        parts = None
    return {
        "length": len(token),
        "removed": removed,
        "segments": None if parts is None else list(parts.segments),
        "header": None if parts is None else json.dumps(parts.header, indent=2, ensure_ascii=False),
        "payload": None if parts is None else json.dumps(parts.payload, indent=2, ensure_ascii=False),
        "signature_bytes": None if parts is None else len(parts.signature),
        "claims": [] if report.claims is None else claim_rows(report.claims, now),
        "checks": [[c.name, c.passed, c.detail, c.code] for c in report.checks],
        "verdict": report.verdict,
        "state": report.state,
    }
