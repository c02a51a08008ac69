"""The HTML report of the default scenario, rendered in headless Chromium.

The report is written to a temporary folder and opened with Debian's ``chromium`` (installed by
the test set-up; no browser is downloaded). The DOM Chromium renders (``--dump-dom``, scripts
run) must hold the comparison table with the ledger's exact numbers and every figure decoded
by the browser; a screenshot of the page must show the figures' colours. Without Chromium the
tests fail: they are the only check that the report works in a browser.
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from sandbox import api
from sandbox.ledger.engine import RELATIVE
from sandbox.output import html as html_report
from sandbox.output import plots
from sandbox.output.figures import PALETTE
from sandbox.output.format import TABLE_METRICS, fmt

ROOT = Path(__file__).resolve().parent.parent
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars"]
WINDOW = (1400, 4000)


# --------------------------------------------------------------------------- a small DOM
class Node:
    def __init__(self, tag: str, attrs: dict[str, str], parent: Node | None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node] = []
        self.text_parts: list[str] = []

    def text(self) -> str:
        return "".join(self.text_parts) + "".join(c.text() for c in self.children)

    def iter(self, tag: str | None = None):
        for child in self.children:
            if tag is None or child.tag == tag:
                yield child
            yield from child.iter(tag)

    def find(self, tag: str, **attrs: str) -> list[Node]:
        return [n for n in self.iter(tag) if all(n.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())]


class TreeBuilder(HTMLParser):
    VOID = {"img", "br", "meta", "link", "input", "hr", "source", "wbr", "col", "area", "base"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("#document", {}, None)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in self.VOID:
            self.current = node

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.text_parts.append(data)


def parse(text: str) -> Node:
    builder = TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


# --------------------------------------------------------------------------- chromium
def chromium() -> str:
    for name in (os.environ.get("SANDBOX_CHROMIUM", ""), "chromium", "chromium-browser"):
        if name and (path := shutil.which(name)):
            return path
    pytest.fail("Chromium not found: the HTML report test needs Debian's chromium package "
                "(apt-get install -y chromium) or SANDBOX_CHROMIUM=/path/to/chromium", pytrace=False)


def run_chromium(args: list[str], profile: Path) -> subprocess.CompletedProcess:
    cmd = [chromium(), *FLAGS, f"--user-data-dir={profile}", *args]
    done = subprocess.run(cmd, capture_output=True, timeout=180, check=False)
    assert done.returncode == 0, f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr.decode(errors='replace')[-3000:]}"
    return done


# --------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def result():
    return api.run(ROOT / "scenarios" / "default.toml")


@pytest.fixture(scope="module")
def figures(result):
    return plots.render_all(result, "png")


@pytest.fixture(scope="module")
def page(result, figures, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("report") / "report.html"
    html_report.write(result, path, figures)
    return path


@pytest.fixture(scope="module")
def dom(page, tmp_path_factory) -> Node:
    done = run_chromium(["--dump-dom", page.as_uri()], tmp_path_factory.mktemp("profile"))
    return parse(done.stdout.decode("utf-8"))


@pytest.fixture(scope="module")
def screenshot(page, tmp_path_factory) -> np.ndarray:
    shot = tmp_path_factory.mktemp("shot") / "report.png"
    run_chromium([f"--screenshot={shot}", f"--window-size={WINDOW[0]},{WINDOW[1]}", page.as_uri()],
                 tmp_path_factory.mktemp("profile"))
    return np.asarray(Image.open(shot).convert("RGB"))


# --------------------------------------------------------------------------- the rendered DOM
def test_chromium_is_installed():
    assert Path(chromium()).exists()


def test_comparison_table_has_a_column_per_architecture_and_the_ledgers_numbers(result, dom):
    (table,) = dom.find("table", id="comparison-table")
    heads = list(table.find("thead")[0].iter("th"))
    assert [h.text().strip() for h in heads[:2]] == ["metric", "unit"]
    assert [h.attrs["data-architecture"] for h in heads[2:]] == list(result.ledgers)
    rows = {r.attrs["data-metric"]: r for r in table.iter("tr") if "data-metric" in r.attrs}
    expected = [m for m in TABLE_METRICS if any(lg.has(m) for lg in result.ledgers.values())]
    relative = [f"{m}.vs_baseline" for m in RELATIVE if f"{m}.vs_baseline" not in TABLE_METRICS]
    assert list(rows) == expected + relative
    for metric, row in rows.items():
        cells = list(row.iter("td"))
        assert len(cells) == 1 + len(result.ledgers), metric  # unit + one per architecture
        for name, cell in zip(result.ledgers, cells[1:], strict=True):
            ledger = result.ledgers[name]
            if ledger.has(metric):
                assert float(cell.attrs["data-value"]) == float(ledger.get(metric)), (metric, name)
                assert cell.text().rstrip("~") == fmt(float(ledger.get(metric)))
                assert cell.text().endswith("~") == ledger.metric(metric).approximation
    # the headline number: the ground baseline's cost per delivered PFLOP-day, exactly as in the ledger
    ground = rows["cost.per_pflop_day"].find("td")[1 + list(result.ledgers).index(result.baseline)]
    assert float(ground.attrs["data-value"]) == result.ledgers["ground"].get("cost.per_pflop_day")
    assert ground.text() == fmt(result.ledgers["ground"].get("cost.per_pflop_day"))
    assert rows["cost.per_pflop_day"].find("td")[0].text() == "USD"


def test_every_figure_is_present_and_decoded_by_the_browser(dom, figures):
    (body,) = dom.find("body")
    assert body.attrs.get("data-images-loaded") == f"{len(plots.FIGURES)}/{len(plots.FIGURES)}"
    images = {img.attrs["data-figure"]: img for img in dom.iter("img")}
    assert list(images) == list(plots.FIGURES)
    for name, img in images.items():
        png = Image.open(io.BytesIO(figures[name]))
        assert img.attrs["data-natural-size"] == f"{png.width}x{png.height}", name  # decoded, full size
        # the page drew each image on a canvas and looked at its pixels: all decoded, the ink as in the PNG
        assert img.attrs["data-opaque"] == "1.0000", name
        ink = float(np.any(np.asarray(png.convert("RGB")) != 255, axis=-1).mean())
        assert 0.05 < ink < 0.9, name
        assert float(img.attrs["data-ink"]) == pytest.approx(ink, abs=0.002), name
        assert img.attrs["src"].startswith("data:image/png;base64,")
        assert name in img.attrs["alt"] and len(img.attrs["alt"]) > 40
        figure = img.parent
        assert figure.tag == "figure" and figure.find("figcaption")[0].text().strip()


def test_sections_notes_assumptions_and_provenance(result, dom):
    for anchor in ("comparison", "figures", "notes", "approximations", "assumptions", "provenance", "all-metrics"):
        assert dom.find("section", id=anchor), anchor
    (h1,) = dom.find("h1")
    assert result.scenario.name in h1.text()
    notes = dom.find("section", id="notes")[0].text()
    for ledger in result.ledgers.values():
        for note in ledger.notes:
            assert note in notes
    approx = dom.find("table", id="approximations-table")[0]
    flagged = [(lg.instance, m.name) for lg in result.ledgers.values() for m in lg.metrics if m.approximation]
    assert len(approx.find("tbody")[0].find("tr")) == len(flagged) > 0
    for run in result.scenario.architectures:
        (params,) = dom.find("table", data_architecture=run.instance)
        rows = {r.attrs["data-param"]: r for r in params.iter("tr") if "data-param" in r.attrs}
        assert list(rows) == [p.name for p in run.spec.params]
        for p in run.spec.params:
            cells = [c.text() for c in rows[p.name].iter("td")]
            assert cells[1] == str(run.params.values[p.name])
            assert cells[2] == ("scenario" if p.name in run.params.overridden else "default")
            assert cells[3] == (p.source or "definition")
    provenance = dom.find("section", id="provenance")[0].text()
    assert result.scenario.sha256 in provenance
    assert str(result.scenario.seed) in provenance
    assert result.provenance["started_utc"] in provenance
    plugins = dom.find("table", id="plugins-table")[0]
    assert [[c.text() for c in r.iter("td")][:3] for r in plugins.find("tbody")[0].iter("tr")] == [
        [p["name"], p["distribution"], p["version"]] for p in result.provenance["plugins"]]


# --------------------------------------------------------------------------- the painted page
def test_screenshot_shows_the_table_and_the_figures(screenshot):
    assert screenshot.shape == (WINDOW[1], WINDOW[0], 3)
    white = np.all(screenshot == 255, axis=-1).mean()
    assert 0.2 < white < 0.97  # a page, neither blank nor a solid block

    def pixels(hex_colour: str) -> int:
        rgb = np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=np.uint8)
        return int(np.all(screenshot == rgb, axis=-1).sum())

    assert pixels("#fbf7e9") > 5_000  # the baseline column of the comparison table
    # the figures' bar colours (Okabe-Ito orange and green are nowhere in the page's CSS)
    assert pixels(PALETTE[1]) > 20_000
    assert pixels(PALETTE[2]) > 20_000


# --------------------------------------------------------------------------- the file itself
def test_the_file_is_self_contained(page):
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", text)
    assert "<link" not in text and "@import" not in text and "url(" not in text
    assert all(src.startswith("data:image/png;base64,") for src in re.findall(r'<img[^>]* src="([^"]*)"', text))


def test_text_from_plugins_and_scenarios_is_escaped(result, figures):
    ground = result.ledgers[result.baseline]
    hostile = "<script>alert(1)</script> & \"quoted\""
    ledger = dataclasses.replace(ground, notes=[*ground.notes, hostile])
    changed = dataclasses.replace(result, ledgers={**result.ledgers, ground.instance: ledger},
                                  failures={"evil<b>": hostile})
    text = html_report.render(changed, figures)
    assert "<script>alert(1)</script>" not in text and "evil<b>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot;" in text
    assert text.count("<script>") == 1  # the report's own
