"""Benchmarks of the performance targets (docs/benchmarks.md): one command prints every figure.

    .venv/bin/python -m benchmarks            # everything (~2-3 min on 2 cores)
    .venv/bin/python -m benchmarks --only cli,kernel --repeat 5 --json out.json

Figures, each measured side by side with its reference in the same run (these machines are
noisy, so ratios and differences are taken between interleaved repetitions, and medians are
reported):

1. ``cli``: ``sandbox --help`` and ``sandbox plugins`` wall time (subprocesses), with the
   plugin-listing cache and without it (``SANDBOX_CLI_CACHE=0``), next to a bare interpreter.
2. ``run``: a warm ``sandbox run scenarios/default.toml`` against the import time of exactly the
   libraries that run imports (recorded from the run itself, imported in a fresh interpreter).
3. ``kernel``: :func:`sandbox.trajectory.constellation_day` on 2,800 satellites × 1,440 steps
   × 12 stations, with secular J2 (the default) and two-body, against the orbit library's own
   propagation (per satellite over the time array, and per satellite per step), its agreement with
   the library (two-body: positions, shadow, visibility; J2: positions against the library's Cowell
   J2 propagation over a day, ≤ 10 km), and the memory of 10,000 satellites (peak RSS and
   tracemalloc, in a subprocess).
4. ``sweep``: 10^6 LEO evaluations in one process; Dask with 2 workers against 1 (benchmarks/sweep.py).
5. ``serve``: ``sandbox serve`` in a real browser (Playwright, Debian's Chromium): input to updated
   table for one-parameter changes of the default scenario, p50/p95 (benchmarks/serve.py).

Only what ``make`` installs is needed (the package, numpy, astropy, boinor and its numba).
Speed targets live here, never in the test suite; ``tests/test_trajectory_kernel.py`` checks the
kernel's numbers.
"""

TARGETS = {
    "cli_median_s": 0.3,
    "run_above_imports_s": 0.5,
    "kernel_sat_steps_per_s": 10e6,
    "kernel_vs_library": 100.0,
    "kernel_agreement_km": 1.0,
    "kernel_j2_agreement_km": 10.0,
    "kernel_10k_peak_rss_mb": 1024.0,
    "serve_p95_ms": 150.0,
}
