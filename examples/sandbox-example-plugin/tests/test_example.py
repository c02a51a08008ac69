"""Tests of the example plugin, as its author would write them: install it, then run scenarios.

``pip install -e examples/sandbox-example-plugin`` first: these tests use the installed entry
point (that is what users get), so they pass no ``plugins=`` to ``sandbox_run``. The
``sandbox_run`` fixture comes with ``space-sandbox`` (a pytest plugin; nothing to import).

Hand-calculation inputs (catalogue and cited defaults):
- NVIDIA Jetson AGX Orin 64GB: 42.5 TFLOP/s dense fp16, 60 W at MAXN (catalogue ``AGX-Orin-64GB``);
- pod power 20 kW (Uptime Institute 2023) -> floor(20,000 W / 60 W) = 333 modules per pod;
- pods sized by the engine (``ctx.units_for_workload``): on the ground its chain changes per-pod compute
  only by a share below 1e-6 (single events), far from moving a ceil;
- utilisation 0.30 (shared default ``compute.utilisation_inference``), no failures modelled;
- PUE 1.58 (Uptime Institute 2023 industry average, shared default ``thermal.pue_industry_average``).
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

import pytest

from sandbox import api

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "example.toml"


def test_edgepods_sized_to_the_workload(sandbox_run):
    result = sandbox_run("""
        [workload]
        sustained_compute = "10 PFLOPS"
        precision = "fp16"
        [architectures.edgepod]
    """)
    assert result.failures == {}
    pods = result.ledgers["edgepod"]
    # per pod: 333 x 42.5e12 x 0.30 = 4.24575 PFLOP/s; pods = ceil(10 / 4.24575) = ceil(2.355) = 3
    assert pods.get("compute.units") == 3
    assert pods.get("compute.chips") == 999
    assert pods.get("edge.modules_per_pod") == 333
    # 3 x 4.24575 = 12.73725 PFLOP/s delivered
    assert pods.get("compute.delivered") == pytest.approx(12.73725)
    # IT load 999 x 60 W = 59.94 kW; the grid supplies 59.94 kW x PUE 1.58 = 94.7052 kW
    assert pods.get("power.load") == pytest.approx(0.05994)
    assert pods.get("power.grid") == pytest.approx(0.0947052)
    # latency as for every architecture: 30 ms of user network + no path on the ground + 5 s of processing
    assert pods.get("latency.p50") == pytest.approx(5.03)
    assert pods.get("time.years_to_service") == pytest.approx(0.5)


def test_pod_power_override_changes_the_pod_size(sandbox_run):
    result = sandbox_run({"workload": {"sustained_compute": "10 PFLOPS"},
                          "architectures": {"edgepod": {"pod_power": "40 kW"}}})
    pods = result.ledgers["edgepod"]
    # floor(40,000 / 60) = 666 modules per pod -> 8.4915 PFLOP/s per pod -> ceil(10 / 8.4915) = 2 pods
    assert pods.get("compute.chips") == 2 * 666
    # 1,332 x 42.5e12 x 0.30 = 16.983 PFLOP/s
    assert pods.get("compute.delivered") == pytest.approx(16.983)


def test_scenario_file_runs_next_to_the_ground_baseline():
    result = api.run(SCENARIO)
    assert sorted(result.ledgers) == ["edgepod", "ground"]
    assert result.baseline == "ground"
    # Edge pods: 12.73725 PFLOP/s as above. Ground (built-in): 989.4e12 x 0.30 x 0.999132 availability
    # (0.105686 failures per chip-year repaired within 3 days) = 296.56 TFLOP/s per H100;
    # ceil(10e15 / 296.56e12) = 34 chips -> 34 x 296.56e12 = 10.083 PFLOP/s.
    assert result.ledgers["edgepod"].get("compute.delivered") == pytest.approx(12.73725)
    assert result.ledgers["ground"].get("compute.chips") == 34
    assert result.ledgers["ground"].get("compute.delivered") == pytest.approx(10.0831, rel=1e-4)
    # the same latency envelope as the baseline: 5.03 s / 5.03 s
    assert result.ledgers["edgepod"].get("latency.p50.vs_baseline") == pytest.approx(1.0)


def test_installed_through_the_sandbox_entry_point_group():
    (ep,) = [e for e in metadata.entry_points(group="sandbox") if e.name == "example"]
    assert ep.value == "sandbox_example_plugin"
    assert (ep.dist.name, ep.dist.version) == ("sandbox-example-plugin", "0.1.0")
    reg = api.registry()
    assert reg.architecture_owner["edgepod"] == "example"
    (info,) = [p for p in reg.plugins if p.name == "example"]
    assert info.hooks == ["sandbox_register_architectures"]
