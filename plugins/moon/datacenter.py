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

import astropy.units as u

from sandbox import (
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
    compute_params,
    counted_precision,
    derating_fields,
    envelope_params,
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
    Param("chip", "H100-SXM", "Accelerator (a catalogue chip).", catalogue="chips", kind="string", precision="workload-or-bf16"),
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
    *envelope_params("small-series", "a lunar data hall is one of a few, not built on a production line"),
    from_sourced("structure_fraction", models.launch.DEFAULTS["structure_fraction"],
                 "Structure of the hall (frames, enclosure, mounts) as a fraction of its dry mass.", maximum=0.9),
    Param("reactor", "FSP-40kWe", "Reactor used when power = 'fission'.", catalogue="power_sources", kinds=("fission",),
          kind="string"),
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
    Param("laser_efficiency", 0.50, "Electrical-to-optical efficiency of the rim's laser transmitter (its loss is heat "
          "at the rim).", source="Estimate: high-power diode laser wall-plug efficiency ~50 % (Landis, 'Laser Power "
          "Beaming for Lunar Polar Exploration', AIAA Propulsion and Energy Forum 2020, whose end-to-end link is "
          "10-20 %)", low=0.40, high=0.60, exclusive_minimum=True, maximum=1.0),
    Param("beam_collection", 0.70, "Fraction of the beam the crater's receiver collects (the rest is spilled onto the "
          "regolith).", source="Estimate consistent with the 10-20 % end-to-end link of Landis 2020 (AIAA) given the "
                               "transmitter and receiver efficiencies", low=0.50, high=0.90, exclusive_minimum=True,
          maximum=1.0),
    Param("receiver_efficiency", 0.45, "Optical-to-electrical efficiency of the monochromatic PV receiver in the crater "
          "(its loss is heat at the hall).", source="Estimate: GaAs cells under monochromatic ~800-900 nm light reach "
          "~40-55 % (Landis 2020, AIAA)", low=0.30, high=0.55, exclusive_minimum=True, maximum=1.0),
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


# ------------------------------------------------------------------------------ design
def check(p: Params) -> list[tuple[str, str]]:
    """The site rules out some power options (checked when a scenario is validated, and by the design)."""
    if p.site == "psr" and p.power == "solar":
        return [("power", "a permanently shadowed crater gets no sunlight: choose power = 'rim-cable', 'rim-beamed' "
                          "or 'fission'")]
    if p.site != "psr" and p.power in ("rim-cable", "rim-beamed"):
        return [("power", f"power = {p.power!r} carries rim power into a crater: it needs site = 'psr' "
                          f"(site is {p.site!r})")]
    return []


def design(p: Params, ctx: Context) -> Design:
    """A data hall sized to the workload, at the chosen lunar site and power option."""
    site, mode = p.site, p.power
    for _, problem in check(p):
        raise ValueError(problem)
    notes: list[str] = []
    metrics: list[Metric] = []
    shielding = float(p.shielding.to_value(u.g / u.cm**2))
    chip = ctx.catalogues.chips[p.chip]
    precision, note = counted_precision(chip, ctx.workload.precision)
    notes += [note] if note else []
    hall = Element(
        name=f"lunar data hall ({site}, {mode})",
        count=1,
        chip=p.chip,
        chips_per_unit=1,
        precision=precision,
        utilisation=p.utilisation,
        **derating_fields(p),
        shielding_g_cm2=shielding,
        lifetime_years=p.si("lifetime") / surface.YEAR_S,
        structure_fraction=p.structure_fraction,
        production=p.production,
        host_fraction=p.host_fraction,
        site=Site(name=f"Moon {site}", kind="surface", radiation_environment="lunar_surface"),
        power=PowerSystem(source="grid"),  # set below, once the load is known
        thermal=radiator_system(p, sides=2),
    )
    n_chips = hall.chips_per_unit = ctx.units_for_workload(hall, per="chip")
    # the hall's load, for the cable or beam that carries it (the engine sizes the rest)
    compute_load = n_chips * (chip.power_w + p.host_fraction * chip.host_power_w) * (1.0 + p.bus_power_fraction)

    # ---- power: a reactor or arrays at the hall, or arrays on the rim feeding the hall through a power link
    extra_mass: dict[str, float] = {}
    rim: Element | None = None
    links: list[PowerLink] = []
    if mode == "fission":
        power_sys = PowerSystem(source=p.reactor, bus_power_fraction=p.bus_power_fraction)
        dark_for_site, longest_for_site = 0.0, 0.0  # a reactor does not care about the dark
        notes.append("fission: the reactor's own radiators are inside its catalogue specific power; the hall's "
                     "radiators reject only the hall's heat")
    else:
        lit_site = "polar-rim" if mode.startswith("rim") else site
        lit_dark, lit_longest = surface.surface_illumination(p, ctx, lit_site)
        metrics.append(Metric("power.dark_fraction", lit_dark, "", inputs=[f"site={lit_site}"],
                              source=surface.BUSSEY if lit_site == "polar-rim" else "half the synodic month",
                              approximation=lit_site == "polar-rim"))
        metrics.append(Metric("power.longest_dark", lit_longest / surface.DAY_S, "d", inputs=[f"site={lit_site}"],
                              source="rim_longest_dark" if lit_site == "polar-rim" else "models.power.DEFAULTS lunar_night_s",
                              approximation=lit_site == "polar-rim"))
        if lit_site == "polar-rim":
            notes.append("rim illumination (dark fraction, longest dark spell) is taken from published illumination "
                         "maps, not computed: topography is out of reach of the orbit adapter")
        if mode.startswith("rim"):
            power_sys = PowerSystem(source="link", bus_power_fraction=p.bus_power_fraction)
            dark_for_site, longest_for_site = 0.0, 0.0
            rim_env = surface.lunar_surface_environment(p, ctx, "polar-rim")
            rim = Element(
                name="rim array", count=1, chip=None, chips_per_unit=0,
                site=Site(name="Moon polar rim", kind="surface", eclipse_fraction=lit_dark, longest_dark_s=lit_longest,
                          radiator_sink_k=rim_env["sink_k"], absorbed_w_m2=rim_env["absorbed_w_m2"],
                          distance_to_earth_m=surface.earth_moon_distance_m(), radiation_environment="lunar_surface"),
                power=PowerSystem(source=p.solar_array, storage=p.storage),
                thermal=radiator_system(p, sides=2) if mode == "rim-beamed" else ThermalSystem(kind="none"),
                lifetime_years=p.si("lifetime") / surface.YEAR_S, structure_fraction=p.structure_fraction,
                production=p.production,
            )
        else:
            dark_for_site, longest_for_site = lit_dark, lit_longest
            power_sys = PowerSystem(source=p.solar_array, storage=p.storage, bus_power_fraction=p.bus_power_fraction)
    if mode == "rim-cable":
        loss = p.cable_loss
        sent = compute_load / (1.0 - loss)  # the plugin's estimate of the flow, for the conductor's size
        cable = surface.cable_conductor_mass_kg(sent, p.si("cable_length"), p.si("cable_voltage"), loss,
                                                p.si("conductor_resistivity"), p.si("conductor_density")) * p.cable_mass_factor
        rim.extra_mass_kg["rim-to-crater cable"] = cable
        rim.extra_without_structure = ("rim-to-crater cable",)  # laid on the regolith; cable_mass_factor holds its reels
        links.append(PowerLink("rim array", hall.name, [LinkStage("cable I²R", 1.0 - loss, "environment")], kind="cable"))
        metrics.append(Metric("power.cable_mass", cable / 1e3, "t",
                              inputs=["power sent", "cable_length", "cable_voltage", "cable_loss", "conductor_resistivity",
                                      "conductor_density", "cable_mass_factor"],
                              source="m = 4 ρe ρm L² P / (f V²) × cable_mass_factor (Ohm's law)"))
        notes.append("rim-cable: an array on the rim (sized by the engine with the rim's illumination) feeds the hall "
                     "through a power link; the cable's I²R loss heats the regolith along it, not the hall's radiators")
    elif mode == "rim-beamed":
        stages = [LinkStage("laser transmitter", p.laser_efficiency, "source"),
                  LinkStage("beam collection", p.beam_collection, "environment"),
                  LinkStage("PV receiver", p.receiver_efficiency, "sink")]
        links.append(PowerLink("rim array", hall.name, stages, kind="laser"))
        beam = compute_load / p.si("beam_specific_power")
        rim.extra_mass_kg["laser beaming hardware"] = beam
        eta = p.laser_efficiency * p.beam_collection * p.receiver_efficiency
        metrics.append(Metric("power.beam_efficiency", eta, "", inputs=["laser_efficiency", "beam_collection",
                                                                         "receiver_efficiency"]))
        metrics.append(Metric("power.beaming_mass", beam / 1e3, "t", inputs=["compute load", "beam_specific_power"],
                              approximation=True))
        notes.append(f"rim-beamed: the rim array sends 1/{eta:.3g} of the hall's load; the transmitter's loss is heat at the "
                     "rim, the spilled beam heats the regolith, the receiver's loss is heat in the hall")

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
        buried = float(ctx.models.radiation.dose_rate_krad_per_year(
            "lunar_surface", cover, 1.0, ctx.models.value("radiation.lunar_surface_gcr_dose_krad_per_year")))
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
    notes.append("latency path: round-trip light time at the mean Earth–Moon distance (356,500-406,700 km over the "
                 "orbit); the near side sees Earth always, a PSR needs a relay or a rim antenna (not modelled)")
    notes.append(f"life: the hall and its power plant ({'the rim array, its storage and the cable' if rim is not None else 'at the hall'}) "
                 f"are paid off over the compute's {p.si('lifetime') / surface.YEAR_S:g}-year life, not a plant's own "
                 "(the ground's building and plant serve several generations of servers and are recovered over their own "
                 "lives): no servicing lands a next generation of servers here, so the site serves one (docs/models.md, "
                 "one envelope)")
    notes.append("dominant assumptions: the power option and site illumination (storage mass), the radiator design "
                 "case (equatorial noon vs PSR), the Starship dry mass/Isp (tankers per landing) and the production "
                 "class's price per kg of hardware")

    hall.site = Site(name=f"Moon {site}", kind="surface", sun_distance_au=1.0, eclipse_fraction=dark_for_site,
                     longest_dark_s=longest_for_site, radiator_sink_k=env["sink_k"], absorbed_w_m2=env["absorbed_w_m2"],
                     distance_to_earth_m=d, radiation_environment="lunar_surface")
    hall.power = power_sys
    hall.transport = transport
    hall.transit_dose_krad = float(ctx.models.radiation.transit_dose_krad("chemical", shielding))  # one fast belt crossing
    hall.extra_mass_kg = extra_mass
    elements = [hall]
    if rim is not None:
        rim.transport = transport
        elements.append(rim)
    return Design(elements=elements, years_to_service=p.si("years_to_service") / surface.YEAR_S, metrics=metrics,
                  notes=notes, power_links=links)


SPEC = ArchitectureSpec(
    name="lunar",
    title="Lunar surface data center",
    description="A data hall on the Moon: permanently shadowed crater (rim solar by cable/laser, or fission), sunlit "
                "polar rim or equator (solar + storage across the night, or fission); radiators against the regolith.",
    params=PARAMS,
    design=design,
    check=check,
)

@hookimpl
def sandbox_register_architectures(register):
    register(SPEC)


__all__ = ["SPEC", "PARAMS"]
