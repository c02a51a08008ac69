"""Meta-tests of the plugin author's guide, docs/plugins.md.

- every hook in :mod:`sandbox.core.hookspecs` has a ``## <hook>`` section with its exact signature,
  appears in the lifecycle diagram, has a runnable example, and is exercised by a test file;
- every runnable example in the guide (a ```python block preceded by ``<!-- runnable: ID -->``)
  runs in a fresh namespace, and the numbers it produced are checked here again against hand
  calculations (so an example cannot silently stop computing what its comments say);
- the packaging snippet matches the example distribution in ``examples/``.
"""

from __future__ import annotations

import inspect
import re
import tomllib
from pathlib import Path

import pytest

from sandbox.core import hookspecs

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "plugins.md"
TEXT = DOC.read_text(encoding="utf-8")
TESTS = Path(__file__).resolve().parent
EXAMPLE = ROOT / "examples" / "sandbox-example-plugin"

HOOKS = sorted(name for name, fn in vars(hookspecs).items()
               if inspect.isfunction(fn) and hasattr(fn, "sandbox_spec"))


def section(title: str) -> str:
    """The text of the ``## title`` section, up to the next level-2 heading."""
    match = re.search(rf"^## {re.escape(title)}\s*$\n(.*?)(?=^## |\Z)", TEXT, re.M | re.S)
    assert match, f"docs/plugins.md has no '## {title}' section"
    return match.group(1)


def signature_line(hook: str) -> str:
    """The ``def ...`` line of the hook spec, as written in sandbox/core/hookspecs.py (without the colon)."""
    source = inspect.getsource(getattr(hookspecs, hook))
    match = re.search(r"^def .*?\)(?: -> [^\n]*?)?(?=:\s*$)", source, re.M | re.S)
    assert match, hook
    return " ".join(match.group(0).split())


def runnable_blocks() -> dict[str, tuple[int, str]]:
    blocks = {}
    for m in re.finditer(r"<!-- runnable: (\w+) -->\n```python\n(.*?)^```", TEXT, re.M | re.S):
        line = TEXT[: m.start(2)].count("\n") + 1
        assert m.group(1) not in blocks, f"duplicate runnable id {m.group(1)}"
        blocks[m.group(1)] = (line, m.group(2))
    return blocks


BLOCKS = runnable_blocks()


def test_hooks_are_discovered_from_the_hookspecs():
    # the parametrized tests below cover whatever sandbox/core/hookspecs.py declares; at least these six
    assert set(HOOKS) >= {"sandbox_register_catalogues", "sandbox_register_models", "sandbox_register_architectures",
                          "sandbox_register_commands", "sandbox_extra_metrics", "sandbox_run_finished"}


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_section_with_its_exact_signature(hook):
    body = section(hook)
    assert signature_line(hook) in " ".join(body.split()), f"## {hook}: signature missing or out of date"
    for word in ("**When:**", "**Arguments.**", "**How results combine:**"):
        assert word in body, f"## {hook}: no {word} paragraph"
    # every argument of the hook is explained in its section
    for arg in inspect.signature(getattr(hookspecs, hook)).parameters:
        assert f"`{arg}" in body, f"## {hook}: argument {arg!r} not described"


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_section_has_a_runnable_example(hook):
    body = section(hook)
    ids = re.findall(r"<!-- runnable: (\w+) -->", body)
    assert ids, f"## {hook}: no runnable example"
    # the example implements the hook it documents
    assert any(f"def {hook}(" in BLOCKS[i][1] for i in ids), f"## {hook}: example does not implement {hook}"


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_in_the_lifecycle_diagram(hook):
    assert hook in section("Lifecycle: when each hook fires")


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_exercised_by_a_test(hook):
    users = [p.name for p in sorted(TESTS.glob("test_*.py"))
             if p.name != Path(__file__).name and hook in p.read_text(encoding="utf-8")]
    assert users, f"no test file in tests/ exercises {hook}"


# ------------------------------------------------------------------ runnable examples
def run_block(block_id: str) -> dict:
    line, code = BLOCKS[block_id]
    namespace = {"__name__": f"docs_plugins_{block_id}"}
    exec(compile(code, f"{DOC}:{line}", "exec"), namespace)  # our own documentation, nothing else
    return namespace


#: Each runnable example, checked again here with the hand calculation (see the comments in the guide).
EXPECTED_IDS = {"catalogues", "models", "architectures", "commands", "extra_metrics", "run_finished"}


def test_runnable_examples_are_the_expected_ones():
    assert set(BLOCKS) == EXPECTED_IDS


def test_catalogues_example():
    ns = run_block("catalogues")
    ground = ns["result"].ledgers["ground"]
    # 434 H100 x 700 W x PUE 1.1 = 0.33418 MW from the grid, at 0.127 USD/kWh:
    # 334.18 kW x 8,766 h x 0.127 = 372,036.6 USD/yr
    assert ground.get("power.grid") == pytest.approx(0.33418)
    assert ground.get("opex.energy") == pytest.approx(0.3720366, rel=1e-6)
    assert ns["reg"].catalogues.power_sources["grid-us-commercial"].price_usd_per_kwh == 0.127


def test_models_example():
    ns = run_block("models")
    ground = ns["result"].ledgers["ground"]
    # capex 16.57446 MUSD (chips 13.02 + site 11.7 USD/W x 303.8 kW); opex 0.2372832 + 0.4972338 MUSD/yr
    assert ground.get("cost.capex") == pytest.approx(16.57446)
    assert ground.get("cost.opex") == pytest.approx(0.734517, rel=1e-5)
    # straight line over 5 yr: 16.57446 / 5 + 0.734517 = 4.049409 MUSD/yr
    assert ground.get("cost.annual") == pytest.approx(4.049409, rel=1e-6)
    # the replacement applies to the derived cost too: 4.049409e6 / (100.064 PFLOP/s x 365.25 d) = 110.80 USD
    assert ground.get("cost.per_pflop_day") == pytest.approx(4.049409e6 / (100.0638 * 365.25), rel=1e-5)


def test_architectures_example():
    ns = run_block("architectures")
    colo = ns["result"].ledgers["colo"]
    # 43 servers x 8 GPUs x 989.4e12 x 0.30 = 102.10608 PFLOP/s; 344 x 700 W x 1.58 = 0.380464 MW
    assert colo.get("compute.units") == 43
    assert colo.get("compute.delivered") == pytest.approx(102.10608)
    assert colo.get("power.grid") == pytest.approx(0.380464)
    # 0.5 yr lead time; 30 ms round trip
    assert colo.get("time.years_to_service") == pytest.approx(0.5)
    assert colo.get("latency.p50") == pytest.approx(0.03)
    assert ns["reg"].architecture_owner["colo"] == "colo"


def test_commands_example():
    ns = run_block("commands")
    # 100 PFLOP/s / 989.4 TFLOP/s = 101.07 H100 equivalents
    assert ns["out"].stdout == f"{1e17 / 989.4e12:.2f}\n" == "101.07\n"


def test_extra_metrics_example():
    ns = run_block("extra_metrics")
    ground = ns["result"].ledgers["ground"]
    # 434 x 1.2 kg = 520.8 kg over 100.064 PFLOP/s = 5.2047 kg per PFLOP/s
    assert ground.get("ratio.kg_per_pflops") == pytest.approx(520.8 / 100.0638, rel=1e-5)
    assert ground.get("ratio.kg_per_pflops") == pytest.approx(ground.get("mass.total") * 1e3 / ground.get("compute.delivered"))


def test_run_finished_example():
    ns = run_block("run_finished")
    (summary,) = ns["cheapest"].summaries
    # annual 16.57446 x CRF(0.08, 5) 0.2504565 + 0.734517 = 4.885697 MUSD/yr; / (100.0638 x 365.25) = 133.678 USD
    assert summary["usd_per_pflop_day"]["ground"] == pytest.approx(133.678, rel=1e-5)
    assert summary["cheapest"] == "ground"
    # the legacy hall buys 0.3038 MW x (1.58 - 1.1) = 0.145824 MW more at 0.081 USD/kWh:
    # + 0.145824e3 kW x 8,766 h x 0.081 = 103,542 USD/yr energy; ops fraction unchanged (same capex)
    extra = 145.824 * 8766 * 0.081
    assert summary["usd_per_pflop_day"]["ground_legacy"] == pytest.approx(
        (4.885697e6 + extra) / (100.0638 * 365.25), rel=1e-5)


# ------------------------------------------------------------------ packaging
def test_packaging_snippet_matches_the_example_distribution():
    snippet = re.search(r"## Packaging a plugin.*?```toml\n(.*?)```", TEXT, re.S).group(1)
    documented = tomllib.loads(snippet)
    actual = tomllib.loads((EXAMPLE / "pyproject.toml").read_text(encoding="utf-8"))
    assert documented["project"]["entry-points"]["sandbox"] == actual["project"]["entry-points"]["sandbox"] == {
        "example": "sandbox_example_plugin"}
    for key in ("name", "version", "dependencies"):
        assert documented["project"][key] == actual["project"][key]
    assert (EXAMPLE / "sandbox_example_plugin" / "__init__.py").exists()


def test_guide_documents_plugin_selection_and_listing():
    # the controls a plugin author needs, each in the section that explains it
    assert "SANDBOX_PLUGINS" in section("Choosing which plugins load")
    assert "--plugin MODULE" in section("Choosing which plugins load")
    assert "sandbox plugins --hook" in section("Inspecting plugins: `sandbox plugins`")
    assert "sandbox_run" in section("Testing your plugin: the `sandbox_run` fixture")
