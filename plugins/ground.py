"""Built-in plugin: the ground baseline, a terrestrial AI data center on the grid.

Registered through the public ``sandbox_register_architectures`` hook exactly as a third
party would. The data center is sized to the scenario's workload by the engine (sustained
compute at the workload's precision, through ``context.units_for_workload``); the engine then
prices its chips and their host servers, building, grid electricity, cooling (by PUE), water
and the on-site repair of failed parts on the shared ledger. Every comparison is shown relative
to it. Its users reach it over the same terrestrial network every architecture's users use
(``links.user_network_rtt_s``), so its query latency is that network plus processing.
"""

from __future__ import annotations

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

PARAMS = (
    Param("chip", "H100-SXM", "Accelerator in the racks (a catalogue chip).", catalogue="chips", kind="string"),
    Param("grid", "grid-us", "Electricity supply (a catalogue power source of kind 'grid').", catalogue="power_sources",
          kinds=("grid",), kind="string"),
    from_sourced("utilisation", models.compute.DEFAULTS["utilisation_inference"],
                 "Fraction of peak FLOP/s delivered to the workload (model FLOP utilisation).", maximum=1.0,
                 exclusive_minimum=True),
    from_sourced("failure_rate", models.compute.DEFAULTS["failure_rate_per_year_ground"],
                 "Accelerator failures per chip-year (replaced by technicians within compute.repair_time_days).",
                 maximum=10.0),
    from_sourced("pue", models.thermal.DEFAULTS["pue_hyperscale"], "Power usage effectiveness (facility power / IT power).",
                 minimum=1.0, maximum=5.0),
    from_sourced("wue", models.thermal.DEFAULTS["wue_l_per_kwh"], "Water use per kWh of IT energy.", maximum=20.0),
    from_sourced("facility_capex", models.cost.DEFAULTS["datacenter_capex_usd_per_w"],
                 "Building, electrical and mechanical plant per W of IT load."),
    from_sourced("build_time", models.cost.DEFAULTS["datacenter_build_years"], "Design and construction time."),
    from_sourced("grid_wait", models.cost.DEFAULTS["grid_connection_wait_years"], "Wait for a grid connection (runs alongside the build)."),
    Param("lifetime", "5 yr", "Service life of the accelerators before replacement.", unit="yr",
          source="Amazon 2024 10-K: servers depreciated over 5 years from 2025 (6 before); Alphabet and Microsoft use 6 years",
          low="4 yr", high="6 yr", exclusive_minimum=True, maximum=30.0),
)


def design(p: Params, ctx: Context) -> Design:
    """One data hall whose chips the engine sizes to the workload (failed parts repaired on site)."""
    life = p.si("lifetime") / 3.15576e7
    hall = Element(
        name="data center",
        count=1,
        chip=p.chip,
        chips_per_unit=1,
        precision=ctx.workload.precision,
        utilisation=p.utilisation,
        failure_rate_per_year=float(p.failure_rate.to_value("1/yr")) if hasattr(p.failure_rate, "to_value") else float(p.failure_rate),
        repair="onsite",
        lifetime_years=life,
        site=Site("ground", kind="ground", radiation_environment="ground",
                  capex_usd_per_w=float(p.facility_capex.to_value("USD/W"))),
        power=PowerSystem(source=p.grid),
        thermal=ThermalSystem(kind="facility", pue=p.pue, wue_l_per_kwh=float(p.wue.to_value("l/kWh"))),
    )
    hall.chips_per_unit = ctx.units_for_workload(hall, per="chip")
    build, wait = p.si("build_time") / 3.15576e7, p.si("grid_wait") / 3.15576e7
    return Design(
        elements=[hall],
        years_to_service=max(build, wait),
        metrics=[Metric("time.grid_wait", wait, "yr", inputs=["grid_wait"], source=SPEC_GRID_WAIT_SOURCE)],
        notes=["years to service = max(build time, grid wait): construction runs while the connection is queued",
               "failed chips are replaced by technicians (repair = 'onsite'): availability and repair costs on the ledger"],
    )


SPEC_GRID_WAIT_SOURCE = models.cost.DEFAULTS["grid_connection_wait_years"].source


SPEC = ArchitectureSpec(
    name="ground",
    title="Ground data center (baseline)",
    description="A terrestrial AI data center on the grid, sized to the workload: chips, PUE, electricity, water, grid wait.",
    params=PARAMS,
    design=design,
    baseline=True,
)


@hookimpl
def sandbox_register_architectures(register):
    register(SPEC)
