"""The deployment timeline (sandbox.studies.timeline) and the `timeline` command, checked against hand calculations."""

from __future__ import annotations

import io
import json
import math

import numpy as np
import pandas as pd
import pytest
from _scenarios import standard_toml
from click.testing import CliRunner

from sandbox.cli import cli
from sandbox.core.scenario import load_scenario
from sandbox.core.sourced import Sourced
from sandbox.ledger.engine import evaluate
from sandbox.studies.timeline import (
    DEFAULTS,
    TimelineError,
    cumulative_mass_t,
    hardware_factor,
    launch_price_factor,
    parameters,
    timeline,
)

HEAD = standard_toml("timeline test", 11)

# Nominal timeline parameters, fixed (no range): a deterministic world.
FIXED = {**{k: float(v.nominal) for k, v in DEFAULTS.items()}, "launch_progress_ratio": 0.85}


def scenario_with(registry, tmp_path, body: str):
    path = tmp_path / "s.toml"
    path.write_text(HEAD + body, encoding="utf-8")
    return load_scenario(path, registry)


def crf(rate: float, years: float) -> float:
    """Capital recovery factor r / (1 - (1 + r)^-n) (Newnan, Engineering Economic Analysis, ch. 4)."""
    return rate / (1.0 - (1.0 + rate) ** -years)


# ----------------------------------------------------------------------------- the curves


def test_wright_law_two_doublings():
    """No growth: M(y) = M_ref + m × (y − 2024). M_ref = m = 1,000 t: M(2024) = 1,000 t, M(2027) = 4,000 t,
    two doublings of cumulative mass; at an 85 % curve the price is 0.85² = 0.7225 × price0 (Wright 1936)."""
    assert launch_price_factor(2027, 2024, 0.85, 1000.0, 1000.0, 0.0) == pytest.approx(0.7225, rel=1e-12)
    assert launch_price_factor(2025, 2024, 0.85, 1000.0, 1000.0, 0.0) == pytest.approx(0.85, rel=1e-12)  # one doubling
    assert launch_price_factor(2024, 2024, 0.85, 1000.0, 1000.0, 0.0) == 1.0
    assert launch_price_factor(2027, 2024, 1.0, 1000.0, 1000.0, 0.0) == 1.0  # no learning


def test_cumulative_mass_by_hand():
    """M_ref = 25,000 t at the end of 2024, 1,900 t launched in 2024 growing 20 %/yr:
    2025: 2,280 t, 2026: 2,736 t, 2027: 3,283.2 t → M(2027) = 25,000 + 8,299.2 = 33,299.2 t;
    M(2023) = 25,000 − 1,900 (the 2024 launches) = 23,100 t."""
    assert cumulative_mass_t(2027, 25_000.0, 1_900.0, 0.2) == pytest.approx(33_299.2, rel=1e-12)
    assert cumulative_mass_t(2024, 25_000.0, 1_900.0, 0.2) == pytest.approx(25_000.0, rel=1e-12)
    assert cumulative_mass_t(2023, 25_000.0, 1_900.0, 0.2) == pytest.approx(23_100.0, rel=1e-12)
    assert cumulative_mass_t(2022, 25_000.0, 1_900.0, 0.2) == pytest.approx(23_100.0 - 1_900.0 / 1.2, rel=1e-12)


def test_flop_per_watt_doubling():
    """2^((y − y0)/T): one doubling time → 2×, two → 4×, the start year → 1×."""
    assert hardware_factor(2027 + 2.6, 2027, 2.6) == pytest.approx(2.0, rel=1e-12)
    assert hardware_factor(2027 + 5.2, 2027, 2.6) == pytest.approx(4.0, rel=1e-12)
    assert hardware_factor(2027, 2027, 2.6) == 1.0


def test_parameters_carry_sources(registry):
    p = parameters(registry)
    assert set(p) == {*DEFAULTS, "launch_progress_ratio"}
    for name, s in p.items():
        assert s.source and s.uncertain and s.low <= s.nominal <= s.high, name
    assert p["launch_progress_ratio"] is registry.models.default("launch.launch_progress_ratio")
    assert "Space Foundation" in p["launch_mass_t_per_year"].source
    assert "Epoch AI" in p["flop_per_watt_doubling_years"].source
    with pytest.raises(TimelineError, match="no timeline parameter"):
        parameters(registry, {"nonsense": 1.0})
    with pytest.raises(TimelineError, match="launch_progress_ratio"):
        parameters(registry, {"launch_progress_ratio": 1.5})


# ----------------------------------------------------------------------------- the study


def test_deterministic_path_and_learning_crossover_by_hand(registry, tmp_path):
    """Ground made dearer (facility capex 790 USD/W, annualised over the building's 15 years) so that LEO starts
    10 % above it and only the launch learning curve can close the gap.

    Per year (sandbox/ledger/element.py, everything else fixed): chips deliver h(y) = 2^((y−2027)/2.6) × more
    at the same cost, so the ground costs C_g(y) = C_g0 / h(y); LEO's launch capex scales with f(y), the
    Wright factor, and so does the insurance on it (cost.insurance_fraction × launch), so
    C_L(y) = (C_L0 − L (1 − f(y))) / h(y) with L = launch capex × (1 + f_ins) × CRF(8 %, life) per
    PFLOP-day. LEO is in service from 2027 + 2 yr; it crosses in the first such year with C_L < C_g."""
    s = scenario_with(registry, tmp_path, '[architectures.ground]\nfacility_capex = "790 USD/W"\n[architectures.leo]\n')
    r = timeline(s, registry, draws=1, params=FIXED, uncertain=False)
    run = evaluate(s, registry)
    g, leo = run.ledgers["ground"], run.ledgers["leo"]
    c_g0, c_l0 = g.get("cost.per_pflop_day"), leo.get("cost.per_pflop_day")
    f_ins = registry.models.value("cost.insurance_fraction")
    launch = (leo.get("capex.launch") * 1e6 * (1 + f_ins) * crf(0.08, leo.get("life.effective"))
              / (leo.get("compute.delivered") * 365.25))
    assert c_l0 / c_g0 == pytest.approx(1.10, abs=0.01)

    def wright(y: int) -> float:  # M by an explicit year loop, not the module's closed form
        def m(year: int) -> float:
            return 25_000.0 + sum(1_900.0 * 1.2 ** (k - 2024) for k in range(2025, year + 1))
        return (m(y) / m(2027)) ** math.log2(0.85)

    t = r.table.set_index(["architecture", "year"])
    expected_cross = None
    for y in range(2027, 2048):
        h = 2.0 ** ((y - 2027) / 2.6)
        ground = c_g0 / h
        space = (c_l0 - launch * (1.0 - wright(y))) / h
        assert t.loc[("ground", y), "cost.per_pflop_day"] == pytest.approx(ground, rel=1e-9)
        assert t.loc[("leo", y), "cost.per_pflop_day"] == pytest.approx(space, rel=1e-9)
        assert bool(t.loc[("leo", y), "available"]) == (y >= 2029)
        assert bool(t.loc[("ground", y), "available"]) == (y >= 2031)  # max(build 2 yr, grid wait 4 yr)
        if expected_cross is None and y >= 2029 and space < ground:
            expected_cross = y
    assert expected_cross == 2043  # worked out above; pinned so a model change shows here
    cross = r.crossover.set_index("architecture").loc["leo"]
    assert (cross.p05, cross.p50, cross.p95, cross.never_fraction) == (2043.0, 2043.0, 2043.0, 0.0)
    assert r.factors["launch_price_factor"].iloc[-1] == pytest.approx(wright(2047), rel=1e-12)


def test_space_cheaper_from_the_start_crosses_when_in_service(registry, tmp_path):
    """Ground at 3,000 USD/W of facility capex costs ~10,000 USD per PFLOP-day, above LEO (~1,600) and
    Starship modules (~800) at nominal inputs. Chips improve every architecture alike and launch
    learning only lowers the space costs, so in every draw of the timeline parameters space stays
    cheaper and crosses as soon as it is in service: 2027 + ceil(years to service), LEO 2 yr → 2029,
    Starship 2.007 yr (lead time + launch campaign) → 2030."""
    s = scenario_with(registry, tmp_path, '[architectures.ground]\nfacility_capex = "3000 USD/W"\n'
                                          '[architectures.leo]\n[architectures.starship]\nchips_per_module = 250\n')
    run = evaluate(s, registry)
    r = timeline(s, registry, end_year=2035, draws=200, uncertain=False)
    cross = r.crossover.set_index("architecture")
    for arch in ("leo", "starship"):
        expected = 2027 + math.ceil(run.ledgers[arch].get("time.years_to_service"))
        row = cross.loc[arch]
        assert (row.p05, row.p50, row.p95, row.never_fraction) == (expected, expected, expected, 0.0)
        assert row.available_from == expected
    assert cross.loc["leo", "p50"] == 2029 and cross.loc["starship", "p50"] == 2030
    assert r.summary.query("architecture == 'leo' and year < 2029")["p50"].isna().all()  # not yet in service


def test_monte_carlo_draws_and_hardware_scaling_of_the_ground(registry, tmp_path):
    """With every input drawn, a draw keeps its inputs over the years: the ground (no launches) then
    costs exactly C(y0) / chip factor(y) in each draw."""
    s = scenario_with(registry, tmp_path, "[architectures.ground]\n[architectures.leo]\n")
    r = timeline(s, registry, end_year=2037, draws=300, seed=4)
    assert len(r.table) == 11 * 300 * 2
    ground = r.table[r.table["architecture"] == "ground"].pivot(index="draw", columns="year", values="cost.per_pflop_day")
    chip = r.factors.pivot(index="draw", columns="year", values="chip_ops_factor")
    np.testing.assert_allclose(ground[2037], ground[2027] / chip[2037], rtol=1e-9)
    assert ground[2027].std() > 0  # the uncertain inputs are drawn
    # T drawn from the triangular (1.7, 2.6, 3.0) yr: factors after 10 years between 2^(10/3) and 2^(10/1.7)
    assert chip[2037].min() >= 2 ** (10 / 3.0) and chip[2037].max() <= 2 ** (10 / 1.7)
    price = r.factors.pivot(index="draw", columns="year", values="launch_price_factor")
    assert (price[2027] == 1.0).all() and (price[2037] < 1.0).all()
    # summary percentiles of the available draws, by hand
    leo_2035 = r.table.query("architecture == 'leo' and year == 2035")["cost.per_pflop_day"]
    got = r.summary.set_index(["architecture", "year"]).loc[("leo", 2035)]
    assert got.p50 == pytest.approx(np.percentile(leo_2035, 50)) and got.p05 < got.p50 < got.p95
    vs = r.table.query("architecture == 'leo'")["vs_baseline"].to_numpy()
    base = r.table.query("architecture == 'ground'")["cost.per_pflop_day"].to_numpy()
    np.testing.assert_allclose(vs * base, r.table.query("architecture == 'leo'")["cost.per_pflop_day"], rtol=1e-12)
    # the same seed gives the same numbers, another seed others
    again = timeline(s, registry, end_year=2037, draws=300, seed=4)
    pd.testing.assert_frame_equal(again.table, r.table)
    other = timeline(s, registry, end_year=2037, draws=300, seed=5)
    assert not other.table["cost.per_pflop_day"].equals(r.table["cost.per_pflop_day"])


def test_fixed_parameters_and_bad_options(registry, tmp_path):
    s = scenario_with(registry, tmp_path, "[architectures.ground]\n")
    r = timeline(s, registry, end_year=2027, draws=3, params={"launch_progress_ratio": Sourced(0.9, "", "test")})
    assert r.assumptions.set_index("name").loc["launch_progress_ratio", "nominal"] == 0.9
    assert r.crossover.empty  # the baseline never crosses itself
    with pytest.raises(TimelineError, match="before the scenario's start year 2027"):
        timeline(s, registry, end_year=2026)
    with pytest.raises(TimelineError, match="draws"):
        timeline(s, registry, draws=0)
    with pytest.raises(TimelineError, match="more than"):
        timeline(s, registry, draws=1_000_000)


# ----------------------------------------------------------------------------- the command


def test_cli_table_csv_json_and_files(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(HEAD + '[architectures.ground]\nfacility_capex = "3000 USD/W"\n[architectures.leo]\n', encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(cli, ["timeline", str(path), "--draws", "50", "--end-year", "2037"], obj={})
    assert res.exit_code == 0, res.output
    assert "timeline 2027-2037, 50 draws (seed 11)" in res.output
    assert any(line.split()[:1] == ["leo"] and "2029" in line for line in res.output.splitlines())

    res = runner.invoke(cli, ["timeline", str(path), "--draws", "20", "--end-year", "2030", "--format", "csv"], obj={})
    assert res.exit_code == 0
    summary = pd.read_csv(io.StringIO(res.stdout))
    assert list(summary.columns[:5]) == ["year", "architecture", "p05", "p50", "p95"] and len(summary) == 4 * 2

    res = runner.invoke(cli, ["timeline", str(path), "--draws", "20", "--end-year", "2030", "--format", "json",
                                  "--seed", "3"], obj={})
    doc = json.loads(res.stdout)
    assert doc["seed"] == 3 and doc["crossover"][0]["architecture"] == "leo" and doc["crossover"][0]["p50"] == 2029
    assert {a["name"] for a in doc["assumptions"]} >= set(DEFAULTS)

    # --nominal: one world at nominal values, the case of test_deterministic_path_and_learning_crossover_by_hand
    path.write_text(HEAD + '[architectures.ground]\nfacility_capex = "790 USD/W"\n[architectures.leo]\n', encoding="utf-8")
    res = runner.invoke(cli, ["timeline", str(path), "--nominal", "--format", "json"], obj={})
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["draws"] == 1 and doc["crossover"][0]["p50"] == 2043 and doc["crossover"][0]["never_fraction"] == 0

    out = tmp_path / "out"
    res = runner.invoke(cli, ["timeline", str(path), "--draws", "20", "--end-year", "2032", "--out", str(out)], obj={})
    assert res.exit_code == 0, res.output
    names = {p.name for p in out.iterdir()}
    assert {"timeline.csv", "timeline.parquet", "timeline-summary.csv", "timeline-summary.parquet",
            "timeline-crossover.csv", "timeline-crossover.parquet", "timeline-assumptions.csv", "timeline.png",
            "timeline.svg"} <= names
    assert not [n for n in names if n.endswith(".tmp")]
    assert len(pd.read_parquet(out / "timeline.parquet")) == 6 * 20 * 2
    assert res.stdout.splitlines()[-1] == (
        f"wrote {out}/: timeline.csv/.parquet/.png/.svg, timeline-summary.csv/.parquet, timeline-crossover.csv/.parquet, "
        "timeline-factors.csv/.parquet, timeline-assumptions.csv")


def test_cli_bad_input_is_one_line_exit_2(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(HEAD + "[architectures.ground]\n", encoding="utf-8")
    runner = CliRunner()
    for args, text in ((["--draws", "0"], "error: --draws: expected a whole number >= 1, got 0"),
                       (["--end-year", "2020"], "error: --end-year 2020 is before the scenario's start year 2027"),
                       (["--seed", "-1"], "error: --seed"),
                       (["--draws", "1000000"], "error: "),
                       # one nominal world draws nothing: --draws and --seed beside it were silently ignored
                       (["--nominal", "--draws", "5"], "error: --draws: --nominal evaluates one world at the nominal "
                                                       "values and draws nothing; give one or the other"),
                       (["--nominal", "--seed", "3"], "error: --seed: --nominal evaluates one world"),
                       (["--end-year", "soon"], "")):
        res = runner.invoke(cli, ["timeline", str(path), *args], obj={})
        assert res.exit_code == 2, (args, res.output)
        assert text in res.stderr
        assert "Traceback" not in res.output
    res = runner.invoke(cli, ["timeline", str(tmp_path / "missing.toml")], obj={})
    assert res.exit_code == 2 and res.stderr.startswith("error: ") and len(res.stderr.strip().splitlines()) == 1


def test_an_expended_flight_learns_like_a_reused_one(registry, tmp_path):
    """Launch learning multiplies every vehicle's flight price, reused (price_usd) or expended
    (expendable_price_usd): the lunar hall's cargo Starships stay on the Moon and are priced expended, and its cost
    in 2037 is a run with both Starship prices × f(2037) (Wright, progress ratio 0.85 on cumulative mass launched),
    its chips 2^(10/2.6) × faster. Before, the expended price stayed at its 2027 value."""
    s = scenario_with(registry, tmp_path, "[architectures.lunar]\n")
    r = timeline(s, registry, draws=1, params=FIXED, uncertain=False)
    t = r.table.set_index(["architecture", "year"])

    def m(year: int) -> float:  # cumulative mass launched, as the other hand calculation above
        return 25_000.0 + sum(1_900.0 * 1.2 ** (k - 2024) for k in range(2025, year + 1))

    f, h = (m(2037) / m(2027)) ** math.log2(0.85), 2.0 ** (10 / 2.6)
    ship = registry.catalogues.launch_vehicles["Starship"]
    body = (f"[architectures.lunar]\n[catalogue.launch_vehicles.Starship]\nprice_usd = {ship.price_usd * f!r}\n"
            f"expendable_price_usd = {ship.expendable_price_usd * f!r}\n")
    learned = evaluate(scenario_with(registry, tmp_path, body), registry).ledgers["lunar"]
    assert t.loc[("lunar", 2037), "cost.per_pflop_day"] == pytest.approx(learned.get("cost.per_pflop_day") / h, rel=1e-9)
