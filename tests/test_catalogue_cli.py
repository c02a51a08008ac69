"""``sandbox catalogue [KIND] [NAME] [--format json]``: entries and fields with units, ranges and sources.

Figures checked against their publications: NVIDIA H100 SXM5 (H100 data sheet, 2023: 989.4 TFLOP/s
dense FP16/BF16, up to 700 W); SpaceX Starship (~1,000 m3 payload volume, Starship Users Guide).
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from sandbox.cli import cli
from sandbox.core.catalogue import ENTRY_TYPES, entry_fields


def run(*args: str):
    return CliRunner().invoke(cli, ["catalogue", *args], obj={})


def test_overview_lists_every_kind_with_fields_units_and_names():
    res = run()
    assert res.exit_code == 0, res.output
    for kind in ENTRY_TYPES:
        assert any(line.startswith(f"{kind} (") for line in res.stdout.splitlines()), kind
    lines = [" ".join(line.split()) for line in res.stdout.splitlines()]
    assert "power_w W board power (TDP) of one chip or module" in lines
    assert "payload_kg kg destination (LEO, SSO, GTO, TLI) -> payload mass one flight delivers there" in lines
    assert "lat_deg deg geodetic latitude (WGS84), -90 to 90" in lines
    chips_line = next(line for line in res.stdout.splitlines() if line.startswith("chips ("))
    assert "H100-SXM" in chips_line and "GuoXing-744TOPS" in chips_line  # the leo plugin's chip too


def test_one_entry_in_json_with_values_units_sources_and_ranges():
    res = run("chips", "H100-SXM", "--format", "json")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert list(doc) == ["chips"]
    fields = {f["field"]: f for f in doc["chips"]["fields"]}
    assert set(fields) == {f.name for f in entry_fields(ENTRY_TYPES["chips"])} - {"name", "sources", "ranges"}
    assert fields["power_w"]["unit"] == "W" and fields["peak_ops_per_s"]["unit"] == "FLOP/s"
    (entry,) = doc["chips"]["entries"]
    assert entry["name"] == "H100-SXM" and entry["plugin"] == "catalogue"
    # NVIDIA H100 SXM5: 989.4 TFLOP/s dense fp16, up to 700 W
    assert entry["values"]["peak_ops_per_s"]["fp16"] == pytest.approx(989.4e12)
    assert entry["values"]["power_w"] == 700
    assert "NVIDIA" in entry["sources"]["power_w"]
    low, high = entry["ranges"]["power_w"]
    assert low <= 700 <= high


def test_figures_that_do_not_apply_are_null_in_json():
    doc = json.loads(run("power_sources", "grid-us", "--format", "json").stdout)
    values = doc["power_sources"]["entries"][0]["values"]
    assert values["kind"] == "grid"
    assert values["efficiency"] is None and values["specific_energy_wh_per_kg"] is None  # NaN: not a grid figure
    assert values["price_usd_per_kwh"] > 0


def test_a_name_alone_and_kind_spellings_find_the_same_entry():
    by_kind = run("launch_vehicles", "Starship").stdout
    assert run("Starship").stdout == by_kind
    assert run("launch-vehicle", "Starship").stdout == by_kind
    # SpaceX Starship: ~1,000 m3 of payload volume
    assert "  fairing_volume_m3: 1000 m3  (range " in by_kind
    assert "registered by plugin 'catalogue'" in by_kind.splitlines()[0]


def test_one_entry_as_text_shows_unit_range_and_source_per_field():
    res = run("chips", "H100-SXM")
    assert res.exit_code == 0
    lines = res.stdout.splitlines()
    i = lines.index(next(line for line in lines if line.startswith("  power_w: 700 W  (range ")))
    assert lines[i + 1].strip() == "board power (TDP) of one chip or module"
    assert lines[i + 2].strip().startswith("source: NVIDIA")


def test_a_kind_lists_entries_in_a_table_power_sources_grouped_by_kind():
    res = run("power_sources")
    assert res.exit_code == 0
    text = res.stdout
    grid = text[text.index("kind grid:"):].split("\n\n")[0]
    header = grid.splitlines()[1].split()
    assert header[0] == "name" and "price_usd_per_kwh" in header and "efficiency" not in header
    solar = text[text.index("kind solar:"):].split("\n\n")[0]
    assert "GaAs-ROSA" in solar and "price_usd_per_kwh" not in solar
    chips = run("chips").stdout
    assert "columns fp64, fp32, tf32, bf16, fp16, fp8, int8: peak_ops_per_s (FLOP/s)" in chips


@pytest.mark.parametrize(("args", "message"), [
    (("chps",), "error: catalogue: no kind or entry named 'chps'; did you mean 'chips'? "
                "(kinds: chips, launch_vehicles, power_sources, ground_stations)"),
    (("chips", "H100"), "error: catalogue chips: no chip named 'H100'; did you mean 'H100-SXM'?"),
    (("H100",), "error: catalogue: no kind or entry named 'H100'; did you mean 'H100-SXM'? "
                "(kinds: chips, launch_vehicles, power_sources, ground_stations)"),
])
def test_unknown_kind_or_name_is_one_line_exit_2(args, message):
    res = run(*args)
    assert res.exit_code == 2
    assert res.stderr.strip() == message and res.stdout == ""
