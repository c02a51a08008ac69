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
import json
import math
import re
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
#: An input name the downloaded file's header comment shows as it is (any other is quoted and escaped).
_BARE_KEY = re.compile(r"[A-Za-z0-9_.+-]+")


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
        if kind == "value":
            try:
                return int(t)  # exactly the digits written, as a TOML integer
            except ValueError:
                pass
        return x
    if kind == "integer":
        try:
            return int(t)
        except ValueError:
            try:
                x = float(t)
            except ValueError:
                return t
            # "3.0" is 3; a float beyond the 64-bit integers ("1e308") stays a float, refused as a file's would be
            return int(x) if math.isfinite(x) and x.is_integer() and abs(x) < 2.0**63 else x
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


def _architecture(archs: Any, key: str) -> tuple[str, str]:
    """``(instance, parameter)`` of an ``architectures.<instance>.<parameter>`` key: the instance is the
    longest of the scenario's instance names the key starts with (a name may hold dots: ``"leo.a"``)."""
    rest = key.removeprefix("architectures.")
    names = sorted((n for n in archs if isinstance(n, str)), key=len, reverse=True) if isinstance(archs, dict) else []
    instance = next((n for n in names if rest.startswith(n + ".") and "." not in rest[len(n) + 1:]), None)
    if instance is None:
        if "." not in rest or not rest.rsplit(".", 1)[1]:
            raise StateError(key, f"{key}: expected architectures.<instance>.<parameter>")
        raise StateError(key, f"{key}: the scenario has no architecture {rest.rsplit('.', 1)[0]!r}")
    parameter = rest[len(instance) + 1:]
    if not parameter:
        raise StateError(key, f"{key}: expected architectures.<instance>.<parameter>")
    return instance, parameter


#: TOML integers are 64-bit: a whole number beyond them has no scenario file.
INT64 = (-(2**63), 2**63 - 1)


def apply(raw: Mapping[str, Any], values: Mapping[str, Any], kinds: Mapping[str, str],
          entries: Mapping[str, Any] = {}) -> dict[str, Any]:  # noqa: B006 - read only
    """A copy of the scenario data ``raw`` with ``values`` (page text, typed by ``kinds[key]``) written in.

    A key ``kinds`` does not list is typed as text, except a ``models.…`` or ``catalogue.…`` key (a
    model default or catalogue field the form does not show), typed like the form's: a number when
    it reads as one. ``entries``: catalogue kind → entry names (to split entry names that hold dots).
    Raises :class:`StateError` for a key that names no place in a scenario file (an unknown
    architecture instance, a top-level table that does not exist) and for a whole number no TOML
    file holds (beyond 64 bits); values themselves are left to validation.
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
        parts = key.split(".")
        top = parts[0]
        value = coerce(kinds.get(key) or ("value" if top in ("models", "catalogue") else "string"), text)
        if isinstance(value, int) and not isinstance(value, bool) and not INT64[0] <= value <= INT64[1]:
            raise StateError(key, f"{key}: expected a whole number within the 64-bit range of a TOML file "
                                  f"(-2**63 to 2**63 - 1), got {str(text)[:40]!r}")
        if top == "architectures":
            archs = out.get("architectures", {})
            instance, parameter = _architecture(archs, key)
            if not isinstance(archs[instance], dict):
                raise StateError(key, f"{key}: architectures.{instance} is not a table in the scenario file")
            archs[instance][parameter] = value
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

    changed = "".join(f"#   {k if _BARE_KEY.fullmatch(k) else _comment(k)} = {_comment(v)}\n" for k, v in values.items())
    head = (f"# Written by `sandbox serve` from {source.path.name}"
            + (f", with {len(values)} changed input{'s' if len(values) != 1 else ''}:\n{changed}" if values else " (unchanged).\n")
            + "# `sandbox run` of this file gives the numbers the page showed.\n\n")
    return head + tomli_w.dumps(dict(data))


def _comment(value: Any) -> str:
    """``value`` as a TOML comment may hold it: JSON text, with every character a comment may not hold
    (a line break, any other control character) or that is not printable written as an escape, so a
    value never starts a line of its own."""
    text = json.dumps(value, ensure_ascii=False)
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text)
