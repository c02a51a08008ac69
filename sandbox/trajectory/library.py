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
    :func:`body_of` gives the library's body object, :func:`library_constants` its GM (m³/s²),
    equatorial radius (m), J2 and mass (kg) — the physical constants every other module of the
    package uses (through :mod:`~sandbox.trajectory.bodies`, which remembers them on disk), so
    that all of them agree with the library.
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

BODY_NAMES = {
    name.lower(): name
    for name in ("Sun", "Mercury", "Venus", "Earth", "Moon", "Mars", "Jupiter", "Saturn", "Uranus", "Neptune")
}

# --------------------------------------------------------------------------------------
# Library loading
# --------------------------------------------------------------------------------------


class OrbitLibraryError(ValueError):
    """``SANDBOX_ORBIT_LIBRARY`` names no library the adapter can use: a bad setting of the user's environment.

    The CLI checks the variable once at start-up (:func:`requested_library`) and turns this into
    one ``error:`` line and exit status 2, before anything runs.
    """


class OrbitLibraryNotInstalled(OrbitLibraryError, ImportError):
    """``SANDBOX_ORBIT_LIBRARY`` names a supported library that is not installed."""


def requested_library() -> str | None:
    """The library ``SANDBOX_ORBIT_LIBRARY`` asks for (None when unset or empty); cheap: imports nothing.

    Raises :class:`OrbitLibraryError` when the value is not a supported library, and
    :class:`OrbitLibraryNotInstalled` when that library is not installed.
    """
    raw = os.environ.get(ENV_LIBRARY, "")
    requested = raw.strip().lower()
    if not requested:
        return None
    if requested not in SUPPORTED_LIBRARIES:
        raise OrbitLibraryError(f"environment variable {ENV_LIBRARY}={raw!r}: choose one of "
                                f"{', '.join(SUPPORTED_LIBRARIES)}, or unset it to use the one installed")
    if importlib.util.find_spec(requested) is None:
        raise OrbitLibraryNotInstalled(f"environment variable {ENV_LIBRARY}={raw!r}: {requested!r} is not installed; "
                                       "install it, or unset the variable to use the one installed")
    return requested


def library_name() -> str:
    """Name of the library to use, from ``SANDBOX_ORBIT_LIBRARY`` or what is installed."""
    requested = requested_library()
    if requested:
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


class CacheWarning(UserWarning):
    """A cache entry, file or folder was bad: the value is recomputed (the result is still right)."""


@functools.lru_cache(maxsize=16)
def cache_folder_usable(folder: str) -> bool:
    """Whether the disk-cache ``folder`` exists or can be created; warns once (per process and folder) when not.

    The numba kernels and the trajectory memo share this folder (``$NUMBA_CACHE_DIR``, by default
    :func:`numba_cache_dir`). When it cannot be created (``XDG_CACHE_HOME=/dev/null``, a read-only
    home) one :class:`CacheWarning` says so and both continue without a disk cache: every value is
    computed (and kept for the process), only slower. An existing folder that is read-only is usable
    (entries are read; writes that fail only cost speed).
    """
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        warnings.warn(f"cache folder {folder} unusable ({reason}); continuing without a disk cache", CacheWarning,
                      stacklevel=3)
        return False
    return True


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
    nothing) when numba is absent or the directory cannot be created (one :class:`CacheWarning`,
    see :func:`cache_folder_usable`).
    """
    if not os.environ.get("NUMBA_CACHE_DIR"):
        os.environ["NUMBA_CACHE_DIR"] = str(numba_cache_dir())
    path = Path(os.environ["NUMBA_CACHE_DIR"])
    if not cache_folder_usable(str(path)):  # warned once, for the memo too
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
    if key not in BODY_NAMES:
        raise ValueError(f"unknown body {body!r}; known: {', '.join(sorted(BODY_NAMES.values()))}")
    return getattr(module("bodies"), BODY_NAMES[key])


def body_key(body: Any) -> str:
    return body.strip().lower() if isinstance(body, str) else str(body.name).lower()


def library_constants(key: str) -> list:
    """[GM m³/s², equatorial radius m, J2 or None, mass kg] of a body, read from the library (imports it)."""
    b = body_of(key)
    j2_value = getattr(b, "J2", None)
    return [float(b.k.to_value("m3 / s2")), float(b.R.to_value("m")),
            None if j2_value is None else float(getattr(j2_value, "value", j2_value)), float(b.mass.to_value("kg"))]
