"""``marsrelay``: a compute station in areostationary Mars orbit, its results relayed to Earth by laser.

Two elements, described for the sandbox's engine (which prices and sizes them like every other
architecture):

- **stations**: compute stations in areostationary orbit (the circular orbit whose period is one
  sidereal Mars day), solar powered at Mars's distance from the Sun, with batteries for the
  equinox eclipses and radiators; as many as the workload needs;
- **laser relays**: satellites without compute in the same orbit, each carrying a deep-space
  optical terminal that sends the stations' results to a ground telescope on Earth. Two, half an
  orbit apart, so that Mars never hides both from Earth.

Every figure comes from a cited parameter, the shared catalogues and models, or the trajectory
adapter: the Earth-to-Mars transfer (a heliocentric Hohmann transfer, the Δv to leave the parking
orbit and to capture into areostationary orbit), the areostationary radius and its eclipses. The
optical link budget (``models.links.optical_link_rate_bps``) sets the rate at which results reach
Earth; the round-trip light time at the chosen Earth-Mars distance dominates the latency.
"""

from __future__ import annotations

import math

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
    compute_params,
    derating_fields,
    from_sourced,
    hookimpl,
    lead_time_param,
    models,
    radiator_params,
    radiator_system,
    spacecraft_params,
    trajectory,
)

__version__ = "0.1.0"

SECONDS_PER_YEAR = 3.15576e7  # Julian year, the `yr` of astropy
#: Astronomical unit, km (IAU 2012 Resolution B2, exact).
AU_KM = 149_597_870.7
_MARS_FACTS = "NASA Mars Fact Sheet (D. R. Williams, NASA Space Science Data Coordinated Archive)"
#: Semi-major axis of Mars's orbit, km (NASA Mars Fact Sheet: 227.956 x 10^6 km).
MARS_SEMI_MAJOR_AXIS_KM = 227.956e6
#: Sidereal rotation period of Mars, s (NASA Mars Fact Sheet: 24.6229 h): the areostationary period.
MARS_SIDEREAL_DAY_S = 24.6229 * 3600.0
#: Bond albedo of Mars (NASA Mars Fact Sheet: 0.250).
MARS_BOND_ALBEDO = 0.250
#: Black-body temperature of Mars, K (NASA Mars Fact Sheet: 209.8 K): its outgoing infrared.
MARS_BLACKBODY_K = 209.8

_DSOC = ("NASA/JPL Deep Space Optical Communications (DSOC) on Psyche (launched Oct 2023): flight laser "
         "transceiver with a 22 cm telescope; downlink received by the 5.1 m (200-inch) Hale Telescope at Palomar")
_NASA_MARS_DISTANCE = ("NASA Science, 'Mars Close Approach' and Mars facts: closest ~54.6 million km, farthest "
                       "~401 million km, average ~225 million km")

PARAMS = (
    Param("chip", "H100-SXM", "Accelerator in the stations (a catalogue chip).", catalogue="chips", kind="string",
          precision="workload"),
    Param("chips_per_station", 64, "Accelerators per station.", minimum=1, maximum=100_000,
          source="Assumption: a 45 kW station (64 x 700 W), the power class of the ISS's arrays (~100 kW), "
                 "one Starship flight per station with its propellant; low 16, high 256",
          low=16, high=256, kind="integer"),
    Param("solar", "GaAs-ROSA", "Solar array (a catalogue power source of kind 'solar').",
          catalogue="power_sources", kinds=("solar",), kind="string"),
    Param("storage", "Li-ion-space", "Batteries for the eclipses (a catalogue power source of kind 'storage').",
          catalogue="power_sources", kinds=("storage",), kind="string"),
    Param("vehicle", "Starship", "Launch vehicle to the parking orbit (a catalogue launch vehicle).",
          catalogue="launch_vehicles", kind="string"),
    Param("parking_altitude", "300 km", "Circular parking orbit the transfer to Mars starts from.", unit="km",
          source="Curtis, Orbital Mechanics for Engineering Students (3rd ed.), Example 8.3: Earth-to-Mars "
                 "Hohmann transfer from a 300 km circular parking orbit",
          low="200 km", high="500 km", exclusive_minimum=True, maximum=2000.0),
    Param("isp", "380 s", "Specific impulse of the stage that leaves the parking orbit and captures at Mars.", unit="s",
          source="SpaceX, Starship page: Raptor Vacuum ~380 s; low 320 s (storable bipropellant), high 450 s "
                 "(hydrogen-oxygen, RL10-class)",
          low="320 s", high="450 s", exclusive_minimum=True, maximum=10_000.0),
    Param("shielding", "2.7 g/cm2", "Aluminium-equivalent shield around the electronics.", unit="g/cm2",
          source="Assumption: 1 cm of aluminium (2.70 g/cm3); the dose-depth curves of models.radiation span 1-10 mm",
          low="1.08 g/cm2", high="5.4 g/cm2", maximum=100.0),
    from_sourced("lifetime", models.cost.DEFAULTS["hardware_lifetime_years"],
                 "Design life of stations and relays.", exclusive_minimum=True, maximum=30.0),
    Param("earth_distance", "225e6 km", "Earth-Mars distance the link and the light time are computed at.", unit="km",
          source=_NASA_MARS_DISTANCE, low="54.6e6 km", high="401e6 km", exclusive_minimum=True, maximum=1e9),
    from_sourced("laser_power", models.links.DEFAULTS["optical_tx_power_w"],
                 "Average optical power of a relay's laser.", exclusive_minimum=True, maximum=1000.0),
    Param("relay_aperture", "0.22 m", "Telescope diameter of a relay's optical terminal.", unit="m", source=_DSOC,
          low="0.1 m", high="0.5 m", exclusive_minimum=True, maximum=10.0),
    Param("receiver_aperture", "5.1 m", "Diameter of the ground telescope that receives the relay.", unit="m",
          source=_DSOC, low="1 m", high="12 m", exclusive_minimum=True, maximum=100.0),
    from_sourced("photons_per_bit", models.links.DEFAULTS["photons_per_bit"],
                 "Detected photons the receiver needs per bit.", exclusive_minimum=True, maximum=1e6),
    from_sourced("link_efficiency", models.links.DEFAULTS["optical_link_efficiency"],
                 "Product of all optical losses from laser to detected photons.", exclusive_minimum=True, maximum=1.0),
    Param("terminal_power", "100 W", "Electrical power of one relay's optical terminal (laser, pointing, control).",
          unit="W", source="Assumption (no public power budget for the DSOC flight terminal): ~25x the 4 W optical "
                           "output for laser wall-plug losses, fine pointing and thermal control",
          low="50 W", high="300 W", maximum=1e5),
    Param("terminal_mass", "30 kg", "Mass of one relay's optical terminal.", unit="kg",
          source="Assumption (no public mass for the DSOC flight terminal): a 22 cm telescope with its isolation and "
                 "pointing assembly, laser and electronics",
          low="15 kg", high="60 kg", maximum=1e4),
    Param("relays", 2, "Relay satellites half an orbit apart.", minimum=1, maximum=10, kind="integer",
          source="Geometry: Mars hides an areostationary satellite from Earth for up to asin(R/r)/pi = 5.3 % of each "
                 "sol; a second relay half an orbit away sees Earth meanwhile"),
    Param("response_size", "1 MB", "Size of one query's result sent to Earth.", unit="MB",
          source="Assumption: a compact inference result (a generated page or image with metadata), 8e6 bit",
          low="0.01 MB", high="100 MB", exclusive_minimum=True, maximum=1e6),
    lead_time_param("3 yr"),
    *compute_params(failure="space"),
    *radiator_params(),
    *spacecraft_params(),
)


# ------------------------------------------------------------------ orbital mechanics (the trajectory adapter)
def areostationary_radius_km() -> float:
    """Radius (km) of the circular Mars orbit with a period of one sidereal day: r = (mu T^2 / 4 pi^2)^(1/3)."""
    mu = trajectory.body_mu("Mars").to_value("km3/s2")
    return (mu * MARS_SIDEREAL_DAY_S**2 / (4 * math.pi**2)) ** (1 / 3)


def transfer_to_mars(parking_altitude: u.Quantity) -> dict[str, float]:
    """The Earth-to-Mars transfer: heliocentric Hohmann between the mean orbit radii (patched conics).

    Returns the hyperbolic excess speeds (km/s), the burn leaving the circular parking orbit and the
    burn capturing into areostationary orbit at once (km/s), and the time of flight (d).
    """
    helio = trajectory.hohmann(AU_KM * u.km, MARS_SEMI_MAJOR_AXIS_KM * u.km, body="Sun")
    v_inf_departure, v_inf_arrival = helio.dv1, helio.dv2
    depart = (trajectory.departure_speed(v_inf_departure, "Earth", parking_altitude)
              - trajectory.circular_velocity(parking_altitude, "Earth"))
    capture_altitude = areostationary_radius_km() * u.km - trajectory.body_radius("Mars")
    capture = (trajectory.departure_speed(v_inf_arrival, "Mars", capture_altitude)
               - trajectory.circular_velocity(capture_altitude, "Mars"))
    return {"v_inf_departure_km_s": v_inf_departure.to_value("km/s"), "v_inf_arrival_km_s": v_inf_arrival.to_value("km/s"),
            "dv_departure_km_s": depart.to_value("km/s"), "dv_capture_km_s": capture.to_value("km/s"),
            "time_of_flight_d": helio.time_of_flight.to_value("d")}


def synodic_period_s() -> float:
    """Time between launch windows (s): 1 / (1/T_Earth - 1/T_Mars), periods from Kepler's third law."""
    mu_sun = trajectory.body_mu("Sun").to_value("km3/s2")
    period = lambda a_km: 2 * math.pi * math.sqrt(a_km**3 / mu_sun)  # noqa: E731
    return 1.0 / (1.0 / period(AU_KM) - 1.0 / period(MARS_SEMI_MAJOR_AXIS_KM))


# ------------------------------------------------------------------ design
def design(p: Params, ctx: Context) -> Design:
    """Stations sized to the workload, two laser relays, both carried to areostationary orbit."""
    m = ctx.models
    r_km = areostationary_radius_km()
    mars_radius_km = trajectory.body_radius("Mars").to_value("km")
    altitude = (r_km - mars_radius_km) * u.km

    # ---- environment: sunlight, eclipses (worst case: equinox, beta = 0), heat from Mars
    sun_au = MARS_SEMI_MAJOR_AXIS_KM / AU_KM
    eclipse = float(trajectory.eclipse_fraction_from_beta(altitude, 0 * u.deg, body="Mars"))
    view = float(m.thermal.earth_view_factor(altitude.to_value("m"), mars_radius_km * 1e3, "edge"))
    absorbed = float(m.thermal.absorbed_flux_w_m2(
        p.radiator_absorptivity, p.radiator_emissivity, m.power.solar_flux_w_m2(sun_au, m.value("power.solar_constant_w_m2")), 0.0,
        m.thermal.body_ir_w_m2(MARS_BLACKBODY_K), 2 * view, MARS_BOND_ALBEDO, 1.0))
    site = Site(f"areostationary orbit (r = {r_km:,.0f} km)", kind="orbit", sun_distance_au=sun_au,
                eclipse_fraction=eclipse, longest_dark_s=eclipse * MARS_SIDEREAL_DAY_S,
                radiator_sink_k=m.value("thermal.deep_space_temperature_k"), absorbed_w_m2=absorbed,
                distance_to_earth_m=p.si("earth_distance"), radiation_environment="interplanetary")

    # ---- getting there: Hohmann to Mars, then the stage leaves the parking orbit and captures
    leg = transfer_to_mars(p.parking_altitude)
    dv_m_s = (leg["dv_departure_km_s"] + leg["dv_capture_km_s"]) * 1e3
    transport = Transport(vehicle=p.vehicle, destination="LEO", dv_after_drop_m_s=dv_m_s, isp_s=p.si("isp"),
                          packing_density_kg_m3=p.si("packing_density"))

    # ---- the elements; the engine sizes the number of stations to the workload (its own chain:
    #      dose-limited life, failures, derating, single events), no physics redone here
    common = dict(site=site, thermal=radiator_system(p), transport=transport,
                  lifetime_years=p.lifetime.to_value("yr"), structure_fraction=p.structure_fraction)
    power = PowerSystem(source=p.solar, storage=p.storage, bus_power_fraction=p.bus_power_fraction)
    station = Element(name="stations", count=1, chip=p.chip, chips_per_unit=p.chips_per_station,
                      precision=ctx.workload.precision, utilisation=p.utilisation,
                      shielding_g_cm2=p.shielding.to_value("g/cm2"), power=power, **derating_fields(p), **common)
    station.count = ctx.units_for_workload(station)
    relay = Element(name="laser relays", count=p.relays, chip=None, chips_per_unit=0,  # no compute
                    extra_power_w=p.si("terminal_power"), extra_mass_kg={"optical terminal": p.si("terminal_mass")},
                    power=PowerSystem(source=p.solar, storage=p.storage), **common)

    # ---- the laser link to Earth and the latency of one query
    distance_m = p.si("earth_distance")
    rate_bps = float(m.links.optical_link_rate_bps(distance_m, p.si("laser_power"), p.si("relay_aperture"),
                                                   p.si("receiver_aperture"), m.value("links.wavelength_m"),
                                                   p.photons_per_bit, p.link_efficiency))
    one_way_s = float(m.links.light_time_s(distance_m))
    latency_s = 2 * one_way_s + float(m.links.transfer_time_s(p.si("response_size"), rate_bps))

    window_wait_years = synodic_period_s() / 2 / SECONDS_PER_YEAR
    years = p.lead_time.to_value("yr") + window_wait_years + leg["time_of_flight_d"] / 365.25
    return Design(
        elements=[station, relay],
        latency_samples_s=np.array([latency_s]),
        link_to_earth_bps=rate_bps,
        years_to_service=years,
        metrics=[
            Metric("relay.link_rate", rate_bps / 1e6, "Mbit/s", inputs=["earth_distance", "laser_power", "relay_aperture",
                   "receiver_aperture", "photons_per_bit", "link_efficiency", "links.optical_link_rate_bps"]),
            Metric("relay.light_time", one_way_s, "s", inputs=["earth_distance", "links.light_time_s"]),
            Metric("transfer.dv_departure", leg["dv_departure_km_s"], "km/s",
                   inputs=["trajectory.hohmann (Sun)", "trajectory.departure_speed", "parking_altitude"]),
            Metric("transfer.dv_capture", leg["dv_capture_km_s"], "km/s",
                   inputs=["trajectory.hohmann (Sun)", "trajectory.departure_speed (Mars)", "areostationary radius"]),
            Metric("transfer.time_of_flight", leg["time_of_flight_d"], "d", inputs=["trajectory.hohmann (Sun)"]),
            Metric("station.orbit_radius", r_km, "km", inputs=["trajectory.body_mu (Mars)", "Mars sidereal day"],
                   source=_MARS_FACTS),
            Metric("station.eclipse_fraction", eclipse, "", inputs=["trajectory.eclipse_fraction_from_beta (beta 0)"],
                   approximation=True),
        ],
        notes=[
            "marsrelay: eclipses sized for the equinox (beta = 0), the longest of the Mars year (conservative)",
            "marsrelay: the link rate and the light time are for one Earth-Mars distance (earth_distance); they vary "
            "by ~x54 and ~x7 over a synodic period",
            "marsrelay: years to service = lead time + mean wait for a launch window (half a synodic period) + "
            "Hohmann time of flight",
        ],
    )


SPEC = ArchitectureSpec(
    name="marsrelay",
    title="Mars-orbit compute station with laser relays",
    description="Compute stations in areostationary Mars orbit, sized to the workload; two laser relays send "
                "their results to a ground telescope on Earth.",
    params=PARAMS,
    design=design,
)


@hookimpl
def sandbox_register_architectures(register):
    register(SPEC)


@hookimpl
def sandbox_extra_metrics(ledger):
    """How much the relay returns to Earth per day, in GB (only for this plugin's architecture)."""
    if ledger.architecture != SPEC.name or not ledger.has("link.to_earth"):
        return None
    gbit_per_s = ledger.get("link.to_earth")
    return [Metric("relay.data_per_day", gbit_per_s * 86_400 / 8, "GB/day", inputs=["link.to_earth"])]
