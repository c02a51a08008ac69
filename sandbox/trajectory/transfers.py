"""Transfers: Hohmann, bi-elliptic, Lambert, interplanetary arcs, escape speeds, the rocket equation.

The numba-compiled solvers of the library are called once per distinct input and their results
kept in the on-disk orbit memo (:mod:`sandbox.trajectory.memo`). Inputs and outputs are astropy
Quantities; burn magnitudes in km/s, times of flight in h (transfers) or d (interplanetary).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .bodies import gm_radius
from .constants import G0
from .library import body_of, module
from .memo import memoised
from .orbits import body_radius, circular_velocity
from .quantities import altitude_m, q, si, value

if TYPE_CHECKING:
    from astropy.time import Time
    from astropy.units import Quantity

# --------------------------------------------------------------------------------------
# Result types
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Transfer:
    """Impulsive transfer between circular coplanar orbits.

    ``dvs`` holds every burn's magnitude (km/s) in order; ``dv1``/``dv2`` are the first two;
    ``dv_total`` their sum (km/s); ``time_of_flight`` from first to last burn (h).
    """

    dv1: Quantity
    dv2: Quantity
    dv_total: Quantity
    time_of_flight: Quantity
    dvs: tuple[Quantity, ...]


@dataclass(frozen=True)
class InterplanetaryTransfer:
    """Heliocentric Lambert transfer between two planets (patched conics, zero-SOI).

    ``v_inf_departure``/``v_inf_arrival`` (km/s) are the hyperbolic excess speeds relative to
    the planets; ``c3_departure`` = v∞² (km²/s²); ``tof`` (d); ``distance_at_arrival_from_earth``
    (km) is target–Earth distance at arrival (light-time input). Vectors are heliocentric,
    Earth mean equator J2000 axes. ``departure`` and ``arrival`` (astropy Time, UTC for the
    arrival) are built on first use, so a remembered transfer needs no time scales.
    """

    origin: str
    target: str
    tof: Quantity
    v_inf_departure: Quantity
    v_inf_arrival: Quantity
    c3_departure: Quantity
    v_departure: Quantity
    v_arrival: Quantity
    distance_at_arrival_from_earth: Quantity
    departure_given: Any = field(repr=False)
    arrival_tdb_jd: tuple[float, float] = field(repr=False)

    @functools.cached_property
    def departure(self) -> Time:
        """The departure as given (a Time), or the ISO string read as UTC."""
        return _utc(self.departure_given) if isinstance(self.departure_given, str) else self.departure_given

    @functools.cached_property
    def arrival(self) -> Time:
        """The arrival instant, UTC."""
        from astropy.time import Time

        return Time(*self.arrival_tdb_jd, format="jd", scale="tdb").utc


def _utc(iso: str) -> Time:
    import warnings

    from astropy.time import Time

    with warnings.catch_warnings():  # future years: ERFA's "dubious year" (leap seconds not yet known)
        warnings.filterwarnings("ignore", message=".*dubious year.*")
        return Time(iso.strip(), scale="utc")  # stripped, as the memo key is


# --------------------------------------------------------------------------------------
# Transfers
# --------------------------------------------------------------------------------------


def _transfer_from_maneuver(maneuver: Any) -> Transfer:
    from astropy import units as u

    dvs = [float(np.linalg.norm(dv.to_value(u.km / u.s))) for _, dv in maneuver.impulses]
    tof_s = sum((dt.to_value(u.s) for dt, _ in maneuver.impulses[1:]), 0.0)
    return _transfer(dvs, float(tof_s))


def _transfer(dvs_km_s: Sequence[float], tof_s: float) -> Transfer:
    """:class:`Transfer` from burn magnitudes (km/s) and time of flight (s)."""
    from astropy import units as u

    dvs = tuple(float(d) * (u.km / u.s) for d in dvs_km_s)
    tof_s = float(tof_s)
    if len(dvs) < 2 or not all(np.isfinite(d.value) and d.value >= 0 for d in dvs) or not np.isfinite(tof_s) or tof_s < 0:
        raise ValueError(f"not a transfer: burns {dvs_km_s!r} km/s, time of flight {tof_s!r} s")
    return Transfer(dvs[0], dvs[1], sum(dvs[1:], dvs[0]), (tof_s * u.s).to(u.h), dvs)


def _circular_orbit(radius: Quantity, body: Any) -> Any:
    from astropy import units as u

    attractor = body_of(body)
    r = u.Quantity(radius).to(u.km)
    if r < attractor.R * (1 - 1e-12):  # a surface-grazing orbit (altitude 0) is allowed
        raise ValueError(f"radius {r} is inside {attractor.name} (R = {attractor.R.to(u.km)})")
    return module("twobody.orbit").Orbit.circular(attractor, r - attractor.R)


def hohmann(r_initial: Quantity, r_final: Quantity, body: str = "Earth") -> Transfer:
    """Hohmann transfer between coplanar circular orbits (library ``Maneuver.hohmann``).

    ``r_initial``/``r_final``: orbit radii from the body's centre (length Quantities).
    Returns burn magnitudes in km/s and the half-ellipse time of flight in hours
    (Vallado 4th ed. Algorithm 36).
    """
    if isinstance(body, str) and np.ndim(r_initial) == 0 and np.ndim(r_final) == 0:
        # several plugins ask for the same transfer in one run: solve each once per process
        return _hohmann_cached(value(r_initial, "km"), float(si(r_final, "km")), body.strip().lower())
    orbit = _circular_orbit(r_initial, body)
    return _transfer_from_maneuver(module("maneuver").Maneuver.hohmann(orbit, q(r_final, "km")))


@functools.lru_cache(maxsize=256)
def _hohmann_cached(r_initial_km: float, r_final_km: float, body: str) -> Transfer:
    def compute() -> list:
        orbit = _circular_orbit(q(r_initial_km, "km"), body)
        t = _transfer_from_maneuver(module("maneuver").Maneuver.hohmann(orbit, q(r_final_km, "km")))
        return [[float(d.to_value("km/s")) for d in t.dvs], float(t.time_of_flight.to_value("s"))]

    return memoised("hohmann", (r_initial_km, r_final_km, body), compute, _decode_transfer)


def _decode_transfer(stored: Any) -> Transfer:
    """A memoised ``[[burns km/s...], time of flight s]`` back into a :class:`Transfer` (raises when malformed)."""
    dvs, tof_s = stored
    return _transfer(dvs, tof_s)


def bielliptic(r_initial: Quantity, r_intermediate: Quantity, r_final: Quantity, body: str = "Earth") -> Transfer:
    """Bi-elliptic transfer via apoapsis radius ``r_intermediate`` (library ``Maneuver.bielliptic``).

    Radii from the body's centre (length Quantities). ``dvs`` holds the three burn magnitudes
    (km/s, the third is a retro-burn when ``r_intermediate > r_final``); time of flight in
    hours (Vallado 4th ed. Algorithm 37).
    """
    def compute() -> list:
        orbit = _circular_orbit(r_initial, body)
        t = _transfer_from_maneuver(module("maneuver").Maneuver.bielliptic(orbit, q(r_intermediate, "km"), q(r_final, "km")))
        return [[float(d.to_value("km/s")) for d in t.dvs], float(t.time_of_flight.to_value("s"))]

    if not (isinstance(body, str) and all(np.ndim(r) == 0 for r in (r_initial, r_intermediate, r_final))):
        return _decode_transfer(compute())
    key = (value(r_initial, "km"), float(si(r_intermediate, "km")), float(si(r_final, "km")), body.strip().lower())
    return memoised("bielliptic", key, compute, _decode_transfer)


def lambert(r0: Quantity, r1: Quantity, tof: Quantity, body: str = "Sun", prograde: bool = True) -> tuple[Quantity, Quantity]:
    """Solve Lambert's problem (Izzo's algorithm from the library), zero revolutions.

    ``r0``, ``r1``: position vectors, shape (3,), length Quantities in the body-centred
    inertial frame; ``tof``: time Quantity. Returns the velocities ``(v0, v1)`` at ``r0`` and
    ``r1``, shape (3,), in km/s, same frame.
    """
    from astropy import units as u

    def compute() -> list:
        k = body_of(body).k
        result = module("iod.izzo").lambert(k, q(r0, "km"), q(r1, "km"), q(tof, "s"), M=0, prograde=prograde)
        if isinstance(result, tuple) and len(result) == 2 and np.shape(result[0]) == (3,):
            v0, v1 = result
        else:  # older poliastro: a generator of (v0, v) solutions
            v0, v1 = next(iter(result))
        return [u.Quantity(v0).to_value(u.km / u.s).tolist(), u.Quantity(v1).to_value(u.km / u.s).tolist()]

    def decode(stored: Any) -> tuple[Quantity, Quantity]:
        v0, v1 = (np.asarray(v, dtype=float) for v in stored)
        if v0.shape != (3,) or v1.shape != (3,) or not (np.all(np.isfinite(v0)) and np.all(np.isfinite(v1))):
            raise ValueError(f"not a Lambert solution: {stored!r}")
        return u.Quantity(v0, u.km / u.s), u.Quantity(v1, u.km / u.s)

    if isinstance(body, str):
        key = (body.strip().lower(), si(r0, "km").tolist(), si(r1, "km").tolist(), si(tof, "s").tolist(), bool(prograde))
        return memoised("lambert", key, compute, decode)
    return decode(compute())


def _heliocentric_rv_km(body: str, epoch: Time) -> tuple[np.ndarray, np.ndarray]:
    """Heliocentric position (km) and velocity (km/s) of a planet, Earth-equator J2000 axes."""
    from astropy import units as u

    sun, planet = body_of("Sun"), body_of(body)
    planes = module("frames").Planes
    # Exactly what the library's ``Ephem.from_body(planet, epoch, attractor=sun,
    # plane=EARTH_EQUATOR).rv(epoch)`` computes (bit-identical, checked for boinor 0.20), without
    # importing ``<library>.ephem``: that module imports astroquery at module level, ~0.4 s of
    # every run that needs a planet's state (and absent where poliastro is installed --no-deps).
    from astropy.coordinates import (
        ICRS,
        CartesianDifferential,
        CartesianRepresentation,
        get_body_barycentric_posvel,
    )

    pos, vel = get_body_barycentric_posvel(planet.name.lower(), epoch)
    coords = ICRS(pos.with_differentials(vel.represent_as(CartesianDifferential)))
    frame = module("frames.util").get_frame(sun, planes.EARTH_EQUATOR, epoch)
    rep = coords.transform_to(frame).represent_as(CartesianRepresentation, CartesianDifferential)
    r, v = rep.xyz, rep.differentials["s"].d_xyz
    return np.reshape(r.to_value(u.km), 3), np.reshape(v.to_value(u.km / u.s), 3)


def interplanetary_transfer(origin: str, target: str, departure: Time | str, tof: Quantity,
                            prograde: bool = True) -> InterplanetaryTransfer:
    """Heliocentric transfer from ``origin`` to ``target`` planet leaving at ``departure``.

    Planet states come from the library's ephemerides (astropy's built-in ephemeris, no
    download) at departure and at ``departure + tof``; the heliocentric arc is a Lambert
    solution between the planets' centres (patched conics with zero-radius spheres of
    influence, as Curtis Algorithm 8.2). ``departure``: astropy Time (any scale, converted
    to TDB) or an ISO date string read as UTC; ``tof``: time Quantity. Speeds in km/s, C3 in
    km²/s², distance in km. The result is kept in the trajectory memo (kind ``interplanetary``).
    """
    from astropy import units as u

    tof_s = float(value(tof, "s"))

    def compute() -> list:
        import warnings

        dep = _utc(departure) if isinstance(departure, str) else departure
        with warnings.catch_warnings():  # future years: ERFA's "dubious year" (leap seconds not yet known)
            warnings.filterwarnings("ignore", message=".*dubious year.*")
            t0 = dep.tdb
            t1 = (dep + u.Quantity(tof)).tdb
        r0, vp0 = _heliocentric_rv_km(origin, t0)
        r1, vp1 = _heliocentric_rv_km(target, t1)
        v0, v1 = lambert(r0 * u.km, r1 * u.km, (t1 - t0).to(u.s), body="Sun", prograde=prograde)
        v0_km_s, v1_km_s = v0.to_value(u.km / u.s), v1.to_value(u.km / u.s)
        r_earth, _ = _heliocentric_rv_km("Earth", t1)
        return [float((t1 - t0).to_value(u.day)), float(np.linalg.norm(v0_km_s - vp0)), float(np.linalg.norm(v1_km_s - vp1)),
                v0_km_s.tolist(), v1_km_s.tolist(), float(np.linalg.norm(r1 - r_earth)), [float(t1.jd1), float(t1.jd2)]]

    def decode(stored: Any) -> InterplanetaryTransfer:
        tof_d, vinf0, vinf1, v0, v1, dist_km, (jd1, jd2) = stored
        v0, v1 = np.asarray(v0, dtype=float), np.asarray(v1, dtype=float)
        if v0.shape != (3,) or v1.shape != (3,) or not all(isinstance(x, float) for x in (tof_d, vinf0, vinf1, dist_km, jd1, jd2)):
            raise ValueError(f"not an interplanetary transfer: {stored!r}")
        return InterplanetaryTransfer(
            origin=origin,
            target=target,
            tof=tof_d * u.day,
            v_inf_departure=vinf0 * u.km / u.s,
            v_inf_arrival=vinf1 * u.km / u.s,
            c3_departure=vinf0**2 * u.km**2 / u.s**2,
            v_departure=v0 * (u.km / u.s),
            v_arrival=v1 * (u.km / u.s),
            distance_at_arrival_from_earth=dist_km * u.km,
            departure_given=departure,
            arrival_tdb_jd=(jd1, jd2),
        )

    if isinstance(departure, str):
        when: Any = ("utc", departure.strip())
    elif np.ndim(departure.jd1) == 0:
        when = (str(departure.scale), float(departure.jd1), float(departure.jd2))
    else:
        return decode(compute())
    key = (origin.strip().lower(), target.strip().lower(), when, tof_s, bool(prograde))
    return memoised("interplanetary", key, compute, decode)

# --------------------------------------------------------------------------------------
# Escape and hyperbolic speeds, rocket equation
# --------------------------------------------------------------------------------------


def escape_speed(body: str = "Earth", altitude: Quantity | None = None) -> Quantity:
    """Escape speed sqrt(2GM/r) (km/s) at ``altitude`` (default 0) above the equatorial radius.

    GM and radius from the library's bodies (Earth R = 6378.1366 km; NASA's fact sheet
    quotes 11.186 km/s using the volumetric mean radius 6371.0 km instead).
    """
    mu, radius = gm_radius(body)
    return q(np.sqrt(2.0 * mu / (radius + altitude_m(altitude))) / 1e3, "km/s")


def departure_speed(v_inf: Quantity, body: str = "Earth", altitude: Quantity | None = None) -> Quantity:
    """Speed (km/s) needed at ``altitude`` to leave ``body`` with hyperbolic excess ``v_inf``.

    v = sqrt(v∞² + v_esc²) (vis-viva on the escape hyperbola; Curtis Eq. 8.40).
    """
    v_esc = value(escape_speed(body, altitude), "km/s")
    return q(np.sqrt(value(v_inf, "km/s") ** 2 + v_esc**2), "km/s")


def v_inf_from_speed(speed: Quantity, body: str = "Earth", altitude: Quantity | None = None, strict: bool = False) -> Quantity:
    """Hyperbolic excess speed (km/s) of a body launched with ``speed`` at ``altitude``.

    Inverse of :func:`departure_speed`: v∞ = sqrt(v² − v_esc²). Speeds below escape give
    NaN (bound orbit), or ValueError when ``strict``.
    """
    v_esc = value(escape_speed(body, altitude), "km/s")
    excess = np.asarray(value(speed, "km/s")) ** 2 - v_esc**2
    if strict and np.any(excess < 0):
        raise ValueError(f"speed below escape speed ({v_esc:.4f} km/s) of {body}")
    with np.errstate(invalid="ignore"):
        return q(np.where(excess >= 0, np.sqrt(np.abs(excess)), np.nan)[()], "km/s")


def propellant_mass(final_mass: Quantity, dv: Quantity, isp: Quantity) -> Quantity:
    """Propellant (kg) to give ``final_mass`` (dry + payload) a velocity change ``dv``.

    Tsiolkovsky: m_p = m_f (exp(Δv / (Isp g0)) − 1), g0 = 9.80665 m/s² (Curtis Eq. 6.1).
    ``isp`` a time Quantity (s).
    """
    ve = value(isp, "s") * G0
    with np.errstate(over="ignore"):  # a Δv far beyond the exhaust velocity needs infinite propellant: inf, checked by callers
        return q(value(final_mass, "kg") * np.expm1(value(dv, "m/s") / ve), "kg")


def hohmann_plane_change(park_altitude: Quantity, target_altitude: Quantity, plane_change: Quantity,
                         body: str = "Earth") -> dict[str, Quantity]:
    """A Hohmann transfer between circular orbits at ``park_altitude`` and ``target_altitude`` with the
    plane change ``plane_change`` combined with the circularisation burn at apoapsis.

    The coplanar burns come from :func:`hohmann`; the speed on the transfer ellipse at apoapsis is
    ``v_c(target) − dv2``, and the combined burn is the law of cosines
    ``sqrt(v_a² + v_c² − 2 v_a v_c cos Δi)`` (Vallado, *Fundamentals of Astrodynamics and Applications*,
    4th ed. 2013, §6.4; Curtis, *Orbital Mechanics for Engineering Students*, Example 6.12).
    Returns ``dv1``, ``dv2_coplanar``, ``dv2`` (the combined burn), ``total`` (m/s) and ``tof`` (s).
    """
    r_e = value(body_radius(body), "m")
    park_m, target_m = value(park_altitude, "m"), value(target_altitude, "m")
    tr = hohmann(q(r_e + park_m, "m"), q(r_e + target_m, "m"), body)
    dv1, dv2 = value(tr.dv1, "m/s"), value(tr.dv2, "m/s")
    v_c = value(circular_velocity(q(target_m, "m"), body), "m/s")
    v_a = v_c - dv2
    di = math.radians(value(plane_change, "deg"))
    dv2c = math.sqrt(max(v_a**2 + v_c**2 - 2.0 * v_a * v_c * math.cos(di), 0.0))
    return {"dv1": q(dv1, "m/s"), "dv2_coplanar": q(dv2, "m/s"), "dv2": q(dv2c, "m/s"), "total": q(dv1 + dv2c, "m/s"),
            "tof": q(value(tr.time_of_flight, "s"), "s")}


def deorbit_dv(altitude: Quantity, perigee_altitude: Quantity, body: str = "Earth",
               plane_change: Quantity | None = None) -> Quantity:
    """Retro-burn (m/s) from a circular orbit at ``altitude`` onto an ellipse whose perigee is at
    ``perigee_altitude`` (dipping into the atmosphere): the first burn of a Hohmann transfer down to
    the perigee radius (:func:`hohmann`; altitudes above the body's equatorial radius). With
    ``plane_change`` (e.g. from an equatorial orbit to one whose ground track reaches the landing site's
    latitude) the turn is combined with the burn, by the law of cosines
    ``sqrt(v_c² + v_t² − 2 v_c v_t cos Δi)`` with ``v_t = v_c − dv1`` the ellipse's speed there (Vallado 4th ed.
    §6.4)."""
    r_e = value(body_radius(body), "m")
    tr = hohmann(q(r_e + value(altitude, "m"), "m"), q(r_e + value(perigee_altitude, "m"), "m"), body)
    dv1 = value(tr.dv1, "m/s")
    di = 0.0 if plane_change is None else math.radians(value(plane_change, "deg"))
    if di == 0.0:
        return q(dv1, "m/s")
    v_c = value(circular_velocity(altitude, body), "m/s")
    v_t = v_c - dv1
    return q(math.sqrt(max(v_c**2 + v_t**2 - 2.0 * v_c * v_t * math.cos(di), 0.0)), "m/s")


def round_trip_propellant(payload: Quantity, dv_out: Quantity, dv_back: Quantity, dry_mass: Quantity,
                          isp: Quantity) -> tuple[Quantity, Quantity]:
    """Propellant (kg) a (refuelled) ship burns to carry ``payload`` out (``dv_out``) and fly back empty
    (``dv_back``), last burn first: the return burn's propellant rides out too. Returns (outbound, return)."""
    back = value(propellant_mass(dry_mass, dv_back, isp), "kg")
    out = value(propellant_mass(q(value(dry_mass, "kg") + back + value(payload, "kg"), "kg"), dv_out, isp), "kg")
    return q(out, "kg"), q(back, "kg")


def ferry_round_trip(park_altitude: Quantity, target_altitude: Quantity, plane_change: Quantity, payload: Quantity,
                     dry_mass: Quantity, isp: Quantity, return_perigee: Quantity | None = None,
                     body: str = "Earth") -> dict[str, Quantity]:
    """A ship refuelled in a circular parking orbit that carries ``payload`` to a circular target orbit and, when
    ``return_perigee`` is given, flies back empty to its launch site.

    Out: :func:`hohmann_plane_change` (the plane change combined at apoapsis). Back: the retro-burn from the target
    orbit onto ``return_perigee`` with the plane turned back by the same angle (:func:`deorbit_dv`), less the parking
    orbit's own deorbit burn, which a launch vehicle's LEO payload figure already reserves. Propellant:
    :func:`round_trip_propellant`. Returns ``dv_out``, ``dv_back`` (m/s), ``tof`` (s), ``propellant_out``,
    ``propellant_back`` and ``propellant`` (kg).
    """
    out = hohmann_plane_change(park_altitude, target_altitude, plane_change, body)
    back = 0.0
    if return_perigee is not None:
        back = max(value(deorbit_dv(target_altitude, return_perigee, body, plane_change), "m/s")
                   - value(deorbit_dv(park_altitude, return_perigee, body), "m/s"), 0.0)
    dv_out = value(out["total"], "m/s")
    p_out, p_back = round_trip_propellant(payload, q(dv_out, "m/s"), q(back, "m/s"), dry_mass, isp)
    return {"dv_out": q(dv_out, "m/s"), "dv_back": q(back, "m/s"), "tof": out["tof"], "propellant_out": p_out,
            "propellant_back": p_back, "propellant": q(value(p_out, "kg") + value(p_back, "kg"), "kg")}


def delta_v(initial_mass: Quantity, final_mass: Quantity, isp: Quantity) -> Quantity:
    """Rocket-equation velocity change (km/s): Δv = Isp g0 ln(m0/mf), g0 = 9.80665 m/s²."""
    ve = value(isp, "s") * G0
    return q(ve * np.log(value(initial_mass, "kg") / value(final_mass, "kg")) / 1e3, "km/s")

