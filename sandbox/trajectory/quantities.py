"""Quantity ↔ SI conversions shared by the trajectory modules (plain floats/arrays inside)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from astropy.units import Quantity

def value(x: Any, unit: str) -> Any:
    """Quantity → float/ndarray in ``unit`` (a bare number is rejected unless ``unit`` is dimensionless)."""
    from astropy import units as u

    v = u.Quantity(x).to_value(unit)
    return float(v) if np.ndim(v) == 0 else v


def si(x: Any, unit: str) -> np.ndarray:
    """Quantity → ndarray in ``unit``; plain numbers are taken to be in ``unit`` already."""
    if hasattr(x, "unit"):
        return np.asarray(x.to_value(unit), dtype=float)
    return np.asarray(x, dtype=float)


def altitude_m(altitude: Any) -> Any:
    return 0.0 if altitude is None else value(altitude, "m")


def q(value: Any, unit: str) -> Quantity:
    from astropy import units as u

    return u.Quantity(value, unit)

