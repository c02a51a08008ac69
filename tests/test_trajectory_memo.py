"""The trajectory memo: body constants, eclipse and visibility geometry, Lagrange points and
interplanetary arcs remembered on disk equal the computed values exactly, a corrupted file is
detected, ignored and rewritten, and a warm process needs neither the orbit library nor astropy's
time scales.

Each case runs in fresh interpreters with their own cache home (``XDG_CACHE_HOME``): the first
computes and writes, the second reads, a third runs with ``SANDBOX_ORBIT_MEMO=0``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# Geometry of a 650 km dawn-dusk orbit, a 53° Walker plane, two stations, the Earth's rotation at
# J2000 and 2027, Lagrange points and the Curtis Ex. 8.8 transfer; printed as exact reprs.
_SCRIPT = r"""
import json, sys
import astropy.units as u
import numpy as np
from sandbox import trajectory as t

out = {}
gm, radius = t.body_mu("Earth").to_value(u.km**3 / u.s**2), t.body_radius("Earth").to_value(u.km)
out["earth"] = [gm, radius, t.sun_synchronous_inclination(650 * u.km).to_value(u.deg)]
sso = t.eclipse_over_year(650 * u.km, t.sun_synchronous_inclination(650 * u.km), ltan_hours=18.0, year=2027)
walker = t.eclipse_over_year(550 * u.km, 53 * u.deg, raan=40 * u.deg, year=2027, n_days=73)
for name, s in (("sso", sso), ("walker", walker)):
    out[name] = [s.mean_fraction, s.max_fraction, s.max_duration.to_value(u.min), s.beta_angles.to_value(u.deg).tolist(),
                 s.fractions.tolist()]
out["gmst"] = [t.gmst("2000-01-01T12:00:00").to_value(u.deg), t.gmst("2027-01-01T00:00:00").to_value(u.deg)]
stations = [(78.23, 15.39, 0.0), (-33.45, -70.67, 0.0)]
times = np.arange(0.0, 86400.0, 60.0)
mask = t.visibility_mask(np.full(4, 550e3), np.full(4, np.radians(53.0)), np.radians([0.0, 90.0, 180.0, 270.0]),
                         np.zeros(4), stations, "2027-01-01T00:00:00", times)
out["visible"] = [int(mask.sum()), np.flatnonzero(mask.ravel()).tolist()]
out["lagrange"] = [t.lagrange_distance_from_earth("Earth-Moon", "L1").to_value(u.km),
                   t.lagrange_distance_from_earth("Sun-Earth", "L2").to_value(u.km)]
x = t.interplanetary_transfer("Earth", "Mars", "1996-11-07 00:00", 309.0000115740741 * u.day)
out["mars"] = [x.v_inf_departure.to_value(u.km / u.s), x.v_inf_arrival.to_value(u.km / u.s), x.tof.to_value(u.s),
               x.distance_at_arrival_from_earth.to_value(u.km), x.v_departure.to_value(u.km / u.s).tolist()]
out["hohmann"] = t.hohmann(6569.4707 * u.km, 42159.4855 * u.km).dv_total.to_value(u.km / u.s)
heavy = ("boinor", "poliastro", "numba", "scipy", "astropy.time", "astropy.coordinates")
out["imported"] = sorted(m for m in heavy if m in sys.modules)
out["library_used"] = t.library_results_used()
print(json.dumps(out))
"""


def _run(cache: Path, memo: str = "1") -> tuple[dict, str]:
    env = dict(os.environ, XDG_CACHE_HOME=str(cache), SANDBOX_ORBIT_MEMO=memo)
    env.pop("NUMBA_CACHE_DIR", None)  # memo and kernels under the fresh cache home
    proc = subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True, text=True, env=env, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1]), proc.stderr


def _numbers(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if k not in ("imported", "library_used")}


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> tuple[Path, dict, dict, dict]:
    cache = tmp_path_factory.mktemp("cache")
    cold, _ = _run(cache)
    warm, _ = _run(cache)
    off, _ = _run(cache, memo="0")  # the same numba cache, no memo: every value computed again
    return cache, cold, warm, off


def test_memoised_geometry_equals_the_computed_geometry_exactly(runs):
    _, cold, warm, off = runs
    assert _numbers(cold) == _numbers(warm) == _numbers(off)  # every float equal to the bit (JSON reprs)
    # and the numbers are the published ones:
    gm, radius, _ = cold["earth"]
    assert gm == pytest.approx(398600.4418, abs=1e-3)  # IERS Conventions (2010) GM⊕, km³/s²
    assert radius == pytest.approx(6378.1366, abs=1e-4)  # IAU 2009 / IERS equatorial radius, km
    # IAU-82 GMST at J2000.0 (Vallado 4th ed. Eq. 3-47, UT1 = UTC): 67,310.54841 s / 240 = 280.46061838°
    assert cold["gmst"][0] == pytest.approx(67310.54841 / 240.0, abs=1e-9)
    # a dawn-dusk SSO at 650 km is eclipsed only around the June solstice: mean fraction a few per cent,
    # longest shadow below the β = 0 bound arccos(sqrt(h² + 2Rh)/(R + h))/π × period = 35.6 % × 97.7 min
    mean, worst, longest_min = cold["sso"][:3]
    assert 0.0 < mean < 0.05 and 0.0 < worst < 0.356
    assert longest_min < 0.356 * 97.7
    # Earth-Moon L1 ≈ 326,400 km from the Earth (0.849 of 384,400 km; Szebehely, Theory of Orbits, 1967);
    # Sun-Earth L2 ≈ 1.5 million km from the Earth (NASA JWST mission pages)
    assert cold["lagrange"][0] == pytest.approx(326_400, rel=0.005)
    assert cold["lagrange"][1] == pytest.approx(1.5e6, rel=0.02)
    # Curtis Ex. 8.8 (Mars Global Surveyor): v∞ 3.1644 km/s out, 2.8852 km/s in (3 %: ephemeris differences)
    assert cold["mars"][0] == pytest.approx(3.16435, rel=0.03)
    assert cold["mars"][1] == pytest.approx(2.88517, rel=0.03)
    assert cold["hohmann"] == pytest.approx(3.935224, abs=1e-4)  # Vallado (2013) Example 6-1
    assert cold["visible"][0] > 0


def test_a_warm_process_needs_neither_the_orbit_library_nor_astropy_time(runs):
    _, cold, warm, _ = runs
    assert "numba" in cold["imported"] and "astropy.time" in cold["imported"]  # computing them needs both
    assert warm["imported"] == []
    # every value of the warm process came from the memo the library keys: its provenance still names the library
    assert cold["library_used"] is warm["library_used"] is True


def _entries(cache: Path, kind: str) -> list[Path]:
    return sorted(cache.rglob(f"sandbox-memo/*/{kind}/*.json"))


@pytest.mark.slow
def test_a_corrupted_memo_file_is_detected_ignored_and_rewritten(runs, tmp_path):
    cache = tmp_path / "cache"
    shutil.copytree(runs[0], cache)  # compiled kernels and a complete memo
    reference = runs[1]
    eclipse = _entries(cache, "eclipse-year")
    body = _entries(cache, "body")
    gmst = _entries(cache, "gmst")
    visibility = _entries(cache, "visibility")
    transfer = _entries(cache, "interplanetary")
    assert len(eclipse) == 2 and body and len(gmst) == 2 and transfer and len(visibility) == 1
    # 1. a value changed without its checksum: β of one day moved by a degree
    doc = json.loads(eclipse[0].read_text())
    doc["value"][10] += 1.0
    eclipse[0].write_text(json.dumps(doc))
    # 2. a file cut in half; 3. the Earth's GM replaced along with a recomputed checksum of another key;
    # 4. a file holding another entry's (valid) content
    body[0].write_text(body[0].read_text()[: len(body[0].read_text()) // 2])
    other = json.loads(gmst[1].read_text())
    gmst[0].write_text(json.dumps(other))
    doc = json.loads(transfer[0].read_text())
    doc["value"][1] = 0.0
    doc["sha256"] = "0" * 64
    transfer[0].write_text(json.dumps(doc))
    # 5. one visibility bit flipped in the compressed mask (its checksum kept)
    doc = json.loads(visibility[0].read_text())
    text = doc["value"][1]
    doc["value"][1] = text[:20] + ("A" if text[20] != "A" else "B") + text[21:]
    visibility[0].write_text(json.dumps(doc))

    again, stderr = _run(cache)
    assert _numbers(again) == _numbers(reference)  # the corrupted values never reached the results
    assert stderr.count("failed its integrity check") == 5, stderr
    for path in (eclipse[0], body[0], gmst[0], transfer[0], visibility[0]):  # each one rewritten, valid again
        doc = json.loads(path.read_text())
        assert doc["format"] == 3 and len(doc["sha256"]) == 64
    third, stderr = _run(cache)
    assert _numbers(third) == _numbers(reference)
    assert "integrity" not in stderr  # nothing left to repair
    assert third["imported"] == []


def test_an_unusable_cache_folder_is_one_warning_and_values_are_kept_per_process(monkeypatch, tmp_path):
    """A cache folder that cannot be created (here: under a regular file, as under XDG_CACHE_HOME=/dev/null) gives
    one CacheWarning for the numba cache and the memo together; values are computed once per process."""
    import warnings

    from sandbox.trajectory import library, memo

    blocker = tmp_path / "a-file"
    blocker.write_text("")
    folder = blocker / "numba"
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(folder))
    monkeypatch.setenv("SANDBOX_ORBIT_MEMO", "1")
    library.cache_folder_usable.cache_clear()
    memo.clear_process_memo()
    calls = []

    def compute() -> float:
        calls.append(1)
        return 1.5

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert memo.memo_dir() is None
            assert library.enable_numba_cache() is None
            assert [memo.memoised("unusable-test", (1,), compute) for _ in range(3)] == [1.5, 1.5, 1.5]
    finally:
        library.cache_folder_usable.cache_clear()
        memo.clear_process_memo()
    assert len(calls) == 1
    assert [(w.category, str(w.message)) for w in caught] == [
        (memo.CacheWarning, f"cache folder {folder} unusable (Not a directory); continuing without a disk cache")]
    assert not blocker.read_text()  # nothing written anywhere


def test_the_command_line_shows_an_unusable_cache_folder_as_one_line(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    astropy_cache = tmp_path / "astropy"  # astropy's own cache elsewhere: its warning about XDG is not ours
    astropy_cache.mkdir()
    scenario = tmp_path / "s.toml"
    scenario.write_text('[workload]\nkind = "inference"\nsustained_compute = "1 PFLOPS"\n'
                        '[architectures.moonbase]\ntarget = "escape"\n', encoding="utf-8")
    env = dict(os.environ, XDG_CACHE_HOME=str(blocker), ASTROPY_CACHE_DIR=str(astropy_cache))
    env.pop("NUMBA_CACHE_DIR", None)
    done = subprocess.run([sys.executable, "-m", "sandbox", "run", str(scenario), "--format", "json"],
                          capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        f"warning: cache folder {blocker}/space-sandbox/numba unusable (Not a directory); continuing without a disk "
        "cache"]
    # the numbers are unchanged: lunar escape sqrt(2 GM/R) = sqrt(2·4902.79981/1737.4) = 2.3757 km/s (NASA: 2.38)
    speed = next(r["value"] for r in json.loads(done.stdout)["records"] if r["metric"] == "driver.exit_speed")
    assert speed == pytest.approx((2 * 4902.79981 / 1737.4) ** 0.5, rel=1e-6)
