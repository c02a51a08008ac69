"""The evaluation-phase hooks, with real numbers: sandbox_extra_metrics and sandbox_run_finished.

Hand calculation of the ground baseline used throughout (100 PFLOP/s fp16 inference, defaults):
- H100-SXM: 989.4e12 FLOP/s dense fp16, 700 W, 1.2 kg, 30,000 USD (catalogue);
- utilisation 0.30 (compute.utilisation_inference); failures 0.105686 per chip-year over 5 yr:
  mean survival (1 - exp(-0.52843)) / 0.52843 = 0.77677;
- per chip 989.4e12 x 0.30 x 0.77677 = 230.56e12 FLOP/s -> ceil(1e17 / 230.56e12) = 434 chips;
- delivered 434 x 230.56e12 = 100.064 PFLOP/s; IT load 434 x 700 W = 0.3038 MW;
- mass: only the chip modules carry ledger mass on the ground: 434 x 1.2 kg = 520.8 kg.
"""

from __future__ import annotations

import json
import types

import pytest
from click.testing import CliRunner

from sandbox import api, hookimpl
from sandbox.cli import cli
from sandbox.core.design import Metric
from sandbox.ledger.engine import RunResult

SCENARIO = {"workload": {"sustained_compute": "100 PFLOPS", "precision": "fp16"}, "architectures": {"ground": {}}}
TWO_GROUNDS = {"workload": {"sustained_compute": "100 PFLOPS"},
               "architectures": {"ground": {}, "ground_legacy": {"type": "ground", "pue": 1.58}}}


def plugin(**hooks) -> types.SimpleNamespace:
    ns = types.SimpleNamespace(__name__="test_plugin")
    for name, fn in hooks.items():
        setattr(ns, name, hookimpl(fn))
    return ns


# ------------------------------------------------------------------ sandbox_extra_metrics
def test_extra_metric_kg_per_pflops_of_the_ground_baseline():
    seen = []

    def sandbox_extra_metrics(architecture, design, ledger, context):
        seen.append((architecture, design, ledger, context))
        kg = ledger.get("mass.total") * 1e3  # t -> kg
        return [Metric("ratio.kg_per_pflops", kg / ledger.get("compute.delivered"), "kg/(PFLOP/s)",
                       inputs=["mass.total", "compute.delivered"])]

    reg = api.registry([("specific-mass", plugin(sandbox_extra_metrics=sandbox_extra_metrics))])
    result = api.run(SCENARIO, reg)
    ground = result.ledgers["ground"]
    # 520.8 kg / 100.064 PFLOP/s = 5.2047 kg per PFLOP/s
    assert ground.get("mass.total") == pytest.approx(0.5208)
    assert ground.get("ratio.kg_per_pflops") == pytest.approx(5.2047, rel=1e-4)
    assert ground.metric("ratio.kg_per_pflops").unit == "kg/(PFLOP/s)"
    # the hook got the instance name, the design the plugin returned, the ledger and the context
    ((architecture, design, ledger, context),) = seen
    assert architecture == "ground" and context.instance == "ground"
    assert design.elements[0].chips_per_unit == 434
    assert ledger is ground
    assert context.workload.sustained_flops == pytest.approx(1e17)
    # it appears in the tidy records like any engine metric
    assert {"architecture": "ground", "metric": "ratio.kg_per_pflops"}.items() <= next(
        r for r in result.records() if r["metric"] == "ratio.kg_per_pflops").items()


def test_extra_metrics_fire_once_per_architecture_and_lists_concatenate():
    calls = {"a": [], "b": []}

    def pue_metric(architecture, ledger):
        calls["a"].append(architecture)
        # grid power / IT load = PUE by definition (ISO/IEC 30134-2)
        return [Metric("facility.pue", ledger.get("power.grid") / ledger.get("power.load"), "")]

    def overhead_metric(architecture, ledger):
        # every plugin sees the engine's metrics only: the lists are concatenated after all calls
        calls["b"].append((architecture, ledger.has("facility.pue")))
        # facility overhead = grid power - IT load = (PUE - 1) x IT load
        return [Metric("facility.overhead", ledger.get("power.grid") - ledger.get("power.load"), "MW")]

    reg = api.registry([("a", plugin(sandbox_extra_metrics=pue_metric)),
                        ("b", plugin(sandbox_extra_metrics=overhead_metric))])
    result = api.run(TWO_GROUNDS, reg)
    assert sorted(calls["a"]) == ["ground", "ground_legacy"]
    assert sorted(calls["b"]) == [("ground", False), ("ground_legacy", False)]
    ground, legacy = result.ledgers["ground"], result.ledgers["ground_legacy"]
    assert ground.get("facility.pue") == pytest.approx(1.1)
    assert legacy.get("facility.pue") == pytest.approx(1.58)
    # 0.3038 MW x 0.1 = 0.03038 MW; 0.3038 MW x 0.58 = 0.176204 MW (= the engine's cooling power)
    assert ground.get("facility.overhead") == pytest.approx(0.03038)
    assert legacy.get("facility.overhead") == pytest.approx(0.176204)
    assert legacy.get("facility.overhead") == pytest.approx(legacy.get("thermal.cooling_power"))


def test_extra_metrics_returning_none_adds_nothing():
    reg = api.registry([("quiet", plugin(sandbox_extra_metrics=lambda ledger: None))])
    plain = api.run(SCENARIO, api.registry())
    quiet = api.run(SCENARIO, reg)
    assert [m.name for m in quiet.ledgers["ground"].metrics] == [m.name for m in plain.ledgers["ground"].metrics]


def test_a_failing_extra_metric_fails_only_that_architecture():
    def picky(architecture, ledger):
        if architecture == "ground_legacy":
            raise ValueError("no PUE above 1.5, please")
        return [Metric("picky.ok", 1.0, "")]

    result = api.run(TWO_GROUNDS, api.registry([("picky", plugin(sandbox_extra_metrics=picky))]))
    assert list(result.ledgers) == ["ground"]
    assert "plugin 'picky' failed in sandbox_extra_metrics: ValueError: no PUE above 1.5" in result.failures["ground_legacy"]
    assert result.ledgers["ground"].get("compute.delivered") == pytest.approx(100.064, rel=1e-5)


# ------------------------------------------------------------------ sandbox_run_finished
def test_run_finished_receives_the_run_result_with_its_ledgers():
    results = []
    reg = api.registry([("collector", plugin(sandbox_run_finished=lambda result: results.append(result)))])
    returned = api.run(TWO_GROUNDS, reg)
    (result,) = results  # once per run
    assert result is returned and isinstance(result, RunResult)
    assert sorted(result.ledgers) == ["ground", "ground_legacy"]
    assert result.failures == {} and result.baseline == "ground"
    assert result.scenario.workload.sustained_flops == pytest.approx(1e17)
    # both instances size 434 chips and deliver 100.064 PFLOP/s; only the facility differs
    for ledger in result.ledgers.values():
        assert ledger.get("compute.chips") == 434
        assert ledger.get("compute.delivered") == pytest.approx(100.064, rel=1e-5)
    # grid power 0.3038 MW x 1.1 = 0.33418 MW and x 1.58 = 0.480004 MW
    assert result.ledgers["ground"].get("power.grid") == pytest.approx(0.33418)
    assert result.ledgers["ground_legacy"].get("power.grid") == pytest.approx(0.480004)
    # it fires after the baseline-relative metrics: the legacy hall's energy use is 1.58 / 1.1 of the baseline's
    assert result.ledgers["ground_legacy"].get("energy.use.vs_baseline") == pytest.approx(1.58 / 1.1)
    assert result.provenance["baseline"] == "ground"


def test_run_finished_also_fires_when_an_architecture_failed():
    results = []

    def bad_metrics(architecture):
        if architecture == "ground_legacy":
            raise RuntimeError("boom")

    reg = api.registry([("collector", plugin(sandbox_run_finished=lambda result: results.append(result),
                                             sandbox_extra_metrics=bad_metrics))])
    api.run(TWO_GROUNDS, reg)
    (result,) = results
    assert list(result.failures) == ["ground_legacy"]
    assert result.ledgers["ground"].get("compute.chips") == 434


def test_run_finished_fires_in_the_cli_before_outputs_are_written(tmp_path, monkeypatch):
    (tmp_path / "finish_probe.py").write_text(
        "import os\nfrom sandbox import hookimpl\n\nSEEN = []\n\n"
        "@hookimpl\ndef sandbox_run_finished(result):\n"
        "    SEEN.append((sorted(result.ledgers), result.ledgers['ground'].get('compute.chips'),\n"
        "                 os.path.exists(os.environ['PROBE_OUT'] + '/results.json')))\n"
    )
    scenario = tmp_path / "s.toml"
    scenario.write_text('[workload]\nsustained_compute = "100 PFLOPS"\n[architectures.ground]\n')
    out = tmp_path / "out"
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("PROBE_OUT", str(out))
    r = CliRunner().invoke(cli, ["--plugin", "finish_probe", "run", str(scenario), "--out", str(out)], obj={})
    assert r.exit_code == 0, r.output
    import finish_probe

    # once, with the ground ledger (434 chips), and results.json not yet written at that moment
    assert finish_probe.SEEN == [(["ground"], 434, False)]
    assert (out / "results.json").exists()


# ------------------------------------------------------------------ sandbox plugins --hook
def test_plugins_hook_option_lists_only_the_implementers(tmp_path, monkeypatch):
    (tmp_path / "metrics_probe.py").write_text(
        "from sandbox import hookimpl\n\n"
        "@hookimpl\ndef sandbox_extra_metrics(ledger):\n    return None\n\n"
        "@hookimpl\ndef sandbox_run_finished(result):\n    pass\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))

    def names(hook):
        r = CliRunner().invoke(cli, ["--plugin", "metrics_probe", "plugins", "--hook", hook, "--format", "json"], obj={})
        assert r.exit_code == 0, r.output
        return {p["name"] for p in json.loads(r.stdout)["plugins"]}

    r = CliRunner().invoke(cli, ["--plugin", "metrics_probe", "plugins", "--format", "json"], obj={})
    every = json.loads(r.stdout)["plugins"]
    for hook in ("sandbox_extra_metrics", "sandbox_run_finished", "sandbox_register_architectures",
                 "sandbox_register_catalogues"):
        # exactly the plugins whose hook list (in the full listing) contains the hook
        assert names(hook) == {p["name"] for p in every if hook in p["hooks"]}
    assert "metrics_probe" in names("sandbox_extra_metrics") and "ground" not in names("sandbox_extra_metrics")
    assert "metrics_probe" in names("sandbox_run_finished")
    arch = names("sandbox_register_architectures")
    assert "ground" in arch and "metrics_probe" not in arch and "catalogue" not in arch
    assert "catalogue" in names("sandbox_register_catalogues")
    bad = CliRunner().invoke(cli, ["plugins", "--hook", "sandbox_extra_metric"], obj={})
    assert bad.exit_code == 2 and "no hook named 'sandbox_extra_metric'" in bad.output
