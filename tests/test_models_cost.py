"""Tests for sandbox.models.cost against hand calculations."""

import numpy as np
import pytest

from sandbox.models import cost


def test_crf_eight_percent_ten_years():
    """0.08 * 1.08^10 / (1.08^10 - 1) = 0.08 * 2.158925 / 1.158925 = 0.149029."""
    assert cost.capital_recovery_factor(0.08, 10) == pytest.approx(0.149029, rel=1e-5)


def test_crf_zero_rate_is_straight_line():
    got = cost.capital_recovery_factor(np.array([0.0, 1e-10]), 10)
    assert got[0] == pytest.approx(0.1)
    assert got[1] == pytest.approx(0.1, rel=1e-8)


def test_crf_repays_the_capital():
    """Independent check: n payments of CRF, discounted at r, are worth exactly 1 today."""
    r, n = 0.065, 12
    pv = sum(cost.capital_recovery_factor(r, n) / (1 + r) ** t for t in range(1, n + 1))
    assert pv == pytest.approx(1.0, rel=1e-12)


def test_annualised_cost():
    """1e9 capex at 8 %, 10 yr + 5e7/yr opex: 1e9 * 0.149029 + 5e7 = 1.99029e8."""
    assert cost.annualised_cost_usd(1e9, 5e7, 0.08, 10) == pytest.approx(1.99029e8, rel=1e-5)


def test_cost_per_pflop_day():
    """3.6525e6 USD/yr for 1 PFLOP/s delivered: 3.6525e6 / 365.25 = 10,000 USD per PFLOP-day."""
    assert cost.cost_per_pflop_day_usd(3.6525e6, 1.0) == pytest.approx(10000.0)
    assert cost.cost_per_pflop_day_usd(1.0, 0.0) == float("inf")


def test_cost_per_gpu_hour():
    """One reference GPU costing 2 USD/h for 8766 h = 17,532 USD/yr -> 2 USD/h;
    delivering the work of 4 reference GPUs -> 0.5 USD/h each."""
    assert cost.cost_per_gpu_hour_usd(17532.0, 1e15, 1e15) == pytest.approx(2.0)
    assert cost.cost_per_gpu_hour_usd(17532.0, 4e15, 1e15) == pytest.approx(0.5)


def test_cost_per_kwh_round_trip():
    """1 MW all year at 0.08 USD/kWh costs 1000 kW * 8766 h * 0.08 = 701,280 USD -> 0.08 USD/kWh back."""
    assert cost.cost_per_kwh_usd(701280.0, 1e6) == pytest.approx(0.08)


def test_npv_hand_value_and_broadcast():
    """[-100, 50, 60] at 10 %: -100 + 45.4545 + 49.5868 = -4.9587; at 0 %: +10."""
    assert cost.npv_usd([-100.0, 50.0, 60.0], 0.10) == pytest.approx(-4.958678, rel=1e-6)
    got = cost.npv_usd(np.array([[-100.0, 50.0, 60.0], [-100.0, 50.0, 60.0]]), np.array([0.10, 0.0]))
    assert got == pytest.approx([-4.958678, 10.0], rel=1e-6)


def test_npv_year_zero_undiscounted():
    assert cost.npv_usd([123.0], 0.5) == pytest.approx(123.0)


def test_crf_rejects_bad_inputs():
    with pytest.raises(ValueError):
        cost.capital_recovery_factor(0.08, 0)
