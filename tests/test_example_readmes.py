"""Each example's README.md: the commands in its console blocks work as written, from a fresh
clone, and run the example's whole suite (each example's suite runs here and nowhere else).

The clone is ``git clone`` of this repository with the working tree's tracked files checked out
(``git stash create``: edits not yet committed are in it, files git does not track are not), and
its ``.venv`` is a symlink to this checkout's: the set-up command (``make book``) would create the
same one, and a README's ``../../.venv/bin/...`` resolves through it (its ``meeting_tokens`` is
this checkout's, installed editable). The commands run in one shell from the clone's root, as a
reader who typed them would, with no virtual environment active and no Daily key in the
environment; only pytest's summary names each passed test (``-rA``).

The pipecat example's suite runs pipecat's ``DailyRESTHelper`` and ``configure()`` unchanged
against the emulator served on loopback (the plugin's ``daily_server``), in a pytest of its own:
importing pipecat replaces ``asyncio.wait_for`` on Python before 3.12, which this run's tests
should not inherit.
"""

from __future__ import annotations

import os
import pathlib
import re
import subprocess

import pytest

from conftest import git
from suites import tally

ROOT = pathlib.Path(__file__).resolve().parent.parent
# Each example's suite, by the tests it must pass (a skipped or missing test fails the count).
PASSED = {"fastapi-server": 55, "testing-offline": 10, "pipecat-bot": 31}
EXAMPLES = tuple(PASSED)
PIPECAT_HELPER_TESTS = 6
CONSOLE_BLOCK = re.compile(r"^```console\n(.*?)^```", re.MULTILINE | re.DOTALL)
# What a reader's shell does not have: an active virtual environment, this run's pytest
# options or worker, the live key.
LEFT_OUT = ("VIRTUAL_ENV", "PYTEST_ADDOPTS", "PYTEST_XDIST_WORKER", "DAILY_API_KEY", "MEETING_TOKENS_LIVE")


def console_commands(markdown: str) -> list[str]:
    """The commands (lines after ``$ ``) of every ``console`` block in ``markdown``, in order."""
    return [
        line.removeprefix("$ ")
        for block in CONSOLE_BLOCK.findall(markdown)
        for line in block.splitlines()
        if line.startswith("$ ")
    ]


def readers_environment() -> dict[str, str]:
    """This process's environment as a reader's shell has it: no venv on PATH, nothing in LEFT_OUT."""
    venv_bin = str(ROOT / ".venv" / "bin")
    path = os.pathsep.join(part for part in os.environ.get("PATH", "").split(os.pathsep) if part != venv_bin)
    kept = {name: value for name, value in os.environ.items() if name not in LEFT_OUT}
    return kept | {"PATH": path}


@pytest.fixture(scope="module")
def fresh_clone(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    clone = tmp_path_factory.mktemp("reader") / "meeting-tokens"
    snapshot = git(ROOT, "stash", "create") or git(ROOT, "rev-parse", "HEAD")  # nothing to stash: HEAD
    git(ROOT, "clone", "--quiet", "--shared", "--no-checkout", str(ROOT), str(clone))
    git(clone, "checkout", "--quiet", "--detach", snapshot)
    (clone / ".venv").symlink_to(ROOT / ".venv")
    return clone


def test_console_commands_are_the_dollar_lines_of_console_blocks_only() -> None:
    markdown = "```console\n$ cd here\noutput\n$ run it\n```\n\n```bash\n$ not this\n```\n"
    assert console_commands(markdown) == ["cd here", "run it"]


@pytest.mark.parametrize("example", EXAMPLES)
def test_the_readmes_commands_pass_from_a_fresh_clone(fresh_clone: pathlib.Path, example: str) -> None:
    commands = console_commands(
        (fresh_clone / "examples" / example / "README.md").read_text(encoding="utf-8")
    )
    assert commands[0] == f"cd examples/{example}"
    shell = ["bash", "-e", "-c", "\n".join(commands)]  # the reader's shell, the README's commands
    environment = readers_environment() | {"PYTEST_ADDOPTS": "-rA"}  # one PASSED line per test
    result = subprocess.run(  # noqa: S603
        shell, cwd=fresh_clone, env=environment, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert tally(result) == {"passed": PASSED[example]}, result.stdout
    if example == "pipecat-bot":
        helper = re.findall(r"^PASSED test_pipecat_helper\.py::\w+", result.stdout, re.M)
        assert len(helper) == PIPECAT_HELPER_TESTS, result.stdout


def test_the_book_page_gives_the_fastapi_examples_commands_as_its_readme_does() -> None:
    readme = (ROOT / "examples" / "fastapi-server" / "README.md").read_text(encoding="utf-8")
    page = (ROOT / "book" / "into-your-app.md").read_text(encoding="utf-8")
    assert console_commands(page) == console_commands(readme)
