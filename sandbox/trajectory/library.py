"""The orbital-mechanics library: the only module of the sandbox that imports it.

Library selection
    ``SANDBOX_ORBIT_LIBRARY=boinor|poliastro`` picks the library. Unset, the adapter uses
    boinor (the maintained fork of poliastro, same API) if it is importable, else
    poliastro. :func:`backend` returns ``(name, version)``; both libraries pass the same
    tests (``tests/test_trajectory.py``).

numba on-disk cache
    Both libraries decorate their kernels with ``from numba import njit as jit`` and no
    ``cache=True``, so a cold process spends ~10 s compiling before its first Hohmann
    transfer. Before the library's first import the adapter sets ``NUMBA_CACHE_DIR`` (when
    the user has not) to ``$XDG_CACHE_HOME/space-sandbox/numba`` (default
    ``~/.cache/space-sandbox/numba``) and replaces ``numba.njit``/``numba.jit`` by thin
    wrappers whose ``cache`` argument defaults to ``True`` (bare ``@njit`` and
    ``@njit(...)`` forms alike; an explicit ``cache=`` wins; functions without a source
    file, which numba cannot cache, silently fall back to no caching). The wrappers are
    installed once and left in place. Later processes load the compiled kernels from disk
    (~0.3 s instead of ~10 s). numba keys its cache on each source file's timestamp, so
    upgrading the library invalidates it.

Bodies
    :func:`body_of` gives the library's body object, :func:`gm_radius` its GM (m³/s²) and
    equatorial radius (m), :func:`j2` its J2 — the physical constants every other module of
    the package uses, so that all of them agree with the library.
"""

from __future__ import annotations

import functools
import importlib
import importlib.metadata
import importlib.util
import os
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

ENV_LIBRARY = "SANDBOX_ORBIT_LIBRARY"
SUPPORTED_LIBRARIES = ("boinor", "poliastro")

_BODY_NAMES = {
    name.lower(): name
    for name in ("Sun", "Mercury", "Venus", "Earth", "Moon", "Mars", "Jupiter", "Saturn", "Uranus", "Neptune")
}

# --------------------------------------------------------------------------------------
# Library loading
# --------------------------------------------------------------------------------------


def library_name() -> str:
    """Name of the library to use, from ``SANDBOX_ORBIT_LIBRARY`` or what is installed."""
    requested = os.environ.get(ENV_LIBRARY, "").strip().lower()
    if requested:
        if requested not in SUPPORTED_LIBRARIES:
            raise ValueError(f"{ENV_LIBRARY}={requested!r}: choose one of {', '.join(SUPPORTED_LIBRARIES)}")
        if importlib.util.find_spec(requested) is None:
            raise ImportError(f"{ENV_LIBRARY}={requested} but {requested!r} is not installed")
        return requested
    for name in SUPPORTED_LIBRARIES:
        if importlib.util.find_spec(name) is not None:
            return name
    raise ImportError(
        "sandbox.trajectory needs an orbital-mechanics library: `pip install boinor` "
        "(or poliastro 0.17: `pip install --no-deps --ignore-requires-python poliastro==0.17.0`)"
    )


def backend() -> tuple[str, str]:
    """Return ``(library name, version)`` of the orbital-mechanics library in use.

    Cheap: reads package metadata and does not import the library.
    """
    name = _loaded_name or library_name()
    try:
        version = importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        version = getattr(importlib.import_module(name), "__version__", "unknown")
    return name, version


def numba_cache_dir() -> Path:
    """Default numba cache directory: ``$XDG_CACHE_HOME/space-sandbox/numba`` (or ``~/.cache/...``)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "space-sandbox" / "numba"


_CACHE_MARK = "_sandbox_cache_default"


def _cache_by_default(decorator: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap ``numba.njit``/``numba.jit`` so that ``cache`` defaults to True.

    Works for ``@njit`` (function passed directly) and ``@njit(...)`` (a decorator is
    returned). numba raises RuntimeError when a function has no source file to key the
    cache on (``exec``, ``python -c``); such functions are compiled without caching.
    """

    @functools.wraps(decorator)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if "cache" in kwargs:
            return decorator(*args, **kwargs)
        try:
            result = decorator(*args, cache=True, **kwargs)
        except RuntimeError:
            return decorator(*args, **kwargs)
        if hasattr(result, "py_func"):  # a Dispatcher: the bare @njit form
            return result

        def deferred(func: Callable[..., Any]) -> Any:
            try:
                return result(func)
            except RuntimeError:
                return decorator(*args, **kwargs)(func)

        return deferred

    setattr(wrapper, _CACHE_MARK, True)
    return wrapper


def enable_numba_cache() -> Path | None:
    """Make numba cache compiled kernels on disk; return the cache directory.

    Sets ``NUMBA_CACHE_DIR`` to :func:`numba_cache_dir` unless the user has set it, and
    wraps ``numba.njit``/``numba.jit`` once (idempotent) so ``cache=True`` is the default.
    Must run before the orbital library is first imported. Returns None (and changes
    nothing) when numba is absent or the directory cannot be created.
    """
    if not os.environ.get("NUMBA_CACHE_DIR"):
        os.environ["NUMBA_CACHE_DIR"] = str(numba_cache_dir())
    path = Path(os.environ["NUMBA_CACHE_DIR"])
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        warnings.warn(f"numba cache disabled, cannot create {path}: {exc}", RuntimeWarning, stacklevel=2)
        return None
    try:
        import numba
    except ImportError:
        return None
    numba.core.config.reload_config()  # pick up NUMBA_CACHE_DIR if numba was imported earlier
    for name in ("njit", "jit"):
        current = getattr(numba, name)
        if not getattr(current, _CACHE_MARK, False):
            setattr(numba, name, _cache_by_default(current))
    return path


_loaded_name: str | None = None


@functools.cache
def load_library() -> str:
    """Select, prepare (numba cache) and import the library once; return its name."""
    global _loaded_name
    name = library_name()
    enable_numba_cache()
    importlib.import_module(name)
    # Epochs in future years make ERFA warn "dubious year" (leap seconds after the last IERS
    # bulletin are unknown); the sub-second effect is far below this sandbox's precision.
    warnings.filterwarnings("ignore", message=".*dubious year.*")
    _quiet_maneuver_compilation()
    _loaded_name = name
    return name


def _quiet_maneuver_compilation() -> None:
    """Silence the one performance hint numba prints while compiling the library's manoeuvres.

    ``<library>/core/maneuver.py`` applies ``@`` (matrix product) to array slices; numba warns
    "'@' is faster on contiguous arrays" once per process that compiles it (every cold numba
    cache) — advice to the library's authors, not to a user of the sandbox. The filter matches
    only that message, that category and that source file (numba reports compile-time warnings
    with ``warn_explicit`` and the compiled file's path as the module), so every other warning
    still shows.
    """
    try:
        from numba.core.errors import NumbaPerformanceWarning
    except ImportError:  # no numba: nothing compiles, nothing to silence
        return
    warnings.filterwarnings("ignore", message=r"'@' is faster on contiguous arrays", category=NumbaPerformanceWarning,
                            module=r".*[\\/](boinor|poliastro)[\\/]core[\\/]maneuver")


def module(sub: str) -> Any:
    """Import ``<library>.<sub>`` (after the one-time preparation)."""
    return importlib.import_module(f"{load_library()}.{sub}")

# --------------------------------------------------------------------------------------
# Bodies and unit helpers
# --------------------------------------------------------------------------------------


def body_of(body: Any) -> Any:
    """Library body object for a name ("Earth", "moon", ...) or a body object itself."""
    if not isinstance(body, str):
        return body
    key = body.strip().lower()
    if key not in _BODY_NAMES:
        raise ValueError(f"unknown body {body!r}; known: {', '.join(sorted(_BODY_NAMES.values()))}")
    return getattr(module("bodies"), _BODY_NAMES[key])


def body_key(body: Any) -> str:
    return body.strip().lower() if isinstance(body, str) else str(body.name).lower()


@functools.cache
def _gm_radius_cached(key: str) -> tuple[float, float]:
    b = body_of(key)
    return float(b.k.to_value("m3 / s2")), float(b.R.to_value("m"))


def gm_radius(body: Any) -> tuple[float, float]:
    """(GM in m³/s², equatorial radius in m) of a body, from the library."""
    if isinstance(body, str):
        return _gm_radius_cached(body.strip().lower())
    return float(body.k.to_value("m3 / s2")), float(body.R.to_value("m"))


def j2(body: Any) -> float:
    value = getattr(body_of(body), "J2", None)
    if value is None:
        raise ValueError(f"the library gives no J2 for {body!r}")
    return float(getattr(value, "value", value))

