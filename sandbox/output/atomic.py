"""Atomic file output: stage every file beside its final name, then rename them all into place.

A failure while staging (a full disk, a permission) removes the staged files and leaves the
folder as it was: never a half-written file, never a partial set. ``os.replace`` is atomic on
POSIX within one file system, so a reader (or a resumed study after ``kill -9``) sees either
the old file or the new one.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path


def stage(path: Path, data: str | bytes) -> Path:
    """Write ``data`` to a temporary file beside ``path`` (flushed to disk) and return its name."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; outputs get the user's usual mode
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def _read_umask() -> int:
    mask = os.umask(0)  # the only way to read it; done once, at import, before any thread starts
    os.umask(mask)
    return mask


_UMASK = _read_umask()


def write_all(out_dir: Path, files: Mapping[str, str | bytes]) -> list[Path]:
    """Write ``files`` (name → content) into ``out_dir`` all or nothing; returns the final paths.

    Names are plain file names: a name with a path separator or ``..`` is refused, so output
    never leaves ``out_dir``.
    """
    for name in files:
        if not name or "/" in name or "\\" in name or name in (".", "..") or Path(name).name != name:
            raise ValueError(f"output name {name!r} would leave the output folder")
    out_dir.mkdir(parents=True, exist_ok=True)
    staged: dict[Path, Path] = {}
    try:
        for name, data in files.items():
            staged[out_dir / name] = stage(out_dir / name, data)
    except BaseException:
        for tmp in staged.values():
            tmp.unlink(missing_ok=True)
        raise
    for final, tmp in staged.items():
        os.replace(tmp, final)
    return list(staged)


def remove_stale(folder: Path) -> None:
    """Remove temporary files a killed writer left in ``folder`` (``.<name>.<random>.tmp``)."""
    if folder.is_dir():
        for p in folder.glob(".*.tmp"):
            p.unlink(missing_ok=True)
