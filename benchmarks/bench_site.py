"""What each page of the built site costs a reader: bytes, requests, and time until widgets answer.

Serves the built site (`_build/html`, run `make book` first) on a loopback port and opens every
page of the table of contents in Debian's Chromium with an empty cache, as a first visit. Per
page it prints the requests the page made, the bytes of the files they fetched (raw, and gzipped
at level 6, what a web server that compresses would send), and on pages with widgets the time
from navigation until every widget has drawn itself, and the same time counted from the load
event. Ratios compare each page's bytes with the lightest page of the same run (the baseline),
so they do not depend on the machine; the widget targets are printed beside the times (at most
half of the 6.7 MB a widget chapter weighed before, answering within 1 s of load).

    python benchmarks/bench_site.py                   # the repository's _build/html
    python benchmarks/bench_site.py --site DIR        # another build
"""

from __future__ import annotations

import argparse
import gzip
import pathlib
import shutil
import sys
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from book_toc import toc_files  # noqa: E402 (the tests' reading of _toc.yml)
from conftest import CHROMIUM_ARGS  # noqa: E402 (the tests' browser flags)
from loopback import serving_folder  # noqa: E402 (the tests' loopback server)

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
TARGET_WIDGET_BYTES = 6.7e6 / 2  # half of a widget chapter's weight before this benchmark
TARGET_AFTER_LOAD_MS = 1000.0


@dataclass
class PageCost:
    page: str
    requests: int
    raw: int
    gzipped: int
    widgets: int
    ready_ms: float | None = None  # from navigation start until every widget has drawn
    after_load_ms: float | None = None  # the same instant, counted from the load event


def _gzipped_size(path: pathlib.Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=6))


def measure(site: pathlib.Path, base_url: str, browser: object, page_name: str) -> PageCost:
    """Open one page in a fresh context (empty cache) and add up the files it fetched."""
    own_host = urlsplit(base_url).netloc
    fetched: list[pathlib.Path] = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()

    def on_response(response: object) -> None:
        parts = urlsplit(response.url)
        if parts.netloc == own_host and response.status == 200:
            fetched.append(site / unquote(parts.path).lstrip("/"))

    page.on("response", on_response)
    html = (site / f"{page_name}.html").read_text(encoding="utf-8")
    widgets = html.count(f'type="{WIDGET_VIEW}"')
    page.goto(f"{base_url}/{page_name}.html", wait_until="load")
    cost = PageCost(page_name, 0, 0, 0, widgets)
    if widgets:
        ready = page.wait_for_function(
            "n => document.querySelectorAll('.widget-subarea > .lm-Widget').length >= n"
            " && performance.now()",
            arg=widgets,
            polling="raf",
            timeout=60_000,
        ).json_value()
        load = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
        cost.ready_ms, cost.after_load_ms = ready, max(0.0, ready - load)
    page.wait_for_load_state("networkidle")
    context.close()
    files = [path for path in fetched if path.is_file()]
    cost.requests = len(fetched)
    cost.raw = sum(path.stat().st_size for path in files)
    cost.gzipped = sum(_gzipped_size(path) for path in files)
    return cost


def measure_site(site: pathlib.Path) -> list[PageCost]:
    from playwright.sync_api import sync_playwright

    with serving_folder(site) as base_url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        costs = [measure(site, base_url, browser, name) for name in toc_files()]
        browser.close()
    return costs


def report(costs: list[PageCost]) -> None:
    baseline = min(costs, key=lambda cost: cost.raw)
    print(f"baseline: {baseline.page} ({baseline.raw / 1e6:.2f} MB raw)")
    print(f"{'page':<28} {'reqs':>4} {'raw MB':>7} {'gzip MB':>7} {'ratio':>5}  widgets ready")
    for cost in costs:
        line = (
            f"{cost.page:<28} {cost.requests:>4} {cost.raw / 1e6:>7.2f} {cost.gzipped / 1e6:>7.2f}"
            f" {cost.raw / baseline.raw:>5.2f}"
        )
        if cost.widgets:
            line += (
                f"  {cost.widgets} in {cost.ready_ms:.0f} ms, {cost.after_load_ms:.0f} ms after load"
                f" (bytes {cost.raw / TARGET_WIDGET_BYTES:.2f} of target,"
                f" time {cost.after_load_ms / TARGET_AFTER_LOAD_MS:.2f} of target)"
            )
        print(line)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Bytes, requests and widget times per page.")
    parser.add_argument("--site", type=pathlib.Path, default=ROOT / "_build" / "html")
    args = parser.parse_args(argv or [])
    if not (args.site / "index.html").is_file():
        raise SystemExit(f"no built site in {args.site}: run `make book` first")
    report(measure_site(args.site))


if __name__ == "__main__":
    main(sys.argv[1:])
