"""The explorer's state: a scenario file plus the inputs changed in the page, and its two forms.

A state is the parsed scenario file (``Source.raw``) and ``values``: the changed inputs, keyed by
their dotted path in the scenario file, each written as the page's field holds it (text):

- ``architectures.<instance>.<param>``: ``"600 km"``, ``"1.2"``, ``"true"``, ``"B200"``;
- ``workload.<field>``, ``assumptions.<field>``, ``study.seed``;
- ``models.<module>.<name>``: a shared-model default, ``"200 USD/kg"`` (a number when dimensionless);
- ``catalogue.<kind>.<entry>.<field>`` (``.<key>`` for a mapping field such as ``peak_ops_per_s.fp16``):
  a number in the unit the field name carries (or a quantity string).

The URL of the page holds the state as its query string (``?s=0&architectures.leo.altitude=600+km``),
so a link reproduces it. :func:`apply` writes the values into a copy of the file's data, typed as
the scenario file would type them (numbers as numbers, quantities as strings); the result is what
:func:`sandbox.core.scenario.validate` checks, what the page shows and what :func:`to_toml` writes,
so ``sandbox run`` of the downloaded file evaluates exactly the same data.
"""

from __future__ import annotations

import copy
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Query-string names that are not inputs: the scenario shown and the access token.
RESERVED = ("s", "token")
#: Longest value text accepted from the page (anything longer is a typo or an attack).
MAX_TEXT = 200
#: Most changed inputs in one state.
MAX_VALUES = 2000


class StateError(ValueError):
    """A state that cannot be applied: ``key`` names the input, ``str()`` says why."""

    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key = key


@dataclass(frozen=True)
class Source:
    """A scenario file named on the command line: ``shown`` is how messages name it."""

    id: int
    path: Path
    shown: str
    raw: dict[str, Any]
    text: str

    @property
    def label(self) -> str:
        return self.path.stem


def read_source(sid: int, path: Path) -> Source:
    """Read and parse scenario file ``path`` (validation happens per state, see :mod:`sandbox.serve.compute`).

    Raises ``OSError``/``UnicodeDecodeError``/``tomllib.TOMLDecodeError`` for the command to report.
    """
    text = path.read_bytes().decode("utf-8")
    return Source(sid, path, str(path), tomllib.loads(text), text)


def coerce(kind: str, text: Any) -> Any:
    """The page's text for an input of ``kind`` as a scenario file would hold it.

    ``kind``: ``quantity``/``string`` (kept as text), ``number``, ``integer``, ``boolean``, ``list``
    (comma-separated), ``value`` (a number when it reads as one, else text: model defaults and
    catalogue fields, which take a number or a quantity string). Text that does not read as the
    kind is kept as text, so that validation reports it exactly as it would in a file.
    """
    if not isinstance(text, str):
        return text
    t = text.strip()
    if kind in ("number", "value"):
        try:
            x = float(t)
        except ValueError:
            return t
        return x if kind == "number" or not x.is_integer() or "." in t or "e" in t.lower() else int(x)
    if kind == "integer":
        try:
            return int(t)
        except ValueError:
            try:
                x = float(t)
            except ValueError:
                return t
            return int(x) if math.isfinite(x) and x.is_integer() else x
    if kind == "boolean":
        return {"true": True, "false": False}.get(t.lower(), t)
    if kind == "list":
        return [part.strip() for part in t.split(",") if part.strip()]
    return t


def _table(node: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    child = node.setdefault(key, {})
    if not isinstance(child, dict):
        raise StateError(where, f"{where} is not a table in the scenario file")
    return child


def _set_model(raw: dict[str, Any], name: str, value: Any) -> None:
    models = _table(raw, "models", "models")
    module, _, rest = name.partition(".")
    nested = models.get(module)
    if isinstance(nested, dict) and "value" not in nested and rest in nested:
        del nested[rest]  # written as [models.<module>] <rest> = ...: one place for the value
        if not nested:
            del models[module]
    models[name] = value


def _set_catalogue(raw: dict[str, Any], key: str, rest: list[str], value: Any, entries: Mapping[str, Any]) -> None:
    if len(rest) < 3:
        raise StateError(key, f"{key}: expected catalogue.<kind>.<entry>.<field>")
    kind = rest[0]
    tail = ".".join(rest[1:])
    names = sorted(entries.get(kind, ()), key=len, reverse=True)  # entry names may hold dots
    entry = next((n for n in names if tail.startswith(n + ".")), rest[1])
    fields = tail[len(entry) + 1:].split(".") if tail.startswith(entry + ".") else rest[2:]
    node = _table(_table(_table(raw, "catalogue", "catalogue"), kind, f"catalogue.{kind}"), entry,
                  f"catalogue.{kind}.{entry}")
    if len(fields) == 1:
        node[fields[0]] = value
    elif len(fields) == 2:
        _table(node, fields[0], f"catalogue.{kind}.{entry}.{fields[0]}")[fields[1]] = value
    else:
        raise StateError(key, f"{key}: expected catalogue.<kind>.<entry>.<field>[.<key>]")


def apply(raw: Mapping[str, Any], values: Mapping[str, Any], kinds: Mapping[str, str],
          entries: Mapping[str, Any] = {}) -> dict[str, Any]:  # noqa: B006 - read only
    """A copy of the scenario data ``raw`` with ``values`` (page text, typed by ``kinds[key]``) written in.

    ``entries``: catalogue kind → entry names (to split entry names that hold dots). Raises
    :class:`StateError` for a key that names no place in a scenario file (an unknown architecture
    instance, a top-level table that does not exist); values themselves are left to validation.
    """
    if len(values) > MAX_VALUES:
        raise StateError("", f"too many changed inputs ({len(values)}; at most {MAX_VALUES})")
    out = copy.deepcopy(dict(raw))
    out.pop("sweep", None)  # the explorer shows one run; a [sweep] table is the sweep command's
    for key, text in values.items():
        if not isinstance(key, str) or not key:
            raise StateError(str(key), "empty input name")
        if isinstance(text, str) and len(text) > MAX_TEXT:
            raise StateError(key, f"{key}: value longer than {MAX_TEXT} characters")
        value = coerce(kinds.get(key, "string"), text)
        parts = key.split(".")
        top = parts[0]
        if top == "architectures":
            archs = out.get("architectures", {})
            if len(parts) != 3:
                raise StateError(key, f"{key}: expected architectures.<instance>.<parameter>")
            if not isinstance(archs, dict) or parts[1] not in archs:
                raise StateError(key, f"{key}: the scenario has no architecture {parts[1]!r}")
            if not isinstance(archs[parts[1]], dict):
                raise StateError(key, f"{key}: architectures.{parts[1]} is not a table in the scenario file")
            archs[parts[1]][parts[2]] = value
        elif top in ("workload", "assumptions", "study"):
            if len(parts) != 2:
                raise StateError(key, f"{key}: expected {top}.<field>")
            _table(out, top, top)[parts[1]] = value
        elif top == "models":
            if len(parts) < 3:
                raise StateError(key, f"{key}: expected models.<module>.<name>")
            _set_model(out, ".".join(parts[1:]), value)
        elif top == "catalogue":
            _set_catalogue(out, key, parts[1:], value, entries)
        else:
            raise StateError(key, f"{key}: not an input of a scenario file (architectures.…, workload.…, "
                                  "assumptions.…, study.seed, models.…, catalogue.…)")
    return out


def from_query(items: list[tuple[str, str]]) -> tuple[int, dict[str, str]]:
    """``(scenario id, values)`` from a URL's query items (``s`` is the scenario; ``token`` is skipped)."""
    sid = 0
    values: dict[str, str] = {}
    for key, value in items:
        if key == "s":
            try:
                sid = int(value)
            except ValueError:
                raise StateError("s", f"s: expected a scenario number, got {value!r}") from None
        elif key not in RESERVED:
            values[key] = value
    return sid, values


def to_toml(data: Mapping[str, Any], source: Source, values: Mapping[str, Any]) -> str:
    """The scenario file of a state: a header naming where it came from, then the data as TOML."""
    import tomli_w

    changed = "".join(f"#   {k} = {v}\n" for k, v in values.items())
    head = (f"# Written by `sandbox serve` from {source.path.name}"
            + (f", with {len(values)} changed input{'s' if len(values) != 1 else ''}:\n{changed}" if values else " (unchanged).\n")
            + "# `sandbox run` of this file gives the numbers the page showed.\n\n")
    return head + tomli_w.dumps(dict(data))
