"""StorageTradeoffs: pick where a token lives and its lifetime; see what each choice costs."""

from __future__ import annotations

from typing import Any

import anywidget
import traitlets

from meeting_tokens.chapters import storage_options
from meeting_tokens.widgets import assets


def table_data() -> dict[str, Any]:
    """Every cell the page may show, for every lifetime: the page only picks among them."""
    return {
        "columns": storage_options.COLUMNS,
        "lifetimes": {key: words for key, (_, words) in storage_options.LIFETIMES.items()},
        "rows": storage_options.tradeoff_rows(),
        "stolen": {
            lifetime: {o.key: storage_options.stolen_useful(o, lifetime) for o in storage_options.OPTIONS}
            for lifetime in storage_options.LIFETIMES
        },
        "summaries": {
            lifetime: {o.key: storage_options.summary(o.key, lifetime) for o in storage_options.OPTIONS}
            for lifetime in storage_options.LIFETIMES
        },
    }


class StorageTradeoffs(anywidget.AnyWidget):
    """The whole comparison table, with one storage choice highlighted and summed up.

    `.choice` is one of `storage_options.OPTIONS_BY_KEY`, `.lifetime` one of `storage_options.LIFETIMES`;
    `.rows` and `.summary` are what the widget shows for them.
    """

    _esm = assets.module("view.js", "storage_tradeoffs.js")
    _css = assets.stylesheet()

    choice = traitlets.Enum(tuple(storage_options.OPTIONS_BY_KEY), storage_options.DEFAULT_OPTION).tag(sync=True)
    lifetime = traitlets.Enum(tuple(storage_options.LIFETIMES), storage_options.DEFAULT_LIFETIME).tag(sync=True)
    table = traitlets.Dict(read_only=True).tag(sync=True)

    def __init__(
        self, choice: str = storage_options.DEFAULT_OPTION, lifetime: str = storage_options.DEFAULT_LIFETIME, **kwargs: Any
    ) -> None:
        super().__init__(choice=choice, lifetime=lifetime, **kwargs)
        self.set_trait("table", table_data())

    @property
    def rows(self) -> list[dict[str, str]]:
        return storage_options.tradeoff_rows(self.lifetime)

    @property
    def summary(self) -> str:
        return storage_options.summary(self.choice, self.lifetime)

    def __repr__(self) -> str:
        return f"StorageTradeoffs({self.summary})"
