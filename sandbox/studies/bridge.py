"""The bridge: why two results differ, input by input.

``bridge(A, B)`` takes two scenarios (two published claims, a claim and the default, or the same
study in two years) and explains the change of one metric of one architecture from A's value to
B's by the inputs that differ between the two files:

- every differing input is a *key*: an architecture parameter (``<instance>.<param>``), a shared
  model default (``models.<module>.<name>``), a catalogue field (``catalogue.<kind>.<entry>.<field>``),
  a workload or assumption field (``workload.<field>``, ``assumptions.<field>``);
- the metric is evaluated for coalitions of keys (B's value for the keys in the coalition, A's for
  the others): all 2^k coalitions when k ≤ :data:`EXACT_MAX`, else A, B, every single key and the
  coalitions along :data:`SAMPLED_ORDERS` random orders;
- each key gets its **Shapley** share (its marginal change averaged over every order of adding
  the keys: exact, or estimated from the sampled orders) — the shares sum to the total change —,
  its change **alone** (only that key from B), and its **sequential** step in a stated order
  (largest |Shapley| first; the steps sum to the total). The **interaction** remainder is the
  total less the sum of the changes alone.

Coalitions that share every design-affecting key are evaluated together on the vectorised ledger
(:func:`sandbox.ledger.batch.evaluate_points`, one pass per design, designs memoised): the ledger
keys (engine-read model defaults, catalogue numbers, the discount rate) vary per point.
"""

from __future__ import annotations

import copy
import difflib
import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sandbox.core.overrides import flat_models
from sandbox.core.scenario import Scenario, ScenarioError, validate

#: Up to this many inputs (after grouping), every coalition is evaluated (2^k) and the Shapley shares are exact.
EXACT_MAX = 12
#: Up to this many design-affecting inputs are bridged one by one (2^d scenario variants, each a design call);
#: beyond it, they are grouped by the table they sit in (workload, one architecture's parameters, one model
#: module's defaults, one catalogue entry) and each group is one input. Ledger inputs stay single: they are
#: evaluated as arrays on the vectorised ledger.
DESIGN_MAX = 6
#: Random orders sampled beyond :data:`EXACT_MAX` (Castro, Gómez & Tejada 2009, "Polynomial calculation of the
#: Shapley value based on sampling", Computers & Operations Research 36(5):1726-1730).
SAMPLED_ORDERS = 128


class BridgeError(Exception):
    """The two scenarios cannot be bridged (no common architecture, an unknown metric...)."""


class InfeasibleMix(BridgeError):
    """A mix of the two scenarios gives no value of the metric (e.g. B's chip with A's precision)."""


@dataclass
class Key:
    """One differing input: where it sits in the scenario's data (``path``), A's and B's values."""

    name: str
    path: tuple[str, ...]
    a: Any  # None: the file does not state it (the default applies)
    b: Any
    ledger: bool  # varies per point on the vectorised ledger (else: a scenario variant and a design call)
    default: Any = None  # the value when a side does not state it (ledger keys)
    parts: tuple[Key, ...] = ()  # a group of inputs bridged together (design inputs of one table)

    @property
    def members(self) -> tuple[Key, ...]:
        """The single inputs this key sets (itself, or its group's)."""
        return self.parts or (self,)

    def value(self, on: bool) -> Any:
        """B's value when ``on``, else A's (the default when that file does not state it)."""
        v = self.b if on else self.a
        return self.default if v is None else v

    @property
    def label(self) -> str:
        return f"{self.name}: {_show(self.a)} → {_show(self.b)}"


def group_design_keys(keys: list[Key]) -> list[Key]:
    """``keys`` with the design-affecting ones grouped by table when there are more than :data:`DESIGN_MAX`."""
    design = [k for k in keys if not k.ledger]
    if len(design) <= DESIGN_MAX:
        return keys
    groups: dict[str, list[Key]] = {}
    for k in design:
        head = k.path[:2] if k.path[0] in ("architectures", "catalogue") else (
            ("models", k.path[1].split(".")[0]) if k.path[0] == "models" else k.path[:1])
        groups.setdefault(".".join(head[1:] if head[0] == "architectures" else head), []).append(k)
    grouped = []
    for name, members in groups.items():
        if len(members) == 1:
            grouped.append(members[0])
            continue
        fields = [m.name.removeprefix(name + ".") for m in members]
        grouped.append(Key(f"{name} ({', '.join(fields)})", (), tuple(m.a for m in members), tuple(m.b for m in members),
                           False, parts=tuple(members)))
    return grouped + [k for k in keys if k.ledger]


@dataclass
class BridgeResult:
    """The bridge of ``metric`` for ``architecture``: A's and B's values, the per-key shares and the method."""

    architecture: str
    metric: str
    unit: str
    a_value: float
    b_value: float
    keys: list[Key]
    shapley: dict[str, float]
    alone: dict[str, float]
    sequential: list[tuple[str, float]]
    method: str
    evaluations: int
    notes: list[str] = field(default_factory=list)
    paired_from: str = ""  # A's instance bridged to B's ``architecture`` when A has none of that name

    @property
    def total(self) -> float:
        return self.b_value - self.a_value

    @property
    def interaction(self) -> float:
        """The part of the total change no input explains on its own (total − Σ changes alone)."""
        return self.total - sum(self.alone.values())

    @property
    def attributed(self) -> float:
        """Share of the total change the named inputs' Shapley values account for (1 = all of it)."""
        return sum(self.shapley.values()) / self.total if self.total else 1.0

    def rows(self) -> list[dict[str, Any]]:
        """One record per input in the stated order: A and B values, Shapley, alone, sequential."""
        seq = dict(self.sequential)
        return [{"input": k.name, "a": _show(k.a), "b": _show(k.b), "shapley": self.shapley[k.name],
                 "alone": self.alone[k.name], "sequential": seq[k.name],
                 "share": self.shapley[k.name] / self.total if self.total else math.nan}
                for k in sorted(self.keys, key=lambda k: [n for n, _ in self.sequential].index(k.name))]

    def to_dict(self) -> dict[str, Any]:
        return {"architecture": self.architecture, "metric": self.metric, "unit": self.unit, "a": self.a_value,
                "b": self.b_value, "total": self.total, "interaction": self.interaction, "attributed": self.attributed,
                "method": self.method, "evaluations": self.evaluations, "inputs": self.rows(), "notes": self.notes,
                "paired_from": self.paired_from}


def _show(value: Any) -> str:
    if value is None:
        return "(default)"
    if isinstance(value, tuple):
        return "; ".join(_show(v) for v in value)
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


# ----------------------------------------------------------------------------- differing inputs
def _flatten(table: Any, prefix: tuple[str, ...]) -> dict[tuple[str, ...], Any]:
    out: dict[tuple[str, ...], Any] = {}
    if isinstance(table, Mapping):
        for k, v in table.items():
            out.update(_flatten(v, (*prefix, str(k))))
    else:
        out[prefix] = table
    return out


def differing_keys(a: Scenario, b: Scenario, registry: Any, instances: list[str]) -> list[Key]:
    """Every input written differently in ``a`` and ``b`` that can move ``instances``' metrics.

    Inputs are compared as the files state them: a value one file states and the other leaves to
    its default is a key; a parameter that differs only because a ``[models]`` default moved it is
    not (the models key carries that change); ``sources`` and ``ranges`` of catalogue entries are
    not numbers of a run and are left out.
    """
    from sandbox.ledger.element import LEDGER_DEFAULTS
    from sandbox.ledger.engine import architecture_runs

    keys: list[Key] = []
    tables = [(("workload",), a.raw.get("workload", {}), b.raw.get("workload", {})),
              (("assumptions",), a.raw.get("assumptions", {}), b.raw.get("assumptions", {}))]
    # with the baseline the engine adds to a file that states none (its parameters are then its defaults)
    runs_a = {r.instance: r for r in architecture_runs(a, registry)[0]}
    runs_b = {r.instance: r for r in architecture_runs(b, registry)[0]}
    arch_a, arch_b = a.raw.get("architectures", {}), b.raw.get("architectures", {})
    for inst in instances:
        if inst in runs_a and inst in runs_b:
            tables.append((("architectures", inst), arch_a.get(inst, {}), arch_b.get(inst, {})))
    for path, ta, tb in tables:
        for name in sorted(set(ta) | set(tb)):
            if name == "type" or not _differs(ta.get(name), tb.get(name)):
                continue
            if not _differs(*_validated(a, b, runs_a, runs_b, path, name)) and not _moving_default(a, b, runs_a, path,
                                                                                                 name, ta, tb):
                continue  # the same value written two ways ("550 km", "550000 m"), or stated as its default
            keys.append(Key(".".join((*path[-1:], name)), (*path, name), ta.get(name), tb.get(name), False))
    ma, mb = a.overrides.models, b.overrides.models
    for name in sorted(set(ma) | set(mb)):
        sa, sb = ma.get(name), mb.get(name)
        nominal = registry.models.value(name)
        if _differs(nominal if sa is None else sa.nominal, nominal if sb is None else sb.nominal):  # a range alone moves no run
            keys.append(Key(f"models.{name}", ("models", name), None if sa is None else sa.nominal,
                            None if sb is None else sb.nominal, name in LEDGER_DEFAULTS, registry.models.value(name)))
    ca, cb = a.overrides.catalogue, b.overrides.catalogue
    for kind, entry in sorted(set(ca) | set(cb)):
        base = getattr(registry.catalogues, kind).get(entry)
        if base is None and ((kind, entry) not in ca or (kind, entry) not in cb):
            continue  # a new entry of one file only: present in every mix; a parameter choosing it is the key
        fa, fb = ca.get((kind, entry), {}), cb.get((kind, entry), {})
        for fname in sorted((set(fa) | set(fb)) - {"sources", "ranges"}):
            nominal = _field(base, fname)
            va, vb = fa.get(fname), fb.get(fname)
            if isinstance(va, Mapping) or isinstance(vb, Mapping) or isinstance(nominal, Mapping):
                for sub in sorted(set(va or {}) | set(vb or {})):
                    xa, xb = (va or {}).get(sub), (vb or {}).get(sub)
                    default = (nominal or {}).get(sub)
                    if _differs(default if xa is None else xa, default if xb is None else xb):
                        keys.append(Key(f"catalogue.{kind}.{entry}.{fname}.{sub}", ("catalogue", kind, entry, fname, sub),
                                        xa, xb, _number(default) and all(_number(x) for x in (xa, xb) if x is not None),
                                        default))
            elif _differs(nominal if va is None else va, nominal if vb is None else vb):
                numeric = _number(nominal) and all(_number(x) for x in (va, vb) if x is not None)
                keys.append(Key(f"catalogue.{kind}.{entry}.{fname}", ("catalogue", kind, entry, fname), va, vb,
                                numeric, nominal))
    return keys


def _validated(a: Scenario, b: Scenario, runs_a: Mapping[str, Any], runs_b: Mapping[str, Any], path: tuple[str, ...],
               name: str) -> tuple[Any, Any]:
    """The checked values of ``path.name`` in ``a`` and ``b`` (to tell one value written two ways from two values);
    ``runs_a``, ``runs_b``: each file's architecture runs by instance."""
    if path[0] == "architectures":
        return runs_a[path[1]].params.values.get(name), runs_b[path[1]].params.values.get(name)
    attr = {"sustained_compute": "sustained_flops", "latency_target": "latency_target_s"}.get(name, name)
    group = path[0]
    return getattr(getattr(a, group), attr, None), getattr(getattr(b, group), attr, None)


def _moving_default(a: Scenario, b: Scenario, runs: Mapping[str, Any], path: tuple[str, ...], name: str, ta: Mapping,
                    tb: Mapping) -> bool:
    """Whether one file states architecture parameter ``path.name`` and the other leaves it to a default that
    the other inputs of the bridge move: a workload-kind default when the two workloads differ in kind, or a
    shared-model default either file overrides. Equal in the two files, it is not in every mix (a stated
    utilisation of 0.40 against a training workload's default of 0.40, mixed with an inference workload)."""
    if path[0] != "architectures" or (name in ta) == (name in tb):
        return False
    try:
        param = runs[path[1]].spec.param(name)
    except KeyError:
        return True
    if param.workload_defaults and a.workload.kind != b.workload.kind:
        return True
    moved = set(a.overrides.models) | set(b.overrides.models)
    return bool({param.model_default, *(m for _, m in param.workload_defaults)} & moved)


def _number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _field(entry: Any, fname: str) -> Any:
    if entry is None:
        return None
    return getattr(entry, fname, None)


def _differs(a: Any, b: Any) -> bool:
    try:
        if hasattr(a, "unit") and hasattr(b, "unit"):
            return not bool(np.all(a == b))
        if isinstance(a, float) and isinstance(b, float):
            return not (a == b or (math.isnan(a) and math.isnan(b)))
        return bool(a != b)
    except Exception:  # noqa: BLE001 - incomparable values differ
        return True


# ----------------------------------------------------------------------------- evaluation
def _mixed_raw(a: Scenario, b: Scenario, keys: list[Key], mask: tuple[bool, ...], registry: Any,
               design_only: bool, scope: list[str]) -> dict:
    """A's scenario data with B's value for each key in the coalition ``mask`` (ledger keys excepted unless
    ``design_only``), holding only the architectures in ``scope``; entries either file adds to the catalogue
    exist in every mix (a parameter names them)."""
    raw = copy.deepcopy(a.raw)
    for drop in ("sweep", "claim"):
        raw.pop(drop, None)
    raw["architectures"] = {k: v for k, v in raw.get("architectures", {}).items() if k in scope}
    for inst in scope:  # an instance B has and A leaves out (the engine's baseline): B's type
        if inst not in raw["architectures"] and inst in (b.raw.get("architectures") or {}):
            raw["architectures"][inst] = {"type": b.raw["architectures"][inst].get("type", inst)}
        elif inst not in raw["architectures"]:  # the baseline neither file states: the engine's, with its defaults
            raw["architectures"][inst] = {}
    raw["models"] = flat_models(raw.get("models", {}))
    for kind, entry in b.overrides.added:
        if (kind, entry) not in a.overrides.added:
            raw.setdefault("catalogue", {}).setdefault(kind, {})[entry] = copy.deepcopy(b.raw["catalogue"][kind][entry])
    for group, on in zip(keys, mask, strict=True):
        if group.ledger and not design_only:
            continue
        for key in group.members:
            value = key.b if on else key.a
            node = raw
            for part in key.path[:-1]:
                node = node.setdefault(part, {})
            if value is None:
                node.pop(key.path[-1], None)
            elif key.path[0] == "models":
                node[key.path[-1]] = flat_models((b if on else a).raw["models"])[key.path[-1]]
            else:
                node[key.path[-1]] = value
    _prune(raw)
    return raw


def _prune(raw: dict) -> None:
    """Drop the override tables a mix left empty (an entry whose every stated field was switched off)."""
    for kind, entries in list((raw.get("catalogue") or {}).items()):
        for entry, fields in list(entries.items()):
            if not fields or set(fields) <= {"sources", "ranges"}:
                del entries[entry]
        if not entries:
            del raw["catalogue"][kind]
    for table in ("catalogue", "models"):
        if table in raw and not raw[table]:
            del raw[table]


def _evaluate(a: Scenario, b: Scenario, registry: Any, keys: list[Key], masks: list[tuple[bool, ...]],
              instance: str, metric: str, design_only: bool, scope: list[str],
              strict: bool = True) -> dict[tuple[bool, ...], float]:
    """The metric of ``instance`` for every coalition in ``masks``: one scenario variant (one design call,
    memoised) per setting of the design-affecting keys, the ledger keys as per-point arrays on the
    vectorised ledger. ``design_only`` writes every key into the variants instead. A coalition without
    a value raises :class:`InfeasibleMix`, or is NaN when not ``strict``."""
    from sandbox.ledger.batch import evaluate_points

    design_idx = [i for i, k in enumerate(keys) if design_only or not k.ledger]
    ledger_idx = [i for i, k in enumerate(keys) if not design_only and k.ledger]
    groups: dict[tuple[bool, ...], list[tuple[bool, ...]]] = {}
    for mask in masks:
        groups.setdefault(tuple(mask[i] for i in design_idx), []).append(mask)
    out: dict[tuple[bool, ...], float] = {}
    for group_masks in groups.values():
        raw = _mixed_raw(a, b, keys, group_masks[0], registry, design_only, scope)
        try:
            scenario = validate(raw, registry, f"{a.path} with inputs of {b.path}", "")
        except ScenarioError as exc:
            # both files are valid, so the mix breaks a rule between inputs (an architecture's check: A's peak
            # target with B's satellite count): those inputs are inseparable, as for a mix the design refuses
            if strict:
                raise InfeasibleMix(f"a mix of the two scenarios is invalid: {exc}") from None
            out.update({m: math.nan for m in group_masks})
            continue
        n = len(group_masks)
        points = {keys[i].name: np.array([float(keys[i].value(m[i])) for m in group_masks]) for i in ledger_idx}
        res = evaluate_points(scenario, registry, points, n)
        cols = res.columns.get(instance, {})
        if metric not in cols:
            errors = res.errors.get(instance)
            if strict:
                raise InfeasibleMix(f"{instance}: no value of {metric!r}" + (f" ({errors[0]})" if errors else ""))
            out.update({m: math.nan for m in group_masks})
            continue
        for m, v in zip(group_masks, np.asarray(cols[metric], dtype=float), strict=True):
            out[m] = float(v)
    return out


def bridge(a: Scenario, b: Scenario, registry: Any, metric: str = "cost.per_pflop_day",
           architecture: str | None = None, seed: int = 0) -> list[BridgeResult]:
    """Bridge ``metric`` from ``a`` to ``b`` for ``architecture`` (default: every instance both scenarios have
    whose runs report ``metric``; see :func:`bridge_reporting`, which also names those left out).

    Raises :class:`BridgeError` when the two share no architecture, no instance reports the metric, a mix
    of the two files is not a valid scenario, or an instance to bridge fails in the run of A or of B (the
    first such failure; :func:`bridge_reporting` bridges the others and names the failures instead).
    """
    results, _lacking, failed, _warnings = bridge_reporting(a, b, registry, metric, architecture, seed)
    if failed:
        raise BridgeError(next(iter(failed.values())))
    return results


def bridge_reporting(a: Scenario, b: Scenario, registry: Any, metric: str = "cost.per_pflop_day",
                     architecture: str | None = None, seed: int = 0
                     ) -> tuple[list[BridgeResult], dict[str, str], dict[str, str], list[str]]:
    """The bridges of :func:`bridge`, the instances left out because their run of A or of B does not report
    ``metric`` (``latency.coverage`` of a ground hall, when the LEO cluster of the same files reports it), each
    with why (``"no such metric"``, or ``"no such metric in B (b.toml)"`` when only one side lacks it), and
    the instances left out because their design or ledger fails in the run of A or of B, each with the
    failure (``"b fails in a.toml: architecture 'b' (plugin 'p'): RuntimeError: …"``), and the warnings of the runs
    of A and of B (each once: a ``[models]`` value or ``[catalogue]`` entry a file sets that nothing reads, whose
    share is then 0). A failing instance does not stop the others: each is bridged on its own.

    Raises :class:`BridgeError` when none of the instances that run reports ``metric`` (with a did-you-mean).
    """
    from sandbox.ledger.engine import architecture_runs, evaluate

    listed_a, baseline = architecture_runs(a, registry)[:2]
    runs_a = {r.instance: r for r in listed_a}
    listed_b, baseline_b = architecture_runs(b, registry)[:2]
    runs_b = {r.instance: r for r in listed_b}
    common = [i for i in runs_a if i in runs_b and runs_a[i].spec.name == runs_b[i].spec.name]
    # an instance of B that A lacks is bridged from A's first instance of the same type (B's guoxing_demo from A's leo)
    paired = {i: next(j for j, r in runs_a.items() if r.spec.name == run.spec.name) for i, run in runs_b.items()
              if i not in common and any(r.spec.name == run.spec.name for r in runs_a.values())}
    if architecture is not None:
        if architecture not in common and architecture not in paired:
            raise BridgeError(f"--architecture {architecture!r}: not an instance of B with one of the same type in A "
                              f"(those: {', '.join(common + list(paired)) or 'none'})")
        common, paired = [i for i in common if i == architecture], {i: j for i, j in paired.items() if i == architecture}
    if not common and not paired:
        raise BridgeError("the two scenarios share no architecture instance of the same type")
    run_b = evaluate(b, registry)
    # (instance, A's scenario, its run, its baseline, the instance of A it is paired from, or "")
    jobs: list[tuple[str, Scenario, Any, str | None, str]] = []
    if common:
        run_a = evaluate(a, registry)
        jobs += [(inst, a, run_a, baseline, "") for inst in common]
    for inst, source in paired.items():
        renamed = pair_instance(a, source, inst, runs_b[inst].spec.name, registry,
                                keep_source=source == baseline and inst != baseline_b)
        # a renamed ground is the baseline
        jobs.append((inst, renamed, evaluate(renamed, registry), architecture_runs(renamed, registry)[1], source))
    warnings = list(dict.fromkeys(w for run in (*(job[2] for job in jobs), run_b) for w in run.warnings))
    lacking: dict[str, str] = {}  # instance -> why it is left out
    failed: dict[str, str] = {}  # instance -> its failure in the run of A or of B
    reporting = []
    for job in jobs:
        broken = [run for run in (job[2], run_b) if job[0] in run.failures]
        if broken:
            failed[job[0]] = f"{job[0]} fails in {broken[0].scenario.path}: {broken[0].failures[job[0]]}"
            continue
        sides = [side for side, run in (("A", job[2]), ("B", run_b)) if not _reports(run, job[0], metric)]
        if sides:
            lacking[job[0]] = "no such metric" + (f" in {sides[0]} ({(a if sides[0] == 'A' else b).path})"
                                                  if len(sides) == 1 else "")
        else:
            reporting.append(job)
    if not reporting and not lacking:
        return [], {}, failed, warnings
    if not reporting:
        names = {m.name for job in jobs for run in (job[2], run_b) if job[0] in run.ledgers
                 for m in run.ledgers[job[0]].metrics}
        close = [] if metric in names else difflib.get_close_matches(metric, sorted(names), n=1)
        raise BridgeError(f"--metric {metric!r}: " + "; ".join(f"{i} has {why}" for i, why in lacking.items())
                          + (f"; did you mean {close[0]!r}?" if close else ""))
    results = []
    for inst, scenario_a, run_a, base, source in reporting:
        result = _bridge_instance(scenario_a, b, registry, inst, metric, seed, run_a, run_b, base)
        if source:
            result.paired_from = source
            result.notes.insert(0, f"A's {source!r} is bridged to B's {inst!r} (the same architecture type)")
        results.append(result)
    if architecture is None:
        alone = [f"A's {i!r} ({r.spec.name})" for i, r in runs_a.items() if i not in common and i not in paired.values()]
        alone += [f"B's {i!r} ({r.spec.name})" for i, r in runs_b.items() if i not in common and i not in paired]
        if alone and results:
            results[0].notes.append(f"not bridged, no instance of the same type in the other file: {', '.join(alone)}")
    return results, lacking, failed, warnings


def _reports(run: Any, inst: str, metric: str) -> bool:
    """Whether ``inst``'s ledger in ``run`` reports ``metric`` (``inst`` ran: its failures are sorted out first)."""
    return inst in run.ledgers and any(m.name == metric for m in run.ledgers[inst].metrics)


def pair_instance(a: Scenario, source: str, inst: str, kind: str, registry: Any, keep_source: bool = False) -> Scenario:
    """``a`` with its instance ``source`` renamed ``inst`` (of type ``kind``), so that it can be bridged to another
    scenario's ``inst``; a ``source`` the file does not name (the baseline the engine adds) has its defaults.

    ``keep_source``: copy instead of rename, the copy after ``source`` (A's baseline bridged to an instance of the
    same type that is not B's baseline: B's second ground hall. A's baseline stays the baseline, so that a metric
    relative to it compares with B's).
    """
    raw = dict(a.raw)
    raw.pop("claim", None)  # a claim names A's instances, not the renamed one; the bridge does not read it
    tables = dict(raw.get("architectures") or {})
    table = dict((tables.get(source) if keep_source else tables.pop(source, None)) or {})
    table["type"] = kind
    tables.pop(inst, None)
    if keep_source:
        if source not in tables:  # the engine's baseline, stated so that it stays first of its type
            tables = {source: {"type": kind}, **tables}
        raw["architectures"] = {**tables, inst: table}
    else:
        raw["architectures"] = {inst: table, **tables}
    return validate(raw, registry, a.path, a.sha256)


def _bridge_instance(a: Scenario, b: Scenario, registry: Any, inst: str, metric: str, seed: int, run_a: Any,
                     run_b: Any, baseline: str | None) -> BridgeResult:
    """The bridge of ``inst`` from ``a`` to ``b``, checked against the two runs; ``baseline``: ``a``'s."""
    from sandbox.ledger.totals import unit_of_metric

    ends = []
    for run in (run_a, run_b):
        # (every instance bridged here runs and reports the metric: bridge_reporting leaves out those that do not)
        ends.append(float(next(m.value for m in run.ledgers[inst].metrics if m.name == metric)))
    scope = [inst] + ([baseline] if metric.endswith(".vs_baseline") and baseline and baseline != inst else [])
    keys = group_design_keys(differing_keys(a, b, registry, scope))
    unit = unit_of_metric(metric) or next((m.unit for m in run_a.ledgers[inst].metrics if m.name == metric), "")
    try:
        result = _bridge_one(a, b, registry, keys, inst, metric, unit, seed, False, scope)
    except InfeasibleMix:
        keys, joined = _join_inseparable(a, b, registry, keys, inst, metric, scope)
        if not joined:
            raise
        result = _bridge_one(a, b, registry, keys, inst, metric, unit, seed, False, scope)
        result.notes.append(f"{joined}: a mix with only some of these gives no value, so they are bridged as one input")
    if not (_close(result.a_value, ends[0]) and _close(result.b_value, ends[1])):
        # a catalogue field or default a design function reads as well as the engine: every key a variant
        result = _bridge_one(a, b, registry, keys, inst, metric, unit, seed, True, scope)
        result.notes.append("every input was evaluated as a scenario variant (some are read by the design "
                            "function as well as by the ledger)")
    if not (_close(result.a_value, ends[0]) and _close(result.b_value, ends[1])):
        raise BridgeError(f"{inst}: the bridge's end points ({result.a_value:.6g}, {result.b_value:.6g}) differ from "
                          f"the runs of the two files ({ends[0]:.6g}, {ends[1]:.6g})")
    return result


def _join_inseparable(a: Scenario, b: Scenario, registry: Any, keys: list[Key], inst: str, metric: str,
                      scope: list[str]) -> tuple[list[Key], str]:
    """``keys`` with the single inputs that fail alone joined into one key: those whose switch to B's value from A,
    or back to A's value from B, gives no value of the metric (B's chip with A's precision); the other inputs are
    grouped as before. Returns the keys and the joined inputs' names (``""`` when fewer than two fail alone:
    joining cannot help)."""
    single = [m for key in keys for m in key.members]
    k = len(single)
    alone = [tuple(j == i for j in range(k)) for i in range(k)]
    rests = [tuple(j != i for j in range(k)) for i in range(k)]
    values = _evaluate(a, b, registry, single, alone + rests, inst, metric, True, scope, strict=False)
    failing = [i for i in range(k) if math.isnan(values[alone[i]]) or math.isnan(values[rests[i]])]
    if len(failing) < 2:
        return keys, ""
    members = tuple(single[i] for i in failing)
    names = " + ".join(m.name for m in members)
    joined = Key(names, (), tuple(m.a for m in members), tuple(m.b for m in members), False, parts=members)
    return [joined, *group_design_keys([m for i, m in enumerate(single) if i not in failing])], names


def _close(x: float, y: float) -> bool:
    return x == y or (math.isnan(x) and math.isnan(y)) or abs(x - y) <= 1e-9 * max(abs(x), abs(y))


def _bridge_one(a: Scenario, b: Scenario, registry: Any, keys: list[Key], inst: str, metric: str, unit: str,
                seed: int, design_only: bool, scope: list[str]) -> BridgeResult:
    k = len(keys)
    none, every = (False,) * k, (True,) * k
    singles = [tuple(j == i for j in range(k)) for i in range(k)]
    if k <= EXACT_MAX:
        masks = list(itertools.product((False, True), repeat=k))
        method = f"exact Shapley over all {2 ** k} coalitions"
    else:
        rng = np.random.default_rng(seed)
        orders = [rng.permutation(k) for _ in range(SAMPLED_ORDERS)]
        masks = {none, every, *singles}
        for order in orders:
            mask = [False] * k
            for i in order:
                mask[i] = True
                masks.add(tuple(mask))
        masks = sorted(masks)
        method = f"Shapley estimated from {SAMPLED_ORDERS} random orders ({len(masks)} coalitions)"
    values = _evaluate(a, b, registry, keys, masks, inst, metric, design_only, scope)
    a_value, b_value = values[none], values[every]
    shapley = {key.name: 0.0 for key in keys}
    if k <= EXACT_MAX:
        fact = [math.factorial(i) for i in range(k + 1)]
        for mask, v in values.items():
            size = sum(mask)
            for i, key in enumerate(keys):
                if mask[i]:
                    without = tuple(False if j == i else x for j, x in enumerate(mask))
                    weight = fact[size - 1] * fact[k - size] / fact[k]
                    shapley[key.name] += weight * (v - values[without])
    else:
        for order in orders:
            mask = [False] * k
            prev = a_value
            for i in order:
                mask[i] = True
                cur = values[tuple(mask)]
                shapley[keys[i].name] += (cur - prev) / len(orders)
                prev = cur
    alone = {key.name: values[singles[i]] - a_value for i, key in enumerate(keys)}
    order = sorted(range(k), key=lambda i: -abs(shapley[keys[i].name]))
    sequential = []
    mask = [False] * k
    prev = a_value
    extra: dict[tuple[bool, ...], float] = {}
    for i in order:
        mask[i] = True
        t = tuple(mask)
        if t not in values and t not in extra:
            extra.update(_evaluate(a, b, registry, keys, [t], inst, metric, design_only, scope))
        cur = values.get(t, extra.get(t))
        sequential.append((keys[i].name, cur - prev))
        prev = cur
    notes = []
    if not keys:
        notes.append("the two scenarios give this architecture the same inputs")
    return BridgeResult(inst, metric, unit, a_value, b_value, keys, shapley, alone, sequential, method,
                        len(values) + len(extra), notes)
