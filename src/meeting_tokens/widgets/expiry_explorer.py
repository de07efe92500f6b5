"""ExpiryExplorer: slide "now" across a token's life and watch the verdict change."""

from __future__ import annotations

import time
from typing import Any

import traitlets

from meeting_tokens.core.clock import Instant, unix_time
from meeting_tokens.core.errors import MalformedTokenError
from meeting_tokens.core.jwt_parts import decode_parts
from meeting_tokens.core.validation import ValidationReport
from meeting_tokens.widgets import assets
from meeting_tokens.widgets.base import MirroredWidget
from meeting_tokens.widgets.inspection import inspect_token, token_view
from meeting_tokens.widgets.timeline import AXES_BOX, Timeline, timeline_for, timeline_svg


def _claims(token: str) -> dict[str, Any]:
    try:
        return decode_parts(token).payload
    except MalformedTokenError:
        return {}


def default_instant(tl: Timeline) -> int:
    """Where the slider starts: a third into the usable window (clear of the band's label),
    or a minute after the origin when there is no such window."""
    if tl.usable_from is None or tl.exp is None or tl.usable_from >= tl.exp:
        return tl.origin + 60
    return int(tl.usable_from + (tl.exp - tl.usable_from) // 3)


class ExpiryExplorer(MirroredWidget):
    """A timeline of `iat`, `nbf`, `exp` and the leeway band, with a slider for "now".

    `.now` is the instant on the slider and `.report` the pre-checks' verdict there (no key:
    this widget is about time). The picture is drawn in Python; the page moves the marker and
    recomputes the verdict itself, so the slider works in the static book too; there it starts
    at the reader's clock, `now` a choice in its clock list.
    """

    _esm = assets.module(*assets.MIRROR, "view.js", "expiry_explorer.js")
    _css = assets.stylesheet()

    token = traitlets.Unicode().tag(sync=True)
    leeway = traitlets.Int(0).tag(sync=True)
    now = traitlets.Int().tag(sync=True)
    plot = traitlets.Unicode(read_only=True).tag(sync=True)
    axes = traitlets.Dict(read_only=True).tag(sync=True)
    marks = traitlets.Dict(read_only=True).tag(sync=True)
    origin = traitlets.Int(read_only=True).tag(sync=True)
    origin_name = traitlets.Unicode(read_only=True).tag(sync=True)
    view = traitlets.Dict(read_only=True).tag(sync=True)
    _report: ValidationReport

    def __init__(self, token: str, leeway: int = 0, *, now: Instant | None = None, **kwargs: Any) -> None:
        tl = timeline_for(_claims(token), leeway, fallback=int(time.time()))
        instant = default_instant(tl) if now is None else int(unix_time(now))
        super().__init__(token=token, leeway=leeway, now=instant, **kwargs)
        self._draw()
        self._recompute()

    @property
    def report(self) -> ValidationReport:
        """The pre-checks at `.now`, with `.leeway`."""
        return self._report

    @property
    def timeline(self) -> Timeline:
        return timeline_for(_claims(self.token), self.leeway, fallback=self.now)

    @traitlets.observe("token", "leeway")
    def _picture_changed(self, _change: Any) -> None:
        self._draw()
        self._recompute()

    @traitlets.observe("now", "revision")
    def _instant_changed(self, _change: Any) -> None:
        self._recompute()

    def _draw(self) -> None:
        tl = self.timeline
        marks = {name: getattr(tl, name) for name in ("iat", "nbf", "exp") if getattr(tl, name) is not None}
        if tl.exp is not None and tl.leeway:
            marks["exp + leeway"] = tl.exp + tl.leeway
        origin_name = next((name for name in ("iat", "nbf", "exp") if marks.get(name) == tl.origin), "then")
        with self.hold_sync():
            self.set_trait("plot", timeline_svg(tl))
            self.set_trait("axes", {**AXES_BOX, "start": tl.start, "end": tl.end})
            self.set_trait("marks", marks)
            self.set_trait("origin", tl.origin)
            self.set_trait("origin_name", origin_name)

    def _recompute(self) -> None:
        self._report = inspect_token(self.token, now=self.now, leeway=self.leeway)
        with self.hold_sync():
            self.set_trait("view", token_view(self.token, self._report, self.now))
            self.set_trait("answered", self.revision)

    def __repr__(self) -> str:
        return f"ExpiryExplorer(now={self.now}: {self.view['verdict']})"
