"""The figures show the ledger's numbers, and their PNGs are looked at, not just counted.

Numbers are read back from the Axes (every bar has a gid ``figure:architecture:metric``) and
compared with the ledger; the rendered PNGs are decoded and each bar's colour is looked for at
the bar's own place in the image.
"""

from __future__ import annotations

import dataclasses
import io
import subprocess
import sys
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from matplotlib.transforms import Bbox
from PIL import Image

from sandbox import api
from sandbox.core.design import Metric
from sandbox.ledger.engine import Ledger
from sandbox.output import figures, plots

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def result():
    return api.run(ROOT / "scenarios" / "default.toml")


@pytest.fixture(scope="module")
def rendered(result):
    """Every figure of ``result`` rendered once, by format."""
    return {fmt: plots.render_all(result, fmt) for fmt in ("png", "svg")}


def bars(fig, prefix: str) -> dict[tuple[str, str], object]:
    """The bars of a figure whose gid starts with ``prefix:``, by (architecture, metric)."""
    out = {}
    for ax in fig.axes:
        for patch in ax.patches:
            gid = patch.get_gid() or ""
            if gid.startswith(prefix + ":"):
                _, arch, metric = gid.split(":", 2)
                out[(arch, metric)] = patch
    return out


def decode(png: bytes) -> np.ndarray:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=np.uint8)


def share_of_colour(pixels: np.ndarray, hex_colour: str) -> float:
    return float(np.all(pixels == rgb(hex_colour), axis=-1).mean()) if pixels.size else 0.0


def bar_pixels(image: np.ndarray, patch) -> np.ndarray:
    """The pixels inside a bar (its drawn extent clipped to its Axes, 2 px in from the edges)."""
    box = Bbox.intersection(patch.get_window_extent(), patch.axes.bbox)
    height = image.shape[0]
    x0, x1 = int(np.ceil(box.x0)) + 2, int(np.floor(box.x1)) - 2
    y0, y1 = height - int(np.floor(box.y1)) + 2, height - int(np.ceil(box.y0)) - 2  # PNG rows run downwards
    return image[max(y0, 0):max(y1, 0), max(x0, 0):max(x1, 0)]


def render(fig) -> np.ndarray:
    """Render to PNG (which also lays the figure out, so bar extents are in PNG pixels)."""
    image = decode(plots.to_bytes(fig, "png"))
    w, h = fig.get_size_inches() * figures.DPI
    assert image.shape[:2] == (round(h), round(w))
    return image


# --------------------------------------------------------------------------- numbers
def test_headline_bars_are_the_ledger_ratios_to_the_baseline(result):
    fig = plots.headline(result)
    found = bars(fig, "headline")
    base = result.ledgers[result.baseline]
    others = [n for n in result.ledgers if n != result.baseline]
    shown = [m for m in plots.HEADLINE if base.has(m) and base.get(m) > 0]
    assert "launch.flights" not in shown  # the ground baseline has no flights: no ratio exists
    assert set(found) == {(n, m) for n in others for m in shown}
    for (name, metric), patch in found.items():
        assert patch.get_height() == pytest.approx(result.ledgers[name].get(metric) / base.get(metric), rel=1e-12)
    for name in others:  # the engine's own ratio, where it computes one
        assert found[(name, "cost.per_pflop_day")].get_height() == pytest.approx(
            result.ledgers[name].get("cost.per_pflop_day.vs_baseline"), rel=1e-12)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    assert "log scale" in ax.get_ylabel() and result.baseline in ax.get_ylabel()
    assert "launch.flights" in ax.get_xlabel()  # says what is left out and why
    assert [t.get_text() for t in ax.get_xticklabels()] == [plots.HEADLINE[m] for m in shown]


@pytest.mark.parametrize(("function", "total"), [(plots.capex_breakdown, "cost.capex"), (plots.mass_breakdown, "mass.total")])
def test_stacked_segments_sum_to_the_total(result, function, total):
    fig = function(result)
    stack, share = bars(fig, "stack"), bars(fig, "share")
    absolute, relative = fig.axes[:2]
    for name, ledger in result.ledgers.items():
        segments = sorted(((m, p) for (n, m), p in stack.items() if n == name), key=lambda mp: mp[1].get_x())
        assert sum(p.get_width() for _, p in segments) == pytest.approx(ledger.get(total), rel=1e-9)
        for metric, patch in segments:
            assert metric in ledger.metric(total).inputs
            assert patch.get_width() == pytest.approx(ledger.get(metric), rel=1e-12)
        for (_, a), (_, b) in zip(segments, segments[1:], strict=False):  # stacked end to end
            assert b.get_x() == pytest.approx(a.get_x() + a.get_width(), rel=1e-12, abs=1e-12)
        assert segments[0][1].get_x() == 0
        shares = [p.get_width() for (n, _), p in share.items() if n == name]
        assert sum(shares) == pytest.approx(100.0)
    labels = [t.get_text() for t in absolute.get_yticklabels()]
    assert labels == list(result.ledgers)
    assert ("million USD" if total == "cost.capex" else "tonnes") in absolute.get_xlabel()
    assert "%" in relative.get_xlabel()
    # components zero everywhere are not drawn (no empty legend entries)
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert len(legend) == len({m for _, m in stack})
    assert all(any(p.get_width() > 0 for (_, m2), p in stack.items() if m2 == m) for _, m in stack)


def test_latency_bars_are_p50_and_p95(result):
    fig = plots.latency(result)
    found = bars(fig, "latency")
    assert set(found) == {(n, m) for n in result.ledgers for m in ("latency.p50", "latency.p95")}
    for (name, metric), patch in found.items():
        m = result.ledgers[name].metric(metric)
        assert patch.get_width() == pytest.approx(m.value, rel=1e-12)
        assert bool(patch.get_hatch()) == m.approximation
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    assert "(s, log scale)" in ax.get_xlabel()
    target = [line for line in ax.get_lines() if "target" in line.get_label()]
    assert target and target[0].get_xdata()[0] == result.scenario.workload.latency_target_s


def test_every_architecture_keeps_its_colour_across_figures(result):
    colour = plots.colours(result)
    assert colour[result.baseline] == figures.BASELINE_COLOUR
    assert len(set(colour.values())) == len(colour)
    for (name, _), patch in bars(plots.headline(result), "headline").items():
        assert matplotlib.colors.to_hex(patch.get_facecolor()) == colour[name].lower()
    for (name, metric), patch in bars(plots.latency(result), "latency").items():
        if metric == "latency.p50":
            assert matplotlib.colors.to_hex(patch.get_facecolor()) == colour[name].lower()


# --------------------------------------------------------------------------- pixels
def test_headline_png_shows_every_bar_in_its_colour(result):
    fig = plots.headline(result)
    image = render(fig)
    assert share_of_colour(image, "#ffffff") < 0.9  # not blank
    colour = plots.colours(result)
    for (name, metric), patch in bars(fig, "headline").items():
        inside = bar_pixels(image, patch)
        hatched = result.ledgers[name].metric(metric).approximation
        assert inside.size, (name, metric)
        # a plain bar is its colour throughout; a hatched one still mostly
        assert share_of_colour(inside, colour[name]) > (0.5 if hatched else 0.95), (name, metric)


@pytest.mark.parametrize("function", [plots.capex_breakdown, plots.mass_breakdown])
def test_breakdown_png_shows_the_segments(result, function):
    fig = function(result)
    image = render(fig)
    checked = 0
    for (_name, _metric), patch in {**bars(fig, "stack"), **bars(fig, "share")}.items():
        inside = bar_pixels(image, patch)
        if inside.shape[0] > 4 and inside.shape[1] > 4:  # segments wide enough to hold pixels
            hex_colour = matplotlib.colors.to_hex(patch.get_facecolor())
            assert share_of_colour(inside, hex_colour) > 0.95, patch.get_gid()
            checked += 1
    assert checked >= 20


def test_latency_png_is_not_blank(result):
    fig = plots.latency(result)
    image = render(fig)
    assert share_of_colour(image, "#ffffff") < 0.9
    assert share_of_colour(image, figures.BASELINE_COLOUR) > 0.002  # the ground baseline's p50 bar


def test_render_all_png_and_svg(result, rendered):
    pngs = rendered["png"]
    assert list(pngs) == list(plots.FIGURES)
    for name, png in pngs.items():
        image = decode(png)
        assert image.shape[1] == 1200, name  # 12 in at 100 dpi
        assert 400 < image.shape[0] < 1000, name
        assert share_of_colour(image, "#ffffff") < 0.9, name
    svgs = rendered["svg"]
    assert list(svgs) == list(plots.FIGURES)
    for name, svg in svgs.items():
        assert svg.lstrip().startswith(b"<?xml") and b"<svg" in svg, name
        assert b"<dc:date>" not in svg, name
    with pytest.raises(ValueError, match="png"):
        plots.render_all(result, "jpeg")


def test_output_is_byte_for_byte_reproducible(rendered):
    again = api.run(ROOT / "scenarios" / "default.toml")  # a new run: new provenance time, same numbers
    assert plots.render_all(again, "png") == rendered["png"]
    assert plots.render_all(again, "svg") == rendered["svg"]


def test_style_does_not_leak_into_the_callers_matplotlib(result):
    before = dict(matplotlib.rcParams)
    with matplotlib.rc_context({"font.size": 31.0, "svg.hashsalt": None}):
        plots.render_all(result, "svg")
        assert matplotlib.rcParams["font.size"] == 31.0
    assert dict(matplotlib.rcParams) == before


def test_a_run_without_baseline_or_ledgers_still_gives_figures(result):
    no_base = dataclasses.replace(result, baseline=None)
    assert not bars(plots.headline(no_base), "headline")
    assert "no baseline" in plots.headline(no_base).axes[0].texts[0].get_text()
    empty = dataclasses.replace(result, ledgers={}, baseline=None)
    for name, png in plots.render_all(empty, "png").items():
        assert decode(png).shape[1] == 1200, name


def test_metrics_a_plugin_adds_outside_the_total_are_not_stacked(result):
    ground = result.ledgers[result.baseline]
    extra = Ledger(ground.instance, ground.architecture, ground.plugin,
                   [*ground.metrics, Metric("capex.sidecar", 99.0, "MUSD")], list(ground.notes))
    changed = dataclasses.replace(result, ledgers={**result.ledgers, ground.instance: extra})
    stack = bars(plots.capex_breakdown(changed), "stack")
    assert (ground.instance, "capex.sidecar") not in stack
    assert sum(p.get_width() for (n, _), p in stack.items() if n == ground.instance) == pytest.approx(
        ground.get("cost.capex"))


def test_importing_the_module_does_not_import_matplotlib():
    code = "import sys, sandbox.output.plots; assert 'matplotlib' not in sys.modules, 'matplotlib imported'"
    subprocess.run([sys.executable, "-c", code], check=True)
