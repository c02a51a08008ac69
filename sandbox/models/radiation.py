"""Radiation: total ionising dose by location and shielding, TID lifetime, single-event upsets.

**Read this before trusting a number.** Radiation environments are uncertain by factors, not
percent: solar cycle, storms, model choice (AP8/AE8 vs AP9/AE9) and spacecraft geometry each
move doses by 2-10x. The dose tables below are a coarse, order-of-magnitude *reconstruction*
(not a SPENVIS run): a few points are anchored to published measurements or analyses (listed in
``ANCHORS``), the rest are interpolated by engineering judgement with a factor-3 uncertainty
(``dose_rate_scale``). A plugin that needs a real mission dose should supply its own
SPENVIS/OMERE dose-depth curve through the model hooks.

Units: dose in krad(Si) (1 krad = 10 Gy; "10 Gy/yr" in ``DEFAULTS``), shielding as areal
density of aluminium in g/cm² (1 mm Al = 0.27 g/cm²), altitude in m, rates per (Julian) year
or per day as named.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from sandbox.core.sourced import Sourced
from sandbox.models._util import FloatOrArray, arr, is_scalar, out, reject

__all__ = [
    "DEFAULTS",
    "ENVIRONMENTS",
    "ANCHORS",
    "SHIELDING_GRID_G_CM2",
    "LEO_ALTITUDES_M",
    "LEO_DOSE_TABLE_KRAD_PER_YEAR",
    "ENVIRONMENT_DOSE_TABLE_KRAD_PER_YEAR",
    "dose_rate_krad_per_year",
    "leo_dose_rate_krad_per_year",
    "tid_lifetime_years",
    "seu_rate_per_bit_day",
    "upsets_per_day",
    "upset_throughput_loss",
    "aluminium_mm_to_g_cm2",
    "shielding_mass_kg",
]

#: Density of aluminium, g/cm³.
ALUMINIUM_DENSITY_G_CM3 = 2.70

#: Shielding depths of the tables, g/cm² of Al: 1, 2, 4 and 10 mm of aluminium.
SHIELDING_GRID_G_CM2 = np.array([0.27, 0.54, 1.08, 2.70])

#: Lowest altitude accepted by the LEO function (m); 100-400 km use the 400 km row.
_LEO_FLOOR_M = 100e3

#: Altitudes of the LEO table (m), circular orbits at mid/high inclination (~50-100 deg).
LEO_ALTITUDES_M = np.array([400e3, 500e3, 650e3, 800e3, 1000e3, 1200e3, 1400e3])

#: Annual dose, krad(Si)/yr, at the centre of an Al sphere of the given depth; rows = altitudes
#: in ``LEO_ALTITUDES_M``, columns = depths in ``SHIELDING_GRID_G_CM2``. Order-of-magnitude
#: reconstruction (see module docstring and ``ANCHORS``); factor ~3 uncertainty.
LEO_DOSE_TABLE_KRAD_PER_YEAR = np.array(
    [
        [0.5, 0.2, 0.15, 0.08],  # 400 km
        [1.0, 0.4, 0.2, 0.10],  # 500 km
        [2.0, 0.8, 0.4, 0.15],  # 650 km
        [4.0, 1.5, 0.8, 0.40],  # 800 km
        [8.0, 3.5, 2.0, 1.0],  # 1000 km
        [15.0, 7.0, 4.0, 2.0],  # 1200 km
        [30.0, 15.0, 8.0, 4.0],  # 1400 km
    ]
)

_SPE_DEEP_SPACE = np.array([3.0, 1.5, 0.7, 0.25])

#: Named environments -> krad(Si)/yr at ``SHIELDING_GRID_G_CM2`` (same caveats as the LEO table).
ENVIRONMENT_DOSE_TABLE_KRAD_PER_YEAR: dict[str, np.ndarray] = {
    "leo_500": LEO_DOSE_TABLE_KRAD_PER_YEAR[1],
    "leo_800": LEO_DOSE_TABLE_KRAD_PER_YEAR[3],
    "leo_1200": LEO_DOSE_TABLE_KRAD_PER_YEAR[5],
    # GPS-like MEO (~20,000 km): outer electron belt, the harshest common orbit for thin shielding.
    "meo": np.array([300.0, 80.0, 20.0, 4.0]),
    # GEO: outer-belt electrons dominate below ~4 mm, solar protons behind thick shielding.
    "geo": np.array([100.0, 25.0, 5.0, 1.0]),
    # Beyond the magnetosphere (Earth-Moon space, L-points, 1 AU cruise): solar-particle events averaged over
    # a solar cycle, plus the galactic-cosmic-ray floor (~0.018 krad/yr, MSL/RAD).
    "cislunar": _SPE_DEEP_SPACE,
    "interplanetary": _SPE_DEEP_SPACE,
    # Lunar surface: the Moon blocks half the sky (2 pi), so half of free space; GCR floor ~0.012 krad/yr.
    "lunar_surface": _SPE_DEEP_SPACE / 2.0,
    # Ground: natural background, ~2.4 mSv/yr (UNSCEAR 2008) ~ 2.4e-4 krad/yr, independent of shielding here.
    "ground": np.full(4, 2.4e-4),
}

#: The environments :func:`dose_rate_krad_per_year` and :func:`seu_rate_per_bit_day` know.
ENVIRONMENTS: tuple[str, ...] = tuple(ENVIRONMENT_DOSE_TABLE_KRAD_PER_YEAR)

#: Published points the tables were checked against (environment, depth, krad/yr, source).
ANCHORS: tuple[tuple[str, str, float, str], ...] = (
    (
        "LEO 400 km, 52 deg",
        "4 mm Al (1.08 g/cm2)",
        0.15,
        "AP8/AE8-based figure quoted from Vette et al. models (S. Barrett, 'Orbital rads', 1993): 150 rad/yr",
    ),
    ("LEO 500 km, 28.5 deg", "4 mm Al", 0.17, "same compilation: 170 rad/yr"),
    (
        "LEO 650 km dawn-dusk SSO",
        "shielded (thickness not stated)",
        0.15,
        "Google Project Suncatcher (2025): expected shielded 5-year mission dose 750 rad(Si)",
    ),
    ("GEO", "4 mm Al", 27.0, "Barrett 1993 compilation (upper end; table uses 5 krad/yr, within the x10 range)"),
    (
        "interplanetary cruise (GCR only)",
        "spacecraft interior",
        0.0176,
        "Zeitlin et al. 2013, Science 340:1080-1084 (MSL/RAD cruise 481 +/- 80 uGy/day)",
    ),
    (
        "lunar surface (GCR only)",
        "lander deck",
        0.0116,
        "Zhang et al. 2020, Science Advances 6:eaaz1334 (Chang'e-4 LND: 13.2 +/- 1 uGy/h in silicon)",
    ),
)

_TABLE_SOURCE = (
    "Order-of-magnitude reconstruction of AP8/AE8 + SHIELDOSE-2 style dose-depth curves (solid-sphere geometry), "
    "anchored to the points in sandbox.models.radiation.ANCHORS; replace with a SPENVIS (https://www.spenvis.oma.be) "
    "or OMERE run for any real mission"
)

_SEU_SOURCE = (
    "Order of magnitude for modern unhardened SRAM (~1e-9 cm2/bit saturated cross-section): Petersen, Single Event "
    "Effects in Aerospace (Wiley-IEEE 2011), ch. 10-11 (orbit rate figures of merit); ground value from ~1,000 FIT/Mbit "
    "(Baumann 2005, 'Radiation-induced soft errors in advanced semiconductor technologies', IEEE Trans. Device Mater. "
    "Reliab. 5(3):305-316)"
)


def _seu(nominal: float, note: str) -> Sourced:
    return Sourced(nominal, "1/(bit d)", _SEU_SOURCE, low=nominal / 10.0, high=nominal * 10.0, note=note)


DEFAULTS: dict[str, Sourced] = {
    "dose_rate_scale": Sourced(
        1.0,
        "",
        _TABLE_SOURCE,
        low=1.0 / 3.0,
        high=3.0,
        note="multiplier on every tabulated dose rate, for Monte Carlo; the tables are uncertain by ~x3",
    ),
    "seu_rate_scale": Sourced(
        1.0, "", _SEU_SOURCE, low=0.1, high=10.0, note="multiplier on every SEU rate; uncertain by ~x10"
    ),
    "design_margin": Sourced(
        2.0,
        "",
        "ECSS-Q-ST-60-15C (2012) 'Radiation hardness assurance - EEE components' (radiation design margin, "
        "typically 2 for TID); NASA GSFC RHA practice (LaBel et al., 'Emerging radiation hardness assurance issues')",
        low=1.2,
        high=3.0,
        note="ratio of part tolerance to predicted mission dose required by design",
    ),
    "cots_tid_krad": Sourced(
        2.0,
        "10 Gy",
        "Google Project Suncatcher (2025), Trillium TPU v6e in a 67 MeV proton beam: HBM irregularities from 2 krad(Si); "
        "no hard failures up to 15 krad(Si)",
        low=1.0,
        high=15.0,
        note="TID at which a COTS AI accelerator stops working reliably; low end (assumption) for other COTS parts",
    ),
    "rad_hard_tid_krad": Sourced(
        100.0,
        "10 Gy",
        "BAE Systems RAD5545 / RAD750 product literature (total dose 100 krad(Si) and up; some RAD750 variants 1 Mrad)",
        low=100.0,
        high=1000.0,
    ),
    "aluminium_density_g_cm3": Sourced(
        ALUMINIUM_DENSITY_G_CM3, "g/cm3", "CRC Handbook of Chemistry and Physics (Al 2.70 g/cm3)"
    ),
    "gcr_dose_free_space_krad_per_year": Sourced(
        481e-6 * 365.25 / 10.0,
        "10 Gy/yr",
        "Zeitlin et al. 2013, 'Measurements of energetic particle radiation in transit to Mars on the Mars Science "
        "Laboratory', Science 340:1080-1084 (481 +/- 80 uGy/day)",
        low=401e-6 * 365.25 / 10.0,
        high=561e-6 * 365.25 / 10.0,
        note="481 uGy/day x 365.25 = 0.176 Gy/yr = 0.0176 krad/yr; solar-minimum GCR, behind spacecraft shielding",
    ),
    "lunar_surface_gcr_dose_krad_per_year": Sourced(
        13.2e-6 * 8766 / 10.0,
        "10 Gy/yr",
        "Zhang et al. 2020, 'First measurements of the radiation dose on the lunar surface', Science Advances "
        "6:eaaz1334 (Chang'e-4 LND, 13.2 +/- 1 uGy/h in silicon)",
        low=12.2e-6 * 8766 / 10.0,
        high=14.2e-6 * 8766 / 10.0,
        note="13.2 uGy/h x 8766 h = 0.116 Gy/yr = 0.0116 krad/yr; quiet-Sun GCR",
    ),
    "seu_rate_ground_per_bit_day": _seu(2.4e-11, "1,000 FIT/Mbit = 1e-12 /bit/h = 2.4e-11 /bit/day (sea level)"),
    "seu_rate_leo_500_per_bit_day": _seu(1e-7, "SAA protons dominate"),
    "seu_rate_leo_800_per_bit_day": _seu(3e-7, "more SAA proton flux than at 500 km"),
    "seu_rate_leo_1200_per_bit_day": _seu(1e-6, "inner proton belt"),
    "seu_rate_meo_per_bit_day": _seu(1e-6, "proton belt edge and GCR"),
    "seu_rate_geo_per_bit_day": _seu(
        3e-7, "GCR heavy ions, solar-quiet; solar particle events raise it ~100x for days"
    ),
    "seu_rate_cislunar_per_bit_day": _seu(5e-7, "unshielded by the geomagnetic field; solar-quiet"),
    "seu_rate_interplanetary_per_bit_day": _seu(5e-7, "unshielded by the geomagnetic field; solar-quiet"),
    "seu_rate_lunar_surface_per_bit_day": _seu(2.5e-7, "half the sky blocked by the Moon"),
}


def aluminium_mm_to_g_cm2(thickness_mm: ArrayLike) -> FloatOrArray:
    """Areal density of an aluminium wall: ``t[mm] * 0.1 cm/mm * 2.70 g/cm³``."""
    scalar = is_scalar(thickness_mm)
    t = arr(thickness_mm)
    bad = reject(t < 0, scalar, "thickness_mm must be >= 0")
    return out(np.where(bad, np.nan, t * 0.1 * ALUMINIUM_DENSITY_G_CM3), scalar)


def shielding_mass_kg(area_m2: ArrayLike, shielding_g_cm2: ArrayLike) -> FloatOrArray:
    """Mass of a shield of ``area_m2`` at areal density ``shielding_g_cm2``: ``m = A * s * 10`` (1 g/cm² = 10 kg/m²)."""
    scalar = is_scalar(area_m2, shielding_g_cm2)
    a, s = arr(area_m2), arr(shielding_g_cm2)
    bad = reject((a < 0) | (s < 0), scalar, "area_m2 and shielding_g_cm2 must be >= 0")
    return out(np.where(bad, np.nan, a * s * 10.0), scalar)


def _log_interp_depth(shielding_g_cm2: np.ndarray, doses: np.ndarray) -> np.ndarray:
    """log(dose) linear in depth between grid points; clamped (constant) outside the grid.

    ``doses`` has the depth grid on its last axis. Clamping below 0.27 g/cm² under-estimates
    the dose of very thin shields; clamping above 2.7 g/cm² follows the flattening of LEO
    dose-depth curves behind thick shields (APEX/CRRES/DMSP, Adv. Space Res. 21(12):1651, 1998).
    Monotone because the tables are non-increasing in depth.
    """
    grid = SHIELDING_GRID_G_CM2
    s = np.clip(shielding_g_cm2, grid[0], grid[-1])
    logd = np.log(doses)
    idx = np.clip(np.searchsorted(grid, s, side="right") - 1, 0, len(grid) - 2)
    w = (s - grid[idx]) / (grid[idx + 1] - grid[idx])
    lo = np.take_along_axis(logd, idx[..., None], axis=-1)[..., 0] if logd.ndim > 1 else logd[idx]
    hi = np.take_along_axis(logd, (idx + 1)[..., None], axis=-1)[..., 0] if logd.ndim > 1 else logd[idx + 1]
    return np.exp(lo + w * (hi - lo))


def dose_rate_krad_per_year(environment: str, shielding_g_cm2: ArrayLike, scale: ArrayLike = 1.0) -> FloatOrArray:
    """Annual total ionising dose, krad(Si)/yr, behind ``shielding_g_cm2`` of aluminium.

    ``environment`` is one of :data:`ENVIRONMENTS`: ``"leo_500"``, ``"leo_800"``, ``"leo_1200"``,
    ``"meo"``, ``"geo"``, ``"cislunar"``, ``"interplanetary"``, ``"lunar_surface"``, ``"ground"``.
    Interpolation is log-linear in depth on the 1/2/4/10 mm Al grid and clamped outside it
    (see :func:`_log_interp_depth`); ``scale`` multiplies the result (``dose_rate_scale``).
    Solid-sphere geometry, solar-cycle average; uncertain by ~x3 (LEO) to ~x10 (MEO/GEO/deep space).
    """
    try:
        table = ENVIRONMENT_DOSE_TABLE_KRAD_PER_YEAR[environment]
    except KeyError:
        raise ValueError(f"unknown radiation environment {environment!r}; known: {', '.join(ENVIRONMENTS)}") from None
    scalar = is_scalar(shielding_g_cm2, scale)
    s, k = arr(shielding_g_cm2), arr(scale)
    bad = reject((s < 0) | (k < 0), scalar, "shielding_g_cm2 and scale must be >= 0")
    d = _log_interp_depth(np.where(bad, 1.0, s), table) * k
    return out(np.where(bad, np.nan, d), scalar)


def leo_dose_rate_krad_per_year(
    altitude_m: ArrayLike, inclination_deg: ArrayLike, shielding_g_cm2: ArrayLike, scale: ArrayLike = 1.0
) -> FloatOrArray:
    """Annual dose, krad(Si)/yr, in a circular LEO at ``altitude_m`` (table 400-1,400 km).

    Bilinear in (altitude, depth) on ``log(dose)``: log-linear in altitude between the rows
    of :data:`LEO_DOSE_TABLE_KRAD_PER_YEAR`, log-linear in depth as in
    :func:`dose_rate_krad_per_year`. Non-decreasing in altitude, non-increasing in shielding.

    ``inclination_deg`` (0-180) is validated but does not change the result: the table is
    for mid/high inclinations, and for shields of >= 1 mm Al the published LEO doses at
    28.5 deg and 52 deg agree within the table's factor-3 uncertainty (see ``ANCHORS``).
    Near-equatorial orbits below ~1,000 km that miss most of the South Atlantic Anomaly are
    over-estimated. Altitudes from 100 km up to 400 km use the 400 km row (a conservative
    upper bound: the dose keeps falling below 400 km); altitudes above 1,400 km (the inner
    proton belt, where doses climb steeply) or below 100 km raise ``ValueError`` (scalar) or
    give ``nan`` (arrays): use a named environment there.
    """
    scalar = is_scalar(altitude_m, inclination_deg, shielding_g_cm2, scale)
    h, inc, s, k = (arr(x) for x in (altitude_m, inclination_deg, shielding_g_cm2, scale))
    lo_h, hi_h = LEO_ALTITUDES_M[0], LEO_ALTITUDES_M[-1]
    bad = reject(
        (h < _LEO_FLOOR_M) | (h > hi_h),
        scalar,
        f"altitude_m must be within {_LEO_FLOOR_M:.0f}-{hi_h:.0f} m for the LEO table (use a named environment)",
    )
    bad = bad | reject((inc < 0) | (inc > 180), scalar, "inclination_deg must be in [0, 180]")
    bad = bad | reject((s < 0) | (k < 0), scalar, "shielding_g_cm2 and scale must be >= 0")
    h, inc, s, k, bad = np.broadcast_arrays(h, inc, s, k, bad)
    hc = np.where(bad, lo_h, np.maximum(h, lo_h))  # below 400 km: the 400 km row (upper bound)
    i = np.clip(np.searchsorted(LEO_ALTITUDES_M, hc, side="right") - 1, 0, len(LEO_ALTITUDES_M) - 2)
    w = (hc - LEO_ALTITUDES_M[i]) / (LEO_ALTITUDES_M[i + 1] - LEO_ALTITUDES_M[i])
    sc = np.where(bad, 1.0, s)
    d_lo = _log_interp_depth(sc, LEO_DOSE_TABLE_KRAD_PER_YEAR[i])
    d_hi = _log_interp_depth(sc, LEO_DOSE_TABLE_KRAD_PER_YEAR[i + 1])
    d = np.exp(np.log(d_lo) + w * (np.log(d_hi) - np.log(d_lo))) * k
    return out(np.where(bad, np.nan, d), scalar)


def tid_lifetime_years(
    tolerance_krad: ArrayLike, dose_rate_krad_per_year: ArrayLike, design_margin: ArrayLike = 2.0
) -> FloatOrArray:
    """Years until the accumulated dose reaches the part tolerance divided by the design margin.

    ``T = tolerance / (margin * dose_rate)``; ``inf`` for zero dose rate. Linear accumulation
    (no annealing, no dose-rate effects such as ELDRS).
    """
    scalar = is_scalar(tolerance_krad, dose_rate_krad_per_year, design_margin)
    tol, rate, m = arr(tolerance_krad), arr(dose_rate_krad_per_year), arr(design_margin)
    bad = reject((tol < 0) | (rate < 0) | (m <= 0), scalar, "tolerance and dose rate must be >= 0, margin > 0")
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(rate > 0, tol / (m * np.where(rate > 0, rate, 1.0)), np.inf)
    return out(np.where(bad, np.nan, t), scalar)


def seu_rate_per_bit_day(environment: str, shielding_g_cm2: ArrayLike = 1.0, scale: ArrayLike = 1.0) -> FloatOrArray:
    """Single-event upsets per bit per day for modern unhardened SRAM-class memory.

    Order-of-magnitude table (``seu_rate_<environment>_per_bit_day`` in ``DEFAULTS``, each
    uncertain by x10). The rate is treated as independent of ``shielding_g_cm2`` (validated
    only): upsets come mostly from GCR heavy ions and >30 MeV protons, which practical shields
    do not stop (Petersen 2011). ``scale`` multiplies the result (``seu_rate_scale``).
    """
    key = f"seu_rate_{environment}_per_bit_day"
    if key not in DEFAULTS:
        raise ValueError(f"unknown radiation environment {environment!r}; known: {', '.join(ENVIRONMENTS)}")
    scalar = is_scalar(shielding_g_cm2, scale)
    s, k = arr(shielding_g_cm2), arr(scale)
    bad = reject((s < 0) | (k < 0), scalar, "shielding_g_cm2 and scale must be >= 0")
    rate = DEFAULTS[key].nominal * k * np.ones_like(s)
    return out(np.where(bad, np.nan, rate), scalar)


def upsets_per_day(rate_per_bit_day: ArrayLike, bits: ArrayLike) -> FloatOrArray:
    """Expected upsets per day in ``bits`` of memory: ``N = rate * bits`` (independent bits)."""
    scalar = is_scalar(rate_per_bit_day, bits)
    r, b = arr(rate_per_bit_day), arr(bits)
    bad = reject((r < 0) | (b < 0), scalar, "rate and bits must be >= 0")
    return out(np.where(bad, np.nan, r * b), scalar)


def upset_throughput_loss(upsets_per_day: ArrayLike, recompute_s: ArrayLike) -> FloatOrArray:
    """Fraction of throughput lost when each detected, uncorrected upset costs ``recompute_s`` of work.

    ``loss = min(1, N_per_day * t_recompute / 86400 s)``: first-order, events do not overlap,
    every event is detected (silent corruption is not counted). Upsets corrected by ECC cost
    nothing here: pass only the uncorrectable ones.
    """
    scalar = is_scalar(upsets_per_day, recompute_s)
    n, t = arr(upsets_per_day), arr(recompute_s)
    bad = reject((n < 0) | (t < 0), scalar, "upsets_per_day and recompute_s must be >= 0")
    return out(np.where(bad, np.nan, np.minimum(1.0, n * t / 86400.0)), scalar)
