"""Study figures (heat map, Pareto, distributions, tornado, timeline), the two run figures they add
(latency CDF, orbit view) and the study's HTML report.

The figures are drawn from small synthetic tables whose answers are known, rendered to PNG and
looked at: cells, bars, bands and markers are found at their place in the image in their colour.
The study report is opened in headless Chromium like the run report.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import LogNorm
from test_html_report import parse, run_chromium
from test_plots import decode, render, rgb, share_of_colour

from sandbox.core.registry import default_registry
from sandbox.core.scenario import load_scenario
from sandbox.ledger.engine import evaluate
from sandbox.output import figures, plots, study_plots, views
from sandbox.output import html as html_report

ROOT = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------- data
@pytest.fixture(scope="module")
def result():
    reg = default_registry()
    return evaluate(load_scenario(ROOT / "scenarios" / "default.toml", reg), reg)


ALTITUDES = np.array([500.0, 600.0, 700.0, 800.0, 900.0, 1000.0])
BUS_COSTS = np.array([1e3, 3e3, 1e4, 3e4, 1e5])


def leo_cost(altitude: float, bus: float) -> float:
    return 20.0 * bus / 1e3 * (altitude / 500.0) ** 2


@pytest.fixture(scope="module")
def grid() -> pd.DataFrame:
    """A 6 × 5 grid sweep, three seeds per point (the heat map shows their median), ground and leo."""
    rows, point = [], 0
    for a in ALTITUDES:
        for c in BUS_COSTS:
            for factor in (0.5, 1.0, 3.0):  # median factor 1: the cell's median is leo_cost exactly
                for arch in ("ground", "leo"):
                    v = 50.0 if arch == "ground" else leo_cost(a, c) * factor
                    rows.append({"point": point, "architecture": arch, "type": arch, "leo.altitude": a,
                                 "models.cost.hardware_usd_per_kg_mass_produced": c, "valid": True, "error": "",
                                 "cost.per_pflop_day": v, "cost.per_pflop_day.vs_baseline": v / 50.0})
                point += 1
    rows.append({**rows[-1], "point": point, "valid": False, "error": "boom", "cost.per_pflop_day": 1e12})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def monte_carlo() -> pd.DataFrame:
    """Log-normal draws: ground tight around 50 USD, leo and lunar wide and far above."""
    rng = np.random.default_rng(7)
    n, frames = 10_000, []
    for arch, kind, median, sigma, lat in (("ground", "ground", 50.0, 0.1, 0.03), ("leo", "leo", 5e3, 1.2, 2.0),
                                           ("moon", "lunar", 2e4, 0.6, 3.0)):
        v = median * np.exp(rng.normal(0.0, sigma, n))
        frames.append(pd.DataFrame({
            "point": np.arange(n), "architecture": arch, "type": kind, "x": rng.uniform(0, 1, n),
            "y": rng.uniform(1, 1000, n), "valid": True, "error": "", "cost.per_pflop_day": v,
            "cost.per_pflop_day.vs_baseline": v / 50.0 if arch != "ground" else 1.0,
            "latency.p50": lat * np.exp(rng.normal(0.0, 0.5, n))}))
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def sensitivity() -> pd.DataFrame:
    swing = np.array([10.0, 60.0, 25.0, 80.0, 5.0, 40.0, 70.0, 15.0, 30.0, 50.0, 20.0, 35.0, 3.0, 1.0])
    return pd.DataFrame({
        "architecture": "leo", "type": "leo", "input": [f"leo.input_{i}" for i in range(swing.size)],
        "unit": "km", "low": np.arange(swing.size, dtype=float), "nominal": np.arange(swing.size) + 1.0,
        "high": np.arange(swing.size) + 2.0, "metric_low": 100.0 - 0.4 * swing,
        "metric_nominal": 100.0, "metric_high": 100.0 + 0.6 * swing, "swing": swing})


@pytest.fixture(scope="module")
def timeline() -> tuple[pd.DataFrame, pd.DataFrame]:
    years = np.arange(2027, 2046)
    frames = []
    for arch, start, rate in (("ground", 50.0, 0.98), ("leo", 5e3, 0.78), ("moon", 2e5, 0.75)):
        p50 = start * rate ** (years - 2027)
        frames.append(pd.DataFrame({"year": years, "architecture": arch, "p05": p50 / 2, "p50": p50, "p95": p50 * 2.5}))
    crossover = pd.DataFrame({"architecture": ["leo", "moon"], "p05": [2039.0, np.nan], "p50": [2042.0, np.nan],
                              "p95": [2046.0, np.nan], "never_fraction": [0.1, 0.8]})
    return pd.concat(frames, ignore_index=True), crossover


def gid(fig, name: str):
    """The artist of ``fig`` whose gid is ``name``."""
    found = [a for ax in fig.axes for a in ax.get_children() if a.get_gid() == name]
    assert len(found) == 1, (name, found)
    return found[0]


def pixel(image: np.ndarray, ax, x: float, y: float) -> np.ndarray:
    """The PNG pixel at data point (x, y) of ``ax`` (after rendering)."""
    px, py = ax.transData.transform((x, y))
    return image[image.shape[0] - int(round(py)), int(round(px))]


def axes_pixels(image: np.ndarray, ax, inset: int = 2) -> np.ndarray:
    box = ax.get_window_extent()
    h = image.shape[0]
    return image[h - int(box.y1) + inset:h - int(box.y0) - inset, int(box.x0) + inset:int(box.x1) - inset]


def blended(hex_colour: str, alpha: float) -> np.ndarray:
    return alpha * rgb(hex_colour).astype(float) + (1 - alpha) * 255.0


def near(pixels: np.ndarray, colour: np.ndarray, tol: float = 3.0) -> int:
    return int(np.all(np.abs(pixels.astype(float) - colour) <= tol, axis=-1).sum())


def check_titles_and_labels(fig) -> None:
    assert fig.get_suptitle().strip()
    for ax in fig.axes:
        if ax.get_label() == "<colorbar>":
            continue
        assert ax.get_xlabel().strip(), ax
        assert "(" in ax.get_xlabel() or ax.get_xlabel() == "year", ax.get_xlabel()  # with a unit


# --------------------------------------------------------------------------- Pareto front
def test_pareto_front_on_a_hand_made_set():
    points = [(1, 5), (2, 3), (3, 4), (4, 1), (2, 3), (5, 1), (1, 6), (np.nan, 0), (0.5, 10), (3, 2)]
    x, y = np.array(points, dtype=float).T
    # (3, 4) is beaten by (2, 3); (5, 1) by (4, 1); (1, 6) by (1, 5); NaN is left out; the twin (2, 3)s both stay
    assert study_plots.pareto_front(x, y).tolist() == [8, 0, 1, 4, 9, 3]
    assert study_plots.pareto_front([], []).tolist() == []
    assert study_plots.pareto_front([3.0], [7.0]).tolist() == [0]
    with pytest.raises(ValueError, match="length"):
        study_plots.pareto_front([1, 2], [1])


def test_pareto_front_matches_brute_force_with_ties():
    rng = np.random.default_rng(3)
    x, y = rng.integers(0, 15, 400).astype(float), rng.integers(0, 15, 400).astype(float)
    dominated = [bool(np.any((x <= x[i]) & (y <= y[i]) & ((x < x[i]) | (y < y[i])))) for i in range(x.size)]
    assert sorted(study_plots.pareto_front(x, y).tolist()) == [i for i in range(x.size) if not dominated[i]]


# --------------------------------------------------------------------------- heat map
def test_grid_heatmap_shows_the_median_of_each_cell_in_its_colour(grid):
    fig = study_plots.heatmap(grid, "leo.altitude", "models.cost.hardware_usd_per_kg_mass_produced", "cost.per_pflop_day",
                              "leo", unit="USD", x_unit="km", y_unit="USD/kg")
    image = render(fig)
    check_titles_and_labels(fig)
    mesh = gid(fig, "heatmap:cells")
    ax = mesh.axes
    cells = np.ma.getdata(mesh.get_array()).reshape(len(BUS_COSTS), len(ALTITUDES))
    expected = np.array([[leo_cost(a, c) for a in ALTITUDES] for c in BUS_COSTS])
    np.testing.assert_allclose(cells, expected, rtol=1e-12)  # medians; the invalid row is ignored
    assert isinstance(mesh.norm, LogNorm)  # 20 … 8,000 USD: more than two decades
    assert ax.get_yscale() == "log" and ax.get_xscale() == "linear"  # bus cost is log-spaced, altitude is not
    assert "km" in ax.get_xlabel() and "USD/kg" in ax.get_ylabel()
    assert "USD" in fig.axes[-1].get_ylabel()  # the colour bar
    inside = axes_pixels(image, ax)
    assert len(np.unique(inside.reshape(-1, 3), axis=0)) >= 30
    for j, c in enumerate(BUS_COSTS):
        for i, a in enumerate(ALTITUDES):
            # a quarter of the way into the cell (its centre holds the number)
            x = a - 25.0
            y = c * (3e3 / 1e3) ** -0.25 if j else c / 1.2
            want = np.array(matplotlib.colors.to_rgb(mesh.cmap(mesh.norm(expected[j, i])))) * 255
            assert np.abs(pixel(image, ax, x, y).astype(float) - want).max() <= 2, (a, c)


def test_random_points_are_binned_and_linear_colour_when_the_range_is_small(monte_carlo):
    fig = study_plots.heatmap(monte_carlo, "x", "y", "latency.p50", "leo", unit="s")
    image = render(fig)
    mesh = gid(fig, "heatmap:cells")
    assert mesh.get_array().shape == (20, 20)
    assert not isinstance(mesh.norm, LogNorm)
    assert mesh.axes.get_xscale() == mesh.axes.get_yscale() == "linear"  # uniform draws: linear bins
    assert len(np.unique(axes_pixels(image, mesh.axes).reshape(-1, 3), axis=0)) >= 100


def test_heatmap_without_points_says_so(grid):
    fig = study_plots.heatmap(grid, "leo.altitude", "models.cost.hardware_usd_per_kg_mass_produced",
                              "cost.per_pflop_day", "nobody")
    assert "no valid point" in fig.axes[0].texts[0].get_text()
    render(fig)


# --------------------------------------------------------------------------- Pareto figure
def test_pareto_figure_draws_a_subsample_and_the_whole_front(monte_carlo):
    fig = study_plots.pareto(monte_carlo, "cost.per_pflop_day", "latency.p50", "USD", "s")
    image = render(fig)
    check_titles_and_labels(fig)
    ax = fig.axes[0]
    drawn = {name: len(gid(fig, f"pareto:{name}:points").get_offsets()) for name in ("ground", "leo", "moon")}
    assert sum(drawn.values()) <= 20_000 < len(monte_carlo)
    assert all(n > 5_000 for n in drawn.values())
    front = study_plots.pareto_front(monte_carlo["cost.per_pflop_day"], monte_carlo["latency.p50"])
    line = gid(fig, "pareto:front")
    np.testing.assert_array_equal(line.get_xdata(), monte_carlo["cost.per_pflop_day"].to_numpy()[front])
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert "USD" in ax.get_xlabel() and "(s" in ax.get_ylabel()
    # the baseline (found from vs_baseline == 1) is grey, the others in the palette; the front in black
    inside = axes_pixels(image, ax)
    for hex_colour in (figures.PALETTE[0], figures.PALETTE[1], figures.BASELINE_COLOUR):  # lone dots: 55 % over white
        assert near(inside, blended(hex_colour, 0.55), tol=4) > 300, hex_colour
    points = gid(fig, "pareto:front-points")
    assert matplotlib.colors.to_hex(points.get_facecolors()[0]) == figures.BASELINE_COLOUR.lower()
    x, y = ax.transData.transform(np.column_stack([line.get_xdata(), line.get_ydata()]))[0]
    h = image.shape[0]
    patch = image[h - int(y) - 6:h - int(y) + 6, int(x) - 6:int(x) + 6]
    assert np.any(np.all(patch < 40, axis=-1))  # the black front starts at its first point


# --------------------------------------------------------------------------- distributions
def test_distributions_box_per_architecture_on_a_log_axis(monte_carlo):
    fig = study_plots.distributions(monte_carlo, "cost.per_pflop_day", "USD", baseline="ground")
    image = render(fig)
    check_titles_and_labels(fig)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"  # 40 USD … 100,000 USD
    colour = figures.colour_map(["ground", "leo", "moon"], "ground")
    for name in ("ground", "leo", "moon"):
        values = monte_carlo.loc[monte_carlo["architecture"] == name, "cost.per_pflop_day"]
        assert gid(fig, f"distribution:{name}:p50").get_xdata()[0] == pytest.approx(np.median(values))
        box = gid(fig, f"distribution:{name}:box")
        assert matplotlib.colors.to_hex(box.get_facecolor()) == colour[name].lower()
        assert share_of_colour(image, colour[name]) > 0.0005, name
        (x0, y0), (x1, y1) = box.get_path().get_extents(box.get_transform()).get_points()
        h = image.shape[0]
        assert share_of_colour(image[h - int(y1) + 2:h - int(y0) - 2, int(x0) + 2:int(x1) - 2], colour[name]) > 0.5, name
    text = " ".join(t.get_text() for t in ax.texts)
    assert text.count("p5 ") == text.count("p50 ") == text.count("p95 ") == 3
    ground_median = float(np.median(monte_carlo.loc[monte_carlo["architecture"] == "ground", "cost.per_pflop_day"]))
    (ref,) = [line for line in ax.get_lines() if "ground median" in line.get_label()]
    assert ref.get_xdata()[0] == pytest.approx(ground_median)
    assert [t.get_text().split("\n")[0] for t in ax.get_yticklabels()] == ["ground", "leo", "moon (lunar)"]


# --------------------------------------------------------------------------- tornado
def test_tornado_largest_swing_on_top(sensitivity):
    fig = study_plots.tornado(sensitivity, "cost.per_pflop_day", "leo", "USD")
    image = render(fig)
    check_titles_and_labels(fig)
    ax = fig.axes[0]
    top12 = sensitivity.sort_values("swing", ascending=False).head(12)
    assert [t.get_text().split("\n")[0] for t in ax.get_yticklabels()] == list(top12["input"])
    low = gid(fig, f"tornado:{top12['input'].iloc[0]}:low")
    assert low.get_x() == 100.0 and low.get_width() == pytest.approx(-0.4 * 80.0)
    # find the bars in the image: horizontal bands of the low and high colours, top to bottom
    inside = axes_pixels(image, ax)
    coloured = np.all(inside == rgb(study_plots.LOW_COLOUR), axis=-1) | np.all(inside == rgb(study_plots.HIGH_COLOUR), axis=-1)
    rows = np.flatnonzero(coloured.sum(axis=1) > 0)
    bands = np.split(rows, np.flatnonzero(np.diff(rows) > 1) + 1)
    assert len(bands) == 12
    widths = [int(coloured[band[len(band) // 2]].sum()) for band in bands]
    assert widths[0] == max(widths)
    assert widths == sorted(widths, reverse=True)  # widths follow the swings, largest first
    assert widths[0] > 10 * widths[-1] / 2  # swing 80 against 5


# --------------------------------------------------------------------------- timeline
def test_timeline_has_bands_lines_and_the_crossover(timeline):
    summary, crossover = timeline
    fig = study_plots.timeline_bands(summary, crossover, "ground", "USD")
    image = render(fig)
    check_titles_and_labels(fig)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    colour = figures.colour_map(["ground", "leo", "moon"], "ground")
    inside = axes_pixels(image, ax)
    # the shaded p05–p95 band: the architecture's colour at 20 % over white, over many pixels
    assert near(inside, blended(colour["leo"], 0.2)) > 5_000
    assert near(inside, blended(colour["moon"], 0.2)) > 5_000
    # inside the leo band in 2030 (between p05 and p95, away from the p50 line) the pixel is the band's colour
    leo_2030 = 5e3 * 0.78 ** 3
    assert np.abs(pixel(image, ax, 2030.3, leo_2030 * 1.7).astype(float) - blended(colour["leo"], 0.2)).max() <= 3
    assert share_of_colour(inside, colour["leo"]) > 0.002  # the p50 line
    tick = gid(fig, "timeline:leo:crossover")
    assert tick.get_xdata()[0] == 2042.0
    labels = " ".join(t.get_text() for t in ax.texts)
    assert "leo crosses 2042" in labels and "moon: never crosses (80% of draws)" in labels
    base = gid(fig, "timeline:ground:p50")
    assert base.get_linestyle() == "--"


def test_timeline_names_an_architecture_that_failed_in_every_draw(timeline):
    summary, crossover = timeline
    failed = crossover.assign(failed_fraction=[0.0, 1.0], never_fraction=[0.1, np.nan])  # moon's design failed
    fig = study_plots.timeline_bands(summary, failed, "ground", "USD")
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert labels == ["leo crosses 2042 (never in 10%)", "moon: failed in every draw"]


# --------------------------------------------------------------------------- run figures
def test_latency_distribution_of_the_default_run(result):
    fig = views.latency_distribution(result)
    image = render(fig)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and "(s, log scale)" in ax.get_xlabel()
    colour = plots.colours(result)
    for name, ledger in result.ledgers.items():
        line = gid(fig, f"latency_cdf:{name}")
        samples = result.designs[name].latency_samples_s
        if samples is None:  # the ledger's median: a single step there
            assert line.get_xdata()[1] == ledger.get("latency.p50") and line.get_linestyle() == "--"
        else:
            assert len(line.get_xdata()) == len(samples) + 2
            assert line.get_xdata()[1] == pytest.approx(np.min(samples))
        assert line.get_ydata()[-1] == 1.0
        assert share_of_colour(image, colour[name]) > 0.0005, name
    (target,) = [line for line in ax.get_lines() if "target" in line.get_label()]
    assert target.get_xdata()[0] == result.scenario.workload.latency_target_s


def test_orbit_view_places_every_architecture(result):
    fig = views.orbit_view(result)
    image = render(fig)
    near_earth, far = fig.axes
    colour = plots.colours(result)
    labels = [t.get_text() for t in far.get_yticklabels()]
    for name, design in result.designs.items():
        assert sum(label.startswith(f"{name}: ") for label in labels) == len(design.elements), name
        markers = [a for a in far.get_lines() if a.get_gid() == f"orbit:{name}:site"]
        assert sorted(m.get_xdata()[0] for m in markers) == pytest.approx(
            sorted(views._site_radius_m(el.site) / 1e3 for el in design.elements))
        for marker in markers:  # each site's marker in the image, in the architecture's colour
            x, y = marker.get_xdata()[0], marker.get_ydata()[0]
            assert np.array_equal(pixel(image, far, x, y), rgb(colour[name])), name
    for name in ("leo", "starship"):  # the orbits near Earth at their altitude
        ring = gid(fig, f"orbit:{name}:ring")
        alt = result.designs[name].elements[0].site.altitude_m
        r = np.nanmax(np.hypot(ring.get_xdata(), ring.get_ydata()))
        assert r == pytest.approx((views.EARTH_RADIUS_M + alt) / 1e3, rel=1e-3)
    assert far.get_xscale() == "log" and "km" in far.get_xlabel() and "km" in near_earth.get_xlabel()
    assert share_of_colour(image, views.EARTH_COLOUR) > 0.02  # Earth to scale
    assert gid(fig, "orbit:ground:ground").get_marker() == "s"


def test_run_report_includes_the_two_new_figures(result):
    assert {"latency_distribution", "orbits"} <= set(plots.FIGURES)
    assert plots.FIGURES["orbits"][0] is plots.orbit_view
    assert plots.orbit_view(result).get_suptitle() == views.orbit_view(result).get_suptitle()


# --------------------------------------------------------------------------- study report
HOSTILE = "<script>alert(1)</script> & \"x\""


@pytest.fixture(scope="module")
def study_page(grid, monte_carlo, sensitivity, timeline, tmp_path_factory):
    figures = {
        "distribution": study_plots.distributions(monte_carlo, "cost.per_pflop_day", "USD", baseline="ground"),
        "heatmap": study_plots.heatmap(grid, "leo.altitude", "models.cost.hardware_usd_per_kg_mass_produced",
                                       "cost.per_pflop_day", "leo", unit="USD"),
        "tornado": study_plots.tornado(sensitivity, "cost.per_pflop_day", "leo", "USD"),
        "timeline": study_plots.timeline_bands(*timeline, "ground", "USD"),
    }
    pngs = {name: plots.to_bytes(fig, "png") for name, fig in figures.items()}
    tables = {"summary": pd.concat([grid, grid]).head(250).assign(error=HOSTILE), "sensitivity": sensitivity}
    manifest = {"scenario": {"path": "scenarios/leo_sweep.toml", "sha256": "ab" * 32, "name": "LEO <sweep>"},
                "plan": {"method": "grid", "points": 90, "seed": 42, "chunk": 10,
                         "dimensions": [{"key": "leo.altitude", "low": 500, "high": 1000, "steps": 6, "unit": "km"}]},
                "seed": 42, "sandbox_version": "9.9.9", "elapsed_s": 1.25, "executor": "processes (4 workers)",
                "plugins": [{"name": "leo", "version": "1.0"}], "failures": {"leo": [HOSTILE]}}
    path = tmp_path_factory.mktemp("study") / "report.html"
    html_report.write_study(path, "Study: LEO sweep", manifest, tables, pngs)
    return path, tables, pngs, manifest


def test_study_report_renders_in_chromium_with_every_table_and_figure(study_page, tmp_path_factory):
    path, tables, pngs, manifest = study_page
    text = path.read_text(encoding="utf-8")
    assert text.count("<script>") == 1 and "<script>alert(1)" not in text  # the report's own script only
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;" in text
    done = run_chromium(["--dump-dom", path.as_uri()], tmp_path_factory.mktemp("profile"))
    dom = parse(done.stdout.decode("utf-8"))
    (body,) = dom.find("body")
    assert body.attrs.get("data-images-loaded") == f"{len(pngs)}/{len(pngs)}"
    images = {img.attrs["data-figure"]: img for img in dom.iter("img")}
    assert list(images) == list(pngs)
    for name, img in images.items():
        png = decode(pngs[name])
        assert img.attrs["data-natural-size"] == f"{png.shape[1]}x{png.shape[0]}", name
        assert img.attrs["data-opaque"] == "1.0000" and float(img.attrs["data-ink"]) > 0.05, name
        assert img.parent.tag == "figure" and img.parent.find("figcaption")[0].text().strip() == study_plots.CAPTIONS[name]
    for name, frame in tables.items():
        (table,) = dom.find("table", data_table=name)
        assert [th.text() for th in table.find("thead")[0].iter("th")] == list(frame.columns)
        rows = table.find("tbody")[0].find("tr")
        assert len(rows) == min(len(frame), html_report.STUDY_TABLE_ROWS), name
        first = [td.text() for td in rows[0].iter("td")]
        assert len(first) == len(frame.columns)
    summary_rows = dom.find("table", data_table="summary")[0].find("tbody")[0].find("tr")
    cells = summary_rows[0].find("td")
    assert cells[list(tables["summary"].columns).index("error")].text() == HOSTILE  # escaped, shown as text
    value = tables["summary"]["cost.per_pflop_day"].iloc[0]
    assert float(cells[list(tables["summary"].columns).index("cost.per_pflop_day")].attrs["data-value"]) == value
    assert "first 200 of 250 rows" in dom.find("section", id="table-summary")[0].text()
    summary = dom.find("section", id="summary")[0].text()
    for fact in ("grid", "90", "42", "scenarios/leo_sweep.toml", "ab" * 32, "9.9.9", "1.25 s", "processes (4 workers)",
                 "leo.altitude"):
        assert fact in summary, fact
    assert dom.find("div", data_failed="leo")
    provenance = dom.find("section", id="provenance")[0].text()
    assert "ab" * 32 in provenance and '"executor": "processes (4 workers)"' in provenance
    (h1,) = dom.find("h1")
    assert "Study: LEO sweep" in h1.text()
