"""The explorer's input form, generated from the schema the scenario files are validated against.

One :class:`Field` per input, grouped: the workload and assumptions, every parameter of every
architecture instance of the scenario (as ``sandbox schema`` declares it), the shared model
defaults (``sandbox.core.modelset.listing``), and the numeric fields of the catalogue entries the
scenario uses. Each field carries its unit, its plausible range (``low``/``high``), its hard bounds
and its source; a ranged numeric input gets a slider (``slider``: position ↔ value mapping bounds
in the field's unit, log-scaled when the range spans more than a factor 20).

Model defaults and catalogue fields are offered only when the installed sandbox accepts
``[models]`` and ``[catalogue]`` overrides in scenario files (:func:`overrides_supported`).
"""

from __future__ import annotations

import dataclasses
import importlib.util
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sandbox.core.modelset import listing
from sandbox.core.params import Param, check_value
from sandbox.core.scenario import PRECISIONS, WORKLOAD_KINDS, param_range

#: A slider is log-scaled when its range spans more than this factor.
LOG_RATIO = 20.0
CATALOGUE_KINDS = ("chips", "launch_vehicles", "power_sources", "ground_stations")


@dataclass
class Field:
    """One input of the form. ``kind`` drives how the page's text is typed (:func:`sandbox.serve.state.coerce`)."""

    key: str
    label: str
    group: str
    kind: str
    value: str
    default: str
    unit: str = ""
    source: str = ""
    description: str = ""
    low: float | None = None
    high: float | None = None
    minimum: float | None = None
    maximum: float | None = None
    choices: list[str] = field(default_factory=list)
    slider: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def overrides_supported() -> bool:
    """True when scenario files accept ``[models]`` and ``[catalogue]`` tables (sandbox.core.overrides)."""
    return importlib.util.find_spec("sandbox.core.overrides") is not None


def text_of(value: Any) -> str:
    """A scenario value as the form shows it (TOML-like: ``true``, ``a, b``, ``1.5``, ``"600 km"`` unquoted)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _finite(x: Any) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _slider(low: float | None, high: float | None, current: float | None, kind: str,
            minimum: float | None = None, maximum: float | None = None) -> dict[str, Any] | None:
    """Slider bounds in the field's unit: the plausible range widened to hold the current value."""
    if low is None or high is None or not high > low:
        return None
    lo, hi = low, high
    if current is not None:
        lo, hi = min(lo, current), max(hi, current)
    if minimum is not None:
        lo = max(lo, minimum)
    if maximum is not None:
        hi = min(hi, maximum)
    if not hi > lo:
        return None
    log = lo > 0 and hi / lo > LOG_RATIO
    return {"min": lo, "max": hi, "log": log, "integer": kind == "integer"}


def _param_number(param: Param, value: Any) -> float | None:
    try:
        checked = check_value(param, value)
    except ValueError:
        return None
    return _finite(getattr(checked, "value", checked))


def param_fields(instance: str, spec: Any, table: Mapping[str, Any], registry: Any,
                 moved: Mapping[str, Any] | None = None, workload_kind: str = "") -> list[Field]:
    """Fields of one architecture instance: every declared parameter, valued as the file states it, or
    as ``moved`` holds it (the defaults a ``[models]`` value or the workload kind set: ``Params.origins``),
    with its range and source for a ``workload_kind`` workload (:func:`sandbox.core.scenario.param_range`)."""
    out = []
    moved = moved or {}
    for p in spec.params:
        stated = table.get(p.name, moved.get(p.name, p.default))
        low_text, high_text, source = param_range(p, registry.models, workload_kind)
        low = _param_number(p, low_text) if low_text is not None else None
        high = _param_number(p, high_text) if high_text is not None else None
        choices = list(p.choices)
        if p.catalogue:
            choices = sorted(getattr(registry.catalogues, p.catalogue))
            if p.default == "auto":
                choices = ["auto", *choices]
        f = Field(f"architectures.{instance}.{p.name}", p.name, instance, p.kind, text_of(stated), text_of(p.default),
                  unit=p.unit, source=source, description=p.description, low=low, high=high,
                  minimum=p.minimum, maximum=p.maximum, choices=choices)
        if p.kind in ("quantity", "number", "integer"):
            f.slider = _slider(low, high, _param_number(p, stated), p.kind, p.minimum, p.maximum)
        out.append(f)
    return out


def general_fields(raw: Mapping[str, Any], registry: Any) -> list[Field]:
    """Workload, assumptions and the seed."""
    wl, asm, st = (raw.get(k, {}) if isinstance(raw.get(k), dict) else {} for k in ("workload", "assumptions", "study"))
    rate = registry.models.default("cost.discount_rate")
    chips = sorted(registry.catalogues.chips)
    g = "workload and assumptions"
    return [
        Field("workload.kind", "workload kind", g, "string", text_of(wl.get("kind", "inference")), "inference",
              choices=list(WORKLOAD_KINDS), description="What the compute serves."),
        Field("workload.sustained_compute", "sustained compute", g, "quantity",
              text_of(wl.get("sustained_compute", "100 PFLOPS")), "100 PFLOPS", unit="PFLOPS",
              description="Sustained compute every architecture must deliver.",
              slider=_slider(1.0, 1e5, _finite(str(wl.get("sustained_compute", "100")).split()[0]), "quantity")
              if str(wl.get("sustained_compute", "100 PFLOPS")).strip().endswith(" PFLOPS") else None),
        Field("workload.precision", "precision", g, "string", text_of(wl.get("precision", "fp16")), "fp16",
              choices=list(PRECISIONS), description="Arithmetic precision of the peak figures used."),
        Field("workload.latency_target", "latency target", g, "quantity", text_of(wl.get("latency_target", "1 s")),
              "1 s", unit="s", description="Round-trip latency the service should meet."),
        Field("assumptions.start_year", "start year", g, "integer", text_of(asm.get("start_year", 2027)), "2027",
              minimum=1950, maximum=2200, description="Year the deployment starts (prices of that year)."),
        Field("assumptions.discount_rate", "discount rate", g, "number",
              text_of(asm.get("discount_rate", rate.nominal)), text_of(rate.nominal), unit="1/yr",
              source=rate.source, low=rate.low, high=rate.high, minimum=0.0, maximum=0.99,
              description="Real discount rate for annualising capital.",
              slider=_slider(rate.low, rate.high, _finite(asm.get("discount_rate", rate.nominal)), "number", 0.0, 0.99)),
        Field("assumptions.reference_chip", "reference chip", g, "string",
              text_of(asm.get("reference_chip", "H100-SXM")), "H100-SXM", choices=chips,
              description="The unit of USD per GPU-hour equivalents."),
        Field("study.seed", "seed", g, "integer", text_of(st.get("seed", 0)), "0", minimum=0,
              description="Seed of every random choice a design makes."),
    ]


def model_fields(raw: Mapping[str, Any], registry: Any) -> list[Field]:
    """Every shared-model default a scenario may set, valued as the file's ``[models]`` states it (else its nominal)."""
    stated = _stated_models(raw)
    out = []
    for name, d in sorted(listing(registry.models).items()):
        if not d.settable:  # a constant, or a figure each catalogue entry holds: no input (a scenario cannot set it)
            continue
        unit = "" if d.unit in ("", "1") else d.unit
        value = stated.get(name)
        if isinstance(value, Mapping):
            value = value.get("value")
        current = value if value is not None else (d.nominal if not unit else f"{d.nominal!r} {unit}")
        number = _finite(str(current).split()[0]) if isinstance(current, str) else _finite(current)
        f = Field(f"models.{name}", name.split(".", 1)[1], f"models: {name.split('.', 1)[0]}", "value",
                  text_of(current), text_of(d.nominal if not unit else f"{d.nominal!r} {unit}"), unit=unit,
                  source=d.source, description=d.note, low=d.low, high=d.high, minimum=0.0,
                  maximum=1.0 if not unit and 0 <= d.nominal <= 1 and (d.high is None or d.high <= 1) else None)
        f.slider = _slider(d.low, d.high, number, "number", 0.0, f.maximum)
        out.append(f)
    return out


def _stated_models(raw: Mapping[str, Any]) -> dict[str, Any]:
    table = raw.get("models", {})
    if not isinstance(table, Mapping):
        return {}
    from sandbox.core.overrides import flat_models

    return flat_models(table)


def used_entries(raw: Mapping[str, Any], runs: Iterable[Any], designs: Iterable[Any], registry: Any) -> dict[str, list[str]]:
    """Catalogue entries the scenario uses: named by a parameter or the assumptions, or used by a design."""
    used: dict[str, set[str]] = {k: set() for k in CATALOGUE_KINDS}
    asm = raw.get("assumptions", {}) if isinstance(raw.get("assumptions"), dict) else {}
    used["chips"].add(str(asm.get("reference_chip", "H100-SXM")))
    for run in runs:
        for p in run.spec.params:
            if p.catalogue in used:
                value = run.params.values.get(p.name)
                for v in value if isinstance(value, list) else [value]:
                    used[p.catalogue].add(str(v))
    for design in designs:
        for el in getattr(design, "elements", ()) or ():
            if getattr(el, "chip", None):
                used["chips"].add(el.chip)
            power = getattr(el, "power", None)
            for attr in ("source", "storage"):
                if power is not None and getattr(power, attr, None):
                    used["power_sources"].add(getattr(power, attr))
            transport = getattr(el, "transport", None)
            if transport is not None and getattr(transport, "vehicle", None):
                used["launch_vehicles"].add(transport.vehicle)
        transport = getattr(design, "transport", None)
        if transport is not None and getattr(transport, "vehicle", None):
            used["launch_vehicles"].add(transport.vehicle)
    return {k: sorted(n for n in names if n in getattr(registry.catalogues, k)) for k, names in used.items()}


def catalogue_fields(raw: Mapping[str, Any], used: Mapping[str, list[str]], registry: Any) -> list[Field]:
    """The numeric fields of the used catalogue entries (mapping fields per key), valued as the file states them."""
    from sandbox.core.catalogue import field_unit

    stated_all = raw.get("catalogue", {}) if isinstance(raw.get("catalogue"), Mapping) else {}
    out = []
    for kind in CATALOGUE_KINDS:
        for name in used.get(kind, []):
            entry = getattr(registry.catalogues, kind)[name]
            stated = stated_all.get(kind, {}).get(name, {}) if isinstance(stated_all.get(kind), Mapping) else {}
            ranges = getattr(entry, "ranges", {}) or {}
            sources = getattr(entry, "sources", {}) or {}
            for f in dataclasses.fields(entry):
                value = getattr(entry, f.name)
                if f.name in ("name", "sources", "ranges") or isinstance(value, bool):
                    continue
                items: list[tuple[str, Any, Any]] = []
                if isinstance(value, Mapping):
                    given = stated.get(f.name, {}) if isinstance(stated.get(f.name), Mapping) else {}
                    items = [(f"{f.name}.{k}", v, given.get(k)) for k, v in value.items() if _finite(v) is not None]
                elif isinstance(value, (int, float)) and _finite(value) is not None:
                    items = [(f.name, value, stated.get(f.name))]
                for dotted, nominal, given in items:
                    rng = ranges.get(dotted)
                    low, high = (rng if rng else (None, None))
                    current = given if given is not None else nominal
                    fld = Field(f"catalogue.{kind}.{name}.{dotted}", dotted, f"catalogue: {kind} {name}", "value",
                                text_of(current), text_of(nominal), unit=field_unit(dotted.split(".")[0]),
                                source=sources.get(dotted) or sources.get(f.name, ""), low=low, high=high, minimum=0.0)
                    fld.slider = _slider(low, high, _finite(current), "number", 0.0)
                    out.append(fld)
    return out
