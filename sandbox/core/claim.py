"""A published claim written into a scenario: the ``[claim]`` table.

A claims file (``scenarios/claims/``) states a published position's own inputs as overrides
(``[models]``, ``[catalogue]``, architecture parameters) and its headline figures here::

    [claim]
    title = "Starcloud white paper: a 40 MW data centre in orbit for $8.2M over ten years"
    source = "Starcloud Inc., 'Why we should train AI in space', white paper (2024)"
    quote = "…"
    notes = ["$5M per 100 t is $50/kg, not the ≈$30/kg the paper states (1.67×)"]
    bridge_from = "../default.toml"   # the scenario docs/validation.md bridges from (optional; "none": no bridge)

    [[claim.figures]]
    architecture = "leo"
    metric = "capex.launch"
    claimed = "5 MUSD"          # a quantity (any unit convertible to the metric's), or a number in its display unit
    low = "4 MUSD"              # the claim's own band (optional; without one, ±10 % of the figure)
    high = "6 MUSD"
    what = "one Starship launch"

A figure (``claimed``, ``low``, ``high``) is finite and >= 0: every metric the ledger reports is a cost, a mass,
a power, a time, a rate, a count or a ratio, none of which is negative.

``sandbox run`` prints the project's figure next to each claimed one (:mod:`sandbox.studies.claims`).
This module checks the table's form only; whether the metric exists is known once the run is done.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from typing import Any

import astropy.units as u
import numpy as np

import sandbox.core.units  # noqa: F401 - registers USD, FLOP and friends with astropy

#: Band around a claimed figure that states none (fraction either side).
DEFAULT_BAND = 0.10

#: The keys of [claim] and of each [[claim.figures]] table (sandbox schema describes each one).
CLAIM_KEYS = {"title", "source", "quote", "notes", "figures", "url", "date", "bridge_from"}
FIGURE_KEYS = {"architecture", "metric", "claimed", "low", "high", "what"}


@dataclass(frozen=True)
class ClaimedFigure:
    """One headline figure: ``claimed`` (and the band ``low``–``high``) as written: a number or a quantity string."""

    architecture: str
    metric: str
    claimed: Any
    low: Any = None
    high: Any = None
    what: str = ""


@dataclass(frozen=True)
class Claim:
    """A published claim: its title, citation, quoted words, notes on its inputs, and its figures."""

    title: str
    source: str
    quote: str = ""
    url: str = ""
    date: str = ""
    notes: tuple[str, ...] = ()
    figures: tuple[ClaimedFigure, ...] = field(default_factory=tuple)
    bridge_from: str = ""  # the scenario the validation page bridges from (relative to the file; default ../default.toml)


def parse_claim(table: Any, instances: set[str] | None, bad: Any) -> Claim | None:
    """Check a ``[claim]`` table; report problems through ``bad(key, message)``.

    ``instances`` are the architectures a figure may name; None skips that check (the scenario's
    ``[architectures]`` table is itself invalid and already reported).
    """
    if not isinstance(table, dict):
        bad("claim", f"expected a table [claim], got {table!r}")
        return None
    for key in table:
        if key not in CLAIM_KEYS:
            bad(f"claim.{key}", f"unknown key; expected one of {', '.join(sorted(CLAIM_KEYS))}")
    texts = {}
    for key in ("title", "source", "quote", "url", "date", "bridge_from"):
        value = table.get(key, "")
        if key == "date" and isinstance(value, datetime.date):  # a TOML date (2026-04-29), as a file would write it
            value = value.isoformat()
        if not isinstance(value, str) or (key in ("title", "source") and not value.strip()):
            bad(f"claim.{key}", f"expected {'a non-empty' if key in ('title', 'source') else 'a'} string, got {value!r}")
            value = ""
        texts[key] = value
    notes = table.get("notes", [])
    if not isinstance(notes, list) or not all(isinstance(n, str) for n in notes):
        bad("claim.notes", f"expected a list of strings, got {notes!r}")
        notes = []
    figures = []
    raw_figures = table.get("figures", [])
    if not isinstance(raw_figures, list) or not raw_figures:
        bad("claim.figures", "expected at least one [[claim.figures]] table (architecture, metric, claimed)")
        raw_figures = []
    for i, fig in enumerate(raw_figures):
        where = f"claim.figures[{i}]"
        if not isinstance(fig, dict):
            bad(where, f"expected a table, got {fig!r}")
            continue
        unknown = set(fig) - FIGURE_KEYS
        if unknown:
            bad(f"{where}.{sorted(unknown)[0]}", f"unknown key; expected one of {', '.join(sorted(FIGURE_KEYS))}")
            continue
        arch, metric = fig.get("architecture"), fig.get("metric")
        if not isinstance(arch, str) or (instances is not None and arch not in instances):
            known = f" ({', '.join(sorted(instances))})" if instances is not None else ""
            bad(f"{where}.architecture", f"expected one of the scenario's architectures{known}, got {arch!r}")
            continue
        if not isinstance(metric, str) or not metric:
            bad(f"{where}.metric", f"expected a metric name such as 'cost.per_pflop_day', got {metric!r}")
            continue
        values = {}
        for key in ("claimed", "low", "high"):
            value = fig.get(key)
            if value is None and key != "claimed":
                continue
            if not _number_or_quantity(value):
                bad(f"{where}.{key}", f"expected a finite number (in the metric's display unit) or a quantity string, "
                                      f"got {value!r}")
                break
            if _magnitude(value) < 0:
                bad(f"{where}.{key}", f"expected a figure >= 0 (every metric the ledger reports, a cost, a mass, a power, "
                                      f"a time, a rate, a count or a ratio, is >= 0), got {value!r}")
                break
            values[key] = value
        else:
            if ("low" in values) != ("high" in values):
                bad(where, "give both low and high, or neither")
                continue
            if "low" in values and not _ordered(values["low"], values["claimed"], values["high"]):
                bad(where, f"expected low <= claimed <= high, got {values['low']!r}, {values['claimed']!r}, "
                           f"{values['high']!r}")
                continue
            what = fig.get("what", "")
            if not isinstance(what, str):
                bad(f"{where}.what", f"expected a string, got {what!r}")
                continue
            figures.append(ClaimedFigure(arch, metric, values["claimed"], values.get("low"), values.get("high"), what))
    return Claim(texts["title"], texts["source"], texts["quote"], texts["url"], texts["date"], tuple(notes), tuple(figures),
                 texts["bridge_from"])


def _ordered(*values: Any) -> bool:
    """False when ``values`` (numbers, or quantity strings in one unit family) are comparable and not ascending."""
    try:
        qs = [u.Quantity(v.strip()) if isinstance(v, str) else u.Quantity(float(v)) for v in values]
        numbers = [float(q.to_value(qs[0].unit)) for q in qs]
    except (TypeError, ValueError, u.UnitsError):
        return True  # a mix of units is reported when the figure is compared (in the metric's unit)
    return numbers == sorted(numbers)


def _magnitude(value: Any) -> float:
    """The number of a figure as written (a number, or a quantity string's value in its own unit)."""
    return float(u.Quantity(value.strip()).value) if isinstance(value, str) else float(value)


def _number_or_quantity(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return math.isfinite(value)
    if not isinstance(value, str):
        return False
    try:
        q = u.Quantity(value.strip())
    except (TypeError, ValueError):
        return False
    return bool(np.isfinite(q.value))
