"""What an evaluation produces: an architecture's :class:`Ledger` and a scenario's :class:`RunResult`."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sandbox.core.design import Design, Metric
from sandbox.core.scenario import Scenario


class LedgerError(Exception):
    """A plugin used a ledger in a way it may not (refining another plugin's metric, an impossible value)."""


@dataclass
class Ledger:
    """All metrics of one architecture instance (``plugin`` registered its architecture type).

    In a study the values may be numpy arrays of one value per point (the same arithmetic works).
    """

    instance: str
    architecture: str
    plugin: str
    metrics: list[Metric] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def get(self, name: str) -> Any:
        for m in self.metrics:
            if m.name == name:
                return m.value
        raise KeyError(f"{self.instance}: no metric {name!r}")

    def metric(self, name: str) -> Metric:
        for m in self.metrics:
            if m.name == name:
                return m
        raise KeyError(f"{self.instance}: no metric {name!r}")

    def has(self, name: str) -> bool:
        return any(m.name == name for m in self.metrics)

    def refine(self, name: str, value: Any, inputs: list[str], by: str) -> None:
        """Replace metric ``name`` by a value only known after evaluation (e.g. years to service
        from the counted flights), in the open: the metric's inputs say who refined it.

        Only the plugin that registered this architecture may refine its ledger; inside
        ``sandbox_extra_metrics`` each plugin receives a :class:`LedgerView` that enforces this.
        """
        if by != self.plugin:
            raise LedgerError(f"plugin {by!r} may not refine {name} of {self.instance!r} "
                              f"(architecture of plugin {self.plugin!r})")
        arr = np.asarray(value, dtype=float)
        if not bool(np.all(np.isfinite(arr) & (arr >= 0))):
            raise LedgerError(f"{by}: refined {name} = {value} (must be finite and >= 0)")
        old = self.metric(name)
        old.value = value if arr.ndim else float(arr)
        old.inputs = [*inputs, f"refined by plugin {by!r} after evaluation"]

    def view(self, plugin: str) -> LedgerView:
        """The ledger as ``plugin`` sees it in ``sandbox_extra_metrics``."""
        return LedgerView(self, plugin)


class LedgerView:
    """A ledger seen by one plugin: read everything, refine only if the architecture is the plugin's own."""

    def __init__(self, ledger: Ledger, plugin: str):
        self._ledger = ledger
        self._plugin = plugin
        self.instance = ledger.instance
        self.architecture = ledger.architecture
        self.plugin = ledger.plugin

    def get(self, name: str) -> Any:
        return self._ledger.get(name)

    def metric(self, name: str) -> Metric:
        m = self._ledger.metric(name)
        return Metric(m.name, m.value, m.unit, tuple(m.inputs), m.source, m.approximation)  # a copy: read only

    def has(self, name: str) -> bool:
        return self._ledger.has(name)

    @property
    def metrics(self) -> tuple[Metric, ...]:
        return tuple(self.metric(m.name) for m in self._ledger.metrics)

    @property
    def notes(self) -> tuple[str, ...]:
        return tuple(self._ledger.notes)

    def refine(self, name: str, value: Any, inputs: list[str], by: str | None = None) -> None:
        """As :meth:`Ledger.refine`, as the calling plugin (``by`` must be that plugin when given)."""
        if by is not None and by != self._plugin:
            raise LedgerError(f"plugin {self._plugin!r} refined {name} claiming to be {by!r}")
        self._ledger.refine(name, value, inputs, self._plugin)


@dataclass
class RunResult:
    """A scenario's outcome: a ledger per architecture, failures by instance, provenance."""

    scenario: Scenario
    ledgers: dict[str, Ledger]
    failures: dict[str, str]
    baseline: str | None
    provenance: dict[str, Any]
    designs: dict[str, Design] = field(default_factory=dict, repr=False)  # what each plugin described (for plots)
    warnings: list[str] = field(default_factory=list)  # about the scenario: e.g. an override nothing read

    def records(self) -> list[dict[str, Any]]:
        """Tidy records: one per (architecture, metric) with value and unit."""
        out = []
        for ledger in self.ledgers.values():
            for m in ledger.metrics:
                out.append({
                    "architecture": ledger.instance,
                    "type": ledger.architecture,
                    "metric": m.name,
                    "value": m.value,
                    "unit": m.unit,
                    "approximation": m.approximation,
                })
        return out

    def explained_records(self) -> list[dict[str, Any]]:
        """Tidy records with the inputs and source that produced each metric."""
        out = []
        for rec, m in zip(self.records(), (m for lg in self.ledgers.values() for m in lg.metrics), strict=True):
            out.append({**rec, "inputs": list(m.inputs), "source": m.source})
        return out


def finite_non_negative(value: Any) -> bool:
    """True when ``value`` is a real number or an array of them, every one finite and >= 0: not a bool, not text
    (``"5"``, whatever numpy would make of it), not an integer beyond the float range."""
    if isinstance(value, (bool, np.bool_, str, bytes)):
        return False
    try:
        if np.asarray(value).dtype.kind not in "fiu":
            return False
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError, OverflowError):
        return False
    return bool(arr.size) and bool(np.all(np.isfinite(arr) & (arr >= 0))) and not (arr.ndim == 0 and math.isnan(float(arr)))
