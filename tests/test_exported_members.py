"""The public surface is what the docs say: each public place exports exactly its ``__all__``,
and the chapters import only from those places, each name from one of them (as httpx's
``tests/test_exported_members.py`` holds its own exports)."""

from __future__ import annotations

import ast
import importlib
import json
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The places chapters may import from (the package docstring and the API page name them).
PUBLIC = [
    "meeting_tokens",
    "meeting_tokens.api",
    "meeting_tokens.game",
    "meeting_tokens.widgets",
    "meeting_tokens.chapters",
]
DRAWING = ["meeting_tokens.drawing.diagrams", "meeting_tokens.drawing.display"]
# The emulator on a loopback port (serving()), for code that makes real HTTP calls, as pipecat does.
SERVING = ["meeting_tokens.api.serve"]


def public_names(module: types.ModuleType) -> set[str]:
    """What a module offers: its names without a leading underscore, submodules left out."""
    return {
        name
        for name, value in vars(module).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType) and name != "annotations"
    } | {
        name
        for name in getattr(module, "__all__", ())
        if isinstance(getattr(module, name), types.ModuleType)
    }


@pytest.mark.parametrize("name", PUBLIC)
def test_each_public_place_exports_exactly_its_all(name: str) -> None:
    module = importlib.import_module(name)

    assert sorted(public_names(module)) == sorted(module.__all__)


def chapter_imports() -> list[tuple[str, str, str]]:
    """(notebook, module, name) for every ``from meeting_tokens... import name`` in the chapters."""
    found = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] != "code":
                continue
            lines = "".join(cell["source"]).splitlines()
            source = "\n".join(line for line in lines if not line.lstrip().startswith(("%", "!")))
            for node in ast.walk(ast.parse(source)):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("meeting_tokens"):
                    found += [(path.name, node.module, alias.name) for alias in node.names]
    return found


def test_the_chapters_import_only_from_the_public_places() -> None:
    imports = chapter_imports()
    allowed = set(PUBLIC + DRAWING + SERVING)

    assert imports
    assert {(nb, module) for nb, module, _ in imports if module not in allowed} == set()


def test_every_name_a_chapter_imports_is_exported_there() -> None:
    missing = set()
    for notebook, module_name, name in chapter_imports():
        module = importlib.import_module(module_name)
        if name not in getattr(module, "__all__", public_names(module)):
            missing.add((notebook, module_name, name))

    assert missing == set()


def test_each_name_comes_from_one_place_across_the_chapters() -> None:
    places: dict[str, set[str]] = {}
    for _, module, name in chapter_imports():
        places.setdefault(name, set()).add(module)

    assert {name: modules for name, modules in places.items() if len(modules) > 1} == {}


def test_public_places_do_not_repeat_each_others_names() -> None:
    top = set(importlib.import_module("meeting_tokens").__all__)
    for name in PUBLIC[1:]:
        module = importlib.import_module(name)
        shared = top & set(module.__all__) - {"AsyncDailyClient", "DailyClient", "DailyEmulator", "connect"}
        assert shared == set(), name
