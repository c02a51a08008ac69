"""Memory at study scale and the driver's share on a local cluster.

1. ``montecarlo``: a LEO Monte Carlo (:data:`MC_SCENARIO`) of 10^6 and 3×10^6 points (10^7 with
   ``SANDBOX_BENCH_FULL=1``), in one process (``LocalExecutor(1)``) and on a local Dask cluster with
   2 worker processes. The figure is the **peak RSS of the whole process tree** (the coordinator,
   and the nanny and worker processes), sampled every 0.2 s with psutil, next to the coordinator's
   own peak (``ru_maxrss``); memory is bounded when the peak does not grow with the number of points.
   Target: ≤ 2 GB.
2. ``timeline``: ``sandbox.studies.timeline.timeline`` on ``scenarios/default.toml`` at the largest
   number of draws a timeline may hold (``MAX_POINTS`` / years) against the default 1,000 draws,
   same run. Target: ≤ 2 GB.
3. ``cluster``: the 10^6-point Monte Carlo on a ``LocalCluster`` of 4 worker processes: the driver's
   CPU seconds (this process) against the CPU seconds of the whole tree (driver + workers), and the
   time of the final files against the whole run. Targets: driver ≤ 10 % of the CPU, final files a
   small share (they read part footers and merge sketches only: no serial read-back of the rows).

Every run is a fresh interpreter (``python -m benchmarks.memory child ...``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from ._util import ROOT

TARGET_RSS_MB = 2048.0
TARGET_DRIVER_SHARE = 0.10
SIZES = (1_000_000, 3_000_000)
#: Points of the 4-worker cluster run (the CSV export is not asked for: the dataset is the result).
CLUSTER_POINTS = 1_000_000
FULL_SIZES = (1_000_000, 3_000_000, 10_000_000)

MC_SCENARIO = """
[study]
name = "benchmark: LEO Monte Carlo"
seed = 11

[workload]
kind = "inference"
sustained_compute = "100 PFLOPS"
precision = "fp16"
latency_target = "1 s"

[assumptions]
start_year = 2027
discount_rate = 0.08

[architectures.leo]

[sweep]
method = "montecarlo"
points = {points}
chunk = 20000

[sweep.params]
"leo.altitude" = {{ values = ["500 km", "600 km", "700 km", "800 km", "900 km"] }}
"leo.chips_per_satellite" = {{ values = [4, 8, 16, 32] }}
"models.cost.hardware_usd_per_kg_mass_produced" = {{}}
"catalogue.launch_vehicles.Falcon9.price_usd" = {{ low = 15e6, high = 70e6 }}
"catalogue.chips.H100-SXM.cost_usd" = {{}}
"models.radiation.dose_rate_scale" = {{}}
"""


# ----------------------------------------------------------------------------- child process


class TreeSampler:
    """Peak RSS (sum over this process and its descendants) and the last CPU times seen per process.

    The sampler is the benchmark's instrument, not the study: its own thread's CPU time (walking
    ``/proc`` for the process tree every 0.2 s) is kept
    in ``sampler_cpu_s`` so that the driver's share can leave it out.
    """

    def __init__(self, every_s: float = 0.2):
        import psutil

        self.me = psutil.Process()
        self.every_s = every_s
        self.peak_mb = 0.0
        self.cpu: dict[int, float] = {}
        self.sampler_cpu_s = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        import psutil

        total = 0
        for p in [self.me, *self.me.children(recursive=True)]:
            try:
                with p.oneshot():
                    total += p.memory_info().rss
                    t = p.cpu_times()
                    self.cpu[p.pid] = t.user + t.system
            except psutil.Error:
                pass
        self.peak_mb = max(self.peak_mb, total / 2**20)

    def _run(self) -> None:
        start = time.thread_time()
        while not self._stop.is_set():
            self._sample()
            self.sampler_cpu_s = time.thread_time() - start
            self._stop.wait(self.every_s)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def driver_cpu_s(self) -> float:
        return self.cpu.get(self.me.pid, 0.0)

    def total_cpu_s(self) -> float:
        return sum(self.cpu.values())


def _child_sweep(scenario_path: str, out_dir: str, workers: int, csv: bool | None = None) -> dict:
    import resource

    from sandbox.core.registry import load
    from sandbox.core.scenario import load_scenario
    from sandbox.studies import plans as study
    from sandbox.studies import sweep as sw
    from sandbox.studies.executor import DaskExecutor, Job, LocalExecutor, seed_context

    registry = load()
    scenario = load_scenario(scenario_path, registry)
    plan = study.parse_plan(scenario, registry)
    job = Job.for_scenario(scenario, (), 300.0)
    seed_context(job, registry, scenario)
    finish: list[float] = []
    original = sw._finish

    def timed_finish(*a, **k):
        t = time.perf_counter()
        try:
            return original(*a, **k)
        finally:
            finish.append(time.perf_counter() - t)

    sw._finish = timed_finish
    executor = LocalExecutor(1) if workers == 0 else DaskExecutor("local", workers)
    load_before = os.getloadavg()
    with TreeSampler() as sampler:
        time.sleep(0.3)  # one sample before the run: CPU spent on imports and set-up is not counted
        cpu0, sampler0 = dict(sampler.cpu), sampler.sampler_cpu_s
        t0 = time.perf_counter()
        outcome = sw.run_sweep(job, scenario, registry, plan, Path(out_dir), executor, figures=False, progress=False,
                               csv=csv)
        wall = time.perf_counter() - t0
    sampler_cpu = sampler.sampler_cpu_s - sampler0  # the instrument's thread, not the study's driver
    driver_cpu = sampler.driver_cpu_s() - cpu0.get(sampler.me.pid, 0.0) - sampler_cpu
    total_cpu = sampler.total_cpu_s() - sum(cpu0.values()) - sampler_cpu
    return {
        "points": plan.points, "rows": outcome.manifest["rows"], "workers": workers, "wall_s": wall,
        "peak_tree_rss_mb": sampler.peak_mb, "peak_self_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "driver_cpu_s": driver_cpu, "total_cpu_s": total_cpu, "sampler_cpu_s": sampler_cpu, "finish_s": sum(finish),
        "load_before": load_before, "load_after": os.getloadavg(), "executor": outcome.manifest["executor"],
        "summary_method": outcome.manifest.get("summary_method", ""), "csv": outcome.manifest.get("results_csv", "written"),
        "dataset_bytes": sum(p["bytes"] for p in outcome.manifest["parts"]),
    }


def _child_timeline(draws: int) -> dict:
    import resource

    from sandbox.core.registry import load
    from sandbox.core.scenario import load_scenario
    from sandbox.studies.timeline import DEFAULT_HORIZON_YEARS, MAX_POINTS, timeline

    registry = load()
    scenario = load_scenario(str(ROOT / "scenarios" / "default.toml"), registry)
    years = DEFAULT_HORIZON_YEARS + 1
    n = MAX_POINTS // years if draws == 0 else draws
    load_before = os.getloadavg()
    with TreeSampler() as sampler:
        t0 = time.perf_counter()
        result = timeline(scenario, registry, draws=n)
        wall = time.perf_counter() - t0
    return {"draws": n, "years": years, "points": n * years, "wall_s": wall, "rows": len(result.table),
            "peak_tree_rss_mb": sampler.peak_mb,
            "peak_self_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "load_before": load_before, "load_after": os.getloadavg()}


# ----------------------------------------------------------------------------- coordinator


def _spawn(*args: str) -> dict:
    proc = subprocess.run([sys.executable, "-m", "benchmarks.memory", "child", *args], cwd=ROOT,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"memory benchmark {args} exited {proc.returncode}: {proc.stderr[-1500:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run(repeat: int = 1, montecarlo: bool = True, timeline: bool = True, cluster: bool = True) -> dict:
    """``repeat`` is accepted for the common command line; each size runs once (they take minutes)."""
    sizes = FULL_SIZES if os.environ.get("SANDBOX_BENCH_FULL") == "1" else SIZES
    tmp = Path(tempfile.mkdtemp(prefix="sandbox-bench-memory-"))
    res: dict = {"sizes": list(sizes), "target_rss_mb": TARGET_RSS_MB}
    try:
        if montecarlo:
            runs = []
            for n in sizes:
                sc = tmp / f"mc_{n}.toml"
                sc.write_text(MC_SCENARIO.format(points=n), encoding="utf-8")
                for workers in (0, 2):
                    out = tmp / f"out_{n}_{workers}"
                    runs.append(_spawn("sweep", str(sc), str(out), str(workers)))
                    shutil.rmtree(out, ignore_errors=True)
            res["montecarlo"] = runs
        if timeline:
            res["timeline"] = [_spawn("timeline", "1000"), _spawn("timeline", "0")]
        if cluster:
            sc = tmp / "mc_cluster.toml"
            sc.write_text(MC_SCENARIO.format(points=CLUSTER_POINTS), encoding="utf-8")
            r = _spawn("sweep", str(sc), str(tmp / "cluster"), "4", "nocsv")  # results.csv is an export
            r["driver_share"] = r["driver_cpu_s"] / r["total_cpu_s"] if r["total_cpu_s"] else float("nan")
            r["finish_share"] = r["finish_s"] / r["wall_s"]
            res["cluster"] = r
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return res


def report(r: dict) -> list[str]:
    lines: list[str] = []
    target = r["target_rss_mb"]
    for m in r.get("montecarlo", []):
        where = "one process" if m["workers"] == 0 else f"Dask, {m['workers']} workers"
        lines.append(f"[mem] Monte Carlo {m['points']:>12,} points, {where:<16} peak RSS of the process tree "
                     f"{m['peak_tree_rss_mb']:7.0f} MB (coordinator {m['peak_self_rss_mb']:.0f} MB), {m['wall_s']:.1f} s, "
                     f"load {m['load_before'][0]:.1f} -> {'MET' if m['peak_tree_rss_mb'] <= target else 'NOT met'} "
                     f"(≤ {target:.0f} MB)")
    for t in r.get("timeline", []):
        lines.append(f"[mem] timeline {t['draws']:>7,} draws × {t['years']} years = {t['points']:,} points: peak RSS "
                     f"{t['peak_tree_rss_mb']:.0f} MB, {t['wall_s']:.1f} s, load {t['load_before'][0]:.1f} -> "
                     f"{'MET' if t['peak_tree_rss_mb'] <= target else 'NOT met'}")
    if "cluster" in r:
        c = r["cluster"]
        lines.append(f"[cluster] LocalCluster 4 workers, {c['points']:,}-point Monte Carlo: {c['wall_s']:.1f} s; driver CPU "
                     f"{c['driver_cpu_s']:.1f} s of {c['total_cpu_s']:.1f} s = {c['driver_share']:.1%} (target ≤ "
                     f"{TARGET_DRIVER_SHARE:.0%}: {'MET' if c['driver_share'] <= TARGET_DRIVER_SHARE else 'NOT met'}); "
                     f"final files {c['finish_s']:.2f} s = {c['finish_share']:.1%} of the run; peak RSS "
                     f"{c['peak_tree_rss_mb']:.0f} MB; load {c['load_before'][0]:.1f}")
    return lines


if __name__ == "__main__":
    if sys.argv[1] != "child":
        raise SystemExit("usage: python -m benchmarks.memory child sweep SCENARIO OUT WORKERS | child timeline DRAWS")
    if sys.argv[2] == "sweep":
        no_csv = len(sys.argv) > 6 and sys.argv[6] == "nocsv"
        print(json.dumps(_child_sweep(sys.argv[3], sys.argv[4], int(sys.argv[5]), False if no_csv else None), default=str))
    else:
        print(json.dumps(_child_timeline(int(sys.argv[3])), default=str))
