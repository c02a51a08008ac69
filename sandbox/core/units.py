"""Units used at the edges: astropy plus compute (FLOP, OP) and money (USD).

Scenario files write quantities as strings (``"550 km"``, ``"1.2 MW"``, ``"100 PFLOP/s"``,
``"0.08 USD/kWh"``). :func:`parse_quantity` turns them into astropy Quantities; inside the
models everything is a plain SI float (FLOP/s, W, kg, m, s, USD).
"""

from __future__ import annotations

import functools
import math
import re

import astropy.units as u
import numpy as np

_NAMESPACE: dict[str, u.UnitBase] = {}
#: One floating-point operation (any precision); FLOP/s is the compute rate.
FLOP = u.def_unit(["FLOP", "flop"], doc="one floating-point operation", prefixes=True, namespace=_NAMESPACE)
#: One integer operation (e.g. int8 multiply-accumulate counted as 2 OP); OP/s for TOPS figures.
OP = u.def_unit(["OP", "op"], doc="one integer operation", prefixes=True, namespace=_NAMESPACE)
#: Convenience rate units: PFLOPS = PFLOP/s, TOPS = TOP/s.
FLOPS = u.def_unit(["FLOPS"], FLOP / u.s, prefixes=True, doc="FLOP per second", namespace=_NAMESPACE)
OPS = u.def_unit(["OPS"], OP / u.s, prefixes=True, doc="integer operations per second", namespace=_NAMESPACE)
#: United States dollar (nominal, no inflation adjustment unless a scenario says so).
USD = u.def_unit(["USD", "usd"], doc="US dollar", prefixes=True, namespace=_NAMESPACE)
#: Watt-hour with SI prefixes (kWh, MWh, TWh), as energy prices and battery figures are quoted.
Wh = u.def_unit(["Wh"], u.W * u.h, prefixes=True, doc="watt-hour", namespace=_NAMESPACE)

u.add_enabled_units(_NAMESPACE)
# the imperial units launch prices and orbits are often quoted in (USD/lb, miles, nautical miles, feet); not the
# whole imperial set, whose "ton" (2,000 lb) would silently stand for the metric tonne a file means by it
from astropy.units import imperial as _imperial  # noqa: E402 - after our own units, as one block

u.add_enabled_units([_imperial.lb, _imperial.mi, _imperial.nmi, _imperial.ft])

#: Physical types a parameter may declare, each with the SI (or model) unit used inside.
KINDS: dict[str, u.UnitBase] = {
    "length": u.m,
    "mass": u.kg,
    "time": u.s,
    "power": u.W,
    "energy": u.J,
    "speed": u.m / u.s,
    "angle": u.deg,
    "temperature": u.K,
    "area": u.m**2,
    "volume": u.m**3,
    "frequency": u.Hz,
    "data rate": u.bit / u.s,
    "compute": FLOPS,
    "integer compute": OPS,
    "money": USD,
    "price of energy": USD / (u.kW * u.h),
    "price of mass": USD / u.kg,
    "price of power": USD / u.W,
    "specific power": u.W / u.kg,
    "specific energy": u.W * u.h / u.kg,
    "areal density": u.kg / u.m**2,
    "dose rate": u.J / u.kg / u.yr,  # Gy/yr (astropy < 6 has no Gy)
    "areal mass (shielding)": u.g / u.cm**2,
}


class QuantityError(ValueError):
    """A string is not a quantity of the expected kind; the message says what was expected."""


#: Unit texts a default or parameter may declare for a dose: astropy reads "krad" as kilo-radians, so as a declared
#: unit these two name the rad of absorbed dose (1 rad = 0.01 Gy, NIST SP 811, 2008 ed., Table 10): 1 krad = 10 Gy.
#: (In a value such as "2 krad" the radian is read as the rad only where a dose is expected: :func:`parse_quantity`.)
DOSE_UNITS = {"krad": "10 Gy", "krad/yr": "10 Gy / yr"}


def unit_of(kind_or_unit: str) -> u.UnitBase:
    """The unit for a declared ``kind`` (a key of :data:`KINDS`) or a unit string (parsed once: units are immutable)."""
    if kind_or_unit in KINDS:
        return KINDS[kind_or_unit]
    return _unit(DOSE_UNITS.get(kind_or_unit, kind_or_unit))


@functools.lru_cache(maxsize=1024)
def _unit(text: str) -> u.UnitBase:
    return u.Unit(text)


#: A number at the start of a quantity string, as astropy reads one (decimal, exponent, nan, inf).
_NUMBER = re.compile(r"\s*[+-]?(?:\d+\.?\d*|\.\d+|nan|inf(?:inity)?)(?:e[+-]?\d+)?", re.IGNORECASE)
#: Characters that may not follow the number ("1.2.3 km", "5-3 km" are refused, as astropy refuses them).
_AFTER_NUMBER = (".", "+", "-")


def _parsed(text: str) -> u.Quantity:
    """``u.Quantity(text)``: the number, then the rest parsed as a unit (once per distinct unit
    string: astropy's unit grammar costs ≈ 0.3 ms a parse, and units are immutable)."""
    number = _NUMBER.match(text)
    if number is None or text[number.end():number.end() + 1] in _AFTER_NUMBER:
        raise TypeError(f"no number at the start of {text!r}")
    rest = text[number.end():].strip()
    return u.Quantity(float(number.group()), _unit(rest) if rest else u.dimensionless_unscaled)


@functools.lru_cache(maxsize=1024)
def _equivalent(unit: u.UnitBase, target: u.UnitBase) -> bool:
    return unit.is_equivalent(target)


@functools.lru_cache(maxsize=1024)
def _dimensionless(unit: u.UnitBase) -> bool:
    return unit == u.dimensionless_unscaled


@functools.lru_cache(maxsize=1024)
def _scale(unit: u.UnitBase, target: u.UnitBase) -> float:
    return float(unit.to(target))


def convert(q: u.Quantity, unit: u.UnitBase) -> u.Quantity:
    """``q.to(unit)`` for a scalar ``q`` whose unit is equivalent to ``unit``, with the scale cached per
    pair of units (the same product astropy forms: its converter multiplies the value by this scale)."""
    return u.Quantity(float(q.value) * _scale(q.unit, unit), unit)


def parse_quantity(text: object, unit: u.UnitBase, what: str = "") -> u.Quantity:
    """Parse ``text`` (e.g. ``"550 km"``) into a Quantity convertible to ``unit``.

    Bare numbers are refused when ``unit`` is not dimensionless: the scenario must say the
    unit. Raises :class:`QuantityError` with the expected physical type in the message.
    """
    if isinstance(text, bool):
        raise QuantityError(f"expected {what or _describe(unit)}, got {text!r}")
    if isinstance(text, (int, float)):
        if _dimensionless(unit):
            return u.Quantity(float(text))
        raise QuantityError(f"expected {what or _describe(unit)} with a unit, e.g. \"{_example(unit)}\", got a bare number {text!r}")
    if not isinstance(text, str):
        how = "" if _dimensionless(unit) else " as a string with a unit"
        raise QuantityError(f"expected {what or _describe(unit)}{how}, got {type(text).__name__} {text!r}")
    if "(Si)" in text and _names_gray(unit):  # "2 krad(Si)": the dose in silicon, as datasheets and the catalogue write it
        text = text.replace("(Si)", "", 1)
    try:
        q = _parsed(text)  # a fresh Quantity: callers may change theirs
    except (TypeError, ValueError):
        raise QuantityError(f"expected {what or _describe(unit)}, got {text!r} (not a number followed by a unit)") from None
    if _dimensionless(q.unit) and not _dimensionless(unit):
        raise QuantityError(f"expected {what or _describe(unit)} with a unit, e.g. \"{_example(unit)}\", got {text!r}")
    if not _equivalent(q.unit, unit):
        dose = _rad_as_dose(q.unit, unit)
        if dose is None:
            celsius = (f" (write it in kelvin: {q.to_value(u.K, equivalencies=u.temperature()):.6g} K)"
                       if q.unit in (u.deg_C, _imperial.deg_F) and _equivalent(u.K, unit) else "")
            raise QuantityError(f"expected {what or _describe(unit)}, got {text!r}{celsius}")
        q = u.Quantity(q.value, dose)
    return q


#: The rad of absorbed dose, 0.01 Gy (NIST SP 811, 2008 ed., Table 10). astropy reads "rad" as the radian,
#: so "2 krad" parses as an angle: where a dose is expected, the radian in a unit is read as this rad.
_RAD_DOSE = u.Unit(0.01 * u.J / u.kg)


@functools.lru_cache(maxsize=256)
def _names_gray(unit: u.UnitBase) -> bool:
    gray = getattr(u, "Gy", None)
    return gray is not None and any(base == gray for base in getattr(unit, "bases", [unit]))


@functools.lru_cache(maxsize=256)
def _rad_as_dose(given: u.UnitBase, unit: u.UnitBase) -> u.UnitBase | None:
    """``given`` with its radian read as the rad of dose (``krad`` → 10 Gy, ``krad/yr`` → 10 Gy/yr) when ``unit``
    is a dose or a dose rate in grays and that reading matches it; None otherwise."""
    if not _names_gray(unit):
        return None
    angles = [b for b in getattr(given, "bases", [given]) if b.physical_type == "angle"]
    if not angles or not all(b.name.endswith("rad") for b in angles):  # "2 deg" or "2 arcmin" is an angle, never a dose
        return None
    dose = given / u.rad * _RAD_DOSE
    if dose.is_equivalent(unit) and not dose.is_equivalent(u.dimensionless_unscaled):
        return dose
    return None


@functools.lru_cache(maxsize=256)
def _describe(unit: u.UnitBase) -> str:
    if _names_gray(unit):  # a dose and a specific energy share their dimension (J/kg): say which
        rate = not unit.is_equivalent(u.J / u.kg)
        return f"a radiation dose{' rate' if rate else ''} (e.g. \"2 krad{'/yr' if rate else ''}\" or \"20 Gy{'/yr' if rate else ''}\")"
    for name, ref in KINDS.items():
        if ref == unit or (ref.is_equivalent(unit) and name not in ("compute", "integer compute")):
            return "an amount of money (USD)" if name == "money" else f"{'an' if name[0] in 'aeiou' else 'a'} {name}"
    return f"a quantity in {unit}" if unit.to_string() else "a plain number"


def _example(unit: u.UnitBase) -> str:
    return f"1 {unit.to_string()}"


def value_in(q: u.Quantity, unit: u.UnitBase) -> float:
    """``float(q.to_value(unit))``; a value beyond the float range comes out as inf without numpy's overflow warning
    (the callers refuse a value that is not finite with one line naming the key)."""
    with np.errstate(over="ignore"):
        return float(q.to_value(unit))


def finite_nonnegative(value: float) -> bool:
    """True for a finite value >= 0 (NaN and ±inf are refused)."""
    return math.isfinite(value) and value >= 0


_MODEL_UNITS = [FLOPS, OPS, USD, USD / u.J, USD / u.kg, USD / u.W, u.bit / u.s, u.bit]


def to_si(q: u.Quantity) -> float:
    """``q`` as a plain float in the units the models use (SI: m, kg, s, W, J, rad; FLOP/s, OP/s, USD, bit, bit/s)."""
    return float(q.value) * _si_factor(q.unit)


@functools.lru_cache(maxsize=512)
def _si_factor(unit: u.UnitBase) -> float:
    """The factor from ``unit`` to the model unit of its physical type (cached: unit algebra is slow)."""
    if unit == u.dimensionless_unscaled or unit.physical_type == "dimensionless":
        return float(unit.to(u.dimensionless_unscaled))
    for target in _MODEL_UNITS:
        if unit.is_equivalent(target):
            return float(unit.to(target))
    return float(unit.decompose().scale)  # the scale to SI base units; Quantity.si would also compose (~2 ms)
