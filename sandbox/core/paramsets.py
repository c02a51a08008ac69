"""Standard parameter groups for architecture plugins, from the shared model's sourced defaults.

Most architectures in space expose the same knobs: how well the chips are used and how they
fail, how the radiators radiate, and how the spacecraft is built. A plugin composes its schema
from these groups plus its own parameters, so the same knob has the same name, default, range,
bounds and source in every architecture::

    PARAMS = (Param("altitude", ...), *compute_params(), *radiator_params(), *spacecraft_params())
"""

from __future__ import annotations

from typing import Any

from sandbox.core.design import ThermalSystem
from sandbox.core.params import Param, Params, from_sourced
from sandbox.models import compute, launch, power, thermal


def compute_params(failure: str = "space") -> tuple[Param, ...]:
    """``utilisation``, ``failure_rate`` (per chip-year; ``failure="space"`` unrepaired or ``"ground"``),
    ``redundancy``, ``checkpoint_overhead`` and ``scrub_overhead``."""
    return (
        from_sourced("utilisation", compute.DEFAULTS["utilisation_inference"],
                     "Fraction of peak operations delivered to the workload (model FLOP utilisation).",
                     maximum=1.0, exclusive_minimum=True),
        from_sourced("failure_rate", compute.DEFAULTS[f"failure_rate_per_year_{failure}"],
                     "Chip failures per chip-year" + (" (no repair in space)." if failure == "space" else "."),
                     maximum=10.0),
        from_sourced("redundancy", compute.DEFAULTS["redundancy_cots_in_space"],
                     "Hardware copies computing each useful result (1 none, 2 duplicate-and-compare, 3 TMR).",
                     minimum=1.0, maximum=5.0),
        from_sourced("checkpoint_overhead", compute.DEFAULTS["checkpoint_overhead"],
                     "Fraction of time spent writing checkpoints and redoing lost work.", maximum=0.9),
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
              source="NVIDIA DGX H100 and GB200 NVL72 system figures (see the chip entries' host_* sources); lower only "
                     "when the plugin or scenario states a leaner host"),
        Param("solar_array", "auto", "Solar array (catalogue power source of kind 'solar'); 'auto' = by site type: "
              "silicon in low Earth orbit, III-V triple junction beyond (the same rule for every architecture).",
              catalogue="power_sources", kind="string"),
        Param("storage", "auto", "Storage for dark periods (catalogue power source of kind 'storage'); 'auto' = space "
              "lithium-ion in orbit, regenerative fuel cells on a surface.", catalogue="power_sources", kind="string"),
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
