"""The built-in catalogue plugin: its figures against their references, and its provenance.

Each numeric check restates the reference figure by hand (datasheet, agency page, propellant
load), so a typo in the catalogue shows up as a disagreement with the source.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import MISSING, fields, replace
from importlib.metadata import entry_points

import pluggy
import pytest
from sandbox_plugins import catalogue as plugin

import sandbox.core.hookspecs
from sandbox.core.catalogue import CatalogueError, Catalogues, Chip, GroundStation, LaunchVehicle, PowerSource


def _collect() -> list:
    entries: list = []

    def register(entry, replace=False):
        assert replace is False
        entries.append(entry)

    plugin.sandbox_register_catalogues(register=register)
    return entries


ENTRIES = _collect()
BY_NAME = {(type(e).__name__, e.name): e for e in ENTRIES}


def chip(name: str) -> Chip:
    return BY_NAME[("Chip", name)]


def vehicle(name: str) -> LaunchVehicle:
    return BY_NAME[("LaunchVehicle", name)]


def power(name: str) -> PowerSource:
    return BY_NAME[("PowerSource", name)]


def station(name: str) -> GroundStation:
    return BY_NAME[("GroundStation", name)]


# ------------------------------------------------------------------------- hook and registry


def test_hook_registers_four_non_empty_catalogues_with_unique_names():
    kinds = {Chip: set(), LaunchVehicle: set(), PowerSource: set(), GroundStation: set()}
    for entry in ENTRIES:
        names = kinds[type(entry)]
        assert entry.name not in names, f"duplicate {type(entry).__name__} {entry.name!r}"
        names.add(entry.name)
    assert all(kinds.values()), {k.__name__: len(v) for k, v in kinds.items()}
    assert {"H100-SXM", "A100-SXM", "B200", "RAD5500", "RAD750", "TPU-v6e"} <= kinds[Chip]
    assert {"Falcon9", "FalconHeavy", "Starship", "Transporter", "LM-2D", "Electron"} <= kinds[LaunchVehicle]
    assert {"SvalSat", "Goldstone", "Madrid", "Canberra", "Kashi"} <= kinds[GroundStation]
    # every power-source kind has a built-in entry; the on-site gas plant (kind "fuel") is the ground plugin's
    from sandbox_plugins import ground
    assert {p.kind for p in ENTRIES + ground.GROUND_POWER if isinstance(p, PowerSource)} == set(PowerSource.KINDS)


def test_every_entry_validates_in_catalogues():
    cat = Catalogues()
    for entry in ENTRIES:
        cat.add(entry, plugin="catalogue")
    assert len(cat.chips) + len(cat.launch_vehicles) + len(cat.power_sources) + len(cat.ground_stations) == len(ENTRIES)
    assert set(cat.owner.values()) == {"catalogue"}
    assert cat.get("chips", "H100-SXM").ops("bf16") == pytest.approx(989.4e12)


def test_hook_matches_the_public_hookspec_through_pluggy():
    pm = pluggy.PluginManager("sandbox")
    pm.add_hookspecs(sandbox.core.hookspecs)
    pm.register(plugin, name="catalogue")
    pm.check_pending()  # a misspelt hook name or argument would fail here
    got: list = []
    pm.hook.sandbox_register_catalogues(register=lambda entry, replace=False: got.append(entry))
    assert [e.name for e in got] == [e.name for e in ENTRIES]


def test_plugin_is_found_through_the_sandbox_entry_point():
    eps = {ep.name: ep.value for ep in entry_points(group="sandbox")}
    assert eps.get("catalogue") == "sandbox_plugins.catalogue"


# -------------------------------------------------------------------------- provenance rules


def _default(f):
    if f.default is not MISSING:
        return f.default
    if f.default_factory is not MISSING:
        return f.default_factory()
    return MISSING


def _is_nan(value) -> bool:
    return isinstance(value, float) and math.isnan(value)


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: f"{type(e).__name__}:{e.name}")
def test_every_set_field_has_a_source_and_ranges_hold_the_nominal(entry):
    """The rule documented in the plugin's docstring: per field, or per ``field.item`` of a mapping."""
    sources, ranges = entry.sources, getattr(entry, "ranges", {})
    nominal: dict[str, float] = {}
    for f in fields(entry):
        if f.name in ("name", "sources", "ranges"):
            continue
        value, default = getattr(entry, f.name), _default(f)
        if isinstance(value, Mapping):
            for key, item in value.items():
                nominal[f"{f.name}.{key}"] = item
                assert f.name in sources or f"{f.name}.{key}" in sources, f"{entry.name}: no source for {f.name}.{key}"
                assert item > 0 and not _is_nan(item), f"{entry.name}: {f.name}.{key} = {item}"
            continue
        if isinstance(value, float | int) and not isinstance(value, bool):
            nominal[f.name] = value
        # A figure or a flag the entry sets (not its default, not NaN) needs a source;
        # strings (``kind``, ``network``) are classifications, not claims.
        is_set = not isinstance(value, str) and not _is_nan(value) and value != default
        if is_set:
            assert f.name in sources, f"{entry.name}: {f.name} = {value!r} has no source"
    for key, text in sources.items():
        assert isinstance(text, str) and len(text) > 15, f"{entry.name}: source for {key} is too thin"
    for key, (low, high) in ranges.items():
        assert key in nominal, f"{entry.name}: range for unknown or non-numeric field {key!r}"
        assert key in sources or key.split(".")[0] in sources, f"{entry.name}: range {key} has no source"
        assert low <= nominal[key] <= high, f"{entry.name}: {key} {nominal[key]} outside ({low}, {high})"


def test_estimates_say_so_and_state_a_basis():
    """Figures without a direct public number are flagged "Estimate:" and carry their basis."""
    estimates = [(e.name, k, s) for e in ENTRIES for k, s in e.sources.items() if s.startswith("Estimate:")]
    assert estimates, "the catalogue has estimates; they must be labelled"
    assert all(len(s) > len("Estimate: ") + 30 for _, _, s in estimates)
    # The headline datasheet figures are not estimates.
    for name in ("H100-SXM", "A100-SXM", "B200"):
        assert not chip(name).sources["peak_ops_per_s"].startswith("Estimate:")
        assert not chip(name).sources["power_w"].startswith("Estimate:")


# ------------------------------------------------------------------------------------ chips


def test_h100_fp16_dense_per_watt_from_datasheet():
    # NVIDIA H100 whitepaper/datasheet: 989.4 TFLOPS FP16 dense (1,979 with sparsity) at 700 W.
    h100 = chip("H100-SXM")
    assert h100.ops("fp16") == pytest.approx(1979e12 / 2, rel=1e-3)
    assert h100.ops("fp16") / h100.power_w == pytest.approx(1.413e12, rel=2e-3)
    assert h100.ops("fp8") == pytest.approx(2 * h100.ops("fp16"), rel=1e-3)
    assert h100.ops("fp64") == pytest.approx(67e12, rel=1e-2)


def test_a100_tf32_against_rad5500_ratio():
    # The often-quoted comparison: a RAD5500 does ~0.9 GFLOPS (BAE Systems: RAD5545's 3.7 GFLOPS over its 4
    # cores) against an A100's 156 TFLOPS (NVIDIA A100 data sheet, TF32 dense) -> ~1.7e5.
    a100, rad = chip("A100-SXM"), chip("RAD5500")
    assert a100.ops("tf32") == 156e12
    assert rad.ops("fp64") == pytest.approx(0.9e9, rel=0.05)
    # The per-core figure is the RAD5545's 3.7 GFLOPS shared by its four RAD5500 cores.
    assert rad.ops("fp64") == pytest.approx(chip("RAD5545").ops("fp64") / 4)
    assert a100.ops("tf32") / rad.ops("fp64") == pytest.approx(1.7e5, rel=0.02)
    assert rad.rad_hard and rad.tid_krad == 100.0
    assert not a100.rad_hard and a100.tid_krad == 0.0


def test_blackwell_and_orin_dense_figures_are_half_the_sparse_datasheet_figures():
    assert chip("B200").ops("bf16") == pytest.approx(4.5e15 / 2)
    assert chip("B200").ops("fp8") == pytest.approx(9e15 / 2)
    assert chip("B200").power_w == 1000.0
    orin = chip("AGX-Orin-64GB")
    assert orin.ops("int8") == pytest.approx(275e12 / 2)
    assert orin.ranges["power_w"] == (15.0, 60.0)


def test_tpu_peaks_match_google_cloud_docs_and_v6e_power_follows_the_efficiency_claim():
    v5e, v6e = chip("TPU-v5e"), chip("TPU-v6e")
    assert (v5e.ops("bf16"), v5e.ops("int8")) == (197e12, 393e12)
    assert (v6e.ops("bf16"), v6e.ops("int8")) == (918e12, 1836e12)
    # Google: Trillium is 67 % more energy-efficient than v5e.
    eff5, eff6 = v5e.ops("bf16") / v5e.power_w, v6e.ops("bf16") / v6e.power_w
    assert eff6 / eff5 == pytest.approx(1.67)
    # Cost estimate: a quarter of three years of on-demand chip-hours (v6e US$2.70/h).
    assert v6e.cost_usd == pytest.approx(2.70 * 3 * 8766 * 0.25)


def test_chip_prices_lie_in_publicly_reported_bands():
    assert 25_000 <= chip("H100-SXM").cost_usd <= 40_000
    assert 30_000 <= chip("B200").cost_usd <= 40_000
    assert chip("RAD750").cost_usd >= 200_000  # rad-hard boards cost ~10x a datacentre GPU


# ------------------------------------------------------------------------------ launch


def test_falcon9_price_per_kg_to_leo():
    # SpaceX capabilities page: US$69.75 M per flight; ~17.5 t to LEO with booster recovery.
    f9 = vehicle("Falcon9")
    assert f9.price_usd / f9.payload("LEO") == pytest.approx(3986, abs=1)
    assert f9.ranges["payload_kg.GTO"] == (5_500.0, 8_300.0)  # recovered .. expendable


def test_falcon9_co2_matches_hand_computation_from_propellant_mass():
    # 395,700 kg + 92,670 kg LOX/RP-1 at O/F 2.36 -> RP-1 = 488,370 / 3.36 = 145,348 kg.
    rp1_kg = (395_700 + 92_670) / 3.36
    assert rp1_kg == pytest.approx(145_348, abs=1)
    # RP-1 ~ CH1.9423: carbon fraction 12.011 / 13.969 = 0.8598; x 44.009/12.011 -> 3.150 kg CO2/kg.
    co2_per_kg = 0.8598 * 44.009 / 12.011
    assert vehicle("Falcon9").co2_t_per_flight == pytest.approx(rp1_kg * co2_per_kg / 1000, rel=1e-3)
    assert vehicle("Falcon9").co2_t_per_flight == pytest.approx(458, abs=1)
    # Falcon Heavy burns three first-stage loads plus one second stage.
    fh_rp1 = (3 * 395_700 + 92_670) / 3.36
    assert vehicle("FalconHeavy").co2_t_per_flight == pytest.approx(fh_rp1 * co2_per_kg / 1000, rel=1e-3)


def test_starship_co2_from_methane_load_and_refuelling_flag():
    # 3,400 t + 1,200 t CH4/LOX at O/F 3.6 -> 1,000 t CH4 -> x 44.009/16.043 = 2,743 t CO2.
    ship = vehicle("Starship")
    assert ship.co2_t_per_flight == pytest.approx(1_000 * 44.009 / 16.043, rel=1e-3)
    assert ship.reusable and not vehicle("Falcon9").reusable
    assert "TLI" not in ship.payload_kg  # beyond LEO needs tanker flights, modelled by the engine
    assert ship.payload("LEO") / vehicle("Falcon9").payload("LEO") == pytest.approx(5.7, rel=0.01)


def test_falcon_fairing_volume_from_users_guide_envelope():
    # 4.6 m diameter: cylinder 6.7 m + cone 4.3 m.
    r = 2.3
    expected = math.pi * r * r * 6.7 + math.pi * r * r * 4.3 / 3
    assert vehicle("Falcon9").fairing_volume_m3 == pytest.approx(expected)
    assert vehicle("Falcon9").fairing_volume_m3 == pytest.approx(135.2, abs=0.1)


def test_rideshare_is_linear_50kg_slots_at_the_published_rate():
    ride = vehicle("Transporter")
    assert ride.payload("SSO") == 50.0
    assert ride.price_usd / ride.payload("SSO") == 7_000.0  # SpaceX rideshare: $350k / 50 kg, $7k/kg extra
    # Its CO2 is the 50 kg mass share of a Falcon 9 flight.
    assert ride.co2_t_per_flight == pytest.approx(vehicle("Falcon9").co2_t_per_flight * 50 / 17_500)
    assert math.isnan(ride.fairing_volume_m3)


def test_small_launchers_cost_more_per_kg_than_falcon9():
    per_kg = {v.name: v.price_usd / max(v.payload_kg.values()) for v in ENTRIES if isinstance(v, LaunchVehicle)}
    assert per_kg["Electron"] > per_kg["LM-2D"] > per_kg["Falcon9"] > per_kg["Starship"]
    assert per_kg["Electron"] == pytest.approx(8.5e6 / 300)


# ------------------------------------------------------------------------------------ power


def test_mmrtg_specific_power_and_cost_per_watt():
    mmrtg = power("MMRTG")
    assert mmrtg.kind == "radioisotope"
    assert mmrtg.specific_power_w_per_kg == pytest.approx(110 / 45)
    assert mmrtg.specific_power_w_per_kg == pytest.approx(2.44, abs=0.01)
    assert mmrtg.cost_usd_per_w == pytest.approx(110e6 / 110)
    assert mmrtg.degradation_per_year == pytest.approx(0.048)


def test_fission_specific_power_from_nasa_mass_targets():
    assert power("FSP-40kWe").specific_power_w_per_kg == pytest.approx(40_000 / 6_000)
    assert power("Kilopower-10kWe").specific_power_w_per_kg == pytest.approx(10_000 / 1_500)
    # Fission beats the MMRTG by ~2.7x per kg.
    assert power("FSP-40kWe").specific_power_w_per_kg / power("MMRTG").specific_power_w_per_kg == pytest.approx(2.73, abs=0.01)


def test_solar_arrays_specific_power_from_efficiency_packing_and_areal_density():
    def w_per_kg(p: PowerSource) -> float:
        return 1361 * p.efficiency * p.packing_factor / p.areal_density_kg_m2

    assert power("GaAs-rigid").efficiency == 0.307  # Spectrolab XTJ Prime, AM0 BOL
    assert w_per_kg(power("GaAs-ROSA")) == pytest.approx(120.0)  # ROSA >100 W/kg class
    assert 40 <= w_per_kg(power("GaAs-rigid")) <= 100  # rigid-panel arrays
    assert w_per_kg(power("GaAs-ROSA")) > w_per_kg(power("GaAs-rigid"))
    assert power("Si-COTS").efficiency < power("GaAs-rigid").efficiency
    assert power("Si-COTS").cost_usd_per_w < power("GaAs-rigid").cost_usd_per_w


def test_storage_entries():
    rfc, li = power("RFC"), power("Li-ion-space")
    assert rfc.kind == li.kind == "storage"
    assert rfc.specific_energy_wh_per_kg > li.specific_energy_wh_per_kg  # RFC wins for long nights
    assert rfc.round_trip_efficiency < li.round_trip_efficiency  # and loses on efficiency
    assert power("Li-ion-COTS").cost_usd_per_kwh == 115.0  # BNEF 2024 pack average


def test_grid_co2_from_egrid_and_price_from_eia():
    grid = power("grid-us")  # the name the ground plugin defaults to
    assert grid.co2_kg_per_kwh == pytest.approx(823.1 * 0.45359237 / 1000)
    assert grid.co2_kg_per_kwh == pytest.approx(0.373, abs=0.001)
    assert 0.07 <= grid.price_usd_per_kwh <= 0.09


def test_beamed_power_efficiency_band():
    beam = power("Laser-beamed")
    assert beam.kind == "beamed"
    assert beam.ranges["efficiency"] == (0.10, 0.20)


# -------------------------------------------------------------------------- ground stations


def test_ground_station_coordinates_and_networks():
    assert (station("SvalSat").lat_deg, station("SvalSat").lon_deg) == (78.23, 15.39)
    assert station("TrollSat").lat_deg < -70  # Antarctica
    assert station("Wallops").lon_deg == -75.46  # west is negative
    dsn = [s for s in ENTRIES if isinstance(s, GroundStation) and s.network == "DSN"]
    assert {s.name for s in dsn} == {"Goldstone", "Madrid", "Canberra"}
    # The DSN complexes are spread around the globe (gaps of ~94, 113 and 153 degrees of
    # longitude) so that one of them always sees a deep-space craft.
    lons = sorted(s.lon_deg % 360 for s in dsn)
    gaps = [b - a for a, b in zip(lons, lons[1:], strict=False)] + [360 - lons[-1] + lons[0]]
    assert all(90 <= g <= 160 for g in gaps), gaps
    chinese = {s.name for s in ENTRIES if isinstance(s, GroundStation) and s.network == "China"}
    assert {"Miyun", "Kashi", "Sanya", "Jiamusi", "Kunming"} == chinese


def test_a_chip_that_draws_no_power_is_refused():
    """A chip's board power is what its compute costs in arrays, radiators and energy: 0 W would make it free (a
    plugin's entry is checked like a scenario's override, which refuses power_w = 0 in tests/test_overrides.py)."""
    good = next(e for e in ENTRIES if isinstance(e, Chip) and e.name == "H100-SXM")
    good.check()
    with pytest.raises(ValueError, match=r"Chip 'H100-SXM': power_w: expected a value > 0 W \(a chip that computes"):
        replace(good, power_w=0.0).check()


@pytest.mark.parametrize(("kind", "name", "change", "expected"), [
    # the divisors of the ledger: a peak rate, a payload per flight (launches = mass / payload)
    (Chip, "H100-SXM", {"peak_ops_per_s": {"fp16": 0.0}}, "peak_ops_per_s.fp16: expected a value > 0 FLOP/s"),
    (LaunchVehicle, "Starship", {"payload_kg": {"LEO": 0}}, "payload_kg.LEO: expected a value > 0 kg"),
    (Chip, "H100-SXM", {"cost_usd": float("inf")}, "cost_usd: expected a finite value >= 0 USD, got inf"),
    (Chip, "H100-SXM", {"peak_ops_per_s": {"fp16": "lots"}}, "peak_ops_per_s.fp16 must be a number, got 'lots'"),
    # an array sized for the end of life, A = P / (S eta k (1 - d)^T) (SMAD sec. 11.4), has no size at d = 1
    (PowerSource, "GaAs-rigid", {"degradation_per_year": 1.5}, "degradation_per_year: expected a value in [0, 1)"),
    # Earth's land lies between -536 m (Dead Sea shore less the geoid low) and 8,934 m (Everest plus the geoid high)
    (GroundStation, "Goldstone", {"alt_m": 20_000.0}, "alt_m: expected a finite value from -600 to 9000 m"),
    # an elevation mask below the horizon would see through the Earth
    (GroundStation, "Goldstone", {"min_elevation_deg": -5.0}, "min_elevation_deg: expected a finite value from 0 to 90"),
    (GroundStation, "Goldstone", {"lat_deg": float("nan")}, "GroundStation 'Goldstone': lat_deg not given"),
    # what every design reads: NaN (not given) would fail only when an architecture used the entry
    (Chip, "H100-SXM", {"power_w": float("nan")}, "Chip 'H100-SXM': missing power_w (every design reads them)"),
    (LaunchVehicle, "Starship", {"payload_kg": {}, "price_usd": float("nan")},
     "LaunchVehicle 'Starship': missing payload_kg, price_usd"),
])
def test_a_plugins_entry_obeys_the_rules_a_scenario_override_obeys(kind, name, change, expected):
    """One set of field rules (sandbox.core.catalogue.field_problem) for an entry a plugin registers and for a
    scenario's [catalogue] override of it (tests/test_overrides.py), so neither path reaches a figure the other
    refuses. Catalogues.add names the plugin: the registry reports it and sets that plugin aside."""
    good = next(e for e in ENTRIES if isinstance(e, kind) and e.name == name)
    good.check()
    bad = replace(good, **change)
    with pytest.raises(ValueError, match=re.escape(expected)):
        bad.check()
    with pytest.raises(CatalogueError, match=r"^plugin 'someone': " + re.escape(f"{kind.__name__} {name!r}")):
        Catalogues().add(bad, "someone")


def test_a_name_that_differs_only_by_case_is_refused():
    """'h100-sxm' beside 'H100-SXM': a design or scenario naming one would get the other by a slip of case (a
    scenario's [catalogue] table refuses the same, tests/test_overrides.py)."""
    cats = Catalogues()
    h100 = next(e for e in ENTRIES if isinstance(e, Chip) and e.name == "H100-SXM")
    cats.add(h100, "catalogue")
    with pytest.raises(CatalogueError, match=re.escape(
            "plugin 'mine' registered chip 'h100-sxm', which differs only by case from 'H100-SXM' of plugin 'catalogue'")):
        cats.add(replace(h100, name="h100-sxm"), "mine")
    assert list(cats.chips) == ["H100-SXM"]
