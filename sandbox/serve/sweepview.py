"""A finished sweep folder, aggregated on the server: the browser gets summaries, never the rows.

A folder written by ``sandbox sweep`` holds ``manifest.json`` (the plan: its input dimensions with
units) and ``results.parquet`` (one row per point and architecture: a file, or a partitioned
dataset of one part per chunk). Columns are read with pyarrow's dataset reader as they are needed
(float64 in memory) and kept per folder; a view request names a metric, optional filters (an
architecture set, a [low, high] range per input) and what to aggregate:

- ``summary``: valid rows, p5 / p50 / p95 and mean per architecture (numpy's linear percentiles,
  as ``summary.csv``);
- ``histogram``: counts per architecture over shared bin edges (log-spaced when the metric spans
  more than two decades) — :data:`BINS` bins;
- ``heatmap``: the median of the metric per cell of two inputs for one architecture (each input
  binned by its distinct values when it has at most :data:`MAX_LEVELS`, else into :data:`BINS`
  equal bins, log-spaced for a log-scaled dimension);
- ``pareto``: per architecture, the rows no other row of it beats on both the metric and a second
  one (both minimised; identical pairs count once), at most :data:`MAX_FRONT` of them each.

Whatever the study's size, a response holds at most a few thousand numbers.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np

BINS = 40
MAX_LEVELS = 40
MAX_FRONT = 500
_FIXED = ("point", "architecture", "type", "valid", "error")


class SweepViewError(ValueError):
    """A folder that is not a finished sweep, or a view request that names unknown columns."""


class SweepFolder:
    """One finished sweep folder named on the command line (``id`` is its number in the page)."""

    def __init__(self, sid: int, path: Path):
        import pyarrow.dataset as ds

        self.id = sid
        self.path = path
        manifest = path / "manifest.json"
        results = path / "results.parquet"
        try:
            self.manifest = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SweepViewError(f"{path}: no readable manifest.json ({exc}); expected a folder written by `sandbox sweep`") from None
        if not results.exists():
            raise SweepViewError(f"{path}: no results.parquet (is the sweep finished? `sandbox sweep` resumes it)")
        self.results = results
        try:  # a file, or (since the streaming study folders) a partitioned dataset of one part per chunk
            self.dataset = ds.dataset(results, format="parquet")
            self.schema = self.dataset.schema
        except Exception as exc:
            raise SweepViewError(f"{results}: not a readable Parquet dataset ({exc})") from None
        names = list(self.schema.names)
        plan = self.manifest.get("plan", {})
        self.dims = [d for d in plan.get("dimensions", []) if d.get("key") in names]
        dim_keys = {d["key"] for d in self.dims}
        self.metrics = [n for n in names if n not in _FIXED and n not in dim_keys]
        self.rows = self.dataset.count_rows()
        self._cols: dict[str, np.ndarray] = {}
        arch = self.column("architecture")
        self.architectures = list(dict.fromkeys(arch.tolist()))

    # ------------------------------------------------------------------ columns
    def column(self, name: str) -> np.ndarray:
        """One column as a numpy array (read once, then kept)."""
        if name not in self._cols:
            if name not in self.schema.names:
                raise SweepViewError(f"{self.path.name}: no column {name!r}")
            col = self.dataset.to_table(columns=[name]).column(name)
            if name in ("architecture", "type", "error"):
                arr = np.asarray(col.to_pylist(), dtype=object)
            else:
                arr = col.to_numpy(zero_copy_only=False)
                if arr.dtype != bool:
                    arr = arr.astype(float)
            self._cols[name] = arr
        return self._cols[name]

    def meta(self) -> dict[str, Any]:
        plan = self.manifest.get("plan", {})
        return {
            "id": self.id, "name": self.path.name, "scenario": self.manifest.get("scenario", {}).get("name", ""),
            "method": plan.get("method"), "points": plan.get("points"), "seed": plan.get("seed"), "rows": self.rows,
            "architectures": self.architectures,
            "dims": [{"key": d["key"], "unit": d.get("unit", ""), "low": self._range(d["key"])[0],
                      "high": self._range(d["key"])[1], "scale": d.get("scale", "linear")} for d in self.dims],
            "metrics": self.metrics,
        }

    def _range(self, key: str) -> tuple[float, float]:
        col = self.column(key)
        return float(np.nanmin(col)), float(np.nanmax(col))

    # ------------------------------------------------------------------ filtering
    def mask(self, filters: dict[str, Any] | None) -> np.ndarray:
        """Rows that are valid and pass the filters: ``{"architectures": [...], "<dim>": [low, high]}``.

        An ``architectures`` list keeps the rows of those architectures (an empty list keeps none: the
        page sends it when every architecture box is unchecked); no ``architectures`` keeps them all.
        """
        if filters is None:
            filters = {}
        if not isinstance(filters, dict):
            raise SweepViewError(f"filters: expected an object of input → [low, high], got {_short(filters)}")
        keep = np.asarray(self.column("valid"), dtype=bool).copy()
        archs = filters.get("architectures")
        if archs is not None:
            if not isinstance(archs, list) or any(not isinstance(a, str) or a not in self.architectures for a in archs):
                raise SweepViewError(f"architectures: expected a list of some of {', '.join(self.architectures)}, "
                                     f"got {_short(archs)}")
            keep &= np.isin(self.column("architecture"), archs)
        dims = {d["key"] for d in self.dims}
        for key, bounds in filters.items():
            if key == "architectures":
                continue
            if key not in dims:
                raise SweepViewError(f"filter {_short(key)}: not an input of this sweep")
            lo, hi = _bounds(key, bounds)
            col = self.column(key)
            keep &= (col >= lo) & (col <= hi)
        return keep

    # ------------------------------------------------------------------ views
    def view(self, request: dict[str, Any]) -> dict[str, Any]:
        """The aggregates a page asks for (see the module docstring)."""
        for name in ("metric", "metric2", "x", "y", "architecture"):
            if request.get(name) is not None and not isinstance(request.get(name), str):
                raise SweepViewError(f"{name}: expected a name (text), got {_short(request.get(name))}")
        metric = request.get("metric") or "cost.per_pflop_day"
        if metric not in self.metrics:
            raise SweepViewError(f"metric {_short(metric)}: not a column of this sweep")
        keep = self.mask(request.get("filters"))
        values = self.column(metric)
        arch = self.column("architecture")
        finite = keep & np.isfinite(values)
        out: dict[str, Any] = {"metric": metric, "rows": int(keep.sum()), "summary": {}, "histogram": None}
        for a in self.architectures:
            v = values[finite & (arch == a)]
            if v.size:
                p5, p50, p95 = np.percentile(v, [5, 50, 95])
                out["summary"][a] = {"n": int(v.size), "mean": float(v.mean()), "p5": float(p5), "p50": float(p50),
                                     "p95": float(p95), "min": float(v.min()), "max": float(v.max())}
        if finite.any():
            out["histogram"] = self._histogram(values, arch, finite)
        x, y = request.get("x"), request.get("y")
        if x and y:
            out["heatmap"] = self._heatmap(values, finite, x, y, request.get("architecture") or self._first(finite))
        second = request.get("metric2")
        if second:
            out["pareto"] = self._pareto(metric, second, keep)
        return out

    def _first(self, finite: np.ndarray) -> str:
        arch = self.column("architecture")
        present = [a for a in self.architectures if (finite & (arch == a)).any()]
        # no row left (every row filtered out): the first architecture of the sweep, its heat map empty
        present = present or self.architectures
        return next((a for a in present if a != self.manifest.get("baseline")), present[0] if present else "")

    def _histogram(self, values: np.ndarray, arch: np.ndarray, finite: np.ndarray) -> dict[str, Any]:
        v = values[finite]
        lo, hi = float(v.min()), float(v.max())
        log = lo > 0 and hi / lo > 100
        if hi == lo:
            edges = np.array([lo - 0.5, hi + 0.5]) if lo == 0 else np.array([lo * 0.99, hi * 1.01])
        else:
            edges = np.geomspace(lo, hi, BINS + 1) if log else np.linspace(lo, hi, BINS + 1)
        counts = {}
        for a in self.architectures:
            sel = values[finite & (arch == a)]
            if sel.size:
                counts[a] = np.histogram(sel, bins=edges)[0].tolist()
        return {"edges": edges.tolist(), "log": bool(log), "counts": counts}

    def _levels(self, key: str, col: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(cell index per row, cell centres) of input ``key``."""
        uniq = np.unique(col[np.isfinite(col)])
        if uniq.size <= MAX_LEVELS:
            return np.searchsorted(uniq, col), uniq
        dim = next(d for d in self.dims if d["key"] == key)
        lo, hi = float(uniq[0]), float(uniq[-1])
        log = dim.get("scale") == "log" and lo > 0
        edges = np.geomspace(lo, hi, BINS + 1) if log else np.linspace(lo, hi, BINS + 1)
        idx = np.clip(np.searchsorted(edges, col, side="right") - 1, 0, BINS - 1)
        centres = np.sqrt(edges[:-1] * edges[1:]) if log else (edges[:-1] + edges[1:]) / 2
        return idx, centres

    def _heatmap(self, values: np.ndarray, finite: np.ndarray, x: str, y: str, architecture: str) -> dict[str, Any]:
        keys = {d["key"] for d in self.dims}
        for k in (x, y):
            if k not in keys:
                raise SweepViewError(f"heat map input {_short(k)}: not an input of this sweep")
        if architecture not in self.architectures:
            raise SweepViewError(f"architecture {_short(architecture)}: not in this sweep")
        rows = finite & (self.column("architecture") == architecture)
        xi, xc = self._levels(x, self.column(x))
        yi, yc = self._levels(y, self.column(y))
        z = np.full((yc.size, xc.size), np.nan)
        if rows.any():
            cell = yi[rows] * xc.size + xi[rows]
            v = values[rows]
            order = np.lexsort((v, cell))
            cell, v = cell[order], v[order]
            starts = np.flatnonzero(np.r_[True, cell[1:] != cell[:-1]])
            ends = np.r_[starts[1:], cell.size]
            for s, e in zip(starts, ends, strict=True):
                z.flat[cell[s]] = float(np.median(v[s:e]))
        return {"x": x, "y": y, "architecture": architecture, "xs": xc.tolist(), "ys": yc.tolist(),
                "z": [[None if math.isnan(c) else c for c in row] for row in z.tolist()]}

    def _pareto(self, metric: str, second: str, keep: np.ndarray) -> dict[str, Any]:
        """Per architecture, the rows that no other row of that architecture beats on both metrics."""
        if second not in self.metrics:
            raise SweepViewError(f"metric2 {_short(second)}: not a column of this sweep")
        a, b = self.column(metric), self.column(second)
        arch, point = self.column("architecture"), self.column("point")
        ok = keep & np.isfinite(a) & np.isfinite(b)
        fronts: dict[str, Any] = {}
        for name in self.architectures:
            rows = np.flatnonzero(ok & (arch == name))
            if not rows.size:
                continue
            front = pareto_front(a[rows], b[rows])
            idx = rows[front]
            total = int(idx.size)
            if idx.size > MAX_FRONT:
                idx = idx[np.linspace(0, idx.size - 1, MAX_FRONT).round().astype(int)]
            fronts[name] = {"size": total, "points": [
                {"x": float(a[i]), "y": float(b[i]), "point": int(point[i]),
                 "inputs": {d["key"]: float(self.column(d["key"])[i]) for d in self.dims}} for i in idx]}
        return {"metric": metric, "metric2": second, "fronts": fronts}


def pareto_front(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Indices of the non-dominated pairs (both minimised), ordered by ``x``; identical pairs count once."""
    order = np.lexsort((y, x))
    ys = y[order]
    best = np.minimum.accumulate(ys)
    on = np.r_[True, ys[1:] < best[:-1]] if order.size else np.zeros(0, bool)
    return order[on]


def _bounds(key: str, bounds: Any) -> tuple[float, float]:
    if not (isinstance(bounds, list) and len(bounds) == 2):
        raise SweepViewError(f"filter {key!r}: expected [low, high], got {_short(bounds)}")
    try:
        lo, hi = (float(b) for b in bounds)
    except (TypeError, ValueError):
        raise SweepViewError(f"filter {key!r}: expected two numbers, got {_short(bounds)}") from None
    if math.isnan(lo) or math.isnan(hi) or hi < lo:
        raise SweepViewError(f"filter {key!r}: expected low <= high, got {_short(bounds)}")
    return lo, hi


def _short(value: Any, limit: int = 60) -> str:
    """``value`` in a one-line message: its JSON text, cut at ``limit`` characters (a request's value may be
    deeply nested or long; the message stays one short line)."""
    try:
        text = repr(value) if isinstance(value, str) else json.dumps(value)
    except (TypeError, ValueError, RecursionError):
        text = type(value).__name__
    return text if len(text) <= limit else text[:limit] + "…"
