"""Bad scenarios: one clear line naming the file and key, exit status 2, no traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

GOOD = """
[study]
name = "t"
[workload]
sustained_compute = "10 PFLOPS"
[architectures.ground]
pue = 1.2
"""


def sandbox(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sandbox", *args], capture_output=True, text=True, cwd=cwd, timeout=120)

#: A grid over one scenario key (``{key}``), three steps.
SWEEP = '[sweep]\nmethod = "grid"\n[sweep.params]\n"{key}" = {{ low = 1.1, high = 1.5, steps = 3 }}\n'

CASES = [
    ("malformed", "[study\nname = 1\n", "malformed TOML"),
    # a key written twice: tomllib names only the line and column, so the message shows the line's text
    ("duplicate key", GOOD.replace("pue = 1.2", "pue = 1.2\npue = 1.3"),
     "malformed TOML: Cannot overwrite a value (at line 8, column 10): pue = 1.3"),
    ("wrong unit", GOOD.replace("10 PFLOPS", "10 kg"), "workload.sustained_compute: expected a compute"),
    ("unknown key", GOOD.replace("pue = 1.2", "peu = 1.2"), "architectures.ground.peu: unknown key; did you mean 'pue'?"),
    ("negative", GOOD.replace("pue = 1.2", "pue = -1.2"), "architectures.ground.pue: expected a value >= 1"),
    ("nan", GOOD.replace("pue = 1.2", "pue = nan"), "architectures.ground.pue: expected a number, got NaN"),
    ("bare number", GOOD.replace("pue = 1.2", "lifetime = 5"), "architectures.ground.lifetime: expected a time with a unit"),
    ("unknown architecture", GOOD.replace("[architectures.ground]", "[architectures.grund]"),
     "architectures.grund: no installed architecture 'grund'; did you mean 'ground'?"),
    ("unknown chip", GOOD.replace("pue = 1.2", 'chip = "H1000"'), "architectures.ground.chip: no chip named 'H1000'"),
    ("zero", GOOD.replace("10 PFLOPS", "0 PFLOPS"), "workload.sustained_compute: expected a finite value > 0"),
    ("infinite", GOOD.replace("10 PFLOPS", "inf PFLOPS"), "workload.sustained_compute: expected a finite value > 0"),
    ("absurd scale", GOOD.replace("pue = 1.2", "").replace("[architectures.ground]", "[architectures.leo]\nsatellites = 1e30"),
     "architectures.leo.satellites: expected a value <= 1e+06"),
    ("wrong type", GOOD.replace("pue = 1.2", 'pue = "high"'), "architectures.ground.pue: expected a number, got 'high'"),
    # a chip is whole: 2.5 chips a satellite used to be priced and flown as 2.5
    ("fractional chips", GOOD.replace("pue = 1.2", "").replace("[architectures.ground]",
                                                             "[architectures.leo]\nchips_per_satellite = 2.5"),
     "architectures.leo.chips_per_satellite: expected a whole number, got 2.5"),
    # an instance name heads study keys (<name>.<parameter>): a dot, a newline or a ledger prefix made it unusable
    ("dot in a name", GOOD.replace("[architectures.ground]", '[architectures."a.b"]\ntype = "ground"'),
     "architectures: an architecture's name is letters, digits, '_' and '-'"),
    ("newline in a name", GOOD.replace("[architectures.ground]", '[architectures."a\\nb"]\ntype = "ground"'),
     "not models, catalogue, assumptions; got 'a\\nb'"),
    ("reserved name", GOOD.replace("[architectures.ground]", '[architectures.models]\ntype = "ground"'),
     "not models, catalogue, assumptions; got 'models'"),
    ("byte-order mark", "\ufeff" + GOOD, "starts with a byte-order mark (U+FEFF), which TOML does not allow"),
    ("reversed claim band", GOOD + '[claim]\ntitle = "t"\nsource = "s"\nbridge_from = "none"\n[[claim.figures]]\n'
     'architecture = "ground"\nmetric = "specific.mass"\nclaimed = "40 kg/kW"\nlow = "59 kg/kW"\nhigh = "34 kg/kW"\n',
     "claim.figures[0]: expected low <= claimed <= high"),
    # a type that is not a string was looked up in a dict and raised TypeError (unhashable list)
    ("list as type", GOOD.replace("[architectures.ground]", '[architectures.g]\ntype = []'),
     "architectures.g.type: expected the name of an installed architecture (a string), got []"),
    # one fault, one line: a non-table [architectures] no longer adds "expected at least one ...", nor a
    # claim figure naming an architecture of the file whose own table is wrong
    ("architectures not a table", 'architectures = "x"\n' + GOOD.replace("[architectures.ground]\npue = 1.2", ""),
     "architectures: expected a table [architectures], got 'x'"),
    ("bad table named by a claim", GOOD.replace("[architectures.ground]\npue = 1.2", "[architectures]\nleo = 3")
     + '[claim]\ntitle = "t"\nsource = "s"\nbridge_from = "none"\n[[claim.figures]]\narchitecture = "leo"\n'
     'metric = "specific.mass"\nclaimed = "40 kg/kW"\n', "architectures.leo: expected a table, got 3"),
    ("list as a claim's architecture", GOOD + '[claim]\ntitle = "t"\nsource = "s"\nbridge_from = "none"\n'
     '[[claim.figures]]\narchitecture = ["ground"]\nmetric = "specific.mass"\nclaimed = "40 kg/kW"\n',
     "claim.figures[0].architecture: expected one of the scenario's architectures (ground), got ['ground']"),
    ("missing bridge_from", GOOD + '[claim]\ntitle = "t"\nsource = "s"\nbridge_from = "nope.toml"\n[[claim.figures]]\n'
     'architecture = "ground"\nmetric = "specific.mass"\nclaimed = "40 kg/kW"\n',
     "claim.bridge_from: no scenario file 'nope.toml' beside this file"),
    # a list where one name is expected, and a list of names that are not ground stations: validate passed them and
    # the run failed with KeyError / "unknown" and no file or key named
    ("reference chip as a list", GOOD.replace('name = "t"', 'name = "t"\n[assumptions]\nreference_chip = ["H100-SXM"]'),
     "assumptions.reference_chip: expected a chip's name (a string), got ['H100-SXM']"),
    ("unknown ground station", GOOD.replace("pue = 1.2", "").replace("[architectures.ground]",
                                                                  '[architectures.leo]\nground_stations = ["nope"]'),
     "architectures.leo.ground_stations: no ground station named 'nope' in the catalogues"),
    ("ground station as a list", GOOD.replace("pue = 1.2", "").replace("[architectures.ground]",
                                                                     '[architectures.leo]\nground_stations = [["SvalSat"]]'),
     "architectures.leo.ground_stations: expected a ground station's name (a string), got ['SvalSat']"),
    # a broken [sweep] table is bad input for `run` too (it ran with exit 0 and no word before)
    ("misspelt sweep parameter", GOOD + SWEEP.format(key="ground.peu"),
     "sweep.params.ground.peu: architecture 'ground' has no parameter 'peu'; did you mean 'pue'?"),
    ("unknown sweep key", GOOD + '[sweep]\npoints = 10\nmethd = "grid"\n', "sweep.methd: unknown key; expected one of chunk, "
                                                              "method, params, points, seed, uncertain"),
    # a LEO constellation named "ground" in a scenario without a baseline: the engine's added ground baseline took
    # its name, and the run compared the baseline with itself (vs_baseline 1) with no word
    ("another type named as the baseline", GOOD.replace("pue = 1.2", 'type = "leo"'),
     "architectures.ground: an architecture of type 'leo' cannot be named 'ground' here: the engine adds the 'ground' "
     "baseline under that name when a scenario has none"),
    # an instance named after a family of the ledger's metrics: its swept input `mass.shielding` and the metric
    # `mass.shielding` (t) shared one column, and the results held the metric only
    ("instance named as a metric family", GOOD + '[architectures.mass]\ntype = "leo"\n[sweep]\nmethod = "grid"\n'
     '[sweep.params]\n"mass.shielding" = { values = ["1 g/cm2", "5 g/cm2"] }\n',
     "sweep.params.mass.shielding: the architecture's name 'mass' is also the first name of the ledger's metrics"),
    # TOML's unquoted date is a date value, not the ISO string the parameter takes
    ("unquoted TOML date", GOOD.replace("[architectures.ground]\npue = 1.2", "[architectures.moonbase]\ndeparture = 2033-04-30"),
     'architectures.moonbase.departure: expected a string: write the date as one, e.g. "2033-04-30" (quoted), got the '
     "TOML date 2033-04-30"),
    # a chip without the workload's precision passed validation, and the run failed with exit 1, no file or key
    # (catalogue: the A100 quotes no fp8 figure, NVIDIA A100 datasheet 2021; the B200 no fp32 one, DGX B200 2024)
    ("chip without the workload's precision", GOOD.replace("pue = 1.2", 'chip = "A100-SXM"').replace(
        "[workload]", '[workload]\nprecision = "fp8"'),
     "architectures.ground.chip: chip 'A100-SXM' has no 'fp8' figure (has: bf16, fp16, fp32, fp64, int8, tf32), and the "
     "design counts its peak at the workload's precision"),
    ("default chip without the workload's precision", GOOD.replace("[architectures.ground]\npue = 1.2",
                                                                   "[architectures.lagrange]").replace(
        "[workload]", '[workload]\nprecision = "fp32"'),
     "architectures.lagrange.chip: chip 'B200' has no 'fp32' figure (has: bf16, fp16, fp64, fp8, int8, tf32), and the "
     "design counts its peak at the workload's precision: choose a chip with it, or set workload.precision to one of "
     "these (the default chip)"),
    # printed in tables and reports: an escape sequence would act on the reader's terminal
    ("control character in the study name", GOOD.replace('name = "t"', 'name = "t\\u001b[2J"'),
     "study.name: expected a name without control characters, got 't\\x1b[2J'"),
]


@pytest.mark.parametrize(("label", "text", "expected"), CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("command", ["validate", "run"])
def test_bad_scenario_one_line_exit_2(tmp_path, label, text, expected, command):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    out_dir = tmp_path / "out"
    args = [command, str(path)] + (["--out", str(out_dir)] if command == "run" else [])
    proc = sandbox(*args)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith(f"error: {path}: "), lines[0]
    assert expected in lines[0]
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert not out_dir.exists()  # nothing half-written


def test_directory_instead_of_file(tmp_path):
    proc = sandbox("validate", str(tmp_path))
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"error: {tmp_path}: is a directory, expected a scenario file"


def test_missing_file(tmp_path):
    proc = sandbox("run", str(tmp_path / "nope.toml"))
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"error: {tmp_path / 'nope.toml'}: file not found"


def test_unwritable_output_folder_is_refused_before_running(tmp_path):
    path = tmp_path / "ok.toml"
    path.write_text(GOOD)
    blocker = tmp_path / "file"
    blocker.write_text("keep me")
    proc = sandbox("run", str(path), "--out", str(blocker))
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"error: --out {blocker}: exists and is not a folder"
    assert blocker.read_text() == "keep me"  # nothing the user had is lost


@pytest.mark.parametrize("command", [["compare"], ["sensitivity"], ["timeline", "--nominal"]])
def test_every_command_refuses_a_broken_sweep_table(tmp_path, command):
    """As `validate` and `run`: one line naming the file and key, exit 2 (before: exit 0, no word)."""
    path = tmp_path / "bad.toml"
    path.write_text(GOOD + SWEEP.format(key="ground.peu"))
    proc = sandbox(command[0], str(path), *command[1:])
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip() == (f"error: {path}: sweep.params.ground.peu: architecture 'ground' has no parameter "
                                   "'peu'; did you mean 'pue'?")
    assert proc.stdout == ""


def test_run_does_not_ask_for_the_points_sweep_may_be_given(tmp_path):
    """A Monte Carlo [sweep] without `points` is complete with `sandbox sweep --points N` (docs/studies.md):
    neither `run` nor `validate` refuses it, and a sound [sweep] changes nothing in the run."""
    plain, swept = tmp_path / "plain.toml", tmp_path / "swept.toml"
    plain.write_text(GOOD)
    swept.write_text(GOOD + '[sweep]\nmethod = "montecarlo"\n')
    a, b = sandbox("run", str(plain), "--format", "csv"), sandbox("run", str(swept), "--format", "csv")
    assert a.returncode == b.returncode == 0, b.stderr
    assert b.stderr == "" and a.stdout == b.stdout
    # validate says the same: the file is valid, its points to come from the command line
    v = sandbox("validate", str(swept))
    assert v.returncode == 0, v.stderr
    assert v.stdout.endswith("valid (1 architecture: ground); sweep: points to be given with `sandbox sweep --points N`\n")


@pytest.mark.parametrize("command", ["run", "sweep", "sensitivity", "timeline", "bridge"])
def test_an_empty_out_is_refused_not_taken_for_the_working_folder(tmp_path, command):
    """`--out ""` named the working folder and `run` wrote its files there while saying "wrote /"."""
    path = tmp_path / "s.toml"
    path.write_text(GOOD, encoding="utf-8")
    args = [command, str(path)] + ([str(path)] if command == "bridge" else []) + ["--out", ""]
    r = sandbox(*args, cwd=tmp_path)
    assert r.returncode == 2 and r.stderr.strip().splitlines() == ['error: --out: an empty path; give a folder (or `.` '
                                                                  'for this one)']
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.toml"]


@pytest.mark.parametrize(("args", "line"), [
    (["timeline", "scenarios/default.toml", "--draws", "abc"],
     "error: --draws: 'abc' is not a valid integer (see python -m sandbox timeline --help)"),
    (["run", "scenarios/default.toml", "--format", "xml"],
     "error: --format: 'xml' is not one of 'table', 'json', 'csv' (see python -m sandbox run --help)"),
    (["run"], "error: Missing argument 'SCENARIO' (see python -m sandbox run --help)"),
    (["runn"], "error: No such command 'runn'. Did you mean 'run'? (see python -m sandbox --help)"),
    (["run", "scenarios/default.toml", "--bogus"],
     "error: No such option '--bogus'. Did you mean '--out'? (see python -m sandbox run --help)"),
])
def test_a_usage_error_is_one_line(args, line):
    """click's usage block (Usage:, Try '... --help', Error:) is one ``error:`` line naming the option."""
    import pathlib

    proc = sandbox(*args, cwd=pathlib.Path(__file__).parent.parent)
    assert (proc.returncode, proc.stdout, proc.stderr) == (2, "", line + "\n")


def test_a_chip_the_design_runs_at_another_precision_is_accepted(tmp_path):
    """Every built-in architecture runs a 16-bit workload at bf16 on a TPU (which quotes bf16 only), and the Moonbase
    probe falls back to its chip's figure with a note: neither is refused by the precision check. An 8-bit float
    workload on the TPU (no fp8 figure, and no 8-bit fallback) is refused."""
    path = tmp_path / "ok.toml"
    path.write_text('[workload]\nprecision = "fp8"\n[architectures.moonbase]\n[architectures.cluster]\n'
                    'chip = "H100-SXM"\n[architectures.ground]\n')
    assert sandbox("validate", str(path)).returncode == 0
    path.write_text('[architectures.cluster]\nchip = "TPU-v6e"\n[architectures.leo]\nchip = "TPU-v6e"\n'
                    '[architectures.ground]\nchip = "TPU-v6e"\n')  # fp16 workload
    assert sandbox("validate", str(path)).returncode == 0
    path.write_text('[workload]\nprecision = "fp8"\n[architectures.leo]\nchip = "TPU-v6e"\n[architectures.ground]\n')
    proc = sandbox("validate", str(path))
    assert (proc.returncode, proc.stderr.splitlines()[0]) == (
        2, f"error: {path}: architectures.leo.chip: chip 'TPU-v6e' has no 'fp8' figure (has: bf16, int8), and the "
           "design counts its peak at the workload's precision: choose a chip with it, or set workload.precision to "
           "one of these")
