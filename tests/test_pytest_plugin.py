"""The pytest plugin: its fixtures, used here directly (examples/testing-offline/ uses them from a
suite outside the package: tests/test_example_readmes.py runs it)."""

from __future__ import annotations

import importlib.metadata

import httpx
import pytest

from meeting_tokens import AsyncDailyClient, DailyAPIError, DailyClient, DailyEmulator
from meeting_tokens.api import DEMO_API_KEY
from meeting_tokens.core.clock import Clock


def test_the_plugin_is_registered_under_pytest11() -> None:
    plugins = {ep.name: ep.value for ep in importlib.metadata.entry_points(group="pytest11")}
    assert plugins["meeting_tokens"] == "meeting_tokens.pytest_plugin"


def test_daily_emulator_is_fresh_and_holds_the_demo_key(daily_emulator: DailyEmulator) -> None:
    assert isinstance(daily_emulator, DailyEmulator)
    assert daily_emulator.api_key == DEMO_API_KEY
    assert daily_emulator.requests == []


def test_daily_client_talks_to_daily_emulator(
    daily_client: DailyClient, daily_emulator: DailyEmulator
) -> None:
    daily_client.get_domain()
    assert [(r.method, r.path) for r in daily_emulator.requests] == [("GET", "/v1/")]


async def test_daily_async_client_talks_to_daily_emulator(
    daily_async_client: AsyncDailyClient, daily_emulator: DailyEmulator
) -> None:
    token = await daily_async_client.create_meeting_token({"room_name": "async", "exp": 2**31 - 1})
    assert daily_emulator.client().validate_meeting_token(token)["room_name"] == "async"


def test_daily_server_serves_daily_emulator_on_loopback(daily_server, daily_emulator: DailyEmulator) -> None:
    assert daily_server.base_url.startswith("http://127.0.0.1:")
    headers = {"Authorization": f"Bearer {daily_server.api_key}"}
    response = httpx.get(daily_server.base_url + "/", headers=headers)
    assert (response.status_code, response.json()["domain_name"]) == (200, daily_emulator.domain_name)


def test_daily_server_refuses_a_host_that_is_not_loopback(daily_server) -> None:
    headers = {"Authorization": f"Bearer {daily_server.api_key}", "Host": "rebound.example"}
    response = httpx.get(daily_server.base_url + "/", headers=headers)
    assert (response.status_code, response.json()["error"]) == (421, "invalid-request-error")


class TestDailyAllowedHostsAddsNames:
    @pytest.fixture
    def daily_allowed_hosts(self) -> list[str]:
        return ["app.test"]

    def test_daily_server_answers_a_name_from_daily_allowed_hosts(self, daily_server) -> None:
        port = daily_server.base_url.split(":")[2].split("/")[0]
        headers = {"Authorization": f"Bearer {daily_server.api_key}", "Host": f"app.test:{port}"}
        assert httpx.get(daily_server.base_url + "/", headers=headers).status_code == 200


def test_daily_server_keeps_its_key_out_of_its_repr(daily_server) -> None:
    assert daily_server.api_key not in repr(daily_server)


def test_daily_clock_moves_the_emulators_time(daily_clock: Clock, daily_client: DailyClient) -> None:
    token = daily_client.create_meeting_token({"room_name": "soon", "exp": int(daily_clock.now()) + 60})
    assert daily_client.validate_meeting_token(token)["room_name"] == "soon"  # accepted until then
    daily_clock.advance(61)
    with pytest.raises(DailyAPIError) as refused:
        daily_client.validate_meeting_token(token)
    assert (refused.value.status_code, refused.value.info) == (400, "meeting token is not valid (expired)")
