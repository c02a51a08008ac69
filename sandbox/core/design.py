"""What an architecture builds and where: the description a plugin's design function returns.

A plugin never computes cost, mass or power totals itself: it describes its elements (what
is built, how many, where, with which chips, power, thermal, shielding and transport), and
the engine evaluates every description with the same shared-model functions. Everything is
plain SI floats with the unit in the field name; facts the plugin computed with the
trajectory adapter (eclipse fraction, Δv, distances) go into :class:`Site` and
:class:`Transport`. ``notes`` flag approximations so that outputs can say which numbers are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

import numpy as np

#: The unit a design field is in, from the end of its name (longest suffix first); fields
#: without one are plain numbers (fractions, counts) or text. ``years_to_service`` says it at the start.
_SUFFIX_UNITS = (
    ("_usd_per_year", "USD/yr"), ("_usd_per_w", "USD/W"), ("_l_per_kwh", "L/kWh"), ("_kg_per_visit", "kg"),
    ("_per_year", "1/yr"), ("_krad", "krad"),
    ("_g_cm2", "g/cm2"), ("_kg_m2", "kg/m2"), ("_kg_m3", "kg/m3"), ("_w_m2", "W/m2"), ("_m_s", "m/s"),
    ("_years", "yr"), ("_usd", "USD"), ("_bps", "bit/s"), ("_deg", "deg"), ("_au", "AU"), ("_kg", "kg"),
    ("_w", "W"), ("_k", "K"), ("_m", "m"), ("_s", "s"),
)
_PREFIX_UNITS = (("years_", "yr"),)
#: Units :meth:`sandbox.core.params.Params.si` delivers directly (the SI form of a parameter).
_SI_UNITS = {"W", "m", "kg", "s", "m/s", "K", "USD", "USD/W", "kg/m2", "kg/m3", "W/m2", "bit/s"}


def field_unit(name: str) -> str:
    """The unit a design field named ``name`` holds, read from its name (``""``: a plain number)."""
    for suffix, unit in _SUFFIX_UNITS:
        if name.endswith(suffix):
            return unit
    for prefix, unit in _PREFIX_UNITS:
        if name.startswith(prefix):
            return unit
    return ""


def _is_quantity(value: object) -> bool:
    return hasattr(value, "unit") and hasattr(value, "to_value")  # astropy Quantity (not imported here: cheap)


def _quantity_error(owner: str, path: str, value: Any) -> TypeError:
    unit = field_unit(path.rsplit(".", 1)[-1].split("[", 1)[0])
    shown = f"{value.value:g} {value.unit}" if np.ndim(value) == 0 else f"an array in {value.unit}"
    if owner.startswith("metric "):
        fix = "give the value as a float in the metric's unit: quantity.to_value(unit)"
    elif unit in _SI_UNITS:
        fix = f'use p.si("<parameter>") for a parameter (SI: {unit}), or quantity.to_value("{unit}")'
    elif unit:
        fix = f'use quantity.to_value("{unit}") (p.si(...) gives SI units, not {unit})'
    else:
        fix = 'use float(quantity.to_value(""))'
    return TypeError(f"{owner}: {path} is a Quantity ({shown}); design fields are plain floats in the unit "
                     f"their name says ({unit or 'a plain number'}): {fix}")


def check_plain(owner: str, obj: Any, prefix: str = "") -> None:
    """Raise ``TypeError`` naming ``owner`` and the field when a field of ``obj`` (a design dataclass,
    walked into its parts, dicts and lists) holds an astropy Quantity instead of a plain float."""
    for f in fields(obj):
        value = getattr(obj, f.name, None)
        path = f"{prefix}{f.name}"
        if _is_quantity(value):
            raise _quantity_error(owner, path, value)
        if is_dataclass(value) and not isinstance(value, type):
            check_plain(owner, value, f"{path}.")
        elif isinstance(value, dict):
            for key, item in value.items():
                if _is_quantity(item):
                    raise _quantity_error(owner, f"{path}[{key!r}]", item)


#: Values set on design parts that need no Quantity check, by exact type (a Quantity subclasses none
#: of them; lists and tuples are not walked into).
_PLAIN_TYPES = frozenset({float, int, str, bool, np.float64, np.int64, list, tuple})


class _Plain:
    """Refuses astropy Quantities in the plain-float fields of a named design part as they are set."""

    def __setattr__(self, name: str, value: Any) -> None:
        if value is None or type(value) in _PLAIN_TYPES:  # the usual case, checked first
            object.__setattr__(self, name, value)
            return
        owner = f"{type(self).__name__.lower()} {self.__dict__.get('name', '?')!r}"
        if _is_quantity(value):
            raise _quantity_error(owner, name, value)
        if is_dataclass(value) and not isinstance(value, type):
            check_plain(owner, value, f"{name}.")
        elif isinstance(value, dict):
            for key, item in value.items():
                if _is_quantity(item):
                    raise _quantity_error(owner, f"{name}[{key!r}]", item)
        object.__setattr__(self, name, value)


@dataclass
class Site:
    """Where an element sits and what its environment gives it.

    - ``kind``: ``"ground"``, ``"orbit"`` or ``"surface"`` (a body's surface other than Earth).
    - ``sun_distance_au``: heliocentric distance (AU) for solar flux.
    - ``eclipse_fraction``: mean fraction of time without sunlight (0–1), computed from the orbit.
    - ``worst_eclipse_fraction``: the dark share of the darkest cycle (an orbit in eclipse season),
      0–1 and at least ``eclipse_fraction``; a solar array in space is sized for it, since it must
      carry the load and refill storage in every cycle (SMAD §11.4). ``None``: the same as
      ``eclipse_fraction`` (a site whose dark share does not change from cycle to cycle).
    - ``longest_dark_s``: longest continuous dark period (s) that storage must bridge.
    - ``radiator_sink_k``: effective sink temperature the radiators see (K).
    - ``absorbed_w_m2``: environmental heat absorbed per m² of radiator panel (sunlight, planet
      IR and albedo, surface emission), W/m², from the thermal model.
    - ``distance_to_earth_m``: typical distance to the users on Earth (m), for light time.
    - ``radiation_environment``: key understood by the radiation model (e.g. ``"leo"``,
      ``"geo"``, ``"interplanetary"``, ``"lunar_surface"``, ``"ground"``) and ``altitude_m`` and
      ``inclination_deg`` where the model interpolates in orbit.
    - ``capex_usd_per_w``: site preparation or building cost per W of electrical load
      (a data-center shell and its electrical/mechanical plant on the ground; 0 in orbit).
    - ``link_path``: how answers reach the ground network when the plugin gives no path latency
      samples: ``"direct"`` (round-trip light time over ``distance_to_earth_m``; on the ground, 0)
      or ``"geo-relay"`` (up to a geostationary data relay and down again, both ways).
    - ``solar_capacity_factor``: for a site with weather and nights (the ground), the mean output of
      a solar array over the year as a fraction of its rating at the standard test irradiance
      (``power.stc_irradiance_w_m2``, 1,000 W/m²), from the site's published yield; the array is
      then rated for that mean to carry the load, ``eclipse_fraction`` being the share of the load
      served through storage (nights). 0 (in space): the array is sized from the flux at
      ``sun_distance_au`` and the eclipse fraction.
    """

    name: str
    kind: str = "orbit"
    sun_distance_au: float = 1.0
    eclipse_fraction: float = 0.0
    longest_dark_s: float = 0.0
    worst_eclipse_fraction: float | None = None
    radiator_sink_k: float = 3.0
    absorbed_w_m2: float = 0.0
    distance_to_earth_m: float = 0.0
    radiation_environment: str = "ground"
    altitude_m: float = 0.0
    inclination_deg: float = 0.0
    capex_usd_per_w: float = 0.0
    link_path: str = "direct"
    solar_capacity_factor: float = 0.0


@dataclass
class PowerSystem:
    """How an element is powered: ``source`` and ``storage`` are catalogue power-source names.

    ``storage`` is needed when the site has dark periods and the source is solar. ``"auto"`` lets
    the engine choose the technology by site type (one envelope). ``source="link"``: the element is
    supplied by another element of the design through a :class:`PowerLink` (its whole demand,
    cooling included, is what the link delivers; an element fed by a link may itself feed others,
    a relay such as a rectenna passing its output to a data hall: the link then also delivers what
    it passes on). ``bus_power_fraction`` adds housekeeping load as
    a fraction of the IT power.
    """

    source: str
    storage: str | None = None
    bus_power_fraction: float = 0.0


@dataclass
class ThermalSystem:
    """How heat leaves: ``kind="radiator"`` (space), ``kind="facility"`` (ground, by PUE) or ``kind="none"``
    (an element that makes no heat of its own to reject, e.g. an array that only exports power).

    Radiator: ``temperature_k`` (radiating surface), ``emissivity`` (0–1), ``areal_density_kg_m2``,
    ``sides`` (1 or 2 radiating faces). Facility: ``pue`` (≥ 1), ``wue_l_per_kwh`` (water per IT kWh).
    """

    kind: str = "radiator"
    temperature_k: float = 300.0
    emissivity: float = 0.9
    areal_density_kg_m2: float = 5.0
    sides: int = 2
    pue: float = 1.0
    wue_l_per_kwh: float = 0.0


@dataclass
class Transport:
    """How an element gets to its site.

    ``vehicle``: catalogue launch-vehicle name; ``destination``: the vehicle's payload figure to
    use (``"LEO"``, ``"SSO"``, ``"GTO"``, ``"TLI"``); ``dv_after_drop_m_s``: Δv (m/s) the element's own
    propulsion (or a tug) must supply after separation, from the trajectory adapter, with
    ``isp_s`` (s); ``tanker_flights_per_flight``: extra flights per flight for propellant transfer
    (Starship-class refuelling); ``packing_density_kg_m3`` sets the stowed volume; ``expended``:
    the vehicle is not recovered (it is priced at the catalogue's ``expendable_price_usd``);
    ``manifest``: elements of one design that name the same manifest travel together (one vehicle,
    destination, refuelling and recovery, to one place): the part-filled last flight of one carries
    what fits of the others, and each pays for the shared flights in proportion to its load; ``""``
    (the default): the element's units fly on flights of their own.
    """

    vehicle: str
    destination: str = "LEO"
    dv_after_drop_m_s: float = 0.0
    isp_s: float = 320.0
    tanker_flights_per_flight: float = 0.0
    packing_density_kg_m3: float = 150.0
    expended: bool = False
    manifest: str = ""


@dataclass
class Servicing:
    """In-orbit servicing of an element with ``repair="servicing"``: a servicer visits ``visits_per_year``
    times a year and replaces every chip that failed since its last visit.

    ``cost_per_visit_usd``: the servicer's operation per visit (its vehicle amortised, operations);
    ``launch_kg_per_visit``: mass launched per visit besides the spare chips (the servicer's own
    consumables, or the vehicle when expended); ``vehicle``: the catalogue launch vehicle that
    carries spares and servicer, priced per kg of its LEO payload (a shared flight);
    ``parts_fraction``: the share of a chip's price paid per replaced chip (1 = a new chip).
    """

    visits_per_year: float
    cost_per_visit_usd: float
    launch_kg_per_visit: float = 0.0
    vehicle: str = "Starship"
    parts_fraction: float = 1.0


@dataclass
class Element(_Plain):
    """One kind of thing that is built, ``count`` times (satellites, modules, halls, power plants...).

    Compute: ``chip`` (catalogue name, or ``None`` for an element without compute, e.g. a power
    plant) × ``chips_per_unit`` at ``precision`` with ``utilisation``; ``redundancy`` (copies
    computing the same result, 1 = none), ``checkpoint_overhead`` and ``scrub_overhead``
    (fractions of time), ``failure_rate_per_year`` (per chip). The engine derives life, survival,
    derating and delivered compute from these (a design never computes them itself; to size an
    element to the workload call ``context.units_for_workload(element)``).

    The common envelope (the same for every architecture; docs/models.md):

    - ``host_fraction``: share of the chip's host server (CPU, memory, NIC, chassis; the chip's
      ``host_*`` catalogue fields, per accelerator) the element carries: 1 = a full server per
      accelerator as in a DGX/NVL rack, 0 when the plugin states the module needs no host;
    - ``repair``: ``"none"`` (failed chips stay failed: survival decays over the life),
      ``"onsite"`` (technicians replace failed parts within the repair time; the parts and labour
      are operating costs) or ``"servicing"`` (a servicer visits on a schedule, :class:`Servicing`,
      and replaces the chips that failed since its last visit);
    - ``production``: how the element's non-compute hardware (structure, shielding, avionics,
      radiators, propulsion hardware, plugin items) is priced per kg: ``"mass-produced"``
      (a constellation production line), ``"small-series"`` or ``"bespoke"`` (model defaults
      ``cost.hardware_usd_per_kg_*``); ignored on the ground, where the building is priced per W.
    ``shielding_g_cm2``: areal mass of the launched shield around the electronics;
    ``local_shielding_g_cm2``: in-situ cover (e.g. regolith) that shields but is not launched and
    adds no mass to the ledger. Elements without chips have no total-dose life limit and do not
    count for the worst dose rate. ``lifetime_years``:
    design life. ``structure_fraction``: structure as a fraction of dry mass.
    ``chip_power_w``: the power each chip draws when run below its catalogue TDP (a power cap);
    the design accounts for the throughput this costs in ``utilisation``. ``extra_power_w``:
    other electrical load per unit (W), ≥ 0. ``avionics_mass_kg``: per-unit avionics (attitude
    control, on-board computer, radios) not sized elsewhere. ``transit_dose_krad``: total dose
    (krad(Si)) the electronics collect on the way to the site (belt crossings, electric spirals),
    taken off the dose budget. ``propulsion_power_w``: rated input power of the element's electric
    propulsion (thrusters and power processors get mass from ``launch.ep_specific_mass_kg_per_kw``).
    ``chips_per_job``: chips one job spans, for the single-event loss (a job stops when any of its
    chips is hit; 0 = one 8-accelerator server or the unit, whichever is smaller; a synchronous
    training job spans many). ``work_w``: per-unit power (W, ≤ the load) that leaves the element as work rather than heat
    (e.g. the kinetic energy a mass driver gives its probes); the radiators reject the rest.
    ``throughput_factor`` (0–1): a limit on delivered compute the plugin computed from its own
    design (e.g. a training job's all-reduce traffic against the cluster's bisection bandwidth),
    applied by the engine's derating with ``throughput_reason`` shown in ``--explain``.
    ``extra_*``: plugin-specific items (e.g. a mass driver's track) that the ledger adds as given,
    each keyed by a name that appears in the breakdown; an ``extra_mass_kg`` item is priced at the
    production-class rate unless ``extra_capex_usd`` has the same key (then the plugin prices it);
    ``extra_production`` names another production class for an item (a mass driver's track built as a series
    beside a one-off base), whose rate the ledger applies, so that studies drawing the rate move its cost too;
    ``extra_without_structure`` names the ``extra_mass_kg`` items that carry no share of ``structure_fraction`` (a
    cable laid on the ground, whose figure holds its own jacket and reels).
    """

    name: str
    count: float
    chip: str | None
    chips_per_unit: float
    site: Site
    power: PowerSystem
    thermal: ThermalSystem
    precision: str = "fp16"
    utilisation: float = 0.4
    redundancy: float = 1.0
    checkpoint_overhead: float = 0.0
    scrub_overhead: float = 0.0
    failure_rate_per_year: float = 0.0
    shielding_g_cm2: float = 0.0
    local_shielding_g_cm2: float = 0.0
    lifetime_years: float = 5.0
    structure_fraction: float = 0.0
    transport: Transport | None = None
    chip_power_w: float | None = None
    extra_power_w: float = 0.0
    throughput_factor: float = 1.0
    throughput_reason: str = ""
    chips_per_job: float = 0.0
    work_w: float = 0.0
    host_fraction: float = 1.0
    repair: str = "none"
    servicing: Servicing | None = None
    production: str = "small-series"
    avionics_mass_kg: float = 0.0
    transit_dose_krad: float = 0.0
    propulsion_power_w: float = 0.0
    extra_mass_kg: dict[str, float] = field(default_factory=dict)
    extra_capex_usd: dict[str, float] = field(default_factory=dict)
    extra_opex_usd_per_year: dict[str, float] = field(default_factory=dict)
    extra_production: dict[str, str] = field(default_factory=dict)
    extra_without_structure: tuple[str, ...] = ()


@dataclass
class Metric(_Plain):
    """One reported number: ``name`` (dotted, e.g. ``"mass.thermal"``), ``value`` in ``unit``,
    and how it was obtained: ``inputs`` names what produced it, ``approximation`` flags a
    documented approximation, ``source`` cites it."""

    name: str
    value: float
    unit: str
    inputs: Sequence[str] = ()
    source: str = ""
    approximation: bool = False


@dataclass
class LinkStage:
    """One stage of a :class:`PowerLink`: its ``efficiency`` (0–1) and where its loss goes:
    ``"source"`` (heat at the sending element: a transmitter's conversion loss), ``"sink"`` (heat at
    the receiving element: a receiver's conversion loss) or ``"environment"`` (leaves the system:
    beam spill outside the receiver, atmospheric absorption, a cable's I²R heat in the ground)."""

    name: str
    efficiency: float
    loss_to: str = "environment"


@dataclass
class PowerLink:
    """Power sent from element ``source`` to element ``sink`` (their names in the design) through ``stages``.

    The engine sizes the flow from the sink's demand: the power the sink's bus needs (its load, and
    its cooling when it is a facility) divided by the product of the stage efficiencies is what the
    source must send; the source's generation covers its own load plus that. Exported power is not
    heat at the source; each stage's loss is heat where ``loss_to`` says. Links may be chained (a
    relay element is the sink of one link and the source of another) but may not form a loop.
    ``kind`` labels the link (``"beamed"``, ``"laser"``, ``"cable"``).
    """

    source: str
    sink: str
    stages: list[LinkStage]
    kind: str = "beamed"

    @property
    def efficiency(self) -> float:
        out = 1.0
        for stage in self.stages:
            out *= stage.efficiency
        return out


@dataclass
class Design:
    """An architecture's description for one scenario: its elements plus what only it knows.

    ``latency_samples_s``: samples of one query's round-trip *path* time (s) between the ground
    network's edge (a ground station or teleport) and the compute, if the plugin modelled it
    (waits for passes, relays, inter-satellite hops, serialisation); the engine adds the same
    user network time and processing time for every architecture (end-to-end latency model in
    docs/models.md). Without samples the engine uses the site's ``link_path``. ``link_to_earth_bps``: sustained bandwidth to Earth. ``years_to_service``: years from
    the decision to first useful compute (build, grid wait, launch campaign). ``metrics``: extra
    plugin-specific numbers. ``notes``: approximations and assumptions worth reading.
    ``power_links``: power sent between its elements (:class:`PowerLink`).
    """

    elements: list[Element]
    latency_samples_s: np.ndarray | None = None
    link_to_earth_bps: float = float("inf")
    years_to_service: float = 0.0
    metrics: list[Metric] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    power_links: list[PowerLink] = field(default_factory=list)

    def __post_init__(self) -> None:
        check_plain("design", self)
        for el in self.elements if isinstance(self.elements, list) else ():
            if isinstance(el, Element):  # parts may have been changed after the element was made
                check_plain(f"element {el.name!r}", el)
        for m in self.metrics if isinstance(self.metrics, list) else ():
            if isinstance(m, Metric):
                check_plain(f"metric {m.name!r}", m)
