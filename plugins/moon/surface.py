"""Shared lunar-surface physics for the Moon plugins (the data center and Moonbase Alpha).

Site facts computed from the shared thermal model (regolith temperature, radiator sink and
absorbed flux by site), illumination by site (sourced maps for the polar rim), Δv from LEO to
the surface with the trajectory adapter and the Starship cargo transport it implies, and the
rim-to-crater cable mass from Ohm's law. Plain SI floats; Quantities only where the adapter
takes them.
"""

from __future__ import annotations

import math

import astropy.units as u

from sandbox import Context, Metric, Param, Params, Transport, from_sourced, models, radiator_params, trajectory

YEAR_S = 365.25 * 86400.0
DAY_S = 86400.0

# ------------------------------------------------------------------------------ sources
BUSSEY = ("Bussey et al. 2010, 'Illumination conditions of the south pole of the Moon derived using Kaguya "
           "topography', Icarus 208:558-564 (best single site, Shackleton rim 88.74°S 124.5°E, lit 86 % of 2020; "
           "two sites <10 km apart collectively lit 94 %)")
MAZARICO = ("Mazarico et al. 2011, 'Illumination conditions of the lunar polar regions using LOLA topography', "
             "Icarus 211:1066-1081")
DV_TABLE = ("Wikipedia 'Delta-v budget', Earth-Moon space table (LEO→LLO 4.04 km/s, LLO→lunar surface 1.87 km/s, "
             "total 5.91 km/s); Mueller et al. 2012 as tabulated in Acta Astronautica 177:351-372 (2020), Table 4 "
             "(LEO 407 km→TLI 3.276, TLI→LLO 0.952, LLO→surface 2.180 km/s, each incl. 5 % reserve)")
STARSHIP = ("SpaceX Starship page / Starship Users Guide (2020): ~1,200 t propellant, Raptor vacuum Isp ~380 s; "
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
    from_sourced("surface_view_factor", models.thermal.DEFAULTS["vertical_plate_surface_view_factor"],
                 "View factor from one face of the vertical radiator to the regolith.", maximum=1.0),
    from_sourced("regolith_emissivity", models.thermal.DEFAULTS["lunar_surface_emissivity"], "Regolith IR emissivity.",
                 maximum=1.0),
    from_sourced("regolith_albedo", models.thermal.DEFAULTS["lunar_bond_albedo"], "Regolith bolometric albedo.", maximum=1.0),
    from_sourced("day_temperature", models.thermal.DEFAULTS["lunar_day_temperature_k"],
                 "Equatorial noon regolith temperature (the equator's design case)."),
    from_sourced("night_temperature", models.thermal.DEFAULTS["lunar_night_temperature_k"],
                 "Equatorial pre-dawn regolith temperature."),
    from_sourced("psr_temperature", models.thermal.DEFAULTS["lunar_psr_temperature_k"],
                 "Floor temperature of the permanently shadowed crater."),
    Param("rim_sun_elevation", "2.8 deg", "Highest solar elevation at the polar rim site (its design case).",
          unit="deg",
          source="Geometry: lunar spin axis 1.54° from the ecliptic normal (NASA GSFC Moon fact sheet) + 90° − 88.74° "
                 "latitude of the Bussey et al. 2010 rim site = 2.8°; " + BUSSEY,
          low="1.5 deg", high="5 deg", maximum=90.0),
)

RIM_PARAMS = (
    Param("rim_dark_fraction", 0.14, "Fraction of the year the polar rim site is without sunlight.",
          source=BUSSEY + "; " + MAZARICO + " (best south-polar sites lit 80-90 %+)", low=0.06, high=0.30,
          maximum=1.0),
    Param("rim_longest_dark", "5 d", "Longest continuous dark spell at the rim site (storage must bridge it).",
          unit="d",
          source="Estimate from the eclipse-duration maps of " + BUSSEY + " and " + MAZARICO + ": best rim sites "
                 "see winter dark spells of a few days (range an assumption)",
          low="2 d", high="10 d", maximum=30.0),
)

LANDER_PARAMS = (
    Param("llo_altitude", "100 km", "Altitude of the low lunar parking orbit.", unit="km",
          source="Apollo and Artemis reference LLO ~100-110 km (Mueller et al. 2012, as tabulated in Acta Astronautica "
                 "177:351, Table 4)", exclusive_minimum=True, maximum=10_000.0),
    Param("descent_losses", "0.24 km/s", "Gravity, hover and margin losses of the powered descent from LLO, added to "
          "the circular speed in LLO.", unit="km/s",
          source="Derived: published LLO→surface Δv 1.87 km/s (" + DV_TABLE + ") minus v_circ(100 km) = 1.63 km/s; "
                 "high = Mueller 2012's 2.18 km/s incl. 5 % reserve",
          low="0.15 km/s", high="0.55 km/s", maximum=5.0),
    Param("lander_dry_mass", "120 t", "Dry mass of the cargo Starship flown one way to the surface.", unit="t",
          source="Estimate: SpaceX has not published the ship's dry mass; statements and analyses put it at ~85-150 t "
                 "(Musk 2019-2021); " + STARSHIP, low="85 t", high="150 t", exclusive_minimum=True, maximum=1e4),
    Param("lander_isp", "380 s", "Vacuum specific impulse of the cargo ship's engines.", unit="s", source=STARSHIP,
          low="370 s", high="380 s", exclusive_minimum=True, maximum=1000.0),
    Param("lander_propellant_capacity", "1200 t", "Propellant the ship's tanks hold (checks the refuelled Δv).",
          unit="t", source=STARSHIP, low="1200 t", high="1550 t", exclusive_minimum=True, maximum=1e5),
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
    earth_r_km = body_radius_km("Earth")
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


def body_radius_km(body: str) -> float:
    """Equatorial radius (km) of ``body`` as the adapter uses it."""
    return float(trajectory.body_radius(body).to_value(u.km))


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
    cost_per_kg = (ship.expendable_price_usd + tankers * ship.price_usd) / payload
    notes = []
    if prop > p.si("lander_propellant_capacity"):
        notes.append(f"cargo Starship: {prop / 1e3:.0f} t of propellant exceeds the {p.si('lander_propellant_capacity') / 1e3:.0f} t "
                     "tanks: the one-way LEO→surface flight is not feasible with this payload and dry mass")
    notes.append("cargo Starship flies one way LEO→surface and stays on the Moon: each cargo flight is priced at the "
                 "catalogue's expendable Starship price (the tankers return)")
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
        Metric("transport.dv_published", PUBLISHED_LEO_TO_SURFACE_KM_S, "km/s", source=DV_TABLE),
        Metric("transport.lander_propellant", prop / 1e3, "t",
               inputs=["lander_dry_mass", "Starship LEO payload", "dv_leo_to_surface", "lander_isp"],
               source="trajectory.propellant_mass (Tsiolkovsky)"),
        Metric("transport.tankers_per_landing", float(tankers), "",
               inputs=["transport.lander_propellant", "Starship LEO payload (tanker load)"]),
        Metric("transport.cost_per_kg_to_surface", cost_per_kg, "USD/kg",
               inputs=["tankers_per_landing", "Starship.expendable_price_usd", "Starship.price_usd", "Starship LEO payload"],
               approximation=True),
    ]
    # every element of a lunar design lands at one site (a crater's hall is landed on the rim beside the array and
    # carried down): they share their flights, the part-filled last flight of one carrying what fits of the others
    transport = Transport(vehicle="Starship", destination="LEO", tanker_flights_per_flight=float(tankers), expended=True,
                          manifest="landing on the Moon")
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
    s0 = ctx.models.power.solar_flux_w_m2(1.0, ctx.models.value("power.solar_constant_w_m2"))
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
               source="Diviner defaults (models.thermal.DEFAULTS) or thermal.lunar_surface_temperature_k at the rim"),
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


