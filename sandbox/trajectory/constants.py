"""Physical constants of the trajectory package (each with its source)."""

from __future__ import annotations

#: Standard gravity, m/s² (CGPM 1901; BIPM SI Brochure) — used by the rocket equation.
G0 = 9.80665
#: Earth's rotation rate relative to the stars, rad/s (IERS; Vallado 4th ed. §3.7).
EARTH_ROTATION_RATE = 7.292115e-5
#: Tropical year, days: the mean Sun's period, which a sun-synchronous node must follow.
TROPICAL_YEAR_DAYS = 365.2422
#: Earth–Moon semimajor axis, km (NASA GSFC Moon fact sheet, 0.3844e6 km).
EARTH_MOON_DISTANCE_KM = 384_400.0
