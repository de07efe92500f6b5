"""The in-browser chapters (JupyterLite) against their budgets.

- lite size: what `_build/html/lite/` adds to the site (target 45 MB), with its largest parts;
- first cell: seconds from opening a chapter's lab page until its first code cell has run
  (target 15 s), in Debian's Chromium over loopback, for the first chapter and for the slowest;
- cold build: `jupyter-book build` into an empty folder (fresh jupyter cache, JupyterLite staged
  and built anew; the wheel cache in the virtualenv is kept), as a fresh clone's `make book`
  (target 120 s).

Each line prints the measured value and its ratio to the target (below 1.0 is within it).

    python benchmarks/bench_lite.py              # all three
    python benchmarks/bench_lite.py --no-build   # size and first cell only, on the current site
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
TARGETS = {"lite size": 45.0, "first cell": 15.0, "cold build": 120.0}
CHAPTERS = ["01-anatomy", "03-self-signing"]


def report(label: str, value: float, unit: str, detail: str = "") -> None:
    target = TARGETS[label]
    print(f"{label:<11} {value:7.1f} {unit:<2} ratio to target {value / target:.2f} "
          f"(target {target:g} {unit}){detail}")  # fmt: skip


def folder_size(path: pathlib.Path) -> int:
    return sum(file.stat().st_size for file in path.rglob("*") if file.is_file())


def lite_size(site: pathlib.Path) -> None:
    lite = site / "lite"
    parts = sorted(((folder_size(p) if p.is_dir() else p.stat().st_size, p.name) for p in lite.iterdir()),
                   reverse=True)  # fmt: skip
    pyodide = lite / "static" / "pyodide"
    wheels = sum(p.stat().st_size for p in pyodide.glob("*.whl"))
    detail = ", ".join(f"{name} {size / 1e6:.1f}" for size, name in parts[:3])
    report("lite size", folder_size(lite) / 1e6, "MB",
           f"; largest: {detail} MB; of static/ the wheels {wheels / 1e6:.1f} MB")  # fmt: skip


QUEUED = "(prompt) => /\\[(\\*|\\d+)\\]/.test(prompt.textContent)"


def dismiss_dialogs(page: object) -> None:
    """Print and close any JupyterLab dialog (it would swallow the clicks)."""
    dialogs = page.locator(".jp-Dialog")
    while dialogs.count():
        print("  dialog:", " ".join(dialogs.first.inner_text().split())[:300])
        page.keyboard.press("Escape")
        page.wait_for_timeout(300)


def first_cell(site: pathlib.Path, runs: int = 3) -> None:
    """Open each chapter ``runs`` times, each in a fresh browser (cold cache); time until its
    first code cell shows ``[1]``. Reports the median, the runs and the load average, since
    other work on the machine's two cores moves this figure by tens of seconds."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    with serving_folder(site) as base, sync_playwright() as playwright:
        for chapter in CHAPTERS:
            seconds = []
            for _ in range(runs):
                browser = playwright.chromium.launch(executable_path=shutil.which("chromium"),
                                                     args=CHROMIUM_ARGS)  # fmt: skip
                page = browser.new_page()
                start = time.perf_counter()
                page.goto(f"{base}/lite/lab/index.html?path={chapter}.ipynb")
                cell = page.locator(".jp-Notebook .jp-CodeCell").first
                prompt = cell.locator(".jp-InputPrompt")
                # While the page still settles a keystroke can be lost: ask again until the
                # cell is queued ("[*]") or done.
                for _ in range(10):
                    dismiss_dialogs(page)
                    cell.locator(".jp-InputArea-editor").click(timeout=120_000)
                    page.keyboard.press("Shift+Enter")
                    try:
                        page.wait_for_function(QUEUED, arg=prompt.element_handle(), timeout=3000)
                        break
                    except PlaywrightTimeout:
                        continue
                prompt.filter(has_text="[1]").wait_for(timeout=120_000)
                seconds.append(time.perf_counter() - start)
                browser.close()
            runs_text = ", ".join(f"{value:.1f}" for value in seconds)
            load = os.getloadavg()[0]
            report("first cell", statistics.median(seconds), "s",
                   f" ({chapter}: median of {runs_text} s; load average {load:.1f})")  # fmt: skip


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
        report("cold build", elapsed, "s")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="The in-browser chapters against their budgets.")
    parser.add_argument("--no-build", action="store_true", help="skip the cold build")
    args = parser.parse_args(argv or [])
    if not args.no_build:
        cold_build()
    subprocess.run(["make", "book"], cwd=ROOT, check=True, capture_output=True)  # noqa: S603, S607
    lite_size(SITE)
    first_cell(SITE)


if __name__ == "__main__":
    main(sys.argv[1:])
