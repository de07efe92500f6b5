"""The same emulator over real HTTP on a loopback port, called by `DailyClient`."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from constants import EMULATOR_KEY_PREFIX, NOW, OTHER_KEY
from fuzzing import fuzz
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


def host_header(base_url: str) -> bytes:
    """The Host header an HTTP client writes for ``base_url``, e.g. b"Host: 127.0.0.1:8787"."""
    return b"Host: " + urlsplit(base_url).netloc.encode()


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
    head = b" HTTP/1.1\r\n" + host_header(base_url) + b"\r\nConnection: close\r\n\r\n"
    request = b"GET /v1/" + b"x" * 70_000 + head
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
        base_url,
        b"POST /v1/rooms HTTP/1.1\r\n" + host_header(base_url) + b"\r\nContent-Length: 999999999\r\n\r\n",
        timeout=5,
    )
    assert status_and_body(answer)[0] == 413


def test_a_connection_that_never_sends_a_request_is_closed_at_the_head_deadline(
    base_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(serve, "HEAD_TIMEOUT", 0.3)
    # The client waits 5 s, half the deadline's usual 10 s: only the deadline set here closes
    # the connection in time; otherwise the read times out and the test fails.
    assert raw_exchange(base_url, b"GET /v1/ HTTP/1.1\r\nHo", timeout=5) == b""


def test_a_body_that_trickles_gets_dailys_408(base_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(serve, "BODY_TIMEOUT", 0.3)
    request = b"POST /v1/rooms HTTP/1.1\r\n" + host_header(base_url) + b"\r\nContent-Length: 10\r\n\r\n{}"
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


# Only loopback names are served ------------------------------------------------------------------

REFUSED_HOST = {
    "error": "invalid-request-error",
    "info": "the Host header must name this server: 127.0.0.1, localhost or [::1] with its port",
}


def get_domain_with_host(base_url: str, emulator: DailyEmulator, host: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {emulator.api_key}", "Host": host}
    return httpx.get(base_url + "/", headers=headers)


@pytest.mark.parametrize("name", ["127.0.0.1", "localhost", "[::1]", "LocalHost"])
def test_a_loopback_name_with_the_servers_port_is_answered(
    base_url: str, emulator: DailyEmulator, name: str
) -> None:
    response = get_domain_with_host(base_url, emulator, f"{name}:{urlsplit(base_url).port}")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "host",
    [
        "rebound.example:{port}",  # a page's own name, pointed at 127.0.0.1 (DNS rebinding)
        "localhost.rebound.example:{port}",
        "127.0.0.1.nip.example:{port}",
        "localhost:{other_port}",
        "127.0.0.1",  # no port: port 80, not the server's
        "localhost:{port}:{port}",
        "localhost:{port}@rebound.example",
        "",
    ],
)
def test_any_other_host_gets_dailys_error_shape_with_421(
    base_url: str, emulator: DailyEmulator, host: str
) -> None:
    port = urlsplit(base_url).port
    response = get_domain_with_host(base_url, emulator, host.format(port=port, other_port=port + 1))
    assert (response.status_code, response.json()) == (421, REFUSED_HOST)


def test_a_request_without_a_host_http_1_0_is_refused(base_url: str) -> None:
    answer = raw_exchange(base_url, b"GET /v1/ HTTP/1.0\r\n\r\n")
    assert status_and_body(answer) == (421, REFUSED_HOST)


def test_a_refused_host_closes_the_connection_with_its_body_unread(base_url: str) -> None:
    request = b"POST /v1/rooms HTTP/1.1\r\nHost: rebound.example\r\nContent-Length: 5\r\n\r\nhello"
    head = raw_exchange(base_url, request).partition(b"\r\n\r\n")[0]
    assert head.startswith(b"HTTP/1.1 421 ")
    assert b"\r\nConnection: close" in head


def test_allow_hosts_adds_a_name_with_the_servers_port_or_with_its_own() -> None:
    emulator = DailyEmulator(rate_limit=False)
    with serving(emulator, allow_hosts=["Emulator.Test", "proxy.test:443"]) as url:
        port = urlsplit(url).port
        statuses = {
            host: get_domain_with_host(url, emulator, host).status_code
            for host in (f"emulator.test:{port}", "proxy.test:443", f"proxy.test:{port}", "emulator.test:443")
        }
        assert get_domain_with_host(url, emulator, f"localhost:{port}").status_code == 200
    assert statuses == {
        f"emulator.test:{port}": 200,
        "proxy.test:443": 200,
        f"proxy.test:{port}": 421,
        "emulator.test:443": 421,
    }


@pytest.mark.parametrize("name", ["", "evil.example/path", "a b", "user@host", "[::1", "host:0", "h:9x"])
def test_allow_hosts_takes_host_names_only(name: str) -> None:
    with pytest.raises(ValueError, match="is not a host name"):
        serve.host_name(name)


def test_the_allowed_hosts_are_the_loopback_names_with_the_port() -> None:
    assert serve.allowed_hosts(8787) == {"127.0.0.1:8787", "localhost:8787", "[::1]:8787"}
    assert serve.allowed_hosts(80, ["box.test"]) == {
        "127.0.0.1:80", "localhost:80", "[::1]:80", "box.test:80",
        "127.0.0.1", "localhost", "[::1]", "box.test",
    }  # fmt: skip


def guarded_answer(host_headers: list[bytes], *, kind: str = "http") -> int | None:
    """The status the Host guard answers a request with on port 8787 (a WebSocket's close code),
    or None if it passed the request on."""
    sent: list[dict] = []

    async def inner(scope, receive, send) -> None:
        sent.append({"passed": True})

    async def send(message) -> None:
        sent.append(message)

    async def receive() -> dict:
        return {"type": "http.request", "body": b""}

    scope = {
        "type": kind,
        "method": "GET",
        "path": "/v1/",
        "server": ("127.0.0.1", 8787),
        "headers": [(b"host", value) for value in host_headers],
    }
    asyncio.run(serve.only_hosts(inner)(scope, receive, send))
    if sent == [{"passed": True}]:
        return None
    return sent[0]["code"] if kind == "websocket" else sent[0]["status"]


@fuzz(500)
@given(host=st.binary(max_size=40) | st.text(max_size=40).map(str.encode) | st.sampled_from(
    [b"localhost:8787", b"127.0.0.1:8787", b"[::1]:8787", b"LOCALHOST:8787", b"localhost:8788",
     b"localhost:8787.", b"localhost.:8787", b"localhost:08787", b"[::1]", b"127.0.0.1:8787\x00"]
))  # fmt: skip
def test_fuzzed_host_headers_pass_only_when_they_name_loopback_with_the_port(host: bytes) -> None:
    passes = host.lower() in {b"localhost:8787", b"127.0.0.1:8787", b"[::1]:8787"}
    assert guarded_answer([host]) == (None if passes else 421)


def test_two_host_headers_are_refused_even_when_both_are_loopback() -> None:
    assert guarded_answer([b"localhost:8787", b"localhost:8787"]) == 421
    assert guarded_answer([]) == 421


def test_the_command_answers_an_allowed_name_and_refuses_others() -> None:
    command = [sys.executable, "-m", "meeting_tokens.cli", "serve", "--port=0", "--allow-host=emulator.test"]
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True}
    with subprocess.Popen(  # noqa: S603 (our own interpreter, fixed arguments)
        command, env=os.environ | {"PYTHONUNBUFFERED": "1"}, **pipes
    ) as server:
        base = server.stdout.readline().split(": ", 1)[1].strip()
        key = server.stdout.readline().split(": ", 1)[1].strip()
        port = urlsplit(base).port
        statuses = [
            httpx.get(base + "/", headers={"Authorization": f"Bearer {key}", "Host": host}).status_code
            for host in (f"emulator.test:{port}", f"rebound.example:{port}")
        ]
        server.send_signal(signal.SIGINT)
        _, stderr = server.communicate(timeout=30)
    assert statuses == [200, 421]
    assert stderr == ""  # on loopback: no warning


def test_a_websocket_for_another_host_is_closed_before_the_app_sees_it() -> None:
    assert guarded_answer([b"rebound.example:8787"], kind="websocket") == 1008
    assert guarded_answer([b"localhost:8787"], kind="websocket") is None
