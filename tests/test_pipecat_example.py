"""The pipecat example (examples/pipecat-bot/): its own suite passes, pipecat's helpers included.

The suite runs in a pytest of its own, as the other examples do, and so does pipecat: importing
it replaces ``asyncio.wait_for`` on Python before 3.12, which this run's tests should not inherit.
Its ``test_pipecat_helper.py`` runs pipecat's ``DailyRESTHelper`` and ``configure()``, unchanged,
against the emulator served on loopback (the plugin's ``daily_server``).
"""

from __future__ import annotations

import pathlib
import re

from suites import run_suite, tally

EXAMPLE = pathlib.Path(__file__).resolve().parent.parent / "examples" / "pipecat-bot"
PIPECAT_HELPER_TESTS = 6


def test_the_pipecat_examples_suite_passes_with_pipecats_helpers_unchanged_on_the_served_emulator() -> None:
    result = run_suite(EXAMPLE, "-rA")  # -rA: one PASSED line per test in the summary
    assert result.returncode == 0, result.stdout + result.stderr
    assert tally(result) == {"passed": 31}
    helper = re.findall(r"^PASSED test_pipecat_helper\.py::\w+", result.stdout, re.M)
    assert len(helper) == PIPECAT_HELPER_TESTS, result.stdout
