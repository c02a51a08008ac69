"""The engine evaluates a design on the shared ledger: every total recomputed by hand here.

A test plugin registers its own catalogue entries (round numbers, so the arithmetic below is
readable) and a one-element orbital architecture. Shared-model defaults used by the engine are
read from the models' DEFAULTS (each cited in docs/models.md); the equations are written out
again here from docs/models.md, not taken from the engine.
"""

from __future__ import annotations

import dataclasses
import math
import types

import numpy as np
import pytest

from sandbox import hookimpl
from sandbox.core.architecture import ArchitectureSpec
from sandbox.core.catalogue import Chip, LaunchVehicle, PowerSource
from sandbox.core.design import Design, Element, PowerSystem, Site, ThermalSystem, Transport
from sandbox.core.params import Param
from sandbox.core.registry import load
from sandbox.core.scenario import validate
from sandbox.ledger.engine import evaluate
from sandbox.models import cost, launch, power

SRC = "round test values"  # the source of every figure of the test entries
SIGMA = 5.670374419e-8  # CODATA 2018 Stefan–Boltzmann constant, W m^-2 K^-4


def toy_design(p, ctx):
    return Design(elements=[Element(
        name="sat", count=p.count, chip="T-GPU", chips_per_unit=8, utilisation=0.5, lifetime_years=5.0,
        structure_fraction=0.2,
        site=Site("test orbit", kind="orbit", eclipse_fraction=0.35, longest_dark_s=2100.0,
                  radiation_environment="ground", distance_to_earth_m=3.0e8),
        power=PowerSystem(source="T-array", storage="T-batt"),
        thermal=ThermalSystem(kind="radiator", temperature_k=300.0, emissivity=0.9, areal_density_kg_m2=5.0, sides=2),
        transport=Transport(vehicle="T-rocket", destination="LEO", packing_density_kg_m3=120.0),
    )])


@hookimpl
def sandbox_register_catalogues(register):
    register(Chip("T-GPU", peak_ops_per_s={"fp16": 1e15}, power_w=1000.0, mass_kg=10.0, cost_usd=20_000.0,
                  tid_krad=1000.0, sources={"power_w": SRC}))
    register(PowerSource("T-array", kind="solar", efficiency=0.30, packing_factor=0.85, areal_density_kg_m2=2.0,
                         degradation_per_year=0.0, cost_usd_per_w=100.0, sources={"kind": SRC}))
    register(PowerSource("T-batt", kind="storage", specific_energy_wh_per_kg=150.0, round_trip_efficiency=0.9,
                         depth_of_discharge=0.5, cost_usd_per_kwh=500.0, sources={"kind": SRC}))
    register(LaunchVehicle("T-rocket", payload_kg={"LEO": 10_000.0}, fairing_volume_m3=100.0, price_usd=50e6,
                           co2_t_per_flight=400.0, sources={"price_usd": SRC}))


@hookimpl
def sandbox_register_architectures(register):
    register(ArchitectureSpec("toysat", "Toy satellite", "test", (Param("count", 10, "satellites", source="test"),),
                              toy_design))


@pytest.fixture(scope="module")
def ledger():
    reg = load([("toy", types.SimpleNamespace(sandbox_register_catalogues=sandbox_register_catalogues,
                                              sandbox_register_architectures=sandbox_register_architectures))])
    scenario = validate({"workload": {"sustained_compute": "40 PFLOPS"}, "assumptions": {"discount_rate": 0.08},
                         "architectures": {"toy": {"type": "toysat"}}}, reg)
    result = evaluate(scenario, reg)
    assert result.failures == {}
    return result.ledgers["toy"], result


def hand():
    pmad = power.DEFAULTS["pmad_efficiency"].nominal
    pointing = power.DEFAULTS["pointing_factor"].nominal
    s0 = power.DEFAULTS["solar_constant_w_m2"].nominal
    load_w = 8 * 1000.0                                       # 8 chips × 1 kW, no bus load declared
    p_array = load_w * (1 + 0.35 / (0.65 * 0.9)) / pmad       # SMAD §11.4 with storage round trip 0.9
    area = p_array / (s0 * 0.30 * 0.85 * pointing)            # BOL = EOL (no degradation)
    storage_j = load_w * 2100.0 / 0.5                         # 35-min eclipse at 50 % depth of discharge
    storage_kg = storage_j / 3600.0 / 150.0
    # the load, the PMAD loss load × (1/pmad − 1) and the battery's round-trip loss over the eclipse share of the
    # orbit, load × 0.35 × (1/0.9 − 1) = 311.1 W (the energy the array puts in beyond what storage gives back)
    heat_w = load_w / pmad + load_w * 0.35 * (1 / 0.9 - 1)
    radiator_m2 = heat_w / (2 * 0.9 * SIGMA * 300.0**4)       # two faces, 3 K sink, nothing absorbed
    subsystems = 8 * 10.0 + 2.0 * area + storage_kg + 5.0 * radiator_m2
    dry = subsystems / (1 - 0.2)                              # structure = 20 % of dry mass
    per_flight = math.floor(min(10_000.0 / dry, 100.0 / (dry / 120.0)))
    flights = math.ceil(10 / per_flight)
    chips = 80 * 20_000.0                                     # chips priced per unit (the toy chip needs no host)
    # power priced per W and per kWh, not per kg; the array at its rating, area × s0 × η × packing = P_array / pointing
    # (bought at beginning of life: the pointing loss is made up by area, SMAD §11.4)
    power_capex = 10 * (100.0 * area * s0 * 0.30 * 0.85 + storage_j / 3.6e6 * 500.0)
    # every other kilogram (structure, radiators) at the element's production class: small series by default
    class_kg = 0.2 * dry + 5.0 * radiator_m2
    per_kg = cost.DEFAULTS["hardware_usd_per_kg_small_series"].nominal * class_kg * 10
    hardware = chips + power_capex + per_kg
    integration = cost.DEFAULTS["integration_fraction"].nominal * hardware
    launch_usd = flights * 50e6
    insurance = cost.DEFAULTS["insurance_fraction"].nominal * (hardware + integration + launch_usd)
    capex = hardware + integration + launch_usd + insurance
    opex = (cost.DEFAULTS["ops_cost_fraction_per_year"].nominal * (hardware + integration)
            + cost.DEFAULTS["ground_segment_cost_usd_per_year"].nominal)   # once per architecture in space
    crf = 0.08 * 1.08**5 / (1.08**5 - 1)                      # capital recovery factor, 8 %, 5 yr = 0.25046
    annual = capex * crf + opex
    return dict(p_array=p_array, area=area, storage_kg=storage_kg, radiator_m2=radiator_m2, dry=dry, flights=flights,
                capex=capex, annual=annual, class_kg=class_kg, insurance=insurance)


def test_power_thermal_mass(ledger):
    lg, _ = ledger
    h = hand()
    assert lg.get("compute.delivered") == pytest.approx(1e15 * 80 * 0.5 / 1e15)   # 40 PFLOP/s
    assert lg.get("power.load") == pytest.approx(0.08)                             # 10 × 8 kW
    assert lg.get("power.generation") == pytest.approx(10 * h["p_array"] / 1e6)
    assert lg.get("power.array_area") == pytest.approx(10 * h["area"])
    assert lg.get("mass.storage") == pytest.approx(10 * h["storage_kg"] / 1e3)
    assert lg.get("thermal.radiator_area") == pytest.approx(10 * h["radiator_m2"])
    assert h["radiator_m2"] == pytest.approx(11.760, rel=1e-3)  # (8 kW / PMAD 0.85 + 311.1 W) / (2·0.9·σ·300⁴) = 9723/826.8
    assert lg.get("mass.total") == pytest.approx(10 * h["dry"] / 1e3)
    assert lg.get("mass.structure") == pytest.approx(10 * 0.2 * h["dry"] / 1e3)


def test_a_design_is_made_again_only_when_a_default_it_read_changes():
    """A scenario's [models] override of a default the design never read reuses the design (its ledger is evaluated
    afresh); one of a default it read makes it again. By hand from :func:`hand`: insurance 0.1 instead of the default
    fraction f adds (0.1 − f) × insurance / f to capex; emissivity 0.8 instead of 0.9 gives radiators of
    (8 kW / PMAD + 8 kW × 0.35 × (1/0.9 − 1)) / (2 × 0.8 × σ × 300⁴) per satellite (the load, its PMAD loss and the
    battery's round-trip loss over the eclipse share)."""
    calls = []

    def reading_design(p, ctx):
        calls.append(p.count)
        d = toy_design(p, ctx)
        (e,) = d.elements
        thermal = dataclasses.replace(e.thermal, emissivity=ctx.models.value("thermal.radiator_emissivity"))
        return Design(elements=[dataclasses.replace(e, thermal=thermal)])

    def register(register):
        register(ArchitectureSpec("readsat", "Toy satellite reading a default", "test",
                                  (Param("count", 10, "satellites", source="test"),), reading_design))

    reg = load([("toy", types.SimpleNamespace(sandbox_register_catalogues=sandbox_register_catalogues,
                                              sandbox_register_architectures=hookimpl(register)))])
    base = {"workload": {"sustained_compute": "40 PFLOPS"}, "assumptions": {"discount_rate": 0.08},
            "architectures": {"toy": {"type": "readsat"}}}
    runs = {name: evaluate(validate({**base, **({"models": models} if models else {})}, reg), reg).ledgers["toy"]
            for name, models in (("a", None), ("insurance", {"cost.insurance_fraction": 0.1}),
                                 ("emissivity", {"thermal.radiator_emissivity": 0.8}))}
    assert calls == [10, 10]  # the base and the emissivity scenario; the insurance one reused the base's design
    h, f = hand(), cost.DEFAULTS["insurance_fraction"].nominal
    assert runs["a"].get("cost.capex") == pytest.approx(h["capex"] / 1e6)
    assert runs["insurance"].get("cost.capex") == pytest.approx((h["capex"] + (0.1 - f) * h["insurance"] / f) / 1e6)
    heat_w = 8000.0 / power.DEFAULTS["pmad_efficiency"].nominal + 8000.0 * 0.35 * (1 / 0.9 - 1)
    assert runs["emissivity"].get("thermal.radiator_area") == pytest.approx(10 * heat_w / (2 * 0.8 * SIGMA * 300.0**4))
    assert runs["insurance"].get("thermal.radiator_area") == pytest.approx(10 * h["radiator_m2"])


def test_a_scenarios_solar_constant_reaches_the_arrays():
    """[models] "power.solar_constant_w_m2" = 1300 W/m² (instead of Kopp & Lean's 1360.8) sizes the toy satellite's
    arrays at 1 AU by hand: area = P_array / (1300 × 0.30 × 0.85 × pointing), 1360.8 / 1300 = 1.04677 times the
    nominal area; the array's output, and so the rest of the ledger's power, is unchanged."""
    reg = load([("toy", types.SimpleNamespace(sandbox_register_catalogues=sandbox_register_catalogues,
                                              sandbox_register_architectures=sandbox_register_architectures))])
    data = {"workload": {"sustained_compute": "40 PFLOPS"}, "assumptions": {"discount_rate": 0.08},
            "architectures": {"toy": {"type": "toysat"}}, "models": {"power.solar_constant_w_m2": "1300 W/m2"}}
    lg = evaluate(validate(data, reg), reg).ledgers["toy"]
    h, pointing = hand(), power.DEFAULTS["pointing_factor"].nominal
    assert lg.get("power.array_area") == pytest.approx(10 * h["p_array"] / (1300.0 * 0.30 * 0.85 * pointing))
    assert lg.get("power.array_area") / (10 * h["area"]) == pytest.approx(1360.8 / 1300.0)
    assert lg.get("power.generation") == pytest.approx(10 * h["p_array"] / 1e6)


def test_a_latency_quantile_reaching_into_queries_that_never_arrive_is_infinite():
    """Found by the fuzz test (a NumPy "invalid value" warning): path samples (0.1, 0.2, 0.3, ∞) s, a quarter of the
    queries never served. Linear interpolation between order statistics gives the p50 at 0.25 s and the p95 between
    0.3 s and ∞, which is ∞; NumPy's percentile gave NaN there (∞ − ∞). The engine adds the user network and the
    processing time (links defaults) to both."""
    from sandbox.models import links

    def design(p, ctx):
        return dataclasses.replace(toy_design(p, ctx), latency_samples_s=np.array([0.1, 0.2, 0.3, np.inf]))

    def register(register):
        register(ArchitectureSpec("latsat", "Toy satellite with lost queries", "test",
                                  (Param("count", 10, "satellites", source="test"),), design))

    reg = load([("toy", types.SimpleNamespace(sandbox_register_catalogues=sandbox_register_catalogues,
                                              sandbox_register_architectures=hookimpl(register)))])
    lg = evaluate(validate({"workload": {"sustained_compute": "40 PFLOPS"}, "architectures": {"toy": {"type": "latsat"}}},
                           reg), reg).ledgers["toy"]
    fixed = links.DEFAULTS["user_network_rtt_s"].nominal + links.DEFAULTS["query_processing_time_s"].nominal
    assert lg.get("latency.p50") == pytest.approx(fixed + 0.25)
    assert lg.get("latency.p95") == math.inf


def test_launch_and_cost(ledger):
    lg, _ = ledger
    h = hand()
    assert lg.get("launch.flights") == h["flights"]
    assert lg.get("launch.co2") == pytest.approx(400.0 * h["flights"])
    assert lg.get("cost.capex") == pytest.approx(h["capex"] / 1e6)
    assert lg.get("cost.per_pflop_day") == pytest.approx(h["annual"] / (40 * 365.25))


def test_every_kilogram_is_priced_once_and_the_lines_sum_to_capex(ledger):
    lg, _ = ledger
    h = hand()
    lines = {m.name: m.value for m in lg.metrics if m.name.startswith("capex.")}
    assert sum(lines.values()) == pytest.approx(lg.get("cost.capex"), rel=1e-12)
    assert lines["capex.insurance"] == pytest.approx(h["insurance"] / 1e6)
    # per-kg lines / class rate = the kilograms no other line prices (total − chips − power − storage − propellant)
    rate = cost.DEFAULTS["hardware_usd_per_kg_small_series"].nominal
    per_kg = (lines["capex.structure"] + lines["capex.thermal"] + lines["capex.avionics"] + lines["capex.other"]) * 1e6 / rate
    priced_otherwise = sum(lg.get(k) for k in ("mass.compute", "mass.hosts", "mass.power", "mass.storage", "mass.propellant"))
    assert per_kg == pytest.approx((lg.get("mass.total") - priced_otherwise) * 1e3, rel=1e-9)
    assert per_kg == pytest.approx(10 * h["class_kg"])


def test_latency_is_user_network_plus_path_plus_processing(ledger):
    lg, _ = ledger
    # 3.0e8 m each way at c = 299,792,458 m/s (SI definition): 2.0014 s round trip, flagged as approximation,
    # plus the same user network (30 ms) and processing (5 s) every architecture carries (links.DEFAULTS)
    path = 2 * 3.0e8 / 299_792_458.0
    assert lg.get("latency.path_p50") == pytest.approx(path)
    assert lg.get("latency.p50") == pytest.approx(0.030 + path + 5.0)
    assert lg.metric("latency.p50").approximation


def test_baseline_added_and_ratios(ledger):
    lg, result = ledger
    assert result.baseline == "ground" and result.provenance["baseline_added_by_engine"]
    ratio = lg.get("cost.per_pflop_day") / result.ledgers["ground"].get("cost.per_pflop_day")
    assert lg.get("cost.per_pflop_day.vs_baseline") == pytest.approx(ratio)


def test_packing_by_volume_and_mass():
    # flights_needed: ceil(max(m/M, V/Vv)) — 25 t and 50 m³ on a 10 t / 100 m³ vehicle: mass binds, 3 flights;
    # 5 t and 250 m³: volume binds, 3 flights (SMAD ch. 18: a launch is limited by mass or fairing volume).
    assert launch.flights_needed(25_000.0, 50.0, 10_000.0, 100.0) == 3
    assert launch.flights_needed(5_000.0, 250.0, 10_000.0, 100.0) == 3


def test_faulty_design_is_reported_and_others_survive():
    def broken(p, ctx):
        raise ZeroDivisionError("oops")

    @hookimpl
    def sandbox_register_architectures(register):
        register(ArchitectureSpec("broken", "Broken", "test", (), broken))

    reg = load([("faulty", types.SimpleNamespace(sandbox_register_architectures=sandbox_register_architectures))])
    scenario = validate({"architectures": {"b": {"type": "broken"}, "ground": {}}}, reg)
    result = evaluate(scenario, reg)
    assert result.failures == {"b": "architecture 'b' (plugin 'faulty'): ZeroDivisionError: oops"}
    assert result.ledgers["ground"].get("compute.delivered") >= 100.0


def _toy_run(design, name: str = "variant") -> object:
    """The toy satellite made by ``design(p, ctx)``, run at 40 PFLOP/s: (its ledger, the result)."""
    def register(register):
        register(ArchitectureSpec(name, "Toy satellite variant", "test", (Param("count", 10, "satellites", source="test"),),
                                  design))

    reg = load([("toy", types.SimpleNamespace(sandbox_register_catalogues=sandbox_register_catalogues,
                                              sandbox_register_architectures=hookimpl(register)))])
    result = evaluate(validate({"workload": {"sustained_compute": "40 PFLOPS"}, "assumptions": {"discount_rate": 0.08},
                                "architectures": {"toy": {"type": name}}}, reg), reg)
    assert result.failures == {}
    return result.ledgers["toy"], result


def test_the_array_is_sized_for_the_darkest_orbit():
    """An orbit dark 35 % of the time on average and 45 % in its darkest orbit (eclipse season): the array must carry
    the load and refill the battery within that orbit, P = load (1 + 0.45 / (0.55 × 0.9)) / PMAD (SMAD §11.4), not the
    mean's load (1 + 0.35 / (0.65 × 0.9)) / PMAD; the battery's mean round-trip loss (the radiators' heat) stays at
    the mean share, 8 kW × 0.35 × (1/0.9 − 1)."""
    def design(p, ctx):
        d = toy_design(p, ctx)
        (e,) = d.elements
        return Design(elements=[dataclasses.replace(e, site=dataclasses.replace(e.site, worst_eclipse_fraction=0.45))])

    lg, _ = _toy_run(design)
    pmad = power.DEFAULTS["pmad_efficiency"].nominal
    p_array = 8000.0 * (1 + 0.45 / (0.55 * 0.9)) / pmad
    assert lg.get("power.generation") == pytest.approx(10 * p_array / 1e6)
    assert lg.get("power.generation") / (10 * hand()["p_array"] / 1e6) == pytest.approx(
        (1 + 0.45 / (0.55 * 0.9)) / (1 + 0.35 / (0.65 * 0.9)))  # 1.909 / 1.598 = 1.195
    assert lg.get("thermal.radiator_area") == pytest.approx(10 * hand()["radiator_m2"])
    assert "eclipse fraction of the darkest orbit 0.45" in " ".join(lg.metric("power.generation").inputs)


def test_a_darkest_orbit_lighter_than_the_mean_is_refused():
    def design(p, ctx):
        d = toy_design(p, ctx)
        (e,) = d.elements
        return Design(elements=[dataclasses.replace(e, site=dataclasses.replace(e.site, worst_eclipse_fraction=0.2))])

    def register(register):
        register(ArchitectureSpec("badsite", "Toy", "test", (Param("count", 10, "satellites", source="test"),), design))

    reg = load([("toy", types.SimpleNamespace(sandbox_register_catalogues=sandbox_register_catalogues,
                                              sandbox_register_architectures=hookimpl(register)))])
    result = evaluate(validate({"workload": {"sustained_compute": "40 PFLOPS"},
                                "architectures": {"toy": {"type": "badsite"}}}, reg), reg)
    assert "site.worst_eclipse_fraction: expected a fraction from eclipse_fraction (0.35) to 1, got 0.2" in result.failures["toy"]


def test_the_shield_encloses_the_electronics_at_a_servers_density():
    """1 g/cm² (10 kg/m²) of aluminium over the six faces of a cube holding the 8 toy chips (10 kg each, no host):
    side = (80 kg / 848 kg/m³)^(1/3) = 0.4554 m (a DGX H100: 130.45 kg in 0.154 m³), shield 6 × 0.4554² × 10 =
    12.44 kg per satellite; at a fairing's 120 kg/m³ it would have been 6 × (80/120)^(2/3) × 10 = 45.8 kg."""
    from sandbox.models import radiation

    def design(p, ctx):
        d = toy_design(p, ctx)
        (e,) = d.elements
        return Design(elements=[dataclasses.replace(e, shielding_g_cm2=1.0)])

    lg, _ = _toy_run(design)
    density = radiation.DEFAULTS["shielded_electronics_density_kg_m3"].nominal
    assert density == 848.0  # 130.45 kg / (0.356 × 0.4822 × 0.8971 m³) = 847.1 kg/m³
    shield_kg = 6 * (80.0 / density) ** (2 / 3) * 10.0
    assert shield_kg == pytest.approx(12.44, rel=1e-3)
    assert lg.get("mass.shielding") == pytest.approx(10 * shield_kg / 1e3)


def test_the_annual_cost_explains_the_ground_segment(ledger):
    # capex × CRF + opex (the element's line) + 5 MUSD/yr ground segment (the design's line): both in the explanation
    lg, _ = ledger
    inputs = lg.metric("cost.annual").inputs
    assert inputs[0].startswith("annualised_cost_usd(capex ")
    gs = cost.DEFAULTS["ground_segment_cost_usd_per_year"].nominal
    assert inputs[1] == f"+ ground segment {gs:.4g} USD/yr [cost.ground_segment_cost_usd_per_year] (opex.ground_segment)"


def test_plugin_priced_items_are_explained_with_their_price():
    """An item with a price and no mass (a licence, 2 MUSD) is explained as priced by the plugin, not "× their mass"."""
    def design(p, ctx):
        d = toy_design(p, ctx)
        (e,) = d.elements
        return Design(elements=[dataclasses.replace(e, extra_capex_usd={"licence": 2e6})])

    lg, _ = _toy_run(design)
    assert lg.get("capex.other") == pytest.approx(2.0)  # MUSD
    assert lg.metric("capex.other").inputs == ["plugin items [element]: priced by the plugin: licence 2e+06 USD"]
