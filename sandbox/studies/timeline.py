"""Year-by-year deployment: in which year, if any, does each architecture beat the ground?

Each year ``y`` from the scenario's ``start_year`` ``y0`` to ``end_year`` (default ``y0 + 20``)
is a world in which every architecture is built with that year's launch prices and chips:

- **launch price on a learning curve** (Wright's law in cumulative mass launched to orbit
  worldwide): every launch vehicle's ``price_usd`` and ``expendable_price_usd`` are multiplied by
  ``(M(y) / M(y0)) ** log2(LR)``, with ``M(y)`` the cumulative mass launched by the end of year
  ``y``: ``M(y) = M_ref + sum(m_ref * (1 + g) ** (k - ref), k = ref+1 .. y)``, ``m_ref`` the mass
  launched in the reference year ``ref`` and ``g`` its yearly growth. The price curve is the
  shared model's :func:`sandbox.models.launch.learning_curve_price` and ``LR`` its sourced
  default ``launch.launch_progress_ratio``;
- **hardware generations**: every chip's peak operations per second (every precision) are
  multiplied by ``2 ** ((y - y0) / T)`` at the same power, mass and price, ``T`` the doubling
  time of FLOP/s per watt of ML hardware. The ground benefits as much as space does;
- **deployment**: an architecture is available from ``y0 + time.years_to_service`` (launch
  cadence, build and grid waits: the engine's metric); earlier years are marked
  ``available = False`` and left out of the summary and of the crossover.

Uncertainty: ``draws`` worlds, each drawing the timeline parameters (:data:`DEFAULTS`) and every
uncertain shared-model default and catalogue field the ledger reads
(:func:`sandbox.studies.plans.uncertain_inputs`) from split triangular (low, nominal, high) distributions, median = nominal (NASA
Cost Estimating Handbook v4.0, 2015, §2.4: three-point estimates); a draw keeps its values for all
years. The draws are evaluated in blocks (every year of :data:`BLOCK_POINTS` // years draws per
:func:`sandbox.ledger.batch.evaluate_points` call), keeping only the cost and the years to service,
so memory stays bounded at the largest number of draws; the numbers do not depend on the block.

The crossover year of a draw is the first year in which the architecture is available and its
cost per delivered PFLOP-day is below the ground baseline's in the same draw and year (the
ground's own build time is not counted against it: the comparison is of cost, and the ground
baseline stands for capacity that can be bought on the grid). Draws without one count in
``never_fraction``; a percentile that falls among them is reported as NaN ("never"). A draw in which
the architecture or the baseline gave no cost in any year (its evaluation failed: ``errors``) is
not a "never": it counts in ``failed_fraction`` and is left out of the percentiles and of
``never_fraction`` (NaN when every draw failed).

Costs are those of a system built in year ``y`` (annualised capex + opex over its life, at the
scenario's discount rate), not discounted back to ``y0``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sandbox.core.sourced import Sourced

#: Year whose launched mass and cumulative mass the defaults below give.
REFERENCE_YEAR = 2024

#: Years the timeline runs past the start year when no end year is given.
DEFAULT_HORIZON_YEARS = 20

#: Most (year, draw) points one timeline may hold.
MAX_POINTS = 500_000
#: Points evaluated at once (a block of draws, every year): the engine's working memory is a few kB
#: per point, so a block stays near 100 MB whatever the number of draws; the result keeps two
#: float64 columns per architecture and point.
BLOCK_POINTS = 20_000

#: Timeline parameters with their sources (triangular low/nominal/high in Monte Carlo).
DEFAULTS: dict[str, Sourced] = {
    "launch_mass_t_per_year": Sourced(
        1900.0,
        "t/yr",
        "Space Foundation, The Space Report 2024 Q4 (21 Jan 2025): 'total mass brought to orbit increased 40 % to "
        "1.9 million kilograms' in 2024; consistent with BryceTech quarterly briefings (SpaceX alone ~233 t in Q1 "
        "and ~214 t in Q2 2023)",
        low=1700.0,
        high=2100.0,
        note="mass launched to orbit worldwide in the reference year 2024; +-10 % covers the spread between "
        "trackers (assumption)",
    ),
    "launch_mass_growth_per_year": Sourced(
        0.20,
        "1/yr",
        "Space Foundation, The Space Report 2024 Q4 (Jan 2025): mass to orbit +40 % and launch attempts +16 % "
        "(259 vs 223) from 2023 to 2024",
        low=0.05,
        high=0.40,
        note="yearly growth of the mass launched worldwide after 2024; nominal between the 2024 growth of launches "
        "(16 %) and of mass (40 %), low = a plateau (assumption)",
    ),
    "cumulative_launched_mass_t": Sourced(
        25000.0,
        "t",
        "Estimate. Lower bound: ESA Space Debris Office, 'Space environment statistics' / Annual Space Environment "
        "Report 2024: more than 11,500 t of objects still in Earth orbit. Nominal: ~60 years at ~300-500 t/yr "
        "before 2020 (255 t in 2007, space.stackexchange.com q. 88) plus ~6,000 t in 2020-2024 (Space Foundation, "
        "BryceTech)",
        low=11500.0,
        high=40000.0,
        note="mass launched to orbit worldwide since 1957, by the end of the reference year 2024; high end an "
        "assumption (Soviet-era launch rates, Shuttle payloads)",
    ),
    "flop_per_watt_doubling_years": Sourced(
        2.6,
        "yr",
        "Epoch AI, 'Machine Learning Hardware' data hub (Oct 2024, updated Jan 2025): leading ML hardware ~50 % more "
        "energy-efficient per year (doubling 1.7 yr) and FP16 performance doubling every 2.7-2.8 yr; Hobbhahn, Heim & "
        "Aydos, 'Trends in Machine Learning Hardware', Epoch AI (Nov 2023): energy efficiency of ML GPUs doubling "
        "about every 3 years; Epoch estimate of ~30 %/yr in FLOP/J (doubling 2.6 yr)",
        low=1.7,
        high=3.0,
        note="doubling time of peak FLOP/s per watt of ML accelerators; applied at constant chip power, mass and price",
    ),
}


class TimelineError(ValueError):
    """Bad timeline options (years, draws, parameters)."""


@dataclass
class TimelineResult:
    """A timeline study.

    ``table``: one row per (year, architecture, draw): ``cost.per_pflop_day`` (USD), ``available``,
    ``vs_baseline`` (cost over the ground's in the same draw and year). ``summary``: per (year,
    architecture) the p05/p50/p95 cost among the available draws. ``crossover``: per architecture
    the p05/p50/p95 of the crossover year, ``never_fraction`` and ``failed_fraction``. ``assumptions``: the timeline
    parameters with their sources. ``factors``: per (year, draw) the launch price and chip
    performance multipliers. ``warnings``: as a run's (a catalogue entry a plugin replaced, and a ``[models]``
    default or ``[catalogue]`` entry of the scenario that no point read).
    """

    table: Any
    summary: Any
    crossover: Any
    assumptions: Any
    factors: Any
    baseline: str | None
    start_year: int
    end_year: int
    draws: int
    seed: int
    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------------- the curves


def annual_mass_t(year: Any, launch_mass_t: Any, growth: Any, reference_year: int = REFERENCE_YEAR) -> Any:
    """Mass launched to orbit in ``year``: ``m_ref * (1 + g) ** (year - ref)`` (t)."""
    return np.asarray(launch_mass_t, dtype=float) * np.power(1.0 + np.asarray(growth, dtype=float),
                                                             np.asarray(year, dtype=float) - reference_year)


def cumulative_mass_t(year: Any, cumulative_t: Any, launch_mass_t: Any, growth: Any,
                      reference_year: int = REFERENCE_YEAR) -> Any:
    """Cumulative mass launched to orbit by the end of ``year`` (t).

    ``M(y) = M_ref + sum_{k=ref+1}^{y} m(k)`` for ``y >= ref`` and ``M_ref - sum_{k=y+1}^{ref} m(k)``
    before, with ``m(k)`` from :func:`annual_mass_t`; never below that year's own launches.
    """
    y = np.asarray(year, dtype=float)
    m0, g, big_m = (np.asarray(v, dtype=float) for v in (launch_mass_t, growth, cumulative_t))
    n = y - reference_year  # whole years after the reference year (negative: before)
    q = 1.0 + g
    with np.errstate(divide="ignore", invalid="ignore"):
        # sum_{j=1}^{n} q^j = q (q^n - 1) / (q - 1); for n < 0: -sum_{j=n+1}^{0} q^j = -(1 - q^n) / (1 - 1/q)
        geometric = np.where(np.abs(g) > 1e-12, q * (np.power(q, n) - 1.0) / np.where(np.abs(g) > 1e-12, g, 1.0), n)
    total = big_m + m0 * geometric
    return np.maximum(total, annual_mass_t(y, m0, g, reference_year))


def hardware_factor(year: Any, start_year: int, doubling_years: Any) -> Any:
    """Peak FLOP/s multiplier of chips bought in ``year``: ``2 ** ((year - y0) / T)``."""
    return np.power(2.0, (np.asarray(year, dtype=float) - start_year) / np.asarray(doubling_years, dtype=float))


def launch_price_factor(year: Any, start_year: int, progress_ratio: Any, cumulative_t: Any, launch_mass_t: Any,
                        growth: Any, models: Any = None, reference_year: int = REFERENCE_YEAR) -> Any:
    """Launch price in ``year`` over the price in ``start_year``: ``(M(y) / M(y0)) ** log2(LR)`` (Wright's law)."""
    m_y = cumulative_mass_t(year, cumulative_t, launch_mass_t, growth, reference_year)
    m_0 = cumulative_mass_t(start_year, cumulative_t, launch_mass_t, growth, reference_year)
    if models is not None:
        return models.launch.learning_curve_price(1.0, m_y, m_0, progress_ratio)
    from sandbox.models.launch import learning_curve_price

    return learning_curve_price(1.0, m_y, m_0, progress_ratio)


# ----------------------------------------------------------------------------- the study


def parameters(registry: Any, overrides: Mapping[str, Sourced | float] | None = None) -> dict[str, Sourced]:
    """The timeline parameters: :data:`DEFAULTS` plus ``launch_progress_ratio`` (the shared model's
    ``launch.launch_progress_ratio``), with ``overrides`` (a :class:`Sourced`, or a number: fixed)."""
    params = dict(DEFAULTS)
    params["launch_progress_ratio"] = registry.models.default("launch.launch_progress_ratio")
    for name, value in (overrides or {}).items():
        if name not in params:
            raise TimelineError(f"no timeline parameter {name!r}; known: {', '.join(sorted(params))}")
        if not isinstance(value, Sourced):
            try:
                value = Sourced(float(value), params[name].unit, "set by the caller")
            except (TypeError, ValueError):
                raise TimelineError(f"timeline parameter {name!r}: expected a number, got {value!r}") from None
        params[name] = value
    checks = {"launch_mass_t_per_year": (0.0, None), "cumulative_launched_mass_t": (0.0, None),
              "launch_mass_growth_per_year": (-1.0, None), "flop_per_watt_doubling_years": (0.0, None),
              "launch_progress_ratio": (0.0, 1.0)}
    for name, (lo, hi) in checks.items():
        s = params[name]
        for v in (s.nominal, s.low, s.high):
            if v is not None and (not np.isfinite(v) or v <= lo or (hi is not None and v > hi)):
                bound = f"in ({lo:g}, {hi:g}]" if hi is not None else f"> {lo:g}"
                raise TimelineError(f"timeline parameter {name!r}: {v!r} must be {bound}")
    return params


def assumptions_frame(params: Mapping[str, Sourced]) -> Any:
    """The timeline parameters as a frame: name, nominal, low, high, unit, source, note."""
    import pandas as pd

    return pd.DataFrame([{"name": k, "nominal": float(s.nominal), "low": s.low, "high": s.high, "unit": s.unit,
                          "source": s.source, "note": s.note} for k, s in params.items()],
                        columns=["name", "nominal", "low", "high", "unit", "source", "note"])


def _triangular(s: Sourced, u: np.ndarray) -> np.ndarray:
    from sandbox.studies.plans import Dimension

    if not s.uncertain:
        return np.full(u.shape, float(s.nominal))
    return Dimension("", low=float(s.low), high=float(s.high), nominal=float(s.nominal)).draw(u)


def _percentiles(values: np.ndarray, qs: tuple[float, ...]) -> list[float]:
    """Percentiles of sample ``values`` (inf = never) as sample values; NaN where one falls on inf."""
    if values.size == 0:
        return [float("nan")] * len(qs)
    out = np.quantile(values, np.asarray(qs) / 100.0, method="inverted_cdf")
    return [float(v) if np.isfinite(v) else float("nan") for v in out]


def timeline(scenario: Any, registry: Any, end_year: int | None = None, draws: int = 1000, seed: int | None = None,
             params: Mapping[str, Sourced | float] | None = None, uncertain: bool = True,
             design_timeout_s: float | None = None) -> TimelineResult:
    """Year-by-year cost of every architecture of ``scenario`` and its crossover year with the ground.

    ``end_year``: last year (default start year + :data:`DEFAULT_HORIZON_YEARS`); ``draws``: Monte
    Carlo draws (>= 1); ``seed``: default the scenario's ``study.seed``; ``params``: replace timeline
    parameters (see :func:`parameters`); ``uncertain=False`` keeps every shared-model default and
    catalogue field at its nominal value (the timeline parameters are still drawn unless fixed).
    Raises :class:`TimelineError` for bad options.
    """
    import pandas as pd

    from sandbox.ledger.batch import architecture_runs, evaluate_points, study_warnings
    from sandbox.studies.plans import uncertain_inputs

    registry = scenario.registry(registry)

    y0 = int(scenario.assumptions.start_year)
    y1 = y0 + DEFAULT_HORIZON_YEARS if end_year is None else end_year
    if isinstance(y1, bool) or not isinstance(y1, (int, np.integer)):
        raise TimelineError(f"end year: expected a whole year, got {y1!r}")
    y1 = int(y1)
    if y1 < y0:
        raise TimelineError(f"end year {y1} is before the scenario's start year {y0}")
    if y1 - y0 > 200:
        raise TimelineError(f"end year {y1}: at most 200 years after the start year {y0}")
    if isinstance(draws, bool) or not isinstance(draws, (int, np.integer)) or draws < 1:
        raise TimelineError(f"draws: expected a whole number >= 1, got {draws!r}")
    draws = int(draws)
    if draws * (y1 - y0 + 1) > MAX_POINTS:
        raise TimelineError(f"{draws:,} draws x {y1 - y0 + 1} years is more than the {MAX_POINTS:,} points a timeline may hold")
    seed = int(scenario.seed if seed is None else seed)
    if seed < 0:
        raise TimelineError(f"seed: expected a whole number >= 0, got {seed!r}")
    p = parameters(registry, params)
    years = np.arange(y0, y1 + 1)
    n_years = len(years)
    n = n_years * draws

    dims = uncertain_inputs(registry) if uncertain else []
    names = list(p)
    rng = np.random.default_rng(seed)
    runs = architecture_runs(scenario, registry)
    keep = ("cost.per_pflop_day", "time.years_to_service")
    kept = {r.instance: {k: np.full(n, np.nan) for k in keep} for r in runs}
    price_f = np.empty(n)
    chip_f = np.empty(n)
    errors: dict[str, set[str]] = {}
    unread: list[list[str] | None] = []
    per_block = max(1, BLOCK_POINTS // n_years)
    for b0 in range(0, draws, per_block):  # a block of draws (worlds), every year: memory bounded by the block
        b1 = min(draws, b0 + per_block)
        # rows of one generator stream, drawn block by block: the same numbers as one (draws, k) call
        u = rng.random((b1 - b0, len(names) + len(dims)))
        drawn = {name: _triangular(p[name], u[:, j]) for j, name in enumerate(names)}
        # per (year, draw of the block): block point = year_index * block + draw - b0
        yy = np.repeat(years, b1 - b0).astype(float)
        col = {name: np.tile(v, n_years) for name, v in drawn.items()}
        at = (np.arange(n_years)[:, None] * draws + np.arange(b0, b1)[None, :]).ravel()
        price_f[at] = launch_price_factor(yy, y0, col["launch_progress_ratio"], col["cumulative_launched_mass_t"],
                                          col["launch_mass_t_per_year"], col["launch_mass_growth_per_year"],
                                          registry.models)
        chip_f[at] = hardware_factor(yy, y0, col["flop_per_watt_doubling_years"])
        points = _block_points(registry, dims, u[:, len(names):], n_years, price_f[at], chip_f[at])
        result = evaluate_points(scenario, registry, points, len(at), design_timeout_s)
        for instance, cols in result.columns.items():
            for k in keep:
                if k in cols:
                    kept[instance][k][at] = cols[k]
        for instance, messages in result.errors.items():
            errors.setdefault(instance, set()).update(messages)
        unread.append(result.unread)

    baseline = next((r.instance for r in runs if r.spec.baseline), None)
    year_col = np.repeat(years, draws)
    draw_col = np.tile(np.arange(draws), n_years)
    base_cost = kept[baseline]["cost.per_pflop_day"] if baseline else np.full(n, np.nan)
    frames, summary_rows, cross_rows = [], [], []
    for run in runs:
        cost = kept[run.instance]["cost.per_pflop_day"]
        yts = kept[run.instance]["time.years_to_service"]
        with np.errstate(invalid="ignore"):
            available = np.isfinite(cost) & np.isfinite(yts) & (year_col - y0 >= yts - 1e-9)
            vs = np.where(base_cost > 0, cost / base_cost, np.nan)
        frames.append(pd.DataFrame({"year": year_col, "architecture": run.instance, "draw": draw_col,
                                    "cost.per_pflop_day": cost, "available": available, "vs_baseline": vs}))
        c2 = cost.reshape(n_years, draws)
        a2 = available.reshape(n_years, draws)
        for i, y in enumerate(years):
            vals = c2[i][a2[i]]
            q = np.percentile(vals, [5, 50, 95]) if vals.size else [np.nan] * 3
            summary_rows.append({"year": int(y), "architecture": run.instance, "p05": float(q[0]), "p50": float(q[1]),
                                 "p95": float(q[2]), "available_fraction": float(a2[i].mean())})
        if run.instance == baseline:
            continue
        b2 = base_cost.reshape(n_years, draws)
        with np.errstate(invalid="ignore"):
            wins = (a2 & (c2 < b2)).T  # (draws, years)
        # a draw in which the architecture or the baseline gave no cost in any year failed: not a "never"
        failed = ~np.isfinite(c2).any(axis=0) | ~np.isfinite(b2).any(axis=0)
        first = np.where(wins.any(axis=1), years[np.argmax(wins, axis=1)].astype(float), np.inf)[~failed]
        valid_yts = yts[np.isfinite(yts)]
        from_year = float(y0 + np.ceil(np.min(valid_yts) - 1e-9)) if valid_yts.size else float("nan")
        p05, p50, p95 = _percentiles(first, (5, 50, 95))
        never = float(np.mean(~np.isfinite(first))) if first.size else float("nan")
        cross_rows.append({"architecture": run.instance, "type": run.spec.name, "p05": p05, "p50": p50, "p95": p95,
                           "never_fraction": never, "available_from": from_year,
                           "failed_fraction": float(np.mean(failed))})
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["year", "architecture", "draw", "cost.per_pflop_day", "available", "vs_baseline"])
    summary = pd.DataFrame(summary_rows, columns=["year", "architecture", "p05", "p50", "p95", "available_fraction"])
    crossover = pd.DataFrame(cross_rows, columns=["architecture", "type", "p05", "p50", "p95", "never_fraction",
                                                  "available_from", "failed_fraction"])
    factors = pd.DataFrame({"year": year_col, "draw": draw_col, "launch_price_factor": price_f,
                            "chip_ops_factor": chip_f})
    return TimelineResult(table=table, summary=summary, crossover=crossover, assumptions=assumptions_frame(p),
                          factors=factors, baseline=baseline, start_year=y0, end_year=y1, draws=draws, seed=seed,
                          errors={k: sorted(v) for k, v in errors.items()},
                          warnings=study_warnings(scenario, registry, unread))


def _block_points(registry: Any, dims: list[Any], u: np.ndarray, n_years: int, price_f: np.ndarray,
                  chip_f: np.ndarray) -> dict[str, np.ndarray]:
    """Ledger inputs of a block of draws (every year): the drawn uncertain inputs, launch prices on the
    learning curve and chip performance of each year's generation."""
    n = len(price_f)
    points: dict[str, np.ndarray] = {}
    for j, d in enumerate(dims):
        value = d.draw(u[:, j])
        points[d.key] = np.tile(value, n_years)
        for key, nominal in d.followers.items():  # coupled inputs (a chip's throughput with its power)
            points[key] = np.tile(nominal * value / d.nominal, n_years)
    cat = registry.catalogues
    for name, vehicle in sorted(cat.launch_vehicles.items()):
        for fname in ("price_usd", "expendable_price_usd"):  # a flight's price, reused or expended, learns alike
            key = f"catalogue.launch_vehicles.{name}.{fname}"
            price = float(getattr(vehicle, fname))
            if np.isfinite(price):
                points[key] = points.get(key, np.full(n, price)) * price_f
    for name, chip in sorted(cat.chips.items()):
        for precision, ops in sorted(chip.peak_ops_per_s.items()):
            key = f"catalogue.chips.{name}.peak_ops_per_s.{precision}"
            points[key] = points.get(key, np.full(n, float(ops))) * chip_f
    return points
