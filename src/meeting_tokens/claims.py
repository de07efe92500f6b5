"""Daily's meeting-token properties and the short claim names inside the JWT.

`CLAIM_NAMES` is the single source of truth for the property -> claim table that Daily documents
(https://docs.daily.co/reference/rest-api/meeting-tokens). `check_properties` is the one property
checker, shared by `self_sign` and the emulator's `POST /meeting-tokens`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from meeting_tokens.errors import InvalidPropertiesError

# The documented table, in Daily's order.
CLAIM_NAMES: dict[str, str] = {
    "nbf": "nbf",
    "exp": "exp",
    "domain_id": "d",
    "room_name": "r",
    "user_id": "ud",
    "user_name": "u",
    "is_owner": "o",
    "knocking": "k",
    "close_tab_on_exit": "ctoe",
    "redirect_on_meeting_exit": "rome",
    "intercom_join_alert": "ij",
    "start_cloud_recording": "sr",
    "start_cloud_recording_opts": "sro",
    "auto_start_transcription": "ast",
    "enable_recording": "er",
    "enable_screenshare": "ss",
    "start_video_off": "vo",
    "start_audio_off": "ao",
    "meeting_join_hook": "mjh",
    "eject_at_token_exp": "ejt",
    "eject_after_elapsed": "eje",
    "lang": "uil",
    "enable_recording_ui": "erui",
    "permissions": "p",
}
PROPERTY_NAMES: dict[str, str] = {claim: prop for prop, claim in CLAIM_NAMES.items()}

# Properties Daily accepts whose short claim name it does not document. This package keeps
# them under their long name inside the token: an assumption, and the book says so.
UNDOCUMENTED_CLAIMS: frozenset[str] = frozenset(
    {"enable_prejoin_ui", "enable_live_captions_ui", "enable_terse_logging"}
)
# The keys nested inside `permissions` travel under the `p` claim; Daily does not document
# whether they are shortened too, so this package leaves them as they are.
PERMISSION_KEYS: frozenset[str] = frozenset({"hasPresence", "canSend", "canReceive", "canAdmin"})

RECORDING_MODES = ("cloud", "cloud-audio-only", "local", "raw-tracks")
LANGUAGES = (
    "da", "de", "en", "es", "fi", "fr", "it", "jp", "ka", "nl", "no", "pt", "pt-BR", "pl", "ru",
    "sv", "tr", "user",
)  # fmt: skip
CAN_SEND = ("video", "audio", "screenVideo", "screenAudio", "customVideo", "customAudio")
CAN_ADMIN = ("participants", "streaming", "transcription")
USER_ID_MAX = 36

Checker = Callable[[Any], str | None]


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _boolean(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def _string(value: Any) -> str | None:
    return None if isinstance(value, str) else "must be a string"


def _object(value: Any) -> str | None:
    return None if isinstance(value, dict) else "must be an object"


def _seconds(value: Any) -> str | None:
    if not _is_int(value):
        return "must be an integer number of seconds"
    return None if value >= 0 else "must not be negative"


def _room_name(value: Any) -> str | None:
    if not isinstance(value, str):
        return "must be a string"
    return None if value else "must not be empty"


def _user_id(value: Any) -> str | None:
    if not isinstance(value, str):
        return "must be a string"
    return None if len(value) <= USER_ID_MAX else f"must be at most {USER_ID_MAX} characters"


def _one_of(choices: tuple[str, ...]) -> Checker:
    def check(value: Any) -> str | None:
        return None if value in choices else "must be one of " + ", ".join(choices)

    return check


def _bool_or_list(name: str, choices: tuple[str, ...]) -> Callable[[Any], list[str]]:
    def check(value: Any) -> list[str]:
        if isinstance(value, bool):
            return []
        if not isinstance(value, list) or any(item not in choices for item in value):
            return [f"permissions.{name} must be true, false or a list of " + ", ".join(choices)]
        return []

    return check


_PERMISSION_CHECKS: dict[str, Callable[[Any], list[str]]] = {
    "hasPresence": lambda v: [] if isinstance(v, bool) else ["permissions.hasPresence must be true or false"],
    "canSend": _bool_or_list("canSend", CAN_SEND),
    "canReceive": lambda v: [] if isinstance(v, dict) else ["permissions.canReceive must be an object"],
    "canAdmin": _bool_or_list("canAdmin", CAN_ADMIN),
}  # fmt: skip


def _permissions(value: Any) -> list[str]:
    if not isinstance(value, dict):
        return ["permissions must be an object"]
    unknown = [key for key in value if key not in PERMISSION_KEYS]
    problems = [f"permissions.{key} is not a known permission" for key in unknown]
    for key, check in _PERMISSION_CHECKS.items():
        if key in value:
            problems += check(value[key])
    return problems


PROPERTY_CHECKS: dict[str, Checker] = {
    "room_name": _room_name,
    "exp": _seconds,
    "nbf": _seconds,
    "is_owner": _boolean,
    "user_name": _string,
    "user_id": _user_id,
    "enable_screenshare": _boolean,
    "start_video_off": _boolean,
    "start_audio_off": _boolean,
    "enable_recording": _one_of(RECORDING_MODES),
    "enable_prejoin_ui": _boolean,
    "enable_live_captions_ui": _boolean,
    "enable_recording_ui": _boolean,
    "enable_terse_logging": _boolean,
    "knocking": _boolean,
    "start_cloud_recording": _boolean,
    "start_cloud_recording_opts": _object,
    "auto_start_transcription": _boolean,
    "close_tab_on_exit": _boolean,
    "redirect_on_meeting_exit": _string,
    "intercom_join_alert": _boolean,
    "meeting_join_hook": _string,
    "eject_at_token_exp": _boolean,
    "eject_after_elapsed": _seconds,
    "lang": _one_of(LANGUAGES),
}


def check_properties(properties: Any) -> list[str]:
    """Every problem Daily would refuse in these meeting-token properties (empty when fine)."""
    if not isinstance(properties, Mapping):
        return ["properties must be an object"]
    problems: list[str] = []
    for name, value in properties.items():
        if name == "permissions":
            problems += _permissions(value)
        elif name == "domain_id":
            problems.append("domain_id is set by Daily from the API key, not a token property")
        elif name not in PROPERTY_CHECKS:
            problems.append(f"{name!r} is not a meeting-token property")
        elif (problem := PROPERTY_CHECKS[name](value)) is not None:
            problems.append(f"{name} {problem}")
    return problems


def require_valid_properties(properties: Any) -> None:
    """Raise `InvalidPropertiesError` listing every problem, or return quietly."""
    if problems := check_properties(properties):
        raise InvalidPropertiesError(problems)


def to_claims(properties: Mapping[str, Any]) -> dict[str, Any]:
    """Long property names -> the short claims inside the JWT.

    Names without a documented short claim (`UNDOCUMENTED_CLAIMS`, `iat`) keep their name.
    """
    return {CLAIM_NAMES.get(name, name): value for name, value in properties.items()}


def to_properties(claims: Mapping[str, Any]) -> dict[str, Any]:
    """Short claims -> long property names; claims outside the table keep their name."""
    return {PROPERTY_NAMES.get(claim, claim): value for claim, value in claims.items()}
