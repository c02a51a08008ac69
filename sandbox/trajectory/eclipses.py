"""Sunlight on circular orbits: β angle, eclipse fraction per orbit and statistics over a year."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .bodies import gm_radius
from .constants import TROPICAL_YEAR_DAYS
from .frames import gmst, plane_axes, sun_direction, sun_vector_m
from .memo import memoised
from .orbits import nodal_rate_rad_s, orbital_period
from .quantities import altitude_m, q, value

if TYPE_CHECKING:
    from astropy.time import Time
    from astropy.units import Quantity

@dataclass(frozen=True)
class EclipseStats:
    """Eclipse statistics of a circular orbit sampled over a year (cylindrical shadow).

    ``mean_fraction``/``max_fraction``: fraction of the orbital period in shadow (0–1);
    ``max_duration`` (min); ``beta_angle_range`` (min, max) in deg; per-sample arrays
    ``epochs`` (Time, built on first use: the figures need no time scales), ``beta_angles`` (deg)
    and ``fractions``.
    """

    mean_fraction: float
    max_fraction: float
    max_duration: Quantity
    beta_angle_range: tuple[Quantity, Quantity]
    beta_angles: Quantity
    fractions: np.ndarray
    year: int = field(default=2026, repr=False)
    n_days: int = field(default=365, repr=False)

    @functools.cached_property
    def epochs(self) -> Time:
        """The sampled instants (UTC): ``n_days`` spread over the tropical year from 1 January of ``year``."""
        return _year_epochs(self.year, self.n_days)


def _year_start(year: int) -> Time:
    from astropy.time import Time

    return Time(f"{int(year)}-01-01T00:00:00", scale="utc")


def _year_epochs(year: int, n_days: int) -> Time:
    from astropy import units as u

    return _year_start(year) + (np.arange(n_days) * (TROPICAL_YEAR_DAYS / n_days)) * u.day

def beta_angle(inclination: Quantity, raan: Quantity, epoch: Time, body: str = "Earth") -> Quantity:
    """Solar beta angle (deg): elevation of the Sun above the orbit plane, sin β = ŝ·ĥ.

    ``inclination``/``raan`` angle Quantities in the Earth-equator J2000 frame (scalars or
    arrays broadcast against ``epoch``'s shape); ``epoch`` astropy Time.
    """
    _, _, w = plane_axes(value(inclination, "rad"), value(raan, "rad"))
    s = sun_direction(epoch, body)
    return q(np.degrees(np.arcsin(np.clip(np.sum(s * w, axis=-1), -1.0, 1.0))), "deg")

# --------------------------------------------------------------------------------------
# Ground-station visibility (vectorised numpy, spherical Earth)
# --------------------------------------------------------------------------------------


def eclipse_fraction_from_beta(altitude: Quantity, beta: Quantity, body: str = "Earth") -> Any:
    """Fraction of a circular orbit in a cylindrical shadow at beta angle ``beta``.

    f = arccos( sqrt(h² + 2Rh) / ((R + h) cos β) ) / π when |β| < β* = arcsin(R/(R+h)),
    else 0 (Gilmore, *Spacecraft Thermal Control Handbook* vol. 1, 2nd ed., §2; the
    standard β-angle eclipse formula). Returns a float or ndarray (dimensionless).
    """
    _, radius = gm_radius(body)
    h = altitude_m(altitude)
    cos_b = np.abs(np.cos(np.asarray(value(beta, "rad"))))
    ratio = np.sqrt(h * h + 2.0 * radius * h) / ((radius + h) * np.maximum(cos_b, 1e-300))
    f = np.where(ratio < 1.0, np.arccos(np.minimum(ratio, 1.0)) / np.pi, 0.0)
    return float(f) if f.ndim == 0 else f


def _in_shadow(r: np.ndarray, sun: np.ndarray, radius: float, sun_radius: float, shadow: str) -> np.ndarray:
    """Boolean shadow test for positions ``r`` (m, (..., 3)) given the Sun vector (m, (3,))."""
    d = float(np.linalg.norm(sun))
    s_hat = sun / d
    along = r @ s_hat
    perp = np.linalg.norm(r - along[..., None] * s_hat, axis=-1)
    if shadow == "cylindrical":
        limit = radius
    elif shadow == "conical":  # umbra cone tangent to Sun and body, apex behind the body
        alpha = math.asin((sun_radius - radius) / d)
        limit = radius / math.cos(alpha) + along * math.tan(alpha)
    else:
        raise ValueError("shadow must be 'cylindrical' or 'conical'")
    return (along < 0.0) & (perp < limit)


def eclipse_fraction(
    altitude: Quantity,
    inclination: Quantity,
    raan: Quantity,
    epoch: Time,
    body: str = "Earth",
    samples: int = 3600,
    shadow: str = "cylindrical",
) -> float:
    """Fraction (0–1) of one circular orbit spent in ``body``'s shadow at ``epoch``.

    Samples ``samples`` points uniformly in time around the orbit (``altitude`` above the
    equatorial radius; ``inclination``/``raan`` in the Earth-equator J2000 frame) and tests
    each against the shadow with the Sun's position at ``epoch`` (astropy ephemeris).
    ``shadow="cylindrical"`` (default; matches :func:`eclipse_fraction_from_beta`) or
    ``"conical"`` (umbra only, Vallado 4th ed. Algorithm 34). Spherical body.
    """
    _, radius = gm_radius(body)
    a = radius + altitude_m(altitude)
    p, q, _ = plane_axes(value(inclination, "rad"), value(raan, "rad"))
    u_arg = 2.0 * np.pi * (np.arange(samples) + 0.5) / samples
    r = a * (np.cos(u_arg)[:, None] * p + np.sin(u_arg)[:, None] * q)
    sun_radius = gm_radius("Sun")[1]
    return float(np.mean(_in_shadow(r, sun_vector_m(epoch, body), radius, sun_radius, shadow)))


def eclipse_over_year(
    altitude: Quantity,
    inclination: Quantity,
    ltan_hours: float | None = None,
    raan: Quantity | None = None,
    year: int = 2026,
    n_days: int = 365,
    body: str = "Earth",
) -> EclipseStats:
    """Eclipse statistics of a circular Earth orbit over one year (cylindrical shadow).

    Give either ``ltan_hours`` (local mean time of the ascending node at 1 January 00:00
    UTC: 6 or 18 = dawn–dusk, 10.5 = mid-morning) or ``raan`` (angle Quantity at that
    instant). The node then drifts at the J2 rate (:func:`nodal_regression_rate`), which for
    a sun-synchronous inclination equals the mean Sun's 360°/365.2422 d, keeping the LTAN
    fixed (a dawn–dusk SSO is eclipsed only near one solstice: June for LTAN 18 h, December
    for LTAN 6 h). ``n_days`` samples spread over the year; each uses the β angle from the Sun's
    ephemeris position and :func:`eclipse_fraction_from_beta`. ``altitude`` above the
    equatorial radius.
    """
    from astropy import units as u

    if (ltan_hours is None) == (raan is None):
        raise ValueError("give exactly one of ltan_hours and raan")
    a = gm_radius(body)[1] + altitude_m(altitude)
    inc = value(inclination, "rad")
    node = ("ltan", float(ltan_hours)) if raan is None else ("raan", value(raan, "rad"))

    def compute() -> list[float]:
        epochs = _year_epochs(year, n_days)
        days = np.arange(n_days) * (TROPICAL_YEAR_DAYS / n_days)
        if raan is None:  # RAAN = α_mean_sun + 15°·(LTAN − 12 h); α_mean_sun = GMST − 15°·(UT − 12 h) = GMST + 180° at 0h UT
            raan0 = gmst(_year_start(year)).to_value(u.rad) + np.pi + np.radians(15.0 * (float(ltan_hours) - 12.0))
        else:
            raan0 = node[1]
        raans = raan0 + nodal_rate_rad_s(a, inc, body) * days * 86400.0
        return beta_angle(inc * u.rad, raans * u.rad, epochs, body).to_value(u.deg).tolist()

    def decode(stored: Any) -> np.ndarray:
        betas = np.asarray(stored, dtype=float)
        if betas.shape != (int(n_days),) or not np.all(np.abs(betas) <= 90.0):
            raise ValueError("not a year of beta angles")
        return betas

    if isinstance(body, str) and np.ndim(inc) == 0 and np.ndim(node[1]) == 0:
        key = (float(a), float(inc), node, int(year), int(n_days), body.strip().lower())
        betas = memoised("eclipse-year", key, compute, decode) * u.deg
    else:
        betas = decode(compute()) * u.deg
    fractions = np.asarray(eclipse_fraction_from_beta(altitude, betas, body))
    period = orbital_period(altitude, body)
    return EclipseStats(
        mean_fraction=float(fractions.mean()),
        max_fraction=float(fractions.max()),
        max_duration=(fractions.max() * period).to(u.min),
        beta_angle_range=(betas.min(), betas.max()),
        beta_angles=betas,
        fractions=fractions,
        year=int(year),
        n_days=int(n_days),
    )
