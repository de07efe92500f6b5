"""A chapter in JupyterLab, started the way a learner starts it: `make lab`.

The server runs on a free loopback port with no browser and a token this test chooses, on its own
copy of the chapters (`LAB_WORKSPACE`, removed afterwards), so a learner's `workspace/` is never
touched. Chromium opens chapter 5 and finds its MyST rendered by jupyterlab-myst: the figure as
an image, the warning as an admonition, and none of the directive or role syntax left as text.
Run, chapter 5 serves its live game in a frame, and the widget gallery's editor answers from the
kernel.

The copy is made for a learner (lab/workspace.py): every notebook opens with no console error and
without being marked changed, and each exercise shows an empty answer cell and its check, with the
solution in a closed dropdown below the check; run, the check judges the learner's answer.
"""

from __future__ import annotations

import json
import os
import pathlib
import re
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

from meeting_tokens.game import INJECTED_SCRIPT

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

    def notebook(self, name: str) -> str:
        """The notebook's URL in the test's workspace; `reset` drops the layout a previous run saved."""
        return f"{self.base_url}/lab/tree/{WORKSPACE}/{name}?reset&token={self.token}"


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
def browser_context(chromium: Any) -> Iterator[Any]:
    """One browser context for the tests that only open notebooks, as a learner's tabs share
    one: Lab's code is then downloaded and compiled once, not once per notebook."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    yield context
    context.close()


@pytest.fixture(scope="module")
def chapter(lab: Lab, browser_context: Any) -> Iterator[Any]:
    """Chapter 5 open in JupyterLab, every markdown cell rendered."""
    page = browser_context.new_page()
    page.goto(lab.notebook("05-storage.ipynb"))
    page.wait_for_selector(".jp-MarkdownCell .myst", timeout=60_000)
    figure = ".jp-MarkdownCell img[src*='04-xss-cookie-host']"
    page.wait_for_selector(figure, state="attached", timeout=30_000)
    yield page
    page.close()


def test_make_lab_copies_the_chapters_to_its_workspace(lab: Lab) -> None:
    copied = sorted(path.name for path in (ROOT / WORKSPACE).glob("*.ipynb"))
    assert copied == sorted(path.name for path in (ROOT / "notebooks").glob("*.ipynb"))


def test_lab_neither_fetches_news_nor_asks_to(lab: Lab) -> None:
    # Lab's default is to ask ("none"), in a toast over the chapter; the project's
    # lab/overrides.json answers for the learner: never, and no update checks either.
    url = lab.url("lab/api/settings/@jupyterlab/apputils-extension:notification")
    with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 (loopback)
        schema = json.load(answer)["schema"]["properties"]
    assert (schema["fetchNews"]["default"], schema["checkForUpdates"]["default"]) == ("false", False)


def test_lab_leaves_the_in_browser_kernel_extension_to_jupyterlite(lab: Lab) -> None:
    # jupyterlite-pyodide-kernel installs its front end where Lab finds it too; in Lab it has no
    # kernel to serve and only logs an error. lab/page_config.json disables it for Lab, and as Lab
    # still loads a disabled extension's code, `make lab` does not offer it to Lab at all.
    with urllib.request.urlopen(lab.url("lab"), timeout=10) as answer:  # noqa: S310 (loopback)
        page = answer.read().decode("utf-8")
    config = json.loads(
        page.split('<script id="jupyter-config-data" type="application/json">')[1].split("</script>")[0]
    )
    assert "@jupyterlite/pyodide-kernel-extension" in config["disabledExtensions"]
    loaded = sorted(extension["name"] for extension in config["federated_extensions"])
    assert loaded == [
        "@jupyter-widgets/jupyterlab-manager",
        "anywidget",
        "jupyterlab-myst",
        "jupyterlab_pygments",
    ]


def exercise_cells(path: pathlib.Path) -> list[tuple[str, str]]:
    """(role, how the cell starts) for the exercise cells of a notebook, in order: the answer and
    check cells by their tag, and the solution by its dropdown."""
    found = []
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        tags = cell["metadata"].get("tags", [])
        text = "".join(cell["source"])
        for role in ("exercise-answer", "exercise-solution", "exercise-check"):
            if role in tags:
                found.append((role, cell["cell_type"], bool(cell.get("outputs"))))
        if cell["cell_type"] == "markdown" and text.startswith("````{dropdown} Solution (code)\n```python\n"):
            found.append(("solution dropdown", "markdown", False))
    return found


WITH_EXERCISES = ["01-anatomy", "02-minting", "03-self-signing", "04-joining", "05-storage", "06-validating"]
WITH_EXERCISES += ["07-bots", "key-rotation"]


@pytest.mark.parametrize("name", WITH_EXERCISES)
def test_in_the_workspace_each_solution_waits_below_its_check_in_a_dropdown(lab: Lab, name: str) -> None:
    cells = exercise_cells(ROOT / WORKSPACE / f"{name}.ipynb")
    one = [("exercise-answer", "code", False), ("exercise-check", "code", False)]
    one += [("solution dropdown", "markdown", False)]
    assert cells == one * (2 if name in ("01-anatomy", "07-bots") else 1)


def test_in_the_workspace_no_notebook_refers_to_what_only_the_book_resolves(lab: Lab) -> None:
    roles = {
        path.name: re.findall(r"\{(?:term|ref|numref)\}`[^`]+`", path.read_text(encoding="utf-8"))
        for path in sorted((ROOT / WORKSPACE).glob("*.ipynb"))
    }
    assert {name: found for name, found in roles.items() if found} == {}


@dataclass
class Opened:
    page: Any
    errors: list[str]


def attach_every_cell(page: Any, count: int) -> None:
    """Scroll down until Lab has put all ``count`` cells in the page (it attaches them lazily)."""
    page.wait_for_function(
        """(count) => {
             const outer = document.querySelector('.jp-WindowedPanel-outer');
             if (outer) outer.scrollTop = outer.scrollHeight;
             return document.querySelectorAll('.jp-Notebook .jp-Cell').length >= count;
           }""",
        arg=count,
        polling=500,
        timeout=60_000,
    )


NOTEBOOKS = sorted(path.stem for path in (ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture(scope="module", params=NOTEBOOKS)
def opened(request: pytest.FixtureRequest, lab: Lab, browser_context: Any) -> Iterator[Opened]:
    """A notebook of the workspace open in Lab, every cell attached, the console's errors kept."""
    name = request.param
    page = browser_context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(lab.notebook(f"{name}.ipynb"))
    page.wait_for_selector(".jp-MarkdownCell .myst", timeout=60_000)
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=60_000)
    cells = json.loads((ROOT / WORKSPACE / f"{name}.ipynb").read_text(encoding="utf-8"))["cells"]
    attach_every_cell(page, len(cells))
    page.wait_for_function(
        "() => document.querySelectorAll('.jp-MarkdownCell .lm-Widget.myst').length >= 1", timeout=30_000
    )
    page.wait_for_timeout(1500)  # jupyterlab-myst renders again once its lookups settle
    yield Opened(page, errors)
    page.close()


def test_each_notebook_opens_in_lab_without_a_console_error(opened: Opened) -> None:
    assert opened.errors == []


def test_each_notebook_opens_in_lab_unchanged(opened: Opened) -> None:
    tab = opened.page.locator(".jp-mod-current.lm-TabBar-tab")
    assert "jp-mod-dirty" not in (tab.get_attribute("class") or "")


def test_each_exercise_shows_its_answer_cell_and_keeps_its_solution_closed(
    opened: Opened, screenshot: Any
) -> None:
    page = opened.page
    dropdowns = page.locator("details.myst-dropdown", has_text="Solution (code)")
    expected = {"01-anatomy": 2, "07-bots": 2}.get(page.url.split("/")[-1].split(".ipynb")[0], 1)
    if not any(f"/{name}.ipynb" in page.url for name in WITH_EXERCISES):
        assert dropdowns.count() == 0
        return
    assert dropdowns.count() == expected
    for dropdown in dropdowns.all():
        assert dropdown.get_attribute("open") is None
        assert not dropdown.locator("pre, code").first.is_visible()
    answers = page.locator(".jp-CodeCell .cm-content", has_text="# Your answer")
    assert answers.count() == expected
    answers.first.scroll_into_view_if_needed()
    screenshot(page, SCREENSHOTS / f"exercise-{page.url.split('/')[-1].split('.ipynb')[0]}.png")


def test_the_chapter_figure_renders_as_an_image_that_loads(chapter: Any, screenshot: Any) -> None:
    chapter.wait_for_function(
        """() => [...document.querySelectorAll(".jp-MarkdownCell img[src*='04-xss-cookie-host']")].some(
             (img) => img.complete && img.naturalWidth > 0)""",
        timeout=30_000,
    )
    chapter.evaluate(
        """() => document.querySelector(".jp-MarkdownCell img[src*='04-xss-cookie-host']").scrollIntoView()"""
    )
    screenshot(chapter, SCREENSHOTS / "05-storage-figure.png")


def test_the_chapter_warning_renders_as_an_admonition(chapter: Any, screenshot: Any) -> None:
    # jupyterlab-myst may render a cell again (once the glossary lookups settle), so the check
    # reads the document afresh until it holds rather than keeping hold of one element.
    chapter.wait_for_function(
        """() => [...document.querySelectorAll('.jp-MarkdownCell .myst-admonition-warning')].some(
             (a) => a.querySelector('.myst-admonition-header')?.textContent.trim() === 'Warning'
               && a.querySelector('.myst-admonition-body')?.textContent.trim() !== '')""",
        timeout=30_000,
    )
    chapter.evaluate(
        "() => document.querySelector('.jp-MarkdownCell .myst-admonition-warning').scrollIntoView()"
    )
    screenshot(chapter, SCREENSHOTS / "05-storage-warning.png")


def test_no_myst_syntax_is_left_as_text(chapter: Any) -> None:
    text = "\n".join(chapter.locator(".jp-MarkdownCell .myst").all_inner_texts())
    assert [raw for raw in RAW_MYST if raw in text] == []


def open_with_kernel(lab: Lab, chromium: Any, notebook: str) -> tuple[Any, Any]:
    """A new browser context with ``notebook`` open in Lab, its cells drawn and its kernel idle."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(lab.notebook(notebook))
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=60_000)
    return context, page


def run_all_until(page: Any, shown: Any) -> None:
    """Run every cell once, then wait for ``shown``. Run All acts on the notebook Lab calls
    current, which it may not be just after loading: focus a cell, wait until its tab is marked
    current, and pick Run All only once the menu offers it."""
    page.locator(".jp-Notebook .jp-Cell").first.click()
    page.locator("#jp-main-dock-panel .lm-TabBar-tab.jp-mod-current").wait_for(timeout=30_000)
    page.locator(".lm-MenuBar-item", has_text="Run").click()
    page.locator(".lm-Menu-item[data-command='runmenu:run-all']:not([aria-disabled='true'])").click()
    shown.wait_for(timeout=90_000)


def test_with_a_kernel_the_claim_editor_keeps_python_as_its_source(
    lab: Lab, chromium: Any, screenshot: Any
) -> None:
    """Run the widget gallery: the editor's answers then come from the kernel, at Python's `now`."""
    context, page = open_with_kernel(lab, chromium, "widget-gallery.ipynb")
    clock = page.locator(".mt-editor .mt-clock")
    run_all_until(page, clock)
    # The editor's stored output shows a clock at once; Run All replaces that editor with the
    # kernel's, so the page is read afresh until it holds, never through one element kept. On a
    # busy machine the kernel's first cells (the imports) alone can take half a minute.
    page.wait_for_function(
        """() => [...document.querySelectorAll('.mt-editor .mt-clock')].some(
             (el) => el.innerText.includes('the Python kernel'))""",
        timeout=120_000,
    )
    page.locator(".mt-editor .mt-form label", has_text="Room (room_name)").locator("input").fill("board-room")
    page.wait_for_function(
        """() => [...document.querySelectorAll('.mt-editor .mt-output')].some(
             (el) => el.innerText.includes('computed by the Python kernel'))""",
        timeout=120_000,
    )
    assert page.locator(".mt-editor .mt-key-note").inner_text().startswith("Your key goes only to")
    clock.scroll_into_view_if_needed()
    screenshot(page, SCREENSHOTS / "widget-gallery-editor-kernel.png")
    context.close()


def test_with_a_kernel_chapter_5_serves_the_game_in_a_frame_where_the_host_cookie_works(
    lab: Lab, chromium: Any, screenshot: Any
) -> None:
    """Run chapter 5 as a reader does: its live cell shows the game, served by the kernel that
    JupyterLab started, in a frame under the name of Lab's own page (127.0.0.1 here, where
    Jupyter's runtime file says localhost); creating a game there makes the reader host."""
    context, page = open_with_kernel(lab, chromium, "05-storage.ipynb")
    frame_element = page.locator(".jp-OutputArea-output iframe")
    run_all_until(page, frame_element)
    # Every cell has run (a second Run All would have replaced the game and its frame): only now
    # is the frame on the page the one whose game keeps running.
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=120_000)
    frame = frame_element.element_handle().content_frame()
    frame.wait_for_selector("form#create:not([hidden])", timeout=30_000)
    frame.fill("input[name=gameName]", "Friday quiz")
    frame.fill("form#create input[name=playerName]", "Ada")
    # Lab may have scrolled on to the last cell meanwhile; Chromium paints no frame of another
    # site that is out of view, and a click waits for the button to paint (once, under load,
    # for 30 s): bring the frame into view first.
    frame_element.scroll_into_view_if_needed()
    frame.click("form#create button")
    # The game joins, or says why it could not. The wait is long: in a full run beside other
    # work, a one-thread loop here ran 12 times slower than at idle, and 30 s once ran out.
    frame.wait_for_selector("body[data-joined=true], #status:not(:empty)", timeout=120_000)
    assert frame.inner_text("#status") == ""
    loot = frame.evaluate(INJECTED_SCRIPT)
    frame_element.scroll_into_view_if_needed()
    screenshot(page, SCREENSHOTS / "05-storage-live-game.png")
    host, game_url = frame.inner_text("#host"), frame.url
    host_cookies = [c for c in context.cookies() if c["name"].startswith("__Host-gh-")]
    context.close()

    assert game_url.startswith("http://127.0.0.1:") and not game_url.startswith(lab.base_url)
    assert host == "yes: the server minted a fresh owner token"
    assert [(c["domain"], c["httpOnly"], c["sameSite"]) for c in host_cookies] == [
        ("127.0.0.1", True, "Strict")
    ]
    assert loot["localStorage"] is None
    assert "meetingToken" not in loot["cookie"]


def run_cell_with(page: Any, cell: Any, source: str) -> None:
    """Replace ``cell``'s source with ``source`` and run it and the check below it."""
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(source)  # inserted as is: no auto-closed brackets
    page.keyboard.press("Shift+Enter")
    page.keyboard.press("Shift+Enter")


def test_run_all_stops_at_the_check_which_then_judges_the_learners_own_answer(
    lab: Lab, chromium: Any, screenshot: Any
) -> None:
    """Chapter 2 run as a learner runs it: the empty answer cell sends them to it, a wrong answer
    is refused with what to fix, their right one passes; the solution never ran."""
    context, page = open_with_kernel(lab, chromium, "02-minting.ipynb")
    outputs = page.locator(".jp-CodeCell .jp-OutputArea-output")
    run_all_until(
        page, outputs.filter(has_text="`viewer` is not set yet: write your answer in the empty cell")
    )
    answer_cell = page.locator(".jp-CodeCell", has=page.locator(".cm-content", has_text="# Your answer"))
    grace = '{"room_name": "wordfare-demo", "user_name": "Grace", "start_video_off": True, '
    grace += '"exp": int(time.time()) + 1800'
    run_cell_with(page, answer_cell, f"viewer = client.create_meeting_token({grace}, 'is_owner': True}})")
    outputs.filter(has_text="Grace is not the owner").wait_for(timeout=30_000)
    answer_cell = page.locator(".jp-CodeCell", has=page.locator(".cm-content", has_text="viewer = client"))
    run_cell_with(page, answer_cell, f"viewer = client.create_meeting_token({grace}}})")
    outputs.filter(has_text="Room, name, owner flag, camera and lifetime all check out.").wait_for(
        timeout=30_000
    )
    screenshot(page, SCREENSHOTS / "exercise-02-minting-judged.png")
    solution_ran = outputs.filter(has_text="'u': 'Grace'").count()
    context.close()
    assert solution_ran == 0
