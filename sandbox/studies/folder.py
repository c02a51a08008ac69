"""A study folder that holds itself: an OS-level lock, a manifest, a journal of checksummed chunks.

Layout (format :data:`FORMAT`)::

    manifest.json                what is computed (study key, plugin-set fingerprint, plan), status;
                                 when complete, every chunk's file, size, rows and SHA-256
    chunks.jsonl                 the journal: one line per finished chunk, appended and fsync'd
                                 after its part file is in place
    results.parquet/             the results dataset: part-000012.parquet per chunk (renamed into
                                 place when complete), and _metadata / _common_metadata at the end

Rules that make a crash at any moment safe (``tests/test_study_folder.py`` kills the process at
random moments and compares the result with an uninterrupted run's, file for file):

- one process at a time: :func:`fcntl.flock` on the folder itself (released by the kernel when
  the process ends, even after ``kill -9``); a second process is refused at once;
- a chunk counts only once its journal line is on disk, and only while its part file has the
  recorded size and SHA-256. A part without a line (killed between the rename and the journal),
  a damaged part, a half-written last line, a staged ``.tmp`` file: each is removed and the chunk
  computed again (the points depend only on the plan, so it comes out identical);
- a folder is claimed only when it is empty or holds nothing but what a study writes (a folder
  whose first manifest never reached the disk is still this study's); ``--restart`` removes
  exactly those files and keeps anything else;
- the manifest records the scenario digest, the plan and the fingerprint of the plugin set; a
  folder of another study, of another plugin set or of an older layout is refused with the way
  out (another ``--out``, the same plugins, or ``--restart``).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sandbox.output.atomic import fsync_dir, remove_stale, write_all

FORMAT = 2
KIND = "sandbox study"
MANIFEST = "manifest.json"
JOURNAL = "chunks.jsonl"
DATASET = "results.parquet"
#: Files and folders of the earlier layout (format 1), removed by ``--restart``.
LEGACY = ("parts",)
_PART = re.compile(r"^part-(\d{6,})\.parquet$")


class FolderError(Exception):
    """The folder cannot hold this study; the message says why and how to recover."""


@dataclass
class ChunkRecord:
    """One finished chunk: its part file, size (bytes), SHA-256, rows, point range and per-chunk facts."""

    chunk: int
    file: str
    bytes: int
    sha256: str
    rows: int
    start: int
    stop: int
    invalid: dict[str, int] = field(default_factory=dict)
    failures: dict[str, list[str]] = field(default_factory=dict)
    notes: dict[str, list[str]] = field(default_factory=dict)  # per architecture (batch.PointResults.notes)
    unread: list[str] | None = None  # batch.PointResults.unread (None: not known, or a journal line without it)

    def line(self, study: str) -> str:
        return json.dumps({"study": study, **asdict(self)}, sort_keys=True) + "\n"

    @classmethod
    def parse(cls, doc: Any, study: str) -> ChunkRecord | None:
        """The record of a journal line, or None when it is not a well-formed line of ``study``."""
        if not isinstance(doc, dict) or doc.get("study") != study:
            return None
        try:
            rec = cls(int(doc["chunk"]), str(doc["file"]), int(doc["bytes"]), str(doc["sha256"]), int(doc["rows"]),
                      int(doc["start"]), int(doc["stop"]),
                      {str(k): int(v) for k, v in dict(doc.get("invalid", {})).items()},
                      {str(k): [str(m) for m in v] for k, v in dict(doc.get("failures", {})).items()},
                      {str(k): [str(m) for m in v] for k, v in dict(doc.get("notes", {})).items()},
                      None if doc.get("unread") is None else [str(m) for m in doc["unread"]])
        except (KeyError, TypeError, ValueError):
            return None
        return rec if rec.file == part_name(rec.chunk) and len(rec.sha256) == 64 else None


def _ours_in_dataset(q: Path) -> bool:
    """Whether ``q`` (an entry of the dataset folder) is a file a study writes there: a part (``part-*.parquet``,
    a damaged name included), the metadata, or a staged part."""
    name = q.name
    return (name.startswith("part-") and name.endswith(".parquet")) or name in ("_metadata", "_common_metadata") or (
        name.startswith(".") and name.endswith(".tmp"))


def part_name(chunk: int) -> str:
    return f"part-{chunk:06d}.parquet"


def staged_part_name(chunk: str | int, marker: str) -> str:
    """The name a worker gives the part of ``chunk`` it writes for the run of ``marker``
    (``"*"`` as the chunk: the glob of all of them)."""
    part = part_name(chunk) if isinstance(chunk, int) else f"part-{chunk}.parquet"
    return f".{part}.{marker.removesuffix('.tmp').lstrip('.')}.tmp"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _show(path: Path) -> str:
    return os.fsencode(path).decode("utf-8", "replace")


class StudyFolder:
    """The output folder of one study, locked for as long as this object is open.

    ``outputs``: names of the final files the study writes besides the manifest, journal and
    dataset (tables, figures, report): together they are what ``--restart`` may remove.
    """

    def __init__(self, path: Path, outputs: Iterable[str] = ()):
        self.path = Path(path)
        self.dataset = self.path / DATASET
        self.outputs = set(outputs)
        self.notes: list[str] = []
        self.records: dict[int, ChunkRecord] = {}
        self._fd: int | None = None
        self._study = ""
        self._journal: Any = None

    # ------------------------------------------------------------------ lock
    def lock(self) -> None:
        """Create the folder if needed and take its lock; :class:`FolderError` if another process has it."""
        shown = _show(self.path)
        if self.path.is_symlink() and not self.path.exists():
            raise FolderError(f"--out {shown}: is a symbolic link to {_show(os.readlink(self.path))}, which does not exist")
        if self.path.exists() and not self.path.is_dir():
            raise FolderError(f"--out {shown}: exists and is not a folder")
        self.path.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise FolderError(f"--out {shown}: another sandbox process is writing this study folder; wait for it to "
                              "finish (or stop it), then run the command again") from None
        self._fd = fd

    def close(self) -> None:
        if self._journal is not None:
            self._journal.close()
            self._journal = None
        if self._fd is not None:
            os.close(self._fd)  # releases the lock
            self._fd = None

    def __enter__(self) -> StudyFolder:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # ------------------------------------------------------------------ open
    def open(self, manifest: dict[str, Any], restart: bool = False) -> dict[int, ChunkRecord]:
        """Claim the folder for the study described by ``manifest`` and return the chunks already done.

        ``manifest`` must carry ``study_key`` and ``plugin_fingerprint``; it is written with
        status ``running``.
        """
        if self._fd is None:
            self.lock()
        shown = _show(self.path)
        remove_stale(self.path)
        remove_stale(self.dataset)
        old = self._read_manifest()
        if old is None:  # nothing, or what a start killed before its manifest reached the disk leaves
            self._refuse_strangers(self._strangers(started=False), "exists and is not a study folder")
            self._clear()
        elif isinstance(old, str):
            ours = (self._kind_is_study() or (self.path / JOURNAL).is_file() or self.dataset.is_dir()
                    or any((self.path / name).is_dir() for name in LEGACY))
            if not restart or not ours:
                how = ("pass --restart to recompute the study here (it removes only the files a study writes), or "
                       "choose another --out") if ours else "choose another --out"
                raise FolderError(f"--out {shown}: {old}; {how}")
            self._clear()
        elif restart:
            self._clear()
        else:
            self._check_same(old, manifest)
        self._study = manifest["study_key"]
        self.dataset.mkdir(exist_ok=True)
        write_all(self.path, {MANIFEST: json.dumps({**manifest, "status": "running"}, indent=2, default=str)})
        self.records = self._load_journal()
        self._journal = open(self.path / JOURNAL, "a", encoding="utf-8")  # noqa: SIM115 - kept open while running
        return dict(self.records)

    def _read_manifest(self) -> dict[str, Any] | str | None:
        """The manifest, None when there is none, or a text saying why it cannot be used."""
        path = self.path / MANIFEST
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
            return f"manifest.json cannot be read ({getattr(exc, 'strerror', None) or exc})"
        try:
            doc = json.loads(text)
        except ValueError:
            return "manifest.json is not valid JSON"
        if not isinstance(doc, dict) or doc.get("kind") != KIND:
            return "manifest.json is not a sandbox study manifest"
        if doc.get("format") != FORMAT:
            return (f"the study was written by another version of the sandbox (layout {doc.get('format', 1)!r}, "
                    f"this one reads {FORMAT})")
        if not isinstance(doc.get("study_key"), str) or not isinstance(doc.get("plugin_fingerprint"), str):
            return "manifest.json lacks the study key or the plugin fingerprint"
        return doc

    def _kind_is_study(self) -> bool:
        try:
            doc = json.loads((self.path / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            return False
        return isinstance(doc, dict) and doc.get("kind") == KIND

    def _check_same(self, old: dict[str, Any], new: dict[str, Any]) -> None:
        shown = _show(self.path)
        if old["study_key"] != new["study_key"]:
            scenario = old.get("scenario") if isinstance(old.get("scenario"), dict) else {}
            plan = old.get("plan") if isinstance(old.get("plan"), dict) else {}
            raise FolderError(f"--out {shown}: holds another study ({scenario.get('path')}, {plan.get('method')}, "
                              f"seed {plan.get('seed')}); choose another --out, or pass --restart to replace it")
        if old["plugin_fingerprint"] != new["plugin_fingerprint"]:
            was = {(p.get("name"), p.get("version")) for p in old.get("plugins", []) if isinstance(p, dict)}
            now = {(p.get("name"), p.get("version")) for p in new.get("plugins", []) if isinstance(p, dict)}
            gone = sorted(f"{n} {v}".strip() for n, v in was - now)
            added = sorted(f"{n} {v}".strip() for n, v in now - was)
            diff = "; ".join(x for x in (f"missing now: {', '.join(gone)}" if gone else "",
                                         f"new now: {', '.join(added)}" if added else "") if x) or \
                "the same plugins with other code"
            raise FolderError(f"--out {shown}: was computed with another set of plugins ({diff}); resume it with "
                              "the plugins it was started with (SANDBOX_PLUGINS, --plugin), or pass --restart to "
                              "recompute it with these")

    def _known(self, p: Path, started: bool = True) -> bool:
        """Whether ``p`` (an entry of the folder) is something a study writes: before its manifest
        exists (``started=False``) only the dataset, the journal and staged files."""
        name = p.name
        if name.startswith(".") and name.endswith(".tmp"):
            return True
        if name in (DATASET, *LEGACY):
            return p.is_dir() and not p.is_symlink() and all(_ours_in_dataset(q) for q in p.iterdir())
        if name == JOURNAL:
            return p.is_file()
        return started and (name == MANIFEST or name in self.outputs)

    def _strangers(self, started: bool = True) -> list[str]:
        return sorted(p.name for p in self.path.iterdir() if not self._known(p, started))

    def _refuse_strangers(self, strangers: list[str], what: str) -> None:
        if strangers:
            more = f" and {len(strangers) - 1} more" if len(strangers) > 1 else ""
            raise FolderError(f"--out {_show(self.path)}: {what} (it holds {strangers[0]!r}{more}); choose an empty "
                              "or new folder")

    def _clear(self) -> None:
        """Remove every file a study writes (and nothing else: a file of the user's in the dataset folder is
        refused before anything is removed)."""
        if self.dataset.is_dir() and not self.dataset.is_symlink():
            theirs = sorted(q.name for q in self.dataset.iterdir() if not _ours_in_dataset(q))
            if theirs:
                more = f" and {len(theirs) - 1} more" if len(theirs) > 1 else ""
                raise FolderError(f"--out {_show(self.path)}: {DATASET}/{theirs[0]}{more} is not a file a study writes; "
                                  "move it away (--restart removes only what a study writes)")
        for p in self.path.iterdir():
            if p.name == DATASET and p.is_dir() and not p.is_symlink():
                shutil.rmtree(p)  # the study's parts, metadata and staged files only (checked above)
            elif self._known(p):
                if p.is_dir() and not p.is_symlink():
                    shutil.rmtree(p)
                else:
                    p.unlink()
        fsync_dir(self.path)

    # ------------------------------------------------------------------ journal
    def _load_journal(self) -> dict[int, ChunkRecord]:
        """Chunks whose journal line and part file agree; everything else in the dataset is removed."""
        path = self.path / JOURNAL
        records: dict[int, ChunkRecord] = {}
        changed = False
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raw = b""
        lines = raw.split(b"\n")
        if lines and lines[-1] != b"":
            changed = True  # a line cut short by a crash: not counted
        for line in lines[:-1]:
            try:
                rec = ChunkRecord.parse(json.loads(line.decode("utf-8")), self._study)
            except (UnicodeDecodeError, ValueError):
                rec = None
            if rec is None:
                changed = True
                self.notes.append(f"{JOURNAL}: dropped a line that is not a record of this study")
                continue
            records[rec.chunk] = rec  # the last line of a chunk wins
        for chunk, rec in list(records.items()):
            problem = self._part_problem(rec)
            if problem:
                self.notes.append(f"{DATASET}/{rec.file}: {problem}; computing chunk {chunk} again")
                (self.dataset / rec.file).unlink(missing_ok=True)
                del records[chunk]
                changed = True
        listed = {r.file for r in records.values()}
        unlisted = [p for p in sorted(self.dataset.iterdir()) if p.name not in listed]
        for p in unlisted:  # anything not the study's is named before anything is removed
            if not (_PART.match(p.name) or p.name in ("_metadata", "_common_metadata")):
                how = (", or pass --restart to recompute the study" if _ours_in_dataset(p)  # a damaged part's name
                       else " (--restart removes only what a study writes)")
                raise FolderError(f"--out {_show(self.path)}: {DATASET}/{p.name} is not part of this study; move it "
                                  f"away{how}")
        for p in unlisted:
            p.unlink()  # a part whose journal line never reached the disk, or metadata to rewrite
            changed = changed or bool(_PART.match(p.name))
        if changed:
            write_all(self.path, {JOURNAL: "".join(records[c].line(self._study) for c in sorted(records))})
        return records

    def _part_problem(self, rec: ChunkRecord) -> str:
        path = self.dataset / rec.file
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            return "missing"
        if size != rec.bytes:
            return f"{size:,} bytes instead of {rec.bytes:,}"
        if sha256_file(path) != rec.sha256:
            return "checksum mismatch"
        return ""

    def add(self, rec: ChunkRecord, data: bytes) -> None:
        """Put a finished chunk's part file in place, then record it in the journal (both on disk)."""
        write_all(self.dataset, {rec.file: data})
        self._journal_part(rec)

    def _journal_part(self, rec: ChunkRecord) -> None:
        """The part of ``rec`` is in place: flush the folder's entries, then append its journal line (on disk)."""
        fsync_dir(self.dataset)
        self._journal.write(rec.line(self._study))
        self._journal.flush()
        os.fsync(self._journal.fileno())
        self.records[rec.chunk] = rec

    def open_incoming(self) -> str:
        """Create this run's marker file in the dataset folder and return its name: workers that see
        it write their parts there themselves (:func:`sandbox.studies.chunks.stage_part`)."""
        import secrets

        name = f".incoming-{secrets.token_hex(8)}.tmp"
        (self.dataset / name).touch()
        return name

    def close_incoming(self, marker: str) -> None:
        """Remove the marker and any part a worker staged that was not put in place."""
        for p in self.dataset.glob(staged_part_name("*", marker)):
            p.unlink(missing_ok=True)
        (self.dataset / marker).unlink(missing_ok=True)

    def add_staged(self, rec: ChunkRecord, staged: str) -> bool:
        """Put a part a worker wrote as ``staged`` in place and journal it, as :meth:`add` does with
        bytes; False (and the staged file removed) when it is not there with the recorded size: the
        chunk is then computed again."""
        path = self.dataset / staged
        if os.sep in staged or not staged.startswith(f".{rec.file}.") or not staged.endswith(".tmp"):
            return False
        try:
            ok = path.stat().st_size == rec.bytes
        except FileNotFoundError:
            return False
        if not ok:
            path.unlink(missing_ok=True)
            return False
        os.replace(path, self.dataset / rec.file)
        self._journal_part(rec)
        return True

    def replace(self, rec: ChunkRecord, data: bytes) -> None:
        """Rewrite a chunk's part (same rows, another layout) and record its new checksum."""
        self.add(rec, data)

    def verify(self, chunks: int, expected_rows: Any) -> list[tuple[int | None, str]]:
        """What keeps the study from being complete, as (chunk or None, problem): missing chunks,
        parts of the wrong size, checksum or row count, chunks outside the plan."""
        problems: list[tuple[int | None, str]] = []
        missing = [c for c in range(chunks) if c not in self.records]
        if missing:
            problems.append((None, f"{len(missing)} of {chunks} chunks missing (first: {missing[0]})"))
        for c in sorted(self.records):
            rec = self.records[c]
            if c >= chunks:
                problems.append((c, f"chunk {c} is not part of the plan ({chunks} chunks)"))
                continue
            problem = self._part_problem(rec)
            if problem:
                problems.append((c, f"{DATASET}/{rec.file}: {problem}"))
            elif rec.rows != expected_rows(c):
                problems.append((c, f"{DATASET}/{rec.file}: {rec.rows:,} rows instead of {expected_rows(c):,}"))
        return problems

    def drop(self, chunk: int) -> None:
        """Forget a chunk (its part file is removed; a later run computes it again)."""
        rec = self.records.pop(chunk, None)
        if rec is not None:
            (self.dataset / rec.file).unlink(missing_ok=True)
            write_all(self.path, {JOURNAL: "".join(self.records[c].line(self._study) for c in sorted(self.records))})
            if self._journal is not None:
                self._journal.close()
                self._journal = open(self.path / JOURNAL, "a", encoding="utf-8")  # noqa: SIM115

    def parts(self) -> list[Path]:
        """The part files, in chunk order."""
        return [self.dataset / self.records[c].file for c in sorted(self.records)]
