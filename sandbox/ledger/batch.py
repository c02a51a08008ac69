"""Evaluate a scenario at many points at once: the vectorised core of sweeps, Monte Carlo and timelines.

A point is a set of overrides keyed like the scenario (see :mod:`sandbox.ledger.inputs`):

- ``<instance>.<param>``: an architecture parameter (e.g. ``leo.altitude``, in the parameter's
  declared unit). It changes the design, so the design function is called once per distinct
  combination of the instance's overridden parameters (and remembered in the process);
- ``models.…``, ``catalogue.…``, ``assumptions.discount_rate``: ledger inputs, plain SI floats.
  They do not change the design: the engine evaluates the design for all points sharing it in
  one vectorised pass.

Design functions always see the nominal model defaults and catalogue values: a design is the
plan made with the best estimates, and the drawn ledger inputs are the world it then meets
(delivered compute, mass, cost and life respond to them; the number of units built does not).

Metrics a plugin refines after evaluation (``Ledger.refine`` in ``sandbox_extra_metrics``, e.g.
years to service from the counted flights) are refined once per design at the nominal ledger.

Per point and architecture the result holds every ledger total and headline metric in its
display unit (:data:`sandbox.ledger.engine.UNITS`), ``cost.per_pflop_day.vs_baseline``, ``valid``
(False when the point's inputs were physically impossible: the metrics are NaN) and ``error``
(``PointResults.row_errors``: the failure message when the architecture's design failed
for that point, empty otherwise).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sandbox.core.architecture import Context
from sandbox.core.params import Params, check_value
from sandbox.core.scenario import ArchitectureRun, Scenario
from sandbox.ledger.engine import (
    Ledger,
    add_extra_metrics,
    derived,
    design_rng,
    design_totals,
    display_unit,
    evaluate_design,
)
from sandbox.ledger.inputs import LedgerInputs

#: Metrics a study reports per point besides the ledger totals (display units in :func:`unit_of_metric`).
HEADLINE = ("mass.total", "cost.capex", "cost.opex", "cost.per_pflop_day", "cost.per_gpu_hour", "cost.per_kwh",
            "energy.use", "latency.p50", "latency.p95", "time.years_to_service")
_HEADLINE_UNITS = {"mass.total": "t", "cost.capex": "MUSD", "cost.opex": "MUSD/yr", "cost.per_pflop_day": "USD",
                   "cost.per_gpu_hour": "USD", "cost.per_kwh": "USD/kWh", "energy.use": "GWh/yr", "latency.p50": "s",
                   "latency.p95": "s", "time.years_to_service": "yr", "cost.per_pflop_day.vs_baseline": "x"}


def unit_of_metric(name: str) -> str:
    """Display unit of a study metric."""
    return _HEADLINE_UNITS.get(name) or display_unit(name)[0]


class DesignTimeout(Exception):
    """A design function ran longer than the study's design timeout."""


@dataclass
class PointResults:
    """Results of ``n`` points for every architecture: ``columns[instance][metric]`` arrays of length ``n``."""

    n: int
    columns: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    row_errors: dict[str, np.ndarray] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)


def architecture_runs(scenario: Scenario, registry: Any) -> list[ArchitectureRun]:
    """The scenario's architectures plus the baseline the engine adds when the scenario has none."""
    runs = list(scenario.architectures)
    if not any(r.spec.baseline for r in runs):
        spec = next((s for s in registry.architectures.values() if s.baseline), None)
        if spec is not None:
            runs.append(ArchitectureRun(spec.name, spec, Params({p.name: check_value(p, p.default) for p in spec.params})))
    return runs


_DESIGNS: dict[tuple, Any] = {}  # (scenario sha, instance, overrides) → Design or error text, per process
_DESIGN_CACHE_MAX = 20_000


def _with_overrides(run: ArchitectureRun, values: Mapping[str, Any]) -> Params:
    new = dict(run.params.values)
    for name, value in values.items():
        param = run.spec.param(name)
        if param.kind == "quantity" and isinstance(value, (int, float, np.floating)):
            value = f"{float(value)!r} {param.unit}"
        elif param.kind == "integer":
            value = int(round(float(value)))
        elif param.kind == "number":
            value = float(value)
        elif param.kind == "boolean":
            value = bool(value)
        new[name] = check_value(param, value)
    return Params(new, run.params.overridden | frozenset(values))


def _call_with_timeout(fn: Any, timeout_s: float | None) -> Any:
    """``fn()``, stopped with :class:`DesignTimeout` after ``timeout_s`` (in the main thread: SIGALRM)."""
    if not timeout_s or timeout_s <= 0:
        return fn()
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        def _alarm(_sig: int, _frame: Any) -> None:
            raise DesignTimeout(f"design did not finish within {timeout_s:g} s")

        old = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, timeout_s)
        try:
            return fn()
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)
    box: dict[str, Any] = {}

    def _target() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            box["error"] = exc

    worker = threading.Thread(target=_target, daemon=True)  # abandoned if it hangs
    worker.start()
    worker.join(timeout_s)
    if worker.is_alive():
        raise DesignTimeout(f"design did not finish within {timeout_s:g} s")
    if "error" in box:
        raise box["error"]
    return box["value"]


def _design(scenario: Scenario, registry: Any, run: ArchitectureRun, overrides: tuple, timeout_s: float | None) -> Any:
    key = (scenario.sha256, scenario.path, run.instance, overrides)
    if key in _DESIGNS:
        return _DESIGNS[key]
    plugin = registry.architecture_owner.get(run.spec.name, "?")
    try:
        params = _with_overrides(run, dict(overrides)) if overrides else run.params
        ctx = Context(registry.catalogues, registry.models, scenario.workload, scenario.assumptions,
                      design_rng(scenario.seed, run.instance), run.instance)
        design = _call_with_timeout(lambda: run.spec.design(params, ctx), timeout_s)
        # plugins may refine a metric after evaluation (e.g. years to service from the counted flights):
        # evaluated once per design, at the nominal ledger
        metrics, notes = evaluate_design(design, registry, ctx)
        ledger = Ledger(run.instance, run.spec.name, plugin, metrics, notes)
        add_extra_metrics(ledger, design, ctx, registry)
        refined = {m.name: m.value for m in ledger.metrics if any("refined by plugin" in str(i) for i in m.inputs)}
        result: Any = (design, ctx, refined)
    except ValueError as exc:  # an impossible combination of parameters (the scenario's, not the plugin's fault)
        result = f"architecture {run.instance!r}: {', '.join(f'{k}={v}' for k, v in overrides)}: {exc}"
    except Exception as exc:
        result = f"architecture {run.instance!r} (plugin {plugin!r}): {type(exc).__name__}: {exc}"
    if len(_DESIGNS) >= _DESIGN_CACHE_MAX:
        _DESIGNS.clear()
    _DESIGNS[key] = result
    return result


def evaluate_points(scenario: Scenario, registry: Any, points: Mapping[str, np.ndarray], n: int,
                    design_timeout_s: float | None = None) -> PointResults:
    """Evaluate every architecture of ``scenario`` at ``n`` points given as override arrays."""
    runs = architecture_runs(scenario, registry)
    instances = {r.instance for r in runs}
    arch_keys = {k: v for k, v in points.items() if k.split(".", 1)[0] in instances}
    ledger_keys = {k: np.asarray(v, dtype=float) for k, v in points.items() if k not in arch_keys}
    LedgerInputs.from_keys(n, ledger_keys)  # refuse unknown keys before any work
    result = PointResults(n)
    for run in runs:
        result.types[run.instance] = run.spec.name
        cols: dict[str, np.ndarray] = {}
        errors: list[str] = []
        row_errors = np.full(n, "", dtype=object)
        own = sorted(k for k in arch_keys if k.split(".", 1)[0] == run.instance)
        if own:
            keys = list(zip(*(np.asarray(arch_keys[k]).tolist() for k in own), strict=True))
            groups: dict[tuple, list[int]] = {}
            for i, key in enumerate(keys):
                groups.setdefault(key, []).append(i)
            group_list = [(tuple((k.split(".", 1)[1], v) for k, v in zip(own, key, strict=True)), np.asarray(idx))
                          for key, idx in groups.items()]
        else:
            group_list = [((), np.arange(n))]
        for overrides, idx in group_list:
            made = _design(scenario, registry, run, overrides, design_timeout_s)
            if isinstance(made, str):
                errors.append(made)
                row_errors[idx] = made
                continue
            design, ctx, refined = made
            inputs = LedgerInputs.from_keys(len(idx), {k: v[idx] for k, v in ledger_keys.items()})
            try:
                with np.errstate(all="ignore"):
                    totals, _, _ = design_totals(design, registry, ctx.assumptions.discount_rate, inputs, explain=False)
                    head = derived(totals, design, registry, ctx)
            except Exception as exc:
                plugin = registry.architecture_owner.get(run.spec.name, "?")
                errors.append(f"architecture {run.instance!r} (plugin {plugin!r}): {type(exc).__name__}: {exc}")
                row_errors[idx] = errors[-1]
                continue
            values = {k: np.broadcast_to(np.asarray(v, dtype=float) * display_unit(k)[1], idx.shape)
                      for k, v in totals.items() if k != "cost.power_annual"}
            values.update({k: np.broadcast_to(np.asarray(v, dtype=float), idx.shape) for k, v in head.items()})
            values.update({k: np.full(idx.shape, v) for k, v in refined.items() if k in values})
            for k, v in values.items():
                if k not in cols:
                    cols[k] = np.full(n, np.nan)
                cols[k][idx] = v
        if errors:
            result.errors[run.instance] = sorted(set(errors))
        result.row_errors[run.instance] = row_errors
        result.columns[run.instance] = cols
    _relative(result, next((r.instance for r in runs if r.spec.baseline), None))
    for cols in result.columns.values():
        if cols:
            stacked = np.vstack(list(cols.values()))
            cols["valid"] = np.all(np.isfinite(stacked) & (stacked >= 0), axis=0) if stacked.size else np.zeros(n, bool)
            for k in list(cols):
                if k != "valid":
                    cols[k] = np.where(cols["valid"], cols[k], np.nan)
    return result


def _relative(result: PointResults, baseline: str | None) -> None:
    if baseline is None or "cost.per_pflop_day" not in result.columns.get(baseline, {}):
        return
    base = result.columns[baseline]["cost.per_pflop_day"]
    for cols in result.columns.values():
        if "cost.per_pflop_day" in cols:
            with np.errstate(divide="ignore", invalid="ignore"):
                cols["cost.per_pflop_day.vs_baseline"] = np.where(base > 0, cols["cost.per_pflop_day"] / base, np.nan)


def metric_names(result: PointResults) -> list[str]:
    """Every metric column present for some architecture, in ledger order."""
    names: list[str] = []
    for cols in result.columns.values():
        for k in cols:
            if k not in names and k != "valid":
                names.append(k)
    return names

