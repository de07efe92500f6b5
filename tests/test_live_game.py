"""Chapter 5's live game: served by `live_game()` and played in a frame, as a notebook shows it.

Without a browser: when nothing is served (no JupyterLab behind the kernel, the browser kernel, a
server off loopback) and why; which pages may frame the game; one game at a time. In Chromium:
a page on another loopback port stands in for the notebook and shows exactly the cell's HTML
output; the reader's steps (create a game, join as host, run the injected script in the frame)
then give a different outcome in each storage variant, as the chapter says. Screenshots land
in artifacts/game/live-*.png.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from loopback import serving_folder
from meeting_tokens import decode_parts
from meeting_tokens.game import INJECTED_SCRIPT, LiveGame, live
from meeting_tokens.game import live_game as start_live_game
from meeting_tokens.runtime import browser_limitation

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "artifacts" / "game"
NOTEBOOK_PAGE = "<!doctype html><title>A notebook</title><h1>A notebook's output</h1>{output}"
JWT = re.compile(r"eyJ[\w-]*\.eyJ[\w-]*\.[\w-]+")


@pytest.fixture
def live_game() -> Iterator[Any]:
    """`live_game`, with whatever a test started stopped at its end."""
    yield start_live_game
    if live._current is not None:
        live._current.stop()


def refused(url: str) -> bool:
    try:
        httpx.get(url, timeout=5)
    except httpx.ConnectError:
        return True
    return False


def page_policy(game: LiveGame) -> str:
    """The game page's Content-Security-Policy, asked over 127.0.0.1 whatever the frame's name."""
    port = urlsplit(game.url).port
    return httpx.get(f"http://127.0.0.1:{port}/", timeout=5).headers["content-security-policy"]


# Without a browser ---------------------------------------------------------------------------


def test_without_jupyterlab_behind_the_kernel_nothing_is_served_and_the_game_says_to_run_make_lab(
    live_game: Any,
) -> None:
    game = live_game("local-storage")

    assert game.url is None
    assert repr(game).startswith("Not started: the live game needs a running kernel in JupyterLab")
    assert "Start JupyterLab with `make lab`" in repr(game)
    html = game._repr_html_()
    assert html.startswith("<p><strong>Not started:</strong> the live game needs a running kernel")
    assert "Start JupyterLab with <code>make lab</code>" in html
    assert "<iframe" not in html


def test_in_the_browser_kernel_nothing_is_served_and_the_game_says_why(
    live_game: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(live, "IN_BROWSER", True)

    game = live_game("cookie-host")

    assert game.url is None
    assert repr(game) == "Not started: " + browser_limitation("serving the game on a loopback port")


def test_jupyterlab_on_loopback_may_frame_the_game_under_both_its_names_and_nothing_else(
    live_game: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(live, "jupyter_server", lambda: {"hostname": "localhost", "port": 8888})

    with live_game("readable-cookie") as game:
        assert game.url.startswith("http://localhost:")
        assert game.frame_ancestors == "http://localhost:8888 http://127.0.0.1:8888"
        assert page_policy(game).endswith("; frame-ancestors http://localhost:8888 http://127.0.0.1:8888")
    assert refused(game.url.replace("localhost", "127.0.0.1"))


def test_a_jupyter_server_that_is_not_on_loopback_gets_no_game(
    live_game: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    every_interface = "0.0.0.0"  # noqa: S104 (what Binder's server listens on; nothing binds here)
    monkeypatch.setattr(live, "jupyter_server", lambda: {"hostname": every_interface, "port": 8888})

    game = live_game("cookie-host")

    assert game.url is None
    assert "listens on 0.0.0.0" in repr(game)


def test_the_jupyter_server_is_the_one_whose_runtime_file_names_the_kernels_parent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path))
    parent = {"hostname": "localhost", "port": 8899, "pid": os.getppid()}
    (tmp_path / f"jpserver-{os.getppid()}.json").write_text(json.dumps(parent))
    (tmp_path / f"jpserver-{os.getpid()}.json").write_text(json.dumps({"hostname": "localhost", "port": 1}))

    assert live.jupyter_server() == parent


def test_a_named_notebook_origin_alone_may_frame_the_game(live_game: Any) -> None:
    with live_game("cookie-host", notebook_origin="http://127.0.0.1:8899") as game:
        assert game.url.startswith("http://127.0.0.1:")
        assert page_policy(game).endswith("; frame-ancestors http://127.0.0.1:8899")


@pytest.mark.parametrize(
    "origin",
    [
        "http://notebooks.example:8888",
        "http://localhost:8888 https://notebooks.example",  # a second origin, into frame-ancestors
        "http://localhost:8888; script-src *",  # another directive
        "http://localhost:8888/lab",
        "http://user@localhost:8888",
        "http://localhost:8888\n",
        "javascript://localhost",
        "HTTP://LOCALHOST:8888",
        "http://[::1]:8888",
        "http://localhost:99999",
        "http://localhost:08888",
        "http://localhost.:8888",
        "*",
        "",
    ],
)
def test_a_notebook_origin_that_is_not_one_exact_loopback_origin_is_refused(
    live_game: Any, origin: str
) -> None:
    with pytest.raises(ValueError, match="notebook_origin must be one origin on loopback"):
        live_game("cookie-host", notebook_origin=origin)


def test_a_refused_notebook_origin_leaves_the_running_game_as_it_was(live_game: Any) -> None:
    game = live_game("cookie-host", notebook_origin="http://localhost:8888")
    with pytest.raises(ValueError, match="notebook_origin"):
        live_game("cookie-host", notebook_origin="http://localhost:8888 *")
    assert not refused(game.url)


@pytest.mark.parametrize("origin", ["http://localhost", "https://127.0.0.1:8443", "http://localhost:65535"])
def test_a_notebook_origin_on_loopback_with_or_without_a_port_is_the_whole_policy(
    live_game: Any, origin: str
) -> None:
    with live_game("cookie-host", notebook_origin=origin) as game:
        assert page_policy(game).endswith(f"; frame-ancestors {origin}")


def test_a_jupyter_server_without_a_port_gets_no_game(
    live_game: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(live, "jupyter_server", lambda: {"hostname": "localhost", "port": "8888 *"})
    game = live_game("cookie-host")
    assert game.url is None
    assert repr(game) == (
        "Not started: the Jupyter server behind this kernel gives no port it listens on ('8888 *')."
    )


@pytest.mark.parametrize("name", ["localhost", "127.0.0.1"])
def test_the_live_game_answers_its_loopback_names(live_game: Any, name: str) -> None:
    with live_game("cookie-host", notebook_origin="http://localhost:8888") as game:
        port = urlsplit(game.url).port
        response = httpx.get(f"http://127.0.0.1:{port}/", headers={"Host": f"{name}:{port}"}, timeout=5)
    assert response.status_code == 200


@pytest.mark.parametrize("host", ["rebound.example:{port}", "localhost:{other}", "localhost"])
def test_the_live_game_refuses_any_other_host_in_plain_text(live_game: Any, host: str) -> None:
    with live_game("cookie-host", notebook_origin="http://localhost:8888") as game:
        port = urlsplit(game.url).port
        forged = host.format(port=port, other=port + 1)
        response = httpx.post(f"http://127.0.0.1:{port}/create", headers={"Host": forged}, timeout=5)
    assert (response.status_code, response.headers["content-type"]) == (421, "text/plain; charset=utf-8")
    assert response.text.startswith("Misdirected request: the Host header names no host this server answers")


def test_an_unknown_token_storage_is_refused_even_where_nothing_would_be_served(live_game: Any) -> None:
    with pytest.raises(ValueError, match="token_storage must be one of"):
        live_game("session-storage")


def test_starting_a_live_game_stops_the_one_before(live_game: Any) -> None:
    first = live_game("cookie-host", notebook_origin="http://localhost:8888")
    second = live_game("local-storage", notebook_origin="http://localhost:8888")

    assert refused(first.url)
    assert not refused(second.url)
    second.stop()
    assert refused(second.url)


# In Chromium, inside a notebook's frame ---------------------------------------------------------


@contextmanager
def notebook_page(
    tmp_path: Path, game_for: Any, page_host: str = "localhost"
) -> Iterator[tuple[LiveGame, str]]:
    """A page on another loopback port showing the cell's output; ``game_for(origin)`` starts
    the game for that page's origin. Yields the game and the page's URL."""
    with serving_folder(tmp_path) as folder:
        origin = f"http://{page_host}:{urlsplit(folder).port}"
        with game_for(origin) as game:
            (tmp_path / "notebook.html").write_text(NOTEBOOK_PAGE.format(output=game._repr_html_()))
            yield game, f"{origin}/notebook.html"


def join_as_host_in_the_frame(page: Any, url: str) -> Any:
    """The reader's steps: open the notebook, create a game in the frame (which joins as host)."""
    page.goto(url)  # the output's script has run by then: the frame's src is final
    # Pointing the frame at the page's host name makes Chromium load the game in a new frame, so
    # the steps go through a locator that finds the frame at each step.
    game = page.frame_locator("iframe")
    game.locator("form#create:not([hidden])").wait_for()
    game.locator("input[name=gameName]").fill("Friday quiz")
    game.locator("form#create input[name=playerName]").fill("Ada")
    game.locator("form#create button").click()
    game.locator("body[data-joined=true]").wait_for()
    return page.locator("iframe").element_handle().content_frame()


@pytest.mark.parametrize(
    ("token_storage", "token_found_in"),
    [("cookie-host", set()), ("local-storage", {"localStorage"}), ("readable-cookie", {"cookie"})],
)
def test_in_the_notebooks_frame_the_injected_script_finds_the_owner_token_only_where_the_variant_keeps_it(
    live_game: Any, chromium: Any, tmp_path: Path, token_storage: str, token_found_in: set[str]
) -> None:
    context = chromium.new_context(viewport={"width": 900, "height": 900})
    page = context.new_page()
    with notebook_page(tmp_path, lambda origin: live_game(token_storage, notebook_origin=origin)) as (_, url):
        frame = join_as_host_in_the_frame(page, url)
        loot = frame.evaluate(INJECTED_SCRIPT)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"live-{token_storage}.png", full_page=True)
        host = frame.inner_text("#host")
        game_id = frame.evaluate("new URLSearchParams(location.search).get('gameID')")
        cookies = {c["name"]: (c["domain"], c["httpOnly"], c["sameSite"]) for c in context.cookies()}
    context.close()

    assert host == "yes: the server minted a fresh owner token"
    assert cookies[f"__Host-gh-{game_id}"] == ("localhost", True, "Strict")
    found = {where: JWT.search(value or "") for where, value in loot.items()}
    assert {where for where, token in found.items() if token} == token_found_in
    assert all(decode_parts(token[0]).payload["o"] is True for token in found.values() if token)


def test_a_notebook_opened_as_127_0_0_1_gets_the_game_under_that_name_and_its_host_cookie(
    live_game: Any, chromium: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def for_jupyterlab(origin: str) -> LiveGame:
        # JupyterLab's runtime file says "localhost"; the reader opened the 127.0.0.1 address.
        lab = {"hostname": "localhost", "port": urlsplit(origin).port}
        monkeypatch.setattr(live, "jupyter_server", lambda: lab)
        return live_game("cookie-host")

    context = chromium.new_context()
    page = context.new_page()
    with notebook_page(tmp_path, for_jupyterlab, page_host="127.0.0.1") as (game, url):
        frame = join_as_host_in_the_frame(page, url)
        host, frame_url = frame.inner_text("#host"), urlsplit(frame.url)
        link = page.get_attribute("a", "href")
    context.close()

    assert game.url.startswith("http://localhost:")
    assert (frame_url.hostname, frame_url.port) == ("127.0.0.1", urlsplit(game.url).port)
    assert link == f"http://127.0.0.1:{frame_url.port}/"
    assert host == "yes: the server minted a fresh owner token"


def test_in_a_frame_of_another_site_the_strict_host_cookie_is_refused_and_nobody_becomes_host(
    live_game: Any, chromium: Any, tmp_path: Path
) -> None:
    """Why the frame follows the page's host name: localhost frames 127.0.0.1, another site."""
    context = chromium.new_context()
    page = context.new_page()
    with serving_folder(tmp_path) as folder:
        origin = f"http://localhost:{urlsplit(folder).port}"
        with live_game("cookie-host", notebook_origin=origin) as game:
            other_site = game.url.replace("localhost", "127.0.0.1")
            frame = f'<iframe src="{other_site}"></iframe>'
            (tmp_path / "notebook.html").write_text(NOTEBOOK_PAGE.format(output=frame))
            frame = join_as_host_in_the_frame(page, f"{origin}/notebook.html")
            host = frame.inner_text("#host")
    cookies = context.cookies()
    context.close()

    assert host == "no"
    assert cookies == []
