"""Property-based test: mutated scenarios never give a traceback or silent nonsense.

Hypothesis mutates the default scenario (values of every known key replaced by numbers, NaN,
infinities, negative and absurd scales, wrong units, wrong types, unknown keys, broken TOML
text) and checks that each one either fails validation with one "<file>: <key>: <message>"
line per problem, or runs and gives only finite, non-negative numbers (an architecture that
cannot be built at those inputs is reported as a named failure instead).
"""

from __future__ import annotations

import math
import re
import tomllib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sandbox.core.scenario import ScenarioError, load_scenario, validate
from sandbox.ledger.engine import evaluate

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TEXT = (ROOT / "scenarios" / "default.toml").read_text()
DEFAULT = tomllib.loads(DEFAULT_TEXT)
#: Examples of the mutated-scenario test (deterministic: ``derandomize``). It once needed 22 GB and four
#: minutes: one example asked the LEO design for ~70 million satellites (``utilisation = 3e-7``) and the
#: latency simulation built their visibility mask; the design now refuses such a constellation at once
#: (``tests/test_leo.py``), and the test peaks near 150 MB.
EXAMPLES = 1500
COUNT = {"valid": 0, "invalid": 0, "failed_architectures": 0}
LINE = re.compile(r"^<fuzz>: [A-Za-z0-9_.\[\]\-]+: \S.*$|^<fuzz>: \S.*$")

numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from([0, -1, 1e30, 1e-30, 0.5, 1.0, 2.0, 12, 2800]),
)
units = st.sampled_from(["km", "kg", "W", "MW", "PFLOPS", "s", "min", "yr", "deg", "K", "USD/kWh", "m2", "", "furlong"])
quantity_strings = st.builds(lambda x, unit: f"{x} {unit}", numbers, units)
values = st.one_of(numbers, quantity_strings, st.text(max_size=12), st.booleans(), st.lists(st.integers(), max_size=3),
                   st.dictionaries(st.text(max_size=5), st.integers(), max_size=2))


def _valid_like(registry, path):
    """A strategy of values of the right form for ``path``, scaled far from the default."""
    if path[0] != "architectures" or path[1] not in registry.architectures or len(path) < 3:
        return values
    spec = registry.architectures[path[1]]
    try:
        param = spec.param(path[2])
    except KeyError:
        return values
    factors = st.one_of(st.floats(1e-6, 1e6), st.sampled_from([0.0, 0.1, 0.5, 2.0, 10.0]))
    if param.kind == "quantity":
        number, unit = str(param.default).split(" ", 1)
        return factors.map(lambda f: f"{float(number) * f:g} {unit}")
    if param.kind in ("number", "integer"):
        cast = int if param.kind == "integer" else float
        return factors.map(lambda f: cast(param.default * f))
    if param.catalogue:
        return st.sampled_from(sorted(getattr(registry.catalogues, param.catalogue)))
    if param.choices:
        return st.sampled_from(list(param.choices))
    return values


def _paths(registry) -> list[tuple[str, ...]]:
    paths = [("study", k) for k in ("name", "seed", "description")]
    paths += [("workload", k) for k in ("kind", "sustained_compute", "precision", "latency_target", "users")]
    paths += [("assumptions", k) for k in ("start_year", "discount_rate", "reference_chip")]
    for spec in registry.architectures.values():
        paths += [("architectures", spec.name, p.name) for p in spec.params]
    return paths


@st.composite
def mutated(draw, paths, registry):
    data = tomllib.loads(DEFAULT_TEXT)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths + [("architectures", "ground", "unknown_key"), ("nonsense",)]))
        table = data
        for key in path[:-1]:
            table = table.setdefault(key, {}) if isinstance(table, dict) else {}
        if isinstance(table, dict):
            # three in four mutations keep the right form at far-off scales, one in four is anything at all
            strategy = _valid_like(registry, path) if draw(st.integers(0, 3)) else values
            table[path[-1]] = draw(strategy)
    return data


def _check(result) -> None:
    for rec in result.records():
        assert math.isfinite(rec["value"]) and rec["value"] >= 0, rec
    for instance, message in result.failures.items():
        assert instance in message or "plugin" in message
    COUNT["failed_architectures"] += len(result.failures)


def test_mutated_scenarios(registry, capsys):
    paths = _paths(registry)

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(mutated(paths, registry))
    def run(data):
        try:
            scenario = validate(data, registry, "<fuzz>")
        except ScenarioError as exc:
            COUNT["invalid"] += 1
            assert exc.problems and all(LINE.match(p) for p in exc.problems), exc.problems
            return
        COUNT["valid"] += 1
        _check(evaluate(scenario, registry))

    run()
    total = COUNT["valid"] + COUNT["invalid"]
    with capsys.disabled():
        print(f"\nfuzz: {total} mutated scenarios ({COUNT['valid']} valid, {COUNT['invalid']} refused, "
              f"{COUNT['failed_architectures']} architecture failures reported by name)")
    assert total >= EXAMPLES


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.integers(0, len(DEFAULT_TEXT) - 1), st.text(min_size=1, max_size=3))
def test_broken_toml_text(tmp_path_factory, position, junk):
    path = tmp_path_factory.mktemp("fuzz") / "s.toml"
    path.write_text(DEFAULT_TEXT[:position] + junk + DEFAULT_TEXT[position + 1:], encoding="utf-8")
    from sandbox.core.registry import default_registry

    try:
        load_scenario(path, default_registry())
    except ScenarioError as exc:
        assert all(p.startswith(f"{path}: ") and "\n" not in p for p in exc.problems)
