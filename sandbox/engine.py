"""The host engine: evaluate every architecture's design on the one shared ledger.

The engine knows no architecture by name. For each architecture in a scenario it calls the
plugin's design function, then sizes power, thermal, mass, launch, cost, radiation and
latency for every element with the shared-model components of the registry's
:class:`~sandbox.modelset.ModelSet`, the same functions for all. Results are tidy
:class:`~sandbox.design.Metric` records; headline metrics are also given relative to the
baseline architecture (the ground data center).
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .architecture import Context
from .design import Design, Element, Metric
from .params import Params, check_value
from .plugins import PluginError, Registry, call_each
from .scenario import ArchitectureRun, Scenario

HOURS_PER_YEAR = 8766.0  # Julian year, 365.25 d × 24 h
J_PER_KWH = 3.6e6


class EvaluationError(Exception):
    """A design could not be evaluated; the message names the element and the cause."""


@dataclass
class Ledger:
    """All metrics of one architecture instance."""

    instance: str
    architecture: str
    plugin: str
    metrics: list[Metric] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def get(self, name: str) -> float:
        for m in self.metrics:
            if m.name == name:
                return m.value
        raise KeyError(f"{self.instance}: no metric {name!r}")

    def metric(self, name: str) -> Metric:
        for m in self.metrics:
            if m.name == name:
                return m
        raise KeyError(f"{self.instance}: no metric {name!r}")

    def has(self, name: str) -> bool:
        return any(m.name == name for m in self.metrics)

    def refine(self, name: str, value: float, inputs: list[str], by: str) -> None:
        """Replace metric ``name`` by a value only known after evaluation (e.g. years to service
        from the counted flights), in the open: the metric's inputs say who refined it.

        For ``sandbox_extra_metrics`` implementations refining *their own* architecture's ledger.
        """
        if not math.isfinite(value) or value < 0:
            raise EvaluationError(f"{by}: refined {name} = {value} (must be finite and >= 0)")
        old = self.metric(name)
        old.value = value
        old.inputs = [*inputs, f"refined by plugin {by!r} after evaluation"]


@dataclass
class RunResult:
    """A scenario's outcome: a ledger per architecture, failures by instance, provenance."""

    scenario: Scenario
    ledgers: dict[str, Ledger]
    failures: dict[str, str]
    baseline: str | None
    provenance: dict[str, Any]

    def records(self) -> list[dict[str, Any]]:
        """Tidy records: one per (architecture, metric) with value and unit."""
        out = []
        for ledger in self.ledgers.values():
            for m in ledger.metrics:
                out.append({
                    "architecture": ledger.instance,
                    "type": ledger.architecture,
                    "metric": m.name,
                    "value": m.value,
                    "unit": m.unit,
                    "approximation": m.approximation,
                })
        return out

    def explained_records(self) -> list[dict[str, Any]]:
        """Tidy records with the inputs and source that produced each metric."""
        out = []
        for rec, m in zip(self.records(), (m for lg in self.ledgers.values() for m in lg.metrics), strict=True):
            out.append({**rec, "inputs": list(m.inputs), "source": m.source})
        return out


# --------------------------------------------------------------------------- element
def _need(entry: Any, field_name: str, where: str) -> float:
    """A catalogue field the ledger needs; NaN (not given) is an error naming the entry."""
    value = float(getattr(entry, field_name))
    if math.isnan(value):
        raise EvaluationError(f"{where}: catalogue entry {entry.name!r} gives no {field_name}, which this design needs")
    return value


def evaluate_element(el: Element, registry: Registry, discount_rate: float) -> tuple[dict[str, float], dict[str, str], list[str]]:
    """Evaluate one element on the shared ledger.

    Returns additive totals over ``el.count`` units (plain SI floats keyed by metric name,
    display units in :data:`UNITS`), a trace per metric (the model call and the inputs, with
    where each came from: the element, a catalogue entry or a cited model default) and notes.
    All sizing uses ``registry.models``.
    """
    m = registry.models
    cat = registry.catalogues
    notes: list[str] = []
    trace: dict[str, str] = {}
    where = f"element {el.name!r}"
    try:
        chip = cat.chips[el.chip]
    except KeyError:
        raise EvaluationError(f"{where}: no chip named {el.chip!r} in the catalogues") from None
    try:
        peak = chip.ops(el.precision)
    except KeyError as exc:
        raise EvaluationError(f"{where}: {exc.args[0]}") from None
    if el.count < 0 or el.chips_per_unit < 0:
        raise EvaluationError(f"{where}: count and chips per unit must be >= 0")
    for label, value in [("extra_power_w", el.extra_power_w), *(
            (f"{kind}[{k!r}]", v) for kind in ("extra_mass_kg", "extra_capex_usd", "extra_opex_usd_per_year")
            for k, v in getattr(el, kind).items())]:
        if not (math.isfinite(value) and value >= 0):
            raise EvaluationError(f"{where}: {label} = {value} (must be finite and >= 0)")
    site = el.site
    count = float(el.count)

    # ---- radiation and life
    shield = el.shielding_g_cm2 + el.local_shielding_g_cm2  # in-situ cover (regolith) shields but is not launched
    if site.radiation_environment == "leo":
        dose = float(m.radiation.leo_dose_rate_krad_per_year(site.altitude_m, site.inclination_deg, shield))
    else:
        dose = float(m.radiation.dose_rate_krad_per_year(site.radiation_environment, shield))
    tolerance = chip.tid_krad if chip.tid_krad > 0 else m.value("radiation.cots_tid_krad")
    has_electronics = el.chips_per_unit > 0
    tid_life = float(m.radiation.tid_lifetime_years(tolerance, dose)) if dose > 0 and has_electronics else math.inf
    life = min(el.lifetime_years, tid_life)
    trace["radiation.dose_rate"] = (f"radiation dose model, environment {site.radiation_environment!r} (altitude "
                                    f"{site.altitude_m / 1e3:g} km), shielding {el.shielding_g_cm2:g} + local {el.local_shielding_g_cm2:g} g/cm2 [element]")
    trace["life.effective"] = (f"min(design life {el.lifetime_years:g} yr [element], total-dose life {tid_life:.3g} yr = "
                               f"tid_lifetime_years({tolerance:g} krad [{'chip ' + chip.name if chip.tid_krad > 0 else 'radiation.cots_tid_krad'}], "
                               f"{dose:.3g} krad/yr))")
    if tid_life < el.lifetime_years:
        notes.append(f"{where}: total dose limits life to {tid_life:.1f} yr (design life {el.lifetime_years:g} yr)")

    # ---- compute
    n_chips = count * el.chips_per_unit
    survival = float(m.compute.mean_survival_fraction(el.failure_rate_per_year, life))
    derate = float(m.compute.radiation_derating(el.redundancy, el.checkpoint_overhead, el.scrub_overhead))
    delivered = float(m.compute.delivered_ops(peak, n_chips, el.utilisation, derate * survival))
    trace["compute.delivered"] = (f"delivered_ops(peak {peak:.4g} OP/s [chip {chip.name}, {el.precision}], {n_chips:g} chips "
                                  f"[element: {count:g} × {el.chips_per_unit:g}], utilisation {el.utilisation:g} [element], "
                                  f"derate {derate:.3g} = radiation_derating(redundancy {el.redundancy:g}, checkpoint "
                                  f"{el.checkpoint_overhead:g}, scrub {el.scrub_overhead:g}) × survival {survival:.3g} = "
                                  f"mean_survival_fraction({el.failure_rate_per_year:g}/yr, {life:.3g} yr))")

    # ---- power (per unit)
    tdp_w = _need(chip, "power_w", where)
    if el.chip_power_w is not None and not 0 < el.chip_power_w <= tdp_w:
        raise EvaluationError(f"{where}: chip power {el.chip_power_w:g} W must be > 0 and <= the {chip.name} TDP {tdp_w:g} W")
    chip_w = tdp_w if el.chip_power_w is None else el.chip_power_w
    compute_w = el.chips_per_unit * chip_w
    load_w = compute_w * (1.0 + el.power.bus_power_fraction) + el.extra_power_w
    trace["power.load"] = (f"{count:g} × ({el.chips_per_unit:g} chips × {chip_w:g} W [chip {chip.name}"
                           f"{'' if el.chip_power_w is None else ', power-capped by the element'}] × "
                           f"(1 + bus {el.power.bus_power_fraction:g} [element]) + other {el.extra_power_w:g} W [element])")
    try:
        src = cat.power_sources[el.power.source]
    except KeyError:
        raise EvaluationError(f"{where}: no power source named {el.power.source!r} in the catalogues") from None
    storage = None
    if el.power.storage:
        try:
            storage = cat.power_sources[el.power.storage]
        except KeyError:
            raise EvaluationError(f"{where}: no power source named {el.power.storage!r} in the catalogues") from None
    pmad = m.value("power.pmad_efficiency") if site.kind != "ground" else 1.0
    array_area = power_mass = power_capex = storage_j = storage_mass = storage_capex = 0.0
    generation_w = 0.0
    grid_w = 0.0
    if src.kind == "solar":
        dark = site.eclipse_fraction > 0 or site.longest_dark_s > 0
        if dark and storage is None:
            raise EvaluationError(f"{where}: solar power at a site with dark periods needs a storage power source")
        rte = _need(storage, "round_trip_efficiency", where) if storage is not None else 1.0
        generation_w = float(m.power.array_power_required_w(load_w, site.eclipse_fraction, rte)) / pmad
        flux = float(m.power.solar_flux_w_m2(site.sun_distance_au))
        array_area = float(m.power.array_area_m2(generation_w, flux, _need(src, "efficiency", where),
                                                  _need(src, "packing_factor", where), src.degradation_per_year, life,
                                                  m.value("power.pointing_factor")))
        power_mass = float(m.power.array_mass_kg(array_area, _need(src, "areal_density_kg_m2", where)))
        power_capex = _need(src, "cost_usd_per_w", where) * generation_w
        trace["power.generation"] = (f"array_power_required_w(load {load_w:.4g} W, eclipse fraction {site.eclipse_fraction:.4g} "
                                     f"[site], round trip {rte:g} [{el.power.storage or '-'}]) / PMAD {pmad:g} [power.pmad_efficiency]")
        trace["power.array_area"] = (f"array_area_m2({generation_w:.4g} W, flux {flux:.1f} W/m2 at {site.sun_distance_au:g} AU "
                                     f"[power.solar_constant_w_m2], cell {src.efficiency:g}, packing {src.packing_factor:g}, "
                                     f"degradation {src.degradation_per_year:g}/yr [{src.name}], life {life:.3g} yr, pointing "
                                     f"[power.pointing_factor]) × {count:g}")
    elif src.kind in ("fission", "radioisotope", "beamed"):
        generation_w = load_w / pmad
        trace["power.generation"] = f"load {load_w:.4g} W / PMAD {pmad:g} [power.pmad_efficiency] ({src.kind} {src.name})"
        power_mass = float(m.power.generator_mass_kg(generation_w, _need(src, "specific_power_w_per_kg", where)))
        power_capex = _need(src, "cost_usd_per_w", where) * generation_w
    elif src.kind == "grid":
        generation_w = 0.0
    else:
        raise EvaluationError(f"{where}: power source {src.name!r} of kind {src.kind!r} cannot supply an element")
    if storage is not None and site.longest_dark_s > 0:
        storage_j = float(m.power.storage_energy_j(load_w, site.longest_dark_s, _need(storage, "depth_of_discharge", where)))
        storage_mass = float(m.power.storage_mass_kg(storage_j, _need(storage, "specific_energy_wh_per_kg", where)))
        storage_capex = storage_j / J_PER_KWH * _need(storage, "cost_usd_per_kwh", where)
        trace["power.storage_energy"] = (f"storage_energy_j(load {load_w:.4g} W, longest dark {site.longest_dark_s:.4g} s [site], "
                                         f"depth of discharge {storage.depth_of_discharge:g} [{storage.name}]) × {count:g}")

    # ---- thermal (per unit): every electrical watt of the load ends as heat
    th = el.thermal
    radiator_area = thermal_mass = cooling_w = water_l_per_year = 0.0
    if th.kind == "radiator":
        radiator_area = float(m.thermal.radiator_area_m2(load_w, th.temperature_k, th.emissivity,
                                                         site.radiator_sink_k, site.absorbed_w_m2, th.sides))
        if not math.isfinite(radiator_area):
            raise EvaluationError(f"{where}: a radiator at {th.temperature_k:g} K absorbs more than it emits at this site")
        thermal_mass = float(m.thermal.radiator_mass_kg(radiator_area, th.areal_density_kg_m2))
        trace["thermal.radiator_area"] = (f"radiator_area_m2(heat {load_w:.4g} W = load, {th.temperature_k:g} K, emissivity "
                                          f"{th.emissivity:g}, {th.sides} sides [element], sink {site.radiator_sink_k:g} K, "
                                          f"absorbed {site.absorbed_w_m2:.4g} W/m2 [site]) × {count:g}")
    elif th.kind == "facility":
        cooling_w = float(m.thermal.terrestrial_cooling_power_w(load_w, th.pue))
        water_l_per_year = float(m.thermal.water_use_l_per_year(load_w, th.wue_l_per_kwh))
        trace["thermal.cooling_power"] = f"terrestrial_cooling_power_w(load {load_w:.4g} W, PUE {th.pue:g} [element])"
        trace["water.use"] = f"load {load_w:.4g} W × 8766 h × WUE {th.wue_l_per_kwh:g} L/kWh [element]"
    else:
        raise EvaluationError(f"{where}: thermal kind must be 'radiator' or 'facility', got {th.kind!r}")
    if src.kind == "grid":
        grid_w = load_w + cooling_w

    # ---- mass (per unit)
    compute_mass = el.chips_per_unit * _need(chip, "mass_kg", where)
    shield_mass = 0.0
    if el.shielding_g_cm2 > 0 and compute_mass > 0:
        # Approximation: the electronics sit in a cube of payload bulk density; the shield covers its six faces.
        density = m.value("launch.payload_packing_density_kg_m3")
        side_m = (compute_mass / density) ** (1.0 / 3.0)
        shield_mass = float(m.radiation.shielding_mass_kg(6.0 * side_m**2, el.shielding_g_cm2))
    extra_mass = sum(el.extra_mass_kg.values())
    subsystems = compute_mass + power_mass + storage_mass + thermal_mass + shield_mass + extra_mass
    structure_mass = float(m.launch.structure_mass_kg(subsystems, el.structure_fraction)) if el.structure_fraction > 0 else 0.0
    dry = subsystems + structure_mass
    propellant = 0.0
    flights = tanker_flights = launch_capex = co2_t = 0.0
    if el.transport is not None:
        t = el.transport
        try:
            vehicle = cat.launch_vehicles[t.vehicle]
        except KeyError:
            raise EvaluationError(f"{where}: no launch vehicle named {t.vehicle!r} in the catalogues") from None
        if t.dv_after_drop_m_s > 0:
            propellant = _propellant_kg(dry, t.dv_after_drop_m_s, t.isp_s)
        wet = dry + propellant
        try:
            payload = vehicle.payload(t.destination)
        except KeyError as exc:
            raise EvaluationError(f"{where}: {exc.args[0]}") from None
        unit_volume = float(m.launch.payload_volume_m3(wet, t.packing_density_kg_m3))
        # a vehicle priced by mass (rideshare) gives no fairing volume: only mass limits it
        fairing = vehicle.fairing_volume_m3 if math.isfinite(vehicle.fairing_volume_m3) else math.inf
        per_flight = math.floor(min(payload / wet, fairing / unit_volume)) if wet > 0 else 0
        if wet <= 0:
            flights = 0.0
        elif per_flight >= 1:
            flights = math.ceil(count / per_flight)
        else:  # a unit larger than one flight: launched in pieces and assembled in orbit
            flights = count * float(m.launch.flights_needed(wet, unit_volume, payload, fairing))
            notes.append(f"{where}: one unit needs several flights and in-orbit assembly")
        tanker_flights = flights * t.tanker_flights_per_flight
        launch_capex = (flights + tanker_flights) * _need(vehicle, "price_usd", where)
        co2_t = float(m.launch.launch_emissions_t(flights + tanker_flights, _need(vehicle, "co2_t_per_flight", where)))
        trace["launch.flights"] = (f"{count:g} units of {wet:.4g} kg / {unit_volume:.4g} m3 (packing {t.packing_density_kg_m3:g} "
                                   f"kg/m3) on {vehicle.name}: {payload:g} kg to {t.destination}, {fairing:g} m3 fairing [catalogue]")
        trace["launch.tanker_flights"] = f"flights × {t.tanker_flights_per_flight:g} tanker flights per flight [element transport]"
        trace["launch.co2"] = f"(flights + tankers) × {vehicle.co2_t_per_flight:.4g} t CO2 per flight [{vehicle.name}]"
        trace["capex.launch"] = f"(flights + tankers) × {vehicle.price_usd:.4g} USD [{vehicle.name}]"

    # ---- cost
    chips_capex = n_chips * _need(chip, "cost_usd", where)
    in_space = site.kind != "ground"
    bus_capex = m.value("cost.spacecraft_bus_cost_usd_per_kg") * (dry - compute_mass) * count if in_space else 0.0
    hardware = chips_capex + (power_capex + storage_capex) * count + bus_capex + sum(el.extra_capex_usd.values())
    integration = m.value("cost.integration_fraction") * hardware if in_space else 0.0
    site_capex = site.capex_usd_per_w * load_w * count
    capex = hardware + integration + launch_capex + site_capex
    energy_price = _need(src, "price_usd_per_kwh", where) if src.kind == "grid" else 0.0
    energy_opex = grid_w * count * HOURS_PER_YEAR / 1000.0 * energy_price
    ops_opex = m.value("cost.ops_cost_fraction_per_year") * (hardware + integration + site_capex)
    opex = energy_opex + ops_opex + sum(el.extra_opex_usd_per_year.values())
    annual = float(m.cost.annualised_cost_usd(capex, opex, discount_rate, life))
    power_annual = float(m.cost.annualised_cost_usd((power_capex + storage_capex) * count, energy_opex, discount_rate, life))
    trace["capex.chips"] = f"{n_chips:g} chips × {chip.cost_usd:.4g} USD [chip {chip.name}]"
    trace["compute.chips"] = trace["compute.units"] = f"{count:g} units × {el.chips_per_unit:g} chips per unit [element]"
    trace["thermal.heat"] = "= power.load (every watt of load ends as heat)"
    trace["power.grid"] = "load + cooling power, bought from the grid" if src.kind == "grid" else "0 (not on the grid)"
    trace["mass.compute"] = f"{count:g} × {el.chips_per_unit:g} × {chip.mass_kg:g} kg [chip {chip.name}]"
    trace["mass.power"] = (f"array area × {src.areal_density_kg_m2:g} kg/m2 [{src.name}]" if src.kind == "solar" else
                           f"generation / {src.specific_power_w_per_kg:g} W/kg [{src.name}]" if src.kind != "grid" else "0 (grid)")
    trace["mass.storage"] = (f"storage energy / {storage.specific_energy_wh_per_kg:g} Wh/kg [{storage.name}]"
                             if storage is not None else "0 (no storage)")
    trace["mass.thermal"] = f"radiator area × {th.areal_density_kg_m2:g} kg/m2 [element]" if th.kind == "radiator" else "0 (facility cooling)"
    trace["mass.shielding"] = (f"{el.shielding_g_cm2:g} g/cm2 [element] over a cube of electronics at "
                               f"{m.value('launch.payload_packing_density_kg_m3'):g} kg/m3 [launch.payload_packing_density_kg_m3] (approximation)")
    trace["mass.structure"] = f"structure_mass_kg(subsystems, {el.structure_fraction:g} [element])"
    trace["mass.propellant"] = (f"propellant_mass(dry, {el.transport.dv_after_drop_m_s:g} m/s, Isp {el.transport.isp_s:g} s) [element transport]"
                                if el.transport is not None else "0 (no transport)")
    trace["mass.other"] = f"plugin items [element]: {', '.join(el.extra_mass_kg) or 'none'}"
    trace["capex.other"] = f"plugin items [element]: {', '.join(el.extra_capex_usd) or 'none'}"
    trace["opex.other"] = f"plugin items [element]: {', '.join(el.extra_opex_usd_per_year) or 'none'}"
    trace["capex.power"] = "generation × $/W + storage energy × $/kWh [catalogue power sources]"
    trace["capex.site"] = f"{site.capex_usd_per_w:g} USD/W [site] × load"
    if not in_space:
        trace["capex.bus"] = trace["capex.integration"] = "0 (on the ground)"
    if in_space:
        trace["capex.bus"] = (f"{m.value('cost.spacecraft_bus_cost_usd_per_kg'):g} USD/kg [cost.spacecraft_bus_cost_usd_per_kg] × "
                              f"non-compute dry mass {dry - compute_mass:.4g} kg × {count:g}")
        trace["capex.integration"] = f"{m.value('cost.integration_fraction'):g} [cost.integration_fraction] × hardware"
    trace["opex.energy"] = f"grid power {grid_w * count:.4g} W × 8766 h × {energy_price:g} USD/kWh [{src.name}]"
    trace["opex.operations"] = f"{m.value('cost.ops_cost_fraction_per_year'):g}/yr [cost.ops_cost_fraction_per_year] × (hardware + integration + site)"
    trace["cost.annual"] = (f"annualised_cost_usd(capex {capex:.4g} USD, opex {opex:.4g} USD/yr, discount {discount_rate:g} "
                            f"[assumptions], life {life:.3g} yr)")

    totals = {
        "compute.delivered": delivered,
        "compute.chips": n_chips,
        "compute.units": count,
        "power.load": load_w * count,
        "power.generation": generation_w * count,
        "power.grid": grid_w * count,
        "power.array_area": array_area * count,
        "power.storage_energy": storage_j * count,
        "thermal.heat": load_w * count,
        "thermal.radiator_area": radiator_area * count,
        "thermal.cooling_power": cooling_w * count,
        "water.use": water_l_per_year * count,
        "mass.compute": compute_mass * count,
        "mass.power": power_mass * count,
        "mass.storage": storage_mass * count,
        "mass.thermal": thermal_mass * count,
        "mass.shielding": shield_mass * count,
        "mass.structure": structure_mass * count,
        "mass.propellant": propellant * count,
        "mass.other": extra_mass * count,
        "launch.flights": flights,
        "launch.tanker_flights": tanker_flights,
        "launch.co2": co2_t,
        "capex.chips": chips_capex,
        "capex.power": (power_capex + storage_capex) * count,
        "capex.bus": bus_capex,
        "capex.other": sum(el.extra_capex_usd.values()),
        "capex.integration": integration,
        "capex.launch": launch_capex,
        "capex.site": site_capex,
        "opex.energy": energy_opex,
        "opex.operations": ops_opex,
        "opex.other": sum(el.extra_opex_usd_per_year.values()),
        "cost.annual": annual,
        "cost.power_annual": power_annual,
        "radiation.dose_rate": dose if has_electronics else 0.0,
        "life.effective": life,
    }
    for k, v in totals.items():
        if k not in trace and v == 0:
            trace[k] = "0 (does not apply to this element)"
    return totals, trace, notes


def _propellant_kg(dry_kg: float, dv_m_s: float, isp_s: float) -> float:
    """Propellant (kg) for ``dv_m_s`` with final mass ``dry_kg``, from the adapter's rocket equation."""
    import astropy.units as u

    from . import trajectory

    return float(trajectory.propellant_mass(dry_kg * u.kg, dv_m_s * u.m / u.s, isp_s * u.s).to_value(u.kg))


def _orbit_library() -> str:
    from . import trajectory

    name, version = trajectory.backend()
    return f"{name} {version}"


#: Display unit and the factor from the ledger's internal value to it, per metric name prefix.
UNITS: dict[str, tuple[str, float]] = {
    "compute.delivered": ("PFLOP/s", 1e-15),
    "compute.chips": ("", 1.0),
    "compute.units": ("", 1.0),
    "power.": ("MW", 1e-6),
    "power.array_area": ("m2", 1.0),
    "power.storage_energy": ("MWh", 1 / 3.6e9),
    "thermal.heat": ("MW", 1e-6),
    "thermal.cooling_power": ("MW", 1e-6),
    "thermal.radiator_area": ("m2", 1.0),
    "water.use": ("ML/yr", 1e-6),
    "mass.": ("t", 1e-3),
    "launch.flights": ("", 1.0),
    "launch.tanker_flights": ("", 1.0),
    "launch.co2": ("t", 1.0),
    "capex.": ("MUSD", 1e-6),
    "opex.": ("MUSD/yr", 1e-6),
    "cost.annual": ("MUSD/yr", 1e-6),
    "cost.power_annual": ("MUSD/yr", 1e-6),
    "radiation.dose_rate": ("krad/yr", 1.0),
    "life.effective": ("yr", 1.0),
}

_MAX = {"radiation.dose_rate", "life.effective"}  # not additive over elements: worst element / shortest life


def _unit(name: str) -> tuple[str, float]:
    if name in UNITS:
        return UNITS[name]
    for prefix, value in UNITS.items():
        if prefix.endswith(".") and name.startswith(prefix):
            return value
    return ("", 1.0)


def evaluate_design(design: Design, registry: Registry, ctx: Context) -> tuple[list[Metric], list[str]]:
    """Evaluate all elements of ``design`` and derive the headline metrics."""
    if not isinstance(design, Design):
        raise EvaluationError(f"design function returned {type(design).__name__}, expected a sandbox.design.Design")
    if not design.elements:
        raise EvaluationError("design has no elements")
    totals: dict[str, float] = {}
    traces: dict[str, list[str]] = {}
    notes = list(design.notes)
    for el in design.elements:
        part, trace, el_notes = evaluate_element(el, registry, ctx.assumptions.discount_rate)
        notes += el_notes
        for k, text in trace.items():
            traces.setdefault(k, []).append(f"{el.name}: {text}" if len(design.elements) > 1 else text)
        for k, v in part.items():
            if k == "life.effective":
                totals[k] = min(totals.get(k, math.inf), v)
            elif k in _MAX:
                totals[k] = max(totals.get(k, 0.0), v)
            else:
                totals[k] = totals.get(k, 0.0) + v
    for k, v in totals.items():
        if not math.isfinite(v) or v < 0:  # a plugin's impossible inputs must not become silent nonsense
            raise EvaluationError(f"metric {k} is {v} (physically impossible); check the design's inputs")
    m = registry.models
    mass_total = sum(v for k, v in totals.items() if k.startswith("mass."))
    capex = sum(v for k, v in totals.items() if k.startswith("capex."))
    opex = sum(v for k, v in totals.items() if k.startswith("opex."))
    delivered = totals["compute.delivered"]
    pflops = delivered / 1e15
    ref = registry.catalogues.chips[ctx.assumptions.reference_chip]
    precision = design.elements[0].precision
    ref_flops = ref.peak_ops_per_s.get(precision, max(ref.peak_ops_per_s.values()))

    metrics = [Metric(k, v * _unit(k)[1], _unit(k)[0], inputs=traces.get(k, ()))
               for k, v in totals.items() if k != "cost.power_annual"]
    if design.elements[0].precision == "int8":  # integer operations are not FLOPs: say so in the unit
        metrics[0].unit = "POP/s"
    metrics.append(Metric("mass.total", mass_total * 1e-3, "t", inputs=[k for k in totals if k.startswith("mass.")]))
    metrics.append(Metric("cost.capex", capex * 1e-6, "MUSD", inputs=[k for k in totals if k.startswith("capex.")]))
    metrics.append(Metric("cost.opex", opex * 1e-6, "MUSD/yr", inputs=[k for k in totals if k.startswith("opex.")]))
    annual = totals["cost.annual"]
    if pflops > 0:
        metrics.append(Metric("cost.per_pflop_day", float(m.cost.cost_per_pflop_day_usd(annual, pflops)), "USD",
                              inputs=["cost.annual", "compute.delivered"]))
        metrics.append(Metric("cost.per_gpu_hour", float(m.cost.cost_per_gpu_hour_usd(annual, delivered, ref_flops)), "USD",
                              inputs=["cost.annual", "compute.delivered", f"assumptions.reference_chip={ref.name}"]))
    if totals["power.load"] > 0:
        metrics.append(Metric("cost.per_kwh", float(m.cost.cost_per_kwh_usd(totals["cost.power_annual"], totals["power.load"])),
                              "USD/kWh", inputs=["capex.power", "opex.energy", "power.load"]))
    energy_kwh = (totals["power.grid"] if totals["power.grid"] > 0 else totals["power.load"]) * HOURS_PER_YEAR / 1000.0
    metrics.append(Metric("energy.use", energy_kwh * 1e-6, "GWh/yr", inputs=["power.load", "power.grid"]))

    # latency: the plugin's modelled path, or the round-trip light time to the farthest element
    if design.latency_samples_s is not None and len(design.latency_samples_s):
        samples = np.asarray(design.latency_samples_s, dtype=float)
        approx = False
    else:
        far = max(el.site.distance_to_earth_m for el in design.elements)
        samples = np.array([2.0 * float(m.links.light_time_s(far))])
        approx = True
    summary = m.links.percentile_summary(samples, (50, 95))
    metrics.append(Metric("latency.p50", float(summary[50]), "s", approximation=approx,
                          inputs=["round-trip light time"] if approx else ["design.latency_samples_s"]))
    metrics.append(Metric("latency.p95", float(summary[95]), "s", approximation=approx,
                          inputs=["round-trip light time"] if approx else ["design.latency_samples_s"]))
    if math.isfinite(design.link_to_earth_bps):
        metrics.append(Metric("link.to_earth", design.link_to_earth_bps * 1e-9, "Gbit/s",
                              inputs=["design.link_to_earth_bps (the plugin's link budget; see its metrics)"]))
    metrics.append(Metric("time.years_to_service", design.years_to_service, "yr",
                          inputs=["design.years_to_service (from the plugin's parameters; see its notes)"]))
    for extra in design.metrics:
        if not isinstance(extra, Metric) or not math.isfinite(extra.value) or extra.value < 0:
            raise EvaluationError(f"design metric {getattr(extra, 'name', extra)!r} = {getattr(extra, 'value', '?')} "
                                  "(must be a Metric with a finite value >= 0)")
    metrics.extend(design.metrics)
    return metrics, notes


# --------------------------------------------------------------------------- run
def _rng(seed: int, instance: str) -> np.random.Generator:
    digest = hashlib.sha256(f"{seed}:{instance}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


def evaluate(scenario: Scenario, registry: Registry) -> RunResult:
    """Evaluate every architecture of ``scenario``; a failing plugin is reported, the rest still run."""
    started = time.time()
    runs = list(scenario.architectures)
    baseline = next((r.instance for r in runs if r.spec.baseline), None)
    added_baseline = False
    if baseline is None:
        spec = next((s for s in registry.architectures.values() if s.baseline), None)
        if spec is not None:
            params = Params({p.name: check_value(p, p.default) for p in spec.params})
            runs.append(ArchitectureRun(spec.name, spec, params))
            baseline, added_baseline = spec.name, True
    ledgers: dict[str, Ledger] = {}
    failures: dict[str, str] = {}
    for run in runs:
        plugin = registry.architecture_owner.get(run.spec.name, "?")
        ctx = Context(registry.catalogues, registry.models, scenario.workload, scenario.assumptions,
                      _rng(scenario.seed, run.instance), run.instance)
        try:
            design = run.spec.design(run.params, ctx)
            metrics, notes = evaluate_design(design, registry, ctx)
            ledger = Ledger(run.instance, run.spec.name, plugin, metrics, notes)
            for plugin_name, extra in call_each(registry.pm, "sandbox_extra_metrics",
                                                lambda _p, r=run, d=design, lg=ledger, c=ctx: {
                                                    "architecture": r.instance, "design": d, "ledger": lg, "context": c}):
                for metric in extra or []:
                    if not isinstance(metric, Metric) or not math.isfinite(metric.value) or metric.value < 0:
                        raise PluginError(f"plugin {plugin_name!r} returned an impossible extra metric for "
                                          f"{run.instance!r}: {metric!r}")
                    ledger.metrics.append(metric)
        except PluginError as exc:
            failures[run.instance] = str(exc)
            continue
        except Exception as exc:  # a faulty plugin must not take the other architectures down
            failures[run.instance] = f"architecture {run.instance!r} (plugin {plugin!r}): {type(exc).__name__}: {exc}"
            continue
        ledgers[run.instance] = ledger
    if baseline in ledgers:
        _relative(ledgers, ledgers[baseline])
    provenance = _provenance(scenario, registry, started, added_baseline, baseline)
    result = RunResult(scenario, ledgers, failures, baseline, provenance)
    try:
        call_each(registry.pm, "sandbox_run_finished", lambda _p: {"result": result})
    except PluginError as exc:
        result.failures["sandbox_run_finished"] = str(exc)
    return result


RELATIVE = ("cost.per_pflop_day", "cost.per_gpu_hour", "cost.per_kwh", "latency.p50", "energy.use", "time.years_to_service")


def _relative(ledgers: dict[str, Ledger], base: Ledger) -> None:
    for ledger in ledgers.values():
        for name in RELATIVE:
            if ledger.has(name) and base.has(name) and base.get(name) > 0:
                ledger.metrics.append(Metric(f"{name}.vs_baseline", ledger.get(name) / base.get(name), "x",
                                             inputs=[name, f"{base.instance}.{name}"]))


def _provenance(scenario: Scenario, registry: Registry, started: float, added_baseline: bool, baseline: str | None) -> dict[str, Any]:
    import sys

    from . import __version__

    return {
        "scenario": {"path": scenario.path, "sha256": scenario.sha256, "name": scenario.name},
        "seed": scenario.seed,
        "sandbox_version": __version__,
        "plugins": [{"name": p.name, "distribution": p.distribution, "version": p.version, "hooks": p.hooks}
                    for p in registry.plugins],
        "plugin_load_errors": [{"name": p.name, "error": p.error} for p in registry.load_errors],
        "replaced_models": registry.models.replaced,
        "orbit_library": _orbit_library() if ("boinor" in sys.modules or "poliastro" in sys.modules) else None,
        "baseline": baseline,
        "baseline_added_by_engine": added_baseline,
        "parameters": {r.instance: {"type": r.spec.name, "overridden": sorted(r.params.overridden),
                                     "values": {k: str(v) for k, v in r.params.values.items()}}
                       for r in scenario.architectures},
        "started_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "elapsed_s": round(time.time() - started, 3),
    }
