"""Tests for sandbox.models.radiation: table points, interpolation, monotonicity, anchors."""

import numpy as np
import pytest

from sandbox.models import radiation


def test_named_environment_hits_table_points():
    # 800 km row at 4 mm Al (1.08 g/cm2) is 0.8 krad/yr; GEO at 1 mm (0.27 g/cm2) 100 krad/yr
    assert radiation.dose_rate_krad_per_year("leo_800", 1.08) == pytest.approx(0.8)
    assert radiation.dose_rate_krad_per_year("geo", 0.27) == pytest.approx(100.0)


def test_depth_interpolation_is_log_linear():
    """leo_500: 1.0 at 0.27 and 0.4 at 0.54 g/cm2; midway (0.405) the log-mean sqrt(1.0*0.4) = 0.632456."""
    assert radiation.dose_rate_krad_per_year("leo_500", 0.405) == pytest.approx(0.632456, rel=1e-6)


def test_depth_clamped_outside_grid():
    thick = radiation.dose_rate_krad_per_year("leo_800", np.array([2.7, 10.0]))
    assert thick[0] == thick[1] == pytest.approx(0.4)
    assert radiation.dose_rate_krad_per_year("geo", 0.01) == pytest.approx(100.0)


@pytest.mark.parametrize("environment", radiation.ENVIRONMENTS)
def test_shielding_never_increases_dose(environment):
    s = np.linspace(0.0, 5.0, 501)
    d = radiation.dose_rate_krad_per_year(environment, s)
    assert np.all(np.diff(d) <= 1e-15)
    assert np.all(d > 0)


def test_leo_table_points_and_altitude_interpolation():
    """650 km at 1.08 g/cm2 is a table point (0.4); 450 km at 1.08: log-mean of 0.15 and 0.2 = 0.173205."""
    assert radiation.leo_dose_rate_krad_per_year(650e3, 98.0, 1.08) == pytest.approx(0.4)
    assert radiation.leo_dose_rate_krad_per_year(450e3, 51.6, 1.08) == pytest.approx(0.173205, rel=1e-6)


def test_leo_dose_monotone_in_altitude_and_shielding():
    h = np.linspace(400e3, 1400e3, 201)
    for s in (0.1, 0.3, 0.8, 1.5, 3.0):
        d = radiation.leo_dose_rate_krad_per_year(h, 60.0, s)
        assert np.all(np.diff(d) >= -1e-15)
    s = np.linspace(0.0, 4.0, 201)
    for alt in (400e3, 777e3, 1400e3):
        d = radiation.leo_dose_rate_krad_per_year(alt, 60.0, s)
        assert np.all(np.diff(d) <= 1e-15)


def test_leo_named_environment_consistent_with_table():
    for name, alt in (("leo_500", 500e3), ("leo_800", 800e3), ("leo_1200", 1200e3)):
        for s in (0.27, 0.6, 2.0):
            assert radiation.leo_dose_rate_krad_per_year(alt, 53.0, s) == pytest.approx(
                radiation.dose_rate_krad_per_year(name, s)
            )


def test_anchor_suncatcher_650_km():
    """Google Suncatcher: 750 rad(Si) over 5 years shielded -> 0.15 krad/yr; table at 650 km, 10 mm Al = 0.15."""
    assert radiation.leo_dose_rate_krad_per_year(650e3, 98.0, 2.7) == pytest.approx(750e-3 / 5)


def test_anchor_400_km_four_mm():
    """AP8/AE8-based 400 km, 52 deg, 4 mm Al: 150 rad/yr = 0.15 krad/yr."""
    assert radiation.leo_dose_rate_krad_per_year(400e3, 52.0, radiation.aluminium_mm_to_g_cm2(4.0)) == pytest.approx(
        0.15
    )


def test_deep_space_above_gcr_floor():
    """Solar-particle-averaged deep-space dose never falls below the measured GCR floor
    (MSL/RAD 481 uGy/day = 0.0176 krad/yr; Chang'e-4 13.2 uGy/h = 0.0116 krad/yr on the Moon)."""
    gcr = radiation.DEFAULTS["gcr_dose_free_space_krad_per_year"].nominal
    lunar = radiation.DEFAULTS["lunar_surface_gcr_dose_krad_per_year"].nominal
    assert gcr == pytest.approx(0.0175685, rel=1e-5)  # 481e-6 Gy/d * 365.25 d / 10 Gy/krad
    assert lunar == pytest.approx(0.0115711, rel=1e-5)  # 13.2e-6 Gy/h * 8766 h / 10
    assert radiation.dose_rate_krad_per_year("interplanetary", 100.0) > gcr
    assert radiation.dose_rate_krad_per_year("lunar_surface", 100.0) > lunar


def test_ground_is_negligible():
    assert radiation.dose_rate_krad_per_year("ground", 0.0) < 1e-3


def test_unknown_environment_and_out_of_range_altitude():
    with pytest.raises(ValueError, match="unknown radiation environment"):
        radiation.dose_rate_krad_per_year("mars_orbit", 1.0)
    with pytest.raises(ValueError, match="altitude_m"):
        radiation.leo_dose_rate_krad_per_year(2000e3, 51.6, 1.0)
    assert np.isnan(radiation.leo_dose_rate_krad_per_year(np.array([2000e3, 50e3]), 51.6, 1.0)).all()


def test_leo_below_table_uses_400_km_row_as_upper_bound():
    """Starlink-like 340 km shell: dose taken as the 400 km value (0.15 krad/yr at 4 mm), an upper bound."""
    assert radiation.leo_dose_rate_krad_per_year(340e3, 53.0, 1.08) == pytest.approx(0.15)


def test_scale_multiplies():
    assert radiation.dose_rate_krad_per_year("geo", 1.08, scale=3.0) == pytest.approx(15.0)


def test_tid_lifetime():
    """2 krad tolerance at 0.15 krad/yr with margin 2: 2 / (2 * 0.15) = 6.667 yr; zero dose -> inf."""
    assert radiation.tid_lifetime_years(2.0, 0.15, 2.0) == pytest.approx(6.6667, rel=1e-4)
    assert radiation.tid_lifetime_years(2.0, 0.0) == float("inf")


def test_seu_rates_and_throughput_loss():
    """Ground: 1,000 FIT/Mbit = 1000 / (1e9 h * 1e6 bit) = 1e-12 /bit/h = 2.4e-11 /bit/day.
    80 GB of memory (6.4e11 bit) at 1e-7 /bit/day -> 64,000 upsets/day.
    10 uncorrected upsets/day x 864 s of recompute = 8640 s/day = 10 % throughput lost."""
    assert radiation.seu_rate_per_bit_day("ground") == pytest.approx(2.4e-11)
    assert radiation.upsets_per_day(radiation.seu_rate_per_bit_day("leo_500"), 6.4e11) == pytest.approx(64000.0)
    assert radiation.upset_throughput_loss(10.0, 864.0) == pytest.approx(0.1)
    assert radiation.upset_throughput_loss(1e6, 864.0) == 1.0


def test_shielding_conversions():
    """10 mm Al = 1.0 cm * 2.70 g/cm3 = 2.70 g/cm2; 2 m2 at 1 g/cm2 = 2 m2 * 10 kg/m2 = 20 kg."""
    assert radiation.aluminium_mm_to_g_cm2(10.0) == pytest.approx(2.70)
    assert radiation.shielding_mass_kg(2.0, 1.0) == pytest.approx(20.0)
