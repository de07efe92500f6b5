"""Widgets for the notebooks: edit claims, inspect tokens, scrub the clock, weigh storage.

Each is an anywidget. ClaimEditor, TokenInspector and ExpiryExplorer compute in Python and,
through a JavaScript mirror of the same logic, in the page too: in the static book they keep
working without a kernel. The logic lives in plain modules beside them (editing, inspection,
timeline), tested without any front end; the claim editor's findings are the production
checklist's rules (``meeting_tokens.core.checklist``), and times in words come from
``meeting_tokens.drawing.timetext``, which the command line shares.
"""

from meeting_tokens.widgets.claim_editor import ClaimEditor
from meeting_tokens.widgets.expiry_explorer import ExpiryExplorer
from meeting_tokens.widgets.storage_tradeoffs import StorageTradeoffs
from meeting_tokens.widgets.token_inspector import TokenInspector

__all__ = ["ClaimEditor", "ExpiryExplorer", "StorageTradeoffs", "TokenInspector"]
