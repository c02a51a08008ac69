"""The ``serve`` command, registered through ``sandbox_register_commands`` as a host plugin.

Importing this module costs only click: the web stack (Starlette, uvicorn) and the engine are
imported when the command runs, so ``sandbox --help`` stays fast.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import click

from sandbox import hookimpl
from sandbox.cli.common import Seconds, fail, registry_of, scenario_or_exit

DEFAULT_SCENARIO = Path("scenarios") / "default.toml"


@click.command("serve")
@click.argument("scenarios", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--sweep", "sweeps", multiple=True, type=click.Path(file_okay=False),
              help="A finished sweep folder (written by `sandbox sweep --out`) to explore (repeatable).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Any address other than loopback requires the token.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: any free port; the URL printed says which).")
@click.option("--token", default=None, help="Access token: letters, digits and - _ . ~ (generated and printed when "
              "--host is not loopback).")
@click.option("--timeout", "timeout_s", default=30.0, show_default=True, type=Seconds(min=0.1),
              help="Time limit of one request, in seconds.")
@click.pass_context
def serve(ctx: click.Context, scenarios: tuple[str, ...], sweeps: tuple[str, ...], host: str, port: int,
          token: str | None, timeout_s: float) -> None:
    """Explore SCENARIOs (default scenarios/default.toml) and sweep folders in the browser.

    Every input of the scenario (architecture parameters, model defaults, catalogue fields) gets a
    field with its unit, range and source; the comparison table and charts follow every change;
    "Download scenario.toml" writes a file that `sandbox run` reproduces exactly. Only the files
    named here are read. See docs/serve.md.
    """
    if not host.strip():
        fail(f"--host: expected an address to listen on (e.g. 127.0.0.1, or 0.0.0.0 for every interface), got {host!r}", 2)
    try:
        import uvicorn

        from sandbox.serve.app import Settings, allowed_hosts, build_app, is_loopback, new_token, token_problem
    except ImportError as exc:
        fail(f"sandbox serve needs Starlette and uvicorn ({exc}); reinstall the sandbox: pip install -e .", 2)
    from sandbox.core.scenario import ScenarioError
    from sandbox.serve.compute import Explorer, Invalid
    from sandbox.serve.state import read_source
    from sandbox.serve.sweepview import SweepFolder, SweepViewError

    if token is not None and (problem := token_problem(token)):
        fail(problem, 2)
    paths = [Path(p) for p in scenarios]
    if not paths and not sweeps:
        if not DEFAULT_SCENARIO.is_file():
            fail(f"no SCENARIO given and no {DEFAULT_SCENARIO} here: name a scenario file or a --sweep folder", 2)
        paths = [DEFAULT_SCENARIO]
    loopback = is_loopback(host)
    if not loopback and not token:
        token = new_token()
    sources = []
    for i, path in enumerate(paths):
        try:
            sources.append(read_source(i, path))
        except FileNotFoundError:
            fail(f"{path}: file not found", 2)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            fail(f"{path}: cannot read as a scenario: {exc}", 2)
    folders = []
    for i, d in enumerate(sweeps):
        try:
            folders.append(SweepFolder(i, Path(d)))
        except SweepViewError as exc:
            fail(str(exc), 2)
        except Exception as exc:
            fail(f"{d}: cannot read the sweep: {type(exc).__name__}: {exc}", 2)
    for path in paths:  # the whole file as `sandbox run` checks it, [sweep] included: no command serves a broken plan
        scenario_or_exit(ctx, str(path))
    registry = registry_of(ctx)
    explorer = Explorer(sources, registry, timeout_s) if sources else None
    for src in sources:  # validated and evaluated once before serving: bad files stop here, the first page is warm
        try:
            explorer.form(src.id)
            result = explorer.evaluate(src.id, {})
        except Invalid as exc:
            fail("\n".join(exc.errors.values()), 2)
        except ScenarioError as exc:
            fail(str(exc), 2)
        for message in result["failures"].values():
            click.echo(f"warning: {message}", err=True)

    try:
        sock = _bind(host, port)
    except OSError as exc:
        fail(f"--host {host} --port {port}: cannot listen: {exc.strerror or exc}", 2)
    bound = sock.getsockname()[1]
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    url = f"http://{shown}:{bound}/" + (f"?token={token}" if token else "")
    app = build_app(Settings(explorer, folders, token, timeout_s, allowed_hosts(host)))
    if not loopback:
        click.echo(f"warning: listening on {host}, beyond this machine: anyone who can reach it and has the token "
                   "can use the explorer (it reads only the files named on the command line)", err=True)
    click.echo(f"sandbox serve: {len(sources)} scenario(s), {len(folders)} sweep folder(s); open {url}", err=False)
    click.echo("press Ctrl+C to stop")
    sys.stdout.flush()
    config = uvicorn.Config(app, log_level="warning", access_log=False, timeout_graceful_shutdown=2)
    uvicorn.Server(config).run(sockets=[sock])


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host.strip("[]"), port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


@hookimpl
def sandbox_register_commands(cli: click.Group) -> None:
    """``sandbox serve``, added like any plugin's command."""
    cli.add_command(serve, "serve")
