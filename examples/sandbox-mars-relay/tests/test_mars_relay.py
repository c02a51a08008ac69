"""Tests of the Mars relay plugin against hand calculations, as its author would write them.

Install first (``pip install examples/sandbox-mars-relay``): these tests use the installed entry
point, as users get it, so ``sandbox_run`` (the pytest fixture that comes with ``space-sandbox``)
needs no ``plugins=``.

Inputs of the hand calculations, each with its source:
- speed of light c = 299,792,458 m/s and Planck constant h = 6.62607015e-34 J s (SI, exact);
- average Earth-Mars distance 225 million km (NASA); closest 54.6 million km;
- DSOC-class terminal: 4 W average at 1550 nm through a 22 cm telescope, received by the 5.1 m
  Hale telescope (NASA/JPL DSOC); 10 photons per bit and 30 % optical efficiency (Hemmati 2006);
- Mars: sidereal day 24.6229 h, semi-major axis 227.956e6 km (NASA Mars Fact Sheet); GM 42,828.3744
  km3/s2 and radius 3,396.19 km, the Sun's GM 1.32712440018e11 km3/s2, the Earth's 398,600.4418 km3/s2
  and radius 6,378.1366 km (the orbit library's bodies); 1 AU = 149,597,870.7 km (IAU 2012);
- NVIDIA H100 SXM: 989.4 TFLOP/s dense fp16, 700 W, and its share of a DGX H100 host, 575 W (NVIDIA
  H100 and DGX H100 data sheets);
- shared defaults: utilisation 0.30, checkpoint 0 when serving (0.05 in training), scrub 0.01, 0.2 failures per chip-year in space
  (no repair), a user network round trip of 30 ms and 5 s of processing per query.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import astropy.units as u
import pytest
import sandbox_mars_relay as plugin

from sandbox import api
from sandbox.core.scenario import ScenarioError

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "mars_relay.toml"
C = 299_792_458.0
H = 6.62607015e-34

RUN = """
[workload]
sustained_compute = "20 PFLOPS"
precision = "fp16"
[architectures.marsrelay]
{extra}
"""


@pytest.fixture(scope="module")
def relay_result():
    """The scenario above with the defaults (average Earth-Mars distance), run once for the module."""
    result = api.run(tomllib.loads(RUN.format(extra="")))
    assert result.failures == {}
    return result


def link_rate_bps(distance_m: float) -> float:
    """Photon-budget rate by hand: P_r = P eta (pi D_t D_r / (4 lambda d))^2, R = P_r / (n h c / lambda)."""
    lam = 1550e-9
    received_w = 4.0 * 0.3 * (math.pi * 0.22 * 5.1 / (4 * lam * distance_m)) ** 2
    return received_w / (10 * H * C / lam)


def test_relay_rate_from_the_optical_link_budget(relay_result):
    ledger = relay_result.ledgers["marsrelay"]
    # P_r = 4 x 0.3 x (pi x 0.22 x 5.1 / (4 x 1550e-9 x 2.25e11))^2 = 7.6616e-12 W;
    # one photon 1.28158e-19 J, 10 per bit -> 7.6616e-12 / 1.28158e-18 = 5.9782e6 bit/s
    assert link_rate_bps(2.25e11) == pytest.approx(5.97824e6, rel=1e-5)
    assert ledger.get("link.to_earth") == pytest.approx(link_rate_bps(2.25e11) / 1e9, rel=1e-9)
    assert ledger.get("relay.link_rate") == pytest.approx(5.97824, rel=1e-5)
    # what one relay returns in a day: 5.97824e6 bit/s x 86,400 s / 8 = 64.565 GB
    assert ledger.get("relay.data_per_day") == pytest.approx(64.565, rel=1e-4)


def test_light_time_dominates_the_latency(relay_result):
    ledger = relay_result.ledgers["marsrelay"]
    # one way: 2.25e11 m / c = 750.519 s; the path of a query and its 1 MB answer:
    # 2 x 750.519 s + 8e6 bit / 5.97824e6 bit/s = 1,502.377 s
    one_way = 2.25e11 / C
    path = 2 * one_way + 8e6 / link_rate_bps(2.25e11)
    assert one_way == pytest.approx(750.519, abs=1e-3)
    assert ledger.get("relay.light_time") == pytest.approx(one_way, rel=1e-12)
    assert ledger.get("latency.path_p50") == pytest.approx(path, rel=1e-9)
    # the engine adds what every architecture's query pays: 30 ms of user network and 5 s of processing
    assert ledger.get("latency.p50") == pytest.approx(path + 0.03 + 5.0, rel=1e-9)
    assert ledger.get("latency.p50") == pytest.approx(1507.407, abs=1e-3)


def test_at_closest_approach_the_link_is_faster_by_the_square_of_the_distance(sandbox_run):
    result = sandbox_run(RUN.format(extra='earth_distance = "54.6e6 km"'))
    ledger = result.ledgers["marsrelay"]
    # (225 / 54.6)^2 = 16.98 times the rate: 101.52 Mbit/s; light time 5.46e10 / c = 182.126 s one way
    assert ledger.get("relay.link_rate") == pytest.approx(5.97824 * (225 / 54.6) ** 2, rel=1e-5)
    assert ledger.get("relay.light_time") == pytest.approx(182.126, abs=1e-3)


def test_transfer_to_mars_matches_the_textbook():
    leg = plugin.transfer_to_mars(300 * u.km)
    mu_sun, r1, r2 = 1.32712440018e11, 149_597_870.7, 227.956e6
    # heliocentric Hohmann: v_inf = sqrt(mu/r1) (sqrt(2 r2 / (r1 + r2)) - 1) = 2.9436 km/s at departure
    v_inf_dep = math.sqrt(mu_sun / r1) * (math.sqrt(2 * r2 / (r1 + r2)) - 1)
    v_inf_arr = math.sqrt(mu_sun / r2) * (1 - math.sqrt(2 * r1 / (r1 + r2)))
    assert leg["v_inf_departure_km_s"] == pytest.approx(v_inf_dep, rel=1e-6)
    assert leg["v_inf_arrival_km_s"] == pytest.approx(v_inf_arr, rel=1e-6)
    # leaving a 300 km circular orbit: sqrt(v_inf^2 + 2 mu_E / r) - sqrt(mu_E / r), r = 6,678.1366 km
    mu_e, r_p = 398_600.4418, 6_678.1366
    dv_dep = math.sqrt(v_inf_dep**2 + 2 * mu_e / r_p) - math.sqrt(mu_e / r_p)
    assert leg["dv_departure_km_s"] == pytest.approx(dv_dep, rel=1e-6)
    # Curtis, Orbital Mechanics for Engineering Students (3rd ed.), Example 8.3: v_inf 2.943 km/s, dv 3.590 km/s
    # (Curtis rounds the orbit radii to 149.6e6 and 227.9e6 km: 2.9452 here)
    assert leg["v_inf_departure_km_s"] == pytest.approx(2.943, abs=3e-3)
    assert leg["dv_departure_km_s"] == pytest.approx(3.590, abs=2e-3)
    # capture straight into areostationary orbit, r = (mu_M T^2 / 4 pi^2)^(1/3) = 20,427.65 km
    mu_m, sol = 42_828.3744, 24.6229 * 3600
    r_a = (mu_m * sol**2 / (4 * math.pi**2)) ** (1 / 3)
    assert plugin.areostationary_radius_km() == pytest.approx(r_a, rel=1e-9)
    assert r_a == pytest.approx(20_427.65, abs=0.01)
    assert leg["dv_capture_km_s"] == pytest.approx(math.sqrt(v_inf_arr**2 + 2 * mu_m / r_a) - math.sqrt(mu_m / r_a), rel=1e-6)
    # half the transfer ellipse: pi sqrt(a^3 / mu) = 258.88 d (Curtis: 259 days)
    a = (r1 + r2) / 2
    assert leg["time_of_flight_d"] == pytest.approx(math.pi * math.sqrt(a**3 / mu_sun) / 86_400, rel=1e-6)
    assert leg["time_of_flight_d"] == pytest.approx(258.88, abs=0.01)


def test_stations_are_sized_to_the_workload(relay_result):
    ledger = relay_result.ledgers["marsrelay"]
    # 5 yr design life (the dose at 2.7 g/cm2 does not shorten it); no repair: mean survival
    # (1 - e^(-0.2 x 5)) / (0.2 x 5) = 0.632121; per station 64 x 989.4e12 x 0.30 x (1 - 0.01 scrub) x 0.632121
    # = 11.89 PFLOP/s before single events (serving writes no checkpoints; the radiation model takes off under 5 %
    # in deep space)
    assert ledger.get("life.effective") == pytest.approx(5.0)
    per_station = 64 * 989.4e12 * 0.30 * 0.99 * (-math.expm1(-1.0)) / 1e15
    assert per_station == pytest.approx(11.89, abs=0.01)
    # 20 PFLOP/s: ceil(20 / 11.89) = 2 stations, and still 2 with any single-event loss up to 5 %
    assert math.ceil(20 / per_station) == math.ceil(20 / (0.95 * per_station)) == 2
    assert ledger.get("compute.units") == 2 and ledger.get("compute.chips") == 128
    assert 0.95 * 2 * per_station < ledger.get("compute.delivered") <= 2 * per_station
    assert ledger.get("compute.delivered") >= 20.0
    # load: 2 stations x 64 x (700 W chip + 575 W host) x 1.1 (bus) + 2 relays x 100 W
    assert ledger.get("power.load") == pytest.approx((2 * 64 * (700 + 575) * 1.1 + 2 * 100) / 1e6)


def test_eclipses_of_areostationary_orbit_at_equinox(relay_result):
    ledger = relay_result.ledgers["marsrelay"]
    # cylindrical shadow, beta = 0: f = asin(R / r) / pi = asin(3,396.19 / 20,427.65) / pi = 0.053167
    f = math.asin(3396.19 / plugin.areostationary_radius_km()) / math.pi
    assert ledger.get("station.eclipse_fraction") == pytest.approx(f, rel=1e-9)
    assert f == pytest.approx(0.053167, abs=1e-6)
    design = relay_result.designs["marsrelay"]
    # the longest dark period storage bridges: 0.053167 x 88,642.44 s = 4,713 s
    assert design.elements[0].site.longest_dark_s == pytest.approx(f * 24.6229 * 3600, rel=1e-9)


def test_years_to_service_wait_for_a_launch_window(relay_result):
    ledger = relay_result.ledgers["marsrelay"]
    mu_sun = 1.32712440018e11
    period = lambda a: 2 * math.pi * math.sqrt(a**3 / mu_sun)  # noqa: E731 - Kepler's third law, s
    synodic = 1 / (1 / period(149_597_870.7) - 1 / period(227.956e6))  # 779.9 d between windows
    assert synodic / 86_400 == pytest.approx(779.9, abs=0.5)
    # 3 yr lead time + half a synodic period of mean wait + 258.88 d in transit
    expected = 3.0 + synodic / 2 / 3.15576e7 + 258.883 / 365.25
    assert ledger.get("time.years_to_service") == pytest.approx(expected, rel=1e-5)


def test_the_relays_carry_no_compute(relay_result):
    design = relay_result.designs["marsrelay"]
    relay = design.elements[1]
    assert (relay.name, relay.count, relay.chip, relay.chips_per_unit) == ("laser relays", 2, None, 0)
    assert relay.extra_mass_kg == {"optical terminal": 30.0}


def test_power_source_parameters_accept_only_their_kind(sandbox_run):
    with pytest.raises(ScenarioError, match=r"architectures\.marsrelay\.solar: 'Li-ion-space' is a storage power "
                                            r"source, but this parameter takes only a power source of kind 'solar'"):
        sandbox_run(RUN.format(extra='solar = "Li-ion-space"'))


def test_installed_through_the_sandbox_entry_point_group():
    (ep,) = [e for e in metadata.entry_points(group="sandbox") if e.name == "mars_relay"]
    assert ep.value == "sandbox_mars_relay"
    assert (ep.dist.name, ep.dist.version) == ("sandbox-mars-relay", "0.1.0")
    # installed as a third party installs it: a copy in site-packages, not this source folder
    assert Path(plugin.__file__).resolve().parent != Path(__file__).resolve().parent.parent / "sandbox_mars_relay"


def test_the_scenario_runs_from_the_command_line_without_a_warning():
    proc = subprocess.run([sys.executable, "-m", "sandbox", "run", str(SCENARIO)], capture_output=True, text=True,
                          env=dict(os.environ, SANDBOX_CLI_CACHE="0"), timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""  # nothing but the table: no warning from the plugin, the sandbox or its libraries
    header = next(line for line in proc.stdout.splitlines() if line.startswith("metric"))
    assert header.split()[2:] == ["marsrelay", "ground"]
