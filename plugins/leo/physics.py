"""Orbit, drag, thermal-environment and query-latency helpers of the LEO compute-cluster plugin.

Everything here works in plain SI floats and numpy arrays (m, s, rad, W/m², kg/m²) and calls the
trajectory adapter (:mod:`sandbox.trajectory`) for orbits, eclipses and ground visibility and the
shared-model components (``models``: the :class:`sandbox.core.modelset.ModelSet` handed to a design
function as ``ctx.models``) for fluxes, link rates and pass waits. Nothing here prices or sums
hardware: that is the engine's job.
"""

from __future__ import annotations

import functools
import math
import warnings
from dataclasses import dataclass, field

import numpy as np

from sandbox import trajectory

#: Seconds in a Julian year.
SECONDS_PER_YEAR = 365.25 * 86400.0

# ----------------------------------------------------------------------------- atmosphere
#: The exponential atmosphere of the trajectory adapter (Vallado Table 8-4), whose source the parameters cite.
ATMOSPHERE_SOURCE = trajectory.ATMOSPHERE_SOURCE
#: Lowest altitude of the decay integration (km): below ~200 km a satellite re-enters within days.
REENTRY_ALTITUDE_KM = 200.0


def drag_decay_life_years(altitude_m: float, ballistic_coefficient_kg_m2: float, density_scale: float = 1.0,
                          mu_m3_s2: float = 3.986004418e14, radius_m: float = 6378.1366e3) -> float:
    """Years for a circular orbit to decay from ``altitude_m`` to 200 km with no propulsion.

    Circular-orbit decay rate ``da/dt = -rho sqrt(mu a) / B`` (B = m / (C_D A), kg/m²; Vallado 4th
    ed. §9.6, King-Hele), integrated ``t = ∫ B / (rho(h) sqrt(mu (R + h))) dh`` from 200 km up, with
    the exponential atmosphere above times ``density_scale``. Approximation: fixed B, density fixed
    in time (no solar cycle: use ``density_scale``), no attitude changes.
    """
    h_top = altitude_m / 1e3
    if h_top <= REENTRY_ALTITUDE_KM:
        return 0.0
    h = np.linspace(REENTRY_ALTITUDE_KM, h_top, 2001)
    rho = np.asarray(trajectory.atmosphere_density_kg_m3(h * 1e3)) * density_scale
    integrand = ballistic_coefficient_kg_m2 / (rho * np.sqrt(mu_m3_s2 * (radius_m + h * 1e3)))  # s per m
    seconds = float(np.sum(0.5 * (integrand[1:] + integrand[:-1]) * np.diff(h) * 1e3))
    return seconds / SECONDS_PER_YEAR


# ----------------------------------------------------------------------------- geometry
@dataclass(frozen=True)
class Constellation:
    """Circular-orbit constellation: per satellite altitude (m), inclination, RAAN and argument of latitude (rad).

    ``plane`` and ``slot`` index each satellite (plane k, position j in the plane); ``per_plane`` counts.
    """

    altitude_m: float
    inclination_rad: float
    raan_rad: np.ndarray
    anomaly_rad: np.ndarray
    plane: np.ndarray
    slot: np.ndarray
    per_plane: tuple[int, ...]

    @property
    def size(self) -> int:
        return int(self.raan_rad.size)


def build_constellation(n_sat: int, n_planes: int, altitude_m: float, inclination_rad: float, raan0_rad: float,
                        raan_span_rad: float, phasing: int = 1) -> Constellation:
    """Walker-type pattern (Walker 1984): ``n_planes`` planes spread evenly over ``raan_span_rad`` of RAAN
    from ``raan0_rad``, satellites evenly spaced in each plane, plane k shifted by ``2π phasing k / n_sat``."""
    n_planes = max(1, min(n_planes, n_sat))
    base, extra = divmod(n_sat, n_planes)
    per_plane = tuple(base + (1 if k < extra else 0) for k in range(n_planes))
    counts = np.asarray(per_plane, dtype=int)
    plane = np.repeat(np.arange(n_planes), counts)                       # k of each satellite
    slot = np.arange(plane.size) - np.repeat(np.cumsum(counts) - counts, counts)  # j within its plane
    # the same operations, in the same order, as the per-satellite formulas of the docstring
    raans = raan0_rad + raan_span_rad * plane.astype(float) / n_planes
    anomalies = 2.0 * math.pi * slot.astype(float) / counts[plane] + 2.0 * math.pi * phasing * plane.astype(float) / n_sat
    return Constellation(altitude_m, inclination_rad, raans, anomalies, plane, slot, per_plane)


#: Time the latency simulation covers (s): two days of visibility.
LATENCY_HORIZON_S = 2 * 86400.0
#: Largest visibility mask (bytes: satellites × time steps × stations, one bool each) the latency
#: simulation builds; beyond it the design refuses with a way out instead of exhausting memory.
MAX_VISIBILITY_MASK_BYTES = 2_000_000_000


def visibility_mask_bytes(n_sat: int, horizon_s: float, step_s: float, n_stations: int) -> int:
    """Bytes of the latency simulation's visibility mask (one bool per satellite, step and station)."""
    return int(n_sat) * int(math.ceil(horizon_s / step_s)) * int(n_stations)


def in_plane_neighbour_distance_m(altitude_m: float, per_plane: int, radius_m: float) -> float:
    """Chord between neighbours of a ring of ``per_plane`` evenly spaced satellites: ``2 r sin(π / n)``."""
    r = radius_m + altitude_m
    return 2.0 * r * math.sin(math.pi / max(per_plane, 2))


def slant_range_m(altitude_m: float, elevation_deg: float, radius_m: float) -> float:
    """Station-to-satellite distance at elevation ``el`` (spherical Earth):
    ``d = sqrt((R + h)² - R² cos² el) - R sin el`` (Wertz & Larson, SMAD 3rd ed. §5.1)."""
    el = math.radians(elevation_deg)
    r = radius_m + altitude_m
    return math.sqrt(r * r - (radius_m * math.cos(el)) ** 2) - radius_m * math.sin(el)


# ----------------------------------------------------------------------------- eclipses
@dataclass(frozen=True)
class EclipseSummary:
    """Eclipse statistics over the planes sampled: mean fraction, longest shadow (s), β range (deg), and the
    dark share of the darkest orbit of any sampled plane (``worst_fraction``)."""

    mean_fraction: float
    longest_dark_s: float
    beta_min_abs_deg: float
    beta_max_abs_deg: float
    planes_sampled: int
    worst_fraction: float


@functools.lru_cache(maxsize=256)
def _plane_eclipse(altitude_m: float, inclination_deg: float, ltan_h: float | None, raan_deg: float | None,
                   year: int, n_days: int) -> tuple[float, float, float, float, float]:
    import astropy.units as u

    kwargs = {"ltan_hours": ltan_h} if ltan_h is not None else {"raan": raan_deg * u.deg}
    with warnings.catch_warnings():  # future years: ERFA warns that leap seconds are not yet known (UTC ≈ TAI - 37 s)
        warnings.filterwarnings("ignore", message=".*dubious year.*")
        stats = trajectory.eclipse_over_year(altitude_m * u.m, inclination_deg * u.deg, year=year, n_days=n_days, **kwargs)
    betas = np.abs(stats.beta_angles.to_value(u.deg))
    return (stats.mean_fraction, float(stats.max_duration.to_value(u.s)), float(betas.min()), float(betas.max()),
            stats.max_fraction)


def constellation_eclipse(altitude_m: float, inclination_deg: float, plane_ltans_h: list[float] | None,
                          plane_raans_deg: list[float] | None, year: int, n_days: int, max_planes: int = 6) -> EclipseSummary:
    """Eclipses of up to ``max_planes`` planes (evenly sampled), each over a year with ``eclipse_over_year``.

    Mean fraction = average over the sampled planes (the constellation's energy balance); longest
    shadow = the worst plane's longest pass through the shadow (battery sizing); worst fraction = the
    darkest orbit of the worst plane (array sizing).
    """
    items = plane_ltans_h if plane_ltans_h is not None else plane_raans_deg
    assert items is not None
    pick = np.unique(np.linspace(0, len(items) - 1, min(len(items), max_planes)).round().astype(int))
    rows = []
    for i in pick:
        if plane_ltans_h is not None:
            rows.append(_plane_eclipse(float(altitude_m), float(inclination_deg), float(plane_ltans_h[i] % 24.0), None, year, n_days))
        else:
            rows.append(_plane_eclipse(float(altitude_m), float(inclination_deg), None, float(plane_raans_deg[i]), year, n_days))
    arr = np.array(rows)
    return EclipseSummary(float(arr[:, 0].mean()), float(arr[:, 1].max()), float(arr[:, 2].min()), float(arr[:, 3].max()),
                          len(pick), float(arr[:, 4].max()))


# ----------------------------------------------------------------------------- latency
@dataclass
class LatencyInputs:
    """Everything the query-latency simulation needs (SI units)."""

    stations: list                      # catalogue GroundStation entries
    epoch_iso: str                      # start of the simulated interval (UTC)
    step_s: float                       # visibility sampling step
    n_samples: int                      # number of simulated queries
    processing_s: float                 # on-board processing time per query
    setup_s: float                      # link acquisition at the start of a contact
    query_bits: float
    answer_bits: float
    uplink_bps: float
    downlink_bps: float
    ground_rtt_s: float                 # user <-> ground station over terrestrial networks (round trip)
    isl: bool
    isl_cross_plane: bool
    isl_hop_s: float                    # light time of one in-plane hop (s)
    isl_switch_s: float                 # switching/processing delay per hop (s)
    isl_rate_bps: float
    relay: str                          # "none" or "geo"
    geo_leg_s: float = 0.0              # one-way light time ground -> GEO -> LEO (s), for relay="geo"


@dataclass
class LatencyResult:
    samples_s: np.ndarray
    coverage_fraction: float            # fraction of the day with some satellite above some station's mask
    station_contact_fraction: np.ndarray  # per station: fraction of the day with a satellite in view
    mean_hops: float
    in_contact_fraction: float          # fraction of queries arriving while a satellite is in view
    best_s: float                       # latency of a query that arrives in view and answers in the same contact
    notes: list[str] = field(default_factory=list)


def _any_station(mask: np.ndarray) -> np.ndarray:
    """``mask.any(axis=2)`` for a (satellite, time, station) mask with few stations: OR-ing the
    station slices is ≈ 3× faster than numpy's reduction along a short last axis."""
    if mask.shape[2] == 0:
        return mask.any(axis=2)
    out = mask[:, :, 0].copy()
    for j in range(1, mask.shape[2]):
        out |= mask[:, :, j]
    return out


def _windows(series: np.ndarray, step_s: float) -> tuple[np.ndarray, np.ndarray]:
    """Half-open windows [start, end) (s) of the True runs of a boolean series sampled every ``step_s``."""
    s = np.asarray(series, dtype=np.int8)
    edges = np.diff(np.concatenate(([0], s, [0])))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    return starts * step_s, ends * step_s


#: Latency simulations kept per process (:func:`simulate_latency_memo`); each holds a few thousand samples.
_LATENCY_MEMO: dict[tuple, tuple[object, dict, LatencyResult]] = {}
_LATENCY_MEMO_SIZE = 256


def _latency_key(c: Constellation, li: LatencyInputs, rng: np.random.Generator, station_slant_m: float) -> tuple:
    stations = tuple((s.name, s.lat_deg, s.lon_deg, s.alt_m, s.min_elevation_deg) for s in li.stations)
    geometry = (c.altitude_m, c.inclination_rad, c.raan_rad.tobytes(), c.anomaly_rad.tobytes(), c.plane.tobytes(),
                c.slot.tobytes(), c.per_plane)
    fields = tuple(getattr(li, f) for f in LatencyInputs.__dataclass_fields__ if f != "stations")
    return geometry, stations, fields, repr(rng.bit_generator.state), station_slant_m


def simulate_latency_memo(c: Constellation, li: LatencyInputs, models, rng: np.random.Generator,
                          station_slant_m: float) -> LatencyResult:
    """:func:`simulate_latency`, remembered per process: a design that changes only prices, chips,
    power or a shared-model default (a study's or the explorer's usual change) reuses the geometry
    and the samples. The key is every input, the random generator's state (left as the simulation
    leaves it) and the link functions the simulation calls (:func:`latency_functions`: a plugin that
    replaces one gets its own results). Model defaults reach the simulation only through ``li``."""
    key = _latency_key(c, li, rng, station_slant_m)
    functions = latency_functions(models)
    hit = _LATENCY_MEMO.get(key)
    if hit is not None and hit[0] == functions:
        rng.bit_generator.state = hit[1]
        return hit[2]
    result = simulate_latency(c, li, models, rng, station_slant_m)
    if len(_LATENCY_MEMO) >= _LATENCY_MEMO_SIZE:
        _LATENCY_MEMO.pop(next(iter(_LATENCY_MEMO)))
    _LATENCY_MEMO[key] = (functions, rng.bit_generator.state, result)
    return result


def latency_functions(models) -> tuple:  # noqa: ANN001 - a sandbox ModelSet
    """The shared-model functions :func:`simulate_latency` calls, in a fixed order (compared by identity)."""
    links = models.links
    return links.light_time_s, links.transfer_time_s, links.pass_wait_s


def simulate_latency(c: Constellation, li: LatencyInputs, models, rng: np.random.Generator,
                     station_slant_m: float) -> LatencyResult:
    """Query latency samples (s) for users whose questions arrive at uniformly random times of a day.

    Path: user → ground station (terrestrial, ``ground_rtt_s/2``) → wait for a satellite in view
    of any station (``links.pass_wait_s`` over the union of contacts; a new contact costs
    ``setup_s``) → uplink (light time + serialisation) → processing on the receiving satellite →
    answer downlinked: without ISLs by the same satellite at its next contact; with in-plane ISLs by
    any satellite of its plane (any satellite with cross-plane ISLs), relayed over the fewest ring
    hops (light time per hop + ``isl_switch_s``) → station → user. ``relay="geo"``: the satellite
    talks to a GEO data-relay satellite, assumed always in view (no pass waits), light time via GEO.
    Visibility over two days from the adapter (``visibility_mask``, spherical Earth, two-body).
    """

    links = models.links
    c_light = links.light_time_s(1.0)  # s per m
    leg_s = station_slant_m * c_light
    up_fixed = leg_s + links.transfer_time_s(li.query_bits, li.uplink_bps)
    down_fixed = leg_s + links.transfer_time_s(li.answer_bits, li.downlink_bps)
    arrivals = rng.uniform(0.0, 86400.0, li.n_samples)

    if li.relay == "geo":
        relay_up = li.geo_leg_s + links.transfer_time_s(li.query_bits, li.uplink_bps)
        relay_down = li.geo_leg_s + links.transfer_time_s(li.answer_bits, li.downlink_bps)
        lat = li.ground_rtt_s + relay_up + li.processing_s + relay_down
        samples = np.full(li.n_samples, lat)
        return LatencyResult(samples, 1.0, np.ones(len(li.stations)), 0.0, 1.0, lat,
                             ["relay='geo': data-relay satellites assumed always in view (no pass waits)"])

    horizon = LATENCY_HORIZON_S
    times = np.arange(0.0, horizon, li.step_s)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*dubious year.*")
        mask = trajectory.visibility_mask(np.full(c.size, c.altitude_m), np.full(c.size, c.inclination_rad),
                                          c.raan_rad, c.anomaly_rad, li.stations, li.epoch_iso, times)
    sat_vis = _any_station(mask)                     # (n_sat, n_t)
    first_day = times < 86400.0
    station_frac = mask[:, first_day, :].any(axis=0).mean(axis=0)
    union = sat_vis.any(axis=0)
    coverage = float(union[first_day].mean())
    u_start, u_end = _windows(union, li.step_s)

    @functools.cache
    def group_windows(key: tuple) -> tuple[np.ndarray, np.ndarray]:
        kind, idx = key
        if kind == "sat":
            series = sat_vis[idx]
        elif kind == "plane":
            series = sat_vis[c.plane == idx].any(axis=0)
        else:
            series = union
        return _windows(series, li.step_s)

    per_plane = np.array(c.per_plane)
    n_planes = len(per_plane)

    def hops(a: np.ndarray) -> np.ndarray:
        """Fewest ring hops from satellites ``a`` (m,) to every satellite: (m, n_sat) (in-plane ring,
        then a plane ring if cross-plane)."""
        same = c.plane[None, :] == c.plane[a][:, None]
        n_k = per_plane[c.plane[a]][:, None]
        d_slot = np.abs(c.slot[None, :] - c.slot[a][:, None])
        in_plane = np.minimum(d_slot, n_k - d_slot)
        dp = np.abs(c.plane[None, :] - c.plane[a][:, None])
        cross = np.minimum(dp, n_planes - dp) + in_plane
        return np.where(same, in_plane, cross)

    # every question at once: wait for a contact, uplink, process, wait for a downlink, relay
    wait_up = np.asarray(links.pass_wait_s(arrivals, u_start, u_end))
    per_hop_s = li.isl_hop_s + li.isl_switch_s + links.transfer_time_s(li.answer_bits, li.isl_rate_bps)
    samples = np.full(li.n_samples, math.inf)
    ok = np.flatnonzero(np.isfinite(wait_up))
    t0, w_up = arrivals[ok], wait_up[ok]
    t_contact = t0 + w_up
    k = np.minimum((t_contact // li.step_s).astype(np.int64), times.size - 1)
    rx = np.argmax(sat_vis[:, k], axis=0)  # first satellite in view (0 if none: window edge rounding)
    in_contact = int(np.sum(w_up == 0.0))
    t_ready = t_contact + np.where(w_up > 0, li.setup_s, 0.0) + up_fixed + li.processing_s
    if not li.isl:
        group = rx
    elif li.isl_cross_plane:
        group = np.zeros_like(rx)
    else:
        group = c.plane[rx]
    w_down = np.empty(ok.size)
    for g in np.unique(group):
        sel = group == g
        key = ("sat", int(g)) if not li.isl else ("all", 0) if li.isl_cross_plane else ("plane", int(g))
        w_down[sel] = links.pass_wait_s(t_ready[sel], *group_windows(key))
    fin = np.isfinite(w_down)
    ok, t0, rx, t_ready, w_down = ok[fin], t0[fin], rx[fin], t_ready[fin], w_down[fin]
    t_dn = t_ready + w_down
    kd = np.minimum((t_dn // li.step_s).astype(np.int64), times.size - 1)
    if not li.isl:
        n_hops, tx = np.zeros(ok.size, dtype=np.int64), rx
    else:
        cand = sat_vis[:, kd].T  # (m, n_sat): satellites in view when the answer is ready to go down
        if not li.isl_cross_plane:
            cand = cand & (c.plane[None, :] == c.plane[rx][:, None])
        none = ~cand.any(axis=1)
        cand[none, rx[none]] = True  # window edge rounding: fall back to the receiving satellite
        h = np.where(cand, hops(rx), np.iinfo(np.int64).max)
        tx = np.argmin(h, axis=1)
        n_hops = h[np.arange(ok.size), tx]
    new_contact = (w_down > 0) | (tx != rx)
    samples[ok] = (t_dn - t0) + n_hops * per_hop_s + np.where(new_contact, li.setup_s, 0.0) + down_fixed + li.ground_rtt_s
    hop_counts = n_hops
    best = li.ground_rtt_s + up_fixed + li.processing_s + down_fixed
    return LatencyResult(samples, coverage, station_frac, float(np.mean(hop_counts)) if hop_counts.size else 0.0,
                         in_contact / li.n_samples, best)


def geo_relay_leg_s(altitude_m: float, radius_m: float, mu_m3_s2: float, models) -> float:
    """One-way light time station → GEO relay → LEO satellite (s).

    Station to GEO at the zenith distance (35,786 km class) and GEO to the LEO satellite at the
    quadrature distance ``sqrt(r_geo² + r_leo²)`` (satellite 90° from the relay as seen from Earth's
    centre: a mid-range geometry; the real value varies between ``r_geo - r_leo`` and the limb).
    """
    r_geo = (mu_m3_s2 * (86164.0905 / (2.0 * math.pi)) ** 2) ** (1.0 / 3.0)
    ground_geo = r_geo - radius_m
    geo_leo = math.hypot(r_geo, radius_m + altitude_m)
    return float(models.links.light_time_s(ground_geo + geo_leo))


@functools.lru_cache(maxsize=1)
def earth_constants() -> tuple[float, float]:
    """(GM in m³/s², equatorial radius in m) of the adapter's Earth."""
    import astropy.units as u

    return float(trajectory.body_mu("Earth").to_value(u.m**3 / u.s**2)), float(trajectory.body_radius("Earth").to_value(u.m))
