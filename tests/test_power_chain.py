"""Chained power links: a relay element fed by one link and feeding another (a rectenna between a power
satellite and a data hall), by hand; a loop of links is refused; a power plant's whole cost is power cost.

Toy design in round numbers: a reactor plant (fission, 1 USD/W) sends power through a beam
(transmitter 0.8, loss at the plant; spill 0.9, to the environment; receiver 0.85, loss at the relay)
to a relay on the ground (a facility with PUE 1.2 on its own heat), which passes it through a
converter (0.95, loss at the relay) to a hall of 100 chips × 1 kW at PUE 1.5.
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
BEAM = [LinkStage("transmitter", 0.8, "source"), LinkStage("spill", 0.9, "environment"),
        LinkStage("receiver", 0.85, "sink")]
CONVERTER = [LinkStage("converter", 0.95, "source")]
LOOP = False


def _ground(name):
    return Site(name, kind="ground", radiation_environment="ground")


def _design(p, ctx):
    plant = Element(name="plant", count=1, chip=None, chips_per_unit=0, site=_ground("plant"),
                    power=PowerSystem(source="T-reactor"), thermal=ThermalSystem(kind="facility", pue=1.0), lifetime_years=10.0)
    relay = Element(name="relay", count=1, chip=None, chips_per_unit=0, site=_ground("relay"),
                    power=PowerSystem(source="link"), thermal=ThermalSystem(kind="facility", pue=1.2), lifetime_years=10.0)
    hall = Element(name="hall", count=1, chip="T-GPU", chips_per_unit=100, utilisation=0.5, site=_ground("hall"),
                   power=PowerSystem(source="link"), thermal=ThermalSystem(kind="facility", pue=1.5), lifetime_years=10.0)
    links = [PowerLink("plant", "relay", BEAM), PowerLink("relay", "hall", CONVERTER, kind="cable")]
    if LOOP:  # the hall sends power back to the plant: a circle
        plant.power = PowerSystem(source="link")
        links.append(PowerLink("hall", "plant", CONVERTER, kind="cable"))
    return Design(elements=[hall, relay, plant], power_links=links)


@hookimpl
def sandbox_register_catalogues(register):
    register(Chip("T-GPU", peak_ops_per_s={"fp16": 1e15}, power_w=1000.0, mass_kg=1.0, cost_usd=0.0, sources={"power_w": SRC}))
    register(PowerSource("T-reactor", kind="fission", specific_power_w_per_kg=10.0, cost_usd_per_w=1.0, sources={"kind": SRC}))


@hookimpl
def sandbox_register_architectures(register):
    register(ArchitectureSpec("chained", "Chained links", "test", (), _design))


def _registry():
    hooks = types.SimpleNamespace(sandbox_register_catalogues=sandbox_register_catalogues,
                                  sandbox_register_architectures=sandbox_register_architectures)
    return api.registry([("chain", hooks)])


@pytest.fixture(scope="module")
def ledger():
    reg = _registry()
    result = api.run({"architectures": {"c": {"type": "chained"}}}, reg)
    assert result.failures == {}, result.failures
    return result.ledgers["c"], reg


# ---- hand calculation (W)
LOAD = 100 * 1000.0                 # 100 chips × 1 kW, no host on the toy chip
HALL = 1.5 * LOAD                   # the hall's demand: load + (PUE − 1) × load (no link loss lands in the hall)
RELAY_OUT = HALL / 0.95             # what the relay sends into the converter
K = 0.15 / 0.85                     # receiver loss per W the relay takes in
# the relay's demand D covers what it passes on plus the cooling of its own heat (converter loss + receiver loss):
# D = R + 0.2 × (0.05 R + K D)  →  D = R (1 + 0.2 × 0.05) / (1 − 0.2 K)
RELAY_IN = RELAY_OUT * (1 + 0.2 * 0.05) / (1 - 0.2 * K)
SENT = RELAY_IN / (0.8 * 0.9 * 0.85)


def test_a_relay_passes_the_halls_demand_upstream(ledger):
    lg, _ = ledger
    assert lg.get("power.load") == pytest.approx(LOAD / 1e6, rel=1e-12)          # counted once: only the hall computes
    assert lg.get("power.imported") == pytest.approx((HALL + RELAY_IN) / 1e6, rel=1e-9)
    assert lg.get("power.exported") == pytest.approx((SENT + RELAY_OUT) / 1e6, rel=1e-9)
    assert lg.get("power.generation") == pytest.approx(SENT / 1e6, rel=1e-9)     # on the ground: no PMAD loss


def test_every_flow_balances_and_each_loss_is_heat_where_it_happens(ledger):
    lg, _ = ledger
    assert lg.get("power.exported") == pytest.approx(lg.get("power.imported") + lg.get("power.link_losses"), rel=1e-12)
    plant_heat = SENT * 0.2
    relay_heat = RELAY_OUT * 0.05 + RELAY_IN * K
    # generated = delivered to the hall + all link losses + the relay's own use (the cooling of its heat)
    assert lg.get("power.generation") == pytest.approx((HALL + lg.get("power.link_losses") * 1e6 + 0.2 * relay_heat) / 1e6,
                                                       rel=1e-9)
    assert lg.get("thermal.heat") == pytest.approx((LOAD + relay_heat + plant_heat) / 1e6, rel=1e-9)
    # cooling: the hall's (0.5 × its load) and the relay's (0.2 × its heat); the plant's PUE is 1
    assert lg.get("thermal.cooling_power") == pytest.approx((0.5 * LOAD + 0.2 * relay_heat) / 1e6, rel=1e-9)


def test_a_power_plants_whole_cost_is_power_cost(ledger, registry):
    """cost.per_kwh: the plant's whole annual cost (reactor at 1 USD/W and its operations) per kWh of load."""
    lg, reg = ledger
    r, life = 0.08, 10.0  # the default scenario discount rate; the elements' life
    ops = reg.models.value("cost.ops_cost_fraction_per_year")
    capex = SENT * 1.0
    annual = capex * r / (1 - (1 + r) ** -life) + ops * capex   # the relay and the hall hold no power hardware
    assert lg.get("cost.per_kwh") == pytest.approx(annual / (LOAD * 8766.0 / 1000.0), rel=1e-9)


def test_a_loop_of_links_is_refused():
    global LOOP
    LOOP = True
    try:
        result = api.run({"architectures": {"c": {"type": "chained"}}}, _registry())
    finally:
        LOOP = False
    assert "power links form a loop" in result.failures["c"]


def _own_plant_registry(site_kind: str):
    """One hall of 100 toy chips (1 kW each, no host) at PUE 1.5 on its own reactor, at a site of ``site_kind``."""
    def design(p, ctx):
        site = Site("hall", kind=site_kind, radiation_environment="ground" if site_kind != "orbit" else "leo-550")
        return Design(elements=[Element(name="hall", count=1, chip="T-GPU", chips_per_unit=100, utilisation=0.5, site=site,
                                        power=PowerSystem(source="T-reactor"), lifetime_years=10.0,
                                        thermal=ThermalSystem(kind="facility", pue=1.5))])

    @hookimpl
    def register_architecture(register):
        register(ArchitectureSpec("own-plant", "Own plant", "test", (), design))

    hooks = types.SimpleNamespace(sandbox_register_catalogues=sandbox_register_catalogues,
                                  sandbox_register_architectures=register_architecture)
    return api.registry([("own", hooks)])


def test_a_facility_on_its_own_source_generates_its_cooling_too():
    """A facility's cooling plant (PUE − 1 of its heat) was supplied only through the grid or a power link: on its own
    reactor or array it ran on nothing (a hall of 100 kW at PUE 1.5 generated 100 kW, not 150 kW). By hand: heat =
    load = 100 kW (no PMAD loss on the ground), cooling 0.5 × 100 kW, generation 150 kW, priced at 1 USD/W."""
    result = api.run({"architectures": {"h": {"type": "own-plant"}}}, _own_plant_registry("ground"))
    lg = result.ledgers["h"]
    assert lg.get("thermal.cooling_power") == pytest.approx(0.5 * LOAD / 1e6, rel=1e-12)
    assert lg.get("power.generation") == pytest.approx(1.5 * LOAD / 1e6, rel=1e-12)
    assert lg.get("capex.power") == pytest.approx(1.5 * LOAD * 1.0 / 1e6, rel=1e-12)
    assert lg.get("energy.use") == pytest.approx(1.5 * LOAD * 8766.0 / 1e9, rel=1e-12)  # W × h/yr → GWh/yr


def test_a_facility_in_orbit_is_refused():
    """A cooling plant by PUE sheds heat to air or water: in orbit it cooled a hall for free of any radiator."""
    result = api.run({"architectures": {"h": {"type": "own-plant"}}}, _own_plant_registry("orbit"))
    assert result.failures["h"].endswith("element 'hall': thermal.kind: 'facility' is a cooling plant by PUE, shedding "
                                         "heat to air or water, which an orbit has none of: use 'radiator'")
