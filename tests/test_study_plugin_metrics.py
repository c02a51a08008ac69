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
