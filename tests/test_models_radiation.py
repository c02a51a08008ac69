"""sandbox.models.radiation against published dose-depth curves, mission figures and beam/field data.

Every expected number is restated here from its source (the published SPENVIS output files, the
Suncatcher summary, Horne & Pitchford 2015, the Llama 3 report, JEDEC JESD89A) or worked by hand;
none is read back from the module under test.
"""

import numpy as np
import pytest

from sandbox.models import radiation

MM = {1: 0.27, 2: 0.54, 4: 1.08, 10: 2.70}  # mm of Al -> g/cm2 (x 0.1 cm/mm x 2.70 g/cm3)
YEAR_H = 8766.0

# Pfandzelter & Bermbach (ACM LEO-NET '23), github.com/pfandzelter/leo-edge-failure-models,
# compute-failure/results/<inclination>.txt: SPENVIS AP-8 MIN/AE-8 MAX + SHIELDOSE-2, 550 km, 5-year
# total dose in rad(Si) at the centre of Al spheres, at 1 / 2 / 4 / 10 mm.
SPENVIS_550_5YR_RAD = {
    30: (4.7086e3, 2.3155e3, 1.5990e3, 1.1955e3),
    45: (1.1296e4, 4.1726e3, 1.9032e3, 1.0750e3),
    50: (1.8836e4, 6.9512e3, 2.2222e3, 8.8302e2),
    55: (2.6242e4, 9.5457e3, 2.5464e3, 7.6484e2),
    70: (4.0433e4, 1.4245e4, 3.1518e3, 6.2708e2),
    90: (2.9866e4, 1.0487e4, 2.4017e3, 5.5780e2),
    95: (3.0554e4, 1.0714e4, 2.4410e3, 5.6028e2),
    100: (3.3331e4, 1.1605e4, 2.5890e3, 5.6937e2),
    110: (4.0576e4, 1.4296e4, 3.1635e3, 6.2899e2),
    135: (1.1223e4, 4.1398e3, 1.8999e3, 1.0792e3),
}


def _spenvis_krad_per_year(inc: int) -> np.ndarray:
    return np.array(SPENVIS_550_5YR_RAD[inc]) / 5.0 / 1000.0


def _model_550(inc: float) -> np.ndarray:
    return np.array([radiation.leo_dose_rate_krad_per_year(550e3, inc, MM[d]) for d in (1, 2, 4, 10)])


# ------------------------------------------------------------------------------------ LEO dose


def test_spenvis_550km_published_runs_reproduced():
    """At the table's own inclination (30 deg) the published SPENVIS values come back exactly; near the other two
    nodes (53 deg: runs at 50 and 55; 98 deg: runs at 90, 95 and 100) within 10 %."""
    assert _model_550(30) == pytest.approx(_spenvis_krad_per_year(30), rel=1e-9)
    for inc in (50, 55, 90, 95, 100):
        assert _model_550(inc) == pytest.approx(_spenvis_krad_per_year(inc), rel=0.10), inc
    # 53 deg node = the SPENVIS runs at 50 and 55 deg, linear in inclination: 0.4 x 50 deg + 0.6 x 55 deg
    expected_53 = (0.4 * np.array(SPENVIS_550_5YR_RAD[50]) + 0.6 * np.array(SPENVIS_550_5YR_RAD[55])) / 5e3
    assert _model_550(53) == pytest.approx(expected_53, rel=1e-9)


def test_spenvis_550km_inclination_scan_within_stated_35_percent():
    """Between the nodes the 550 km scan is followed within +/-35 % (the docstring's stated accuracy), including
    the 70/110 deg peak the three-node interpolation misses and a retrograde orbit (135 deg: reach 45 deg)."""
    for inc in (45, 70, 110, 135):
        ratio = _model_550(inc) / _spenvis_krad_per_year(inc)
        assert np.all((ratio > 0.65) & (ratio < 1.35)), (inc, ratio)


def test_thin_shields_fall_with_inclination_reach_thick_shields_do_not():
    """SPENVIS at 550 km: 1 mm dose rises ~6x from 30 to 95 deg (outer-belt horn electrons); 10 mm dose falls
    (SAA protons weigh more for low inclinations): 239 -> 112 rad/yr."""
    low, sso = _model_550(30), _model_550(98)
    assert sso[0] / low[0] == pytest.approx(30554 / 4708.6, rel=0.1)
    assert sso[3] < low[3]


def test_anchor_suncatcher_650km_sso_10mm():
    """Google Project Suncatcher: 750 rad(Si) shielded over 5 years at 650 km dawn-dusk SSO = 150 rad/yr (10 mm Al
    assumed). The table is the solar-minimum (AP-8 MIN) design environment; the same IRBEM run with AP-8 MAX gives
    159 rad/yr, so the table must be at or above the Suncatcher figure but within 1.6x of it."""
    ratio = radiation.leo_dose_rate_krad_per_year(650e3, 98.0, MM[10]) / (750e-3 / 5)
    assert 1.0 <= ratio <= 1.6


def test_anchor_vette_four_mm_secondary_compilation():
    """AP-8/AE-8 (Vette) values compiled by Barrett (1993): 400 km/52 deg and 500 km/28.5 deg behind 4 mm Al,
    150 and 170 rad/yr. A secondary source: agreement within 30 % is asked."""
    assert radiation.leo_dose_rate_krad_per_year(400e3, 52.0, MM[4]) == pytest.approx(0.150, rel=0.3)
    assert radiation.leo_dose_rate_krad_per_year(500e3, 28.5, MM[4]) == pytest.approx(0.170, rel=0.3)


def test_leo_depth_interpolation_is_log_log():
    """Midway in log(depth) between 1 and 2 mm (sqrt(0.27 x 0.54) g/cm2) the dose is the geometric mean."""
    d1, d2 = (radiation.leo_dose_rate_krad_per_year(800e3, 53.0, MM[m]) for m in (1, 2))
    mid = radiation.leo_dose_rate_krad_per_year(800e3, 53.0, np.sqrt(0.27 * 0.54))
    assert mid == pytest.approx(np.sqrt(d1 * d2), rel=1e-9)


def test_leo_dose_monotone_in_altitude_and_shielding():
    h = np.linspace(400e3, 1400e3, 201)
    for inc in (28.5, 53.0, 75.0, 98.0):
        for s in (0.1, 0.3, 0.8, 1.5, 3.0):
            assert np.all(np.diff(radiation.leo_dose_rate_krad_per_year(h, inc, s)) >= 0)
    s = np.linspace(0.0, 4.0, 201)
    for alt in (400e3, 777e3, 1400e3):
        assert np.all(np.diff(radiation.leo_dose_rate_krad_per_year(alt, 60.0, s)) <= 1e-15)


def test_leo_below_table_uses_400_km_row_and_range_errors():
    """A 340 km shell gets the 400 km value (an upper bound); above 1,400 km or below 100 km: error / nan."""
    assert radiation.leo_dose_rate_krad_per_year(340e3, 53.0, 1.08) == radiation.leo_dose_rate_krad_per_year(
        400e3, 53.0, 1.08
    )
    with pytest.raises(ValueError, match="altitude_m"):
        radiation.leo_dose_rate_krad_per_year(2000e3, 51.6, 1.0)
    with pytest.raises(ValueError, match="inclination_deg"):
        radiation.leo_dose_rate_krad_per_year(550e3, 190.0, 1.0)
    assert np.isnan(radiation.leo_dose_rate_krad_per_year(np.array([2000e3, 50e3]), 51.6, 1.0)).all()


def test_every_leo_cell_has_a_source():
    assert set(radiation.LEO_CELL_SOURCES) == {
        (inc, alt) for inc in (30.0, 53.0, 98.0) for alt in (400, 500, 550, 650, 800, 1000, 1200, 1400)
    }
    assert "Pfandzelter" in radiation.LEO_CELL_SOURCES[(53.0, 550)]
    assert "IRBEM" in radiation.LEO_CELL_SOURCES[(98.0, 1000)]


# ----------------------------------------------------------------------- named environments


def test_cislunar_and_lunar_cells_are_the_sum_of_sourced_components():
    """cislunar at 10 mm: half the ESP-PSYCHIC 90 % solar-proton dose (349.3 rad/yr) + MSL/RAD GCR
    (481 uGy/day x 365.25 / 10 = 0.0175685 krad/yr). Lunar surface: half the sky of solar protons
    (0.25 x 0.3493) + the Chang'e-4 measurement (13.2 uGy/h x 8766 h / 10 = 0.0115711 krad/yr)."""
    assert radiation.dose_rate_krad_per_year("cislunar", MM[10]) == pytest.approx(0.5 * 0.3493 + 0.0175685, rel=1e-5)
    assert radiation.dose_rate_krad_per_year("interplanetary", MM[1]) == pytest.approx(0.5 * 5.3421 + 0.0175685, rel=1e-5)
    assert radiation.dose_rate_krad_per_year("lunar_surface", MM[10]) == pytest.approx(0.25 * 0.3493 + 0.0115711, rel=1e-5)
    for name, parts in radiation.ENVIRONMENT_COMPONENTS.items():
        assert all(len(src) > 30 for _, _, src in parts), name


def test_a_given_cosmic_ray_dose_replaces_the_tabulated_one():
    """The cosmic-ray component is flat in depth, so a scenario's value replaces it: cislunar at 10 mm with MSL/RAD's
    upper bound 561 uGy/day (561e-6 x 365.25 / 10 = 0.0204903 krad/yr) is 0.5 x 0.3493 + 0.0204903; the lunar
    surface with 0.02 krad/yr is 0.25 x 0.3493 + 0.02; the nominal value gives the table bit for bit."""
    high = 561e-6 * 365.25 / 10.0
    assert radiation.dose_rate_krad_per_year("cislunar", MM[10], 1.0, high) == pytest.approx(0.5 * 0.3493 + high, rel=1e-5)
    assert radiation.dose_rate_krad_per_year("lunar_surface", MM[10], 1.0, 0.02) == pytest.approx(
        0.25 * 0.3493 + 0.02, rel=1e-5)
    for env, key in radiation.GCR_DEFAULTS.items():
        nominal = radiation.DEFAULTS[key].nominal
        assert radiation.dose_rate_krad_per_year(env, MM[2], 1.0, nominal) == radiation.dose_rate_krad_per_year(env, MM[2])
    assert radiation.dose_rate_krad_per_year("ground", MM[2], 1.0, 5.0) == radiation.dose_rate_krad_per_year("ground", MM[2])
    with pytest.raises(ValueError, match="gcr_krad_per_year"):
        radiation.dose_rate_krad_per_year("geo", MM[2], 1.0, -1.0)


def test_geo_is_electron_dominated_at_thin_shields():
    """GEO 4 mm: AE-8 MAX trapped 16.29 krad/yr + half the ESP-90 solar protons 0.575 + GCR 0.0176 = 16.88."""
    assert radiation.dose_rate_krad_per_year("geo", MM[4]) == pytest.approx(16.2887 + 0.5749 + 0.0175685, rel=1e-4)


@pytest.mark.parametrize("environment", radiation.ENVIRONMENTS)
def test_shielding_never_increases_dose(environment):
    d = radiation.dose_rate_krad_per_year(environment, np.linspace(0.0, 5.0, 501))
    assert np.all(np.diff(d) <= 1e-15)
    assert np.all(d > 0)


def test_deep_space_floors_and_ground():
    """MSL/RAD 481 uGy/day = 0.0176 krad/yr; Chang'e-4 13.2 uGy/h = 0.0116 krad/yr; ground negligible."""
    assert radiation.DEFAULTS["gcr_dose_free_space_krad_per_year"].nominal == pytest.approx(0.0175685, rel=1e-5)
    assert radiation.DEFAULTS["lunar_surface_gcr_dose_krad_per_year"].nominal == pytest.approx(0.0115711, rel=1e-5)
    assert radiation.dose_rate_krad_per_year("interplanetary", 100.0) > 0.0175685
    assert radiation.dose_rate_krad_per_year("ground", 0.0) < 1e-3


def test_unknown_environment_and_scale():
    with pytest.raises(ValueError, match="unknown radiation environment"):
        radiation.dose_rate_krad_per_year("leo_500", 1.0)
    base = radiation.dose_rate_krad_per_year("geo", 1.08)
    assert radiation.dose_rate_krad_per_year("geo", 1.08, scale=3.0) == pytest.approx(3.0 * base)


# --------------------------------------------------------------------------------- transits


def test_electric_orbit_raising_vs_horne_and_pitchford():
    """Horne & Pitchford (Space Weather 2015): 200 days of electric orbit raising ~ 6.7 years of GEO electron dose.
    Model at 4 mm Al: 200 d x 29,136 rad / 100 d (IRBEM spiral) = 58.27 krad; GEO 16.88 krad/yr -> 3.45 GEO-years.
    Their transfer starts from a GTO-like orbit and counts electrons only; agreement within a factor 3 is asked."""
    transit = radiation.transit_dose_krad("electric", MM[4], days_in_belts=200.0)
    assert transit == pytest.approx(200 * 29136.05 / 100 / 1000, rel=1e-6)
    geo_years = transit / radiation.dose_rate_krad_per_year("geo", MM[4])
    assert 6.7 / 3 <= geo_years <= 6.7 * 3


def test_chemical_crossing_vs_apollo():
    """One chemical crossing = half a GTO orbit: 2.14 rad / 2 behind 10 mm. Apollo crews got 0.2 rad (Apollo 11,
    belt periphery, two passes) to ~1 rem (Apollo 14, through the inner-belt core) behind the thicker command
    module; two crossings behind 10 mm must lie within 0.2-5 rad (same order)."""
    one = radiation.transit_dose_krad("chemical", MM[10])
    assert one == pytest.approx(2.14 / 2 / 1000, rel=1e-6)
    two_rad = radiation.transit_dose_krad("chemical", MM[10], crossings=2.0) * 1000
    assert 0.2 <= two_rad <= 5.0
    # Thin walls: 1 mm crossing = 2,866 rad / 2 = 1.43 krad, most of a 2 krad COTS allowance.
    assert radiation.transit_dose_krad("chemical", MM[1]) == pytest.approx(1.43306, rel=1e-5)


def test_transit_errors():
    with pytest.raises(ValueError, match="unknown transit kind"):
        radiation.transit_dose_krad("warp", 1.0)
    assert np.isnan(radiation.transit_dose_krad("electric", np.array([1.0]), days_in_belts=-1.0)).all()


# ------------------------------------------------------------------------------ TID lifetime


def test_margin_sweep_changes_life_as_the_formula_says():
    """T = max(tol/margin - transit, 0) / rate; 2 krad at 0.1 krad/yr: margins 1.2 / 2 / 3 -> 16.67 / 10 / 6.67 yr;
    with a 0.5 krad transit: (1.667 - 0.5)/0.1 = 11.67, (1 - 0.5)/0.1 = 5, (0.667 - 0.5)/0.1 = 1.67 yr."""
    margins = np.array([1.2, 2.0, 3.0])
    assert radiation.tid_lifetime_years(2.0, 0.1, margins) == pytest.approx([16.6667, 10.0, 6.6667], rel=1e-4)
    with_transit = radiation.tid_lifetime_years(2.0, 0.1, margins, transit_dose_krad=0.5)
    assert with_transit == pytest.approx([11.6667, 5.0, 1.6667], rel=1e-4)


def test_tid_life_edge_cases_and_no_default_margin():
    assert radiation.tid_lifetime_years(2.0, 0.0, 2.0) == float("inf")
    assert radiation.tid_lifetime_years(2.0, 0.1, 3.0, transit_dose_krad=1.0) == 0.0  # 0.667 allowance < 1 krad
    assert radiation.tid_lifetime_years(2.0, 0.0, 2.0, transit_dose_krad=1.0) == 0.0
    with pytest.raises(TypeError):
        radiation.tid_lifetime_years(2.0, 0.1)  # the margin must be passed explicitly
    with pytest.raises(ValueError):
        radiation.tid_lifetime_years(2.0, 0.1, 0.0)


def test_part_limit_is_the_onset_of_hbm_irregularities():
    """Suncatcher: HBM irregularities from 2 krad(Si), no hard failure to 15 krad(Si); ECSS/NASA margin 2 (1.2-3)."""
    cots, margin = radiation.DEFAULTS["cots_tid_krad"], radiation.DEFAULTS["design_margin"]
    assert (cots.nominal, cots.high) == (2.0, 15.0)
    assert (margin.nominal, margin.low, margin.high) == (2.0, 1.2, 3.0)
    # At 650 km SSO behind 10 mm (the Suncatcher case) a v6e lasts 2 / 2 / 0.2094 = 4.8 years by the table,
    # 6.7 years at Suncatcher's own 150 rad/yr: Google's "nearly three times" margin over 5 years.
    assert radiation.tid_lifetime_years(2.0, 0.150, 2.0) == pytest.approx(6.6667, rel=1e-4)
    assert 2.0 / 0.750 == pytest.approx(2.67, rel=0.01)


# ----------------------------------------------------------------------- single-event effects


def test_sdc_rate_from_llama3_field_data_at_the_jesd89a_flux():
    """Llama 3 405B (arXiv:2407.21783, Table 5): 72 HBM3 + 19 SRAM interruptions in 54 days on 16,384 H100s
    = 91 / (16,384 x 54 x 24 h) = 4,285.7 FIT -> sigma = FIT / (1e9 h x 13 cm-2 h-1) = 3.297e-7 cm2. Back in the
    'ground' environment this must give the published 91 / (16,384 x 54 / 365.25) = 0.03757 per GPU-year."""
    fit = 91 / (16384 * 54 * 24) * 1e9
    assert fit == pytest.approx(4285.7, rel=1e-4)
    sigma = radiation.cross_section_from_fit_cm2(fit)
    assert sigma == pytest.approx(fit / (1e9 * 13.0), rel=1e-9)
    rate = radiation.sdc_rate_per_chip_year(sigma, "ground")
    assert rate == pytest.approx(91 / (16384 * 54 / 365.25), rel=1e-6)
    assert radiation.DEFAULTS["cots_see_cross_section_cm2"].high == pytest.approx(sigma, rel=0.01)


def test_sdc_rate_in_leo_from_a_published_proton_cross_section_and_dose():
    """Snapdragon 820 proton crash cross-section ~1.07e-9 cm2 (JPL beam test, 57.5 and 200 MeV: 1.02e-9, 1.12e-9).
    LEO flux = 1.0e3 (cm-2 h-1)/(rad/yr) x the SPENVIS 10 mm dose at 550 km, 53 deg (0.4 x 883.02 + 0.6 x 764.84)
    / 5 = 162.42 rad/yr -> 1.624e5 cm-2 h-1 (the IRBEM AP-8 MIN >30 MeV flux there is 1.7e5: within 10 %);
    rate = 1.07e-9 x 1.624e5 x 8766 = 1.52 crashes per chip-year."""
    flux = radiation.hadron_flux_per_cm2_h("leo", 550e3, 53.0)
    assert flux == pytest.approx(1.0e3 * (0.4 * 883.02 + 0.6 * 764.84) / 5, rel=1e-6)
    assert flux == pytest.approx(1.7e5, rel=0.10)
    assert radiation.sdc_rate_per_chip_year(1.07e-9, "leo", 550e3, 53.0) == pytest.approx(1.07e-9 * flux * YEAR_H)
    # LEO/ground flux ratio ~1.2e4 at 550 km (1.624e5 / 13), the scale of the factor applied to sea-level FIT.
    assert flux / radiation.hadron_flux_per_cm2_h("ground") == pytest.approx(12494, rel=1e-3)


def test_free_space_flux_is_solar_protons_plus_gcr():
    """Half the ESP-PSYCHIC 90 % > 30 MeV fluence (2.97e9 cm-2/yr / 8766 h / 2 = 1.694e5 cm-2 h-1) + GCR protons and
    helium > 30 MeV/n at solar minimum (Matthiä et al. 2013: 1.98e4 cm-2 h-1); half of it on the lunar surface."""
    free = 2.97e9 / YEAR_H / 2 + 1.98e4
    assert radiation.hadron_flux_per_cm2_h("cislunar") == pytest.approx(free, rel=1e-6)
    assert radiation.hadron_flux_per_cm2_h("lunar_surface") == pytest.approx(free / 2, rel=1e-6)
    with pytest.raises(ValueError, match="unknown radiation environment"):
        radiation.hadron_flux_per_cm2_h("mars_orbit")


def test_sdc_throughput_loss_vs_llama3_effective_training_time():
    """Llama 3: 419 unexpected interruptions in 54 days on 16,384 GPUs with > 90 % effective training time, so at most
    0.1 x 54 x 86,400 s / 419 = 1,113.5 s lost per interruption; those inputs give back a 10 % loss."""
    rate = 419 / (16384 * 54 / 365.25)
    assert radiation.sdc_throughput_loss(rate, 16384, 0.1 * 54 * 86400 / 419) == pytest.approx(0.10, rel=1e-9)
    assert radiation.sdc_throughput_loss(rate, 16384, 1e6) == 1.0
    assert radiation.DEFAULTS["sdc_time_lost_per_event_s"].nominal == pytest.approx(1113.5, abs=1.0)


def test_effective_cross_section_rules():
    """Catalogue value if given; 0 for a rad-hard part without one; else the COTS default."""
    sigma = radiation.effective_see_cross_section_cm2(np.array([2e-9, 0.0, 0.0]), np.array([False, True, False]), 1.8e-8)
    assert sigma == pytest.approx([2e-9, 0.0, 1.8e-8])
    # 1,000 FIT at the JESD89A 13 n/cm2/h: 1000 / (1e9 x 13) = 7.692e-8 cm2
    assert radiation.cross_section_from_fit_cm2(1000.0) == pytest.approx(7.6923e-8, rel=1e-4)


# --------------------------------------------------------------------------------- shielding


def test_shielding_conversions():
    """10 mm Al = 1.0 cm x 2.70 g/cm3 = 2.70 g/cm2; 2 m2 at 1 g/cm2 = 2 m2 x 10 kg/m2 = 20 kg."""
    assert radiation.aluminium_mm_to_g_cm2(10.0) == pytest.approx(2.70)
    assert radiation.shielding_mass_kg(2.0, 1.0) == pytest.approx(20.0)
