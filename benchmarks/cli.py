"""Target 1: ``sandbox --help`` and ``sandbox plugins`` median ≤ 0.3 s (subprocess wall time)."""

from __future__ import annotations

import sys

from . import TARGETS
from ._util import env_with, interleaved, median, sandbox_command, wall


def run(repeat: int = 7) -> dict:
    sb = sandbox_command()
    warm = env_with()
    cold = env_with(SANDBOX_CLI_CACHE="0")
    wall(sb + ["--help"], warm)  # populate the plugin-listing cache (as any first use after install does)
    wall(sb + ["plugins"], warm)
    times = interleaved(
        {
            "python -c pass": ([sys.executable, "-c", "pass"], warm),
            "sandbox --help": (sb + ["--help"], warm),
            "sandbox plugins": (sb + ["plugins"], warm),
            "sandbox --help (no cache)": (sb + ["--help"], cold),
            "sandbox plugins (no cache)": (sb + ["plugins"], cold),
        },
        repeat,
    )
    med = {k: median(v) for k, v in times.items()}
    limit = TARGETS["cli_median_s"]
    return {
        "repeat": repeat,
        "medians_s": med,
        "samples_s": times,
        "speedup_help": med["sandbox --help (no cache)"] / med["sandbox --help"],
        "speedup_plugins": med["sandbox plugins (no cache)"] / med["sandbox plugins"],
        "target_s": limit,
        "met": med["sandbox --help"] <= limit and med["sandbox plugins"] <= limit,
    }


def report(r: dict) -> list[str]:
    m = r["medians_s"]
    lines = [f"[1] CLI start-up, median of {r['repeat']} subprocess runs (target ≤ {r['target_s']} s)"]
    for k, v in m.items():
        lines.append(f"    {k:<30} {v:6.3f} s")
    lines.append(f"    cache speed-up: --help ×{r['speedup_help']:.1f}, plugins ×{r['speedup_plugins']:.1f}"
                 f"  -> target {'MET' if r['met'] else 'NOT met'}")
    return lines
