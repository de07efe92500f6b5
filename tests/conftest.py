"""Fixtures shared by the test modules: a headless Chromium driven by Playwright."""

from __future__ import annotations

import pathlib
import shutil
import sys
from collections.abc import Iterator

import pytest

# The book's build tooling is a local Sphinx extension beside the book, not part of the package.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "book" / "_ext"))

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# Module scope, not session: while Playwright's sync API is open it leaves an asyncio loop
# running in the main thread, and every pytest-asyncio test collected after it would fail with
# "Runner.run() cannot be called from a running event loop".
@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    """Debian's Chromium under Playwright (Playwright's own browser download does not work here)."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is not installed: run `apt-get install chromium` (see .ci/run)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test by what it needs, so the fast ones can run alone (`make test-unit`).

    ``browser``: Debian's Chromium; ``book``: the book built strictly; ``notebook``: a chapter
    re-executed by nbval. A test with none of these is a unit test.
    """
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "chromium" in fixtures:
            item.add_marker("browser")
        if "book_build" in fixtures:
            item.add_marker("book")
        if item.nodeid.startswith("notebooks/"):
            item.add_marker("notebook")
