"""Built-in plugin: the ground baseline, a terrestrial AI data center (on the grid by default).

Registered through the public ``sandbox_register_architectures`` hook exactly as a third
party would. The data center is sized to the scenario's workload by the engine (sustained
compute at the workload's precision, through ``context.units_for_workload``); the engine then
prices its chips and their host servers, building, electricity, cooling (by PUE), water
and the on-site repair of failed parts on the shared ledger. Every comparison is shown relative
to it. Its users reach it over the same terrestrial network every architecture's users use
(``links.user_network_rtt_s``), so its query latency is that network plus processing.

Power (``power``):

- ``"grid"`` (default): electricity bought from the grid, after the wait for a connection;
- ``"solar-storage"``: an on-site solar plant with batteries for the night, off the grid. The
  plant is its own element (it outlives the chips) feeding the hall through a power link, so the
  engine supplies the hall's IT load *and* its cooling. Its array is rated for the site's
  published yearly yield (``Site.solar_capacity_factor`` from ``solar_site``: the mean output over
  the year relative to the rating at 1,000 W/m²), its batteries carry the longest night at the site
  (the winter solstice, from the latitude), and the share of the load that passes through them
  (the mean night) loses their round-trip efficiency;
- ``"gas"``: an on-site combined-cycle gas plant (catalogue entry of kind ``"fuel"``: capex per W,
  fuel per kWh from the heat rate and the gas price), also its own element and power link.

On-site plants need no grid connection: the years to service are the longer of the hall's build
and the plant's. The plant's hardware is priced per W and per kWh (not by mass, like the hall).
The plugin registers the ground power entries it uses (``PV-utility-tracking``, ``Li-ion-grid``,
``CCGT``), each sourced.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sandbox import (
    TRAINING_UTILISATION,
    ArchitectureSpec,
    Context,
    Design,
    Element,
    LinkStage,
    Metric,
    Param,
    Params,
    PowerLink,
    PowerSource,
    PowerSystem,
    Site,
    ThermalSystem,
    checkpoint_param,
    counted_precision,
    from_sourced,
    hookimpl,
    models,
)

HOURS_PER_YEAR = 8766.0
SECONDS_PER_YEAR = HOURS_PER_YEAR * 3600.0
_LBNL_USS = ("Seel et al., 'Utility-Scale Solar, 2024 Edition', Lawrence Berkeley National Laboratory (2024): 2023 plants "
             "cost US$1.43/W_AC = US$1.08/W_DC (capacity-weighted); plant-level capacity factors 7-35 % on an AC basis, "
             "sample median 24 %")
_DUFFIE = ("Duffie & Beckman, Solar Engineering of Thermal Processes, 4th ed. (Wiley 2013), eqs. 1.6.1a (declination, "
           "Cooper 1969), 1.6.10 and 1.6.11 (sunset hour angle and day length)")


@dataclass(frozen=True)
class SolarSite:
    """A ground solar site: ``capacity_factor`` (mean DC output over the year / DC rating at 1,000 W/m²),
    ``latitude_deg`` (for its nights), where the figures come from and whether its plants track the Sun
    (``tracking``: single-axis trackers, spaced wider than fixed-tilt rows, take more land per MW)."""

    name: str
    capacity_factor: float
    latitude_deg: float
    source: str
    tracking: bool = True


#: Published yearly yields of good ground solar sites, as DC capacity factors (kWh per kWp over 8,766 h).
SOLAR_SITES = {
    "atacama": SolarSite(
        "Atacama Desert (Chile), single-axis tracking", 2320.0 / HOURS_PER_YEAR, -24.1,
        "Araya et al. 2016, 'Performance analysis of photovoltaic systems installed at different sites in the Atacama "
        "Desert', 43rd IEEE PVSC, pp. 1635-1640: a multicrystalline single-axis tracking plant at 1,700 m yields 2,320 "
        "kWh/kWp per year (2,320/8,766 h = 26.5 % of its DC rating; plane-of-array irradiation 3,510 kWh/m2/yr), the "
        "best ground yield measured there; latitude ~24° S (estimate for the 1,700 m site)"),
    "namibia": SolarSite(
        "Namibia (national average, fixed optimal tilt)", 5.38 * 365.25 / HOURS_PER_YEAR, -22.6,
        "World Bank ESMAP & Solargis, 'Global Photovoltaic Power Potential by Country' (2020): Namibia has the highest "
        "national average PV output, 5.38 kWh/kWp per day for a fixed, optimally tilted plant (22.4 %); latitude of "
        "Windhoek, 22.6° S", tracking=False),
    "us-median": SolarSite(
        "US utility-scale median (AC median over DC/AC ratio)", 0.24 * 1.08 / 1.43, 35.0,
        _LBNL_USS + ": the AC median 24 % is 24 % × 1.08/1.43 = 18.1 % of the DC rating; latitude 35° N is an estimate "
        "of the US fleet's typical latitude; land as a tracking plant's (most US utility-scale plants built since 2015 "
        "use single-axis trackers, same source)"),
}

POWER_OPTIONS = ("grid", "solar-storage", "gas")
_BOLINGER = ("Bolinger & Bolinger 2022, 'Land requirements for utility-scale PV: an empirical update on power and energy "
             "density', IEEE J. Photovoltaics 12(2)")

PARAMS = (
    Param("chip", "H100-SXM", "Accelerator in the racks (a catalogue chip).", catalogue="chips", kind="string", precision="workload-or-bf16"),
    Param("grid", "grid-us", "Electricity supply (a catalogue power source of kind 'grid').", catalogue="power_sources",
          kinds=("grid",), kind="string"),
    from_sourced("utilisation", models.compute.DEFAULTS["utilisation_inference"],
                 "Fraction of peak FLOP/s delivered to the workload (model FLOP utilisation); a training workload's "
                 "default is compute.utilisation_training.", maximum=1.0, exclusive_minimum=True,
                 workload_defaults=TRAINING_UTILISATION),
    from_sourced("failure_rate", models.compute.DEFAULTS["failure_rate_per_year_ground"],
                 "Accelerator failures per chip-year (replaced by technicians within compute.repair_time_days).",
                 maximum=10.0),
    checkpoint_param(),
    from_sourced("pue", models.thermal.DEFAULTS["pue_hyperscale"], "Power usage effectiveness (facility power / IT power).",
                 minimum=1.0, maximum=5.0),
    from_sourced("wue", models.thermal.DEFAULTS["wue_l_per_kwh"], "Water use per kWh of IT energy.", maximum=20.0),
    from_sourced("facility_capex", models.cost.DEFAULTS["datacenter_capex_usd_per_w"],
                 "Building, electrical and mechanical plant per W of IT load."),
    from_sourced("build_time", models.cost.DEFAULTS["datacenter_build_years"], "Design and construction time."),
    from_sourced("grid_wait", models.cost.DEFAULTS["grid_connection_wait_years"], "Wait for a grid connection (runs alongside the build)."),
    Param("lifetime", "5 yr", "Service life of the accelerators before replacement.", unit="yr",
          source="Amazon 2024 10-K: servers depreciated over 5 years from 2025 (6 before); Alphabet and Microsoft use 6 years",
          low="4 yr", high="6 yr", exclusive_minimum=True, maximum=30.0),
    # ------------------------------------------------------------------ on-site power
    Param("power", "grid", "Power supply: 'grid' (bought from the grid), 'solar-storage' (on-site solar with batteries for "
          "the night, off the grid) or 'gas' (on-site combined-cycle gas plant).", choices=POWER_OPTIONS),
    Param("solar_site", "atacama", "Site of the solar plant (its published yearly yield and latitude): 'atacama' (best "
          "measured ground yield), 'namibia' (best national average), 'us-median'.", choices=tuple(SOLAR_SITES),
          source="; ".join(f"{k}: {v.source}" for k, v in SOLAR_SITES.items())),
    Param("solar_capacity_factor", 0.0, "DC capacity factor of the solar plant (mean output / rating at 1,000 W/m²); "
          "0 = the solar_site's published figure.", maximum=1.0,
          source="Override for studies; the sites' figures are sourced in solar_site"),
    Param("solar_array", "PV-utility-tracking", "Solar modules and trackers (a catalogue power source of kind 'solar').",
          catalogue="power_sources", kinds=("solar",), kind="string"),
    Param("solar_storage", "Li-ion-grid", "Batteries for the night (a catalogue power source of kind 'storage').",
          catalogue="power_sources", kinds=("storage",), kind="string"),
    Param("solar_plant_life", "20 yr", "Life over which the solar plant and its batteries are paid for.", unit="yr",
          low="15 yr", high="30 yr", exclusive_minimum=True, maximum=50.0,
          source="The batteries set it: NREL Annual Technology Baseline 2024, utility-scale battery storage (15-year "
                 "life), LFP grid batteries warranted ~15-20 years; the modules last 30+ years (NREL ATB utility PV: "
                 "30 years), so 20 years overstates the array's yearly cost a little"),
    Param("solar_build_time", "1 yr", "Time to build the solar plant (runs alongside the hall's build).", unit="yr",
          low="0.5 yr", high="2 yr", maximum=10.0,
          source="Estimate: utility-scale PV and battery plants are built in about 6-18 months once permitted (LBNL "
                 "'Utility-Scale Solar' series); no grid interconnection queue for an off-grid plant"),
    Param("land_power_density", "0.59 MW/ha", "DC nameplate of a single-axis tracking solar plant per hectare of land.",
          unit="MW/ha", low="0.41 MW/ha", high="0.87 MW/ha", exclusive_minimum=True,
          source=_BOLINGER + ": 2019 median 0.24 MW_DC/acre (0.59 MW/ha) for tracking plants; 43 % denser than the 2011 "
                 "plants of Ong et al. 2013, 'Land-use requirements for solar power plants in the United States', "
                 "NREL/TP-6A20-56290 (low)"),
    Param("land_power_density_fixed", "0.87 MW/ha", "DC nameplate of a fixed-tilt solar plant per hectare of land.",
          unit="MW/ha", low="0.57 MW/ha", high="1.2 MW/ha", exclusive_minimum=True,
          source=_BOLINGER + ": 2019 median 0.35 MW_DC/acre (0.87 MW/ha) for fixed-tilt plants, 52 % denser than in 2011 "
                 "(low: the 2011 median); high: an assumption for dense east-west layouts"),
    Param("gas_plant", "CCGT", "On-site gas plant (a catalogue power source of kind 'fuel').", catalogue="power_sources",
          kinds=("fuel",), kind="string"),
    Param("gas_plant_life", "30 yr", "Life over which the gas plant is paid for.", unit="yr", low="20 yr", high="40 yr",
          exclusive_minimum=True, maximum=60.0,
          source="NREL Annual Technology Baseline 2024, natural gas combined cycle: 30-year cost recovery period"),
    Param("gas_build_time", "3 yr", "Time to build the gas plant (runs alongside the hall's build).", unit="yr",
          low="2 yr", high="6 yr", maximum=15.0,
          source="Estimate: ~3 years to build a combined-cycle plant (EIA, 'Capital cost and performance characteristics', "
                 "Sargent & Lundy 2024, lead times); gas-turbine order backlogs of 2025 stretch it (high)"),
)


def longest_night_s(latitude_deg: float) -> float:
    """Longest night (s) at ``latitude_deg``: 24 h less the shortest day, at the winter solstice (δ = ∓23.45°).

    Day length N = (2/15) arccos(−tan φ tan δ) hours (Duffie & Beckman eq. 1.6.11), sunrise to sunset.
    """
    phi = math.radians(abs(latitude_deg))
    cos_ws = max(-1.0, min(1.0, math.tan(phi) * math.tan(math.radians(23.45))))
    return (24.0 - 2.0 / 15.0 * math.degrees(math.acos(cos_ws))) * 3600.0


def mean_night_fraction(latitude_deg: float) -> float:
    """Mean share of the day without the Sun over a year at ``latitude_deg`` (Duffie & Beckman eqs. 1.6.1a, 1.6.10-11)."""
    n = np.arange(1, 366)
    delta = np.radians(23.45 * np.sin(np.radians(360.0 * (284 + n) / 365.0)))
    cos_ws = np.clip(-math.tan(math.radians(latitude_deg)) * np.tan(delta), -1.0, 1.0)
    day_h = 2.0 / 15.0 * np.degrees(np.arccos(cos_ws))
    return float(np.mean(1.0 - day_h / 24.0))


def _plant(p: Params, ctx: Context, metrics: list[Metric], notes: list[str]) -> tuple[Element, float]:
    """The on-site plant element for ``p.power`` and its build time (yr)."""
    ground = {"kind": "ground", "radiation_environment": "ground"}
    if p.power == "solar-storage":
        site = SOLAR_SITES[p.solar_site]
        cf = float(p.solar_capacity_factor) or site.capacity_factor
        night_s = longest_night_s(site.latitude_deg)
        share = mean_night_fraction(site.latitude_deg)
        stc = ctx.models.value("power.stc_irradiance_w_m2")
        density = "land_power_density" if site.tracking else "land_power_density_fixed"
        metrics += [
            Metric("solar.capacity_factor", cf, "", inputs=["solar_site", "solar_capacity_factor"], source=site.source),
            Metric("solar.irradiation", stc * cf * HOURS_PER_YEAR / 1e3, "kWh/m2/yr",
                   inputs=["power.stc_irradiance_w_m2", "solar.capacity_factor"],
                   source="sunlight used per m² of array per year: 1,000 W/m² × capacity factor × 8,766 h (= kWh per kWp)"),
            Metric("solar.longest_night", night_s / 3600.0, "h", inputs=["solar_site"], source=_DUFFIE),
            Metric("solar.storage_share", share, "", inputs=["solar_site"],
                   source="mean share of the day without the Sun over a year: " + _DUFFIE),
            Metric("solar.land_power_density", p.si(density) / 1e6 * 1e4, "MW/ha", inputs=["solar_site", density],
                   source=SPEC.param(density).source),
        ]
        notes.append(f"solar-storage at {site.name}: capacity factor {cf:.3f}; batteries carry the longest night "
                     f"({night_s / 3600:.1f} h, sunset to sunrise at the winter solstice); the dim hours after sunrise and "
                     "before sunset and cloudy spells are not added (an approximation that favours the ground)")
        plant = Element(
            name="solar plant", count=1, chip=None, chips_per_unit=0,
            site=Site(site.name, eclipse_fraction=share, longest_dark_s=night_s, solar_capacity_factor=cf, **ground),
            power=PowerSystem(source=p.solar_array, storage=p.solar_storage),
            thermal=ThermalSystem(kind="none"), lifetime_years=p.si("solar_plant_life") / SECONDS_PER_YEAR)
        return plant, p.si("solar_build_time") / SECONDS_PER_YEAR
    gas = ctx.catalogues.power_sources[p.gas_plant]
    if gas.kind != "fuel":
        raise ValueError(f"gas_plant {gas.name!r} is a power source of kind {gas.kind!r}; it must be of kind 'fuel' "
                         "(e.g. 'CCGT')")
    metrics.append(Metric("gas.fuel_cost", float(gas.fuel_usd_per_kwh), "USD/kWh", inputs=[f"{gas.name}.fuel_usd_per_kwh"],
                          source=gas.sources.get("fuel_usd_per_kwh", "")))
    plant = Element(name="gas plant", count=1, chip=None, chips_per_unit=0, site=Site("on-site gas plant", **ground),
                    power=PowerSystem(source=gas.name), thermal=ThermalSystem(kind="none"),
                    lifetime_years=p.si("gas_plant_life") / SECONDS_PER_YEAR)
    return plant, p.si("gas_build_time") / SECONDS_PER_YEAR


def design(p: Params, ctx: Context) -> Design:
    """One data hall whose chips the engine sizes to the workload (failed parts repaired on site), on the grid
    or fed by an on-site plant through a power link."""
    life = p.si("lifetime") / SECONDS_PER_YEAR
    on_site = p.power != "grid"
    precision, note = counted_precision(ctx.catalogues.chips[p.chip], ctx.workload.precision)
    hall = Element(
        name="data center",
        count=1,
        chip=p.chip,
        chips_per_unit=1,
        precision=precision,
        utilisation=p.utilisation,
        checkpoint_overhead=p.checkpoint_overhead,  # training writes checkpoints here as in space (one envelope)
        failure_rate_per_year=float(p.failure_rate.to_value("1/yr")) if hasattr(p.failure_rate, "to_value") else float(p.failure_rate),
        repair="onsite",
        lifetime_years=life,
        site=Site("ground", kind="ground", radiation_environment="ground",
                  capex_usd_per_w=float(p.facility_capex.to_value("USD/W"))),
        power=PowerSystem(source="link" if on_site else p.grid),
        thermal=ThermalSystem(kind="facility", pue=p.pue, wue_l_per_kwh=float(p.wue.to_value("l/kWh"))),
    )
    hall.chips_per_unit = ctx.units_for_workload(hall, per="chip")
    build = p.si("build_time") / SECONDS_PER_YEAR
    notes = ["failed chips are replaced by technicians (repair = 'onsite'): availability and repair costs on the ledger"]
    notes += [note] if note else []
    metrics: list[Metric] = []
    if not on_site:
        wait = p.si("grid_wait") / SECONDS_PER_YEAR
        metrics.append(Metric("time.grid_wait", wait, "yr", inputs=["grid_wait"], source=SPEC_GRID_WAIT_SOURCE))
        notes.insert(0, "years to service = max(build time, grid wait): construction runs while the connection is queued")
        return Design(elements=[hall], years_to_service=max(build, wait), metrics=metrics, notes=notes)
    plant, plant_build = _plant(p, ctx, metrics, notes)
    metrics.append(Metric("time.plant_build", plant_build, "yr", inputs=[f"{p.power.split('-')[0]}_build_time"]))
    notes.insert(0, "years to service = max(build time, plant build): an on-site plant needs no grid connection")
    link = PowerLink(source=plant.name, sink=hall.name, kind="cable",
                     stages=[LinkStage("on-site feeder (its losses are in the plant's net output figures)", 1.0)])
    return Design(elements=[hall, plant], years_to_service=max(build, plant_build), metrics=metrics, notes=notes,
                  power_links=[link])


SPEC_GRID_WAIT_SOURCE = models.cost.DEFAULTS["grid_connection_wait_years"].source


SPEC = ArchitectureSpec(
    name="ground",
    title="Ground data center (baseline)",
    description="A terrestrial AI data center sized to the workload: chips, PUE, water; power from the grid (after its "
                "wait), on-site solar with batteries, or an on-site gas plant.",
    params=PARAMS,
    design=design,
    baseline=True,
)


@hookimpl
def sandbox_register_architectures(register):
    register(SPEC)


# ----------------------------------------------------------------------------- catalogue entries for on-site power
_HEAT_RATE_BTU_KWH = 6654.0  # EIA: NGCC units installed since 2015
_GAS_USD_MMBTU = 4.30  # EIA Short-Term Energy Outlook (Aug 2025): Henry Hub 2026 average forecast
_CO2_KG_MMBTU = 53.06  # US EPA GHG emission factors hub (2024), natural gas

GROUND_POWER = [
    PowerSource(
        name="PV-utility-tracking",
        kind="solar",
        efficiency=0.21,
        packing_factor=1.0,
        degradation_per_year=0.005,
        cost_usd_per_w=1.08,
        sources={
            "efficiency": "Module efficiency at standard test conditions, ~21-22.5 % for the mono-PERC/TOPCon modules of "
                          "2023-2024 utility plants (ITRPV, International Technology Roadmap for Photovoltaic, 15th ed., "
                          "2024); 19 % low = thin-film CdTe",
            "packing_factor": "1: the module efficiency is already per module area (frames and gaps included)",
            "degradation_per_year": "Jordan & Kurtz 2013, 'Photovoltaic degradation rates - an analytical review', Prog. "
                                    "Photovolt. 21:12-29 (median 0.5 %/yr)",
            "cost_usd_per_w": _LBNL_USS + " (installed cost per W_DC, trackers, inverters and grid-side equipment included)",
        },
        ranges={"efficiency": (0.19, 0.23), "degradation_per_year": (0.003, 0.008), "cost_usd_per_w": (0.8, 1.5)},
    ),
    PowerSource(
        name="Li-ion-grid",
        kind="storage",
        specific_energy_wh_per_kg=3916.0 / 38.1,
        round_trip_efficiency=0.85,
        depth_of_discharge=0.9,
        cost_usd_per_kwh=165.0,
        sources={
            "specific_energy_wh_per_kg": "Tesla Megapack 2 XL (2022): 3,916 kWh in ~38.1 t (84,000 lb), LFP cells",
            "round_trip_efficiency": "NREL Annual Technology Baseline 2024, utility-scale battery storage: 85 % round trip; "
                                     "Tesla quotes ~91 % for Megapack 3 at medium voltage (high)",
            "depth_of_discharge": "Estimate: LFP grid batteries cycle daily over most of their usable rating (10,000+ "
                                  "cycles quoted for Megapack 3); 0.8-1.0",
            "cost_usd_per_kwh": "BloombergNEF Energy Storage System Cost Survey 2024: global average turnkey four-hour system "
                                "US$165/kWh (down 40 % from 2023); US projects cost more (high)",
        },
        ranges={"round_trip_efficiency": (0.80, 0.92), "depth_of_discharge": (0.8, 1.0), "cost_usd_per_kwh": (120.0, 330.0)},
    ),
    PowerSource(
        name="CCGT",
        kind="fuel",
        cost_usd_per_w=1.0,
        fuel_usd_per_kwh=_HEAT_RATE_BTU_KWH * _GAS_USD_MMBTU / 1e6,
        co2_kg_per_kwh=_HEAT_RATE_BTU_KWH * _CO2_KG_MMBTU / 1e6,
        sources={
            "cost_usd_per_w": "Realised costs of US combined-cycle plants: Duke Energy Sutton (625 MW) US$882/kW, FPL Port "
                              "Everglades (1,277 MW) ~US$670/kW (S&P Global Platts via Utility Dive, 2015); newer and "
                              "smaller plants cost more (EIA, 'Capital cost and performance characteristics for "
                              "utility-scale electric power generating technologies', Sargent & Lundy, Jan 2024)",
            "fuel_usd_per_kwh": "Heat rate × gas price: 6,654 Btu/kWh, the average of US combined-cycle units installed since "
                                "2015 (EIA Today in Energy, 2020), × US$4.30/MMBtu, the Henry Hub 2026 average EIA forecasts "
                                "(Short-Term Energy Outlook, Aug 2025; the 2024 average, US$2.19-2.21, was the lowest in "
                                "decades and a plant built for 2027 buys gas for 30 years); range 6,200-7,740 Btu/kWh (EIA "
                                "Electric Power Annual Table 8.1: 7,740 = 2022 average of gas plants) × US$1.51-6.45/MMBtu "
                                "(2024 monthly low; 2022 average)",
            "co2_kg_per_kwh": "Heat rate 6,654 Btu/kWh × 53.06 kg CO2/MMBtu (US EPA GHG Emission Factors Hub, natural gas)",
        },
        ranges={"cost_usd_per_w": (0.67, 2.5), "fuel_usd_per_kwh": (6200.0 * 1.51e-6, 7740.0 * 6.45e-6)},
    ),
]


@hookimpl
def sandbox_register_catalogues(register):
    for entry in GROUND_POWER:
        register(entry)


@hookimpl
def sandbox_extra_metrics(architecture, design, ledger, context):
    """The share of the facility's energy its cooling takes, and the land of an on-site solar plant."""
    if ledger.architecture != "ground" or not ledger.has("thermal.cooling_power"):
        return None
    cooling, load = ledger.get("thermal.cooling_power"), ledger.get("power.load")
    out = [Metric("thermal.cooling_share", cooling / (load + cooling), "", inputs=["thermal.cooling_power", "power.load"],
                  source="cooling (facility overhead, PUE − 1 of the IT load) / (IT load + cooling): (PUE − 1)/PUE")]
    density = next((mt.value for mt in design.metrics if mt.name == "solar.land_power_density"), None)
    plant = next((el for el in design.elements if el.power.source not in ("link", "auto")
                  and context.catalogues.power_sources[el.power.source].kind == "solar"), None)
    if density and plant is not None:
        # the land holds the nameplate bought at the start (area × 1,000 W/m² × efficiency × packing), not the
        # end-of-life rating the sizing asks for
        array = context.catalogues.power_sources[plant.power.source]
        nameplate_mw = (ledger.get("power.array_area") * context.models.value("power.stc_irradiance_w_m2")
                        * array.efficiency * array.packing_factor / 1e6)
        out.append(Metric("solar.land_area", nameplate_mw / density, "ha",
                          inputs=["power.array_area", f"{array.name}.efficiency", "solar.land_power_density"],
                          source="DC nameplate at the start of life (array area × 1,000 W/m² STC × efficiency × packing) / "
                                 "land power density (tracking or fixed tilt, by the site)"))
    return out
