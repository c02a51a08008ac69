"""Tests for sandbox.models.power against hand calculations."""

import numpy as np
import pytest

from sandbox.models import power


def test_solar_flux_at_mars():
    """1360.8 / 1.524^2 = 1360.8 / 2.322576 = 585.90 W/m2."""
    assert power.solar_flux_w_m2(1.524, 1360.8) == pytest.approx(585.90, rel=1e-4)


def test_solar_flux_inverse_square_and_bad_distance():
    got = power.solar_flux_w_m2(np.array([1.0, 2.0, 0.0]), 1360.8)
    assert got[0] == pytest.approx(1360.8)
    assert got[1] == pytest.approx(1360.8 / 4)
    assert np.isnan(got[2])
    with pytest.raises(ValueError):
        power.solar_flux_w_m2(-1.0, 1360.8)


def test_array_power_required_hand_value():
    """1 kW load, 40 % eclipse, 90 % storage round trip:
    1000 * (1 + 0.4 / (0.6 * 0.9)) = 1000 * (1 + 0.740741) = 1740.741 W."""
    assert power.array_power_required_w(1000, 0.4, 0.9) == pytest.approx(1740.741, rel=1e-6)


def test_a_quantity_is_refused_not_read_as_its_bare_number():
    """numpy drops a Quantity's unit: 1 kW would silently be 1 W (1.740741 W instead of 1,740.741 W above). The model
    functions take SI floats, so a Quantity is refused with a TypeError that says how to convert it."""
    import astropy.units as u

    with pytest.raises(TypeError, match=r"got the Quantity 1\.0 kW: convert it first"):
        power.array_power_required_w(1 * u.kW, 0.4, 0.9)
    assert power.array_power_required_w((1 * u.kW).to_value(u.W), 0.4, 0.9) == pytest.approx(1740.741, rel=1e-6)


def test_array_power_required_energy_balance():
    """Surplus in sunlight (P - L)(1-f) equals what storage must absorb, L f / eta."""
    load, f, eta = 2500.0, 0.37, 0.85
    p = power.array_power_required_w(load, f, eta)
    assert (p - load) * (1 - f) == pytest.approx(load * f / eta, rel=1e-12)


def test_array_power_required_limits():
    got = power.array_power_required_w(1000.0, np.array([0.0, 1.0]), 0.9)
    assert got[0] == 1000.0  # always lit: just the load
    assert np.isinf(got[1])  # never lit: impossible
    with pytest.raises(ValueError, match="round_trip_efficiency"):
        power.array_power_required_w(1000.0, 0.3, 0.0)


def test_storage_loss_is_what_the_array_puts_in_beyond_what_storage_gives_back():
    """1 kW load, 40 % eclipse, 90 % round trip: storage gives back 400 W-cycles for 444.4 put in, so the mean loss is
    1000 × 0.4 × (1/0.9 − 1) = 44.44 W; the same as the array's surplus over the load averaged over the cycle,
    (P − L)(1 − f) − L f with P = 1,740.741 W from SMAD §11.4's array power."""
    assert power.storage_loss_w(1000.0, 0.4, 0.9) == pytest.approx(44.444444, rel=1e-6)
    p = power.array_power_required_w(1000.0, 0.4, 0.9)
    assert power.storage_loss_w(1000.0, 0.4, 0.9) == pytest.approx((p - 1000.0) * 0.6 - 1000.0 * 0.4, rel=1e-12)
    got = power.storage_loss_w(np.array([1000.0, 1000.0, 1000.0]), np.array([0.0, 0.4, 1.2]), 0.9)
    assert got[0] == 0.0 and got[1] == pytest.approx(44.444444, rel=1e-6) and np.isnan(got[2])
    with pytest.raises(ValueError, match="round_trip_efficiency"):
        power.storage_loss_w(1000.0, 0.4, 0.0)


def test_array_rating_for_a_capacity_factor_hand_value():
    """A ground site: 1 MW load, capacity factor 0.25, half the energy through storage at 80 % round trip:
    1e6 * (0.5 + 0.5 / 0.8) / 0.25 = 1e6 * 1.125 / 0.25 = 4.5 MW rated (the yearly energy balance)."""
    assert power.array_rating_for_capacity_factor_w(1e6, 0.25, 0.5, 0.8) == pytest.approx(4.5e6)


def test_array_rating_agrees_with_the_eclipse_cycle_when_cf_is_the_lit_fraction():
    """In orbit the lit fraction 1 - f is the capacity factor: L ((1 - f) + f/eta) / (1 - f) = L (1 + f/((1 - f) eta)),
    SMAD §11.4's array power: f = 0.4, eta = 0.9 gives 1,740.741 W for 1 kW either way."""
    assert power.array_rating_for_capacity_factor_w(1000, 0.6, 0.4, 0.9) == pytest.approx(
        power.array_power_required_w(1000, 0.4, 0.9), rel=1e-12)
    got = power.array_rating_for_capacity_factor_w(np.array([1000.0, 0.0, 1000.0]), np.array([0.0, 0.2, 1.5]), 0.5, 0.9)
    assert got[0] == np.inf and got[1] == 0.0 and np.isnan(got[2])
    with pytest.raises(ValueError):
        power.array_rating_for_capacity_factor_w(1000, 0.2, 0.5, 0.0)


def test_array_area_end_of_life():
    """10 kW at 1 AU, 30 % cells, 0.85 packing, 0.98 pointing, 2.75 %/yr for 5 yr:
    0.9725^5 = 0.869857; 1360.8*0.3*0.85*0.98*0.869857 = 295.81 W/m2; 10000/295.81 = 33.806 m2."""
    area = power.array_area_m2(10e3, 1360.8, 0.30, 0.85, 0.0275, 5, 0.98)
    assert area == pytest.approx(33.806, rel=1e-4)


def test_array_area_zero_flux_is_infinite():
    assert np.isinf(power.array_area_m2(np.array([1.0]), np.array([0.0]), 0.3, 0.85, 0.0, 1.0))[0]


def test_array_mass():
    """33.8 m2 at 2.5 kg/m2 = 84.5 kg."""
    assert power.array_mass_kg(33.8, 2.5) == pytest.approx(84.5)


def test_storage_for_leo_eclipse():
    """1 kW through a 35-min eclipse at 30 % DoD: 1000 * 2100 / 0.3 = 7.0e6 J = 1944.4 Wh;
    at 150 Wh/kg -> 12.963 kg."""
    e = power.storage_energy_j(1000, 2100, 0.3)
    assert e == pytest.approx(7.0e6)
    assert power.storage_mass_kg(e, 150) == pytest.approx(12.963, rel=1e-4)


def test_storage_for_lunar_night():
    """10 kW through the 14.765-day lunar night at 80 % DoD:
    1e4 W * 14.765295 d * 86400 s/d / 0.8 = 1.594652e10 J = 4.429588e6 Wh; at 150 Wh/kg = 29,531 kg."""
    night = power.DEFAULTS["lunar_night_s"].nominal
    assert night == pytest.approx(14.765295 * 86400, rel=1e-7)
    e = power.storage_energy_j(1e4, night, 0.8)
    assert e == pytest.approx(1.59465e10, rel=1e-5)
    assert power.storage_mass_kg(e, 150) == pytest.approx(29531, rel=1e-4)


def test_storage_rejects_zero_depth_of_discharge():
    with pytest.raises(ValueError, match="depth_of_discharge"):
        power.storage_energy_j(1000, 2100, 0.0)


def test_generator_mass_fission_surface_power():
    """NASA FSP: 40 kWe at 40000/6000 W/kg -> 6000 kg."""
    spec = power.DEFAULTS["fission_specific_power_w_per_kg"].nominal
    assert power.generator_mass_kg(40e3, spec) == pytest.approx(6000.0)


def test_radioisotope_decay_half_life():
    """After one Pu-238 half-life (87.7 yr) the heat output halves; after two, a quarter."""
    got = power.radioisotope_power_w(110.0, np.array([0.0, 87.7, 175.4]))
    assert got == pytest.approx([110.0, 55.0, 27.5])


def test_array_rating_is_the_area_at_its_reference_flux():
    """10 m² of 30 % cells at 85 % packing under AM0 (1,360.8 W/m², Kopp & Lean 2011): 10 × 1,360.8 × 0.30 × 0.85
    = 3,470.04 W; the same module at STC (1,000 W/m², IEC 60904-3): 2,550 W."""
    assert power.array_rating_w(10.0, 1360.8, 0.30, 0.85) == pytest.approx(3470.04, rel=1e-12)
    assert power.array_rating_w(10.0, 1000.0, 0.30, 0.85) == pytest.approx(2550.0, rel=1e-12)
    # the rating of the end-of-life area is above the power it must deliver: P / (pointing × (1 − d)^T)
    area = power.array_area_m2(1000.0, 1360.8, 0.30, 0.85, 0.02, 5.0, 0.98)
    assert power.array_rating_w(area, 1360.8, 0.30, 0.85) == pytest.approx(1000.0 / (0.98 * 0.98**5), rel=1e-12)
    with pytest.raises(ValueError):
        power.array_rating_w(10.0, 1360.8, 1.2, 0.85)
