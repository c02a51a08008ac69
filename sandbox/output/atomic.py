"""Atomic file output: stage every file beside its final name, then rename them all into place.

A failure while staging (a full disk, a permission) removes the staged files and leaves the
folder as it was: never a half-written file, never a partial set. ``os.replace`` is atomic on
POSIX within one file system, so a reader (or a resumed study after ``kill -9``) sees either
the old file or the new one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import BinaryIO


def stage(path: Path, data: str | bytes, tmp_name: str | None = None) -> Path:
    """Write ``data`` to a temporary file beside ``path`` (flushed to disk) and return its name:
    ``.<name>.<random>.tmp``, or ``tmp_name`` in the same folder when the caller names it."""
    if tmp_name is None:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    else:
        tmp = str(path.parent / tmp_name)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
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


def check_name(name: str) -> str:
    """``name`` if it is a plain file name; :class:`ValueError` if it would leave its folder."""
    if not name or "/" in name or "\\" in name or name in (".", "..") or Path(name).name != name:
        raise ValueError(f"output name {name!r} would leave the output folder")
    return name


class Staging:
    """A set of files staged in ``out_dir`` and renamed into place together by :meth:`commit`.

    ``add(name, data)`` stages bytes; ``with staging.open(name) as fh:`` streams a large file
    (written, flushed and fsync'd when the block ends). Leaving the ``with Staging(...)``
    block with an exception, or without :meth:`commit`, removes every staged file: the
    folder keeps what it had.
    """

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        self.staged: dict[Path, Path] = {}

    def __enter__(self) -> Staging:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()

    def add(self, name: str, data: str | bytes) -> None:
        final = self.out_dir / check_name(name)
        self.staged[final] = stage(final, data)

    @contextlib.contextmanager
    def open(self, name: str) -> Iterator[BinaryIO]:
        final = self.out_dir / check_name(name)
        fd, tmp = tempfile.mkstemp(dir=self.out_dir, prefix=f".{name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                yield fh
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o666 & ~_UMASK)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self.staged[final] = Path(tmp)

    def commit(self) -> list[Path]:
        """Rename every staged file into place, all or nothing; returns the final paths.

        Each file it replaces is first kept under a hard link (a copy where links are refused);
        when a rename fails (a folder in the way, a file that cannot be replaced), the files
        already renamed get their old content back and the error is raised with the file's name.
        """
        kept: dict[Path, Path | None] = {}  # final -> its old content (None: it did not exist)
        try:
            for final, tmp in self.staged.items():
                if final.is_dir() and not final.is_symlink():
                    raise IsADirectoryError(errno.EISDIR, "a folder is in the way", str(final))
                kept[final] = _keep(final) if final.exists() else None
                os.replace(tmp, final)
        except BaseException:
            for final, old in kept.items():  # undo: each name independently
                with contextlib.suppress(OSError):
                    if old is not None:
                        os.replace(old, final)
                        old.unlink(missing_ok=True)  # a rename onto the same file (its own hard link) keeps both names
                    elif final in self.staged and not self.staged[final].exists():
                        final.unlink()
            raise
        for old in kept.values():
            if old is not None:
                old.unlink(missing_ok=True)
        done = list(self.staged)
        self.staged = {}
        return done

    def discard(self) -> None:
        for tmp in self.staged.values():
            tmp.unlink(missing_ok=True)
        self.staged = {}


def _keep(final: Path) -> Path:
    """A second name for ``final``'s current content, beside it (removed after a commit)."""
    keep = final.parent / f".{final.name}.{secrets.token_hex(6)}.old.tmp"
    try:
        os.link(final, keep)
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS):
            raise OSError(exc.errno, exc.strerror, str(final)) from None
        shutil.copy2(final, keep)
    return keep


def write_all(out_dir: Path, files: Mapping[str, str | bytes]) -> list[Path]:
    """Write ``files`` (name → content) into ``out_dir`` all or nothing; returns the final paths.

    Names are plain file names: a name with a path separator or ``..`` is refused, so output
    never leaves ``out_dir``.
    """
    for name in files:
        check_name(name)
    with Staging(out_dir) as staging:
        for name, data in files.items():
            staging.add(name, data)
        return staging.commit()


def fsync_dir(folder: Path) -> None:
    """Flush ``folder``'s entries (renames, new files) to disk, where the platform allows it."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def remove_stale(folder: Path) -> None:
    """Remove temporary files a killed writer left in ``folder`` (``.<name>.<random>.tmp``)."""
    if folder.is_dir():
        for p in folder.glob(".*.tmp"):
            p.unlink(missing_ok=True)
