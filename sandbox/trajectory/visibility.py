"""Ground-station visibility of circular orbits (vectorised numpy, spherical Earth).

The shell helpers (:func:`initial_axes`, :func:`shell_groups`, :func:`visibility_thresholds`,
:func:`visible_shell`) are shared with the constellation kernel (:mod:`sandbox.trajectory.kernel`).
"""

from __future__ import annotations

import base64
import hashlib
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .bodies import gm_radius, j2
from .frames import plane_axes, rotation_angle, station_ecef
from .memo import memoised
from .quantities import si, value

if TYPE_CHECKING:
    from astropy.time import Time
    from astropy.units import Quantity

@dataclass(frozen=True)
class VisibilityWindow:
    """One pass over a ground station: ``start``/``end`` (Time, UTC), ``duration`` (s),
    ``max_elevation`` (deg). Passes cut by the analysis interval start/end at its edges."""

    start: Time
    end: Time
    duration: Quantity
    max_elevation: Quantity

def constellation_positions(
    altitudes: Any, inclinations: Any, raans: Any, mean_anomalies: Any, times_s: Any, body: str = "Earth",
    j2: bool = False,
) -> np.ndarray:
    """Inertial positions (m) of circular orbits: ndarray (n_sat, n_t, 3).

    Elements per satellite (n_sat,) at t = 0: ``altitudes`` above the equatorial radius,
    ``inclinations``, ``raans`` and ``mean_anomalies`` (argument of latitude, for a circular
    orbit). Quantities, or plain floats in SI (m, rad). ``times_s``: seconds since t = 0
    (n_t,). Earth-equator J2000 axes. ``j2=False`` (default): two-body, no perturbations;
    ``j2=True``: the elements are mean elements moved by the secular J2 rates of
    :func:`secular_j2_rates` (node, argument of latitude, mean radius), as the constellation
    kernel does.
    """
    alt, inc, raan, m0 = elements_si(altitudes, inclinations, raans, mean_anomalies)
    u_rate, node_rate, r = secular_j2_rates(gm_radius(body)[1] + alt, inc, body, j2)
    t = np.atleast_1d(si(times_s, "s")).astype(float)
    if np.any(node_rate):
        p, q, _ = plane_axes(inc[:, None], raan[:, None] + node_rate[:, None] * t[None, :])  # (n_sat, n_t, 3)
    else:
        p, q, _ = (x[:, None, :] for x in plane_axes(inc, raan))  # (n_sat, 1, 3): a fixed plane
    arg = (m0[:, None] + u_rate[:, None] * t[None, :])[..., None]  # (n_sat, n_t, 1)
    return r[:, None, None] * (np.cos(arg) * p + np.sin(arg) * q)


def secular_j2_rates(a_m: np.ndarray, inc_rad: np.ndarray, body: str = "Earth",
                     perturbed: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Circular-orbit motion under secular J2: (argument-of-latitude rate rad/s, node rate rad/s, radius m).

    For mean semi-major axis ``a_m`` (m) and inclination ``inc_rad``, with n = sqrt(GM/a³) and
    k = J2 (R/a)² (first order, e = 0; Vallado, *Fundamentals of Astrodynamics and
    Applications*, 4th ed., Eqs. 9-41 to 9-43):

    * node: dΩ/dt = −(3/2) n k cos i;
    * argument of latitude u = ω + M: du/dt = dω/dt + dM/dt = n [1 + (3/2) k (4 cos² i − 1)]
      (dω/dt = (3/4) n k (5 cos² i − 1), dM/dt = n [1 + (3/4) k (3 cos² i − 1)]);
    * radius: the constant part of the first-order short-period radius, r = a [1 − (3/4) k (3 cos² i − 1)]
      (Brouwer 1959; the SGP4 short-period term of Hoots & Roehrich, Spacetrack Report No. 3, 1980).

    Short-period terms (twice per orbit, a few km in LEO) are left out. ``perturbed=False``, or
    a body the library gives no J2 for, returns the two-body values (n, 0, a).
    """
    mu, radius = gm_radius(body)
    a = np.asarray(a_m, float)
    n = np.sqrt(mu / a**3)
    if not perturbed:
        return n, np.zeros_like(n), a
    try:
        k = j2(body) * (radius / a) ** 2
    except ValueError:  # no J2 for this body in the library
        return n, np.zeros_like(n), a
    cos_i = np.cos(np.asarray(inc_rad, float))
    c2 = cos_i * cos_i
    node = -1.5 * n * k * cos_i
    return n * (1.0 + 1.5 * k * (4.0 * c2 - 1.0)), node, a * (1.0 - 0.75 * k * (3.0 * c2 - 1.0))


def station_table(stations: Sequence[Any], min_elevation: Quantity | None, body: str) -> tuple[np.ndarray, np.ndarray]:
    """Station Earth-fixed positions (n_st, 3) m and elevation masks (n_st,) deg."""
    default = 10.0 if min_elevation is None else value(min_elevation, "deg")
    rows, masks = [], []
    for st in stations:
        if hasattr(st, "lat_deg"):
            rows.append((st.lat_deg, st.lon_deg, getattr(st, "alt_m", 0.0)))
            masks.append(getattr(st, "min_elevation_deg", None))
        else:
            rows.append(tuple(st[:3]))
            masks.append(st[3] if len(st) > 3 else None)
    lat, lon, alt = np.asarray(rows, float).T
    mask = np.asarray([default if m is None else m for m in masks], float)
    return station_ecef(lat, lon, alt, body), mask


def _sin_elevation_eci(sat_eci: np.ndarray, st_ecef: np.ndarray, times_s: np.ndarray, epoch: Time) -> np.ndarray:
    """sin(elevation) for satellites (n_sat, n_t, 3) vs stations rotated to inertial → (n_sat, n_t, n_st)."""
    theta = rotation_angle(times_s, epoch)
    c, s = np.cos(theta)[:, None], np.sin(theta)[:, None]
    g = np.linalg.norm(st_ecef, axis=-1)
    ux, uy, uz = (st_ecef / g[:, None]).T
    up = np.stack([c * ux - s * uy, s * ux + c * uy, np.broadcast_to(uz, (theta.size, uz.size))], axis=-1)
    s_up = np.einsum("itk,tgk->itg", sat_eci, up)
    s2 = np.einsum("itk,itk->it", sat_eci, sat_eci)[..., None]
    return (s_up - g) / np.sqrt(s2 - 2.0 * g * s_up + g * g)

def elements_si(altitudes: Any, inclinations: Any, raans: Any, mean_anomalies: Any) -> list[np.ndarray]:
    """Per-satellite elements (m, rad, rad, rad) broadcast to one length, contiguous float64."""
    raw = (si(altitudes, "m"), si(inclinations, "rad"), si(raans, "rad"), si(mean_anomalies, "rad"))
    return [np.ascontiguousarray(e, dtype=float) for e in np.broadcast_arrays(*(np.atleast_1d(x) for x in raw))]


def initial_axes(inc: np.ndarray, raan: np.ndarray, m0: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unit position E1 and unit along-track direction E2 (each (n, 3)) at t = 0.

    A circular orbit is r̂(t) = E1 cos(n t) + E2 sin(n t) with E1 = cos u0 P + sin u0 Q and
    E2 = −sin u0 P + cos u0 Q (P node vector, Q in-plane normal, u0 the argument of latitude).
    """
    p, q, _ = plane_axes(inc, raan)
    c0, s0 = np.cos(m0)[:, None], np.sin(m0)[:, None]
    return c0 * p + s0 * q, c0 * q - s0 * p


def shell_groups(u_rate: np.ndarray, node_rate: np.ndarray | None = None) -> list[tuple[float, float, np.ndarray]]:
    """Satellites grouped by motion: [(argument-of-latitude rate, node rate (rad/s), indices)].

    One group per shell of equal rates (same altitude and, with J2, the same inclination).
    """
    u_rate = np.asarray(u_rate, float)
    node_rate = np.zeros_like(u_rate) if node_rate is None else np.asarray(node_rate, float)
    keys = np.stack([u_rate, node_rate], axis=-1)
    uniq, inv = np.unique(keys, axis=0, return_inverse=True)
    inv = inv.reshape(-1)
    if len(uniq) == 1:
        return [(float(uniq[0, 0]), float(uniq[0, 1]), np.arange(u_rate.size))]
    order = np.argsort(inv, kind="stable")
    bounds = np.searchsorted(inv[order], np.arange(len(uniq) + 1))
    return [(float(uniq[k, 0]), float(uniq[k, 1]), order[bounds[k]:bounds[k + 1]]) for k in range(len(uniq))]


def visibility_thresholds(a: np.ndarray, st_ecef: np.ndarray, mask_deg: np.ndarray) -> np.ndarray:
    """cos λ_max (n_sat, n_st): a satellite at radius ``a`` is at or above a station's mask
    exactly when the cosine of the Earth-central angle between them is ≥ this value.

    λ_max = arccos(g cos ε / a) − ε (SMAD 3rd ed. §5.1), g the station's radius, ε its mask.
    Elevation falls monotonically with the central angle, so the test is equivalent to
    ``elevation ≥ ε`` without an arcsine per sample. Satellites below a station's horizon
    radius never count as visible (+inf).
    """
    g = np.linalg.norm(st_ecef, axis=-1)
    eps = np.radians(mask_deg)
    ratio = (g * np.cos(eps))[None, :] / a[:, None]
    with np.errstate(invalid="ignore"):
        lam = np.arccos(np.minimum(ratio, 1.0)) - eps[None, :]
    return np.where(ratio <= 1.0, np.cos(lam), np.inf)


def visible_shell(e1: np.ndarray, e2: np.ndarray, cn: np.ndarray, sn: np.ndarray, theta: np.ndarray,
                   st_unit: np.ndarray, thresholds: np.ndarray, out: np.ndarray | None = None,
                   work: np.ndarray | None = None) -> np.ndarray:
    """Visibility (n, n_st, n_t) of satellites sharing one mean motion, as one matrix product.

    With r̂ = E1 cos(nt) + E2 sin(nt) rotated into the Earth-fixed frame by θ(t), the cosine of
    the central angle to station û is a combination of six time series
    [cn cθ, cn sθ, sn cθ, sn sθ, cn, sn] with per-(satellite, station) coefficients, so the
    whole (satellites × stations) × times block is (n·n_st, 6) @ (6, n_t) in BLAS. ``out``
    (bool) and ``work`` (float, at least n·n_st·n_t) are optional buffers reused across chunks.
    """
    ct, st = np.cos(theta), np.sin(theta)
    basis = np.stack([cn * ct, cn * st, sn * ct, sn * st, cn, sn])  # (6, n_t)
    ux, uy, uz = st_unit[:, 0], st_unit[:, 1], st_unit[:, 2]
    coef = np.stack([
        np.multiply.outer(e1[:, 0], ux) + np.multiply.outer(e1[:, 1], uy),
        np.multiply.outer(e1[:, 1], ux) - np.multiply.outer(e1[:, 0], uy),
        np.multiply.outer(e2[:, 0], ux) + np.multiply.outer(e2[:, 1], uy),
        np.multiply.outer(e2[:, 1], ux) - np.multiply.outer(e2[:, 0], uy),
        np.multiply.outer(e1[:, 2], uz),
        np.multiply.outer(e2[:, 2], uz),
    ], axis=-1)  # (n, n_st, 6)
    n, n_st = coef.shape[:2]
    size = n * n_st * basis.shape[1]
    buf = work.reshape(-1)[:size].reshape(n * n_st, -1) if work is not None and work.size >= size else None
    cos_lam = np.matmul(coef.reshape(n * n_st, 6), basis, out=buf).reshape(n, n_st, -1)
    return np.greater_equal(cos_lam, thresholds[:, :, None], out=out)

def visibility_mask(
    altitudes: Any,
    inclinations: Any,
    raans: Any,
    mean_anomalies: Any,
    stations: Sequence[Any],
    epoch: Time | str,
    times_s: Any,
    min_elevation: Quantity | None = None,
    chunk_size: int = 128,
    j2: bool = False,
) -> np.ndarray:
    """Boolean visibility (n_sat, n_t, n_st): satellite above each station's elevation mask.

    Satellites as in :func:`constellation_positions` (t = 0 at ``epoch``, an astropy Time or an
    ISO date string read as UTC; ``j2`` as there);
    stations as in :func:`visibility_windows`. Processes ``chunk_size`` satellites at a time to
    bound memory. Spherical Earth, circular orbits. A satellite is visible when the
    Earth-central angle to the station is within λ_max = arccos(g cos ε / a) − ε, which is
    the same as elevation ≥ ε (:func:`elevation_deg`) without an arcsine per sample. With J2
    the node turns about the polar axis, as the Earth does, so the station sees the orbit
    plane turn by θ(t) − Ω̇ t: the same product with a shifted Earth angle. With an ISO epoch
    the mask is kept in the trajectory memo (kind ``visibility``), keyed on every input.
    """
    st_ecef, mask_deg = station_table(stations, min_elevation, "Earth")
    t = np.atleast_1d(si(times_s, "s")).astype(float)
    elements = elements_si(altitudes, inclinations, raans, mean_anomalies)
    shape = (elements[0].size, t.size, len(st_ecef))

    def compute() -> np.ndarray:
        return _visibility_mask(elements, st_ecef, mask_deg, epoch, t, chunk_size, j2)

    if not isinstance(epoch, str) or shape[0] * shape[1] * shape[2] > VISIBILITY_MEMO_MAX_SAMPLES:
        return compute()
    h = hashlib.sha256()
    for arr in (*elements, st_ecef, mask_deg, t):
        h.update(np.ascontiguousarray(arr, dtype=float).tobytes())
    key = (epoch, bool(j2), shape, h.hexdigest())
    return memoised("visibility", key, lambda: _pack(compute()), lambda stored: _unpack(stored, shape),
                    limit=VISIBILITY_MEMO_ENTRIES, keep=False)


#: Visibility masks written to the trajectory memo at most (a two-day mask of 57 satellites at
#: 30 s steps over 6 stations is ≈ 30 KB compressed).
VISIBILITY_MEMO_ENTRIES = 512
#: Largest mask (satellites × steps × stations) kept in the memo; larger ones are computed each time.
VISIBILITY_MEMO_MAX_SAMPLES = 1 << 24


def _pack(mask: np.ndarray) -> list:
    return [list(mask.shape), base64.b64encode(zlib.compress(np.packbits(mask, axis=None).tobytes(), 6)).decode("ascii")]


def _unpack(stored: Any, shape: tuple[int, int, int]) -> np.ndarray:
    dims, text = stored
    if tuple(dims) != shape:
        raise ValueError(f"a visibility mask of shape {dims}, expected {shape}")
    try:
        bits = np.frombuffer(zlib.decompress(base64.b64decode(text.encode("ascii"), validate=True)), dtype=np.uint8)
    except zlib.error as exc:
        raise ValueError(f"a visibility mask that does not decompress: {exc}") from None
    n = shape[0] * shape[1] * shape[2]
    if bits.size != (n + 7) // 8:
        raise ValueError("a visibility mask of the wrong size")
    return np.unpackbits(bits, count=n).astype(bool).reshape(shape)


def _visibility_mask(elements: list[np.ndarray], st_ecef: np.ndarray, mask_deg: np.ndarray, epoch: Time | str,
                     t: np.ndarray, chunk_size: int, j2: bool) -> np.ndarray:
    _, radius = gm_radius("Earth")
    st_unit = st_ecef / np.linalg.norm(st_ecef, axis=-1, keepdims=True)
    alt, inc, raan, m0 = elements
    u_rate, node_rate, r = secular_j2_rates(radius + alt, inc, "Earth", j2)
    thresholds = visibility_thresholds(r, st_ecef, mask_deg)
    theta = rotation_angle(t, epoch)
    out = np.empty((r.size, t.size, len(st_ecef)), dtype=bool)
    e1, e2 = initial_axes(inc, raan, m0)
    work = np.empty(min(chunk_size, r.size) * len(st_ecef) * t.size)
    for motion, node, idx in shell_groups(u_rate, node_rate):
        cn, sn = np.cos(motion * t), np.sin(motion * t)
        for lo in range(0, idx.size, chunk_size):
            sub = idx[lo:lo + chunk_size]
            vis = visible_shell(e1[sub], e2[sub], cn, sn, theta - node * t, st_unit, thresholds[sub], work=work)
            out[sub] = vis.transpose(0, 2, 1)
    return out


def _windows_for(el: np.ndarray, mask: float, t: np.ndarray) -> list[tuple[float, float, float]]:
    """(start s, end s, max elevation deg) of runs where ``el`` ≥ ``mask``, edges interpolated."""
    above = el >= mask
    edges = np.flatnonzero(np.diff(above.astype(np.int8)))
    starts = [0.0] if above[0] else []
    ends: list[float] = []
    for i in edges:
        tc = t[i] + (mask - el[i]) / (el[i + 1] - el[i]) * (t[i + 1] - t[i])
        (ends if above[i] else starts).append(float(tc))
    if above[-1]:
        ends.append(float(t[-1]))
    out = []
    for t_start, t_end in zip(starts, ends, strict=True):
        inside = (t >= t_start) & (t <= t_end)
        out.append((t_start, t_end, float(el[inside].max()) if inside.any() else float(mask)))
    return out


def visibility_windows(
    altitude: Quantity,
    inclination: Quantity,
    raan: Quantity,
    stations: Sequence[Any],
    start: Time,
    duration: Quantity,
    step: Quantity | None = None,
    min_elevation: Quantity | None = None,
    mean_anomaly: Quantity | None = None,
    j2: bool = False,
) -> list[list[VisibilityWindow]]:
    """Passes of one circular-orbit satellite over each ground station.

    Orbit: ``altitude`` above the equatorial radius, ``inclination``, ``raan`` and
    ``mean_anomaly`` (argument of latitude, default 0) at ``start`` (astropy Time), in the
    Earth-equator J2000 frame. Stations: ``(lat_deg, lon_deg, alt_m[, min_elevation_deg])``
    tuples or objects with ``lat_deg``, ``lon_deg``, ``alt_m`` and optional
    ``min_elevation_deg`` attributes; ``min_elevation`` (angle, default 10°) applies to
    stations without their own. Sampled every ``step`` (default 10 s) over ``duration``;
    pass edges are interpolated linearly in elevation. **Spherical Earth**, geocentric
    latitude, Earth rotation by GMST + ω⊕ t, two-body orbit (``j2=True``: secular J2 as in
    :func:`constellation_positions`). Returns one list of :class:`VisibilityWindow` per station.
    """
    from astropy import units as u

    st_ecef, mask_deg = station_table(stations, min_elevation, "Earth")
    dt = 10.0 if step is None else value(step, "s")
    t = np.arange(0.0, value(duration, "s") + 0.5 * dt, dt)
    m0 = 0.0 if mean_anomaly is None else value(mean_anomaly, "rad")
    pos = constellation_positions(value(altitude, "m"), value(inclination, "rad"), value(raan, "rad"), m0, t, j2=j2)
    el = np.degrees(np.arcsin(np.clip(_sin_elevation_eci(pos, st_ecef, t, start)[0], -1.0, 1.0)))
    result = []
    for k in range(len(st_ecef)):
        result.append(
            [
                VisibilityWindow(start + a * u.s, start + b * u.s, (b - a) * u.s, peak * u.deg)
                for a, b, peak in _windows_for(el[:, k], mask_deg[k], t)
            ]
        )
    return result

