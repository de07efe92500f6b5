"""The colour of each meaning, defined once for every picture, table, widget and terminal line.

Python draws with ``PALETTE`` (report tables, diagrams, the timeline, the command line); the
widgets' stylesheet gets the same values as CSS custom properties (``--mt-valid`` and so on),
written by ``css_variables``, so no colour is spelled twice. The light values are at least 4.5:1
against white, the contrast WCAG asks of text; ``DARK_PALETTE`` replaces some of them on
JupyterLab's dark theme, where those would be too dark.
"""

from __future__ import annotations

PALETTE = {
    "valid": "#1a7f37",  # a check passed, a token accepted, a reply that succeeded
    "rejected": "#cf222e",  # a check failed, a token refused, an error
    "unchecked": "#6e7781",  # a check skipped: nothing to check with, so no verdict
    "warning": "#9a6700",  # worth a look: a finding, a note, accepted only thanks to leeway
    "now": "#0b8fc4",  # the current instant on a timeline
    "picked": "#0b8fc4",  # the choice a reader picked in a table
}
DARK_PALETTE = {
    "valid": "#3fb950",
    "rejected": "#f85149",
    "unchecked": "#8c959f",
    "warning": "#bf8700",
}
# The usual hues for a JWT's parts, dark enough for text on white and on the widgets' grey fill
# (at least 4.5:1, WCAG AA), and lighter ones for JupyterLab's dark theme (4.5:1 against it).
PART_COLOURS = {"header": "#c2185b", "payload": "#8e35c0", "signature": "#0a6f99"}
DARK_PART_COLOURS = {"header": "#f06292", "payload": "#c792ea", "signature": "#4fc3f7"}
# How JupyterLab marks its dark theme; the book shows widgets on a light panel in dark mode.
_DARK_THEME = 'body[data-jp-theme-light="false"] .mt-widget'


def css_variables() -> str:
    """``PALETTE`` as the widgets' CSS custom properties, with the dark theme's replacements
    (there the parts' colours too: ``--mt-part-header`` and so on; view.js falls back to
    ``PART_COLOURS``)."""

    def block(selector: str, colours: dict[str, str]) -> str:
        lines = "".join(f"  --mt-{meaning}: {colour};\n" for meaning, colour in colours.items())
        return f"{selector} {{\n{lines}}}\n"

    dark_parts = {f"part-{part}": colour for part, colour in DARK_PART_COLOURS.items()}
    return block(".mt-widget", PALETTE) + block(_DARK_THEME, DARK_PALETTE | dark_parts)
