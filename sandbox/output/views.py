"""Two run figures: the latency distribution per architecture and where each architecture sits.

Both take a :class:`~sandbox.ledger.engine.RunResult` and are listed in
:data:`sandbox.output.plots.FIGURES`. matplotlib is imported inside the functions.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from sandbox.output.figures import (
    BASELINE_COLOUR,
    colours,
    duration,
    empty,
    fmt_value,
    label,
    new_figure,
    style,
    suptitle,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from sandbox.ledger.engine import RunResult

#: Earth's mean radius (m), for the orbit view.
EARTH_RADIUS_M = 6_371_000.0
MOON_DISTANCE_M = 384_400_000.0
EARTH_COLOUR = "#cfe3f3"
#: Background of the latencies above the workload's target.
SLOW_COLOUR = "#fbe3df"


# --------------------------------------------------------------------------- run: latency
def _latency_series(result: RunResult) -> list[tuple[str, np.ndarray, bool]]:
    """(architecture, sorted latency samples in s, True when they are the plugin's samples)."""
    out = []
    for name, ledger in result.ledgers.items():
        design = result.designs.get(name)
        samples = None if design is None else design.latency_samples_s
        if samples is not None:
            v = np.asarray(samples, dtype=float).ravel()
            v = v[np.isfinite(v) & (v > 0)]
            if v.size:
                out.append((name, np.sort(v), True))
                continue
        if ledger.has("latency.p50") and ledger.get("latency.p50") > 0:
            out.append((name, np.array([float(ledger.get("latency.p50"))]), False))
    return out


def latency_distribution(result: RunResult) -> Figure:
    """Empirical CDF of one query's round-trip latency per architecture (log time axis): from the
    plugin's latency samples where it modelled the path, else a single step at the ledger's
    ``latency.p50`` (dashed); the workload's latency target as a vertical line, slower latencies shaded."""
    with style():
        series = _latency_series(result)
        fig = new_figure(12.0, 5.8)
        if not series:
            return empty(fig, "no architecture has a latency")
        suptitle(fig, result, "Query latency: cumulative distribution per architecture")
        ax = fig.add_subplot()
        colour = colours(result)
        lo = min(float(v[0]) for _, v, _ in series)
        hi = max(float(v[-1]) for _, v, _ in series)
        for name, values, sampled in series:
            xs = np.r_[values[0], values, values[-1]]
            ys = np.r_[0.0, np.arange(1, values.size + 1) / values.size, 1.0]
            xs[-1] = hi * 10  # the CDF stays at 1 to the right edge
            what = f"{values.size:,} sample{'s' if values.size > 1 else ''}" if sampled else f"median only ({duration(float(values[0]))})"
            ax.step(xs, ys, where="post", color=colour.get(name, BASELINE_COLOUR), linewidth=2.2,
                    linestyle="-" if sampled else "--", gid=f"latency_cdf:{name}",
                    label=f"{label(result.ledgers[name])}: {what}")
        target = result.scenario.workload.latency_target_s
        if target and math.isfinite(target) and target > 0:
            ax.axvline(target, color="#333333", linestyle=":", linewidth=1.6, zorder=3,
                       label=f"workload target {duration(target)}")
            lo, hi = min(lo, target), max(hi, target)
            ax.axvspan(target, hi * 3, color=SLOW_COLOUR, linewidth=0, zorder=0, label="slower than the target")
        ax.set_xscale("log")
        ax.set_xlim(lo / 3, hi * 3)
        ax.set_ylim(0, 1.04)
        ax.set_xlabel("round-trip latency of one query, t (s, log scale)")
        ax.set_ylabel("share of queries answered within t")
        ax.yaxis.set_major_formatter(lambda v, _pos: f"{v:.0%}")
        fig.legend(loc="outside lower center", ncols=3, fontsize=8)
        return fig


# --------------------------------------------------------------------------- run: orbit view
def _site_radius_m(site: Any) -> float:
    """Distance of a site from Earth's centre: surface for the ground, radius + altitude in orbit,
    else the site's typical distance to Earth."""
    if site.kind == "ground":
        return EARTH_RADIUS_M
    if site.kind == "orbit" and site.altitude_m > 0:
        return EARTH_RADIUS_M + float(site.altitude_m)
    return max(float(site.distance_to_earth_m), EARTH_RADIUS_M)


def _sites(result: RunResult) -> list[tuple[str, Any, Any]]:
    """(architecture, element, site) of every element of every evaluated architecture."""
    out = []
    for name in result.ledgers:
        design = result.designs.get(name)
        for element in design.elements if design is not None else []:
            out.append((name, element, element.site))
    return out


#: The orbit view looks at Earth from this elevation above the equatorial plane (degrees).
VIEW_ELEVATION_DEG = 20.0


def _ring(radius_m: float, inclination_deg: float, raan_deg: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A circular orbit seen obliquely: screen x, y (km) and whether each point is hidden by Earth."""
    u = np.linspace(0.0, 2 * np.pi, 721)
    inc, raan, elev = np.radians(inclination_deg), np.radians(raan_deg), np.radians(VIEW_ELEVATION_DEG)
    x = radius_m * (np.cos(raan) * np.cos(u) - np.sin(raan) * np.sin(u) * np.cos(inc))
    y = radius_m * (np.sin(raan) * np.cos(u) + np.cos(raan) * np.sin(u) * np.cos(inc))
    z = radius_m * np.sin(u) * np.sin(inc)
    sx, sy = x, y * np.sin(elev) + z * np.cos(elev)  # the viewer sits at -y, raised by the elevation
    towards = -y * np.cos(elev) + z * np.sin(elev)
    hidden = (towards < 0) & (np.hypot(sx, sy) < EARTH_RADIUS_M)
    return sx / 1e3, sy / 1e3, hidden


def orbit_view(result: RunResult) -> Figure:
    """Where each architecture sits. Left, near Earth to scale: every orbit with an altitude drawn
    as its ring at its inclination (seen from 20° above the equator; dotted behind Earth) and the
    ground site on the surface. Right, radially on a log axis: every site at its distance from
    Earth's centre (orbits: radius + altitude; other sites: their typical distance to Earth), with
    Earth's surface, GEO and the Moon for reference."""
    from matplotlib.patches import Circle

    with style():
        sites = _sites(result)
        fig = new_figure(12.0, 6.0)
        if not sites:
            return empty(fig, "no architecture was evaluated: nothing to place")
        suptitle(fig, result, "Where each architecture sits")
        colour = colours(result)
        near, far = fig.subplots(1, 2, width_ratios=(1, 1.4))
        orbits = [(n, el, s) for n, el, s in sites if s.kind == "orbit" and s.altitude_m > 0]
        reach_km = max([EARTH_RADIUS_M * 1.45, *(1.3 * (EARTH_RADIUS_M + s.altitude_m) for _, _, s in orbits)]) / 1e3
        # near Earth, to scale
        near.add_patch(Circle((0, 0), EARTH_RADIUS_M / 1e3, facecolor=EARTH_COLOUR, edgecolor="#6b8fb3", zorder=1))
        eq_x, eq_y, eq_hidden = _ring(EARTH_RADIUS_M, 0.0, 0.0)
        near.plot(np.where(eq_hidden, np.nan, eq_x), np.where(eq_hidden, np.nan, eq_y), color="#6b8fb3",
                  linewidth=0.8, zorder=2)
        near.annotate("Earth (to scale)", (0, -EARTH_RADIUS_M / 1e3 * 0.55), ha="center", fontsize=8, color="#3b5f82")
        for k, (name, _element, site) in enumerate(orbits):
            sx, sy, hidden = _ring(EARTH_RADIUS_M + site.altitude_m, site.inclination_deg, 25.0 + 35.0 * k)
            c = colour.get(name, BASELINE_COLOUR)
            near.plot(np.where(hidden, np.nan, sx), np.where(hidden, np.nan, sy), color=c, linewidth=2.2, zorder=3,
                      gid=f"orbit:{name}:ring", label=f"{name}: {site.altitude_m / 1e3:,.0f} km, i = {site.inclination_deg:.1f}°")
            near.plot(np.where(hidden, sx, np.nan), np.where(hidden, sy, np.nan), color=c, linewidth=1.0,
                      linestyle=":", zorder=1.5)
        for name, _element, site in sites:
            if site.kind == "ground":
                lat = np.radians(35.0)
                sx = 0.35 * EARTH_RADIUS_M / 1e3
                sy = EARTH_RADIUS_M / 1e3 * np.sin(lat + np.radians(VIEW_ELEVATION_DEG)) * 0.9
                near.plot([sx], [sy], marker="s", markersize=9, color=colour.get(name, BASELINE_COLOUR),
                          markeredgecolor="black", zorder=4, linestyle="none", gid=f"orbit:{name}:ground",
                          label=f"{name}: on the ground")
        near.set_xlim(-reach_km, reach_km)
        near.set_ylim(-reach_km, reach_km)
        near.set_aspect("equal")
        near.set_xlabel("km (to scale; seen from 20° above the equator)")
        near.set_ylabel("km")
        near.set_title("Near Earth", fontsize=11)
        if near.get_legend_handles_labels()[0]:
            near.legend(loc="lower center", fontsize=8, bbox_to_anchor=(0.5, 0.0))
        _log_radial(far, sites, colour)
        return fig


def _log_radial(ax: Axes, sites: list[tuple[str, Any, Any]], colour: dict[str, str]) -> None:
    """Every site on its own row at its distance from Earth's centre (log axis), with references."""
    import textwrap

    radii_km = [_site_radius_m(s) / 1e3 for _, _, s in sites]
    order = sorted(range(len(sites)), key=lambda i: radii_km[i])
    far = max(radii_km)
    for rank, i in enumerate(order):
        name, _element, site = sites[i]
        c = colour.get(name, BASELINE_COLOUR)
        ax.plot([radii_km[i]], [rank], marker="o", markersize=10, color=c, markeredgecolor="black", zorder=4,
                linestyle="none", gid=f"orbit:{name}:site")
        ax.hlines(rank, 1e3, radii_km[i], color=c, linewidth=1.2, zorder=2)
        ax.annotate(_where(site, radii_km[i] * 1e3), (radii_km[i], rank), xytext=(8, 0), textcoords="offset points",
                    va="center", fontsize=8, color="#333333")
    ax.axvspan(1e3, EARTH_RADIUS_M / 1e3, color=EARTH_COLOUR, zorder=0, linewidth=0)
    references = [(EARTH_RADIUS_M / 1e3, "Earth's surface"), (42_164.0, "GEO"), (MOON_DISTANCE_M / 1e3, "Moon")]
    if far > 1e7:
        references.append((1.495978707e8, "1 AU"))
    for km, what in references:
        ax.axvline(km, color="#999999", linestyle="--", linewidth=0.9, zorder=1)
        ax.annotate(what, (km, 1.0), xycoords=ax.get_xaxis_transform(), rotation=90, ha="right", va="top",
                    fontsize=7, color="#666666", xytext=(-2, -2), textcoords="offset points")
    ax.set_xscale("log")
    ax.set_xlim(1e3, max(far, MOON_DISTANCE_M / 1e3) * 30)
    ax.xaxis.set_major_formatter(lambda v, _pos: fmt_value(v))
    ax.set_yticks(range(len(order)), [textwrap.shorten(f"{sites[i][0]}: {sites[i][2].name}", 44, placeholder="…")
                                      for i in order], fontsize=8)
    for tick, i in zip(ax.get_yticklabels(), order, strict=True):
        tick.set_color(colour.get(sites[i][0], BASELINE_COLOUR))
    ax.set_ylim(len(order) - 0.5, -1.1)  # room above for the reference labels
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("distance from Earth's centre (km, log scale)")
    ax.set_title("Every site, from Earth outwards", fontsize=11)


def _where(site: Any, radius_m: float) -> str:
    if site.kind == "ground":
        return "on the ground"
    if site.kind == "orbit" and site.altitude_m > 0:
        return f"{site.altitude_m / 1e3:,.0f} km up"
    au = radius_m / 1.495978707e11
    return f"{au:.3g} AU" if au > 0.1 else f"{radius_m / 1e3:,.0f} km"
