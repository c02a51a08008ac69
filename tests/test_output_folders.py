"""Output folders a command rewrites (sandbox.cli.common.write_outputs): the files of the command's earlier output
that the new output does not contain are removed, and nothing else: not a file the user added, not a name the marker
does not list, not a folder in the place of a listed file. The same for an fsspec URL (``sensitivity --out
memory://…``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sandbox import __version__
from sandbox.cli import cli
from sandbox.cli.common import OUTPUT_MARKER, earlier_outputs, output_marker, write_outputs

SCENARIO = """
[study]
name = "output folders"
[architectures.ground]
[architectures.leo]
"""


def marker(folder: Path) -> dict:
    return json.loads((folder / OUTPUT_MARKER).read_text(encoding="utf-8"))


def test_the_marker_lists_the_files_written_but_not_itself():
    (name, text), = output_marker("sensitivity", ["b.csv", "a.png", OUTPUT_MARKER]).items()
    assert name == OUTPUT_MARKER
    assert json.loads(text) == {"command": "sensitivity", "sandbox_version": __version__, "files": ["a.png", "b.csv"]}


@pytest.mark.parametrize(("doc", "names"), [
    ({"command": "bridge", "files": ["bridge.csv", "waterfall-leo.png"]}, ["bridge.csv", "waterfall-leo.png"]),
    ({"command": "sensitivity", "files": ["bridge.csv"]}, []),  # another command's marker
    ({"command": "bridge", "sandbox_version": "0.1.0"}, []),  # an earlier version's marker: no list, nothing known
    ({"command": "bridge", "files": "bridge.csv"}, []),
    ({"command": "bridge", "files": ["../up.txt", "sub/x.png", ".hidden", OUTPUT_MARKER, "", 3, "ok.svg"]}, ["ok.svg"]),
    (None, []),
])
def test_only_plain_names_of_the_same_commands_marker_are_earlier_outputs(doc, names):
    assert earlier_outputs(doc, "bridge") == names


def test_a_rewrite_removes_only_the_listed_files_it_no_longer_writes(tmp_path):
    out = tmp_path / "out"
    written, removed = write_outputs(out, {"a.csv": "1\n", "b.png": b"png", "c.png": b"png", "d.png": b"png"}, "bridge")
    assert sorted(p.name for p in written) == [OUTPUT_MARKER, "a.csv", "b.png", "c.png", "d.png"] and removed == []
    (out / "mine.txt").write_text("mine", encoding="utf-8")
    (out / "c.png").unlink()  # the user removed one output: nothing to do
    (out / "d.png").unlink()
    (out / "d.png").mkdir()  # and put a folder of theirs in another's place: kept
    written, removed = write_outputs(out, {"a.csv": "2\n"}, "bridge")
    assert removed == ["b.png"]
    assert sorted(p.name for p in out.iterdir()) == [OUTPUT_MARKER, "a.csv", "d.png", "mine.txt"]
    assert (out / "a.csv").read_text(encoding="utf-8") == "2\n" and (out / "d.png").is_dir()
    assert marker(out)["files"] == ["a.csv"]


def test_a_folder_an_earlier_version_wrote_loses_nothing(tmp_path):
    """A marker without the list of files (written before it had one): nothing is known to be the command's, so
    nothing but the new files is touched."""
    out = tmp_path / "out"
    out.mkdir()
    (out / OUTPUT_MARKER).write_text(json.dumps({"command": "bridge", "sandbox_version": "0.1.0"}), encoding="utf-8")
    (out / "waterfall-leo.png").write_bytes(b"old")
    written, removed = write_outputs(out, {"bridge.csv": "x\n"}, "bridge")
    assert removed == []
    assert sorted(p.name for p in out.iterdir()) == [OUTPUT_MARKER, "bridge.csv", "waterfall-leo.png"]


def test_a_failed_rewrite_keeps_the_earlier_output_whole(tmp_path):
    out = tmp_path / "out"
    write_outputs(out, {"a.csv": "1\n", "old.png": b"old"}, "bridge")
    (out / "new.png").mkdir()  # in the way of the second write
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    with pytest.raises(IsADirectoryError):
        write_outputs(out, {"a.csv": "2\n", "new.png": b"new"}, "bridge")
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert sorted(p.name for p in out.iterdir()) == [OUTPUT_MARKER, "a.csv", "new.png", "old.png"]  # no .tmp left


def test_a_second_sensitivity_at_a_url_removes_the_first_ones_other_tornados(tmp_path, memfs):
    both, ground = tmp_path / "both.toml", tmp_path / "ground.toml"
    both.write_text(SCENARIO, encoding="utf-8")
    ground.write_text(SCENARIO.replace("[architectures.leo]\n", ""), encoding="utf-8")
    res = CliRunner().invoke(cli, ["sensitivity", str(both), "--out", "memory://sens"], obj={})
    assert res.exit_code == 0, res.output
    memfs.pipe_file("/sens/notes.txt", b"mine")
    res = CliRunner().invoke(cli, ["sensitivity", str(ground), "--out", "memory://sens"], obj={})
    assert res.exit_code == 0, res.output
    assert sorted(memfs.find("/sens")) == ["/sens/.sandbox-output.json", "/sens/notes.txt", "/sens/sensitivity.csv",
                                           "/sens/sensitivity.parquet", "/sens/tornado-ground.png",
                                           "/sens/tornado-ground.svg"]
    assert res.stdout.splitlines()[-1] == ("removed from memory://sens/ (earlier output, not written this time): "
                                           "tornado-leo.png/.svg")
