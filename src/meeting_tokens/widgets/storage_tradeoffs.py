"""StorageTradeoffs: pick where a token lives and its lifetime; see what each choice costs."""

from __future__ import annotations

from typing import Any

import anywidget
import traitlets

from meeting_tokens.chapters import storage_options as options
from meeting_tokens.widgets import assets


def table_data() -> dict[str, Any]:
    """Every cell the page may show, for every lifetime: the page only picks among them.

    The orders are lists too: a notebook saves widget state with its dict keys sorted.
    """
    return {
        "columns": options.COLUMNS,
        "column_order": list(options.COLUMNS),
        "lifetime_order": list(options.LIFETIMES),
        "lifetimes": {key: words for key, (_, words) in options.LIFETIMES.items()},
        "rows": options.tradeoff_rows(),
        "stolen": {
            lifetime: {o.key: options.stolen_useful(o, lifetime) for o in options.OPTIONS}
            for lifetime in options.LIFETIMES
        },
        "summaries": {
            lifetime: {o.key: options.summary(o.key, lifetime) for o in options.OPTIONS}
            for lifetime in options.LIFETIMES
        },
    }


class StorageTradeoffs(anywidget.AnyWidget):
    """The whole comparison table, with one storage choice highlighted and summed up.

    `.choice` is one of `options.OPTIONS_BY_KEY`, `.lifetime` one of `options.LIFETIMES`;
    `.rows` and `.summary` are what the widget shows for them.
    """

    _esm = assets.module("view.js", "storage_tradeoffs.js")
    _css = assets.stylesheet()

    choice = traitlets.Enum(tuple(options.OPTIONS_BY_KEY), options.DEFAULT_OPTION).tag(sync=True)
    lifetime = traitlets.Enum(tuple(options.LIFETIMES), options.DEFAULT_LIFETIME).tag(sync=True)
    table = traitlets.Dict(read_only=True).tag(sync=True)

    def __init__(
        self, choice: str = options.DEFAULT_OPTION, lifetime: str = options.DEFAULT_LIFETIME, **kwargs: Any
    ) -> None:
        super().__init__(choice=choice, lifetime=lifetime, **kwargs)
        self.set_trait("table", table_data())

    @property
    def rows(self) -> list[dict[str, str]]:
        return options.tradeoff_rows(self.lifetime)

    @property
    def summary(self) -> str:
        return options.summary(self.choice, self.lifetime)

    def __repr__(self) -> str:
        return f"StorageTradeoffs({self.summary})"
