"""A chapter in JupyterLab, started the way a learner starts it: `make lab`.

The server runs on a free loopback port with no browser and a token this test chooses, on its own
copy of the chapters (`LAB_WORKSPACE`, removed afterwards), so a learner's `workspace/` is never
touched. Chromium opens chapter 5 and finds its MyST rendered by jupyterlab-myst: the figure as
an image, the warning as an admonition, and none of the directive or role syntax left as text.
"""

from __future__ import annotations

import os
import pathlib
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
WORKSPACE = "workspace-pytest"
SCREENSHOTS = ROOT / "artifacts" / "lab"
START_TIMEOUT = 90  # seconds; JupyterLab usually answers within 10 to 20
RAW_MYST = [":width:", "```{warning}", "```{figure}", "{term}`", "{doc}`", ":::"]


@dataclass
class Lab:
    base_url: str
    token: str

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path}?token={self.token}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(lab: Lab, process: subprocess.Popen, log: pathlib.Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"`make lab` exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(lab.url("api/status"), timeout=2):  # noqa: S310 (loopback)
                return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"JupyterLab did not answer within {START_TIMEOUT} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """`make lab` on a free port, without a browser, with a known token."""
    shutil.rmtree(ROOT / WORKSPACE, ignore_errors=True)
    port = free_port()
    lab = Lab(f"http://127.0.0.1:{port}", secrets.token_hex(16))
    log = tmp_path_factory.mktemp("lab") / "lab.log"
    command = ["make", "lab", f"LAB_PORT={port}", "LAB_BROWSER=no", f"LAB_WORKSPACE={WORKSPACE}"]
    with log.open("w") as output:
        process = subprocess.Popen(  # noqa: S603 (a fixed command)
            command,
            cwd=ROOT,
            env={**os.environ, "JUPYTER_TOKEN": lab.token},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # make and JupyterLab in one process group, stopped together
        )
    try:
        wait_until_up(lab, process, log)
        yield lab
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        shutil.rmtree(ROOT / WORKSPACE, ignore_errors=True)


@pytest.fixture(scope="module")
def chapter(lab: Lab, chromium: Any) -> Iterator[Any]:
    """Chapter 5 open in JupyterLab, every markdown cell rendered."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(lab.url(f"lab/tree/{WORKSPACE}/05-storage.ipynb"))
    page.wait_for_selector(".jp-MarkdownCell .myst", timeout=60_000)
    figure = ".jp-MarkdownCell img[src*='04-xss-cookie-host']"
    page.wait_for_selector(figure, state="attached", timeout=30_000)
    yield page
    context.close()


def test_make_lab_copies_the_chapters_to_its_workspace(lab: Lab) -> None:
    copied = sorted(path.name for path in (ROOT / WORKSPACE).glob("*.ipynb"))
    assert copied == sorted(path.name for path in (ROOT / "notebooks").glob("*.ipynb"))


def test_the_chapter_figure_renders_as_an_image_that_loads(chapter: Any) -> None:
    figure = chapter.locator(".jp-MarkdownCell img[src*='04-xss-cookie-host']").first
    figure.scroll_into_view_if_needed()
    chapter.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=figure.element_handle())
    chapter.screenshot(path=SCREENSHOTS / "05-storage-figure.png")


def test_the_chapter_warning_renders_as_an_admonition(chapter: Any) -> None:
    warning = chapter.locator(".jp-MarkdownCell .myst-admonition-warning").first
    warning.scroll_into_view_if_needed()
    assert warning.locator(".myst-admonition-header").inner_text() == "Warning"
    assert warning.locator(".myst-admonition-body").inner_text().strip() != ""
    chapter.screenshot(path=SCREENSHOTS / "05-storage-warning.png")


def test_no_myst_syntax_is_left_as_text(chapter: Any) -> None:
    text = "\n".join(chapter.locator(".jp-MarkdownCell .myst").all_inner_texts())
    assert [raw for raw in RAW_MYST if raw in text] == []
