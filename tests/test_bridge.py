"""`sandbox bridge A B`: the change of a metric from A to B, input by input (Shapley shares, changes alone,
sequential steps, interaction), checked against evaluations of the four coalitions made by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sandbox.cli import cli
from sandbox.core.registry import default_registry
from sandbox.core.scenario import load_scenario
from sandbox.ledger.engine import evaluate
from sandbox.studies.bridge import bridge

ROOT = Path(__file__).resolve().parent.parent
METRIC = "cost.per_pflop_day.vs_baseline"

HEAD = """
[study]
name = "{name}"
seed = 7

[workload]
kind = "inference"
sustained_compute = "100 PFLOPS"
precision = "fp16"
latency_target = "1 s"

[assumptions]
start_year = 2027
discount_rate = 0.08
reference_chip = "H100-SXM"

[architectures.ground]

[architectures.leo]
model_latency = false
"""
#: Starship at $2M a flight ($20/kg, Musk 2019) and grid power at $0.20/kWh: the two inputs B states.
LAUNCH = '[catalogue.launch_vehicles.Starship]\nprice_usd = 2e6\nsources = { price_usd = "toy" }\n'
GRID = '[catalogue.power_sources.grid-us]\nprice_usd_per_kwh = 0.20\nsources = { price_usd_per_kwh = "toy" }\n'
LAUNCH_KEY = "catalogue.launch_vehicles.Starship.price_usd"
GRID_KEY = "catalogue.power_sources.grid-us.price_usd_per_kwh"


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), obj={})


def bridged(a: Path, b: Path, *options: str) -> dict:
    """``sandbox bridge A B --format json [options]`` for one architecture: its bridge, checked to exit 0."""
    r = invoke("bridge", str(a), str(b), *options, "--format", "json")
    assert r.exit_code == 0, r.output
    (doc,) = json.loads(r.stdout)["bridges"]
    return doc


def run_value(path: Path, instance: str, metric: str = "cost.per_pflop_day") -> float:
    """``metric`` of ``instance`` in a plain run of the scenario file ``path``."""
    reg = default_registry()
    return evaluate(load_scenario(path, reg), reg).ledgers[instance].get(metric)


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    """A (defaults) and B (launch and electricity prices), and the four coalitions as separate files."""
    folder = tmp_path_factory.mktemp("bridge")
    files = {}
    for name, extra in (("a", ""), ("launch", LAUNCH), ("grid", GRID), ("b", LAUNCH + GRID)):
        path = folder / f"{name}.toml"
        path.write_text(HEAD.format(name=name) + extra, encoding="utf-8")
        files[name] = path
    reg = default_registry()
    values = {name: evaluate(load_scenario(path, reg), reg).ledgers["leo"].get(METRIC) for name, path in files.items()}
    return files, values


def test_toy_bridge_matches_the_four_coalitions_by_hand(toy):
    """Two inputs, four runs: each Shapley share is the mean of its two marginal changes (Shapley 1953), each
    change alone is one run less A, and the interaction is what the two alone leave of the total."""
    files, v = toy
    reg = default_registry()
    (res,) = bridge(load_scenario(files["a"], reg), load_scenario(files["b"], reg), reg, metric=METRIC,
                    architecture="leo")
    assert {k.name for k in res.keys} == {LAUNCH_KEY, GRID_KEY}
    assert res.a_value == pytest.approx(v["a"], rel=1e-9) and res.b_value == pytest.approx(v["b"], rel=1e-9)
    shapley_launch = 0.5 * ((v["launch"] - v["a"]) + (v["b"] - v["grid"]))
    shapley_grid = 0.5 * ((v["grid"] - v["a"]) + (v["b"] - v["launch"]))
    assert res.shapley[LAUNCH_KEY] == pytest.approx(shapley_launch, rel=1e-9)
    assert res.shapley[GRID_KEY] == pytest.approx(shapley_grid, rel=1e-9)
    assert res.alone[LAUNCH_KEY] == pytest.approx(v["launch"] - v["a"], rel=1e-9)
    assert res.alone[GRID_KEY] == pytest.approx(v["grid"] - v["a"], rel=1e-9)
    # leo's cost over the ground's: a ratio, so the two prices interact (cheaper launch is worth less against
    # dearer ground power): interaction = v(AB) - v(A) - v(B) + v(∅)
    interaction = v["b"] - v["launch"] - v["grid"] + v["a"]
    assert res.interaction == pytest.approx(interaction, rel=1e-6, abs=1e-12)
    assert abs(interaction) > 1e-6
    # the shares add up to the total exactly; so do the steps in the stated order
    total = v["b"] - v["a"]
    assert sum(res.shapley.values()) == pytest.approx(total, rel=1e-12)
    assert sum(step for _, step in res.sequential) == pytest.approx(total, rel=1e-12)
    assert sum(res.alone.values()) + res.interaction == pytest.approx(total, rel=1e-12)
    # cheaper launch lowers leo against the ground, dearer electricity raises the ground: both lower the ratio
    assert res.shapley[LAUNCH_KEY] < 0 and res.shapley[GRID_KEY] < 0
    # the stated order is by |Shapley|, and its first step is the larger input's change alone
    first, step = res.sequential[0]
    assert abs(res.shapley[first]) == max(abs(x) for x in res.shapley.values())
    assert step == pytest.approx(res.alone[first], rel=1e-9)


def test_json_format_lists_every_input_with_its_shares(toy):
    files, v = toy
    r = invoke("bridge", str(files["a"]), str(files["b"]), "--metric", METRIC, "--architecture", "leo",
               "--format", "json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["metric"] == METRIC and doc["a"] == str(files["a"]) and doc["b"] == str(files["b"])
    (one,) = doc["bridges"]
    assert set(one) >= {"architecture", "metric", "unit", "a", "b", "total", "interaction", "attributed", "method",
                        "evaluations", "inputs", "notes"}
    assert one["architecture"] == "leo" and one["unit"] == "x" and one["method"] == "exact Shapley over all 4 coalitions"
    assert one["a"] == pytest.approx(v["a"], rel=1e-9) and one["b"] == pytest.approx(v["b"], rel=1e-9)
    assert one["total"] == pytest.approx(v["b"] - v["a"], rel=1e-9)
    rows = {row["input"]: row for row in one["inputs"]}
    assert set(rows) == {LAUNCH_KEY, GRID_KEY}
    assert rows[LAUNCH_KEY]["a"] == "(default)" and rows[LAUNCH_KEY]["b"] == "2e+06"
    assert rows[GRID_KEY]["b"] == "0.2"
    assert sum(row["shapley"] for row in rows.values()) == pytest.approx(one["total"], rel=1e-12)
    assert sum(row["share"] for row in rows.values()) == pytest.approx(1.0, rel=1e-12)
    assert one["attributed"] == pytest.approx(1.0, rel=1e-12)


def test_an_override_nothing_reads_is_named_and_gets_no_share(toy, tmp_path):
    """B also prices a Falcon 9, which neither the ground nor leo (on Starship) flies: the bridge warns of it as
    `sandbox run B` does (B's file and line, once), lists it as an input with a Shapley share of exactly 0, and the
    two inputs that are read keep the whole change, the same as the bridge without it."""
    files, v = toy
    b = tmp_path / "b.toml"
    b.write_text(files["b"].read_text() + "[catalogue.launch_vehicles.Falcon9]\nprice_usd = 1e6\n", encoding="utf-8")
    r = invoke("bridge", str(files["a"]), str(b), "--metric", METRIC, "--architecture", "leo", "--format", "json")
    assert r.exit_code == 0, r.output
    line = next(n for n, text in enumerate(b.read_text().splitlines(), 1) if "price_usd = 1e6" in text)
    warning = (f"scenario {b}, line {line}: [catalogue.launch_vehicles.Falcon9] is read by nothing in this scenario "
               "(no architecture here uses that entry), so it changes no number")
    assert r.stderr.splitlines() == [f"warning: {warning}"]
    doc = json.loads(r.stdout)
    assert doc["warnings"] == [warning]
    rows = {row["input"]: row["shapley"] for row in doc["bridges"][0]["inputs"]}
    assert rows["catalogue.launch_vehicles.Falcon9.price_usd"] == 0.0
    assert rows[LAUNCH_KEY] + rows[GRID_KEY] == pytest.approx(v["b"] - v["a"], rel=1e-9)


@pytest.mark.parametrize(("extra", "message"), [
    (("--metric", "cost.per_pflop_dya"), "--metric 'cost.per_pflop_dya': leo has no such metric; did you mean 'cost.per_pflop_day'?"),
    (("--architecture", "lunar"), "--architecture 'lunar': not an instance of B with one of the same type in A"),
])
def test_bad_metric_or_architecture_exits_2_with_one_line(toy, extra, message):
    files, _ = toy
    r = invoke("bridge", str(files["a"]), str(files["b"]), "--architecture", "leo", *extra) if extra[0] == "--metric" \
        else invoke("bridge", str(files["a"]), str(files["b"]), *extra)
    assert r.exit_code == 2, r.output
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], r.stderr
    assert "Traceback" not in r.stderr


def test_same_file_twice_has_nothing_to_bridge(toy):
    """The same file twice: every change is zero and the bridge says why (no input differs)."""
    files, v = toy
    r = invoke("bridge", str(files["a"]), str(files["a"]), "--architecture", "leo", "--format", "json")
    assert r.exit_code == 0, r.output
    (one,) = json.loads(r.stdout)["bridges"]
    assert one["total"] == 0.0 and one["inputs"] == []
    assert one["notes"] == ["the two scenarios give this architecture the same inputs"]


def test_bad_scenario_file_exits_2_naming_file_and_key(tmp_path, toy):
    files, _ = toy
    bad = tmp_path / "bad.toml"
    bad.write_text(HEAD.format(name="bad") + "\n[models]\n\"cost.discount_rat\" = 0.05\n", encoding="utf-8")
    out = tmp_path / "out"
    r = invoke("bridge", str(files["a"]), str(bad), "--out", str(out))
    assert r.exit_code == 2 and r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {bad}: models.cost.discount_rat: ") and "did you mean" in lines[0]
    assert not out.exists()


@pytest.mark.slow
def test_starcloud_white_paper_to_default_is_attributed_to_named_inputs():
    """The white paper's own inputs against the default comparison: the Shapley shares of the named inputs
    (B200 satellites, $0.05/W arrays, $5M Starship, the workload, the radiator) sum to the whole change of
    leo's cost per PFLOP-day, and so do the steps in the stated order."""
    reg = default_registry()
    a = load_scenario(ROOT / "scenarios" / "claims" / "starcloud_white_paper.toml", reg)
    b = load_scenario(ROOT / "scenarios" / "default.toml", reg)
    (res,) = bridge(a, b, reg, metric="cost.per_pflop_day", architecture="leo")
    runs = (evaluate(a, reg).ledgers["leo"].get("cost.per_pflop_day"), evaluate(b, reg).ledgers["leo"].get("cost.per_pflop_day"))
    assert (res.a_value, res.b_value) == pytest.approx(runs, rel=1e-9)
    total = runs[1] - runs[0]
    named = [k.name for k in res.keys]
    assert "catalogue.launch_vehicles.Starship.price_usd" in named
    assert "catalogue.power_sources.Si-COTS.cost_usd_per_w" in named
    assert sum(res.shapley.values()) == pytest.approx(total, rel=1e-9)
    assert res.attributed >= 0.9
    assert sum(step for _, step in res.sequential) == pytest.approx(total, rel=1e-9)
    assert sum(res.alone.values()) + res.interaction == pytest.approx(total, rel=1e-9)
    # the $5M Starship and the $0.05/W arrays both make the white paper cheaper than the default
    assert res.shapley["catalogue.launch_vehicles.Starship.price_usd"] > 0
    assert res.shapley["catalogue.power_sources.Si-COTS.cost_usd_per_w"] > 0


def test_inputs_that_fail_apart_are_bridged_as_one(toy, tmp_path):
    """B runs LEO on an int8-only chip (GuoXing's 744 TOPS) at int8, and pays 2 $M a Starship flight. The chip with
    A's fp16 workload, or fp16 with B's chip, gives no value: those two inputs are joined into one key, with a
    note; the launch price stays its own key. The two keys' Shapley shares are their exact two-player values:
    φ(launch) = ½[(v(launch) − v(∅)) + (v(all) − v(chip+precision))], and the shares sum to the change."""
    b = tmp_path / "int8.toml"
    b.write_text(HEAD.format(name="int8").replace('precision = "fp16"', 'precision = "int8"')
                 .replace("[architectures.leo]\n", '[architectures.leo]\nchip = "GuoXing-744TOPS"\n') + LAUNCH,
                 encoding="utf-8")
    only_chip = tmp_path / "chip.toml"
    only_chip.write_text(b.read_text(encoding="utf-8").replace(LAUNCH, ""), encoding="utf-8")
    files, _ = toy
    reg = default_registry()
    a = load_scenario(files["a"], reg)
    (res,) = bridge(a, load_scenario(b, reg), reg, metric="cost.per_pflop_day", architecture="leo")
    names = [k.name for k in res.keys]
    assert names == ["workload.precision + leo.chip", LAUNCH_KEY]
    assert res.notes == ["workload.precision + leo.chip: a mix with only some of these gives no value, so they are "
                         "bridged as one input"]
    v = {name: evaluate(load_scenario(path, reg), reg).ledgers["leo"].get("cost.per_pflop_day")
         for name, path in (("none", files["a"]), ("launch", files["launch"]), ("chip", only_chip), ("all", b))}
    assert (res.a_value, res.b_value) == pytest.approx((v["none"], v["all"]), rel=1e-9)
    launch = 0.5 * ((v["launch"] - v["none"]) + (v["all"] - v["chip"]))
    assert res.shapley[LAUNCH_KEY] == pytest.approx(launch, rel=1e-9)
    assert sum(res.shapley.values()) == pytest.approx(v["all"] - v["none"], rel=1e-9)


def test_an_instance_b_names_differently_is_bridged_from_as_type_in_a(toy, tmp_path):
    """B calls its LEO cluster "demo" and pays 2 $M a Starship flight: `sandbox bridge A B` bridges B's demo from A's
    leo (the same type), as the validation page does, and the Starship price is the whole change: the leo cost of
    the launch file less A's."""
    files, _ = toy
    b = tmp_path / "demo.toml"
    b.write_text(files["launch"].read_text(encoding="utf-8").replace("[architectures.leo]\n",
                                                                    '[architectures.demo]\ntype = "leo"\n'),
                 encoding="utf-8")
    r = invoke("bridge", str(files["a"]), str(b), "--format", "json")
    assert r.exit_code == 0, r.output
    doc = {x["architecture"]: x for x in json.loads(r.stdout)["bridges"]}
    assert set(doc) == {"ground", "demo"} and doc["demo"]["paired_from"] == "leo"
    assert doc["demo"]["notes"][0] == "A's 'leo' is bridged to B's 'demo' (the same architecture type)"
    reg = default_registry()
    leo = {name: evaluate(load_scenario(files[name], reg), reg).ledgers["leo"].get("cost.per_pflop_day")
           for name in ("a", "launch")}
    assert (doc["demo"]["a"], doc["demo"]["b"]) == pytest.approx((leo["a"], leo["launch"]), rel=1e-9)
    (row,) = doc["demo"]["inputs"]
    assert row["input"] == LAUNCH_KEY and row["shapley"] == pytest.approx(leo["launch"] - leo["a"], rel=1e-9)


def test_the_engine_added_baseline_pairs_with_defaults(tmp_path):
    """A names no ground (the engine adds it with its defaults); B names its ground hall "hall" with PUE 1.3: the hall
    is bridged from A's added baseline, and hall.pue is the whole change (B's hall less A's ground, both by run)."""
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text("[architectures.leo]\n", encoding="utf-8")
    b.write_text('[architectures.hall]\ntype = "ground"\npue = 1.3\n', encoding="utf-8")
    doc = bridged(a, b, "--architecture", "hall")
    ends = (run_value(a, "ground"), run_value(b, "hall"))
    assert doc["paired_from"] == "ground" and (doc["a"], doc["b"]) == pytest.approx(ends, rel=1e-9)
    (row,) = doc["inputs"]
    assert row["input"] == "hall.pue" and row["shapley"] == pytest.approx(ends[1] - ends[0], rel=1e-9)


def test_files_with_no_common_architecture_bridge_the_baseline_and_name_the_rest(tmp_path):
    """A states only leo, B only lunar: the one instance both have is the ground baseline the engine adds to each,
    with its defaults in both, so its change is 0 (130 → 130 USD per PFLOP-day, the same run twice); the bridge
    says which instances it could not pair (before, the mix of the two files had no [architectures] table left and
    the bridge failed with "a mix of the two scenarios is invalid")."""
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text("[architectures.leo]\n", encoding="utf-8")
    b.write_text("[architectures.lunar]\n", encoding="utf-8")
    doc = bridged(a, b)
    assert doc["architecture"] == "ground" and doc["a"] == doc["b"] == pytest.approx(run_value(a, "ground"), rel=1e-12)
    assert doc["total"] == 0.0 and doc["inputs"] == []
    assert "not bridged, no instance of the same type in the other file: A's 'leo' (leo), B's 'lunar' (lunar)" \
        in doc["notes"]


@pytest.mark.slow
def test_bridge_report_renders_the_waterfall_in_chromium(toy, tmp_path_factory):
    """--out writes bridge.html with the waterfall of each architecture; headless Chromium decodes it."""
    from PIL import Image
    from test_html_report import parse, run_chromium

    files, v = toy
    out = tmp_path_factory.mktemp("bridge-out") / "out"
    r = invoke("bridge", str(files["a"]), str(files["b"]), "--metric", METRIC, "--architecture", "leo", "--out", str(out))
    assert r.exit_code == 0, r.output
    assert {p.name for p in out.iterdir()} == {"bridge.json", "bridge.csv", "bridge.html", "waterfall-leo.png",
                                               "waterfall-leo.svg", ".sandbox-output.json"}
    svg = (out / "waterfall-leo.svg").read_text(encoding="utf-8")
    for gid in ("waterfall:A", "waterfall:B", f"waterfall:{LAUNCH_KEY}", f"waterfall:{GRID_KEY}", "interaction"):
        assert f'id="{gid}"' in svg, gid
    done = run_chromium(["--dump-dom", (out / "bridge.html").as_uri()], tmp_path_factory.mktemp("profile"))
    dom = parse(done.stdout.decode("utf-8"))
    (body,) = dom.find("body")
    assert body.attrs.get("data-images-loaded") == "1/1"
    (img,) = list(dom.iter("img"))
    assert img.attrs["data-figure"] == "waterfall-leo"
    png = Image.open(out / "waterfall-leo.png")
    assert img.attrs["data-natural-size"] == f"{png.width}x{png.height}"
    assert img.attrs["data-opaque"] == "1.0000" and float(img.attrs["data-ink"]) > 0.02
    assert img.parent.tag == "figure" and "Waterfall" in img.parent.find("figcaption")[0].text()
    (table,) = dom.find("table", data_table="bridge")
    inputs = [tr.find("td")[3].text() for tr in table.find("tbody")[0].find("tr")]
    assert set(inputs) == {LAUNCH_KEY, GRID_KEY, "(interaction)"}


def test_a_claims_file_bridges_its_renamed_instance_although_its_claim_names_the_old_one():
    """musk_100gw.toml's Starship instance is named musk_100gw and its [claim] names it; bridged to the default's
    starship it is renamed, and the renamed copy used to fail validation on the claim (a traceback). The two ends
    equal the runs of the two files and the Shapley shares sum to the change."""
    a, b = ROOT / "scenarios" / "claims" / "musk_100gw.toml", ROOT / "scenarios" / "default.toml"
    doc = bridged(a, b, "--architecture", "starship")
    ends = (run_value(a, "musk_100gw"), run_value(b, "starship"))
    assert doc["paired_from"] == "musk_100gw" and (doc["a"], doc["b"]) == pytest.approx(ends, rel=1e-9)
    assert sum(row["shapley"] for row in doc["inputs"]) == pytest.approx(ends[1] - ends[0], rel=1e-9)


def test_inputs_a_rule_ties_together_are_bridged_as_one():
    """guoxing_2035.toml spreads a peak target over a stated satellite count; the default sizes the cluster to the
    workload (satellites 0, no target). A's target with B's count breaks the LEO rule 'a peak target needs
    satellites', so those inputs (and the workload that the sizing reads with them) are joined into one input,
    as for a mix the design refuses, instead of stopping the bridge."""
    a, b = ROOT / "scenarios" / "claims" / "guoxing_2035.toml", ROOT / "scenarios" / "default.toml"
    doc = bridged(a, b, "--architecture", "leo")
    joined = [row["input"] for row in doc["inputs"] if "leo.peak_compute_target" in row["input"]]
    assert joined and "leo.satellites" in joined[0]
    assert sum(row["shapley"] for row in doc["inputs"]) == pytest.approx(doc["total"], rel=1e-9)
    assert doc["a"] == pytest.approx(run_value(a, "guoxing_inference"), rel=1e-9)


@pytest.mark.parametrize("reverse", [False, True])
def test_the_baseline_a_file_leaves_to_the_engine_is_bridged_with_the_other_files_parameters(tmp_path, reverse):
    """A file stating only leo gets the engine's ground with its defaults; the white paper states its ground (B200,
    PUE 1.05, 10 yr). Those parameters used to be left out of the bridge of ground (the end points missed them:
    98.96 USD instead of the run's 37.61, and the bridge stopped). They are now the same inputs as against a file
    that states an empty [architectures.ground] table, with the same shares."""
    paper = ROOT / "scenarios" / "claims" / "starcloud_white_paper.toml"
    bare, stated = tmp_path / "bare.toml", tmp_path / "stated.toml"
    bare.write_text("[architectures.leo]\n", encoding="utf-8")
    stated.write_text("[architectures.leo]\n[architectures.ground]\n", encoding="utf-8")
    docs = []
    for other in (bare, stated):
        pair = (paper, other) if reverse else (other, paper)
        docs.append(bridged(*pair, "--architecture", "ground"))
    assert {row["input"]: row["shapley"] for row in docs[0]["inputs"]} == \
        pytest.approx({row["input"]: row["shapley"] for row in docs[1]["inputs"]}, rel=1e-12)
    assert "ground (chip, lifetime, pue)" in {row["input"] for row in docs[0]["inputs"]}
    assert docs[0]["a" if reverse else "b"] == pytest.approx(run_value(paper, "ground"), rel=1e-9)


def test_a_stated_value_equal_to_a_default_other_inputs_move_is_still_an_input():
    """guoxing_2035.toml states utilisation = 0.40 for its training cluster under an inference workload; the white
    paper leaves its leo's utilisation to the default, which its training workload makes 0.40 too. Equal in the two
    files, yet a mix with the inference workload takes the inference default: the parameter was skipped as
    "stated as its default", and the bridge's B end (771 USD per PFLOP-day) missed the run of B (578)."""
    a, b = ROOT / "scenarios" / "claims" / "starcloud_white_paper.toml", ROOT / "scenarios" / "claims" / "guoxing_2035.toml"
    doc = bridged(a, b, "--architecture", "guoxing_training")
    ends = (run_value(a, "leo"), run_value(b, "guoxing_training"))
    assert (doc["a"], doc["b"]) == pytest.approx(ends, rel=1e-9)
    assert any("utilisation" in row["input"] for row in doc["inputs"])
    assert sum(row["shapley"] for row in doc["inputs"]) == pytest.approx(ends[1] - ends[0], rel=1e-9)


def test_a_second_ground_hall_is_bridged_relative_to_the_other_files_baseline(tmp_path):
    """solar_in_orbit_vs_ground.toml has the baseline 'ground' and a second hall 'ground_pue158' (PUE 1.58). From a
    file with one ground, that ground was renamed ground_pue158 and so became its own baseline: both ends of
    cost.per_pflop_day.vs_baseline were 1 against the run's 1.03, and the bridge stopped. A's ground now stays
    the baseline and a copy is bridged, so the ends are the runs and the PUE carries the whole change."""
    a, b = tmp_path / "a.toml", ROOT / "scenarios" / "claims" / "solar_in_orbit_vs_ground.toml"
    a.write_text("[architectures.leo]\n", encoding="utf-8")
    doc = bridged(a, b, "--architecture", "ground_pue158", "--metric", METRIC)
    reg = default_registry()
    run_b = evaluate(load_scenario(b, reg), reg)
    assert doc["a"] == 1.0
    assert doc["b"] == pytest.approx(run_b.ledgers["ground_pue158"].get(METRIC), rel=1e-9)
    assert doc["b"] == pytest.approx(run_b.ledgers["ground_pue158"].get("cost.per_pflop_day")
                                     / run_b.ledgers["ground"].get("cost.per_pflop_day"), rel=1e-9)
    (top, *_) = doc["inputs"]
    assert top["input"] == "ground_pue158.pue" and top["shapley"] == pytest.approx(doc["total"], rel=1e-9)


def test_a_metric_some_architectures_lack_bridges_those_that_report_it(tmp_path):
    """orbit.period is a LEO metric the ground hall does not report: the bridge of leo is made (the altitude is the
    whole change, as the two runs give it) and one note on stderr says the ground was left out and why; only when no
    architecture reports the metric in both files is it refused (before, any architecture without it refused it)."""
    a, b, c = tmp_path / "a.toml", tmp_path / "b.toml", tmp_path / "c.toml"
    a.write_text("[architectures.ground]\n[architectures.leo]\n", encoding="utf-8")
    b.write_text('[architectures.ground]\n[architectures.leo]\naltitude = "550 km"\n', encoding="utf-8")
    c.write_text("[architectures.ground]\n[architectures.leo]\nmodel_latency = false\n", encoding="utf-8")
    r = invoke("bridge", str(a), str(b), "--metric", "orbit.period", "--format", "json")
    assert r.exit_code == 0, r.output
    assert r.stderr.splitlines() == ["note: --metric 'orbit.period': not bridged for ground (no such metric); "
                                     "bridged for leo"]
    (doc,) = json.loads(r.stdout)["bridges"]
    ends = (run_value(a, "leo", "orbit.period"), run_value(b, "leo", "orbit.period"))
    assert doc["architecture"] == "leo" and doc["unit"] == "min"
    assert (doc["a"], doc["b"]) == pytest.approx(ends, rel=1e-9) and ends[1] < ends[0]  # lower orbit, shorter period
    (row,) = doc["inputs"]
    assert row["input"] == "leo.altitude" and row["shapley"] == pytest.approx(ends[1] - ends[0], rel=1e-9)
    for args, message in (
            (("--metric", "orbit.period", "--architecture", "ground"),
             "error: --metric 'orbit.period': ground has no such metric"),
            (("--metric", "latency.best"),  # c's leo does not model latency: reported in A only
             f"error: --metric 'latency.best': ground has no such metric; leo has no such metric in B ({c})")):
        r = invoke("bridge", str(a), str(c if args[1] == "latency.best" else b), *args)
        assert r.exit_code == 2 and r.stdout == ""
        assert r.stderr.splitlines() == [message]


def test_a_bridge_with_no_change_says_so_instead_of_attributing_all_of_it(tmp_path):
    """B lowers leo's orbit, which leaves its latency coverage at 1: the table said "attributed to named inputs:
    100.0% of the change" of a change of 0; it now says there is no change to attribute."""
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text("[architectures.ground]\n[architectures.leo]\n", encoding="utf-8")
    b.write_text('[architectures.ground]\n[architectures.leo]\naltitude = "550 km"\n', encoding="utf-8")
    r = invoke("bridge", str(a), str(b), "--metric", "latency.coverage", "--architecture", "leo")
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[0] == f"leo: latency.coverage from 1 (A: {a}) to 1 (B: {b}), change 0"
    assert lines[-1] == "  no change: A and B give the same latency.coverage for leo, nothing to attribute"
    assert "attributed" not in r.stdout


def test_a_second_bridge_into_its_folder_removes_the_first_ones_other_files(toy, tmp_path):
    """B bridges ground and leo, C only the ground: the second `bridge --out` into the same folder used to leave
    waterfall-leo.png/.svg of the first beside a bridge.json that no longer names leo. They are removed (the marker
    lists what the command wrote); the user's own file stays."""
    files, _ = toy
    c = tmp_path / "c.toml"
    c.write_text(HEAD.format(name="c").split("[architectures.leo]")[0] + GRID, encoding="utf-8")
    out = tmp_path / "out"
    r = invoke("bridge", str(files["a"]), str(files["b"]), "--metric", METRIC, "--out", str(out))
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in out.iterdir()) == [".sandbox-output.json", "bridge.csv", "bridge.html", "bridge.json",
                                                    "waterfall-ground.png", "waterfall-ground.svg", "waterfall-leo.png",
                                                    "waterfall-leo.svg"]
    (out / "my-notes.txt").write_text("mine", encoding="utf-8")
    r = invoke("bridge", str(files["a"]), str(c), "--metric", METRIC, "--out", str(out))
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in out.iterdir()) == [".sandbox-output.json", "bridge.csv", "bridge.html", "bridge.json",
                                                    "my-notes.txt", "waterfall-ground.png", "waterfall-ground.svg"]
    assert (out / "my-notes.txt").read_text(encoding="utf-8") == "mine"
    assert r.stdout.splitlines()[-1] == f"removed from {out}/ (earlier output, not written this time): waterfall-leo.png/.svg"
    assert [x["architecture"] for x in json.loads((out / "bridge.json").read_text(encoding="utf-8"))["bridges"]] == ["ground"]
    marker = json.loads((out / ".sandbox-output.json").read_text(encoding="utf-8"))
    assert marker["command"] == "bridge" and marker["files"] == ["bridge.csv", "bridge.html", "bridge.json",
                                                                 "waterfall-ground.png", "waterfall-ground.svg"]


def test_a_second_bridge_that_cannot_be_written_keeps_the_first_whole(toy, tmp_path):
    """The second bridge's waterfall-hall.png has a folder in its way: nothing is written and the first bridge's files,
    waterfall-leo.png/.svg included, are all there as they were (removing them is part of the same commit)."""
    files, _ = toy
    c = tmp_path / "c.toml"
    c.write_text(HEAD.format(name="c").replace("[architectures.leo]\nmodel_latency = false\n",
                                               '[architectures.hall]\ntype = "ground"\npue = 1.3\n'), encoding="utf-8")
    out = tmp_path / "out"
    r = invoke("bridge", str(files["a"]), str(files["b"]), "--metric", METRIC, "--out", str(out))
    assert r.exit_code == 0, r.output
    (out / "waterfall-hall.png").mkdir()
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    r = invoke("bridge", str(files["a"]), str(c), "--metric", METRIC, "--out", str(out))
    assert r.exit_code == 2
    assert r.stderr.splitlines() == [f"error: --out {out}: cannot write waterfall-hall.png: a folder is in the way"]
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert sorted(p.name for p in out.iterdir()) == sorted([*before, "waterfall-hall.png"])


def test_a_share_that_rounds_to_nothing_is_never_shown_as_minus_zero():
    """An input worth −0.01 of a +100 change (−0.01 %) printed as "-0.0%" beside the +100.0 % of the other."""
    from sandbox.cli.bridge import table
    from sandbox.studies.bridge import BridgeResult, Key

    keys = [Key("x", ("x",), 1.0, 2.0, True), Key("y", ("y",), 1.0, 2.0, True)]
    result = BridgeResult("leo", "cost.per_pflop_day", "USD", 100.0, 200.0, keys, {"x": 100.01, "y": -0.01},
                          {"x": 100.01, "y": -0.01}, [("x", 100.01), ("y", -0.01)], "exact", 4)
    rows = {line.split()[0]: line.split() for line in table(result, "a.toml", "b.toml").splitlines()[4:6]}
    assert rows["x"][4] == "100.0%" and rows["y"][4] == "0.0%"  # 100.01 / 100 and −0.01 / 100 of the change
