"""The study commands ``sweep``, ``sensitivity`` and ``timeline``.

They are registered through the public ``sandbox_register_commands`` hook, exactly as a plugin
registers commands: the registry loads this module as a host plugin that is always present
(``SANDBOX_PLUGINS`` does not filter it; ``sandbox plugins --all`` lists it).

Heavy libraries (numpy, pandas, matplotlib) are imported inside the commands, so that importing
this module costs nothing at CLI start-up. Exit status as for every command: 0 success, 1 an
architecture failed, 2 bad input; errors are one line each on stderr.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from sandbox import hookimpl
from sandbox.cli.common import (
    OUTPUT_MARKER,
    Seconds,
    cannot_write,
    check_writable,
    claim_output_folder,
    earlier_outputs,
    fail,
    out_given,
    output_marker,
    plan_or_exit,
    registry_of,
    report_removed,
    report_written,
    scenario_or_exit,
    shown,
    timed,
    timeout_option,
    write_outputs,
)

#: Inputs per architecture the sensitivity table shows.
TOP_INPUTS = 8


def _num(value: Any) -> str:
    from sandbox.output.report import fmt

    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    return "–" if v != v else fmt(v)


def _write_outputs(out: str, files: dict[str, str | bytes], fmt: str, command: str) -> None:
    """Write ``files`` and ``command``'s marker into ``out`` atomically (each staged beside its final name,
    then renamed), or to the fsspec URL ``out`` (the marker file last), remove the files of the command's
    earlier output there that ``files`` does not contain, and say what was written and removed (on stderr
    when ``fmt`` is json or csv)."""
    from sandbox.studies import remote

    removed: list[str] = []
    try:
        if remote.is_url(out):
            fs, root = remote.filesystem(out)
            stale = earlier_outputs(_remote_json(fs, f"{root}/{OUTPUT_MARKER}"), command, keep=files)
            written: list = remote.write_files(out, {**files, **output_marker(command, files)}, last=OUTPUT_MARKER)
            removed = _remove_remote(fs, root, stale)
        else:
            written, removed = write_outputs(remote.local_path(out), files, command)
    except remote.RemoteError as exc:
        fail(f"--out {exc}", 2)
    except OSError as exc:
        fail(cannot_write(out, exc), 2)
    if fmt == "table":
        click.echo()
    report_written(out, written, machine_output=fmt != "table")
    report_removed(out, removed, machine_output=fmt != "table")


def _remote_json(fs: Any, path: str) -> Any:
    """The JSON document at ``path`` of the fsspec filesystem ``fs``; None when it is missing or not JSON."""
    try:
        with fs.open(path, "rb") as fh:
            return json.loads(fh.read().decode("utf-8"))
    except (OSError, ValueError):
        return None


def _remove_remote(fs: Any, root: str, names: list[str]) -> list[str]:
    """Remove the files ``names`` under ``root`` (an earlier output's, after the new one is written); returns those
    removed. One that cannot be removed is named in a warning line (the new output is complete)."""
    removed = []
    for name in names:
        path = f"{root}/{name}"
        try:
            if not fs.isfile(path):
                continue
            fs.rm_file(path)
        except OSError as exc:
            click.echo(f"warning: --out {shown(root)}: cannot remove {shown(name)} of the earlier output: "
                       f"{exc.strerror or exc}", err=True)
            continue
        removed.append(name)
    return removed


def _claim_output(out: str, command: str) -> None:
    """Exit 2 unless ``command`` may write at ``out`` (a folder or an fsspec URL; see claim_output_folder)."""
    from sandbox.studies import remote

    if not remote.is_url(out):
        claim_output_folder(remote.local_path(out), command)
        return
    try:
        remote.claim(out, command, OUTPUT_MARKER)
    except remote.RemoteError as exc:
        fail(f"--out {exc}", 2)


def _frame_files(stem: str, df: Any) -> dict[str, bytes]:
    import io

    buf = io.BytesIO()
    df.to_parquet(buf, index=False)
    return {f"{stem}.csv": df.to_csv(index=False).encode("utf-8"), f"{stem}.parquet": buf.getvalue()}


def _figure_files(stem: str, fig: Any) -> dict[str, bytes]:
    from sandbox.output.plots import to_bytes

    try:
        return {f"{stem}.png": to_bytes(fig, "png"), f"{stem}.svg": to_bytes(fig, "svg")}
    finally:
        import matplotlib.pyplot as plt

        plt.close(fig)


def _records(df: Any) -> list[dict[str, Any]]:
    return json.loads(df.to_json(orient="records"))


def _echo_notes(notes: dict[str, list[str]], warnings: list[str] = ()) -> None:
    """The study's ``warnings`` (as a run's: an override nothing read, a replaced catalogue entry), then each
    architecture note (e.g. plugin metrics evaluated at the nominal ledger), each as one ``warning:`` line on
    stderr, a note naming the architectures it applies to."""
    for message in warnings:
        click.echo(f"warning: {message}", err=True)
    by_note: dict[str, list[str]] = {}
    for arch, messages in notes.items():
        for message in messages:
            by_note.setdefault(message, []).append(arch)
    for message, archs in by_note.items():
        click.echo(f"warning: {', '.join(archs)}: {message}", err=True)


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name) or "_"


@click.command("sensitivity")
@click.argument("scenario", type=click.Path(dir_okay=True))
@click.option("--metric", default="cost.per_pflop_day", show_default=True, help="Metric to rank the inputs by.")
@click.option("--with-params", "with_params", is_flag=True,
              help="Also vary every architecture parameter that declares a low/high range (one design per value).")
@click.option("--top", "top_n", type=click.IntRange(min=1), default=TOP_INPUTS, show_default=True,
              help="Inputs per architecture in the table.")
@click.option("--out", "out_dir", type=click.Path(), default=None, callback=out_given,
              help="Write sensitivity.csv/.parquet and a tornado chart per architecture (PNG, SVG) into this folder "
                   "or fsspec URL (s3://, gs://, memory://...).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--keep-going", is_flag=True, help="Exit 0 even when an architecture failed at its nominal point.")
@timeout_option(1800.0)
@click.pass_context
@timed("sensitivity")
def sensitivity_command(ctx: click.Context, scenario: str, metric: str, with_params: bool, top_n: int,
                        out_dir: str | None, fmt: str, keep_going: bool) -> None:
    """One-at-a-time sensitivity of a metric to every uncertain input of SCENARIO (tornado chart).

    Each input goes to its low and its high value with every other input nominal; the swing
    |metric(high) - metric(low)| ranks the inputs per architecture.
    """

    s = scenario_or_exit(ctx, scenario)
    registry = registry_of(ctx)
    if out_dir is not None:
        _claim_output(out_dir, "sensitivity")
    from sandbox.ledger.batch import unit_of_metric
    from sandbox.studies.sensitivity import SensitivityError, sensitivity, top

    try:
        df = sensitivity(s, registry, metric=metric, architecture_params=with_params)
    except SensitivityError as exc:
        fail(f"--metric: {exc}", 2)
    unit = df.attrs.get("unit") or unit_of_metric(metric)
    if fmt == "json":
        click.echo(json.dumps({"scenario": s.path, "metric": metric, "unit": unit, "rows": _records(df),
                               "not_reported": df.attrs.get("not_reported", []),
                               "not_per_point": df.attrs.get("not_per_point", []),
                               "notes": df.attrs.get("notes", {}), "warnings": df.attrs.get("warnings", [])},
                              indent=2))
    elif fmt == "csv":
        click.echo(df.to_csv(index=False), nl=False)
    else:
        click.echo(_sensitivity_table(df, metric, unit, top(df, top_n)))
    if out_dir is not None:
        from sandbox.output.study_plots import tornado

        files: dict[str, str | bytes] = _frame_files("sensitivity", df)
        for arch in df["architecture"].unique():
            if arch not in df.attrs.get("not_reported", []):
                files.update(_figure_files(f"tornado-{_safe(str(arch))}", tornado(df, metric, arch, unit)))
        _write_outputs(out_dir, files, fmt, "sensitivity")
    _echo_notes(df.attrs.get("notes", {}), df.attrs.get("warnings", []))
    failed = False
    nominal = df.groupby("architecture", sort=False)["metric_nominal"].first() if len(df) else {}
    for arch, messages in df.attrs.get("errors", {}).items():
        at_nominal = arch in nominal and nominal[arch] != nominal[arch]
        failed |= at_nominal
        for message in messages[:3]:
            click.echo(f"{'error' if at_nominal else 'warning'}: {message}", err=True)
    if failed and not keep_going:
        sys.exit(1)


def _sensitivity_table(df: Any, metric: str, unit: str, shown: Any) -> str:
    lines = [f"one-at-a-time sensitivity of {metric} ({unit}); each input at its low / high, all others nominal"]
    for arch in df["architecture"].unique():
        rows = df[df["architecture"] == arch]
        kind = rows["type"].iloc[0]
        lines.append("")
        if arch in df.attrs.get("not_reported", []):
            lines.append(f"{arch} ({kind}): does not report {metric}")
            continue
        nominal = rows["metric_nominal"].iloc[0]
        if nominal != nominal and arch in df.attrs.get("errors", {}):
            lines.append(f"{arch} ({kind}): failed at the nominal inputs (the error is below)")
            continue
        lines.append(f"{arch} ({kind}): nominal {_num(nominal)} {unit}")
        picked = shown[shown["architecture"] == arch]
        if arch in df.attrs.get("not_per_point", []):
            lines.append(f"  not evaluated per point: {arch}'s plugin metrics were evaluated at the nominal ledger only "
                         "(a plugin's arithmetic did not broadcast over points), so its swing is unknown")
            continue
        if picked.empty:
            lines.append("  no input moves it")
            continue
        width = max(30, *(len(str(k)) for k in picked["input"]))
        lines.append(f"  {'input':<{width}} {'low':>10} {'high':>10} {'at low':>12} {'at high':>12} {'swing':>12}")
        for r in picked.itertuples():
            lines.append(f"  {r.input:<{width}} {_num(r.low):>10} {_num(r.high):>10} {_num(r.metric_low):>12} "
                         f"{_num(r.metric_high):>12} {_num(r.swing):>12}")
        rest = int((rows["swing"] > 0).sum()) - len(picked)
        if rest > 0:
            lines.append(f"  ... {rest} more inputs move it (--top, --format csv)")
    return "\n".join(lines)


@click.command("timeline")
@click.argument("scenario", type=click.Path(dir_okay=True))
@click.option("--end-year", type=int, default=None, help="Last year (default: start year + 20).")
@click.option("--draws", type=int, default=1000, show_default=True, help="Monte Carlo draws of the uncertain inputs.")
@click.option("--seed", type=int, default=None, help="Random seed (default: the scenario's study.seed).")
@click.option("--nominal", is_flag=True,
              help="One world at the nominal values of every input and timeline parameter (no Monte Carlo).")
@click.option("--every", type=click.IntRange(min=1), default=5, show_default=True,
              help="Years between the rows of the cost table.")
@click.option("--out", "out_dir", type=click.Path(), default=None, callback=out_given,
              help="Write the table, summary, crossover and assumptions (CSV, Parquet) and the figure (PNG, SVG) "
                   "into this folder or fsspec URL (s3://, gs://, memory://...).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--keep-going", is_flag=True, help="Exit 0 even when an architecture failed (still reported).")
@timeout_option(3600.0)
@click.pass_context
@timed("timeline")
def timeline_command(ctx: click.Context, scenario: str, end_year: int | None, draws: int, seed: int | None,
                     nominal: bool, every: int, out_dir: str | None, fmt: str, keep_going: bool) -> None:
    """Year-by-year cost per delivered PFLOP-day of SCENARIO's architectures and the year each beats the ground.

    Launch prices follow Wright's law in cumulative mass launched worldwide, chips gain FLOP/W
    with every hardware generation, and each architecture counts from its years to service on;
    uncertain inputs are drawn (triangular) DRAWS times.
    """

    if draws <= 0:
        fail(f"--draws: expected a whole number >= 1, got {draws}", 2)
    source = click.get_current_context().get_parameter_source
    for option, name in (("--draws", "draws"), ("--seed", "seed")):
        if nominal and source(name) == click.core.ParameterSource.COMMANDLINE:  # one world: nothing is drawn
            fail(f"{option}: --nominal evaluates one world at the nominal values and draws nothing; give one or the other", 2)
    if seed is not None and seed < 0:
        fail(f"--seed: expected a whole number >= 0, got {seed}", 2)
    s = scenario_or_exit(ctx, scenario)
    registry = registry_of(ctx)
    if end_year is not None and end_year < s.assumptions.start_year:
        fail(f"--end-year {end_year} is before the scenario's start year {s.assumptions.start_year}", 2)
    if out_dir is not None:
        _claim_output(out_dir, "timeline")
    from sandbox.studies.timeline import TimelineError, parameters, timeline

    fixed = {k: float(v.nominal) for k, v in parameters(registry).items()} if nominal else None
    try:
        result = timeline(s, registry, end_year=end_year, draws=1 if nominal else draws, seed=seed, params=fixed,
                          uncertain=not nominal)
    except TimelineError as exc:
        fail(str(exc), 2)
    if fmt == "json":
        click.echo(json.dumps({"scenario": s.path, "start_year": result.start_year, "end_year": result.end_year,
                               "draws": result.draws, "seed": result.seed, "baseline": result.baseline,
                               "metric": "cost.per_pflop_day", "unit": "USD",
                               "crossover": _records(result.crossover), "summary": _records(result.summary),
                               "assumptions": _records(result.assumptions), "warnings": result.warnings}, indent=2))
    elif fmt == "csv":
        click.echo(result.summary.to_csv(index=False), nl=False)
    else:
        click.echo(_timeline_table(result, every))
    if out_dir is not None:
        from sandbox.output.study_plots import timeline_bands

        files: dict[str, str | bytes] = _frame_files("timeline", result.table)
        files.update(_frame_files("timeline-summary", result.summary))
        files.update(_frame_files("timeline-crossover", result.crossover))
        files.update(_frame_files("timeline-factors", result.factors))
        files["timeline-assumptions.csv"] = result.assumptions.to_csv(index=False).encode("utf-8")
        files.update(_figure_files("timeline", timeline_bands(result.summary, result.crossover, result.baseline, "USD")))
        _write_outputs(out_dir, files, fmt, "timeline")
    _echo_notes({}, result.warnings)
    for messages in result.errors.values():
        for message in messages[:3]:
            click.echo(f"error: {message}", err=True)
    if result.errors and not keep_going:
        sys.exit(1)


def _year(value: float) -> str:
    return "never" if value != value else f"{value:.0f}"


def _timeline_table(result: Any, every: int) -> str:
    import numpy as np

    f = result.factors[result.factors["year"] == result.end_year]
    draws = f"{result.draws:,} draws" if result.draws != 1 else "1 draw"
    lines = [f"timeline {result.start_year}-{result.end_year}, {draws} (seed {result.seed}); "
             f"by {result.end_year}: launch price x{np.median(f['launch_price_factor']):.2f}, "
             f"chip FLOP/W x{np.median(f['chip_ops_factor']):.3g} (medians)",
             "",
             f"first year cheaper than {result.baseline or 'the baseline'} per delivered PFLOP-day "
             "(in the same draw; 'never' = not by the end year)",
             f"  {'architecture':<14} {'available':>9} {'p05':>6} {'p50':>6} {'p95':>6} {'never':>7}"]
    for r in result.crossover.itertuples():
        if r.failed_fraction == 1.0:
            lines.append(f"  {r.architecture:<14} failed in every draw (the error is below)")
            continue
        lines.append(f"  {r.architecture:<14} {_year(r.available_from):>9} {_year(r.p05):>6} {_year(r.p50):>6} "
                     f"{_year(r.p95):>6} {r.never_fraction:>7.0%}"
                     + (f"  (failed in {r.failed_fraction:.0%} of the draws, left out)" if r.failed_fraction > 0 else ""))
    years = list(range(result.start_year, result.end_year + 1, every))
    if years[-1] != result.end_year:
        years.append(result.end_year)
    summary = result.summary
    dead = set(result.crossover.loc[result.crossover["failed_fraction"] == 1.0, "architecture"])
    archs = [a for a in dict.fromkeys(summary["architecture"]) if a not in dead]
    width = max(10, *(len(a) for a in archs)) if archs else 10
    lines += ["", "p50 cost.per_pflop_day (USD) of the available draws ('–': not yet in service)",
              "  year " + " ".join(f"{a:>{width}}" for a in archs)]
    for y in years:
        row = summary[summary["year"] == y].set_index("architecture")["p50"]
        lines.append(f"  {y:<4} " + " ".join(f"{_num(row.get(a, float('nan'))):>{width}}" for a in archs))
    return "\n".join(lines)


@click.command("sweep")
@click.argument("scenario", type=click.Path(dir_okay=True))
@click.option("--out", "out_dir", type=click.Path(), default=None, callback=out_given,
              help="Study folder (default: sweep-<scenario name>). Holds the manifest, finished chunks and results. "
                   "An fsspec URL (s3://, gs://, memory://...) runs in a local staging folder and uploads the "
                   "finished study there, manifest last (docs/scaling.md).")
@click.option("--method", type=click.Choice(["grid", "random", "lhs", "montecarlo"]), default=None,
              help="Override [sweep] method.")
@click.option("--points", type=click.IntRange(min=1), default=None, help="Override [sweep] points (not for grids).")
@click.option("--seed", type=click.IntRange(min=0), default=None, help="Override [sweep] seed (default: study.seed).")
@click.option("--chunk", type=click.IntRange(min=1), default=None, help="Points per task and part file.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Local worker processes, or workers of a cluster started with --scheduler local (default: CPUs).")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Run on a Dask cluster: tcp://host:port or tls://host:port of an existing scheduler, or 'local' "
                   "to start one (on 127.0.0.1 unless --listen).")
@click.option("--listen", default="127.0.0.1", show_default=True, metavar="HOST",
              help="Interface a cluster started with --scheduler local listens on (another host only when asked).")
@click.option("--tls-ca-file", type=click.Path(dir_okay=False), default=None,
              help="Dask TLS: certificate authority that signed every scheduler, worker and client certificate.")
@click.option("--tls-cert", type=click.Path(dir_okay=False), default=None, help="Dask TLS: this side's certificate.")
@click.option("--tls-key", type=click.Path(dir_okay=False), default=None, help="Dask TLS: this side's private key.")
@click.option("--insecure", is_flag=True,
              help="Allow a scheduler or --listen address beyond this machine without TLS (anyone who reaches the "
                   "port can run code: tasks travel as pickles).")
@click.option("--design-timeout", type=Seconds(), default=300.0, show_default=True,
              help="Seconds a design function may take before it is reported as hung (0: no limit).")
@click.option("--restart", is_flag=True, help="Discard the finished chunks in --out and start again.")
@click.option("--csv/--no-csv", "csv", default=None,
              help="Write results.csv (default: when the study has at most 1,000,000 rows).")
@click.option("--no-figures", is_flag=True, help="Skip the plots and the HTML report.")
@click.option("--keep-going", is_flag=True, help="Exit 0 even when an architecture failed (still reported).")
@click.pass_context
def sweep(ctx: click.Context, scenario: str, out_dir: str | None, method: str | None, points: int | None,
          seed: int | None, chunk: int | None, workers: int | None, scheduler: str | None, listen: str,
          tls_ca_file: str | None, tls_cert: str | None, tls_key: str | None, insecure: bool, design_timeout: float,
          restart: bool, csv: bool | None, no_figures: bool, keep_going: bool) -> None:
    """Sweep or Monte Carlo over SCENARIO's [sweep] table (docs/studies.md); resumable after any interruption.

    Ctrl-C stops it at once (exit status 130); the same command resumes it.
    """
    import os

    from sandbox.output import report
    from sandbox.studies.executor import DaskExecutor, ExecutorError, Job, LocalExecutor, seed_context
    from sandbox.studies.sweep import DATASET, SweepError, run_sweep

    s = scenario_or_exit(ctx, scenario, check_sweep=False)
    registry = registry_of(ctx)
    plan = plan_or_exit(ctx, s, {"method": method, "points": points, "seed": seed, "chunk": chunk})
    from sandbox.studies import remote

    url = out_dir if remote.is_url(out_dir) else None
    if url is not None:  # run in a local staging folder, upload when complete (sandbox.studies.remote)
        try:
            remote.claim(url, "sweep", OUTPUT_MARKER)
        except remote.RemoteError as exc:
            fail(f"--out {exc}", 2)
        out = remote.staging_dir(url)
    else:
        out = remote.local_path(out_dir) if out_dir is not None else Path(f"sweep-{Path(scenario).stem}")
    check_writable(out)
    security = _dask_security(scheduler, listen, tls_ca_file, tls_cert, tls_key, insecure)
    job = Job.for_scenario(s, tuple(ctx.find_root().params.get("plugin_modules") or ()), design_timeout or None)
    seed_context(job, registry, s)
    n_workers = workers or os.cpu_count() or 1
    executor = DaskExecutor(scheduler, n_workers, listen, security) if scheduler else LocalExecutor(n_workers)
    resume = f"the finished chunks are kept in {shown(out)}: run the same command again to resume"
    try:
        outcome = run_sweep(job, s, registry, plan, out, executor, restart=restart, figures=not no_figures, csv=csv,
                            note=lambda text: click.echo(f"warning: {text}", err=True))
    except SweepError as exc:
        fail(str(exc), exc.status)
    except ExecutorError as exc:
        fail(f"{exc}; {resume}", 1)
    except KeyboardInterrupt:
        fail(f"interrupted; {resume}", 130)
    except OSError as exc:
        fail(cannot_write(out, exc), 2)
    if url is not None:
        _upload_study(url, out, outcome.manifest)
    m = outcome.manifest
    click.echo(f"{plan.method} over {plan.points:,} points (seed {plan.seed}), {len(plan.dimensions)} inputs; "
               f"{outcome.computed_chunks} chunks computed, {outcome.resumed_chunks} resumed; {m['executor']}, "
               f"{m['elapsed_s']:.1f} s")
    summary = outcome.summary
    for metric in ("cost.per_pflop_day", "cost.per_pflop_day.vs_baseline"):
        rows = summary[summary["metric"] == metric]
        if len(rows):
            unit = rows["unit"].iloc[0]
            click.echo(f"\n{metric} ({unit})      p5          p50          p95    valid")
            for r in rows.itertuples():
                click.echo(f"  {r.architecture:<12} {report.fmt(r.p5):>10} {report.fmt(r.p50):>12} {report.fmt(r.p95):>12} "
                           f"{r.valid:>8,}")
    click.echo()
    report_written(url or out, [*outcome.files, f"{DATASET}/ ({outcome.computed_chunks + outcome.resumed_chunks} chunks)"],
                   machine_output=False)
    _echo_notes(m.get("notes", {}), m.get("warnings", []))
    for arch, messages in outcome.failures.items():
        for message in messages[:3]:
            click.echo(f"error: {arch}: {message}", err=True)
        if len(messages) > 3:
            click.echo(f"error: {arch}: ... and {len(messages) - 3} more (see manifest.json)", err=True)
    if outcome.failures and not keep_going:
        sys.exit(1)


def _is_loopback(host: str) -> bool:
    """Whether ``host`` (an IP address or a name) reaches this machine only."""
    import ipaddress
    import socket

    host = host.strip().strip("[]")
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    if host == "localhost":
        return True
    try:
        infos = socket.getaddrinfo(host, None)
    except (OSError, UnicodeError):
        return False
    return bool(infos) and all(ipaddress.ip_address(i[4][0].split("%")[0]).is_loopback for i in infos)


def _upload_study(url: str, staging: Path, manifest: dict[str, Any]) -> None:
    """Upload a complete study from its staging folder to ``url`` (manifest last), then remove the staging folder."""
    import shutil

    from sandbox.studies import remote

    try:
        remote.claim(url, "sweep", OUTPUT_MARKER, study_key=manifest.get("study_key"))
        remote.upload_folder(staging, url)
    except remote.RemoteError as exc:
        fail(f"--out {exc}; the finished study stays in {shown(staging)}", 2)
    except OSError as exc:
        fail(f"--out {url}: cannot upload: {exc.strerror or exc}; the finished study stays in {shown(staging)}; "
             "run the same command again to upload it", 2)
    shutil.rmtree(staging, ignore_errors=True)


def _dask_security(scheduler: str | None, listen: str, ca: str | None, cert: str | None, key: str | None,
                   insecure: bool) -> Any:
    """The :class:`distributed.Security` of the TLS options, or None; exit 2 when an address beyond this
    machine would be used without TLS and without ``--insecure`` (tasks and results are pickles)."""
    given = {"--tls-ca-file": ca, "--tls-cert": cert, "--tls-key": key}
    if any(given.values()) and not scheduler:
        fail("--tls-ca-file, --tls-cert, --tls-key: only with --scheduler", 2)
    if not scheduler:
        return None
    if any(given.values()):
        missing = [k for k, v in given.items() if not v]
        if missing:
            fail(f"{', '.join(missing)}: TLS needs --tls-ca-file, --tls-cert and --tls-key together", 2)
        for option, path in given.items():
            if not Path(path).is_file():
                fail(f"{option} {shown(path)}: file not found", 2)
        if scheduler != "local" and not scheduler.startswith("tls://"):
            fail(f"--scheduler {scheduler}: with TLS certificates the address must start with tls://", 2)
        from distributed import Security

        return Security(tls_ca_file=ca, tls_client_cert=cert, tls_client_key=key, tls_scheduler_cert=cert,
                        tls_scheduler_key=key, tls_worker_cert=cert, tls_worker_key=key, require_encryption=True)
    if scheduler == "local":
        where, host = f"--listen {listen}", listen
    else:
        from distributed.comm import get_address_host

        try:
            host = get_address_host(scheduler if "://" in scheduler else f"tcp://{scheduler}")
        except (ValueError, TypeError):
            fail(f"--scheduler {scheduler}: expected tcp://host:port, tls://host:port or 'local'", 2)
        where = f"--scheduler {scheduler}"
    if _is_loopback(host):
        return None
    risk = ("tasks and results travel as pickles, so anyone who can reach the port can run code on the workers "
            "and on this machine")
    if not insecure:
        fail(f"{where}: {host} is reachable beyond this machine and no TLS is set up; {risk}. Give --tls-ca-file, "
             "--tls-cert and --tls-key (mutual TLS, tls:// addresses), or pass --insecure to accept the risk", 2)
    click.echo(f"warning: --insecure: {where} without TLS; {risk}", err=True)
    return None


@hookimpl
def sandbox_register_commands(cli: click.Group) -> None:
    """The study commands, added to the ``sandbox`` group like any plugin's."""
    cli.add_command(sweep, "sweep")
    cli.add_command(sensitivity_command, "sensitivity")
    cli.add_command(timeline_command, "timeline")
