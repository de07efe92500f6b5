"""The built book on a reader's real network: bytes, first paint, widgets, and JupyterLite's first output.

Serves the built site (`_build/html`, run `make book` first) on a loopback port through
`tests/metered.py`, which shapes every answer like a reader's link and counts the bytes it sends
(so web workers and JupyterLite's service worker are throttled and counted like the page):

- "broadband": 20 Mbit/s down, 5 up, 40 ms round trip, a 1280x800 screen;
- "phone": 4G, 9 Mbit/s down, 1.5 up, 85 ms, a 390x844 screen.

Each run starts Debian's Chromium on a fresh persistent profile (a temporary folder): a first
visit with an empty cache. Per chapter page and the intro it prints the bytes the server sent
until the page fell quiet, the first contentful paint, and when the widgets had drawn (every
widget view, with the claim editor's token on screen). For JupyterLite (chapter 1): seconds from
opening the lab until the first output after Run All, on a first visit, and again on a repeat visit
in the same profile (warm cache); with the bytes each moved. The baseline, in the same run and
on the same link, is Pyodide alone (bench_lite.py's: load it and add 1 + 1, first visit): the ratio
says what JupyterLab and the kernel add, whatever the machine's speed. Medians of `--runs` (5),
the machine's load average beside each figure (two shared cores: seconds move, bytes do not).

    python benchmarks/bench_network.py                        # everything, 5 runs each
    python benchmarks/bench_network.py --runs 1 --profile broadband --no-lite
    python benchmarks/bench_network.py --fault                # the server dies mid-download
"""

from __future__ import annotations

import argparse
import functools
import os
import pathlib
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "book" / "_ext"))

from bench_lite import PYODIDE_ALONE, QUEUED, load  # noqa: E402 (the Lite benchmark's baseline and load)
from bench_site import WIDGET_VIEW  # noqa: E402
from book_lite import lite_lab_url  # noqa: E402 (the launch link's address)

from book_toc import toc_files  # noqa: E402 (the tests' reading of _toc.yml)
from conftest import CHROMIUM_ARGS  # noqa: E402 (the tests' browser flags)
from metered import PROFILES, Meter, Network, serving_metered  # noqa: E402

SITE = ROOT / "_build" / "html"
TARGET_PAGE_MB = 1.5  # broadband, a chapter page
TARGET_WIDGETS_S = 1.0  # broadband, widgets drawn
TARGET_LITE = {"broadband": (12.0, 4.0), "phone": (25.0, None)}  # first visit, repeat visit (s)
LITE_CHAPTER = "01-anatomy"
QUIET_S = 2.0  # a page is done when the server has sent nothing for this long after its load
WIDGETS_DRAWN = """n => document.querySelectorAll('.widget-subarea > .lm-Widget').length >= n
  && [...document.querySelectorAll('.mt-editor')].every((e) => e.querySelector('.mt-token-box')?.value)
  && performance.now()"""
ANY_QUEUED = f"() => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].some({QUEUED})"
FIRST_OUTPUT = "() => document.querySelector('.jp-CodeCell .jp-OutputArea-output') !== null"


@dataclass
class Figure:
    """One measurement: a value and the 1-minute load average when it was taken."""

    value: float | None
    load: str


def median(figures: list[Figure]) -> Figure:
    values = [f.value for f in figures if f.value is not None]
    value = statistics.median(values) if values else None
    return Figure(value, "/".join(f.load for f in figures))


def chapters() -> list[str]:
    """The intro and every chapter page (the notebooks of the table of contents)."""
    names = toc_files()
    return [names[0], *[name for name in names[1:] if (ROOT / f"{name}.ipynb").is_file()]]


@contextmanager
def fresh_browser(
    playwright: object, network: Network, profile: pathlib.Path | None = None
) -> Iterator[object]:
    """Chromium on a persistent profile (a new temporary one unless given): a real HTTP cache."""
    with tempfile.TemporaryDirectory(prefix="bench-net-") as scratch:
        width, height = network.viewport
        context = playwright.chromium.launch_persistent_context(
            str(profile or scratch),
            executable_path=shutil.which("chromium"),
            args=CHROMIUM_ARGS,
            viewport={"width": width, "height": height},
        )
        try:
            yield context
        finally:
            context.close()


def wait_quiet(meter: Meter, limit: float = 120.0) -> None:
    """Until the server has sent nothing for QUIET_S (a page's late downloads count too)."""
    end = time.monotonic() + limit
    while meter.quiet_since() < QUIET_S and time.monotonic() < end:
        time.sleep(0.2)


def measure_page(
    playwright: object, site: pathlib.Path, base: str, meter: Meter, network: Network, name: str
) -> dict[str, Figure]:
    """Bytes, first contentful paint and widgets drawn for one page, first visit."""
    widgets = (site / f"{name}.html").read_text(encoding="utf-8").count(f'type="{WIDGET_VIEW}"')
    with fresh_browser(playwright, network) as context:
        page = context.new_page()
        meter.reset()
        page.goto(f"{base}/{name}.html", wait_until="load")
        drawn = None
        if widgets:
            drawn = page.wait_for_function(
                WIDGETS_DRAWN, arg=widgets, polling="raf", timeout=60_000
            ).json_value()
        fcp = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null")
        wait_quiet(meter)
        return {
            "bytes": Figure(meter.total, load()),
            "fcp": Figure(fcp / 1000 if fcp is not None else None, load()),
            "widgets": Figure(drawn / 1000 if drawn is not None else None, load()),
        }


def run_all_to_first_output(page: object, url: str) -> float:
    """Seconds from opening the lab until the first output after Run All (clicked once it can be)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    start = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(".jp-Notebook .jp-CodeCell", timeout=300_000)
    # While the lab still settles a click can be lost: ask again until a cell is queued.
    for _ in range(20):
        menu = page.locator(".lm-MenuBar-itemLabel", has_text="Run").first
        if menu.is_visible():
            menu.click()
            page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
        else:  # a phone-wide lab hides its menus: focus the notebook, then run its command
            page.locator(".jp-Notebook .jp-Cell").first.click()
            page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        try:
            page.wait_for_function(ANY_QUEUED, timeout=3000)
            break
        except PlaywrightTimeout:
            continue
    page.wait_for_function(FIRST_OUTPUT, timeout=300_000, polling=100)
    return time.perf_counter() - start


def measure_lite(playwright: object, base: str, meter: Meter, network: Network) -> dict[str, Figure]:
    """First output after Run All in chapter 1's lab, first visit and repeat visit; Pyodide alone."""
    url = f"{base}/{lite_lab_url(LITE_CHAPTER + '.ipynb')}"
    figures = {}
    with tempfile.TemporaryDirectory(prefix="bench-net-profile-") as profile:
        with fresh_browser(playwright, network, pathlib.Path(profile)) as context:
            meter.reset()
            figures["lite first"] = Figure(run_all_to_first_output(context.new_page(), url), load())
            wait_quiet(meter, limit=30)
            figures["lite first bytes"] = Figure(meter.total, load())
        with fresh_browser(playwright, network, pathlib.Path(profile)) as context:
            meter.reset()
            figures["lite repeat"] = Figure(run_all_to_first_output(context.new_page(), url), load())
            wait_quiet(meter, limit=30)
            figures["lite repeat bytes"] = Figure(meter.total, load())
    with fresh_browser(playwright, network) as context:
        page = context.new_page()
        page.goto(f"{base}/search.html")
        meter.reset()
        figures["pyodide alone"] = Figure(page.evaluate(PYODIDE_ALONE), load())
    return figures


def repeat(runs: int, measure: Callable[[], dict[str, Figure]]) -> dict[str, Figure]:
    results = [measure() for _ in range(runs)]
    return {key: median([r[key] for r in results]) for key in results[0]}


def show(value: Figure, unit: str, scale: float = 1.0, target: float | None = None) -> str:
    if value.value is None:
        return "-"
    text = f"{value.value / scale:.2f} {unit}"
    if target is not None:
        text += f" ({value.value / scale / target:.2f} of target {target:g})"
    return f"{text} [load {value.load}]"


def report_pages(network: Network, pages: dict[str, dict[str, Figure]]) -> None:
    baseline = min(pages.values(), key=lambda f: f["bytes"].value)["bytes"].value
    broadband = network.name == "broadband"
    print(f"-- {network.name}: pages, first visit (bytes sent by the server; ratio to the lightest page)")
    for name, figures in pages.items():
        print(
            f"{name:<28} {show(figures['bytes'], 'MB', 1e6, TARGET_PAGE_MB if broadband else None)}"
            f" ratio {figures['bytes'].value / baseline:.2f}; first paint {show(figures['fcp'], 's')};"
            f" widgets drawn {show(figures['widgets'], 's', 1, TARGET_WIDGETS_S if broadband else None)}"
        )


def report_lite(network: Network, lite: dict[str, Figure]) -> None:
    first_target, repeat_target = TARGET_LITE[PROFILE_KEYS[network.name]]
    alone = lite["pyodide alone"].value
    print(f"-- {network.name}: JupyterLite {LITE_CHAPTER}, open the lab to first output after Run All")
    print(f"baseline: Pyodide alone, first visit {show(lite['pyodide alone'], 's')}")
    for visit, target in (("first", first_target), ("repeat", repeat_target)):
        figure = lite[f"lite {visit}"]
        print(
            f"lite {visit} visit {show(figure, 's', 1, target)} ratio to baseline {figure.value / alone:.2f};"
            f" {show(lite[f'lite {visit} bytes'], 'MB', 1e6)}"
        )


PROFILE_KEYS = {network.name: key for key, network in PROFILES.items()}


def fault(playwright: object, site: pathlib.Path) -> None:
    """The server dies halfway through Pyodide's download: what does the reader see, and when."""
    with serving_metered(site, PROFILES["broadband"]) as (base, meter):
        meter.cut = lambda path: path.endswith("pyodide.asm.wasm")
        with fresh_browser(playwright, PROFILES["broadband"]) as context:
            page = context.new_page()
            start = time.perf_counter()
            page.goto(f"{base}/{lite_lab_url(LITE_CHAPTER + '.ipynb')}")
            page.locator(".lite-status-failed").wait_for(timeout=300_000)
            message = page.locator(".lite-status").inner_text()
            print(
                f"fault: a cut download of pyodide.asm.wasm, told after {time.perf_counter() - start:.1f} s: "
                f"{' '.join(message.split())!r}"
            )


def measure_profile(playwright: object, args: argparse.Namespace, network: Network) -> None:
    """The pages and JupyterLite on one profile, each figure the median of ``args.runs``."""
    with serving_metered(args.site, network) as (base, meter):
        if not args.no_pages:
            pages = {}
            for name in args.page or chapters():
                pages[name] = repeat(
                    args.runs,
                    functools.partial(measure_page, playwright, args.site, base, meter, network, name),
                )
            report_pages(network, pages)
        if not args.no_lite:
            report_lite(
                network, repeat(args.runs, functools.partial(measure_lite, playwright, base, meter, network))
            )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="The book on a throttled network.")
    parser.add_argument(
        "--site", type=pathlib.Path, default=SITE, help="the built site (default _build/html)"
    )
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (median)")
    parser.add_argument("--profile", choices=sorted(PROFILES), action="append", help="default: both")
    parser.add_argument("--page", action="append", help="page(s) to measure (default: intro and chapters)")
    parser.add_argument("--no-pages", action="store_true", help="skip the pages")
    parser.add_argument("--no-lite", action="store_true", help="skip JupyterLite")
    parser.add_argument("--fault", action="store_true", help="only the fault case")
    parser.add_argument("--no-fault", action="store_true", help="skip the fault case")
    args = parser.parse_args(argv or [])
    if not (args.site / "lite" / "lab" / "index.html").is_file():
        raise SystemExit(f"no built site with JupyterLite in {args.site}: run `make book` first")
    from playwright.sync_api import sync_playwright

    print(f"load average (1 min) at start {load()}, on {os.cpu_count()} cores; medians of {args.runs}")
    with sync_playwright() as playwright:
        if args.fault:
            fault(playwright, args.site)
            return
        for key in args.profile or ["broadband", "phone"]:
            measure_profile(playwright, args, PROFILES[key])
        if not args.no_fault:
            fault(playwright, args.site)
    print(f"load average (1 min) at end {load()}")


if __name__ == "__main__":
    main(sys.argv[1:])
