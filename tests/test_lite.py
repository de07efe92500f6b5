"""The chapters as real Python in the reader's browser: JupyterLite, served from the built book.

The tests use the session's book build (`book_build` in conftest.py, which also builds
JupyterLite into `_build/html/lite/`) and serve `_build/html` on a loopback port. In Chromium, each
chapter opens in JupyterLite's lab, runs all its cells in the Pyodide kernel, and must end
with no error and with an output that only its last cells make; any request to another host
fails the test. With `--screenshots`, screenshots land in `artifacts/screenshots/lite-*.png`.
Pyodide's start takes about 10 to 40 seconds on two cores, so each chapter is opened once: the
test that reads its rendered Markdown and the test that runs it share one tab (`lite_tabs`).
"""

from __future__ import annotations

import hashlib
import html as html_module
import json
import os
import pathlib
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from book_lite import LAUNCH_TEXT, lite_lab_url

from book_toc import toc_files
from conftest import git, requests_to_other_hosts
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
    "notebooks/01-anatomy": "One character of the payload changed, and it still decodes.",
    "notebooks/02-minting": "'u': 'Grace'",
    "notebooks/03-self-signing": "True {'room_name': 'hello'",
    "notebooks/04-joining": "Your guess matches the server's answer.",
    "notebooks/05-storage": "localStorage: Readable by any script",
    "notebooks/06-validating": "owner escalation (False",
    "notebooks/07-bots": "Right: the room's ejection does not reach a token that sets eject_at_token_exp",
    "notebooks/key-rotation": "(True, 'the token is not valid (expired)')",
    "notebooks/troubleshooting": "(missing-self-signed-claim)",
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
    return html_module.unescape(match.group(1))


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_chapter_page_launches_its_own_notebook_in_the_lite_lab(
    built_site: pathlib.Path, chapter: str
) -> None:
    href = launch_href(built_site, chapter)
    target = urlsplit(href)
    assert (built_site / chapter).parent.joinpath(target.path).resolve() == built_site / "lite/lab/index.html"
    query = parse_qs(target.query)
    assert query["path"] == [pathlib.PurePosixPath(chapter).name + ".ipynb"]
    assert (built_site / "lite" / "files" / query["path"][0]).is_file()
    # Each chapter its own workspace, so a launch does not reopen the chapters launched before
    # (the Lite tabs below share one browser, one chapter after another, as a reader's do).
    assert query["workspace"] == [pathlib.PurePosixPath(chapter).name]


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


# Run All has finished: no cell waits ("[*]"), and either every code cell has a number or one
# failed (then the rest stay unnumbered, and JupyterLab's kernel indicator stays "busy").
CELLS_DONE = """() => {
  const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(p => p.textContent);
  const failed = [...document.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"]')]
    .some(e => /Traceback|Error/.test(e.textContent));
  return prompts.length > 0 && !prompts.some(p => p.includes('*'))
    && (failed || prompts.every(p => /\\[\\d+\\]/.test(p)));
}"""


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


# The chapters' MyST, rewritten for JupyterLite (book/_ext/lite_markdown.py) -------------------

TITLES = {"notebooks/02-minting": "Minting through the REST API", "book/glossary": "Glossary"}
LABELS = {"assumption-rate-windows": "Rate-limit windows"}


def rewrite(source: str, shipped: dict[str, str] | None = None) -> str:
    from lite_markdown import MystToMarkdown

    rewriter = MystToMarkdown(
        "notebooks/01-anatomy", TITLES.get, LABELS.get,
        lambda doc: doc.removeprefix("notebooks/") if doc.startswith("notebooks/") else None,
        lambda path: "images/" + path.removeprefix("book/images/"),
    )  # fmt: skip
    text = rewriter.cell(source)
    if shipped is not None:
        shipped.update(rewriter.shipped)
    return text


def test_an_admonition_becomes_an_open_details_block_titled_by_its_kind() -> None:
    text = rewrite("```{warning}\nSigned, **not** encrypted.\n```")
    assert text.splitlines()[:2] == ['<details class="myst-admonition myst-warning" open>',
                                     "<summary><strong>Warning</strong></summary>"]  # fmt: skip
    assert "Signed, **not** encrypted." in text and text.endswith("</details>")
    assert "```" not in text


def test_an_exercise_keeps_its_title_and_a_solution_stays_folded() -> None:
    exercise = rewrite("```{admonition} Exercise 1: `r` and `o`\n:class: tip\nFind the room.\n```")
    assert "<summary><strong>Exercise 1: <code>r</code> and <code>o</code></strong></summary>" in exercise
    assert ":class:" not in exercise and " open>" in exercise
    for solution in ("```{dropdown} Solution\nprint(1)\n```",
                     "```{admonition} Solution\n:class: dropdown\nprint(1)\n```",
                     ":::{dropdown} Solution\nprint(1)\n:::"):  # fmt: skip
        folded = rewrite(solution)
        assert folded.splitlines()[0].endswith('">') and " open" not in folded.splitlines()[0]
        assert "<summary><strong>Solution</strong></summary>" in folded


def test_fenced_code_inside_a_directive_and_outside_is_left_as_written() -> None:
    text = rewrite("````{note}\nRun:\n```python\nx = {term}`JWT`\n```\n````\n\n```console\n$ ls\n```")
    assert "```python\nx = {term}`JWT`\n```" in text
    assert "```console\n$ ls\n```" in text
    assert "````" not in text


def test_roles_become_words_or_links_to_notebooks_that_lite_has() -> None:
    text = rewrite(
        "A {term}`JWT`, the {term}`room claim <room name claim (r)>`, see {doc}`02-minting`, "
        "{doc}`the list </book/glossary>`, {doc}`/book/glossary`, {ref}`assumption <assumption-x>`, "
        "{ref}`assumption-rate-windows` and `{term}` in code."
    )
    assert text == (
        "A JWT, the room claim, see [Minting through the REST API](02-minting.ipynb), "
        "the list, Glossary, assumption, Rate-limit windows and `{term}` in code."
    )


def test_label_lines_and_comments_are_dropped() -> None:
    assert rewrite("(anatomy)=\n# Anatomy\n% a note to editors\nText.") == "# Anatomy\nText."


def test_a_figure_becomes_an_image_shipped_beside_the_notebooks_with_its_caption() -> None:
    shipped: dict[str, str] = {}
    text = rewrite(
        "```{figure} ../book/images/game/04-x.png\n:width: 80%\nThe `cookie` is empty.\n```", shipped
    )
    assert '<img src="images/game/04-x.png" alt="The cookie is empty." width="80%">' in text
    assert "<figcaption>\n\nThe `cookie` is empty.\n\n</figcaption>" in text
    assert shipped == {"images/game/04-x.png": "book/images/game/04-x.png"}
    assert ":width:" not in text


def test_a_markdown_image_with_a_relative_path_is_shipped_too() -> None:
    shipped: dict[str, str] = {}
    assert rewrite("![a diagram](../book/images/d.svg) ![remote](https://example.org/x.png)", shipped) == (
        "![a diagram](images/d.svg) ![remote](https://example.org/x.png)"
    )
    assert shipped == {"images/d.svg": "book/images/d.svg"}


def test_the_books_hide_tags_fold_the_cell_in_jupyterlab() -> None:
    from lite_markdown import fold_tags

    assert fold_tags(["hide-cell"]) == {"source_hidden": True, "outputs_hidden": True}
    assert fold_tags(["hide-input", "nbval-ignore-output"]) == {"source_hidden": True}
    assert fold_tags(["nbval-ignore-output"]) == {}


# What the Lite build ships ---------------------------------------------------------------------


def _chapter(markdown: str) -> str:
    import nbformat

    cells = [
        nbformat.v4.new_markdown_cell(markdown),
        nbformat.v4.new_code_cell("print(1)", metadata={"tags": ["hide-cell"]}),
    ]
    return nbformat.writes(nbformat.v4.new_notebook(cells=cells))


@pytest.fixture
def repository(tmp_path: pathlib.Path) -> pathlib.Path:
    """A small git checkout: one tracked chapter with a tracked figure, and working-tree strays."""
    (tmp_path / "notebooks" / ".ipynb_checkpoints").mkdir(parents=True)
    (tmp_path / "book" / "images").mkdir(parents=True)
    (tmp_path / "notebooks" / "01-one.ipynb").write_text(
        _chapter("# One\n```{figure} ../book/images/f.png\nF.\n```")
    )
    (tmp_path / "book" / "images" / "f.png").write_bytes(b"\x89PNG figure")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "notebooks/01-one.ipynb", "book/images/f.png")
    (tmp_path / "notebooks" / "scratch.ipynb").write_text(_chapter("# Scratch"))
    (tmp_path / "notebooks" / ".ipynb_checkpoints" / "01-one-checkpoint.ipynb").write_text(_chapter("# Old"))
    (tmp_path / "book" / "images" / "stray.png").write_bytes(b"\x89PNG stray")
    return tmp_path


def test_lite_ships_only_the_chapters_and_figures_that_git_tracks(repository: pathlib.Path) -> None:
    from book_lite import _stage_contents

    contents = repository / "stage" / "contents"
    (contents / "workspace").mkdir(parents=True)  # left over from an earlier build: removed
    _stage_contents(repository, contents)
    shipped = sorted(path.relative_to(contents).as_posix() for path in contents.rglob("*") if path.is_file())
    assert shipped == ["01-one.ipynb", "images/f.png"]
    notebook = json.loads((contents / "01-one.ipynb").read_text(encoding="utf-8"))
    assert notebook["cells"][1]["metadata"]["jupyter"] == {"source_hidden": True, "outputs_hidden": True}


def test_a_figure_that_git_does_not_track_stops_the_lite_build(repository: pathlib.Path) -> None:
    from book_lite import LiteBuildError, _stage_contents

    (repository / "notebooks" / "01-one.ipynb").write_text(
        _chapter("```{figure} ../book/images/stray.png\nS.\n```")
    )
    with pytest.raises(LiteBuildError, match="not a file git tracks: book/images/stray.png"):
        _stage_contents(repository, repository / "stage" / "contents")


def test_outside_a_git_checkout_the_lite_build_says_why_it_stops(tmp_path: pathlib.Path) -> None:
    from book_lite import LiteBuildError, tracked_files

    with pytest.raises(LiteBuildError, match="ships only files that git tracks"):
        tracked_files(tmp_path, "notebooks")


def test_a_wheel_whose_bytes_differ_from_the_recorded_hash_stops_the_build(tmp_path: pathlib.Path) -> None:
    from book_lite import LiteBuildError, check_hashes

    wheel = tmp_path / "pyjwt-2.15.1-py3-none-any.whl"
    wheel.write_bytes(b"the wheel as recorded")
    recorded = {wheel.name: hashlib.sha256(b"the wheel as recorded").hexdigest()}
    check_hashes([wheel], recorded)  # as recorded: no complaint
    wheel.write_bytes(b"a tampered wheel")
    with pytest.raises(LiteBuildError, match=r"pyjwt-2\.15\.1-py3-none-any\.whl: sha256 [0-9a-f]{64}, but"):
        check_hashes([wheel], recorded)
    unknown = tmp_path / "extra-1.0-py3-none-any.whl"
    unknown.write_bytes(b"x")
    with pytest.raises(LiteBuildError, match="extra-1.0-py3-none-any.whl: no recorded hash"):
        check_hashes([unknown], recorded)


def test_the_recorded_hashes_are_a_sha256sum_list_of_wheels() -> None:
    from book_lite import read_recorded_hashes

    recorded = read_recorded_hashes(ROOT)
    assert recorded and all(name.endswith(".whl") for name in recorded)
    assert all(re.fullmatch(r"[0-9a-f]{64}", digest) for digest in recorded.values())
    assert not any(
        name.startswith("meeting_tokens") or name.startswith("meeting-tokens") for name in recorded
    )


def test_every_wheel_in_the_built_lite_site_matches_its_recorded_hash(built_site: pathlib.Path) -> None:
    from book_lite import read_recorded_hashes

    recorded = read_recorded_hashes(ROOT)
    wheels = sorted((built_site / "lite/static/pyodide").glob("*.whl"))
    others = [wheel for wheel in wheels if not wheel.name.startswith("meeting_tokens-")]
    assert len(others) == len(wheels) - 1
    assert {wheel.name: hashlib.sha256(wheel.read_bytes()).hexdigest() for wheel in others} == recorded


def test_the_built_lite_files_are_the_tracked_chapters_and_their_figures(built_site: pathlib.Path) -> None:
    from book_lite import tracked_files

    files = built_site / "lite" / "files"
    shipped = sorted(path.relative_to(files).as_posix() for path in files.rglob("*") if path.is_file())
    chapters = [
        name.removeprefix("notebooks/")
        for name in tracked_files(ROOT, "notebooks")
        if name.endswith(".ipynb")
    ]
    # Beside a file the build may write its gzip (NAME.gz, for hosts that serve it as NAME).
    assert all(name.removesuffix(".gz") in shipped for name in shipped if name.endswith(".gz"))
    shipped = [name for name in shipped if not name.endswith(".gz")]
    assert [name for name in shipped if not name.startswith("images/")] == sorted(chapters)
    tracked = set(tracked_files(ROOT, "book/images"))
    assert all(
        f"book/images/{name.removeprefix('images/')}" in tracked
        for name in shipped
        if name.startswith("images/")
    )


def test_the_kernels_own_wheels_are_preloaded_so_micropip_installs_nothing_at_start(
    built_site: pathlib.Path,
) -> None:
    config = json.loads((built_site / "lite" / "jupyter-lite.json").read_text(encoding="utf-8"))
    kernel = config["jupyter-config-data"]["litePluginSettings"][
        "@jupyterlite/pyodide-kernel-extension:kernel"
    ]
    assert {"piplite", "pyodide-kernel", "ipykernel", "micropip", "ipython", "jedi", "comm"} <= set(
        kernel["loadPyodideOptions"]["packages"]
    )


# Chrome and noise ------------------------------------------------------------------------------


def test_the_launch_note_serves_the_book_on_loopback_only() -> None:
    from book_lite import launch_html

    assert "<code>python -m http.server --bind 127.0.0.1 -d _build/html</code>" in launch_html(
        1, "01-anatomy.ipynb"
    )


def test_lab_disables_the_lite_kernel_extension_and_lite_keeps_it() -> None:
    from jupyterlab_server.config import get_page_config

    labextensions = [str(pathlib.Path(sys.prefix) / "share" / "jupyter" / "labextensions")]
    lab = get_page_config(labextensions, app_settings_dir=str(ROOT / "lab"))
    assert "@jupyterlite/pyodide-kernel-extension" in lab["disabledExtensions"]
    lite = json.loads((ROOT / "lite" / "jupyter-lite.json").read_text(encoding="utf-8"))
    assert "@jupyterlite/pyodide-kernel-extension" not in lite["jupyter-config-data"].get(
        "disabledExtensions", []
    )


def test_the_books_kernels_talk_over_ipc_so_ipykernel_has_no_tcp_warning() -> None:
    # In a separate interpreter: the setting applies to every kernel its process starts.
    code = ("import book_settings; book_settings.use_ipc_kernels()\n"
            "from jupyter_client.manager import AsyncKernelManager\n"
            "a, b = AsyncKernelManager(), AsyncKernelManager()\n"
            "print(a.transport, a.ip != b.ip, a.ip)")  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT / "book" / "_ext")}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)  # noqa: S603
    transport, unique, path = result.stdout.split()
    assert (transport, unique) == ("ipc", "True")
    # Absolute, in Jupyter's runtime folder: the kernel runs in the chapter's folder, the build not.
    from jupyter_core.paths import jupyter_runtime_dir

    assert pathlib.Path(path).parent == pathlib.Path(jupyter_runtime_dir())


def test_a_build_without_a_published_home_has_no_repository_or_binder_button() -> None:
    from book_settings import home_options

    assert home_options({}) == {
        "repository_url": "", "use_repository_button": False, "launch_buttons": {"binderhub_url": ""},
    }  # fmt: skip


def test_the_publishing_build_links_to_its_own_repository_and_binder() -> None:
    from book_settings import home_options

    options = home_options(
        {"BOOK_REPOSITORY_URL": "https://github.com/acme/tokens-book/", "BOOK_REPOSITORY_BRANCH": "main"}
    )
    assert options == {
        "repository_url": "https://github.com/acme/tokens-book",
        "repository_branch": "main",
        "use_repository_button": True,
        "launch_buttons": {"binderhub_url": "https://mybinder.org"},
    }
    with pytest.raises(ValueError, match="must look like https://github.com/<owner>/<name>"):
        home_options({"BOOK_REPOSITORY_URL": "javascript:alert(1)"})


def test_the_pages_workflow_passes_its_repository_into_the_build() -> None:
    import yaml

    workflow = yaml.safe_load((ROOT / ".github/workflows/pages.yml").read_text(encoding="utf-8"))
    step = next(step for step in workflow["jobs"]["build"]["steps"] if step.get("run") == "make book")
    assert step["env"]["BOOK_REPOSITORY_URL"] == "${{ github.server_url }}/${{ github.repository }}"


def test_the_local_build_has_no_placeholder_or_launch_link_anywhere(built_site: pathlib.Path) -> None:
    assert "BOOK_REPOSITORY_URL" not in os.environ  # this test checks the local build
    found = {
        str(path.relative_to(built_site)): word
        for path in built_site.rglob("*.html")
        if "lite" not in path.relative_to(built_site).parts[:1]
        for word in ("meeting-tokens/hands-on", "mybinder.org", "repository-button")
        if word in path.read_text(encoding="utf-8")
    }
    assert found == {}


# In Chromium: the rewritten MyST as a reader sees it in JupyterLite, and the book's chrome -----

RAW_MYST = re.compile(
    r"```|:::|\{(term|doc|ref|numref|figure|note|warning|admonition|dropdown)\}|^:\w+:|^\([\w-]+\)=$", re.M
)


def _markdown_cells(chapter: str) -> int:
    notebook = json.loads((ROOT / f"{chapter}.ipynb").read_text(encoding="utf-8"))
    return sum(1 for cell in notebook["cells"] if cell["cell_type"] == "markdown")


def _expected(chapter: str) -> tuple[int, int, int]:
    """Folded code cells, folded (dropdown) blocks and figures in a chapter's committed source."""
    notebook = json.loads((ROOT / f"{chapter}.ipynb").read_text(encoding="utf-8"))
    folding = {"hide-cell", "hide-input", "remove-cell", "remove-input"}
    folded_code = sum(1 for cell in notebook["cells"] if cell["cell_type"] == "code"
                      and folding & set(cell["metadata"].get("tags", [])))  # fmt: skip
    markdown = "\n".join(
        "".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "markdown"
    )
    dropdowns = len(re.findall(r"\{dropdown\}|^:class:.*\bdropdown\b", markdown, re.M))
    figures = len(re.findall(r"\{(figure|image)\}|!\[[^\]]*\]\((?!https?:|data:)", markdown))
    return folded_code, dropdowns, figures


@dataclass
class LiteTab:
    """A chapter open in the Lite lab, with the requests to other hosts that were blocked."""

    page: Any
    outside: list[str]


class LiteTabs:
    """Chapters opened in the Lite lab as a reader does, through the launch link on their page.

    ``look(chapter)`` gives a tab that tests only read, kept open for the next test of the chapter
    (tests/conftest.py runs a chapter's tests one after another); ``take(chapter)`` gives that tab
    or a new one to a test that changes it, and the test closes it. One tab at a time stays open:
    each holds a Pyodide kernel. The tabs share one browser context, as a reader's do who goes
    from chapter to chapter: Lite then restores what it saved of each chapter's workspace, and
    a launch must open its chapter alone (the tests count its cells and its tabs)."""

    def __init__(self, chromium: Any, base_url: str, site: pathlib.Path) -> None:
        self.base_url, self.site = base_url, site
        self.context = chromium.new_context(viewport={"width": 1280, "height": 900})
        self.kept: dict[str, LiteTab] = {}

    def _open(self, chapter: str) -> LiteTab:
        page = self.context.new_page()
        tab = LiteTab(page, requests_to_other_hosts(page, self.base_url))
        page.goto(urljoin(f"{self.base_url}/{chapter}.html", launch_href(self.site, chapter)))
        page.wait_for_selector(".jp-Notebook .jp-CodeCell", timeout=START_TIMEOUT)
        return tab

    def look(self, chapter: str) -> LiteTab:
        if chapter not in self.kept:
            self.close()
            self.kept[chapter] = self._open(chapter)
        return self.kept[chapter]

    def take(self, chapter: str) -> LiteTab:
        return self.kept.pop(chapter, None) or self._open(chapter)

    def close(self) -> None:
        for tab in self.kept.values():
            tab.page.close()
        self.kept.clear()


@pytest.fixture(scope="module")
def lite_tabs(chromium: Any, base_url: str, built_site: pathlib.Path) -> Iterator[LiteTabs]:
    tabs = LiteTabs(chromium, base_url, built_site)
    yield tabs
    tabs.close()
    tabs.context.close()


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_each_chapter_in_lite_shows_its_myst_rendered_with_solutions_folded(
    lite_tabs: LiteTabs, screenshot: Any, chapter: str
) -> None:
    tab = lite_tabs.look(chapter)
    page, outside = tab.page, tab.outside
    notebooks = page.locator("#jp-main-dock-panel .lm-TabBar-tab .lm-TabBar-tabLabel").all_inner_texts()
    assert notebooks == [f"{pathlib.PurePosixPath(chapter).name}.ipynb"]
    folded_code, dropdowns, figures = _expected(chapter)
    # Lab renders Markdown cells one by one, after the first: wait for all of them (with their
    # <details>), or a check below could run on a half-rendered notebook.
    page.wait_for_function(
        "([cells, folds]) => document.querySelectorAll('.jp-MarkdownCell .jp-RenderedMarkdown').length"
        " >= cells && document.querySelectorAll('.jp-RenderedMarkdown details').length >= folds",
        arg=[_markdown_cells(chapter), dropdowns], timeout=60_000,
    )  # fmt: skip
    images = ".jp-RenderedMarkdown img"
    loaded = f"[...document.querySelectorAll('{images}')].filter(i => i.complete && i.naturalWidth > 0)"
    page.wait_for_function(f"n => {loaded}.length >= n",
                           arg=figures, timeout=60_000)  # fmt: skip
    rendered = "\n".join(page.locator(".jp-MarkdownCell .jp-RenderedMarkdown").all_inner_texts())
    assert RAW_MYST.findall(rendered) == []
    assert page.locator(images).count() == figures
    assert page.locator(".jp-CodeCell .jp-InputPlaceholder").count() == folded_code
    closed = page.evaluate(
        "[...document.querySelectorAll('.jp-RenderedMarkdown details')].filter(d => !d.open).length"
    )
    assert closed == dropdowns
    if figures:
        page.locator(images).first.scroll_into_view_if_needed()
    screenshot(page, SCREENSHOTS / f"lite-myst-{pathlib.PurePosixPath(chapter).name}.png")
    assert outside == []


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_each_chapter_runs_to_the_end_in_the_browser_kernel(
    lite_tabs: LiteTabs, screenshot: Any, chapter: str
) -> None:
    tab = lite_tabs.take(chapter)
    page, outside = tab.page, tab.outside
    try:
        # Solutions and diagram code come folded (hide-cell, hide-input): unfold them all, so
        # that every cell shows its prompt and its output.
        for command in ("Expand All Code", "Expand All Outputs"):
            page.locator(".lm-MenuBar-itemLabel", has_text="View").first.click()
            page.locator(".lm-Menu-itemLabel", has_text=command).first.click()
        assert page.locator(".jp-CodeCell .jp-InputPlaceholder").count() == 0
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
        page.wait_for_function(CELLS_DONE, timeout=START_TIMEOUT + RUN_TIMEOUT, polling=500)
        screenshot(page, SCREENSHOTS / f"lite-{pathlib.PurePosixPath(chapter).name}.png")
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


def test_chapter_5s_source_holds_the_eight_images_lite_must_render() -> None:
    # Lite's rendering of them is checked above, against this count from the source: written out
    # here, a figure lost from the chapter (or one the count misses) fails instead of lowering it.
    # Four figures (the boxes the injected script drew, the cookie table), then each whole page.
    assert _expected("notebooks/05-storage")[2] == 8


def test_a_desktop_page_has_one_search_box(chromium: Any, base_url: str) -> None:
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(f"{base_url}/{CHAPTERS[0]}.html")
        boxes = page.locator(".search-button-field")
        assert [boxes.nth(i).is_visible() for i in range(boxes.count())].count(True) == 1
    finally:
        page.close()


def test_the_general_index_fits_a_phone(chromium: Any, base_url: str, screenshot: Any) -> None:
    page = chromium.new_page(viewport={"width": 390, "height": 844})
    try:
        page.goto(f"{base_url}/genindex.html")
        assert page.locator("table.indextable a").count() > 20
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(page, SCREENSHOTS / "genindex-390.png")
    finally:
        page.close()


def test_a_chapter_whose_metadata_names_what_the_browser_lacks_says_so_beside_its_launch() -> None:
    from book_lite import launch_html

    plain = launch_html(1, "01-anatomy.ipynb")
    noted = launch_html(1, "07-bots.ipynb", "pipecat does not load")
    assert "lite-launch-missing" not in plain
    assert '<p class="lite-launch-missing">Not in the browser: pipecat does not load</p>' in noted


def test_the_bots_chapter_says_beside_its_launch_that_its_pipecat_cells_skip(
    built_site: pathlib.Path,
) -> None:
    html = (built_site / "notebooks" / "07-bots.html").read_text(encoding="utf-8")
    note = re.search(r'<p class="lite-launch-missing">(.*?)</p>', html)
    assert note, "07-bots.html has no note beside its launch"
    assert "pipecat does not load in the browser" in note.group(1)
    assert "<code># needs pipecat</code>" in note.group(1)

# Waits and faults: what the reader sees while Python starts, and when a download fails ---------

# Ready: the kernel of the open notebook has answered (the status panel's last step).
KERNEL_READY = "() => window.bookLiteStatus?.step === 'ready'"


def test_the_launch_line_says_what_the_first_start_downloads_and_how_long_it_takes() -> None:
    from book_lite import FIRST_START, LATER_START, launch_html

    note = launch_html(1, "01-anatomy.ipynb")
    assert "a few seconds" not in note
    assert re.search(r"about \d+ MB", FIRST_START) and re.search(r"\d+ s .*on home broadband", FIRST_START)
    assert FIRST_START in note and LATER_START in note


def test_while_python_starts_the_lab_says_what_it_is_doing_step_by_step(chromium: Any, base_url: str) -> None:
    page = chromium.new_page(viewport={"width": 1280, "height": 800})
    try:
        page.goto(f"{base_url}/{lite_lab_url('01-anatomy.ipynb')}")
        status = page.locator(".lite-status")
        status.wait_for(timeout=30_000)
        assert "Starting Python in this tab" in status.inner_text()
        assert "The first start downloads about" in status.inner_text()
        page.wait_for_function(KERNEL_READY, timeout=START_TIMEOUT * 2, polling=250)
        seen = page.evaluate("window.bookLiteStatus.seen")
        assert seen == ["lab", "python", "start", "packages", "ready"]
        assert page.evaluate("window.bookLiteStatus.kernelBytes") > 10_000_000
        status.wait_for(state="detached", timeout=10_000)  # gone once Python is ready
    finally:
        page.close()


def test_a_download_cut_off_mid_way_stops_the_start_with_a_message_and_a_retry_that_works(
    chromium: Any, built_site: pathlib.Path, screenshot: Any
) -> None:
    from metered import serving_metered

    with serving_metered(built_site) as (base, meter):
        meter.cut = lambda path: path.endswith("/pyodide.asm.wasm")  # the server dies mid-download
        page = chromium.new_page(viewport={"width": 1280, "height": 800})
        try:
            page.goto(f"{base}/{lite_lab_url('01-anatomy.ipynb')}")
            failed = page.locator(".lite-status-failed")
            failed.wait_for(timeout=START_TIMEOUT)
            message = " ".join(failed.inner_text().split())
            assert "Python could not start" in message
            assert "The download of pyodide.asm.wasm failed: the download was cut off" in message
            screenshot(page, SCREENSHOTS / "lite-download-cut.png")
            meter.cut = lambda path: False  # the server is back
            with page.expect_navigation():
                failed.get_by_role("button", name="Retry").click()
            page.wait_for_function(KERNEL_READY, timeout=START_TIMEOUT * 2, polling=250)
            assert page.locator(".lite-status-failed").count() == 0
        finally:
            page.close()


def test_the_static_pages_widgets_draw_when_jupyterlite_cannot_load(
    chromium: Any, built_site: pathlib.Path
) -> None:
    from metered import serving_metered

    with serving_metered(built_site) as (base, meter):
        meter.cut = lambda path: path.startswith("/lite/")
        page = chromium.new_page(viewport={"width": 1280, "height": 800})
        try:
            page.goto(f"{base}/notebooks/01-anatomy.html", wait_until="load")
            page.wait_for_function(
                "() => document.querySelector('.mt-editor .mt-token-box')?.value.split('.').length === 3"
            )
            assert page.locator(".lite-launch-link").is_visible()
        finally:
            page.close()
