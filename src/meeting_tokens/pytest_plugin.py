"""pytest fixtures for testing your own app against the emulator of Daily's REST API, offline.

Installing the package registers this plugin (entry point ``pytest11``), so the fixtures are
there in any test suite of the same environment:

- ``daily_emulator``: a fresh ``DailyEmulator`` for each test (Daily's rate limits included);
- ``daily_client`` / ``daily_async_client``: a ``DailyClient`` / ``AsyncDailyClient`` wired to it
  in-process, closed after the test (the async one needs pytest-asyncio);
- ``daily_server``: the same emulator served on 127.0.0.1 from a thread, as a ``ServedEmulator``
  with ``base_url`` and ``api_key``, for code that makes real HTTP calls (needs uvicorn, the
  ``serve`` extra); it answers only requests whose ``Host`` is 127.0.0.1, localhost or [::1]
  with its port, and the names ``daily_allowed_hosts`` returns (none; override it to add some);
- ``daily_clock``: the emulator's clock; ``daily_clock.advance(3600)`` moves its time.

To start from another emulator (a frozen clock, no rate limits, your own key), override
``daily_emulator`` in your conftest.py; every other fixture follows it.

The production checklist, in your own CI: at the end of each test, every token the code under
test minted through these fixtures' emulator (``POST /meeting-tokens``) or showed it (validated,
or used to ``join``) is held to the rules of ``meeting_tokens.core.checklist``: an ``exp`` no more
than ``daily_token_max_lifetime`` seconds after ``iat`` (default two hours), a ``room_name``, a
length under Daily's 2048 characters, and for a token self-signed with the emulator's key, ``r``,
``iat``, ``d`` and a key of 32 bytes or more. The ini option ``daily_token_policy`` says what a
broken rule does: ``off``, ``warn`` (the default: a ``DailyTokenPolicyWarning`` each) or ``strict``
(the test fails). ``@pytest.mark.daily_policy_exempt("no-exp", reason="...")`` exempts one test
from the rules it names. ``assert_no_daily_secret(response, api_key)`` fails when a response
carries the API key or an owner token.
"""

from __future__ import annotations

import json
import math
import re
import warnings
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import httpx
import pytest

from meeting_tokens.api import AsyncDailyClient, DailyClient, DailyEmulator
from meeting_tokens.api.emulator import TokenSighting
from meeting_tokens.core.checklist import DEFAULT_MAX_LIFETIME, RULES, Finding, check_token
from meeting_tokens.core.clock import Clock
from meeting_tokens.core.errors import TokenError
from meeting_tokens.core.jwt_parts import decode_parts

POLICIES = ("off", "warn", "strict")
EXEMPT_MARKER = "daily_policy_exempt"
_POLICY = pytest.StashKey[tuple[str, float]]()  # (policy, maximum lifetime) of this run
_CLAIMS_SHOWN = 400  # characters of a token's claims a violation shows at most


class DailyTokenPolicyWarning(pytest.PytestWarning):
    """A token the code under test minted or showed breaks a rule of the production checklist."""


def _async_fixture(function: Callable[..., Any]) -> Any:
    # pytest-asyncio's decorator when it is installed, so the fixture works in its strict mode
    # too; without it, pytest itself says that an async fixture needs a plugin.
    try:
        import pytest_asyncio
    except ModuleNotFoundError:
        return pytest.fixture(function)
    return pytest_asyncio.fixture(function)


@dataclass(frozen=True)
class ServedEmulator:
    """An emulator listening on loopback: point your HTTP client at ``base_url`` with ``api_key``."""

    base_url: str
    api_key: str = field(repr=False)
    emulator: DailyEmulator


@pytest.fixture
def daily_emulator() -> DailyEmulator:
    """A fresh emulator of Daily's REST API, with the fake demo key and a clock of its own."""
    return DailyEmulator()


@pytest.fixture
def daily_client(daily_emulator: DailyEmulator) -> Iterator[DailyClient]:
    """A `DailyClient` talking to `daily_emulator` in-process; closed after the test."""
    with daily_emulator.client() as client:
        yield client


@_async_fixture
async def daily_async_client(daily_emulator: DailyEmulator) -> AsyncIterator[AsyncDailyClient]:
    """An `AsyncDailyClient` talking to `daily_emulator` in-process; closed after the test."""
    async with daily_emulator.async_client() as client:
        yield client


@pytest.fixture
def daily_allowed_hosts() -> Iterable[str]:
    """Host names `daily_server` answers besides the loopback ones (NAME, or NAME:PORT): none."""
    return ()


@pytest.fixture
def daily_server(
    daily_emulator: DailyEmulator, daily_allowed_hosts: Iterable[str]
) -> Iterator[ServedEmulator]:
    """`daily_emulator` over HTTP on 127.0.0.1 (any free port) for the length of the test; only
    for loopback Host names and `daily_allowed_hosts`."""
    try:
        import uvicorn  # noqa: F401 (only to say what is missing before serving)
    except ModuleNotFoundError:
        pytest.fail("daily_server needs uvicorn: pip install 'meeting_tokens[serve]'", pytrace=False)
    from meeting_tokens.api.serve import serving

    with serving(daily_emulator, allow_hosts=daily_allowed_hosts) as base_url:
        yield ServedEmulator(base_url, daily_emulator.api_key, daily_emulator)


@pytest.fixture
def daily_clock(daily_emulator: DailyEmulator) -> Clock:
    """The emulator's clock: `advance(seconds)` moves the time every emulator answer uses."""
    return daily_emulator.clock


# The production checklist


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "daily_token_policy",
        "what a token that breaks the production checklist does to its test: off, warn or strict",
        default="warn",
    )
    parser.addini(
        "daily_token_max_lifetime",
        "seconds a token may live after its iat under daily_token_policy",
        default=str(DEFAULT_MAX_LIFETIME),
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{EXEMPT_MARKER}(*rules, reason): exempt this test from the named rules of the production "
        f"checklist ({', '.join(RULES)})",
    )
    policy = str(config.getini("daily_token_policy")).strip()
    if policy not in POLICIES:
        raise pytest.UsageError(f"daily_token_policy = {policy!r}: write one of {', '.join(POLICIES)}")
    text = str(config.getini("daily_token_max_lifetime")).strip()
    try:
        max_lifetime = float(text)
    except ValueError:
        max_lifetime = math.nan
    if not 0 < max_lifetime < math.inf:
        raise pytest.UsageError(f"daily_token_max_lifetime = {text!r}: write a positive number of seconds")
    config.stash[_POLICY] = (policy, max_lifetime)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A mistake in an exemption stops the run before any test, naming the test and the rules."""
    for item in items:
        for marker in item.iter_markers(EXEMPT_MARKER):
            _exempted_rules(marker, item.nodeid)


def _exempted_rules(marker: pytest.Mark, nodeid: str) -> set[str]:
    where = f"{nodeid}: @pytest.mark.{EXEMPT_MARKER}"
    if unknown := [name for name in marker.args if not isinstance(name, str) or name not in RULES]:
        raise pytest.UsageError(f"{where} names no rule {unknown!r}; the rules are {', '.join(RULES)}")
    if not marker.args:
        raise pytest.UsageError(f"{where} needs the names of the rules it exempts from")
    if not str(marker.kwargs.get("reason", "")).strip() or set(marker.kwargs) != {"reason"}:
        raise pytest.UsageError(f'{where} takes the rules and reason="why", and nothing else')
    return set(marker.args)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """After a test that passed, hold the tokens its emulators saw to the checklist."""
    result = yield
    policy, max_lifetime = item.config.stash[_POLICY]
    if policy != "off":
        emulators = _emulators(getattr(item, "funcargs", None) or {})
        if emulators:
            _enforce(item, emulators, policy, max_lifetime)
    return result


_HOLDS_AN_EMULATOR = (ServedEmulator, DailyClient, AsyncDailyClient)  # in ``.emulator``


def _emulators(fixtures: dict[str, Any]) -> list[DailyEmulator]:
    """The emulators behind a test's fixture values (emulators, clients, served ones), each once."""
    found: dict[int, DailyEmulator] = {}
    for value in fixtures.values():
        emulator = value.emulator if isinstance(value, _HOLDS_AN_EMULATOR) else value
        if isinstance(emulator, DailyEmulator):
            found[id(emulator)] = emulator
    return list(found.values())


def _enforce(item: pytest.Item, emulators: list[DailyEmulator], policy: str, max_lifetime: float) -> None:
    exempt = set().union(*(_exempted_rules(m, item.nodeid) for m in item.iter_markers(EXEMPT_MARKER)))
    calls: dict[str, list[TokenSighting]] = {}  # the calls that carried each token, in order
    for emulator in emulators:
        for sighting in emulator.tokens_seen:
            calls.setdefault(sighting.token, []).append(sighting)
    broken: list[tuple[str, list[Finding]]] = []  # (the token's story, the rules it breaks)
    for token, sightings in calls.items():
        first = sightings[0]
        found = check_token(token, now=first.at, max_lifetime=max_lifetime, signing_key=first.signing_key)
        if found := [finding for finding in found if finding.code not in exempt]:
            broken.append((_token_story(token, [sighting.call for sighting in sightings]), found))
    if not broken:
        return
    if policy == "warn":
        path, line, _ = item.location
        for story, found in broken:
            for finding in found:
                warning = DailyTokenPolicyWarning(f"{_rule_lines(finding)}\n{story}")
                warnings.warn_explicit(warning, None, path, (line or 0) + 1)
        return
    codes = {finding.code for _, found in broken for finding in found}
    names = ", ".join(f'"{name}"' for name in RULES if name in codes)
    tokens = "a token breaks" if len(broken) == 1 else f"{len(broken)} tokens break"
    pytest.fail(
        f"daily_token_policy = strict: {tokens} the production checklist\n\n"
        + "\n\n".join(story + "".join(f"\n  {_rule_lines(f)}" for f in found) for story, found in broken)
        + f'\n\nFix the app, or exempt this test:\n  @pytest.mark.{EXEMPT_MARKER}({names}, reason="...")',
        pytrace=False,
    )


def _token_story(token: str, calls: list[str]) -> str:
    """Where a token came from and what it says: its calls and claims, never the token itself."""
    try:
        claims = json.dumps(decode_parts(token).payload)
    except TokenError:
        claims = "unreadable"
    if len(claims) > _CLAIMS_SHOWN:
        claims = claims[:_CLAIMS_SHOWN] + "…"
    return f"token from {', then '.join(dict.fromkeys(calls))}\n  claims: {claims}"


def _rule_lines(finding: Finding) -> str:
    rule = RULES[finding.code]
    return f'{finding.code}: {finding.message}\n    book: {rule.page}, "{rule.section}"'


# A compact JWS anywhere in a text: three base64url runs joined by dots.
_JWS = re.compile(r"[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*")


def assert_no_daily_secret(response: httpx.Response, api_key: str) -> None:
    """Fail when ``response`` (one your app sends to a browser) carries ``api_key`` or an owner
    token (``o`` or ``is_owner`` true) in its body, a header or a cookie, as text or
    percent-encoded. The message says where, and never shows the secret."""
    if not isinstance(api_key, str) or not api_key:
        raise ValueError("api_key must be the non-empty API key to look for")
    places = [("the body", response.content.decode("utf-8", "replace"))]
    for name, value in response.headers.multi_items():
        cookie = value.split("=", 1)[0].strip() if name.lower() == "set-cookie" else None
        places.append((f"the cookie {cookie!r}" if cookie else f"the header {name!r}", value))
    found = []
    for place, text in places:
        texts = list(dict.fromkeys((text, unquote(text))))  # as given, then percent-decoded
        if any(api_key in form for form in texts):
            found.append(f"the API key in {place}")
        for claims in _owner_claims(texts):
            found.append(f"an owner token in {place} (claims {json.dumps(claims)[:_CLAIMS_SHOWN]})")
    if found:
        raise AssertionError("a response to a browser carries a Daily secret: " + "; ".join(found))


def _owner_claims(texts: Iterable[str]) -> list[dict[str, Any]]:
    owners = []
    for match in dict.fromkeys(m.group() for text in texts for m in _JWS.finditer(text)):
        try:
            claims = decode_parts(match).payload
        except TokenError:
            continue
        if claims.get("o") is True or claims.get("is_owner") is True:
            owners.append(claims)
    return owners
