"""Two-body propagation and circular-orbit geometry: speeds, periods, J2 nodal drift, sun-synchronous inclination."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from .bodies import gm_radius, j2
from .constants import TROPICAL_YEAR_DAYS
from .library import body_of, module
from .quantities import altitude_m, q, si, value

if TYPE_CHECKING:
    from astropy.units import Quantity

# --------------------------------------------------------------------------------------
# Two-body propagation
# --------------------------------------------------------------------------------------


def propagate(r: Quantity, v: Quantity, tof: Quantity, body: str = "Earth") -> tuple[Quantity, Quantity]:
    """Two-body propagation with the library (``Orbit.propagate``, Farnocchia's method).

    ``r`` (length, shape (3,)), ``v`` (speed, shape (3,)) in the body-centred inertial frame;
    ``tof`` time Quantity. Returns ``(r, v)`` after ``tof`` in km and km/s. Any conic.
    """
    from astropy import units as u

    orbit = module("twobody.orbit").Orbit.from_vectors(body_of(body), q(r, "km"), q(v, "km/s"))
    r1, v1 = orbit.propagate(q(tof, "s")).rv()
    return r1.to(u.km), v1.to(u.km / u.s)


def _kepler_elliptic(mu: float, r0: np.ndarray, v0: np.ndarray, dt: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised elliptic Kepler problem via f and g functions of ΔE (Vallado §2.3; Battin).

    SI in/out: ``r0`` (m, (3,)), ``v0`` (m/s, (3,)), ``dt`` (s, (n,)) → r, v arrays (n, 3).
    """
    rn0 = float(np.linalg.norm(r0))
    a = 1.0 / (2.0 / rn0 - float(v0 @ v0) / mu)
    n = math.sqrt(mu / a**3)
    ecos0 = 1.0 - rn0 / a
    esin0 = float(r0 @ v0) / math.sqrt(mu * a)
    ecc, e0 = math.hypot(ecos0, esin0), math.atan2(esin0, ecos0)
    m0 = e0 - esin0
    m = np.mod(m0 + n * dt, 2.0 * np.pi)
    ecc_anom = m + 0.85 * ecc * np.sign(np.sin(m))  # Danby's starter
    for _ in range(50):
        step = (ecc_anom - ecc * np.sin(ecc_anom) - m) / (1.0 - ecc * np.cos(ecc_anom))
        ecc_anom -= step
        if np.max(np.abs(step)) < 1e-14:
            break
    de = ecc_anom - e0
    dt_wrapped = (m - m0) / n  # same orbit phase, one period removed as often as needed
    c, s = np.cos(de), np.sin(de)
    rn = a + (rn0 - a) * c + esin0 * a * s
    f = 1.0 - a / rn0 * (1.0 - c)
    g = dt_wrapped - (de - s) / n
    fdot = -math.sqrt(mu * a) * s / (rn * rn0)
    gdot = 1.0 - a / rn * (1.0 - c)
    r = f[:, None] * r0 + g[:, None] * v0
    v = fdot[:, None] * r0 + gdot[:, None] * v0
    return r, v


def propagate_many(r: Quantity, v: Quantity, times: Quantity, body: str = "Earth") -> tuple[Quantity, Quantity]:
    """Two-body states at many times from one initial state (vectorised numpy).

    ``r``/``v``: shape (3,) length/speed Quantities; ``times``: time Quantity array (n,)
    measured from the initial state. Returns ``(r, v)`` of shape (n, 3) in km and km/s.
    Elliptic orbits use our vectorised Kepler solver; other conics loop over the library's
    :func:`propagate`.
    """
    from astropy import units as u

    mu, _ = gm_radius(body)
    r0, v0 = si(r, "m").reshape(3), si(v, "m/s").reshape(3)
    dt = np.atleast_1d(si(times, "s"))
    if 2.0 / np.linalg.norm(r0) - (v0 @ v0) / mu > 0:
        rs, vs = _kepler_elliptic(mu, r0, v0, dt)
        return (rs * u.m).to(u.km), (vs * u.m / u.s).to(u.km / u.s)
    states = [propagate(r, v, t * u.s, body) for t in dt]
    return u.Quantity([s[0] for s in states]), u.Quantity([s[1] for s in states])


def propagate_j2(r: Quantity, v: Quantity, times: Quantity, body: str = "Earth",
                 rtol: float = 1e-11) -> tuple[Quantity, Quantity]:
    """States under two-body gravity plus the body's J2, by the library's Cowell propagator.

    The library's ``cowell`` (DOP853 with dense output) on its ``func_twobody`` plus its
    ``J2_perturbation`` (Curtis, *Orbital Mechanics for Engineering Students*, Eq. 12.30).
    ``r``/``v``: osculating state, shape (3,) length/speed Quantities in the body-centred
    inertial frame; ``times``: time Quantity array (n,) ≥ 0 from that state. Returns
    ``(r, v)`` of shape (n, 3) in km and km/s.
    """
    from astropy import units as u

    mu, radius = gm_radius(body)
    k_km, r_km, j2_body = mu / 1e9, radius / 1e3, j2(body)
    twobody = module("core.propagation.base").func_twobody
    j2_accel = module("core.perturbations").J2_perturbation

    def f(t0: float, state: np.ndarray, k: float) -> np.ndarray:
        du = twobody(t0, state, k)
        du[3:] += j2_accel(t0, state, k, J2=j2_body, R=r_km)
        return du

    tofs = np.atleast_1d(si(times, "s")).astype(float)
    rr, vv = module("core.propagation").cowell(k_km, si(r, "km").reshape(3), si(v, "km/s").reshape(3), tofs,
                                               rtol=rtol, f=f)
    return np.asarray(rr) * u.km, np.asarray(vv) * (u.km / u.s)


# --------------------------------------------------------------------------------------
# Circular orbits, J2, sun-synchronous
# --------------------------------------------------------------------------------------


def body_radius(body: str = "Earth") -> Quantity:
    """Equatorial radius (km) of ``body`` as the library gives it (altitudes are measured from it)."""
    return q(gm_radius(body)[1] / 1e3, "km")


def body_mu(body: str = "Earth") -> Quantity:
    """Gravitational parameter GM (km³/s²) of ``body`` as the library gives it."""
    return q(gm_radius(body)[0] / 1e9, "km3 / s2")


def circular_velocity(altitude: Quantity, body: str = "Earth") -> Quantity:
    """Circular orbital speed sqrt(GM/r) (km/s) at ``altitude`` above the equatorial radius."""
    mu, radius = gm_radius(body)
    return q(np.sqrt(mu / (radius + altitude_m(altitude))) / 1e3, "km/s")


def orbital_period(altitude: Quantity, body: str = "Earth") -> Quantity:
    """Circular orbit period 2π sqrt(r³/GM) (min) at ``altitude`` above the equatorial radius."""
    mu, radius = gm_radius(body)
    a = radius + altitude_m(altitude)
    return q(2.0 * np.pi * np.sqrt(a**3 / mu) / 60.0, "min")


def nodal_rate_rad_s(a_m: Any, inc_rad: Any, body: Any) -> Any:
    mu, radius = gm_radius(body)
    n = np.sqrt(mu / a_m**3)
    return -1.5 * n * j2(body) * (radius / a_m) ** 2 * np.cos(inc_rad)


def nodal_regression_rate(altitude: Quantity, inclination: Quantity, body: str = "Earth") -> Quantity:
    """Secular J2 drift of the ascending node of a circular orbit (deg/day).

    dΩ/dt = −(3/2) n J2 (R/a)² cos i (Vallado 4th ed. Eq. 9-41; Curtis Eq. 4.52 with e = 0).
    ``altitude`` above the equatorial radius; ``inclination`` angle Quantity.
    """
    mu, radius = gm_radius(body)
    rate = nodal_rate_rad_s(radius + altitude_m(altitude), value(inclination, "rad"), body)
    return q(np.degrees(rate) * 86400.0, "deg/day")


def sun_synchronous_inclination(altitude: Quantity, body: str = "Earth") -> Quantity:
    """Inclination (deg) whose J2 nodal regression follows the mean Sun, 360°/365.2422 d.

    cos i = −(2/3) Ω̇_sun a^(7/2) / (J2 R² sqrt(GM)) for a circular orbit (Vallado 4th ed.
    §11.4; SMAD 3rd ed. §6.2). ``altitude`` above the equatorial radius. Raises ValueError
    above ~5,970 km where no such orbit exists.
    """
    mu, radius = gm_radius(body)
    a = radius + altitude_m(altitude)
    sun_rate = 2.0 * np.pi / (TROPICAL_YEAR_DAYS * 86400.0)
    cos_i = -2.0 * sun_rate * a**3.5 / (3.0 * j2(body) * radius**2 * np.sqrt(mu))
    if np.any(np.abs(cos_i) > 1.0):
        raise ValueError("no sun-synchronous circular orbit at this altitude")
    return q(np.degrees(np.arccos(cos_i)), "deg")

