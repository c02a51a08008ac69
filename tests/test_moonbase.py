"""Moonbase Alpha: mass-driver kinematics and energetics, trajectories and comparisons by hand.

References:
- Constant-acceleration kinematics: v² = 2aL, v = at; kinetic energy ½mv²; power F·v = m a v.
- NASA GSFC Moon fact sheet: lunar escape speed 2.38 km/s.
- Curtis, *Orbital Mechanics for Engineering Students*, 3rd ed. (2014), Example 8.8 (Earth→Mars,
  1996-11-07 → 1997-09-12, v∞ = 3.1644 km/s) and Eq. 8.40 (v = sqrt(v∞² + 2μ/r)).
- Tsiolkovsky: m_p = m_f (e^(Δv/(Isp g0)) − 1), g0 = 9.80665 m/s².
- GM and radii of the orbit library: Earth 398,600.4418 km³/s², R = 6,378.1366 km;
  Moon 4,902.79981 km³/s², R = 1,737.4 km; Earth–Moon 384,400 km.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys

import pytest
from _scenarios import run_standard
from sandbox_plugins.moon import moonbase

MU_E, R_E = 398_600.4418, 6_378.1366
MU_M, R_M = 4_902.79981, 1_737.4
D_MOON = 384_400.0
G0 = 9.80665
C = 299_792_458.0


def run(arch: dict) -> object:
    return run_standard({"x": {"type": "moonbase", **arch}}, start_year=2030).ledgers["x"]


def test_driver_kinematics_from_first_principles():
    """100 kg to 2,000 m/s at 1,000 g0 (9,806.65 m/s²), η = 0.5:
    L = 2000²/(2·9806.65) = 203.94 m; t = 2000/9806.65 = 0.20394 s; E = ½·100·2000²/0.5 = 4.0e8 J;
    P = 100·9806.65·2000/0.5 = 3.9227e9 W."""
    k = moonbase.driver_kinematics(100.0, 2000.0, 9806.65, 0.5)
    assert k["length_m"] == pytest.approx(203.943, rel=1e-5)
    assert k["time_s"] == pytest.approx(0.203943, rel=1e-5)
    assert k["energy_j"] == pytest.approx(4.0e8, rel=1e-12)
    assert k["kinetic_j"] == pytest.approx(2.0e8, rel=1e-12)
    assert k["peak_power_w"] == pytest.approx(3.92266e9, rel=1e-6)
    # consistency: average power over the shot is half the muzzle power (P grows linearly with v)
    assert k["energy_j"] / k["time_s"] == pytest.approx(k["peak_power_w"] / 2, rel=1e-12)


def test_lunar_escape_through_the_plugin_and_engine():
    """target = escape: v = sqrt(2·4902.8/1737.4) = 2.3757 km/s (NASA fact sheet: 2.38 km/s).
    Driver at 1,000 g0: L = 2375.7²/(2·9806.65) = 287.8 m; track 1 t/m → 287.8 t; buffer =
    E/0.75/(10 Wh/kg) with E = ½·100·v²/0.5; both are the base's extra mass ('mass.other')."""
    led = run({"target": "escape"})
    v = math.sqrt(2 * MU_M / R_M)
    assert led.get("driver.exit_speed") == pytest.approx(v, rel=1e-6)
    assert led.get("driver.exit_speed") == pytest.approx(2.38, rel=0.005)
    length = (v * 1e3) ** 2 / (2 * 9806.65)
    energy = 0.5 * 100 * (v * 1e3) ** 2 / 0.5
    assert led.get("driver.track_length") * 1e3 == pytest.approx(length, rel=1e-6)
    buffer_kg = energy / 0.75 / (10 * 3600)
    assert led.get("mass.other") * 1e3 == pytest.approx(length * 1000 + buffer_kg, rel=1e-6)
    # cadence: min(200 kW / E, one per 2 h) = 12 per day here (E ≈ 157 kWh → 110/day by power)
    assert led.get("driver.max_launches_per_day") == pytest.approx(min(2e5 / energy * 86400, 12.0), rel=1e-9)


def test_llo_exit_speed_and_circular_speed():
    """v_circ(100 km) = sqrt(4902.8/1837.4) = 1.6335 km/s (the ~1.68 km/s figure is the circular speed
    at the surface, sqrt(4902.8/1737.4) = 1.6799). Exit for LLO = perilune speed of the R → R+100 km
    ellipse = sqrt(2μ(R+h)/(R(2R+h))) = 1.7032 km/s; apolune kick = v_circ(100 km) − v_apo."""
    led = run({"target": "llo"})
    r, rh = R_M, R_M + 100.0
    assert led.get("trajectory.llo_circular_speed") == pytest.approx(math.sqrt(MU_M / rh), rel=1e-6)
    assert math.sqrt(MU_M / rh) == pytest.approx(1.6335, abs=1e-4)
    v_peri = math.sqrt(2 * MU_M * rh / (r * (r + rh)))
    v_apo = math.sqrt(2 * MU_M * r / (rh * (r + rh)))
    assert led.get("driver.exit_speed") == pytest.approx(v_peri, rel=1e-6)
    assert led.get("trajectory.kick_dv_at_apolune") == pytest.approx((math.sqrt(MU_M / rh) - v_apo) * 1e3, rel=1e-6)


def test_lambert_case_curtis_8_8_and_moon_exit_by_hand():
    """Curtis Ex. 8.8 dates through the plugin: v∞ = 3.1644 km/s (3 % tolerance: astropy ephemeris).
    Moon exit by hand (patched conics): v_E = sqrt(v∞² + 2μ_E/384,400); v∞_Moon = v_E − sqrt(μ_E/384,400);
    exit = sqrt(v∞_Moon² + 2μ_M/R_M). For v∞ = 3.1644: v_E = sqrt(10.0134 + 2.0739) = 3.4767, v∞_Moon = 3.4767 − 1.0183 = 2.4584,
    exit = sqrt(6.0436 + 5.6438) = 3.4187 km/s."""
    v_inf, _, tof, dist = moonbase._transfer("mars", "1996-11-07", 309.0)
    assert v_inf / 1e3 == pytest.approx(3.16435, rel=0.03)
    assert tof == pytest.approx(309 * 86400, abs=1e-3)  # a duration of 309 days (not calendar dates)
    vi = v_inf / 1e3
    v_e = math.sqrt(vi**2 + 2 * MU_E / D_MOON)
    v_inf_moon = v_e - math.sqrt(MU_E / D_MOON)
    exit_speed = math.sqrt(v_inf_moon**2 + 2 * MU_M / R_M)
    conv = moonbase.moon_exit_for_earth_v_inf(v_inf)
    assert conv["exit"] / 1e3 == pytest.approx(exit_speed, rel=1e-6)
    # the same arithmetic at Curtis's own v∞
    v_e = math.sqrt(3.1644**2 + 2 * MU_E / D_MOON)
    assert math.sqrt((v_e - math.sqrt(MU_E / D_MOON)) ** 2 + 2 * MU_M / R_M) == pytest.approx(3.4187, abs=1e-4)

    # through the engine: light time to Mars at arrival and the autonomy it forces (7 min deadline)
    led = run({"target": "mars", "departure": "1996-11-07", "time_of_flight": "309 d"})
    assert led.get("trajectory.v_inf_earth") == pytest.approx(vi, rel=1e-9)
    assert led.get("driver.exit_speed") == pytest.approx(exit_speed, rel=1e-6)
    assert led.get("latency.light_time_at_arrival") * 60 == pytest.approx(dist / C, rel=1e-9)
    assert 1.3 < dist / 1.495978707e11 < 2.0  # Mars in Sept 1997, ~1.7 au (JPL Horizons)
    assert led.get("autonomy.rtt_over_deadline") == pytest.approx(2 * dist / C / 420.0, rel=1e-9)
    assert led.get("autonomy.required") == 1.0


def test_rocket_vs_driver_vs_earth_by_hand():
    """Lunar escape by rocket, Isp 320 s: m_p = 100·(e^(2375.7/(320·9.80665)) − 1) = 113.1 kg of
    propellant per 100 kg probe, vs ½·100·2375.7²/0.5 J = 156.8 kWh of electricity by driver.
    From Earth (C3 = 0) from Falcon Heavy's 300 km LEO: Δv = sqrt(2μ/r) − sqrt(μ/r) = 3.2118 km/s."""
    led = run({"target": "escape"})
    v = math.sqrt(2 * MU_M / R_M) * 1e3
    prop = 100 * math.expm1(v / (320 * G0))
    assert led.get("compare.rocket_propellant_per_probe") == pytest.approx(prop, rel=1e-6)
    assert prop == pytest.approx(113.1, abs=0.1)
    assert led.get("compare.driver_energy_per_probe") == pytest.approx(0.5 * 100 * v**2 / 0.5 / 3.6e6, rel=1e-9)
    r = R_E + 300.0
    dv_leo = math.sqrt(2 * MU_E / r) - math.sqrt(MU_E / r)
    assert led.get("compare.earth_dv_from_leo") == pytest.approx(dv_leo, rel=1e-6)
    earth_prop = 100 * math.expm1(dv_leo * 1e3 / (320 * G0))
    assert led.get("compare.earth_propellant_per_probe") == pytest.approx(earth_prop, rel=1e-6)
    # launch share on Falcon Heavy: (probe + propellant) / 63,800 kg × US$97 M
    assert led.get("compare.earth_launch_cost_per_probe") * 1e6 == pytest.approx((100 + earth_prop) / 63_800 * 97e6,
                                                                                  rel=1e-9)


def test_base_load_and_fleet_through_the_engine():
    """The base carries base_load 40 kW + the driver's draw at its full cadence (its only load: no processors):
    E per launch × min(charge 200 kW / E, one launch per 2 h), the design case its plant and radiators are sized
    for (the load counted 200 kW while the work leaving with the probes was the planned 50 a year's, so the
    radiators rejected charger power the driver never drew). The fleet is 50 probes/yr × 5 yr = 250 probes with
    3 Orins each (750 chips, TMR)."""
    led = run({"target": "escape"})
    assert led.get("probes.fleet") == 250
    assert led.get("compute.chips") == 750
    orin_w = 60.0
    energy_j = led.get("driver.energy_per_launch") * 3.6e6
    cadence_w = min(200e3, energy_j / 7200.0)
    assert led.get("driver.max_launches_per_day") * energy_j / 86400.0 == pytest.approx(cadence_w, rel=1e-9)
    assert led.get("power.load") * 1e6 == pytest.approx(250 * 3 * orin_w + 40e3 + cadence_w, rel=1e-9)


# ------------------------------------------------------------------------------ the departure date
# Bound: the planets' states come from astropy's default 'builtin' ephemeris (ERFA epv00 for the Earth, valid
# 1900-2100 AD: status +1 "date outside the range 1900-2100 AD" beyond 100 Julian years of J2000 TDB, i.e. before
# 1899-12-31 12:00 TDB or after 2100-01-01 12:00 TDB; ERFA/SOFA epv00 documentation).
_EPHEMERIS = "astropy's 'builtin' ephemeris of the planets (ERFA epv00, valid 1900-2100 AD)"
_REFUSED = [
    ({"departure": "2033-02-30"}, "'2033-02-30' is not a calendar date (day is out of range for month); write an ISO "
                                  'date "YYYY-MM-DD", e.g. "2033-04-30"'),
    ({"departure": "yesterday"}, 'expected an ISO date "YYYY-MM-DD" (UTC), e.g. "2033-04-30", got \'yesterday\''),
    ({"departure": "30/04/2033"}, 'expected an ISO date "YYYY-MM-DD" (UTC), e.g. "2033-04-30", got \'30/04/2033\''),
    ({"departure": "9999-12-31"}, f"9999-12-31 is outside 1900-01-01 to 2100-01-01, the years of {_EPHEMERIS}"),
    ({"departure": "1899-12-31"}, f"1899-12-31 is outside 1900-01-01 to 2100-01-01, the years of {_EPHEMERIS}"),
    # 2099-03-27 + 280 d = 2100-01-01 00:00 (accepted); 281 d arrives a day after the ephemeris ends
    ({"departure": "2099-03-27", "time_of_flight": "281 d"},
     f"arrival 2100-01-02 (departure + time_of_flight 281 d) is after 2100-01-01, the end of {_EPHEMERIS}; choose an "
     "earlier departure or a shorter time_of_flight"),
    # a bad date is a typo whatever the target (the date itself is only used for a planet)
    ({"target": "llo", "departure": "yesterday"},
     'expected an ISO date "YYYY-MM-DD" (UTC), e.g. "2033-04-30", got \'yesterday\''),
]


def _scenario(table: dict) -> dict:
    return {"workload": {"kind": "inference", "sustained_compute": "1 PFLOPS"}, "architectures": {"moonbase": table}}


@pytest.mark.parametrize(("table", "message"), _REFUSED, ids=[str(t) for t, _ in _REFUSED])
def test_a_bad_departure_is_refused_when_the_scenario_is_validated(registry, table, message):
    from sandbox.core.scenario import ScenarioError, validate

    with pytest.raises(ScenarioError) as err:
        validate(_scenario(table), registry, "s.toml")
    assert err.value.problems == [f"s.toml: architectures.moonbase.departure: {message}"]


def test_dates_inside_the_ephemeris_and_iso_date_times_are_accepted(registry):
    from sandbox.core.scenario import validate

    for table in ({"departure": "1900-01-01"}, {"departure": "2099-03-27", "time_of_flight": "280 d"},
                  {"departure": "2033-04-30T12:00"}, {"departure": "2033-04-30 12:00:00.5"},
                  {"target": "llo", "departure": "9999-12-31"}):  # not a planet: the (valid) date is not used
        validate(_scenario(table), registry, "s.toml")


def test_the_bound_is_where_the_ephemeris_stops_warning(monkeypatch):
    """Inside [1900-01-01, 2100-01-01] the transfer is computed without an ERFA range warning; a day before the
    first date (refused above) ERFA epv00 warns "date outside the range 1900-2100 AD"."""
    import warnings

    import astropy.units as u

    from sandbox import trajectory

    monkeypatch.setenv("SANDBOX_ORBIT_MEMO", "0")  # compute, do not read a remembered transfer
    for departure, tof in (("1900-01-01", 280.0), ("2099-03-27", 280.0)):
        with warnings.catch_warnings():
            warnings.filterwarnings("error", message=".*outside")
            t = trajectory.interplanetary_transfer("Earth", "Mars", departure, tof * u.day)
        assert 0.0 < t.v_inf_departure.to_value(u.km / u.s) < 50.0
    with pytest.warns(Warning, match='"epv00" yielded 1 of "warning: date outside'):
        trajectory.interplanetary_transfer("Earth", "Mars", "1899-12-31", 280 * u.day)


def test_the_design_refuses_what_check_refuses(registry):
    # a study's points are not validated one by one: the design refuses the same departure
    from sandbox.core.params import Params, check_value
    from sandbox.core.scenario import default_params

    spec = registry.architectures["moonbase"]
    values, _ = default_params(spec, registry)
    values["departure"] = check_value(spec.param("departure"), "2033-02-30")
    params = Params(values, frozenset(), {})
    ((key, message),) = spec.check(params)
    assert key == "departure"
    with pytest.raises(ValueError) as info:
        spec.design(params, None)  # refused before the design reads its context
    assert str(info.value) == f"departure: {message}"


def _cli(tmp_path, text: str, *args: str) -> subprocess.CompletedProcess:
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "sandbox", *args, "s.toml"], capture_output=True, text=True,
                          cwd=tmp_path, timeout=300)


_CLI_SCENARIO = """
[workload]
kind = "inference"
sustained_compute = "1 PFLOPS"
[architectures.moonbase]
departure = "{departure}"
time_of_flight = "309 d"
"""


def test_the_command_line_refuses_a_bad_departure_in_one_line_before_running(tmp_path):
    for command in ("validate", "run"):
        done = _cli(tmp_path, _CLI_SCENARIO.format(departure="2033-02-30"), command)
        assert done.returncode == 2
        assert done.stdout == ""
        assert done.stderr.splitlines() == [
            "error: s.toml: architectures.moonbase.departure: '2033-02-30' is not a calendar date (day is out of range "
            'for month); write an ISO date "YYYY-MM-DD", e.g. "2033-04-30"']


def test_a_good_departure_still_runs_from_the_command_line(tmp_path):
    """Curtis Ex. 8.8 departure (1996-11-07, 309 d to Mars): v∞ = 3.1644 km/s (3 %: astropy ephemeris); the same
    instant written as an ISO date-time gives the same arc."""
    done = _cli(tmp_path, _CLI_SCENARIO.format(departure="1996-11-07"), "run", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    records = {r["metric"]: r["value"] for r in json.loads(done.stdout)["records"] if r["architecture"] == "moonbase"}
    assert records["trajectory.v_inf_earth"] == pytest.approx(3.1644, rel=0.03)
    v_inf = moonbase._transfer("mars", "1996-11-07T00:00:00", 309.0)[0]
    assert records["trajectory.v_inf_earth"] == v_inf / 1e3


def test_the_base_and_its_plant_are_paid_off_over_the_campaign_and_a_note_says_why():
    """The fission plant's design life is longer than the campaign, but the base serves that campaign alone: every
    element is recovered over campaign_years (here 4), with a note."""
    led = run({"campaign_years": 4})
    lines = led.metric("cost.annual").inputs
    assert sum(line.startswith("Moonbase Alpha") for line in lines) == 2  # the base and the plant
    assert all(line.endswith("life 4 yr)") for line in lines if line.startswith("Moonbase Alpha"))
    (note,) = [n for n in led.notes if n.startswith("life: ")]
    assert note == ("life: the base, the driver and the plant are paid off over the 4-year campaign, not the plant's own "
                    "design life: they serve that campaign alone (docs/models.md, one envelope)")


def test_probe_arrays_are_sized_at_aphelion_and_radiators_at_perihelion():
    """A probe that stays at Mars sees the Sun from a (1 − e) to a (1 + e): a = 1.524 AU, e = 0.0935 (NASA GSFC Planetary
    Fact Sheet), 1.3815 to 1.6665 AU. Its arrays were sized at the mean distance, 1,360.8 / 1.524² = 585.9 W/m², 16 % more
    sunlight than at aphelion, 1,360.8 / 1.6665² = 490.0 W/m²; the radiators' hot case is perihelion."""
    led = run({})
    (line,) = [i for i in led.metric("power.array_area").inputs if i.startswith("AI probes to mars")]
    aphelion = 1.524 * (1 + 0.0935)
    assert f"flux {1360.8 / aphelion**2:.1f} W/m2 at {aphelion:g} AU" in line
    assert 1360.8 / aphelion**2 == pytest.approx(490.0, abs=0.05)
    (note,) = [n for n in led.notes if "aphelion" in n]
    assert note.startswith(f"probes at 1.67 AU from the Sun at Mars's aphelion (arrays; radiators at perihelion, "
                           f"{1.524 * (1 - 0.0935):.3g} AU)")


def test_the_probes_and_the_plant_ride_with_the_base():
    """Probes, base and plant land at one site on one manifest (Starship, 100 t, 1,000 m³ to LEO). Alone: the
    probes' electronics 1 flight, the base ceil(max(m/100 t, V/1,000 m³)) pieces, the plant 1 flight. Together the
    base keeps its full flights and the part-filled loads (the base's last piece, the probes, the plant) are packed
    whole: one flight if all three fit, two if any two do, else three."""
    led = run({"target": "mars"})
    lines = led.metric("launch.flights").inputs
    loads = {}
    for line in lines:
        name, count, kg, m3 = re.match(r"(.*): ([\d.e+]+) units of ([\d.e+]+) kg / ([\d.e+]+) m3", line).groups()
        loads[name] = (float(count), float(kg), float(m3))
    (probes,) = [v for k, v in loads.items() if k.startswith("AI probes")]
    (base,) = [v for k, v in loads.items() if "driver and base" in k]
    (plant,) = [v for k, v in loads.items() if " plant " in k]
    assert probes[0] * probes[1] <= 100e3 and plant[1] <= 100e3  # each one flight alone
    ratio = max(base[1] / 100e3, base[2] / 1000.0)
    pieces = math.ceil(ratio)
    last = base[1] * (ratio - (pieces - 1)) / ratio  # the base's last piece, kg
    alone = 1 + pieces + 1
    items = [last, probes[0] * probes[1], plant[1]]  # kg; at 150 kg/m³ a 1,000 m³ fairing holds 150 t: mass binds
    assert all(v[1] / v[2] >= 100.0 for v in (probes, base, plant))
    pairs = any(a + b <= 100e3 for i, a in enumerate(items) for b in items[i + 1:])
    together = (pieces - 1) + (1 if sum(items) <= 100e3 else 2 if pairs else 3)
    assert together < alone
    assert led.get("launch.flights") == together
    assert led.get("launch.tanker_flights") == pytest.approx(9 * together, rel=1e-12)  # fractional shares, summed
    (note,) = [n for n in led.notes if n.startswith("manifest 'landing on the Moon'")]
    assert f"{together} flights instead of {alone}" in note
