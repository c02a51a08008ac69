"""How numbers are shown: the terminal table's metrics and the number format every output shares."""

from __future__ import annotations

import math

#: Metrics shown in the terminal table, in order (everything is in --format json/csv).
TABLE_METRICS = (
    "compute.delivered", "compute.chips", "power.load", "power.array_area", "thermal.radiator_area",
    "mass.total", "launch.flights", "cost.capex", "cost.opex", "cost.per_pflop_day", "cost.per_pflop_day.vs_baseline",
    "cost.per_gpu_hour", "cost.per_kwh", "energy.use", "water.use", "radiation.dose_rate", "life.effective",
    "latency.p50", "latency.p95", "time.years_to_service",
)


def fmt(value: float) -> str:
    """A number as the table shows it: thousands separators, 3 significant digits, scientific when huge or tiny."""
    if value == 0:
        return "0"
    if not math.isfinite(value):
        return str(value)
    a = abs(value)
    if a >= 1e6 or a < 1e-3:
        return f"{value:.3g}"
    if a >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"
