"""The host engine's run: evaluate every architecture of a scenario on the one shared ledger.

The engine knows no architecture by name. For each architecture in a scenario it calls the
one per-architecture function (:func:`sandbox.ledger.evaluate.evaluate_architecture`, also used
by every study), then reports every headline metric relative to the baseline architecture (the
ground data center) with the same :func:`~sandbox.ledger.evaluate.relative` a study uses.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sandbox.core.design import Metric
from sandbox.core.params import Params
from sandbox.core.registry import Registry
from sandbox.core.scenario import ArchitectureRun, Scenario, default_params
from sandbox.ledger.evaluate import DEFAULT_TIMEOUT_S, ArchitectureResult, design_rng, evaluate_architecture, relative
from sandbox.ledger.results import Ledger, RunResult
from sandbox.ledger.totals import RELATIVE, UNITS, display_unit

__all__ = ["RELATIVE", "UNITS", "Compared", "Ledger", "RunResult", "architecture_runs", "compare", "design_rng", "display_unit",
           "evaluate", "run_warnings"]


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
    values, origins = default_params(spec, scenario.registry(registry), scenario.overrides,
                                     workload_kind=scenario.workload.kind)
    params = Params(values, frozenset(), origins)
    runs.append(ArchitectureRun(spec.name, spec, params))
    return runs, spec.name, True


def evaluate(scenario: Scenario, registry: Registry, timeout_s: float | None = DEFAULT_TIMEOUT_S) -> RunResult:
    """Evaluate every architecture of ``scenario``; a failing plugin is reported, the rest still run."""
    started = time.time()
    registry = scenario.registry(registry)
    runs, baseline, added_baseline = architecture_runs(scenario, registry)
    done = compare([(run, evaluate_architecture(run, scenario, registry, timeout_s=timeout_s)) for run in runs], baseline)
    provenance = _provenance(scenario, registry, started, added_baseline, baseline)
    result = RunResult(scenario, done.ledgers, done.failures, baseline, provenance, done.designs,
                       run_warnings(scenario, registry, done.reads, done.entries))
    if result.warnings:
        provenance["warnings"] = list(result.warnings)
    hooks = registry.hooks
    hooks.timeout_s = timeout_s
    for call in hooks.run_finished(result):
        if call.failure is not None:
            result.failures.setdefault("sandbox_run_finished", str(call.failure))
        if call.output.strip():  # printed after the ledgers' notes were made: said as a warning, not lost
            result.warnings.append(f"plugin {call.plugin!r} printed in sandbox_run_finished: {' '.join(call.output.split())}")
    return result


@dataclass
class Compared:
    """A run's architectures side by side: :func:`compare`'s answer."""

    ledgers: dict[str, Ledger]  # instance → its ledger with the ratios to the baseline and the run's notes
    designs: dict[str, Any]  # instance → its design
    failures: dict[str, str]  # instance → the one line of why it failed
    reads: set[str] | None  # the model defaults the designs read (None: not known)
    entries: set[tuple[str, str]] | None  # the catalogue entries they read, as (kind, name) (None: not known)


def compare(results: Sequence[tuple[ArchitectureRun, ArchitectureResult]], baseline: str | None) -> Compared:
    """The run of each architecture's result (from :func:`~sandbox.ledger.evaluate.evaluate_architecture`):
    every metric's ratio to the baseline (:func:`~sandbox.ledger.evaluate.relative`), the notes on chips
    that differ from the baseline's (:func:`chip_notes`) and on which instance is the baseline. ``sandbox run``
    and the explorer both compose their answer here, so their ledgers carry the same numbers and notes."""
    ledgers: dict[str, Ledger] = {}
    designs: dict[str, Any] = {}
    failures: dict[str, str] = {}
    read: set[str] | None = set()
    entries: set[tuple[str, str]] | None = set()
    for run, res in results:
        read, entries = known_union(read, res.reads), known_union(entries, res.catalogue_reads)
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
    for name, text in chip_notes(designs, baseline).items():
        ledgers[name].notes.append(text)
    others = [run.instance for run, _ in results if run.spec.baseline and run.instance != baseline]
    if others and baseline in ledgers:  # which one is the baseline follows the file's order: say so
        ledgers[baseline].notes.append(
            "the baseline of every .vs_baseline ratio: the first instance in the file of an architecture that can be the "
            f"baseline; {', '.join(others)} {'is' if len(others) == 1 else 'are'} compared with it (put the one to "
            "compare against first)")
    return Compared(ledgers, designs, failures, read, entries)


def run_warnings(scenario: Scenario, registry: Any, design_reads: set[str] | None,
                 catalogue_reads: set[tuple[str, str]] | None) -> list[str]:
    """The warnings of a run: each catalogue entry a plugin replaced (:func:`replaced_entries`) and each
    override nothing read (:func:`unread_overrides`)."""
    return replaced_entries(registry) + unread_overrides(scenario, registry, design_reads, catalogue_reads)


def _chips(design: Any) -> set[str]:
    return {el.chip for el in getattr(design, "elements", ()) if el.chip and el.chips_per_unit > 0}


def chip_notes(designs: dict[str, Any], baseline: str | None) -> dict[str, str]:
    """``{instance: note}`` for every architecture whose accelerators differ from the baseline's: its ratios to the
    baseline then hold the difference between the chips as well as between the places."""
    base = _chips(designs.get(baseline)) if baseline in designs else set()
    notes = {}
    for name, design in designs.items():
        chips = _chips(design)
        if name != baseline and base and chips and chips != base:
            notes[name] = (f"computes on {', '.join(sorted(chips))}, the baseline {baseline} on {', '.join(sorted(base))}: "
                           "the .vs_baseline ratios include the difference between the chips (put the same accelerator in "
                           "both to compare the places alone)")
    return notes


def replaced_entries(registry: Any) -> list[str]:
    """One warning per catalogue entry a plugin replaced over another plugin's (``register(entry, replace=True)``):
    every architecture that reads it computes with the replacement, a change no scenario file shows."""
    return [f"catalogue entry {key} is plugin {new!r}'s replacement of plugin {old!r}'s: every architecture that "
            "reads it uses the replacement" for key, (new, old) in getattr(registry.catalogues, "replaced", {}).items()]


def known_union(known: set | None, more: Any) -> set | None:
    """``known | more``, or None (not known) when either is None: what the architectures of a run read, as far
    as every one of them recorded it."""
    return known | more if known is not None and more is not None else None


def unread_overrides(scenario: Scenario, registry: Any, design_reads: set[str] | None,
                     catalogue_reads: set[tuple[str, str]] | None = None) -> list[str]:
    """One warning per ``[models]`` override that nothing in this run read (no design, no ledger, no
    plugin's extra metrics, no parameter default), so that it changes no number: named with its line
    in the scenario file; and one per ``[catalogue.<kind>.<entry>]`` table whose entry nothing read
    (``catalogue_reads``: the entries the designs, their plugin metrics and their ledgers read, as
    ``(kind, name)``, ``(kind, "*")`` for a table a design iterated; None: not known, e.g. a design failed).

    The scenario's model set records what is read through it and through the copies handed to
    design calls (:func:`sandbox.core.overrides.scoped`, :meth:`~sandbox.core.modelset.ModelSet.recording`);
    ``design_reads`` are the defaults the design functions read, also when a design was reused from
    the memo (None: a design's reads are not known). A model set that handed out its whole table
    (``read_all``), or an unknown design, gives no warning: anything may have read it.
    """
    return unread_warnings(scenario, unread_keys(scenario, registry, design_reads, catalogue_reads))


def unread_keys(scenario: Scenario, registry: Any, design_reads: set[str] | None,
                catalogue_reads: set[tuple[str, str]] | None = None) -> list[str]:
    """The overrides :func:`unread_overrides` warns of, as ``models.<name>`` and ``catalogue.<kind>.<entry>``
    (what a study's worker returns: the coordinator's scenario knows the lines)."""
    out = []
    models = registry.models
    if design_reads is not None and not getattr(models, "read_all", True):
        read = set(getattr(models, "read", {})) | design_reads
        out += [f"models.{name}" for name in scenario.overrides.models if name not in read]
    for kind, name in scenario.overrides.catalogue if catalogue_reads is not None else ():
        if (kind, name) not in catalogue_reads and (kind, "*") not in catalogue_reads:
            out.append(f"catalogue.{kind}.{name}")
    return out


def unread_warnings(scenario: Scenario, keys: list[str]) -> list[str]:
    """The warning line of each override :func:`unread_keys` names, with its place in the scenario file."""
    where = scenario.overrides.where
    out = []
    for key in keys:
        kind, _, rest = key.partition(".")
        if kind == "models":
            out.append(f"{where.get(key, scenario.path)}: [models] {rest!r} is read by nothing in this scenario "
                       "(no architecture here uses it), so it changes no number")
        else:
            place = next((v for k, v in where.items() if k.startswith(f"{key}.")), scenario.path)
            out.append(f"{place}: [{key}] is read by nothing in this scenario (no architecture here uses that "
                       "entry), so it changes no number")
    return out


def _orbit_library() -> str:
    from sandbox import trajectory

    name, version = trajectory.backend()
    return f"{name} {version}"


def _provenance(scenario: Scenario, registry: Registry, started: float, added_baseline: bool, baseline: str | None) -> dict[str, Any]:
    from sandbox import __version__
    from sandbox.ledger.evaluate import scenario_content_key
    from sandbox.trajectory import library_results_used

    return {
        "scenario": {"path": scenario.path, "sha256": scenario.sha256, "content_sha256": scenario_content_key(scenario),
                     "name": scenario.name},
        "seed": scenario.seed,
        "sandbox_version": __version__,
        "plugins": [{"name": p.name, "distribution": p.distribution, "version": p.version, "hooks": p.hooks}
                    for p in registry.plugins],
        "plugin_load_errors": [{"name": p.name, "error": p.error} for p in registry.load_errors],
        "replaced_models": registry.models.replaced,
        "replaced_catalogue": {key: {"by": new, "was": old}
                               for key, (new, old) in registry.catalogues.replaced.items()},
        "scenario_overrides": dict(scenario.overrides.where),
        "orbit_library": _orbit_library() if library_results_used() else None,
        "baseline": baseline,
        "baseline_added_by_engine": added_baseline,
        "parameters": {r.instance: {"type": r.spec.name, "overridden": sorted(r.params.overridden),
                                     "values": {k: str(v) for k, v in r.params.values.items()}}
                       for r in scenario.architectures},
        "started_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "elapsed_s": round(time.time() - started, 3),
    }
