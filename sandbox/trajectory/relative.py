"""Formation flying: relative motion about a circular reference orbit, clusters, separations, station-keeping.

Frame: the reference orbit's local-vertical local-horizontal (Hill) frame, x radial (outward),
y along-track, z cross-track (along the orbit normal); relative velocities are taken in that
rotating frame. Plain SI floats and numpy arrays (m, m/s, s, rad) as the argument names say.

* Clohessy–Wiltshire (Hill) closed form for a circular reference orbit (Clohessy & Wiltshire,
  J. Aerospace Sci. 27(9):653, 1960; Curtis, *Orbital Mechanics for Engineering Students*,
  ch. 7; Vallado, *Fundamentals of Astrodynamics and Applications*, 4th ed., §6.8).
* Schweighart–Sedwick J2-modified in-plane equations (Schweighart & Sedwick, 'High-fidelity
  linearized J2 model for satellite formation flight', J. Guid. Control Dyn. 25(6):1073, 2002):
  ẍ − 2nc ẏ − (5c² − 2) n² x = 0, ÿ + 2nc ẋ = 0, with c = sqrt(1 + s),
  s = (3 J2 R² / (8 a²)) (1 + 3 cos 2i). Cross-track motion is kept at the CW frequency n
  (the SS cross-track terms come from differential nodes, which an in-plane cluster does not have).
* The Suncatcher cluster (Agüera y Arcas et al., arXiv:2511.19468, §2.2 and Fig. 2–3): satellites
  on drift-free relative ellipses about the reference orbit, all in the orbital plane, placed on a
  square lattice of the ellipse's "circular" coordinates (x, y/k), k = 2 (CW) or 2c/sqrt(2 − c²)
  (SS). The pattern turns rigidly in those coordinates, so in real space every neighbour link
  stretches from the lattice step to k times it and back, twice per orbit, and the cluster fills
  ±R along-track, ±R/k radially.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sandbox.core.sourced import Sourced

from .bodies import gm_radius, j2

_SUNCATCHER = ("Agüera y Arcas et al. (Google), 'Towards a future space-based, highly scalable AI infrastructure "
               "system design', arXiv:2511.19468 (2025)")

#: Sourced inputs of the station-keeping estimate (SI).
DEFAULTS: dict[str, Sourced] = {
    "j2_keeping_dv_m_s_per_year_per_km": Sourced(
        3.0,
        "m/(s yr km)",
        _SUNCATCHER + " §2.2: with the relative-ellipse axis ratio adjusted to 2:1.0037, J2 drift can be kept "
        "'< 3 m/s/year per km of maximal distance from reference orbit' (the paper's numerical estimate)",
        low=0.5,
        high=3.0,
        note="the paper's figure is an upper bound; the low value is an assumption (about 1/6 of it)",
    ),
    "density_650km_kg_m3": Sourced(
        7.2e-14,
        "kg/m3",
        "Vallado, Fundamentals of Astrodynamics and Applications, 4th ed. (2013), Table 8-4 exponential "
        "atmosphere: 1.454e-13 kg/m3 at 600 km, scale height 71.835 km -> 7.2e-14 at 650 km; the solar-cycle "
        "span from NRLMSIS 2.0 (Emmert et al., Earth Space Sci. 8, e2020EA001321, 2021)",
        low=1.6e-14,
        high=1.6e-12,
    ),
    "delta_ballistic_coefficient_m2_kg": Sourced(
        1.0e-3,
        "m2/kg",
        "Spread of C_D A/m between cluster members: 0.25 % of a member's C_D A/m = 2.2 x 105 m2 / 575 kg = "
        "0.40 m2/kg, i.e. 1.0e-3 m2/kg (Starlink v2 mini array area and mass, " + _SUNCATCHER + " Table 1 and "
        "§4.4; C_D = 2.2, Vallado 4th ed. §8.6.2)",
        low=0.0,
        high=1.0e-2,
        note="the 0.25 % spread (0-2.5 %) is an assumption: identical satellites flown at the same attitude",
    ),
}

SECONDS_PER_YEAR = 365.25 * 86400.0


# --------------------------------------------------------------------------------------
# Frames
# --------------------------------------------------------------------------------------


def _lvlh_axes(r_ref: np.ndarray, v_ref: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Unit radial, along-track, cross-track axes (..., 3) and the frame's angular velocity |h|/r² (...)."""
    h = np.cross(r_ref, v_ref)
    rn = np.linalg.norm(r_ref, axis=-1, keepdims=True)
    ex = r_ref / rn
    ez = h / np.linalg.norm(h, axis=-1, keepdims=True)
    ey = np.cross(ez, ex)
    omega = np.linalg.norm(h, axis=-1) / rn[..., 0] ** 2
    return ex, ey, ez, omega


def hill_state(r_ref: Any, v_ref: Any, r: Any, v: Any) -> tuple[np.ndarray, np.ndarray]:
    """Relative position and velocity (m, m/s; (..., 3)) of ``r, v`` in the Hill frame of ``r_ref, v_ref``.

    Inertial inputs in m and m/s, broadcast together. The velocity is the rate seen in the rotating
    frame: ρ̇ = Cᵀ(Δv − ω × Δr), ω = h/r² along the orbit normal (Curtis ch. 7).
    """
    r_ref, v_ref, r, v = (np.asarray(x, float) for x in (r_ref, v_ref, r, v))
    ex, ey, ez, omega = _lvlh_axes(r_ref, v_ref)
    dr, dv = r - r_ref, v - v_ref
    dv = dv - np.cross(omega[..., None] * ez, dr)
    rho = np.stack([(dr * ex).sum(-1), (dr * ey).sum(-1), (dr * ez).sum(-1)], axis=-1)
    rho_dot = np.stack([(dv * ex).sum(-1), (dv * ey).sum(-1), (dv * ez).sum(-1)], axis=-1)
    return rho, rho_dot


def inertial_state(r_ref: Any, v_ref: Any, rho: Any, rho_dot: Any) -> tuple[np.ndarray, np.ndarray]:
    """Inverse of :func:`hill_state`: inertial position and velocity (m, m/s) of a Hill-frame state."""
    r_ref, v_ref, rho, rho_dot = (np.asarray(x, float) for x in (r_ref, v_ref, rho, rho_dot))
    ex, ey, ez, omega = _lvlh_axes(r_ref, v_ref)
    dr = rho[..., :1] * ex + rho[..., 1:2] * ey + rho[..., 2:] * ez
    dv = rho_dot[..., :1] * ex + rho_dot[..., 1:2] * ey + rho_dot[..., 2:] * ez
    return r_ref + dr, v_ref + dv + np.cross(omega[..., None] * ez, dr)


# --------------------------------------------------------------------------------------
# Relative motion: Clohessy–Wiltshire and Schweighart–Sedwick
# --------------------------------------------------------------------------------------


def schweighart_sedwick_c(a_m: Any, inc_rad: Any, body: str = "Earth") -> Any:
    """Schweighart–Sedwick's c = sqrt(1 + s), s = (3 J2 R² / (8 a²)) (1 + 3 cos 2i) (dimensionless).

    650 km sun-synchronous (i = 97.99°): s = −6.30e-4, c = 0.999685. c = 1 is Clohessy–Wiltshire.
    """
    _, radius = gm_radius(body)
    a = np.asarray(a_m, float)
    s = 3.0 * j2(body) * radius**2 / (8.0 * a * a) * (1.0 + 3.0 * np.cos(2.0 * np.asarray(inc_rad, float)))
    return np.sqrt(1.0 + s)


def relative_motion(rho0: Any, rho_dot0: Any, mean_motion_rad_s: float, times_s: Any,
                    c: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Closed-form linear relative motion about a circular reference orbit: (ρ, ρ̇), shape (..., n_t, 3).

    ``rho0``/``rho_dot0``: Hill-frame states (m, m/s), shape (..., 3); ``mean_motion_rad_s``: n of
    the reference orbit; ``times_s`` (n_t,). ``c = 1``: Clohessy–Wiltshire,
    x = (4 − 3 cos nt) x0 + (sin nt / n) ẋ0 + (2/n)(1 − cos nt) ẏ0, ... (Curtis ch. 7;
    Vallado §6.8). ``c`` from :func:`schweighart_sedwick_c`: the SS in-plane solution, with
    ω = n sqrt(2 − c²), C = ẏ0 + 2nc x0 (conserved), x_p = 2ncC/ω²:
    x = x_p + (x0 − x_p) cos ωt + (ẋ0/ω) sin ωt, ẏ = −2nc x + C. Cross-track: z0 cos nt + (ż0/n) sin nt.
    """
    rho0, rho_dot0 = np.asarray(rho0, float), np.asarray(rho_dot0, float)
    t = np.atleast_1d(np.asarray(times_s, float))
    n = float(mean_motion_rad_s)
    w = n * np.sqrt(2.0 - c * c)
    x0, y0, z0 = (rho0[..., k, None] for k in range(3))
    xd0, yd0, zd0 = (rho_dot0[..., k, None] for k in range(3))
    big_c = yd0 + 2.0 * n * c * x0
    xp = 2.0 * n * c * big_c / (w * w)
    cw, sw = np.cos(w * t), np.sin(w * t)
    x = xp + (x0 - xp) * cw + xd0 / w * sw
    xd = -(x0 - xp) * w * sw + xd0 * cw
    # y = y0 + C t − 2nc ∫x dt
    y = y0 + big_c * t - 2.0 * n * c * (xp * t + (x0 - xp) * sw / w + xd0 * (1.0 - cw) / (w * w))
    yd = big_c - 2.0 * n * c * x
    cn, sn = np.cos(n * t), np.sin(n * t)
    z = z0 * cn + zd0 / n * sn
    zd = -z0 * n * sn + zd0 * cn
    return np.stack([x, y, z], axis=-1), np.stack([xd, yd, zd], axis=-1)


def along_track_ratio(c: float = 1.0) -> float:
    """Along-track / radial amplitude of a drift-free relative ellipse: 2 (CW), 2c / sqrt(2 − c²) (SS)."""
    return float(2.0 * c / np.sqrt(2.0 - c * c))


def drift_free_ellipse(radial_amplitude_m: Any, phase_rad: Any, mean_motion_rad_s: float,
                       c: float = 1.0, cross_track_m: Any = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Initial Hill states (m, m/s; (..., 3)) on drift-free relative ellipses.

    x = A cos(ωt + φ), y = −k A sin(ωt + φ) with k = :func:`along_track_ratio` and ω = n sqrt(2 − c²)
    (n for CW); ẏ0 = −2nc x0, the drift-free condition (CW: ẏ0 = −2n x0). ``cross_track_m``:
    amplitude of an optional out-of-plane oscillation in phase with x (passive safety; 0 keeps
    the cluster planar, as in the paper's illustration).
    """
    a, phi = np.broadcast_arrays(np.asarray(radial_amplitude_m, float), np.asarray(phase_rad, float))
    zc = np.broadcast_to(np.asarray(cross_track_m, float), a.shape)
    n = float(mean_motion_rad_s)
    w, k = n * np.sqrt(2.0 - c * c), along_track_ratio(c)
    rho0 = np.stack([a * np.cos(phi), -k * a * np.sin(phi), zc * np.cos(phi)], axis=-1)
    rho_dot0 = np.stack([-w * a * np.sin(phi), -k * w * a * np.cos(phi), -n * zc * np.sin(phi)], axis=-1)
    return rho0, rho_dot0


# --------------------------------------------------------------------------------------
# Clusters
# --------------------------------------------------------------------------------------


def lattice_points(radius_m: float, spacing_m: float, ratio: float = 2.0) -> np.ndarray:
    """Square-lattice points (m, (N, 2)) of step ``spacing_m`` inside the disk of radius ``radius_m / ratio``.

    The Suncatcher layout in the ellipse's circular coordinates (x, y / k): a cluster of
    along-track radius R holds every lattice point within R/k (k = 2 for CW), so
    N ≈ π (R / (k s))²: 81 points for R = 1 km, s = 100 m (the paper's 81-satellite cluster,
    arXiv:2511.19468 §2.2), 317 for R = 2 km: N ∝ R² for a given spacing.
    """
    if radius_m < 0 or spacing_m <= 0 or ratio <= 0:
        raise ValueError("radius_m must be >= 0, spacing_m and ratio > 0")
    m = int(np.floor(radius_m / ratio / spacing_m + 1e-9))
    i, j = np.meshgrid(np.arange(-m, m + 1), np.arange(-m, m + 1), indexing="ij")
    inside = (i * i + j * j) * spacing_m**2 <= (radius_m / ratio) ** 2 * (1.0 + 1e-12)
    return np.stack([i[inside], j[inside]], axis=-1).astype(float) * spacing_m


def cluster_count(radius_m: float, spacing_m: float, ratio: float = 2.0) -> int:
    """Number of satellites a cluster of along-track radius ``radius_m`` holds at lattice step ``spacing_m``."""
    return int(len(lattice_points(radius_m, spacing_m, ratio)))


def lattice_cluster(radius_m: float, spacing_m: float, mean_motion_rad_s: float, c: float = 1.0,
                    cross_track_m: float = 0.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Initial Hill states of a Suncatcher-type planar cluster: (lattice points (N, 2), ρ0 (N, 3), ρ̇0 (N, 3)).

    Each lattice point p = (ξ, η) (:func:`lattice_points`) becomes a drift-free ellipse of radial
    amplitude |p| and phase atan2(−η, ξ), so at t = 0 the satellite sits at (ξ, k η). The reference
    orbit itself (p = 0) is the central satellite. ``cross_track_m`` scales an out-of-plane
    oscillation proportional to each radial amplitude (0: planar).
    """
    k = along_track_ratio(c)
    pts = lattice_points(radius_m, spacing_m, k)
    amp = np.hypot(pts[:, 0], pts[:, 1])
    phase = np.arctan2(-pts[:, 1], pts[:, 0])
    rho0, rho_dot0 = drift_free_ellipse(amp, phase, mean_motion_rad_s, c, cross_track_m * amp / max(radius_m, 1e-300))
    return pts, rho0, rho_dot0


def lattice_links(points: np.ndarray, spacing_m: float, diagonal: bool = False) -> np.ndarray:
    """Index pairs (L, 2) of lattice neighbours: the 4 direct neighbours (and the 4 diagonals if asked)."""
    idx = {(int(round(p[0] / spacing_m)), int(round(p[1] / spacing_m))): k for k, p in enumerate(points)}
    steps = [(1, 0), (0, 1)] + ([(1, 1), (1, -1)] if diagonal else [])
    pairs = [(k, idx[(i + di, j + dj)]) for (i, j), k in idx.items() for di, dj in steps if (i + di, j + dj) in idx]
    return np.asarray(pairs, dtype=int).reshape(-1, 2)


def bisection_links(points: np.ndarray, spacing_m: float, diagonal: bool = False) -> int:
    """Fewest neighbour links cut when the lattice is split into two halves by a line between lattice columns
    (or rows) next to the centre: the links an all-reduce across the cluster's halves must share."""
    links = lattice_links(points, spacing_m, diagonal)
    best = None
    for axis in (0, 1):
        cell = np.round(points[:, axis] / spacing_m).astype(int)
        for cut in (-1, 0):  # between cut and cut + 1
            crossing = int(np.sum((cell[links[:, 0]] <= cut) != (cell[links[:, 1]] <= cut)))
            best = crossing if best is None else min(best, crossing)
    return int(best or 0)


def nearest_neighbour_m(positions_m: np.ndarray) -> np.ndarray:
    """Distance (m) from each satellite to its nearest other satellite, per time: (N, n_t) from (N, n_t, 3)."""
    p = np.asarray(positions_m, float)
    out = np.empty(p.shape[:2])
    for k in range(p.shape[1]):
        d = p[:, k, None, :] - p[None, :, k, :]
        dist2 = np.einsum("ijk,ijk->ij", d, d)
        np.fill_diagonal(dist2, np.inf)
        out[:, k] = np.sqrt(dist2.min(axis=1))
    return out


def differential_drag_dv_per_year(density_kg_m3: Any, speed_m_s: Any, delta_ballistic_m2_kg: Any) -> Any:
    """Δv (m/s per year) to cancel a difference of drag between two satellites: ½ ρ v² Δ(C_D A/m) × 1 year.

    Vallado 4th ed. Eq. 8-29 (drag acceleration ½ ρ v² C_D A/m), applied to the difference of the
    ballistic coefficients and integrated over a Julian year.
    """
    return 0.5 * np.asarray(density_kg_m3, float) * np.asarray(speed_m_s, float) ** 2 \
        * np.asarray(delta_ballistic_m2_kg, float) * SECONDS_PER_YEAR


@dataclass(frozen=True)
class ClusterGeometry:
    """A planar formation cluster over one relative orbit (SI units).

    ``n_satellites``; ``radius_m`` (along-track), ``spacing_m`` (lattice step); ``period_s`` of the
    relative motion; ``link_min_m``/``link_max_m``: shortest and longest direct-neighbour link over
    the orbit; ``link_cycles_per_orbit``: how often a link stretches and relaxes per orbit;
    ``nearest_neighbour_min_m``/``_max_m``: range of every satellite's nearest-neighbour distance;
    ``min_separation_m``: closest approach of any two satellites; ``envelope_m``: half-extent
    (radial, along-track, cross-track); ``links``/``bisection_links``: direct-neighbour links in all and
    across the cluster's halves; ``j2_keeping_dv_m_s_per_year`` and ``drag_keeping_dv_m_s_per_year``:
    mean per-satellite formation-keeping Δv per year (J2 per km of each satellite's largest
    distance from the reference; differential drag for every satellite but the reference); their
    sum ``keeping_dv_m_s_per_year`` and its largest per-satellite value ``keeping_dv_max_m_s_per_year``.
    """

    n_satellites: int
    radius_m: float
    spacing_m: float
    period_s: float
    link_min_m: float
    link_max_m: float
    link_cycles_per_orbit: float
    nearest_neighbour_min_m: float
    nearest_neighbour_max_m: float
    min_separation_m: float
    envelope_m: tuple[float, float, float]
    links: int
    bisection_links: int
    j2_keeping_dv_m_s_per_year: float
    drag_keeping_dv_m_s_per_year: float
    keeping_dv_m_s_per_year: float
    keeping_dv_max_m_s_per_year: float


def cluster_geometry(
    radius_m: float,
    spacing_m: float,
    altitude_m: float,
    inclination_rad: float,
    body: str = "Earth",
    j2_aware: bool = True,
    samples: int = 720,
    j2_dv_per_km: float | None = None,
    density_kg_m3: float | None = None,
    delta_ballistic_m2_kg: float | None = None,
) -> ClusterGeometry:
    """Geometry and station-keeping of a Suncatcher-type cluster about a circular reference orbit.

    Satellites from :func:`lattice_cluster` (Schweighart–Sedwick when ``j2_aware``, else CW),
    propagated in closed form over one relative period at ``samples`` steps. Station-keeping
    inputs default to :data:`DEFAULTS` (J2: the paper's < 3 m/s/yr per km bound; drag at the
    altitude's density: Vallado's 650 km value, so pass ``density_kg_m3`` at other altitudes).
    """
    mu, radius = gm_radius(body)
    a = radius + float(altitude_m)
    n = float(np.sqrt(mu / a**3))
    c = float(schweighart_sedwick_c(a, inclination_rad, body)) if j2_aware else 1.0
    pts, rho0, rho_dot0 = lattice_cluster(radius_m, spacing_m, n, c)
    period = 2.0 * np.pi / (n * np.sqrt(2.0 - c * c))
    t = np.linspace(0.0, period, int(samples), endpoint=False)
    rho, _ = relative_motion(rho0, rho_dot0, n, t, c)  # (N, n_t, 3)
    links = lattice_links(pts, spacing_m)
    if len(links):
        link_len = np.linalg.norm(rho[links[:, 0]] - rho[links[:, 1]], axis=-1)  # (L, n_t)
        one = link_len[0] - link_len[0].mean()
        cycles = float(np.sum((one[:-1] < 0) & (np.roll(one, -1)[:-1] >= 0)))
        lmin, lmax = float(link_len.min()), float(link_len.max())
    else:
        cycles, lmin, lmax = 0.0, float("nan"), float("nan")
    nn = nearest_neighbour_m(rho) if len(pts) > 1 else np.full((1, t.size), np.inf)
    envelope = tuple(float(np.abs(rho[..., k]).max()) for k in range(3))
    far_km = np.linalg.norm(rho, axis=-1).max(axis=1) / 1e3  # each satellite's largest distance from the reference
    k_j2 = DEFAULTS["j2_keeping_dv_m_s_per_year_per_km"].nominal if j2_dv_per_km is None else j2_dv_per_km
    rho_air = DEFAULTS["density_650km_kg_m3"].nominal if density_kg_m3 is None else density_kg_m3
    d_beta = DEFAULTS["delta_ballistic_coefficient_m2_kg"].nominal if delta_ballistic_m2_kg is None \
        else delta_ballistic_m2_kg
    dv_j2 = k_j2 * far_km
    dv_drag = np.where(far_km > 0, float(differential_drag_dv_per_year(rho_air, n * a, d_beta)), 0.0)
    total = dv_j2 + dv_drag
    return ClusterGeometry(
        n_satellites=int(len(pts)),
        radius_m=float(radius_m),
        spacing_m=float(spacing_m),
        period_s=float(period),
        link_min_m=lmin,
        link_max_m=lmax,
        link_cycles_per_orbit=cycles,
        nearest_neighbour_min_m=float(nn.min()),
        nearest_neighbour_max_m=float(nn.max()),
        min_separation_m=float(nn.min()),
        envelope_m=envelope,  # type: ignore[arg-type]
        links=int(len(links)),
        bisection_links=bisection_links(pts, spacing_m),
        j2_keeping_dv_m_s_per_year=float(dv_j2.mean()),
        drag_keeping_dv_m_s_per_year=float(dv_drag.mean()),
        keeping_dv_m_s_per_year=float(total.mean()),
        keeping_dv_max_m_s_per_year=float(total.max()),
    )
