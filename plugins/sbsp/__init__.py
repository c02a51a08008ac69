"""Built-in plugin: space-based solar power (SBSP) beamed to a rectenna beside a ground data centre.

Power satellites in geostationary orbit turn sunlight into microwaves and beam them to a receiving
antenna field (a rectenna) on the ground; the rectenna's DC output feeds a data centre next to it.
The data centre is the ground baseline's facility (chips sized by the engine to the workload, host
servers, building per W, PUE cooling, water, on-site repair), except that its whole demand, cooling
included, comes through the rectenna instead of the grid. This is the seeds' alternative to computing
in orbit: beam the power down and compute on the ground (compare it with the ``starship`` GEO modules
in ``scenarios/sbsp_ground_dc.toml``).

Three elements on the shared ledger, joined by two power links (docs/models.md, "Power links"):

- ``powersat`` (GEO, no compute, ``count`` satellites): arrays sized by the engine for what it sends,
  a microwave transmitter (``transmitter_specific_mass`` × its DC input), radiators for the
  transmitter's loss (not for the power it beams away), structure; launched by Starship and carried to
  GEO by the refuelled ship (tankers from the rocket equation, as NASA's 2024 SBSP study assumes);
- ``rectenna`` (ground, no compute, one per satellite): a relay; receives the beam and passes DC on.
  Its RF→DC conversion loss and the grid-interface loss are heat there, rejected to the air by the
  field itself (a facility with PUE 1: no cooling plant). Its panels and fenced land are priced per m²,
  and during GEO's equinox eclipses it buys the data centre's energy from the grid (eclipse cover);
- ``data center`` (ground, the compute): fed through the rectenna.

Links: ``powersat → rectenna`` (beamed: DC→RF and antenna losses are heat at the satellite; atmosphere
and the spilled beam go to the environment; RF→DC is heat at the rectenna) and ``rectenna → data
center`` (the grid interface, heat at the rectenna's converter station). Each efficiency is a
parameter with its source (NASA OTPS 2024, Table 4). The beam collection comes from diffraction:
the rectenna is sized so that Goubau's relation collects ``beam_collection`` of the beam at the slant
range and wavelength (or the collection follows from a given ``rectenna_diameter``).

Eclipses: a geostationary satellite passes through Earth's shadow for up to ~70 min a night in the
~45 days around each equinox (computed with the trajectory adapter over a year: ~1 % of the year).
The satellite carries no storage; the data centre rides those hours on the grid, bought by the
rectenna's substation (``opex.other``: "eclipse hours on the grid"), so the site needs a grid
connection and its wait. Only GEO is implemented; LEO/MEO power satellites with handover between
satellites are discussed in docs/models.md.

The shared envelope (``envelope_params``): ``production`` prices the satellite's non-array hardware,
``host_fraction`` the hall's servers, ``solar_array`` the satellite's arrays (``"auto"``: III-V beyond
LEO, the same rule as every architecture); ``storage`` is not used (the satellites carry none).
"""

from __future__ import annotations

import functools
import math

import astropy.units as u
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
    PowerSystem,
    Site,
    ThermalSystem,
    Transport,
    checkpoint_param,
    counted_precision,
    envelope_params,
    from_sourced,
    geo_keeping_params,
    hookimpl,
    keeping_params,
    lead_time_param,
    models,
    radiator_params,
    radiator_system,
    trajectory,
)

from . import beam

NAME = "sbsp"
VEHICLE = "Starship"
YEAR_S = 365.25 * 86400.0
HOURS_PER_YEAR = 8766.0

NASA_2024 = ("Rodgers et al. (NASA Office of Technology, Policy, and Strategy), 'Space-Based Solar Power', 11 Jan 2024, "
             "NASA report 20230018600, Table 4 (efficiency chain after Rodenbeck et al., 'Microwave and Millimeter Wave "
             "Power Beaming', IEEE J. Microwaves 1(1), 2021)")
DOE_1978 = ("DOE/NASA, 'Satellite Power System Concept Development and Evaluation Program: Reference System Report', "
            "DOE/ER-0023, Oct 1978")
JSC_1976 = ("NASA JSC, 'Initial Technical, Environmental, and Economic Evaluation of Space Solar Power Concepts', "
            "JSC-11568, Aug 1976")
_STARSHIP = "SpaceX Starship page and Starship Users Guide Rev 1.0 (2020)"
_CADENCE = ("Sum of US launch-rate authorisations/proposals for Starship: FAA Final EA for Starbase (2025) up to 25/yr; "
            "NASA/FAA LC-39A EIS (2025) up to 44/yr; DAF SLC-37 EIS (2025) up to 76/yr → 145/yr. Low = Starbase alone; "
            "high = Musk's stated ambition of ~1,000 Starship flights per year (2024-2025 statements)")
_CPI = "US BLS CPI-U annual averages (1977: 60.6, 1979: 72.6, 2024: 313.7)"

PARAMS = (
    # ------------------------------------------------------------------ the data centre (as the ground baseline)
    Param("chip", "H100-SXM", "Accelerator in the data centre's racks (a catalogue chip).", catalogue="chips", kind="string", precision="workload-or-bf16"),
    Param("target_power", "0 W", "GPU power of the data centre (chips × chip TDP); 0 = size the chips to the workload.",
          unit="W", source="Sizing rule of this plugin (0 = derived from the workload), e.g. '100 GW'", maximum=1e13),
    from_sourced("utilisation", models.compute.DEFAULTS["utilisation_inference"],
                 "Fraction of peak FLOP/s delivered to the workload (model FLOP utilisation); a training workload's "
                 "default is compute.utilisation_training.", maximum=1.0, exclusive_minimum=True,
                 workload_defaults=TRAINING_UTILISATION),
    from_sourced("failure_rate", models.compute.DEFAULTS["failure_rate_per_year_ground"],
                 "Accelerator failures per chip-year (replaced by technicians within compute.repair_time_days).",
                 maximum=10.0),
    checkpoint_param(),
    from_sourced("pue", models.thermal.DEFAULTS["pue_hyperscale"], "Power usage effectiveness of the data hall.",
                 minimum=1.0, maximum=5.0),
    from_sourced("wue", models.thermal.DEFAULTS["wue_l_per_kwh"], "Water use per kWh of IT energy.", maximum=20.0),
    from_sourced("facility_capex", models.cost.DEFAULTS["datacenter_capex_usd_per_w"],
                 "Building, electrical and mechanical plant per W of IT load."),
    from_sourced("build_time", models.cost.DEFAULTS["datacenter_build_years"], "Design and construction of the hall."),
    from_sourced("grid_wait", models.cost.DEFAULTS["grid_connection_wait_years"],
                 "Wait for the grid connection that carries the hall through GEO's eclipses."),
    Param("lifetime", "5 yr", "Service life of the accelerators before replacement.", unit="yr",
          source="Amazon 2024 10-K: servers depreciated over 5 years from 2025 (6 before); Alphabet and Microsoft use 6 years",
          low="4 yr", high="6 yr", exclusive_minimum=True, maximum=30.0),
    Param("grid", "grid-us", "Grid that carries the data centre through the satellites' eclipses (a catalogue power "
          "source of kind 'grid').", catalogue="power_sources", kinds=("grid",), kind="string"),
    *envelope_params("mass-produced", "a powersat is millions of identical modules built on production lines (NASA's "
                     "2024 study assumes 1.5-2 million modules with learning curves)"),
    # ------------------------------------------------------------------ orbit and the ground site
    Param("geo_altitude", "35786 km", "Geostationary altitude above the equatorial radius.", unit="km",
          source="Vallado, Fundamentals of Astrodynamics and Applications, 4th ed. (2013), §2.9: r_GEO = 42,164 km, h = 35,786 km",
          minimum=30000.0, maximum=40000.0),
    Param("rectenna_latitude", "34 deg", "Latitude of the rectenna and data centre.", unit="deg",
          source=DOE_1978 + ": reference rectenna at 34° N (a 10 km × 13 km ellipse)", low="20 deg", high="45 deg",
          minimum=-75.0, maximum=75.0),
    Param("longitude_offset", "0 deg", "Rectenna longitude minus the satellite's orbital slot.", unit="deg",
          source="Assumption: the satellite sits on the rectenna's meridian (the shortest slant range)", minimum=-75.0,
          maximum=75.0),
    # ------------------------------------------------------------------ the beam
    Param("frequency", "2.45 GHz", "Power-beam frequency.", unit="GHz",
          source=DOE_1978 + " (2.45 GHz, an ISM band); " + NASA_2024 + ": RD1 2.45 GHz, RD2 5.8 GHz",
          low="2.45 GHz", high="5.8 GHz", exclusive_minimum=True, maximum=300.0),
    Param("transmitter_diameter", "1 km", "Diameter of the satellite's phased-array transmitting antenna.", unit="km",
          source=DOE_1978 + ": 1 km phased array of ~7,850 subarrays; range an assumption", low="0.75 km", high="1.5 km",
          exclusive_minimum=True, maximum=20.0),
    Param("beam_collection", 0.95, "Fraction of the beam the rectenna intercepts (sets the rectenna's diameter through "
          "Goubau's relation; ignored when rectenna_diameter > 0).",
          source=NASA_2024 + ": beam collection 0.95; low 0.88 = the 1978 reference's 'overall reception 88 %' (Space "
                 "Power Review 1(1-2), 1980); high 0.985 = Goubau for the reference's full 10 × 13 km ellipse (derived)",
          low=0.88, high=0.985, exclusive_minimum=True, maximum=0.9999),
    Param("rectenna_diameter", "0 km", "Rectenna diameter across the beam; 0 = sized for beam_collection.", unit="km",
          source="Sizing rule of this plugin (0 = from diffraction); the 1978 reference rectenna is 10 km across",
          maximum=100.0),
    Param("dc_to_rf", 0.70, "DC→RF conversion efficiency of the transmitter (its loss is heat at the satellite).",
          source=NASA_2024 + ": DC→RF 0.70; high 0.86-0.88 = klystron/amplitron (" + JSC_1976 + "); low = solid-state "
                 "amplifiers at 5.8 GHz ~0.5 (estimate after Rodenbeck et al. 2021)",
          low=0.5, high=0.86, exclusive_minimum=True, maximum=1.0),
    Param("antenna_efficiency", 0.90, "Antenna emission efficiency (ohmic and feed losses, heat at the satellite).",
          source=NASA_2024 + ": antenna emission 0.90; range an assumption", low=0.85, high=0.95, exclusive_minimum=True,
          maximum=1.0),
    Param("atmosphere", 0.98, "Atmospheric transmission of the beam (absorption and rain; the loss leaves the system).",
          source=NASA_2024 + ": atmosphere 0.98; range an assumption (rain fade grows with frequency)", low=0.95,
          high=0.99, exclusive_minimum=True, maximum=1.0),
    Param("rectenna_efficiency", 0.78, "RF→DC efficiency of the rectenna (its loss is heat in the rectenna field).",
          source=NASA_2024 + ": rectenna reception 0.78; low 0.50 = Raytheon 1963, high 0.85 = Raytheon's later "
                 "demonstrations, > 82 % at JPL Goldstone 1975 (" + DOE_1978 + ", rectenna history)",
          low=0.50, high=0.85, exclusive_minimum=True, maximum=1.0),
    Param("grid_interface", 0.90, "Rectenna DC → the data centre's bus (power conditioning; loss is heat at the "
          "rectenna's converter station).", source=NASA_2024 + ": DC-DC (ground) 0.90; range an assumption", low=0.85,
          high=0.97, exclusive_minimum=True, maximum=1.0),
    Param("satellite_power", "2 GW", "Power each satellite delivers to the data centre (sets the number of satellites "
          "and rectennas).", unit="GW",
          source=NASA_2024 + ": RD1 2,028.79 MW, RD2 2,021.95 MW delivered; high = " + DOE_1978 + " (5 GW per satellite)",
          low="1 GW", high="5 GW", exclusive_minimum=True, maximum=1000.0),
    Param("peak_density_limit", "23 mW/cm2", "Largest beam intensity allowed at the rectenna centre (checked, noted).",
          unit="mW/cm2", source=DOE_1978 + ", guidelines: ≤ 23 mW/cm² at the rectenna centre and 1 mW/cm² at its edge",
          exclusive_minimum=True),
    Param("transmitter_specific_mass", "0.7 kg/kW", "Transmitter (DC→RF converters, waveguides, their power "
          "conditioning) mass per kW of DC input.", unit="kg/kW",
          source=JSC_1976 + ": klystron 0.7 kg/kW, amplitron 0.4 kg/kW; high 1.1 kg/kW derived from the same study "
                 "(microwave generators ~15 % of 47,000-124,000 t satellites feeding 10 GW at ~58 % DC-DC)",
          low="0.4 kg/kW", high="1.1 kg/kW", exclusive_minimum=True, maximum=100.0),
    Param("transmitter_density_limit", "21 kW/m2", "Largest RF power per m² of transmitting antenna (thermal limit; "
          "checked, noted).", unit="kW/m2", source=JSC_1976 + ": 21 kW/m² at the transmitting antenna",
          exclusive_minimum=True),
    Param("powersat_lifetime", "30 yr", "Design life of the satellites and rectennas.", unit="yr",
          source=DOE_1978 + ": 30-year system life", low="15 yr", high="30 yr", exclusive_minimum=True, maximum=100.0),
    # ------------------------------------------------------------------ the rectenna field
    Param("rectenna_cost", "85 USD/m2", "Rectenna panels, supports, rectifiers and power collection per m² of its "
          "ground ellipse.", unit="USD/m2",
          source="Andryczyk (General Electric), 'SPS Rectenna System', 1980 Solar Power Satellite Program Review (DOE/NASA "
                 "CONF-800491): ground segment of a 10 km (10 × 13 km) 5 GW rectenna 'over US$2 billion' → 2e9 / 1.02e8 m² "
                 "× 4.32 (1979 → 2024 $) = 85 USD/m²; low = its two thirds for construction alone (56); high = Denman et al.'s "
                 "US$3.0 bn of 1977 (× 5.18, 152 USD/m²; SSI Space Power 11(2), 1992); " + _CPI,
          low="56 USD/m2", high="152 USD/m2"),
    Param("land_price", "0.45 USD/m2", "Price of the fenced rectenna land.", unit="USD/m2",
          source="USDA NASS, Land Values 2024 Summary (Aug 2024): US average pasture US$1,830/acre = 0.45 USD/m²; high = "
                 "average cropland US$5,570/acre (1.38 USD/m²); low = Mountain-region farm real estate, the lowest region "
                 "(US$1,070/acre in the 2014 summary, 0.26 USD/m²)", low="0.26 USD/m2", high="1.38 USD/m2"),
    Param("exclusion_factor", 1.3, "Fenced safety zone: fence diameter / rectenna diameter (both axes).",
          source="Space Power Review 3(2), 1982: perimeter safety fence 13.0 km around the 10 km reference rectenna; "
                 "range an assumption", low=1.0, high=1.5, minimum=1.0, maximum=10.0),
    # ------------------------------------------------------------------ the satellite's build and its ride
    from_sourced("structure_fraction", models.launch.DEFAULTS["structure_fraction"],
                 "Structure of the satellite as a fraction of its dry mass.", maximum=0.9),
    from_sourced("packing_density", models.launch.DEFAULTS["payload_packing_density_kg_m3"],
                 "Bulk density of the stowed satellite modules (sets the fairing volume they take).", exclusive_minimum=True),
    *radiator_params(),
    lead_time_param("3 yr"),
    Param("parking_altitude", "400 km", "Low parking orbit where the cargo ship is refuelled before it flies to GEO.",
          unit="km", source="Assumption: the reference altitude of the catalogue's LEO payload figure (400 km); NASA's 2024 "
          "SBSP study refuels Starships in LEO (12 of every 13 launches are tankers)", low="250 km", high="500 km",
          minimum=150.0, maximum=2000.0),
    Param("launch_latitude", "25.997 deg", "Latitude of the launch site (the plane change to GEO's equator).", unit="deg",
          source="SpaceX Starbase, Boca Chica, Texas, 25.997° N (FAA Final PEA, 2022); KSC LC-39A 28.6° N",
          low="25.997 deg", high="28.608 deg", maximum=90.0),
    Param("ship_dry_mass", "120 t", "Starship upper-stage dry mass (matters for the refuelled transfer).", unit="t",
          source="Musk (Sept 2019 Starship update): ship dry mass ~120 t target; later Block 2 estimates ~100-150 t",
          low="100 t", high="150 t", exclusive_minimum=True),
    Param("ship_propellant_capacity", "1200 t", "Ship propellant load when full.", unit="t",
          source=_STARSHIP + ": ship 1,200 t of CH4/LOX; Block 3 ~1,550 t", low="1200 t", high="1550 t",
          exclusive_minimum=True),
    Param("raptor_isp", "380 s", "Raptor Vacuum specific impulse.", unit="s",
          source="SpaceX / Musk statements: Raptor Vacuum Isp ~380 s (range 370-380 s quoted 2019-2024)",
          low="370 s", high="380 s", exclusive_minimum=True),
    Param("tanker_payload", "100 t", "Propellant delivered to the parking orbit per tanker flight.", unit="t",
          source=_STARSHIP + ": 100-150 t to LEO reusable; a tanker's payload is propellant", low="100 t", high="150 t",
          exclusive_minimum=True),
    Param("return_perigee", "50 km", "Vacuum perigee of the ship's return orbit (entry).", unit="km",
          source="Assumption: below NASA's 122 km entry interface (Apollo/Orion practice)", low="20 km", high="80 km",
          maximum=120.0),
    Param("launch_cadence", "145 1/yr", "Starship flights per year (cargo and tankers).", unit="1/yr", source=_CADENCE,
          low="25 1/yr", high="1000 1/yr", exclusive_minimum=True),
    *keeping_params(drag=False),
    *geo_keeping_params(),
)


@functools.lru_cache(maxsize=16)
def geo_eclipses(geo_altitude_km: float) -> dict[str, float]:
    """Eclipse statistics of a geostationary orbit over a year from the trajectory adapter (cylindrical shadow,
    daily β angle): mean fraction of time in shadow, longest eclipse (s), days with an eclipse, smallest |β| (deg)."""
    stats = trajectory.eclipse_over_year(geo_altitude_km * u.km, 0.0 * u.deg, raan=0.0 * u.deg, n_days=365)
    beta = abs(stats.beta_angles.to_value(u.deg))
    return {"mean_fraction": float(stats.mean_fraction), "longest_s": float(stats.max_duration.to_value(u.s)),
            "days": float((stats.fractions > 0).sum()) * 365.2422 / 365.0, "beta_min_deg": float(beta.min())}


def _years(p: Params, name: str) -> float:
    return p.si(name) / YEAR_S


def _geo_transport(p: Params, ctx: Context) -> tuple[float, list[Metric], str]:
    """Tanker flights per cargo flight for a refuelled Starship carrying a full cargo from the parking orbit to GEO
    and flying back, with the metrics that show it."""
    ship = ctx.catalogues.launch_vehicles[VEHICLE]
    geo, park = p.si("geo_altitude"), p.si("parking_altitude")
    plane = float(p.launch_latitude.to_value(u.deg))
    payload = ship.payload("LEO")
    # back to the launch site: the return ellipse's plane turns from GEO's equator to the site's latitude; the catalogue
    # payload already carries the deorbit reserve from the parking orbit (trajectory.ferry_round_trip)
    trip = trajectory.ferry_round_trip(park * u.m, geo * u.m, plane * u.deg, payload * u.kg, p.si("ship_dry_mass") * u.kg,
                                       p.si("raptor_isp") * u.s, p.si("return_perigee") * u.m)
    dv, back = float(trip["dv_out"].to_value(u.m / u.s)), float(trip["dv_back"].to_value(u.m / u.s))
    prop = float(trip["propellant"].to_value(u.kg))
    if prop > p.si("ship_propellant_capacity"):
        raise ValueError(f"a full {payload / 1e3:.0f} t cargo to GEO needs {prop / 1e3:,.0f} t of propellant, more than the "
                         f"ship holds ({p.si('ship_propellant_capacity') / 1e3:,.0f} t)")
    tankers = float(ctx.models.launch.tanker_flights(prop, p.si("tanker_payload")))
    metrics = [
        Metric("transfer.dv_outbound", dv, "m/s", inputs=["trajectory.ferry_round_trip", "parking_altitude", "geo_altitude",
                                                                   f"plane change {plane:.2f} deg (launch_latitude)"],
               source="Hohmann (adapter) with the plane change combined at apoapsis"),
        Metric("transfer.dv_return", back, "m/s", inputs=["trajectory.ferry_round_trip", "return_perigee",
                                                           f"plane change {plane:.2f} deg (launch_latitude)"]),
        Metric("transfer.ship_propellant", prop / 1e3, "t", inputs=["trajectory.propellant_mass", "ship_dry_mass",
                                                                    "raptor_isp", f"payload {payload / 1e3:.0f} t"]),
        Metric("transfer.tankers_per_flight", tankers, "", inputs=["launch.tanker_flights", "tanker_payload"],
               source=NASA_2024 + " (its Starship plan: 12 of every 13 launches are tankers)"),
    ]
    note = (f"ride to GEO: each Starship cargo flight is refuelled in a {park / 1e3:.0f} km parking orbit by {tankers:.0f} "
            f"tankers and carries {payload / 1e3:.0f} t to GEO (Δv {dv:,.0f} m/s incl. a {plane:.1f}° plane change) "
            "and flies back; the satellite is assembled in GEO from its cargo loads (assembly priced inside "
            "cost.integration_fraction: an approximation, no sourced price per kg of robotic assembly exists)")
    return tankers, metrics, note


def _look(p: Params) -> dict[str, float]:
    """The rectenna's look angles to its satellites (raises ValueError below the horizon)."""
    return beam.geo_look(float(p.rectenna_latitude.to_value(u.deg)), float(p.longitude_offset.to_value(u.deg)),
                         p.si("geo_altitude"))


def check(p: Params) -> list[tuple[str, str]]:
    """A rectenna must see its satellites (checked when a scenario is validated, and by the design)."""
    try:
        _look(p)
    except ValueError as exc:
        return [("rectenna_latitude", f"{exc}: choose a rectenna latitude and longitude offset that see GEO")]
    return []


def design(p: Params, ctx: Context) -> Design:
    """The data centre sized to the workload, the powersats and rectennas sized to its demand."""
    m, cat = ctx.models, ctx.catalogues
    chip = cat.chips[p.chip]
    grid = cat.power_sources[p.grid]
    if grid.kind != "grid":
        raise ValueError(f"grid = {p.grid!r} is a power source of kind {grid.kind!r}; the eclipse cover needs kind 'grid'")
    precision, note = counted_precision(chip, ctx.workload.precision)
    notes: list[str] = [note] if note else []
    metrics: list[Metric] = []

    # ---- the data centre: the ground baseline's facility, fed through the rectenna
    dc = Element(
        name="data center",
        count=1,
        chip=p.chip,
        chips_per_unit=1,
        precision=precision,
        utilisation=p.utilisation,
        checkpoint_overhead=p.checkpoint_overhead,  # training writes checkpoints here as in space (one envelope)
        failure_rate_per_year=float(p.failure_rate.to_value("1/yr")),
        repair="onsite",
        lifetime_years=_years(p, "lifetime"),
        host_fraction=p.host_fraction,
        site=Site("ground, beside the rectenna", kind="ground", radiation_environment="ground",
                  capex_usd_per_w=float(p.facility_capex.to_value("USD/W"))),
        power=PowerSystem(source="link"),
        thermal=ThermalSystem(kind="facility", pue=p.pue, wue_l_per_kwh=float(p.wue.to_value("l/kWh"))),
    )
    if p.si("target_power") > 0:
        dc.chips_per_unit = math.ceil(p.si("target_power") / chip.power_w - 1e-9)
        rule = "ceil(target_power / chip W)"
    else:
        dc.chips_per_unit = ctx.units_for_workload(dc, per="chip")
        rule = "the engine's sizing: ceil(workload / delivered FLOP/s per chip)"
    # the hall's demand at its bus (load × PUE: the rectenna's losses are heat in the field, not in the hall)
    load_w = dc.chips_per_unit * (chip.power_w + p.host_fraction * chip.host_power_w)
    demand_w = load_w * p.pue
    metrics += [
        Metric("datacenter.chips", dc.chips_per_unit, "", inputs=[rule]),
        Metric("datacenter.demand", demand_w / 1e9, "GW", inputs=["chips", f"{chip.name}.power_w", "host_power_w",
                                                                   "host_fraction", "pue"],
               source="load × PUE: what the rectennas must deliver (the engine's power.imported of the hall)"),
    ]

    # ---- geometry and diffraction
    geo_alt = p.si("geo_altitude")
    look = _look(p)
    d, el = look["slant_range_m"], look["elevation_deg"]
    lam = beam.wavelength_m(p.si("frequency"))
    d_t = p.si("transmitter_diameter")
    if p.si("rectenna_diameter") > 0:
        d_r = p.si("rectenna_diameter")
        rule_r = "rectenna_diameter (given)"
    else:
        d_r = beam.rectenna_diameter_m(d, d_t, lam, p.beam_collection)
        rule_r = "Goubau: A_r = −ln(1 − beam_collection) (λ d)² / A_t"
    collected = beam.collection(d, d_t, d_r, lam)
    a_t, a_r = math.pi * d_t**2 / 4.0, math.pi * d_r**2 / 4.0
    tau = math.sqrt(a_t * a_r) / (lam * d)
    fp = beam.footprint(d_r, el, p.exclusion_factor)

    # ---- the chain (each stage a link stage with its loss location) and the number of satellites
    beam_stages = [
        LinkStage("DC→RF conversion", p.dc_to_rf, "source"),
        LinkStage("antenna emission", p.antenna_efficiency, "source"),
        LinkStage("atmosphere", p.atmosphere, "environment"),
        LinkStage("beam collection (Goubau)", collected, "environment"),
        LinkStage("rectenna RF→DC", p.rectenna_efficiency, "sink"),
    ]
    feed_stages = [LinkStage("grid interface (power conditioning)", p.grid_interface, "source")]
    eta_beam = beam.chain_efficiency(s.efficiency for s in beam_stages)
    eta_all = eta_beam * p.grid_interface
    n_sat = max(math.ceil(demand_w / p.si("satellite_power") - 1e-9), 1)
    per_sat_w = demand_w / n_sat
    sent_w = per_sat_w / eta_all  # DC into each satellite's transmitter (the engine's export of the powersat)
    rf_w = sent_w * p.dc_to_rf * p.antenna_efficiency  # radiated by the antenna
    ground_beam_w = rf_w * p.atmosphere  # arriving at the ground, before collection
    peak = beam.peak_intensity_w_m2(ground_beam_w, collected, a_r)
    tx_density = rf_w / a_t
    metrics += [
        Metric("beam.wavelength", lam * 100.0, "cm", inputs=["frequency"], source="λ = c / f"),
        Metric("beam.slant_range", d / 1e3, "km", inputs=["geo_altitude", "rectenna_latitude", "longitude_offset",
                                                         "trajectory.body_radius"],
               source="Pratt, Bostian & Allnutt, Satellite Communications (2003) §2.2, spherical Earth"),
        Metric("beam.elevation", el, "deg", inputs=["geo_altitude", "rectenna_latitude", "longitude_offset"]),
        Metric("beam.tau", tau, "", inputs=["transmitter_diameter", "rectenna diameter", "beam.wavelength", "beam.slant_range"],
               source="Goubau & Schwering 1961: τ = √(A_t A_r) / (λ d)"),
        Metric("beam.collection", collected, "", inputs=["models.links.aperture_transfer", rule_r],
               source="1 − exp(−τ²) (Goubau; shared links model)"),
        Metric("beam.chain_efficiency", eta_all, "", inputs=["dc_to_rf", "antenna_efficiency", "atmosphere", "beam.collection",
                                                            "rectenna_efficiency", "grid_interface"],
               source="product of the link stages, satellite bus to the data centre's bus"),
        Metric("beam.peak_density", peak / 10.0, "mW/cm2", inputs=["beam power at the ground", "beam.collection",
                                                                   "rectenna area"],
               source="Gaussian beam: I0 = P_b (−ln(1 − η)) / A_r (Siegman, Lasers, 1986, §17.1)", approximation=True),
        Metric("beam.peak_density_vs_limit", peak / p.si("peak_density_limit"), "", inputs=["beam.peak_density",
                                                                                            "peak_density_limit"]),
        Metric("beam.transmitter_density", tx_density / 1e3, "kW/m2", inputs=["RF power", "transmitter_diameter"]),
        Metric("rectenna.diameter", d_r / 1e3, "km", inputs=[rule_r]),
        Metric("rectenna.major_axis", fp["major_m"] / 1e3, "km", inputs=["rectenna.diameter", "beam.elevation"],
               source="D_r / sin(elevation)"),
        Metric("rectenna.area", fp["area_m2"] * n_sat / 1e6, "km2", inputs=["rectenna.diameter", "beam.elevation",
                                                                            "powersat.count"],
               source="π/4 D_r² / sin(elevation) per rectenna"),
        Metric("rectenna.land", fp["land_m2"] * n_sat / 1e6, "km2", inputs=["rectenna.area", "exclusion_factor"]),
        Metric("rectenna.delivered_per_land", per_sat_w / fp["land_m2"], "W/m2",
               inputs=["satellite power delivered", "rectenna.land"]),
        Metric("powersat.count", n_sat, "", inputs=["datacenter.demand", "satellite_power"],
               source="ceil(data-centre demand / satellite_power); one rectenna per satellite"),
        Metric("powersat.transmitter_input", sent_w / 1e9, "GW", inputs=["datacenter.demand", "beam.chain_efficiency",
                                                                          "powersat.count"]),
    ]
    if peak > p.si("peak_density_limit"):
        notes.append(f"the beam's peak intensity {peak / 10:.1f} mW/cm² exceeds the {p.si('peak_density_limit') / 10:g} "
                     "mW/cm² guideline of the 1978 reference system: lower satellite_power or widen the transmitter")
    if tx_density > p.si("transmitter_density_limit"):
        notes.append(f"the transmitter radiates {tx_density / 1e3:.1f} kW/m², above the {p.si('transmitter_density_limit') / 1e3:g} "
                     "kW/m² thermal limit of the 1976 NASA evaluation: widen the transmitter or lower satellite_power")

    # ---- eclipses at GEO (adapter) and the eclipse cover
    ecl = geo_eclipses(round(geo_alt / 1e3, 3))
    f_ecl = ecl["mean_fraction"]
    eclipse_energy_opex = f_ecl * HOURS_PER_YEAR * demand_w / 1e3 * grid.price_usd_per_kwh
    metrics += [
        Metric("powersat.eclipse_fraction", f_ecl, "", inputs=["trajectory.eclipse_over_year", "geo_altitude"],
               source="cylindrical shadow, daily β angle over a year"),
        Metric("powersat.longest_eclipse", ecl["longest_s"] / 60.0, "min", inputs=["trajectory.eclipse_over_year"]),
        Metric("powersat.eclipse_days", ecl["days"], "d/yr", inputs=["trajectory.eclipse_over_year"],
               source="days a year with an eclipse (two seasons around the equinoxes)"),
        Metric("sbsp.capacity_factor", 1.0 - f_ecl, "", inputs=["powersat.eclipse_fraction"],
               source="fraction of the year the beam delivers (eclipses only; no outages for maintenance)"),
        Metric("sbsp.eclipse_grid_energy", f_ecl * HOURS_PER_YEAR * demand_w / 1e9, "GWh/yr",
               inputs=["powersat.eclipse_fraction", "datacenter.demand"]),
    ]
    notes.append(f"eclipse cover: the satellites carry no storage; in GEO's eclipse seasons (up to {ecl['longest_s'] / 60:.0f} min "
                 f"a night, {f_ecl:.2%} of the year) the hall runs on the grid ({grid.name}), bought by the rectenna's "
                 "substation (opex.other); the site therefore needs a grid connection and waits for it")

    # ---- the powersat
    sun = float(m.power.solar_flux_w_m2(1.0, m.value("power.solar_constant_w_m2")))
    r_earth = m.value("thermal.earth_radius_m")
    f_earth = 2.0 * float(m.thermal.earth_view_factor(geo_alt, r_earth, "edge"))
    absorbed = float(m.thermal.absorbed_flux_w_m2(
        p.radiator_absorptivity, p.radiator_emissivity, sun, 0.0, m.value("thermal.earth_ir_w_m2"), f_earth,
        m.value("thermal.earth_albedo"), float(m.thermal.orbit_albedo_factor(ecl["beta_min_deg"]))))
    tankers, t_metrics, t_note = _geo_transport(p, ctx)
    metrics += t_metrics
    notes.append(t_note)
    transmitter_kg = sent_w / 1e3 * p.transmitter_specific_mass.to_value("kg/kW")
    life = _years(p, "powersat_lifetime")
    keep = trajectory.geo_station_keeping_dv_m_s_per_year(geo_alt, float(p.geo_inclination_drift.to_value(u.deg / u.yr)),
                                                         float(p.geo_east_west_dv.to_value(u.m / u.s / u.yr)))
    metrics.append(Metric("powersat.keeping_dv", keep * life, "m/s", approximation=True,
                          inputs=["geo_inclination_drift", "geo_east_west_dv", "powersat_lifetime"],
                          source=f"GEO north-south and east-west control {keep:.3g} m/s a year × {life:g} yr "
                                 "(trajectory.geo_station_keeping_dv_m_s_per_year); its thrusters' isp"))
    sat = Element(
        name="powersat",
        count=n_sat,
        chip=None,
        chips_per_unit=0,
        site=Site(f"GEO {geo_alt / 1e3:,.0f} km", kind="orbit", eclipse_fraction=0.0, longest_dark_s=0.0,
                  radiator_sink_k=m.value("thermal.deep_space_temperature_k"), absorbed_w_m2=absorbed,
                  distance_to_earth_m=d, radiation_environment="geo", altitude_m=geo_alt),
        power=PowerSystem(source=p.solar_array),
        thermal=radiator_system(p, sides=2),
        lifetime_years=life,
        structure_fraction=p.structure_fraction,
        production=p.production,
        transport=Transport(vehicle=VEHICLE, destination="LEO", dv_after_drop_m_s=keep * life, isp_s=p.si("isp"),
                            tanker_flights_per_flight=tankers,
                            packing_density_kg_m3=p.si("packing_density")),
        extra_mass_kg={"microwave transmitter": transmitter_kg},
    )
    metrics.append(Metric("powersat.transmitter_mass", transmitter_kg / 1e3, "t",
                          inputs=["powersat.transmitter_input", "transmitter_specific_mass"]))
    notes.append("powersat: its arrays are sized for the power it beams (eclipse fraction 0 for sizing: no storage on "
                 "board); its radiators reject only the transmitter's losses, not the power it sends away")

    # ---- the rectennas: a relay between the beam and the hall, priced per m² with their land
    rect = Element(
        name="rectenna",
        count=n_sat,
        chip=None,
        chips_per_unit=0,
        site=Site("ground, rectenna field", kind="ground", radiation_environment="ground", distance_to_earth_m=0.0),
        power=PowerSystem(source="link"),
        thermal=ThermalSystem(kind="facility", pue=1.0),  # the field's heat leaves to the air: no cooling plant
        lifetime_years=life,
        extra_capex_usd={"rectenna panels and power collection": n_sat * fp["area_m2"] * p.si("rectenna_cost"),
                         "rectenna land (fenced)": n_sat * fp["land_m2"] * p.si("land_price")},
        extra_opex_usd_per_year={"eclipse hours on the grid": eclipse_energy_opex},
    )
    notes.append("rectenna: a relay element (fed by the beam, feeding the hall); its RF→DC and power-conditioning losses "
                 "are heat in the field, rejected to the air without a cooling plant (facility PUE 1); as an element "
                 "without compute that sends power on, its whole cost counts as power cost (cost.per_kwh)")

    # ---- time: the hall, its grid connection and the satellites' launch campaign
    cadence = p.si("launch_cadence") * YEAR_S
    metrics += [
        Metric("launch.cadence", cadence, "1/yr", inputs=["launch_cadence"], source=_CADENCE),
        Metric("time.lead", _years(p, "lead_time"), "yr", inputs=["lead_time"], source=SPEC_LEAD_SOURCE),
        Metric("time.build", _years(p, "build_time"), "yr", inputs=["build_time"]),
        Metric("time.grid_wait", _years(p, "grid_wait"), "yr", inputs=["grid_wait"]),
    ]
    notes.append("years to service = max(hall build, grid wait, lead time + launch campaign of every satellite), refined "
                 "after evaluation from the counted flights")
    notes.append("latency: the hall is on the ground; its users reach it over the terrestrial network like the baseline's")
    links = [PowerLink(sat.name, rect.name, beam_stages, kind="beamed"),
             PowerLink(rect.name, dc.name, feed_stages, kind="cable")]
    return Design(elements=[dc, rect, sat], power_links=links, metrics=metrics, notes=notes,
                  years_to_service=max(_years(p, "build_time"), _years(p, "grid_wait"), _years(p, "lead_time")))


SPEC_LEAD_SOURCE = lead_time_param("3 yr").source

SPEC = ArchitectureSpec(
    name=NAME,
    title="Space-based solar power to a ground data centre",
    description="GEO power satellites beam microwaves to rectennas beside a ground data centre (the baseline's "
                "facility): diffraction-sized apertures, efficiency chain, eclipses on the grid, Starship to GEO.",
    params=PARAMS,
    design=design,
    check=check,
)


@hookimpl
def sandbox_register_architectures(register):
    register(SPEC)


def _metric(design: Design, name: str) -> float:
    return next(mt.value for mt in design.metrics if mt.name == name)


@hookimpl
def sandbox_extra_metrics(architecture, design, ledger, context):
    """The launch campaign from the counted flights, the satellites' mass per delivered kW and the cost of the
    delivered energy."""
    if ledger.architecture != NAME:
        return None
    flights, tankers = ledger.get("launch.flights"), ledger.get("launch.tanker_flights")
    cadence = _metric(design, "launch.cadence")
    campaign = (flights + tankers) / cadence
    # a float in a run, an array of one value per point in a study
    years = np.maximum(np.maximum(_metric(design, "time.build"), _metric(design, "time.grid_wait")),
                       _metric(design, "time.lead") + campaign)
    ledger.refine("time.years_to_service", years, ["time.build", "time.grid_wait", "time.lead", "time.launch_campaign"],
                  by=NAME)
    demand_kw = _metric(design, "datacenter.demand") * 1e6
    sat_t = ledger.get("mass.total") - ledger.get("mass.compute") - ledger.get("mass.hosts")  # the hall's chips stay home
    load, cooling = ledger.get("power.load"), ledger.get("thermal.cooling_power")
    n_sat = next(el.count for el in design.elements if el.name == "powersat")
    out = [
        Metric("time.launch_campaign", campaign, "yr", inputs=["launch.flights", "launch.tanker_flights", "launch_cadence"]),
        Metric("powersat.mass", sat_t / max(n_sat, 1), "t", inputs=["mass.total", "mass.compute",
                                                                                       "mass.hosts", "powersat.count"]),
        Metric("powersat.kg_per_kw_delivered", sat_t * 1e3 / demand_kw, "kg/kW", inputs=["powersat.mass", "datacenter.demand"],
               source="compare: " + NASA_2024 + " 5.9-10 Mkg for ~2 GW (2.9-5 kg/kW); " + DOE_1978 + " 34-51 Mkg for 5 GW "
                      "(6.8-10 kg/kW)"),
    ]
    if ledger.has("cost.per_kwh"):
        out.append(Metric("sbsp.cost_per_kwh_delivered", ledger.get("cost.per_kwh") * load / (load + cooling), "USD/kWh",
                          inputs=["cost.per_kwh", "power.load", "thermal.cooling_power"],
                          source="satellites, rectennas, land and eclipse grid energy per kWh delivered to the hall's bus "
                                 "(compare NASA 2024: RD1 0.61, RD2 1.59 USD/kWh)"))
    return out
