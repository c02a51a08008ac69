"""pytest fixtures for plugin authors (installed as a pytest plugin with the package).

``sandbox_run`` runs a scenario — a TOML string or a mapping — with the installed plugins
plus any plugin objects you pass, and returns the :class:`sandbox.ledger.engine.RunResult`::

    def test_my_arch(sandbox_run):
        result = sandbox_run('''
            [architectures.mine]
            type = "myarch"
        ''', plugins=[("myplugin", my_plugin_module)])
        assert result.ledgers["mine"].get("compute.delivered") == pytest.approx(12.0)
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable
from typing import Any

import pytest


@pytest.fixture
def sandbox_run() -> Callable[..., Any]:
    """Run a scenario (TOML text or mapping) with extra ``plugins`` (``(name, object)`` pairs)."""
    from sandbox.core.registry import default_registry, load
    from sandbox.core.scenario import validate
    from sandbox.ledger.engine import evaluate

    def _run(scenario: str | dict, plugins: Iterable[tuple[str, object]] = ()) -> Any:
        extra = list(plugins)
        reg = load(extra) if extra else default_registry()
        data = tomllib.loads(scenario) if isinstance(scenario, str) else scenario
        return evaluate(validate(data, reg, "<test scenario>"), reg)

    return _run
