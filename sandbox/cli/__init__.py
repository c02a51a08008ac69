"""The ``sandbox`` command line (click): :func:`main` is the console script, :data:`cli` the group."""

from __future__ import annotations

from sandbox.cli.main import cli, main

__all__ = ["cli", "main"]
