"""Target 5: ``sandbox serve`` — input to updated table ≤ 150 ms p95 for a one-parameter change of the default scenario.

Measured as a user meets it: the command runs as a subprocess (``sandbox serve scenarios/default.toml
--port 0``), a real browser (Playwright with Debian's Chromium) moves one slider at a time by
keyboard (PageUp: a tenth of its range, a value not computed before), and the page records the time
from the input event to the table's update (``window.sandboxTimings``: ``performance.now()`` at the
event and after the table is rebuilt; the charts follow). Three series:

- every ranged architecture parameter of the default scenario, once each (a new design of that
  architecture: its design function runs; the five others come from the design memo);
- the same sliders moved back (PageDown: a value seen before, so a memo hit);
- the first :data:`MODEL_SLIDERS` shared-model defaults (a ``[models]`` override: the designs that
  read the default are made again, the others reused, and every ledger is evaluated again).

The machine's load average (1 min) is recorded before and after: the machine is shared.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import numpy as np

from . import TARGETS
from ._util import ROOT

MODEL_SLIDERS = 20
SCENARIO = "scenarios/default.toml"


def _settle(page, after: int) -> int:
    page.wait_for_function(f"document.body.dataset.busy === '0' && Number(document.body.dataset.updates || 0) > {after}",
                           timeout=120_000)
    return int(page.evaluate("Number(document.body.dataset.updates)"))


def _move(page, key: str, press: str, n: int) -> tuple[int, dict | None]:
    before = int(page.evaluate("window.sandboxTimings.length"))
    slider = page.locator(f'[data-slider="{key}"]')
    slider.scroll_into_view_if_needed()
    slider.focus()
    value = slider.input_value()
    page.keyboard.press(press)
    if slider.input_value() == value:  # already at that end: go the other way
        page.keyboard.press("PageDown" if press == "PageUp" else "PageUp")
    n = _settle(page, n)
    after = page.evaluate("window.sandboxTimings")
    return n, (after[-1] if len(after) > before else None)


def _stats(samples: list[dict]) -> dict:
    ms = np.array([s["ms"] for s in samples]) if samples else np.array([np.nan])
    server = np.array([s["server_ms"] for s in samples]) if samples else np.array([np.nan])
    return {"n": len(samples), "p50_ms": float(np.percentile(ms, 50)), "p95_ms": float(np.percentile(ms, 95)),
            "max_ms": float(ms.max()), "server_p50_ms": float(np.percentile(server, 50)),
            "server_p95_ms": float(np.percentile(server, 95))}


def run(repeat: int = 1) -> dict:
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("SANDBOX_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        return {"error": "Debian's chromium is needed (make chromium)"}
    load_before = os.getloadavg()
    proc = subprocess.Popen([sys.executable, "-m", "sandbox", "serve", SCENARIO, "--port", "0"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    series: dict[str, list[dict]] = {"new value": [], "value seen before": [], "model default": []}
    try:
        t0 = time.perf_counter()
        url = proc.stdout.readline().rsplit("open ", 1)[1].strip()
        start_s = time.perf_counter() - t0
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            page.goto(url)
            n = _settle(page, 0)
            page.evaluate("document.querySelectorAll('details.group').forEach(d => d.open = true)")
            arch = page.eval_on_selector_all('[data-slider^="architectures."]', "s => s.map(x => x.dataset.slider)")
            models = page.eval_on_selector_all('[data-slider^="models."]', "s => s.map(x => x.dataset.slider)")[:MODEL_SLIDERS]
            for _ in range(max(1, repeat)):
                for key in arch:
                    n, t = _move(page, key, "PageUp", n)
                    if t:
                        series["new value"].append({**t, "key": key})
                    n, t = _move(page, key, "PageDown", n)
                    if t:
                        series["value seen before"].append({**t, "key": key})
            for key in models:
                n, t = _move(page, key, "PageUp", n)
                if t:
                    series["model default"].append({**t, "key": key})
            browser.close()
    finally:
        proc.terminate()
        proc.communicate(timeout=30)
    load_after = os.getloadavg()
    stats = {name: _stats(samples) for name, samples in series.items()}
    one_param = _stats(series["new value"] + series["value seen before"])
    slowest = sorted(series["new value"], key=lambda s: -s["ms"])[:5]
    return {"server_start_s": start_s, "series": stats, "architecture_parameter": one_param,
            "slowest": [{"key": s["key"], "ms": s["ms"], "server_ms": s["server_ms"]} for s in slowest],
            "load_before": load_before, "load_after": load_after, "target_ms": TARGETS["serve_p95_ms"],
            "met": one_param["p95_ms"] <= TARGETS["serve_p95_ms"],
            "models_met": stats["model default"]["p95_ms"] <= TARGETS["serve_p95_ms"], "samples": series}


def report(r: dict) -> list[str]:
    if "error" in r:
        return [f"[5] sandbox serve: {r['error']}"]
    lb, la = r["load_before"], r["load_after"]
    lines = [f"[5] `sandbox serve {SCENARIO}` in Chromium: input to updated table (target p95 ≤ {r['target_ms']:.0f} ms "
             f"for a one-parameter change); load average {lb[0]:.2f} before, {la[0]:.2f} after",
             f"    server start (imports, validation, first evaluation): {r['server_start_s']:.1f} s"]
    for name, s in [*r["series"].items(), ("architecture parameters, both series", r["architecture_parameter"])]:
        lines.append(f"    {name:<38} n={s['n']:3d}  p50 {s['p50_ms']:7.1f} ms  p95 {s['p95_ms']:7.1f} ms  "
                     f"max {s['max_ms']:7.1f} ms  (server p50 {s['server_p50_ms']:.1f}, p95 {s['server_p95_ms']:.1f} ms)")
    lines.append(f"    -> target {'MET' if r['met'] else 'NOT met'} for architecture parameters, "
                 f"{'MET' if r.get('models_met') else 'NOT met'} for shared-model defaults")
    lines.append("    slowest new values: " + ", ".join(f"{s['key']} {s['ms']:.0f} ms" for s in r["slowest"]))
    return lines
