"""Scenario text shared by the tests: the standard scenario of the architecture tests (100 PFLOP/s of FP16
inference) and a new chip written in a scenario file."""

from __future__ import annotations

import tomllib

from sandbox.core.registry import default_registry
from sandbox.core.scenario import validate
from sandbox.ledger.engine import RunResult, evaluate


def run_standard(architectures: dict | str, start_year: int = 2027, allow_failures: bool = False,
                 models: dict | None = None) -> RunResult:
    """Run ``architectures`` (a mapping, or TOML text of ``[architectures.<name>]`` tables) under the
    standard workload with the installed plugins, with the scenario's ``[models]`` overrides ``models``;
    unless ``allow_failures``, any failure fails the test."""
    if isinstance(architectures, str):
        architectures = tomllib.loads(architectures)["architectures"]
    data = {
        "study": {"name": "architecture test", "seed": 1},
        "workload": {"kind": "inference", "sustained_compute": "100 PFLOPS", "precision": "fp16", "latency_target": "1 s"},
        "assumptions": {"start_year": start_year, "discount_rate": 0.08, "reference_chip": "H100-SXM"},
        "architectures": architectures,
    }
    if models:
        data["models"] = models
    reg = default_registry()
    result = evaluate(validate(data, reg, "<test>"), reg)
    if not allow_failures:
        assert not result.failures, result.failures
    return result


def standard_toml(name: str, seed: int) -> str:
    """The standard workload and assumptions (as in :func:`run_standard`) as scenario TOML text,
    to which a test appends its ``[architectures.<name>]`` tables."""
    return f"""
[study]
name = "{name}"
seed = {seed}

[workload]
kind = "inference"
sustained_compute = "100 PFLOPS"
precision = "fp16"
latency_target = "1 s"

[assumptions]
start_year = 2027
discount_rate = 0.08
reference_chip = "H100-SXM"
"""


#: A new chip written in a scenario file (1 PFLOP/s FP16 at 0.5 kW, 2 kg, 10,000 USD): a toy, not a product.
TOY_ASIC_TABLE = """
[catalogue.chips.ToyASIC]
peak_ops_per_s = { fp16 = 1e15 }
power_w = "0.5 kW"
mass_kg = 2.0
cost_usd = 10000
sources = { peak_ops_per_s = "toy", power_w = "toy", mass_kg = "toy", cost_usd = "toy" }
"""


#: A plugin module whose architecture ``sleepy`` hangs in its design (sleeps 60 s): the time limits' test case.
SLEEPY_PLUGIN = '''
import time
from sandbox import hookimpl
from sandbox.core.architecture import ArchitectureSpec


def design(p, ctx):
    time.sleep(60)


@hookimpl
def sandbox_register_architectures(register):
    register(ArchitectureSpec("sleepy", "Sleepy", "sleeps in its design", (), design))
'''
