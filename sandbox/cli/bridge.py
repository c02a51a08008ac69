"""``sandbox bridge A.toml B.toml`` (why two results differ, input by input) and ``sandbox claims``
(published claims next to the project's figures; writes docs/validation.md).

Registered through the public ``sandbox_register_commands`` hook as a host plugin, like the study
commands. Exit status: 0 success, 1 an architecture failed in A or B (the others are bridged; 0 with
``--keep-going``), 2 bad input (a scenario, the metric, the architecture, --out).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from sandbox import hookimpl
from sandbox.cli.common import (
    cannot_write,
    claim_output_folder,
    fail,
    local_out_or_exit,
    out_given,
    registry_of,
    report_removed,
    scenario_or_exit,
    shown,
    write_outputs,
)

#: The largest page ``claims --check`` reads (bytes): generous for a Markdown page, small enough for memory.
MAX_CHECK_BYTES = 50 * 1024 * 1024


@click.command("bridge")
@click.argument("scenario_a", metavar="A", type=click.Path(dir_okay=True))
@click.argument("scenario_b", metavar="B", type=click.Path(dir_okay=True))
@click.option("--metric", default="cost.per_pflop_day", show_default=True,
              help="The metric to bridge (an architecture whose run of A or B does not report it is left out, with a "
                   "note on stderr; refused when none reports it).")
@click.option("--architecture", default=None, help="One architecture instance (default: every one both files have).")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
              help="Seed of the sampled orders (more than 12 differing inputs).")
@click.option("--out", "out_dir", type=click.Path(), default=None, callback=out_given,
              help="Write bridge.json, bridge.csv, waterfall-<architecture>.png/.svg and bridge.html into this local "
                   "folder (not a URL).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--keep-going", is_flag=True,
              help="Exit 0 even when an architecture failed in A or B (still reported; the others are bridged).")
@click.pass_context
def bridge_command(ctx: click.Context, scenario_a: str, scenario_b: str, metric: str, architecture: str | None,
                   seed: int, out_dir: str | None, fmt: str, keep_going: bool) -> None:
    """Explain the change of a metric from scenario A to scenario B by the inputs that differ.

    Every input the two files write differently (architecture parameters, [models] defaults,
    [catalogue] fields, workload and assumptions) gets its order-averaged (Shapley) share of the
    change (the shares sum to the total), its change alone, and its step in a stated order (largest
    share first); the interaction remainder is the total less the changes alone.

    --out writes into a new or empty folder, or one an earlier `sandbox bridge` wrote: the files of that
    earlier bridge which this one does not write (another architecture's waterfall) are removed; files of
    your own stay.
    """
    out = local_out_or_exit(out_dir, "bridge") if out_dir is not None else None
    a = scenario_or_exit(ctx, scenario_a)
    b = scenario_or_exit(ctx, scenario_b)
    registry = registry_of(ctx)
    if out is not None:
        claim_output_folder(out, "bridge")
    from sandbox.studies.bridge import BridgeError, bridge_reporting

    try:
        results, lacking, failed, warnings = bridge_reporting(a, b, registry, metric=metric,
                                                              architecture=architecture, seed=seed)
    except BridgeError as exc:
        fail(str(exc), 2)
    for message in warnings:  # as `sandbox run` names them: an override of A or B that nothing reads
        click.echo(f"warning: {message}", err=True)
    if not results:  # every instance to bridge failed: nothing to show or write
        for message in failed.values():
            click.echo(f"error: {message}", err=True)
        sys.exit(1)
    doc = {"a": a.path, "b": b.path, "metric": metric, "bridges": [r.to_dict() for r in results],
           "failures": failed, "warnings": warnings}
    if fmt == "json":
        click.echo(json.dumps(doc, indent=2, default=str))
    elif fmt == "csv":
        click.echo(_csv(results), nl=False)
    else:
        click.echo("\n\n".join(table(r, a.path, b.path) for r in results))
    if lacking:
        click.echo(f"note: --metric {metric!r}: not bridged for "
                   + ", ".join(f"{inst} ({why})" for inst, why in lacking.items())
                   + f"; bridged for {', '.join(r.architecture for r in results)}", err=True)
    if out is not None:
        removed = _write(out, results, doc, a, b)
        if fmt == "table":
            click.echo(f"\nwrote {out_dir}/bridge.json, bridge.csv, bridge.html, waterfall-<architecture>.png/.svg")
        report_removed(out_dir, removed, machine_output=fmt != "table")
    for message in failed.values():
        click.echo(f"error: {message}; the others are bridged", err=True)
    if failed and not keep_going:
        sys.exit(1)


def table(result: Any, a_path: str, b_path: str) -> str:
    """The bridge of one architecture as a text table (inputs in the stated order)."""
    from sandbox.output.format import fmt

    unit = f" {result.unit}" if result.unit else ""
    lines = [f"{result.architecture}: {result.metric} from {fmt(result.a_value)}{unit} (A: {a_path}) to "
             f"{fmt(result.b_value)}{unit} (B: {b_path}), change {_signed(result.total)}{unit}",
             f"  {result.method}; {result.evaluations} evaluations"]
    rows = [{**r, "a": _cut(r["a"]), "b": _cut(r["b"])} for r in result.rows()]
    name_w = max([len("interaction (total − Σ alone)"), *(len(r["input"]) for r in rows)])
    val_w = max([8, *(len(r["a"]) for r in rows), *(len(r["b"]) for r in rows)])
    head = f"  {'input':<{name_w}}  {'A':>{val_w}}  {'B':>{val_w}}  {'Shapley':>11}  {'share':>7}  {'alone':>11}  {'in order':>11}"
    lines += [head, "  " + "-" * (len(head) - 2)]
    for r in rows:
        share = "" if r["share"] != r["share"] else f"{round(100 * r['share'], 1) or 0.0:.1f}%"  # never "-0.0%"
        lines.append(f"  {r['input']:<{name_w}}  {r['a']:>{val_w}}  {r['b']:>{val_w}}  {_signed(r['shapley']):>11}  "
                     f"{share:>7}  {_signed(r['alone']):>11}  {_signed(r['sequential']):>11}")
    lines.append(f"  {'interaction (total − Σ alone)':<{name_w}}  {'':>{val_w}}  {'':>{val_w}}  {'':>11}  {'':>7}  "
                 f"{_signed(result.interaction):>11}")
    if result.a_value == result.b_value:
        lines.append(f"  no change: A and B give the same {result.metric} for {result.architecture}, nothing to "
                     "attribute")
    else:
        lines.append(f"  attributed to named inputs: {100 * result.attributed:.1f}% of the change (Σ Shapley = "
                     f"{_signed(sum(result.shapley.values()))}{unit})")
    lines += [f"  note: {n}" for n in result.notes]
    return "\n".join(lines)


def _cut(text: str, width: int = 28) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _signed(value: float) -> str:
    from sandbox.output.format import fmt

    return ("+" if value > 0 else "") + fmt(value)


def _frame(results: list[Any]) -> Any:
    import pandas as pd

    rows = [{"architecture": r.architecture, "metric": r.metric, "unit": r.unit, **row} for r in results for row in r.rows()]
    rows += [{"architecture": r.architecture, "metric": r.metric, "unit": r.unit, "input": "(interaction)", "a": "",
              "b": "", "shapley": float("nan"), "alone": r.interaction, "sequential": float("nan"), "share": float("nan")}
             for r in results]
    return pd.DataFrame(rows)


def _csv(results: list[Any]) -> str:
    return _frame(results).to_csv(index=False)


def _write(out: Path, results: list[Any], doc: dict, a: Any, b: Any) -> list[str]:
    """Write the bridge's files into ``out`` all or nothing, and remove the files of an earlier bridge there that
    this one does not write (another architecture's waterfall); returns the names removed."""
    from sandbox import __version__
    from sandbox.output.figures import to_bytes
    from sandbox.output.html import render_study
    from sandbox.output.waterfall import waterfall

    files: dict[str, str | bytes] = {"bridge.json": json.dumps(doc, indent=2, default=str), "bridge.csv": _csv(results)}
    figures: dict[str, bytes] = {}
    for r in results:
        fig = waterfall(r)
        stem = f"waterfall-{_safe(r.architecture)}"
        files[f"{stem}.png"] = figures[stem] = to_bytes(fig, "png")
        files[f"{stem}.svg"] = to_bytes(fig, "svg")
    manifest = {"scenario": {"path": f"{a.path} → {b.path}", "sha256": f"{a.sha256} → {b.sha256}",
                             "name": f"{a.name} → {b.name}"},
                "plan": {"method": "; ".join(sorted({r.method for r in results})),
                         "points": sum(r.evaluations for r in results)},
                "sandbox_version": __version__}
    files["bridge.html"] = render_study(f"Bridge of {doc['metric']}", manifest, {"bridge": _frame(results)}, figures)
    removed: list[str] = []
    try:
        removed = write_outputs(out, files, "bridge")[1]
    except OSError as exc:
        fail(cannot_write(out, exc), 2)
    return removed


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name) or "_"


@click.command("claims")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--write", "write_to", type=click.Path(), default=None,
              help="Write the validation page (Markdown) to this file, e.g. docs/validation.md.")
@click.option("--check", "check_against", type=click.Path(), default=None,
              help="Exit 1 when this file differs from the page the claims give now (stale).")
@click.pass_context
def claims_command(ctx: click.Context, paths: tuple[str, ...], write_to: str | None, check_against: str | None) -> None:
    """Run claims files (scenarios with a [claim] table): each claimed figure next to the project's figure
    with the claim's own inputs, the notes on inputs that do not hold together, and the bridge from the
    default comparison. Prints the page (Markdown) unless --write or --check."""
    from sandbox.core.scenario import ScenarioError, load_scenario
    from sandbox.studies.claims import NO_BRIDGE, ClaimError, bridge_source, validation

    registry = registry_of(ctx)
    for path in paths:  # every file valid before anything runs
        s = scenario_or_exit(ctx, path)
        if s.claim is None:
            fail(f"{path}: claim: no [claim] table (a claims file states the claim it reproduces)", 2)
        if s.claim.bridge_from != NO_BRIDGE:  # the scenario it is bridged from must be valid too
            try:
                load_scenario(bridge_source(s), registry)
            except ScenarioError as exc:
                unset = "" if s.claim.bridge_from else (
                    " (bridge_from is not set, so the page bridges from ../default.toml, the default scenario next to "
                    'the claims folder: set bridge_from to the scenario to bridge from, or "none")')
                fail(f"{s.path}: claim.bridge_from: {exc}{unset}", 2)

    current = _read_page(check_against) if check_against is not None else None  # a bad --check before anything runs
    target = _write_target(write_to) if write_to is not None else None  # a bad --write before anything runs
    try:
        page, failures = validation(list(paths), registry)
    except ClaimError as exc:
        fail(str(exc), 2)
    if check_against is not None:
        if current != page:
            fail(f"{check_against} is stale: regenerate it with `make validation`", 1)
        click.echo(f"{check_against}: up to date ({_claims(len(paths))})")
    if target is not None:
        from sandbox.output.atomic import write_all

        try:
            write_all(target.parent, {target.name: page})
        except OSError as exc:
            fail(f"--write {write_to}: cannot write: {exc.strerror or exc}", 2)
        click.echo(f"wrote {write_to} ({_claims(len(paths))})")
    if write_to is None and check_against is None:
        click.echo(page, nl=False)
    if failures:  # the page says so in its rows; the status says so too, as `sandbox run` does
        fail("\n".join(failures), 1)


def _write_target(write_to: str) -> Path:
    """The local file ``--write`` names (missing folders are created on writing), or exit 2 with one line:
    a URL (``s3://…`` taken as a path would write a local folder named ``s3:``), a folder, a path through
    a file, or a place that cannot be written."""
    import os

    from sandbox.studies import remote

    if remote.is_url(write_to):
        fail(f"--write {shown(write_to)}: the validation page is written to a local file only; give a path", 2)
    target = remote.local_path(write_to)
    if target.is_dir():
        fail(f"--write {shown(write_to)}: is a folder; give a file name", 2)
    probe = target.parent  # the nearest folder that exists: the missing ones are created on writing
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir():
        fail(f"--write {shown(write_to)}: {shown(probe)} is not a folder", 2)
    if not os.access(probe, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        fail(f"--write {shown(write_to)}: cannot write into {shown(probe)} (permission denied)", 2)
    return target


def _read_page(path: str) -> str:
    """The text of the page ``--check`` compares, or exit 2 with one line: a FIFO, a device or a folder is
    refused before any read (opened without blocking, checked with ``fstat``), and so is a file larger than
    :data:`MAX_CHECK_BYTES` or one that is not UTF-8 text."""
    import os
    import stat

    name = f"--check {shown(path)}"
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        fail(f"{name}: cannot read: {exc.strerror or exc}", 2)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = ("a folder" if stat.S_ISDIR(mode) else "a FIFO (named pipe)" if stat.S_ISFIFO(mode) else
                    "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else
                    "a socket" if stat.S_ISSOCK(mode) else "not a regular file")
            fail(f"{name}: is {kind}, expected the validation page (a Markdown file)", 2)
        chunks, size = [], 0
        while block := os.read(fd, 1 << 20):
            size += len(block)
            if size > MAX_CHECK_BYTES:
                fail(f"{name}: more than {MAX_CHECK_BYTES:,} bytes, not a validation page", 2)
            chunks.append(block)
    except OSError as exc:
        fail(f"{name}: cannot read: {exc.strerror or exc}", 2)
    finally:
        os.close(fd)
    text = ""
    try:
        text = b"".join(chunks).decode("utf-8")
    except UnicodeDecodeError as exc:
        fail(f"{name}: is not UTF-8 text (byte {exc.start:,} cannot be decoded), expected the validation page", 2)
    return text.replace("\r\n", "\n").replace("\r", "\n")  # newlines as a text-mode read gives them


def _claims(n: int) -> str:
    return f"{n} claim" + ("" if n == 1 else "s")


@hookimpl
def sandbox_register_commands(cli: click.Group) -> None:
    """The ``bridge`` and ``claims`` commands, added to the ``sandbox`` group like any plugin's."""
    cli.add_command(bridge_command, "bridge")
    cli.add_command(claims_command, "claims")
