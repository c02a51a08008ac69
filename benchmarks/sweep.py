"""Target 4: sweeps. 1,000,000 evaluations of the LEO-cluster design in ≤ 30 s in one process, and
on a local Dask cluster 2 workers ≥ 1.6× the throughput of 1 worker on a sweep of ≥ 20 s.

Every measurement runs in a fresh interpreter (``python -m benchmarks.sweep <kind> ...``) so that
the per-process design memo (:data:`sandbox.ledger.evaluate._DESIGNS`) and memory start empty; the timed
region is :func:`sandbox.studies.sweep.run_sweep` (``figures=False``), after the libraries are imported.

1. ``one``: a LEO sweep of 1,000,000 random points in this process (``LocalExecutor(1)``):
   ``leo.altitude`` (5 values) × ``leo.chips_per_satellite`` (4 values) = 20 designs, and four
   ledger inputs drawn over ranges (hardware cost per kg, log; Falcon 9 price 15–70 MUSD; H100 price;
   radiation dose-rate scale). The ground baseline is evaluated at every point too (2,000,000
   rows). Timers wrapped around the sweep's own functions split the time into designs, the
   vectorised ledger, the chunk tables and part files, and the final files.
2. ``dask``: the same design-bound grid (120 altitudes × 4 chip counts = 480 LEO designs, × 10 hardware
   costs × 10 launch prices = 48,000 points, chunks of 1,000 points = 10 designs) on
   ``DaskExecutor("local", 1)`` and ``DaskExecutor("local", 2)``, interleaved rounds; the figure is
   the ratio of the median throughputs (points per second of ``run_sweep``, cluster start-up
   included; the ratio without start-up is printed too). Each worker process computes and
   memoises its own designs (0.04–0.13 s per LEO design), so a sweep over few designs would repeat
   them on every worker: this one spreads 480 designs over the chunks. The two workers' results
   are compared with the one worker's (``pandas.DataFrame.equals`` on ``results.parquet``).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ._util import ROOT, median

ONE_POINTS = 1_000_000
ONE_CHUNK = 50_000
TARGET_ONE_S = 30.0
TARGET_RATIO_FILES = 1.5  # end to end over the evaluation time
TARGET_RATIO = 1.6
TARGET_DASK_MIN_S = 20.0

_HEAD = """
[study]
name = "benchmark: LEO cluster sweep"
seed = 7

[workload]
kind = "inference"
sustained_compute = "100 PFLOPS"
precision = "fp16"
latency_target = "1 s"

[assumptions]
start_year = 2027
discount_rate = 0.08

[architectures.leo]
"""

ONE_SCENARIO = _HEAD + f"""
[sweep]
method = "random"
points = {ONE_POINTS}
chunk = {ONE_CHUNK}

[sweep.params]
"leo.altitude" = {{ values = ["500 km", "600 km", "700 km", "800 km", "900 km"] }}
"leo.chips_per_satellite" = {{ values = [4, 8, 16, 32] }}
"models.cost.hardware_usd_per_kg_mass_produced" = {{ scale = "log" }}
"catalogue.launch_vehicles.Falcon9.price_usd" = {{ low = 15e6, high = 70e6 }}
"catalogue.chips.H100-SXM.cost_usd" = {{}}
"models.radiation.dose_rate_scale" = {{}}
"""

DASK_DESIGNS = 120 * 4
DASK_SCENARIO = _HEAD + """
[sweep]
method = "grid"
chunk = 1000

[sweep.params]
"leo.altitude" = { low = "500 km", high = "1000 km", steps = 120 }
"leo.chips_per_satellite" = { values = [4, 8, 16, 32] }
"models.cost.hardware_usd_per_kg_mass_produced" = { scale = "log", steps = 10 }
"catalogue.launch_vehicles.Falcon9.price_usd" = { low = 15e6, high = 70e6, steps = 10 }
"""


# ----------------------------------------------------------------------------- child process


def _cpu_s() -> float:
    import resource

    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _child(kind: str, scenario_path: str, out_dir: str, workers: int) -> dict:
    """One sweep in this (fresh) process; returns the timings. ``kind``: ``one`` or ``dask``."""
    t_import = time.perf_counter()
    import pandas  # noqa: F401 - imported before the timer, as any sweep's first chunk would
    import pyarrow.csv  # noqa: F401
    import pyarrow.parquet  # noqa: F401

    from sandbox.core.registry import load
    from sandbox.core.scenario import load_scenario
    from sandbox.ledger import batch
    from sandbox.studies import plans as study
    from sandbox.studies import sweep as sw
    from sandbox.studies.executor import DaskExecutor, Job, LocalExecutor, seed_context

    if kind == "dask":
        import distributed  # noqa: F401
    imports_s = time.perf_counter() - t_import
    t_setup = time.perf_counter()
    registry = load()
    scenario = load_scenario(scenario_path, registry)
    plan = study.parse_plan(scenario, registry)
    job = Job.for_scenario(scenario, (), 300.0)
    seed_context(job, registry, scenario)
    setup_s = time.perf_counter() - t_setup

    acc: dict[str, float] = {}

    def timed(name: str, fn):
        def wrapper(*a, **k):
            t = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                acc[name] = acc.get(name, 0.0) + time.perf_counter() - t
        return wrapper

    from sandbox.ledger import evaluate as ev
    from sandbox.studies import chunks as ch
    from sandbox.studies import executor as ex
    from sandbox.studies import folder as fo

    ev._DESIGNS.clear()
    batch.evaluate_points = timed("evaluate_points", batch.evaluate_points)  # looked up per chunk
    ev.make_design = timed("design", ev.make_design)
    study.points = timed("points", study.points)
    ex.build_part = timed("build_part", ex.build_part)  # chunk table, Parquet bytes, checksum (and sketch)
    ch.Sketch.of = classmethod(timed("build_part.sketch", ch.Sketch.of.__func__))
    fo.StudyFolder.add = timed("write_part", fo.StudyFolder.add)  # part file + fsync + journal line
    sw._finish = timed("finish", sw._finish)
    sw._conform = timed("finish.conform", sw._conform)
    sw._dataset_metadata = timed("finish.metadata", sw._dataset_metadata)
    sw._exact_summary = timed("finish.summary", sw._exact_summary)
    sw.from_sketch = timed("finish.summary", sw.from_sketch)
    sw._write_csv = timed("finish.csv", sw._write_csv)
    fo.StudyFolder.verify = timed("finish.verify", fo.StudyFolder.verify)
    executor = LocalExecutor(1) if kind == "one" else DaskExecutor("local", workers)
    cls = type(executor)
    cls.__enter__ = timed("executor_start", cls.__enter__)  # `with` looks __enter__ up on the type
    arrivals: list[float] = []  # seconds from the start of run_sweep to each chunk's result
    write_part = fo.StudyFolder.add

    def arrive(*a, **k):
        arrivals.append(time.perf_counter() - t0)
        return write_part(*a, **k)

    fo.StudyFolder.add = arrive
    load_before = os.getloadavg()[0]
    cpu0 = _cpu_s()
    t0 = time.perf_counter()
    outcome = sw.run_sweep(job, scenario, registry, plan, Path(out_dir), executor, figures=False, progress=False)
    total = time.perf_counter() - t0
    cpu = _cpu_s() - cpu0  # this process + its finished children (the cluster's worker processes)
    import resource

    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: kB
    m = outcome.manifest
    designs = {}
    for key in ev._DESIGNS:
        designs[key[2]] = designs.get(key[2], 0) + 1
    return {
        "kind": kind, "workers": workers, "points": plan.points, "chunk": plan.chunk, "chunks": plan.chunks,
        "rows": m["rows"], "invalid_rows": m["invalid_rows"], "failures": m["failures"],
        "imports_s": imports_s, "setup_s": setup_s, "sweep_s": total, "phases_s": acc,
        "designs_in_process": designs, "executor": m["executor"], "arrivals_s": arrivals,
        "cpu_s": cpu, "cores_used": cpu / total, "load_before": load_before, "load_after": os.getloadavg()[0],
        "peak_rss_mb": peak_rss_mb, "summary_method": m.get("summary_method", ""),
    }


# ----------------------------------------------------------------------------- coordinator


def _spawn(kind: str, scenario: Path, out: Path, workers: int = 1) -> dict:
    if out.exists():
        shutil.rmtree(out)
    proc = subprocess.run([sys.executable, "-m", "benchmarks.sweep", kind, str(scenario), str(out), str(workers)],
                          cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"sweep benchmark ({kind}, {workers}) exited {proc.returncode}: {proc.stderr[-1500:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _same_results(a: Path, b: Path) -> bool:
    import pandas as pd

    return bool(pd.read_parquet(a / "results.parquet").equals(pd.read_parquet(b / "results.parquet")))


def run(repeat: int = 3, one: bool = True, dask: bool = True) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="sandbox-bench-sweep-"))
    res: dict = {"repeat": repeat}
    try:
        if one:
            sc = tmp / "leo_1m.toml"
            sc.write_text(ONE_SCENARIO, encoding="utf-8")
            r = _spawn("one", sc, tmp / "one")
            r["files_mb"] = {p.name: p.stat().st_size / 1e6 for p in (tmp / "one").iterdir() if p.is_file()}
            r["files_mb"]["results.parquet/"] = sum(p.stat().st_size for p in (tmp / "one" / "results.parquet").iterdir()) / 1e6
            shutil.rmtree(tmp / "one", ignore_errors=True)
            ph = r["phases_s"]
            r["evaluations_s"] = ph.get("evaluate_points", 0.0)
            r["evals_per_s_sweep"] = r["points"] / r["sweep_s"]
            r["evals_per_s_evaluate"] = r["points"] / r["evaluations_s"]
            r["target_s"] = TARGET_ONE_S
            r["met_sweep"] = r["sweep_s"] <= TARGET_ONE_S
            r["met_evaluate"] = r["evaluations_s"] <= TARGET_ONE_S
            r["files_ratio"] = r["sweep_s"] / r["evaluations_s"]  # target: end to end <= 1.5 x evaluation
            r["met_ratio"] = r["files_ratio"] <= TARGET_RATIO_FILES
            res["one"] = r
        if dask:
            sc = tmp / "leo_dask.toml"
            sc.write_text(DASK_SCENARIO, encoding="utf-8")
            rounds = []
            same = []
            for i in range(repeat):
                order = (1, 2) if i % 2 == 0 else (2, 1)  # alternate, so drift hits both alike
                got = {w: _spawn("dask", sc, tmp / f"dask{w}", w) for w in order}
                same.append(_same_results(tmp / "dask1", tmp / "dask2"))
                rounds.append(got)
            d: dict = {"rounds": rounds, "identical_results": same}
            for w in (1, 2):
                runs = [r[w] for r in rounds]
                d[f"w{w}_cores"] = [r["cores_used"] for r in runs]
                d[f"w{w}_load"] = [r["load_before"] for r in runs]
                d[f"w{w}_sweep_s"] = [r["sweep_s"] for r in runs]
                d[f"w{w}_start_s"] = [r["phases_s"].get("executor_start", 0.0) for r in runs]
                d[f"w{w}_median_s"] = median(d[f"w{w}_sweep_s"])
                d[f"w{w}_pps"] = runs[0]["points"] / d[f"w{w}_median_s"]
            d["points"] = rounds[0][1]["points"]
            d["chunks"] = rounds[0][1]["chunks"]
            d["designs"] = DASK_DESIGNS
            d["finish_s"] = median([r[w]["phases_s"].get("finish", 0.0) for r in rounds for w in (1, 2)])
            d["ratio"] = d["w1_median_s"] / d["w2_median_s"]
            d["ratio_per_round"] = [r[1]["sweep_s"] / r[2]["sweep_s"] for r in rounds]
            no_start = [(r[1]["sweep_s"] - r[1]["phases_s"].get("executor_start", 0.0))
                        / (r[2]["sweep_s"] - r[2]["phases_s"].get("executor_start", 0.0)) for r in rounds]
            d["ratio_without_start_per_round"] = no_start
            d["ratio_without_start"] = float(statistics.median(no_start))
            d["target_ratio"] = TARGET_RATIO
            d["w1_long_enough"] = d["w1_median_s"] >= TARGET_DASK_MIN_S
            d["met"] = d["ratio"] >= TARGET_RATIO and d["w1_long_enough"] and all(same)
            res["dask"] = d
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return res


def report(r: dict) -> list[str]:
    lines: list[str] = []
    if "one" in r:
        o = r["one"]
        ph = o["phases_s"]
        des = o["designs_in_process"]
        write = ph.get("build_part", 0.0) + ph.get("write_part", 0.0)
        accounted = ph.get("evaluate_points", 0.0) + write + ph.get("finish", 0.0) + ph.get("points", 0.0)
        lines += [
            f"[4] sweep, one process: {o['points']:,} LEO points (random; chunks of {o['chunk']:,}), "
            f"target ≤ {o['target_s']:.0f} s",
            f"    run_sweep total                 {o['sweep_s']:6.2f} s = {o['evals_per_s_sweep']:,.0f} LEO evaluations/s "
            f"(+ the ground baseline at every point: {o['rows']:,} rows) -> {'MET' if o['met_sweep'] else 'NOT met'}",
            f"      evaluate_points             {ph.get('evaluate_points', 0):6.2f} s = {o['evals_per_s_evaluate']:,.0f} "
            f"evaluations/s -> {'MET' if o['met_evaluate'] else 'NOT met'} for the evaluations alone",
            f"        design calls              {ph.get('design', 0):6.2f} s  ({sum(des.values())} distinct designs: "
            + ", ".join(f"{k} {v}" for k, v in sorted(des.items())) + ")",
            f"        vectorised ledger         {ph.get('evaluate_points', 0) - ph.get('design', 0):6.2f} s",
            f"      parts (in the worker)       {ph.get('build_part', 0):6.2f} s  (of which sketches "
            f"{ph.get('build_part.sketch', 0):.2f} s); written + journalled {ph.get('write_part', 0):.2f} s",
            f"      final files                 {ph.get('finish', 0):6.2f} s  (verify {ph.get('finish.verify', 0):.2f} s, "
            f"schemas {ph.get('finish.conform', 0):.2f} s, _metadata {ph.get('finish.metadata', 0):.2f} s, summary "
            f"{ph.get('finish.summary', 0):.2f} s ({o['summary_method']}), results.csv {ph.get('finish.csv', 0):.2f} s)",
            f"      points generation           {ph.get('points', 0):6.2f} s; other {o['sweep_s'] - accounted:.2f} s",
            f"    end to end / evaluation       ×{o['files_ratio']:.2f} (target: ≤ ×{TARGET_RATIO_FILES}) -> "
            f"{'MET' if o['met_ratio'] else 'NOT met'}; peak RSS {o['peak_rss_mb']:,.0f} MB",
            f"    outside the timer: imports {o['imports_s']:.2f} s, plugins + scenario + plan {o['setup_s']:.2f} s; "
            "files " + ", ".join(f"{k} {v:.0f} MB" for k, v in sorted(o["files_mb"].items()) if v >= 1),
        ]
    if "dask" in r:
        d = r["dask"]
        lines += [
            f"[4] sweep on a local Dask cluster: {d['points']:,}-point grid, {d['designs']} LEO designs, {d['chunks']} chunks; "
            f"{len(d['rounds'])} alternating rounds (target 2 workers ≥ {d['target_ratio']}× 1 worker, 1 worker ≥ 20 s)",
            f"    1 worker    median {d['w1_median_s']:6.2f} s = {d['w1_pps']:,.0f} points/s  (rounds "
            + ", ".join(f"{x:.1f}" for x in d["w1_sweep_s"]) + "; cluster start-up "
            + ", ".join(f"{x:.1f}" for x in d["w1_start_s"]) + " s)",
            f"    2 workers   median {d['w2_median_s']:6.2f} s = {d['w2_pps']:,.0f} points/s  (rounds "
            + ", ".join(f"{x:.1f}" for x in d["w2_sweep_s"]) + "; cluster start-up "
            + ", ".join(f"{x:.1f}" for x in d["w2_start_s"]) + " s)",
            f"    throughput ratio ×{d['ratio']:.2f} (per round " + ", ".join(f"{x:.2f}" for x in d["ratio_per_round"])
            + f"; without cluster start-up ×{d['ratio_without_start']:.2f}); final files {d['finish_s']:.1f} s serial "
            f"-> target {'MET' if d['met'] else 'NOT met'}",
            "    CPU cores kept busy (this process + workers, CPU s / wall s): 1 worker "
            + ", ".join(f"{x:.2f}" for x in d["w1_cores"]) + "; 2 workers " + ", ".join(f"{x:.2f}" for x in d["w2_cores"])
            + "; load average before each run " + ", ".join(f"{x:.1f}" for x in d["w1_load"] + d["w2_load"]),
            "    results.parquet of 2 workers equals 1 worker's: " + ", ".join(str(x) for x in d["identical_results"]),
        ]
    return lines


if __name__ == "__main__":
    print(json.dumps(_child(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])), default=str))
