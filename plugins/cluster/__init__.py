"""Built-in plugin: Suncatcher-class formation clusters of TPU satellites (``cluster``).

Google's Project Suncatcher (Agüera y Arcas et al., arXiv:2511.19468, §2) flies TPU satellites in
tight formations so that commercial DWDM optics can link neighbours at ~10 Tbps: N satellites on
drift-free relative ellipses within radius R of a reference orbit (650 km dawn–dusk SSO), a
square lattice of step s whose neighbour links stretch from s to 2s and back twice per orbit.

Everything orbital comes from the trajectory adapter: the cluster's geometry, separations,
envelope, bisection and formation-keeping Δv (``trajectory.cluster_geometry``, Hill /
Schweighart–Sedwick relative motion), the reference orbit's eclipses over a year
(``trajectory.eclipse_over_year``), the raise from the vehicle's drop orbit (``trajectory.hohmann``).
The links come from the shared optical model (``links.terminal_link``: near and far field, DWDM
channels, spatial multiplexing) at the *longest* neighbour distance over the orbit.

**Unit of sizing.** The engine sizes one kind of element, the compute satellite; its ``count`` is
``clusters × N`` (whole clusters): the engine's sizer says how many satellites the workload needs
(``context.units_for_workload``), and the plugin rounds up to whole clusters. A satellite, not a
cluster, is the unit so that launches pack satellites into flights as they would be (a cluster of
81 is not one payload), and every per-satellite figure stays a per-unit figure of the ledger.

**Formation keeping.** Every satellite is built alike and carries the propellant of the
outermost one: Δv = raise + life × (largest per-satellite keeping Δv per year, J2 at the paper's
< 3 m/s/yr per km bound plus differential drag, + the reference orbit's own drag make-up), through
the element's transport Δv and the rocket equation.

**Single events.** The engine prices them (``Element.chips_per_job``): by default a training step spans the
whole cluster's chips, so an event on any of them stops it (``chips_per_job`` = one satellite's chips models elastic
data parallel instead); inference jobs keep the engine's default.

**Training bandwidth.** For a ``training`` workload each cluster is one data-parallel group: every
step's gradients (parameters × bytes per gradient) are all-reduced over the ring of its N
satellites, which moves ``2(N−1)/N`` of them out of every satellite and across the cluster's
bisection in each direction. A step computes ``6 × parameters × tokens`` FLOPs (Kaplan et al. 2020)
at the cluster's delivered rate; the all-reduce can hide behind the backward pass
(``allreduce_overlap`` of the step) and the rest of it waits. The step then takes
``t_compute + max(0, t_allreduce − overlap × t_compute)`` and the engine's derating carries the
ratio as ``Element.throughput_factor`` (shown with its reason in ``--explain``). Clusters are taken
to train independently (traffic between clusters is not modelled).

**Latency.** No ground-station passes are simulated: questions and answers go through a GEO data
relay (``Site.link_path = "geo-relay"``), as the Starship modules below GEO; the engine adds the
same user network and processing time as for every architecture. Suncatcher's pilot uses radio to
the ground (§1.2); the relay path is this plugin's documented choice.
"""

from __future__ import annotations

import functools
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
    counted_precision,
    derating_fields,
    envelope_params,
    from_sourced,
    hookimpl,
    keeping_params,
    lead_time_param,
    models,
    radiator_params,
    radiator_system,
    spacecraft_params,
    trajectory,
)

NAME = "cluster"
SECONDS_PER_YEAR = 365.25 * 86400.0

_SUNCATCHER = ("Agüera y Arcas et al. (Google), 'Towards a future space-based, highly scalable AI infrastructure "
               "system design' (Project Suncatcher), arXiv:2511.19468 (2025)")
_KAPLAN = ("Kaplan et al. 2020, 'Scaling laws for neural language models', arXiv:2001.08361, §2.1: training "
           "compute C ≈ 6 N D FLOPs (forward 2 N per token, backward 4 N)")
_VALLADO_ATM = trajectory.ATMOSPHERE_SOURCE

_REL = trajectory.relative.DEFAULTS

#: Largest cluster evaluated: the formation geometry's nearest-neighbour search costs N² per time step (600 satellites
#: take ~4 s); the paper's cluster has 81, R = 2.5 km at 100 m holds 489.
MAX_SATELLITES_PER_CLUSTER = 600

PARAMS = (
    # ------------------------------------------------------------------ orbit and formation
    Param("altitude", "650 km", "Altitude of the cluster's reference orbit (a dawn-dusk sun-synchronous orbit).", unit="km",
          source=_SUNCATCHER + " §1.2, §2.2: mean cluster altitude 650 km, dawn-dusk SSO", low="550 km", high="800 km",
          minimum=500.0, maximum=1000.0),
    Param("ltan", "18 h", "Local time of the ascending node (18 h or 6 h = dawn-dusk).", unit="h", maximum=24.0,
          source=_SUNCATCHER + " §1.2: dawn-dusk sun-synchronous LEO for near-continuous power"),
    Param("cluster_radius", "1 km", "Along-track radius R of each cluster (the radial extent is R/2).", unit="km",
          source=_SUNCATCHER + " §2.2: cluster radius R = 1 km", low="0.5 km", high="4 km", exclusive_minimum=True,
          maximum=100.0),
    Param("spacing", "100 m", "Lattice step: the shortest neighbour distance (links stretch to twice it each orbit).",
          unit="m", source=_SUNCATCHER + " §2.2 and Fig. 3: neighbour distance oscillating between ~100 and 200 m",
          low="50 m", high="300 m", exclusive_minimum=True, maximum=100_000.0),
    Param("j2_aware", True, "Place the satellites on Schweighart-Sedwick (J2) drift-free ellipses (else Clohessy-Wiltshire).",
          source="Schweighart & Sedwick, J. Guid. Control Dyn. 25(6):1073 (2002)"),
    from_sourced("j2_keeping", _REL["j2_keeping_dv_m_s_per_year_per_km"],
                 "Formation-keeping Δv against J2 per km of a satellite's largest distance from the reference orbit."),
    from_sourced("delta_ballistic", _REL["delta_ballistic_coefficient_m2_kg"],
                 "Spread of C_D A/m between cluster members (differential drag)."),
    *keeping_params(),
    Param("clusters", 0, "Number of clusters; 0 = as many whole clusters as the workload needs (the engine's sizing).",
          kind="integer", maximum=1e5, source="Sizing rule of this plugin (0 = derived from the workload)"),
    # ------------------------------------------------------------------ compute
    Param("chip", "TPU-v6e", "Accelerator on each satellite (catalogue chip).", catalogue="chips", kind="string",
          precision="workload-or-bf16",
          source=_SUNCATCHER + " §1.2, §2.3: Google TPUs (Trillium, v6e, radiation-tested)"),
    Param("chips_per_satellite", 32, "Accelerators on each satellite.", kind="integer", minimum=1,
          low=8, high=128, maximum=1e5,
          source="Assumption: a Starlink V2-mini-class satellite (~28 kW of array power, " + _SUNCATCHER + " §4.4 "
                 "Table 1) carrying 32 TPU v6e with their host share (~22 kW) plus housekeeping and links; the paper "
                 "leaves the TPUs per satellite open (§1.2)"),
    *compute_params(),
    # ------------------------------------------------------------------ links
    Param("isl_terminal", "suncatcher", "Inter-satellite optical terminal: 'suncatcher' (10 cm, 5 W, 24 x 400G DWDM, up to "
          "4 x 4 spatial beams) or 'starlink' (one 100 Gbps wavelength), from the shared link model.",
          choices=models.links.TERMINAL_KINDS,
          source="sandbox.models.links.optical_terminal, its optics from the link model's defaults (a scenario's "
                 "[models] overrides apply): 'suncatcher' arXiv:2511.19468 §4.2, 'starlink' Brashears, SPIE "
                 "Photonics West 2024"),
    Param("isl_provisioned_rate", "9.6 Tbit/s", "Rate the transceivers lit on each link carry (whole DWDM channels); the "
          "link carries the smaller of this and the terminal's capacity at the longest neighbour distance. 0 = the "
          "whole capacity.", unit="Tbit/s", low="4.8 Tbit/s", high="38.4 Tbit/s", maximum=1e4,
          source=_SUNCATCHER + " §2.1 ('required aggregate bandwidth per link, on the order of 10 Tbps') and §4.2 "
                 "(24 x 400G = 9.6 Tbps per aperture)"),
    Param("transceiver_power", "20 W", "Electrical power of one coherent DWDM transceiver (one channel, both directions).",
          unit="W", low="15 W", high="25 W", exclusive_minimum=True,
          source="OIF 400ZR implementation agreement (OIF-400ZR-01.0, 2020): 15 W module target; shipping 400G coherent "
                 "QSFP-DD ZR/ZR+ modules draw ~19-22.5 W (vendor datasheets: typical 21 W, max 22.5 W)"),
    Param("isl_terminal_mass", "10 kg", "Mass of one optical terminal (telescope, pointing, transceivers, amplifier).",
          unit="kg", low="5 kg", high="20 kg",
          source="Estimate: commercial LEO laser terminals with ~10 cm optics weigh several to ~20 kg; Suncatcher gives "
                 "no terminal mass (arXiv:2511.19468)"),
    # ------------------------------------------------------------------ training traffic
    Param("model_parameters", 70e9, "Parameters of the model being trained (sets the all-reduce per step).",
          low=7e9, high=405e9, exclusive_minimum=True, maximum=1e15,
          source="Touvron et al. 2023, 'Llama 2', arXiv:2307.09288 (7B-70B); Dubey et al. 2024, 'The Llama 3 herd of "
                 "models', arXiv:2407.21783 (405B)"),
    Param("tokens_per_step", 4e6, "Global batch in tokens per optimizer step (sets the compute per step).",
          low=1e6, high=16e6, exclusive_minimum=True, maximum=1e10,
          source="Touvron et al. 2023 (Llama 2), §2.2: global batch of 4M tokens; Dubey et al. 2024 (Llama 3), §3.4.1: "
                 "4M rising to 16M tokens"),
    Param("gradient_bytes", 2.0, "Bytes per gradient value exchanged in the all-reduce.", low=1.0, high=4.0,
          exclusive_minimum=True, maximum=8.0,
          source="Micikevicius et al. 2018, 'Mixed precision training', ICLR (16-bit gradients; 4 bytes in fp32, 1 with "
                 "8-bit compression)"),
    Param("chips_per_job", 0.0, "Chips one training job spans: a single event on any of them stops it and costs the "
          "engine's time lost per event (radiation.sdc_time_lost_per_event_s). 0 = the whole cluster (one synchronous "
          "data-parallel job); the chips of one satellite = elastic data parallel, where a hit satellite drops out and "
          "rejoins while the others go on. Inference keeps the engine's default.", minimum=0.0, maximum=1e7,
          source="Llama Team, 'The Llama 3 herd of models', arXiv:2407.21783 (2024), §3.3.4: an interruption anywhere "
                 "stops a synchronous training job (466 in 54 days on 16,384 GPUs); elastic data parallel: PyTorch "
                 "Distributed Elastic (torch.distributed.elastic) documentation"),
    Param("allreduce_overlap", 2.0 / 3.0, "Share of a step's compute time the all-reduce can hide behind (the backward pass).",
          low=0.0, high=1.0, maximum=1.0,
          source=_KAPLAN + ": the backward pass is 4/6 of a step's FLOPs; Li et al. 2020, 'PyTorch Distributed: "
                 "experiences on accelerating data parallel training', PVLDB 13(12) (all-reduce overlapped with backward)"),
    # ------------------------------------------------------------------ spacecraft
    *spacecraft_params(),
    *envelope_params("mass-produced", "Suncatcher envisions fleets of identical satellites built and launched like a "
                     "constellation (arXiv:2511.19468 §1.2, §2.4)"),
    *radiator_params(),
    Param("shielding", "2.7 g/cm2", "Aluminium-equivalent shield around the electronics (10 mm Al).", unit="g/cm2",
          low="1.08 g/cm2", high="5 g/cm2", maximum=50.0,
          source=_SUNCATCHER + " §2.3: ~10 mm Al shielding for the TPUs at 650 km SSO"),
    Param("design_life", "5 yr", "Design life of a satellite.", unit="yr", exclusive_minimum=True, maximum=30.0,
          low="3 yr", high="7 yr", source=_SUNCATCHER + " §2.3, §4.4: 5-year mission life"),
    Param("avionics_mass", "20 kg", "Per-satellite avionics besides the optical terminals (attitude control, computer, "
          "radios, thrusters).", unit="kg", low="5 kg", high="100 kg",
          source="Estimate as the LEO plugin's (one envelope): NASA Ames 'State-of-the-Art of Small Spacecraft Technology' "
                 "(2023), ch. 4, 5, 8, 9"),
    Param("vehicle", "Starship", "Launch vehicle (catalogue).", catalogue="launch_vehicles", kind="string",
          source="As the LEO and Starship plugins (one envelope); " + _SUNCATCHER + " §2.4 prices launch on Starship-class "
                 "vehicles"),
    lead_time_param(),
)


# ----------------------------------------------------------------------------- physics helpers
def allreduce_step(cluster_flops: float, n_satellites: int, bisection_bps: float, parameters: float, tokens: float,
                   gradient_bytes: float, overlap: float) -> dict[str, float]:
    """One data-parallel training step over a cluster: compute and ring all-reduce times (s) and the throughput factor.

    ``bits`` = 8 × gradient bytes × parameters × 2(N−1)/N (ring all-reduce: what each satellite sends, and
    what crosses the bisection each way); ``t_compute`` = 6 × parameters × tokens / cluster FLOP/s (Kaplan et al.
    2020); ``t_allreduce`` = bits / bisection bandwidth; the all-reduce hides behind ``overlap × t_compute``;
    ``factor`` = t_compute / (t_compute + max(0, t_allreduce − overlap × t_compute)); ``needed_bps`` = the
    bisection bandwidth that would hide it all (bits / (overlap × t_compute)).
    """
    ring = 2.0 * (n_satellites - 1) / n_satellites if n_satellites > 1 else 0.0
    bits = 8.0 * gradient_bytes * parameters * ring
    t_compute = 6.0 * parameters * tokens / cluster_flops
    t_allreduce = bits / bisection_bps if bits > 0 else 0.0
    wait = max(0.0, t_allreduce - overlap * t_compute)
    hidden = overlap * t_compute
    return {"bits": bits, "t_compute": t_compute, "t_allreduce": t_allreduce, "wait": wait,
            "factor": t_compute / (t_compute + wait),
            "needed_bps": bits / hidden if hidden > 0 else (math.inf if bits > 0 else 0.0)}


@functools.lru_cache(maxsize=32)
def _geometry(radius_m: float, spacing_m: float, altitude_m: float, inc_rad: float, j2_aware: bool, j2_per_km: float,
              density: float, delta_ballistic: float) -> trajectory.ClusterGeometry:
    # 180 samples per orbit (90 per stretch cycle) include the lattice's shortest (t = 0) and longest (a quarter
    # orbit) links exactly; the nearest-neighbour search costs N² per sample
    return trajectory.cluster_geometry(radius_m, spacing_m, altitude_m, inc_rad, j2_aware=j2_aware, samples=180,
                                       j2_dv_per_km=j2_per_km, density_kg_m3=density,
                                       delta_ballistic_m2_kg=delta_ballistic)


@functools.lru_cache(maxsize=32)
def _eclipse(altitude_km: float, inclination_deg: float, ltan_h: float) -> tuple[float, float, float, float]:
    """(mean eclipse fraction, longest eclipse in s, smallest |β| in deg, dark share of the darkest orbit) over a
    year (adapter, 73 days)."""
    stats = trajectory.eclipse_over_year(altitude_km * u.km, inclination_deg * u.deg, ltan_hours=ltan_h, n_days=73)
    return (stats.mean_fraction, float(stats.max_duration.to_value(u.s)),
            float(np.abs(stats.beta_angles.to_value(u.deg)).min()), stats.max_fraction)


def _tbps(bps: float) -> str:
    return f"{bps / 1e15:.3g} Pbps" if bps >= 1e15 else f"{bps / 1e12:.3g} Tbps" if bps >= 1e12 else f"{bps / 1e9:.3g} Gbps"


# ----------------------------------------------------------------------------- design
def design(p: Params, ctx: Context) -> Design:
    m = ctx.models
    metrics: list[Metric] = []
    notes: list[str] = []
    chip = ctx.catalogues.chips[p.chip]
    precision, note = counted_precision(chip, ctx.workload.precision)  # the rule validation applies to `chip`
    notes += [note] if note else []
    ops_unit = "POP/s" if precision.startswith("int") else "PFLOP/s"
    alt = p.si("altitude")
    inc_deg = float(trajectory.sun_synchronous_inclination(alt * u.m).to_value(u.deg))
    inc = math.radians(inc_deg)
    ltan = float(p.ltan.to_value(u.h))
    life = p.si("design_life") / SECONDS_PER_YEAR
    radius_m, spacing_m = p.si("cluster_radius"), p.si("spacing")
    r_earth = float(trajectory.body_radius("Earth").to_value(u.m))

    # ---------------------------------------------------------------- the formation (adapter)
    density = trajectory.atmosphere_density_kg_m3(alt) * float(p.density_scale)
    j2_per_km = float(p.j2_keeping.to_value(_REL["j2_keeping_dv_m_s_per_year_per_km"].unit))
    d_beta = float(p.delta_ballistic.to_value(_REL["delta_ballistic_coefficient_m2_kg"].unit))
    ratio = trajectory.along_track_ratio(float(trajectory.schweighart_sedwick_c(r_earth + alt, inc))) if p.j2_aware else 2.0
    n_lattice = trajectory.cluster_count(radius_m, spacing_m, ratio)
    if n_lattice > MAX_SATELLITES_PER_CLUSTER:
        raise ValueError(f"cluster_radius {radius_m / 1e3:g} km at spacing {spacing_m:g} m holds {n_lattice:,} satellites; "
                         f"clusters of more than {MAX_SATELLITES_PER_CLUSTER} are not evaluated (the geometry costs N² per "
                         "time step): use a smaller cluster_radius or a larger spacing, and more clusters")
    g = _geometry(radius_m, spacing_m, alt, inc, bool(p.j2_aware), j2_per_km, density, d_beta)
    n = g.n_satellites
    if n < 2:
        raise ValueError(f"cluster_radius {radius_m / 1e3:g} km holds only {n} satellite at spacing {spacing_m:g} m: a "
                         f"cluster needs cluster_radius >= 2 × spacing ({2 * spacing_m / 1e3:g} km)")
    drag_makeup = trajectory.drag_makeup_dv_m_s_per_year(alt, p.si("ballistic_coefficient"), float(p.density_scale))
    geo_inputs = ["cluster_radius", "spacing", "altitude", "j2_aware", "trajectory.cluster_geometry"]
    metrics += [
        Metric("cluster.n_satellites", n, "", inputs=geo_inputs,
               source="trajectory.cluster_geometry: square-lattice points of step s within R/k on drift-free relative "
                      "ellipses (" + _SUNCATCHER + " §2.2: 81 satellites for R = 1 km)"),
        Metric("cluster.link_min", g.link_min_m, "m", inputs=geo_inputs, source="shortest direct-neighbour link over one orbit"),
        Metric("cluster.link_max", g.link_max_m, "m", inputs=geo_inputs, source="longest direct-neighbour link over one orbit"),
        Metric("cluster.link_cycles_per_orbit", g.link_cycles_per_orbit, "", inputs=geo_inputs,
               source="stretch-and-relax cycles of a neighbour link per orbit (the paper: two)"),
        Metric("cluster.nearest_neighbour_min", g.nearest_neighbour_min_m, "m", inputs=geo_inputs),
        Metric("cluster.nearest_neighbour_max", g.nearest_neighbour_max_m, "m", inputs=geo_inputs),
        Metric("cluster.min_separation", g.min_separation_m, "m", inputs=geo_inputs,
               source="closest approach of any two satellites over one orbit"),
        Metric("cluster.envelope_radial", g.envelope_m[0], "m", inputs=geo_inputs, source="half-extent (Hill frame x)"),
        Metric("cluster.envelope_along_track", g.envelope_m[1], "m", inputs=geo_inputs, source="half-extent (Hill frame y)"),
        Metric("cluster.envelope_cross_track", g.envelope_m[2], "m", inputs=geo_inputs, source="half-extent (Hill frame z)"),
        Metric("cluster.links", g.links, "", inputs=geo_inputs, source="direct-neighbour links of the lattice"),
        Metric("cluster.bisection_links", g.bisection_links, "", inputs=geo_inputs,
               source="fewest neighbour links cut by a line splitting the lattice in halves"),
        Metric("cluster.keeping_dv_mean", g.keeping_dv_m_s_per_year, "m/s/yr", inputs=geo_inputs + ["j2_keeping",
               "delta_ballistic", "density_scale"],
               source="J2 at j2_keeping per km of each satellite's largest distance from the reference + differential drag "
                      "½ρv²Δ(C_D A/m) (Vallado Eq. 8-29), mean over the satellites"),
        Metric("cluster.keeping_dv_max", g.keeping_dv_max_m_s_per_year, "m/s/yr", inputs=geo_inputs + ["j2_keeping",
               "delta_ballistic", "density_scale"], source="the outermost satellite's formation-keeping Δv per year"),
        Metric("cluster.keeping_dv_j2", g.j2_keeping_dv_m_s_per_year, "m/s/yr", inputs=["j2_keeping"] + geo_inputs),
        Metric("cluster.keeping_dv_drag", g.drag_keeping_dv_m_s_per_year, "m/s/yr", inputs=["delta_ballistic",
               "density_scale", "altitude"]),
        Metric("cluster.drag_makeup_dv", drag_makeup, "m/s/yr", inputs=["ballistic_coefficient", "density_scale", "altitude"],
               source="the reference orbit's own drag make-up ½ρv²/B over a year; " + _VALLADO_ATM, approximation=True),
        Metric("orbit.atmosphere_density", density, "kg/m3", inputs=["altitude", "density_scale"], source=_VALLADO_ATM,
               approximation=True),
    ]
    # how the satellite count scales with R at this spacing (N ≈ π (R / 2s)², N ∝ R²)
    for factor, label in ((0.5, "half"), (2.0, "double"), (4.0, "quadruple")):
        metrics.append(Metric(f"cluster.n_satellites_{label}_radius", trajectory.cluster_count(factor * radius_m, spacing_m, ratio),
                              "", inputs=["cluster_radius", "spacing", "trajectory.cluster_count"],
                              source=f"satellites within {factor:g} R at the same spacing: N ≈ π (R / (k s))², "
                                     "N ∝ R² (" + _SUNCATCHER + " §2.2)"))

    # ---------------------------------------------------------------- links (shared optical model)
    terminal = m.links.optical_terminal(p.isl_terminal, m.value)  # the scenario's link defaults
    far = m.links.terminal_link(g.link_max_m, terminal)
    near = m.links.terminal_link(g.link_min_m, terminal)
    capacity = float(far["rate_bps"])
    provisioned = p.si("isl_provisioned_rate")
    lit = capacity if provisioned <= 0 else min(provisioned, capacity)
    channels_per_link = math.ceil(lit / terminal.channel_rate_bps - 1e-9) if lit > 0 else 0
    links_per_sat = 2.0 * g.links / n  # link ends (terminals) per satellite, on average
    isl_power_w = links_per_sat * channels_per_link * p.si("transceiver_power")
    bisection_bps = g.bisection_links * lit
    link_inputs = ["isl_terminal", "cluster.link_max", "links.terminal_link"]
    metrics += [
        Metric("link.capacity", capacity / 1e12, "Tbit/s", inputs=link_inputs,
               source="links.terminal_link at the longest neighbour distance: near/far field, DWDM channels closed by the "
                      "received power, spatial beams within each sub-aperture's confocal distance"),
        Metric("link.capacity_at_min", float(near["rate_bps"]) / 1e12, "Tbit/s", inputs=["isl_terminal", "cluster.link_min"]),
        Metric("link.beams", float(far["beams"]), "", inputs=link_inputs, source="spatial beams per link at the longest distance"),
        Metric("link.channels_per_beam", float(far["channels"]), "", inputs=link_inputs),
        Metric("link.near_field", float(far["near_field"]), "", inputs=link_inputs,
               source="1 = the full apertures are within their confocal distance (Fresnel number > 1/π), 0 = far field"),
        Metric("link.fresnel_number", float(far["fresnel_number"]), "", inputs=link_inputs,
               source="links.fresnel_number of the full apertures at the longest distance"),
        Metric("link.rate", lit / 1e12, "Tbit/s", inputs=["isl_provisioned_rate", "link.capacity"],
               source="min(provisioned rate, capacity): what each neighbour link carries"),
        Metric("link.transceivers_per_link_end", channels_per_link, "", inputs=["link.rate", "isl_terminal"]),
        Metric("link.terminals_per_satellite", links_per_sat, "", inputs=["cluster.links", "cluster.n_satellites"],
               source="2 × links / N (link ends per satellite, mean)"),
        Metric("link.power_per_satellite", isl_power_w / 1e3, "kW", inputs=["link.terminals_per_satellite",
               "link.transceivers_per_link_end", "transceiver_power"]),
        Metric("cluster.bisection_bandwidth", bisection_bps / 1e12, "Tbit/s", inputs=["cluster.bisection_links", "link.rate"],
               source="bisection links × link rate, each direction"),
    ]
    if provisioned > capacity:
        notes.append(f"isl_provisioned_rate {provisioned / 1e12:g} Tbit/s exceeds the {terminal.name} capacity at "
                     f"{g.link_max_m:.0f} m ({_tbps(capacity)}): the links carry the capacity")

    # ---------------------------------------------------------------- environment: eclipses, radiator, radiation
    ecl, dark_s, beta_min, worst = _eclipse(round(alt / 1e3, 3), round(inc_deg, 6), ltan)
    f_earth = 2.0 * float(m.thermal.earth_view_factor(alt, m.value("thermal.earth_radius_m"), "edge"))
    solar = float(m.power.solar_flux_w_m2(1.0, m.value("power.solar_constant_w_m2")))  # W/m² at 1 AU
    absorbed = float(m.thermal.absorbed_flux_w_m2(
        p.radiator_absorptivity, p.radiator_emissivity, solar, 0.0,
        m.value("thermal.earth_ir_w_m2"), f_earth, m.value("thermal.earth_albedo"), float(m.thermal.orbit_albedo_factor(beta_min))))
    pointing = m.value("power.pointing_factor")
    solar_cf = (1.0 - ecl) * pointing
    site = Site(f"SSO {alt / 1e3:.0f} km, {inc_deg:.2f}°, LTAN {ltan:g} h", kind="orbit", eclipse_fraction=ecl,
                longest_dark_s=dark_s, worst_eclipse_fraction=worst, radiator_sink_k=m.value("thermal.deep_space_temperature_k"), absorbed_w_m2=absorbed,
                distance_to_earth_m=alt, link_path="geo-relay", radiation_environment="leo", altitude_m=alt,
                inclination_deg=inc_deg)
    eclipse_inputs = ["altitude", "ltan", "trajectory.eclipse_over_year"]
    metrics += [
        Metric("orbit.inclination", inc_deg, "deg", inputs=["altitude"], source="trajectory.sun_synchronous_inclination (J2)"),
        Metric("orbit.eclipse_fraction", ecl, "", inputs=eclipse_inputs,
               source="trajectory.eclipse_over_year: β angle from the Sun's ephemeris, cylindrical shadow, 73 days"),
        Metric("orbit.longest_eclipse", dark_s / 60.0, "min", inputs=eclipse_inputs),
        Metric("orbit.worst_eclipse_fraction", worst, "", inputs=eclipse_inputs,
               source="dark share of the darkest orbit of the year (the array is sized for it)"),
        Metric("solar.capacity_factor", solar_cf, "", inputs=["orbit.eclipse_fraction", "power.pointing_factor"],
               source="mean array output / output at normal incidence in sunlight: (1 − eclipse fraction) × pointing"),
        Metric("solar.irradiation", solar * solar_cf * 8.766, "kWh/m2/yr",
               inputs=["power.solar_constant_w_m2", "solar.capacity_factor"],
               source="sunlight used per m² of array per year: S0 × capacity factor × 8,766 h"),
        Metric("thermal.absorbed_flux", absorbed, "W/m2", inputs=["radiator_absorptivity", "radiator_emissivity",
               "thermal.earth_ir_w_m2", "thermal.earth_albedo"],
               source="radiators edge-on to Sun and Earth; hot-case albedo factor cos(β_min) (Gilmore Vol. I ch. 2)"),
    ]

    # ---------------------------------------------------------------- the satellite and the training limit
    sat = Element(
        name="compute satellite",
        count=1,
        chip=chip.name,
        chips_per_unit=float(p.chips_per_satellite),
        site=site,
        power=PowerSystem(source=p.solar_array, storage=p.storage, bus_power_fraction=p.bus_power_fraction),
        thermal=radiator_system(p, sides=2),
        precision=precision,
        utilisation=p.utilisation,
        **derating_fields(p),
        shielding_g_cm2=p.si("shielding") * 0.1,
        lifetime_years=life,
        structure_fraction=p.structure_fraction,
        production=p.production,
        host_fraction=p.host_fraction,
        avionics_mass_kg=p.si("avionics_mass"),
        extra_power_w=isl_power_w,
        extra_mass_kg={"optical terminals": links_per_sat * p.si("isl_terminal_mass")},
        # a synchronous training step spans the whole cluster unless the scenario says otherwise (a single event on any
        # of its chips stops it); inference jobs keep the engine's default (one server's chips)
        chips_per_job=(float(p.chips_per_job) or n * float(p.chips_per_satellite)) if ctx.workload.kind == "training"
        else 0.0,
    )
    per_sat = ctx.delivered_ops(sat)
    if not per_sat > 0:
        raise ValueError(f"a satellite delivers no compute: single events stop a job spanning {sat.chips_per_job or 8:,.0f} "
                         "chips more often than it can progress (the engine's single-event loss reaches 100 %, see "
                         "--explain); lower chips_per_job (e.g. one satellite's chips, elastic data parallel)")
    metrics.append(Metric("sat.delivered_compute", per_sat * 1e-15, ops_unit,
                          inputs=["the engine's compute chain (context.delivered_ops): chip, chips_per_satellite, "
                                  "utilisation, derating, dose-limited life; before any training limit"]))
    if ctx.workload.kind == "training":
        if bisection_bps <= 0:
            raise ValueError(f"the {terminal.name} terminals carry nothing at {g.link_max_m:,.0f} m: no training traffic "
                             "can cross the cluster")
        step = allreduce_step(n * per_sat, n, bisection_bps, float(p.model_parameters), float(p.tokens_per_step),
                              float(p.gradient_bytes), float(p.allreduce_overlap))
        train_inputs = ["model_parameters", "tokens_per_step", "gradient_bytes", "allreduce_overlap",
                        "cluster.bisection_bandwidth", "sat.delivered_compute", "cluster.n_satellites"]
        metrics += [
            Metric("training.allreduce_per_step", step["bits"] / 1e12, "Tbit", inputs=train_inputs,
                   source="8 × gradient_bytes × model_parameters × 2(N−1)/N (ring all-reduce)"),
            Metric("training.step_compute_time", step["t_compute"], "s", inputs=train_inputs, source=_KAPLAN),
            Metric("training.allreduce_time", step["t_allreduce"], "s", inputs=train_inputs,
                   source="all-reduce per step / bisection bandwidth"),
            Metric("training.throughput_factor", step["factor"], "", inputs=train_inputs,
                   source="t_compute / (t_compute + max(0, t_allreduce − overlap × t_compute)), applied by the engine"),
        ]
        if math.isfinite(step["needed_bps"]):
            metrics.append(Metric("training.needed_bandwidth", step["needed_bps"] / 1e12, "Tbit/s", inputs=train_inputs,
                                  source="bisection bandwidth that hides the all-reduce behind allreduce_overlap of each step"))
        if step["factor"] < 1.0:
            sat.throughput_factor = step["factor"]
            carry = f"{g.bisection_links} links × {_tbps(lit)} carry {_tbps(bisection_bps)}"
            sat.throughput_reason = (
                f"training derated to {step['factor']:.0%}: all-reduce needs {_tbps(step['needed_bps'])} to hide behind "
                f"{p.allreduce_overlap:.0%} of each step, {carry}" if math.isfinite(step["needed_bps"]) else
                f"training derated to {step['factor']:.0%}: the all-reduce ({step['t_allreduce']:.3g} s per step; {carry}) "
                f"does not overlap the compute ({step['t_compute']:.3g} s)")
            notes.append(sat.throughput_reason)
        else:
            notes.append(f"training: the all-reduce ({step['t_allreduce']:.3g} s per step over {_tbps(bisection_bps)}) hides "
                         f"behind the backward pass ({p.allreduce_overlap:.0%} of {step['t_compute']:.3g} s): no derating")

    # ---------------------------------------------------------------- how many clusters
    if p.clusters > 0:
        n_clusters, rule = int(p.clusters), "clusters"
    else:
        needed = ctx.units_for_workload(sat)
        n_clusters = max(1, math.ceil(needed / n - 1e-9))
        rule = "the engine's sizing (satellites for the workload) rounded up to whole clusters"
        notes.append(f"sized by the engine: {needed} satellites for the workload → {n_clusters} cluster(s) of {n}")
    sat.count = n_clusters * n
    metrics += [Metric("cluster.count", n_clusters, "", inputs=[rule]),
                Metric("cluster.satellites_total", sat.count, "", inputs=["cluster.count", "cluster.n_satellites"])]

    # ---------------------------------------------------------------- transport: raise, drag make-up, formation keeping
    vehicle = ctx.catalogues.launch_vehicles[p.vehicle]
    if "SSO" in vehicle.payload_kg:
        destination, drop = "SSO", alt
        notes.append(f"{vehicle.name} inserts directly into the target SSO")
    elif "LEO" in vehicle.payload_kg:
        destination, drop = "LEO", vehicle.leo_altitude_m
        notes.append(f"{vehicle.name} has no SSO payload figure: its LEO figure (~{drop / 1e3:.0f} km) is used, an "
                     "approximation that ignores the payload lost to a polar launch")
    else:
        raise ValueError(f"launch vehicle {vehicle.name!r} has no LEO or SSO payload figure")
    dv_raise = 0.0
    if abs(drop - alt) > 1.0:
        dv_raise = float(trajectory.hohmann((r_earth + drop) * u.m, (r_earth + alt) * u.m).dv_total.to_value(u.m / u.s))
    dv_keep_per_year = g.keeping_dv_max_m_s_per_year + drag_makeup
    dv_total = dv_raise + dv_keep_per_year * life
    sat.transport = Transport(vehicle=vehicle.name, destination=destination, dv_after_drop_m_s=dv_total,
                              isp_s=p.si("isp"), packing_density_kg_m3=p.si("packing_density"))
    metrics += [
        Metric("launch.dv_raise", dv_raise, "m/s", inputs=["vehicle", "altitude"], source="trajectory.hohmann"),
        Metric("sat.dv_per_year", dv_keep_per_year, "m/s/yr", inputs=["cluster.keeping_dv_max", "cluster.drag_makeup_dv"],
               source="every satellite carries the outermost satellite's keeping budget plus the drag make-up"),
        Metric("sat.dv_total", dv_total, "m/s", inputs=["launch.dv_raise", "sat.dv_per_year", "design_life"]),
    ]
    notes.append("latency path: through a GEO data relay (no ground-station passes simulated); the engine adds the user "
                 "network and processing time")
    if ctx.workload.kind == "training":
        notes.append("each cluster trains on its own: traffic between clusters is not modelled")
    return Design(
        elements=[sat],
        years_to_service=p.si("lead_time") / SECONDS_PER_YEAR,
        metrics=metrics,
        notes=notes,
    )


SPEC = ArchitectureSpec(
    name=NAME,
    title="Suncatcher-class formation clusters",
    description="TPU satellites flying in formation clusters (N within radius R of a 650 km dawn-dusk SSO), near-field "
                "DWDM optical links between neighbours, bisection bandwidth for training, formation-keeping Δv.",
    params=PARAMS,
    design=design,
)


@hookimpl
def sandbox_register_architectures(register):
    register(SPEC)


@hookimpl
def sandbox_extra_metrics(architecture, design, ledger, context):
    """Per-satellite figures from the evaluated ledger, and the yearly propellant for formation keeping."""
    if ledger.architecture != NAME or not ledger.has("compute.units"):
        return None
    count = ledger.get("compute.units")
    if not np.all(np.asarray(count) > 0):
        return None
    sat = design.elements[0]
    dv_year = next(mt.value for mt in design.metrics if mt.name == "sat.dv_per_year")
    dry_kg = (ledger.get("mass.total") - ledger.get("mass.propellant")) * 1e3 / count
    per_year = trajectory.propellant_mass(dry_kg * u.kg, dv_year * u.m / u.s, sat.transport.isp_s * u.s).to_value(u.kg)
    out = [Metric("sat.propellant_per_year", per_year, "kg/yr", inputs=["sat.dv_per_year", "mass.total", "mass.propellant",
                                                                       "isp", "trajectory.propellant_mass"],
                  source="rocket equation for one year's formation keeping and drag make-up at the satellite's dry mass")]
    for name, label, unit, factor in (("mass.total", "sat.mass", "kg", 1e3), ("power.load", "sat.power_load", "kW", 1e3),
                                      ("power.array_area", "sat.array_area", "m2", 1.0),
                                      ("thermal.radiator_area", "sat.radiator_area", "m2", 1.0),
                                      ("mass.propellant", "sat.propellant", "kg", 1e3)):
        if ledger.has(name):
            out.append(Metric(label, ledger.get(name) * factor / count, unit, inputs=[name, "compute.units"]))
    return out
