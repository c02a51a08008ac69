"""The command line on the default scenario: table, JSON, CSV, output folder, schema, plugin commands."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sandbox.cli import cli
from sandbox.cli.main import FULL_EXIT_ENV

ROOT = Path(__file__).resolve().parent.parent

DEFAULT = str(ROOT / "scenarios" / "default.toml")


def invoke(*args: str):
    result = CliRunner().invoke(cli, list(args), obj={}, catch_exceptions=False)
    return result


def test_run_prints_a_table_with_the_baseline():
    r = invoke("run", DEFAULT)
    assert r.exit_code == 0, r.stdout
    lines = r.stdout.splitlines()
    assert lines[0].startswith("Default comparison: 100 PFLOP/s of inference  (seed 42; baseline: ground)")
    header = lines[1].split()
    assert header[:3] == ["metric", "unit", "ground"]
    rows = {line.split()[0]: line.split() for line in lines[3:] if line and not line.startswith(("note", "~"))}
    # the baseline sized to the workload delivers at least the 100 PFLOP/s asked for, and at most one chip more
    delivered = float(rows["compute.delivered"][2])
    assert 100.0 <= delivered < 100.5
    assert rows["cost.per_pflop_day.vs_baseline"][2] == "1"


def test_run_json_parses_into_tidy_records():
    r = invoke("run", DEFAULT, "--format", "json")
    doc = json.loads(r.stdout)
    assert {"architecture", "type", "metric", "value", "unit", "approximation", "inputs", "source"} == set(doc["records"][0])
    sha = hashlib.sha256((ROOT / "scenarios" / "default.toml").read_bytes()).hexdigest()
    assert doc["provenance"]["scenario"]["sha256"] == sha
    assert doc["provenance"]["seed"] == 42


def test_same_scenario_same_numbers():
    a = json.loads(invoke("run", DEFAULT, "--format", "json").stdout)["records"]
    b = json.loads(invoke("run", DEFAULT, "--format", "json").stdout)["records"]
    assert a == b


def test_run_csv_matches_json():
    text = invoke("run", DEFAULT, "--format", "csv").stdout
    assert text.endswith("\n") and not text.endswith("\n\n")  # no empty last line (a row of nothing to a reader)
    rows = list(csv.DictReader(io.StringIO(text)))
    records = json.loads(invoke("run", DEFAULT, "--format", "json").stdout)["records"]
    assert len(rows) == len(records)
    assert float(rows[0]["value"]) == pytest.approx(records[0]["value"])


def test_out_writes_results_and_provenance(tmp_path):
    out = tmp_path / "out" / "nested"
    r = invoke("run", DEFAULT, "--out", str(out))
    assert r.exit_code == 0
    figures = [f"{name}.{ext}" for name in ("capex", "headline", "latency", "latency_distribution", "mass", "orbits") for ext in ("png", "svg")]
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["provenance.json", "report.html", "results.csv", "results.json", "table.txt", *figures])
    assert (out / "headline.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    prov = json.loads((out / "provenance.json").read_text())
    assert prov["sandbox_version"] and prov["started_utc"].endswith("Z")
    assert {p["name"] for p in prov["plugins"]} >= {"catalogue", "ground"}


def test_schema_lists_every_parameter_with_source(registry):
    doc = json.loads(invoke("schema").stdout)
    variants = doc["properties"]["architectures"]["additionalProperties"]["anyOf"]
    ground = next(v for v in variants if v["properties"]["type"]["const"] == "ground")
    assert set(ground["properties"]) == {"type"} | {p.name for p in registry.architectures["ground"].params}
    assert "Source:" in ground["properties"]["pue"]["description"]
    assert "H100-SXM" in ground["properties"]["chip"]["examples"]


def test_plugins_lists_hooks():
    r = invoke("plugins")
    assert "ground (space-sandbox" in r.stdout
    assert "hooks: sandbox_register_architectures" in r.stdout
    r = invoke("plugins", "--hook", "sandbox_register_catalogues", "--format", "json")
    names = [p["name"] for p in json.loads(r.stdout)["plugins"]]
    assert "catalogue" in names and "ground" in names  # ground registers its on-site power entries
    assert "starship" not in names  # a plugin without catalogue entries is not listed


def test_a_plugin_can_add_a_command(tmp_path, monkeypatch):
    (tmp_path / "hello_plugin.py").write_text(
        "import click\nfrom sandbox import hookimpl\n\n"
        "@hookimpl\ndef sandbox_register_commands(cli):\n"
        "    @cli.command()\n    def hello():\n        click.echo('hello from a plugin')\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    r = invoke("--plugin", "hello_plugin", "hello")
    assert r.exit_code == 0 and r.stdout == "hello from a plugin\n"


def test_explain_shows_parameters_and_sources():
    r = invoke("run", DEFAULT, "--explain")
    assert r.exit_code == 0
    assert "param pue = 1.1 " in r.stdout  # thermal.DEFAULTS["pue_hyperscale"]: Google fleet TTM PUE 1.10 (2024)
    assert "(default; source: " in r.stdout
    assert "<- radiator_area_m2(heat " in r.stdout


@pytest.mark.parametrize("scenario", sorted(str(p.relative_to(ROOT / "scenarios")) for p in (ROOT / "scenarios").rglob("*.toml")))
def test_every_printed_number_is_traced(scenario):
    """Every metric of every shipped scenario names its inputs (element, catalogue, cited default, scenario) or source."""
    r = invoke("run", str(ROOT / "scenarios" / scenario), "--format", "json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    untraced = [(rec["architecture"], rec["metric"]) for rec in doc["records"] if not rec["inputs"] and not rec["source"]]
    assert untraced == []


def test_compare_puts_scenarios_side_by_side():
    """`sandbox compare` gives the same numbers as separate runs, each relative to its own baseline."""
    a, b = str(ROOT / "scenarios" / "claims" / "starcloud1.toml"), str(ROOT / "scenarios" / "lagrange_station.toml")
    r = invoke("compare", a, b, "--format", "json")
    assert r.exit_code == 0, r.output
    got = {(rec["scenario"], rec["architecture"], rec["metric"]): rec["value"] for rec in json.loads(r.stdout)["records"]}
    for path, stem in ((a, "starcloud1"), (b, "lagrange_station")):
        alone = json.loads(invoke("run", path, "--format", "json").stdout)["records"]
        for rec in alone:
            assert got[(stem, rec["architecture"], rec["metric"])] == pytest.approx(rec["value"])
    # each scenario's ground baseline is its own: 1 H100-equivalent workload vs 40,000 PFLOP/s
    assert got[("starcloud1", "ground", "cost.per_pflop_day.vs_baseline")] == 1.0
    assert got[("lagrange_station", "ground", "cost.per_pflop_day.vs_baseline")] == 1.0
    table = invoke("compare", a, b).stdout.splitlines()
    assert table[1].split()[2:] == ["starcloud1:starcloud1", "starcloud1:ground", "lagrange_station:eml1_station",
                                    "lagrange_station:sel2_station", "lagrange_station:ground"]


def test_compare_validates_every_scenario_before_running(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[architectures.ground]\npeu = 1\n")
    r = invoke("compare", DEFAULT, str(bad))
    assert r.exit_code == 2
    assert r.stdout == "" and f"error: {bad}: architectures.ground.peu: unknown key; did you mean 'pue'?" in r.stderr


EXIT_PROBE = '''
import atexit
import os

from sandbox import hookimpl


def _record():
    with open(os.environ["EXIT_PROBE_FILE"], "w") as fh:
        fh.write("exit handler ran")


@hookimpl
def sandbox_run_finished(result):  # a plugin that leaves an exit handler behind (a module without hooks is refused)
    atexit.register(_record)
'''


def test_the_quick_exit_runs_exit_handlers_and_loses_no_output(tmp_path):
    """The console script ends with ``os._exit`` (skipping the interpreter's ≈ 0.15 s teardown): the
    exit handlers (here a plugin's) still run, stdout is complete and the exit status is kept."""
    import os
    import subprocess
    import sys

    (tmp_path / "exit_probe.py").write_text(EXIT_PROBE)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]),
           "EXIT_PROBE_FILE": str(tmp_path / "ran.txt")}
    env.pop(FULL_EXIT_ENV, None)
    proc = subprocess.run([sys.executable, "-m", "sandbox", "--plugin", "exit_probe", "run", DEFAULT, "--format", "json"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "ran.txt").read_text() == "exit handler ran"
    expected = json.loads(invoke("run", DEFAULT, "--format", "json").stdout)
    got = json.loads(proc.stdout)  # all of it: a truncated document would not parse
    assert got["records"] == expected["records"]
    missing = subprocess.run([sys.executable, "-m", "sandbox", "run", str(tmp_path / "missing.toml")],
                             capture_output=True, text=True, env=env, timeout=300)
    assert missing.returncode == 2 and missing.stderr.startswith("error: ")


def test_a_run_started_with_stdout_closed_writes_its_out_folder_and_exits_0(tmp_path):
    """Started with file descriptor 1 closed (`sandbox run ... --out DIR >&-`, as a service manager may), Python's
    sys.stdout is None: the quick exit's flush of it raised AttributeError, a traceback and exit 1 after the folder was
    written. The folder is written and the exit status is 0."""
    import os
    import subprocess
    import sys

    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "sandbox", "run", DEFAULT, "--out", str(out)], capture_output=True,
                          text=True, timeout=300, preexec_fn=lambda: os.close(1))
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert json.loads((out / "provenance.json").read_text())["scenario"]["path"].endswith("default.toml")


def test_compare_names_a_file_once_in_a_warning(tmp_path):
    """A warning about a file already names it and its line: compare does not add the file again."""
    path = tmp_path / "w.toml"
    path.write_text('[models]\n"links.rf_system_noise_temperature_k" = "300 K"\n[architectures.ground]\n')
    r = invoke("compare", str(path), str(path))
    line = (f"warning: scenario {path}, line 2: [models] 'links.rf_system_noise_temperature_k' is read by nothing in "
            "this scenario (no architecture here uses it), so it changes no number")
    assert r.exit_code == 0 and r.stderr.splitlines() == [line, line]
