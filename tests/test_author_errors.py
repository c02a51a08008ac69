"""The errors a plugin author meets name the plugin, the element, the field or parameter, and the fix.

Each case is driven the way an author meets it: a plugin module on ``PYTHONPATH`` loaded with
``sandbox --plugin MODULE`` (a real process: real exit status, real stderr), or the Python object
the author builds. Bad input (a misspelt name, a value of the wrong kind) exits with status 2 and
one ``error:`` line; a plugin that fails while computing exits with 1 and names the plugin.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import astropy.units as u
import pytest
from _scenarios import SLEEPY_PLUGIN

from sandbox import api, hookimpl
from sandbox.core.design import Design, Element, Metric, PowerSystem, Site, ThermalSystem
from sandbox.core.params import Param
from sandbox.core.registry import load
from sandbox.core.scenario import ScenarioError, validate

ROOT = Path(__file__).resolve().parent.parent

SCENARIO = """
[workload]
sustained_compute = "1 PFLOPS"
[architectures.{arch}]
{extra}
"""


def run_cli(tmp_path: Path, module: str | None, source: str | None, *args: str) -> subprocess.CompletedProcess:
    """``sandbox [--plugin module] args`` with ``source`` written as ``module.py`` on PYTHONPATH."""
    env = dict(os.environ, SANDBOX_CLI_CACHE="0")
    cmd = [sys.executable, "-m", "sandbox"]
    if module:
        (tmp_path / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
        env["PYTHONPATH"] = f"{tmp_path}{os.pathsep}{env.get('PYTHONPATH', '')}"
        cmd += ["--plugin", module]
    return subprocess.run([*cmd, *args], capture_output=True, text=True, env=env, timeout=300, cwd=tmp_path)


def error_lines(proc: subprocess.CompletedProcess) -> list[str]:
    assert "Traceback" not in proc.stderr, proc.stderr
    return [line for line in proc.stderr.splitlines() if line.startswith("error:")]


def write_scenario(tmp_path: Path, arch: str, extra: str = "") -> str:
    path = tmp_path / "s.toml"
    path.write_text(SCENARIO.format(arch=arch, extra=extra), encoding="utf-8")
    return str(path)


# ------------------------------------------------------------------ hook names
def test_misspelt_hook_gets_a_did_you_mean_and_exit_2(tmp_path):
    proc = run_cli(tmp_path, "typo_plugin", """
        from sandbox import hookimpl

        @hookimpl
        def sandbox_register_architecturs(register):
            pass
    """, "validate", write_scenario(tmp_path, "ground"))
    assert proc.returncode == 2
    assert error_lines(proc) == [
        "error: plugin 'typo_plugin': sandbox_register_architecturs is not a hook; did you mean "
        "'sandbox_register_architectures'? (hooks: sandbox_register_catalogues, sandbox_register_models, "
        "sandbox_register_architectures, sandbox_register_commands, sandbox_extra_metrics, sandbox_run_finished)"]


def test_plugin_option_takes_an_object_in_a_module_as_an_entry_point_does(tmp_path):
    """`--plugin module:OBJECT` loads a class instance with @hookimpl methods (was: "No module named 'm:OBJECT'"); a
    missing object is one line naming it."""
    source = """
        from sandbox import hookimpl

        class Plugin:
            @hookimpl
            def sandbox_extra_metrics(self, ledger):
                return None

        PLUGIN = Plugin()
    """
    proc = run_cli(tmp_path, "instance_plugin", source, "plugins", "--format", "json")
    assert proc.returncode == 2 and error_lines(proc) == [
        "error: --plugin instance_plugin: implements no sandbox hook: a plugin module has functions marked "
        "@sandbox.hookimpl, such as sandbox_register_architectures (docs/plugins.md)"]
    env = dict(os.environ, SANDBOX_CLI_CACHE="0", PYTHONPATH=f"{tmp_path}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
    proc = subprocess.run([sys.executable, "-m", "sandbox", "--plugin", "instance_plugin:PLUGIN", "plugins", "--format",
                           "json"], capture_output=True, text=True, env=env, timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    (mine,) = [p for p in json.loads(proc.stdout)["plugins"] if p["name"] == "instance_plugin:PLUGIN"]
    assert mine["hooks"] == ["sandbox_extra_metrics"]
    proc = subprocess.run([sys.executable, "-m", "sandbox", "--plugin", "instance_plugin:PLUGINS", "plugins"],
                          capture_output=True, text=True, env=env, timeout=300, cwd=tmp_path)
    assert proc.returncode == 2 and error_lines(proc) == [
        "error: --plugin instance_plugin:PLUGINS: cannot import: AttributeError: module 'instance_plugin' has no "
        "attribute 'PLUGINS'"]


def test_misspelt_hook_argument_names_the_argument_the_hook_passes(tmp_path):
    proc = run_cli(tmp_path, "arg_plugin", """
        from sandbox import hookimpl

        @hookimpl
        def sandbox_extra_metrics(architecture, ledgr):
            return []
    """, "validate", write_scenario(tmp_path, "ground"))
    assert proc.returncode == 2
    (line,) = error_lines(proc)
    assert line.startswith("error: plugin 'arg_plugin': sandbox_extra_metrics(architecture, ledgr): the hook passes "
                           "no argument 'ledgr'; did you mean 'ledger'? (it passes: architecture, design, ledger, context")


def test_hook_function_without_hookimpl_is_refused_not_ignored(tmp_path):
    proc = run_cli(tmp_path, "bare_plugin", """
        def sandbox_register_architectures(register):   # @hookimpl forgotten: would never be called
            raise AssertionError("not called")
    """, "validate", write_scenario(tmp_path, "ground"))
    assert proc.returncode == 2
    assert error_lines(proc) == [
        "error: plugin 'bare_plugin': function sandbox_register_architectures is not marked @sandbox.hookimpl, so it "
        "would never be called; decorate it with @hookimpl (from sandbox import hookimpl)"]


def test_hook_name_errors_from_python_name_the_plugin():
    class Misspelt:
        @hookimpl
        def sandbox_run_finishd(self, result):
            pass

    reg = load([("mine", Misspelt())])  # dropped whole (the other plugins still load), with the did-you-mean
    (info,) = [p for p in reg.load_errors if p.name == "mine"]
    assert info.misspelt and info.error.startswith(
        "plugin 'mine': sandbox_run_finishd is not a hook; did you mean 'sandbox_run_finished'")
    assert "mine" not in {p.name for p in reg.plugins} and "leo" in reg.architectures


def test_helper_functions_named_otherwise_are_not_hooks():
    class Helpers:
        def sandbox_units(self):  # not a hook name, not marked: a plain helper, left alone
            return "W"

        @hookimpl
        def sandbox_run_finished(self, result):
            pass

    reg = load([("helpers", Helpers())])
    assert "helpers" in {p.name for p in reg.plugins}


def test_plugins_hook_option_suggests_the_closest_hook(tmp_path):
    proc = run_cli(tmp_path, None, None, "plugins", "--hook", "sandbox_extra_metric")
    assert proc.returncode == 2
    assert error_lines(proc) == ["error: --hook: no hook named 'sandbox_extra_metric'; did you mean 'sandbox_extra_metrics'?"]


# ------------------------------------------------------------------ Quantities in design fields
QUANTITY_PLUGIN = """
    from sandbox import ArchitectureSpec, Design, Element, Param, PowerSystem, Site, ThermalSystem, hookimpl

    def design(p, ctx):
        return Design(elements=[Element(
            name="pods", count=1, chip="H100-SXM", chips_per_unit=4,
            extra_power_w=p.pod_power,                       # a Quantity (20 kW), not W as a float
            site=Site("metro", kind="ground", radiation_environment="ground"),
            power=PowerSystem(source="grid-us"), thermal=ThermalSystem(kind="facility", pue=1.2))])

    @hookimpl
    def sandbox_register_architectures(register):
        register(ArchitectureSpec(name="qpods", title="Pods", description="A unit mistake.",
                                  params=(Param("pod_power", "20 kW", "Pod power.", unit="kW",
                                                source="Uptime Institute Global Data Center Survey 2023"),),
                                  design=design))
"""


def test_quantity_in_a_float_field_names_plugin_element_field_and_fix(tmp_path):
    proc = run_cli(tmp_path, "qpods_plugin", QUANTITY_PLUGIN, "run", write_scenario(tmp_path, "qpods"))
    assert proc.returncode == 1  # the plugin failed while computing; the ground baseline still ran
    (line,) = error_lines(proc)
    assert line == ("error: architecture 'qpods' (plugin 'qpods_plugin'): TypeError: element 'pods': extra_power_w is a "
                    "Quantity (20 kW); design fields are plain floats in the unit their name says (W): use "
                    "p.si(\"<parameter>\") for a parameter (SI: W), or quantity.to_value(\"W\")")
    assert "ground" in proc.stdout  # the other architecture's results are there


def _element(**fields):
    base = dict(name="hall", count=1, chip="H100-SXM", chips_per_unit=8, site=Site("hall", kind="ground"),
                power=PowerSystem("grid-us"), thermal=ThermalSystem(kind="facility", pue=1.1))
    return Element(**{**base, **fields})


def test_quantity_in_a_field_in_years_points_to_to_value_not_si():
    # p.si() would give 1/s: the hint for a _per_year field is the unit the name says
    with pytest.raises(TypeError, match=r"element 'hall': failure_rate_per_year is a Quantity \(0\.1 1 / yr\); .*"
                                        r"\(1/yr\): use quantity\.to_value\(\"1/yr\"\) \(p\.si\(\.\.\.\) gives SI units, not 1/yr\)"):
        _element(failure_rate_per_year=0.1 / u.yr)


def test_quantity_in_a_part_is_named_with_the_element_and_the_path():
    with pytest.raises(TypeError, match=r"element 'hall': site\.distance_to_earth_m is a Quantity \(384400 km\); .*\(m\)"):
        _element(site=Site("moon", distance_to_earth_m=384400 * u.km))
    with pytest.raises(TypeError, match=r"element 'hall': extra_mass_kg\['track'\] is a Quantity \(3 t\)"):
        _element(extra_mass_kg={"track": 3 * u.t})


def test_quantity_set_after_construction_is_caught():
    el = _element()
    with pytest.raises(TypeError, match=r"element 'hall': lifetime_years is a Quantity"):
        el.lifetime_years = 5 * u.yr
    el.thermal.temperature_k = 300 * u.K  # a part changed after the element was made ...
    with pytest.raises(TypeError, match=r"element 'hall': thermal\.temperature_k is a Quantity \(300 K\)"):
        Design(elements=[el])             # ... is caught when the design is assembled


def test_quantity_in_design_and_metric_fields():
    el = _element()
    with pytest.raises(TypeError, match=r"design: latency_samples_s is a Quantity \(an array in s\)"):
        Design(elements=[el], latency_samples_s=[0.03, 0.05] * u.s)
    with pytest.raises(TypeError, match=r"metric 'relay.rate': value is a Quantity \(2 Gbit / s\); .*quantity\.to_value\(unit\)"):
        Metric("relay.rate", 2 * u.Gbit / u.s, "Gbit/s")
    # plain floats and numpy arrays (as studies use) are fine
    Design(elements=[_element(count=2.0, lifetime_years=5.0)], latency_samples_s=__import__("numpy").array([0.03]))


# ------------------------------------------------------------------ parameters
def test_bad_param_default_names_the_parameter():
    with pytest.raises(ValueError, match=r"^parameter 'pod_power': default '5 kg': expected a power, got '5 kg'$"):
        Param("pod_power", "5 kg", "Pod power.", unit="kW", source="a source")
    with pytest.raises(ValueError, match=r"^parameter 'pod_power': high '40 kg': expected a power, got '40 kg'$"):
        Param("pod_power", "20 kW", "Pod power.", unit="kW", source="a source", high="40 kg")


def test_bad_param_default_in_a_plugin_module_names_module_and_parameter(tmp_path):
    proc = run_cli(tmp_path, "badparam_plugin", """
        from sandbox import Param
        PARAMS = (Param("pod_power", "5 kg", "Pod power.", unit="kW", source="Uptime Institute 2023"),)
    """, "validate", write_scenario(tmp_path, "ground"))
    assert proc.returncode == 2
    assert error_lines(proc) == ["error: --plugin badparam_plugin: cannot import: ValueError: parameter 'pod_power': "
                                 "default '5 kg': expected a power, got '5 kg'"]


def test_a_scenario_value_of_the_wrong_kind_names_file_and_key(tmp_path):
    path = write_scenario(tmp_path, "edgepod", 'pod_power = "5 kg"')
    proc = run_cli(tmp_path, None, None, "validate", path)
    assert proc.returncode == 2
    assert error_lines(proc) == [f"error: {path}: architectures.edgepod.pod_power: expected a power, got '5 kg'"]


def test_kinds_need_a_kinded_catalogue_and_real_kinds():
    with pytest.raises(ValueError, match=r"parameter 'grid': kinds= needs catalogue= set to a catalogue whose entries have a kind"):
        Param("grid", "grid-us", "Supply.", kinds=("grid",))
    with pytest.raises(ValueError, match=r"parameter 'grid': no power_sources kind 'gird'; did you mean 'grid'\?"):
        Param("grid", "grid-us", "Supply.", catalogue="power_sources", kinds=("gird",))
    with pytest.raises(ValueError, match=r"kinds must be a tuple of strings, e.g. \('grid',\)"):
        Param("grid", "grid-us", "Supply.", catalogue="power_sources", kinds="grid")


# ------------------------------------------------------------------ catalogue kinds
def test_example_plugin_grid_refuses_a_solar_array(tmp_path):
    # the example plugin declares grid with kinds=("grid",): a space solar array is not an electricity supply
    path = write_scenario(tmp_path, "edgepod", 'grid = "GaAs-ROSA"')
    proc = run_cli(tmp_path, None, None, "validate", path)
    assert proc.returncode == 2
    assert error_lines(proc) == [f"error: {path}: architectures.edgepod.grid: 'GaAs-ROSA' is a solar power source, but "
                                 "this parameter takes only a power source of kind 'grid'; did you mean 'grid-us'?"]


def test_ground_grid_refuses_storage_and_suggests_among_grids(registry):
    with pytest.raises(ScenarioError) as err:
        validate({"architectures": {"ground": {"grid": "Li-ion-COTS"}}}, registry, "s.toml")
    assert err.value.problems == ["s.toml: architectures.ground.grid: 'Li-ion-COTS' is a storage power source, but this "
                                  "parameter takes only a power source of kind 'grid'; did you mean 'grid-us'?"]
    with pytest.raises(ScenarioError) as err:
        validate({"architectures": {"ground": {"grid": "grid-usa"}}}, registry, "s.toml")
    assert err.value.problems == ["s.toml: architectures.ground.grid: no power source named 'grid-usa' in the catalogues; "
                                  "did you mean 'grid-us'?"]


def _plugin_with_default(default: str) -> object:
    class Bad:
        @hookimpl
        def sandbox_register_architectures(self, register):
            from sandbox import ArchitectureSpec

            register(ArchitectureSpec(name="badgrid", title="Bad", description="A bad default.",
                                      params=(Param("grid", default, "Supply.", catalogue="power_sources",
                                                    kinds=("grid",)),),
                                      design=lambda p, ctx: None))

    return Bad()


def test_a_plugins_bad_catalogue_default_is_blamed_on_the_plugin():
    reg = api.registry([("badgrid-plugin", _plugin_with_default("GaAs-ROSA"))])
    with pytest.raises(ScenarioError) as err:
        validate({"architectures": {"badgrid": {}}}, reg, "s.toml")
    assert err.value.problems == [
        "plugin 'badgrid-plugin': architecture 'badgrid': the default of parameter 'grid' is unusable: 'GaAs-ROSA' is a "
        "solar power source, but this parameter takes only a power source of kind 'grid'; did you mean 'grid-us'? "
        "(a fault in plugin 'badgrid-plugin', not in s.toml; setting architectures.badgrid.grid there works around it)"]
    # the user's own good value works around it
    validate({"architectures": {"badgrid": {"grid": "grid-us"}}}, reg, "s.toml")


def test_a_plugins_missing_catalogue_default_is_blamed_on_the_plugin():
    reg = api.registry([("badgrid-plugin", _plugin_with_default("grid-mars"))])
    with pytest.raises(ScenarioError) as err:
        validate({"architectures": {"badgrid": {}}}, reg, "s.toml")
    (problem,) = err.value.problems
    assert problem.startswith("plugin 'badgrid-plugin': architecture 'badgrid': the default of parameter 'grid' is "
                              "unusable: no power source named 'grid-mars' in the catalogues")
    assert "not in s.toml" in problem


def test_sweep_values_of_the_wrong_kind_are_refused(registry):
    from sandbox.studies.plans import parse_plan

    scenario = validate({"architectures": {"ground": {}},
                         "sweep": {"method": "grid", "params": {"ground.grid": {"values": ["grid-us", "GaAs-ROSA"]}}}},
                        registry, "s.toml")
    with pytest.raises(ScenarioError, match=r"sweep\.params\.ground\.grid\.values: 'GaAs-ROSA' is a solar power source"):
        parse_plan(scenario, registry)


def test_an_unknown_architecture_mentions_plugins_that_failed_to_load():
    from sandbox.core.registry import PluginInfo

    reg = load()
    reg.load_errors.append(PluginInfo("pods", "pods_plugin", error="ValueError: parameter 'pod_power': default '5 kg': "
                                                                   "expected a power, got '5 kg'"))
    with pytest.raises(ScenarioError) as err:
        validate({"architectures": {"qpods": {}}}, reg, "s.toml")
    (problem,) = err.value.problems
    assert problem.startswith("s.toml: architectures.qpods: no installed architecture 'qpods'; ")
    assert problem.endswith(" (plugins that failed to load: pods)")


def test_a_misspelt_parameter_in_a_design_names_the_plugin_and_the_closest_parameter():
    from sandbox import ArchitectureSpec

    def design(p, ctx):
        return p.si("pod_powr")  # declared as pod_power

    class Typo:
        @hookimpl
        def sandbox_register_architectures(self, register):
            register(ArchitectureSpec(name="typo", title="Typo", description="A misspelt parameter.",
                                      params=(Param("pod_power", "20 kW", "Pod power.", unit="kW",
                                                    source="Uptime Institute Global Data Center Survey 2023"),),
                                      design=design))

    result = api.run({"architectures": {"typo": {}}}, api.registry([("typo-plugin", Typo())]))
    assert result.failures["typo"] == ("architecture 'typo' (plugin 'typo-plugin'): KeyError: \"no parameter 'pod_powr' "
                                       "in this architecture's schema; did you mean 'pod_power'?\"")
    assert "ground" in result.ledgers  # the baseline is unaffected


@pytest.mark.parametrize(("pairs", "expected"), [
    ((("training", "compute.utilisation_trainng"),),
     "workload_defaults['training'] names no shared-model default 'compute.utilisation_trainng'; did you mean "
     "'compute.utilisation_training'?"),
    ((("pretraining", "compute.utilisation_training"),),
     "workload_defaults names no workload kind 'pretraining' (kinds: inference, training)"),
])
def test_a_workload_default_that_names_nothing_is_blamed_on_the_plugin(pairs, expected):
    from sandbox.core.architecture import ArchitectureSpec

    class Plugin:
        @hookimpl
        def sandbox_register_architectures(self, register):
            register(ArchitectureSpec("mfu", "x", "test", (Param("utilisation", 0.3, "MFU", source="test",
                                                                  workload_defaults=pairs),), lambda p, ctx: None))

    reg = load([("mine", Plugin())])
    (info,) = [p for p in reg.load_errors if p.name == "mine"]
    assert info.error == f"plugin 'mine': architecture 'mfu': parameter 'utilisation': {expected}"
    assert "mfu" not in reg.architectures and "leo" in reg.architectures


# ------------------------------------------------------------------ found by writing a plugin from the docs alone
@pytest.mark.parametrize(("kwargs", "expected"), [
    (dict(name="pod power", default="20 kW", unit="kW"), "parameter 'pod power': a name is letters, digits and '_'"),
    (dict(name="altitude", default="20 km"), "parameter 'altitude': default '20 km' is a quantity: give its unit="),
    (dict(name="altitude", default="20 km", unit="km", low="25 km", high="30 km"),
     "parameter 'altitude': expected low <= default <= high, got '25 km', '20 km', '30 km'"),
    (dict(name="chips", default=8.0, low=16.0, high=4.0), "parameter 'chips': expected low <= default <= high"),
    (dict(name="chip", default="H100-SXM", catalogue="chip"), "parameter 'chip': no catalogue 'chip'; did you mean 'chips'?"),
    # a half range was dropped: the parameter was then certain, a sweep refused it and sensitivity skipped it
    (dict(name="altitude", default="8000 km", unit="km", low="5000 km"),
     "parameter 'altitude': low '5000 km' is given without high: give both ends"),
    (dict(name="chips", default=8, high=16), "parameter 'chips': high 16 is given without low"),
])
def test_a_param_that_cannot_work_is_refused_when_the_plugin_builds_it(kwargs, expected):
    """Each of these was accepted: a swapped or foreign range was then drawn by sensitivity, a forgotten unit made a
    text parameter, and catalogue="chip" gave a traceback in validate and in `sandbox schema` for every user."""
    with pytest.raises(ValueError) as exc:
        Param(description="d", source="a source", **kwargs)
    assert str(exc.value).startswith(expected), str(exc.value)


@pytest.mark.parametrize(("entry", "expected"), [
    (lambda: __import__("sandbox").Chip("X", peak_ops_per_s={"fp16": 1e15}, power_w=500.0, mass_kg=1.0, cost_usd=1.0,
                                        sources={"power": "datasheet"}),
     "Chip 'X': sources names 'power', which is not a field"),
    (lambda: __import__("sandbox").Chip("X", peak_ops_per_s={"fp16": 1e15}, power_w=500.0, mass_kg=1.0, cost_usd=1.0,
                                        sources={"power_w": " "}),
     "Chip 'X': the source of power_w is empty"),
    (lambda: __import__("sandbox").Chip("X", peak_ops_per_s={"fp16": 1e15}, power_w=500.0, mass_kg=1.0, cost_usd=1.0,
                                        sources={"power_w": "datasheet"}, ranges={"cost_usd": (0.5, 2.0)}),
     "Chip 'X': ranges.cost_usd has no source"),
    (lambda: __import__("sandbox").PowerSource("Y", kind="solar", efficiency=1.3, sources={"efficiency": "a paper"}),
     "PowerSource 'Y': efficiency: expected a fraction in (0, 1], got 1.3"),
    (lambda: __import__("sandbox").PowerSource("Y", kind="solar", efficiency=0.3, sources={"efficiency": "a paper"},
                                               ranges={"cost_usd_per_w": (1.0, 2.0)}),
     "PowerSource 'Y': ranges.cost_usd_per_w has no source"),
])
def test_a_catalogue_entry_is_checked_against_its_own_fields(entry, expected):
    with pytest.raises(ValueError) as exc:
        entry().check()
    assert expected in str(exc.value)


def _one_element_plugin(design_fields=None, **fields):
    from sandbox import ArchitectureSpec

    class Plugin:
        @hookimpl
        def sandbox_register_architectures(self, register):
            register(ArchitectureSpec(name="strato", title="Strato", description="One element.", params=(),
                                      design=lambda p, ctx: Design(elements=[_element(**fields)], **(design_fields or {}))))

    return api.registry([("strato-plugin", Plugin())])


@pytest.mark.parametrize(("fields", "expected"), [
    (dict(site=Site("hall", kind="stratosphere")),
     "site.kind: expected one of ground, orbit, surface, got 'stratosphere'"),
    (dict(utilisation=30.0), "utilisation: expected a fraction from 0 to 1, got 30.0"),
    (dict(lifetime_years=5 * 3.15576e7), "lifetime_years: expected a design life above 0 and at most 100 years, got "
                                         '157788000.0 (p.si() gives seconds: pass years, e.g. p.lifetime.to_value("yr"))'),
    (dict(chip="H100"), "chip: no chip named 'H100' in the catalogues; did you mean"),
    (dict(site=Site("hall", kind="ground", radiation_environment="stratosphere")),
     "element 'hall': unknown radiation environment 'stratosphere'"),
    # a name where a part belongs, a string where a number belongs (were "'str' object has no attribute 'kind'" and
    # "'<' not supported between instances of 'str' and 'int'", naming neither the element nor the field)
    (dict(site="ground"), "element 'hall': site: expected a sandbox.Site, got 'ground' (str)"),
    (dict(count="3"), "element 'hall': count: expected a number, got '3' (str)"),
    (dict(site=Site("hall", kind="ground", altitude_m="10 km")),
     "element 'hall': site.altitude_m: expected a number, got '10 km' (str)"),
    (dict(extra_mass_kg=[("tank", 5.0)]), "element 'hall': extra_mass_kg: expected a table (dict), got [('tank', 5.0)] (list)"),
])
def test_an_element_the_ledger_cannot_take_is_named_with_its_field(fields, expected):
    """These failed deep in the ledger without the element or the field (``utilisation and derate must be in [0, 1]``),
    or ran: a life in seconds passed as years gave an array of 1e25 m2 and exit 0."""
    result = api.run({"architectures": {"strato": {}}}, _one_element_plugin(**fields))
    assert result.failures["strato"].startswith("architecture 'strato' (plugin 'strato-plugin'): ")
    assert expected in result.failures["strato"], result.failures["strato"]
    assert "ground" in result.ledgers


@pytest.mark.parametrize(("fields", "expected"), [
    (dict(years_to_service=math.nan), "design: years_to_service: expected a finite number >= 0, got nan"),
    (dict(years_to_service=math.inf), "design: years_to_service: expected a finite number >= 0, got inf"),
    (dict(years_to_service=-2.0), "design: years_to_service: expected a finite number >= 0, got -2.0"),
    (dict(latency_samples_s=[-1.0, 2.0, math.nan]),
     "design: latency_samples_s: expected times >= 0 (s; inf for a query never served), got [-1.0, nan]"),
    (dict(link_to_earth_bps=-5.0), "design: link_to_earth_bps: expected a number >= 0 (inf for no link), got -5.0"),
])
def test_a_design_figure_that_cannot_be_a_metric_is_named(fields, expected):
    """These became metrics as they were, with exit 0: a NaN or infinite time to service (written to JSON as the
    non-standard NaN and Infinity), a negative one (and a ratio of -0.5 to the baseline), a p50 latency below the
    processing time from negative samples, a negative link rate. The ground's numbers are its own."""
    result = api.run({"architectures": {"strato": {}}}, _one_element_plugin(design_fields=fields))
    assert result.failures["strato"] == f"architecture 'strato' (plugin 'strato-plugin'): EvaluationError: {expected}"
    assert result.ledgers["ground"].get("cost.per_pflop_day") == api.run({"architectures": {"ground": {}}}).ledgers[
        "ground"].get("cost.per_pflop_day")


def test_extra_metrics_returning_one_metric_says_what_is_expected():
    from sandbox import ArchitectureSpec

    class Plugin:
        @hookimpl
        def sandbox_register_architectures(self, register):
            register(ArchitectureSpec(name="strato", title="Strato", description="One element.", params=(),
                                      design=lambda p, ctx: Design(elements=[_element()])))

        @hookimpl
        def sandbox_extra_metrics(self, architecture, design, ledger, context):
            if architecture == "strato":
                return Metric("strato.volume", 1.0, "m3")  # not a list

    result = api.run({"architectures": {"strato": {}}}, api.registry([("strato-plugin", Plugin())]))
    assert "sandbox_extra_metrics returned Metric for 'strato', expected a list of Metric (or None)" in \
        result.failures["strato"]


def test_si_of_a_text_parameter_names_the_parameter():
    from sandbox.core.params import Params

    params = Params({"chip": "H100-SXM"})
    with pytest.raises(TypeError, match=r"parameter 'chip' is str 'H100-SXM', not a number: p\.si\(\) takes a quantity"):
        params.si("chip")


# ------------------------------------------------------------------ rules between parameters (ArchitectureSpec.check)
@pytest.mark.parametrize(("arch", "table", "expected"), [
    # an equatorial hall has no crater for a rim cable to feed (the run used to fail only after validation said "valid")
    ("lunar", {"site": "equator", "power": "rim-cable"},
     "architectures.lunar.power: power = 'rim-cable' carries rim power into a crater: it needs site = 'psr' "
     "(site is 'equator')"),
    ("lunar", {"site": "psr", "power": "solar"},
     "architectures.lunar.power: a permanently shadowed crater gets no sunlight: choose power = 'rim-cable', "
     "'rim-beamed' or 'fission'"),
    ("leo", {"orbit": "low-inclination", "inclination": "50 deg"},
     "architectures.leo.inclination: orbit 'low-inclination' needs inclination <= 30 deg, got 50 deg; set "
     "`inclination` (e.g. \"15 deg\") or use orbit = 'inclined'"),
    ("leo", {"ground_stations": []}, "architectures.leo.ground_stations: give at least one catalogue ground station"),
    ("leo", {"ground_stations": ["SvalSat", "Wallops", "SvalSat"]},
     "architectures.leo.ground_stations: lists 'SvalSat' more than once; name each station once"),
    # GEO seen from 70° N, 70° off the slot: cos γ = cos 70° cos 70° = 0.1170 < R_E/r = 6,378/42,164 = 0.1513, so the
    # elevation atan2(cos γ − R_E/r, sin γ) = atan2(−0.0343, 0.9931) = −2.0° (look-angle geometry, Pratt et al.,
    # Satellite Communications, 2nd ed. 2003, §2.2)
    ("sbsp", {"rectenna_latitude": "70 deg", "longitude_offset": "70 deg"},
     "architectures.sbsp.rectenna_latitude: a geostationary satellite is below the horizon at latitude 70° and "
     "longitude offset 70° (elevation -2.0°): choose a rectenna latitude and longitude offset that see GEO"),
    # catalogue kinds: an on-site gas plant burns fuel, the SBSP eclipse cover is a grid
    ("ground", {"power": "gas", "gas_plant": "grid-us"},
     "architectures.ground.gas_plant: 'grid-us' is a grid power source, but this parameter takes only a power source "
     "of kind 'fuel'; did you mean 'CCGT'?"),
    ("sbsp", {"grid": "CCGT"}, "architectures.sbsp.grid: 'CCGT' is a fuel power source, but this parameter takes only "
                               "a power source of kind 'grid'; did you mean 'grid-us'?"),
])
def test_a_rule_between_parameters_is_refused_at_validation_with_its_key(registry, arch, table, expected):
    with pytest.raises(ScenarioError) as err:
        validate({"architectures": {arch: table}}, registry, "s.toml")
    assert err.value.problems == [f"s.toml: {expected}"]


def test_the_design_refuses_what_check_refuses(registry):
    # a study's points are not validated one by one: the design must refuse the same values
    from sandbox.core.params import Params, check_value
    from sandbox.core.scenario import default_params

    for arch, table in (("lunar", {"site": "equator", "power": "rim-cable"}), ("leo", {"ground_stations": []})):
        spec = registry.architectures[arch]
        values, _ = default_params(spec, registry)
        values.update({k: check_value(spec.param(k), v) for k, v in table.items()})
        params = Params(values, frozenset(), {})
        ((key, message),) = spec.check(params)
        with pytest.raises(ValueError) as info:
            spec.design(params, None)  # refused before the design reads its context
        assert message in str(info.value)


def test_a_third_party_check_is_reported_and_a_check_that_raises_blames_no_file():
    def plugin(check):
        class P:
            @hookimpl
            def sandbox_register_architectures(self, register):
                from sandbox import ArchitectureSpec

                register(ArchitectureSpec(name="pair", title="Pair", description="Two sizes with a rule.",
                                          params=(Param("inner", "1 m", "Inner size.", unit="m", source="test"),
                                                  Param("outer", "2 m", "Outer size.", unit="m", source="test")),
                                          design=lambda p, ctx: None, check=check))
        return P()

    def rule(p):
        return [("outer", "must exceed inner")] if p.si("outer") <= p.si("inner") else []

    reg = api.registry([("pair-plugin", plugin(rule))])
    validate({"architectures": {"pair": {}}}, reg, "s.toml")
    with pytest.raises(ScenarioError) as err:
        validate({"architectures": {"pair": {"outer": "50 cm"}}}, reg, "s.toml")
    assert err.value.problems == ["s.toml: architectures.pair.outer: must exceed inner"]
    reg = api.registry([("pair-plugin", plugin(lambda p: 1 / 0))])
    validate({"architectures": {"pair": {"outer": "50 cm"}}}, reg, "s.toml")  # the plugin's bug, not the file's


def test_a_check_cannot_change_the_parameters_or_print(capsys):
    def meddling(p):
        print("check was here")  # noqa: T201
        p.values["outer"] = 99 * u.m
        return []

    class P:
        @hookimpl
        def sandbox_register_architectures(self, register):
            from sandbox import ArchitectureSpec

            register(ArchitectureSpec(name="pair", title="Pair", description="Two sizes.",
                                      params=(Param("outer", "2 m", "Outer size.", unit="m", source="test"),),
                                      design=lambda p, ctx: None, check=meddling))

    scenario = validate({"architectures": {"pair": {}}}, api.registry([("pair-plugin", P())]), "s.toml")
    (run,) = [r for r in scenario.architectures if r.instance == "pair"]
    assert run.params.si("outer") == 2.0
    assert capsys.readouterr().out == ""


def test_a_print_while_a_plugin_is_imported_goes_to_stderr_not_into_the_json(tmp_path):
    """A module-level print() in a plugin came first on stdout, so `--format json` was no JSON (prints inside hooks
    already became notes)."""
    proc = run_cli(tmp_path, "loud_plugin", """
        from sandbox import hookimpl

        print("loading loud_plugin")

        @hookimpl
        def sandbox_register_catalogues(register):
            print("registering")
    """, "run", write_scenario(tmp_path, "ground"), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert {r["architecture"] for r in doc["records"]} == {"ground"}
    assert proc.stderr.splitlines()[:2] == ["loading loud_plugin", "registering"]


def test_writes_to_descriptor_1_go_to_stderr_not_into_the_json(tmp_path):
    """print() is caught, but a C library, os.write(1, ...) or sys.__stdout__ writes to file descriptor 1 directly:
    those bytes came first on stdout and `--format json` was no JSON. The command line keeps stdout for itself; the
    plugin's bytes still show, on stderr."""
    proc = run_cli(tmp_path, "fd_plugin", """
        import os
        import sys

        from sandbox import hookimpl

        os.write(1, b"fd write at import\\n")

        @hookimpl
        def sandbox_run_finished(result):
            os.write(1, b"fd write when finished\\n")
            sys.__stdout__.write("dunder stdout when finished\\n")
            sys.__stdout__.flush()
    """, "run", write_scenario(tmp_path, "ground"), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert {r["architecture"] for r in doc["records"]} == {"ground"}
    assert proc.stderr.splitlines()[:3] == ["fd write at import", "fd write when finished", "dunder stdout when finished"]


def test_a_print_in_run_finished_is_a_warning_not_lost():
    class Plugin:
        @hookimpl
        def sandbox_run_finished(self, result):
            print("finished", len(result.ledgers), "ledgers")

    result = api.run({"architectures": {"ground": {}}}, api.registry([("done-printer", Plugin())]))
    assert result.warnings[-1] == "plugin 'done-printer' printed in sandbox_run_finished: finished 1 ledgers"


def test_run_fails_only_the_hung_design_at_the_design_time_limit(tmp_path):
    """`sandbox run` had only the whole run's --timeout: a design that hangs ended the run (nothing written) unless it
    returned within the 300 s a call may take. --design-timeout, as in `sandbox sweep`, fails that architecture alone."""
    started = time.monotonic()
    proc = run_cli(tmp_path, "sleepy_plugin", SLEEPY_PLUGIN, "run", write_scenario(tmp_path, "sleepy"), "--design-timeout", "1",
                   "--format", "json")
    assert time.monotonic() - started < 25
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    assert {r["architecture"] for r in doc["records"]} == {"ground"}
    assert doc["failures"]["sleepy"].startswith("architecture 'sleepy' (plugin 'sleepy_plugin'): design ")
