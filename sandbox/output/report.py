"""Turning a run's ledgers into a terminal table, tidy JSON or CSV, and files with provenance."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path, PurePath
from typing import Any

from sandbox.ledger.engine import Ledger, RunResult
from sandbox.output.atomic import write_all
from sandbox.output.format import TABLE_METRICS, fmt


def _grid(columns: dict[str, Ledger]) -> list[str]:
    """Aligned rows: one per metric of :data:`TABLE_METRICS` that any column has, one column per ledger."""
    names = list(columns)
    rows = [["metric", "unit", *names]]
    for metric in TABLE_METRICS:
        cells, units = [], []
        for name in names:
            ledger = columns[name]
            if ledger.has(metric):
                m = ledger.metric(metric)
                cells.append(fmt(m.value) + ("~" if m.approximation else ""))
                units.append(m.unit)
            else:
                cells.append("-")
                units.append(None)
        shown = set(units) - {None}
        if len(shown) > 1:  # one architecture counts integer operations (POP/s), another FLOP/s: each cell says which
            cells = [c if unit is None else f"{c} {unit}" for c, unit in zip(cells, units, strict=True)]
        if shown:
            rows.append([metric, shown.pop() if len(shown) == 1 else "(in each)", *cells])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for i, r in enumerate(rows):
        lines.append("  ".join(c.ljust(w) if j < 2 else c.rjust(w) for j, (c, w) in enumerate(zip(r, widths, strict=True))))
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def table(result: RunResult) -> str:
    """A plain-text comparison table: one row per metric, one column per architecture."""
    out = [f"{result.scenario.name}  (seed {result.scenario.seed}; baseline: {result.baseline or 'none'})",
           *_grid(result.ledgers)]
    if any(m.approximation for lg in result.ledgers.values() for m in lg.metrics):
        out.append("~ approximation (see notes / --format json)")
    for name, ledger in result.ledgers.items():
        for note in ledger.notes:
            out.append(f"note [{name}]: {note}")
    for name, message in result.failures.items():
        out.append(f"FAILED [{name}]: {message}")
    return "\n".join(out)


def scenario_labels(paths: list[str]) -> list[str]:
    """A distinct label per scenario file, in order: its stem (``default``); files that share a stem
    get their trailing folders, as few as tell them apart (``scenarios/default``, ``other/default``);
    names still alike (the same file twice) are numbered: ``default``, ``default (2)``."""
    parts = []
    for path in paths:
        p = PurePath(path)
        names = list(p.parts[1:] if p.anchor else p.parts) or [p.stem]
        names[-1] = p.stem
        parts.append(names)
    labels = [names[-1] for names in parts]
    for stem in {label for label in labels if labels.count(label) > 1}:
        group = [i for i, label in enumerate(labels) if label == stem]
        files = len({tuple(parts[i]) for i in group})  # how many different paths the group holds
        for depth in range(2, max(len(parts[i]) for i in group) + 1) if files > 1 else ():
            found = ["/".join(parts[i][-depth:]) for i in group]
            if len(set(found)) == files:
                for i, label in zip(group, found, strict=True):
                    labels[i] = label
                break
    unique: list[str] = []
    for label in labels:
        shown, n = label, 1
        while shown in unique or (n > 1 and shown in labels):
            n += 1
            shown = f"{label} ({n})"
        unique.append(shown)
    return unique


def _labels(results: list[RunResult]) -> list[str]:
    return scenario_labels([r.scenario.path for r in results])


def compare_table(results: list[RunResult]) -> str:
    """Several scenarios side by side: one column per ``scenario:architecture`` (see :func:`scenario_labels`);
    each scenario's ``*.vs_baseline`` rows are relative to its own ground baseline."""
    labels = _labels(results)
    columns = {f"{label}:{name}": ledger for label, r in zip(labels, results, strict=True)
               for name, ledger in r.ledgers.items()}
    out = [f"{len(results)} scenarios: " + "; ".join(f"{label} = {r.scenario.name} (seed {r.scenario.seed})"
                                                        for label, r in zip(labels, results, strict=True)),
           *_grid(columns)]
    for label, r in zip(labels, results, strict=True):
        for name, message in r.failures.items():
            out.append(f"FAILED [{label}:{name}]: {message}")
    return "\n".join(out)


def compare_records(results: list[RunResult]) -> list[dict[str, Any]]:
    """Tidy records of several scenarios, each with a ``scenario`` field: the file's label
    (its stem, made distinct by :func:`scenario_labels`)."""
    return [{"scenario": label, **rec} for label, r in zip(_labels(results), results, strict=True)
            for rec in r.explained_records()]


def param_text(value: Any, unit: str) -> str:
    """A parameter value as a person reads it: a Quantity as 6 significant digits in the unit the
    parameter declares (``0.105686 1/yr``, ``550 km``), anything else as written."""
    if hasattr(value, "unit") and hasattr(value, "to_value"):
        shown = unit or value.unit.to_string()
        number = value.to_value(unit) if unit else value.value
        return f"{float(number):.6g} {shown}".rstrip()
    return str(value)


def explain(result: RunResult) -> str:
    """Where every number comes from: each architecture's parameters (scenario value or sourced
    default) and, per metric, the model call and inputs that produced it."""
    out = []
    runs = {r.instance: r for r in result.scenario.architectures}
    stated = result.scenario.overrides.where
    if stated:
        out.append("== the scenario's own model defaults and catalogue fields")
        for key, place in stated.items():
            out.append(f"  {key} = {_stated_value(result.scenario, key)}  ({place})")
    for name, ledger in result.ledgers.items():
        out.append(f"== {name} (type {ledger.architecture}, plugin {ledger.plugin})")
        run = runs.get(name)
        if run is None:
            out.append("  parameters: all defaults (baseline added by the engine)")
        else:
            for param in run.spec.params:
                origin = ("scenario" if param.name in run.params.overridden else
                          f"scenario: {run.params.origins[param.name]}" if param.name in run.params.origins else
                          f"default; source: {param.source or 'definition'}")
                out.append(f"  param {param.name} = {param_text(run.params.values[param.name], param.unit)}  ({origin})")
        for m in ledger.metrics:
            flag = " [approximation]" if m.approximation else ""
            out.append(f"  {m.name} = {fmt(m.value)} {m.unit}{flag}")
            for line in m.inputs:
                out.append(f"      <- {line}")
            if m.source:
                out.append(f"      source: {m.source}")
    return "\n".join(out)


def _stated_value(scenario: Any, key: str) -> str:
    """The value a scenario's override ``key`` (``models.…`` or ``catalogue.…``) states, with its unit."""
    kind, _, rest = key.partition(".")
    if kind == "models":
        s = scenario.overrides.models[rest]
        text = f"{fmt(s.nominal)}{' ' + s.unit if s.unit else ''}"
        return text + (f" [{fmt(s.low)}–{fmt(s.high)}]" if s.low is not None else "")
    cat, entry, fname = rest.split(".", 2)
    head, _, sub = fname.partition(".")
    value = scenario.overrides.catalogue[(cat, entry)][head]
    return fmt(value[sub]) if sub else (fmt(value) if isinstance(value, float) else str(value))


def to_json(result: RunResult) -> str:
    """Tidy records plus notes, failures and provenance, as one JSON document."""
    doc = {
        "records": result.explained_records(),
        "notes": {n: lg.notes for n, lg in result.ledgers.items()},
        "failures": result.failures,
        "provenance": result.provenance,
    }
    return json.dumps(doc, indent=2, default=_jsonable)


def _jsonable(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return str(value)


def to_csv(result: RunResult) -> str:
    """Tidy records as CSV: architecture, type, metric, value, unit, approximation."""
    buf = io.StringIO()
    fields = ["architecture", "type", "metric", "value", "unit", "approximation"]
    writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for rec in result.records():
        writer.writerow(rec)
    return buf.getvalue()


def write_outputs(result: RunResult, out_dir: Path, figures: bool = True) -> list[Path]:
    """Write results.json, results.csv, table.txt, provenance.json and — with ``figures`` — the
    plots (``<name>.png`` and ``.svg``) and a self-contained ``report.html`` into ``out_dir``.

    All files are rendered and staged as temporary files first; only when every one of them
    is on disk are they renamed into place. A failure (a full disk, a permission) removes the
    staged files and leaves whatever the folder held before untouched: never a half-written
    file, never a partial set.
    """
    texts: dict[str, str | bytes] = {
        "results.json": to_json(result),
        "results.csv": to_csv(result),
        "table.txt": table(result) + "\n",
        "provenance.json": json.dumps(result.provenance, indent=2, default=_jsonable),
    }
    if figures:
        from sandbox.output import html as html_report
        from sandbox.output import plots

        pngs = plots.render_all(result, "png")
        texts.update({f"{name}.png": data for name, data in pngs.items()})
        texts.update({f"{name}.svg": data for name, data in plots.render_all(result, "svg").items()})
        texts["report.html"] = html_report.render(result, pngs)
    return write_all(out_dir, texts)
