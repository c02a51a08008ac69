"""Architecture parameters: declared schema, defaults with sources, and value checking.

A plugin declares each parameter of its architecture as a :class:`Param`. Scenario files
override them; :func:`check_value` converts an override (``"550 km"``) into the declared
unit and refuses wrong units, bare numbers where a unit is required, NaN, infinities and
values outside the declared bounds. The messages never name the file or key: the scenario
loader adds those.
"""

from __future__ import annotations

import datetime
import math
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import astropy.units as u

from sandbox.core.modelset import MODULES
from sandbox.core.sourced import Sourced
from sandbox.core.units import QuantityError, convert, parse_quantity, unit_of

KINDS = ("quantity", "number", "integer", "string", "boolean", "list")


#: ``Param.precision`` values: the precision at which a design counts a chip parameter's peak.
PRECISION_RULES = ("workload", "workload-or-bf16")


def chip_precision_problem(chip: Any, want: str, rule: str) -> str | None:
    """Why ``chip`` (a catalogue chip) cannot run a ``want``-precision workload under ``rule`` (a
    :data:`PRECISION_RULES` value), as one line; ``None`` when it can."""
    have = chip.peak_ops_per_s
    if not rule or want in have or (rule == "workload-or-bf16" and want == "fp16" and "bf16" in have):
        return None
    return (f"chip {chip.name!r} has no {want!r} figure (has: {', '.join(sorted(have))}), and the design counts "
            f"its peak at the workload's precision: choose a chip with it, or set workload.precision to one of these")


#: Bits of each precision's number format (tf32: a 32-bit word with 19 significant bits), to rank stand-ins.
_BITS = {"fp64": 64, "fp32": 32, "tf32": 19, "bf16": 16, "fp16": 16, "fp8": 8, "int8": 8}


def nearest_precision(have: Iterable[str], want: str) -> str:
    """The precision among ``have`` (a chip's figures) that stands in for ``want``: ``want`` itself; else, of
    the same family (float or integer: a float workload is not counted in integer operations while the chip
    quotes a float figure), the narrowest format at least as wide (an fp8 workload at fp16), else the widest
    narrower one (an fp64 workload at fp32); a chip with no figure of that family gives its own
    (an int8 workload on a RAD750 at its fp64 figure). Raises ``ValueError`` when ``have`` is empty."""
    have = list(have)
    if not have:
        raise ValueError("the chip quotes no peak figure")
    if want in have:
        return want
    family = [p for p in have if p.startswith("int") == want.startswith("int")] or have
    order = {p: i for i, p in enumerate(_BITS)}  # fp16 before bf16 at the same width: the later listed

    def bits(p: str) -> int:
        return _BITS.get(p, 0)

    wider = [p for p in family if bits(p) >= bits(want)]
    if wider:
        return min(wider, key=lambda p: (bits(p), -order.get(p, 0)))
    return max(family, key=lambda p: (bits(p), order.get(p, 0)))


def counted_precision(chip: Any, want: str, rule: str = "workload-or-bf16") -> tuple[str, str | None]:
    """``(precision, note)``: the precision at which a design counts ``chip``'s peak for a ``want``-precision
    workload under ``rule`` (a :data:`PRECISION_RULES` value), and the note a design adds when that is not
    ``want`` (None when it is). Under ``"workload-or-bf16"`` a 16-bit (fp16) workload runs at bf16 on a chip
    that quotes bf16 only, as TPUs do: both are 16-bit formats run on the same matrix units at the same dense
    peak on the chips that quote both (NVIDIA H100 and B200 datasheets). Raises ``ValueError`` with
    :func:`chip_precision_problem`'s line when the chip cannot run the workload, as validation refuses it
    (a study may reach values validation never saw)."""
    if problem := chip_precision_problem(chip, want, rule):
        raise ValueError(problem)
    if want in chip.peak_ops_per_s or rule != "workload-or-bf16":
        return want, None
    return "bf16", (f"{chip.name} quotes no {want} peak: the 16-bit workload runs in bf16, counted at the chip's bf16 "
                    "peak (on chips that quote both, such as the H100 and B200, the two are equal)")


@dataclass(frozen=True)
class Param:
    """One architecture parameter.

    ``default`` is written as a scenario would write it (``"550 km"`` for a quantity, a number,
    a string...). For quantities ``unit`` is the unit the design function receives (any unit
    string astropy parses, e.g. ``"km"``, ``"W"``, ``"USD/kWh"``); the scenario may use any
    equivalent unit. ``low``/``high`` give the plausible range of an uncertain default (same form
    as ``default``), ``minimum``/``maximum`` the hard validity bounds in ``unit`` (``minimum`` is
    inclusive unless ``exclusive_minimum``). ``choices`` restricts strings; ``catalogue`` (``"chips"``,
    ``"launch_vehicles"``, ``"power_sources"``, ``"ground_stations"``) makes a string name an entry
    of that catalogue, checked when a scenario is validated; ``kinds`` restricts a
    ``"power_sources"`` parameter to entries of those kinds (e.g. ``("grid",)``; see
    :attr:`sandbox.core.catalogue.PowerSource.KINDS`). ``source`` is the
    public reference of the default; it is required for numeric defaults. A bad default
    (wrong unit, out of bounds, a kind that does not exist) raises ``ValueError`` naming the
    parameter when the plugin builds the ``Param``. ``model_default`` names the shared-model
    default this parameter's default is (``"thermal.radiator_temperature_k"``; set by
    :func:`from_sourced`): a scenario's ``[models]`` override of that default moves this parameter
    too, unless the scenario sets the parameter itself. ``workload_defaults`` maps a workload kind to
    the shared-model default this parameter's default is for that kind instead
    (``(("training", "compute.utilisation_training"),)``: pre-training runs at a higher model FLOP
    utilisation than serving); the scenario's value of that default is used, unless the scenario sets
    the parameter itself. ``precision`` (a ``"chips"`` parameter only) says at which precision the
    design counts the chip's peak: ``"workload"`` (the workload's: validation refuses a chip that has
    no figure at it, naming the file and key) or ``"workload-or-bf16"`` (as ``"workload"``, but a
    16-bit workload may run at bf16 on a chip that quotes only bf16, as TPUs do); ``""`` leaves it to
    the design (one that falls back to another precision, with a note).
    """

    name: str
    default: Any
    description: str
    unit: str = ""
    source: str = ""
    low: Any = None
    high: Any = None
    minimum: float | None = 0.0
    maximum: float | None = None
    exclusive_minimum: bool = False
    choices: tuple[str, ...] = ()
    kind: str = ""
    catalogue: str = ""
    kinds: tuple[str, ...] = ()
    model_default: str = ""
    workload_defaults: tuple[tuple[str, str], ...] = ()
    precision: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not _NAME.fullmatch(self.name):
            raise ValueError(f"parameter {self.name!r}: a name is letters, digits and '_' (it is an attribute of the "
                             "design's params and a key of the scenario)")
        inferred = not self.kind
        if not self.kind:
            object.__setattr__(self, "kind", _infer_kind(self))
        if self.kind not in KINDS:
            raise ValueError(f"parameter {self.name!r}: kind must be one of {KINDS}, got {self.kind!r}")
        if inferred and self.kind == "string" and not (self.catalogue or self.choices) and _LOOKS_LIKE_QUANTITY.match(
                str(self.default)):
            raise ValueError(f"parameter {self.name!r}: default {self.default!r} is a quantity: give its unit= (the unit "
                             "the design receives), or kind='string' if it is text")
        if self.catalogue:
            from sandbox.core.catalogue import KINDS as CATALOGUE_KINDS

            if self.catalogue not in CATALOGUE_KINDS:
                import difflib

                close = difflib.get_close_matches(str(self.catalogue), CATALOGUE_KINDS, n=1)
                raise ValueError(f"parameter {self.name!r}: no catalogue {self.catalogue!r}" + (
                    f"; did you mean {close[0]!r}?" if close else f" (catalogues: {', '.join(CATALOGUE_KINDS)})"))
        if self.precision and (self.precision not in PRECISION_RULES or self.catalogue != "chips"):
            raise ValueError(f"parameter {self.name!r}: precision={self.precision!r}: expected one of "
                             f"{', '.join(repr(r) for r in PRECISION_RULES)}, on a catalogue='chips' parameter")
        if self.kind in ("quantity", "number", "integer") and not self.source:
            raise ValueError(f"parameter {self.name!r}: a numeric default needs a source")
        if self.kinds:
            _check_kinds(self)
        checked = {}
        for label, value in (("default", self.default), ("low", self.low), ("high", self.high)):
            if value is None and label != "default":
                continue
            try:
                checked[label] = check_value(self, value)  # the default and the range must be valid values themselves
            except ValueError as exc:
                raise ValueError(f"parameter {self.name!r}: {label} {value!r}: {exc}") from None
        if (self.low is None) != (self.high is None):  # a half range would be dropped: the parameter read as certain
            given, missing = ("low", "high") if self.high is None else ("high", "low")
            raise ValueError(f"parameter {self.name!r}: {given} {getattr(self, given)!r} is given without {missing}: "
                             "give both ends of the range studies draw within, or neither (a certain value)")
        if len(checked) == 3 and self.kind in ("quantity", "number", "integer"):
            low, default, high = (float(checked[k].to_value(self.si_unit)) if self.kind == "quantity" else float(checked[k])
                                  for k in ("low", "default", "high"))
            if not low <= default <= high:  # the range is what studies draw around the default
                raise ValueError(f"parameter {self.name!r}: expected low <= default <= high, got {self.low!r}, "
                                 f"{self.default!r}, {self.high!r}")

    @property
    def si_unit(self) -> u.UnitBase:
        """The astropy unit values are delivered in (dimensionless for numbers)."""
        return unit_of(self.unit) if self.unit else u.dimensionless_unscaled


#: A parameter's name: an attribute of the design's params (``p.altitude``) and a key of the scenario.
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: A string default that is a number and a unit ("20 km"): a quantity whose ``unit=`` was forgotten.
_LOOKS_LIKE_QUANTITY = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*[A-Za-z]")


def _check_kinds(p: Param) -> None:
    """``kinds`` needs a catalogue whose entries have kinds (power sources) and real kind names."""
    import difflib

    from sandbox.core.catalogue import ENTRY_KINDS

    if isinstance(p.kinds, str) or not isinstance(p.kinds, tuple):
        raise ValueError(f"parameter {p.name!r}: kinds must be a tuple of strings, e.g. ('grid',), got {p.kinds!r}")
    known = ENTRY_KINDS.get(p.catalogue)
    if known is None:
        have = ", ".join(repr(c) for c in ENTRY_KINDS)
        raise ValueError(f"parameter {p.name!r}: kinds= needs catalogue= set to a catalogue whose entries have a "
                         f"kind ({have}), got catalogue={p.catalogue!r}")
    for k in p.kinds:
        if k not in known:
            close = difflib.get_close_matches(str(k), known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ValueError(f"parameter {p.name!r}: no {p.catalogue} kind {k!r}{hint} (kinds: {', '.join(known)})")


def from_sourced(name: str, default: Sourced, description: str, **kwargs: Any) -> Param:
    """A :class:`Param` whose default, range and source come from a shared-model :class:`Sourced`.

    Dimensionless defaults become numbers; others become quantity strings in the Sourced unit. When
    ``default`` is one of the shared model's defaults, the parameter records its name
    (:attr:`Param.model_default`), so a scenario's ``[models]`` override reaches it. Any :class:`Param` field
    given in ``kwargs`` replaces the one taken from ``default`` (e.g. ``low=``/``high=`` to narrow the range).
    """
    fields: dict[str, Any] = {"model_default": model_default_name(default), "source": default.source}
    if default.unit in ("", "1"):
        fields.update(low=default.low, high=default.high)
        value: Any = float(default.nominal)
    else:
        fields.update(unit=default.unit, low=sourced_text(default.low, default.unit),
                      high=sourced_text(default.high, default.unit))
        value = sourced_text(default.nominal, default.unit)
    fields.update(kwargs)  # any field the caller gives wins: a narrower low/high, another source
    return Param(name, value, description, **fields)


def sourced_text(value: float | None, unit: str) -> Any:
    """``value`` in ``unit`` as a scenario would write it (full precision); a plain float when dimensionless."""
    if value is None:
        return None
    return float(value) if unit in ("", "1") else f"{float(value)!r} {unit}"


def model_default_name(default: Sourced) -> str:
    """The ``"<module>.<key>"`` name of ``default`` among the shared model's defaults, or ``""``."""
    for module_name in MODULES:
        module = sys.modules.get(f"sandbox.models.{module_name}")
        for key, value in getattr(module, "DEFAULTS", {}).items():
            if value is default:
                return f"{module_name}.{key}"
    return ""


def _infer_kind(p: Param) -> str:
    if p.unit:
        return "quantity"
    d = p.default
    if isinstance(d, bool):
        return "boolean"
    if isinstance(d, int):
        return "integer"
    if isinstance(d, float):
        return "number"
    if isinstance(d, (list, tuple)):
        return "list"
    return "string"


def check_value(param: Param, value: Any) -> Any:
    """Convert ``value`` for ``param``: a Quantity in ``param.unit``, a number, a string...

    Raises ``ValueError`` with a one-line message saying what was expected.
    """
    kind = param.kind
    if kind == "quantity":
        try:
            q = parse_quantity(value, param.si_unit)
        except QuantityError as exc:
            raise ValueError(str(exc)) from None
        q = convert(q, param.si_unit)
        _check_number(param, float(q.value), value)
        return q
    if kind in ("number", "integer"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"expected a {'whole ' if kind == 'integer' else ''}number, got {value!r}")
        if kind == "integer" and (isinstance(value, float) and not value.is_integer()):
            raise ValueError(f"expected a whole number, got {value!r}")
        _check_number(param, float(value), value)
        return int(value) if kind == "integer" else float(value)
    if kind == "boolean":
        if not isinstance(value, bool):
            raise ValueError(f"expected true or false, got {value!r}")
        return value
    if kind == "list":
        if not isinstance(value, (list, tuple)):
            raise ValueError(f"expected a list, got {value!r}")
        return list(value)
    if not isinstance(value, str):
        if isinstance(value, datetime.date | datetime.time):  # TOML's own date, datetime and time values
            raise ValueError(f"expected a string: write the date as one, e.g. \"{value.isoformat()}\" (quoted), "
                             f"got the TOML date {value.isoformat()}")
        raise ValueError(f"expected a string, got {value!r}")
    if param.choices and value not in param.choices:
        import difflib

        close = difflib.get_close_matches(value, param.choices, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(f"expected one of {', '.join(repr(c) for c in param.choices)}, got {value!r}{hint}")
    return value


def _check_number(param: Param, x: float, shown: Any) -> None:
    unit = f" {param.unit}" if param.unit else ""
    if math.isnan(x):
        raise ValueError(f"expected a number, got NaN ({shown!r})")
    if math.isinf(x):
        raise ValueError(f"expected a finite value, got {shown!r}")
    if param.minimum is not None:
        if param.exclusive_minimum and x <= param.minimum:
            raise ValueError(f"expected a value > {param.minimum:g}{unit}, got {shown!r}")
        if x < param.minimum:
            raise ValueError(f"expected a value >= {param.minimum:g}{unit}, got {shown!r}")
    if param.maximum is not None and x > param.maximum:
        raise ValueError(f"expected a value <= {param.maximum:g}{unit}, got {shown!r}")


@dataclass
class Params:
    """The checked parameter values handed to an architecture's design function.

    Access by attribute or item: ``p.altitude`` is a Quantity in the declared unit; ``p.si("altitude")``
    is the plain SI float. ``overridden`` names the parameters the scenario set; ``origins`` the ones a
    scenario's ``[models]`` table moved (with where it did).
    """

    values: dict[str, Any]
    overridden: frozenset[str] = field(default_factory=frozenset)
    origins: dict[str, str] = field(default_factory=dict)  # parameter → where a [models] override set it

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # copy, pickle and friends probe for these: plain AttributeError
            raise AttributeError(name)
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(self._unknown(name)) from None

    def __getitem__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise KeyError(self._unknown(name)) from None

    def _unknown(self, name: str) -> str:
        import difflib

        close = difflib.get_close_matches(name, list(self.values), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f"; declared: {', '.join(self.values) or 'none'}"
        return f"no parameter {name!r} in this architecture's schema{hint}"

    def si(self, name: str) -> float:
        """The value as a plain SI float (m, kg, s, W, J, USD, FLOP/s...)."""
        v = self[name]
        if isinstance(v, u.Quantity):
            from sandbox.core.units import to_si

            return to_si(v)
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise TypeError(f"parameter {name!r} is {type(v).__name__} {v!r}, not a number: p.si() takes a quantity or "
                            f"number parameter (read a text parameter as p.{name})")
        return float(v)
