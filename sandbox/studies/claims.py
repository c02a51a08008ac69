"""Published claims next to the project's figures, and the validation page built from them.

A scenario with a ``[claim]`` table (:mod:`sandbox.core.claim`) states a published position's
inputs and its headline figures. :func:`compare` puts each claimed figure next to the value the
ledger gives with those same inputs; :func:`validation_page` writes ``docs/validation.md`` for a
set of claims files: for each one its stated inputs, its figures, the reproduction, the gap, the
notes on inputs that are inconsistent, and the bridge (:mod:`sandbox.studies.bridge`) from the
scenario it names in ``bridge_from`` (the default comparison unless it says otherwise).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import astropy.units as u

from sandbox.core.claim import DEFAULT_BAND, ClaimedFigure

#: The bridge each claim gets in the validation page: this metric, from the default comparison.
BRIDGE_METRIC = "cost.per_pflop_day"
#: ``bridge_from`` value of a claim whose page section has no bridge (figures that are not costs).
NO_BRIDGE = "none"


#: Published positions quoted in the press whose primary text could not be found: listed on the validation
#: page so that nobody mistakes their absence for an oversight, and not reproduced (no stated inputs to use).
UNSOURCED = (
    "ABI Research: orbital data centres \"≥10× more expensive\" than terrestrial ones. ABI's published material on "
    "orbital data centres (A. Cavalier, 'Data centers in space', 2026) gives forecasts of their number and capacity, "
    "not this ratio.",
    "Novaspace: \"2.7× the cost at $1,000/kg\". No Novaspace text with this figure was found.",
)


class ClaimError(Exception):
    """A claimed figure cannot be compared (unknown metric, incompatible unit); names the file and key."""


@dataclass
class ClaimRow:
    """One claimed figure and the project's value for it, both in the metric's display unit."""

    figure: ClaimedFigure
    unit: str
    claimed: float
    low: float
    high: float
    project: float
    error: str = ""

    @property
    def claimed_text(self) -> str:
        """The claimed figure as the page shows it: in the metric's unit, or as the file writes it when the
        architecture failed (its metric's unit is then not known)."""
        from sandbox.output.format import fmt

        return f"{self.figure.claimed}" if self.error else f"{fmt(self.claimed)} {self.unit}".rstrip()

    @property
    def ratio(self) -> float:
        """Project ÷ claimed (NaN when the claim is 0 or the architecture failed)."""
        return self.project / self.claimed if self.claimed and math.isfinite(self.project) else math.nan

    @property
    def within(self) -> bool:
        return math.isfinite(self.project) and self.low <= self.project <= self.high


def _unit(text: str) -> u.UnitBase:
    if text in ("", "x"):
        return u.dimensionless_unscaled
    with warnings.catch_warnings():  # display units such as "kWh/m2/yr" (several slashes: astropy warns, parses right)
        warnings.simplefilter("ignore", u.UnitsWarning)
        return u.Unit(text.replace("PFLOP/s", "PFLOP / s"))


def _value(raw: Any, unit: str, where: str) -> float:
    if not isinstance(raw, str):
        return float(raw)
    try:
        q = u.Quantity(raw.strip())
        return float(q.to_value(_unit(unit)))
    except (TypeError, ValueError, u.UnitsError):
        raise ClaimError(f"{where}: {raw!r} does not convert to the metric's unit ({unit or 'no unit'})") from None


def compare(result: Any) -> list[ClaimRow]:
    """The claimed figures of ``result``'s scenario next to the run's values (empty without a claim)."""
    claim = result.scenario.claim
    if claim is None:
        return []
    rows = []
    for i, fig in enumerate(claim.figures):
        where = f"{result.scenario.path}: claim.figures[{i}]"
        if fig.architecture in result.failures:
            rows.append(ClaimRow(fig, "", math.nan, math.nan, math.nan, math.nan, result.failures[fig.architecture]))
            continue
        ledger = result.ledgers.get(fig.architecture)
        metric = next((m for m in ledger.metrics if m.name == fig.metric), None) if ledger else None
        if metric is None:
            import difflib

            names = [m.name for m in ledger.metrics] if ledger else []
            close = difflib.get_close_matches(fig.metric, names, n=1)
            raise ClaimError(f"{where}.metric: {fig.architecture} has no metric {fig.metric!r}"
                             + (f"; did you mean {close[0]!r}?" if close else ""))
        claimed = _value(fig.claimed, metric.unit, f"{where}.claimed")
        if fig.low is not None:
            low, high = _value(fig.low, metric.unit, f"{where}.low"), _value(fig.high, metric.unit, f"{where}.high")
        else:
            low, high = sorted((claimed * (1 - DEFAULT_BAND), claimed * (1 + DEFAULT_BAND)))
        rows.append(ClaimRow(fig, metric.unit, claimed, low, high, float(metric.value)))
    return rows


def table(rows: list[ClaimRow], claim: Any) -> str:
    """The claimed figures next to the project's, as text."""
    from sandbox.output.format import fmt

    lines = [f"claim: {claim.title}", f"  source: {claim.source}"]
    head = ["figure", "unit", "claimed", "band", "project", "project ÷ claimed", "within band"]
    body = []
    for r in rows:
        name = f"{r.figure.architecture}: {r.figure.metric}" + (f" ({r.figure.what})" if r.figure.what else "")
        if r.error:
            body.append([name, r.unit, r.claimed_text, "", "failed", "", r.error])
            continue
        body.append([name, r.unit, fmt(r.claimed), f"{fmt(r.low)} – {fmt(r.high)}", fmt(r.project),
                     "–" if math.isnan(r.ratio) else f"{r.ratio:.3g}×", "yes" if r.within else "NO"])
    widths = [max(len(str(x[i])) for x in [head, *body]) for i in range(len(head))]
    lines.append("  " + "  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)))
    lines.append("  " + "  ".join("-" * w for w in widths))
    lines += ["  " + "  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) for row in body]
    lines += [f"  note: {n}" for n in claim.notes]
    return "\n".join(lines)


def records(rows: list[ClaimRow]) -> list[dict[str, Any]]:
    """The comparison as JSON-ready records."""
    return [{"architecture": r.figure.architecture, "metric": r.figure.metric, "what": r.figure.what, "unit": r.unit,
             "claimed": r.claimed, "low": r.low, "high": r.high, "project": r.project, "ratio": r.ratio,
             "within": r.within, "error": r.error} for r in rows]


# ----------------------------------------------------------------------------- docs/validation.md
def bridge_source(scenario: Any) -> Path:
    """The scenario a claims file is bridged from: ``claim.bridge_from`` (relative to the file), else the default."""
    here = Path(scenario.path).parent
    named = scenario.claim.bridge_from if scenario.claim else ""
    return (here / named) if named else here.parent / "default.toml"


def validation_page(paths: list[str | Path], registry: Any, shown_root: Path | None = None) -> str:
    """docs/validation.md for the claims files at ``paths`` (Markdown; every number from a run or a bridge)."""
    return validation(paths, registry, shown_root)[0]


def validation(paths: list[str | Path], registry: Any, shown_root: Path | None = None) -> tuple[str, list[str]]:
    """The validation page (:func:`validation_page`) and one line per claimed figure whose architecture failed
    (``sandbox claims`` prints them and exits 1, as ``sandbox run`` does for a failed architecture)."""
    from sandbox.core.scenario import load_scenario
    from sandbox.ledger.engine import evaluate
    from sandbox.output.format import fmt
    from sandbox.studies.bridge import bridge

    root = shown_root or Path.cwd()
    out = ["# Validation: published claims, reproduced",
           "",
           "Generated by `sandbox claims scenarios/claims/*.toml --write docs/validation.md` (`make validation`); a test",
           "regenerates it and fails when it is stale. Each claims file quotes a published position, states its",
           "inputs as scenario overrides, and names its headline figures. For each: the inputs it states, the",
           "project's figure with those same inputs next to the claimed one, the notes on inputs that are",
           "inconsistent (and by how much), and the bridge from the default comparison to the claim, which",
           f"attributes the change of `{BRIDGE_METRIC}` to the inputs the claim changes (`sandbox bridge`).",
           ""]
    summary = ["| claim | figure | claimed | project | within its band |", "|---|---|---|---|---|"]
    sections = []
    failures: list[str] = []
    for path in sorted(Path(p) for p in paths):
        scenario = load_scenario(path, registry)
        claim = scenario.claim
        if claim is None:
            continue
        shown = _rel(path, root)
        result = evaluate(scenario, registry)
        rows = compare(result)
        sec = [f"## {claim.title}", "", f"File: `{shown}`. Source: {claim.source}" + (f" ({claim.url})" if claim.url else ""), ""]
        if claim.quote:
            sec += [f"> {claim.quote}", ""]
        sec += ["**Stated inputs**", ""] + _stated_inputs(scenario) + [""]
        sec += ["**Headline figures**", "", "| figure | claimed | band | project | project ÷ claimed | within |",
                "|---|---|---|---|---|---|"]
        for r in rows:
            name = f"{r.figure.architecture}: `{r.figure.metric}`" + (f" ({r.figure.what})" if r.figure.what else "")
            if r.error:
                sec.append(f"| {name} | {r.claimed_text} | | failed: {r.error} | | |")
                summary.append(f"| [{claim.title}](#{_anchor(claim.title)}) | {r.figure.architecture}: `{r.figure.metric}` | "
                               f"{r.claimed_text} | failed | – |")
                failures.append(f"{shown}: {r.error}")
                continue
            ratio = "–" if math.isnan(r.ratio) else f"{r.ratio:.3g}×"
            sec.append(f"| {name} | {fmt(r.claimed)} {r.unit} | {fmt(r.low)} – {fmt(r.high)} | {fmt(r.project)} {r.unit} "
                       f"| {ratio} | {'yes' if r.within else '**no**'} |")
            summary.append(f"| [{claim.title}](#{_anchor(claim.title)}) | {r.figure.architecture}: `{r.figure.metric}` | "
                           f"{fmt(r.claimed)} {r.unit} | {fmt(r.project)} {r.unit} | {'yes' if r.within else '**no**'} |")
        sec.append("")
        if claim.notes:
            sec += ["**Inputs that do not hold together**" if any("inconsistent" in n for n in claim.notes) else "**Notes**",
                    ""] + [f"- {n}" for n in claim.notes] + [""]
        if claim.bridge_from == NO_BRIDGE:
            sections += [*sec, f"**Bridge**: none (`bridge_from = \"{NO_BRIDGE}\"`: the claim's figures are not costs).", ""]
            continue
        source = bridge_source(scenario)
        arches = sorted({f.architecture for f in claim.figures})
        sec += [f"**Bridge from `{_rel(source, root)}`** (`sandbox bridge {_rel(source, root)} {shown}`)", ""]
        base = load_scenario(source, registry)
        for arch in arches:
            try:
                (res,) = bridge(base, scenario, registry, metric=BRIDGE_METRIC, architecture=arch)
            except Exception as exc:  # noqa: BLE001 - reported on the page rather than hidden
                sec += [f"- {arch}: no bridge ({exc})", ""]
                continue
            note = f" (from `{res.paired_from}`)" if res.paired_from else ""
            sec.append(f"- {arch}{note}: `{BRIDGE_METRIC}` {fmt(res.a_value)} → {fmt(res.b_value)} {res.unit} "
                       f"({res.method}; {100 * res.attributed:.0f} % attributed to named inputs; interaction "
                       f"{fmt(res.interaction)}).")
            top = [r for r in res.rows() if r["shapley"]][:5]
            sec += [f"  - `{r['input']}` {r['a']} → {r['b']}: {'+' if r['shapley'] > 0 else ''}{fmt(r['shapley'])} "
                    f"({100 * r['share']:.0f} %)" for r in top]
            sec += [f"  - note: {n}" for n in res.notes if not n.startswith("A's ")]  # the pairing: "(from ...)" above
            sec.append("")
        sections += sec
    unsourced = ["## Claims we could not source", "",
                 "Quoted in coverage of orbital data centres, but no primary text with the figure was found, so they have no",
                 "claims file (a claims file states the claim's own inputs):", ""] + [f"- {u}" for u in UNSOURCED]
    return "\n".join([*out, *summary, "", *sections, *unsourced]).rstrip() + "\n", failures


def _stated_inputs(scenario: Any) -> list[str]:
    from sandbox.output.format import fmt

    lines = []
    for name, s in scenario.overrides.models.items():
        lines.append(f"- `models.{name}` = {fmt(s.nominal)} {s.unit}".rstrip() + (f" ({s.source})" if s.source else ""))
    for (kind, entry), fields in scenario.overrides.catalogue.items():
        cited = fields.get("sources", {})
        for fname, value in fields.items():
            if fname in ("sources", "ranges"):
                continue
            shown = ", ".join(f"{k} = {fmt(v)}" for k, v in value.items()) if isinstance(value, dict) else (
                fmt(value) if isinstance(value, float) else str(value))
            lines.append(f"- `catalogue.{kind}.{entry}.{fname}` = {shown}" + (f" ({cited[fname]})" if fname in cited else ""))
    for run in scenario.architectures:
        table = scenario.raw.get("architectures", {}).get(run.instance, {})
        for pname, value in table.items():
            if pname != "type":
                lines.append(f"- `{run.instance}.{pname}` = {value}")
    for group in ("workload", "assumptions"):
        for key, value in (scenario.raw.get(group) or {}).items():
            lines.append(f"- `{group}.{key}` = {value}")
    return lines or ["- (none: the defaults)"]


def _rel(path: Path, root: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def _anchor(title: str) -> str:
    keep = "".join(c.lower() if c.isalnum() else ("-" if c in " -" else "") for c in title)
    return keep
