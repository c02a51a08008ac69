"""Meta-tests: every default of every shared model carries a source, a sane range and a parseable unit."""

import importlib
import pathlib
import re

import astropy.units as u
import pytest

import sandbox.core.units  # noqa: F401  (enables FLOP, USD, ... for unit parsing)
from sandbox.core.sourced import Sourced

MODULES = ["compute", "power", "thermal", "launch", "cost", "radiation", "links"]
DOCS = pathlib.Path(__file__).resolve().parents[1] / "docs" / "models.md"


def _entries():
    for name in MODULES:
        module = importlib.import_module(f"sandbox.models.{name}")
        for key, value in module.DEFAULTS.items():
            yield name, key, value


@pytest.mark.parametrize(("module", "key", "value"), list(_entries()), ids=lambda x: x if isinstance(x, str) else "")
def test_default_is_sourced_with_range_and_unit(module, key, value):
    assert isinstance(value, Sourced), f"{module}.{key} is not a Sourced"
    assert value.source.strip(), f"{module}.{key} has no source"
    assert (value.low is None) == (value.high is None), f"{module}.{key}: give both low and high, or neither"
    if value.uncertain:
        assert value.low <= value.nominal <= value.high
    u.Unit(value.unit)  # raises if astropy cannot parse the unit string


def test_every_module_has_defaults():
    for name in MODULES:
        assert importlib.import_module(f"sandbox.models.{name}").DEFAULTS, name


def test_docs_list_every_default():
    text = DOCS.read_text(encoding="utf-8")
    missing = [f"{m}.{k}" for m, k, _ in _entries() if f"`{k}`" not in text]
    assert not missing, f"docs/models.md does not list: {missing}"


def _doc_rows() -> dict[str, list[tuple[str, ...]]]:
    """docs/models.md's default tables: key -> [(unit, nominal, low, high, source and note)]."""
    rows: dict[str, list[tuple[str, ...]]] = {}
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        m = re.match(r"\| `(\w+)` \| ([^|]*) \| ([^|]*) \| ([^|]*) \| ([^|]*) \| (.*) \|$", line)
        if m:
            rows.setdefault(m.group(1), []).append(tuple(s.strip() for s in m.groups()[1:]))
    return rows


def _same(shown: str, value: float | None) -> bool:
    """A table cell shows ``value``: "—" or empty for none, else the number to 3 significant figures or better."""
    if value is None:
        return shown in ("", "—")
    try:
        number = float(shown.replace(",", ""))
    except ValueError:
        return False
    return abs(number - value) <= 5e-3 * abs(value)


def test_docs_show_each_default_as_the_code_has_it():
    # the table a reader checks a number against is the code's: unit, value, range and source
    rows, wrong = _doc_rows(), []
    for module, key, value in _entries():
        for unit, nominal, low, high, source in rows.get(key, []):
            if (unit != (value.unit or "—") or not all(_same(c, v) for c, v in
                                                       ((nominal, value.nominal), (low, value.low), (high, value.high)))
                    or value.source not in source):
                wrong.append(f"{module}.{key}: docs {unit} {nominal} ({low}–{high}), code {value.unit} {value.nominal} "
                             f"({value.low}–{value.high})" + ("" if value.source in source else ", source differs"))
    assert sum(len(r) for r in rows.values()) > 100
    assert not wrong, "\n".join(wrong)
