"""The circular restricted three-body problem: Lagrange points of the Earth–Moon and Sun–Earth systems."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from .constants import EARTH_MOON_DISTANCE_KM
from .library import body_of, module
from .memo import memoised

if TYPE_CHECKING:
    from astropy.units import Quantity

# --------------------------------------------------------------------------------------
# Circular restricted three-body problem
# --------------------------------------------------------------------------------------

_SYSTEMS = {"earth-moon": ("Earth", ("Moon",)), "sun-earth": ("Sun", ("Earth", "Moon"))}


def _system_key(system: str) -> str:
    key = system.strip().lower().replace("–", "-").replace("_", "-")
    if key not in _SYSTEMS:
        raise ValueError(f"unknown system {system!r}: choose 'Earth-Moon' or 'Sun-Earth'")
    return key


def _separation(key: str) -> Quantity:
    """Separation (km) of the primaries of a CR3BP system."""
    from astropy import constants as const
    from astropy import units as u

    return EARTH_MOON_DISTANCE_KM * u.km if key == "earth-moon" else const.au.to(u.km)


def _masses(key: str) -> tuple[Any, Any]:
    """(m1, m2) of a CR3BP system from the library's bodies (mass Quantities)."""
    primary, secondary = _SYSTEMS[key]
    m1 = body_of(primary).mass
    m2 = sum((body_of(b).mass for b in secondary[1:]), body_of(secondary[0]).mass)
    return m1, m2


def _decode_points(stored: Any) -> list[float]:
    values = [float(x) for x in stored]
    if len(values) != 3 or not all(math.isfinite(x) and x >= 0 for x in values):
        raise ValueError(f"not Lagrange point distances: {stored!r}")
    return values


def lagrange_points(system: str = "Earth-Moon") -> dict[str, Quantity]:
    """Distances (km) of L1–L5 from the larger primary (library ``lagrange_points``).

    "Earth-Moon": Earth and Moon masses, separation 384,400 km (NASA Moon fact sheet).
    "Sun-Earth": Sun and Earth+Moon masses (the usual Sun–(Earth+Moon) CR3BP, Koon, Lo,
    Marsden & Ross 2011 §2), separation 1 au. L1 and L2 lie on the primary→secondary line
    (L1 between, L2 beyond the secondary), L3 on the far side of the primary; L4/L5 are at
    the secondary's distance (equilateral triangles). The library's solution is kept in the
    trajectory memo (kind ``lagrange``).
    """
    from astropy import units as u

    key = _system_key(system)
    r12 = _separation(key)

    def compute() -> list[float]:
        m1, m2 = _masses(key)
        lp = module("threebody.restricted").lagrange_points(r12, m1.to(u.kg), m2.to(u.kg)).to(u.km)
        return [float(abs(lp[i]).to_value(u.km)) for i in range(3)]

    l1, l2, l3 = memoised("lagrange", (key,), compute, _decode_points)
    return {"L1": l1 * u.km, "L2": l2 * u.km, "L3": l3 * u.km, "L4": r12, "L5": r12}


def lagrange_distance_from_earth(system: str, point: str) -> Quantity:
    """Distance (km) from Earth's centre to Lagrange point ``point`` ("L1".."L5") of ``system``.

    Geometry of the circular restricted problem (:func:`lagrange_points`): Earth is the
    primary in "Earth-Moon" and the secondary in "Sun-Earth".
    """
    from astropy import units as u

    key = _system_key(system)
    r12 = _separation(key)
    d = lagrange_points(system)
    name = point.strip().upper()
    if name not in d:
        raise ValueError(f"unknown Lagrange point {point!r}")
    x = {"L1": d["L1"], "L2": d["L2"], "L3": -d["L3"], "L4": 0.5 * r12, "L5": 0.5 * r12}[name]
    y = (math.sqrt(3.0) / 2.0) * r12 if name in ("L4", "L5") else 0.0 * u.km
    earth_x = 0.0 * u.km if key == "earth-moon" else r12
    return np.hypot(x - earth_x, y).to(u.km)

