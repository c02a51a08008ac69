"""``--out`` at an fsspec URL: the files written to fsspec's memory filesystem and to a ``file://`` URL
equal a local run's, number for number; a URL holding something else is refused before anything
is written."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from click.testing import CliRunner

from sandbox.cli import cli

GRID = """
[study]
name = "remote out"
seed = 5
[workload]
sustained_compute = "100 PFLOPS"
[architectures.leo]
model_latency = false
[sweep]
method = "grid"
chunk = 4
[sweep.params]
"leo.altitude" = { low = "500 km", high = "900 km", steps = 5 }
"models.cost.hardware_usd_per_kg_mass_produced" = { values = [5000, 10000] }
"""
#: Manifest fields that describe the run rather than the results.
RUN_FIELDS = ("elapsed_s", "finished_utc", "executor")


@pytest.fixture
def staging(tmp_path, monkeypatch):
    monkeypatch.setenv("SANDBOX_STAGING_DIR", str(tmp_path / "staging"))
    return tmp_path / "staging"


def _sweep(path, out):
    res = CliRunner().invoke(cli, ["sweep", str(path), "--out", out, "--workers", "1", "--no-figures"])
    assert res.exit_code == 0, res.output
    return res


def _manifest(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if k not in RUN_FIELDS}


def test_sweep_to_memory_and_file_urls_equals_the_local_folder(write_scenario, tmp_path, memfs, staging):
    path = write_scenario(GRID)
    local = tmp_path / "local"
    _sweep(path, str(local))
    res = _sweep(path, "memory://studies/grid")
    assert "wrote memory://studies/grid/: " in res.stdout
    _sweep(path, f"file://{tmp_path / 'via-url'}")

    # every file of the local folder is there, with the same bytes (parts, metadata, summary, CSV)
    names = sorted(p.relative_to(local).as_posix() for p in local.rglob("*") if p.is_file() and not p.name.startswith("."))
    remote = sorted(p[len("/studies/grid/"):] for p in memfs.find("/studies/grid"))
    assert remote == names
    for name in names:
        if name == "manifest.json":
            continue
        assert memfs.cat_file(f"/studies/grid/{name}") == (local / name).read_bytes(), name
        assert (tmp_path / "via-url" / name).read_bytes() == (local / name).read_bytes(), name
    # the manifest says the same thing about the results (timings and executor aside)
    mem_manifest = json.loads(memfs.cat_file("/studies/grid/manifest.json"))
    assert _manifest(mem_manifest) == _manifest(json.loads((local / "manifest.json").read_text()))
    assert mem_manifest["status"] == "complete" and mem_manifest["rows"] == 20  # 10 points × (leo + ground)
    # the numbers, read back from the URL as a dataset: equal to the local table, row for row
    table = pd.read_parquet("memory://studies/grid/results.parquet")  # as a reader of a bucket would
    pd.testing.assert_frame_equal(table, pd.read_parquet(local / "results.parquet"))
    leo = table[table["architecture"] == "leo"]
    assert len(leo) == 10 and sorted(leo["leo.altitude"].unique()) == [500.0, 600.0, 700.0, 800.0, 900.0]  # km, as the plan writes them
    assert pd.read_csv(io.BytesIO(memfs.cat_file("/studies/grid/results.csv"))).equals(pd.read_csv(local / "results.csv"))
    assert not any(staging.iterdir())  # uploaded, so the staging folders are gone


def test_a_url_holding_something_else_is_refused_and_kept(write_scenario, memfs, staging):
    path = write_scenario(GRID)
    memfs.pipe_file("/mine/notes.txt", b"keep me")
    res = CliRunner().invoke(cli, ["sweep", str(path), "--out", "memory://mine", "--workers", "1", "--no-figures"])
    assert res.exit_code == 2 and "is not empty and was not written by `sandbox sweep`" in res.output
    assert memfs.cat_file("/mine/notes.txt") == b"keep me" and memfs.find("/mine") == ["/mine/notes.txt"]
    # another study's folder is refused too, after the run (the finished study stays in staging)
    _sweep(path, "memory://study")
    other = write_scenario(GRID.replace("steps = 5", "steps = 3"), "other.toml")
    res = CliRunner().invoke(cli, ["sweep", str(other), "--out", "memory://study", "--workers", "1", "--no-figures"])
    assert res.exit_code == 2 and "holds another study" in res.output
    assert json.loads(memfs.cat_file("/study/manifest.json"))["rows"] == 20  # the first study is untouched
    res = CliRunner().invoke(cli, ["sensitivity", str(path), "--out", "memory://study"])
    assert res.exit_code == 2 and "is a study folder" in res.output


def test_sensitivity_to_a_memory_url_equals_the_local_files(write_scenario, tmp_path, memfs):
    path = write_scenario(GRID)
    local = CliRunner().invoke(cli, ["sensitivity", str(path), "--out", str(tmp_path / "sens")])
    assert local.exit_code == 0, local.output
    res = CliRunner().invoke(cli, ["sensitivity", str(path), "--out", "memory://sens"])
    assert res.exit_code == 0, res.output
    for name in ("sensitivity.csv", "sensitivity.parquet", ".sandbox-output.json"):
        assert memfs.cat_file(f"/sens/{name}") == (tmp_path / "sens" / name).read_bytes(), name
    df = pd.read_csv(io.BytesIO(memfs.cat_file("/sens/sensitivity.csv")))
    assert (df["swing"] >= 0).all() and len(df) > 0
    again = CliRunner().invoke(cli, ["sensitivity", str(path), "--out", "memory://sens"])  # its own output: allowed
    assert again.exit_code == 0, again.output
