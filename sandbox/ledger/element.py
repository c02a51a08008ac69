"""One element of a design on the shared ledger: radiation, compute, power, thermal, mass, launch, cost.

:func:`evaluate_element` is the engine's sizing of one :class:`~sandbox.core.design.Element`, the
same for every architecture. It is written once for both uses:

- a run (``explain=True``): every value is a scalar, each metric gets a trace naming the model
  call and where its inputs came from, and an impossible input raises :class:`EvaluationError`;
- a study (``explain=False``): some model defaults or catalogue fields are arrays of one value
  per point (:class:`~sandbox.ledger.inputs.LedgerInputs`); numpy broadcasts them through the same
  arithmetic, and a point whose inputs are impossible gets NaN in every metric instead of
  stopping the other points.

The compute chain (dose → total-dose life → survival → derating → delivered compute) is
:func:`compute_chain`; design functions reach it only through the engine's sizer
(``context.units_for_workload``), never by recomputing it.

The common envelope every element carries the same way (docs/models.md, "One envelope"):

- the host server of each accelerator (the chip's ``host_*`` catalogue fields × ``host_fraction``);
- the repair policy (``"none"``: survival decays over the life; ``"onsite"``: failed parts are
  replaced within ``compute.repair_time_days`` at ``cost.repair_*`` per failure);
- the array and storage technology by site type when a plugin leaves them ``"auto"``
  (:data:`AUTO_TECHNOLOGY`);
- every kilogram priced once: chips and hosts per unit, power per W and per kWh, all other
  hardware per kg at the element's production-class rate, propellant through the launch.

Everything inside is plain SI floats or float arrays; the unit is in each name.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from sandbox.core.design import Element
from sandbox.ledger.inputs import NOMINAL, LedgerInputs, as_array
from sandbox.models._util import SECONDS_PER_YEAR
from sandbox.models.radiation import GCR_DEFAULTS

HOURS_PER_YEAR = 8766.0  # Julian year, 365.25 d × 24 h
DAYS_PER_YEAR = 365.25
J_PER_KWH = 3.6e6

#: The shared-model defaults the engine itself reads while sizing an element (the ones a study's
#: ledger inputs can vary without calling the design again). Other defaults are read by design
#: functions, usually through their parameters' defaults.
LEDGER_DEFAULTS = (
    "radiation.dose_rate_scale", "radiation.cots_tid_krad", "radiation.design_margin",
    "radiation.cots_see_cross_section_cm2", "radiation.see_flux_scale", "radiation.sdc_time_lost_per_event_s",
    "compute.repair_time_days", "power.pmad_efficiency", "power.pointing_factor",
    "radiation.shielded_electronics_density_kg_m3", "launch.ep_specific_mass_kg_per_kw", "launch.propellant_tankage_fraction",
    "cost.hardware_usd_per_kg_mass_produced", "cost.hardware_usd_per_kg_small_series",
    "cost.hardware_usd_per_kg_bespoke", "cost.integration_fraction", "cost.insurance_fraction",
    "cost.ops_cost_fraction_per_year", "cost.ground_segment_cost_usd_per_year", "cost.building_life_years",
    "cost.repair_labour_usd",
    "cost.repair_parts_fraction", "links.user_network_rtt_s", "links.query_processing_time_s",
    "links.geo_relay_path_m",
)

#: Production classes and the model default holding each one's hardware price per kg.
PRODUCTION_CLASSES = {
    "mass-produced": "cost.hardware_usd_per_kg_mass_produced",
    "small-series": "cost.hardware_usd_per_kg_small_series",
    "bespoke": "cost.hardware_usd_per_kg_bespoke",
}
REPAIR_POLICIES = ("none", "onsite", "servicing")
#: Chips one inference job spans when the element does not say (one 8-accelerator server: NVIDIA DGX/HGX
#: H100 and B200 systems carry 8 GPUs; a model replica too large for one chip is sharded across them).
DEFAULT_CHIPS_PER_JOB = 8.0

#: Array and storage technology for a power system left ``"auto"``, by the site's radiation
#: environment: silicon in low Earth orbit, where the magnetosphere shields the cells; III-V
#: triple-junction beyond it, where proton fluence degrades silicon cells several times faster
#: (practice of LEO constellations vs GEO and deep-space missions: NASA Ames, "State-of-the-Art of
#: Small Spacecraft Technology", 2024, ch. 3 Power). Storage: space lithium-ion for orbits with
#: eclipses, regenerative fuel cells for a surface site's night of days. An orbit's batteries are sized to the
#: depth of discharge their number of cycles allows: shallow (~30 %) for the thousands of eclipses a year of a low
#: orbit, deep (~80 %) for the few of GEO or a libration-point orbit (:data:`DEEP_CYCLE_MAX_PER_YEAR`).
AUTO_TECHNOLOGY = {
    ("solar", "leo"): "Si-COTS",
    ("solar", "other"): "GaAs-ROSA",
    ("storage", "orbit"): "Li-ion-space",
    ("storage", "deep-cycle orbit"): "Li-ion-space-deep",
    ("storage", "surface"): "RFC-lunar",
}

#: Eclipses a year below which an orbit's batteries are deep-cycled (an approximation: the border between the
#: two practices of New SMAD (Wertz, Everett & Puschell 2011), ch. 21: ~90 eclipses a year in GEO allow 60–80 % depth
#: of discharge, while a low orbit's ~1,000–5,500 a year limit it to 20–40 %). The count is estimated from the site
#: as eclipse fraction × year / longest eclipse, a lower bound (GEO ~70, a 650 km dawn–dusk orbit ~1,100).
DEEP_CYCLE_MAX_PER_YEAR = 300.0


def worst_eclipse(site: Any) -> float:
    """The dark share of the site's darkest cycle, which a solar array must carry (``eclipse_fraction`` if not given)."""
    worst = site.worst_eclipse_fraction
    return float(site.eclipse_fraction if worst is None else worst)


def eclipse_cycles_per_year(site: Any) -> float:
    """Eclipses a year at ``site`` (orbit), at least: eclipse fraction × year / longest eclipse; 0 with no eclipse."""
    fraction, longest_s = float(site.eclipse_fraction), float(site.longest_dark_s)
    return fraction * SECONDS_PER_YEAR / longest_s if fraction > 0 and longest_s > 0 else 0.0


class EvaluationError(Exception):
    """A design could not be evaluated; the message names the element and the cause."""


#: The largest metric value, in its display unit, a ledger reports: the float32 range a study's table stores
#: (3.4e38; no physical system comes near it: the Earth's mass is 6e21 t). A larger one is an impossible input.
LARGEST = float(np.finfo(np.float32).max)


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


def _lookup(table: Any, kind: str, name: str | None, where: str, inputs: LedgerInputs) -> Any:
    try:
        return inputs.entry(kind, table[name])
    except KeyError:
        label = {"chips": "chip", "power_sources": "power source", "launch_vehicles": "launch vehicle"}[kind]
        raise EvaluationError(f"{where}: no {label} named {name!r} in the catalogues") from None


def auto_technology(kind: str, site: Any) -> str:
    """The catalogue entry an ``"auto"`` solar array or storage resolves to at ``site`` (:data:`AUTO_TECHNOLOGY`)."""
    if kind == "solar":
        return AUTO_TECHNOLOGY[("solar", "leo" if site.radiation_environment == "leo" else "other")]
    if site.kind == "surface":
        return AUTO_TECHNOLOGY[("storage", "surface")]
    deep = eclipse_cycles_per_year(site) < DEEP_CYCLE_MAX_PER_YEAR
    return AUTO_TECHNOLOGY[("storage", "deep-cycle orbit" if deep else "orbit")]


def resolve_power(el: Element) -> tuple[str, str | None]:
    """(source, storage) catalogue names of ``el`` with ``"auto"`` resolved by site type."""
    source = el.power.source
    storage = el.power.storage
    if source == "auto":
        source = auto_technology("solar", el.site)
    if storage == "auto":
        storage = auto_technology("storage", el.site)
    return source, storage


def _validate(el: Element, where: str) -> None:
    if el.count < 0 or el.chips_per_unit < 0:
        raise EvaluationError(f"{where}: count and chips per unit must be >= 0")
    if el.chips_per_unit > 0 and not el.chip:
        raise EvaluationError(f"{where}: chips_per_unit = {el.chips_per_unit:g} needs a chip")
    if el.repair not in REPAIR_POLICIES:
        raise EvaluationError(f"{where}: repair must be one of {', '.join(REPAIR_POLICIES)}, got {el.repair!r}")
    if el.repair == "servicing":
        s = el.servicing
        if s is None:
            raise EvaluationError(f"{where}: repair = 'servicing' needs a Servicing (visits, cost per visit)")
        for label, value in (("visits_per_year", s.visits_per_year), ("cost_per_visit_usd", s.cost_per_visit_usd),
                             ("launch_kg_per_visit", s.launch_kg_per_visit), ("parts_fraction", s.parts_fraction)):
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value >= 0):
                raise EvaluationError(f"{where}: servicing {label} = {value!r} (must be a finite number >= 0)")
        if s.visits_per_year <= 0:
            raise EvaluationError(f"{where}: servicing visits_per_year must be > 0")
    if el.production not in PRODUCTION_CLASSES:
        raise EvaluationError(f"{where}: production must be one of {', '.join(PRODUCTION_CLASSES)}, got {el.production!r}")
    if not (0.0 <= el.throughput_factor <= 1.0):
        raise EvaluationError(f"{where}: throughput_factor = {el.throughput_factor!r} (must be within 0-1)")
    checks = [("extra_power_w", el.extra_power_w), ("host_fraction", el.host_fraction),
              ("avionics_mass_kg", el.avionics_mass_kg), ("transit_dose_krad", el.transit_dose_krad),
              ("propulsion_power_w", el.propulsion_power_w)]
    checks += [(f"{kind}[{k!r}]", v) for kind in ("extra_mass_kg", "extra_capex_usd", "extra_opex_usd_per_year")
               for k, v in getattr(el, kind).items()]
    for label, value in checks:
        if not (isinstance(value, (int, float)) and math.isfinite(value) and value >= 0):
            raise EvaluationError(f"{where}: {label} = {value!r} (must be a finite number >= 0)")
    for item, cls in el.extra_production.items():
        if item not in el.extra_mass_kg or item in el.extra_capex_usd:
            raise EvaluationError(f"{where}: extra_production[{item!r}] names no item of extra_mass_kg that the ledger "
                                  "prices (an item in extra_capex_usd is priced by the plugin)")
        if cls not in PRODUCTION_CLASSES:
            raise EvaluationError(f"{where}: extra_production[{item!r}] must be one of "
                                  f"{', '.join(PRODUCTION_CLASSES)}, got {cls!r}")
    for item in el.extra_without_structure:
        if item not in el.extra_mass_kg:
            raise EvaluationError(f"{where}: extra_without_structure names {item!r}, no item of extra_mass_kg")


def compute_chain(el: Element, registry: Any, inputs: LedgerInputs = NOMINAL, chk: _Checks | None = None) -> dict[str, Any]:
    """The engine's compute chain for one unit of ``el``: dose, total-dose life, survival, derating, delivered.

    Returns ``dose`` (krad/yr), ``tolerance`` (krad), ``margin``, ``tid_life`` and ``life`` (yr),
    ``survival`` (mean working fraction of the chips over the life: decay without repair,
    availability with on-site repair), ``derate``, ``peak`` (OP/s per chip), ``delivered_per_unit``
    (OP/s) and ``chip`` (the catalogue entry, or None). Scalars, or arrays when ``inputs`` holds arrays.
    """
    m = registry.models
    mv = lambda name: inputs.model(m, name)  # noqa: E731 - a model default, nominal or per point
    where = f"element {el.name!r}"
    chk = chk or _Checks(where, strict=True)
    site = el.site
    has_electronics = el.chips_per_unit > 0 and bool(el.chip)
    if not has_electronics:
        return {"chip": None, "dose": 0.0, "tolerance": math.inf, "margin": 1.0, "tid_life": math.inf,
                "life": el.lifetime_years, "survival": 1.0, "derate": 1.0, "peak": 0.0, "delivered_per_unit": 0.0,
                "see_rate": 0.0, "see_loss": 0.0, "job": 0.0}
    chip = _lookup(registry.catalogues.chips, "chips", el.chip, where, inputs)
    try:
        peak = chip.ops(el.precision)
    except KeyError as exc:
        raise EvaluationError(f"{where}: {exc.args[0]}") from None
    # ---- radiation and life
    shield = el.shielding_g_cm2 + el.local_shielding_g_cm2  # in-situ cover (regolith) shields but is not launched
    scale = mv("radiation.dose_rate_scale")
    if site.radiation_environment == "leo":
        dose = m.radiation.leo_dose_rate_krad_per_year(site.altitude_m, site.inclination_deg, shield, scale)
    else:
        gcr = GCR_DEFAULTS.get(site.radiation_environment)  # the scenario's cosmic-ray dose, not the table's
        dose = m.radiation.dose_rate_krad_per_year(site.radiation_environment, shield, scale,
                                                   m.value(f"radiation.{gcr}") if gcr else None)
    chip_tid = as_array(chip.tid_krad)
    tolerance = np.where(chip_tid > 0, chip_tid, mv("radiation.cots_tid_krad"))
    margin = mv("radiation.design_margin")
    # life = (tolerance / margin − transit dose) / dose rate: the transit dose comes off the budget first
    tid_life = m.radiation.tid_lifetime_years(tolerance, dose, margin, el.transit_dose_krad)
    life = np.minimum(el.lifetime_years, tid_life)
    chk.fail(life <= 0, f"the transit dose {el.transit_dose_krad:g} krad uses up the whole dose budget "
                        f"({float(np.min(tolerance)):g} krad / margin {float(np.min(margin)):g})")
    # ---- survival: decay without repair, availability with on-site repair
    if el.repair == "onsite":
        down_years = mv("compute.repair_time_days") / DAYS_PER_YEAR
        survival = np.maximum(1.0 - el.failure_rate_per_year * down_years, 0.0)
    elif el.repair == "servicing":  # failed chips wait for the next visit: the mean working fraction between visits
        survival = m.compute.mean_survival_fraction(el.failure_rate_per_year, 1.0 / el.servicing.visits_per_year)
    else:
        survival = m.compute.mean_survival_fraction(el.failure_rate_per_year, life)
    # ---- single events: a job stops (and recomputes since its checkpoint) whenever one of its chips is hit
    sigma = m.radiation.effective_see_cross_section_cm2(chip.see_cross_section_cm2, chip.rad_hard,
                                                        mv("radiation.cots_see_cross_section_cm2"))
    see_rate = m.radiation.sdc_rate_per_chip_year(sigma, site.radiation_environment, site.altitude_m, site.inclination_deg,
                                                  mv("radiation.see_flux_scale"))
    job = el.chips_per_job if el.chips_per_job > 0 else min(el.chips_per_unit, DEFAULT_CHIPS_PER_JOB)
    see_loss = m.radiation.sdc_throughput_loss(see_rate, job, mv("radiation.sdc_time_lost_per_event_s"))
    derate = (float(m.compute.radiation_derating(el.redundancy, el.checkpoint_overhead, el.scrub_overhead))
              * el.throughput_factor * (1.0 - see_loss))
    delivered = m.compute.delivered_ops(peak, el.chips_per_unit, el.utilisation, derate * survival)
    return {"chip": chip, "dose": dose, "tolerance": tolerance, "margin": margin, "tid_life": tid_life, "life": life,
            "survival": survival, "derate": derate, "peak": peak, "delivered_per_unit": delivered,
            "see_rate": see_rate, "see_loss": see_loss, "job": job}


def evaluate_element(el: Element, registry: Any, discount_rate: float, inputs: LedgerInputs = NOMINAL,
                     explain: bool = True, export_w: Any = 0.0, export_heat_w: Any = 0.0,
                     import_heat_w: Any = 0.0, shared_flights: Any = None,
                     launch_load: dict[str, Any] | None = None) -> tuple[dict[str, Any], dict[str, str], list[str]]:
    """Evaluate one element on the shared ledger.

    ``export_w``: per-unit power (W) the element sends to other elements through power links (its
    source generates it; it is not heat here); ``export_heat_w`` and ``import_heat_w``: per-unit
    link losses dissipated at this element as the sender and as the receiver (W of heat).
    ``shared_flights``: the element's share of the flights of a manifest it shares with other
    elements (its launch, tankers and launch emissions follow it); ``None``: its own flights.
    ``launch_load``: a dict filled with what the element puts on its vehicle (``count``, ``wet_kg``
    and ``volume_m3`` a unit, ``payload_kg``, ``fairing_m3``, its own ``flights``), for a manifest.

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
    _validate(el, where)
    site = el.site
    count = float(el.count)
    in_space = site.kind != "ground"

    # ---- radiation, life, compute (the engine's chain)
    cc = compute_chain(el, registry, inputs, chk)
    chip, life = cc["chip"], cc["life"]
    n_chips = count * el.chips_per_unit
    delivered = cc["delivered_per_unit"] * count

    # ---- power (per unit): chips (capped or at TDP) + their hosts, housekeeping, plugin loads
    if chip is not None:
        tdp_w = chk.need(chip, "power_w")
        if el.chip_power_w is not None:
            chk.fail((el.chip_power_w <= 0) | (el.chip_power_w > tdp_w),
                     f"chip power {el.chip_power_w:g} W must be > 0 and <= the {chip.name} TDP {np.min(tdp_w):g} W")
        chip_w = tdp_w if el.chip_power_w is None else el.chip_power_w
        host_w = el.host_fraction * as_array(chip.host_power_w)
        host_kg = el.host_fraction * as_array(chip.host_mass_kg)
        host_usd = el.host_fraction * as_array(chip.host_cost_usd)
    else:
        chip_w = host_w = host_kg = host_usd = 0.0
    it_w = el.chips_per_unit * (chip_w + host_w)
    load_w = it_w * (1.0 + el.power.bus_power_fraction) + el.extra_power_w
    chk.fail(el.work_w > load_w + 1e-9, f"work_w {el.work_w:g} W exceeds the element's load")
    # ---- power (per unit): what the element's own source must deliver at its bus
    supply_w = load_w + export_w  # own load plus the power it sends to other elements (not heat here)
    linked = el.power.source == "link"
    pmad = mv("power.pmad_efficiency") if in_space else 1.0
    # Approximation: the whole PMAD loss between source and bus (regulators, converters, harness) is dissipated in
    # the element and rejected by its radiators; an element without radiators (a plant) sheds it at its generator.
    pmad_heat_w = supply_w * (1.0 / pmad - 1.0) if in_space and not linked and el.thermal.kind == "radiator" else 0.0
    source_name, storage_name = resolve_power(el) if not linked else ("link", None)
    src = _lookup(cat.power_sources, "power_sources", source_name, where, inputs) if not linked else None
    storage = _lookup(cat.power_sources, "power_sources", storage_name, where, inputs) if storage_name else None
    kind = "link" if linked else src.kind
    rte: Any = 1.0
    if kind == "solar" and storage is not None:
        rte = chk.need(storage, "round_trip_efficiency")
    # The storage round-trip loss is dissipated in the cells and their converters, inside the element's radiator
    # loop; a plant without radiators sheds it at its generator, and on the ground it is outside the hall's PUE.
    storage_heat_w = (m.power.storage_loss_w(supply_w, site.eclipse_fraction, rte)
                      if in_space and kind == "solar" and storage is not None and el.thermal.kind == "radiator" else 0.0)
    # heat to reject: the load less what leaves as work, plus the PMAD, storage and power-link losses dissipated here
    heat_w = load_w - el.work_w + pmad_heat_w + storage_heat_w + export_heat_w + import_heat_w

    # ---- thermal (per unit)
    th = el.thermal
    radiator_area = thermal_mass = cooling_w = water_l_per_year = 0.0
    if th.kind == "radiator":
        radiator_area = m.thermal.radiator_area_m2(heat_w, th.temperature_k, th.emissivity,
                                                   site.radiator_sink_k, site.absorbed_w_m2, th.sides)
        chk.fail(~np.isfinite(radiator_area), f"a radiator at {th.temperature_k:g} K absorbs more than it emits at this site")
        thermal_mass = m.thermal.radiator_mass_kg(radiator_area, th.areal_density_kg_m2)
    elif th.kind == "facility":
        cooling_w = m.thermal.terrestrial_cooling_power_w(heat_w, th.pue)
        water_l_per_year = m.thermal.water_use_l_per_year(heat_w, th.wue_l_per_kwh)
    elif th.kind == "none":
        chk.fail(np.asarray(heat_w) > 1e-9, "thermal kind 'none' but the element has heat to reject")
    else:
        raise EvaluationError(f"{where}: thermal kind must be 'radiator', 'facility' or 'none', got {th.kind!r}")

    # what the element's own source delivers: its supply and, for a facility, the cooling plant's power
    own_w = supply_w + cooling_w
    array_area = power_mass = power_capex = storage_j = storage_mass = storage_capex = 0.0
    generation_w: Any = 0.0
    grid_w: Any = 0.0
    demand_w: Any = 0.0
    flux = 0.0
    if linked:
        # the link supplies the whole facility, cooling included, and what the element passes on (a relay)
        demand_w = supply_w + cooling_w
    elif kind == "solar":
        dark = site.eclipse_fraction > 0 or site.longest_dark_s > 0
        if dark and storage is None:
            raise EvaluationError(f"{where}: solar power at a site with dark periods needs a storage power source")
        if site.solar_capacity_factor > 0:  # weather and nights: rated at STC for the site's measured yearly yield
            generation_w = m.power.array_rating_for_capacity_factor_w(own_w, site.solar_capacity_factor,
                                                                      site.eclipse_fraction, rte) / pmad
            flux, pointing = m.value("power.stc_irradiance_w_m2"), 1.0  # the capacity factor holds the orientation
            rated_flux = flux
        else:
            generation_w = m.power.array_power_required_w(own_w, worst_eclipse(site), rte) / pmad
            flux, pointing = float(m.power.solar_flux_w_m2(site.sun_distance_au, m.value("power.solar_constant_w_m2"))), mv("power.pointing_factor")
            rated_flux = m.value("power.solar_constant_w_m2")  # space cells are rated at AM0, 1 AU
        eta, cell_packing = chk.need(src, "efficiency"), chk.need(src, "packing_factor")
        array_area = m.power.array_area_m2(generation_w, flux, eta, cell_packing, src.degradation_per_year, life, pointing)
        if in_space:  # on the ground the plant is priced per W and per kWh, like the building: not massed
            power_mass = m.power.array_mass_kg(array_area, chk.need(src, "areal_density_kg_m2"))
        # bought at its beginning-of-life rating: the end-of-life area (degradation, pointing, a dimmer Sun) rated
        rated_w = m.power.array_rating_w(array_area, rated_flux, eta, cell_packing)
        power_capex = chk.need(src, "cost_usd_per_w") * rated_w
    elif kind in ("fission", "radioisotope", "beamed", "fuel"):
        generation_w = own_w / pmad
        if in_space:
            power_mass = m.power.generator_mass_kg(generation_w, chk.need(src, "specific_power_w_per_kg"))
        power_capex = chk.need(src, "cost_usd_per_w") * generation_w
    elif kind != "grid":
        raise EvaluationError(f"{where}: power source {src.name!r} of kind {kind!r} cannot supply an element")
    if storage is not None and site.longest_dark_s > 0:
        storage_j = m.power.storage_energy_j(own_w, site.longest_dark_s, chk.need(storage, "depth_of_discharge"))
        if in_space:
            storage_mass = m.power.storage_mass_kg(storage_j, chk.need(storage, "specific_energy_wh_per_kg"))
        storage_capex = storage_j / J_PER_KWH * chk.need(storage, "cost_usd_per_kwh")
    if kind == "grid":
        grid_w = supply_w + cooling_w

    # ---- mass (per unit)
    compute_mass = el.chips_per_unit * chk.need(chip, "mass_kg") if chip is not None else 0.0
    hosts_mass = el.chips_per_unit * host_kg
    shield_mass: Any = 0.0
    packing = mv("radiation.shielded_electronics_density_kg_m3")
    electronics = compute_mass + hosts_mass
    if el.shielding_g_cm2 > 0:
        # Approximation: the electronics (chips and hosts) sit in a cube at a server's bulk density; the shield covers its faces.
        side_m = (electronics / packing) ** (1.0 / 3.0)
        shield_mass = np.where(electronics > 0, m.radiation.shielding_mass_kg(6.0 * side_m**2, el.shielding_g_cm2), 0.0)
    propulsion_mass = el.propulsion_power_w / 1e3 * mv("launch.ep_specific_mass_kg_per_kw") if el.propulsion_power_w else 0.0
    extra_mass = sum(el.extra_mass_kg.values())
    subsystems = (compute_mass + hosts_mass + power_mass + storage_mass + thermal_mass + shield_mass + el.avionics_mass_kg
                  + propulsion_mass + extra_mass)
    # the structure carries the subsystems, not an item laid on the ground (extra_without_structure)
    unstructured = sum(el.extra_mass_kg[k] for k in el.extra_without_structure)
    structure_mass = (m.launch.structure_mass_kg(subsystems - unstructured, el.structure_fraction)
                      if el.structure_fraction > 0 else 0.0)
    dry = subsystems + structure_mass
    propellant: Any = 0.0
    tankage: Any = 0.0  # kg of tanks, feed and engines per unit for its own propellant
    flights: Any = 0.0
    tanker_flights = launch_capex = co2_t = 0.0
    vehicle = None
    unit_volume: Any = 0.0
    fairing: Any = math.inf
    payload: Any = 0.0
    wet: Any = dry
    price_per_flight: Any = 0.0
    if el.transport is not None:
        t = el.transport
        if np.ndim(dry) == 0 and not dry / 1e3 <= LARGEST:  # an overflowed input: say so, not that the Δv is too high
            raise EvaluationError(f"{where}: the dry mass is {dry / 1e3:.3g} t a unit (beyond {LARGEST:.2g}: physically "
                                  "impossible); check the inputs")
        vehicle = _lookup(cat.launch_vehicles, "launch_vehicles", t.vehicle, where, inputs)
        if t.dv_after_drop_m_s > 0:
            # the rocket equation for the dry mass, then the tanks, feed and engines that carry the propellant
            # (f_tank kg per kg), which ride to the end of the burn too
            f_tank = mv("launch.propellant_tankage_fraction")
            propellant = m.launch.propellant_with_tankage_kg(_propellant_kg(dry, t.dv_after_drop_m_s, t.isp_s), dry, f_tank)
            if np.ndim(propellant) == 0 and not math.isfinite(propellant):  # a study's inf is refused with its totals
                raise EvaluationError(
                    f"{where}: {t.dv_after_drop_m_s:,.0f} m/s at Isp {t.isp_s:g} s is beyond a stage that carries its own "
                    f"tanks ({f_tank:g} kg per kg of propellant, launch.propellant_tankage_fraction): lower the Δv or "
                    "raise the Isp")
            tankage = f_tank * propellant
        wet = as_array(dry + tankage + propellant)
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
                notes.append(_pieces_note(where, t.vehicle, float(np.max(wet)), float(np.max(unit_volume)),
                                          float(np.min(payload)), float(np.min(fairing))))
        else:
            split = 0.0
        flights = np.where(wet <= 0, 0.0, np.where(per_flight >= 1, whole, split))
        if launch_load is not None:
            launch_load.update(count=count, wet_kg=wet, volume_m3=unit_volume, payload_kg=payload, fairing_m3=fairing,
                               flights=flights)
        if shared_flights is not None:
            flights = shared_flights
        with np.errstate(invalid="ignore"):  # inf flights × 0 tankers: nan, refused with the other non-finite totals
            tanker_flights = flights * t.tanker_flights_per_flight
        price_per_flight = chk.need(vehicle, "expendable_price_usd" if t.expended else "price_usd")
        # the cargo flights carry the element; tankers are recovered (priced as reusable flights)
        launch_capex = flights * price_per_flight + tanker_flights * chk.need(vehicle, "price_usd")
        co2_t = m.launch.launch_emissions_t(flights + tanker_flights, chk.need(vehicle, "co2_t_per_flight"))

    # ---- cost: every kilogram priced once
    rate_key = PRODUCTION_CLASSES[el.production]
    usd_per_kg = mv(rate_key) if in_space else 0.0  # on the ground the building is priced per W (site capex)
    plugin_priced = {k for k in el.extra_mass_kg if k in el.extra_capex_usd}
    class_priced_extra = sum(v for k, v in el.extra_mass_kg.items() if k not in plugin_priced and k not in el.extra_production)
    own_class_extra = sum((mv(PRODUCTION_CLASSES[c]) if in_space else 0.0) * el.extra_mass_kg[k]
                          for k, c in el.extra_production.items())
    chips_capex = n_chips * chk.need(chip, "cost_usd") if chip is not None else 0.0
    hosts_capex = n_chips * host_usd
    power_hw = (power_capex + storage_capex) * count
    structure_capex = usd_per_kg * (structure_mass + shield_mass) * count
    thermal_capex = usd_per_kg * thermal_mass * count
    avionics_capex = usd_per_kg * (el.avionics_mass_kg + propulsion_mass + tankage) * count
    other_capex = (usd_per_kg * class_priced_extra + own_class_extra) * count + sum(el.extra_capex_usd.values())
    hardware = chips_capex + hosts_capex + power_hw + structure_capex + thermal_capex + avionics_capex + other_capex
    f_integration = mv("cost.integration_fraction") if in_space else 0.0  # integration, assembly and test: in space only
    integration = f_integration * hardware
    insurance = mv("cost.insurance_fraction") * (hardware + integration + launch_capex) if in_space else 0.0
    site_capex = site.capex_usd_per_w * load_w * count
    capex = hardware + integration + launch_capex + insurance + site_capex
    energy_price = chk.need(src, "price_usd_per_kwh") if kind == "grid" else 0.0
    energy_opex = grid_w * count * HOURS_PER_YEAR / 1000.0 * energy_price
    if kind == "fuel":  # fuel bought for what the plant generates, all year
        energy_opex = energy_opex + generation_w * count * HOURS_PER_YEAR / 1000.0 * chk.need(src, "fuel_usd_per_kwh")
    ops_opex = mv("cost.ops_cost_fraction_per_year") * (hardware + integration + site_capex)
    repair_opex: Any = 0.0
    if el.repair == "onsite" and chip is not None:
        per_failure = mv("cost.repair_labour_usd") + mv("cost.repair_parts_fraction") * chk.need(chip, "cost_usd")
        repair_opex = el.failure_rate_per_year * n_chips * per_failure
    if el.repair == "servicing" and chip is not None:
        s = el.servicing
        carrier = _lookup(cat.launch_vehicles, "launch_vehicles", s.vehicle, where, inputs)
        usd_per_kg = chk.need(carrier, "price_usd") / carrier.payload("LEO")  # a share of a flight, by mass
        # chips per year: each visit replaces what failed since the last, n (1 − e^(−λ/v)), v visits a year (the same
        # exponential survival between visits as the compute chain's working fraction; λ n only when v → ∞)
        replaced = n_chips * -np.expm1(-el.failure_rate_per_year / s.visits_per_year) * s.visits_per_year
        spares_kg = replaced * (chk.need(chip, "mass_kg") + host_kg)
        repair_opex = (s.visits_per_year * (s.cost_per_visit_usd + s.launch_kg_per_visit * usd_per_kg)
                       + replaced * s.parts_fraction * chk.need(chip, "cost_usd") + spares_kg * usd_per_kg)
    plugin_opex = sum(el.extra_opex_usd_per_year.values())
    opex = energy_opex + ops_opex + repair_opex + plugin_opex
    # the building outlives the servers in it: its capex is annualised over its own life, the rest over the element's
    annual = (m.cost.annualised_cost_usd(capex - site_capex, opex, discount_rate, life)
              + m.cost.annualised_cost_usd(site_capex, 0.0, discount_rate, mv("cost.building_life_years")))
    # the power system's full cost: its hardware plus its share of integration, launch and insurance by mass
    with np.errstate(divide="ignore", invalid="ignore"):
        power_share = np.where(wet > 0, (power_mass + storage_mass) / np.where(wet > 0, wet, 1.0), 0.0)
    power_capex_full = power_hw * (1.0 + f_integration) + launch_capex * power_share
    if in_space:
        power_capex_full = power_capex_full * (1.0 + mv("cost.insurance_fraction"))
    # and its operations, as every element's hardware and as a power plant's whole annual cost (one basis for $/kWh)
    power_ops = mv("cost.ops_cost_fraction_per_year") * power_hw * (1.0 + f_integration)
    power_annual = m.cost.annualised_cost_usd(power_capex_full, energy_opex + power_ops, discount_rate, life)
    if chip is None:  # an element without compute that sends power on is a power plant: all of its cost is power cost
        power_annual = np.where(np.asarray(export_w) > 0, annual, power_annual)
        power_annual = power_annual if np.ndim(power_annual) else float(power_annual)

    has_electronics = chip is not None
    totals: dict[str, Any] = {
        "compute.delivered": delivered,
        "compute.chips": n_chips,
        "compute.units": count if has_electronics else 0.0,
        "power.load": load_w * count,
        "power.it": it_w * count,
        "power.supply": supply_w * count,
        "power.exported": export_w * count,
        "power.imported": demand_w * count,
        "power.generation": generation_w * count,
        "power.grid": grid_w * count,
        "power.array_area": array_area * count,
        "power.storage_energy": storage_j * count,
        "thermal.heat": heat_w * count,
        "thermal.radiator_area": radiator_area * count,
        "thermal.cooling_power": cooling_w * count,
        "water.use": water_l_per_year * count,
        "mass.compute": compute_mass * count,
        "mass.hosts": hosts_mass * count,
        "mass.power": power_mass * count,
        "mass.storage": storage_mass * count,
        "mass.thermal": thermal_mass * count,
        "mass.shielding": shield_mass * count,
        "mass.avionics": el.avionics_mass_kg * count,
        "mass.propulsion": (propulsion_mass + tankage) * count,
        "mass.structure": structure_mass * count,
        "mass.propellant": propellant * count,
        "mass.other": extra_mass * count,
        "launch.flights": flights,
        "launch.tanker_flights": tanker_flights,
        "launch.co2": co2_t,
        "capex.chips": chips_capex,
        "capex.hosts": hosts_capex,
        "capex.power": power_hw,
        "capex.structure": structure_capex,
        "capex.thermal": thermal_capex,
        "capex.avionics": avionics_capex,
        "capex.other": other_capex,
        "capex.integration": integration,
        "capex.launch": launch_capex,
        "capex.insurance": insurance,
        "capex.site": site_capex,
        "opex.energy": energy_opex,
        "opex.operations": ops_opex,
        "opex.repair": repair_opex,
        "opex.other": plugin_opex,
        "cost.annual": annual,
        "cost.power_annual": power_annual,
        "radiation.dose_rate": cc["dose"] if has_electronics else 0.0,
        "life.effective": life,
    }
    if not explain:
        bad = chk.bad
        return {k: np.where(bad, np.nan, v) if np.ndim(bad) else v for k, v in totals.items()}, trace, notes

    totals = {k: float(v) for k, v in totals.items()}
    if has_electronics and float(cc["tid_life"]) < el.lifetime_years:
        notes.append(f"{where}: total dose limits life to {_years(float(cc['tid_life']))} yr (design life {el.lifetime_years:g} yr)")
    chosen = ([f"array {source_name}"] if source_name != el.power.source else []) + (
        [f"storage {storage_name}"] if storage_name != el.power.storage else [])  # only what "auto" resolved
    if chosen:
        notes.append(f"{where}: power technology by site type: {', '.join(chosen)} (docs/models.md, one envelope)")
    _explain(trace, el, cc, src, storage, vehicle, m, inputs, {
        "count": count, "n_chips": n_chips, "chip_w": float(chip_w), "host_w": float(host_w), "host_kg": float(host_kg),
        "host_usd": float(host_usd), "load_w": float(load_w), "rte": float(rte), "pmad": float(pmad), "flux": flux,
        "generation_w": float(generation_w), "wet": float(wet), "grid_w": float(grid_w),
        "energy_price": float(energy_price), "capex": float(capex), "opex": float(opex), "dry": float(dry),
        "site_capex": float(site_capex),
        "discount_rate": float(discount_rate), "packing": float(packing), "usd_per_kg": float(usd_per_kg),
        "unit_volume": float(unit_volume), "fairing": float(fairing), "payload": float(payload),
        "price_per_flight": float(price_per_flight), "class_priced": sorted(set(el.extra_mass_kg) - plugin_priced),
        "propulsion_mass": float(propulsion_mass), "power_share": float(power_share),
        "supply_w": float(supply_w), "heat_w": float(heat_w), "export_w": float(export_w), "demand_w": float(demand_w),
        "export_heat_w": float(export_heat_w), "import_heat_w": float(import_heat_w), "cooling_w": float(cooling_w),
        "pmad_heat_w": float(pmad_heat_w), "storage_heat_w": float(storage_heat_w),
    })
    for k, v in totals.items():
        if k not in trace and v == 0:
            trace[k] = "0 (does not apply to this element)"
    return totals, trace, notes


def _explain(trace: dict[str, str], el: Element, cc: dict[str, Any], src: Any, storage: Any, vehicle: Any, m: Any,
             inputs: LedgerInputs, v: dict[str, Any]) -> None:
    """Fill ``trace`` with one line per metric: the model call and where each input came from."""
    site, th, count = el.site, el.thermal, v["count"]
    chip = cc["chip"]
    mv = lambda name: float(inputs.model(m, name))  # noqa: E731
    if chip is not None:
        trace["radiation.dose_rate"] = (f"radiation dose model, environment {site.radiation_environment!r} (altitude "
                                        f"{site.altitude_m / 1e3:g} km), shielding {el.shielding_g_cm2:g} + local "
                                        f"{el.local_shielding_g_cm2:g} g/cm2 [element]")
        tol_from = "chip " + chip.name if float(chip.tid_krad) > 0 else "radiation.cots_tid_krad"
        transit = f" − transit {el.transit_dose_krad:g} krad [element]" if el.transit_dose_krad else ""
        trace["life.effective"] = (f"min(design life {el.lifetime_years:g} yr [element], total-dose life "
                                   f"{float(cc['tid_life']):.3g} yr = ({float(cc['tolerance']):g} krad [{tol_from}] / margin "
                                   f"{float(cc['margin']):g} [radiation.design_margin]{transit}) / {float(cc['dose']):.3g} krad/yr)")
        surv = (f"availability {float(cc['survival']):.4g} = 1 − {el.failure_rate_per_year:g}/yr × "
                f"{mv('compute.repair_time_days'):g} d [compute.repair_time_days] (on-site repair)"
                if el.repair == "onsite" else
                f"working fraction {float(cc['survival']):.4g} = mean_survival_fraction({el.failure_rate_per_year:g}/yr, "
                f"{1 / el.servicing.visits_per_year:.3g} yr between servicing visits)"
                if el.repair == "servicing" else
                f"survival {float(cc['survival']):.3g} = mean_survival_fraction({el.failure_rate_per_year:g}/yr, "
                f"{float(cc['life']):.3g} yr) (no repair)")
        trace["compute.delivered"] = (f"delivered_ops(peak {float(cc['peak']):.4g} OP/s [chip {chip.name}, {el.precision}], "
                                      f"{v['n_chips']:g} chips [element: {count:g} × {el.chips_per_unit:g}], utilisation "
                                      f"{el.utilisation:g} [element], derate {cc['derate']:.3g} = radiation_derating(redundancy "
                                      f"{el.redundancy:g}, checkpoint {el.checkpoint_overhead:g}, scrub {el.scrub_overhead:g})"
                                      f" × single events (1 − {float(cc['see_loss']):.3g} = sdc_throughput_loss("
                                      f"{float(cc['see_rate']):.3g} events/chip-yr [radiation.sdc_rate_per_chip_year], "
                                      f"{float(cc['job']):g} chips per job, radiation.sdc_time_lost_per_event_s))"
                                      + (f" × throughput {el.throughput_factor:.3g} ({el.throughput_reason or 'plugin limit'})"
                                         if el.throughput_factor < 1.0 else "") + f" × {surv})")
        trace["power.it"] = (f"{count:g} × {el.chips_per_unit:g} × (chip {v['chip_w']:g} W [chip {chip.name}"
                             f"{'' if el.chip_power_w is None else ', power-capped by the element'}] + host {v['host_w']:g} W "
                             f"[{chip.name}.host_power_w × host_fraction {el.host_fraction:g}])")
    trace["power.load"] = (f"{count:g} × (IT {v['load_w'] - el.extra_power_w:.4g} W incl. housekeeping bus "
                           f"{el.power.bus_power_fraction:g} [element] + other {el.extra_power_w:g} W [element])")
    load_w, pmad = v["load_w"], v["pmad"]
    skind = "link" if src is None else src.kind
    trace["power.supply"] = (f"per unit: supply {v['supply_w']:.4g} W = own load {load_w:.4g} W + exported "
                              f"{v['export_w']:.4g} W" + (f"; imported {v['demand_w']:.4g} W through a power link = supply + "
                                                          f"cooling {v['cooling_w']:.4g} W" if skind == "link" else ""))
    heat_balance = (f"per unit: heat {v['heat_w']:.4g} W = load {load_w:.4g} W − work {el.work_w:g} W [element] + "
                    f"PMAD loss {v['pmad_heat_w']:.4g} W (supply × (1/{pmad:g} − 1) [power.pmad_efficiency]) + "
                    + (f"storage loss {v['storage_heat_w']:.4g} W (supply × eclipse {site.eclipse_fraction:.4g} [site] × "
                       f"(1/{v['rte']:g} − 1) [{getattr(storage, 'name', '-')}]) + " if v["storage_heat_w"] else "") +
                    f"link losses here {v['export_heat_w'] + v['import_heat_w']:.4g} W (exported power is not heat)")
    own = f"supply {v['supply_w']:.4g} W" + (f" + cooling {v['cooling_w']:.4g} W" if v["cooling_w"] else "")
    if skind == "link":
        trace["power.imported"] = (f"{count:g} × {v['demand_w']:.4g} W: the element's load, its cooling and what it passes on "
                                   "through its own links, delivered by a power link")
    elif skind == "solar" and site.solar_capacity_factor > 0:
        trace["power.generation"] = (f"rated output: array_rating_for_capacity_factor_w({own}, capacity factor "
                                     f"{site.solar_capacity_factor:.4g} [site], share through storage {site.eclipse_fraction:.4g} [site], "
                                     f"round trip {v['rte']:g} [{getattr(storage, 'name', '-')}])")
        trace["power.array_area"] = (f"array_area_m2({v['generation_w']:.4g} W, rated at {v['flux']:.0f} W/m2 "
                                     f"[power.stc_irradiance_w_m2], module {src.efficiency:g}, packing {src.packing_factor:g}, "
                                     f"degradation {src.degradation_per_year:g}/yr [{src.name}], life {float(cc['life']):.3g} yr; "
                                     f"orientation and weather are in the capacity factor) × {count:g}")
    elif skind == "solar":
        trace["power.generation"] = (f"array_power_required_w({own}, eclipse fraction of the darkest "
                                     f"orbit {worst_eclipse(site):.4g} [site], round trip {v['rte']:g} [{getattr(storage, 'name', '-')}]) / PMAD {pmad:g} "
                                     "[power.pmad_efficiency]")
        trace["power.array_area"] = (f"array_area_m2({v['generation_w']:.4g} W, flux {v['flux']:.1f} W/m2 at {site.sun_distance_au:g} AU "
                                     f"[power.solar_constant_w_m2], cell {src.efficiency:g}, packing {src.packing_factor:g}, "
                                     f"degradation {src.degradation_per_year:g}/yr [{src.name}], life {float(cc['life']):.3g} yr, "
                                     f"pointing [power.pointing_factor]) × {count:g}")
    elif skind != "grid":
        trace["power.generation"] = f"{own} / PMAD {pmad:g} [power.pmad_efficiency] ({src.kind} {src.name})"
    if storage is not None and site.longest_dark_s > 0:
        trace["power.storage_energy"] = (f"storage_energy_j({own}, longest dark {site.longest_dark_s:.4g} s [site], "
                                         f"depth of discharge {storage.depth_of_discharge:g} [{storage.name}]) × {count:g}")
    if th.kind == "radiator":
        trace["thermal.radiator_area"] = (f"radiator_area_m2(heat {v['heat_w']:.4g} W , {th.temperature_k:g} K, emissivity "
                                          f"{th.emissivity:g}, {th.sides} sides [element], sink {site.radiator_sink_k:g} K, "
                                          f"absorbed {site.absorbed_w_m2:.4g} W/m2 [site]) × {count:g}")
    else:
        trace["thermal.cooling_power"] = f"terrestrial_cooling_power_w(heat {v['heat_w']:.4g} W, PUE {th.pue:g} [element])"
        trace["water.use"] = f"heat {v['heat_w']:.4g} W × 8766 h × WUE {th.wue_l_per_kwh:g} L/kWh [element]"
    if vehicle is not None:
        t = el.transport
        trace["launch.flights"] = (f"{count:g} units of {v['wet']:.4g} kg / {v['unit_volume']:.4g} m3 (packing "
                                   f"{t.packing_density_kg_m3:g} kg/m3) on {vehicle.name}: {v['payload']:g} kg to {t.destination}, "
                                   f"{v['fairing']:g} m3 fairing [catalogue]")
        trace["launch.tanker_flights"] = f"flights × {t.tanker_flights_per_flight:g} tanker flights per flight [element transport]"
        trace["launch.co2"] = f"(flights + tankers) × {float(vehicle.co2_t_per_flight):.4g} t CO2 per flight [{vehicle.name}]"
        which = "expendable_price_usd (vehicle not recovered)" if t.expended else "price_usd"
        trace["capex.launch"] = (f"flights × {v['price_per_flight']:.4g} USD [{vehicle.name}.{which}] + tankers × "
                                 f"{float(vehicle.price_usd):.4g} USD [{vehicle.name}.price_usd]")
    if chip is not None:
        trace["capex.chips"] = f"{v['n_chips']:g} chips × {float(chip.cost_usd):.4g} USD [chip {chip.name}]"
        trace["capex.hosts"] = f"{v['n_chips']:g} chips × host {v['host_usd']:.4g} USD [{chip.name}.host_cost_usd × host_fraction]"
        trace["mass.compute"] = f"{count:g} × {el.chips_per_unit:g} × {float(chip.mass_kg):g} kg [chip {chip.name}]"
        trace["mass.hosts"] = f"{count:g} × {el.chips_per_unit:g} × {v['host_kg']:g} kg [{chip.name}.host_mass_kg × host_fraction]"
    trace["compute.chips"] = trace["compute.units"] = f"{count:g} units × {el.chips_per_unit:g} chips per unit [element]"
    trace["thermal.heat"] = f"{count:g} × ({heat_balance})"
    trace["power.grid"] = "load + cooling power, bought from the grid" if skind == "grid" else "0 (not on the grid)"
    ground_plant = "0 (on the ground the plant is priced per W and per kWh, like the building; not massed)"
    trace["mass.power"] = ("0 (supplied by a power link)" if skind == "link" else "0 (grid)" if skind == "grid" else
                           ground_plant if site.kind == "ground" else
                           f"array area × {src.areal_density_kg_m2:g} kg/m2 [{src.name}]" if skind == "solar" else
                           f"generation / {src.specific_power_w_per_kg:g} W/kg [{src.name}]")
    trace["mass.storage"] = ("0 (no storage)" if storage is None else ground_plant if site.kind == "ground" else
                             f"storage energy / {storage.specific_energy_wh_per_kg:g} Wh/kg [{storage.name}]")
    trace["mass.thermal"] = f"radiator area × {th.areal_density_kg_m2:g} kg/m2 [element]" if th.kind == "radiator" else "0 (facility cooling)"
    trace["mass.shielding"] = (f"{el.shielding_g_cm2:g} g/cm2 [element] over a cube of electronics (chips and hosts) at "
                               f"{v['packing']:g} kg/m3 [radiation.shielded_electronics_density_kg_m3] (approximation)")
    trace["mass.avionics"] = f"{count:g} × {el.avionics_mass_kg:g} kg [element]"
    trace["mass.propulsion"] = (f"{count:g} × ({el.propulsion_power_w / 1e3:g} kW × {mv('launch.ep_specific_mass_kg_per_kw'):g} kg/kW "
                                "[launch.ep_specific_mass_kg_per_kw] (thrusters, power processors, feed) + propellant × "
                                f"{mv('launch.propellant_tankage_fraction'):g} [launch.propellant_tankage_fraction] (tanks, "
                                "feed, chemical engines))")
    trace["mass.structure"] = (f"structure_mass_kg(subsystems, {el.structure_fraction:g} [element])"
                               + (f" (not carrying {', '.join(el.extra_without_structure)}: extra_without_structure)"
                                  if el.extra_without_structure else ""))
    trace["mass.propellant"] = (f"propellant_with_tankage_kg(propellant_mass(dry, {el.transport.dv_after_drop_m_s:g} m/s, Isp "
                                f"{el.transport.isp_s:g} s) [element transport], dry, launch.propellant_tankage_fraction)"
                                if el.transport is not None else "0 (no transport)")
    trace["mass.other"] = f"plugin items [element]: {', '.join(el.extra_mass_kg) or 'none'}"
    trace["capex.power"] = ("array rating at beginning of life (area × reference flux × efficiency × packing) or generator "
                            "power × $/W + storage energy × $/kWh [catalogue power sources] (power is priced per W, not per kg)")
    trace["capex.site"] = f"{site.capex_usd_per_w:g} USD/W [site] × load"
    cls = f"{v['usd_per_kg']:.4g} USD/kg [{PRODUCTION_CLASSES[el.production]}, production {el.production!r}]"
    if site.kind == "ground":
        for k in ("capex.structure", "capex.thermal", "capex.avionics", "capex.integration", "capex.insurance"):
            trace[k] = "0 (on the ground: the building is priced per W as capex.site; servers come integrated)"
    else:
        trace["capex.structure"] = f"{cls} × (structure + shielding) mass"
        trace["capex.thermal"] = f"{cls} × radiator mass"
        trace["capex.avionics"] = f"{cls} × (avionics + propulsion hardware) mass"
        trace["capex.integration"] = f"{mv('cost.integration_fraction'):g} [cost.integration_fraction] × hardware"
        trace["capex.insurance"] = (f"{mv('cost.insurance_fraction'):g} [cost.insurance_fraction] × (hardware + integration + "
                                    "launch): launch and first-year cover")
    at_element_rate = [k for k in v["class_priced"] if k not in el.extra_production]
    parts = [f"{cls if site.kind != 'ground' else '0 USD/kg'} × mass of {', '.join(at_element_rate)}"] if at_element_rate else []
    parts += [f"{mv(PRODUCTION_CLASSES[c]) if site.kind != 'ground' else 0:,.4g} USD/kg [{PRODUCTION_CLASSES[c]}] × mass of {k}"
              for k, c in el.extra_production.items()]
    by_mass = " + ".join(parts)
    by_plugin = ", ".join(f"{k} {float(x):.4g} USD" for k, x in el.extra_capex_usd.items())
    trace["capex.other"] = ("plugin items [element]: " + " + ".join(
        part for part in (by_mass, f"priced by the plugin: {by_plugin}" if by_plugin else "") if part) if by_mass or by_plugin
        else "0 (no plugin items)")
    trace["opex.energy"] = (f"grid power {v['grid_w'] * count:.4g} W × 8766 h × {v['energy_price']:g} USD/kWh [{src.name}]"
                            if skind == "grid" else
                            f"generation {v['generation_w'] * count:.4g} W × 8766 h × fuel {float(src.fuel_usd_per_kwh):.4g} USD/kWh "
                            f"[{src.name}.fuel_usd_per_kwh]" if skind == "fuel" else "0 (not buying grid energy or fuel)")
    trace["opex.operations"] = f"{mv('cost.ops_cost_fraction_per_year'):g}/yr [cost.ops_cost_fraction_per_year] × (hardware + integration + site)"
    if el.repair == "onsite" and chip is not None:
        trace["opex.repair"] = (f"{el.failure_rate_per_year:g} failures/chip-yr × {v['n_chips']:g} chips × (labour "
                                f"{mv('cost.repair_labour_usd'):g} USD [cost.repair_labour_usd] + {mv('cost.repair_parts_fraction'):g} "
                                f"[cost.repair_parts_fraction] × {float(chip.cost_usd):.4g} USD chip)")
    if el.repair == "servicing" and chip is not None:
        s = el.servicing
        trace["opex.repair"] = (f"{s.visits_per_year:g} visits/yr × ({s.cost_per_visit_usd:.4g} USD + {s.launch_kg_per_visit:g} kg "
                                f"launched on {s.vehicle}) + {v['n_chips']:g} chips × (1 − e^(−{el.failure_rate_per_year:g}/chip-yr"
                                f" / {s.visits_per_year:g})) × {s.visits_per_year:g} visits/yr replaced × "
                                f"({s.parts_fraction:g} × {float(chip.cost_usd):.4g} USD + their launch) [element servicing]")
    trace["opex.other"] = f"plugin items [element]: {', '.join(el.extra_opex_usd_per_year) or 'none'}"
    trace["cost.annual"] = (f"annualised_cost_usd(capex {v['capex'] - v['site_capex']:.4g} USD, opex {v['opex']:.4g} USD/yr, "
                            f"discount {v['discount_rate']:g} [assumptions], life {float(cc['life']):.3g} yr)"
                            + (f" + annualised_cost_usd(site {v['site_capex']:.4g} USD, 0, life "
                               f"{float(m.value('cost.building_life_years')):g} yr [cost.building_life_years])"
                               if v["site_capex"] else ""))


def _propellant_kg(dry_kg: Any, dv_m_s: float, isp_s: float) -> Any:
    """Propellant (kg) for ``dv_m_s`` with final mass ``dry_kg``, from the adapter's rocket equation."""
    import astropy.units as u

    from sandbox import trajectory

    value = trajectory.propellant_mass(as_array(dry_kg) * u.kg, dv_m_s * u.m / u.s, isp_s * u.s).to_value(u.kg)
    return value if np.ndim(value) else float(value)


def _years(value: float) -> str:
    """A life in years as a note shows it: one decimal, or two significant figures below 0.1 yr (a dose-limited life
    of hours is not '0.0 yr')."""
    return f"{value:.1f}" if value >= 0.1 else f"{value:.2g}"


def _pieces_note(where: str, vehicle: str, wet_kg: float, volume_m3: float, payload_kg: float, fairing_m3: float) -> str:
    """The note for a unit larger than one flight: by how much, and the size of unit that would fit one."""
    by_mass, by_volume = wet_kg / payload_kg, volume_m3 / fairing_m3
    fill = max(by_mass, by_volume)

    def num(x: float) -> str:
        return f"{x:,.0f}" if x >= 1e3 else f"{x:.4g}"

    limit = (f"{num(wet_kg / 1e3)} t of {num(payload_kg / 1e3)} t" if by_mass >= by_volume
             else f"{num(volume_m3)} m³ of {num(fairing_m3)} m³")
    times = f"{fill:,.0f}" if fill >= 100 else f"{fill:.3g}"
    near = f"; a unit at most {1 / fill:.1%} of this size would fit one flight" if fill < 2 else ""  # a near miss
    return (f"{where}: one unit is {times}× what one {vehicle} flight carries ({limit}): launched in "
            f"{math.ceil(fill):,} pieces and assembled in orbit{near}")
