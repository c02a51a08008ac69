"""Physical constants of the bodies (GM, equatorial radius, J2, mass), from the orbit library.

The values are the library's (``<library>.bodies``), remembered in the trajectory memo
(:mod:`~sandbox.trajectory.memo`, kind ``body``), so that code needing only a body's constants
does not import the library, numba and scipy in every process.
"""

from __future__ import annotations

import functools
from typing import Any

from .library import BODY_NAMES, body_key, library_constants
from .memo import memoised


def _decode(stored: Any) -> tuple[float, float, float | None, float]:
    gm, radius, j2_value, mass = stored
    if not (isinstance(gm, float) and isinstance(radius, float) and isinstance(mass, float)
            and (j2_value is None or isinstance(j2_value, float))):
        raise ValueError(f"not body constants: {stored!r}")
    return gm, radius, j2_value, mass


@functools.cache
def _constants(key: str) -> tuple[float, float, float | None, float]:
    return memoised("body", (key,), lambda: library_constants(key), _decode)


def constants(body: Any) -> tuple[float, float, float | None, float]:
    """(GM m³/s², equatorial radius m, J2 or None, mass kg) of a body name or library body object."""
    if isinstance(body, str):
        key = body.strip().lower()
        if key not in BODY_NAMES:
            raise ValueError(f"unknown body {body!r}; known: {', '.join(sorted(BODY_NAMES.values()))}")
        return _constants(key)
    return _decode(library_constants(body))


def gm_radius(body: Any) -> tuple[float, float]:
    """(GM in m³/s², equatorial radius in m) of a body, from the library."""
    gm, radius, _, _ = constants(body)
    return gm, radius


def j2(body: Any) -> float:
    """The body's J2 (dimensionless) from the library; ValueError when the library gives none."""
    value = constants(body)[2]
    if value is None:
        raise ValueError(f"the library gives no J2 for {body!r}")
    return value


def mass_kg(body: Any) -> float:
    """The body's mass (kg) from the library (GM / G)."""
    return constants(body)[3]


__all__ = ["body_key", "constants", "gm_radius", "j2", "mass_kg"]
