"""Faulty plugins, full disks and hostile scenario text: named failures, exit status, nothing half-written."""

from __future__ import annotations

import errno
import json
import os
import types

import pytest
from click.testing import CliRunner

from sandbox import hookimpl
from sandbox.cli import cli
from sandbox.core.architecture import ArchitectureSpec
from sandbox.core.design import Design, Element, PowerSystem, Site, ThermalSystem
from sandbox.core.registry import load
from sandbox.core.scenario import validate
from sandbox.ledger.engine import evaluate


def _hall(**extra):
    return Element(name="hall", count=1, chip="H100-SXM", chips_per_unit=10, utilisation=0.5,
                   site=Site("ground", kind="ground"), power=PowerSystem(source="grid-us"),
                   thermal=ThermalSystem(kind="facility", pue=1.1), **extra)


DESIGNS = {
    "wrongtype": lambda p, ctx: {"elements": []},
    "negative": lambda p, ctx: Design(elements=[_hall(extra_mass_kg={"ballast": -5.0})]),
    "nanmetric": lambda p, ctx: Design(elements=[_hall()], metrics=[__import__("sandbox").Metric(
        "x", float("nan"), "")]),
}


def faulty_plugin():
    @hookimpl
    def sandbox_register_architectures(register):
        for name, fn in DESIGNS.items():
            register(ArchitectureSpec(name, name, "faulty test architecture", (), fn))

    return types.SimpleNamespace(sandbox_register_architectures=sandbox_register_architectures)


@pytest.fixture(scope="module")
def reg():
    return load([("faulty", faulty_plugin())])


@pytest.mark.parametrize(("arch", "message"), [
    ("wrongtype", "design function returned dict, expected a sandbox.Design"),
    ("negative", "element 'hall': extra_mass_kg['ballast'] = -5.0 (must be a finite number >= 0)"),
    ("nanmetric", "design metric 'x' = nan (must be a Metric with a finite value >= 0)"),
])
def test_faulty_design_named_and_others_correct(reg, arch, message):
    result = evaluate(validate({"architectures": {"bad": {"type": arch}, "ground": {}}}, reg), reg)
    assert result.failures["bad"] == f"architecture 'bad' (plugin 'faulty'): EvaluationError: {message}"
    # the ground baseline is unaffected: 100 PFLOP/s default workload, H100 989.4 TFLOP/s FP16 dense
    assert result.ledgers["ground"].get("compute.delivered") >= 100.0
    assert result.ledgers["ground"].get("compute.chips") == 338  # tests/test_hooks.py: hand calculation


def _faulty_module(tmp_path, monkeypatch):
    (tmp_path / "faulty_mod.py").write_text(
        "from sandbox import hookimpl\nfrom sandbox.core.architecture import ArchitectureSpec\n\n"
        "def boom(p, ctx):\n    raise RuntimeError('melted')\n\n"
        "@hookimpl\ndef sandbox_register_architectures(register):\n"
        "    register(ArchitectureSpec('boom', 'Boom', 'raises', (), boom))\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    scenario = tmp_path / "s.toml"
    scenario.write_text("[architectures.b]\ntype = 'boom'\n[architectures.ground]\n")
    return scenario


def test_exit_status_says_something_failed(tmp_path, monkeypatch):
    scenario = _faulty_module(tmp_path, monkeypatch)
    r = CliRunner().invoke(cli, ["--plugin", "faulty_mod", "run", str(scenario), "--format", "json"], obj={})
    assert r.exit_code == 1
    assert "error: architecture 'b' (plugin 'faulty_mod'): RuntimeError: melted" in r.stderr
    assert json.loads(r.stdout)["failures"] == {"b": "architecture 'b' (plugin 'faulty_mod'): RuntimeError: melted"}
    r = CliRunner().invoke(cli, ["--plugin", "faulty_mod", "run", str(scenario), "--keep-going"], obj={})
    assert r.exit_code == 0
    assert "FAILED [b]: architecture 'b' (plugin 'faulty_mod'): RuntimeError: melted" in r.stdout


def test_full_disk_leaves_the_output_folder_as_it_was(tmp_path, monkeypatch):
    out = tmp_path / "out"
    default = os.path.join(os.path.dirname(__file__), "..", "scenarios", "default.toml")
    assert CliRunner().invoke(cli, ["run", default, "--out", str(out)], obj={}).exit_code == 0  # a previous run
    (out / "results.json").write_text("previous run")
    before = sorted(p.name for p in out.iterdir())
    calls = {"n": 0}
    real_fsync = os.fsync

    def fsync(fd):
        calls["n"] += 1
        if calls["n"] == 3:  # the third staged file hits a full disk
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    r = CliRunner().invoke(cli, ["run", default, "--out", str(out)], obj={})
    assert r.exit_code == 2
    assert r.stderr.strip() == f"error: --out {out}: cannot write: No space left on device"
    assert sorted(p.name for p in out.iterdir()) == before  # no temp files, no partial set
    assert (out / "results.json").read_text() == "previous run"


def test_scenario_text_is_never_executed(tmp_path):
    marker = tmp_path / "pwned"
    scenario = tmp_path / "s.toml"
    scenario.write_text(f"[architectures.ground]\npue = \"__import__('os').system('touch {marker}')\"\n")
    r = CliRunner().invoke(cli, ["run", str(scenario)], obj={})
    assert r.exit_code == 2
    assert "architectures.ground.pue: expected a number" in r.stderr
    assert not marker.exists()
