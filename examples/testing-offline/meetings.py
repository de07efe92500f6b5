"""A tiny app of your own that calls Daily's REST API with plain httpx: mint a host's token.

It knows nothing about the emulator; its tests point it elsewhere through `base_url` (a served
emulator) or `transport` (the emulator in-process).
"""

from __future__ import annotations

import time

import httpx

DAILY_API_URL = "https://api.daily.co/v1"


class Meetings:
    """Meeting tokens for the rooms of one Daily domain."""

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str = DAILY_API_URL,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._http = httpx.Client(
            base_url=base_url,
            headers={"Authorization": f"Bearer {api_key}"},
            transport=transport,
        )

    def host_token(self, room_name: str, user_name: str, *, minutes: int = 60) -> str:
        """A token that makes `user_name` the owner of `room_name` for `minutes`."""
        properties = {
            "room_name": room_name,
            "user_name": user_name,
            "is_owner": True,
            "exp": int(time.time()) + minutes * 60,
        }
        response = self._http.post("/meeting-tokens", json={"properties": properties})
        response.raise_for_status()
        return response.json()["token"]

    def close(self) -> None:
        self._http.close()
