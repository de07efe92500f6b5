"""The chapters as real Python in the reader's browser: JupyterLite, served from the built book.

The tests use the session's book build (`book_build` in conftest.py, which also builds
JupyterLite into `_build/html/lite/`) and serve `_build/html` on a loopback port. In Chromium, each
chapter opens in JupyterLite's lab, runs all its cells in the Pyodide kernel, and must end
with no error and with an output that only its last cells make; any request to another host
fails the test. Screenshots land in `artifacts/screenshots/lite-*.png`. Pyodide's start takes
about 10 to 40 seconds on two cores, so each chapter is opened once.
"""

from __future__ import annotations

import json
import pathlib
import re
import subprocess
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from book_lite import LAUNCH_TEXT

from book_toc import toc_files
from loopback import serving_folder

ROOT = pathlib.Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHAPTERS = [name for name in toc_files() if (ROOT / f"{name}.ipynb").is_file()]
# Chapters with a cell that the browser kernel cannot run yet, and why (strict: once the cell is
# fixed, the test says so).
START_TIMEOUT = 120_000  # ms: Pyodide's start and the preloaded wheels, with room for a slow CI
RUN_TIMEOUT = 180_000  # ms: every cell of one chapter

# An output that only a chapter's last cells make, as JupyterLab shows it (written out here, not
# read from the committed notebooks, so a chapter that stops early cannot pass). The gallery's
# last outputs are widgets: there, each of its four front ends must have drawn itself.
LAST_OUTPUTS = {
    "notebooks/01-anatomy": "the payload is not JSON",
    "notebooks/02-minting": "'u': 'Grace'",
    "notebooks/03-self-signing": "True {'room_name': 'hello'",
    "notebooks/04-joining": "(True, True)",
    "notebooks/05-storage": "localStorage: Readable by any script",
    "notebooks/06-validating": "owner escalation (False",
}
GALLERY_WIDGETS = [".mt-editor", ".mt-inspector", ".mt-explorer", ".mt-storage"]


@pytest.fixture(scope="module")
def built_site(book_build: subprocess.CompletedProcess) -> pathlib.Path:
    """The book as `make book` builds it (JupyterLite included), built once for the whole run."""
    if book_build.returncode != 0:
        pytest.fail("the book did not build: see test_site.py's test_book_builds_strictly_without_warnings")
    return SITE


@pytest.fixture(scope="module")
def base_url(built_site: pathlib.Path) -> Iterator[str]:
    with serving_folder(built_site) as url:
        yield url


def launch_href(site: pathlib.Path, chapter: str) -> str:
    html = (site / f"{chapter}.html").read_text(encoding="utf-8")
    match = re.search(r'<a class="lite-launch-link" href="([^"]+)">' + re.escape(LAUNCH_TEXT), html)
    assert match, f"{chapter}.html has no launch link"
    return match.group(1)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_chapter_page_launches_its_own_notebook_in_the_lite_lab(
    built_site: pathlib.Path, chapter: str
) -> None:
    href = launch_href(built_site, chapter)
    target = urlsplit(href)
    assert (built_site / chapter).parent.joinpath(target.path).resolve() == built_site / "lite/lab/index.html"
    notebook = parse_qs(target.query)["path"][0]
    assert notebook == pathlib.PurePosixPath(chapter).name + ".ipynb"
    assert (built_site / "lite" / "files" / notebook).is_file()


def test_the_lite_kernel_loads_pyodide_and_wheels_from_the_site_and_never_from_an_index(
    built_site: pathlib.Path,
) -> None:
    config = json.loads((built_site / "lite" / "jupyter-lite.json").read_text(encoding="utf-8"))
    settings = config["jupyter-config-data"]["litePluginSettings"]
    kernel = settings["@jupyterlite/pyodide-kernel-extension:kernel"]
    assert kernel["pyodideUrl"] == "./static/pyodide/pyodide.mjs"
    assert kernel["disablePyPIFallback"] is True
    lock = json.loads((built_site / "lite/static/pyodide/pyodide-lock.json").read_text(encoding="utf-8"))
    expected = {"meeting-tokens", "pyjwt", "httpx", "ipywidgets", "anywidget", "micropip"}
    assert expected <= lock["packages"].keys()
    assert "matplotlib" not in lock["packages"]
    for package in lock["packages"].values():
        assert "/" not in package["file_name"]
        assert (built_site / "lite/static/pyodide" / package["file_name"]).is_file()
        assert set(package["depends"]) <= lock["packages"].keys()


def _block_other_hosts(page: Any, base_url: str) -> list[str]:
    outside: list[str] = []

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if url.startswith((base_url, "data:", "blob:")):
            request_route.continue_()
        else:
            outside.append(url)
            request_route.abort()

    page.route("**/*", route)
    return outside


# Run All has finished: no cell waits ("[*]"), and either every code cell has a number or one
# failed (then the rest stay unnumbered, and JupyterLab's kernel indicator stays "busy").
CELLS_DONE = """() => {
  const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(p => p.textContent);
  const failed = [...document.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"]')]
    .some(e => /Traceback|Error/.test(e.textContent));
  return prompts.length > 0 && !prompts.some(p => p.includes('*'))
    && (failed || prompts.every(p => /\\[\\d+\\]/.test(p)));
}"""


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_each_chapter_runs_to_the_end_in_the_browser_kernel(
    chromium: Any, base_url: str, built_site: pathlib.Path, chapter: str
) -> None:
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    try:
        outside = _block_other_hosts(page, base_url)
        page.goto(urljoin(f"{base_url}/{chapter}.html", launch_href(built_site, chapter)))
        page.wait_for_selector(".jp-Notebook .jp-CodeCell", timeout=START_TIMEOUT)
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
        page.wait_for_function(CELLS_DONE, timeout=START_TIMEOUT + RUN_TIMEOUT, polling=500)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"lite-{pathlib.PurePosixPath(chapter).name}.png")
        errors = page.locator(
            '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
        ).all_inner_texts()
        assert [text for text in errors if "Traceback" in text or "Error" in text] == []
        if chapter in LAST_OUTPUTS:
            outputs = "\n".join(page.locator(".jp-OutputArea-output").all_inner_texts())
            assert LAST_OUTPUTS[chapter] in outputs
        else:
            drawn = [page.locator(f".jp-OutputArea-output {name}").count() for name in GALLERY_WIDGETS]
            assert drawn == [1, 1, 1, 1]
        assert outside == []
    finally:
        page.close()


def test_from_disk_the_launch_says_it_needs_a_web_server(chromium: Any, built_site: pathlib.Path) -> None:
    page = chromium.new_page()
    try:
        chapter = built_site / f"{CHAPTERS[0]}.html"
        page.goto(chapter.as_uri())
        note = page.locator(".lite-launch-file")
        assert note.is_visible()
        assert "needs a web server" in note.inner_text()
        page.locator(".lite-launch-link").click()
        assert page.url == chapter.as_uri()
    finally:
        page.close()
