"""StorageTradeoffs: pick where a token lives and its lifetime; see what each choice costs."""

from __future__ import annotations

from typing import Any

import anywidget
import traitlets

from meeting_tokens import storage
from meeting_tokens.widgets import assets


def table_data() -> dict[str, Any]:
    """Every cell the page may show, for every lifetime: the page only picks among them.

    The orders are lists too: a notebook saves widget state with its dict keys sorted.
    """
    return {
        "columns": storage.COLUMNS,
        "column_order": list(storage.COLUMNS),
        "lifetime_order": list(storage.LIFETIMES),
        "lifetimes": {key: words for key, (_, words) in storage.LIFETIMES.items()},
        "rows": storage.tradeoff_rows(),
        "stolen": {
            lifetime: {o.key: storage.stolen_useful(o, lifetime) for o in storage.OPTIONS}
            for lifetime in storage.LIFETIMES
        },
        "summaries": {
            lifetime: {o.key: storage.summary(o.key, lifetime) for o in storage.OPTIONS}
            for lifetime in storage.LIFETIMES
        },
    }


class StorageTradeoffs(anywidget.AnyWidget):
    """The whole comparison table, with one storage choice highlighted and summed up.

    `.choice` is one of `storage.OPTIONS_BY_KEY`, `.lifetime` one of `storage.LIFETIMES`;
    `.rows` and `.summary` are what the widget shows for them.
    """

    _esm = assets.module("view.js", "storage_tradeoffs.js")
    _css = assets.stylesheet()

    choice = traitlets.Enum(tuple(storage.OPTIONS_BY_KEY), storage.DEFAULT_OPTION).tag(sync=True)
    lifetime = traitlets.Enum(tuple(storage.LIFETIMES), storage.DEFAULT_LIFETIME).tag(sync=True)
    table = traitlets.Dict(read_only=True).tag(sync=True)

    def __init__(
        self, choice: str = storage.DEFAULT_OPTION, lifetime: str = storage.DEFAULT_LIFETIME, **kwargs: Any
    ) -> None:
        super().__init__(choice=choice, lifetime=lifetime, **kwargs)
        self.set_trait("table", table_data())

    @property
    def rows(self) -> list[dict[str, str]]:
        return storage.tradeoff_rows(self.lifetime)

    @property
    def summary(self) -> str:
        return storage.summary(self.choice, self.lifetime)

    def __repr__(self) -> str:
        return f"StorageTradeoffs({self.summary})"
