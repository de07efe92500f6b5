"""The same emulator over real HTTP on a loopback port, called by `DailyClient`."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from constants import EMULATOR_KEY_PREFIX, NOW, OTHER_KEY
from meeting_tokens import AsyncDailyClient, DailyAPIError, DailyClient, DailyEmulator
from meeting_tokens.api import serve
from meeting_tokens.api.serve import serving
from meeting_tokens.core.clock import FrozenClock


@pytest.fixture(scope="module")
def emulator() -> DailyEmulator:
    return DailyEmulator(clock=FrozenClock(NOW), rate_limit=False)


@pytest.fixture(scope="module")
def base_url(emulator: DailyEmulator) -> Iterator[str]:
    with serving(emulator) as url:
        yield url


def test_the_server_listens_on_loopback_under_v1(base_url: str) -> None:
    assert base_url.startswith("http://127.0.0.1:")
    assert base_url.endswith("/v1")


def test_daily_client_mints_and_validates_over_http(base_url: str, emulator: DailyEmulator) -> None:
    with DailyClient(emulator.api_key, base_url=base_url) as client:
        token = client.create_meeting_token({"room_name": "served", "exp": NOW + 60, "is_owner": True})
        assert client.validate_meeting_token(token) == {
            "room_name": "served",
            "exp": NOW + 60,
            "is_owner": True,
        }


def test_daily_client_creates_and_reads_rooms_over_http(base_url: str, emulator: DailyEmulator) -> None:
    with DailyClient(emulator.api_key, base_url=base_url) as client:
        created = client.create_room("over-http")
        assert client.get_room("over-http") == created
        assert created["url"] == "https://hands-on-demo.daily.co/over-http"


def test_ignore_nbf_travels_as_a_query_parameter(base_url: str, emulator: DailyEmulator) -> None:
    with DailyClient(emulator.api_key, base_url=base_url) as client:
        token = client.create_meeting_token({"room_name": "later", "nbf": NOW + 600})
        assert client.validate_meeting_token(token, ignore_nbf=True)["nbf"] == NOW + 600


def test_errors_arrive_with_dailys_body_over_http(base_url: str) -> None:
    with (
        DailyClient(OTHER_KEY, base_url=base_url) as client,
        pytest.raises(DailyAPIError) as caught,
    ):
        client.get_domain()
    assert (caught.value.status_code, caught.value.error) == (401, "authentication-error")


def test_a_wrong_method_gets_405_with_allow_over_http(base_url: str, emulator: DailyEmulator) -> None:
    response = httpx.put(f"{base_url}/rooms/x", headers={"Authorization": f"Bearer {emulator.api_key}"})
    assert (response.status_code, response.headers["allow"]) == (405, "GET, POST, DELETE")
    assert response.json()["error"] == "invalid-request-error"


def test_a_20_kb_path_gets_dailys_404_over_http(base_url: str, emulator: DailyEmulator) -> None:
    response = httpx.get(
        f"{base_url}/{'x' * 20_000}", headers={"Authorization": f"Bearer {emulator.api_key}"}
    )
    assert (response.status_code, response.json()["error"]) == (404, "not-found")


def raw_exchange(base_url: str, request: bytes, *, timeout: float = 10.0) -> bytes:
    """Send these exact bytes on a new connection; everything the server sends until it closes."""
    address = urlsplit(base_url)
    with socket.create_connection((address.hostname, address.port), timeout=timeout) as connection:
        connection.sendall(request)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
        return received


def status_and_body(answer: bytes) -> tuple[int, object]:
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), json.loads(body)


def test_a_path_over_64_kib_gets_dailys_414_not_a_500(base_url: str) -> None:
    request = b"GET /v1/" + b"x" * 70_000 + b" HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
    answer = raw_exchange(base_url, request)
    assert status_and_body(answer) == (
        414,
        {"error": "invalid-request-error", "info": "the request path is over 61440 characters"},
    )


def test_a_body_over_the_limit_gets_dailys_413_unread(base_url: str, emulator: DailyEmulator) -> None:
    response = httpx.post(
        f"{base_url}/rooms",
        headers={"Authorization": f"Bearer {emulator.api_key}"},
        content=b"[" + b"1," * 600_000 + b"1]",
    )
    assert (response.status_code, response.json()) == (
        413,
        {"error": "invalid-request-error", "info": "the request body is over 1048576 bytes"},
    )


def test_a_declared_length_over_the_limit_gets_413_before_any_body(base_url: str) -> None:
    answer = raw_exchange(
        base_url, b"POST /v1/rooms HTTP/1.1\r\nHost: a\r\nContent-Length: 999999999\r\n\r\n", timeout=5
    )
    assert status_and_body(answer)[0] == 413


def test_a_connection_that_never_sends_a_request_is_closed(
    base_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(serve, "HEAD_TIMEOUT", 0.3)
    started = time.monotonic()
    assert raw_exchange(base_url, b"GET /v1/ HTTP/1.1\r\nHo", timeout=5) == b""
    assert time.monotonic() - started < 3


def test_a_body_that_trickles_gets_dailys_408(base_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(serve, "BODY_TIMEOUT", 0.3)
    request = b"POST /v1/rooms HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n{}"
    answer = raw_exchange(base_url, request, timeout=5)
    assert status_and_body(answer) == (
        408,
        {"error": "invalid-request-error", "info": "the request body did not arrive within 0.3 s"},
    )


async def test_async_client_works_over_http(base_url: str, emulator: DailyEmulator) -> None:
    async with AsyncDailyClient(emulator.api_key, base_url=base_url) as client:
        assert (await client.get_domain())["domain_id"] == emulator.domain_id


def test_the_command_prints_url_and_key_then_stops_on_ctrl_c() -> None:
    env = os.environ | {"PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "meeting_tokens.api.serve", "--port", "0"]
    with subprocess.Popen(  # noqa: S603 (our own interpreter, fixed arguments)
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    ) as server:
        url_line, key_line, _ = (server.stdout.readline() for _ in range(3))
        base_url = url_line.split(": ", 1)[1].strip()
        key = key_line.split(": ", 1)[1].strip()
        with DailyClient(key, base_url=base_url) as client:
            assert client.get_domain()["domain_name"] == "hands-on-demo"
        server.send_signal(signal.SIGINT)
        stdout, stderr = server.communicate(timeout=30)
    assert url_line.startswith("Daily emulator: http://127.0.0.1:")
    assert key.startswith(EMULATOR_KEY_PREFIX)
    assert (server.returncode, stdout, stderr) == (0, "Stopped.\n", "")
