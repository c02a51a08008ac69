"""The orbit memo: results of the library's numba-compiled solvers kept on disk.

Hohmann, bi-elliptic and Lambert solutions are remembered in one JSON file next to the numba
cache (``sandbox-orbit-memo-<library>-<version>.json``), so a warm run does not even load the
compiled kernels (~0.2-0.4 s per process). ``SANDBOX_ORBIT_MEMO=0`` turns it off.

Integrity: the file records a format version and a stamp of the adapter's source files (a
change to the code that produced the values invalidates all of them), and every entry carries
the SHA-256 of its key and value. An entry whose checksum does not match, or whose value the
caller cannot decode, is dropped and recomputed with a :class:`CacheWarning`; an unreadable
file is replaced. Writes go to a temporary file in the same folder, renamed into place, and
the temporary file is removed whatever happens.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .library import backend, numba_cache_dir

ENV_MEMO = "SANDBOX_ORBIT_MEMO"
#: Version of the file layout; a file with another version is ignored and rewritten.
FORMAT = 2
_MEMO: dict[str, dict[str, Any]] = {}


class CacheWarning(UserWarning):
    """A cache entry or file was bad and has been recomputed (the result is still right)."""


def memo_file() -> Path | None:
    """The memo file of the library in use, or None when ``SANDBOX_ORBIT_MEMO`` turns it off."""
    if os.environ.get(ENV_MEMO, "1").strip().lower() in ("0", "no", "false", "off"):
        return None
    name, version = backend()
    base = Path(os.environ.get("NUMBA_CACHE_DIR") or numba_cache_dir())
    return base / f"sandbox-orbit-memo-{name}-{version}.json"


def _stamp() -> str:
    """Size and mtime of the modules whose code produces the memoised values."""
    here = Path(__file__).parent
    parts = []
    for name in ("transfers.py", "memo.py", "library.py"):
        st = os.stat(here / name)
        parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
    return ";".join(parts)


def _digest(name: str, value: Any) -> str:
    return hashlib.sha256(json.dumps([name, value], sort_keys=True).encode()).hexdigest()


def _load(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        warnings.warn(f"orbit memo {path} cannot be read ({exc}); recomputing", CacheWarning, stacklevel=4)
        return {}
    try:
        doc = json.loads(text)
    except ValueError:
        warnings.warn(f"orbit memo {path} is not valid JSON; it will be rewritten", CacheWarning, stacklevel=4)
        return {}
    if not (isinstance(doc, dict) and isinstance(doc.get("entries"), dict)):
        warnings.warn(f"orbit memo {path} has an unknown layout; it will be rewritten", CacheWarning, stacklevel=4)
        return {}
    if doc.get("format") != FORMAT or doc.get("stamp") != _stamp():
        return {}  # written by another version of the code: silently stale
    return doc["entries"]


def _save(path: Path, store: dict[str, Any]) -> None:
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".orbit-memo-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"format": FORMAT, "stamp": _stamp(), "entries": store}, fh)
        os.replace(tmp, path)
        tmp = None
    except OSError:
        pass  # a memo that cannot be written only costs speed
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def memoised(kind: str, key: tuple, compute: Callable[[], Any], decode: Callable[[Any], Any] = lambda v: v) -> Any:
    """``decode(value)`` where ``value = compute()`` (JSON-serialisable) is remembered on disk.

    ``decode`` turns the stored JSON value into the result and raises on a malformed value;
    a malformed or tampered entry is dropped, recomputed and rewritten with a warning.
    """
    path = memo_file()
    if path is None:
        return decode(compute())
    store = _MEMO.get(str(path))
    if store is None:
        store = _MEMO[str(path)] = _load(path)
    name = f"{kind}{key!r}"
    entry = store.get(name)
    if entry is not None:
        ok = isinstance(entry, dict) and "value" in entry and entry.get("sha256") == _digest(name, entry["value"])
        if ok:
            try:
                return decode(entry["value"])
            except (TypeError, ValueError, IndexError, KeyError):
                ok = False
        warnings.warn(f"orbit memo {path}: entry {name} failed its integrity check; recomputed", CacheWarning, stacklevel=3)
        del store[name]
    value = compute()
    result = decode(value)
    store[name] = {"value": value, "sha256": _digest(name, value)}
    _save(path, store)
    return result
