"""A throwaway third-party plugin, installed as a real distribution with an entry point.

It adds an architecture; it must show up in ``sandbox plugins`` and in a scenario run, with no
change to ``sandbox/``. The distribution is a ``*.dist-info`` folder on ``PYTHONPATH``: exactly
what ``pip install`` leaves behind, found by :mod:`importlib.metadata` the same way.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

PLUGIN = '''
from sandbox import hookimpl
from sandbox.core.architecture import ArchitectureSpec
from sandbox.core.design import Design, Element, PowerSystem, Site, ThermalSystem
from sandbox.core.params import Param


def design(p, ctx):
    return Design(elements=[Element(
        name="hall", count=1, chip="H100-SXM", chips_per_unit=p.chips, utilisation=0.5,
        site=Site("ground", kind="ground", radiation_environment="ground"),
        power=PowerSystem(source="grid-us"), thermal=ThermalSystem(kind="facility", pue=1.1))])


@hookimpl
def sandbox_register_architectures(register):
    register(ArchitectureSpec(
        name="tinyhall", title="Tiny hall", description="A third-party test architecture.",
        params=(Param("chips", 1000, "Number of accelerators.", source="test input"),),
        design=design))
'''


@pytest.fixture
def third_party(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "tinyhall_plugin.py").write_text(PLUGIN)
    dist = site / "tinyhall_plugin-0.3.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: tinyhall-plugin\nVersion: 0.3.1\n")
    (dist / "entry_points.txt").write_text("[sandbox]\ntinyhall = tinyhall_plugin\n")
    env = dict(os.environ, PYTHONPATH=str(site) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("SANDBOX_PLUGINS", None)
    return env


def run(env, *args):
    return subprocess.run([sys.executable, "-m", "sandbox", *args], capture_output=True, text=True, env=env, timeout=120)


def test_listed_with_version_and_hooks(third_party):
    proc = run(third_party, "plugins", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    plugins = {p["name"]: p for p in json.loads(proc.stdout)["plugins"]}
    assert plugins["tinyhall"]["distribution"] == "tinyhall-plugin"
    assert plugins["tinyhall"]["version"] == "0.3.1"
    assert plugins["tinyhall"]["hooks"] == ["sandbox_register_architectures"]
    assert plugins["tinyhall"]["architectures"] == ["tinyhall"]
    assert "ground" in plugins  # the built-ins load beside it


def test_runs_in_a_scenario(third_party, tmp_path):
    scenario = tmp_path / "s.toml"
    scenario.write_text(textwrap.dedent("""
        [workload]
        sustained_compute = "1 PFLOPS"
        [architectures.tinyhall]
        chips = 1000
    """))
    proc = run(third_party, "run", str(scenario), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    got = {(r["architecture"], r["metric"]): r["value"] for r in doc["records"]}
    # NVIDIA H100 SXM5 datasheet (2023): 989.4 TFLOP/s dense FP16 tensor, 700 W max TDP.
    # 1,000 chips × 989.4e12 × 0.5 utilisation = 494.7 PFLOP/s delivered (no failures declared).
    assert got[("tinyhall", "compute.delivered")] == pytest.approx(494.7, rel=1e-3)
    # 1,000 × (700 W + 575 W of DGX H100 host per GPU: 10.2 kW / 8 − 700 W, NVIDIA DGX H100 datasheet)
    # = 1.275 MW of IT load; with PUE 1.1 the grid supplies 1.4025 MW.
    assert got[("tinyhall", "power.load")] == pytest.approx(1.275)
    assert got[("tinyhall", "power.grid")] == pytest.approx(1.4025)
    # the ground baseline is added by the engine for the comparison
    assert ("ground", "compute.delivered") in got
    assert any(p["name"] == "tinyhall" and p["version"] == "0.3.1" for p in doc["provenance"]["plugins"])


def test_plugin_selection_env_var(third_party):
    only = dict(third_party, SANDBOX_PLUGINS="tinyhall")
    names = [p["name"] for p in json.loads(run(only, "plugins", "--format", "json").stdout)["plugins"]]
    assert names == ["tinyhall"]
    none = dict(third_party, SANDBOX_PLUGINS="")
    assert json.loads(run(none, "plugins", "--format", "json").stdout)["plugins"] == []


def test_cached_plugin_listing_follows_installs(third_party, tmp_path):
    """`sandbox plugins` and `--help` read a cached listing; installing a plugin invalidates it."""
    env = dict(third_party, XDG_CACHE_HOME=str(tmp_path / "cache"))
    without = dict(env, PYTHONPATH=os.environ.get("PYTHONPATH", ""))
    first = json.loads(run(without, "plugins", "--format", "json").stdout)["plugins"]
    again = json.loads(run(without, "plugins", "--format", "json").stdout)["plugins"]  # from the cache
    assert again == first and "tinyhall" not in {p["name"] for p in first}
    assert list((tmp_path / "cache" / "space-sandbox" / "cli").glob("plugins-*.json"))
    installed = json.loads(run(env, "plugins", "--format", "json").stdout)["plugins"]
    assert {p["name"] for p in installed} == {p["name"] for p in first} | {"tinyhall"}


IMPOSTORS = '''
from sandbox import hookimpl
from sandbox.core.architecture import ArchitectureSpec
from sandbox.core.catalogue import Chip
from tinyhall_plugin import design


class TakesLeo:
    @hookimpl
    def sandbox_register_architectures(self, register):
        register(ArchitectureSpec(name="leo", title="Not LEO", description="A clash.", params=(), design=design))


class TakesH100:
    @hookimpl
    def sandbox_register_catalogues(self, register):
        register(Chip("H100-SXM", peak_ops_per_s={"fp16": 1e12}, power_w=1.0, mass_kg=1.0, cost_usd=1.0,
                      sources={"power_w": "a clash"}))


takes_leo, takes_h100 = TakesLeo(), TakesH100()
'''


def test_an_installed_plugin_cannot_displace_a_built_in(third_party, tmp_path):
    """The built-ins register before any other installed plugin, so a third party that registers a built-in's
    architecture or chip name (without replace=True) is the one dropped, whatever its entry-point name sorts as
    ('aaa' sorts before 'catalogue' and 'leo'); an entry-point name that another distribution already uses is
    reported, not silently skipped. The built-in's numbers are those of a run without the impostors."""
    site = tmp_path / "site"
    (site / "impostors.py").write_text(IMPOSTORS)
    dist = site / "impostors-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: impostors\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(
        "[sandbox]\naaa = impostors:takes_leo\naab = impostors:takes_h100\nleo = impostors:takes_leo\n")
    with_them = run(third_party, "run", "scenarios/default.toml", "--format", "json")
    without = run(dict(third_party, PYTHONPATH=os.environ.get("PYTHONPATH", "")), "run", "scenarios/default.toml",
                  "--format", "json")
    assert with_them.returncode == without.returncode == 0, with_them.stderr + without.stderr
    doc, clean = json.loads(with_them.stdout), json.loads(without.stdout)

    def numbers(d):
        return {(r["architecture"], r["metric"]): r["value"] for r in d["records"]}

    assert numbers(doc) == numbers(clean)
    errors = {e["name"]: e["error"] for e in doc["provenance"]["plugin_load_errors"]}
    assert errors["aaa"] == "plugin 'aaa' registered architecture 'leo', already registered by plugin 'leo'"
    assert errors["aab"].startswith("plugin 'aab' registered chip 'H100-SXM', already registered by plugin 'catalogue'")
    assert errors["leo"] == ("entry-point name 'leo' is taken by 'sandbox_plugins.leo' (space-sandbox), so "
                             "'impostors:takes_leo' was not loaded: give it an entry-point name of its own")
    assert "catalogue" not in errors and "leo" in {p["name"] for p in doc["provenance"]["plugins"]}
