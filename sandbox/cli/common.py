"""Helpers every command shares: the plugin registry of an invocation, one-line errors, checked inputs,
output folders that are safe to write, and command timeouts.

Exit status: 0 success, 1 an architecture or plugin failed (or the command timed out), 2 bad
input (scenario, options, output folder), 130 interrupted (Ctrl-C). Errors are one line each on
stderr, never a traceback.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import click

from sandbox.core.hooks import StopCommand

#: Hidden file that marks a folder written by ``bridge``, ``sensitivity`` or ``timeline`` (``run`` has
#: provenance.json); it lists the files the command wrote there (see :func:`write_outputs`).
OUTPUT_MARKER = ".sandbox-output.json"
#: Seconds a timed-out command is given to stop cleanly before the process is ended.
TIMEOUT_GRACE_S = 10.0


def registry_of(ctx: click.Context):  # noqa: ANN201 - a sandbox.core.registry.Registry, imported lazily
    """The plugin registry of this invocation (entry points plus ``--plugin`` modules), loaded once."""
    from sandbox.core.registry import HookNameError, PluginError, load

    obj = ctx.ensure_object(dict)
    if "registry" not in obj:
        extra = []
        requested = ctx.find_root().params.get("plugin_modules") or ()
        for module_name in requested:
            try:
                with contextlib.redirect_stdout(sys.stderr):  # a print at import must not break --format json
                    extra.append((module_name, plugin_object(module_name)))
            except (Exception, SystemExit) as exc:  # sys.exit at import is the module's fault too
                fail(f"--plugin {module_name}: cannot import: {type(exc).__name__}: {exc}", 2)
        try:
            obj["registry"] = load(extra)
        except HookNameError as exc:  # a misspelt hook or argument: bad input, like a misspelt key
            fail(str(exc), 2)
        except PluginError as exc:
            fail(str(exc), 1)
        for info in obj["registry"].load_errors:  # the author asked for it: its failure is bad input
            if info.name in requested or info.module.split(":")[0] in requested:  # (or its entry point, same module)
                fail(info.error if info.misspelt else
                     f"--plugin {info.name}: failed to load: {' '.join(info.error.split())}", 2)
        for info in obj["registry"].plugins:  # a module without hooks (`--plugin os`) would load and do nothing
            if info.name in requested and not info.hooks:
                fail(f"--plugin {info.name}: implements no sandbox hook: a plugin module has functions marked "
                     "@sandbox.hookimpl, such as sandbox_register_architectures (docs/plugins.md)", 2)
        for info in obj["registry"].load_errors:
            click.echo(f"warning: plugin {info.name!r} failed to load: {info.error}", err=True)
    return obj["registry"]


def plugin_object(spec: str) -> object:
    """The plugin ``--plugin`` names: an importable module, or ``module:object`` (an attribute path in the module,
    such as a class instance with ``@hookimpl`` methods), as an entry point's value writes it."""
    module_name, _, attr = spec.partition(":")
    found: object = importlib.import_module(module_name)
    for part in attr.split(".") if attr else ():
        found = getattr(found, part)
    return found


def fail(message: str, status: int) -> None:
    """Print ``message`` as ``error:`` lines on stderr and exit with ``status`` (no traceback)."""
    for line in message.splitlines():
        click.echo(f"error: {line}", err=True)
    sys.exit(status)


def out_given(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """``--out`` as given, refusing an empty path (which would name the working folder without saying so)."""
    if value is not None and not str(value).strip():
        fail("--out: an empty path; give a folder (or `.` for this one)", 2)
    return value


def cannot_write(out: str | Path, exc: OSError) -> str:
    """The one line for an output that could not be written: the folder, the file when known, and why."""
    name = Path(exc.filename).name if isinstance(exc.filename, str) and exc.filename else ""
    return f"--out {shown(out)}: cannot write{' ' + shown(name) if name else ''}: {exc.strerror or exc}"


def shown(path: str | Path) -> str:
    """A path as printable text (bytes that are not UTF-8 become U+FFFD)."""
    return os.fsencode(path).decode("utf-8", "replace")


def scenario_or_exit(ctx: click.Context, path: str, check_sweep: bool = True):  # noqa: ANN201 - a Scenario
    """The validated scenario at ``path``, or exit 2 with its problems, one line each.

    ``check_sweep``: also check its ``[sweep]`` table, if any, as ``sandbox validate`` does (see
    :func:`plan_or_exit`; a points count left to ``sweep --points`` is not required), so that no command
    runs a scenario file whose study plan is broken. ``sweep`` passes False: it checks the table with its
    own options.
    """
    from sandbox.core.scenario import ScenarioError, load_scenario

    try:
        scenario = load_scenario(path, registry_of(ctx))
    except ScenarioError as exc:
        fail(str(exc), 2)
    if check_sweep and "sweep" in scenario.raw:
        plan_or_exit(ctx, scenario, need_points=False)
    return scenario


def plan_or_exit(ctx: click.Context, scenario: Any, overrides: dict[str, Any] | None = None,
                 need_points: bool = True):  # noqa: ANN201 - a sandbox.studies.plans.Plan, or None
    """The study plan of ``scenario``'s ``[sweep]`` table (with the command line's ``overrides``), or exit 2
    with its problems, one line each. ``need_points=False``: a missing ``points`` (which ``sweep --points``
    may give) is no problem; the plan is then None."""
    from sandbox.core.scenario import ScenarioError
    from sandbox.studies.plans import parse_plan

    try:
        return parse_plan(scenario, registry_of(ctx), overrides)
    except ScenarioError as exc:
        missing = f"{scenario.path}: sweep.points: missing"
        problems = [p for p in exc.problems if need_points or not p.startswith(missing)]
        if problems:
            fail("\n".join(problems), 2)
    return None


def check_writable(path: Path) -> None:
    """Exit 2 unless ``path`` is (or can be created as) a writable folder."""
    if path.is_symlink() and not path.exists():
        fail(f"--out {shown(path)}: is a symbolic link to {shown(os.readlink(path))}, which does not exist", 2)
    if path.exists() and not path.is_dir():
        fail(f"--out {shown(path)}: exists and is not a folder", 2)
    probe = path
    while not probe.exists() and not probe.is_symlink():
        probe = probe.parent
    if probe.is_symlink() and not probe.exists():
        fail(f"--out {shown(path)}: {shown(probe)} is a symbolic link to a missing folder", 2)
    if not probe.is_dir():
        fail(f"--out {shown(path)}: {shown(probe)} is not a folder", 2)
    if not os.access(probe, os.W_OK):
        fail(f"--out {shown(path)}: folder {shown(probe)} is not writable", 2)


#: The commands whose ``--out`` also takes an fsspec URL (``s3://…``, ``memory://…``; see sandbox.studies.remote).
URL_OUT_COMMANDS = ("sweep", "sensitivity", "timeline")


def local_out_or_exit(out: str, command: str) -> Path:
    """The local folder ``--out`` names (a plain path or a ``file://`` URL), or exit 2 when it is another
    URL: only the commands of :data:`URL_OUT_COMMANDS` write to a URL, and a URL taken as a path would
    write into a local folder named ``s3:`` while saying it wrote the URL."""
    from sandbox.studies import remote

    if remote.is_url(out):
        fail(f"--out {shown(out)}: `sandbox {command}` writes to a local folder only (a URL is accepted by "
             f"{', '.join(URL_OUT_COMMANDS[:-1])} and {URL_OUT_COMMANDS[-1]}); give a folder", 2)
    return remote.local_path(out)


def _json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def claim_output_folder(path: Path, command: str) -> None:
    """Exit 2 unless ``command`` may write into ``path``: a new or empty folder, or one the same
    command wrote before (``run``: its ``provenance.json``; ``sensitivity``/``timeline``: the
    :data:`OUTPUT_MARKER` file). A study folder, ``/`` or any other folder with content is refused,
    so that nothing the user had is overwritten."""
    check_writable(path)
    if not path.exists():
        return
    try:
        entries = [p.name for p in path.iterdir()]
    except OSError as exc:
        fail(f"--out {shown(path)}: cannot list the folder: {exc.strerror or exc}", 2)
    if not entries:
        return
    manifest = _json(path / "manifest.json")
    if isinstance(manifest, dict) and manifest.get("kind") == "sandbox study":
        fail(f"--out {shown(path)}: is a study folder (sandbox sweep); choose another --out", 2)
    if command == "run":
        prov = _json(path / "provenance.json")
        if isinstance(prov, dict) and {"scenario", "sandbox_version"} <= set(prov):
            return
    else:
        marker = _json(path / OUTPUT_MARKER)
        if isinstance(marker, dict) and marker.get("command") == command:
            return
    what = "the root folder" if path.resolve() == Path(path.resolve().anchor) else "not empty"
    fail(f"--out {shown(path)}: is {what} and was not written by `sandbox {command}`; choose an empty or new "
         "folder", 2)


def output_marker(command: str, names: Iterable[str] = ()) -> dict[str, str]:
    """The marker file a command writes with its outputs (see :func:`claim_output_folder`): the command, the
    version and the ``names`` of the files it writes (the marker itself left out), so that a later run of the
    command into the same folder can remove the files it does not write again (:func:`write_outputs`)."""
    from sandbox import __version__

    files = sorted({str(n) for n in names} - {OUTPUT_MARKER})
    return {OUTPUT_MARKER: json.dumps({"command": command, "sandbox_version": __version__, "files": files}) + "\n"}


def earlier_outputs(marker: Any, command: str, keep: Iterable[str] = ()) -> list[str]:
    """The file names an earlier run of ``command`` wrote, as its marker (parsed JSON) lists them, less those
    in ``keep`` (what this run writes again): none when the marker is another command's or lists no files (a
    version before the list). Only plain file names are returned, the marker itself left out."""
    from sandbox.output.atomic import check_name

    if not isinstance(marker, dict) or marker.get("command") != command or not isinstance(marker.get("files"), list):
        return []
    names = []
    keep = set(keep)
    for name in marker["files"]:
        if isinstance(name, str) and not name.startswith(".") and name not in keep:  # the marker, staged files: hidden
            with contextlib.suppress(ValueError):
                names.append(check_name(name))
    return names


def write_outputs(out: Path, files: dict[str, str | bytes], command: str) -> tuple[list[Path], list[str]]:
    """Write ``files`` and ``command``'s marker (listing them) into the local folder ``out``, all or nothing,
    and remove the files of ``command``'s earlier output there that ``files`` does not contain (the marker
    lists them; a file the user added is never listed, so never removed). Returns the paths written and the
    names removed.

    The files to remove are renamed aside (hidden, beside them) before the new files are renamed into
    place: when that fails, they get their names back and the folder is as it was; once every new file is
    in place, they are deleted.
    """
    import secrets

    from sandbox.output.atomic import Staging, check_name

    stale = earlier_outputs(_json(out / OUTPUT_MARKER), command, keep=files)
    files = {**files, **output_marker(command, files)}
    for name in files:
        check_name(name)
    aside: dict[Path, Path] = {}
    with Staging(out) as staging:
        for name, data in files.items():
            staging.add(name, data)
        try:
            for name in stale:
                path = out / name
                if path.is_file() and not path.is_symlink():  # a folder or a link in its place is the user's
                    keep = out / f".{name}.{secrets.token_hex(6)}.old.tmp"
                    os.rename(path, keep)
                    aside[path] = keep
            written = staging.commit()
        except BaseException:
            for path, keep in aside.items():
                with contextlib.suppress(OSError):
                    os.rename(keep, path)
            raise
    for keep in aside.values():
        with contextlib.suppress(OSError):
            keep.unlink()
    return written, [p.name for p in aside]


class CommandTimeout(StopCommand):
    """Raised in the main thread when a command's ``--timeout`` expires (a BaseException: a plugin's
    ``except Exception`` cannot swallow it, and plugin calls let it through)."""


@contextlib.contextmanager
def deadline(seconds: float | None, what: str) -> Iterator[None]:
    """Stop the body after ``seconds`` (None or 0: no limit) with one ``error:`` line and exit status 1.

    A watchdog thread sends this process SIGUSR2, whose handler raises :class:`CommandTimeout` in
    the main thread (a real signal, so a blocking sleep or read is interrupted too). Outputs are
    staged and renamed only at the end, so a timed-out command leaves no partial file. If the
    body does not stop within :data:`TIMEOUT_GRACE_S` (stuck inside C code), the process ends.
    """
    if not seconds or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGUSR2"):
        yield
        return
    fired, done, lock = threading.Event(), threading.Event(), threading.Lock()
    message = f"{what} did not finish within {seconds:g} s (--timeout); nothing was written"

    def on_signal(_signum: int, _frame: Any) -> None:
        if fired.is_set() and not done.is_set():
            raise CommandTimeout(message)

    def watchdog() -> None:
        if done.wait(seconds):
            return
        with lock:
            if done.is_set():
                return
            fired.set()
            os.kill(os.getpid(), signal.SIGUSR2)
        if not done.wait(TIMEOUT_GRACE_S):
            sys.stderr.write(f"error: {message}\n")
            sys.stderr.flush()
            os._exit(1)

    old = signal.signal(signal.SIGUSR2, on_signal)
    threading.Thread(target=watchdog, name="sandbox-timeout", daemon=True).start()
    try:
        try:
            yield
        finally:
            with lock:
                done.set()
    except CommandTimeout:  # raised in the body, or (a race at the very end) while stopping the watchdog
        done.set()
        fail(message, 1)
    finally:
        done.set()
        signal.signal(signal.SIGUSR2, old)


#: The longest time limit an option takes (a year, s): beyond it a timer cannot be set on every platform.
MAX_SECONDS = 365.25 * 86400


class Seconds(click.FloatRange):
    """A time limit in seconds: a finite number in [0, :data:`MAX_SECONDS`] (``nan`` and ``inf`` are refused)."""

    name = "seconds"

    def __init__(self, min: float = 0.0) -> None:  # noqa: A002 - click's own name for the bound
        super().__init__(min=min, max=MAX_SECONDS)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        seconds = super().convert(value, param, ctx)
        if seconds != seconds:  # NaN passes both bounds of a FloatRange
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        return seconds


def timeout_option(default: float) -> Callable[[Any], Any]:
    """The ``--timeout SECONDS`` option of a command (0: no limit)."""
    return click.option("--timeout", "timeout_s", type=Seconds(), default=default, show_default=True,
                        help="Seconds the whole command may take, plugins included, before it stops with an error "
                             "(0: no limit).")


def timed(what: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a command callback taking ``timeout_s`` (from :func:`timeout_option`): its body runs
    under :func:`deadline`."""
    import functools

    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def inner(*args: Any, timeout_s: float = 0.0, **kwargs: Any) -> Any:
            with deadline(timeout_s, what):
                return fn(*args, **kwargs)

        return inner

    return wrap


def files_text(names: Iterable[str | Path]) -> str:
    """File names for a "wrote ..." line: ``a.png`` and ``a.svg`` become ``a.png/.svg``, order kept."""
    stems: dict[str, list[str]] = {}
    for name in names:
        path = Path(name)
        stems.setdefault(str(path.with_suffix("")) if path.suffix else str(path), []).append(path.suffix)
    return ", ".join(stem + "/".join(suffixes) if suffixes != [""] else stem for stem, suffixes in stems.items())


def report_written(out_dir: str | Path, names: Iterable[str | Path], machine_output: bool) -> None:
    """Say what ``--out`` wrote: ``wrote DIR/: a.csv, b.png/.svg``. On stderr when standard output
    carries JSON or CSV (``machine_output``), so that it stays parseable; on stdout otherwise. The
    hidden :data:`OUTPUT_MARKER` bookkeeping file is not listed."""
    listed = [n.name if isinstance(n, Path) else n for n in names]
    listed = [n for n in listed if n != OUTPUT_MARKER]
    click.echo(f"wrote {shown(out_dir)}/: {files_text(listed)}", err=machine_output)


def report_removed(out_dir: str | Path, names: Iterable[str], machine_output: bool) -> None:
    """Say which files of the earlier output in ``--out`` were removed (the new output does not have them):
    ``removed from DIR/ (earlier output, not written this time): a.png/.svg``; nothing when there are none.
    On the stream of :func:`report_written`."""
    names = list(names)
    if names:
        click.echo(f"removed from {shown(out_dir)}/ (earlier output, not written this time): {files_text(names)}",
                   err=machine_output)
