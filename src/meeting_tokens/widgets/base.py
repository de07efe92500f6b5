"""What the three mirrored widgets share: the edit/answer handshake and the kernel ping.

The page numbers each edit (`revision`); Python recomputes and echoes the number it answered
(`answered`), so the page shows Python's result only when it belongs to the latest edit. A
"ping" from the page gets a "pong", which is how the page knows a kernel is listening.
"""

from __future__ import annotations

from typing import Any

import anywidget
import traitlets


class MirroredWidget(anywidget.AnyWidget):
    """An anywidget whose JavaScript computes what Python computes, Python winning when present."""

    revision = traitlets.Int(0).tag(sync=True)
    answered = traitlets.Int(0, read_only=True).tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.on_msg(self._on_page_message)

    def _on_page_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if content == {"type": "ping"}:
            self.send({"type": "pong"})
