"""One element of a design on the shared ledger: radiation, compute, power, thermal, mass, launch, cost.

:func:`evaluate_element` is the engine's sizing of one :class:`~sandbox.core.design.Element`, the
same for every architecture. It is written once for both uses:

- a run (``explain=True``): every value is a scalar, each metric gets a trace naming the model
  call and where its inputs came from, and an impossible input raises :class:`EvaluationError`;
- a study (``explain=False``): some model defaults or catalogue fields are arrays of one value
  per point (:class:`~sandbox.ledger.inputs.LedgerInputs`); numpy broadcasts them through the same
  arithmetic, and a point whose inputs are impossible gets NaN in every metric instead of
  stopping the other points.

Everything inside is plain SI floats or float arrays; the unit is in each name.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from sandbox.core.design import Element
from sandbox.ledger.inputs import NOMINAL, LedgerInputs, as_array

HOURS_PER_YEAR = 8766.0  # Julian year, 365.25 d × 24 h
J_PER_KWH = 3.6e6


#: The shared-model defaults the engine itself reads while sizing an element (the ones a study's
#: ledger inputs can vary without calling the design again). Other defaults are read by design
#: functions, usually through their parameters' defaults.
LEDGER_DEFAULTS = ("radiation.dose_rate_scale", "radiation.cots_tid_krad", "radiation.design_margin", "power.pmad_efficiency",
                   "power.pointing_factor", "launch.payload_packing_density_kg_m3",
                   "cost.spacecraft_bus_cost_usd_per_kg", "cost.integration_fraction",
                   "cost.ops_cost_fraction_per_year")


class EvaluationError(Exception):
    """A design could not be evaluated; the message names the element and the cause."""


class _Checks:
    """Impossible inputs: raised in a run, masked to NaN per point in a study."""

    def __init__(self, where: str, strict: bool):
        self.where = where
        self.strict = strict
        self.bad: Any = False

    def fail(self, mask: Any, message: str) -> None:
        mask = np.asarray(mask, dtype=bool)
        if self.strict and bool(np.any(mask)):
            raise EvaluationError(f"{self.where}: {message}")
        self.bad = self.bad | mask

    def need(self, entry: Any, field_name: str) -> Any:
        """A catalogue field the ledger needs; NaN (not given) is an error naming the entry."""
        value = as_array(getattr(entry, field_name))
        if bool(np.any(np.isnan(value))):
            raise EvaluationError(f"{self.where}: catalogue entry {entry.name!r} gives no {field_name}, which this design needs")
        return value if value.ndim else float(value)


def _lookup(table: dict, kind: str, name: str | None, where: str, inputs: LedgerInputs) -> Any:
    try:
        return inputs.entry(kind, table[name])
    except KeyError:
        label = {"chips": "chip", "power_sources": "power source", "launch_vehicles": "launch vehicle"}[kind]
        raise EvaluationError(f"{where}: no {label} named {name!r} in the catalogues") from None


def evaluate_element(el: Element, registry: Any, discount_rate: float, inputs: LedgerInputs = NOMINAL,
                     explain: bool = True) -> tuple[dict[str, Any], dict[str, str], list[str]]:
    """Evaluate one element on the shared ledger.

    Returns additive totals over ``el.count`` units (plain SI floats keyed by metric name, or
    arrays of one value per point when ``inputs`` holds arrays), a trace per metric (the model
    call and the inputs, with where each came from: the element, a catalogue entry or a cited
    model default; only when ``explain``) and notes. All sizing uses ``registry.models``.
    """
    m = registry.models
    cat = registry.catalogues
    mv = lambda name: inputs.model(m, name)  # noqa: E731 - a model default, nominal or per point
    notes: list[str] = []
    trace: dict[str, str] = {}
    where = f"element {el.name!r}"
    chk = _Checks(where, strict=explain)
    if inputs.discount_rate is not None:
        discount_rate = inputs.discount_rate
    chip = _lookup(cat.chips, "chips", el.chip, where, inputs)
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
    scale = mv("radiation.dose_rate_scale")
    if site.radiation_environment == "leo":
        dose = m.radiation.leo_dose_rate_krad_per_year(site.altitude_m, site.inclination_deg, shield, scale)
    else:
        dose = m.radiation.dose_rate_krad_per_year(site.radiation_environment, shield, scale)
    chip_tid = as_array(chip.tid_krad)
    tolerance = np.where(chip_tid > 0, chip_tid, mv("radiation.cots_tid_krad"))
    has_electronics = el.chips_per_unit > 0
    tid_life = m.radiation.tid_lifetime_years(tolerance, dose, mv("radiation.design_margin")) if has_electronics else math.inf
    life = np.minimum(el.lifetime_years, tid_life)

    # ---- compute
    n_chips = count * el.chips_per_unit
    survival = m.compute.mean_survival_fraction(el.failure_rate_per_year, life)
    derate = float(m.compute.radiation_derating(el.redundancy, el.checkpoint_overhead, el.scrub_overhead))
    delivered = m.compute.delivered_ops(peak, n_chips, el.utilisation, derate * survival)

    # ---- power (per unit)
    tdp_w = chk.need(chip, "power_w")
    if el.chip_power_w is not None:
        chk.fail((el.chip_power_w <= 0) | (el.chip_power_w > tdp_w),
                 f"chip power {el.chip_power_w:g} W must be > 0 and <= the {chip.name} TDP {np.min(tdp_w):g} W")
    chip_w = tdp_w if el.chip_power_w is None else el.chip_power_w
    compute_w = el.chips_per_unit * chip_w
    load_w = compute_w * (1.0 + el.power.bus_power_fraction) + el.extra_power_w
    src = _lookup(cat.power_sources, "power_sources", el.power.source, where, inputs)
    storage = _lookup(cat.power_sources, "power_sources", el.power.storage, where, inputs) if el.power.storage else None
    pmad = mv("power.pmad_efficiency") if site.kind != "ground" else 1.0
    array_area = power_mass = power_capex = storage_j = storage_mass = storage_capex = 0.0
    generation_w: Any = 0.0
    grid_w: Any = 0.0
    rte: Any = 1.0
    flux = 0.0
    if src.kind == "solar":
        dark = site.eclipse_fraction > 0 or site.longest_dark_s > 0
        if dark and storage is None:
            raise EvaluationError(f"{where}: solar power at a site with dark periods needs a storage power source")
        rte = chk.need(storage, "round_trip_efficiency") if storage is not None else 1.0
        generation_w = m.power.array_power_required_w(load_w, site.eclipse_fraction, rte) / pmad
        flux = float(m.power.solar_flux_w_m2(site.sun_distance_au))
        array_area = m.power.array_area_m2(generation_w, flux, chk.need(src, "efficiency"), chk.need(src, "packing_factor"),
                                           src.degradation_per_year, life, mv("power.pointing_factor"))
        power_mass = m.power.array_mass_kg(array_area, chk.need(src, "areal_density_kg_m2"))
        power_capex = chk.need(src, "cost_usd_per_w") * generation_w
    elif src.kind in ("fission", "radioisotope", "beamed"):
        generation_w = load_w / pmad
        power_mass = m.power.generator_mass_kg(generation_w, chk.need(src, "specific_power_w_per_kg"))
        power_capex = chk.need(src, "cost_usd_per_w") * generation_w
    elif src.kind != "grid":
        raise EvaluationError(f"{where}: power source {src.name!r} of kind {src.kind!r} cannot supply an element")
    if storage is not None and site.longest_dark_s > 0:
        storage_j = m.power.storage_energy_j(load_w, site.longest_dark_s, chk.need(storage, "depth_of_discharge"))
        storage_mass = m.power.storage_mass_kg(storage_j, chk.need(storage, "specific_energy_wh_per_kg"))
        storage_capex = storage_j / J_PER_KWH * chk.need(storage, "cost_usd_per_kwh")

    # ---- thermal (per unit): every electrical watt of the load ends as heat
    th = el.thermal
    radiator_area = thermal_mass = cooling_w = water_l_per_year = 0.0
    if th.kind == "radiator":
        radiator_area = m.thermal.radiator_area_m2(load_w, th.temperature_k, th.emissivity,
                                                   site.radiator_sink_k, site.absorbed_w_m2, th.sides)
        chk.fail(~np.isfinite(radiator_area), f"a radiator at {th.temperature_k:g} K absorbs more than it emits at this site")
        thermal_mass = m.thermal.radiator_mass_kg(radiator_area, th.areal_density_kg_m2)
    elif th.kind == "facility":
        cooling_w = m.thermal.terrestrial_cooling_power_w(load_w, th.pue)
        water_l_per_year = m.thermal.water_use_l_per_year(load_w, th.wue_l_per_kwh)
    else:
        raise EvaluationError(f"{where}: thermal kind must be 'radiator' or 'facility', got {th.kind!r}")
    if src.kind == "grid":
        grid_w = load_w + cooling_w

    # ---- mass (per unit)
    compute_mass = el.chips_per_unit * chk.need(chip, "mass_kg")
    shield_mass: Any = 0.0
    packing = mv("launch.payload_packing_density_kg_m3")
    if el.shielding_g_cm2 > 0:
        # Approximation: the electronics sit in a cube of payload bulk density; the shield covers its six faces.
        side_m = (compute_mass / packing) ** (1.0 / 3.0)
        shield_mass = np.where(compute_mass > 0, m.radiation.shielding_mass_kg(6.0 * side_m**2, el.shielding_g_cm2), 0.0)
    extra_mass = sum(el.extra_mass_kg.values())
    subsystems = compute_mass + power_mass + storage_mass + thermal_mass + shield_mass + extra_mass
    structure_mass = m.launch.structure_mass_kg(subsystems, el.structure_fraction) if el.structure_fraction > 0 else 0.0
    dry = subsystems + structure_mass
    propellant: Any = 0.0
    flights: Any = 0.0
    tanker_flights = launch_capex = co2_t = 0.0
    vehicle = None
    unit_volume: Any = 0.0
    fairing: Any = math.inf
    payload: Any = 0.0
    if el.transport is not None:
        t = el.transport
        vehicle = _lookup(cat.launch_vehicles, "launch_vehicles", t.vehicle, where, inputs)
        if t.dv_after_drop_m_s > 0:
            propellant = _propellant_kg(dry, t.dv_after_drop_m_s, t.isp_s)
        wet = as_array(dry + propellant)
        try:
            payload = vehicle.payload(t.destination)
        except KeyError as exc:
            raise EvaluationError(f"{where}: {exc.args[0]}") from None
        unit_volume = m.launch.payload_volume_m3(wet, t.packing_density_kg_m3)
        # a vehicle priced by mass (rideshare) gives no fairing volume: only mass limits it
        fairing = np.where(np.isfinite(vehicle.fairing_volume_m3), vehicle.fairing_volume_m3, np.inf)
        with np.errstate(divide="ignore", invalid="ignore"):
            per_flight = np.where(wet > 0, np.floor(np.minimum(payload / np.where(wet > 0, wet, 1.0),
                                                               fairing / np.where(wet > 0, unit_volume, 1.0))), 0.0)
            whole = np.ceil(count / np.where(per_flight >= 1, per_flight, 1.0))
        pieces = (wet > 0) & (per_flight < 1)  # a unit larger than one flight: launched in pieces, assembled in orbit
        if bool(np.any(pieces)):
            split = count * m.launch.flights_needed(np.where(pieces, wet, 0.0), np.where(pieces, unit_volume, 0.0), payload, fairing)
            if explain:
                notes.append(f"{where}: one unit needs several flights and in-orbit assembly")
        else:
            split = 0.0
        flights = np.where(wet <= 0, 0.0, np.where(per_flight >= 1, whole, split))
        tanker_flights = flights * t.tanker_flights_per_flight
        launch_capex = (flights + tanker_flights) * chk.need(vehicle, "price_usd")
        co2_t = m.launch.launch_emissions_t(flights + tanker_flights, chk.need(vehicle, "co2_t_per_flight"))

    # ---- cost
    chips_capex = n_chips * chk.need(chip, "cost_usd")
    in_space = site.kind != "ground"
    bus_usd_per_kg = mv("cost.spacecraft_bus_cost_usd_per_kg")
    bus_capex = bus_usd_per_kg * (dry - compute_mass) * count if in_space else 0.0
    hardware = chips_capex + (power_capex + storage_capex) * count + bus_capex + sum(el.extra_capex_usd.values())
    integration = mv("cost.integration_fraction") * hardware if in_space else 0.0
    site_capex = site.capex_usd_per_w * load_w * count
    capex = hardware + integration + launch_capex + site_capex
    energy_price = chk.need(src, "price_usd_per_kwh") if src.kind == "grid" else 0.0
    energy_opex = grid_w * count * HOURS_PER_YEAR / 1000.0 * energy_price
    ops_opex = mv("cost.ops_cost_fraction_per_year") * (hardware + integration + site_capex)
    opex = energy_opex + ops_opex + sum(el.extra_opex_usd_per_year.values())
    annual = m.cost.annualised_cost_usd(capex, opex, discount_rate, life)
    power_annual = m.cost.annualised_cost_usd((power_capex + storage_capex) * count, energy_opex, discount_rate, life)

    totals: dict[str, Any] = {
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
    if not explain:
        bad = chk.bad
        return {k: np.where(bad, np.nan, v) if np.ndim(bad) else v for k, v in totals.items()}, trace, notes

    totals = {k: float(v) for k, v in totals.items()}
    if tid_life < el.lifetime_years:
        notes.append(f"{where}: total dose limits life to {float(tid_life):.1f} yr (design life {el.lifetime_years:g} yr)")
    _explain(trace, el, chip, src, storage, vehicle, m, inputs, {
        "dose": float(dose), "tolerance": float(tolerance), "tid_life": float(tid_life), "life": float(life),
        "peak": float(peak), "n_chips": n_chips, "count": count, "survival": float(survival), "derate": derate,
        "chip_w": float(chip_w), "load_w": float(load_w), "rte": float(rte), "pmad": float(pmad), "flux": flux,
        "generation_w": float(generation_w), "wet": float(dry + propellant), "grid_w": float(grid_w),
        "energy_price": float(energy_price), "capex": float(capex), "opex": float(opex), "dry": float(dry),
        "compute_mass": float(compute_mass), "discount_rate": float(discount_rate), "packing": float(packing),
        "bus_usd_per_kg": float(bus_usd_per_kg), "unit_volume": float(unit_volume), "fairing": float(fairing),
        "payload": float(payload),
    })
    for k, v in totals.items():
        if k not in trace and v == 0:
            trace[k] = "0 (does not apply to this element)"
    return totals, trace, notes


def _explain(trace: dict[str, str], el: Element, chip: Any, src: Any, storage: Any, vehicle: Any, m: Any,
             inputs: LedgerInputs, v: dict[str, float]) -> None:
    """Fill ``trace`` with one line per metric: the model call and where each input came from."""
    site, th, count = el.site, el.thermal, v["count"]
    mv = lambda name: float(inputs.model(m, name))  # noqa: E731
    trace["radiation.dose_rate"] = (f"radiation dose model, environment {site.radiation_environment!r} (altitude "
                                    f"{site.altitude_m / 1e3:g} km), shielding {el.shielding_g_cm2:g} + local {el.local_shielding_g_cm2:g} g/cm2 [element]")
    tol_from = "chip " + chip.name if float(chip.tid_krad) > 0 else "radiation.cots_tid_krad"
    trace["life.effective"] = (f"min(design life {el.lifetime_years:g} yr [element], total-dose life {v['tid_life']:.3g} yr = "
                               f"tid_lifetime_years({v['tolerance']:g} krad [{tol_from}], {v['dose']:.3g} krad/yr, margin "
                               f"{mv('radiation.design_margin'):g} [radiation.design_margin]))")
    trace["compute.delivered"] = (f"delivered_ops(peak {v['peak']:.4g} OP/s [chip {chip.name}, {el.precision}], {v['n_chips']:g} chips "
                                  f"[element: {count:g} × {el.chips_per_unit:g}], utilisation {el.utilisation:g} [element], "
                                  f"derate {v['derate']:.3g} = radiation_derating(redundancy {el.redundancy:g}, checkpoint "
                                  f"{el.checkpoint_overhead:g}, scrub {el.scrub_overhead:g}) × survival {v['survival']:.3g} = "
                                  f"mean_survival_fraction({el.failure_rate_per_year:g}/yr, {v['life']:.3g} yr))")
    trace["power.load"] = (f"{count:g} × ({el.chips_per_unit:g} chips × {v['chip_w']:g} W [chip {chip.name}"
                           f"{'' if el.chip_power_w is None else ', power-capped by the element'}] × "
                           f"(1 + bus {el.power.bus_power_fraction:g} [element]) + other {el.extra_power_w:g} W [element])")
    load_w, pmad = v["load_w"], v["pmad"]
    if src.kind == "solar":
        trace["power.generation"] = (f"array_power_required_w(load {load_w:.4g} W, eclipse fraction {site.eclipse_fraction:.4g} "
                                     f"[site], round trip {v['rte']:g} [{el.power.storage or '-'}]) / PMAD {pmad:g} [power.pmad_efficiency]")
        trace["power.array_area"] = (f"array_area_m2({v['generation_w']:.4g} W, flux {v['flux']:.1f} W/m2 at {site.sun_distance_au:g} AU "
                                     f"[power.solar_constant_w_m2], cell {src.efficiency:g}, packing {src.packing_factor:g}, "
                                     f"degradation {src.degradation_per_year:g}/yr [{src.name}], life {v['life']:.3g} yr, pointing "
                                     f"[power.pointing_factor]) × {count:g}")
    elif src.kind != "grid":
        trace["power.generation"] = f"load {load_w:.4g} W / PMAD {pmad:g} [power.pmad_efficiency] ({src.kind} {src.name})"
    if storage is not None and site.longest_dark_s > 0:
        trace["power.storage_energy"] = (f"storage_energy_j(load {load_w:.4g} W, longest dark {site.longest_dark_s:.4g} s [site], "
                                         f"depth of discharge {storage.depth_of_discharge:g} [{storage.name}]) × {count:g}")
    if th.kind == "radiator":
        trace["thermal.radiator_area"] = (f"radiator_area_m2(heat {load_w:.4g} W = load, {th.temperature_k:g} K, emissivity "
                                          f"{th.emissivity:g}, {th.sides} sides [element], sink {site.radiator_sink_k:g} K, "
                                          f"absorbed {site.absorbed_w_m2:.4g} W/m2 [site]) × {count:g}")
    else:
        trace["thermal.cooling_power"] = f"terrestrial_cooling_power_w(load {load_w:.4g} W, PUE {th.pue:g} [element])"
        trace["water.use"] = f"load {load_w:.4g} W × 8766 h × WUE {th.wue_l_per_kwh:g} L/kWh [element]"
    if vehicle is not None:
        t = el.transport
        trace["launch.flights"] = (f"{count:g} units of {v['wet']:.4g} kg / {v['unit_volume']:.4g} m3 (packing "
                                   f"{t.packing_density_kg_m3:g} kg/m3) on {vehicle.name}: {v['payload']:g} kg to {t.destination}, "
                                   f"{v['fairing']:g} m3 fairing [catalogue]")
        trace["launch.tanker_flights"] = f"flights × {t.tanker_flights_per_flight:g} tanker flights per flight [element transport]"
        trace["launch.co2"] = f"(flights + tankers) × {float(vehicle.co2_t_per_flight):.4g} t CO2 per flight [{vehicle.name}]"
        trace["capex.launch"] = f"(flights + tankers) × {float(vehicle.price_usd):.4g} USD [{vehicle.name}]"
    trace["capex.chips"] = f"{v['n_chips']:g} chips × {float(chip.cost_usd):.4g} USD [chip {chip.name}]"
    trace["compute.chips"] = trace["compute.units"] = f"{count:g} units × {el.chips_per_unit:g} chips per unit [element]"
    trace["thermal.heat"] = "= power.load (every watt of load ends as heat)"
    trace["power.grid"] = "load + cooling power, bought from the grid" if src.kind == "grid" else "0 (not on the grid)"
    trace["mass.compute"] = f"{count:g} × {el.chips_per_unit:g} × {float(chip.mass_kg):g} kg [chip {chip.name}]"
    trace["mass.power"] = (f"array area × {src.areal_density_kg_m2:g} kg/m2 [{src.name}]" if src.kind == "solar" else
                           f"generation / {src.specific_power_w_per_kg:g} W/kg [{src.name}]" if src.kind != "grid" else "0 (grid)")
    trace["mass.storage"] = (f"storage energy / {storage.specific_energy_wh_per_kg:g} Wh/kg [{storage.name}]"
                             if storage is not None else "0 (no storage)")
    trace["mass.thermal"] = f"radiator area × {th.areal_density_kg_m2:g} kg/m2 [element]" if th.kind == "radiator" else "0 (facility cooling)"
    trace["mass.shielding"] = (f"{el.shielding_g_cm2:g} g/cm2 [element] over a cube of electronics at "
                               f"{v['packing']:g} kg/m3 [launch.payload_packing_density_kg_m3] (approximation)")
    trace["mass.structure"] = f"structure_mass_kg(subsystems, {el.structure_fraction:g} [element])"
    trace["mass.propellant"] = (f"propellant_mass(dry, {el.transport.dv_after_drop_m_s:g} m/s, Isp {el.transport.isp_s:g} s) [element transport]"
                                if el.transport is not None else "0 (no transport)")
    trace["mass.other"] = f"plugin items [element]: {', '.join(el.extra_mass_kg) or 'none'}"
    trace["capex.other"] = f"plugin items [element]: {', '.join(el.extra_capex_usd) or 'none'}"
    trace["opex.other"] = f"plugin items [element]: {', '.join(el.extra_opex_usd_per_year) or 'none'}"
    trace["capex.power"] = "generation × $/W + storage energy × $/kWh [catalogue power sources]"
    trace["capex.site"] = f"{site.capex_usd_per_w:g} USD/W [site] × load"
    if site.kind == "ground":
        trace["capex.bus"] = trace["capex.integration"] = "0 (on the ground)"
    else:
        trace["capex.bus"] = (f"{v['bus_usd_per_kg']:g} USD/kg [cost.spacecraft_bus_cost_usd_per_kg] × "
                              f"non-compute dry mass {v['dry'] - v['compute_mass']:.4g} kg × {count:g}")
        trace["capex.integration"] = f"{mv('cost.integration_fraction'):g} [cost.integration_fraction] × hardware"
    trace["opex.energy"] = f"grid power {v['grid_w'] * count:.4g} W × 8766 h × {v['energy_price']:g} USD/kWh [{src.name}]"
    trace["opex.operations"] = f"{mv('cost.ops_cost_fraction_per_year'):g}/yr [cost.ops_cost_fraction_per_year] × (hardware + integration + site)"
    trace["cost.annual"] = (f"annualised_cost_usd(capex {v['capex']:.4g} USD, opex {v['opex']:.4g} USD/yr, discount {v['discount_rate']:g} "
                            f"[assumptions], life {v['life']:.3g} yr)")


def _propellant_kg(dry_kg: Any, dv_m_s: float, isp_s: float) -> Any:
    """Propellant (kg) for ``dv_m_s`` with final mass ``dry_kg``, from the adapter's rocket equation."""
    import astropy.units as u

    from sandbox import trajectory

    value = trajectory.propellant_mass(as_array(dry_kg) * u.kg, dv_m_s * u.m / u.s, isp_s * u.s).to_value(u.kg)
    return value if np.ndim(value) else float(value)
