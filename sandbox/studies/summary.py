"""Study summaries built chunk by chunk: valid points, mean, p5, p50 and p95 per architecture and metric.

A study's summary must not need the whole table in memory (10⁷ points × 6 architectures × ~60
metrics would be ~30 GB), and it must be the same whatever order the chunks finish in, whether
they were computed in this process or resumed from the folder. Two ways, chosen per study:

- **exact** (studies of at most :data:`EXACT_ROWS` rows): the metric columns are read back from
  the results dataset, one architecture's valid rows at a time, and the percentiles are numpy's
  (linear interpolation between order statistics) — the figures of the table itself.
- **sketch** (larger studies): every chunk is reduced to a :class:`Sketch` when it is made — per
  architecture and metric the count and sum of the valid values and a histogram of their
  float32 bit patterns, keyed on the sign, the exponent and the first :data:`SUB_BITS` mantissa
  bits (a log-linear histogram, the bucket scheme of HdrHistogram and of DDSketch's
  "linearly interpolated" mapping: Masson, Rim & Lee, "DDSketch: a fast and fully-mergeable
  quantile sketch with relative-error guarantees", PVLDB 12(12), 2019). The sketches of all
  chunks are merged by adding integer counts, so the result does not depend on the order;
  sums are added in chunk order. A quantile is read at the bucket holding the order statistic,
  as the bucket's midpoint: its **relative error is at most** :data:`REL_ERROR` (2⁻⁸ = 0.39 %)
  of the exact percentile of the stored values, for values of one sign
  (``tests/test_study_folder.py`` checks it against numpy on a Monte Carlo table).

The stored metric values are float32 (:mod:`sandbox.studies.sweep`), so both ways summarise the
numbers in the table.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: Largest study (rows = points × architectures) summarised exactly from the table.
EXACT_ROWS = 1_000_000
#: Mantissa bits kept in a sketch bucket key: 2**SUB_BITS buckets per factor of two.
SUB_BITS = 7
#: Largest relative error of a sketch quantile (half a bucket's relative width).
REL_ERROR = 2.0 ** -(SUB_BITS + 1)
#: Percentiles in the summary, and their column names.
PERCENTILES = (5.0, 50.0, 95.0)
COLUMNS = ("architecture", "metric", "unit", "valid", "mean", "p5", "p50", "p95")
_SHIFT = 23 - SUB_BITS


def bucket_keys(values: np.ndarray) -> np.ndarray:
    """Sketch bucket of each float32 value: ``±(bits of |x|) >> (23 - SUB_BITS)``, monotone in the value."""
    bits = np.ascontiguousarray(values, dtype=np.float32).view(np.int32)
    mag = (bits & 0x7FFFFFFF) >> _SHIFT
    sign = bits >> 31  # 0 or -1 (arithmetic shift)
    return (mag ^ sign) - sign


def bucket_values(keys: np.ndarray) -> np.ndarray:
    """The value a bucket stands for: the midpoint of its bounds (0 for the bucket of ±0)."""
    keys = np.asarray(keys, dtype=np.int64)
    mag = np.abs(keys)
    lo = (mag << _SHIFT).astype(np.int32).view(np.float32).astype(np.float64)
    hi = np.minimum((mag + 1) << _SHIFT, 0x7F7FFFFF).astype(np.int32).view(np.float32).astype(np.float64)
    mid = np.where(mag == 0, 0.0, 0.5 * (lo + hi))
    return np.where(keys < 0, -mid, mid)


@dataclass
class Sketch:
    """Per (architecture, metric): count and sum of the valid values and their bucket histogram.

    ``hist[(architecture, metric)]`` is ``(first bucket key, counts)``, a dense histogram over
    consecutive keys; ``counts`` and ``sums`` hold the number and the sum of the finite values.
    """

    counts: dict[tuple[str, str], int] = field(default_factory=dict)
    sums: dict[tuple[str, str], float] = field(default_factory=dict)
    hist: dict[tuple[str, str], tuple[int, np.ndarray]] = field(default_factory=dict)

    @classmethod
    def of(cls, groups: Iterable[tuple[str, np.ndarray]], metrics: Sequence[str]) -> Sketch:
        """The sketch of one chunk: ``groups`` are ``(architecture, values)`` with ``values`` the
        ``metrics`` × valid rows (float32, one row per metric; NaN where a metric does not apply)."""
        out = cls()
        for arch, values in groups:
            values = np.ascontiguousarray(values, dtype=np.float32)
            if values.size == 0:
                continue
            finite = np.isfinite(values)
            every = bool(finite.all())
            counts = finite.sum(axis=1) if not every else np.full(len(values), values.shape[1])
            if not counts.any():
                continue
            clean = values if every else np.where(finite, values, np.float32(0.0))
            sums = clean.sum(axis=1, dtype=np.float64)
            bits = clean.view(np.int32)
            if every and bits.min() >= 0:  # the usual case: finite values >= 0 (sign bit clear)
                keys = bits >> _SHIFT
            else:
                keys = bucket_keys(clean)
            if every:
                kmin = keys.min(axis=1)
            else:
                kmin = np.where(finite, keys, np.iinfo(np.int32).max).min(axis=1)
                kmin = np.where(counts > 0, kmin, 0).astype(keys.dtype)
            keys = keys.astype(np.int64)  # bincount counts int64 (intp) keys without a copy
            keys -= kmin[:, None]
            span = (keys.max(axis=1) if every else np.where(finite, keys, 0).max(axis=1)) + 1
            base = np.concatenate(([0], np.cumsum(span)))
            keys += base[:-1, None]
            hist = np.bincount(keys.ravel() if every else keys[finite], minlength=int(base[-1]))
            for j in np.flatnonzero(counts):
                metric = metrics[j]
                out.counts[arch, metric] = int(counts[j])
                out.sums[arch, metric] = float(sums[j])
                out.hist[arch, metric] = (int(kmin[j]), hist[base[j]:base[j + 1]].astype(np.int64))
        return out

    def merge(self, other: Sketch, sums: bool = True) -> None:
        """Add ``other``'s counts and histograms to this sketch (integer counts: any order), and its
        sums unless ``sums`` is False (a float sum depends on the order: :class:`Accumulator` adds
        them in chunk order)."""
        for column, (first, counts) in other.hist.items():
            self.counts[column] = self.counts.get(column, 0) + other.counts[column]
            if sums:
                self.sums[column] = self.sums.get(column, 0.0) + other.sums[column]
            if column not in self.hist:
                self.hist[column] = (first, counts.copy())
                continue
            first0, counts0 = self.hist[column]
            lo, hi = min(first0, first), max(first0 + len(counts0), first + len(counts))
            if (lo, hi) != (first0, first0 + len(counts0)):
                grown = np.zeros(hi - lo, np.int64)
                grown[first0 - lo:first0 - lo + len(counts0)] = counts0
                first0, counts0 = lo, grown
                self.hist[column] = (first0, counts0)
            counts0[first - first0:first - first0 + len(counts)] += counts

    def quantiles(self, arch: str, metric: str, percentiles: Iterable[float] = PERCENTILES) -> list[float]:
        """Percentiles of ``metric`` for ``arch`` (linear interpolation between order statistics,
        each read as its bucket's midpoint)."""
        if (arch, metric) not in self.hist:
            return [math.nan for _ in percentiles]
        first, counts = self.hist[arch, metric]
        total = int(counts.sum())
        ends = np.cumsum(counts)  # rank r (0-based) lies in the first bucket whose end > r
        out = []
        for p in percentiles:
            r = p / 100.0 * (total - 1)
            lo, hi = math.floor(r), math.ceil(r)
            v_lo, v_hi = bucket_values(first + np.searchsorted(ends, [lo, hi], side="right"))
            out.append(float(v_lo + (r - lo) * (v_hi - v_lo)))
        return out


class Accumulator:
    """Merges chunk sketches as they arrive (any order) and adds their sums in chunk order at the end,
    so that the summary of a resumed study is bit-identical to an uninterrupted one."""

    def __init__(self) -> None:
        self.sketch = Sketch()
        self._sums: dict[int, dict[tuple[str, str], float]] = {}

    def add(self, chunk: int, sketch: Sketch) -> None:
        self._sums[chunk] = sketch.sums
        self.sketch.merge(sketch, sums=False)

    def result(self) -> Sketch:
        """The merged sketch, its sums added in chunk order."""
        sums: dict[tuple[str, str], float] = {}
        for chunk in sorted(self._sums):
            for column, s in self._sums[chunk].items():
                sums[column] = sums.get(column, 0.0) + s
        self.sketch.sums = sums
        return self.sketch


def summary_frame(rows: list[dict[str, Any]]) -> Any:
    """The summary table (columns :data:`COLUMNS`), even when it has no row."""
    import pandas as pd

    return pd.DataFrame(rows, columns=list(COLUMNS))


def from_sketch(sketch: Sketch, architectures: Sequence[str], metrics: Sequence[str], unit_of: Any) -> Any:
    """The summary table of a merged sketch, in the given order of architectures and metrics."""
    rows = []
    for arch in architectures:
        for metric in metrics:
            n = sketch.counts.get((arch, metric), 0)
            if n:
                p5, p50, p95 = sketch.quantiles(arch, metric)
                rows.append({"architecture": arch, "metric": metric, "unit": unit_of(metric), "valid": n,
                             "mean": sketch.sums[arch, metric] / n, "p5": p5, "p50": p50, "p95": p95})
    return summary_frame(rows)


def exact_rows(arch: str, metrics: Sequence[str], columns: Sequence[np.ndarray], unit_of: Any) -> list[dict[str, Any]]:
    """Summary rows of one architecture from the ``columns`` of its valid rows (one array per metric):
    numpy's percentiles (linear interpolation) and mean of the finite values."""
    rows = []
    for m, col in zip(metrics, columns, strict=True):
        values = np.asarray(col, dtype=np.float64)
        values = values[np.isfinite(values)]
        if values.size:
            p5, p50, p95 = np.percentile(values, PERCENTILES)
            rows.append({"architecture": arch, "metric": m, "unit": unit_of(m), "valid": int(values.size),
                         "mean": float(values.mean()), "p5": float(p5), "p50": float(p50), "p95": float(p95)})
    return rows
