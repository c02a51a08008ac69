"""The engine's sizing for design functions: how many units (or chips) deliver the workload.

A design that must know its size before it can build the rest (a constellation's geometry,
a cable's current) calls ``context.units_for_workload(element)``; the engine answers with its
own compute chain (:func:`sandbox.ledger.element.compute_chain`: dose → total-dose life →
survival or availability → derating → delivered compute) at the nominal ledger, so no plugin
computes that chain itself.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from sandbox.core.design import Element
from sandbox.ledger.element import DEFAULT_CHIPS_PER_JOB, EvaluationError, compute_chain


class Sizer:
    """Sizing questions of one design call, answered with the registry's models at nominal values."""

    def __init__(self, registry: Any, sustained_ops_per_s: float):
        self.registry = registry
        self.target = float(sustained_ops_per_s)

    def delivered_ops(self, element: Element) -> float:
        """Delivered OP/s of ``element`` (all its units)."""
        return float(compute_chain(element, self.registry)["delivered_per_unit"]) * float(element.count)

    def units_for_workload(self, element: Element, per: str = "unit") -> int:
        """Units (``per="unit"``) or chips per unit over ``element.count`` units (``per="chip"``) for the workload."""
        if per == "unit":
            each = float(compute_chain(element, self.registry)["delivered_per_unit"])
            what = "one unit"
        elif per == "chip":
            # one chip's share of the unit's compute, in jobs as large as the sized unit will run them (a single
            # event stops a whole job: an 8-chip job loses 8 times what a 1-chip job does); the job size depends on
            # the answer, so the answer is sought until it stands
            n = max(1, math.ceil(float(element.chips_per_unit or 1.0)))
            for _ in range(8):
                job = element.chips_per_job if element.chips_per_job > 0 else min(n, DEFAULT_CHIPS_PER_JOB)
                one = dataclasses.replace(element, chips_per_unit=1.0, chips_per_job=float(job))
                each = float(compute_chain(one, self.registry)["delivered_per_unit"]) * float(element.count)
                if not (each > 0 and math.isfinite(each)):
                    break
                found = max(1, math.ceil(self.target / each - 1e-9))
                if found == n:
                    break
                n = found
            what = f"one chip in each of {element.count:g} units"
        else:
            raise ValueError(f"per must be 'unit' or 'chip', got {per!r}")
        if not (each > 0 and math.isfinite(each)):
            raise EvaluationError(f"element {element.name!r}: {what} delivers no compute; cannot size it to the workload")
        return max(1, math.ceil(self.target / each - 1e-9))
