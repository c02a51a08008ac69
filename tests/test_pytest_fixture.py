"""The ``sandbox_run`` fixture shipped for plugin authors (``sandbox.testing``, entry point ``pytest11``).

Each test writes a plugin author's test file, runs pytest on it with ``pytester`` (the fixture is
found through the installed pytest plugin, nothing imported by hand), and checks the outcome.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

pytest_plugins = ["pytester"]

DOC = Path(__file__).resolve().parent.parent / "docs" / "plugins.md"
#: hypothesis's terminal summary adds ~3 s to every inner run and is not what these tests exercise
INNER_ARGS = ("-p", "no:hypothesispytest")

AUTHOR_TEST = '''
import types

import pytest

from sandbox import hookimpl
from sandbox.core.architecture import ArchitectureSpec
from sandbox.core.design import Design, Element, PowerSystem, Site, ThermalSystem
from sandbox.core.params import Param


def design(p, ctx):
    return Design(elements=[Element(
        name="hall", count=p.halls, chip="A100-SXM", chips_per_unit=p.chips_per_hall, utilisation=0.5,
        site=Site("hall", kind="ground", radiation_environment="ground"),
        power=PowerSystem(source="grid-us"), thermal=ThermalSystem(kind="facility", pue=1.2))])


@hookimpl
def sandbox_register_architectures(register):
    register(ArchitectureSpec(
        name="a100hall", title="A100 halls", description="Plugin author's test architecture.",
        params=(Param("halls", 2, "Number of halls.", source="test input"),
                Param("chips_per_hall", 1000, "A100 modules per hall.", source="test input")),
        design=design))


PLUGIN = types.SimpleNamespace(sandbox_register_architectures=sandbox_register_architectures)


def test_a100_halls(sandbox_run):
    result = sandbox_run("""
        [workload]
        sustained_compute = "10 PFLOPS"
        precision = "fp16"
        [architectures.halls]
        type = "a100hall"
        halls = 3
    """, plugins=[("a100hall", PLUGIN)])
    assert result.failures == {}
    halls = result.ledgers["halls"]
    # NVIDIA A100 SXM data sheet: 312 TFLOP/s dense fp16, 400 W.
    # 3 halls x 1,000 x 312e12 x 0.5 = 468 PFLOP/s
    assert halls.get("compute.delivered") == pytest.approx({delivered})
    # 3,000 x (400 W + 412.5 W host server; NVIDIA DGX A100: 6.5 kW for 8 GPUs) = 2.4375 MW of IT load;
    # x PUE 1.2 = 2.925 MW from the grid
    assert halls.get("power.grid") == pytest.approx(2.925)
    # the ground baseline was added by the engine and sized to the 10 PFLOP/s workload
    assert result.baseline == "ground" and result.ledgers["ground"].get("compute.delivered") >= 10
'''


def test_plugin_author_test_passes_with_the_fixture(pytester):
    pytester.makepyfile(test_author=AUTHOR_TEST.replace("{delivered}", "468.0"))
    result = pytester.runpytest("-q", *INNER_ARGS)
    result.assert_outcomes(passed=1)


def test_a_wrong_number_fails_the_author_test(pytester):
    # the fixture does not hide failures: a wrong hand calculation (say 0.4 utilisation: 374.4) fails
    pytester.makepyfile(test_author=AUTHOR_TEST.replace("{delivered}", "374.4"))
    result = pytester.runpytest("-q", *INNER_ARGS)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*467.99*374.4*"])


def test_fixture_runs_a_mapping_with_the_installed_plugins(pytester):
    pytester.makepyfile(test_ground=textwrap.dedent('''
        import pytest

        def test_ground_baseline(sandbox_run):
            result = sandbox_run({"workload": {"sustained_compute": "100 PFLOPS"}, "architectures": {"ground": {}}})
            ground = result.ledgers["ground"]
            # H100: 989.4e12 x 0.30 x availability 0.999132 (0.105686/yr repaired within 3 days) = 296.56 TFLOP/s
            # per chip; ceil(1e17 / 296.56e12) = 338 chips; 338 x (700 W + 575 W host server) = 0.43095 MW of IT load
            assert ground.get("compute.chips") == 338
            assert ground.get("compute.delivered") == pytest.approx(100.238, rel=1e-5)
            assert ground.get("power.load") == pytest.approx(0.43095)
    '''))
    result = pytester.runpytest("-q", *INNER_ARGS)
    result.assert_outcomes(passed=1)


def test_the_guides_testing_example_passes(pytester):
    # docs/plugins.md, "Testing your plugin": the block after <!-- pytest --> is a complete test file
    block = re.search(r"<!-- pytest -->\n```python\n(.*?)^```", DOC.read_text(encoding="utf-8"), re.M | re.S).group(1)
    assert "sandbox_run" in block and "23.7456" in block
    pytester.makepyfile(test_from_docs=block)
    result = pytester.runpytest("-q", *INNER_ARGS)
    result.assert_outcomes(passed=1)
