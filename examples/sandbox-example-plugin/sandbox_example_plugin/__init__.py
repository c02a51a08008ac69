"""An example third-party plugin: ``edgepod``, edge inference pods near the users.

A pod is a prefabricated cabinet of NVIDIA Jetson AGX Orin modules on a commercial power
connection, within a metro area of its users. The plugin sizes the number of pods to the
scenario's workload and describes them as a :class:`sandbox.core.design.Design`; the sandbox's
engine then prices chips, building, electricity and cooling on the shared ledger, exactly
as for the built-in ground data center it is compared with.

Everything the design needs comes from a parameter with a cited default (shown by
``sandbox schema`` and ``sandbox run --explain``) or from the shared catalogues and models.
"""

from __future__ import annotations

import math

from sandbox import hookimpl
from sandbox.core.architecture import ArchitectureSpec, Context
from sandbox.core.design import Design, Element, Metric, PowerSystem, Site, ThermalSystem
from sandbox.core.params import Param, Params, from_sourced
from sandbox.models import compute, cost, thermal

__version__ = "0.1.0"

SECONDS_PER_YEAR = 3.15576e7  # Julian year, the `yr` of astropy

PARAMS = (
    Param("module", "AGX-Orin-64GB", "Compute module in the pods (a catalogue chip).", catalogue="chips", kind="string"),
    Param("grid", "grid-us", "Electricity supply (a catalogue power source of kind 'grid').",
          catalogue="power_sources", kinds=("grid",), kind="string"),
    Param("pod_power", "20 kW", "IT power one pod cabinet can supply and cool; sets modules per pod.", unit="kW",
          source="Uptime Institute Global Data Center Survey 2023: most operators have no racks beyond 20 kW",
          low="10 kW", high="40 kW", exclusive_minimum=True, maximum=1000.0),
    from_sourced("utilisation", compute.DEFAULTS["utilisation_inference"],
                 "Fraction of peak FLOP/s delivered to the workload.", maximum=1.0, exclusive_minimum=True),
    from_sourced("pue", thermal.DEFAULTS["pue_industry_average"],
                 "Power usage effectiveness of a pod (small sites do no better than the industry average).",
                 minimum=1.0, maximum=5.0),
    from_sourced("wue", thermal.DEFAULTS["wue_l_per_kwh"], "Water use per kWh of IT energy.", maximum=20.0),
    from_sourced("site_capex", cost.DEFAULTS["datacenter_capex_usd_per_w"],
                 "Enclosure, electrical and cooling plant per W of IT load (assumed equal to a large data center's)."),
    from_sourced("lifetime", cost.DEFAULTS["hardware_lifetime_years"], "Service life of the modules before replacement.",
                 exclusive_minimum=True, maximum=30.0),
    Param("deploy_time", "0.5 yr", "From decision to first compute: ship and connect prefabricated pods.", unit="yr",
          source="Assumption (no public survey): prefabricated pods on existing commercial connections take months, "
                 "not the years of a large campus's grid connection",
          low="0.25 yr", high="1 yr", maximum=10.0),
)


def modules_per_pod(pod_power_w: float, module_power_w: float) -> int:
    """Whole modules a pod of ``pod_power_w`` (W) can power at ``module_power_w`` (W) each."""
    return math.floor(pod_power_w / module_power_w)


def design(p: Params, ctx: Context) -> Design:
    """Pods = ceil(sustained FLOP/s / delivered FLOP/s per pod), at the workload's precision."""
    module = ctx.catalogues.chips[p.module]
    per_pod = modules_per_pod(p.si("pod_power"), module.power_w)
    precision = ctx.workload.precision
    per_module = ctx.models.compute.delivered_ops(module.ops(precision), 1.0, p.utilisation)
    pods = math.ceil(ctx.workload.sustained_flops / (per_pod * per_module))
    element = Element(
        name="edge pods",
        count=pods,
        chip=p.module,
        chips_per_unit=per_pod,
        precision=precision,
        utilisation=p.utilisation,
        lifetime_years=p.si("lifetime") / SECONDS_PER_YEAR,
        site=Site("metro edge", kind="ground", radiation_environment="ground",
                  capex_usd_per_w=float(p.site_capex.to_value("USD/W"))),
        power=PowerSystem(source=p.grid),
        thermal=ThermalSystem(kind="facility", pue=p.pue, wue_l_per_kwh=float(p.wue.to_value("l/kWh"))),
    )
    return Design(
        elements=[element],
        years_to_service=p.si("deploy_time") / SECONDS_PER_YEAR,
        metrics=[Metric("edge.modules_per_pod", float(per_pod), "", inputs=["pod_power", f"chip {module.name} power_w"])],
        notes=["edgepod: module failures are not modelled (no public failure rate for Jetson modules in service)",
               "edgepod: no path latency of its own on the ground; the engine adds the same user network and "
               "processing time as for every architecture"],
    )


SPEC = ArchitectureSpec(
    name="edgepod",
    title="Edge inference pods (example plugin)",
    description="Prefabricated 20 kW cabinets of Jetson AGX Orin modules near the users, sized to the workload.",
    params=PARAMS,
    design=design,
)


@hookimpl
def sandbox_register_architectures(register):
    register(SPEC)
