"""The host engine's run: evaluate every architecture of a scenario on the one shared ledger.

The engine knows no architecture by name. For each architecture in a scenario it calls the
one per-architecture function (:func:`sandbox.ledger.evaluate.evaluate_architecture`, also used
by every study), then reports every headline metric relative to the baseline architecture (the
ground data center) with the same :func:`~sandbox.ledger.evaluate.relative` a study uses.
"""

from __future__ import annotations

import time
from typing import Any

from sandbox.core.design import Metric
from sandbox.core.params import Params
from sandbox.core.registry import Registry
from sandbox.core.scenario import ArchitectureRun, Scenario, default_params
from sandbox.ledger.evaluate import DEFAULT_TIMEOUT_S, design_rng, evaluate_architecture, relative
from sandbox.ledger.results import Ledger, RunResult
from sandbox.ledger.totals import RELATIVE, UNITS, display_unit

__all__ = ["RELATIVE", "UNITS", "Ledger", "RunResult", "architecture_runs", "design_rng", "display_unit", "evaluate"]


def architecture_runs(scenario: Scenario, registry: Any) -> tuple[list[ArchitectureRun], str | None, bool]:
    """The scenario's architectures plus the baseline the engine adds when the scenario has none:
    ``(runs, baseline instance or None, whether the engine added it)``."""
    runs = list(scenario.architectures)
    baseline = next((r.instance for r in runs if r.spec.baseline), None)
    if baseline is not None:
        return runs, baseline, False
    spec = next((s for s in registry.architectures.values() if s.baseline), None)
    if spec is None:
        return runs, None, False
    values, origins = default_params(spec, scenario.registry(registry), scenario.overrides)
    params = Params(values, frozenset(), origins)
    runs.append(ArchitectureRun(spec.name, spec, params))
    return runs, spec.name, True


def evaluate(scenario: Scenario, registry: Registry, timeout_s: float | None = DEFAULT_TIMEOUT_S) -> RunResult:
    """Evaluate every architecture of ``scenario``; a failing plugin is reported, the rest still run."""
    started = time.time()
    registry = scenario.registry(registry)
    runs, baseline, added_baseline = architecture_runs(scenario, registry)
    ledgers: dict[str, Ledger] = {}
    designs: dict[str, Any] = {}
    failures: dict[str, str] = {}
    for run in runs:
        res = evaluate_architecture(run, scenario, registry, timeout_s=timeout_s)
        if res.error:
            failures[run.instance] = res.error
            continue
        # a copy: the memoised nominal ledger must not collect this run's relative metrics
        ledgers[run.instance] = Ledger(res.ledger.instance, res.ledger.architecture, res.ledger.plugin,
                                       list(res.ledger.metrics), list(res.ledger.notes))
        designs[run.instance] = res.design
    columns = {name: {m.name: m.value for m in lg.metrics} for name, lg in ledgers.items()}
    for name, ratios in relative(columns, baseline).items():
        for metric, value in ratios.items():
            base = metric.removesuffix(".vs_baseline")
            ledgers[name].metrics.append(Metric(metric, value, "x", inputs=[base, f"{baseline}.{base}"]))
    provenance = _provenance(scenario, registry, started, added_baseline, baseline)
    result = RunResult(scenario, ledgers, failures, baseline, provenance, designs)
    hooks = registry.hooks
    hooks.timeout_s = timeout_s
    for call in hooks.run_finished(result):
        if call.failure is not None:
            result.failures.setdefault("sandbox_run_finished", str(call.failure))
    return result


def _orbit_library() -> str:
    from sandbox import trajectory

    name, version = trajectory.backend()
    return f"{name} {version}"


def _provenance(scenario: Scenario, registry: Registry, started: float, added_baseline: bool, baseline: str | None) -> dict[str, Any]:
    import sys

    from sandbox import __version__
    from sandbox.ledger.evaluate import scenario_content_key

    return {
        "scenario": {"path": scenario.path, "sha256": scenario.sha256, "content_sha256": scenario_content_key(scenario),
                     "name": scenario.name},
        "seed": scenario.seed,
        "sandbox_version": __version__,
        "plugins": [{"name": p.name, "distribution": p.distribution, "version": p.version, "hooks": p.hooks}
                    for p in registry.plugins],
        "plugin_load_errors": [{"name": p.name, "error": p.error} for p in registry.load_errors],
        "replaced_models": registry.models.replaced,
        "scenario_overrides": dict(scenario.overrides.where),
        "orbit_library": _orbit_library() if ("boinor" in sys.modules or "poliastro" in sys.modules) else None,
        "baseline": baseline,
        "baseline_added_by_engine": added_baseline,
        "parameters": {r.instance: {"type": r.spec.name, "overridden": sorted(r.params.overridden),
                                     "values": {k: str(v) for k, v in r.params.values.items()}}
                       for r in scenario.architectures},
        "started_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "elapsed_s": round(time.time() - started, 3),
    }
