"""Thermal: radiator area and mass in a real environment, view factors, lunar surface, ground cooling.

A radiator rejects ``sides * eps * sigma * (T^4 - T_sink^4)`` per m² of panel and absorbs
sunlight, planetary albedo and planetary infrared; ``absorbed_w_m2`` is always per m² of
*panel* (both faces together). SI floats inside: K, W, W/m², m², kg, m.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from sandbox.core.sourced import Sourced
from sandbox.models._util import HOURS_PER_YEAR, FloatOrArray, arr, is_scalar, out, reject

__all__ = [
    "DEFAULTS",
    "STEFAN_BOLTZMANN",
    "radiator_net_flux_w_m2",
    "radiator_area_m2",
    "radiator_mass_kg",
    "earth_view_factor",
    "absorbed_flux_w_m2",
    "orbit_albedo_factor",
    "body_ir_w_m2",
    "sink_temperature_k",
    "lunar_surface_temperature_k",
    "terrestrial_cooling_power_w",
    "water_use_l_per_year",
]

#: Stefan-Boltzmann constant, W m^-2 K^-4 (CODATA 2018; exact since the 2019 SI redefinition).
STEFAN_BOLTZMANN = 5.670374419e-8

_GILMORE = "Gilmore (ed.), Spacecraft Thermal Control Handbook, Vol. I: Fundamental Technologies, 2nd ed. (Aerospace Press/AIAA 2002)"
_DIVINER = (
    "Williams, Paige, Greenhagen & Sefton-Nash 2017, 'The global surface temperatures of the Moon as measured by "
    "the Diviner Lunar Radiometer Experiment', Icarus 283:300-325"
)

DEFAULTS: dict[str, Sourced] = {
    "stefan_boltzmann": Sourced(STEFAN_BOLTZMANN, "W m-2 K-4", "CODATA 2018 recommended values (exact, SI 2019)",
                                constant=True),
    "deep_space_temperature_k": Sourced(
        2.7255, "K", "Fixsen 2009, 'The temperature of the cosmic microwave background', ApJ 707:916-920"
    ),
    "radiator_emissivity": Sourced(
        0.90,
        "",
        _GILMORE
        + ", Appendix A (optical properties): AZ-93/Z-93 white paint eps ~0.91, OSR ~0.80, silver Teflon ~0.78-0.81",
        low=0.80,
        high=0.92,
        note="hemispherical IR emissivity of the radiator surface",
    ),
    "radiator_absorptivity": Sourced(
        0.15,
        "",
        _GILMORE + ", Appendix A: AZ-93 alpha ~0.15 BOL, OSR ~0.07; ch. 5 on UV/contamination degradation",
        low=0.07,
        high=0.30,
        note="solar absorptance; high end = degraded white paint at end of life (assumption)",
    ),
    "radiator_areal_density_kg_m2": Sourced(
        7.0,
        "kg/m2",
        "ISS flight hardware (high end): EATCS heat-rejection radiator ORU ~14.2 kg/m2 and photovoltaic radiator "
        "~17.5 kg/m2 (NASA ISS EATCS/PVR descriptions; Oren & Howell, SAE 951651, 1995); " + _GILMORE + ", ch. 6 "
        "'Radiators' and ch. 14 'Heat pipes' (honeycomb heat-pipe panels); low = 3 kg/m2 deployable composite "
        "heat-pipe concepts (NASA large deployable-radiator development); nominal 7 kg/m2 for a modern deployable "
        "panel with its fluid loop (estimate between the two)",
        low=3.0,
        high=17.5,
        note="kg per m2 of panel planform (two radiating faces) incl. heat transport; the ISS radiators, 1990s "
        "pumped-ammonia hardware at ~-40 °C, are the heavy end",
    ),
    "radiator_temperature_k": Sourced(
        330.0,
        "K",
        "Engineering assumption from chip junction limits (~85-105 C in vendor thermal specifications) minus "
        "cold-plate and loop drops; cf. ASHRAE TC 9.9 liquid-cooling classes W32-W45 (facility water 32-45 C)",
        low=300.0,
        high=350.0,
        note="radiator surface temperature; higher T shrinks area as T^4 but needs hotter chips or a heat pump",
    ),
    "earth_ir_w_m2": Sourced(
        237.0,
        "W/m2",
        _GILMORE + ", ch. 2 'Spacecraft thermal environments' (orbit-average outgoing longwave radiation; "
        "design extremes ~218-261 W/m2)",
        low=218.0,
        high=261.0,
    ),
    "earth_albedo": Sourced(
        0.30,
        "",
        _GILMORE + ", ch. 2 (orbit-average albedo ~0.3; short-period design extremes 0.18-0.55 by inclination)",
        low=0.18,
        high=0.55,
    ),
    "earth_radius_m": Sourced(
        6371.0e3, "m", "Moritz 2000, 'Geodetic Reference System 1980', J. Geodesy 74:128 (mean radius R1 = 6,371.0 km)"
    ),
    "moon_radius_m": Sourced(
        1737.4e3, "m", "Archinal et al. 2018, 'Report of the IAU WGCCRE: 2015', Celest. Mech. Dyn. Astr. 130:22"
    ),
    "lunar_day_temperature_k": Sourced(
        390.0, "K", _DIVINER + " (equatorial noon maxima ~387-397 K)", low=380.0, high=400.0
    ),
    "lunar_night_temperature_k": Sourced(
        95.0, "K", _DIVINER + " (equatorial pre-dawn minima ~90-100 K)", low=90.0, high=100.0
    ),
    "lunar_psr_temperature_k": Sourced(
        40.0,
        "K",
        "Paige et al. 2010, 'Diviner Lunar Radiometer observations of cold traps in the Moon's south polar region', "
        "Science 330:479-482 (minima ~25 K in e.g. Hermite/Hermite-A; many PSRs < 50 K)",
        low=25.0,
        high=70.0,
        note="permanently shadowed region floor; high end covers warmer PSRs (annual maxima)",
    ),
    "lunar_surface_emissivity": Sourced(
        0.95,
        "",
        "Vasavada et al. 2012, 'Lunar equatorial surface temperatures and regolith properties from the Diviner "
        "Lunar Radiometer Experiment', J. Geophys. Res. 117, E00H18",
        low=0.90,
        high=0.98,
    ),
    "lunar_bond_albedo": Sourced(
        0.12, "", "Vasavada et al. 2012, JGR 117, E00H18 (normal bolometric albedo A0 ~0.12)", low=0.07, high=0.16
    ),
    "vertical_plate_surface_view_factor": Sourced(
        0.5,
        "",
        "Geometry: one face of a vertical plate on an infinite flat plane sees half of its hemisphere as ground "
        "(Howell, A Catalog of Radiation Heat Transfer Configuration Factors)",
        note="per face; a two-sided vertical radiator on the lunar surface sees 0.5 + 0.5 = 1.0 per m2 of panel",
    ),
    "pue_hyperscale": Sourced(
        1.10,
        "",
        "Google 2024 Environmental Report (fleet-wide trailing-twelve-month PUE 1.10 in 2023; 1.09 reported for 2024)",
        low=1.08,
        high=1.20,
        note="high end (assumption) covers other hyperscale/AI campuses and hot climates",
    ),
    "pue_industry_average": Sourced(
        1.58,
        "",
        "Uptime Institute Global Data Center Survey 2023 (average annual PUE 1.58; 1.55-1.59 since ~2020)",
        low=1.55,
        high=1.59,
    ),
    "wue_l_per_kwh": Sourced(
        1.8,
        "L/(kW h)",
        "Shehabi et al. 2016, 'United States Data Center Energy Usage Report', LBNL-1005775 (on-site water ~1.8 L "
        "per kWh of IT energy); Shehabi et al. 2024 LBNL update for recent cooling mixes",
        low=0.0,
        high=2.5,
        note="site water per kWh of IT energy; 0 for dry/closed-loop cooling; excludes water at the power plant",
    ),
}


def radiator_net_flux_w_m2(
    temperature_k: ArrayLike,
    emissivity: ArrayLike,
    sink_temperature_k: ArrayLike = 3.0,
    absorbed_w_m2: ArrayLike = 0.0,
    sides: ArrayLike = 2,
) -> FloatOrArray:
    """Net heat rejected per m² of radiator panel.

    ``q = sides * eps * sigma * (T^4 - T_sink^4) - q_abs``

    Isothermal gray panel (fin efficiency 1), ``sides`` radiating faces (1 or 2) with
    emissivity ``eps``; ``q_abs`` is the environmental heat absorbed per m² of panel (both
    faces together, e.g. from :func:`absorbed_flux_w_m2`). Gilmore Vol. I ch. 6. May be
    negative (the panel gains heat).
    """
    scalar = is_scalar(temperature_k, emissivity, sink_temperature_k, absorbed_w_m2, sides)
    t, eps, ts, qa, n = (arr(x) for x in (temperature_k, emissivity, sink_temperature_k, absorbed_w_m2, sides))
    bad = reject((t < 0) | (ts < 0), scalar, "temperatures must be >= 0 K")
    bad = bad | reject((eps <= 0) | (eps > 1), scalar, "emissivity must be in (0, 1]")
    bad = bad | reject((n <= 0) | (qa < 0), scalar, "sides must be > 0 and absorbed_w_m2 >= 0")
    q = n * eps * STEFAN_BOLTZMANN * (t**4 - ts**4) - qa
    return out(np.where(bad, np.nan, q), scalar)


def radiator_area_m2(
    heat_w: ArrayLike,
    temperature_k: ArrayLike,
    emissivity: ArrayLike,
    sink_temperature_k: ArrayLike = 3.0,
    absorbed_w_m2: ArrayLike = 0.0,
    sides: ArrayLike = 2,
) -> FloatOrArray:
    """Radiator panel area to reject ``heat_w``: ``A = Q / q_net`` (see :func:`radiator_net_flux_w_m2`).

    Where the net flux is <= 0 (the panel absorbs at least what it emits, or is not hotter
    than its sink) no area is enough: the result is ``inf`` (for ``Q > 0``; ``Q = 0`` needs 0 m²).
    Example: 1 kW at 300 K, eps 0.9, two sides, 3 K sink, nothing absorbed -> 1.2095 m².
    """
    scalar = is_scalar(heat_w, temperature_k, emissivity, sink_temperature_k, absorbed_w_m2, sides)
    q = arr(heat_w)
    reject(q < 0, scalar, "heat_w must be >= 0")
    net = arr(radiator_net_flux_w_m2(temperature_k, emissivity, sink_temperature_k, absorbed_w_m2, sides))
    with np.errstate(divide="ignore", invalid="ignore"):
        area = np.where(q == 0, 0.0, np.where(net > 0, q / np.where(net > 0, net, 1.0), np.inf))
    area = np.where(np.isnan(net) | (q < 0), np.nan, area)
    return out(area, scalar)


def radiator_mass_kg(area_m2: ArrayLike, areal_density_kg_m2: ArrayLike) -> FloatOrArray:
    """Radiator mass: ``m = A * rho_A`` (kg per m² of panel, heat transport included)."""
    scalar = is_scalar(area_m2, areal_density_kg_m2)
    a, rho = arr(area_m2), arr(areal_density_kg_m2)
    bad = reject((a < 0) | (rho < 0), scalar, "area_m2 and areal_density_kg_m2 must be >= 0")
    return out(np.where(bad, np.nan, a * rho), scalar)


def earth_view_factor(altitude_m: ArrayLike, body_radius_m: ArrayLike = 6371.0e3, facing: str = "edge") -> FloatOrArray:
    """View factor from one face of a small flat plate to a sphere (planet) below it.

    With ``H = (R + h) / R``:

    - ``facing="nadir"`` (plate normal pointing at the planet centre): ``F = 1 / H^2``;
    - ``facing="edge"`` (plate normal parallel to the local horizontal, i.e. a radiator seen
      edge-on from the planet): ``F = (1/pi) * (atan(1/X) - X / H^2)``, ``X = sqrt(H^2 - 1)``.

    Standard differential-element-to-sphere configuration factors (Howell, *A Catalog of
    Radiation Heat Transfer Configuration Factors*, cases for a plane element whose plane
    passes through the sphere centre / faces it; Gilmore Vol. I ch. 2). Limits: at ``h = 0``
    edge -> 1/2, nadir -> 1; far away edge -> 2/(3 pi H^3). For a two-sided panel add both
    faces (an edge-on panel sees ``2F`` per m² of panel).
    """
    scalar = is_scalar(altitude_m, body_radius_m)
    h, r = arr(altitude_m), arr(body_radius_m)
    bad = reject((h < 0) | (r <= 0), scalar, "altitude_m must be >= 0 and body_radius_m > 0")
    with np.errstate(divide="ignore", invalid="ignore"):
        big_h = (r + h) / r
        if facing == "nadir":
            f = 1.0 / big_h**2
        elif facing == "edge":
            x = np.sqrt(np.maximum(big_h**2 - 1.0, 0.0))
            f = (np.arctan2(1.0, x) - x / big_h**2) / np.pi
        else:
            raise ValueError(f"facing must be 'edge' or 'nadir', got {facing!r}")
    return out(np.where(bad, np.nan, f), scalar)


def orbit_albedo_factor(beta_min_deg: ArrayLike) -> FloatOrArray:
    """Albedo factor (0–1) of a circular orbit's hot case: the cosine of the smallest |β| of the year.

    Earth-reflected sunlight on a radiator scales with the cosine of the solar zenith angle under
    the spacecraft; over an orbit it peaks at the sub-solar crossing, where the zenith angle equals
    the beta angle, so the brightest Earth an orbit flies over in a year has factor cos(β_min)
    (Gilmore, Spacecraft Thermal Control Handbook Vol. I, 2nd ed., 2002, ch. 2: albedo and the beta
    angle). A dawn-dusk orbit (β ≈ 60-90°) sees little albedo; β_min = 0 gives 1 (the classic hot case).
    """
    scalar = is_scalar(beta_min_deg)
    b = arr(beta_min_deg)
    return out(np.maximum(np.cos(np.radians(np.abs(b))), 0.0), scalar)


def absorbed_flux_w_m2(
    absorptivity: ArrayLike,
    emissivity: ArrayLike,
    solar_flux_w_m2: ArrayLike,
    view_factor_sun: ArrayLike,
    planet_ir_w_m2: ArrayLike,
    view_factor_planet: ArrayLike,
    albedo: ArrayLike,
    albedo_factor: ArrayLike = 1.0,
) -> FloatOrArray:
    """Environmental heat absorbed per m² of radiator panel.

    ``q = alpha*S*F_sun + alpha*a*S*F_planet*K_a + eps*IR*F_planet``

    - ``F_sun``: projected-area factor for sunlight (cosine of incidence, summed over lit
      faces; 0 for a panel kept edge-on to the Sun);
    - ``F_planet``: view factor to the planet summed over both faces (:func:`earth_view_factor`);
    - ``K_a`` (``albedo_factor``): reduction of albedo for the sun angle over the visible
      disc (1 at subsolar point, ~cos of the solar zenith angle; 0 over the night side);
    - ``IR``: planetary outgoing infrared at the surface (W/m²), absorbed with emissivity
      (Kirchhoff, gray in the IR).

    Gilmore Vol. I ch. 2 (environment) and ch. 6; diffuse, gray surfaces assumed.
    """
    args = (
        absorptivity,
        emissivity,
        solar_flux_w_m2,
        view_factor_sun,
        planet_ir_w_m2,
        view_factor_planet,
        albedo,
        albedo_factor,
    )
    scalar = is_scalar(*args)
    a, e, s, fs, ir, fp, alb, ka = (arr(x) for x in args)
    bad = reject(
        (a < 0) | (a > 1) | (e < 0) | (e > 1) | (alb < 0) | (alb > 1),
        scalar,
        "absorptivity, emissivity and albedo must be in [0, 1]",
    )
    bad = bad | reject((s < 0) | (ir < 0) | (fs < 0) | (fp < 0) | (ka < 0), scalar, "fluxes and factors must be >= 0")
    q = a * s * fs + a * alb * s * fp * ka + e * ir * fp
    return out(np.where(bad, np.nan, q), scalar)


def body_ir_w_m2(surface_temperature_k: ArrayLike, surface_emissivity: ArrayLike = 1.0) -> FloatOrArray:
    """Infrared flux leaving a planetary surface: ``IR = eps_s * sigma * T_s^4`` (W/m²).

    Feed it as ``planet_ir_w_m2`` to :func:`absorbed_flux_w_m2` for a radiator near the lunar
    surface (day ~390 K, night ~95 K, PSR ~25-70 K: Diviner).
    """
    scalar = is_scalar(surface_temperature_k, surface_emissivity)
    t, e = arr(surface_temperature_k), arr(surface_emissivity)
    bad = reject((t < 0) | (e < 0) | (e > 1), scalar, "temperature must be >= 0 K and emissivity in [0, 1]")
    return out(np.where(bad, np.nan, e * STEFAN_BOLTZMANN * t**4), scalar)


def sink_temperature_k(
    view_factor_body: ArrayLike,
    body_temperature_k: ArrayLike,
    body_emissivity: ArrayLike = 1.0,
    space_temperature_k: ArrayLike = 2.7255,
) -> FloatOrArray:
    """Effective IR sink temperature of a radiator face that sees a warm body and cold space.

    ``T_sink^4 = F * eps_b * T_b^4 + (1 - F) * T_space^4``

    So that ``eps*sigma*(T^4 - T_sink^4)`` is the net IR exchange (black radiator
    approximation for the reflected part; sunlight excluded). E.g. a vertical radiator
    on the lunar surface (F = 0.5) at night (95 K) sees ``T_sink ~ 80 K``; in a PSR (~40 K),
    ``~34 K``.
    """
    scalar = is_scalar(view_factor_body, body_temperature_k, body_emissivity, space_temperature_k)
    f, tb, eb, tsp = (arr(x) for x in (view_factor_body, body_temperature_k, body_emissivity, space_temperature_k))
    bad = reject((f < 0) | (f > 1) | (eb < 0) | (eb > 1), scalar, "view factor and emissivity must be in [0, 1]")
    bad = bad | reject((tb < 0) | (tsp < 0), scalar, "temperatures must be >= 0 K")
    t4 = f * eb * tb**4 + (1.0 - f) * tsp**4
    return out(np.where(bad, np.nan, np.power(np.maximum(t4, 0.0), 0.25)), scalar)


def lunar_surface_temperature_k(
    solar_incidence_deg: ArrayLike,
    albedo: ArrayLike = 0.12,
    emissivity: ArrayLike = 0.95,
    solar_flux_w_m2: ArrayLike = 1360.8,
    night_temperature_k: ArrayLike = 95.0,
) -> FloatOrArray:
    """Lunar regolith temperature from local solar incidence angle (0 = Sun at zenith).

    Daytime: instantaneous radiative equilibrium (regolith thermal inertia is small, so
    daytime temperatures follow it closely: Vasavada et al. 2012)

    ``T = ((1 - A) * S * cos(i) / (eps * sigma))^(1/4)``

    giving ~386 K at the subsolar point (Diviner measures ~387-397 K). Where the Sun is down
    (``cos i <= 0``), or where equilibrium would be colder, the Diviner night value
    ``night_temperature_k`` (~95 K) is returned: the night-time cooling curve itself is not
    modelled. Not valid for permanently shadowed regions (use ``lunar_psr_temperature_k``).
    """
    scalar = is_scalar(solar_incidence_deg, albedo, emissivity, solar_flux_w_m2, night_temperature_k)
    inc, a, e, s, tn = (arr(x) for x in (solar_incidence_deg, albedo, emissivity, solar_flux_w_m2, night_temperature_k))
    bad = reject(
        (a < 0) | (a > 1) | (e <= 0) | (e > 1) | (s < 0) | (tn < 0),
        scalar,
        "albedo in [0,1], emissivity in (0,1], flux and night T >= 0",
    )
    cosi = np.maximum(np.cos(np.radians(inc)), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        teq = np.power((1.0 - a) * s * cosi / (e * STEFAN_BOLTZMANN), 0.25)
    return out(np.where(bad, np.nan, np.maximum(teq, tn)), scalar)


def terrestrial_cooling_power_w(it_power_w: ArrayLike, pue: ArrayLike) -> FloatOrArray:
    """Facility overhead power of a ground data centre: ``P = P_IT * (PUE - 1)``.

    PUE = total facility power / IT power (ISO/IEC 30134-2); the overhead is mostly cooling,
    plus power conversion and lighting. PUE < 1 is impossible.
    """
    scalar = is_scalar(it_power_w, pue)
    p, r = arr(it_power_w), arr(pue)
    bad = reject((p < 0) | (r < 1), scalar, "it_power_w must be >= 0 and pue >= 1")
    return out(np.where(bad, np.nan, p * (r - 1.0)), scalar)


def water_use_l_per_year(it_power_w: ArrayLike, wue_l_per_kwh: ArrayLike) -> FloatOrArray:
    """Site water use of a ground data centre running at ``it_power_w`` all year.

    ``V = P_IT[kW] * 8766 h * WUE`` (WUE in litres per kWh of IT energy, The Green Grid).
    """
    scalar = is_scalar(it_power_w, wue_l_per_kwh)
    p, w = arr(it_power_w), arr(wue_l_per_kwh)
    bad = reject((p < 0) | (w < 0), scalar, "it_power_w and wue_l_per_kwh must be >= 0")
    return out(np.where(bad, np.nan, p / 1000.0 * HOURS_PER_YEAR * w), scalar)
