"""The chapters' exercise checks: each judges the reader's answer and says what to fix.

A check cell calls one function with ``globals()``, where the reader's answer cell left its names,
and with what the chapter built before the exercise. A missing name, a wrong type or a wrong
value raises ``WrongAnswer`` with a message that says what to change without giving the answer
away; an answer that holds prints what it got right. Every answer the exercise's prompt allows
passes, however it was written.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from typing import Any

from meeting_tokens.chapters.storage_options import OPTIONS_BY_KEY
from meeting_tokens.core.errors import DailyAPIError, TokenError
from meeting_tokens.core.jwt_parts import decode_parts
from meeting_tokens.core.validation import validate_token

Namespace = Mapping[str, Any]
# Where scripts on the page can read the token (the chapter on storage says why for each).
SCRIPT_READABLE = frozenset({"readable-cookie", "local-storage", "session-storage", "memory"})


class WrongAnswer(AssertionError):
    """An answer that does not hold yet; the message says what to change."""


def answer(namespace: Namespace, name: str) -> Any:
    """The reader's ``name`` from ``namespace``, or ``WrongAnswer`` saying where to write it."""
    __tracebackhide__ = True
    if name not in namespace:
        raise WrongAnswer(
            f"`{name}` is not set yet: write your answer in the empty cell under the exercise, "
            "run that cell, then run this check again"
        )
    return namespace[name]


def _claims(token: Any, name: str) -> dict[str, Any]:
    """The payload of the reader's token ``name``, or ``WrongAnswer`` naming what is wrong."""
    __tracebackhide__ = True
    if not isinstance(token, str):
        raise WrongAnswer(f"`{name}` should be the token itself, a str, not a {type(token).__name__}")
    try:
        return decode_parts(token).payload
    except TokenError as exc:
        raise WrongAnswer(f"`{name}` does not decode as a token: {exc}") from None


def _require(holds: bool, message: str) -> None:
    __tracebackhide__ = True
    if not holds:
        raise WrongAnswer(message)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def check_claims_by_hand(namespace: Namespace, *, token: str) -> None:
    """Chapter 1, exercise 1: ``room`` and ``owner`` read from ``token``'s payload by hand."""
    __tracebackhide__ = True
    room, owner = answer(namespace, "room"), answer(namespace, "owner")
    payload = decode_parts(token).payload
    _require(isinstance(room, str), f"`room` should be the r claim, a str, not a {type(room).__name__}")
    _require(room == payload["r"], f"`room` is {room!r}, not the room the payload's r claim names")
    _require(
        isinstance(owner, bool),
        f"`owner` should be the o claim as json.loads reads it, a bool, not {owner!r}",
    )
    _require(owner is payload["o"], f"`owner` is {owner}, which is not what the payload's o claim says")
    print("Both answers match what the package's decoder reads.")


def check_one_character(namespace: Namespace, *, original: str) -> None:
    """Chapter 1, exercise 2: ``tampered`` is ``original`` with one payload character changed."""
    __tracebackhide__ = True
    tampered = answer(namespace, "tampered")
    _require(
        isinstance(tampered, str), f"`tampered` should be a token, a str, not a {type(tampered).__name__}"
    )
    _require(
        len(tampered) == len(original),
        f"`tampered` has {len(tampered)} characters and the token {len(original)}: change one, add none",
    )
    changed = [n for n, (a, b) in enumerate(zip(tampered, original, strict=True)) if a != b]
    _require(len(changed) == 1, f"change exactly one character of the token, not {len(changed)}")
    dots = [n for n, char in enumerate(original) if char == "."]
    _require(dots[0] < changed[0] < dots[1], "the character to change is in the payload, the middle part")
    try:
        decode_parts(tampered)
    except TokenError as exc:
        raise WrongAnswer(f"{exc}: choose a character inside a string, such as the room") from None
    print("One character of the payload changed, and it still decodes.")


def check_viewer_token(namespace: Namespace) -> None:
    """Chapter 2: ``viewer``, a token for Grace, not the owner, camera off, thirty minutes."""
    __tracebackhide__ = True
    claims = _claims(answer(namespace, "viewer"), "viewer")
    _require(
        claims.get("r") == "wordfare-demo", f"the token is for room {claims.get('r')!r}, not the exercise's"
    )
    _require(
        claims.get("u") == "Grace", f"the token's user_name is {claims.get('u')!r}, not the player's name"
    )
    _require(claims.get("o") is not True, "Grace is not the owner: the token makes her one")
    _require(claims.get("vo") is True, "her camera should be off when she joins: which property says so?")
    _require(_is_number(claims.get("exp")), "the token has no exp, so it never expires")
    minutes = (claims["exp"] - claims.get("iat", time.time())) / 60
    _require(29 <= minutes <= 31, f"the token lives {minutes:.0f} minutes, not 30")
    print("Room, name, owner flag, camera and lifetime all check out.")


def check_delayed_viewer(namespace: Namespace, *, api_key: str, domain_id: str) -> None:
    """Chapter 3: ``viewer``, self-signed with today's key, valid in five minutes, for fifteen."""
    __tracebackhide__ = True
    viewer = answer(namespace, "viewer")
    window = _claims(viewer, "viewer")
    _require(window.get("r") == "hello", f"the token is for room {window.get('r')!r}, not the exercise's")
    _require(window.get("o") is not True, "a viewer is not the owner: the token makes its holder one")
    _require(
        _is_number(window.get("iat")), "the token has no iat, which Daily requires of self-signed tokens"
    )
    _require(_is_number(window.get("nbf")), "the token has no nbf, so it is valid at once")
    delay = window["nbf"] - window["iat"]
    _require(abs(delay - 5 * 60) <= 2, f"nbf falls {delay:.0f} s after iat, not five minutes")
    _require(_is_number(window.get("exp")), "the token has no exp, so it never expires")
    valid_for = window["exp"] - window["nbf"]
    _require(
        abs(valid_for - 15 * 60) <= 2, f"the token is valid {valid_for / 60:.1f} minutes from its nbf, not 15"
    )
    report = validate_token(viewer, api_key=api_key, room_name="hello", domain_id=domain_id, ignore_nbf=True)
    signature = [check for check in report.checks if check.name == "signature"]
    _require(
        not signature or signature[0].passed is not False,
        "the signature does not verify with the API key Daily holds now: which key signed it?",
    )
    _require(report.valid, f"Daily would refuse this token: {report.reason}")
    print("Signed with today's key, valid in five minutes, for fifteen: the window is right.")


def check_borrowed_cookie(namespace: Namespace, *, host_token: str) -> None:
    """Chapter 4: ``bo_becomes_host``, the guess, and ``stolen``, the answer to Bo's join."""
    __tracebackhide__ = True
    guess, stolen = answer(namespace, "bo_becomes_host"), answer(namespace, "stolen")
    _require(isinstance(guess, bool), f"write your guess in bo_becomes_host as True or False, not {guess!r}")
    _require(isinstance(stolen, dict), f"`stolen` should be the JSON answer of /join, a dict, not {stolen!r}")
    _require(
        stolen.get("isHost") is True and "meetingToken" in stolen,
        "`stolen` carries no host's token: did Bo's join send Ada's cookie (its name and value)?",
    )
    claims, host = _claims(stolen["meetingToken"], "stolen['meetingToken']"), decode_parts(host_token).payload
    _require(claims.get("r") == host["r"], "the token in `stolen` is for another room than Ada's game")
    _require(
        guess is stolen["isHost"],
        "your guess is not what the server answered: read stolen['isHost'], and the solution says why",
    )
    print("Your guess matches the server's answer.")


def check_patient_token(namespace: Namespace, *, client: Any) -> None:
    """Chapter 5: ``storage``, out of scripts' reach, and ``patient_token``'s properties."""
    __tracebackhide__ = True
    storage, properties = answer(namespace, "storage"), answer(namespace, "patient_token")
    option = OPTIONS_BY_KEY.get(storage) if isinstance(storage, str) else None
    _require(option is not None, f"`storage` is one of {', '.join(OPTIONS_BY_KEY)}, not {storage!r}")
    _require(
        storage not in SCRIPT_READABLE,
        f"{option.label}: {option.exposure} Choose a place out of scripts' reach",
    )
    _require(
        isinstance(properties, dict),
        f"`patient_token` should be the token's properties, a dict, not {properties!r}",
    )
    _require(
        bool(properties.get("room_name")), "scope the token to the patient's room: which property does that?"
    )
    _require(properties.get("is_owner") is not True, "a patient is not the owner: the token makes them one")
    exp = properties.get("exp")
    _require(_is_number(exp), "the token has no exp, so it never expires")
    hours = (exp - time.time()) / 3600
    _require(0 < hours <= 4, f"an exp for the wait and the visit, not {hours:.1f} h from now")
    try:
        client.create_meeting_token(properties)
    except DailyAPIError as exc:
        raise WrongAnswer(f"Daily refuses these properties: {exc}") from None
    print("Out of scripts' reach, one room, not the owner, a short life: Daily accepts it.")


def check_may_join(namespace: Namespace, *, good: str, refused: Mapping[str, tuple[str, str]]) -> None:
    """Chapter 6: ``may_join(token, room)`` lets ``good`` into room hello and refuses each of
    ``refused`` (label -> token and room), always with a reason."""
    __tracebackhide__ = True
    may_join = answer(namespace, "may_join")
    _require(callable(may_join), f"`may_join` should be a function, not a {type(may_join).__name__}")
    verdict = _call(may_join, good, "hello")
    _require(verdict == (True, None), f"the minted token for hello should get (True, None), not {verdict!r}")
    for label, (candidate, room) in refused.items():
        allowed, reason = _call(may_join, candidate, room)
        _require(allowed is False, f"{label}: may_join lets it in ({allowed!r}), and it should not")
        _require(
            isinstance(reason, str) and reason != "", f"{label}: refused, but without a reason ({reason!r})"
        )
    print("may_join lets the good token in and refuses the others, with reasons.")


def _call(may_join: Callable[[str, str], Any], token: str, room: str) -> tuple[Any, Any]:
    __tracebackhide__ = True
    try:
        verdict = may_join(token, room)
    except Exception as exc:  # noqa: BLE001 (any error of the reader's function is the message)
        raise WrongAnswer(f"may_join(token, {room!r}) raised {type(exc).__name__}: {exc}") from None
    _require(
        isinstance(verdict, tuple) and len(verdict) == 2,
        f"may_join should return a pair, (True, None) or (False, reason), not {verdict!r}",
    )
    return verdict


def check_rotation_survivor(namespace: Namespace) -> None:
    """Key rotation: ``leaked`` lives two hours, ``answer`` is the first second the join refuses it."""
    __tracebackhide__ = True
    leaked, moment = answer(namespace, "leaked"), answer(namespace, "answer")
    claims = _claims(leaked, "leaked")
    _require(claims.get("r") == "all-hands", f"the token is for room {claims.get('r')!r}, not the exercise's")
    _require(_is_number(claims.get("exp")), "the token has no exp, so it never expires")
    hours = (claims["exp"] - claims.get("iat", claims["exp"])) / 3600
    _require(abs(hours - 2) <= 0.1, f"the token lives {hours:.2f} h from its iat, not two hours")
    _require(
        _is_number(moment),
        f"`answer` should be a moment in unix seconds, a number, not a {type(moment).__name__}",
    )
    _require(
        math.floor(moment) >= claims["exp"], "at that moment the join still admits the token: look later"
    )
    _require(
        math.floor(moment) <= claims["exp"], "the join refuses the token before that moment: look earlier"
    )
    print("That is the first second the join refuses it: the rotation did nothing to the token.")


def check_note_taker(namespace: Namespace, *, emulator: Any, now: int) -> None:
    """Chapter 7, exercise 1: ``note_taker``, a hidden bot's token for night-shift that hears the call,
    sends and administers nothing, is no owner and leaves at its exp, two hours from ``now``."""
    __tracebackhide__ = True
    note_taker = answer(namespace, "note_taker")
    claims = _claims(note_taker, "note_taker")
    _require(
        claims.get("r") == "night-shift", f"the token is for room {claims.get('r')!r}, not the exercise's"
    )
    _require(claims.get("o") is not True, "the note-taker needs no owner's rights: the token makes it one")
    _require(_is_number(claims.get("exp")), "the token has no exp, so it never expires")
    hours = (claims["exp"] - now) / 3600
    _require(abs(hours - 2) <= 1 / 60, f"the token's exp is {hours:.2f} h from `now`, not two hours")
    _require(claims.get("ejt") is True, "the bot stays after its exp: which property ejects it then?")
    seat = emulator.join("night-shift", note_taker)
    _require(
        seat.admitted,
        f"the join model refuses the token ({seat.reason}): mint it with `client`, which holds today's key",
    )
    permissions = seat.permissions
    _require(
        permissions.get("hasPresence") is False,
        "everyone in the call sees the bot: which permission hides it?",
    )
    _require(
        not permissions.get("canSend"),
        f"the bot may send ({permissions.get('canSend')!r}): it should send nothing",
    )
    _require(
        not permissions.get("canAdmin"),
        f"the bot may administer ({permissions.get('canAdmin')!r}): it needs no admin rights",
    )
    base = permissions.get("canReceive", {}).get("base")
    _require(
        base is True or (isinstance(base, dict) and base.get("audio") is True),
        "the bot does not hear the call: what does its canReceive let through?",
    )
    print("The note-taker hears the call, is seen by nobody, sends nothing, and leaves at its exp.")


def check_never_ejected(namespace: Namespace, *, emulator: Any, now: int) -> None:
    """Chapter 7, exercise 2: night-shift ejects at its exp, and ``answer`` is when the join model
    ejects the holder of pipecat's default token (an owner, ``ejt`` false, an hour from ``now``)."""
    __tracebackhide__ = True
    moment = answer(namespace, "answer")
    client = emulator.client()
    config = client.get_room("night-shift")["config"]
    _require(
        config.get("eject_at_room_exp") is True,
        "night-shift ejects nobody yet: give it eject_at_room_exp first, with client.update_room",
    )
    _require(
        moment is None or _is_number(moment),
        f"`answer` should be the admission's eject_at, as the join gives it, not a {type(moment).__name__}",
    )
    default_like = {
        "room_name": "night-shift",
        "is_owner": True,
        "exp": now + 3600,
        "eject_at_token_exp": False,
    }
    expected = emulator.join("night-shift", client.create_meeting_token(default_like)).eject_at
    if moment != expected:
        _require(
            moment != now + 3600,
            "that is the token's own exp, where eject_at_token_exp true ejects: "
            "pipecat's default sends false",
        )
        _require(
            moment != config.get("exp"),
            "that is the room's exp, which applies to a token without eject_at_token_exp: "
            "pipecat's default sets it, to false",
        )
        raise WrongAnswer(
            "the join model does not eject pipecat's default token then: join with an owner token whose "
            "eject_at_token_exp is false and exp an hour from `now`, and keep the admission's eject_at"
        )
    print("Right: the room's ejection does not reach a token that sets eject_at_token_exp, even to false.")
