"""The pipecat example (examples/pipecat-bot/): its own suite passes, pipecat's helpers included.

The suite runs in a pytest of its own, as the other examples do, and so does pipecat: importing
it replaces ``asyncio.wait_for`` on Python before 3.12, which this run's tests should not inherit.
Its ``test_pipecat_helper.py`` runs pipecat's ``DailyRESTHelper`` and ``configure()``, unchanged,
against the emulator served on loopback (the plugin's ``daily_server``).
"""

from __future__ import annotations

import pathlib

from suites import run_suite

EXAMPLE = pathlib.Path(__file__).resolve().parent.parent / "examples" / "pipecat-bot"


def test_the_pipecat_examples_own_suite_passes_with_the_plugins_fixtures() -> None:
    result = run_suite(EXAMPLE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1].startswith("31 passed")


def test_pipecats_own_helpers_run_unchanged_against_the_served_emulator() -> None:
    result = run_suite(EXAMPLE, "test_pipecat_helper.py")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1].startswith("6 passed")
