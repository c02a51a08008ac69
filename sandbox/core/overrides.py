"""A scenario's own model defaults and catalogue entries: the ``[models]`` and ``[catalogue]`` tables.

A published claim rests on its own numbers (a launch price, a chip's power, a cell's efficiency).
A scenario states them as overrides, checked like every other input::

    [models]
    "cost.hardware_usd_per_kg_mass_produced" = "1000 USD/kg"           # value with its unit
    "thermal.radiator_temperature_k" = { value = "330 K", low = "300 K", high = "360 K",
                                         source = "Starcloud white paper (2024), p. 6" }

    [catalogue.launch_vehicles.Starship]                           # an entry's fields, each in the
    price_usd = 5e6                                                  # unit its name carries (or a
    sources = { price_usd = "Starcloud white paper (2024), p. 3" }  # quantity string: "5 MUSD")

    [catalogue.chips.MyASIC]                                         # a new entry: every field it
    peak_ops_per_s = { bf16 = 1e15 }                                 # needs, and its sources
    power_w = 400
    ...
    sources = { power_w = "vendor datasheet, 2026" }

- ``[models]`` names any shared-model default by its dotted name (``sandbox schema`` lists them
  under ``models``, with unit, source and range; docs/models.md tables them). Tables of a module may be written either way: ``[models.thermal] radiator_temperature_k = ...``.
  The value is a number for a dimensionless default, else a quantity string convertible to the
  default's unit. It must be finite and >= 0 (> 0 where the default's range excludes zero), and a
  fraction (a dimensionless default whose range lies in [0, 1], or a default or field whose name says
  fraction, efficiency, depth of discharge or yearly degradation: :data:`FRACTION_WORDS`) at most 1, in a
  scenario file and in a study's values alike. A physical constant or a
  definition (:attr:`sandbox.core.sourced.Sourced.constant`) cannot be overridden, nor a reference
  figure each catalogue entry holds for itself (``catalogue_field``: the message names the field to
  set). An override that
  nothing in the run (or no point of a study) reads is named in a warning
  (:func:`sandbox.ledger.engine.unread_overrides`).
- ``[catalogue.<kind>.<entry>]`` overrides fields of an entry, or adds an entry. Numbers are in the
  unit the field name carries (``power_w`` W, ``price_usd`` USD, ``payload_kg`` kg per destination);
  a quantity string converts (``power_w = "0.7 kW"``); the fractions the ledger divides by (``efficiency``,
  ``packing_factor``, ``round_trip_efficiency``, ``depth_of_discharge``) lie in (0, 1] and its other divisors
  (``power_w``, ``peak_ops_per_s``, ``payload_kg``, ``fairing_volume_m3``, specific energy and power) are above 0;
  ``degradation_per_year`` lies in [0, 1), a ground station's ``min_elevation_deg`` in [0, 90] and its ``alt_m``
  in [-600, 9000] m: the rules a plugin's entries obey too (:func:`sandbox.core.catalogue.field_problem`).
  ``ranges = { field = [low, high] }`` takes the same units and bounds, for numeric fields of the entry only
  (``payload_kg.LEO`` for a table). The result is checked like a plugin's entry.
  An entry's ``kind`` cannot change (add a new entry of the other kind), and a new entry's name is not empty
  and differs from every other name of its catalogue by more than case. An entry nothing in the run (or no
  point of a study) reads is named in a warning (:func:`sandbox.ledger.engine.unread_overrides`).

Every override is applied to this scenario only, through a scoped registry (:func:`scoped`): a copy
of the catalogues with the changed entries and a model set whose defaults carry the scenario's
values. Every reader — the engine, the design functions, the parameters whose default is an
overridden model default (:attr:`sandbox.core.params.Param.model_default`) — sees the same numbers.
The source recorded for each overridden value is "scenario <file>, line N" (plus the ``source`` the
file gives), and it appears in ``--explain`` and in provenance.json.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import hashlib
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import astropy.units as u

from sandbox.core.catalogue import (
    DESTINATIONS,
    ENTRY_TYPES,
    KINDS,
    PRECISIONS,
    CatalogueError,
    Catalogues,
    field_problem,
    field_unit,
)
from sandbox.core.modelset import MODULES
from sandbox.core.sourced import Sourced
from sandbox.core.units import QuantityError, parse_quantity, unit_of, value_in

_SPEC_KEYS = {"value", "low", "high", "source"}
_ENTRY_META = {"sources", "ranges"}


@dataclass(frozen=True)
class Stated:
    """A model default as a scenario states it: ``nominal`` (and ``low``/``high``) in ``unit``, with its ``source``."""

    nominal: float
    unit: str
    low: float | None = None
    high: float | None = None
    source: str = ""


@dataclass(frozen=True)
class Overrides:
    """A scenario's overrides as plain data (picklable; rebuilt from the file's data on every worker).

    ``models`` maps a default's name to its :class:`Stated` value (in the default's unit);
    ``catalogue`` maps (kind, entry) to the fields the file sets (plain SI numbers, mappings,
    strings); ``added`` holds the (kind, entry) pairs that are new entries; ``where`` maps a dotted
    key (``models.<name>``, ``catalogue.<kind>.<entry>.<field>``) to ``"scenario <file>, line N"``.
    """

    models: Mapping[str, Stated] = field(default_factory=dict)
    catalogue: Mapping[tuple[str, str], Mapping[str, Any]] = field(default_factory=dict)
    added: frozenset[tuple[str, str]] = frozenset()
    where: Mapping[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.models or self.catalogue)

    @functools.cached_property
    def key(self) -> str:
        """A digest of the values (not of where they were written): identical overrides share a scope."""
        doc = {"models": sorted((k, dataclasses.astuple(v)) for k, v in self.models.items()),
               "catalogue": sorted((f"{k}.{e}", _plain(f)) for (k, e), f in self.catalogue.items())}
        return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()[:16]

    def nominal(self, name: str) -> float | None:
        """The scenario's value of model default ``name`` (its unit), or ``None`` when not overridden."""
        spec = self.models.get(name)
        return None if spec is None else spec.nominal


NONE = Overrides()


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in sorted(value.items())}
    return value


# ----------------------------------------------------------------------------- line numbers
_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*((?:\"[^\"]*\"|'[^']*'|[A-Za-z0-9_\-]+)(?:\s*\.\s*(?:\"[^\"]*\"|'[^']*'|[A-Za-z0-9_\-]+))*)\s*=")


def _split_key(text: str) -> tuple[str, ...]:
    parts = re.findall(r"\"([^\"]*)\"|'([^']*)'|([A-Za-z0-9_\-]+)", text)
    return tuple(a or b or c for a, b, c in parts)


def line_index(text: str) -> dict[tuple[str, ...], int]:
    """Where each key of a TOML text is written: key path → 1-based line (tables: their header line).

    A light scanner for provenance only (the data itself comes from :mod:`tomllib`): it follows
    ``[table]`` headers and ``key = value`` lines, dotted and quoted keys included.
    """
    lines: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    depth = 0  # inside a multi-line array or inline table
    for number, line in enumerate(text.splitlines(), start=1):
        if depth == 0:
            header = _HEADER.match(line)
            if header and "=" not in header.group(1):
                table = _split_key(header.group(1))
                lines.setdefault(table, number)
                continue
            key = _KEY.match(line)
            if key:
                lines.setdefault((*table, *_split_key(key.group(1))), number)
        body = line.split("#", 1)[0] if '"' not in line else line
        depth = max(0, depth + body.count("[") + body.count("{") - body.count("]") - body.count("}"))
    return lines


def line_of(lines: Mapping[tuple[str, ...], int], path: tuple[str, ...]) -> int | None:
    """The line of ``path`` or of its nearest written ancestor (a key inside an inline table)."""
    for end in range(len(path), 0, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


# ----------------------------------------------------------------------------- parsing
def parse(data: Mapping[str, Any], registry: Any, shown: str, text: str, bad: Any) -> Overrides:
    """Check the ``[models]`` and ``[catalogue]`` tables of scenario ``data``; report problems via ``bad(key, message)``."""
    if "models" not in data and "catalogue" not in data:
        return NONE
    lines = line_index(text) if text else {}

    def where(path: tuple[str, ...]) -> str:
        n = line_of(lines, path)
        return f"scenario {shown}" + (f", line {n}" if n else "")

    models, places = _models(data.get("models", {}), registry.models.defaults, where, bad)
    catalogue, added, cat_places = _catalogue(data.get("catalogue", {}), registry.catalogues, where, bad)
    return Overrides(models, catalogue, frozenset(added), {**places, **cat_places})


def _models(table: Any, defaults: Mapping[str, Sourced], where: Any, bad: Any) -> tuple[dict, dict]:
    if not isinstance(table, Mapping):
        bad("models", f"expected a table [models] of model defaults, got {table!r}")
        return {}, {}
    out: dict[str, Stated] = {}
    places: dict[str, str] = {}
    flat, twice = _flat_models(table)
    for name in sorted(twice):
        bad(f"models.{name}", "written twice (as a dotted key and inside its module's table): state it once")
        flat.pop(name, None)
    for name, (path, value) in flat.items():
        full = f"models.{name}"
        if name not in defaults:
            close = difflib.get_close_matches(name, list(defaults), n=1)
            bad(full, f"no shared-model default {name!r}" + (f"; did you mean {close[0]!r}?" if close
                                                               else "; `sandbox schema` lists them under models"))
            continue
        default = defaults[name]
        if not default.settable:
            bad(full, default.why_not_settable())
            continue
        spec = value if isinstance(value, Mapping) else {"value": value}
        unknown = set(spec) - _SPEC_KEYS
        if unknown or "value" not in spec:
            bad(full, f"expected a value, or a table with keys value (required), low, high, source; got {value!r}")
            continue
        source = spec.get("source", "")
        if not isinstance(source, str) or ("source" in spec and not source.strip()):  # as a catalogue entry's sources
            bad(f"{full}.source", f"expected a string citing where the value comes from, got {source!r}"
                                  + (" (leave the key out rather than write it empty)" if isinstance(source, str) else ""))
            continue
        parsed = []
        for part in ("value", "low", "high"):
            if part not in spec:
                parsed.append(None)
                continue
            try:
                parsed.append(_model_value(default, spec[part], name))
            except ValueError as exc:
                bad(full if part == "value" else f"{full}.{part}", str(exc))
                break
        else:
            nominal, low, high = parsed
            if (low is None) != (high is None):
                bad(full, "give both low and high, or neither")
                continue
            if low is not None and not low <= nominal <= high:
                bad(full, f"expected low <= value <= high, got {low:g} <= {nominal:g} <= {high:g} {default.unit}")
                continue
            out[name] = Stated(nominal, default.unit, low, high, source)
            places[full] = where(path)
    return out, places


def _flat_models(table: Mapping[str, Any]) -> tuple[dict[str, tuple[tuple[str, ...], Any]], set[str]]:
    """``[models]`` entries by dotted name, each with the key path it was written at (the last one), and the
    names written twice (``"thermal.x"`` and ``[models.thermal] x`` are one key)."""
    flat: dict[str, tuple[tuple[str, ...], Any]] = {}
    twice: set[str] = set()
    for key, value in table.items():
        if key in MODULES and isinstance(value, Mapping) and "value" not in value:
            entries = [(f"{key}.{sub}", (("models", key, sub), v)) for sub, v in value.items()]
        else:
            entries = [(key, (("models", key), value))]
        for name, entry in entries:
            if name in flat:
                twice.add(name)
            flat[name] = entry
    return flat, twice


def flat_models(table: Mapping[str, Any]) -> dict[str, Any]:
    """A ``[models]`` table with every entry under its dotted name (``[models.thermal] x = …`` → ``"thermal.x"``)."""
    return {name: value for name, (_, value) in _flat_models(table)[0].items()}


#: Words that mark a ledger input as a fraction of one by its name (efficiencies, shares, depth of discharge, a
#: yearly loss or cost share such as ``degradation_per_year`` or ``ops_cost_fraction_per_year``).
FRACTION_WORDS = ("efficiency", "fraction", "depth_of_discharge", "degradation_per_year", "pointing_factor",
                  "packing_factor")


def is_fraction_name(name: str) -> bool:
    """Whether the model default or catalogue field ``name`` (dotted or bare) is a fraction of one by its name."""
    return any(word in name.rsplit(".", 2)[-1] or name.endswith(word) for word in FRACTION_WORDS)


def is_fraction(default: Sourced, name: str) -> bool:
    """Whether default ``name`` is a fraction of one (an override above 1 is refused): a dimensionless default
    whose range lies in [0, 1], or a name that says so."""
    return is_fraction_name(name) or (
        default.unit in ("", "1") and 0 <= float(default.nominal) <= 1 and (default.high is None or default.high <= 1))


def must_be_positive(default: Sourced) -> bool:
    """Whether an override of ``default`` must be > 0 rather than >= 0: a certain default above 0 (a divisor, a
    rate) unless 0 is its own value (a definition: no checkpoints), or an uncertain one whose low end is above 0."""
    return (default.low is None and float(default.nominal) > 0) or (default.low is not None and default.low > 0)


def _model_value(default: Sourced, raw: Any, name: str) -> float:
    """``raw`` as a float in ``default``'s unit, checked for the default's bounds; ``ValueError`` says what was expected."""
    unit = unit_of(default.unit) if default.unit not in ("", "1") else u.dimensionless_unscaled
    try:
        value = value_in(parse_quantity(raw, unit), unit)
    except QuantityError as exc:
        raise ValueError(str(exc)) from None
    except u.UnitsError:
        raise ValueError(f"expected a value in units of {default.unit}, got {raw!r}") from None
    _model_bounds(default, value, raw, name)
    return value


def _model_bounds(default: Sourced, value: float, raw: Any, name: str) -> None:
    """``ValueError`` unless ``value`` (in ``default``'s unit; ``raw`` as written) keeps the bounds of default
    ``name``."""
    shown = f" {default.unit}" if default.unit not in ("", "1") else ""
    if not math.isfinite(value):
        raise ValueError(f"expected a finite value{' in ' + default.unit if shown else ''}, got {raw!r}")
    positive = must_be_positive(default)
    if value < 0 or (positive and value == 0):
        raise ValueError(f"expected a value {'>' if positive else '>='} 0{shown}, got {raw!r}")
    if is_fraction(default, name) and value > 1:
        raise ValueError(f"expected a fraction between 0 and 1{' (in ' + default.unit + ')' if shown else ''}, got {raw!r}")


def _catalogue(table: Any, catalogues: Any, where: Any, bad: Any) -> tuple[dict, set, dict]:
    out: dict[tuple[str, str], dict[str, Any]] = {}
    added: set[tuple[str, str]] = set()
    places: dict[str, str] = {}
    if not isinstance(table, Mapping):
        bad("catalogue", f"expected tables [catalogue.<kind>.<entry>], got {table!r}")
        return out, added, places
    for kind, entries in table.items():
        if kind not in KINDS:
            close = difflib.get_close_matches(str(kind), KINDS, n=1)
            bad(f"catalogue.{kind}", f"no catalogue kind {kind!r}" + (f"; did you mean {close[0]!r}?" if close
                                                                      else f"; expected one of {', '.join(KINDS)}"))
            continue
        if not isinstance(entries, Mapping):
            bad(f"catalogue.{kind}", f"expected tables [catalogue.{kind}.<entry>], got {entries!r}")
            continue
        seen: list[str] = []
        for name, fields in entries.items():
            prefix = f"catalogue.{kind}.{name}"
            problem = _name_problem(kind, str(name), getattr(catalogues, kind), seen)
            seen.append(str(name))
            if problem:
                bad(prefix if str(name).strip() else f"catalogue.{kind}.{json.dumps(str(name))}", problem)
                continue
            if not isinstance(fields, Mapping) or not fields:
                bad(prefix, f"expected a table of fields, got {fields!r}")
                continue
            base = getattr(catalogues, kind).get(name)
            checked = _entry_fields(kind, name, fields, base, prefix, bad, getattr(catalogues, kind))
            if checked is None:
                continue
            try:
                build_entry(kind, name, base, checked, {})
            except (ValueError, TypeError) as exc:
                bad(prefix, str(exc) if base is not None else
                    f"a new {kind[:-1].replace('_', ' ')}: {exc} (a new entry needs every field its designs read, and sources)")
                continue
            out[(kind, name)] = checked
            if base is None:
                added.add((kind, name))
            for fname, value in checked.items():
                if fname in _ENTRY_META:
                    continue
                subs = list(value) if isinstance(value, Mapping) else [None]
                for sub in subs:
                    dotted = fname if sub is None else f"{fname}.{sub}"
                    places[f"{prefix}.{dotted}"] = where(("catalogue", kind, name, fname, *([sub] if sub else [])))
    return out, added, places


def _name_problem(kind: str, name: str, installed: Mapping[str, Any], seen: list[str]) -> str:
    """Why ``name`` cannot name an entry of ``kind`` (empty, or differing only by case from an installed entry or
    from one written earlier in the file: two names a reader takes for one), or ``""``."""
    if not name.strip():
        return "an entry needs a name (scenarios, parameters and designs refer to an entry by it), got an empty one"
    if name in installed:
        return ""
    twin = next((n for n in installed if n.casefold() == name.casefold()), None)
    if twin is not None:
        return f"differs from {twin!r} only by case; to override that entry write [catalogue.{kind}.{twin}]"
    twin = next((n for n in seen if n != name and n.casefold() == name.casefold()), None)
    if twin is not None:
        return f"differs from {twin!r}, a new entry of this file, only by case: give the two entries names that differ"
    return ""


def _entry_fields(kind: str, name: str, fields: Mapping[str, Any], base: Any, prefix: str, bad: Any,
                  installed: Mapping[str, Any]) -> dict | None:
    cls = ENTRY_TYPES[kind]
    known = {f.name: f for f in dataclasses.fields(cls) if f.name != "name"}
    checked: dict[str, Any] = {}
    ok = True
    for fname, raw in sorted(fields.items(), key=lambda kv: kv[0] == "ranges"):  # ranges last: they name the fields
        key = f"{prefix}.{fname}"
        if fname == "ranges" and isinstance(raw, Mapping):
            problems = [f"{r}: {p}" for r in raw if (p := _range_target(cls, known, base, checked, str(r)))]
            if problems:
                bad(key, problems[0])
                ok = False
                continue
        if fname not in known:
            close = difflib.get_close_matches(fname, list(known), n=1)
            bad(key, f"{cls.__name__} has no field {fname!r}" + (f"; did you mean {close[0]!r}?" if close
                                                                 else f"; fields: {', '.join(sorted(known))}"))
            ok = False
            continue
        try:
            checked[fname] = _field_value(fname, raw, _current(known, base, fname))
        except ValueError as exc:
            bad(key, str(exc))
            ok = False
            continue
        if fname == "kind" and base is not None and checked[fname] != base.kind:
            # the entry's other fields are those its kind reads: a grid source made of a solar cell has no price
            label = kind[:-1].replace("_", " ")
            bad(key, f"{name!r} is a {base.kind} {label}, and a scenario cannot change an entry's kind; add a new "
                     f"entry [catalogue.{kind}.<name>] with kind = {json.dumps(checked[fname])} and the fields a "
                     f"{checked[fname]} {label} needs")
            ok = False
    if base is None and "sources" not in checked:
        close = difflib.get_close_matches(str(name), list(installed), n=1)  # "H100" meant "H100-SXM"?
        bad(prefix, f"a new {kind[:-1].replace('_', ' ')} needs sources = {{ <field> = \"<public reference>\" }}"
                    + (f"; to override the installed entry write [catalogue.{kind}.{close[0]}]" if close else ""))
        ok = False
    elif base is None and isinstance(checked["sources"], Mapping):
        # every figure of a new entry says where it comes from (a name, a kind or a flag is no figure)
        unsourced = [f for f, v in checked.items() if f not in _ENTRY_META and f not in checked["sources"]
                     and (isinstance(v, Mapping) or (isinstance(v, (int, float)) and not isinstance(v, bool)))]
        if unsourced:
            bad(f"{prefix}.sources", f"no source for {', '.join(unsourced)}: a new entry states where each of its "
                                     f"figures comes from ({unsourced[0]} = \"<public reference>\")")
            ok = False
    if base is None and ok:  # what every design using an entry of its kind reads, asked for here, not at run time
        entry_kind = checked.get("kind", getattr(known.get("kind"), "default", ""))
        missing = [f for f in getattr(cls, "NEEDS", {}).get(entry_kind, ()) if f not in checked]
        if missing:
            bad(prefix, f"a new {entry_kind} {kind[:-1].replace('_', ' ')} needs {', '.join(missing)} (every element "
                        f"it supplies reads them)")
            ok = False
    return checked if ok else None


def _current(known: Mapping[str, Any], base: Any, fname: str) -> Any:
    """Field ``fname``'s value in the installed entry ``base``, or for a new entry its default (None for a field
    a new entry must give: it has no default to compare the file's value with)."""
    if base is not None:
        return getattr(base, fname, None)
    default = known[fname].default
    return None if default is dataclasses.MISSING else default


def _range_target(cls: type, known: Mapping[str, Any], base: Any, checked: Mapping[str, Any], ranged: str) -> str:
    """Why a ``ranges`` key cannot take a range (not a numeric field of the entry, as the file leaves it), or ``""``."""
    head, _, sub = ranged.partition(".")
    if head not in known or head in _ENTRY_META:
        close = difflib.get_close_matches(head, [k for k in known if k not in _ENTRY_META], n=1)
        return f"{cls.__name__} has no field {head!r}" + (f"; did you mean {close[0]!r}?" if close else "")
    current = _current(known, base, head)
    if isinstance(current, Mapping) and isinstance(checked.get(head), Mapping):
        current = {**current, **checked[head]}
    elif head in checked:
        current = checked[head]
    if isinstance(current, Mapping) and sub and sub not in current:
        return f"{head!r} has no key {sub!r} (it has {', '.join(current) or 'none'})"
    if isinstance(current, Mapping) or (current is None and sub):
        return "" if sub else f"{head!r} is a table: give a range per key, {head}.<key>"
    if isinstance(current, (int, float)) and not isinstance(current, bool) and not sub:
        return ""
    return f"{head!r} is not a numeric field: only numbers take a range"


def _field_value(fname: str, raw: Any, current: Any) -> Any:
    """Check one catalogue field value against the type of its current (or default) value."""
    if fname == "sources":
        if not isinstance(raw, Mapping) or not all(isinstance(v, str) and v for v in raw.values()):
            raise ValueError(f"expected a table of field = \"public reference\", got {raw!r}")
        return dict(raw)
    if fname == "ranges":
        if not isinstance(raw, Mapping):
            raise ValueError(f"expected a table of field = [low, high], got {raw!r}")
        out = {}
        for k, pair in raw.items():
            if not (isinstance(pair, list) and len(pair) == 2):
                raise ValueError(f"{k}: expected [low, high], got {pair!r}")
            try:
                lo, hi = (_number(k, v) for v in pair)  # in the field's unit, with its bounds
            except ValueError as exc:
                raise ValueError(f"{k}: {exc}") from None
            if hi < lo:
                raise ValueError(f"{k}: high {hi:g} is below low {lo:g}")
            out[k] = (lo, hi)
        return out
    if isinstance(current, bool):
        if not isinstance(raw, bool):
            raise ValueError(f"expected true or false, got {raw!r}")
        return raw
    if isinstance(current, str):
        if not isinstance(raw, str):
            raise ValueError(f"expected a string, got {raw!r}")
        return raw
    if isinstance(current, int) and not isinstance(current, bool):
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise ValueError(f"expected a whole number, got {raw!r}")
        return raw
    if isinstance(current, Mapping) or fname in ("peak_ops_per_s", "payload_kg"):
        if not isinstance(raw, Mapping) or not raw:
            raise ValueError(f"expected a table such as {{ {'bf16' if 'ops' in fname else 'LEO'} = <number> }}, got {raw!r}")
        known = PRECISIONS if fname == "peak_ops_per_s" else tuple(dict.fromkeys((*DESTINATIONS, *(current or {}))))
        for k in raw:
            if fname in ("peak_ops_per_s", "payload_kg") and k not in known:  # a key nothing reads would be ignored
                close = difflib.get_close_matches(str(k), known, n=1) or [x for x in known if x.lower() == str(k).lower()]
                what = "precision" if fname == "peak_ops_per_s" else "destination"
                raise ValueError(f"no {what} {k!r}" + (f"; did you mean {close[0]!r}?" if close else
                                                       f"; expected one of {', '.join(known)}"))
        numbers: dict[str, float] = {}
        for k, v in raw.items():
            try:
                numbers[str(k)] = _number(f"{fname}.{k}", v)
            except ValueError as exc:
                raise ValueError(f"{k}: {exc}") from None
        return numbers
    return _number(fname, raw)


def _number(fname: str, raw: Any) -> float:
    """A numeric catalogue field in the unit its name carries (a number, or a quantity string that converts)."""
    unit_text = field_unit(fname)
    unit = unit_of(unit_text) if unit_text else u.dimensionless_unscaled
    if isinstance(raw, str):
        try:
            value = value_in(parse_quantity(raw, unit), unit)
        except QuantityError as exc:
            raise ValueError(str(exc)) from None
        except u.UnitsError:
            raise ValueError(f"expected a value in {unit_text or 'no unit'}, got {raw!r}") from None
    elif isinstance(raw, (int, float)) and not isinstance(raw, bool):
        value = float(raw)
    else:
        raise ValueError(f"expected a number{' in ' + unit_text if unit_text else ''} (or a quantity string), got {raw!r}")
    why = field_problem(fname, value, unit_text, allow_nan=False, written=repr(raw))
    if why:
        raise ValueError(why)
    if is_fraction_name(fname) and value > 1:
        raise ValueError(f"expected a fraction between 0 and 1{' (in ' + unit_text + ')' if unit_text else ''}, got {raw!r}")
    return value


def value_problem(defaults: Mapping[str, Sourced], key: str, value: float) -> str | None:
    """Why a scenario would refuse ``value`` (plain number, in the unit of the default or field) for ledger
    input ``key`` (``models.<name>`` or ``catalogue.<kind>.<entry>.<field>``), or ``None``: the rules a study's
    values obey too, so a sweep cannot reach a point the scenario file refuses (a chip's power 0, a zero payload)."""
    kind, _, rest = key.partition(".")
    try:
        if kind == "models" and rest in defaults:
            _model_bounds(defaults[rest], float(value), value, rest)
        elif kind == "catalogue":
            _number(rest.split(".", 2)[-1], value)
    except ValueError as exc:
        return str(exc)
    return None


def build_entry(kind: str, name: str, base: Any, fields: Mapping[str, Any], where: Mapping[str, str]) -> Any:
    """The entry ``name`` of ``kind`` with ``fields`` applied to ``base`` (or new), checked; sources name the scenario."""
    changes = {k: v for k, v in fields.items() if k not in _ENTRY_META}
    sources = dict(getattr(base, "sources", {}) or {})
    given = dict(fields.get("sources", {}))
    for fname in changes:
        place = where.get(fname, "")
        cited = given.get(fname, "")
        text = "; ".join(x for x in (cited, place) if x) or "stated in the scenario"
        sources[fname] = text
    for fname, text in given.items():
        sources.setdefault(fname, text)
    has_ranges = any(f.name == "ranges" for f in dataclasses.fields(ENTRY_TYPES[kind]))
    ranges = dict(getattr(base, "ranges", {}) or {}) if has_ranges else None
    if ranges is not None:
        for fname, value in changes.items():  # a stated value replaces the plugin's range unless the file gives one
            for key in ([f"{fname}.{sub}" for sub in value] if isinstance(value, Mapping) else [fname]):
                ranges.pop(key, None)
        ranges.update(fields.get("ranges", {}))
    if base is not None:
        merged = {}
        for k, v in changes.items():
            old = getattr(base, k)
            merged[k] = {**dict(old), **v} if isinstance(old, Mapping) and isinstance(v, Mapping) else v
        extra = {"ranges": ranges} if ranges is not None else {}
        entry = dataclasses.replace(base, **merged, sources=sources, **extra)
    else:
        extra = {"ranges": ranges} if ranges is not None else {}
        entry = ENTRY_TYPES[kind](name=name, **changes, sources=sources, **extra)
    entry.check()
    return entry


# ----------------------------------------------------------------------------- the scoped registry
_SCOPES: dict[tuple[str, str], Any] = {}
_MAX_SCOPES = 64


def unscoped(registry: Any) -> Any:
    """The plugin set's own registry behind a scenario's scope (:func:`scoped`); ``registry`` itself if it is none."""
    return getattr(registry, "__dict__", {}).get("scope_of", registry)


def scoped(registry: Any, overrides: Overrides) -> Any:
    """``registry`` as a scenario with ``overrides`` sees it (the same object when there are none).

    The copy shares the plugin manager, the hooks facade (and its time limit) and every model
    function; its catalogues hold the scenario's entries and its model set the scenario's defaults.
    Its ``token`` extends the base token with the overrides' digest, so design memos keep them apart.
    Scopes are cached per (registry, overrides) within the process.
    """
    base = unscoped(registry)
    if base is not registry:  # already a scenario's scope
        if registry.token == f"{base.token}+{overrides.key}" or (not overrides and registry.token == base.token):
            return registry
        registry = base
    if not overrides:
        return registry
    key = (registry.token, overrides.key)
    hit = _SCOPES.get(key)
    if hit is not None:
        return hit
    cats = Catalogues(**{kind: dict(getattr(registry.catalogues, kind)) for kind in KINDS},
                      owner=dict(registry.catalogues.owner))
    for (kind, name), fields in overrides.catalogue.items():
        base = getattr(registry.catalogues, kind).get(name)
        prefix = f"catalogue.{kind}.{name}."
        where = {k[len(prefix):].split(".")[0]: v for k, v in overrides.where.items() if k.startswith(prefix)}
        entry = build_entry(kind, name, base, fields, where)
        try:
            cats.add(entry, "scenario", replace=True)
        except CatalogueError as exc:  # checked at validation; kept as an error rather than a silent skip
            raise ValueError(str(exc)) from None
    cats.replaced = dict(registry.catalogues.replaced)  # the plugins' replacements; the file's changes are not ones
    defaults = {}
    for name, stated in overrides.models.items():
        old = registry.models.default(name)
        place = overrides.where.get(f"models.{name}", "scenario")
        text = "; ".join(x for x in (stated.source, place) if x) + f" (replaces: {old.source})"
        defaults[name] = Sourced(stated.nominal, old.unit, text, stated.low, stated.high)
    # the scope's model set records what is read through it (the engine warns of an override nothing read)
    scope = dataclasses.replace(registry, catalogues=cats, models=registry.models.with_defaults(defaults).recording(),
                                token=f"{registry.token}+{overrides.key}")
    scope.__dict__["_hooks"] = registry.hooks
    scope.__dict__["scope_of"] = registry
    if len(_SCOPES) >= _MAX_SCOPES:
        _SCOPES.pop(next(iter(_SCOPES)))
    _SCOPES[key] = scope
    return scope
