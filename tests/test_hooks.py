"""The evaluation-phase hooks, with real numbers: sandbox_extra_metrics and sandbox_run_finished.

Hand calculation of the ground baseline used throughout (100 PFLOP/s fp16 inference, defaults):
- H100-SXM: 989.4e12 FLOP/s dense fp16, 700 W, 1.2 kg (catalogue); its DGX H100 host per GPU:
  10.2 kW / 8 - 700 W = 575 W and 130.45 kg / 8 - 1.2 kg = 15.10625 kg (NVIDIA DGX H100 datasheet);
- utilisation 0.30 (compute.utilisation_inference); failures 0.105686 per chip-year repaired on site
  within 3 days: availability 1 - 0.105686 x 3 / 365.25 = 0.999132;
- per chip 989.4e12 x 0.30 x 0.999132 = 296.562e12 FLOP/s -> ceil(1e17 / 296.562e12) = 338 chips;
- delivered 338 x 296.562e12 = 100.238 PFLOP/s; IT load 338 x (700 + 575) W = 0.43095 MW;
- mass on the ground: chips and hosts, 338 x (1.2 + 15.10625) kg = 5,511.51 kg.
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
    # 5,511.51 kg / 100.238 PFLOP/s = 54.984 kg per PFLOP/s
    assert ground.get("mass.total") == pytest.approx(5.5115125)
    assert ground.get("ratio.kg_per_pflops") == pytest.approx(54.984, rel=1e-4)
    assert ground.metric("ratio.kg_per_pflops").unit == "kg/(PFLOP/s)"
    # the hook got the instance name, the design the plugin returned, the ledger and the context
    ((architecture, design, ledger, context),) = seen
    assert architecture == "ground" and context.instance == "ground"
    assert design.elements[0].chips_per_unit == 338
    assert ledger.instance == "ground" and ledger.get("mass.total") == ground.get("mass.total")
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
    # 0.43095 MW x 0.1 = 0.043095 MW; 0.43095 MW x 0.58 = 0.249951 MW (= the engine's cooling power)
    assert ground.get("facility.overhead") == pytest.approx(0.043095)
    assert legacy.get("facility.overhead") == pytest.approx(0.249951)
    assert legacy.get("facility.overhead") == pytest.approx(legacy.get("thermal.cooling_power"))


def test_extra_metrics_returning_none_adds_nothing():
    reg = api.registry([("quiet", plugin(sandbox_extra_metrics=lambda ledger: None))])
    plain = api.run(SCENARIO, api.registry())
    quiet = api.run(SCENARIO, reg)
    assert [m.name for m in quiet.ledgers["ground"].metrics] == [m.name for m in plain.ledgers["ground"].metrics]


def test_another_plugins_failing_extra_metric_leaves_the_ledger_with_a_note():
    def picky(architecture, ledger):
        if architecture == "ground_legacy":
            raise ValueError("no PUE above 1.5, please")
        return [Metric("picky.ok", 1.0, "")]

    plain = api.run(TWO_GROUNDS, api.registry())
    result = api.run(TWO_GROUNDS, api.registry([("picky", plugin(sandbox_extra_metrics=picky))]))
    assert result.failures == {} and sorted(result.ledgers) == ["ground", "ground_legacy"]
    legacy = result.ledgers["ground_legacy"]
    assert not legacy.has("picky.ok") and result.ledgers["ground"].get("picky.ok") == 1.0
    assert any("plugin 'picky' failed in sandbox_extra_metrics: ValueError: no PUE above 1.5" in n for n in legacy.notes)
    # picky does not own the ground architecture: the legacy hall's numbers are exactly the plain run's
    assert [(m.name, m.value) for m in legacy.metrics] == [(m.name, m.value) for m in plain.ledgers["ground_legacy"].metrics]


def test_the_owners_failing_extra_metric_fails_its_architecture_only():
    import dataclasses

    from sandbox_plugins import ground as builtin_ground

    def sandbox_register_architectures(register):  # the ground hall under another name, owned by this plugin
        register(dataclasses.replace(builtin_ground.SPEC, name="hall", baseline=False))

    def sandbox_extra_metrics(architecture, ledger):
        if ledger.architecture == "hall":
            raise ValueError("no PUE above 1.5, please")

    reg = api.registry([("hall-plugin", plugin(sandbox_register_architectures=sandbox_register_architectures,
                                                sandbox_extra_metrics=sandbox_extra_metrics))])
    result = api.run({**TWO_GROUNDS, "architectures": {"ground": {}, "legacy_hall": {"type": "hall", "pue": 1.58}}}, reg)
    assert list(result.ledgers) == ["ground"]
    assert "plugin 'hall-plugin' failed in sandbox_extra_metrics: ValueError: no PUE above 1.5" in result.failures["legacy_hall"]
    assert result.ledgers["ground"].get("compute.delivered") == pytest.approx(100.238, rel=1e-4)


# ------------------------------------------------------------------ sandbox_run_finished
def test_run_finished_receives_the_run_result_with_its_ledgers():
    results = []
    reg = api.registry([("collector", plugin(sandbox_run_finished=lambda result: results.append(result)))])
    returned = api.run(TWO_GROUNDS, reg)
    (result,) = results  # once per run
    # each plugin gets its own copy (what it does to it changes neither the output nor another plugin's)
    assert result is not returned and isinstance(result, RunResult)
    assert {n: [(m.name, m.value) for m in lg.metrics] for n, lg in result.ledgers.items()} == {
        n: [(m.name, m.value) for m in lg.metrics] for n, lg in returned.ledgers.items()}
    assert sorted(result.ledgers) == ["ground", "ground_legacy"]
    assert result.failures == {} and result.baseline == "ground"
    assert result.scenario.workload.sustained_flops == pytest.approx(1e17)
    # both instances size 338 chips and deliver 100.238 PFLOP/s; only the facility differs
    for ledger in result.ledgers.values():
        assert ledger.get("compute.chips") == 338
        assert ledger.get("compute.delivered") == pytest.approx(100.238, rel=1e-4)
    # grid power 0.43095 MW x 1.1 = 0.474045 MW and x 1.58 = 0.680901 MW
    assert result.ledgers["ground"].get("power.grid") == pytest.approx(0.474045)
    assert result.ledgers["ground_legacy"].get("power.grid") == pytest.approx(0.680901)
    # it fires after the baseline-relative metrics: the legacy hall's energy use is 1.58 / 1.1 of the baseline's
    assert result.ledgers["ground_legacy"].get("energy.use.vs_baseline") == pytest.approx(1.58 / 1.1)
    assert result.provenance["baseline"] == "ground"


def test_run_finished_also_fires_when_an_architecture_failed():
    from sandbox.core.architecture import ArchitectureSpec

    def melt(p, ctx):
        raise RuntimeError("melted")

    results = []
    scenario = {**TWO_GROUNDS, "architectures": {"ground": {}, "broken": {"type": "melting"}}}
    reg = api.registry([("collector", plugin(sandbox_run_finished=lambda result: results.append(result))),
                        ("melting", plugin(sandbox_register_architectures=lambda register: register(
                            ArchitectureSpec("melting", "Melting", "raises", (), melt))))])
    api.run(scenario, reg)
    (result,) = results
    assert list(result.failures) == ["broken"]
    assert result.ledgers["ground"].get("compute.chips") == 338


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

    # once, with the ground ledger (338 chips), and results.json not yet written at that moment
    assert finish_probe.SEEN == [(["ground"], 338, False)]
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
    assert "metrics_probe" in names("sandbox_extra_metrics") and "catalogue" not in names("sandbox_extra_metrics")
    assert "metrics_probe" in names("sandbox_run_finished")
    arch = names("sandbox_register_architectures")
    assert "ground" in arch and "metrics_probe" not in arch and "catalogue" not in arch
    assert "catalogue" in names("sandbox_register_catalogues")
    bad = CliRunner().invoke(cli, ["plugins", "--hook", "sandbox_extra_metric"], obj={})
    assert bad.exit_code == 2 and "no hook named 'sandbox_extra_metric'" in bad.output
