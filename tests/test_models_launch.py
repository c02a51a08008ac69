"""Tests for sandbox.models.launch against hand calculations."""

import math

import numpy as np
import pytest

from sandbox.models import launch


def test_structure_mass_closes_the_dry_mass():
    """790 kg of subsystems, structure 21 % of dry mass: 0.21/0.79 * 790 = 210 kg; dry = 1000 kg, 210/1000 = 21 %."""
    s = launch.structure_mass_kg(790.0, 0.21)
    assert s == pytest.approx(210.0)
    assert s / (790.0 + s) == pytest.approx(0.21)


def test_structure_fraction_of_one_is_impossible():
    with pytest.raises(ValueError, match="structure_fraction"):
        launch.structure_mass_kg(100.0, 1.0)
    assert np.isnan(launch.structure_mass_kg(np.array([100.0]), np.array([1.0]))[0])


def test_payload_volume():
    """100 t at 120 kg/m3 -> 833.33 m3."""
    assert launch.payload_volume_m3(100e3, 120.0) == pytest.approx(833.333, rel=1e-6)


def test_flights_needed_mass_or_volume_limited():
    """Vehicle 100 t / 1000 m3:
    0 kg -> 0; 100 t & 500 m3 -> 1 (exactly full); 150 t & 2000 m3 -> max(1.5, 2.0) = 2; 150 t & 500 m3 -> 2."""
    got = launch.flights_needed(
        np.array([0.0, 100e3, 150e3, 150e3]), np.array([0.0, 500.0, 2000.0, 500.0]), 100e3, 1000.0
    )
    assert got.tolist() == [0.0, 1.0, 2.0, 2.0]


def test_flights_needed_ignores_float_noise_and_counts_tiny_loads():
    # (0.1 + 0.2) / 0.1 = 3.0000000000000004 in floating point: 3 flights, not 4
    assert launch.flights_needed(0.1 + 0.2, 0.0, 0.1, float("inf")) == 3.0
    # any nonzero payload needs at least one flight
    assert launch.flights_needed(1e-6, 0.0, 100e3, 1000.0) == 1.0


def test_flights_needed_vehicle_without_capacity():
    assert launch.flights_needed(1.0, 0.0, 0.0, 1000.0) == float("inf")


def test_tanker_flights():
    """1,200 t of propellant in 150 t tankers: 8 flights; 1,201 t: 9."""
    assert launch.tanker_flights(np.array([0.0, 1200e3, 1201e3]), 150e3).tolist() == [0.0, 8.0, 9.0]


def test_learning_curve_halving_and_85_percent():
    """Progress ratio 0.5 halves the price each doubling: at 8x the reference, 1/8 of it.
    85 % curve: 2x -> 0.85, 4x -> 0.7225, 1x -> unchanged."""
    assert launch.learning_curve_price(1000.0, 8.0, 1.0, 0.5) == pytest.approx(125.0)
    got = launch.learning_curve_price(1000.0, np.array([1.0, 2.0, 4.0]), 1.0, 0.85)
    assert got == pytest.approx([1000.0, 850.0, 722.5])


def test_learning_curve_no_learning_and_bad_ratio():
    assert launch.learning_curve_price(500.0, 1e6, 1.0, 1.0) == pytest.approx(500.0)
    with pytest.raises(ValueError, match="progress_ratio"):
        launch.learning_curve_price(500.0, 2.0, 1.0, 1.2)


def test_launch_emissions():
    """10 flights x 2,600 t CO2e = 26,000 t."""
    assert launch.launch_emissions_t(10, 2600.0) == pytest.approx(26000.0)


def test_rocket_equation_doubling_mass():
    """dv = g0 * Isp * ln 2 = 9.80665 * 380 * 0.693147 = 2583.03 m/s doubles the mass:
    1000 kg final mass needs 1000 kg of propellant."""
    assert launch.rocket_propellant_kg(1000.0, 2583.0317, 380.0) == pytest.approx(1000.0, rel=1e-6)
    assert launch.rocket_propellant_kg(1000.0, 0.0, 380.0) == 0.0


def test_propellant_with_tankage_closes_the_rocket_equation():
    """Centaur III (ULA Atlas V user's guide, 2010): 2,247 kg empty for 20,830 kg of propellant, f = 0.108.
    10 t dry, 3.77 km/s at Isp 380 s: R = exp(3770 / (380 × 9.80665)) = 2.7502; p0 = 10 t × 1.7502 = 17.502 t;
    with tankage m_p = 17.502 / (1 − 0.108 × 1.7502) = 21.58 t, and the burn closes: the final mass
    10 t + 0.108 m_p gives m_p again by Tsiolkovsky."""
    r = math.exp(3770.0 / (380.0 * 9.80665))
    p0 = 10_000.0 * (r - 1.0)
    mp = launch.propellant_with_tankage_kg(p0, 10_000.0, 0.108)
    assert mp == pytest.approx(p0 / (1.0 - 0.108 * (r - 1.0)), rel=1e-12)
    assert mp == pytest.approx(21_580.0, rel=1e-3)
    assert mp == pytest.approx(launch.rocket_propellant_kg(10_000.0 + 0.108 * mp, 3770.0, 380.0), rel=1e-12)
    assert launch.DEFAULTS["propellant_tankage_fraction"].nominal == pytest.approx(2247.0 / 20830.0, abs=5e-4)
    assert launch.propellant_with_tankage_kg(0.0, 10_000.0, 0.108) == 0.0
    assert launch.propellant_with_tankage_kg(p0, 10_000.0, 0.0) == pytest.approx(p0, rel=1e-15)


def test_a_stage_cannot_carry_its_own_tanks_beyond_one_over_f():
    """f (R − 1) ≥ 1: no finite propellant (R − 1 = 1 / 0.108 = 9.26, i.e. Δv ≥ Isp g0 ln 10.26)."""
    assert math.isinf(launch.propellant_with_tankage_kg(100_000.0, 10_000.0, 0.108))
    out = launch.propellant_with_tankage_kg(np.array([100_000.0, 1_000.0]), np.array([10_000.0, 10_000.0]), 0.108)
    assert np.isinf(out[0]) and out[1] == pytest.approx(1_000.0 / (1 - 0.0108), rel=1e-12)
    with pytest.raises(ValueError, match="tankage_fraction"):
        launch.propellant_with_tankage_kg(1.0, 1.0, 1.0)


def test_a_shared_manifest_fills_the_part_filled_flights_by_hand():
    """A 17.7 t hall (118 m³) and a 308.4 t rim array (2,056 m³) on a 100 t / 1,000 m³ Starship. Alone: the hall
    1 flight, the array ceil(3.084) = 4 pieces, 5 in all. Together: the array's 3 full flights, then its last
    piece (8.4 t, 56 m³) and the hall (17.7 t, 118 m³) in one flight, 26.1 t and 174 m³: 4 flights. Each element's
    load in flights: 0.177 and 3.084 (mass binds: 17.7/100 > 118/1000)."""
    flights, loads = launch.shared_manifest_flights([1, 1], [17.7e3, 308.4e3], [118.0, 2056.0], 100e3, 1000.0)
    assert flights == 4.0
    assert loads == pytest.approx([0.177, 3.084], rel=1e-12)


def test_a_shared_manifest_keeps_each_load_whole():
    """Loads are not cut: 50 t + 50 t + 40 t need 2 flights ({50, 50} fills one exactly, the 40 t rides alone),
    and two 60 t units of two elements still need 2 (120 t > 100 t), as do three 60 t units of one element
    (ceil(180/100) = 2 would cut a unit). Volume binds too: two 10 t loads of 600 m³ in a 1,000 m³ fairing, 2."""
    assert launch.shared_manifest_flights([1, 1, 1], [50e3, 50e3, 40e3], [1.0, 1.0, 1.0], 100e3, 1000.0)[0] == 2.0
    assert launch.shared_manifest_flights([1, 1], [60e3, 60e3], [1.0, 1.0], 100e3, 1000.0)[0] == 2.0
    assert launch.shared_manifest_flights([3], [60e3], [1.0], 100e3, 1000.0)[0] == 3.0
    assert launch.shared_manifest_flights([3, 1], [60e3, 30e3], [1.0, 1.0], 100e3, 1000.0)[0] == 3.0  # 60 + 30 share
    assert launch.shared_manifest_flights([1, 1], [10e3, 10e3], [600.0, 600.0], 100e3, 1000.0)[0] == 2.0


def test_a_shared_manifest_per_point_and_never_above_the_elements_own_flights():
    """Arrays give one count per point. Over random manifests of up to 4 elements (1-5 units of 1-150 t, packed at
    50-500 kg/m³), the shared count lies between the mass-and-volume bound ceil(max(Σm/M, ΣV/V_v)) and the
    elements' own flights summed (ceil(c / k) for units that fit, k = floor(min(M/m, V_v/V)); c · ceil(m/M) pieces
    for units that do not)."""
    flights, _ = launch.shared_manifest_flights(
        [1, 1], [np.array([17.7e3, 95e3]), np.array([308.4e3, 308.4e3])], [np.array([118.0, 1.0]), np.array([2056.0, 1.0])],
        100e3, 1000.0)
    assert flights.tolist() == [4.0, 5.0]  # 8.4 t + 95 t > 100 t: the second point saves nothing
    rng = np.random.default_rng(2026)
    cap_m, cap_v = 100e3, 1000.0
    for _ in range(300):
        k = int(rng.integers(1, 5))
        counts = [float(rng.integers(1, 6)) for _ in range(k)]
        masses = [float(rng.uniform(1e3, 150e3)) for _ in range(k)]
        volumes = [m / float(rng.uniform(50.0, 500.0)) for m in masses]
        own = 0.0
        for c, m, v in zip(counts, masses, volumes, strict=True):
            per = math.floor(min(cap_m / m, cap_v / v))
            own += math.ceil(c / per) if per >= 1 else c * math.ceil(max(m / cap_m, v / cap_v))
        bound = math.ceil(max(sum(c * m for c, m in zip(counts, masses, strict=True)) / cap_m,
                              sum(c * v for c, v in zip(counts, volumes, strict=True)) / cap_v) - 1e-9)
        shared, _ = launch.shared_manifest_flights(counts, masses, volumes, cap_m, cap_v)
        assert bound <= shared <= own, (counts, masses, volumes)
