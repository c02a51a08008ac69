"""The LEO compute-cluster plugin against hand calculations and published figures.

Every expected value below is derived in the test (formula written out, numbers in the
comments) or quoted from a source; none is copied from the plugin's output. Designs are
evaluated through the real engine (scenario → validate → evaluate).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from sandbox import api

ROOT = Path(__file__).resolve().parent.parent
SIGMA = 5.670374419e-8          # W m^-2 K^-4, CODATA 2018
C = 299_792_458.0               # m/s
H_PLANCK = 6.62607015e-34       # J s
R_EQ_KM = 6378.1366             # Earth equatorial radius used by the orbit library (km)
MU_KM3_S2 = 398600.4418         # km^3/s^2
J2 = 1.08262668e-3

HEADER = """
[study]
name = "leo test"
seed = 7
[workload]
kind = "inference"
sustained_compute = "{compute}"
precision = "{precision}"
latency_target = "120 s"
[assumptions]
start_year = 2026
discount_rate = 0.08
reference_chip = "H100-SXM"
"""


def run(arch_toml: str, compute: str = "1 PFLOPS", precision: str = "fp16"):
    import tomllib

    data = tomllib.loads(HEADER.format(compute=compute, precision=precision) + arch_toml)
    result = api.run(data)
    assert not result.failures, result.failures
    return result


# ------------------------------------------------------------------------------ seed totals
#: The seed's demo satellites with one 744-TOPS chip each, every derating off but the single-event loss.
GUOXING_DEMO = """
[architectures.demo]
type = "leo"
satellites = {satellites}
altitude = "500 km"
orbit = "sso"
chip = "GuoXing-744TOPS"
chips_per_satellite = 1
utilisation = 1.0
redundancy = 1.0
checkpoint_overhead = 0.0
scrub_overhead = 0.0
failure_rate = "0 1/yr"
vehicle = "LM-2D"
model_latency = false
"""


def test_guoxing_seed_total_is_12_times_744_tops():
    """Source: 744 TOPS per satellite, 12 satellites (CASC/ADA Space, May 2025).

    Hand: 12 × 744e12 OP/s = 8.928e15 OP/s = 8.928 POP/s. With utilisation 1, no redundancy,
    no checkpoint/scrub overhead and no failures the engine's delivered compute is the peak, less
    the single-event loss every architecture carries: each satellite's computer (a one-chip job)
    stops for radiation.sdc_time_lost_per_event_s at σ × Φ events a year, Φ the 500 km SSO hadron
    flux (tests/test_models_radiation.py). (The published "5 POPS" total does not match its own
    per-unit figure.)
    """
    result = run(GUOXING_DEMO.format(satellites=12), compute="8.928 PFLOPS", precision="int8")
    led = result.ledgers["demo"]
    assert led.get("compute.units") == 12
    from sandbox.models import radiation

    flux = radiation.hadron_flux_per_cm2_h("leo", 500e3, led.get("orbit.inclination"))
    rate = radiation.DEFAULTS["cots_see_cross_section_cm2"].nominal * flux * 8766.0
    loss = rate * 1 * radiation.DEFAULTS["sdc_time_lost_per_event_s"].nominal / (365.25 * 86400.0)
    assert 0 < loss < 1e-3
    assert led.get("compute.delivered") == pytest.approx(12 * 744e12 / 1e15 * (1 - loss), rel=1e-12)  # 8.928 (P) less SEE
    assert led.get("sat.peak_compute") == pytest.approx(0.744, rel=1e-12)


def test_an_integer_design_short_of_its_workload_says_so_in_operations():
    """Half the seed's twelve 744-TOPS satellites deliver 6 × 744e12 = 4.46e15 int8 OP/s (less a SEE loss
    below 1e-3, as above): 50.0 % of the 8.928 POP/s asked, and the note counts operations, not FLOPs."""
    result = run(GUOXING_DEMO.format(satellites=6), compute="8.928 PFLOPS", precision="int8")
    led = result.ledgers["demo"]
    assert led.metric("compute.delivered").unit == "POP/s"
    note = next(n for n in led.notes if n.startswith("delivers "))
    assert note.startswith("delivers 4.46 POP/s, 50.0% of the 8.93 POP/s the workload asks")


# ------------------------------------------------------------------------------ eclipses
def _sun(days_since_j2000: np.ndarray):
    """Sun's apparent RA, declination and mean longitude (rad), low-precision formula of the
    Astronomical Almanac (section C, 'Low precision formulas for the Sun', ~0.01° accuracy)."""
    n = days_since_j2000
    mean_lon = np.radians((280.460 + 0.9856474 * n) % 360.0)
    g = np.radians((357.528 + 0.9856003 * n) % 360.0)
    lam = mean_lon + np.radians(1.915) * np.sin(g) + np.radians(0.020) * np.sin(2 * g)
    eps = np.radians(23.439 - 4e-7 * n)
    ra = np.arctan2(np.cos(eps) * np.sin(lam), np.cos(lam))
    dec = np.arcsin(np.sin(eps) * np.sin(lam))
    return ra, dec, mean_lon


def _eclipse_fraction(beta: np.ndarray, h_km: float) -> np.ndarray:
    """Cylindrical shadow, circular orbit: f = arccos(sqrt(h² + 2Rh) / ((R + h) cos β)) / π
    when that ratio < 1, else 0 (Gilmore, Spacecraft Thermal Control Handbook, vol. I §2)."""
    ratio = math.sqrt(h_km**2 + 2 * R_EQ_KM * h_km) / ((R_EQ_KM + h_km) * np.abs(np.cos(beta)))
    return np.where(ratio < 1.0, np.arccos(np.minimum(ratio, 1.0)) / math.pi, 0.0)


def _sso_inclination(h_km: float) -> float:
    """cos i = -(2/3) Ω̇_sun a^3.5 / (J2 R² sqrt(μ)), Ω̇_sun = 2π / 365.2422 d (Vallado §11.4)."""
    a = R_EQ_KM + h_km
    rate = 2 * math.pi / (365.2422 * 86400.0)
    return math.acos(-2.0 * rate * a**3.5 / (3.0 * J2 * R_EQ_KM**2 * math.sqrt(MU_KM3_S2)))


def test_eclipse_dawn_dusk_sso_vs_53_deg_at_550_km():
    """Mean eclipse fraction over 2026 of a dawn–dusk SSO (LTAN 18 h) and a 53° orbit at 550 km.

    Hand derivation with the β-angle formula sin β = ŝ·ĥ (ĥ the orbit normal) and the
    Almanac Sun (independent of the plugin and of astropy's ephemeris):

    - dawn–dusk SSO: i = 97.59° (J2 formula); the node follows the mean Sun, Ω = L + 90°. At the
      June solstice δ = 23.44°: sin β ≈ cos δ sin i + sin δ cos i = 0.9175·0.9913 − 0.3978·0.1320
      = 0.857 → β ≈ 59°, below β* = asin(R/(R+h)) = 67.0°: f = arccos(0.3905/cos 59°)/π = 0.226,
      i.e. 0.226 × 95.6 min = 21.6 min, the longest shadow of the year; from ~October to ~February
      β > 67° and there is no eclipse. Annual mean ≈ 0.05.
    - 53°: the node regresses ~5°/day relative to the Sun, so over a year φ = Ω − α takes every
      value evenly; sin β = cos δ sin i sin φ + sin δ cos i, averaged over φ and the year's δ.
      At β = 0, f = arccos(0.3905)/π = 0.372 (the maximum); annual mean ≈ 0.31.

    Published: ISS-like 51.6° orbits spend ~35 % of the time in shadow at β ≈ 0 and less on
    average; dawn–dusk SSOs are lit >95 % of the year (e.g. Sentinel-1 LTAN 18:00).
    """
    h = 550.0
    days = np.arange(365) + 0.5
    # 2026-01-01T00:00 UTC is JD 2461041.5, i.e. J2000 + 9496.5 d
    n = (2461041.5 - 2451545.0) + days
    ra, dec, mean_lon = _sun(n)

    i_sso = _sso_inclination(h)
    assert math.degrees(i_sso) == pytest.approx(97.59, abs=0.02)
    raan = mean_lon + math.radians(90.0)   # LTAN 18 h: RAAN = α_mean_sun + 15°·(18 − 12)
    normal = np.stack([np.sin(raan) * math.sin(i_sso), -np.cos(raan) * math.sin(i_sso),
                       np.full_like(raan, math.cos(i_sso))], axis=-1)
    sun = np.stack([np.cos(dec) * np.cos(ra), np.cos(dec) * np.sin(ra), np.sin(dec)], axis=-1)
    beta_dd = np.arcsin(np.sum(normal * sun, axis=-1))
    f_dd = _eclipse_fraction(beta_dd, h)
    hand_dd = float(f_dd.mean())
    period_min = 2 * math.pi * math.sqrt((R_EQ_KM + h) ** 3 / MU_KM3_S2) / 60.0
    hand_longest_dd = float(f_dd.max()) * period_min

    i53 = math.radians(53.0)
    phi = np.linspace(0.0, 2 * math.pi, 3600, endpoint=False)
    sin_b = np.cos(dec)[:, None] * math.sin(i53) * np.sin(phi)[None, :] + np.sin(dec)[:, None] * math.cos(i53)
    hand_53 = float(_eclipse_fraction(np.arcsin(sin_b), h).mean())

    assert 0.04 < hand_dd < 0.06 and 0.29 < hand_53 < 0.33  # the hand values themselves: ≈0.05 and ≈0.31

    result = run("""
[architectures.dd]
type = "leo"
satellites = 1
altitude = "550 km"
orbit = "sso-dawn-dusk"
model_latency = false
eclipse_samples = 365

[architectures.i53]
type = "leo"
satellites = 1
altitude = "550 km"
orbit = "inclined"
inclination = "53 deg"
model_latency = false
eclipse_samples = 365
""")
    dd, i53_ledger = result.ledgers["dd"], result.ledgers["i53"]
    assert dd.get("orbit.inclination") == pytest.approx(math.degrees(i_sso), abs=0.01)
    assert dd.get("orbit.eclipse_fraction") == pytest.approx(hand_dd, abs=0.005)
    assert dd.get("orbit.longest_eclipse") == pytest.approx(hand_longest_dd, abs=0.5)   # ≈21.6 min
    assert i53_ledger.get("orbit.eclipse_fraction") == pytest.approx(hand_53, abs=0.01)
    assert i53_ledger.get("orbit.longest_eclipse") == pytest.approx(0.372 * period_min, abs=0.5)  # β = 0


# ------------------------------------------------------------------------------ GuoXing 2035
def test_guoxing_2035_per_satellite_implied_compute():
    """100,000 PFLOPS / 2,400 = 41.667 PFLOPS per inference satellite → ceil(41.667 / 2.25) = 19 B200;
    1,000,000 PFLOPS / 400 = 2,500 PFLOPS per training satellite → ceil(2,500 / 2.25) = 1,112 B200
    (B200 dense fp16 = 4.5 PFLOPS sparse / 2 = 2.25 PFLOPS, NVIDIA datasheet)."""
    result = api.run(ROOT / "scenarios" / "claims" / "guoxing_2035.toml")
    assert not result.failures, result.failures
    inf, tr = result.ledgers["guoxing_inference"], result.ledgers["guoxing_training"]
    assert inf.get("sat.implied_peak_compute") == pytest.approx(100_000 / 2_400, rel=1e-12)
    assert tr.get("sat.implied_peak_compute") == pytest.approx(1_000_000 / 400, rel=1e-12)
    assert inf.get("sat.chips") == 19 and tr.get("sat.chips") == 1112
    assert inf.get("compute.chips") == 19 * 2_400 and tr.get("compute.chips") == 1_112 * 400
    # the plan's peak is met: 19 × 2.25 = 42.75 ≥ 41.67 PFLOPS per satellite
    assert inf.get("sat.peak_compute") == pytest.approx(19 * 2.25, rel=1e-12)
    # a training satellite draws 1,112 × (1,000 W B200 TDP + 787.5 W of DGX B200 host: 14.3 kW / 8 − 1 kW)
    # × (1 + 0.10 bus share) = 2,186.5 kW
    assert tr.get("sat.power_load") == pytest.approx(1_112 * (14_300.0 / 8) * 1.10 / 1e3, rel=1e-9)  # kW


# ------------------------------------------------------------------------------ latency
@pytest.fixture(scope="module")
def demo():
    result = api.run(ROOT / "scenarios" / "claims" / "guoxing_demo_2025.toml")
    assert not result.failures, result.failures
    return result


def test_guoxing_demo_latency_vs_under_two_minutes(demo):
    """The source: a question sent from Earth was answered "in under 2 minutes".

    What this model gives (12 satellites in one 500 km SSO plane, 5 Chinese stations, in-plane ISLs):
    a question asked while a satellite is in view is answered in ~15 s — consistent with the claim —
    but only while the plane passes over China; the rest of the day a question waits hours for the
    next pass. So "under 2 minutes" holds for about half the questions, not for all of them.

    Hand figures:
    - best case (asked and answered in one contact): 30 ms fibre RTT + 2 × slant range at the 10°
      mask / c + 32,000 bit / 1 Mbit/s + 15 s processing + 32,000 bit / 1 Gbit/s. Slant range
      d = sqrt((R+h)² − R² cos² 10°) − R sin 10° = 1,695 km → 5.65 ms per leg; with the 5 s of processing
      every architecture carries (links.query_processing_time_s) the total is ≈ 5.073 s.
    - coverage bound: the stations span 76.00°E–130.77°E; a satellite 500 km up sees 10° above the
      horizon within λ = 80° − asin(R cos 10° / (R+h)) = 14.06° of Earth-central angle. A near-polar
      plane sweeps past the network twice a day at 15°/h; the network lies within its reach for at
      most (54.77° + 2λ / cos 46.49°) / 15°/h ≈ 6.35 h per crossing → ≤ 12.7 h = 53 % of the day.
    - so ≥ 47 % of the day is in at most two gaps; the fraction of questions waiting > 1 h is at
      least (24 − 12.7 − 2 × 1) / 24 ≈ 39 % > 5 %: the p95 exceeds an hour.
    """
    led = demo.ledgers["guoxing_demo"]
    h, r = 500.0, R_EQ_KM
    slant = math.sqrt((r + h) ** 2 - (r * math.cos(math.radians(10))) ** 2) - r * math.sin(math.radians(10))
    best = 0.030 + 2 * slant * 1e3 / C + 4000 * 8 / 1e6 + 5.0 + 4000 * 8 / 1e9
    assert best == pytest.approx(5.073, abs=0.001)
    assert led.get("latency.best") == pytest.approx(best, abs=1e-3)
    assert best < 120.0                                   # consistent with "under 2 minutes" ...

    lam = 80.0 - math.degrees(math.asin(r * math.cos(math.radians(10)) / (r + h)))
    bound = 2 * (130.77 - 76.00 + 2 * lam / math.cos(math.radians(46.49))) / 15.0 / 24.0
    assert bound == pytest.approx(0.53, abs=0.01)
    assert led.get("latency.coverage") <= bound
    assert led.get("latency.p95") > 3600.0                # ... but not for a question at a random time
    # questions asked during a contact (or < ~2 min before one) are answered within the target;
    # the others wait for the next pass: far from "every question in under 2 minutes"
    assert led.get("latency.within_target") >= led.get("latency.in_contact") - 0.02
    assert led.get("latency.within_target") <= bound + 0.05
    # the target is end to end, as latency.p50: a question takes at least latency.best (5.073 s, 5 s of it
    # processing), so no question meets a 5 s target, whatever the path (it once compared the path alone)
    import tomllib

    data = tomllib.loads((ROOT / "scenarios" / "claims" / "guoxing_demo_2025.toml").read_text(encoding="utf-8"))
    data["workload"]["latency_target"] = "5 s"
    short = api.run(data).ledgers["guoxing_demo"]
    assert short.get("latency.best") > 5.0 and short.get("latency.within_target") == 0.0


def test_guoxing_demo_under_two_minutes_with_geo_relay(demo):
    """With GEO data-relay satellites (Tianlian/TDRSS class, assumed always in view) every answer
    arrives in under 2 minutes. Hand: r_GEO = (μ (T_sid/2π)²)^(1/3) = 42,164 km; station → GEO
    35,786 km; GEO → LEO at quadrature sqrt(42,164² + 6,878²) = 42,721 km; one way 78,507 km /
    c = 0.2619 s; total = 0.030 + 2 × 0.2619 + 0.032 + 5 + 0.000032 ≈ 5.586 s < 120 s."""
    led = demo.ledgers["guoxing_demo_geo_relay"]
    r_geo = (MU_KM3_S2 * (86164.0905 / (2 * math.pi)) ** 2) ** (1 / 3)
    leg = ((r_geo - R_EQ_KM) + math.hypot(r_geo, R_EQ_KM + 500.0)) * 1e3 / C
    hand = 0.030 + 2 * leg + 4000 * 8 / 1e6 + 5.0 + 4000 * 8 / 1e9
    assert hand == pytest.approx(5.586, abs=0.002)
    assert led.get("latency.p50") == pytest.approx(hand, abs=1e-3)
    assert led.get("latency.p95") == pytest.approx(hand, abs=1e-3) and hand < 120.0


# ------------------------------------------------------------------------------ ISL capacity
def test_isl_capacity_falls_with_distance():
    """Photon-budget optical link (Hemmati 2006): R = P_t η (π D_t D_r / (4 λ d))² / (n_ppb h c / λ).

    With 3 cm apertures (so the 100 Gbit/s terminal cap does not bind), 4 W, η = 0.3, 10 photons/bit,
    1,550 nm, at 500 km (r = 6,878 km): 12 satellites per plane are 2 r sin(π/12) = 3,560 km apart →
    15.4 Gbit/s; 3 per plane are 2 r sin(π/3) = 11,913 km apart → 1.37 Gbit/s; ratio (3,560/11,913)² = 0.0893.
    """
    def arch(name: str, n: int) -> str:
        return f"""
[architectures.{name}]
type = "leo"
satellites = {n}
altitude = "500 km"
orbit = "sso-dawn-dusk"
isl_aperture = "3 cm"
model_latency = false
"""
    result = run(arch("twelve", 12) + arch("three", 3))
    r = (R_EQ_KM + 500.0) * 1e3
    lam, photon = 1550e-9, H_PLANCK * C / 1550e-9

    def rate(d: float) -> float:
        return 4.0 * 0.3 * (math.pi * 0.03 * 0.03 / (4 * lam * d)) ** 2 / (10 * photon)

    d12, d3 = 2 * r * math.sin(math.pi / 12), 2 * r * math.sin(math.pi / 3)
    twelve, three = result.ledgers["twelve"], result.ledgers["three"]
    assert twelve.get("link.isl_distance") == pytest.approx(d12 / 1e3, rel=1e-6)
    assert three.get("link.isl_distance") == pytest.approx(d3 / 1e3, rel=1e-6)
    assert twelve.get("link.isl_rate") == pytest.approx(rate(d12) / 1e9, rel=1e-6)   # ≈15.4 Gbit/s
    assert three.get("link.isl_rate") == pytest.approx(rate(d3) / 1e9, rel=1e-6)     # ≈1.37 Gbit/s
    # 1e-7: the aperture transfer 1 − exp(−τ²) is Friis's τ² times (1 − τ²/2), τ² = 1.6e-8 at 3,560 km
    assert three.get("link.isl_rate") / twelve.get("link.isl_rate") == pytest.approx((d12 / d3) ** 2, rel=1e-7)
    assert three.get("link.isl_rate") < twelve.get("link.isl_rate") < 100.0


# ------------------------------------------------------------------------------ Starcloud-1
def test_starcloud1_radiator_area_by_hand():
    """Starcloud-1: ~300 W of waste heat from one H100 (power-capped; its TDP is 700 W).

    Heat = 300 W × (1 + 0.10 bus share) = 330 W of load, plus the PMAD loss 330 × (1/0.85 − 1) = 58.2 W (SMAD
    path efficiency X_d = 0.85): 388.2 W, plus the battery's round-trip loss over the eclipse share f of the
    orbit, 330 × f × (1/0.90 − 1) (Li-ion 0.90, New SMAD ch. 21): f ≈ 0.338 gives 12.4 W, 400.6 W. Two-sided panel at 330 K, ε = 0.90, 3 K-class
    sink (2.7255 K). Environment at 525 km, panel edge-on to the Sun and to the Earth:
    view factor per face F = (atan(1/X) − X/H²)/π with H = (6,371 + 525)/6,371, X = sqrt(H² − 1)
    → F = 0.2624, both faces 0.5249; absorbed = ε IR 2F + α a S 2F K_a with IR = 237 W/m², α = 0.15,
    a = 0.30, S = 1,360.8 W/m², K_a = 1 (the 45° orbit passes β = 0, the sub-solar hot case)
    = 112.0 + 32.1 = 144.1 W/m². Net = 2 × 0.9 σ (330⁴ − 2.7255⁴) − 144.1 = 1,210.4 − 144.1 = 1,066.3 W/m²
    → A = 400.6 / 1,066.3 = 0.376 m².
    """
    result = api.run(ROOT / "scenarios" / "claims" / "starcloud1.toml")
    assert not result.failures, result.failures
    led = result.ledgers["starcloud1"]
    # the eclipse share is at most the cylindrical shadow at β = 0: asin(6,371/6,896) / 180° = 67.5°/180° = 0.375
    f = led.get("orbit.eclipse_fraction")
    assert 0.30 < f <= math.asin(6371.0 / 6896.0) / math.pi
    heat = 300.0 * 1.10 / 0.85 + 300.0 * 1.10 * f * (1.0 / 0.90 - 1.0)
    assert led.get("thermal.heat") * 1e6 == pytest.approx(heat, rel=1e-9)
    big_h = (6371.0 + 525.0) / 6371.0
    x = math.sqrt(big_h**2 - 1.0)
    f_two = 2 * (math.atan(1.0 / x) - x / big_h**2) / math.pi
    absorbed = 0.9 * 237.0 * f_two + 0.15 * 0.30 * 1360.8 * f_two * 1.0
    net = 2 * 0.9 * SIGMA * (330.0**4 - 2.7255**4) - absorbed
    area = heat / net
    assert area == pytest.approx(0.376, abs=0.001)
    assert led.get("thermal.absorbed_flux") == pytest.approx(absorbed, rel=0.005)
    assert led.get("thermal.radiator_area") == pytest.approx(area, rel=0.002)
    # the power cap: throughput scaled by 300/700 (H100 fp16 dense 989.4 TFLOPS)
    assert led.get("sat.peak_compute") == pytest.approx(989.4e12 * 300 / 700 / 1e15, rel=1e-9)


def test_a_constellation_too_large_to_simulate_is_refused_with_the_way_out():
    """Found by the fuzz test: `utilisation = 3e-7` asks for ~70 million satellites, and the latency
    simulation's visibility mask (one bool per satellite, 30-s step over 2 days and ground station)
    took two minutes and 22 GB before failing. At 3e-5 the engine sizes 666,571 satellites (701,654 × 0.95 when
    serving still paid a 5 % checkpoint overhead): 666,571 × 5,760 steps × 7 stations = 26.9 GB, over the 2 GB
    bound, so the design refuses at once
    with the way out; without the simulation the constellation it names is evaluated."""
    scenario = {"workload": {"sustained_compute": "100 PFLOPS"}, "architectures": {"leo": {"utilisation": 3e-5}}}
    result = api.run(scenario)
    message = result.failures["leo"]
    assert "666,571 satellites" in message and "26.9 GB" in message and "model_latency = false" in message
    assert 666_571 * 5_760 * 7 == pytest.approx(26.9e9, rel=2e-3)
    assert "ground" in result.ledgers  # the baseline stands
    scenario["architectures"]["leo"]["model_latency"] = False
    leo = api.run(scenario).ledgers["leo"]
    assert leo.get("compute.units") == int(message.split(" satellites")[0].rsplit(" ", 1)[-1].replace(",", ""))


def test_latency_simulation_is_reused_across_model_defaults_but_not_across_link_functions(monkeypatch):
    """A shared-model default that the latency simulation does not read (the bus cost per kg) leaves
    its inputs, its random state and the link functions it calls unchanged: the second design reuses
    the samples (one simulation, identical latency figures). Link functions replaced by a plugin
    (here pass_wait_s made to add 60 s to every wait) are a different simulation: recomputed, and
    no answer comes sooner than the best case plus 60 s."""
    import tomllib
    import types

    from sandbox_plugins.leo import physics

    physics._LATENCY_MEMO.clear()
    calls = []
    real = physics.simulate_latency

    def counted(*args, **kwargs):
        calls.append((*args, args[3].bit_generator.state))  # the random state it started from
        return real(*args, **kwargs)

    monkeypatch.setattr(physics, "simulate_latency", counted)
    text = HEADER.format(compute="1 PFLOPS", precision="fp16") + """
[architectures.leo]
satellites = 12
planes = 1
"""
    plain = api.run(tomllib.loads(text)).ledgers["leo"]
    dearer = api.run(tomllib.loads(text + '\n[models]\n"cost.hardware_usd_per_kg_mass_produced" = "50000 USD/kg"\n')).ledgers["leo"]
    assert len(calls) == 1
    for metric in ("latency.p50", "latency.p95", "latency.coverage", "latency.within_target"):
        assert dearer.get(metric) == plain.get(metric)
    assert dearer.get("cost.capex") > plain.get("cost.capex")  # the override did reach the ledger

    c, li, models, rng, slant, state = calls[0]
    links = models.links
    slower = types.SimpleNamespace(links=types.SimpleNamespace(
        light_time_s=links.light_time_s, transfer_time_s=links.transfer_time_s,
        pass_wait_s=lambda a, s, e: links.pass_wait_s(a, s, e) + 60.0))
    rng.bit_generator.state = state
    base = physics.simulate_latency_memo(c, li, models, rng, slant)  # a hit: no new simulation
    assert len(calls) == 1
    rng.bit_generator.state = state
    late = physics.simulate_latency_memo(c, li, slower, rng, slant)
    assert len(calls) == 2
    # every question now waits at least 60 s for its uplink: no answer comes sooner than the best
    # case (asked in view, answered in the same contact) plus 60 s; before, some did
    assert base.samples_s.min() < base.best_s + 60.0
    assert late.samples_s.min() >= base.best_s + 60.0


def test_the_site_type_note_names_only_what_auto_chose():
    """The note said "power technology by site type: array GaAs-ROSA, storage Li-ion-space" when the scenario had
    chosen the array itself: only the storage was the site type's pick (Li-ion in orbit, shallow-cycled where an orbit
    has 300 or more eclipses a year, as this one does)."""
    notes = {}
    for label, arch in (("auto", {}), ("array", {"solar_array": "GaAs-ROSA"}),
                        ("both", {"solar_array": "GaAs-ROSA", "storage": "Li-ion-space-deep"})):
        r = api.run({"workload": {"sustained_compute": "100 PFLOPS"}, "architectures": {"leo": arch}})
        notes[label] = [n for n in r.ledgers["leo"].notes if "by site type" in n]
    where = "element 'compute satellite': power technology by site type: "
    assert notes["auto"] == [where + "array Si-COTS, storage Li-ion-space (docs/models.md, one envelope)"]
    assert notes["array"] == [where + "storage Li-ion-space (docs/models.md, one envelope)"]
    assert notes["both"] == []
