"""Radiation: total ionising dose by orbit and shielding, belt transits, TID life, single-event effects.

**Read this before trusting a number.** Space radiation is uncertain by factors, not percent:
the solar cycle, storms, the model (AP-8/AE-8 vs AP-9/AE-9) and the spacecraft geometry each
move doses by 2-10x. Every table cell below is traceable to a published model output, a
measurement or a model run whose method is stated (``LEO_CELL_SOURCES``,
``ENVIRONMENT_COMPONENTS``, ``TRANSIT_SOURCES``, ``ANCHORS``); ``dose_rate_scale`` carries the
remaining uncertainty into Monte Carlo. A plugin that needs a real mission dose should supply its
own SPENVIS/OMERE dose-depth curve through the model hooks.

How the LEO table was made (trapped particles, design environment AP-8 MIN protons + AE-8 MAX
electrons, SHIELDOSE-2 dose in Si at the centre of solid Al spheres):

- at 550 km the cells *are* the published SPENVIS 4.6.11 output of Pfandzelter & Bermbach
  (ACM LEO-NET '23, arXiv:2302.08952; data repository github.com/pfandzelter/leo-edge-failure-models,
  ``compute-failure/results/<inclination>.txt``, 5-year mission doses divided by 5);
- at the other altitudes they are the same models run with the IRBEM library (ONERA;
  ``fly_in_nasa_aeap1`` AP-8/AE-8 and IRBEM's copy of NIST SHIELDOSE-2; circular orbits with
  J2 node drift, orbit-averaged spectra), multiplied per inclination and depth by the ratio
  SPENVIS / IRBEM at 550 km (the IRBEM runs are 0.85-1.04x SPENVIS at 1-10 mm and 0.69-0.88x at
  0.5 mm), so each row is "AP-8 MIN/AE-8 MAX + SHIELDOSE-2 solid sphere, computed with IRBEM
  (ONERA), calibrated to the SPENVIS 550 km output".

Cross-check: Google's Project Suncatcher quotes 750 rad(Si) per 5 years (150 rad/yr) shielded at
650 km dawn-dusk SSO; the table gives 1.4x that behind 10 mm Al, as expected for the solar-minimum
proton model (the same IRBEM run with AP-8 MAX gives 159 rad/yr).

Units: dose in krad(Si) (1 krad = 10 Gy; ``DEFAULTS`` write "krad" and "krad/yr", which
:func:`sandbox.core.units.unit_of` reads as the rad of dose, not astropy's kilo-radian), shielding as areal density
of aluminium in g/cm² (1 mm Al = 0.27 g/cm²), altitude in m, inclination in degrees, particle
fluxes in cm⁻² h⁻¹, cross-sections in cm², rates per (Julian) year or per day as named.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from sandbox.core.sourced import Sourced
from sandbox.models._util import HOURS_PER_YEAR, SECONDS_PER_YEAR, FloatOrArray, arr, is_scalar, out, reject

__all__ = [
    "DEFAULTS",
    "ENVIRONMENTS",
    "GCR_DEFAULTS",
    "ANCHORS",
    "LEO_CELL_SOURCES",
    "ENVIRONMENT_COMPONENTS",
    "TRANSIT_SOURCES",
    "SEE_FLUX_SOURCES",
    "DEPTHS_MM",
    "SHIELDING_GRID_G_CM2",
    "LEO_ALTITUDES_M",
    "LEO_INCLINATIONS_DEG",
    "LEO_DOSE_TABLE_KRAD_PER_YEAR",
    "ENVIRONMENT_DOSE_TABLE_KRAD_PER_YEAR",
    "TRANSIT_KINDS",
    "dose_rate_krad_per_year",
    "leo_dose_rate_krad_per_year",
    "transit_dose_krad",
    "tid_lifetime_years",
    "hadron_flux_per_cm2_h",
    "cross_section_from_fit_cm2",
    "effective_see_cross_section_cm2",
    "sdc_rate_per_chip_year",
    "sdc_throughput_loss",
    "aluminium_mm_to_g_cm2",
    "shielding_mass_kg",
]

#: Density of aluminium, g/cm³.
ALUMINIUM_DENSITY_G_CM3 = 2.70

#: Al depths of every dose table, mm: 0.5, 1, 2, 4 and 10 mm (SHIELDOSE-2 output depths).
DEPTHS_MM = np.array([0.5, 1.0, 2.0, 4.0, 10.0])
#: The same depths as areal density, g/cm² (mm × 0.1 cm/mm × 2.70 g/cm³).
SHIELDING_GRID_G_CM2 = DEPTHS_MM * 0.1 * ALUMINIUM_DENSITY_G_CM3

#: Lowest altitude accepted by the LEO function (m); 100-400 km use the 400 km row.
_LEO_FLOOR_M = 100e3

_ALTITUDES_KM = (400, 500, 550, 650, 800, 1000, 1200, 1400)
#: Altitudes of the LEO table (m), circular orbits.
LEO_ALTITUDES_M = np.array(_ALTITUDES_KM, dtype=float) * 1e3
#: Inclination nodes of the LEO table (deg): low (~30°, Cape Canaveral/SAA-dominated), mid (53°,
#: Starlink/Kuiper-like), sun-synchronous (98°).
LEO_INCLINATIONS_DEG = np.array([30.0, 53.0, 98.0])
#: Highest latitude each node's ground track reaches (deg): ``min(i, 180 - i)``; the table is
#: interpolated in this latitude reach, so retrograde orbits use their prograde equivalent.
_NODE_REACH_DEG = np.minimum(LEO_INCLINATIONS_DEG, 180.0 - LEO_INCLINATIONS_DEG)

# ------------------------------------------------------------------------------------- data

_SPENVIS_SRC = (
    "SPENVIS 4.6.11 (AP-8 MIN, AE-8 MAX, SHIELDOSE-2, Si, centre of Al spheres), 550 km circular, mission "
    "2023-2027 (1,825 d), published by T. Pfandzelter & D. Bermbach, 'Edge Computing in Low-Earth Orbit - What "
    "Could Possibly Go Wrong?', ACM LEO-NET '23, doi:10.1145/3614204.3616106 (arXiv:2302.08952); data: "
    "github.com/pfandzelter/leo-edge-failure-models, compute-failure/results/<inclination>.txt"
)
_IRBEM_SRC = (
    "AP-8 MIN/AE-8 MAX + SHIELDOSE-2 solid sphere, computed with IRBEM (ONERA; fly_in_nasa_aeap1 and IRBEM's "
    "SHIELDOSE-2, Si, nuclear attenuation on; circular orbit with J2 node drift, 5-10 days at 60 s), calibrated "
    "per inclination and depth to the SPENVIS 550 km output of Pfandzelter & Bermbach (ACM LEO-NET '23)"
)

#: SPENVIS 5-year doses at 550 km, rad(Si), at ``DEPTHS_MM``, by inclination (deg), as published
#: (total of trapped electrons, bremsstrahlung and trapped protons).
_SPENVIS_550_5YR_RAD: dict[float, tuple[float, ...]] = {
    30.0: (2.1454e4, 4.7086e3, 2.3155e3, 1.5990e3, 1.1955e3),
    50.0: (6.7015e4, 1.8836e4, 6.9512e3, 2.2222e3, 8.8302e2),
    55.0: (8.0049e4, 2.6242e4, 9.5457e3, 2.5464e3, 7.6484e2),
    95.0: (8.5292e4, 3.0554e4, 1.0714e4, 2.4410e3, 5.6028e2),
    100.0: (9.2511e4, 3.3331e4, 1.1605e4, 2.5890e3, 5.6937e2),
}
_SPENVIS_MISSION_YEARS = 5.0


def _spenvis_550_per_year(inclination_deg: float) -> np.ndarray:
    """SPENVIS 550 km dose rate (rad/yr) at an inclination node: a published run, or linear between two."""
    incs = sorted(_SPENVIS_550_5YR_RAD)
    if inclination_deg in _SPENVIS_550_5YR_RAD:
        five = np.array(_SPENVIS_550_5YR_RAD[inclination_deg])
    else:
        lo = max(i for i in incs if i < inclination_deg)
        hi = min(i for i in incs if i > inclination_deg)
        w = (inclination_deg - lo) / (hi - lo)
        five = (1 - w) * np.array(_SPENVIS_550_5YR_RAD[lo]) + w * np.array(_SPENVIS_550_5YR_RAD[hi])
    return five / _SPENVIS_MISSION_YEARS


#: IRBEM runs (AP-8 MIN, AE-8 MAX, SHIELDOSE-2 solid sphere), rad(Si)/yr at ``DEPTHS_MM``, by
#: inclination node and altitude (km). The 30° node uses 28.5° runs except at 550 km (30°).
_IRBEM_RAD_PER_YEAR: dict[float, dict[int, tuple[float, ...]]] = {
    30.0: {
        400: (142.8, 73.0, 57.2, 47.5, 38.9),
        500: (1032.7, 349.5, 220.7, 169.2, 129.9),
        550: (2956.9, 804.9, 433.6, 308.4, 226.4),
        650: (6535.7, 1686.2, 864.9, 600.6, 430.8),
        800: (22555.2, 5091.2, 2279.7, 1451.6, 995.7),
        1000: (80972.9, 16609.9, 6427.3, 3660.5, 2361.5),
        1200: (219525.5, 43550.9, 15606.4, 8239.8, 5049.6),
        1400: (486880.9, 97176.7, 33448.5, 16700.4, 9814.1),
    },
    53.0: {
        400: (5614.1, 2046.2, 779.9, 198.2, 46.3),
        500: (9812.3, 3335.4, 1264.5, 359.1, 116.8),
        550: (12559.8, 4155.1, 1577.3, 472.6, 168.2),
        650: (20135.8, 6332.9, 2393.3, 766.9, 304.1),
        800: (37610.2, 10949.2, 4093.5, 1427.1, 636.2),
        1000: (80757.8, 21058.7, 7665.3, 2872.7, 1387.3),
        1200: (165019.9, 39081.1, 13823.6, 5524.1, 2803.5),
        1400: (324124.5, 72208.5, 24798.3, 10260.1, 5291.8),
    },
    98.0: {
        400: (8552.5, 3373.9, 1198.7, 245.2, 32.2),
        500: (13035.5, 4944.5, 1761.8, 393.1, 80.6),
        550: (15705.8, 5842.9, 2087.5, 488.8, 116.7),
        650: (22391.6, 7997.4, 2871.5, 732.3, 216.0),
        800: (36741.7, 12198.1, 4393.8, 1252.7, 456.2),
        1000: (70232.6, 20631.9, 7375.4, 2387.3, 1024.4),
        1200: (135519.6, 35204.9, 12370.3, 4470.0, 2120.0),
        1400: (257659.7, 61181.7, 21002.4, 8156.7, 4052.8),
    },
}


def _leo_table() -> tuple[np.ndarray, dict[tuple[float, int], str]]:
    """Calibrated LEO table, krad/yr, shape (inclination node, altitude, depth), and each cell's source."""
    table = np.empty((len(LEO_INCLINATIONS_DEG), len(_ALTITUDES_KM), len(DEPTHS_MM)))
    sources: dict[tuple[float, int], str] = {}
    for i, inc in enumerate(LEO_INCLINATIONS_DEG):
        runs = _IRBEM_RAD_PER_YEAR[float(inc)]
        spenvis = _spenvis_550_per_year(float(inc))
        calibration = spenvis / np.array(runs[550])
        for j, alt in enumerate(_ALTITUDES_KM):
            table[i, j] = np.array(runs[alt]) * calibration / 1000.0
            run_inc = 28.5 if (inc == 30.0 and alt != 550) else float(inc)
            if alt == 550:
                how = "interpolated between the published runs" if inc not in _SPENVIS_550_5YR_RAD else "published run"
                sources[(float(inc), alt)] = f"{_SPENVIS_SRC} ({how} at {inc:g} deg)"
            else:
                sources[(float(inc), alt)] = f"{_IRBEM_SRC}; run at {alt} km, {run_inc:g} deg"
    return table, sources


#: Annual dose, krad(Si)/yr, at the centre of an Al sphere; axes (``LEO_INCLINATIONS_DEG``,
#: ``LEO_ALTITUDES_M``, ``SHIELDING_GRID_G_CM2``). Trapped particles only (no solar protons, no GCR:
#: both are small in LEO behind >= 1 mm except during storms at high inclination).
LEO_DOSE_TABLE_KRAD_PER_YEAR, _CELL_SOURCES = _leo_table()
#: Source of every LEO cell, keyed by (inclination node in deg, altitude in km).
LEO_CELL_SOURCES: dict[tuple[float, int], str] = _CELL_SOURCES

# Beyond LEO: components in rad(Si)/yr at DEPTHS_MM, summed into the environment tables.
_ESP_SRC = (
    "Solar protons: ESP-PSYCHIC total fluence, 90 % confidence, 10-year mission (Xapsos et al., 'Probability model "
    "for cumulative solar proton event fluences', IEEE TNS 47(3):486-490, 2000; ECSS-E-ST-10-04C), SPENVIS output "
    "for GEO (geomagnetic attenuation 0.994) published in github.com/shirokawakita/spenvis_guide "
    "(inputs/geo_10yr_combined_proton_ap9.csv), divided by 0.994 and 10 yr and passed through SHIELDOSE-2 (IRBEM, Si, "
    "solid sphere)"
)
_SPE_ESP90_RAD_PER_YEAR = np.array([10487.7, 5342.1, 2570.4, 1149.8, 349.3])
#: Nominal solar-particle dose = this fraction of the ESP-PSYCHIC 90 % design level: the 90 % value
#: averages ~7 active years of a 10-year window at a 1-in-10 confidence; a median year is several
#: times lower (Xapsos et al. 2000). Engineering judgement; the high end of ``dose_rate_scale`` covers 1.
SPE_NOMINAL_FRACTION = 0.5
_GEO_TRAPPED_RAD_PER_YEAR = np.array([4521717.9, 1195272.2, 205977.2, 16288.7, 529.5])
_MEO_TRAPPED_RAD_PER_YEAR = np.array([6301686.3, 2588368.1, 828886.1, 113537.2, 991.3])
_TRAPPED_SRC = (
    "AE-8 MAX + AP-8 MIN + SHIELDOSE-2 solid sphere, computed with IRBEM (ONERA), orbit-averaged; no published "
    "table found; GEO electron models differ by 3-10x at thin shields (ECSS-E-ST-10-04C recommends IGE-2006 at GEO)"
)
_MSL_SRC = (
    "Zeitlin et al. 2013, 'Measurements of energetic particle radiation in transit to Mars on the Mars Science "
    "Laboratory', Science 340:1080-1084 (481 +/- 80 uGy/day)"
)
_CE4_SRC = (
    "Zhang et al. 2020, 'First measurements of the radiation dose on the lunar surface', Science Advances "
    "6:eaaz1334 (Chang'e-4 LND, 13.2 +/- 1 uGy/h in silicon, charged + neutral)"
)
_GCR_FREE_SPACE_KRAD = 481e-6 * 365.25 / 10.0  # 481 uGy/day -> krad/yr
_LUNAR_SURFACE_KRAD = 13.2e-6 * HOURS_PER_YEAR / 10.0  # 13.2 uGy/h -> krad/yr
_SPE_NOMINAL_KRAD = SPE_NOMINAL_FRACTION * _SPE_ESP90_RAD_PER_YEAR / 1000.0
_SPE_NOTE = f"{SPE_NOMINAL_FRACTION:g} x the ESP-PSYCHIC 90 % level (see SPE_NOMINAL_FRACTION). {_ESP_SRC}"
_FLAT = np.ones(len(DEPTHS_MM))

#: Per environment: (component, krad(Si)/yr at ``DEPTHS_MM``, source). The environment's dose is the sum.
ENVIRONMENT_COMPONENTS: dict[str, tuple[tuple[str, np.ndarray, str], ...]] = {
    "meo": (
        ("trapped electrons and protons, GPS-like 20,200 km, 55 deg", _MEO_TRAPPED_RAD_PER_YEAR / 1000.0, _TRAPPED_SRC),
        ("solar protons (geomagnetic shielding at MEO neglected: an upper bound)", _SPE_NOMINAL_KRAD, _SPE_NOTE),
        ("galactic cosmic rays", _GCR_FREE_SPACE_KRAD * _FLAT, _MSL_SRC),
    ),
    "geo": (
        ("trapped electrons (and sub-MeV protons), GEO 0 deg", _GEO_TRAPPED_RAD_PER_YEAR / 1000.0, _TRAPPED_SRC),
        ("solar protons", _SPE_NOMINAL_KRAD, _SPE_NOTE),
        ("galactic cosmic rays", _GCR_FREE_SPACE_KRAD * _FLAT, _MSL_SRC),
    ),
    "cislunar": (
        ("solar protons (outside the magnetosphere: as at 1 AU)", _SPE_NOMINAL_KRAD, _SPE_NOTE),
        ("galactic cosmic rays (measured floor, weakly dependent on depth at 1-10 mm)", _GCR_FREE_SPACE_KRAD * _FLAT, _MSL_SRC),
    ),
    "interplanetary": (
        ("solar protons, the 1 AU value at any distance from the Sun (an upper bound beyond 1 AU: approximation)",
         _SPE_NOMINAL_KRAD, _SPE_NOTE),
        ("galactic cosmic rays", _GCR_FREE_SPACE_KRAD * _FLAT, _MSL_SRC),
    ),
    "lunar_surface": (
        ("solar protons, half the sky (the Moon blocks 2 pi sr)", _SPE_NOMINAL_KRAD / 2.0, _SPE_NOTE),
        ("GCR and albedo neutrons, measured on the surface", _LUNAR_SURFACE_KRAD * _FLAT, _CE4_SRC),
    ),
    "ground": (
        (
            "natural background",
            2.4e-4 * _FLAT,
            "UNSCEAR 2008 Report, Annex B: world average natural exposure 2.4 mSv/yr (effective dose incl. radon; "
            "the absorbed dose in electronics is lower) - negligible either way",
        ),
    ),
}

#: Named environments -> krad(Si)/yr at ``SHIELDING_GRID_G_CM2`` (sum of ``ENVIRONMENT_COMPONENTS``).
ENVIRONMENT_DOSE_TABLE_KRAD_PER_YEAR: dict[str, np.ndarray] = {
    name: np.sum([c[1] for c in parts], axis=0) for name, parts in ENVIRONMENT_COMPONENTS.items()
}

#: The environments :func:`dose_rate_krad_per_year` knows (LEO uses :func:`leo_dose_rate_krad_per_year`).
ENVIRONMENTS: tuple[str, ...] = tuple(ENVIRONMENT_DOSE_TABLE_KRAD_PER_YEAR)

#: Per environment, the default (in :data:`DEFAULTS`) that its galactic-cosmic-ray component is: the
#: component is flat in depth, so :func:`dose_rate_krad_per_year` can replace it with a scenario's value.
GCR_DEFAULTS: dict[str, str] = {"meo": "gcr_dose_free_space_krad_per_year", "geo": "gcr_dose_free_space_krad_per_year",
                                "cislunar": "gcr_dose_free_space_krad_per_year",
                                "interplanetary": "gcr_dose_free_space_krad_per_year",
                                "lunar_surface": "lunar_surface_gcr_dose_krad_per_year"}
#: Each environment's table without its cosmic-ray component, its last (krad(Si)/yr at ``DEPTHS_MM``):
#: adding the nominal component back gives the table bit for bit (the same sum in the same order).
_WITHOUT_GCR = {name: np.sum([c[1] for c in ENVIRONMENT_COMPONENTS[name][:-1]], axis=0) for name in GCR_DEFAULTS}

# ------------------------------------------------------------------------- belt transits

_GTO_PER_ORBIT_RAD = np.array([8530.91, 2866.12, 775.22, 104.81, 2.14])
_SPIRAL_100_DAYS_RAD = np.array([2066950.46, 529079.83, 152199.56, 29136.05, 3370.63])
_SPIRAL_DAYS = 100.0
#: Dose of one chemical (hours-long) belt crossing, krad at ``DEPTHS_MM``: half of one GTO orbit.
_CHEMICAL_CROSSING_KRAD = _GTO_PER_ORBIT_RAD / 2.0 / 1000.0
#: Mean dose per day of a low-thrust spiral from LEO to GEO, krad/day at ``DEPTHS_MM``.
_SPIRAL_KRAD_PER_DAY = _SPIRAL_100_DAYS_RAD / _SPIRAL_DAYS / 1000.0

#: Kinds of transfer :func:`transit_dose_krad` knows.
TRANSIT_KINDS = ("chemical", "electric")
#: Source of each transit table.
TRANSIT_SOURCES: dict[str, str] = {
    "chemical": (
        "Half of one GTO orbit (250 x 35,786 km, 28.5 deg, period 10.5 h): AP-8 MIN/AE-8 MAX + SHIELDOSE-2 solid "
        "sphere computed with IRBEM (ONERA); dose per orbit 2,866 / 775 / 105 / 2.1 rad at 1 / 2 / 4 / 10 mm. "
        "Cross-check: Apollo crews received 0.2-1 rad for two passes behind the command module (Apollo 11: 201 mrad, "
        "mostly trapped protons on the two belt passes; Radiation Research 49(2):245, 1972)"
    ),
    "electric": (
        "Circular low-thrust spiral 500 km -> GEO at 28.5 deg, constant acceleration (equal time per delta-v step), "
        "100 days: 529 / 152 / 29 / 3.4 krad at 1 / 2 / 4 / 10 mm, AP-8 MIN/AE-8 MAX + SHIELDOSE-2 computed with "
        "IRBEM (ONERA); about 45 % of the time is spent below 2 Earth radii. Scales linearly with the days spent "
        "between LEO and GEO. Cross-check: Horne & Pitchford, 'Space weather concerns for all-electric propulsion "
        "satellites', Space Weather 13(8):430-433 (2015): 200 days of electric orbit raising ~ 6.7 years of GEO "
        "electron dose"
    ),
}

# ------------------------------------------------------------------------- SEE fluxes

#: Reference sea-level flux of >10 MeV neutrons, cm⁻² h⁻¹ (New York City, JEDEC JESD89A).
GROUND_NEUTRON_FLUX_PER_CM2_H = 13.0
#: Orbit-averaged >30 MeV trapped-proton flux per unit 10 mm Al dose in LEO, (cm⁻² h⁻¹)/(rad(Si)/yr).
LEO_PROTON_FLUX_PER_DOSE = 1.0e3
_ESP90_GT30MEV_PER_CM2_YEAR = 2.97e9
#: GCR protons + helium above 30 MeV/nucleon, omnidirectional, 1 AU, solar minimum, cm⁻² h⁻¹.
GCR_HADRON_FLUX_PER_CM2_H = 1.98e4
_FREE_SPACE_FLUX = SPE_NOMINAL_FRACTION * _ESP90_GT30MEV_PER_CM2_YEAR / HOURS_PER_YEAR + GCR_HADRON_FLUX_PER_CM2_H

#: Flux of the hadrons (>~30 MeV protons; >10 MeV neutrons on the ground) that cause single-event
#: effects by nuclear reactions, cm⁻² h⁻¹, per named environment (LEO: see :func:`hadron_flux_per_cm2_h`).
_SEE_FLUX_PER_CM2_H: dict[str, float] = {
    "ground": GROUND_NEUTRON_FLUX_PER_CM2_H,
    "meo": _FREE_SPACE_FLUX,
    "geo": _FREE_SPACE_FLUX,
    "cislunar": _FREE_SPACE_FLUX,
    "interplanetary": _FREE_SPACE_FLUX,
    "lunar_surface": _FREE_SPACE_FLUX / 2.0,
}
_GCR_FLUX_SRC = (
    "GCR: Matthiä et al., 'A ready-to-use galactic cosmic ray model', Adv. Space Res. 51(3):329-338 (2013), "
    "computed with the CosRayModifiedISO package (Univ. Surrey): protons + helium > 30 MeV/n, 4 pi, W = 0 "
    "(solar minimum) 1.98e4 cm-2 h-1; W = 150 (solar maximum) 4.2e3"
)
#: Source of every SEE flux.
SEE_FLUX_SOURCES: dict[str, str] = {
    "ground": "JEDEC JESD89A (2006): reference flux of >10 MeV neutrons at sea level, New York City, 13 cm-2 h-1",
    "leo": (
        "LEO_PROTON_FLUX_PER_DOSE x the 10 mm Al dose of the LEO table: the AP-8 MIN orbit-averaged >30 MeV proton flux "
        "per rad/yr behind 10 mm (where the dose is 95-100 % trapped protons) is 0.92e3-1.07e3 (cm-2 h-1)/(rad/yr) over "
        "14 orbits 400-1,400 km, 28.5-98 deg, computed with IRBEM (ONERA)"
    ),
    "free_space": (
        f"Solar protons > 30 MeV: {SPE_NOMINAL_FRACTION:g} x the ESP-PSYCHIC 90 % fluence {_ESP90_GT30MEV_PER_CM2_YEAR:.3g} "
        f"cm-2 per year ({_ESP_SRC}), as a time average (it arrives in storms); plus {_GCR_FLUX_SRC}. MEO and GEO use "
        "the free-space value (upper bound: no geomagnetic shielding; no trapped protons > 30 MeV there); the lunar "
        "surface half of it (2 pi). GCR heavy ions (direct ionisation) are not counted separately"
    ),
}

# --------------------------------------------------------------------------------- anchors

#: Published points the model is checked against: (point, shielding, value, unit, source); the tests restate each.
ANCHORS: tuple[tuple[str, str, float, str, str], ...] = (
    ("LEO 550 km, 55 deg (and every 5 deg 0-180)", "4 mm Al", 2546.4 / 5 / 1000, "krad/yr", _SPENVIS_SRC),
    (
        "LEO 650 km dawn-dusk SSO",
        "shielded (10 mm Al assumed; thickness not in the public summaries)",
        0.15,
        "krad/yr",
        "Google Research blog, 'Exploring a space-based, scalable AI infrastructure system design' (4 Nov 2025) and "
        "Agüera y Arcas et al., arXiv:2511.19468: expected shielded five-year mission dose 750 rad(Si)",
    ),
    (
        "LEO 400 km, 52 deg and 500 km, 28.5 deg",
        "4 mm Al",
        0.16,
        "krad/yr",
        "150 and 170 rad/yr, AP-8/AE-8 values of Vette et al. as compiled by S. Barrett, 'Orbital rads' (1993) - a "
        "secondary compilation, kept as a cross-check only",
    ),
    ("interplanetary cruise (GCR only)", "spacecraft interior", _GCR_FREE_SPACE_KRAD, "krad/yr", _MSL_SRC),
    ("lunar surface (GCR + neutrons)", "lander deck", _LUNAR_SURFACE_KRAD, "krad/yr", _CE4_SRC),
    ("two chemical belt crossings, Apollo 11 crew", "command module", 0.201e-3, "krad", TRANSIT_SOURCES["chemical"]),
    ("200 days of electric orbit raising", "electron dose", 6.7, "GEO-years", TRANSIT_SOURCES["electric"]),
)

# -------------------------------------------------------------------------------- defaults

_SUNCATCHER = (
    "Google Research blog, 'Exploring a space-based, scalable AI infrastructure system design' (4 Nov 2025), and "
    "Agüera y Arcas et al., 'Towards a future space-based, highly scalable AI infrastructure system design', "
    "arXiv:2511.19468 (2025): Trillium TPU v6e in a 67 MeV proton beam; the HBM subsystems, the most sensitive part, "
    "'began showing irregularities after a cumulative dose of 2 krad(Si)', 'nearly three times the expected "
    "(shielded) five year mission dose of 750 rad(Si)'; no hard failures attributable to TID up to the maximum "
    "tested 15 krad(Si)"
)
_SEE_SRC = (
    "Log-midpoint of two published bounds for an unhardened accelerator's job-stopping or corrupting events: "
    "low 1e-9 cm2 = proton (57-200 MeV) crash cross-section of the Snapdragon 820 SoC board (NASA JPL report 'SEE "
    "test results for the Snapdragon 820', trs.jpl.nasa.gov/handle/2014/47483, Fig. 7, as digitised in "
    "github.com/pfandzelter/leo-edge-failure-models); high 3.3e-7 cm2 = every GPU HBM3 and SRAM interruption of "
    "Meta's Llama 3 405B run (72 + 19 in 54 days on 16,384 H100s; Llama Team, 'The Llama 3 Herd of Models', "
    "arXiv:2407.21783, 2024, Table 5) attributed to the 13 cm-2 h-1 sea-level neutron flux (JESD89A): an upper "
    "bound, as field memory errors include hard faults. GPU vendors' absolute beam FIT rates are not published (the "
    "LANSCE/ChipIR GPU data sets are normalised, e.g. github.com/UFRGS-CAROL/SC19-paper-data)"
)

DEFAULTS: dict[str, Sourced] = {
    "dose_rate_scale": Sourced(
        1.0,
        "",
        "AP-8/AE-8 solar-cycle and model spread: the IRBEM AP-8 MAX/AE-8 MIN run gives 0.5x (1-2 mm) to 0.7x (10 mm) "
        "of the solar-minimum table at 550-650 km; AP-8 under-predicts measured LEO doses (KITSAT-1 comparison, "
        "koreascience JAKO200425720299522); GEO/MEO electron models differ 3-10x (ECSS-E-ST-10-04C); solar-particle "
        "years range from ~0.1x to 2x the nominal (ESP-PSYCHIC, Xapsos et al. 2000)",
        low=1.0 / 3.0,
        high=3.0,
        note="multiplier on every tabulated dose rate and transit dose, for Monte Carlo",
    ),
    "design_margin": Sourced(
        2.0,
        "",
        "Radiation design margin (part capability / predicted mission dose): ECSS-E-ST-10-12C (2008) 'Methods for the "
        "calculation of radiation received and its effects, and a policy for design margins', clause 5.2; NASA/JPL "
        "Preferred Practice PD-ED-1260 'Radiation design margin requirement' (NASA Lessons Learned 0792): 2 for TID is "
        "the common requirement; programmes with lot data accept less, high-variability COTS lots call for 3",
        low=1.2,
        high=3.0,
        note="the engine passes this to tid_lifetime_years; no function has a default margin",
    ),
    "cots_tid_krad": Sourced(
        2.0,
        "krad",
        _SUNCATCHER,
        low=1.0,
        high=15.0,
        note="the life limit used for a commercial accelerator with no TID test of its own: the ONSET of HBM "
        "irregularities (a functional limit: beyond it the part corrupts data), with design_margin applied on top "
        "as Google does (2 krad vs 0.75 krad mission dose). High = no hard failure up to 15 krad (a design that "
        "rides through HBM errors); low = assumption, an untested lot up to 2x weaker (lot-to-lot spread is why "
        "ECSS-Q-ST-60-15C requires lot testing)",
    ),
    "rad_hard_tid_krad": Sourced(
        100.0,
        "krad",
        "BAE Systems RAD5545 / RAD750 product literature (total dose 100 krad(Si) and up; some RAD750 variants 1 Mrad)",
        low=100.0,
        high=1000.0,
    ),
    "shielded_electronics_density_kg_m3": Sourced(
        848.0,
        "kg/m3",
        "NVIDIA DGX H100 User Guide, system specifications: 130.45 kg in a 356 x 482.2 x 897.1 mm chassis (0.154 m3) "
        "-> 848 kg/m3 for eight accelerators with their host server, power supplies and fans",
        low=500.0,
        high=1000.0,
        note="bulk density of the accelerators and their hosts inside the shield (its faces enclose them); low = boards "
        "spaced for cold plates and fluid loops, high = denser than a server chassis (the range is an assumption)",
    ),
    "aluminium_density_g_cm3": Sourced(
        ALUMINIUM_DENSITY_G_CM3, "g/cm3", "CRC Handbook of Chemistry and Physics (Al 2.70 g/cm3)",
        note="the density of the mm <-> g/cm2 conversion of the dose tables (pure aluminium): a definition here; "
        "a scenario states shielding in g/cm2 to model another material",
        constant=True,
    ),
    "gcr_dose_free_space_krad_per_year": Sourced(
        _GCR_FREE_SPACE_KRAD,
        "krad/yr",
        _MSL_SRC,
        low=401e-6 * 365.25 / 10.0,
        high=561e-6 * 365.25 / 10.0,
        note="481 uGy/day x 365.25 = 0.176 Gy/yr = 0.0176 krad/yr; solar-minimum GCR, behind spacecraft shielding",
    ),
    "lunar_surface_gcr_dose_krad_per_year": Sourced(
        _LUNAR_SURFACE_KRAD,
        "krad/yr",
        _CE4_SRC,
        low=12.2e-6 * HOURS_PER_YEAR / 10.0,
        high=14.2e-6 * HOURS_PER_YEAR / 10.0,
        note="13.2 uGy/h x 8766 h = 0.116 Gy/yr = 0.0116 krad/yr; quiet Sun (2019 solar minimum)",
    ),
    "cots_see_cross_section_cm2": Sourced(
        1.8e-8,
        "cm2",
        _SEE_SRC,
        low=1e-9,
        high=3.3e-7,
        note="per chip, for events that stop or corrupt a job (SDC + detected-uncorrectable + hang), to > 30 MeV "
        "hadrons; used for a commercial chip whose catalogue entry has no see_cross_section_cm2",
    ),
    "see_flux_scale": Sourced(
        1.0,
        "",
        "Spread of the SEE-causing flux: LEO flux-per-dose ratio 0.92-1.07e3 (IRBEM, 14 orbits); solar-particle years "
        "0.1x-2x the nominal (ESP-PSYCHIC, Xapsos et al. 2000); GCR solar max/min 0.2x (Matthiä et al. 2013)",
        low=0.3,
        high=2.0,
        note="multiplier on every SEE hadron flux, for Monte Carlo",
    ),
    "sdc_time_lost_per_event_s": Sourced(
        1113.0,
        "s",
        "Llama Team, 'The Llama 3 Herd of Models', arXiv:2407.21783 (2024), section 3.3.4: 419 unexpected interruptions "
        "in 54 days on 16,384 H100s with > 90 % effective training time -> at most 0.1 x 54 d / 419 = 1,113 s lost per "
        "interruption (restart + recompute since the last checkpoint); range is an assumption (fast in-memory "
        "checkpoints to hourly checkpoints)",
        low=300.0,
        high=3600.0,
        note="wall-clock time a whole synchronous job loses per event on any of its chips",
    ),
}

# ---------------------------------------------------------------------------------- helpers


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


def _bracket(x: NDArray[np.float64], grid: NDArray[np.float64]) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
    """Lower grid index and weight of ``x`` on ``grid`` (clamped to the grid's ends)."""
    xc = np.clip(x, grid[0], grid[-1])
    idx = np.clip(np.searchsorted(grid, xc, side="right") - 1, 0, len(grid) - 2)
    w = (xc - grid[idx]) / (grid[idx + 1] - grid[idx])
    return idx, w


_LOG_DEPTHS = np.log(SHIELDING_GRID_G_CM2)


def _depth_interp(shielding_g_cm2: NDArray[np.float64], log_doses: NDArray[np.float64]) -> NDArray[np.float64]:
    """log(dose) linear in log(depth) (log-log), clamped outside 0.5-10 mm; ``log_doses`` has depth last.

    Clamping below 0.5 mm under-estimates the dose of thinner walls; clamping above 10 mm
    over-estimates it slightly (LEO dose-depth curves flatten behind thick shields: 10 -> 20 mm
    lowers the SPENVIS 550 km dose by only ~30 %). Monotone: every table falls with depth.
    """
    logs = np.log(np.maximum(shielding_g_cm2, SHIELDING_GRID_G_CM2[0]))
    k, w = _bracket(logs, _LOG_DEPTHS)
    lo = np.take_along_axis(log_doses, k[..., None], axis=-1)[..., 0]
    hi = np.take_along_axis(log_doses, (k + 1)[..., None], axis=-1)[..., 0]
    return lo + w * (hi - lo)


def dose_rate_krad_per_year(environment: str, shielding_g_cm2: ArrayLike, scale: ArrayLike = 1.0,
                            gcr_krad_per_year: float | None = None) -> FloatOrArray:
    """Annual total ionising dose, krad(Si)/yr, behind ``shielding_g_cm2`` of aluminium.

    ``environment`` is one of :data:`ENVIRONMENTS`: ``"meo"``, ``"geo"``, ``"cislunar"``,
    ``"interplanetary"``, ``"lunar_surface"``, ``"ground"`` (LEO: :func:`leo_dose_rate_krad_per_year`).
    The table is the sum of the sourced :data:`ENVIRONMENT_COMPONENTS`; interpolation is
    log-log in depth on the 0.5/1/2/4/10 mm grid, clamped outside it. ``scale`` multiplies the
    result (``dose_rate_scale``). Solid-sphere geometry, time-averaged solar particles.
    ``gcr_krad_per_year`` replaces the environment's cosmic-ray component (the default named in
    :data:`GCR_DEFAULTS`; pass the model set's value so that a scenario's ``[models]`` value
    reaches it); None keeps the tabulated nominal.
    """
    try:
        table = ENVIRONMENT_DOSE_TABLE_KRAD_PER_YEAR[environment]
    except KeyError:
        raise ValueError(f"unknown radiation environment {environment!r}; known: {', '.join(ENVIRONMENTS)}") from None
    if gcr_krad_per_year is not None and environment in GCR_DEFAULTS:
        if not (gcr_krad_per_year >= 0 and math.isfinite(gcr_krad_per_year)):
            raise ValueError(f"gcr_krad_per_year must be finite and >= 0, got {gcr_krad_per_year!r}")
        table = _WITHOUT_GCR[environment] + float(gcr_krad_per_year) * _FLAT
    scalar = is_scalar(shielding_g_cm2, scale)
    s, k = arr(shielding_g_cm2), arr(scale)
    bad = reject((s < 0) | (k < 0), scalar, "shielding_g_cm2 and scale must be >= 0")
    s, k, bad = np.broadcast_arrays(s, k, bad)
    logd = np.broadcast_to(np.log(table), (*s.shape, len(DEPTHS_MM)))
    d = np.exp(_depth_interp(np.where(bad, 1.0, s), logd)) * k
    return out(np.where(bad, np.nan, d), scalar)


_LOG_LEO = np.log(LEO_DOSE_TABLE_KRAD_PER_YEAR)


def leo_dose_rate_krad_per_year(
    altitude_m: ArrayLike, inclination_deg: ArrayLike, shielding_g_cm2: ArrayLike, scale: ArrayLike = 1.0
) -> FloatOrArray:
    """Annual dose, krad(Si)/yr, in a circular LEO (table 400-1,400 km; see :data:`LEO_CELL_SOURCES`).

    Trilinear on ``log(dose)``: linear in altitude between the rows of
    :data:`LEO_ALTITUDES_M`, linear in the latitude reach ``min(i, 180° - i)`` between the nodes
    30°, 53° and 98° (reach 30°, 53°, 82°), and linear in log(depth) as in
    :func:`dose_rate_krad_per_year`. A reach below 30° uses the 30° node (an upper bound: at 550 km
    the published SPENVIS dose falls to ~0 at 0°); a reach above 82° (polar orbits) the 98° node.
    Against the published SPENVIS 550 km scan (0-180° in 5° steps) this is within ±35 % for
    inclinations 30-150° at 0.5-10 mm; it misses the peak near 70° (and 110°), where 1-2 mm doses
    are ~1.5x the 53° value. Altitudes from 100 km up to 400 km use the
    400 km row (an upper bound: the dose keeps falling lower down); above 1,400 km (the inner
    proton belt) or below 100 km raise ``ValueError`` (scalar) or give ``nan`` (arrays).
    ``scale`` multiplies the result (``dose_rate_scale``).
    """
    scalar = is_scalar(altitude_m, inclination_deg, shielding_g_cm2, scale)
    h, inc, s, k = (arr(x) for x in (altitude_m, inclination_deg, shielding_g_cm2, scale))
    hi_h = LEO_ALTITUDES_M[-1]
    bad = reject(
        (h < _LEO_FLOOR_M) | (h > hi_h),
        scalar,
        f"altitude_m must be within {_LEO_FLOOR_M:.0f}-{hi_h:.0f} m for the LEO table (use a named environment)",
    )
    bad = bad | reject((inc < 0) | (inc > 180), scalar, "inclination_deg must be in [0, 180]")
    bad = bad | reject((s < 0) | (k < 0), scalar, "shielding_g_cm2 and scale must be >= 0")
    h, inc, s, k, bad = np.broadcast_arrays(h, inc, s, k, bad)
    ia, wa = _bracket(np.where(bad, LEO_ALTITUDES_M[0], h), LEO_ALTITUDES_M)
    reach = np.minimum(inc, 180.0 - inc)
    ii, wi = _bracket(np.where(bad, _NODE_REACH_DEG[0], reach), _NODE_REACH_DEG)
    sc = np.where(bad, 1.0, s)
    logd = (
        (1 - wi)[..., None] * ((1 - wa)[..., None] * _LOG_LEO[ii, ia] + wa[..., None] * _LOG_LEO[ii, ia + 1])
        + wi[..., None] * ((1 - wa)[..., None] * _LOG_LEO[ii + 1, ia] + wa[..., None] * _LOG_LEO[ii + 1, ia + 1])
    )
    d = np.exp(_depth_interp(sc, logd)) * k
    return out(np.where(bad, np.nan, d), scalar)


def transit_dose_krad(
    kind: str,
    shielding_g_cm2: ArrayLike,
    days_in_belts: ArrayLike = 0.0,
    crossings: ArrayLike = 1.0,
    scale: ArrayLike = 1.0,
) -> FloatOrArray:
    """Dose, krad(Si), taken once on the way through the Van Allen belts (see :data:`TRANSIT_SOURCES`).

    - ``"chemical"``: ``crossings`` fast (hours-long) passes, each half a GTO orbit's dose
      (a Hohmann transfer or TLI out is one crossing; out and back is two). ``days_in_belts`` unused.
    - ``"electric"``: a low-thrust spiral, ``days_in_belts`` × the mean dose per day of a LEO→GEO
      spiral. With constant acceleration the time is proportional to Δv, so for a spiral from LEO
      to beyond GEO ``days_in_belts = transfer_days · Δv(LEO→GEO) / Δv(total)`` (Edelbaum, coplanar:
      Δv = difference of circular speeds). ``crossings`` unused.

    Log-log in depth on the 0.5-10 mm grid, clamped outside it; ``scale`` multiplies the result
    (``dose_rate_scale``). AP-8 MIN/AE-8 MAX trapped particles, solid sphere.
    """
    tables = {"chemical": _CHEMICAL_CROSSING_KRAD, "electric": _SPIRAL_KRAD_PER_DAY}
    if kind not in tables:
        raise ValueError(f"unknown transit kind {kind!r}; known: {', '.join(TRANSIT_KINDS)}")
    scalar = is_scalar(shielding_g_cm2, days_in_belts, crossings, scale)
    s, t, n, k = (arr(x) for x in (shielding_g_cm2, days_in_belts, crossings, scale))
    bad = reject(
        (s < 0) | (t < 0) | (n < 0) | (k < 0), scalar, "shielding_g_cm2, days_in_belts, crossings and scale must be >= 0"
    )
    s, t, n, k, bad = np.broadcast_arrays(s, t, n, k, bad)
    logd = np.broadcast_to(np.log(tables[kind]), (*s.shape, len(DEPTHS_MM)))
    per = np.exp(_depth_interp(np.where(bad, 1.0, s), logd))
    d = per * (n if kind == "chemical" else t) * k
    return out(np.where(bad, np.nan, d), scalar)


def tid_lifetime_years(
    tolerance_krad: ArrayLike,
    dose_rate_krad_per_year: ArrayLike,
    design_margin: ArrayLike,
    transit_dose_krad: ArrayLike = 0.0,
) -> FloatOrArray:
    """Years until the mission dose reaches the part tolerance divided by the design margin.

    ``T = max(tolerance / margin - transit, 0) / dose_rate``: the margin divides the part's
    capability (ECSS-E-ST-10-12C's radiation design margin), the one-off ``transit_dose_krad``
    (belt crossing or spiral, :func:`transit_dose_krad`) is spent first, and the rest lasts at
    the orbit's rate. ``inf`` for a zero dose rate with allowance left; ``0`` when the transit
    alone uses the allowance. ``design_margin`` has no default on purpose: callers pass
    ``radiation.design_margin``. Linear accumulation (no annealing, no dose-rate effects such as ELDRS).
    """
    scalar = is_scalar(tolerance_krad, dose_rate_krad_per_year, design_margin, transit_dose_krad)
    tol, rate, m, tr = (arr(x) for x in (tolerance_krad, dose_rate_krad_per_year, design_margin, transit_dose_krad))
    bad = reject(
        (tol < 0) | (rate < 0) | (tr < 0) | ~(m > 0), scalar, "tolerance, dose rate and transit dose must be >= 0, margin > 0"
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        allowance = np.maximum(tol / np.where(m > 0, m, 1.0) - tr, 0.0)
        t = np.where(rate > 0, allowance / np.where(rate > 0, rate, 1.0), np.where(allowance > 0, np.inf, 0.0))
    return out(np.where(bad, np.nan, t), scalar)


# ------------------------------------------------------------------------- single events


def hadron_flux_per_cm2_h(
    environment: str, altitude_m: ArrayLike = 0.0, inclination_deg: ArrayLike = 0.0, scale: ArrayLike = 1.0
) -> FloatOrArray:
    """Time-averaged flux of the hadrons that cause single-event effects, cm⁻² h⁻¹ (see :data:`SEE_FLUX_SOURCES`).

    ``"leo"``: orbit-averaged > 30 MeV trapped protons, ``LEO_PROTON_FLUX_PER_DOSE`` × the 10 mm
    dose of :func:`leo_dose_rate_krad_per_year` at ``altitude_m``/``inclination_deg`` (same range
    rules). ``"ground"``: > 10 MeV neutrons at sea level (JESD89A). Elsewhere: solar protons
    > 30 MeV (time average) + GCR. Independent of shielding: > 30 MeV protons cross 10 mm Al
    almost unattenuated. In LEO the flux arrives in South Atlantic Anomaly passes; from the Sun,
    in storms. ``scale`` multiplies the result (``see_flux_scale``).
    """
    if environment == "leo":
        dose_rad = leo_dose_rate_krad_per_year(altitude_m, inclination_deg, SHIELDING_GRID_G_CM2[-1], scale) * 1000.0
        return out(arr(dose_rad) * LEO_PROTON_FLUX_PER_DOSE, is_scalar(dose_rad))
    if environment not in _SEE_FLUX_PER_CM2_H:
        known = ", ".join(("leo", *_SEE_FLUX_PER_CM2_H))
        raise ValueError(f"unknown radiation environment {environment!r}; known: {known}")
    scalar = is_scalar(scale)
    k = arr(scale)
    bad = reject(k < 0, scalar, "scale must be >= 0")
    return out(np.where(bad, np.nan, _SEE_FLUX_PER_CM2_H[environment] * k), scalar)


def cross_section_from_fit_cm2(fit: ArrayLike, reference_flux_per_cm2_h: ArrayLike = GROUND_NEUTRON_FLUX_PER_CM2_H) -> FloatOrArray:
    """Per-device cross-section (cm²) from a failure rate in FIT (events per 10⁹ device-hours).

    ``σ = FIT / (10⁹ h × Φ)`` with ``Φ`` the flux the FIT was quoted at (JESD89A sea level,
    13 cm⁻² h⁻¹, by default). Valid for the hadron-induced (nuclear reaction) events whose
    cross-sections are similar for > 50 MeV protons and neutrons.
    """
    scalar = is_scalar(fit, reference_flux_per_cm2_h)
    f, phi = arr(fit), arr(reference_flux_per_cm2_h)
    bad = reject((f < 0) | ~(phi > 0), scalar, "fit must be >= 0 and the reference flux > 0")
    with np.errstate(divide="ignore", invalid="ignore"):
        sigma = f / (1e9 * np.where(phi > 0, phi, 1.0))
    return out(np.where(bad, np.nan, sigma), scalar)


def effective_see_cross_section_cm2(
    chip_cross_section_cm2: ArrayLike, rad_hard: ArrayLike, cots_default_cm2: ArrayLike
) -> FloatOrArray:
    """The SEE cross-section a chip is evaluated with, cm².

    The catalogue value when given (> 0); otherwise ``0`` for a radiation-hardened-by-design part
    (EDAC and hardened latches make its upsets negligible against a COTS accelerator's) and
    ``cots_default_cm2`` (``radiation.cots_see_cross_section_cm2``) for a commercial one.
    """
    scalar = is_scalar(chip_cross_section_cm2, rad_hard, cots_default_cm2)
    c, h, d = arr(chip_cross_section_cm2), np.asarray(rad_hard, dtype=bool), arr(cots_default_cm2)
    bad = reject((c < 0) | (d < 0), scalar, "cross-sections must be >= 0")
    sigma = np.where(c > 0, c, np.where(h, 0.0, d))
    return out(np.where(bad, np.nan, sigma), scalar)


def sdc_rate_per_chip_year(
    cross_section_cm2: ArrayLike,
    environment: str,
    altitude_m: ArrayLike = 0.0,
    inclination_deg: ArrayLike = 0.0,
    scale: ArrayLike = 1.0,
) -> FloatOrArray:
    """Single events that stop or corrupt work, per chip per year: ``σ × Φ × 8766 h``.

    ``cross_section_cm2`` is the chip's event cross-section (:func:`effective_see_cross_section_cm2`),
    ``Φ`` the environment's hadron flux (:func:`hadron_flux_per_cm2_h`, with ``altitude_m`` and
    ``inclination_deg`` for ``"leo"``; ``scale`` = ``see_flux_scale``).
    """
    flux = hadron_flux_per_cm2_h(environment, altitude_m, inclination_deg, scale)
    scalar = is_scalar(cross_section_cm2, flux)
    sigma, phi = arr(cross_section_cm2), arr(flux)
    bad = reject(sigma < 0, scalar, "cross_section_cm2 must be >= 0")
    return out(np.where(bad, np.nan, sigma * phi * HOURS_PER_YEAR), scalar)


def sdc_throughput_loss(
    rate_per_chip_year: ArrayLike, chips_per_job: ArrayLike, time_lost_per_event_s: ArrayLike
) -> FloatOrArray:
    """Fraction of delivered compute lost to single events: ``min(1, r · N · t / year)``.

    A synchronous job on ``chips_per_job`` chips stops whenever any of them has an event
    (rate ``r · N``) and loses ``time_lost_per_event_s`` of wall-clock time (restart plus
    recompute since the last checkpoint, ``radiation.sdc_time_lost_per_event_s``). First order:
    events arrive in wall-clock time, so when ``r · N · t`` reaches a year the job makes no
    progress (loss 1). Silent corruptions count only if detected (by checksums or redundancy).
    """
    scalar = is_scalar(rate_per_chip_year, chips_per_job, time_lost_per_event_s)
    r, n, t = arr(rate_per_chip_year), arr(chips_per_job), arr(time_lost_per_event_s)
    bad = reject((r < 0) | (n < 0) | (t < 0), scalar, "rate, chips_per_job and time lost must be >= 0")
    return out(np.where(bad, np.nan, np.minimum(1.0, r * n * t / SECONDS_PER_YEAR)), scalar)
