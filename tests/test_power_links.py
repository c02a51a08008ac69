"""Power that flows between elements: energy counted once, exported power not heat, each loss where it happens.

A toy design: a power satellite (fission, through the shared PMAD efficiency 0.85) beams to a ground
hall on a facility (PUE 1.5) through three stages: DC→RF 0.8 (heat at the satellite), beam collection 0.9
(spilled into the environment) and RF→DC 0.85 (heat at the receiver: the hall). All by hand below.
"""

from __future__ import annotations

import types

import pytest

from sandbox import (
    ArchitectureSpec,
    Chip,
    Design,
    Element,
    LinkStage,
    PowerLink,
    PowerSource,
    PowerSystem,
    Site,
    ThermalSystem,
    api,
    hookimpl,
)

SRC = "round test values"  # the source of every figure of the test entries
STAGES = [LinkStage("dc to rf", 0.8, "source"), LinkStage("beam collection", 0.9, "environment"),
          LinkStage("rf to dc", 0.85, "sink")]


def _design(p, ctx):
    sat = Element(name="powersat", count=2, chip=None, chips_per_unit=0,
                  site=Site("orbit", kind="orbit", radiation_environment="geo", distance_to_earth_m=3.6e7),
                  power=PowerSystem(source="T-reactor"),
                  thermal=ThermalSystem(kind="radiator", temperature_k=300.0, emissivity=0.9, areal_density_kg_m2=5.0))
    hall = Element(name="hall", count=1, chip="T-GPU", chips_per_unit=100, utilisation=0.5,
                   site=Site("ground", kind="ground", radiation_environment="ground"),
                   power=PowerSystem(source="link"), thermal=ThermalSystem(kind="facility", pue=1.5))
    return Design(elements=[hall, sat], power_links=[PowerLink("powersat", "hall", STAGES)])


@hookimpl
def sandbox_register_catalogues(register):
    register(Chip("T-GPU", peak_ops_per_s={"fp16": 1e15}, power_w=1000.0, mass_kg=1.0, cost_usd=1e4, sources={"power_w": SRC}))
    register(PowerSource("T-reactor", kind="fission", specific_power_w_per_kg=10.0, cost_usd_per_w=1.0, sources={"kind": SRC}))


@hookimpl
def sandbox_register_architectures(register):
    register(ArchitectureSpec("beamed", "Beamed hall", "test", (), _design))


@pytest.fixture(scope="module")
def ledger():
    reg = api.registry([("beam", types.SimpleNamespace(sandbox_register_catalogues=sandbox_register_catalogues,
                                                       sandbox_register_architectures=sandbox_register_architectures))])
    result = api.run({"architectures": {"b": {"type": "beamed"}}}, reg)
    assert result.failures == {}, result.failures
    return result.ledgers["b"], reg


def test_the_receivers_whole_facility_is_supplied_and_energy_is_counted_once(ledger):
    lg, reg = ledger
    load = 100 * 1000.0                             # 100 chips × 1 kW (no host on the toy chip)
    receiver_heat = None
    # fixed point: cooling = 0.5 × (load + receiver heat); demand = load + cooling; receiver heat = demand (1/0.85 − 1)
    k = 1 / 0.85 - 1
    demand = 1.5 * load / (1 - 0.5 * k)
    receiver_heat = demand * k
    assert lg.get("power.load") == pytest.approx(load / 1e6)          # the hall's load, once
    assert lg.get("power.imported") == pytest.approx(demand / 1e6, rel=1e-9)
    assert lg.get("thermal.cooling_power") == pytest.approx(0.5 * (load + receiver_heat) / 1e6, rel=1e-9)
    sent = demand / (0.8 * 0.9 * 0.85)
    assert lg.get("power.exported") == pytest.approx(sent / 1e6, rel=1e-9)
    pmad = reg.models.value("power.pmad_efficiency")
    assert lg.get("power.generation") == pytest.approx(sent / pmad / 1e6, rel=1e-9)  # the satellites' own load is 0
    assert lg.get("power.grid") == 0.0 and lg.get("opex.energy") == 0.0


def test_every_flow_balances_generated_delivered_and_losses(ledger):
    lg, _ = ledger
    sent, delivered = lg.get("power.exported"), lg.get("power.imported")
    assert sent == pytest.approx(delivered + lg.get("power.link_losses"), rel=1e-12)


def test_heat_at_each_element_is_its_own_load_and_its_own_losses(ledger):
    """Satellites: DC→RF loss (sent × 0.2) and the PMAD loss of what their arrays supply (sent × (1/0.85 − 1)), not
    the exported power. Hall: its load plus the RF→DC loss."""
    lg, _ = ledger
    sent = lg.get("power.exported") * 1e6
    sat_heat = sent * 0.2 + sent * (1 / 0.85 - 1)
    k = 1 / 0.85 - 1
    hall_heat = 100e3 + lg.get("power.imported") * 1e6 * k
    assert lg.get("thermal.heat") == pytest.approx((sat_heat + hall_heat) / 1e6, rel=1e-9)
    # the satellites' radiators are sized for those losses alone: A = Q / (2 ε σ T⁴) with a 3 K sink
    sigma = 5.670374419e-8  # CODATA 2018
    area = sat_heat / (2 * 0.9 * sigma * (300.0**4 - 3.0**4))
    assert lg.get("thermal.radiator_area") == pytest.approx(area, rel=1e-3)


def test_lunar_rim_cable_heats_the_regolith_not_the_hall(registry):
    """The rim array has no radiators (ThermalSystem "none"): it sheds its PMAD loss at the array, the cable's I²R
    goes into the regolith, and the hall, fed by the cable, rejects its load alone."""
    res = api.run({"architectures": {"psr": {"type": "lunar", "site": "psr", "power": "rim-cable"}}}, registry)
    lg = res.ledgers["psr"]
    loss = 0.05  # the lunar plugin's cable_loss default
    assert lg.get("power.exported") == pytest.approx(lg.get("power.imported") / (1 - loss), rel=1e-9)
    assert lg.get("thermal.heat") == pytest.approx(lg.get("power.load"), rel=1e-9)  # cable I²R is not hall heat
    assert lg.get("power.link_losses") == pytest.approx(lg.get("power.exported") * loss, rel=1e-9)
