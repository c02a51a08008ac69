"""Study folders under faults: the lock, the manifest's plugin fingerprint,
the checksummed chunk journal, the verified merge, crashes at random moments, the streamed final files.

Every case ends either in a complete study equal to an uninterrupted one (row for row, part file for
part file) or in one ``error:`` line that says how to recover — and ``--restart`` always recovers.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from sandbox.cli import cli
from sandbox.studies import summary as summ
from sandbox.studies.folder import DATASET, JOURNAL, MANIFEST

GRID = """
[study]
name = "folder test"
seed = 3
[workload]
sustained_compute = "100 PFLOPS"
[architectures.leo]
model_latency = false
[sweep]
method = "grid"
chunk = {chunk}
[sweep.params]
"leo.altitude" = {{ low = "500 km", high = "1000 km", steps = {steps} }}
"models.cost.hardware_usd_per_kg_mass_produced" = {{ values = [5000, 10000] }}
"""

ENV = {**os.environ, "CI": "true"}


def _sweep(*args: str, **kw) -> object:
    return CliRunner().invoke(cli, ["sweep", *args, "--workers", "1", "--no-figures"], obj={}, **kw)


def _cmd(scenario: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "sandbox", "sweep", str(scenario), "--out", str(out), "--workers", "1",
            "--no-figures", *extra]


def _parts(out: Path) -> list[Path]:
    return sorted((out / DATASET).glob("part-*.parquet"))


def _digests(out: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in _parts(out)}


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """An uninterrupted 24-point grid (12 chunks of 2 points, LEO and the ground baseline)."""
    root = tmp_path_factory.mktemp("ref")
    scenario = root / "grid.toml"
    scenario.write_text(GRID.format(chunk=2, steps=12))
    out = root / "ref"
    res = _sweep(str(scenario), "--out", str(out))
    assert res.exit_code == 0, res.output
    return scenario, out


def _same_as(reference_out: Path, out: Path) -> None:
    a = pd.read_parquet(reference_out / DATASET)
    b = pd.read_parquet(out / DATASET)
    assert len(b) == 48 and not b.duplicated(["point", "architecture"]).any()
    assert a.equals(b)
    assert _digests(out) == _digests(reference_out)  # part for part, byte for byte
    assert (out / "summary.csv").read_bytes() == (reference_out / "summary.csv").read_bytes()
    assert (out / "results.csv").read_bytes() == (reference_out / "results.csv").read_bytes()
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["status"] == "complete" and manifest["rows"] == 48
    assert [p["sha256"] for p in manifest["parts"]] == list(_digests(reference_out).values())


def test_layout_is_a_dataset_with_checksums_and_metadata(reference):
    """The results are a partitioned dataset: one part per chunk plus _metadata; the manifest lists
    each part's SHA-256 (recomputed here) and the plugin-set fingerprint."""
    _, out = reference
    manifest = json.loads((out / MANIFEST).read_text())
    assert len(manifest["parts"]) == 12 == len(_parts(out))
    for entry in manifest["parts"]:
        data = (out / entry["file"]).read_bytes()
        assert len(data) == entry["bytes"] and hashlib.sha256(data).hexdigest() == entry["sha256"]
    assert len(manifest["plugin_fingerprint"]) == 64
    md = pq.read_metadata(out / DATASET / "_metadata")
    assert md.num_rows == 48 and md.num_row_groups == 12
    schema = pq.read_schema(out / DATASET / "part-000000.parquet")
    assert str(schema.field("cost.per_pflop_day").type) == "float" and str(schema.field("point").type) == "int64"
    # the journal has one line per chunk, in step with the manifest
    lines = [json.loads(x) for x in (out / JOURNAL).read_text().splitlines()]
    assert sorted(x["chunk"] for x in lines) == list(range(12))


# --------------------------------------------------------------------------- item 1: lock, verified merge
def test_concurrent_restart_is_refused_and_the_first_sweep_completes(tmp_path, reference):
    """On e7401e5: a second process on the same folder (even with --restart) is refused at once by
    the folder's lock; the first finishes with every row; afterwards --restart works."""
    scenario, ref = reference
    slow = tmp_path / "slow.toml"
    slow.write_text(GRID.format(chunk=1, steps=30).replace("model_latency = false", "model_latency = true"))
    out = tmp_path / "out"
    first = subprocess.Popen(_cmd(slow, out), env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and not _parts(out):
            assert first.poll() is None, first.communicate()
            time.sleep(0.05)
        second = subprocess.run(_cmd(slow, out, "--restart"), env=ENV, capture_output=True, text=True, timeout=180)
        if first.poll() is None:  # refused while the first holds the folder
            assert second.returncode == 2, second.stderr
            assert second.stderr.strip().splitlines() == [
                f"error: --out {out}: another sandbox process is writing this study folder; wait for it to finish "
                "(or stop it), then run the command again"]
        stdout, stderr = first.communicate(timeout=300)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    assert first.returncode == 0, stderr
    table = pd.read_parquet(out / DATASET)
    assert len(table) == 120 and sorted(table["point"].unique()) == list(range(60))
    assert json.loads((out / MANIFEST).read_text())["status"] == "complete"
    again = _sweep(str(slow), "--out", str(out), "--restart")
    assert again.exit_code == 0 and "60 chunks computed, 0 resumed" in again.output


def test_merge_verifies_every_chunk_before_complete(tmp_path, reference, monkeypatch):
    """A part that vanishes or is damaged after its journal line is caught by the final check and
    computed again: the folder is never marked complete without every chunk."""
    scenario, ref = reference
    from sandbox.studies.folder import StudyFolder

    real_add, real_staged = StudyFolder.add, StudyFolder.add_staged

    def damage(self, rec):
        if rec.chunk == 4 and not getattr(self, "_damaged", False):
            self._damaged = True
            path = self.dataset / rec.file
            path.write_bytes(path.read_bytes()[: rec.bytes // 2])  # truncated behind our back

    def add(self, rec, data):
        real_add(self, rec, data)
        damage(self, rec)

    def add_staged(self, rec, staged):
        done = real_staged(self, rec, staged)
        damage(self, rec)
        return done

    monkeypatch.setattr(StudyFolder, "add", add)
    monkeypatch.setattr(StudyFolder, "add_staged", add_staged)
    out = tmp_path / "out"
    res = _sweep(str(scenario), "--out", str(out))
    assert res.exit_code == 0, res.output
    assert f"warning: {DATASET}/part-000004.parquet: " in res.output and "computing chunk 4 again" in res.output
    _same_as(ref, out)


# --------------------------------------------------------------------------- item 2: killed before the first manifest
@pytest.mark.parametrize("leftover", ["staged-manifest", "empty-dataset", "journal-only"])
def test_folder_of_a_start_killed_before_its_manifest_resumes(tmp_path, reference, leftover):
    """On e7401e5: what a kill -9 during the first manifest's staging leaves (a .tmp file, the
    empty dataset folder, a journal) is the study's own: the same command proceeds, without --restart."""
    scenario, ref = reference
    out = tmp_path / "out"
    (out / DATASET).mkdir(parents=True)
    if leftover == "staged-manifest":
        (out / ".manifest.json.k3j2.tmp").write_text('{"kind": "sandb')
    if leftover == "journal-only":
        (out / JOURNAL).write_text('{"chunk": 0, "stu')
    res = _sweep(str(scenario), "--out", str(out))
    assert res.exit_code == 0, res.output
    _same_as(ref, out)
    assert not list(out.glob(".*.tmp"))


def test_a_folder_with_other_files_is_not_claimed(tmp_path, reference):
    scenario, _ = reference
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    for extra in ([], ["--restart"]):
        res = _sweep(str(scenario), "--out", str(out), *extra)
        assert res.exit_code == 2
        assert res.stderr.strip() == (f"error: --out {out}: exists and is not a study folder (it holds 'notes.txt'); "
                                      "choose an empty or new folder")
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"] and (out / "notes.txt").read_text() == "keep me"


# --------------------------------------------------------------------------- item 3: another plugin set
def test_resume_with_another_plugin_set_is_refused(tmp_path, reference, monkeypatch):
    """On e7401e5: finish, delete half the parts, resume with SANDBOX_PLUGINS=leo,catalogue: refused
    (the ground rows would be missing for half the points); the original plugin set resumes it."""
    scenario, ref = reference
    out = tmp_path / "out"
    shutil.copytree(ref, out)
    for p in _parts(out)[::2]:
        p.unlink()
    monkeypatch.setenv("SANDBOX_PLUGINS", "leo,catalogue")
    res = _sweep(str(scenario), "--out", str(out))
    assert res.exit_code == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: --out {out}: was computed with another set of plugins ")
    assert "missing now: " in lines[0] and "ground" in lines[0] and "--restart" in lines[0]
    assert len(_parts(out)) == 6  # nothing touched
    monkeypatch.delenv("SANDBOX_PLUGINS")
    res = _sweep(str(scenario), "--out", str(out))
    assert res.exit_code == 0 and "6 chunks computed, 6 resumed" in res.output
    assert res.output.count("warning: ") == 6  # each missing part named once
    _same_as(ref, out)


# --------------------------------------------------------------------------- item 4: damaged folders
def _damaged(ref: Path, tmp_path: Path, how: str) -> Path:
    out = tmp_path / how
    shutil.copytree(ref, out)
    parts = _parts(out)
    if how == "truncated-part":
        parts[3].write_bytes(parts[3].read_bytes()[:500])
    elif how == "stray-part":
        shutil.copy(parts[2], out / DATASET / "part-000099.parquet")
        shutil.copy(parts[2], out / DATASET / "part-000011.parquet")  # over a real one: checksum mismatch
    elif how == "empty-manifest":
        (out / MANIFEST).write_text("[]")
    elif how == "odd-part-name":
        shutil.copy(parts[2], out / DATASET / "part-abc.parquet")
    elif how == "torn-journal":
        with open(out / JOURNAL, "a") as fh:
            fh.write('{"chunk": 3, "file": "part-0000')
    elif how == "foreign-journal-line":
        lines = (out / JOURNAL).read_text().splitlines()
        (out / JOURNAL).write_text("\n".join([*lines[:5], "[1, 2]", *lines[6:]]) + "\n")
    return out


@pytest.mark.parametrize("how", ["truncated-part", "stray-part", "torn-journal", "foreign-journal-line"])
def test_damaged_parts_are_recomputed_and_the_result_is_exact(tmp_path, reference, how):
    """On e7401e5: a truncated part, a stray or overwritten part, a torn or foreign journal line:
    each repaired part is named in a warning and computed again; no row is lost or doubled. (A last
    line cut short is what a kill leaves: dropped without a warning.)"""
    scenario, ref = reference
    out = _damaged(ref, tmp_path, how)
    res = _sweep(str(scenario), "--out", str(out))
    assert res.exit_code == 0, res.output
    assert "Traceback" not in res.output
    assert ("warning: " in res.output) == (how != "torn-journal")
    _same_as(ref, out)


@pytest.mark.parametrize(("how", "message"), [
    ("empty-manifest", "manifest.json is not a sandbox study manifest; pass --restart to recompute the study here"),
    ("odd-part-name", f"{DATASET}/part-abc.parquet is not part of this study; move it away, or pass --restart"),
])
def test_unusable_folders_are_refused_with_the_way_out_and_restart_recovers(tmp_path, reference, how, message):
    scenario, ref = reference
    out = _damaged(ref, tmp_path, how)
    res = _sweep(str(scenario), "--out", str(out))
    assert res.exit_code == 2 and "Traceback" not in res.output
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: --out {out}: {message}"), lines
    res = _sweep(str(scenario), "--out", str(out), "--restart")
    assert res.exit_code == 0, res.output
    _same_as(ref, out)


def test_a_folder_of_the_earlier_layout_needs_restart(tmp_path, reference):
    """A study written by e7401e5 (parts/ and a manifest without format or checksums)."""
    scenario, ref = reference
    out = tmp_path / "old"
    (out / "parts").mkdir(parents=True)
    shutil.copy(_parts(ref)[0], out / "parts" / "part-000000.parquet")
    (out / MANIFEST).write_text(json.dumps({"kind": "sandbox study", "study_key": "x", "status": "running"}))
    res = _sweep(str(scenario), "--out", str(out))
    assert res.exit_code == 2
    assert "written by another version of the sandbox (layout 1, this one reads 2); pass --restart" in res.stderr
    res = _sweep(str(scenario), "--out", str(out), "--restart")
    assert res.exit_code == 0 and not (out / "parts").exists()
    _same_as(ref, out)


# --------------------------------------------------------------------------- crashes at random moments
@pytest.mark.slow
def test_kill_minus_9_at_random_moments_then_resume_equals_an_uninterrupted_run(tmp_path, reference):
    """20 sweeps killed with SIGKILL at random moments (start-up, manifest,
    parts, journal, final files), each resumed by the same command: every result equals the
    uninterrupted run's, part file for part file."""
    scenario, ref = reference
    t0 = time.monotonic()
    timed = subprocess.run(_cmd(scenario, tmp_path / "timed"), env=ENV, capture_output=True, text=True, timeout=300)
    assert timed.returncode == 0, timed.stderr
    span = time.monotonic() - t0
    rng = random.Random(20261130)
    outcomes = {"finished before the kill": 0, "resumed": 0}
    for trial in range(20):
        out = tmp_path / f"trial{trial}"
        proc = subprocess.Popen(_cmd(scenario, out), env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        time.sleep(rng.uniform(0.0, 1.1 * span))
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            outcomes["resumed"] += 1
        else:  # the machine got faster than the timed run (other load ended): aim earlier from now on
            outcomes["finished before the kill"] += 1
            span *= 0.7
        proc.wait()
        again = subprocess.run(_cmd(scenario, out), env=ENV, capture_output=True, text=True, timeout=300)
        assert again.returncode == 0, (trial, again.stderr)
        assert "Traceback" not in again.stderr
        _same_as(ref, out)
    assert outcomes["resumed"] >= 10, outcomes


# --------------------------------------------------------------------------- item 19: bounded memory, streamed files
def test_sketch_summary_is_within_its_stated_error_of_the_exact_one(tmp_path, monkeypatch):
    """Large studies summarise from per-chunk sketches: p5/p50/p95 within REL_ERROR (2^-8) of numpy's
    exact percentiles of the stored values, counts exact, means to float rounding; the sketch of a
    resumed study is bit-identical to an uninterrupted one's."""
    default = Path(__file__).resolve().parents[1] / "scenarios" / "default.toml"
    args = [str(default), "--method", "montecarlo", "--points", "3000", "--chunk", "250", "--seed", "5"]
    exact = _sweep(*args, "--out", str(tmp_path / "exact"))
    assert exact.exit_code == 0, exact.output
    monkeypatch.setattr(summ, "EXACT_ROWS", 100)
    from sandbox.studies import sweep

    monkeypatch.setattr(sweep, "EXACT_ROWS", 100)
    sketched = _sweep(*args, "--out", str(tmp_path / "sketch"))
    assert sketched.exit_code == 0, sketched.output
    a = pd.read_csv(tmp_path / "exact" / "summary.csv")
    b = pd.read_csv(tmp_path / "sketch" / "summary.csv")
    assert json.loads((tmp_path / "sketch" / MANIFEST).read_text())["summary_method"].startswith("sketch")
    assert len(a) == len(b) > 6 * 40 and (a[["architecture", "metric"]].values == b[["architecture", "metric"]].values).all()
    assert (a["valid"] == b["valid"]).all()
    assert np.allclose(a["mean"], b["mean"], rtol=1e-12, atol=0)
    for q in ("p5", "p50", "p95"):
        err = np.abs(b[q] - a[q])
        assert (err <= summ.REL_ERROR * np.abs(a[q]) + 1e-300).all(), q
    # resumed: drop half the parts, sketch the resumed ones from disk: the same summary, bit for bit
    out = tmp_path / "sketch"
    for p in _parts(out)[1::2]:
        p.unlink()
    again = _sweep(*args, "--out", str(out))
    assert again.exit_code == 0 and "6 chunks computed, 6 resumed" in again.output
    assert pd.read_csv(out / "summary.csv").equals(b)


def test_csv_export_matches_the_dataset_and_is_optional(tmp_path, reference):
    scenario, ref = reference
    table = pd.read_parquet(ref / DATASET)
    csv = pd.read_csv(ref / "results.csv")
    assert len(csv) == len(table) == 48
    assert (csv["point"].to_numpy() == table["point"].to_numpy()).all()
    assert np.allclose(csv["cost.per_pflop_day"], table["cost.per_pflop_day"].astype(float), rtol=1e-7)
    out = tmp_path / "nocsv"
    res = _sweep(str(scenario), "--out", str(out), "--no-csv")
    assert res.exit_code == 0 and not (out / "results.csv").exists()
    assert f"wrote {out}/: summary.csv, manifest.json, results.parquet/ (12 chunks)" in res.output


def test_float32_metrics_keep_the_engine_numbers_to_their_stated_precision(reference, registry):
    """Stored metrics are float32: within 2^-24 relative of the engine's float64 (counts exact)."""
    from sandbox.core.scenario import load_scenario
    from sandbox.ledger import batch
    from sandbox.studies import plans

    scenario, ref = reference
    s = load_scenario(scenario, registry)
    plan = plans.parse_plan(s, registry)
    pts = plans.points(plan)
    direct = batch.evaluate_points(s, registry, pts, plan.points)
    table = pd.read_parquet(ref / DATASET)
    leo = table[table["architecture"] == "leo"]
    for metric in ("cost.per_pflop_day", "mass.total", "compute.chips"):
        exact = direct.columns["leo"][metric]
        stored = leo[metric].to_numpy(dtype=float)
        assert np.all(np.abs(stored - exact) <= 2.0 ** -24 * np.abs(exact)), metric
    assert (leo["compute.chips"].to_numpy() == direct.columns["leo"]["compute.chips"]).all()


def test_sketch_buckets_against_hand_values():
    """Bucket keys are the float32 bits >> 16 (sign, exponent, 7 mantissa bits); 1.0 = 0x3F800000 → 16256;
    a bucket's value is its midpoint: [1, 1 + 1/128) → 1.00390625."""
    keys = summ.bucket_keys(np.array([1.0, 1.0078125, -1.0, 0.0, -0.0], dtype=np.float32))
    assert keys.tolist() == [16256, 16257, -16256, 0, 0]
    assert summ.bucket_values(keys).tolist() == [1.00390625, 1.01171875, -1.00390625, 0.0, 0.0]
    x = np.random.default_rng(2).lognormal(5, 1, size=(20_000, 1)).astype(np.float32)
    acc = summ.Accumulator()
    for i in range(4):  # chunks in any order give the same counts
        acc.add(3 - i, summ.Sketch.of([("a", x[i * 5000:(i + 1) * 5000].T)], ["m"]))
    sketch = acc.result()
    exact = np.percentile(x[:, 0].astype(float), summ.PERCENTILES)
    got = sketch.quantiles("a", "m")
    assert np.all(np.abs(np.array(got) - exact) <= summ.REL_ERROR * exact)
    assert sketch.counts["a", "m"] == 20_000


# --------------------------------------------------------------------------- parts written by the workers
def test_parts_written_by_worker_processes_equal_an_in_process_run(tmp_path, reference):
    """Worker processes write their parts into the folder themselves (the coordinator renames and
    journals them): the folder is the reference's byte for byte, and no staged file is left."""
    scenario, ref = reference
    out = tmp_path / "out"
    res = CliRunner().invoke(cli, ["sweep", str(scenario), "--out", str(out), "--workers", "2", "--no-figures"],
                             obj={})
    assert res.exit_code == 0, res.output
    _same_as(ref, out)
    assert [p.name for p in (out / DATASET).iterdir() if p.name.startswith(".")] == []


def test_a_staged_part_that_is_not_as_written_is_computed_again(tmp_path, reference, monkeypatch):
    """A part a worker staged that is cut short before the coordinator renames it is refused by its
    size, removed, and its chunk computed again: the result is still the reference's."""
    scenario, ref = reference
    from sandbox.studies import executor

    real = executor.stage_part
    cut: list[int] = []

    def stage(task, out):
        out = real(task, out)
        if out.get("staged") and task.chunk == 7 and not cut:
            cut.append(task.chunk)
            path = Path(task.write_dir) / out["staged"]
            path.write_bytes(path.read_bytes()[:100])
        return out

    monkeypatch.setattr(executor, "stage_part", stage)
    out = tmp_path / "out"
    res = _sweep(str(scenario), "--out", str(out))
    assert res.exit_code == 0, res.output
    assert cut == [7]
    _same_as(ref, out)
    assert [p.name for p in (out / DATASET).iterdir() if p.name.startswith(".")] == []


def test_a_worker_that_does_not_see_the_folder_sends_the_bytes(tmp_path):
    """Without the coordinator's marker file (a worker on another machine, where the same path may
    exist), the part travels back as bytes and nothing is written."""
    from sandbox.studies.chunks import ChunkTask, stage_part

    out = {"chunk": 3, "part": b"PAR1 data PAR1", "bytes": 14}
    task = ChunkTask(3, 6, {}, write_dir=str(tmp_path), marker=".incoming-0123456789abcdef.tmp")
    assert stage_part(task, dict(out)) == out and list(tmp_path.iterdir()) == []
    (tmp_path / task.marker).touch()
    staged = stage_part(task, dict(out))
    assert staged["part"] is None and staged["staged"] == ".part-000003.parquet.incoming-0123456789abcdef.tmp"
    assert (tmp_path / staged["staged"]).read_bytes() == b"PAR1 data PAR1"


def test_restart_keeps_a_file_of_the_users_in_the_dataset_folder(tmp_path, reference):
    """On the first round's code, --restart removed the dataset folder whatever it held: a user's notes.txt placed in
    results.parquet/ was lost. Resuming and restarting both refuse it now, naming it, and leave everything in place."""
    scenario, ref = reference
    out = tmp_path / "mine"
    shutil.copytree(ref, out)
    (out / DATASET / "notes.txt").write_text("my notes", encoding="utf-8")
    before = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))
    for extra in ([], ["--restart"]):
        res = _sweep(str(scenario), "--out", str(out), *extra)
        assert res.exit_code == 2 and res.stderr == (
            f"error: --out {out}: {DATASET}/notes.txt is not part of this study; move it away (--restart removes only "
            "what a study writes)\n" if not extra else
            f"error: --out {out}: {DATASET}/notes.txt is not a file a study writes; move it away (--restart removes "
            "only what a study writes)\n"), res.stderr
        assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == before
    assert (out / DATASET / "notes.txt").read_text(encoding="utf-8") == "my notes"
