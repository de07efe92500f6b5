"""The chapters in the reader's browser (JupyterLite): how soon the first output comes.

Serves the built site (`_build/html`, run `make book` first) on a loopback port and, in Debian's
Chromium with a fresh profile each run (a first visit: empty caches), measures:

- **launch to first output**: from the click on "Run this chapter in your browser" on the
  chapter's page (at once by default; `--read` waits on the page first: the page fetches nothing
  of Lite's meanwhile, so the two should match) until its first code cell has run (its prompt
  shows `[1]`), clicking into the cell and pressing Shift+Enter as soon as the notebook is
  there, as an eager reader would; with the moment the notebook appeared;
- **baseline, Pyodide alone**: in the same run, a blank page of the same site that loads the
  vendored Pyodide and runs `1 + 1`, nothing else (no JupyterLab, no wheels). The ratio of the
  two says how much the lab, the kernel and the wheels add on top of Pyodide's own start, and
  does not depend on the machine's speed as much as the seconds do;
- **lite size**: what `_build/html/lite/` adds to the site, with its largest parts.

Each figure is the median of several runs (`--runs`, default 5), with every run printed, and the
machine's load average before and after: on two shared cores other work moves the seconds a lot.
The target for launch to first output is 10 s on this machine.

    python benchmarks/bench_lite.py                  # the repository's _build/html
    python benchmarks/bench_lite.py --runs 3 --chapter 05-storage
    python benchmarks/bench_lite.py --build          # a cold `jupyter-book build` first, timed
"""

from __future__ import annotations

import argparse
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from conftest import CHROMIUM_ARGS  # noqa: E402 (the tests' browser flags)
from loopback import serving_folder  # noqa: E402 (the tests' loopback server)

SITE = ROOT / "_build" / "html"
TARGET_FIRST_OUTPUT = 10.0  # seconds, from the launch click
TARGET_LITE_MB = 45.0
TARGET_COLD_BUILD = 120.0  # seconds
QUEUED = "(prompt) => /\\[(\\*|\\d+)\\]/.test(prompt.textContent)"
PYODIDE_ALONE = """async () => {
  const start = performance.now();
  const {loadPyodide} = await import('./lite/static/pyodide/pyodide.mjs');
  const pyodide = await loadPyodide({indexURL: './lite/static/pyodide/'});
  if (pyodide.runPython('1 + 1') !== 2) throw new Error('Pyodide did not add');
  return (performance.now() - start) / 1000;
}"""


def load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def folder_size(path: pathlib.Path) -> int:
    return sum(file.stat().st_size for file in path.rglob("*") if file.is_file())


def lite_size(site: pathlib.Path) -> None:
    lite = site / "lite"
    parts = sorted(((folder_size(p) if p.is_dir() else p.stat().st_size, p.name) for p in lite.iterdir()),
                   reverse=True)  # fmt: skip
    wheels = sum(p.stat().st_size for p in (lite / "static" / "pyodide").glob("*.whl"))
    detail = ", ".join(f"{name} {size / 1e6:.1f}" for size, name in parts[:3])
    size = folder_size(lite) / 1e6
    print(f"lite size             {size:6.1f} MB  ratio to target {size / TARGET_LITE_MB:.2f} "
          f"(target {TARGET_LITE_MB:g} MB); largest: {detail} MB; "
          f"the wheels {wheels / 1e6:.1f} MB")  # fmt: skip


def _browser(playwright: object) -> object:
    return playwright.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)


def pyodide_alone(playwright: object, base: str) -> float:
    browser = _browser(playwright)
    try:
        page = browser.new_page()
        page.goto(f"{base}/search.html")
        return page.evaluate(PYODIDE_ALONE)
    finally:
        browser.close()


def launch_to_first_output(playwright: object, base: str, chapter: str, read: float) -> tuple[float, float]:
    """Seconds from the launch click until the notebook shows, and until its first cell has run."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    browser = _browser(playwright)
    try:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{base}/notebooks/{chapter}.html")
        page.wait_for_timeout(read * 1000)  # the reader reads before launching
        start = time.perf_counter()
        page.locator(".lite-launch-link").first.click()
        cell = page.locator(".jp-Notebook .jp-CodeCell").first
        cell.wait_for(timeout=120_000)
        shown = time.perf_counter() - start
        prompt = cell.locator(".jp-InputPrompt")
        # While the lab still settles a keystroke can be lost: ask again until the cell is queued.
        for _ in range(20):
            cell.locator(".jp-InputArea-editor").click(timeout=60_000)
            page.keyboard.press("Shift+Enter")
            try:
                page.wait_for_function(QUEUED, arg=prompt.element_handle(), timeout=1500)
                break
            except PlaywrightTimeout:
                continue
        prompt.filter(has_text="[1]").wait_for(timeout=120_000)
        return shown, time.perf_counter() - start
    finally:
        browser.close()


def first_output(site: pathlib.Path, chapters: list[str], runs: int, reads: list[float]) -> None:
    from playwright.sync_api import sync_playwright

    before = load()
    with serving_folder(site) as base, sync_playwright() as playwright:
        baseline = [pyodide_alone(playwright, base) for _ in range(runs)]
        base_median = statistics.median(baseline)
        print(f"baseline: Pyodide alone {base_median:6.1f} s  (median of "
              f"{', '.join(f'{s:.1f}' for s in baseline)} s)")  # fmt: skip
        for chapter, read in [(chapter, read) for chapter in chapters for read in reads]:
            measured = [launch_to_first_output(playwright, base, chapter, read) for _ in range(runs)]
            shown = statistics.median(m[0] for m in measured)
            output = statistics.median(m[1] for m in measured)
            print(f"launch to first output {output:5.1f} s  ratio to baseline {output / base_median:.2f}, "
                  f"to target {output / TARGET_FIRST_OUTPUT:.2f} (target {TARGET_FIRST_OUTPUT:g} s); "
                  f"{chapter} after {read:g} s on its page: median of "
                  f"{', '.join(f'{m[1]:.1f}' for m in measured)} s; "
                  f"notebook shown after {shown:.1f} s")  # fmt: skip
    print(f"load average (1 min) before {before}, after {load()}, on {os.cpu_count()} cores")


def cold_build() -> None:
    assets = [sys.executable, "book/_ext/book_assets.py", "book/widgets-js"]
    subprocess.run(assets, cwd=ROOT, check=True)  # noqa: S603 (a fixed command)
    with tempfile.TemporaryDirectory(prefix="bench-lite-") as output:
        command = [str(pathlib.Path(sys.executable).with_name("jupyter-book")), "build", ".", "-W", "-n",
                   "--keep-going", "--path-output", output]  # fmt: skip
        start = time.perf_counter()
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603
        elapsed = time.perf_counter() - start
        if result.returncode != 0:
            raise RuntimeError(f"the cold build failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
        print(f"cold build            {elapsed:6.1f} s   ratio to target {elapsed / TARGET_COLD_BUILD:.2f} "
              f"(target {TARGET_COLD_BUILD:g} s)")  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="How soon the in-browser chapters give their first output.")
    parser.add_argument(
        "--site", type=pathlib.Path, default=SITE, help="the built site (default _build/html)"
    )
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (median)")
    parser.add_argument("--chapter", action="append", help="chapter(s) to launch (default 01-anatomy)")
    parser.add_argument("--read", type=float, action="append",
                        help="seconds on the chapter's page before the click (default 0)")  # fmt: skip
    parser.add_argument("--build", action="store_true", help="time a cold build first")
    args = parser.parse_args(argv or [])  # from run.py: no arguments
    if args.build:
        cold_build()
    if not (args.site / "lite" / "lab" / "index.html").is_file():
        raise SystemExit(f"no JupyterLite in {args.site}: build the book first (make book)")
    lite_size(args.site)
    first_output(args.site, args.chapter or ["01-anatomy"], args.runs, args.read or [0.0])


if __name__ == "__main__":
    main(sys.argv[1:])
