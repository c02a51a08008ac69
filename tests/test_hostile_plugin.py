"""A hostile plugin next to the built-ins: in every hook it mutates what it is given, prints, sleeps and
raises. The built-ins' numbers must stay bit-identical to a run without it, and its failures must be named."""

from __future__ import annotations

import dataclasses
import time
import types
from pathlib import Path

import numpy as np
import pytest

from sandbox import Metric, hookimpl
from sandbox.core.architecture import ArchitectureSpec
from sandbox.core.registry import load
from sandbox.core.scenario import load_scenario
from sandbox.ledger.engine import evaluate

SCENARIO = "scenarios/default.toml"
NAP_S = 0.01  # each hook sleeps this long: slow plugins must not change anyone's numbers


def _vandalise(obj: object, depth: int = 0) -> None:
    """Try to change everything reachable from ``obj`` that a careless or hostile plugin could reach:
    dict entries, list items, dataclass fields, numpy arrays. Errors (frozen objects) are ignored."""
    if depth > 3:
        return
    try:
        if isinstance(obj, dict):
            for key in list(obj)[:50]:
                value = obj[key]
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    obj[key] = value * 7 + 1
                else:
                    _vandalise(value, depth + 1)
        elif isinstance(obj, list):
            for i, value in enumerate(obj[:50]):
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    obj[i] = value * 7 + 1
                else:
                    _vandalise(value, depth + 1)
        elif isinstance(obj, np.ndarray) and obj.flags.writeable:
            obj *= 7
        elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            for f in dataclasses.fields(obj):
                value = getattr(obj, f.name)
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    try:
                        object.__setattr__(obj, f.name, value * 7 + 1)
                    except (AttributeError, TypeError):
                        pass
                else:
                    _vandalise(value, depth + 1)
    except Exception:  # noqa: BLE001 - a vandal does not care
        pass


class Boom(RuntimeError):
    pass


def _hostile(where: str, *targets: object) -> None:
    print(f"hostile plugin was here: {where}")  # noqa: T201 - printing is part of the hostility
    time.sleep(NAP_S)
    for target in targets:
        _vandalise(target)
    raise Boom(f"hostile plugin raises in {where}")


def _break_in(ctx) -> None:
    """Past the read-only views: a frozen catalogue entry and a frozen sourced default changed with
    object.__setattr__, and the model set's tables through its private attributes."""
    chip = ctx.catalogues.chips["H100-SXM"]
    object.__setattr__(chip, "cost_usd", chip.cost_usd * 100)
    default = ctx.models.default("cost.hardware_usd_per_kg_mass_produced")
    object.__setattr__(default, "nominal", default.nominal / 100)
    ctx.models._defaults["cost.integration_fraction"] = ctx.models.default("cost.insurance_fraction")
    ctx.models._functions.pop("cost.cost_per_pflop_day_usd")


def hostile_plugin() -> types.SimpleNamespace:
    """Registers an architecture, then vandalises, prints, sleeps and raises in its parameter check and
    design, in every architecture's extra metrics and when the run finishes."""
    def design(p, ctx):
        _break_in(ctx)
        _hostile("design", p, ctx, ctx.catalogues, ctx.workload, ctx.assumptions)

    @hookimpl
    def sandbox_register_architectures(register):
        print("hostile plugin was here: architectures")  # noqa: T201
        register(ArchitectureSpec("hostile", "hostile", "vandal architecture", (), design,
                                  check=lambda p: _hostile("check", p)))

    @hookimpl
    def sandbox_extra_metrics(architecture, design, ledger, context):
        _break_in(context)
        if architecture == "ground":  # a call that returns normally after breaking in fails all the same
            return [Metric("hostile.value", 1.0, "")]
        _hostile("extra_metrics", design, context, context.catalogues, context.workload, context.assumptions)
        return [Metric("hostile.value", 1.0, "")]

    @hookimpl
    def sandbox_run_finished(result):
        _hostile("run_finished", result.ledgers, dict(result.ledgers))

    return types.SimpleNamespace(sandbox_register_architectures=sandbox_register_architectures,
                                 sandbox_extra_metrics=sandbox_extra_metrics, sandbox_run_finished=sandbox_run_finished)


def hostile_registration_plugin() -> types.SimpleNamespace:
    """Prints, sleeps and raises while registering catalogue entries and models."""
    @hookimpl
    def sandbox_register_catalogues(register):
        _hostile("catalogues")

    @hookimpl
    def sandbox_register_models(register):
        _hostile("models")

    return types.SimpleNamespace(sandbox_register_catalogues=sandbox_register_catalogues,
                                 sandbox_register_models=sandbox_register_models)


def _numbers(result, names) -> dict[tuple[str, str], float]:
    return {(a, m.name): m.value for a in names for m in result.ledgers[a].metrics}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    clean_reg = load()
    hostile_reg = load([("hostile", hostile_plugin()), ("hostile_registration", hostile_registration_plugin())])
    scenario = load_scenario(SCENARIO, clean_reg)
    clean = evaluate(scenario, clean_reg)
    # the default scenario with the vandal's own architecture first, so that its design runs before the others
    text = Path(SCENARIO).read_text(encoding="utf-8")
    first = text.index("\n[architectures.") + 1
    path = tmp_path_factory.mktemp("hostile") / "default_and_hostile.toml"
    path.write_text(text[:first] + "[architectures.hostile]\n\n" + text[first:], encoding="utf-8")
    with_hostile = evaluate(load_scenario(path, hostile_reg), hostile_reg)
    again = evaluate(scenario, clean_reg)  # nothing the vandal did outlives its run
    return clean, with_hostile, again, hostile_reg


def test_built_in_numbers_are_bit_identical_next_to_a_hostile_plugin(runs):
    """The default scenario's six architectures: every metric of every built-in equal to the last bit
    (``==`` on floats, not approx) with and without the vandal, and again after it ran."""
    clean, with_hostile, again, _ = runs
    names = sorted(clean.ledgers)
    assert names == ["ground", "lagrange", "leo", "lunar", "moonbase", "starship"]
    reference = _numbers(clean, names)
    assert len(reference) > 6 * 30  # dozens of metrics per architecture
    assert _numbers(with_hostile, names) == reference
    assert _numbers(again, names) == reference


def test_the_hostile_plugin_failures_are_named(runs):
    """Its own architecture fails with the exception named; its extra metrics are left out of every
    ledger with a note naming it; its run_finished failure is reported; its printing is captured
    into notes, never mixed into the output; the plugin that raised while registering is dropped
    with its error named."""
    _, with_hostile, _, reg = runs
    assert with_hostile.failures["hostile"] == (
        "architecture 'hostile' (plugin 'hostile'): Boom: hostile plugin raises in design")
    assert "Boom: hostile plugin raises in run_finished" in with_hostile.failures["sandbox_run_finished"]
    for name, ledger in with_hostile.ledgers.items():
        assert not ledger.has("hostile.value"), name
        dropped = [n for n in ledger.notes if n.startswith("plugin 'hostile'")]
        if name == "ground":  # it returned a metric after breaking in: left out, what it changed named and put back
            assert any("SharedDataChanged: plugin 'hostile' changed shared data other architectures read "
                       "(chips.H100-SXM.cost_usd, model components, model defaults, "
                       "models.cost.hardware_usd_per_kg_mass_produced.nominal); put back" in n for n in dropped), dropped
            continue
        assert any("printed: hostile plugin was here: extra_metrics" in n for n in dropped), name
        assert any("Boom: hostile plugin raises in extra_metrics" in n and "the ledger is unchanged" in n
                   for n in dropped), name
    dropped = {info.name: info.error for info in reg.load_errors}
    assert "hostile_registration" in dropped and "Boom: hostile plugin raises in catalogues" in dropped["hostile_registration"]


def test_a_plugin_calling_sys_exit_fails_alone():
    """sys.exit(0) in a design and in an extra-metrics hook: before, the whole command ended with status 0 and no
    output; now the design's architecture fails with the cause named, the hook's metrics are left out with a note,
    and the other architectures are evaluated."""
    import sys

    def design(p, ctx):
        sys.exit(0)

    @hookimpl
    def sandbox_register_architectures(register):
        register(ArchitectureSpec("quitter", "quitter", "calls sys.exit", (), design))

    @hookimpl
    def sandbox_extra_metrics(architecture, design, ledger, context):
        sys.exit(3)

    reg = load([("quitter", types.SimpleNamespace(sandbox_register_architectures=sandbox_register_architectures,
                                                  sandbox_extra_metrics=sandbox_extra_metrics))])
    from sandbox.core.scenario import validate

    result = evaluate(validate({"workload": {"sustained_compute": "10 PFLOPS"},
                                "architectures": {"quitter": {}, "ground": {}}}, reg), reg)
    assert result.failures == {"quitter": "architecture 'quitter' (plugin 'quitter'): PluginExit: called sys.exit(0)"}
    assert result.ledgers["ground"].get("cost.per_pflop_day") > 0
    assert any("PluginExit: called sys.exit(3)" in n for n in result.ledgers["ground"].notes)


def _beside_a_meddler(name: str, meddle, architectures: list[str]) -> tuple:
    """The run of ``architectures`` (100 PFLOP/s) without, then with, an architecture ``name`` listed first, whose
    design calls ``meddle(ctx)`` and builds one ground hall of eight H100s."""
    from sandbox import Design, Element, PowerSystem, Site, ThermalSystem
    from sandbox.core.scenario import validate

    def design(p, ctx):
        meddle(ctx)
        return Design(elements=[Element(name="hall", count=1, chip="H100-SXM", chips_per_unit=8, site=Site("hall", kind="ground"),
                                        power=PowerSystem("grid-us"), thermal=ThermalSystem(kind="facility", pue=1.1))])

    @hookimpl
    def sandbox_register_architectures(register):
        register(ArchitectureSpec(name, name, "changes what it should not", (), design))

    reg = load([(name, types.SimpleNamespace(sandbox_register_architectures=sandbox_register_architectures))])
    data = {"workload": {"sustained_compute": "100 PFLOPS"}, "architectures": {a: {} for a in architectures}}
    plain = evaluate(validate(data, reg), reg)
    data["architectures"] = {name: {}, **data["architectures"]}
    return plain, evaluate(validate(data, reg), reg)


def test_a_plugin_rewriting_a_shared_models_code_fails_alone():
    """A design that swaps the code of the shared radiator-area function (the same function object, so the guard's
    identity check missed it) sized LEO's radiators, listed after it, at 12,345 m² each: LEO's cost went from 1,637 to
    131,054 USD per PFLOP-day with no failure. The code is put back after the call and the call fails, named."""
    def fake(heat_w, temperature_k, emissivity, *args, **kwargs):
        return heat_w * 0 + 12345.0

    def meddle(ctx):
        ctx.models.thermal.radiator_area_m2.__code__ = fake.__code__

    plain, result = _beside_a_meddler("rewriter", meddle, ["leo", "ground"])
    assert result.failures == {"rewriter": "architecture 'rewriter' (plugin 'rewriter'): SharedDataChanged: its design "
                                           "changed shared data other architectures read (model component "
                                           "thermal.radiator_area_m2 (its code)); put back"}
    for name in ("leo", "ground"):
        assert [(m.name, m.value) for m in result.ledgers[name].metrics if not m.name.endswith(".vs_baseline")] == [
            (m.name, m.value) for m in plain.ledgers[name].metrics if not m.name.endswith(".vs_baseline")]


@pytest.mark.parametrize("attack", ["constant", "table", "function", "chdir", "environ"])
def test_a_plugin_changing_module_state_fails_alone_and_the_others_keep_their_numbers(attack, tmp_path, monkeypatch):
    """A design that rebinds a module's constant (the speed of light at 1,000 m/s: LEO's latency went from 5.08 to
    8,205 s), multiplies a radiation table in place, rebinds a model function (the ground went from 130 to 330.5 USD
    per PFLOP-day), moves the working directory (a later --out went elsewhere) or sets an environment variable the
    sandbox reads: every other architecture's numbers changed with no failure. Each is put back after the call and
    the call fails, named."""
    import os

    from sandbox.models import cost, links, radiation

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SANDBOX_ORBIT_LIBRARY_TEST", raising=False)

    def meddle(ctx):
        if attack == "constant":
            links.SPEED_OF_LIGHT_M_S = 1000.0
        elif attack == "table":
            radiation._GEO_TRAPPED_RAD_PER_YEAR *= 7
            radiation.LEO_DOSE_TABLE_KRAD_PER_YEAR *= 7
        elif attack == "function":
            cost.cost_per_pflop_day_usd = lambda annual, pflops: 0.0
        elif attack == "chdir":
            os.chdir("/")
        else:
            os.environ["SANDBOX_ORBIT_LIBRARY_TEST"] = "nonsense"

    plain, result = _beside_a_meddler("meddler", meddle, ["ground", "leo", "starship"])
    what = {"constant": "sandbox.models.links.SPEED_OF_LIGHT_M_S",
            "table": "sandbox.models.radiation.LEO_DOSE_TABLE_KRAD_PER_YEAR (its content), "
                     "sandbox.models.radiation._GEO_TRAPPED_RAD_PER_YEAR (its content)",
            "function": "sandbox.models.cost.cost_per_pflop_day_usd", "chdir": "the working directory",
            "environ": "environment variable SANDBOX_ORBIT_LIBRARY_TEST"}[attack]
    assert result.failures == {"meddler": "architecture 'meddler' (plugin 'meddler'): SharedDataChanged: its design "
                                          f"changed shared data other architectures read ({what}); put back"}
    for name in ("ground", "leo", "starship"):
        assert [(m.name, m.value) for m in result.ledgers[name].metrics] == [
            (m.name, m.value) for m in plain.ledgers[name].metrics]
    assert links.SPEED_OF_LIGHT_M_S == 299_792_458.0 and os.getcwd() == str(tmp_path)
    assert "SANDBOX_ORBIT_LIBRARY_TEST" not in os.environ


class _Unprintable(Exception):
    def __str__(self):
        raise ValueError("no str")


class _OwnBase(BaseException):
    pass


@pytest.mark.parametrize(("returned", "problem"), [
    (lambda: [Metric("cost.per_pflop_day.vs_baseline", 3.0, "x")],
     "returned metric 'cost.per_pflop_day.vs_baseline' for {a!r}: names ending in .vs_baseline are the engine's ratios "
     "to the baseline"),
    (lambda: [Metric("em.x", "5", "")], "returned an impossible extra metric for {a!r}: metric 'em.x' = '5'"),
    (lambda: [Metric("em.x", True, "")], "returned an impossible extra metric for {a!r}: metric 'em.x' = True"),
    (lambda: [Metric("em.x", np.array([1.0, 2.0]), "")],
     "returned an impossible extra metric for {a!r}: metric 'em.x' = array([1., 2.])"),
    (lambda: [Metric("em.x", 10**400, "")], "returned an impossible extra metric for {a!r}: metric 'em.x' = 1000000"),
    (lambda: (_ for _ in ()).throw(ValueError("first line\nsecond\nthird")),
     "failed in sandbox_extra_metrics: ValueError: first line (+2 more lines)"),
    (lambda: (_ for _ in ()).throw(_Unprintable()),
     "failed in sandbox_extra_metrics: _Unprintable: (its message could not be shown: str() raised ValueError)"),
    (lambda: (_ for _ in ()).throw(_OwnBase("own")),
     "failed in sandbox_extra_metrics: PluginBaseException: raised _OwnBase: own"),
])
def test_a_plugins_odd_extra_metric_is_left_out_with_one_line_and_the_others_stand(returned, problem):
    """A plugin metric named cost.per_pflop_day.vs_baseline replaced the headline ratio of every architecture (3 in
    every column, two records in the JSON); a text, bool or array value was printed as it was; an integer beyond the
    float range failed every architecture, blaming its owner; a many-line message ran over thousands of lines; an
    exception whose str() raises and a BaseException of the plugin's own escaped as tracebacks. Each is now the
    plugin's own fault: its metrics are left out with one line, and the ledger (ratios included) is as without it."""
    from sandbox.core.scenario import validate

    @hookimpl
    def sandbox_extra_metrics(architecture, design, ledger, context):
        return returned()

    data = {"workload": {"sustained_compute": "100 PFLOPS"}, "architectures": {"ground": {}, "leo": {}}}
    plain_reg = load([])
    plain = evaluate(validate(data, plain_reg), plain_reg)
    reg = load([("em", types.SimpleNamespace(sandbox_extra_metrics=sandbox_extra_metrics))])
    result = evaluate(validate(data, reg), reg)
    assert result.failures == {}
    for name in ("ground", "leo"):
        assert [(m.name, m.value) for m in result.ledgers[name].metrics] == [
            (m.name, m.value) for m in plain.ledgers[name].metrics]
        (note,) = [n for n in result.ledgers[name].notes if n.startswith("plugin 'em'")]
        assert problem.format(a=name) in note and "\n" not in note
        assert note.endswith(f"— its metrics for {name!r} are left out; the ledger is unchanged")
