"""The emulator answers as Daily documents: every endpoint, its errors, key rotation, rate limits.

Each endpoint test runs twice, through the sync and the async client (`api` fixture), and each
raw-HTTP test through `httpx.Client` and `httpx.AsyncClient` on the same transport (`http`).
"""

from __future__ import annotations

import asyncio
import inspect
import re
import time
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import jwt
import pytest

from constants import (
    EMULATOR_KEY_PREFIX,
    EVERY_PERMISSION,
    EVERY_PERMISSION_CLAIM,
    NOW,
    OTHER_DOMAIN_ID,
    OTHER_KEY,
)
from meeting_tokens import (
    DailyAPIError,
    DailyEmulator,
    b64url_encode,
    decode_parts,
    self_sign,
    validate_token,
)
from meeting_tokens.api import DEMO_API_KEY, DEMO_DOMAIN_ID, RequestRecord, RetryPolicy
from meeting_tokens.core.clock import FrozenClock

BASE_URL = "https://api.daily.co/v1"


class Awaited:
    """Calls a sync or an async object's methods the same way: `await shim.method(...)`."""

    def __init__(self, target: Any) -> None:
        self._target = target

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._target, name)

        async def call(*args: Any, **kwargs: Any) -> Any:
            result = method(*args, **kwargs)
            return await result if inspect.isawaitable(result) else result

        return call


@pytest.fixture
def emulator() -> DailyEmulator:
    return DailyEmulator(clock=FrozenClock(NOW), rate_limit=False)


@pytest.fixture(params=["sync", "async"])
async def api(request: pytest.FixtureRequest, emulator: DailyEmulator) -> AsyncIterator[Awaited]:
    if request.param == "sync":
        with emulator.client() as client:
            yield Awaited(client)
    else:
        async with emulator.async_client() as client:
            yield Awaited(client)


@pytest.fixture(params=["sync", "async"])
async def http(request: pytest.FixtureRequest, emulator: DailyEmulator) -> AsyncIterator[Awaited]:
    if request.param == "sync":
        with httpx.Client(transport=emulator.transport, base_url=BASE_URL) as client:
            yield Awaited(client)
    else:
        async with httpx.AsyncClient(transport=emulator.transport, base_url=BASE_URL) as client:
            yield Awaited(client)


def auth(key: str = DEMO_API_KEY) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def own_token(emulator: DailyEmulator, **kwargs: Any) -> str:
    """A token self-signed with the emulator's current key, for room `hello`, at NOW."""
    options = {"room_name": "hello", "domain_id": emulator.domain_id, "now": NOW} | kwargs
    return self_sign(emulator.api_key, **options)


async def refusal(call: Any) -> tuple[int, str, str | None]:
    with pytest.raises(DailyAPIError) as caught:
        await call
    return caught.value.status_code, caught.value.error, caught.value.info


# GET /


async def test_get_domain_returns_name_id_and_config(api: Awaited) -> None:
    domain = await api.get_domain()
    assert domain["domain_name"] == "hands-on-demo"
    assert domain["domain_id"] == DEMO_DOMAIN_ID
    assert isinstance(domain["config"], dict)


DEFAULT_PERMISSIONS = {"canSend": True, "canReceive": {"base": True}, "hasPresence": True, "canAdmin": False}


async def test_get_domain_shows_dailys_documented_defaults(api: Awaited) -> None:
    config = (await api.get_domain())["config"]

    assert config["permissions"] == DEFAULT_PERMISSIONS
    assert (config["lang"], config["enable_prejoin_ui"], config["hide_daily_branding"]) == ("en", True, False)


def test_a_new_domain_has_no_properties_set(emulator: DailyEmulator) -> None:
    assert emulator.domain_properties == {}


# POST / (set the domain's configuration)


async def test_update_domain_returns_the_domain_object_with_the_new_config(api: Awaited) -> None:
    domain = await api.update_domain({"lang": "de", "permissions": {"canSend": False}})

    assert (domain["domain_name"], domain["domain_id"]) == ("hands-on-demo", DEMO_DOMAIN_ID)
    assert (domain["config"]["lang"], domain["config"]["permissions"]) == ("de", {"canSend": False})
    assert await api.get_domain() == domain


async def test_update_domain_keeps_what_it_does_not_name_and_null_clears(
    api: Awaited, emulator: DailyEmulator
) -> None:
    await api.update_domain({"lang": "fr"})
    await api.update_domain({"hide_daily_branding": True})
    await api.update_domain({"lang": None})

    assert emulator.domain_properties == {"hide_daily_branding": True}
    assert (await api.get_domain())["config"]["lang"] == "en"


async def test_update_domain_with_an_unknown_property_names_it_and_changes_nothing(
    api: Awaited, emulator: DailyEmulator
) -> None:
    status, error, info = await refusal(api.update_domain({"lang": "de", "max_people": 4}))

    assert (status, error) == (400, "invalid-request-error")
    assert info == "properties.max_people is not a domain property"
    assert emulator.domain_properties == {}


async def test_update_domain_names_every_mistyped_property(api: Awaited) -> None:
    properties = {"lang": "xx", "enable_people_ui": "yes", "permissions": []}

    _, _, info = await refusal(api.update_domain(properties))

    assert info == (
        "properties.lang must be one of da, de, en, es, fi, fr, it, jp, ka, nl, no, pt, pt-BR, pl, ru, sv,"
        " tr, user; properties.enable_people_ui must be true or false;"
        " properties.permissions must be an object"
    )


async def test_update_domain_refuses_the_read_only_intercom_auto_record(api: Awaited) -> None:
    _, _, info = await refusal(api.update_domain({"intercom_auto_record": True}))

    assert info == "properties.intercom_auto_record is read-only: Daily sets it"


async def test_update_domain_refuses_a_body_with_other_fields(http: Awaited) -> None:
    response = await http.post("/", json={"lang": "de"}, headers=auth())

    assert (response.status_code, response.json()["error"]) == (400, "invalid-request-error")
    assert response.json()["info"] == "unknown fields ['lang']; expected properties"


async def test_the_domains_properties_are_bounded_in_bytes(
    api: Awaited, emulator: DailyEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("meeting_tokens.api.emulator.MAX_PROPERTY_BYTES", 100)

    status, _, info = await refusal(api.update_domain({"geo": "x" * 100}))

    assert (status, info) == (400, "the domain's properties would take 110 bytes, over the 100 allowed")
    assert emulator.domain_properties == {}


def test_default_demo_key_says_it_is_fake() -> None:
    assert DailyEmulator().api_key.startswith(EMULATOR_KEY_PREFIX)


def test_default_clock_starts_at_real_time() -> None:
    assert abs(DailyEmulator().clock.now() - time.time()) < 60


# POST /meeting-tokens


async def test_minted_token_carries_short_claims_then_domain_and_iat(api: Awaited) -> None:
    token = await api.create_meeting_token({"room_name": "hello", "exp": NOW + 3600, "is_owner": True})
    assert decode_parts(token).payload == {
        "r": "hello",
        "exp": NOW + 3600,
        "o": True,
        "d": DEMO_DOMAIN_ID,
        "iat": NOW,
    }


async def test_minted_token_is_hs256(api: Awaited) -> None:
    token = await api.create_meeting_token({"room_name": "hello"})
    assert decode_parts(token).header == {"alg": "HS256", "typ": "JWT"}


async def test_minted_token_is_not_signed_with_the_api_key(api: Awaited, emulator: DailyEmulator) -> None:
    token = await api.create_meeting_token({"room_name": "hello", "exp": NOW + 60})
    report = validate_token(token, api_key=emulator.api_key, now=NOW)
    assert report.code == "invalid-signature"


async def test_minting_lists_every_property_problem(api: Awaited) -> None:
    properties = {"room_name": "hello", "is_owner": "yes", "colour": "red"}
    status, error, info = await refusal(api.create_meeting_token(properties))
    assert (status, error) == (400, "invalid-request-error")
    assert info == "is_owner must be true or false; 'colour' is not a meeting-token property"


async def test_minting_with_exp_in_the_past_uses_dailys_wording(api: Awaited) -> None:
    status, error, info = await refusal(api.create_meeting_token({"exp": NOW - 1}))
    assert (status, error) == (400, "invalid-request-error")
    assert info == f"exp was '{NOW - 1}', which is in the past rather than in the future"


async def test_minting_with_exp_equal_to_now_is_in_the_past(api: Awaited) -> None:
    status, _, info = await refusal(api.create_meeting_token({"exp": NOW}))
    assert (status, info) == (400, f"exp was '{NOW}', which is in the past rather than in the future")


async def test_minting_with_unparsable_json_is_a_json_parsing_error(http: Awaited) -> None:
    response = await http.post("/meeting-tokens", content=b'{"properties": ', headers=auth())
    assert response.status_code == 400
    assert response.json()["error"] == "json-parsing-error"


async def test_minting_with_nan_is_a_json_parsing_error(http: Awaited) -> None:
    response = await http.post("/meeting-tokens", content=b'{"properties": {"exp": NaN}}', headers=auth())
    assert (response.status_code, response.json()["error"]) == (400, "json-parsing-error")


async def test_minting_with_a_body_that_is_not_an_object_is_refused(http: Awaited) -> None:
    response = await http.post("/meeting-tokens", json=["room_name", "hello"], headers=auth())
    assert (response.status_code, response.json()["error"]) == (400, "invalid-request-error")


async def test_minting_with_an_unknown_body_field_is_refused(http: Awaited) -> None:
    response = await http.post("/meeting-tokens", json={"propertys": {"room_name": "x"}}, headers=auth())
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid-request-error",
        "info": "unknown fields ['propertys']; expected properties",
    }


async def test_minting_with_an_empty_body_gives_a_token_with_only_domain_and_iat(http: Awaited) -> None:
    response = await http.post("/meeting-tokens", headers=auth())
    assert response.status_code == 200
    assert decode_parts(response.json()["token"]).payload == {"d": DEMO_DOMAIN_ID, "iat": NOW}


# GET /meeting-tokens/{token}


async def test_rest_minted_token_validates_with_long_property_names(api: Awaited) -> None:
    token = await api.create_meeting_token(
        {"room_name": "hello", "exp": NOW + 3600, "is_owner": True, "user_name": "host"}
    )
    assert await api.validate_meeting_token(token) == {
        "room_name": "hello",
        "exp": NOW + 3600,
        "is_owner": True,
        "user_name": "host",
    }


async def test_self_signed_token_of_the_current_key_validates(api: Awaited, emulator: DailyEmulator) -> None:
    token = own_token(emulator, start_video_off=True)
    assert await api.validate_meeting_token(token) == {
        "room_name": "hello",
        "exp": NOW + 3600,
        "start_video_off": True,
    }


async def test_token_without_room_or_expiry_validates(api: Awaited) -> None:
    token = await api.create_meeting_token({})
    assert await api.validate_meeting_token(token) == {}


async def test_expired_token_is_refused(api: Awaited, emulator: DailyEmulator) -> None:
    token = await api.create_meeting_token({"room_name": "hello", "exp": NOW + 60})
    emulator.clock.advance(60)
    status, error, info = await refusal(api.validate_meeting_token(token))
    assert (status, error, info) == (400, "invalid-request-error", "meeting token is not valid (expired)")


async def test_token_of_another_domain_is_refused(api: Awaited, emulator: DailyEmulator) -> None:
    token = own_token(emulator, domain_id=OTHER_DOMAIN_ID)
    status, error, info = await refusal(api.validate_meeting_token(token))
    assert (status, error, info) == (
        400,
        "invalid-request-error",
        "meeting token is not valid (wrong-domain)",
    )


async def test_token_signed_with_another_key_is_refused(api: Awaited, emulator: DailyEmulator) -> None:
    token = self_sign("some-other-key-that-is-long-enough-to-sign", room_name="hello",
                      domain_id=emulator.domain_id, now=NOW)  # fmt: skip
    status, _, info = await refusal(api.validate_meeting_token(token))
    assert (status, info) == (400, "meeting token is not valid (invalid-signature)")


@pytest.mark.parametrize("token", ["not-a-token", "a.b.c", "x" * 9000])
async def test_malformed_token_is_refused(api: Awaited, token: str) -> None:
    status, error, info = await refusal(api.validate_meeting_token(token))
    assert (status, error, info) == (400, "invalid-request-error", "meeting token is not valid (malformed)")


async def test_unsigned_token_is_refused(api: Awaited, emulator: DailyEmulator) -> None:
    payload = own_token(emulator).split(".")[1]
    unsigned = b64url_encode(b'{"alg":"none"}') + f".{payload}."
    status, _, info = await refusal(api.validate_meeting_token(unsigned))
    assert (status, info) == (400, "meeting token is not valid (unsupported-algorithm)")


async def test_token_before_nbf_is_refused(api: Awaited) -> None:
    token = await api.create_meeting_token({"room_name": "hello", "nbf": NOW + 600})
    status, _, info = await refusal(api.validate_meeting_token(token))
    assert (status, info) == (400, "meeting token is not valid (not-yet-valid)")


async def test_token_before_nbf_validates_with_ignore_nbf(api: Awaited) -> None:
    token = await api.create_meeting_token({"room_name": "hello", "nbf": NOW + 600})
    assert await api.validate_meeting_token(token, ignore_nbf=True) == {
        "room_name": "hello",
        "nbf": NOW + 600,
    }


# POST /rooms and GET /rooms/{name}


async def test_create_room_returns_the_room_with_its_domain_url(api: Awaited) -> None:
    room = await api.create_room("hello", privacy="private", properties={"exp": NOW + 3600})
    assert {k: room[k] for k in ("name", "api_created", "privacy", "url", "created_at", "config")} == {
        "name": "hello",
        "api_created": True,
        "privacy": "private",
        "url": "https://hands-on-demo.daily.co/hello",
        "created_at": "2026-01-01T00:00:00.000Z",
        "config": {"exp": NOW + 3600},
    }


async def test_create_room_without_a_name_makes_one_up(api: Awaited) -> None:
    room = await api.create_room()
    assert len(room["name"]) == 20
    assert room["url"] == f"https://hands-on-demo.daily.co/{room['name']}"
    assert room["privacy"] == "public"


async def test_duplicate_room_name_is_refused(api: Awaited) -> None:
    await api.create_room("hello")
    status, error, info = await refusal(api.create_room("hello"))
    assert (status, error, info) == (400, "invalid-request-error", "a room named hello already exists")


@pytest.mark.parametrize("name", ["", "has space", "x" * 129, "ünï"])
async def test_room_with_an_invalid_name_is_refused(api: Awaited, name: str) -> None:
    status, error, _ = await refusal(api.create_room(name))
    assert (status, error) == (400, "invalid-request-error")


async def test_room_with_exp_in_the_past_uses_dailys_wording(api: Awaited) -> None:
    status, _, info = await refusal(api.create_room("hello", properties={"exp": NOW - 5}))
    assert (status, info) == (400, f"exp was '{NOW - 5}', which is in the past rather than in the future")


async def test_room_with_unknown_privacy_is_refused(api: Awaited) -> None:
    status, _, info = await refusal(api.create_room("hello", privacy="secret"))
    assert (status, info) == (400, "privacy must be public or private")


async def test_get_room_returns_the_created_room(api: Awaited) -> None:
    created = await api.create_room("hello")
    assert await api.get_room("hello") == created


async def test_missing_room_is_not_found(api: Awaited) -> None:
    status, error, info = await refusal(api.get_room("nowhere"))
    assert (status, error, info) == (404, "not-found", "room nowhere not found")


# Rooms' lifecycle: expiry, defaults left out, SIP, enums, bounds


async def test_expired_room_is_not_listed_and_is_not_found_on_get_post_and_delete(
    api: Awaited, emulator: DailyEmulator
) -> None:
    await api.create_room("brief", properties={"exp": NOW + 60})
    await api.create_room("lasting")
    emulator.clock.advance(60)

    assert [room["name"] for room in (await api.list_rooms())["data"]] == ["lasting"]
    assert (await api.list_rooms())["total_count"] == 1
    assert (await refusal(api.get_room("brief")))[:2] == (404, "not-found")
    assert (await refusal(api.update_room("brief", privacy="private")))[:2] == (404, "not-found")
    assert (await refusal(api.delete_room("brief")))[:2] == (404, "not-found")


async def test_an_expired_rooms_name_can_be_taken_again(api: Awaited, emulator: DailyEmulator) -> None:
    await api.create_room("again", properties={"exp": NOW + 60})
    emulator.clock.advance(61)

    assert (await api.create_room("again"))["config"] == {}


async def test_a_room_before_its_exp_is_still_there(api: Awaited, emulator: DailyEmulator) -> None:
    await api.create_room("brief", properties={"exp": NOW + 60})
    emulator.clock.advance(59)

    assert (await api.get_room("brief"))["name"] == "brief"


async def test_room_config_lists_only_values_that_differ_from_the_defaults(api: Awaited) -> None:
    defaults = {"enable_chat": False, "max_participants": 200, "lang": "en", "sfu_switchover": 0.5}

    room = await api.create_room("changed", properties=defaults | {"enable_chat": True, "lang": "fr"})

    assert room["config"] == {"enable_chat": True, "lang": "fr"}
    assert (await api.create_room("default", properties=defaults))["config"] == {}


async def test_a_default_value_given_to_a_room_still_counts_for_the_join_model(
    api: Awaited, emulator: DailyEmulator
) -> None:
    await api.create_room("video", properties={"start_video_off": False})

    assert (await api.get_room("video"))["config"] == {}
    assert emulator.join("video").settings == {"start_video_off": False}


async def test_a_room_with_sip_gets_a_read_only_sip_uri_with_an_endpoint(api: Awaited) -> None:
    sip = {"display_name": "SIP Participant", "sip_mode": "dial-in"}

    config = (await api.create_room("phone", properties={"sip": sip}))["config"]

    assert config["sip"] == sip
    assert set(config["sip_uri"]) == {"endpoint"}
    assert re.fullmatch(r"[0-9]{9}@hands-on-demo\.sip\.daily\.co", config["sip_uri"]["endpoint"])


async def test_several_sip_endpoints_add_extra_endpoints(api: Awaited) -> None:
    sip = {"display_name": "SIP Participant", "sip_mode": "dial-in", "num_endpoints": 3}

    sip_uri = (await api.create_room("phones", properties={"sip": sip}))["config"]["sip_uri"]

    assert len(sip_uri["extra_endpoints"]) == 2
    assert len({sip_uri["endpoint"], *sip_uri["extra_endpoints"]}) == 3


async def test_the_sip_uri_stays_while_sip_is_unchanged_and_goes_with_it(api: Awaited) -> None:
    created = await api.create_room("phone", properties={"sip": {"sip_mode": "dial-in"}})

    updated = await api.update_room("phone", properties={"start_audio_off": True})
    cleared = await api.update_room("phone", properties={"sip": None})

    assert updated["config"]["sip_uri"] == created["config"]["sip_uri"]
    assert cleared["config"] == {"start_audio_off": True}


async def test_privacy_inside_properties_is_refused_saying_it_goes_beside_them(api: Awaited) -> None:
    # Daily's waiting-room guide writes {"properties": {"privacy": "private", ...}}; its create-room
    # reference takes privacy beside properties. Refused, so a room is never left public unnoticed.
    created = refusal(api.create_room("lobby", properties={"privacy": "private", "enable_knocking": True}))
    status, error, info = await created

    assert (status, error) == (400, "invalid-request-error")
    assert info == "properties.privacy is not a room property: privacy goes beside properties"


async def test_a_request_cannot_set_the_sip_uri(api: Awaited) -> None:
    _, _, info = await refusal(api.create_room("phone", properties={"sip_uri": {"endpoint": "sip:me@x"}}))

    assert info == "properties.sip_uri is read-only: Daily sets it"


@pytest.mark.parametrize("count", [0, 6, "2", 1.5])
async def test_a_sip_endpoint_count_outside_one_to_five_is_refused(api: Awaited, count: Any) -> None:
    _, _, info = await refusal(api.create_room("phone", properties={"sip": {"num_endpoints": count}}))

    assert info == "properties.sip.num_endpoints must be an integer from 1 to 5"


@pytest.mark.parametrize(
    ("name", "value", "choices"),
    [
        ("lang", "klingon", "da, de, en, es, fi, fr, it, jp, ka, nl, no, pt, pt-BR, pl, ru, sv, tr, user"),
        ("enable_recording", "everything", "cloud, cloud-audio-only, local, raw-tracks"),
        ("enable_recording", True, "cloud, cloud-audio-only, local, raw-tracks"),
    ],
)
async def test_room_lang_and_enable_recording_take_only_their_documented_values(
    api: Awaited, name: str, value: Any, choices: str
) -> None:
    _, _, info = await refusal(api.create_room("odd", properties={name: value}))

    assert info == f"properties.{name} must be one of {choices}"


async def test_room_enums_accept_every_documented_value(api: Awaited) -> None:
    room = await api.create_room("rec", properties={"enable_recording": "cloud-audio-only", "lang": "pt-BR"})

    assert room["config"] == {"enable_recording": "cloud-audio-only", "lang": "pt-BR"}


async def test_todays_documented_room_properties_are_accepted(api: Awaited) -> None:
    properties = {
        "enable_cpu_warning_notifications": False,
        "transcription_template": "{room_name}/{epoch_time}",
    }

    assert (await api.create_room("new", properties=properties))["config"] == properties


@pytest.mark.parametrize("name", ["eject_after_elapsed", "max_participants"])
async def test_a_negative_count_is_refused(api: Awaited, name: str) -> None:
    _, _, info = await refusal(api.create_room("odd", properties={name: -1}))

    assert info == f"properties.{name} must be an integer of at least 0"


async def test_list_rooms_ending_before_oldest_gives_the_oldest_page(api: Awaited) -> None:
    for name in ("a", "b", "c", "d", "e"):
        await api.create_room(name)

    page = await api.list_rooms(limit=2, ending_before="OLDEST")

    assert [room["name"] for room in page["data"]] == ["b", "a"]
    assert page["total_count"] == 5


async def test_list_rooms_shows_configs_without_defaults(api: Awaited) -> None:
    await api.create_room("quiet", properties={"start_audio_off": True, "enable_screenshare": True})

    assert (await api.list_rooms())["data"][0]["config"] == {"start_audio_off": True}


@pytest.mark.parametrize("limit", ["9" * 5000, "1" + "0" * 4400, "0" * 3000 + "5"])
async def test_a_limit_of_thousands_of_digits_is_a_400_not_a_500(http: Awaited, limit: str) -> None:
    response = await http.get("/rooms", params={"limit": limit}, headers=auth())

    assert (response.status_code, response.json()) == (
        400, {"error": "invalid-request-error", "info": "limit must be a whole number from 1 to 100"}
    )  # fmt: skip


async def test_ending_before_must_be_a_room_id_or_oldest(http: Awaited) -> None:
    response = await http.get("/rooms?ending_before=NEWEST", headers=auth())

    assert response.status_code == 400
    assert response.json()["info"] == "ending_before must be a room's id or OLDEST"


async def test_a_rooms_properties_are_bounded_in_bytes(api: Awaited, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("meeting_tokens.api.emulator.MAX_PROPERTY_BYTES", 100)

    status, error, info = await refusal(api.create_room("big", properties={"geo": "x" * 100}))

    assert (status, error) == (400, "invalid-request-error")
    assert info == "the room's properties would take 110 bytes, over the 100 allowed"
    assert (await refusal(api.get_room("big")))[0] == 404


async def test_an_update_over_the_bound_changes_nothing(
    api: Awaited, monkeypatch: pytest.MonkeyPatch
) -> None:
    await api.create_room("grow", properties={"geo": "x" * 50})
    monkeypatch.setattr("meeting_tokens.api.emulator.MAX_PROPERTY_BYTES", 100)

    update = api.update_room("grow", privacy="private", properties={"rtmp_geo": "y" * 50})
    status, _, _ = await refusal(update)

    assert status == 400
    room = await api.get_room("grow")
    assert (room["privacy"], room["config"]) == ("public", {"geo": "x" * 50})


async def test_all_rooms_together_are_bounded_in_bytes(api: Awaited, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("meeting_tokens.api.emulator.MAX_STORED_BYTES", 250)
    await api.create_room("one", properties={"geo": "x" * 100})  # 110 bytes
    await api.create_room("two", properties={"geo": "x" * 100})  # 220 in all

    _, _, info = await refusal(api.create_room("three", properties={"geo": "x" * 100}))

    assert info == "this domain's rooms would hold over 250 bytes of properties"


async def test_a_deleted_or_expired_room_frees_its_bytes(
    api: Awaited, emulator: DailyEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("meeting_tokens.api.emulator.MAX_STORED_BYTES", 250)
    await api.create_room("one", properties={"geo": "x" * 100})
    await api.create_room("two", properties={"geo": "x" * 90, "exp": NOW + 10})
    await api.delete_room("one")
    emulator.clock.advance(10)

    await api.create_room("three", properties={"geo": "x" * 100})
    assert (await api.create_room("four", properties={"geo": "x" * 100}))["name"] == "four"


# Authentication, routing, methods


async def test_missing_authorization_header_is_an_authorization_header_error(http: Awaited) -> None:
    response = await http.get("/")
    assert response.status_code == 400
    assert response.json() == {
        "error": "authorization-header-error",
        "info": "the Authorization header is missing",
    }


@pytest.mark.parametrize(
    "header", ["Basic abc", "Bearer", "Bearer   ", DEMO_API_KEY, "Token " + DEMO_API_KEY]
)
async def test_malformed_authorization_header_is_an_authorization_header_error(
    http: Awaited, header: str
) -> None:
    response = await http.get("/", headers={"Authorization": header})
    assert (response.status_code, response.json()["error"]) == (400, "authorization-header-error")


async def test_bearer_scheme_is_case_insensitive(http: Awaited) -> None:
    response = await http.get("/", headers={"Authorization": f"bearer {DEMO_API_KEY}"})
    assert response.status_code == 200


async def test_unknown_key_is_an_authentication_error(http: Awaited) -> None:
    response = await http.get("/", headers=auth(OTHER_KEY))
    assert response.status_code == 401
    assert response.json() == {"error": "authentication-error", "info": "the API key is not valid"}


@pytest.mark.parametrize("path", ["/recordings", "/rooms/a/b", "/meeting-tokens/a/b"])
async def test_unknown_path_is_not_found(http: Awaited, path: str) -> None:
    response = await http.get(path, headers=auth())
    assert (response.status_code, response.json()["error"]) == (404, "not-found")


async def test_path_outside_v1_is_not_found(emulator: DailyEmulator) -> None:
    with httpx.Client(transport=emulator.transport) as http:
        response = http.get("https://api.daily.co/v2/rooms", headers=auth())
    assert response.json() == {"error": "not-found", "info": "no such path: /v2/rooms"}


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", "/meeting-tokens", "POST"),
        ("DELETE", "/", "GET, POST"),
        ("PUT", "/rooms/hello", "GET, POST, DELETE"),
    ],
)
async def test_wrong_method_is_405_with_an_allow_header(
    http: Awaited, method: str, path: str, allowed: str
) -> None:
    response = await http.request(method, path, headers=auth())
    assert (response.status_code, response.json()["error"]) == (405, "invalid-request-error")
    assert response.headers["Allow"] == allowed


# Key rotation (the article's point about revocation)


def test_rotated_key_is_new_and_says_it_is_fake(emulator: DailyEmulator) -> None:
    new_key = emulator.rotate_api_key()
    assert new_key != DEMO_API_KEY
    assert new_key.startswith(EMULATOR_KEY_PREFIX)
    assert emulator.api_key == new_key


async def test_old_key_gets_401_after_rotation(api: Awaited, emulator: DailyEmulator) -> None:
    emulator.rotate_api_key()
    status, error, _ = await refusal(api.get_domain())
    assert (status, error) == (401, "authentication-error")


def test_self_signed_token_of_the_old_key_is_rejected_after_rotation(emulator: DailyEmulator) -> None:
    token = own_token(emulator)
    emulator.rotate_api_key()
    with emulator.client() as client, pytest.raises(DailyAPIError) as caught:
        client.validate_meeting_token(token)
    assert (caught.value.status_code, caught.value.info) == (
        400,
        "meeting token is not valid (invalid-signature)",
    )


def test_rest_minted_token_stays_valid_after_rotation(emulator: DailyEmulator) -> None:
    with emulator.client() as client:
        token = client.create_meeting_token({"room_name": "hello", "exp": NOW + 60})
    emulator.rotate_api_key()
    with emulator.client() as client:
        assert client.validate_meeting_token(token) == {"room_name": "hello", "exp": NOW + 60}


def test_self_signed_token_of_the_new_key_validates(emulator: DailyEmulator) -> None:
    emulator.rotate_api_key()
    with emulator.client() as client:
        assert client.validate_meeting_token(own_token(emulator))["room_name"] == "hello"


# The request log


def test_request_log_records_method_path_status_and_error(emulator: DailyEmulator) -> None:
    with emulator.client() as client:
        client.get_domain()
        with pytest.raises(DailyAPIError):
            client.get_room("nowhere")
    assert emulator.requests == [
        RequestRecord("GET", "/v1/", 200, None),
        RequestRecord("GET", "/v1/rooms/nowhere", 404, "not-found"),
    ]


def test_request_log_shortens_tokens_and_never_shows_the_key(emulator: DailyEmulator) -> None:
    token = own_token(emulator)
    with emulator.client() as client:
        client.validate_meeting_token(token)
    (record,) = emulator.requests
    assert record.path == "/v1/meeting-tokens/eyJhbGci…(redacted)"
    assert emulator.api_key not in repr(emulator.requests)


# Rate limits: 20 per second, 100 per 5 seconds, counted on a frozen clock


@pytest.fixture
def limited() -> DailyEmulator:
    return DailyEmulator(clock=FrozenClock(NOW))


def statuses(emulator: DailyEmulator, count: int) -> list[int]:
    with httpx.Client(transport=emulator.transport, base_url=BASE_URL) as http:
        return [http.get("/", headers=auth()).status_code for _ in range(count)]


def test_twenty_requests_in_a_second_pass_and_the_next_gets_429(limited: DailyEmulator) -> None:
    assert statuses(limited, 21) == [200] * 20 + [429]


def test_429_is_a_rate_limit_error_with_retry_after(limited: DailyEmulator) -> None:
    statuses(limited, 20)
    with httpx.Client(transport=limited.transport, base_url=BASE_URL) as http:
        response = http.get("/", headers=auth())
    assert response.json()["error"] == "rate-limit-error"
    assert response.headers["Retry-After"] == "1"


def test_a_new_second_admits_twenty_more(limited: DailyEmulator) -> None:
    statuses(limited, 20)
    limited.clock.advance(1)
    assert statuses(limited, 21) == [200] * 20 + [429]


def test_the_hundred_and_first_request_in_five_seconds_gets_429(limited: DailyEmulator) -> None:
    for second in range(5):
        limited.clock.advance(1 if second else 0)
        assert statuses(limited, 20) == [200] * 20
    limited.clock.advance(0.99)
    assert statuses(limited, 1) == [429]


def test_the_five_second_window_slides(limited: DailyEmulator) -> None:
    for second in range(5):
        limited.clock.advance(1 if second else 0)
        statuses(limited, 20)
    limited.clock.advance(1)
    assert statuses(limited, 21) == [200] * 20 + [429]


def test_refused_requests_do_not_count(limited: DailyEmulator) -> None:
    assert statuses(limited, 100).count(429) == 80
    limited.clock.advance(1)
    assert statuses(limited, 21) == [200] * 20 + [429]


def test_unauthenticated_requests_do_not_count(limited: DailyEmulator) -> None:
    with httpx.Client(transport=limited.transport, base_url=BASE_URL) as http:
        for _ in range(30):
            http.get("/")
    assert statuses(limited, 20) == [200] * 20


def test_rate_limit_can_be_switched_off() -> None:
    unlimited = DailyEmulator(clock=FrozenClock(NOW), rate_limit=False)
    assert statuses(unlimited, 150) == [200] * 150


# Concurrency: many tasks and threads, one emulator


async def test_hundreds_of_concurrent_async_calls_keep_every_room(emulator: DailyEmulator) -> None:
    async with emulator.async_client() as client:
        names = [f"room-{i}" for i in range(300)]
        await asyncio.gather(*(client.create_room(name) for name in names))
        rooms = await asyncio.gather(*(client.get_room(name) for name in names))
    assert [room["name"] for room in rooms] == names
    assert len(emulator.requests) == 600


def test_a_thread_pool_keeps_every_token_and_room(emulator: DailyEmulator) -> None:
    def mint_and_check(i: int) -> tuple[str, dict[str, Any]]:
        with emulator.client() as client:
            room = client.create_room(f"room-{i}")["name"]
            token = client.create_meeting_token({"room_name": room, "user_id": str(i)})
            return room, client.validate_meeting_token(token)

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(mint_and_check, range(200)))
    assert results == [(f"room-{i}", {"room_name": f"room-{i}", "user_id": str(i)}) for i in range(200)]


async def test_the_limiter_counts_exactly_under_concurrent_tasks(limited: DailyEmulator) -> None:
    async with limited.async_client(retry=RetryPolicy(max_retries=0)) as client:
        results = await asyncio.gather(*(client.get_domain() for _ in range(300)), return_exceptions=True)
    refused = [r for r in results if isinstance(r, DailyAPIError)]
    assert (len(results) - len(refused), len(refused)) == (20, 280)
    assert {r.error for r in refused} == {"rate-limit-error"}


def test_the_limiter_counts_exactly_under_threads(limited: DailyEmulator) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(lambda _: statuses(limited, 1)[0], range(200)))
    assert (codes.count(200), codes.count(429)) == (20, 180)


# Self-signed tokens as Daily's guide defines them: r, iat and d are required


# Without d the domain check fails first, before the signature tells that the token is self-signed.
@pytest.mark.parametrize(
    ("claim", "reason"),
    [("r", "missing-self-signed-claim"), ("iat", "missing-self-signed-claim"), ("d", "missing-claim")],
)
async def test_self_signed_token_without_a_required_claim_is_refused(
    api: Awaited, emulator: DailyEmulator, claim: str, reason: str
) -> None:
    payload = {"r": "hello", "iat": NOW, "d": emulator.domain_id, "exp": NOW + 60}
    del payload[claim]
    token = jwt.encode(payload, emulator.api_key, algorithm="HS256")

    status, error, info = await refusal(api.validate_meeting_token(token))

    assert (status, error) == (400, "invalid-request-error")
    assert info == f"meeting token is not valid ({reason})"


async def test_self_signed_token_with_an_empty_room_is_refused(api: Awaited, emulator: DailyEmulator) -> None:
    token = jwt.encode({"r": "", "iat": NOW, "d": emulator.domain_id}, emulator.api_key, algorithm="HS256")

    assert (await refusal(api.validate_meeting_token(token)))[2] == (
        "meeting token is not valid (missing-self-signed-claim)"
    )


async def test_a_token_issued_in_the_future_is_refused(api: Awaited, emulator: DailyEmulator) -> None:
    # Assumption iat-ahead: Daily documents iat only as "the current time".
    payload = {"r": "hello", "iat": NOW + 600, "d": emulator.domain_id}
    token = jwt.encode(payload, emulator.api_key, algorithm="HS256")

    status, _, info = await refusal(api.validate_meeting_token(token))

    assert (status, info) == (400, "meeting token is not valid (not-yet-valid)")


async def test_self_signed_token_without_exp_validates(api: Awaited, emulator: DailyEmulator) -> None:
    payload = {"r": "hello", "iat": NOW, "d": emulator.domain_id}
    token = jwt.encode(payload, emulator.api_key, algorithm="HS256")

    assert await api.validate_meeting_token(token) == {"room_name": "hello"}


# Permissions: camelCase lists in the REST body, Daily's abbreviations in the claim


async def test_minted_permissions_are_abbreviated_in_the_claim(api: Awaited) -> None:
    permissions = {"hasPresence": True, "canSend": ["video", "audio"], "canReceive": {"base": False}}
    token = await api.create_meeting_token({"room_name": "hello", "permissions": permissions})

    assert decode_parts(token).payload["p"] == {"hp": True, "cs": "v,a", "cr": {"b": False}}


async def test_minted_permissions_validate_back_under_their_long_names(api: Awaited) -> None:
    permissions = {"canSend": ["screenVideo"], "canAdmin": ["participants"]}
    token = await api.create_meeting_token({"room_name": "hello", "permissions": permissions})

    assert (await api.validate_meeting_token(token))["permissions"] == permissions


async def test_self_signed_permissions_validate_back_under_their_long_names(
    api: Awaited, emulator: DailyEmulator
) -> None:
    permissions = {"hasPresence": False, "canSend": ["audio"]}
    token = own_token(emulator, permissions=permissions)

    assert (await api.validate_meeting_token(token))["permissions"] == permissions


async def test_minting_with_an_unknown_permission_names_it(api: Awaited) -> None:
    status, error, info = await refusal(api.create_meeting_token({"permissions": {"canFly": True}}))

    assert (status, error) == (400, "invalid-request-error")
    assert info == "permissions.canFly is not a known permission"


async def test_minted_can_admin_participants_is_the_claim_ca_p(api: Awaited) -> None:
    body = {"room_name": "hello", "permissions": {"canAdmin": ["participants"]}}
    token = await api.create_meeting_token(body)

    assert decode_parts(token).payload["p"] == {"ca": "p"}


async def test_every_kind_of_permission_is_minted_in_daily_shape(api: Awaited) -> None:
    token = await api.create_meeting_token({"room_name": "hello", "permissions": EVERY_PERMISSION})

    assert decode_parts(token).payload["p"] == EVERY_PERMISSION_CLAIM
    assert (await api.validate_meeting_token(token))["permissions"] == EVERY_PERMISSION


async def test_every_kind_of_permission_self_signed_validates_back_in_long_names(
    api: Awaited, emulator: DailyEmulator
) -> None:
    token = own_token(emulator, permissions=EVERY_PERMISSION)

    assert decode_parts(token).payload["p"] == EVERY_PERMISSION_CLAIM
    assert (await api.validate_meeting_token(token))["permissions"] == EVERY_PERMISSION


async def test_minting_with_a_mistyped_can_receive_names_every_problem(api: Awaited) -> None:
    permissions = {"canReceive": {"base": {"video": "on"}, "byUser": {}}}
    status, error, info = await refusal(api.create_meeting_token({"permissions": permissions}))

    assert (status, error) == (400, "invalid-request-error")
    assert info == (
        "permissions.canReceive.base.video must be true or false; "
        "permissions.canReceive.byUser is not one of base, byUserId, byParticipantId"
    )


async def test_minting_keeps_a_non_ascii_user_name(api: Awaited) -> None:
    token = await api.create_meeting_token({"room_name": "hello", "user_name": "Zoë 東京"})

    assert decode_parts(token).payload["u"] == "Zoë 東京"
    assert (await api.validate_meeting_token(token))["user_name"] == "Zoë 東京"


# Rooms as real clients use them: list, change, delete; float exp and nested properties


async def test_room_exp_may_be_a_float_as_pipecat_sends_it(api: Awaited) -> None:
    room = await api.create_room("bot", properties={"exp": NOW + 7200.5, "eject_at_room_exp": True})

    assert room["config"] == {"exp": NOW + 7200.5, "eject_at_room_exp": True}


async def test_room_float_exp_in_the_past_uses_dailys_wording(api: Awaited) -> None:
    _, _, info = await refusal(api.create_room("late", properties={"exp": NOW - 0.5}))

    assert info == f"exp was '{NOW - 0.5}', which is in the past rather than in the future"


async def test_nested_room_properties_are_kept_as_given(api: Awaited) -> None:
    sip = {"display_name": "Phone", "sip_mode": "dial-in", "num_endpoints": 1}
    room = await api.create_room("phone", properties={"sip": sip, "enable_dialout": True})

    assert {k: v for k, v in room["config"].items() if k != "sip_uri"} == {"sip": sip, "enable_dialout": True}
    assert (await api.get_room("phone"))["config"]["sip"] == sip


async def test_unknown_room_property_is_named_and_nothing_is_created(api: Awaited) -> None:
    status, error, info = await refusal(api.create_room("odd", properties={"max_people": 4}))

    assert (status, error) == (400, "invalid-request-error")
    assert info == "properties.max_people is not a room property"
    assert (await refusal(api.get_room("odd")))[0] == 404


async def test_room_property_of_the_wrong_type_is_named(api: Awaited) -> None:
    _, _, info = await refusal(api.create_room("odd", properties={"max_participants": "4", "exp": True}))

    assert info == (
        "properties.max_participants must be an integer of at least 0;"
        " properties.exp must be a number of seconds"
    )


async def test_list_rooms_is_newest_first_with_the_total_count(api: Awaited, emulator: DailyEmulator) -> None:
    for name in ("a", "b", "c"):
        await api.create_room(name)
        emulator.clock.advance(1)

    listing = await api.list_rooms()

    assert listing["total_count"] == 3
    assert [room["name"] for room in listing["data"]] == ["c", "b", "a"]


async def test_list_rooms_pages_with_limit_and_starting_after(api: Awaited) -> None:
    for name in ("a", "b", "c", "d"):
        await api.create_room(name)

    first = await api.list_rooms(limit=2)
    second = await api.list_rooms(limit=2, starting_after=first["data"][-1]["id"])

    assert [room["name"] for room in first["data"]] == ["d", "c"]
    assert [room["name"] for room in second["data"]] == ["b", "a"]
    assert second["total_count"] == 4


async def test_list_rooms_pages_back_with_ending_before(api: Awaited) -> None:
    rooms = [await api.create_room(name) for name in ("a", "b", "c", "d")]

    page = await api.list_rooms(limit=2, ending_before=rooms[1]["id"])

    assert [room["name"] for room in page["data"]] == ["d", "c"]


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=two", "starting_after=nope"])
async def test_list_rooms_refuses_a_bad_paging_parameter(http: Awaited, query: str) -> None:
    response = await http.get("/rooms?" + query, headers=auth())

    assert (response.status_code, response.json()["error"]) == (400, "invalid-request-error")
    assert query.split("=")[0] in response.json()["info"]


async def test_update_room_changes_privacy_and_merges_properties(api: Awaited) -> None:
    await api.create_room("hello", properties={"start_video_off": True})

    room = await api.update_room("hello", privacy="private", properties={"exp": NOW + 60})

    assert room["privacy"] == "private"
    assert room["config"] == {"start_video_off": True, "exp": NOW + 60}
    assert (await api.get_room("hello")) == room


async def test_update_room_with_null_clears_a_property(api: Awaited) -> None:
    await api.create_room("phone", properties={"sip": {"sip_mode": "dial-in"}})

    assert (await api.update_room("phone", properties={"sip": None}))["config"] == {}


async def test_update_room_with_a_bad_property_changes_nothing(api: Awaited) -> None:
    await api.create_room("hello")

    status, _, info = await refusal(api.update_room("hello", privacy="secret", properties={"nbf": "soon"}))

    assert status == 400
    assert info == "privacy must be public or private; properties.nbf must be a number of seconds"
    assert (await api.get_room("hello"))["privacy"] == "public"


async def test_update_missing_room_is_not_found(api: Awaited) -> None:
    assert (await refusal(api.update_room("ghost", privacy="private")))[:2] == (404, "not-found")


async def test_delete_room_answers_name_and_deleted(api: Awaited) -> None:
    await api.create_room("hello")

    assert await api.delete_room("hello") == {"name": "hello", "deleted": True}
    assert (await refusal(api.get_room("hello")))[0] == 404


async def test_delete_missing_room_is_not_found(api: Awaited) -> None:
    assert (await refusal(api.delete_room("ghost")))[:2] == (404, "not-found")


@pytest.mark.parametrize("path", ["/rooms/", "/rooms/hello/", "/meeting-tokens/"])
async def test_trailing_slashes_reach_the_same_endpoint(http: Awaited, path: str) -> None:
    await http.post("/rooms", json={"name": "hello"}, headers=auth())
    method = "POST" if path == "/meeting-tokens/" else "GET"

    response = await http.request(method, path, headers=auth(), json={} if method == "POST" else None)

    assert response.status_code == 200


def test_the_number_of_rooms_is_bounded(emulator: DailyEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("meeting_tokens.api.emulator.MAX_ROOMS", 2)
    client = emulator.client()
    client.create_room("a")
    client.create_room("b")

    with pytest.raises(DailyAPIError) as caught:
        client.create_room("c")

    assert (caught.value.status_code, caught.value.info) == (400, "this domain already has 2 rooms")


# Conformance: the requests Daily's own Python framework (pipecat's DailyRESTHelper) sends.
# pipecat.runner.daily.configure(sip_caller_phone=...) builds this body (pydantic, exclude_none),
# then reads config.sip_uri.endpoint from the answer.

PIPECAT_SIP_ROOM = {
    "name": "pipecat-sip-1a2b3c4d",
    "privacy": "public",
    "properties": {
        "exp": NOW + 7200.123456,  # pipecat: time.time() + room_exp_duration * 60 * 60, a float
        "enable_chat": False,
        "enable_prejoin_ui": True,
        "enable_emoji_reactions": False,
        "eject_at_room_exp": True,
        "enable_dialout": True,
        "sip": {"display_name": "+15551234567", "video": False, "sip_mode": "dial-in", "num_endpoints": 1},
        "start_video_off": True,
    },
}


async def test_pipecat_creates_a_sip_room_with_a_float_exp(http: Awaited) -> None:
    response = await http.post("/rooms", json=PIPECAT_SIP_ROOM, headers=auth())

    assert response.status_code == 200
    room = response.json()
    assert room["url"] == "https://hands-on-demo.daily.co/pipecat-sip-1a2b3c4d"
    assert {k: v for k, v in room["config"].items() if k != "sip_uri"} == {
        "exp": NOW + 7200.123456,
        "enable_prejoin_ui": True,
        "enable_emoji_reactions": False,
        "eject_at_room_exp": True,
        "enable_dialout": True,
        "sip": PIPECAT_SIP_ROOM["properties"]["sip"],
        "start_video_off": True,
    }  # enable_chat: false is the default, so Daily's answer leaves it out


async def test_pipecat_reads_the_sip_endpoint_from_the_room_it_created(http: Awaited) -> None:
    room = (await http.post("/rooms", json=PIPECAT_SIP_ROOM, headers=auth())).json()

    # pipecat 1.14.0, pipecat/transports/daily/utils.py: DailyRoomProperties.sip_endpoint
    # returns f"sip:{self.sip_uri['endpoint']}", the URI its bot hands to pinlessCallUpdate.
    sip_endpoint = f"sip:{room['config']['sip_uri']['endpoint']}"

    assert re.fullmatch(r"sip:[0-9]{9}@hands-on-demo\.sip\.daily\.co", sip_endpoint)


async def test_pipecat_mints_an_owner_token_and_deletes_the_room(http: Awaited) -> None:
    room = (await http.post("/rooms", json=PIPECAT_SIP_ROOM, headers=auth())).json()
    body = {"properties": {"room_name": room["name"], "is_owner": True, "exp": NOW + 600}}

    token = (await http.post("/meeting-tokens", json=body, headers=auth())).json()["token"]
    deleted = await http.delete(f"/rooms/{room['name']}", headers=auth())

    assert decode_parts(token).payload["o"] is True
    assert (deleted.status_code, deleted.json()) == (200, {"name": room["name"], "deleted": True})


# Conformance: daily-node's updateDomainConfig and daily-ruby's set_domain_config send POST / with
# {"properties": {...}} and read the domain object back.


async def test_a_client_sets_the_domain_config_with_post_slash(http: Awaited) -> None:
    body = {
        "properties": {
            "enable_prejoin_ui": False,
            "lang": "de",
            "redirect_on_meeting_exit": "https://x.test/",
        }
    }

    response = await http.post("/", json=body, headers=auth())

    assert response.status_code == 200
    domain = response.json()
    assert set(domain) == {"domain_name", "domain_id", "config"}
    assert {k: domain["config"][k] for k in body["properties"]} == body["properties"]


# Conformance: paging backwards from the oldest rooms, as Daily's pagination section describes.


async def test_a_client_pages_back_from_the_oldest_rooms_to_the_newest(api: Awaited) -> None:
    for name in ("a", "b", "c", "d", "e"):
        await api.create_room(name)

    pages = [await api.list_rooms(limit=2, ending_before="OLDEST")]
    while len(pages[-1]["data"]) == 2:
        pages.append(await api.list_rooms(limit=2, ending_before=pages[-1]["data"][0]["id"]))

    assert [[room["name"] for room in page["data"]] for page in pages] == [["b", "a"], ["d", "c"], ["e"]]
