"""The one per-architecture function: runs and studies evaluate an architecture the same way.

:func:`evaluate_architecture` builds the design's context, calls the plugin's design function
(memoised per process on the scenario's *content*, the plugin set and the overridden
parameters, and reused across ``[models]`` defaults the design did not read; time-limited; its
printed output captured), evaluates the design on the shared
ledger, and adds the plugins' extra metrics — each plugin called on its own, time-limited,
its output captured. With ``points`` it also evaluates the same design at many study points
at once (arrays). :func:`relative` then gives every :data:`~sandbox.ledger.totals.RELATIVE`
metric against the baseline, for a run and a study alike.

Fault isolation (docs/reliability.md): a plugin's failure in ``sandbox_extra_metrics`` (an
exception, a time-out, an impossible value, a metric name that is already taken, refining
another plugin's ledger) fails the architecture only when the architecture is that plugin's
own; otherwise that plugin's contribution is dropped with a note naming it, and the
architecture's numbers stand. Design functions see read-only catalogues.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sandbox.core.architecture import Context
from sandbox.core.design import Design, Metric
from sandbox.core.guard import SharedDataChanged, changed_message, check_unchanged, shared_state
from sandbox.core.hooks import PluginTimeout, call_with_timeout, captured_stdout, describe, private_context
from sandbox.core.overrides import unscoped
from sandbox.core.params import Params, check_value
from sandbox.core.scenario import ArchitectureRun, Scenario
from sandbox.ledger import totals as T
from sandbox.ledger.element import EvaluationError
from sandbox.ledger.inputs import LedgerInputs
from sandbox.ledger.results import Ledger, LedgerError, finite_non_negative
from sandbox.ledger.sizing import Sizer

#: Seconds a design function or one plugin's extra-metrics call may take by default.
DEFAULT_TIMEOUT_S = 300.0

_DESIGNS: dict[tuple, Made] = {}  # per process: content key → made design (or its error)
_DESIGN_CACHE_MAX = 20_000


@dataclass
class Made:
    """A design function's outcome: the design and its context, or the error text."""

    design: Design | None = None
    ctx: Context | None = None
    error: str | None = None
    printed: str = ""
    nominal: Ledger | None = None  # the nominal ledger with plugin metrics (filled on first evaluation)
    plugin_calls: list[tuple[str, list[Metric]]] = field(default_factory=list)
    reads: dict[str, Any] | None = None  # model defaults the design read: name → Sourced (None: not known)
    #: catalogue entries read as (kind, name): by the design, its plugins' extra metrics and its nominal ledger;
    #: (kind, "*") when a whole table was iterated
    catalogue_reads: set[tuple[str, str]] = field(default_factory=set)
    #: the entries the design function itself read (its sizing included), before any ledger ran
    design_catalogue_reads: frozenset[tuple[str, str]] = frozenset()


@dataclass
class ArchitectureResult:
    """One architecture instance evaluated: its nominal ``ledger`` and, for study points, ``values``
    (metric → array in display units) and ``notes``; ``error`` when the design or evaluation failed."""

    instance: str
    architecture: str
    plugin: str
    ledger: Ledger | None = None
    design: Design | None = None
    values: dict[str, np.ndarray] | None = None
    error: str | None = None
    notes: list[str] = field(default_factory=list)
    reads: frozenset[str] | None = None  # the model defaults its design function read (None: not known)
    #: the catalogue entries its design, plugin metrics and nominal ledger read, (kind, name) (None: not known)
    catalogue_reads: frozenset[tuple[str, str]] | None = None
    #: the catalogue entries its design function itself read (its sizing included): what it sized at their figures
    design_catalogue_reads: frozenset[tuple[str, str]] = frozenset()


def scenario_content_key(scenario: Scenario) -> str:
    """SHA-256 of the scenario's validated content (not its path or file bytes), without ``[sweep]``."""
    return _digest({k: v for k, v in scenario.raw.items() if k != "sweep"})


def _digest(raw: Mapping[str, Any]) -> str:
    """SHA-256 of scenario data, independent of key order."""
    text = json.dumps(raw, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def design_rng(seed: int, instance: str) -> np.random.Generator:
    digest = hashlib.sha256(f"{seed}:{instance}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


def with_overrides(run: ArchitectureRun, values: Mapping[str, Any]) -> Params:
    """``run``'s parameters with ``values`` (study overrides, in each parameter's declared unit) checked in."""
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


def hashable(value: Any) -> Any:
    """``value`` as a dictionary key: lists (a list parameter, e.g. ground stations) and tables as tuples."""
    if isinstance(value, list | tuple):
        return tuple(hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((str(k), hashable(v)) for k, v in value.items()))
    return value


def make_design(run: ArchitectureRun, scenario: Scenario, registry: Any, overrides: tuple = (),
                timeout_s: float | None = DEFAULT_TIMEOUT_S) -> Made:
    """Call ``run``'s design function (memoised per process on content, plugin set and overrides).

    A scenario that differs from one already designed only in ``[models]`` defaults the design did
    not read (its context's model set and the engine's sizing record each default they are asked
    for: :class:`~sandbox.core.modelset.RecordingModelSet`) reuses that design; its ledger is
    evaluated again with the scenario's own defaults (:func:`_reused`). This serves runs and the
    explorer (``overrides`` empty); a study's points differ in ``overrides`` or in ledger inputs,
    so its designs are not indexed this way (each still records what it read: ``Made.reads``).
    """
    registry = scenario.registry(registry)
    key = (getattr(registry, "token", id(registry)), scenario_content_key(scenario), run.instance, hashable(overrides))
    if key in _DESIGNS:
        return _DESIGNS[key]
    loose = _loose_key(run, scenario, registry) if not overrides else None
    for earlier in _BY_READS.get(loose, ()) if loose else ():
        if all(registry.models.default(name) == value for name, value in earlier.reads.items()):
            made = _DESIGNS[key] = _reused(earlier, registry, scenario)
            return made
    plugin = registry.architecture_owner.get(run.spec.name, "?")
    made = Made()
    # every design reads through its own recording copy: what it read decides reuse (``loose``) and the warnings
    models = registry.models.recording() if hasattr(registry.models, "recording") else registry.models
    recorded = False
    try:
        params = with_overrides(run, dict(overrides)) if overrides else run.params
        ctx = private_context(Context(registry.catalogues.read_only(made.catalogue_reads), models, scenario.workload,
                                      scenario.assumptions, design_rng(scenario.seed, run.instance), run.instance,
                                      sizer=Sizer(_WithModels(registry, models), scenario.workload.sustained_flops)))
        state = shared_state(registry)
        with captured_stdout() as out:
            try:
                made.design = call_with_timeout(lambda: run.spec.design(params, ctx), timeout_s)
                made.design_catalogue_reads = frozenset(made.catalogue_reads)
                recorded = True
            except ValueError:
                recorded = True  # the design refused these inputs: the same inputs are refused again
                raise
            finally:
                made.printed = out.getvalue().strip()
                changed = state.restore()  # whatever happened in the call, nothing it changed outlives it
        if changed:
            raise SharedDataChanged(changed_message(changed, "its design"))
        made.ctx = ctx
        if not isinstance(made.design, Design):
            raise EvaluationError(f"design function returned {type(made.design).__name__}, expected a sandbox.Design")
    except ValueError as exc:  # an impossible combination of parameters (the scenario's, not the plugin's fault)
        made.error = f"architecture {run.instance!r}: {describe(exc).removeprefix(type(exc).__name__ + ': ')}"
    except PluginTimeout as exc:
        made.error = f"architecture {run.instance!r} (plugin {plugin!r}): design {exc}"
    except Exception as exc:
        made.error = f"architecture {run.instance!r} (plugin {plugin!r}): {describe(exc)}"
    if len(_DESIGNS) >= _DESIGN_CACHE_MAX:
        _DESIGNS.clear()
        _BY_READS.clear()
    _DESIGNS[key] = made
    if recorded and models is not registry.models and not models.read_all:  # what it read is known
        # a parameter's model default is read unless the scenario (or the study's point) sets the parameter itself
        set_here = run.params.overridden | {name for name, _ in overrides}
        made.reads = {**dict(models.read), **{name: registry.models.default(name) for p in run.spec.params
                                              if p.name not in set_here
                                              for name in (p.model_default, *dict(p.workload_defaults).values()) if name}}
        if loose:
            kept = _BY_READS.setdefault(loose, [])
            kept.append(made)
            del kept[:-_READS_PER_KEY]
    return made


#: Designs kept per :func:`_loose_key` (the latest ones), each with the model defaults it read.
_READS_PER_KEY = 8
_BY_READS: dict[tuple, list[Made]] = {}


def _loose_key(run: ArchitectureRun, scenario: Scenario, registry: Any) -> tuple:
    """What decides a design apart from the model defaults: the plugin set and the scenario's
    content without ``[models]`` (its catalogue entries included)."""
    base = unscoped(registry)
    raw = {k: v for k, v in scenario.raw.items() if k not in ("sweep", "models")}
    # the workload and assumptions as validated: a default may come from the models (the discount rate)
    raw["\0resolved"] = [repr(scenario.workload), repr(scenario.assumptions)]
    return (getattr(base, "token", id(base)), _digest(raw), run.instance)


def _reused(earlier: Made, registry: Any, scenario: Scenario) -> Made:
    """``earlier``'s design (or refusal) in a context with ``registry``'s model defaults; its nominal
    ledger is evaluated afresh (the ledger reads every default)."""
    made = Made(design=earlier.design, error=earlier.error, printed=earlier.printed, reads=earlier.reads,
                catalogue_reads=set(earlier.catalogue_reads),  # (the same catalogue content: what the design read)
                design_catalogue_reads=earlier.design_catalogue_reads)
    if earlier.ctx is not None:
        made.ctx = private_context(dataclasses.replace(
            earlier.ctx, models=registry.models, catalogues=registry.catalogues.read_only(made.catalogue_reads),
            workload=scenario.workload,
            assumptions=scenario.assumptions, sizer=Sizer(registry, scenario.workload.sustained_flops)))
    return made


class _WithModels:
    """``registry`` as the engine's sizing sees it during a design call: with the recording ``models``."""

    def __init__(self, registry: Any, models: Any):
        self._registry, self.models = registry, models

    def __getattr__(self, name: str) -> Any:
        return getattr(self._registry, name)


def _nominal_ledger(run: ArchitectureRun, made: Made, registry: Any, timeout_s: float | None) -> Ledger:
    """The design's ledger at nominal inputs, with traces, design metrics and the plugins' extra metrics."""
    design, ctx = made.design, made.ctx
    plugin = registry.architecture_owner.get(run.spec.name, "?")
    inputs = LedgerInputs(entries=made.catalogue_reads)  # nominal values; the entries the ledger reads are recorded
    totals, traces, notes = T.design_totals(design, registry, ctx.assumptions.discount_rate, inputs)
    head, lat = T.derived(totals, design, registry, ctx.assumptions, inputs)
    metrics = T.run_metrics(totals, traces, head, lat, design, registry, ctx.assumptions)
    taken = {m.name for m in metrics}
    for extra in design.metrics:
        if not isinstance(extra, Metric) or not finite_non_negative(extra.value) or np.ndim(extra.value) != 0:
            raise EvaluationError(f"design metric {getattr(extra, 'name', extra)!r} = {getattr(extra, 'value', '?')} "
                                  "(must be a Metric with a finite value >= 0)")
        if extra.name in taken or str(extra.name).endswith(".vs_baseline"):
            raise EvaluationError(f"design metric {extra.name!r} is already reported by the engine; choose another name"
                                  + (" (names ending in .vs_baseline are its ratios to the baseline)"
                                     if str(extra.name).endswith(".vs_baseline") else ""))
        taken.add(extra.name)
    metrics.extend(design.metrics)
    if made.printed:
        notes.append(f"plugin {plugin!r} printed during design: {made.printed[:500]}")
    ledger = Ledger(run.instance, run.spec.name, plugin, metrics, notes)
    made.plugin_calls = add_extra_metrics(ledger, design, ctx, registry, timeout_s)
    campaign_note(ledger)
    shortfall_note(ledger, ctx.workload.sustained_flops)
    return ledger


def shortfall_note(ledger: Ledger, asked_flops: float) -> None:
    """Note a design that delivers less than the workload asks (``asked_flops`` in FLOP/s): its per-PFLOP-day and
    per-GPU-hour figures hold for what it delivers, but its totals (capex, energy, mass) are not the workload's."""
    if not ledger.has("compute.delivered") or not asked_flops > 0:
        return
    metric = ledger.metric("compute.delivered")
    delivered = float(metric.value) * 1e15  # the ledger's figure is in PFLOP/s (POP/s for an int8 design)
    if delivered < 0.99 * asked_flops:
        unit = metric.unit
        ledger.notes.append(
            f"delivers {delivered / 1e15:,.3g} {unit}, {delivered / asked_flops:.1%} of the {asked_flops / 1e15:,.3g} "
            f"{unit} the workload asks: its cost per PFLOP-day is for what it delivers, its totals (capex, energy, "
            "mass) are not the workload's")


def campaign_note(ledger: Ledger) -> None:
    """Note a build-out that outlasts its hardware: a plugin's ``time.launch_campaign`` (yr) longer than
    ``life.effective``. The ledger counts the whole fleet working at once (a steady state of replacements);
    with flights at that cadence at most life / campaign of it can be working, so the figures are a bound."""
    if not (ledger.has("time.launch_campaign") and ledger.has("life.effective")):
        return
    campaign, life = float(ledger.get("time.launch_campaign")), float(ledger.get("life.effective"))
    if campaign > life > 0:
        ledger.notes.append(
            f"the launch campaign ({campaign:,.3g} yr) outlasts the hardware ({life:.3g} yr): at this cadence at most "
            f"{life / campaign:.1%} of the fleet can be working at once, while its compute and costs are counted as if "
            "all of it were (a steady state this cadence never reaches: raise the cadence or shrink the build-out)")


def add_extra_metrics(ledger: Ledger, design: Design, ctx: Context, registry: Any,
                      timeout_s: float | None = DEFAULT_TIMEOUT_S) -> list[tuple[str, list[Metric]]]:
    """Call every plugin's ``sandbox_extra_metrics`` for ``ledger`` on its own and append what each returns.

    Returns the accepted ``(plugin, metrics)`` pairs. Raises :class:`EvaluationError` only for a
    fault of the plugin that owns the architecture; another plugin's fault drops its
    contribution with a note (docs/reliability.md).
    """
    accepted: list[tuple[str, list[Metric]]] = []
    hooks = registry.hooks
    hooks.timeout_s = timeout_s
    state = shared_state(registry)
    numbers = all(np.ndim(m.value) == 0 for m in ledger.metrics)  # a run's ledger: one number a metric (a study's: arrays)
    for call in hooks.extra_metrics(ledger.instance, design, ledger.view, ctx,
                                    after=lambda plugin: check_unchanged(state, f"plugin {plugin!r}")):
        own = call.plugin == ledger.plugin
        if call.output.strip():
            ledger.notes.append(f"plugin {call.plugin!r} printed: {call.output.strip()[:500]}")
        problem = None
        if call.failure is not None:
            problem = str(call.failure)
        else:
            got = call.result or []
            names: list[str] = []
            if not isinstance(got, (list, tuple)):
                problem = (f"plugin {call.plugin!r}: sandbox_extra_metrics returned {type(got).__name__} for "
                           f"{ledger.instance!r}, expected a list of Metric (or None)")
                got = []
            for metric in got:
                if (not isinstance(metric, Metric) or not finite_non_negative(metric.value)
                        or (numbers and np.ndim(metric.value) != 0)):
                    what = (f"metric {metric.name!r} = {metric.value!r}"[:200] if isinstance(metric, Metric)
                            else f"{type(metric).__name__} {metric!r}"[:200])
                    problem = (f"plugin {call.plugin!r} returned an impossible extra metric for {ledger.instance!r}: "
                               f"{what} (expected a Metric with a finite value >= 0)")
                    break
                if metric.name.endswith(".vs_baseline"):  # the engine's ratios to the baseline, made after this
                    problem = (f"plugin {call.plugin!r} returned metric {metric.name!r} for {ledger.instance!r}: names "
                               "ending in .vs_baseline are the engine's ratios to the baseline")
                    break
                if ledger.has(metric.name) or metric.name in names:
                    owner = next((p for p, ms in accepted if any(m.name == metric.name for m in ms)), None)
                    by = f"plugin {owner!r}" if owner else ("the engine or the design" if ledger.has(metric.name) else "itself")
                    problem = (f"plugin {call.plugin!r} returned metric {metric.name!r} for {ledger.instance!r}, "
                               f"already reported by {by}")
                    break
                names.append(metric.name)
            if problem is None:
                ledger.metrics.extend(got)
                accepted.append((call.plugin, list(got)))
                continue
        if own:
            raise EvaluationError(problem)
        ledger.notes.append(f"{problem} — its metrics for {ledger.instance!r} are left out; the ledger is unchanged")
    return accepted


def evaluate_architecture(run: ArchitectureRun, scenario: Scenario, registry: Any, points: LedgerInputs | None = None,
                          overrides: tuple = (), timeout_s: float | None = DEFAULT_TIMEOUT_S) -> ArchitectureResult:
    """Evaluate one architecture instance: its nominal ledger, and ``points`` (arrays) when given."""
    registry = scenario.registry(registry)
    plugin = registry.architecture_owner.get(run.spec.name, "?")
    result = ArchitectureResult(run.instance, run.spec.name, plugin)
    made = make_design(run, scenario, registry, overrides, timeout_s)
    result.reads = frozenset(made.reads) if made.reads is not None else None
    if made.error:
        result.error = made.error
        if made.design is None and made.reads is not None:  # the design refused: what it read until then is known
            result.catalogue_reads = frozenset(made.catalogue_reads)
        return result
    result.design = made.design
    result.design_catalogue_reads = made.design_catalogue_reads
    try:
        if made.nominal is None:
            made.nominal = _nominal_ledger(run, made, registry, timeout_s)
        result.ledger = made.nominal
        result.catalogue_reads = frozenset(made.catalogue_reads)
        if points is not None:
            result.values, result.notes = _point_values(made, registry, points, timeout_s)
    except (EvaluationError, LedgerError) as exc:
        result.error = f"architecture {run.instance!r} (plugin {plugin!r}): {describe(exc)}"
        made.error = result.error
    except Exception as exc:  # a plugin-replaced model component or a design's odd value must not stop the others
        result.error = f"architecture {run.instance!r} (plugin {plugin!r}): {describe(exc)}"
    return result


def _point_values(made: Made, registry: Any, points: LedgerInputs, timeout_s: float | None
                  ) -> tuple[dict[str, np.ndarray], list[str]]:
    """The design evaluated at every point at once; plugin metrics vectorised when the plugin's
    arithmetic allows, else its nominal values (noted)."""
    design, ctx, nominal = made.design, made.ctx, made.nominal
    n = points.n
    with np.errstate(all="ignore"):
        totals, _, _ = T.design_totals(design, registry, ctx.assumptions.discount_rate, points, explain=False)
        head, _ = T.derived(totals, design, registry, ctx.assumptions, points)
    values = T.study_values(totals, head, n)
    notes: list[str] = []
    for m in design.metrics:  # what the design computed: the same at every point of this design
        values[m.name] = np.broadcast_to(np.asarray(float(m.value)), (n,))
    if not made.plugin_calls and not any("refined by plugin" in str(i) for m in nominal.metrics for i in m.inputs):
        return values, notes
    # plugin metrics and refinements: on a ledger of arrays (numpy arithmetic broadcasts), else nominal
    array_ledger = Ledger(nominal.instance, nominal.architecture, nominal.plugin,
                          [Metric(m.name, values.get(m.name, m.value), m.unit, m.inputs, m.source, m.approximation)
                           for m in nominal.metrics if not any(m.name == x.name for _, ms in made.plugin_calls for x in ms)])
    try:
        with np.errstate(all="ignore"):
            add_extra_metrics(array_ledger, design, ctx, registry, timeout_s)
        ok = all(np.ndim(m.value) == 0 or np.shape(m.value) == (n,) for m in array_ledger.metrics)
    except (EvaluationError, LedgerError):
        ok = False
    if ok and not any(x.startswith("plugin ") and "left out" in x for x in array_ledger.notes):
        for m in array_ledger.metrics:
            values[m.name] = np.broadcast_to(np.asarray(m.value, dtype=float), (n,))
        return values, notes
    for m in nominal.metrics:  # fall back: every plugin metric and refinement at its nominal value
        if m.name not in values or any("refined by plugin" in str(i) for i in m.inputs):
            values[m.name] = np.broadcast_to(np.asarray(float(m.value)), (n,))
    notes.append("plugin metrics evaluated at the nominal ledger (a plugin's arithmetic did not broadcast over points)")
    return values, notes


def relative(columns: Mapping[str, Mapping[str, Any]], baseline: str | None) -> dict[str, dict[str, Any]]:
    """``{instance: {"<metric>.vs_baseline": value / baseline's}}`` for every :data:`RELATIVE` metric.

    Works on scalars (a run) and arrays (a study); a baseline value <= 0 gives NaN in a study and
    no ratio in a run.
    """
    out: dict[str, dict[str, Any]] = {}
    if baseline is None or baseline not in columns:
        return out
    base = columns[baseline]
    for instance, cols in columns.items():
        ratios: dict[str, Any] = {}
        for name in T.RELATIVE:
            if name in cols and name in base:
                b, v = base[name], cols[name]
                if np.ndim(b) == 0 and np.ndim(v) == 0:
                    if float(b) > 0:
                        ratios[f"{name}.vs_baseline"] = float(v) / float(b)
                else:
                    with np.errstate(divide="ignore", invalid="ignore"):
                        ratios[f"{name}.vs_baseline"] = np.where(np.asarray(b) > 0, np.asarray(v) / np.asarray(b), np.nan)
        out[instance] = ratios
    return out
