"""In-orbit servicing through the engine's repair policy: delivered compute and its cost, by hand."""

from __future__ import annotations

import dataclasses
import math

import pytest

from sandbox import Servicing, api
from sandbox.core.scenario import validate


def test_servicing_raises_delivered_compute_as_the_hand_calculation_predicts(registry):
    """Without repair a chip works a mean fraction (1 − e^(−λT))/(λT) of the life T; a servicer visiting
    v times a year replaces failed chips, so the mean fraction is that formula over T = 1/v instead."""
    s = validate({"architectures": {"leo": {"model_latency": False, "satellites": 20}}}, registry)
    base = api.run(s, registry)
    design = base.designs["leo"]
    sat = design.elements[0]
    lam, life = sat.failure_rate_per_year, base.ledgers["leo"].get("life.effective")
    visits = 2.0
    serviced = dataclasses.replace(sat, repair="servicing",
                                   servicing=Servicing(visits_per_year=visits, cost_per_visit_usd=1e6,
                                                       launch_kg_per_visit=100.0, vehicle="Starship"))
    unrepaired = (1 - math.exp(-lam * life)) / (lam * life)
    between_visits = (1 - math.exp(-lam / visits)) / (lam / visits)
    from sandbox.ledger.element import evaluate_element

    plain, _, _ = evaluate_element(sat, registry, 0.08)
    fixed, _, _ = evaluate_element(serviced, registry, 0.08)
    assert fixed["compute.delivered"] / plain["compute.delivered"] == pytest.approx(between_visits / unrepaired, rel=1e-12)
    # cost: visits × (1 M + 100 kg at the Starship price per kg) + replaced chips and their launch
    ship = registry.catalogues.launch_vehicles["Starship"]
    usd_per_kg = ship.price_usd / ship.payload("LEO")
    chip = registry.catalogues.chips[sat.chip]
    # each visit replaces what failed since the last, n (1 − e^(−λ/v)), v visits a year (λ n would replace more chips
    # than can have failed: 0.2/yr × n against 0.1903 n at two visits a year)
    replaced = sat.count * sat.chips_per_unit * (1 - math.exp(-lam / visits)) * visits
    per_year = (visits * (1e6 + 100.0 * usd_per_kg) + replaced * chip.cost_usd
                + replaced * (chip.mass_kg + sat.host_fraction * chip.host_mass_kg) * usd_per_kg)
    assert fixed["opex.repair"] == pytest.approx(per_year, rel=1e-12)
    assert plain["opex.repair"] == 0.0
