"""Run a study plan chunk by chunk, write each chunk as it finishes, resume after any interruption.

Output folder layout (the folder itself: :mod:`sandbox.studies.folder`)::

    manifest.json                what is being computed (scenario digest, plan, seed, plugin-set
                                 fingerprint), status; when complete, every part's size and SHA-256
    chunks.jsonl                 journal of the finished chunks (checksums, invalid rows, failures)
    results.parquet/             the results: a partitioned Parquet dataset, part-000012.parquet per
                                 chunk plus _metadata and _common_metadata (read it whole with
                                 ``pandas.read_parquet("DIR/results.parquet")``)
    results.csv                  the same rows with the inputs and headline metrics (up to 1M rows,
                                 or with --csv; streamed part by part)
    summary.csv                  per architecture and metric: valid points, mean, p5, p50, p95
    *.png, *.svg, report.html

A chunk covers a fixed range of point numbers; its part is encoded by the worker that evaluated
it (:mod:`sandbox.studies.chunks`) and appears only complete, and it counts once its journal line
is on disk. After a crash or ``kill -9`` the same command finds the finished parts, checks them,
computes only the missing chunks, and the final dataset has every row exactly once. Nothing is
ever read back whole: the parts stay where they are (no read-sort-rewrite), the summary comes
from per-chunk sketches or a column-wise read (:mod:`sandbox.studies.summary`), the CSV and the
figures are streamed or sampled, so memory stays bounded at any study size.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sandbox.ledger.batch import HEADLINE, architecture_runs, study_warnings, unit_of_metric
from sandbox.output.atomic import Staging
from sandbox.studies import plans as study
from sandbox.studies.chunks import (
    FLAGS,
    HEAD,
    IMPOSSIBLE,
    UNIT_KEY,
    ChunkTask,
    ColumnClash,
    field_units,
    metric_columns,
    sketch_of,
    to_bytes,
)
from sandbox.studies.executor import Job
from sandbox.studies.folder import DATASET, FORMAT, KIND, MANIFEST, ChunkRecord, FolderError, StudyFolder, part_name
from sandbox.studies.progress import Progress
from sandbox.studies.summary import EXACT_ROWS, REL_ERROR, Accumulator, exact_rows, from_sketch, summary_frame

__all__ = ["IMPOSSIBLE", "SweepError", "SweepOutcome", "run_sweep"]

SUMMARY_METRICS = ("cost.per_pflop_day", "cost.per_pflop_day.vs_baseline", "cost.capex", "mass.total",
                   "compute.delivered", "latency.p50", "life.effective", "launch.flights")
#: Largest table written as CSV unless asked (1M rows of headline columns are ~300 MB of text).
CSV_MAX_ROWS = 1_000_000
#: Most rows the figures read (larger studies: every k-th point, the same for every architecture).
FIGURE_ROWS = 1_000_000
FIGURES = ("distribution", "heatmap", "pareto")
#: Final files besides the manifest, journal and dataset (what ``--restart`` may replace).
OUTPUTS = ("results.csv", "summary.csv", "report.html", *(f"{n}.{e}" for n in FIGURES for e in ("png", "svg")))


class SweepError(Exception):
    """The output folder cannot hold this study (``status`` 2), or the study could not be completed
    (``status`` 1); the message says how to recover."""

    def __init__(self, message: str, status: int = 2):
        super().__init__(message)
        self.status = status


@dataclass
class SweepOutcome:
    """What a finished study produced: the folder, the manifest, the summary table and failures."""

    out_dir: Path
    manifest: dict[str, Any]
    summary: Any
    failures: dict[str, list[str]] = field(default_factory=dict)
    computed_chunks: int = 0
    resumed_chunks: int = 0
    notes: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # what the last step wrote into the folder (besides the dataset)


def _study_key(job: Job, plan: study.Plan) -> str:
    import hashlib

    return hashlib.sha256(f"{job.scenario_sha256}:{plan.key()}:{','.join(job.plugin_modules)}".encode()).hexdigest()


def input_columns(plan: study.Plan) -> list[str]:
    """The input columns of the plan's points: its dimensions and the inputs coupled to them."""
    return list(study.points(plan, 0, min(plan.points, 1)))


def _chunk_points(plan: study.Plan, chunk: int) -> int:
    return max(0, min(plan.chunk, plan.points - chunk * plan.chunk))


def run_sweep(job: Job, scenario: Any, registry: Any, plan: study.Plan, out_dir: Path, executor: Any,
              restart: bool = False, figures: bool = True, progress: bool | None = None, csv: bool | None = None,
              note: Callable[[str], None] | None = None) -> SweepOutcome:
    """Evaluate every chunk of ``plan`` not yet in ``out_dir`` with ``executor``, then write the results.

    ``csv``: write ``results.csv`` (default: when the study has at most :data:`CSV_MAX_ROWS` rows);
    ``note``: called with each repair made to the folder (a damaged part computed again, ...).
    Raises :class:`SweepError` when the folder cannot hold the study.
    """
    from sandbox import __version__

    started = time.time()
    runs = architecture_runs(scenario, registry)
    archs = [r.instance for r in runs]
    baseline = next((r.instance for r in runs if r.spec.baseline), None)
    manifest: dict[str, Any] = {
        "kind": KIND,
        "format": FORMAT,
        "study_key": _study_key(job, plan),
        "plugin_fingerprint": registry.content_fingerprint(),
        "scenario": {"path": scenario.path, "sha256": scenario.sha256, "name": scenario.name},
        "plan": plan.describe(),
        "seed": plan.seed,
        "baseline": baseline,
        "architectures": archs,
        "points": plan.points,
        "chunks": plan.chunks,
        "sandbox_version": __version__,
        "plugins": [{"name": p.name, "version": p.version} for p in registry.plugins],
        "status": "running",
    }
    sketching = plan.points * max(1, len(archs)) > EXACT_ROWS
    folder = StudyFolder(out_dir, OUTPUTS)
    try:
        try:
            done = folder.open(manifest, restart)
        except FolderError as exc:
            raise SweepError(str(exc)) from None
        for text in folder.notes:
            if note is not None:
                note(text)
        dims = input_columns(plan)
        acc = Accumulator() if sketching else None
        if acc is not None:
            import pyarrow.parquet as pq

            for c in sorted(done):
                acc.add(c, sketch_of(pq.read_table(folder.dataset / done[c].file), dims))
        bar = Progress(plan.points, f"sweep {Path(scenario.path).stem}", enabled=progress,
                       done=sum(_chunk_points(plan, c) for c in done))
        computed = 0
        with executor:
            for _attempt in range(2):
                todo = [c for c in range(plan.chunks) if c not in folder.records]
                computed += len(todo)
                _compute(job, plan, todo, folder, executor, acc, bar, sketching)
                problems = folder.verify(plan.chunks, lambda c: _chunk_points(plan, c) * len(archs))
                if not problems:
                    break
                for chunk, text in problems:
                    if note is not None:
                        note(f"{text}; computing chunk {chunk} again" if chunk is not None else text)
                    if chunk is not None:
                        folder.drop(chunk)
            else:
                raise SweepError(f"--out {out_dir}: the study could not be completed: {problems[0][1]}; "
                                 "run the same command again to resume", status=1)
        bar.close()
        outcome = _finish(folder, manifest, plan, archs, acc, figures, csv, started,
                          getattr(executor, "description", ""), scenario, registry)
    finally:
        folder.close()
    outcome.computed_chunks, outcome.resumed_chunks = computed, len(done)
    outcome.notes = list(folder.notes)
    return outcome


def _compute(job: Job, plan: study.Plan, todo: list[int], folder: StudyFolder, executor: Any, acc: Any,
             bar: Progress, sketching: bool) -> None:
    marker = folder.open_incoming()  # workers that see the folder write their parts into it themselves

    def tasks() -> Any:
        for c in todo:
            start = c * plan.chunk
            yield ChunkTask(c, start, None, sketching, plan=plan, stop=start + plan.chunk,  # drawn by the worker
                            write_dir=str(folder.dataset), marker=marker)

    try:
        for result in executor.run(job, tasks()):
            c = result["chunk"]
            rec = ChunkRecord(c, part_name(c), result["bytes"], result["sha256"], result["rows"],
                              c * plan.chunk, c * plan.chunk + result["n"], result["invalid"], result["failures"],
                              result.get("notes", {}), result.get("unread"))
            if result.get("staged"):
                if not folder.add_staged(rec, result["staged"]):
                    continue  # not there as written: missing, so computed again by the caller's second pass
            else:
                folder.add(rec, result["part"])
            if acc is not None:
                acc.add(c, result["sketch"])
            bar.update(result["n"])
    except ColumnClash as exc:  # the scenario's names, not a fault of the run: bad input
        raise SweepError(f"{job.scenario_path}: {exc}", status=2) from None
    finally:
        folder.close_incoming(marker)


# ----------------------------------------------------------------------------- the final files


def _conform(folder: StudyFolder, dims: list[str]) -> tuple[Any, list[str]]:
    """One schema for every part (columns in a fixed order; a metric a chunk lacks is NaN there).

    Reads only the parts' footers; rewrites the few parts that lack a column (a chunk in which an
    architecture failed everywhere). Returns the schema and the metric columns.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    types: dict[str, Any] = {}
    units: dict[str, str] = {}
    schemas = {}
    for c, path in zip(sorted(folder.records), folder.parts(), strict=True):
        schemas[c] = pq.read_schema(path)
        for name, unit in field_units(schemas[c]).items():
            units.setdefault(name, unit)
        for f in schemas[c]:
            if f.name not in types or pa.types.is_null(types[f.name]):
                types[f.name] = f.type
    names = list(types)
    metrics = metric_columns(names, dims)
    order = [*HEAD, *[d for d in dims if d in types], *FLAGS, *metrics]
    target = pa.schema([pa.field(n, types[n], metadata={UNIT_KEY: units[n]} if n in units else None) for n in order])
    for c, schema in schemas.items():
        if schema.equals(target, check_metadata=False):
            continue
        rec = folder.records[c]
        table = pq.read_table(folder.dataset / rec.file)
        cols = []
        for f in target:
            if f.name in table.column_names:
                cols.append(table.column(f.name).cast(f.type))
            elif pa.types.is_floating(f.type):
                cols.append(pa.array(np.full(table.num_rows, np.nan), type=f.type))
            else:
                cols.append(pa.nulls(table.num_rows, type=f.type))
        data = to_bytes(pa.table(cols, schema=target))
        import hashlib

        folder.replace(ChunkRecord(rec.chunk, rec.file, len(data), hashlib.sha256(data).hexdigest(), rec.rows,
                                   rec.start, rec.stop, rec.invalid, rec.failures, rec.notes, rec.unread), data)
    return target, metrics


def _dataset_metadata(folder: StudyFolder, schema: Any) -> dict[str, bytes]:
    """``_metadata`` (every part's row groups, so readers need not open each footer) and ``_common_metadata``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    combined = None
    for path in folder.parts():
        md = pq.read_metadata(path)
        md.set_file_path(path.name)
        if combined is None:
            combined = md
        else:
            combined.append_row_groups(md)
    out = {}
    sink = pa.BufferOutputStream()
    pq.write_metadata(schema, sink)
    out["_common_metadata"] = sink.getvalue().to_pybytes()
    if combined is not None:
        sink = pa.BufferOutputStream()
        combined.write_metadata_file(sink)
        out["_metadata"] = sink.getvalue().to_pybytes()
    return out


def _exact_summary(folder: StudyFolder, schema: Any, archs: list[str], metrics: list[str], unit_of: Any) -> Any:
    """Summary of a small study from its table, read column-wise (``EXACT_ROWS`` rows at most)."""
    import pyarrow.dataset as ds

    table = ds.dataset([str(p) for p in folder.parts()], format="parquet", schema=schema).to_table(
        columns=["architecture", "valid", *metrics])
    arch = table.column("architecture").combine_chunks().dictionary_encode()
    codes = arch.indices.to_numpy(zero_copy_only=False)
    names = arch.dictionary.to_pylist()
    valid = table.column("valid").to_numpy(zero_copy_only=False)
    columns = [table.column(m).to_numpy(zero_copy_only=False) for m in metrics]
    del table
    rows = []
    for a in archs:
        sel = ((codes == names.index(a)) & valid) if a in names else np.zeros(len(valid), dtype=bool)
        rows.extend(exact_rows(a, metrics, [c[sel] for c in columns], unit_of))
    return summary_frame(rows)


def _csv_columns(schema: Any, dims: list[str]) -> list[str]:
    head = ["point", "architecture", "type", *dims, "valid", "error"]
    wanted = ("compute.delivered", *HEADLINE, "cost.per_pflop_day.vs_baseline", "life.effective")
    return [c for c in head if c in schema.names] + [m for m in wanted if m in schema.names]


def _write_csv(folder: StudyFolder, schema: Any, columns: list[str], staging: Staging) -> None:
    """``results.csv`` streamed part by part (pyarrow's writer: ~10× pandas' on wide tables)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    with staging.open("results.csv") as fh:
        writer = pacsv.CSVWriter(fh, schema=pa.schema([schema.field(c) for c in columns]))
        for path in folder.parts():
            writer.write_table(pq.read_table(path, columns=columns, schema=schema))
        writer.close()


def _figure_table(folder: StudyFolder, schema: Any, columns: list[str], rows: int) -> Any:
    """The columns the figures need, for every point or (large studies) every k-th point."""
    import pyarrow as pa
    import pyarrow.dataset as ds

    dataset = ds.dataset([str(p) for p in folder.parts()], format="parquet", schema=schema)
    stride = max(1, math.ceil(rows / FIGURE_ROWS))
    if stride == 1:
        return dataset.to_table(columns=columns).to_pandas()
    batches = []
    for batch in dataset.to_batches(columns=list(dict.fromkeys(["point", *columns]))):
        keep = batch.column("point").to_numpy() % stride == 0
        batches.append(batch.filter(pa.array(keep)))
    return pa.Table.from_batches(batches).select(columns).to_pandas()


def _finish(folder: StudyFolder, manifest: dict[str, Any], plan: study.Plan, archs: list[str], acc: Any,
            figures: bool, csv: bool | None, started: float, executor: str, scenario: Any,
            registry: Any) -> SweepOutcome:
    dims = input_columns(plan)
    schema, metrics = _conform(folder, dims)
    plugin_units = field_units(schema)

    def unit_of(metric: str) -> str:
        return unit_of_metric(metric) or plugin_units.get(metric, "")

    records = [folder.records[c] for c in sorted(folder.records)]
    rows = sum(r.rows for r in records)
    if acc is not None:
        summary = from_sketch(acc.result(), archs, metrics, unit_of)
        summary_method = f"sketch: relative error of p5/p50/p95 at most {REL_ERROR:.2%}"
    else:
        summary = _exact_summary(folder, schema, archs, metrics, unit_of)
        summary_method = "exact"
    invalid = {a: sum(r.invalid.get(a, 0) for r in records) for a in archs}
    failures: dict[str, list[str]] = {}
    for a in archs:
        messages = sorted({m for r in records for m in r.failures.get(a, [])})
        if messages:
            failures[a] = messages
    notes = {a: list(dict.fromkeys(m for r in records for m in r.notes.get(a, []))) for a in archs}
    notes = {a: messages for a, messages in notes.items() if messages}
    manifest.update({
        "status": "complete",
        "rows": rows,
        "points_done": sum(r.stop - r.start for r in records),
        "units": {m: unit_of(m) for m in metrics},
        "invalid_rows": invalid,
        "failures": failures,
        "notes": notes,
        "warnings": study_warnings(scenario, registry, [r.unread for r in records]),
        "summary_method": summary_method,
        "executor": executor,
        "elapsed_s": round(time.time() - started, 3),
        "finished_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "parts": [{"chunk": r.chunk, "file": f"{DATASET}/{r.file}", "bytes": r.bytes, "rows": r.rows,
                   "sha256": r.sha256} for r in records],
    })
    with Staging(folder.dataset) as meta:
        for name, data in _dataset_metadata(folder, schema).items():
            meta.add(name, data)
        meta.commit()
    with Staging(folder.path) as staging:
        staging.add("summary.csv", summary.to_csv(index=False).encode("utf-8"))
        write_csv = rows <= CSV_MAX_ROWS if csv is None else csv
        if write_csv:
            _write_csv(folder, schema, _csv_columns(schema, dims), staging)
        else:
            manifest["results_csv"] = (f"not written: {rows:,} rows (over {CSV_MAX_ROWS:,}); read {DATASET}, "
                                       "or pass --csv" if csv is None else "not written (--no-csv)")
        if figures:
            for name, data in _figures(folder, schema, summary, manifest, plan, rows).items():
                staging.add(name, data)
        staging.add(MANIFEST, json.dumps(manifest, indent=2, default=str))  # last: "complete" only with the rest
        written = [p.name for p in staging.commit()]
    return SweepOutcome(folder.path, manifest, summary, failures, files=written)


def _figures(folder: StudyFolder, schema: Any, summary: Any, manifest: dict[str, Any], plan: study.Plan,
             rows: int) -> dict[str, bytes]:
    """Study figures (PNG and SVG) and the HTML report."""
    from sandbox.output import html as html_report
    from sandbox.output import plots, study_plots

    names = set(schema.names)
    numeric = [d.key for d in plan.dimensions if d.values is None or not any(isinstance(v, str) for v in d.values)]
    wanted = ["point", "architecture", "valid", *numeric[:2], "cost.per_pflop_day", "latency.p50"]
    table = _figure_table(folder, schema, [c for c in dict.fromkeys(wanted) if c in names], rows)
    out: dict[str, Any] = {}
    baseline = manifest["baseline"]
    valid = table[table["valid"]]
    if "cost.per_pflop_day" in names:
        out["distribution"] = study_plots.distributions(valid, "cost.per_pflop_day", "USD", baseline=baseline)
    swept_archs = {k.split(".", 1)[0] for k in numeric} & set(table["architecture"])
    if plan.method != "montecarlo" and len(numeric) >= 2 and "cost.per_pflop_day" in names:
        others = [a for a in dict.fromkeys(table["architecture"]) if a != baseline]
        arch = sorted(swept_archs)[0] if swept_archs else (others[0] if others else None)
        if arch is not None:
            out["heatmap"] = study_plots.heatmap(valid, numeric[0], numeric[1], "cost.per_pflop_day", arch, unit="USD")
    if {"cost.per_pflop_day", "latency.p50"} <= names:
        out["pareto"] = study_plots.pareto(valid, "cost.per_pflop_day", "latency.p50", "USD", "s")
    files: dict[str, bytes] = {}
    pngs: dict[str, bytes] = {}
    for name, fig in out.items():
        pngs[name] = plots.to_bytes(fig, "png")
        files[f"{name}.png"] = pngs[name]
        files[f"{name}.svg"] = plots.to_bytes(fig, "svg")
    title = f"Study: {manifest['scenario']['name']} ({plan.method}, {plan.points:,} points)"
    files["report.html"] = html_report.render_study(title, manifest, {"summary": summary}, pngs).encode()
    return files
