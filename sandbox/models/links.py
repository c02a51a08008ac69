"""Links and latency: light time, RF and optical link budgets, waiting for a pass, summaries.

SI floats: m, s, Hz, W, bit, bit/s; gains and losses in dB where the name says ``_db``/``_dbi``.
Capacity falls as 1/d² once a link is power-limited; the modem rate caps it at short range.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from sandbox.core.sourced import Sourced
from sandbox.models._util import FloatOrArray, arr, is_scalar, out, reject

__all__ = [
    "DEFAULTS",
    "SPEED_OF_LIGHT_M_S",
    "PLANCK_J_S",
    "BOLTZMANN_J_K",
    "light_time_s",
    "free_space_path_loss_db",
    "shannon_capacity_bps",
    "rf_received_power_w",
    "rf_link_rate_bps",
    "aperture_gain",
    "optical_received_power_w",
    "optical_link_rate_bps",
    "pass_wait_s",
    "transfer_time_s",
    "percentile_summary",
]

#: Speed of light in vacuum, m/s (exact, SI).
SPEED_OF_LIGHT_M_S = 299_792_458.0
#: Planck constant, J s (exact, SI 2019).
PLANCK_J_S = 6.62607015e-34
#: Boltzmann constant, J/K (exact, SI 2019).
BOLTZMANN_J_K = 1.380649e-23

_HEMMATI = "Hemmati (ed.), Deep Space Optical Communications, JPL DESCANSO series (Wiley 2006)"

DEFAULTS: dict[str, Sourced] = {
    "speed_of_light_m_s": Sourced(SPEED_OF_LIGHT_M_S, "m/s", "SI Brochure, 9th ed. (BIPM 2019): exact by definition"),
    "planck_constant_j_s": Sourced(PLANCK_J_S, "J s", "SI Brochure, 9th ed. (BIPM 2019): exact by definition"),
    "boltzmann_constant_j_k": Sourced(BOLTZMANN_J_K, "J/K", "SI Brochure, 9th ed. (BIPM 2019): exact by definition"),
    "isl_laser_rate_bps": Sourced(
        100e9,
        "bit/s",
        "ADA Space / Zhejiang Lab computing constellation: 100 Gbit/s laser inter-satellite links (CASC "
        "announcement, SpaceNews 14 May 2025); NASA TBIRD 2023 "
        "(200 Gbit/s space-to-ground from a 6U CubeSat, MIT Lincoln Laboratory); ESA EDRS SpaceDataHighway "
        "(1.8 Gbit/s LEO-GEO optical link)",
        low=1.8e9,
        high=200e9,
        note="modem (terminal) rate cap of an optical ISL at short range",
    ),
    "optical_tx_power_w": Sourced(
        4.0,
        "W",
        "NASA/JPL Deep Space Optical Communications (DSOC) flight laser transceiver on Psyche: 4 W average, "
        "1550 nm, 22 cm aperture",
        low=1.0,
        high=20.0,
    ),
    "optical_aperture_m": Sourced(
        0.10,
        "m",
        "Tesat Laser Communication Terminal (EDRS/Sentinel-1/2): 135 mm telescope; DSOC flight terminal 0.22 m",
        low=0.05,
        high=0.30,
        note="telescope diameter of a space terminal; ground receivers are larger (DSOC: 5.1 m Hale)",
    ),
    "wavelength_m": Sourced(1550e-9, "m", "Telecom C-band laser wavelength used by DSOC and most ISL terminals"),
    "photons_per_bit": Sourced(
        10.0,
        "",
        _HEMMATI + " (photon-counting PPM receivers reach ~1-3 photons/bit; coherent and practical "
        "direct-detection receivers need tens)",
        low=1.0,
        high=100.0,
        note="receiver sensitivity at the target bit error rate",
    ),
    "optical_link_efficiency": Sourced(
        0.3,
        "",
        _HEMMATI + " (link budgets: optics transmission, pointing loss, detector efficiency)",
        low=0.1,
        high=0.6,
        note="product of all optical losses between transmitter output and detected photons (assumption)",
    ),
    "ka_band_downlink_rate_bps": Sourced(
        1e9,
        "bit/s",
        "NASA Near Space Network Ka-band services (order 1 Gbit/s class for Earth-observation downlinks); "
        "NASA SOA Small Spacecraft Technology 2023, ch. 9 'Communications'",
        low=1e8,
        high=1e10,
        note="one satellite-to-ground Ka-band link at modem cap (assumption within the quoted span)",
    ),
    "rf_system_noise_temperature_k": Sourced(
        300.0,
        "K",
        "Maral & Bousquet, Satellite Communications Systems, 5th ed. (Wiley 2009), ch. 5 (system noise temperature "
        "of earth-station and satellite receivers)",
        low=100.0,
        high=600.0,
    ),
    "rf_implementation_loss_db": Sourced(
        3.0,
        "dB",
        "ETSI EN 302 307 (DVB-S2): MODCODs operate ~1 dB from Shannon in AWGN; plus ~1-3 dB implementation and "
        "margin (Maral & Bousquet 2009)",
        low=1.0,
        high=6.0,
        note="gap to Shannon capacity applied to the SNR",
    ),
}


def light_time_s(distance_m: ArrayLike) -> FloatOrArray:
    """One-way light time in vacuum: ``t = d / c``."""
    scalar = is_scalar(distance_m)
    d = arr(distance_m)
    bad = reject(d < 0, scalar, "distance_m must be >= 0")
    return out(np.where(bad, np.nan, d / SPEED_OF_LIGHT_M_S), scalar)


def free_space_path_loss_db(distance_m: ArrayLike, frequency_hz: ArrayLike) -> FloatOrArray:
    """Free-space path loss: ``FSPL = 20 log10(4 pi d f / c)`` dB (Friis, isotropic antennas)."""
    scalar = is_scalar(distance_m, frequency_hz)
    d, f = arr(distance_m), arr(frequency_hz)
    bad = reject((d <= 0) | (f <= 0), scalar, "distance_m and frequency_hz must be > 0")
    with np.errstate(divide="ignore", invalid="ignore"):
        loss = 20.0 * np.log10(4.0 * np.pi * d * f / SPEED_OF_LIGHT_M_S)
    return out(np.where(bad, np.nan, loss), scalar)


def shannon_capacity_bps(bandwidth_hz: ArrayLike, snr: ArrayLike) -> FloatOrArray:
    """Shannon capacity of an AWGN channel: ``C = B log2(1 + SNR)`` (SNR linear, not dB)."""
    scalar = is_scalar(bandwidth_hz, snr)
    b, s = arr(bandwidth_hz), arr(snr)
    bad = reject((b < 0) | (s < 0), scalar, "bandwidth_hz and snr must be >= 0")
    return out(np.where(bad, np.nan, b * np.log2(1.0 + np.maximum(s, 0.0))), scalar)


def rf_received_power_w(
    distance_m: ArrayLike,
    tx_power_w: ArrayLike,
    tx_gain_dbi: ArrayLike,
    rx_gain_dbi: ArrayLike,
    frequency_hz: ArrayLike,
    losses_db: ArrayLike = 0.0,
) -> FloatOrArray:
    """Friis received power: ``P_r = P_t * G_t * G_r * (lambda / (4 pi d))^2 / L`` (gains/losses from dB)."""
    scalar = is_scalar(distance_m, tx_power_w, tx_gain_dbi, rx_gain_dbi, frequency_hz, losses_db)
    d, p, gt, gr, f, loss = (
        arr(x) for x in (distance_m, tx_power_w, tx_gain_dbi, rx_gain_dbi, frequency_hz, losses_db)
    )
    bad = reject((d <= 0) | (f <= 0) | (p < 0), scalar, "distance_m, frequency_hz must be > 0 and tx_power_w >= 0")
    with np.errstate(divide="ignore", invalid="ignore"):
        lam = SPEED_OF_LIGHT_M_S / f
        pr = p * 10.0 ** ((gt + gr - loss) / 10.0) * (lam / (4.0 * np.pi * d)) ** 2
    return out(np.where(bad, np.nan, pr), scalar)


def rf_link_rate_bps(
    distance_m: ArrayLike,
    tx_power_w: ArrayLike,
    tx_gain_dbi: ArrayLike,
    rx_gain_dbi: ArrayLike,
    frequency_hz: ArrayLike,
    bandwidth_hz: ArrayLike,
    system_noise_temperature_k: ArrayLike,
    losses_db: ArrayLike = 0.0,
    max_rate_bps: ArrayLike = np.inf,
) -> FloatOrArray:
    """Achievable RF data rate: Shannon capacity at the received SNR, capped by the modem.

    ``SNR = P_r / (k T_sys B)`` with ``P_r`` from :func:`rf_received_power_w` (``losses_db``
    lumps pointing, atmospheric, polarisation and the implementation gap to Shannon, e.g.
    ``rf_implementation_loss_db``); ``R = min(B log2(1 + SNR), max_rate_bps)``. AWGN only,
    no interference.
    """
    scalar = is_scalar(
        distance_m,
        tx_power_w,
        tx_gain_dbi,
        rx_gain_dbi,
        frequency_hz,
        bandwidth_hz,
        system_noise_temperature_k,
        losses_db,
        max_rate_bps,
    )
    b, t, cap = arr(bandwidth_hz), arr(system_noise_temperature_k), arr(max_rate_bps)
    bad = reject((b <= 0) | (t <= 0) | (cap < 0), scalar, "bandwidth_hz and system_noise_temperature_k must be > 0")
    pr = arr(rf_received_power_w(distance_m, tx_power_w, tx_gain_dbi, rx_gain_dbi, frequency_hz, losses_db))
    with np.errstate(divide="ignore", invalid="ignore"):
        snr = pr / (BOLTZMANN_J_K * t * b)
        rate = np.minimum(b * np.log2(1.0 + snr), cap)
    return out(np.where(bad, np.nan, rate), scalar)


def aperture_gain(aperture_m: ArrayLike, wavelength_m: ArrayLike) -> FloatOrArray:
    """Diffraction-limited gain of a circular aperture, ``G = (pi D / lambda)^2`` (uniform illumination, linear)."""
    scalar = is_scalar(aperture_m, wavelength_m)
    d, lam = arr(aperture_m), arr(wavelength_m)
    bad = reject((d < 0) | (lam <= 0), scalar, "aperture_m must be >= 0 and wavelength_m > 0")
    with np.errstate(divide="ignore", invalid="ignore"):
        g = (np.pi * d / lam) ** 2
    return out(np.where(bad, np.nan, g), scalar)


def optical_received_power_w(
    distance_m: ArrayLike,
    tx_power_w: ArrayLike,
    tx_aperture_m: ArrayLike,
    rx_aperture_m: ArrayLike,
    wavelength_m: ArrayLike,
    efficiency: ArrayLike,
) -> FloatOrArray:
    """Optical received power: ``P_r = P_t G_t G_r (lambda / (4 pi d))^2 eta`` with ``G = (pi D / lambda)^2``.

    Far-field Friis form, equal to ``P_t eta (pi D_t D_r / (4 lambda d))^2``; ``eta`` lumps
    optics, pointing and detector losses. Valid when the beam at the receiver is wider than
    the receive aperture (far field); wrong (too large) at very short range.
    """
    scalar = is_scalar(distance_m, tx_power_w, tx_aperture_m, rx_aperture_m, wavelength_m, efficiency)
    d, p, dt, dr, lam, eta = (
        arr(x) for x in (distance_m, tx_power_w, tx_aperture_m, rx_aperture_m, wavelength_m, efficiency)
    )
    bad = reject(
        (d <= 0) | (p < 0) | (dt < 0) | (dr < 0) | (lam <= 0), scalar, "distance, wavelength > 0; power, apertures >= 0"
    )
    bad = bad | reject((eta < 0) | (eta > 1), scalar, "efficiency must be in [0, 1]")
    with np.errstate(divide="ignore", invalid="ignore"):
        gt = (np.pi * dt / lam) ** 2
        gr = (np.pi * dr / lam) ** 2
        pr = p * gt * gr * (lam / (4.0 * np.pi * d)) ** 2 * eta
    return out(np.where(bad, np.nan, pr), scalar)


def optical_link_rate_bps(
    distance_m: ArrayLike,
    tx_power_w: ArrayLike,
    tx_aperture_m: ArrayLike,
    rx_aperture_m: ArrayLike,
    wavelength_m: ArrayLike,
    photons_per_bit: ArrayLike,
    efficiency: ArrayLike,
    max_rate_bps: ArrayLike = np.inf,
) -> FloatOrArray:
    """Photon-budget optical data rate, capped by the modem.

    ``R = min(P_r / (n_ppb * h c / lambda), R_max)`` with ``P_r`` from
    :func:`optical_received_power_w`. Beyond the range where the cap binds, ``R`` falls as
    ``1/d^2``. Background light, atmospheric loss and acquisition time are not modelled.
    """
    scalar = is_scalar(
        distance_m, tx_power_w, tx_aperture_m, rx_aperture_m, wavelength_m, photons_per_bit, efficiency, max_rate_bps
    )
    lam, n, cap = arr(wavelength_m), arr(photons_per_bit), arr(max_rate_bps)
    bad = reject((n <= 0) | (cap < 0), scalar, "photons_per_bit must be > 0 and max_rate_bps >= 0")
    pr = arr(optical_received_power_w(distance_m, tx_power_w, tx_aperture_m, rx_aperture_m, wavelength_m, efficiency))
    with np.errstate(divide="ignore", invalid="ignore"):
        photon_j = PLANCK_J_S * SPEED_OF_LIGHT_M_S / lam
        rate = np.minimum(pr / (n * photon_j), cap)
    return out(np.where(bad, np.nan, rate), scalar)


def pass_wait_s(arrival_s: ArrayLike, window_start_s: ArrayLike, window_end_s: ArrayLike) -> FloatOrArray:
    """Wait from each arrival time until a visibility window is open.

    Windows are half-open intervals ``[start, end)`` (1-D arrays, any order, may overlap).
    For each arrival: 0 if inside a window, else the time to the next window start, or
    ``inf`` if no window follows. Vectorised over ``arrival_s`` (any shape).
    """
    a = arr(arrival_s)
    starts, ends = np.atleast_1d(arr(window_start_s)), np.atleast_1d(arr(window_end_s))
    if starts.ndim != 1 or starts.shape != ends.shape:
        raise ValueError("window_start_s and window_end_s must be 1-D arrays of the same length")
    if np.any(ends < starts):
        raise ValueError("every window must end at or after its start")
    scalar = a.ndim == 0
    if starts.size == 0:
        return out(np.full(a.shape, np.inf), scalar)
    order = np.argsort(starts, kind="stable")
    starts, ends = starts[order], ends[order]
    latest_end = np.maximum.accumulate(ends)  # furthest end among windows started so far
    idx = np.searchsorted(starts, a, side="right")  # windows [0, idx) have started by a
    started = idx > 0
    inside = started & (latest_end[np.maximum(idx - 1, 0)] > a)
    next_start = np.where(idx < starts.size, starts[np.minimum(idx, starts.size - 1)], np.inf)
    wait = np.where(inside, 0.0, next_start - a)
    return out(wait, scalar)


def transfer_time_s(data_bits: ArrayLike, rate_bps: ArrayLike) -> FloatOrArray:
    """Serialisation time of ``data_bits`` at ``rate_bps``: ``t = bits / rate`` (``inf`` at zero rate)."""
    scalar = is_scalar(data_bits, rate_bps)
    b, r = arr(data_bits), arr(rate_bps)
    bad = reject((b < 0) | (r < 0), scalar, "data_bits and rate_bps must be >= 0")
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(b == 0, 0.0, np.where(r > 0, b / np.where(r > 0, r, 1.0), np.inf))
    return out(np.where(bad, np.nan, t), scalar)


def percentile_summary(samples_s: ArrayLike, percentiles: tuple[float, ...] = (50, 95)) -> dict[float | str, float]:
    """Latency distribution summary: ``{50: ..., 95: ..., "mean": ..., "min": ..., "max": ..., "n": ...}``.

    Each requested percentile is a key as given (``summary[95]`` is the p95, in the units of
    the samples); ``"mean"``, ``"min"``, ``"max"`` and ``"n"`` are added. Percentiles use linear interpolation between order statistics (numpy's default method). Samples
    may contain ``inf`` (never delivered): a percentile that reaches into them is ``inf``;
    ``mean`` is then ``inf`` too. NaN samples are refused.
    """
    x = np.ravel(arr(samples_s))
    if x.size == 0:
        raise ValueError("percentile_summary needs at least one sample")
    if np.any(np.isnan(x)):
        raise ValueError("samples_s contains NaN")
    xs = np.sort(x)
    result: dict[float | str, float] = {}
    for p in percentiles:
        if not 0 <= p <= 100:
            raise ValueError(f"percentile must be in [0, 100], got {p}")
        pos = p / 100.0 * (xs.size - 1)
        lo, hi = int(np.floor(pos)), int(np.ceil(pos))
        frac = pos - lo
        if frac == 0.0:
            v = float(xs[lo])
        elif np.isinf(xs[hi]):
            v = float("inf")
        else:
            v = float(xs[lo] + frac * (xs[hi] - xs[lo]))
        result[p] = v
    result["mean"] = float(np.mean(x))
    result["min"] = float(np.min(x))
    result["max"] = float(np.max(x))
    result["n"] = float(x.size)
    return result
