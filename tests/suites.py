"""Run a test suite that lives outside the package (examples/*) as its users would: its own pytest."""

from __future__ import annotations

import os
import pathlib
import re
import subprocess
import sys


def run_suite(folder: pathlib.Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """pytest in ``folder`` (on ``arguments``, if any), with none of this run's options
    (``PYTEST_ADDOPTS``) passed down.

    The plugins installed for this project's own tests stay out, as they would from a user's
    project: nbval and Hypothesis cost more than a second to load, and no example uses them.
    Every other plugin loads from its entry point, meeting_tokens's among them."""
    environment = {name: value for name, value in os.environ.items() if name != "PYTEST_ADDOPTS"}
    plugins = ["-p", "no:cacheprovider", "-p", "no:nbval", "-p", "no:hypothesispytest", "-p", "no:xdist"]
    return subprocess.run(  # noqa: S603 (this interpreter, fixed arguments)
        [sys.executable, "-m", "pytest", "-q", *plugins, "--color=no", *arguments],
        cwd=folder, env=environment, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def tally(result: subprocess.CompletedProcess[str]) -> dict[str, int]:
    """The outcomes counted on pytest's last line, warnings aside: ``"6 passed, 1 skipped, 2
    warnings in 0.5s"`` gives ``{"passed": 6, "skipped": 1}``. A check that the tally equals
    ``{"passed": 6}`` fails on a skipped, failed or extra test, where "starts with" would not."""
    counts = re.findall(r"(\d+) (\w+)", result.stdout.splitlines()[-1].split(" in ")[0])
    return {word: int(count) for count, word in counts if not word.startswith("warning")}
