"""Station keeping of one orbit (sandbox.trajectory.keeping) by hand.

References: Vallado, Fundamentals of Astrodynamics and Applications, 4th ed. (2013), Table 8-4 (exponential
atmosphere) and Eq. 8-29 (drag acceleration ½ ρ v² C_D A / m); Soop, Handbook of Geostationary Orbits (1994):
the lunisolar pull turns a geostationary orbit's pole by 0.75-0.94° a year, north-south control of about 45 m/s a
year.
"""

from __future__ import annotations

import math

import astropy.units as u
import pytest

from sandbox import trajectory

MU = 3.986004418e14        # m³/s², the adapter's Earth (IERS 2010)
R_E = 6_378_136.6          # m
YEAR_S = 365.25 * 86400.0  # Julian year


def test_atmosphere_bands_by_hand():
    """ρ = ρ0 exp(−(h − h0)/H) in the band below h: at 550 km the 500 km band (6.967e-13, H 63.822 km) gives
    6.967e-13 × exp(−50/63.822) = 3.183e-13 kg/m³; a band's base is its table value; an array gives an array."""
    assert trajectory.atmosphere_density_kg_m3(550e3) == pytest.approx(6.967e-13 * math.exp(-50.0 / 63.822), rel=1e-12)
    assert trajectory.atmosphere_density_kg_m3(550e3) == pytest.approx(3.183e-13, rel=1e-3)
    assert trajectory.atmosphere_density_kg_m3(600e3) == pytest.approx(1.454e-13, rel=1e-12)
    rho = trajectory.atmosphere_density_kg_m3([400e3, 800e3])
    assert rho.tolist() == pytest.approx([3.725e-12, 1.170e-14], rel=1e-12)


def test_drag_makeup_by_hand():
    """At 550 km with B = 100 kg/m²: ρ v² / (2B) × 1 yr, v² = GM/(R + h) = 5.7534e7 m²/s²: 2.889 m/s a year; the
    Quantity form says the same in m/s; twice the density (solar maximum) doubles it."""
    rho = 6.967e-13 * math.exp(-50.0 / 63.822)
    v2 = MU / (R_E + 550e3)
    hand = rho * v2 / (2.0 * 100.0) * YEAR_S
    assert hand == pytest.approx(2.889, abs=0.001)
    assert trajectory.drag_makeup_dv_m_s_per_year(550e3, 100.0) == pytest.approx(hand, rel=1e-9)
    assert trajectory.drag_makeup_dv_m_s_per_year(550e3, 100.0, 2.0) == pytest.approx(2.0 * hand, rel=1e-9)
    q = trajectory.drag_makeup_dv_per_year(550 * u.km, 100 * u.kg / u.m**2)
    assert q.to_value(u.m / u.s) == pytest.approx(hand, rel=1e-9)


def test_geo_keeping_by_hand_and_against_the_published_45_m_s():
    """v = sqrt(GM / 42,164.1 km) = 3,074.66 m/s; north-south 2 v sin(0.85°/2) = 45.61 m/s a year, Soop's "about
    45 m/s a year"; over the lunar-node cycle 0.75-0.94°/yr gives 40.2-50.4; plus 2 m/s east-west."""
    v = math.sqrt(MU / (R_E + 35_786e3))
    assert v == pytest.approx(3074.66, abs=0.01)
    ns = trajectory.geo_station_keeping_dv_m_s_per_year(35_786e3, 0.85, 0.0)
    assert ns == pytest.approx(2.0 * v * math.sin(math.radians(0.85) / 2.0), rel=1e-12)
    assert ns == pytest.approx(45.0, abs=1.0)
    assert trajectory.geo_station_keeping_dv_m_s_per_year(35_786e3, 0.75, 0.0) == pytest.approx(40.25, abs=0.01)
    assert trajectory.geo_station_keeping_dv_m_s_per_year(35_786e3, 0.94, 0.0) == pytest.approx(50.44, abs=0.01)
    q = trajectory.geo_station_keeping_dv_per_year(35_786 * u.km, 0.85 * u.deg / u.yr, 2.0 * u.m / u.s / u.yr)
    assert q.to_value(u.m / u.s) == pytest.approx(ns + 2.0, rel=1e-12)
