"""The JSON Schema of scenario files, with every installed architecture's parameters."""

from __future__ import annotations

from typing import Any

from sandbox.core.catalogue import KINDS
from sandbox.core.params import Param
from sandbox.core.registry import Registry
from sandbox.core.scenario import AUTO, INSTANCE_NAME, PRECISIONS, RESERVED_INSTANCES, WORKLOAD_KINDS
from sandbox.core.sourced import Sourced

_QUANTITY = r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*\S.*$"
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
            "models": {"type": "object", "additionalProperties": False,
                       "description": "The scenario's own shared-model defaults, by dotted name (sandbox.core.overrides).",
                       "properties": {name: _model_schema(d) for name, d in sorted(registry.models.defaults.items())
                                      if d.settable}},  # not a constant, nor a catalogue entry's own figure
            "catalogue": {"type": "object", "additionalProperties": False,
                          "description": "Fields of catalogue entries to override, or new entries: "
                                         "[catalogue.<kind>.<entry>], numbers in the unit each field name carries.",
                          "properties": {kind: {"type": "object", "additionalProperties": {"type": "object"}} for kind in KINDS}},
            "claim": {"type": "object", "description": "A published claim this scenario states (sandbox.studies.claims)."},
            "sweep": {"type": "object", "description": "A sweep or Monte Carlo plan (sandbox.studies.plans)."},
        },
    }


def _model_schema(d: Sourced) -> dict[str, Any]:
    unit = d.unit not in ("", "1")
    value = {"type": "string", "pattern": _QUANTITY} if unit else {"type": "number", "minimum": 0}
    text = f"Default {d.nominal:g}{' ' + d.unit if unit else ''}. Source: {d.source}."
    if d.uncertain:
        text += f" Plausible range: {d.low:g} to {d.high:g}{' ' + d.unit if unit else ''}."
    table = {"type": "object", "required": ["value"], "additionalProperties": False,
             "properties": {"value": value, "low": value, "high": value, "source": {"type": "string"}}}
    return {"description": text, "anyOf": [value, table]}
