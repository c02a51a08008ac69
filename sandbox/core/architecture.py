"""An architecture's registration record and the context its design function receives."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sandbox.core.catalogue import Catalogues
from sandbox.core.design import Design, Element
from sandbox.core.params import Param, Params


@dataclass(frozen=True)
class ArchitectureSpec:
    """What a plugin registers for one architecture.

    ``name``: the ``type`` scenarios use (lowercase, no spaces). ``params``: the schema,
    each :class:`Param` with default, unit and source. ``design(params, context)`` returns a
    :class:`~sandbox.core.design.Design` describing what is built and where; it must not compute
    costs or totals itself (the engine does, the same way for every architecture).
    ``baseline=True`` marks the architecture every comparison is shown relative to (the ground
    data center); a scenario without one gets it added with its defaults.
    ``check(params)``, optional, states the rules between parameters that one parameter's bounds
    cannot (a site that rules out a power option): it returns ``(parameter, message)`` pairs, which
    validation reports as ``<file>: architectures.<instance>.<parameter>: <message>`` (exit status
    2) before anything runs. The design function should refuse the same values too (a study may
    reach them), best by calling the same function.
    """

    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    design: Callable[[Params, Context], Design]
    baseline: bool = False
    check: Callable[[Params], list[tuple[str, str]]] | None = None

    def __post_init__(self) -> None:
        if not self.name or not self.name.replace("_", "").replace("-", "").isalnum() or self.name.lower() != self.name:
            raise ValueError(f"architecture name must be lowercase letters, digits, '-' or '_', got {self.name!r}")
        names = [p.name for p in self.params]
        dupes = {n for n in names if names.count(n) > 1}
        if dupes:
            raise ValueError(f"architecture {self.name!r}: duplicate parameters {sorted(dupes)}")

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)


#: What a workload's compute serves (``Workload.kind``; a parameter's ``workload_defaults`` are keyed on it).
WORKLOAD_KINDS = ("inference", "training")


@dataclass(frozen=True)
class Workload:
    """What the user wants: ``kind`` (``"inference"`` or ``"training"``), ``sustained_flops``
    (FLOP/s delivered), ``precision``, ``latency_target_s`` (s), ``users`` (list of
    ``{"name", "lat_deg", "lon_deg"}``)."""

    kind: str
    sustained_flops: float
    precision: str
    latency_target_s: float
    users: tuple[dict, ...] = ()


@dataclass(frozen=True)
class Assumptions:
    """Shared assumptions: ``start_year``, ``discount_rate`` (fraction per year),
    ``reference_chip`` (catalogue name for $/GPU-hour equivalents)."""

    start_year: int
    discount_rate: float
    reference_chip: str


@dataclass
class Context:
    """What a design function may use besides its parameters.

    ``catalogues``: all registered entries; ``models``: the shared-model components by dotted
    name (call the same functions the engine uses); ``workload`` and ``assumptions`` from the
    scenario; ``rng``: a numpy Generator seeded from the scenario seed and the architecture
    name (same scenario and seed → same numbers); ``instance``: the architecture's name in the
    scenario.

    The engine's own sizing chain is available through :meth:`delivered_ops` and
    :meth:`units_for_workload`: a design that must know how many units (or chips) the workload
    needs before it can build the rest (a constellation's geometry, a cable's current) asks the
    engine instead of recomputing dose, life, survival and derating itself.
    """

    catalogues: Catalogues
    models: Any
    workload: Workload
    assumptions: Assumptions
    rng: np.random.Generator
    instance: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    sizer: Any = field(default=None, repr=False)  # set by the engine: sandbox.ledger.sizing.Sizer

    def delivered_ops(self, element: Element) -> float:
        """Delivered operations per second (FLOP/s, OP/s for int8) of ``element`` as the engine
        evaluates it: peak × chips × utilisation × derating × survival over its dose-limited life."""
        if self.sizer is None:
            raise RuntimeError("delivered_ops needs the engine's context (call designs through the engine)")
        return self.sizer.delivered_ops(element)

    def units_for_workload(self, element: Element, per: str = "unit") -> int:
        """How many units (``per="unit"``: ``element.count``) or chips per unit (``per="chip"``:
        ``element.chips_per_unit``, one unit) deliver the scenario's sustained compute, ≥ 1."""
        if self.sizer is None:
            raise RuntimeError("units_for_workload needs the engine's context (call designs through the engine)")
        return self.sizer.units_for_workload(element, per)
