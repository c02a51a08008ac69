"""One-at-a-time sensitivity of a metric to every uncertain input (the numbers behind a tornado chart).

For each input the metric is evaluated with that input at its low and at its high value and
every other input at its nominal value; the swing ``|metric(high) - metric(low)|`` ranks the
inputs per architecture. All ``2k + 1`` points (the nominal point and two per input) go through
one :func:`sandbox.ledger.batch.evaluate_points` call.

Inputs by default (:func:`default_inputs`):

- the shared-model defaults the ledger reads that declare a low/high range and the catalogue
  fields with a declared range (:func:`sandbox.studies.plans.uncertain_inputs`, the same set Monte Carlo
  draws). Shared-model defaults that only a design function reads (radiator emissivity, Earth
  albedo, ...) are left out: a study evaluates the design made at the nominal defaults, so
  overriding them per point would show a swing of exactly zero for a reason that has nothing to
  do with their real influence. Where a plugin exposes one as an architecture parameter (e.g.
  ``leo.earth_albedo``), pass it in ``inputs``, or set ``architecture_params=True``;
- ``assumptions.discount_rate``: nominal = the scenario's rate, low/high = the range of the
  sourced shared-model default ``cost.discount_rate``.

Architecture parameters (``<instance>.<param>``) are varied when listed in ``inputs`` with a
``(low, high)`` range in the parameter's declared unit, or all those that declare a range when
``architecture_params`` is set (each value costs one call of the design function).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

#: Columns of the frame :func:`sensitivity` returns.
COLUMNS = ("architecture", "type", "input", "unit", "low", "nominal", "high", "metric_low", "metric_nominal",
           "metric_high", "swing", "source")


#: Part of the note a study records for an architecture whose plugin metrics were evaluated at the
#: nominal ledger only (:func:`sandbox.ledger.evaluate._point_values`).
NOMINAL_NOTE = "plugin metrics evaluated at the nominal ledger"


class SensitivityError(ValueError):
    """An input or metric the study cannot use (unknown key, no range, unknown metric)."""


def default_inputs(scenario: Any, registry: Any) -> list[Any]:
    """The inputs :func:`sensitivity` varies by default, as :class:`sandbox.studies.plans.Dimension` objects."""
    from sandbox.studies.plans import uncertain_inputs

    registry = scenario.registry(registry)
    dims = list(uncertain_inputs(registry))
    rate = _discount_dimension(scenario, registry)
    if rate is not None and rate.high > rate.low:
        dims.append(rate)
    return dims


def _discount_dimension(scenario: Any, registry: Any) -> Any:
    """``assumptions.discount_rate`` at the scenario's rate, over the range of the sourced shared-model
    default ``cost.discount_rate`` widened to include that rate (None when the default declares no range)."""
    from sandbox.core.modelset import listing
    from sandbox.studies.plans import Dimension

    rate = listing(registry.models).get("cost.discount_rate")
    if rate is None or not rate.uncertain:
        return None
    nominal = float(scenario.assumptions.discount_rate)
    return Dimension("assumptions.discount_rate", low=min(float(rate.low), nominal),
                     high=max(float(rate.high), nominal), nominal=nominal, unit="1/yr", source=rate.source)


def architecture_inputs(scenario: Any, registry: Any) -> list[Any]:
    """Every numeric parameter of the scenario's architectures that declares a low/high range (for the
    scenario's workload kind, read from ``registry`` as the scenario sees it)."""
    from sandbox.studies.plans import architecture_dimension

    dims = []
    for run in scenario.architectures:
        for param in run.spec.params:
            if param.kind not in ("quantity", "number", "integer") or param.low is None or param.high is None:
                continue
            problems: list[str] = []
            dim = architecture_dimension(run, param.name, f"{run.instance}.{param.name}", {},
                                          lambda _k, msg, problems=problems: problems.append(msg),
                                          registry, scenario.workload.kind)
            if dim is not None and not problems and dim.high > dim.low:
                dims.append(dim)
    return dims


def _in_unit(scenario: Any, key: str, value: Any) -> Any:
    """A bare number for a quantity architecture parameter, as a quantity string in its declared unit."""
    head, _, name = key.partition(".")
    run = next((r for r in scenario.architectures if r.instance == head), None)
    if run is None or isinstance(value, (str, bool)) or not isinstance(value, (int, float, np.integer, np.floating)):
        return value
    try:
        param = run.spec.param(name)
    except KeyError:
        return value
    return f"{float(value)!r} {param.unit}" if param.kind == "quantity" else value


def _explicit(scenario: Any, registry: Any, inputs: Mapping[str, Any] | Iterable[str]) -> list[Any]:
    from sandbox.studies.plans import dimension

    items = inputs.items() if isinstance(inputs, Mapping) else ((k, None) for k in inputs)
    dims = []
    for key, rng in items:
        if key == "assumptions.discount_rate" and rng is None:  # the same range the default inputs use
            rate = _discount_dimension(scenario, registry)
            if rate is None or not rate.high > rate.low:
                raise SensitivityError(f"input {key!r}: give (low, high); the shared-model default "
                                       "cost.discount_rate declares no range")
            dims.append(rate)
            continue
        spec: dict[str, Any] = {}
        if rng is not None:
            try:
                low, high = rng
            except (TypeError, ValueError):
                raise SensitivityError(f"input {key!r}: expected (low, high), got {rng!r}") from None
            spec = {"low": _in_unit(scenario, key, low), "high": _in_unit(scenario, key, high)}
        problems: list[str] = []
        dim = dimension(scenario, registry, key, spec, "grid", lambda k, msg, key=key, problems=problems: problems.append(f"input {key}{k}: {msg}"))
        if problems or dim is None:
            raise SensitivityError("; ".join(problems) or f"input {key!r}: not usable")
        if dim.values is not None:
            raise SensitivityError(f"input {key!r}: give a numeric (low, high) range")
        if key == "assumptions.discount_rate":  # the ledger input's nominal is the scenario's own rate
            dim.nominal = float(scenario.assumptions.discount_rate)
        if not math.isfinite(dim.nominal):
            raise SensitivityError(f"input {key!r}: has no numeric nominal value")
        dims.append(dim)
    return dims


def sensitivity(scenario: Any, registry: Any, metric: str = "cost.per_pflop_day",
                inputs: Mapping[str, Any] | Iterable[str] | None = None, architecture_params: bool = False,
                design_timeout_s: float | None = None) -> Any:
    """One-at-a-time sensitivity of ``metric`` for every architecture of ``scenario`` (and its baseline).

    ``inputs``: ``None`` for :func:`default_inputs`; else override keys (their declared range) or a
    mapping ``key -> (low, high)`` (``None`` for the declared range), ledger inputs in SI, architecture
    parameters in their declared unit. ``architecture_params`` adds every architecture parameter
    with a declared range. Returns a :class:`pandas.DataFrame` with :data:`COLUMNS`, one row per
    (architecture, input), ``metric_*`` in the metric's display unit
    (:func:`sandbox.ledger.batch.unit_of_metric`), sorted by ``swing`` descending within each architecture.
    Raises :class:`SensitivityError` for an unusable input or an unknown metric.

    ``df.attrs``: ``metric``, ``unit``, ``errors`` and ``notes`` (per architecture, as
    :class:`sandbox.ledger.batch.PointResults`), ``not_reported`` (the architectures that report no
    such metric: their rows are NaN) and ``not_per_point`` (those whose plugin computed the metric at
    the nominal ledger only, because its arithmetic did not broadcast over points: a swing of 0 there
    says nothing about the inputs); ``warnings`` (as a run's: a catalogue entry a plugin replaced, and a
    ``[models]`` default or ``[catalogue]`` entry of the scenario that no point read).
    """
    import pandas as pd

    from sandbox.ledger.batch import architecture_runs, evaluate_points, metric_names, study_warnings, unit_of_metric

    registry = scenario.registry(registry)
    dims = default_inputs(scenario, registry) if inputs is None else _explicit(scenario, registry, inputs)
    if architecture_params:
        listed = {d.key for d in dims}
        dims += [d for d in architecture_inputs(scenario, registry) if d.key not in listed]
    k = len(dims)
    n = 2 * k + 1
    points: dict[str, np.ndarray] = {}
    for i, d in enumerate(dims):
        col = np.full(n, d.nominal, dtype=float)
        col[2 * i + 1], col[2 * i + 2] = d.low, d.high
        if d.integer:
            col = np.round(col)
        points[d.key] = col
        for key, nominal in d.followers.items():  # coupled inputs move with their driver, as in Monte Carlo
            follower = points.setdefault(key, np.full(n, nominal, dtype=float))
            follower[2 * i + 1:2 * i + 3] = nominal * col[2 * i + 1:2 * i + 3] / d.nominal
    result = evaluate_points(scenario, registry, points, n, design_timeout_s)
    known = metric_names(result)
    if metric not in known:
        import difflib

        close = difflib.get_close_matches(metric, known, n=3)
        families = sorted({name.split(".", 1)[0] + ".*" for name in known})
        hint = (f"; did you mean {', '.join(close)}?" if close else
                f"; {len(known)} metrics are known, in the families {', '.join(families)} (the metric column of "
                f"`sandbox run SCENARIO --format csv` lists them)")
        raise SensitivityError(f"unknown metric {metric!r}{hint}")
    rows = []
    for run in architecture_runs(scenario, registry):
        values = result.columns.get(run.instance, {}).get(metric)
        if values is None:
            values = np.full(n, np.nan)
        for i, d in enumerate(dims):
            lo, hi = float(values[2 * i + 1]), float(values[2 * i + 2])
            rows.append({"architecture": run.instance, "type": run.spec.name, "input": d.key, "unit": d.unit,
                         "low": float(points[d.key][2 * i + 1]), "nominal": float(d.nominal),
                         "high": float(points[d.key][2 * i + 2]), "metric_low": lo,
                         "metric_nominal": float(values[0]), "metric_high": hi, "swing": abs(hi - lo),
                         "source": d.source})
    df = pd.DataFrame(rows, columns=list(COLUMNS))
    if df.empty:
        return df
    runs = architecture_runs(scenario, registry)
    order = {r.instance: j for j, r in enumerate(runs)}
    df["_arch"] = df["architecture"].map(order)
    df = df.sort_values(["_arch", "swing", "input"], ascending=[True, False, True], na_position="last", kind="stable")
    df = df.drop(columns="_arch").reset_index(drop=True)
    not_reported = [r.instance for r in runs
                    if metric not in result.columns.get(r.instance, {}) and r.instance not in result.errors]
    not_per_point = [r.instance for r in runs if r.instance not in not_reported and not unit_of_metric(metric)
                     and any(NOMINAL_NOTE in n for n in result.notes.get(r.instance, []))]
    df.attrs.update({"metric": metric, "unit": result.unit(metric), "errors": dict(result.errors),
                     "notes": {k: list(v) for k, v in result.notes.items()}, "not_reported": not_reported,
                     "not_per_point": not_per_point,
                     "warnings": study_warnings(scenario, registry, [result.unread])})
    return df


def top(df: Any, n: int = 8) -> Any:
    """The ``n`` inputs with the largest swing of each architecture (rows with a zero swing left out)."""
    kept = df[df["swing"] > 0]
    return kept.groupby("architecture", sort=False, group_keys=False).head(n)
