"""The game served live for a notebook: on a loopback port, shown in a frame under the cell.

``live_game("local-storage")`` serves a fresh game on 127.0.0.1 from a background thread and
displays as that game in a frame, for the reader to play and attack in their own browser. Two
things make the frame work, and neither loosens the game:

- Only the notebook's page may frame the game: ``frame-ancestors`` names the Jupyter server's
  origin, under both of its loopback names (http://localhost:8888 and http://127.0.0.1:8888
  for ``make lab``), and nothing else. A ``notebook_origin`` given instead is one exact origin
  on loopback (scheme, host, port): nothing else reaches the policy.
- The frame asks for the game under the host name the notebook's page was opened with. The host
  cookie is ``SameSite=Strict``, and a browser refuses such a cookie in a frame of another site:
  ``localhost`` and ``127.0.0.1`` are two sites (ports do not count), so a game at 127.0.0.1 in
  a notebook at localhost:8888 would never make anyone host.

Where no reader's browser shows the kernel (the book's build, nbval and ``make notebooks`` run
kernels of their own, which no Jupyter server started) or no server can start (JupyterLite),
nothing is served and the result displays why. One live game at a time: starting one stops the
one before, so running the cell again does not leave a server behind. The server answers only
requests for its loopback names (``serving_app``): a page elsewhere cannot rebind a name to it.
"""

from __future__ import annotations

import json
import os
import re
from contextlib import ExitStack
from html import escape
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from meeting_tokens.api import DailyClient
from meeting_tokens.game.app import UVICORN_LIMITS, TokenStorage, require_token_storage
from meeting_tokens.game.inprocess import game_app
from meeting_tokens.runtime import IN_BROWSER, browser_limitation

LOOPBACK_NAMES = ("localhost", "127.0.0.1")
# One origin as a browser writes it: scheme, a loopback name, perhaps a port; nothing else.
_LOOPBACK_ORIGIN = re.compile(r"https?://(localhost|127\.0\.0\.1)(:[1-9][0-9]{0,4})?")
FRAME_HEIGHT = 720  # px: the joined game and the injected script's box, with little scrolling

# What a script injected into the game's page (cross-site scripting) could take, drawn on the
# page. The browser tests run it for the chapter's screenshots; the chapter gives it to the reader
# to paste into the browser's console, inside the game's frame.
INJECTED_SCRIPT = """(() => {
  const loot = {
    cookie: document.cookie,
    localStorage: localStorage.getItem("meetingToken"),
  };
  const box = document.createElement("pre");
  box.style = "border: 3px solid #c00; padding: .5rem; " +
    "white-space: pre-wrap; word-break: break-all";
  box.textContent = "An injected script read:\\n" +
    `document.cookie = ${JSON.stringify(loot.cookie)}\\n` +
    `localStorage.meetingToken = ${JSON.stringify(loot.localStorage)}`;
  document.body.append(box);
  return loot;
})()"""

# Run by the notebook's page (JupyterLab runs the scripts of a cell's HTML output): when the page
# was opened under the other loopback name, the frame follows it, so the game is on its site.
# A new frame replaces the old one rather than navigating it: the old one's load under the other
# name has begun, and a frame sent to a second site mid-load can be lost to browser automation
# (Playwright stopped seeing such a frame in about one run in ten).
FOLLOW_PAGE_HOST = """<script>
(() => {
  const here = document.currentScript.parentElement;
  const frame = here.querySelector("iframe"), link = here.querySelector("a");
  const url = new URL(frame.src);
  if (%s.includes(location.hostname) && url.hostname !== location.hostname) {
    url.hostname = location.hostname;
    const fresh = frame.cloneNode(false);
    fresh.src = link.href = url.href;
    frame.replaceWith(fresh);
  }
})();
</script>"""


class LiveGame:
    """One game served for a notebook, or the reason none is; displays as the game in a frame.

    ``url`` is where the frame points (None when nothing is served, and ``reason`` says why),
    ``frame_ancestors`` the pages allowed to frame it. ``stop()``, or leaving a ``with`` block,
    stops the server.
    """

    def __init__(
        self,
        token_storage: str,
        *,
        url: str | None = None,
        frame_ancestors: str = "'none'",
        reason: str | None = None,
        resources: ExitStack | None = None,
    ) -> None:
        self.token_storage, self.url, self.frame_ancestors = token_storage, url, frame_ancestors
        self.reason = reason
        self._resources = resources or ExitStack()

    def stop(self) -> None:
        """Stop serving the game (nothing happens if it was never served or is stopped already)."""
        self._resources.close()

    def __enter__(self) -> LiveGame:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    def _repr_html_(self) -> str:
        if self.url is None:
            reason = re.sub(r"`([^`]+)`", r"<code>\1</code>", escape(self.reason or ""))
            return f"<p><strong>Not started:</strong> {reason}</p>"
        url = escape(self.url)
        return (
            "<div>"
            f'<iframe src="{url}" title="The game, token storage {self.token_storage}" width="100%" '
            f'height="{FRAME_HEIGHT}" style="border: 1px solid #8c959f"></iframe>'
            f"<p>The game with token storage <code>{self.token_storage}</code>, served by this kernel. "
            f'<a href="{url}" target="_blank" rel="noopener">Open it in a tab of its own</a>.</p>'
            + FOLLOW_PAGE_HOST % json.dumps(list(LOOPBACK_NAMES))
            + "</div>"
        )

    def __repr__(self) -> str:
        if self.url is None:
            return f"Not started: {self.reason}"
        return f"LiveGame({self.token_storage!r}, url={self.url!r})"


_current: LiveGame | None = None


def jupyter_server() -> dict[str, Any] | None:
    """What the Jupyter server that started this kernel wrote about itself, or None.

    A Jupyter server writes ``jpserver-<its pid>.json`` in Jupyter's runtime directory, and the
    kernels it starts are its children; the kernels of the book's build, of nbval and of
    nbconvert have some other parent.
    """
    try:
        from jupyter_core.paths import jupyter_runtime_dir
    except ImportError:
        return None
    path = os.path.join(jupyter_runtime_dir(), f"jpserver-{os.getppid()}.json")
    try:
        with open(path, encoding="utf-8") as file:
            info: dict[str, Any] = json.load(file)
    except (OSError, ValueError):
        return None
    return info


def notebook_origins() -> tuple[tuple[str, ...], str | None]:
    """The origins the notebook's page may have (the Jupyter server's, under both loopback
    names), or no origins and the reason there is no page to frame the game in."""
    if IN_BROWSER:
        return (), browser_limitation("serving the game on a loopback port")
    server = jupyter_server()
    if server is None:
        return (), (
            "the live game needs a running kernel in JupyterLab, and no JupyterLab started this "
            "one (the book's build and its tests run the chapter on their own). Start JupyterLab "
            "with `make lab`, open this chapter there and run this cell."
        )
    hostname = server.get("hostname")
    if hostname not in (*LOOPBACK_NAMES, "::1"):
        return (), (
            f"the Jupyter server behind this kernel listens on {hostname}, so the browser "
            "showing this notebook may be on another machine (Binder, say), which cannot reach "
            "this machine's loopback. Run JupyterLab on your own machine with `make lab`."
        )
    port = server.get("port")
    if not isinstance(port, int) or not 0 < port < 65536:
        return (), f"the Jupyter server behind this kernel gives no port it listens on ({port!r})."
    return tuple(f"http://{name}:{port}" for name in LOOPBACK_NAMES), None


def _one_loopback_origin(origin: object) -> str:
    """``origin`` if it is one origin on loopback, such as http://localhost:8888; else ValueError."""
    match = _LOOPBACK_ORIGIN.fullmatch(origin) if isinstance(origin, str) else None
    if match is None or (match[2] is not None and int(match[2][1:]) > 65535):
        raise ValueError(
            "notebook_origin must be one origin on loopback, such as http://localhost:8888 (a scheme, "
            f"localhost or 127.0.0.1, and a port: no path, no second origin), not {origin!r}: the game's "
            "host cookie works in a frame only on the page's own site"
        )
    return origin


def live_game(
    token_storage: TokenStorage = "cookie-host",  # noqa: S107 (a mode name, not a secret)
    *,
    notebook_origin: str | None = None,
    daily: DailyClient | None = None,
) -> LiveGame:
    """Serve the game with ``token_storage`` on 127.0.0.1 for the notebook's page to frame.

    ``notebook_origin`` is the origin of the page that shows the notebook (exactly one, such as
    http://localhost:8888), which alone may frame the game; by default, the origins of the
    Jupyter server that started this kernel, and if none did, nothing is served. ``daily`` is
    the game's client (a fresh emulator's by default). Stops the live game started before.
    """
    global _current
    require_token_storage(token_storage)  # here too: a mistake shows even when nothing is served
    if notebook_origin is not None:
        notebook_origin = _one_loopback_origin(notebook_origin)  # before the game running is stopped
    if _current is not None:
        _current.stop()
        _current = None
    if notebook_origin is None:
        origins, reason = notebook_origins()
        if reason is not None:
            return LiveGame(token_storage, reason=reason)
    else:
        origins = (notebook_origin,)
    page_host = urlsplit(origins[0]).hostname
    from meeting_tokens.api.serve import serving_app

    frame_ancestors = " ".join(origins)
    app = game_app(daily, token_storage=token_storage, frame_ancestors=frame_ancestors)
    resources = ExitStack()
    served = resources.enter_context(serving_app(app, host="127.0.0.1", **UVICORN_LIMITS))
    url = f"http://{page_host}:{urlsplit(served).port}/"
    _current = LiveGame(token_storage, url=url, frame_ancestors=frame_ancestors, resources=resources)
    return _current
