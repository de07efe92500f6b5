"""The game in a real browser: Debian's Chromium, driven by Playwright, against uvicorn.

What only a browser can confirm: a script cannot read the HttpOnly host cookie although the
browser sends it; a token kept in a readable cookie or in localStorage is one script away;
SameSite=Strict keeps the host cookie off requests that another site starts; another site can
neither create a game in the visitor's browser nor frame the game; and the page's
Content-Security-Policy stops a script injected into its markup. (The injected-script tests run
their script through Playwright, that is through the DevTools protocol, which no page policy
governs: they show what a script that got in anyway could read.) The screenshots
land in artifacts/game/; with UPDATE_BOOK_IMAGES=1 they replace the storage chapter's pictures in
book/images/game/ (game ids, ports and dates differ on every run, so that is opt-in). Each of the
chapter's figures is the part of a page that carries its lesson, laid out at a phone's width so
its text stays readable there; the whole page is kept beside it, a tap away in the chapter.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from html import escape
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route

from meeting_tokens.api.emulator import DailyEmulator
from meeting_tokens.api.serve import serving_app
from meeting_tokens.game import INJECTED_SCRIPT, UVICORN_LIMITS, create_app

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / ("book/images" if os.environ.get("UPDATE_BOOK_IMAGES") == "1" else "artifacts") / "game"
SCREENSHOTS.mkdir(parents=True, exist_ok=True)
VIEWPORT = {"width": 760, "height": 560}
PHONE = {"width": 390, "height": 844}  # the chapter's figures are cut from pages this wide

# Pages of another site: one makes the visitor's browser post a form to the game's /join, the
# other follows a link to the game's page. Both act as soon as they load.
ATTACKER_PAGE = """<!doctype html>
<title>Another site</title>
<h1>Another site: {origin}</h1>
<form method="post" action="{target}/join">
  <input name="gameID" value="{game_id}"><input name="playerName" value="Eve">
</form>
<a href="{target}/?gameID={game_id}&amp;playerName=Eve">Play with me</a>
<script>
  if (location.pathname === "/post") document.forms[0].submit();
  else document.links[0].click();
</script>
"""
# Two more pages of another site: one posts a form to the game's /create as soon as it loads,
# the other shows the game's page in a frame.
ATTACKER_CREATE_PAGE = """<!doctype html>
<title>Another site</title>
<form method="post" action="{target}/create">
  <input name="gameName" value="Planted"><input name="playerName" value="Eve">
</form>
<script>document.forms[0].submit();</script>
"""
ATTACKER_FRAME_PAGE = """<!doctype html>
<title>Another site</title>
<h1>Another site frames the game</h1>
<iframe src="{target}/" width="600" height="300"></iframe>
"""
CONTROL_COOKIES = {"lax-control": "Lax", "none-control": "None"}


@contextmanager
def serving(app: Callable) -> Iterator[int]:
    """Run `app` with uvicorn (and the game's limits) on a free loopback port in a background
    thread; yield the port."""
    with serving_app(app, **UVICORN_LIMITS) as origin:
        yield urlsplit(origin).port


def recording(app: Callable, log: list[dict[str, str]]) -> Callable:
    """Wrap an ASGI app so that every HTTP request is logged: which, from where, which cookies."""

    async def wrapped(scope, receive, send):
        if scope["type"] == "http":
            headers = {name.decode(): value.decode() for name, value in scope["headers"]}
            log.append(
                {
                    "request": f"{scope['method']} {scope['path']}",
                    "sec-fetch-site": headers.get("sec-fetch-site", ""),
                    "cookies": " ".join(part.split("=")[0] for part in headers.get("cookie", "").split("; ")),
                }
            )
        await app(scope, receive, send)

    return wrapped


def last(log: list[dict[str, str]], request: str) -> dict[str, str]:
    return next(record for record in reversed(log) if record["request"] == request)


def attacker_app(target: str) -> Starlette:
    async def page(request):
        origin = f"{request.url.scheme}://{request.url.netloc}"
        game_id = escape(request.query_params.get("gameID", ""))
        return HTMLResponse(ATTACKER_PAGE.format(origin=escape(origin), target=target, game_id=game_id))

    async def create_page(request):
        return HTMLResponse(ATTACKER_CREATE_PAGE.format(target=target))

    async def frame_page(request):
        return HTMLResponse(ATTACKER_FRAME_PAGE.format(target=target))

    return Starlette(
        routes=[
            Route("/post", page),
            Route("/link", page),
            Route("/create", create_page),
            Route("/frame", frame_page),
        ]
    )


@pytest.fixture
def game(request) -> Iterator[tuple[str, list[dict[str, str]]]]:
    """The game at http://127.0.0.1:<port>; the test's param names the token storage, or gives
    ``create_app``'s options as a dict."""
    param = getattr(request, "param", "cookie-host")
    options = param if isinstance(param, dict) else {"token_storage": param}
    emulator = DailyEmulator()
    app = create_app(
        emulator.client(), cookie_secret="browser-test-secret", clock=emulator.clock.now, **options
    )
    log: list[dict[str, str]] = []
    with serving(recording(app, log)) as port:
        yield f"http://127.0.0.1:{port}", log


@pytest.fixture
def context(chromium):
    context = chromium.new_context(viewport=VIEWPORT)
    yield context
    context.close()


def create_and_join(page, base: str, screenshot: str | None = None) -> str:
    """Create a game as Ada through the form, wait until the page has joined; return its gameID."""
    page.goto(base + "/")
    page.fill("input[name=gameName]", "Friday quiz")
    page.fill("form#create input[name=playerName]", "Ada")
    if screenshot:
        page.screenshot(path=SCREENSHOTS / screenshot)
    page.click("form#create button")
    page.wait_for_selector("body[data-joined=true]")
    return page.evaluate("new URLSearchParams(location.search).get('gameID')")


def test_host_cookie_is_hidden_from_scripts_yet_sent_on_join(game, context):
    base, log = game
    page = context.new_page()
    game_id = create_and_join(page, base, screenshot="01-create.png")
    page.screenshot(path=SCREENSHOTS / "02-host-joined.png")
    [cookie] = context.cookies()
    assert "gh-" not in page.evaluate("document.cookie")
    assert f"__Host-gh-{game_id}" in last(log, "POST /join")["cookies"].split()
    assert page.evaluate("callFrame.joined.claims.o") is True
    assert page.evaluate("meetingToken") is None
    assert (cookie["name"], cookie["httpOnly"], cookie["secure"], cookie["sameSite"]) == (
        f"__Host-gh-{game_id}",
        True,
        True,
        "Strict",
    )


def test_guest_joins_without_a_token(game, context, chromium):
    base, _ = game
    game_id = create_and_join(context.new_page(), base)
    guest_context = chromium.new_context(viewport=VIEWPORT)
    guest = guest_context.new_page()
    guest.goto(f"{base}/?gameID={game_id}")
    guest.fill("form#ask-name input[name=playerName]", "Bo")
    guest.click("form#ask-name button")
    guest.wait_for_selector("body[data-joined=true]")
    guest.screenshot(path=SCREENSHOTS / "03-guest-joined.png")
    host_text, joined = guest.inner_text("#host"), guest.evaluate("callFrame.joined")
    guest_context.close()
    assert host_text == "no"
    assert joined["claims"] is None


def lesson_shot(page, lesson: str, screenshot: str) -> None:
    """Screenshot the element `lesson` (a selector) laid out at a phone's width, as `screenshot`.

    Its smallest text is at least 13 px at device scale 1, which tests/test_figures.py counts on."""
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    element = page.locator(lesson).last
    smallest = element.evaluate(
        """(root) => Math.min(...[root, ...root.querySelectorAll("*")]
          .filter((node) => [...node.childNodes].some((child) => child.nodeType === 3 && child.data.trim()))
          .map((node) => parseFloat(getComputedStyle(node).fontSize)))"""
    )
    assert smallest >= 13
    assert page.evaluate("devicePixelRatio") == 1
    element.screenshot(path=SCREENSHOTS / screenshot)
    page.set_viewport_size(size)


def injected_script_loot(context, base: str, screenshot: str) -> tuple[object, dict]:
    """Create a game and join it as host, then run the injected script; keep a screenshot of the
    page and one of what the script found (its box, ``-box.png``)."""
    page = context.new_page()
    create_and_join(page, base)
    loot = page.evaluate(INJECTED_SCRIPT)
    page.screenshot(path=SCREENSHOTS / screenshot, full_page=True)
    lesson_shot(page, "body > pre", screenshot.replace(".png", "-box.png"))
    return page, loot


def test_injected_script_finds_no_token_when_the_host_cookie_holds_the_privilege(game, context):
    base, _ = game
    _, loot = injected_script_loot(context, base, "04-xss-cookie-host.png")
    assert loot == {"cookie": "", "localStorage": None}


@pytest.mark.parametrize("game", ["readable-cookie"], indirect=True)
def test_injected_script_reads_the_token_from_a_readable_cookie_but_not_the_host_cookie(game, context):
    base, _ = game
    page, loot = injected_script_loot(context, base, "05-xss-readable-cookie.png")
    [token] = [c["value"] for c in context.cookies() if c["name"] == "meetingToken"]
    assert loot["cookie"] == f"meetingToken={token}"
    assert page.evaluate("(token) => claimsOf(token).o", token) is True


@pytest.mark.parametrize("game", ["local-storage"], indirect=True)
def test_injected_script_reads_the_token_from_local_storage_but_not_the_host_cookie(game, context):
    base, _ = game
    page, loot = injected_script_loot(context, base, "06-xss-local-storage.png")
    assert loot["cookie"] == ""
    assert page.evaluate("(token) => claimsOf(token).o", loot["localStorage"]) is True


def test_host_cookie_stays_home_when_another_site_starts_the_request(game, context):
    base, log = game
    page = context.new_page()
    game_id = create_and_join(page, base)
    context.add_cookies(  # by domain and path: given a url, Playwright drops Secure on http
        [
            {
                "name": name,
                "value": "1",
                "domain": "127.0.0.1",
                "path": "/",
                "secure": True,
                "sameSite": same_site,
            }
            for name, same_site in CONTROL_COOKIES.items()
        ]
    )
    seen = {}
    with serving(attacker_app(base)) as port:
        cases = {
            "another site posts a form to /join": (f"http://localhost:{port}/post", "POST /join"),
            "another site links to the game page": (f"http://localhost:{port}/link", "GET /"),
            "the same site (another port) posts a form": (f"http://127.0.0.1:{port}/post", "POST /join"),
        }
        for case, (url, request) in cases.items():
            page.goto(f"{url}?gameID={game_id}")
            page.wait_for_url(f"{base}/**")
            seen[case] = last(log, request)
    render_evidence(page, base, game_id, seen)
    page.screenshot(path=SCREENSHOTS / "07-cross-site-blocked.png", full_page=True)
    lesson_shot(page, "table", "07-cross-site-blocked-table.png")
    host_cookie = f"__Host-gh-{game_id}"
    assert {case: (r["sec-fetch-site"], r["cookies"]) for case, r in seen.items()} == {
        "another site posts a form to /join": ("cross-site", "none-control"),
        "another site links to the game page": ("cross-site", "lax-control none-control"),
        "the same site (another port) posts a form": (
            "same-site",
            f"{host_cookie} lax-control none-control",
        ),
    }


def test_another_site_cannot_create_a_game_in_the_visitors_browser(game, context):
    base, log = game
    page = context.new_page()
    with serving(attacker_app(base)) as port:
        page.goto(f"http://localhost:{port}/create")
        page.wait_for_url(f"{base}/create")
    assert last(log, "POST /create")["sec-fetch-site"] == "cross-site"
    assert "only the game's own pages may create games" in page.inner_text("body")
    assert context.cookies() == []


def test_the_game_page_refuses_to_be_framed_by_another_site(game, context):
    base, log = game
    page = context.new_page()
    with serving(attacker_app(base)) as port:
        page.goto(f"http://localhost:{port}/frame")
        page.wait_for_load_state("load")
        page.screenshot(path=SCREENSHOTS / "08-framing-refused.png")
        [frame] = page.main_frame.child_frames
    assert last(log, "GET /")["sec-fetch-site"] == "cross-site"
    assert frame.url != f"{base}/"


@pytest.mark.parametrize("game", [{"frame_ancestors": "http://localhost:*"}], indirect=True)
def test_the_game_page_can_be_framed_by_the_origins_frame_ancestors_names(game, context):
    base, _ = game
    page = context.new_page()
    with serving(attacker_app(base)) as port:
        page.goto(f"http://localhost:{port}/frame")
        [frame] = page.main_frame.child_frames
        frame.wait_for_selector("form#create:not([hidden])")
    assert frame.url == f"{base}/"


def test_the_page_policy_stops_a_script_injected_into_its_markup(game, context):
    base, _ = game
    page = context.new_page()
    create_and_join(page, base)
    # Wait for the image's error event and the policy's refusal of both scripts, so that the
    # silence below means they were refused, not that they had not run yet.
    refused = page.evaluate(
        """() => new Promise((resolve) => {
          const refused = new Set();
          let imageFailed = false;
          const both = () => refused.has("script-src-elem inline") && refused.has("script-src-attr inline");
          const settle = () => imageFailed && both() && resolve([...refused].sort());
          const missed = () => (imageFailed ? [] : ["(no error event)"]);
          setTimeout(() => resolve([...refused, ...missed()].sort()), 10_000);  // fails below
          document.addEventListener("securitypolicyviolation", (e) => {
            refused.add(`${e.effectiveDirective} ${e.blockedURI}`);
            settle();
          });
          const script = document.createElement("script");
          script.textContent = "window.injectedScriptRan = true";
          document.body.append(script);
          const img = document.createElement("img");
          img.setAttribute("onerror", "window.injectedHandlerRan = true");
          img.addEventListener("error", () => { imageFailed = true; settle(); });
          img.src = "/no-such-image";
          document.body.append(img);
        })"""
    )
    assert refused == [f"img-src {base}/no-such-image", "script-src-attr inline", "script-src-elem inline"]
    assert page.evaluate("window.injectedScriptRan === undefined && window.injectedHandlerRan === undefined")
    assert page.evaluate("callFrame.joined.claims.o") is True


def render_evidence(page, base: str, game_id: str, seen: dict[str, dict[str, str]]) -> None:
    """Draw which cookies the game server received in each case, for the chapter's figure."""
    names = {f"__Host-gh-{game_id}": "Strict", **CONTROL_COOKIES}
    head = "".join(f"<th><code>{escape(n)}</code><br>Same<wbr>Site=<wbr>{s}</th>" for n, s in names.items())
    rows = "".join(
        f"<tr><td>{escape(case)}<br><small>{escape(record['request'])}, Sec-Fetch-Site: "
        f"{escape(record['sec-fetch-site'])}</small></td>"
        + "".join(
            "<td>sent</td>" if name in record["cookies"].split() else "<td><b>not sent</b></td>"
            for name in names
        )
        + "</tr>"
        for case, record in seen.items()
    )
    page.goto("about:blank")  # leave the game's page: its policy would refuse this inline style
    page.set_content(
        "<style>body{font:16px system-ui,sans-serif;margin:2rem 1rem}td,th{border:1px solid #999;"
        "padding:.4rem .5rem;text-align:left}table{border-collapse:collapse}b{color:#c00}"
        "code{overflow-wrap:anywhere}small{font-size:14px}</style>"
        f"<h1>Which cookies reached the game</h1><p>The game runs at <code>{escape(base)}</code>; "
        "the other site's pages are served from <code>localhost</code>, another site for the "
        "browser, and from another port of <code>127.0.0.1</code>, the same site.</p>"
        f"<table><tr><th>Request</th>{head}</tr>{rows}</table>"
    )
