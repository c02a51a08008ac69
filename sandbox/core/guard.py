"""What one plugin cannot change for another: the catalogue entries and model defaults of a registry, the
public globals of the sandbox's own modules and of the built-in plugins, the working directory and the
``SANDBOX_*`` environment variables.

Catalogue entries and sourced defaults are frozen dataclasses behind read-only views, but Python lets
a determined plugin change them anyway (``object.__setattr__``, a private attribute), rebind a module's
constant or function (``sandbox.models.links.SPEED_OF_LIGHT_M_S = 1000``), change a module's table in
place, ``os.chdir`` or set an environment variable the sandbox reads. The engine takes a
:class:`SharedState` of a registry before the first plugin call that could reach it and, after every
design call and every ``sandbox_extra_metrics`` call, puts back whatever the call changed and names it,
so that the call fails alone and no other architecture reads the changed numbers.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from typing import Any

import numpy as np

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
        self.modules = ModuleState()  # taken afresh before each call: shared_state

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
                    if value is not _MISSING:
                        setattr(fn, attr, value)
                changed.append(f"model component {name} (its code)")
        changed += self.modules.restore()
        return changed


#: The module-name prefixes whose public globals are guarded: the sandbox's own and the built-in plugins'.
GUARDED_MODULES = ("sandbox", "sandbox_plugins")
#: The one "no value" marker of this module (a global or an attribute that is not there).
_MISSING = object()


class ModuleState:
    """The public globals of the guarded modules (by identity; a numpy array's content, and the content of a
    constant table: an upper-case name bound to a dict or list), the working directory and the ``SANDBOX_*``
    environment variables. Private globals (``_name``) other than numpy arrays are module state the sandbox itself
    changes (caches, what was loaded) and are not guarded."""

    def __init__(self) -> None:
        self.modules: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
        self.contents: list[tuple[str, Any, Any]] = []
        self.cwd: str | None = None
        self.environ: dict[str, str] = {}
        self.take()

    def take(self) -> None:
        """The state as it is now: taken before each plugin call, so that what the caller changed between calls (a
        test's ``monkeypatch``, a notebook's ``os.chdir``) is the new normal and only the call's own changes count.
        (A copy of each module's namespace, made at C speed, and of the few tables that can change in place.)"""
        try:
            self.cwd = os.getcwd()
        except OSError:  # the working directory is gone: nothing to put back
            self.cwd = None
        self.environ = _sandbox_environ()
        self.modules = []
        self.contents = []
        for name, module in _guarded_modules():
            live = vars(module)
            self.modules.append((name, live, live.copy()))
            for key in _tables(name, live):
                value = live.get(key, _MISSING)
                content = _content(key, value)
                if content is not None:
                    self.contents.append((f"{name}.{key}", value, content))

    def restore(self) -> list[str]:
        """Put back what changed since :meth:`take`; the names of what was changed ([] if nothing)."""
        changed: list[str] = []
        for name, live, kept in self.modules:
            for key, value in kept.items():
                if live.get(key, _MISSING) is not value and (key[0] != "_" or type(value) is np.ndarray):
                    live[key] = value
                    changed.append(f"{name}.{key}")
        for label, value, content in self.contents:
            if _changed_content(value, content):
                _put_back_content(value, content)
                changed.append(f"{label} (its content)")
        try:
            moved = self.cwd is not None and os.getcwd() != self.cwd
        except OSError:  # the directory it moved to is gone
            moved = self.cwd is not None
        if moved:
            os.chdir(self.cwd)
            changed.append("the working directory")
        environ = _sandbox_environ()
        if environ != self.environ:
            for key in sorted(environ.keys() | self.environ.keys()):
                if environ.get(key) != self.environ.get(key):
                    if key in self.environ:
                        os.environ[key] = self.environ[key]
                    else:
                        del os.environ[key]
                    changed.append(f"environment variable {key}")
        return changed


#: Per module, the names bound to what can change in place (numpy arrays; upper-case dicts and lists), found again
#: when the module's namespace grows or shrinks.
_TABLES: dict[str, tuple[int, list[str]]] = {}


def _tables(name: str, live: dict[str, Any]) -> list[str]:
    known = _TABLES.get(name)
    if known is None or known[0] != len(live):
        keys = [k for k, v in list(live.items())
                if type(v) is np.ndarray or (k[0] != "_" and k.isupper() and type(v) in (dict, list))]
        known = _TABLES[name] = (len(live), keys)
    return known[1]


#: Types whose values cannot change in place (the common case: skip the checks).
_PLAIN = frozenset({type(len), type(lambda: None), type, str, int, float, bool, type(None), tuple, frozenset,
                    type(sys)})
_GUARDED: tuple[int, list[tuple[str, Any]]] = (-1, [])


def _guarded_modules() -> list[tuple[str, Any]]:
    """The guarded modules now loaded (the list is made again only when a module was imported since)."""
    global _GUARDED
    if _GUARDED[0] != len(sys.modules):
        _GUARDED = (len(sys.modules), [(name, module) for name, module in list(sys.modules.items())
                                       if module is not None and name.split(".", 1)[0] in GUARDED_MODULES])
    return _GUARDED[1]


def _sandbox_environ() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k.startswith("SANDBOX_")}


def _content(key: str, value: Any) -> Any:
    """A copy of what may change in place: a numpy array's data, a constant table's items; None otherwise."""
    if type(value) in _PLAIN:
        return None
    if isinstance(value, np.ndarray):
        return value.copy()
    if key.isupper() and isinstance(value, dict):
        return dict(value)
    if key.isupper() and isinstance(value, list):
        return list(value)
    return None


def _changed_content(value: Any, content: Any) -> bool:
    if isinstance(value, np.ndarray):
        return value.shape != content.shape or value.dtype != content.dtype or value.tobytes() != content.tobytes()
    if isinstance(value, dict):
        return value.keys() != content.keys() or any(value[k] is not v for k, v in content.items())
    return len(value) != len(content) or any(a is not b for a, b in zip(value, content, strict=True))


def _put_back_content(value: Any, content: Any) -> None:
    if isinstance(value, np.ndarray):
        if value.shape == content.shape and value.dtype == content.dtype and value.flags.writeable:
            value[...] = content
    elif isinstance(value, dict):
        value.clear()
        value.update(content)
    else:
        value[:] = content


_CODE_ATTRS = ("__code__", "__defaults__", "__kwdefaults__")


def _code(fn: Any) -> tuple[Any, ...]:
    """A function's code object and default arguments (compared by identity), or ``_MISSING`` for those it lacks."""
    return tuple(getattr(fn, attr, _MISSING) for attr in _CODE_ATTRS)


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
    """The :class:`SharedState` of ``registry``, taken now if it was not taken before (its modules, working directory
    and environment always now: call it right before the plugin calls it guards)."""
    key = (id(registry.catalogues), id(registry.models))
    state = _STATES.get(key)
    if state is None or state.catalogues is not registry.catalogues or state.models is not registry.models:
        if len(_STATES) >= _MAX_STATES:
            _STATES.pop(next(iter(_STATES)))
        state = _STATES[key] = SharedState(registry)
    else:
        state.modules.take()
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
