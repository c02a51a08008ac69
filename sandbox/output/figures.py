"""The figure toolkit every plot module shares: a fixed style, figures without pyplot, colours, labels.

Figures are built without pyplot (no global state, safe in threads and notebooks) under a fixed
style (:data:`RC`, independent of the user's matplotlibrc); :func:`to_bytes` renders PNG or SVG
without dates or version stamps, so the same figure gives the same bytes. matplotlib is imported
inside the functions.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sandbox.output.format import fmt

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from sandbox.ledger.engine import Ledger, RunResult

#: Pixels per inch of the PNGs; figure sizes are in inches.
DPI = 100

#: The fixed style every figure is drawn and saved under.
RC: dict[str, Any] = {
    "font.family": "DejaVu Sans",  # ships with matplotlib: the same glyphs everywhere
    "font.size": 10,
    "axes.titlesize": 13,
    "axes.titleweight": "bold",
    "axes.labelsize": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.7,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "svg.hashsalt": "sandbox",
    "svg.fonttype": "path",
    "path.simplify": True,
}

#: Okabe–Ito colour-blind-safe palette (black left out); architectures take them in order.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442")
BASELINE_COLOUR = "#7f7f7f"




# --------------------------------------------------------------------------- style and output
@contextmanager
def style() -> Iterator[None]:
    """Draw (and save) under the fixed style: matplotlib's defaults plus :data:`RC`."""
    import matplotlib

    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        matplotlib.rcParams.update(RC)
        yield


def new_figure(width_in: float, height_in: float) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, height_in), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def to_bytes(fig: Figure, fmt: str = "png") -> bytes:
    """The figure as PNG or SVG bytes, without dates or version stamps (reproducible)."""
    if fmt not in ("png", "svg"):
        raise ValueError(f"format must be 'png' or 'svg', got {fmt!r}")
    metadata: dict[str, Any] = {"Software": "sandbox"}
    if fmt == "svg":
        metadata = {"Date": None, "Creator": "sandbox"}
    buf = io.BytesIO()
    with style():
        fig.savefig(buf, format=fmt, metadata=metadata)
    return buf.getvalue()


# --------------------------------------------------------------------------- helpers
def label(ledger: Ledger) -> str:
    """An architecture's display name: its instance, with its type when that differs."""
    if ledger.instance == ledger.architecture:
        return ledger.instance
    return f"{ledger.instance} ({ledger.architecture})"


def colour_map(names: Sequence[str], baseline: str | None = None) -> dict[str, str]:
    """A colour per name: :data:`PALETTE` in order, the baseline (when among ``names``) grey."""
    out: dict[str, str] = {}
    others = [name for name in names if name != baseline]
    for i, name in enumerate(others):
        out[name] = PALETTE[i % len(PALETTE)]
    if baseline is not None and baseline in names:
        out[baseline] = BASELINE_COLOUR
    return out


def colours(result: RunResult) -> dict[str, str]:
    """A fixed colour per architecture instance (the baseline grey), shared by every figure."""
    return colour_map(list(result.ledgers), result.baseline)


def fmt_value(value: float) -> str:
    """A short number for a bar label (3 significant digits, thousands separated)."""
    return fmt(float(value))


def suptitle(fig: Figure, result: RunResult, what: str) -> None:
    fig.suptitle(f"{what}\n{result.scenario.name}", fontsize=13, fontweight="bold")


def empty(fig: Figure, message: str) -> Figure:
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=12, transform=ax.transAxes)
    return fig


def duration(seconds: float) -> str:
    if seconds <= 0:
        return "0 s"
    if seconds < 1:
        return f"{seconds * 1e3:.3g} ms"
    if seconds < 120:
        return f"{seconds:.3g} s"
    if seconds < 7200:
        return f"{seconds / 60:.3g} min"
    return f"{seconds / 3600:.3g} h"
