"""The lean install: the package and its command line need PyJWT and httpx only; the rest is extras."""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = pathlib.Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
# What the lean install must never import: the book's, the widgets' and the game's stacks.
HEAVY = (
    "ipywidgets", "anywidget", "traitlets", "matplotlib", "numpy", "starlette", "uvicorn", "itsdangerous",
)  # fmt: skip


def names(requirements: list[str]) -> set[str]:
    return {canonicalize_name(Requirement(line).name) for line in requirements}


def pins() -> dict[str, str]:
    lines = (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
    found = (re.fullmatch(r"([A-Za-z0-9._-]+)==(\S+)", line.strip()) for line in lines)
    return {canonicalize_name(match[1]): match[2] for match in found if match}


def test_the_lean_install_depends_on_pyjwt_and_httpx_only() -> None:
    # h11 is httpx's own dependency (through httpcore), listed for its security floor.
    assert names(PROJECT["dependencies"]) == {"pyjwt", "httpx", "h11"}


def test_each_extra_brings_what_its_modules_import() -> None:
    extras = {extra: names(requirements) for extra, requirements in PROJECT["optional-dependencies"].items()}
    assert extras["widgets"] == {"ipywidgets", "anywidget", "matplotlib"}
    assert extras["game"] == {"starlette", "uvicorn", "itsdangerous"}
    assert extras["serve"] == {"uvicorn"}
    assert {"meeting-tokens", "jupyter-book", "myst-nb"} <= extras["book"]
    assert {"pytest", "pytest-asyncio", "check-jsonschema"} <= extras["test"]


def test_requirements_txt_pins_every_dependency_of_every_extra_at_an_accepted_version() -> None:
    pinned = pins()
    wanted = [
        Requirement(line)
        for line in PROJECT["dependencies"] + sum(PROJECT["optional-dependencies"].values(), [])
        if canonicalize_name(Requirement(line).name) != "meeting-tokens"
    ]
    unpinned = [
        str(r) for r in wanted if not r.specifier.contains(pinned.get(canonicalize_name(r.name), "0"))
    ]
    assert unpinned == []


def test_the_console_script_and_the_pytest_plugin_are_entry_points() -> None:
    assert PROJECT["scripts"] == {"meeting-tokens": "meeting_tokens.cli:main"}
    assert PROJECT["entry-points"]["pytest11"] == {"meeting_tokens": "meeting_tokens.pytest_plugin"}


# Run in a fresh interpreter that refuses to import the heavy stacks, as if they were not installed.
BLOCKED_RUN = """
import importlib.abc, sys
HEAVY = {heavy!r}

class Missing(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in HEAVY:
            raise ModuleNotFoundError(f"No module named {{name!r}} (blocked)", name=name)
        return None

sys.meta_path.insert(0, Missing())
{code}
"""


def run_without_heavy_stacks(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (our own interpreter, code from this module)
        [sys.executable, "-c", BLOCKED_RUN.format(heavy=HEAVY, code=code)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_blocker_stops_the_game_from_importing() -> None:
    result = run_without_heavy_stacks("import meeting_tokens.game")
    assert result.returncode == 1
    assert "(blocked)" in result.stderr
    assert "No module named 'starlette'" in result.stderr or "No module named 'itsdangerous'" in result.stderr


def test_the_package_the_cli_and_the_plugin_import_without_the_heavy_stacks() -> None:
    result = run_without_heavy_stacks(
        "import meeting_tokens, meeting_tokens.cli, meeting_tokens.pytest_plugin, meeting_tokens.api.serve\n"
        "print(sorted(name for name in sys.modules if name.partition('.')[0] in HEAVY))"
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "[]\n", "")


def test_inspect_and_sign_work_without_the_heavy_stacks() -> None:
    result = run_without_heavy_stacks(
        "import os\n"
        "from meeting_tokens.cli import main\n"
        "os.environ['DAILY_API_KEY'] = 'lean-key-0123456789abcdef'\n"
        "import contextlib, io\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        "    main(['sign', '--room', 'hello', '--domain-id', 'd'])\n"
        "sys.exit(main(['inspect', '--key-env', 'DAILY_API_KEY', out.getvalue().strip()]))"
    )
    assert result.returncode == 0, result.stderr
    assert "valid: the signature and every check passed" in result.stdout


def test_serve_without_uvicorn_says_which_extra_to_install() -> None:
    result = run_without_heavy_stacks("from meeting_tokens.cli import main\nsys.exit(main(['serve']))")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "meeting-tokens serve: error: serving needs uvicorn: pip install 'meeting_tokens[serve]'\n"
    )
