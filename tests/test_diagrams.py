"""The book's diagrams: SVG that says what it shows, inlined by the book at its drawn size."""

from __future__ import annotations

import base64
import pathlib

import pytest
from book_figures import inline_diagrams
from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser
from docutils.utils import new_document

from meeting_tokens.drawing import diagrams, svg

STEPS = [
    ("Browser", "Server", "POST /join"),
    ("Server", "Server", "check the key", "note"),
    ("Server", "Browser", "token", "reply"),
]
ALT = (
    "Sequence diagram between Browser and Server."
    " 1. Browser to Server: POST /join. 2. Server: check the key. 3. Server to Browser: token."
)


def test_a_sequence_diagrams_alt_text_names_the_participants_and_every_step_in_order() -> None:
    assert diagrams.sequence_alt(["Browser", "Server"], STEPS) == ALT


def test_a_titled_diagram_says_its_title_first() -> None:
    alt = diagrams.sequence_alt(["A", "B", "C"], [("A", "C", "go")], "the short way")
    assert alt == "Sequence diagram (the short way) between A, B and C. 1. A to C: go."


def test_a_diagram_is_an_svg_named_by_its_alt_text_with_a_png_for_untrusted_notebooks() -> None:
    figure = diagrams.sequence_diagram(["Browser", "Server"], STEPS)
    drawn = figure._repr_svg_()
    assert f'<svg role="img" aria-label="{ALT}"' in drawn
    assert f"<title>{ALT}</title>" in drawn
    assert ">POST /join</text>" in drawn  # text stays text, for search, zoom and screen readers
    assert figure._repr_png_().startswith(b"\x89PNG")
    assert figure._repr_svg_() == drawn  # the same on every run: the committed output holds


def test_the_bar_charts_alt_text_gives_every_bar() -> None:
    chart = diagrams.bar_chart([("consult", 0.25), ("host", 24)], xlabel="hours")
    assert svg.alt_of(chart._repr_svg_()) == "Bar chart of hours: consult: 0.25; host: 24."


def test_the_alt_text_is_escaped_in_the_svg_and_read_back_as_written() -> None:
    named = svg.named('<svg width="10" height="10"></svg>', 'a "quoted" <b> & more')
    assert named == (
        '<svg role="img" aria-label="a &quot;quoted&quot; &lt;b&gt; &amp; more" width="10" height="10">'
        "<title>a &quot;quoted&quot; &lt;b&gt; &amp; more</title></svg>"
    )
    assert svg.alt_of(named) == 'a "quoted" <b> & more'


def test_an_svg_that_was_not_named_has_no_alt_text() -> None:
    assert svg.alt_of('<svg width="10" height="10"><title>x</title></svg>') is None


def test_inline_html_keeps_the_drawn_size_in_a_focusable_box_that_scrolls_sideways() -> None:
    named = svg.named('<?xml version="1.0"?>\n<svg width="700" height="90"></svg>', "a picture")
    assert svg.inline_html(named) == (
        '<div class="mt-diagram" tabindex="0" style="overflow-x:auto;max-width:100%">'
        '<svg style="max-width:none;display:block" role="img" aria-label="a picture" width="700" height="90">'
        "<title>a picture</title></svg></div>"
    )


def page_with_images(*names: str) -> nodes.document:
    document = new_document("page", get_default_settings(Parser))
    for name in names:
        document += nodes.image(uri=name)
    return document


class App:
    def __init__(self, srcdir: pathlib.Path) -> None:
        self.srcdir = str(srcdir)


@pytest.mark.parametrize("other", ["plain.svg", "photo.png", "missing.svg"])
def test_the_book_inlines_named_diagrams_and_leaves_other_images_alone(
    tmp_path: pathlib.Path, other: str
) -> None:
    (tmp_path / "diagram.svg").write_text(svg.named('<svg width="700"></svg>', "what it shows"))
    (tmp_path / "plain.svg").write_text('<svg width="700"></svg>')
    (tmp_path / "photo.png").write_bytes(base64.b64decode("iVBORw0KGgo="))
    document = page_with_images("diagram.svg", other)
    inline_diagrams(App(tmp_path), document, "page")
    raw, image = document.children
    assert isinstance(raw, nodes.raw) and raw["format"] == "html"
    assert raw.astext() == svg.inline_html((tmp_path / "diagram.svg").read_text())
    assert isinstance(image, nodes.image) and image["uri"] == other
