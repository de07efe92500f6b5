"""The page-weight budget: what a reader's browser downloads for each page of the built book.

Every page of the table of contents is opened in Chromium at a desktop width with an empty cache,
from `_build/html` served on loopback by `tests/metered.py`, which counts every byte it sends
(uncompressed: the budget holds on a host that compresses nothing). The count stops once the
server has been quiet for a while after the page's load, so downloads a page starts later (on
idle, on a timer) count too. A page may move at most `BUDGET` bytes: the book's own weight, not
JupyterLite's, which the reader downloads only by launching it.
"""

from __future__ import annotations

import pathlib
import subprocess
import time
from collections.abc import Iterator

import pytest

from book_toc import toc_files
from metered import Meter, serving_metered

ROOT = pathlib.Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
BUDGET = 1_500_000  # bytes a page may move on a first visit
QUIET = 4.0  # s without a byte sent after the load event: the page is done (idle work starts by 3 s)


@pytest.fixture(scope="module")
def metered_site(book_build: subprocess.CompletedProcess) -> Iterator[tuple[str, Meter]]:
    if book_build.returncode != 0:
        pytest.fail("the book did not build: see test_site.py's test_book_builds_strictly_without_warnings")
    with serving_metered(SITE, compressed=False) as served:
        yield served


def bytes_moved(chromium: object, base_url: str, meter: Meter, page_name: str) -> int:
    """Bytes the server sent for one page, from navigation until it has been quiet for QUIET."""
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        meter.reset()
        page.goto(f"{base_url}/{page_name}.html", wait_until="load")
        deadline = time.monotonic() + 60
        while meter.quiet_since() < QUIET and time.monotonic() < deadline:
            page.wait_for_timeout(250)
        return meter.total
    finally:
        context.close()


@pytest.mark.parametrize("name", toc_files())
def test_a_first_visit_to_each_page_moves_at_most_one_and_a_half_megabytes(
    chromium: object, metered_site: tuple[str, Meter], name: str
) -> None:
    base_url, meter = metered_site
    moved = bytes_moved(chromium, base_url, meter, name)
    largest = ", ".join(f"{path} {size / 1e3:.0f} kB" for path, size in meter.sent.most_common(5))
    assert moved <= BUDGET, (
        f"{name} moved {moved / 1e6:.2f} MB (budget {BUDGET / 1e6:g} MB); largest: {largest}"
    )
