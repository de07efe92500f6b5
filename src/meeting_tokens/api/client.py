"""Daily's REST API over httpx: `DailyClient` and `AsyncDailyClient`.

Both shells share one core: the same requests (`_Call`), the same reading of answers (a dict, or
`DailyAPIError` carrying Daily's `{"error", "info"}` body) and the same retry policy (429 and 5xx
only, exponential backoff that honours `Retry-After`, bounded). The shells only differ in how
they wait and send. Network failures (`httpx.TransportError`, timeouts included) are not
Daily's answers: they propagate unchanged and are not retried. The API key lives in the
Authorization header and nowhere else: no `repr`, `str` or exception shows it.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import httpx

from meeting_tokens.core.errors import DailyAPIError

if TYPE_CHECKING:
    from meeting_tokens.api.emulator import DailyEmulator

DAILY_API_URL = "https://api.daily.co/v1"
DEFAULT_TIMEOUT = 10.0  # seconds, for connecting, reading and writing alike
_PRINTABLE_ASCII = re.compile(r"[!-~]+")  # what a key in an Authorization header may hold


def api_key_problem(api_key: str) -> str | None:
    """What is wrong with ``api_key`` as a Daily API key, in words that never quote it; None if fine.

    A key travels in an HTTP header, so only printable ASCII without spaces will do. A pasted
    key's trailing newline is the usual culprit: refused here, it would otherwise fail the
    first request with an error message that contains the whole key.
    """
    if _PRINTABLE_ASCII.fullmatch(api_key):
        return None
    if not api_key:
        return "is empty"
    if any(character.isspace() for character in api_key):
        return "contains whitespace (a space or a line break, perhaps pasted with it)"
    if not api_key.isascii():
        return "contains characters outside ASCII"
    return "contains a control character"


@dataclass(frozen=True)
class RetryPolicy:
    """When to try again: only after 429 or 5xx, at most `max_retries` times.

    The wait is `Retry-After` when the answer carries one, else `backoff * 2**attempt`
    (Daily asks for exponential backoff), never more than `max_wait` seconds.
    """

    max_retries: int = 3
    backoff: float = 0.5
    max_wait: float = 30.0

    def wait_before_retry(self, response: httpx.Response, attempt: int) -> float | None:
        """Seconds to wait before retry number `attempt + 1`, or None if this answer is final."""
        status = response.status_code
        if attempt >= self.max_retries or not (status == 429 or status >= 500):
            return None
        wait = retry_after_seconds(response.headers.get("Retry-After"))
        if wait is None:
            wait = self.backoff * 2**attempt
        return min(wait, self.max_wait)


def retry_after_seconds(value: str | None) -> float | None:
    """A `Retry-After` header as seconds from now: delta-seconds or an HTTP date (RFC 9110)."""
    if value is None:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():  # "²".isdigit() is True, and float("²") fails
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        return None
    return max(0.0, moment.timestamp() - time.time())


@dataclass(frozen=True)
class _Call:
    """One REST call: what to send, and which field of the answer the caller wants."""

    method: str
    path: str
    body: dict[str, Any] | None = None
    params: dict[str, str] | None = None
    field: str | None = None


def _mint(properties: dict[str, Any]) -> _Call:
    return _Call("POST", "/meeting-tokens", body={"properties": properties}, field="token")


def _validate(token: str, ignore_nbf: bool) -> _Call:
    params = {"ignoreNbf": "true"} if ignore_nbf else None
    return _Call("GET", "/meeting-tokens/" + quote(token, safe=""), params=params)


def _update_domain(properties: dict[str, Any]) -> _Call:
    return _Call("POST", "/", body={"properties": properties})


def _create_room(name: str | None, privacy: str | None, properties: dict[str, Any] | None) -> _Call:
    fields = {"name": name, "privacy": privacy, "properties": properties}
    return _Call("POST", "/rooms", body={k: v for k, v in fields.items() if v is not None})


def _room(method: str, name: str, body: dict[str, Any] | None = None) -> _Call:
    return _Call(method, "/rooms/" + quote(name, safe=""), body=body)


def _update_room(name: str, privacy: str | None, properties: dict[str, Any] | None) -> _Call:
    fields = {"privacy": privacy, "properties": properties}
    return _room("POST", name, {k: v for k, v in fields.items() if v is not None})


def _list_rooms(limit: int | None, ending_before: str | None, starting_after: str | None) -> _Call:
    fields = {"limit": limit, "ending_before": ending_before, "starting_after": starting_after}
    return _Call("GET", "/rooms", params={k: str(v) for k, v in fields.items() if v is not None})


def _answer(response: httpx.Response, call: _Call) -> Any:
    """The JSON answer (or its `call.field`), or `DailyAPIError` for anything else."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.is_success and isinstance(body, dict) and (call.field is None or call.field in body):
        return body if call.field is None else body[call.field]
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        info = body.get("info")
        raise DailyAPIError(response.status_code, body["error"], info if isinstance(info, str) else None)
    error = "server-error" if response.status_code >= 500 else "unexpected-response"
    raise DailyAPIError(response.status_code, error, response.text[:200] or None)


class _ClientCore:
    """What both shells share: settings, the Authorization header, the calls, repr."""

    def __init__(
        self,
        api_key: str,
        base_url: str,
        timeout: float | httpx.Timeout,
        retry: RetryPolicy,
        emulator: DailyEmulator | None,
    ) -> None:
        if not isinstance(api_key, str):
            raise TypeError(f"api_key must be a string, not {type(api_key).__name__}")
        if (problem := api_key_problem(api_key)) is not None:
            raise ValueError(f"api_key {problem}; the key is not shown here")
        self.base_url = base_url.rstrip("/")
        self.retry = retry
        self.emulator = emulator
        """The emulator behind this client (``DailyEmulator.client()`` passes it); None for Daily."""
        self._http_options: dict[str, Any] = {
            "base_url": self.base_url,
            "headers": {"Authorization": f"Bearer {api_key}"},
            "timeout": timeout,
        }

    def now(self) -> float:
        """Unix seconds on Daily's side: the emulator's clock, or this machine's for real Daily."""
        return self.emulator.clock.now() if self.emulator is not None else time.time()

    def __repr__(self) -> str:
        via = f", emulator={self.emulator!r}" if self.emulator is not None else ""
        return f"{type(self).__name__}(base_url={self.base_url!r}, api_key='***'{via})"


class DailyClient(_ClientCore):
    """Daily's REST API, blocking. Use as a context manager, or call `close()`."""

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str = DAILY_API_URL,
        transport: httpx.BaseTransport | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        retry: RetryPolicy = RetryPolicy(),  # noqa: B008 (frozen, so sharing it is safe)
        sleep: Callable[[float], None] = time.sleep,
        emulator: DailyEmulator | None = None,
    ) -> None:
        super().__init__(api_key, base_url, timeout, retry, emulator)
        self._http = httpx.Client(transport=transport, **self._http_options)
        self._sleep = sleep

    def _send(self, call: _Call) -> Any:
        for attempt in itertools.count():
            response = self._http.request(call.method, call.path, json=call.body, params=call.params)
            wait = self.retry.wait_before_retry(response, attempt)
            if wait is None:
                return _answer(response, call)
            self._sleep(wait)

    def create_meeting_token(self, properties: dict[str, Any]) -> str:
        """`POST /meeting-tokens`: a token signed by Daily with a key it does not name.

        So, we infer, only Daily can check it (``validate_meeting_token``).
        """
        return self._send(_mint(properties))

    def validate_meeting_token(self, token: str, *, ignore_nbf: bool = False) -> dict[str, Any]:
        """`GET /meeting-tokens/:token`: the token's properties, or `DailyAPIError` (400)."""
        return self._send(_validate(token, ignore_nbf))

    def get_domain(self) -> dict[str, Any]:
        """`GET /`: the domain's `domain_name`, `domain_id` and `config`."""
        return self._send(_Call("GET", "/"))

    def update_domain(self, properties: dict[str, Any]) -> dict[str, Any]:
        """``POST /``: set domain properties (``null`` clears one); the domain comes back."""
        return self._send(_update_domain(properties))

    def create_room(
        self,
        name: str | None = None,
        *,
        privacy: str | None = None,
        properties: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """`POST /rooms`: the new room (Daily picks a name when none is given)."""
        return self._send(_create_room(name, privacy, properties))

    def get_room(self, name: str) -> dict[str, Any]:
        """``GET /rooms/:name``: the room, or ``DailyAPIError`` 404 ``not-found``."""
        return self._send(_room("GET", name))

    def list_rooms(
        self,
        *,
        limit: int | None = None,
        ending_before: str | None = None,
        starting_after: str | None = None,
    ) -> dict[str, Any]:
        """``GET /rooms``: ``{"total_count", "data"}``, newest first; page with room ids."""
        return self._send(_list_rooms(limit, ending_before, starting_after))

    def update_room(
        self, name: str, *, privacy: str | None = None, properties: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """``POST /rooms/:name``: change a room's privacy and properties; the room comes back."""
        return self._send(_update_room(name, privacy, properties))

    def delete_room(self, name: str) -> dict[str, Any]:
        """``DELETE /rooms/:name``: ``{"name", "deleted": True}``, or 404 ``not-found``."""
        return self._send(_room("DELETE", name))

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> DailyClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncDailyClient(_ClientCore):
    """Daily's REST API for asyncio: the same methods as `DailyClient`, awaited."""

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str = DAILY_API_URL,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        retry: RetryPolicy = RetryPolicy(),  # noqa: B008 (frozen, so sharing it is safe)
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        emulator: DailyEmulator | None = None,
    ) -> None:
        super().__init__(api_key, base_url, timeout, retry, emulator)
        self._http = httpx.AsyncClient(transport=transport, **self._http_options)
        self._sleep = sleep

    async def _send(self, call: _Call) -> Any:
        for attempt in itertools.count():
            response = await self._http.request(call.method, call.path, json=call.body, params=call.params)
            wait = self.retry.wait_before_retry(response, attempt)
            if wait is None:
                return _answer(response, call)
            await self._sleep(wait)

    async def create_meeting_token(self, properties: dict[str, Any]) -> str:
        """`POST /meeting-tokens`: a token signed by Daily with a key it does not name.

        So, we infer, only Daily can check it (``validate_meeting_token``).
        """
        return await self._send(_mint(properties))

    async def validate_meeting_token(self, token: str, *, ignore_nbf: bool = False) -> dict[str, Any]:
        """`GET /meeting-tokens/:token`: the token's properties, or `DailyAPIError` (400)."""
        return await self._send(_validate(token, ignore_nbf))

    async def get_domain(self) -> dict[str, Any]:
        """`GET /`: the domain's `domain_name`, `domain_id` and `config`."""
        return await self._send(_Call("GET", "/"))

    async def update_domain(self, properties: dict[str, Any]) -> dict[str, Any]:
        """``POST /``: set domain properties (``null`` clears one); the domain comes back."""
        return await self._send(_update_domain(properties))

    async def create_room(
        self,
        name: str | None = None,
        *,
        privacy: str | None = None,
        properties: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """`POST /rooms`: the new room (Daily picks a name when none is given)."""
        return await self._send(_create_room(name, privacy, properties))

    async def get_room(self, name: str) -> dict[str, Any]:
        """``GET /rooms/:name``: the room, or ``DailyAPIError`` 404 ``not-found``."""
        return await self._send(_room("GET", name))

    async def list_rooms(
        self,
        *,
        limit: int | None = None,
        ending_before: str | None = None,
        starting_after: str | None = None,
    ) -> dict[str, Any]:
        """``GET /rooms``: ``{"total_count", "data"}``, newest first; page with room ids."""
        return await self._send(_list_rooms(limit, ending_before, starting_after))

    async def update_room(
        self, name: str, *, privacy: str | None = None, properties: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """``POST /rooms/:name``: change a room's privacy and properties; the room comes back."""
        return await self._send(_update_room(name, privacy, properties))

    async def delete_room(self, name: str) -> dict[str, Any]:
        """``DELETE /rooms/:name``: ``{"name", "deleted": True}``, or 404 ``not-found``."""
        return await self._send(_room("DELETE", name))

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> AsyncDailyClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
