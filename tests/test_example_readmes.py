"""Each example's README.md: the commands in its console blocks work as written, from a fresh clone.

The clone is ``git clone`` of this repository's committed HEAD (so uncommitted changes are not
in it), and its ``.venv`` is a symlink to this checkout's: the set-up command (``make book``)
would create the same one, and a README's ``../../.venv/bin/...`` resolves through it (its
``meeting_tokens`` is this checkout's, installed editable). The commands run in one shell from
the clone's root, as a reader who typed them would, with no virtual environment active and no
Daily key in the environment.
"""

from __future__ import annotations

import os
import pathlib
import re
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLES = ("fastapi-server", "testing-offline", "pipecat-bot")
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
    command = ["git", "clone", "--quiet", str(ROOT), str(clone)]  # the reader's git, from PATH
    subprocess.run(command, check=True, capture_output=True, timeout=120)  # noqa: S603
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
    result = subprocess.run(  # noqa: S603
        shell,
        cwd=fresh_clone, env=readers_environment(), capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^\d+ passed in ", result.stdout.splitlines()[-1]), result.stdout


def test_the_book_page_gives_the_fastapi_examples_commands_as_its_readme_does() -> None:
    readme = (ROOT / "examples" / "fastapi-server" / "README.md").read_text(encoding="utf-8")
    page = (ROOT / "book" / "into-your-app.md").read_text(encoding="utf-8")
    assert console_commands(page) == console_commands(readme)
