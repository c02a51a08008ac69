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
