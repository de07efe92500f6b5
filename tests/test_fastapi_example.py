"""The example server of "Into your own app" (examples/fastapi-server/): its own suite passes."""

from __future__ import annotations

import pathlib

from suites import run_suite, tally

EXAMPLE = pathlib.Path(__file__).resolve().parent.parent / "examples" / "fastapi-server"


def test_the_fastapi_example_servers_own_suite_passes_with_the_plugins_fixtures() -> None:
    result = run_suite(EXAMPLE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert tally(result) == {"passed": 55}
