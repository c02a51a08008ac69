"""Quantity ↔ SI conversions shared by the trajectory modules (plain floats/arrays inside)."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from astropy.units import Quantity


@functools.lru_cache(maxsize=64)
def unit(name: str) -> Any:
    """The astropy unit ``name`` (``"km/s"``), parsed once: astropy parses a unit string at every
    ``to_value("km/s")``, ≈ 0.3 ms each."""
    from astropy import units as u

    return u.Unit(name)


def value(x: Any, unit_name: str) -> Any:
    """Quantity → float/ndarray in ``unit_name`` (a bare number is rejected unless it is dimensionless)."""
    from astropy import units as u

    v = u.Quantity(x).to_value(unit(unit_name))
    return float(v) if np.ndim(v) == 0 else v


def si(x: Any, unit_name: str) -> np.ndarray:
    """Quantity → ndarray in ``unit_name``; plain numbers are taken to be in that unit already."""
    if hasattr(x, "unit"):
        return np.asarray(x.to_value(unit(unit_name)), dtype=float)
    return np.asarray(x, dtype=float)


def altitude_m(altitude: Any) -> Any:
    return 0.0 if altitude is None else value(altitude, "m")


def q(value: Any, unit_name: str) -> Quantity:
    from astropy import units as u

    return u.Quantity(value, unit(unit_name))

