"""Trajectories: the one adapter between the sandbox and the orbital-mechanics library.

Every transfer, propagation, eclipse, ground-visibility and Lagrange-point figure in the
sandbox comes from this module, so two plugins never compute the same Δv two ways. It is
the **only** package that imports the orbital-mechanics library — in one module,
:mod:`~sandbox.trajectory.library` — and it does so lazily: ``import sandbox.trajectory``
loads neither the library, nor numba, nor astropy (the CLI must start in well under a
second); the first call that needs them pays for the import.

Modules
    ``library`` (library selection, numba cache, bodies), ``quantities`` (Quantity ↔ SI),
    ``constants``, ``memo`` (on-disk results of the compiled solvers, with integrity checks),
    ``transfers`` (Hohmann, bi-elliptic, Lambert, interplanetary, rocket equation), ``orbits``
    (propagation, two-body and J2, circular speeds, J2 drift, sun-synchronous inclination), ``keeping``
    (station keeping of one orbit: the exponential atmosphere and drag make-up, geostationary keeping),
    ``frames`` (GMST, Earth-fixed ↔ inertial, elevation, the Sun), ``eclipses``, ``visibility``
    (with the secular J2 rates), ``kernel`` (the constellation kernel), ``relative`` (formation
    flying: Hill/Clohessy–Wiltshire and Schweighart–Sedwick relative motion, clusters, separations,
    station-keeping) and ``threebody`` (CR3BP Lagrange points). Everything public is
    re-exported here: plugins write ``from sandbox import trajectory`` and call
    ``trajectory.hohmann(...)``.

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

from .constants import EARTH_MOON_DISTANCE_KM, EARTH_ROTATION_RATE, G0, TROPICAL_YEAR_DAYS
from .eclipses import EclipseStats, beta_angle, eclipse_fraction, eclipse_fraction_from_beta, eclipse_over_year
from .frames import eci_to_ecef, elevation_deg, gmst, station_ecef, sun_direction
from .keeping import (
    ATMOSPHERE_SOURCE,
    atmosphere_density_kg_m3,
    drag_makeup_dv_m_s_per_year,
    drag_makeup_dv_per_year,
    geo_station_keeping_dv_m_s_per_year,
    geo_station_keeping_dv_per_year,
)
from .kernel import ConstellationChunk, constellation_day, j2_mean_circular_state, mean_circular_elements
from .library import ENV_LIBRARY, SUPPORTED_LIBRARIES, backend, enable_numba_cache, numba_cache_dir
from .memo import ENV_MEMO, CacheWarning, library_results_used
from .orbits import (
    body_mu,
    body_radius,
    circular_velocity,
    nodal_regression_rate,
    orbital_period,
    propagate,
    propagate_j2,
    propagate_many,
    sun_synchronous_inclination,
)
from .relative import (
    ClusterGeometry,
    along_track_ratio,
    bisection_links,
    cluster_count,
    cluster_geometry,
    differential_drag_dv_per_year,
    drift_free_ellipse,
    hill_state,
    inertial_state,
    lattice_cluster,
    lattice_links,
    lattice_points,
    nearest_neighbour_m,
    relative_motion,
    schweighart_sedwick_c,
)
from .threebody import lagrange_distance_from_earth, lagrange_points
from .transfers import (
    InterplanetaryTransfer,
    Transfer,
    bielliptic,
    delta_v,
    deorbit_dv,
    departure_speed,
    escape_speed,
    ferry_round_trip,
    hohmann,
    hohmann_plane_change,
    interplanetary_transfer,
    lambert,
    propellant_mass,
    round_trip_propellant,
    v_inf_from_speed,
)
from .visibility import (
    VisibilityWindow,
    constellation_positions,
    secular_j2_rates,
    visibility_mask,
    visibility_windows,
)

__all__ = [
    "ATMOSPHERE_SOURCE",
    "CacheWarning",
    "ClusterGeometry",
    "ConstellationChunk",
    "EARTH_MOON_DISTANCE_KM",
    "EARTH_ROTATION_RATE",
    "ENV_LIBRARY",
    "ENV_MEMO",
    "EclipseStats",
    "G0",
    "InterplanetaryTransfer",
    "SUPPORTED_LIBRARIES",
    "TROPICAL_YEAR_DAYS",
    "Transfer",
    "VisibilityWindow",
    "along_track_ratio",
    "atmosphere_density_kg_m3",
    "backend",
    "beta_angle",
    "bielliptic",
    "bisection_links",
    "body_mu",
    "body_radius",
    "circular_velocity",
    "cluster_count",
    "cluster_geometry",
    "constellation_day",
    "constellation_positions",
    "delta_v",
    "deorbit_dv",
    "departure_speed",
    "differential_drag_dv_per_year",
    "drag_makeup_dv_m_s_per_year",
    "drag_makeup_dv_per_year",
    "drift_free_ellipse",
    "eci_to_ecef",
    "eclipse_fraction",
    "eclipse_fraction_from_beta",
    "eclipse_over_year",
    "elevation_deg",
    "enable_numba_cache",
    "escape_speed",
    "ferry_round_trip",
    "geo_station_keeping_dv_m_s_per_year",
    "geo_station_keeping_dv_per_year",
    "gmst",
    "hill_state",
    "hohmann",
    "hohmann_plane_change",
    "inertial_state",
    "interplanetary_transfer",
    "j2_mean_circular_state",
    "lagrange_distance_from_earth",
    "lagrange_points",
    "lambert",
    "library_results_used",
    "lattice_cluster",
    "lattice_links",
    "lattice_points",
    "mean_circular_elements",
    "nearest_neighbour_m",
    "nodal_regression_rate",
    "numba_cache_dir",
    "orbital_period",
    "propagate",
    "propagate_j2",
    "propagate_many",
    "propellant_mass",
    "round_trip_propellant",
    "relative_motion",
    "schweighart_sedwick_c",
    "secular_j2_rates",
    "station_ecef",
    "sun_direction",
    "sun_synchronous_inclination",
    "v_inf_from_speed",
    "visibility_mask",
    "visibility_windows",
]
