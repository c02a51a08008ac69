"""In-orbit servicing wired into the space plugins (servicing_params): delivered compute, sizing and cost by hand.

Without repair a chip works a mean fraction s̄ = (1 − e^(−λT))/(λT) of a life T (exponential failures); a servicer
that visits every unit v times a year and replaces the failed chips resets the clock, so the mean working fraction
is the same formula over 1/v. Costs: each visit to each unit costs its price plus its launched mass at the
carrier's price per kg of LEO payload; every failed chip is replaced (parts × chip price) and flown up with its host.
"""

from __future__ import annotations

import math
import subprocess
import sys

import pytest

from sandbox import api

STARSHIP = {"type": "starship", "orbit": "sso", "chip": "B200", "chips_per_module": 1000}
SERVICED = {"repair": "servicing", "servicing_visits": "2 1/yr", "servicing_cost": "5e6 USD",
            "servicing_launch_mass": "400 kg", "servicing_vehicle": "Starship", "servicing_parts_fraction": 0.8}


def _run(registry, architectures, workload="20000 PFLOPS"):
    result = api.run({"workload": {"sustained_compute": workload, "precision": "fp16"}, "architectures": architectures},
                     registry)
    assert result.failures == {}, result.failures
    return result


@pytest.fixture(scope="module")
def fixed(registry):
    """Ten modules with and without servicing."""
    return _run(registry, {"plain": {**STARSHIP, "modules": 10}, "serviced": {**STARSHIP, "modules": 10, **SERVICED}})


def _mean(lam, t):
    return (1 - math.exp(-lam * t)) / (lam * t)


def test_servicing_raises_delivered_compute_of_starship_modules_as_predicted(fixed, registry):
    plain, serviced = fixed.ledgers["plain"], fixed.ledgers["serviced"]
    lam = 0.2                                    # compute.DEFAULTS failure_rate_per_year_space
    life = plain.get("life.effective")           # 5 yr in a 550 km dawn-dusk SSO
    assert life == pytest.approx(5.0)
    ratio = _mean(lam, 0.5) / _mean(lam, life)   # 0.9516 / 0.6321 = 1.505
    assert serviced.get("compute.delivered") / plain.get("compute.delivered") == pytest.approx(ratio, rel=1e-12)
    assert ratio == pytest.approx(1.5055, abs=1e-4)


def test_servicing_costs_per_visit_to_each_module_plus_parts(fixed, registry):
    serviced = fixed.ledgers["serviced"]
    ship = registry.catalogues.launch_vehicles["Starship"]
    b200 = registry.catalogues.chips["B200"]
    usd_per_kg = ship.price_usd / ship.payload("LEO")
    modules, chips = 10, 10 * 1000
    visits = 2 * modules * (5e6 + 400 * usd_per_kg)
    replaced = chips * -math.expm1(-0.2 / 2) * 2  # what failed between two visits a year: 0.1903 per chip-year
    parts = replaced * (0.8 * b200.cost_usd + (b200.mass_kg + b200.host_mass_kg) * usd_per_kg)
    assert serviced.get("opex.repair") * 1e6 == pytest.approx(visits + parts, rel=1e-12)
    assert fixed.ledgers["plain"].get("opex.repair") == 0.0   # default: no servicing, nothing changes


def test_servicing_lets_the_engine_size_fewer_modules(fixed, registry):
    """Sized to the workload: ceil(workload / delivered per module), with the serviced module delivering more."""
    per_module = fixed.ledgers["plain"].get("compute.delivered") / 10          # PFLOP/s
    ratio = _mean(0.2, 0.5) / _mean(0.2, 5.0)
    sized = _run(registry, {"plain": STARSHIP, "serviced": {**STARSHIP, **SERVICED}})
    count = {name: next(m.value for m in sized.designs[name].metrics if m.name == "module.count") for name in ("plain", "serviced")}
    assert count["plain"] == math.ceil(20000 / per_module)
    assert count["serviced"] == math.ceil(20000 / (per_module * ratio))
    assert count["serviced"] < count["plain"]


def test_leo_servicing_visits_every_satellite(registry):
    """In the LEO plugin a visit round covers every satellite: the visits' cost follows the count."""
    leo = {"type": "leo", "model_latency": False, "satellites": 20}
    res = _run(registry, {"plain": leo, "serviced": {**leo, **SERVICED}}, workload="10 PFLOPS")
    sat = res.designs["serviced"].elements[0]
    assert sat.count == 20 and sat.repair == "servicing"
    assert sat.servicing.cost_per_visit_usd == pytest.approx(20 * 5e6) and sat.servicing.launch_kg_per_visit == 20 * 400
    lam, life = sat.failure_rate_per_year, res.ledgers["plain"].get("life.effective")
    ratio = _mean(lam, 0.5) / _mean(lam, life)
    assert res.ledgers["serviced"].get("compute.delivered") / res.ledgers["plain"].get("compute.delivered") == pytest.approx(
        ratio, rel=1e-12)


def test_lagrange_takes_the_servicing_option(registry):
    res = _run(registry, {"station": {"type": "lagrange", "target_power": "10 MW", **SERVICED}}, workload="1000 PFLOPS")
    """One station (count 1): two visits a year at 5 M USD + 400 kg each, and every failed chip replaced."""
    el = res.designs["station"].elements[0]
    assert el.repair == "servicing" and el.servicing.visits_per_year == pytest.approx(2.0)
    ship = registry.catalogues.launch_vehicles["Starship"]
    b200 = registry.catalogues.chips["B200"]
    usd_per_kg = ship.price_usd / ship.payload("LEO")
    chips = math.ceil(10e6 / b200.power_w - 1e-9)   # target_power / chip W
    assert el.chips_per_unit == chips
    expected = 2 * (5e6 + 400 * usd_per_kg) + chips * -math.expm1(-0.2 / 2) * 2 * (0.8 * b200.cost_usd + (b200.mass_kg + b200.host_mass_kg) * usd_per_kg)
    assert res.ledgers["station"].get("opex.repair") * 1e6 == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(("line", "expected"), [
    ('repair = "sometimes"', "architectures.s.repair"),
    ('servicing_visits = "0 1/yr"', "architectures.s.servicing_visits: expected a value > 0"),
    ("servicing_parts_fraction = 2", "architectures.s.servicing_parts_fraction: expected a value <= 1"),
    ('servicing_vehicle = "Saturn VI"', "architectures.s.servicing_vehicle: no launch vehicle named 'Saturn VI'"),
])
def test_bad_servicing_input_one_line_exit_2(tmp_path, line, expected):
    path = tmp_path / "bad.toml"
    path.write_text(f'[study]\nname = "t"\n[workload]\nsustained_compute = "10 PFLOPS"\n'
                    f'[architectures.s]\ntype = "starship"\n{line}\n')
    proc = subprocess.run([sys.executable, "-m", "sandbox", "validate", str(path)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}: ") and expected in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr
