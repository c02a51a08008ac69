"""Tests for sandbox.models.thermal against hand calculations and published figures."""

import numpy as np
import pytest

from sandbox.models import thermal

SIGMA = 5.670374419e-8


def test_radiator_area_one_kw_at_300k():
    """1000 / (2 * 0.9 * 5.670374e-8 * (300^4 - 3^4)) = 1000 / 826.741 = 1.2096 m2."""
    assert thermal.radiator_area_m2(1000, 300, 0.9) == pytest.approx(1.20957, rel=1e-5)


def test_radiator_one_sided_needs_twice_the_area():
    two = thermal.radiator_area_m2(1000, 300, 0.9, sides=2)
    one = thermal.radiator_area_m2(1000, 300, 0.9, sides=1)
    assert one == pytest.approx(2 * two)


def test_radiator_net_flux_with_absorbed_heat():
    """350 K, eps 0.9, 2 sides, 3 K sink, 150 W/m2 absorbed:
    2 * 0.9 * 5.670374e-8 * (1.500625e10 - 81) = 1531.639; minus 150 = 1381.639 W/m2."""
    assert thermal.radiator_net_flux_w_m2(350, 0.9, 3.0, 150.0) == pytest.approx(1381.639, rel=1e-6)


def test_radiator_that_absorbs_more_than_it_emits_is_infinite():
    """At 250 K two sides emit 2*0.9*sigma*250^4 = 398.7 W/m2; absorbing 500 W/m2 -> no area works."""
    area = thermal.radiator_area_m2(np.array([1000.0, 1000.0]), 250.0, 0.9, 3.0, np.array([0.0, 500.0]))
    assert np.isfinite(area[0])
    assert np.isinf(area[1])
    assert thermal.radiator_area_m2(1000.0, 250.0, 0.9, 3.0, 500.0) == float("inf")


def test_radiator_colder_than_sink_is_infinite():
    assert thermal.radiator_area_m2(100.0, 80.0, 0.9, sink_temperature_k=100.0) == float("inf")


def test_radiator_rejects_bad_emissivity():
    with pytest.raises(ValueError, match="emissivity"):
        thermal.radiator_area_m2(1000, 300, 1.2)


def test_radiator_mass():
    """1.2095 m2 at 5 kg/m2 = 6.0475 kg."""
    assert thermal.radiator_mass_kg(1.2095, 5.0) == pytest.approx(6.0475)


def test_earth_view_factor_limits():
    # On the surface a vertical plate sees half ground, a horizontal (nadir) plate all ground.
    assert thermal.earth_view_factor(0.0) == pytest.approx(0.5)
    assert thermal.earth_view_factor(0.0, facing="nadir") == pytest.approx(1.0)


def test_earth_view_factor_550_km_hand_value():
    """H = 6921/6371 = 1.086329; nadir 1/H^2 = 0.847379;
    edge: X = sqrt(H^2-1) = 0.424394, (atan(1/X) - X/H^2)/pi = (1.169439 - 0.359622)/pi = 0.257773."""
    assert thermal.earth_view_factor(550e3, facing="nadir") == pytest.approx(0.847379, rel=1e-5)
    assert thermal.earth_view_factor(550e3) == pytest.approx(0.257773, rel=1e-5)


def _numerical_edge_view_factor(big_h: float, n: int = 1500) -> float:
    """Integrate cos(theta)/pi over the directions of the plate's hemisphere that hit the sphere.

    Plate normal = +x, sphere centre along -z at distance H (radius 1). A direction hits the
    sphere when its angle to -z is below asin(1/H).
    """
    theta = (np.arange(n) + 0.5) * (np.pi / 2) / n  # angle from the normal
    phi = (np.arange(2 * n) + 0.5) * (2 * np.pi) / (2 * n)
    th, ph = np.meshgrid(theta, phi, indexing="ij")
    dz = np.sin(th) * np.sin(ph)  # direction z-component (x along the normal)
    hits = -dz > np.cos(np.arcsin(1.0 / big_h))
    integrand = np.cos(th) * np.sin(th) * hits
    return float(integrand.sum() * (np.pi / 2 / n) * (2 * np.pi / (2 * n)) / np.pi)


@pytest.mark.parametrize("altitude_m", [550e3, 2000e3, 20000e3])
def test_earth_view_factor_edge_matches_numerical_integration(altitude_m):
    big_h = (6371e3 + altitude_m) / 6371e3
    assert thermal.earth_view_factor(altitude_m) == pytest.approx(_numerical_edge_view_factor(big_h), rel=5e-3)


def test_absorbed_flux_edge_on_radiator_in_leo():
    """Edge-on to Sun and Earth at 550 km, both faces: F_planet = 2 * 0.257773 = 0.515546.
    albedo: 0.15 * 0.30 * 1361 * 0.515546 = 31.575; IR: 0.9 * 237 * 0.515546 = 109.966; total 141.540 W/m2."""
    q = thermal.absorbed_flux_w_m2(0.15, 0.9, 1361.0, 0.0, 237.0, 0.515546, 0.30)
    assert q == pytest.approx(141.540, rel=1e-4)


def test_absorbed_flux_sun_facing_term():
    """Face-on to the Sun only: 0.15 * 1361 * 1 = 204.15 W/m2."""
    assert thermal.absorbed_flux_w_m2(0.15, 0.9, 1361.0, 1.0, 0.0, 0.0, 0.0) == pytest.approx(204.15)


def test_lunar_subsolar_temperature_matches_diviner():
    """((1 - 0.12) * 1360.8 / (0.95 * sigma))^(1/4) = 386.13 K; Diviner equatorial noon ~387-397 K."""
    t = thermal.lunar_surface_temperature_k(0.0)
    assert t == pytest.approx(386.13, rel=1e-4)
    assert t == pytest.approx(thermal.DEFAULTS["lunar_day_temperature_k"].nominal, rel=0.03)


def test_lunar_temperature_incidence_and_night():
    """60 deg incidence: cos = 0.5 -> 386.13 * 0.5^(1/4) = 324.70 K; Sun below horizon -> 95 K (Diviner night)."""
    got = thermal.lunar_surface_temperature_k(np.array([60.0, 120.0]))
    assert got == pytest.approx([324.70, 95.0], rel=1e-4)


def test_sink_temperature_vertical_radiator_lunar_night():
    """(0.5 * 95^4 + 0.5 * 2.7255^4)^(1/4) = 95 * 0.5^(1/4) = 79.885 K."""
    assert thermal.sink_temperature_k(0.5, 95.0) == pytest.approx(79.885, rel=1e-4)


def test_body_ir_of_lunar_noon():
    """0.95 * sigma * 390^4 = 0.95 * 5.670374e-8 * 2.313441e10 = 1246.2 W/m2."""
    assert thermal.body_ir_w_m2(390.0, 0.95) == pytest.approx(1246.2, rel=1e-4)


def test_terrestrial_cooling_power():
    """1 MW IT at the Uptime 2023 average PUE 1.58 -> 0.58 MW overhead; at Google's 1.10 -> 0.10 MW."""
    got = thermal.terrestrial_cooling_power_w(1e6, np.array([1.58, 1.10]))
    assert got == pytest.approx([5.8e5, 1.0e5])
    with pytest.raises(ValueError, match="pue"):
        thermal.terrestrial_cooling_power_w(1e6, 0.9)


def test_water_use():
    """1 MW IT for a year at 1.8 L/kWh: 1000 kW * 8766 h * 1.8 = 15,778,800 L."""
    assert thermal.water_use_l_per_year(1e6, 1.8) == pytest.approx(15_778_800.0)
