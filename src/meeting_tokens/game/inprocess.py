"""The game in-process: ``game_app()`` builds it on a client, ``browser()`` plays one browser."""

from __future__ import annotations

import secrets

import httpx
from starlette.applications import Starlette

from meeting_tokens.api import DailyClient, DailyEmulator
from meeting_tokens.game.app import TokenStorage, create_app


def game_app(
    daily: DailyClient | None = None,
    *,
    token_storage: TokenStorage = "cookie-host",  # noqa: S107 (a mode name, not a secret)
    frame_ancestors: str = "'none'",
) -> Starlette:
    """The game on `daily` (from `connect()`; a fresh emulator's client if None).

    The game keeps the client's clock (``daily.now``: the emulator's, when there is one), so
    moving the emulator's clock moves both. ``frame_ancestors`` names the pages that may show
    the game in a frame (a notebook's origin, say); by default none may.
    """
    daily = daily if daily is not None else DailyEmulator().client()
    return create_app(
        daily,
        cookie_secret=secrets.token_bytes(32),
        token_storage=token_storage,
        clock=daily.now,
        frame_ancestors=frame_ancestors,
    )


def browser(app: Starlette) -> httpx.AsyncClient:
    """A cookie-keeping client for `app`; redirects are not followed, so a 303 stays visible."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://testserver")
