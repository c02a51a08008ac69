"""Timing helpers shared by the benchmarks: subprocess wall times, medians, the machine."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def sandbox_command() -> list[str]:
    """The ``sandbox`` console script next to this interpreter (what users run), else ``-m sandbox``."""
    script = Path(sys.executable).parent / "sandbox"
    return [str(script)] if script.exists() else [sys.executable, "-m", "sandbox"]


def wall(cmd: list[str], env: dict | None = None, cwd: Path = ROOT, check: bool = True) -> float:
    """Wall time (s) of one subprocess, output discarded."""
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    dt = time.perf_counter() - t0
    if check and proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr.strip()[-500:]}")
    return dt


def interleaved(commands: dict[str, tuple[list[str], dict | None]], repeat: int) -> dict[str, list[float]]:
    """Run each command once per round, ``repeat`` rounds, so that slow spells of a noisy machine
    hit every command alike. Returns the wall times (s) per name."""
    out: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, (cmd, env) in commands.items():
            out[name].append(wall(cmd, env))
    return out


def median(xs: list[float]) -> float:
    return float(statistics.median(xs))


def env_with(**changes: str | None) -> dict:
    env = dict(os.environ)
    for k, v in changes.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    return env


def machine() -> dict:
    """nproc, CPU model, Python, numpy/astropy/orbit-library versions."""
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info = {
        "nproc": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    try:
        from importlib.metadata import version

        for dist in ("numpy", "astropy", "boinor", "poliastro", "numba", "click", "pluggy"):
            try:
                info[dist] = version(dist)
            except Exception:
                pass
    except ImportError:
        pass
    return info


def fmt_s(x: float) -> str:
    return f"{x:.3f} s"
