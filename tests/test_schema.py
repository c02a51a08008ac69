"""`sandbox schema` agrees with `sandbox validate`: a scenario validate accepts satisfies the schema (a catalogue
entry the scenario adds included), and the names validate refuses (an empty study name, an instance "a.b") the
schema refuses too.

Documents are checked with jsonschema (a test dependency), against the draft the schema names.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from _scenarios import TOY_ASIC_TABLE
from click.testing import CliRunner

from sandbox.cli import cli
from sandbox.core.schema import INSTANCE_PATTERN, scenario_schema

ROOT = Path(__file__).resolve().parent.parent

TOY_ASIC = """
[study]
name = "toy asic"

[assumptions]
reference_chip = "ToyASIC"

[architectures.ground]
chip = "ToyASIC"

[architectures.leo]
chip = "ToyASIC"
""" + TOY_ASIC_TABLE

def problems(value: Any, schema: dict[str, Any]) -> list[str]:
    """Where ``value`` breaks ``schema`` (empty: it satisfies it), as ``.path.to.key: message``, checked by jsonschema
    with the validator of the draft the schema names (2020-12)."""
    validator = jsonschema.validators.validator_for(schema)(schema)
    return sorted("." + ".".join(str(p) for p in e.absolute_path) + f": {e.message}" for e in validator.iter_errors(value))


@pytest.fixture(scope="module")
def schema(registry) -> dict[str, Any]:
    return scenario_schema(registry)


def validate_cli(path: Path):
    return CliRunner().invoke(cli, ["validate", str(path)], obj={})


def test_sandbox_schema_prints_the_schema_of_the_installed_plugins(registry):
    r = CliRunner().invoke(cli, ["schema"], obj={})
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout) == scenario_schema(registry)


def test_a_chip_the_scenario_adds_satisfies_the_schema_as_validate_accepts_it(tmp_path, schema):
    """chip = "ToyASIC" and reference_chip = "ToyASIC" with [catalogue.chips.ToyASIC]: validate accepts the file, and
    the schema did not (its enums listed only the installed chips)."""
    path = tmp_path / "toy.toml"
    path.write_text(TOY_ASIC, encoding="utf-8")
    r = validate_cli(path)
    assert r.exit_code == 0, r.output
    assert problems(tomllib.loads(TOY_ASIC), schema) == []


def test_catalogue_parameters_list_the_installed_entries_as_examples(registry, schema):
    """Every catalogue-typed parameter is a non-empty string whose examples are the installed entries (of its kinds),
    with 'auto' first where that is its default; the description says new entries may be added."""
    variants = {v["properties"]["type"]["const"]: v["properties"]
                for v in schema["properties"]["architectures"]["additionalProperties"]["anyOf"]}
    checked = 0
    for name, spec in registry.architectures.items():
        for p in spec.params:
            if not p.catalogue:
                continue
            doc = variants[name][p.name]["items"] if p.kind == "list" else variants[name][p.name]
            table = getattr(registry.catalogues, p.catalogue)
            installed = sorted(n for n, e in table.items() if not p.kinds or getattr(e, "kind", None) in p.kinds)
            assert "enum" not in doc, (name, p.name)
            assert doc["type"] == "string" and doc["minLength"] == 1
            assert doc["examples"] == (["auto"] if p.default == "auto" else []) + installed, (name, p.name)
            assert (f"an installed entry (the examples) or one the scenario adds under [catalogue.{p.catalogue}.<name>]."
                    in variants[name][p.name]["description"]), (name, p.name)
            checked += 1
    assert checked >= 20
    ground = variants["ground"]
    assert ground["grid"]["examples"] == ["grid-us"]  # kinds=('grid',): only the grid entries
    assert ground["chip"]["default"] == "H100-SXM" and "H100-SXM" in ground["chip"]["examples"]
    chip = schema["properties"]["assumptions"]["properties"]["reference_chip"]
    assert chip["type"] == "string" and "enum" not in chip and chip["examples"] == sorted(registry.catalogues.chips)
    assert chip["description"] == ("The chip $/GPU-hour equivalents are quoted for. A catalogue chip: an installed "
                                   "entry (the examples) or one the scenario adds under [catalogue.chips.<name>].")


@pytest.mark.parametrize(("text", "key", "refused"), [
    ('[study]\nname = ""\n[architectures.ground]\n', "study.name", "expected a non-empty string, got ''"),
    ('[study]\nname = "   "\n[architectures.ground]\n', "study.name", "expected a non-empty string, got '   '"),
    ('[study]\nname = "t\\u001b[2J"\n[architectures.ground]\n', "study.name", "without control characters"),
    ('[study]\ndescription = "a\\u0007"\n[architectures.ground]\n', "study.description", "without control characters"),
    ('[architectures."a.b"]\ntype = "ground"\n', "architectures", "got 'a.b'"),
    ('[architectures.models]\ntype = "ground"\n', "architectures", "got 'models'"),
    ('[architectures._]\ntype = "ground"\n', "architectures", "got '_'"),
    ('[architectures."-a"]\ntype = "ground"\n', "architectures", "got '-a'"),
    ('[architectures."hall\\n"]\ntype = "ground"\n', "architectures", "got 'hall\\n'"),
])
def test_what_validate_refuses_the_schema_refuses(tmp_path, schema, text, key, refused):
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    r = validate_cli(path)
    assert r.exit_code == 2
    assert any(line.startswith(f"error: {path}: {key}: ") and refused in line for line in r.stderr.splitlines()), r.stderr
    found = problems(tomllib.loads(text), schema)
    assert found and all(p.startswith(f".{key}") for p in found), found


@pytest.mark.parametrize("name", ["ground2", "hall-b", "_hall", "_-", "2x", "région"])
def test_instance_names_validate_accepts_the_schema_accepts(tmp_path, schema, name):
    text = f'[architectures."{name}"]\ntype = "ground"\n'
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    r = validate_cli(path)
    assert r.exit_code == 0, r.output
    assert problems(tomllib.loads(text), schema) == []
    assert re.search(INSTANCE_PATTERN, name)


def test_the_instance_rule_and_the_study_name_rule_are_in_the_schema(schema):
    names = schema["properties"]["architectures"]["propertyNames"]
    assert names["pattern"] == r"^(?:[^\W_][\w-]*|_[\w-]+)(?![\s\S])"
    assert names["not"] == {"enum": ["models", "catalogue", "assumptions"]}
    assert schema["properties"]["study"]["properties"]["name"] == {
        "type": "string", "minLength": 1, "pattern": r"^(?=[\s\S]*\S)[^\x00-\x1f\x7f-\x9f]*$",
        "description": "The study's name (not empty nor only spaces, no control characters; default: the file's name)."}


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").rglob("*.toml")), ids=lambda p: p.name)
def test_every_shipped_scenario_satisfies_the_schema(schema, path):
    r = validate_cli(path)
    assert r.exit_code == 0, r.output
    assert problems(tomllib.loads(path.read_text(encoding="utf-8")), schema) == []


# ----------------------------------------------------------------------------- [models] and [claim]
def _agree(tmp_path: Path, schema: dict[str, Any], text: str) -> bool:
    """Whether `sandbox validate` accepts the scenario ``text``, asserting that the schema says the same."""
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    r = validate_cli(path)
    assert r.exit_code in (0, 2), r.output
    found = problems(tomllib.loads(text), schema)
    assert (r.exit_code == 0) == (found == []), (r.output, found)
    return r.exit_code == 0


BASE = '[study]\nname = "s"\n[architectures.ground]\n'


@pytest.mark.parametrize(("models", "accepted"), [
    # a frequency (unit 1/yr, default 0.106): a unit is required, the value >= 0
    ('"compute.failure_rate_per_year_ground" = "0.1 1/yr"', True),
    ('"compute.failure_rate_per_year_ground" = "0.1/yr"', True),
    ('"compute.failure_rate_per_year_ground" = 0.1', False),  # a bare number where a unit is expected
    ('"compute.failure_rate_per_year_ground" = "0.1"', False),  # the same, in a string
    ('"compute.failure_rate_per_year_ground" = "-0.1 1/yr"', False),
    ('"compute.failure_rate_per_year_ground" = { value = "0.1 1/yr", low = "0.05 1/yr", high = "0.2 1/yr", '
     'source = "a citation" }', True),
    ('"compute.failure_rate_per_year_ground" = { value = "0.1 1/yr", low = "0.05 1/yr" }', False),  # low, no high
    ('"compute.failure_rate_per_year_ground" = { value = "0.1 1/yr", typo = 1 }', False),
    ('"compute.failure_rate_per_year_ground" = { low = "0.05 1/yr", high = "0.2 1/yr" }', False),  # no value
    # a fraction (dimensionless, default 0.4, range 0.3-0.5): a number or a string, in (0, 1]
    ('"compute.utilisation_training" = 0.5', True),
    ('"compute.utilisation_training" = "50 %"', True),
    ('"compute.utilisation_training" = "0.5"', True),
    ('"compute.utilisation_training" = 1', True),
    ('"compute.utilisation_training" = 1.5', False),
    ('"compute.utilisation_training" = 0', False),  # > 0: its low end is above 0
    ('"compute.utilisation_training" = -0.1', False),
    ('"compute.utilisation_training" = "-10 %"', False),
    ('"compute.utilisation_training" = true', False),
    # in its module's table, as validate reads it
    ('[models.compute]\nutilisation_training = 0.5', True),
    ('[models.compute]\nutilisation_training = 1.5', False),
    ('[models.compute]\nutilisation_trainin = 0.5', False),
    ('"compute.utilisation_trainin" = 0.5', False),
])
def test_validate_and_the_schema_agree_on_models_values(tmp_path, schema, models, accepted):
    """The schema took only dotted names (validate also reads [models.compute] tables), refused "50 %" for a
    dimensionless default, took 0 and 1.5 for a fraction above 0, and a number alone in a string where a unit is
    expected. What it cannot say: the bounds of a value written as a string ("150 %"), low <= value <= high, and
    one default written both ways."""
    table = models if models.startswith("[models.") else f"[models]\n{models}"
    assert _agree(tmp_path, schema, BASE + table + "\n") is accepted


def test_every_settable_default_at_its_nominal_value_passes_both_ways_in_both_forms(tmp_path, schema, registry):
    """All 84 settable defaults, each at its own nominal value (a number, or the number and its unit): validate
    and the schema accept them as dotted names and inside their module's tables."""
    defaults = {n: d for n, d in registry.models.defaults.items() if d.settable}
    assert len(defaults) >= 84

    def value(d: Any) -> str:
        return repr(float(d.nominal)) if d.unit in ("", "1") else f'"{float(d.nominal)!r} {d.unit}"'

    dotted = "[models]\n" + "".join(f'"{n}" = {value(d)}\n' for n, d in sorted(defaults.items()))
    assert _agree(tmp_path, schema, BASE + dotted)
    modules: dict[str, list[str]] = {}
    for n, d in sorted(defaults.items()):
        module, sub = n.split(".", 1)
        modules.setdefault(module, []).append(f'"{sub}" = {value(d)}\n')
    nested = "".join(f"[models.{m}]\n" + "".join(lines) for m, lines in modules.items())
    assert _agree(tmp_path, schema, BASE + nested)


CLAIM = '''
[claim]
title = "A claim"
source = "Someone, 'A paper' (2025)"
{extra}
[[claim.figures]]
architecture = "ground"
metric = "cost.per_pflop_day"
{figure}
'''


@pytest.mark.parametrize(("extra", "figure", "accepted"), [
    ("", 'claimed = "130 USD"', True),
    ("", "claimed = 130", True),
    ("", 'claimed = "130"', True),  # a number in the metric's display unit
    ("", 'claimed = "130 USD"\nlow = "100 USD"\nhigh = "160 USD"\nwhat = "ground"', True),
    ('notes = ["one"]\nurl = "https://example.org"\ndate = "2025"\nbridge_from = "none"', "claimed = 130", True),
    ("", 'claimed = "-130 USD"', False),
    ("", "claimed = -1", False),
    ("", 'claimed = "130 USD"\nlow = "100 USD"', False),  # low without high
    ("", "claimed = 130\nunit = 'USD'", False),  # a key a figure does not have
    ("", 'what = "no figure"', False),  # no claimed figure
    ('headline = "x"', "claimed = 130", False),  # a key a claim does not have
    ('notes = "one"', "claimed = 130", False),  # notes are a list
])
def test_validate_and_the_schema_agree_on_claims(tmp_path, schema, extra, figure, accepted):
    """The schema took any [claim] table; validate refuses unknown keys, negative figures and a low without a high."""
    assert _agree(tmp_path, schema, BASE + CLAIM.format(extra=extra, figure=figure)) is accepted


@pytest.mark.parametrize("claim", ['title = "  "\nsource = "s"', 'source = "s"', 'title = "t"\nsource = "s"\nfigures = []'])
def test_a_claim_without_a_title_or_figures_is_refused_by_both(tmp_path, schema, claim):
    assert _agree(tmp_path, schema, BASE + "[claim]\n" + claim + "\n") is False


SWEEP = '[study]\nname = "s"\n[architectures.leo]\n[sweep]\n'


@pytest.mark.parametrize(("sweep", "accepted"), [
    ('method = "grid"\n[sweep.params]\n"leo.altitude" = { low = "500 km", high = "1000 km", steps = 3 }', True),
    ('method = "grid"\nchunk = 1\n[sweep.params]\n"leo.altitude" = { values = ["500 km", "600 km"] }', True),
    ('method = "random"\npoints = 10\nseed = 3\n[sweep.params]\n"leo.altitude" = { low = "500 km", '
     'high = "1000 km", scale = "log" }', True),
    ('method = "montecarlo"\npoints = 10\nuncertain = true', True),
    ('methd = "grid"', False),  # an unknown key
    ('method = "grd"\npoints = 10', False),
    ('method = "montecarlo"\npoints = 0', False),
    ('method = "montecarlo"\npoints = 10000001', False),  # more than a study may hold (10,000,000)
    ('method = "montecarlo"\npoints = true', False),
    ('method = "montecarlo"\npoints = 10\nchunk = 0', False),
    ('method = "montecarlo"\npoints = 10\nseed = -1', False),
    ('method = "montecarlo"\npoints = 10\nuncertain = "yes"', False),
    ('method = "grid"\n[sweep.params]\n"leo.altitude" = { low = "500 km", high = "1000 km", stpes = 3 }', False),
    ('method = "grid"\n[sweep.params]\n"leo.altitude" = { values = ["500 km"], low = "500 km" }', False),
    ('method = "grid"\n[sweep.params]\n"leo.altitude" = { values = [] }', False),
    ('method = "random"\npoints = 5\n[sweep.params]\n"leo.altitude" = { low = "500 km", high = "1000 km", '
     'scale = "ln" }', False),
    ('method = "grid"\n[sweep.params]\n"leo.altitude" = { low = "500 km", high = "1000 km", steps = -1 }', False),
    ('method = "grid"\n[sweep.params]\n"leo.altitude" = { low = "500 km", high = "1000 km", steps = 100001 }', False),
    ('method = "grid"\n[sweep.params]\naltitude = { low = "500 km", high = "1000 km", steps = 3 }', False),  # no dot
])
def test_validate_and_the_schema_agree_on_the_form_of_a_sweep(tmp_path, schema, sweep, accepted):
    """The schema took any [sweep] table; validate refuses unknown keys, a method it does not know, points, chunk
    and seed out of their ranges, and a dimension with a key it does not have, values beside a range, a scale
    other than linear or log, or steps beyond 0-100,000."""
    assert _agree(tmp_path, schema, SWEEP + sweep + "\n") is accepted


@pytest.mark.parametrize(("table", "accepted"), [
    # a chip's figures: a number in the unit the name carries, or a quantity string in it (a unit required)
    ('[catalogue.chips.H100-SXM]\npower_w = "0.7 kW"', True),
    ("[catalogue.chips.H100-SXM]\npower_w = 700", True),
    ('[catalogue.chips.H100-SXM]\npower_w = "700"', False),  # a number alone in a string where a unit is expected
    ("[catalogue.chips.H100-SXM]\npower_w = 0", False),  # a chip that computes draws power
    ("[catalogue.chips.H100-SXM]\npower_w = -1", False),
    ("[catalogue.chips.H100-SXM]\npower_w = true", False),
    ("[catalogue.chips.H100-SXM]\ntid_krad = 0", True),  # >= 0
    ('[catalogue.chips.H100-SXM]\nsee_cross_section_cm2 = "1e-14 cm2"', True),  # its unit, from its name
    ("[catalogue.chips.H100-SXM]\nrad_hard = true", True),
    ("[catalogue.chips.H100-SXM]\nrad_hard = 1", False),
    ("[catalogue.chips.H100-SXM]\nyear = 2024", True),
    ("[catalogue.chips.H100-SXM]\nyear = 2024.5", False),
    ("[catalogue.chips.H100-SXM]\npowr_w = 700", False),  # no such field
    # a figure per precision: the precisions the workload may name, each above 0
    ("[catalogue.chips.H100-SXM]\npeak_ops_per_s = { fp16 = 1e15 }", True),
    ('[catalogue.chips.H100-SXM]\npeak_ops_per_s = { fp16 = "1 PFLOP/s" }', True),
    ("[catalogue.chips.H100-SXM]\npeak_ops_per_s = { fp17 = 1e15 }", False),
    ("[catalogue.chips.H100-SXM]\npeak_ops_per_s = { fp16 = 0 }", False),
    ("[catalogue.chips.H100-SXM]\npeak_ops_per_s = {}", False),
    # sources and ranges
    ('[catalogue.chips.H100-SXM]\nsources = { power_w = "a datasheet" }', True),
    ('[catalogue.chips.H100-SXM]\nsources = { power_w = "" }', False),
    ("[catalogue.chips.H100-SXM]\nranges = { power_w = [600, 800] }", True),
    ("[catalogue.chips.H100-SXM]\nranges = { power_w = [600] }", False),
    # a launch vehicle's payload per destination
    ("[catalogue.launch_vehicles.Falcon9]\npayload_kg = { LEO = 17500 }", True),
    ("[catalogue.launch_vehicles.Falcon9]\npayload_kg = { MARS = 1 }", False),
    ("[catalogue.launch_vehicles.Falcon9]\npayload_kg = { LEO = 0 }", False),
    ("[catalogue.launch_vehicles.Falcon9]\nreusable = false", True),
    # fractions: in (0, 1] where the ledger divides by them; a yearly loss in [0, 1), with its unit in a string
    ("[catalogue.power_sources.GaAs-rigid]\nefficiency = 0.3", True),
    ('[catalogue.power_sources.GaAs-rigid]\nefficiency = "30 %"', True),
    ("[catalogue.power_sources.GaAs-rigid]\nefficiency = 1.2", False),
    ("[catalogue.power_sources.GaAs-rigid]\nefficiency = 0", False),
    ('[catalogue.power_sources.GaAs-rigid]\ndegradation_per_year = "0.01 1/yr"', True),
    ("[catalogue.power_sources.GaAs-rigid]\ndegradation_per_year = 1", False),
    ('[catalogue.power_sources.GaAs-rigid]\nkind = "nuclear"', False),
    # a ground station's place: bounded on both sides, a negative latitude included
    ('[catalogue.ground_stations.SvalSat]\nlat_deg = "-30 deg"', True),
    ("[catalogue.ground_stations.SvalSat]\nlat_deg = 91", False),
    ("[catalogue.ground_stations.SvalSat]\nmin_elevation_deg = 95", False),
    ("[catalogue.ground_stations.SvalSat]\nalt_m = -700", False),
    ('[catalogue.ground_stations.SvalSat]\nnetwork = "KSAT"', True),
    ('[catalogue.chips."  "]\npower_w = 700', False),  # an entry needs a name
])
def test_validate_and_the_schema_agree_on_catalogue_fields(tmp_path, schema, table, accepted):
    """The schema took any table as a catalogue entry; validate refuses a field the entry type does not have, a
    value of another type, a figure outside the rules every entry obeys (sandbox.core.catalogue.field_problem), a
    bare number in a string where the field has a unit, and a precision or a destination it does not know. What the
    schema cannot say: the bounds of a value written as a string, that a new entry gives a source for each figure,
    and that an entry's kind stays the same."""
    assert _agree(tmp_path, schema, BASE + table + "\n") is accepted


def test_every_installed_entry_written_out_in_full_passes_both(tmp_path, schema, registry):
    """Each installed entry of every catalogue, every field as its own value (numbers in the unit the name carries,
    NaN left out: "not given"), with its sources and ranges, satisfies the schema and validate alike."""
    import dataclasses
    import math

    import tomli_w

    catalogue: dict[str, dict[str, Any]] = {}
    for kind in ("chips", "launch_vehicles", "power_sources", "ground_stations"):
        for name, entry in getattr(registry.catalogues, kind).items():
            fields = {f.name: getattr(entry, f.name) for f in dataclasses.fields(entry) if f.name != "name"}
            fields = {k: ({s: list(v) for s, v in value.items()} if k == "ranges" else dict(value))
                      if hasattr(value, "items") else value for k, value in fields.items()}
            catalogue.setdefault(kind, {})[name] = {k: v for k, v in fields.items()
                                                   if v != {} and not (isinstance(v, float) and math.isnan(v))}
    assert sum(len(entries) for entries in catalogue.values()) >= 47  # 10 chips, 6 vehicles, 16 sources, 15 stations
    assert _agree(tmp_path, schema, BASE + tomli_w.dumps({"catalogue": catalogue}))
