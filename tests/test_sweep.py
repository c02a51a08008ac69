"""Sweeps and Monte Carlo: the vectorised ledger, the sampling plans, resume after kill -9, Dask, hangs."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from sandbox.cli import cli
from sandbox.core.scenario import ScenarioError, load_scenario, validate
from sandbox.ledger import batch
from sandbox.ledger.element import LEDGER_DEFAULTS
from sandbox.ledger.engine import evaluate
from sandbox.output.atomic import write_all
from sandbox.studies import plans as study
from sandbox.studies.progress import Progress

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "scenarios" / "default.toml"

LEO_GRID = """
[study]
name = "sweep test"
seed = 3
[workload]
sustained_compute = "100 PFLOPS"
[architectures.leo]
model_latency = false
[sweep]
method = "grid"
chunk = {chunk}
[sweep.params]
"leo.altitude" = {{ low = "500 km", high = "1000 km", steps = {steps} }}
"models.cost.hardware_usd_per_kg_mass_produced" = {{ values = [5000, 10000] }}
"""


def test_batch_at_nominal_equals_the_run(registry):
    """One point without overrides gives exactly the numbers of `sandbox run` for every architecture."""
    s = load_scenario(DEFAULT, registry)
    run = evaluate(s, registry)
    points = batch.evaluate_points(s, registry, {}, 1)
    compared = 0
    for instance, ledger in run.ledgers.items():
        cols = points.columns[instance]
        for m in ledger.metrics:
            if m.name in cols:
                assert cols[m.name][0] == pytest.approx(m.value, rel=1e-12), (instance, m.name)
                compared += 1
    assert compared > 6 * 40


def test_a_swept_catalogue_field_no_ledger_reads_is_named(registry):
    """The launch site's altitude of Starship's LEO payload figure is read by design functions only (a transfer's
    Δv), at its nominal value: a grid over it gives the same result at every point, which the study says, while the
    H100's power, which the ledger reads per point, moves the LEO cluster's power load in proportion (chips ×
    (TDP + host) × (1 + bus share), sandbox/ledger/element.py) and is not named."""
    data = {"study": {"name": "unread"}, "workload": {"sustained_compute": "100 PFLOPS"},
            "architectures": {"ground": {}, "leo": {"model_latency": False}},
            "sweep": {"method": "grid", "params": {
                "catalogue.launch_vehicles.Starship.leo_altitude_m": {"values": [300e3, 500e3]},
                "catalogue.chips.H100-SXM.power_w": {"values": [500.0, 700.0]}}}}
    s = validate(data, registry)
    points = {"catalogue.launch_vehicles.Starship.leo_altitude_m": np.array([300e3, 500e3, 300e3]),
              "catalogue.chips.H100-SXM.power_w": np.array([700.0, 700.0, 500.0])}
    res = batch.evaluate_points(s, registry, points, 3)
    leo = res.columns["leo"]
    assert leo["mass.total"][0] == leo["mass.total"][1]  # the altitude changes nothing in a study
    chips = leo["compute.chips"][0]
    assert leo["power.load"][2] - leo["power.load"][0] == pytest.approx(chips * (500.0 - 700.0) * 1.10 / 1e6, rel=1e-9)
    for instance in ("ground", "leo"):
        named = [n for n in res.notes[instance] if "no architecture's ledger reads" in n]
        assert len(named) == 1 and named[0].startswith("catalogue.launch_vehicles.Starship.leo_altitude_m: ")
        assert "power_w" not in named[0]


def test_ledger_inputs_vectorised_against_hand_calculation(registry):
    """capex.structure = hardware $/kg × (structure + shielding) mass × units (engine): doubling the $/kg
    doubles it and leaves mass and flights alone; doubling the Starship price doubles capex.launch only."""
    s = load_scenario(DEFAULT, registry)
    pts = batch.evaluate_points(s, registry, {
        "models.cost.hardware_usd_per_kg_mass_produced": np.array([1_100.0, 2_200.0, 1_100.0]),
        "catalogue.launch_vehicles.Starship.price_usd": np.array([50e6, 50e6, 100e6]),
    }, 3)
    leo = pts.columns["leo"]
    assert leo["capex.structure"][1] == pytest.approx(2 * leo["capex.structure"][0], rel=1e-12)
    assert leo["mass.total"][1] == leo["mass.total"][0]
    assert leo["launch.flights"][2] == leo["launch.flights"][0]
    assert leo["capex.launch"][2] == pytest.approx(2 * leo["capex.launch"][0], rel=1e-12)
    assert leo["capex.structure"][2] == leo["capex.structure"][0]
    # the ground baseline launches nothing and prices nothing per kg: unchanged by both
    assert np.ptp(pts.columns["ground"]["cost.per_pflop_day"]) == 0.0
    # ratio to the baseline per point
    assert leo["cost.per_pflop_day.vs_baseline"][1] == pytest.approx(
        leo["cost.per_pflop_day"][1] / pts.columns["ground"]["cost.per_pflop_day"][1])


def test_impossible_draw_is_nan_not_an_error(registry):
    """A negative hardware cost is impossible: that point's metrics are NaN and `valid` is False; the others stand."""
    s = load_scenario(DEFAULT, registry)
    pts = batch.evaluate_points(s, registry, {"models.cost.hardware_usd_per_kg_mass_produced": np.array([1e3, -1e3])}, 2)
    assert list(pts.columns["leo"]["valid"]) == [True, False]
    assert np.isnan(pts.columns["leo"]["cost.capex"][1]) and pts.columns["leo"]["cost.capex"][0] > 0
    assert not pts.errors


def test_ledger_defaults_are_exactly_what_the_engine_reads():
    """Monte Carlo varies LEDGER_DEFAULTS: it must list every default the ledger reads per point, and no other."""
    import re

    from sandbox.ledger.element import PRODUCTION_CLASSES

    read: set[str] = set(PRODUCTION_CLASSES.values())  # read through the element's production class
    for module in ("element.py", "totals.py", "latency.py"):
        source = (ROOT / "sandbox" / "ledger" / module).read_text()
        read |= set(re.findall(r"""mv\(["']([a-z0-9_.]+)["']\)""", source))
        read |= set(re.findall(r"""inputs\.model\([a-z_]+, ["']([a-z0-9_.]+)["']\)""", source))
    assert read == set(LEDGER_DEFAULTS)


# --------------------------------------------------------------------------- sampling
def _plan(text: str, registry, path: str = "<t>"):
    import tomllib

    s = validate(tomllib.loads(text), registry, path)
    return s, study.parse_plan(s, registry)


def test_grid_has_every_combination_once(registry):
    _, plan = _plan(LEO_GRID.format(chunk=7, steps=6), registry)
    assert plan.points == 12
    pts = study.points(plan)
    pairs = set(zip(pts["leo.altitude"].tolist(), pts["models.cost.hardware_usd_per_kg_mass_produced"].tolist(), strict=True))
    assert len(pairs) == 12
    assert sorted({a for a, _ in pairs}) == [500.0, 600.0, 700.0, 800.0, 900.0, 1000.0]  # linspace(500, 1000, 6) km
    # any slice is the same as the whole plan's slice
    part = study.points(plan, 7, 14)
    assert np.array_equal(part["leo.altitude"], pts["leo.altitude"][7:])


def test_latin_hypercube_fills_every_stratum_once(registry):
    text = LEO_GRID.format(chunk=100, steps=2).replace('method = "grid"', 'method = "lhs"\npoints = 500')
    text = text.replace('{ values = [5000, 10000] }', '{ low = 1000, high = 100000, scale = "log" }')
    _, plan = _plan(text, registry)
    pts = study.points(plan)
    alt = (pts["leo.altitude"] - 500.0) / 500.0
    assert sorted(np.floor(alt * 500).astype(int)) == list(range(500))
    u = np.log(pts["models.cost.hardware_usd_per_kg_mass_produced"] / 1000) / np.log(100)  # log scale
    assert sorted(np.floor(u * 500).astype(int)) == list(range(500))
    assert np.array_equal(study.points(plan, 100, 200)["leo.altitude"], pts["leo.altitude"][100:200])


def test_montecarlo_draws_split_triangular_and_reproducible(registry):
    """Each three-point input is drawn with its nominal as the median (half the draws on each side), in
    log space when the range is wider than 3× (then the log of the draws has the median log nominal and
    the mean of a split triangular: c + ((b − c) − (c − a)) / 6, by integrating each half-triangle);
    same seed → same draws, chunk by chunk."""
    text = LEO_GRID.format(chunk=50_000, steps=2).split("[sweep]")[0] + "[sweep]\nmethod = 'montecarlo'\npoints = 200000\n"
    _, plan = _plan(text, registry)
    keys = [d.key for d in plan.dimensions]
    assert "models.cost.hardware_usd_per_kg_mass_produced" in keys and "catalogue.chips.H100-SXM.cost_usd" in keys
    assert not any(k.startswith("models.") and k[7:] not in LEDGER_DEFAULTS for k in keys)
    pts = study.points(plan)
    checked_log = checked_linear = 0
    for d in plan.dimensions:
        x = pts[d.key]
        assert x.min() >= d.low and x.max() <= d.high
        assert np.median(x) == pytest.approx(d.nominal, rel=0.01)
        if d.low < d.nominal < d.high:
            assert np.mean(x <= d.nominal) == pytest.approx(0.5, abs=0.005)
        wide = d.low > 0 and d.high / d.low > 3  # drawn in log space (plans.LOG_RATIO)
        assert d.log_space == wide
        a, c, b = (np.log(d.low), np.log(d.nominal), np.log(d.high)) if wide else (d.low, d.nominal, d.high)
        y = np.log(x) if wide else x
        assert y.mean() == pytest.approx(c + ((b - c) - (c - a)) / 6, rel=0.01, abs=2e-3 * (b - a))
        checked_log += wide
        checked_linear += not wide
    assert checked_log > 5 and checked_linear > 5
    again = study.points(plan, 50_000, 100_000)
    assert np.array_equal(again[keys[0]], pts[keys[0]][50_000:100_000])
    s, _ = _plan(text, registry)
    other_chunks = study.parse_plan(s, registry, {"chunk": 7_000})  # draws do not depend on the chunk size
    assert np.array_equal(study.points(other_chunks, 63_000, 70_000)[keys[1]], pts[keys[1]][63_000:70_000])


@pytest.mark.parametrize(("edit", "message"), [
    (('"leo.altitude"', '"leo.altitud"'), "sweep.params.leo.altitud: architecture 'leo' has no parameter 'altitud'; did you mean 'altitude'?"),
    (("steps = 6", "steps = 0"), "sweep.params.leo.altitude: a grid dimension needs `values` or `steps` >= 2"),
    (("steps = 6", "steps = 1"), "sweep.params.leo.altitude: a grid dimension needs `values` or `steps` >= 2"),
    # the bounds the schema states (0 to 100,000): the message once said "from 2", and 0 and 1 passed it
    (("steps = 6", "steps = -1"), "sweep.params.leo.altitude.steps: expected a whole number from 0 to 100,000 (a grid "
                                  "needs 2 or more; a random draw, which takes `points`, ignores it), got -1"),
    (('method = "grid"', 'method = "gird"'), "sweep.method: expected one of grid, random, lhs, montecarlo, got 'gird'"),
    (('"models.cost', '"models.cots'), "sweep.params.models.cots.hardware_usd_per_kg_mass_produced: no shared-model default"),
    (("chunk = 7", "chunk = 7\nworkers = 2"), "sweep.workers: unknown key"),
    (('method = "grid"', 'method = "random"'), "sweep.points: missing: say how many points to draw"),
    # a ground station's place sets pass geometry in the design; the entry has no ranges (this was a traceback)
    (('"models.cost.hardware_usd_per_kg_mass_produced"', '"catalogue.ground_stations.SvalSat.lat_deg"'),
     "sweep.params.catalogue.ground_stations.SvalSat.lat_deg: ground_stations fields are read by design functions at "
     "their nominal value, not by the ledger a study varies, so every point would give the same result; set them in "
     "[catalogue] and run"),
])
def test_bad_sweep_tables_name_file_and_key(registry, write_scenario, tmp_path, edit, message):
    path = write_scenario(LEO_GRID.format(chunk=7, steps=6).replace(*edit))
    with pytest.raises(ScenarioError) as info:
        study.parse_plan(load_scenario(path, registry), registry)
    assert f"{path}: {message}" in str(info.value)
    assert len(info.value.problems) == 1, info.value.problems  # one fault, one line (a bad method once added "points: missing")
    out = tmp_path / "out"
    res = CliRunner().invoke(cli, ["sweep", str(path), "--out", str(out)])
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert f"error: {path}: {message}" in res.output
    assert not out.exists()


@pytest.mark.parametrize(("args", "line"), [
    # the grid of LEO_GRID: 6 altitudes × 2 hardware prices = 12 points, so --points 5 contradicts it
    (["--points", "5"], "error: --points: a grid has the product of its steps (12 points), got 5"),
    (["--method", "montecarlo", "--points", "10000001"],
     "error: --points: 10,000,001 points is more than the 10,000,000 a study may hold"),
])
def test_a_bad_option_is_blamed_on_the_option_not_the_file(write_scenario, tmp_path, args, line):
    path = write_scenario(LEO_GRID.format(chunk=7, steps=6))
    res = CliRunner().invoke(cli, ["sweep", str(path), "--out", str(tmp_path / "out"), *args])
    assert (res.exit_code, res.stderr) == (2, line + "\n")
    assert not (tmp_path / "out").exists()


def test_an_input_and_a_plugin_metric_of_one_name_stop_the_sweep_with_one_line(tmp_path):
    """A Starship instance named ``orbit``: its swept input ``orbit.altitude`` and the plugin's metric
    ``orbit.altitude`` (km) would share one results column, and the input was lost (the column held the metric).
    A plugin's metric names are known only once it runs, so the first chunk stops the study: exit 2, one line."""
    path = tmp_path / "orbit.toml"
    path.write_text('[study]\nname = "t"\n[architectures.ground]\n[architectures.orbit]\ntype = "starship"\n'
                    '[sweep]\nmethod = "grid"\n[sweep.params]\n"orbit.altitude" = { values = ["500 km", "600 km"] }\n')
    res = CliRunner().invoke(cli, ["sweep", str(path), "--out", str(tmp_path / "out"), "--workers", "1", "--no-figures"])
    assert res.exit_code == 2, res.output
    assert res.stderr.strip().splitlines() == [
        f"error: {path}: sweep.params.orbit.altitude: the architecture 'orbit' also reports a metric named "
        "'orbit.altitude', so the input and the metric would share one column; rename the architecture in "
        "[architectures] (e.g. [architectures.orbit-1] with its type) and run with --restart"]
    assert not (tmp_path / "out" / "results.csv").exists()


# --------------------------------------------------------------------------- outputs, resume, executors
def test_sweep_outputs_and_refuses_another_study(write_scenario, tmp_path):
    path = write_scenario(LEO_GRID.format(chunk=5, steps=6))
    out = tmp_path / "out"
    res = CliRunner().invoke(cli, ["sweep", str(path), "--out", str(out), "--workers", "1", "--no-figures"])
    assert res.exit_code == 0, res.output
    table = pd.read_parquet(out / "results.parquet")
    assert len(table) == 24 and set(table["architecture"]) == {"leo", "ground"}  # 12 points × (leo + baseline)
    csv = pd.read_csv(out / "results.csv")
    assert len(csv) == 24 and "cost.per_pflop_day" in csv
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["seed"] == 3 and manifest["rows"] == 24
    assert len(list((out / "results.parquet").glob("part-*.parquet"))) == 3  # ceil(12 / 5)
    # a plugin's own metric carries the unit its Metric states (the LEO plugin's sat.mass, kg) into the manifest
    # and the summary, next to the engine's own (an empty unit there was a plugin metric's unit lost on the way)
    assert manifest["units"]["sat.mass"] == "kg" and manifest["units"]["cost.per_pflop_day"] == "USD"
    summary = pd.read_csv(out / "summary.csv")
    assert set(summary.loc[summary["metric"] == "sat.mass", "unit"]) == {"kg"}
    # the last line says what was written, and every file it names exists
    last = res.stdout.splitlines()[-1]
    assert last.startswith(f"wrote {out}/: ") and last.endswith("results.parquet/ (3 chunks)")
    assert all((out / name).is_file() for name in ("summary.csv", "results.csv", "manifest.json"))
    # higher bus cost per kg → higher LEO cost per PFLOP-day at every altitude
    leo = table[table["architecture"] == "leo"].pivot(index="leo.altitude", columns="models.cost.hardware_usd_per_kg_mass_produced",
                                                      values="cost.per_pflop_day")
    assert (leo[10000.0] > leo[5000.0]).all()
    other = write_scenario(LEO_GRID.format(chunk=5, steps=3), "other.toml")
    res = CliRunner().invoke(cli, ["sweep", str(other), "--out", str(out), "--workers", "1", "--no-figures"])
    assert res.exit_code == 2 and "holds another study" in res.output
    assert len(pd.read_parquet(out / "results.parquet")) == 24  # nothing the user had is lost


def test_kill_minus_9_then_resume_every_row_once(write_scenario, tmp_path):
    """A sweep killed with SIGKILL mid-way resumes with the same command: no row lost, none duplicated,
    and the numbers equal an uninterrupted run's."""
    path = write_scenario(LEO_GRID.format(chunk=1, steps=30).replace("model_latency = false", "model_latency = true"))
    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "sandbox", "sweep", str(path), "--out", str(out), "--workers", "1", "--no-figures"]
    env = {**os.environ, "CI": "true"}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list((out / "results.parquet").glob("part-*.parquet"))) < 5:
        assert proc.poll() is None, "the sweep finished before it could be killed"
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    parts = len(list((out / "results.parquet").glob("part-*.parquet")))
    # a chunk is done once its journal line is on disk, after its part: a kill between the two leaves one
    # part without a line, which the resume removes and computes again
    journal = (out / "chunks.jsonl").read_bytes()
    done_before = journal.count(b"\n")
    assert 5 <= parts < 60 and parts - 1 <= done_before <= parts
    assert json.loads((out / "manifest.json").read_text())["status"] == "running"
    resumed = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert f"{60 - done_before} chunks computed, {done_before} resumed" in resumed.stdout
    table = pd.read_parquet(out / "results.parquet")
    assert len(table) == 120 and not table.duplicated(["point", "architecture"]).any()
    assert sorted(table["point"].unique()) == list(range(60))
    fresh = tmp_path / "fresh"
    subprocess.run(cmd[:6] + [str(fresh)] + cmd[7:], env=env, check=True, capture_output=True, timeout=300)
    assert table.equals(pd.read_parquet(fresh / "results.parquet"))


def test_dask_cluster_on_loopback_gives_the_same_numbers(tmp_path):
    """A real local Dask cluster (2 worker processes on 127.0.0.1) and this process agree exactly."""
    from distributed import LocalCluster

    args = ["sweep", str(DEFAULT), "--method", "montecarlo", "--points", "1200", "--chunk", "400", "--seed", "11", "--no-figures"]
    local = CliRunner().invoke(cli, [*args, "--out", str(tmp_path / "local"), "--workers", "1"])
    assert local.exit_code == 0, local.output
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None) as cluster:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        remote = CliRunner().invoke(cli, [*args, "--out", str(tmp_path / "dask"), "--scheduler", cluster.scheduler_address])
    assert remote.exit_code == 0, remote.output
    assert f"dask {cluster.scheduler_address} (2 workers)" in remote.output
    a = pd.read_parquet(tmp_path / "local" / "results.parquet")
    b = pd.read_parquet(tmp_path / "dask" / "results.parquet")
    assert len(a) == 1200 * 6 and a.equals(b)


def test_dask_started_here_listens_on_loopback_only_and_serves_no_http():
    """Every socket a cluster started here listens on is a Dask comm address on 127.0.0.1 (scheduler,
    workers, nannies): the dashboard is off, so no HTTP server answers /info or /json."""
    import psutil

    from sandbox.studies.executor import DaskExecutor

    with DaskExecutor("local", workers=1) as ex:
        assert ex.scheduler_address.startswith("tcp://127.0.0.1:")
        workers = ex._client.scheduler_info()["workers"]
        assert workers and all(addr.startswith("tcp://127.0.0.1:") for addr in workers)
        comm = {ex.scheduler_address, *workers, *(w["nanny"] for w in workers.values() if w.get("nanny"))}
        ports = {int(a.rsplit(":", 1)[1]) for a in comm}
        procs = [psutil.Process(), *psutil.Process().children(recursive=True)]
        listening = {(c.laddr.ip, c.laddr.port) for p in procs for c in p.net_connections("tcp")
                     if c.status == psutil.CONN_LISTEN}
        assert listening and {ip for ip, _ in listening} == {"127.0.0.1"}
        assert {port for _, port in listening} == ports


HANG_PLUGIN = '''
import time
from sandbox import hookimpl
from sandbox.core.architecture import ArchitectureSpec
from sandbox.core.design import Design, Element, PowerSystem, Site, ThermalSystem
from sandbox.core.params import Param


def design(p, ctx):
    if p.n == 2:
        time.sleep(120)  # hangs for this parameter value
    return Design(elements=[Element(name="hall", count=p.n, chip="H100-SXM", chips_per_unit=10, utilisation=0.5,
                                    site=Site("ground", kind="ground"), power=PowerSystem(source="grid-us"),
                                    thermal=ThermalSystem(kind="facility", pue=1.1))])


@hookimpl
def sandbox_register_architectures(register):
    register(ArchitectureSpec("hang", "hang", "hangs when n = 2", (Param("n", 1, "halls", kind="integer", source="test"),), design))
'''


def test_plugin_hanging_in_a_sweep_is_named_and_the_rest_stands(tmp_path, write_scenario, monkeypatch):
    (tmp_path / "hangplug.py").write_text(textwrap.dedent(HANG_PLUGIN))
    monkeypatch.syspath_prepend(str(tmp_path))
    path = write_scenario('[architectures.hang]\n[architectures.ground]\n[sweep]\nmethod = "grid"\n'
                          '[sweep.params]\n"hang.n" = { values = [1, 2, 3] }\n')
    out = tmp_path / "out"
    t0 = time.monotonic()
    res = CliRunner().invoke(cli, ["--plugin", "hangplug", "sweep", str(path), "--out", str(out), "--workers", "1",
                                   "--design-timeout", "1", "--no-figures"])
    assert time.monotonic() - t0 < 60
    assert res.exit_code == 1, res.output
    assert "error: hang: architecture 'hang' (plugin 'hangplug'): design did not finish within 1 s" in res.output
    table = pd.read_parquet(out / "results.parquet")
    hang = table[table["architecture"] == "hang"].set_index("hang.n")
    assert list(hang["valid"]) == [True, False, True]
    # the ground baseline is unaffected; 10 H100 per hall scale linearly with the halls
    assert table[table["architecture"] == "ground"]["valid"].all()
    assert hang.loc[3, "compute.chips"] == 30 and hang.loc[1, "compute.chips"] == 10
    keep = CliRunner().invoke(cli, ["--plugin", "hangplug", "sweep", str(path), "--out", str(out), "--workers", "1",
                                    "--design-timeout", "1", "--no-figures", "--keep-going"])
    assert keep.exit_code == 0 and "design did not finish within 1 s" in keep.output


# --------------------------------------------------------------------------- progress and output safety
def test_progress_bar_on_a_terminal_and_silent_in_pipes(monkeypatch):
    shown = io.StringIO()
    bar = Progress(1000, "sweep x", stream=shown, enabled=True)
    bar.update(1000)
    bar.close()
    assert "sweep x 100% |████████████████████| 1,000/1,000 points" in shown.getvalue() and "/s" in shown.getvalue()
    piped = io.StringIO()  # not a terminal
    quiet = Progress(1000, "sweep x", stream=piped)
    quiet.update(500)
    quiet.close()
    assert piped.getvalue() == ""


def test_outputs_never_leave_the_folder(tmp_path):
    for name in ("../x.csv", "a/b.csv", "..", ""):
        with pytest.raises(ValueError, match="would leave the output folder"):
            write_all(tmp_path / "out", {name: "x"})
    assert not (tmp_path / "x.csv").exists()


def test_a_point_whose_design_lacks_another_points_metric_is_still_valid(registry):
    """The ground on the grid reports no storage metrics that the ground on solar with storage does: each point is
    what `sandbox run` gives for its own value. Before, every ground row of such a sweep was marked invalid
    ("impossible inputs"), and the summary dropped the ground while still showing the others' ratios to it."""
    base = {"workload": {"sustained_compute": "10 PFLOPS"}, "architectures": {"ground": {}}}
    res = batch.evaluate_points(validate(base, registry), registry,
                                {"ground.power": study._as_array(["grid", "solar-storage"])}, 2)
    cols = res.columns["ground"]
    assert cols["valid"].tolist() == [True, True]
    for i, power in enumerate(("grid", "solar-storage")):
        one = evaluate(validate({**base, "architectures": {"ground": {"power": power}}}, registry), registry)
        assert cols["cost.per_pflop_day"][i] == pytest.approx(one.ledgers["ground"].get("cost.per_pflop_day"), rel=1e-12)


def test_a_list_parameter_can_be_swept(registry):
    """Ground stations are a list: each point's value is one list (it raised "unhashable type: 'list'"); the study
    writes it as JSON text."""
    from sandbox.studies.chunks import _column

    base = {"workload": {"sustained_compute": "10 PFLOPS"}, "architectures": {"leo": {}}}
    values = study._as_array([["SvalSat"], ["Esrange"], ["SvalSat"]])
    res = batch.evaluate_points(validate(base, registry), registry, {"leo.ground_stations": values}, 3)
    cols = res.columns["leo"]
    assert cols["valid"].tolist() == [True, True, True]
    for i, stations in enumerate((["SvalSat"], ["Esrange"])):
        one = evaluate(validate({**base, "architectures": {"leo": {"ground_stations": stations}}}, registry), registry)
        assert cols["latency.p50"][i] == pytest.approx(one.ledgers["leo"].get("latency.p50"), rel=1e-12)
    assert _column(values).to_pylist() == ['["SvalSat"]', '["Esrange"]', '["SvalSat"]']


@pytest.mark.parametrize(("values", "line"), [
    ('["550 km", "550000 m"]', "'550000 m' (item 2) repeats '550 km' (item 1)"),  # 550 km = 550,000 m
    ('["500 km", "600 km", "600 km"]', "'600 km' (item 3) repeats '600 km' (item 2)"),
])
def test_a_grid_value_given_twice_is_refused(write_scenario, values, line):
    """A repeated grid value evaluated the same points twice and weighed them twice in every summary."""
    path = write_scenario(LEO_GRID.format(chunk=7, steps=6).replace(
        '{ low = "500 km", high = "1000 km", steps = 6 }', f"{{ values = {values} }}"))
    res = CliRunner().invoke(cli, ["validate", str(path)])
    assert (res.exit_code, res.stderr) == (2, f"error: {path}: sweep.params.leo.altitude.values: {line}: each value "
                                              "once, or the points at it count twice in every summary\n")
    # a random draw from a list may repeat a value to weigh it
    random = path.read_text().replace('method = "grid"', 'method = "random"\npoints = 10')
    path.write_text(random)
    assert CliRunner().invoke(cli, ["validate", str(path)]).exit_code == 0


def test_a_swept_chip_without_the_workload_precision_is_refused(write_scenario):
    """A grid over LEO's chip with a TPU (bf16 and int8 only, Google Cloud TPU v6e documentation) under an fp8
    workload validated, and every TPU point then failed in the design. (A 16-bit workload runs on it at bf16.)"""
    grid = LEO_GRID.format(chunk=7, steps=6).replace(
        '"leo.altitude" = { low = "500 km", high = "1000 km", steps = 6 }',
        '"leo.chip" = { values = ["H100-SXM", "TPU-v6e"] }')
    assert CliRunner().invoke(cli, ["validate", str(write_scenario(grid))]).exit_code == 0
    path = write_scenario(grid.replace('sustained_compute = "100 PFLOPS"', 'sustained_compute = "100 PFLOPS"\nprecision = "fp8"'))
    res = CliRunner().invoke(cli, ["validate", str(path)])
    assert (res.exit_code, res.stderr) == (2, f"error: {path}: sweep.params.leo.chip.values: chip 'TPU-v6e' has no "
                                              "'fp8' figure (has: bf16, int8), and the design counts its peak at the "
                                              "workload's precision: choose a chip with it, or set workload.precision "
                                              "to one of these\n")


def test_a_swept_catalogue_figure_a_design_sized_from_is_named(registry):
    """A grid over the H100's power: the lunar hall's rim cable is sized by its design at the chips' nominal 700 W, so
    at 1000 W the sweep's lunar cost stays below a run with 1000 W in [catalogue] (which redesigns). Models defaults
    said so; catalogue figures did not. Now each architecture whose design read the entry says so; LEO on TPUs, whose
    design reads no H100 figure, does not; and a grid that leaves the figure at its nominal value names nothing."""
    import numpy as np

    from sandbox import api
    from sandbox.core.scenario import validate
    from sandbox.ledger import batch

    base = {"workload": {"sustained_compute": "10 PFLOPS"}, "architectures": {"ground": {}, "lunar": {}, "leo": {"chip": "TPU-v6e"}}}
    data = {**base, "sweep": {"method": "grid", "params": {"catalogue.chips.H100-SXM.power_w": {"values": [700, 1000]}}}}
    pts = batch.evaluate_points(validate(data, registry), registry,
                                {"catalogue.chips.H100-SXM.power_w": np.array([700.0, 1000.0])}, 2)
    note = ("its design read catalogue entry chips.H100-SXM at its nominal figures while the study moves its power_w: "
            "what the design sized or computed from them stays at those figures, and the ledger's own use of them "
            "follows each point (a run with the values in [catalogue] redesigns, so the two can differ)")
    assert note in pts.notes["lunar"] and note in pts.notes["ground"] and note not in pts.notes.get("leo", [])
    lunar = pts.columns["lunar"]["cost.per_pflop_day"]
    at_700 = api.run(base, registry).ledgers["lunar"].get("cost.per_pflop_day")
    at_1000 = api.run({**base, "catalogue": {"chips": {"H100-SXM": {"power_w": 1000}}}}, registry).ledgers["lunar"]
    assert lunar[0] == at_700 and lunar[1] < at_1000.get("cost.per_pflop_day")
    pts = batch.evaluate_points(validate(data, registry), registry,
                                {"catalogue.chips.H100-SXM.power_w": np.array([700.0, 700.0])}, 2)
    assert not any(note in n for n in pts.notes.values())


@pytest.mark.parametrize(("line", "message"), [
    # unquoted, TOML reads leo.altitude as a table leo holding a key altitude
    ('leo.altitude = { low = "500 km", high = "600 km", steps = 2 }',
     'sweep.params.leo.altitude: unknown key; expected one of high, low, scale, steps, values (a dotted name is one key '
     'in quotes: "leo.altitude" = { ... }; unquoted, TOML reads it as nested tables)'),
    # a range of one value ran its steps as that many identical points (repeated values are refused the same way)
    ('"leo.altitude" = { low = "600 km", high = "600 km", steps = 3 }',
     "sweep.params.leo.altitude.high: high equals low (600): 3 steps would evaluate the same points 3 times; give "
     "values = [<the value>] for one value"),
])
def test_a_dimension_written_as_toml_misreads_it_is_named_with_the_fix(write_scenario, line, message):
    path = write_scenario(f'[architectures.leo]\n[sweep]\nmethod = "grid"\n[sweep.params]\n{line}\n')
    res = CliRunner().invoke(cli, ["validate", str(path)])
    assert (res.exit_code, res.stderr) == (2, f"error: {path}: {message}\n")
