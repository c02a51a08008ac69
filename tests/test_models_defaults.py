"""Meta-tests: every default of every shared model carries a source, a sane range and a parseable unit."""

import importlib
import pathlib

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
