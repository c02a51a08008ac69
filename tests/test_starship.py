"""Starship-module plugin: transfer physics by hand, flights from mass and volume, sizing, campaign."""

from __future__ import annotations

import math

import pytest
from _scenarios import run_standard

MU = 398600.4418  # km^3/s^2, Earth GM (IERS/WGS-84 value the orbit library uses)
RE = 6378.1366  # km, Earth's equatorial radius as the orbit library uses it
G0 = 9.80665
C_KM_S = 299_792.458

def test_geo_propellant_and_tankers_by_hand():
    """A full 100 t cargo from a 400 km, 26.0° parking orbit to GEO on a refuelled Starship that flies back.

    Hohmann (Vallado 4th ed. Algorithm 36; Curtis Example 6.12 for the plane change combined at apogee),
    r1 = 6,778.14 km, r2 = 42,164.14 km:
      v1 = sqrt(mu/r1) = 7.669 km/s; v_p = sqrt(2 mu r2 / (r1 (r1+r2))) = 10.097 km/s; dv1 = 2.428 km/s
      v_a = v_p r1/r2 = 1.623 km/s; v_geo = 3.075 km/s; dv2 = sqrt(v_a² + v_geo² − 2 v_a v_geo cos 26.0°) = 1.738 km/s
      total ≈ 4.17 km/s (the textbook LEO(28.5°)→GEO figure is ~4.2-4.3 km/s).
    Return to the launch site: the retro-burn from GEO onto a 50 km perigee, its plane turned back by the same 26.0°
    so that the ground track reaches Starbase (combined with the burn: v_t = sqrt(2 mu rp / (r2 (r2 + rp))) =
    1.582 km/s, sqrt(v_geo² + v_t² − 2 v_geo v_t cos 26.0°) = 1.793 km/s), minus the parking orbit's deorbit burn
    the catalogue payload already carries (7.669 − 7.567 = 0.102 km/s): 1.690 km/s.
    Rocket equation (Curtis Eq. 6.1), ve = 380 s × g0 = 3.727 km/s, ship dry 120 t:
      back = 120 (e^{1.690/3.727} − 1) ≈ 69 t;  out = (120 + 69 + 100)(e^{4.17/3.727} − 1) ≈ 595 t;  total ≈ 664 t
      → ceil(664 / 100) = 7 tanker flights per flight.
    """
    r1, r2, rp = RE + 400.0, RE + 35786.0, RE + 50.0
    v1 = math.sqrt(MU / r1)
    vp = math.sqrt(2 * MU * r2 / (r1 * (r1 + r2)))
    va = vp * r1 / r2
    vgeo = math.sqrt(MU / r2)
    di = math.radians(25.997)
    dv_out = (vp - v1) + math.sqrt(va**2 + vgeo**2 - 2 * va * vgeo * math.cos(di))
    vt = math.sqrt(2 * MU * rp / (r2 * (r2 + rp)))
    back = math.sqrt(vgeo**2 + vt**2 - 2 * vgeo * vt * math.cos(di)) - (v1 - math.sqrt(2 * MU * rp / (r1 * (r1 + rp))))
    assert back == pytest.approx(1.690, abs=0.001)
    ve = 380.0 * G0 / 1000.0
    prop_back = 120.0 * math.expm1(back / ve)
    prop_out = (120.0 + prop_back + 100.0) * math.expm1(dv_out / ve)
    total_t = prop_back + prop_out
    assert dv_out == pytest.approx(4.17, abs=0.01)
    assert total_t == pytest.approx(664.0, abs=2.0)

    led = run_standard('[architectures.s]\ntype = "starship"\norbit = "geo"\nmodules = 1\n').ledgers["s"]
    assert led.get("transfer.dv_outbound") == pytest.approx(dv_out * 1000.0, rel=1e-4)
    assert led.get("transfer.dv_return") == pytest.approx(back * 1000.0, rel=1e-3)
    assert led.get("transfer.ship_propellant") == pytest.approx(total_t, rel=1e-3)
    assert led.get("transfer.tankers_per_flight") == math.ceil(total_t / 100.0) == 7
    # the engine multiplies the module's flights by the tankers per flight
    assert led.get("launch.tanker_flights") == 7 * led.get("launch.flights")
    # GEO latency path: round trip 2 × 35,786 km / c = 0.2387 s, direct (no relay), plus network and processing
    assert led.get("latency.path_p50") == pytest.approx(2 * 35786.0 / C_KM_S, rel=1e-6)
    assert led.get("latency.p50") == pytest.approx(0.030 + 2 * 35786.0 / C_KM_S + 5.0, rel=1e-6)
    # longest GEO eclipse, cylindrical shadow at equinox: 2 asin(R/r2)/360° × sidereal day (1436.07 min) = 69.4 min
    # (Maral & Bousquet, Satellite Communications Systems 5th ed. §2.2.4: at most ~70 min around the equinoxes)
    expected = 2 * math.degrees(math.asin(RE / r2)) / 360.0 * 2 * math.pi * math.sqrt(r2**3 / MU) / 60.0
    assert expected == pytest.approx(69.4, abs=0.1)
    assert led.get("orbit.longest_eclipse") == pytest.approx(expected, rel=0.01)
    # GEO's ~90 eclipses a year (at least 0.00938 × 525,960 min / 69.4 min = 71 from the site) let its batteries
    # discharge deep: 80 % (New SMAD 2011, ch. 21: 60–80 % in GEO), so storage = supply × longest eclipse / 0.8
    assert led.get("orbit.eclipse_fraction") * 525_960.0 / led.get("orbit.longest_eclipse") < 300.0
    assert led.get("power.storage_energy") == pytest.approx(
        led.get("power.supply") * led.get("orbit.longest_eclipse") / 60.0 / 0.80, rel=1e-9)
    # campaign: (module flights + tankers) ÷ 145 flights per year
    flights = led.get("launch.flights") + led.get("launch.tanker_flights")
    # lead time (default 2 yr, sandbox.core.paramsets.lead_time_param) + flights ÷ 145 per year
    assert led.get("time.years_to_service") == pytest.approx(2.0 + flights / 145.0)


def test_ship_propellant_over_capacity_is_refused():
    """With Isp 200 s (ve = 1.961 km/s): back = 120 (e^{1.39/1.961} − 1) ≈ 123 t and
    out = (120 + 123 + 100)(e^{4.17/1.961} − 1) ≈ 2,530 t, more than the ship's 1,200 t: refused with a clear message."""
    result = run_standard('[architectures.s]\ntype = "starship"\norbit = "geo"\nraptor_isp = "200 s"\n', allow_failures=True)
    assert "more than the ship holds" in result.failures["s"]


def test_one_gw_module_count_by_hand():
    """1 GW of GPU power with the default 900 B200 (1,000 W each, NVIDIA HGX B200 datasheet) per module = 0.9 MW per
    module → 1e9 / 0.9e6 = 1,111.1 → 1,112 modules; with 1,200 GPUs: 1e9 / 1.2e6 = 833.3 → 834 modules."""
    res = run_standard('[architectures.a]\ntype = "starship"\ntarget_power = "1 GW"\n'
              '[architectures.b]\ntype = "starship"\ntarget_power = "1 GW"\nchips_per_module = 1200\n')
    assert res.ledgers["a"].get("module.count") == 1112
    assert res.ledgers["a"].get("compute.chips") == 1112 * 900
    assert res.ledgers["b"].get("module.count") == 834


def test_host_servers_from_the_dgx_b200_as_every_architecture_carries_them():
    """DGX B200 (NVIDIA DGX B200 User Guide): 142.4 kg and 14.3 kW for 8 GPUs → 17.8 kg and 1,787.5 W per GPU; less
    the B200's own 1.5 kg and 1,000 W: a host of 16.3 kg and 787.5 W per GPU (the catalogue's B200 host fields, one
    envelope for all, as the DGX H100 and DGX A100 give the H100's and the A100's)."""
    led = run_standard('[architectures.s]\ntype = "starship"\nmodules = 1\n').ledgers["s"]
    assert led.get("mass.hosts") == pytest.approx(900 * (142.4 / 8 - 1.5) / 1e3)
    # IT load per module: 900 × (1,000 + 787.5) W = 1.609 MW; with the 10 % bus: 1.770 MW
    assert led.get("power.it") == pytest.approx(0.9 * (14.3e3 / 8) / 1e3, rel=1e-9)
    assert led.get("power.load") == pytest.approx(0.9 * (14.3e3 / 8) / 1e3 * 1.10, rel=1e-9)


def test_flights_from_mass_and_volume():
    """Starship: 100 t and 1,000 m³ per flight; flights per module = ceil(max(m / 100 t, V / 1,000 m³)).

    - volume binds: a module of 900 B200 (~95 t) stowed at 50 kg/m³ → V = m / 50 ≈ 1,900 m³ → 2 flights, mass alone 1;
    - mass binds: a module of 1,000 B200 (~106 t: its arrays sized for the darkest orbit of the year) at
      300 kg/m³ → ≈ 350 m³ → mass 1.06 → 2 flights, volume alone 1 (the default 900 fit one flight);
    - neither: the 900-GPU module at 120 kg/m³ → 1 flight.
    """
    res = run_standard("""
[architectures.vol]
type = "starship"
modules = 1
chips_per_module = 900
packing_density = "50 kg/m3"
[architectures.mass]
type = "starship"
modules = 1
chips_per_module = 1000
packing_density = "300 kg/m3"
[architectures.fits]
type = "starship"
modules = 1
chips_per_module = 900
""")
    for name, density in (("vol", 50.0), ("mass", 300.0), ("fits", 120.0)):
        led = res.ledgers[name]
        m_kg = led.get("mass.total") * 1e3
        assert led.get("module.mass_fill") == pytest.approx(m_kg / 100e3)
        assert led.get("module.volume_fill") == pytest.approx(m_kg / density / 1000.0)
        by_hand = math.ceil(max(m_kg / 100e3, m_kg / density / 1000.0))
        assert led.get("launch.flights") == led.get("module.flights") == by_hand
    vol, mass, fits = (res.ledgers[n] for n in ("vol", "mass", "fits"))
    assert vol.get("module.volume_fill") > 1.0 > vol.get("module.mass_fill") and vol.get("launch.flights") == 2
    assert mass.get("module.mass_fill") > 1.0 > mass.get("module.volume_fill") and mass.get("launch.flights") == 2
    # the run says by how much the module misses one flight, and the size that would fit: 1 / fill of it
    fill = mass.get("mass.total") * 1e3 / 100e3
    assert (f"element 'module': one unit is {fill:.3g}× what one Starship flight carries ({fill * 100:.4g} t of 100 t): "
            f"launched in 2 pieces and assembled in orbit; a unit at most {1 / fill:.1%} of this size would fit one "
            "flight") in mass.notes
    assert fits.get("launch.flights") == 1


def test_orbit_changes_eclipse_radiation_and_latency():
    """Dawn-dusk SSO vs 53° LEO at 550 km: the SSO is eclipsed only near one solstice (mean fraction a few %),
    the 53° orbit ~1/3 of the time at low β (max fraction = acos(sqrt(h²+2Rh)/(R+h))/π = 0.373 at β = 0).
    Radiation: 'leo' table at 550 km vs the 'geo' table. Latency path through a GEO relay:
    up 35,786 − 550 km to the relay and down 35,786 km to its terminal, both ways: 2 × 71,022 km / c = 0.474 s."""
    res = run_standard("""
[architectures.sso]
type = "starship"
modules = 1
[architectures.leo]
type = "starship"
modules = 1
orbit = "leo"
""")
    sso, leo = res.ledgers["sso"], res.ledgers["leo"]
    h = 550.0
    f_max = math.acos(math.sqrt(h * h + 2 * RE * h) / (RE + h)) / math.pi
    assert f_max == pytest.approx(0.373, abs=0.001)
    assert sso.get("orbit.eclipse_fraction") < 0.1 < leo.get("orbit.eclipse_fraction") < f_max
    assert leo.get("orbit.longest_eclipse") == pytest.approx(f_max * 2 * math.pi * math.sqrt((RE + h) ** 3 / MU) / 60, rel=0.02)
    assert sso.get("latency.path_p50") == pytest.approx(2 * ((35_786.0 - 550.0) + 35_786.0) / C_KM_S)
    assert leo.get("mass.storage") > sso.get("mass.storage")
    # a low orbit's thousands of eclipses a year keep its batteries shallow-cycled: 30 % (New SMAD 2011, ch. 21: 20–40 %
    # in LEO), so storage = supply × longest eclipse / 0.3 (MW × min / 60 = MWh)
    assert leo.get("power.storage_energy") == pytest.approx(
        leo.get("power.supply") * leo.get("orbit.longest_eclipse") / 60.0 / 0.30, rel=1e-9)


def test_modules_carry_their_station_keeping_as_every_orbiting_architecture():
    """Dawn-dusk SSO at 550 km: drag make-up ρ v² / (2B) × 1 yr with ρ = 6.967e-13 × exp(−50/63.822) kg/m³ (Vallado
    Table 8-4), v² = GM/(R + h), B = 100 kg/m² (SMAD ch. 8): 2.889 m/s a year, 14.45 m/s over the 5-year life, as the
    LEO satellites carry theirs. GEO: north-south 2 v sin(0.85°/2) = 45.61 m/s a year plus 2 m/s east-west (Soop
    1994), 238.1 m/s over 5 years. The module's Hall thrusters (1,500 s) turn it into propellant = dry × (exp(Δv /
    (g0 Isp)) − 1); the metric is in t."""
    res = run_standard('[architectures.sso]\ntype = "starship"\nmodules = 1\n'
                       '[architectures.geo]\ntype = "starship"\norbit = "geo"\nmodules = 1\n')
    sso, geo = res.ledgers["sso"], res.ledgers["geo"]
    rho = 6.967e-13 * math.exp(-50.0 / 63.822)
    drag = rho * MU * 1e9 / (RE * 1e3 + 550e3) / (2.0 * 100.0) * 365.25 * 86400.0
    assert drag == pytest.approx(2.889, abs=0.001)
    assert sso.get("module.keeping_dv") == pytest.approx(5.0 * drag, rel=1e-6)
    v = math.sqrt(MU / (RE + 35_786.0)) * 1e3
    assert geo.get("module.keeping_dv") == pytest.approx(5.0 * (2.0 * v * math.sin(math.radians(0.425)) + 2.0), rel=1e-6)
    assert geo.get("module.keeping_dv") == pytest.approx(238.1, abs=0.1)
    for led in (sso, geo):
        prop = led.get("mass.propellant")
        ratio = math.exp(led.get("module.keeping_dv") / (9.80665 * 1500.0)) - 1.0
        assert prop == pytest.approx((led.get("mass.total") - prop) * ratio, rel=1e-6)
