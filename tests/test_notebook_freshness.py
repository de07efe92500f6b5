"""Committed notebooks cannot go stale unnoticed: the widget bundles they embed are the current ones.

Each chapter is committed executed, with its widget state, and the static pages draw the widgets
from that state: the anywidget models carry their whole front end (`_esm`, `_css`) as text. When
a file in src/meeting_tokens/widgets/ changes and nobody re-executes the notebooks, the page would
run yesterday's JavaScript. nbval re-executes the notebooks and compares outputs (and, through
tests/conftest.py, the rest of the widget state); this test needs no kernel.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import pathlib
from typing import Any

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
STALE = "{notebook}: {what} differs from what the current tree produces: run `make notebooks`"


def anywidget_models(notebook: pathlib.Path) -> list[dict[str, Any]]:
    """The state of every anywidget model a committed notebook embeds."""
    metadata = json.loads(notebook.read_text(encoding="utf-8"))["metadata"]
    models = metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {}).values()
    return [model["state"] for model in models if "_anywidget_id" in model["state"]]


def shipped(anywidget_id: str, key: str) -> str:
    """What the widget class ships today under `_esm` or `_css` (widgets/assets.py assembles it)."""
    module, _, name = anywidget_id.rpartition(".")
    return str(getattr(getattr(importlib.import_module(module), name), key))


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_the_notebooks_embed_widgets_to_check() -> None:
    ids = {state["_anywidget_id"] for notebook in NOTEBOOKS for state in anywidget_models(notebook)}
    assert ids == {
        "meeting_tokens.widgets.claim_editor.ClaimEditor",
        "meeting_tokens.widgets.expiry_explorer.ExpiryExplorer",
        "meeting_tokens.widgets.storage_tradeoffs.StorageTradeoffs",
        "meeting_tokens.widgets.token_inspector.TokenInspector",
    }


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])
def test_each_embedded_widget_bundle_is_the_one_the_package_ships(notebook: pathlib.Path) -> None:
    for state in anywidget_models(notebook):
        for key in ("_esm", "_css"):
            what = f"the {key} bundle of {state['_anywidget_id'].rpartition('.')[2]}"
            message = STALE.format(notebook=f"notebooks/{notebook.name}", what=what)
            assert digest(state[key]) == digest(shipped(state["_anywidget_id"], key)), message
