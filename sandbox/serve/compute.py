"""Evaluation for the explorer: a state validated like a scenario file, evaluated like ``sandbox run``.

**Same numbers as ``sandbox run``.** A state's data (:func:`sandbox.serve.state.apply`) is
validated by :func:`sandbox.core.scenario.validate` — the function every scenario file goes
through, so a bad value gets the same one-line message — and every architecture is evaluated
by :func:`sandbox.ledger.evaluate.evaluate_architecture`, the one per-architecture function of
the engine, then compared with the baseline, noted and warned of by the engine's own
:func:`sandbox.ledger.engine.compare` and :func:`~sandbox.ledger.engine.run_warnings`.
``sandbox run`` of the downloaded file therefore evaluates the same data the same way.

**Fast.** An architecture's result depends only on its own table and the scenario's shared
tables (study, workload, assumptions, models, catalogue): the design function sees nothing of
the other architectures. So the explorer validates and evaluates each instance in a scenario
holding the shared tables and that instance alone. Its validation is cached on that content,
and its design (and nominal ledger) is memoised per process by the engine on the same content
(:func:`sandbox.ledger.evaluate.make_design`). Changing one parameter of one architecture
re-validates and re-designs that architecture only; the others are cache hits. Changing a model
default re-designs only the architectures whose design read it (the engine records the defaults
each design call reads); the others reuse their design and evaluate their ledger again.

Bad input never reaches a traceback: validation problems come back as ``{key: message}``; an
architecture that fails is reported as ``sandbox run`` reports it.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from sandbox.core.scenario import Scenario, ScenarioError, validate
from sandbox.ledger.engine import architecture_runs, compare, run_warnings
from sandbox.ledger.evaluate import DEFAULT_TIMEOUT_S, evaluate_architecture
from sandbox.ledger.results import Ledger
from sandbox.output.format import TABLE_METRICS, fmt
from sandbox.serve import form as forms
from sandbox.serve.state import Source, StateError, apply, to_toml

#: Validated sub-scenarios kept per process (an entry is a few kB).
VALIDATION_CACHE = 512
#: Metrics of the side-by-side comparison of scenarios.
COMPARE_METRICS = ("cost.per_pflop_day", "cost.per_pflop_day.vs_baseline", "cost.capex", "mass.total",
                   "latency.p50", "time.years_to_service")


#: Metrics the charts draw besides the table's (:data:`TABLE_METRICS`): the breakdowns by prefix.
CHART_PREFIXES = ("capex.", "mass.")


def shown_metric(name: str) -> bool:
    """True for a metric the page's table or charts show (the rest come with ``every``)."""
    return name in TABLE_METRICS or name.startswith(CHART_PREFIXES)


class Invalid(Exception):
    """A state that does not validate: ``errors`` maps an input key to its one-line message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def problem_key(line: str, shown: str) -> str:
    """The key path a validation problem names (``"<file>: <key>: <message>"`` → ``<key>``)."""
    rest = line.removeprefix(f"{shown}: ")
    return rest.split(": ", 1)[0] if ": " in rest else ""


def _scoped(scenario: Scenario, registry: Any) -> Any:
    scope = getattr(scenario, "registry", None)
    return scope(registry) if callable(scope) else registry


class Explorer:
    """The scenarios named on the command line, evaluated for any state of the page's inputs.

    Not thread-safe: the app runs every evaluation on one worker thread (:mod:`sandbox.serve.app`).
    """

    def __init__(self, sources: list[Source], registry: Any, timeout_s: float | None = DEFAULT_TIMEOUT_S):
        self.sources = sources
        self.registry = registry
        self.timeout_s = timeout_s
        self._valid: OrderedDict[str, Scenario | ScenarioError] = OrderedDict()
        self._forms: dict[int, dict[str, Any]] = {}
        self.lock = threading.Lock()

    # ------------------------------------------------------------------ sources and form
    def source(self, sid: int) -> Source:
        if not isinstance(sid, int) or not 0 <= sid < len(self.sources):
            raise Invalid({"s": f"s: no scenario number {sid!r} (0 to {len(self.sources) - 1})"})
        return self.sources[sid]

    def form(self, sid: int) -> dict[str, Any]:
        """The form of scenario ``sid``: groups of fields (see :mod:`sandbox.serve.form`)."""
        if sid in self._forms:
            return self._forms[sid]
        src = self.source(sid)
        fields = forms.general_fields(src.raw, self.registry)
        subs = self._validated_subs(src, src.raw)
        pairs = [(scn.architectures[0], scn) for _, scn in subs if scn.architectures]
        runs = [run for run, _ in pairs]
        archs = src.raw.get("architectures", {})
        for run, scn in pairs:
            moved = {name: run.params.values[name] for name in run.params.origins}
            fields += forms.param_fields(run.instance, run.spec, archs.get(run.instance, {}), _scoped(scn, self.registry),
                                         moved, scn.workload.kind)
        if forms.overrides_supported():
            fields += forms.model_fields(src.raw, self.registry)
            designs = []
            for run, scn in pairs:
                res = evaluate_architecture(run, scn, _scoped(scn, self.registry), timeout_s=self.timeout_s)
                designs.append(res.design)
            used = forms.used_entries(src.raw, runs, designs, self.registry)
            fields += forms.catalogue_fields(src.raw, used, self.registry)
        doc = {"scenario": src.id, "label": src.label, "file": src.path.name, "name": subs[0][1].name if subs else "",
               "fields": [f.to_dict() for f in fields], "overrides": forms.overrides_supported()}
        self._forms[sid] = doc
        return doc

    def kinds(self, sid: int) -> dict[str, str]:
        return {f["key"]: f["kind"] for f in self.form(sid)["fields"]}

    def entries(self) -> dict[str, list[str]]:
        return {k: list(getattr(self.registry.catalogues, k)) for k in forms.CATALOGUE_KINDS}

    def data(self, sid: int, values: Mapping[str, Any]) -> dict[str, Any]:
        """The scenario data of a state (raises :class:`Invalid` for a key that names no input)."""
        src = self.source(sid)
        try:
            return apply(src.raw, values, self.kinds(sid), self.entries())
        except StateError as exc:
            raise Invalid({exc.key: f"{src.shown}: {exc}"}) from None

    # ------------------------------------------------------------------ validation
    def _validate(self, data: dict[str, Any], shown: str) -> Scenario:
        key = shown + "\0" + json.dumps(data, sort_keys=True, default=str)
        hit = self._valid.get(key)
        if hit is None:
            try:
                hit = validate(data, self.registry, shown)
            except ScenarioError as exc:
                hit = exc
            self._valid[key] = hit
            if len(self._valid) > VALIDATION_CACHE:
                self._valid.popitem(last=False)
        else:
            self._valid.move_to_end(key)
        if isinstance(hit, ScenarioError):
            raise hit
        return hit

    def _validated_subs(self, src: Source, data: Mapping[str, Any]) -> list[tuple[str, Scenario]]:
        """Each architecture instance validated in a scenario of the shared tables and itself."""
        # a [claim] names the scenario's architectures and is not an input: each sub-scenario leaves it out
        shared = {k: v for k, v in data.items() if k not in ("architectures", "sweep", "claim")}
        archs = data.get("architectures")
        problems: list[str] = []
        out: list[tuple[str, Scenario]] = []
        if not isinstance(archs, dict) or not archs:
            try:
                self._validate({**shared, **({"architectures": archs} if archs is not None else {})}, src.shown)
            except ScenarioError as exc:
                problems += exc.problems
        else:
            for instance, table in archs.items():
                try:
                    out.append((instance, self._validate({**shared, "architectures": {instance: table}}, src.shown)))
                except ScenarioError as exc:
                    problems += [p for p in exc.problems if p not in problems]
        if problems:
            errors: dict[str, str] = {}
            for line in problems:
                key = problem_key(line, src.shown)
                errors[key] = f"{errors[key]}\n{line}" if key in errors else line
            raise Invalid(errors)
        return out

    # ------------------------------------------------------------------ evaluation
    def evaluate(self, sid: int, values: Mapping[str, Any], every: bool = False) -> dict[str, Any]:
        """The comparison of a state, as ``sandbox run`` gives it: the table's and the charts' metrics
        (:func:`shown_metric`), or every metric with ``every``."""
        started = time.perf_counter()
        src = self.source(sid)
        data = self.data(sid, values)
        subs = self._validated_subs(src, data)
        ledgers, failures, baseline, warnings = self._ledgers(subs)
        return {"ok": True, **self._table(subs, ledgers, failures, baseline, every), "warnings": warnings,
                "elapsed_ms": round((time.perf_counter() - started) * 1e3, 1)}

    def _ledgers(self, subs: list[tuple[str, Scenario]]) -> tuple[dict[str, Ledger], dict[str, str], str | None, list[str]]:
        """Ledgers (with their ratios and notes), failures, baseline and warnings of this state, composed by the
        engine's own :func:`sandbox.ledger.engine.compare` and :func:`~sandbox.ledger.engine.run_warnings`, as
        ``sandbox run`` composes them."""
        pairs = [(scn.architectures[0], scn) for _, scn in subs]
        baseline = next((run.instance for run, _ in pairs if run.spec.baseline), None)
        if baseline is None and pairs:  # the engine adds the baseline with its defaults: so do we
            first = pairs[0][1]
            spec = next((s for s in self.registry.architectures.values() if s.baseline), None)
            if spec is not None:
                shared = {k: v for k, v in first.raw.items() if k != "architectures"}
                scn = self._validate({**shared, "architectures": {spec.name: {}}}, first.path)
                runs, baseline, _ = architecture_runs(first, _scoped(first, self.registry))
                pairs.append((runs[-1], scn))
        done = compare([(run, evaluate_architecture(run, scn, _scoped(scn, self.registry), timeout_s=self.timeout_s))
                        for run, scn in pairs], baseline)
        first = pairs[0][1] if pairs else None
        warnings = run_warnings(first, _scoped(first, self.registry), done.reads, done.entries) if first is not None else []
        return done.ledgers, done.failures, baseline, warnings

    @staticmethod
    def _table(subs: list[tuple[str, Scenario]], ledgers: dict[str, Ledger], failures: dict[str, str],
               baseline: str | None, every: bool = True) -> dict[str, Any]:
        by_name = {inst: {m.name: m for m in lg.metrics} for inst, lg in ledgers.items()}
        units: dict[str, str] = {}
        for found in by_name.values():
            for name, m in found.items():
                if every or shown_metric(name):  # POP/s in one column, PFLOP/s in another: each cell says which
                    units[name] = m.unit if units.get(name, m.unit) == m.unit else "(in each)"
        order = {name: i for i, name in enumerate(TABLE_METRICS)}
        metrics = []
        for name in sorted(units, key=lambda n: order.get(n, len(order))):  # table rows first, then ledger order
            cells = {}
            for inst, found in by_name.items():
                m = found.get(name)
                if m is not None:
                    v = float(m.value)
                    each = f" {m.unit}" if units[name] == "(in each)" else ""
                    cells[inst] = {"v": v if math.isfinite(v) else None,
                                   "t": fmt(v) + ("~" if m.approximation else "") + each, "approx": bool(m.approximation)}
            metrics.append({"name": name, "unit": units[name], "table": name in order, "cells": cells})
        first = subs[0][1] if subs else None
        return {
            "name": first.name if first else "", "seed": first.seed if first else None, "baseline": baseline,
            "architectures": [{"instance": lg.instance, "type": lg.architecture, "plugin": lg.plugin} for lg in ledgers.values()],
            "metrics": metrics,
            "notes": {inst: list(lg.notes) for inst, lg in ledgers.items() if lg.notes},
            "failures": failures,
        }

    # ------------------------------------------------------------------ download, comparison, bridge
    def toml(self, sid: int, values: Mapping[str, Any]) -> str:
        """The scenario file of a state (validated first: an invalid state raises :class:`Invalid`)."""
        src = self.source(sid)
        data = self.data(sid, values)
        self._validated_subs(src, data)
        return to_toml(data, src, values)

    def compare(self, sid: int, values: Mapping[str, Any]) -> dict[str, Any]:
        """Every scenario named on the command line at its file's values, and the current state, side by side."""
        rows = []
        columns = [(src.id, src.label, {}) for src in self.sources]
        if values:
            columns.append((sid, f"{self.source(sid).label} (current)", values))
        for id_, label, vals in columns:
            src = self.source(id_)
            try:
                subs = self._validated_subs(src, self.data(id_, vals))
            except Invalid as exc:
                rows.append({"scenario": label, "error": "; ".join(exc.errors.values())})
                continue
            ledgers, failures, baseline, _ = self._ledgers(subs)
            for inst, lg in ledgers.items():
                cells = {}
                for name in COMPARE_METRICS:
                    if lg.has(name):
                        m = lg.metric(name)
                        v = float(m.value)
                        cells[name] = {"v": v if math.isfinite(v) else None,
                                       "t": fmt(v) + ("~" if m.approximation else "")}
                rows.append({"scenario": label, "architecture": inst, "type": lg.architecture,
                             "baseline": inst == baseline, "cells": cells})
            for inst, message in failures.items():
                rows.append({"scenario": label, "architecture": inst, "error": message})
        units = {"cost.per_pflop_day": "USD", "cost.per_pflop_day.vs_baseline": "x", "cost.capex": "MUSD",
                 "mass.total": "t", "latency.p50": "s", "time.years_to_service": "yr"}
        return {"metrics": [{"name": n, "unit": units[n]} for n in COMPARE_METRICS], "rows": rows}

    def bridge(self, sid: int, values: Mapping[str, Any], metric: str, architecture: str | None) -> dict[str, Any]:
        """The bridge waterfall from the file's state to the current one (:mod:`sandbox.studies.bridge`)."""
        try:
            from sandbox.studies import bridge as bridging
        except ImportError:
            return {"available": False, "message": "the bridge (sandbox.studies.bridge) is not installed in this sandbox"}
        src = self.source(sid)
        data = self.data(sid, values)
        self._validated_subs(src, data)
        a = validate(apply(src.raw, {}, {}), self.registry, src.shown)
        b = validate(data, self.registry, f"{src.label} (current)")
        try:
            found = bridging.bridge(a, b, self.registry, metric=metric, architecture=architecture)
        except (bridging.BridgeError, ScenarioError, ValueError) as exc:
            return {"available": True, "error": str(exc)}
        results = found if isinstance(found, (list, tuple)) else list(found.values()) if isinstance(found, dict) else [found]
        return {"available": True, "results": [r.to_dict() for r in results]}
