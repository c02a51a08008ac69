"""Built-in plugin: a data center on the lunar surface.

Three sites: a permanently shadowed polar crater (``site="psr"``: a very cold radiator sink,
no sunlight), a sunlit polar crater rim (``"polar-rim"``: lit ~86 % of the year, dark spells of
days) and the equator (``"equator"``: 14.77-day nights). Power: local solar with storage
(``"solar"``), rim solar carried into the crater by cable (``"rim-cable"``) or by laser
(``"rim-beamed"``), or fission (``"fission"``). The engine sizes the arrays, storage, reactor and
radiators on the shared ledger; this plugin supplies the site facts (sink temperature and
absorbed flux from the regolith temperature and view factors, illumination), the cable or
beaming hardware computed from per-unit inputs, and the transport: Δv from LEO to the surface
from the trajectory adapter (TLI as a Hohmann transfer, capture into low lunar orbit on the
arrival hyperbola, descent = circular speed + losses) and the Starship tanker flights that
Δv costs, from the rocket equation.

The helpers at the top (``surface.lunar_surface_environment``, ``leo_to_surface_dv``,
``surface.starship_to_surface``) are also used by the ``moonbase`` plugin.
"""

from __future__ import annotations

import math

import astropy.units as u

from sandbox import (
    ArchitectureSpec,
    Context,
    Design,
    Element,
    Metric,
    Param,
    Params,
    PowerSource,
    PowerSystem,
    Site,
    compute_params,
    derating_fields,
    from_sourced,
    hookimpl,
    models,
    radiator_system,
)

from . import surface

COMPUTE_PARAMS = (
    *compute_params(),
    from_sourced("bus_power_fraction", models.power.DEFAULTS["bus_power_fraction"],
                 "Housekeeping load (pumps, avionics, comms) as a fraction of compute power.", maximum=5.0),
)

_SITES = ("psr", "polar-rim", "equator")
_POWER = ("rim-cable", "rim-beamed", "solar", "fission")

PARAMS = (
    Param("site", "psr", "Where the data center sits: a permanently shadowed polar crater floor, a sunlit polar "
          "crater rim, or the equator.", choices=_SITES),
    Param("power", "rim-cable", "Power: rim solar by cable into the crater, rim solar by laser beam, local solar with "
          "storage (rim or equator), or a fission reactor.", choices=_POWER),
    Param("chip", "H100-SXM", "Accelerator (a catalogue chip).", catalogue="chips", kind="string"),
    *COMPUTE_PARAMS,
    Param("lifetime", "5 yr", "Design life of the hardware.", unit="yr",
          source="As the ground baseline: servers depreciated over 5-6 years (Amazon/Alphabet/Microsoft filings)",
          low="4 yr", high="10 yr", exclusive_minimum=True, maximum=30.0),
    Param("shielding", "2.7 g/cm2", "Launched aluminium enclosure around the electronics (areal density).",
          unit="g/cm2",
          source="1 cm Al = 2.7 g/cm² (CRC: 2.70 g/cm³); the radiation model's thickest tabulated shield "
                 "(sandbox.models.radiation.SHIELDING_GRID_G_CM2)", low="1.08 g/cm2", high="2.7 g/cm2",
          maximum=1000.0),
    Param("regolith_cover", "0 g/cm2", "Regolith piled over the hall (in-situ; not launched). 1-2 m of regolith at "
          "~1.5 g/cm³ is 150-300 g/cm².", unit="g/cm2",
          source="Regolith bulk density ~1.5-1.8 g/cm³ (Carrier, Olhoeft & Mendell 1991, Lunar Sourcebook ch. 9) "
                 "× 1-2 m; 0 = not buried", low="0 g/cm2", high="300 g/cm2", maximum=10_000.0),
    Param("solar_array", "GaAs-ROSA", "Solar array type (catalogue power source of kind 'solar').",
          catalogue="power_sources", kind="string"),
    Param("storage", "RFC-lunar", "Storage across dark periods (catalogue power source of kind 'storage').",
          catalogue="power_sources", kind="string"),
    Param("reactor", "FSP-40kWe", "Reactor used when power = 'fission'.", catalogue="power_sources", kind="string"),
    *surface.RIM_PARAMS,
    Param("cable_length", "10 km", "Cable run from the rim array to the crater floor.", unit="km",
          source="Shackleton crater: 21 km diameter, ~4 km deep (Zuber et al. 2012, Nature 486:378-381) → rim to "
                 "floor centre ~10.5 km; small PSRs next to lit ridges need ~2 km", low="2 km", high="20 km",
          exclusive_minimum=True, maximum=1000.0),
    Param("cable_voltage", "5 kV", "Transmission voltage of the two-conductor DC line.", unit="kV",
          source="Estimate: NASA GRC lunar surface power-distribution studies consider kV-class transmission over "
                 "km distances (e.g. Kerslake, 'Lunar surface-to-surface power transfer', NASA/TM-2008-215066); "
                 "range an assumption", low="1 kV", high="10 kV", exclusive_minimum=True, maximum=100.0),
    Param("cable_loss", 0.05, "Fraction of the transmitted power lost as I²R heat in the cable.",
          source="Design choice: 5 % ohmic loss, a common distribution-line design target (the conductor mass scales "
                 "as 1/loss)", low=0.02, high=0.10, exclusive_minimum=True, maximum=0.5),
    Param("conductor_resistivity", "2.82e-8 Ohm m", "Conductor (aluminium) resistivity at 20 °C.", unit="Ohm m",
          source="CRC Handbook of Chemistry and Physics: Al 2.65-2.82e-8 Ω m at 20 °C (annealed to EC grade); lower "
                 "at the crater's cryogenic temperatures", low="1.0e-8 Ohm m", high="2.82e-8 Ohm m",
          exclusive_minimum=True, maximum=1e-5),
    Param("conductor_density", "2700 kg/m3", "Conductor (aluminium) density.", unit="kg/m3",
          source="CRC Handbook of Chemistry and Physics: Al 2.70 g/cm³", exclusive_minimum=True, maximum=30_000.0),
    Param("cable_mass_factor", 2.0, "Cable mass / bare conductor mass (insulation, jacket, reels, connectors).",
          source="Estimate: insulated power cables weigh ~1.5-3× their conductor (manufacturers' data sheets for "
                 "medium-voltage Al cables); range an assumption", low=1.5, high=3.0, minimum=1.0, maximum=20.0),
    Param("beam_efficiency", 0.15, "Electric-to-electric efficiency of the rim-to-crater laser link.",
          source="Catalogue 'Laser-beamed' entry: Landis, 'Laser Power Beaming for Lunar Polar Exploration', AIAA "
                 "Propulsion and Energy Forum 2020 (10-20 %); DARPA POWER PRAD 2025 demonstration",
          low=0.10, high=0.20, exclusive_minimum=True, maximum=1.0),
    Param("beam_specific_power", "50 W/kg", "Laser transmitter + receiver + pointing hardware per W delivered.",
          unit="W/kg",
          source="Estimate: no system-level figure published (catalogue 'Laser-beamed' leaves it NaN); laser diode "
                 "bars reach kW/kg but thermal control, optics and PV receivers dominate; 20-200 W/kg assumed",
          low="20 W/kg", high="200 W/kg", exclusive_minimum=True, maximum=1e5),
    *surface.THERMAL_PARAMS,
    *surface.LANDER_PARAMS,
    Param("years_to_service", "8 yr", "Years from decision to first compute on the Moon.", unit="yr",
          source="Estimate: NASA Fission Surface Power demonstration targeted for the early 2030s (NASA FSP 2022) "
                 "and Artemis surface-base plans of the 2030s; 5-15 years assumed",
          low="5 yr", high="15 yr", maximum=100.0),
)


def _chip_count(p: Params, ctx: Context, chip_name: str, env_name: str, shielding: float) -> tuple[int, float, str]:
    """Chips needed for the workload, the effective life (yr) and the precision used."""
    chip = ctx.catalogues.chips[chip_name]
    precision = ctx.workload.precision
    m = ctx.models
    dose = float(m.radiation.dose_rate_krad_per_year(env_name, shielding))
    tol = chip.tid_krad if chip.tid_krad > 0 else m.value("radiation.cots_tid_krad")
    life = min(p.si("lifetime") / surface.YEAR_S, float(m.radiation.tid_lifetime_years(tol, dose)))
    survival = float(m.compute.mean_survival_fraction(p.failure_rate, life))
    derate = float(m.compute.radiation_derating(p.redundancy, p.checkpoint_overhead, p.scrub_overhead))
    per_chip = float(m.compute.delivered_ops(chip.ops(precision), 1.0, p.utilisation, derate * survival))
    return math.ceil(ctx.workload.sustained_flops / per_chip), life, precision


# ------------------------------------------------------------------------------ design
def design(p: Params, ctx: Context) -> Design:
    """A data hall sized to the workload, at the chosen lunar site and power option."""
    site, mode = p.site, p.power
    if site == "psr" and mode == "solar":
        raise ValueError("a permanently shadowed crater gets no sunlight: choose power = 'rim-cable', 'rim-beamed' "
                         "or 'fission'")
    if site != "psr" and mode in ("rim-cable", "rim-beamed"):
        raise ValueError(f"power = {mode!r} carries rim power into a crater: it needs site = 'psr'")
    notes: list[str] = []
    metrics: list[Metric] = []
    shielding = float(p.shielding.to_value(u.g / u.cm**2))
    n_chips, _life, precision = _chip_count(p, ctx, p.chip, "lunar_surface", shielding)
    chip = ctx.catalogues.chips[p.chip]
    compute_load = n_chips * chip.power_w * (1.0 + p.bus_power_fraction)

    # ---- power
    extra_power = 0.0
    extra_mass: dict[str, float] = {}
    if mode == "fission":
        power_sys = PowerSystem(source=p.reactor, bus_power_fraction=p.bus_power_fraction)
        dark_for_site, longest_for_site = 0.0, 0.0  # a reactor does not care about the dark
        notes.append("fission: the reactor's own radiators are inside its catalogue specific power; the hall's "
                     "radiators reject only the hall's load")
    else:
        lit_site = "polar-rim" if mode.startswith("rim") else site
        dark_for_site, longest_for_site = surface.surface_illumination(p, ctx, lit_site)
        power_sys = PowerSystem(source=p.solar_array, storage=p.storage, bus_power_fraction=p.bus_power_fraction)
        metrics.append(Metric("power.dark_fraction", dark_for_site, "", inputs=[f"site={lit_site}"],
                              source=surface.BUSSEY if lit_site == "polar-rim" else "half the synodic month",
                              approximation=lit_site == "polar-rim"))
        metrics.append(Metric("power.longest_dark", longest_for_site / surface.DAY_S, "d", inputs=[f"site={lit_site}"],
                              source="rim_longest_dark" if lit_site == "polar-rim" else "models.power.DEFAULTS lunar_night_s",
                              approximation=lit_site == "polar-rim"))
        if lit_site == "polar-rim":
            notes.append("rim illumination (dark fraction, longest dark spell) is taken from published illumination "
                         "maps, not computed: topography is out of reach of the orbit adapter")
    if mode == "rim-cable":
        loss = p.cable_loss
        delivered = compute_load
        extra_power = delivered * loss / (1.0 - loss)  # the array sends P/(1-f); f of it heats the cable
        sent = delivered + extra_power
        cable = surface.cable_conductor_mass_kg(sent, p.si("cable_length"), p.si("cable_voltage"), loss,
                                        p.si("conductor_resistivity"), p.si("conductor_density")) * p.cable_mass_factor
        extra_mass["rim-to-crater cable"] = cable
        metrics.append(Metric("power.cable_mass", cable / 1e3, "t",
                              inputs=["power sent", "cable_length", "cable_voltage", "cable_loss", "conductor_resistivity",
                                      "conductor_density", "cable_mass_factor"],
                              source="m = 4 ρe ρm L² P / (f V²) × cable_mass_factor (Ohm's law)"))
        notes.append("rim-cable: the array on the rim is sized by the engine with the rim's illumination; the cable's "
                     "I²R loss is added to the load (and, conservatively, to the crater radiators)")
    elif mode == "rim-beamed":
        eta = p.beam_efficiency
        delivered = compute_load
        extra_power = delivered * (1.0 / eta - 1.0)
        beam = delivered / p.si("beam_specific_power")
        extra_mass["laser beaming hardware"] = beam
        metrics.append(Metric("power.beaming_mass", beam / 1e3, "t", inputs=["compute load", "beam_specific_power"],
                              approximation=True))
        notes.append(f"rim-beamed: the rim array must send 1/{eta:g} of the load; ALL beaming losses are charged to the "
                     "crater radiators (about half are really at the rim transmitter): radiator area is overstated")

    # ---- thermal
    env = surface.lunar_surface_environment(p, ctx, site)
    metrics += surface.thermal_metrics(env, site)
    if site == "equator":
        night_sink = float(ctx.models.thermal.sink_temperature_k(p.surface_view_factor, p.si("night_temperature"),
                                                                  p.regolith_emissivity,
                                                                  ctx.models.value("thermal.deep_space_temperature_k")))
        metrics.append(Metric("thermal.night_sink_temperature", night_sink, "K",
                              inputs=["night_temperature", "surface_view_factor"], source="thermal.sink_temperature_k"))
        notes.append(f"equator: radiators sized for lunar noon (regolith {env['surface_k']:.0f} K, sink {env['sink_k']:.0f} K): "
                     f"{env['net_w_m2']:.0f} W/m² net vs {env['deep_space_w_m2']:.0f} W/m² to deep space; at night the "
                     f"sink falls to {night_sink:.0f} K")
    if env["net_w_m2"] <= 0:
        notes.append(f"radiator at {p.si('radiator_temperature'):.0f} K cannot reject heat at the {site} design case: "
                     "raise radiator_temperature or add shading/heat pumps")

    # ---- radiation
    if float(p.regolith_cover.to_value(u.g / u.cm**2)) > 0:
        cover = float(p.regolith_cover.to_value(u.g / u.cm**2))
        buried = float(ctx.models.radiation.dose_rate_krad_per_year("lunar_surface", cover))
        metrics.append(Metric("radiation.dose_rate_buried", buried, "krad/yr", inputs=["regolith_cover"],
                              source="radiation.dose_rate_krad_per_year('lunar_surface', cover): table clamped at "
                                     "2.7 g/cm² Al, so deeper cover shows no further benefit", approximation=True))
        notes.append("regolith cover is in-situ material: it is NOT launched, and the engine's dose/life uses only the "
                     "launched aluminium 'shielding' (conservative); see radiation.dose_rate_buried")

    # ---- transport and latency
    transport, t_metrics, t_notes = surface.starship_to_surface(p, ctx)
    metrics += t_metrics
    notes += t_notes
    d = surface.earth_moon_distance_m()
    light = float(ctx.models.links.light_time_s(d))
    metrics.append(Metric("latency.light_time_one_way", light, "s", inputs=["Earth-Moon mean distance 384,400 km"],
                          source="links.light_time_s; trajectory.EARTH_MOON_DISTANCE_KM (NASA Moon fact sheet)",
                          approximation=True))
    notes.append("latency: round-trip light time at the mean Earth–Moon distance (centre to centre; 356,500-406,700 km "
                 "over the orbit) with no ground-network or relay time; the near side sees Earth always, a PSR "
                 "needs a relay or a rim antenna")
    notes.append("dominant assumptions: the power option and site illumination (storage mass), the radiator design "
                 "case (equatorial noon vs PSR), the Starship dry mass/Isp (tankers per landing) and the engine's "
                 "bus cost per kg applied to every launched kg")

    element = Element(
        name=f"lunar data hall ({site}, {mode})",
        count=1,
        chip=p.chip,
        chips_per_unit=n_chips,
        precision=precision,
        utilisation=p.utilisation,
        **derating_fields(p),
        shielding_g_cm2=shielding,
        lifetime_years=p.si("lifetime") / surface.YEAR_S,
        site=Site(name=f"Moon {site}", kind="surface", sun_distance_au=1.0, eclipse_fraction=dark_for_site,
                  longest_dark_s=longest_for_site, radiator_sink_k=env["sink_k"], absorbed_w_m2=env["absorbed_w_m2"],
                  distance_to_earth_m=d, radiation_environment="lunar_surface"),
        power=power_sys,
        thermal=radiator_system(p, sides=2),
        structure_fraction=0.0,
        transport=transport,
        extra_power_w=extra_power,
        extra_mass_kg=extra_mass,
    )
    return Design(elements=[element], years_to_service=p.si("years_to_service") / surface.YEAR_S, metrics=metrics, notes=notes)


SPEC = ArchitectureSpec(
    name="lunar",
    title="Lunar surface data center",
    description="A data hall on the Moon: permanently shadowed crater (rim solar by cable/laser, or fission), sunlit "
                "polar rim or equator (solar + storage across the night, or fission); radiators against the regolith.",
    params=PARAMS,
    design=design,
)

# ------------------------------------------------------------------------------ catalogue
_RFC_COST = ("Estimate: no public price for a flight regenerative fuel cell; taken equal to the catalogue's space Li-ion "
             "estimate per kWh (US$3,000-50,000/kWh)")
RFC_LUNAR = PowerSource(
    name="RFC-lunar",
    kind="storage",
    specific_energy_wh_per_kg=models.power.DEFAULTS["rfc_specific_energy_wh_per_kg"].nominal,
    round_trip_efficiency=models.power.DEFAULTS["rfc_round_trip_efficiency"].nominal,
    depth_of_discharge=0.95,
    cost_usd_per_kwh=10_000.0,
    sources={
        "specific_energy_wh_per_kg": models.power.DEFAULTS["rfc_specific_energy_wh_per_kg"].source
        + "; catalogue 'RFC' entry: NASA GRC RFC studies ~300-1,000 Wh/kg for 14-day nights",
        "round_trip_efficiency": models.power.DEFAULTS["rfc_round_trip_efficiency"].source,
        "depth_of_discharge": "As the catalogue 'RFC' entry: reactant tanks drained almost fully, 0.9-1.0",
        "cost_usd_per_kwh": _RFC_COST,
    },
    ranges={"specific_energy_wh_per_kg": (200.0, 1000.0), "round_trip_efficiency": (0.40, 0.60),
            "depth_of_discharge": (0.90, 1.0), "cost_usd_per_kwh": (3_000.0, 50_000.0)},
)


@hookimpl
def sandbox_register_catalogues(register):
    register(RFC_LUNAR)


@hookimpl
def sandbox_register_architectures(register):
    register(SPEC)


__all__ = ["SPEC", "PARAMS", "RFC_LUNAR"]
