"""Built-in plugin: Starship data-center modules.

Box-shaped modules that fit Starship's payload bay, each holding ``chips_per_module`` GPUs in
space-adapted racks with their own folded solar arrays and deployable radiators, launched one
per flight and grown by docking more modules (``modules``).

Sizing choice: the module is defined by its number of chips (``chips_per_module``); the engine
sizes its arrays, batteries, radiators, structure and shielding on the shared ledger, and this
plugin then reports how full one Starship is by mass **and** by volume
(``module.mass_fill``/``module.volume_fill``) and how many flights one module needs. A module
heavier or bulkier than one Starship is launched in pieces (the engine notes it); lower
``chips_per_module`` until both fills are below 1 to keep one module per flight.

Orbits (``orbit``): ``leo`` (inclined, e.g. a 53° Starlink shell), ``sso`` (sun-synchronous,
dawn–dusk by default), ``meo`` and ``geo``. The orbit sets the eclipse statistics (computed over a
year with :func:`sandbox.trajectory.eclipse_over_year`), the radiator environment (Earth infrared
and albedo by view factor), the radiation environment, the light time and, above LEO, the transfer:
Starship itself carries the module from a low parking orbit to the final orbit (Hohmann transfer
from the adapter plus a plane change combined with the circularisation burn) and flies back to
Earth, refuelled in the parking orbit by tanker flights. The propellant for the ship's outbound and
return burns (rocket equation with Raptor vacuum Isp and the ship's dry mass) sets
``Transport.tanker_flights_per_flight``.

Station keeping, as every orbiting architecture carries it: each module's own thrusters (``isp``) hold
its orbit for its life, drag make-up in LEO/SSO (as the LEO satellites) and north-south and east-west
control in GEO; the propellant is launched with the module (``Transport.dv_after_drop_m_s``).
"""

from __future__ import annotations

import functools
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
    PowerSystem,
    Site,
    Transport,
    avionics_note,
    avionics_param,
    compute_params,
    counted_precision,
    derating_fields,
    envelope_params,
    from_sourced,
    geo_keeping_params,
    hookimpl,
    keeping_params,
    lead_time_param,
    models,
    radiator_params,
    radiator_system,
    servicing_fields,
    servicing_params,
    spacecraft_params,
    trajectory,
)

NAME = "starship"
VEHICLE = "Starship"
SECONDS_PER_YEAR = 365.25 * 86400.0

_STARSHIP = "SpaceX Starship page and Starship Users Guide Rev 1.0 (2020)"
_CADENCE = ("Sum of US launch-rate authorisations/proposals for Starship: FAA Final EA for Starbase (2025) up to 25/yr; "
            "NASA/FAA LC-39A EIS (2025) up to 44/yr; DAF SLC-37 EIS (2025) up to 76/yr → 145/yr. Low = Starbase alone; "
            "high = Musk's stated ambition of ~1,000 Starship flights per year (2024-2025 statements)")

# Validity bounds (maximum=...) refuse typos and absurd scales with a clear error: 10^6 satellites
# is ~3x the largest constellation ever filed (337,323 satellites, Rwanda's "Cinnamon-937" ITU
# filing, 2021); 10^13 W is ~3x the world's average electricity generation (~3.4 TW in 2023, IEA
# Electricity 2024); 10^6 chips per unit is ~14,000 NVL72 racks.
PARAMS = (
    Param("orbit", "sso", "Final orbit of the modules.", choices=("leo", "sso", "meo", "geo")),
    Param("altitude", "550 km", "Altitude of the LEO or SSO orbit (ignored for MEO/GEO).", unit="km",
          source="Starlink shells at 540-570 km (SpaceX FCC filings SAT-MOD-20200417-00037); Suncatcher/Starcloud SSO ~650 km",
          low="400 km", high="1000 km", minimum=300.0, maximum=1400.0),
    Param("leo_inclination", "53 deg", "Inclination of the 'leo' orbit.", unit="deg",
          source="Starlink Gen1 shell 53.0° (SpaceX FCC filing SAT-MOD-20200417-00037)", low="43 deg", high="70 deg",
          maximum=180.0),
    Param("ltan", "18 h", "Local time of the ascending node of the 'sso' orbit (6 or 18 h = dawn-dusk).", unit="h",
          source="Dawn-dusk SSO (LTAN 18:00) as used by Google's Suncatcher study (2025) and radar missions such as Sentinel-1",
          low="6 h", high="18 h", maximum=24.0),
    Param("meo_altitude", "8062 km", "Altitude of the 'meo' orbit.", unit="km",
          source="SES O3b mPOWER MEO constellation altitude 8,062 km (SES fact sheet)", low="8000 km", high="20200 km",
          minimum=2000.0, maximum=35000.0),
    Param("meo_inclination", "0 deg", "Inclination of the 'meo' orbit.", unit="deg",
          source="O3b / O3b mPOWER equatorial orbit (SES); GPS uses 55°", maximum=180.0),
    Param("geo_altitude", "35786 km", "Geostationary altitude above the equatorial radius.", unit="km",
          source="Vallado, Fundamentals of Astrodynamics and Applications, 4th ed. (2013), §2.9: r_GEO = 42,164 km, h = 35,786 km"),
    Param("launch_latitude", "25.997 deg", "Latitude of the launch site = lowest inclination reached without a plane change.",
          unit="deg", source="SpaceX Starbase, Boca Chica, Texas, 25.997° N (FAA Final PEA, 2022); KSC LC-39A 28.6° N",
          low="25.997 deg", high="28.608 deg", maximum=90.0),
    Param("parking_altitude", "400 km", "Altitude of the low parking orbit where the ship is refuelled (MEO/GEO only).",
          unit="km", source="Assumption: the reference altitude of the catalogue's LEO payload figure (sandbox LaunchVehicle default 400 km); "
          "propellant-transfer demonstrations are planned in low LEO (NASA HLS)", low="250 km", high="500 km",
          minimum=150.0, maximum=2000.0),
    Param("chip", "B200", "Accelerator in the module racks (a catalogue chip).", catalogue="chips", kind="string", precision="workload-or-bf16"),
    Param("chips_per_module", 900, "GPUs per module (the module's size).",
          source="Design choice: the most B200 GPUs, in steps of 50, whose module with its hosts, arrays, radiators, "
                 "structure and shielding fits one Starship (100 t) in the default 550 km dawn-dusk SSO "
                 "(module.mass_fill 0.95); range 200-3,000 GPUs per module", low=200, high=3000, minimum=1, maximum=1e6),
    Param("modules", 0, "Number of docked modules; 0 = as many as `target_power` or, if that is 0, the workload needs.",
          source="Sizing rule of this plugin (0 = derived from the workload)", kind="integer", maximum=1e7),
    Param("target_power", "0 W", "GPU power of the build-out (chips × chip TDP); sets `modules` when > 0.", unit="W",
          source="Sizing rule of this plugin (0 = not used); e.g. '1 GW' or Musk's '100 GW in space'", maximum=1e13),
    *compute_params(),
    *spacecraft_params(),
    *envelope_params("mass-produced", "modules are built in series on a production line for build-outs of hundreds "
                     "(the 1 GW and 100 GW scenarios; SpaceX's Starlink practice); set 'small-series' for a handful"),
    lead_time_param(),
    *keeping_params(),
    *geo_keeping_params(),
    *servicing_params(),
    *radiator_params(),
    Param("shielding", "2.7 g/cm2", "Aluminium-equivalent shield around the racks.", unit="g/cm2",
          source="Assumption: 10 mm Al equivalent (module wall + rack structure), the thickest depth of the shared radiation table "
                 "(sandbox.models.radiation: 1-10 mm Al grid)", low="1.08 g/cm2", high="5 g/cm2"),
    Param("docking_mass", "526 kg", "Docking adapter and berthing hardware per module.", unit="kg",
          source="NASA International Docking Adapter (IDA, IDSS-compliant) fact sheet: ~526 kg (1,160 lb)",
          low="300 kg", high="1000 kg"),
    avionics_param("module"),
    from_sourced("lifetime", models.cost.DEFAULTS["hardware_lifetime_years"], "Design life of a module.", exclusive_minimum=True,
                 maximum=30.0),
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
          source=_STARSHIP + ": 100-150 t to LEO reusable; a tanker's payload is propellant",
          low="100 t", high="150 t", exclusive_minimum=True),
    Param("ship_returns", True, "Whether the ship flies back from MEO/GEO (else it is expended there).",
          source="SpaceX plans full reuse of Starship", kind="boolean"),
    Param("return_perigee", "50 km", "Vacuum perigee of the ship's return orbit (inside the atmosphere, aerobraking/entry).",
          unit="km", source="Assumption: below NASA's 122 km entry interface (Apollo/Orion practice); deorbit burns target "
                            "perigees of tens of km", low="20 km", high="80 km", maximum=120.0),
    Param("launch_cadence", "145 1/yr", "Starship flights per year (modules and tankers).", unit="1/yr", source=_CADENCE,
          low="25 1/yr", high="1000 1/yr", exclusive_minimum=True),
    Param("downlink_terminals", 2, "Optical downlink terminals per module.",
          source="Assumption: two terminals (redundancy), as NASA LCRD carries two optical terminals", minimum=0, maximum=1e6),
    Param("ground_aperture", "1 m", "Ground optical telescope diameter.", unit="m",
          source="NASA Optical Ground Station 1 (Table Mountain) for LCRD: 1 m telescope", low="0.4 m", high="5.1 m",
          exclusive_minimum=True),
)


@functools.lru_cache(maxsize=64)
def _eclipse(altitude_km: float, inclination_deg: float, ltan_h: float | None, n_days: int) -> tuple[float, float, float, float]:
    """(mean eclipse fraction, longest eclipse in s, smallest |β| of the year in deg, dark share of the darkest orbit)
    over a year, from the adapter."""
    kw = {"ltan_hours": ltan_h} if ltan_h is not None else {"raan": 0.0 * u.deg}
    stats = trajectory.eclipse_over_year(altitude_km * u.km, inclination_deg * u.deg, n_days=n_days, **kw)
    beta_min = float(abs(stats.beta_angles.to_value(u.deg)).min())
    return stats.mean_fraction, float(stats.max_duration.to_value(u.s)), beta_min, stats.max_fraction


def orbit_geometry(p: Params) -> dict:
    """Altitude (m), inclination (deg), radiation environment and eclipse-model inputs of the chosen orbit."""
    orbit = p.orbit
    if orbit == "leo":
        return {"altitude_m": p.si("altitude"), "inclination_deg": float(p.leo_inclination.to_value(u.deg)), "ltan": None,
                "radiation": "leo"}
    if orbit == "sso":
        inc = float(trajectory.sun_synchronous_inclination(p.altitude).to_value(u.deg))
        return {"altitude_m": p.si("altitude"), "inclination_deg": inc, "ltan": float(p.ltan.to_value(u.h)), "radiation": "leo"}
    if orbit == "meo":
        return {"altitude_m": p.si("meo_altitude"), "inclination_deg": float(p.meo_inclination.to_value(u.deg)), "ltan": None,
                "radiation": "meo"}
    return {"altitude_m": p.si("geo_altitude"), "inclination_deg": 0.0, "ltan": None, "radiation": "geo"}


def keeping_dv_m_s_per_year(p: Params, altitude_m: float) -> tuple[float, str]:
    """Station-keeping Δv (m/s a year) of a module in the chosen orbit, and what it is: drag make-up in a low orbit
    (``trajectory.drag_makeup_dv_m_s_per_year``), north-south and east-west control in GEO
    (``trajectory.geo_station_keeping_dv_m_s_per_year``), none in MEO (no drag; lunisolar drift is left to drift)."""
    if p.orbit in ("leo", "sso"):
        return trajectory.drag_makeup_dv_m_s_per_year(altitude_m, p.si("ballistic_coefficient"), p.density_scale), \
            "drag make-up ρv²/(2B)"
    if p.orbit == "geo":
        return trajectory.geo_station_keeping_dv_m_s_per_year(
            altitude_m, float(p.geo_inclination_drift.to_value(u.deg / u.yr)),
            float(p.geo_east_west_dv.to_value(u.m / u.s / u.yr))), "GEO north-south and east-west control"
    return 0.0, "none (MEO: no drag)"


def _module(p: Params, ctx: Context, site: Site, count: float, tankers: float, life: float,
            keeping_dv_m_s: float, precision: str) -> Element:
    """``count`` docked modules at ``site``, each carrying the propellant of ``keeping_dv_m_s`` (m/s) of station
    keeping over its ``life`` years, their chips counted at ``precision``."""
    return Element(
        name="module",
        count=count,
        chip=p.chip,
        chips_per_unit=p.chips_per_module,
        site=site,
        power=PowerSystem(source=p.solar_array, storage=p.storage if (site.eclipse_fraction > 0 or site.longest_dark_s > 0)
                          else None, bus_power_fraction=p.bus_power_fraction),
        thermal=radiator_system(p, sides=2),
        precision=precision,
        utilisation=p.utilisation,
        **derating_fields(p),
        **servicing_fields(p, count),
        shielding_g_cm2=p.si("shielding") * 0.1,
        lifetime_years=life,
        structure_fraction=p.structure_fraction,
        production=p.production,
        host_fraction=p.host_fraction,
        transport=Transport(vehicle=VEHICLE, destination="LEO",
                            dv_after_drop_m_s=keeping_dv_m_s, isp_s=p.si("isp"),
                            tanker_flights_per_flight=tankers, packing_density_kg_m3=p.si("packing_density")),
        extra_mass_kg={"docking": p.si("docking_mass")},
        avionics_mass_kg=p.si("avionics_mass"),
        # above LEO the ship carries the module through the belts once (a fast chemical crossing)
        transit_dose_krad=float(ctx.models.radiation.transit_dose_krad("chemical", p.si("shielding") * 0.1))
        if p.orbit in ("meo", "geo") else 0.0,
    )


def design(p: Params, ctx: Context) -> Design:
    m = ctx.models
    cat = ctx.catalogues
    chip = cat.chips[p.chip]
    ship = cat.launch_vehicles[VEHICLE]
    life = p.si("lifetime") / SECONDS_PER_YEAR
    geo = orbit_geometry(p)
    alt, inc = geo["altitude_m"], geo["inclination_deg"]
    precision, note = counted_precision(chip, ctx.workload.precision)
    notes: list[str] = [note] if note else []
    metrics: list[Metric] = []

    # ---- environment: eclipses over a year (adapter), Earth IR/albedo on the radiators, radiation, light time
    n_days = 365 if p.orbit in ("meo", "geo") else 73
    ecl, dark_s, beta_min, worst = _eclipse(round(alt / 1e3, 3), round(inc, 6), geo["ltan"], n_days)
    albedo_factor = float(m.thermal.orbit_albedo_factor(beta_min))
    r_earth = m.value("thermal.earth_radius_m")
    f_earth = 2.0 * float(m.thermal.earth_view_factor(alt, r_earth, "edge"))  # two faces, edge-on to Earth
    absorbed = float(m.thermal.absorbed_flux_w_m2(
        p.radiator_absorptivity, p.radiator_emissivity, float(m.power.solar_flux_w_m2(1.0, m.value("power.solar_constant_w_m2"))), 0.0,
        m.value("thermal.earth_ir_w_m2"), f_earth,
        m.value("thermal.earth_albedo"), albedo_factor))
    site = Site(
        name=f"{p.orbit.upper()} {alt / 1e3:,.0f} km, {inc:.1f}°",
        kind="orbit",
        eclipse_fraction=ecl,
        longest_dark_s=dark_s,
        worst_eclipse_fraction=worst,
        radiator_sink_k=m.value("thermal.deep_space_temperature_k"),
        absorbed_w_m2=absorbed,
        distance_to_earth_m=alt,
        link_path="direct" if p.orbit == "geo" else "geo-relay",
        radiation_environment=geo["radiation"],
        altitude_m=alt,
        inclination_deg=inc,
    )
    metrics += [
        Metric("orbit.altitude", alt / 1e3, "km", inputs=[p.orbit]),
        Metric("orbit.inclination", inc, "deg", inputs=[p.orbit, "trajectory.sun_synchronous_inclination" if p.orbit == "sso" else "params"]),
        Metric("orbit.eclipse_fraction", ecl, "", inputs=["trajectory.eclipse_over_year", "altitude", "inclination"],
               source="cylindrical shadow, β angle sampled over a year"),
        Metric("orbit.longest_eclipse", dark_s / 60.0, "min", inputs=["trajectory.eclipse_over_year"]),
        Metric("orbit.worst_eclipse_fraction", worst, "", inputs=["trajectory.eclipse_over_year", "altitude", "inclination"],
               source="dark share of the darkest orbit of the year (the array is sized for it)"),
        Metric("thermal.earth_view_factor", f_earth, "", inputs=["thermal.earth_view_factor", "altitude"],
               source="two radiator faces edge-on to Earth"),
        Metric("thermal.absorbed_flux", absorbed, "W/m2", inputs=["radiator_absorptivity", "earth_ir", "earth_albedo",
                                                                  "thermal.earth_view_factor"],
               source="hot case at the year's smallest beta angle (albedo factor thermal.orbit_albedo_factor(beta_min), "
                      "Gilmore Vol. I ch. 2); radiators edge-on to the Sun"),
    ]

    # ---- station keeping over the life (the module's own thrusters)
    keep, keep_kind = keeping_dv_m_s_per_year(p, alt)

    # ---- how many modules
    n_chip = p.chips_per_module
    gpu_w_per_module = n_chip * chip.power_w
    if p.modules > 0:
        modules, rule = p.modules, "modules"
    elif p.si("target_power") > 0:
        modules = math.ceil(p.si("target_power") / gpu_w_per_module - 1e-9)
        rule = "ceil(target_power / (chips_per_module × chip W))"
    else:
        modules = ctx.units_for_workload(_module(p, ctx, site, 1, 0.0, life, keep * life, precision))
        rule = "the engine's sizing: ceil(workload / delivered FLOP/s per module)"
    metrics.append(Metric("module.count", modules, "", inputs=[rule]))
    metrics.append(Metric("module.keeping_dv", keep * life, "m/s", approximation=True,
                          inputs=["ballistic_coefficient", "density_scale"] if p.orbit in ("leo", "sso") else
                          ["geo_inclination_drift", "geo_east_west_dv"] if p.orbit == "geo" else [p.orbit],
                          source=f"{keep_kind}: {keep:.3g} m/s a year × {life:g} yr; the module's own thrusters (isp)"))
    metrics.append(Metric("module.gpu_power", gpu_w_per_module / 1e6, "MW", inputs=["chips_per_module", f"{p.chip}.power_w"]))

    # ---- transport: Starship to the parking orbit; above LEO the refuelled ship carries the module on and flies back
    tankers = 0.0
    if p.orbit in ("meo", "geo"):
        lat = float(p.launch_latitude.to_value(u.deg))
        plane = abs(lat - inc) if inc < lat else 0.0  # launching straight into any inclination >= the site latitude
        payload = ship.payload("LEO")
        # the ship flies back to its launch site turning its plane by as much as on the way out; the catalogue payload
        # already carries its deorbit reserve from the parking orbit (trajectory.ferry_round_trip)
        trip = trajectory.ferry_round_trip(p.si("parking_altitude") * u.m, alt * u.m, plane * u.deg, payload * u.kg,
                                           p.si("ship_dry_mass") * u.kg, p.si("raptor_isp") * u.s,
                                           p.si("return_perigee") * u.m if p.ship_returns else None)
        dv_total, back = float(trip["dv_out"].to_value(u.m / u.s)), float(trip["dv_back"].to_value(u.m / u.s))
        prop = float(trip["propellant"].to_value(u.kg))
        if prop > p.si("ship_propellant_capacity"):
            raise ValueError(f"a full {payload / 1e3:.0f} t cargo to {p.orbit.upper()} needs {prop / 1e3:,.0f} t of "
                             f"propellant, more than the ship holds ({p.si('ship_propellant_capacity') / 1e3:,.0f} t)")
        tankers = float(m.launch.tanker_flights(prop, p.si("tanker_payload")))
        metrics += [
            Metric("transfer.dv_outbound", dv_total, "m/s", inputs=["trajectory.ferry_round_trip", "parking_altitude",
                                                                        "launch_latitude", f"plane change {plane:.2f} deg"],
                   source="Hohmann (adapter) with the plane change combined at apoapsis"),
            Metric("transfer.dv_return", back, "m/s", inputs=["trajectory.ferry_round_trip", "return_perigee",
                                                               f"plane change {plane:.2f} deg"]),
            Metric("transfer.plane_change", plane, "deg", inputs=["launch_latitude", "inclination"]),
            Metric("transfer.time", float(trip["tof"].to_value(u.s)) / 3600.0, "h", inputs=["trajectory.hohmann"]),
            Metric("transfer.ship_propellant", prop / 1e3, "t",
                   inputs=["trajectory.propellant_mass", "ship_dry_mass", "raptor_isp", f"payload {payload / 1e3:.0f} t"]),
            Metric("transfer.tankers_per_flight", tankers, "", inputs=["launch.tanker_flights", "tanker_payload"]),
        ]
        notes.append(f"{p.orbit.upper()}: Starship carries each module from a {p.si('parking_altitude') / 1e3:.0f} km parking orbit "
                     f"(Δv {dv_total:,.0f} m/s incl. a {plane:.1f}° plane change) and "
                     f"{'flies back' if p.ship_returns else 'is expended'}; {prop / 1e3:,.0f} t of propellant per flight "
                     f"→ {tankers:.0f} tanker flights per module flight, sized for a full {payload / 1e3:.0f} t cargo")
    else:
        notes.append(f"{p.orbit.upper()}: Starship inserts the module directly; the catalogue LEO payload is used for "
                     f"{alt / 1e3:.0f} km (approximation: altitude and, for SSO, the lost Earth-rotation assist cost payload, "
                     "within the catalogue's 100-150 t range)")

    # ---- link to Earth: optical terminals, photon budget over the zenith distance, capped by the modem rate
    rate = float(m.links.optical_link_rate_bps(
        alt, m.value("links.optical_tx_power_w"), m.value("links.optical_aperture_m"), p.si("ground_aperture"),
        m.value("links.wavelength_m"), m.value("links.photons_per_bit"), m.value("links.optical_link_efficiency"),
        m.value("links.isl_laser_rate_bps")))
    link = rate * p.downlink_terminals * modules
    metrics.append(Metric("link.per_terminal", rate / 1e9, "Gbit/s", inputs=["links.optical_link_rate_bps", "altitude",
                                                                             "ground_aperture"]))

    flights_estimate = modules * (1.0 + tankers)
    cadence = p.si("launch_cadence") * SECONDS_PER_YEAR
    metrics.append(Metric("launch.cadence", cadence, "1/yr", inputs=["launch_cadence"], source=_CADENCE))
    metrics.append(Metric("time.lead", p.si("lead_time") / SECONDS_PER_YEAR, "yr", inputs=["lead_time"],
                          source=SPEC.param("lead_time").source))
    element = _module(p, ctx, site, modules, tankers, life, keep * life, precision)
    notes.append("latency path: through a GEO data relay below GEO (no pass waits modelled; an approximation), direct "
                 "from GEO; the engine adds the user network and processing time")
    notes.append("years to service = lead time + (module + tanker flights) ÷ launch cadence: to full capacity")
    notes += avionics_note(p, "module")
    return Design(
        elements=[element],
        link_to_earth_bps=link,
        years_to_service=p.si("lead_time") / SECONDS_PER_YEAR + flights_estimate / cadence,
        metrics=metrics,
        notes=notes,
    )


SPEC = ArchitectureSpec(
    name=NAME,
    title="Starship data-center modules",
    description="GPU modules sized to Starship's payload bay, docked together in LEO, SSO, MEO or GEO; tanker flights above LEO.",
    params=PARAMS,
    design=design,
)


@hookimpl
def sandbox_register_architectures(register):
    register(SPEC)


def campaign_metrics(models, ledger, cadence_per_year: float, modules: float, fairing_m3: float, payload_kg: float,
                     packing_kg_m3: float) -> list[Metric]:
    """Per-module fills and flights, and the exact launch campaign, from the evaluated ledger."""
    mass_kg = ledger.get("mass.total") * 1e3 / modules
    volume = models.launch.payload_volume_m3(mass_kg, packing_kg_m3)  # broadcasts over a study's points
    flights = ledger.get("launch.flights")
    tankers = ledger.get("launch.tanker_flights")
    return [
        Metric("module.mass", mass_kg / 1e3, "t", inputs=["mass.total", "module.count"]),
        Metric("module.mass_fill", mass_kg / payload_kg, "", inputs=["module.mass", f"{VEHICLE}.payload_kg.LEO"]),
        Metric("module.volume", volume, "m3", inputs=["module.mass", "packing_density"]),
        Metric("module.volume_fill", volume / fairing_m3, "", inputs=["module.volume", f"{VEHICLE}.fairing_volume_m3"]),
        Metric("module.flights", flights / modules, "", inputs=["launch.flights", "module.count"]),
        Metric("module.tanker_flights", tankers / modules, "", inputs=["launch.tanker_flights", "module.count"]),
        Metric("time.launch_campaign", (flights + tankers) / cadence_per_year, "yr",
               inputs=["launch.flights", "launch.tanker_flights", "launch_cadence"]),
    ]


@hookimpl
def sandbox_extra_metrics(architecture, design, ledger, context):
    if ledger.architecture != NAME:
        return None
    el = design.elements[0]
    ship = context.catalogues.launch_vehicles[VEHICLE]
    cadence = next(m.value for m in design.metrics if m.name == "launch.cadence")
    out = campaign_metrics(context.models, ledger, cadence, el.count, ship.fairing_volume_m3, ship.payload("LEO"),
                           el.transport.packing_density_kg_m3)
    campaign = next(m for m in out if m.name == "time.launch_campaign")
    lead = next(m.value for m in design.metrics if m.name == "time.lead")
    ledger.refine("time.years_to_service", lead + campaign.value, ["time.lead", *campaign.inputs], by=NAME)
    return out
