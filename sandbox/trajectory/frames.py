"""Time and frames: GMST, Earth-fixed ↔ inertial rotation, station positions, elevation, the Sun's direction.

Inertial axes are GCRS-aligned (Earth mean equator and equinox J2000); the Earth-fixed frame
rotates about z by GMST + ω⊕ t (no precession, nutation or polar motion). Plain SI arrays
(metres, seconds, radians) as the argument names say.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .bodies import gm_radius
from .constants import EARTH_ROTATION_RATE
from .library import body_key
from .memo import memoised
from .quantities import q, si

if TYPE_CHECKING:
    from astropy.time import Time
    from astropy.units import Quantity

# --------------------------------------------------------------------------------------
# Sun direction, beta angle, eclipses
# --------------------------------------------------------------------------------------


def sun_vector_m(epoch: Time, body: Any = "Earth") -> np.ndarray:
    """Vector (m) from the body's centre to the Sun, ICRS/GCRS axes, shape epoch.shape + (3,)."""
    from astropy.coordinates import get_body_barycentric

    sun = get_body_barycentric("sun", epoch).get_xyz(xyz_axis=-1).to_value("m")
    centre = get_body_barycentric(body_key(body), epoch).get_xyz(xyz_axis=-1).to_value("m")
    return sun - centre


def sun_direction(epoch: Time, body: str = "Earth") -> np.ndarray:
    """Unit vector (dimensionless ndarray, shape epoch.shape + (3,)) from ``body`` to the Sun.

    Axes: ICRS ≈ Earth mean equator J2000 (GCRS-aligned). astropy's current solar-system
    ephemeris ('builtin' by default: no download).
    """
    s = sun_vector_m(epoch, body)
    return s / np.linalg.norm(s, axis=-1, keepdims=True)


def plane_axes(inc: Any, raan: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Node vector P, in-plane normal Q and orbit normal W (each shape (..., 3))."""
    inc, raan = np.asarray(inc, float), np.asarray(raan, float)
    ci, si, co, so = np.cos(inc), np.sin(inc), np.cos(raan), np.sin(raan)
    zero = np.zeros(np.broadcast(inc, raan).shape)
    p = np.stack([co + zero, so + zero, zero], axis=-1)
    q = np.stack([-so * ci, co * ci, si + zero], axis=-1)
    w = np.stack([so * si, -co * si, ci + zero], axis=-1)
    return p, q, w


def gmst_rad(epoch: Time | str) -> Any:
    """IAU-82 GMST (rad) with UT1 ≈ UTC (< 0.9 s), Vallado 4th ed. Eq. 3-47.

    ``epoch``: astropy Time (scalar or array), or an ISO date string read as UTC, whose angle is
    kept in the trajectory memo (kind ``gmst``): a site's rotation at a study's epoch then needs
    no time-scale machinery in later processes.
    """
    if isinstance(epoch, str):
        return memoised("gmst", (epoch,), lambda: float(_gmst_rad_of(_utc(epoch))), _finite_float)
    return _gmst_rad_of(epoch)


def _utc(iso: str) -> Time:
    import warnings

    from astropy.time import Time

    with warnings.catch_warnings():  # future years: ERFA's "dubious year" (leap seconds not yet known)
        warnings.filterwarnings("ignore", message=".*dubious year.*")
        return Time(iso, scale="utc")


def _finite_float(stored: Any) -> float:
    if not isinstance(stored, float) or not np.isfinite(stored):
        raise ValueError(f"not an angle: {stored!r}")
    return stored


def _gmst_rad_of(epoch: Time) -> np.ndarray:
    utc = epoch.utc
    t = ((np.asarray(utc.jd1) - 2451545.0) + np.asarray(utc.jd2)) / 36525.0
    sec = 67310.54841 + (876600.0 * 3600.0 + 8640184.812866) * t + 0.093104 * t**2 - 6.2e-6 * t**3
    return np.radians(np.mod(sec, 86400.0) / 240.0)


def gmst(epoch: Time | str) -> Quantity:
    """Greenwich mean sidereal time (deg, 0–360) of an astropy Time (scalar or array) or ISO UTC string.

    IAU-82 formula (Vallado 4th ed. Eq. 3-47) with UT1 taken as UTC, so no IERS table is
    needed (error < 0.9 s of time, < 0.004°).
    """
    return q(np.degrees(gmst_rad(epoch)), "deg")


def station_ecef(lat_deg: Any, lon_deg: Any, alt_m: Any = 0.0, body: str = "Earth") -> np.ndarray:
    """Earth-fixed position (m, ndarray (..., 3)) of ground points on a **spherical** body.

    Geocentric latitude/longitude in degrees, altitude in metres above the equatorial radius.
    """
    _, radius = gm_radius(body)
    lat, lon = np.radians(np.asarray(lat_deg, float)), np.radians(np.asarray(lon_deg, float))
    r = radius + np.asarray(alt_m, float)
    return np.stack(np.broadcast_arrays(r * np.cos(lat) * np.cos(lon), r * np.cos(lat) * np.sin(lon), r * np.sin(lat)), axis=-1)


def rotation_angle(times_s: np.ndarray, epoch: Time | str) -> np.ndarray:
    """Earth rotation angle (rad) GMST(epoch) + ω⊕ t at ``times_s`` after ``epoch`` (Time or ISO UTC string)."""
    return float(gmst_rad(epoch)) + EARTH_ROTATION_RATE * np.asarray(times_s, float)


def eci_to_ecef(r_eci_m: np.ndarray, times_s: Any, epoch: Time) -> np.ndarray:
    """Rotate inertial positions (m, (..., n_t, 3)) into the Earth-fixed frame.

    Rotation about z by θ = GMST(epoch) + ω⊕ t (ω⊕ = 7.292115e-5 rad/s); ignores precession,
    nutation and polar motion (arcminute level, negligible for visibility).
    """
    theta = rotation_angle(np.atleast_1d(si(times_s, "s")), epoch)
    c, s = np.cos(theta), np.sin(theta)
    x, y, z = r_eci_m[..., 0], r_eci_m[..., 1], r_eci_m[..., 2]
    return np.stack([c * x + s * y, -s * x + c * y, z], axis=-1)


def elevation_deg(sat_ecef_m: np.ndarray, station_ecef_m: np.ndarray) -> np.ndarray:
    """Elevation (deg) of satellites seen from stations, spherical-Earth local vertical.

    ``sat_ecef_m``: (..., 3) m; ``station_ecef_m``: (3,) for one station → result (...), or
    (n_st, 3) → result (..., n_st). Both in the same body-fixed (or the same inertial) frame.
    """
    sat = np.asarray(sat_ecef_m, float)
    st = np.atleast_2d(np.asarray(station_ecef_m, float))
    g = np.linalg.norm(st, axis=-1)
    s_up = sat @ (st / g[:, None]).T  # (..., n_st)
    s2 = np.sum(sat * sat, axis=-1)[..., None]
    # atan2(vertical, horizontal) keeps precision near the zenith; the horizontal part of the
    # range vector is the satellite's own (the station lies on its local vertical).
    el = np.degrees(np.arctan2(s_up - g, np.sqrt(np.maximum(s2 - s_up * s_up, 0.0))))
    return el[..., 0] if np.ndim(station_ecef_m) == 1 else el
