"""Formation flying (``sandbox.trajectory.relative``): Hill/Clohessy–Wiltshire and Schweighart–Sedwick
relative motion against hand values and the adapter's propagation, and the Suncatcher cluster against
its paper (Agüera y Arcas et al., Google, arXiv:2511.19468, §2.2, Fig. 2 and Fig. 3)."""

from __future__ import annotations

import math

import astropy.units as u
import numpy as np
import pytest

from sandbox import trajectory as tr

MU = tr.body_mu("Earth").to_value(u.m**3 / u.s**2)
R_EARTH = tr.body_radius("Earth").to_value(u.m)
A_650 = R_EARTH + 650e3
N_650 = math.sqrt(MU / A_650**3)
SSO_650 = tr.sun_synchronous_inclination(650 * u.km).to_value(u.rad)


def _reference_state(inc: float = SSO_650, raan: float = 0.3, u0: float = 0.7):
    p = np.array([math.cos(raan), math.sin(raan), 0.0])
    q = np.array([-math.sin(raan) * math.cos(inc), math.cos(raan) * math.cos(inc), math.sin(inc)])
    return A_650 * (math.cos(u0) * p + math.sin(u0) * q), math.sqrt(MU / A_650) * (-math.sin(u0) * p + math.cos(u0) * q)


# --------------------------------------------------------------------------------------
# Clohessy–Wiltshire
# --------------------------------------------------------------------------------------


def test_cw_bounded_motion_is_a_2_to_1_ellipse_that_repeats_each_orbit():
    """Clohessy & Wiltshire (1960); Vallado, *Fundamentals of Astrodynamics and Applications*, 4th ed., §6.8;
    Curtis, *Orbital Mechanics for Engineering Students*, ch. 7: with ẏ0 = −2 n x0 the relative orbit is an
    ellipse twice as long along-track as radially, closed after one orbital period T = 2π/n.
    650 km: n = sqrt(398600.4418 / 7028.1366³) = 1.071540e-3 rad/s, T = 97.728 min. x0 = 100 m:
    x ∈ [−100, 100] m, y ∈ [−200, 200] m."""
    assert N_650 == pytest.approx(1.071540e-3, rel=1e-6)
    period = 2 * math.pi / N_650
    assert period / 60 == pytest.approx(97.728, abs=1e-3)
    t = np.linspace(0.0, period, 3601)
    rho, rho_dot = tr.relative_motion([100.0, 0.0, 0.0], [0.0, -2 * N_650 * 100.0, 0.0], N_650, t)
    assert rho[:, 0].min() == pytest.approx(-100.0, abs=1e-6) and rho[:, 0].max() == pytest.approx(100.0, abs=1e-9)
    assert rho[:, 1].min() == pytest.approx(-200.0, abs=1e-6) and rho[:, 1].max() == pytest.approx(200.0, abs=1e-6)
    assert np.abs(rho[-1] - rho[0]).max() < 1e-9 and np.abs(rho_dot[-1] - rho_dot[0]).max() < 1e-12
    # closed form, term by term at a quarter period: x = (4 − 3 cos nt) x0 + (2/n)(1 − cos nt) ẏ0 = 400 − 400 = 0,
    # y = 6 (sin nt − nt) x0 + (4 sin nt − 3 nt) ẏ0 / n = 600 − 300π − 800 + 300π = −200 m
    quarter, _ = tr.relative_motion([100.0, 0.0, 0.0], [0.0, -2 * N_650 * 100.0, 0.0], N_650, [period / 4])
    assert quarter[0] == pytest.approx([0.0, -200.0, 0.0], abs=1e-9)


def test_cw_semi_major_axis_offset_drifts_3_pi_per_orbit():
    """A circular orbit Δa = 1 m higher (x0 = 1 m, ẏ0 = −(3/2) n x0) falls behind by 3π Δa = 9.425 m per orbit:
    y(2π/n) = 6(0 − 2π) x0 + (0 − 6π) ẏ0 / n = −12π + 9π = −3π m (Vallado §6.8)."""
    rho, _ = tr.relative_motion([1.0, 0.0, 0.0], [0.0, -1.5 * N_650, 0.0], N_650, [2 * math.pi / N_650])
    assert rho[0, 1] == pytest.approx(-3 * math.pi, rel=1e-9)
    assert rho[0, 0] == pytest.approx(1.0, rel=1e-9)


def test_cw_agrees_with_the_adapters_two_body_propagation_of_the_same_states():
    """Every satellite of the 81-satellite cluster and the reference, as inertial states, through
    ``trajectory.propagate_many`` (two-body Kepler) for one orbit: the Hill-frame motion is the CW solution
    to within 2 m over 1 km (the second-order terms the linear equations leave out, of order ρ²/a)."""
    r0, v0 = _reference_state()
    t = np.linspace(0.0, 2 * math.pi / N_650, 181)
    rc, vc = tr.propagate_many(r0 * u.m, v0 * u.m / u.s, t * u.s)
    rc, vc = rc.to_value(u.m), vc.to_value(u.m / u.s)
    _, rho0, rho_dot0 = tr.lattice_cluster(1000.0, 100.0, N_650)
    rd0, vd0 = tr.inertial_state(r0, v0, rho0, rho_dot0)
    predicted, _ = tr.relative_motion(rho0, rho_dot0, N_650, t)
    worst = 0.0
    for k in range(len(rho0)):
        rd, vd = tr.propagate_many(rd0[k] * u.m, vd0[k] * u.m / u.s, t * u.s)
        rho, _ = tr.hill_state(rc, vc, rd.to_value(u.m), vd.to_value(u.m / u.s))
        worst = max(worst, float(np.abs(rho - predicted[k]).max()))
    assert worst < 2.0


def test_hill_frame_round_trip():
    r0, v0 = _reference_state()
    rho, rho_dot = np.array([120.0, -340.0, 56.0]), np.array([0.1, -0.2, 0.03])
    r, v = tr.inertial_state(r0, v0, rho, rho_dot)
    back, back_dot = tr.hill_state(r0, v0, r, v)
    assert back == pytest.approx(rho, abs=1e-6) and back_dot == pytest.approx(rho_dot, abs=1e-12)


# --------------------------------------------------------------------------------------
# Schweighart–Sedwick (J2)
# --------------------------------------------------------------------------------------


def test_schweighart_sedwick_constants_at_650_km_sso():
    """Schweighart & Sedwick, J. Guid. Control Dyn. 25(6):1073 (2002): s = (3 J2 R²/(8 a²))(1 + 3 cos 2i),
    c = sqrt(1 + s). 650 km, i = 97.986°: s = 3 · 1.08263e-3 · (6378.1366/7028.1366)² / 8 · (1 + 3 cos 195.97°)
    = 3.3433e-4 · (−1.88445) = −6.300e-4; c = 0.999685; drift-free along/radial ratio 2c/sqrt(2 − c²) = 1.99874."""
    c = float(tr.schweighart_sedwick_c(A_650, SSO_650))
    assert c * c - 1 == pytest.approx(-6.300e-4, rel=2e-3)
    assert c == pytest.approx(0.999685, abs=2e-6)
    assert tr.along_track_ratio(c) == pytest.approx(1.99874, abs=2e-5)
    assert tr.along_track_ratio(1.0) == 2.0


def test_schweighart_sedwick_solution_solves_its_equations():
    """The closed form satisfies ẍ − 2nc ẏ − (5c² − 2) n² x = 0 and ÿ + 2nc ẋ = 0 (finite differences), reduces
    to CW at c = 1, and its drift-free ellipse (ẏ0 = −2nc x0) closes after 2π / (n sqrt(2 − c²))."""
    c, n = 0.999685, N_650
    rho0, rho_dot0 = [80.0, 30.0, 5.0], [0.02, -0.1, 0.001]
    t = np.linspace(0.0, 6000.0, 6001)
    rho, rho_dot = tr.relative_motion(rho0, rho_dot0, n, t, c)
    acc = np.gradient(rho_dot, t, axis=0)[1:-1]
    x, xd, yd = rho[1:-1, 0], rho_dot[1:-1, 0], rho_dot[1:-1, 1]
    assert np.abs(acc[:, 0] - 2 * n * c * yd - (5 * c * c - 2) * n * n * x).max() < 1e-9
    assert np.abs(acc[:, 1] + 2 * n * c * xd).max() < 1e-9
    assert np.abs(np.gradient(rho, t, axis=0)[1:-1] - rho_dot[1:-1]).max() < 1e-6
    cw = tr.relative_motion(rho0, rho_dot0, n, t, 1.0)[0]
    x0, y0, xd0, yd0 = 80.0, 30.0, 0.02, -0.1
    nt = n * t
    assert cw[:, 0] == pytest.approx((4 - 3 * np.cos(nt)) * x0 + np.sin(nt) / n * xd0 + 2 / n * (1 - np.cos(nt)) * yd0)
    assert cw[:, 1] == pytest.approx(6 * (np.sin(nt) - nt) * x0 + y0 - 2 / n * (1 - np.cos(nt)) * xd0
                                     + (4 * np.sin(nt) - 3 * nt) / n * yd0)
    e0, ed0 = tr.drift_free_ellipse(100.0, 0.4, n, c)
    period = 2 * math.pi / (n * math.sqrt(2 - c * c))
    closed, _ = tr.relative_motion(e0, ed0, n, [0.0, period], c)
    assert closed[1] == pytest.approx(closed[0], abs=1e-9)


def test_relative_motion_under_the_librarys_j2_stays_near_the_linear_models():
    """The same initial states propagated with J2 by the library (``trajectory.propagate_j2``, Cowell) for one
    orbit: both linear models (CW, SS) stay within 10 m radially and 35 m along-track over a 1 km cluster
    (3.5 %), which is the scale of what formation-keeping has to correct each orbit."""
    r0, v0 = _reference_state()
    t = np.linspace(0.0, 2 * math.pi / N_650, 121)
    rc, vc = tr.propagate_j2(r0 * u.m, v0 * u.m / u.s, t * u.s)
    rc, vc = rc.to_value(u.m), vc.to_value(u.m / u.s)
    c = float(tr.schweighart_sedwick_c(A_650, SSO_650))
    for cc in (1.0, c):
        pts, rho0, rho_dot0 = tr.lattice_cluster(1000.0, 100.0, N_650, cc)
        far = np.argsort(np.hypot(pts[:, 0], pts[:, 1]))[-4:]  # the outermost satellites
        rd0, vd0 = tr.inertial_state(r0, v0, rho0[far], rho_dot0[far])
        predicted, _ = tr.relative_motion(rho0[far], rho_dot0[far], N_650, t, cc)
        for k in range(len(far)):
            rd, vd = tr.propagate_j2(rd0[k] * u.m, vd0[k] * u.m / u.s, t * u.s)
            rho, _ = tr.hill_state(rc, vc, rd.to_value(u.m), vd.to_value(u.m / u.s))
            err = np.abs(rho - predicted[k]).max(axis=0)
            assert err[0] < 10.0 and err[1] < 35.0 and err[2] < 1.0


# --------------------------------------------------------------------------------------
# The Suncatcher cluster (arXiv:2511.19468 §2.2)
# --------------------------------------------------------------------------------------


def test_suncatcher_cluster_has_81_satellites_within_r_and_r_over_2():
    """§2.2: 81 satellites in a planar square lattice, cluster radius R = 1 km, all within '±R prograde, ±R/2 in
    altitude'. The lattice step of 100 m holds exactly the 81 points (i, j) with i² + j² ≤ 25 (Gauss's circle
    count for radius 5)."""
    g = tr.cluster_geometry(1000.0, 100.0, 650e3, SSO_650, j2_aware=False)
    assert g.n_satellites == 81
    assert g.envelope_m == pytest.approx((500.0, 1000.0, 0.0), abs=1e-6)


def test_suncatcher_neighbour_distances_oscillate_100_to_200_m_twice_per_orbit():
    """§2.2: 'next-nearest-neighbor distance oscillating between (approximately) 100 and 200 m', 'two full
    cycles per full orbit'; Fig. 3 plots the eight neighbours, the diagonals √2 times further (141–283 m).
    The closest approach of any two satellites is the lattice step, 100 m."""
    for j2_aware in (False, True):
        g = tr.cluster_geometry(1000.0, 100.0, 650e3, SSO_650, j2_aware=j2_aware)
        assert g.link_min_m == pytest.approx(100.0, abs=0.5)
        assert g.link_max_m == pytest.approx(200.0, abs=0.5)
        assert g.link_cycles_per_orbit == 2
        assert g.min_separation_m == pytest.approx(100.0, abs=0.5)
    pts, rho0, rho_dot0 = tr.lattice_cluster(1000.0, 100.0, N_650)
    rho, _ = tr.relative_motion(rho0, rho_dot0, N_650, np.linspace(0.0, 2 * math.pi / N_650, 721))
    links = tr.lattice_links(pts, 100.0, diagonal=True)
    diagonal = np.abs(np.abs(pts[links[:, 0]] - pts[links[:, 1]]).min(axis=1) - 100.0) < 1e-6
    lengths = np.linalg.norm(rho[links[diagonal, 0]] - rho[links[diagonal, 1]], axis=-1)
    assert lengths.min() == pytest.approx(100 * math.sqrt(2), abs=0.1)
    assert lengths.max() == pytest.approx(200 * math.sqrt(2), abs=0.1)


def test_satellite_count_scales_as_r_squared():
    """§2.2: 'number of satellites scaling quadratically with cluster radius, N ∼ R²' at a given spacing. The lattice
    count is Gauss's circle count for radius R/(2s): 21, 81, 317, 1257 for R = 0.5, 1, 2, 4 km at 100 m, and
    N / (π (R/2s)²) → 1 (5,025 vs 5,026.5 at R = 8 km)."""
    counts = [tr.cluster_count(r, 100.0) for r in (500.0, 1000.0, 2000.0, 4000.0, 8000.0)]
    assert counts == [21, 81, 317, 1257, 5025]
    assert counts[-1] / (math.pi * 40**2) == pytest.approx(1.0, abs=1e-3)


def test_bisection_of_the_suncatcher_lattice():
    """Cutting the 81-point lattice between the centre column and its neighbour cuts one direct-neighbour link per
    row present in both columns: rows |j| ≤ 4 (1 + j² ≤ 25), 9 links; 140 direct-neighbour links in all
    (2 per interior point minus the rim)."""
    pts = tr.lattice_points(1000.0, 100.0)
    assert tr.bisection_links(pts, 100.0) == 9
    assert len(tr.lattice_links(pts, 100.0)) == 140


def test_station_keeping_dv():
    """Differential drag: ½ ρ v² Δ(C_D A/m) over a Julian year (Vallado 4th ed. Eq. 8-29). ρ = 7.2e-14 kg/m³,
    v = 7,530 m/s, Δ = 1e-3 m²/kg: 0.5 · 7.2e-14 · 5.67009e7 · 1e-3 · 3.15576e7 = 0.06442 m/s/yr. J2: the paper's
    bound, < 3 m/s/yr per km of maximal distance from the reference orbit (§2.2): 3 m/s/yr for the outermost
    satellite of the 1 km cluster, which also pays drag: 3.064 m/s/yr at v = n a = 7,530.9 m/s."""
    assert tr.differential_drag_dv_per_year(7.2e-14, 7530.0, 1e-3) == pytest.approx(0.06442, rel=1e-3)
    g = tr.cluster_geometry(1000.0, 100.0, 650e3, SSO_650, j2_aware=False)
    v = N_650 * A_650
    drag = 0.5 * 7.2e-14 * v * v * 1e-3 * 365.25 * 86400
    assert g.keeping_dv_max_m_s_per_year == pytest.approx(3.0 + drag, rel=1e-6)
    assert g.drag_keeping_dv_m_s_per_year == pytest.approx(drag * 80 / 81, rel=1e-9)  # the reference satellite pays none
