"""The constellation kernel: positions, sunlight and visibility for thousands of satellites over a day."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .bodies import gm_radius
from .frames import rotation_angle, sun_direction
from .library import enable_numba_cache
from .orbits import propagate_j2
from .quantities import si
from .visibility import (
    elements_si,
    initial_axes,
    secular_j2_rates,
    shell_groups,
    station_table,
    visibility_thresholds,
    visible_shell,
)

if TYPE_CHECKING:
    from astropy.time import Time
    from astropy.units import Quantity

# --------------------------------------------------------------------------------------
# Constellation kernel: positions, sunlight and visibility for thousands of satellites
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConstellationChunk:
    """One chunk of satellites from :func:`constellation_day` (satellites ``start``..``stop - 1``).

    ``positions_m``: inertial positions (m), (n, n_t, 3), Earth-equator J2000 axes (None when
    not asked for); ``sunlit``: (n, n_t) bool, False inside the cylindrical shadow;
    ``visible``: (n, n_t, n_st) bool, satellite at or above each station's elevation mask.
    """

    start: int
    stop: int
    positions_m: np.ndarray | None
    sunlit: np.ndarray
    visible: np.ndarray

def _sun_unit_vectors(epoch: Time, times_s: np.ndarray, body: str = "Earth", max_step_s: float = 600.0) -> np.ndarray:
    """Unit vectors (n_t, 3) from ``body`` to the Sun at ``epoch + times_s``.

    The ephemeris is evaluated on a grid no coarser than ``max_step_s`` (the Sun moves
    ~0.007° in 10 min as seen from Earth) and interpolated linearly, then renormalised.
    """
    from astropy import units as u

    t = np.asarray(times_s, float)
    if t.size <= 2:
        grid = t
    else:
        n = max(2, int(math.ceil((t.max() - t.min()) / max_step_s)) + 1)
        grid = np.linspace(t.min(), t.max(), n)
    s = sun_direction(epoch + grid * u.s, body).reshape(-1, 3)
    if grid is not t:
        s = np.stack([np.interp(t, grid, s[:, k]) for k in range(3)], axis=-1)
    return s / np.linalg.norm(s, axis=-1, keepdims=True)


def _day_kernel_py(e1, e2, a, shell, cn_tab, sn_tab, co_tab, so_tab, ct, st, sun, st_unit, thresholds,
                   shadow_cos2, pos, sunlit, visible):  # pragma: no cover  (run compiled by numba; see _day_kernel)
    """Fused loop over satellites × steps (× stations) for :func:`constellation_day`.

    Same arithmetic as the numpy path: r̂ = Rz(Ω̇t) (E1 cn + E2 sn) (cn, sn, and co, so = cos,
    sin Ω̇t from the satellite's shell table), cylindrical shadow against ŝ(t), rotation by θ(t)
    and cos λ ≥ threshold per station. ``pos`` may have zero satellites (positions not wanted).
    """
    n, n_t, n_st = e1.shape[0], ct.shape[0], st_unit.shape[0]
    want_pos = pos.shape[0] == n
    for i in range(n):
        j = shell[i]
        e1x, e1y, e1z, e2x, e2y, e2z = e1[i, 0], e1[i, 1], e1[i, 2], e2[i, 0], e2[i, 1], e2[i, 2]
        ai, sc2 = a[i], shadow_cos2[i]
        for k in range(n_t):
            c, s = cn_tab[j, k], sn_tab[j, k]
            x0 = e1x * c + e2x * s
            y0 = e1y * c + e2y * s
            z = e1z * c + e2z * s
            co, so = co_tab[j, k], so_tab[j, k]
            x = x0 * co - y0 * so
            y = x0 * so + y0 * co
            if want_pos:
                pos[i, k, 0] = ai * x
                pos[i, k, 1] = ai * y
                pos[i, k, 2] = ai * z
            along = x * sun[k, 0] + y * sun[k, 1] + z * sun[k, 2]
            sunlit[i, k] = not (along < 0.0 and along * along > sc2)
            xe = x * ct[k] + y * st[k]
            ye = y * ct[k] - x * st[k]
            for g in range(n_st):
                visible[i, k, g] = xe * st_unit[g, 0] + ye * st_unit[g, 1] + z * st_unit[g, 2] >= thresholds[i, g]


@functools.cache
def _day_kernel() -> Callable[..., None] | None:
    """:func:`_day_kernel_py` compiled by numba (cached on disk like the library's kernels), or
    None when numba is not installed. The first compilation takes a few seconds, once."""
    enable_numba_cache()  # NUMBA_CACHE_DIR and cache=True, as for the library's kernels
    try:
        import numba
    except ImportError:
        return None
    return numba.njit(cache=True, nogil=True, fastmath=False)(_day_kernel_py)


def kernel_method() -> str:
    """``"numba"`` when :func:`constellation_day` runs compiled (numba installed), else ``"numpy"``."""
    return "numba" if _day_kernel() is not None else "numpy"


def _chunks_numba(kernel: Callable[..., None], a: np.ndarray, inc: np.ndarray, raan: np.ndarray, m0: np.ndarray,
                  u_rate: np.ndarray, node_rate: np.ndarray, t: np.ndarray, theta: np.ndarray, sun: np.ndarray,
                  st_unit: np.ndarray, thresholds: np.ndarray, shadow_cos2: np.ndarray, chunk_size: int,
                  positions: bool) -> Iterator[ConstellationChunk]:
    ct, st = np.cos(theta), np.sin(theta)
    sun = np.ascontiguousarray(sun)
    for lo in range(0, a.size, chunk_size):
        sl = slice(lo, min(lo + chunk_size, a.size))
        n = sl.stop - sl.start
        # shell tables of this chunk only (memory bounded by the chunk, whatever the number of shells)
        keys, shell = np.unique(np.stack([u_rate[sl], node_rate[sl]], axis=-1), axis=0, return_inverse=True)
        phase, node = np.multiply.outer(keys[:, 0], t), np.multiply.outer(keys[:, 1], t)
        e1, e2 = initial_axes(inc[sl], raan[sl], m0[sl])
        pos = np.empty((n if positions else 0, t.size, 3))
        sunlit = np.empty((n, t.size), dtype=bool)
        visible = np.empty((n, t.size, len(st_unit)), dtype=bool)
        kernel(np.ascontiguousarray(e1), np.ascontiguousarray(e2), np.ascontiguousarray(a[sl]),
               np.ascontiguousarray(shell.reshape(-1)), np.cos(phase), np.sin(phase), np.cos(node), np.sin(node),
               ct, st, sun, st_unit, np.ascontiguousarray(thresholds[sl]), np.ascontiguousarray(shadow_cos2[sl]),
               pos, sunlit, visible)
        yield ConstellationChunk(sl.start, sl.stop, pos if positions else None, sunlit, visible)


def constellation_day(
    altitudes: Any,
    inclinations: Any,
    raans: Any,
    mean_anomalies: Any,
    stations: Sequence[Any],
    epoch: Time,
    times_s: Any = None,
    min_elevation: Quantity | None = None,
    chunk_size: int = 256,
    positions: bool = True,
    body: str = "Earth",
    method: str = "auto",
    j2: bool = True,
) -> Iterator[ConstellationChunk]:
    """Positions, sunlight and ground visibility of a constellation, one chunk of satellites at a time.

    Satellites: circular orbits with mean elements per satellite at ``epoch`` (astropy Time)
    as in :func:`constellation_positions` (``altitudes`` above the equatorial radius,
    ``inclinations``, ``raans``, ``mean_anomalies`` = argument of latitude; Quantities or SI
    floats, m and rad). ``j2=True`` (default): secular J2 (nodal regression, drift of the
    argument of latitude and the mean radius, :func:`secular_j2_rates`; within a few km of the
    library's J2 propagation over a day, ``tests/test_trajectory_kernel.py``); ``j2=False``:
    two-body. ``times_s``: seconds after ``epoch`` (default: 1,440 one-minute steps,
    a day). Stations as in :func:`visibility_windows`. Yields :class:`ConstellationChunk`
    objects of ``chunk_size`` satellites, so memory stays bounded whatever the constellation
    size (about 0.2 MB per satellite-day with positions at the default step and 10 stations).

    Sunlight: cylindrical shadow of a spherical Earth (as :func:`eclipse_fraction`), with the
    Sun's direction from astropy's ephemeris (interpolated over 10-minute nodes). Visibility:
    spherical Earth, Earth rotation by GMST + ω⊕ t, the same test as :func:`visibility_mask`.
    ``method``: ``"numba"`` runs one fused loop compiled by numba (on-disk cached like the
    library's kernels: a few seconds once, then a fraction of a second per process), ``"numpy"``
    the vectorised numpy path (BLAS products; no compilation), ``"auto"`` numba when installed.
    Both give the same flags and positions to rounding (``tests/test_trajectory_kernel.py``).
    """
    if method not in ("auto", "numba", "numpy"):
        raise ValueError("method must be 'auto', 'numba' or 'numpy'")
    _, radius = gm_radius(body)
    a_alt, inc, raan, m0 = elements_si(altitudes, inclinations, raans, mean_anomalies)
    u_rate, node_rate, a = secular_j2_rates(radius + a_alt, inc, body, j2)
    t = np.arange(1440) * 60.0 if times_s is None else np.atleast_1d(si(times_s, "s")).astype(float)
    st_ecef, mask_deg = station_table(stations, min_elevation, body)
    st_unit = st_ecef / np.linalg.norm(st_ecef, axis=-1, keepdims=True)
    thresholds = visibility_thresholds(a, st_ecef, mask_deg)
    theta = rotation_angle(t, epoch)
    sun = _sun_unit_vectors(epoch, t, body)
    shadow_cos2 = 1.0 - (radius / a) ** 2  # in shadow: r̂·ŝ < 0 and (r̂·ŝ)² > 1 − (R/a)²

    compiled = _day_kernel() if method in ("auto", "numba") else None
    if method == "numba" and compiled is None:
        raise ImportError("constellation_day(method='numba') needs numba")
    if compiled is not None:
        return _chunks_numba(compiled, a, inc, raan, m0, u_rate, node_rate, t, theta, sun, st_unit, thresholds,
                             shadow_cos2, chunk_size, positions)

    def chunks() -> Iterator[ConstellationChunk]:
        work = np.empty(min(chunk_size, a.size) * len(st_unit) * t.size)  # cos λ, reused by every chunk
        for lo in range(0, a.size, chunk_size):
            sl = slice(lo, min(lo + chunk_size, a.size))
            n = sl.stop - sl.start
            e1, e2 = initial_axes(inc[sl], raan[sl], m0[sl])
            sunlit = np.empty((n, t.size), dtype=bool)
            visible = np.empty((n, len(st_unit), t.size), dtype=bool)
            pos = np.empty((n, 3, t.size)) if positions else None
            groups = shell_groups(u_rate[sl], node_rate[sl])
            for motion, node, idx in groups:
                whole = len(groups) == 1
                sel = slice(None) if whole else idx
                cn, sn = np.cos(motion * t), np.sin(motion * t)
                co, so = np.cos(node * t), np.sin(node * t)
                # r̂ = Rz(Ω̇t) r̂₀(t), so r̂·ŝ = r̂₀·Rz(−Ω̇t) ŝ and the Earth angle seen by the plane is θ − Ω̇t
                sun_n = np.stack([sun[:, 0] * co + sun[:, 1] * so, sun[:, 1] * co - sun[:, 0] * so, sun[:, 2]])
                sun_basis = np.concatenate([cn * sun_n, sn * sun_n])  # (6, n_t)
                along = np.concatenate([e1[sel], e2[sel]], axis=1) @ sun_basis  # r̂·ŝ, (n_g, n_t)
                dark = along < 0.0
                np.multiply(along, along, out=along)
                dark &= along > shadow_cos2[sl][sel, None]
                sunlit[sel] = ~dark
                vis = visible_shell(e1[sel], e2[sel], cn, sn, theta - node * t, st_unit, thresholds[sl][sel],
                                    out=visible if whole else None, work=work)
                if not whole:
                    visible[idx] = vis
                if pos is not None:
                    # a Rz(Ω̇t)(E1 cn + E2 sn): x, y on [cn co, sn co, cn so, sn so], z on [cn, sn]; one BLAS product
                    ea, eb = a[sl][sel, None] * e1[sel], a[sl][sel, None] * e2[sel]
                    zero = np.zeros(len(ea))
                    coef = np.stack([
                        np.stack([ea[:, 0], eb[:, 0], -ea[:, 1], -eb[:, 1], zero, zero], axis=-1),
                        np.stack([ea[:, 1], eb[:, 1], ea[:, 0], eb[:, 0], zero, zero], axis=-1),
                        np.stack([zero, zero, zero, zero, ea[:, 2], eb[:, 2]], axis=-1),
                    ], axis=1)  # (n_g, 3, 6)
                    basis = np.stack([cn * co, sn * co, cn * so, sn * so, cn, sn])
                    if whole:
                        np.matmul(coef, basis, out=pos)
                    else:
                        pos[idx] = coef @ basis
            yield ConstellationChunk(sl.start, sl.stop, None if pos is None else pos.transpose(0, 2, 1),
                                     sunlit, visible.transpose(0, 2, 1))

    return chunks()


# --------------------------------------------------------------------------------------
# Mean elements: the kernel's inputs, from and to the library's J2 propagation
# --------------------------------------------------------------------------------------


def _plane_and_argument(r: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Osculating inclination, node and argument of latitude (rad, unwrapped) of states (n, 3)."""
    h = np.cross(r, v)
    hn = np.linalg.norm(h, axis=-1, keepdims=True)
    node = np.arctan2(h[:, 0], -h[:, 1])
    p = np.stack([np.cos(node), np.sin(node), np.zeros_like(node)], axis=-1)
    q = np.cross(h / hn, p)
    arg = np.arctan2((r * q).sum(-1), (r * p).sum(-1))
    return np.arccos(h[:, 2] / hn[:, 0]), np.unwrap(node), np.unwrap(arg)


def j2_mean_circular_state(altitude_m: float, inclination_rad: float, raan_rad: float, arg_latitude_rad: float,
                           body: str = "Earth", iterations: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """An osculating state (m, m/s; (3,) each) whose J2 orbit is circular on average.

    A circular osculating state is not a circular *mean* orbit under J2: it carries a mean
    eccentricity of ~5e-4 (±4 km radially and ±8 km along-track once per orbit in LEO). Starting
    from the circular state with these elements, the radial and along-track velocity are corrected
    by Newton steps until the once-per-orbit term of the radius, fitted over two orbits of the
    library's J2 propagation (:func:`propagate_j2`), vanishes. The other mean elements stay within
    the short-period terms (km) of the inputs: read them back with :func:`mean_circular_elements`.
    """
    from astropy import units as u

    mu, radius = gm_radius(body)
    a = radius + float(altitude_m)
    ci, si_, co, so = (math.cos(inclination_rad), math.sin(inclination_rad), math.cos(raan_rad), math.sin(raan_rad))
    p, q = np.array([co, so, 0.0]), np.array([-so * ci, co * ci, si_])
    rhat = math.cos(arg_latitude_rad) * p + math.sin(arg_latitude_rad) * q
    that = -math.sin(arg_latitude_rad) * p + math.cos(arg_latitude_rad) * q
    r0, v0 = a * rhat, math.sqrt(mu / a) * that
    times = np.linspace(0.0, 4.0 * math.pi * math.sqrt(a**3 / mu), 600) * u.s

    def once_per_orbit(v: np.ndarray) -> np.ndarray:
        rr, vv = propagate_j2(r0 * u.m, v * (u.m / u.s), times, body)
        rr, vv = rr.to_value(u.m), vv.to_value(u.m / u.s)
        _, _, arg = _plane_and_argument(rr, vv)
        basis = np.stack([np.ones_like(arg), np.cos(arg), np.sin(arg), np.cos(2 * arg), np.sin(2 * arg)], axis=-1)
        return np.linalg.lstsq(basis, np.linalg.norm(rr, axis=-1), rcond=None)[0][1:3]

    for _ in range(iterations):
        c0 = once_per_orbit(v0)
        jac = np.stack([(once_per_orbit(v0 + 0.1 * d) - c0) / 0.1 for d in (rhat, that)], axis=-1)
        dv = np.linalg.solve(jac, -c0)
        v0 = v0 + dv[0] * rhat + dv[1] * that
    return r0, v0


def mean_circular_elements(r_m: np.ndarray, v_m_s: np.ndarray, times_s: np.ndarray,
                           body: str = "Earth") -> tuple[float, float, float, float]:
    """Mean (altitude m, inclination rad, node rad, argument of latitude rad) at t = 0 of a sampled J2 trajectory.

    Orbit averages over the first orbit of the osculating semi-major axis and inclination, and of
    node and argument of latitude less their secular drift (:func:`secular_j2_rates`): the
    short-period terms average to zero over the mean anomaly (Brouwer 1959; Vallado 4th ed. §9.6).
    ``r_m``/``v_m_s`` (n, 3) at ``times_s`` (n,) from 0, covering at least one orbit.
    """
    mu, radius = gm_radius(body)
    r, v, t = np.asarray(r_m, float), np.asarray(v_m_s, float), np.asarray(times_s, float)
    a_osc = 1.0 / (2.0 / np.linalg.norm(r, axis=-1) - (v * v).sum(-1) / mu)
    inc, node, arg = _plane_and_argument(r, v)
    first = t <= t[0] + 2.0 * math.pi * math.sqrt(a_osc[0] ** 3 / mu)
    a_mean, inc_mean = float(a_osc[first].mean()), float(inc[first].mean())
    u_rate, node_rate, _ = secular_j2_rates(np.array([a_mean]), np.array([inc_mean]), body)
    node0 = float((node[first] - node_rate[0] * t[first]).mean())
    arg0 = float((arg[first] - u_rate[0] * t[first]).mean())
    return a_mean - radius, inc_mean, node0, arg0
