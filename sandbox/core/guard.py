"""What one plugin cannot change for another: the catalogue entries and model defaults of a registry.

Catalogue entries and sourced defaults are frozen dataclasses behind read-only views, but Python lets
a determined plugin change them anyway (``object.__setattr__``, a private attribute). The engine takes a
:class:`SharedState` of a registry before the first plugin call that could reach it and, after every
design call and every ``sandbox_extra_metrics`` call, puts back whatever the call changed and names it,
so that the call fails alone and no other architecture reads the changed numbers.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from sandbox.core.catalogue import KINDS


class SharedDataChanged(RuntimeError):
    """A plugin call changed the shared catalogue entries or model defaults (they were put back)."""


def _fields(obj: Any) -> dict[str, Any]:
    return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)} if dataclasses.is_dataclass(obj) else {}


class SharedState:
    """The catalogue tables, each entry's field values and the model defaults of ``registry``, as they are now."""

    def __init__(self, registry: Any):
        self.catalogues = registry.catalogues
        self.models = registry.models
        self.tables = {kind: dict(getattr(self.catalogues, kind)) for kind in KINDS}
        self.entries = {(kind, name): _fields(entry) for kind, table in self.tables.items() for name, entry in table.items()}
        self.model_tables = self.models.snapshot() if hasattr(self.models, "snapshot") else None
        self.defaults = self.model_tables[2] if self.model_tables else {}
        self.default_fields = {name: _fields(value) for name, value in self.defaults.items()}
        # a component function changed in place (its code or its default arguments swapped) is the same object
        self.code = {name: _code(fn) for name, fn in (self.model_tables[0] if self.model_tables else {}).items()}

    def restore(self) -> list[str]:
        """Put back anything changed since this state was taken; the names of what was changed ([] if nothing)."""
        changed: list[str] = []
        for kind, table in self.tables.items():
            live = getattr(self.catalogues, kind)
            if live.keys() != table.keys() or any(live[name] is not entry for name, entry in table.items()):
                live.clear()
                live.update(table)
                changed.append(f"catalogue table {kind}")
        for (kind, name), fields in self.entries.items():
            changed += _put_back(self.tables[kind][name], fields, f"{kind}.{name}")
        if self.model_tables is not None:
            changed += self.models.restore(self.model_tables)
        for name, fields in self.default_fields.items():
            changed += _put_back(self.defaults[name], fields, f"models.{name}")
        for name, kept in self.code.items():
            fn = self.model_tables[0][name]
            if any(now is not then for now, then in zip(_code(fn), kept, strict=True)):  # a code object put in its place
                for attr, value in zip(_CODE_ATTRS, kept, strict=True):
                    if value is not _NONE:
                        setattr(fn, attr, value)
                changed.append(f"model component {name} (its code)")
        return changed


_CODE_ATTRS = ("__code__", "__defaults__", "__kwdefaults__")
_NONE = object()


def _code(fn: Any) -> tuple[Any, ...]:
    """A function's code object and default arguments (compared by identity), or ``_NONE`` for those it lacks."""
    return tuple(getattr(fn, attr, _NONE) for attr in _CODE_ATTRS)


def _put_back(obj: Any, fields: dict[str, Any], label: str) -> list[str]:
    changed = []
    for field, value in fields.items():
        if getattr(obj, field) is not value:
            object.__setattr__(obj, field, value)
            changed.append(f"{label}.{field}")
    return changed


#: The states taken, by (catalogues, models) identity; a bounded number (the explorer makes a scoped registry
#: for every state of its form), oldest dropped first.
_STATES: dict[tuple[int, int], SharedState] = {}
_MAX_STATES = 64


def shared_state(registry: Any) -> SharedState:
    """The :class:`SharedState` of ``registry``, taken now if it was not taken before."""
    key = (id(registry.catalogues), id(registry.models))
    state = _STATES.get(key)
    if state is None or state.catalogues is not registry.catalogues or state.models is not registry.models:
        if len(_STATES) >= _MAX_STATES:
            _STATES.pop(next(iter(_STATES)))
        state = _STATES[key] = SharedState(registry)
    return state


def changed_message(changed: list[str], who: str) -> str:
    """One line: what ``who`` changed (already put back)."""
    shown = ", ".join(changed[:5]) + (f" and {len(changed) - 5} more" if len(changed) > 5 else "")
    return f"{who} changed shared data other architectures read ({shown}); put back"


def check_unchanged(state: SharedState, who: str) -> None:
    """Raise :class:`SharedDataChanged` naming what ``who`` changed (already put back), if anything."""
    changed = state.restore()
    if changed:
        raise SharedDataChanged(changed_message(changed, who))
