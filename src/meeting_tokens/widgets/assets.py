"""The widgets' front-end code: JavaScript and CSS files shipped in this package, read once.

Each widget's ES module is one string: the tables the JavaScript needs (`MT`, written here from
the Python package, so the page and Python share one source), then the shared files, then the
widget's own file. No module imports anything from a URL.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from functools import cache
from importlib import resources
from typing import Any

from meeting_tokens.core.claims import (
    CAN_ADMIN,
    CAN_RECEIVE_CLAIMS,
    CAN_SEND,
    CAN_SEND_CLAIMS,
    CLAIM_NAMES,
    LANGUAGES,
    PERMISSION_CLAIMS,
    PROPERTY_NAMES,
    RECORDING_MODES,
    USER_ID_MAX,
)
from meeting_tokens.core.jwt_parts import MAX_TOKEN_LENGTH
from meeting_tokens.core.validation import ALLOWED_ALGORITHMS, SSH_KEY_PREFIXES
from meeting_tokens.drawing.display import PART_COLOURS
from meeting_tokens.drawing.timetext import FIRST_SECOND, LAST_SECOND
from meeting_tokens.widgets.editing import FORM_FIELDS
from meeting_tokens.widgets.findings import MIN_KEY_BYTES, RECOMMENDED_MAX_LENGTH

# How mirror.js checks each property: the kinds of check in claims.PROPERTY_CHECKS, by name
# (tests/test_widgets_logic.py holds the two to the same property names).
PROPERTY_KINDS: dict[str, str] = {
    "room_name": "room_name",
    "exp": "seconds",
    "nbf": "seconds",
    "is_owner": "boolean",
    "user_name": "string",
    "user_id": "user_id",
    "enable_screenshare": "boolean",
    "start_video_off": "boolean",
    "start_audio_off": "boolean",
    "enable_recording": "recording",
    "enable_prejoin_ui": "boolean",
    "enable_live_captions_ui": "boolean",
    "enable_recording_ui": "boolean",
    "enable_terse_logging": "boolean",
    "knocking": "boolean",
    "start_cloud_recording": "boolean",
    "start_cloud_recording_opts": "object",
    "auto_start_transcription": "boolean",
    "close_tab_on_exit": "boolean",
    "redirect_on_meeting_exit": "string",
    "intercom_join_alert": "boolean",
    "meeting_join_hook": "string",
    "eject_at_token_exp": "boolean",
    "eject_after_elapsed": "seconds",
    "lang": "language",
}


def constants() -> dict[str, Any]:
    """The tables and limits mirror.js reads as `MT`."""
    return {
        "claimNames": CLAIM_NAMES,
        "propertyNames": PROPERTY_NAMES,
        "propertyKinds": PROPERTY_KINDS,
        "recordingModes": list(RECORDING_MODES),
        "languages": list(LANGUAGES),
        "canSend": list(CAN_SEND),
        "canAdmin": list(CAN_ADMIN),
        "permissionClaims": PERMISSION_CLAIMS,
        "canSendClaims": CAN_SEND_CLAIMS,
        "canReceiveClaims": CAN_RECEIVE_CLAIMS,
        "userIdMax": USER_ID_MAX,
        "allowedAlgorithms": list(ALLOWED_ALGORITHMS),
        "sshKeyPrefixes": list(SSH_KEY_PREFIXES),
        "maxTokenLength": MAX_TOKEN_LENGTH,
        "recommendedMaxLength": RECOMMENDED_MAX_LENGTH,
        "minKeyBytes": MIN_KEY_BYTES,
        "firstSecond": FIRST_SECOND,
        "lastSecond": LAST_SECOND,
        "partColours": PART_COLOURS,
        "formFields": [asdict(field) for field in FORM_FIELDS],
    }


def read(name: str) -> str:
    """One of the package's front-end files, as text."""
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


@cache
def module(*names: str) -> str:
    """An ES module: `MT`, then the named files in order."""
    header = f"const MT = {json.dumps(constants(), sort_keys=True)};\n"
    return header + "".join(read(name) for name in names)


@cache
def stylesheet() -> str:
    return read("widgets.css")
