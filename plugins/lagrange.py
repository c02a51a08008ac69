"""Built-in plugin: a large compute station at a Lagrange point.

One fixed station at Earth–Moon L1/L2 or Sun–Earth L1/L2 (``point``), in near-continuous
sunlight, radiating to a ~3 K sky, outside the magnetosphere and a light-second or more from
Earth. Geometry comes from the circular restricted three-body problem through the trajectory
adapter (:func:`sandbox.trajectory.lagrange_distance_from_earth`).

What is computed and what is approximated:

- distance, light time and the optical link rate to Earth (photon budget, falls as 1/d²):
  computed;
- Earth and Moon infrared/albedo on the radiators: computed from view factors (negligible);
- eclipses: the station flies a halo/Lissajous orbit phased to avoid the rare alignments
  (standard practice, e.g. NASA's Gateway NRHO); the worst crossing of a shadow *at the point
  itself* is computed from shadow-cone geometry and reported, and can be bridged with storage
  (``bridge_eclipses``);
- transfer from LEO: a CR3BP transfer design is out of reach, so the impulsive Δv is the
  published figure for the point (flagged as an approximation) next to two-body bounds from the
  adapter; with electric propulsion the Δv is Edelbaum's low-thrust circle-to-circle figure
  ``v_c(LEO) - v_c(d)`` from the adapter's circular speeds (flagged too);
- station keeping: a published Δv per year for the point, over the station's life, paid by
  the same propulsion; the propellant for transfer and life is counted by the engine from the
  station's dry mass and launched with it (``Transport.dv_after_drop_m_s``).
"""

from __future__ import annotations

import math

import astropy.constants as const
import astropy.units as u
import numpy as np

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
    hookimpl,
    lead_time_param,
    models,
    radiator_params,
    radiator_system,
    servicing_fields,
    servicing_params,
    spacecraft_params,
    trajectory,
)

NAME = "lagrange"
SECONDS_PER_YEAR = 365.25 * 86400.0
#: Mean synodic month, d (Meeus, Astronomical Algorithms, 2nd ed. 1998, ch. 49).
SYNODIC_MONTH_D = 29.530589

POINTS = {"EML1": ("Earth-Moon", "L1"), "EML2": ("Earth-Moon", "L2"), "SEL1": ("Sun-Earth", "L1"), "SEL2": ("Sun-Earth", "L2")}

_WIKI_DV = ("Delta-v budget tables (Wikipedia 'Delta-v budget', Earth-Moon space, from LEO at 28.5°) after Farquhar, "
            "'The utilization of halo orbits in advanced lunar operations', NASA TN D-6365 (1971)")
_CADENCE = ("Sum of US launch-rate authorisations/proposals for Starship: FAA Starbase EA (2025) 25/yr, LC-39A EIS 44/yr, "
            "SLC-37 EIS 76/yr → 145/yr; low = Starbase alone, high = Musk's ~1,000/yr ambition")
_AEPS = ("NASA/Aerojet Rocketdyne AEPS 12.5 kW Hall thruster for the Gateway Power and Propulsion Element: Isp ~2,600 s, "
         "thrust ~600 mN at 12.5 kW (NASA GRC AEPS fact sheet; Herman et al., IEPC-2019)")

# Validity bounds (maximum=...) refuse typos and absurd scales with a clear error: 10^6 satellites
# is ~3x the largest constellation ever filed (337,323 satellites, Rwanda's "Cinnamon-937" ITU
# filing, 2021); 10^13 W is ~3x the world's average electricity generation (~3.4 TW in 2023, IEA
# Electricity 2024); 10^6 chips per unit is ~14,000 NVL72 racks.
PARAMS = (
    Param("point", "EML1", "Where the station flies.", choices=tuple(POINTS)),
    Param("chip", "B200", "Accelerator in the racks (a catalogue chip).", catalogue="chips", kind="string", precision="workload-or-bf16"),
    Param("target_power", "0 W", "GPU power of the station (chips × chip TDP); 0 = size to the workload.", unit="W",
          source="Sizing rule of this plugin (0 = derived from the workload), e.g. '100 MW'", maximum=1e13),
    *compute_params(),
    Param("bridge_eclipses", False, "Carry the load through the worst shadow crossing at the point with storage "
          "(else the halo orbit is phased to avoid eclipses).",
          source="Eclipse-avoiding halo/NRHO design: Zimovan, Howell & Davis, 'Near rectilinear halo orbits and their "
                 "application in cis-lunar space', IAA-AAS-DyCoSS3-125 (2017)", kind="boolean"),
    *spacecraft_params(),
    *envelope_params("small-series", "a station is one of a few, assembled from Starship-launched modules; no "
                     "production line"),
    lead_time_param(),
    *servicing_params(),
    *radiator_params(),
    Param("shielding", "2.7 g/cm2", "Aluminium-equivalent shield around the racks.", unit="g/cm2",
          source="Assumption: 10 mm Al equivalent, the thickest depth of the shared radiation table", low="1.08 g/cm2",
          high="5 g/cm2"),
    avionics_param("station"),
    from_sourced("lifetime", models.cost.DEFAULTS["hardware_lifetime_years"], "Design life of the station's compute.",
                 exclusive_minimum=True, maximum=30.0),
    Param("vehicle", "Starship", "Launch vehicle to LEO (a catalogue vehicle).", catalogue="launch_vehicles", kind="string"),
    Param("assembly_altitude", "400 km", "LEO altitude where the station is assembled before it leaves: the start of an "
          "electric spiral and of the Hohmann lower bound (a chemical transfer uses the published Δv from LEO, "
          "which states no altitude).", unit="km",
          source="Assumption: ISS-like assembly altitude (ISS ~400-420 km, NASA)", low="300 km", high="600 km",
          minimum=150.0, maximum=2000.0),
    Param("propulsion", "chemical", "Transfer and station-keeping propulsion. Default chemical: an electric spiral "
          "spends weeks in the Van Allen belts (~1.5 krad behind 10 mm Al, radiation.transit_dose_krad), more than a "
          "COTS accelerator's whole allowance (radiation.cots_tid_krad / design margin).", choices=("electric", "chemical"),
          source="Design choice forced by the belt dose; Horne & Pitchford 2015, 'Space weather concerns for "
                 "all-electric propulsion satellites', Space Weather 13:430-433 (electric orbit raising doses)"),
    Param("electric_isp", "2600 s", "Hall-thruster specific impulse.", unit="s", source=_AEPS, low="1800 s", high="4200 s",
          exclusive_minimum=True),
    Param("station_mass_per_kw", "40 kg/kW", "Station mass per kW of electrical load, for the spiral's duration "
          "through the belts (thrust / mass) before the engine has weighed the station.", unit="kg/kW",
          source="Turyshev, 'Orbital Data Centers: Spacecraft Constraints and Economic Viability', arXiv:2604.27197 "
                 "(JPL, 2026): closure at 34-59 kg per kW of IT power", low="34 kg/kW", high="59 kg/kW",
          exclusive_minimum=True, maximum=1e4),
    Param("thruster_efficiency", 0.6, "Jet power / electric power of the thrusters.",
          source="Derived from AEPS: F g0 Isp / (2 P) = 0.6 N × 9.80665 × 2,600 s / (2 × 12.5 kW) = 0.61; " + _AEPS,
          low=0.5, high=0.7, exclusive_minimum=True, maximum=1.0),
    Param("chemical_isp", "380 s", "Specific impulse of a chemical transfer stage (Raptor Vacuum class).", unit="s",
          source="SpaceX / Musk statements: Raptor Vacuum Isp ~380 s; storable bipropellant ~320 s", low="320 s",
          high="380 s", exclusive_minimum=True),
    Param("transfer_dv_eml1", "3.77 km/s", "Published impulsive Δv LEO → EML1 (direct).", unit="km/s",
          source=_WIKI_DV + ": 3.77 km/s; range 3.1-3.9 km/s over transfer designs", low="3.1 km/s", high="3.9 km/s"),
    Param("transfer_dv_eml2", "3.43 km/s", "Published impulsive Δv LEO → EML2 (with a lunar flyby).", unit="km/s",
          source=_WIKI_DV + ": 3.43 km/s; direct transfers ~3.9 km/s, low-energy ~3.2 km/s", low="3.2 km/s", high="3.9 km/s"),
    Param("transfer_dv_sel", "3.2 km/s", "Published impulsive Δv LEO → Sun-Earth L1/L2.", unit="km/s",
          source="≈ Earth escape from LEO (C3 ~ -0.7 km²/s²: JWST/Ariane 5 injection, NASA JWST launch facts 2021; "
                 "SOHO/ACE similar); Wikipedia 'Delta-v budget': LEO → C3=0 3.22 km/s; range 3.1-3.4 km/s",
          low="3.1 km/s", high="3.4 km/s"),
    Param("stationkeeping_eml", "20 m/s", "Station-keeping Δv per year at EML1/EML2 (halo/Lissajous).", unit="m/s",
          source="Folta, Pavlak, Haapala, Howell & Woodard, 'Earth-Moon libration point orbit stationkeeping: theory, "
                 "modeling and operations', Acta Astronautica 94 (2014) 421-433 (ARTEMIS: a few m/s per year); halo-orbit "
                 "studies give ~10-50 m/s/yr depending on amplitude and navigation errors", low="5 m/s", high="50 m/s"),
    Param("stationkeeping_sel", "3 m/s", "Station-keeping Δv per year at SEL1/SEL2.", unit="m/s",
          source="Dunham & Roberts, 'Stationkeeping techniques for libration-point satellites', J. Astronaut. Sci. 49(1) "
                 "(2001): SOHO/ACE ~1-4 m/s/yr; JWST budget of a few m/s/yr (NASA JWST orbit page)", low="1 m/s", high="4 m/s"),
    Param("transfer_time_sel", "30 d", "Transfer time LEO → SEL1/SEL2 (chemical).", unit="d",
          source="JWST: launched 25 Dec 2021, L2 orbit insertion burn 24 Jan 2022 (NASA JWST blog); SOHO took ~2.5 months",
          low="30 d", high="100 d"),
    Param("launch_cadence", "145 1/yr", "Flights per year available to the campaign.", unit="1/yr", source=_CADENCE,
          low="25 1/yr", high="1000 1/yr", exclusive_minimum=True),
    from_sourced("optical_tx_power", models.links.DEFAULTS["optical_tx_power_w"], "Laser power per downlink terminal."),
    from_sourced("optical_aperture", models.links.DEFAULTS["optical_aperture_m"], "Station telescope diameter.",
                 exclusive_minimum=True),
    Param("ground_aperture", "1 m", "Ground optical telescope diameter.", unit="m",
          source="NASA Optical Ground Station 1 (Table Mountain) for LCRD: 1 m; DSOC used the 5.1 m Hale telescope",
          low="0.4 m", high="5.1 m", exclusive_minimum=True),
    Param("downlink_terminals", 4, "Simultaneous optical downlinks to separate ground sites.",
          source="Assumption: weather diversity needs several ground sites; NASA LCRD carries two terminals", minimum=0, maximum=1e6),
)


def point_geometry(point: str) -> dict[str, float]:
    """Distances (m) of the point from Earth and from the Moon (Earth–Moon points), and from the Sun in AU."""
    system, name = POINTS[point]
    d_earth = float(trajectory.lagrange_distance_from_earth(system, name).to_value(u.m))
    au = float(const.au.to_value(u.m))
    if system == "Earth-Moon":
        d_moon = abs(d_earth - trajectory.EARTH_MOON_DISTANCE_KM * 1e3)
        sun_au = 1.0
    else:
        d_moon = math.nan
        sun_au = 1.0 - d_earth / au if name == "L1" else 1.0 + d_earth / au
    return {"d_earth_m": d_earth, "d_moon_m": d_moon, "sun_au": sun_au}


def umbra_radius_m(body_radius_m: float, distance_behind_m: float, sun_distance_m: float) -> float:
    """Radius (m) of a body's umbra at ``distance_behind_m`` behind it (similar triangles; <= 0: beyond the umbra)."""
    r_sun = float(const.R_sun.to_value(u.m))
    return body_radius_m - distance_behind_m * (r_sun - body_radius_m) / sun_distance_m


def worst_shadow_crossing_s(point: str, earth_radius_m: float, moon_radius_m: float) -> dict[str, float]:
    """Longest shadow crossing (s) at the point itself, central passage; geometry approximation.

    EML1/EML2 co-rotate with the Moon, so the Sun direction sweeps past them once per synodic month:
    the Earth's umbra crosses them at a lunar eclipse (speed 2π d / synodic month) and, at EML2, the
    Moon's umbra at a solar eclipse (speed 2π d_moon / synodic month). Sun–Earth L1 is sunward of
    Earth (never shadowed); Sun–Earth L2 lies beyond the end of Earth's umbra (penumbra only).
    """
    g = point_geometry(point)
    au = float(const.au.to_value(u.m))
    month = SYNODIC_MONTH_D * 86400.0
    out = {"earth": 0.0, "moon": 0.0}
    if point in ("EML1", "EML2"):
        r = umbra_radius_m(earth_radius_m, g["d_earth_m"], au)
        if r > 0:
            out["earth"] = 2.0 * r / (2.0 * math.pi * g["d_earth_m"] / month)
    if point == "EML2":
        r = umbra_radius_m(moon_radius_m, g["d_moon_m"], au)
        if r > 0:
            out["moon"] = 2.0 * r / (2.0 * math.pi * g["d_moon_m"] / month)
    if point == "SEL2":
        r = umbra_radius_m(earth_radius_m, g["d_earth_m"], au)
        out["earth"] = 0.0 if r <= 0 else 2.0 * r / (2.0 * math.pi * g["d_earth_m"] / (365.25 * 86400.0))
    return out


def edelbaum_dv_m_s(leo_alt_m: float, radius_m: float) -> float:
    """Low-thrust Δv (m/s) between coplanar circular orbits: ``|v_c(LEO) - v_c(r)|`` (Edelbaum 1961, ARS J. 31:1079),
    circular speeds from the adapter."""
    v0 = float(trajectory.circular_velocity(leo_alt_m * u.m).to_value(u.m / u.s))
    r_e = _earth_radius_m()
    v1 = float(trajectory.circular_velocity((radius_m - r_e) * u.m).to_value(u.m / u.s))
    return abs(v0 - v1)


def _earth_radius_m() -> float:
    """Earth's equatorial radius (m) as the adapter uses it (altitudes are measured from it)."""
    return float(trajectory.body_radius("Earth").to_value(u.m))


def design(p: Params, ctx: Context) -> Design:
    m = ctx.models
    chip = ctx.catalogues.chips[p.chip]
    life = p.si("lifetime") / SECONDS_PER_YEAR
    point = p.point
    system = POINTS[point][0]
    g = point_geometry(point)
    d = g["d_earth_m"]
    precision, note = counted_precision(chip, ctx.workload.precision)
    notes: list[str] = [note] if note else []
    metrics: list[Metric] = [
        Metric("point.distance_from_earth", d / 1e3, "km", inputs=["trajectory.lagrange_distance_from_earth", point],
               source="CR3BP (adapter)"),
        Metric("point.light_time_one_way", float(m.links.light_time_s(d)), "s", inputs=["point.distance_from_earth"]),
    ]

    # ---- sunlight and shadows
    r_earth, r_moon = m.value("thermal.earth_radius_m"), m.value("thermal.moon_radius_m")
    shadow = worst_shadow_crossing_s(point, r_earth, r_moon)
    worst = max(shadow.values())
    if p.bridge_eclipses and worst > 0:
        dark_s = worst
        eclipse = 2.0 * worst / SECONDS_PER_YEAR  # ~2 eclipse seasons per year (Meeus ch. 54)
        notes.append(f"storage sized for the worst shadow crossing at {point}: {worst / 3600:.1f} h, ~2 per year (approximation)")
    else:
        dark_s, eclipse = 0.0, 0.0
        if worst > 0:
            notes.append(f"eclipses: a halo orbit phased to avoid them is assumed; at the point itself the worst shadow "
                         f"crossing would last {worst / 3600:.1f} h about twice a year (set bridge_eclipses = true to carry it)")
        else:
            notes.append(f"eclipses: none at {point} (Sun–Earth L1 is sunward of Earth; L2 lies beyond the end of Earth's umbra)")
    metrics.append(Metric("point.worst_shadow_crossing", worst / 3600.0, "h", approximation=True,
                          inputs=["umbra cone geometry", "synodic month", "point.distance_from_earth"],
                          source="central crossing at the point itself; halo orbits can avoid it"))
    metrics.append(Metric("point.sun_distance", g["sun_au"], "AU", inputs=["point.distance_from_earth"]))

    # ---- radiators: deep-space sink; Earth (and Moon) IR/albedo by view factor, hot case
    solar = float(m.power.solar_flux_w_m2(g["sun_au"], m.value("power.solar_constant_w_m2")))
    f_earth = 2.0 * float(m.thermal.earth_view_factor(d - r_earth, r_earth, "nadir"))  # both faces, upper bound
    absorbed = float(m.thermal.absorbed_flux_w_m2(p.radiator_absorptivity, p.radiator_emissivity, solar, 0.0,
                                                  m.value("thermal.earth_ir_w_m2"), f_earth, m.value("thermal.earth_albedo"), 1.0))
    f_moon = 0.0
    if system == "Earth-Moon":
        f_moon = 2.0 * float(m.thermal.earth_view_factor(g["d_moon_m"] - r_moon, r_moon, "nadir"))
        moon_ir = float(m.thermal.body_ir_w_m2(m.value("thermal.lunar_day_temperature_k"), m.value("thermal.lunar_surface_emissivity")))
        absorbed += float(m.thermal.absorbed_flux_w_m2(p.radiator_absorptivity, p.radiator_emissivity, solar, 0.0, moon_ir,
                                                       f_moon, m.value("thermal.lunar_bond_albedo"), 1.0))
    emitted = float(m.thermal.radiator_net_flux_w_m2(p.si("radiator_temperature"), p.radiator_emissivity,
                                                     m.value("thermal.deep_space_temperature_k"), 0.0, 2))
    metrics += [
        Metric("thermal.earth_view_factor", f_earth, "", inputs=["thermal.earth_view_factor", "point.distance_from_earth"],
               source="two faces, each facing Earth (upper bound)"),
        Metric("thermal.moon_view_factor", f_moon, "", inputs=["thermal.earth_view_factor", "Moon radius and distance"]),
        Metric("thermal.absorbed_flux", absorbed, "W/m2", inputs=["thermal.absorbed_flux_w_m2", "view factors"],
               source="Earth IR + albedo and lunar day-side IR + albedo, hot case"),
        Metric("thermal.absorbed_share", absorbed / emitted, "", inputs=["thermal.absorbed_flux", "radiator emission"]),
    ]

    # ---- sizing: the engine's, for the station as built (the site is filled in below)
    env = "cislunar" if system == "Earth-Moon" else "interplanetary"
    shield = p.si("shielding") * 0.1
    # ---- transfer and station keeping
    system_sk = p.si("stationkeeping_eml") if system == "Earth-Moon" else p.si("stationkeeping_sel")
    leo = p.si("assembly_altitude")
    r_point = d  # two-body bounds at the point's distance from Earth's centre
    hoh = trajectory.hohmann((_earth_radius_m() + leo) * u.m, r_point * u.m)
    hoh_dv1 = float(hoh.dv1.to_value(u.m / u.s))
    published = {"EML1": p.si("transfer_dv_eml1"), "EML2": p.si("transfer_dv_eml2")}.get(point, p.si("transfer_dv_sel"))
    edelbaum = edelbaum_dv_m_s(leo, r_point)
    if p.propulsion == "electric":
        transfer, isp = edelbaum, p.si("electric_isp")
        notes.append(f"transfer: electric spiral from {leo / 1e3:.0f} km, Δv {edelbaum:,.0f} m/s (Edelbaum, approximation: "
                     "coplanar circle to circle, no third-body help); time from the station's own array power")
    else:
        transfer, isp = published, p.si("chemical_isp")
        notes.append(f"transfer: impulsive Δv {published:,.0f} m/s is the published figure for {point} (approximation; "
                     "no CR3BP transfer design); a chemical stage with the station's propellant launched as cargo; the "
                     "figure is from low Earth orbit at no stated altitude, so assembly_altitude "
                     f"({leo / 1e3:.0f} km) moves only its lower bound, the first Hohmann burn ({hoh_dv1:,.0f} m/s), and an "
                     "electric spiral")
    dv_total = transfer + system_sk * life
    metrics += [
        Metric("transfer.dv_used", transfer, "m/s", approximation=True,
               inputs=["Edelbaum: trajectory.circular_velocity"] if p.propulsion == "electric" else [f"transfer_dv for {point}"]),
        Metric("transfer.dv_published_impulsive", published, "m/s", approximation=True, inputs=[f"transfer_dv for {point}"]),
        Metric("transfer.dv_hohmann_departure", hoh_dv1, "m/s", inputs=["trajectory.hohmann", "assembly_altitude"],
               source="first Hohmann burn to the point's distance: a lower bound of the departure burn"),
        Metric("transfer.dv_electric_edelbaum", edelbaum, "m/s", approximation=True, inputs=["trajectory.circular_velocity"]),
        Metric("stationkeeping.dv_per_year", system_sk, "m/s", approximation=True,
               inputs=["stationkeeping_eml" if system == "Earth-Moon" else "stationkeeping_sel"]),
        Metric("transfer.isp", isp, "s", inputs=[f"{p.propulsion}_isp"]),
        Metric("transfer.thruster_efficiency", p.thruster_efficiency, "", inputs=["thruster_efficiency"]),
    ]
    if p.propulsion == "chemical":
        tof = float(hoh.time_of_flight.to_value(u.s)) if system == "Earth-Moon" else p.si("transfer_time_sel")
        metrics.append(Metric("transfer.time", tof / 86400.0, "d", approximation=system != "Earth-Moon",
                              inputs=["trajectory.hohmann"] if system == "Earth-Moon" else ["transfer_time_sel"]))
        transit = float(m.radiation.transit_dose_krad("chemical", shield, crossings=1.0))
        transit_how = "one fast crossing of the belts (radiation.transit_dose_krad 'chemical')"
    else:
        # constant thrust F = 2 η P / (g0 Isp) on a station of (mass per kW × P): time = Δv m / F; the part of the
        # spiral inside the belts (to GEO) is its share of the Edelbaum Δv (radiation.transit_dose_krad, 'electric')
        g0 = m.value("launch.standard_gravity_m_s2")
        accel = 2.0 * p.thruster_efficiency / (g0 * isp * p.si("station_mass_per_kw"))  # m/s²: the power cancels
        spiral_s = transfer / accel
        to_geo = edelbaum_dv_m_s(leo, _earth_radius_m() + 35_786e3)
        belt_days = spiral_s / 86400.0 * min(to_geo / transfer, 1.0)
        transit = float(m.radiation.transit_dose_krad("electric", shield, days_in_belts=belt_days))
        transit_how = (f"{belt_days:.0f} days of the electric spiral inside the belts (Δv to GEO {to_geo:,.0f} of "
                       f"{transfer:,.0f} m/s at thrust/mass from station_mass_per_kw; radiation.transit_dose_krad 'electric')")
    metrics.append(Metric("transfer.belt_dose", transit, "krad", approximation=True, inputs=[transit_how, "shielding"],
                          source="radiation.transit_dose_krad (AP-8/AE-8 + SHIELDOSE-2; Horne & Pitchford 2015)"))

    # ---- link to Earth: photon budget over the distance (falls as 1/d²), several terminals
    rate = float(m.links.optical_link_rate_bps(d, p.si("optical_tx_power"), p.si("optical_aperture"), p.si("ground_aperture"),
                                               m.value("links.wavelength_m"), m.value("links.photons_per_bit"),
                                               m.value("links.optical_link_efficiency"), m.value("links.isl_laser_rate_bps")))
    metrics.append(Metric("link.per_terminal", rate / 1e9, "Gbit/s",
                          inputs=["links.optical_link_rate_bps", "point.distance_from_earth", "optical_tx_power",
                                  "optical_aperture", "ground_aperture"]))
    cadence = p.si("launch_cadence") * SECONDS_PER_YEAR
    metrics.append(Metric("launch.cadence", cadence, "1/yr", inputs=["launch_cadence"], source=_CADENCE))
    metrics.append(Metric("time.lead", p.si("lead_time") / SECONDS_PER_YEAR, "yr", inputs=["lead_time"],
                          source=SPEC.param("lead_time").source))
    site = Site(
        name=f"{system} {POINTS[point][1]}",
        kind="orbit",
        sun_distance_au=g["sun_au"],
        eclipse_fraction=eclipse,
        longest_dark_s=dark_s,
        radiator_sink_k=m.value("thermal.deep_space_temperature_k"),
        absorbed_w_m2=absorbed,
        distance_to_earth_m=d,
        radiation_environment=env,
    )
    element = Element(
        name="station",
        count=1,
        chip=p.chip,
        chips_per_unit=1,
        site=site,
        power=PowerSystem(source=p.solar_array, storage=p.storage if dark_s > 0 else None,
                          bus_power_fraction=p.bus_power_fraction),
        thermal=radiator_system(p, sides=2),
        precision=precision,
        utilisation=p.utilisation,
        **derating_fields(p),
        **servicing_fields(p, 1),
        shielding_g_cm2=shield,
        lifetime_years=life,
        structure_fraction=p.structure_fraction,
        production=p.production,
        host_fraction=p.host_fraction,
        transport=Transport(vehicle=p.vehicle, destination="LEO", dv_after_drop_m_s=dv_total, isp_s=isp,
                            packing_density_kg_m3=p.si("packing_density")),
        transit_dose_krad=transit,
        avionics_mass_kg=p.si("avionics_mass"),
    )
    if p.si("target_power") > 0:
        element.chips_per_unit = math.ceil(p.si("target_power") / chip.power_w - 1e-9)
        rule = "ceil(target_power / chip W)"
    else:
        element.chips_per_unit = ctx.units_for_workload(element, per="chip")
        rule = "the engine's sizing: ceil(workload / delivered FLOP/s per chip)"
    metrics.append(Metric("station.chips", element.chips_per_unit, "", inputs=[rule]))
    if p.propulsion == "electric":
        # thrusters and power processors rated to the station's own load, which flies them out on its arrays
        it_w = element.chips_per_unit * (chip.power_w + element.host_fraction * chip.host_power_w)
        element.propulsion_power_w = it_w * (1.0 + p.bus_power_fraction)
        notes.append(f"electric propulsion rated {element.propulsion_power_w / 1e3:,.0f} kW (the station's load): thruster "
                     "and power-processor mass from launch.ep_specific_mass_kg_per_kw")
    notes.append("propellant for the transfer and for station keeping over the life is launched with the station, "
                 "with its tanks, feed and engine (the engine's launch.propellant_tankage_fraction)")
    notes.append("years to service = lead time + launch campaign (flights ÷ cadence) + transfer time")
    notes += avionics_note(p, "station")
    return Design(elements=[element], link_to_earth_bps=rate * p.downlink_terminals, years_to_service=0.0,
                  metrics=metrics, notes=notes)


SPEC = ArchitectureSpec(
    name=NAME,
    title="Lagrange-point compute station",
    description="One large station at Earth–Moon or Sun–Earth L1/L2: continuous sunlight, deep-space sink, light-seconds away.",
    params=PARAMS,
    design=design,
)


@hookimpl
def sandbox_register_architectures(register):
    register(SPEC)


def _metric(design: Design, name: str) -> float:
    return next(m.value for m in design.metrics if m.name == name)


@hookimpl
def sandbox_extra_metrics(architecture, design, ledger, context):
    """Station keeping per year, electric transfer time and the exact launch campaign, from the evaluated ledger."""
    if ledger.architecture != NAME:
        return None
    el = design.elements[0]
    t = el.transport
    life = el.lifetime_years
    dry_kg = (ledger.get("mass.total") - ledger.get("mass.propellant")) * 1e3
    sk = _metric(design, "stationkeeping.dv_per_year")
    transfer = _metric(design, "transfer.dv_used")
    isp = t.isp_s
    # every ledger value is a float in a run and an array of one value per point in a study: broadcast
    prop = lambda mass, dv: trajectory.propellant_mass(mass * u.kg, dv * u.m / u.s, isp * u.s).to_value(u.kg)  # noqa: E731
    sk_year = prop(dry_kg, sk)  # the last year's burn, on the dry station
    sk_life = prop(dry_kg, sk * life)
    transfer_prop = prop(dry_kg + sk_life, transfer)
    out = [
        Metric("stationkeeping.propellant_per_year", sk_year / 1e3, "t", approximation=True,
               inputs=["trajectory.propellant_mass", "mass.total - mass.propellant", "stationkeeping.dv_per_year", "transfer.isp"]),
        Metric("stationkeeping.propellant_life", sk_life / 1e3, "t", approximation=True,
               inputs=["trajectory.propellant_mass", "stationkeeping.dv_per_year", "lifetime"]),
        Metric("transfer.propellant", transfer_prop / 1e3, "t", inputs=["trajectory.propellant_mass", "transfer.dv_used"]),
    ]
    tof_days = next((m.value for m in design.metrics if m.name == "transfer.time"), None)
    if tof_days is None:  # electric: t = m_p (g0 Isp)² / (2 η P) with the station's own array output
        g0 = context.models.value("launch.standard_gravity_m_s2")
        eta = _metric(design, "transfer.thruster_efficiency")
        p_w = ledger.get("power.generation") * 1e6
        with np.errstate(divide="ignore", invalid="ignore"):
            tof_days = np.where(p_w > 0, transfer_prop * (g0 * isp) ** 2 / (2.0 * eta * p_w) / 86400.0, math.inf)[()]
        out.append(Metric("transfer.time", tof_days, "d", approximation=True,
                          inputs=["transfer.propellant", "transfer.isp", "thruster_efficiency", "power.generation"],
                          source="constant thrust from the station's full array output"))
    flights = ledger.get("launch.flights") + ledger.get("launch.tanker_flights")
    cadence = _metric(design, "launch.cadence")
    campaign = flights / cadence
    out.append(Metric("time.launch_campaign", campaign, "yr", inputs=["launch.flights", "launch_cadence"]))
    years = _metric(design, "time.lead") + campaign + tof_days / 365.25
    ledger.refine("time.years_to_service", years, ["time.lead", "time.launch_campaign", "transfer.time"], by=NAME)
    return out
