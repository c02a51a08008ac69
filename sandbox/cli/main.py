"""The ``sandbox`` command group and its core commands: plugins, validate, schema, run, compare, catalogue.

A thin layer over :mod:`sandbox.api`. Study commands (sweep, sensitivity, timeline) live in
:mod:`sandbox.cli.studies` and are added through the ``sandbox_register_commands`` hook, as a
third party's commands are.

Exit status: 0 success, 1 an architecture or plugin failed, 2 bad input (scenario, options,
output folder). Errors are one line each on stderr, never a traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TextIO

import click

from sandbox.cli.common import (
    Seconds,
    cannot_write,
    claim_output_folder,
    deadline,
    fail,
    local_out_or_exit,
    out_given,
    plan_or_exit,
    registry_of,
    report_written,
    scenario_or_exit,
    shown,
    timeout_option,
)

# ----------------------------------------------------------------------------- plugin listing cache
#
# ``sandbox --help`` must list plugin commands and ``sandbox plugins`` must list versions and
# hooks; both need every plugin module imported, and the plugins import astropy and numpy
# (~0.5 s). What they print depends only on what is installed, so it is cached as JSON under
# ``$XDG_CACHE_HOME/space-sandbox/cli/`` (default ``~/.cache/...``), one file per environment,
# keyed on :func:`sandbox.core.registry.fingerprint` (entry points, versions, source mtimes,
# ``SANDBOX_PLUGINS``). A listing is cached only when every plugin loaded cleanly; ``--plugin``
# bypasses the cache; ``SANDBOX_CLI_CACHE=0`` turns it off. Plugins are imported for real as
# soon as a plugin command runs or any command needs the registry.

CACHE_ENV = "SANDBOX_CLI_CACHE"
#: ``ctx.meta`` key: the subcommand's arguments ask for its help (set when the group resolves the command).
_ASKS_HELP = "sandbox.asks_help"
#: Layout of the listing cache file; a file with another one is rebuilt.
CACHE_FORMAT = 2


def _cache_file() -> Path:
    import hashlib
    import os

    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    env = hashlib.sha256(sys.prefix.encode()).hexdigest()[:16]
    return Path(base) / "space-sandbox" / "cli" / f"plugins-{env}.json"


def _cache_allowed(ctx: click.Context) -> bool:
    import os

    if os.environ.get(CACHE_ENV, "1").strip().lower() in ("0", "no", "false", "off"):
        return False
    return not (ctx.find_root().params.get("plugin_modules") or ())


def _fingerprint(ctx: click.Context) -> str:
    obj = ctx.ensure_object(dict)
    if "fingerprint" not in obj:
        from sandbox.core.registry import fingerprint

        obj["fingerprint"] = fingerprint()
    return obj["fingerprint"]


def _digest(listing: dict) -> str:
    import hashlib

    return hashlib.sha256(json.dumps(listing, sort_keys=True).encode()).hexdigest()


def _strs(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(x, str) for x in value)


def _valid_listing(doc: dict) -> bool:
    """Whether ``doc`` has the listing's layout (so that nothing downstream meets a wrong type)."""
    plugins, errors, commands = doc.get("plugins"), doc.get("load_errors"), doc.get("commands")
    text = (str, type(None))
    return (isinstance(plugins, list) and all(
                isinstance(p, dict) and all(isinstance(p.get(k), str) for k in ("name", "distribution", "version", "module"))
                and _strs(p.get("hooks")) and _strs(p.get("architectures")) and isinstance(p.get("host"), bool)
                for p in plugins)
            and isinstance(errors, list) and all(
                isinstance(e, dict) and isinstance(e.get("name"), str) and isinstance(e.get("error"), str) for e in errors)
            and isinstance(commands, list) and all(
                isinstance(c, dict) and isinstance(c.get("name"), str) and isinstance(c.get("help"), text)
                and isinstance(c.get("short_help"), text) and isinstance(c.get("hidden"), bool)
                and isinstance(c.get("deprecated"), (bool, str)) for c in commands))


def _read_listing(ctx: click.Context) -> dict | None:
    """The cached listing when it is current and intact; a damaged file is reported and rebuilt."""
    if not _cache_allowed(ctx):
        return None
    path = _cache_file()
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, UnicodeDecodeError):
        doc = None
    if isinstance(doc, dict) and (doc.get("format") != CACHE_FORMAT or doc.get("key") != _fingerprint(ctx)):
        return None  # stale: written by another version, or the installed plugins changed
    listing = doc.get("listing") if isinstance(doc, dict) else None
    if not (isinstance(listing, dict) and doc.get("sha256") == _digest(listing) and _valid_listing(listing)):
        click.echo(f"warning: plugin listing cache {path} was damaged or of another version; rebuilt", err=True)
        return None
    return listing


def _write_listing(ctx: click.Context, listing: dict) -> None:
    import os
    import tempfile

    path = _cache_file()
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".plugins-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"format": CACHE_FORMAT, "key": _fingerprint(ctx), "sha256": _digest(listing),
                       "listing": listing}, fh)
        os.replace(tmp, path)
        tmp = None
    except (OSError, TypeError, ValueError):  # a read-only home, a full disk: only costs speed
        pass
    finally:
        if tmp is not None:  # never leave the temporary file behind
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _listing(ctx: click.Context) -> dict:
    """Plugins (name, distribution, version, module, hooks, architectures) and plugin commands
    (name, help texts), from the cache when it is current, else from loading the plugins."""
    obj = ctx.ensure_object(dict)
    if "listing" in obj:
        return obj["listing"]
    doc = None if "registry" in obj else _read_listing(ctx)
    if doc is None:
        reg = registry_of(ctx)
        root = ctx.find_root()
        commands = root.command._plugin_commands(root) if isinstance(root.command, _Group) else {}
        doc = {
            "plugins": [{"name": p.name, "distribution": p.distribution, "version": p.version, "module": p.module,
                         "hooks": p.hooks, "host": p.host,
                         "architectures": sorted(a for a, o in reg.architecture_owner.items() if o == p.name)}
                        for p in reg.plugins],
            "load_errors": [{"name": p.name, "error": p.error} for p in reg.load_errors],
            "commands": [{"name": n, "help": c.help, "short_help": c.short_help, "hidden": bool(c.hidden),
                          "deprecated": c.deprecated if isinstance(c.deprecated, str) else bool(c.deprecated)}
                         for n, c in sorted(commands.items())],
        }
        if _cache_allowed(ctx) and not reg.load_errors:
            _write_listing(ctx, doc)
    obj["listing"] = doc
    return doc


class _OneLineUsageError(click.UsageError):
    """A usage error (a bad option value, a missing argument, an unknown command) shown as one ``error:`` line
    naming the option, with where the help is, instead of click's usage block."""

    def __init__(self, error: click.UsageError) -> None:
        super().__init__(error.message, error.ctx)
        self.exit_code = error.exit_code
        self.line = usage_line(error)

    def show(self, file: TextIO | None = None) -> None:
        click.echo(f"error: {self.line}", file=file, err=file is None)


def usage_line(error: click.UsageError) -> str:
    """The one line for a click usage error: ``--draws: 'abc' is not a valid integer (see sandbox timeline
    --help)``; the option (or argument) first when the error names one."""
    message = error.format_message().rstrip(".")
    if isinstance(error, click.BadParameter) and not isinstance(error, click.MissingParameter) and error.param:
        names = error.param.opts if isinstance(error.param, click.Option) else [error.param.human_readable_name]
        message = f"{'/'.join(names)}: {error.message}".rstrip(".")
    where = f" (see {error.ctx.command_path} --help)" if error.ctx is not None else ""
    return message + where


class _Group(click.Group):
    """Adds plugin commands (``sandbox_register_commands``) when the group is listed or used.

    Plugins add their commands to a fresh group per invocation, kept in the click context, so
    that one invocation's ``--plugin`` never leaks into another's. Listing (``--help``) uses
    the cached names and help texts (see :func:`_listing`); running a plugin command loads
    the plugins. Usage errors, its own and its commands', are one ``error:`` line
    (:class:`_OneLineUsageError`).
    """

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: object) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:
            raise _OneLineUsageError(exc) from None

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except _OneLineUsageError:
            raise
        except click.UsageError as exc:
            raise _OneLineUsageError(exc) from None

    def _plugin_commands(self, ctx: click.Context) -> dict[str, click.Command]:
        obj = ctx.ensure_object(dict)
        if "plugin_commands" not in obj:
            hooks = registry_of(ctx).hooks
            found: dict[str, click.Command] = {}
            for plugin in hooks.implementers("sandbox_register_commands"):
                group = click.Group("sandbox")  # one per plugin: a plugin that fails adds nothing
                failure = next((c.failure for c in hooks.register_commands(group, plugins={plugin}) if c.failure), None)
                if failure is not None:
                    click.echo(f"warning: {failure}; its commands are not available", err=True)
                    continue
                for name, command in group.commands.items():
                    if name not in self.commands and name not in found:
                        found[name] = command
            obj["plugin_commands"] = found
        return obj["plugin_commands"]

    def _plugin_command_names(self, ctx: click.Context) -> list[str]:
        return [c["name"] for c in _listing(ctx)["commands"] if c["name"] not in self.commands]

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self._plugin_command_names(ctx)))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        found = super().get_command(ctx, name)
        if found is not None:
            return found
        obj = ctx.ensure_object(dict)
        if "plugin_commands" not in obj and name not in self._plugin_command_names(ctx):
            return None  # the (current) listing says no plugin has it: nothing to import
        return self._plugin_commands(ctx).get(name)

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple[str | None, click.Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        ctx.meta[_ASKS_HELP] = any(a in ctx.help_option_names for a in rest)  # (read by the group's callback)
        return name, command, rest

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        obj = ctx.ensure_object(dict)
        if "plugin_commands" in obj:  # plugins already loaded: the real commands
            return super().format_commands(ctx, formatter)
        stubs = {c["name"]: click.Command(c["name"], help=c["help"], short_help=c["short_help"], hidden=c["hidden"],
                                          deprecated=c["deprecated"])
                 for c in _listing(ctx)["commands"] if c["name"] not in self.commands}
        rows = []
        commands = [(n, self.commands.get(n) or stubs[n]) for n in self.list_commands(ctx)]
        commands = [(n, c) for n, c in commands if not c.hidden]
        if commands:
            limit = formatter.width - 6 - max(len(n) for n, _ in commands)
            rows = [(n, c.get_short_help_str(limit)) for n, c in commands]
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=_Group)
@click.version_option(package_name="space-sandbox")
@click.option("--plugin", "plugin_modules", multiple=True, metavar="MODULE[:OBJECT]",
              help="Also load this importable module, or an object in it, as a plugin (repeatable).")
@click.pass_context
def cli(ctx: click.Context, plugin_modules: tuple[str, ...]) -> None:
    """The lunar and deep-space infrastructure sandbox: AI compute in space on one ledger.

    Set SANDBOX_PLUGINS to a comma-separated list of plugin names to load only those
    (an empty value loads none).
    """
    ctx.ensure_object(dict)
    if ctx.invoked_subcommand not in _NO_ORBITS and not ctx.meta.get(_ASKS_HELP):
        _check_orbit_library()


#: Commands that never compute an orbit: they run whatever SANDBOX_ORBIT_LIBRARY says (as does `<command> --help`).
_NO_ORBITS = frozenset({"plugins", "schema", "catalogue"})
#: sandbox.trajectory.library.ENV_LIBRARY, named here so that start-up imports nothing when it is unset.
ORBIT_LIBRARY_ENV = "SANDBOX_ORBIT_LIBRARY"


def _check_orbit_library() -> None:
    """Exit 2 with one line when SANDBOX_ORBIT_LIBRARY names no usable library, before anything runs.

    Otherwise every architecture that computes an orbit would fail on its own with the same
    message (exit 1, one line per architecture) after the scenario was declared valid. Nothing is
    imported when the variable is unset (``import sandbox.trajectory`` loads numpy).
    """
    import os

    if not os.environ.get(ORBIT_LIBRARY_ENV, "").strip():
        return
    from sandbox.trajectory.library import OrbitLibraryError, requested_library

    try:
        requested_library()
    except OrbitLibraryError as exc:
        fail(str(exc), 2)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--hook", default=None, help="Show only the plugins that implement this hook.")
@click.option("--all", "show_all", is_flag=True, help="Also list the sandbox's own host plugins (e.g. the study commands).")
@click.pass_context
def plugins(ctx: click.Context, fmt: str, hook: str | None, show_all: bool) -> None:
    """List installed plugins with their versions and the hooks each implements."""
    listing = _listing(ctx)
    rows = [r for r in listing["plugins"] if show_all or not r.get("host")]
    if hook:
        from sandbox.core.hooks import HOOKS

        if hook not in HOOKS:
            import difflib

            close = difflib.get_close_matches(hook, HOOKS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; hooks: {', '.join(HOOKS)}"
            fail(f"--hook: no hook named {hook!r}{hint}", 2)
        rows = [r for r in rows if hook in r["hooks"]]
    if fmt == "json":
        click.echo(json.dumps({"plugins": rows, "load_errors": listing["load_errors"]}, indent=2))
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
    s = scenario_or_exit(ctx, scenario, check_sweep=False)
    extra = ""
    if "sweep" in s.raw:
        plan = plan_or_exit(ctx, s, need_points=False)
        extra = (f"; sweep: {plan.method}, {plan.points:,} points over {len(plan.dimensions)} inputs" if plan else
                 "; sweep: points to be given with `sandbox sweep --points N`")
    if s.claim is not None:  # a figure names a metric the run makes: its name and unit are known only then
        k = len(s.claim.figures)
        extra += (f"; claim: {k} figure{'' if k == 1 else 's'}, whose metric names and units are checked against the "
                  "run's metrics when it runs (`sandbox claims`), not here")
    n = len(s.architectures)
    click.echo(f"{scenario}: valid ({n} architecture{'' if n == 1 else 's'}: {', '.join(r.instance for r in s.architectures)}){extra}")


@cli.command()
@click.pass_context
def schema(ctx: click.Context) -> None:
    """Print the JSON Schema of scenario files (every installed plugin's parameters included)."""
    from sandbox.core.schema import scenario_schema

    click.echo(json.dumps(scenario_schema(registry_of(ctx)), indent=2))


@cli.command()
@click.argument("scenario", type=click.Path(dir_okay=True))
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--out", "out_dir", type=click.Path(), default=None, callback=out_given,
              help="Also write results (JSON, CSV, table) and a provenance record into this local folder "
                   "(not a URL).")
@click.option("--keep-going", is_flag=True, help="Exit 0 even when an architecture failed (still reported).")
@click.option("--explain", is_flag=True, help="After the table, show the inputs and sources behind every metric.")
@click.option("--design-timeout", type=Seconds(), default=300.0, show_default=True,
              help="Seconds a plugin's design function or hook may take before its architecture is reported as hung, "
                   "the others evaluated (0: no limit).")
@timeout_option(600.0)
@click.pass_context
def run(ctx: click.Context, scenario: str, fmt: str, out_dir: str | None, keep_going: bool, explain: bool,
        design_timeout: float, timeout_s: float) -> None:
    """Run SCENARIO and print the comparison with the ground baseline.

    --out writes into a new or empty folder, or one an earlier `sandbox run` wrote (it has its
    provenance.json); any other folder, and a URL, is refused. A run in which no architecture could
    be evaluated writes nothing (the folder keeps what it had) and exits 1, even with --keep-going.
    """
    from sandbox.ledger.engine import evaluate
    from sandbox.output import report

    out = local_out_or_exit(out_dir, "run") if out_dir is not None else None
    with deadline(timeout_s, "run"):
        s = scenario_or_exit(ctx, scenario)
        if out is not None:
            claim_output_folder(out, "run")
        result = evaluate(s, registry_of(ctx), timeout_s=design_timeout or None)
        claimed: list = []
        if s.claim is not None:
            from sandbox.studies import claims

            try:
                claimed = claims.compare(result)
            except claims.ClaimError as exc:
                fail(str(exc), 2)
            result.provenance["claim"] = {"title": s.claim.title, "source": s.claim.source,
                                          "figures": claims.records(claimed)}
        text = {"table": report.table, "json": report.to_json, "csv": report.to_csv}[fmt](result)
        if claimed and fmt == "table":
            text += "\n\n" + claims.table(claimed, s.claim)
        if explain and fmt == "table":
            text += "\n\n" + report.explain(result)
        written: list[Path] = []
        nothing = out is not None and not result.ledgers  # every architecture failed: keep the folder as it was
        if out is not None and not nothing:
            try:
                written = report.write_outputs(result, out)
            except OSError as exc:
                fail(cannot_write(out_dir, exc), 2)
    click.echo(text, nl=not text.endswith("\n"))  # CSV ends in its own newline: no empty last line
    if out is not None and not nothing:
        report_written(out_dir, written, machine_output=fmt != "table")
    for message in result.warnings:
        click.echo(f"warning: {message}", err=True)
    for message in result.failures.values():
        click.echo(f"error: {message}", err=True)
    if nothing:
        fail(f"--out {shown(out_dir)}: no architecture could be evaluated; nothing was written (the folder is as "
             "it was)", 1)
    if result.failures and not keep_going:
        sys.exit(1)


@cli.command()
@click.argument("scenarios", nargs=-1, required=True, type=click.Path(dir_okay=True))
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@timeout_option(600.0)
@click.pass_context
def compare(ctx: click.Context, scenarios: tuple[str, ...], fmt: str, timeout_s: float) -> None:
    """Run several SCENARIOS and show them side by side, each relative to its ground baseline.

    Columns (and the `scenario` field of JSON and CSV records) are labelled by the file's stem:
    `default:leo`. Files with the same stem are told apart by their trailing folders, as few as
    needed (`scenarios/default:leo`, `other/default:leo`); the same file given twice is numbered
    (`default`, `default (2)`).
    """
    from sandbox.ledger.engine import evaluate
    from sandbox.output import report

    with deadline(timeout_s, "compare"):
        loaded = [scenario_or_exit(ctx, path) for path in scenarios]  # all validated before anything runs
        results = [evaluate(s, registry_of(ctx)) for s in loaded]
    if fmt == "table":
        click.echo(report.compare_table(results))
    elif fmt == "json":
        click.echo(json.dumps({"records": report.compare_records(results),
                               "provenance": [r.provenance for r in results]}, indent=2, default=str))
    else:
        import csv
        import io

        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=["scenario", "architecture", "type", "metric", "value", "unit",
                                                 "approximation"], extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(report.compare_records(results))
        click.echo(buf.getvalue(), nl=False)
    for r in results:
        for message in r.warnings:  # (a warning about the file names it and its line; the others are the plugins')
            click.echo(f"warning: {message}", err=True)
        for message in r.failures.values():  # named with its file: two files may hold instances of one name
            click.echo(f"error: {r.scenario.path}: {message}", err=True)
    if any(r.failures for r in results):
        sys.exit(1)


from sandbox.cli.catalogue import catalogue  # noqa: E402 - a core command defined in its own module

cli.add_command(catalogue)


#: Set to 1 to end every command through Python's full teardown (see :func:`_leave`).
FULL_EXIT_ENV = "SANDBOX_FULL_EXIT"


def _one_line_warnings() -> None:
    """Show warnings of the sandbox's own categories (e.g. the trajectory memo's ``CacheWarning``: "cache folder
    … unusable; continuing without a disk cache") as one ``warning:`` line, without the source line Python adds.

    Only how they are shown changes: which warnings are shown (filters, ``-W``) is untouched, and every
    other library's warning keeps Python's format. Installed once per process.
    """
    import warnings

    default = warnings.showwarning
    if getattr(default, "_sandbox_one_line", False):
        return

    def show(message: Warning | str, category: type[Warning], filename: str, lineno: int, file: TextIO | None = None,
             line: str | None = None) -> None:
        if category.__module__.split(".")[0] != "sandbox":
            default(message, category, filename, lineno, file, line)
            return
        out = file if file is not None else sys.stderr
        if out is None:  # no stderr (pythonw): nowhere to show it, as Python's own showwarning
            return
        try:
            out.write(f"warning: {message}\n")
        except OSError:  # a closed stderr: dropped, as Python's own showwarning does
            pass

    show._sandbox_one_line = True  # type: ignore[attr-defined]
    warnings.showwarning = show


def _stdout_for_the_sandbox_only() -> None:
    """Keep standard output for what the sandbox writes, so that ``--format json`` and ``csv`` stay parseable.

    Python code that prints goes through ``sys.stdout`` (a plugin's prints are caught there and become notes or
    ``warning:`` lines), but a C library, ``os.write(1, ...)``, ``sys.__stdout__`` or a child process writes to file
    descriptor 1 directly. So ``sys.stdout`` is moved to a copy of that descriptor, and descriptor 1 then points at
    standard error: those writes still show, on stderr. Nothing changes when standard output is not descriptor 1
    (``CliRunner``, an embedding program) or when either descriptor cannot be copied."""
    import os

    out = sys.stdout
    try:
        if out is None or sys.stderr is None or out.fileno() != 1:
            return
        out.flush()
        copy = os.dup(1)
    except (AttributeError, OSError, ValueError):
        return
    try:
        sys.stdout = open(copy, "w", encoding=out.encoding, errors=out.errors,  # noqa: SIM115 - stdout, open till exit
                          buffering=1 if out.line_buffering else -1)
    except (OSError, ValueError, LookupError):
        os.close(copy)
        return
    try:
        os.dup2(2, 1)
    except OSError:  # descriptor 1 unchanged: write to it as before
        sys.stdout = out


_WRITE_FAILED: list[OSError] = []

#: The line Ctrl-C ends a command with (exit status 130), wherever it comes: outputs are staged, so none is half-made.
INTERRUPTED = "error: interrupted (Ctrl-C); nothing was written"


def _invoke() -> int:
    """Run the command line; its exit status. Click's own ending of Ctrl-C ("Aborted!", status 1) becomes one
    ``error:`` line and status 130, as a sweep ends; a write that fails on a full disk or a closed stream is one line
    and status 1, not a traceback."""
    import errno

    try:
        code = cli.main(obj={}, standalone_mode=False)
    except click.exceptions.Abort as exc:
        interrupted = isinstance(exc.__cause__, KeyboardInterrupt) or isinstance(exc.__context__, KeyboardInterrupt)
        click.echo(INTERRUPTED if interrupted else "Aborted!", err=True)
        return 130 if interrupted else 1
    except KeyboardInterrupt:
        click.echo(INTERRUPTED, err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except OSError as exc:
        if exc.errno == errno.EPIPE:  # the reader went away (`| head`): as click does, quietly
            return 1
        where = f" {exc.filename}" if exc.filename else " the output"
        click.echo(f"error: cannot write{where}: {exc.strerror or exc}", err=True)
        _WRITE_FAILED.append(exc)  # what is still buffered will fail again at the exit: said once
        return 1
    return code if isinstance(code, int) else 0


def main() -> None:
    """Console-script entry point."""
    _one_line_warnings()
    _stdout_for_the_sandbox_only()
    try:
        code = _invoke()
    except SystemExit as exc:
        _leave(exc.code)
        raise
    _leave(code)
    sys.exit(code)


def _leave(code: object) -> None:
    """End the process now with exit status ``code``, skipping the interpreter's teardown, when that is safe.

    Tearing the interpreter down frees every object of every module one at a time; once astropy's
    unit registry is loaded that alone takes ≈ 0.13 s (≈ 0.2 s after a run), a fifth of a warm
    ``sandbox run``, and it changes nothing: a command writes and closes its files before it
    returns. So the exit handlers run as usual (``atexit``: logging's flush, the clean-up of
    temporary folders, any a plugin registered), stdout and stderr are flushed, and the process
    ends with ``os._exit``. Returns instead, leaving the normal exit to Python, when a thread that is
    not a daemon is still running, in Python's development mode, with ``SANDBOX_FULL_EXIT=1``, for
    an exit code that is not a number, or when the output cannot be flushed (a closed pipe: Python
    reports it as it always does).
    """
    import atexit
    import errno
    import os
    import threading

    if code is None:
        code = 0
    if (not isinstance(code, int) or sys.flags.dev_mode or os.environ.get(FULL_EXIT_ENV, "") == "1"
            or not hasattr(atexit, "_run_exitfuncs")
            or any(t is not threading.main_thread() and not t.daemon for t in threading.enumerate())):
        return
    atexit._run_exitfuncs()  # they run once: a normal exit after this finds none left
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:  # None: started with that descriptor closed
                stream.flush()
    except (OSError, ValueError) as exc:
        if isinstance(exc, OSError) and exc.errno not in (None, errno.EPIPE) and sys.stderr is not None:
            try:  # the output could not be written out (a full disk): say so, not Python's "Exception ignored" lines
                if not _WRITE_FAILED:
                    sys.stderr.write(f"error: cannot write to standard output: {exc.strerror or exc}\n")
                    sys.stderr.flush()
                os._exit(1)
            except (OSError, ValueError):
                pass
        return
    os._exit(code)


if __name__ == "__main__":
    main()
