"""Daily's meeting-token properties and the short claim names inside the JWT.

``CLAIM_NAMES`` is the single source of truth for the property -> claim table that Daily documents,
and ``PERMISSION_CLAIMS`` with the tables after it for the short keys inside the ``p`` claim (the
self-signing guide, https://docs.daily.co/docs/guides/privacy-and-security/self-signing-tokens,
"Token property abbreviations", and the REST reference's self-signing page,
https://docs.daily.co/reference/rest-api/meeting-tokens/self-signing-tokens, which gives the
permissions block in full). ``check_properties`` is the one property checker, shared by
``self_sign`` and the emulator's ``POST /meeting-tokens``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from meeting_tokens.core.errors import InvalidPropertiesError

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
PERMISSION_KEYS: frozenset[str] = frozenset({"hasPresence", "canSend", "canReceive", "canAdmin"})
# Inside `p`, Daily's reference ("The permissions property in tokens uses the following
# abbreviations") shortens every key: canSend's and canAdmin's lists become comma-separated
# letters ("v,a", "p,s,t"), and canReceive's parts and the media inside them get short keys.
# The shape is read from that page, not observed in a token Daily minted.
PERMISSION_CLAIMS: dict[str, str] = {
    "hasPresence": "hp", "canSend": "cs", "canReceive": "cr", "canAdmin": "ca",
}  # fmt: skip
# Assumption (custom-media-claim): the reference gives no letter for customVideo or customAudio
# inside `cs`, so they have none here.
CAN_SEND_CLAIMS: dict[str, str] = {"video": "v", "audio": "a", "screenVideo": "sv", "screenAudio": "sa"}
CAN_ADMIN_CLAIMS: dict[str, str] = {"participants": "p", "streaming": "s", "transcription": "t"}
CAN_RECEIVE_CLAIMS: dict[str, str] = {"base": "b", "byUserId": "u", "byParticipantId": "p"}
# The media inside a canReceive value (base, or one user's or participant's); the custom ones are
# objects keyed by track name, "*" meaning every track.
MEDIA_CLAIMS: dict[str, str] = CAN_SEND_CLAIMS | {"customVideo": "cv", "customAudio": "ca"}
CUSTOM_MEDIA = ("customVideo", "customAudio")
RECEIVE_GROUPS = ("byUserId", "byParticipantId")  # objects keyed by user id / participant id
_PERMISSION_NAMES = {claim: name for name, claim in PERMISSION_CLAIMS.items()}
_CAN_SEND_NAMES = {claim: name for name, claim in CAN_SEND_CLAIMS.items()}
_CAN_ADMIN_NAMES = {claim: name for name, claim in CAN_ADMIN_CLAIMS.items()}
_CAN_RECEIVE_NAMES = {claim: name for name, claim in CAN_RECEIVE_CLAIMS.items()}
_MEDIA_NAMES = {claim: name for name, claim in MEDIA_CLAIMS.items()}

RECORDING_MODES = ("cloud", "cloud-audio-only", "local", "raw-tracks")
LANGUAGES = (
    "da", "de", "en", "es", "fi", "fr", "it", "jp", "ka", "nl", "no", "pt", "pt-BR", "pl", "ru",
    "sv", "tr", "user",
)  # fmt: skip
CAN_SEND = ("video", "audio", "screenVideo", "screenAudio", "customVideo", "customAudio")
CAN_ADMIN = ("participants", "streaming", "transcription")
USER_ID_MAX = 36

Checker = Callable[[Any], str | None]

# What check_properties and unsignable_permissions say, as str.format templates (``{name!r}``
# is the value's repr). The in-page mirror fills the same table (assets.py).
MESSAGES = {
    "not_boolean": "must be true or false",
    "not_string": "must be a string",
    "not_object": "must be an object",
    "not_seconds": "must be an integer number of seconds",
    "negative": "must not be negative",
    "empty": "must not be empty",
    "too_long": "must be at most {limit} characters",
    "not_one_of": "must be one of {choices}",
    "not_bool_or_list": "permissions.{permission} must be true, false or a list of {choices}",
    "permission_not_boolean": "permissions.{permission} must be true or false",
    "permission_not_object": "permissions.{permission} must be an object",
    "permissions_not_object": "permissions must be an object",
    "unknown_permission": "permissions.{permission} is not a known permission",
    "not_one_of_keys": "permissions.{permission} is not one of {choices}",
    "not_bool_or_media": "permissions.{permission} must be true, false or an object of {choices}",
    "properties_not_object": "properties must be an object",
    "domain_id": "domain_id is set by Daily from the API key, not a token property",
    "unknown_property": "{name!r} is not a meeting-token property",
    "problem": "{name} {problem}",
    "unsignable": "permissions.canSend {item!r} has no short form in Daily's self-signing guide; "
    "mint the token through the REST API instead",
}


def is_integer(value: Any) -> bool:
    """An int and not a bool (``True`` is an int to Python, never a number to Daily)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _boolean(value: Any) -> str | None:
    return None if isinstance(value, bool) else MESSAGES["not_boolean"]


def _string(value: Any) -> str | None:
    return None if isinstance(value, str) else MESSAGES["not_string"]


def _object(value: Any) -> str | None:
    return None if isinstance(value, dict) else MESSAGES["not_object"]


def _seconds(value: Any) -> str | None:
    if not is_integer(value):
        return MESSAGES["not_seconds"]
    return None if value >= 0 else MESSAGES["negative"]


def _room_name(value: Any) -> str | None:
    if not isinstance(value, str):
        return MESSAGES["not_string"]
    return None if value else MESSAGES["empty"]


def _user_id(value: Any) -> str | None:
    if not isinstance(value, str):
        return MESSAGES["not_string"]
    return None if len(value) <= USER_ID_MAX else MESSAGES["too_long"].format(limit=USER_ID_MAX)


def _one_of(choices: tuple[str, ...]) -> Checker:
    problem = MESSAGES["not_one_of"].format(choices=", ".join(choices))

    def check(value: Any) -> str | None:
        return None if value in choices else problem

    return check


def _bool_or_list(name: str, choices: tuple[str, ...]) -> Callable[[Any], list[str]]:
    problem = MESSAGES["not_bool_or_list"].format(permission=name, choices=", ".join(choices))

    def check(value: Any) -> list[str]:
        if isinstance(value, bool):
            return []
        if not isinstance(value, list) or any(item not in choices for item in value):
            return [problem]
        return []

    return check


def _of_type(name: str, kind: type, message: str) -> Callable[[Any], list[str]]:
    problem = MESSAGES[message].format(permission=name)
    return lambda value: [] if isinstance(value, kind) else [problem]


def _unknown_key(path: str, choices: Iterable[str]) -> str:
    return MESSAGES["not_one_of_keys"].format(permission=path, choices=", ".join(choices))


def _media(path: str, value: Any) -> list[str]:
    """A canReceive value: true, false, or media -> true/false (custom media: track -> true/false)."""
    if isinstance(value, bool):
        return []
    if not isinstance(value, dict):
        return [MESSAGES["not_bool_or_media"].format(permission=path, choices=", ".join(MEDIA_CLAIMS))]
    problems = []
    for name, item in value.items():
        where = f"{path}.{name}"
        if name not in MEDIA_CLAIMS:
            problems.append(_unknown_key(where, MEDIA_CLAIMS))
        elif name not in CUSTOM_MEDIA:
            if not isinstance(item, bool):
                problems.append(MESSAGES["permission_not_boolean"].format(permission=where))
        elif not isinstance(item, dict):
            problems.append(MESSAGES["permission_not_object"].format(permission=where))
        else:
            problems += [
                MESSAGES["permission_not_boolean"].format(permission=f"{where}.{track}")
                for track, allowed in item.items()
                if not isinstance(allowed, bool)
            ]
    return problems


def _can_receive(value: Any) -> list[str]:
    """canReceive: ``base`` (media), ``byUserId`` and ``byParticipantId`` (id -> media)."""
    if not isinstance(value, dict):
        return [MESSAGES["permission_not_object"].format(permission="canReceive")]
    problems = []
    for name, item in value.items():
        where = f"canReceive.{name}"
        if name not in CAN_RECEIVE_CLAIMS:
            problems.append(_unknown_key(where, CAN_RECEIVE_CLAIMS))
        elif name == "base":
            problems += _media(where, item)
        elif not isinstance(item, dict):
            problems.append(MESSAGES["permission_not_object"].format(permission=where))
        else:
            for who, media in item.items():
                problems += _media(f"{where}.{who}", media)
    return problems


_PERMISSION_CHECKS: dict[str, Callable[[Any], list[str]]] = {
    "hasPresence": _of_type("hasPresence", bool, "permission_not_boolean"),
    "canSend": _bool_or_list("canSend", CAN_SEND),
    "canReceive": _can_receive,
    "canAdmin": _bool_or_list("canAdmin", CAN_ADMIN),
}


def _permissions(value: Any) -> list[str]:
    if not isinstance(value, dict):
        return [MESSAGES["permissions_not_object"]]
    unknown = [key for key in value if key not in PERMISSION_KEYS]
    problems = [MESSAGES["unknown_permission"].format(permission=key) for key in unknown]
    for key, check in _PERMISSION_CHECKS.items():
        if key in value:
            problems += check(value[key])
    return problems


# How each property is checked: its kind, then the kind's checker (mirror.js reads the kinds and
# holds the same checkers under the same names).
KIND_CHECKS: dict[str, Checker] = {
    "room_name": _room_name,
    "seconds": _seconds,
    "boolean": _boolean,
    "string": _string,
    "object": _object,
    "user_id": _user_id,
    "recording": _one_of(RECORDING_MODES),
    "language": _one_of(LANGUAGES),
}
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


def check_properties(properties: Any) -> list[str]:
    """Every problem Daily would refuse in these meeting-token properties (empty when fine)."""
    if not isinstance(properties, Mapping):
        return [MESSAGES["properties_not_object"]]
    problems: list[str] = []
    for name, value in properties.items():
        if name == "permissions":
            problems += _permissions(value)
        elif name == "domain_id":
            problems.append(MESSAGES["domain_id"])
        elif name not in PROPERTY_KINDS:
            problems.append(MESSAGES["unknown_property"].format(name=name))
        elif (problem := KIND_CHECKS[PROPERTY_KINDS[name]](value)) is not None:
            problems.append(MESSAGES["problem"].format(name=name, problem=problem))
    return problems


def require_valid_properties(properties: Any) -> None:
    """Raise `InvalidPropertiesError` listing every problem, or return quietly."""
    if problems := check_properties(properties):
        raise InvalidPropertiesError(problems)


def unsignable_permissions(properties: Mapping[str, Any]) -> list[str]:
    """Permissions a self-signed token cannot carry: canSend items with no documented letter."""
    permissions = properties.get("permissions")
    can_send = permissions.get("canSend") if isinstance(permissions, Mapping) else None
    if not isinstance(can_send, list):
        return []
    return [MESSAGES["unsignable"].format(item=item) for item in can_send if item not in CAN_SEND_CLAIMS]


def _renamed(value: Any, table: Mapping[str, str]) -> Any:
    """An object's keys through ``table`` (others as given); anything else as given."""
    return {table.get(key, key): item for key, item in value.items()} if isinstance(value, Mapping) else value


def _receive(value: Any, *, to_claim: bool) -> Any:
    """canReceive with its own keys and the media keys inside each part renamed, either way."""
    if not isinstance(value, Mapping):
        return value
    keys, media = (CAN_RECEIVE_CLAIMS, MEDIA_CLAIMS) if to_claim else (_CAN_RECEIVE_NAMES, _MEDIA_NAMES)
    renamed = {}
    for key, item in value.items():
        name = key if to_claim else keys.get(key, key)  # the long name, whichever way we go
        if name == "base":
            item = _renamed(item, media)
        elif name in RECEIVE_GROUPS and isinstance(item, Mapping):
            item = {who: _renamed(part, media) for who, part in item.items()}
        renamed[keys.get(key, key)] = item
    return renamed


def _permission_claims(permissions: Any) -> Any:
    """``permissions`` as the ``p`` claim: short keys, lists as comma-separated letters."""
    if not isinstance(permissions, Mapping):
        return permissions
    claims = {}
    for name, value in permissions.items():
        if name == "canSend" and isinstance(value, list):
            value = ",".join(CAN_SEND_CLAIMS.get(item, item) for item in value)
        elif name == "canAdmin" and isinstance(value, list):
            value = ",".join(CAN_ADMIN_CLAIMS.get(item, item) for item in value)
        elif name == "canReceive":
            value = _receive(value, to_claim=True)
        claims[PERMISSION_CLAIMS.get(name, name)] = value
    return claims


def _listed(text: str, names: Mapping[str, str]) -> list[str]:
    """ "v,a" -> ["video", "audio"] (letters outside ``names`` as given; "" -> [])."""
    return [names.get(item, item) for item in text.split(",")] if text else []


def _permission_properties(claim: Any) -> Any:
    """The ``p`` claim back to ``permissions``: long keys, letter strings as lists."""
    if not isinstance(claim, Mapping):
        return claim
    permissions = {}
    for key, value in claim.items():
        name = _PERMISSION_NAMES.get(key, key)
        if name == "canSend" and isinstance(value, str):
            value = _listed(value, _CAN_SEND_NAMES)
        elif name == "canAdmin" and isinstance(value, str):
            value = _listed(value, _CAN_ADMIN_NAMES)
        elif name == "canReceive":
            value = _receive(value, to_claim=False)
        permissions[name] = value
    return permissions


def to_claims(properties: Mapping[str, Any]) -> dict[str, Any]:
    """Long property names -> the short claims inside the JWT, permissions included.

    Names without a documented short claim (``UNDOCUMENTED_CLAIMS``, ``iat``) keep their name.
    """
    return {
        CLAIM_NAMES.get(name, name): _permission_claims(value) if name == "permissions" else value
        for name, value in properties.items()
    }


def to_properties(claims: Mapping[str, Any]) -> dict[str, Any]:
    """Short claims -> long property names (inside ``p`` too); others keep their name."""
    return {
        PROPERTY_NAMES.get(claim, claim): _permission_properties(value) if claim == "p" else value
        for claim, value in claims.items()
    }
