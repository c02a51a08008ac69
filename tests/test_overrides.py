"""A scenario's own model defaults and catalogue entries (``[models]``, ``[catalogue.<kind>.<entry>]``):
the ledger moves exactly as the hand calculation says, the source reads "scenario <file>, line N",
and a bad override stops the run with one line naming the file, the key and what was expected."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from _scenarios import TOY_ASIC_TABLE
from click.testing import CliRunner

from sandbox.cli import cli
from sandbox.core.registry import default_registry
from sandbox.core.scenario import ScenarioError, load_scenario
from sandbox.ledger.engine import evaluate

HOURS_PER_YEAR = 8766.0  # Julian year

HEAD = """[study]
name = "overrides"
seed = 3

[workload]
kind = "inference"
sustained_compute = "10 PFLOPS"
precision = "fp16"
latency_target = "1 s"

[assumptions]
start_year = 2027
discount_rate = 0.08
reference_chip = "H100-SXM"
"""
MODELS = """
[models]
"thermal.pue_hyperscale" = 1.3
"cost.ops_cost_fraction_per_year" = { value = "0.06 1/yr", source = "a test's own figure" }
"""
CATALOGUE = """
[catalogue.power_sources.grid-us]
price_usd_per_kwh = 0.2
sources = { price_usd_per_kwh = "a test's tariff" }
""" + TOY_ASIC_TABLE


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), obj={})


def line_of(path: Path, needle: str) -> int:
    """The 1-based line of ``path`` where ``needle`` is written."""
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def run(tmp_path: Path, text: str, name: str = "s.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    reg = default_registry()
    return path, evaluate(load_scenario(path, reg), reg)


@pytest.fixture(scope="module")
def plain_and_overridden(tmp_path_factory):
    folder = tmp_path_factory.mktemp("overrides")
    _, plain = run(folder, HEAD + "\n[architectures.ground]\n", "plain.toml")
    path, over = run(folder, HEAD + MODELS + "\n[architectures.ground]\n", "models.toml")
    return plain, over, path


def test_models_override_moves_the_ledger_as_by_hand(plain_and_overridden):
    """cost.ops_cost_fraction_per_year: ground operations = fraction × (chips + hosts + site capex)."""
    plain, over, _ = plain_and_overridden
    reg = default_registry()
    default = reg.models.value("cost.ops_cost_fraction_per_year")
    assert default != 0.06
    for result, fraction in ((plain, default), (over, 0.06)):
        g = result.ledgers["ground"]
        hardware = g.get("capex.chips") + g.get("capex.hosts") + g.get("capex.site")  # MUSD
        assert g.get("opex.operations") == pytest.approx(fraction * hardware, rel=1e-9)


def test_param_whose_default_is_a_model_default_follows_the_override(plain_and_overridden):
    """ground.pue defaults to thermal.pue_hyperscale (Google 2023: 1.10); the file sets 1.3, so the grid
    supplies 1.3 × the IT load, and the explain line says where the 1.3 came from."""
    plain, over, path = plain_and_overridden
    assert plain.ledgers["ground"].get("power.grid") == pytest.approx(1.10 * plain.ledgers["ground"].get("power.it"), rel=1e-9)
    assert over.ledgers["ground"].get("power.grid") == pytest.approx(1.3 * over.ledgers["ground"].get("power.it"), rel=1e-9)
    pue, ops = line_of(path, '"thermal.pue_hyperscale"'), line_of(path, '"cost.ops_cost_fraction_per_year"')
    r = invoke("run", str(path), "--explain")
    assert r.exit_code == 0, r.output
    assert f"  param pue = 1.3  (scenario: [models] thermal.pue_hyperscale, scenario {path}, line {pue})" in r.stdout
    assert f"  models.thermal.pue_hyperscale = 1.3  (scenario {path}, line {pue})" in r.stdout
    assert f"  models.cost.ops_cost_fraction_per_year = 0.06 1/yr  (scenario {path}, line {ops})" in r.stdout


def test_provenance_json_records_every_override_with_its_line(plain_and_overridden, tmp_path):
    _, _, path = plain_and_overridden
    out = tmp_path / "out"
    r = invoke("run", str(path), "--out", str(out))
    assert r.exit_code == 0, r.output
    prov = json.loads((out / "provenance.json").read_text(encoding="utf-8"))
    pue, ops = line_of(path, '"thermal.pue_hyperscale"'), line_of(path, '"cost.ops_cost_fraction_per_year"')
    assert (pue, ops) == (17, 18)  # HEAD is 15 lines, then a blank line and [models]
    assert prov["scenario_overrides"] == {"models.thermal.pue_hyperscale": f"scenario {path}, line {pue}",
                                          "models.cost.ops_cost_fraction_per_year": f"scenario {path}, line {ops}"}


def test_catalogue_field_override_and_a_new_entry_used_by_an_architecture(tmp_path):
    """grid-us at $0.20/kWh: energy = grid power × 8,766 h × 0.20 USD/kWh. ToyASIC, a new chip: 10 PFLOP/s at a
    utilisation u needs ceil(10 / (1 × u)) chips, each US$10,000 and 500 W."""
    path, result = run(tmp_path, HEAD + CATALOGUE + '\n[architectures.ground]\nchip = "ToyASIC"\n')
    g = result.ledgers["ground"]
    grid_w = g.get("power.grid") * 1e6  # MW → W
    assert g.get("opex.energy") == pytest.approx(grid_w * HOURS_PER_YEAR * 0.2 / 1000 / 1e6, rel=1e-9)
    chips = g.get("compute.chips")
    reg = default_registry()
    utilisation = reg.models.value("compute.utilisation_inference")
    assert chips == -(-10 // utilisation) or chips == pytest.approx(-(-10 // utilisation))
    assert g.get("capex.chips") == pytest.approx(chips * 10_000 / 1e6, rel=1e-9)
    r = invoke("run", str(path), "--explain")
    assert r.exit_code == 0, r.output
    assert "0.2 USD/kWh [grid-us]" in r.stdout


def one_error(r, path: Path, key: str, expected: str) -> str:
    assert r.exit_code == 2, r.output
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith(f"error: {path}: {key}: "), lines[0]
    assert expected in lines[0], lines[0]
    assert "Traceback" not in r.stderr
    return lines[0]


@pytest.mark.parametrize(("table", "key", "expected"), [
    ('[models]\n"thermal.radiator_temperatur_k" = "300 K"\n', "models.thermal.radiator_temperatur_k",
     "no shared-model default 'thermal.radiator_temperatur_k'; did you mean 'thermal.radiator_temperature_k'?"),
    ('[models]\n"thermal.radiator_temperature_k" = "300 kg"\n', "models.thermal.radiator_temperature_k",
     "expected a temperature, got '300 kg'"),
    ('[models]\n"thermal.radiator_emissivity" = 1.4\n', "models.thermal.radiator_emissivity",
     "expected a fraction between 0 and 1, got 1.4"),
    # a yearly share of capex is a fraction of one by its name, as a study's values are checked (the run and a
    # sweep accept the same values)
    ('[models]\n"cost.ops_cost_fraction_per_year" = "1.5 1/yr"\n', "models.cost.ops_cost_fraction_per_year",
     "expected a fraction between 0 and 1 (in 1/yr), got '1.5 1/yr'"),
    ('[catalogue.power_sources.Si-COTS]\ndegradation_per_year = "1.2 1/yr"\n',
     "catalogue.power_sources.Si-COTS.degradation_per_year", "expected a value in [0, 1) 1/yr"),
    ('[models]\n"cost.hardware_usd_per_kg_mass_produced" = "-5 USD/kg"\n', "models.cost.hardware_usd_per_kg_mass_produced",
     "expected a value > 0 USD/kg"),
    # an empty source is refused here as in a catalogue entry's sources
    ('[models]\n"thermal.pue_hyperscale" = { value = 1.3, source = " " }\n', "models.thermal.pue_hyperscale.source",
     "expected a string citing where the value comes from, got ' ' (leave the key out rather than write it empty)"),
    ('[models]\n"links.speed_of_light_m_s" = "3e8 m/s"\n', "models.links.speed_of_light_m_s",
     "a physical constant or a definition (SI Brochure, 9th ed. (BIPM 2019): exact by definition), not an assumption: "
     "a scenario cannot change it"),
    ('[models]\n"power.cell_efficiency" = 0.35\n', "models.power.cell_efficiency",
     "a figure each power_sources catalogue entry holds, and the engine reads the entry's: set "
     "[catalogue.power_sources.<entry>] efficiency instead (`sandbox catalogue power_sources` lists the entries)"),
    ('[catalogue.launch_vehicles.Starship]\nprice_usd = "5 kg"\n', "catalogue.launch_vehicles.Starship.price_usd",
     "expected an amount of money (USD), got '5 kg'"),
    ('[catalogue.power_sources.Li-ion-space]\nround_trip_efficiency = 0\n',
     "catalogue.power_sources.Li-ion-space.round_trip_efficiency", "expected a fraction in (0, 1], got 0"),
    ('[catalogue.chips.H100-SXM]\npower_w = 0\n', "catalogue.chips.H100-SXM.power_w",
     "expected a value > 0 W (a chip that computes draws power), got 0"),
    ('[catalogue.launch_vehicles.Starship]\npayload_kg = { LEO = 0 }\n', "catalogue.launch_vehicles.Starship.payload_kg",
     "expected a value > 0 kg (the ledger divides by it), got 0"),
    ('[catalogue.launch_vehicles.Starship]\nranges = { fairing_volume_m3 = [0, 1000] }\n',
     "catalogue.launch_vehicles.Starship.ranges", "fairing_volume_m3: expected a value > 0 m3 (the ledger divides by it)"),
    ('[catalogue.power_sources.Si-COTS]\nefficiency = 1.2\n',
     "catalogue.power_sources.Si-COTS.efficiency", "expected a fraction in (0, 1], got 1.2"),
    ('[catalogue.power_sources.Li-ion-space]\nranges = { round_trip_efficiency = [0, 0.95] }\n',
     "catalogue.power_sources.Li-ion-space.ranges", "round_trip_efficiency: expected a fraction in (0, 1], got 0"),
    ('[catalogue.power_sources.Li-ion-space]\nranges = { roundtrip_efficiency = [0.8, 0.95] }\n',
     "catalogue.power_sources.Li-ion-space.ranges",
     "roundtrip_efficiency: PowerSource has no field 'roundtrip_efficiency'; did you mean 'round_trip_efficiency'?"),
    ('[catalogue.power_sources.Li-ion-space]\nranges = { kind = [1, 2] }\n',
     "catalogue.power_sources.Li-ion-space.ranges", "kind: 'kind' is not a numeric field: only numbers take a range"),
    ('[catalogue.launch_vehicles.Starship]\nprise_usd = 5e6\n', "catalogue.launch_vehicles.Starship.prise_usd",
     "LaunchVehicle has no field 'prise_usd'; did you mean 'price_usd'?"),
    ('[catalogue.chips.ToyASIC]\npeak_ops_per_s = { fp16 = 1e15 }\npower_w = 500\nmass_kg = 2\ncost_usd = 1e4\n',
     "catalogue.chips.ToyASIC", 'a new chip needs sources = { <field> = "<public reference>" }'),
    # a near miss of an installed entry's name reads as a new entry: say which one it probably meant
    ('[catalogue.chips.H100]\ntid_krad = 5\n', "catalogue.chips.H100",
     'a new chip needs sources = { <field> = "<public reference>" }; to override the installed entry write '
     "[catalogue.chips.H100-SXM]"),
    # the scenario's one discount rate is [assumptions] discount_rate: a [models] value beside it was unread
    ('[models]\n"cost.discount_rate" = 0.5\n', "models.cost.discount_rate",
     "the default of the scenario's assumptions.discount_rate, which the engine reads: set [assumptions] discount_rate "
     "instead"),
    # the dotted key and the module table are one key in two spellings: the last one silently won
    ('[models]\n"thermal.pue_hyperscale" = 1.2\nthermal.pue_hyperscale = 1.5\n', "models.thermal.pue_hyperscale",
     "written twice (as a dotted key and inside its module's table): state it once"),
    ('[models]\n"thermal.pue_hyperscale" = [1.2]\n', "models.thermal.pue_hyperscale", "expected a plain number, got list [1.2]"),
    # a range is what Monte Carlo draws around the value (its mode): it must hold it (H100 list price 30,000 USD)
    ('[catalogue.chips.H100-SXM]\nranges = { cost_usd = [1000, 2000] }\n', "catalogue.chips.H100-SXM",
     "Chip 'H100-SXM': ranges.cost_usd = [1000, 2000] does not contain the value 30000"),
    # a key of a table field that nothing reads would be kept and ignored
    ('[catalogue.chips.H100-SXM]\npeak_ops_per_s = { FP16 = 2e15 }\n', "catalogue.chips.H100-SXM.peak_ops_per_s",
     "no precision 'FP16'; did you mean 'fp16'?"),
    ('[catalogue.launch_vehicles.Starship]\npayload_kg = { LOE = 1000 }\n', "catalogue.launch_vehicles.Starship.payload_kg",
     "no destination 'LOE'; did you mean 'LEO'?"),
    ('[catalogue.chips.H100-SXM]\nranges = { "payload_kg.LEO" = [0, 1] }\n', "catalogue.chips.H100-SXM.ranges",
     "payload_kg.LEO: Chip has no field 'payload_kg'"),
    ('[catalogue.chips.H100-SXM]\nranges = { "peak_ops_per_s.FP16" = [1e15, 2e15] }\n', "catalogue.chips.H100-SXM.ranges",
     "peak_ops_per_s.FP16: 'peak_ops_per_s' has no key 'FP16'"),
    ('[catalogue.ground_stations.Wallops]\nlat_deg = -95\n', "catalogue.ground_stations.Wallops.lat_deg",
     "expected a finite value from -90 to 90 deg (geodetic latitude, WGS84), got -95"),
])
def test_bad_override_exits_2_with_one_line_and_writes_nothing(tmp_path, table, key, expected):
    path = tmp_path / "bad.toml"
    path.write_text(HEAD + "\n" + table + "\n[architectures.ground]\n", encoding="utf-8")
    out = tmp_path / "out"
    one_error(invoke("run", str(path), "--out", str(out)), path, key, expected)
    assert not out.exists()
    one_error(invoke("validate", str(path)), path, key, expected)


NEW_CHIP = 'peak_ops_per_s = { fp16 = 1e15 }\npower_w = 500\nmass_kg = 2\ncost_usd = 1e4\nsources = { peak_ops_per_s = "toy", power_w = "toy", mass_kg = "toy", cost_usd = "toy" }\n'
DEGRADATION = ("the fraction of output lost each year: at 1 nothing is left after the first year, and the array, sized "
               "by (1 - d)^T, would be infinite")
ALTITUDE = "height above the WGS84 ellipsoid: Earth's land lies between the Dead Sea shore and Everest"


@pytest.mark.parametrize(("table", "key", "message"), [
    # SMAD (Wertz & Larson 1999) sec. 11.4 sizes an array for the end of its life, P / (1 - d)^T: the model
    # (power.array_area_m2) refuses d >= 1, so the run failed with exit 1 after validation had passed
    ('[catalogue.power_sources.Si-COTS]\ndegradation_per_year = 1\n',
     "catalogue.power_sources.Si-COTS.degradation_per_year", f"expected a value in [0, 1) 1/yr ({DEGRADATION}), got 1"),
    ('[catalogue.power_sources.Si-COTS]\nranges = { degradation_per_year = [0.01, 1] }\n',
     "catalogue.power_sources.Si-COTS.ranges",
     f"degradation_per_year: expected a value in [0, 1) 1/yr ({DEGRADATION}), got 1"),
    # a solar cell made a grid source has no price per kWh: the run failed with "gives no price_usd_per_kwh", exit 1
    ('[catalogue.power_sources.Si-COTS]\nkind = "grid"\n', "catalogue.power_sources.Si-COTS.kind",
     "'Si-COTS' is a solar power source, and a scenario cannot change an entry's kind; add a new entry "
     '[catalogue.power_sources.<name>] with kind = "grid" and the fields a grid power source needs'),
    # the ledger divides the workload by the chip's peak rate: 0 failed every architecture at run time
    ('[catalogue.chips.H100-SXM]\npeak_ops_per_s = { fp16 = 0 }\n', "catalogue.chips.H100-SXM.peak_ops_per_s",
     "fp16: expected a value > 0 FLOP/s (the ledger divides by it), got 0"),
    # an elevation is an angle above the local horizon, 0 to 90 deg: 95 is past the zenith, -5 below the ground
    ('[catalogue.ground_stations.SvalSat]\nmin_elevation_deg = 95\n', "catalogue.ground_stations.SvalSat.min_elevation_deg",
     "expected a finite value from 0 to 90 deg (an elevation above the local horizon), got 95"),
    ('[catalogue.ground_stations.SvalSat]\nmin_elevation_deg = -5\n', "catalogue.ground_stations.SvalSat.min_elevation_deg",
     "expected a finite value from 0 to 90 deg (an elevation above the local horizon), got -5"),
    # Everest 8,849 m (2020 survey) + the highest geoid point, +85 m (EGM2008), is below 9,000 m; Dead Sea shore
    # about -430 m + the deepest geoid point, -106 m (EGM2008), is above -600 m
    ('[catalogue.ground_stations.SvalSat]\nalt_m = 1e9\n', "catalogue.ground_stations.SvalSat.alt_m",
     f"expected a finite value from -600 to 9000 m ({ALTITUDE}), got 1000000000.0"),
    ('[catalogue.ground_stations.SvalSat]\nalt_m = "-1 km"\n', "catalogue.ground_stations.SvalSat.alt_m",
     f"expected a finite value from -600 to 9000 m ({ALTITUDE}), got '-1 km'"),
    # a name that differs from an installed one only by case was a second chip, silently, not the override meant
    (f'[catalogue.chips.h100-sxm]\n{NEW_CHIP}', "catalogue.chips.h100-sxm",
     "differs from 'H100-SXM' only by case; to override that entry write [catalogue.chips.H100-SXM]"),
    (f'[catalogue.chips.ToyASIC]\n{NEW_CHIP}[catalogue.chips.toyasic]\n{NEW_CHIP}', "catalogue.chips.toyasic",
     "differs from 'ToyASIC', a new entry of this file, only by case: give the two entries names that differ"),
    (f'[catalogue.chips.""]\n{NEW_CHIP}', 'catalogue.chips.""',
     "an entry needs a name (scenarios, parameters and designs refer to an entry by it), got an empty one"),
])
def test_an_override_the_run_would_refuse_is_refused_at_validation(tmp_path, table, key, message):
    """Each of these passed `sandbox validate` and then failed `sandbox run` with exit 1 (or was silently taken for
    something else): now both refuse it before anything runs, with exactly this line and exit 2."""
    path = tmp_path / "bad.toml"
    path.write_text(HEAD + "\n" + table + "\n[architectures.ground]\n[architectures.leo]\n", encoding="utf-8")
    for command in ("validate", "run"):
        line = one_error(invoke(command, str(path)), path, key, message)
        assert line == f"error: {path}: {key}: {message}", command


def test_a_study_value_obeys_the_same_bounds():
    """A sweep cannot reach a value the scenario file refuses: a yearly loss of 1, a zero peak rate, a mask past 90 deg."""
    from sandbox.core.overrides import value_problem

    defaults = default_registry().models.defaults
    assert value_problem(defaults, "catalogue.power_sources.Si-COTS.degradation_per_year", 1.0) == (
        f"expected a value in [0, 1) 1/yr ({DEGRADATION}), got 1.0")
    assert value_problem(defaults, "catalogue.chips.H100-SXM.peak_ops_per_s.fp16", 0.0) == (
        "expected a value > 0 FLOP/s (the ledger divides by it), got 0.0")
    assert value_problem(defaults, "catalogue.ground_stations.SvalSat.min_elevation_deg", 90.5) == (
        "expected a finite value from 0 to 90 deg (an elevation above the local horizon), got 90.5")
    assert value_problem(defaults, "catalogue.power_sources.Si-COTS.degradation_per_year", 0.99) is None


def test_the_bounds_keep_every_real_value(tmp_path):
    """The ends of the bounds are real: a station at the Dead Sea shore (-430 m) or on Everest (8,849 m), a mask of
    0 deg (the horizon) or 90 deg (the zenith), a yearly loss of 0.99; stating an entry's own kind changes nothing."""
    entry, _ = scoped_entry(tmp_path, "[catalogue.ground_stations.SvalSat]\nalt_m = -430\nmin_elevation_deg = 0\n",
                            "ground_stations", "SvalSat")
    assert (entry.alt_m, entry.min_elevation_deg) == (-430.0, 0.0)
    entry, _ = scoped_entry(tmp_path, '[catalogue.ground_stations.SvalSat]\nalt_m = "8.849 km"\nmin_elevation_deg = 90\n',
                            "ground_stations", "SvalSat")
    assert (entry.alt_m, entry.min_elevation_deg) == (pytest.approx(8849.0), 90.0)
    entry, _ = scoped_entry(tmp_path, '[catalogue.power_sources.Si-COTS]\nkind = "solar"\ndegradation_per_year = 0.99\n',
                            "power_sources", "Si-COTS")
    assert (entry.kind, entry.degradation_per_year) == ("solar", 0.99)


def test_the_cosmic_ray_doses_of_a_scenario_reach_the_dose_tables(tmp_path):
    """The cosmic-ray components are flat in depth (MSL/RAD 481 uGy/day in free space, Zeitlin et al. 2013;
    Chang'e-4 13.2 uGy/h on the lunar surface, Zhang et al. 2020), so a [models] value moves each dose rate by the
    difference: 0.2 Gy/yr = 0.02 krad/yr in cislunar space (Lagrange), 0.15 Gy/yr = 0.015 krad/yr on the Moon."""
    archs = "\n[architectures.lagrange]\n[architectures.lunar]\n[architectures.ground]\n"
    _, plain = run(tmp_path, HEAD + archs, "plain.toml")
    _, over = run(tmp_path, HEAD + '\n[models]\n"radiation.gcr_dose_free_space_krad_per_year" = "0.2 Gy/yr"\n'
                  '"radiation.lunar_surface_gcr_dose_krad_per_year" = "0.15 Gy/yr"\n' + archs, "gcr.toml")
    free, moon = 481e-6 * 365.25 / 10.0, 13.2e-6 * HOURS_PER_YEAR / 10.0  # krad/yr
    for inst, delta in (("lagrange", 0.02 - free), ("lunar", 0.015 - moon)):
        got = over.ledgers[inst].get("radiation.dose_rate") - plain.ledgers[inst].get("radiation.dose_rate")
        assert got == pytest.approx(delta, rel=1e-9)
    assert over.ledgers["ground"].get("radiation.dose_rate") == plain.ledgers["ground"].get("radiation.dose_rate")


def test_an_override_nothing_reads_is_named_on_stderr_and_in_the_provenance(tmp_path):
    """A [models] value that no design, ledger line or parameter default of this scenario reads changes no number:
    `sandbox run` says so on stderr (one line each, with its line in the file) and keeps it in provenance.json; the
    results are those of the file without it. The ground reads its PUE default; nothing here reads the RF receiver
    noise temperature (no architecture closes an RF link) or the lunar surface's cosmic-ray dose (no lunar site)."""
    table = ('\n[models]\n"thermal.pue_hyperscale" = 1.3\n"links.rf_system_noise_temperature_k" = "500 K"\n'
             '"radiation.lunar_surface_gcr_dose_krad_per_year" = "0.2 Gy/yr"\n')
    path = tmp_path / "unread.toml"
    path.write_text(HEAD + table + "\n[architectures.ground]\n", encoding="utf-8")
    r = invoke("run", str(path), "--format", "json", "--out", str(tmp_path / "out"))
    assert r.exit_code == 0, r.output
    noise, moon = line_of(path, "rf_system_noise"), line_of(path, "lunar_surface_gcr")
    expected = [f"warning: scenario {path}, line {noise}: [models] 'links.rf_system_noise_temperature_k' is read by "
                "nothing in this scenario (no architecture here uses it), so it changes no number",
                f"warning: scenario {path}, line {moon}: [models] 'radiation.lunar_surface_gcr_dose_krad_per_year' is "
                "read by nothing in this scenario (no architecture here uses it), so it changes no number"]
    assert [line for line in r.stderr.splitlines() if line.startswith("warning:")] == expected
    provenance = json.loads((tmp_path / "out" / "provenance.json").read_text())
    assert provenance["warnings"] == [w.removeprefix("warning: ") for w in expected]
    doc = json.loads(r.stdout)
    grid = next(x["value"] for x in doc["records"] if x["architecture"] == "ground" and x["metric"] == "power.grid")
    it = next(x["value"] for x in doc["records"] if x["architecture"] == "ground" and x["metric"] == "power.it")
    assert grid == pytest.approx(1.3 * it, rel=1e-9)  # the PUE override was read: no warning for it


@pytest.mark.parametrize(("table", "read", "expected"), [
    ('[models]\n"links.rf_system_noise_temperature_k" = "500 K"',
     lambda context: context.models.value("links.rf_system_noise_temperature_k"), 500.0),
    ("[catalogue.launch_vehicles.Falcon9]\nprice_usd = 20e6",
     lambda context: context.catalogues.launch_vehicles["Falcon9"].price_usd / 1e6, 20.0),
], ids=["models", "catalogue"])
def test_what_only_a_plugins_extra_metrics_reads_is_not_called_unread(tmp_path, table, read, expected):
    """The warning counts every reader: here only another plugin's sandbox_extra_metrics reads the RF noise
    temperature (through context.models), or the Falcon 9 (through context.catalogues; the ground launches nothing),
    so there is no warning, and its metric carries the scenario's value (500 K, 20 MUSD)."""
    import types

    from sandbox import hookimpl
    from sandbox.core.design import Metric
    from sandbox.core.registry import load

    @hookimpl
    def sandbox_extra_metrics(architecture, design, ledger, context):
        return [Metric("read.value", read(context), "")]

    reg = load([("reader", types.SimpleNamespace(sandbox_extra_metrics=sandbox_extra_metrics))])
    path = tmp_path / "read.toml"
    path.write_text(HEAD + f"\n{table}\n[architectures.ground]\n", encoding="utf-8")
    result = evaluate(load_scenario(path, reg), reg)
    assert result.warnings == []
    assert result.ledgers["ground"].get("read.value") == expected


UNREAD = ('\n[models]\n"thermal.pue_hyperscale" = 1.3\n"links.rf_system_noise_temperature_k" = "500 K"\n'
          '\n[catalogue.launch_vehicles.Falcon9]\nprice_usd = 80e6\n')


def _warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("warning: scenario")]


def test_studies_name_an_override_none_of_their_points_reads(tmp_path):
    """`sandbox sweep`, `sensitivity` and `timeline` warn as a run does of a [models] value or a [catalogue] entry
    that nothing read at any point: the ground and a LEO cluster on Starship (leo's default vehicle) read the PUE but
    neither the RF receiver's noise temperature (no RF link is closed) nor the Falcon 9. The sweep's chunks are
    evaluated one point each and the coordinator keeps the overrides no chunk read. Nothing read, nothing moved: the
    swept points' costs are those of the same sweep without the two unread overrides."""
    import pyarrow.parquet as pq

    sweep = '\n[sweep]\nmethod = "grid"\nchunk = 1\n[sweep.params]\n"leo.altitude" = { values = ["500 km", "600 km"] }\n'
    archs = "\n[architectures.ground]\n[architectures.leo]\n"
    path, bare = tmp_path / "unread.toml", tmp_path / "bare.toml"
    path.write_text(HEAD + archs + UNREAD + sweep, encoding="utf-8")
    bare.write_text(HEAD + archs + '\n[models]\n"thermal.pue_hyperscale" = 1.3\n' + sweep, encoding="utf-8")
    noise, falcon = line_of(path, "rf_system_noise"), line_of(path, "price_usd")
    expected = [f"warning: scenario {path}, line {noise}: [models] 'links.rf_system_noise_temperature_k' is read by "
                "nothing in this scenario (no architecture here uses it), so it changes no number",
                f"warning: scenario {path}, line {falcon}: [catalogue.launch_vehicles.Falcon9] is read by nothing in "
                "this scenario (no architecture here uses that entry), so it changes no number"]
    costs = {}
    for name, scenario in (("unread", path), ("bare", bare)):
        r = invoke("sweep", str(scenario), "--out", str(tmp_path / name), "--workers", "1", "--no-figures")
        assert r.exit_code == 0, r.output
        assert _warnings(r.stderr) == (expected if name == "unread" else [])
        manifest = json.loads((tmp_path / name / "manifest.json").read_text())
        assert manifest["chunks"] == 2
        assert manifest["warnings"] == ([w.removeprefix("warning: ") for w in expected] if name == "unread" else [])
        table = pq.read_table(tmp_path / name / "results.parquet").to_pandas().sort_values(["point", "architecture"])
        costs[name] = table["cost.per_pflop_day"].tolist()
    assert len(costs["unread"]) == 4 and costs["unread"] == costs["bare"]
    from sandbox.output.html import render_study

    report = render_study("unread", json.loads((tmp_path / "unread" / "manifest.json").read_text()), {}, {})
    assert (f'<h3>Warnings</h3><div class="note" data-warned>scenario {path}, line {noise}: [models] '
            "&#x27;links.rf_system_noise_temperature_k&#x27; is read by nothing") in report
    for args in (("sensitivity", str(path)), ("timeline", str(path), "--draws", "2", "--end-year", "2028")):
        r = invoke(*args, "--format", "json")
        assert r.exit_code == 0, r.output
        assert _warnings(r.stderr) == expected, args[0]
        assert json.loads(r.stdout)["warnings"] == [w.removeprefix("warning: ") for w in expected], args[0]


def test_a_sweep_does_not_name_an_entry_some_of_its_points_read(tmp_path):
    """A swept parameter can choose the entry an override changes: leo's `vehicle` swept over Starship and Falcon 9
    reads the Falcon 9 at one point (chunk 1 of 2), so the sweep gives no warning, while a run of the same file (leo
    on its default Starship) does. The Falcon 9 point prices its flight at the file's 80 MUSD (not the catalogue's
    69.75): 7 satellites of 697.9 kg and 5.816 m3 (4,885 kg, 40.7 m3) fit one flight (17.5 t to LEO, 135.2 m3)."""
    import pyarrow.parquet as pq

    sweep = ('\n[sweep]\nmethod = "grid"\nchunk = 1\n[sweep.params]\n'
             '"leo.vehicle" = { values = ["Starship", "Falcon9"] }\n')
    path = tmp_path / "chosen.toml"
    path.write_text(HEAD + "\n[architectures.ground]\n[architectures.leo]\n" + UNREAD + sweep, encoding="utf-8")
    r = invoke("sweep", str(path), "--out", str(tmp_path / "out"), "--workers", "1", "--no-figures")
    assert r.exit_code == 0, r.output
    noise = line_of(path, "rf_system_noise")
    assert _warnings(r.stderr) == [
        f"warning: scenario {path}, line {noise}: [models] 'links.rf_system_noise_temperature_k' is read by nothing "
        "in this scenario (no architecture here uses it), so it changes no number"]
    table = pq.read_table(tmp_path / "out" / "results.parquet").to_pandas()
    falcon = table[(table["architecture"] == "leo") & (table["leo.vehicle"] == "Falcon9")]
    assert falcon[["launch.flights", "capex.launch"]].values.tolist() == [[1.0, pytest.approx(80.0)]]
    r = invoke("run", str(path))
    assert r.exit_code == 0, r.output
    falcon = line_of(path, "price_usd")
    assert f"warning: scenario {path}, line {falcon}: [catalogue.launch_vehicles.Falcon9] is read by nothing" in r.stderr


def test_a_study_warns_only_of_what_every_evaluation_left_unread():
    """The coordinator keeps the overrides no evaluation read (each chunk's, each timeline block's), and names none
    when one of them does not know what it read (a design that failed before recording it, a journal line of an
    earlier version): {a, b} and {b} leave b; an unknown leaves nothing."""
    from sandbox.ledger.batch import unread_in_all
    from sandbox.studies.folder import ChunkRecord

    assert unread_in_all([["models.a", "catalogue.chips.b"], ["catalogue.chips.b"]]) == ["catalogue.chips.b"]
    assert unread_in_all([["models.a"], None]) == []
    assert unread_in_all([]) == []
    line = {"study": "k", "chunk": 0, "file": "part-000000.parquet", "bytes": 1, "sha256": "0" * 64, "rows": 2,
            "start": 0, "stop": 1}
    assert ChunkRecord.parse(line, "k").unread is None
    assert ChunkRecord.parse({**line, "unread": ["models.a"]}, "k").unread == ["models.a"]


def test_a_training_workload_defaults_every_utilisation_to_the_training_mfu(tmp_path):
    """compute.utilisation_training (0.40: PaLM 46.2 %, Llama 3 38-43 % MFU) is every architecture's `utilisation`
    default for a training workload, utilisation_inference (0.30) for serving. The ground's chips by hand, H100 fp16
    989.4 TFLOP/s, availability 1 - 0.105686 x 3 / 365.25 = 0.999132: serving 1e16 / (989.4e12 x 0.30 x 0.999132)
    = 33.7 -> 34 chips; training at 0.40, writing checkpoints 5 % of the time (compute.checkpoint_overhead; serving
    writes none): 1e16 / (989.4e12 x 0.40 x 0.999132 x 0.95) = 26.6 -> 27; a [models] value of the training default
    (0.45: 23.7 -> 24) moves it, and a parameter the scenario sets wins (0.5: 21.3 -> 22)."""
    availability = 1 - 0.105686 * 3 / 365.25
    chips = {u: math.ceil(1e16 / (989.4e12 * u * availability * (1.0 if u == 0.30 else 0.95)))
             for u in (0.30, 0.40, 0.45, 0.5)}
    assert chips == {0.30: 34, 0.40: 27, 0.45: 24, 0.5: 22}
    training = HEAD.replace('kind = "inference"', 'kind = "training"')
    cases = {"serving": (HEAD, "", "", 0.30), "training": (training, "", "", 0.40),
             "models": (training, '\n[models]\n"compute.utilisation_training" = 0.45\n', "", 0.45),
             "stated": (training, '\n[models]\n"compute.utilisation_training" = 0.45\n', "utilisation = 0.5\n", 0.5)}
    for name, (head, models, param, u) in cases.items():
        _, result = run(tmp_path, head + models + "\n[architectures.ground]\n" + param, f"{name}.toml")
        ground = result.ledgers["ground"]
        assert ground.get("compute.chips") == chips[u], name
    origins = result.scenario.architectures[0].params.origins  # the last run: the scenario's own 0.5 has no origin
    assert "utilisation" not in origins
    _, result = run(tmp_path, training + "\n[architectures.ground]\n", "origin.toml")
    assert result.scenario.architectures[0].params.origins["utilisation"] == "training workload: compute.utilisation_training"


def test_a_training_workload_draws_utilisation_from_the_training_range(tmp_path):
    """Studies and the explorer's slider take a workload-dependent parameter's range from the default it follows:
    training MFU 0.30-0.50 (Chowdhery et al. 2022, PaLM 46.2 %; Dubey et al. 2024, Llama 3 38-43 %), not the
    serving range 0.10-0.76 that `utilisation` declares; a [models] range of the training default wins, and an
    inference workload keeps the parameter's own range."""
    from sandbox.serve.form import param_fields
    from sandbox.studies.plans import parse_plan
    from sandbox.studies.sensitivity import architecture_inputs

    reg = default_registry()
    training = HEAD.replace('kind = "inference"', 'kind = "training"')
    sweep = '\n[sweep]\nmethod = "random"\npoints = 4\n[sweep.params]\n"ground.utilisation" = {}\n'
    ranged = '\n[models]\n"compute.utilisation_training" = { value = 0.42, low = 0.35, high = 0.46 }\n'
    cases = {"inference": (HEAD, (0.10, 0.76, 0.30)), "training": (training, (0.30, 0.50, 0.40)),
             "models": (training + ranged, (0.35, 0.46, 0.42))}
    for name, (head, (low, high, nominal)) in cases.items():
        path = tmp_path / f"{name}.toml"
        path.write_text(head + "\n[architectures.ground]\n" + sweep, encoding="utf-8")
        scenario = load_scenario(path, reg)
        scoped = scenario.registry(reg)
        dim = parse_plan(scenario, reg).dimensions[0]
        assert (dim.low, dim.high, dim.nominal) == pytest.approx((low, high, nominal)), name
        tornado = next(d for d in architecture_inputs(scenario, scoped) if d.key == "ground.utilisation")
        assert (tornado.low, tornado.high) == pytest.approx((low, high)), name
        run_ = scenario.architectures[0]
        field = next(f for f in param_fields("ground", run_.spec, {}, scoped, {}, scenario.workload.kind)
                     if f.label == "utilisation")
        assert (field.low, field.high) == pytest.approx((low, high)), name
    assert "Chowdhery" in dim.source


def scoped_entry(tmp_path: Path, table: str, kind: str, name: str):
    """The catalogue entry ``name`` of ``kind`` as a scenario with ``table`` sees it."""
    path = tmp_path / "s.toml"
    path.write_text(HEAD + "\n" + table + "\n[architectures.ground]\n", encoding="utf-8")
    reg = default_registry()
    scenario = load_scenario(path, reg)
    return getattr(scenario.registry(reg).catalogues, kind)[name], scenario.registry(reg)


def test_a_stated_value_replaces_the_plugins_range_and_a_stated_range_is_drawn(tmp_path):
    """Monte Carlo and sensitivity draw a catalogue field from the entry's range around its value: a scenario's value
    with no range of its own is certain (the plugin's 25,000-40,000 USD range around 30,000 no longer applies to
    60,000), and a range the file states is the one drawn. Before, the plugin's range stayed, with the nominal above it."""
    from sandbox.studies.plans import uncertain_inputs

    key = "catalogue.chips.H100-SXM.cost_usd"
    _, reg = scoped_entry(tmp_path, "", "chips", "H100-SXM")
    (plugin,) = [d for d in uncertain_inputs(reg) if d.key == key]
    assert (plugin.low, plugin.nominal, plugin.high) == (25_000.0, 30_000.0, 40_000.0)
    entry, reg = scoped_entry(tmp_path, "[catalogue.chips.H100-SXM]\ncost_usd = 60000\n", "chips", "H100-SXM")
    assert entry.cost_usd == 60_000.0 and "cost_usd" not in entry.ranges
    assert key not in {d.key for d in uncertain_inputs(reg)}
    assert "power_w" in entry.ranges  # the other fields keep theirs
    entry, reg = scoped_entry(tmp_path, "[catalogue.chips.H100-SXM]\ncost_usd = 60000\nranges = { cost_usd = [50000, 70000] }\n",
                              "chips", "H100-SXM")
    (stated,) = [d for d in uncertain_inputs(reg) if d.key == key]
    assert (stated.low, stated.nominal, stated.high) == (50_000.0, 60_000.0, 70_000.0)


def test_a_station_south_or_west_is_a_valid_override(tmp_path):
    """Latitude and longitude are signed (WGS84): Wallops Flight Facility is at 37.94 N, 75.46 W (NASA WFF)."""
    entry, _ = scoped_entry(tmp_path, "[catalogue.ground_stations.Wallops]\nlat_deg = 37.94\nlon_deg = -75.46\n",
                            "ground_stations", "Wallops")
    assert (entry.lat_deg, entry.lon_deg) == (37.94, -75.46)


def test_a_peak_rate_override_takes_flop_per_second_and_int8_op_per_second(tmp_path):
    """H100 SXM dense fp16 989.4 TFLOP/s and int8 1,979 TOP/s (NVIDIA H100 datasheet, 2023), written as quantities."""
    entry, _ = scoped_entry(tmp_path, '[catalogue.chips.H100-SXM]\npeak_ops_per_s = { fp16 = "989.4 TFLOP/s", '
                            'int8 = "1979 TOP/s" }\n', "chips", "H100-SXM")
    assert entry.peak_ops_per_s["fp16"] == pytest.approx(989.4e12) and entry.peak_ops_per_s["int8"] == pytest.approx(1979e12)


def test_a_certain_default_of_zero_may_be_restated():
    """compute.checkpoint_overhead_inference is 0 by definition (a serving workload holds no training state to
    checkpoint): writing its own value in [models] was refused as 'expected a value > 0'; a negative one still is."""
    from sandbox import api

    base = {"workload": {"sustained_compute": "1 PFLOPS"}, "architectures": {"ground": {}}}
    same = api.run({**base, "models": {"compute.checkpoint_overhead_inference": 0}})
    plain = api.run(base)
    assert same.ledgers["ground"].get("cost.per_pflop_day") == plain.ledgers["ground"].get("cost.per_pflop_day")
    with pytest.raises(ScenarioError, match=r"models\.compute\.checkpoint_overhead_inference: expected a value >= 0"):
        api.run({**base, "models": {"compute.checkpoint_overhead_inference": -0.1}})


def test_every_figure_of_a_new_entry_needs_its_source(tmp_path):
    """A new chip sourcing its peak only passed validation, with three figures from nowhere; and a chip the
    architecture names that the refused table defines was reported a second time as "no chip named"."""
    path = tmp_path / "bad.toml"
    path.write_text('[catalogue.chips.MyChip]\npeak_ops_per_s = { fp16 = "500 TFLOPS" }\npower_w = "400 W"\n'
                    'mass_kg = "1 kg"\ncost_usd = 10000\nsources = { peak_ops_per_s = "a datasheet" }\n'
                    '[architectures.ground]\nchip = "MyChip"\n[assumptions]\nreference_chip = "MyChip"\n')
    r = CliRunner().invoke(cli, ["validate", str(path)], obj={})
    assert (r.exit_code, r.stderr) == (2, f"error: {path}: catalogue.chips.MyChip.sources: no source for power_w, "
                                          "mass_kg, cost_usd: a new entry states where each of its figures comes from "
                                          '(power_w = "<public reference>")\n')


def test_a_catalogue_entry_nothing_reads_is_named_on_stderr_and_changes_no_number(tmp_path):
    """LEO launches on Starship by default (its `vehicle` parameter): a cheaper Falcon 9 in [catalogue] changes no
    number of that scenario, and `sandbox run` says so with the table's line, as for a [models] value nothing reads;
    the LEO chip's entry is read and gives no warning. With vehicle = "Falcon9" the same table is read: the 10 PFLOP/s
    constellation's one flight costs 20 MUSD of launch capex, where the SpaceX list price gives 69.75 MUSD."""
    vehicle = '[catalogue.launch_vehicles.Falcon9]\nprice_usd = 20e6\n'
    chip = '[catalogue.chips.H100-SXM]\ncost_usd = 20000\n'
    archs = "[architectures.leo]\n[architectures.ground]\n"
    plain = tmp_path / "plain.toml"
    plain.write_text(HEAD + "\n" + chip + archs, encoding="utf-8")
    path = tmp_path / "unread.toml"
    path.write_text(HEAD + "\n" + vehicle + chip + archs, encoding="utf-8")
    r = invoke("run", str(path), "--format", "json")
    assert r.exit_code == 0, r.output
    assert [line for line in r.stderr.splitlines() if line.startswith("warning:")] == [
        f"warning: scenario {path}, line {line_of(path, 'price_usd')}: [catalogue.launch_vehicles.Falcon9] is read by "
        "nothing in this scenario (no architecture here uses that entry), so it changes no number"]
    assert json.loads(r.stdout)["records"] == json.loads(invoke("run", str(plain), "--format", "json").stdout)["records"]
    flown = tmp_path / "flown.toml"
    flown.write_text(HEAD + "\n" + vehicle + chip + archs.replace("[architectures.leo]\n",
                                                                  '[architectures.leo]\nvehicle = "Falcon9"\n'))
    reg = default_registry()
    result = evaluate(load_scenario(flown, reg), reg)
    leo = result.ledgers["leo"]
    assert result.warnings == []
    assert (leo.get("launch.flights"), leo.get("capex.launch")) == (1, pytest.approx(20.0, rel=1e-12))
    flown.write_text(flown.read_text(encoding="utf-8").replace(vehicle, ""), encoding="utf-8")
    assert evaluate(load_scenario(flown, reg), reg).ledgers["leo"].get("capex.launch") == pytest.approx(69.75, rel=1e-12)


def test_the_reference_chip_is_read_by_the_ledger_and_not_called_unread(tmp_path):
    """The ledger quotes GPU-hours in the reference chip: a ground data centre of H100s with the B200 as reference
    reads the B200 (no warning), and doubling its fp16 peak (NVIDIA's 2.25 PFLOP/s dense to 4.5) doubles the cost
    per GPU-hour, which counts as many reference chips as deliver the same compute."""
    text = HEAD.replace('reference_chip = "H100-SXM"', 'reference_chip = "B200"') + "\n{table}[architectures.ground]\n"
    _, plain = run(tmp_path, text.format(table=""), "plain.toml")
    _, doubled = run(tmp_path, text.format(table="[catalogue.chips.B200]\npeak_ops_per_s = { fp16 = 4.5e15 }\n"),
                     "doubled.toml")
    assert doubled.warnings == []
    ratio = doubled.ledgers["ground"].get("cost.per_gpu_hour") / plain.ledgers["ground"].get("cost.per_gpu_hour")
    assert ratio == pytest.approx(2.0, rel=1e-12)


def test_the_read_only_catalogue_view_records_what_is_read_through_it():
    """What a design reads is recorded by name; iterating a table counts as reading all of it (kind, "*"); asking
    whether a name is there reads nothing; the view refuses writes, recording or not."""
    cats = default_registry().catalogues
    seen: set[tuple[str, str]] = set()
    view = cats.read_only(seen)
    assert view.chips["H100-SXM"] is cats.chips["H100-SXM"]
    assert "B200" in view.chips and "nothing" not in view.chips and len(view.chips) == len(cats.chips)
    assert view.launch_vehicles.get("Falcon9") is cats.launch_vehicles["Falcon9"]
    assert view.get("power_sources", "grid-us") is cats.power_sources["grid-us"]
    assert seen == {("chips", "H100-SXM"), ("launch_vehicles", "Falcon9"), ("power_sources", "grid-us")}
    assert sorted(view.ground_stations) == sorted(cats.ground_stations)
    assert ("ground_stations", "*") in seen
    for table in (view.chips, cats.read_only().chips):
        with pytest.raises(TypeError):
            table["H100-SXM"] = None


def test_a_new_launch_vehicle_is_taken_and_one_missing_a_figure_every_design_reads_is_refused(tmp_path):
    """A [catalogue] launch vehicle of its own was a traceback in every command (its payload table had no installed
    value to be checked against). One flight of 100 t to LEO at 50 MUSD carries a 1 PFLOP/s LEO cluster: capex.launch
    = 1 flight x 50 MUSD and launch.co2 = 1 x 100 t. Without co2_t_per_flight (every launch reads it) validation says so,
    where the run used to fail at the launch."""
    text = ('[workload]\nsustained_compute = "1 PFLOPS"\n[architectures.leo]\nvehicle = "Toy"\n'
            '[catalogue.launch_vehicles.Toy]\npayload_kg = { LEO = 100000, SSO = 80000 }\nprice_usd = 50e6\n'
            'co2_t_per_flight = 100\nsources = { payload_kg = "test figure", price_usd = "test figure", '
            'co2_t_per_flight = "test figure" }\n')
    path = tmp_path / "toy.toml"
    path.write_text(text, encoding="utf-8")
    from sandbox import api

    leo = api.run(path).ledgers["leo"]
    assert (leo.get("launch.flights"), leo.get("capex.launch"), leo.get("launch.co2")) == (1.0, 50.0, 100.0)
    path.write_text(text.replace("co2_t_per_flight = 100\n", "").replace(', co2_t_per_flight = "test figure"', ""),
                    encoding="utf-8")
    proc = invoke("validate", str(path))
    assert (proc.exit_code, proc.stderr) == (2, f"error: {path}: catalogue.launch_vehicles.Toy: a new launch vehicle: "
                                                 "LaunchVehicle 'Toy': missing co2_t_per_flight (every design reads them) "
                                                 "(a new entry needs every field its designs read, and sources)\n")


def test_a_new_power_source_gives_what_its_kind_needs_and_a_parameter_takes_only_its_kind(tmp_path):
    """A new solar cell with its efficiency only, and a battery as LEO's solar array, validated and then failed
    in the run (exit 1): both are the file's mistakes, named at validation (exit 2)."""
    path = tmp_path / "cell.toml"
    path.write_text('[architectures.leo]\nsolar_array = "ToyCell"\n[catalogue.power_sources.ToyCell]\nkind = "solar"\n'
                    'efficiency = 0.3\nsources = { efficiency = "test figure" }\n', encoding="utf-8")
    proc = invoke("validate", str(path))
    assert (proc.exit_code, proc.stderr) == (2, f"error: {path}: catalogue.power_sources.ToyCell: a new solar power source "
                                                 "needs packing_factor, cost_usd_per_w (every element it supplies reads them)\n")
    path.write_text('[architectures.leo]\nsolar_array = "Li-ion-space"\n', encoding="utf-8")
    proc = invoke("validate", str(path))
    assert proc.exit_code == 2 and proc.stderr.startswith(
        f"error: {path}: architectures.leo.solar_array: 'Li-ion-space' is a storage power source, but this parameter "
        "takes only a power source of kind 'solar'")


def test_a_model_default_of_a_parameter_the_scenario_sets_is_read_by_nothing(tmp_path):
    """The ground's PUE defaults to thermal.pue_hyperscale (1.1); a scenario that sets the ground's pue itself and
    changes that default in [models] changes no number, and was not told so. With the parameter left to its default,
    the value is read (the hall's energy at PUE 1.3: 1.3 / 1.1 of the default's)."""
    from sandbox import api

    path = tmp_path / "pue.toml"
    path.write_text('[architectures.ground]\npue = 1.2\n[models]\n"thermal.pue_hyperscale" = 1.3\n', encoding="utf-8")
    assert api.run(path).warnings == [f"scenario {path}, line 4: [models] 'thermal.pue_hyperscale' is read by nothing "
                                      "in this scenario (no architecture here uses it), so it changes no number"]
    path.write_text('[architectures.ground]\n[models]\n"thermal.pue_hyperscale" = 1.3\n', encoding="utf-8")
    moved = api.run(path)
    assert moved.warnings == []
    plain = api.run({"architectures": {"ground": {}}}).ledgers["ground"]
    assert moved.ledgers["ground"].get("energy.use") == pytest.approx(plain.get("energy.use") * 1.3 / 1.1, rel=1e-9)
