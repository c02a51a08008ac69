"""One chunk of a study as a Parquet part: built and, when it can, written where the chunk is evaluated (a worker).

A part holds the rows of a range of points for every architecture (architecture-major, points
in order): ``point`` (int64), ``architecture`` and ``type`` (strings, dictionary-encoded in the
file), the drawn inputs (float64, or the listed values), ``valid`` (bool), ``error`` (string) and
every metric as **float32**: a 24-bit significand, so a stored metric is within 2⁻²⁴ ≈ 6×10⁻⁸
of the computed value (relative) — far below the spread of any input a study varies — and
counts are exact up to 16,777,216. The same worker also returns what the coordinator needs
without reading the part again: its SHA-256, its size, the invalid rows and failure messages per
architecture, and — for large studies — the chunk's :class:`~sandbox.studies.summary.Sketch`; the coordinator
renames a part the worker wrote into place (:func:`stage_part`) or writes the bytes it received.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from sandbox.output.atomic import stage
from sandbox.studies.folder import part_name, staged_part_name
from sandbox.studies.summary import Sketch

#: ``error`` of a row whose drawn inputs were physically impossible (metrics NaN; not a failure).
IMPOSSIBLE = "impossible inputs"
#: Columns before the inputs, and between the inputs and the metrics.
HEAD = ("point", "architecture", "type")
FLAGS = ("valid", "error")
#: Field-metadata key of a metric column's display unit (set for the metrics a plugin reports).
UNIT_KEY = b"unit"


@dataclass(frozen=True)
class ChunkTask:
    """What a worker needs for one chunk besides the :class:`~sandbox.studies.executor.Job`.

    ``inputs``: one array per input, or None when the coordinator sends only the ``plan`` and the
    point range ``start``–``stop``: the worker then draws the points itself (:meth:`resolved`;
    the draws do not depend on who makes them), so a cluster's coordinator neither draws nor ships
    them (a Monte Carlo chunk of 10^5 points over every uncertain input is ≈ 100 MB of arrays).
    """

    chunk: int
    start: int
    inputs: dict | None
    sketch: bool = False
    plan: Any = None
    stop: int = 0
    #: The dataset folder and the name of the marker file the coordinator put in it
    #: (:func:`stage_part`); empty: the part travels back as bytes.
    write_dir: str = ""
    marker: str = ""

    def resolved(self) -> ChunkTask:
        """This task with its inputs (drawn from the plan here when they were not sent)."""
        if self.inputs is not None:
            return self
        from sandbox.studies.plans import points

        return replace(self, inputs=points(self.plan, self.start, self.stop))


class ColumnClash(ValueError):
    """A study input (``<instance>.<parameter>``) and a plugin's metric share a column name (the ledger's own
    metric families are refused when the plan is read: sandbox.studies.plans)."""


def _clash(column: str) -> ColumnClash:
    instance = column.split(".", 1)[0]
    return ColumnClash(f"sweep.params.{column}: the architecture {instance!r} also reports a metric named {column!r}, "
                       "so the input and the metric would share one column; rename the architecture in [architectures] "
                       f"(e.g. [architectures.{instance}-1] with its type) and run with --restart")


def _column(values: Any) -> Any:
    import pyarrow as pa

    values = np.asarray(values)
    if values.dtype == object:
        items = values.tolist()
        if any(isinstance(v, list | tuple | dict) for v in items):  # a list parameter's values: as JSON text
            import json

            return pa.array([json.dumps(v) for v in items], type=pa.string())
        return pa.array(items)
    return pa.array(values)


def _strings(codes: np.ndarray, names: list[str]) -> Any:
    """A string column from per-row codes into ``names`` (built as a dictionary array, decoded in C++)."""
    import pyarrow as pa

    return pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int32)), pa.array(names, type=pa.string())).cast(
        pa.string())


def part_table(task: ChunkTask, result: dict[str, Any]) -> tuple[Any, dict[str, int], dict[str, list[str]], Any]:
    """The Arrow table of an evaluated chunk, its invalid rows and failures per architecture and,
    when ``task.sketch``, its sketch."""
    import pyarrow as pa

    n = result["n"]
    instances = list(result["columns"])
    metrics: list[str] = []
    for cols in result["columns"].values():
        metrics.extend(k for k in cols if k != "valid" and k not in metrics)
    k = len(instances)
    shared = sorted(set(metrics) & set(task.inputs))
    if shared:  # an input column `<instance>.<param>` and a plugin's metric of the same name: one would overwrite the other
        raise _clash(shared[0])
    invalid: dict[str, int] = {}
    failures: dict[str, list[str]] = {}
    groups = []
    valid_all = np.empty(n * k, dtype=bool)
    messages = ["", IMPOSSIBLE]
    error_codes = np.zeros(n * k, dtype=np.int64)
    block = np.full((len(metrics), n * k), np.nan, dtype=np.float32)
    for i, instance in enumerate(instances):
        rows = slice(i * n, (i + 1) * n)
        cols = result["columns"][instance]
        valid = np.asarray(cols.get("valid", np.zeros(n, dtype=bool)), dtype=bool)
        valid_all[rows] = valid
        bad = np.flatnonzero(~valid)
        if bad.size:
            row_errors = result["row_errors"].get(instance, np.full(n, "", dtype=object))
            texts = np.asarray(row_errors, dtype=object)[bad]
            uniq, inverse = np.unique(texts.astype(str), return_inverse=True)
            codes = np.empty(len(uniq), dtype=np.int64)
            for j, text in enumerate(uniq.tolist()):
                if text == "":
                    codes[j] = 1  # no failure message: the drawn inputs were impossible
                else:
                    if text not in messages:
                        messages.append(text)
                    codes[j] = messages.index(text)
            error_codes[i * n + bad] = codes[inverse]
            failed = sorted(t for t in uniq.tolist() if t)
            if failed:
                failures[instance] = failed
        invalid[instance] = int(bad.size)
        for j, m in enumerate(metrics):
            if m in cols:
                block[j, rows] = np.asarray(cols[m], dtype=np.float32)
        if task.sketch:
            groups.append((instance, block[:, rows][:, valid]))
    columns: dict[str, Any] = {
        "point": pa.array(np.tile(np.arange(task.start, task.start + n, dtype=np.int64), k)),
        "architecture": _strings(np.repeat(np.arange(k), n), instances),
        "type": _strings(np.repeat(np.arange(k), n), [result["types"][i] for i in instances]),
    }
    for key, values in task.inputs.items():
        columns[key] = _column(np.tile(np.asarray(values), k))
    columns["valid"] = pa.array(valid_all)
    columns["error"] = _strings(error_codes, messages)
    for j, m in enumerate(metrics):
        columns[m] = pa.array(block[j], type=pa.float32())
    units = result.get("units", {})
    # a plugin metric's unit travels in its field's metadata (the engine's own metrics know theirs: unit_of_metric)
    table = pa.table(columns, schema=pa.schema([
        pa.field(name, col.type, metadata={UNIT_KEY: units[name]} if units.get(name) else None)
        for name, col in columns.items()]))
    sketch = Sketch.of(groups, metrics) if task.sketch else None
    return table, invalid, failures, sketch


def to_bytes(table: Any) -> bytes:
    """A Parquet file of ``table``: snappy (pandas' default, readable everywhere; zstd is 20 % smaller
    and 2× slower to write), strings dictionary-encoded (an architecture name is stored once per page),
    numbers plain (dictionary-encoding floats costs 2-4× the time and saves nothing)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    strings = [f.name for f in table.schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)]
    buf = io.BytesIO()
    pq.write_table(table, buf, compression="snappy", use_dictionary=strings)
    return buf.getvalue()


def build_part(task: ChunkTask, result: dict[str, Any]) -> dict[str, Any]:
    """Everything the coordinator records for an evaluated chunk: the part's bytes and facts."""
    table, invalid, failures, sketch = part_table(task, result)
    data = to_bytes(table)
    return {"chunk": task.chunk, "n": result["n"], "part": data, "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(), "rows": table.num_rows, "invalid": invalid,
            "failures": failures, "notes": result.get("notes", {}), "unread": result.get("unread"), "sketch": sketch}


def stage_part(task: ChunkTask, out: dict[str, Any]) -> dict[str, Any]:
    """Write the part next to its final place when this process sees the coordinator's folder.

    The worker writes ``.<part file>.<marker>.tmp`` in ``task.write_dir`` (flushed to disk) and
    returns its name as ``out["staged"]`` instead of the bytes; the coordinator only checks its
    size, renames it into place and journals it. It does so only when the marker file the
    coordinator created for this run exists in that folder (a random name: a worker on another
    machine never takes its own folder of the same path for the coordinator's); otherwise the
    part travels back as bytes. A ``.tmp`` file a killed run leaves is removed when the folder is
    next opened.
    """
    if not task.write_dir or not task.marker or out.get("part") is None:
        return out
    folder = Path(task.write_dir)
    if not (folder / task.marker).is_file():
        return out
    name = stage(folder / part_name(task.chunk), out["part"], staged_part_name(task.chunk, task.marker)).name
    out["staged"], out["part"] = name, None
    return out


def field_units(schema: Any) -> dict[str, str]:
    """The units a part's fields carry in their metadata (a plugin's metrics), by column."""
    return {f.name: f.metadata[UNIT_KEY].decode("utf-8") for f in schema
            if f.metadata and UNIT_KEY in f.metadata}


def metric_columns(names: list[str], inputs: list[str]) -> list[str]:
    """The metric columns among a part's column ``names``."""
    skip = {*HEAD, *FLAGS, *inputs}
    return [c for c in names if c not in skip]


def sketch_of(table: Any, inputs: list[str]) -> Sketch:
    """The sketch of a part read back from disk (the same as the one made when it was written)."""
    metrics = metric_columns(table.column_names, inputs)
    arch = np.asarray(table.column("architecture").to_pylist(), dtype=object)
    valid = table.column("valid").to_numpy(zero_copy_only=False)
    present = [m for m in metrics if m in table.column_names]
    block = np.vstack([table.column(m).to_numpy(zero_copy_only=False).astype(np.float32, copy=False)
                       for m in present]) if present else np.empty((0, table.num_rows), np.float32)
    groups = []
    for instance in dict.fromkeys(arch.tolist()):
        rows = (arch == instance) & valid
        groups.append((instance, block[:, rows]))
    return Sketch.of(groups, present)
