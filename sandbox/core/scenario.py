"""Scenario files (TOML): load, validate against the registered schemas, and describe.

Nothing runs until the whole file is valid. Every error names the file, the key path and
what was expected, e.g. ``scenarios/x.toml: architectures.leo.altitude: expected a length,
got "550 kg"``; unknown keys get a "did you mean" suggestion. Scenario files are data only:
they are parsed with :mod:`tomllib` and never executed.

Input limits: a scenario must be a regular file (not a FIFO, a device or a socket: those are
refused before anything is read, so ``/dev/zero`` or a pipe cannot hang or exhaust the process)
of at most :data:`MAX_BYTES`, nested at most :data:`MAX_DEPTH` tables or arrays deep. A file
name that is not valid UTF-8 is shown with replacement characters.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import math
import os
import re
import stat
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import astropy.units as u

from sandbox.core import overrides as _overrides
from sandbox.core.architecture import WORKLOAD_KINDS, ArchitectureSpec, Assumptions, Workload
from sandbox.core.catalogue import PRECISIONS
from sandbox.core.hooks import call_with_timeout, captured_stdout
from sandbox.core.params import Params, check_value, chip_precision_problem, sourced_text
from sandbox.core.units import FLOPS, QuantityError, parse_quantity, value_in

if TYPE_CHECKING:
    from sandbox.core.claim import Claim


class ScenarioError(Exception):
    """One or more problems in a scenario; ``str()`` gives one line per problem."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class ArchitectureRun:
    """One architecture instance in a scenario: its name there, its spec and checked params."""

    instance: str
    spec: ArchitectureSpec
    params: Params


@dataclass
class Scenario:
    """A validated scenario."""

    path: str
    sha256: str
    name: str
    description: str
    seed: int
    workload: Workload
    assumptions: Assumptions
    architectures: list[ArchitectureRun]
    raw: dict[str, Any] = field(repr=False, default_factory=dict)
    overrides: _overrides.Overrides = _overrides.NONE
    claim: Claim | None = None  # a published claim the file states ([claim])

    def registry(self, registry: Any) -> Any:
        """``registry`` as this scenario sees it: with its ``[models]`` and ``[catalogue]`` overrides applied."""
        return _overrides.scoped(registry, self.overrides)


#: A catalogue-typed parameter whose default is ``"auto"`` lets the engine choose the entry by site type.
AUTO = "auto"
#: An architecture instance's name: it heads dotted keys (``<name>.<parameter>`` in studies, ``architectures.<name>.…``).
INSTANCE_NAME = re.compile(r"[^\W_][\w-]*|_[\w-]+")
#: Names a study's keys use for ledger inputs (``models.…``, ``catalogue.…``, ``assumptions.…``): not instance names.
RESERVED_INSTANCES = ("models", "catalogue", "assumptions")
#: [sweep]: see sandbox.studies.plans; [models], [catalogue]: sandbox.core.overrides; [claim]: sandbox.core.claim
_TOP = {"study", "workload", "assumptions", "architectures", "sweep", "models", "catalogue", "claim"}
_STUDY = {"name", "description", "seed"}
_WORKLOAD = {"kind", "sustained_compute", "precision", "latency_target", "users"}
_ASSUMPTIONS = {"start_year", "discount_rate", "reference_chip"}
_USER = {"name", "lat", "lon"}

#: Defaults of the shared assumptions, each with its source.
DEFAULT_ASSUMPTIONS = {
    "start_year": (2027, "the year after this sandbox's first release (2026); the claims the scenarios model are dated "
                         "2025-2035 (see each scenario file's sources)"),
    "reference_chip": ("H100-SXM", "NVIDIA H100 is the accelerator public cloud prices quote per GPU-hour (e.g. AWS EC2 "
                                   "P5, Azure ND H100 v5, Google Cloud A3 on-demand price lists)"),
}


#: Largest scenario file (bytes): the largest shipped scenario is ~3 kB; 1 MiB leaves room for generated ones.
MAX_BYTES = 1 << 20
#: Deepest nesting of tables and arrays (the scenario schema needs 4: [sweep.params."key"] = { values = [...] }).
MAX_DEPTH = 32


def display_path(path: str | Path) -> str:
    """``path`` as text that can always be printed and written as UTF-8 on one line (undecodable bytes become
    U+FFFD; a control character, such as a newline, is written as its escape)."""
    text = os.fsencode(path).decode("utf-8", "replace")
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in text)


def read_limited(path: str | Path, shown: str, limit: int = MAX_BYTES) -> bytes:
    """The bytes of the regular file at ``path`` (at most ``limit``); :class:`ScenarioError` otherwise.

    Opened without blocking and checked with ``fstat`` before any read, so a FIFO, a device or a
    socket is refused at once, whatever replaced the name in between.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise ScenarioError([f"{shown}: file not found"]) from None
    except IsADirectoryError:
        raise ScenarioError([f"{shown}: is a directory, expected a scenario file"]) from None
    except OSError as exc:
        raise ScenarioError([f"{shown}: cannot read: {exc.strerror or exc}"]) from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise ScenarioError([f"{shown}: is a directory, expected a scenario file"])
        if not stat.S_ISREG(st.st_mode):
            kind = ("a FIFO (named pipe)" if stat.S_ISFIFO(st.st_mode) else "a device" if stat.S_ISCHR(st.st_mode)
                    or stat.S_ISBLK(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode) else "not a regular file")
            raise ScenarioError([f"{shown}: is {kind}, expected a regular scenario file"])
        if st.st_size > limit:
            raise ScenarioError([f"{shown}: {st.st_size:,} bytes, more than the {limit:,} a scenario file may have"])
        chunks = []
        size = 0
        while True:
            block = os.read(fd, 1 << 16)
            if not block:
                break
            size += len(block)
            if size > limit:  # grew while being read
                raise ScenarioError([f"{shown}: more than the {limit:,} bytes a scenario file may have"])
            chunks.append(block)
        return b"".join(chunks)
    except OSError as exc:
        raise ScenarioError([f"{shown}: cannot read: {exc.strerror or exc}"]) from None
    finally:
        os.close(fd)


def nesting_depth(value: Any) -> int:
    """Depth of nested tables (dicts) and arrays (lists) in ``value``, without recursion."""
    depth = 0
    stack = [(value, 1)]
    while stack:
        item, d = stack.pop()
        if isinstance(item, dict):
            depth = max(depth, d)
            stack.extend((v, d + 1) for v in item.values())
        elif isinstance(item, list):
            depth = max(depth, d)
            stack.extend((v, d + 1) for v in item)
    return depth


def _line_of(message: str, text: str) -> str:
    """``: <the line>`` for a TOML error that names a line (tomllib's "(at line 17, column 43)"), so that the
    message shows the key (a key written twice says only "Cannot overwrite a value"); ``""`` otherwise."""
    found = re.search(r"\(at line (\d+), column \d+\)", message)
    lines = text.splitlines()
    if not found or not 0 < int(found.group(1)) <= len(lines):
        return ""
    line = lines[int(found.group(1)) - 1].strip()
    return f": {line[:120]}{'…' if len(line) > 120 else ''}" if line else ""


def parse_toml(data_bytes: bytes, shown: str) -> dict[str, Any]:
    """Parse scenario bytes (UTF-8 TOML, at most :data:`MAX_DEPTH` deep); :class:`ScenarioError` otherwise."""
    try:
        text = data_bytes.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError([f"{shown}: not UTF-8 text"]) from None
    if text.startswith("\ufeff"):
        raise ScenarioError([f"{shown}: starts with a byte-order mark (U+FEFF), which TOML does not allow: save it as "
                             "UTF-8 without a BOM"])
    too_deep = ScenarioError([f"{shown}: tables or arrays nested more than {MAX_DEPTH} deep"])
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError([f"{shown}: malformed TOML: {exc}{_line_of(str(exc), text)}"]) from None
    except RecursionError:  # tomllib recurses once per nested array or inline table
        raise too_deep from None
    if nesting_depth(data) > MAX_DEPTH:  # dotted keys nest without brackets
        raise too_deep
    return data


def load_scenario(path: str | Path, registry: Any) -> Scenario:
    """Read, parse and validate the scenario at ``path`` against ``registry``'s schemas.

    Raises :class:`ScenarioError` (every message prefixed with the path) on any problem,
    including a missing, unreadable, oversized or irregular file and malformed or too deep TOML.
    """
    shown = display_path(path)
    data_bytes = read_limited(path, shown)
    data = parse_toml(data_bytes, shown)
    scenario = validate(data, registry, shown, hashlib.sha256(data_bytes).hexdigest(), data_bytes.decode("utf-8"))
    named = scenario.claim.bridge_from if scenario.claim is not None else ""
    if named and named != "none" and not (Path(path).parent / named).is_file():
        raise ScenarioError([f"{shown}: claim.bridge_from: no scenario file {named!r} beside this file (a path "
                             "relative to its folder), or \"none\" for no bridge"])
    return scenario


def validate(data: dict[str, Any], registry: Any, shown: str = "<scenario>", sha256: str = "", text: str = "") -> Scenario:
    """Validate an already-parsed scenario mapping (same rules as :func:`load_scenario`).

    ``text`` (the file's text, when there is one) gives the line numbers of the overrides' provenance.
    """
    problems: list[str] = []

    def bad(key: str, message: str) -> None:
        problems.append(f"{shown}: {key}: {message}")

    _unknown(data, _TOP, "", bad)
    study = _table(data, "study", bad)
    _unknown(study, _STUDY, "study.", bad)
    name = study.get("name", Path(shown).stem)
    if not isinstance(name, str) or not name.strip():
        bad("study.name", f"expected a non-empty string, got {name!r}")
    elif _control(name, ""):  # printed in tables and reports: an escape sequence would act on the reader's terminal
        bad("study.name", f"expected a name without control characters, got {name!r}")
    description = study.get("description", "")
    if not isinstance(description, str):
        bad("study.description", f"expected a string, got {description!r}")
    elif _control(description, "\n\t"):
        bad("study.description", f"expected text without control characters (line breaks and tabs are fine), got {description!r}")
    seed = study.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        bad("study.seed", f"expected a whole number >= 0, got {seed!r}")
        seed = 0

    before = len(problems)
    overrides = _overrides.parse(data, registry, shown, text, bad)
    # entries the file writes, when its [catalogue] was refused (already reported): a name of one is not another fault
    refused: set[tuple[str, str]] = set()
    if len(problems) == before:
        registry = _overrides.scoped(registry, overrides)
    elif isinstance(data.get("catalogue"), dict):
        refused = {(kind, str(name)) for kind, entries in data["catalogue"].items() if isinstance(entries, dict)
                   for name in entries}
    workload = _workload(_table(data, "workload", bad), bad)
    assumptions = _assumptions(_table(data, "assumptions", bad), registry, bad, refused)

    archs_table = isinstance(data.get("architectures", {}), dict)
    archs = _table(data, "architectures", bad)
    runs: list[ArchitectureRun] = []
    if not archs and archs_table:
        bad("architectures", "expected at least one [architectures.<name>] table")
    for instance, table in archs.items():
        key = f"architectures.{instance}"
        if not INSTANCE_NAME.fullmatch(instance) or instance in RESERVED_INSTANCES:
            bad("architectures", "an architecture's name is letters, digits, '_' and '-' (it names study columns such "
                                 f"as <name>.<parameter>), and not {', '.join(RESERVED_INSTANCES)}; got {instance!r}")
            continue
        if not isinstance(table, dict):
            bad(key, f"expected a table, got {table!r}")
            continue
        kind = table.get("type", instance)
        where = f"{key}.type" if "type" in table else key
        if not isinstance(kind, str):
            bad(where, f"expected the name of an installed architecture (a string), got {kind!r}")
            continue
        if kind not in registry.architectures:
            unavailable = getattr(registry, "unavailable", {})
            if kind in unavailable:
                bad(where, f"architecture {kind!r} is unavailable: {unavailable[kind]}")
                continue
            known = sorted(registry.architectures)
            close = difflib.get_close_matches(str(kind), known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; installed: {', '.join(known) or 'none'}"
            failed = [p.name for p in getattr(registry, "load_errors", [])]
            if failed:
                hint += f" (plugins that failed to load: {', '.join(failed)})"
            bad(where, f"no installed architecture {kind!r}{hint}")
            continue
        spec = registry.architectures[kind]
        before = len(problems)
        values, origins = default_params(spec, registry, overrides, set(table), lambda k, m, key=key: bad(k, f"as {key}.{m}"),
                                         workload.kind)
        overridden = set()
        known_keys = {p.name for p in spec.params} | {"type"}
        _unknown(table, known_keys, f"{key}.", bad)
        for pname, raw in table.items():
            if pname == "type" or pname not in known_keys:
                continue
            try:
                values[pname] = check_value(spec.param(pname), raw)
                overridden.add(pname)
            except ValueError as exc:
                bad(f"{key}.{pname}", str(exc))
        for param in spec.params:
            if param.catalogue and param.name in values and not (values[param.name] == AUTO and param.default == AUTO):
                _catalogue_param(registry, spec.name, param, values[param.name], param.name in overridden,
                                 f"{key}.{param.name}", shown, bad, problems, workload.precision, refused)
        params = Params(values, frozenset(overridden), origins)
        if spec.check is not None and len(problems) == before:
            _cross_check(spec, params, key, bad)
        runs.append(ArchitectureRun(instance, spec, params))
    _baseline_name_free(runs, registry, bad)
    claim = None
    if "claim" in data:
        from sandbox.core.claim import parse_claim  # only files that state a claim need it

        # every architecture the file declares, valid or not (a bad one is reported once, above); None when
        # [architectures] itself is not a table, so that the claim's figures are not checked against it
        named = ({str(k) for k in archs} | {s.name for s in registry.architectures.values() if s.baseline}
                 if archs_table else None)
        claim = parse_claim(data["claim"], named, bad)
    if problems:
        raise ScenarioError(problems)
    return Scenario(shown, sha256, name, description, seed, workload, assumptions, runs, data, overrides, claim)


def default_params(spec: ArchitectureSpec, registry: Any, overrides: _overrides.Overrides = _overrides.NONE,
                   stated: set[str] | frozenset[str] = frozenset(), bad: Any = None,
                   workload_kind: str = "") -> tuple[dict[str, Any], dict[str, str]]:
    """``spec``'s default parameter values for a ``workload_kind`` workload, with the scenario's
    ``[models]`` overrides applied to every parameter whose default is an overridden model default
    and that the scenario (``stated``) does not set.

    A parameter whose :attr:`~sandbox.core.params.Param.workload_defaults` name a default for this
    workload kind takes that default (the scenario's value of it). Returns (values, origins);
    ``origins`` says where such a value came from. A model value outside a parameter's bounds is
    reported through ``bad(key, message)`` (raised when ``bad`` is None).
    """
    values: dict[str, Any] = {}
    origins: dict[str, str] = {}
    for param in spec.params:
        values[param.name] = check_value(param, param.default)
        if param.name in stated:
            continue
        name = dict(param.workload_defaults).get(workload_kind) or param.model_default
        if not name:
            continue
        nominal = overrides.nominal(name)
        by_kind = name != param.model_default
        if nominal is None and not by_kind:
            continue
        default = registry.models.default(name)
        try:
            values[param.name] = check_value(param, sourced_text(default.nominal if nominal is None else nominal,
                                                                 default.unit))
        except ValueError as exc:
            if bad is None:
                raise
            bad(f"models.{name}", f"{param.name}: {exc}")
        place = f"[models] {name}, {overrides.where.get(f'models.{name}', 'scenario')}" if nominal is not None else ""
        origins[param.name] = (f"{workload_kind} workload: {name}" + (f"; {place}" if place else "")) if by_kind else place
    return values, origins


def param_range(param: Any, models: Any, workload_kind: str = "") -> tuple[Any, Any, str]:
    """(low, high, source) of ``param``'s plausible range for a ``workload_kind`` workload, as a scenario
    would write them: the range of the shared-model default its ``workload_defaults`` name for that kind
    (``models`` as the scenario sees them, so a ``[models]`` range counts), else the parameter's own.

    A training workload's ``utilisation`` is thus drawn from the pre-training MFU range, not the serving one.
    """
    name = dict(param.workload_defaults).get(workload_kind)
    if name:
        default = models.default(name)
        if default.low is not None and default.high is not None:
            return sourced_text(default.low, default.unit), sourced_text(default.high, default.unit), default.source
    return param.low, param.high, param.source


#: Seconds an architecture's ``check`` may take when a scenario is validated.
CHECK_TIMEOUT_S = 10.0


def _cross_check(spec: ArchitectureSpec, params: Params, key: str, bad: Any) -> None:
    """The architecture's own rules between its parameters (``ArchitectureSpec.check``).

    The check gets a copy of the parameters (it cannot change the run's), its printing is
    discarded, and it has :data:`CHECK_TIMEOUT_S`. A check that itself fails (raises, returns
    something else, hangs) is the plugin's fault, not the file's: it is skipped here, and the
    design function (which refuses the same values) names the architecture when it runs.
    """
    try:
        with captured_stdout():
            found = call_with_timeout(lambda: list(spec.check(copy.deepcopy(params)) or ()),  # type: ignore[misc]
                                      CHECK_TIMEOUT_S)
    except Exception:  # noqa: BLE001 - a plugin's bug must not stop the other architectures' validation
        return
    for item in found:
        if isinstance(item, tuple) and len(item) == 2:
            bad(f"{key}.{item[0]}", str(item[1]))


def _table(data: dict, key: str, bad: Any) -> dict:
    value = data.get(key, {})
    if not isinstance(value, dict):
        bad(key, f"expected a table [{key}], got {value!r}")
        return {}
    return value


def _unknown(table: dict, known: set[str], prefix: str, bad: Any) -> None:
    for key in table:
        if key not in known:
            close = difflib.get_close_matches(key, sorted(known), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; expected one of: {', '.join(sorted(known))}"
            bad(f"{prefix}{key}", f"unknown key{hint}")


#: Largest sustained compute a scenario may ask for: 10^25 FLOP/s, ~10^7 times the fastest
#: supercomputer of 2024 (El Capitan, 1.7×10^18 FLOP/s, TOP500 Nov 2024); anything above is a typo.
MAX_SUSTAINED_FLOPS = 1e25
#: Longest latency target: one year (a deep-space probe's decision loop is hours to days).
MAX_LATENCY_S = 3.15576e7


def _quantity(table: dict, key: str, full: str, unit: u.UnitBase, default: str, bad: Any, positive: bool = True,
              maximum: float = math.inf) -> float:
    raw = table.get(key, default)
    try:
        q = parse_quantity(raw, unit)
    except QuantityError as exc:
        bad(full, str(exc))
        return math.nan
    value = value_in(q, unit)
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        bad(full, f"expected a finite value {'>' if positive else '>='} 0, got {raw!r}")
        return math.nan
    if value > maximum:
        bad(full, f"expected at most {maximum:g} {unit.to_string()}, got {raw!r}")
        return math.nan
    return value


def _workload(table: dict, bad: Any) -> Workload:
    _unknown(table, _WORKLOAD, "workload.", bad)
    kind = table.get("kind", "inference")
    if kind not in WORKLOAD_KINDS:
        bad("workload.kind", f"expected one of {', '.join(WORKLOAD_KINDS)}, got {kind!r}")
    precision = table.get("precision", "fp16")
    if precision not in PRECISIONS:
        close = difflib.get_close_matches(str(precision), PRECISIONS, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        bad("workload.precision", f"expected one of {', '.join(PRECISIONS)}, got {precision!r}{hint}")
    flops = _quantity(table, "sustained_compute", "workload.sustained_compute", FLOPS, "100 PFLOPS", bad,
                      maximum=MAX_SUSTAINED_FLOPS)
    latency = _quantity(table, "latency_target", "workload.latency_target", u.s, "1 s", bad, maximum=MAX_LATENCY_S)
    users = []
    raw_users = table.get("users", [])
    if not isinstance(raw_users, list):
        bad("workload.users", f"expected a list of {{name, lat, lon}} tables, got {raw_users!r}")
        raw_users = []
    for i, user in enumerate(raw_users):
        key = f"workload.users[{i}]"
        if not isinstance(user, dict):
            bad(key, f"expected a table {{name, lat, lon}}, got {user!r}")
            continue
        _unknown(user, _USER, f"{key}.", bad)
        lat = _angle(user, "lat", f"{key}.lat", 90.0, bad)
        lon = _angle(user, "lon", f"{key}.lon", 180.0, bad)
        users.append({"name": str(user.get("name", f"user {i}")), "lat_deg": lat, "lon_deg": lon})
    return Workload(str(kind), flops, str(precision), latency, tuple(users))


def _angle(table: dict, key: str, full: str, limit: float, bad: Any) -> float:
    if key not in table:
        bad(full, "missing; expected an angle such as \"40 deg\"")
        return math.nan
    try:
        value = float(parse_quantity(table[key], u.deg).to_value(u.deg))
    except QuantityError as exc:
        bad(full, str(exc))
        return math.nan
    if not math.isfinite(value) or abs(value) > limit:
        bad(full, f"expected an angle between -{limit:g} deg and {limit:g} deg, got {table[key]!r}")
    return value


def _assumptions(table: dict, registry: Any, bad: Any, refused: set[tuple[str, str]]) -> Assumptions:
    _unknown(table, _ASSUMPTIONS, "assumptions.", bad)
    year = table.get("start_year", DEFAULT_ASSUMPTIONS["start_year"][0])
    if isinstance(year, bool) or not isinstance(year, int) or not 1950 <= year <= 2200:
        bad("assumptions.start_year", f"expected a year between 1950 and 2200, got {year!r}")
    rate = table.get("discount_rate", registry.models.value("cost.discount_rate"))
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not math.isfinite(rate) or not 0 <= rate < 1:
        bad("assumptions.discount_rate", f"expected a fraction per year in [0, 1), e.g. 0.08, got {rate!r}")
        rate = 0.0
    chip = table.get("reference_chip", DEFAULT_ASSUMPTIONS["reference_chip"][0])
    if ("chips", str(chip)) not in refused and (problem := registry.catalogues.problem("chips", chip)):
        bad("assumptions.reference_chip", problem)
    return Assumptions(int(year) if isinstance(year, int) else 0, float(rate), str(chip))


def _catalogue_param(registry: Any, arch_type: str, param: Any, value: Any, overridden: bool, full: str, shown: str,
                     bad: Any, problems: list[str], precision: str, refused: set[tuple[str, str]]) -> None:
    """A catalogue-typed parameter names installed entries (of the kinds it accepts), and a chip the
    design counts at the workload's ``precision`` (``Param.precision``) has a figure at it.

    A value from the scenario is the user's mistake (``file: key: ...``); a default the user did
    not touch is the plugin's, and the message blames the plugin that registered the architecture.
    A default chip without the workload's precision is the workload's choice: ``file: key: ...`` too.
    A name of one of the file's own ``refused`` entries (its ``[catalogue]`` table was reported) is passed.
    """
    for name in value if isinstance(value, list) else [value]:
        if (param.catalogue, str(name)) in refused:
            continue
        problem = registry.catalogues.problem(param.catalogue, name, tuple(param.kinds))
        if problem is None:
            lacking = chip_precision_problem(registry.catalogues.chips[name], precision, param.precision) \
                if param.precision else None
            if lacking is not None:
                bad(full, lacking if overridden else f"{lacking} (the default chip)")
            continue
        if overridden or not registry.catalogues.usable(param.catalogue, tuple(param.kinds)):
            # (none of its kind loaded: the plugin set's fault, not the plugin's)
            bad(full, problem)
        else:
            plugin = registry.architecture_owner.get(arch_type, "?")
            problems.append(f"plugin {plugin!r}: architecture {arch_type!r}: the default of parameter {param.name!r} "
                            f"is unusable: {problem} (a fault in plugin {plugin!r}, not in {shown}; setting {full} "
                            "there works around it)")


def _baseline_name_free(runs: list[ArchitectureRun], registry: Any, bad: Any) -> None:
    """A scenario without a baseline gets one from the engine under the baseline architecture's name: an instance
    of another type named so would be overwritten by it (and compared with itself)."""
    spec = next((s for s in registry.architectures.values() if s.baseline), None)
    if spec is None or any(r.spec.baseline for r in runs):
        return
    for run in runs:
        if run.instance == spec.name:
            bad(f"architectures.{run.instance}", f"an architecture of type {run.spec.name!r} cannot be named {spec.name!r} "
                f"here: the engine adds the {spec.name!r} baseline under that name when a scenario has none; rename "
                f"this one, or add the baseline yourself ([architectures.<name>] with type = {spec.name!r})")


def _control(text: str, allowed: str) -> bool:
    """Whether ``text`` holds a control character (Unicode category Cc: ESC, NUL, BEL, ...) other than ``allowed``."""
    return any(unicodedata.category(c) == "Cc" and c not in allowed for c in text)
