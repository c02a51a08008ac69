"""The one end-to-end latency model: every architecture's query takes the same path shape.

    user → terrestrial network (round trip) → the space segment's path (round trip) → processing

- ``links.user_network_rtt_s``: from the user to the data centre, or to the ground station or
  teleport the space segment answers through — the same for every architecture;
- the path between that point and the compute: the plugin's samples when it modelled the path
  (waits for passes, inter-satellite hops, serialisation), else from the site's ``link_path``:
  ``"direct"`` = round-trip light time over ``distance_to_earth_m`` (0 on the ground) or
  ``"geo-relay"`` = from the element to a geostationary relay and down to its ground terminal, both ways (the
  one-way ground-relay-ground path is ``links.geo_relay_path_m``; an element below GEO is nearer the relay);
- ``links.query_processing_time_s``: the time to answer once the query reaches the compute —
  the same for every architecture.

So no architecture in space answers faster than the ground, which adds only the user's network
time to the same processing; a light time alone is never reported as a service latency.
Quantiles are taken of the path samples and the constant parts added (adding a constant
commutes with a quantile), so the constants may be arrays of one value per study point.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sandbox.core.design import Design
from sandbox.ledger.inputs import NOMINAL, LedgerInputs

QUANTILES = (50, 95)


def path_samples_s(design: Design, models: Any, inputs: LedgerInputs = NOMINAL) -> tuple[Any, bool, str]:
    """(round-trip path samples in s — or a 0-d value/array per point —, modelled by the plugin?, how)."""
    if design.latency_samples_s is not None and len(design.latency_samples_s):
        return np.asarray(design.latency_samples_s, dtype=float), True, "the plugin's path samples (design.latency_samples_s)"
    compute = [el for el in design.elements if el.chips_per_unit > 0 and el.chip] or list(design.elements)
    far = max(compute, key=lambda el: el.site.distance_to_earth_m)
    c = models.value("links.speed_of_light_m_s")
    if far.site.link_path == "geo-relay":
        relay = inputs.model(models, "links.geo_relay_path_m")  # ground -> relay -> ground terminal, one way
        half = relay / 2.0  # the relay's height above the ground
        # from the element up (or down) to the relay, then down to the ground terminal: an element below GEO is
        # that much nearer the relay than its ground terminal is
        path = 2.0 * (np.abs(half - far.site.distance_to_earth_m) + half) / c
        how = (f"round-trip light time from {far.site.distance_to_earth_m / 1e3:,.0f} km [site of {far.name!r}] through "
               "a GEO data relay to its ground terminal, both ways [links.geo_relay_path_m] (approximation)")
    elif far.site.link_path == "direct":
        path = 2.0 * far.site.distance_to_earth_m / c
        how = (f"round-trip light time over {far.site.distance_to_earth_m / 1e3:,.0f} km [site of {far.name!r}]"
               + (" (approximation: a link always in view)" if far.site.kind != "ground" else ""))
    else:
        raise ValueError(f"element {far.name!r}: link_path must be 'direct' or 'geo-relay', got {far.site.link_path!r}")
    return np.asarray(path, dtype=float), False, how


def end_to_end(design: Design, models: Any, inputs: LedgerInputs = NOMINAL) -> dict[str, Any]:
    """The latency parts and quantiles (s): ``user_network``, ``path_p50``/``path_p95``, ``processing``,
    ``p50``/``p95`` (totals), ``modelled`` (the plugin modelled the path) and ``how`` (a trace)."""
    samples, modelled, how = path_samples_s(design, models, inputs)
    user = inputs.model(models, "links.user_network_rtt_s")
    processing = inputs.model(models, "links.query_processing_time_s")
    if modelled:  # the shared summary: a quantile reaching into samples that never arrive (∞) is ∞, not NaN
        found = models.links.percentile_summary(samples, QUANTILES)
        qs = {q: float(found[q]) for q in QUANTILES}
    else:
        qs = {q: samples if samples.ndim else float(samples) for q in QUANTILES}
    out: dict[str, Any] = {"user_network": user, "processing": processing, "modelled": modelled, "how": how}
    for q in QUANTILES:
        out[f"path_p{q}"] = qs[q]
        out[f"p{q}"] = user + qs[q] + processing
    return out
