"""Standard parameter groups for architecture plugins, from the shared model's sourced defaults.

Most architectures in space expose the same knobs: how well the chips are used and how they
fail, how the radiators radiate, and how the spacecraft is built. A plugin composes its schema
from these groups plus its own parameters, so the same knob has the same name, default, range,
bounds and source in every architecture::

    PARAMS = (Param("altitude", ...), *compute_params(), *radiator_params(), *spacecraft_params())

In-orbit servicing (:func:`servicing_params`, :func:`servicing_fields`) is the same repair policy the
ground's technicians use (``Element.repair``): ``"onsite"`` on the ground, ``"servicing"`` in space,
``"none"`` where nobody comes.
"""

from __future__ import annotations

from typing import Any

from sandbox.core.design import Servicing, ThermalSystem
from sandbox.core.params import Param, Params, from_sourced
from sandbox.models import compute, launch, power, thermal
from sandbox.trajectory.keeping import ATMOSPHERE_SOURCE
from sandbox.trajectory.keeping import DEFAULTS as KEEPING

#: The ``workload_defaults`` of a ``utilisation`` parameter: a training workload's default is the
#: pre-training model FLOP utilisation (compute.utilisation_training), not the serving one.
TRAINING_UTILISATION = (("training", "compute.utilisation_training"),)


#: A training workload writes checkpoints (compute.checkpoint_overhead); a serving one writes none.
TRAINING_CHECKPOINTS = (("training", "compute.checkpoint_overhead"),)


def checkpoint_param() -> Param:
    """``checkpoint_overhead``: the fraction of time spent writing checkpoints, 0 for inference and
    ``compute.checkpoint_overhead`` for training, on the ground as in space (one envelope)."""
    return from_sourced("checkpoint_overhead", compute.DEFAULTS["checkpoint_overhead_inference"],
                        "Fraction of time spent writing checkpoints: none when serving; a training workload's default "
                        "is compute.checkpoint_overhead.", maximum=0.9, workload_defaults=TRAINING_CHECKPOINTS)


def compute_params(failure: str = "space") -> tuple[Param, ...]:
    """``utilisation``, ``failure_rate`` (per chip-year; ``failure="space"`` unrepaired or ``"ground"``),
    ``redundancy``, ``checkpoint_overhead`` and ``scrub_overhead``."""
    return (
        from_sourced("utilisation", compute.DEFAULTS["utilisation_inference"],
                     "Fraction of peak operations delivered to the workload (model FLOP utilisation); a training "
                     "workload's default is compute.utilisation_training.",
                     maximum=1.0, exclusive_minimum=True, workload_defaults=TRAINING_UTILISATION),
        from_sourced("failure_rate", compute.DEFAULTS[f"failure_rate_per_year_{failure}"],
                     "Chip failures per chip-year" + (" (no repair in space)." if failure == "space" else "."),
                     maximum=10.0),
        from_sourced("redundancy", compute.DEFAULTS["redundancy_cots_in_space"],
                     "Hardware copies computing each useful result (1 none, 2 duplicate-and-compare, 3 TMR).",
                     minimum=1.0, maximum=5.0),
        checkpoint_param(),
        from_sourced("scrub_overhead", compute.DEFAULTS["scrub_overhead"],
                     "Fraction of time lost to memory scrubbing.", maximum=0.9),
    )


def radiator_params() -> tuple[Param, ...]:
    """``radiator_temperature``, ``radiator_emissivity``, ``radiator_absorptivity``, ``radiator_areal_density``."""
    return (
        from_sourced("radiator_temperature", thermal.DEFAULTS["radiator_temperature_k"], "Radiating surface temperature.",
                     exclusive_minimum=True, maximum=2000.0),
        from_sourced("radiator_emissivity", thermal.DEFAULTS["radiator_emissivity"], "Radiator infrared emissivity.",
                     maximum=1.0, exclusive_minimum=True),
        from_sourced("radiator_absorptivity", thermal.DEFAULTS["radiator_absorptivity"], "Radiator solar absorptance.",
                     maximum=1.0),
        from_sourced("radiator_areal_density", thermal.DEFAULTS["radiator_areal_density_kg_m2"],
                     "Radiator mass per m² of panel (panel, heat pipes or loops, deployment).", exclusive_minimum=True),
    )


def lead_time_param(default: str = "2 yr") -> Param:
    """``lead_time``: years from the decision to the first launch (design, build, qualification)."""
    return Param("lead_time", default, "Years from the decision to the first launch (design, build, test, launch booking).",
                 unit="yr", low="1 yr", high="5 yr", maximum=30.0,
                 source="Estimate: spacecraft development to launch 1-3 yr for small satellites (NASA Ames 'State-of-the-Art "
                        "of Small Spacecraft Technology' 2023, ch. 1); larger first-of-a-kind platforms take longer")


def keeping_params(drag: bool = True) -> tuple[Param, ...]:
    """``isp`` (s) of the spacecraft's own thrusters, with (``drag``) the ``ballistic_coefficient`` (m / (C_D A),
    kg/m²) and ``density_scale`` (solar activity) of its drag make-up in low orbit
    (``trajectory.drag_makeup_dv_m_s_per_year``): the station keeping every orbiting architecture carries the
    same way."""
    isp = Param("isp", "1500 s", "Specific impulse of the spacecraft's own thrusters (orbit raising, drag make-up, "
                "station keeping).", unit="s", exclusive_minimum=True, low="1000 s", high="2500 s",
                source="Hall thrusters: Busek BHT-600 ~1,500 s (datasheet); SpaceX Starlink V2-mini argon Hall thruster "
                       "2,500 s (SpaceX Starlink update, Feb 2023)")
    if not drag:
        return (isp,)
    return (
        Param("ballistic_coefficient", "100 kg/m2", "m / (C_D A) of a spacecraft, for drag.", unit="kg/m2",
              exclusive_minimum=True, low="25 kg/m2", high="200 kg/m2",
              source="Wertz & Larson, SMAD 3rd ed. (1999), ch. 8 'Orbit lifetime' (lifetime curves for m/(C_D A) from "
                     "25 to 200 kg/m²); large arrays and radiators push compute satellites to the low end"),
        Param("density_scale", 1.0, "Multiplier on the atmosphere density (solar activity: ~0.3 at solar minimum, up to "
              "~5-10 at maximum).", exclusive_minimum=True, low=0.3, high=5.0,
              source=ATMOSPHERE_SOURCE + "; Emmert 2015, 'Thermospheric mass density: a review', Adv. Space Res. "
                     "56:773-824 (solar-cycle variation of ~x10 at 400-500 km)"),
        isp,
    )


def geo_keeping_params() -> tuple[Param, ...]:
    """``geo_inclination_drift`` (deg/yr) and ``geo_east_west_dv`` (m/s a year) of a geostationary spacecraft's
    station keeping (``trajectory.geo_station_keeping_dv_m_s_per_year``)."""
    return (
        from_sourced("geo_inclination_drift", KEEPING["geo_inclination_drift_deg_per_year"],
                     "Yearly growth of a geostationary orbit's inclination that north-south control cancels."),
        from_sourced("geo_east_west_dv", KEEPING["geo_east_west_dv_m_s_per_year"],
                     "Yearly Δv of a geostationary spacecraft's east-west control (longitude drift, eccentricity)."),
    )


def spacecraft_params() -> tuple[Param, ...]:
    """``bus_power_fraction``, ``structure_fraction`` and ``packing_density`` (stowed bulk density)."""
    return (
        from_sourced("bus_power_fraction", power.DEFAULTS["bus_power_fraction"],
                     "Housekeeping load (attitude control, communications, pumps) as a fraction of compute power.",
                     maximum=2.0),
        from_sourced("structure_fraction", launch.DEFAULTS["structure_fraction"], "Structure as a fraction of dry mass.",
                     maximum=0.9),
        from_sourced("packing_density", launch.DEFAULTS["payload_packing_density_kg_m3"],
                     "Bulk density of the stowed spacecraft (sets the fairing volume it takes).", exclusive_minimum=True),
    )


def avionics_param(unit_name: str) -> Param:
    """``avionics_mass`` (kg per ``unit_name``) for a large spacecraft, 0 kg by default: avionics not carried.

    The LEO and cluster satellites carry a component estimate (20 kg each) for 50-300 kg smallsats. No
    published figure fits a module of tens of tonnes that is mostly arrays, radiators and servers, and the
    dry-mass shares of conventional spacecraft would give several tonnes; so the large spacecraft carry none
    by default, say so in a note (:func:`avionics_note`), and a scenario can set a mass.
    """
    return Param("avionics_mass", "0 kg", f"Avionics per {unit_name} not sized elsewhere (attitude control, "
                 "on-board computer, radios). Not carried by default: the LEO satellites' 20 kg is a component "
                 "estimate for 50-300 kg smallsats, and the published shares of dry mass (TT&C 2-7 %, on-board "
                 "processing 3-5 %, attitude control 6-8 %) describe spacecraft whose payload is 15-41 % of dry "
                 "mass, not one that is mostly arrays, radiators and servers. Set a mass to carry it.", unit="kg",
                 minimum=0.0, maximum=1e7,
                 source="Wertz, Everett & Puschell, Space Mission Engineering: The New SMAD (2011), table 14-18 "
                        "(average mass by subsystem as a percentage of dry mass); 0 kg is a stated omission, not a "
                        "measurement")


def avionics_note(p: Params, unit_name: str) -> list[str]:
    """The design note of :func:`avionics_param`: ``[]`` when the scenario carries an avionics mass."""
    if p.si("avionics_mass") > 0:
        return []
    return [f"no avionics mass carried per {unit_name} (avionics_mass = 0 kg: no published figure for a spacecraft "
            "that is mostly arrays, radiators and servers; the LEO satellites carry 20 kg each)"]


PRODUCTION_CLASSES = ("mass-produced", "small-series", "bespoke")


def envelope_params(production: str, production_reason: str) -> tuple[Param, ...]:
    """``production`` (how the element's non-compute hardware is priced per kg), ``host_fraction``
    (the share of each accelerator's host server carried), ``solar_array`` and ``storage``
    (``"auto"``: by site type, the same rule for every architecture; docs/models.md, one envelope).

    ``production`` and ``production_reason``: this architecture's default class and why.
    """
    return (
        Param("production", production, "Production class of the non-compute hardware (structure, shielding, avionics, "
              "radiators, propulsion hardware): priced per kg at cost.hardware_usd_per_kg_<class>. Default: "
              + production_reason, choices=PRODUCTION_CLASSES,
              source="Cost classes and their sources: sandbox.models.cost DEFAULTS hardware_usd_per_kg_mass_produced, "
                     "_small_series, _bespoke (Starlink estimates; USCM8 and SSCM cost models, The New SMAD 2011)"),
        Param("host_fraction", 1.0, "Share of each accelerator's host server (CPUs, memory, NICs, chassis; the chip's "
              "host_* catalogue fields) carried: 1 = a full server per accelerator, as every architecture by default.",
              minimum=0.0, maximum=1.0, low=0.5, high=1.0,
              source="NVIDIA DGX H100, DGX A100 and DGX B200 system figures (see the chip entries' host_* sources); lower only "
                     "when the plugin or scenario states a leaner host"),
        Param("solar_array", "auto", "Solar array (catalogue power source of kind 'solar'); 'auto' = by site type: "
              "silicon in low Earth orbit, III-V triple junction beyond (the same rule for every architecture).",
              catalogue="power_sources", kinds=("solar",), kind="string"),
        Param("storage", "auto", "Storage for dark periods (catalogue power source of kind 'storage'); 'auto' = space "
              "lithium-ion in orbit (deep-cycled where eclipses are few, as in GEO), regenerative fuel cells on a "
              "surface.", catalogue="power_sources", kinds=("storage",), kind="string"),
    )


def derating_fields(p: Params) -> dict[str, Any]:
    """The :class:`~sandbox.core.design.Element` fields set by :func:`compute_params` (besides utilisation):
    ``redundancy``, ``checkpoint_overhead``, ``scrub_overhead`` and ``failure_rate_per_year``."""
    rate = p.failure_rate
    return {
        "redundancy": float(p.redundancy),
        "checkpoint_overhead": float(p.checkpoint_overhead),
        "scrub_overhead": float(p.scrub_overhead),
        "failure_rate_per_year": float(rate.to_value("1/yr")) if hasattr(rate, "to_value") else float(rate),
    }


def radiator_system(p: Params, sides: int = 2) -> ThermalSystem:
    """The radiator described by :func:`radiator_params` (``sides`` radiating faces per panel)."""
    return ThermalSystem(kind="radiator", temperature_k=p.si("radiator_temperature"), emissivity=float(p.radiator_emissivity),
                         areal_density_kg_m2=p.si("radiator_areal_density"), sides=sides)


_MEV = ("Northrop Grumman Mission Extension Vehicle MEV-1: a ~2,300 kg servicer, launched 9 Oct 2019 on a Proton, docked "
        "with Intelsat 901 on 25 Feb 2020 for a 5-year life extension (C. Henry, SpaceNews, 26 Feb 2020)")
_OSAM = ("NASA OSAM-1 (ex Restore-L) robotic servicing demonstration: cost grown to US$2.05 bn before its cancellation "
         "on 1 Mar 2024 (NASA statement, SpaceNews 1 Mar 2024; NASA OIG report IG-24-001, Oct 2023: up to US$2.17 bn)")


def servicing_params() -> tuple[Param, ...]:
    """``repair`` (``"none"`` or ``"servicing"``), ``servicing_visits`` (visits to each unit per year),
    ``servicing_cost`` (per visit to one unit), ``servicing_launch_mass`` (launched per visit to one unit,
    besides the spare chips), ``servicing_vehicle`` and ``servicing_parts_fraction``.

    The default is no servicing: an architecture's numbers are unchanged unless a scenario asks for it.
    Build the element's fields with :func:`servicing_fields`.
    """
    return (
        Param("repair", "none", "Repair policy in space: 'none' (failed chips stay failed: survival decays over the life) "
              "or 'servicing' (a robotic servicer visits each unit servicing_visits times a year and replaces the chips "
              "that failed since its last visit; the same mechanism as the ground's on-site repair).",
              choices=("none", "servicing")),
        Param("servicing_visits", "1 1/yr", "Servicer visits to each unit per year (repair = 'servicing').", unit="1/yr",
              source="Estimate: no servicing service for data-centre hardware exists. MEV-class servicers serve one client for "
                     "~5 years (" + _MEV + "); Northrop Grumman's MRV is to install three Mission Extension Pods per sortie "
                     "(SpaceNews, 20 Jun 2023); low = one visit per 5 years, high = quarterly",
              low="0.2 1/yr", high="4 1/yr", exclusive_minimum=True, maximum=365.0),
        Param("servicing_cost", "30e6 USD", "Cost of one servicer visit to one unit: the servicer's share (vehicle amortised "
              "over its visits) and operations, besides launch and parts (repair = 'servicing').", unit="USD",
              source="Estimate: no price is published; MEV contract values are undisclosed ('Intelsat will pay Orbital an "
                     "undisclosed amount', Reuters, Apr 2016). Basis: a commercial servicer programme of a few hundred "
                     "million US$ spread over ~10 visits; low = a mass-produced servicer; high = a demonstration-class "
                     "mission share (" + _OSAM + ")",
              low="10e6 USD", high="100e6 USD", maximum=1e11),
        Param("servicing_launch_mass", "2300 kg", "Mass launched per visit to one unit besides the spare chips and hosts "
              "(an expended servicer, or a reusable servicer's propellant and consumables).", unit="kg",
              source=_MEV + "; low = a reusable servicer's per-visit consumables, of the order of a ~400 kg Mission "
                     "Extension Pod (Northrop Grumman MEP, SpaceNews 20 Jun 2023; pod mass not published: estimate)",
              low="400 kg", high="3000 kg", maximum=1e6),
        Param("servicing_vehicle", "Starship", "Launch vehicle that carries servicers and spares (priced per kg of its "
              "LEO payload: a shared flight).", catalogue="launch_vehicles", kind="string"),
        Param("servicing_parts_fraction", 1.0, "Share of a chip's catalogue price paid per replaced chip (1 = a new chip; "
              "lower for refurbished or warranty parts).",
              source="Assumption: a failed accelerator is replaced by a new one at its catalogue price; low = refurbished or "
                     "warranty replacements at half price", low=0.5, high=1.0, maximum=1.0),
    )


def servicing_fields(p: Params, units: float = 1.0) -> dict[str, Any]:
    """The :class:`~sandbox.core.design.Element` fields set by :func:`servicing_params`: ``repair`` and ``servicing``.

    ``units``: the element's count. A visit in the engine's :class:`~sandbox.core.design.Servicing` is one round
    of the servicer over the whole element, so its cost and launched mass are the per-unit figures × ``units``
    (every unit is visited ``servicing_visits`` times a year; the same rule in every architecture). Call again
    with the final count when the engine sizes the count after the element is built.
    """
    if p.repair != "servicing":
        return {"repair": "none", "servicing": None}
    units = max(float(units), 0.0)
    return {"repair": "servicing", "servicing": Servicing(
        visits_per_year=float(p.servicing_visits.to_value("1/yr")),
        cost_per_visit_usd=p.si("servicing_cost") * units,
        launch_kg_per_visit=p.si("servicing_launch_mass") * units,
        vehicle=p.servicing_vehicle,
        parts_fraction=float(p.servicing_parts_fraction),
    )}
