"""How long the book takes to build, cold and warm, against its targets.

Cold: `jupyter-book build` into an empty temporary folder, so every notebook is executed (fresh
jupyter cache). Warm: the same build again with nothing changed. `make book` warm: the command
readers type, in this repository, when nothing changed since its last build (make skips the
build). The targets are 60 s cold and 5 s warm; each line prints the measured seconds and their
ratio to the target (below 1.0 is within it). Also prints the size of the built site and the
share of the vendored widget scripts.

    python benchmarks/bench_book.py            # the two builds
    python benchmarks/bench_book.py --pytest   # also time `pytest tests` (slow: builds again)
"""

from __future__ import annotations

import argparse
import pathlib
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
TARGETS = {"cold build": 60.0, "warm build": 5.0, "make book": 5.0}
BUILD_TIMEOUT = 900  # seconds: a build that takes longer is reported as failed, not waited for


def _bin(name: str) -> str:
    return str(pathlib.Path(sys.executable).with_name(name))


def timed(command: list[str], timeout: float) -> float:
    """Run ``command`` in the repository root and return its wall time; raise if it fails."""
    start = time.perf_counter()
    result = subprocess.run(  # noqa: S603 (fixed commands from this module)
        command, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout[-4000:]}{result.stderr}")
    return elapsed


def folder_size(path: pathlib.Path) -> int:
    return sum(file.stat().st_size for file in path.rglob("*") if file.is_file())


def report(label: str, seconds: float) -> None:
    target = TARGETS.get(label)
    ratio = f"  ratio to target {seconds / target:.2f} (target {target:.0f} s)" if target else ""
    print(f"{label:<12} {seconds:7.2f} s{ratio}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Time the book's builds.")
    parser.add_argument("--pytest", action="store_true", help="also time `pytest tests`")
    args = parser.parse_args(argv or [])

    timed([sys.executable, "book/_ext/book_assets.py", "book/widgets-js"], 60)
    with tempfile.TemporaryDirectory(prefix="bench-book-") as output:
        build = [_bin("jupyter-book"), "build", ".", "-W", "-n", "--keep-going"]
        build += ["--path-output", output]
        report("cold build", timed(build, BUILD_TIMEOUT))
        report("warm build", timed(build, BUILD_TIMEOUT))
        site = pathlib.Path(output) / "_build" / "html"
        vendored = sum(
            file.stat().st_size
            for file in (ROOT / "book" / "widgets-js").rglob("*")
            if file.is_file() and file.suffix in (".js", ".woff2")
        )
        total = folder_size(site)
        print(f"site size    {total / 1e6:7.1f} MB, of which widget scripts and fonts "
              f"{vendored / 1e6:.1f} MB ({vendored / total:.0%})")
    timed(["make", "book"], BUILD_TIMEOUT)  # brings the repository's own build up to date
    report("make book", timed(["make", "book"], BUILD_TIMEOUT))
    if args.pytest:
        report("pytest tests", timed([sys.executable, "-m", "pytest", "-q", "tests"], 1800))


if __name__ == "__main__":
    main(sys.argv[1:])
