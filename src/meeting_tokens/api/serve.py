"""The emulator on a loopback port: `python -m meeting_tokens.api.serve [--port N] [--host H]`.

uvicorn does the HTTP; a small ASGI function turns each request into an `httpx.Request` and
hands it to `DailyEmulator.handle`, the same handler the in-process transport uses, so there is
one implementation of Daily's behaviour and two ways in. Point any HTTP client (or your own
app's tests, through `serving()`) at the printed base URL with the printed demo key.
`serving_app()` serves any other ASGI app from a thread the same way (the game, for a notebook).

Both answer only requests whose ``Host`` names a loopback address with the server's port
(127.0.0.1, localhost or [::1]); any other gets a 421. So a web page the learner visits cannot
point a name of its own at the port (DNS rebinding) and drive the emulator with the demo key, or
the game. ``allow_hosts`` (``--allow-host``) adds names, for people who serve elsewhere. The
command binds only to loopback unless ``--allow-non-loopback`` says otherwise: the key is public.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import re
import socket
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator, MutableMapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import quote_from_bytes

import httpx

from meeting_tokens.api.emulator import API_PREFIX, MAX_BODY_BYTES, DailyEmulator

if TYPE_CHECKING:
    import uvicorn

DEFAULT_PORT = 8787
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[
    [Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]
]
_PATH_SAFE = "!$&'()*+,;=:@/%-._~"  # RFC 3986 path characters: everything else gets %-escaped
MAX_TARGET_LENGTH = 60 * 1024  # characters of path and query: httpx refuses URLs over 64 KiB
HEAD_TIMEOUT = 10.0  # seconds for a request's head to arrive, on a new or an idle connection
BODY_TIMEOUT = 10.0  # seconds for a request's whole body to arrive
KEEP_ALIVE_TIMEOUT = 5  # seconds an idle keep-alive connection stays open (uvicorn's default)
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")  # the names a Host header may give
# A host name or a bracketed IPv6 address, then perhaps a port: what --allow-host takes.
_HOST_NAME = re.compile(r"(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9.-]*[a-z0-9])?)(:[1-9][0-9]{0,4})?")


class _BodyTooLarge(Exception):
    """The request body is over ``MAX_BODY_BYTES``: it is refused before it is all read."""


def _refusal(status: int, info: str, *, unread_body: bool = False) -> httpx.Response:
    """An answer the server gives before the emulator sees the request, in Daily's error shape.

    With the body left unread, the connection cannot carry another request: it is closed.
    """
    headers = {"Connection": "close"} if unread_body else {}
    return httpx.Response(status, json={"error": "invalid-request-error", "info": info}, headers=headers)


def host_name(text: str) -> str:
    """``text`` as a name to allow in the Host header (lower case), or ``ValueError``.

    A name without a port is allowed with the server's port; one with a port, as it is.
    """
    name = text.strip().lower()
    if not _HOST_NAME.fullmatch(name):
        raise ValueError(f"{text!r} is not a host name, such as example.test or example.test:8080")
    return name


def allowed_hosts(port: int, extra: Iterable[str] = ()) -> frozenset[str]:
    """The Host values a server on ``port`` answers: the loopback names and ``extra``."""
    allowed = set()
    for name in (*LOOPBACK_HOSTS, *map(host_name, extra)):
        has_port = _HOST_NAME.fullmatch(name)[3] is not None  # type: ignore[index]
        allowed.add(name if has_port else f"{name}:{port}")
        if port == 80 and not has_port:  # a client may leave out the default port
            allowed.add(name)
    return frozenset(allowed)


def _plain_refusal() -> httpx.Response:
    return httpx.Response(
        421,
        text="Misdirected request: the Host header names no host this server answers for "
        "(127.0.0.1, localhost and [::1] with its port, and the names it was given).\n",
        headers={"Connection": "close"},
    )


def _emulator_refusal() -> httpx.Response:
    info = "the Host header must name this server: 127.0.0.1, localhost or [::1] with its port"
    return _refusal(421, info, unread_body=True)


def only_hosts(
    app: ASGIApp, allow_hosts: Iterable[str] = (), *, refusal: Callable[[], httpx.Response] = _plain_refusal
) -> ASGIApp:
    """``app``, answering only requests whose one Host header is allowed (``allowed_hosts``);
    any other, or one without a Host (HTTP/1.0), gets ``refusal()`` before ``app`` sees it."""
    extra = tuple(map(host_name, allow_hosts))

    async def guarded(
        scope: Scope,
        receive: Callable[[], Awaitable[Message]],
        send: Callable[[Message], Awaitable[None]],
    ) -> None:
        if scope["type"] in ("http", "websocket"):
            hosts = [value for name, value in scope["headers"] if name == b"host"]
            allowed = allowed_hosts(scope["server"][1], extra)
            if len(hosts) != 1 or hosts[0].decode("latin-1").lower() not in allowed:
                if scope["type"] == "websocket":
                    await send({"type": "websocket.close", "code": 1008})
                else:
                    await _send(send, refusal())
                return
        await app(scope, receive, send)

    return guarded


async def _send(send: Callable[[Message], Awaitable[None]], response: httpx.Response) -> None:
    head = {"type": "http.response.start", "status": response.status_code, "headers": response.headers.raw}
    await send(head)
    await send({"type": "http.response.body", "body": response.content})


async def _body(scope: Scope, receive: Callable[[], Awaitable[Message]]) -> bytes | None:
    """The request body (None if the client went away), never more than ``MAX_BODY_BYTES``."""
    for name, value in scope["headers"]:
        if name == b"content-length" and value.isdigit() and int(value) > MAX_BODY_BYTES:
            raise _BodyTooLarge
    body = bytearray()
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        body += message.get("body", b"")
        if len(body) > MAX_BODY_BYTES:
            raise _BodyTooLarge
        if not message.get("more_body", False):
            return bytes(body)


def _answer(emulator: DailyEmulator, scope: Scope, body: bytes) -> httpx.Response:
    """The emulator's answer to the request, or a 414/400 when no URL can be made of it."""
    target = quote_from_bytes(scope.get("raw_path") or scope["path"].encode(), safe=_PATH_SAFE)
    if scope["query_string"]:
        target += "?" + quote_from_bytes(scope["query_string"], safe=_PATH_SAFE + "?")
    if len(target) > MAX_TARGET_LENGTH:
        return _refusal(414, f"the request path is over {MAX_TARGET_LENGTH} characters")
    try:
        url = "http://emulator" + target
        request = httpx.Request(scope["method"], url, headers=scope["headers"], content=body)
    except httpx.InvalidURL:
        return _refusal(400, "the request path is not a URL path")
    return emulator.handle(request)


def asgi_app(emulator: DailyEmulator) -> ASGIApp:
    """An ASGI application that answers every HTTP request with ``emulator.handle``."""

    async def app(
        scope: Scope,
        receive: Callable[[], Awaitable[Message]],
        send: Callable[[Message], Awaitable[None]],
    ) -> None:
        if scope["type"] != "http":
            return
        try:
            async with asyncio.timeout(BODY_TIMEOUT):
                body = await _body(scope, receive)
        except TimeoutError:
            info = f"the request body did not arrive within {BODY_TIMEOUT:g} s"
            response = _refusal(408, info, unread_body=True)
        except _BodyTooLarge:
            response = _refusal(413, f"the request body is over {MAX_BODY_BYTES} bytes", unread_body=True)
        else:
            if body is None:
                return
            response = _answer(emulator, scope, body)
        await _send(send, response)

    return app


def _with_head_deadline(h11_protocol: type) -> type:
    """uvicorn's h11 protocol class, given here because uvicorn is imported only to serve."""

    class _H11WithHeadDeadline(h11_protocol):  # type: ignore[valid-type,misc]
        """uvicorn's h11 protocol, plus a deadline for each request's head.

        uvicorn's keep-alive timeout starts only after a response, and any byte received cancels it:
        a client that opens a connection and sends nothing, or trickles a request, would hold a
        socket for ever. Here a connection waiting for a request's head is closed after
        ``HEAD_TIMEOUT`` seconds.
        """

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._head_deadline = self.loop.call_later(HEAD_TIMEOUT, self._close_if_still_waiting)

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._head_deadline.cancel()
            self._head_deadline = self.loop.call_later(HEAD_TIMEOUT, self._close_if_still_waiting)

        def connection_lost(self, exc: Exception | None) -> None:
            self._head_deadline.cancel()
            super().connection_lost(exc)

        def _close_if_still_waiting(self) -> None:
            answering = self.cycle is not None and not self.cycle.response_complete
            if not answering and not self.transport.is_closing():
                self.transport.close()

    return _H11WithHeadDeadline


def _uvicorn_server(app: ASGIApp, **options: Any) -> uvicorn.Server:
    """uvicorn for ``app``, quiet (warnings only, no access log); ``options`` go to its Config."""
    # Imported here: uvicorn is the `serve` extra, and the lean install imports this module.
    import uvicorn

    config = uvicorn.Config(app, lifespan="off", log_level="warning", access_log=False, **options)
    return uvicorn.Server(config)


def _server(emulator: DailyEmulator, allow_hosts: Iterable[str] = ()) -> uvicorn.Server:
    from uvicorn.protocols.http.h11_impl import H11Protocol

    # No access log: the path of GET /meeting-tokens/{token} carries a token.
    return _uvicorn_server(
        only_hosts(asgi_app(emulator), allow_hosts, refusal=_emulator_refusal),
        http=_with_head_deadline(H11Protocol),
        timeout_keep_alive=KEEP_ALIVE_TIMEOUT,
        h11_max_incomplete_event_size=MAX_TARGET_LENGTH + 16 * 1024,  # the longest path, and headers
    )


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP: asyncio sets TCP_NODELAY only on such sockets; without it every
    # keep-alive answer stalls about 40 ms (Nagle's algorithm meeting delayed ACKs).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    # Listening already: a client that connects as soon as the URL is printed is queued until
    # uvicorn starts, not refused.
    sock.listen()
    return sock


def origin(sock: socket.socket) -> str:
    """The origin of a server on a bound socket, e.g. http://127.0.0.1:8787."""
    host, port = sock.getsockname()[:2]
    host = f"[{host}]" if ":" in host else host
    return f"http://{host}:{port}"


def base_url(sock: socket.socket) -> str:
    """The emulator's base URL on a bound socket, e.g. http://127.0.0.1:8787/v1."""
    return origin(sock) + API_PREFIX


@contextmanager
def _running(server: uvicorn.Server, host: str, port: int) -> Iterator[socket.socket]:
    """Run ``server`` from a background thread on a socket bound to ``host`` and ``port``."""
    sock = _bind(host, port)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the server did not start")
            time.sleep(0.01)
        yield sock
    finally:
        server.should_exit = True
        thread.join()
        sock.close()


@contextmanager
def serving(
    emulator: DailyEmulator, *, host: str = "127.0.0.1", port: int = 0, allow_hosts: Iterable[str] = ()
) -> Iterator[str]:
    """Serve `emulator` from a background thread (port 0: any free port); yields its base URL.

    Requests must name a loopback host, or one of ``allow_hosts``, in their Host header.
    """
    with _running(_server(emulator, allow_hosts), host, port) as sock:
        yield base_url(sock)


@contextmanager
def serving_app(
    app: ASGIApp, *, host: str = "127.0.0.1", port: int = 0, allow_hosts: Iterable[str] = (), **options: Any
) -> Iterator[str]:
    """Serve any ASGI ``app`` the same way, loopback hosts and ``allow_hosts`` only, with
    uvicorn's ``options`` (the game passes its ``UVICORN_LIMITS``); yields its origin, e.g.
    http://127.0.0.1:8000."""
    with _running(_uvicorn_server(only_hosts(app, allow_hosts), **options), host, port) as sock:
        yield origin(sock)


def _port(text: str) -> int:
    if not re.fullmatch(r"[0-9]{1,5}", text) or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r}: a port is a whole number from 0 to 65535")
    return int(text)


def _allowed_name(text: str) -> str:
    try:
        return host_name(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def is_loopback(host: str) -> bool:
    """Whether binding to ``host`` keeps the server on this machine (``localhost`` or 127.x, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def beyond_loopback_problem(host: str, allowed: bool) -> str | None:
    """Why serving on ``host`` needs ``--allow-non-loopback``, or None when it does not.

    The emulator prints its demo key, which is public (it is in this package's source), so
    binding beyond loopback lets anyone who reaches the port use it: that takes a choice.
    """
    if allowed or is_loopback(host):
        return None
    return (
        f"--host {host} is not a loopback address: anyone who reaches the port could use the public "
        "demo key; add --allow-non-loopback to serve there anyway"
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The serving options, shared by this module's command line and `meeting-tokens serve`."""
    parser.add_argument(
        "--port", type=_port, default=DEFAULT_PORT, help=f"default {DEFAULT_PORT}; 0 picks one"
    )
    parser.add_argument("--host", default="127.0.0.1", help="default 127.0.0.1 (loopback only)")
    parser.add_argument(
        "--allow-host",
        type=_allowed_name,
        action="append",
        default=[],
        metavar="NAME",
        help="answer requests for this host name (or NAME:PORT) too; by default only 127.0.0.1, "
        "localhost and [::1] with the server's port (repeatable)",
    )
    parser.add_argument(
        "--allow-non-loopback",
        action="store_true",
        help="let --host be an address other machines reach (the demo key is public)",
    )
    parser.add_argument("--no-rate-limit", action="store_true", help="switch Daily's rate limits off")


def run(args: argparse.Namespace) -> None:
    """Serve a fresh emulator in the foreground until Ctrl-C, printing its base URL and key.

    ``ValueError`` if ``args.host`` is beyond loopback without ``args.allow_non_loopback``.
    """
    if problem := beyond_loopback_problem(args.host, args.allow_non_loopback):
        raise ValueError(problem)
    if not is_loopback(args.host):
        print(
            f"warning: serving beyond loopback on {args.host!r}: the demo key printed below is public "
            "(it is in this package's source), so anyone who reaches the port can use it; requests "
            "are answered only for loopback names and --allow-host names",
            file=sys.stderr,
            flush=True,
        )
    emulator = DailyEmulator(rate_limit=not args.no_rate_limit)
    server = _server(emulator, args.allow_host)
    sock = _bind(args.host, args.port)
    print(f"Daily emulator: {base_url(sock)}")
    print(f"API key (a fake demo key): {emulator.api_key}")
    print("Ctrl-C stops it.", flush=True)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn shuts down gracefully, then re-raises the signal
        pass
    finally:
        sock.close()
    print("Stopped.")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m meeting_tokens.api.serve", description="Daily's REST API, emulated, over HTTP."
    )
    add_arguments(parser)
    args = parser.parse_args(argv)
    if problem := beyond_loopback_problem(args.host, args.allow_non_loopback):
        parser.error(problem)
    run(args)


if __name__ == "__main__":
    main()
