"""Tests for sandbox.models.links against hand calculations."""

import numpy as np
import pytest

from sandbox.models import links


def test_light_time_moon_and_au():
    """384,400 km / c = 1.28222 s; 1 AU = 149,597,870,700 m / c = 499.0048 s."""
    assert links.light_time_s(384_400e3) == pytest.approx(1.28222, rel=1e-5)
    assert links.light_time_s(149_597_870_700.0) == pytest.approx(499.0048, rel=1e-6)


def test_fspl_textbook_constant():
    """FSPL[dB] = 20 log10(d_km) + 20 log10(f_GHz) + 92.45: 1000 km, 10 GHz -> 60 + 20 + 92.45 = 172.45 dB."""
    assert links.free_space_path_loss_db(1000e3, 10e9) == pytest.approx(172.45, abs=0.01)


def test_shannon_capacity():
    """1 MHz at SNR 15: 1e6 * log2(16) = 4 Mbit/s."""
    assert links.shannon_capacity_bps(1e6, 15.0) == pytest.approx(4e6)


def test_rf_link_rate_hand_value():
    """1000 km, 10 W, 30 + 30 dBi, 10 GHz (lambda = 0.0299792 m), 100 MHz, 300 K:
    P_r = 10 * 1e3 * 1e3 * (0.0299792 / (4 pi 1e6))^2 = 5.69143e-11 W;
    N = 1.380649e-23 * 300 * 1e8 = 4.14195e-13 W; SNR = 137.410; C = 1e8 * log2(138.410) = 711.28 Mbit/s."""
    r = links.rf_link_rate_bps(1000e3, 10.0, 30.0, 30.0, 10e9, 100e6, 300.0)
    assert r == pytest.approx(711.28e6, rel=1e-5)


def test_rf_link_rate_cap_and_losses():
    capped = links.rf_link_rate_bps(1000e3, 10.0, 30.0, 30.0, 10e9, 100e6, 300.0, max_rate_bps=1e8)
    assert capped == 1e8
    # 3 dB of losses halves the SNR: 1e8 * log2(1 + 137.410/1.995262) = 1e8 * log2(69.8676) = 612.65 Mbit/s
    lossy = links.rf_link_rate_bps(1000e3, 10.0, 30.0, 30.0, 10e9, 100e6, 300.0, losses_db=3.0)
    assert lossy == pytest.approx(612.65e6, rel=1e-4)


def test_optical_link_rate_hand_value():
    """1 W, 10 cm apertures both ends, 1550 nm, 1000 km, eta 1, 10 photons/bit:
    P_r = (pi * 0.1 * 0.1 / (4 * 1.55e-6 * 1e6))^2 = (0.00506708)^2 = 2.56753e-5 W;
    photon energy h c / lambda = 1.98645e-25 / 1.55e-6 = 1.281578e-19 J;
    rate = 2.56753e-5 / (10 * 1.281578e-19) = 2.00342e13 bit/s."""
    r = links.optical_link_rate_bps(1000e3, 1.0, 0.1, 0.1, 1550e-9, 10.0, 1.0)
    assert r == pytest.approx(2.00342e13, rel=1e-5)


def test_optical_capacity_falls_as_inverse_square_beyond_the_cap():
    """Uncapped rate at 1000 km is 2.00342e13; with a 100 Gbit/s modem the cap binds up to
    d = 1000 km * sqrt(200.342) = 14,154 km; beyond, R ~ 1/d^2: at 50,000 km 2.00342e13 / 2500 = 8.0137e9."""
    d = np.array([1000e3, 10000e3, 50000e3, 100000e3, 200000e3])
    r = links.optical_link_rate_bps(d, 1.0, 0.1, 0.1, 1550e-9, 10.0, 1.0, max_rate_bps=100e9)
    assert r[0] == r[1] == 100e9
    assert r[2] == pytest.approx(8.0137e9, rel=1e-4)
    assert r[2] / r[3] == pytest.approx(4.0)
    assert r[3] / r[4] == pytest.approx(4.0)


def test_aperture_gain():
    """(pi * 0.1 / 1.55e-6)^2 = (202,683)^2 = 4.10805e10 (106.1 dBi)."""
    assert links.aperture_gain(0.1, 1.55e-6) == pytest.approx(4.10805e10, rel=1e-5)


def test_pass_wait():
    """Windows [10, 12) and [20, 30): arrivals 0 -> 10, 5 -> 5, 11 -> 0 (inside), 12 -> 8 (window just closed),
    15 -> 5, 25 -> 0, 35 -> inf (no window follows)."""
    got = links.pass_wait_s(np.array([0.0, 5.0, 11.0, 12.0, 15.0, 25.0, 35.0]), [20.0, 10.0], [30.0, 12.0])
    assert got.tolist() == [10.0, 5.0, 0.0, 8.0, 5.0, 0.0, float("inf")]


def test_pass_wait_overlapping_windows_and_scalar():
    # [0, 100) contains [10, 20): arrival 50 is inside the long window even though the later one closed
    assert links.pass_wait_s(50.0, [0.0, 10.0], [100.0, 20.0]) == 0.0
    assert links.pass_wait_s(1.0, [], []) == float("inf")


def test_transfer_time():
    """1 GB = 8e9 bit at 1 Gbit/s -> 8 s; zero rate -> inf; nothing to send -> 0."""
    got = links.transfer_time_s(np.array([8e9, 8e9, 0.0]), np.array([1e9, 0.0, 0.0]))
    assert got.tolist() == [8.0, float("inf"), 0.0]


def test_percentile_summary_linear_interpolation():
    """Samples 1..100: p50 at position 49.5 -> 50.5; p95 at position 94.05 -> 95 + 0.05 = 95.05."""
    s = links.percentile_summary(np.arange(1.0, 101.0))
    assert s[50] == pytest.approx(50.5)
    assert s[95] == pytest.approx(95.05)
    assert s["mean"] == pytest.approx(50.5)
    assert s["n"] == 100


def test_percentile_summary_with_undelivered_samples():
    """[1, 2, 3, inf]: p50 at position 1.5 -> 2.5; p95 at 2.85 reaches into inf -> inf; p0 -> 1."""
    s = links.percentile_summary([1.0, 2.0, 3.0, float("inf")], percentiles=(0, 50, 95))
    assert s[0] == 1.0
    assert s[50] == pytest.approx(2.5)
    assert s[95] == float("inf")
