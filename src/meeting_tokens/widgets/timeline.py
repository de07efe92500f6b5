"""A token's life on a line: when it becomes usable, when it expires, and what leeway adds.

`timeline_for` reads the time claims; `timeline_figure` draws them with matplotlib (transparent
background and mid-tone colours, so it reads on light and dark pages); `timeline_svg` returns
the drawing as an SVG data URI plus where its axis sits, so a page can place a "now" marker on
it without Python. Where matplotlib cannot be imported (the browser kernel), `timeline_svg`
draws the same layout itself.
"""

from __future__ import annotations

import base64
import io
import math
from dataclasses import dataclass
from typing import Any

from meeting_tokens.core.claims import is_integer
from meeting_tokens.drawing import svg
from meeting_tokens.drawing.palette import PALETTE
from meeting_tokens.drawing.timetext import FIRST_SECOND, LAST_SECOND
from meeting_tokens.runtime import HAS_MATPLOTLIB

COLOURS = {
    "valid": PALETTE["valid"],
    "leeway": PALETTE["warning"],  # accepted only thanks to the leeway
    "rejected": PALETTE["rejected"],
    "line": "#8c959f",
    "text": "#888888",
}
# Where the axis sits in the figure (fractions of width and height); fixed so a page can map
# an instant to a position on the image.
AXES_BOX = {"left": 0.03, "right": 0.97, "bottom": 0.30, "top": 0.68}
NO_CLAIMS_SPAN = 3600  # seconds shown after `fallback` when a token has no usable time claim


@dataclass(frozen=True)
class Timeline:
    """The instants that decide a token's verdict, and the stretch of time worth showing."""

    iat: int | None
    nbf: int | None
    exp: int | None
    leeway: float
    start: int
    end: int
    origin: int  # the axis's zero: iat, else nbf, else exp

    @property
    def usable_from(self) -> float | None:
        """First instant the time check passes (leeway included), or None with no iat/nbf."""
        starts = [t - self.leeway for t in (self.iat, self.nbf) if t is not None]
        return max(starts) if starts else None

    @property
    def usable_until(self) -> float | None:
        """First instant the token counts as expired (leeway included), or None with no exp."""
        return None if self.exp is None else self.exp + self.leeway


def _claim(claims: dict[str, Any], name: str) -> int | None:
    value = claims.get(name)
    return value if is_integer(value) and FIRST_SECOND <= value <= LAST_SECOND else None


def timeline_for(claims: dict[str, Any], leeway: float = 0, *, fallback: int) -> Timeline:
    """The timeline of these claims; `fallback` anchors a token with no usable time claim."""
    iat, nbf, exp = (_claim(claims, name) for name in ("iat", "nbf", "exp"))
    points = [t for t in (iat, nbf, exp) if t is not None]
    origin = next((t for t in (iat, nbf, exp) if t is not None), fallback)
    low = min(points, default=origin) - leeway
    high = max(points, default=origin) + leeway
    if exp is None:
        high = max(high, origin + NO_CLAIMS_SPAN)
    pad = max(60, (high - low) * 0.12)
    return Timeline(iat, nbf, exp, leeway, math.floor(low - pad), math.ceil(high + pad), origin)


def _unit(span: float) -> tuple[int, str]:
    if span <= 3 * 3600:
        return 60, "min"
    if span <= 4 * 86400:
        return 3600, "h"
    return 86400, "d"


def bands(tl: Timeline) -> list[tuple[float, float, str, str]]:
    """(from, to, colour, label) spans covering the timeline, leeway split out of "valid"."""
    start, end = tl.start, tl.end
    if tl.exp is None or tl.usable_until is None:
        return [(start, end, COLOURS["rejected"], "no exp: rejected at every instant")]

    def clamp(t: float) -> float:
        return min(max(t, start), end)

    low = start if tl.usable_from is None else clamp(tl.usable_from)
    high = clamp(tl.usable_until)
    if high <= low:
        return [(start, end, COLOURS["rejected"], "never valid")]
    strict_low = low if tl.usable_from is None else min(clamp(tl.usable_from + tl.leeway), high)
    strict_high = max(clamp(tl.exp), strict_low)
    spans = [
        (start, low, COLOURS["rejected"], "not yet valid"),
        (low, strict_low, COLOURS["leeway"], "leeway"),
        (strict_low, strict_high, COLOURS["valid"], "valid"),
        (strict_high, high, COLOURS["leeway"], "leeway"),
        (high, end, COLOURS["rejected"], "expired"),
    ]
    return [span for span in spans if span[1] > span[0]]


def _claim_labels(tl: Timeline) -> dict[int, list[str]]:
    labels: dict[int, list[str]] = {}
    for name in ("iat", "nbf", "exp"):
        if (t := getattr(tl, name)) is not None:
            labels.setdefault(t, []).append(name)
    return labels


def _label_span(
    tl: Timeline, t0: float, t1: float, label: str, claims: dict[int, list[str]]
) -> tuple[float, float] | None:
    """The widest stretch of a band that no claim line crosses, if its label fits there."""
    cuts = sorted({t0, t1, *(t for t in claims if t0 < t < t1)})
    a, b = max(zip(cuts, cuts[1:], strict=False), key=lambda pair: pair[1] - pair[0])
    return (a, b) if label and (b - a) / (tl.end - tl.start) > len(label) * 0.013 else None


def _claim_heights(tl: Timeline, claims: dict[int, list[str]]) -> list[tuple[int, str, float]]:
    """Each claim line's label and height; one too close to the one before it goes up a line."""
    placed: list[tuple[int, str, float]] = []
    for t, names in sorted(claims.items()):
        previous = placed[-1] if placed else None
        crowded = (
            previous is not None and (t - previous[0]) / (tl.end - tl.start) < 0.07 and previous[2] == 1.06
        )
        placed.append((t, " = ".join(names), 1.34 if crowded else 1.06))
    return placed


def _origin_name(tl: Timeline) -> str:
    return next(n for n in ("iat", "nbf", "exp", "") if n == "" or getattr(tl, n) == tl.origin) or "now"


def timeline_figure(tl: Timeline) -> Any:
    """The timeline drawn with matplotlib (a ``Figure``); the page marks "now" on it itself."""
    from matplotlib.figure import Figure

    unit, suffix = _unit(tl.end - tl.start)

    def x(t: float) -> float:
        return (t - tl.origin) / unit

    fig = Figure(figsize=(7.0, 1.7))
    fig.subplots_adjust(**AXES_BOX)
    ax = fig.add_subplot()
    ax.set_xlim(x(tl.start), x(tl.end))
    ax.set_ylim(0, 1)
    labels = _claim_labels(tl)
    for t0, t1, colour, label in bands(tl):
        ax.axvspan(x(t0), x(t1), color=colour, alpha=0.4, linewidth=0)
        if span := _label_span(tl, t0, t1, label, labels):
            ax.text(x(sum(span) / 2), 0.5, label, ha="center", va="center", color=COLOURS["text"])
    for t, label, height in _claim_heights(tl, labels):
        ax.axvline(x(t), color=COLOURS["line"], linewidth=1.2)
        ax.text(x(t), height, label, ha="center", va="bottom", color=COLOURS["text"])
    ax.set_yticks([])
    ax.tick_params(colors=COLOURS["text"], labelsize=8)
    ax.xaxis.set_major_formatter(lambda value, _: f"{value:+g} {suffix}" if value else "0")
    ax.set_xlabel(f"time from {_origin_name(tl)}", color=COLOURS["text"], fontsize=8)
    for spine in ax.spines.values():
        spine.set_color(COLOURS["line"])
    fig.patch.set_alpha(0)
    ax.patch.set_alpha(0)
    return fig


def timeline_svg(tl: Timeline) -> str:
    """The figure as an SVG data URI (text kept as text, stable element ids)."""
    if HAS_MATPLOTLIB:
        import matplotlib

        buffer = io.BytesIO()
        with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "meeting-tokens"}):
            timeline_figure(tl).savefig(buffer, format="svg", transparent=True, metadata={"Date": None})
        data = buffer.getvalue()
    else:
        data = _plain_svg(tl).encode("utf-8")
    return "data:image/svg+xml;base64," + base64.b64encode(data).decode("ascii")


def _plain_svg(tl: Timeline) -> str:
    """The timeline without matplotlib, its axis at `AXES_BOX` like the figure's (700 × 170)."""
    width, height = 700.0, 170.0
    unit, suffix = _unit(tl.end - tl.start)
    left, right = AXES_BOX["left"] * width, AXES_BOX["right"] * width
    top, bottom = (1 - AXES_BOX["top"]) * height, (1 - AXES_BOX["bottom"]) * height
    x = svg.scale(tl.start, tl.end, left, right)
    y = svg.scale(0, 1, bottom, top)
    labels = _claim_labels(tl)
    body = []
    for t0, t1, colour, label in bands(tl):
        body.append(svg.box(x(t0), top, x(t1) - x(t0), bottom - top, fill=colour, opacity=0.4))
        if span := _label_span(tl, t0, t1, label, labels):
            body.append(svg.text(x(sum(span) / 2), y(0.5), label, size=13, colour=COLOURS["text"]))
    for t, label, level in _claim_heights(tl, labels):
        body.append(svg.line(x(t), top, x(t), bottom, colour=COLOURS["line"], width=1.2))
        body.append(svg.text(x(t), y(level) - 8, label, size=13, colour=COLOURS["text"]))
    body.append(svg.box(left, top, right - left, bottom - top, fill="none", stroke=COLOURS["line"]))
    for value in svg.nice_ticks((tl.start - tl.origin) / unit, (tl.end - tl.origin) / unit):
        tick = x(tl.origin + value * unit)
        body.append(svg.line(tick, bottom, tick, bottom + 4, colour=COLOURS["text"]))
        body.append(svg.text(tick, bottom + 12, f"{value:+g} {suffix}" if value else "0", size=11,
                             colour=COLOURS["text"]))  # fmt: skip
    body.append(svg.text((left + right) / 2, bottom + 30, f"time from {_origin_name(tl)}", size=11,
                         colour=COLOURS["text"]))  # fmt: skip
    return svg.document(width, height, body)
