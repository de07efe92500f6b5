"""Fixtures shared by the test modules: a headless Chromium driven by Playwright, and the book
built once per test run (shared by every pytest-xdist worker); how the tests are spread over the
workers; and Hypothesis's quick profile for `make test-unit` (tests/fuzzing.py)."""

from __future__ import annotations

import fcntl
import json
import pathlib
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from fuzzing import register_quick_profile

register_quick_profile()

ROOT = pathlib.Path(__file__).resolve().parents[1]
# The book's build tooling is a local Sphinx extension beside the book, not part of the package.
sys.path.insert(0, str(ROOT / "book" / "_ext"))

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


def _build_book() -> subprocess.CompletedProcess:
    """Build the book as `make book` does, but re-reading every page (so every warning shows)."""
    from book_assets import copy_anywidget

    copy_anywidget(ROOT / "book" / "widgets-js")
    jupyter_book = pathlib.Path(sys.executable).with_name("jupyter-book")
    command = [str(jupyter_book), "build", ".", "--all", "-W", "-n", "--keep-going"]
    return subprocess.run(  # noqa: S603 (a fixed command)
        command, cwd=ROOT, capture_output=True, text=True, check=False
    )


@contextmanager
def _locked(path: pathlib.Path) -> Iterator[None]:
    with path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def book_build(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> subprocess.CompletedProcess:
    """The book built strictly, once per test run: the first xdist worker to ask builds it while
    the others wait on a lock, then read its result from the run's shared temporary folder."""
    if not hasattr(request.config, "workerinput"):  # one process, no xdist worker
        return _build_book()
    shared = tmp_path_factory.getbasetemp().parent
    with _locked(shared / "book-build.lock"):
        saved = shared / "book-build.json"
        if saved.is_file():
            return subprocess.CompletedProcess(**json.loads(saved.read_text(encoding="utf-8")))
        result = _build_book()
        fields = {"args": result.args, "returncode": result.returncode}
        saved.write_text(json.dumps(fields | {"stdout": result.stdout, "stderr": result.stderr}))
        return result


# Test files whose tests must share one process: a notebook's cells share its kernel, and the
# JupyterLab tests share the server their module starts.
ONE_PROCESS_FILES = ("notebooks/", "tests/test_lab.py")
# Test files whose tests of one page (the parameter, less a trailing width such as "-390") run
# together on one worker: they share the page loaded once in the browser.
ONE_PROCESS_PER_PAGE = ("tests/test_site.py", "tests/test_lite.py")
PAGE_PARAMETER = re.compile(r"\[(?P<page>[^\]]+?)(-\d+)?\]$")


def scheduling_scope(nodeid: str) -> str:
    """The scope a test is scheduled in (tests of one scope run in order on one worker)."""
    path = nodeid.split("::", 1)[0]
    if path.startswith(ONE_PROCESS_FILES):
        return path
    page = PAGE_PARAMETER.search(nodeid)
    if path in ONE_PROCESS_PER_PAGE and page:
        return f"{path}::{page['page']}"
    return nodeid


@pytest.hookimpl(optionalhook=True)  # without xdist (`-p no:xdist`) the hook does not exist
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """With ``--dist load`` (``make test``), spread the tests one by one over the workers, except
    for the scopes of ``scheduling_scope`` (pytest-xdist's ``loadgroup`` would be the usual way,
    but its groups do not reach the workers under pytest 9)."""
    if config.getoption("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class OneByOneExceptScopes(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return scheduling_scope(nodeid)

    return OneByOneExceptScopes(config, log)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test by what it needs, so the fast ones can run alone (`make test-unit`).

    ``browser``: Debian's Chromium; ``book``: the book built strictly; ``lab``: a JupyterLab
    server; ``notebook``: a chapter re-executed by nbval. A test with none of these is a unit test.
    """
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "chromium" in fixtures:
            item.add_marker("browser")
        if "book_build" in fixtures:
            item.add_marker("book")
        if "lab" in fixtures:
            item.add_marker("lab")
        if item.nodeid.startswith("notebooks/"):
            item.add_marker("notebook")
