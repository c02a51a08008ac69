"""The ``sandbox`` command line: a thin layer over :mod:`sandbox.api`.

Exit status: 0 success, 1 an architecture or plugin failed, 2 bad input (scenario, options,
output folder). Errors are one line each on stderr, never a traceback.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import click


def _registry(ctx: click.Context):
    from .plugins import PluginError, load

    obj = ctx.ensure_object(dict)
    if "registry" not in obj:
        extra = []
        for module_name in ctx.find_root().params.get("plugin_modules") or ():
            try:
                extra.append((module_name, importlib.import_module(module_name)))
            except Exception as exc:
                _fail(f"--plugin {module_name}: cannot import: {type(exc).__name__}: {exc}", 2)
        try:
            obj["registry"] = load(extra)
        except PluginError as exc:
            _fail(str(exc), 1)
        for info in obj["registry"].load_errors:
            click.echo(f"warning: plugin {info.name!r} failed to load: {info.error}", err=True)
    return obj["registry"]


def _fail(message: str, status: int) -> None:
    for line in message.splitlines():
        click.echo(f"error: {line}", err=True)
    sys.exit(status)


def _scenario(ctx: click.Context, path: str):
    from .scenario import ScenarioError, load_scenario

    try:
        return load_scenario(path, _registry(ctx))
    except ScenarioError as exc:
        _fail(str(exc), 2)


class _Group(click.Group):
    """Adds plugin commands (``sandbox_register_commands``) when the group is listed or used.

    Plugins add their commands to a fresh group per invocation, kept in the click context, so
    that one invocation's ``--plugin`` never leaks into another's.
    """

    def _plugin_commands(self, ctx: click.Context) -> dict[str, click.Command]:
        obj = ctx.ensure_object(dict)
        if "plugin_commands" not in obj:
            from .plugins import PluginError, call_each

            group = click.Group("sandbox")
            try:
                call_each(_registry(ctx).pm, "sandbox_register_commands", lambda _p: {"cli": group})
            except PluginError as exc:
                _fail(str(exc), 1)
            obj["plugin_commands"] = {n: c for n, c in group.commands.items() if n not in self.commands}
        return obj["plugin_commands"]

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self._plugin_commands(ctx)))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return super().get_command(ctx, name) or self._plugin_commands(ctx).get(name)


@click.group(cls=_Group)
@click.version_option(package_name="space-sandbox")
@click.option("--plugin", "plugin_modules", multiple=True, metavar="MODULE",
              help="Also load this importable module as a plugin (repeatable).")
@click.pass_context
def cli(ctx: click.Context, plugin_modules: tuple[str, ...]) -> None:
    """The lunar and deep-space infrastructure sandbox: AI compute in space on one ledger.

    Set SANDBOX_PLUGINS to a comma-separated list of plugin names to load only those
    (an empty value loads none).
    """
    ctx.ensure_object(dict)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--hook", default=None, help="Show only the plugins that implement this hook.")
@click.pass_context
def plugins(ctx: click.Context, fmt: str, hook: str | None) -> None:
    """List installed plugins with their versions and the hooks each implements."""
    reg = _registry(ctx)
    infos = reg.plugins
    if hook:
        from . import hookspecs

        if not hasattr(hookspecs, hook):
            _fail(f"--hook: no hook named {hook!r}", 2)
        infos = [p for p in infos if hook in p.hooks]
    rows = [{"name": p.name, "distribution": p.distribution, "version": p.version, "module": p.module, "hooks": p.hooks,
             "architectures": sorted(a for a, o in reg.architecture_owner.items() if o == p.name)} for p in infos]
    if fmt == "json":
        click.echo(json.dumps({"plugins": rows, "load_errors": [{"name": p.name, "error": p.error} for p in reg.load_errors]},
                              indent=2))
        return
    if not rows:
        click.echo(f"no plugin implements {hook}" if hook else "no plugins loaded")
    for r in rows:
        dist = f" ({r['distribution']} {r['version']})" if r["distribution"] else ""
        click.echo(f"{r['name']}{dist}  [{r['module']}]")
        click.echo(f"  hooks: {', '.join(r['hooks']) or 'none'}")
        if r["architectures"]:
            click.echo(f"  architectures: {', '.join(r['architectures'])}")


@cli.command()
@click.argument("scenario", type=click.Path(dir_okay=True))
@click.pass_context
def validate(ctx: click.Context, scenario: str) -> None:
    """Validate SCENARIO against the installed plugins' schemas; nothing runs."""
    s = _scenario(ctx, scenario)
    click.echo(f"{scenario}: valid ({len(s.architectures)} architectures: {', '.join(r.instance for r in s.architectures)})")


@cli.command()
@click.pass_context
def schema(ctx: click.Context) -> None:
    """Print the JSON Schema of scenario files (every installed plugin's parameters included)."""
    from .schema import scenario_schema

    click.echo(json.dumps(scenario_schema(_registry(ctx)), indent=2))


@cli.command()
@click.argument("scenario", type=click.Path(dir_okay=True))
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--out", "out_dir", type=click.Path(), default=None,
              help="Also write results (JSON, CSV, table) and a provenance record into this folder.")
@click.option("--keep-going", is_flag=True, help="Exit 0 even when an architecture failed (still reported).")
@click.option("--explain", is_flag=True, help="After the table, show the inputs and sources behind every metric.")
@click.pass_context
def run(ctx: click.Context, scenario: str, fmt: str, out_dir: str | None, keep_going: bool, explain: bool) -> None:
    """Run SCENARIO and print the comparison with the ground baseline."""
    from . import report
    from .engine import evaluate

    s = _scenario(ctx, scenario)
    if out_dir is not None:
        _check_writable(Path(out_dir))
    result = evaluate(s, _registry(ctx))
    text = {"table": report.table, "json": report.to_json, "csv": report.to_csv}[fmt](result)
    if explain and fmt == "table":
        text += "\n\n" + report.explain(result)
    if out_dir is not None:
        try:
            report.write_outputs(result, Path(out_dir))
        except OSError as exc:
            _fail(f"--out {out_dir}: cannot write: {exc.strerror or exc}", 2)
    click.echo(text)
    for message in result.failures.values():
        click.echo(f"error: {message}", err=True)
    if result.failures and not keep_going:
        sys.exit(1)


def _check_writable(path: Path) -> None:
    if path.exists() and not path.is_dir():
        _fail(f"--out {path}: exists and is not a folder", 2)
    probe = path
    while not probe.exists():
        probe = probe.parent
    import os

    if not os.access(probe, os.W_OK):
        _fail(f"--out {path}: folder {probe} is not writable", 2)


def main() -> None:
    """Console-script entry point."""
    cli(obj={})


if __name__ == "__main__":
    main()
