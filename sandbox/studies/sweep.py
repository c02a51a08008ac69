"""Run a study plan chunk by chunk, write each chunk as it finishes, resume after any interruption.

Output folder layout::

    manifest.json            what is being computed (scenario digest, plan, seed, plan key), status
    parts/part-000012.parquet  one file per finished chunk, renamed into place when complete
    results.parquet          every point × architecture, all metrics (at the end)
    results.csv              the same rows with the inputs and headline metrics (up to 1M rows)
    summary.csv              per architecture and metric: valid points, mean, p5, p50, p95
    *.png, *.svg, report.html

A chunk covers a fixed range of point numbers and its part file appears only complete
(:mod:`sandbox.output.atomic`), so after a crash or ``kill -9`` the same command finds the finished
parts, computes only the missing chunks, and the final table has every row exactly once.
A folder holding a different study (another scenario text, plan or seed) is refused.
"""

from __future__ import annotations

import io
import json
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sandbox.ledger.batch import HEADLINE, architecture_runs, unit_of_metric
from sandbox.output.atomic import remove_stale, write_all
from sandbox.studies import plans as study
from sandbox.studies.executor import Job
from sandbox.studies.progress import Progress

MANIFEST = "manifest.json"
PARTS = "parts"
SUMMARY_METRICS = ("cost.per_pflop_day", "cost.per_pflop_day.vs_baseline", "cost.capex", "mass.total",
                   "compute.delivered", "latency.p50", "life.effective", "launch.flights")
#: Largest table also written as CSV (1M rows of headline columns are ~300 MB of text; Parquet holds all).
CSV_MAX_ROWS = 1_000_000
#: ``error`` of a row whose drawn inputs were physically impossible (metrics NaN; not a failure)
IMPOSSIBLE = "impossible inputs"


class SweepError(Exception):
    """The output folder cannot hold this study (another study's folder, unreadable manifest)."""


@dataclass
class SweepOutcome:
    """What a finished study produced: the folder, the manifest, the summary table and failures."""

    out_dir: Path
    manifest: dict[str, Any]
    summary: Any
    failures: dict[str, list[str]] = field(default_factory=dict)
    computed_chunks: int = 0
    resumed_chunks: int = 0
    files: list[str] = field(default_factory=list)  # what the last step wrote into out_dir (besides parts/)


def _part(out_dir: Path, chunk: int) -> Path:
    return out_dir / PARTS / f"part-{chunk:06d}.parquet"


def _open_folder(out_dir: Path, manifest: dict[str, Any], restart: bool) -> set[int]:
    """Check ``out_dir`` holds this study or nothing; return the chunks already done."""
    path = out_dir / MANIFEST
    if path.exists():
        try:
            old = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            raise SweepError(f"{path}: unreadable manifest ({exc}); choose another --out") from None
        if restart:
            for p in (out_dir / PARTS).glob("part-*.parquet"):
                p.unlink()
        elif old.get("study_key") != manifest["study_key"]:
            raise SweepError(f"{out_dir}: holds another study ({old.get('scenario', {}).get('path')}, "
                             f"{old.get('plan', {}).get('method')}, seed {old.get('plan', {}).get('seed')}); "
                             "choose another --out, or pass --restart to replace it")
    elif out_dir.exists() and any(out_dir.iterdir()):
        raise SweepError(f"{out_dir}: exists and is not a study folder (no {MANIFEST}); choose another --out")
    (out_dir / PARTS).mkdir(parents=True, exist_ok=True)
    remove_stale(out_dir / PARTS)
    remove_stale(out_dir)
    write_all(out_dir, {MANIFEST: json.dumps(manifest, indent=2, default=str)})
    return {int(p.stem.split("-")[1]) for p in (out_dir / PARTS).glob("part-*.parquet")}


def _frame(plan: study.Plan, chunk: int, inputs: dict[str, np.ndarray], result: dict[str, Any]) -> Any:
    import pandas as pd

    start = chunk * plan.chunk
    frames = []
    for instance, cols in result["columns"].items():
        n = result["n"]
        data: dict[str, Any] = {"point": np.arange(start, start + n, dtype=np.int64),
                                "architecture": [instance] * n, "type": [result["types"][instance]] * n}
        for key, values in inputs.items():
            data[key] = values
        valid = cols.get("valid", np.zeros(n, dtype=bool))
        row_errors = result["row_errors"].get(instance, np.full(n, "", dtype=object))
        data["valid"] = np.asarray(valid, dtype=bool)
        data["error"] = np.where(data["valid"], "", np.where(row_errors == "", IMPOSSIBLE, row_errors)).astype(str)
        for k, v in cols.items():
            if k != "valid":
                data[k] = np.asarray(v, dtype=float)
        frames.append(pd.DataFrame(data))
    return pd.concat(frames, ignore_index=True)


def _write_part(out_dir: Path, chunk: int, frame: Any) -> None:
    buf = io.BytesIO()
    frame.to_parquet(buf, index=False)
    write_all(out_dir / PARTS, {_part(out_dir, chunk).name: buf.getvalue()})


def run_sweep(job: Job, scenario: Any, registry: Any, plan: study.Plan, out_dir: Path, executor: Any,
              restart: bool = False, figures: bool = True, progress: bool | None = None) -> SweepOutcome:
    """Evaluate every chunk of ``plan`` not yet in ``out_dir`` with ``executor``, then write the results."""
    from sandbox import __version__

    started = time.time()
    baseline = next((r.instance for r in architecture_runs(scenario, registry) if r.spec.baseline), None)
    manifest: dict[str, Any] = {
        "kind": "sandbox study",
        "study_key": _study_key(job, plan),
        "scenario": {"path": scenario.path, "sha256": scenario.sha256, "name": scenario.name},
        "plan": plan.describe(),
        "seed": plan.seed,
        "baseline": baseline,
        "chunks": plan.chunks,
        "sandbox_version": __version__,
        "plugins": [{"name": p.name, "version": p.version} for p in registry.plugins],
        "status": "running",
    }
    done = _open_folder(out_dir, manifest, restart)
    todo = [c for c in range(plan.chunks) if c not in done]
    bar = Progress(plan.points, f"sweep {Path(scenario.path).stem}", enabled=progress,
                   done=sum(min(plan.chunk, plan.points - c * plan.chunk) for c in done))
    pending: dict[int, dict[str, np.ndarray]] = {}

    def tasks() -> Any:
        for c in todo:
            pending[c] = study.points(plan, c * plan.chunk, (c + 1) * plan.chunk)
            yield c, pending[c]

    with executor:
        for result in executor.run(job, tasks()):
            c = result["chunk"]
            _write_part(out_dir, c, _frame(plan, c, pending.pop(c), result))
            bar.update(result["n"])
    bar.close()
    outcome = _finish(out_dir, manifest, plan, figures, started, getattr(executor, "description", ""))
    outcome.computed_chunks, outcome.resumed_chunks = len(todo), len(done)
    return outcome


def _study_key(job: Job, plan: study.Plan) -> str:
    import hashlib

    return hashlib.sha256(f"{job.scenario_sha256}:{plan.key()}:{','.join(job.plugin_modules)}".encode()).hexdigest()


def _finish(out_dir: Path, manifest: dict[str, Any], plan: study.Plan, figures: bool, started: float,
            executor: str) -> SweepOutcome:
    import pandas as pd

    parts = sorted((out_dir / PARTS).glob("part-*.parquet"))
    table = pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)  # chunk, architecture, point order
    dims = [d.key for d in plan.dimensions]
    metrics = [c for c in table.columns if c not in ("point", "architecture", "type", "valid", "error", *dims)]
    summary = summarise(table, metrics)
    failed = (~table["valid"]) & (table["error"] != IMPOSSIBLE)  # a design or plugin failed, not a draw
    failures = {a: sorted(set(g["error"])) for a, g in table[failed].groupby("architecture", sort=False)}
    manifest.update({
        "status": "complete",
        "rows": len(table),
        "points_done": int(table["point"].nunique()),
        "units": {m: unit_of_metric(m) for m in metrics},
        "invalid_rows": {a: int((~g["valid"]).sum()) for a, g in table.groupby("architecture", sort=False)},
        "failures": failures,
        "executor": executor,
        "elapsed_s": round(time.time() - started, 3),
        "finished_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    })
    buf = io.BytesIO()
    table.to_parquet(buf, index=False)
    head = ["point", "architecture", "type", *dims, "valid", "error",
            *[m for m in ("compute.delivered", *HEADLINE, "cost.per_pflop_day.vs_baseline", "life.effective") if m in table]]
    files: dict[str, str | bytes] = {"results.parquet": buf.getvalue(), "summary.csv": _csv(summary)}
    if len(table) <= CSV_MAX_ROWS:
        files["results.csv"] = _csv(table[head])
    else:
        manifest["results_csv"] = f"not written: {len(table):,} rows (over {CSV_MAX_ROWS:,}); read results.parquet"
    if figures:
        files.update(_figures(table, summary, manifest, plan))
    files[MANIFEST] = json.dumps(manifest, indent=2, default=str)  # last: "complete" only with the results
    write_all(out_dir, files)
    return SweepOutcome(out_dir, manifest, summary, failures, files=list(files))


def _csv(frame: Any) -> bytes:
    """CSV bytes of ``frame`` (pyarrow's writer: ~10× pandas' on wide Monte Carlo tables)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    buf = io.BytesIO()
    pacsv.write_csv(pa.Table.from_pandas(frame, preserve_index=False), buf)
    return buf.getvalue()


def summarise(table: Any, metrics: list[str]) -> Any:
    """Per architecture and metric: valid points, mean, p5, p50 and p95 (Monte Carlo distributions)."""
    import pandas as pd

    rows = []
    for arch, g in table.groupby("architecture", sort=False):
        values = g.loc[g["valid"], metrics].to_numpy(dtype=float)
        values = np.where(np.isfinite(values), values, np.nan)
        counts = np.sum(~np.isnan(values), axis=0)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns: skipped below
            pct = np.nanpercentile(values, (5, 50, 95), axis=0) if len(values) else np.full((3, len(metrics)), np.nan)
            mean = np.nanmean(values, axis=0) if len(values) else np.full(len(metrics), np.nan)
        for j, m in enumerate(metrics):
            if counts[j]:
                rows.append({"architecture": arch, "metric": m, "unit": unit_of_metric(m), "valid": int(counts[j]),
                             "mean": float(mean[j]), "p5": float(pct[0, j]), "p50": float(pct[1, j]),
                             "p95": float(pct[2, j])})
    return pd.DataFrame(rows)


def _figures(table: Any, summary: Any, manifest: dict[str, Any], plan: study.Plan) -> dict[str, bytes]:
    """Study figures (PNG and SVG) and the HTML report."""
    from sandbox.output import html as html_report
    from sandbox.output import plots, study_plots

    out: dict[str, Any] = {}
    baseline = manifest["baseline"]
    valid = table[table["valid"]]
    if "cost.per_pflop_day" in table:
        out["distribution"] = study_plots.distributions(valid, "cost.per_pflop_day", "USD", baseline=baseline)
    numeric = [d.key for d in plan.dimensions if d.values is None or not any(isinstance(v, str) for v in d.values)]
    swept_archs = {k.split(".", 1)[0] for k in numeric} & set(table["architecture"])
    if plan.method != "montecarlo" and len(numeric) >= 2 and "cost.per_pflop_day" in table:
        arch = sorted(swept_archs)[0] if swept_archs else next(a for a in table["architecture"].unique() if a != baseline)
        out["heatmap"] = study_plots.heatmap(valid, numeric[0], numeric[1], "cost.per_pflop_day", arch, unit="USD")
    if {"cost.per_pflop_day", "latency.p50"} <= set(table.columns):
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
