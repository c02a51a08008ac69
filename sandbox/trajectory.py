"""Trajectories: the one adapter between the sandbox and the orbital-mechanics library.

Every transfer, propagation, eclipse, ground-visibility and Lagrange-point figure in the
sandbox comes from this module, so two plugins never compute the same Δv two ways. It is
the **only** module that imports the orbital-mechanics library, and it does so lazily:
``import sandbox.trajectory`` loads neither the library, nor numba, nor astropy (the CLI
must start in well under a second); the first call that needs them pays for the import.

Library selection
    ``SANDBOX_ORBIT_LIBRARY=boinor|poliastro`` picks the library. Unset, the adapter uses
    boinor (the maintained fork of poliastro, same API) if it is importable, else
    poliastro. :func:`backend` returns ``(name, version)``; both libraries pass the same
    tests (``tests/test_trajectory.py``).

numba on-disk cache
    Both libraries decorate their kernels with ``from numba import njit as jit`` and no
    ``cache=True``, so a cold process spends ~10 s compiling before its first Hohmann
    transfer. Before the library's first import the adapter sets ``NUMBA_CACHE_DIR`` (when
    the user has not) to ``$XDG_CACHE_HOME/space-sandbox/numba`` (default
    ``~/.cache/space-sandbox/numba``) and replaces ``numba.njit``/``numba.jit`` by thin
    wrappers whose ``cache`` argument defaults to ``True`` (bare ``@njit`` and
    ``@njit(...)`` forms alike; an explicit ``cache=`` wins; functions without a source
    file, which numba cannot cache, silently fall back to no caching). The wrappers are
    installed once and left in place. Later processes load the compiled kernels from disk
    (~0.3 s instead of ~10 s). numba keys its cache on each source file's timestamp, so
    upgrading the library invalidates it.

Library differences bridged here
    * ``<library>.ephem`` imports ``astroquery`` at module level (slow to import; absent
      where poliastro 0.17 is installed with ``--no-deps``). Planet states therefore come
      from astropy's ``get_body_barycentric_posvel`` transformed with the library's own
      heliocentric frame (exactly what ``Ephem.from_body`` does), so numbers are identical.
    * ``izzo.lambert`` returns a ``(v0, v)`` tuple in boinor and poliastro 0.17 but was a
      generator of solutions in older poliastro releases; both shapes are accepted.
    * Module paths, ``Maneuver``, ``Orbit.circular``/``from_vectors`` and
      ``threebody.restricted.lagrange_points`` are otherwise identical.

Units and frames
    Public functions take and return astropy Quantities (units in every docstring);
    internally everything is plain SI floats/numpy. Vectors are in the library's inertial
    frame: GCRS-aligned axes (Earth mean equator and equinox J2000) centred on the body
    named, heliocentric for interplanetary work. The vectorised visibility layer
    (:func:`constellation_positions`, :func:`elevation_deg`, :func:`visibility_mask`)
    exchanges plain numpy arrays in SI units (metres, seconds, radians) as its argument
    names say, because it is benchmarked at thousands of satellites.
"""

from __future__ import annotations

import functools
import importlib
import importlib.metadata
import importlib.util
import math
import os
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from astropy.time import Time
    from astropy.units import Quantity

__all__ = [
    "EclipseStats",
    "InterplanetaryTransfer",
    "Transfer",
    "VisibilityWindow",
    "backend",
    "beta_angle",
    "bielliptic",
    "circular_velocity",
    "ConstellationChunk",
    "constellation_day",
    "constellation_positions",
    "delta_v",
    "departure_speed",
    "eci_to_ecef",
    "eclipse_fraction",
    "eclipse_fraction_from_beta",
    "eclipse_over_year",
    "elevation_deg",
    "enable_numba_cache",
    "escape_speed",
    "gmst",
    "hohmann",
    "interplanetary_transfer",
    "lagrange_distance_from_earth",
    "lagrange_points",
    "lambert",
    "nodal_regression_rate",
    "numba_cache_dir",
    "orbital_period",
    "propagate",
    "propagate_many",
    "propellant_mass",
    "station_ecef",
    "sun_direction",
    "sun_synchronous_inclination",
    "v_inf_from_speed",
    "visibility_mask",
    "visibility_windows",
]

ENV_LIBRARY = "SANDBOX_ORBIT_LIBRARY"
SUPPORTED_LIBRARIES = ("boinor", "poliastro")

#: Standard gravity, m/s² (CGPM 1901; BIPM SI Brochure) — used by the rocket equation.
G0 = 9.80665
#: Earth's rotation rate relative to the stars, rad/s (IERS; Vallado 4th ed. §3.7).
EARTH_ROTATION_RATE = 7.292115e-5
#: Tropical year, days: the mean Sun's period, which a sun-synchronous node must follow.
TROPICAL_YEAR_DAYS = 365.2422
#: Earth–Moon semimajor axis, km (NASA GSFC Moon fact sheet, 0.3844e6 km).
EARTH_MOON_DISTANCE_KM = 384_400.0

_BODY_NAMES = {
    name.lower(): name
    for name in ("Sun", "Mercury", "Venus", "Earth", "Moon", "Mars", "Jupiter", "Saturn", "Uranus", "Neptune")
}


# --------------------------------------------------------------------------------------
# Library loading
# --------------------------------------------------------------------------------------


def _library_name() -> str:
    """Name of the library to use, from ``SANDBOX_ORBIT_LIBRARY`` or what is installed."""
    requested = os.environ.get(ENV_LIBRARY, "").strip().lower()
    if requested:
        if requested not in SUPPORTED_LIBRARIES:
            raise ValueError(f"{ENV_LIBRARY}={requested!r}: choose one of {', '.join(SUPPORTED_LIBRARIES)}")
        if importlib.util.find_spec(requested) is None:
            raise ImportError(f"{ENV_LIBRARY}={requested} but {requested!r} is not installed")
        return requested
    for name in SUPPORTED_LIBRARIES:
        if importlib.util.find_spec(name) is not None:
            return name
    raise ImportError(
        "sandbox.trajectory needs an orbital-mechanics library: `pip install boinor` "
        "(or poliastro 0.17: `pip install --no-deps --ignore-requires-python poliastro==0.17.0`)"
    )


def backend() -> tuple[str, str]:
    """Return ``(library name, version)`` of the orbital-mechanics library in use.

    Cheap: reads package metadata and does not import the library.
    """
    name = _loaded_name or _library_name()
    try:
        version = importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        version = getattr(importlib.import_module(name), "__version__", "unknown")
    return name, version


def numba_cache_dir() -> Path:
    """Default numba cache directory: ``$XDG_CACHE_HOME/space-sandbox/numba`` (or ``~/.cache/...``)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "space-sandbox" / "numba"


_CACHE_MARK = "_sandbox_cache_default"


def _cache_by_default(decorator: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap ``numba.njit``/``numba.jit`` so that ``cache`` defaults to True.

    Works for ``@njit`` (function passed directly) and ``@njit(...)`` (a decorator is
    returned). numba raises RuntimeError when a function has no source file to key the
    cache on (``exec``, ``python -c``); such functions are compiled without caching.
    """

    @functools.wraps(decorator)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if "cache" in kwargs:
            return decorator(*args, **kwargs)
        try:
            result = decorator(*args, cache=True, **kwargs)
        except RuntimeError:
            return decorator(*args, **kwargs)
        if hasattr(result, "py_func"):  # a Dispatcher: the bare @njit form
            return result

        def deferred(func: Callable[..., Any]) -> Any:
            try:
                return result(func)
            except RuntimeError:
                return decorator(*args, **kwargs)(func)

        return deferred

    setattr(wrapper, _CACHE_MARK, True)
    return wrapper


def enable_numba_cache() -> Path | None:
    """Make numba cache compiled kernels on disk; return the cache directory.

    Sets ``NUMBA_CACHE_DIR`` to :func:`numba_cache_dir` unless the user has set it, and
    wraps ``numba.njit``/``numba.jit`` once (idempotent) so ``cache=True`` is the default.
    Must run before the orbital library is first imported. Returns None (and changes
    nothing) when numba is absent or the directory cannot be created.
    """
    if not os.environ.get("NUMBA_CACHE_DIR"):
        os.environ["NUMBA_CACHE_DIR"] = str(numba_cache_dir())
    path = Path(os.environ["NUMBA_CACHE_DIR"])
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        warnings.warn(f"numba cache disabled, cannot create {path}: {exc}", RuntimeWarning, stacklevel=2)
        return None
    try:
        import numba
    except ImportError:
        return None
    numba.core.config.reload_config()  # pick up NUMBA_CACHE_DIR if numba was imported earlier
    for name in ("njit", "jit"):
        current = getattr(numba, name)
        if not getattr(current, _CACHE_MARK, False):
            setattr(numba, name, _cache_by_default(current))
    return path


_loaded_name: str | None = None


@functools.cache
def _library() -> str:
    """Select, prepare (numba cache) and import the library once; return its name."""
    global _loaded_name
    name = _library_name()
    enable_numba_cache()
    importlib.import_module(name)
    # Epochs in future years make ERFA warn "dubious year" (leap seconds after the last IERS
    # bulletin are unknown); the sub-second effect is far below this sandbox's precision.
    warnings.filterwarnings("ignore", message=".*dubious year.*")
    _loaded_name = name
    return name


def _mod(sub: str) -> Any:
    """Import ``<library>.<sub>`` (after the one-time preparation)."""
    return importlib.import_module(f"{_library()}.{sub}")


# --------------------------------------------------------------------------------------
# Bodies and unit helpers
# --------------------------------------------------------------------------------------


def _body(body: Any) -> Any:
    """Library body object for a name ("Earth", "moon", ...) or a body object itself."""
    if not isinstance(body, str):
        return body
    key = body.strip().lower()
    if key not in _BODY_NAMES:
        raise ValueError(f"unknown body {body!r}; known: {', '.join(sorted(_BODY_NAMES.values()))}")
    return getattr(_mod("bodies"), _BODY_NAMES[key])


def _body_key(body: Any) -> str:
    return body.strip().lower() if isinstance(body, str) else str(body.name).lower()


@functools.cache
def _gm_radius_cached(key: str) -> tuple[float, float]:
    b = _body(key)
    return float(b.k.to_value("m3 / s2")), float(b.R.to_value("m"))


def _gm_radius(body: Any) -> tuple[float, float]:
    """(GM in m³/s², equatorial radius in m) of a body, from the library."""
    if isinstance(body, str):
        return _gm_radius_cached(body.strip().lower())
    return float(body.k.to_value("m3 / s2")), float(body.R.to_value("m"))


def _j2(body: Any) -> float:
    value = getattr(_body(body), "J2", None)
    if value is None:
        raise ValueError(f"the library gives no J2 for {body!r}")
    return float(getattr(value, "value", value))


def _value(x: Any, unit: str) -> Any:
    """Quantity → float/ndarray in ``unit`` (a bare number is rejected unless ``unit`` is dimensionless)."""
    from astropy import units as u

    v = u.Quantity(x).to_value(unit)
    return float(v) if np.ndim(v) == 0 else v


def _si(x: Any, unit: str) -> np.ndarray:
    """Quantity → ndarray in ``unit``; plain numbers are taken to be in ``unit`` already."""
    if hasattr(x, "unit"):
        return np.asarray(x.to_value(unit), dtype=float)
    return np.asarray(x, dtype=float)


def _altitude_m(altitude: Any) -> Any:
    return 0.0 if altitude is None else _value(altitude, "m")


def _q(value: Any, unit: str) -> Quantity:
    from astropy import units as u

    return u.Quantity(value, unit)


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
    Earth mean equator J2000 axes.
    """

    origin: str
    target: str
    departure: Time
    arrival: Time
    tof: Quantity
    v_inf_departure: Quantity
    v_inf_arrival: Quantity
    c3_departure: Quantity
    v_departure: Quantity
    v_arrival: Quantity
    distance_at_arrival_from_earth: Quantity


@dataclass(frozen=True)
class EclipseStats:
    """Eclipse statistics of a circular orbit sampled over a year (cylindrical shadow).

    ``mean_fraction``/``max_fraction``: fraction of the orbital period in shadow (0–1);
    ``max_duration`` (min); ``beta_angle_range`` (min, max) in deg; per-sample arrays
    ``epochs`` (Time), ``beta_angles`` (deg) and ``fractions``.
    """

    mean_fraction: float
    max_fraction: float
    max_duration: Quantity
    beta_angle_range: tuple[Quantity, Quantity]
    epochs: Time
    beta_angles: Quantity
    fractions: np.ndarray


@dataclass(frozen=True)
class VisibilityWindow:
    """One pass over a ground station: ``start``/``end`` (Time, UTC), ``duration`` (s),
    ``max_elevation`` (deg). Passes cut by the analysis interval start/end at its edges."""

    start: Time
    end: Time
    duration: Quantity
    max_elevation: Quantity


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

    dvs = tuple(d * (u.km / u.s) for d in dvs_km_s)
    return Transfer(dvs[0], dvs[1], sum(dvs[1:], dvs[0]), (tof_s * u.s).to(u.h), dvs)


# Results of the library's numba-compiled solvers (Hohmann, bi-elliptic, Lambert) are kept on
# disk next to the numba cache, keyed on the library and its version and on this file's size and
# mtime: a warm run then does not even load the compiled kernels (~0.2-0.4 s per process).
# ``SANDBOX_ORBIT_MEMO=0`` turns it off.
ENV_MEMO = "SANDBOX_ORBIT_MEMO"
_MEMO: dict[str, dict[str, Any]] = {}


def _memo_file() -> Path | None:
    if os.environ.get(ENV_MEMO, "1").strip().lower() in ("0", "no", "false", "off"):
        return None
    name, version = backend()
    base = Path(os.environ.get("NUMBA_CACHE_DIR") or numba_cache_dir())
    return base / f"sandbox-orbit-memo-{name}-{version}.json"


def _memo_stamp() -> str:
    st = os.stat(__file__)
    return f"{st.st_size}:{st.st_mtime_ns}"


def _memoised(kind: str, key: tuple, compute: Callable[[], Any]) -> Any:
    """``compute()`` (JSON-serialisable), remembered on disk under ``kind`` + ``key``."""
    path = _memo_file()
    if path is None:
        return compute()
    store = _MEMO.get(str(path))
    if store is None:
        store = {}
        try:
            import json

            doc = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(doc, dict) and doc.get("stamp") == _memo_stamp() and isinstance(doc.get("entries"), dict):
                store = doc["entries"]
        except (OSError, ValueError):
            pass
        _MEMO[str(path)] = store
    name = f"{kind}{key!r}"
    if name in store:
        return store[name]
    value = compute()
    store[name] = value
    try:
        import json
        import tempfile

        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".orbit-memo-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"stamp": _memo_stamp(), "entries": store}, fh)
        os.replace(tmp, path)
    except OSError:
        pass
    return value


def _circular_orbit(radius: Quantity, body: Any) -> Any:
    from astropy import units as u

    attractor = _body(body)
    r = u.Quantity(radius).to(u.km)
    if r <= attractor.R:
        raise ValueError(f"radius {r} is inside {attractor.name} (R = {attractor.R.to(u.km)})")
    return _mod("twobody.orbit").Orbit.circular(attractor, r - attractor.R)


def hohmann(r_initial: Quantity, r_final: Quantity, body: str = "Earth") -> Transfer:
    """Hohmann transfer between coplanar circular orbits (library ``Maneuver.hohmann``).

    ``r_initial``/``r_final``: orbit radii from the body's centre (length Quantities).
    Returns burn magnitudes in km/s and the half-ellipse time of flight in hours
    (Vallado 4th ed. Algorithm 36).
    """
    if isinstance(body, str) and np.ndim(r_initial) == 0 and np.ndim(r_final) == 0:
        # several plugins ask for the same transfer in one run: solve each once per process
        return _hohmann_cached(_value(r_initial, "km"), float(_si(r_final, "km")), body.strip().lower())
    orbit = _circular_orbit(r_initial, body)
    return _transfer_from_maneuver(_mod("maneuver").Maneuver.hohmann(orbit, _q(r_final, "km")))


@functools.lru_cache(maxsize=256)
def _hohmann_cached(r_initial_km: float, r_final_km: float, body: str) -> Transfer:
    def compute() -> list:
        orbit = _circular_orbit(_q(r_initial_km, "km"), body)
        t = _transfer_from_maneuver(_mod("maneuver").Maneuver.hohmann(orbit, _q(r_final_km, "km")))
        return [[float(d.to_value("km/s")) for d in t.dvs], float(t.time_of_flight.to_value("s"))]

    dvs, tof_s = _memoised("hohmann", (r_initial_km, r_final_km, body), compute)
    return _transfer(dvs, tof_s)


def bielliptic(r_initial: Quantity, r_intermediate: Quantity, r_final: Quantity, body: str = "Earth") -> Transfer:
    """Bi-elliptic transfer via apoapsis radius ``r_intermediate`` (library ``Maneuver.bielliptic``).

    Radii from the body's centre (length Quantities). ``dvs`` holds the three burn magnitudes
    (km/s, the third is a retro-burn when ``r_intermediate > r_final``); time of flight in
    hours (Vallado 4th ed. Algorithm 37).
    """
    def compute() -> list:
        orbit = _circular_orbit(r_initial, body)
        t = _transfer_from_maneuver(_mod("maneuver").Maneuver.bielliptic(orbit, _q(r_intermediate, "km"), _q(r_final, "km")))
        return [[float(d.to_value("km/s")) for d in t.dvs], float(t.time_of_flight.to_value("s"))]

    if not (isinstance(body, str) and all(np.ndim(r) == 0 for r in (r_initial, r_intermediate, r_final))):
        dvs, tof_s = compute()
    else:
        key = (_value(r_initial, "km"), float(_si(r_intermediate, "km")), float(_si(r_final, "km")), body.strip().lower())
        dvs, tof_s = _memoised("bielliptic", key, compute)
    return _transfer(dvs, tof_s)


def lambert(r0: Quantity, r1: Quantity, tof: Quantity, body: str = "Sun", prograde: bool = True) -> tuple[Quantity, Quantity]:
    """Solve Lambert's problem (Izzo's algorithm from the library), zero revolutions.

    ``r0``, ``r1``: position vectors, shape (3,), length Quantities in the body-centred
    inertial frame; ``tof``: time Quantity. Returns the velocities ``(v0, v1)`` at ``r0`` and
    ``r1``, shape (3,), in km/s, same frame.
    """
    from astropy import units as u

    def compute() -> list:
        k = _body(body).k
        result = _mod("iod.izzo").lambert(k, _q(r0, "km"), _q(r1, "km"), _q(tof, "s"), M=0, prograde=prograde)
        if isinstance(result, tuple) and len(result) == 2 and np.shape(result[0]) == (3,):
            v0, v1 = result
        else:  # older poliastro: a generator of (v0, v) solutions
            v0, v1 = next(iter(result))
        return [u.Quantity(v0).to_value(u.km / u.s).tolist(), u.Quantity(v1).to_value(u.km / u.s).tolist()]

    if isinstance(body, str):
        key = (body.strip().lower(), _si(r0, "km").tolist(), _si(r1, "km").tolist(), _si(tof, "s").tolist(), bool(prograde))
        v0, v1 = _memoised("lambert", key, compute)
    else:
        v0, v1 = compute()
    return u.Quantity(v0, u.km / u.s), u.Quantity(v1, u.km / u.s)


def _heliocentric_rv_km(body: str, epoch: Time) -> tuple[np.ndarray, np.ndarray]:
    """Heliocentric position (km) and velocity (km/s) of a planet, Earth-equator J2000 axes."""
    from astropy import units as u

    sun, planet = _body("Sun"), _body(body)
    planes = _mod("frames").Planes
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
    frame = _mod("frames.util").get_frame(sun, planes.EARTH_EQUATOR, epoch)
    rep = coords.transform_to(frame).represent_as(CartesianRepresentation, CartesianDifferential)
    r, v = rep.xyz, rep.differentials["s"].d_xyz
    return np.reshape(r.to_value(u.km), 3), np.reshape(v.to_value(u.km / u.s), 3)


def interplanetary_transfer(origin: str, target: str, departure: Time, tof: Quantity, prograde: bool = True) -> InterplanetaryTransfer:
    """Heliocentric transfer from ``origin`` to ``target`` planet leaving at ``departure``.

    Planet states come from the library's ephemerides (astropy's built-in ephemeris, no
    download) at departure and at ``departure + tof``; the heliocentric arc is a Lambert
    solution between the planets' centres (patched conics with zero-radius spheres of
    influence, as Curtis Algorithm 8.2). ``departure``: astropy Time (any scale, converted
    to TDB); ``tof``: time Quantity. Speeds in km/s, C3 in km²/s², distance in km.
    """
    from astropy import units as u

    t0 = departure.tdb
    t1 = (departure + u.Quantity(tof)).tdb
    r0, vp0 = _heliocentric_rv_km(origin, t0)
    r1, vp1 = _heliocentric_rv_km(target, t1)
    v0, v1 = lambert(r0 * u.km, r1 * u.km, (t1 - t0).to(u.s), body="Sun", prograde=prograde)
    vinf0 = float(np.linalg.norm(v0.to_value(u.km / u.s) - vp0))
    vinf1 = float(np.linalg.norm(v1.to_value(u.km / u.s) - vp1))
    r_earth, _ = _heliocentric_rv_km("Earth", t1)
    return InterplanetaryTransfer(
        origin=origin,
        target=target,
        departure=departure,
        arrival=t1.utc,
        tof=(t1 - t0).to(u.day),
        v_inf_departure=vinf0 * u.km / u.s,
        v_inf_arrival=vinf1 * u.km / u.s,
        c3_departure=vinf0**2 * u.km**2 / u.s**2,
        v_departure=v0,
        v_arrival=v1,
        distance_at_arrival_from_earth=float(np.linalg.norm(r1 - r_earth)) * u.km,
    )


# --------------------------------------------------------------------------------------
# Two-body propagation
# --------------------------------------------------------------------------------------


def propagate(r: Quantity, v: Quantity, tof: Quantity, body: str = "Earth") -> tuple[Quantity, Quantity]:
    """Two-body propagation with the library (``Orbit.propagate``, Farnocchia's method).

    ``r`` (length, shape (3,)), ``v`` (speed, shape (3,)) in the body-centred inertial frame;
    ``tof`` time Quantity. Returns ``(r, v)`` after ``tof`` in km and km/s. Any conic.
    """
    from astropy import units as u

    orbit = _mod("twobody.orbit").Orbit.from_vectors(_body(body), _q(r, "km"), _q(v, "km/s"))
    r1, v1 = orbit.propagate(_q(tof, "s")).rv()
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

    mu, _ = _gm_radius(body)
    r0, v0 = _si(r, "m").reshape(3), _si(v, "m/s").reshape(3)
    dt = np.atleast_1d(_si(times, "s"))
    if 2.0 / np.linalg.norm(r0) - (v0 @ v0) / mu > 0:
        rs, vs = _kepler_elliptic(mu, r0, v0, dt)
        return (rs * u.m).to(u.km), (vs * u.m / u.s).to(u.km / u.s)
    states = [propagate(r, v, t * u.s, body) for t in dt]
    return u.Quantity([s[0] for s in states]), u.Quantity([s[1] for s in states])


# --------------------------------------------------------------------------------------
# Circular orbits, J2, sun-synchronous
# --------------------------------------------------------------------------------------


def circular_velocity(altitude: Quantity, body: str = "Earth") -> Quantity:
    """Circular orbital speed sqrt(GM/r) (km/s) at ``altitude`` above the equatorial radius."""
    mu, radius = _gm_radius(body)
    return _q(np.sqrt(mu / (radius + _altitude_m(altitude))) / 1e3, "km/s")


def orbital_period(altitude: Quantity, body: str = "Earth") -> Quantity:
    """Circular orbit period 2π sqrt(r³/GM) (min) at ``altitude`` above the equatorial radius."""
    mu, radius = _gm_radius(body)
    a = radius + _altitude_m(altitude)
    return _q(2.0 * np.pi * np.sqrt(a**3 / mu) / 60.0, "min")


def _nodal_rate_rad_s(a_m: Any, inc_rad: Any, body: Any) -> Any:
    mu, radius = _gm_radius(body)
    n = np.sqrt(mu / a_m**3)
    return -1.5 * n * _j2(body) * (radius / a_m) ** 2 * np.cos(inc_rad)


def nodal_regression_rate(altitude: Quantity, inclination: Quantity, body: str = "Earth") -> Quantity:
    """Secular J2 drift of the ascending node of a circular orbit (deg/day).

    dΩ/dt = −(3/2) n J2 (R/a)² cos i (Vallado 4th ed. Eq. 9-41; Curtis Eq. 4.52 with e = 0).
    ``altitude`` above the equatorial radius; ``inclination`` angle Quantity.
    """
    mu, radius = _gm_radius(body)
    rate = _nodal_rate_rad_s(radius + _altitude_m(altitude), _value(inclination, "rad"), body)
    return _q(np.degrees(rate) * 86400.0, "deg/day")


def sun_synchronous_inclination(altitude: Quantity, body: str = "Earth") -> Quantity:
    """Inclination (deg) whose J2 nodal regression follows the mean Sun, 360°/365.2422 d.

    cos i = −(2/3) Ω̇_sun a^(7/2) / (J2 R² sqrt(GM)) for a circular orbit (Vallado 4th ed.
    §11.4; SMAD 3rd ed. §6.2). ``altitude`` above the equatorial radius. Raises ValueError
    above ~5,970 km where no such orbit exists.
    """
    mu, radius = _gm_radius(body)
    a = radius + _altitude_m(altitude)
    sun_rate = 2.0 * np.pi / (TROPICAL_YEAR_DAYS * 86400.0)
    cos_i = -2.0 * sun_rate * a**3.5 / (3.0 * _j2(body) * radius**2 * np.sqrt(mu))
    if np.any(np.abs(cos_i) > 1.0):
        raise ValueError("no sun-synchronous circular orbit at this altitude")
    return _q(np.degrees(np.arccos(cos_i)), "deg")


# --------------------------------------------------------------------------------------
# Escape and hyperbolic speeds, rocket equation
# --------------------------------------------------------------------------------------


def escape_speed(body: str = "Earth", altitude: Quantity | None = None) -> Quantity:
    """Escape speed sqrt(2GM/r) (km/s) at ``altitude`` (default 0) above the equatorial radius.

    GM and radius from the library's bodies (Earth R = 6378.1366 km; NASA's fact sheet
    quotes 11.186 km/s using the volumetric mean radius 6371.0 km instead).
    """
    mu, radius = _gm_radius(body)
    return _q(np.sqrt(2.0 * mu / (radius + _altitude_m(altitude))) / 1e3, "km/s")


def departure_speed(v_inf: Quantity, body: str = "Earth", altitude: Quantity | None = None) -> Quantity:
    """Speed (km/s) needed at ``altitude`` to leave ``body`` with hyperbolic excess ``v_inf``.

    v = sqrt(v∞² + v_esc²) (vis-viva on the escape hyperbola; Curtis Eq. 8.40).
    """
    v_esc = escape_speed(body, altitude).to_value("km/s")
    return _q(np.sqrt(_value(v_inf, "km/s") ** 2 + v_esc**2), "km/s")


def v_inf_from_speed(speed: Quantity, body: str = "Earth", altitude: Quantity | None = None, strict: bool = False) -> Quantity:
    """Hyperbolic excess speed (km/s) of a body launched with ``speed`` at ``altitude``.

    Inverse of :func:`departure_speed`: v∞ = sqrt(v² − v_esc²). Speeds below escape give
    NaN (bound orbit), or ValueError when ``strict``.
    """
    v_esc = escape_speed(body, altitude).to_value("km/s")
    excess = np.asarray(_value(speed, "km/s")) ** 2 - v_esc**2
    if strict and np.any(excess < 0):
        raise ValueError(f"speed below escape speed ({v_esc:.4f} km/s) of {body}")
    with np.errstate(invalid="ignore"):
        return _q(np.where(excess >= 0, np.sqrt(np.abs(excess)), np.nan)[()], "km/s")


def propellant_mass(final_mass: Quantity, dv: Quantity, isp: Quantity) -> Quantity:
    """Propellant (kg) to give ``final_mass`` (dry + payload) a velocity change ``dv``.

    Tsiolkovsky: m_p = m_f (exp(Δv / (Isp g0)) − 1), g0 = 9.80665 m/s² (Curtis Eq. 6.1).
    ``isp`` a time Quantity (s).
    """
    ve = _value(isp, "s") * G0
    return _q(_value(final_mass, "kg") * np.expm1(_value(dv, "m/s") / ve), "kg")


def delta_v(initial_mass: Quantity, final_mass: Quantity, isp: Quantity) -> Quantity:
    """Rocket-equation velocity change (km/s): Δv = Isp g0 ln(m0/mf), g0 = 9.80665 m/s²."""
    ve = _value(isp, "s") * G0
    return _q(ve * np.log(_value(initial_mass, "kg") / _value(final_mass, "kg")) / 1e3, "km/s")


# --------------------------------------------------------------------------------------
# Sun direction, beta angle, eclipses
# --------------------------------------------------------------------------------------


def _sun_vector_m(epoch: Time, body: Any = "Earth") -> np.ndarray:
    """Vector (m) from the body's centre to the Sun, ICRS/GCRS axes, shape epoch.shape + (3,)."""
    from astropy.coordinates import get_body_barycentric

    sun = get_body_barycentric("sun", epoch).get_xyz(xyz_axis=-1).to_value("m")
    centre = get_body_barycentric(_body_key(body), epoch).get_xyz(xyz_axis=-1).to_value("m")
    return sun - centre


def sun_direction(epoch: Time, body: str = "Earth") -> np.ndarray:
    """Unit vector (dimensionless ndarray, shape epoch.shape + (3,)) from ``body`` to the Sun.

    Axes: ICRS ≈ Earth mean equator J2000 (GCRS-aligned). astropy's current solar-system
    ephemeris ('builtin' by default: no download).
    """
    s = _sun_vector_m(epoch, body)
    return s / np.linalg.norm(s, axis=-1, keepdims=True)


def _plane_axes(inc: Any, raan: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Node vector P, in-plane normal Q and orbit normal W (each shape (..., 3))."""
    inc, raan = np.asarray(inc, float), np.asarray(raan, float)
    ci, si, co, so = np.cos(inc), np.sin(inc), np.cos(raan), np.sin(raan)
    zero = np.zeros(np.broadcast(inc, raan).shape)
    p = np.stack([co + zero, so + zero, zero], axis=-1)
    q = np.stack([-so * ci, co * ci, si + zero], axis=-1)
    w = np.stack([so * si, -co * si, ci + zero], axis=-1)
    return p, q, w


def beta_angle(inclination: Quantity, raan: Quantity, epoch: Time, body: str = "Earth") -> Quantity:
    """Solar beta angle (deg): elevation of the Sun above the orbit plane, sin β = ŝ·ĥ.

    ``inclination``/``raan`` angle Quantities in the Earth-equator J2000 frame (scalars or
    arrays broadcast against ``epoch``'s shape); ``epoch`` astropy Time.
    """
    _, _, w = _plane_axes(_value(inclination, "rad"), _value(raan, "rad"))
    s = sun_direction(epoch, body)
    return _q(np.degrees(np.arcsin(np.clip(np.sum(s * w, axis=-1), -1.0, 1.0))), "deg")


def eclipse_fraction_from_beta(altitude: Quantity, beta: Quantity, body: str = "Earth") -> Any:
    """Fraction of a circular orbit in a cylindrical shadow at beta angle ``beta``.

    f = arccos( sqrt(h² + 2Rh) / ((R + h) cos β) ) / π when |β| < β* = arcsin(R/(R+h)),
    else 0 (Gilmore, *Spacecraft Thermal Control Handbook* vol. 1, 2nd ed., §2; the
    standard β-angle eclipse formula). Returns a float or ndarray (dimensionless).
    """
    _, radius = _gm_radius(body)
    h = _altitude_m(altitude)
    cos_b = np.abs(np.cos(np.asarray(_value(beta, "rad"))))
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
    _, radius = _gm_radius(body)
    a = radius + _altitude_m(altitude)
    p, q, _ = _plane_axes(_value(inclination, "rad"), _value(raan, "rad"))
    u_arg = 2.0 * np.pi * (np.arange(samples) + 0.5) / samples
    r = a * (np.cos(u_arg)[:, None] * p + np.sin(u_arg)[:, None] * q)
    sun_radius = _gm_radius("Sun")[1]
    return float(np.mean(_in_shadow(r, _sun_vector_m(epoch, body), radius, sun_radius, shadow)))


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
    from astropy.time import Time

    if (ltan_hours is None) == (raan is None):
        raise ValueError("give exactly one of ltan_hours and raan")
    t0 = Time(f"{int(year)}-01-01T00:00:00", scale="utc")
    days = np.arange(n_days) * (TROPICAL_YEAR_DAYS / n_days)
    epochs = t0 + days * u.day
    _, radius = _gm_radius(body)
    a = radius + _altitude_m(altitude)
    inc = _value(inclination, "rad")
    if raan is None:  # RAAN = α_mean_sun + 15°·(LTAN − 12 h); α_mean_sun = GMST − 15°·(UT − 12 h) = GMST + 180° at 0h UT
        raan0 = gmst(t0).to_value(u.rad) + np.pi + np.radians(15.0 * (float(ltan_hours) - 12.0))
    else:
        raan0 = _value(raan, "rad")
    raans = raan0 + _nodal_rate_rad_s(a, inc, body) * days * 86400.0
    betas = beta_angle(inc * u.rad, raans * u.rad, epochs, body)
    fractions = np.asarray(eclipse_fraction_from_beta(altitude, betas, body))
    period = orbital_period(altitude, body)
    return EclipseStats(
        mean_fraction=float(fractions.mean()),
        max_fraction=float(fractions.max()),
        max_duration=(fractions.max() * period).to(u.min),
        beta_angle_range=(betas.min(), betas.max()),
        epochs=epochs,
        beta_angles=betas,
        fractions=fractions,
    )


# --------------------------------------------------------------------------------------
# Ground-station visibility (vectorised numpy, spherical Earth)
# --------------------------------------------------------------------------------------


def _gmst_rad(epoch: Time) -> np.ndarray:
    """IAU-82 GMST (rad) with UT1 ≈ UTC (< 0.9 s), Vallado 4th ed. Eq. 3-47."""
    utc = epoch.utc
    t = ((np.asarray(utc.jd1) - 2451545.0) + np.asarray(utc.jd2)) / 36525.0
    sec = 67310.54841 + (876600.0 * 3600.0 + 8640184.812866) * t + 0.093104 * t**2 - 6.2e-6 * t**3
    return np.radians(np.mod(sec, 86400.0) / 240.0)


def gmst(epoch: Time) -> Quantity:
    """Greenwich mean sidereal time (deg, 0–360) of an astropy Time (scalar or array).

    IAU-82 formula (Vallado 4th ed. Eq. 3-47) with UT1 taken as UTC, so no IERS table is
    needed (error < 0.9 s of time, < 0.004°).
    """
    return _q(np.degrees(_gmst_rad(epoch)), "deg")


def station_ecef(lat_deg: Any, lon_deg: Any, alt_m: Any = 0.0, body: str = "Earth") -> np.ndarray:
    """Earth-fixed position (m, ndarray (..., 3)) of ground points on a **spherical** body.

    Geocentric latitude/longitude in degrees, altitude in metres above the equatorial radius.
    """
    _, radius = _gm_radius(body)
    lat, lon = np.radians(np.asarray(lat_deg, float)), np.radians(np.asarray(lon_deg, float))
    r = radius + np.asarray(alt_m, float)
    return np.stack(np.broadcast_arrays(r * np.cos(lat) * np.cos(lon), r * np.cos(lat) * np.sin(lon), r * np.sin(lat)), axis=-1)


def constellation_positions(
    altitudes: Any, inclinations: Any, raans: Any, mean_anomalies: Any, times_s: Any, body: str = "Earth"
) -> np.ndarray:
    """Inertial positions (m) of circular two-body orbits: ndarray (n_sat, n_t, 3).

    Elements per satellite (n_sat,) at t = 0: ``altitudes`` above the equatorial radius,
    ``inclinations``, ``raans`` and ``mean_anomalies`` (argument of latitude, for a circular
    orbit). Quantities, or plain floats in SI (m, rad). ``times_s``: seconds since t = 0
    (n_t,). Earth-equator J2000 axes; no perturbations.
    """
    mu, radius = _gm_radius(body)
    a = radius + np.atleast_1d(_si(altitudes, "m"))
    inc, raan = np.atleast_1d(_si(inclinations, "rad")), np.atleast_1d(_si(raans, "rad"))
    m0 = np.atleast_1d(_si(mean_anomalies, "rad"))
    a, inc, raan, m0 = np.broadcast_arrays(a, inc, raan, m0)
    t = np.atleast_1d(_si(times_s, "s"))
    p, q, _ = _plane_axes(inc, raan)  # (n_sat, 3)
    arg = m0[:, None] + np.sqrt(mu / a**3)[:, None] * t[None, :]  # (n_sat, n_t)
    return a[:, None, None] * (np.cos(arg)[..., None] * p[:, None, :] + np.sin(arg)[..., None] * q[:, None, :])


def _rotation_angle(times_s: np.ndarray, epoch: Time) -> np.ndarray:
    return float(_gmst_rad(epoch)) + EARTH_ROTATION_RATE * np.asarray(times_s, float)


def eci_to_ecef(r_eci_m: np.ndarray, times_s: Any, epoch: Time) -> np.ndarray:
    """Rotate inertial positions (m, (..., n_t, 3)) into the Earth-fixed frame.

    Rotation about z by θ = GMST(epoch) + ω⊕ t (ω⊕ = 7.292115e-5 rad/s); ignores precession,
    nutation and polar motion (arcminute level, negligible for visibility).
    """
    theta = _rotation_angle(np.atleast_1d(_si(times_s, "s")), epoch)
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


def _stations(stations: Sequence[Any], min_elevation: Quantity | None, body: str) -> tuple[np.ndarray, np.ndarray]:
    """Station Earth-fixed positions (n_st, 3) m and elevation masks (n_st,) deg."""
    default = 10.0 if min_elevation is None else _value(min_elevation, "deg")
    rows, masks = [], []
    for st in stations:
        if hasattr(st, "lat_deg"):
            rows.append((st.lat_deg, st.lon_deg, getattr(st, "alt_m", 0.0)))
            masks.append(getattr(st, "min_elevation_deg", None))
        else:
            rows.append(tuple(st[:3]))
            masks.append(st[3] if len(st) > 3 else None)
    lat, lon, alt = np.asarray(rows, float).T
    mask = np.asarray([default if m is None else m for m in masks], float)
    return station_ecef(lat, lon, alt, body), mask


def _sin_elevation_eci(sat_eci: np.ndarray, st_ecef: np.ndarray, times_s: np.ndarray, epoch: Time) -> np.ndarray:
    """sin(elevation) for satellites (n_sat, n_t, 3) vs stations rotated to inertial → (n_sat, n_t, n_st)."""
    theta = _rotation_angle(times_s, epoch)
    c, s = np.cos(theta)[:, None], np.sin(theta)[:, None]
    g = np.linalg.norm(st_ecef, axis=-1)
    ux, uy, uz = (st_ecef / g[:, None]).T
    up = np.stack([c * ux - s * uy, s * ux + c * uy, np.broadcast_to(uz, (theta.size, uz.size))], axis=-1)
    s_up = np.einsum("itk,tgk->itg", sat_eci, up)
    s2 = np.einsum("itk,itk->it", sat_eci, sat_eci)[..., None]
    return (s_up - g) / np.sqrt(s2 - 2.0 * g * s_up + g * g)


# --------------------------------------------------------------------------------------
# Constellation kernel: positions, sunlight and visibility for thousands of satellites
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConstellationChunk:
    """One chunk of satellites from :func:`constellation_day` (satellites ``start``..``stop - 1``).

    ``positions_m``: inertial positions (m), (n, n_t, 3), Earth-equator J2000 axes (None when
    not asked for); ``sunlit``: (n, n_t) bool, False inside the cylindrical shadow;
    ``visible``: (n, n_t, n_st) bool, satellite at or above each station's elevation mask.
    """

    start: int
    stop: int
    positions_m: np.ndarray | None
    sunlit: np.ndarray
    visible: np.ndarray


def _elements(altitudes: Any, inclinations: Any, raans: Any, mean_anomalies: Any) -> list[np.ndarray]:
    """Per-satellite elements (m, rad, rad, rad) broadcast to one length, contiguous float64."""
    raw = (_si(altitudes, "m"), _si(inclinations, "rad"), _si(raans, "rad"), _si(mean_anomalies, "rad"))
    return [np.ascontiguousarray(e, dtype=float) for e in np.broadcast_arrays(*(np.atleast_1d(x) for x in raw))]


def _initial_axes(inc: np.ndarray, raan: np.ndarray, m0: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unit position E1 and unit along-track direction E2 (each (n, 3)) at t = 0.

    A circular orbit is r̂(t) = E1 cos(n t) + E2 sin(n t) with E1 = cos u0 P + sin u0 Q and
    E2 = −sin u0 P + cos u0 Q (P node vector, Q in-plane normal, u0 the argument of latitude).
    """
    p, q, _ = _plane_axes(inc, raan)
    c0, s0 = np.cos(m0)[:, None], np.sin(m0)[:, None]
    return c0 * p + s0 * q, c0 * q - s0 * p


def _shell_groups(mean_motion: np.ndarray) -> list[tuple[float, np.ndarray]]:
    """Satellites grouped by mean motion (rad/s): [(n, indices)], one group per altitude shell."""
    uniq, inv = np.unique(mean_motion, return_inverse=True)
    if uniq.size == 1:
        return [(float(uniq[0]), np.arange(mean_motion.size))]
    order = np.argsort(inv, kind="stable")
    bounds = np.searchsorted(inv[order], np.arange(uniq.size + 1))
    return [(float(uniq[k]), order[bounds[k]:bounds[k + 1]]) for k in range(uniq.size)]


def _visibility_thresholds(a: np.ndarray, st_ecef: np.ndarray, mask_deg: np.ndarray) -> np.ndarray:
    """cos λ_max (n_sat, n_st): a satellite at radius ``a`` is at or above a station's mask
    exactly when the cosine of the Earth-central angle between them is ≥ this value.

    λ_max = arccos(g cos ε / a) − ε (SMAD 3rd ed. §5.1), g the station's radius, ε its mask.
    Elevation falls monotonically with the central angle, so the test is equivalent to
    ``elevation ≥ ε`` without an arcsine per sample. Satellites below a station's horizon
    radius never count as visible (+inf).
    """
    g = np.linalg.norm(st_ecef, axis=-1)
    eps = np.radians(mask_deg)
    ratio = (g * np.cos(eps))[None, :] / a[:, None]
    with np.errstate(invalid="ignore"):
        lam = np.arccos(np.minimum(ratio, 1.0)) - eps[None, :]
    return np.where(ratio <= 1.0, np.cos(lam), np.inf)


def _visible_shell(e1: np.ndarray, e2: np.ndarray, cn: np.ndarray, sn: np.ndarray, theta: np.ndarray,
                   st_unit: np.ndarray, thresholds: np.ndarray, out: np.ndarray | None = None,
                   work: np.ndarray | None = None) -> np.ndarray:
    """Visibility (n, n_st, n_t) of satellites sharing one mean motion, as one matrix product.

    With r̂ = E1 cos(nt) + E2 sin(nt) rotated into the Earth-fixed frame by θ(t), the cosine of
    the central angle to station û is a combination of six time series
    [cn cθ, cn sθ, sn cθ, sn sθ, cn, sn] with per-(satellite, station) coefficients, so the
    whole (satellites × stations) × times block is (n·n_st, 6) @ (6, n_t) in BLAS. ``out``
    (bool) and ``work`` (float, at least n·n_st·n_t) are optional buffers reused across chunks.
    """
    ct, st = np.cos(theta), np.sin(theta)
    basis = np.stack([cn * ct, cn * st, sn * ct, sn * st, cn, sn])  # (6, n_t)
    ux, uy, uz = st_unit[:, 0], st_unit[:, 1], st_unit[:, 2]
    coef = np.stack([
        np.multiply.outer(e1[:, 0], ux) + np.multiply.outer(e1[:, 1], uy),
        np.multiply.outer(e1[:, 1], ux) - np.multiply.outer(e1[:, 0], uy),
        np.multiply.outer(e2[:, 0], ux) + np.multiply.outer(e2[:, 1], uy),
        np.multiply.outer(e2[:, 1], ux) - np.multiply.outer(e2[:, 0], uy),
        np.multiply.outer(e1[:, 2], uz),
        np.multiply.outer(e2[:, 2], uz),
    ], axis=-1)  # (n, n_st, 6)
    n, n_st = coef.shape[:2]
    size = n * n_st * basis.shape[1]
    buf = work.reshape(-1)[:size].reshape(n * n_st, -1) if work is not None and work.size >= size else None
    cos_lam = np.matmul(coef.reshape(n * n_st, 6), basis, out=buf).reshape(n, n_st, -1)
    return np.greater_equal(cos_lam, thresholds[:, :, None], out=out)


def _sun_unit_vectors(epoch: Time, times_s: np.ndarray, body: str = "Earth", max_step_s: float = 600.0) -> np.ndarray:
    """Unit vectors (n_t, 3) from ``body`` to the Sun at ``epoch + times_s``.

    The ephemeris is evaluated on a grid no coarser than ``max_step_s`` (the Sun moves
    ~0.007° in 10 min as seen from Earth) and interpolated linearly, then renormalised.
    """
    from astropy import units as u

    t = np.asarray(times_s, float)
    if t.size <= 2:
        grid = t
    else:
        n = max(2, int(math.ceil((t.max() - t.min()) / max_step_s)) + 1)
        grid = np.linspace(t.min(), t.max(), n)
    s = sun_direction(epoch + grid * u.s, body).reshape(-1, 3)
    if grid is not t:
        s = np.stack([np.interp(t, grid, s[:, k]) for k in range(3)], axis=-1)
    return s / np.linalg.norm(s, axis=-1, keepdims=True)


def _day_kernel_py(e1, e2, a, shell, cn_tab, sn_tab, ct, st, sun, st_unit, thresholds, shadow_cos2,
                   pos, sunlit, visible):  # pragma: no cover  (run compiled by numba; see _day_kernel)
    """Fused loop over satellites × steps (× stations) for :func:`constellation_day`.

    Same arithmetic as the numpy path: r̂ = E1 cn + E2 sn (cn, sn from the satellite's shell
    table), cylindrical shadow against ŝ(t), rotation by θ(t) and cos λ ≥ threshold per station.
    ``pos`` may have zero satellites (positions not wanted).
    """
    n, n_t, n_st = e1.shape[0], ct.shape[0], st_unit.shape[0]
    want_pos = pos.shape[0] == n
    for i in range(n):
        j = shell[i]
        e1x, e1y, e1z, e2x, e2y, e2z = e1[i, 0], e1[i, 1], e1[i, 2], e2[i, 0], e2[i, 1], e2[i, 2]
        ai, sc2 = a[i], shadow_cos2[i]
        for k in range(n_t):
            c, s = cn_tab[j, k], sn_tab[j, k]
            x = e1x * c + e2x * s
            y = e1y * c + e2y * s
            z = e1z * c + e2z * s
            if want_pos:
                pos[i, k, 0] = ai * x
                pos[i, k, 1] = ai * y
                pos[i, k, 2] = ai * z
            along = x * sun[k, 0] + y * sun[k, 1] + z * sun[k, 2]
            sunlit[i, k] = not (along < 0.0 and along * along > sc2)
            xe = x * ct[k] + y * st[k]
            ye = y * ct[k] - x * st[k]
            for g in range(n_st):
                visible[i, k, g] = xe * st_unit[g, 0] + ye * st_unit[g, 1] + z * st_unit[g, 2] >= thresholds[i, g]


@functools.cache
def _day_kernel() -> Callable[..., None] | None:
    """:func:`_day_kernel_py` compiled by numba (cached on disk like the library's kernels), or
    None when numba is not installed. The first compilation takes a few seconds, once."""
    enable_numba_cache()  # NUMBA_CACHE_DIR and cache=True, as for the library's kernels
    try:
        import numba
    except ImportError:
        return None
    return numba.njit(cache=True, nogil=True, fastmath=False)(_day_kernel_py)


def _chunks_numba(kernel: Callable[..., None], a: np.ndarray, inc: np.ndarray, raan: np.ndarray, m0: np.ndarray,
                  mean_motion: np.ndarray, t: np.ndarray, theta: np.ndarray, sun: np.ndarray, st_unit: np.ndarray,
                  thresholds: np.ndarray, shadow_cos2: np.ndarray, chunk_size: int,
                  positions: bool) -> Iterator[ConstellationChunk]:
    uniq, shell = np.unique(mean_motion, return_inverse=True)
    phase = np.multiply.outer(uniq, t)
    cn_tab, sn_tab = np.cos(phase), np.sin(phase)  # one row per altitude shell
    ct, st = np.cos(theta), np.sin(theta)
    sun = np.ascontiguousarray(sun)
    for lo in range(0, a.size, chunk_size):
        sl = slice(lo, min(lo + chunk_size, a.size))
        n = sl.stop - sl.start
        e1, e2 = _initial_axes(inc[sl], raan[sl], m0[sl])
        pos = np.empty((n if positions else 0, t.size, 3))
        sunlit = np.empty((n, t.size), dtype=bool)
        visible = np.empty((n, t.size, len(st_unit)), dtype=bool)
        kernel(np.ascontiguousarray(e1), np.ascontiguousarray(e2), np.ascontiguousarray(a[sl]),
               np.ascontiguousarray(shell[sl]), cn_tab, sn_tab, ct, st, sun, st_unit,
               np.ascontiguousarray(thresholds[sl]), np.ascontiguousarray(shadow_cos2[sl]), pos, sunlit, visible)
        yield ConstellationChunk(sl.start, sl.stop, pos if positions else None, sunlit, visible)


def constellation_day(
    altitudes: Any,
    inclinations: Any,
    raans: Any,
    mean_anomalies: Any,
    stations: Sequence[Any],
    epoch: Time,
    times_s: Any = None,
    min_elevation: Quantity | None = None,
    chunk_size: int = 256,
    positions: bool = True,
    body: str = "Earth",
    method: str = "auto",
) -> Iterator[ConstellationChunk]:
    """Positions, sunlight and ground visibility of a constellation, one chunk of satellites at a time.

    Satellites: circular two-body orbits with elements per satellite at ``epoch`` (astropy
    Time) as in :func:`constellation_positions` (``altitudes`` above the equatorial radius,
    ``inclinations``, ``raans``, ``mean_anomalies`` = argument of latitude; Quantities or SI
    floats, m and rad). ``times_s``: seconds after ``epoch`` (default: 1,440 one-minute steps,
    a day). Stations as in :func:`visibility_windows`. Yields :class:`ConstellationChunk`
    objects of ``chunk_size`` satellites, so memory stays bounded whatever the constellation
    size (about 0.2 MB per satellite-day with positions at the default step and 10 stations).

    Sunlight: cylindrical shadow of a spherical Earth (as :func:`eclipse_fraction`), with the
    Sun's direction from astropy's ephemeris (interpolated over 10-minute nodes). Visibility:
    spherical Earth, Earth rotation by GMST + ω⊕ t, the same test as :func:`visibility_mask`.
    ``method``: ``"numba"`` runs one fused loop compiled by numba (on-disk cached like the
    library's kernels: a few seconds once, then a fraction of a second per process), ``"numpy"``
    the vectorised numpy path (BLAS products; no compilation), ``"auto"`` numba when installed.
    Both give the same flags and positions to rounding (``tests/test_trajectory_kernel.py``).
    """
    if method not in ("auto", "numba", "numpy"):
        raise ValueError("method must be 'auto', 'numba' or 'numpy'")
    mu, radius = _gm_radius(body)
    a_alt, inc, raan, m0 = _elements(altitudes, inclinations, raans, mean_anomalies)
    a = radius + a_alt
    t = np.arange(1440) * 60.0 if times_s is None else np.atleast_1d(_si(times_s, "s")).astype(float)
    st_ecef, mask_deg = _stations(stations, min_elevation, body)
    st_unit = st_ecef / np.linalg.norm(st_ecef, axis=-1, keepdims=True)
    thresholds = _visibility_thresholds(a, st_ecef, mask_deg)
    theta = _rotation_angle(t, epoch)
    sun = _sun_unit_vectors(epoch, t, body)
    mean_motion = np.sqrt(mu / a**3)
    shadow_cos2 = 1.0 - (radius / a) ** 2  # in shadow: r̂·ŝ < 0 and (r̂·ŝ)² > 1 − (R/a)²

    compiled = _day_kernel() if method in ("auto", "numba") else None
    if method == "numba" and compiled is None:
        raise ImportError("constellation_day(method='numba') needs numba")
    if compiled is not None:
        return _chunks_numba(compiled, a, inc, raan, m0, mean_motion, t, theta, sun, st_unit, thresholds,
                             shadow_cos2, chunk_size, positions)

    def chunks() -> Iterator[ConstellationChunk]:
        work = np.empty(min(chunk_size, a.size) * len(st_unit) * t.size)  # cos λ, reused by every chunk
        for lo in range(0, a.size, chunk_size):
            sl = slice(lo, min(lo + chunk_size, a.size))
            n = sl.stop - sl.start
            e1, e2 = _initial_axes(inc[sl], raan[sl], m0[sl])
            sunlit = np.empty((n, t.size), dtype=bool)
            visible = np.empty((n, len(st_unit), t.size), dtype=bool)
            pos = np.empty((n, 3, t.size)) if positions else None
            groups = _shell_groups(mean_motion[sl])
            for motion, idx in groups:
                whole = len(groups) == 1
                sel = slice(None) if whole else idx
                cn, sn = np.cos(motion * t), np.sin(motion * t)
                sun_basis = np.concatenate([cn * sun.T, sn * sun.T])  # (6, n_t)
                along = np.concatenate([e1[sel], e2[sel]], axis=1) @ sun_basis  # r̂·ŝ, (n_g, n_t)
                dark = along < 0.0
                np.multiply(along, along, out=along)
                dark &= along > shadow_cos2[sl][sel, None]
                sunlit[sel] = ~dark
                vis = _visible_shell(e1[sel], e2[sel], cn, sn, theta, st_unit, thresholds[sl][sel],
                                     out=visible if whole else None, work=work)
                if not whole:
                    visible[idx] = vis
                if pos is not None:
                    ag = a[sl][sel, None]
                    basis = np.stack([cn, sn])
                    if whole:
                        np.matmul(np.stack([ag * e1, ag * e2], axis=-1), basis, out=pos)  # (n, 3, 2) @ (2, n_t)
                    else:
                        pos[idx] = np.stack([ag * e1[idx], ag * e2[idx]], axis=-1) @ basis
            yield ConstellationChunk(sl.start, sl.stop, None if pos is None else pos.transpose(0, 2, 1),
                                     sunlit, visible.transpose(0, 2, 1))

    return chunks()


def visibility_mask(
    altitudes: Any,
    inclinations: Any,
    raans: Any,
    mean_anomalies: Any,
    stations: Sequence[Any],
    epoch: Time,
    times_s: Any,
    min_elevation: Quantity | None = None,
    chunk_size: int = 128,
) -> np.ndarray:
    """Boolean visibility (n_sat, n_t, n_st): satellite above each station's elevation mask.

    Satellites as in :func:`constellation_positions` (t = 0 at ``epoch``); stations as in
    :func:`visibility_windows`. Processes ``chunk_size`` satellites at a time to bound
    memory. Spherical Earth, two-body circular orbits. A satellite is visible when the
    Earth-central angle to the station is within λ_max = arccos(g cos ε / a) − ε, which is
    the same as elevation ≥ ε (:func:`elevation_deg`) without an arcsine per sample.
    """
    mu, radius = _gm_radius("Earth")
    st_ecef, mask_deg = _stations(stations, min_elevation, "Earth")
    st_unit = st_ecef / np.linalg.norm(st_ecef, axis=-1, keepdims=True)
    t = np.atleast_1d(_si(times_s, "s")).astype(float)
    alt, inc, raan, m0 = _elements(altitudes, inclinations, raans, mean_anomalies)
    a = radius + alt
    thresholds = _visibility_thresholds(a, st_ecef, mask_deg)
    theta = _rotation_angle(t, epoch)
    mean_motion = np.sqrt(mu / a**3)
    out = np.empty((a.size, t.size, len(st_ecef)), dtype=bool)
    e1, e2 = _initial_axes(inc, raan, m0)
    work = np.empty(min(chunk_size, a.size) * len(st_ecef) * t.size)
    for motion, idx in _shell_groups(mean_motion):
        cn, sn = np.cos(motion * t), np.sin(motion * t)
        for lo in range(0, idx.size, chunk_size):
            sub = idx[lo:lo + chunk_size]
            vis = _visible_shell(e1[sub], e2[sub], cn, sn, theta, st_unit, thresholds[sub], work=work)
            out[sub] = vis.transpose(0, 2, 1)
    return out


def _windows_for(el: np.ndarray, mask: float, t: np.ndarray) -> list[tuple[float, float, float]]:
    """(start s, end s, max elevation deg) of runs where ``el`` ≥ ``mask``, edges interpolated."""
    above = el >= mask
    edges = np.flatnonzero(np.diff(above.astype(np.int8)))
    starts = [0.0] if above[0] else []
    ends: list[float] = []
    for i in edges:
        tc = t[i] + (mask - el[i]) / (el[i + 1] - el[i]) * (t[i + 1] - t[i])
        (ends if above[i] else starts).append(float(tc))
    if above[-1]:
        ends.append(float(t[-1]))
    out = []
    for t_start, t_end in zip(starts, ends, strict=True):
        inside = (t >= t_start) & (t <= t_end)
        out.append((t_start, t_end, float(el[inside].max()) if inside.any() else float(mask)))
    return out


def visibility_windows(
    altitude: Quantity,
    inclination: Quantity,
    raan: Quantity,
    stations: Sequence[Any],
    start: Time,
    duration: Quantity,
    step: Quantity | None = None,
    min_elevation: Quantity | None = None,
    mean_anomaly: Quantity | None = None,
) -> list[list[VisibilityWindow]]:
    """Passes of one circular-orbit satellite over each ground station.

    Orbit: ``altitude`` above the equatorial radius, ``inclination``, ``raan`` and
    ``mean_anomaly`` (argument of latitude, default 0) at ``start`` (astropy Time), in the
    Earth-equator J2000 frame. Stations: ``(lat_deg, lon_deg, alt_m[, min_elevation_deg])``
    tuples or objects with ``lat_deg``, ``lon_deg``, ``alt_m`` and optional
    ``min_elevation_deg`` attributes; ``min_elevation`` (angle, default 10°) applies to
    stations without their own. Sampled every ``step`` (default 10 s) over ``duration``;
    pass edges are interpolated linearly in elevation. **Spherical Earth**, geocentric
    latitude, Earth rotation by GMST + ω⊕ t, two-body orbit (no J2). Returns one list of
    :class:`VisibilityWindow` per station.
    """
    from astropy import units as u

    st_ecef, mask_deg = _stations(stations, min_elevation, "Earth")
    dt = 10.0 if step is None else _value(step, "s")
    t = np.arange(0.0, _value(duration, "s") + 0.5 * dt, dt)
    m0 = 0.0 if mean_anomaly is None else _value(mean_anomaly, "rad")
    pos = constellation_positions(_value(altitude, "m"), _value(inclination, "rad"), _value(raan, "rad"), m0, t)
    el = np.degrees(np.arcsin(np.clip(_sin_elevation_eci(pos, st_ecef, t, start)[0], -1.0, 1.0)))
    result = []
    for k in range(len(st_ecef)):
        result.append(
            [
                VisibilityWindow(start + a * u.s, start + b * u.s, (b - a) * u.s, peak * u.deg)
                for a, b, peak in _windows_for(el[:, k], mask_deg[k], t)
            ]
        )
    return result


# --------------------------------------------------------------------------------------
# Circular restricted three-body problem
# --------------------------------------------------------------------------------------

_SYSTEMS = {"earth-moon": ("Earth", ("Moon",)), "sun-earth": ("Sun", ("Earth", "Moon"))}


def _system(system: str) -> tuple[str, Any, Any, Quantity]:
    """(name of the body called Earth's position, m1, m2, separation) of a CR3BP system."""
    from astropy import constants as const
    from astropy import units as u

    key = system.strip().lower().replace("–", "-").replace("_", "-")
    if key not in _SYSTEMS:
        raise ValueError(f"unknown system {system!r}: choose 'Earth-Moon' or 'Sun-Earth'")
    primary, secondary = _SYSTEMS[key]
    m1 = _body(primary).mass
    m2 = sum((_body(b).mass for b in secondary[1:]), _body(secondary[0]).mass)
    r12 = EARTH_MOON_DISTANCE_KM * u.km if key == "earth-moon" else const.au.to(u.km)
    return key, m1, m2, r12


def lagrange_points(system: str = "Earth-Moon") -> dict[str, Quantity]:
    """Distances (km) of L1–L5 from the larger primary (library ``lagrange_points``).

    "Earth-Moon": Earth and Moon masses, separation 384,400 km (NASA Moon fact sheet).
    "Sun-Earth": Sun and Earth+Moon masses (the usual Sun–(Earth+Moon) CR3BP, Koon, Lo,
    Marsden & Ross 2011 §2), separation 1 au. L1 and L2 lie on the primary→secondary line
    (L1 between, L2 beyond the secondary), L3 on the far side of the primary; L4/L5 are at
    the secondary's distance (equilateral triangles).
    """
    from astropy import units as u

    _, m1, m2, r12 = _system(system)
    lp = _mod("threebody.restricted").lagrange_points(r12, m1.to(u.kg), m2.to(u.kg)).to(u.km)
    return {"L1": abs(lp[0]), "L2": abs(lp[1]), "L3": abs(lp[2]), "L4": r12, "L5": r12}


def lagrange_distance_from_earth(system: str, point: str) -> Quantity:
    """Distance (km) from Earth's centre to Lagrange point ``point`` ("L1".."L5") of ``system``.

    Geometry of the circular restricted problem (:func:`lagrange_points`): Earth is the
    primary in "Earth-Moon" and the secondary in "Sun-Earth".
    """
    from astropy import units as u

    key, _, _, r12 = _system(system)
    d = lagrange_points(system)
    name = point.strip().upper()
    if name not in d:
        raise ValueError(f"unknown Lagrange point {point!r}")
    x = {"L1": d["L1"], "L2": d["L2"], "L3": -d["L3"], "L4": 0.5 * r12, "L5": 0.5 * r12}[name]
    y = (math.sqrt(3.0) / 2.0) * r12 if name in ("L4", "L5") else 0.0 * u.km
    earth_x = 0.0 * u.km if key == "earth-moon" else r12
    return np.hypot(x - earth_x, y).to(u.km)

