"""Built-in plugin: a data center on the lunar surface (BRIEF §2 item 4).

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

The helpers at the top (``lunar_surface_environment``, ``leo_to_surface_dv``,
``starship_to_surface``) are also used by the ``moonbase`` plugin.
"""

from __future__ import annotations

import math

import astropy.units as u

from sandbox import hookimpl, trajectory
from sandbox.architecture import ArchitectureSpec, Context
from sandbox.catalogue import PowerSource
from sandbox.design import Design, Element, Metric, PowerSystem, Site, Transport
from sandbox.models import power, thermal
from sandbox.params import Param, Params, from_sourced
from sandbox.paramsets import compute_params, derating_fields, radiator_params, radiator_system

YEAR_S = 365.25 * 86400.0
DAY_S = 86400.0

# ------------------------------------------------------------------------------ sources
_BUSSEY = ("Bussey et al. 2010, 'Illumination conditions of the south pole of the Moon derived using Kaguya "
           "topography', Icarus 208:558-564 (best single site, Shackleton rim 88.74°S 124.5°E, lit 86 % of 2020; "
           "two sites <10 km apart collectively lit 94 %)")
_MAZARICO = ("Mazarico et al. 2011, 'Illumination conditions of the lunar polar regions using LOLA topography', "
             "Icarus 211:1066-1081")
_DV_TABLE = ("Wikipedia 'Delta-v budget', Earth-Moon space table (LEO→LLO 4.04 km/s, LLO→lunar surface 1.87 km/s, "
             "total 5.91 km/s); Mueller et al. 2012 as tabulated in Acta Astronautica 177:351-372 (2020), Table 4 "
             "(LEO 407 km→TLI 3.276, TLI→LLO 0.952, LLO→surface 2.180 km/s, each incl. 5 % reserve)")
_STARSHIP = ("SpaceX Starship page / Starship Users Guide (2020): ~1,200 t propellant, Raptor vacuum Isp ~380 s; "
             "NASA HLS (2021): Starship HLS lands ~100 t on the Moon after propellant transfer in Earth orbit")

#: Published total Δv LEO → lunar surface (km/s) the computed budget is compared with.
PUBLISHED_LEO_TO_SURFACE_KM_S = 5.91

# ------------------------------------------------------------------------------ shared params
THERMAL_PARAMS = (
    *radiator_params(),
    Param("radiator_sun_factor", 0.0, "Projected-area factor of direct sunlight on the radiator (0 = kept edge-on "
          "to the Sun by turning about its vertical axis; 1 = one face square to the Sun).",
          source="Gilmore (ed.), Spacecraft Thermal Control Handbook Vol. I, 2nd ed. (2002), ch. 2 and 6: radiators "
                 "are oriented edge-on to the Sun where possible; a vertical panel is edge-on to a zenith Sun",
          low=0.0, high=0.3, maximum=2.0),
    from_sourced("surface_view_factor", thermal.DEFAULTS["vertical_plate_surface_view_factor"],
                 "View factor from one face of the vertical radiator to the regolith.", maximum=1.0),
    from_sourced("regolith_emissivity", thermal.DEFAULTS["lunar_surface_emissivity"], "Regolith IR emissivity.",
                 maximum=1.0),
    from_sourced("regolith_albedo", thermal.DEFAULTS["lunar_bond_albedo"], "Regolith bolometric albedo.", maximum=1.0),
    from_sourced("day_temperature", thermal.DEFAULTS["lunar_day_temperature_k"],
                 "Equatorial noon regolith temperature (the equator's design case)."),
    from_sourced("night_temperature", thermal.DEFAULTS["lunar_night_temperature_k"],
                 "Equatorial pre-dawn regolith temperature."),
    from_sourced("psr_temperature", thermal.DEFAULTS["lunar_psr_temperature_k"],
                 "Floor temperature of the permanently shadowed crater."),
    Param("rim_sun_elevation", "2.8 deg", "Highest solar elevation at the polar rim site (its design case).",
          unit="deg",
          source="Geometry: lunar spin axis 1.54° from the ecliptic normal (NASA GSFC Moon fact sheet) + 90° − 88.74° "
                 "latitude of the Bussey et al. 2010 rim site = 2.8°; " + _BUSSEY,
          low="1.5 deg", high="5 deg", maximum=90.0),
)

RIM_PARAMS = (
    Param("rim_dark_fraction", 0.14, "Fraction of the year the polar rim site is without sunlight.",
          source=_BUSSEY + "; " + _MAZARICO + " (best south-polar sites lit 80-90 %+)", low=0.06, high=0.30,
          maximum=1.0),
    Param("rim_longest_dark", "5 d", "Longest continuous dark spell at the rim site (storage must bridge it).",
          unit="d",
          source="Estimate from the eclipse-duration maps of " + _BUSSEY + " and " + _MAZARICO + ": best rim sites "
                 "see winter dark spells of a few days (range an assumption)",
          low="2 d", high="10 d", maximum=30.0),
)

LANDER_PARAMS = (
    Param("llo_altitude", "100 km", "Altitude of the low lunar parking orbit.", unit="km",
          source="Apollo and Artemis reference LLO ~100-110 km (Mueller et al. 2012, as tabulated in Acta Astronautica "
                 "177:351, Table 4)", exclusive_minimum=True, maximum=10_000.0),
    Param("descent_losses", "0.24 km/s", "Gravity, hover and margin losses of the powered descent from LLO, added to "
          "the circular speed in LLO.", unit="km/s",
          source="Derived: published LLO→surface Δv 1.87 km/s (" + _DV_TABLE + ") minus v_circ(100 km) = 1.63 km/s; "
                 "high = Mueller 2012's 2.18 km/s incl. 5 % reserve",
          low="0.15 km/s", high="0.55 km/s", maximum=5.0),
    Param("lander_dry_mass", "120 t", "Dry mass of the cargo Starship flown one way to the surface.", unit="t",
          source="Estimate: SpaceX has not published the ship's dry mass; statements and analyses put it at ~85-150 t "
                 "(Musk 2019-2021); " + _STARSHIP, low="85 t", high="150 t", exclusive_minimum=True, maximum=1e4),
    Param("lander_isp", "380 s", "Vacuum specific impulse of the cargo ship's engines.", unit="s", source=_STARSHIP,
          low="370 s", high="380 s", exclusive_minimum=True, maximum=1000.0),
    Param("lander_propellant_capacity", "1200 t", "Propellant the ship's tanks hold (checks the refuelled Δv).",
          unit="t", source=_STARSHIP, low="1200 t", high="1550 t", exclusive_minimum=True, maximum=1e5),
)

COMPUTE_PARAMS = (
    *compute_params(),
    from_sourced("bus_power_fraction", power.DEFAULTS["bus_power_fraction"],
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
    *RIM_PARAMS,
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
    *THERMAL_PARAMS,
    *LANDER_PARAMS,
    Param("years_to_service", "8 yr", "Years from decision to first compute on the Moon.", unit="yr",
          source="Estimate: NASA Fission Surface Power demonstration targeted for the early 2030s (NASA FSP 2022) "
                 "and Artemis surface-base plans of the 2030s; 5-15 years assumed",
          low="5 yr", high="15 yr", maximum=100.0),
)


# ------------------------------------------------------------------------------ helpers
def earth_moon_distance_m() -> float:
    """Mean Earth–Moon distance (m), centre to centre: the adapter's constant (NASA Moon fact sheet)."""
    return trajectory.EARTH_MOON_DISTANCE_KM * 1e3


def leo_to_surface_dv(leo_altitude_m: float, llo_altitude_m: float, descent_losses_m_s: float) -> dict[str, float]:
    """Δv (m/s) from a circular LEO to the lunar surface, patched conics with the adapter.

    - TLI: first burn of the Hohmann transfer from LEO to the Moon's mean distance (Earth);
    - LOI: the Hohmann apogee speed falls short of the Moon's orbital speed by ``dv2``, which is the
      hyperbolic excess at the Moon; capture into circular LLO on that hyperbola =
      ``departure_speed(v_inf, "Moon", LLO) - circular_velocity(LLO, "Moon")``;
    - descent: ``circular_velocity(LLO)`` + ``descent_losses`` (gravity losses, hover, margin).

    Coplanar, impulsive; no plane changes, no lunar-gravity bending of the approach.
    """
    earth_r_km = _body_radius_km("Earth")
    h = trajectory.hohmann((earth_r_km + leo_altitude_m / 1e3) * u.km, trajectory.EARTH_MOON_DISTANCE_KM * u.km, "Earth")
    tli = h.dv1.to_value(u.m / u.s)
    v_inf = h.dv2
    llo = llo_altitude_m * u.m
    v_peri = trajectory.departure_speed(v_inf, "Moon", llo).to_value(u.m / u.s)
    v_llo = trajectory.circular_velocity(llo, "Moon").to_value(u.m / u.s)
    loi = v_peri - v_llo
    descent = v_llo + descent_losses_m_s
    return {"tli": tli, "loi": loi, "descent": descent, "total": tli + loi + descent,
            "v_inf_moon": v_inf.to_value(u.m / u.s), "transfer_time_s": h.time_of_flight.to_value(u.s)}


def _body_radius_km(body: str) -> float:
    """Equatorial radius (km) the adapter uses: a surface-grazing circular orbit has R = v T / (2π)."""
    v0 = trajectory.circular_velocity(0 * u.km, body).to_value(u.km / u.s)
    period_s = trajectory.orbital_period(0 * u.km, body).to_value(u.s)
    return v0 * period_s / (2.0 * math.pi)


def starship_to_surface(p: Params, ctx: Context, payload_kg: float | None = None) -> tuple[Transport, list[Metric], list[str]]:
    """Transport of surface cargo: Starship to LEO, refuelled there, flown one way to the surface.

    Tanker flights per cargo flight = ceil(propellant / tanker load), with the propellant for
    the ship (dry + payload) over the LEO→surface Δv from the rocket equation (adapter) and the
    tanker load = the Starship catalogue LEO payload. The engine then counts cargo flights from
    that same LEO payload: the refuelled ship lands what it lifted to LEO (~100 t, the HLS
    figure).
    """
    ship = ctx.catalogues.launch_vehicles["Starship"]
    leo_payload = ship.payload("LEO")
    payload = leo_payload if payload_kg is None else payload_kg
    dv = leo_to_surface_dv(ship.leo_altitude_m, p.si("llo_altitude"), p.si("descent_losses"))
    dry = p.si("lander_dry_mass")
    prop = trajectory.propellant_mass((dry + payload) * u.kg, dv["total"] * u.m / u.s,
                                      p.si("lander_isp") * u.s).to_value(u.kg)
    tankers = math.ceil(prop / leo_payload - 1e-9)
    cost_per_kg = (1 + tankers) * ship.price_usd / payload
    notes = []
    if prop > p.si("lander_propellant_capacity"):
        notes.append(f"cargo Starship: {prop / 1e3:.0f} t of propellant exceeds the {p.si('lander_propellant_capacity') / 1e3:.0f} t "
                     "tanks: the one-way LEO→surface flight is not feasible with this payload and dry mass")
    notes.append("cargo Starship flies one way LEO→surface and stays on the Moon; the ledger prices each flight at the "
                 "catalogue Starship price, so the expended ship's build cost is NOT in capex (engine has no per-flight "
                 "hardware charge)")
    src = "trajectory.hohmann (TLI), departure_speed/circular_velocity on the Moon (LOI, descent)"
    metrics = [
        Metric("transport.dv_tli", dv["tli"] / 1e3, "km/s", inputs=["Starship.leo_altitude_m", "Earth-Moon distance"],
               source="trajectory.hohmann(LEO → 384,400 km).dv1"),
        Metric("transport.dv_loi", dv["loi"] / 1e3, "km/s", inputs=["hohmann dv2 = v_inf at Moon", "llo_altitude"],
               source=src),
        Metric("transport.dv_descent", dv["descent"] / 1e3, "km/s", inputs=["llo_altitude", "descent_losses"],
               source=src, approximation=True),
        Metric("transport.dv_leo_to_surface", dv["total"] / 1e3, "km/s", inputs=["dv_tli", "dv_loi", "dv_descent"],
               source=src, approximation=True),
        Metric("transport.dv_published", PUBLISHED_LEO_TO_SURFACE_KM_S, "km/s", source=_DV_TABLE),
        Metric("transport.lander_propellant", prop / 1e3, "t",
               inputs=["lander_dry_mass", "Starship LEO payload", "dv_leo_to_surface", "lander_isp"],
               source="trajectory.propellant_mass (Tsiolkovsky)"),
        Metric("transport.tankers_per_landing", float(tankers), "",
               inputs=["transport.lander_propellant", "Starship LEO payload (tanker load)"]),
        Metric("transport.cost_per_kg_to_surface", cost_per_kg, "USD/kg",
               inputs=["tankers_per_landing", "Starship.price_usd", "Starship LEO payload"], approximation=True),
    ]
    transport = Transport(vehicle="Starship", destination="LEO", tanker_flights_per_flight=float(tankers))
    return transport, metrics, notes


def lunar_surface_environment(p: Params, ctx: Context, site: str) -> dict[str, float]:
    """Worst-case radiator environment at a lunar site, from the shared thermal model.

    A vertical two-sided radiator: each face sees the regolith with view factor ``F``
    (``surface_view_factor``) and the sky with ``1 - F``. The regolith's infrared goes into the
    sink temperature (``thermal.sink_temperature_k``); sunlight reflected by the regolith
    (albedo × S × cos(incidence) over both faces) and direct sunlight (``radiator_sun_factor``)
    go into the absorbed flux (``thermal.absorbed_flux_w_m2`` with zero planet IR, already in the
    sink). Design cases: PSR floor (no sunlight), rim at the highest solar elevation, equatorial
    noon (Sun at zenith, regolith ~390 K: the harsh case).
    """
    th = ctx.models.thermal
    s0 = ctx.models.power.solar_flux_w_m2(1.0)
    f = p.surface_view_factor
    eps_s, alb = p.regolith_emissivity, p.regolith_albedo
    space = ctx.models.value("thermal.deep_space_temperature_k")
    if site == "psr":
        t_surf, cos_i, sun = p.si("psr_temperature"), 0.0, 0.0
    elif site == "polar-rim":
        incidence = 90.0 - float(p.rim_sun_elevation.to_value(u.deg))
        t_surf = float(th.lunar_surface_temperature_k(incidence, alb, eps_s, s0, p.si("night_temperature")))
        cos_i, sun = math.cos(math.radians(incidence)), s0
    elif site == "equator":
        t_surf, cos_i, sun = p.si("day_temperature"), 1.0, s0
    else:
        raise ValueError(f"unknown lunar site {site!r}")
    sink = float(th.sink_temperature_k(f, t_surf, eps_s, space))
    absorbed = float(th.absorbed_flux_w_m2(p.radiator_absorptivity, p.radiator_emissivity, sun, p.radiator_sun_factor,
                                           0.0, 2.0 * f, alb, cos_i))
    net = float(th.radiator_net_flux_w_m2(p.si("radiator_temperature"), p.radiator_emissivity, sink, absorbed, 2))
    deep = float(th.radiator_net_flux_w_m2(p.si("radiator_temperature"), p.radiator_emissivity, space, 0.0, 2))
    return {"surface_k": t_surf, "sink_k": sink, "absorbed_w_m2": absorbed, "net_w_m2": net, "deep_space_w_m2": deep}


def surface_illumination(p: Params, ctx: Context, site: str) -> tuple[float, float]:
    """(dark fraction, longest dark period in s) of a lunar site for solar power sizing."""
    if site == "equator":
        return 0.5, ctx.models.value("power.lunar_night_s")
    if site == "polar-rim":
        return p.rim_dark_fraction, p.si("rim_longest_dark")
    return 1.0, math.inf  # PSR floor: never lit


def thermal_metrics(env: dict[str, float], site: str) -> list[Metric]:
    inputs = ["surface_view_factor", "regolith_emissivity", "radiator_temperature", "radiator_emissivity"]
    return [
        Metric("site.regolith_temperature", env["surface_k"], "K", inputs=[f"site={site}"],
               source="Diviner defaults (thermal.DEFAULTS) or thermal.lunar_surface_temperature_k at the rim"),
        Metric("thermal.sink_temperature", env["sink_k"], "K", inputs=inputs[:2] + ["site.regolith_temperature"],
               source="thermal.sink_temperature_k"),
        Metric("thermal.absorbed_per_m2", env["absorbed_w_m2"], "W/m2",
               inputs=["radiator_absorptivity", "regolith_albedo", "radiator_sun_factor", "solar incidence"],
               source="thermal.absorbed_flux_w_m2"),
        Metric("thermal.net_flux_per_m2", env["net_w_m2"], "W/m2", inputs=inputs + ["thermal.absorbed_per_m2"],
               source="thermal.radiator_net_flux_w_m2 (two faces)"),
        Metric("thermal.area_vs_deep_space", env["deep_space_w_m2"] / env["net_w_m2"] if env["net_w_m2"] > 0 else math.inf,
               "x", inputs=["thermal.net_flux_per_m2", "same radiator facing 2.7 K on both faces"]),
    ]


def cable_conductor_mass_kg(power_w: float, length_m: float, voltage_v: float, loss_fraction: float,
                            resistivity_ohm_m: float, density_kg_m3: float) -> float:
    """Bare conductor mass (kg) of a two-wire DC line carrying ``power_w`` over ``length_m``.

    Current I = P/V; loss f·P = I² R with R = ρ_e (2L) / A → A = 2 ρ_e L P / (f V²);
    mass = ρ_m (2L) A = 4 ρ_e ρ_m L² P / (f V²) (Ohm's law; both conductors counted).
    """
    area = 2.0 * resistivity_ohm_m * length_m * power_w / (loss_fraction * voltage_v**2)
    return density_kg_m3 * 2.0 * length_m * area


def _chip_count(p: Params, ctx: Context, chip_name: str, env_name: str, shielding: float) -> tuple[int, float, str]:
    """Chips needed for the workload, the effective life (yr) and the precision used."""
    chip = ctx.catalogues.chips[chip_name]
    precision = ctx.workload.precision
    m = ctx.models
    dose = float(m.radiation.dose_rate_krad_per_year(env_name, shielding))
    tol = chip.tid_krad if chip.tid_krad > 0 else m.value("radiation.cots_tid_krad")
    life = min(p.si("lifetime") / YEAR_S, float(m.radiation.tid_lifetime_years(tol, dose)))
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
        dark_for_site, longest_for_site = surface_illumination(p, ctx, lit_site)
        power_sys = PowerSystem(source=p.solar_array, storage=p.storage, bus_power_fraction=p.bus_power_fraction)
        metrics.append(Metric("power.dark_fraction", dark_for_site, "", inputs=[f"site={lit_site}"],
                              source=_BUSSEY if lit_site == "polar-rim" else "half the synodic month",
                              approximation=lit_site == "polar-rim"))
        metrics.append(Metric("power.longest_dark", longest_for_site / DAY_S, "d", inputs=[f"site={lit_site}"],
                              source="rim_longest_dark" if lit_site == "polar-rim" else "power.DEFAULTS lunar_night_s",
                              approximation=lit_site == "polar-rim"))
        if lit_site == "polar-rim":
            notes.append("rim illumination (dark fraction, longest dark spell) is taken from published illumination "
                         "maps, not computed: topography is out of reach of the orbit adapter")
    if mode == "rim-cable":
        loss = p.cable_loss
        delivered = compute_load
        extra_power = delivered * loss / (1.0 - loss)  # the array sends P/(1-f); f of it heats the cable
        sent = delivered + extra_power
        cable = cable_conductor_mass_kg(sent, p.si("cable_length"), p.si("cable_voltage"), loss,
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
    env = lunar_surface_environment(p, ctx, site)
    metrics += thermal_metrics(env, site)
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
    transport, t_metrics, t_notes = starship_to_surface(p, ctx)
    metrics += t_metrics
    notes += t_notes
    d = earth_moon_distance_m()
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
        lifetime_years=p.si("lifetime") / YEAR_S,
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
    return Design(elements=[element], years_to_service=p.si("years_to_service") / YEAR_S, metrics=metrics, notes=notes)


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
    specific_energy_wh_per_kg=power.DEFAULTS["rfc_specific_energy_wh_per_kg"].nominal,
    round_trip_efficiency=power.DEFAULTS["rfc_round_trip_efficiency"].nominal,
    depth_of_discharge=0.95,
    cost_usd_per_kwh=10_000.0,
    sources={
        "specific_energy_wh_per_kg": power.DEFAULTS["rfc_specific_energy_wh_per_kg"].source
        + "; catalogue 'RFC' entry: NASA GRC RFC studies ~300-1,000 Wh/kg for 14-day nights",
        "round_trip_efficiency": power.DEFAULTS["rfc_round_trip_efficiency"].source,
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


__all__ = ["SPEC", "PARAMS", "RFC_LUNAR", "leo_to_surface_dv", "starship_to_surface", "lunar_surface_environment",
           "surface_illumination", "cable_conductor_mass_kg", "earth_moon_distance_m"]
