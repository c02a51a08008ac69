"""The bridge's figures: a waterfall from scenario A's value of a metric to scenario B's.

Left: the waterfall of the order-averaged (Shapley) shares, which sum to the total change: a bar
for A, one floating bar per input (up: the input raises the metric, down: lowers it), a bar for
B. Right: per input, its change alone (only that input from B) and its step in the stated order
(largest |Shapley| first), and the interaction remainder (total less the changes alone).
Inputs whose every figure is zero are left out (the title says how many).

matplotlib is imported inside (``import sandbox.output.waterfall`` is cheap). Bars carry a
``gid`` (``waterfall:<input>``, ``alone:<input>``, ``sequential:<input>``) that tests read back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from sandbox.output.figures import BASELINE_COLOUR, empty, fmt_value, new_figure, style

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Colours: inputs that raise the metric, inputs that lower it, and the end bars.
UP_COLOUR = "#D55E00"
DOWN_COLOUR = "#009E73"
END_COLOUR = "#0072B2"
SEQUENTIAL_COLOUR = "#E69F00"

CAPTION_KEY = "waterfall"  # its caption: sandbox.output.study_plots.CAPTIONS["waterfall"]


def waterfall(result: Any, top: int = 20) -> Figure:
    """The waterfall figure of one :class:`sandbox.studies.bridge.BridgeResult` (``top`` inputs by |Shapley|)."""
    with style():
        rows = [r for r in result.rows() if any(abs(r[k]) > 0 for k in ("shapley", "alone", "sequential"))]
        hidden = len(result.rows()) - len(rows)
        rows = rows[:top]
        fig = new_figure(14.0, 3.0 + 0.42 * (len(rows) + 3))
        title = (f"{result.metric} of {result.architecture}: {fmt_value(result.a_value)} → "
                 f"{fmt_value(result.b_value)} {result.unit}").rstrip()
        if not rows:
            return empty(fig, f"{title}: no differing input changes it")
        fig.suptitle(title, fontsize=13, fontweight="bold")
        left, right = fig.subplots(1, 2, sharey=True, width_ratios=(3, 2))
        labels = ["A", *(r["input"] for r in rows), "B"]
        ys = np.arange(len(labels))
        level = result.a_value
        bar = left.barh(ys[0], result.a_value, 0.6, color=END_COLOUR)
        bar[0].set_gid("waterfall:A")
        for y, r in zip(ys[1:-1], rows, strict=True):
            step = r["shapley"]
            bar = left.barh(y, step, 0.6, left=level, color=UP_COLOUR if step > 0 else DOWN_COLOUR)
            bar[0].set_gid(f"waterfall:{r['input']}")
            left.bar_label(bar, labels=[f"{'+' if step > 0 else ''}{fmt_value(step)}"], padding=3, fontsize=8)
            level += step
        rest = result.b_value - level  # the inputs not drawn (beyond ``top``)
        if abs(rest) > 1e-12 * max(abs(result.a_value), abs(result.b_value), 1.0):
            left.annotate(f"{fmt_value(rest)} from {len(result.rows()) - len(rows) - hidden} more inputs",
                          (level, ys[-1] - 0.5), fontsize=8, color="#555555")
        bar = left.barh(ys[-1], result.b_value, 0.6, color=END_COLOUR)
        bar[0].set_gid("waterfall:B")
        for y, value in ((ys[0], result.a_value), (ys[-1], result.b_value)):
            left.annotate(fmt_value(value), (value, y), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8)
        left.set_yticks(ys, labels, fontsize=8)
        left.invert_yaxis()
        left.axvline(0, color=BASELINE_COLOUR, linewidth=0.8)
        left.set_xlabel(f"{result.metric} ({result.unit})" if result.unit else result.metric)
        left.set_title(f"order-averaged (Shapley) shares; {result.method}"
                       + (f"; {hidden} input{'s' if hidden != 1 else ''} with no effect not shown" if hidden else ""),
                       fontsize=9, fontweight="normal", color="#555555")
        alone = np.array([r["alone"] for r in rows])
        seq = np.array([r["sequential"] for r in rows])
        for values, offset, colour, name in ((alone, -0.18, END_COLOUR, "alone"), (seq, 0.18, SEQUENTIAL_COLOUR, "sequential")):
            bars = right.barh(ys[1:-1] + offset, values, 0.34, color=colour,
                              label="change alone" if name == "alone" else "step in the stated order")
            for b, r in zip(bars, rows, strict=True):
                b.set_gid(f"{name}:{r['input']}")
        bar = right.barh(ys[-1], result.interaction, 0.5, color=BASELINE_COLOUR, label="interaction remainder")
        bar[0].set_gid("interaction")
        right.bar_label(bar, labels=[fmt_value(result.interaction)], padding=3, fontsize=8)
        right.axvline(0, color="black", linewidth=0.8)
        right.set_title("change alone, sequential step, interaction", fontsize=9, fontweight="normal", color="#555555")
        right.set_xlabel(f"change ({result.unit})" if result.unit else "change")
        fig.legend(loc="outside lower center", ncols=3)
        return fig
