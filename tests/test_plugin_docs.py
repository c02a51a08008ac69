"""Meta-tests of the plugin author's guide, docs/plugins.md.

- every hook in :mod:`sandbox.core.hookspecs` has a ``## <hook>`` section with its exact signature,
  appears in the lifecycle diagram, has a runnable example, and is exercised by a test file;
- every ```python block of the guide is a runnable example (``<!-- runnable: ID -->``, run here in a
  fresh namespace), the fixture example (``<!-- pytest -->``, run by tests/test_pytest_fixture.py)
  or a hook signature (``<!-- signature -->``, equal to the specification's); the numbers the
  examples produced are checked here again against hand calculations (so an example cannot
  silently stop computing what its comments say);
- the reference section documents every field of every public type, with the unit the code
  uses, and every public method: a field added to a type fails here until it is documented;
- every name of the author surface (``sandbox.__all__``) and of the trajectory adapter appears;
- the packaging snippet matches the example distribution in ``examples/``.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
import tomllib
from pathlib import Path

import pytest

import sandbox
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


def python_blocks() -> list[tuple[str, int, str]]:
    """Every ```python block: (the marker comment on the line before it, its line, its code)."""
    out = []
    for m in re.finditer(r"^```python\n(.*?)^```", TEXT, re.M | re.S):
        before = TEXT[: m.start()].rstrip("\n").rsplit("\n", 1)[-1]
        out.append((before.strip(), TEXT[: m.start(1)].count("\n") + 1, m.group(1)))
    return out


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
EXPECTED_IDS = {"intro", "catalogues", "models", "architectures", "commands", "extra_metrics", "run_finished",
                "trajectory", "element_without_compute", "errors"}


def test_runnable_examples_are_the_expected_ones():
    assert set(BLOCKS) == EXPECTED_IDS


def test_every_python_block_runs_in_the_tests():
    """No ```python block may escape the tests: each is runnable, the fixture example, or a hook signature."""
    kinds = {"runnable": 0, "pytest": 0, "signature": 0}
    for marker, line, code in python_blocks():
        match = re.fullmatch(r"<!-- (runnable|pytest|signature)(?:: \w+)? -->", marker)
        assert match, f"docs/plugins.md:{line}: a ```python block without <!-- runnable: ID -->, <!-- pytest --> " \
                      f"or <!-- signature --> before it (every example must run in the tests)"
        kinds[match.group(1)] += 1
        compile(code, f"{DOC}:{line}", "exec")  # at least valid Python
    assert kinds == {"runnable": len(BLOCKS), "pytest": 1, "signature": len(HOOKS)}


@pytest.mark.parametrize("hook", HOOKS)
def test_signature_blocks_are_the_specifications(hook):
    blocks = [code for marker, _, code in python_blocks() if marker == "<!-- signature -->" and f"def {hook}(" in code]
    assert len(blocks) == 1, hook
    assert " ".join(blocks[0].split()) == f"@hookspec {signature_line(hook)}: ..."


def test_intro_example():
    ns = run_block("intro")
    assert ns["census"].architectures == ["ground"]


def test_trajectory_example():
    # also run against poliastro 0.17: `make test-poliastro` selects the tests named *trajectory*
    ns = run_block("trajectory")
    t = ns["t"]
    # vis-viva by hand, mu = 398,600.4418 km3/s2: r1 = 6,678.1366 km, r2 = 42,164 km, a = 24,421.0683 km
    mu, r1, r2 = 398600.4418, 6678.1366, 42164.0
    a = (r1 + r2) / 2
    dv1 = (mu * (2 / r1 - 1 / a)) ** 0.5 - (mu / r1) ** 0.5
    dv2 = (mu / r2) ** 0.5 - (mu * (2 / r2 - 1 / a)) ** 0.5
    assert t.dv1.to_value("km/s") == pytest.approx(dv1, rel=1e-7)
    assert t.dv2.to_value("km/s") == pytest.approx(dv2, rel=1e-7)
    assert t.time_of_flight.to_value("s") == pytest.approx(3.141592653589793 * (a**3 / mu) ** 0.5, rel=1e-7)
    # Curtis (3rd ed.) Example 5.2: v1 = (-5.9925, 1.9254, 3.2456) km/s
    assert ns["v1"].to_value("km/s") == pytest.approx([-5.9925, 1.9254, 3.2456], abs=1e-4)


def test_element_without_compute_example():
    ns = run_block("element_without_compute")
    ledger = ns["ledger"]
    # 1,500 W per relay and its PMAD loss (path efficiency 0.85, SMAD §11.4): Q = 1500 / 0.85, from two faces
    # at 300 K, eps 0.9, 3 K sink: A = Q / (2 eps sigma (T^4 - Ts^4))
    sigma = 5.670374419e-8  # CODATA 2018
    assert ledger.get("thermal.radiator_area") == pytest.approx(2 * 1500 / 0.85 / (2 * 0.9 * sigma * (300**4 - 3**4)))
    # 100 chips in the hall only (each with its 575 W host server); the relays add 2 x 1,500 W and 60 kg
    assert ledger.get("compute.chips") == 100
    assert ledger.get("power.load") == pytest.approx((100 * (700 + 575) + 2 * 1500) / 1e6)
    assert ledger.get("mass.other") == pytest.approx(0.06)
    # two relays of a few hundred kg each fit one Falcon 9 to GTO (5,500 kg)
    assert ledger.get("launch.flights") == 1


def test_errors_example():
    ns = run_block("errors")
    assert {"Misspelt", "WrongArgument"} <= set(ns)


#: The ground baseline at 100 PFLOP/s fp16, by hand (the hand calculation of tests/test_hooks.py):
#: 338 H100 (989.4e12 x 0.30 x availability 1 - 0.105686 x 3 / 365.25 = 296.562e12 FLOP/s each);
#: IT load 338 x (700 + 575 W host, NVIDIA DGX H100: 10.2 kW / 8 GPUs) = 430.95 kW; PUE 1.1.
GROUND_LOAD_KW = 338 * (700 + 575) / 1e3
GROUND_CAPEX = 338 * 30_000 + 338 * 6_400 + 11.7 * GROUND_LOAD_KW * 1e3           # chips, hosts, building
GROUND_OPEX = (GROUND_LOAD_KW * 1.1 * 8766 * 0.081 + 0.03 * GROUND_CAPEX            # energy, operations
               + 0.105686 * 338 * (500 + 0.2 * 30_000))                             # repair on site
GROUND_DELIVERED = 338 * 989.4e12 * 0.30 * (1 - 0.105686 * 3 / 365.25) / 1e15      # PFLOP/s
GROUND_SITE = 11.7 * GROUND_LOAD_KW * 1e3                                           # building, over 15 yr
CRF = 0.08 / (1 - 1.08**-5)                                                         # capital recovery, 8 %, 5 yr
CRF_BUILDING = 0.08 / (1 - 1.08**-15)                                               # cost.building_life_years


def test_catalogues_example():
    ns = run_block("catalogues")
    ground = ns["result"].ledgers["ground"]
    # 430.95 kW x PUE 1.1 = 0.474045 MW from the grid at 0.127 USD/kWh: 474.045 kW x 8,766 h x 0.127
    assert ground.get("power.grid") == pytest.approx(GROUND_LOAD_KW * 1.1 / 1e3)
    assert ground.get("opex.energy") == pytest.approx(GROUND_LOAD_KW * 1.1 * 8766 * 0.127 / 1e6, rel=1e-9)
    assert ns["reg"].catalogues.power_sources["grid-us-commercial"].price_usd_per_kwh == 0.127


def test_models_example():
    ns = run_block("models")
    ground = ns["result"].ledgers["ground"]
    assert ground.get("cost.capex") == pytest.approx(GROUND_CAPEX / 1e6)           # 17.345315 MUSD
    assert ground.get("cost.opex") == pytest.approx(GROUND_OPEX / 1e6, rel=1e-6)   # 1.089145 MUSD/yr
    # straight line, the servers over 5 yr and the building over 15: 12.3032 / 5 + 5.042115 / 15 + 1.089145
    straight = (GROUND_CAPEX - GROUND_SITE) / 5 + GROUND_SITE / 15 + GROUND_OPEX
    assert ground.get("cost.annual") == pytest.approx(straight / 1e6, rel=1e-6)
    assert straight / 1e6 == pytest.approx(3.885926, rel=1e-6)
    # the replacement applies to the derived cost too: 3.885926e6 / (100.238 PFLOP/s x 365.25 d) = 106.14 USD
    assert ground.get("cost.per_pflop_day") == pytest.approx(straight / (GROUND_DELIVERED * 365.25), rel=1e-5)


def test_architectures_example():
    ns = run_block("architectures")
    colo = ns["result"].ledgers["colo"]
    # 43 servers x 8 GPUs x 989.4e12 x 0.30 = 102.10608 PFLOP/s; 344 x (700 + 575) W x 1.58 = 0.692988 MW
    assert colo.get("compute.units") == 43
    assert colo.get("compute.delivered") == pytest.approx(102.10608, rel=1e-6)
    assert colo.get("power.grid") == pytest.approx(0.692988)
    # 0.5 yr lead time; latency 30 ms user network + 0 path + 5 s processing
    assert colo.get("time.years_to_service") == pytest.approx(0.5)
    assert colo.get("latency.p50") == pytest.approx(5.03)
    assert ns["reg"].architecture_owner["colo"] == "colo"


def test_commands_example():
    ns = run_block("commands")
    # 100 PFLOP/s / 989.4 TFLOP/s = 101.07 H100 equivalents
    assert ns["out"].stdout == f"{1e17 / 989.4e12:.2f}\n" == "101.07\n"


def test_extra_metrics_example():
    ns = run_block("extra_metrics")
    ground = ns["result"].ledgers["ground"]
    # 338 x (1.2 kg module + 15.10625 kg host) = 5,511.51 kg over 100.238 PFLOP/s = 54.984 kg per PFLOP/s
    assert ground.get("ratio.kg_per_pflops") == pytest.approx(338 * (1.2 + 15.10625) / GROUND_DELIVERED, rel=1e-5)
    assert ground.get("ratio.kg_per_pflops") == pytest.approx(ground.get("mass.total") * 1e3 / ground.get("compute.delivered"))


def test_run_finished_example():
    ns = run_block("run_finished")
    (summary,) = ns["cheapest"].summaries
    # annual 12.3032 x CRF 0.2504565 + 5.042115 x CRF(15 yr) 0.1168295 + 1.089145 = 4.759629 MUSD/yr;
    # / (100.238 x 365.25) = 130.002 USD
    annual = (GROUND_CAPEX - GROUND_SITE) * CRF + GROUND_SITE * CRF_BUILDING + GROUND_OPEX
    assert summary["usd_per_pflop_day"]["ground"] == pytest.approx(annual / (GROUND_DELIVERED * 365.25), rel=1e-5)
    assert summary["cheapest"] == "ground"
    # the legacy hall buys 430.95 kW x (1.58 - 1.1) = 206.856 kW more at 0.081 USD/kWh (same capex, same repairs)
    extra = GROUND_LOAD_KW * (1.58 - 1.1) * 8766 * 0.081
    assert summary["usd_per_pflop_day"]["ground_legacy"] == pytest.approx(
        (annual + extra) / (GROUND_DELIVERED * 365.25), rel=1e-5)


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


# ------------------------------------------------------------------ the reference of the public types
REFERENCE = section("Reference: the public types")

from sandbox.core.catalogue import entry_fields  # noqa: E402
from sandbox.core.design import field_unit  # noqa: E402
from sandbox.core.modelset import ModelSet  # noqa: E402

DESIGN_TYPES = ("Design", "Element", "Site", "PowerSystem", "ThermalSystem", "Transport", "Servicing", "PowerLink",
                "LinkStage")
ENTRY_TYPES = ("Chip", "LaunchVehicle", "PowerSource", "GroundStation")
OTHER_TYPES = ("ArchitectureSpec", "Param", "Sourced", "Params", "Context", "Workload", "Assumptions", "Metric",
               "Ledger", "RunResult", "Catalogues")
ENTRY_META = ("name", "sources", "ranges")  # every entry's; described once under "Catalogue entries"


def reference_section(title: str) -> str:
    """The text under ``### title`` or ``#### title`` of the reference, up to the next heading of that level or above."""
    m = re.search(rf"^(#{{3,4}}) {re.escape(title)}\s*$\n(.*?)(?=^#{{3,4}} |\Z)", REFERENCE, re.M | re.S)
    assert m, f"docs/plugins.md, Reference: no '### {title}' section"
    return m.group(2)


def reference_table(title: str) -> dict[str, tuple[str, str, str]]:
    """field -> (type, unit, meaning) from the table of ``title``'s section."""
    rows = {}
    for line in reference_section(title).splitlines():
        if line.startswith("| `"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            assert len(cells) == 4, f"{title}: a row without 4 cells: {line}"
            rows[cells[0].strip("`")] = (cells[1], cells[2], cells[3])
    return rows


def public_methods(cls: type) -> list[str]:
    """Methods and properties the class itself defines (not inherited, not private)."""
    return sorted(n for n, v in vars(cls).items()
                  if not n.startswith("_") and (inspect.isfunction(v) or isinstance(v, property | classmethod | staticmethod)))


@pytest.mark.parametrize("title", DESIGN_TYPES + OTHER_TYPES + ENTRY_TYPES)
def test_reference_lists_every_field_of_every_public_type(title):
    cls = getattr(sandbox, title)
    fields = [f.name for f in dataclasses.fields(cls) if title not in ENTRY_TYPES or f.name not in ENTRY_META]
    documented = reference_table(title)
    missing = [f for f in fields if f not in documented]
    stale = [f for f in documented if f not in fields]
    assert not missing, f"### {title}: fields not documented: {missing} (add a row: field | type | unit | meaning)"
    assert not stale, f"### {title}: documented fields that no longer exist: {stale}"
    assert all(meaning for _, _, meaning in documented.values()), f"### {title}: a field without a meaning"


@pytest.mark.parametrize("title", DESIGN_TYPES)
def test_reference_units_of_design_fields_are_the_ones_their_names_say(title):
    # the engine reads units from field names (sandbox.core.design.field_unit), and so does the guide
    for name, (_, unit, _) in reference_table(title).items():
        assert unit == (field_unit(name) or "—"), f"### {title}: {name} documented in {unit!r}, its name says {field_unit(name)!r}"


@pytest.mark.parametrize("title", ENTRY_TYPES)
def test_reference_units_of_catalogue_fields_are_the_ones_sandbox_catalogue_shows(title):
    units = {f.name: f.metadata.get("unit", "") for f in entry_fields(getattr(sandbox, title))}
    for name, (_, unit, _) in reference_table(title).items():
        assert unit == (units[name] or "—"), f"#### {title}: {name} documented in {unit!r}, the code says {units[name]!r}"


def test_every_catalogue_field_has_a_unit_and_a_description():
    for title in ENTRY_TYPES:
        for f in entry_fields(getattr(sandbox, title)):
            assert "unit" in f.metadata and f.metadata.get("doc"), f"{title}.{f.name}: no unit/doc metadata"
    entries = reference_section("Catalogue entries")
    for name in (*ENTRY_META, "entry.check()"):
        assert f"`{name}`" in entries, f"Catalogue entries: {name} not described"


@pytest.mark.parametrize("title", ENTRY_TYPES)
def test_the_reference_says_which_catalogue_fields_an_entry_needs(title):
    # a stranger learnt them from the refusal ("Chip 'X': missing mass_kg, cost_usd (every design reads them)")
    required = getattr(sandbox, title).REQUIRED
    if required:
        assert f"Required: {', '.join(f'`{f}`' for f in required)} (" in reference_section(title), title


@pytest.mark.parametrize("title", DESIGN_TYPES + OTHER_TYPES + ENTRY_TYPES + ("ModelSet (`context.models`)",))
def test_reference_names_every_public_method(title):
    cls = ModelSet if title.startswith("ModelSet") else getattr(sandbox, title)
    text = reference_section(title)
    if title in ENTRY_TYPES:
        text += reference_section("Catalogue entries")
    missing = [m for m in public_methods(cls) if f"`{m}" not in text and f"{m}(" not in text and f".{m}" not in text]
    assert not missing, f"### {title}: methods not documented: {missing}"


def test_every_exported_type_has_a_reference_section():
    exported = [n for n in sandbox.__all__ if isinstance(getattr(sandbox, n), type) and dataclasses.is_dataclass(getattr(sandbox, n))]
    assert set(exported) == set(DESIGN_TYPES + OTHER_TYPES + ENTRY_TYPES), "a new public type needs a reference section"


def test_every_name_of_the_author_surface_is_in_the_guide():
    missing = [n for n in sandbox.__all__ if not n.startswith("__") and not re.search(rf"\b{re.escape(n)}\b", TEXT)]
    assert not missing, f"names of `from sandbox import ...` the guide never mentions: {missing}"


def test_every_trajectory_name_is_in_the_trajectory_section():
    from sandbox import trajectory

    text = section("The trajectory adapter")
    missing = [n for n in trajectory.__all__ if f"`{n}" not in text]
    assert not missing, f"## The trajectory adapter: not listed: {missing}"


def test_studies_see_plugin_metrics_as_the_guide_says():
    """A plugin's metric is a study metric, computed per point with arrays, as the guide says."""
    from sandbox import api, hookimpl
    from sandbox.core.design import Metric
    from sandbox.core.scenario import validate
    from sandbox.studies.sensitivity import sensitivity

    seen = []

    class Facility:
        @hookimpl
        def sandbox_extra_metrics(self, ledger):
            seen.append(type(ledger.get("power.grid")).__name__)
            # grid power / IT load is the PUE by definition (ISO/IEC 30134-2); it broadcasts over arrays
            return [Metric("facility.pue", ledger.get("power.grid") / ledger.get("power.load"), "")]

    reg = api.registry([("facility", Facility())])
    scenario = validate({"architectures": {"ground": {}}}, reg)
    df = sensitivity(scenario, reg, metric="facility.pue", inputs=["ground.pue"])
    (row,) = df.to_dict("records")
    # the ground plugin's PUE: nominal 1.1, range 1.08 to 1.2 (its parameter's declared low and high)
    assert (row["metric_low"], row["metric_nominal"], row["metric_high"]) == pytest.approx((1.08, 1.1, 1.2))
    # a ledger input does not change the design: one call for its points, with arrays
    df = sensitivity(scenario, reg, metric="facility.pue", inputs=["catalogue.power_sources.grid-us.price_usd_per_kwh"])
    assert df["metric_nominal"].iloc[0] == pytest.approx(1.1) and "ndarray" in seen
    text = " ".join(section("How a plugin's metrics reach the outputs and the studies").split())
    assert "`sandbox sensitivity --metric edge.modules_per_pod --with-params` ranks the inputs by them" in text
    assert "numpy arrays of one value per point" in text


def test_every_dotted_name_in_the_guide_resolves():
    """``sandbox.core.registry.PluginError`` and the like: a module or name that moved fails here."""
    import importlib

    missing = []
    for dotted in sorted(set(re.findall(r"\bsandbox(?:\.[A-Za-z_]\w*)+", TEXT))):
        parts = dotted.split(".")
        for cut in range(len(parts), 0, -1):  # the longest importable module, then attributes
            try:
                obj = importlib.import_module(".".join(parts[:cut]))
            except ImportError:
                continue
            try:
                for attr in parts[cut:]:
                    obj = getattr(obj, attr)
            except AttributeError:
                missing.append(dotted)
            break
        else:
            missing.append(dotted)
    assert not missing, f"docs/plugins.md names what does not exist: {missing}"
