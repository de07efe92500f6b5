"""The storage chapter's screenshots (Fig. 5.1-5.4) on a phone: readable text, the whole page a tap away.

The figures are screenshots of the game (tests/test_game_browser.py takes them, at device scale 1,
and checks that their smallest text is at least `SCREENSHOT_SMALLEST_TEXT` pixels). In the built page at
390 px, a figure's text is that size times the figure's displayed width over its natural width;
it must be at least as large as the diagrams' smallest labels (test_site.py), and each figure
links to the whole page it was cut from.
"""

from __future__ import annotations

import pathlib
import struct
import subprocess
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from loopback import serving_folder

ROOT = pathlib.Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
PAGE = "notebooks/05-storage.html"
PHONE_WIDTH = 390
SCREENSHOT_SMALLEST_TEXT = 13  # image pixels, at least: the game pages' code, at device scale 1
SMALLEST_TEXT = 11  # CSS pixels on the reader's screen, as for the diagrams' labels


def png_width(path: pathlib.Path) -> int:
    """A PNG's width in pixels, from its header."""
    return struct.unpack(">I", path.read_bytes()[16:20])[0]


@pytest.fixture(scope="module")
def phone_page(book_build: subprocess.CompletedProcess, chromium: object) -> Iterator[object]:
    """The storage chapter, built, opened at a phone's width."""
    if book_build.returncode != 0:
        pytest.fail("the book did not build: see test_site.py::test_book_builds_strictly_without_warnings")
    with serving_folder(SITE) as base_url:
        context = chromium.new_context(viewport={"width": PHONE_WIDTH, "height": 900})
        page = context.new_page()
        page.goto(f"{base_url}/{PAGE}", wait_until="networkidle")
        yield page
        context.close()


def figures(page: object) -> list[dict[str, object]]:
    """Each figure's image: its natural and displayed width, and the link around it."""
    return page.eval_on_selector_all(
        "figure img",
        """images => images.map((img) => ({
          src: img.currentSrc,
          natural: img.naturalWidth,
          shown: img.getBoundingClientRect().width,
          link: img.closest("a") ? img.closest("a").href : null,
        }))""",
    )


def name_of(figure: dict[str, object]) -> str:
    return pathlib.PurePosixPath(urlsplit(figure["src"]).path).name


def test_the_storage_chapter_shows_four_screenshot_figures(phone_page: object) -> None:
    shown = [name_of(f) for f in figures(phone_page)]
    assert len(shown) == 4
    assert [name[:2] for name in shown] == ["04", "05", "06", "07"]


def test_each_figures_smallest_text_is_readable_on_a_phone(phone_page: object) -> None:
    sizes = {name_of(f): SCREENSHOT_SMALLEST_TEXT * f["shown"] / f["natural"] for f in figures(phone_page)}
    assert {name: size for name, size in sizes.items() if size < SMALLEST_TEXT} == {}
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH


def test_each_figure_links_to_the_whole_page_it_was_cut_from(phone_page: object) -> None:
    for figure in figures(phone_page):
        assert figure["link"] is not None, figure["src"]
        target = SITE / urlsplit(figure["link"]).path.lstrip("/")
        assert target.is_file(), figure["link"]
        assert png_width(target) > figure["natural"], "the link leads to the whole page, not the figure"
