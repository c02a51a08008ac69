"""`sandbox serve` without a browser: state ↔ TOML, the same numbers and messages as `sandbox run`,
sweep aggregates against pandas, and the security rules (token, hosts, files, time limit, no traceback).

The browser tests are in tests/test_serve_browser.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from starlette.testclient import TestClient

from sandbox import api
from sandbox.core.scenario import ScenarioError
from sandbox.output.format import fmt
from sandbox.serve.app import Settings, build_app, is_loopback
from sandbox.serve.compute import Explorer, Invalid
from sandbox.serve.state import StateError, apply, coerce, from_query, read_source
from sandbox.serve.sweepview import SweepFolder, SweepViewError, pareto_front

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "scenarios" / "default.toml"


@pytest.fixture(scope="module")
def reg():
    return api.registry()


@pytest.fixture(scope="module")
def explorer(reg):
    return Explorer([read_source(0, DEFAULT), read_source(1, ROOT / "scenarios" / "claims" / "starcloud1.toml")], reg)


def run_values(text: str, tmp_path: Path, reg) -> dict[str, dict[str, float]]:
    path = tmp_path / "state.toml"
    path.write_text(text, encoding="utf-8")
    result = api.run(path, reg)
    return {inst: {m.name: float(m.value) for m in lg.metrics} for inst, lg in result.ledgers.items()}


def shown(doc: dict) -> dict[str, dict[str, float]]:
    return {inst: {m["name"]: m["cells"][inst]["v"] for m in doc["metrics"] if inst in m["cells"]}
            for inst in (a["instance"] for a in doc["architectures"])}


# ----------------------------------------------------------------------------- state
def test_coerce_types_page_text_as_a_scenario_file_does():
    assert coerce("number", "1.25") == 1.25 and isinstance(coerce("number", "2"), float)
    assert coerce("integer", "250") == 250 and coerce("integer", "3.0") == 3
    assert coerce("integer", "3.5") == 3.5  # left for validation to refuse ("expected a whole number")
    assert coerce("boolean", "false") is False and coerce("boolean", "yes") == "yes"
    assert coerce("list", "SvalSat, TrollSat") == ["SvalSat", "TrollSat"]
    assert coerce("quantity", " 600 km ") == "600 km"
    assert coerce("value", "700") == 700 and coerce("value", "0.7") == 0.7 and coerce("value", "0.7 kW") == "0.7 kW"
    assert coerce("number", "abc") == "abc"


def test_apply_writes_values_at_their_scenario_paths():
    raw = tomllib.loads(DEFAULT.read_text())
    out = apply(raw, {"architectures.leo.altitude": "600 km", "architectures.starship.chips_per_module": "300",
                      "workload.sustained_compute": "50 PFLOPS", "models.cost.launch_price_per_kg": "200 USD/kg",
                      "catalogue.chips.H100-SXM.power_w": "650", "catalogue.chips.B200.peak_ops_per_s.fp16": "2e15"},
                {"architectures.starship.chips_per_module": "integer", "catalogue.chips.H100-SXM.power_w": "value",
                 "catalogue.chips.B200.peak_ops_per_s.fp16": "value"},
                {"chips": ["H100-SXM", "B200"]})
    assert out["architectures"]["leo"]["altitude"] == "600 km"
    assert out["architectures"]["starship"]["chips_per_module"] == 300
    assert out["workload"]["sustained_compute"] == "50 PFLOPS"
    assert out["models"]["cost.launch_price_per_kg"] == "200 USD/kg"
    assert out["catalogue"]["chips"]["H100-SXM"]["power_w"] == 650
    assert out["catalogue"]["chips"]["B200"]["peak_ops_per_s"] == {"fp16": 2e15}
    assert raw["architectures"]["leo"] == {}  # the file's data is not touched
    with pytest.raises(StateError, match="no architecture 'nope'"):
        apply(raw, {"architectures.nope.altitude": "1 km"}, {})
    with pytest.raises(StateError, match="not an input of a scenario file"):
        apply(raw, {"../../etc/passwd": "x"}, {})


def test_query_string_holds_the_state():
    sid, values = from_query([("s", "1"), ("token", "secret"), ("architectures.leo.altitude", "600 km")])
    assert sid == 1 and values == {"architectures.leo.altitude": "600 km"}
    with pytest.raises(StateError):
        from_query([("s", "one")])


# ----------------------------------------------------------------------------- same numbers as `sandbox run`
def test_every_number_equals_sandbox_run_of_the_downloaded_file(explorer, reg, tmp_path):
    values = {"architectures.leo.altitude": "600 km", "architectures.ground.pue": "1.2",
              "architectures.starship.chips_per_module": "300", "assumptions.discount_rate": "0.1"}
    doc = explorer.evaluate(0, values, every=True)
    expected = run_values(explorer.toml(0, values), tmp_path, reg)
    got = shown(doc)
    assert set(got) == set(expected) == {"ground", "leo", "starship", "lagrange", "lunar", "moonbase"}
    for inst, metrics in expected.items():
        assert got[inst] == metrics  # every metric, bit for bit
    # the table's text is the terminal table's format of the same value
    row = next(m for m in doc["metrics"] if m["name"] == "cost.per_pflop_day")
    assert row["cells"]["leo"]["t"] == fmt(expected["leo"]["cost.per_pflop_day"])
    # without `every`, the table's and the charts' metrics only
    names = {m["name"] for m in explorer.evaluate(0, values)["metrics"]}
    assert "cost.per_pflop_day" in names and "capex.launch" in names and "orbit.period" not in names


def test_a_claim_file_with_a_changed_model_default_equals_sandbox_run(reg, tmp_path):
    """A claim file's [claim] names its architectures, so it stays out of the per-architecture sub-scenarios the explorer
    evaluates (it is no input); a changed model default that one design reads and the other does not (the ground's
    design never reads the radiator emissivity, so its design is reused and only its ledger evaluated again) still
    gives every number of ``sandbox run`` of the downloaded file, bit for bit."""
    ex = Explorer([read_source(0, ROOT / "scenarios" / "claims" / "starcloud_white_paper.toml")], reg)
    ex.evaluate(0, {})
    for values in ({"models.thermal.radiator_emissivity": "0.85"}, {"models.cost.insurance_fraction": "0.05"}):
        doc = ex.evaluate(0, values, every=True)
        expected = run_values(ex.toml(0, values), tmp_path, reg)
        assert set(shown(doc)) == set(expected) == {"leo", "ground"}
        assert shown(doc) == expected


def test_a_model_default_no_architecture_reads_is_warned_as_sandbox_run_warns(reg, tmp_path):
    """An RF receiver's noise temperature moves nothing when every link is optical or a ground network: the
    explorer shows the warning `sandbox run` prints (which also names the file's line: a page's state has none),
    and none for a default a design reads (the LEO radiators' emissivity, Stefan-Boltzmann sizing)."""
    path = tmp_path / "unread.toml"
    path.write_text('[study]\nname = "x"\nseed = 3\n[models]\n"links.rf_system_noise_temperature_k" = "500 K"\n'
                    '[architectures.leo]\n', encoding="utf-8")
    ex = Explorer([read_source(0, path)], reg)
    doc = ex.evaluate(0, {})
    expected = api.run(path, reg).warnings
    assert doc["warnings"] == [w.replace(", line 5:", ":") for w in expected] and len(expected) == 1
    assert "line 5" in expected[0] and "'links.rf_system_noise_temperature_k'" in expected[0]
    read = tmp_path / "read.toml"
    read.write_text(path.read_text(encoding="utf-8").replace('"links.rf_system_noise_temperature_k" = "500 K"',
                                                              '"thermal.radiator_emissivity" = 0.85'), encoding="utf-8")
    assert Explorer([read_source(0, read)], reg).evaluate(0, {})["warnings"] == api.run(read, reg).warnings == []


def test_a_catalogue_entry_no_architecture_reads_is_warned_as_sandbox_run_warns(reg, tmp_path):
    """LEO launches on Starship by default: a Falcon 9 price in [catalogue] moves nothing, and the explorer shows the
    warning `sandbox run` prints (without the file's line); none once LEO flies on the Falcon 9."""
    path = tmp_path / "unread.toml"
    path.write_text('[study]\nname = "x"\nseed = 3\n[catalogue.launch_vehicles.Falcon9]\nprice_usd = 20e6\n'
                    '[architectures.leo]\n', encoding="utf-8")
    doc = Explorer([read_source(0, path)], reg).evaluate(0, {})
    expected = api.run(path, reg).warnings
    assert expected == [f"scenario {path}, line 5: [catalogue.launch_vehicles.Falcon9] is read by nothing in this "
                        "scenario (no architecture here uses that entry), so it changes no number"]
    assert doc["warnings"] == [w.replace(", line 5:", ":") for w in expected]
    read = tmp_path / "read.toml"
    read.write_text(path.read_text(encoding="utf-8") + 'vehicle = "Falcon9"\n', encoding="utf-8")
    assert Explorer([read_source(0, read)], reg).evaluate(0, {})["warnings"] == api.run(read, reg).warnings == []


def test_the_notes_are_those_of_sandbox_run(reg, tmp_path):
    """The explorer's notes are `sandbox run`'s, word for word: the one on a chip that differs from the baseline's
    (the Moonbase probes compute on the Jetson AGX Orin, the ground on the H100) and the one naming which of two
    ground data centers is the baseline (the first in the file)."""
    path = tmp_path / "notes.toml"
    path.write_text('[study]\nname = "x"\nseed = 3\n[architectures.ground]\n[architectures.ground_b]\ntype = "ground"\n'
                    'pue = 1.3\n[architectures.moonbase]\n', encoding="utf-8")
    doc = Explorer([read_source(0, path)], reg).evaluate(0, {})
    expected = {inst: lg.notes for inst, lg in api.run(path, reg).ledgers.items() if lg.notes}
    assert doc["notes"] == expected
    assert any(n.startswith("computes on AGX-Orin-64GB, the baseline ground on H100-SXM") for n in doc["notes"]["moonbase"])
    assert any(n.startswith("the baseline of every .vs_baseline ratio: the first instance in the file") and
               "ground_b is compared with it" in n for n in doc["notes"]["ground"])


def test_a_change_moves_only_what_it_should(explorer):
    base = shown(explorer.evaluate(0, {}))
    moved = shown(explorer.evaluate(0, {"architectures.ground.pue": "1.3"}))
    # the ground's energy use scales with its PUE (IT power × PUE): 1.3 / 1.1 of the file's
    ratio = moved["ground"]["energy.use"] / base["ground"]["energy.use"]
    assert ratio == pytest.approx(1.3 / 1.1, rel=1e-9)
    assert moved["leo"]["cost.per_pflop_day"] == base["leo"]["cost.per_pflop_day"]  # not the LEO cluster's
    assert moved["leo"]["cost.per_pflop_day.vs_baseline"] == pytest.approx(
        base["leo"]["cost.per_pflop_day"] / moved["ground"]["cost.per_pflop_day"], rel=1e-12)


def test_the_engine_added_baseline_is_evaluated_as_sandbox_run_adds_it(reg, tmp_path):
    path = tmp_path / "no_ground.toml"
    path.write_text('[study]\nname = "x"\nseed = 3\n[architectures.starship]\nchips_per_module = 400\n')
    ex = Explorer([read_source(0, path)], reg)
    doc = ex.evaluate(0, {}, every=True)
    assert doc["baseline"] == "ground"
    assert shown(doc) == run_values(path.read_text(), tmp_path, reg)


def test_bad_values_get_the_scenario_file_message(explorer, reg, tmp_path):
    bad = {"architectures.leo.altitude": "100 km", "architectures.ground.pue": "abc", "architectures.leo.pue": "1"}
    with pytest.raises(Invalid) as caught:
        explorer.evaluate(0, bad)
    errors = caught.value.errors
    data = apply(tomllib.loads(DEFAULT.read_text()), bad, explorer.kinds(0))
    import tomli_w

    path = tmp_path / "bad.toml"
    path.write_text(tomli_w.dumps(data))
    with pytest.raises(ScenarioError) as direct:
        api.load(path, reg)
    from_file = {p.removeprefix(f"{path}: ") for p in direct.value.problems}
    assert {m.removeprefix(f"{DEFAULT}: ") for m in errors.values()} == from_file
    assert errors["architectures.leo.altitude"].endswith("architectures.leo.altitude: expected a value >= 300 km, got '100 km'")
    assert set(errors) == set(bad)
    with pytest.raises(Invalid):
        explorer.toml(0, bad)  # no file for an invalid state


def test_form_lists_every_parameter_with_unit_range_and_source(explorer, reg):
    doc = explorer.form(0)
    fields = {f["key"]: f for f in doc["fields"]}
    for inst in ("ground", "leo", "starship", "lagrange", "lunar", "moonbase"):
        spec = reg.architectures[inst]
        for p in spec.params:
            f = fields[f"architectures.{inst}.{p.name}"]
            assert f["unit"] == p.unit and f["source"] == p.source and f["kind"] == p.kind
    alt = fields["architectures.leo.altitude"]
    assert (alt["low"], alt["high"], alt["value"]) == (500.0, 1000.0, "650 km")  # Param low/high in km
    assert alt["slider"] == {"min": 500.0, "max": 1000.0, "log": False, "integer": False}
    chips = fields["architectures.starship.chips_per_module"]  # 200..3000 (×15): linear; the file's 275 inside
    assert chips["value"] == "275" and chips["slider"]["integer"] and chips["slider"]["min"] == 200
    assert fields["architectures.leo.orbit"]["slider"] is None


def test_compare_puts_scenarios_side_by_side(explorer, reg):
    doc = explorer.compare(0, {"architectures.ground.pue": "1.2"})
    labels = {r["scenario"] for r in doc["rows"]}
    assert labels == {"default", "starcloud1", "default (current)"}
    star = api.run(ROOT / "scenarios" / "claims" / "starcloud1.toml", reg)
    for r in doc["rows"]:
        if r["scenario"] == "starcloud1" and "cells" in r:
            assert r["cells"]["cost.per_pflop_day"]["v"] == float(star.ledgers[r["architecture"]].get("cost.per_pflop_day"))


# ----------------------------------------------------------------------------- sweep folders
@pytest.fixture(scope="module")
def sweep_dir(serve_sweep_dir) -> Path:
    return serve_sweep_dir


def test_sweep_aggregates_equal_pandas_over_the_folder(sweep_dir):
    folder = SweepFolder(0, sweep_dir)
    frame = pd.read_parquet(sweep_dir / "results.parquet")
    frame = frame.astype({c: "float64" for c in frame.columns if str(frame[c].dtype).startswith("float")})
    assert folder.rows == len(frame) == 48
    view = folder.view({"metric": "cost.per_pflop_day", "x": "leo.altitude",
                        "y": "models.cost.hardware_usd_per_kg_mass_produced", "architecture": "leo",
                        "metric2": "mass.total", "filters": {"catalogue.launch_vehicles.Falcon9.price_usd": [15e6, 50e6]}})
    kept = frame[frame["valid"] & (frame["catalogue.launch_vehicles.Falcon9.price_usd"] <= 50e6)]
    assert view["rows"] == len(kept) == 32
    for arch, g in kept.groupby("architecture"):
        s = view["summary"][arch]
        assert s["n"] == len(g)
        assert s["p50"] == pytest.approx(g["cost.per_pflop_day"].median(), rel=1e-12)
        assert s["p95"] == pytest.approx(g["cost.per_pflop_day"].quantile(0.95), rel=1e-12)
        assert s["mean"] == pytest.approx(g["cost.per_pflop_day"].mean(), rel=1e-12)
        assert sum(view["histogram"]["counts"][arch]) == len(g)
    cells = kept[kept["architecture"] == "leo"].groupby(
        ["models.cost.hardware_usd_per_kg_mass_produced", "leo.altitude"])["cost.per_pflop_day"].median()
    heat = view["heatmap"]
    assert heat["xs"] == [550.0, 650.0] and len(heat["ys"]) == 4
    for (y, x), median in cells.items():
        assert heat["z"][heat["ys"].index(y)][heat["xs"].index(x)] == pytest.approx(median, rel=1e-12)
    # Pareto front of the LEO rows by brute force: no other row at least as good on both and better on one
    leo = kept[kept["architecture"] == "leo"]
    a, b = leo["cost.per_pflop_day"].to_numpy(), leo["mass.total"].to_numpy()
    brute = {i for i in range(len(a)) if not any((a[j] <= a[i] and b[j] <= b[i] and (a[j] < a[i] or b[j] < b[i]))
                                                  for j in range(len(a)))}
    front = view["pareto"]["fronts"]["leo"]
    assert {(p["x"], p["y"]) for p in front["points"]} == {(a[i], b[i]) for i in brute}


def test_pareto_front_by_hand():
    x = np.array([1.0, 2.0, 3.0, 1.0, 2.5, 4.0])
    y = np.array([5.0, 3.0, 1.0, 6.0, 3.0, 0.5])
    assert sorted(pareto_front(x, y).tolist()) == [0, 1, 2, 5]  # (1,6) and (2.5,3) are dominated


def test_sweep_view_refuses_unknown_columns(sweep_dir):
    folder = SweepFolder(0, sweep_dir)
    with pytest.raises(SweepViewError, match="not a column"):
        folder.view({"metric": "nope"})
    with pytest.raises(SweepViewError, match="not an input"):
        folder.view({"filters": {"leo.nope": [0, 1]}})
    with pytest.raises(SweepViewError, match="low <= high"):
        folder.view({"filters": {"leo.altitude": [700, 500]}})
    with pytest.raises(SweepViewError, match="no readable manifest"):
        SweepFolder(0, sweep_dir / "results.parquet")


# ----------------------------------------------------------------------------- the app: security and errors
@pytest.fixture(scope="module")
def client(explorer, sweep_dir):
    return TestClient(build_app(Settings(explorer, [SweepFolder(0, sweep_dir)], None, 30.0)), base_url="http://127.0.0.1")


def test_api_answers_numbers_and_one_line_errors(client, explorer):
    r = client.post("/api/evaluate", json={"s": 0, "values": {"architectures.ground.pue": "1.2"}})
    assert r.status_code == 200 and r.json()["ok"]
    r = client.post("/api/evaluate", json={"s": 0, "values": {"architectures.leo.altitude": "5 kg"}})
    assert r.status_code == 422
    assert r.json()["errors"]["architectures.leo.altitude"].startswith(f"{DEFAULT}: architectures.leo.altitude: ")
    for body in (b"not json", b"[1, 2]", json.dumps({"s": "x"}).encode(), json.dumps({"s": 7}).encode(),
                 json.dumps({"values": {"a": [1]}}).encode(), json.dumps({"values": {"x" * 10: "1" * 500}}).encode()):
        r = client.post("/api/evaluate", content=body)
        assert r.status_code in (400, 422), body
        assert "Traceback" not in r.text and "\n" not in r.text.strip()
    r = client.get("/api/scenario.toml?s=0&architectures.leo.altitude=100%20km")
    assert r.status_code == 422 and r.text.startswith("error: ")
    r = client.get("/api/scenario.toml?s=0&architectures.ground.pue=1.2")
    assert r.status_code == 200 and tomllib.loads(r.text)["architectures"]["ground"]["pue"] == 1.2


def test_only_the_named_files_are_served(client):
    for path in ("/static/../../core/scenario.py", "/static/%2e%2e/%2e%2e/pyproject.toml", "/api/sweep/5",
                 "/api/sweep/..%2f..", "/etc/passwd", "/api/scenario.toml?s=9"):
        r = client.get(path)
        assert r.status_code in (400, 404, 422), path
        assert "tomllib" not in r.text and "[project]" not in r.text
    assert client.get("/vendor/plotly.min.js").status_code == 200


def test_a_token_gates_every_request(explorer):
    app = build_app(Settings(explorer, [], "s3cret", 30.0, ["*"]))
    c = TestClient(app, base_url="http://192.0.2.10")
    assert c.get("/").status_code == 401
    assert c.get("/api/session").status_code == 401
    assert c.get("/api/session", headers={"X-Sandbox-Token": "wrong"}).status_code == 401
    assert c.get("/api/session", headers={"X-Sandbox-Token": "s3cret"}).status_code == 200
    first = c.get("/?token=s3cret")  # the printed URL: sets the cookie the page's requests then carry
    assert first.status_code == 200 and "sandbox_token=s3cret" in first.headers["set-cookie"]
    assert c.get("/api/session").status_code == 200


def test_loopback_refuses_other_host_headers(client):
    assert client.get("/api/session", headers={"Host": "attacker.example"}).status_code == 400
    assert all(is_loopback(h) for h in ("127.0.0.1", "localhost", "::1", "127.1.2.3"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "192.168.1.4", "::", "example.org"))


def test_a_slow_request_stops_at_the_time_limit(explorer):
    class Slow:
        sources = explorer.sources

        def evaluate(self, sid, values, every=False):
            time.sleep(1.0)
            return {"ok": True}

    c = TestClient(build_app(Settings(Slow(), [], None, 0.2)), base_url="http://127.0.0.1")
    started = time.perf_counter()
    r = c.post("/api/evaluate", json={"s": 0, "values": {}})
    assert r.status_code == 503 and "time limit of 0.2 s" in r.json()["error"]
    assert time.perf_counter() - started < 0.9


def test_non_loopback_host_without_token_gets_one_and_a_warning(tmp_path):
    """`--host 0.0.0.0` with no --token: the command generates one, prints it in the URL and warns.

    The server is started with port 0 and stopped as soon as it printed its URL; nothing connects to it.
    """
    proc = subprocess.Popen([sys.executable, "-m", "sandbox", "serve", str(DEFAULT), "--host", "0.0.0.0", "--port", "0"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert "?token=" in line and len(line.split("?token=")[1].strip()) >= 32
    assert "warning: listening on 0.0.0.0" in err and "Traceback" not in err


def test_serve_refuses_a_bad_scenario_with_one_line(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[architectures.leo]\naltitude = "5 kg"\n')
    done = subprocess.run([sys.executable, "-m", "sandbox", "serve", str(bad), "--port", "0"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [f"error: {bad}: architectures.leo.altitude: expected a length, got '5 kg'"] \
        or done.stderr.startswith(f"error: {bad}: architectures.leo.altitude: ")
    assert "Traceback" not in done.stderr


def test_serve_refuses_a_broken_sweep_table_as_run_does(tmp_path):
    """A scenario whose [sweep] plan is broken is refused by `serve` with the line `sandbox run` gives (exit 2),
    before anything listens: the downloaded scenario.toml would carry the same broken plan."""
    bad = tmp_path / "bad_sweep.toml"
    bad.write_text('[architectures.leo]\n[sweep]\nmethod = "grid"\n[sweep.params]\n"leo.altitude" = ["5 kg"]\n')
    line = (f"error: {bad}: sweep.params.leo.altitude: expected a table such as "
            "{ low = ..., high = ..., steps = ... }, got ['5 kg']")
    for command in (["run"], ["serve", "--port", "0"]):
        done = subprocess.run([sys.executable, "-m", "sandbox", command[0], str(bad), *command[1:]], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 2, command
        assert done.stderr.strip().splitlines() == [line], command
        assert "open http" not in done.stdout


# ----------------------------------------------------------------------------- hostile input (probe B)
WHITE_PAPER = ROOT / "scenarios" / "claims" / "starcloud_white_paper.toml"
DEEP = b"[" * 200_000 + b"]" * 200_000
POST_ROUTES = ("/api/evaluate", "/api/compare", "/api/bridge", "/api/sweep/0/view")


def one_line_error(r) -> str:
    """The one-line message of a refused request (no traceback, no second line)."""
    assert "Traceback" not in r.text and "\n" not in r.text.strip(), r.text
    return r.json()["error"]


def test_a_line_break_in_a_free_text_value_stays_in_its_string_in_the_download(client, explorer, reg, tmp_path):
    """A newline in a free-text value once started a live `[models]` line in the header comment; a NUL or CR made a
    file `sandbox run` refused. The description may hold line breaks: the header shows it escaped, the TOML keeps it
    in its string, and `sandbox run` of the file gives every number of the page. Control characters a file refuses
    (any in the study name; NUL, CR, DEL in the description) are refused here with the file's message."""
    text = 'x\n[models]\n"thermal.radiator_emissivity" = 0.5'
    r = client.get("/api/scenario.toml?s=0&study.description=x%0A%5Bmodels%5D%0A%22thermal.radiator_emissivity%22%20%3D%200.5")
    assert r.status_code == 200
    assert '#   study.description = "x\\n[models]\\n\\"thermal.radiator_emissivity\\" = 0.5"\n' in r.text
    data = tomllib.loads(r.text)
    assert "models" not in data and data["study"]["description"] == text
    assert shown(explorer.evaluate(0, {"study.description": text}, every=True)) == run_values(r.text, tmp_path, reg)
    r = client.get("/api/scenario.toml?s=0&study.name=a%E2%80%A8c&study.description=a%E2%80%A8c")  # U+2028: not Cc
    assert r.status_code == 200
    assert '#   study.name = "a\\u2028c"\n' in r.text and '#   study.description = "a\\u2028c"\n' in r.text
    assert tomllib.loads(r.text)["study"]["name"] == "a\u2028c"
    for key, raw in (("study.name", "x%0Ay"), ("study.description", "a%00b"), ("study.description", "a%0Db"),
                     ("study.description", "a%7Fb")):
        r = client.get(f"/api/scenario.toml?s=0&{key}={raw}")
        assert r.status_code == 422, (key, raw)
        assert "without control characters" in r.text and key in r.text and "\n" not in r.text.strip(), r.text


def test_a_deeply_nested_body_is_not_json(client):
    for route in POST_ROUTES:
        r = client.post(route, content=DEEP)
        assert r.status_code == 400, route
        assert one_line_error(r) == "request body is not JSON"


def test_a_lone_surrogate_is_refused_with_one_line(client):
    bodies = (b'{"s": 0, "values": {"study.name": "\\ud800"}}', b'{"s": 0, "values": {"\\udc00": "x"}}',
              b'{"s": 0, "values": {}, "metric": "\\ud83d"}')
    for route in POST_ROUTES:
        for body in bodies:
            r = client.post(route, content=body)
            assert r.status_code == 400, (route, body)
            assert one_line_error(r).startswith("request body: text holds a lone surrogate")
    # a surrogate pair is a character like any other: accepted
    r = client.post("/api/evaluate", content=b'{"s": 0, "values": {"study.name": "\\ud83d\\ude80"}}')
    assert r.status_code == 200 and r.json()["name"] == "\U0001f680"


def test_sweep_view_refuses_wrongly_typed_fields_with_one_line(client):
    cases = {
        '{"filters": "x"}': "filters: expected an object of input → [low, high], got 'x'",
        '{"filters": [1]}': "filters: expected an object of input → [low, high], got [1]",
        '{"filters": 5}': "filters: expected an object of input → [low, high], got 5",
        '{"x": ["a"], "y": "leo.altitude"}': 'x: expected a name (text), got ["a"]',
        '{"x": {"a": 1}, "y": "leo.altitude"}': 'x: expected a name (text), got {"a": 1}',
        '{"metric": 3}': "metric: expected a name (text), got 3",
        '{"architecture": ["leo"], "x": "leo.altitude", "y": "leo.altitude"}': 'architecture: expected a name (text), got ["leo"]',
        '{"filters": {"architectures": "leo"}}': "architectures: expected a list of some of leo, ground, got 'leo'",
        '{"filters": {"architectures": [["leo"]]}}': 'architectures: expected a list of some of leo, ground, got [["leo"]]',
    }
    for body, message in cases.items():
        r = client.post("/api/sweep/0/view", content=body.encode())
        assert r.status_code == 400, body
        assert one_line_error(r) == message


def test_sweep_view_with_every_architecture_unchecked_keeps_no_row(client):
    """The page sends `"architectures": []` when every architecture box is unchecked: no row, not all of them."""
    r = client.post("/api/sweep/0/view", json={"filters": {"architectures": []}})
    assert r.status_code == 200
    assert (r.json()["rows"], r.json()["summary"], r.json()["histogram"]) == (0, {}, None)
    r = client.post("/api/sweep/0/view", json={"filters": {"architectures": ["ground"]}})
    assert r.json()["rows"] == 24 and set(r.json()["summary"]) == {"ground"}


def test_sweep_view_filtering_out_every_row_gives_an_empty_heat_map(client):
    """A range no row falls in, with a heat map and no architecture named: the first non-baseline architecture's
    heat map, every cell empty (it was a 400 naming architecture '')."""
    r = client.post("/api/sweep/0/view", json={"x": "leo.altitude", "y": "models.cost.hardware_usd_per_kg_mass_produced",
                                                "filters": {"leo.altitude": [0, 1]}})
    assert r.status_code == 200
    doc = r.json()
    assert doc["rows"] == 0 and doc["summary"] == {}
    heat = doc["heatmap"]
    assert heat["architecture"] == "leo" and heat["xs"] == [550.0, 650.0] and len(heat["ys"]) == 4
    assert heat["z"] == [[None, None]] * 4


def _post_raw(app, headers: list[tuple[bytes, bytes]], chunk: int = 65_536, total: int = 8_000_000) -> tuple[int, dict, int]:
    """POST /api/evaluate straight through ASGI with a ``total``-byte body in ``chunk``-byte parts: (status, answer,
    bytes the app pulled from the client)."""
    import asyncio

    pulled = [0]
    sent: list[dict] = []

    async def receive() -> dict:
        pulled[0] += chunk
        return {"type": "http.request", "body": b" " * chunk, "more_body": pulled[0] < total}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": "/api/evaluate", "raw_path": b"/api/evaluate", "query_string": b"", "root_path": "",
             "headers": [(b"host", b"127.0.0.1"), *headers], "client": ("127.0.0.1", 5000),
             "server": ("127.0.0.1", 8000)}
    asyncio.run(app(scope, receive, send))
    return sent[0]["status"], json.loads(b"".join(m.get("body", b"") for m in sent[1:])), pulled[0]


def test_a_large_body_is_refused_before_it_is_read(explorer):
    from sandbox.serve.app import MAX_BODY

    app = build_app(Settings(explorer, [], None, 30.0))
    status, doc, pulled = _post_raw(app, [(b"content-length", b"150000000")])
    assert (status, doc["error"], pulled) == (400, "request body larger than 1,000,000 bytes", 0)
    status, doc, pulled = _post_raw(app, [])  # chunked: no Content-Length; reading stops past the limit
    assert (status, doc["error"]) == (400, "request body larger than 1,000,000 bytes")
    assert MAX_BODY < pulled <= MAX_BODY + 65_536
    status, doc, _ = _post_raw(app, [(b"content-length", b"lots")])
    assert (status, doc["error"]) == (400, "Content-Length: expected a number of bytes, got 'lots'")


def test_a_loopback_server_answers_the_address_it_listens_on(tmp_path):
    """`--host 127.0.0.2` is loopback (no token) and answers Host 127.0.0.2; a foreign Host is still refused."""
    import urllib.error
    import urllib.request

    from sandbox.serve.app import allowed_hosts

    assert allowed_hosts("127.0.0.2") == ["127.0.0.1", "localhost", "[::1]", "::1", "127.0.0.2"]
    assert allowed_hosts("::1") == ["127.0.0.1", "localhost", "[::1]", "::1"]
    assert allowed_hosts("0.0.0.0") == ["*"]
    proc = subprocess.Popen([sys.executable, "-m", "sandbox", "serve", str(DEFAULT), "--host", "127.0.0.2", "--port", "0"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert "open http://127.0.0.2:" in line and "token" not in line, line
        url = line.rsplit("open ", 1)[1].strip()
        with urllib.request.urlopen(url + "api/session", timeout=30) as answer:
            assert answer.status == 200 and json.loads(answer.read())["scenarios"][0]["file"] == "default.toml"
        foreign = urllib.request.Request(url + "api/session", headers={"Host": "attacker.example"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(foreign, timeout=30)
        assert refused.value.code == 400
    finally:
        proc.terminate()
        proc.communicate(timeout=30)


@pytest.mark.parametrize("args, message", [
    (["--host", ""], "error: --host: expected an address to listen on (e.g. 127.0.0.1, or 0.0.0.0 for every "
                     "interface), got ''"),
    (["--host", "  "], "error: --host: expected an address to listen on (e.g. 127.0.0.1, or 0.0.0.0 for every "
                       "interface), got '  '"),
    (["--token", "abc+def"], "error: --token: use only letters, digits and - _ . ~ (the token goes into the printed "
                             "URL and a cookie), got 'abc+def'"),
    (["--token", "a b;c=d"], "error: --token: use only letters, digits and - _ . ~ (the token goes into the printed "
                             "URL and a cookie), got 'a b;c=d'"),
    (["--host", "0.0.0.0", "--token", ""], "error: --token: expected a token, got ''"),
])
def test_serve_refuses_an_empty_host_and_unsafe_tokens(args, message):
    done = subprocess.run([sys.executable, "-m", "sandbox", "serve", str(DEFAULT), "--port", "0", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines() == [message]


def test_a_token_of_safe_characters_works_in_the_url_and_the_cookie(explorer):
    from sandbox.serve.app import token_problem

    token = "Ab-9_z.~"
    assert token_problem(token) is None and token_problem("a+b") is not None and token_problem("a%20b") is not None
    c = TestClient(build_app(Settings(explorer, [], token, 30.0, ["*"])), base_url="http://192.0.2.10")
    first = c.get(f"/?token={token}")
    assert first.status_code == 200 and f"sandbox_token={token};" in first.headers["set-cookie"]
    assert c.get("/api/session").status_code == 200  # the cookie alone


def test_instance_names_with_a_dot_take_the_form_keys(reg):
    """The form keys of an instance named "leo.a" (`architectures.leo.a.<parameter>`) are accepted and land in that
    instance's table, beside an instance named "leo"."""
    from sandbox.serve.form import param_fields

    raw = {"architectures": {"leo.a": {"type": "leo"}, "leo": {}}}
    keys = [f.key for f in param_fields("leo.a", reg.architectures["leo"], {}, reg)]
    assert "architectures.leo.a.altitude" in keys
    out = apply(raw, {"architectures.leo.a.altitude": "600 km", "architectures.leo.altitude": "700 km"}, {})
    assert out["architectures"] == {"leo.a": {"type": "leo", "altitude": "600 km"}, "leo": {"altitude": "700 km"}}
    out = apply(raw, {k: "1" for k in keys}, {})
    assert set(out["architectures"]["leo.a"]) == {"type", *(k.rsplit(".", 1)[1] for k in keys)}
    assert out["architectures"]["leo"] == {}
    with pytest.raises(StateError, match="no architecture 'leo.b'"):
        apply(raw, {"architectures.leo.b.altitude": "1 km"}, {})
    with pytest.raises(StateError, match=r"expected architectures\.<instance>\.<parameter>"):
        apply(raw, {"architectures.leo": "1 km"}, {})


def test_catalogue_and_model_values_outside_the_form_are_typed_like_the_form(reg, tmp_path):
    """A catalogue field the form does not list (TPU-v5e: no design of the white paper uses it) takes "200" as the
    number 200, as a file and a JSON number do."""
    ex = Explorer([read_source(0, WHITE_PAPER)], reg)
    key = "catalogue.chips.TPU-v5e.power_w"
    assert key not in ex.kinds(0)
    c = TestClient(build_app(Settings(ex, [], None, 30.0)), base_url="http://127.0.0.1")
    as_text = c.post("/api/evaluate", json={"s": 0, "values": {key: "200"}, "all": True})
    as_number = c.post("/api/evaluate", json={"s": 0, "values": {key: 200}, "all": True})
    assert as_text.status_code == as_number.status_code == 200
    assert as_text.json()["metrics"] == as_number.json()["metrics"]
    r = c.get(f"/api/scenario.toml?s=0&{key}=200")
    assert tomllib.loads(r.text)["catalogue"]["chips"]["TPU-v5e"]["power_w"] == 200
    assert shown(as_text.json()) == run_values(r.text, tmp_path, reg)
    out = apply({}, {"models.thermal.some_default": "0.5", "catalogue.chips.X.mass_kg": "3", "study.name": "7"}, {})
    assert out["models"] == {"thermal.some_default": 0.5} and out["catalogue"] == {"chips": {"X": {"mass_kg": 3}}}
    assert out["study"] == {"name": "7"}  # a free-text field stays text


def test_a_seed_beyond_64_bits_is_refused_as_a_file_would_be(client, reg, tmp_path):
    path = tmp_path / "seed.toml"
    path.write_text(DEFAULT.read_text(encoding="utf-8").replace("seed = ", "seed = 1e308 #", 1), encoding="utf-8")
    with pytest.raises(ScenarioError) as direct:
        api.load(path, reg)
    from_file = direct.value.problems[0].removeprefix(f"{path}: ")
    assert from_file == "study.seed: expected a whole number >= 0, got 1e+308"
    r = client.post("/api/evaluate", json={"s": 0, "values": {"study.seed": "1e308"}})
    assert r.status_code == 422 and r.json()["errors"]["study.seed"] == f"{DEFAULT}: {from_file}"
    r = client.get("/api/scenario.toml?s=0&study.seed=1e308")
    assert r.status_code == 422 and r.text == f"error: {DEFAULT}: {from_file}\n"
    for big in ("99999999999999999999", 2**63):
        r = client.post("/api/evaluate", json={"s": 0, "values": {"study.seed": big}})
        assert r.status_code == 422
        assert r.json()["errors"]["study.seed"] == (f"{DEFAULT}: study.seed: expected a whole number within the 64-bit "
                                                    f"range of a TOML file (-2**63 to 2**63 - 1), got '{big}'")
    assert client.post("/api/evaluate", json={"s": 0, "values": {"study.seed": str(2**63 - 1)}}).status_code == 200
    assert coerce("integer", "3.0") == 3 and coerce("integer", "1e308") == 1e308
    assert coerce("value", "99999999999999999999") == 99999999999999999999  # the digits, not a rounded float


def test_a_row_of_two_units_says_the_unit_in_each_cell_as_the_terminal_table_does(reg, tmp_path):
    """A Moonbase probe on GuoXing's computer (744 TOPS int8, its only figure) delivers integer operations (POP/s), the
    ground FLOP/s: the compute row was labelled with one architecture's unit for both. The terminal table and the
    explorer now give the unit in each cell."""
    from sandbox.output.report import table

    path = tmp_path / "mixed.toml"
    path.write_text('[architectures.ground]\n[architectures.moonbase]\nprobe_chip = "GuoXing-744TOPS"\n', encoding="utf-8")
    result = api.run(path, reg)
    units = {inst: lg.metric("compute.delivered").unit for inst, lg in result.ledgers.items()}
    assert units == {"ground": "PFLOP/s", "moonbase": "POP/s"}
    row = next(line for line in table(result).splitlines() if line.startswith("compute.delivered"))
    assert row.split() == ["compute.delivered", "(in", "each)", fmt(result.ledgers["ground"].get("compute.delivered")),
                           "PFLOP/s", fmt(result.ledgers["moonbase"].get("compute.delivered")), "POP/s"]
    doc = Explorer([read_source(0, path)], reg).evaluate(0, {})
    (metric,) = [m for m in doc["metrics"] if m["name"] == "compute.delivered"]
    assert metric["unit"] == "(in each)"
    assert metric["cells"]["moonbase"]["t"] == fmt(result.ledgers["moonbase"].get("compute.delivered")) + " POP/s"


def test_bridge_refuses_wrongly_typed_fields_with_one_line(client):
    """`"architecture": ["leo"]` or `"metric": 5` came back as status 200 with an error inside, unlike every other
    request's wrongly typed field (400)."""
    for body, message in {'{"s": 0, "metric": 5}': "metric: expected a name (text), got 5",
                          '{"s": 0, "architecture": ["leo"]}': 'architecture: expected a name (text), got ["leo"]'}.items():
        r = client.post("/api/bridge", content=body.encode())
        assert r.status_code == 400, body
        assert one_line_error(r) == message
