"""Beam physics of the space-based solar power plugin: geometry, diffraction, efficiency chain, rectenna.

Plain SI floats (m, Hz, W, W/m², degrees where named ``_deg``). The orbital geometry takes its
constants (Earth's radius, GEO radius, circular speeds, Hohmann burns, rocket equation) from the
trajectory adapter; the beam collection comes from the shared links model
(``models.links.aperture_transfer``, the Goubau relation). Nothing here prices or sums hardware.

Relations used:

- wavelength ``λ = c / f``;
- slant range and elevation of a geostationary satellite seen from a ground site at latitude φ and
  longitude offset Δλ from the sub-satellite point (spherical Earth): central angle
  ``cos γ = cos φ cos Δλ``, range ``d = √(R² + r² − 2 R r cos γ)``, elevation
  ``El = atan2(cos γ − R/r, sin γ)`` (T. Pratt, C. Bostian & J. Allnutt, *Satellite Communications*,
  2nd ed., Wiley 2003, §2.2 "Look angle determination");
- Goubau beam collection ``η = 1 − exp(−τ²)``, ``τ² = A_t A_r / (λ d)²`` (G. Goubau & F. Schwering,
  IRE Trans. Antennas Propag. 9(3):248, 1961): the receiving aperture (normal to the beam) that
  collects a chosen η is ``A_r = −ln(1 − η) (λ d)² / A_t``;
- ground footprint: the beam-normal circle of diameter ``D_r`` stretched by ``1/sin El`` along the
  direction to the satellite (an ellipse ``D_r × D_r/sin El``), as the 1978 reference rectenna's
  10 km × 13 km ellipse at 34° N (DOE/ER-0023, Oct 1978);
- peak intensity at the beam centre for a Gaussian beam of total power ``P_b`` whose aperture of area
  ``A_r`` collects η: ``I₀ = P_b · (−ln(1 − η)) / A_r`` (from ``η = 1 − exp(−2a²/w²)`` and
  ``I₀ = 2P_b/(π w²)``; A. E. Siegman, *Lasers*, University Science Books 1986, §17.1).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import astropy.units as u

from sandbox import models, trajectory

SPEED_OF_LIGHT_M_S = float(models.links.DEFAULTS["speed_of_light_m_s"].nominal)


def wavelength_m(frequency_hz: float) -> float:
    """Free-space wavelength (m) of ``frequency_hz``."""
    if not frequency_hz > 0:
        raise ValueError(f"frequency must be > 0 Hz, got {frequency_hz!r}")
    return SPEED_OF_LIGHT_M_S / frequency_hz


def earth_radius_m() -> float:
    """Earth's equatorial radius (m) as the trajectory adapter uses it."""
    return float(trajectory.body_radius("Earth").to_value(u.m))


def geo_look(latitude_deg: float, longitude_offset_deg: float, geo_altitude_m: float) -> dict[str, float]:
    """Slant range (m), elevation (deg) and central angle (deg) from a ground site to a geostationary satellite.

    ``longitude_offset_deg``: site longitude minus the satellite's. Raises ``ValueError`` when the satellite
    is below the site's horizon.
    """
    r_e = earth_radius_m()
    r = r_e + geo_altitude_m
    cos_g = math.cos(math.radians(latitude_deg)) * math.cos(math.radians(longitude_offset_deg))
    gamma = math.acos(max(-1.0, min(1.0, cos_g)))
    d = math.sqrt(r_e**2 + r**2 - 2.0 * r_e * r * cos_g)
    el = math.degrees(math.atan2(cos_g - r_e / r, math.sin(gamma))) if gamma > 0 else 90.0
    if el <= 0:
        raise ValueError(f"a geostationary satellite is below the horizon at latitude {latitude_deg:g}° and longitude "
                         f"offset {longitude_offset_deg:g}° (elevation {el:.1f}°)")
    return {"slant_range_m": d, "elevation_deg": el, "central_angle_deg": math.degrees(gamma)}


def tau_squared(collection: float) -> float:
    """Goubau's τ² for a beam-collection efficiency ``collection`` (0 < η < 1): ``−ln(1 − η)``."""
    if not 0.0 < collection < 1.0:
        raise ValueError(f"beam collection must be within (0, 1), got {collection!r}")
    return -math.log1p(-collection)


def rectenna_diameter_m(distance_m: float, tx_diameter_m: float, wavelength: float, collection: float) -> float:
    """Diameter (m, normal to the beam) of the receiving aperture that collects ``collection`` of the beam."""
    a_t = math.pi * tx_diameter_m**2 / 4.0
    a_r = tau_squared(collection) * (wavelength * distance_m) ** 2 / a_t
    return 2.0 * math.sqrt(a_r / math.pi)


def collection(distance_m: float, tx_diameter_m: float, rx_diameter_m: float, wavelength: float) -> float:
    """Beam-collection efficiency of circular apertures, ``1 − exp(−τ²)`` (shared links model)."""
    return float(models.links.aperture_transfer(distance_m, tx_diameter_m, rx_diameter_m, wavelength))


def footprint(rx_diameter_m: float, elevation_deg: float, exclusion_factor: float = 1.0) -> dict[str, float]:
    """The rectenna's ground ellipse: minor axis ``D_r`` (across the beam), major ``D_r / sin El`` (toward the
    satellite), area ``π/4 D_r² / sin El`` (m²), and the fenced land with an exclusion zone scaling both axes by
    ``exclusion_factor``."""
    s = math.sin(math.radians(elevation_deg))
    minor, major = rx_diameter_m, rx_diameter_m / s
    area = math.pi / 4.0 * minor * major
    return {"minor_m": minor, "major_m": major, "area_m2": area, "land_m2": area * exclusion_factor**2}


def peak_intensity_w_m2(beam_power_w: float, collection_eff: float, rx_area_m2: float) -> float:
    """Peak intensity (W/m², normal to the beam) at the centre of a Gaussian beam carrying ``beam_power_w``
    whose receiving aperture of ``rx_area_m2`` collects ``collection_eff`` of it."""
    return beam_power_w * tau_squared(collection_eff) / rx_area_m2


def chain_efficiency(efficiencies: Iterable[float]) -> float:
    """Product of the stage efficiencies of a power chain."""
    out = 1.0
    for e in efficiencies:
        if not 0.0 < e <= 1.0:
            raise ValueError(f"every stage efficiency must be within (0, 1], got {e!r}")
        out *= e
    return out
