"""The article's game server in miniature, for the storage and usage chapters.

In a notebook, run it in-process: `game_app(connect())` builds the app and
`browser(app)` gives an httpx client on httpx's ASGI transport that keeps cookies like a
browser's cookie jar; each call to `browser(app)` is another person's browser. The transport is
async, so cells use `await` (Jupyter allows it at the top level)::

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

The clients talk to https://testserver so that the `Secure` host cookie travels with their
requests. (Starlette's sync TestClient would also work, but with plain httpx it is deprecated
in favour of httpx2, which the project does not use.) To play it in a real browser, serve it
on loopback, e.g. `uvicorn.run(game_app(), host="127.0.0.1", port=8000)`, and open
http://127.0.0.1:8000/ (Chromium accepts the `Secure` cookie over http on loopback).
"""

from meeting_tokens.game.app import TOKEN_STORAGES, TokenStorage, create_app, host_cookie_name
from meeting_tokens.game.inprocess import browser, game_app

__all__ = ["TOKEN_STORAGES", "TokenStorage", "browser", "create_app", "game_app", "host_cookie_name"]
