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


@pytest.mark.parametrize("method", METHODS)
def test_positions_are_the_adapters_two_body_positions(method):
    raan, m0 = _walker()
    alt = np.where(np.arange(raan.size) % 3 == 0, 550e3, 1200e3)  # two shells
    times = np.arange(0.0, 86400.0, 300.0)
    pos, _, _ = _day(alt, np.radians(53.0), raan, m0, STATIONS, EPOCH, times, chunk_size=7, method=method)
    ref = tr.constellation_positions(alt, np.radians(53.0), raan, m0, times)
    assert pos.shape == (raan.size, times.size, 3)
    assert np.abs(pos - ref).max() < 1e-3  # m
    radius = tr.body_radius("Earth").to_value("m")
    assert np.allclose(np.linalg.norm(pos, axis=-1), (radius + alt)[:, None], rtol=1e-12)


def test_positions_agree_with_the_library_propagation_over_a_day():
    raan, m0 = _walker(6, 3)
    times = np.array([0.0, 1234.0, 21600.0, 43200.0, 86340.0])
    pos, _, _ = _day(550e3, np.radians(97.6), raan, m0, STATIONS, EPOCH, times)
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
    _, lit, _ = _day(alt, inc, raan, 0.0, STATIONS, EPOCH, times, method=method)
    expected = tr.eclipse_fraction(alt * u.m, inc * u.rad, raan * u.rad, EPOCH, samples=3600)
    assert 1.0 - lit.mean() == pytest.approx(expected, abs=2e-3)  # the Sun moves 0.06° in one orbit


@pytest.mark.parametrize("method", METHODS)
def test_visibility_is_the_elevation_mask_of_each_station(method):
    raan, m0 = _walker()
    times = np.arange(0.0, 6 * 3600.0, 30.0)
    pos, _, vis = _day(550e3, np.radians(53.0), raan, m0, STATIONS, EPOCH, times, chunk_size=4, method=method)
    assert vis.shape == (raan.size, times.size, len(STATIONS)) and vis.any()
    assert np.array_equal(vis, tr.visibility_mask(550e3, np.radians(53.0), raan, m0, STATIONS, EPOCH, times))
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
    _, _, vis = _day(h, 0.0, 0.0, m0, station, EPOCH, [0.0], method=method)
    assert vis[:, 0, 0].tolist() == [True, False, True, False]


def test_methods_and_chunk_sizes_give_the_same_flags():
    raan, m0 = _walker(40, 8)
    runs = [_day(700e3, np.radians(97.0), raan, m0, STATIONS, EPOCH, chunk_size=c, method=m)
            for m, c in (("numpy", 256), ("numba", 256), ("numba", 3))]
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
    assert list(tmp_path.rglob("sandbox-orbit-memo-*.json"))
