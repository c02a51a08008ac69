"""Figures of a run: headline metrics against the baseline, capex and mass breakdowns, latency,
the latency distribution and where each architecture sits (the last two in :mod:`sandbox.output.views`).

Every function takes a :class:`~sandbox.ledger.engine.RunResult` and returns a
:class:`matplotlib.figure.Figure` built without pyplot (no global figure state, safe in threads
and notebooks); :func:`render_all` renders them all to PNG or SVG bytes. matplotlib is imported
inside the functions, so ``import sandbox.output.plots`` costs nothing until a figure is drawn.

Output is deterministic: the figures are drawn under a fixed style (:data:`RC`, independent of
the user's matplotlibrc), SVG ids are salted with a constant and neither format carries a date,
so the same result gives the same bytes.

Each bar carries a ``gid`` (``"<figure>:<architecture>:<metric>"``) and each bar container a
``label``: the numbers drawn can be read back from the Axes (the tests do).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from sandbox.ledger.engine import Ledger, RunResult
from sandbox.output.figures import (
    colours,
    duration,
    empty,
    fmt_value,
    label,
    new_figure,
    style,
    suptitle,
    to_bytes,
)
from sandbox.output.views import latency_distribution, orbit_view

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Colours of the components of a stacked breakdown, in the ledger's order.
COMPONENT_PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#999999",
                     "#332288", "#882255")

#: Headline metrics compared with the baseline, with their axis labels.
HEADLINE: dict[str, str] = {
    "cost.per_pflop_day": "cost per\nPFLOP-day",
    "cost.capex": "capex",
    "cost.opex": "opex",
    "energy.use": "energy\nuse",
    "mass.total": "mass",
    "launch.flights": "launch\nflights",
    "latency.p50": "latency\n(median)",
    "time.years_to_service": "years to\nservice",
}

#: Human names of the breakdown components (the metric name's suffix otherwise).
COMPONENT_NAMES: dict[str, str] = {
    "capex.chips": "chips", "capex.power": "power (arrays, storage, reactors)", "capex.bus": "spacecraft bus",
    "capex.other": "other (plugin items)", "capex.integration": "integration & test", "capex.launch": "launch",
    "capex.site": "site / building", "mass.compute": "compute", "mass.power": "power generation",
    "mass.storage": "energy storage", "mass.thermal": "radiators", "mass.shielding": "shielding",
    "mass.structure": "structure", "mass.propellant": "propellant", "mass.other": "other (plugin items)",
}


def ratios(result: RunResult, metrics: Sequence[str] = tuple(HEADLINE)) -> dict[str, dict[str, float]]:
    """``{metric: {architecture: value / baseline value}}`` for every non-baseline architecture.

    A metric is left out when the baseline lacks it or has it at zero (no ratio exists: e.g. the
    ground baseline's launch flights); an architecture without the metric is left out of it.
    """
    base = result.ledgers.get(result.baseline or "")
    if base is None:
        return {}
    out: dict[str, dict[str, float]] = {}
    for metric in metrics:
        if not base.has(metric) or not base.get(metric) > 0:
            continue
        row = {name: float(lg.get(metric)) / float(base.get(metric))
               for name, lg in result.ledgers.items() if name != base.instance and lg.has(metric)}
        if row:
            out[metric] = row
    return out


def components(ledger: Ledger, total: str) -> list[str]:
    """The metrics a total is the sum of (``cost.capex`` → ``capex.*``), from the total's inputs."""
    if not ledger.has(total):
        return []
    return [name for name in ledger.metric(total).inputs if ledger.has(name)]


# --------------------------------------------------------------------------- (a) headline
def headline(result: RunResult) -> Figure:
    """Headline metrics of every architecture relative to the baseline (= 1×), log scale."""
    with style():
        rel = ratios(result)
        names = [n for n in result.ledgers if n != result.baseline]
        fig = new_figure(12.0, 6.0)
        if not rel or not names:
            return empty(fig, "no ratios to the baseline: the run has no baseline or no other architecture")
        suptitle(fig, result, f"Headline metrics relative to the baseline ({result.baseline} = 1×)")
        ax = fig.add_subplot()
        _headline_bars(ax, result, rel, names)
        left_out = [m for m in HEADLINE if m not in rel]
        if left_out:
            ax.set_xlabel(f"not shown: {', '.join(left_out)} ({result.baseline}'s value is 0 or missing: no ratio)",
                          fontsize=8, color="#555555", labelpad=8)
        return fig


def _headline_bars(ax: Axes, result: RunResult, rel: dict[str, dict[str, float]], names: list[str]) -> None:
    metrics = list(rel)
    colour = colours(result)
    width = 0.8 / len(names)
    for j, name in enumerate(names):
        xs = [i + (j - (len(names) - 1) / 2) * width for i, m in enumerate(metrics) if rel[m].get(name, 0) > 0]
        hs = [rel[m][name] for m in metrics if rel[m].get(name, 0) > 0]
        shown = [m for m in metrics if rel[m].get(name, 0) > 0]
        bars = ax.bar(xs, hs, width * 0.92, color=colour[name], label=label(result.ledgers[name]))
        for bar, m in zip(bars, shown, strict=True):
            bar.set_gid(f"headline:{name}:{m}")
            if result.ledgers[name].metric(m).approximation:
                bar.set_hatch("///")
        ax.bar_label(bars, labels=[fmt_value(h) for h in hs], rotation=90, fontsize=7, padding=2)
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(_times)
    ax.axhline(1.0, color="#333333", linewidth=1.2, linestyle="--", zorder=3, label=f"{result.baseline} = 1×")
    ax.set_xticks(range(len(metrics)), [HEADLINE[m] for m in metrics])
    ax.set_xlim(-0.5, len(metrics) - 0.5)
    ax.set_ylabel(f"value ÷ {result.baseline}'s value (×, log scale)")
    ax.grid(axis="x", visible=False)
    lo, hi = ax.get_ylim()
    ax.set_ylim(min(lo, 0.5), hi * 8)  # room for the rotated labels above the tallest bars
    from matplotlib.patches import Patch

    handles, labels = ax.get_legend_handles_labels()
    handles.append(Patch(facecolor="white", edgecolor="#333333", hatch="///"))
    labels.append("hatched: approximation")
    ax.legend(handles, labels, loc="upper left", ncols=min(len(names) + 2, 4))


def _times(value: float, _pos: int) -> str:
    """Log-axis tick label of a ratio: ``0.1×``, ``1×``, ``1,000×``."""
    return f"{fmt_value(value)}×"


# --------------------------------------------------------------------------- (b, c) breakdowns
def capex_breakdown(result: RunResult) -> Figure:
    """Capital cost of each architecture, stacked by component (``capex.*``), and each component's share."""
    return _breakdown(result, "cost.capex", "Capital cost by component", "capital cost")


def mass_breakdown(result: RunResult) -> Figure:
    """Mass of each architecture, stacked by subsystem (``mass.*``), and each subsystem's share."""
    return _breakdown(result, "mass.total", "Mass by subsystem", "mass")


def _breakdown(result: RunResult, total: str, title: str, what: str) -> Figure:
    with style():
        names = [n for n, lg in result.ledgers.items() if lg.has(total)]
        fig = new_figure(12.0, 1.6 + 0.55 * max(len(names), 1) + 1.2)
        if not names:
            return empty(fig, f"no architecture has {total}")
        suptitle(fig, result, title)
        parts = _nonzero_parts(result, names, total)
        unit = result.ledgers[names[0]].metric(total).unit
        absolute, share = fig.subplots(1, 2, sharey=True, width_ratios=(3, 2))
        _stack(absolute, result, names, parts, total, share=False)
        absolute.set_xlabel(f"{what} ({_unit_words(unit)})")
        absolute.set_title("total", fontsize=11)
        _stack(share, result, names, parts, total, share=True)
        share.set_xlabel(f"share of the {what} (%)")
        share.set_title("share", fontsize=11)
        share.set_xlim(0, 100)
        handles, labels = absolute.get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=min(len(parts), 4))
        return fig


def _unit_words(unit: str) -> str:
    return {"MUSD": "million USD", "t": "tonnes"}.get(unit, unit)


def _nonzero_parts(result: RunResult, names: list[str], total: str) -> list[str]:
    """Components of ``total`` in the ledgers' order, those zero everywhere left out."""
    parts: list[str] = []
    for name in names:
        for part in components(result.ledgers[name], total):
            if part not in parts:
                parts.append(part)
    return [p for p in parts if any(lg.has(p) and lg.get(p) > 0 for lg in result.ledgers.values())]


def _stack(ax: Axes, result: RunResult, names: list[str], parts: list[str], total: str, share: bool) -> None:
    ys = list(range(len(names)))
    left = [0.0] * len(names)
    sums = [float(result.ledgers[n].get(total)) for n in names]
    for k, part in enumerate(parts):
        values = [float(result.ledgers[n].get(part)) if part in components(result.ledgers[n], total) else 0.0
                  for n in names]
        widths = [100.0 * v / s if s > 0 else 0.0 for v, s in zip(values, sums, strict=True)] if share else values
        bars = ax.barh(ys, widths, 0.7, left=left, color=COMPONENT_PALETTE[k % len(COMPONENT_PALETTE)],
                       label=COMPONENT_NAMES.get(part, part.split(".", 1)[-1]), edgecolor="white", linewidth=0.5)
        for bar, name in zip(bars, names, strict=True):
            bar.set_gid(f"{'share' if share else 'stack'}:{name}:{part}")
        left = [a + b for a, b in zip(left, widths, strict=True)]
    ax.set_yticks(ys, [label(result.ledgers[n]) for n in names])
    ax.grid(axis="y", visible=False)
    if not share:
        ax.invert_yaxis()  # the first architecture on top (the y axis is shared with the share panel)
        unit = result.ledgers[names[0]].metric(total).unit
        for y, s in zip(ys, sums, strict=True):
            ax.annotate(f" {fmt_value(s)} {unit}", (s, y), va="center", ha="left", fontsize=9)
        ax.set_xlim(0, max(sums) * 1.18 if max(sums) > 0 else 1)
        ax.xaxis.set_major_formatter(lambda v, _pos: f"{v:,.0f}" if v >= 10 or v == 0 else f"{v:g}")


# --------------------------------------------------------------------------- (d) latency
def latency(result: RunResult) -> Figure:
    """Median and 95th-percentile query latency of each architecture (log scale)."""
    with style():
        names = [n for n, lg in result.ledgers.items() if lg.has("latency.p50") and lg.has("latency.p95")]
        fig = new_figure(12.0, 1.8 + 0.6 * max(len(names), 1) + 0.8)
        if not names:
            return empty(fig, "no architecture has latency percentiles")
        suptitle(fig, result, "Query latency: median (p50) and 95th percentile (p95)")
        ax = fig.add_subplot()
        _latency_bars(ax, result, names)
        return fig


def _latency_bars(ax: Axes, result: RunResult, names: list[str]) -> None:
    colour = colours(result)
    ys = list(range(len(names)))
    for pct, offset, alpha in (("latency.p50", -0.2, 1.0), ("latency.p95", 0.2, 0.45)):
        values = [float(result.ledgers[n].get(pct)) for n in names]
        bars = ax.barh([y + offset for y in ys], values, 0.38, color=[colour[n] for n in names], alpha=alpha)
        approx = [result.ledgers[n].metric(pct).approximation for n in names]
        for bar, name, is_approx in zip(bars, names, approx, strict=True):
            bar.set_gid(f"latency:{name}:{pct}")
            if is_approx:
                bar.set_hatch("///")
        ax.bar_label(bars, labels=[f"{pct[-3:]} {duration(v)}{'~' if a else ''}" for v, a in zip(values, approx, strict=True)],
                     padding=3, fontsize=8)
    ax.set_xscale("log")
    target = result.scenario.workload.latency_target_s
    if target and math.isfinite(target) and target > 0:
        ax.axvline(target, color="#333333", linestyle="--", linewidth=1.2, zorder=3,
                   label=f"workload target {duration(target)}")
    ax.set_yticks(ys, [label(result.ledgers[n]) for n in names])
    ax.invert_yaxis()
    lo, hi = ax.get_xlim()
    ax.set_xlim(lo, hi * 30)  # room for the labels right of the longest bars
    ax.set_xlabel("round-trip latency of one query (s, log scale)")
    ax.grid(axis="y", visible=False)
    from matplotlib.patches import Patch

    handles, labels = ax.get_legend_handles_labels()
    handles += [Patch(color="#555555"), Patch(color="#555555", alpha=0.45),
                Patch(facecolor="white", edgecolor="#333333", hatch="///")]
    labels += ["p50 (median)", "p95 (lighter)", "hatched ~: approximation (round-trip light time only)"]
    ax.figure.legend(handles, labels, loc="outside lower center", ncols=4)


# --------------------------------------------------------------------------- (e, f) latency CDF, orbits
# --------------------------------------------------------------------------- all
#: Every figure: name (file stem) → (function, caption).
FIGURES: dict[str, tuple[Callable[[RunResult], Figure], str]] = {
    "headline": (headline, "Headline metrics of each architecture divided by the baseline's (1× = as good as the "
                           "baseline; above is more cost, energy, mass, latency or time). Log scale."),
    "capex": (capex_breakdown, "Capital cost of each architecture stacked by component (left, million USD) and the "
                               "share of each component (right)."),
    "mass": (mass_breakdown, "Mass of each architecture stacked by subsystem (left, tonnes) and the share of each "
                             "subsystem (right). On the ground the mass is the chips' only."),
    "latency": (latency, "Round-trip latency of one query, median and 95th percentile, log scale; hatched bars "
                         "(marked ~) are approximations: round-trip light time only."),
    "latency_distribution": (latency_distribution, "Share of queries answered within a given round-trip time, per "
                                                   "architecture (log time axis): solid where the plugin modelled the "
                                                   "path's latency samples, dashed a single step at the median where "
                                                   "only that is known; the dotted line is the workload's target, "
                                                   "slower latencies shaded."),
    "orbits": (orbit_view, "Where each architecture sits: near Earth to scale (left; orbits at their altitude and "
                           "inclination, dotted behind Earth) and every site at its distance from Earth's centre on a "
                           "log-radial scale (right; orbits at Earth's radius + altitude, other sites at their "
                           "typical distance to Earth)."),
}


def figures(result: RunResult) -> dict[str, Figure]:
    """Every figure of :data:`FIGURES` for ``result``."""
    return {name: fn(result) for name, (fn, _caption) in FIGURES.items()}


def render_all(result: RunResult, fmt: str = "png") -> dict[str, bytes]:
    """Every figure rendered: ``{"headline": b"...", "capex": ..., "mass": ..., "latency": ..., "orbits": ...}``.

    File names are the keys with the format as suffix (``headline.png``).
    """
    return {name: to_bytes(fig, fmt) for name, fig in figures(result).items()}
