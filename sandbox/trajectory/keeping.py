"""Station keeping of a single orbit: drag make-up in low orbit, north-south and east-west control in GEO.

What every orbiting architecture carries the same way: the propellant to stay where it was put. A
design turns the Δv a year times its life into propellant through the rocket equation (the engine
does, from ``Transport.dv_after_drop_m_s``). Formation keeping *within* a cluster is in
:mod:`~sandbox.trajectory.relative`.

* **Drag make-up** (low orbit): the drag deceleration ``a_D = ρ v² / (2 B)`` (Vallado, *Fundamentals
  of Astrodynamics and Applications*, 4th ed., Eq. 8-29, with ``B = m / (C_D A)``) over a Julian
  year, in a circular orbit of speed ``v = sqrt(GM / r)``, with ρ from an exponential atmosphere
  (:data:`EXPONENTIAL_ATMOSPHERE`).
* **Geostationary keeping**: the Sun's and the Moon's pull turn the orbit's pole by 0.75–0.94° a year
  (the rate follows the 18.6-year cycle of the Moon's node), so north-south control costs
  ``v_GEO × di/dt`` a year (an inclination change at the orbit's speed, 2 v sin(Δi/2) ≈ v Δi for small
  angles); east-west control (the longitude drift of Earth's triaxiality and the eccentricity driven
  by solar radiation pressure) adds a few m/s a year that depends on the slot.

Plain SI floats and numpy arrays in the ``_m``/``_kg_m3`` forms; the Quantity forms take and return
astropy Quantities like the rest of the adapter.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from sandbox.core.sourced import Sourced

from .bodies import gm_radius
from .quantities import altitude_m, q
from .relative import differential_drag_dv_per_year

if TYPE_CHECKING:
    from astropy.units import Quantity

#: Exponential atmosphere: base altitude (km), nominal density (kg/m³), scale height (km); valid 200-1,000 km
#: (the 300 km band is extended down to 200 km; above 1,000 km the last band). Moderate solar activity: solar
#: activity changes low-orbit densities by up to ~×10, which a design's ``density_scale`` carries.
EXPONENTIAL_ATMOSPHERE = (
    (300.0, 2.418e-11, 53.628),
    (350.0, 9.518e-12, 53.298),
    (400.0, 3.725e-12, 58.515),
    (450.0, 1.585e-12, 60.828),
    (500.0, 6.967e-13, 63.822),
    (600.0, 1.454e-13, 71.835),
    (700.0, 3.614e-14, 88.667),
    (800.0, 1.170e-14, 124.64),
    (900.0, 5.245e-15, 181.05),
    (1000.0, 3.019e-15, 268.00),
)
ATMOSPHERE_SOURCE = (
    "Vallado, Fundamentals of Astrodynamics and Applications, 4th ed. (Microcosm 2013), Table 8-4 "
    "'Exponential atmospheric model' (CIRA-72, moderate solar activity)"
)
_BASES_KM = np.array([row[0] for row in EXPONENTIAL_ATMOSPHERE])
_RHO0 = np.array([row[1] for row in EXPONENTIAL_ATMOSPHERE])
_SCALE_KM = np.array([row[2] for row in EXPONENTIAL_ATMOSPHERE])

_SOOP = "Soop, Handbook of Geostationary Orbits (Kluwer/ESA 1994), ch. 5 'Inclination' and ch. 4 'Longitude'"
_MARAL = "Maral & Bousquet, Satellite Communications Systems, 5th ed. (Wiley 2009), §2.3"

#: Sourced inputs of the geostationary keeping budget.
DEFAULTS: dict[str, Sourced] = {
    "geo_inclination_drift_deg_per_year": Sourced(
        0.85,
        "deg/yr",
        _SOOP + "; " + _MARAL + ": the lunisolar pull turns a geostationary orbit's pole by 0.75-0.94 deg a year, "
        "about 0.85 typically (north-south control of about 45 m/s a year)",
        low=0.75,
        high=0.94,
        note="the range is the 18.6-year cycle of the Moon's node, not an uncertainty",
    ),
    "geo_east_west_dv_m_s_per_year": Sourced(
        2.0,
        "m / (s yr)",
        _SOOP + "; " + _MARAL + ": east-west control (triaxiality drift and the solar-radiation-pressure eccentricity) "
        "costs a few m/s a year, from near 0 at the stable longitudes (75 E, 105 W) to about 2 m/s at the worst slot",
        low=0.0,
        high=5.0,
        note="the high end (an assumption) covers the eccentricity control of a large, light structure (high area "
             "to mass, as a power satellite's arrays)",
    ),
}


def atmosphere_density_kg_m3(altitude_m: Any) -> Any:
    """Density (kg/m³) at ``altitude_m`` (m; float or array): ``ρ0 exp(-(h - h0) / H)`` in the band of
    :data:`EXPONENTIAL_ATMOSPHERE` below ``h``."""
    h = np.asarray(altitude_m, dtype=float) / 1e3
    idx = np.clip(np.searchsorted(_BASES_KM, h, side="right") - 1, 0, len(_BASES_KM) - 1)
    rho = _RHO0[idx] * np.exp(-(h - _BASES_KM[idx]) / _SCALE_KM[idx])
    return float(rho) if rho.ndim == 0 else rho


def drag_makeup_dv_m_s_per_year(altitude_m: Any, ballistic_coefficient_kg_m2: Any, density_scale: Any = 1.0,
                                body: str = "Earth") -> Any:
    """Δv (m/s) a year to cancel drag in a circular orbit at ``altitude_m`` (m): ``ρ v² / (2 B)`` × 1 year,
    with ``B = m / (C_D A)`` (kg/m²) and ρ × ``density_scale`` from :func:`atmosphere_density_kg_m3`."""
    mu, radius = gm_radius(body)
    h = np.asarray(altitude_m, dtype=float)
    rho = np.asarray(atmosphere_density_kg_m3(h)) * density_scale
    # the whole C_D A/m of one spacecraft against the air, as the formation's drag difference between two
    dv = differential_drag_dv_per_year(rho, np.sqrt(mu / (radius + h)), 1.0 / np.asarray(ballistic_coefficient_kg_m2, float))
    return float(dv) if np.ndim(dv) == 0 else dv


def drag_makeup_dv_per_year(altitude: Quantity, ballistic_coefficient: Quantity, density_scale: float = 1.0,
                            body: str = "Earth") -> Quantity:
    """Δv (m/s) a year to cancel drag at ``altitude`` for ``ballistic_coefficient`` m/(C_D A) (kg/m²)."""
    b = float(ballistic_coefficient.to_value("kg/m2"))
    return q(drag_makeup_dv_m_s_per_year(altitude_m(altitude), b, density_scale, body), "m/s")


def geo_station_keeping_dv_m_s_per_year(altitude_m: float = 35_786e3, inclination_drift_deg_per_year: float = 0.85,
                                        east_west_dv_m_s_per_year: float = 2.0) -> float:
    """Δv (m/s) a year to hold a geostationary slot: north-south ``2 v sin(di/2)`` with ``v = sqrt(GM / r)`` and
    ``di`` a year's inclination drift (deg), plus the east-west budget (m/s a year)."""
    mu, radius = gm_radius("Earth")
    v = math.sqrt(mu / (radius + altitude_m))
    north_south = 2.0 * v * math.sin(math.radians(inclination_drift_deg_per_year) / 2.0)
    return north_south + east_west_dv_m_s_per_year


def geo_station_keeping_dv_per_year(altitude: Quantity, inclination_drift: Quantity,
                                    east_west_dv: Quantity) -> Quantity:
    """Δv (m/s) a year to hold a geostationary slot at ``altitude`` (see :func:`geo_station_keeping_dv_m_s_per_year`);
    ``inclination_drift`` in deg/yr, ``east_west_dv`` in m/s per year."""
    return q(geo_station_keeping_dv_m_s_per_year(altitude_m(altitude), float(inclination_drift.to_value("deg/yr")),
                                                 float(east_west_dv.to_value("m / (s yr)"))), "m/s")
