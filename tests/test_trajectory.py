"""Tests of sandbox.trajectory against textbook values (both boinor and poliastro backends).

References used below:
* Vallado, *Fundamentals of Astrodynamics and Applications*, 4th ed. (2013) — "Vallado".
* Curtis, *Orbital Mechanics for Engineering Students*, 3rd ed. (2014) — "Curtis".
* Wertz & Larson, *Space Mission Analysis and Design*, 3rd ed. (1999) — "SMAD".
* NASA GSFC planetary fact sheets (nssdc.gsfc.nasa.gov/planetary/factsheet).
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from astropy import units as u
from astropy.time import Time

import sandbox.trajectory as tr
from sandbox.trajectory import library as tb

REPO = Path(__file__).resolve().parents[1]
R_EARTH_VALLADO_KM = 6378.137  # Vallado Table D-3 (canonical unit 1 ER)
MU_EARTH = 398600.4418  # km^3/s^2, Vallado Table D-3


def _run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter of this environment, with the repo importable."""
    full_env = dict(os.environ)
    full_env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p)
    full_env.update(env)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=full_env, timeout=300)


# --------------------------------------------------------------------------------------
# Adapter: lazy import, library selection, numba cache
# --------------------------------------------------------------------------------------


def test_import_is_cheap_and_backend_does_not_load_the_library():
    """The CLI imports this module; neither the library, numba nor astropy may load with it."""
    code = (
        "import sys, sandbox.trajectory as t; name, version = t.backend(); "
        "print(name, version, [m for m in ('numba', 'boinor', 'poliastro', 'astropy') if m in sys.modules])"
    )
    out = _run_python(code)
    assert out.returncode == 0, out.stderr
    name, version, loaded = out.stdout.split(" ", 2)
    assert name in tr.SUPPORTED_LIBRARIES and version[0].isdigit()
    assert loaded.strip() == "[]"


def test_backend_follows_environment_variable(monkeypatch):
    name, version = tr.backend()
    requested = os.environ.get(tr.ENV_LIBRARY)
    assert name == (requested or name)
    mod = __import__(name)
    assert version == getattr(mod, "__version__", version)
    monkeypatch.setenv(tr.ENV_LIBRARY, "orekit")
    with pytest.raises(ValueError, match="boinor, poliastro"):
        tb.library_name()


def test_missing_library_gives_a_clear_import_error(monkeypatch):
    monkeypatch.setenv(tr.ENV_LIBRARY, "")
    monkeypatch.setattr(tb.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ImportError, match="pip install boinor"):
        tb.library_name()


def test_numba_cache_dir_honours_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert tr.numba_cache_dir() == tmp_path / "space-sandbox" / "numba"


def test_fresh_process_writes_numba_cache_files(tmp_path):
    """A process computing one Hohmann transfer leaves compiled kernels in NUMBA_CACHE_DIR.

    That on-disk cache is what turns the next process's ~10 s compile into ~0.3 s.
    """
    cache = tmp_path / "numba-cache"
    code = (
        "from astropy import units as u; from sandbox.trajectory import hohmann; "
        "print(hohmann(6678 * u.km, 42164 * u.km).dv_total.to_value('km/s'))"
    )
    out = _run_python(code, NUMBA_CACHE_DIR=str(cache))
    assert out.returncode == 0, out.stderr
    # hand calculation (vis-viva, μ = 398600.4418 km³/s²): 6678 → 42164 km costs 3.8926 km/s
    assert float(out.stdout) == pytest.approx(3.8926, abs=1e-4)
    assert len(list(cache.rglob("*.nbi"))) > 0
    assert len(list(cache.rglob("*.nbc"))) > 0


def test_numba_wrapper_defaults_cache_in_both_decorator_forms():
    tr.backend()
    tr.enable_numba_cache()
    tr.enable_numba_cache()  # idempotent: wrapped once only
    import numba

    assert getattr(numba.njit, tb._CACHE_MARK)
    assert not getattr(numba.njit.__wrapped__, tb._CACHE_MARK, False)

    def add_one(x):
        return x + 1

    bare = numba.njit(add_one)
    called = numba.njit()(add_one)
    explicit = numba.njit(cache=False)(add_one)
    assert type(bare._cache).__name__ == "FunctionCache"
    assert type(called._cache).__name__ == "FunctionCache"
    assert type(explicit._cache).__name__ == "NullCache"
    namespace: dict[str, object] = {}
    exec("def twice(x):\n    return 2 * x\n", namespace)  # no source file: numba cannot cache it
    assert numba.njit(namespace["twice"])(21) == 42
    assert numba.njit(fastmath=True)(namespace["twice"])(4) == 8


# --------------------------------------------------------------------------------------
# Transfers
# --------------------------------------------------------------------------------------


def test_hohmann_vallado_example_6_1():
    """Vallado Ex. 6-1: 191.344 km LEO (1.03 ER) to GEO-like 6.61 ER.

    Δva = 2.457038 km/s, Δvb = 1.478187 km/s, Δv = 3.935224 km/s, τ = 5.256713 h.
    """
    t = tr.hohmann(1.03 * R_EARTH_VALLADO_KM * u.km, 6.61 * R_EARTH_VALLADO_KM * u.km)
    assert t.dv1.to_value(u.km / u.s) == pytest.approx(2.457038, abs=2e-6)
    assert t.dv2.to_value(u.km / u.s) == pytest.approx(1.478187, abs=2e-6)
    assert t.dv_total.to_value(u.km / u.s) == pytest.approx(3.935224, abs=2e-6)
    assert t.time_of_flight.to_value(u.h) == pytest.approx(5.256713, abs=2e-6)
    assert len(t.dvs) == 2


def test_hohmann_with_a_combined_plane_change_by_hand():
    """Vallado Ex. 6-1's radii (1.03 → 6.61 ER, Δva 2.457038, Δvb 1.478187 km/s) with a 28.5° plane change
    combined with the apoapsis burn (Vallado §6.4): v_c = sqrt(μ / 6.61 ER), v_a = v_c − Δvb, and the
    combined burn sqrt(v_a² + v_c² − 2 v_a v_c cos 28.5°); with no plane change it is the coplanar Δvb."""
    re_km = tr.body_radius("Earth").to_value(u.km)
    park, target = (1.03 * R_EARTH_VALLADO_KM - re_km) * u.km, (6.61 * R_EARTH_VALLADO_KM - re_km) * u.km
    flat = tr.hohmann_plane_change(park, target, 0 * u.deg)
    assert flat["dv1"].to_value(u.km / u.s) == pytest.approx(2.457038, abs=2e-6)
    assert flat["dv2"].to_value(u.km / u.s) == pytest.approx(1.478187, abs=2e-6)
    v_c = math.sqrt(398600.4418 / (6.61 * R_EARTH_VALLADO_KM))
    v_a = v_c - 1.478187
    combined = math.sqrt(v_a**2 + v_c**2 - 2 * v_a * v_c * math.cos(math.radians(28.5)))
    tilted = tr.hohmann_plane_change(park, target, 28.5 * u.deg)
    assert tilted["dv2_coplanar"].to_value(u.km / u.s) == pytest.approx(1.478187, abs=2e-6)
    assert tilted["dv2"].to_value(u.km / u.s) == pytest.approx(combined, abs=1e-5)
    assert tilted["total"].to_value(u.km / u.s) == pytest.approx(2.457038 + combined, abs=2e-5)
    assert tilted["tof"].to_value(u.h) == pytest.approx(5.256713, abs=2e-6)


def test_round_trip_propellant_by_hand():
    """Rocket equation (Curtis Eq. 6.1), last burn first: a 100 t ship flies back empty with 0.5 km/s,
    m_back = 100 t (e^{500/(380 g0)} − 1) = 14.359 t; out with 1 km/s carrying 50 t and that propellant,
    m_out = (100 t + m_back + 50 t)(e^{1000/(380 g0)} − 1) = 50.59 t."""
    g0 = 9.80665
    back = 100e3 * math.expm1(500 / (380 * g0))
    out = (100e3 + back + 50e3) * math.expm1(1000 / (380 * g0))
    got_out, got_back = tr.round_trip_propellant(50 * u.t, 1 * u.km / u.s, 0.5 * u.km / u.s, 100 * u.t, 380 * u.s)
    assert got_back.to_value(u.kg) == pytest.approx(back, rel=1e-12)
    assert got_out.to_value(u.kg) == pytest.approx(out, rel=1e-12)
    assert back == pytest.approx(14_359, rel=1e-4) and out == pytest.approx(50_590, rel=1e-4)  # 100 t × 0.14359; 164.36 t × 0.30779


def test_deorbit_burn_by_hand():
    """Vis-viva (Curtis Eq. 2.71): from a circular orbit at 400 km onto an ellipse with its perigee at
    80 km, μ = 398,600.4418 km³/s² and the adapter's equatorial radius R: r1 = R + 400 km,
    r2 = R + 80 km, Δv = sqrt(μ/r1) − sqrt(μ (2/r1 − 2/(r1 + r2))) ≈ 93 m/s; none for the same orbit."""
    mu, re_km = 398600.4418, tr.body_radius("Earth").to_value(u.km)
    r1, r2 = re_km + 400.0, re_km + 80.0
    by_hand = (math.sqrt(mu / r1) - math.sqrt(mu * (2 / r1 - 2 / (r1 + r2)))) * 1e3
    got = tr.deorbit_dv(400 * u.km, 80 * u.km).to_value(u.m / u.s)
    assert got == pytest.approx(by_hand, rel=1e-9)
    assert 92.0 < by_hand < 94.0
    assert tr.deorbit_dv(400 * u.km, 400 * u.km).to_value(u.m / u.s) == pytest.approx(0.0, abs=1e-9)


def test_deorbit_burn_with_a_plane_change_by_hand():
    """From GEO (r = R + 35,786 km) onto a 50 km perigee with the plane turned by 26.0° (back to Starbase's
    latitude), combined with the burn by the law of cosines (Vallado 4th ed. §6.4): v_c = sqrt(μ/r) = 3.0747 km/s,
    the ellipse's speed there v_t = sqrt(2 μ r_p / (r (r + r_p))) = 1.5815 km/s, Δv = sqrt(v_c² + v_t² − 2 v_c v_t
    cos 26°) = 1.7926 km/s, against v_c − v_t = 1.4932 km/s without the turn."""
    mu, re_km = 398600.4418, tr.body_radius("Earth").to_value(u.km)
    r, rp = re_km + 35_786.0, re_km + 50.0
    vc, vt = math.sqrt(mu / r), math.sqrt(2 * mu * rp / (r * (r + rp)))
    by_hand = math.sqrt(vc**2 + vt**2 - 2 * vc * vt * math.cos(math.radians(25.997))) * 1e3
    assert by_hand == pytest.approx(1792.6, abs=0.1)
    got = tr.deorbit_dv(35_786 * u.km, 50 * u.km, plane_change=25.997 * u.deg).to_value(u.m / u.s)
    assert got == pytest.approx(by_hand, rel=1e-9)
    assert tr.deorbit_dv(35_786 * u.km, 50 * u.km).to_value(u.m / u.s) == pytest.approx((vc - vt) * 1e3, rel=1e-9)


def test_ferry_round_trip_to_geo_by_hand():
    """A refuelled ship carries 100 t from a 400 km parking orbit to GEO with a 26.0° plane change and flies back
    to a 50 km perigee over its launch site (the hand figures of tests/test_starship.py): out 4.17 km/s (Hohmann,
    plane change combined at apogee), back 1.690 km/s (the retro-burn with the plane turned back, less the parking
    orbit's 0.102 km/s deorbit burn), and by the rocket equation at 380 s with a 120 t dry ship: 69 t for the way
    back, 595 t out, 664 t in all. Without the return only the outbound burn is paid: (120 + 100) t × (e^(4.17/3.727) − 1)."""
    trip = tr.ferry_round_trip(400 * u.km, 35_786 * u.km, 25.997 * u.deg, 100 * u.t, 120 * u.t, 380 * u.s, 50 * u.km)
    assert trip["dv_out"].to_value(u.km / u.s) == pytest.approx(4.17, abs=0.01)
    assert trip["dv_back"].to_value(u.km / u.s) == pytest.approx(1.690, abs=0.001)
    assert trip["propellant_back"].to_value(u.t) == pytest.approx(68.9, abs=0.1)
    assert trip["propellant"].to_value(u.t) == pytest.approx(663.6, abs=0.1)
    one_way = tr.ferry_round_trip(400 * u.km, 35_786 * u.km, 25.997 * u.deg, 100 * u.t, 120 * u.t, 380 * u.s)
    ve = 380.0 * 9.80665 / 1e3
    assert one_way["dv_back"].to_value(u.m / u.s) == 0.0
    assert one_way["propellant"].to_value(u.t) == pytest.approx(
        220.0 * math.expm1(trip["dv_out"].to_value(u.km / u.s) / ve), rel=1e-9)


def test_bielliptic_vallado_example_6_2():
    """Vallado Ex. 6-2: 1.03 ER → 60 ER via rb = 80 ER.

    Δva = 3.156233, Δvb = 0.677358, Δvc = −0.070466 km/s, Δv = 3.904057 km/s,
    τ = 593.92 h (the Hohmann alternative costs 3.966 km/s).
    """
    r = R_EARTH_VALLADO_KM * u.km
    t = tr.bielliptic(1.03 * r, 80 * r, 60 * r)
    assert [dv.to_value(u.km / u.s) for dv in t.dvs] == pytest.approx([3.156233, 0.677358, 0.070466], abs=2e-6)
    assert t.dv_total.to_value(u.km / u.s) == pytest.approx(3.904057, abs=2e-6)
    assert t.time_of_flight.to_value(u.h) == pytest.approx(593.92, abs=0.01)
    assert tr.hohmann(1.03 * r, 60 * r).dv_total.to_value(u.km / u.s) == pytest.approx(3.966193, abs=2e-6)


def test_transfer_radius_inside_body_is_rejected():
    with pytest.raises(ValueError, match="inside"):
        tr.hohmann(6000 * u.km, 7000 * u.km)


def test_lambert_curtis_example_5_2():
    """Curtis Ex. 5.2: r1 = (5000, 10000, 2100) km, r2 = (−14600, 2500, 7000) km, Δt = 1 h.

    v1 = (−5.9925, 1.9254, 3.2456) km/s, v2 = (−3.3125, −4.1966, −0.38529) km/s.
    """
    v1, v2 = tr.lambert([5000, 10000, 2100] * u.km, [-14600, 2500, 7000] * u.km, 1 * u.h, body="Earth")
    assert v1.to_value(u.km / u.s) == pytest.approx([-5.9925, 1.9254, 3.2456], abs=2e-4)
    assert v2.to_value(u.km / u.s) == pytest.approx([-3.3125, -4.1966, -0.38529], abs=2e-4)


def test_interplanetary_curtis_example_8_8_mars_global_surveyor():
    """Curtis Ex. 8.8: Earth 1996-11-07 0h UT → Mars 1997-09-12 0h UT (Mars Global Surveyor).

    Curtis (JPL mean elements) gets v∞ = 3.1644 km/s at departure and 2.8852 km/s at
    arrival; astropy's built-in ephemeris differs slightly, hence a 3 % tolerance.
    """
    dep, arr = Time("1996-11-07 00:00", scale="utc"), Time("1997-09-12 00:00", scale="utc")
    x = tr.interplanetary_transfer("Earth", "Mars", dep, (arr - dep).to(u.day))
    assert x.v_inf_departure.to_value(u.km / u.s) == pytest.approx(3.16435, rel=0.03)
    assert x.v_inf_arrival.to_value(u.km / u.s) == pytest.approx(2.88517, rel=0.03)
    assert x.c3_departure.to_value(u.km**2 / u.s**2) == pytest.approx(x.v_inf_departure.to_value(u.km / u.s) ** 2)
    # 309 calendar days plus the leap second inserted on 1997-06-30
    assert x.tof.to_value(u.s) == pytest.approx(309 * 86400 + 1, abs=1e-3)
    assert abs((x.arrival - arr).to_value(u.s)) < 1e-3
    # Mars near conjunction-side at arrival: 1.3–2.0 au from Earth in Sept 1997 (JPL Horizons ~1.7 au).
    assert 1.3 < x.distance_at_arrival_from_earth.to_value(u.au) < 2.0


# --------------------------------------------------------------------------------------
# Propagation
# --------------------------------------------------------------------------------------

R0_VALLADO = [1131.340, -2282.343, 6672.423] * u.km
V0_VALLADO = [-5.64305, 4.30333, 2.42879] * u.km / u.s


def test_propagate_vallado_example_2_4():
    """Vallado Ex. 2-4 (KEPLER), Δt = 40 min:
    r = (−4219.7527, 4363.0292, −3958.7666) km, v = (3.689866, −1.916735, −6.112511) km/s.
    """
    r, v = tr.propagate(R0_VALLADO, V0_VALLADO, 40 * u.min)
    assert r.to_value(u.km) == pytest.approx([-4219.7527, 4363.0292, -3958.7666], abs=1e-3)
    assert v.to_value(u.km / u.s) == pytest.approx([3.689866, -1.916735, -6.112511], abs=1e-5)


@pytest.mark.parametrize(
    ("r0", "v0"),
    [
        (R0_VALLADO, V0_VALLADO),
        # Molniya-like, inclined 63.4°: perigee radius 6,900 km, 9.95 km/s → apogee radius ~41,300 km
        ([6900.0, 0, 0] * u.km, [0, 9.95 * math.cos(math.radians(63.4)), 9.95 * math.sin(math.radians(63.4))] * u.km / u.s),
    ],
)
def test_propagate_many_agrees_with_library_over_a_day(r0, v0):
    times = np.linspace(0.0, 86400.0, 25) * u.s
    rs, vs = tr.propagate_many(r0, v0, times)
    for k, t in enumerate(times):
        r, v = tr.propagate(r0, v0, t)
        assert np.linalg.norm((rs[k] - r).to_value(u.km)) < 1.0
        assert np.linalg.norm((vs[k] - v).to_value(u.km / u.s)) < 1e-3
    assert rs[0].to_value(u.km) == pytest.approx(r0.to_value(u.km), abs=1e-6)


def test_hyperbolic_propagation_tends_to_v_infinity():
    """Energy conservation on an escape hyperbola: far away the speed approaches v∞ = sqrt(v² − v_esc²)."""
    r0, speed = 7000.0 * u.km, 12.0 * u.km / u.s
    altitude = r0 - 6378.1366 * u.km
    v_inf = tr.v_inf_from_speed(speed, "Earth", altitude)
    rs, vs = tr.propagate_many([7000.0, 0, 0] * u.km, [0, 12.0, 0] * u.km / u.s, [60.0] * u.day)
    speed_far = np.linalg.norm(vs[0].to_value(u.km / u.s))
    r_far = np.linalg.norm(rs[0].to_value(u.km))
    assert speed_far**2 - 2 * MU_EARTH / r_far == pytest.approx(v_inf.to_value(u.km / u.s) ** 2, rel=1e-6)


# --------------------------------------------------------------------------------------
# Circular orbits, J2, sun-synchronous, escape, rocket equation
# --------------------------------------------------------------------------------------


def test_geostationary_period_and_speed():
    """GEO radius 42,164.17 km: period = one sidereal day 86,164.09 s, speed 3.0747 km/s (Vallado §2.2)."""
    altitude = (42164.17 - 6378.1366) * u.km
    assert tr.orbital_period(altitude).to_value(u.s) == pytest.approx(86164.09, abs=0.5)
    assert tr.circular_velocity(altitude).to_value(u.km / u.s) == pytest.approx(3.0747, abs=1e-4)


def test_sun_synchronous_inclination_smad():
    """SMAD §6.2 / Vallado §11.4: ~97.6° at 550 km and ~98.6° at 800 km."""
    assert tr.sun_synchronous_inclination(550 * u.km).to_value(u.deg) == pytest.approx(97.59, abs=0.05)
    assert tr.sun_synchronous_inclination(800 * u.km).to_value(u.deg) == pytest.approx(98.60, abs=0.1)
    with pytest.raises(ValueError):
        tr.sun_synchronous_inclination(8000 * u.km)


def test_nodal_regression_smad_formula_and_sun_synchronous_rate():
    """SMAD Eq. 6-19: dΩ/dt = −2.06474e14 a^(−7/2) cos i (1 − e²)^(−2) deg/day, a in km.

    ISS-like 400 km, 51.6°: about −5.0 °/day. At the sun-synchronous inclination the rate is
    the mean Sun's 360°/365.2422 d.
    """
    a = 6378.1366 + 400
    expected = -2.06474e14 * a**-3.5 * math.cos(math.radians(51.6))
    assert tr.nodal_regression_rate(400 * u.km, 51.6 * u.deg).to_value(u.deg / u.day) == pytest.approx(expected, rel=1e-4)
    sso = tr.sun_synchronous_inclination(700 * u.km)
    assert tr.nodal_regression_rate(700 * u.km, sso).to_value(u.deg / u.day) == pytest.approx(360 / 365.2422, rel=1e-9)


def test_escape_speeds_nasa_fact_sheets():
    """NASA fact sheets: Earth 11.186 km/s (at volumetric mean radius 6371.0 km), Moon 2.38 km/s.

    The adapter measures altitude from the library's equatorial radius (6378.1366 km), so the
    fact-sheet value is reproduced at altitude 6371.0 − 6378.1366 km, and 11.18 km/s at 0.
    """
    assert tr.escape_speed("Earth", (6371.0 - 6378.1366) * u.km).to_value(u.km / u.s) == pytest.approx(11.186, abs=5e-4)
    assert tr.escape_speed("Earth").to_value(u.km / u.s) == pytest.approx(11.186, rel=1e-3)
    assert tr.escape_speed("Moon").to_value(u.km / u.s) == pytest.approx(2.38, abs=0.005)
    assert tr.escape_speed("Mars").to_value(u.km / u.s) == pytest.approx(5.03, abs=0.01)  # NASA Mars fact sheet
    assert tr.escape_speed("Jupiter").to_value(u.km / u.s) == pytest.approx(59.5, abs=0.2)  # NASA Jupiter fact sheet


def test_departure_speed_curtis_example_8_9_and_inverse():
    """Curtis Ex. 8.9: v∞ = 3.16435 km/s from a 180 km parking orbit (R = 6378 km): v_p = 11.47 km/s."""
    vp = tr.departure_speed(3.16435 * u.km / u.s, "Earth", 180 * u.km)
    assert vp.to_value(u.km / u.s) == pytest.approx(11.47, abs=0.01)
    back = tr.v_inf_from_speed(vp, "Earth", 180 * u.km)
    assert back.to_value(u.km / u.s) == pytest.approx(3.16435, rel=1e-12)
    below = tr.v_inf_from_speed([2.0, 3.0] * u.km / u.s, "Moon")  # lunar escape is 2.38 km/s
    assert np.isnan(below[0]) and below[1].to_value(u.km / u.s) == pytest.approx(math.sqrt(9 - 2.3757**2), abs=1e-3)
    with pytest.raises(ValueError):
        tr.v_inf_from_speed(2.0 * u.km / u.s, "Moon", strict=True)


def test_rocket_equation_hand_calculation():
    """Tsiolkovsky with g0 = 9.80665 m/s²: m0/mf = e gives Δv = Isp·g0; Δv = Isp·g0·ln 2 needs m_p = m_f.

    Curtis Ex. 8.4(c)-style: Δv = 3.6 km/s at Isp = 300 s burns 1 − exp(−3600/2941.995) = 70.6 % of m0.
    """
    assert tr.delta_v(math.e * u.kg, 1 * u.kg, 450 * u.s).to_value(u.m / u.s) == pytest.approx(450 * 9.80665)
    dv = 450 * 9.80665 * math.log(2) * u.m / u.s
    assert tr.propellant_mass(1000 * u.kg, dv, 450 * u.s).to_value(u.kg) == pytest.approx(1000.0)
    mp = tr.propellant_mass(1 * u.t, 3.6 * u.km / u.s, 300 * u.s)
    assert (mp / (mp + 1 * u.t)).to_value(u.one) == pytest.approx(0.7058, abs=1e-4)


# --------------------------------------------------------------------------------------
# Eclipses and beta angle
# --------------------------------------------------------------------------------------

EQUINOX_2026 = Time("2026-03-20 14:46", scale="utc")
JUNE_SOLSTICE_2026 = Time("2026-06-21 08:24", scale="utc")


def test_eclipse_fraction_at_zero_beta_matches_hand_formula():
    """Cylindrical shadow, β = 0: f = arcsin(R/(R+h))/π; 400 km → 0.3901 (R = 6378.1 km).

    A polar orbit whose node points at the Sun has the Sun in its plane.
    """
    s = tr.sun_direction(EQUINOX_2026)
    raan = math.degrees(math.atan2(s[1], s[0])) * u.deg
    assert abs(tr.beta_angle(90 * u.deg, raan, EQUINOX_2026).to_value(u.deg)) < 1e-6
    f = tr.eclipse_fraction(400 * u.km, 90 * u.deg, raan, EQUINOX_2026, samples=20000)
    assert f == pytest.approx(math.asin(6378.1 / 6778.1) / math.pi, abs=2e-4)
    assert f == pytest.approx(0.3901, abs=5e-4)


@pytest.mark.parametrize(
    ("altitude_km", "inclination_deg", "raan_deg", "epoch"),
    [
        (550, 53.0, 0.0, EQUINOX_2026),
        (550, 53.0, 120.0, JUNE_SOLSTICE_2026),
        (550, 97.59, 89.6 + 90.0, JUNE_SOLSTICE_2026),  # LTAN 18 h dawn–dusk SSO (Sun RA 89.6°) in its eclipse season
        (800, 98.60, 30.0, Time("2026-11-05", scale="utc")),
    ],
)
def test_numerical_eclipse_matches_beta_angle_formula(altitude_km, inclination_deg, raan_deg, epoch):
    """Sampled shadow test vs f = arccos(sqrt(h²+2Rh)/((R+h)cos β))/π (Gilmore, Spacecraft
    Thermal Control Handbook, §2) at specific dates."""
    h, i, raan = altitude_km * u.km, inclination_deg * u.deg, raan_deg * u.deg
    beta = tr.beta_angle(i, raan, epoch)
    expected = tr.eclipse_fraction_from_beta(h, beta)
    r = 6378.1366 + altitude_km
    hand = math.acos(min(1.0, math.sqrt(altitude_km**2 + 2 * 6378.1366 * altitude_km) / (r * math.cos(beta.to_value(u.rad))))) / math.pi
    assert expected == pytest.approx(hand, abs=1e-12)
    assert tr.eclipse_fraction(h, i, raan, epoch, samples=20000) == pytest.approx(expected, abs=5e-4)


def test_conical_umbra_is_shorter_than_cylindrical_at_geo():
    """GEO at equinox: cylindrical eclipse = arcsin(R/r)/π × sidereal day ≈ 69.4 min; the umbra
    cone (Vallado Algorithm 34) is narrower by r·tan α ≈ 195 km there, giving ≈ 67 min; SMAD
    quotes a ~70 min maximum GEO eclipse."""
    altitude = (42164.17 - 6378.1366) * u.km
    period_min = tr.orbital_period(altitude).to_value(u.min)
    beta = tr.beta_angle(0 * u.deg, 0 * u.deg, EQUINOX_2026)
    assert abs(beta.to_value(u.deg)) < 0.2  # J2000 equator vs equator of date: 26 years of precession
    cyl = tr.eclipse_fraction(altitude, 0 * u.deg, 0 * u.deg, EQUINOX_2026, samples=36000)
    con = tr.eclipse_fraction(altitude, 0 * u.deg, 0 * u.deg, EQUINOX_2026, samples=36000, shadow="conical")
    assert cyl * period_min == pytest.approx(math.asin(6378.1366 / 42164.17) / math.pi * period_min, abs=0.2)
    assert con * period_min == pytest.approx(67.3, abs=0.5)
    with pytest.raises(ValueError):
        tr.eclipse_fraction(altitude, 0 * u.deg, 0 * u.deg, EQUINOX_2026, shadow="penumbra")


def test_dawn_dusk_sso_sees_far_less_eclipse_than_starlink_shell():
    """Dawn–dusk SSOs at 550 and 800 km vs a 53° / 550 km (Starlink-like) shell.

    A dawn–dusk orbit keeps |β| ≥ 90° − 23.44° − (i − 90°) ≈ 59°, so it is eclipsed only in a
    season around one solstice: the retrograde SSO's normal is tilted 7.6° from the equator, so
    LTAN 18 h orbits meet β_min at the June solstice (Hinode's May–August eclipse season) and
    LTAN 6 h orbits at the December solstice. The 53° shell crosses β = 0 and averages ~0.3.
    """
    dd550 = tr.eclipse_over_year(550 * u.km, tr.sun_synchronous_inclination(550 * u.km), ltan_hours=6.0)
    dd800 = tr.eclipse_over_year(800 * u.km, tr.sun_synchronous_inclination(800 * u.km), ltan_hours=18.0)
    shell = tr.eclipse_over_year(550 * u.km, 53 * u.deg, raan=0 * u.deg)
    assert dd550.mean_fraction < 0.06 and dd800.mean_fraction < 0.03
    assert 0.27 < shell.mean_fraction < 0.34
    assert min(abs(b.to_value(u.deg)) for b in dd550.beta_angle_range) == pytest.approx(90 - 23.44 - 7.59, abs=0.5)
    # 53° shell: max over the year is the β = 0 value arcsin(R/(R+h))/π
    assert shell.max_fraction == pytest.approx(math.asin(6378.1366 / 6928.1366) / math.pi, abs=1e-3)
    assert shell.max_duration.to_value(u.min) == pytest.approx(shell.max_fraction * tr.orbital_period(550 * u.km).to_value(u.min))
    worst_dawn = dd550.epochs[int(np.argmax(dd550.fractions))]
    assert abs((worst_dawn - Time("2026-12-21 20:50", scale="utc")).to_value(u.day)) < 10
    worst_dusk = dd800.epochs[int(np.argmax(dd800.fractions))]
    assert abs((worst_dusk - JUNE_SOLSTICE_2026).to_value(u.day)) < 10
    season = dd800.epochs[dd800.fractions > 0]
    assert Time("2026-04-15") < season[0] and season[-1] < Time("2026-09-01")


def test_eclipse_over_year_agrees_with_sampled_shadow():
    """The yearly β-formula series and the sampled shadow agree date by date (SSO node drift)."""
    stats = tr.eclipse_over_year(600 * u.km, 97.79 * u.deg, ltan_hours=10.5, n_days=12)
    sso = tr.sun_synchronous_inclination(600 * u.km)
    assert sso.to_value(u.deg) == pytest.approx(97.79, abs=0.01)
    t0 = stats.epochs[0]
    ra_mean_sun0 = tr.gmst(t0).to_value(u.deg) + 180.0
    for k in (0, 4, 8):
        days = (stats.epochs[k] - t0).to_value(u.day)
        raan = (ra_mean_sun0 + 15 * (10.5 - 12) + 360 / 365.2422 * days) * u.deg
        f = tr.eclipse_fraction(600 * u.km, sso, raan, stats.epochs[k], samples=20000)
        assert f == pytest.approx(stats.fractions[k], abs=2e-3)
    with pytest.raises(ValueError):
        tr.eclipse_over_year(600 * u.km, sso, ltan_hours=6, raan=0 * u.deg)


# --------------------------------------------------------------------------------------
# Ground visibility
# --------------------------------------------------------------------------------------


def test_gmst_vallado_example_3_5():
    """Vallado Ex. 3-5: 1992 Aug 20, 12:14 UT1 → GMST = 152.578787886°."""
    assert tr.gmst(Time("1992-08-20 12:14:00", scale="utc")).to_value(u.deg) == pytest.approx(152.578787886, abs=1e-6)


def test_satellite_overhead_has_elevation_90():
    epoch = Time("2026-05-01 00:00", scale="utc")
    lon = -tr.gmst(epoch).to_value(u.deg)  # the ECI x-axis is under longitude −GMST at epoch
    station = tr.station_ecef(0.0, lon, 0.0)
    pos = tr.constellation_positions(550e3, 0.0, 0.0, 0.0, [0.0])  # SI floats: m, rad, s
    ecef = tr.eci_to_ecef(pos, [0.0], epoch)
    assert tr.elevation_deg(ecef[0, 0], station) == pytest.approx(90.0, abs=1e-5)
    # and 550 km straight up from a point 20° of arc away sits at 90° − 20° − η, η from the sine rule
    other = tr.station_ecef(0.0, lon + 20.0, 0.0)
    rho = math.sqrt(6378.1366**2 + 6928.1366**2 - 2 * 6378.1366 * 6928.1366 * math.cos(math.radians(20)))
    expected = math.degrees(math.acos(6928.1366 * math.sin(math.radians(20)) / rho))
    assert tr.elevation_deg(ecef[0, 0], other) == pytest.approx(expected, abs=1e-9)


def _max_pass_s(altitude_km: float, mask_deg: float) -> float:
    """SMAD §5.3: λ_max = arccos(R cos ε/(R+h)) − ε; an overhead pass lasts 2λ_max / (n − ω⊕)
    for an equatorial prograde orbit seen from the equator (relative angular rate)."""
    r_e, a = 6378.137, 6378.137 + altitude_km
    lam = math.acos(r_e * math.cos(math.radians(mask_deg)) / a) - math.radians(mask_deg)
    return 2 * lam / (math.sqrt(MU_EARTH / a**3) - 7.292115e-5)


@dataclass
class _Station:
    lat_deg: float
    lon_deg: float
    alt_m: float
    min_elevation_deg: float


def test_pass_durations_match_smad_geometry():
    start = Time("2026-05-01 00:00", scale="utc")
    stations = [(0.0, 0.0, 0.0), _Station(0.0, 90.0, 0.0, 5.0)]
    windows = tr.visibility_windows(550 * u.km, 0 * u.deg, 0 * u.deg, stations, start, 1 * u.day, step=10 * u.s)
    for station_windows, mask in zip(windows, (10.0, 5.0), strict=True):
        full = [w for w in station_windows if w.start > start and w.end < start + 1 * u.day]
        assert len(full) >= 12  # synodic period 2π/(n − ω⊕) ≈ 1.71 h
        for w in full:
            assert w.duration.to_value(u.s) == pytest.approx(_max_pass_s(550, mask), abs=1.0)
            assert w.max_elevation.to_value(u.deg) > 80.0
    assert _max_pass_s(550, 10) == pytest.approx(510.7, abs=0.5)  # ≈ 8.5 min


def test_visibility_mask_matches_windows_for_a_constellation():
    """Vectorised mask (satellites × times × stations) agrees with the per-satellite windows."""
    start = Time("2026-05-01 00:00", scale="utc")
    times = np.arange(0.0, 6 * 3600.0, 30.0)
    stations = [(52.0, 5.0, 0.0), (-33.9, 18.4, 0.0, 5.0), (78.2, 15.4, 500.0)]
    raans = np.radians([0.0, 40.0, 80.0, 120.0, 160.0])
    mask = tr.visibility_mask(550e3, np.radians(53.0), raans, np.radians(np.arange(5) * 72.0), stations, start, times, chunk_size=2)
    assert mask.shape == (5, times.size, 3) and mask.any()
    for k in (1, 3):
        wins = tr.visibility_windows(
            550 * u.km, 53 * u.deg, raans[k] * u.rad, stations, start, 6 * u.h, step=30 * u.s, mean_anomaly=(k * 72.0) * u.deg
        )
        for g, station_windows in enumerate(wins):
            covered = np.zeros(times.size, bool)
            for w in station_windows:
                a, b = (w.start - start).to_value(u.s), (w.end - start).to_value(u.s)
                covered |= (times >= a - 1e-6) & (times <= b + 1e-6)
            assert np.array_equal(covered, mask[k, :, g])


# --------------------------------------------------------------------------------------
# Lagrange points
# --------------------------------------------------------------------------------------


def test_earth_moon_lagrange_points():
    """Earth–Moon L1 ≈ 326,400 km from Earth (≈ 58,000 km from the Moon), L2 ≈ 449,000 km
    (≈ 64,500 km beyond the Moon) — Szebehely, *Theory of Orbits* (1967) μ = 0.01215; NASA."""
    lp = tr.lagrange_points("Earth-Moon")
    assert lp["L1"].to_value(u.km) == pytest.approx(326_400, rel=3e-3)
    assert (384_400 * u.km - lp["L1"]).to_value(u.km) == pytest.approx(58_000, rel=0.01)
    assert lp["L2"].to_value(u.km) == pytest.approx(449_000, rel=3e-3)
    assert (lp["L2"] - 384_400 * u.km).to_value(u.km) == pytest.approx(64_500, rel=0.01)
    assert lp["L3"].to_value(u.km) == pytest.approx(381_700, rel=3e-3)
    assert tr.lagrange_distance_from_earth("Earth-Moon", "L2") == lp["L2"]
    assert tr.lagrange_distance_from_earth("Earth-Moon", "L4").to_value(u.km) == pytest.approx(384_400)


def test_sun_earth_lagrange_points():
    """Sun–(Earth+Moon): L1/L2 ≈ 1.5 million km from Earth (ESA, JWST/Gaia at L2). Hill's series
    γ = r_h(1 ∓ r_h/3 − r_h²/9), r_h = (μ/3)^(1/3), μ = 3.0404e-6 (Koon, Lo, Marsden & Ross
    2011 §2.5) gives γ1 = 0.0100110 au, γ2 = 0.0100783 au."""
    au_km = 149_597_870.7
    l1 = tr.lagrange_distance_from_earth("Sun-Earth", "L1").to_value(u.km)
    l2 = tr.lagrange_distance_from_earth("Sun-Earth", "L2").to_value(u.km)
    assert 1.49e6 < l1 < 1.50e6 and 1.50e6 < l2 < 1.51e6
    assert l1 == pytest.approx(0.0100110 * au_km, rel=2e-4)
    assert l2 == pytest.approx(0.0100783 * au_km, rel=2e-4)
    assert tr.lagrange_distance_from_earth("Sun-Earth", "L3").to_value(u.au) == pytest.approx(2.0, abs=1e-4)
    with pytest.raises(ValueError):
        tr.lagrange_points("Earth-Mars")
