"""The JSON Schema of scenario files, with every installed architecture's parameters."""

from __future__ import annotations

import dataclasses
from typing import Any

from sandbox.core.catalogue import (
    BELOW_ONE_FIELDS,
    BOUNDED_FIELDS,
    DESTINATIONS,
    DIVIDING_FRACTIONS,
    ENTRY_KINDS,
    ENTRY_TYPES,
    KINDS,
    POSITIVE_FIELDS,
    PRECISIONS,
    field_unit,
)
from sandbox.core.claim import CLAIM_KEYS, FIGURE_KEYS
from sandbox.core.modelset import MODULES
from sandbox.core.overrides import is_fraction, is_fraction_name, must_be_positive
from sandbox.core.params import Param
from sandbox.core.registry import Registry
from sandbox.core.scenario import AUTO, INSTANCE_NAME, RESERVED_INSTANCES, WORKLOAD_KINDS
from sandbox.core.sourced import Sourced

_NUMBER = r"(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?"
#: A unit after a number: it starts after a space, or at once with a character that cannot continue the number.
_UNIT = r"(\s+\S|[^\s\d.eE+-]).*"
#: A number and a unit ("550 km", "50 %", "5km", "0.1 1/yr"): a string that is a number alone is refused, as
#: ``sandbox validate`` refuses it where a unit is expected.
_QUANTITY = rf"^\s*[-+]?{_NUMBER}{_UNIT}$"
#: The same, never negative (``[models]`` values and claimed figures are >= 0).
_QUANTITY_NONNEGATIVE = rf"^\s*\+?{_NUMBER}{_UNIT}$"
#: A number in a string, with or without a unit ("0.5", "50 %"), never negative.
_NUMBER_OR_QUANTITY_NONNEGATIVE = rf"^\s*\+?{_NUMBER}(\s*|{_UNIT})$"
#: An architecture instance's name, as ``sandbox validate`` checks it (sandbox.core.scenario): the whole name
#: matches (``(?![\s\S])``: the end of the text, as ``$`` would also take a name ending in a newline).
INSTANCE_PATTERN = f"^(?:{INSTANCE_NAME.pattern})(?![\\s\\S])"


def _param_schema(p: Param, registry: Registry) -> dict[str, Any]:
    doc: dict[str, Any] = {"description": p.description + (f" Source: {p.source}." if p.source else "")}
    if p.kind == "quantity":
        doc.update(type="string", pattern=_QUANTITY, default=p.default)
        doc["description"] += f" Unit: {p.unit} (or any equivalent unit)."
    elif p.kind in ("number", "integer"):
        doc.update(type=p.kind, default=p.default)
        if p.minimum is not None:
            doc["exclusiveMinimum" if p.exclusive_minimum else "minimum"] = p.minimum
        if p.maximum is not None:
            doc["maximum"] = p.maximum
    elif p.kind == "boolean":
        doc.update(type="boolean", default=p.default)
    elif p.kind == "list":
        doc.update(type="array", default=list(p.default))
        if p.catalogue:
            items = _catalogue_name(registry, p.catalogue, p.kinds)
            doc["description"] += " " + items.pop("description")
            doc["items"] = items
    elif p.catalogue:  # a scenario may add entries ([catalogue.<kind>.<name>]): the installed ones are examples
        entry = _catalogue_name(registry, p.catalogue, p.kinds, auto=p.default == AUTO)
        doc["description"] += " " + entry.pop("description")
        doc.update(entry, default=p.default)
    else:
        doc.update(type="string", default=p.default)
        if p.choices:
            doc["enum"] = list(p.choices)
    if p.low is not None or p.high is not None:
        doc["description"] += f" Plausible range: {p.low} to {p.high}."
    return doc


def _catalogue_name(registry: Registry, kind: str, kinds: tuple[str, ...] = (), auto: bool = False) -> dict[str, Any]:
    """The schema of the name of an entry of catalogue ``kind`` (of one of ``kinds`` when given; ``auto``: or
    ``"auto"``): any non-empty string, for a scenario may add entries under ``[catalogue.<kind>.<name>]``
    (``sandbox validate`` checks the name against the installed and the added entries); the installed entries
    are its ``examples``, and its description (taken out by the caller) says so."""
    table = getattr(registry.catalogues, kind)
    installed = sorted(n for n, e in table.items() if not kinds or getattr(e, "kind", None) in kinds)
    label = kind[:-1].replace("_", " ")
    of_kind = f" of kind {' or '.join(repr(k) for k in kinds)}" if kinds else ""
    text = (f"A catalogue {label}{of_kind}" + (" (or 'auto': chosen by site type)" if auto else "")
            + f": an installed entry (the examples) or one the scenario adds under [catalogue.{kind}.<name>].")
    return {"type": "string", "minLength": 1, "examples": (["auto"] if auto else []) + installed, "description": text}


def scenario_schema(registry: Registry) -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) for scenario files as parsed from TOML."""
    from sandbox.studies.plans import sweep_schema  # [sweep] is the studies' table: its rules live with them
    arch_variants = []
    for name, spec in sorted(registry.architectures.items()):
        props: dict[str, Any] = {"type": {"const": name, "description": "Architecture type (defaults to the table name)."}}
        for p in spec.params:
            props[p.name] = _param_schema(p, registry)
        arch_variants.append({"title": spec.title, "description": spec.description, "type": "object",
                              "properties": props, "additionalProperties": False})
    quantity = {"type": "string", "pattern": _QUANTITY}
    reference_chip = _catalogue_name(registry, "chips")
    reference_chip["description"] = "The chip $/GPU-hour equivalents are quoted for. " + reference_chip["description"]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "sandbox scenario",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "study": {"type": "object", "additionalProperties": False, "properties": {
                "name": {"type": "string", "minLength": 1, "pattern": r"^(?=[\s\S]*\S)[^\x00-\x1f\x7f-\x9f]*$",
                         "description": "The study's name (not empty nor only spaces, no control characters; default: "
                                        "the file's name)."},
                "description": {"type": "string", "pattern": r"^[^\x00-\x08\x0b-\x1f\x7f-\x9f]*$",
                                "description": "Free text (line breaks and tabs, no other control characters)."},
                "seed": {"type": "integer", "minimum": 0}}},
            "workload": {"type": "object", "additionalProperties": False, "properties": {
                "kind": {"enum": list(WORKLOAD_KINDS)},
                "sustained_compute": {**quantity, "description": "Sustained compute to deliver, e.g. \"100 PFLOPS\"."},
                "precision": {"enum": list(PRECISIONS)},
                "latency_target": {**quantity, "description": "Latency target, e.g. \"2 min\"."},
                "users": {"type": "array", "items": {"type": "object", "additionalProperties": False,
                                                      "required": ["lat", "lon"],
                                                      "properties": {"name": {"type": "string"}, "lat": quantity, "lon": quantity}}}}},
            "assumptions": {"type": "object", "additionalProperties": False, "properties": {
                "start_year": {"type": "integer", "minimum": 1950, "maximum": 2200},
                "discount_rate": {"type": "number", "minimum": 0, "exclusiveMaximum": 1},
                "reference_chip": reference_chip}},
            "architectures": {"type": "object", "minProperties": 1,
                              "propertyNames": {"pattern": INSTANCE_PATTERN, "not": {"enum": list(RESERVED_INSTANCES)},
                                                "description": "An architecture instance's name: letters, digits, '_' "
                                                               "and '-', starting with a letter, a digit or '_' (not "
                                                               f"'_' alone), and not {', '.join(RESERVED_INSTANCES)}."},
                              "additionalProperties": {"anyOf": arch_variants} if arch_variants else {"type": "object"}},
            "models": _models_schema(registry.models.defaults),
            "catalogue": {"type": "object", "additionalProperties": False,
                          "description": "Fields of catalogue entries to override, or new entries: "
                                         "[catalogue.<kind>.<entry>], numbers in the unit each field name carries.",
                          "properties": {kind: _catalogue_kind_schema(registry, kind) for kind in KINDS}},
            "claim": _claim_schema(),
            "sweep": sweep_schema(),
        },
    }


def _catalogue_kind_schema(registry: Registry, kind: str) -> dict[str, Any]:
    """``[catalogue.<kind>.<entry>]`` as sandbox.core.overrides checks an entry's table: the fields of the entry type
    (each with its unit and its bounds, the rules every entry obeys: sandbox.core.catalogue.field_problem), a
    ``sources`` table and a ``ranges`` table. What needs the installed entry is left to ``sandbox validate``: that a
    new entry gives every figure it needs and a source for each, and the keys a range may name."""
    cls = ENTRY_TYPES[kind]
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name == "name":
            continue
        doc = f.metadata.get("doc", "")
        unit = field_unit(f.name)
        default = f.default if f.default is not dataclasses.MISSING else f.default_factory()  # type: ignore[misc]
        if f.name == "sources":
            value: dict[str, Any] = {"type": "object", "additionalProperties": {"type": "string", "minLength": 1}}
        elif f.name == "ranges":
            bound = {"type": ["number", "string"]}
            value = {"type": "object", "additionalProperties": {"type": "array", "items": bound, "minItems": 2,
                                                                "maxItems": 2}}
        elif f.name in ("peak_ops_per_s", "payload_kg"):  # a table: a figure per precision or per destination
            keys = list(PRECISIONS) if f.name == "peak_ops_per_s" else sorted(
                set(DESTINATIONS) | {k for e in getattr(registry.catalogues, kind).values() for k in e.payload_kg})
            value = {"type": "object", "minProperties": 1, "propertyNames": {"enum": keys},
                     "additionalProperties": _catalogue_number(f.name, "FLOP/s" if f.name == "peak_ops_per_s" else unit)}
        elif isinstance(default, bool):
            value = {"type": "boolean"}
        elif isinstance(default, int) and not isinstance(default, bool):
            value = {"type": "integer"}
        elif isinstance(default, str):
            value = {"enum": list(ENTRY_KINDS[kind])} if f.name == "kind" and kind in ENTRY_KINDS else {"type": "string"}
        else:
            value = _catalogue_number(f.name, unit)
        fields[f.name] = {**value, "description": doc + (f" ({unit})" if unit else "")}
    entry = {"type": "object", "additionalProperties": False, "properties": fields}
    return {"type": "object", "additionalProperties": entry,
            "propertyNames": {"pattern": r"\S", "description": "An installed entry to override, or a new one's name."}}


def _catalogue_number(fname: str, unit: str) -> dict[str, Any]:
    """A numeric catalogue field: a number within the field's bounds, or a quantity string in its unit (a number
    alone in a string where the field has no unit)."""
    number: dict[str, Any] = {"type": "number"}
    if fname in BOUNDED_FIELDS:
        number["minimum"], number["maximum"] = BOUNDED_FIELDS[fname][:2]
    else:
        number["exclusiveMinimum" if fname in POSITIVE_FIELDS or fname in DIVIDING_FRACTIONS else "minimum"] = 0
        if fname in BELOW_ONE_FIELDS:
            number["exclusiveMaximum"] = 1
        elif fname in DIVIDING_FRACTIONS or is_fraction_name(fname):
            number["maximum"] = 1
    pattern = (_QUANTITY if fname in BOUNDED_FIELDS else _QUANTITY_NONNEGATIVE) if unit else _NUMBER_OR_QUANTITY_NONNEGATIVE
    return {"anyOf": [number, {"type": "string", "pattern": pattern}]}


def _models_schema(defaults: dict[str, Sourced]) -> dict[str, Any]:
    """``[models]``: each settable default by its dotted name (``"thermal.x" = …``), or inside its module's table
    (``[models.thermal] x = …``), as ``sandbox validate`` reads them (sandbox.core.overrides)."""
    settable = {name: _model_schema(name, d) for name, d in sorted(defaults.items()) if d.settable}
    props: dict[str, Any] = dict(settable)
    for module in MODULES:
        inside = {name.split(".", 1)[1]: doc for name, doc in settable.items() if name.split(".", 1)[0] == module}
        if inside:
            props[module] = {"type": "object", "additionalProperties": False, "properties": inside,
                             "description": f"Defaults of the {module} model, by their names within it."}
    return {"type": "object", "additionalProperties": False, "properties": props,
            "description": "The scenario's own shared-model defaults, by dotted name or in their module's table "
                           "(sandbox.core.overrides). A value with a unit is a string; a dimensionless one a number "
                           "or a string (\"0.5\", \"50 %\")."}


def _model_schema(name: str, d: Sourced) -> dict[str, Any]:
    unit = d.unit not in ("", "1")
    if unit:
        value: dict[str, Any] = {"type": "string", "pattern": _QUANTITY_NONNEGATIVE}
    else:
        number: dict[str, Any] = {"type": "number"}
        number["exclusiveMinimum" if must_be_positive(d) else "minimum"] = 0
        if is_fraction(d, name):
            number["maximum"] = 1
        value = {"anyOf": [number, {"type": "string", "pattern": _NUMBER_OR_QUANTITY_NONNEGATIVE}]}
    text = f"Default {d.nominal:g}{' ' + d.unit if unit else ''}. Source: {d.source}."
    if d.uncertain:
        text += f" Plausible range: {d.low:g} to {d.high:g}{' ' + d.unit if unit else ''}."
    table = {"type": "object", "required": ["value"], "additionalProperties": False,
             "dependentRequired": {"low": ["high"], "high": ["low"]},
             "properties": {"value": value, "low": value, "high": value, "source": {"type": "string"}}}
    return {"description": text, "anyOf": [value, table]}


def _claim_schema() -> dict[str, Any]:
    """``[claim]`` as sandbox.core.claim checks its form: a title, a source and at least one figure."""
    figure_value = {"anyOf": [{"type": "number", "minimum": 0},
                              {"type": "string", "pattern": _NUMBER_OR_QUANTITY_NONNEGATIVE}],
                    "description": "A number in the metric's display unit, or a quantity string; >= 0."}
    text = {"type": "string"}
    named = {"type": "string", "pattern": r"\S"}
    figure_keys = {"architecture": {"type": "string", "description": "One of the scenario's architectures."},
                   "metric": {"type": "string", "minLength": 1,
                              "description": "A metric the ledger reports, e.g. 'cost.per_pflop_day'."},
                   "claimed": figure_value, "low": figure_value, "high": figure_value, "what": text}
    figure = {"type": "object", "additionalProperties": False, "required": ["architecture", "metric", "claimed"],
              "dependentRequired": {"low": ["high"], "high": ["low"]},
              "properties": {k: figure_keys[k] for k in sorted(FIGURE_KEYS)}}  # every key the claim parser takes
    claim_keys = {"title": named, "source": named, "quote": text, "url": text, "date": text, "bridge_from": text,
                  "notes": {"type": "array", "items": text}, "figures": {"type": "array", "minItems": 1, "items": figure}}
    return {"type": "object", "additionalProperties": False, "required": ["title", "source", "figures"],
            "description": "A published claim this scenario states (sandbox.core.claim, sandbox.studies.claims).",
            "properties": {k: claim_keys[k] for k in sorted(CLAIM_KEYS)}}
