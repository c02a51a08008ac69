"""A design's totals: every element's ledger summed, the design-level lines, and the headline metrics.

The same functions serve a run (scalars, with traces) and a study (arrays of one value per
point). Units: the ledger works in SI (W, kg, USD, s); :data:`UNITS` gives each metric's display
unit and the factor from the ledger value to it.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import fields, is_dataclass
from typing import Any

import numpy as np

from sandbox.core.design import Design, Metric
from sandbox.core.params import nearest_precision
from sandbox.ledger import latency
from sandbox.ledger.element import HOURS_PER_YEAR, LARGEST, EvaluationError, evaluate_element
from sandbox.ledger.inputs import NOMINAL, LedgerInputs

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

#: Headline metrics the engine derives from the totals (display units).
HEADLINE_UNITS: dict[str, str] = {
    "mass.total": "t", "cost.capex": "MUSD", "cost.opex": "MUSD/yr", "cost.per_pflop_day": "USD",
    "cost.per_gpu_hour": "USD", "cost.per_kwh": "USD/kWh", "energy.use": "GWh/yr",
    "latency.user_network": "s", "latency.path_p50": "s", "latency.path_p95": "s", "latency.processing": "s",
    "latency.p50": "s", "latency.p95": "s", "time.years_to_service": "yr",
    "specific.mass": "kg/kW", "specific.capex": "USD/W",
}

#: The first names of the ledger's own metrics (``mass.…``, ``cost.…``): a study's input columns are named
#: ``<instance>.<parameter>``, so an instance of one of these names could share a column with a metric.
ENGINE_METRIC_FAMILIES = frozenset(name.split(".", 1)[0] for name in (*UNITS, *HEADLINE_UNITS))

#: Metrics also reported relative to the baseline (``<metric>.vs_baseline``, in ``x``), in runs and studies.
RELATIVE = ("cost.per_pflop_day", "cost.per_gpu_hour", "cost.per_kwh", "specific.capex", "latency.p50", "energy.use",
            "time.years_to_service")

_MAX = {"radiation.dose_rate"}  # not additive over elements: the worst element
_MIN = {"life.effective"}  # the shortest-lived compute element
_INTERNAL = {"cost.power_annual"}  # used for a headline, not reported


def display_unit(name: str) -> tuple[str, float]:
    """(display unit, factor from the ledger's SI value) of a ledger metric."""
    if name in UNITS:
        return UNITS[name]
    for prefix, value in UNITS.items():
        if prefix.endswith(".") and name.startswith(prefix):
            return value
    return ("", 1.0)


def unit_of_metric(name: str) -> str:
    """Display unit of any engine metric (ledger total, headline or ``.vs_baseline``)."""
    if name.endswith(".vs_baseline"):
        return "x"
    return HEADLINE_UNITS.get(name) or display_unit(name)[0]


#: Where an element may sit (:attr:`sandbox.core.design.Site.kind`) and how its answers reach the ground.
SITE_KINDS = ("ground", "orbit", "surface")
LINK_PATHS = ("direct", "geo-relay")
#: The longest design life the ledger accepts (yr): beyond it a life in seconds or hours was given as years.
MAX_LIFETIME_YEARS = 100.0


def _naming(exc: Exception, where: str) -> Exception:
    """``exc`` with ``where`` before its message, of the same type when that type takes a message."""
    text = f"{where}: {exc.args[0] if len(exc.args) == 1 else exc}"
    try:
        return type(exc)(text)
    except Exception:  # noqa: BLE001 - an exception type with another signature
        return ValueError(text)


def _number(v: Any) -> bool:
    """A real number, not a bool: a Python or numpy scalar, or a 0-d numpy array of numbers."""
    if isinstance(v, np.ndarray):
        return v.ndim == 0 and v.dtype.kind in "fiu"
    return isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_))


#: What a design part's field annotation admits: a number (not a bool), a string, a table, or one of the parts.
_ADMITS: dict[str, tuple[str, Any]] = {
    "float": ("a number", _number),
    "int": ("a whole number", lambda v: _number(v) and float(v).is_integer()),
    "str": ("a string", lambda v: isinstance(v, str)),
    "bool": ("True or False", lambda v: isinstance(v, (bool, np.bool_))),
}


def type_problem(part: Any, prefix: str = "") -> str:
    """The first field of a design part (an :class:`~sandbox.core.design.Element` and the parts it holds) whose
    value is not of its declared type, as ``field: expected ..., got ...`` (``""`` when none is): a string
    where a number belongs (``count = "3"``) or a name where a part belongs (``site = "ground"``)."""
    for f in fields(part):
        value = getattr(part, f.name)
        path = f"{prefix}{f.name}"
        kinds = [k.strip() for k in str(f.type).split("|")]
        if value is None and "None" in kinds:
            continue
        kind = kinds[0]
        if kind in _ADMITS:
            wanted, admits = _ADMITS[kind]
            if not admits(value):
                return f"{path}: expected {wanted}, got {value!r} ({type(value).__name__})"
        elif kind.startswith("dict["):
            if not isinstance(value, dict):
                return f"{path}: expected a table (dict), got {value!r} ({type(value).__name__})"
        elif kind.startswith("tuple[str"):
            if not (isinstance(value, (tuple, list)) and all(isinstance(x, str) for x in value)):
                return f"{path}: expected a tuple of names, got {value!r} ({type(value).__name__})"
        elif is_dataclass(value) and type(value).__name__ == kind:
            problem = type_problem(value, f"{path}.")
            if problem:
                return problem
        else:
            return f"{path}: expected a sandbox.{kind}, got {value!r} ({type(value).__name__})"
    return ""


def design_problem(design: Design) -> str:
    """What is wrong with a design's own figures, as ``field: why`` (``""`` when nothing is): a time to service
    that is not a finite number >= 0, a latency sample or link rate below 0 or NaN (each becomes a metric as it is)."""
    value = design.years_to_service
    if not (_number(value) and math.isfinite(float(value)) and float(value) >= 0):
        return f"years_to_service: expected a finite number >= 0, got {value!r}"
    value = design.link_to_earth_bps  # inf: a place with no link to cross (the ground)
    if not (_number(value) and float(value) >= 0):
        return f"link_to_earth_bps: expected a number >= 0 (inf for no link), got {value!r}"
    samples = design.latency_samples_s
    if samples is not None:  # inf: a query never served (a quantile reaching into them is infinite)
        arr = np.asarray(samples)
        with np.errstate(invalid="ignore"):
            good = arr >= 0 if arr.dtype.kind in "fiu" else np.zeros(arr.shape, bool)
        if not bool(np.all(good)):
            bad = arr[~good] if arr.dtype.kind in "fiu" else arr
            return f"latency_samples_s: expected times >= 0 (s; inf for a query never served), got {bad.ravel()[:3].tolist()!r}"
    return ""


def element_problem(el: Any, registry: Any) -> str:
    """What is wrong with an element a design built, as ``field: why`` (``""`` when nothing is): a value of the
    wrong type (:func:`type_problem`), a chip the catalogues lack, a site kind or link path the ledger does not
    know, a fraction outside 0-1, a life that cannot be years. Checked before the ledger runs, so the message
    names the element and the field."""
    problem = type_problem(el)
    if problem:
        return problem
    if el.chip is not None:
        problem = registry.catalogues.problem("chips", el.chip)
        if problem:
            return f"chip: {problem}"
    site = el.site
    if site.kind not in SITE_KINDS:
        return f"site.kind: expected one of {', '.join(SITE_KINDS)}, got {site.kind!r}"
    if site.link_path not in LINK_PATHS:
        return f"site.link_path: expected one of {', '.join(LINK_PATHS)}, got {site.link_path!r}"
    if getattr(el.thermal, "kind", None) == "facility" and site.kind == "orbit":
        return ("thermal.kind: 'facility' is a cooling plant by PUE, shedding heat to air or water, which an orbit has "
                "none of: use 'radiator'")
    for label, value in (("utilisation", el.utilisation), ("site.eclipse_fraction", site.eclipse_fraction),
                         ("site.solar_capacity_factor", site.solar_capacity_factor),
                         ("throughput_factor", el.throughput_factor), ("host_fraction", el.host_fraction)):
        if not (isinstance(value, numbers.Real) and 0.0 <= value <= 1.0):
            return f"{label}: expected a fraction from 0 to 1, got {value!r}"
    worst = site.worst_eclipse_fraction
    if worst is not None and not (isinstance(worst, numbers.Real) and site.eclipse_fraction <= worst <= 1.0):
        return (f"site.worst_eclipse_fraction: expected a fraction from eclipse_fraction ({site.eclipse_fraction!r}) to 1, "
                f"got {worst!r}")
    life = el.lifetime_years
    if not (isinstance(life, numbers.Real) and 0.0 < life <= MAX_LIFETIME_YEARS):
        return (f"lifetime_years: expected a design life above 0 and at most {MAX_LIFETIME_YEARS:g} years, got {life!r} "
                '(p.si() gives seconds: pass years, e.g. p.lifetime.to_value("yr"))')
    return ""


def design_totals(design: Design, registry: Any, discount_rate: float, inputs: LedgerInputs = NOMINAL,
                  explain: bool = True) -> tuple[dict[str, Any], dict[str, list[str]], list[str]]:
    """Sum every element's ledger (worst dose, shortest life of the compute elements) and add the
    design-level lines; arrays when ``inputs`` holds arrays. Overflow and invalid arithmetic give
    inf and NaN without numpy's warnings: every value is checked afterwards (an impossible input fails
    the run, or leaves a study's point invalid), so the warnings would only print stray lines."""
    with np.errstate(over="ignore", invalid="ignore"):
        return _design_totals(design, registry, discount_rate, inputs, explain)


def _design_totals(design: Design, registry: Any, discount_rate: float, inputs: LedgerInputs,
                   explain: bool) -> tuple[dict[str, Any], dict[str, list[str]], list[str]]:
    if not isinstance(design, Design):
        raise EvaluationError(f"design function returned {type(design).__name__}, expected a sandbox.Design")
    if not design.elements:
        raise EvaluationError("design has no elements")
    problem = design_problem(design)
    if problem:
        raise EvaluationError(f"design: {problem}")
    for el in design.elements:
        problem = element_problem(el, registry)
        if problem:
            raise EvaluationError(f"element {getattr(el, 'name', '?')!r}: {problem}")
    totals: dict[str, Any] = {}
    traces: dict[str, list[str]] = {}
    notes = list(design.notes)
    m = registry.models
    lives: dict[bool, list[Any]] = {True: [], False: []}  # by "the element has electronics"
    parts = _evaluate_with_links(design, registry, discount_rate, inputs, explain)
    for el in design.elements:
        part, trace, el_notes = parts[el.name]
        notes += el_notes
        for k, text in trace.items():
            traces.setdefault(k, []).append(f"{el.name}: {text}" if len(design.elements) > 1 else text)
        for k, v in part.items():
            if k in _MIN:
                lives[el.chips_per_unit > 0 and bool(el.chip)].append(v)
            elif k in _MAX:
                totals[k] = np.maximum(totals.get(k, 0.0), v)
            else:
                totals[k] = totals.get(k, 0.0) + v
    losses = parts.get("_links", ({}, {}, []))[0]
    totals["power.link_losses"] = losses.get("total", 0.0)
    if explain:
        traces["power.link_losses"] = parts.get("_links", ({}, {}, []))[1].get("lines", ["0 (no power links)"])
    for k in _MIN:  # the shortest-lived compute element (any element when none computes)
        values = lives[True] or lives[False]
        totals[k] = values[0] if len(values) == 1 else np.minimum.reduce(np.broadcast_arrays(*values))
    # ---- design-level lines: a ground segment for any architecture with hardware in space, once
    if any(el.site.kind != "ground" for el in design.elements):
        gs = inputs.model(m, "cost.ground_segment_cost_usd_per_year")
        totals["opex.ground_segment"] = gs
        totals["cost.annual"] = totals["cost.annual"] + gs
        if explain:
            traces["opex.ground_segment"] = [f"{float(gs):.4g} USD/yr [cost.ground_segment_cost_usd_per_year]: mission "
                                             "operations and ground stations, once per architecture in space"]
            traces.setdefault("cost.annual", []).append(f"+ ground segment {float(gs):.4g} USD/yr "
                                                        "[cost.ground_segment_cost_usd_per_year] (opex.ground_segment)")
    else:
        totals["opex.ground_segment"] = 0.0
        if explain:
            traces["opex.ground_segment"] = ["0 (no hardware in space)"]
    return totals, traces, notes


def _evaluate_with_links(design: Design, registry: Any, discount_rate: float, inputs: LedgerInputs,
                         explain: bool) -> dict[str, Any]:
    """Every element's ledger, the power links' flows included.

    Demand flows upstream: an element is evaluated after every element it feeds (a sink first: its
    demand sets the flow), so a relay (an element both fed by a link and feeding others, e.g. a
    rectenna that passes its power on to a data hall) knows what it exports before its own demand
    is known, and a source last, with the power it exports and the link losses that are heat there.
    """
    names = [el.name for el in design.elements]
    if len(set(names)) != len(names):
        raise EvaluationError(f"element names must be unique within a design: {names}")
    by_name = {el.name: el for el in design.elements}
    for link in design.power_links:
        for end in (link.source, link.sink):
            if end not in by_name:
                raise EvaluationError(f"power link {link.source!r} → {link.sink!r}: no element named {end!r}")
        if by_name[link.sink].power.source != "link":
            raise EvaluationError(f"power link to {link.sink!r}: that element's power source must be 'link'")
        if not link.stages or not all(0.0 < s.efficiency <= 1.0 for s in link.stages):
            raise EvaluationError(f"power link {link.source!r} → {link.sink!r}: every stage needs an efficiency in (0, 1]")
        if any(s.loss_to not in ("source", "sink", "environment") for s in link.stages):
            raise EvaluationError(f"power link {link.source!r} → {link.sink!r}: loss_to must be 'source', 'sink' or 'environment'")
    fed = {link.sink for link in design.power_links}
    for el in design.elements:
        if el.power.source == "link" and el.name not in fed:
            raise EvaluationError(f"element {el.name!r} takes its power from a link, but no power link feeds it")
    manifests = _manifests(design)
    order = _downstream_first(names, design.power_links)
    out: dict[str, Any] = {}
    args: dict[str, dict[str, Any]] = {}  # each element's final link figures, to evaluate it again with a manifest
    loads: dict[str, dict[str, Any]] = {n: {} for n in names}
    export: dict[str, list[Any]] = {n: [0.0, 0.0] for n in names}  # total W sent, total W of heat at the sender
    lines: list[str] = []
    total_loss: Any = 0.0
    for name in order:
        el = by_name[name]
        n = max(float(el.count), 1e-300)
        sent = {"export_w": export[name][0] / n, "export_heat_w": export[name][1] / n}
        links = [link for link in design.power_links if link.sink == name]
        import_heat: Any = 0.0
        flows: list[dict[str, Any]] = []
        for _ in range(60):  # a facility's cooling depends on the heat the receiver leaves in it: fixed-point steps
            try:
                args[name] = {"import_heat_w": import_heat, **sent}
                part = evaluate_element(el, registry, discount_rate, inputs, explain, launch_load=loads[name],
                                        **args[name])
            except (ValueError, KeyError) as exc:  # a model refused one of the element's inputs: say which element
                raise _naming(exc, f"element {name!r}") from None
            if not links:
                break
            demand = part[0]["power.imported"]
            flows = [_link_flow(link, demand / len(links)) for link in links]
            new = sum(f["sink"] for f in flows) / n
            if np.all(np.abs(np.asarray(new) - np.asarray(import_heat)) <= 1e-13 * (1.0 + np.abs(np.asarray(new)))):
                break
            import_heat = new
        out[name] = part
        for link, flow in zip(links, flows, strict=True):
            export[link.source][0] = export[link.source][0] + flow["input"]
            export[link.source][1] = export[link.source][1] + flow["source"]
            total_loss = total_loss + flow["source"] + flow["sink"] + flow["environment"]
            if explain:
                lines.append(f"{link.source} → {link.sink} ({link.kind}): sent {float(flow['input']):.4g} W, delivered "
                             f"{float(demand / len(links)):.4g} W; losses: at the sender {float(flow['source']):.4g} W, at the "
                             f"receiver {float(flow['sink']):.4g} W, to the environment {float(flow['environment']):.4g} W "
                             f"(stages: {', '.join(f'{s.name} {s.efficiency:g}' for s in link.stages)})")
    out["_links"] = ({"total": total_loss}, {"lines": lines} if lines else {}, [])
    for manifest, members in manifests.items():
        _share_flights(manifest, [by_name[n] for n in members], out, args, loads, registry, discount_rate, inputs,
                       explain)
    return out


def _manifests(design: Design) -> dict[str, list[str]]:
    """The elements that travel together, by manifest name (two or more each); an error when the elements of one
    manifest do not fly alike (vehicle, destination, refuelling, recovery)."""
    groups: dict[str, list[Any]] = {}
    for el in design.elements:
        if el.transport is not None and el.transport.manifest:
            groups.setdefault(el.transport.manifest, []).append(el)
    for manifest, members in groups.items():
        trips = {(t.vehicle, t.destination, t.tanker_flights_per_flight, t.expended)
                 for t in (el.transport for el in members)}
        if len(trips) > 1:
            raise EvaluationError(
                f"transport.manifest {manifest!r}: its elements ({', '.join(repr(el.name) for el in members)}) must fly "
                "the same vehicle to the same destination with the same refuelling and recovery (vehicle, destination, "
                "tanker_flights_per_flight, expended); give the others a manifest of their own")
    return {manifest: [el.name for el in members] for manifest, members in groups.items() if len(members) > 1}


def _share_flights(manifest: str, members: list[Any], out: dict[str, Any], args: dict[str, dict[str, Any]],
                   loads: dict[str, dict[str, Any]], registry: Any, discount_rate: float, inputs: LedgerInputs,
                   explain: bool) -> None:
    """Pack the elements of one manifest together (``launch.shared_manifest_flights``): where that takes fewer
    flights than the elements' own, each element is evaluated again with its share of them, in proportion to its
    load; elsewhere (and at the points of a study where it saves nothing) each keeps its own flights."""
    own = [loads[el.name] for el in members]  # every member has a transport: evaluate_element filled its load
    first = own[0]
    flights, shares = registry.models.launch.shared_manifest_flights(
        [load["count"] for load in own], [load["wet_kg"] for load in own], [load["volume_m3"] for load in own],
        first["payload_kg"], first["fairing_m3"])
    alone = sum(load["flights"] for load in own)
    with np.errstate(invalid="ignore", divide="ignore"):
        saves = np.asarray(flights < alone)
        if not saves.any():
            return
        total_share = sum(shares)
        for el, load, share in zip(members, own, shares, strict=True):
            given = np.where(saves, flights * share / np.where(total_share > 0, total_share, 1.0), load["flights"])
            given = given if np.ndim(given) else float(given)
            part = evaluate_element(el, registry, discount_rate, inputs, explain, shared_flights=given,
                                    **args[el.name])
            if explain:
                others = ", ".join(repr(o.name) for o in members if o is not el)
                part[1]["launch.flights"] += (
                    f"; manifest {manifest!r} shared with {others}: {float(flights):g} flights for all instead of "
                    f"{float(alone):g}, this element's share {float(share):.4g} of {float(total_share):.4g} flight "
                    f"loads = {float(given):.4g} flights")
                if el is members[0]:
                    part[2].append(f"manifest {manifest!r}: {', '.join(repr(o.name) for o in members)} travel together: "
                                   f"{float(flights):g} flights instead of {float(alone):g} on flights of their own "
                                   "(the part-filled flights carry each other's loads), paid in proportion to each "
                                   "one's load")
            out[el.name] = part


def _downstream_first(names: list[str], links: list[Any]) -> list[str]:
    """``names`` ordered so that every element comes after all the elements it sends power to (design
    order among equals); a loop of links is an error naming its elements."""
    feeds = {n: {link.sink for link in links if link.source == n} for n in names}
    order: list[str] = []
    done: set[str] = set()
    while len(order) < len(names):
        ready = [n for n in names if n not in done and feeds[n] <= done]
        if not ready:
            loop = [n for n in names if n not in done]
            raise EvaluationError(f"power links form a loop through {', '.join(repr(n) for n in loop)}: power cannot "
                                  "flow in a circle")
        order += ready
        done.update(ready)
    return order


def _link_flow(link: Any, delivered_w: Any) -> dict[str, Any]:
    """The power entering a link (W) to deliver ``delivered_w`` and where each stage's loss goes."""
    p_in = delivered_w / link.efficiency
    flow: dict[str, Any] = {"input": p_in, "source": 0.0, "sink": 0.0, "environment": 0.0}
    p = p_in
    for stage in link.stages:
        loss = p * (1.0 - stage.efficiency)
        flow[stage.loss_to] = flow[stage.loss_to] + loss
        p = p - loss
    return flow


def derived(totals: dict[str, Any], design: Design, registry: Any, assumptions: Any,
            inputs: LedgerInputs = NOMINAL) -> tuple[dict[str, Any], dict[str, Any]]:
    """The headline numbers the engine derives from the totals, in display units (arrays in a study),
    and the latency parts (:func:`sandbox.ledger.latency.end_to_end`)."""
    m = registry.models
    out: dict[str, Any] = {}
    out["mass.total"] = sum(v for k, v in totals.items() if k.startswith("mass.")) * 1e-3
    out["cost.capex"] = sum(v for k, v in totals.items() if k.startswith("capex.")) * 1e-6
    out["cost.opex"] = sum(v for k, v in totals.items() if k.startswith("opex.")) * 1e-6
    delivered = totals["compute.delivered"]
    annual = totals["cost.annual"]
    ref = registry.catalogues.chips[assumptions.reference_chip]
    inputs.note("chips", assumptions.reference_chip)  # the chip a GPU-hour is quoted for
    precision = next((el.precision for el in design.elements if el.chips_per_unit > 0 and el.chip), "fp16")
    ref_flops = ref.peak_ops_per_s[nearest_precision(ref.peak_ops_per_s, precision)]
    if np.any(delivered > 0):
        with np.errstate(divide="ignore", invalid="ignore"):
            out["cost.per_pflop_day"] = m.cost.cost_per_pflop_day_usd(annual, delivered / 1e15)
            out["cost.per_gpu_hour"] = m.cost.cost_per_gpu_hour_usd(annual, delivered, ref_flops)
    if np.any(totals["power.load"] > 0):
        out["cost.per_kwh"] = m.cost.cost_per_kwh_usd(totals["cost.power_annual"], totals["power.load"])
    # per unit of IT power (chips and their hosts): how published studies compare architectures (kg/kW, $/W)
    if np.any(totals["power.it"] > 0):
        with np.errstate(divide="ignore", invalid="ignore"):
            it_kw = totals["power.it"] / 1000.0
            out["specific.mass"] = sum(v for k, v in totals.items() if k.startswith("mass.")) / it_kw
            out["specific.capex"] = sum(v for k, v in totals.items() if k.startswith("capex.")) / totals["power.it"]
    # the energy the design's own loads use: bought from the grid, or its loads and facility cooling
    energy_w = np.where(totals["power.grid"] > 0, totals["power.grid"], totals["power.load"] + totals["thermal.cooling_power"])
    out["energy.use"] = energy_w * HOURS_PER_YEAR / 1000.0 * 1e-6
    lat = latency.end_to_end(design, m, inputs)
    for part in ("user_network", "path_p50", "path_p95", "processing", "p50", "p95"):
        out[f"latency.{part}"] = lat[part]
    out["time.years_to_service"] = design.years_to_service
    return out, lat


def run_metrics(totals: dict[str, Any], traces: dict[str, list[str]], head: dict[str, Any], lat: dict[str, Any],
                design: Design, registry: Any, assumptions: Any) -> list[Metric]:
    """The ledger of a run as :class:`~sandbox.core.design.Metric` records with their traces."""
    for k, v in totals.items():
        if not math.isfinite(v) or v < 0:  # a plugin's impossible inputs must not become silent nonsense
            raise EvaluationError(f"metric {k} is {v} (physically impossible); check the design's inputs")
        unit, scale = display_unit(k)
        if v * scale > LARGEST:  # 1e200 W chips: finite, and no physical system
            raise EvaluationError(f"metric {k} is {v * scale:.3g} {unit} (beyond {LARGEST:.2g}, the largest value a "
                                  "study's table stores: physically impossible); check the inputs")
    metrics = [Metric(k, v * display_unit(k)[1], display_unit(k)[0], inputs=traces.get(k, ()))
               for k, v in totals.items() if k not in _INTERNAL]
    if any(el.precision == "int8" for el in design.elements if el.chips_per_unit > 0):  # integer operations are not FLOPs
        metrics[0].unit = "POP/s"
    ref = registry.catalogues.chips[assumptions.reference_chip]
    metrics.append(Metric("mass.total", head["mass.total"], "t", inputs=[k for k in totals if k.startswith("mass.")]))
    metrics.append(Metric("cost.capex", head["cost.capex"], "MUSD", inputs=[k for k in totals if k.startswith("capex.")]))
    metrics.append(Metric("cost.opex", head["cost.opex"], "MUSD/yr", inputs=[k for k in totals if k.startswith("opex.")]))
    if "cost.per_pflop_day" in head:
        metrics.append(Metric("cost.per_pflop_day", head["cost.per_pflop_day"], "USD", inputs=["cost.annual", "compute.delivered"]))
        metrics.append(Metric("cost.per_gpu_hour", head["cost.per_gpu_hour"], "USD",
                              inputs=["cost.annual", "compute.delivered", f"assumptions.reference_chip={ref.name}"]))
    if "cost.per_kwh" in head:
        metrics.append(Metric("cost.per_kwh", head["cost.per_kwh"], "USD/kWh",
                              inputs=["power system capex incl. its share of integration, launch and insurance by mass",
                                      "the whole annual cost of elements without compute that send power (plants, relays)",
                                      "opex.energy", "power.load"]))
    metrics.append(Metric("energy.use", head["energy.use"], "GWh/yr", inputs=["power.load", "power.grid"]))
    if "specific.mass" in head:
        metrics.append(Metric("specific.mass", head["specific.mass"], "kg/kW",
                              inputs=["mass.total (every kg launched or built, propellant included) / power.it "
                                      "(chips and their hosts)"]))
        metrics.append(Metric("specific.capex", head["specific.capex"], "USD/W",
                              inputs=["cost.capex (every capex part: compute, power, thermal, structure, launch, "
                                      "integration, insurance, site) / power.it"]))
    m = registry.models
    user_src, proc_src = m.default("links.user_network_rtt_s").source, m.default("links.query_processing_time_s").source
    metrics.append(Metric("latency.user_network", float(lat["user_network"]), "s",
                          inputs=["links.user_network_rtt_s: user ↔ data centre or ground station, round trip"], source=user_src))
    for q in ("p50", "p95"):
        metrics.append(Metric(f"latency.path_{q}", float(lat[f"path_{q}"]), "s", inputs=[lat["how"]],
                              approximation=not lat["modelled"]))
    metrics.append(Metric("latency.processing", float(lat["processing"]), "s",
                          inputs=["links.query_processing_time_s: the same for every architecture"], source=proc_src))
    for q in ("p50", "p95"):
        metrics.append(Metric(f"latency.{q}", float(lat[q]), "s", approximation=not lat["modelled"],
                              inputs=[f"latency.user_network {float(lat['user_network']):.4g} s + latency.path_{q} "
                                      f"{float(lat[f'path_{q}']):.4g} s ({lat['how']}) + latency.processing "
                                      f"{float(lat['processing']):.4g} s"]))
    if math.isfinite(design.link_to_earth_bps):
        metrics.append(Metric("link.to_earth", design.link_to_earth_bps * 1e-9, "Gbit/s",
                              inputs=["design.link_to_earth_bps (the plugin's link budget; see its metrics)"]))
    metrics.append(Metric("time.years_to_service", design.years_to_service, "yr",
                          inputs=["design.years_to_service (from the plugin's parameters; see its notes)"]))
    return metrics


def study_values(totals: dict[str, Any], head: dict[str, Any], n: int) -> dict[str, np.ndarray]:
    """The ledger of ``n`` study points in display units, one array per metric."""
    values = {k: np.broadcast_to(np.asarray(v, dtype=float) * display_unit(k)[1], (n,))
              for k, v in totals.items() if k not in _INTERNAL}
    values.update({k: np.broadcast_to(np.asarray(v, dtype=float), (n,)) for k, v in head.items()})
    return values
