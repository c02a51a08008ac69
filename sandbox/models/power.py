"""Power: solar flux, array sizing with eclipses, energy storage and generator mass.

SI floats inside: W, W/m², m², kg, J, s; distances from the Sun in astronomical units (the
argument says ``_au``). Eclipse fractions are *inputs* here: the orbit module computes them
(β angle, lunar night, L-point), these functions only size hardware for them.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from sandbox.core.sourced import Sourced
from sandbox.models._util import FloatOrArray, arr, is_scalar, out, reject

__all__ = [
    "DEFAULTS",
    "solar_flux_w_m2",
    "array_power_required_w",
    "array_rating_for_capacity_factor_w",
    "storage_loss_w",
    "array_area_m2",
    "array_mass_kg",
    "storage_energy_j",
    "storage_mass_kg",
    "generator_mass_kg",
    "radioisotope_power_w",
]

_SMAD_POWER = (
    "Wertz & Larson (eds.), Space Mission Analysis and Design, 3rd ed. (Microcosm/Kluwer 1999), "
    "§11.4 'Power' (Hyder et al.)"
)
_SOA = "NASA Ames Research Center, 'State-of-the-Art Small Spacecraft Technology' (2023 edition), ch. 3 'Power'"

DEFAULTS: dict[str, Sourced] = {
    "solar_constant_w_m2": Sourced(
        1360.8,
        "W/m2",
        "Kopp & Lean 2011, 'A new, lower value of total solar irradiance: Evidence and climate significance', "
        "Geophys. Res. Lett. 38, L01706 (1360.8 +/- 0.5 W/m2 at 1 AU, solar minimum)",
        low=1360.3,
        high=1361.3,
        note="at 1 AU; the +/-3.3 % annual variation comes from the distance, use solar_flux_w_m2(d)",
    ),
    "astronomical_unit_m": Sourced(
        149597870700.0, "m", "IAU 2012 Resolution B2 (exact definition of the astronomical unit)", constant=True
    ),
    "cell_efficiency": Sourced(
        0.30,
        "",
        _SOA
        + "; Spectrolab XTJ Prime datasheet (30.7 % BOL, AM0); Azur Space 3G30C-Advanced datasheet (~30 % BOL, AM0)",
        low=0.20,
        high=0.32,
        note="triple-junction GaAs at beginning of life, AM0, 28 C; low end = space-grade silicon",
        catalogue_field="power_sources.efficiency",
    ),
    "packing_factor": Sourced(
        0.85,
        "",
        _SMAD_POWER + " (cell area / panel area, interconnect and wiring losses)",
        low=0.75,
        high=0.92,
        note="fraction of array area covered by active cells",
        catalogue_field="power_sources.packing_factor",
    ),
    "degradation_per_year": Sourced(
        0.0275,
        "1/yr",
        _SMAD_POWER + ": ~2.75 %/yr for GaAs and ~3.75 %/yr for Si cells in a typical environment",
        low=0.005,
        high=0.0375,
        note="low end (assumption) = modern multijunction cells with cover glass in low LEO (~0.5-1 %/yr)",
        catalogue_field="power_sources.degradation_per_year",
    ),
    "pointing_factor": Sourced(
        0.98,
        "",
        _SMAD_POWER + " (cosine loss cos(theta) of the sun-incidence angle)",
        low=0.90,
        high=1.0,
        note="sun-tracking array; 0.90 ~ a 25 deg residual pointing error (assumption)",
    ),
    "pmad_efficiency": Sourced(
        0.85,
        "",
        _SMAD_POWER + ": path efficiency from array to loads X_d = 0.85 (direct energy transfer) / 0.80 "
        "(peak-power tracking)",
        low=0.80,
        high=0.95,
        note="high end (assumption) = modern high-voltage PMAD",
    ),
    "battery_round_trip_efficiency": Sourced(
        0.90,
        "",
        "Reddy (ed.), Linden's Handbook of Batteries, 4th ed. (McGraw-Hill 2011), ch. 26 'Lithium-ion batteries' "
        "(energy efficiency ~90-95 %)",
        low=0.85,
        high=0.95,
        note="Li-ion charge -> discharge energy efficiency, excluding PMAD",
        catalogue_field="power_sources.round_trip_efficiency",
    ),
    "battery_specific_energy_wh_per_kg": Sourced(
        150.0,
        "W h / kg",
        _SOA + " (Li-ion cells ~100-270 Wh/kg; packs lower)",
        low=100.0,
        high=250.0,
        note="battery (pack) level incl. packaging and harness",
        catalogue_field="power_sources.specific_energy_wh_per_kg",
    ),
    "depth_of_discharge_leo": Sourced(
        0.30,
        "",
        _SMAD_POWER + " (DoD limited to tens of % for the ~5,500 cycles/yr of LEO)",
        low=0.20,
        high=0.40,
        note="fraction of capacity used per eclipse in LEO",
        catalogue_field="power_sources.depth_of_discharge",
    ),
    "depth_of_discharge_deep_cycle": Sourced(
        0.80,
        "",
        _SMAD_POWER + " (GEO/lunar-night class: few hundred cycles allow deep discharge)",
        low=0.60,
        high=0.90,
        note="once-per-month cycles (lunar night)",
        catalogue_field="power_sources.depth_of_discharge",
    ),
    "rfc_specific_energy_wh_per_kg": Sourced(
        500.0,
        "W h / kg",
        "Assumption informed by NASA Glenn regenerative-fuel-cell studies for lunar surface power; "
        "no single verified public figure",
        low=200.0,
        high=1000.0,
        note="system level incl. tanks; highly design dependent, treat as uncertain",
        catalogue_field="power_sources.specific_energy_wh_per_kg",
    ),
    "rfc_round_trip_efficiency": Sourced(
        0.50,
        "",
        "Larminie & Dicks, Fuel Cell Systems Explained, 2nd ed. (Wiley 2003), ch. 3 and 8 "
        "(PEM fuel cell ~50-60 % x electrolyser ~80 %)",
        low=0.40,
        high=0.60,
        catalogue_field="power_sources.round_trip_efficiency",
    ),
    "fission_specific_power_w_per_kg": Sourced(
        40000.0 / 6000.0,
        "W/kg",
        "NASA/DOE Fission Surface Power request for proposals (2022): 40 kWe for <= 6,000 kg, 10-year life; "
        "Gibson, Oleson, Poston & McClure 2017, 'NASA's Kilopower reactor development and the path to higher power "
        "missions', IEEE Aerospace Conference (Kilopower 1-10 kWe)",
        low=2.5,
        high=10.0,
        note="nominal 40 kWe / 6 t = 6.7 W/kg; low ~ 1 kWe Kilopower class; high (assumption) = larger reactors",
        catalogue_field="power_sources.specific_power_w_per_kg",
    ),
    "rtg_specific_power_w_per_kg": Sourced(
        110.0 / 45.0,
        "W/kg",
        "NASA/DOE Multi-Mission RTG fact sheet (~110 We at BOL, ~45 kg); GPHS-RTG (Cassini) ~300 We, ~56 kg",
        low=2.0,
        high=5.4,
        note="nominal MMRTG 2.4 W/kg at BOL; high GPHS-RTG; low ~ MMRTG after several years",
        catalogue_field="power_sources.specific_power_w_per_kg",
    ),
    "pu238_half_life_years": Sourced(87.7, "yr", "NNDC/ENSDF evaluated nuclear data (Pu-238 half-life 87.7 yr)",
                                     constant=True),
    "bus_power_fraction": Sourced(
        0.10,
        "",
        "Wertz & Larson, SMAD 3rd ed., §10.4 power budgets (bus subsystems typically a large share for "
        "small payloads); for compute-dominated satellites the housekeeping share is an assumption",
        low=0.05,
        high=0.30,
        note="housekeeping load (ADCS, comms, thermal control, avionics) as a fraction of payload power",
    ),
    "array_areal_density_kg_m2": Sourced(
        2.5,
        "kg/m2",
        _SOA + " (solar array specific power ~50-150 W/kg, i.e. ~2-7 kg/m2 at ~350 W/m2 BOL output)",
        low=1.0,
        high=4.0,
        note="whole wing incl. substrate, deployment and harness; low = advanced flexible (ROSA-class), "
        "high = rigid honeycomb panels (assumption within the SOA span)",
        catalogue_field="power_sources.areal_density_kg_m2",
    ),
    "lunar_night_s": Sourced(
        29.530589 / 2 * 86400.0,
        "s",
        "Half the mean synodic month (29.530589 d; Meeus, Astronomical Algorithms, 2nd ed. 1998, ch. 49)",
        note="equatorial night ~14.77 d; polar sites differ and need the orbit/illumination module",
    ),
    "stc_irradiance_w_m2": Sourced(
        1000.0,
        "W/m2",
        "IEC 60904-3:2019, Photovoltaic devices - Part 3: reference solar spectral irradiance (standard test "
        "conditions: 1,000 W/m2, AM1.5G spectrum, 25 C cell temperature), the irradiance terrestrial modules are "
        "rated at",
        note="exact by definition; a ground site's capacity factor is the mean output over the year relative to "
        "this rating",
        constant=True,
    ),
}


def solar_flux_w_m2(distance_au: ArrayLike, solar_constant_w_m2: ArrayLike) -> FloatOrArray:
    """Solar irradiance at ``distance_au`` from the Sun: ``S = S0 / d^2``.

    Inverse-square law for a point source, ``solar_constant_w_m2`` (S0) at 1 AU: pass the model
    set's ``value("power.solar_constant_w_m2")`` (1360.8 W/m², Kopp & Lean 2011), so that a
    scenario's ``[models]`` value reaches every array. ``d <= 0`` is impossible (ValueError / nan).
    """
    scalar = is_scalar(distance_au)
    d = arr(distance_au)
    bad = reject(d <= 0, scalar, "distance_au must be > 0")
    with np.errstate(divide="ignore", invalid="ignore"):
        s = solar_constant_w_m2 / d**2
    return out(np.where(bad, np.nan, s), scalar)


def _storage_cycle(load_w: ArrayLike, eclipse_fraction: ArrayLike, round_trip_efficiency: ArrayLike) -> tuple:
    """(scalar?, load, eclipse fraction, round trip, invalid mask) of an eclipse cycle carried through storage."""
    scalar = is_scalar(load_w, eclipse_fraction, round_trip_efficiency)
    p, f, eta = arr(load_w), arr(eclipse_fraction), arr(round_trip_efficiency)
    bad = reject(p < 0, scalar, "load_w must be >= 0")
    bad = bad | reject((f < 0) | (f > 1), scalar, "eclipse_fraction must be in [0, 1]")
    bad = bad | reject((eta <= 0) | (eta > 1), scalar, "round_trip_efficiency must be in (0, 1]")
    return scalar, p, f, eta, bad


def array_power_required_w(
    load_w: ArrayLike, eclipse_fraction: ArrayLike, round_trip_efficiency: ArrayLike
) -> FloatOrArray:
    """Array output needed in sunlight to carry ``load_w`` all the time and recharge storage.

    Over one cycle of period T the array is lit for (1-f)T and must deliver the load for that
    time plus the energy ``load * f T / eta`` that storage gives back as ``load * f T``:

    ``P = load * (1 + f / ((1 - f) * eta))``

    with ``f`` the eclipse (dark) fraction and ``eta`` the storage round-trip efficiency.
    Simplification of the array-power equation of SMAD §11.4 (one storage efficiency; PMAD
    losses applied separately). ``f = 1`` (never lit) gives ``inf``.
    """
    scalar, p, f, eta, bad = _storage_cycle(load_w, eclipse_fraction, round_trip_efficiency)
    with np.errstate(divide="ignore", invalid="ignore"):
        extra = np.where(f >= 1, np.inf, f / ((1.0 - f) * eta))
        req = np.where((f >= 1) & (p > 0), np.inf, p * (1.0 + np.where(p > 0, extra, 0.0)))
    return out(np.where(bad, np.nan, req), scalar)


def storage_loss_w(
    load_w: ArrayLike, eclipse_fraction: ArrayLike, round_trip_efficiency: ArrayLike
) -> FloatOrArray:
    """Mean power (W) lost as heat in storage carrying ``load_w`` through the dark share of each cycle.

    Storage gives back ``load * f T`` for the ``load * f T / eta`` the array put in (the energy balance
    of :func:`array_power_required_w`, SMAD §11.4), so averaged over the cycle the cells and their
    charge and discharge converters dissipate

    ``Q = load * f * (1 / eta - 1)``

    with ``f`` the eclipse (dark) fraction and ``eta`` the round-trip efficiency. ``f = 0`` gives 0.
    """
    scalar, p, f, eta, bad = _storage_cycle(load_w, eclipse_fraction, round_trip_efficiency)
    with np.errstate(divide="ignore", invalid="ignore"):
        loss = p * f * (1.0 / np.where(eta > 0, eta, 1.0) - 1.0)
    return out(np.where(bad, np.nan, loss), scalar)


def array_rating_for_capacity_factor_w(
    load_w: ArrayLike, capacity_factor: ArrayLike, storage_fraction: ArrayLike, round_trip_efficiency: ArrayLike
) -> FloatOrArray:
    """Rated array output (W at the rating irradiance) whose yearly mean carries ``load_w`` all the time.

    A site with weather and nights is described by its capacity factor ``CF`` (mean output / rated
    output over the year, from measured yields) rather than by an eclipse cycle. Over the year the
    array must supply the load directly for the share ``1 - f`` of its energy and through storage,
    losing ``1 - eta`` of it, for the share ``f`` (the nights):

    ``P_rated = load * ((1 - f) + f / eta) / CF``

    This is the annual energy balance of :func:`array_power_required_w` with the lit fraction
    replaced by the measured capacity factor (for an orbit, ``CF = 1 - f`` and both agree).
    ``CF <= 0`` gives ``inf`` (no yield).
    """
    scalar = is_scalar(load_w, capacity_factor, storage_fraction, round_trip_efficiency)
    p, cf, f, eta = arr(load_w), arr(capacity_factor), arr(storage_fraction), arr(round_trip_efficiency)
    bad = reject(p < 0, scalar, "load_w must be >= 0")
    bad = bad | reject((cf < 0) | (cf > 1), scalar, "capacity_factor must be in [0, 1]")
    bad = bad | reject((f < 0) | (f > 1), scalar, "storage_fraction must be in [0, 1]")
    bad = bad | reject((eta <= 0) | (eta > 1), scalar, "round_trip_efficiency must be in (0, 1]")
    with np.errstate(divide="ignore", invalid="ignore"):
        rating = np.where(p == 0, 0.0, np.where(cf > 0, p * ((1.0 - f) + f / eta) / np.where(cf > 0, cf, 1.0), np.inf))
    return out(np.where(bad, np.nan, rating), scalar)


def array_area_m2(
    power_w: ArrayLike,
    flux_w_m2: ArrayLike,
    efficiency: ArrayLike,
    packing_factor: ArrayLike,
    degradation_per_year: ArrayLike,
    lifetime_years: ArrayLike,
    pointing_factor: ArrayLike = 1.0,
) -> FloatOrArray:
    """Array area that still delivers ``power_w`` at end of life.

    ``A = P / (S * eta * k_pack * k_point * (1 - d)^T)``

    with flux ``S`` (W/m²), cell efficiency ``eta``, packing factor, pointing (cosine) factor,
    and a compound degradation ``d`` per year over ``T`` years (SMAD §11.4, end-of-life sizing).
    Zero flux gives ``inf``. Fractions must be in (0, 1] (degradation in [0, 1)).
    """
    scalar = is_scalar(
        power_w, flux_w_m2, efficiency, packing_factor, degradation_per_year, lifetime_years, pointing_factor
    )
    p, s, eta, kp, d, t, kpt = (
        arr(x)
        for x in (power_w, flux_w_m2, efficiency, packing_factor, degradation_per_year, lifetime_years, pointing_factor)
    )
    bad = reject((p < 0) | (s < 0) | (t < 0), scalar, "power_w, flux_w_m2 and lifetime_years must be >= 0")
    frac_bad = (eta <= 0) | (eta > 1) | (kp <= 0) | (kp > 1) | (kpt <= 0) | (kpt > 1)
    bad = bad | reject(frac_bad, scalar, "efficiency, packing_factor and pointing_factor must be in (0, 1]")
    bad = bad | reject((d < 0) | (d >= 1), scalar, "degradation_per_year must be in [0, 1)")
    with np.errstate(divide="ignore", invalid="ignore"):
        eol = s * eta * kp * kpt * (1.0 - d) ** t
        area = np.where(p == 0, 0.0, p / eol)
    return out(np.where(bad, np.nan, area), scalar)


def array_rating_w(area_m2: ArrayLike, reference_flux_w_m2: ArrayLike, efficiency: ArrayLike,
                   packing_factor: ArrayLike) -> FloatOrArray:
    """The array's beginning-of-life rating, what a price per W is quoted on: ``P = A * S_ref * eta * k_pack``.

    ``S_ref`` is the flux the cell efficiency is rated at: AM0 at 1 AU for a space cell (1,360.8 W/m²),
    the standard test irradiance of 1,000 W/m² for a terrestrial module (IEC 61215 STC). An array sized
    for end of life (:func:`array_area_m2`: pointing loss and degradation over the life, a dimmer Sun)
    is rated above the power it must still deliver, and is bought at that rating (SMAD §11.4, "BOL/EOL").
    """
    scalar = is_scalar(area_m2, reference_flux_w_m2, efficiency, packing_factor)
    a, s, eta, kp = (arr(x) for x in (area_m2, reference_flux_w_m2, efficiency, packing_factor))
    bad = reject((a < 0) | (s < 0) | (eta < 0) | (eta > 1) | (kp < 0) | (kp > 1), scalar,
                 "area_m2 and reference_flux_w_m2 must be >= 0, efficiency and packing_factor in [0, 1]")
    return out(np.where(bad, np.nan, a * s * eta * kp), scalar)


def array_mass_kg(area_m2: ArrayLike, areal_density_kg_m2: ArrayLike) -> FloatOrArray:
    """Array mass: ``m = A * rho_A`` (areal density of the whole wing, kg/m²)."""
    scalar = is_scalar(area_m2, areal_density_kg_m2)
    a, rho = arr(area_m2), arr(areal_density_kg_m2)
    bad = reject((a < 0) | (rho < 0), scalar, "area_m2 and areal_density_kg_m2 must be >= 0")
    return out(np.where(bad, np.nan, a * rho), scalar)


def storage_energy_j(
    load_w: ArrayLike, dark_s: ArrayLike, depth_of_discharge: ArrayLike, discharge_efficiency: ArrayLike = 1.0
) -> FloatOrArray:
    """Nameplate storage energy to carry ``load_w`` through ``dark_s`` seconds.

    ``E = load * t_dark / (DoD * eta_discharge)``

    ``DoD`` in (0, 1] is the usable fraction of capacity (cycle-life limit, SMAD §11.4);
    ``eta_discharge`` (default 1) the discharge-path efficiency if not already in the load.
    """
    scalar = is_scalar(load_w, dark_s, depth_of_discharge, discharge_efficiency)
    p, t, dod, eta = arr(load_w), arr(dark_s), arr(depth_of_discharge), arr(discharge_efficiency)
    bad = reject((p < 0) | (t < 0), scalar, "load_w and dark_s must be >= 0")
    bad = bad | reject((dod <= 0) | (dod > 1), scalar, "depth_of_discharge must be in (0, 1]")
    bad = bad | reject((eta <= 0) | (eta > 1), scalar, "discharge_efficiency must be in (0, 1]")
    with np.errstate(divide="ignore", invalid="ignore"):
        e = p * t / (dod * eta)
    return out(np.where(bad, np.nan, e), scalar)


def storage_mass_kg(energy_j: ArrayLike, specific_energy_wh_per_kg: ArrayLike) -> FloatOrArray:
    """Storage mass: ``m = E[J] / 3600 / e_spec[Wh/kg]``."""
    scalar = is_scalar(energy_j, specific_energy_wh_per_kg)
    e, spec = arr(energy_j), arr(specific_energy_wh_per_kg)
    bad = reject((e < 0) | (spec <= 0), scalar, "energy_j must be >= 0 and specific_energy_wh_per_kg > 0")
    with np.errstate(divide="ignore", invalid="ignore"):
        m = e / 3600.0 / spec
    return out(np.where(bad, np.nan, m), scalar)


def generator_mass_kg(power_w: ArrayLike, specific_power_w_per_kg: ArrayLike) -> FloatOrArray:
    """Generator (fission, RTG, fuel cell stack) mass: ``m = P / p_spec``."""
    scalar = is_scalar(power_w, specific_power_w_per_kg)
    p, spec = arr(power_w), arr(specific_power_w_per_kg)
    bad = reject((p < 0) | (spec <= 0), scalar, "power_w must be >= 0 and specific_power_w_per_kg > 0")
    with np.errstate(divide="ignore", invalid="ignore"):
        m = p / spec
    return out(np.where(bad, np.nan, m), scalar)


def radioisotope_power_w(
    initial_power_w: ArrayLike, years: ArrayLike, half_life_years: ArrayLike = 87.7
) -> FloatOrArray:
    """Radioisotope heat-source output after ``years``: ``P = P0 * 2^(-t / t_half)``.

    Fuel decay only (Pu-238, 87.7 yr); thermocouple degradation, which roughly doubles the
    electrical loss rate of an MMRTG, is not included.
    """
    scalar = is_scalar(initial_power_w, years, half_life_years)
    p0, t, th = arr(initial_power_w), arr(years), arr(half_life_years)
    bad = reject((p0 < 0) | (t < 0) | (th <= 0), scalar, "power and years must be >= 0, half-life > 0")
    with np.errstate(divide="ignore", invalid="ignore"):
        p = p0 * np.exp2(-t / th)
    return out(np.where(bad, np.nan, p), scalar)
