// The explorer page: a form generated from the scenario schema, a live comparison table and charts,
// scenarios side by side, the bridge waterfall and sweep-folder views. All numbers come from the
// server (sandbox.serve.app); this script only lays them out. The state (scenario number and the
// changed inputs) lives in the URL's query string, so a link reproduces it.
"use strict";

const $ = (id) => document.getElementById(id);
const S = {
  sid: 0, fields: {}, fileValues: {}, values: {}, last: null, session: null, tab: "compare",
  inflight: false, pending: false, pendingSince: null, updates: 0, sweepUpdates: 0, timings: [],
};
window.sandboxTimings = S.timings; // input-to-table latencies (ms), read by the benchmark
const PLOT = { displayModeBar: false, responsive: true };
const COLOURS = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
  "#1f3b73", "#8cd17d", "#b6992d", "#d37295", "#86bcb6"];
const LAYOUT = { margin: { l: 150, r: 20, t: 34, b: 40 }, height: 300, font: { size: 11 }, paper_bgcolor: "#fff", plot_bgcolor: "#fff", colorway: COLOURS };

function fmt(v) {  // the number format of the terminal table (sandbox.output.format.fmt)
  if (v === null || v === undefined) return "–";
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-3) return v.toExponential(2).replace(/\.?0+e/, "e").replace(/e([+-])(\d)$/, "e$10$2");
  if (a >= 100) return Math.round(v).toLocaleString("en-US");
  return String(Number(v.toPrecision(3)));
}

async function api(path, body) {
  const opts = body === undefined ? {} : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
  const res = await fetch(path, opts);
  let doc = null;
  try { doc = await res.json(); } catch (e) { doc = { ok: false, error: `${res.status} ${res.statusText}` }; }
  return { status: res.status, doc };
}

// ------------------------------------------------------------------ URL state
function stateQuery(includeScenario = true) {
  const q = new URLSearchParams();
  if (includeScenario) q.set("s", String(S.sid));
  for (const [k, v] of Object.entries(S.values)) q.set(k, v);
  return q;
}
function updateURL() {
  history.replaceState(null, "", "?" + stateQuery().toString());
  $("download").href = "/api/scenario.toml?" + stateQuery().toString();
}

// ------------------------------------------------------------------ form
function tooltip(f) {
  const lines = [];
  if (f.description) lines.push(f.description);
  lines.push(`key: ${f.key}`);
  if (f.unit) lines.push(`unit: ${f.unit}`);
  if (f.low !== null && f.high !== null) lines.push(`plausible range: ${fmt(f.low)} to ${fmt(f.high)}${f.unit ? " " + f.unit : ""}`);
  const bounds = [];
  if (f.minimum !== null) bounds.push(`≥ ${f.minimum}`);
  if (f.maximum !== null) bounds.push(`≤ ${f.maximum}`);
  if (bounds.length) lines.push(`allowed: ${bounds.join(", ")}`);
  lines.push(`default: ${f.default}`);
  if (f.source) lines.push(`source: ${f.source}`);
  return lines.join("\n");
}

function sliderValue(f, pos) {
  const s = f.slider, t = pos / 1000;
  let v = s.log ? s.min * Math.pow(s.max / s.min, t) : s.min + (s.max - s.min) * t;
  v = s.integer ? Math.round(v) : Number(v.toPrecision(3));
  return v;
}
function sliderPos(f, text) {
  const s = f.slider;
  const m = String(text).trim().match(/^([-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?)\s*(.*)$/);
  if (!m || (m[4] && m[4] !== f.unit)) return null;
  const v = Number(m[1]);
  const t = s.log ? Math.log(v / s.min) / Math.log(s.max / s.min) : (v - s.min) / (s.max - s.min);
  return Math.max(0, Math.min(1000, Math.round(t * 1000)));
}
function textOf(f, v) {  // a slider value as the field's text: quantities and model defaults carry their unit
  const withUnit = f.unit && (f.kind === "quantity" || (f.kind === "value" && f.key.startsWith("models.")));
  return withUnit ? `${v} ${f.unit}` : String(v);
}

function buildForm(doc, urlValues) {
  const form = $("form");
  form.textContent = "";
  S.fields = {}; S.fileValues = {}; S.values = {};
  const groups = {};
  for (const f of doc.fields) {
    S.fields[f.key] = f;
    S.fileValues[f.key] = f.value;
    if (!groups[f.group]) {
      const d = document.createElement("details");
      d.className = "group";
      d.open = !(f.group.startsWith("models") || f.group.startsWith("catalogue"));
      d.dataset.group = f.group;
      const sm = document.createElement("summary");
      sm.textContent = f.group.startsWith("models") || f.group.startsWith("catalogue") ? f.group : (f.group === "workload and assumptions" ? f.group : `architecture: ${f.group}`);
      d.appendChild(sm);
      form.appendChild(d);
      groups[f.group] = d;
    }
    groups[f.group].appendChild(fieldRow(f));
  }
  for (const [k, v] of Object.entries(urlValues)) {  // the URL's state (unknown keys still go to the server, which says why)
    S.values[k] = v;
    const input = inputOf(k);
    if (input) { input.value = v; syncSlider(k); markChanged(k); }
  }
  updateURL();
}

function inputOf(key) { return document.querySelector(`[data-input="${CSS.escape(key)}"]`); }
function rowOf(key) { return document.querySelector(`.field[data-key="${CSS.escape(key)}"]`); }

function fieldRow(f) {
  const row = document.createElement("div");
  row.className = "field";
  row.dataset.key = f.key;
  row.dataset.search = `${f.key} ${f.unit} ${f.source} ${f.description}`.toLowerCase();
  const label = document.createElement("label");
  label.title = tooltip(f);
  label.textContent = f.label + " ";
  if (f.unit) { const u = document.createElement("span"); u.className = "unit"; u.textContent = `[${f.unit}]`; label.appendChild(u); }
  const ctl = document.createElement("div");
  ctl.className = "ctl";
  let input;
  if (f.choices && f.choices.length && f.kind === "string") {
    input = document.createElement("select");
    const opts = f.choices.includes(f.value) ? f.choices : [f.value, ...f.choices];
    for (const c of opts) { const o = document.createElement("option"); o.value = c; o.textContent = c; input.appendChild(o); }
  } else if (f.kind === "boolean") {
    input = document.createElement("select");
    for (const c of ["true", "false"]) { const o = document.createElement("option"); o.value = c; o.textContent = c; input.appendChild(o); }
  } else {
    input = document.createElement("input");
    input.type = "text";
  }
  input.value = f.value;
  input.dataset.input = f.key;
  input.id = "in-" + f.key;
  label.htmlFor = input.id;
  input.title = tooltip(f);
  ctl.appendChild(input);
  if (f.slider) {
    const r = document.createElement("input");
    r.type = "range"; r.min = "0"; r.max = "1000"; r.step = "1";
    r.dataset.slider = f.key;
    r.title = tooltip(f);
    const p = sliderPos(f, f.value);
    r.value = p === null ? "0" : String(p);
    r.addEventListener("input", () => { input.value = textOf(f, sliderValue(f, Number(r.value))); changed(f.key, performance.now()); });
    ctl.appendChild(r);
  }
  const err = document.createElement("div");
  err.className = "err";
  err.dataset.error = f.key;
  row.append(label, ctl, err);
  input.addEventListener(input.tagName === "SELECT" ? "change" : "input", () => {
    syncSlider(f.key);
    changed(f.key, performance.now(), input.tagName === "SELECT" ? 0 : 250);
  });
  input.addEventListener("change", () => changed(f.key, performance.now(), 0));
  return row;
}

function syncSlider(key) {
  const r = document.querySelector(`[data-slider="${CSS.escape(key)}"]`);
  const f = S.fields[key];
  if (!r || !f) return;
  const p = sliderPos(f, inputOf(key).value);
  if (p !== null) r.value = String(p);
}
function markChanged(key) {
  const row = rowOf(key);
  if (row) row.classList.toggle("changed", key in S.values);
}

let typingTimer = null;
function changed(key, t0, delay = 0) {
  const text = inputOf(key).value;
  if (text === S.fileValues[key]) delete S.values[key]; else S.values[key] = text;
  markChanged(key);
  updateURL();
  if (S.pendingSince === null) S.pendingSince = t0;
  clearTimeout(typingTimer);
  if (delay) typingTimer = setTimeout(schedule, delay); else schedule();
}

// ------------------------------------------------------------------ evaluation
function schedule() {
  if (S.inflight) { S.pending = true; return; }
  if (JSON.stringify(S.values) === S.sent) { S.pendingSince = null; return; }  // nothing new (e.g. a blur after typing)
  evaluate();
}

async function evaluate() {
  S.inflight = true;
  document.body.dataset.busy = "1";
  const since = S.pendingSince ?? performance.now();
  S.sent = JSON.stringify(S.values);
  S.pendingSince = null;
  const busy = setTimeout(() => { $("busy").hidden = false; }, 150);
  try {
    const { status, doc } = await api("/api/evaluate", { s: S.sid, values: S.values, all: $("all-metrics").checked });
    clearErrors();
    if (status === 200 && doc.ok) {
      S.last = doc;
      renderTable(doc);
      const ms = performance.now() - since;  // input to updated table
      renderCharts(doc);
      setStale(false);
      S.timings.push({ ms, charts_ms: performance.now() - since, server_ms: doc.elapsed_ms });
      $("status").textContent = `updated in ${Math.round(ms)} ms`;
      if (S.tab === "side") loadSide();
    } else if (doc && doc.errors) {
      showErrors(doc.errors);
      setStale(true);
      $("status").textContent = "invalid input";
    } else {
      $("form-errors").textContent = (doc && doc.error) || `error ${status}`;
      setStale(true);
    }
  } catch (e) {
    $("form-errors").textContent = `the explorer did not answer (${e}); is \`sandbox serve\` still running?`;
  } finally {
    clearTimeout(busy);
    $("busy").hidden = true;
    S.inflight = false;
    S.updates += 1;
    document.body.dataset.updates = String(S.updates);
    if (S.pending) { S.pending = false; evaluate(); } else document.body.dataset.busy = "0";
  }
}

function clearErrors() {
  for (const e of document.querySelectorAll("[data-error]")) e.textContent = "";
  for (const e of document.querySelectorAll(".invalid")) e.classList.remove("invalid");
  $("form-errors").textContent = "";
}
function showErrors(errors) {
  const loose = [];
  for (const [key, message] of Object.entries(errors)) {
    const box = document.querySelector(`[data-error="${CSS.escape(key)}"]`);
    if (box) {
      box.textContent = message;
      const input = inputOf(key);
      if (input) input.classList.add("invalid");
      const group = box.closest("details");
      if (group) group.open = true;
    } else loose.push(message);
  }
  $("form-errors").textContent = loose.join("\n");
}
function setStale(stale) {
  $("table").classList.toggle("stale", stale);
  $("stale").hidden = !stale;
  $("download").classList.toggle("disabled", stale);
}

// ------------------------------------------------------------------ table and charts
function renderTable(doc) {
  const all = $("all-metrics").checked;
  const archs = doc.architectures.map((a) => a.instance);
  const head = $("table").tHead, body = $("table").tBodies[0];
  head.innerHTML = "";
  const hr = head.insertRow();
  for (const h of ["metric", "unit", ...archs]) { const th = document.createElement("th"); th.textContent = h; hr.appendChild(th); }
  body.innerHTML = "";
  for (const m of doc.metrics) {
    if (!all && !m.table) continue;
    const tr = body.insertRow();
    tr.dataset.metric = m.name;
    if (m.name.startsWith("cost.per_pflop_day")) tr.className = "headline";
    const name = tr.insertCell(); name.textContent = m.name; name.className = "name";
    const unit = tr.insertCell(); unit.textContent = m.unit; unit.className = "unit";
    for (const a of archs) {
      const td = tr.insertCell();
      const c = m.cells[a];
      td.dataset.arch = a;
      td.dataset.metric = m.name;
      if (c) { td.textContent = c.t; if (c.v !== null) td.dataset.value = String(c.v); } else td.textContent = "-";
    }
  }
  $("scenario-name").textContent = `${doc.name} (seed ${doc.seed}; baseline: ${doc.baseline || "none"})`;
  const fails = Object.entries(doc.failures).map(([k, v]) => `FAILED [${k}]: ${v}`);
  $("failures").textContent = fails.join("\n");
  const warned = (doc.warnings || []).map((w) => `warning: ${w}`);
  $("warnings").textContent = warned.join("\n");
  $("warnings").hidden = warned.length === 0;
  const notes = $("notes");
  notes.innerHTML = "";
  for (const [inst, list] of Object.entries(doc.notes)) for (const n of list) { const li = document.createElement("li"); li.textContent = `[${inst}] ${n}`; notes.appendChild(li); }
  $("table").dataset.updates = String(S.updates + 1);
  fillBridgeChoices(doc);
}

function metricOf(doc, name) { return doc.metrics.find((m) => m.name === name); }

function renderCharts(doc) {
  if (typeof Plotly === "undefined") return;
  const archs = doc.architectures.map((a) => a.instance);
  const val = (name, a) => { const m = metricOf(doc, name); return m && m.cells[a] ? m.cells[a].v : null; };
  const ratio = archs.map((a) => val("cost.per_pflop_day.vs_baseline", a));
  Plotly.react("chart-ratio", [{ type: "bar", orientation: "h", y: archs, x: ratio, text: ratio.map((v) => `×${fmt(v)}`), textposition: "auto",
    hovertemplate: "%{y}: ×%{x:.3g} the baseline<extra></extra>", marker: { color: "#3f6fb5" } }],
    { ...LAYOUT, title: { text: `cost per delivered PFLOP-day vs ${doc.baseline || "baseline"} (×, log)` }, xaxis: { type: "log" }, yaxis: { autorange: "reversed" } }, PLOT);
  for (const [div, prefix, total, unit, what] of [["chart-capex", "capex.", "cost.capex", "MUSD", "capex"], ["chart-mass", "mass.", "mass.total", "t", "mass"]]) {
    const parts = doc.metrics.filter((m) => m.name.startsWith(prefix) && m.name !== total && archs.some((a) => (m.cells[a] && m.cells[a].v) > 0));
    const totals = archs.map((a) => parts.reduce((s, m) => s + ((m.cells[a] && m.cells[a].v) || 0), 0));
    const labels = archs.map((a) => `${a} (${fmt(val(total, a))} ${unit})`);
    const traces = parts.map((m) => ({ type: "bar", orientation: "h", name: m.name.slice(prefix.length), y: labels,
      x: archs.map((a, i) => totals[i] > 0 ? 100 * ((m.cells[a] && m.cells[a].v) || 0) / totals[i] : 0),
      customdata: archs.map((a) => (m.cells[a] && m.cells[a].v) || 0),
      hovertemplate: `%{y}<br>${m.name}: %{customdata:.4g} ${unit} (%{x:.1f} %)<extra></extra>` }));
    Plotly.react(div, traces, { ...LAYOUT, barmode: "stack", title: { text: `${what} breakdown (share of the total, %)` }, margin: { ...LAYOUT.margin, l: 190 },
      xaxis: { range: [0, 100] }, yaxis: { autorange: "reversed" }, legend: { orientation: "h", y: -0.15 } }, PLOT);
  }
  Plotly.react("chart-latency", ["latency.p50", "latency.p95"].map((n) => ({ type: "bar", name: n.split(".")[1], x: archs, y: archs.map((a) => val(n, a)) })),
    { ...LAYOUT, margin: { l: 50, r: 20, t: 34, b: 40 }, barmode: "group", title: { text: "latency, end to end (s, log)" }, yaxis: { type: "log" } }, PLOT);
  const years = archs.map((a) => val("time.years_to_service", a));
  Plotly.react("chart-years", [{ type: "bar", x: archs, y: years, text: years.map(fmt), textposition: "auto", marker: { color: "#6a9f58" } }],
    { ...LAYOUT, margin: { l: 50, r: 20, t: 34, b: 40 }, title: { text: "years to service" } }, PLOT);
}

// ------------------------------------------------------------------ scenarios side by side
async function loadSide() {
  const { doc } = await api("/api/compare", { s: S.sid, values: S.values });
  const t = $("side");
  t.tHead.innerHTML = ""; t.tBodies[0].innerHTML = "";
  if (!doc.metrics) { t.tBodies[0].insertRow().insertCell().textContent = doc.error || "error"; return; }
  const hr = t.tHead.insertRow();
  for (const h of ["scenario", "architecture", ...doc.metrics.map((m) => `${m.name} [${m.unit}]`)]) { const th = document.createElement("th"); th.textContent = h; hr.appendChild(th); }
  for (const r of doc.rows) {
    const tr = t.tBodies[0].insertRow();
    tr.insertCell().textContent = r.scenario;
    tr.insertCell().textContent = r.architecture || "";
    if (r.error) { const td = tr.insertCell(); td.colSpan = doc.metrics.length; td.className = "err"; td.textContent = r.error; continue; }
    for (const m of doc.metrics) {
      const td = tr.insertCell(); const c = r.cells[m.name];
      td.textContent = c ? c.t : "-";
      if (c) { td.dataset.value = String(c.v); td.dataset.metric = m.name; td.dataset.arch = r.architecture; td.dataset.scenario = r.scenario; }
    }
  }
}

// ------------------------------------------------------------------ bridge
function fillBridgeChoices(doc) {
  const ms = $("bridge-metric"), as = $("bridge-arch");
  if (!ms.options.length) for (const m of ["cost.per_pflop_day", "cost.capex", "cost.opex", "mass.total", "latency.p50", "time.years_to_service", "cost.per_kwh"]) ms.add(new Option(m, m));
  const keep = as.value;
  as.innerHTML = "";
  for (const a of doc.architectures) as.add(new Option(a.instance, a.instance));
  if (keep) as.value = keep;
  if (!as.value && doc.architectures.length) as.value = (doc.architectures.find((a) => a.instance !== doc.baseline) || doc.architectures[0]).instance;
}

async function loadBridge() {
  $("bridge-msg").textContent = "computing…";
  const { doc } = await api("/api/bridge", { s: S.sid, values: S.values, metric: $("bridge-metric").value, architecture: $("bridge-arch").value });
  const t = $("bridge-table");
  t.tHead.innerHTML = ""; t.tBodies[0].innerHTML = "";
  if (doc.errors) { $("bridge-msg").textContent = Object.values(doc.errors).join("\n"); return; }
  if (!doc.available || doc.error) { $("bridge-msg").textContent = doc.message || doc.error || "no bridge"; return; }
  const res = doc.results[0];
  if (!res) { $("bridge-msg").textContent = "nothing to bridge"; return; }
  const rows = res.inputs || [];
  $("bridge-msg").textContent = rows.length
    ? `${res.metric} of ${res.architecture}: from ${fmt(res.a)} ${res.unit} (file) to ${fmt(res.b)} ${res.unit} (current); ${res.method}; `
      + `interaction remainder ${fmt(res.interaction)} ${res.unit}` + (res.notes.length ? "; " + res.notes.join("; ") : "")
    : "the current state equals the file: nothing differs";
  if (!rows.length) { Plotly.purge("chart-bridge"); return; }
  const cols = Object.keys(rows[0]);
  const hr = t.tHead.insertRow();
  for (const c of cols) { const th = document.createElement("th"); th.textContent = c; hr.appendChild(th); }
  for (const r of rows) {
    const tr = t.tBodies[0].insertRow();
    for (const c of cols) { const td = tr.insertCell(); const v = r[c]; td.textContent = typeof v === "number" ? fmt(v) : String(v ?? ""); if (typeof v === "number") td.dataset.value = String(v); td.dataset.col = c; }
  }
  const label = "input", share = "shapley";
  Plotly.react("chart-bridge", [{ type: "waterfall", orientation: "v",
    x: ["file", ...rows.map((r) => String(r[label])), "current"],
    measure: ["absolute", ...rows.map(() => "relative"), "total"],
    y: [res.a, ...rows.map((r) => r[share]), res.b] }],
  { ...LAYOUT, height: 380, margin: { l: 60, r: 20, t: 34, b: 140 }, title: { text: `bridge of ${res.metric} (${res.unit}): Shapley share of each input` } }, PLOT);
}

// ------------------------------------------------------------------ sweeps
let sweepMeta = null;
async function loadSweep() {
  const id = Number($("sweep-folder").value || 0);
  const { doc } = await api(`/api/sweep/${id}`);
  if (!doc.metrics) { $("sweep-msg").textContent = doc.error || "error"; return; }
  sweepMeta = doc;
  const fill = (sel, items, pick) => { sel.innerHTML = ""; for (const i of items) sel.add(new Option(i, i)); if (pick && items.includes(pick)) sel.value = pick; };
  fill($("sweep-metric"), doc.metrics, "cost.per_pflop_day");
  fill($("sweep-metric2"), ["", ...doc.metrics], doc.metrics.includes("latency.p50") ? "latency.p50" : "");
  const dims = doc.dims.map((d) => d.key);
  fill($("sweep-x"), ["", ...dims], dims[0] || "");
  fill($("sweep-y"), ["", ...dims], dims[1] || "");
  fill($("sweep-arch"), doc.architectures, doc.architectures[0]);
  const box = $("sweep-filters");
  box.innerHTML = "";
  const archs = document.createElement("span");
  for (const a of doc.architectures) {
    const l = document.createElement("label"); const c = document.createElement("input");
    c.type = "checkbox"; c.checked = true; c.dataset.filterArch = a; c.addEventListener("change", viewSweep);
    l.append(c, " " + a + " "); archs.appendChild(l);
  }
  box.appendChild(archs);
  for (const d of doc.dims) {
    const l = document.createElement("label");
    l.textContent = `${d.key} [${d.unit}] `;
    for (const [end, v] of [["lo", d.low], ["hi", d.high]]) {
      const i = document.createElement("input"); i.type = "number"; i.step = "any"; i.value = String(v);
      i.dataset.filter = d.key; i.dataset.end = end; i.addEventListener("change", viewSweep);
      l.appendChild(i);
    }
    box.appendChild(l);
  }
  $("sweep-msg").textContent = `${doc.name}: ${doc.scenario}; ${doc.method}, ${doc.points.toLocaleString("en-US")} points, ${doc.rows.toLocaleString("en-US")} rows (seed ${doc.seed})`;
  await viewSweep();
}

function scaleOf(key) {
  const d = sweepMeta && sweepMeta.dims.find((x) => x.key === key);
  return d && d.scale === "log" ? "log" : "linear";
}

function sweepRequest() {
  const filters = {};
  const archs = [...document.querySelectorAll("[data-filter-arch]")].filter((c) => c.checked).map((c) => c.dataset.filterArch);
  if (sweepMeta && archs.length !== sweepMeta.architectures.length) filters.architectures = archs;
  for (const d of (sweepMeta ? sweepMeta.dims : [])) {
    const lo = document.querySelector(`[data-filter="${CSS.escape(d.key)}"][data-end="lo"]`);
    const hi = document.querySelector(`[data-filter="${CSS.escape(d.key)}"][data-end="hi"]`);
    if (Number(lo.value) !== d.low || Number(hi.value) !== d.high) filters[d.key] = [Number(lo.value), Number(hi.value)];
  }
  return { metric: $("sweep-metric").value, metric2: $("sweep-metric2").value || null, x: $("sweep-x").value || null,
    y: $("sweep-y").value || null, architecture: $("sweep-arch").value, filters };
}

async function viewSweep() {
  const id = Number($("sweep-folder").value || 0);
  const req = sweepRequest();
  const { status, doc } = await api(`/api/sweep/${id}/view`, req);
  const t = $("sweep-summary");
  t.tHead.innerHTML = ""; t.tBodies[0].innerHTML = "";
  if (status !== 200) { $("sweep-msg").textContent = doc.error || `error ${status}`; return; }
  const stats = ["n", "p5", "p50", "p95", "mean"];
  const hr = t.tHead.insertRow();
  for (const h of ["architecture", ...stats]) { const th = document.createElement("th"); th.textContent = h === "n" ? "valid rows" : `${h} ${doc.metric}`; hr.appendChild(th); }
  for (const [a, s] of Object.entries(doc.summary)) {
    const tr = t.tBodies[0].insertRow();
    tr.insertCell().textContent = a;
    for (const k of stats) { const td = tr.insertCell(); td.textContent = k === "n" ? s.n.toLocaleString("en-US") : fmt(s[k]); td.dataset.arch = a; td.dataset.stat = k; td.dataset.value = String(s[k]); }
  }
  if (typeof Plotly !== "undefined") {
    if (doc.histogram) {
      const e = doc.histogram.edges;
      const centres = e.slice(0, -1).map((x, i) => doc.histogram.log ? Math.sqrt(x * e[i + 1]) : (x + e[i + 1]) / 2);
      Plotly.react("chart-hist", Object.entries(doc.histogram.counts).map(([a, c]) => ({ type: "bar", name: a, x: centres, y: c, opacity: 0.75 })),
        { ...LAYOUT, margin: { l: 50, r: 20, t: 34, b: 40 }, barmode: "overlay", title: { text: `distribution of ${doc.metric} (${doc.rows.toLocaleString("en-US")} valid rows)` },
          xaxis: { type: doc.histogram.log ? "log" : "linear" } }, PLOT);
    } else Plotly.purge("chart-hist");
    if (doc.heatmap) {
      const h = doc.heatmap;
      Plotly.react("chart-heat", [{ type: "heatmap", x: h.xs, y: h.ys, z: h.z, colorscale: "Viridis", hovertemplate: `${h.x} %{x:.4g}<br>${h.y} %{y:.4g}<br>median ${doc.metric} %{z:.4g}<extra></extra>` }],
        { ...LAYOUT, margin: { l: 70, r: 20, t: 34, b: 50 }, title: { text: `median ${doc.metric} of ${h.architecture}` },
          xaxis: { title: { text: h.x }, type: scaleOf(h.x) }, yaxis: { title: { text: h.y }, type: scaleOf(h.y) } }, PLOT);
    } else Plotly.purge("chart-heat");
    if (doc.pareto) {
      const p = doc.pareto;
      Plotly.react("chart-pareto", Object.entries(p.fronts).map(([a, f]) => ({ type: "scatter", mode: "lines+markers", name: `${a} (${f.size})`,
        x: f.points.map((q) => q.x), y: f.points.map((q) => q.y), line: { shape: "hv" },
        customdata: f.points.map((q) => Object.entries(q.inputs).map(([k, v]) => `${k} = ${fmt(v)}`).join("<br>")),
        hovertemplate: `${p.metric} %{x:.4g}<br>${p.metric2} %{y:.4g}<br>%{customdata}<extra>${a}</extra>` })),
      { ...LAYOUT, margin: { l: 60, r: 20, t: 34, b: 50 }, title: { text: "Pareto front of each architecture (both minimised)" }, xaxis: { type: "log", title: { text: p.metric } }, yaxis: { type: "log", title: { text: p.metric2 } } }, PLOT);
    } else Plotly.purge("chart-pareto");
  }
  S.sweepUpdates += 1;
  t.dataset.updates = String(S.sweepUpdates);
}

// ------------------------------------------------------------------ start
function showTab(name) {
  S.tab = name;
  for (const b of document.querySelectorAll("#tabs button")) b.classList.toggle("active", b.dataset.tab === name);
  for (const t of document.querySelectorAll(".tab")) t.hidden = t.id !== `tab-${name}`;
  if (name === "side") loadSide();
  if (name === "sweep" && !sweepMeta) loadSweep();
  if (typeof Plotly !== "undefined") window.dispatchEvent(new Event("resize"));
}

async function loadScenario(sid, urlValues) {
  S.sid = sid;
  const { status, doc } = await api(`/api/form?s=${sid}`);
  if (status !== 200) { $("form-errors").textContent = doc.error || Object.values(doc.errors || {}).join("\n"); return; }
  buildForm(doc, urlValues);
  await evaluate();
}

async function init() {
  const params = new URLSearchParams(location.search);
  const { doc } = await api("/api/session");
  S.session = doc;
  for (const b of document.querySelectorAll("#tabs button")) b.addEventListener("click", () => showTab(b.dataset.tab));
  $("all-metrics").addEventListener("change", () => { S.sent = null; schedule(); });
  $("bridge-go").addEventListener("click", loadBridge);
  $("reset").addEventListener("click", () => { loadScenario(S.sid, {}); });
  $("find").addEventListener("input", () => {
    const q = $("find").value.trim().toLowerCase();
    for (const row of document.querySelectorAll(".field")) row.hidden = q && !row.dataset.search.includes(q);
    if (q) for (const d of document.querySelectorAll("details.group")) d.open = !!d.querySelector(".field:not([hidden])");
  });
  if (doc.sweeps.length) {
    document.querySelector('[data-tab="sweep"]').hidden = false;
    for (const s of doc.sweeps) $("sweep-folder").add(new Option(s.name, String(s.id)));
    for (const id of ["sweep-folder"]) $(id).addEventListener("change", () => { sweepMeta = null; loadSweep(); });
    for (const id of ["sweep-metric", "sweep-metric2", "sweep-x", "sweep-y", "sweep-arch"]) $(id).addEventListener("change", viewSweep);
  }
  if (!doc.scenarios.length) {
    $("inputs").hidden = true; $("download").hidden = true; $("reset").hidden = true;
    for (const t of ["compare", "side", "bridge"]) document.querySelector(`[data-tab="${t}"]`).hidden = true;
    showTab("sweep");
    return;
  }
  if (doc.scenarios.length > 1) {
    $("scenario-pick").hidden = false;
    for (const s of doc.scenarios) $("scenario").add(new Option(`${s.label} (${s.file})`, String(s.id)));
    $("scenario").addEventListener("change", () => loadScenario(Number($("scenario").value), {}));
  }
  const sid = Number(params.get("s") || 0);
  $("scenario").value = String(sid);
  const urlValues = {};
  for (const [k, v] of params) if (k !== "s" && k !== "token") urlValues[k] = v;
  await loadScenario(sid, urlValues);
}

document.addEventListener("DOMContentLoaded", init);
