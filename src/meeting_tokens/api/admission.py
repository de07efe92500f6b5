"""What Daily decides when someone joins a room: a model of the documented rules, not Daily.

``admit(room, claims, now=...)`` takes a room (as ``GET /rooms/:name`` returns it) and the claims
of a token whose signature has already been checked (or None for no token) and answers with an
``Admission``: admitted or refused with the reason, and the participant's effective settings and
privileges. Sources, all Daily's docs:

- Tokens control entry to non-public rooms; in a public room a token only grants privileges and
  settings; a token of another domain never admits anyone (meeting-tokens guide,
  https://docs.daily.co/docs/guides/privacy-and-security/meeting-tokens).
- A room's ``nbf`` and ``exp`` bound when anyone can join it (room configuration,
  https://docs.daily.co/reference/rest-api/rooms); a token's ``nbf``/``exp`` bound its holder.
- A property set both on the room and in the token: the token's value wins; if the token sets
  ``eject_at_token_exp`` or ``eject_after_elapsed``, the room's eject properties are ignored for
  that session (token configuration, https://docs.daily.co/reference/rest-api/meeting-tokens/config).
- Muting others needs an owner or a participant admin (``'participants'`` in ``canAdmin``); only
  owners can unmute others (daily-js ``updateParticipant``,
  https://docs.daily.co/reference/daily-js/instance-methods/update-participant).

Where the docs are silent, the model's choices are listed with the emulator's assumptions
(``join-refusals`` in ``meeting_tokens.api.emulator``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from meeting_tokens.core.claims import to_properties

# Token properties that are also room properties: the token's value wins (token config page).
SHARED_SETTINGS = (
    "enable_screenshare", "start_video_off", "start_audio_off", "enable_recording",
    "enable_prejoin_ui", "enable_live_captions_ui", "enable_recording_ui", "enable_terse_logging",
    "lang", "meeting_join_hook", "permissions",
)  # fmt: skip
DEFAULT_PERMISSIONS = {"hasPresence": True, "canSend": True, "canReceive": {"base": True}, "canAdmin": False}


@dataclass(frozen=True)
class Admission:
    """Daily's decision for one join, as this model reads the documented rules."""

    admitted: bool
    reason: str
    is_owner: bool = False
    permissions: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    eject_at: float | None = None

    @property
    def can_mute_others(self) -> bool:
        """Owners and participant admins (``'participants'`` in ``canAdmin``) can mute others."""
        admin = _grants(self.permissions.get("canAdmin"), "participants")
        return self.admitted and (self.is_owner or admin)

    @property
    def can_unmute_others(self) -> bool:
        """Only owners can unmute others."""
        return self.admitted and self.is_owner


def _grants(value: Any, item: str) -> bool:
    return value is True or (isinstance(value, list) and item in value)


def _refused(reason: str) -> Admission:
    return Admission(False, reason)


def admit(
    room: Mapping[str, Any], claims: Mapping[str, Any] | None, *, now: float, domain_id: str
) -> Admission:
    """Admitted or refused, with the reason; ``claims`` come from a token already verified."""
    config = room.get("config", {})
    if "nbf" in config and now < config["nbf"]:
        return _refused("the room is not open yet (room nbf)")
    if "exp" in config and now >= config["exp"]:
        return _refused("the room has expired (room exp)")
    token = to_properties(claims) if claims is not None else None
    if token is None and room.get("privacy") != "public":
        return _refused("a private room needs a meeting token")
    if token is not None:
        if token.get("domain_id") != domain_id:
            return _refused("the token belongs to another Daily domain")
        if "room_name" in token and token["room_name"] != room["name"]:
            return _refused(f"the token is for room {token['room_name']!r}")
        if "nbf" in token and now < token["nbf"]:
            return _refused("the token is not valid yet (token nbf)")
        if "exp" in token and now >= token["exp"]:
            return _refused("the token has expired (token exp)")
    token = token or {}
    settings = {name: config[name] for name in SHARED_SETTINGS if name in config}
    settings |= {name: token[name] for name in SHARED_SETTINGS if name in token}
    permissions = DEFAULT_PERMISSIONS | settings.pop("permissions", {})
    reason = "admitted with a token" if claims is not None else "admitted: the room is public"
    owner = bool(token.get("is_owner"))
    return Admission(True, reason, owner, permissions, settings, _eject_at(config, token, now))


def _eject_at(room: Mapping[str, Any], token: Mapping[str, Any], now: float) -> float | None:
    """When the participant will be ejected: the token's eject rules replace the room's."""
    if "eject_at_token_exp" in token or "eject_after_elapsed" in token:
        rules, at_expiry = token, token.get("eject_at_token_exp")
    else:
        rules, at_expiry = room, room.get("eject_at_room_exp")
    expiry, elapsed = rules.get("exp"), rules.get("eject_after_elapsed")
    moments = [expiry] if at_expiry and expiry is not None else []
    if elapsed is not None:
        moments.append(now + elapsed)
    return min(moments, default=None)
