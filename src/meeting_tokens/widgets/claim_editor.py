"""ClaimEditor: edit a token's properties and watch the token, its claims and its verdict."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import traitlets

from meeting_tokens.api.emulator import DEMO_API_KEY, DEMO_DOMAIN_ID
from meeting_tokens.core.checklist import findings
from meeting_tokens.core.clock import Instant, unix_time
from meeting_tokens.core.validation import ValidationReport
from meeting_tokens.widgets import assets
from meeting_tokens.widgets.base import MirroredWidget
from meeting_tokens.widgets.editing import default_properties, sign_properties
from meeting_tokens.widgets.inspection import inspect_token, token_view


class ClaimEditor(MirroredWidget):
    """A form for the common meeting-token properties, and the token they sign to, live.

    `.properties` holds Daily's long property names with `exp` and `nbf` as unix seconds;
    `.token` is the token `self_sign` makes of them with `.api_key`, issued at `.now`.
    A missing room or expiry is signed anyway and shown as a finding. `.report` is the
    verdict at `.now` for the room in `.check_room`, which follows the token's room (renaming
    the room keeps the verdict green) until it is set: by `check_room=` or by the reader typing
    another room, which shows the "wrong room" refusal (`.check_room_follows` says which). The
    key is synced to this notebook's kernel only (and saved in the notebook if you save widget
    state). A static page (no kernel) issues by the reader's clock; its clock list brings back
    `.now`.
    """

    _esm = assets.module(*assets.MIRROR, "view.js", "claim_editor.js")
    _css = assets.stylesheet()

    api_key = traitlets.Unicode(DEMO_API_KEY).tag(sync=True)
    domain_id = traitlets.Unicode(DEMO_DOMAIN_ID).tag(sync=True)
    properties = traitlets.Dict().tag(sync=True)
    now = traitlets.Int().tag(sync=True)
    check_room = traitlets.Unicode().tag(sync=True)
    check_room_follows = traitlets.Bool(True).tag(sync=True)  # check_room tracks room_name
    token = traitlets.Unicode(read_only=True).tag(sync=True)
    error = traitlets.Unicode(read_only=True).tag(sync=True)
    findings = traitlets.List(read_only=True).tag(sync=True)
    view = traitlets.Dict(allow_none=True, read_only=True).tag(sync=True)

    def __init__(
        self,
        api_key: str = DEMO_API_KEY,
        properties: Mapping[str, Any] | None = None,
        *,
        domain_id: str = DEMO_DOMAIN_ID,
        now: Instant | None = None,
        check_room: str | None = None,
        **kwargs: Any,
    ) -> None:
        issued_at = int(unix_time(now))
        props = default_properties(issued_at) if properties is None else dict(properties)
        room = props.get("room_name", "") if check_room is None else check_room
        self._report: ValidationReport | None = None
        super().__init__(
            api_key=api_key,
            domain_id=domain_id,
            properties=props,
            now=issued_at,
            check_room=room,
            check_room_follows=check_room is None,
            **kwargs,
        )
        self._recompute()

    @property
    def report(self) -> ValidationReport | None:
        """The token's validation at `.now` (with the key, for `.check_room`); None with no token."""
        return self._report

    @traitlets.observe("api_key", "domain_id", "properties", "now", "check_room", "revision")
    def _inputs_changed(self, _change: Any) -> None:
        self._recompute()

    @traitlets.observe("properties", "check_room_follows")
    def _follow_room(self, _change: Any) -> None:
        room = self.properties.get("room_name")
        if self.check_room_follows:
            self.check_room = room if isinstance(room, str) else ""

    def _recompute(self) -> None:
        signed = sign_properties(self.api_key, self.properties, domain_id=self.domain_id, now=self.now)
        report = view = None
        if signed.token is not None:
            report = inspect_token(
                signed.token, api_key=self.api_key, room_name=self.check_room, now=self.now
            )
            view = token_view(signed.token, report, self.now)
        self._report = report
        with self.hold_sync():
            self.set_trait("token", signed.token or "")
            self.set_trait("error", signed.error or "")
            self.set_trait(
                "findings",
                [[f.code, f.message] for f in findings(self.properties, self.api_key, signed.token)],
            )
            self.set_trait("view", view)
            self.set_trait("answered", self.revision)

    def __repr__(self) -> str:
        room = self.properties.get("room_name")
        shown = f"{len(self.token)}-character token" if self.token else f"no token ({self.error})"
        return f"ClaimEditor(room {room!r}: {shown})"
