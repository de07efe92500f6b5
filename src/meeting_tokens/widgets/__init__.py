"""Widgets for the notebooks: edit claims, inspect tokens, scrub the clock, weigh storage.

Each is an anywidget. ClaimEditor, TokenInspector and ExpiryExplorer compute in Python and,
through a JavaScript mirror of the same logic, in the page too: in the static book they keep
working without a kernel. The logic lives in plain modules beside them (editing, inspection,
timeline, findings), tested without any front end; times in words come from
``meeting_tokens.drawing.timetext``, which the command line shares.
"""

from meeting_tokens.widgets.claim_editor import ClaimEditor
from meeting_tokens.widgets.expiry_explorer import ExpiryExplorer
from meeting_tokens.widgets.storage_tradeoffs import StorageTradeoffs
from meeting_tokens.widgets.token_inspector import TokenInspector

__all__ = ["ClaimEditor", "ExpiryExplorer", "StorageTradeoffs", "TokenInspector"]
