"""The article's game server in miniature, for the storage and usage chapters.

In a notebook, run it in-process: ``game_app(connect())`` builds the app and
``browser(app)`` gives an httpx client on httpx's ASGI transport that keeps cookies like a
browser's cookie jar; each call to ``browser(app)`` is another person's browser. The transport is
async, so cells use ``await`` (Jupyter allows it at the top level)::

    from urllib.parse import parse_qs, urlsplit
    from meeting_tokens.api import connect
    from meeting_tokens.game import browser, game_app

    app = game_app(connect())            # or game_app(client, token_storage="local-storage")
    host, guest = browser(app), browser(app)
    created = await host.post("/create", data={"gameName": "Quiz", "playerName": "Ada"})
    created.status_code, created.headers["set-cookie"]   # 303 and the signed HttpOnly cookie
    game_id = parse_qs(urlsplit(created.headers["location"]).query)["gameID"][0]
    (await host.post("/join", json={"gameID": game_id, "playerName": "Ada"})).json()  # token
    (await guest.post("/join", json={"gameID": game_id, "playerName": "Bo"})).json()  # none

The clients talk to https://testserver so that the ``Secure`` host cookie travels with their
requests. (Starlette's sync TestClient would also work, but with plain httpx it is deprecated
in favour of httpx2, which the project does not use.) To play it in a real browser, serve it
on loopback with the limits below, e.g.
``uvicorn.run(game_app(), host="127.0.0.1", port=8000, **UVICORN_LIMITS)``, and open
http://127.0.0.1:8000/ (Chromium accepts the ``Secure`` cookie over http on loopback). In
JupyterLab, ``live_game("local-storage")`` does that for you and shows the game in a frame under
the cell (``meeting_tokens.game.live`` says how the frame and the host cookie get along);
``INJECTED_SCRIPT`` is the script to run in it, the one the storage chapter's screenshots show.

From the article (github.com/daily-demos/modern-wordfare) the miniature keeps the host cookie's
flags (``HttpOnly``, ``Secure``, ``SameSite=Strict``), its signature, and the check that the
cookie was made within 10 s of its game. Where it goes further, and why:

- ``/create`` refuses a request that a browser marks as coming from another origin's page
  (``Sec-Fetch-Site``, or else ``Origin``; clients that send neither are not browsers and
  pass). SameSite keeps the host cookie off cross-site requests, but creating a game needs no
  cookie: without the check any site could make its visitors' browsers create games, and
  Daily rooms, and plant host cookies in them.
- The host cookie lives one day (``Max-Age``, the owner token's lifetime), and the server
  refuses a signed time older than that, because ``Max-Age`` only asks the browser to forget:
  in the article a host cookie copied elsewhere makes its holder host for ever.
- Its name carries the ``__Host-`` prefix when cookies are ``Secure`` (``__Host-gh-<gameID>``,
  ``gh-<gameID>`` otherwise): browsers accept such a cookie only with ``Secure``, ``Path=/``
  and no ``Domain``, so neither a sibling subdomain nor a plain-HTTP page can plant or
  overwrite it.
- Every response carries a Content-Security-Policy (the page's lets only its own inline script
  and style run, by hash, and lets them talk only to the game), ``frame-ancestors``
  (``'none'`` unless ``create_app`` names who may frame the game), ``nosniff``,
  ``Referrer-Policy: same-origin`` (the page's URL holds the game id and the player's name) and
  ``Cache-Control: no-store`` (``/join`` answers carry owner tokens).
- It bounds what clients can make it hold: a body over 4 KiB gets 413, one still arriving
  after 10 s gets 408; a client address may create five games at once and then one a minute;
  the server keeps at most 1000 games and forgets each a day after its creation. Both limits
  answer 429 with ``Retry-After``: a full server waits for its oldest game to expire rather
  than drop a game in progress.
- ``cookie_secret`` may be a list, oldest first: cookies are signed with the last secret and
  verify under any of them, so the secret can be rotated while hosts keep their cookies.
- No input makes it answer 5xx: each refusal is a 4xx with ``{"error": ...}``. A 500 means
  Daily failed, and neither the answer nor the log line quotes the failure's text.
"""

from meeting_tokens.game.app import TOKEN_STORAGES, UVICORN_LIMITS, TokenStorage, create_app, host_cookie_name
from meeting_tokens.game.inprocess import browser, game_app
from meeting_tokens.game.live import INJECTED_SCRIPT, LiveGame, live_game

__all__ = [
    "INJECTED_SCRIPT",
    "TOKEN_STORAGES",
    "UVICORN_LIMITS",
    "LiveGame",
    "TokenStorage",
    "browser",
    "create_app",
    "game_app",
    "host_cookie_name",
    "live_game",
]
