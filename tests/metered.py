"""The built site on a loopback port that counts the bytes it sends, and can act as a reader's network.

`serving_metered(folder)` serves files the way a static host does: HTTP/1.1 with keep-alive,
``Cache-Control: max-age=600`` and ``Last-Modified`` (a repeat visit revalidates with 304, as on
GitHub Pages), and a precompressed ``NAME.gz`` instead of ``NAME`` when the browser accepts gzip
(nginx's ``gzip_static``). Every byte written to a socket is counted, per path: the browser's own
figures count a response that JupyterLite's service worker relays twice, the server counts it once.

With a `Network` the server shapes what it sends like a reader's link: one round trip before each
response (and one more for each new connection), and all responses share one downlink of the
profile's bit rate. Shaping at the server reaches every fetch of the page, of its web workers and
of its service worker alike (Chromium's emulation, set per target, lets workers escape a page's
throttle, and gives each target a link of its own).
"""

from __future__ import annotations

import email.utils
import functools
import http.server
import os
import pathlib
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

CHUNK = 16 * 1024


@dataclass(frozen=True)
class Network:
    """A reader's link: downlink and uplink in bit/s, round trip in seconds, and the screen."""

    name: str
    down_bps: float
    up_bps: float
    rtt: float
    viewport: tuple[int, int]


BROADBAND = Network("broadband", 20e6, 5e6, 0.040, (1280, 800))
PHONE_4G = Network("phone 4G", 9e6, 1.5e6, 0.085, (390, 844))
PROFILES = {"broadband": BROADBAND, "phone": PHONE_4G}


@dataclass
class Meter:
    """What the server sent: bytes per request path, and the paths it was asked for, in order."""

    sent: Counter = field(default_factory=Counter)
    requested: list[str] = field(default_factory=list)
    network: Network | None = None
    compressed: bool = True  # serve NAME.gz where there is one (False: every byte raw)
    # A request whose path this returns True for is cut off halfway (a server killed mid-load).
    cut: Callable[[str], bool] = lambda path: False
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _link_free: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.sent.values())

    def reset(self) -> None:
        with self._lock:
            self.sent.clear()
            self.requested.clear()

    def quiet_since(self) -> float:
        """Seconds since the last byte went out (or since the last reset)."""
        return time.monotonic() - self._last

    def _count(self, path: str, size: int) -> None:
        with self._lock:
            self.sent[path] += size
            self._last = time.monotonic()

    def _occupy_link(self, size: int) -> float:
        """Reserve the shared downlink for ``size`` bytes; returns when they have gone through."""
        with self._lock:
            start = max(time.monotonic(), self._link_free)
            self._link_free = start + size * 8 / self.network.down_bps
            return self._link_free

    _last: float = field(default_factory=time.monotonic)


class _MeteredWriter:
    """The handler's output file: counts bytes and, with a network, paces them."""

    def __init__(self, raw: object, handler: _Handler) -> None:
        self.raw, self.handler = raw, handler

    def write(self, data: bytes) -> int:
        meter = self.handler.meter
        view = memoryview(data)
        for start in range(0, len(view), CHUNK):
            piece = view[start : start + CHUNK]
            if meter.network is not None:
                done = meter._occupy_link(len(piece))
                time.sleep(max(0.0, done - time.monotonic()))
            self.raw.write(piece)
            meter._count(self.handler.metered_path, len(piece))
        return len(data)

    def __getattr__(self, name: str) -> object:  # flush, close, closed: the socket file's own
        return getattr(self.raw, name)


class _Handler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    meter: Meter

    def log_message(self, format: str, *args: object) -> None:
        pass

    def setup(self) -> None:
        super().setup()
        self.metered_path = ""
        self.wfile = _MeteredWriter(self.wfile, self)
        if self.meter.network is not None:
            time.sleep(self.meter.network.rtt)  # the new connection's handshake

    def parse_request(self) -> bool:
        ok = super().parse_request()
        if ok:
            self.metered_path = self.path.split("?", 1)[0]
            with self.meter._lock:
                self.meter.requested.append(self.metered_path)
            if self.meter.network is not None:
                time.sleep(self.meter.network.rtt)  # the request goes up, the answer starts down
        return ok

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()

    def send_head(self) -> object:
        path = pathlib.Path(self.translate_path(self.path))
        compressed = path.with_name(path.name + ".gz")
        if not (
            self.meter.compressed
            and path.is_file()
            and compressed.is_file()
            and "gzip" in self.headers.get("Accept-Encoding", "")
        ):
            return super().send_head()
        stat = compressed.stat()
        since = self.headers.get("If-Modified-Since")
        if since and "If-None-Match" not in self.headers:
            try:
                if int(stat.st_mtime) <= email.utils.parsedate_to_datetime(since).timestamp():
                    self.send_response(304)
                    self.end_headers()
                    return None
            except (TypeError, ValueError, OverflowError):
                pass
        source = compressed.open("rb")
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(stat.st_size))
        self.send_header("Last-Modified", self.date_time_string(stat.st_mtime))
        self.end_headers()
        return source

    def copyfile(self, source: object, outputfile: object) -> None:
        if not self.meter.cut(self.metered_path):
            super().copyfile(source, outputfile)
            return
        size = os.fstat(source.fileno()).st_size
        outputfile.write(source.read(size // 2))
        self.close_connection = True  # the rest never comes: the server died mid-download


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A browser that goes away mid-download (a closed tab) is no error of the server's."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def serving_metered(
    folder: pathlib.Path, network: Network | None = None, compressed: bool = True
) -> Iterator[tuple[str, Meter]]:
    """Serve ``folder`` on a free loopback port; yields its base URL and the `Meter`."""
    meter = Meter(network=network, compressed=compressed)
    handler = type("MeteredHandler", (_Handler,), {"meter": meter})
    server = _Server(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", meter
    finally:
        server.shutdown()
        server.server_close()
