"""Outputs an adversarial user can damage or lose: a failed run over a good ``--out``, ``--out`` at a URL
for commands that write to a local folder only, ``compare`` of two files with the same stem, and
``claims --check`` given something that is not a text file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sandbox.cli import cli
from sandbox.output.report import scenario_labels

ROOT = Path(__file__).resolve().parent.parent
STARCLOUD1 = ROOT / "scenarios" / "claims" / "starcloud1.toml"

#: A plugin whose only architecture is a baseline that always raises: with it alone in a scenario the
#: engine adds no ground baseline, so no architecture at all can be evaluated.
BOOM_BASELINE = """\
from sandbox import hookimpl
from sandbox.core.architecture import ArchitectureSpec


def boom(p, ctx):
    raise RuntimeError("melted")


@hookimpl
def sandbox_register_architectures(register):
    register(ArchitectureSpec("boombase", "Boom", "a baseline that always raises", (), boom, baseline=True))
"""


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), obj={})


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture
def boom(tmp_path, monkeypatch):
    """A scenario in which every architecture fails at run time (and the plugin module it needs)."""
    (tmp_path / "boombase_mod.py").write_text(BOOM_BASELINE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    scenario = tmp_path / "bad.toml"
    scenario.write_text("[architectures.b]\ntype = 'boombase'\n", encoding="utf-8")
    return scenario


# ----------------------------------------------------------------------------- bug 1: a failed run over --out


@pytest.mark.parametrize("extra", [(), ("--keep-going",), ("--format", "json")])
def test_a_run_that_evaluates_nothing_leaves_the_earlier_out_byte_identical(tmp_path, boom, extra):
    # Before the fix: the failed run replaced every file of the earlier good run (results.json with an
    # empty record list, an empty table, empty plots) and said "wrote K/: ...".
    good = tmp_path / "good.toml"
    good.write_text("[architectures.ground]\n", encoding="utf-8")
    out = tmp_path / "K"
    first = invoke("run", str(good), "--out", str(out))
    assert first.exit_code == 0, first.output
    before = _files(out)
    assert "results.json" in before and json.loads(before["results.json"])["records"]

    r = invoke("--plugin", "boombase_mod", "run", str(boom), "--out", str(out), *extra)
    assert r.exit_code == 1  # a run-time failure, even with --keep-going: the requested output was not written
    assert _files(out) == before  # same names (no staged .tmp left), same bytes
    assert "wrote" not in r.output
    assert r.stderr.splitlines() == [
        "error: architecture 'b' (plugin 'boombase_mod'): RuntimeError: melted",
        f"error: --out {out}: no architecture could be evaluated; nothing was written (the folder is as it was)",
    ]


def test_a_run_that_evaluates_nothing_creates_no_folder(tmp_path, boom):
    # Before the fix: a new folder was created and filled with empty results.
    out = tmp_path / "new" / "run"
    r = invoke("--plugin", "boombase_mod", "run", str(boom), "--out", str(out))
    assert r.exit_code == 1
    assert "no architecture could be evaluated; nothing was written" in r.stderr
    assert not (tmp_path / "new").exists()


# ----------------------------------------------------------------------------- bug 2: --out at a URL


@pytest.mark.parametrize("url", ["s3://bucket/run", "memory://x", "gs://b/some/where/"])
def test_run_refuses_a_url_out_and_creates_no_local_folder(tmp_path, monkeypatch, url):
    # Before the fix: `run --out s3://bucket/run` printed "wrote s3://bucket/run/" and wrote a local
    # folder ./s3:/bucket/run/ (exit 0).
    monkeypatch.chdir(tmp_path)
    r = invoke("run", str(ROOT / "scenarios" / "default.toml"), "--out", url)
    assert r.exit_code == 2
    assert r.stdout == ""  # refused before anything ran
    assert r.stderr.splitlines() == [
        f"error: --out {url}: `sandbox run` writes to a local folder only (a URL is accepted by sweep, sensitivity "
        "and timeline); give a folder"]
    assert list(tmp_path.iterdir()) == []


def test_bridge_refuses_a_url_out_and_creates_no_local_folder(tmp_path, monkeypatch, write_scenario):
    # Before the fix: the bridge was computed and written into a local folder ./s3:/b/x/.
    a = write_scenario("[architectures.ground]\n", "a.toml")
    b = write_scenario("[architectures.ground]\npue = 1.3\n", "b.toml")
    monkeypatch.chdir(tmp_path)
    r = invoke("bridge", str(a), str(b), "--out", "s3://b/x")
    assert r.exit_code == 2
    assert r.stdout == ""
    assert r.stderr.splitlines() == [
        "error: --out s3://b/x: `sandbox bridge` writes to a local folder only (a URL is accepted by sweep, "
        "sensitivity and timeline); give a folder"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.toml", "b.toml"]


def test_run_takes_a_file_url_as_the_local_folder_it_names(tmp_path, monkeypatch, write_scenario):
    # Before the fix: `--out file:///.../x` wrote into a local folder named "file:" (as sweep does not).
    scenario = write_scenario("[architectures.ground]\n")
    monkeypatch.chdir(tmp_path)
    r = invoke("run", str(scenario), "--out", f"file://{tmp_path / 'x'}")
    assert r.exit_code == 0, r.output
    assert json.loads((tmp_path / "x" / "results.json").read_text(encoding="utf-8"))["records"]
    assert not (tmp_path / "file:").exists()


# ----------------------------------------------------------------------------- bug 3: compare, same stem


def test_scenario_labels_are_distinct_and_as_short_as_possible():
    assert scenario_labels(["a/s.toml", "b/t.toml"]) == ["s", "t"]
    assert scenario_labels(["scenarios/default.toml", "other/default.toml"]) == ["scenarios/default", "other/default"]
    assert scenario_labels(["x/a/s.toml", "y/a/s.toml", "t.toml"]) == ["x/a/s", "y/a/s", "t"]
    assert scenario_labels(["s.toml", "./s.toml"]) == ["s", "s (2)"]  # the same file twice
    assert scenario_labels(["a/s.toml", "a/s.toml", "b/s.toml"]) == ["a/s", "a/s (2)", "b/s"]
    assert scenario_labels(["s.toml", "s (2).toml", "s.toml"]) == ["s", "s (2)", "s (3)"]


def test_compare_two_files_with_the_same_stem_keeps_every_column(tmp_path):
    # Before the fix: both files were labelled "s": the table had one ground column (the second file's
    # value replaced the first's) and every JSON/CSV record said scenario "s".
    for folder, pue in (("a", 1.1), ("b", 1.5)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "s.toml").write_text(f"[architectures.ground]\npue = {pue}\n", encoding="utf-8")
    a, b = str(tmp_path / "a" / "s.toml"), str(tmp_path / "b" / "s.toml")

    r = invoke("compare", a, b)
    assert r.exit_code == 0, r.output
    header = r.stdout.splitlines()[1].split()
    assert header == ["metric", "unit", "a/s:ground", "b/s:ground"]
    assert r.stdout.splitlines()[0].startswith("2 scenarios: a/s = ")

    doc = json.loads(invoke("compare", a, b, "--format", "json").stdout)
    power = {rec["scenario"]: rec["value"] for rec in doc["records"] if rec["metric"] == "power.grid"}
    assert set(power) == {"a/s", "b/s"}
    assert power["b/s"] == pytest.approx(power["a/s"] * 1.5 / 1.1)  # grid power = IT power × PUE

    rows = invoke("compare", a, b, "--format", "csv").stdout.splitlines()[1:]
    assert {row.split(",")[0] for row in rows} == {"a/s", "b/s"}


def test_compare_help_says_how_columns_are_labelled():
    r = invoke("compare", "--help")
    assert "same stem are told apart by their trailing folders" in " ".join(r.stdout.split())


# ----------------------------------------------------------------------------- bug 4: claims --check


def _check(page: str | Path, timeout: float = 120) -> subprocess.CompletedProcess:
    """``sandbox claims starcloud1.toml --check PAGE`` in a process of its own, so that a hang fails the test."""
    return subprocess.run([sys.executable, "-m", "sandbox", "claims", str(STARCLOUD1), "--check", str(page)],
                          capture_output=True, text=True, cwd=ROOT, timeout=timeout)


def test_check_against_a_file_that_is_not_utf8_text_exits_2_with_one_line(tmp_path):
    # Before the fix: a UnicodeDecodeError traceback, exit 1.
    page = tmp_path / "page.md"
    page.write_bytes(b"# Validation\n\xca\xfe\xba\xbe\n")
    r = invoke("claims", str(STARCLOUD1), "--check", str(page))
    assert r.exit_code == 2
    assert r.stderr.splitlines() == [
        f"error: --check {page}: is not UTF-8 text (byte 13 cannot be decoded), expected the validation page"]
    assert page.read_bytes() == b"# Validation\n\xca\xfe\xba\xbe\n"


def test_check_against_a_device_exits_2_without_reading_it():
    # Before the fix: /dev/zero was read to the end of memory (MemoryError).
    r = _check("/dev/zero")
    assert r.returncode == 2
    assert r.stderr.splitlines() == ["error: --check /dev/zero: is a device, expected the validation page (a Markdown file)"]


def test_check_against_a_fifo_exits_2_at_once(tmp_path):
    # Before the fix: the command waited forever for a writer to open the pipe.
    fifo = tmp_path / "page.md"
    os.mkfifo(fifo)
    r = _check(fifo, timeout=60)
    assert r.returncode == 2
    assert r.stderr.splitlines() == [f"error: --check {fifo}: is a FIFO (named pipe), expected the validation page "
                                     "(a Markdown file)"]


def test_check_still_passes_an_up_to_date_page(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(invoke("claims", str(STARCLOUD1)).stdout, encoding="utf-8")
    r = invoke("claims", str(STARCLOUD1), "--check", str(page))
    assert r.exit_code == 0, r.output
    assert r.stdout == f"{page}: up to date (1 claim)\n"
