"""Sequence diagrams of the book's flows, drawn with matplotlib so the book builds offline.

Text sits on light boxes and lines use mid-tones, so a diagram reads on light and dark pages.
Every picture is SVG with its text kept as text, named by an ``alt`` text that says what it
shows, step by step; the book shows it inline at its drawn size (a narrow screen scrolls it
rather than shrinking its labels). Where matplotlib cannot be imported (the browser kernel), the
same functions return an `SVGPicture` drawn from the same layout (see
`meeting_tokens.drawing.svg`).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from meeting_tokens.drawing import svg
from meeting_tokens.drawing.palette import PALETTE
from meeting_tokens.runtime import HAS_MATPLOTLIB, browser_limitation

if HAS_MATPLOTLIB:
    from matplotlib.figure import Figure
else:

    class Figure:  # type: ignore[no-redef]
        """Stands in for matplotlib's ``Figure`` in the browser kernel, where diagrams are SVG."""

        def __init__(self, *args: object, **kwargs: object) -> None:
            raise RuntimeError(browser_limitation("drawing with matplotlib's own API"))


LINE = "#6e7781"
BOX = "#f6f8fa"
TEXT = "#1f2328"
# A step's colour by its kind: a request, a reply that succeeded, an error, a note.
ACCENT = {
    "request": "#0969da",
    "reply": PALETTE["valid"],
    "error": PALETTE["rejected"],
    "note": PALETTE["warning"],
}


class Diagram(Figure):
    """A matplotlib figure that shows itself in notebooks without pyplot: as SVG named by
    ``alt`` (the book inlines it, see book/_ext/book_figures.py), and as PNG for a notebook
    opened untrusted, where JupyterLab shows no SVG."""

    alt = "a diagram"

    def _repr_svg_(self) -> str:
        import matplotlib

        buffer = io.BytesIO()
        # Text kept as text, ids and metadata the same on every run.
        with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "meeting-tokens"}):
            self.savefig(buffer, format="svg", transparent=True, metadata={"Date": None})
        return svg.named(buffer.getvalue().decode("utf-8"), self.alt)

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=100, transparent=True)
        return buffer.getvalue()


# A step: (from, to, label) or (from, to, label, kind) with kind one of ACCENT's keys.
Step = tuple[str, str, str] | tuple[str, str, str, str]


def sequence_diagram(
    participants: Sequence[str], steps: Sequence[Step], *, title: str = ""
) -> Diagram | svg.SVGPicture:
    """Participants as columns with lifelines, steps as labelled arrows from top to bottom.

    A step from a participant to itself is drawn as a note on its lifeline: centred, or turned
    inwards on the first and last columns so that it stays inside the picture.
    """
    column = {name: index for index, name in enumerate(participants)}
    unknown = {name for step in steps for name in step[:2]} - column.keys()
    if unknown:
        raise ValueError(f"steps name participants that are not listed: {sorted(unknown)}")
    alt = sequence_alt(participants, steps, title)
    if not HAS_MATPLOTLIB:
        return _sequence_svg(participants, steps, title, alt)
    width = max(6.0, 2.4 * len(participants))
    height = 1.2 + 0.5 * len(steps) + (0.3 if title else 0)
    fig = Diagram(figsize=(width, height))
    fig.alt = alt
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(-0.7, len(participants) - 0.3)
    ax.set_ylim(-len(steps) - 0.6, 1.7 if title else 1.2)
    ax.axis("off")
    fig.patch.set_alpha(0)
    box = {"boxstyle": "round,pad=0.35", "facecolor": BOX, "edgecolor": LINE}
    for name, x in column.items():
        ax.plot([x, x], [0.55, -len(steps) - 0.4], color=LINE, linestyle="--", linewidth=1)
        ax.text(x, 0.7, name, ha="center", va="center", fontsize=11, color=TEXT, weight="bold", bbox=box)
    if title:
        ax.text(-0.6, 1.55, title, ha="left", va="top", fontsize=11, color=LINE, style="italic")
    label_box = {"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.9}
    for row, step in enumerate(steps):
        source, target, label = step[:3]
        colour = ACCENT[step[3] if len(step) > 3 else "request"]
        y = -0.2 - row
        x0, x1 = column[source], column[target]
        if x0 == x1:
            anchor, offset = _note_place(x0, len(participants))
            ax.text(x0 + offset, y, label, ha=anchor, va="center", fontsize=9, color=TEXT,
                    bbox={**label_box, "edgecolor": colour, "alpha": 1})  # fmt: skip
            continue
        ax.annotate("", xy=(x1, y), xytext=(x0, y),
                    arrowprops={"arrowstyle": "-|>", "color": colour, "linewidth": 1.6})  # fmt: skip
        ax.text((x0 + x1) / 2, y + 0.16, label, ha="center", va="bottom", fontsize=9, color=TEXT,
                bbox=label_box)  # fmt: skip
    return fig


def sequence_alt(participants: Sequence[str], steps: Sequence[Step], title: str = "") -> str:
    """What a sequence diagram shows, in words: who takes part, then every step in order."""
    about = f"Sequence diagram{f' ({title})' if title else ''} between {_and(participants)}"
    lines = [
        f"{number}. {source}: {label}" if source == target else f"{number}. {source} to {target}: {label}"
        for number, (source, target, label, *_) in enumerate(steps, start=1)
    ]
    return f"{about}. " + " ".join(f"{line}." for line in lines)


def _and(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _note_place(column: int, columns: int) -> tuple[str, float]:
    """Where a note sits on its lifeline: (horizontal alignment, offset from the lifeline)."""
    if column == 0:
        return "left", -0.25
    if column == columns - 1:
        return "right", 0.25
    return "center", 0.0


def _sequence_svg(participants: Sequence[str], steps: Sequence[Step], title: str, alt: str) -> svg.SVGPicture:
    """The sequence diagram in SVG, on the matplotlib version's grid (100 pixels an inch)."""
    column = {name: index for index, name in enumerate(participants)}
    width = 100 * max(6.0, 2.4 * len(participants))
    height = 100 * (1.2 + 0.5 * len(steps) + (0.3 if title else 0))
    x = svg.scale(-0.7, len(participants) - 0.3, 0, width)
    y = svg.scale(1.7 if title else 1.2, -len(steps) - 0.6, 0, height)
    body = [svg.arrow_marker(f"arrow-{kind}", colour) for kind, colour in ACCENT.items()]
    for name, index in column.items():
        body.append(svg.line(x(index), y(0.55), x(index), y(-len(steps) - 0.4), colour=LINE, dashed=True))
        body += svg.boxed_text(x(index), y(0.7), name, size=14, colour=TEXT, fill=BOX, stroke=LINE,
                               pad=7, bold=True)  # fmt: skip
    if title:
        body.append(svg.text(x(-0.6), y(1.45), title, size=14, colour=LINE, anchor="start",
                             extra=' font-style="italic"'))  # fmt: skip
    for row, step in enumerate(steps):
        source, target, label = step[:3]
        kind = step[3] if len(step) > 3 else "request"
        row_y = y(-0.2 - row)
        x0, x1 = x(column[source]), x(column[target])
        if x0 == x1:
            anchor, offset = _note_place(column[source], len(participants))
            svg_anchor = {"left": "start", "center": "middle", "right": "end"}[anchor]
            body += svg.boxed_text(x0 + offset * (x(1) - x(0)), row_y, label, size=12, colour=TEXT,
                                   fill="white", stroke=ACCENT[kind], anchor=svg_anchor)  # fmt: skip
            continue
        body.append(svg.line(x0, row_y, x1, row_y, colour=ACCENT[kind], width=1.6,
                             extra=f' marker-end="url(#arrow-{kind})"'))  # fmt: skip
        body += svg.boxed_text((x0 + x1) / 2, row_y - 16, label, size=12, colour=TEXT, fill="white",
                               stroke="none", pad=2)  # fmt: skip
    description = f"sequence diagram: {', '.join(participants)}"
    return svg.SVGPicture(svg.document(width, height, body), description, alt)


def bar_chart(cases: Sequence[tuple[str, float]], *, xlabel: str) -> Diagram | svg.SVGPicture:
    """Horizontal bars of ``(label, hours)`` on a logarithmic axis, the first case at the bottom."""
    labels = [label for label, _ in cases]
    values = [hours for _, hours in cases]
    bars = "; ".join(f"{label}: {hours:g}" for label, hours in cases)
    alt = f"Bar chart of {xlabel}: {bars}."
    if not HAS_MATPLOTLIB:
        picture = svg.horizontal_bars(labels, values, xlabel=xlabel, colour=ACCENT["request"], muted=LINE)
        return svg.SVGPicture(picture, f"bar chart: {', '.join(labels)}", alt)
    figure = Diagram(figsize=(7, 2.2))
    figure.alt = alt
    axes = figure.add_axes((0.28, 0.28, 0.68, 0.65))
    axes.barh(labels, values, color=ACCENT["request"])
    axes.set_xscale("log")
    # Plain numbers (0.1, 1, 10), not 10 with a superscript too small to read on a phone.
    axes.xaxis.set_major_formatter(lambda value, _position: f"{value:g}")
    axes.set_xlabel(xlabel, color=LINE)
    axes.tick_params(colors=LINE)
    for spine in axes.spines.values():
        spine.set_color(LINE)
    return figure
