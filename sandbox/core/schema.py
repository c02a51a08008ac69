"""The JSON Schema of scenario files, with every installed architecture's parameters."""

from __future__ import annotations

from typing import Any

from sandbox.core.catalogue import KINDS
from sandbox.core.params import Param
from sandbox.core.registry import Registry
from sandbox.core.scenario import PRECISIONS, WORKLOAD_KINDS
from sandbox.core.sourced import Sourced

_QUANTITY = r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*\S.*$"


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
    else:
        doc.update(type="string", default=p.default)
        choices = list(p.choices) or (sorted(getattr(registry.catalogues, p.catalogue)) if p.catalogue else [])
        if p.catalogue and p.default == "auto":
            choices = ["auto", *choices]
        if choices:
            doc["enum"] = choices
    if p.low is not None or p.high is not None:
        doc["description"] += f" Plausible range: {p.low} to {p.high}."
    return doc


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
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "sandbox scenario",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "study": {"type": "object", "additionalProperties": False, "properties": {
                "name": {"type": "string"}, "description": {"type": "string"},
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
                "reference_chip": {"enum": sorted(registry.catalogues.chips)}}},
            "architectures": {"type": "object", "minProperties": 1,
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
