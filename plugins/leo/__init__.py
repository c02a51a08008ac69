"""Built-in plugin: LEO compute clusters, a constellation of compute satellites ("Starlink enlarged for AI").

Registered through the public hooks only. The design function describes one kind of satellite
(chips, orbit, power, radiator, shielding, launch) ``satellites`` times; every orbital fact it
hands to the engine is computed with the trajectory adapter:

- eclipses over a year from the β angle (``trajectory.eclipse_over_year``; SSO inclination from
  ``trajectory.sun_synchronous_inclination``): mean fraction for the energy balance, longest
  shadow for the battery;
- the radiator's environment at that altitude: Earth IR and albedo through the edge-on view
  factor (``thermal.earth_view_factor`` + ``thermal.absorbed_flux_w_m2``); sunlight on the panel
  is zero because the panel is kept edge-on to the Sun; the albedo factor is the cosine of the
  smallest β of the year (the brightest Earth the orbit ever flies over);
- a user's query latency as a distribution: ground-station visibility of the constellation
  (``trajectory.visibility_mask``), pass waits (``links.pass_wait_s``), laser inter-satellite
  hops, processing, downlink (see :func:`plugins.leo_physics.simulate_latency`);
- ISL capacity from the optical link budget at the in-plane neighbour distance
  ``2 r sin(π / n_per_plane)``; bandwidth to Earth from station contact time;
- life: design life, drag decay without propulsion (exponential atmosphere, an approximation),
  total dose (the engine); raise Δv from the vehicle's drop orbit with ``trajectory.hohmann``.

It also registers one catalogue entry, ``GuoXing-744TOPS``: the per-satellite computer of the
GuoXing / ADA Space "Three-Body" satellites as quoted (744 TOPS per satellite, chip unknown),
with estimated power, mass and cost.
"""

from __future__ import annotations

import dataclasses
import math
import warnings

import numpy as np

from sandbox import (
    ArchitectureSpec,
    Chip,
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
    counted_precision,
    derating_fields,
    envelope_params,
    from_sourced,
    hookimpl,
    keeping_params,
    models,
    radiator_params,
    radiator_system,
    servicing_fields,
    servicing_params,
    spacecraft_params,
)

from . import physics as phys

ORBITS = ("sso-dawn-dusk", "sso", "inclined", "low-inclination")
#: Highest inclination accepted as "low-inclination" (deg).
LOW_INCLINATION_MAX_DEG = 30.0

_SUNCATCHER = ("Google Research, 'Towards a future space-based, highly scalable AI infrastructure system design' "
               "(Project Suncatcher, Nov 2025): 81-satellite cluster in one 650 km dawn-dusk sun-synchronous plane")
_GUOXING = ("ADA Space / Zhejiang Lab 'Three-Body Computing Constellation': 12 satellites launched 14 May 2025 on a "
            "Long March 2D from Jiuquan; 744 TOPS per satellite, 100 Gbit/s laser ISLs (CASC announcement; SpaceNews, "
            "14 May 2025)")
_NASA_NEN = "NASA Near Space Network, KSAT and SSC ground-network pages (polar/high-latitude LEO support stations)"

DEFAULT_STATIONS = ["SvalSat", "TrollSat", "Fairbanks", "Wallops", "Hartebeesthoek", "Santiago", "Esrange"]

# Validity bounds (maximum=...) refuse typos and absurd scales with a clear error: 10^6 satellites
# is ~3x the largest constellation ever filed (337,323 satellites, Rwanda's "Cinnamon-937" ITU
# filing, 2021); 10^13 W is ~3x the world's average electricity generation (~3.4 TW in 2023, IEA
# Electricity 2024); 10^6 chips per unit is ~14,000 NVL72 racks.
PARAMS = (
    # ------------------------------------------------------------------ constellation
    Param("satellites", 0, "Number of satellites; 0 = as many as the scenario's workload needs (sized like the ground "
          "baseline from the delivered compute per satellite).", kind="integer",
          source="Sizing rule of this plugin; GuoXing's first batch is 12 satellites (" + _GUOXING + ")", maximum=1e6),
    Param("planes", 1, "Orbital planes; satellites are spread evenly over the planes and within each plane.",
          kind="integer", minimum=1, source=_SUNCATCHER + "; GuoXing's 12 satellites shared one launch (one plane)", maximum=1e4),
    Param("raan_span", "360 deg", "RAAN span over which the planes are spread evenly (Walker delta: 360°; a polar "
          "'star' pattern: 180°). In SSO families each plane's local time of the node follows from its RAAN offset.",
          unit="deg", maximum=360.0,
          source="Walker 1984, 'Satellite constellations', J. British Interplanetary Soc. 37:559-572 (delta patterns "
                 "over 360°, star patterns over 180°)"),
    Param("altitude", "650 km", "Circular orbit altitude above the equatorial radius.", unit="km", minimum=300.0,
          maximum=1400.0, low="500 km", high="1000 km",
          source=_SUNCATCHER + "; GuoXing plan: 500-1,000 km (ADA Space (GuoXing Aerospace) executive vice-president Wang Yabo, reported by China's State Council Information Office (2025))"),
    Param("orbit", "sso-dawn-dusk", "Orbit family: 'sso-dawn-dusk' (LTAN 18 h), 'sso' (LTAN from `ltan`), 'inclined' "
          "or 'low-inclination' (inclination from `inclination`, <= 30° for low-inclination).", choices=ORBITS),
    Param("ltan", "13.5 h", "Local time of the ascending node for orbit='sso' (at 1 January of the start year; "
          "fixed over the year because the node is sun-synchronous).", unit="h", maximum=24.0,
          source="NASA Aqua (A-Train): sun-synchronous, 13:30 ascending equator crossing (NASA Aqua mission page)"),
    Param("inclination", "53 deg", "Inclination for orbit='inclined' or 'low-inclination'.", unit="deg", maximum=180.0,
          source="Starlink first shell: 550 km, 53° (SpaceX FCC modification SAT-MOD-20200417-00037, 2021)"),
    Param("eclipse_samples", 73, "Days sampled over the year for the β angle and eclipses (every 5 days by default).",
          kind="integer", minimum=4, maximum=366,
          source="Sampling choice: β changes by < 5° in 5 days for these orbits (J2 drift ≤ ~5°/day for 53°, "
                 "sun-synchronous ~1°/day)"),
    # ------------------------------------------------------------------ compute
    Param("chip", "H100-SXM", "Accelerator on each satellite (catalogue chip); 'GuoXing-744TOPS' is GuoXing's whole "
          "per-satellite computer as quoted.", catalogue="chips", kind="string", precision="workload-or-bf16"),
    Param("chips_per_satellite", 8, "Chips on each satellite (ignored when peak_compute_target is set).",
          kind="integer", minimum=1, low=1, high=64,
          source="NVIDIA HGX H100 8-GPU baseboard (NVIDIA DGX/HGX H100 datasheet, 2023): one server board per satellite "
                 "(assumption); Starcloud-1 flies 1 H100", maximum=1e6),
    Param("peak_compute_target", "0 PFLOPS", "Constellation peak (nameplate) compute to meet at the workload "
          "precision; 0 = use chips_per_satellite. Chips per satellite = ceil(target / satellites / chip peak). For "
          "int8 chips the number counts OP/s.", unit="PFLOPS",
          source="Claims to test, e.g. GuoXing 2035: 100,000 PFLOPS inference, 1,000,000 PFLOPS training "
                 "(ADA Space (GuoXing Aerospace) executive vice-president Wang Yabo, reported by China's State Council Information Office (2025))", maximum=1e10),
    Param("power_cap", "0 W", "Power limit of each chip (0 = its catalogue TDP). Throughput is scaled by cap/TDP.",
          unit="W",
          source="nvidia-smi power limits (NVIDIA System Management Interface docs); proportional throughput is a lower "
                 "bound: GPUs lose less than proportionally when capped (Zhao et al. 2023, 'Sustainable supercomputing "
                 "for AI: GPU power capping at HPC scale', ACM SoCC)"),
    *compute_params(),
    # ------------------------------------------------------------------ power and thermal
    *spacecraft_params(),
    *envelope_params("mass-produced", "the architecture is a constellation built on a production line ('Starlink "
                     "enlarged for AI'); GuoXing plans 2,800 satellites"),
    *servicing_params(),
    *radiator_params(),
    Param("radiator_sides", 2, "Radiating faces per panel (2 = a free-standing fin, 1 = a body-mounted panel).",
          kind="integer", minimum=1, maximum=2,
          source="Gilmore (ed.), Spacecraft Thermal Control Handbook Vol. I, 2nd ed. (2002), ch. 6 'Radiators'"),
    from_sourced("earth_ir", models.thermal.DEFAULTS["earth_ir_w_m2"], "Earth's outgoing infrared at the top of the atmosphere."),
    from_sourced("earth_albedo", models.thermal.DEFAULTS["earth_albedo"], "Earth's albedo.", maximum=1.0),
    # ------------------------------------------------------------------ radiation and life
    Param("shielding", "2.7 g/cm2", "Aluminium-equivalent shield around the electronics (10 mm Al), as every space "
          "architecture's default.", unit="g/cm2", low="1.08 g/cm2", high="5 g/cm2", maximum=50.0,
          source="Google Research, 'Towards a future space-based, highly scalable AI infrastructure system design' "
                 "(Project Suncatcher, arXiv:2511.19468, 2025): 10 mm Al shielding for TPUs in a 650 km dawn-dusk SSO"),
    Param("design_life", "5 yr", "Design life of a satellite.", unit="yr", exclusive_minimum=True, maximum=30.0,
          low="3 yr", high="7 yr",
          source="Starlink: ~5-year satellite life (SpaceX FCC filings, e.g. SAT-MOD-20200417-00037 orbital debris "
                 "assessment)"),
    Param("station_keeping", True, "Satellites carry propulsion that cancels drag (else drag decay can end the life)."),
    *keeping_params(),
    # ------------------------------------------------------------------ launch
    Param("vehicle", "Starship", "Launch vehicle (catalogue): e.g. 'Transporter' (rideshare), 'Falcon9', 'Starship', "
          "'LM-2D'. Default: Starship, as for the Starship modules (one envelope).", catalogue="launch_vehicles",
          kind="string",
          source="SpaceX: Starlink V3 satellites are built for launch on Starship (SpaceX Starlink V3 announcement, 2025)"),
    Param("avionics_mass", "20 kg", "Per-satellite avionics not sized elsewhere: attitude control (wheels, star trackers, "
          "magnetorquers), on-board computer, TT&C radios, ISL terminal and thruster hardware.", unit="kg",
          low="5 kg", high="100 kg",
          source="Estimate: component masses in NASA Ames 'State-of-the-Art of Small Spacecraft Technology' (2023), "
                 "ch. 5 GNC, ch. 8 C&DH, ch. 9 Communications, ch. 4 Propulsion: ~10-40 kg for a 50-300 kg smallsat"),
    # ------------------------------------------------------------------ ground segment and links
    Param("ground_stations", DEFAULT_STATIONS, "Ground stations (catalogue names) the users' questions go through.",
          kind="list", catalogue="ground_stations"),
    Param("isl", True, "Laser inter-satellite links (in-plane ring neighbours)."),
    Param("isl_cross_plane", False, "Also link neighbouring planes (then any satellite can downlink the answer)."),
    from_sourced("isl_tx_power", models.links.DEFAULTS["optical_tx_power_w"], "ISL laser transmit power (> 0; "
                 "isl = false turns the links off).", exclusive_minimum=True),
    from_sourced("isl_aperture", models.links.DEFAULTS["optical_aperture_m"], "ISL telescope diameter (both ends).",
                 exclusive_minimum=True),
    from_sourced("isl_wavelength", models.links.DEFAULTS["wavelength_m"], "ISL laser wavelength.", exclusive_minimum=True),
    from_sourced("isl_photons_per_bit", models.links.DEFAULTS["photons_per_bit"], "Receiver sensitivity.",
                 exclusive_minimum=True),
    from_sourced("isl_efficiency", models.links.DEFAULTS["optical_link_efficiency"], "Product of optical losses.",
                 exclusive_minimum=True, maximum=1.0),
    from_sourced("isl_max_rate", models.links.DEFAULTS["isl_laser_rate_bps"], "ISL terminal (modem) rate cap (> 0).",
                 exclusive_minimum=True),
    Param("isl_switching_delay", "1 ms", "Switching/processing delay per ISL hop.", unit="ms", low="0.01 ms",
          high="10 ms",
          source="Estimate: Handley 2018, 'Delay is not an option: low latency routing in space', ACM HotNets (per-hop "
                 "processing small against light time); packet switches add µs to ~1 ms"),
    Param("relay", "none", "'geo': questions and answers go through GEO data-relay satellites, assumed always in view "
          "(TDRSS/Tianlian class); 'none': ground stations only.", choices=("none", "geo")),
    Param("downlink", "ka-band", "Satellite-to-ground link for bulk data: 'ka-band' (RF) or 'optical'.",
          choices=("ka-band", "optical")),
    from_sourced("ka_band_rate", models.links.DEFAULTS["ka_band_downlink_rate_bps"], "Ka-band downlink rate per contact."),
    Param("optical_downlink_rate", "100 Gbit/s", "Optical downlink rate per contact (clear sky).", unit="Gbit/s",
          low="10 Gbit/s", high="200 Gbit/s",
          source="NASA/MIT Lincoln Laboratory TBIRD (2023): 200 Gbit/s space-to-ground from a 6U CubeSat in LEO"),
    Param("optical_availability", 0.5, "Fraction of contacts with a cloud-free line of sight (optical downlink only).",
          maximum=1.0, low=0.3, high=0.8,
          source="Estimate: single-site cloud-free probability ~30-80 % at good optical sites (ESA Optical Ground "
                 "Station, Tenerife, site statistics); site diversity raises it"),
    Param("uplink_rate", "1 Mbit/s", "Uplink (telecommand-class S-band) rate for questions.", unit="Mbit/s",
          exclusive_minimum=True, low="0.1 Mbit/s", high="10 Mbit/s",
          source="NASA Ames 'State-of-the-Art of Small Spacecraft Technology' (2023), ch. 9 Communications: S-band "
                 "uplinks ~0.1-2 Mbit/s"),
    Param("query_size", "4 kB", "Size of a question (prompt text).", unit="kB", low="0.5 kB", high="100 kB",
          source="Estimate: ~1,000 tokens of prompt at ~4 bytes per token (OpenAI tokenizer rule of thumb)"),
    Param("answer_size", "4 kB", "Size of an answer (text).", unit="kB", low="0.5 kB", high="100 kB",
          source="Estimate: ~1,000 tokens of answer at ~4 bytes per token"),
    Param("contact_setup_time", "10 s", "Acquisition and lock at the start of a new contact.", unit="s",
          low="2 s", high="60 s",
          source="Estimate: antenna pointing, carrier acquisition and link-layer handshake at acquisition of signal "
                 "(CCSDS 401.0-B RF and modulation systems describe acquisition sequences of seconds to tens of s)"),
    Param("years_to_service", "2 yr", "Years from the decision to the first useful compute in orbit (build, test, "
          "launch booking).", unit="yr", low="1 yr", high="4 yr", maximum=30.0,
          source="Estimate: small-satellite development to launch 1-3 yr (NASA Ames 'State-of-the-Art of Small Spacecraft "
                 "Technology' 2023, ch. 1); rideshare slots are booked ~12 months ahead (SpaceX rideshare page)"),
    Param("model_latency", True, "Simulate query latency (visibility over two days); false = round-trip light time only."),
    Param("latency_samples", 2000, "Questions simulated (uniform random arrival times over a day).", kind="integer",
          minimum=10, maximum=100_000, source="Sampling choice: 2,000 samples give the p95 to ~±1 %"),
    Param("visibility_step", "30 s", "Time step of the visibility simulation.", unit="s", minimum=1.0, maximum=600.0,
          source="Sampling choice: a LEO pass lasts ~5-10 min, so 30 s resolves pass edges to ~10 %"),
)


# ----------------------------------------------------------------------------- catalogue entry
GUOXING_CHIP = Chip(
    name="GuoXing-744TOPS",
    peak_ops_per_s={"int8": 744e12},
    power_w=300.0,
    mass_kg=5.0,
    cost_usd=500e3,
    year=2025,
    sources={
        "peak_ops_per_s": "As quoted: 744 TOPS per satellite (" + _GUOXING + "); the chip, precision and sparsity are not "
                          "published: int8 assumed, as TOPS figures conventionally are. Reports also give ~5 POPS for the "
                          "12 satellites, which does not match 12 × 744 TOPS = 8.928 POPS",
        "power_w": "Estimate: not published. 744 TOPS at the 2.3-4.6 TOPS/W of NVIDIA Jetson AGX Orin (137.5 dense / "
                   "275 sparse INT8 TOPS at 60 W) is 160-325 W; nominal 300 W; high 750 W at 1 TOPS/W",
        "mass_kg": "Estimate: not published. Computer with 3-6 Orin-class modules (0.25 kg each), carrier boards, "
                   "storage and an enclosure, 2-15 kg",
        "cost_usd": "Estimate: not published. ~US$10k of COTS modules (5.4 × US$1,599 Jetson AGX Orin) plus "
                    "qualification, boards and integration, US$0.1-2 M",
        "year": "Launched 14 May 2025 (" + _GUOXING + ")",
    },
    ranges={"power_w": (160.0, 750.0), "mass_kg": (2.0, 15.0), "cost_usd": (100e3, 2e6)},
)


# ----------------------------------------------------------------------------- design
def _years(p: Params, name: str) -> float:
    return p.si(name) / phys.SECONDS_PER_YEAR


def _orbit(p: Params, ctx: Context) -> tuple[float, float | None, str]:
    """(inclination deg, LTAN h or None, description) of the orbit family."""
    import astropy.units as u

    from sandbox import trajectory

    alt = p.si("altitude")
    if p.orbit in ("sso", "sso-dawn-dusk"):
        inc = float(trajectory.sun_synchronous_inclination(alt * u.m).to_value(u.deg))
        ltan = 18.0 if p.orbit == "sso-dawn-dusk" else float(p.ltan.to_value(u.h))
        return inc, ltan, f"sun-synchronous, i = {inc:.2f}° (J2), LTAN {ltan:g} h"
    inc = float(p.inclination.to_value(u.deg))
    return inc, None, f"circular, i = {inc:g}°"


def check(p: Params) -> list[tuple[str, str]]:
    """Rules between parameters (checked when a scenario is validated, and by the design)."""
    import astropy.units as u

    found = []
    inc = float(p.inclination.to_value(u.deg))
    if p.orbit == "low-inclination" and inc > LOW_INCLINATION_MAX_DEG:
        found.append(("inclination", f"orbit 'low-inclination' needs inclination <= {LOW_INCLINATION_MAX_DEG:g} deg, "
                                     f"got {inc:g} deg; set `inclination` (e.g. \"15 deg\") or use orbit = 'inclined'"))
    if p.si("peak_compute_target") > 0 and int(p.satellites) <= 0:
        found.append(("peak_compute_target", "needs `satellites` (the count the target is spread over)"))
    names = list(p.ground_stations)
    if not names:
        found.append(("ground_stations", "give at least one catalogue ground station"))
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:  # a repeated name adds no station: most likely a typo for another one
        found.append(("ground_stations", f"lists {', '.join(map(repr, twice))} more than once; name each station once"))
    return found


def _stations(p: Params, ctx: Context) -> list:
    names = list(p.ground_stations)
    known = ctx.catalogues.ground_stations
    missing = [n for n in names if n not in known]
    if missing:
        raise ValueError(f"ground_stations: unknown {missing}; known: {', '.join(sorted(known))}")
    return [known[n] for n in names]


def design(p: Params, ctx: Context) -> Design:
    import astropy.units as u

    from sandbox import trajectory

    for key, problem in check(p):  # (a study may reach values the scenario's validation never saw)
        raise ValueError(f"{key}: {problem}")
    m = ctx.models
    metrics: list[Metric] = []
    notes: list[str] = []
    chip = ctx.catalogues.chips[p.chip]
    precision, note = counted_precision(chip, ctx.workload.precision)  # the rule validation applies to `chip`
    notes += [note] if note else []
    ops_unit = "POP/s" if precision.startswith("int") else "PFLOP/s"
    chip_peak = chip.ops(precision)
    mu, radius = phys.earth_constants()
    alt = p.si("altitude")
    year = int(ctx.assumptions.start_year)

    # ---------------------------------------------------------------- orbit and eclipses
    inc_deg, ltan, orbit_text = _orbit(p, ctx)
    planes = int(p.planes)
    span = float(p.raan_span.to_value(u.rad))
    metrics.append(Metric("orbit.inclination", inc_deg, "deg", inputs=["altitude", "orbit", "inclination"],
                          source="trajectory.sun_synchronous_inclination (J2) for SSO families"))
    metrics.append(Metric("orbit.period", float(trajectory.orbital_period(alt * u.m).to_value(u.min)), "min",
                          inputs=["altitude"], source="trajectory.orbital_period"))

    # ---------------------------------------------------------------- compute per satellite
    cap_w = p.si("power_cap")
    perf = 1.0
    if cap_w > 0:
        if cap_w >= chip.power_w:
            notes.append(f"power_cap {cap_w:g} W >= {chip.name} TDP {chip.power_w:g} W: no effect")
            cap_w = 0.0
        else:
            perf = cap_w / chip.power_w
            notes.append(f"Approximation: {chip.name} capped at {cap_w:g} W of {chip.power_w:g} W TDP; throughput scaled "
                         f"by {perf:.3f} (proportional, a lower bound: capped GPUs lose less than proportionally)")
    target = p.si("peak_compute_target")
    n_sat = int(p.satellites)
    utilisation = p.utilisation * perf
    if target > 0:
        implied = target / n_sat
        chips = float(math.ceil(implied / (chip_peak * perf) - 1e-9))
        metrics.append(Metric("sat.implied_peak_compute", implied * 1e-15, ops_unit,
                              inputs=["peak_compute_target", "satellites"],
                              source="peak_compute_target / satellites"))
        notes.append(f"peak_compute_target {target * 1e-15:,.0f} P over {n_sat:,} satellites implies "
                     f"{implied * 1e-15:,.2f} P per satellite = {chips:,.0f} × {chip.name} ({precision})")
    else:
        chips = float(p.chips_per_satellite)
    metrics.append(Metric("sat.chips", chips, "", inputs=["chips_per_satellite", "peak_compute_target", "chip"]))
    metrics.append(Metric("sat.peak_compute", chips * chip_peak * perf * 1e-15, ops_unit,
                          inputs=["chip", "chips_per_satellite", "power_cap", f"workload.precision={precision}"],
                          source=f"catalogue {chip.name}: {chip.sources.get('peak_ops_per_s', '')[:120]}"))

    # ---------------------------------------------------------------- life: drag, dose (sizing only; the engine evaluates)
    bc = p.si("ballistic_coefficient")
    drag_life = phys.drag_decay_life_years(alt, bc, p.density_scale, mu, radius)
    metrics.append(Metric("life.drag_decay", drag_life, "yr", inputs=["altitude", "ballistic_coefficient", "density_scale"],
                          source=phys.ATMOSPHERE_SOURCE + "; da/dt = -rho sqrt(mu a)/B integrated to 200 km",
                          approximation=True))
    design_life = _years(p, "design_life")
    life = design_life if p.station_keeping else min(design_life, drag_life)
    if not p.station_keeping and drag_life < design_life:
        notes.append(f"Approximation: without propulsion, drag decay ends the life after {drag_life:.1f} yr "
                     f"(exponential atmosphere, B = {bc:g} kg/m², density × {p.density_scale:g})")
    shield_g_cm2 = float(p.shielding.to_value(u.g / u.cm**2))

    # ---------------------------------------------------------------- the satellite (its count sized by the engine)
    sat = Element(
        name="compute satellite",
        count=max(n_sat, 1),
        chip=chip.name,
        chips_per_unit=chips,
        precision=precision,
        utilisation=utilisation,
        **derating_fields(p),
        **servicing_fields(p, max(n_sat, 1)),
        shielding_g_cm2=shield_g_cm2,
        lifetime_years=life,
        structure_fraction=p.structure_fraction,
        production=p.production,
        host_fraction=p.host_fraction,
        avionics_mass_kg=p.si("avionics_mass"),
        site=Site(f"LEO {alt / 1e3:.0f} km", kind="orbit", radiation_environment="leo", altitude_m=alt,
                  inclination_deg=inc_deg),
        power=PowerSystem(source=p.solar_array, storage=p.storage, bus_power_fraction=p.bus_power_fraction),
        thermal=radiator_system(p, sides=int(p.radiator_sides)),
    )
    if cap_w > 0:
        sat.chip_power_w = cap_w  # the engine sizes power and heat at the capped draw
    per_sat = ctx.delivered_ops(dataclasses.replace(sat, count=1))
    if n_sat <= 0:
        n_sat = ctx.units_for_workload(sat)
        notes.append(f"sized to the workload by the engine: {ctx.workload.sustained_flops * 1e-15:g} P / "
                     f"{per_sat * 1e-15:.4g} P delivered per satellite = {n_sat} satellites")
    sat.count = n_sat
    if p.model_latency and p.relay != "geo":
        need = phys.visibility_mask_bytes(n_sat, phys.LATENCY_HORIZON_S, p.si("visibility_step"), len(p.ground_stations))
        if need > phys.MAX_VISIBILITY_MASK_BYTES:
            raise ValueError(f"{n_sat:,} satellites: the latency simulation would need {need / 1e9:,.1f} GB for its "
                             f"visibility mask (satellites × 2 days / visibility_step × ground stations; at most "
                             f"{phys.MAX_VISIBILITY_MASK_BYTES / 1e9:g} GB); set model_latency = false, or a larger "
                             "visibility_step")
    sat.servicing = servicing_fields(p, n_sat)["servicing"]  # a visit covers every satellite: its cost follows the count
    planes = max(1, min(planes, n_sat))
    metrics.append(Metric("sat.delivered_compute", per_sat * 1e-15, ops_unit,
                          inputs=["the engine's compute chain (context.delivered_ops): chip, chips, utilisation, "
                                  "power_cap, redundancy, checkpoint_overhead, scrub_overhead, failure_rate, dose-limited life"]))

    # RAANs: SSO planes from their LTAN (RAAN = α_mean_sun + 15°/h (LTAN - 12 h)); others from 0 at the epoch
    epoch_iso = f"{year}-01-01T00:00:00"
    offsets = [span * k / planes for k in range(planes)]
    if ltan is not None:
        with warnings.catch_warnings():  # future years: ERFA's "dubious year" (leap seconds not yet known)
            warnings.filterwarnings("ignore", message=".*dubious year.*")
            gmst0 = float(trajectory.gmst(epoch_iso).to_value(u.rad))
        raan0 = gmst0 + math.pi + math.radians(15.0 * (ltan - 12.0))
        ecl = phys.constellation_eclipse(alt, inc_deg, [ltan + math.degrees(o) / 15.0 for o in offsets], None, year,
                                         int(p.eclipse_samples))
    else:
        raan0 = 0.0
        ecl = phys.constellation_eclipse(alt, inc_deg, None, [math.degrees(o) for o in offsets], year,
                                         int(p.eclipse_samples))
    const = phys.build_constellation(n_sat, planes, alt, math.radians(inc_deg), raan0, span)
    if ltan is not None and planes > 1 and span > 0:
        notes.append(f"SSO planes spread over {math.degrees(span):g}° of RAAN have LTANs from {ltan:g} h to "
                     f"{(ltan + math.degrees(offsets[-1]) / 15.0) % 24:g} h; eclipses averaged over {ecl.planes_sampled} planes")
    eclipse_inputs = ["altitude", "orbit", "ltan", "inclination", "planes", "raan_span", "eclipse_samples",
                      "assumptions.start_year"]
    metrics += [
        Metric("orbit.eclipse_fraction", ecl.mean_fraction, "", inputs=eclipse_inputs,
               source="trajectory.eclipse_over_year (β angle from the Sun's ephemeris, cylindrical shadow)"),
        Metric("orbit.longest_eclipse", ecl.longest_dark_s / 60.0, "min", inputs=eclipse_inputs,
               source="trajectory.eclipse_over_year max_duration"),
        Metric("orbit.worst_eclipse_fraction", ecl.worst_fraction, "", inputs=eclipse_inputs,
               source="dark share of the darkest orbit of the year, any sampled plane (the array is sized for it)"),
        Metric("orbit.beta_min", ecl.beta_min_abs_deg, "deg", inputs=eclipse_inputs),
        Metric("orbit.beta_max", ecl.beta_max_abs_deg, "deg", inputs=eclipse_inputs),
    ]

    # ---------------------------------------------------------------- thermal environment of an edge-on radiator
    faces = int(p.radiator_sides)
    f_earth = faces * float(m.thermal.earth_view_factor(alt, m.value("thermal.earth_radius_m"), facing="edge"))
    albedo_factor = float(m.thermal.orbit_albedo_factor(ecl.beta_min_abs_deg))
    solar = float(m.power.solar_flux_w_m2(1.0, m.value("power.solar_constant_w_m2")))
    absorbed = float(m.thermal.absorbed_flux_w_m2(p.radiator_absorptivity, p.radiator_emissivity, solar, 0.0,
                                                  p.si("earth_ir"), f_earth, p.earth_albedo, albedo_factor))
    metrics += [
        Metric("thermal.earth_view_factor", f_earth, "", inputs=["altitude", "radiator_sides"],
               source="thermal.earth_view_factor(facing='edge') summed over the radiating faces"),
        Metric("thermal.albedo_factor", albedo_factor, "", inputs=["orbit.beta_min"], approximation=True,
               source="thermal.orbit_albedo_factor(smallest |β| of the year)"),
        Metric("thermal.absorbed_flux", absorbed, "W/m2",
               inputs=["radiator_absorptivity", "radiator_emissivity", "earth_ir", "earth_albedo",
                       "thermal.earth_view_factor", "thermal.albedo_factor"],
               source="thermal.absorbed_flux_w_m2 with F_sun = 0 (panel edge-on to the Sun)"),
    ]
    notes.append("radiator: panels kept edge-on to the Sun (no direct sunlight) and edge-on to the Earth; they absorb "
                 f"Earth IR and albedo ({absorbed:.0f} W/m² of panel) at the hot-case albedo factor cos(β_min) = "
                 f"{albedo_factor:.2f}")

    # ---------------------------------------------------------------- transport and Δv
    vehicle = ctx.catalogues.launch_vehicles[p.vehicle]
    sso = ltan is not None
    if sso and "SSO" in vehicle.payload_kg:
        destination = "SSO"
    elif "LEO" in vehicle.payload_kg:
        destination = "LEO"
    elif "SSO" in vehicle.payload_kg:
        destination = "SSO"
        notes.append(f"{vehicle.name} only has an SSO figure; used for a {inc_deg:g}° orbit")
    else:
        raise ValueError(f"launch vehicle {vehicle.name!r} has no LEO or SSO payload figure")
    rideshare = "LEO" not in vehicle.payload_kg
    if destination == "SSO" and not rideshare:
        drop = alt  # a dedicated launch to SSO inserts directly into the target orbit
        notes.append(f"{vehicle.name} inserts directly into the target SSO (its SSO figure is for a ~500-700 km SSO)")
    else:
        drop = vehicle.leo_altitude_m
    dv_raise = 0.0
    if abs(drop - alt) > 1.0:
        dv_raise = float(trajectory.hohmann((radius + drop) * u.m, (radius + alt) * u.m).dv_total.to_value(u.m / u.s))
    if sso and destination == "LEO":
        v = float(trajectory.circular_velocity(drop * u.m).to_value(u.m / u.s))
        dv_plane = 2.0 * v * math.sin(math.radians(abs(inc_deg - 53.0)) / 2.0)
        notes.append(f"{vehicle.name}'s payload figure is for LEO (~{drop / 1e3:.0f} km, not SSO): a plane change from a "
                     f"~53° drop to {inc_deg:.1f}° would need {dv_plane / 1e3:.1f} km/s (2 v sin(Δi/2)), so an SSO mission "
                     "launches directly into a polar orbit with a smaller payload than this LEO figure (not modelled)")
    dv_drag = 0.0
    if p.station_keeping:
        dv_drag = trajectory.drag_makeup_dv_m_s_per_year(alt, bc, p.density_scale) * life
    dv_total = dv_raise + dv_drag
    metrics += [
        Metric("launch.drop_altitude", drop / 1e3, "km", inputs=["vehicle"], source=vehicle.sources.get("leo_altitude_m", "")),
        Metric("launch.dv_raise", dv_raise, "m/s", inputs=["vehicle", "altitude"], source="trajectory.hohmann"),
        Metric("launch.dv_drag_makeup", dv_drag, "m/s", inputs=["altitude", "ballistic_coefficient", "density_scale",
                                                                 "design_life", "station_keeping"],
               source=phys.ATMOSPHERE_SOURCE + "; a_D = rho v^2 / (2 B)", approximation=True),
    ]
    transport = Transport(vehicle=vehicle.name, destination=destination, dv_after_drop_m_s=dv_total,
                          isp_s=p.si("isp"), packing_density_kg_m3=p.si("packing_density"))

    # ---------------------------------------------------------------- links
    stations = _stations(p, ctx)
    min_el = min(st.min_elevation_deg for st in stations)
    slant = phys.slant_range_m(alt, min_el, radius)
    per_plane_min = min(const.per_plane)
    isl_d = phys.in_plane_neighbour_distance_m(alt, per_plane_min, radius)
    isl_rate = float(m.links.optical_link_rate_bps(isl_d, p.si("isl_tx_power"), p.si("isl_aperture"), p.si("isl_aperture"),
                                                   p.si("isl_wavelength"), p.isl_photons_per_bit, p.isl_efficiency,
                                                   p.si("isl_max_rate")))
    if p.downlink == "optical":
        down_rate = p.si("optical_downlink_rate") * p.optical_availability
    else:
        down_rate = p.si("ka_band_rate")
    isl_inputs = ["altitude", "satellites", "planes", "isl_tx_power", "isl_aperture", "isl_wavelength",
                  "isl_photons_per_bit", "isl_efficiency", "isl_max_rate"]
    if p.isl and per_plane_min >= 2:
        metrics += [
            Metric("link.isl_distance", isl_d / 1e3, "km", inputs=["altitude", "satellites", "planes"],
                   source="in-plane neighbour chord 2 r sin(π / n_per_plane)"),
            Metric("link.isl_rate", isl_rate * 1e-9, "Gbit/s", inputs=isl_inputs,
                   source="links.optical_link_rate_bps (photon budget, capped by the terminal rate)"),
        ]

    latency = None
    link_to_earth = math.inf
    processing_s = m.value("links.query_processing_time_s")  # the engine's common values, so waits line up
    user_rtt_s = m.value("links.user_network_rtt_s")
    if p.model_latency:
        geo_leg = phys.geo_relay_leg_s(alt, radius, mu, m) if p.relay == "geo" else 0.0
        li = phys.LatencyInputs(
            stations=stations, epoch_iso=epoch_iso, step_s=p.si("visibility_step"), n_samples=int(p.latency_samples),
            processing_s=processing_s, setup_s=p.si("contact_setup_time"),
            query_bits=float(p.query_size.to_value(u.bit)), answer_bits=float(p.answer_size.to_value(u.bit)), uplink_bps=p.si("uplink_rate"), downlink_bps=down_rate,
            ground_rtt_s=user_rtt_s, isl=bool(p.isl) and n_sat > 1,
            isl_cross_plane=bool(p.isl_cross_plane), isl_hop_s=float(m.links.light_time_s(isl_d)),
            isl_switch_s=p.si("isl_switching_delay"), isl_rate_bps=isl_rate, relay=p.relay, geo_leg_s=geo_leg)
        res = phys.simulate_latency_memo(const, li, m, ctx.rng, slant)
        # the path part: the engine adds the same user network and processing time to every architecture
        latency = np.maximum(res.samples_s - processing_s - user_rtt_s, 0.0)
        target_s = ctx.workload.latency_target_s
        within = float(np.mean(res.samples_s <= target_s))  # end to end, as the target is stated
        lat_inputs = ["ground_stations", "satellites", "planes", "altitude", "orbit", "isl", "isl_cross_plane", "relay",
                      "links.query_processing_time_s", "contact_setup_time", "uplink_rate", "query_size", "answer_size",
                      "visibility_step", "latency_samples", "study.seed"]
        metrics += [
            Metric("latency.coverage", res.coverage_fraction, "", inputs=lat_inputs,
                   source="trajectory.visibility_mask: fraction of the day a satellite is above some station's mask"),
            Metric("latency.in_contact", res.in_contact_fraction, "", inputs=lat_inputs,
                   source="fraction of questions arriving while a satellite is in view"),
            Metric("latency.best", res.best_s, "s", inputs=lat_inputs,
                   source="question and answer in one contact: user network + light time + serialisation + processing"),
            Metric("latency.within_target", within, "", inputs=lat_inputs + ["workload.latency_target"],
                   source="share of questions answered end to end (user network, path and processing, as "
                          "latency.p50) within workload.latency_target"),
            Metric("latency.mean_isl_hops", res.mean_hops, "", inputs=lat_inputs),
        ]
        if p.relay == "geo":
            notes.append("relay='geo': assumes continuous GEO data-relay coverage and capacity (TDRSS/Tianlian class); "
                         "relay scheduling delays are not modelled")
        else:
            contacts = float(np.sum(res.station_contact_fraction))
            link_to_earth = down_rate * contacts
            metrics.append(Metric("link.station_contacts", contacts, "", inputs=lat_inputs,
                                  source="sum over stations of the fraction of the day each sees a satellite "
                                         "(one antenna per station)"))
        notes.append("latency: questions arrive at uniform random times of a day; each waits for a satellite in view of "
                     "a station (pass waits over two simulated days, spherical Earth, two-body orbits); see "
                     "latency.coverage and latency.within_target")

    # ---------------------------------------------------------------- the satellite, with what the orbit gives it
    sat.site = Site(f"LEO {alt / 1e3:.0f} km, {orbit_text}", kind="orbit", sun_distance_au=1.0,
                    eclipse_fraction=ecl.mean_fraction, longest_dark_s=ecl.longest_dark_s,
                    worst_eclipse_fraction=ecl.worst_fraction,
                    radiator_sink_k=m.value("thermal.deep_space_temperature_k"), absorbed_w_m2=absorbed,
                    distance_to_earth_m=slant, radiation_environment="leo", altitude_m=alt, inclination_deg=inc_deg)
    sat.transport = transport
    element = sat
    metrics.append(Metric("sat.compute_power", chips * (cap_w if cap_w > 0 else chip.power_w) / 1e3, "kW",
                          inputs=["chip", "chips", "power_cap"]))
    return Design(
        elements=[element],
        latency_samples_s=latency,
        link_to_earth_bps=link_to_earth,
        years_to_service=_years(p, "years_to_service"),
        metrics=metrics,
        notes=notes,
    )


SPEC = ArchitectureSpec(
    name="leo",
    title="LEO compute cluster",
    description="A constellation of compute satellites in low Earth orbit: eclipses, radiator environment, ground "
                "visibility and query latency computed from the orbit; ISLs, drag and dose.",
    params=PARAMS,
    design=design,
    check=check,
)


@hookimpl
def sandbox_register_catalogues(register):
    register(GUOXING_CHIP)


@hookimpl
def sandbox_register_architectures(register):
    register(SPEC)


@hookimpl
def sandbox_extra_metrics(architecture, design, ledger, context):
    """Per-satellite figures from the evaluated ledger (mass, power, areas per satellite)."""
    if ledger.architecture != "leo" or not ledger.has("compute.units"):
        return None
    n = ledger.get("compute.units")  # a float in a run, an array of one value per point in a study
    if np.any(np.asarray(n) <= 0):
        return None
    per = []
    for name, out, unit, factor in (
        ("mass.total", "sat.mass", "kg", 1e3),
        ("power.load", "sat.power_load", "kW", 1e3),
        ("power.array_area", "sat.array_area", "m2", 1.0),
        ("thermal.radiator_area", "sat.radiator_area", "m2", 1.0),
        ("power.storage_energy", "sat.battery_energy", "kWh", 1e3),
        ("mass.propellant", "sat.propellant", "kg", 1e3),
    ):
        if ledger.has(name):
            per.append(Metric(out, ledger.get(name) * factor / n, unit, inputs=[name, "compute.units"]))
    return per
