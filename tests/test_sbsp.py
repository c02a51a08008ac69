"""The `sbsp` plugin by hand: diffraction, the efficiency chain, the rectenna, GEO eclipses, energy and heat balances.

References: NASA OTPS, "Space-Based Solar Power" (Rodgers et al., 2024, report 20230018600), Table 4 (efficiency
chain, RD1/RD2 outputs); DOE/NASA "SPS Reference System Report" (DOE/ER-0023, Oct 1978): 1 km transmitter at
2.45 GHz, a rectenna ellipse 10 km E-W × 13 km N-S at 34° N with 78.2 km² of active intercept area; Goubau &
Schwering (1961): η = 1 − exp(−τ²), τ² = A_t A_r / (λ d)².
"""

from __future__ import annotations

import math
import subprocess
import sys

import pytest
from sandbox_plugins.sbsp import beam

from sandbox import api

C = 299_792_458.0          # m/s, exact (SI)
R_E = 6_378_136.6          # m, the adapter's equatorial radius (IERS 2010)
GEO_ALT = 35_786_000.0     # m (Vallado 2013 §2.9)
SIGMA = 5.670374419e-8     # W m⁻² K⁻⁴ (CODATA 2018)

SCENARIO = {
    "workload": {"sustained_compute": "100000 PFLOPS", "precision": "fp16"},
    "architectures": {"sbsp": {"type": "sbsp", "chip": "B200"}, "ground": {"chip": "B200"}},
}


@pytest.fixture(scope="module")
def run(registry):
    result = api.run(SCENARIO, registry)
    assert result.failures == {}, result.failures
    return result


def metric(lg, name):
    return lg.get(name)


# ------------------------------------------------------------------ diffraction and geometry
def test_goubau_collection_of_the_1978_reference_system():
    """1 km transmitter, 78.2 km² active rectenna, 2.45 GHz, 35,786 km: τ = 1.79, η = 0.959 (hand, 1e-3)."""
    lam = C / 2.45e9
    a_t = math.pi * 500.0**2
    a_r = 78.2e6
    tau = math.sqrt(a_t * a_r) / (lam * 35_786e3)
    assert tau == pytest.approx(1.79, abs=0.005)
    d_r = 2 * math.sqrt(a_r / math.pi)
    assert beam.collection(35_786e3, 1000.0, d_r, lam) == pytest.approx(1 - math.exp(-tau**2), rel=1e-9)
    assert beam.collection(35_786e3, 1000.0, d_r, lam) == pytest.approx(0.959, abs=1e-3)


def test_geostationary_look_angle_at_34_north():
    """Law of sines route (independent of the plugin's atan2 form): the satellite's nadir angle ν from
    sin ν = R sin γ / d, elevation = 90° − γ − ν, with γ = 34° on the satellite's meridian."""
    r = R_E + GEO_ALT
    g = math.radians(34.0)
    d = math.sqrt(R_E**2 + r**2 - 2 * R_E * r * math.cos(g))
    nu = math.asin(R_E * math.sin(g) / d)
    el = 90.0 - 34.0 - math.degrees(nu)
    look = beam.geo_look(34.0, 0.0, GEO_ALT)
    assert look["slant_range_m"] == pytest.approx(d, rel=1e-12)
    assert look["elevation_deg"] == pytest.approx(el, rel=1e-9)
    assert el == pytest.approx(50.5, abs=0.1)
    with pytest.raises(ValueError, match="below the horizon"):
        beam.geo_look(70.0, 70.0, GEO_ALT)


def test_diffraction_gives_the_1978_reference_rectenna_again(run):
    """For 95 % collection at the slant range to 34° N, Goubau's relation sizes the rectenna
    A_r = −ln(0.05) (λ d)² / A_t: ~10 km across and ~13 km along the beam, the reference's ellipse."""
    lg = run.ledgers["sbsp"]
    lam = C / 2.45e9
    d = metric(lg, "beam.slant_range") * 1e3
    a_r = -math.log(0.05) * (lam * d) ** 2 / (math.pi * 500.0**2)
    d_r = 2 * math.sqrt(a_r / math.pi)
    assert metric(lg, "rectenna.diameter") * 1e3 == pytest.approx(d_r, rel=1e-9)
    assert metric(lg, "beam.collection") == pytest.approx(0.95, rel=1e-12)
    assert metric(lg, "beam.tau") == pytest.approx(math.sqrt(-math.log(0.05)), rel=1e-9)
    # the reference ellipse, 10 km × 13 km (DOE/ER-0023), within 1 %
    assert metric(lg, "rectenna.diameter") == pytest.approx(10.0, rel=0.01)
    assert metric(lg, "rectenna.major_axis") == pytest.approx(13.0, rel=0.01)


def test_rectenna_area_and_land(run, registry):
    """Ground ellipse π/4 · D_r · D_r / sin(El) per rectenna; fenced land × 1.3² (fence 13 km around 10 km)."""
    lg = run.ledgers["sbsp"]
    n = metric(lg, "powersat.count")
    d_r = metric(lg, "rectenna.diameter") * 1e3
    el = math.radians(metric(lg, "beam.elevation"))
    area = math.pi / 4 * d_r * d_r / math.sin(el)
    assert metric(lg, "rectenna.area") == pytest.approx(n * area / 1e6, rel=1e-12)
    assert metric(lg, "rectenna.land") == pytest.approx(n * area * 1.3**2 / 1e6, rel=1e-12)
    # the reference's 10 × 13 km ellipse is π/4 · 130 km² = 102.1 km²
    assert area / 1e6 == pytest.approx(102.1, rel=0.02)
    # its land and panels are priced per m²: 85 USD/m² of ellipse + 0.45 USD/m² of fenced land (plugin defaults);
    # capex.other also holds the satellites' transmitters at the mass-produced rate per kg
    transmitter = metric(lg, "powersat.transmitter_mass") * 1e3 * n * registry.models.value("cost.hardware_usd_per_kg_mass_produced")
    assert metric(lg, "capex.other") * 1e6 == pytest.approx(n * (85.0 * area + 0.45 * area * 1.69) + transmitter, rel=1e-9)


# ------------------------------------------------------------------ the efficiency chain
def test_nasa_efficiency_chain():
    """NASA 2024 Table 4: 0.35 · 0.9 · 0.7 · 0.9 · 0.98 · 0.95 · 0.78 · 0.9 = 0.12970 (≈ 13 % of the sunlight),
    and RD1: 11.473 km² × 1,367.5 W/m² = 15,689.33 MW incident → × 0.1297 × CF 0.997 = 2,028.79 MW delivered."""
    chain = beam.chain_efficiency([0.35, 0.9, 0.7, 0.9, 0.98, 0.95, 0.78, 0.9])
    assert chain == pytest.approx(0.12970, abs=1e-4)
    incident = 11.473e6 * 1367.5
    assert incident / 1e6 == pytest.approx(15_689.33, rel=1e-6)
    assert incident * chain * 0.997 / 1e6 == pytest.approx(2_028.79, rel=1e-3)
    with pytest.raises(ValueError):
        beam.chain_efficiency([0.9, 1.2])


def test_the_plugins_chain_is_the_nasa_chain_from_bus_to_bus(run):
    """Bus to bus (the array and the space DC-DC are the engine's): 0.7 · 0.9 · 0.98 · 0.95 · 0.78 · 0.9."""
    assert metric(run.ledgers["sbsp"], "beam.chain_efficiency") == pytest.approx(0.7 * 0.9 * 0.98 * 0.95 * 0.78 * 0.9,
                                                                                rel=1e-12)


# ------------------------------------------------------------------ GEO eclipses
def test_geo_eclipses_from_the_adapter_match_the_cylinder_by_hand(run):
    """Cylindrical shadow: on a day with solar declination δ a geostationary satellite is shadowed for a fraction
    acos(√(1 − (R/r)²) / cos δ) / π of the day when |δ| < asin(R/r) = 8.70°; δ from Cooper (1969),
    δ = 23.44° sin(2π (284 + n)/365). Longest: 2 asin(R/r)/360° of a sidereal day = 69.4 min."""
    lg = run.ledgers["sbsp"]
    k = R_E / (R_E + GEO_ALT)
    total = 0.0
    days = 0
    for n in range(1, 366):
        dec = math.radians(23.44) * math.sin(2 * math.pi * (284 + n) / 365)
        c = math.sqrt(1 - k * k) / math.cos(dec)
        if c < 1:
            total += math.acos(c) / math.pi
            days += 1
    assert metric(lg, "powersat.eclipse_fraction") == pytest.approx(total / 365, rel=0.03)
    assert metric(lg, "powersat.eclipse_fraction") == pytest.approx(0.0094, abs=0.0003)   # ~82 h a year
    assert metric(lg, "powersat.longest_eclipse") == pytest.approx(2 * math.degrees(math.asin(k)) / 360 * 86_164.1 / 60,
                                                                    rel=0.005)
    assert metric(lg, "powersat.eclipse_days") == pytest.approx(days, abs=3)              # ~90: two ~45-day seasons
    assert metric(lg, "sbsp.capacity_factor") == pytest.approx(1 - metric(lg, "powersat.eclipse_fraction"), rel=1e-12)


# ------------------------------------------------------------------ energy and heat
def _hand(run, registry):
    lg = run.ledgers["sbsp"]
    b200 = registry.catalogues.chips["B200"]
    load = metric(lg, "compute.chips") * (b200.power_w + b200.host_power_w)       # host_fraction 1
    hall = 1.1 * load                                                             # PUE 1.1 (pue_hyperscale)
    out = hall / 0.9                                                              # grid interface 0.90
    sent = out / (0.7 * 0.9 * 0.98 * 0.95 * 0.78)                                 # into the transmitters
    return {"load": load, "hall": hall, "out": out, "sent": sent,
            # DC→RF and antenna losses, and the PMAD loss of what the arrays supply (SMAD path efficiency 0.85)
            "sat_heat": sent * (1 - 0.7 * 0.9) + sent * (1 / 0.85 - 1),
            "rect_heat": sent * 0.7 * 0.9 * 0.98 * 0.95 * 0.22 + out * 0.1}       # RF→DC and grid-interface losses


def test_power_load_is_counted_once(run, registry):
    """Only the hall computes: power.load is its IT load, the same as the grid-fed baseline with the same chips."""
    h = _hand(run, registry)
    assert metric(run.ledgers["sbsp"], "power.load") == pytest.approx(h["load"] / 1e6, rel=1e-12)
    assert metric(run.ledgers["sbsp"], "power.load") == pytest.approx(metric(run.ledgers["ground"], "power.load"), rel=1e-12)
    assert metric(run.ledgers["sbsp"], "compute.units") == 1   # the satellites and rectennas are not compute units


def test_generated_equals_delivered_plus_losses(run, registry):
    lg = run.ledgers["sbsp"]
    h = _hand(run, registry)
    pmad = registry.models.value("power.pmad_efficiency")
    assert metric(lg, "power.exported") == pytest.approx((h["sent"] + h["out"]) / 1e6, rel=1e-9)
    assert metric(lg, "power.imported") == pytest.approx((h["out"] + h["hall"]) / 1e6, rel=1e-9)
    assert metric(lg, "power.exported") == pytest.approx(metric(lg, "power.imported") + metric(lg, "power.link_losses"), rel=1e-12)
    # the arrays generate what the satellites send, through the space PMAD; sent = the hall's demand + every link loss
    assert metric(lg, "power.generation") == pytest.approx(h["sent"] / pmad / 1e6, rel=1e-9)
    assert metric(lg, "power.generation") * pmad == pytest.approx(h["hall"] / 1e6 + metric(lg, "power.link_losses"), rel=1e-9)
    assert metric(lg, "power.grid") == 0.0 and metric(lg, "opex.energy") == 0.0


def test_heat_at_each_element_is_its_own_load_and_losses(run, registry):
    """Hall: its load (cooled by PUE); rectenna field: RF→DC + grid-interface losses (no cooling plant);
    satellite: the transmitter's losses and its PMAD loss, on its radiators (not the power it beams away)."""
    lg = run.ledgers["sbsp"]
    h = _hand(run, registry)
    assert metric(lg, "thermal.heat") == pytest.approx((h["load"] + h["rect_heat"] + h["sat_heat"]) / 1e6, rel=1e-9)
    assert metric(lg, "thermal.cooling_power") == pytest.approx(0.1 * h["load"] / 1e6, rel=1e-9)  # the hall's alone
    site = next(el for el in run.designs["sbsp"].elements if el.name == "powersat").site
    net = 2 * 0.9 * SIGMA * (330.0**4 - site.radiator_sink_k**4) - site.absorbed_w_m2   # shared radiator defaults
    assert metric(lg, "thermal.radiator_area") == pytest.approx(h["sat_heat"] / net, rel=1e-6)


def test_eclipse_hours_are_bought_from_the_grid(run, registry):
    """The hall's demand × the eclipse fraction × 8,766 h × the grid price (grid-us), on the rectenna's substation."""
    lg = run.ledgers["sbsp"]
    h = _hand(run, registry)
    price = registry.catalogues.power_sources["grid-us"].price_usd_per_kwh
    f = metric(lg, "powersat.eclipse_fraction")
    assert metric(lg, "opex.other") * 1e6 == pytest.approx(f * 8766 * h["hall"] / 1e3 * price, rel=1e-9)
    assert metric(lg, "sbsp.eclipse_grid_energy") == pytest.approx(f * 8766 * h["hall"] / 1e9, rel=1e-9)
    # the grid connection's wait is part of the time to service
    assert metric(lg, "time.years_to_service") >= 4.0


def test_transmitter_mass_and_launch(run, registry):
    """Transmitter 0.7 kg/kW of its DC input; the satellites' mass flies on Starships refuelled for GEO."""
    lg = run.ledgers["sbsp"]
    h = _hand(run, registry)
    assert metric(lg, "powersat.transmitter_mass") == pytest.approx(h["sent"] / 1e3 * 0.7 / 1e3, rel=1e-9)
    assert metric(lg, "launch.tanker_flights") == pytest.approx(metric(lg, "launch.flights")
                                                                * metric(lg, "transfer.tankers_per_flight"), rel=1e-12)
    sat_t = metric(lg, "mass.total") - metric(lg, "mass.compute") - metric(lg, "mass.hosts")
    assert metric(lg, "launch.flights") >= math.ceil(sat_t / 100.0)   # 100 t per Starship to LEO


def test_powersats_carry_their_geo_station_keeping(run):
    """GEO keeping, as every orbiting architecture carries it: north-south 2 v sin(di/2) with v = sqrt(GM/r) =
    3,074.66 m/s at r = 42,164.1 km and di = 0.85°/yr (Soop 1994), 45.61 m/s a year, plus 2 m/s east-west: 47.61 m/s
    a year, 1,428.4 m/s over 30 years. The rocket equation at the Hall thrusters' 1,500 s (g0 = 9.80665 m/s²) gives
    propellant = dry × (exp(Δv / (g0 Isp)) − 1) = 10.20 % of the satellites' dry mass."""
    lg = run.ledgers["sbsp"]
    v = math.sqrt(3.986004418e14 / (R_E + GEO_ALT))
    assert v == pytest.approx(3074.66, abs=0.01)
    per_year = 2.0 * v * math.sin(math.radians(0.85) / 2.0) + 2.0
    assert per_year == pytest.approx(47.61, abs=0.01)
    assert metric(lg, "powersat.keeping_dv") == pytest.approx(30.0 * per_year, rel=1e-6)
    ratio = math.exp(30.0 * per_year / (9.80665 * 1500.0)) - 1.0
    assert ratio == pytest.approx(0.1020, abs=1e-4)
    prop_t = metric(lg, "mass.propellant")
    dry_t = metric(lg, "powersat.mass") - prop_t  # the satellites' wet mass less their propellant
    assert prop_t == pytest.approx(dry_t * ratio, rel=1e-6)


# ------------------------------------------------------------------ bad input
def _sandbox(*args):
    return subprocess.run([sys.executable, "-m", "sandbox", *args], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(("line", "expected"), [
    ("beam_collection = 1.5", "architectures.sbsp.beam_collection: expected a value <= 0.9999"),
    ('frequency = "2.45 m"', "architectures.sbsp.frequency"),
    ('satellite_power = "0 GW"', "architectures.sbsp.satellite_power: expected a value > 0"),
])
def test_bad_sbsp_input_one_line_exit_2(tmp_path, line, expected):
    path = tmp_path / "bad.toml"
    path.write_text(f'[study]\nname = "t"\n[workload]\nsustained_compute = "10 PFLOPS"\n'
                    f'[architectures.sbsp]\ntype = "sbsp"\n{line}\n')
    proc = _sandbox("run", str(path), "--out", str(tmp_path / "out"))
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}: ") and expected in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert not (tmp_path / "out").exists()
