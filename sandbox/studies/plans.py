"""Study plans: what a sweep or Monte Carlo varies, read from a scenario's ``[sweep]`` table, and the points.

```toml
[sweep]
method = "lhs"          # "grid", "random", "lhs" (Latin hypercube) or "montecarlo"
points = 100000         # random, lhs, montecarlo (a grid has the product of its steps)
seed = 7                # default: study.seed; recorded in the manifest
chunk = 5000            # points per task and per part file (default 5,000)

[sweep.params]
"leo.altitude" = { low = "500 km", high = "1000 km", steps = 6 }        # an architecture parameter
"leo.chips_per_satellite" = { values = [4, 8, 16] }
"models.cost.hardware_usd_per_kg_mass_produced" = { low = 2000, high = 50000, scale = "log" }
"catalogue.launch_vehicles.Falcon9.price_usd" = {}                       # its declared range
```

Keys are those of :mod:`sandbox.ledger.inputs` plus ``<instance>.<param>`` for an architecture of the
scenario. A dimension is either ``values = [...]`` or a range ``low``/``high`` (default: the
declared low/high of the parameter, default or catalogue field) with ``steps`` (grid) and
``scale = "linear" | "log"``. Architecture ranges are in the parameter's unit (quantity strings
or numbers); ledger ranges are plain SI numbers in the unit of the default or field.

Monte Carlo draws every uncertain ledger input — the shared-model defaults the engine reads
and the catalogue fields, those with a low/high range — from a three-point (low, nominal, high)
estimate (NASA Cost Estimating Handbook v4.0, 2015, §2.4 and appendix on risk), plus the
dimensions listed in ``[sweep.params]`` (around the scenario's value when they give a range,
uniform over ``values``). Architecture parameters are drawn only when listed: each distinct
value costs one call of the design function (see :mod:`sandbox.ledger.batch`).

The three points are read as a **split triangular** distribution whose median is the nominal:
a rising half-triangle from low to nominal and a falling one from nominal to high, each holding
half the probability. A range wider than :data:`LOG_RATIO` (high/low) is drawn in log space —
the nominal is then the geometric median, as a "factor of N" uncertainty is meant — so a wide
log-midpoint range no longer pulls the median draw far above the nominal. Coupled inputs move
together: a chip's power and its throughput at every precision share one draw (throughput ∝
power, constant energy per operation; :data:`COUPLED`). The manifest records each input's
distribution.

The points depend only on the plan and the seed (numpy ``default_rng(seed)``), never on the
executor or the number of workers.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sandbox.core.catalogue import field_unit
from sandbox.core.modelset import listing
from sandbox.core.overrides import is_fraction_name, value_problem
from sandbox.core.params import check_value, chip_precision_problem
from sandbox.core.scenario import RESERVED_INSTANCES, Scenario, ScenarioError, param_range
from sandbox.ledger.inputs import CATALOGUE_KINDS
from sandbox.ledger.totals import ENGINE_METRIC_FAMILIES

METHODS = ("grid", "random", "lhs", "montecarlo")
DEFAULT_CHUNK = 5000
BLOCK = 1000  # points per random-number generator (random and Monte Carlo draws)
MAX_POINTS = 10_000_000
MAX_CHUNK = 1_000_000  # points per chunk
MAX_STEPS = 100_000  # steps of one grid dimension
#: Ranges wider than this (high / low) are drawn in log space.
LOG_RATIO = 3.0
#: Catalogue fields that follow another field's draw: kind → (driver field, prefix of the followers).
#: A chip run at a lower power limit delivers proportionally fewer operations (a lower bound: capped
#: GPUs lose less than proportionally; Zhao et al. 2023, "Sustainable supercomputing for AI: GPU power
#: capping at HPC scale", ACM SoCC).
COUPLED = {"chips": ("power_w", "peak_ops_per_s.")}
_SWEEP_KEYS = {"method", "points", "seed", "chunk", "params", "uncertain"}
#: The keys of a dimension that describe a range; ``values`` lists the points instead of them.
_RANGE_KEYS = ("low", "high", "steps", "scale")
_DIM_KEYS = {*_RANGE_KEYS, "values"}


@dataclass
class Dimension:
    """One varied input: ``values`` (categorical or explicit grid) or a numeric ``low``–``high`` range.

    ``nominal`` is the value a plain run uses (the triangular mode in Monte Carlo); ``unit``
    labels the column (the parameter's unit or the SI unit of a ledger input); ``integer``
    rounds draws (integer parameters).
    """

    key: str
    values: list[Any] | None = None
    low: float = math.nan
    high: float = math.nan
    nominal: float = math.nan
    steps: int = 0
    scale: str = "linear"
    integer: bool = False
    unit: str = ""
    source: str = ""
    followers: dict[str, float] = field(default_factory=dict)  # key → its nominal: scaled with this draw / nominal

    def grid(self) -> list[Any]:
        if self.values is not None:
            return list(self.values)
        if self.scale == "log":
            vals = np.geomspace(self.low, self.high, self.steps)
        else:
            vals = np.linspace(self.low, self.high, self.steps)
        return [float(round(v)) if self.integer else float(v) for v in vals]

    def from_unit(self, u01: np.ndarray) -> np.ndarray:
        """Map uniform [0, 1) numbers to this dimension (uniform in value or in log value)."""
        if self.values is not None:
            idx = np.minimum((u01 * len(self.values)).astype(int), len(self.values) - 1)
            return _as_array(self.values)[idx]
        if self.scale == "log":
            x = np.exp(np.log(self.low) + u01 * (np.log(self.high) - np.log(self.low)))
        else:
            x = self.low + u01 * (self.high - self.low)
        return np.round(x) if self.integer else x

    @property
    def log_space(self) -> bool:
        """True when the range is wider than :data:`LOG_RATIO` and positive: drawn in log space."""
        return self.values is None and self.low > 0 and self.high / self.low > LOG_RATIO

    @property
    def distribution(self) -> str:
        """How Monte Carlo draws this input (recorded in the manifest)."""
        if self.values is not None:
            return "uniform over values"
        return "split-triangular, median = nominal" + (", in log space" if self.log_space else "")

    def draw(self, u01: np.ndarray) -> np.ndarray:
        """Inverse CDF of the split triangular distribution (low, nominal, high) at ``u01``: median = nominal."""
        if self.values is not None:
            return self.from_unit(u01)
        lo, hi = self.low, self.high
        nominal = min(max(self.nominal, lo), hi)
        if hi <= lo:
            return np.full(u01.shape, lo)
        log = self.log_space
        a, c, b = (np.log(lo), np.log(nominal), np.log(hi)) if log else (lo, nominal, hi)
        u = np.asarray(u01, dtype=float)
        x = np.where(u < 0.5, a + (c - a) * np.sqrt(2.0 * u), b - (b - c) * np.sqrt(2.0 * (1.0 - u)))
        if log:
            x = np.exp(x)
        return np.round(x) if self.integer else x

    triangular = draw  # the name earlier versions used


def _mixed(values: list[Any]) -> bool:
    return any(isinstance(v, (str, bool, list, tuple, dict)) for v in values)


def _as_array(values: list[Any]) -> np.ndarray:
    """``values`` as a one-dimensional array: of objects when any is a string, a flag, a list or a table (a list
    parameter's values are lists, one per point, never a second axis)."""
    if not _mixed(values):
        return np.asarray(values)
    arr = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):
        arr[i] = v
    return arr


@dataclass
class Plan:
    """A parsed ``[sweep]`` table: method, size, seed, chunk size and dimensions."""

    method: str
    points: int
    seed: int
    chunk: int
    dimensions: list[Dimension] = field(default_factory=list)

    def key(self) -> str:
        """A digest of everything that decides the points (for the manifest and resume)."""
        doc = {"method": self.method, "points": self.points, "seed": self.seed, "chunk": self.chunk,
               "dimensions": [[d.key, d.values, d.low, d.high, d.nominal, d.steps, d.scale, d.integer]
                              for d in self.dimensions]}
        return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()

    @property
    def chunks(self) -> int:
        return max(1, math.ceil(self.points / self.chunk))

    def describe(self) -> dict[str, Any]:
        return {"method": self.method, "points": self.points, "seed": self.seed, "chunk": self.chunk,
                "dimensions": [{"key": d.key, "values": d.values, "low": _num(d.low), "high": _num(d.high),
                                "nominal": _num(d.nominal), "steps": d.steps, "scale": d.scale, "unit": d.unit,
                                "distribution": d.distribution if self.method == "montecarlo" else
                                ("grid" if self.method == "grid" else f"uniform ({d.scale})"),
                                "followers": sorted(d.followers), "source": d.source} for d in self.dimensions]}


def _num(x: float) -> float | None:
    return None if isinstance(x, float) and math.isnan(x) else x


def parse_plan(scenario: Scenario, registry: Any, overrides: dict[str, Any] | None = None) -> Plan:
    """Read ``[sweep]`` of ``scenario`` (plus command-line ``overrides`` of method/points/seed/chunk).

    Raises :class:`~sandbox.core.scenario.ScenarioError` naming the file and key, or the option
    (``--points: …``) for a value the overrides gave.
    """
    shown = scenario.path
    registry = scenario.registry(registry)
    problems: list[str] = []
    given = {k for k, v in (overrides or {}).items() if v is not None}

    def bad(key: str, message: str) -> None:
        option = key.removeprefix("sweep.")
        problems.append(f"--{option}: {message}" if option in given else f"{shown}: {key}: {message}")

    table = scenario.raw.get("sweep", {})
    if not isinstance(table, dict):
        raise ScenarioError([f"{shown}: sweep: expected a table, got {table!r}"])
    table = {**table, **{k: v for k, v in (overrides or {}).items() if v is not None}}
    for k in table:
        if k not in _SWEEP_KEYS:
            bad(f"sweep.{k}", f"unknown key; expected one of {', '.join(sorted(_SWEEP_KEYS))}")
    method = table.get("method", "montecarlo" if not table.get("params") else "random")
    if method not in METHODS:
        bad("sweep.method", f"expected one of {', '.join(METHODS)}, got {method!r}")
    seed = table.get("seed", scenario.seed)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        bad("sweep.seed", f"expected a whole number >= 0, got {seed!r}")
    chunk = table.get("chunk", DEFAULT_CHUNK)
    if isinstance(chunk, bool) or not isinstance(chunk, int) or not 1 <= chunk <= MAX_CHUNK:
        bad("sweep.chunk", f"expected a whole number from 1 to {MAX_CHUNK:,}, got {chunk!r}")
    params = table.get("params", {})
    if not isinstance(params, dict):
        bad("sweep.params", f"expected a table, got {params!r}")
        params = {}
    dims = []
    for key, spec in params.items():
        dim = dimension(scenario, registry, key, spec, method, lambda k, msg, key=key: bad(f"sweep.params.{key}{k}", msg))
        twice = _repeated(dim.values, spec["values"]) if method == "grid" and dim is not None and dim.values else ""
        if twice:
            bad(f"sweep.params.{key}.values", twice)
        elif dim is not None:
            dims.append(dim)
    uncertain = table.get("uncertain", True)
    if not isinstance(uncertain, bool):
        bad("sweep.uncertain", f"expected true or false, got {uncertain!r}")
    if method == "montecarlo" and uncertain is not False:
        listed = {d.key for d in dims}
        dims += [d for d in uncertain_inputs(registry) if d.key not in listed]
    points = table.get("points")
    if method == "grid":
        missing = [d.key for d in dims if d.values is None and d.steps < 2]
        for k in missing:
            bad(f"sweep.params.{k}", "a grid dimension needs `values` or `steps` >= 2")
        grid_points = math.prod(len(d.grid()) for d in dims if d.key not in missing) if dims else 0
        if points is not None and points != grid_points:
            bad("sweep.points", f"a grid has the product of its steps ({grid_points:,} points), got {points!r}")
        points = grid_points
    elif points is None:
        if method in METHODS:  # (an unknown method is already reported: it may have been meant as a grid)
            bad("sweep.points", "missing: say how many points to draw (points = N in [sweep], or --points N)")
        points = 1
    elif isinstance(points, bool) or not isinstance(points, int) or points < 1:
        bad("sweep.points", f"expected a whole number >= 1, got {points!r}")
        points = 1
    if not dims and not problems:  # (a listed dimension that was refused is already reported)
        bad("sweep.params", "nothing to vary: list at least one dimension (or use method = 'montecarlo')")
    if isinstance(points, int) and points > MAX_POINTS:
        bad("sweep.points", f"{points:,} points is more than the {MAX_POINTS:,} a study may hold")
    if problems:
        raise ScenarioError(problems)
    return Plan(method, int(points), int(seed), int(chunk), dims)


def sweep_schema() -> dict[str, Any]:
    """The JSON Schema of ``[sweep]`` (part of ``sandbox schema``): the form :func:`parse_plan` checks. What needs
    the scenario or the other keys is left to ``sandbox validate``: which inputs exist and their ranges, the
    number of points a grid has, and that a draw states its points."""
    bound = {"type": ["number", "string"], "description": "A number in the input's unit, or a quantity string."}
    dim_keys = {"low": bound, "high": bound, "steps": {"type": "integer", "minimum": 0, "maximum": MAX_STEPS},
                "scale": {"enum": ["linear", "log"]},
                "values": {"type": "array", "minItems": 1,
                           "description": "The points themselves (in place of low, high, steps, scale)."}}
    dimension = {"type": "object", "additionalProperties": False,
                 "properties": {k: dim_keys[k] for k in sorted(_DIM_KEYS)},  # every key dimension() takes
                 "not": {"required": ["values"], "anyOf": [{"required": [k]} for k in _RANGE_KEYS]}}
    sweep_keys = {"method": {"enum": list(METHODS)},
                  "points": {"type": "integer", "minimum": 1, "maximum": MAX_POINTS},
                  "seed": {"type": "integer", "minimum": 0},
                  "chunk": {"type": "integer", "minimum": 1, "maximum": MAX_CHUNK},
                  "uncertain": {"type": "boolean"},
                  "params": {"type": "object", "additionalProperties": dimension,
                             "propertyNames": {"pattern": r"^[^.]+\.[\s\S]+$",
                                               "description": "<architecture>.<param>, models.<module>.<key>, "
                                                              "catalogue.<kind>.<entry>.<field> or "
                                                              "assumptions.discount_rate"}}}
    return {"type": "object", "additionalProperties": False,
            "description": "A sweep or Monte Carlo plan (sandbox.studies.plans).",
            "properties": {k: sweep_keys[k] for k in sorted(_SWEEP_KEYS)}}  # every key parse_plan takes


def dimension(scenario: Scenario, registry: Any, key: str, spec: Any, method: str, bad: Any) -> Dimension | None:
    if not isinstance(spec, dict):
        bad("", f"expected a table such as {{ low = ..., high = ..., steps = ... }}, got {spec!r}")
        return None
    for k in spec:
        if k not in _DIM_KEYS:
            dotted = (f' (a dotted name is one key in quotes: "{key}.{k}" = {{ ... }}; unquoted, TOML reads it as '
                      "nested tables)") if isinstance(spec[k], dict) else ""
            bad(f".{k}", f"unknown key; expected one of {', '.join(sorted(_DIM_KEYS))}{dotted}")
            return None
    ignored = sorted(set(_RANGE_KEYS) & set(spec)) if "values" in spec else []
    if ignored:  # values list the points; a range beside them would be silently unused
        bad(f".{ignored[0]}", "give either values, or low and high (with steps and scale), not both")
        return None
    head, _, rest = key.partition(".")
    instances = {r.instance: r for r in scenario.architectures}
    if head in instances and head in ENGINE_METRIC_FAMILIES:
        bad("", f"the architecture's name {head!r} is also the first name of the ledger's metrics ({head}.…), so this "
                "input's column could be taken by a metric of the same name; rename it in [architectures] "
                f"(e.g. [architectures.{head}-1] with type = {instances[head].spec.name!r})")
        return None
    if head in instances:
        dim = architecture_dimension(instances[head], rest, key, spec, bad, registry, scenario.workload.kind,
                                     scenario.workload.precision)
    elif head in RESERVED_INSTANCES:  # the ledger's inputs
        dim = _ledger_dimension(registry, key, spec, bad)
    else:
        bad("", f"expected <architecture>.<param> (one of {', '.join(sorted(instances)) or 'none'}), "
                "models.<module>.<key>, catalogue.<kind>.<entry>.<field> or assumptions.discount_rate")
        return None
    if dim is None:
        return None
    scale = spec.get("scale", "linear")
    if scale not in ("linear", "log"):
        bad(".scale", f"expected 'linear' or 'log', got {scale!r}")
        return None
    dim.scale = scale
    steps = spec.get("steps", 0)
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0 or steps > MAX_STEPS:
        bad(".steps", f"expected a whole number from 0 to {MAX_STEPS:,} (a grid needs 2 or more; a random draw, "
                      f"which takes `points`, ignores it), got {steps!r}")
        return None
    dim.steps = steps
    if dim.values is None:
        if not (math.isfinite(dim.low) and math.isfinite(dim.high)):
            bad("", "no range: give low and high (this input declares none), or values")
            return None
        if dim.high < dim.low:
            bad(".high", f"high {dim.high:g} is below low {dim.low:g}")
            return None
        if method == "grid" and dim.high == dim.low and steps > 1:  # every step the same point: work done twice
            bad(".high", f"high equals low ({dim.low:g}): {steps} steps would evaluate the same points {steps} times; "
                         "give values = [<the value>] for one value")
            return None
        if scale == "log" and dim.low <= 0:
            bad(".low", "a log scale needs low > 0")
            return None
    return dim


def architecture_dimension(run: Any, name: str, key: str, spec: dict, bad: Any, registry: Any,
                           workload_kind: str, precision: str = "") -> Dimension | None:
    """The dimension of parameter ``name`` of architecture ``run``; catalogue-typed values are checked
    against ``registry``'s catalogues (and the kinds the parameter accepts), and a chip against the
    workload's ``precision`` when the parameter says the design counts it there. Without ``low`` and ``high``
    in ``spec`` the range is the parameter's for a ``workload_kind`` workload
    (:func:`sandbox.core.scenario.param_range`, read from ``registry``'s models)."""
    try:
        param = run.spec.param(name)
    except KeyError:
        import difflib

        close = difflib.get_close_matches(name, [p.name for p in run.spec.params], n=1)
        bad("", f"architecture {run.instance!r} has no parameter {name!r}" + (f"; did you mean {close[0]!r}?" if close else ""))
        return None
    unit = param.unit
    nominal = run.params.values[name]

    def number(raw: Any, where: str) -> float:
        value = check_value(param, raw)
        if param.kind == "quantity":
            return float(value.to_value(param.si_unit))
        if param.kind in ("number", "integer"):
            return float(value)
        raise ValueError(f"parameter {name!r} is a {param.kind}: give `values`")

    low, high, source = param_range(param, registry.models, workload_kind)
    dim = Dimension(key, unit=unit, integer=param.kind == "integer", source=source)
    try:
        if "values" in spec:
            if not isinstance(spec["values"], list) or not spec["values"]:
                bad(".values", "expected a non-empty list")
                return None
            vals = []
            for v in spec["values"]:
                checked = check_value(param, v)
                problem = registry.catalogues.problem(param.catalogue, checked, tuple(param.kinds)) \
                    if param.catalogue else None
                if not problem and param.precision and precision:
                    problem = chip_precision_problem(registry.catalogues.chips[checked], precision, param.precision)
                if problem:
                    bad(".values", problem)
                    return None
                vals.append(float(checked.to_value(param.si_unit)) if param.kind == "quantity" else checked)
            dim.values = vals
        else:
            low = spec.get("low", low)
            high = spec.get("high", high)
            if low is None or high is None:
                bad("", f"parameter {name!r} declares no low/high range: give low and high, or values")
                return None
            dim.low, dim.high = number(low, ".low"), number(high, ".high")
        if param.kind in ("quantity", "number", "integer"):
            dim.nominal = float(nominal.to_value(param.si_unit)) if param.kind == "quantity" else float(nominal)
    except ValueError as exc:
        bad("", str(exc))
        return None
    return dim


def _repeated(values: list, written: list) -> str:
    """Why a grid's ``values`` list is refused for naming one value twice (``"1 km"`` and ``"1000 m"`` alike:
    the converted ``values`` are compared), or ``""``: a repeated grid value evaluates the same points twice
    and weighs them twice in every summary. (A random or Latin-hypercube draw from a list may repeat a value
    on purpose, to weigh it.)"""
    seen: dict[Any, int] = {}
    for i, v in enumerate(values):
        key = repr(v) if isinstance(v, list) else v
        if key in seen:
            first = seen[key]
            return (f"{written[i]!r} (item {i + 1}) repeats {written[first]!r} (item {first + 1}): each value once, "
                    "or the points at it count twice in every summary")
        seen[key] = i
    return ""


def _ledger_dimension(registry: Any, key: str, spec: dict, bad: Any) -> Dimension | None:
    found = ledger_input(registry, key)
    if isinstance(found, str):
        bad("", found)
        return None
    dim = found
    defaults = listing(registry.models)  # (the bounds of a [models] default, for each value below)
    if "values" in spec:
        vals = spec["values"]
        if not isinstance(vals, list) or not vals or not all(_is_number(v) for v in vals):
            bad(".values", "expected a non-empty list of numbers (SI, in the unit of the default or field)")
            return None
        dim.values = [float(v) for v in vals]
        outside = [v for v in dim.values if not in_bounds(key, v)]
        if outside:
            bad(".values", f"{outside[0]:g} is outside {bounds_text(key)}")
            return None
        for v in dim.values:
            problem = value_problem(defaults, key, v)
            if problem:
                bad(".values", problem)
                return None
        return dim
    for end in ("low", "high"):
        if end in spec:
            if not _is_number(spec[end]):
                bad(f".{end}", f"expected a finite number (SI, in the unit of the default or field), got {spec[end]!r}")
                return None
            setattr(dim, end, float(spec[end]))
            if not in_bounds(key, float(spec[end])):
                bad(f".{end}", f"{float(spec[end]):g} is outside {bounds_text(key)}")
                return None
            problem = value_problem(defaults, key, float(spec[end]))
            if problem:
                bad(f".{end}", problem)
                return None
    return dim


def ledger_bounds(key: str) -> tuple[float, float, bool]:
    """``(low, high, high included)`` a ledger input may take, the same rules as a scenario's values:
    the discount rate in [0, 1) as ``[assumptions] discount_rate``; fractions of one in [0, 1]; every
    other default or catalogue field (prices, masses, powers, densities, dose tolerances) >= 0."""
    if key == "assumptions.discount_rate":
        return 0.0, 1.0, False
    if is_fraction_name(key):
        return 0.0, 1.0, True
    return 0.0, math.inf, True


def in_bounds(key: str, value: float) -> bool:
    lo, hi, closed = ledger_bounds(key)
    return math.isfinite(value) and lo <= value and (value <= hi if closed else value < hi)


def bounds_text(key: str) -> str:
    lo, hi, closed = ledger_bounds(key)
    what = {"assumptions.discount_rate": "a discount rate is a fraction per year, as in [assumptions]"}.get(
        key, "this input is a fraction of one" if hi == 1.0 else "this input cannot be negative")
    upper = "inf)" if math.isinf(hi) else f"{hi:g}{']' if closed else ')'}"
    return f"[{lo:g}, {upper}: {what}"


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def ledger_input(registry: Any, key: str) -> Dimension | str:
    """The :class:`Dimension` of ledger input ``key`` with its nominal value and declared range, or an error text."""
    kind, _, rest = key.partition(".")
    if kind == "models":
        defaults = listing(registry.models)
        if rest not in defaults:
            import difflib

            close = difflib.get_close_matches(rest, list(defaults), n=1)
            return f"no shared-model default {rest!r}" + (f"; did you mean {close[0]!r}?" if close else "")
        from sandbox.ledger.element import LEDGER_DEFAULTS

        d = defaults[rest]
        if not d.settable:
            return f"shared-model default {rest!r} is {d.why_not_settable(study=True)}"
        if rest not in LEDGER_DEFAULTS:  # varying it per point would change nothing: refuse, don't mislead
            return (f"shared-model default {rest!r} is read by design functions at its nominal value, not by the "
                    "ledger a study varies, so every point would give the same result; sweep the architecture "
                    f"parameter that sets it instead (ledger defaults: {', '.join(LEDGER_DEFAULTS)})")
        return Dimension(key, low=_f(d.low), high=_f(d.high), nominal=float(d.nominal), unit=d.unit, source=d.source)
    if kind == "catalogue":
        parts = rest.split(".", 2)
        if len(parts) != 3 or parts[0] not in CATALOGUE_KINDS:
            return f"expected catalogue.<kind>.<entry>.<field> with kind one of {', '.join(CATALOGUE_KINDS)}"
        table = getattr(registry.catalogues, parts[0])
        if parts[1] not in table:
            return f"no {parts[0]} entry {parts[1]!r} in the catalogues"
        entry = table[parts[1]]
        if not hasattr(entry, "ranges"):  # read by design functions only (a station's place sets pass geometry)
            return (f"{parts[0]} fields are read by design functions at their nominal value, not by the ledger a "
                    "study varies, so every point would give the same result; set them in [catalogue] and run")
        fname, _, sub = parts[2].partition(".")
        value = getattr(entry, fname, None)
        if sub and isinstance(value, Mapping):
            value = value.get(sub)
        if not _is_number(value):
            return f"{parts[1]!r} has no numeric field {parts[2]!r}"
        lo, hi = entry.ranges.get(parts[2], (math.nan, math.nan))
        return Dimension(key, low=float(lo), high=float(hi), nominal=float(value), unit=field_unit(parts[2]),
                         source=entry.sources.get(fname, ""))
    if key == "assumptions.discount_rate":
        return Dimension(key, unit="1/yr")
    return f"{key}: not a ledger input"


def _f(x: Any) -> float:
    return math.nan if x is None else float(x)


def uncertain_inputs(registry: Any) -> list[Dimension]:
    """Every ledger input that declares a low/high range: the shared-model defaults the engine reads
    (:data:`sandbox.ledger.element.LEDGER_DEFAULTS`) and the catalogue fields with a range."""
    from sandbox.ledger.element import LEDGER_DEFAULTS

    dims = []
    for name, d in sorted(listing(registry.models).items()):
        if name in LEDGER_DEFAULTS and d.uncertain and d.high > d.low:
            dims.append(Dimension(f"models.{name}", low=float(d.low), high=float(d.high), nominal=float(d.nominal),
                                  unit=d.unit, source=d.source))
    for kind in CATALOGUE_KINDS:
        for entry_name, entry in sorted(getattr(registry.catalogues, kind).items()):
            driver, follows = COUPLED.get(kind, ("", ""))
            for fname in sorted(getattr(entry, "ranges", {}) or {}):
                if follows and fname.startswith(follows) and driver in entry.ranges:
                    continue  # drawn with its driver
                dim = ledger_input(registry, f"catalogue.{kind}.{entry_name}.{fname}")
                if isinstance(dim, Dimension) and math.isfinite(dim.nominal) and dim.high > dim.low:
                    if fname == driver:
                        dim.followers = {f"catalogue.{kind}.{entry_name}.{follows}{k}": float(v)
                                         for k, v in getattr(entry, follows.rstrip(".")).items()}
                    dims.append(dim)
    return dims


@functools.lru_cache(maxsize=16)
def _lhs_column(seed: int, j: int, n: int) -> np.ndarray:
    """Latin-hypercube numbers of dimension ``j``: one in each of ``n`` equal strata, shuffled
    (computed once per plan and dimension, then sliced chunk by chunk)."""
    strata = np.random.default_rng([seed, j, 0]).permutation(n)
    jitter = np.random.default_rng([seed, j, 1]).random(n)
    return (strata + jitter) / n


def points(plan: Plan, start: int = 0, stop: int | None = None) -> dict[str, np.ndarray]:
    """The inputs of points ``start``–``stop`` (default all): one array per dimension key.

    Random and Monte Carlo numbers come from one generator per block of :data:`BLOCK` points
    (``default_rng([seed, block])``) and Latin-hypercube strata from one per dimension, so any
    slice is the same whoever computes it, whatever the chunk size.
    """
    stop = plan.points if stop is None else min(stop, plan.points)
    idx = np.arange(start, stop)
    out: dict[str, np.ndarray] = {}
    if plan.method == "grid":  # point i → mixed-radix digits, the last dimension varying fastest
        rest = idx.copy()
        for d in reversed(plan.dimensions):
            values = d.grid()
            out[d.key] = _as_array(values)[rest % len(values)]
            rest //= len(values)
        return {d.key: out[d.key] for d in plan.dimensions}
    if plan.method == "lhs":
        u = np.empty((idx.size, len(plan.dimensions)))
        for j in range(len(plan.dimensions)):
            u[:, j] = _lhs_column(plan.seed, j, plan.points)[start:stop]
    else:  # fixed blocks of BLOCK points, one generator each: the draws do not depend on the chunk size
        d = len(plan.dimensions)
        blocks = [np.random.default_rng([plan.seed, b]).random((BLOCK, d)) for b in range(start // BLOCK, -(-stop // BLOCK))]
        u = np.concatenate(blocks)[start - (start // BLOCK) * BLOCK:][: idx.size] if blocks else np.empty((0, d))
    for j, d in enumerate(plan.dimensions):
        out[d.key] = d.draw(u[:, j]) if plan.method == "montecarlo" else d.from_unit(u[:, j])
        for key, nominal in d.followers.items():  # coupled inputs move with their driver
            out[key] = nominal * np.asarray(out[d.key], dtype=float) / d.nominal
    return out
