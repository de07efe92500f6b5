"""Sphinx extension: the package's diagrams inline in the page, at their drawn size.

A diagram cell's output is an SVG named by what it shows (`meeting_tokens.drawing.svg.named`),
which myst-nb would write as an ``<img>`` whose alt text is the file's path, shrunk to the
column's width (its labels about 5 px on a phone). Here each such image becomes the SVG itself,
inline, with its role and label, in a box that scrolls sideways on a narrow screen; any other
image is left alone.
"""

from __future__ import annotations

import pathlib
from typing import Any

from docutils import nodes

from meeting_tokens.drawing.svg import alt_of, inline_html


def inline_diagrams(app: Any, doctree: nodes.document, docname: str) -> None:
    for image in list(doctree.findall(nodes.image)):
        path = pathlib.Path(app.srcdir) / image["uri"]
        if path.suffix != ".svg" or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        if alt_of(text) is not None:
            image.replace_self(nodes.raw("", inline_html(text), format="html"))


def setup(app: Any) -> dict[str, Any]:
    """Sphinx entry point: inline the named diagrams of every page once it is resolved."""
    app.connect("doctree-resolved", inline_diagrams)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
