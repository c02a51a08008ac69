"""Target 3: the constellation kernel (:func:`sandbox.trajectory.constellation_day`).

2,800 satellites (a Walker 53°: 70 planes × 40, 550 km) × 1,440 one-minute steps × 12 ground
stations: positions, sunlit/eclipsed and visibility, against the orbit library's own
propagation measured in the same run:

* per satellite over the time array: ``Orbit.to_ephem(EpochsArray(epochs))`` (the library's
  vectorised Farnocchia propagation; the fair reference),
* per satellite per step: ``Orbit.propagate(dt)`` (timed on a sample of steps),

both positions only (less work than the kernel, which also tests shadow and 12 stations), timed
on a sample of satellites and expressed per satellite-step. Agreement: the kernel's positions,
shadow flags and visibility against the library's positions (exact astropy Sun per step,
elevation from :func:`sandbox.trajectory.elevation_deg`). Memory: 10,000 satellites streamed in
chunks, in a subprocess (peak RSS and tracemalloc peak).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import numpy as np

from . import TARGETS
from ._util import ROOT, median

#: 12 ground stations (geocentric lat, lon in degrees; 10° mask): polar, mid-latitude and equatorial.
STATIONS = [
    (78.23, 15.39, 0.0),     # Svalbard
    (-72.01, 2.53, 0.0),     # Troll
    (64.86, -147.85, 0.0),   # Fairbanks
    (37.94, -75.46, 0.0),    # Wallops
    (-25.89, 27.69, 0.0),    # Hartebeesthoek
    (1.35, 103.82, 0.0),     # Singapore
    (-33.15, -70.67, 0.0),   # Santiago
    (-31.80, 115.89, 0.0),   # Perth
    (35.70, 139.70, 0.0),    # Tokyo
    (40.43, -4.25, 0.0),     # Madrid (Robledo)
    (19.82, -155.47, 0.0),   # Hawaii
    (-52.94, -70.85, 0.0),   # Punta Arenas
]
EPOCH = "2026-06-21T00:00:00"
ALTITUDE_M = 550e3
INCLINATION_DEG = 53.0


def walker(n_sat: int, n_planes: int = 70) -> tuple[np.ndarray, np.ndarray]:
    """RAANs and arguments of latitude (rad) of a Walker-delta pattern, phasing 1."""
    per = n_sat // n_planes
    k = np.repeat(np.arange(n_planes), per)
    j = np.tile(np.arange(per), n_planes)
    raan = 2 * np.pi * k / n_planes
    u = 2 * np.pi * j / per + 2 * np.pi * k / n_sat
    extra = n_sat - k.size  # when n_planes does not divide n_sat
    if extra:
        raan = np.concatenate([raan, np.linspace(0, 2 * np.pi, extra, endpoint=False)])
        u = np.concatenate([u, np.linspace(0, 2 * np.pi, extra, endpoint=False)])
    return raan, u


def _epoch():
    from astropy.time import Time

    return Time(EPOCH, scale="utc")


def kernel_pass(n_sat: int, times: np.ndarray, positions: bool = True, chunk_size: int = 256,
                method: str = "auto", j2: bool = True) -> dict:
    """One full pass of the kernel; returns totals so that nothing is skipped."""
    from sandbox import trajectory as tr

    raan, u = walker(n_sat)
    sunlit = visible = 0
    checksum = 0.0
    for ch in tr.constellation_day(ALTITUDE_M, np.radians(INCLINATION_DEG), raan, u, STATIONS, _epoch(), times,
                                   chunk_size=chunk_size, positions=positions, method=method, j2=j2):
        sunlit += int(ch.sunlit.sum())
        visible += int(ch.visible.sum())
        if ch.positions_m is not None:
            checksum += float(ch.positions_m[:, -1, 2].sum())
    return {"sunlit": sunlit, "visible": visible, "checksum": checksum}


def _library_orbits(raan: np.ndarray, u: np.ndarray):
    import astropy.units as au

    from sandbox.trajectory import library

    orbit_cls = library.module("twobody.orbit").Orbit
    earth = library.body_of("Earth")
    ep = _epoch()
    return [orbit_cls.from_classical(earth, earth.R + ALTITUDE_M * au.m, 0 * au.one, INCLINATION_DEG * au.deg,
                                     r * au.rad, 0 * au.deg, v * au.rad, epoch=ep) for r, v in zip(raan, u, strict=True)]


def library_positions(orbits, times: np.ndarray) -> tuple[np.ndarray, float]:
    """Positions (n, n_t, 3) m from ``Orbit.to_ephem(EpochsArray)`` per satellite, and the time (s)."""
    import astropy.units as au

    from sandbox.trajectory import library

    epochs_array = library.module("twobody.sampling").EpochsArray
    epochs = _epoch() + times * au.s
    out = np.empty((len(orbits), times.size, 3))
    t0 = time.perf_counter()
    for i, orb in enumerate(orbits):
        r, _ = orb.to_ephem(strategy=epochs_array(epochs)).rv()
        out[i] = r.to_value(au.m)
    return out, time.perf_counter() - t0


def library_per_step_rate(orbits, times: np.ndarray) -> tuple[float, int]:
    """Satellite-steps per second of ``Orbit.propagate(dt)`` called per satellite per step."""
    import astropy.units as au

    calls = 0
    t0 = time.perf_counter()
    for orb in orbits:
        for dt in times:
            orb.propagate(dt * au.s).r  # noqa: B018  (the position is the work)
            calls += 1
    return calls / (time.perf_counter() - t0), calls


def agreement(raan: np.ndarray, u: np.ndarray, lib_r: np.ndarray, times: np.ndarray, method: str = "auto") -> dict:
    """Kernel (two-body, as the library's Farnocchia reference) vs library: position error (km),
    shadow and visibility mismatches."""
    from sandbox import trajectory as tr

    ep = _epoch()
    (ch,) = list(tr.constellation_day(ALTITUDE_M, np.radians(INCLINATION_DEG), raan, u, STATIONS, ep, times,
                                      chunk_size=len(raan), method=method, j2=False))
    err_km = np.linalg.norm(ch.positions_m - lib_r, axis=-1) / 1e3
    # shadow from the library's positions and the exact astropy Sun at every step (cylindrical, as the kernel)
    import astropy.units as au

    radius = tr.body_radius("Earth").to_value(au.m)
    s = tr.sun_direction(ep + times * au.s)  # (n_t, 3)
    along = np.einsum("itk,tk->it", lib_r, s)
    perp2 = np.einsum("itk,itk->it", lib_r, lib_r) - along**2
    lib_sunlit = ~((along < 0) & (perp2 < radius**2))
    # visibility from the library's positions: rotate to Earth-fixed, elevation ≥ 10°
    st = tr.station_ecef([x[0] for x in STATIONS], [x[1] for x in STATIONS], 0.0)
    el = tr.elevation_deg(tr.eci_to_ecef(lib_r, times, ep), st)
    lib_visible = el >= 10.0
    return {
        "satellites": len(raan),
        "max_position_error_km": float(err_km.max()),
        "sunlit_mismatches": int((ch.sunlit != lib_sunlit).sum()),
        "sunlit_samples": int(lib_sunlit.size),
        "visible_mismatches": int((ch.visible != lib_visible).sum()),
        "visible_samples": int(lib_visible.size),
        "visible_true": int(lib_visible.sum()),
        "sunlit_fraction": float(lib_sunlit.mean()),
    }


#: Reference orbits of the J2 agreement check: (altitude km, inclination deg).
J2_CASES = [(650.0, 97.986), (550.0, 53.0), (1200.0, 30.0)]


def j2_agreement() -> list[dict]:
    """Secular-J2 kernel against the library's J2 propagation (Cowell, DOP853) over a day, per orbit case.

    The library starts from an osculating state whose J2 orbit is circular on average
    (``trajectory.j2_mean_circular_state``); the kernel gets the orbit-averaged mean elements
    (``trajectory.mean_circular_elements``). One-minute steps over 24 h; also the two-body kernel.
    """
    import astropy.units as au

    from sandbox import trajectory as tr

    out = []
    times = np.arange(0.0, 86400.0 + 1.0, 60.0)
    for alt_km, inc_deg in J2_CASES:
        t0 = time.perf_counter()
        r0, v0 = tr.j2_mean_circular_state(alt_km * 1e3, np.radians(inc_deg), 0.3, 0.7)
        rr, vv = tr.propagate_j2(r0 * au.m, v0 * au.m / au.s, times * au.s)
        library_s = time.perf_counter() - t0
        rr, vv = rr.to_value(au.m), vv.to_value(au.m / au.s)
        mean = tr.mean_circular_elements(rr, vv, times)
        errs = {}
        for j2 in (True, False):
            (ch,) = list(tr.constellation_day(*mean, STATIONS, _epoch(), times, j2=j2))
            errs[j2] = float(np.linalg.norm(ch.positions_m[0] - rr, axis=-1).max() / 1e3)
        out.append({"altitude_km": alt_km, "inclination_deg": inc_deg, "max_error_km": errs[True],
                    "two_body_max_error_km": errs[False], "library_s": library_s})
    return out


_MEMORY = r"""
import json, resource, sys, time, tracemalloc
import numpy as np
from benchmarks.kernel import kernel_pass
n = int(sys.argv[1])
times = np.arange(1440) * 60.0
kernel_pass(64, times)  # imports and first-call set-up outside the measurement
rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
tracemalloc.start()
t = time.perf_counter()
out = kernel_pass(n, times)
dt = time.perf_counter() - t
_, peak = tracemalloc.get_traced_memory()
tracemalloc.stop()
rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"n": n, "seconds": dt, "tracemalloc_peak_mb": peak / 2**20, "rss_before_mb": rss0,
                  "peak_rss_mb": rss1, **out}))
"""


def memory(n_sat: int = 10_000) -> dict:
    proc = subprocess.run([sys.executable, "-c", _MEMORY, str(n_sat)], cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        return {"error": proc.stderr[-800:]}
    return json.loads(proc.stdout)


def run(repeat: int = 5, n_sat: int = 2800, n_ref: int = 12, n_step_ref: int = 60) -> dict:

    times = np.arange(1440) * 60.0
    from sandbox.trajectory import library
    from sandbox.trajectory.kernel import kernel_method

    library.load_library()
    t0 = time.perf_counter()
    kernel_pass(64, times)  # first call: astropy ephemeris set-up, numba kernel compiled or loaded from its cache
    first_call = time.perf_counter() - t0
    kernel_pass(64, times, method="numpy")
    # reference sample: satellites spread over the pattern
    raan, u = walker(n_sat)
    pick = np.linspace(0, n_sat - 1, n_ref).round().astype(int)
    orbits = _library_orbits(raan[pick], u[pick])
    library_positions(orbits[:1], times[:10])  # warm-up (numba cache load, sampling imports)
    library_per_step_rate(orbits[:1], times[:5])

    kernel_t, two_body_t, numpy_t, array_rates, step_rates = [], [], [], [], []
    lib_r = None
    for _ in range(repeat):  # interleaved: kernel (J2, two-body), its numpy path, library over arrays, per step
        t0 = time.perf_counter()
        totals = kernel_pass(n_sat, times)
        kernel_t.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        kernel_pass(n_sat, times, j2=False)
        two_body_t.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        totals_np = kernel_pass(n_sat, times, method="numpy")
        numpy_t.append(time.perf_counter() - t0)
        lib_r, dt = library_positions(orbits, times)
        array_rates.append(len(orbits) * times.size / dt)
        rate, _ = library_per_step_rate(orbits[:2], times[:n_step_ref])
        step_rates.append(rate)
    kernel_rate = n_sat * times.size / median(kernel_t)
    agree = agreement(raan[pick], u[pick], lib_r, times)
    agree_np = agreement(raan[pick], u[pick], lib_r, times, method="numpy")
    mem = memory(10_000)
    j2_agree = j2_agreement()
    ratio_array = kernel_rate / median(array_rates)
    ratio_step = kernel_rate / median(step_rates)
    met = (kernel_rate >= TARGETS["kernel_sat_steps_per_s"] and ratio_array >= TARGETS["kernel_vs_library"]
           and all(c["max_error_km"] <= TARGETS["kernel_j2_agreement_km"] for c in j2_agree)
           and agree["max_position_error_km"] <= TARGETS["kernel_agreement_km"]
           and mem.get("peak_rss_mb", 1e9) <= TARGETS["kernel_10k_peak_rss_mb"])
    return {
        "repeat": repeat,
        "n_sat": n_sat,
        "n_steps": int(times.size),
        "n_stations": len(STATIONS),
        "kernel_s": kernel_t,
        "kernel_median_s": median(kernel_t),
        "kernel_sat_steps_per_s": kernel_rate,
        "kernel_method": kernel_method(),
        "two_body_median_s": median(two_body_t),
        "two_body_sat_steps_per_s": n_sat * times.size / median(two_body_t),
        "kernel_first_call_s": first_call,
        "numpy_median_s": median(numpy_t),
        "numpy_sat_steps_per_s": n_sat * times.size / median(numpy_t),
        "numpy_same_totals": (totals_np["sunlit"], totals_np["visible"]) == (totals["sunlit"], totals["visible"]),
        "totals": totals,
        "library_array_sat_steps_per_s": median(array_rates),
        "library_step_sat_steps_per_s": median(step_rates),
        "library_sample": {"satellites_over_array": n_ref, "per_step": f"2 satellites × {n_step_ref} steps"},
        "ratio_vs_library_array": ratio_array,
        "ratio_vs_library_per_step": ratio_step,
        "agreement": agree,
        "agreement_numpy": agree_np,
        "memory_10k": mem,
        "j2_agreement": j2_agree,
        "met": bool(met),
    }


def report(r: dict) -> list[str]:
    a, m = r["agreement"], r["memory_10k"]
    n = r["n_sat"] * r["n_steps"]
    lines = [
        f"[3] constellation kernel: {r['n_sat']:,} satellites × {r['n_steps']:,} steps × {r['n_stations']} stations "
        f"(positions, sunlit, visibility), median of {r['repeat']}",
        f"    kernel, secular J2 (default)    {r['kernel_median_s']:7.3f} s  = {r['kernel_sat_steps_per_s'] / 1e6:7.1f} M satellite-steps/s"
        f"  (target ≥ {TARGETS['kernel_sat_steps_per_s'] / 1e6:.0f} M; method={r['kernel_method']},"
        f" first call in a process {r['kernel_first_call_s']:.2f} s)",
        f"    kernel, two-body (j2=False)     {r['two_body_median_s']:7.3f} s  = {r['two_body_sat_steps_per_s'] / 1e6:7.1f} M satellite-steps/s",
        f"    kernel, numpy path              {r['numpy_median_s']:7.3f} s  = {r['numpy_sat_steps_per_s'] / 1e6:7.1f} M satellite-steps/s"
        f"  (same flags: {r['numpy_same_totals']}; BLAS products, sensitive to other load on the cores)",
        "    library, per satellite over the time array (Orbit.to_ephem(EpochsArray)), positions only:",
        f"                                    {r['library_array_sat_steps_per_s'] / 1e6:7.3f} M satellite-steps/s"
        f" -> kernel ×{r['ratio_vs_library_array']:,.0f}  (target ≥ ×{TARGETS['kernel_vs_library']:.0f}); "
        f"extrapolated {n / r['library_array_sat_steps_per_s']:.0f} s for the whole run",
        "    library, per satellite per step (Orbit.propagate(dt)), positions only:",
        f"                                    {r['library_step_sat_steps_per_s']:9.0f} satellite-steps/s"
        f" -> kernel ×{r['ratio_vs_library_per_step']:,.0f}; extrapolated {n / r['library_step_sat_steps_per_s'] / 3600:.1f} h",
        f"    agreement of the two-body kernel with the library over the day ({a['satellites']} satellites × {r['n_steps']} steps):"
        f" max position error {a['max_position_error_km'] * 1e3:.3f} m (target ≤ 1 km);",
        f"      sunlit mismatches {a['sunlit_mismatches']} / {a['sunlit_samples']} (exact Sun per step vs 10-min interpolated);"
        f" visibility mismatches {a['visible_mismatches']} / {a['visible_samples']} ({a['visible_true']} visible)",
        f"      numpy path: max position error {r['agreement_numpy']['max_position_error_km'] * 1e3:.3f} m, sunlit mismatches "
        f"{r['agreement_numpy']['sunlit_mismatches']}, visibility mismatches {r['agreement_numpy']['visible_mismatches']}",
    ]
    lines.append("    secular J2 against the library's J2 propagation (Cowell), one day at 1-min steps:")
    for c in r["j2_agreement"]:
        lines.append(f"      {c['altitude_km']:6.0f} km, i = {c['inclination_deg']:6.3f}°: max position error "
                     f"{c['max_error_km']:6.2f} km (target ≤ {TARGETS['kernel_j2_agreement_km']:.0f} km); two-body "
                     f"{c['two_body_max_error_km']:6.0f} km; library {c['library_s']:.1f} s for the day (with start-up)")
    if "error" in m:
        lines.append(f"    10,000 satellites: failed: {m['error']}")
    else:
        lines.append(
            f"    10,000 satellites (chunks of 256, positions kept per chunk): {m['seconds']:.2f} s, peak RSS {m['peak_rss_mb']:.0f} MB"
            f" (process after imports {m['rss_before_mb']:.0f} MB), tracemalloc peak {m['tracemalloc_peak_mb']:.0f} MB (target ≤ 1024 MB)")
    lines.append(f"    -> target {'MET' if r['met'] else 'NOT met'}")
    return lines
