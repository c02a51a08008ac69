"""The plugin contract: discovery, loud failures that name the plugin, registrations."""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
import types

import pytest

from sandbox import api, hookimpl
from sandbox.core import hookspecs
from sandbox.core.catalogue import Chip
from sandbox.core.registry import load


def plugin(name: str, **hooks) -> types.SimpleNamespace:
    ns = types.SimpleNamespace(__name__=name)
    for hook, fn in hooks.items():
        setattr(ns, hook, hookimpl(fn))
    return ns


def test_every_hook_is_documented_with_when_it_fires():
    specs = [f for n, f in vars(hookspecs).items() if n.startswith("sandbox_") and inspect.isfunction(f)]
    assert len(specs) == 6
    for spec in specs:
        doc = inspect.getdoc(spec) or ""
        assert "Fires" in doc, spec.__name__
        for arg in inspect.signature(spec).parameters:
            assert f"``{arg}``" in doc or f"``{arg}(" in doc, (spec.__name__, arg)


def _error_of(reg, name: str) -> str:
    """The load error of plugin ``name`` (a broken plugin is dropped and named; the others load)."""
    errors = {info.name: info.error for info in reg.load_errors}
    assert name in errors, errors
    assert "ground" in reg.architectures and reg.catalogues.chips["H100-SXM"].cost_usd > 0  # the others stand
    return errors[name]


def test_unknown_hook_fails_loudly_and_names_the_plugin():
    def sandbox_register_architecturs(register):  # misspelt
        pass

    reg = load([("typo-plugin", plugin("typo", sandbox_register_architecturs=sandbox_register_architecturs))])
    assert "sandbox_register_architecturs" in _error_of(reg, "typo-plugin")
    assert not reg.pm.has_plugin("typo-plugin")


def test_duplicate_architecture_names_both_plugins(registry):
    spec = registry.architectures["ground"]

    def sandbox_register_architectures(register):
        register(spec)

    reg = load([("copycat", plugin("copycat", sandbox_register_architectures=sandbox_register_architectures))])
    assert _error_of(reg, "copycat") == "plugin 'copycat' registered architecture 'ground', already registered by plugin 'ground'"
    assert reg.architecture_owner["ground"] == "ground"


def test_catalogue_clash_and_replace(tmp_path):
    h100 = Chip("H100-SXM", peak_ops_per_s={"fp16": 1.0e15}, power_w=700.0, mass_kg=2.0, cost_usd=1.0,
                sources={"peak_ops_per_s": "test"})

    def clash(register):
        register(h100)

    def replace(register):
        register(h100, replace=True)

    reg = load([("clash", plugin("clash", sandbox_register_catalogues=clash))])
    assert _error_of(reg, "clash").startswith("plugin 'clash' registered chip 'H100-SXM', already registered by plugin 'catalogue'")
    assert reg.catalogues.chips["H100-SXM"].ops("fp16") != 1.0e15  # the clashing entry is not kept
    reg = load([("override", plugin("override", sandbox_register_catalogues=replace))])
    assert reg.catalogues.chips["H100-SXM"].ops("fp16") == 1.0e15
    assert reg.catalogues.owner[("chips", "H100-SXM")] == "override"
    # every architecture computing on the H100 now uses the replacement: a run records it in its provenance and
    # warns, also when a scenario's [catalogue] table changes the replaced entry further (that is no replacement)
    scenario = {"workload": {"sustained_compute": "1 PFLOPS"}, "architectures": {"ground": {}},
                "catalogue": {"chips": {"H100-SXM": {"cost_usd": 2.0}}}}
    result = api.run(scenario, reg)
    assert result.provenance["replaced_catalogue"] == {"chips.H100-SXM": {"by": "override", "was": "catalogue"}}
    replaced = ("catalogue entry chips.H100-SXM is plugin 'override''s replacement of plugin 'catalogue''s: every "
                "architecture that reads it uses the replacement")
    assert replaced in result.warnings
    # the studies say so too, and compute on the replacement's 1 PFLOP/s: 1e15 / (1e15 x 0.30 utilisation x 0.999132
    # availability, the failure rate rounded to 6 digits) = 3.34 -> 4 chips delivering 4 x 1e15 x 0.30 x 0.999132
    # = 1.19896 PFLOP/s (H100: 1.18625)
    from sandbox.core.scenario import validate
    from sandbox.studies.sensitivity import sensitivity

    df = sensitivity(validate(scenario, reg), reg, metric="compute.delivered")
    assert df.attrs["warnings"] == [replaced]
    assert df["metric_nominal"].tolist() == pytest.approx([4 * 0.30 * (1 - 0.105686 * 3 / 365.25)] * len(df), rel=1e-6)
    # and so does the explorer (`sandbox serve`), with the same line
    from sandbox.serve.compute import Explorer
    from sandbox.serve.state import read_source

    path = tmp_path / "replaced.toml"
    path.write_text('[workload]\nsustained_compute = "1 PFLOPS"\n[architectures.ground]\n', encoding="utf-8")
    assert Explorer([read_source(0, path)], reg).evaluate(0, {})["warnings"] == [replaced]
    assert api.run({"workload": {"sustained_compute": "1 PFLOPS"}, "architectures": {"ground": {}}},
                   load()).provenance["replaced_catalogue"] == {}


def test_model_replacement_is_global_and_conflicts_name_both():
    def area(heat_w, temperature_k, emissivity, sink_temperature_k=3.0, absorbed_w_m2=0.0, sides=2):
        return heat_w / 1000.0  # 1 kW per m²

    def one(register):
        register("thermal.radiator_area_m2", area, replace=True)

    reg = load([("fastrad", plugin("fastrad", sandbox_register_models=one))])
    assert reg.models["thermal.radiator_area_m2"](5000.0, 300.0, 0.9) == 5.0
    assert reg.models.replaced == {"thermal.radiator_area_m2": "fastrad"}
    reg = load([("fastrad", plugin("a", sandbox_register_models=one)), ("fastrad2", plugin("b", sandbox_register_models=one))])
    assert "plugins 'fastrad' and 'fastrad2' both replace model 'thermal.radiator_area_m2'" in _error_of(reg, "fastrad2")
    assert reg.models.replaced == {"thermal.radiator_area_m2": "fastrad"}


def test_model_replacement_must_keep_the_signature():
    def wrong(register):
        register("thermal.radiator_area_m2", lambda q: q, replace=True)

    reg = load([("wrong", plugin("wrong", sandbox_register_models=wrong))])
    assert "must accept (heat_w, temperature_k" in _error_of(reg, "wrong")
    assert reg.models.replaced == {}


def test_a_plugin_that_raises_is_named():
    def boom(register):
        raise RuntimeError("disk on fire")

    reg = load([("boom", plugin("boom", sandbox_register_catalogues=boom))])
    assert _error_of(reg, "boom") == "sandbox_register_catalogues raised RuntimeError: disk on fire"


def test_import_failure_is_reported_and_the_rest_load(tmp_path):
    (tmp_path / "broken_plugin.py").write_text("raise ImportError('needs a missing library')\n")
    dist = tmp_path / "broken_plugin-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-plugin\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[sandbox]\nbroken = broken_plugin\n")
    env = dict(os.environ, PYTHONPATH=str(tmp_path))
    env.pop("SANDBOX_PLUGINS", None)
    proc = subprocess.run([sys.executable, "-m", "sandbox", "plugins", "--format", "json"], capture_output=True,
                          text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["load_errors"] == [{"name": "broken", "error": "ImportError: needs a missing library"}]
    assert {"ground", "catalogue"} <= {p["name"] for p in doc["plugins"]}
    assert "warning: plugin 'broken' failed to load: ImportError: needs a missing library" in proc.stderr


def test_a_module_without_hooks_asked_for_with_plugin_is_refused():
    """`--plugin os` loaded the standard library's os module as a plugin that did nothing, without a word."""
    proc = subprocess.run([sys.executable, "-m", "sandbox", "--plugin", "os", "run", "scenarios/default.toml"],
                          capture_output=True, text=True, timeout=120,
                          cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == ("error: --plugin os: implements no sandbox hook: a plugin module has functions marked "
                           "@sandbox.hookimpl, such as sandbox_register_architectures (docs/plugins.md)\n")


def test_builtins_use_only_public_hooks(registry):
    # Each built-in is registered through the entry-point group and implements only hookspec hooks.
    names = {n for n in vars(hookspecs) if n.startswith("sandbox_")}
    builtins = [info for info in registry.plugins if info.module.startswith("sandbox_plugins.")]
    assert {"catalogue", "ground"} <= {info.name for info in builtins}
    for info in builtins:
        assert info.distribution == "space-sandbox"
        assert set(info.hooks) <= names


def test_a_design_short_of_the_workload_is_noted():
    """A hall of 100 H100s at 50 % utilisation delivers 100 × 989.4 TFLOP/s dense FP16 (NVIDIA H100 SXM5 datasheet)
    × 0.5 = 49.47 PFLOP/s against 100 PFLOP/s asked: its cost per PFLOP-day holds, its totals are not the workload's,
    and a note says so with the share (49.5 %)."""
    from sandbox.core.architecture import ArchitectureSpec
    from sandbox.core.design import Design, Element, PowerSystem, Site, ThermalSystem

    def design(p, ctx):
        return Design(elements=[Element(
            name="hall", count=1, chip="H100-SXM", chips_per_unit=100, utilisation=0.5,
            site=Site("ground", kind="ground", radiation_environment="ground"),
            power=PowerSystem(source="grid-us"), thermal=ThermalSystem(kind="facility", pue=1.1))])

    def register(register):
        register(ArchitectureSpec(name="smallhall", title="Small hall", description="100 chips, whatever is asked.",
                                  params=(), design=design))

    reg = load([("small", plugin("small", sandbox_register_architectures=register))])
    result = api.run({"workload": {"sustained_compute": "100 PFLOPS"}, "architectures": {"smallhall": {}}}, reg)
    ledger = result.ledgers["smallhall"]
    assert ledger.get("compute.delivered") == pytest.approx(49.47, rel=1e-3)
    assert ("delivers 49.5 PFLOP/s, 49.5% of the 100 PFLOP/s the workload asks: its cost per PFLOP-day is for what "
            "it delivers, its totals (capex, energy, mass) are not the workload's") in ledger.notes
    assert not any(n.startswith("delivers ") for n in result.ledgers["ground"].notes)  # sized to the workload


def test_with_two_ground_instances_the_first_in_the_file_is_the_baseline_and_a_note_says_so():
    """The .vs_baseline ratios divide by the baseline: which of two ground halls that is follows the file's order, so
    the note names the rule and the other instance (a hall at PUE 1.58, the Uptime Institute 2023 survey average,
    costs more than the default's 1.1, and its ratio to the first is above 1 only while the first is the default)."""
    halls = {"lean": {"type": "ground"}, "average": {"type": "ground", "pue": 1.58}}
    first = api.run({"workload": {"sustained_compute": "1 PFLOPS"}, "architectures": halls})
    second = api.run({"workload": {"sustained_compute": "1 PFLOPS"}, "architectures": dict(reversed(halls.items()))})
    assert first.baseline == "lean" and second.baseline == "average"
    ratio = first.ledgers["average"].get("cost.per_pflop_day.vs_baseline")
    assert ratio > 1 and second.ledgers["lean"].get("cost.per_pflop_day.vs_baseline") == pytest.approx(1 / ratio)
    assert ("the baseline of every .vs_baseline ratio: the first instance in the file of an architecture that can be "
            "the baseline; average is compared with it (put the one to compare against first)") in first.ledgers["lean"].notes
