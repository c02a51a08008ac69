"""Mass and launch: structure, packed volume, flights, propellant, learning curves, emissions.

Vehicle figures (payload to an orbit, fairing volume, price, CO₂ per flight) belong to the
launch-vehicle catalogue; this module only combines them. SI floats: kg, m³, m/s, s, t (tonnes
only where the name says ``_t``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from sandbox.core.sourced import Sourced
from sandbox.models._util import FloatOrArray, arr, is_scalar, out, reject

__all__ = [
    "DEFAULTS",
    "STANDARD_GRAVITY_M_S2",
    "structure_mass_kg",
    "propellant_with_tankage_kg",
    "payload_volume_m3",
    "flights_needed",
    "tanker_flights",
    "shared_manifest_flights",
    "learning_curve_price",
    "launch_emissions_t",
    "rocket_propellant_kg",
]

#: Standard acceleration of gravity g0 (m/s²), exact by definition (3rd CGPM, 1901).
STANDARD_GRAVITY_M_S2 = 9.80665

# Guard so that 2.0000000000004 flights (float noise) is 2 flights, not 3.
_CEIL_TOLERANCE = 1e-9


def _ceil_count(ratio: np.ndarray) -> np.ndarray:
    """Whole flights for a load ``ratio`` (load / capacity): 0 for 0, at least 1 for any load, inf stays inf."""
    with np.errstate(invalid="ignore"):
        n = np.where(np.isfinite(ratio), np.maximum(np.ceil(ratio - _CEIL_TOLERANCE), 1.0), np.inf)
    return np.where(ratio == 0, 0.0, n)


DEFAULTS: dict[str, Sourced] = {
    "structure_fraction": Sourced(
        0.21,
        "",
        "Brown, Elements of Spacecraft Design (AIAA 2002), table 'Subsystem on-orbit dry mass allocation guide' "
        "(structure 21-29 % of dry mass); Campbell & McCandless, Introduction to Space Sciences and Spacecraft "
        "Applications (Gulf 1996), p. 191 ('typically around 20 %')",
        low=0.15,
        high=0.29,
        note="structure as a fraction of dry mass; low end (assumption) for mass-produced flat-pack designs",
    ),
    "payload_packing_density_kg_m3": Sourced(
        120.0,
        "kg/m3",
        "Derived: Starlink v1.0 stack of 60 x ~260 kg (SpaceX Starlink mission press kit, Nov 2019) in a Falcon 9 "
        "fairing envelope of ~4.6 m x 11 m, ~145 m3 (SpaceX Falcon User's Guide, 2021) -> ~110 kg/m3",
        low=60.0,
        high=300.0,
        note="bulk density of packed payload in the fairing; low = deployable-heavy designs, high = dense stacks "
        "(range is an assumption)",
    ),
    "launch_progress_ratio": Sourced(
        0.85,
        "",
        "Wright 1936, 'Factors affecting the cost of airplanes', J. Aeronautical Sciences 3(4):122-128 (80 % for "
        "airframes); NASA Cost Estimating Handbook v4.0 (2015), learning-curve appendix (aerospace ~75-95 %)",
        low=0.75,
        high=0.95,
        note="unit price multiplier per doubling of cumulative units (or cumulative launched mass)",
    ),
    "standard_gravity_m_s2": Sourced(STANDARD_GRAVITY_M_S2, "m/s2", "3rd CGPM (1901), exact by definition",
                                     constant=True),
    "ep_specific_mass_kg_per_kw": Sourced(
        7.0,
        "kg/kW",
        "Estimate at system level: the PPS-1350 Hall thruster flown on SMART-1 is 5.3 kg at 1.5 kW including its "
        "flow controllers (Snecma PPS-1350 data sheet), ~3.5 kg/kW; power processing units and the xenon feed add "
        "a comparable specific mass (Goebel & Katz, Fundamentals of Electric Propulsion, JPL Space Science and "
        "Technology Series, 2008, ch. 1 and 11)",
        low=4.0,
        high=12.0,
        note="thrusters, power processing units and feed system per kW of rated input power (tanks excluded)",
    ),
    "propellant_tankage_fraction": Sourced(
        0.108,
        "",
        "Centaur III, single engine: 2,247 kg empty for 20,830 kg of LOX/LH2 (United Launch Alliance, Atlas V "
        "Launch Services User's Guide, 2010) = 0.108 kg of tanks, feed, engine and stage structure per kg of "
        "propellant. Range an assumption: 0.05 for large tanks of dense propellant, 0.2 for small propulsion "
        "modules and gas stored at high pressure (xenon, krypton, argon in composite overwrapped vessels)",
        low=0.05,
        high=0.2,
        note="inert mass carried per kg of an element's own propellant (tanks, feed, chemical engines); electric "
        "thrusters and power processors are counted per kW (ep_specific_mass_kg_per_kw)",
    ),
}


def propellant_with_tankage_kg(bare_propellant_kg: ArrayLike, dry_kg: ArrayLike,
                                tankage_fraction: ArrayLike) -> FloatOrArray:
    """Propellant (kg) when its tanks, feed and engines (``f`` kg per kg of propellant) ride along.

    The rocket equation for the dry mass alone gives ``p0 = m_dry (R − 1)``; the tankage ``f m_p`` stays
    after the burn, so ``m_p = (m_dry + f m_p)(R − 1)``, i.e. ``m_p = p0 / (1 − f (R − 1))`` with
    ``R − 1 = p0 / m_dry``. No finite propellant reaches the Δv when ``f (R − 1) ≥ 1``: ``inf``, which callers
    refuse (the stage cannot carry its own tanks that far).
    """
    scalar = is_scalar(bare_propellant_kg, dry_kg, tankage_fraction)
    p0, m, f = arr(bare_propellant_kg), arr(dry_kg), arr(tankage_fraction)
    bad = reject((p0 < 0) | (m < 0), scalar, "bare_propellant_kg and dry_kg must be >= 0")
    bad = bad | reject((f < 0) | (f >= 1), scalar, "tankage_fraction must be in [0, 1)")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(m > 0, p0 / np.where(m > 0, m, 1.0), 0.0)  # R − 1
        denom = 1.0 - f * ratio
        mp = np.where(p0 <= 0, 0.0, np.where(denom > 0, p0 / np.where(denom > 0, denom, 1.0), np.inf))
    return out(np.where(bad, np.nan, mp), scalar)


def structure_mass_kg(subsystem_mass_kg: ArrayLike, structure_fraction: ArrayLike) -> FloatOrArray:
    """Structure mass when structure is a fraction ``f`` of the dry mass.

    ``m_dry = m_sub + m_struct`` and ``m_struct = f * m_dry`` give
    ``m_struct = f / (1 - f) * m_sub`` (SMAD §10.3 / Brown 2002 mass-fraction method).
    ``f`` must be in [0, 1).
    """
    scalar = is_scalar(subsystem_mass_kg, structure_fraction)
    m, f = arr(subsystem_mass_kg), arr(structure_fraction)
    bad = reject(m < 0, scalar, "subsystem_mass_kg must be >= 0")
    bad = bad | reject((f < 0) | (f >= 1), scalar, "structure_fraction must be in [0, 1)")
    with np.errstate(divide="ignore", invalid="ignore"):
        s = f / (1.0 - f) * m
    return out(np.where(bad, np.nan, s), scalar)


def payload_volume_m3(mass_kg: ArrayLike, packing_density_kg_m3: ArrayLike) -> FloatOrArray:
    """Packed payload volume: ``V = m / rho_pack``."""
    scalar = is_scalar(mass_kg, packing_density_kg_m3)
    m, rho = arr(mass_kg), arr(packing_density_kg_m3)
    bad = reject((m < 0) | (rho <= 0), scalar, "mass_kg must be >= 0 and packing_density_kg_m3 > 0")
    with np.errstate(divide="ignore", invalid="ignore"):
        v = m / rho
    return out(np.where(bad, np.nan, v), scalar)


def flights_needed(
    payload_mass_kg: ArrayLike,
    payload_volume_m3: ArrayLike,
    vehicle_payload_kg: ArrayLike,
    vehicle_volume_m3: ArrayLike,
) -> FloatOrArray:
    """Launches needed when both mass and volume limit each flight.

    ``n = ceil(max(m / M, V / V_v))``; 0 when there is nothing to launch. Assumes the payload
    can be split freely between flights (no indivisible unit bigger than a flight: check that
    separately). A vehicle volume of ``inf`` ignores volume. A vehicle that carries no mass
    (``M = 0``) for a nonzero payload gives ``inf``. Returned as float (integer-valued).
    """
    scalar = is_scalar(payload_mass_kg, payload_volume_m3, vehicle_payload_kg, vehicle_volume_m3)
    m, v, cap_m, cap_v = (arr(x) for x in (payload_mass_kg, payload_volume_m3, vehicle_payload_kg, vehicle_volume_m3))
    bad = reject((m < 0) | (v < 0) | (cap_m < 0) | (cap_v < 0), scalar, "masses and volumes must be >= 0")
    with np.errstate(divide="ignore", invalid="ignore"):
        by_mass = np.where(m == 0, 0.0, m / cap_m)
        by_volume = np.where(v == 0, 0.0, v / cap_v)
        ratio = np.maximum(by_mass, by_volume)
    return out(np.where(bad, np.nan, _ceil_count(ratio)), scalar)


#: At most this many part-filled flights are packed together exactly (``3**n`` steps); beyond it each keeps its own.
MANIFEST_MAX_LOADS = 8


def shared_manifest_flights(
    counts: list[float],
    unit_masses_kg: list[ArrayLike],
    unit_volumes_m3: list[ArrayLike],
    vehicle_payload_kg: ArrayLike,
    vehicle_volume_m3: ArrayLike,
) -> tuple[FloatOrArray, list[FloatOrArray]]:
    """Flights for several elements that travel together (one vehicle to one place), and each one's load.

    Alone, element ``i`` (``counts[i]`` units of ``unit_masses_kg[i]`` and ``unit_volumes_m3[i]``) needs
    ``ceil(c / k)`` flights with ``k = floor(min(M / m, V_v / V))`` units a flight, or, for a unit bigger
    than one flight (launched in pieces split freely, as :func:`flights_needed` assumes),
    ``c · ceil(max(m / M, V / V_v))``. Together, each element keeps its full flights and the loads of the
    part-filled ones (the last ``c − (n − 1) k`` units; the last piece of each big unit, the same share
    of its mass and volume) are packed with each other: the fewest flights over every grouping of
    those loads that fits both the payload mass and the fairing volume (exact bin packing, by subsets;
    each load stays whole). Beyond :data:`MANIFEST_MAX_LOADS` loads each keeps its own flight.

    Returns the flights (never more than the elements' own flights summed) and each element's load
    in flights, ``c · max(m / M, V / V_v)`` (how a shared cost is split). Scalars or arrays (one value
    per point); a vehicle that carries nothing gives ``inf``.
    """
    scalar = is_scalar(vehicle_payload_kg, vehicle_volume_m3, *unit_masses_kg, *unit_volumes_m3)
    cap_m, cap_v = arr(vehicle_payload_kg), arr(vehicle_volume_m3)
    full: Any = 0.0
    loads_m: list[np.ndarray] = []  # the part-filled flights' loads, packed below
    loads_v: list[np.ndarray] = []
    shares: list[np.ndarray] = []
    with np.errstate(divide="ignore", invalid="ignore"):
        for c, m_unit, v_unit in zip(counts, unit_masses_kg, unit_volumes_m3, strict=True):
            m, v = arr(m_unit), arr(v_unit)
            ratio = np.maximum(np.where(m == 0, 0.0, m / cap_m), np.where(v == 0, 0.0, v / cap_v))  # flights a unit
            shares.append(c * ratio)
            if c <= 0:
                continue
            fits = ratio <= 1.0 + _CEIL_TOLERANCE
            # units that fit: n = ceil(c / k) flights, the last one carries the c − (n − 1) k left over (k is inf for
            # units of nothing: all c on one flight; n and left are used only where the units fit, k >= 1)
            k = np.floor(1.0 / ratio + _CEIL_TOLERANCE)
            some = np.isfinite(k) & (k > 0)
            per = np.where(some, k, 1.0)
            n = np.where(some, np.ceil(c / per - _CEIL_TOLERANCE), 1.0)
            left = np.where(some, c - (n - 1.0) * per, c)
            # a unit bigger than a flight: ceil(ratio) flights each, its last piece (ratio − full pieces) of it
            pieces = _ceil_count(ratio)
            tail = np.where(ratio > 0, (ratio - (pieces - 1.0)) / np.where(ratio > 0, ratio, 1.0), 0.0)
            full = full + np.where(fits, n - 1.0, c * (pieces - 1.0))
            if fits.all():
                loads_m.append(left * m)
                loads_v.append(left * v)
            elif not fits.any() and float(c).is_integer() and c <= MANIFEST_MAX_LOADS:
                loads_m += [tail * m] * int(c)
                loads_v += [tail * v] * int(c)
            else:  # a mix over the points, or many big units: each part-filled flight on its own
                full = full + np.where(fits, 1.0, c)
        flights = full + _fewest_bins(loads_m, loads_v, cap_m, cap_v)  # inf when a vehicle carries nothing: ratio inf
    return out(flights, scalar), [out(s, scalar) for s in shares]


def _fewest_bins(masses: list[np.ndarray], volumes: list[np.ndarray], cap_m: np.ndarray,
                 cap_v: np.ndarray) -> np.ndarray:
    """The fewest flights that carry every load whole (mass ≤ ``cap_m`` and volume ≤ ``cap_v`` per flight),
    over all groupings: ``best[S] = 1 + min best[S − T]`` over the subsets ``T`` of ``S`` holding its first load
    that fit one flight. Up to :data:`MANIFEST_MAX_LOADS` loads; more are counted one flight each."""
    n = len(masses)
    if n == 0:
        return np.asarray(0.0)
    if n > MANIFEST_MAX_LOADS:
        return np.asarray(float(n))
    size = 1 << n
    slack = 1.0 + _CEIL_TOLERANCE
    fits = []
    for subset in range(size):
        members = [i for i in range(n) if subset >> i & 1]
        total_m = sum((masses[i] for i in members), np.asarray(0.0))
        total_v = sum((volumes[i] for i in members), np.asarray(0.0))
        fits.append((total_m <= cap_m * slack) & (total_v <= cap_v * slack))
    best: list[np.ndarray] = [np.asarray(0.0)] + [np.asarray(np.inf)] * (size - 1)
    for subset in range(1, size):
        low = subset & -subset  # the subset's first load rides in the flight chosen here
        rest = subset & ~low
        candidate = np.asarray(float(bin(subset).count("1")))  # each load on its own flight: always possible
        part = rest
        while True:
            chosen = part | low
            candidate = np.minimum(candidate, np.where(fits[chosen], 1.0 + best[subset & ~chosen], np.inf))
            if part == 0:
                break
            part = (part - 1) & rest
        best[subset] = candidate
    return best[size - 1]


def tanker_flights(propellant_kg: ArrayLike, tanker_payload_kg: ArrayLike) -> FloatOrArray:
    """Tanker flights to deliver ``propellant_kg`` in orbit: ``ceil(m_prop / m_tanker)`` (0 for none)."""
    scalar = is_scalar(propellant_kg, tanker_payload_kg)
    p, cap = arr(propellant_kg), arr(tanker_payload_kg)
    bad = reject((p < 0) | (cap < 0), scalar, "propellant_kg and tanker_payload_kg must be >= 0")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(p == 0, 0.0, p / cap)
    return out(np.where(bad, np.nan, _ceil_count(ratio)), scalar)


def learning_curve_price(
    first_price: ArrayLike,
    cumulative_units: ArrayLike,
    reference_units: ArrayLike,
    progress_ratio: ArrayLike,
) -> FloatOrArray:
    """Wright's-law unit price after ``cumulative_units`` (units, flights or launched kg).

    ``price = first_price * (cumulative_units / reference_units) ^ log2(progress_ratio)``

    Each doubling of cumulative production multiplies the price by ``progress_ratio`` (e.g.
    0.85 = "85 % curve", a 15 % learning rate; Wright 1936). ``first_price`` is the price at
    ``reference_units`` in whatever unit the caller uses (USD per flight, USD/kg). Units below
    the reference are allowed (price rises); ``progress_ratio`` in (0, 1] (1 = no learning).
    """
    scalar = is_scalar(first_price, cumulative_units, reference_units, progress_ratio)
    p0, n, n0, pr = (arr(x) for x in (first_price, cumulative_units, reference_units, progress_ratio))
    bad = reject((p0 < 0) | (n <= 0) | (n0 <= 0), scalar, "first_price must be >= 0 and units > 0")
    bad = bad | reject((pr <= 0) | (pr > 1), scalar, "progress_ratio must be in (0, 1]")
    with np.errstate(divide="ignore", invalid="ignore"):
        price = p0 * np.power(n / n0, np.log2(pr))
    return out(np.where(bad, np.nan, price), scalar)


def launch_emissions_t(flights: ArrayLike, co2_t_per_flight: ArrayLike) -> FloatOrArray:
    """CO₂-equivalent emitted by ``flights`` launches: ``E = n * e_flight`` (tonnes)."""
    scalar = is_scalar(flights, co2_t_per_flight)
    n, e = arr(flights), arr(co2_t_per_flight)
    bad = reject((n < 0) | (e < 0), scalar, "flights and co2_t_per_flight must be >= 0")
    return out(np.where(bad, np.nan, n * e), scalar)


def rocket_propellant_kg(final_mass_kg: ArrayLike, delta_v_m_s: ArrayLike, isp_s: ArrayLike) -> FloatOrArray:
    """Propellant to give ``final_mass_kg`` (mass after the burn) a velocity change ``delta_v_m_s``.

    Tsiolkovsky: ``m_prop = m_f * (exp(dv / (g0 * Isp)) - 1)``, impulsive burn, constant Isp,
    no staging or gravity losses (add them to ``dv``).
    """
    scalar = is_scalar(final_mass_kg, delta_v_m_s, isp_s)
    mf, dv, isp = arr(final_mass_kg), arr(delta_v_m_s), arr(isp_s)
    bad = reject((mf < 0) | (dv < 0) | (isp <= 0), scalar, "final_mass_kg, delta_v_m_s >= 0 and isp_s > 0")
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        mp = mf * np.expm1(dv / (STANDARD_GRAVITY_M_S2 * isp))
    return out(np.where(bad, np.nan, mp), scalar)
