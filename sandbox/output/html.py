"""A run as one self-contained HTML file: tables, figures, notes, assumptions and provenance.

:func:`render` returns the whole document as a string. Nothing is fetched when it is opened:
the CSS is inline and the figures of :mod:`sandbox.output.plots` are embedded as base64 PNG data URIs.
Every piece of text that comes from a scenario, a plugin or a ledger is escaped.

Table cells carry the exact ledger value in ``data-value`` (``repr`` of the float) and rows their
metric in ``data-metric``, so that the numbers shown can be checked against the ledger. A small
inline script marks ``<body data-images-loaded="n/m">`` once the page has loaded, counting the
images the browser actually decoded (the headless-browser test reads it).
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from sandbox.ledger.engine import RELATIVE, Ledger, RunResult
from sandbox.output.format import TABLE_METRICS, fmt

TITLE = "Lunar and deep-space infrastructure sandbox"

CSS = """
:root { --ink: #1d2433; --muted: #5b6475; --line: #d9dde5; --band: #f4f6f9; --accent: #0072B2; --bad: #b3261e; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink);
       margin: 0 auto; padding: 1.5rem 2rem 4rem; max-width: 1280px; background: #fff; }
h1 { font-size: 1.7rem; margin: 0 0 .2rem; }
h1 small { display: block; font-size: .95rem; font-weight: normal; color: var(--muted); }
h2 { font-size: 1.3rem; margin: 2.2rem 0 .6rem; padding-bottom: .25rem; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.05rem; margin: 1.4rem 0 .4rem; }
p.lead { color: var(--muted); margin: .2rem 0 1rem; }
nav { margin: 1rem 0; font-size: .9rem; }
nav a { margin-right: 1rem; color: var(--accent); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1.2rem; margin: .5rem 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: .88rem; margin: .4rem 0 1rem; }
th, td { padding: .28rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { background: var(--band); text-align: left; position: sticky; top: 0; }
table.numbers td { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.numbers th[scope=row] { text-align: left; font-weight: 600; white-space: nowrap; }
table.numbers td.unit { text-align: left; color: var(--muted); }
table.numbers td.text { text-align: left; white-space: normal; }
tbody.relative th[scope=row] { color: var(--accent); }
tr.section th { background: var(--band); text-align: left; font-weight: 600; }
.baseline { background: #fbf7e9; }
.approx { color: #8a4b00; }
.missing { color: #aab; }
td.src, td.desc { font-size: .8rem; color: var(--muted); max-width: 36rem; }
figure { margin: 1.2rem 0 2rem; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--line); }
figcaption { color: var(--muted); font-size: .9rem; margin-top: .3rem; }
.failure { border-left: 4px solid var(--bad); background: #fdf0ef; padding: .4rem .8rem; margin: .4rem 0; }
ul.notes li { margin: .2rem 0; }
code { font-size: .85em; }
details > summary { cursor: pointer; color: var(--accent); margin: .6rem 0; }
footer { margin-top: 3rem; color: var(--muted); font-size: .8rem; }
"""

#: After load, looks at every image: draws it on a canvas and counts its opaque and non-white
#: pixels (``data-opaque``, ``data-ink``: fractions), records its natural size, and marks
#: ``<body data-images-loaded="good/total">``, an image being good when it is complete, has a size
#: and every pixel was decoded (a truncated PNG leaves transparent rows).
SCRIPT = """
window.addEventListener("load", function () {
  var images = Array.prototype.slice.call(document.images), good = 0;
  images.forEach(function (img) {
    var w = img.naturalWidth, h = img.naturalHeight, opaque = 0, ink = 0;
    img.setAttribute("data-natural-size", w + "x" + h);
    if (!img.complete || w === 0 || h === 0) { return; }
    var canvas = document.createElement("canvas");
    canvas.width = w; canvas.height = h;
    var ctx = canvas.getContext("2d");
    ctx.drawImage(img, 0, 0);
    var px = ctx.getImageData(0, 0, w, h).data;
    for (var i = 0; i < px.length; i += 4) {
      if (px[i + 3] === 255) { opaque += 1; }
      if (px[i + 3] !== 0 && (px[i] !== 255 || px[i + 1] !== 255 || px[i + 2] !== 255)) { ink += 1; }
    }
    img.setAttribute("data-opaque", (opaque / (w * h)).toFixed(4));
    img.setAttribute("data-ink", (ink / (w * h)).toFixed(4));
    if (opaque === w * h && ink > 0) { good += 1; }
  });
  document.body.setAttribute("data-images-loaded", good + "/" + images.length);
});
"""


def e(value: Any) -> str:
    """Escaped text (quotes too: safe in attributes)."""
    return html.escape(str(value), quote=True)


# --------------------------------------------------------------------------- document
def render(result: RunResult, figures: Mapping[str, bytes] | None = None) -> str:
    """The run as one self-contained HTML document.

    ``figures`` are PNG bytes by figure name (as :func:`sandbox.output.plots.render_all` returns them);
    when omitted they are rendered here.
    """
    if figures is None:
        from sandbox.output import plots

        figures = plots.render_all(result, "png")
    body = "\n".join([
        _header(result),
        _comparison(result),
        _figures(result, figures),
        _notes(result),
        _approximations(result),
        _assumptions(result),
        _provenance(result),
        _all_metrics(result),
        f"<footer>Generated by the sandbox {e(result.provenance.get('sandbox_version', ''))}. "
        "Self-contained: no external resources.</footer>",
    ])
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{e(result.scenario.name)} — {e(TITLE)}</title>\n"
        f"<style>{CSS}</style>\n</head>\n<body>\n{body}\n<script>{SCRIPT}</script>\n</body>\n</html>\n"
    )


def write(result: RunResult, path: str | Path, figures: Mapping[str, bytes] | None = None) -> Path:
    """Render the report into ``path`` (UTF-8) and return the path."""
    path = Path(path)
    path.write_text(render(result, figures), encoding="utf-8")
    return path


def _section(anchor: str, title: str, content: str) -> str:
    return f"<section id=\"{e(anchor)}\">\n<h2>{e(title)}</h2>\n{content}\n</section>"


def _facts(items: Iterable[tuple[str, Any]]) -> str:
    rows = "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in items)
    return f"<dl class=\"facts\">{rows}</dl>"


def _header(result: RunResult) -> str:
    sc = result.scenario
    wl = sc.workload
    facts = _facts([
        ("scenario file", sc.path),
        ("seed", sc.seed),
        ("workload", f"{wl.kind}, {fmt(wl.sustained_flops / 1e15)} PFLOP/s sustained at {wl.precision}, "
                     f"latency target {wl.latency_target_s:g} s"),
        ("assumptions", f"start year {sc.assumptions.start_year}, discount rate {sc.assumptions.discount_rate:g}/yr, "
                        f"reference chip {sc.assumptions.reference_chip}"),
        ("baseline", result.baseline or "none"),
        ("architectures", ", ".join(result.ledgers) or "none"),
        ("failed", ", ".join(result.failures) or "none"),
    ])
    nav = "".join(f"<a href=\"#{a}\">{t}</a>" for a, t in (
        ("comparison", "Comparison"), ("figures", "Figures"), ("notes", "Notes and failures"),
        ("approximations", "Approximations"), ("assumptions", "Assumptions"), ("provenance", "Provenance"),
        ("all-metrics", "All metrics")))
    return (f"<header>\n<h1>{e(sc.name)}<small>{e(TITLE)}</small></h1>\n"
            f"<p class=\"lead\">{e(sc.description)}</p>\n{facts}\n<nav>{nav}</nav>\n</header>")


# --------------------------------------------------------------------------- tables
def _cell(ledger: Ledger, metric: str, baseline: bool) -> str:
    cls = " class=\"baseline\"" if baseline else ""
    if not ledger.has(metric):
        return f"<td{cls}><span class=\"missing\">–</span></td>"
    m = ledger.metric(metric)
    shown = e(fmt(float(m.value)))
    if m.approximation:
        shown += "<span class=\"approx\" title=\"approximation\">~</span>"
    tip = "; ".join(str(i) for i in m.inputs)
    title = f" title=\"{e(tip)}\"" if tip else ""
    return f"<td{cls} data-value=\"{e(repr(float(m.value)))}\"{title}>{shown}</td>"


def _row(result: RunResult, metric: str) -> str | None:
    unit = next((lg.metric(metric).unit for lg in result.ledgers.values() if lg.has(metric)), None)
    if unit is None:
        return None
    cells = "".join(_cell(lg, metric, name == result.baseline) for name, lg in result.ledgers.items())
    return f"<tr data-metric=\"{e(metric)}\"><th scope=\"row\">{e(metric)}</th><td class=\"unit\">{e(unit)}</td>{cells}</tr>"


def _column_head(ledger: Ledger, baseline: bool) -> str:
    cls = ' class="baseline"' if baseline else ""
    note = " (baseline)" if baseline else ""
    kind = "" if ledger.architecture == ledger.instance else f"<br><small>{e(ledger.architecture)}</small>"
    return f'<th scope="col" data-architecture="{e(ledger.instance)}"{cls}>{e(ledger.instance)}{note}{kind}</th>'


def _table(result: RunResult, groups: list[tuple[str, str, list[str]]], table_id: str) -> str:
    """A metric × architecture table; ``groups`` are (tbody class, heading, metrics)."""
    heads = "".join(_column_head(lg, n == result.baseline) for n, lg in result.ledgers.items())
    bodies = []
    span = 2 + len(result.ledgers)
    for cls, heading, metrics in groups:
        rows = [r for r in (_row(result, m) for m in metrics) if r is not None]
        if not rows:
            continue
        top = f"<tr class=\"section\"><th colspan=\"{span}\">{e(heading)}</th></tr>" if heading else ""
        bodies.append(f"<tbody class=\"{e(cls)}\">{top}{''.join(rows)}</tbody>")
    return (f"<div class=\"scroll\"><table id=\"{e(table_id)}\" class=\"numbers\">\n<thead><tr><th scope=\"col\">metric</th>"
            f"<th scope=\"col\">unit</th>{heads}</tr></thead>\n{''.join(bodies)}</table></div>")


def _comparison(result: RunResult) -> str:
    if not result.ledgers:
        return _section("comparison", "Comparison", "<p>No architecture could be evaluated (see the failures).</p>")
    relative = [f"{m}.vs_baseline" for m in RELATIVE if f"{m}.vs_baseline" not in TABLE_METRICS]
    groups = [("headline", "", list(TABLE_METRICS)),
              ("relative", f"relative to the baseline ({result.baseline or 'none'} = 1)", relative)]
    legend = ("<p class=\"lead\">One column per architecture; <span class=\"approx\">~</span> marks an approximation "
              "(see below). Hover a number for the inputs it was computed from. Rows ending in "
              "<code>.vs_baseline</code> are the value divided by the baseline's.</p>")
    return _section("comparison", "Comparison", legend + _table(result, groups, "comparison-table"))


def _all_metrics(result: RunResult) -> str:
    names: list[str] = []
    for lg in result.ledgers.values():
        names += [m.name for m in lg.metrics if m.name not in names]
    table = _table(result, [("all", "", names)], "all-metrics-table")
    return _section("all-metrics", "All metrics",
                    f"<details><summary>Every metric of every ledger ({len(names)} rows)</summary>{table}</details>")


# --------------------------------------------------------------------------- figures
def _figures(result: RunResult, figures: Mapping[str, bytes]) -> str:
    from sandbox.output.plots import FIGURES

    parts = []
    for name, png in figures.items():
        caption = FIGURES[name][1] if name in FIGURES else name
        data = base64.b64encode(png).decode("ascii")
        alt = f"{name} chart of {result.scenario.name}: {caption}"
        parts.append(f"<figure id=\"figure-{e(name)}\">\n<img src=\"data:image/png;base64,{data}\" alt=\"{e(alt)}\" "
                     f"data-figure=\"{e(name)}\">\n<figcaption>{e(caption)}</figcaption>\n</figure>")
    return _section("figures", "Figures", "\n".join(parts) or "<p>No figures.</p>")


# --------------------------------------------------------------------------- notes
def _notes(result: RunResult) -> str:
    parts = []
    if result.failures:
        parts.append("<h3>Failures</h3>" + "".join(
            f"<div class=\"failure\" data-failed=\"{e(n)}\"><strong>{e(n)}</strong>: {e(msg)}</div>"
            for n, msg in result.failures.items()))
    else:
        parts.append("<p>No failures: every architecture was evaluated.</p>")
    for name, lg in result.ledgers.items():
        if lg.notes:
            items = "".join(f"<li>{e(n)}</li>" for n in lg.notes)
            parts.append(f"<h3>{e(name)}</h3><ul class=\"notes\">{items}</ul>")
    return _section("notes", "Notes and failures", "\n".join(parts))


def _approximations(result: RunResult) -> str:
    rows = []
    for name, lg in result.ledgers.items():
        for m in lg.metrics:
            if m.approximation:
                why = "; ".join(str(i) for i in m.inputs)
                rows.append(f"<tr><td>{e(name)}</td><td>{e(m.name)}</td><td>{e(fmt(float(m.value)))} {e(m.unit)}</td>"
                            f"<td class=\"desc\">{e(why)}{' — ' + e(m.source) if m.source else ''}</td></tr>")
    if not rows:
        return _section("approximations", "Approximations", "<p>No metric is flagged as an approximation.</p>")
    table = ("<table id=\"approximations-table\"><thead><tr><th>architecture</th><th>metric</th><th>value</th>"
             f"<th>computed from</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")
    return _section("approximations", "Approximations",
                    "<p>These numbers rest on a documented simplification (the architecture's notes say which); "
                    "they are marked <span class=\"approx\">~</span> in the tables.</p>" + table)


# --------------------------------------------------------------------------- assumptions
def _assumptions(result: RunResult) -> str:
    parts = ["<p>Every parameter of every architecture: the value used, whether the scenario set it or the "
             "plugin's sourced default applied, and the source of that default.</p>"]
    runs = {r.instance: r for r in result.scenario.architectures}
    for name in [*result.ledgers, *(n for n in result.failures if n in runs)]:
        run = runs.get(name)
        if run is None:
            parts.append(f"<h3>{e(name)}</h3><p>All defaults (the baseline was added by the engine).</p>")
            continue
        rows = []
        for p in run.spec.params:
            set_here = p.name in run.params.overridden
            stated = run.params.origins.get(p.name)
            origin = "scenario" if set_here else "scenario [models]" if stated else "default"
            source = stated or p.source or "definition"
            rows.append(f"<tr data-param=\"{e(p.name)}\"><td><code>{e(p.name)}</code></td>"
                        f"<td>{e(run.params.values.get(p.name, p.default))}</td><td>{origin}</td>"
                        f"<td class=\"src\">{e(source)}</td><td class=\"desc\">{e(p.description)}</td></tr>")
        parts.append(f"<h3>{e(name)} <small>(type {e(run.spec.name)})</small></h3>"
                     f"<div class=\"scroll\"><table class=\"params\" data-architecture=\"{e(name)}\"><thead><tr>"
                     "<th>parameter</th><th>value</th><th>set by</th><th>source of the default</th><th>meaning</th>"
                     f"</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")
    return _section("assumptions", "Assumptions", "\n".join(parts))


# --------------------------------------------------------------------------- provenance
def _provenance(result: RunResult) -> str:
    prov = result.provenance
    scenario = prov.get("scenario", {})
    facts = _facts([
        ("scenario", scenario.get("path", "")),
        ("scenario SHA-256", scenario.get("sha256", "")),
        ("seed", prov.get("seed", "")),
        ("sandbox version", prov.get("sandbox_version", "")),
        ("orbit library", prov.get("orbit_library") or "not used"),
        ("baseline", f"{prov.get('baseline')}{' (added by the engine)' if prov.get('baseline_added_by_engine') else ''}"),
        ("replaced model components", json.dumps(prov.get("replaced_models", {}), default=str) or "none"),
        ("replaced catalogue entries", json.dumps(prov.get("replaced_catalogue", {}), default=str) or "none"),
        ("started (UTC)", prov.get("started_utc", "")),
        ("elapsed", f"{prov.get('elapsed_s', '')} s"),
    ])
    rows = "".join(f"<tr><td>{e(p.get('name'))}</td><td>{e(p.get('distribution'))}</td><td>{e(p.get('version'))}</td>"
                   f"<td>{e(', '.join(p.get('hooks', [])))}</td></tr>" for p in prov.get("plugins", []))
    plugins = ("<h3>Plugins</h3><table id=\"plugins-table\"><thead><tr><th>plugin</th><th>distribution</th><th>version</th>"
               f"<th>hooks</th></tr></thead><tbody>{rows}</tbody></table>")
    errors = "".join(f"<div class=\"failure\">plugin {e(x.get('name'))} did not load: {e(x.get('error'))}</div>"
                     for x in prov.get("plugin_load_errors", []))
    raw = e(json.dumps(prov, indent=2, default=str))
    return _section("provenance", "Provenance", facts + plugins + errors +
                    f"<details><summary>provenance.json</summary><pre>{raw}</pre></details>")


# --------------------------------------------------------------------------- studies
#: Rows of a study table shown in the report (the files hold them all).
STUDY_TABLE_ROWS = 200


def render_study(title: str, manifest: Mapping[str, Any], tables: Mapping[str, Any],
                 figures: Mapping[str, bytes]) -> str:
    """A study (sweep, Monte Carlo, sensitivity, timeline) as one self-contained HTML document.

    ``manifest`` is the study's manifest (as :mod:`sandbox.studies.sweep` writes it: ``scenario`` with
    ``path``, ``sha256`` and ``name``, ``plan`` with ``method`` and ``points``, ``seed``,
    ``sandbox_version``, ``elapsed_s``, ``executor``, ...); ``tables`` are pandas DataFrames by
    name, each shown as a table of its first :data:`STUDY_TABLE_ROWS` rows; ``figures`` are PNG
    bytes by name, captioned from :data:`sandbox.output.study_plots.CAPTIONS`.
    """
    names = {name: _slug(name) for name in tables}
    nav = "".join(f"<a href=\"#{a}\">{e(t)}</a>" for a, t in (
        ("summary", "Summary"), *((f"table-{names[n]}", f"Table: {n}") for n in tables),
        ("figures", "Figures"), ("provenance", "Provenance")))
    scenario = manifest.get("scenario") or {}
    lead = f"<p class=\"lead\">{e(scenario.get('name', ''))}</p>\n" if scenario.get("name") else ""
    body = "\n".join([
        f"<header>\n<h1>{e(title)}<small>{e(TITLE)}</small></h1>\n{lead}<nav>{nav}</nav>\n</header>",
        _section("summary", "Summary", _study_summary(manifest)),
        *(_section(f"table-{names[n]}", f"Table: {n}", _frame_table(n, names[n], frame)) for n, frame in tables.items()),
        _study_figures(title, figures),
        _study_provenance(manifest),
        f"<footer>Generated by the sandbox {e(manifest.get('sandbox_version', ''))}. "
        "Self-contained: no external resources.</footer>",
    ])
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{e(title)} — {e(TITLE)}</title>\n"
        f"<style>{CSS}</style>\n</head>\n<body>\n{body}\n<script>{SCRIPT}</script>\n</body>\n</html>\n"
    )


def write_study(path: str | Path, title: str, manifest: Mapping[str, Any], tables: Mapping[str, Any],
                figures: Mapping[str, bytes]) -> Path:
    """Render the study report into ``path`` (UTF-8) and return the path."""
    path = Path(path)
    path.write_text(render_study(title, manifest, tables, figures), encoding="utf-8")
    return path


def _slug(name: str) -> str:
    return "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in str(name)) or "table"


def _study_summary(manifest: Mapping[str, Any]) -> str:
    plan = manifest.get("plan") or {}
    scenario = manifest.get("scenario") or {}
    points = plan.get("points", manifest.get("points", ""))
    done = manifest.get("points_done")
    elapsed = manifest.get("elapsed_s")
    items: list[tuple[str, Any]] = [
        ("method", plan.get("method", manifest.get("method", ""))),
        ("points", f"{points:,}" if isinstance(points, int) else points),
    ]
    if done is not None and done != points:
        items.append(("points done", done))
    items += [
        ("seed", manifest.get("seed", plan.get("seed", ""))),
        ("scenario", scenario.get("path", "")),
        ("scenario SHA-256", scenario.get("sha256", "")),
        ("sandbox version", manifest.get("sandbox_version", "")),
        ("elapsed", f"{elapsed} s" if elapsed is not None else ""),
        ("executor", manifest.get("executor", "")),
    ]
    for key, what in (("status", "status"), ("rows", "rows")):
        if key in manifest:
            items.append((what, manifest[key]))
    dims = plan.get("dimensions") or []
    rows = "".join(
        f"<tr><td><code>{e(d.get('key'))}</code></td><td>{e(_dimension_range(d))}</td><td>{e(d.get('unit') or '')}</td>"
        f"<td class=\"src\">{e(d.get('source') or '')}</td></tr>" for d in dims)
    inputs = ("<h3>Varied inputs</h3><div class=\"scroll\"><table id=\"study-inputs\"><thead><tr><th>input</th>"
              f"<th>values</th><th>unit</th><th>source</th></tr></thead><tbody>{rows}</tbody></table></div>") if rows else ""
    failures = manifest.get("failures") or {}
    failed = "".join(f"<div class=\"failure\" data-failed=\"{e(a)}\"><strong>{e(a)}</strong>: "
                     f"{e('; '.join(str(m) for m in msgs))}</div>" for a, msgs in failures.items())
    notes = "".join(f"<div class=\"note\" data-noted=\"{e(a)}\"><strong>{e(a)}</strong>: {e('; '.join(str(m) for m in msgs))}"
                    "</div>" for a, msgs in (manifest.get("notes") or {}).items())
    warned = "".join(f"<div class=\"note\" data-warned>{e(str(w))}</div>" for w in manifest.get("warnings") or ())
    return (_facts(items) + inputs + (f"<h3>Failures</h3>{failed}" if failed else "")
            + (f"<h3>Warnings</h3>{warned}" if warned else "") + (f"<h3>Notes</h3>{notes}" if notes else ""))


def _dimension_range(d: Mapping[str, Any]) -> str:
    if d.get("values") is not None:
        return ", ".join(str(v) for v in d["values"])
    parts = [f"{d.get('low')} … {d.get('high')}"]
    if d.get("nominal") is not None:
        parts.append(f"nominal {d['nominal']}")
    if d.get("steps"):
        parts.append(f"{d['steps']} steps")
    if d.get("scale"):
        parts.append(str(d["scale"]))
    return ", ".join(parts)


def _frame_cell(value: Any) -> str:
    import math
    import numbers

    import numpy as np

    if isinstance(value, (bool, np.bool_)) or value is None:
        return f"<td class=\"text\">{e('' if value is None else bool(value))}</td>"
    if isinstance(value, numbers.Integral):
        return f"<td data-value=\"{int(value)}\">{e(f'{int(value):,}')}</td>"
    if isinstance(value, numbers.Real):
        v = float(value)
        shown = fmt(v) if math.isfinite(v) else ("–" if math.isnan(v) else str(v))
        return f"<td data-value=\"{e(repr(v))}\">{e(shown)}</td>"
    return f"<td class=\"text\">{e(value)}</td>"


def _frame_table(name: str, slug: str, frame: Any) -> str:
    total = len(frame)
    shown = frame.head(STUDY_TABLE_ROWS)
    heads = "".join(f"<th scope=\"col\">{e(c)}</th>" for c in frame.columns)
    rows = "".join("<tr>" + "".join(_frame_cell(v) for v in row) + "</tr>"
                   for row in shown.itertuples(index=False, name=None))
    note = (f"<p class=\"lead\" data-truncated=\"{total}\">Showing the first {STUDY_TABLE_ROWS:,} of {total:,} rows; "
            "the study folder holds the whole table.</p>") if total > STUDY_TABLE_ROWS else \
        f"<p class=\"lead\">{total:,} row{'s' if total != 1 else ''}.</p>"
    return (f"{note}<div class=\"scroll\"><table id=\"study-table-{e(slug)}\" class=\"numbers study\" "
            f"data-table=\"{e(name)}\" data-rows=\"{total}\"><thead><tr>{heads}</tr></thead><tbody>{rows}</tbody>"
            "</table></div>")


def _study_figures(title: str, figures: Mapping[str, bytes]) -> str:
    from sandbox.output.study_plots import CAPTIONS

    parts = []
    for name, png in figures.items():
        caption = CAPTIONS.get(name, CAPTIONS.get(name.split("-", 1)[0], name))
        data = base64.b64encode(png).decode("ascii")
        alt = f"{name} chart of {title}: {caption}"
        parts.append(f"<figure id=\"figure-{e(_slug(name))}\">\n<img src=\"data:image/png;base64,{data}\" "
                     f"alt=\"{e(alt)}\" data-figure=\"{e(name)}\">\n<figcaption>{e(caption)}</figcaption>\n</figure>")
    return _section("figures", "Figures", "\n".join(parts) or "<p>No figures.</p>")


def _study_provenance(manifest: Mapping[str, Any]) -> str:
    scenario = manifest.get("scenario") or {}
    facts = _facts([
        ("scenario", scenario.get("path", "")),
        ("scenario SHA-256", scenario.get("sha256", "")),
        ("study key", manifest.get("study_key", "")),
        ("seed", manifest.get("seed", "")),
        ("sandbox version", manifest.get("sandbox_version", "")),
        ("finished (UTC)", manifest.get("finished_utc", "")),
    ])
    rows = "".join(f"<tr><td>{e(p.get('name'))}</td><td>{e(p.get('version'))}</td></tr>"
                   for p in manifest.get("plugins") or [] if isinstance(p, Mapping))
    plugins = ("<h3>Plugins</h3><table id=\"plugins-table\"><thead><tr><th>plugin</th><th>version</th></tr></thead>"
               f"<tbody>{rows}</tbody></table>") if rows else ""
    raw = e(json.dumps(manifest, indent=2, default=str))
    return _section("provenance", "Provenance", facts + plugins +
                    f"<details><summary>manifest.json</summary><pre>{raw}</pre></details>")
