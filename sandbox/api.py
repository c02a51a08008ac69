"""The Python API (the CLI is a thin layer over it).

>>> from sandbox import api
>>> result = api.run("scenarios/default.toml")          # doctest: +SKIP
>>> result.ledgers["ground"].get("cost.per_pflop_day")  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sandbox.core.registry import Registry, default_registry
from sandbox.core.registry import load as load_plugins
from sandbox.core.scenario import Scenario, load_scenario, validate
from sandbox.ledger.engine import RunResult, evaluate


def registry(extra_plugins: Iterable[tuple[str, object]] = ()) -> Registry:
    """The plugin registry: installed plugins (per ``SANDBOX_PLUGINS``) plus ``extra_plugins``."""
    extra = list(extra_plugins)
    return load_plugins(extra) if extra else default_registry()


def load(path: str | Path, reg: Registry | None = None) -> Scenario:
    """Load and validate a scenario file; raises :class:`sandbox.core.scenario.ScenarioError`."""
    return load_scenario(path, reg or default_registry())


def run(scenario: str | Path | Scenario | dict, reg: Registry | None = None) -> RunResult:
    """Run a scenario (a path, a validated :class:`Scenario` or a parsed mapping)."""
    reg = reg or default_registry()
    if isinstance(scenario, dict):
        scenario = validate(scenario, reg)
    elif not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario, reg)
    return evaluate(scenario, reg)


__all__ = ["registry", "load", "run", "RunResult", "Scenario", "Registry"]
