"""Sequence diagrams of the book's flows, drawn with matplotlib so the book builds offline.

Text sits on light boxes and lines use mid-tones, so a diagram reads on light and dark pages.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from matplotlib.figure import Figure

LINE = "#6e7781"
BOX = "#f6f8fa"
TEXT = "#1f2328"
ACCENT = {"request": "#0969da", "reply": "#1a7f37", "error": "#cf222e", "note": "#9a6700"}

class Diagram(Figure):
    """A matplotlib figure that shows itself as a PNG in notebooks, without pyplot."""

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=100, transparent=True)
        return buffer.getvalue()


# A step: (from, to, label) or (from, to, label, kind) with kind one of ACCENT's keys.
Step = tuple[str, str, str] | tuple[str, str, str, str]


def sequence_diagram(participants: Sequence[str], steps: Sequence[Step], *, title: str = "") -> Diagram:
    """Participants as columns with lifelines, steps as labelled arrows from top to bottom.

    A step from a participant to itself is drawn as a note beside its lifeline.
    """
    column = {name: index for index, name in enumerate(participants)}
    unknown = {name for step in steps for name in step[:2]} - column.keys()
    if unknown:
        raise ValueError(f"steps name participants that are not listed: {sorted(unknown)}")
    width = max(6.0, 2.4 * len(participants))
    height = 1.2 + 0.5 * len(steps) + (0.3 if title else 0)
    fig = Diagram(figsize=(width, height))
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
            ax.text(x0 + 0.08, y, label, ha="left", va="center", fontsize=9, color=TEXT,
                    bbox={**label_box, "edgecolor": colour})  # fmt: skip
            continue
        ax.annotate("", xy=(x1, y), xytext=(x0, y),
                    arrowprops={"arrowstyle": "-|>", "color": colour, "linewidth": 1.6})  # fmt: skip
        ax.text((x0 + x1) / 2, y + 0.16, label, ha="center", va="bottom", fontsize=9, color=TEXT,
                bbox=label_box)  # fmt: skip
    return fig
