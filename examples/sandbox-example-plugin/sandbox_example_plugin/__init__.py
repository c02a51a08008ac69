"""An example third-party plugin: ``edgepod``, edge inference pods near the users.

A pod is a prefabricated cabinet of NVIDIA Jetson AGX Orin modules on a commercial power
connection, within a metro area of its users. The plugin decides how many modules fit in a pod,
asks the engine how many pods deliver the scenario's workload (``ctx.units_for_workload``), and
describes them as a :class:`sandbox.Design`; the sandbox's engine then prices chips, building,
electricity and cooling on the shared ledger, exactly as for the built-in ground data center it is
compared with.

Everything the design needs comes from a parameter with a cited default (shown by
``sandbox schema`` and ``sandbox run --explain``) or from the shared catalogues and models, and
everything it imports comes from the top-level ``sandbox`` package (the plugin author's surface).
"""

from __future__ import annotations

import math

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
    ThermalSystem,
    from_sourced,
    hookimpl,
    models,
)

__version__ = "0.1.0"

PARAMS = (
    Param("module", "AGX-Orin-64GB", "Compute module in the pods (a catalogue chip).", catalogue="chips", kind="string",
          precision="workload"),
    Param("grid", "grid-us", "Electricity supply (a catalogue power source of kind 'grid').",
          catalogue="power_sources", kinds=("grid",), kind="string"),
    Param("pod_power", "20 kW", "IT power one pod cabinet can supply and cool; sets modules per pod.", unit="kW",
          source="Uptime Institute Global Data Center Survey 2023: most operators have no racks beyond 20 kW",
          low="10 kW", high="40 kW", exclusive_minimum=True, maximum=1000.0),
    from_sourced("utilisation", models.compute.DEFAULTS["utilisation_inference"],
                 "Fraction of peak FLOP/s delivered to the workload.", maximum=1.0, exclusive_minimum=True),
    from_sourced("pue", models.thermal.DEFAULTS["pue_industry_average"],
                 "Power usage effectiveness of a pod (small sites do no better than the industry average).",
                 minimum=1.0, maximum=5.0),
    from_sourced("wue", models.thermal.DEFAULTS["wue_l_per_kwh"], "Water use per kWh of IT energy.", maximum=20.0),
    from_sourced("site_capex", models.cost.DEFAULTS["datacenter_capex_usd_per_w"],
                 "Enclosure, electrical and cooling plant per W of IT load (assumed equal to a large data center's)."),
    from_sourced("lifetime", models.cost.DEFAULTS["hardware_lifetime_years"], "Service life of the modules before replacement.",
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
    """Pods of whole modules; as many pods as the engine's sizing says deliver the workload."""
    module = ctx.catalogues.chips[p.module]
    per_pod = modules_per_pod(p.si("pod_power"), module.power_w)
    element = Element(
        name="edge pods",
        count=1,  # sized below
        chip=p.module,
        chips_per_unit=per_pod,
        precision=ctx.workload.precision,
        utilisation=p.utilisation,
        lifetime_years=p.lifetime.to_value("yr"),
        site=Site("metro edge", kind="ground", radiation_environment="ground",
                  capex_usd_per_w=float(p.site_capex.to_value("USD/W"))),
        power=PowerSystem(source=p.grid),
        thermal=ThermalSystem(kind="facility", pue=p.pue, wue_l_per_kwh=float(p.wue.to_value("l/kWh"))),
    )
    # pods = ceil(sustained FLOP/s / FLOP/s one pod delivers), with the engine's own chain (peak x utilisation
    # x derating x survival over the life), so the pods are sized as the ledger will evaluate them
    element.count = ctx.units_for_workload(element)
    return Design(
        elements=[element],
        years_to_service=p.deploy_time.to_value("yr"),
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
