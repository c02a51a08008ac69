"""Warm ``sandbox run scenarios/default.toml``: ≤ 1.0 s of wall time (and, as before, ≤ 0.5 s above
the import time of the libraries it needs), measured in the same benchmark run as its references:
the same run with the trajectory memo off (``SANDBOX_ORBIT_MEMO=0``: the orbit library, numba,
scipy and astropy's time and coordinates imported and evaluated, as every run did before the memo
covered bodies, eclipses, the Earth's rotation and interplanetary arcs), the same run through
Python's full teardown (``SANDBOX_FULL_EXIT=1``: the console script otherwise ends with
``os._exit`` once its exit handlers have run) and a bare interpreter.

"The libraries it needs" are recorded from the run itself: a first run lists every module in
``sys.modules`` at exit that does not belong to this project (the ``sandbox`` package, the
plugins, the example plugin); the baseline is a fresh interpreter importing exactly those
modules in the same order (after the adapter's numba-cache set-up, as the run does) and leaving as
the console script does.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from . import TARGETS
from ._util import ROOT, env_with, median, sandbox_command, wall

SCENARIO = "scenarios/default.toml"

_RECORD = r"""
import atexit, json, sys
out = sys.argv.pop(1)
def dump():
    mods = []
    for name, m in list(sys.modules.items()):
        f = getattr(m, "__file__", None) or ""
        mods.append([name, f])
    with open(out, "w") as fh:
        json.dump(mods, fh)
atexit.register(dump)
from sandbox.cli import main
sys.argv = ["sandbox", "run", sys.argv[1]]
main()
"""

# Import, in order, the library modules a real run imported (their names are in argv[1]).
_IMPORTS = r"""
import importlib, json, sys
from sandbox.trajectory import enable_numba_cache  # numpy only; sets NUMBA_CACHE_DIR as the run does
enable_numba_cache()
for name in json.load(open(sys.argv[1])):
    try:
        importlib.import_module(name)
    except Exception:
        pass
"""
# ... and leave as the console script does (exit handlers, then os._exit: no interpreter teardown),
# so that the baseline and the run are compared on the same footing.
_BASELINE = _IMPORTS + r"""
import atexit, os
atexit._run_exitfuncs()
os._exit(0)
"""

_PHASES = _IMPORTS + r"""
import cProfile, pstats, time
phases = {}
t = time.perf_counter()
from sandbox.output import report
from sandbox.ledger.engine import evaluate
from sandbox.core.registry import load
from sandbox.core.scenario import load_scenario
phases["import sandbox modules"] = time.perf_counter() - t
t = time.perf_counter(); reg = load(); phases["load plugins (import plugin modules, register)"] = time.perf_counter() - t
t = time.perf_counter(); sc = load_scenario(sys.argv[2], reg); phases["load and validate scenario"] = time.perf_counter() - t
prof = cProfile.Profile()
t = time.perf_counter(); prof.enable(); res = evaluate(sc, reg); prof.disable(); phases["evaluate (all architectures)"] = time.perf_counter() - t
t = time.perf_counter(); report.table(res); phases["format table"] = time.perf_counter() - t
st = pstats.Stats(prof)
rows = []
for (file, line, fn), (cc, nc, tt, ct, callers) in st.stats.items():
    if "/plugins/" in file or "/sandbox/" in file:
        short = file.split("/plugins/")[-1] if "/plugins/" in file else "sandbox/" + file.split("/sandbox/")[-1]
        if "/plugins/" in file:
            short = "plugins/" + short
        rows.append((ct, nc, f"{short}:{line}({fn})"))
rows.sort(reverse=True)
print(json.dumps({"phases": phases, "top": rows[:25]}))
"""


def _numba_cache_files() -> dict[str, int]:
    import os

    from sandbox.trajectory import numba_cache_dir

    root = Path(os.environ.get("NUMBA_CACHE_DIR") or numba_cache_dir())
    if not root.exists():
        return {}
    return {str(p): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file() and "sandbox-memo" not in p.parts}


def run(repeat: int = 5) -> dict:
    # as installed: bytecode cached (a shell with PYTHONDONTWRITEBYTECODE=1 would compile the project's
    # modules from source in every process, ≈ 0.3 s); the warm-up runs below write __pycache__
    env = env_with(PYTHONDONTWRITEBYTECODE=None)
    tmp = Path(tempfile.mkdtemp(prefix="sandbox-bench-"))
    rec = tmp / "modules.json"
    # first run: records the modules; may compile numba kernels if this is the first run after install
    first = wall([sys.executable, "-c", _RECORD, str(rec), SCENARIO], env)
    project = (str(ROOT / "sandbox"), str(ROOT / "plugins"), str(ROOT / "examples"))
    mods = [name for name, f in json.loads(rec.read_text())
            if not name.startswith(("sandbox", "__main__")) and not (f and f.startswith(project))]
    libs = tmp / "libs.json"
    libs.write_text(json.dumps(mods))
    top_level = sorted({m.split(".")[0] for m in mods if not m.startswith("_")})

    sb = sandbox_command()
    wall(sb + ["run", SCENARIO], env)  # one more warm-up (disk caches)
    before = _numba_cache_files()
    base, runs, memo_off, bare, full = [], [], [], [], []
    off = env_with(SANDBOX_ORBIT_MEMO="0", PYTHONDONTWRITEBYTECODE=None)
    full_exit = env_with(SANDBOX_FULL_EXIT="1", PYTHONDONTWRITEBYTECODE=None)
    for _ in range(repeat):  # interleaved rounds
        bare.append(wall([sys.executable, "-c", "pass"], env))
        base.append(wall([sys.executable, "-c", _BASELINE, str(libs)], env))
        runs.append(wall(sb + ["run", SCENARIO], env))
        memo_off.append(wall(sb + ["run", SCENARIO], off))
        full.append(wall(sb + ["run", SCENARIO], full_exit))
    after = _numba_cache_files()
    written = sorted(p for p, m in after.items() if before.get(p) != m)

    phases = subprocess.run([sys.executable, "-c", _PHASES, str(libs), SCENARIO], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    breakdown = json.loads(phases.stdout) if phases.returncode == 0 else {"error": phases.stderr[-800:]}

    diffs = [r - b for r, b in zip(runs, base, strict=True)]
    above = median(runs) - median(base)
    limit = TARGETS["run_above_imports_s"]
    heavy = sorted({m.split(".")[0] for m in mods} & {"scipy", "numba", "llvmlite", "boinor", "poliastro", "erfa", "pandas",
                                                        "pyarrow", "matplotlib"})
    heavy += sorted(m for m in ("astropy.time", "astropy.coordinates", "astropy.table") if m in mods)
    return {
        "bare_python_s": bare,
        "memo_off_s": memo_off,
        "memo_off_median_s": median(memo_off),
        "full_exit_s": full,
        "full_exit_median_s": median(full),
        "bare_python_median_s": median(bare),
        "heavy_modules_imported": heavy,
        "run_wall_target_s": TARGETS["run_wall_s"],
        "wall_met": median(runs) <= TARGETS["run_wall_s"],
        "repeat": repeat,
        "first_run_s": first,
        "run_s": runs,
        "imports_s": base,
        "run_median_s": median(runs),
        "imports_median_s": median(base),
        "above_imports_s": above,
        "above_imports_median_of_rounds_s": median(diffs),
        "libraries": top_level,
        "modules": len(mods),
        "numba_cache_files_written_by_warm_runs": written,
        "breakdown": breakdown,
        "target_s": limit,
        "met": above <= limit,
    }


def report(r: dict) -> list[str]:
    lines = [
        f"[2] warm `sandbox run {SCENARIO}`, median of {r['repeat']} interleaved rounds",
        f"    first run of this benchmark   {r['first_run_s']:6.3f} s (numba compiles here only after an install/upgrade)",
        f"    warm run                      {r['run_median_s']:6.3f} s  -> target ≤ {r['run_wall_target_s']} s "
        f"{'MET' if r['wall_met'] else 'NOT met'}",
        f"    same run, memo off            {r['memo_off_median_s']:6.3f} s  (×{r['memo_off_median_s'] / r['run_median_s']:.2f})",
        f"    same run, full teardown       {r['full_exit_median_s']:6.3f} s  (SANDBOX_FULL_EXIT=1: Python frees every "
        "object before it exits)",
        f"    python -c pass                {r['bare_python_median_s']:6.3f} s",
        f"    heavy libraries the warm run imported: {', '.join(r['heavy_modules_imported']) or 'none'}",
        f"    import of its libraries       {r['imports_median_s']:6.3f} s  ({r['modules']} modules of: {', '.join(r['libraries'])})",
        f"    run above imports             {r['above_imports_s']:6.3f} s  (median of per-round differences "
        f"{r['above_imports_median_of_rounds_s']:.3f} s) -> target {'MET' if r['met'] else 'NOT met'}",
        f"    numba cache files written during warm runs: {len(r['numba_cache_files_written_by_warm_runs'])} (0 = nothing compiled)",
    ]
    b = r["breakdown"]
    if "phases" in b:
        lines.append("    in-process breakdown with the libraries already imported:")
        for k, v in b["phases"].items():
            lines.append(f"      {k:<48} {v:6.3f} s")
        lines.append("    top cumulative costs inside evaluate (cProfile, project code):")
        for ct, nc, name in b["top"][:12]:
            lines.append(f"      {ct:6.3f} s  {nc:5d}×  {name}")
    elif "error" in b:
        lines.append(f"    breakdown failed: {b['error']}")
    return lines
