"""Tests for sandbox.models.compute against hand calculations and published figures."""

import numpy as np
import pytest

from sandbox.models import compute


def test_delivered_ops_guoxing_demo():
    """12 satellites x 744 TOPS, 50 % utilisation, 0.9 derate:
    744e12 * 12 = 8.928e15; x 0.5 x 0.9 = 4.0176e15 OP/s."""
    assert compute.delivered_ops(744e12, 12, 0.5, 0.9) == pytest.approx(4.0176e15, rel=1e-12)


def test_delivered_ops_broadcasts_and_flags_bad_elements():
    got = compute.delivered_ops(1e15, np.array([1, 2, 4]), np.array([0.5, 0.5, 1.5]))
    # 1e15 * 1 * 0.5 = 5e14; 1e15 * 2 * 0.5 = 1e15; utilisation 1.5 is impossible -> nan
    assert got[:2] == pytest.approx([5e14, 1e15])
    assert np.isnan(got[2])


def test_delivered_ops_scalar_rejects_impossible_utilisation():
    with pytest.raises(ValueError, match="utilisation"):
        compute.delivered_ops(1e15, 1, 1.2)


def test_radiation_derating_tmr():
    """TMR with 5 % checkpointing and 1 % scrubbing: (1/3) * 0.95 * 0.99 = 0.3135."""
    assert compute.radiation_derating(3, 0.05, 0.01) == pytest.approx(0.3135, rel=1e-12)


def test_radiation_derating_no_mitigation_is_one():
    assert compute.radiation_derating(1, 0.0, 0.0) == 1.0


def test_radiation_derating_rejects_redundancy_below_one():
    with pytest.raises(ValueError, match="redundancy"):
        compute.radiation_derating(0.5, 0.0, 0.0)


def test_mean_survival_fraction_hand_value():
    """lambda = 0.1/yr, T = 5 yr: lambda T = 0.5; (1 - e^-0.5)/0.5 = (1 - 0.6065307)/0.5 = 0.7869387."""
    assert compute.mean_survival_fraction(0.1, 5) == pytest.approx(0.7869387, rel=1e-6)


def test_mean_survival_fraction_matches_numerical_average_of_exponential():
    """Independent check: trapezoid average of exp(-lambda t) over [0, T]."""
    lam, life = 0.3, 7.0
    t = np.linspace(0.0, life, 200001)
    y = np.exp(-lam * t)
    numeric = float(np.sum((y[1:] + y[:-1]) / 2 * np.diff(t))) / life
    assert compute.mean_survival_fraction(lam, life) == pytest.approx(numeric, rel=1e-8)


def test_mean_survival_fraction_limits():
    # lambda -> 0: no failures, fraction 1 (no 0/0); long life: ~1/(lambda T) = 1/100
    got = compute.mean_survival_fraction(np.array([0.0, 1e-15, 10.0]), 10.0)
    assert got[0] == 1.0
    assert got[1] == pytest.approx(1.0, abs=1e-12)
    assert got[2] == pytest.approx(0.01, rel=1e-12)  # (1 - e^-100)/100


def test_surviving_fraction_one_e_folding():
    """lambda T = 1 -> e^-1 = 0.3678794."""
    assert compute.surviving_fraction(0.1, 10) == pytest.approx(0.3678794, rel=1e-6)


def test_llama3_failure_rate():
    """Llama 3: 419 unexpected interruptions, 16,384 GPUs, 54 days.
    GPU-years = 16384 * 54 / 365.25 = 2422.27; 419 / 2422.27 = 0.17298 per GPU-year."""
    assert compute.failure_rate_per_year_from_count(419, 16384, 54) == pytest.approx(0.17298, rel=1e-4)
    d = compute.DEFAULTS["failure_rate_per_year_ground"]
    assert d.high == pytest.approx(0.17298, rel=1e-4)
    assert d.nominal == pytest.approx(256 / 2422.27, rel=1e-5)  # 148 + 72 + 19 + 17 GPU-attributed


def test_young_checkpoint_overhead():
    """C = 600 s, M = 3 h = 10800 s: sqrt(2 * 600 / 10800) = sqrt(1/9) = 1/3."""
    assert compute.young_checkpoint_overhead(600, 10800) == pytest.approx(1 / 3, rel=1e-12)
    # capped at 1 when checkpoints are longer than failures allow
    assert compute.young_checkpoint_overhead(1e6, 10.0) == 1.0
