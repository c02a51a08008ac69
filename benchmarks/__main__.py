"""``python -m benchmarks``: run every benchmark of docs/benchmarks.md and print each figure.

Options: ``--only cli,run,kernel,sweep,serve`` (default all), ``--repeat N`` (rounds per figure; default
7 for the CLI, 3 for the Dask rounds of the sweep, 5 otherwise), ``--json PATH`` (also write every
sample and the machine).
Run from the repository root with the project's virtual environment:
``.venv/bin/python -m benchmarks``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

from . import cli, kernel, run, serve, sweep
from ._util import ROOT, machine

SUITES = {"cli": cli, "run": run, "kernel": kernel, "sweep": sweep, "serve": serve}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    ap.add_argument("--only", default=",".join(SUITES), help="comma-separated: " + ", ".join(SUITES))
    ap.add_argument("--repeat", type=int, default=None, help="repetitions per figure (medians are reported)")
    ap.add_argument("--json", dest="json_path", default=None, help="write all samples here as JSON")
    args = ap.parse_args(argv)
    os.chdir(ROOT)
    names = [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = [n for n in names if n not in SUITES]
    if unknown:
        ap.error(f"unknown benchmark(s): {', '.join(unknown)}")
    info = machine()
    print(f"machine: {info['nproc']} cores, {info['cpu']}, Python {info['python']}; "
          + ", ".join(f"{k} {info[k]}" for k in ("numpy", "astropy", "boinor", "poliastro", "numba") if k in info))
    results: dict = {"machine": info}
    for name in names:
        t0 = time.perf_counter()
        kwargs = {} if args.repeat is None else {"repeat": args.repeat}
        res = SUITES[name].run(**kwargs)
        res["benchmark_seconds"] = time.perf_counter() - t0
        results[name] = res
        print()
        for line in SUITES[name].report(res):
            print(line)
        sys.stdout.flush()
    if args.json_path:
        with open(args.json_path, "w", encoding="utf-8") as fh:
            json.dump(results, fh, indent=2, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
