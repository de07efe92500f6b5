"""Widgets for the notebooks: edit claims, inspect tokens, scrub the clock, weigh storage.

Each is an anywidget. ClaimEditor, TokenInspector and ExpiryExplorer compute in Python and,
through a JavaScript mirror of the same logic, in the page too: in the static book they keep
working without a kernel. The logic lives in plain modules beside them (editing, inspection,
timeline, findings, timetext), tested without any front end.

The widget classes are imported on first use, so the plain modules (`timetext` for the command
line, say) also work in a lean install, without ipywidgets, anywidget or matplotlib.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = ["ClaimEditor", "ExpiryExplorer", "StorageTradeoffs", "TokenInspector"]
_MODULES = {
    "ClaimEditor": "claim_editor",
    "ExpiryExplorer": "expiry_explorer",
    "StorageTradeoffs": "storage_tradeoffs",
    "TokenInspector": "token_inspector",
}


def __getattr__(name: str) -> Any:
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_MODULES[name]}"), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
