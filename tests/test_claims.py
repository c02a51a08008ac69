"""Claims files (scenarios/claims/): each runs, its table lists every claimed figure next to the ledger's,
the band decides "within", and docs/validation.md is what `sandbox claims` gives now (never stale)."""

from __future__ import annotations

import math
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from sandbox.cli import cli
from sandbox.core.claim import DEFAULT_BAND
from sandbox.core.registry import default_registry
from sandbox.core.scenario import load_scenario
from sandbox.ledger.engine import evaluate
from sandbox.studies.claims import compare

ROOT = Path(__file__).resolve().parent.parent
CLAIMS = sorted((ROOT / "scenarios" / "claims").glob("*.toml"))
VALIDATION = ROOT / "docs" / "validation.md"


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), obj={})


def test_there_are_claims_files():
    names = {p.stem for p in CLAIMS}
    assert {"starcloud_white_paper", "suncatcher_200_per_kg", "critics_varda", "critics_wood_mackenzie",
            "turyshev_mass_per_kw", "starcloud1", "guoxing_demo_2025", "guoxing_2035", "musk_100gw"} <= names


@pytest.mark.parametrize("path", CLAIMS, ids=[p.stem for p in CLAIMS])
def test_every_claims_file_runs_and_lists_every_figure(path):
    """`sandbox run` exits 0 and prints one row per [[claim.figures]] with the ledger's value, and the claim is cited."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    claim = data["claim"]
    assert claim["source"] and claim["quote"] and claim["date"]
    r = invoke("run", str(path))
    assert r.exit_code == 0, r.output
    assert f"claim: {claim['title']}" in r.stdout
    reg = default_registry()
    result = evaluate(load_scenario(path, reg), reg)
    rows = compare(result)
    assert len(rows) == len(claim["figures"])
    table = r.stdout.split(f"claim: {claim['title']}", 1)[1]
    for row, fig in zip(rows, claim["figures"], strict=True):
        assert (row.figure.architecture, row.figure.metric) == (fig["architecture"], fig["metric"])
        assert row.project == result.ledgers[fig["architecture"]].get(fig["metric"])
        assert math.isfinite(row.project) and not row.error
        assert f"{fig['architecture']}: {fig['metric']}" in table
        assert row.within == (row.low <= row.project <= row.high)


def test_band_decides_within_and_defaults_to_ten_percent(tmp_path):
    """A figure inside its band is 'yes', outside 'NO'; without a band the band is ±10 % of the claim.
    The ground's cost per PFLOP-day against itself is exactly 1 (the baseline)."""
    path = tmp_path / "c.toml"
    path.write_text("""
[study]
name = "band"
[workload]
sustained_compute = "10 PFLOPS"
[claim]
title = "a toy claim"
source = "a test"
[[claim.figures]]
architecture = "ground"
metric = "cost.per_pflop_day.vs_baseline"
claimed = 1.09
what = "inside the default band"
[[claim.figures]]
architecture = "ground"
metric = "cost.per_pflop_day.vs_baseline"
claimed = 1.12
what = "outside the default band"
[[claim.figures]]
architecture = "ground"
metric = "cost.per_pflop_day.vs_baseline"
claimed = 3
low = 0.5
high = 3.5
what = "inside a stated band"
[[claim.figures]]
architecture = "ground"
metric = "power.it"
claimed = "1 GW"
low = "0.5 GW"
high = "2 GW"
what = "a quantity converted to the metric's unit"
[architectures.ground]
""", encoding="utf-8")
    reg = default_registry()
    rows = compare(evaluate(load_scenario(path, reg), reg))
    assert [r.project for r in rows[:3]] == [1.0, 1.0, 1.0]
    assert (rows[0].low, rows[0].high) == pytest.approx((1.09 * (1 - DEFAULT_BAND), 1.09 * (1 + DEFAULT_BAND)))
    assert [r.within for r in rows] == [True, False, True, False]
    assert (rows[3].claimed, rows[3].low, rows[3].high) == pytest.approx((1000.0, 500.0, 2000.0))  # MW
    r = invoke("run", str(path))
    assert r.exit_code == 0, r.output
    lines = [line for line in r.stdout.splitlines() if "ground: " in line]
    assert [line.split()[-1] for line in lines] == ["yes", "NO", "yes", "NO"]


def test_a_claim_naming_an_unknown_metric_exits_2(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[study]\nname = "x"\n[workload]\nsustained_compute = "10 PFLOPS"\n[claim]\ntitle = "t"\n'
                    'source = "s"\nbridge_from = "none"\n[[claim.figures]]\narchitecture = "ground"\n'
                    'metric = "cost.per_pflop_dya"\nclaimed = 1\n[architectures.ground]\n', encoding="utf-8")
    r = invoke("claims", str(path))
    assert r.exit_code == 2 and r.stdout == ""
    (line,) = r.stderr.strip().splitlines()
    assert line == (f"error: {path}: claim.figures[0].metric: ground has no metric 'cost.per_pflop_dya'; "
                    "did you mean 'cost.per_pflop_day'?")


def test_a_scenario_without_claim_is_refused_by_claims(tmp_path):
    r = invoke("claims", str(ROOT / "scenarios" / "default.toml"))
    assert r.exit_code == 2 and r.stdout == ""
    assert r.stderr.strip().splitlines() == [
        f"error: {ROOT / 'scenarios' / 'default.toml'}: claim: no [claim] table (a claims file states the claim it reproduces)"]


@pytest.mark.slow
def test_validation_page_is_up_to_date(monkeypatch):
    """`make validation` wrote docs/validation.md; `sandbox claims scenarios/claims/*.toml --check` regenerates
    the page (every claims file run and bridged) and finds it identical."""
    monkeypatch.chdir(ROOT)
    r = invoke("claims", *(str(p.relative_to(ROOT)) for p in CLAIMS), "--check", "docs/validation.md")
    assert r.exit_code == 0, f"docs/validation.md is stale: run `make validation`\n{r.output}"
    assert r.stdout == f"docs/validation.md: up to date ({len(CLAIMS)} claims)\n"


def test_validation_page_names_each_out_of_band_input():
    """Each claim the ledger does not reproduce with its own inputs has a note naming the input and the factor
    (the page is checked against the claims files by the test above)."""
    page = VALIDATION.read_text(encoding="utf-8")
    for title, words in (
        ("Starcloud white paper: 40 MW in orbit for $8.2M", "2.5 kg of spacecraft per kW"),
        ("Google Suncatcher: at $200/kg, launched power costs about what the ground pays for energy",
         "3.6× the mass the claim implies"),
        ("Varda Space Industries: orbital data centres cost ~3× more per watt than terrestrial ones", "2.6× that bound"),
        ("Wood Mackenzie: a 1 GW orbital data centre costs ~$170 bn, more than 3× a terrestrial one", "1.62×"),
        ("Turyshev (JPL): 34–59 kg of spacecraft per kW of IT power", "just within the paper's upper bound (0.96×)"),
    ):
        section = page.split(f"## {title}", 1)[1].split("\n## ", 1)[0]
        assert words in section, title
        assert "**no**" in section  # the page shows the gap the note explains
    assert "## Claims we could not source" in page and "ABI Research" in page and "Novaspace" in page
    # the white paper's bridge from the default comparison names its inputs
    section = page.split("## Starcloud white paper", 1)[1].split("\n## ", 1)[0]
    assert "`catalogue.launch_vehicles.Starship.price_usd` (default) → 5e+06" in section


@pytest.mark.slow
def test_stale_page_fails_check_with_exit_1(tmp_path, monkeypatch):
    """A page that no longer matches its claims files: --check exits 1 naming the file and the fix."""
    monkeypatch.chdir(ROOT)
    one = "scenarios/claims/starcloud1.toml"
    fresh = tmp_path / "validation.md"
    r = invoke("claims", one, "--write", str(fresh))
    assert r.exit_code == 0, r.output
    assert r.stdout == f"wrote {fresh} (1 claim)\n"
    page = fresh.read_text(encoding="utf-8")
    assert "| starcloud1: `sat.mass` ('roughly 60 kg') | 60 kg | 54 – 66 |" in page
    assert invoke("claims", one, "--check", str(fresh)).exit_code == 0
    fresh.write_text(page.replace("| 60 kg | 54 – 66 |", "| 60 kg | 50 – 66 |", 1), encoding="utf-8")
    r = invoke("claims", one, "--check", str(fresh))
    assert r.exit_code == 1
    assert r.stderr.strip().splitlines() == [f"error: {fresh} is stale: regenerate it with `make validation`"]


def test_write_to_a_url_or_a_folder_is_refused_before_anything_runs(tmp_path, monkeypatch):
    """`claims --write s3://b/page.md` would write a local folder named ``s3:``: one line, exit 2, and
    nothing written; so for a folder, or a path through a file. The checks come before the claims run."""
    monkeypatch.chdir(tmp_path)
    one = str(ROOT / "scenarios" / "claims" / "starcloud1.toml")
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    for target, words in (("s3://bucket/page.md", "local file only"), (str(tmp_path), "is a folder"),
                          ("afile/page.md", "afile is not a folder")):
        r = invoke("claims", one, "--write", target)
        assert r.exit_code == 2, r.output
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"error: --write {target}") and words in lines[0], lines
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]


def test_a_claimed_figure_whose_architecture_fails_is_a_failure_on_the_page_and_in_the_status(tmp_path):
    """A claim on the ground's cost with an H100 of 1e200 W (its power.load, 4e194 MW, is impossible): `sandbox claims`
    exited 0, left the figure out of the summary table and showed the claimed 1,000 USD as "nan". Now the summary
    and the section show the claim as written and "failed", and the command exits 1 with the failure, as `sandbox run`
    does. Without bridge_from, a claims file outside a claims folder names the default it looked for."""
    path = tmp_path / "fails.toml"
    text = ('[workload]\nsustained_compute = "1 PFLOPS"\n[architectures.ground]\n[catalogue.chips.H100-SXM]\n'
            'power_w = 1e200\n[claim]\ntitle = "T"\nsource = "S"\nbridge_from = "none"\n[[claim.figures]]\n'
            'architecture = "ground"\nmetric = "cost.per_pflop_day"\nclaimed = "1000 USD"\n')
    path.write_text(text, encoding="utf-8")
    res = invoke("claims", str(path))
    assert res.exit_code == 1
    assert "| [T](#t) | ground: `cost.per_pflop_day` | 1000 USD | failed | – |" in res.stdout
    assert "| ground: `cost.per_pflop_day` | 1000 USD | | failed: architecture 'ground' (plugin 'ground'): " in res.stdout
    assert res.stderr.startswith(f"error: {path}: architecture 'ground' (plugin 'ground'): EvaluationError: metric "
                                 "power.load is 4e+194 MW (")
    path.write_text(text.replace('bridge_from = "none"\n', ""), encoding="utf-8")
    res = invoke("claims", str(path))
    assert res.exit_code == 2 and res.stderr == (
        f"error: {path}: claim.bridge_from: {tmp_path.parent / 'default.toml'}: file not found (bridge_from is not set, so "
        "the page bridges from ../default.toml, the default scenario next to the claims folder: set bridge_from to the "
        'scenario to bridge from, or "none")\n')


def test_a_claims_date_may_be_a_toml_date():
    """`date = 2026-04-29` (a TOML date, not a string) was refused as "got datetime.date(2026, 4, 29)"."""
    from sandbox.core.scenario import validate

    data = tomllib.loads('[architectures.ground]\n[claim]\ntitle = "T"\nsource = "S"\ndate = 2026-04-29\nbridge_from = "none"\n'
                         '[[claim.figures]]\narchitecture = "ground"\nmetric = "cost.per_pflop_day"\nclaimed = "100 USD"\n')
    assert validate(data, default_registry()).claim.date == "2026-04-29"


def test_validate_says_a_claims_figures_are_checked_when_it_runs(tmp_path):
    """`validate` called a claims file "valid" whose figure `run` refuses (a claimed "60 km" for a mass in kg): the
    figure's metric exists only once the run has made it, so validate says it leaves that check to the run."""
    text = (ROOT / "scenarios" / "claims" / "starcloud1.toml").read_text().replace('claimed = "60 kg"', 'claimed = "60 km"')
    path = tmp_path / "c1.toml"
    path.write_text(text)
    res = CliRunner().invoke(cli, ["validate", str(path)], obj={})
    assert res.exit_code == 0
    assert res.output == (f"{path}: valid (2 architectures: starcloud1, ground); claim: 1 figure, whose metric names and "
                          "units are checked against the run's metrics when it runs (`sandbox claims`), not here\n")
    ran = CliRunner().invoke(cli, ["run", str(path)], obj={})
    assert ran.exit_code == 2
    assert f"error: {path}: claim.figures[0].claimed: '60 km' does not convert to the metric's unit (kg)" in ran.stderr
