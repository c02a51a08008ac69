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
