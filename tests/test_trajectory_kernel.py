"""The constellation kernel (``trajectory.constellation_day``): numbers, never speed.

Positions against the adapter's own two-body functions and the orbit library's propagation,
shadow and visibility against hand geometry and the per-sample functions. Speed targets live in
``benchmarks/`` (``python -m benchmarks``).
"""

from __future__ import annotations

import math

import astropy.units as u
import numpy as np
import pytest
from astropy.time import Time

from sandbox import trajectory as tr
from sandbox.trajectory.visibility import initial_axes

EPOCH = Time("2026-06-21T00:00:00", scale="utc")
STATIONS = [(78.23, 15.39, 0.0), (-25.89, 27.69, 0.0, 5.0), (1.35, 103.82, 20.0), (40.43, -4.25, 0.0)]
METHODS = ["numpy", "numba"]  # numba is a dependency of both boinor and poliastro


def _day(*args, **kwargs):
    chunks = list(tr.constellation_day(*args, **kwargs))
    pos = None if chunks[0].positions_m is None else np.concatenate([c.positions_m for c in chunks])
    return pos, np.concatenate([c.sunlit for c in chunks]), np.concatenate([c.visible for c in chunks])


def _walker(n: int = 30, planes: int = 5):
    k = np.repeat(np.arange(planes), n // planes)
    j = np.tile(np.arange(n // planes), planes)
    return 2 * np.pi * k / planes, 2 * np.pi * j / (n // planes) + 2 * np.pi * k / n


@pytest.mark.parametrize("j2", [False, True])
@pytest.mark.parametrize("method", METHODS)
def test_positions_are_the_adapters_positions(method, j2):
    raan, m0 = _walker()
    alt = np.where(np.arange(raan.size) % 3 == 0, 550e3, 1200e3)  # two shells
    inc = np.where(np.arange(raan.size) % 2 == 0, np.radians(53.0), np.radians(97.6))  # and two node rates
    times = np.arange(0.0, 86400.0, 300.0)
    pos, _, _ = _day(alt, inc, raan, m0, STATIONS, EPOCH, times, chunk_size=7, method=method, j2=j2)
    ref = tr.constellation_positions(alt, inc, raan, m0, times, j2=j2)
    assert pos.shape == (raan.size, times.size, 3)
    assert np.abs(pos - ref).max() < 1e-3  # m
    radius = tr.body_radius("Earth").to_value("m")
    expected_r = tr.secular_j2_rates(radius + alt, inc, perturbed=j2)[2]
    assert np.allclose(np.linalg.norm(pos, axis=-1), expected_r[:, None], rtol=1e-12)
    if not j2:
        assert np.array_equal(expected_r, radius + alt)


def test_positions_agree_with_the_library_two_body_propagation_over_a_day():
    raan, m0 = _walker(6, 3)
    times = np.array([0.0, 1234.0, 21600.0, 43200.0, 86340.0])
    pos, _, _ = _day(550e3, np.radians(97.6), raan, m0, STATIONS, EPOCH, times, j2=False)
    for i in range(raan.size):
        r0, v0 = pos[i, 0], None
        # initial velocity of the circular orbit: speed sqrt(mu/a) along E2
        mu = tr.body_mu("Earth").to_value("m3/s2")
        a = float(np.linalg.norm(r0))
        _, e2 = initial_axes(np.radians([97.6]), raan[i:i + 1], m0[i:i + 1])
        v0 = e2[0] * math.sqrt(mu / a)
        for k, t in enumerate(times):
            r, _ = tr.propagate(r0 * u.m, v0 * u.m / u.s, t * u.s)  # the library's Orbit.propagate
            assert np.linalg.norm(r.to_value(u.m) - pos[i, k]) < 1.0  # m; the benchmark asks ≤ 1 km


@pytest.mark.parametrize("method", METHODS)
def test_a_satellite_behind_the_earth_is_in_shadow_and_in_front_of_it_is_lit(method):
    s = tr.sun_direction(EPOCH)  # June solstice: the Sun is 23.4° north of the equator
    anti = math.atan2(-s[1], -s[0])  # equatorial orbit: argument of latitude pointing away from the Sun
    _, lit, _ = _day(550e3, 0.0, 0.0, [anti, anti + math.pi], STATIONS, EPOCH, [0.0], method=method)
    # behind: along = −cos 23.4° = −0.917 a, perpendicular 0.398 a = 2,760 km < R⊕ → shadow
    assert lit[:, 0].tolist() == [False, True]


@pytest.mark.parametrize("method", METHODS)
def test_sunlit_fraction_over_an_orbit_matches_eclipse_fraction(method):
    alt, inc, raan = 550e3, np.radians(53.0), np.radians(40.0)
    period = tr.orbital_period(alt * u.m).to_value(u.s)
    times = np.linspace(0.0, period, 3600, endpoint=False)
    _, lit, _ = _day(alt, inc, raan, 0.0, STATIONS, EPOCH, times, method=method, j2=False)
    expected = tr.eclipse_fraction(alt * u.m, inc * u.rad, raan * u.rad, EPOCH, samples=3600)
    assert 1.0 - lit.mean() == pytest.approx(expected, abs=2e-3)  # the Sun moves 0.06° in one orbit


@pytest.mark.parametrize("method", METHODS)
def test_visibility_is_the_elevation_mask_of_each_station(method):
    raan, m0 = _walker()
    times = np.arange(0.0, 6 * 3600.0, 30.0)
    pos, _, vis = _day(550e3, np.radians(53.0), raan, m0, STATIONS, EPOCH, times, chunk_size=4, method=method)
    assert vis.shape == (raan.size, times.size, len(STATIONS)) and vis.any()
    assert np.array_equal(vis, tr.visibility_mask(550e3, np.radians(53.0), raan, m0, STATIONS, EPOCH, times, j2=True))
    st = tr.station_ecef([s[0] for s in STATIONS], [s[1] for s in STATIONS], [s[2] for s in STATIONS])
    el = tr.elevation_deg(tr.eci_to_ecef(pos, times, EPOCH), st)
    masks = np.array([s[3] if len(s) > 3 else 10.0 for s in STATIONS])
    near = np.abs(el - masks) < 1e-6  # samples on the mask itself may round either way
    assert np.array_equal(vis[~near], (el >= masks)[~near])


@pytest.mark.parametrize("method", METHODS)
def test_visibility_edge_is_smads_maximum_central_angle(method):
    """λ_max = arccos(R cos ε / (R + h)) − ε (SMAD 3rd ed. §5.1): just inside is visible, just outside not."""
    radius = tr.body_radius("Earth").to_value("m")
    h, eps = 550e3, math.radians(10.0)
    lam = math.acos(radius * math.cos(eps) / (radius + h)) - eps
    lon0 = -tr.gmst(EPOCH).to_value(u.deg)  # the inertial x axis is above this longitude at the epoch
    station = [(0.0, lon0, 0.0)]
    m0 = [lam - 1e-4, lam + 1e-4, 0.0, math.pi]  # equatorial orbit: argument of latitude = central angle
    _, _, vis = _day(h, 0.0, 0.0, m0, station, EPOCH, [0.0], method=method, j2=False)
    assert vis[:, 0, 0].tolist() == [True, False, True, False]


def test_methods_and_chunk_sizes_give_the_same_flags():
    raan, m0 = _walker(40, 8)
    inc = np.radians(np.where(np.arange(40) < 25, 97.0, 53.0))  # two shells with different node rates under J2
    runs = [_day(700e3, inc, raan, m0, STATIONS, EPOCH, chunk_size=c, method=m)
            for m, c in (("numpy", 256), ("numba", 256), ("numba", 3), ("numpy", 7))]
    for pos, lit, vis in runs[1:]:
        assert np.abs(pos - runs[0][0]).max() < 1e-3
        assert np.array_equal(lit, runs[0][1]) and np.array_equal(vis, runs[0][2])


def test_default_is_a_day_of_minutes_and_positions_can_be_left_out():
    chunks = list(tr.constellation_day(550e3, 0.9, [0.0, 1.0, 2.0], 0.0, STATIONS, EPOCH, positions=False, chunk_size=2))
    assert [(c.start, c.stop) for c in chunks] == [(0, 2), (2, 3)]
    assert chunks[0].positions_m is None
    assert chunks[0].sunlit.shape == (2, 1440) and chunks[0].visible.shape == (2, 1440, len(STATIONS))
    with pytest.raises(ValueError, match="method"):
        tr.constellation_day(550e3, 0.9, 0.0, 0.0, STATIONS, EPOCH, method="gpu")


# --------------------------------------------------------------------------------------
# Secular J2
# --------------------------------------------------------------------------------------


def test_secular_j2_node_rate_is_vallado_example_11_2():
    """Vallado (2013) Example 11-2: a circular orbit at a = 7,178.1363 km is sun-synchronous at
    i = 98.627° (node rate 1.99652e-7 rad/s in Vallado's constants; the library's Earth differs in
    the 7th digit of R and μ)."""
    u_rate, node, r = tr.secular_j2_rates(np.array([7178.1363e3]), np.radians([98.627]))
    assert node[0] == pytest.approx(1.99652e-7, rel=1e-3)
    # argument of latitude: n [1 + (3/2) k (4 cos² i − 1)], k = J2 (R/a)² (Vallado Eqs. 9-41 to 9-43, e = 0)
    n = math.sqrt(398600.4418e9 / 7178.1363e3**3)
    k = 1.08263e-3 * (6378.1366 / 7178.1363) ** 2
    assert u_rate[0] == pytest.approx(n * (1 + 1.5 * k * (4 * math.cos(math.radians(98.627)) ** 2 - 1)), rel=1e-12)
    assert r[0] == pytest.approx(7178.1363e3 * (1 - 0.75 * k * (3 * math.cos(math.radians(98.627)) ** 2 - 1)), rel=1e-12)


def test_the_node_of_a_sun_synchronous_orbit_turns_about_a_degree_a_day():
    """360° / 365.2422 d = 0.98565 °/day (the mean Sun); a two-body kernel keeps the node still.

    The node is read where the satellite crosses the equator northwards, on the first orbit and on
    the first orbit a day later."""
    inc = tr.sun_synchronous_inclination(650 * u.km).to_value(u.rad)

    def ascending_node(t0: float, j2: bool) -> tuple[float, float]:
        times = t0 + np.arange(0.0, 6000.0, 0.5)
        pos = _day(650e3, inc, 0.0, -0.3, STATIONS, EPOCH, times, j2=j2)[0][0]
        k = np.flatnonzero((pos[:-1, 2] < 0) & (pos[1:, 2] >= 0))[0]
        f = -pos[k, 2] / (pos[k + 1, 2] - pos[k, 2])
        x, y, _ = pos[k] + f * (pos[k + 1] - pos[k])
        return times[k] + 0.5 * f, math.degrees(math.atan2(y, x))

    (t0, node0), (t1, node1) = ascending_node(0.0, True), ascending_node(86400.0, True)
    assert (node1 - node0) / ((t1 - t0) / 86400.0) == pytest.approx(0.98565, abs=1e-4)
    (_, still0), (_, still1) = ascending_node(0.0, False), ascending_node(86400.0, False)
    assert still1 - still0 == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize(("alt_km", "inc_deg"), [(650.0, 97.986), (550.0, 53.0), (1200.0, 30.0)])
def test_secular_j2_kernel_agrees_with_the_librarys_j2_propagation_over_a_day(alt_km, inc_deg):
    """Over a day the kernel, given the mean elements of a J2 trajectory integrated by the library
    (Cowell, DOP853, Curtis Eq. 12.30), stays within 10 km of it; two-body misses it by ~500 km.

    The library integrates from an osculating state whose J2 orbit is circular on average
    (``trajectory.j2_mean_circular_state``); the kernel's mean elements are orbit averages of the
    osculating ones over the first orbit (``trajectory.mean_circular_elements``: the short-period
    terms average to zero over the mean anomaly, Brouwer 1959; Vallado 4th ed. §9.6). What is left
    is the short-period J2 motion (twice per orbit, a few km), which the kernel leaves out.
    """
    inc = math.radians(inc_deg)
    r0, v0 = tr.j2_mean_circular_state(alt_km * 1e3, inc, 0.3, 0.7)
    times = np.arange(0.0, 86400.0 + 1.0, 60.0)
    rr, vv = tr.propagate_j2(r0 * u.m, v0 * u.m / u.s, times * u.s)
    rr, vv = rr.to_value(u.m), vv.to_value(u.m / u.s)
    alt_mean, inc_mean, raan0, u0 = tr.mean_circular_elements(rr, vv, times)
    assert alt_mean == pytest.approx(alt_km * 1e3, abs=6e3)  # within the short-period terms of the inputs
    for method in METHODS:
        pos, _, _ = _day(alt_mean, inc_mean, raan0, u0, STATIONS, EPOCH, times, method=method)
        err_km = np.linalg.norm(pos[0] - rr, axis=-1) / 1e3
        assert err_km.max() < 10.0
    two_body, _, _ = _day(alt_mean, inc_mean, raan0, u0, STATIONS, EPOCH, times, j2=False)
    assert np.linalg.norm(two_body[0] - rr, axis=-1).max() / 1e3 > 300.0


def test_orbit_memo_gives_the_library_numbers(tmp_path, monkeypatch):
    """The on-disk memo of transfers returns exactly what the library computed (Vallado Ex. 6-1 radii)."""
    import subprocess
    import sys

    code = ("import astropy.units as u; from sandbox import trajectory as t; "
            "r = t.hohmann(6569.4707 * u.km, 42159.4855 * u.km); print(repr(float(r.dv_total.to_value(u.km / u.s))))")
    env = dict(__import__("os").environ, XDG_CACHE_HOME=str(tmp_path))
    env.pop("NUMBA_CACHE_DIR", None)  # memo and kernels under the fresh cache home
    computed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout
    memo = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout
    off = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env=dict(env, SANDBOX_ORBIT_MEMO="0")).stdout
    assert computed == memo == off
    assert float(computed) == pytest.approx(3.935224, abs=1e-4)  # Vallado (2013) Example 6-1: Δv = 3.935224 km/s
    assert list(tmp_path.rglob("sandbox-memo/*/hohmann/*.json"))
