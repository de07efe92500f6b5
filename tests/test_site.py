"""The built book, checked the way a reader meets it: every page in a real browser, offline.

The session fixture `book_build` (conftest.py, shared by every xdist worker) builds the book
strictly (`jupyter-book build . --all -W -n --keep-going`, so warnings from unchanged pages are
reported again; notebook results come from the jupyter cache in `_build/.jupyter_cache`); `site`
serves `_build/html` on a loopback port, and every test opens pages in Debian's Chromium. Any
request to another host is blocked and fails the test. With `--screenshots`, a full-page
screenshot of every page at both widths lands in `artifacts/screenshots/`.
"""

from __future__ import annotations

import json
import pathlib
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from book_toc import toc_files
from conftest import requests_to_other_hosts
from loopback import serving_folder

ROOT = pathlib.Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


PAGES = toc_files()
NOTEBOOK_PAGES = [name for name in PAGES if (ROOT / f"{name}.ipynb").is_file()]
# Pages whose notebooks display widgets: their saved metadata holds the widget state.
WIDGET_PAGES = [
    name
    for name in NOTEBOOK_PAGES
    if "widgets" in json.loads((ROOT / f"{name}.ipynb").read_text(encoding="utf-8"))["metadata"]
]


@dataclass
class Site:
    """The built book on a loopback port."""

    root: pathlib.Path
    base_url: str

    def url(self, page: str) -> str:
        return f"{self.base_url}/{page}.html"

    def html(self, page: str) -> str:
        return (self.root / f"{page}.html").read_text(encoding="utf-8")


def test_book_builds_strictly_without_warnings(book_build: subprocess.CompletedProcess) -> None:
    if book_build.returncode != 0:
        log = "\n".join(
            line for line in (book_build.stdout + book_build.stderr).splitlines()
            if "WARNING" in line or "ERROR" in line or "Error" in line
        )
        pytest.fail(
            f"`{' '.join(book_build.args)}` failed ({book_build.returncode}):\n{log}\n\n"
            f"Last lines of its output:\n{book_build.stdout[-3000:]}{book_build.stderr[-3000:]}",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def site(book_build: subprocess.CompletedProcess) -> Iterator[Site]:
    if book_build.returncode != 0:
        pytest.fail("the book did not build: see test_book_builds_strictly_without_warnings")
    with serving_folder(SITE) as base_url:
        yield Site(SITE, base_url)


@dataclass
class Visit:
    """A page opened in the browser, with everything that went wrong while it loaded."""

    page: object
    outside_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    bad_responses: list[str] = field(default_factory=list)


# Pages kept open for the tests that follow: tests/conftest.py runs the tests of one page one
# after another on one worker, so each page loads once per width instead of once per test.
OPEN_PAGES = 4


@pytest.fixture(scope="module")
def open_page(site: Site, chromium: object) -> Iterator[object]:
    """Open a page of the site, recording every request to another host (Chromium fails them:
    ``CHROMIUM_ARGS``), every console error and every failed response.

    The pages of one width share a browser context, and so its cache, as a reader's tabs do. A
    page already open at that width is given again as it is: the tests only read it."""
    contexts: dict[int, object] = {}
    visits: dict[tuple[str, int], Visit] = {}

    def load(path: str, width: int) -> Visit:
        if width not in contexts:
            contexts[width] = chromium.new_context(viewport={"width": width, "height": 900})
        page = contexts[width].new_page()
        visit = Visit(page, requests_to_other_hosts(page, site.base_url))

        def on_console(message: object) -> None:
            if message.type == "error":
                visit.console_errors.append(f"{message.text} ({message.location.get('url')})")

        def on_response(response: object) -> None:
            if response.status >= 400:
                visit.bad_responses.append(f"{response.status} {response.url}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: visit.console_errors.append(f"uncaught: {error}"))
        page.on("response", on_response)
        page.goto(f"{site.base_url}/{path}", wait_until="networkidle")
        return visit

    def open_(path: str, width: int = 1280) -> Visit:
        if (path, width) not in visits:
            if len(visits) == OPEN_PAGES:
                visits.pop(next(iter(visits))).page.close()
            visits[path, width] = load(path, width)
        return visits[path, width]

    yield open_
    for context in contexts.values():
        context.close()


def assert_clean(visit: Visit) -> None:
    assert visit.outside_requests == [], "requests left the site"
    assert visit.console_errors == [], "the browser console reported errors"
    assert visit.bad_responses == [], "some files of the site are missing"


@pytest.mark.parametrize("name", PAGES)
def test_page_loads_offline_without_errors(open_page: object, screenshot: object, name: str) -> None:
    visit = open_page(f"{name}.html")
    screenshot(visit.page, SCREENSHOTS / f"{name.replace('/', '__')}.png", full_page=True)
    assert_clean(visit)
    assert visit.page.locator("main h1").count() >= 1


PHONE_WIDTH = 390


@pytest.mark.parametrize("name", PAGES)
def test_page_fits_a_phone_without_sideways_scrolling(
    open_page: object, screenshot: object, name: str
) -> None:
    """At 390 px nothing is wider than the screen; code blocks and tables scroll in their own box."""
    visit = open_page(f"{name}.html", width=PHONE_WIDTH)
    page = visit.page
    if name in WIDGET_PAGES:
        page.wait_for_selector(".widget-subarea .mt-widget, .widget-subarea .lm-Widget")
    screenshot(page, SCREENSHOTS / f"phone-{name.replace('/', '__')}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH


def test_the_chapters_with_widgets_are_the_ones_that_use_them() -> None:
    assert WIDGET_PAGES == [
        "notebooks/01-anatomy",
        "notebooks/05-storage",
        "notebooks/06-validating",
        "notebooks/widget-gallery",
    ]


@pytest.mark.parametrize("name", WIDGET_PAGES)
def test_saved_widgets_render_on_the_static_page(site: Site, open_page: object, name: str) -> None:
    html = site.html(name)
    assert WIDGET_STATE in html, "the notebook holds widget state but the page does not"
    views = html.count(f'type="{WIDGET_VIEW}"')
    visit = open_page(f"{name}.html")
    page = visit.page
    page.wait_for_function(
        "n => document.querySelectorAll('.widget-subarea > .lm-Widget').length >= n", arg=views
    )
    sizes = page.eval_on_selector_all(
        ".widget-subarea > .lm-Widget",
        "nodes => nodes.map(n => { const r = n.getBoundingClientRect(); return r.width * r.height; })",
    )
    assert len(sizes) == views
    assert all(size > 0 for size in sizes), "a widget rendered with no visible size"
    assert "Error displaying widget" not in page.inner_text("body")
    assert_clean(visit)


@pytest.mark.parametrize("name", NOTEBOOK_PAGES)
def test_notebook_page_offers_its_ipynb_for_download(site: Site, open_page: object, name: str) -> None:
    visit = open_page(f"{name}.html")
    link = visit.page.locator(f'a[href$="_sources/{name}.ipynb"]')
    assert link.count() == 1
    assert (site.root / "_sources" / f"{name}.ipynb").is_file()


@pytest.mark.parametrize("name", NOTEBOOK_PAGES)
def test_a_local_build_offers_no_binder_launch(open_page: object, name: str) -> None:
    # Binder and the repository button need the repository's public home, which only the
    # publishing workflow knows (BOOK_REPOSITORY_URL; tests/test_lite.py checks that build's options).
    visit = open_page(f"{name}.html")
    assert visit.page.locator('a[href*="mybinder.org"]').count() == 0


def test_a_local_build_has_no_repository_button(open_page: object) -> None:
    visit = open_page("index.html")
    hrefs = visit.page.eval_on_selector_all("a.btn[href]", "links => links.map(a => a.getAttribute('href'))")
    assert [href for href in hrefs if "github.com" in href] == []


def test_search_finds_the_nbf_claim(open_page: object) -> None:
    visit = open_page("search.html?q=nbf")
    results = visit.page.locator("#search-results ul.search li a")
    results.first.wait_for()
    targets = results.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert any("book/glossary.html" in target for target in targets)
    assert_clean(visit)


# Accessibility: what axe-core (shipped by axe-playwright-python) finds against WCAG 2.1 A and AA.
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def serious_violations(page: object) -> list[str]:
    """Each node axe-core rates a serious or critical WCAG 2.1 AA violation, with its reason."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": WCAG_21_AA, "resultTypes": ["violations"]}
    results = Axe().run(page, options=options)
    return [
        f"{violation['id']}: {node['target']} {node['failureSummary']}"
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
        for node in violation["nodes"]
    ]


def drawn(visit: Visit, name: str) -> object:
    """The page once its widgets (if it has any) have drawn and re-checked by the reader's clock."""
    page = visit.page
    if name in WIDGET_PAGES:
        page.wait_for_selector(".widget-subarea .mt-widget")
        page.wait_for_function(
            "() => ![...document.querySelectorAll('.mt-inspector .mt-output, .mt-editor .mt-output')]"
            ".some((o) => o.innerText.includes('computed by the Python package'))"
        )
    return page


# At 390 px the theme folds its sidebars into drawers and its header into buttons: the same on
# every page, so the phone layout is checked on a page of each kind (a Markdown page, a chapter
# with widgets and a diagram, the gallery of every widget). The pages' content is the same at
# both widths and is checked on every page at 1280 px. (axe at 390 px on every page took about
# 2 minutes of a run's time, 30 s of it on the API reference.)
PHONE_LAYOUT_PAGES = ["book/intro", "notebooks/06-validating", "notebooks/widget-gallery"]
AXE_VISITS = [(name, 1280) for name in PAGES] + [(name, PHONE_WIDTH) for name in PHONE_LAYOUT_PAGES]


@pytest.mark.parametrize(("name", "width"), AXE_VISITS, ids=[f"{name}-{width}" for name, width in AXE_VISITS])
def test_page_has_no_serious_accessibility_violation(open_page: object, name: str, width: int) -> None:
    page = drawn(open_page(f"{name}.html", width=width), name)
    assert serious_violations(page) == []


def test_the_phone_layout_is_checked_on_pages_of_the_book() -> None:
    assert set(PHONE_LAYOUT_PAGES) <= set(PAGES) and set(PHONE_LAYOUT_PAGES) & set(WIDGET_PAGES)


@pytest.mark.parametrize("name", PAGES)
def test_every_image_says_what_it_shows(open_page: object, name: str) -> None:
    """Every <img> and every SVG drawn as an image has a name, and not its file's name."""
    page = drawn(open_page(f"{name}.html"), name)
    images = page.eval_on_selector_all(
        "img, svg[role=img]",
        """nodes => nodes.map((n) => ({
          src: n.getAttribute("src") || "",
          alt: (n.tagName === "IMG" ? n.getAttribute("alt") : n.getAttribute("aria-label")) || "",
        }))""",
    )
    nameless = [image for image in images if len(image["alt"].split()) < 2]
    paths = [
        image
        for image in images
        if image["src"]
        and pathlib.PurePosixPath(image["src"]).name in image["alt"]
        or image["alt"].lower().endswith((".png", ".svg", ".jpg", ".jpeg", ".gif"))
    ]
    assert nameless == [] and paths == []


DIAGRAM_PAGES = [
    name for name in NOTEBOOK_PAGES if "sequence_diagram(" in (ROOT / f"{name}.ipynb").read_text()
]
SMALLEST_LABEL = 11  # CSS pixels


def test_the_chapters_with_sequence_diagrams_are_the_flows() -> None:
    assert DIAGRAM_PAGES == [
        "notebooks/02-minting",
        "notebooks/03-self-signing",
        "notebooks/04-joining",
        "notebooks/06-validating",
        "notebooks/07-bots",
        "notebooks/key-rotation",
    ]


@pytest.mark.parametrize("name", [*DIAGRAM_PAGES, "notebooks/05-storage"])
def test_diagrams_are_svg_whose_smallest_label_is_readable_on_a_phone(open_page: object, name: str) -> None:
    """At 390 px a diagram keeps its drawn size in a box that scrolls sideways: labels do not shrink."""
    page = open_page(f"{name}.html", width=PHONE_WIDTH).page
    sizes = page.eval_on_selector_all(
        ".mt-diagram svg",
        """svgs => svgs.map((svg) => {
          const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
          const texts = [...svg.querySelectorAll("text, tspan")];
          const fonts = texts.map((t) => parseFloat(getComputedStyle(t).fontSize));
          return Math.min(...fonts) * scale;
        })""",
    )
    assert len(sizes) == 1
    assert min(sizes) >= SMALLEST_LABEL
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
