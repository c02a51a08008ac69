"""`sandbox serve` driven by a real browser: Playwright with Debian's Chromium (no browser download).

The server runs as the command a user types (`python -m sandbox serve scenarios/default.toml
--sweep DIR --port 0`); every number the page shows is read from the DOM (each cell keeps the full
value in ``data-value``) and compared with `sandbox run` (``sandbox.api.run``) of the same values.

``SANDBOX_UPDATE_SCREENSHOTS=1`` also copies the screenshot the slider test takes to
docs/img/serve.png (the README shows it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from urllib.parse import quote

import pandas as pd
import pytest
from playwright.sync_api import sync_playwright

from sandbox import api
from sandbox.core.scenario import ScenarioError
from sandbox.output.format import TABLE_METRICS, fmt

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "scenarios" / "default.toml"
SHOWN = "scenarios/default.toml"  # how the server names the file (as given on its command line)
SCREENSHOT = ROOT / "docs" / "img" / "serve.png"


def chromium() -> str:
    for name in (os.environ.get("SANDBOX_CHROMIUM", ""), "chromium", "chromium-browser"):
        if name and (path := shutil.which(name)):
            return path
    pytest.fail("Chromium not found: the browser tests need Debian's chromium package (make chromium) "
                "or SANDBOX_CHROMIUM=/path/to/chromium", pytrace=False)


@pytest.fixture(scope="module")
def reg():
    return api.registry()


@pytest.fixture(scope="module")
def server(serve_sweep_dir):
    proc = subprocess.Popen([sys.executable, "-m", "sandbox", "serve", SHOWN, "--sweep", str(serve_sweep_dir),
                             "--port", "0"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert "open http://127.0.0.1:" in line, f"{line}{proc.stderr.read() if proc.poll() is not None else ''}"
        yield line.rsplit("open ", 1)[1].strip()
    finally:
        proc.terminate()
        proc.communicate(timeout=30)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium(), args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


@pytest.fixture
def open_page(browser, server):
    contexts, problems = [], []

    def _open(query: str = ""):
        ctx = browser.new_context(viewport={"width": 1500, "height": 1000}, accept_downloads=True)
        contexts.append(ctx)
        page = ctx.new_page()
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(server + query)
        settle(page, 0)
        return page

    yield _open
    for ctx in contexts:
        ctx.close()
    assert not problems, problems


def settle(page, after: int) -> int:
    """Wait until the page has answered more than ``after`` evaluations and is idle; the count now."""
    page.wait_for_function(f"document.body.dataset.busy === '0' && Number(document.body.dataset.updates || 0) > {after}",
                           timeout=120_000)
    return int(page.evaluate("Number(document.body.dataset.updates)"))


def cells(page) -> dict[tuple[str, str], tuple[float, str]]:
    """Every number of the comparison table: (architecture, metric) → (full value, text shown)."""
    rows = page.evaluate("""[...document.querySelectorAll('#table td[data-value]')].map(
        td => [td.dataset.arch, td.dataset.metric, td.dataset.value, td.textContent])""")
    return {(a, m): (float(v), t) for a, m, v, t in rows}


def run_of(path: Path, reg) -> dict[tuple[str, str], tuple[float, str]]:
    result = api.run(path, reg)
    return {(inst, m.name): (float(m.value), fmt(float(m.value)) + ("~" if m.approximation else ""))
            for inst, lg in result.ledgers.items() for m in lg.metrics if m.name in TABLE_METRICS}


def with_values(values: dict[str, str], tmp_path: Path) -> Path:
    """default.toml with ``values`` written into its tables by hand (independently of the page's download)."""
    data = tomllib.loads(DEFAULT.read_text())
    for key, value in values.items():
        top, inst, name = key.split(".", 2)
        data[top][inst][name] = value
    import tomli_w

    path = tmp_path / "by_hand.toml"
    path.write_text(tomli_w.dumps(data))
    return path


def download(page, tmp_path: Path) -> Path:
    with page.expect_download() as info:
        page.click("#download")
    path = tmp_path / "downloaded.toml"
    info.value.save_as(path)
    return path


# ----------------------------------------------------------------------------- the tests
def test_page_loads_with_the_numbers_of_sandbox_run(open_page, reg):
    page = open_page()
    shown = cells(page)
    expected = run_of(DEFAULT, reg)
    assert {a for a, _ in shown} == {"ground", "leo", "starship", "lagrange", "lunar", "moonbase"}
    assert shown == expected  # every table number, full value and text
    assert page.locator("#chart-ratio .main-svg").count() >= 1  # the charts drew (Plotly from the plotly package)
    tip = page.get_attribute('[data-input="architectures.leo.altitude"]', "title")
    assert "unit: km" in tip and "plausible range: 500 to 1,000 km" in tip and "source: " in tip


def test_moving_a_slider_shows_what_sandbox_run_gives(open_page, reg, tmp_path):
    page = open_page()
    before = cells(page)
    n = int(page.evaluate("Number(document.body.dataset.updates)"))
    slider = page.locator('[data-slider="architectures.leo.altitude"]')
    slider.focus()
    page.keyboard.press("Home")       # 500 km, the low end of the plausible range
    page.keyboard.press("PageUp")     # one tenth of the way up: 550 km
    n = settle(page, n)
    page.wait_for_function("document.body.dataset.busy === '0'")
    value = page.input_value('[data-input="architectures.leo.altitude"]')
    assert value == "550 km"
    shown = cells(page)
    assert shown[("leo", "cost.per_pflop_day")] != before[("leo", "cost.per_pflop_day")]
    assert shown == run_of(with_values({"architectures.leo.altitude": value}, tmp_path), reg)
    assert "architectures.leo.altitude=550+km" in page.url or "architectures.leo.altitude=550%20km" in page.url
    page.screenshot(path=str(tmp_path / "serve.png"))
    from PIL import Image

    with Image.open(tmp_path / "serve.png") as img:
        assert img.size == (1500, 1000) and len(img.convert("RGB").getcolors(1 << 20)) > 200  # a drawn page
    if os.environ.get("SANDBOX_UPDATE_SCREENSHOTS"):
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(tmp_path / "serve.png", SCREENSHOT)


def test_a_bad_value_shows_the_scenario_file_message_next_to_its_field(open_page, reg, tmp_path):
    page = open_page()
    n = int(page.evaluate("Number(document.body.dataset.updates)"))
    page.fill('[data-input="architectures.leo.altitude"]', "100 km")
    n = settle(page, n)
    message = page.text_content('[data-error="architectures.leo.altitude"]')
    bad = with_values({"architectures.leo.altitude": "100 km"}, tmp_path)
    with pytest.raises(ScenarioError) as caught:
        api.load(bad, reg)
    assert [message.removeprefix(f"{SHOWN}: ")] == [p.removeprefix(f"{bad}: ") for p in caught.value.problems]
    assert message == f"{SHOWN}: architectures.leo.altitude: expected a value >= 300 km, got '100 km'"
    assert "disabled" in page.get_attribute("#download", "class")
    assert page.is_visible("#stale")
    page.fill('[data-input="architectures.leo.altitude"]', "700 km")
    settle(page, n)
    assert page.text_content('[data-error="architectures.leo.altitude"]') == ""
    assert not page.is_visible("#stale")


def test_the_downloaded_file_runs_to_the_numbers_shown(open_page, reg, tmp_path):
    # the state comes from the URL (a shared link): a parameter, a model default and a catalogue field
    state = {"architectures.ground.pue": "1.25", "models.thermal.radiator_emissivity": "0.85",
             "catalogue.chips.H100-SXM.power_w": "650"}
    page = open_page("?s=0&" + "&".join(f"{k}={quote(v)}" for k, v in state.items()))
    for key, value in state.items():
        assert page.input_value(f'[data-input="{key}"]') == value
    shown = cells(page)
    path = download(page, tmp_path)
    data = tomllib.loads(path.read_text())
    assert data["architectures"]["ground"]["pue"] == 1.25 and data["models"]["thermal.radiator_emissivity"] == 0.85
    assert data["catalogue"]["chips"]["H100-SXM"]["power_w"] == 650
    assert shown == run_of(path, reg)
    assert shown != run_of(DEFAULT, reg)


def test_the_bridge_explains_the_change_from_the_file(open_page):
    page = open_page("?s=0&architectures.leo.altitude=600%20km&catalogue.chips.H100-SXM.power_w=650")
    file_value = cells(open_page())[("leo", "cost.per_pflop_day")][0]
    current = cells(page)[("leo", "cost.per_pflop_day")][0]
    page.click('[data-tab="bridge"]')
    page.select_option("#bridge-arch", "leo")
    page.click("#bridge-go")
    page.wait_for_selector("#bridge-table td[data-col='shapley']", timeout=120_000)
    shares = [float(v) for v in page.eval_on_selector_all("#bridge-table td[data-col='shapley']", "t => t.map(x => x.dataset.value)")]
    inputs = page.eval_on_selector_all("#bridge-table td[data-col='input']", "t => t.map(x => x.textContent)")
    assert sorted(inputs) == ["catalogue.chips.H100-SXM.power_w", "leo.altitude"]
    assert sum(shares) == pytest.approx(current - file_value, rel=1e-9)  # Shapley shares add up to the change


def test_a_sweep_folder_is_aggregated_on_the_server(open_page, serve_sweep_dir):
    page = open_page()
    page.click('[data-tab="sweep"]')
    page.wait_for_function("Number(document.getElementById('sweep-summary').dataset.updates || 0) >= 1", timeout=60_000)
    frame = pd.read_parquet(serve_sweep_dir / "results.parquet")
    frame = frame.astype({c: "float64" for c in frame.columns if str(frame[c].dtype).startswith("float")})
    valid = frame[frame["valid"]]

    def stat(arch: str, name: str) -> float:
        return float(page.get_attribute(f'#sweep-summary td[data-arch="{arch}"][data-stat="{name}"]', "data-value"))

    for arch, g in valid.groupby("architecture"):
        assert stat(arch, "n") == len(g)
        assert stat(arch, "p50") == pytest.approx(g["cost.per_pflop_day"].median(), rel=1e-12)
        assert stat(arch, "p95") == pytest.approx(g["cost.per_pflop_day"].quantile(0.95), rel=1e-12)
    hi = page.locator('[data-filter="leo.altitude"][data-end="hi"]')
    hi.fill("600")
    hi.press("Tab")  # change event: the server aggregates again
    page.wait_for_function("Number(document.getElementById('sweep-summary').dataset.updates) >= 2", timeout=60_000)
    kept = valid[valid["leo.altitude"] <= 600]
    for arch, g in kept.groupby("architecture"):
        assert stat(arch, "n") == len(g) == 12
        assert stat(arch, "p50") == pytest.approx(g["cost.per_pflop_day"].median(), rel=1e-12)
    assert page.locator("#chart-heat .main-svg").count() >= 1 and page.locator("#chart-pareto .main-svg").count() >= 1
