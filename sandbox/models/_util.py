"""Small helpers shared by the model modules: array coercion, scalar-or-array return, input checks.

Every model function accepts plain floats or numpy arrays (broadcast together). A call with
only scalar arguments returns a Python ``float`` and raises ``ValueError`` for an impossible
input; a call with any array argument returns an ``ndarray`` and marks impossible elements
``nan`` instead of raising, so that a sweep or Monte Carlo run is not stopped by one bad sample.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

#: A float or an array of floats, as accepted and returned by the model functions.
FloatOrArray = float | NDArray[np.float64]

#: Seconds in a Julian year (365.25 d), the year used throughout the models (IAU convention).
SECONDS_PER_YEAR = 365.25 * 86400.0
#: Hours in a Julian year (8766 h).
HOURS_PER_YEAR = 365.25 * 24.0


def is_scalar(*values: ArrayLike) -> bool:
    """True when every argument is a scalar (0-d)."""
    return all(np.ndim(v) == 0 for v in values)


def arr(value: ArrayLike) -> NDArray[np.float64]:
    """``value`` as a float64 ndarray (0-d for a scalar).

    An astropy Quantity is refused (``TypeError``): numpy would keep its number and drop its unit, so
    ``5 kW`` would be read as 5 W. The model functions take plain SI floats in the unit their argument names
    carry; convert at the edge (``q.to_value(u.W)``)."""
    if hasattr(value, "unit") and hasattr(value, "to_value"):
        raise TypeError(f"model functions take plain numbers in the unit their argument name carries, got the "
                        f"Quantity {value!s}: convert it first, e.g. q.to_value(u.W)")
    return np.asarray(value, dtype=float)


def out(value: ArrayLike, scalar: bool) -> FloatOrArray:
    """Return ``float(value)`` for a scalar call, else the broadcast ndarray."""
    a = np.asarray(value, dtype=float)
    if scalar:
        return float(a)
    return a


def reject(bad: ArrayLike, scalar: bool, message: str) -> NDArray[np.bool_]:
    """Raise ``ValueError(message)`` in a scalar call where ``bad`` is true; return ``bad`` as an array.

    In an array call nothing is raised: the caller uses the returned mask to put ``nan`` in
    the impossible elements.
    """
    mask = np.asarray(bad, dtype=bool)
    if scalar and bool(np.any(mask)):
        raise ValueError(message)
    return mask
