"""The host engine: evaluate every architecture's design on the one shared ledger.

The engine knows no architecture by name. For each architecture in a scenario it calls the
plugin's design function, then sizes power, thermal, mass, launch, cost, radiation and
latency for every element with the shared-model components of the registry's
:class:`~sandbox.core.modelset.ModelSet`, the same functions for all. Results are tidy
:class:`~sandbox.core.design.Metric` records; headline metrics are also given relative to the
baseline architecture (the ground data center).
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sandbox.core.architecture import Context
from sandbox.core.design import Design, Metric
from sandbox.core.params import Params, check_value
from sandbox.core.registry import PluginError, Registry
from sandbox.core.scenario import ArchitectureRun, Scenario
from sandbox.ledger.element import HOURS_PER_YEAR, EvaluationError, evaluate_element
from sandbox.ledger.inputs import NOMINAL, LedgerInputs


@dataclass
class Ledger:
    """All metrics of one architecture instance."""

    instance: str
    architecture: str
    plugin: str
    metrics: list[Metric] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def get(self, name: str) -> float:
        for m in self.metrics:
            if m.name == name:
                return m.value
        raise KeyError(f"{self.instance}: no metric {name!r}")

    def metric(self, name: str) -> Metric:
        for m in self.metrics:
            if m.name == name:
                return m
        raise KeyError(f"{self.instance}: no metric {name!r}")

    def has(self, name: str) -> bool:
        return any(m.name == name for m in self.metrics)

    def refine(self, name: str, value: float, inputs: list[str], by: str) -> None:
        """Replace metric ``name`` by a value only known after evaluation (e.g. years to service
        from the counted flights), in the open: the metric's inputs say who refined it.

        For ``sandbox_extra_metrics`` implementations refining *their own* architecture's ledger.
        """
        if not math.isfinite(value) or value < 0:
            raise EvaluationError(f"{by}: refined {name} = {value} (must be finite and >= 0)")
        old = self.metric(name)
        old.value = value
        old.inputs = [*inputs, f"refined by plugin {by!r} after evaluation"]


@dataclass
class RunResult:
    """A scenario's outcome: a ledger per architecture, failures by instance, provenance."""

    scenario: Scenario
    ledgers: dict[str, Ledger]
    failures: dict[str, str]
    baseline: str | None
    provenance: dict[str, Any]
    designs: dict[str, Design] = field(default_factory=dict, repr=False)  # what each plugin described (for plots)

    def records(self) -> list[dict[str, Any]]:
        """Tidy records: one per (architecture, metric) with value and unit."""
        out = []
        for ledger in self.ledgers.values():
            for m in ledger.metrics:
                out.append({
                    "architecture": ledger.instance,
                    "type": ledger.architecture,
                    "metric": m.name,
                    "value": m.value,
                    "unit": m.unit,
                    "approximation": m.approximation,
                })
        return out

    def explained_records(self) -> list[dict[str, Any]]:
        """Tidy records with the inputs and source that produced each metric."""
        out = []
        for rec, m in zip(self.records(), (m for lg in self.ledgers.values() for m in lg.metrics), strict=True):
            out.append({**rec, "inputs": list(m.inputs), "source": m.source})
        return out


#: Display unit and the factor from the ledger's internal value to it, per metric name prefix.
UNITS: dict[str, tuple[str, float]] = {
    "compute.delivered": ("PFLOP/s", 1e-15),
    "compute.chips": ("", 1.0),
    "compute.units": ("", 1.0),
    "power.": ("MW", 1e-6),
    "power.array_area": ("m2", 1.0),
    "power.storage_energy": ("MWh", 1 / 3.6e9),
    "thermal.heat": ("MW", 1e-6),
    "thermal.cooling_power": ("MW", 1e-6),
    "thermal.radiator_area": ("m2", 1.0),
    "water.use": ("ML/yr", 1e-6),
    "mass.": ("t", 1e-3),
    "launch.flights": ("", 1.0),
    "launch.tanker_flights": ("", 1.0),
    "launch.co2": ("t", 1.0),
    "capex.": ("MUSD", 1e-6),
    "opex.": ("MUSD/yr", 1e-6),
    "cost.annual": ("MUSD/yr", 1e-6),
    "cost.power_annual": ("MUSD/yr", 1e-6),
    "radiation.dose_rate": ("krad/yr", 1.0),
    "life.effective": ("yr", 1.0),
}

_MAX = {"radiation.dose_rate", "life.effective"}  # not additive over elements: worst element / shortest life


def display_unit(name: str) -> tuple[str, float]:
    if name in UNITS:
        return UNITS[name]
    for prefix, value in UNITS.items():
        if prefix.endswith(".") and name.startswith(prefix):
            return value
    return ("", 1.0)


def design_totals(design: Design, registry: Registry, discount_rate: float, inputs: LedgerInputs = NOMINAL,
                  explain: bool = True) -> tuple[dict[str, Any], dict[str, list[str]], list[str]]:
    """Sum every element's ledger (worst dose, shortest life); arrays when ``inputs`` holds arrays."""
    if not isinstance(design, Design):
        raise EvaluationError(f"design function returned {type(design).__name__}, expected a sandbox.core.design.Design")
    if not design.elements:
        raise EvaluationError("design has no elements")
    totals: dict[str, Any] = {}
    traces: dict[str, list[str]] = {}
    notes = list(design.notes)
    for el in design.elements:
        part, trace, el_notes = evaluate_element(el, registry, discount_rate, inputs, explain)
        notes += el_notes
        for k, text in trace.items():
            traces.setdefault(k, []).append(f"{el.name}: {text}" if len(design.elements) > 1 else text)
        for k, v in part.items():
            if k == "life.effective":
                totals[k] = np.minimum(totals.get(k, math.inf), v)
            elif k in _MAX:
                totals[k] = np.maximum(totals.get(k, 0.0), v)
            else:
                totals[k] = totals.get(k, 0.0) + v
    return totals, traces, notes


def derived(totals: dict[str, Any], design: Design, registry: Registry, ctx: Context) -> dict[str, Any]:
    """The headline numbers the engine derives from the totals, in display units (arrays in a study).

    ``mass.total`` (t), ``cost.capex`` (MUSD), ``cost.opex`` (MUSD/yr), ``cost.per_pflop_day``
    and ``cost.per_gpu_hour`` (USD, when compute is delivered), ``cost.per_kwh`` (USD/kWh, when
    there is a load), ``energy.use`` (GWh/yr), ``latency.p50``/``latency.p95`` (s) and
    ``time.years_to_service`` (yr).
    """
    m = registry.models
    out: dict[str, Any] = {}
    out["mass.total"] = sum(v for k, v in totals.items() if k.startswith("mass.")) * 1e-3
    out["cost.capex"] = sum(v for k, v in totals.items() if k.startswith("capex.")) * 1e-6
    out["cost.opex"] = sum(v for k, v in totals.items() if k.startswith("opex.")) * 1e-6
    delivered = totals["compute.delivered"]
    annual = totals["cost.annual"]
    ref = registry.catalogues.chips[ctx.assumptions.reference_chip]
    ref_flops = ref.peak_ops_per_s.get(design.elements[0].precision, max(ref.peak_ops_per_s.values()))
    if np.any(delivered > 0):
        with np.errstate(divide="ignore", invalid="ignore"):
            out["cost.per_pflop_day"] = m.cost.cost_per_pflop_day_usd(annual, delivered / 1e15)
            out["cost.per_gpu_hour"] = m.cost.cost_per_gpu_hour_usd(annual, delivered, ref_flops)
    if np.any(totals["power.load"] > 0):
        out["cost.per_kwh"] = m.cost.cost_per_kwh_usd(totals["cost.power_annual"], totals["power.load"])
    energy_w = np.where(totals["power.grid"] > 0, totals["power.grid"], totals["power.load"])
    out["energy.use"] = energy_w * HOURS_PER_YEAR / 1000.0 * 1e-6
    if design.latency_samples_s is not None and len(design.latency_samples_s):
        samples = np.asarray(design.latency_samples_s, dtype=float)
    else:  # the round-trip light time to the farthest element
        far = max(el.site.distance_to_earth_m for el in design.elements)
        samples = np.array([2.0 * float(m.links.light_time_s(far))])
    summary = m.links.percentile_summary(samples, (50, 95))
    out["latency.p50"] = float(summary[50])
    out["latency.p95"] = float(summary[95])
    out["time.years_to_service"] = design.years_to_service
    return out


def evaluate_design(design: Design, registry: Registry, ctx: Context) -> tuple[list[Metric], list[str]]:
    """Evaluate all elements of ``design`` and derive the headline metrics."""
    totals, traces, notes = design_totals(design, registry, ctx.assumptions.discount_rate)
    for k, v in totals.items():
        if not math.isfinite(v) or v < 0:  # a plugin's impossible inputs must not become silent nonsense
            raise EvaluationError(f"metric {k} is {v} (physically impossible); check the design's inputs")
    head = {k: float(v) for k, v in derived(totals, design, registry, ctx).items()}
    metrics = [Metric(k, v * display_unit(k)[1], display_unit(k)[0], inputs=traces.get(k, ()))
               for k, v in totals.items() if k != "cost.power_annual"]
    if design.elements[0].precision == "int8":  # integer operations are not FLOPs: say so in the unit
        metrics[0].unit = "POP/s"
    ref = registry.catalogues.chips[ctx.assumptions.reference_chip]
    metrics.append(Metric("mass.total", head["mass.total"], "t", inputs=[k for k in totals if k.startswith("mass.")]))
    metrics.append(Metric("cost.capex", head["cost.capex"], "MUSD", inputs=[k for k in totals if k.startswith("capex.")]))
    metrics.append(Metric("cost.opex", head["cost.opex"], "MUSD/yr", inputs=[k for k in totals if k.startswith("opex.")]))
    if "cost.per_pflop_day" in head:
        metrics.append(Metric("cost.per_pflop_day", head["cost.per_pflop_day"], "USD", inputs=["cost.annual", "compute.delivered"]))
        metrics.append(Metric("cost.per_gpu_hour", head["cost.per_gpu_hour"], "USD",
                              inputs=["cost.annual", "compute.delivered", f"assumptions.reference_chip={ref.name}"]))
    if "cost.per_kwh" in head:
        metrics.append(Metric("cost.per_kwh", head["cost.per_kwh"], "USD/kWh", inputs=["capex.power", "opex.energy", "power.load"]))
    metrics.append(Metric("energy.use", head["energy.use"], "GWh/yr", inputs=["power.load", "power.grid"]))
    modelled = design.latency_samples_s is not None and len(design.latency_samples_s) > 0
    for q in ("p50", "p95"):
        metrics.append(Metric(f"latency.{q}", head[f"latency.{q}"], "s", approximation=not modelled,
                              inputs=["design.latency_samples_s"] if modelled else ["round-trip light time"]))
    if math.isfinite(design.link_to_earth_bps):
        metrics.append(Metric("link.to_earth", design.link_to_earth_bps * 1e-9, "Gbit/s",
                              inputs=["design.link_to_earth_bps (the plugin's link budget; see its metrics)"]))
    metrics.append(Metric("time.years_to_service", design.years_to_service, "yr",
                          inputs=["design.years_to_service (from the plugin's parameters; see its notes)"]))
    for extra in design.metrics:
        if not isinstance(extra, Metric) or not math.isfinite(extra.value) or extra.value < 0:
            raise EvaluationError(f"design metric {getattr(extra, 'name', extra)!r} = {getattr(extra, 'value', '?')} "
                                  "(must be a Metric with a finite value >= 0)")
    metrics.extend(design.metrics)
    return metrics, notes


def _orbit_library() -> str:
    from sandbox import trajectory

    name, version = trajectory.backend()
    return f"{name} {version}"


# --------------------------------------------------------------------------- run
def add_extra_metrics(ledger: Ledger, design: Design, ctx: Context, registry: Registry) -> None:
    """Call ``sandbox_extra_metrics`` for ``ledger`` and append what the plugins return (checked)."""
    for call in registry.hooks.extra_metrics(ledger.instance, design, ledger, ctx):
        plugin_name, extra = call.plugin, call.result
        if call.output.strip():
            ledger.notes.append(f"plugin {plugin_name!r} printed: {call.output.strip()[:500]}")
        if call.failure is not None:
            raise PluginError(str(call.failure)) from call.failure.error
        for metric in extra or []:
            if not isinstance(metric, Metric) or not math.isfinite(metric.value) or metric.value < 0:
                raise PluginError(f"plugin {plugin_name!r} returned an impossible extra metric for "
                                  f"{ledger.instance!r}: {metric!r}")
            ledger.metrics.append(metric)


def design_rng(seed: int, instance: str) -> np.random.Generator:
    digest = hashlib.sha256(f"{seed}:{instance}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


def evaluate(scenario: Scenario, registry: Registry) -> RunResult:
    """Evaluate every architecture of ``scenario``; a failing plugin is reported, the rest still run."""
    started = time.time()
    runs = list(scenario.architectures)
    baseline = next((r.instance for r in runs if r.spec.baseline), None)
    added_baseline = False
    if baseline is None:
        spec = next((s for s in registry.architectures.values() if s.baseline), None)
        if spec is not None:
            params = Params({p.name: check_value(p, p.default) for p in spec.params})
            runs.append(ArchitectureRun(spec.name, spec, params))
            baseline, added_baseline = spec.name, True
    ledgers: dict[str, Ledger] = {}
    designs: dict[str, Design] = {}
    failures: dict[str, str] = {}
    for run in runs:
        plugin = registry.architecture_owner.get(run.spec.name, "?")
        ctx = Context(registry.catalogues, registry.models, scenario.workload, scenario.assumptions,
                      design_rng(scenario.seed, run.instance), run.instance)
        try:
            design = run.spec.design(run.params, ctx)
            metrics, notes = evaluate_design(design, registry, ctx)
            ledger = Ledger(run.instance, run.spec.name, plugin, metrics, notes)
            add_extra_metrics(ledger, design, ctx, registry)
        except PluginError as exc:
            failures[run.instance] = str(exc)
            continue
        except Exception as exc:  # a faulty plugin must not take the other architectures down
            failures[run.instance] = f"architecture {run.instance!r} (plugin {plugin!r}): {type(exc).__name__}: {exc}"
            continue
        ledgers[run.instance] = ledger
        designs[run.instance] = design
    if baseline in ledgers:
        _relative(ledgers, ledgers[baseline])
    provenance = _provenance(scenario, registry, started, added_baseline, baseline)
    result = RunResult(scenario, ledgers, failures, baseline, provenance, designs)
    for call in registry.hooks.run_finished(result):
        if call.failure is not None:
            result.failures.setdefault("sandbox_run_finished", str(call.failure))
    return result


RELATIVE = ("cost.per_pflop_day", "cost.per_gpu_hour", "cost.per_kwh", "latency.p50", "energy.use", "time.years_to_service")


def _relative(ledgers: dict[str, Ledger], base: Ledger) -> None:
    for ledger in ledgers.values():
        for name in RELATIVE:
            if ledger.has(name) and base.has(name) and base.get(name) > 0:
                ledger.metrics.append(Metric(f"{name}.vs_baseline", ledger.get(name) / base.get(name), "x",
                                             inputs=[name, f"{base.instance}.{name}"]))


def _provenance(scenario: Scenario, registry: Registry, started: float, added_baseline: bool, baseline: str | None) -> dict[str, Any]:
    import sys

    from sandbox import __version__

    return {
        "scenario": {"path": scenario.path, "sha256": scenario.sha256, "name": scenario.name},
        "seed": scenario.seed,
        "sandbox_version": __version__,
        "plugins": [{"name": p.name, "distribution": p.distribution, "version": p.version, "hooks": p.hooks}
                    for p in registry.plugins],
        "plugin_load_errors": [{"name": p.name, "error": p.error} for p in registry.load_errors],
        "replaced_models": registry.models.replaced,
        "orbit_library": _orbit_library() if ("boinor" in sys.modules or "poliastro" in sys.modules) else None,
        "baseline": baseline,
        "baseline_added_by_engine": added_baseline,
        "parameters": {r.instance: {"type": r.spec.name, "overridden": sorted(r.params.overridden),
                                     "values": {k: str(v) for k, v in r.params.values.items()}}
                       for r in scenario.architectures},
        "started_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "elapsed_s": round(time.time() - started, 3),
    }
