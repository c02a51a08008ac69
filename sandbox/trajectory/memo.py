"""The trajectory memo: results of the orbit library and of the ephemeris geometry kept on disk.

A warm ``sandbox run`` should not import the orbit library (and with it numba and scipy), nor
astropy's time and coordinate machinery, when every figure it needs was computed before. So the
values that need them are remembered on disk, one small JSON file per entry:

* ``body``: a body's GM, equatorial radius, J2 and mass from the library;
* ``hohmann``, ``bielliptic``, ``lambert``, ``lagrange``, ``interplanetary``: the library's
  solvers (numba-compiled) and the planet states from astropy's ephemeris;
* ``eclipse-year``: the β angle of a circular orbit on each sampled day of a year (the Sun from
  astropy's ephemeris, the node moved by J2), from which ``eclipse_over_year`` derives the rest;
* ``gmst``: the Earth's rotation angle at an epoch (astropy ``Time`` → Julian date), which fixes
  a site's visibility geometry;
* ``visibility``: which satellites each ground station sees at each step (``visibility_mask`` with
  an ISO epoch), bit-packed and compressed, keyed on a SHA-256 of every input array.

Where: ``$NUMBA_CACHE_DIR/sandbox-memo/<library>-<version>-<stamp>/<kind>/<sha256>.json``
(default cache directory ``~/.cache/space-sandbox/numba``; ``SANDBOX_ORBIT_MEMO=0`` turns the
memo off). **Keyed on content**: ``<stamp>`` is a SHA-256 of the source of every module of this
package and the versions of the orbit library, astropy, pyerfa and numpy, so any change to the code
or libraries that produce the values starts a new, empty memo (two checkouts with the same code
share one); ``<sha256>`` hashes the kind and the exact inputs (floats by ``repr``, which
round-trips exactly).

**Integrity**: every file records the format version, its kind, its key and the SHA-256 of key and
value together. A file whose checksum does not match, whose key is not the one asked for, that is
not valid JSON, or whose value the caller cannot decode, is ignored with a :class:`CacheWarning`,
recomputed and rewritten. Values are stored exactly (floats through ``repr``), so a memoised
result equals the computed one to the bit. Writes go to a temporary file in the same folder,
renamed into place (atomic: concurrent processes such as Dask workers never see half a file), and
the temporary file is removed whatever happens. A memo that cannot be read or written only costs
speed; a cache folder that cannot be created (``XDG_CACHE_HOME=/dev/null``) gives one
:class:`CacheWarning` per process and values are then kept for the process only. At most
:data:`MAX_ENTRIES` files are written per kind and stamp (fewer for the larger visibility masks),
so a study over a continuous range of orbits cannot fill the disk; beyond that, values are only
remembered per process.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import os
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .library import ENV_LIBRARY, CacheWarning, backend, cache_folder_usable, numba_cache_dir

ENV_MEMO = "SANDBOX_ORBIT_MEMO"
#: Version of the file layout; a file with another version is ignored and rewritten.
FORMAT = 3
#: Files written per kind and stamp at most (eclipse entries are ≈ 8 KB: ≤ 32 MB per kind).
MAX_ENTRIES = 4096
#: Libraries whose versions enter the stamp besides the orbit library (the Sun's ephemeris, time scales, arithmetic).
_STAMP_DISTRIBUTIONS = ("astropy", "pyerfa", "numpy")
#: Per-process copies of the stored values read or computed: name → JSON value.
_LOCAL: dict[str, Any] = {}
#: Entries kept per process at most (then forgotten all at once; the files stay).
LOCAL_MAX = 4096
_WRITTEN: dict[str, int] = {}
#: Whether this process has asked for a memoised result (from disk, the process memo or the library itself): the
#: values then come from the orbit library whose name and version key the memo, even when it was never imported.
_ASKED = False


def enabled() -> bool:
    """False when ``SANDBOX_ORBIT_MEMO`` is 0/no/false/off."""
    return os.environ.get(ENV_MEMO, "1").strip().lower() not in ("0", "no", "false", "off")


@functools.cache
def stamp() -> str:
    """SHA-256 (hex) of this package's source files and the versions of the libraries behind the values."""
    h = hashlib.sha256()
    here = Path(__file__).parent
    for path in sorted(here.glob("*.py")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    name, version = backend()
    h.update(f"{name}={version}".encode())
    for dist in _STAMP_DISTRIBUTIONS:
        try:
            h.update(f"{dist}={importlib.metadata.version(dist)}".encode())
        except importlib.metadata.PackageNotFoundError:
            h.update(f"{dist}=absent".encode())
    return h.hexdigest()


def memo_dir() -> Path | None:
    """The folder of the current stamp, or None when ``SANDBOX_ORBIT_MEMO`` turns the memo off or the cache
    folder cannot be created (then one :class:`CacheWarning` says so and values are kept per process only)."""
    if not enabled():
        return None
    base = os.environ.get("NUMBA_CACHE_DIR") or str(numba_cache_dir())
    if not cache_folder_usable(base):
        return None
    return _memo_dir(base, os.environ.get(ENV_LIBRARY, ""))


@functools.lru_cache(maxsize=8)
def _memo_dir(base: str, requested_library: str) -> Path:
    name, version = backend()  # package metadata: ≈ 4 ms a call, so once per cache folder and library choice
    return Path(base) / "sandbox-memo" / f"{name}-{version}-{stamp()[:16]}"


def _digest(name: str, value: Any) -> str:
    return hashlib.sha256(json.dumps([FORMAT, name, value], sort_keys=True).encode()).hexdigest()


def entry_path(kind: str, key: tuple) -> Path | None:
    """Where the entry of ``kind`` and ``key`` is (or would be) stored; None when the memo is off."""
    base = memo_dir()
    if base is None:
        return None
    name = f"{kind}{key!r}"
    return base / kind / f"{hashlib.sha256(name.encode()).hexdigest()}.json"


def _read(path: Path, kind: str, name: str) -> tuple[bool, Any]:
    """(found, stored value) of one entry file; a bad file warns and counts as not found."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return False, None
    except OSError as exc:
        warnings.warn(f"trajectory memo {path} cannot be read ({exc}); recomputing", CacheWarning, stacklevel=4)
        return False, None
    try:
        doc = json.loads(text)
        ok = (isinstance(doc, dict) and doc.get("format") == FORMAT and doc.get("kind") == kind
              and doc.get("key") == name and "value" in doc and doc.get("sha256") == _digest(name, doc["value"]))
    except ValueError:
        ok = False
    if not ok:
        warnings.warn(f"trajectory memo {path}: entry {name} failed its integrity check; recomputed and rewritten",
                      CacheWarning, stacklevel=4)
        return False, None
    return True, doc["value"]


def _write(path: Path, kind: str, name: str, value: Any, limit: int) -> None:
    folder = str(path.parent)
    if folder not in _WRITTEN:
        try:
            _WRITTEN[folder] = sum(1 for _ in os.scandir(folder))
        except OSError:
            _WRITTEN[folder] = 0
    if _WRITTEN[folder] >= limit:
        return
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".memo-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"format": FORMAT, "kind": kind, "key": name, "value": value, "sha256": _digest(name, value)}, fh)
        os.replace(tmp, path)
        tmp = None
        _WRITTEN[folder] += 1
    except OSError:
        pass  # a memo that cannot be written only costs speed
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def memoised(kind: str, key: tuple, compute: Callable[[], Any], decode: Callable[[Any], Any] = lambda v: v,
             limit: int = MAX_ENTRIES, keep: bool = True) -> Any:
    """``decode(value)`` where ``value = compute()`` (JSON-serialisable) is remembered on disk.

    ``key`` holds the exact inputs (their ``repr`` is hashed). ``decode`` turns the stored JSON
    value into the result and raises on a malformed value; a malformed or tampered entry is
    ignored, recomputed and rewritten with a :class:`CacheWarning`. At most ``limit`` files of this
    kind are written (per stamp). Stored values are also kept for
    the rest of the process (decoded afresh on every call) unless ``keep`` is False.
    """
    global _ASKED
    _ASKED = True
    path = entry_path(kind, key)
    if path is None and not enabled():
        return decode(compute())
    name = f"{kind}{key!r}"
    if name in _LOCAL:
        return decode(_LOCAL[name])
    found, stored = _read(path, kind, name) if path is not None else (False, None)  # None: no usable cache folder
    if found:
        try:
            result = decode(stored)
        except (TypeError, ValueError, IndexError, KeyError):
            warnings.warn(f"trajectory memo {path}: entry {name} cannot be decoded; recomputed and rewritten",
                          CacheWarning, stacklevel=3)
        else:
            if keep:
                _remember(name, stored)
            return result
    value = compute()
    result = decode(value)
    if path is not None:
        _write(path, kind, name, value, limit)
    if keep:
        _remember(name, value)
    return result


def library_results_used() -> bool:
    """Whether this process used a result of the orbit library: computed by it, or read from the memo it keys
    (a warm run reads every value from the memo and never imports the library; its provenance still names it)."""
    import sys

    return _ASKED or any(name in sys.modules for name in ("boinor", "poliastro"))


def _remember(name: str, value: Any) -> None:
    if len(_LOCAL) >= LOCAL_MAX:
        _LOCAL.clear()
    _LOCAL[name] = value


def clear_process_memo() -> None:
    """Forget the values kept in this process (the files stay): the next call reads the disk again."""
    _LOCAL.clear()
    _WRITTEN.clear()
