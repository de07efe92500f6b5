"""A folder served on 127.0.0.1 for the browser tests and benchmarks, quietly, in a thread."""

from __future__ import annotations

import functools
import http.server
import pathlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serving_folder(folder: pathlib.Path) -> Iterator[str]:
    """Serve ``folder`` on a free loopback port; yields its base URL, stops on exit."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
