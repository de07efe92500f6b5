"""What Daily decides when someone joins a room: a model of the documented rules, not Daily.

``admit(room, claims, now=..., domain_id=..., domain=...)`` takes a room (as ``GET /rooms/:name``
returns it), the claims of a token whose signature has already been checked (or None for no
token) and the domain's properties, and answers with an ``Admission``: admitted, sent to the lobby
to knock, or refused, with the reason, and the participant's effective settings and privileges.
Sources, all Daily's docs:

- Tokens control entry to non-public rooms; in a public room a token only grants privileges and
  settings; a token of another domain never grants access (meeting-tokens guide,
  https://docs.daily.co/docs/guides/privacy-and-security/meeting-tokens).
- A private room with ``enable_knocking`` lets a participant without a token knock: they wait in
  the lobby until an owner admits them, while anyone with a valid token, whatever its
  permissions, skips the lobby (controlling who joins,
  https://docs.daily.co/docs/guides/privacy-and-security/controlling-who-joins-a-meeting, and the
  daily-js waiting-room guide, https://docs.daily.co/docs/daily-js/guides/waiting-room).
- A room's ``nbf`` and ``exp`` bound when anyone can join it (room configuration,
  https://docs.daily.co/reference/rest-api/rooms); a token's ``nbf``/``exp`` bound its holder.
- A setting on both the room and the token takes the token's value; one on both the domain and
  the room takes the room's (Prebuilt customization,
  https://docs.daily.co/docs/prebuilt/customizing-daily-prebuilt). If the token sets
  ``eject_at_token_exp`` or ``eject_after_elapsed``, the room's eject properties are ignored for
  that session (token configuration, https://docs.daily.co/reference/rest-api/meeting-tokens/config).
- "Each permission ... can be configured in the meeting token, the room, and/or the domain, in
  decreasing order of precedence" (token configuration, as above): each of the four permissions
  is looked up on its own, and one that no level sets takes Daily's documented default
  (``DEFAULT_PERMISSIONS``).
- Muting others needs an owner or a participant admin (``'participants'`` in ``canAdmin``); only
  owners can unmute others (daily-js ``updateParticipant``,
  https://docs.daily.co/reference/daily-js/instance-methods/update-participant).

Where the docs are silent (a token Daily would not accept is ignored rather than refused, claims of
the wrong type refuse the join, ``canReceive`` is never merged inside), the model's choices are
listed with the emulator's assumptions (``join-refusals`` in ``meeting_tokens.api.emulator``).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from meeting_tokens.core.claims import check_properties, is_integer, to_properties

# Token properties that are also room properties: the token's value wins (token config page).
SHARED_SETTINGS = (
    "enable_screenshare", "start_video_off", "start_audio_off", "enable_recording",
    "enable_prejoin_ui", "enable_live_captions_ui", "enable_recording_ui", "enable_terse_logging",
    "lang", "meeting_join_hook",
)  # fmt: skip
# What a participant may do when neither the token, the room nor the domain sets a permission:
# Daily's defaults, from the domain configuration's `permissions`
# (https://docs.daily.co/reference/rest-api/domain/get-domain-config).
DEFAULT_PERMISSIONS: dict[str, Any] = {
    "canSend": True, "canReceive": {"base": True}, "hasPresence": True, "canAdmin": False,
}  # fmt: skip
# The token properties the join reads, type-checked before any of them is used. `is_owner` is not
# among them: it makes an owner only when it is exactly true, and any other value grants nothing.
READ_PROPERTIES = ("room_name", "eject_at_token_exp", "eject_after_elapsed", "permissions", *SHARED_SETTINGS)
KNOCK = "may knock; an owner admits"
# Why nobody joins a room past its `exp`, whether or not the emulator has forgotten the room yet.
ROOM_EXPIRED = "the room has expired (room exp)"
UNPRIVILEGED = "admitted without the token's privileges"


@dataclass(frozen=True)
class Admission:
    """Daily's decision for one join, as this model reads the documented rules."""

    admitted: bool
    reason: str
    is_owner: bool = False
    permissions: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    eject_at: float | None = None
    may_knock: bool = False

    @property
    def access(self) -> str:
        """The level daily-js's ``accessState()`` would report: ``"full"``, ``"lobby"`` or ``"none"``."""
        return "full" if self.admitted else "lobby" if self.may_knock else "none"

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


def _number(value: Any) -> bool:
    return math.isfinite(value) if isinstance(value, float) else is_integer(value)


def _refused(reason: str) -> Admission:
    return Admission(False, reason)


def admit(
    room: Mapping[str, Any],
    claims: Mapping[str, Any] | None,
    *,
    now: float,
    domain_id: str,
    domain: Mapping[str, Any] | None = None,
    token_problem: str | None = None,
) -> Admission:
    """Admitted, sent to the lobby or refused, with the reason.

    ``claims`` come from a token whose signature has been checked. ``token_problem`` is instead
    why a token that was presented failed that check (e.g. ``"invalid-signature"``): that token is
    ignored, as is any other Daily would not accept. ``domain`` holds the domain's properties,
    read below the room's and the token's.
    """
    if claims is not None and token_problem is not None:
        raise ValueError("pass the claims of a verified token or its problem, not both")
    config = room.get("config", {})
    if "nbf" in config and now < config["nbf"]:
        return _refused("the room is not open yet (room nbf)")
    if "exp" in config and now >= config["exp"]:
        return _refused(ROOM_EXPIRED)
    ignored = None if token_problem is None else f"the token is not valid ({token_problem})"
    if claims is not None:
        token = to_properties(claims)
        if problems := _malformed(token):
            return _refused("the token's claims are not usable: " + "; ".join(problems))
        ignored = _out_of_scope(token, room, now, domain_id)
        if ignored is None:
            return _seated("admitted with a token", config, domain or {}, token, now)
    if room.get("privacy") == "public":
        reason = "admitted: the room is public" if ignored is None else f"{UNPRIVILEGED}: {ignored}"
        return _seated(reason, config, domain or {}, {}, now)
    if config.get("enable_knocking") is True:
        return Admission(False, KNOCK if ignored is None else f"{KNOCK} (ignored: {ignored})", may_knock=True)
    return _refused(ignored or "a private room needs a meeting token")


def _malformed(token: Mapping[str, Any]) -> list[str]:
    """Problems with the types of the claims the join reads: any of them refuses the join."""
    times = [name for name in ("nbf", "exp") if name in token and not _number(token[name])]
    return [f"{name} must be a number" for name in times] + check_properties(
        {name: token[name] for name in READ_PROPERTIES if name in token}
    )


def _out_of_scope(
    token: Mapping[str, Any], room: Mapping[str, Any], now: float, domain_id: str
) -> str | None:
    """Why this well-formed token does not hold for this room now, or None if it does."""
    if token.get("domain_id") != domain_id:
        return "the token belongs to another Daily domain"
    if "room_name" in token and token["room_name"] != room.get("name"):
        return f"the token is for room {token['room_name']!r}"
    if "nbf" in token and now < token["nbf"]:
        return "the token is not valid yet (token nbf)"
    if "exp" in token and now >= token["exp"]:
        return "the token has expired (token exp)"
    return None


def _seated(
    reason: str, room: Mapping[str, Any], domain: Mapping[str, Any], token: Mapping[str, Any], now: float
) -> Admission:
    """An admission with the settings and permissions of token, room and domain, in that order."""
    settings: dict[str, Any] = {}
    for level in (domain, room, token):
        settings |= {name: level[name] for name in SHARED_SETTINGS if name in level}
    permissions = _permissions(token, room, domain)
    owner = token.get("is_owner") is True
    return Admission(True, reason, owner, permissions, copy.deepcopy(settings), _eject_at(room, token, now))


def _permissions(*levels: Mapping[str, Any]) -> dict[str, Any]:
    """Each permission from the first level that sets it, else Daily's default.

    A permission is the unit: ``canReceive`` comes whole from one level, never merged inside.
    """
    found = [level.get("permissions") for level in levels]
    sets = [permissions for permissions in found if isinstance(permissions, Mapping)] + [DEFAULT_PERMISSIONS]
    chosen = {name: next(s[name] for s in sets if name in s) for name in DEFAULT_PERMISSIONS}
    return copy.deepcopy(chosen)  # the caller may change its copy; the room and defaults stay


def _eject_at(room: Mapping[str, Any], token: Mapping[str, Any], now: float) -> float | None:
    """When the participant will be ejected: the token's eject rules replace the room's."""
    if "eject_at_token_exp" in token or "eject_after_elapsed" in token:
        rules, at_expiry = token, token.get("eject_at_token_exp")
    else:
        rules, at_expiry = room, room.get("eject_at_room_exp")
    expiry, elapsed = rules.get("exp"), rules.get("eject_after_elapsed")
    moments = [expiry] if at_expiry is True and expiry is not None else []
    if elapsed is not None:
        moments.append(now + elapsed)
    return min(moments, default=None)
