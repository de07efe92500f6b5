"""TokenInspector: paste any token; see its parts, its claims in words and its verdict."""

from __future__ import annotations

import time
from typing import Any

import traitlets

from meeting_tokens.core.clock import Instant, unix_time
from meeting_tokens.core.validation import ValidationReport
from meeting_tokens.widgets import assets
from meeting_tokens.widgets.base import MirroredWidget
from meeting_tokens.widgets.inspection import inspect_token, token_view


class TokenInspector(MirroredWidget):
    """Check a token: with `api_key` the signature too, without it the pre-checks only.

    `now=None` checks at the current time on every change (`.checked_at` says when);
    a fixed `now` keeps the instant still. `.report` is the `ValidationReport`. A malformed
    token is a report like any other, never an exception. A static page (no kernel) checks by
    the reader's clock, `now` a choice in its clock list; when an earlier check
    stops the report, the page still says whether the signature matches the key.
    """

    _esm = assets.module(*assets.MIRROR, "view.js", "token_inspector.js")
    _css = assets.stylesheet()

    token = traitlets.Unicode().tag(sync=True)
    api_key = traitlets.Unicode().tag(sync=True)
    room_name = traitlets.Unicode().tag(sync=True)
    now = traitlets.Float(None, allow_none=True).tag(sync=True)
    leeway = traitlets.Float(0).tag(sync=True)
    checked_at = traitlets.Float(read_only=True).tag(sync=True)
    view = traitlets.Dict(read_only=True).tag(sync=True)
    _report: ValidationReport

    def __init__(
        self,
        token: str = "",
        api_key: str | None = None,
        room_name: str | None = None,
        *,
        now: Instant | None = None,
        leeway: float = 0,
        **kwargs: Any,
    ) -> None:
        instant = None if now is None else unix_time(now)
        super().__init__(
            token=token,
            api_key=api_key or "",
            room_name=room_name or "",
            now=instant,
            leeway=leeway,
            **kwargs,
        )
        self._recompute()

    @property
    def report(self) -> ValidationReport:
        """The last check's `ValidationReport`."""
        return self._report

    @traitlets.observe("token", "api_key", "room_name", "now", "leeway", "revision")
    def _inputs_changed(self, _change: Any) -> None:
        self._recompute()

    def _recompute(self) -> None:
        instant = time.time() if self.now is None else self.now
        report = inspect_token(
            self.token, api_key=self.api_key, room_name=self.room_name, now=instant, leeway=self.leeway
        )
        self._report = report
        with self.hold_sync():
            self.set_trait("checked_at", instant)
            self.set_trait("view", token_view(self.token, report, instant))
            self.set_trait("answered", self.revision)

    def __repr__(self) -> str:
        return f"TokenInspector({self.view['verdict']})"
