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


def _two_files(tmp_path, monkeypatch):
    """A.toml and B.toml with the failing 'b', a LEO cluster and the ground; B at a 5 % discount rate."""
    a = _faulty_module(tmp_path, monkeypatch)
    a.write_text("[architectures.b]\ntype = 'boom'\n[architectures.leo]\n[architectures.ground]\n")
    b = tmp_path / "b.toml"
    b.write_text(a.read_text() + "[assumptions]\ndiscount_rate = 0.05\n")
    clean = tmp_path / "clean"  # the same two files without the failing architecture
    clean.mkdir()
    for f in (a, b):
        (clean / f.name).write_text(f.read_text().replace("[architectures.b]\ntype = 'boom'\n", ""))
    return a, b, clean


def test_bridge_goes_past_a_failing_architecture(tmp_path, monkeypatch):
    a, b, clean = _two_files(tmp_path, monkeypatch)
    melted = f"b fails in {a}: architecture 'b' (plugin 'faulty_mod'): RuntimeError: melted"
    r = CliRunner().invoke(cli, ["--plugin", "faulty_mod", "bridge", str(a), str(b), "--format", "json"], obj={})
    assert r.exit_code == 1
    assert r.stderr.strip() == f"error: {melted}; the others are bridged"
    doc = json.loads(r.stdout)
    assert doc["failures"] == {"b": melted}
    # the others are bridged exactly as in the files without 'b' (no fault changes another's numbers)
    ref = json.loads(CliRunner().invoke(cli, ["bridge", str(clean / a.name), str(clean / b.name), "--format",
                                              "json"], obj={}).stdout)
    assert [x["architecture"] for x in doc["bridges"]] == ["leo", "ground"]
    for got, want in zip(doc["bridges"], ref["bridges"], strict=True):
        assert (got["a"], got["b"], got["inputs"]) == (want["a"], want["b"], want["inputs"])
    r = CliRunner().invoke(cli, ["--plugin", "faulty_mod", "bridge", str(a), str(b), "--keep-going"], obj={})
    assert r.exit_code == 0 and r.stdout.startswith("leo: cost.per_pflop_day from ")
    # only the failing one asked for: nothing to bridge, the failure and exit 1
    r = CliRunner().invoke(cli, ["--plugin", "faulty_mod", "bridge", str(a), str(b), "--architecture", "b"], obj={})
    assert (r.exit_code, r.stdout, r.stderr.strip()) == (1, "", f"error: {melted}")


def test_timeline_and_sensitivity_say_failed_not_never(tmp_path, monkeypatch):
    a, _b, clean = _two_files(tmp_path, monkeypatch)
    r = CliRunner().invoke(cli, ["--plugin", "faulty_mod", "timeline", str(a), "--draws", "20"], obj={})
    assert r.exit_code == 1
    assert "  b              failed in every draw (the error is below)" in r.stdout.splitlines()
    assert "  year        leo     ground" in r.stdout.splitlines()  # no column of dashes for 'b'
    doc = json.loads(CliRunner().invoke(cli, ["--plugin", "faulty_mod", "timeline", str(a), "--draws", "20",
                                              "--format", "json", "--keep-going"], obj={}).stdout)
    ref = json.loads(CliRunner().invoke(cli, ["timeline", str(clean / a.name), "--draws", "20", "--format", "json"],
                                        obj={}).stdout)
    row = {c["architecture"]: c for c in doc["crossover"]}
    assert row["b"]["failed_fraction"] == 1.0 and row["b"]["never_fraction"] is None  # NaN: not "never"
    assert row["leo"] == {**ref["crossover"][0], "failed_fraction": 0.0}
    r = CliRunner().invoke(cli, ["--plugin", "faulty_mod", "sensitivity", str(a)], obj={})
    assert r.exit_code == 1
    assert "b (boom): failed at the nominal inputs (the error is below)" in r.stdout.splitlines()
    assert "no input moves it" not in r.stdout


def test_compare_names_the_file_of_a_failure(tmp_path, monkeypatch):
    a, _b, clean = _two_files(tmp_path, monkeypatch)
    r = CliRunner().invoke(cli, ["--plugin", "faulty_mod", "compare", str(a), str(clean / a.name)], obj={})
    assert r.exit_code == 1
    assert r.stderr == f"error: {a}: architecture 'b' (plugin 'faulty_mod'): RuntimeError: melted\n"
