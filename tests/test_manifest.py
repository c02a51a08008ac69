"""Elements that travel together share their flights (``Transport.manifest``), checked by hand on a toy design.

Toy design in round numbers: a test rocket carries 10 t (100 m³) to LEO for 1 MUSD a flight. A 'big' element of
one 26 t unit (pieces: 3 flights alone, its last piece 6 t) and a 'small' element of one 3.5 t unit (1 flight
alone) land at one place. Alone: 4 flights. Together: the big unit's 2 full flights, then its 6 t last piece
with the small unit's 3.5 t, 3 flights. Each pays in proportion to its load in flights (2.6 and 0.35, mass binds at
the 150 kg/m³ default packing: 26 t take 173 m³, 1.73 fairings, against 2.6 flights by mass).
"""

from __future__ import annotations

import types

import pytest

from sandbox import (
    ArchitectureSpec,
    Design,
    Element,
    LaunchVehicle,
    PowerSource,
    PowerSystem,
    Site,
    ThermalSystem,
    Transport,
    api,
    hookimpl,
)

SRC = "round test values"
TRIPS = {"big": Transport(vehicle="T-rocket", manifest="one place"),
         "small": Transport(vehicle="T-rocket", manifest="one place")}


def _element(name: str, kg: float) -> Element:
    site = Site(name, kind="ground", radiation_environment="ground")
    return Element(name=name, count=1, chip=None, chips_per_unit=0, site=site, power=PowerSystem(source="T-plant"),
                   thermal=ThermalSystem(kind="none"), lifetime_years=10.0, structure_fraction=0.0,
                   extra_mass_kg={"cargo": kg}, transport=TRIPS[name])


def _design(p, ctx):
    return Design(elements=[_element("big", 26e3), _element("small", 3.5e3)])


@hookimpl
def sandbox_register_catalogues(register):
    register(LaunchVehicle("T-rocket", payload_kg={"LEO": 10e3}, fairing_volume_m3=100.0, price_usd=1e6,
                           co2_t_per_flight=0.0, expendable_price_usd=2e6, sources={"price_usd": SRC}))
    register(PowerSource("T-plant", kind="fission", specific_power_w_per_kg=10.0, cost_usd_per_w=1.0,
                         sources={"kind": SRC}))


@hookimpl
def sandbox_register_architectures(register):
    register(ArchitectureSpec("together", "Travel together", "test", (), _design))


def _run(**trips: Transport):
    saved = dict(TRIPS)
    TRIPS.update(trips)
    try:
        hooks = types.SimpleNamespace(sandbox_register_catalogues=sandbox_register_catalogues,
                                      sandbox_register_architectures=sandbox_register_architectures)
        return api.run({"architectures": {"t": {"type": "together"}}}, api.registry([("together", hooks)]))
    finally:
        TRIPS.update(saved)


def test_elements_on_one_manifest_share_the_part_filled_flight():
    result = _run()
    assert result.failures == {}, result.failures
    led = result.ledgers["t"]
    assert led.get("launch.flights") == 3
    assert led.get("capex.launch") == pytest.approx(3.0, rel=1e-12)  # MUSD: 3 flights × 1 MUSD
    big, small = (line for line in led.metric("launch.flights").inputs)
    assert big.endswith("this element's share 2.6 of 2.95 flight loads = 2.644 flights")  # 3 × 2.6 / 2.95
    assert small.endswith("this element's share 0.35 of 2.95 flight loads = 0.3559 flights")
    assert any(n.startswith("manifest 'one place': 'big', 'small' travel together: 3 flights instead of 4")
               for n in led.notes)


def test_without_a_manifest_each_element_flies_alone():
    result = _run(small=Transport(vehicle="T-rocket"))
    led = result.ledgers["t"]
    assert led.get("launch.flights") == 4
    assert led.get("capex.launch") == pytest.approx(4.0, rel=1e-12)
    assert not any("manifest" in n for n in led.notes)


def test_a_manifest_whose_elements_fly_differently_is_refused():
    result = _run(small=Transport(vehicle="T-rocket", manifest="one place", expended=True))
    assert "transport.manifest 'one place': its elements ('big', 'small') must fly the same vehicle" in result.failures["t"]
