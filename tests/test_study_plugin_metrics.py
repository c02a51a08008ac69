"""Plugin metrics in a study: the built-ins' arithmetic broadcasts over points, and a failing
plugin call keeps nothing of the study alive.

Two faults found together by a study whose memory grew with every chunk (a 600,000-point Monte
Carlo of the LEO scenario in 30 chunks of 20,000: 505 MB after the first chunk, 2,005 MB after the
30th; with the fixes 557 MB after the third and 554 MB after the 30th):

1. The built-in plugins' ``sandbox_extra_metrics`` compared or converted ledger values as Python
   floats (``if n <= 0``, ``float(...)``, ``max(...)``). In a study those values are arrays of one
   value per point, so every call raised and the engine fell back, as documented, to the plugin's
   metrics at the nominal ledger: per-satellite and per-module figures, the Lagrange transfer time
   and the SBSP years to service were constants in every sweep.
2. The engine kept each failure with its traceback. The traceback's frames hold the plugin's
   locals (the study's arrays) and the calling frame, which refers back to the failure: a
   reference cycle freed only by the cyclic garbage collector, so each chunk's arrays outlived it.
"""

from __future__ import annotations

import gc
import types
import weakref

import numpy as np
import pytest

from sandbox import api, hookimpl
from sandbox.ledger.batch import evaluate_points

NOMINAL_NOTE = "evaluated at the nominal ledger"
PMAD = np.array([0.80, 0.85, 0.95])  # models.power.pmad_efficiency, its sourced range and nominal (SMAD §11.4)


def _points(path: str) -> tuple:
    reg = api.registry()
    scenario = api.load(path, reg)
    return evaluate_points(scenario, reg, {"models.power.pmad_efficiency": PMAD}, len(PMAD), 120.0), scenario


def test_leo_per_satellite_figures_follow_each_point_of_a_study():
    res, _ = _points("scenarios/default.toml")
    assert not any(NOMINAL_NOTE in n for notes in res.notes.values() for n in notes), res.notes
    leo = res.columns["leo"]
    # the hook's definition, point by point: sat.mass (kg) = mass.total (t) × 1000 / compute.units
    np.testing.assert_allclose(leo["sat.mass"], leo["mass.total"] * 1e3 / leo["compute.units"], rtol=1e-12)
    np.testing.assert_allclose(leo["sat.power_load"], leo["power.load"] * 1e3 / leo["compute.units"], rtol=1e-12)
    # a less efficient power path needs a larger array: 0.80 against 0.95 -> the array grows by at
    # least 0.95 / 0.80 - 1 = 18.75 % per unit of load it must carry
    assert leo["sat.array_area"][0] > leo["sat.array_area"][2] * 1.18
    assert len(set(np.round(leo["sat.mass"], 9))) == 3
    # a plugin metric keeps the unit its plugin gave (sensitivity printed "()" for it), an engine metric the engine's
    assert (res.unit("sat.mass"), res.unit("sat.power_load"), res.unit("mass.total")) == ("kg", "kW", "t")


def test_starship_and_lagrange_campaign_figures_broadcast():
    res, _ = _points("scenarios/default.toml")
    ship, lag = res.columns["starship"], res.columns["lagrange"]
    # module.mass (t) = mass.total (t) / module count, at every point
    count = ship["mass.total"] / ship["module.mass"]
    assert np.allclose(count, np.round(count[0])) and round(count[0]) >= 1
    assert len(set(np.round(ship["module.mass"], 9))) == 3
    # the Lagrange station's campaign: (flights + tanker flights) / cadence, the same cadence at every point
    campaign = lag["time.launch_campaign"]
    cadence = (lag["launch.flights"] + lag["launch.tanker_flights"]) / campaign
    np.testing.assert_allclose(cadence, cadence[0], rtol=1e-12)


@pytest.mark.parametrize("path", ["scenarios/sbsp_ground_dc.toml", "scenarios/lagrange_station.toml",
                                  "scenarios/starship_1gw.toml", "scenarios/orbital_servicing.toml"])
def test_no_builtin_plugin_falls_back_to_its_nominal_metrics(path):
    res, _ = _points(path)
    assert res.errors == {}
    assert not any(NOMINAL_NOTE in n for notes in res.notes.values() for n in notes), res.notes


def test_sbsp_years_to_service_is_the_latest_of_build_grid_wait_and_campaign_at_each_point():
    res, _ = _points("scenarios/sbsp_ground_dc.toml")
    sbsp = res.columns["sbsp"]
    years = sbsp["time.years_to_service"]
    assert np.all(years >= sbsp["time.launch_campaign"])
    assert years.shape == (3,)


def test_a_failing_plugin_call_keeps_no_reference_cycle_to_its_arrays():
    seen: dict = {}

    def sandbox_extra_metrics(architecture, design, ledger, context):
        values = np.ones(250_000)  # 2 MB in the failing frame's locals, as a study's column would be
        seen.setdefault("refs", []).append(weakref.ref(values))
        raise ValueError("does not broadcast")

    ns = types.SimpleNamespace(__name__="failing", sandbox_extra_metrics=hookimpl(sandbox_extra_metrics))
    reg = api.registry([("failing", ns)])
    scenario = {"workload": {"sustained_compute": "100 PFLOPS"}, "architectures": {"ground": {}}}
    gc.collect()
    gc.disable()  # only reference counting may free the arrays
    try:
        result = api.run(scenario, reg)
        alive = [r for r in seen["refs"] if r() is not None]
    finally:
        gc.enable()
    assert seen["refs"] and alive == []
    # the failure is still reported by its message (the plugin's metrics left out, the ledger unchanged)
    assert any("plugin 'failing' failed in sandbox_extra_metrics: ValueError: does not broadcast" in n
               for n in result.ledgers["ground"].notes)


# ----------------------------------------------------------------- a plugin whose arithmetic is scalar only
SCALAR_PLUGIN = '''
from sandbox import Metric, hookimpl


@hookimpl
def sandbox_extra_metrics(architecture, design, ledger, context):
    if architecture != "leo":
        return None
    return [Metric("haps.x", 2.0 * float(ledger.get("cost.annual")), "MUSD/yr", ("cost.annual",), "Assumption: test")]
'''

STUDY = """
[study]
name = "scalar plugin"
seed = 1
[workload]
sustained_compute = "100 PFLOPS"
[architectures.ground]
[architectures.leo]
[sweep]
method = "grid"
[sweep.params]
"models.cost.hardware_usd_per_kg_mass_produced" = { steps = 3 }
"""

NOMINAL_WARNING = ("warning: leo: plugin metrics evaluated at the nominal ledger (a plugin's arithmetic did not "
                   "broadcast over points)")
#: sensitivity moves the query processing time, which LEO's design reads for the latency metrics it computes itself
DESIGN_READ_WARNING = ("warning: leo: its design read links.query_processing_time_s at the nominal value: the metrics it "
                       "computes from them (latency.coverage, latency.in_contact, latency.best, latency.within_target "
                       "and 2 more) stay there, while the ledger's own use of them follows each point (a run with the "
                       "value in [models] redesigns)")


@pytest.fixture
def scalar_plugin(tmp_path, monkeypatch):
    """``scalar_haps`` on sys.path (a metric hook doing ``float(ledger.get(...))``) and the study scenario."""
    (tmp_path / "scalar_haps.py").write_text(SCALAR_PLUGIN)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("SANDBOX_CLI_CACHE", "0")
    path = tmp_path / "study.toml"
    path.write_text(STUDY)
    return path


def fmt(value: float) -> str:
    from sandbox.output.report import fmt as report_fmt

    return report_fmt(value)


def _cli(*args: str):
    from click.testing import CliRunner

    from sandbox.cli import cli

    return CliRunner().invoke(cli, list(args), obj={})


def test_sweep_reports_plugin_metrics_evaluated_at_the_nominal_ledger(scalar_plugin, tmp_path):
    """Before: the note was dropped with each chunk; no warning, nothing in manifest.json."""
    import json

    out = tmp_path / "out"
    args = ("--plugin", "scalar_haps", "sweep", str(scalar_plugin), "--out", str(out), "--workers", "1",
            "--no-figures", "--chunk", "2")
    res = _cli(*args)
    assert res.exit_code == 0, res.output
    assert res.stderr.splitlines() == [NOMINAL_WARNING]  # once, though two chunks carried it
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["notes"] == {"leo": [NOMINAL_WARNING.removeprefix("warning: leo: ")]}
    from sandbox.output.html import render_study

    report = render_study("notes", manifest, {}, {})  # the study's report shows the note beside the failures
    assert '<h3>Notes</h3><div class="note" data-noted="leo"><strong>leo</strong>: plugin metrics evaluated' in report
    again = _cli(*args)  # finished: the notes come back from the journal
    assert again.exit_code == 0 and again.stderr.splitlines() == [NOMINAL_WARNING]
    clean = _cli("sweep", str(scalar_plugin), "--out", str(tmp_path / "clean"), "--workers", "1", "--no-figures")
    assert clean.exit_code == 0 and clean.stderr == ""
    assert json.loads((tmp_path / "clean" / "manifest.json").read_text())["notes"] == {}


def test_sensitivity_says_a_nominal_only_metric_was_not_evaluated_per_point(scalar_plugin):
    """Before: 'no input moves it' for leo and ground alike, and no warning."""
    import json

    reg = api.registry([("scalar_haps", __import__("scalar_haps"))])
    nominal = api.run(api.load(str(scalar_plugin), reg), reg).ledgers["leo"]
    res = _cli("--plugin", "scalar_haps", "sensitivity", str(scalar_plugin), "--metric", "haps.x")
    assert res.exit_code == 0, res.output
    assert sorted(res.stderr.splitlines()) == sorted([NOMINAL_WARNING, DESIGN_READ_WARNING])
    assert "no input moves it" not in res.stdout
    assert "\nground (ground): does not report haps.x\n" in res.stdout
    haps = fmt(2.0 * nominal.get("cost.annual"))  # 120 MUSD/yr at this writing
    assert (f"leo (leo): nominal {haps} MUSD/yr\n  not evaluated per point: leo's plugin metrics were evaluated at "
            "the nominal ledger only") in res.stdout
    doc = json.loads(_cli("--plugin", "scalar_haps", "sensitivity", str(scalar_plugin), "--metric", "haps.x",
                          "--format", "json").stdout)
    assert doc["not_per_point"] == ["leo"] and doc["not_reported"] == ["ground"]
    leo = [r for r in doc["rows"] if r["architecture"] == "leo"]
    assert leo and all(r["metric_nominal"] == pytest.approx(2.0 * nominal.get("cost.annual"), rel=1e-9) for r in leo)


def test_sensitivity_names_the_architectures_that_do_not_report_the_metric(scalar_plugin):
    """Before: 'ground (ground): nominal – kg / no input moves it' for a metric only LEO reports."""
    reg = api.registry()
    nominal = api.run(api.load(str(scalar_plugin), reg), reg).ledgers["leo"].get("sat.mass")  # 695 kg at this writing
    res = _cli("sensitivity", str(scalar_plugin), "--metric", "sat.mass", "--top", "2")
    assert res.exit_code == 0, res.output
    assert res.stderr.splitlines() == [DESIGN_READ_WARNING]
    ground, leo = res.stdout.split("\n\n")[1:]
    assert ground == "ground (ground): does not report sat.mass"
    assert leo.startswith(f"leo (leo): nominal {fmt(nominal)} kg\n  input ") and "more inputs move it" in leo
