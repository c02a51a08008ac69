"""Study outputs at an fsspec URL (``s3://bucket/study``, ``gs://...``, ``az://...``, ``memory://...``).

``--out`` of ``sweep``, ``sensitivity`` and ``timeline`` accepts a URL as well as a folder. A sweep
runs in a local **staging folder** exactly as it would in a local ``--out`` (journal, per-chunk
parts, resume after any interruption: run the same command again), then the finished folder is
uploaded: the dataset's parts first, then its ``_metadata``, the other files, and ``manifest.json``
**last**, so a reader who finds a manifest saying ``complete`` finds every file it names. Each
upload is checked by size against the local file; the staging folder is removed once everything
is uploaded. Sensitivity and timeline files are small and written straight to the URL (the marker
file last).

Nothing the user had is lost: a URL that holds files not written by the same command (or, for a
sweep, another study's manifest) is refused before anything is written, as a local folder is.

Credentials and options come from fsspec's usual sources (environment variables such as
``AWS_PROFILE``, ``~/.aws``, ``GOOGLE_APPLICATION_CREDENTIALS``, ``~/.config/fsspec/*.json``); the
protocol's package must be installed (``s3fs``, ``gcsfs``, ``adlfs``). Only the local filesystem and
fsspec's in-memory filesystem are exercised by the tests.

Staging folder: ``$SANDBOX_STAGING_DIR/<hash of the URL>`` (default
``$XDG_CACHE_HOME/space-sandbox/staging``), so the same URL resumes in the same place.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ENV_STAGING = "SANDBOX_STAGING_DIR"
#: Protocols that are the local filesystem (their URLs are treated as plain folders).
LOCAL_PROTOCOLS = ("file", "local")


class RemoteError(Exception):
    """The URL cannot hold these outputs (bad protocol, missing package, another study's files)."""


def is_url(out: str | os.PathLike | None) -> bool:
    """True for ``protocol://...`` other than the local filesystem."""
    if out is None or not isinstance(out, str) or "://" not in out:
        return False
    return out.split("://", 1)[0].lower() not in LOCAL_PROTOCOLS


def local_path(out: str) -> Path:
    """A ``file://`` URL or a plain path as a :class:`Path`."""
    if "://" in out and out.split("://", 1)[0].lower() in LOCAL_PROTOCOLS:
        return Path(out.split("://", 1)[1])
    return Path(out)


def filesystem(url: str) -> tuple[Any, str]:
    """(fsspec filesystem, path inside it) of ``url``; RemoteError when the protocol is unknown or its package missing."""
    try:
        import fsspec
    except ImportError as exc:  # pragma: no cover - fsspec is a dependency of dask
        raise RemoteError(f"{url}: writing to a URL needs fsspec (pip install fsspec)") from exc
    try:
        fs, path = fsspec.core.url_to_fs(url)
    except (ImportError, ValueError) as exc:
        raise RemoteError(f"{url}: {exc}") from None
    return fs, path.rstrip("/")


def staging_dir(url: str) -> Path:
    """The local folder a study for ``url`` runs in before it is uploaded (same URL, same folder)."""
    base = os.environ.get(ENV_STAGING) or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "space-sandbox", "staging")
    return Path(base) / hashlib.sha256(url.rstrip("/").encode()).hexdigest()[:16]


def _listing(fs: Any, root: str) -> list[str]:
    try:
        if not fs.exists(root):
            return []
        return [p.rstrip("/").rsplit("/", 1)[-1] for p in fs.ls(root, detail=False)]
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise RemoteError(f"{root}: cannot list: {exc}") from None


def _read_json(fs: Any, path: str) -> Any:
    try:
        with fs.open(path, "rb") as fh:
            return json.loads(fh.read().decode("utf-8"))
    except (OSError, ValueError):
        return None


def claim(url: str, command: str, marker: str, study_key: str | None = None) -> None:
    """Raise RemoteError unless ``command`` may write at ``url``: nothing there, or its own earlier output.

    ``sweep``: a study manifest with the same ``study_key`` (``None``: any sandbox study);
    ``sensitivity``/``timeline``: the marker file naming the command.
    """
    fs, root = filesystem(url)
    entries = _listing(fs, root)
    if not entries:
        return
    manifest = _read_json(fs, f"{root}/manifest.json") if "manifest.json" in entries else None
    if command == "sweep":
        if isinstance(manifest, dict) and manifest.get("kind") == "sandbox study":
            if study_key is None or manifest.get("study_key") == study_key:
                return
            raise RemoteError(f"{url}: holds another study (its manifest.json differs); choose another --out")
    else:
        if isinstance(manifest, dict) and manifest.get("kind") == "sandbox study":
            raise RemoteError(f"{url}: is a study folder (sandbox sweep); choose another --out")
        doc = _read_json(fs, f"{root}/{marker}") if marker in entries else None
        if isinstance(doc, dict) and doc.get("command") == command:
            return
    raise RemoteError(f"{url}: is not empty and was not written by `sandbox {command}`; choose an empty or new location")


def _put(fs: Any, local: Path, remote: str) -> None:
    fs.put_file(str(local), remote)
    size = fs.size(remote)
    if size != local.stat().st_size:
        raise RemoteError(f"{remote}: uploaded {size} bytes of {local.stat().st_size}; run the same command again")


def upload_folder(local: Path, url: str, last: Iterable[str] = ("manifest.json",)) -> list[str]:
    """Upload every file under ``local`` to ``url``: folders' files before the top level, ``last`` at the end.

    Returns the relative names uploaded. Staging leftovers (``.*.tmp``, lock files) are skipped.
    """
    fs, root = filesystem(url)
    files = [p for p in sorted(local.rglob("*")) if p.is_file() and not p.name.startswith(".")]
    last = list(last)
    nested = [p for p in files if p.parent != local]
    nested.sort(key=lambda p: (p.parent, p.name.startswith("_"), p.name))  # parts, then _metadata
    top = [p for p in files if p.parent == local and p.name not in last]
    final = [local / name for name in last if (local / name).is_file()]
    fs.makedirs(root, exist_ok=True)
    done = []
    for path in [*nested, *top, *final]:
        rel = path.relative_to(local).as_posix()
        if path.parent != local:
            fs.makedirs(f"{root}/{path.parent.relative_to(local).as_posix()}", exist_ok=True)
        _put(fs, path, f"{root}/{rel}")
        done.append(rel)
    return done


def write_files(url: str, files: dict[str, str | bytes], last: str) -> list[str]:
    """Write small output files straight to ``url`` (``last`` at the end); returns their names."""
    fs, root = filesystem(url)
    fs.makedirs(root, exist_ok=True)
    order = [n for n in files if n != last] + ([last] if last in files else [])
    for name in order:
        data = files[name]
        fs.pipe_file(f"{root}/{name}", data.encode("utf-8") if isinstance(data, str) else data)
    return [n for n in order if not n.startswith(".")]
