"""The shared model as one set of named components that plugins can extend or replace.

Components are the public functions of the modules in :mod:`sandbox.models`, named
``"<module>.<function>"`` (``"thermal.radiator_area_m2"``). The engine and every design
function call them through a :class:`ModelSet`, so a replacement registered by a plugin
applies to all architectures at once and is recorded for the provenance record.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from types import SimpleNamespace

from sandbox.core.sourced import Sourced

#: The shared-model modules, in ledger order.
MODULES = ("compute", "power", "thermal", "launch", "cost", "radiation", "links")


class ModelError(Exception):
    """A model component is missing, clashes with another plugin's, or has the wrong form."""


class ModelSet:
    """Named shared-model components plus their sourced defaults."""

    def __init__(self) -> None:
        self._functions: dict[str, Callable] = {}
        self._owner: dict[str, str] = {}
        self._defaults: dict[str, Sourced] = {}
        for module_name in MODULES:
            module = importlib.import_module(f"sandbox.models.{module_name}")
            for fname, fn in vars(module).items():
                if fname.startswith("_") or not inspect.isfunction(fn) or fn.__module__ != module.__name__:
                    continue
                self._functions[f"{module_name}.{fname}"] = fn
                self._owner[f"{module_name}.{fname}"] = "sandbox"
            for key, value in getattr(module, "DEFAULTS", {}).items():
                self._defaults[f"{module_name}.{key}"] = value

    def add(self, name: str, function: Callable, plugin: str, replace: bool = False) -> None:
        """Add component ``name`` from ``plugin``; replacing needs ``replace=True`` and a matching signature."""
        if "." not in name or not callable(function):
            raise ModelError(f"plugin {plugin!r}: model component must be registered as 'module.function' with a callable, got {name!r}")
        if name in self._functions:
            if not replace:
                raise ModelError(f"plugin {plugin!r} registered model {name!r}, which exists (owner {self._owner[name]!r}); pass replace=True")
            if self._owner[name] != "sandbox":
                raise ModelError(f"plugins {self._owner[name]!r} and {plugin!r} both replace model {name!r}")
            old = list(inspect.signature(self._functions[name]).parameters)
            new = list(inspect.signature(function).parameters)
            if new[: len(old)] != old:
                raise ModelError(f"plugin {plugin!r}: replacement for {name!r} must accept ({', '.join(old)}), got ({', '.join(new)})")
        self._functions[name] = function
        self._owner[name] = plugin
        self.__dict__.pop("_grouped", None)

    def __getitem__(self, name: str) -> Callable:
        try:
            return self._functions[name]
        except KeyError:
            raise ModelError(f"no model component {name!r}") from None

    def __getattr__(self, module: str) -> SimpleNamespace:
        if module.startswith("_"):
            raise AttributeError(module)
        funcs = self._modules().get(module)
        if not funcs:
            raise AttributeError(module)
        return SimpleNamespace(**funcs)  # a fresh namespace each time: a caller that changes its copy changes no other

    def _modules(self) -> dict[str, dict[str, Callable]]:
        """The components grouped by module (built once; :meth:`add` starts it again)."""
        grouped = self.__dict__.get("_grouped")
        if grouped is None:
            grouped = {}
            for key, function in self._functions.items():
                module, _, name = key.partition(".")
                grouped.setdefault(module, {})[name] = function
            self.__dict__["_grouped"] = grouped
        return grouped

    def default(self, name: str) -> Sourced:
        """The sourced default ``"<module>.<key>"`` (e.g. ``"thermal.radiator_emissivity"``)."""
        try:
            return self._defaults[name]
        except KeyError:
            raise ModelError(f"no model default {name!r}") from None

    def value(self, name: str) -> float:
        """The nominal value of default ``name`` as a float."""
        return float(self.default(name).nominal)

    def with_defaults(self, defaults: dict[str, Sourced]) -> ModelSet:
        """A copy whose defaults ``defaults`` replace these (same components; for a scenario's ``[models]``)."""
        unknown = sorted(set(defaults) - set(self._defaults))
        if unknown:
            raise ModelError(f"no model default {unknown[0]!r}")
        copy = object.__new__(ModelSet)
        copy._functions = self._functions
        copy._owner = self._owner
        copy._defaults = {**self._defaults, **defaults}
        return copy

    def recording(self) -> RecordingModelSet:
        """A copy that records the defaults it is asked for (:class:`RecordingModelSet`); a copy of a
        recording set also records into the set it was made from."""
        copy = object.__new__(RecordingModelSet)
        copy._functions = self._functions
        copy._owner = self._owner
        copy._defaults = self._defaults
        copy.__dict__["_grouped"] = self._modules()
        copy.read = {}
        copy.read_all = False
        copy.parent = self if isinstance(self, RecordingModelSet) else None
        return copy

    def snapshot(self) -> tuple[dict[str, Callable], dict[str, str], dict[str, Sourced]]:
        """The components, their owners and the defaults as they are now (for :meth:`restore`)."""
        return dict(self._functions), dict(self._owner), dict(self._defaults)

    def restore(self, snapshot: tuple[dict[str, Callable], dict[str, str], dict[str, Sourced]]) -> list[str]:
        """Make the tables hold exactly ``snapshot`` again (a plugin that changed them after registration, through
        :meth:`add` or a private attribute); the names of the tables that had changed."""
        changed = []
        for name, live, kept in (("components", self._functions, snapshot[0]), ("owners", self._owner, snapshot[1]),
                                 ("defaults", self._defaults, snapshot[2])):
            if live.keys() != kept.keys() or any(live[k] is not v for k, v in kept.items()):
                live.clear()
                live.update(kept)
                changed.append(f"model {name}")
        if changed:
            self.__dict__.pop("_grouped", None)
        return changed

    @property
    def replaced(self) -> dict[str, str]:
        """Components a plugin replaced or added: name → plugin."""
        return {k: v for k, v in self._owner.items() if v != "sandbox"}

    @property
    def defaults(self) -> dict[str, Sourced]:
        return dict(self._defaults)


class RecordingModelSet(ModelSet):
    """A model set that records which defaults were read: ``read`` maps each name asked for through
    :meth:`default` (and so :meth:`value`) to what it returned; ``read_all`` is set when the whole
    :attr:`defaults` table was asked for. The engine gives one to each design call, so that a
    design that reads none of the defaults a scenario's ``[models]`` changed is not made again
    (:func:`sandbox.ledger.evaluate.make_design`)."""

    read: dict[str, Sourced]
    read_all: bool
    parent: RecordingModelSet | None

    def default(self, name: str) -> Sourced:
        found = super().default(name)
        self.read[name] = found
        if self.parent is not None:
            self.parent.read[name] = found
        return found

    @property
    def defaults(self) -> dict[str, Sourced]:
        self.read_all = True
        if self.parent is not None:
            self.parent.read_all = True
        return dict(self._defaults)


def listing(models: ModelSet) -> dict[str, Sourced]:
    """Every default of ``models`` by name, as :attr:`ModelSet.defaults` gives them, without counting as a read
    of them: the host's, to list a study's uncertain inputs or the explorer's fields. (A design reads through
    ``default``/``value``, or the whole ``defaults``, which decide when it is made again.)"""
    return dict(models._defaults)
