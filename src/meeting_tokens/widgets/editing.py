"""The claim editor's logic: its form fields, and signing whatever the form holds.

The editor signs with `self_sign`, the function the chapters teach, but lets a reader drop the
room or the expiry to see what that does: it signs such tokens anyway and reports them as
findings. Properties Daily would refuse, or an `exp` that is not after `iat`, give an error
message instead of a token.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from meeting_tokens.core.claims import LANGUAGES, RECORDING_MODES, check_properties
from meeting_tokens.core.errors import TokenError
from meeting_tokens.core.signing import self_sign


@dataclass(frozen=True)
class Field:
    """One control of the form: `kind` is text, boolean, choice, minutes (from iat) or seconds."""

    name: str
    kind: str
    label: str
    choices: tuple[str, ...] = ()


FORM_FIELDS: tuple[Field, ...] = (
    Field("room_name", "text", "Room (room_name)"),
    Field("exp", "minutes", "Expires in, minutes (exp)"),
    Field("nbf", "minutes", "Usable from, minutes after iat (nbf)"),
    Field("is_owner", "boolean", "Owner (is_owner)"),
    Field("user_name", "text", "User name (user_name)"),
    Field("user_id", "text", "User id (user_id)"),
    Field("enable_screenshare", "boolean", "Screen share (enable_screenshare)"),
    Field("start_video_off", "boolean", "Video off at start (start_video_off)"),
    Field("start_audio_off", "boolean", "Audio off at start (start_audio_off)"),
    Field("enable_recording", "choice", "Recording (enable_recording)", RECORDING_MODES),
    Field("lang", "choice", "Language (lang)", LANGUAGES),
    Field("eject_at_token_exp", "boolean", "Eject at exp (eject_at_token_exp)"),
    Field("eject_after_elapsed", "seconds", "Eject after, seconds (eject_after_elapsed)"),
)


@dataclass(frozen=True)
class Signed:
    """The editor's outcome: a token, or the message saying why there is none."""

    token: str | None
    error: str | None = None


# What the editor says of an exp at or before iat (the in-page editor says the same: assets.py).
BORN_EXPIRED = "exp {exp} is not after iat {iat}: the token would be born expired"


def default_properties(now: int) -> dict[str, Any]:
    """What a new editor starts from: a guest's one-hour token for one room."""
    return {"room_name": "team-standup", "exp": now + 3600, "user_name": "Zoë", "is_owner": False}


# The largest array index of a JavaScript object: such keys ("0" to "4294967294", no leading zero)
# come first in an object, in ascending order, whatever order they were written in.
MAX_ARRAY_INDEX = 2**32 - 2


def _array_index(key: object) -> int | None:
    text = str(key) if isinstance(key, int) and not isinstance(key, bool) else key
    if not isinstance(text, str) or not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None
    number = int(text)
    return number if str(number) == text and number <= MAX_ARRAY_INDEX else None


def js_object_order(value: Any) -> Any:
    """``value`` with every dict's keys in the order a JavaScript object holds them.

    The editor's properties reach the page as JSON parsed into objects, which put array-index
    keys such as "2" and "10" first, ascending. Signing in that order on both sides gives the
    page and Python the same token, byte for byte.
    """
    if isinstance(value, Mapping):
        indexed = sorted((key for key in value if _array_index(key) is not None), key=_array_index)
        named = [key for key in value if _array_index(key) is None]
        return {key: js_object_order(value[key]) for key in indexed + named}
    if isinstance(value, list):
        return [js_object_order(item) for item in value]
    return value


def sign_properties(api_key: str, properties: Mapping[str, Any], *, domain_id: str, now: int) -> Signed:
    """Sign `properties` (long names; `exp` and `nbf` absolute) as issued at `now`.

    A missing `room_name` or `exp` is allowed here (the editor shows it as a finding). Keys are
    signed in a JavaScript object's order (`js_object_order`), as the page signs them.
    """
    if problems := check_properties(properties):
        return Signed(None, "; ".join(problems))
    rest = js_object_order(dict(properties))
    room_name = rest.pop("room_name", None)
    exp = rest.pop("exp", None)
    if exp is not None and exp <= now:
        return Signed(None, BORN_EXPIRED.format(exp=exp, iat=now))
    try:
        token = self_sign(
            api_key,
            room_name=room_name,
            domain_id=domain_id,
            expires_in=None if exp is None else exp - now,
            now=now,
            allow_unscoped=True,
            allow_no_expiry=True,
            **rest,
        )
    except (TokenError, TypeError, ValueError) as exc:  # argument mistakes read the same here
        return Signed(None, str(exc))
    return Signed(token)
