"""Figures of studies: sweeps, Monte Carlo, sensitivity, timelines.

Study figures take tidy :class:`pandas.DataFrame` tables, one row per (point, architecture) with
an ``architecture`` column, the swept inputs, ``valid`` and metric columns in display units (as
:mod:`sandbox.studies.sweep` writes them), and return a :class:`matplotlib.figure.Figure` drawn without
pyplot under :func:`sandbox.output.figures.style`; render them with :func:`sandbox.output.figures.to_bytes`.

- :func:`heatmap`: the median of a metric over a two-input grid;
- :func:`pareto` (and :func:`pareto_front`): two metrics against each other, the front minimising both;
- :func:`distributions`: the Monte Carlo distribution of a metric per architecture;
- :func:`tornado`: one-at-a-time sensitivity of a metric to each input;
- :func:`timeline_bands`: a metric year by year (p05–p95 bands) and the year each architecture
  crosses the baseline.

matplotlib and pandas are imported inside the functions (``import sandbox.output.study_plots`` is cheap).
Drawn elements that tests read back carry a ``gid``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from sandbox.output.figures import (
    BASELINE_COLOUR,
    colour_map,
    empty,
    fmt_value,
    new_figure,
    style,
)

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


#: Figure captions by the file stem a study gives them (the study HTML report shows them).
CAPTIONS: dict[str, str] = {
    "distribution": "Monte Carlo distribution of the metric per architecture: box from the 25th to the 75th "
                    "percentile, whiskers at p5 and p95, the median marked; the dashed line is the baseline's median.",
    "heatmap": "Median of the metric in each cell of the two swept inputs (grey: no valid point).",
    "pareto": "Every valid point of every architecture; the black line joins the Pareto front (no other point "
              "is lower in both metrics).",
    "tornado": "One input at a time at its low and high value, the others nominal: the metric's change from "
               "its nominal value. Largest swing on top.",
    "waterfall": "Waterfall from scenario A's value to scenario B's: each bar is one differing input's "
                 "order-averaged (Shapley) share, and the shares sum to the total change. Right: each input's change "
                 "alone and its step in the stated order (largest share first), and the interaction remainder.",
    "timeline": "The metric year by year: median line, shaded p05–p95 band; ticks mark the median year each "
                "architecture crosses the baseline.",
}

#: Colours of the tornado's low and high bars.
LOW_COLOUR = "#0072B2"
HIGH_COLOUR = "#D55E00"


# --------------------------------------------------------------------------- helpers
def _spans_decades(values: np.ndarray, decades: float = 2.0) -> bool:
    """True when every value is positive and the largest is more than ``10**decades`` × the smallest."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    return bool(v.size) and bool(np.all(v > 0)) and float(v.max()) > 10.0 ** decades * float(v.min())


def _log_spaced(values: np.ndarray, decades: float) -> bool:
    """True when positive values spanning more than ``decades`` decades are spread evenly in log
    rather than linearly: their median sits below three quarters of the way up in log."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if not _spans_decades(v, decades):
        return False
    lo, hi, mid = (math.log(float(q)) for q in (v.min(), v.max(), np.median(v)))
    return (mid - lo) / (hi - lo) < 0.75


def _valid(df: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Rows marked valid (when there is a ``valid`` column) whose ``columns`` are all finite numbers."""
    import pandas as pd

    out = df[df["valid"].astype(bool)] if "valid" in df.columns else df
    keep = np.ones(len(out), dtype=bool)
    for c in columns:
        keep &= np.isfinite(pd.to_numeric(out[c], errors="coerce").to_numpy(dtype=float))
    return out[keep]


def _architectures(df: pd.DataFrame) -> list[str]:
    return [str(a) for a in dict.fromkeys(df["architecture"])] if "architecture" in df.columns else []


def _baseline_of(df: pd.DataFrame) -> str | None:
    """The architecture whose ``cost.per_pflop_day.vs_baseline`` is 1 everywhere (the baseline), if any."""
    col = "cost.per_pflop_day.vs_baseline"
    if col not in df.columns or "architecture" not in df.columns:
        return None
    for arch, g in df.groupby("architecture", sort=False):
        v = g[col].to_numpy(dtype=float)
        if v.size and np.all(v == 1.0):
            return str(arch)
    return None


def _labels(df: pd.DataFrame) -> dict[str, str]:
    """Display names: the instance, with its type when that differs (as :func:`sandbox.output.plots.label`)."""
    out: dict[str, str] = {}
    types = df.groupby("architecture", sort=False)["type"].first() if "type" in df.columns else {}
    for name in _architectures(df):
        kind = str(types.get(name, name)) if len(types) else name
        out[name] = name if kind == name else f"{name} ({kind})"
    return out


def _with_unit(name: str, unit: str, log: bool = False) -> str:
    inside = ", ".join(p for p in (unit, "log scale" if log else "") if p)
    return f"{name} ({inside})" if inside else name


def _log_axes(ax: Any, x_log: bool, y_log: bool) -> None:
    """Log scale (with plain-number ticks) on the axes that span decades."""
    for flag, axis in ((x_log, "x"), (y_log, "y")):
        if flag:
            getattr(ax, f"set_{axis}scale")("log")
            _log_formatter(ax, axis)


def _log_formatter(ax: Axes, axis: str) -> None:
    """Plain numbers (1,000 not 10³; 17,500 not 17500) on an axis's major ticks."""
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_formatter(lambda v, _pos: fmt_value(v))


# --------------------------------------------------------------------------- heat map
def _cells(values: np.ndarray, bins: int, exact_max: int) -> tuple[np.ndarray, np.ndarray, bool]:
    """(cell index of each value, cell edges, log axis) for one heat-map axis.

    At most ``exact_max`` distinct values (a grid sweep): one cell per value, edges halfway between
    neighbours (geometrically when the values are positive, log-spaced and span more than a decade).
    Otherwise (random or Latin-hypercube points): ``bins`` equal cells, logarithmic when the values
    are log-spaced over more than two decades.
    """
    unique = np.unique(values)
    if unique.size <= exact_max:
        log = _log_spaced(unique, 1.0)
        if unique.size == 1:
            v = float(unique[0])
            half = abs(v) * 0.1 if v else 0.5
            edges = np.array([v - half, v + half]) if not log else np.array([v / 1.25, v * 1.25])
        else:
            t = np.log(unique) if log else unique
            mid = (t[1:] + t[:-1]) / 2
            t_edges = np.concatenate([[t[0] - (mid[0] - t[0])], mid, [t[-1] + (t[-1] - mid[-1])]])
            edges = np.exp(t_edges) if log else t_edges
        return np.searchsorted(unique, values), edges, log
    log = _log_spaced(values, 2.0)
    lo, hi = float(values.min()), float(values.max())
    edges = np.geomspace(lo, hi, bins + 1) if log else np.linspace(lo, hi, bins + 1)
    index = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, bins - 1)
    return index, edges, log


def heatmap(df: pd.DataFrame, x: str, y: str, metric: str, architecture: str, unit: str = "", *,
            x_unit: str = "", y_unit: str = "", bins: int = 20) -> Figure:
    """Median of ``metric`` of ``architecture`` over the grid of inputs ``x`` × ``y``.

    Grid sweeps (≤ 30 distinct values per input) get one cell per value pair; random and
    Latin-hypercube points are binned into ``bins`` × ``bins`` cells. The colour scale is
    logarithmic when the medians span more than two decades. Cells without a valid point are grey.
    """
    from matplotlib.colors import LogNorm, Normalize

    with style():
        fig = new_figure(10.0, 7.5)
        sub = _valid(df[df["architecture"] == architecture], [x, y, metric]) if "architecture" in df else df[:0]
        if sub.empty:
            return empty(fig, f"no valid point of {architecture} with {x}, {y} and {metric}")
        fig.suptitle(f"Median {metric} of {architecture}\nover {x} × {y}", fontsize=13, fontweight="bold")
        xs, ys, zs = (sub[c].to_numpy(dtype=float) for c in (x, y, metric))
        ix, x_edges, x_log = _cells(xs, bins, 30)
        iy, y_edges, y_log = _cells(ys, bins, 30)
        grid = np.full((len(y_edges) - 1, len(x_edges) - 1), np.nan)
        order = np.lexsort((zs, iy, ix))  # cells, then values ascending within each cell
        keys = ix[order] * grid.shape[0] + iy[order]
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
        for start, stop in zip(starts, [*starts[1:], len(keys)], strict=True):
            grid[iy[order[start]], ix[order[start]]] = float(np.median(zs[order[start:stop]]))
        finite = grid[np.isfinite(grid)]
        log = _spans_decades(finite)
        lo, hi = float(finite.min()), float(finite.max())
        if hi == lo:
            lo, hi = (lo / 2, hi * 2) if log or lo > 0 else (lo - 1, hi + 1)
        norm = LogNorm(lo, hi) if log else Normalize(lo, hi)
        ax = fig.add_subplot()
        ax.set_facecolor("#e6e6e6")
        ax.grid(False)
        mesh = ax.pcolormesh(x_edges, y_edges, np.ma.masked_invalid(grid), cmap="viridis", norm=norm,
                             edgecolors="face", linewidth=0)
        mesh.set_gid("heatmap:cells")
        _log_axes(ax, x_log, y_log)
        ax.set_xlim(x_edges[0], x_edges[-1])
        ax.set_ylim(y_edges[0], y_edges[-1])
        if grid.size <= 100:  # a small grid: the numbers too
            xc = np.sqrt(x_edges[1:] * x_edges[:-1]) if x_log else (x_edges[1:] + x_edges[:-1]) / 2
            yc = np.sqrt(y_edges[1:] * y_edges[:-1]) if y_log else (y_edges[1:] + y_edges[:-1]) / 2
            for j, i in zip(*np.nonzero(np.isfinite(grid)), strict=True):
                shade = norm(grid[j, i])
                ax.text(xc[i], yc[j], fmt_value(grid[j, i]), ha="center", va="center", fontsize=8,
                        color="black" if shade > 0.55 else "white")
        ax.set_xlabel(_with_unit(x, x_unit, x_log))
        ax.set_ylabel(_with_unit(y, y_unit, y_log))
        cells = "one cell per swept value pair" if len(np.unique(xs)) <= 30 and len(np.unique(ys)) <= 30 \
            else f"{len(x_edges) - 1} × {len(y_edges) - 1} bins"
        ax.set_title(f"{len(sub):,} valid points, {cells}; grey: no valid point", fontsize=9,
                     fontweight="normal", color="#555555")
        bar = fig.colorbar(mesh, ax=ax)
        bar.set_label(_with_unit(f"median {metric}", unit, log))
        return fig


# --------------------------------------------------------------------------- Pareto
def pareto_front(x: Any, y: Any) -> np.ndarray:
    """Indices of the points no other point beats in both ``x`` and ``y`` (both minimised).

    A point is dominated when another is ≤ in both and < in one; identical points are all kept.
    Points with a NaN or infinite coordinate are left out. The indices come in ascending ``x``.
    """
    x = np.asarray(x, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    if x.shape != y.shape:
        raise ValueError(f"x and y differ in length ({x.size} and {y.size})")
    ok = np.flatnonzero(np.isfinite(x) & np.isfinite(y))
    if not ok.size:
        return np.array([], dtype=np.intp)
    pairs, inverse = np.unique(np.column_stack([x[ok], y[ok]]), axis=0, return_inverse=True)  # by x, then y
    best_before = np.r_[np.inf, np.minimum.accumulate(pairs[:-1, 1])]
    on_front = pairs[:, 1] < best_before
    chosen = ok[on_front[inverse.ravel()]]
    return chosen[np.lexsort((chosen, y[chosen], x[chosen]))]


def pareto(df: pd.DataFrame, x_metric: str, y_metric: str, x_unit: str, y_unit: str, *,
           baseline: str | None = None, max_points: int = 20_000) -> Figure:
    """Every valid point of every architecture in ``x_metric`` × ``y_metric`` and the Pareto front
    minimising both (over all points; at most ``max_points`` of them are drawn, a fixed subsample)."""
    with style():
        fig = new_figure(11.0, 7.0)
        sub = _valid(df, [x_metric, y_metric])
        if sub.empty:
            return empty(fig, f"no valid point with both {x_metric} and {y_metric}")
        fig.suptitle(f"{y_metric} against {x_metric}: every point and the Pareto front", fontsize=13,
                     fontweight="bold")
        names = _architectures(sub)
        baseline = baseline if baseline is not None else _baseline_of(sub)
        colour, names_shown = colour_map(names, baseline), _labels(sub)
        xs, ys = sub[x_metric].to_numpy(dtype=float), sub[y_metric].to_numpy(dtype=float)
        arch = sub["architecture"].astype(str).to_numpy()
        ax = fig.add_subplot()
        rng = np.random.default_rng(0)
        total = len(sub)
        for name in names:
            idx = np.flatnonzero(arch == name)
            if total > max_points:
                keep = max(1, int(max_points * idx.size // total))
                idx = np.sort(rng.choice(idx, size=min(keep, idx.size), replace=False))
            dots = ax.scatter(xs[idx], ys[idx], s=9, color=colour[name], alpha=0.55, linewidths=0,
                              label=f"{names_shown[name]} ({int((arch == name).sum()):,} points)")
            dots.set_gid(f"pareto:{name}:points")
        front = pareto_front(xs, ys)
        line = ax.step(xs[front], ys[front], where="post", color="black", linewidth=1.4, zorder=4,
                       label=f"Pareto front ({front.size} points)")[0]
        line.set_gid("pareto:front")
        ax.scatter(xs[front], ys[front], s=46, c=[colour[a] for a in arch[front]], edgecolors="black",
                   linewidths=1.1, zorder=5).set_gid("pareto:front-points")
        x_log, y_log = _spans_decades(xs), _spans_decades(ys)
        _log_axes(ax, x_log, y_log)
        ax.set_xlabel(_with_unit(x_metric, x_unit, x_log))
        ax.set_ylabel(_with_unit(y_metric, y_unit, y_log))
        shown = min(total, max_points)
        ax.set_title(f"{total:,} valid points{f', {shown:,} drawn' if shown < total else ''}; lower-left is better",
                     fontsize=9, fontweight="normal", color="#555555")
        ax.legend(loc="upper right", markerscale=1.5)
        return fig


# --------------------------------------------------------------------------- distributions
def distributions(df: pd.DataFrame, metric: str, unit: str, baseline: str | None = None) -> Figure:
    """The distribution of ``metric`` per architecture (Monte Carlo): boxes from p25 to p75,
    whiskers at p5 and p95, p50 marked and written; log axis past two decades; the baseline's
    median as a dashed reference line."""
    with style():
        sub = _valid(df, [metric])
        names = _architectures(sub)
        fig = new_figure(12.0, 1.9 + 0.75 * max(len(names), 1))
        if not names:
            return empty(fig, f"no valid value of {metric}")
        fig.suptitle(f"Distribution of {metric} per architecture", fontsize=13, fontweight="bold")
        baseline = baseline if baseline is not None else _baseline_of(sub)
        colour, shown = colour_map(names, baseline), _labels(sub)
        data = [sub.loc[sub["architecture"] == n, metric].to_numpy(dtype=float) for n in names]
        ax = fig.add_subplot()
        ys = list(range(len(names)))
        box = ax.boxplot(data, positions=ys, orientation="horizontal", whis=(5, 95), showfliers=False,
                         patch_artist=True, widths=0.5, medianprops={"color": "black", "linewidth": 1.6})
        for patch, name in zip(box["boxes"], names, strict=True):
            patch.set_facecolor(colour[name])
            patch.set_edgecolor(colour[name])
            patch.set_gid(f"distribution:{name}:box")
        log = _spans_decades(np.concatenate(data))
        if log:
            ax.set_xscale("log")
            _log_formatter(ax, "x")
        for y, name, values in zip(ys, names, data, strict=True):
            p5, p50, p95 = np.percentile(values, (5, 50, 95))
            ax.plot([p5, p95], [y, y], linestyle="none", marker="|", markersize=16, color="black", zorder=4)
            ax.plot([p50], [y], linestyle="none", marker="D", markersize=6, color="white",
                    markeredgecolor="black", zorder=5, gid=f"distribution:{name}:p50")
            ax.annotate(f"p5 {fmt_value(p5)} · p50 {fmt_value(p50)} · p95 {fmt_value(p95)}", (p50, y - 0.3),
                        ha="center", va="bottom", fontsize=8, color="#333333")
        if baseline in names:
            median = float(np.median(data[names.index(baseline)]))
            ax.axvline(median, color=BASELINE_COLOUR, linestyle="--", linewidth=1.3, zorder=3,
                       label=f"{baseline} median {fmt_value(median)} {unit}".rstrip())
            ax.legend(loc="lower right")
        ax.set_yticks(ys, [f"{shown[n]}\nn = {len(v):,}" for n, v in zip(names, data, strict=True)])
        ax.set_ylim(len(names) - 0.4, -0.75)  # first on top, room for the annotations above each box
        ax.grid(axis="y", visible=False)
        ax.set_xlabel(_with_unit(metric, unit, log))
        return fig


# --------------------------------------------------------------------------- tornado
def tornado(df: pd.DataFrame, metric: str, architecture: str, unit: str, top: int = 12) -> Figure:
    """One-at-a-time sensitivity of ``metric`` for ``architecture``: per input a bar from the
    nominal value to the value with the input at its low end and one to its high end; the
    ``top`` inputs by ``swing``, the largest on top."""
    with style():
        sub = df[df["architecture"] == architecture] if "architecture" in df.columns else df[:0]
        sub = sub[np.isfinite(sub["swing"].to_numpy(dtype=float))].sort_values("swing", ascending=False, kind="stable")
        n_all = len(sub)
        sub = sub.head(top)
        fig = new_figure(12.0, 2.0 + 0.5 * max(len(sub), 1))
        if sub.empty:
            return empty(fig, f"no sensitivity of {metric} for {architecture}")
        fig.suptitle(f"Sensitivity of {metric} for {architecture}: one input at a time", fontsize=13,
                     fontweight="bold")
        ax = fig.add_subplot()
        nominal = float(np.nanmedian(sub["metric_nominal"].to_numpy(dtype=float)))
        ys = np.arange(len(sub))
        ends = [nominal]
        for end, col, colour_, what in (("low", "metric_low", LOW_COLOUR, "input at its low value"),
                                         ("high", "metric_high", HIGH_COLOUR, "input at its high value")):
            values = sub[col].to_numpy(dtype=float)
            base = sub["metric_nominal"].to_numpy(dtype=float)
            ok = np.isfinite(values) & np.isfinite(base)
            bars = ax.barh(ys[ok], values[ok] - base[ok], 0.62, left=base[ok], color=colour_, label=what)
            for bar, name in zip(bars, sub["input"].to_numpy()[ok], strict=True):
                bar.set_gid(f"tornado:{name}:{end}")
            ax.bar_label(bars, labels=[fmt_value(v) for v in values[ok]], padding=3, fontsize=8)
            ends += list(values[ok])
        ax.axvline(nominal, color="black", linewidth=1.2, zorder=3, label=f"nominal {fmt_value(nominal)} {unit}".rstrip())
        units = sub["unit"].fillna("").astype(str).to_numpy() if "unit" in sub.columns else [""] * len(sub)
        labels = [f"{r.input}\n{_span(r.low, r.high)} {u}".rstrip() for r, u in zip(sub.itertuples(), units, strict=True)]
        ax.set_yticks(ys, labels, fontsize=8)
        ax.invert_yaxis()  # the largest swing on top
        ax.grid(axis="y", visible=False)
        lo, hi = min(ends), max(ends)
        pad = (hi - lo) * 0.12 or abs(nominal) * 0.1 or 1.0
        ax.set_xlim(lo - pad, hi + pad)
        _log_formatter(ax, "x")  # thousands separated (linear axis)
        ax.set_xlabel(_with_unit(metric, unit))
        ax.set_title(f"top {len(sub)} of {n_all} inputs by swing (low … high of each input under its name)",
                     fontsize=9, fontweight="normal", color="#555555")
        ax.figure.legend(loc="outside lower center", ncols=3)
        return fig


def _span(low: Any, high: Any) -> str:
    """An input's low … high values, numbers formatted."""
    def one(v: Any) -> str:
        return fmt_value(float(v)) if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) \
            else str(v)

    return f"{one(low)} … {one(high)}"


# --------------------------------------------------------------------------- timeline
def timeline_bands(summary: pd.DataFrame, crossover: pd.DataFrame, baseline: str | None, unit: str,
                   metric: str = "cost.per_pflop_day") -> Figure:
    """``metric`` year by year per architecture: the p50 line in a shaded p05–p95 band (log y),
    the baseline as a dashed grey line, and each architecture's median crossover year (when it
    beats the baseline) as a tick on the time axis with its p05–p95 range and a label."""
    from matplotlib.ticker import MaxNLocator

    with style():
        fig = new_figure(12.0, 6.5)
        sub = summary[np.isfinite(summary["p50"].to_numpy(dtype=float))] if len(summary) else summary
        names = _architectures(sub) if len(sub) else []
        if not names:
            return empty(fig, "no year of the timeline has a value")
        fig.suptitle(f"Deployment timeline: {metric} by year", fontsize=13, fontweight="bold")
        colour = colour_map(names, baseline)
        ax = fig.add_subplot()
        for name in names:
            g = sub[sub["architecture"] == name].sort_values("year")
            years = g["year"].to_numpy(dtype=float)
            is_base = name == baseline
            band = ax.fill_between(years, g["p05"].to_numpy(dtype=float), g["p95"].to_numpy(dtype=float),
                                   color=colour[name], alpha=0.12 if is_base else 0.2, linewidth=0)
            band.set_gid(f"timeline:{name}:band")
            ax.plot(years, g["p50"].to_numpy(dtype=float), color=colour[name], linewidth=2.6 if is_base else 2.0,
                    linestyle="--" if is_base else "-", gid=f"timeline:{name}:p50",
                    label=f"{name} (baseline)" if is_base else name)
        values = sub[["p05", "p50", "p95"]].to_numpy(dtype=float)
        log = bool(np.all(values[np.isfinite(values)] > 0))
        if log:
            ax.set_yscale("log")
            _log_formatter(ax, "y")
        years = sub["year"].to_numpy(dtype=float)
        ax.set_xlim(years.min() - 0.5, years.max() + 0.5)
        _crossover_ticks(ax, crossover, colour)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.xaxis.set_major_formatter(lambda v, _pos: f"{v:.0f}")
        ax.set_xlabel("year")
        ax.set_ylabel(_with_unit(metric, unit, log))
        ax.set_title("line: median (p50); band: p05–p95 of the draws; ticks at the bottom: median year "
                     "of crossing the baseline (bar: p05–p95)", fontsize=9, fontweight="normal", color="#555555")
        ax.legend(loc="upper right", ncols=min(len(names), 3))
        return fig


_LABEL_BOX = {"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85}


def _crossover_ticks(ax: Axes, crossover: pd.DataFrame | None, colour: dict[str, str]) -> None:
    if crossover is None or not len(crossover):
        return
    where = ax.get_xaxis_transform()  # x in years, y in axes fraction
    k = 0
    for row in crossover.itertuples():
        name = str(row.architecture)
        c = colour.get(name, BASELINE_COLOUR)
        never = float(getattr(row, "never_fraction", 0.0) or 0.0)
        p50 = float(row.p50) if row.p50 is not None else math.nan
        if not math.isfinite(p50):
            failed = float(getattr(row, "failed_fraction", 0.0) or 0.0) >= 1.0
            ax.annotate(f"{name}: failed in every draw" if failed else f"{name}: never crosses ({never:.0%} of draws)",
                        (0.01, 0.04 + 0.07 * k), xycoords="axes fraction",
                        fontsize=8, color=c, fontweight="bold", bbox=_LABEL_BOX, zorder=6)
            k += 1
            continue
        ax.plot([p50, p50], [0.0, 0.09], transform=where, color=c, linewidth=3, solid_capstyle="butt", zorder=5,
                gid=f"timeline:{name}:crossover")
        lo, hi = float(row.p05), float(row.p95)
        if math.isfinite(lo) and math.isfinite(hi):
            ax.plot([lo, hi], [0.045, 0.045], transform=where, color=c, linewidth=1.2, zorder=5)
        text = f"{name} crosses {p50:.0f}" + (f" (never in {never:.0%})" if never > 0 else "")
        right = p50 > float(np.mean(ax.get_xlim()))
        ax.annotate(text, (p50, 0.1 + 0.07 * k), xycoords=where, ha="right" if right else "left", va="bottom",
                    fontsize=8, color=c, fontweight="bold", xytext=(-3 if right else 3, 0), textcoords="offset points",
                    bbox=_LABEL_BOX, zorder=6)
        k += 1
