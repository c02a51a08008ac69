"""Built-in plugin: Moonbase Alpha, a lunar base launching AI probes with a mass driver.

What is built (two elements on the shared ledger):

- **the base**: the mass driver's track and its pulsed-power buffer (flywheels), plus the
  plant that charges the buffer and runs the base, carried through the lunar night (solar +
  storage, or fission) — the engine sizes the plant from the base's load;
- **the probe fleet**: probes launched per year × campaign years, each with radiation-tolerant
  AI processors (redundancy and shielding), powered at the destination's distance from the Sun
  (solar arrays, or an RTG beyond ``rtg_beyond``). Only the probes' electronics, power and
  radiators are shipped from Earth (Starship to the lunar surface); the structure, kick stage
  and propellant are assumed made on the Moon and are not in the ledger (ISRU not modelled).

The driver (first principles): exit speed v for the target from the adapter (low lunar orbit,
lunar escape, a Moon-relative v∞, or a planet reached by a Lambert arc from Earth for a given
launch date), track length L = v²/(2a), launch time t = v/a, energy E = ½ m v²/η, peak power
P = m a v/η at the muzzle, buffer = E / usable fraction, cadence limited by the charging power
and the minimum interval, throughput = cadence × m.

Trajectories: ``trajectory.interplanetary_transfer("Earth", planet, date, tof)`` gives the v∞
the probe needs relative to Earth; the Moon-exit speed follows from a patched-conic estimate
(see :func:`moon_exit_for_earth_v_inf`, flagged as an approximation). Light time at arrival
against a decision deadline says whether the probe must act on its own.

Comparisons reported as metrics: the same probe launched by chemical rocket from the lunar
surface (propellant from the rocket equation for the same exit speed) and launched from Earth
(kick-stage propellant from LEO and a share of a launch vehicle).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
import re

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
    envelope_params,
    from_sourced,
    hookimpl,
    models,
    nearest_precision,
    trajectory,
)

from . import surface

YEAR_S = surface.YEAR_S
G0 = 9.80665  # standard gravity, m/s² (3rd CGPM 1901, exact)

#: Mean heliocentric distances (AU) of the destinations: NASA GSFC Planetary Fact Sheet (semi-major axes).
PLANET_AU = {"mars": 1.524, "venus": 0.723, "jupiter": 5.204}
#: Orbital eccentricities of the destinations: NASA GSFC Planetary Fact Sheet. A probe that stays at its planet sees
#: the Sun from a (1 − e) to a (1 + e): arrays are sized at aphelion (least sunlight), radiators at perihelion (most).
PLANET_ECCENTRICITY = {"mars": 0.0935, "venus": 0.0068, "jupiter": 0.0487}

#: The model default holding each production class's hardware price per kg.
_CLASS_RATE = {"mass-produced": "cost.hardware_usd_per_kg_mass_produced",
               "small-series": "cost.hardware_usd_per_kg_small_series", "bespoke": "cost.hardware_usd_per_kg_bespoke"}

_TARGETS = ("mars", "venus", "jupiter", "escape", "llo", "v_inf")
_SP428 = ("NASA SP-428 'Space Resources and Space Settlements' (1979), Arnold et al., 'Mass Drivers I-III' "
          "(1977 Ames Summer Study)")
_GUN = ("Gun-launched electronics: Raytheon/US Army M982 Excalibur guided projectile (GPS/IMU electronics survive "
        "~15,000 g at gun launch); US Army ARL 'gun-hardened electronics' programme (>10,000 g)")

#: Planet states for a planetary target come from astropy's default 'builtin' solar-system ephemeris
#: (trajectory.interplanetary_transfer → astropy.coordinates.get_body_barycentric_posvel): ERFA ``epv00`` for the
#: Earth, ``plan94`` for the planets. epv00 is valid for 1900-2100 AD (ERFA/SOFA epv00 docs: status +1 "date outside
#: the range 1900-2100 AD", i.e. more than 100 Julian years from J2000 TDB: before 1899-12-31 12:00 or after
#: 2100-01-01 12:00 TDB); plan94 is valid for 1000-3000 AD. Outside, astropy prints ErfaWarnings and the states
#: degrade. So both the departure and the arrival (departure + time_of_flight) must lie in these UTC instants.
EPHEMERIS_FIRST = dt.datetime(1900, 1, 1)
EPHEMERIS_LAST = dt.datetime(2100, 1, 1)
_EPHEMERIS = "astropy's 'builtin' ephemeris of the planets (ERFA epv00, valid 1900-2100 AD)"
#: What `departure` accepts: an ISO date, optionally with a UTC time (both astropy Time and datetime read these).
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)?")
_EXAMPLE_DATE = '"2033-04-30"'

PARAMS = (
    Param("target", "mars", "Where the probes go: a planet (Lambert arc from Earth on `departure` with "
          "`time_of_flight`), lunar escape, low lunar orbit, or a given Moon-relative v∞.", choices=_TARGETS),
    Param("departure", "2033-04-30", "Launch date for a planetary target: an ISO date \"YYYY-MM-DD\" (UTC; a time "
          "\"YYYY-MM-DDTHH:MM:SS\" may follow), departure and arrival within 1900-01-01 to 2100-01-01 (the planets' "
          "ephemeris).", kind="string"),
    Param("time_of_flight", "280 d", "Time of flight of the heliocentric transfer.", unit="d",
          source="Chosen near the minimum departure v∞ of the April 2033 Earth→Mars window on a 15-day × 20-day grid "
                 "of trajectory.interplanetary_transfer (v∞ 2.83 km/s); Jupiter: 2032-04-10, 850 d (v∞ 9.36 km/s)",
          low="180 d", high="400 d", exclusive_minimum=True, maximum=20_000.0),
    Param("v_inf", "1 km/s", "Moon-relative hyperbolic excess for target = 'v_inf'.", unit="km/s",
          source="Illustrative: ~0.4 km/s Moon-relative v∞ just frees a probe from Earth at the Moon's distance "
                 "(patched conics), ~2.3 km/s reaches Mars", low="0 km/s", high="5 km/s", maximum=50.0),
    Param("llo_altitude", "100 km", "Low lunar orbit altitude for target = 'llo'.", unit="km",
          source="Apollo and Artemis reference LLO ~100-110 km (Mueller et al. 2012)", exclusive_minimum=True,
          maximum=10_000.0),
    # ---- the driver
    Param("probe_mass", "100 kg", "Launched mass of one probe incl. sabot/bucket and kick stage.", unit="kg",
          source="Estimate: between interplanetary CubeSats (MarCO 13.5 kg, NASA JPL 2018) and ESPA-class small "
                 "probes (~180 kg limit of an ESPA port, Moog CSA data sheet); 20-500 kg", low="20 kg", high="500 kg",
          exclusive_minimum=True, maximum=1e6),
    Param("acceleration", "9806.65 m/s2", "Acceleration along the track (1,000 g0 nominal): limited by what the "
          "probe's electronics, optics and deployables survive.", unit="m/s2",
          source=_GUN + "; mass-driver designs of " + _SP428 + " ran at 10^2-10^3 g with bulk cargo; 100-10,000 g0",
          low="980.665 m/s2", high="98066.5 m/s2", exclusive_minimum=True, maximum=1e7),
    Param("driver_efficiency", 0.5, "Electrical-to-kinetic efficiency of the driver (coils, switching, buffer).",
          source="Estimate: the " + _SP428 + " designs assume high efficiency (linear synchronous motors ~0.7-0.9); "
                 "laboratory coilguns are far lower; 0.5 nominal is an assumption in 0.3-0.9",
          low=0.3, high=0.9, exclusive_minimum=True, maximum=1.0),
    Param("track_mass_per_m", "1000 kg/m", "Track mass per metre: guideway, drive coils, switching, local capacitors.",
          unit="kg/m",
          source="Estimate (assumption, 0.2-5 t/m): basis Roesler 2013, 'Mass estimate for a lunar resource launcher "
                 "based on existing terrestrial electromagnetic launchers', Machines 1:50-62 (scaled from the EMALS "
                 "linear motor and a naval railgun); not a figure quoted from it", low="200 kg/m", high="5000 kg/m",
          exclusive_minimum=True, maximum=1e6),
    Param("buffer_specific_energy", "10 W h/kg", "Pulsed-power buffer (flywheel / pulsed alternator) energy per kg.",
          unit="W h/kg",
          source="Bolund, Bernhoff & Leijon 2007, 'Flywheel energy and power storage systems', Renew. Sust. Energy "
                 "Rev. 11:235-258 (system level ~5-50 Wh/kg; rotors up to ~100); capacitor banks are ~0.1-1 Wh/kg",
          low="5 W h/kg", high="50 W h/kg", exclusive_minimum=True, maximum=1e4),
    Param("buffer_usable_fraction", 0.75, "Fraction of the buffer's stored energy released per shot.",
          source="Flywheel run between 50 % and 100 % of top speed releases 1 − 0.5² = 0.75 of its energy "
                 "(E ∝ ω²; Bolund et al. 2007)", low=0.5, high=0.9, exclusive_minimum=True, maximum=1.0),
    Param("charge_power", "200 kW", "Average power the base gives the driver to recharge its buffer.", unit="kW",
          source="Design choice: five NASA FSP-class 40 kWe units (NASA Fission Surface Power 2022); sets the "
                 "maximum cadence", low="40 kW", high="2000 kW", exclusive_minimum=True, maximum=1e9),
    Param("min_launch_interval", "2 h", "Shortest time between launches (loading, coil cooling).", unit="h",
          source="Snow & Kolm 1992, 'Electromagnetic launch of lunar material', NASA SP-509 vol. 2 (superconducting "
                 "quenchgun: one 1-t container every 2 hours)", low="0.01 h", high="24 h", exclusive_minimum=True,
          maximum=1e4),
    # ---- the base
    Param("base_site", "equator", "Where the base and driver sit (a near-side equatorial track can point along the "
          "Moon's orbital motion).", choices=("equator", "polar-rim")),
    Param("base_power", "fission", "Base plant: fission, or solar + storage across the night.",
          choices=("fission", "solar")),
    Param("base_load", "40 kW", "Base housekeeping and factory load besides the driver.", unit="kW",
          source="NASA Fission Surface Power (2022): one 40 kWe unit sized for an early Artemis base camp",
          low="10 kW", high="500 kW", maximum=1e9),
    Param("reactor", "FSP-40kWe", "Reactor type for base_power = 'fission'.", catalogue="power_sources",
          kinds=("fission",), kind="string"),
    *envelope_params("bespoke", "Moonbase Alpha and its mass driver are one of a kind"),
    Param("track_production", "mass-produced", "Production class of the mass-driver track: a line of identical "
          "coil segments, priced per kg.", choices=("mass-produced", "small-series", "bespoke"),
          source="Cost classes: sandbox.models.cost DEFAULTS hardware_usd_per_kg_*; thousands of identical track "
                 "segments are built as a series (assumption stated here)"),
    Param("probe_production", "small-series", "Production class of the probes' hardware (priced per kg).",
          choices=("mass-produced", "small-series", "bespoke"),
          source="Cost classes: sandbox.models.cost DEFAULTS hardware_usd_per_kg_*; a campaign of tens to hundreds of "
                 "identical probes is a small series"),
    # ---- the probes
    Param("probes_per_year", 50, "Probes launched per year.",
          source="Scenario choice for a Moonbase Alpha campaign; 1-1,000", minimum=1, maximum=1e6),
    Param("campaign_years", 5, "Years of launches (the fleet = probes per year × years).",
          source="Scenario choice, matching the 5-year hardware life used elsewhere", minimum=1, maximum=100),
    Param("probe_chip", "AGX-Orin-64GB", "AI processor on each probe (catalogue chip).", catalogue="chips",
          kind="string"),
    Param("probe_chips", 3, "Processors per probe (3 = triple modular redundancy of one useful processor).",
          source="Lyons & Vanderkulk 1962, IBM J. Res. Dev. 6(2):200 (TMR = 3 copies)", minimum=1, maximum=1000),
    Param("probe_redundancy", 3.0, "Copies computing each result (TMR = 3 for COTS parts; 1 for rad-hard).",
          source="Lyons & Vanderkulk 1962 (TMR); sandbox compute.DEFAULTS redundancy_cots_in_space range 1-3",
          minimum=1.0, maximum=5.0),
    from_sourced("probe_failure_rate", models.compute.DEFAULTS["failure_rate_per_year_space"],
                 "Processor failures per chip-year (no repair in deep space; the same rate as every space element).",
                 maximum=10.0),
    Param("probe_utilisation", 0.3, "Fraction of peak the probe's inference uses.",
          source="sandbox compute.DEFAULTS utilisation_inference (Pope et al. 2022)", low=0.1, high=0.76,
          exclusive_minimum=True, maximum=1.0),
    Param("probe_shielding", "1.08 g/cm2", "Aluminium around the probe electronics (4 mm).", unit="g/cm2",
          source="4 mm Al × 2.70 g/cm³ (CRC) = 1.08 g/cm²: a typical small-spacecraft electronics box wall",
          low="0.54 g/cm2", high="2.7 g/cm2", maximum=100.0),
    Param("probe_lifetime", "5 yr", "Design life of a probe.", unit="yr",
          source="Small deep-space missions are designed for ~2-10 years (e.g. Juno prime mission 5 yr + extended)",
          low="2 yr", high="10 yr", exclusive_minimum=True, maximum=50.0),
    Param("rtg_beyond", "3 AU", "Beyond this heliocentric distance probes use the RTG instead of solar arrays.",
          unit="AU",
          source="NASA Radioisotope Power Systems: missions beyond the asteroid belt have flown RTGs (Galileo, "
                 "Cassini, New Horizons); Juno at 5.2 AU is the solar exception with ~60 m² of arrays",
          low="2 AU", high="6 AU", exclusive_minimum=True, maximum=100.0),
    Param("rtg", "MMRTG", "Radioisotope generator for the outer-system probes.", catalogue="power_sources",
          kinds=("radioisotope",), kind="string"),
    Param("decision_deadline", "7 min", "Time within which a probe must react to an event (entry, hazard).",
          unit="min", source="NASA JPL: Mars entry, descent and landing lasts ~7 minutes ('seven minutes of terror', "
          "Curiosity 2012), shorter than any Earth–Mars round-trip light time", low="1 min", high="60 min",
          exclusive_minimum=True, maximum=1e6),
    # ---- comparisons
    Param("rocket_isp", "320 s", "Specific impulse of the chemical alternative from the lunar surface.", unit="s",
          source="Storable bipropellant ~310-325 s (Aerojet R-4D family); LOX/LH2 up to ~450 s (RL10B-2 465 s)",
          low="300 s", high="450 s", minimum=50.0, maximum=1000.0),
    Param("earth_vehicle", "FalconHeavy", "Launch vehicle for the launched-from-Earth comparison.",
          catalogue="launch_vehicles", kind="string"),
    *surface.THERMAL_PARAMS,
    *surface.RIM_PARAMS,
    *surface.LANDER_PARAMS[1:],
    Param("years_to_service", "12 yr", "Years from decision to the first probe launched.", unit="yr",
          source="Estimate: a base with ISRU probe manufacture after an Artemis-era outpost (2030s); 8-20 yr",
          low="8 yr", high="20 yr", maximum=100.0),
)


# ------------------------------------------------------------------------------ rules between parameters
def departure_instant(text: str) -> dt.datetime:
    """The UTC instant of a ``departure`` string; ``ValueError`` with a one-line message when it is not an ISO date."""
    if not _ISO_DATE.fullmatch(text.strip()):
        raise ValueError(f"expected an ISO date \"YYYY-MM-DD\" (UTC), e.g. {_EXAMPLE_DATE}, got {text!r}")
    try:
        return dt.datetime.fromisoformat(text.strip())
    except ValueError as exc:  # the right shape, not a day of the calendar: "2033-02-30"
        raise ValueError(f"{text!r} is not a calendar date ({exc}); write an ISO date \"YYYY-MM-DD\", e.g. "
                         f"{_EXAMPLE_DATE}") from None


def check(p: Params) -> list[tuple[str, str]]:
    """Rules between parameters (checked when a scenario is validated, and by the design)."""
    try:
        start = departure_instant(p.departure)
    except ValueError as exc:
        return [("departure", str(exc))]
    if p.target not in PLANET_AU:  # the date is only used for a planetary target
        return []
    if not EPHEMERIS_FIRST <= start <= EPHEMERIS_LAST:
        return [("departure", f"{p.departure.strip()} is outside {EPHEMERIS_FIRST:%Y-%m-%d} to {EPHEMERIS_LAST:%Y-%m-%d}, "
                              f"the years of {_EPHEMERIS}")]
    tof_d = float(p.time_of_flight.to_value(u.day))
    arrival = start + dt.timedelta(days=tof_d)
    if arrival > EPHEMERIS_LAST:
        return [("departure", f"arrival {arrival:%Y-%m-%d} (departure + time_of_flight {tof_d:g} d) is after "
                              f"{EPHEMERIS_LAST:%Y-%m-%d}, the end of {_EPHEMERIS}; choose an earlier departure or a "
                              "shorter time_of_flight")]
    return []


# ------------------------------------------------------------------------------ physics
def driver_kinematics(mass_kg: float, v_m_s: float, a_m_s2: float, efficiency: float) -> dict[str, float]:
    """Constant-acceleration launch: L = v²/(2a), t = v/a, E = ½ m v²/η, P_peak = m a v/η (SI)."""
    return {
        "length_m": v_m_s**2 / (2.0 * a_m_s2),
        "time_s": v_m_s / a_m_s2,
        "kinetic_j": 0.5 * mass_kg * v_m_s**2,
        "energy_j": 0.5 * mass_kg * v_m_s**2 / efficiency,
        "peak_power_w": mass_kg * a_m_s2 * v_m_s / efficiency,
    }


def moon_exit_for_earth_v_inf(v_inf_earth_m_s: float) -> dict[str, float]:
    """Moon-surface exit speed (m/s) giving a hyperbolic excess ``v_inf_earth`` relative to Earth.

    Patched conics, best case: (1) at the Moon's distance the probe needs an Earth-relative speed
    ``v_E = departure_speed(v_inf_E, "Earth", altitude = r_Moon − R_Earth)``; (2) launched along the
    Moon's orbital velocity ``v_M = circular_velocity(r_Moon − R_Earth, "Earth")`` it must leave the
    Moon's sphere of influence with ``v_inf_Moon = v_E − v_M``; (3) from the surface that takes
    ``departure_speed(v_inf_Moon, "Moon")``. Ignores the direction constraint (the outgoing
    asymptote must point where the Lambert arc wants it: launch timing within the month), the
    Sun's pull and the Moon's orbital eccentricity.
    """
    r_alt = (trajectory.EARTH_MOON_DISTANCE_KM - surface.body_radius_km("Earth")) * u.km
    v_e = trajectory.departure_speed(v_inf_earth_m_s * u.m / u.s, "Earth", r_alt).to_value(u.m / u.s)
    v_m = trajectory.circular_velocity(r_alt, "Earth").to_value(u.m / u.s)
    v_inf_moon = max(v_e - v_m, 0.0)
    exit_speed = trajectory.departure_speed(v_inf_moon * u.m / u.s, "Moon").to_value(u.m / u.s)
    return {"v_at_moon_distance": v_e, "v_moon": v_m, "v_inf_moon": v_inf_moon, "exit": exit_speed}


@functools.lru_cache(maxsize=64)
def _transfer(target: str, departure: str, tof_days: float) -> tuple[float, float, float, float]:
    """(v∞ departure m/s, v∞ arrival m/s, tof s, Earth distance at arrival m) from the adapter."""
    t = trajectory.interplanetary_transfer("Earth", target.capitalize(), departure, tof_days * u.day)
    return (t.v_inf_departure.to_value(u.m / u.s), t.v_inf_arrival.to_value(u.m / u.s), t.tof.to_value(u.s),
            t.distance_at_arrival_from_earth.to_value(u.m))


def exit_speed_for(p: Params) -> tuple[float, dict[str, float], list[Metric], list[str]]:
    """Driver exit speed (m/s) for the target, trajectory facts and their metrics."""
    target = p.target
    facts: dict[str, float] = {"sun_au": 1.0, "earth_distance_m": surface.earth_moon_distance_m(), "kick_dv": 0.0}
    metrics: list[Metric] = []
    notes: list[str] = []
    if target == "llo":
        r_moon = surface.body_radius_km("Moon")
        h = trajectory.hohmann(r_moon * u.km, (r_moon + p.si("llo_altitude") / 1e3) * u.km, "Moon")
        v0 = trajectory.circular_velocity(0 * u.km, "Moon").to_value(u.m / u.s)
        exit_speed = v0 + h.dv1.to_value(u.m / u.s)
        facts["kick_dv"] = h.dv2.to_value(u.m / u.s)
        metrics.append(Metric("trajectory.llo_circular_speed", trajectory.circular_velocity(p.llo_altitude, "Moon")
                              .to_value(u.km / u.s), "km/s", inputs=["llo_altitude"], source="trajectory.circular_velocity"))
        metrics.append(Metric("trajectory.kick_dv_at_apolune", facts["kick_dv"], "m/s", inputs=["llo_altitude"],
                              source="trajectory.hohmann(R_Moon → R_Moon + h).dv2: the probe's own circularisation"))
        notes.append("target llo: horizontal launch on a surface-to-LLO Hohmann ellipse; the probe circularises at "
                     "apolune with its own kick motor (propellant made locally, not in the ledger)")
    elif target == "escape":
        exit_speed = trajectory.escape_speed("Moon").to_value(u.m / u.s)
    elif target == "v_inf":
        exit_speed = trajectory.departure_speed(p.v_inf, "Moon").to_value(u.m / u.s)
    else:
        v_inf_e, v_inf_arr, tof, dist = _transfer(target, p.departure, float(p.time_of_flight.to_value(u.day)))
        conv = moon_exit_for_earth_v_inf(v_inf_e)
        exit_speed = conv["exit"]
        facts.update(sun_au=PLANET_AU[target], earth_distance_m=dist)
        src = f"trajectory.interplanetary_transfer('Earth', '{target.capitalize()}', {p.departure}, tof)"
        metrics += [
            Metric("trajectory.v_inf_earth", v_inf_e / 1e3, "km/s", inputs=["departure", "time_of_flight"], source=src),
            Metric("trajectory.v_inf_arrival", v_inf_arr / 1e3, "km/s", inputs=["departure", "time_of_flight"],
                   source=src),
            Metric("trajectory.time_of_flight", tof / 86400.0, "d", inputs=["time_of_flight"], source=src),
            Metric("trajectory.v_at_moon_distance", conv["v_at_moon_distance"] / 1e3, "km/s",
                   inputs=["trajectory.v_inf_earth", "Earth-Moon distance"], source="trajectory.departure_speed (Earth)"),
            Metric("trajectory.v_inf_moon", conv["v_inf_moon"] / 1e3, "km/s",
                   inputs=["trajectory.v_at_moon_distance", "Moon orbital speed"], approximation=True,
                   source="patched conics: launched along the Moon's orbital velocity (best case)"),
            Metric("trajectory.distance_at_arrival", dist / 1.495978707e11, "AU", inputs=["departure", "time_of_flight"],
                   source=src),
        ]
        notes.append("Moon exit speed for a planetary target is a patched-conic best case: v∞ from the Lambert arc, "
                     "Earth's well climbed from the Moon's distance, launch along the Moon's orbital velocity; the "
                     "asymptote direction (timing within the month) and solar perturbations are ignored")
        notes.append("a driver fixed on a tidally locked Moon points in a fixed direction relative to the Earth–Moon "
                     "line: launch opportunities recur once per sidereal month inside each planetary window")
    metrics.append(Metric("driver.exit_speed", exit_speed / 1e3, "km/s", inputs=[f"target={target}"],
                          source="trajectory.escape_speed / departure_speed / circular_velocity (Moon)",
                          approximation=target in PLANET_AU))
    metrics.append(Metric("trajectory.lunar_escape_speed", trajectory.escape_speed("Moon").to_value(u.km / u.s), "km/s",
                          source="trajectory.escape_speed('Moon'); NASA Moon fact sheet 2.38 km/s"))
    return exit_speed, facts, metrics, notes


def _surface_site(p: Params, ctx: Context, site: str, fission: bool) -> tuple[Site, dict[str, float]]:
    env = surface.lunar_surface_environment(p, ctx, site)
    dark, longest = surface.surface_illumination(p, ctx, site)
    if fission:
        dark, longest = 0.0, 0.0
    return Site(name=f"Moon {site}", kind="surface", eclipse_fraction=dark, longest_dark_s=longest,
                radiator_sink_k=env["sink_k"], absorbed_w_m2=env["absorbed_w_m2"],
                distance_to_earth_m=surface.earth_moon_distance_m(), radiation_environment="lunar_surface"), env


# ------------------------------------------------------------------------------ design
def design(p: Params, ctx: Context) -> Design:
    for key, problem in check(p):  # (a study may reach values the scenario's validation never saw)
        raise ValueError(f"{key}: {problem}")
    notes: list[str] = []
    m = p.si("probe_mass")
    a = p.si("acceleration")
    eta = p.driver_efficiency
    v, facts, metrics, t_notes = exit_speed_for(p)
    notes += t_notes
    k = driver_kinematics(m, v, a, eta)
    buffer_j = k["energy_j"] / p.buffer_usable_fraction
    buffer_kg = buffer_j / p.si("buffer_specific_energy")  # J / (J/kg)
    track_kg = k["length_m"] * p.si("track_mass_per_m")
    charge_w = p.si("charge_power")
    rate_power = charge_w / k["energy_j"]  # launches per second the charger sustains
    rate_interval = 1.0 / p.si("min_launch_interval")
    rate = min(rate_power, rate_interval)
    capacity_per_year = rate * YEAR_S
    wanted = float(p.probes_per_year)
    per_year = min(wanted, capacity_per_year)
    if wanted > capacity_per_year:
        notes.append(f"driver capacity {capacity_per_year:.0f} launches/yr < {wanted:g} wanted: the fleet is cut to capacity")
    fleet = math.floor(per_year) * int(p.campaign_years)
    driver_avg_w = per_year * k["energy_j"] / YEAR_S
    # the base is designed for the driver's full cadence: it draws E per launch at the sustainable rate, which the
    # charger or the shortest launch interval limits; at that cadence the probes carry away η of it as work
    cadence_w = rate * k["energy_j"]
    if cadence_w < charge_w * (1.0 - 1e-9):
        notes.append(f"the shortest launch interval caps the driver's draw at {cadence_w / 1e3:,.0f} kW of the "
                     f"{charge_w / 1e3:,.0f} kW charge power: the base is sized for what the driver can use")
    inputs_k = ["probe_mass", "driver.exit_speed", "acceleration", "driver_efficiency"]
    metrics += [
        Metric("driver.track_length", k["length_m"] / 1e3, "km", inputs=["driver.exit_speed", "acceleration"],
               source="L = v²/(2a)"),
        Metric("driver.launch_time", k["time_s"], "s", inputs=["driver.exit_speed", "acceleration"], source="t = v/a"),
        Metric("driver.energy_per_launch", k["energy_j"] / 3.6e6, "kWh", inputs=inputs_k, source="E = ½mv²/η"),
        Metric("driver.peak_power", k["peak_power_w"] / 1e9, "GW", inputs=inputs_k, source="P = m a v/η at the muzzle"),
        Metric("driver.buffer_energy", buffer_j / 3.6e6, "kWh", inputs=["driver.energy_per_launch", "buffer_usable_fraction"]),
        Metric("driver.buffer_mass", buffer_kg / 1e3, "t", inputs=["driver.buffer_energy", "buffer_specific_energy"]),
        Metric("driver.track_mass", track_kg / 1e3, "t", inputs=["driver.track_length", "track_mass_per_m"],
               approximation=True),
        Metric("driver.cost_per_m", p.si("track_mass_per_m") * ctx.models.value(_CLASS_RATE[p.track_production]),
               "USD/m", inputs=["track_mass_per_m", _CLASS_RATE[p.track_production]], approximation=True,
               source="the track's mass at its production class's hardware cost per kg (the plugin prices the track)"),
        Metric("driver.max_launches_per_day", rate * 86400.0, "1/d",
               inputs=["charge_power", "driver.energy_per_launch", "min_launch_interval"],
               source="min(P_charge/E, 1/interval)"),
        Metric("driver.throughput", rate * YEAR_S * m / 1e3, "t/yr", inputs=["driver.max_launches_per_day", "probe_mass"]),
        Metric("driver.average_power_used", driver_avg_w / 1e3, "kW",
               inputs=["probes_per_year", "driver.energy_per_launch"]),
        Metric("probes.fleet", float(fleet), "", inputs=["probes_per_year", "campaign_years", "driver capacity"]),
    ]

    # ---- light time and autonomy
    light = float(ctx.models.links.light_time_s(facts["earth_distance_m"]))
    rtt = 2.0 * light
    deadline = p.si("decision_deadline")
    metrics += [
        Metric("latency.light_time_at_arrival", light / 60.0, "min", inputs=["trajectory.distance_at_arrival"],
               source="links.light_time_s"),
        Metric("autonomy.rtt_over_deadline", rtt / deadline, "x", inputs=["latency.light_time_at_arrival",
                                                                         "decision_deadline"]),
        Metric("autonomy.required", 1.0 if rtt > deadline else 0.0, "", inputs=["autonomy.rtt_over_deadline"],
               source="1 = the round trip to Earth exceeds the decision deadline: the probe must decide on board"),
    ]

    # ---- comparisons
    chem = trajectory.propellant_mass(m * u.kg, v * u.m / u.s, p.rocket_isp).to_value(u.kg)
    metrics.append(Metric("compare.rocket_propellant_per_probe", chem, "kg",
                          inputs=["probe_mass", "driver.exit_speed", "rocket_isp"],
                          source="trajectory.propellant_mass (same Δv as the driver's exit speed; no gravity losses)",
                          approximation=True))
    metrics.append(Metric("compare.driver_energy_per_probe", k["energy_j"] / 3.6e6, "kWh", inputs=inputs_k))
    if p.target in PLANET_AU:
        v_inf_e = _transfer(p.target, p.departure, float(p.time_of_flight.to_value(u.day)))[0]
    elif p.target == "llo":
        v_inf_e = None
    else:
        v_inf_e = 0.0  # lunar escape / small v∞: compared with leaving Earth (C3 = 0)
    vehicle = ctx.catalogues.launch_vehicles[p.earth_vehicle]
    leo_alt = vehicle.leo_altitude_m * u.m
    if v_inf_e is not None:
        dv_leo = (trajectory.departure_speed(v_inf_e * u.m / u.s, "Earth", leo_alt)
                  - trajectory.circular_velocity(leo_alt, "Earth")).to_value(u.m / u.s)
        earth_prop = trajectory.propellant_mass(m * u.kg, dv_leo * u.m / u.s, p.rocket_isp).to_value(u.kg)
        share = (m + earth_prop) / vehicle.payload("LEO") * vehicle.price_usd
        metrics += [
            Metric("compare.earth_dv_from_leo", dv_leo / 1e3, "km/s", inputs=["trajectory.v_inf_earth", "LEO altitude"],
                   source="trajectory.departure_speed(v_inf, 'Earth', LEO) - circular_velocity(LEO)"),
            Metric("compare.earth_propellant_per_probe", earth_prop, "kg",
                   inputs=["probe_mass", "compare.earth_dv_from_leo", "rocket_isp"], source="trajectory.propellant_mass",
                   approximation=True),
            Metric("compare.earth_launch_cost_per_probe", share / 1e6, "MUSD",
                   inputs=["probe + propellant mass", f"{vehicle.name} LEO payload and price"],
                   source="mass share of one flight (kick-stage dry mass ignored)", approximation=True),
        ]
    driver_capex = (track_kg * ctx.models.value(_CLASS_RATE[p.track_production])
                    + buffer_kg * ctx.models.value(_CLASS_RATE[p.production]))
    if fleet > 0:
        metrics.append(Metric("compare.driver_capex_per_probe", driver_capex / fleet / 1e6, "MUSD",
                              inputs=["driver.track_mass", "driver.buffer_mass", _CLASS_RATE[p.track_production],
                                      _CLASS_RATE[p.production], "probes.fleet"],
                              source="driver hardware at the production class's cost per kg, amortised over the campaign "
                                     "(excludes its transport and the base's electricity)", approximation=True))

    # ---- transport from Earth (shared with the lunar plugin)
    transport, tr_metrics, tr_notes = surface.starship_to_surface(p, ctx)
    metrics += tr_metrics
    notes += tr_notes

    # ---- elements
    fission = p.base_power == "fission"
    base_site, env = _surface_site(p, ctx, p.base_site, fission)
    metrics += surface.thermal_metrics(env, p.base_site)
    chip = ctx.catalogues.chips[p.probe_chip]
    precision = nearest_precision(chip.peak_ops_per_s, ctx.workload.precision)
    if precision != ctx.workload.precision:
        notes.append(f"{p.probe_chip} has no {ctx.workload.precision} figure: probe compute counted at {precision}")
    radiator = ThermalSystem(kind="radiator", temperature_k=p.si("radiator_temperature"),
                             emissivity=p.radiator_emissivity, areal_density_kg_m2=p.si("radiator_areal_density"))
    ecc = PLANET_ECCENTRICITY.get(p.target, 0.0)
    sun_au = facts["sun_au"] * (1.0 + ecc)  # the arrays' design case: aphelion
    where_sun = (f"{sun_au:.3g} AU from the Sun at {p.target.capitalize()}'s aphelion (arrays; radiators at perihelion, "
                 f"{facts['sun_au'] * (1.0 - ecc):.3g} AU)" if ecc else f"{sun_au:g} AU from the Sun")
    use_rtg = sun_au > float(p.rtg_beyond.to_value(u.AU))
    probe_power = PowerSystem(source=p.rtg if use_rtg else p.solar_array, bus_power_fraction=0.0)
    space = ctx.models.value("thermal.deep_space_temperature_k")
    flux = float(ctx.models.power.solar_flux_w_m2(facts["sun_au"] * (1.0 - ecc), ctx.models.value("power.solar_constant_w_m2")))
    probe_absorbed = float(ctx.models.thermal.absorbed_flux_w_m2(p.radiator_absorptivity, p.radiator_emissivity, flux,
                                                                 p.radiator_sun_factor, 0.0, 0.0, 0.0))
    env_name = "cislunar" if p.target in ("llo", "escape", "v_inf") else "interplanetary"
    probes = Element(
        name=f"AI probes to {p.target}",
        count=fleet,
        chip=p.probe_chip,
        chips_per_unit=p.probe_chips,
        precision=precision,
        utilisation=p.probe_utilisation,
        redundancy=p.probe_redundancy,
        failure_rate_per_year=float(p.probe_failure_rate.to_value(1 / u.yr)),
        shielding_g_cm2=float(p.probe_shielding.to_value(u.g / u.cm**2)),
        lifetime_years=p.si("probe_lifetime") / YEAR_S,
        site=Site(name=f"{p.target} ({sun_au:.3g} AU)", kind="orbit", sun_distance_au=sun_au, radiator_sink_k=space,
                  absorbed_w_m2=probe_absorbed, distance_to_earth_m=facts["earth_distance_m"],
                  radiation_environment=env_name),
        power=probe_power,
        thermal=radiator,
        production=p.probe_production,
        transport=transport,
        # the probes' electronics crossed the belts once on the way to the Moon (a fast chemical crossing)
        transit_dose_krad=float(ctx.models.radiation.transit_dose_krad("chemical",
                                                                        float(p.probe_shielding.to_value(u.g / u.cm**2)))),
    )
    plant = Element(  # the base's power plant: generation only (a reactor's own radiators are in its specific power)
        name=f"Moonbase Alpha plant ({p.base_site}, {p.base_power})",
        count=1,
        chip=None,
        chips_per_unit=0,
        site=base_site,
        power=PowerSystem(source=p.reactor) if fission else PowerSystem(source=p.solar_array, storage=p.storage),
        thermal=ThermalSystem(kind="none"),
        lifetime_years=float(p.campaign_years),
        production=p.production,
        transport=transport,
    )
    base = Element(  # no processors: the engine gives an element without chips no total-dose life limit
        name=f"Moonbase Alpha: driver and base ({p.base_site})",
        count=1,
        chip=None,
        chips_per_unit=0,
        site=dataclasses.replace(base_site, eclipse_fraction=0.0, longest_dark_s=0.0),
        power=PowerSystem(source="link"),
        thermal=radiator,
        lifetime_years=float(p.campaign_years),
        production=p.production,
        transport=transport,
        extra_power_w=p.si("base_load") + cadence_w,
        # the kinetic energy the probes carry away is work, not heat at the base (E_k = η × electrical energy), at the
        # same full cadence the load is for: load and work are one design case
        work_w=cadence_w * p.driver_efficiency,
        extra_mass_kg={"mass-driver track": track_kg, "driver pulsed-power buffer": buffer_kg},
        extra_production={"mass-driver track": p.track_production},  # priced by the ledger at that class's rate
    )
    feed = PowerLink(plant.name, base.name, [LinkStage("base power bus", 1.0)], kind="cable")
    notes += [
        "probes: only the electronics, power and radiators are shipped from Earth; structure, kick stage and "
        "propellant are assumed made on the Moon (ISRU cost and mass not in the ledger)",
        f"probes at {where_sun} use {'the RTG' if use_rtg else 'solar arrays'}; radiation environment "
        f"'{env_name}' (cruise): the Jovian belts are NOT modelled" if p.target == "jupiter" else
        f"probes at {where_sun} use {'the RTG' if use_rtg else 'solar arrays'}; radiation environment '{env_name}'",
        "the plant feeds the base through a power link: base_load + the driver's draw at its full cadence (min(charge "
        "power, energy per launch / shortest interval)) day and night; the driver's GW pulses come from its buffer; "
        "the probes' kinetic energy leaves the base as work, the driver's losses are heat",
        "dominant assumptions: probe mass × exit speed² / driver efficiency (energy), the acceleration limit (track "
        "length and mass), track mass per metre, and the production class's price per kg of shipped hardware",
        "moonbase delivers probes, not a data center: its cost per PFLOP-day is not comparable with a data hall",
        f"life: the base, the driver and the plant are paid off over the {int(p.campaign_years)}-year campaign, not the "
        "plant's own design life: they serve that campaign alone (docs/models.md, one envelope)",
    ]
    return Design(elements=[probes, base, plant], years_to_service=p.si("years_to_service") / YEAR_S, metrics=metrics,
                  notes=notes, power_links=[feed])


SPEC = ArchitectureSpec(
    name="moonbase",
    title="Moonbase Alpha: mass driver launching AI probes",
    description="A lunar base whose electromagnetic mass driver launches AI probes to lunar orbit, escape or "
                "planets (Lambert arcs); the base's plant across the lunar night; probe fleet with rad-tolerant AI.",
    params=PARAMS,
    design=design,
    check=check,
)


@hookimpl
def sandbox_register_architectures(register):
    register(SPEC)
