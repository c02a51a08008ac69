"""The values the engine reads while it evaluates a design, with per-point overrides for studies.

A plain run reads every shared-model default, catalogue field and assumption at its nominal
value. A sweep or Monte Carlo study evaluates the same design for many points at once: it
hands the engine a :class:`LedgerInputs` whose overridden values are numpy arrays of shape
``(n,)`` (one value per point, plain SI floats in the unit of the default or field name), and
the engine's vectorised arithmetic broadcasts them.

Override keys (the same in scenario ``[sweep]`` tables, Monte Carlo and the output columns):

- ``models.<module>.<key>``: a shared-model default, e.g. ``models.cost.hardware_usd_per_kg_mass_produced``;
- ``catalogue.<kind>.<entry>.<field>``: a numeric catalogue field, with mapping fields written
  ``peak_ops_per_s.fp16`` or ``payload_kg.LEO``, e.g. ``catalogue.launch_vehicles.Falcon9.price_usd``;
- ``assumptions.discount_rate``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sandbox.core.catalogue import KINDS

CATALOGUE_KINDS = KINDS


class EntryView:
    """A catalogue entry whose numeric fields may be overridden by arrays (one value per point)."""

    def __init__(self, entry: Any, overrides: Mapping[str, Any], read: set[str] | None = None, prefix: str = ""):
        self._entry = entry
        self._over = overrides
        self._read = read if read is not None else set()  # the override keys the engine has read
        self._prefix = prefix

    def _use(self, key: str) -> Any:
        self._read.add(self._prefix + key)
        return self._over[key]

    def __getattr__(self, name: str) -> Any:
        if name in self._over:
            return self._use(name)
        return getattr(self._entry, name)

    def ops(self, precision: str) -> Any:
        key = f"peak_ops_per_s.{precision}"
        return self._use(key) if key in self._over else self._entry.ops(precision)

    def payload(self, destination: str) -> Any:
        key = f"payload_kg.{destination}"
        return self._use(key) if key in self._over else self._entry.payload(destination)


@dataclass
class LedgerInputs:
    """Overrides of model defaults, catalogue fields and the discount rate for ``n`` points.

    ``models``: ``"<module>.<key>"`` → value or array; ``catalogue``: ``(kind, entry)`` →
    ``{field: value or array}``; ``discount_rate``: ``None`` for the scenario's value.
    """

    n: int = 1
    models: dict[str, Any] = field(default_factory=dict)
    catalogue: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    discount_rate: Any = None
    #: the override keys the engine has read so far (``catalogue.<kind>.<entry>.<field>``, ``models.<name>``)
    read: set[str] = field(default_factory=set)
    #: when a set: every catalogue entry the engine reads, as ``(kind, name)`` (a run's nominal ledger records
    #: them, so that a ``[catalogue]`` change nothing read is named in a warning)
    entries: set[tuple[str, str]] | None = None

    @classmethod
    def from_keys(cls, n: int, values: Mapping[str, Any]) -> LedgerInputs:
        """Build from override keys (``models.…``, ``catalogue.…``, ``assumptions.discount_rate``)."""
        inputs = cls(n=n)
        for key, value in values.items():
            kind, _, rest = key.partition(".")
            if kind == "models":
                inputs.models[rest] = value
            elif kind == "catalogue":
                parts = rest.split(".", 2)
                if len(parts) != 3 or parts[0] not in CATALOGUE_KINDS:
                    raise KeyError(f"{key}: expected catalogue.<kind>.<entry>.<field> with kind one of {', '.join(CATALOGUE_KINDS)}")
                inputs.catalogue.setdefault((parts[0], parts[1]), {})[parts[2]] = value
            elif key == "assumptions.discount_rate":
                inputs.discount_rate = value
            else:
                raise KeyError(f"{key}: not a ledger input (models.…, catalogue.… or assumptions.discount_rate)")
        return inputs

    def model(self, models: Any, name: str) -> Any:
        """Default ``name`` of the model set ``models``: the override, else the nominal float."""
        if name in self.models:
            self.read.add(f"models.{name}")
            return self.models[name]
        return models.value(name)

    def note(self, kind: str, name: str) -> None:
        """Record that the engine read entry ``name`` of catalogue ``kind`` (when :attr:`entries` is a set)."""
        if self.entries is not None:
            self.entries.add((kind, name))

    def entry(self, kind: str, entry: Any) -> Any:
        """``entry`` of catalogue ``kind``, wrapped when some of its fields are overridden."""
        self.note(kind, entry.name)
        over = self.catalogue.get((kind, entry.name))
        return EntryView(entry, over, self.read, f"catalogue.{kind}.{entry.name}.") if over else entry


NOMINAL = LedgerInputs()


def as_array(value: Any) -> np.ndarray:
    """``value`` as a float ndarray (0-d for a scalar)."""
    return np.asarray(value, dtype=float)
