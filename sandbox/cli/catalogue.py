"""``sandbox catalogue [KIND] [NAME]``: the registered catalogue entries, their fields, units and sources.

Three levels, the same in text and ``--format json``:

- no argument: every kind with its fields (unit and meaning) and the names of its entries;
- ``KIND`` (``chips``, ``launch_vehicles``, ``power_sources``, ``ground_stations``; singular
  and ``-`` are accepted): the fields, then one row per entry with its values;
- ``KIND NAME`` (or ``NAME`` alone): every field of one entry with its unit, plausible range
  and source.

The JSON document is always ``{KIND: {"fields": [...], "entries": [...]}}`` for the kinds (and
entries) asked for: ``fields`` lists ``{"field", "unit", "description"}``; each entry is
``{"name", "plugin", "values", "sources", "ranges"}`` with ``values`` in the field units (NaN,
a figure that does not apply, as ``null``) and ``ranges`` as ``[low, high]`` pairs.
"""

from __future__ import annotations

import difflib
import json
import math
from typing import Any

import click

from sandbox.cli.common import fail, registry_of

#: Fields every entry type has that are not figures (shown apart, not as values).
_META = ("name", "sources", "ranges")


def _kinds() -> dict[str, type]:
    from sandbox.core.catalogue import ENTRY_TYPES

    return ENTRY_TYPES


def _kind_of(text: str) -> str | None:
    """``chips`` for ``chips``, ``chip``, ``Chips``; ``launch_vehicles`` for ``launch-vehicle``..."""
    key = text.strip().lower().replace("-", "_")
    kinds = _kinds()
    for candidate in (key, key + "s"):
        if candidate in kinds:
            return candidate
    return None


def _jsonable(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict | tuple | list) or hasattr(value, "items"):
        if hasattr(value, "items"):
            return {str(k): _jsonable(v) for k, v in value.items()}
        return [_jsonable(v) for v in value]
    return value


def _fields(kind: str) -> list[dict[str, str]]:
    from sandbox.core.catalogue import entry_fields

    return [{"field": f.name, "unit": f.metadata.get("unit", ""), "description": f.metadata.get("doc", "")}
            for f in entry_fields(_kinds()[kind]) if f.name not in _META]


def _entry_doc(catalogues: Any, kind: str, entry: Any) -> dict[str, Any]:
    values = {f["field"]: _jsonable(getattr(entry, f["field"])) for f in _fields(kind)}
    return {"name": entry.name, "plugin": catalogues.owner.get((kind, entry.name), ""), "values": values,
            "sources": dict(getattr(entry, "sources", {}) or {}),
            "ranges": {k: [_jsonable(float(lo)), _jsonable(float(hi))]
                       for k, (lo, hi) in (getattr(entry, "ranges", {}) or {}).items()}}


def _number(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return "-" if value is None else ("yes" if value else "no")
    if isinstance(value, float):
        return "-" if not math.isfinite(value) else f"{value:.6g}"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dict):
        return ", ".join(f"{k} {_number(v)}" for k, v in value.items()) or "-"
    return str(value) or "-"


def _with_unit(value: Any, unit: str) -> str:
    text = _number(value)
    return f"{text} {unit}" if unit and text != "-" else text


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def _fields_text(kind: str) -> list[str]:
    rows = [["field", "unit", "meaning"]] + [[f["field"], f["unit"] or "-", f["description"]] for f in _fields(kind)]
    return ["  " + line for line in _table(rows)]


def _overview(catalogues: Any) -> str:
    out = []
    for kind in _kinds():
        names = list(getattr(catalogues, kind))
        out.append(f"{kind} ({len(names)}): {', '.join(names) or 'none'}")
        out += _fields_text(kind)
        out.append("")
    out.append("sandbox catalogue KIND: every entry's values; sandbox catalogue KIND NAME: one entry with its sources")
    return "\n".join(out)


def _kind_text(catalogues: Any, kind: str) -> str:
    entries = list(getattr(catalogues, kind).values())
    out = [f"{kind} ({len(entries)} entries)", *_fields_text(kind), ""]
    if not entries:
        return "\n".join([*out, "no entries"])
    docs = [_entry_doc(catalogues, kind, e) for e in entries]
    groups: dict[str, list[dict[str, Any]]] = {}
    for doc in docs:  # power sources: one table per kind, with only the fields that kind fills in
        groups.setdefault(str(doc["values"].get("kind", "")), []).append(doc)
    for group, members in groups.items():
        shown = [f for f in _fields(kind) if f["field"] != "kind"
                 and any(_number(d["values"][f["field"]]) != "-" for d in members)]
        header, cells, captions = ["name"], [[d["name"]] for d in members], []
        for f in shown:
            values = [d["values"][f["field"]] for d in members]
            if any(isinstance(v, dict) for v in values):  # a mapping: one column per key
                richest = max((v for v in values if isinstance(v, dict)), key=len)  # its order, e.g. fp64 ... int8
                keys = list(dict.fromkeys([*richest, *(k for v in values if isinstance(v, dict) for k in v)]))
                header += keys
                for row, v in zip(cells, values, strict=True):
                    row += [_number((v or {}).get(k)) for k in keys]
                captions.append(f"columns {', '.join(keys)}: {f['field']} ({f['unit']})")
            else:
                header.append(f["field"])
                for row, v in zip(cells, values, strict=True):
                    row.append(_number(v))
        rows = [[*header, "plugin"]] + [[*row, d["plugin"]] for row, d in zip(cells, members, strict=True)]
        if group:
            out.append(f"kind {group}:")
        out += captions
        out += _table(rows)
        out.append("")
    out.append(f"sources and ranges: sandbox catalogue {kind} NAME")
    return "\n".join(out).rstrip()


def _entry_text(catalogues: Any, kind: str, entry: Any) -> str:
    doc = _entry_doc(catalogues, kind, entry)
    out = [f"{entry.name}  ({kind[:-1].replace('_', ' ')}, registered by plugin {doc['plugin']!r})"]
    for f in _fields(kind):
        name, unit = f["field"], f["unit"]
        line = f"  {name}: {_with_unit(doc['values'][name], unit)}"
        if name in doc["ranges"]:
            low, high = doc["ranges"][name]
            line += f"  (range {_number(low)} to {_number(high)}{' ' + unit if unit else ''})"
        out.append(line)
        out.append(f"      {f['description']}")
        if name in doc["sources"]:
            out.append(f"      source: {doc['sources'][name]}")
    extra = {k: v for k, v in doc["sources"].items() if k not in doc["values"]}
    for key, source in extra.items():  # sources keyed by something other than a field (e.g. "all")
        out.append(f"  source ({key}): {source}")
    return "\n".join(out)


def _find_entry(catalogues: Any, name: str) -> list[tuple[str, Any]]:
    return [(kind, getattr(catalogues, kind)[name]) for kind in _kinds() if name in getattr(catalogues, kind)]


@click.command("catalogue")
@click.argument("kind", required=False)
@click.argument("name", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def catalogue(ctx: click.Context, kind: str | None, name: str | None, fmt: str) -> None:
    """List catalogue entries (chips, launch vehicles, power sources, ground stations) with units and sources.

    KIND alone lists its entries and fields; KIND NAME (or NAME alone) shows one entry with every
    field's unit, plausible range and source.
    """
    catalogues = registry_of(ctx).catalogues
    entry = None
    kinds = list(_kinds())
    if kind is not None:
        resolved = _kind_of(kind)
        if resolved is None:
            found = _find_entry(catalogues, kind) if name is None else []
            if len(found) == 1:  # `sandbox catalogue H100-SXM`
                (resolved, entry), name = found[0], kind
            else:
                names = [n for k in kinds for n in getattr(catalogues, k)]
                close = difflib.get_close_matches(kind, kinds + names, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                fail(f"catalogue: no kind or entry named {kind!r}{hint} (kinds: {', '.join(kinds)})", 2)
        kind = resolved
        if name is not None and entry is None:
            try:
                entry = catalogues.get(kind, name)
            except KeyError as exc:
                fail(f"catalogue {kind}: {exc.args[0]}", 2)
    if fmt == "json":
        selected = [kind] if kind else kinds
        doc = {k: {"fields": _fields(k),
                   "entries": [_entry_doc(catalogues, k, e) for e in getattr(catalogues, k).values()
                               if entry is None or e is entry]}
               for k in selected}
        click.echo(json.dumps(doc, indent=2))
    elif entry is not None:
        click.echo(_entry_text(catalogues, kind, entry))
    elif kind is not None:
        click.echo(_kind_text(catalogues, kind))
    else:
        click.echo(_overview(catalogues))
