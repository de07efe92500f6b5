"""Fixtures shared by the test modules: a headless Chromium driven by Playwright, and the book
built once per test run (shared by every pytest-xdist worker); how the tests are spread over the
workers; and Hypothesis's quick profile for `make test-unit` (tests/fuzzing.py)."""

from __future__ import annotations

import fcntl
import hashlib
import json
import pathlib
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

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
    # No host but this machine resolves: a page that asks another host fails at once, offline or
    # not. The tests record such requests (`requests_to_other_hosts`) and fail on them; blocking
    # them here rather than through Playwright's request routing keeps the browser's cache on
    # (routing turns it off) and the requests out of Python.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]


def git(folder: pathlib.Path, *arguments: str) -> str:
    """git (from PATH, as a reader's shell finds it) run in ``folder``: what it prints."""
    command = ["git", "-C", str(folder), *arguments]
    return subprocess.run(command, check=True, capture_output=True, text=True, timeout=120).stdout.strip()  # noqa: S603, S607


def requests_to_other_hosts(target: Any, base_url: str) -> list[str]:
    """The URLs that a page or a browser context (``target``) asks of any host but ``base_url``'s,
    as they are requested (Chromium then fails them: ``CHROMIUM_ARGS``)."""
    own = urlsplit(base_url).netloc
    asked: list[str] = []

    def record(request: Any) -> None:
        parts = urlsplit(request.url)
        if parts.scheme not in ("data", "blob") and parts.netloc != own:
            asked.append(request.url)

    target.on("request", record)
    return asked


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--screenshots",
        action="store_true",
        help="save screenshots of the built site's pages, JupyterLab and JupyterLite, under artifacts/",
    )


@pytest.fixture(scope="session")
def screenshot(request: pytest.FixtureRequest) -> Callable[..., None]:
    """``screenshot(target, path, **options)``: a screenshot of a page or an element at ``path``,
    when the run asks for them (``--screenshots``), and nothing otherwise. They are for people to
    look at, and costly: the site's 40 full-page screenshots took about 90 s of a run's time."""
    wanted = request.config.getoption("screenshots")

    def save(target: Any, path: pathlib.Path, **options: Any) -> None:
        if wanted:
            path.parent.mkdir(parents=True, exist_ok=True)
            target.screenshot(path=str(path), **options)

    return save


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


def _committed_outputs_config(folder: pathlib.Path) -> pathlib.Path:
    """The book's configuration, but building the chapters from their committed outputs.

    nbval re-executes every notebook in the same run and holds its outputs and widget state to
    the current tree, so executing the chapters again for the build would do that work twice.
    """
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config["execute"]["execute_notebooks"] = "off"
    # Read from another folder, the local extensions' folders must be absolute.
    extensions = config["sphinx"]["local_extensions"]
    config["sphinx"]["local_extensions"] = {name: str(ROOT / path) for name, path in extensions.items()}
    path = folder / "_config.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def _build_book(folder: pathlib.Path) -> subprocess.CompletedProcess:
    """Build the book as `make book` does, but re-reading every page (so every warning shows),
    from the notebooks' committed outputs (``_committed_outputs_config``)."""
    from book_assets import copy_anywidget

    copy_anywidget(ROOT / "book" / "widgets-js")
    jupyter_book = pathlib.Path(sys.executable).with_name("jupyter-book")
    config = _committed_outputs_config(folder)
    command = [str(jupyter_book), "build", ".", "--all", "-W", "-n", "--keep-going", "--config", str(config)]
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
        return _build_book(tmp_path_factory.mktemp("book-config"))
    shared = tmp_path_factory.getbasetemp().parent
    with _locked(shared / "book-build.lock"):
        saved = shared / "book-build.json"
        if saved.is_file():
            return subprocess.CompletedProcess(**json.loads(saved.read_text(encoding="utf-8")))
        result = _build_book(tmp_path_factory.mktemp("book-config"))
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


# After a notebook's last cell, its kernel prints the state of every widget it holds.
_PRINT_WIDGET_STATE = (
    "import json as _json, ipywidgets as _ipywidgets\n"
    "print(_json.dumps(_ipywidgets.Widget.get_manager_state(drop_defaults=False)['state']))"
)
WIDGET_STATE_MIME = "application/vnd.jupyter.widget-state+json"


_MODEL_REFERENCE = re.compile(r"IPY_MODEL_([0-9a-f]{32})")
# Digests are written in the letters g to v, which no pattern of tests/sanitize.cfg replaces.
_AS_LETTERS = str.maketrans("0123456789abcdef", "ghijklmnopqrstuv")
# Pictures are not compared, as nbval compares no PNG or JPEG output: a timeline drawn from the
# current time moves by fractions of a point from run to run.
_IMAGE = re.compile(r'"data:image/[^"]*"')


def widget_state_text(models: dict[str, Any], sanitize: Callable[[str], str]) -> str:
    """A notebook's widget models as text to compare, whatever their random ids and their order:
    each model sanitized, with each anywidget bundle (``_esm``, ``_css``) as its digest and each
    reference to another model as a digest of that model's text; then the models sorted."""
    texts: dict[str, str] = {}

    def text_of(model_id: str) -> str:
        if model_id not in texts:
            model = models[model_id]
            state = dict(model["state"])
            for key in ("_esm", "_css"):
                if key in state:
                    state[key] = hashlib.sha256(state[key].encode()).hexdigest().translate(_AS_LETTERS)
            text = json.dumps({"model_name": model["model_name"], "state": state}, sort_keys=True, indent=1)
            text = _MODEL_REFERENCE.sub(lambda found: "IPY_MODEL_" + reference(found[1]), text)
            text = _IMAGE.sub('"data:image/<IMAGE>"', text)
            texts[model_id] = sanitize(text)
        return texts[model_id]

    def reference(model_id: str) -> str:
        if model_id not in models:
            return "missing"
        return hashlib.sha256(text_of(model_id).encode()).hexdigest()[:16].translate(_AS_LETTERS)

    return "\n".join(sorted(text_of(model_id) for model_id in models))


class WidgetStateItem(pytest.Item):
    """After nbval has run a notebook's cells, its kernel's widget state must equal the committed
    state, sanitized as nbval sanitizes outputs (nbval itself compares outputs only, and skips
    the widget views, whose model ids are random)."""

    def runtest(self) -> None:
        notebook = self.parent
        printed: list[str] = []

        def collect(message: dict[str, Any]) -> None:
            if message["msg_type"] == "stream":
                printed.append(message["content"]["text"])

        reply = notebook.kernel.kc.execute_interactive(
            _PRINT_WIDGET_STATE, store_history=False, output_hook=collect, timeout=120
        )
        assert reply["content"]["status"] == "ok", reply["content"]

        def sanitize(text: str) -> str:
            for regex, replace in notebook.sanitize_patterns.items():
                text = re.sub(regex, replace, text)
            return text

        committed = notebook.nb.metadata["widgets"][WIDGET_STATE_MIME]["state"]
        saved = widget_state_text(committed, sanitize).splitlines()
        fresh = widget_state_text(json.loads("".join(printed)), sanitize).splitlines()
        if saved != fresh:
            pairs = zip(saved, fresh, strict=False)
            changed = [f"{old.strip()[:80]} became {new.strip()[:80]}" for old, new in pairs if old != new]
            first = changed[0] if changed else "the models differ in number"
            pytest.fail(
                f"notebooks/{notebook.name}: its widget state differs from what the current tree"
                f" produces: run `make notebooks` (first change: {first})",
                pytrace=False,
            )

    def reportinfo(self) -> tuple[pathlib.Path, None, str]:
        return self.path, None, f"{self.parent.name}::widget-state"


def _with_widget_state_checks(items: list[pytest.Item]) -> list[pytest.Item]:
    """The items, with a ``WidgetStateItem`` after the last cell of each notebook that has state."""
    result: list[pytest.Item] = []
    for index, item in enumerate(items):
        result.append(item)
        notebook = item.parent
        if type(notebook).__name__ != "IPyNbFile":  # nbval's collector of one notebook
            continue
        last_cell = index + 1 == len(items) or items[index + 1].parent is not notebook
        if last_cell and WIDGET_STATE_MIME in notebook.nb.metadata.get("widgets", {}):
            result.append(WidgetStateItem.from_parent(notebook, name="widget-state"))
    return result


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test by what it needs, so the fast ones can run alone (`make test-unit`).

    ``browser``: Debian's Chromium; ``book``: the book built strictly; ``lab``: a JupyterLab
    server; ``notebook``: a chapter re-executed by nbval. A test with none of these is a unit test.
    Each notebook's cells are followed by a check of its widget state (``WidgetStateItem``).
    """
    items[:] = _with_widget_state_checks(items)
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
