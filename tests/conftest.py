"""Shared fixtures: a registry of the installed plugins and helpers to write scenarios."""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox.core.registry import load

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def registry():
    """The registry of the installed (built-in) plugins."""
    return load()


@pytest.fixture
def write_scenario(tmp_path):
    """Write a scenario text to a file in tmp_path and return its path."""

    def _write(text: str, name: str = "s.toml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write


#: A 2 × 4 × 3 grid (24 points) over LEO and the ground, for the `sandbox serve` tests' sweep folder.
SERVE_SWEEP = """
[study]
name = "serve test sweep"
seed = 7
[architectures.leo]
[architectures.ground]
[sweep]
method = "grid"
chunk = 10
[sweep.params]
"leo.altitude" = { values = ["550 km", "650 km"] }
"models.cost.hardware_usd_per_kg_mass_produced" = { scale = "log", steps = 4 }
"catalogue.launch_vehicles.Falcon9.price_usd" = { low = 15e6, high = 70e6, steps = 3 }
"""


@pytest.fixture(scope="session")
def serve_sweep_dir(tmp_path_factory) -> Path:
    """A finished sweep folder written by the sweep command (for tests/test_serve*.py)."""
    import subprocess
    import sys

    base = tmp_path_factory.mktemp("serve-sweep")
    scenario = base / "small_sweep.toml"
    scenario.write_text(SERVE_SWEEP, encoding="utf-8")
    out = base / "out"
    done = subprocess.run([sys.executable, "-m", "sandbox", "sweep", str(scenario), "--out", str(out), "--workers", "1",
                           "--no-figures"], capture_output=True, text=True, cwd=ROOT, timeout=900)
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture
def memfs():
    """fsspec's in-memory filesystem, empty before and after the test (its store is shared by the process)."""
    import fsspec

    fs = fsspec.filesystem("memory")
    fs.store.clear()
    fs.pseudo_dirs.clear()
    fs.pseudo_dirs.append("")
    yield fs
    fs.store.clear()
