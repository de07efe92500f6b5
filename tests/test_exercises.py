"""The exercises' checks judge fairly: each is fed the answers a reader may give.

Every check (``meeting_tokens.chapters.exercises``, called by the chapters' check cells) rejects
each wrong answer with a message that says what to fix and does not contain the answer, passes
every answer the prompt allows however it is written, says so when it passes, and tells a reader
who left the answer cell empty where to write. The chapters' own values (tokens, the emulator,
the game) are built here as the chapters build them, so the checks run in milliseconds.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest

import meeting_tokens as mt
from meeting_tokens.api import DailyEmulator
from meeting_tokens.chapters import forged_tokens
from meeting_tokens.chapters.exercises import (
    WrongAnswer,
    check_borrowed_cookie,
    check_claims_by_hand,
    check_delayed_viewer,
    check_may_join,
    check_never_ejected,
    check_note_taker,
    check_one_character,
    check_patient_token,
    check_rotation_survivor,
    check_viewer_token,
)
from meeting_tokens.game import browser, game_app, host_cookie_name

KEY = "a-key-for-the-exercises-tests"


@dataclass
class Exercise:
    """One exercise: its check, bound to the chapter's values, and the answers to feed it."""

    check: Callable[[dict[str, Any]], None]
    names: tuple[str, ...]  # what the answer cell defines
    right: dict[str, dict[str, Any]]  # label -> answers the prompt allows
    wrong: dict[str, tuple[dict[str, Any], str]]  # label -> (answers, what the message must say)
    secret: str  # the answer, which no message may contain


def chapter_1_claims() -> Exercise:
    by_hand = mt.sign_hs256({"alg": "HS256", "typ": "JWT"}, {"r": "hello", "o": True}, KEY)
    return Exercise(
        lambda ns: check_claims_by_hand(ns, token=by_hand),
        ("room", "owner"),
        {"the solution's": {"room": "hello", "owner": True}},
        {
            "another room": ({"room": "world", "owner": True}, "not the room"),
            "the room as bytes": ({"room": b"hello", "owner": True}, "a str"),
            "owner the wrong way round": (
                {"room": "hello", "owner": False},
                "not what the payload's o claim",
            ),
            "owner as JSON text": ({"room": "hello", "owner": "true"}, "a bool"),
            "owner as a number": ({"room": "hello", "owner": 1}, "a bool"),
        },
        secret="'hello'",
    )


def chapter_1_one_character() -> Exercise:
    original = mt.sign_hs256(
        {"alg": "HS256", "typ": "JWT"}, {"r": "hello", "o": True, "exp": 1_700_003_600}, KEY
    )
    head, body, sig = original.split(".")

    def with_payload(payload: str) -> str:
        return f"{head}.{payload}.{sig}"

    return Exercise(
        lambda ns: check_one_character(ns, original=original),
        ("tampered",),
        {
            "the solution's": {"tampered": with_payload(body[:8] + "b" + body[9:])},
            "another character of the room": {"tampered": with_payload(body[:9] + "X" + body[10:])},
        },
        {
            "unchanged": ({"tampered": original}, "not 0"),
            "two characters": ({"tampered": with_payload(body[:8] + "bb" + body[10:])}, "not 2"),
            "one added": ({"tampered": with_payload(body + "A")}, "add none"),
            "in the header": ({"tampered": f"X{original[1:]}"}, "in the payload"),
            "the JSON broken": ({"tampered": with_payload(body[:1] + "!" + body[2:])}, "inside a string"),
            "not a str": ({"tampered": original.encode()}, "a str"),
        },
        secret=with_payload(body[:8] + "b" + body[9:]),
    )


def chapter_2_viewer(client: mt.DailyClient) -> Exercise:
    def mint(**changes: Any) -> str:
        properties = {"room_name": "wordfare-demo", "user_name": "Grace", "start_video_off": True}
        properties |= {"exp": int(time.time()) + 30 * 60} | changes
        return client.create_meeting_token({k: v for k, v in properties.items() if v is not None})

    return Exercise(
        lambda ns: check_viewer_token(ns),
        ("viewer",),
        {
            "the solution's": {"viewer": mint(is_owner=False)},
            "is_owner left out": {"viewer": mint()},
        },
        {
            "the owner's": ({"viewer": mint(is_owner=True)}, "not the owner"),
            "camera on": ({"viewer": mint(start_video_off=None)}, "camera should be off"),
            "an hour": ({"viewer": mint(exp=int(time.time()) + 3600)}, "60 minutes, not 30"),
            "no exp": ({"viewer": mint(exp=None)}, "never expires"),
            "another room": ({"viewer": mint(room_name="lobby")}, "'lobby'"),
            "another name": ({"viewer": mint(user_name="Ada")}, "'Ada'"),
            "the answer's dict": ({"viewer": {"token": mint()}}, "the token itself"),
        },
        secret="wordfare-demo",
    )


def chapter_3_delayed_viewer() -> Exercise:
    emulator = DailyEmulator()
    domain_id = emulator.client().get_domain()["domain_id"]
    old_key = emulator.api_key
    new_key = emulator.rotate_api_key()
    now = int(time.time())

    def signed(key: str = new_key, **changes: Any) -> str:
        options = {"now": now, "expires_in": 20 * 60, "nbf": now + 5 * 60} | changes
        given = {name: value for name, value in options.items() if value is not None}
        return mt.self_sign(key, room_name="hello", domain_id=domain_id, **given)

    by_pyjwt = {"r": "hello", "d": domain_id, "iat": now, "nbf": now + 300, "exp": now + 1200}
    without_iat = {k: v for k, v in by_pyjwt.items() if k != "iat"}
    return Exercise(
        lambda ns: check_delayed_viewer(ns, api_key=emulator.api_key, domain_id=domain_id),
        ("viewer",),
        {
            "the solution's": {"viewer": signed(is_owner=False)},
            "with PyJWT, is_owner left out": {"viewer": jwt.encode(by_pyjwt, new_key, "HS256")},
        },
        {
            "signed with the old key": ({"viewer": signed(old_key)}, "which key signed it"),
            "no iat": ({"viewer": jwt.encode(without_iat, new_key, "HS256")}, "no iat"),
            "no nbf": ({"viewer": signed(nbf=None)}, "no nbf"),
            "fifteen minutes from now": ({"viewer": signed(expires_in=15 * 60)}, "10.0 minutes from its nbf"),
            "nbf a minute ahead": ({"viewer": signed(nbf=now + 60)}, "60 s after iat"),
            "the owner's": ({"viewer": signed(is_owner=True)}, "not the owner"),
            "another domain": (
                {"viewer": jwt.encode(by_pyjwt | {"d": "another-domain"}, new_key, "HS256")},
                "Daily would refuse",
            ),
        },
        secret=new_key,
    )


def chapter_4_borrowed_cookie() -> Exercise:
    async def play() -> tuple[str, dict[str, Any], dict[str, Any]]:
        app = game_app(DailyEmulator().client())
        ada, bo = browser(app), browser(app)
        created = await ada.post("/create", data={"gameName": "Friday quiz", "playerName": "Ada"})
        game_id = parse_qs(urlsplit(created.headers["location"]).query)["gameID"][0]
        body = {"gameID": game_id, "playerName": "Ada"}
        ada_token = (await ada.post("/join", json=body)).json()["meetingToken"]
        name = host_cookie_name(game_id)
        cookie = {"Cookie": f"{name}={ada.cookies[name]}"}
        bo_body = {"gameID": game_id, "playerName": "Bo"}
        stolen = (await bo.post("/join", json=bo_body, headers=cookie)).json()
        plain = (await bo.post("/join", json=bo_body)).json()
        return ada_token, stolen, plain

    ada_token, stolen, plain = asyncio.run(play())
    return Exercise(
        lambda ns: check_borrowed_cookie(ns, host_token=ada_token),
        ("bo_becomes_host", "stolen"),
        {"the solution's": {"bo_becomes_host": True, "stolen": stolen}},
        {
            "the wrong guess": ({"bo_becomes_host": False, "stolen": stolen}, "not what the server answered"),
            "no cookie sent, a guess to match": ({"bo_becomes_host": False, "stolen": plain}, "Ada's cookie"),
            "no cookie sent": ({"bo_becomes_host": True, "stolen": plain}, "Ada's cookie"),
            "the guess as text": ({"bo_becomes_host": "yes", "stolen": stolen}, "True or False"),
            "the token alone": ({"bo_becomes_host": True, "stolen": stolen["meetingToken"]}, "a dict"),
        },
        secret="isHost': True",
    )


def chapter_5_patient(client: mt.DailyClient) -> Exercise:
    soon = int(time.time()) + 3600
    room = {"room_name": "consult-1030"}
    return Exercise(
        lambda ns: check_patient_token(ns, client=client),
        ("storage", "patient_token"),
        {
            "the solution's": {
                "storage": "article",
                "patient_token": room | {"exp": soon, "eject_at_token_exp": True},
            },
            "without eject_at_token_exp": {"storage": "article", "patient_token": room | {"exp": soon}},
            "the token in an HttpOnly cookie": {
                "storage": "httponly-cookie",
                "patient_token": room | {"exp": soon},
            },
        },
        {
            "memory": ({"storage": "memory", "patient_token": room | {"exp": soon}}, "Readable by scripts"),
            "localStorage": (
                {"storage": "local-storage", "patient_token": room | {"exp": soon}},
                "out of scripts",
            ),
            "no such option": ({"storage": "cookie", "patient_token": room | {"exp": soon}}, "is one of"),
            "an owner token": (
                {"storage": "article", "patient_token": room | {"exp": soon, "is_owner": True}},
                "not the owner",
            ),
            "no exp": ({"storage": "article", "patient_token": room}, "never expires"),
            "thirty days": (
                {"storage": "article", "patient_token": room | {"exp": soon + 30 * 86400}},
                "not 721.0 h",
            ),
            "no room": ({"storage": "article", "patient_token": {"exp": soon}}, "patient's room"),
            "a property Daily refuses": (
                {"storage": "article", "patient_token": room | {"exp": soon, "start_video_off": "yes"}},
                "Daily refuses",
            ),
        },
        secret="'article'",
    )


def chapter_6_may_join() -> Exercise:
    client = DailyEmulator().client()
    domain_id = client.get_domain()["domain_id"]
    now = int(time.time())
    token = client.create_meeting_token({"room_name": "hello", "exp": now + 3600, "is_owner": True})
    later = client.create_meeting_token({"room_name": "hello", "nbf": now + 600, "exp": now + 4200})
    escalation = forged_tokens(KEY, room_name="hello", domain_id=domain_id, now=now)["owner escalation"]
    refused = {"later": (later, "hello"), "escalation": (escalation, "hello"), "other room": (token, "lobby")}

    def solution(candidate: str, room: str) -> tuple[bool, str | None]:
        report = mt.validate_token(candidate, client=client, room_name=room, domain_id=domain_id)
        return report.valid, report.reason

    def in_two_steps(candidate: str, room: str) -> tuple[bool, str | None]:
        pre = mt.precheck_claims(candidate, room_name=room, domain_id=domain_id)
        if not pre.nothing_failed:
            return False, pre.reason
        try:
            client.validate_meeting_token(candidate)
        except mt.DailyAPIError as exc:
            return False, str(exc)
        return True, None

    def prechecks_only(candidate: str, room: str) -> tuple[bool, str | None]:
        report = mt.precheck_claims(candidate, room_name=room, domain_id=domain_id)
        return report.nothing_failed, report.reason

    def any_room(candidate: str, room: str) -> tuple[bool, str | None]:
        report = mt.validate_token(candidate, client=client, domain_id=domain_id)
        return report.valid, report.reason

    def daily_only(candidate: str, room: str) -> tuple[bool, str | None]:
        client.validate_meeting_token(candidate)
        return True, None

    return Exercise(
        lambda ns: check_may_join(ns, good=token, refused=refused),
        ("may_join",),
        {"the solution's": {"may_join": solution}, "pre-checks, then Daily": {"may_join": in_two_steps}},
        {
            "pre-checks only": ({"may_join": prechecks_only}, "escalation: may_join lets it in"),
            "any room": ({"may_join": any_room}, "other room: may_join lets it in"),
            "Daily's error let out": ({"may_join": daily_only}, "raised DailyAPIError"),
            "a bool, not a pair": ({"may_join": lambda t, r: solution(t, r)[0]}, "should return a pair"),
            "no reason": ({"may_join": lambda t, r: (solution(t, r)[0], None)}, "without a reason"),
            "not a function": ({"may_join": (True, None)}, "should be a function"),
        },
        secret="validate_token",
    )


def key_rotation_survivor() -> Exercise:
    emulator = DailyEmulator()
    server = emulator.client()
    emulator.client().create_room(name="all-hands", privacy="private")
    exp = int(emulator.clock.now()) + 7200
    leaked = server.create_meeting_token({"room_name": "all-hands", "exp": exp})
    hour = server.create_meeting_token({"room_name": "all-hands", "exp": exp - 3600})
    lobby = server.create_meeting_token({"room_name": "lobby", "exp": exp})
    return Exercise(
        lambda ns: check_rotation_survivor(ns),
        ("leaked", "answer"),
        {
            "the solution's": {"leaked": leaked, "answer": exp},
            "the clock's reading, unrounded": {"leaked": leaked, "answer": exp + 0.25},
        },
        {
            "a second early": ({"leaked": leaked, "answer": exp - 1}, "still admits the token"),
            "a second late": ({"leaked": leaked, "answer": exp + 1}, "refuses the token before"),
            "an hour's token": ({"leaked": hour, "answer": exp - 3600}, "not two hours"),
            "another room": ({"leaked": lobby, "answer": exp}, "'lobby'"),
            "the moment as text": ({"leaked": leaked, "answer": str(exp)}, "a number"),
        },
        secret=str(exp),
    )


def chapter_7_night_shift() -> tuple[DailyEmulator, int, str]:
    """Chapter 7's night-shift, private, two hours long, and a token self-signed before a key rotation."""
    emulator = DailyEmulator()
    now = int(emulator.clock.now())
    client = emulator.client()
    client.create_room(name="night-shift", privacy="private", properties={"exp": now + 7200})
    old_key_token = mt.self_sign(
        emulator.api_key, room_name="night-shift", domain_id=client.get_domain()["domain_id"],
        expires_in=7200, now=now, eject_at_token_exp=True,
        permissions={"hasPresence": False, "canSend": False},
    )  # fmt: skip
    emulator.rotate_api_key()
    return emulator, now, old_key_token


def chapter_7_note_taker() -> Exercise:
    emulator, now, old_key_token = chapter_7_night_shift()
    client = emulator.client()
    hidden = {"hasPresence": False, "canSend": False, "canAdmin": False}
    solution = {
        "room_name": "night-shift",
        "user_name": "Notes",
        "exp": now + 7200,
        "eject_at_token_exp": True,
    }

    def mint(permissions: dict[str, Any] = hidden, **changes: Any) -> str:
        properties = solution | {"permissions": permissions} | changes
        return client.create_meeting_token({k: v for k, v in properties.items() if v is not None})

    hears_audio = {"base": {"audio": True, "video": False, "screenVideo": False, "screenAudio": False}}
    return Exercise(
        lambda ns: check_note_taker(ns, emulator=emulator, now=now),
        ("note_taker",),
        {
            "the solution's": {"note_taker": mint()},
            "nameless, canAdmin left to Daily's default": {
                "note_taker": mint({"hasPresence": False, "canSend": False}, user_name=None)
            },
            "canSend an empty list, is_owner false": {
                "note_taker": mint({"hasPresence": False, "canSend": []}, is_owner=False)
            },
            "hearing audio only": {"note_taker": mint(hidden | {"canReceive": hears_audio})},
        },
        {
            "the owner's": ({"note_taker": mint(is_owner=True)}, "makes it one"),
            "not ejected": ({"note_taker": mint(eject_at_token_exp=None)}, "stays after its exp"),
            "an hour": ({"note_taker": mint(exp=now + 3600)}, "1.00 h from `now`, not two"),
            "another room": ({"note_taker": mint(room_name="lobby")}, "'lobby'"),
            "visible": ({"note_taker": mint({"canSend": False})}, "sees the bot"),
            "sends audio": ({"note_taker": mint(hidden | {"canSend": ["audio"]})}, "should send nothing"),
            "an admin": ({"note_taker": mint(hidden | {"canAdmin": ["participants"]})}, "no admin rights"),
            "deaf": (
                {"note_taker": mint(hidden | {"canReceive": {"base": False}})},
                "does not hear the call",
            ),
            "self-signed with the old key": ({"note_taker": old_key_token}, "holds today's key"),
            "the properties, not the token": ({"note_taker": solution}, "the token itself"),
        },
        secret="hasPresence",
    )


def chapter_7_never_ejected() -> Exercise:
    emulator, now, _ = chapter_7_night_shift()
    emulator.client().update_room("night-shift", properties={"eject_at_room_exp": True})
    return Exercise(
        lambda ns: check_never_ejected(ns, emulator=emulator, now=now),
        ("answer",),
        {"the solution's": {"answer": None}},
        {
            "the token's exp": ({"answer": now + 3600}, "the token's own exp"),
            "the room's exp": ({"answer": now + 7200}, "the room's exp"),
            "another moment": ({"answer": now + 60}, "does not eject pipecat's default token then"),
            "the admission itself": ({"answer": {"eject_at": None}}, "not a dict"),
            "the moment as text": ({"answer": str(now + 3600)}, "not a str"),
        },
        secret="None",
    )


def test_the_ejection_check_asks_for_the_rooms_ejection_before_judging_the_answer() -> None:
    emulator, now, _ = chapter_7_night_shift()
    with pytest.raises(WrongAnswer, match="night-shift ejects nobody yet: give it eject_at_room_exp"):
        check_never_ejected({"answer": None}, emulator=emulator, now=now)


@pytest.fixture(scope="module")
def exercises() -> dict[str, Exercise]:
    client = DailyEmulator().client()
    return {
        "ch1 who is this token for": chapter_1_claims(),
        "ch1 one character": chapter_1_one_character(),
        "ch2 a viewer's token": chapter_2_viewer(client),
        "ch3 a viewer who may join in five minutes": chapter_3_delayed_viewer(),
        "ch4 a borrowed cookie": chapter_4_borrowed_cookie(),
        "ch5 a telehealth waiting room": chapter_5_patient(client),
        "ch6 the game's join check": chapter_6_may_join(),
        "ch7 a silent note-taker": chapter_7_note_taker(),
        "ch7 pipecat's default token and the room's ejection": chapter_7_never_ejected(),
        "key rotation: a token that outlives it": key_rotation_survivor(),
    }


NAMES = [
    "ch1 who is this token for",
    "ch1 one character",
    "ch2 a viewer's token",
    "ch3 a viewer who may join in five minutes",
    "ch4 a borrowed cookie",
    "ch5 a telehealth waiting room",
    "ch6 the game's join check",
    "ch7 a silent note-taker",
    "ch7 pipecat's default token and the room's ejection",
    "key rotation: a token that outlives it",
]


@pytest.mark.parametrize("name", NAMES)
def test_each_check_rejects_every_wrong_answer_saying_what_to_fix_without_the_answer(
    exercises: dict[str, Exercise], name: str
) -> None:
    exercise = exercises[name]
    for label, (answers, says) in exercise.wrong.items():
        with pytest.raises(WrongAnswer) as caught:
            exercise.check(answers)
        message = str(caught.value)
        assert says in message, f"{label}: {message!r}"
        assert exercise.secret not in message, f"{label} gives the answer away: {message!r}"


@pytest.mark.parametrize("name", NAMES)
def test_each_check_passes_every_answer_the_prompt_allows_and_says_so(
    exercises: dict[str, Exercise], name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    exercise = exercises[name]
    for label, answers in exercise.right.items():
        exercise.check(answers)
        assert capsys.readouterr().out.strip() != "", f"{label}: passed without saying so"


@pytest.mark.parametrize("name", NAMES)
def test_each_check_sends_a_reader_with_an_empty_answer_cell_to_it(
    exercises: dict[str, Exercise], name: str
) -> None:
    exercise = exercises[name]
    answers = next(iter(exercise.right.values()))
    for missing in exercise.names:
        with pytest.raises(
            WrongAnswer, match=f"`{missing}` is not set yet: write your answer in the empty cell"
        ):
            exercise.check({k: v for k, v in answers.items() if k != missing})


def test_a_wrong_answer_is_an_assertion_error_so_nbval_and_run_all_stop_there() -> None:
    assert issubclass(WrongAnswer, AssertionError)
