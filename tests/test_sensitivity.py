"""One-at-a-time sensitivity (sandbox.studies.sensitivity) and the `sensitivity` command, checked against hand calculations."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest
from _scenarios import standard_toml
from click.testing import CliRunner

from sandbox.cli import cli
from sandbox.core.scenario import load_scenario
from sandbox.ledger.element import HOURS_PER_YEAR
from sandbox.ledger.engine import evaluate
from sandbox.studies.sensitivity import COLUMNS, SensitivityError, default_inputs, sensitivity, top

SCENARIO = standard_toml("sensitivity test", 5) + """
[architectures.ground]

[architectures.leo]
"""

BUS = "models.cost.hardware_usd_per_kg_mass_produced"


def crf(rate: float, years: float) -> float:
    """Capital recovery factor r / (1 - (1 + r)^-n) (e.g. Newnan, Engineering Economic Analysis, ch. 4)."""
    return rate / (1.0 - (1.0 + rate) ** -years)


@pytest.fixture(scope="module")
def case(registry, tmp_path_factory):
    path = tmp_path_factory.mktemp("sens") / "s.toml"
    path.write_text(SCENARIO, encoding="utf-8")
    scenario = load_scenario(path, registry)
    return scenario, sensitivity(scenario, registry), evaluate(scenario, registry)


def row(df: pd.DataFrame, arch: str, key: str) -> pd.Series:
    hit = df[(df["architecture"] == arch) & (df["input"] == key)]
    assert len(hit) == 1, (arch, key)
    return hit.iloc[0]


def test_frame_shape_and_order(case, registry):
    scenario, df, _ = case
    assert tuple(df.columns) == COLUMNS
    k = len(default_inputs(scenario, registry))
    assert len(df) == 2 * k  # one row per (architecture, input): ground and leo
    assert list(dict.fromkeys(df["architecture"])) == ["ground", "leo"]
    for _, g in df.groupby("architecture"):
        swings = g["swing"].to_numpy()
        finite = swings[np.isfinite(swings)]
        assert np.all(np.diff(finite) <= 0)  # sorted by swing, largest first
        assert g["metric_nominal"].nunique() == 1  # one nominal point for all inputs
    np.testing.assert_allclose(df["swing"], (df["metric_high"] - df["metric_low"]).abs())


def test_hardware_rate_moves_leo_by_its_capex_share_and_not_the_ground(case):
    """The mass-produced hardware rate enters the LEO ledger linearly (sandbox/ledger/element.py):
    per-kg lines B = rate × (structure + shielding + radiators + avionics + propulsion + plugin items);
    integration = f_int × hardware; insurance = f_ins × (hardware + integration + launch);
    operations = f_ops × (hardware + integration); annual = capex × CRF(r, life) + opex. So the cost
    per PFLOP-day is affine in the rate: C(rate) = C_nom × (1 + s × (rate / rate_nom − 1)) with the
    share s = B (1 + f_int) ((1 + f_ins) CRF + f_ops) / annual."""
    _, df, run = case
    led = run.ledgers["leo"]
    per_kg = sum(led.get(k) for k in ("capex.structure", "capex.thermal", "capex.avionics", "capex.other")) * 1e6
    annual = led.get("cost.annual") * 1e6
    f_int, f_ins, f_ops = 0.15, 0.08, 0.03  # cost.integration_fraction, insurance_fraction, ops_cost_fraction_per_year
    share = per_kg * (1 + f_int) * ((1 + f_ins) * crf(0.08, led.get("life.effective")) + f_ops) / annual
    assert 0.0 < share < 0.5  # a production line's hardware is a minor part of a LEO cluster's cost

    r = row(df, "leo", BUS)
    assert (r.low, r.nominal, r.high) == (770.0, 1_100.0, 6_700.0)  # the sourced range (Starlink; OneWeb)
    assert r.metric_nominal == pytest.approx(led.get("cost.per_pflop_day"), rel=1e-9)
    assert r.metric_low == pytest.approx(r.metric_nominal * (1 + share * (770 / 1_100 - 1)), rel=1e-6)
    assert r.metric_high == pytest.approx(r.metric_nominal * (1 + share * (6_700 / 1_100 - 1)), rel=1e-6)
    assert r.metric_low < r.metric_nominal < r.metric_high  # dearer hardware, dearer compute

    g = row(df, "ground", BUS)  # nothing on the ground is priced per kg
    assert g.swing == 0.0
    assert g.metric_low == g.metric_high == g.metric_nominal


def test_discount_rate_matches_the_annuity_by_hand(case, registry):
    """Ground: cost per PFLOP-day = ((capex − site) × CRF(r, 5 yr) + site × CRF(r, 15 yr) + opex) / (delivered
    PFLOP/s × 365.25 d): the building and its plant over cost.building_life_years, the rest over the servers' life."""
    _, df, run = case
    led = run.ledgers["ground"]
    rate = registry.models.default("cost.discount_rate")
    r = row(df, "ground", "assumptions.discount_rate")
    assert (r.low, r.nominal, r.high) == (rate.low, 0.08, rate.high)  # range of the sourced default, scenario's nominal
    capex, opex, site = (led.get(k) * 1e6 for k in ("cost.capex", "cost.opex", "capex.site"))
    days = led.get("compute.delivered") * 365.25
    for value, got in ((rate.low, r.metric_low), (0.08, r.metric_nominal), (rate.high, r.metric_high)):
        annual = (capex - site) * crf(value, 5.0) + site * crf(value, 15.0) + opex
        assert got == pytest.approx(annual / days, rel=1e-9)


@pytest.mark.parametrize("given", [None, (0.03, 0.10)])
def test_an_explicit_discount_rate_is_priced_at_the_scenarios_rate(case, registry, given):
    """Named in ``inputs``, the discount rate has the scenario's rate as its nominal and, without a
    range, the sourced range of ``cost.discount_rate`` (the default inputs' range); the ground's cost
    per PFLOP-day follows the same annuity by hand as above (Newnan, ch. 4)."""
    scenario, _, run = case
    df = sensitivity(scenario, registry, inputs={"assumptions.discount_rate": given})
    rate = registry.models.default("cost.discount_rate")
    r = row(df, "ground", "assumptions.discount_rate")
    low, high = given or (rate.low, rate.high)
    assert (r.low, r.nominal, r.high) == (low, 0.08, high)
    led = run.ledgers["ground"]
    capex, opex, site = (led.get(k) * 1e6 for k in ("cost.capex", "cost.opex", "capex.site"))
    days = led.get("compute.delivered") * 365.25
    for value, got in ((low, r.metric_low), (0.08, r.metric_nominal), (high, r.metric_high)):
        annual = (capex - site) * crf(value, 5.0) + site * crf(value, 15.0) + opex
        assert got == pytest.approx(annual / days, rel=1e-9)


def test_explicit_inputs_with_architecture_parameters(registry, tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(SCENARIO, encoding="utf-8")
    scenario = load_scenario(path, registry)
    df = sensitivity(scenario, registry, inputs={"leo.altitude": (550, 800), BUS: None, "ground.pue": (1.1, 1.5)})
    assert len(df) == 6
    alt = row(df, "leo", "leo.altitude")
    assert (alt.low, alt.nominal, alt.high) == (550.0, 650.0, 800.0)  # km, the parameter's unit
    assert alt.swing > 0
    assert row(df, "ground", "leo.altitude").swing == 0.0
    bus = row(df, "leo", BUS)
    assert (bus.low, bus.high) == (770.0, 6_700.0)  # the declared range
    pue = row(df, "ground", "ground.pue")
    # only the grid energy depends on the PUE: grid power = IT load × PUE, energy opex = grid W × h/yr / 1000 × USD/kWh
    # (sandbox/ledger/element.py), so ΔC = IT load × ΔPUE × 8766 h / 1000 × price / (delivered PFLOP/s × 365.25 d)
    assert pue.metric_low == pytest.approx(pue.metric_nominal, rel=1e-12)  # low = nominal = 1.1
    led = evaluate(scenario, registry).ledgers["ground"]
    price = registry.catalogues.power_sources["grid-us"].price_usd_per_kwh
    delta = led.get("power.load") * 1e6 * (1.5 - 1.1) * HOURS_PER_YEAR / 1000 * price / (led.get("compute.delivered") * 365.25)
    assert pue.metric_high - pue.metric_nominal == pytest.approx(delta, rel=1e-9)


def test_a_chips_throughput_moves_with_its_power_draw(case, registry):
    """As in Monte Carlo, a chip at its low power limit delivers proportionally fewer operations
    (H100 at 350 W of 700 W: half the peak; Zhao et al. 2023, ACM SoCC, power capping). A study varies
    the ledger's inputs on the nominal design (the chip count stays), so the ground's delivered compute,
    peak × chips × utilisation × derating, halves exactly; uncoupled it would not move."""
    scenario, _, run = case
    df = sensitivity(scenario, registry, metric="compute.delivered")
    power = row(df, "ground", "catalogue.chips.H100-SXM.power_w")
    assert (power.low, power.nominal, power.high) == (350.0, 700.0, 700.0)
    delivered = run.ledgers["ground"].get("compute.delivered")
    assert power.metric_nominal == pytest.approx(delivered, rel=1e-12)
    assert power.metric_low == pytest.approx(delivered / 2, rel=1e-12)
    assert not any(k.startswith("catalogue.chips.H100-SXM.peak_ops_per_s") for k in df["input"])  # drawn with power


def test_bad_metric_and_inputs(case, registry):
    scenario, _, _ = case
    with pytest.raises(SensitivityError, match="unknown metric 'cost.per_pflop_dy'; did you mean cost.per_pflop_day"):
        sensitivity(scenario, registry, metric="cost.per_pflop_dy", inputs=[BUS])
    with pytest.raises(SensitivityError, match="no shared-model default"):
        sensitivity(scenario, registry, inputs=["models.cost.nonsense"])
    with pytest.raises(SensitivityError, match="expected \\(low, high\\)"):
        sensitivity(scenario, registry, inputs={BUS: 5})


def test_top_keeps_moving_inputs(case):
    _, df, _ = case
    shown = top(df, 3)
    assert set(shown["architecture"]) == {"ground", "leo"}
    assert (shown.groupby("architecture").size() <= 3).all()
    assert (shown["swing"] > 0).all()


# ----------------------------------------------------------------------------- the command


def test_cli_table_csv_json_and_files(tmp_path, case):
    path = tmp_path / "s.toml"
    path.write_text(SCENARIO, encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(cli, ["sensitivity", str(path)], obj={})
    assert res.exit_code == 0, res.output
    _, df, run = case
    from sandbox.output.format import fmt

    assert f"leo (leo): nominal {fmt(run.ledgers['leo'].get('cost.per_pflop_day'))} USD" in res.output
    widest = df[df["architecture"] == "leo"].iloc[0]["input"]  # the table lists the largest swing first
    assert widest in res.output

    res = runner.invoke(cli, ["sensitivity", str(path), "--format", "csv"], obj={})
    assert res.exit_code == 0
    df = pd.read_csv(io.StringIO(res.stdout))
    assert tuple(df.columns) == COLUMNS and len(df) > 0

    res = runner.invoke(cli, ["sensitivity", str(path), "--format", "json", "--metric", "cost.capex"], obj={})
    assert res.exit_code == 0
    doc = json.loads(res.stdout)
    assert doc["metric"] == "cost.capex" and doc["unit"] == "MUSD"
    leo_bus = next(r for r in doc["rows"] if r["architecture"] == "leo" and r["input"] == BUS)
    assert leo_bus["metric_high"] > leo_bus["metric_low"]

    out = tmp_path / "out"
    res = runner.invoke(cli, ["sensitivity", str(path), "--out", str(out), "--format", "csv"], obj={})
    assert res.exit_code == 0, res.output
    names = {p.name for p in out.iterdir()}
    assert {"sensitivity.csv", "sensitivity.parquet", "tornado-ground.png", "tornado-ground.svg", "tornado-leo.png",
            "tornado-leo.svg"} <= names
    # what --out wrote goes to stderr when stdout carries CSV: stdout stays one CSV table
    wrote = [line for line in res.stderr.splitlines() if line.startswith("wrote ")]
    assert wrote == [f"wrote {out}/: sensitivity.csv/.parquet, "
                     + ", ".join(f"tornado-{a}.png/.svg" for a in df["architecture"].unique())]
    assert "wrote" not in res.stdout and len(pd.read_csv(io.StringIO(res.stdout))) == len(df)
    assert not [n for n in names if n.endswith(".tmp")]
    back = pd.read_parquet(out / "sensitivity.parquet")
    assert len(back) == len(pd.read_csv(out / "sensitivity.csv")) == len(df)
    np.testing.assert_allclose(back["swing"], df["swing"])


def test_cli_bad_input_is_one_line_exit_2(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(SCENARIO, encoding="utf-8")
    runner = CliRunner()
    for args, text in ((["sensitivity", str(path), "--metric", "nope"], "error: --metric: unknown metric 'nope'"),
                       (["sensitivity", str(tmp_path / "missing.toml")], "error: "),
                       (["sensitivity", str(path), "--out", str(path)], "exists and is not a folder")):
        res = runner.invoke(cli, args, obj={})
        assert res.exit_code == 2, (args, res.output)
        assert text in res.stderr
        assert len(res.stderr.strip().splitlines()) == 1
        assert "Traceback" not in res.output
        if "nope" in args:  # no close match: the families, not a list of every metric
            assert "cost.*" in res.stderr and "cost.per_pflop_day" not in res.stderr


def test_a_plugin_metric_is_ranked_in_its_plugins_unit(registry):
    """``sensitivity --metric sat.mass`` printed the LEO plugin's per-satellite mass with no unit ("()"): the unit is
    the plugin's (kg: mass.total in t × 1,000 / satellites), as an engine metric's is the engine's."""
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "scenarios" / "default.toml"
    res = CliRunner().invoke(cli, ["sensitivity", str(path), "--metric", "sat.mass", "--format", "json"], obj={})
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["unit"] == "kg"
    leo = [r for r in doc["rows"] if r["architecture"] == "leo"]
    scenario = load_scenario(path, registry)
    run = evaluate(scenario, registry).ledgers["leo"]
    per_sat = run.get("mass.total") * 1e3 / run.get("compute.units")  # t -> kg per satellite
    assert leo and all(r["metric_nominal"] == pytest.approx(per_sat, rel=1e-9) for r in leo)


def test_a_second_run_into_its_folder_removes_the_first_runs_other_tornados(tmp_path):
    """The first run has ground and leo, the second only the ground: the second `sensitivity --out` into the same
    folder used to leave tornado-leo.png/.svg of the first beside a sensitivity.csv without leo. They are removed (the
    marker lists what the command wrote); a file of the user's, even one named like an output, stays."""
    both, ground = tmp_path / "both.toml", tmp_path / "ground.toml"
    both.write_text(SCENARIO, encoding="utf-8")
    ground.write_text(SCENARIO.replace("[architectures.leo]\n", ""), encoding="utf-8")
    out = tmp_path / "out"
    res = CliRunner().invoke(cli, ["sensitivity", str(both), "--out", str(out)], obj={})
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in out.iterdir()) == [".sandbox-output.json", "sensitivity.csv", "sensitivity.parquet",
                                                    "tornado-ground.png", "tornado-ground.svg", "tornado-leo.png",
                                                    "tornado-leo.svg"]
    (out / "tornado-mine.png").write_bytes(b"mine")
    res = CliRunner().invoke(cli, ["sensitivity", str(ground), "--out", str(out), "--format", "csv"], obj={})
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in out.iterdir()) == [".sandbox-output.json", "sensitivity.csv", "sensitivity.parquet",
                                                    "tornado-ground.png", "tornado-ground.svg", "tornado-mine.png"]
    assert (out / "tornado-mine.png").read_bytes() == b"mine"
    assert set(pd.read_csv(out / "sensitivity.csv")["architecture"]) == {"ground"}
    assert res.stderr.splitlines() == [f"wrote {out}/: sensitivity.csv/.parquet, tornado-ground.png/.svg",
                                       f"removed from {out}/ (earlier output, not written this time): "
                                       "tornado-leo.png/.svg"]
    assert json.loads((out / ".sandbox-output.json").read_text(encoding="utf-8"))["files"] == [
        "sensitivity.csv", "sensitivity.parquet", "tornado-ground.png", "tornado-ground.svg"]


def test_a_design_failing_at_a_moved_parameter_names_the_value(registry):
    """A study point whose architecture parameter made the design fail said only "a radiator at 150 K absorbs more than
    it emits at this site": the reader had to guess which input, at which end, broke it. The error names the
    parameter values of the failed design. The point at the default (330 K) is the run's number; the 150 K point
    is empty: a two-sided radiator at 150 K emits 2 × 0.9 × 5.670e-8 × 150^4 = 51.7 W/m², less than the 118 W/m² a
    panel absorbs at 650 km (Earth IR and albedo)."""
    from sandbox import api
    from sandbox.core.scenario import validate
    from sandbox.ledger import batch

    data = {"workload": {"sustained_compute": "100 PFLOPS"}, "architectures": {"leo": {}}}
    result = batch.evaluate_points(validate(data, registry), registry,
                                   {"leo.radiator_temperature": np.array([330.0, 150.0])}, 2)
    assert result.errors["leo"] == ["architecture 'leo' (plugin 'leo'): EvaluationError: element 'compute satellite': a "
                                    "radiator at 150 K absorbs more than it emits at this site (at leo.radiator_temperature "
                                    "= 150 K)"]
    cost = result.columns["leo"]["cost.per_pflop_day"]
    assert cost[0] == api.run(data, registry).ledgers["leo"].get("cost.per_pflop_day") and np.isnan(cost[1])
