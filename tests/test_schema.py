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
