"""The book's pictures as plain SVG text, for where matplotlib cannot be loaded.

In the browser kernel (Pyodide) only pure-Python wheels are served, and matplotlib is compiled,
so `diagrams` and the timeline widget draw with these functions there instead. They follow the
matplotlib drawings' layout (same proportions, colours and labels), not their every pixel;
on CPython the matplotlib output is unchanged.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from html import escape, unescape


class SVGPicture:
    """SVG text that notebooks display as an image (``_repr_svg_``), named by ``alt``."""

    def __init__(self, svg: str, description: str, alt: str | None = None) -> None:
        self.svg = svg
        self.description = description
        self.alt = alt or description

    def _repr_svg_(self) -> str:
        return named(self.svg, self.alt)

    def __repr__(self) -> str:
        return f"<{self.description}>"


def named(svg_text: str, alt: str) -> str:
    """An SVG document that says what it shows: an image for screen readers (``role="img"``),
    labelled ``alt``, with ``alt`` as its title too (a tooltip, and what `alt_of` reads back)."""
    start = svg_text.index("<svg")
    end = svg_text.index(">", start) + 1
    tag = svg_text[start:end].replace("<svg", f'<svg role="img" aria-label="{escape(alt)}"', 1)
    return f"{svg_text[:start]}{tag}<title>{escape(alt)}</title>{svg_text[end:]}"


_TITLE = re.compile(r'<svg role="img" aria-label="[^"]*"[^>]*><title>([^<]*)</title>')


def alt_of(svg_text: str) -> str | None:
    """The ``alt`` a `named` SVG document was given, or None for any other SVG."""
    found = _TITLE.search(svg_text)
    return None if found is None else unescape(found.group(1))


def inline_html(svg_text: str) -> str:
    """A `named` SVG document as HTML, at its drawn size, in a box that scrolls sideways on a
    narrower screen, so that its labels keep their size on a phone rather than shrink with it."""
    picture = svg_text[svg_text.index("<svg") :]  # without an XML declaration or doctype
    # Its own width and height attributes set its size; max-width:none keeps a page's
    # "svg { max-width: 100% }" from shrinking it.
    picture = picture.replace("<svg", '<svg style="max-width:none;display:block"', 1)
    # Focusable, so that a keyboard can scroll it too (tabindex 0: in reading order).
    box = 'class="mt-diagram" tabindex="0" style="overflow-x:auto;max-width:100%"'
    return f"<div {box}>{picture}</div>"


def document(width: float, height: float, body: list[str]) -> str:
    """An SVG document ``width`` × ``height`` pixels with a transparent background."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:g}" height="{height:g}" '
        f'viewBox="0 0 {width:g} {height:g}" font-family="sans-serif">' + "".join(body) + "</svg>"
    )


def text(x: float, y: float, label: str, *, size: float, colour: str, anchor: str = "middle",
         extra: str = "") -> str:  # fmt: skip
    """A line of text centred vertically on ``y``."""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:g}" fill="{colour}" text-anchor="{anchor}" '
        f'dominant-baseline="central"{extra}>{escape(label)}</text>'
    )


def box(x: float, y: float, width: float, height: float, *, fill: str, stroke: str = "none",
        opacity: float = 1.0, radius: float = 0) -> str:  # fmt: skip
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" rx="{radius:g}" '
        f'fill="{fill}" fill-opacity="{opacity:g}" stroke="{stroke}"/>'
    )


def line(x0: float, y0: float, x1: float, y1: float, *, colour: str, width: float = 1,
         dashed: bool = False, extra: str = "") -> str:  # fmt: skip
    dash = ' stroke-dasharray="5 4"' if dashed else ""
    return (
        f'<line x1="{x0:.1f}" y1="{y0:.1f}" x2="{x1:.1f}" y2="{y1:.1f}" stroke="{colour}" '
        f'stroke-width="{width:g}"{dash}{extra}/>'
    )


def text_width(label: str, size: float) -> float:
    """A sans-serif line's approximate width: enough to size the box behind it."""
    return 0.58 * size * len(label)


def boxed_text(x: float, y: float, label: str, *, size: float, colour: str, fill: str, stroke: str,
               anchor: str = "middle", pad: float = 4, bold: bool = False) -> list[str]:  # fmt: skip
    width = text_width(label, size) + 2 * pad
    left = {"middle": x - width / 2, "start": x - pad, "end": x - width + pad}[anchor]
    weight = ' font-weight="bold"' if bold else ""
    return [
        box(left, y - size * 0.75, width, size * 1.5, fill=fill, stroke=stroke, radius=4),
        text(x, y, label, size=size, colour=colour, anchor=anchor, extra=weight),
    ]


def nice_ticks(low: float, high: float, count: int = 6) -> list[float]:
    """Round tick values between ``low`` and ``high``, about ``count`` of them."""
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(low / step) * step
    return [first + i * step for i in range(int((high - first) / step) + 1)]


def arrow_marker(name: str, colour: str) -> str:
    return (
        f'<defs><marker id="{name}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="9" '
        f'markerHeight="9" orient="auto-start-reverse"><path d="M0,1 L10,5 L0,9 z" fill="{colour}"/>'
        "</marker></defs>"
    )


def scale(low: float, high: float, start: float, end: float) -> Callable[[float], float]:
    """The linear map from data ``low..high`` to pixels ``start..end``."""
    return lambda value: start + (value - low) / (high - low) * (end - start)


def horizontal_bars(labels: Sequence[str], values: Sequence[float], *, xlabel: str, colour: str,
                    muted: str, width: float = 700, height: float = 220) -> str:  # fmt: skip
    """Bars on a logarithmic axis, the first label at the bottom, as matplotlib's ``barh`` draws them."""
    left, right, top, bottom = 0.28 * width, 0.96 * width, 0.07 * height, 0.72 * height
    low = 10 ** math.floor(math.log10(min(values)))
    high = 10 ** math.ceil(math.log10(max(values)))
    x = scale(math.log10(low), math.log10(high), left, right)
    row = (bottom - top) / len(values)
    body = [line(left, top, left, bottom, colour=muted), line(left, bottom, right, bottom, colour=muted)]
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = bottom - (index + 0.5) * row
        body.append(box(left, y - row * 0.4, x(math.log10(value)) - left, row * 0.8, fill=colour))
        body.append(text(left - 8, y, label, size=11, colour=muted, anchor="end"))
    for power in range(round(math.log10(low)), round(math.log10(high)) + 1):
        tick = x(power)
        body.append(line(tick, bottom, tick, bottom + 5, colour=muted))
        body.append(text(tick, bottom + 14, f"{10.0**power:g}", size=11, colour=muted))
    body.append(text((left + right) / 2, bottom + 34, xlabel, size=11, colour=muted))
    return document(width, height, body)
