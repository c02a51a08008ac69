"""Helpers every command shares: the plugin registry of an invocation, one-line errors, checked inputs.

Exit status: 0 success, 1 an architecture or plugin failed, 2 bad input (scenario, options,
output folder). Errors are one line each on stderr, never a traceback.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterable
from pathlib import Path

import click


def registry_of(ctx: click.Context):  # noqa: ANN201 - a sandbox.core.registry.Registry, imported lazily
    """The plugin registry of this invocation (entry points plus ``--plugin`` modules), loaded once."""
    from sandbox.core.registry import HookNameError, PluginError, load

    obj = ctx.ensure_object(dict)
    if "registry" not in obj:
        extra = []
        for module_name in ctx.find_root().params.get("plugin_modules") or ():
            try:
                extra.append((module_name, importlib.import_module(module_name)))
            except Exception as exc:
                fail(f"--plugin {module_name}: cannot import: {type(exc).__name__}: {exc}", 2)
        try:
            obj["registry"] = load(extra)
        except HookNameError as exc:  # a misspelt hook or argument: bad input, like a misspelt key
            fail(str(exc), 2)
        except PluginError as exc:
            fail(str(exc), 1)
        for info in obj["registry"].load_errors:
            click.echo(f"warning: plugin {info.name!r} failed to load: {info.error}", err=True)
    return obj["registry"]


def fail(message: str, status: int) -> None:
    """Print ``message`` as ``error:`` lines on stderr and exit with ``status`` (no traceback)."""
    for line in message.splitlines():
        click.echo(f"error: {line}", err=True)
    sys.exit(status)


def scenario_or_exit(ctx: click.Context, path: str):  # noqa: ANN201 - a sandbox.core.scenario.Scenario
    """The validated scenario at ``path``, or exit 2 with its problems, one line each."""
    from sandbox.core.scenario import ScenarioError, load_scenario

    try:
        return load_scenario(path, registry_of(ctx))
    except ScenarioError as exc:
        fail(str(exc), 2)


def check_writable(path: Path) -> None:
    """Exit 2 unless ``path`` is (or can be created as) a writable folder."""
    if path.exists() and not path.is_dir():
        fail(f"--out {path}: exists and is not a folder", 2)
    probe = path
    while not probe.exists():
        probe = probe.parent
    import os

    if not os.access(probe, os.W_OK):
        fail(f"--out {path}: folder {probe} is not writable", 2)


def files_text(names: Iterable[str | Path]) -> str:
    """File names for a "wrote ..." line: ``a.png`` and ``a.svg`` become ``a.png/.svg``, order kept."""
    stems: dict[str, list[str]] = {}
    for name in names:
        path = Path(name)
        stems.setdefault(str(path.with_suffix("")) if path.suffix else str(path), []).append(path.suffix)
    return ", ".join(stem + "/".join(suffixes) if suffixes != [""] else stem for stem, suffixes in stems.items())


def report_written(out_dir: str | Path, names: Iterable[str | Path], machine_output: bool) -> None:
    """Say what ``--out`` wrote: ``wrote DIR/: a.csv, b.png/.svg``. On stderr when standard output
    carries JSON or CSV (``machine_output``), so that it stays parseable; on stdout otherwise."""
    shown = [n.name if isinstance(n, Path) else n for n in names]
    click.echo(f"wrote {Path(out_dir)}/: {files_text(shown)}", err=machine_output)
