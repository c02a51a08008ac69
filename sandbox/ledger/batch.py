"""Evaluate a scenario at many points at once: the vectorised core of sweeps, Monte Carlo and timelines.

A point is a set of overrides keyed like the scenario (see :mod:`sandbox.ledger.inputs`):

- ``<instance>.<param>``: an architecture parameter (e.g. ``leo.altitude``, in the parameter's
  declared unit). It changes the design, so the design function is called once per distinct
  combination of the instance's overridden parameters (and remembered in the process);
- ``models.…``, ``catalogue.…``, ``assumptions.discount_rate``: ledger inputs, plain SI floats.
  They do not change the design: the engine evaluates the design for all points sharing it in
  one vectorised pass.

Every architecture goes through the same per-architecture function as a run
(:func:`sandbox.ledger.evaluate.evaluate_architecture`), and the same
:func:`~sandbox.ledger.evaluate.relative` gives every ``.vs_baseline`` metric, so a study
reports exactly the metrics a run reports, plugin metrics included.

Design functions always see the nominal model defaults and catalogue values: a design is the
plan made with the best estimates, and the drawn ledger inputs are the world it then meets
(delivered compute, mass, cost and life respond to them; the number of units built does not).

Per point and architecture the result holds every metric in its display unit
(:func:`sandbox.ledger.totals.unit_of_metric`), ``valid`` (False when the point's inputs were
physically impossible: the metrics are NaN) and the row's error text when the architecture's
design failed for that point (``PointResults.row_errors``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sandbox.core.scenario import ArchitectureRun, Scenario
from sandbox.ledger import engine
from sandbox.ledger.evaluate import DEFAULT_TIMEOUT_S, evaluate_architecture, hashable, relative
from sandbox.ledger.inputs import LedgerInputs
from sandbox.ledger.totals import HEADLINE_UNITS, LARGEST, unit_of_metric

#: Metrics a study reports per point besides the ledger totals (display units in :func:`unit_of_metric`).
HEADLINE = tuple(HEADLINE_UNITS)

__all__ = ["HEADLINE", "PointResults", "architecture_runs", "evaluate_points", "metric_names", "study_warnings",
           "unit_of_metric", "unread_in_all"]


@dataclass
class PointResults:
    """Results of ``n`` points for every architecture: ``columns[instance][metric]`` arrays of length ``n``."""

    n: int
    columns: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    row_errors: dict[str, np.ndarray] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)
    notes: dict[str, list[str]] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)  # metrics the engine does not know (a plugin's): their unit
    #: the scenario's ``[models]`` defaults and ``[catalogue]`` entries nothing read at these points, as
    #: ``models.<name>``, ``catalogue.<kind>.<entry>`` (:func:`sandbox.ledger.engine.unread_keys`); None: not known
    #: (an architecture failed before it recorded what it read). A study warns of those none of its points read.
    unread: list[str] | None = None

    def unit(self, metric: str) -> str:
        """Display unit of ``metric``: the engine's (:func:`unit_of_metric`), else the unit its plugin gave."""
        return unit_of_metric(metric) or self.units.get(metric, "")


def architecture_runs(scenario: Scenario, registry: Any) -> list[ArchitectureRun]:
    """The scenario's architectures plus the baseline the engine adds when the scenario has none."""
    return engine.architecture_runs(scenario, registry)[0]


def _groups(run: ArchitectureRun, arch_keys: Mapping[str, np.ndarray], n: int) -> list[tuple[tuple, np.ndarray]]:
    """The points of ``run`` grouped by the values of its own parameters (one design per group)."""
    own = sorted(k for k in arch_keys if k.split(".", 1)[0] == run.instance)
    if not own:
        return [((), np.arange(n))]
    rows = list(zip(*(list(arch_keys[k]) for k in own), strict=True))
    groups: dict[tuple, tuple[tuple, list[int]]] = {}
    for i, row in enumerate(rows):
        values = tuple(v.tolist() if isinstance(v, np.ndarray | np.generic) else v for v in row)
        groups.setdefault(hashable(values), (values, []))[1].append(i)
    return [(tuple((k.split(".", 1)[1], v) for k, v in zip(own, values, strict=True)), np.asarray(idx))
            for values, idx in groups.values()]


def _at(run: ArchitectureRun, overrides: tuple) -> str:
    """`` (at leo.altitude = 400 km)``: the parameter values of a design that failed where the study moves them."""
    if not overrides:
        return ""
    parts = []
    for name, value in overrides:
        try:
            unit = run.spec.param(name).unit
        except KeyError:
            unit = ""
        shown = f"{value:g}" if isinstance(value, float) else str(value)
        parts.append(f"{run.instance}.{name} = {shown}{' ' + unit if unit else ''}")
    return f" (at {', '.join(parts)})"


def evaluate_points(scenario: Scenario, registry: Any, points: Mapping[str, np.ndarray], n: int,
                    design_timeout_s: float | None = DEFAULT_TIMEOUT_S) -> PointResults:
    """Evaluate every architecture of ``scenario`` at ``n`` points given as override arrays."""
    registry = scenario.registry(registry)
    runs, baseline, _ = engine.architecture_runs(scenario, registry)
    instances = {r.instance for r in runs}
    arch_keys = {k: v for k, v in points.items() if k.split(".", 1)[0] in instances}
    ledger_keys = {k: np.asarray(v, dtype=float) for k, v in points.items() if k not in arch_keys}
    LedgerInputs.from_keys(n, ledger_keys)  # refuse unknown keys before any work
    result = PointResults(n)
    # the shared-model defaults some point moves off their nominal value (what a design made at nominal may miss)
    moved = [k[7:] for k, v in sorted(ledger_keys.items())
             if k.startswith("models.") and np.any(v != registry.models.value(k[7:]))]
    # the catalogue fields the scenario's [sweep.params] name, and those some architecture's ledger reads
    asked = [k for k in (scenario.raw.get("sweep") or {}).get("params") or {} if str(k).startswith("catalogue.")]
    # the catalogue entries whose figures the [sweep.params] move off their nominal value: (kind, entry) → fields
    moved_entries: dict[tuple[str, str], list[str]] = {}
    for k in asked:
        if k in ledger_keys and _off_nominal(k, ledger_keys[k], registry):
            _, kind, entry, fname = k.split(".", 3)
            moved_entries.setdefault((kind, entry), []).append(fname)
    read: set[str] = set()
    # what the designs and ledgers read, as far as every one recorded it (None: not known)
    design_reads: set[str] | None = set()
    entries: set[tuple[str, str]] | None = set()
    # where each architecture's metric was computed: a design made at some points only (a parameter the study
    # varies that changes what is built) leaves the others empty, which is not an impossible input
    given: dict[str, dict[str, np.ndarray]] = {}
    for run in runs:
        result.types[run.instance] = run.spec.name
        cols: dict[str, np.ndarray] = {}
        errors: list[str] = []
        notes: list[str] = []
        row_errors = np.full(n, "", dtype=object)
        for overrides, idx in _groups(run, arch_keys, n):
            inputs = LedgerInputs.from_keys(len(idx), {k: v[idx] for k, v in ledger_keys.items()})
            res = evaluate_architecture(run, scenario, registry, inputs, overrides, design_timeout_s)
            read |= inputs.read
            design_reads = engine.known_union(design_reads, res.reads)
            entries = engine.known_union(entries, res.catalogue_reads)
            if res.error:
                errors.append(res.error + _at(run, overrides))
                row_errors[idx] = res.error
                continue
            notes += [x for x in res.notes + design_read_notes(res, moved, moved_entries) if x not in notes]
            for m in res.ledger.metrics if res.ledger is not None else ():
                if not unit_of_metric(m.name) and m.unit:
                    result.units.setdefault(m.name, m.unit)
            for k, v in res.values.items():
                if k not in cols:
                    cols[k] = np.full(n, np.nan)
                    given.setdefault(run.instance, {})[k] = np.zeros(n, bool)
                cols[k][idx] = v
                given[run.instance][k][idx] = True
        if errors:
            result.errors[run.instance] = sorted(set(errors))
        if notes:
            result.notes[run.instance] = notes
        result.row_errors[run.instance] = row_errors
        result.columns[run.instance] = cols
    unread = unread_note([k for k in asked if k in ledger_keys and k not in read])
    varied = {k[7:] for k in read if k.startswith("models.")}  # the defaults the ledger took from the points
    result.unread = engine.unread_keys(scenario, registry, engine.known_union(design_reads, varied), entries)
    for instance in result.columns if unread else ():
        result.notes.setdefault(instance, []).append(unread)
    # a point is valid for an architecture on its own metrics: the baseline's impossible point leaves the others'
    # rows valid, with no ratio (NaN) there, as a run whose baseline fails gives the others no ratio
    for instance, cols in result.columns.items():
        if cols:
            stacked = np.vstack([np.asarray(v, dtype=float) for v in cols.values()])
            computed = np.vstack([given[instance][k] for k in cols])
            with np.errstate(invalid="ignore"):  # NaN where not computed
                good = (np.isfinite(stacked) & (stacked >= 0) & (stacked <= LARGEST)) | ~computed
            cols["valid"] = np.all(good, axis=0) & computed.any(axis=0) if stacked.size else np.zeros(n, bool)
            for k in list(cols):
                if k != "valid":
                    cols[k] = np.where(cols["valid"], cols[k], np.nan)
    for instance, ratios in relative(result.columns, baseline).items():  # NaN where either point is not valid
        result.columns[instance].update(ratios)
    return result


def unread_in_all(unread: list[list[str] | None]) -> list[str]:
    """The overrides nothing read in any evaluation of a study's points (``unread``: each one's
    :attr:`PointResults.unread`): an override some points read (a swept parameter chose that entry) is not named,
    nor any when an evaluation does not know what was read (None)."""
    if not unread or any(u is None for u in unread):
        return []
    return [w for w in unread[0] if all(w in u for u in unread[1:])]


def study_warnings(scenario: Scenario, registry: Any, unread: list[list[str] | None]) -> list[str]:
    """The warnings a study gives as a run does (:func:`sandbox.ledger.engine.evaluate`): each catalogue entry a
    plugin replaced, then each override no evaluation of its points read (``unread``: as :func:`unread_in_all`)."""
    return engine.replaced_entries(registry) + engine.unread_warnings(scenario, unread_in_all(unread))


def unread_note(keys: list[str]) -> str:
    """The note for catalogue fields a study varies that no architecture's ledger reads (empty: none): a field only
    design functions read (a launch site's altitude, a chip's year), another precision than the workload's, or an
    entry no architecture uses. Every point then gives the same result, which a run with the value would not."""
    if not keys:
        return ""
    return (f"{', '.join(keys)}: no architecture's ledger reads {'it' if len(keys) == 1 else 'them'} (a field only "
            "design functions read, at its nominal value, another precision than the workload's, or an entry no "
            "architecture uses), so every point gives the same result for it; a run with the value in [catalogue] "
            "redesigns")


def _off_nominal(key: str, values: np.ndarray, registry: Any) -> bool:
    """Whether a ``catalogue.<kind>.<entry>.<field>[.<key>]`` input takes another value than the entry's at some
    point (True when the entry or field is not found: it is then not the nominal one)."""
    _, kind, entry, fname = key.split(".", 3)
    found: Any = getattr(registry.catalogues, kind, {}).get(entry)
    for part in fname.split(".", 1):
        found = found.get(part) if isinstance(found, Mapping) else getattr(found, part, None)
    return not isinstance(found, (int, float)) or bool(np.any(values != float(found)))


def design_read_notes(res: Any, moved: list[str], moved_entries: Mapping[tuple[str, str], list[str]] | None = None
                      ) -> list[str]:
    """A note when the study moves a shared-model default (``moved``: names off their nominal value at some point)
    that a metric of the architecture's own design names among
    its inputs: the design is made once with the nominal value, so that metric stays there, while the ledger's own use
    of the input follows every point (a run with the value in ``[models]`` redesigns, so the two differ by exactly
    these figures). Inputs the design reads only to size what it builds (through the engine's sizing) are the plan
    made with the best estimates, as documented above, and are not named. And one when the scenario's
    ``[sweep.params]`` move a figure of a catalogue entry the design read (``moved_entries``): what the design sized
    from it (a cable for the chips' power) stays at the nominal figure, so a run with the value in ``[catalogue]``
    can differ (catalogue reads are recorded per entry, not per field; draws a Monte Carlo makes of the catalogue's
    ranges are the plan's uncertainty, and not named)."""
    out = _entry_notes(res, moved_entries or {})
    reads = getattr(res, "reads", None) or ()
    named = {n: [m.name for m in getattr(res.design, "metrics", ()) or () if any(n in str(i) for i in m.inputs)]
             for n in moved if n in reads}
    named = {n: ms for n, ms in named.items() if ms}
    if not named:
        return out
    metrics = list(dict.fromkeys(m for ms in named.values() for m in ms))
    shown = ", ".join(metrics[:4]) + (f" and {len(metrics) - 4} more" if len(metrics) > 4 else "")
    return [f"its design read {', '.join(named)} at the nominal value: the metrics it computes from them ({shown}) stay "
            "there, while the ledger's own use of them follows each point (a run with the value in [models] redesigns)",
            *out]


def _entry_notes(res: Any, moved_entries: Mapping[tuple[str, str], list[str]]) -> list[str]:
    read = getattr(res, "design_catalogue_reads", None) or ()
    return [f"its design read catalogue entry {kind}.{entry} at its nominal figures while the study moves its "
            f"{', '.join(fields)}: what the design sized or computed from them stays at those figures, and the ledger's "
            "own use of them follows each point (a run with the values in [catalogue] redesigns, so the two can differ)"
            for (kind, entry), fields in moved_entries.items() if (kind, entry) in read or (kind, "*") in read]


def metric_names(result: PointResults) -> list[str]:
    """Every metric column present for some architecture, in ledger order."""
    names: list[str] = []
    for cols in result.columns.values():
        for k in cols:
            if k not in names and k != "valid":
                names.append(k)
    return names
