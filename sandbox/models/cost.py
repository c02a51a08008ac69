"""Cost: annualisation, discounting and the headline metrics ($/PFLOP-day, $/GPU-hour, $/kWh).

Money is nominal US dollars (no inflation adjustment unless the scenario applies one); rates
are per year as fractions (0.08 = 8 %); a year is the Julian year (365.25 d, 8,766 h).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from sandbox.core.sourced import Sourced
from sandbox.models._util import HOURS_PER_YEAR, FloatOrArray, arr, is_scalar, out, reject

__all__ = [
    "DEFAULTS",
    "HOURS_PER_YEAR",
    "capital_recovery_factor",
    "annualised_cost_usd",
    "cost_per_pflop_day_usd",
    "cost_per_gpu_hour_usd",
    "cost_per_kwh_usd",
    "npv_usd",
]

_SMAD_COST = "Wertz & Larson (eds.), Space Mission Analysis and Design, 3rd ed. (1999), ch. 20 'Cost modeling'"

DEFAULTS: dict[str, Sourced] = {
    "discount_rate": Sourced(
        0.08,
        "",
        "Damodaran (NYU Stern), 'Cost of capital by sector (US)', January 2024 data set (most sectors ~6-10 %); "
        "NREL Annual Technology Baseline 2024, financial assumptions (WACC of ~5-7 % for utility-scale assets)",
        low=0.05,
        high=0.12,
        note="nominal after-tax WACC; high end for risky new space ventures (assumption)",
        scenario_key="assumptions.discount_rate",
    ),
    # Non-compute spacecraft hardware (structure, shielding, avionics, radiators, propulsion hardware,
    # plugin items) per kg, by production class. Power is priced per W and per kWh, chips and their
    # hosts per unit: no kilogram is priced twice (sandbox/ledger/element.py).
    "hardware_usd_per_kg_mass_produced": Sourced(
        1100.0,
        "USD/kg",
        "Quilty Space estimates of Starlink satellite cost as reported in the press (2024): V1 ~US$200k at ~260 kg "
        "(~770 USD/kg), V2 Mini ~US$800k at ~730 kg (~1,100 USD/kg); high = OneWeb, 'US$1 million each' at ~150 kg "
        "(T. Enders, Airbus, SpaceNews 11 Mar 2019: ~6,700 USD/kg)",
        low=770.0,
        high=6700.0,
        note="whole-satellite recurring cost per kg on a constellation production line, applied to the non-compute, "
        "non-power hardware only (an upper estimate for that share)",
    ),
    "hardware_usd_per_kg_small_series": Sourced(
        60000.0,
        "USD/kg",
        "USCM8 spacecraft bus theoretical first unit cost 283.5 X^0.716 kUSD(FY2010), X = bus dry mass in kg "
        "(Wertz, Everett & Puschell, Space Mission Engineering: The New SMAD, 2011, ch. 11): 43-58 kUSD/kg at "
        "260-750 kg, times 1.45 for FY2010 to 2025 dollars (US BLS CPI-U 218.1 in 2010, ~320 in 2025)",
        low=30000.0,
        high=90000.0,
        note="recurring first-unit cost of a conventional bus; a handful of units built",
    ),
    "hardware_usd_per_kg_bespoke": Sourced(
        200000.0,
        "USD/kg",
        "Small Satellite Cost Model bus total (development + first unit) 1064 + 35.5 X^1.261 kUSD(FY2010) "
        "(Wertz, Everett & Puschell, The New SMAD, 2011, ch. 11): 156-216 kUSD/kg at 260-1,000 kg (FY2010), "
        "times 1.45 for 2025 dollars (US BLS CPI-U)",
        low=130000.0,
        high=300000.0,
        note="a one-off spacecraft carrying its own development cost",
    ),
    "integration_fraction": Sourced(
        0.15,
        "",
        "Integration, assembly and test wraps of the parametric cost models in Wertz, Everett & Puschell, Space "
        "Mission Engineering: The New SMAD (2011), ch. 11: USCM8 IA&T 0.124 (non-recurring) and 0.195 (recurring) "
        "of hardware; SSCM 0.139",
        low=0.12,
        high=0.20,
        note="spacecraft integration, assembly and test over hardware cost (chips, hosts, power and structure)",
    ),
    "ops_cost_fraction_per_year": Sourced(
        0.03,
        "1/yr",
        _SMAD_COST + " (operations and support cost); value is an assumption for highly automated constellations",
        low=0.01,
        high=0.10,
        note="yearly operations cost as a fraction of capex",
    ),
    "building_life_years": Sourced(
        15.0,
        "yr",
        "STACK Infrastructure, 'Aging data centers and why enterprises shouldn't retrofit them' (white paper): "
        "'data centers can last 20 to 30 years, but its economically productive lifespan often caps at 10-15 years'",
        low=10.0,
        high=30.0,
        note="life over which a site's building and its power and cooling plant (capex_usd_per_w) are annualised; the "
             "servers in it are replaced on their own, shorter life",
    ),
    "ground_segment_cost_usd_per_year": Sourced(
        5.0e6,
        "USD/yr",
        _SMAD_COST + " (ground segment / mission operations); range is an assumption spanning leased "
        "ground-station service to a dedicated operations centre",
        low=1.0e6,
        high=2.0e7,
    ),
    "ground_station_usd_per_minute": Sourced(
        10.0,
        "USD/min",
        "AWS Ground Station pricing page (per-minute antenna time: ~3-10 USD/min reserved, up to ~22 USD/min "
        "on-demand wideband), accessed 2024",
        low=3.0,
        high=22.0,
    ),
    "insurance_fraction": Sourced(
        0.08,
        "",
        "Launch plus first-year insurance premiums of 8-9 % of insured value (Marsh, as reported by SpaceNews) and "
        "~10 % falling to ~7 % (Willis, SpaceNews, Sep 2010); large LEO constellations often self-insure (0)",
        low=0.0,
        high=0.12,
        note="one-off premium as a fraction of the insured value (space hardware, integration and launch)",
    ),
    "repair_labour_usd": Sourced(
        500.0,
        "USD",
        "Estimate: a few technician-hours per swap with overhead; US median wage of computer repairers US$21/h "
        "(US BLS Occupational Employment and Wage Statistics, May 2023, SOC 49-2011)",
        low=100.0,
        high=2000.0,
        note="labour and logistics of one on-site replacement in a data hall",
    ),
    "repair_parts_fraction": Sourced(
        0.2,
        "",
        "Most GPU-attributed job interruptions are cleared by automated recovery, reset or reseat (Llama Team, "
        "'The Llama 3 Herd of Models', arXiv:2407.21783, §3.3.4: only three of 466 interruptions needed significant "
        "manual intervention); hardware that does fail is swapped under the vendor's warranty (NVIDIA DGX systems: "
        "3-year hardware warranty) — the fraction is an assumption",
        low=0.05,
        high=1.0,
        note="chip price paid per repaired failure, as a fraction of the chip's price (1 = a new chip every time)",
    ),
    "datacenter_capex_usd_per_w": Sourced(
        11.7,
        "USD/W",
        "Cushman & Wakefield, Data Center Development Cost Guide 2025: average 11.7 M USD per MW of critical load "
        "across 19 US markets (9.3 San Antonio - 15.0 Reno)",
        low=9.3,
        high=15.0,
        note="building shell, site and power/cooling (MEP) per W of IT load; excludes IT equipment, land, soft costs",
    ),
    "datacenter_build_years": Sourced(
        2.0,
        "yr",
        "Cushman & Wakefield, Data Center Development Cost Guide 2025 (equipment lead times: switchgear 46-48 weeks, "
        "generators and chillers 30+ weeks, some up to 110 weeks); construction duration is an assumption",
        low=1.5,
        high=3.0,
        note="from construction start to operation, power already available",
    ),
    "grid_connection_wait_years": Sourced(
        4.0,
        "yr",
        "Rand et al., 'Queued Up: 2024 Edition', LBNL (median ~5 years from interconnection request to commercial "
        "operation for generators built in 2023); large-load waits in constrained US markets are of the same order",
        low=1.0,
        high=7.0,
        note="generator interconnection used as a proxy for large-load connection; site-dependent (assumption)",
    ),
    "electricity_price_usd_per_kwh": Sourced(
        0.08,
        "USD/(kW h)",
        "US EIA, Electric Power Monthly, Table 5.3 (average price to industrial customers ~8 cents/kWh in 2023-2024)",
        low=0.05,
        high=0.15,
        note="low = cheap wholesale/PPA sites, high = commercial tariffs and constrained markets",
        catalogue_field="power_sources.price_usd_per_kwh",
    ),
    "hardware_lifetime_years": Sourced(
        5.0,
        "yr",
        "Company filings: Microsoft (FY2022 10-K) and Alphabet (2023 10-K) depreciate servers over 6 years; "
        "Amazon shortened some servers to 5 years (2025); Meta 5.5 years (2025)",
        low=3.0,
        high=6.0,
        note="accounting life of AI servers; the economic life of GPUs may be shorter (assumption for the low end)",
    ),
    "hours_per_year": Sourced(HOURS_PER_YEAR, "h", "Julian year, 365.25 d x 24 h (IAU)", constant=True),
}


def capital_recovery_factor(rate: ArrayLike, years: ArrayLike) -> FloatOrArray:
    """Capital recovery factor: equal yearly payment per dollar of capital.

    ``CRF = r (1+r)^n / ((1+r)^n - 1)``, tending to ``1/n`` as ``r -> 0`` (handled exactly).
    End-of-year payments (ordinary annuity). E.g. r = 8 %, n = 10 -> 0.149029.
    """
    scalar = is_scalar(rate, years)
    r, n = arr(rate), arr(years)
    bad = reject((r <= -1) | (n <= 0), scalar, "rate must be > -1 and years > 0")
    small = np.abs(r) < 1e-12
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        rr = np.where(small, 1.0, r)
        growth_minus_one = np.expm1(n * np.log1p(rr))  # (1+r)^n - 1 without cancellation for small r
        crf = np.where(small, 1.0 / n, rr * (growth_minus_one + 1.0) / growth_minus_one)
    return out(np.where(bad, np.nan, crf), scalar)


def annualised_cost_usd(
    capex_usd: ArrayLike, opex_usd_per_year: ArrayLike, rate: ArrayLike, years: ArrayLike
) -> FloatOrArray:
    """Equivalent annual cost: ``C = capex * CRF(r, n) + opex`` (levelised, constant opex)."""
    scalar = is_scalar(capex_usd, opex_usd_per_year, rate, years)
    c, o = arr(capex_usd), arr(opex_usd_per_year)
    crf = arr(capital_recovery_factor(rate, years))
    return out(c * crf + o, scalar)


def cost_per_pflop_day_usd(annual_cost_usd: ArrayLike, delivered_pflops: ArrayLike) -> FloatOrArray:
    """Dollars per PFLOP/s sustained for one day: ``annual / (PFLOP/s * 365.25)``.

    ``delivered_pflops`` is the *delivered* rate in PFLOP/s (after utilisation and deratings).
    Zero delivery gives ``inf``.
    """
    scalar = is_scalar(annual_cost_usd, delivered_pflops)
    c, p = arr(annual_cost_usd), arr(delivered_pflops)
    bad = reject(p < 0, scalar, "delivered_pflops must be >= 0")
    with np.errstate(divide="ignore", invalid="ignore"):
        v = np.where(p > 0, c / np.where(p > 0, p, 1.0) / 365.25, np.inf)
    return out(np.where(bad, np.nan, v), scalar)


def cost_per_gpu_hour_usd(
    annual_cost_usd: ArrayLike, delivered_flops: ArrayLike, reference_flops: ArrayLike
) -> FloatOrArray:
    """Dollars per hour of one reference-GPU equivalent.

    ``equivalents = delivered_flops / reference_flops``; ``$/h = annual / (equivalents * 8766)``.
    ``reference_flops`` is the *delivered* FLOP/s of one reference GPU on the ground (e.g.
    H100 peak x ground utilisation), so the metric compares with rental prices.
    """
    scalar = is_scalar(annual_cost_usd, delivered_flops, reference_flops)
    c, d, ref = arr(annual_cost_usd), arr(delivered_flops), arr(reference_flops)
    bad = reject((d < 0) | (ref <= 0), scalar, "delivered_flops must be >= 0 and reference_flops > 0")
    with np.errstate(divide="ignore", invalid="ignore"):
        eq = d / ref
        v = np.where(eq > 0, c / (np.where(eq > 0, eq, 1.0) * HOURS_PER_YEAR), np.inf)
    return out(np.where(bad, np.nan, v), scalar)


def cost_per_kwh_usd(annual_cost_usd: ArrayLike, delivered_power_w: ArrayLike) -> FloatOrArray:
    """Dollars per kWh of power delivered all year: ``annual / (P[kW] * 8766 h)``."""
    scalar = is_scalar(annual_cost_usd, delivered_power_w)
    c, p = arr(annual_cost_usd), arr(delivered_power_w)
    bad = reject(p < 0, scalar, "delivered_power_w must be >= 0")
    with np.errstate(divide="ignore", invalid="ignore"):
        v = np.where(p > 0, c / (np.where(p > 0, p, 1.0) / 1000.0 * HOURS_PER_YEAR), np.inf)
    return out(np.where(bad, np.nan, v), scalar)


def npv_usd(cashflows_usd: ArrayLike, rate: ArrayLike) -> FloatOrArray:
    """Net present value of yearly cash flows: ``NPV = sum_t CF_t / (1 + r)^t``, ``t = 0, 1, ...``.

    Year 0 is undiscounted. ``cashflows_usd`` has years on its last axis; leading axes and
    ``rate`` broadcast (e.g. one rate per Monte Carlo sample). End-of-year convention.
    """
    cf = arr(cashflows_usd)
    r = arr(rate)
    scalar = cf.ndim <= 1 and r.ndim == 0
    reject(r <= -1, r.ndim == 0, "rate must be > -1")
    if cf.ndim == 0:
        cf = cf.reshape(1)
    t = np.arange(cf.shape[-1], dtype=float)
    with np.errstate(invalid="ignore", over="ignore"):
        disc = np.power(1.0 + r[..., None], -t)
        v = np.sum(cf * disc, axis=-1)
    v = np.where(r <= -1, np.nan, v)
    return out(v, scalar)
