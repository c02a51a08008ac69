"""Links and latency: light time, RF and optical link budgets, waiting for a pass, summaries.

SI floats: m, s, Hz, W, bit, bit/s; gains and losses in dB where the name says ``_db``/``_dbi``.
Capacity falls as 1/d² once a link is power-limited; the modem rate caps it at short range.

Optical links between two apertures cover both regimes. The power one aperture passes to the
other is ``1 − exp(−τ²)`` of what it sends, τ² = A_t A_r / (λ L)² (Goubau's beam-transfer
relation): Friis's far-field ``(π D_t D_r / (4 λ L))²`` when τ ≪ 1, at most all of it in the near
field, so the received power never exceeds the transmitted. The same τ² counts the well-coupled
spatial modes between the apertures (Miller 2000), which bounds spatial multiplexing. Terminals
(:class:`OpticalTerminal`) add wavelength channels (DWDM) and sub-aperture beams on top.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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
    "fresnel_number",
    "confocal_distance_m",
    "spatial_modes",
    "aperture_transfer",
    "pointing_loss",
    "optical_received_power_w",
    "optical_link_rate_bps",
    "dwdm_rate_bps",
    "channels_closed",
    "OpticalTerminal",
    "TERMINAL_KINDS",
    "optical_terminal",
    "SUNCATCHER_TERMINAL",
    "STARLINK_TERMINAL",
    "terminal_link",
    "terminal_link_rate_bps",
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
_SUNCATCHER = ("Agüera y Arcas et al. (Google), 'Towards a future space-based, highly scalable AI infrastructure "
               "system design', arXiv:2511.19468 (2025)")

DEFAULTS: dict[str, Sourced] = {
    "speed_of_light_m_s": Sourced(SPEED_OF_LIGHT_M_S, "m/s", "SI Brochure, 9th ed. (BIPM 2019): exact by definition",
                                  constant=True),
    "planck_constant_j_s": Sourced(PLANCK_J_S, "J s", "SI Brochure, 9th ed. (BIPM 2019): exact by definition",
                                   constant=True),
    "boltzmann_constant_j_k": Sourced(BOLTZMANN_J_K, "J/K", "SI Brochure, 9th ed. (BIPM 2019): exact by definition",
                                      constant=True),
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
    "optical_aperture_efficiency": Sourced(
        0.8,
        "",
        _SUNCATCHER + " §4.2 ('~80% aperture efficiency for a 10 cm diameter telescope', 105.1 dB gain); Klein & "
        "Degnan, 'Optical antenna gain. 1: Transmitting antennas', Appl. Opt. 13(9):2134 (1974): an optimally "
        "truncated Gaussian beam on an unobscured aperture reaches 0.81 of (pi D / lambda)^2, less with obscuration",
        low=0.5,
        high=0.9,
        note="gain of each telescope relative to a uniformly illuminated aperture (applies at both ends)",
    ),
    "optical_pointing_error_rad": Sourced(
        1.0e-6,
        "rad",
        _SUNCATCHER + " §4.2 (~1.0 microradian pointing for beam wander <= 10 % of a 5 cm aperture at 5 km); "
        "the MathWorks Satellite Communications Toolbox example 'Optical Satellite Communication Link Budget "
        "Analysis' uses 1 microradian at each end",
        low=0.3e-6,
        high=5.0e-6,
        note="static pointing error of each terminal; loss exp(-G theta^2 / 4) in the far field (Gaussian beam)",
    ),
    "isl_other_losses_db": Sourced(
        3.0,
        "dB",
        _SUNCATCHER + " §4.2 link budget, eq. (1): L_other = -3 dB",
        low=1.0,
        high=6.0,
        note="optics transmission, fibre coupling and margin not counted in the gains or the pointing loss",
    ),
    "isl_edfa_power_w": Sourced(
        5.0,
        "W",
        _SUNCATCHER + " §4.2 (P_T = 5 W from a commercial erbium-doped fibre amplifier)",
        low=1.0,
        high=10.0,
        note="optical transmit power per beam (one amplifier per DWDM set)",
    ),
    "dwdm_channels": Sourced(
        24.0,
        "",
        _SUNCATCHER + " §4.2 (24 channels on the 100 GHz ITU grid, 'half of the C-band'; 32 on a 75 GHz grid give "
        "12.8 Tbps); ITU-T G.694.1 DWDM frequency grid (about 48 x 100 GHz channels across the C-band)",
        low=1.0,
        high=48.0,
    ),
    "dwdm_channel_rate_bps": Sourced(
        400e9,
        "bit/s",
        _SUNCATCHER + " §4.2 (400G coherent PM-16QAM transceivers); OIF Implementation Agreement 400ZR "
        "(OIF-400ZR-01.0, 2020): 400 Gb/s per wavelength",
        low=100e9,
        high=800e9,
        note="line rate of one DWDM channel (800G coherent modules exist: OIF 800ZR)",
    ),
    "coherent_photons_per_bit": Sourced(
        195.6,
        "",
        _SUNCATCHER + " §4.2 and Fig. 1 (PM-16QAM at ~196 photons per bit, i.e. -20 dBm per 400G channel, "
        "FS CFP2-DCO-400G datasheet); OOK receivers ~71 photons/bit (same section); shot-noise limit 2 ln 2",
        low=71.0,
        high=400.0,
        note="receiver sensitivity of a DWDM coherent channel at its line rate",
    ),
    "starlink_isl_rate_bps": Sourced(
        100e9,
        "bit/s",
        "T. Brashears (SpaceX), SPIE Photonics West 2024, doi:10.1117/12.3005057 (100 Gbps per laser link, links "
        "beyond 5,400 km, some at up to 200 Gbps); " + _SUNCATCHER + " §4.2 ('~100 Gbps over distances up to "
        "~5400 km')",
        low=100e9,
        high=200e9,
    ),
    "starlink_isl_range_m": Sourced(
        5_400e3,
        "m",
        "T. Brashears (SpaceX), SPIE Photonics West 2024, doi:10.1117/12.3005057; " + _SUNCATCHER + " §4.2 "
        "(limited by line of sight in LEO)",
    ),
    "ook_photons_per_bit": Sourced(
        71.0,
        "",
        _SUNCATCHER + " §4.2 (on-off keying receivers ~71 photons per bit, its ref. 51)",
        low=20.0,
        high=200.0,
        note="receiver sensitivity of a single-wavelength long-range ISL (assumed for the Starlink-class terminal)",
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
    "user_network_rtt_s": Sourced(
        0.030,
        "s",
        "ITU-T Recommendation G.114 (2003), one-way transmission time: ~5 µs per km of optical fibre; ~3,000 km of "
        "continental fibre path plus routing gives ~30 ms round trip",
        low=0.005,
        high=0.080,
        note="round trip from a user to the data centre, or to the ground station or teleport the space segment "
        "answers through: the same terrestrial network for every architecture",
    ),
    "query_processing_time_s": Sourced(
        5.0,
        "s",
        "MLCommons MLPerf Inference (datacenter, v4.1 rules), Llama-2-70B server scenario latency constraints: "
        "time to first token <= 2 s and time per output token <= 200 ms (99th percentile); nominal (estimate): "
        "~1 s to the first token plus ~270 tokens at ~15 ms each (1 + 4.05 s ≈ 5 s)",
        low=1.0,
        high=60.0,
        note="time to answer one query once it reaches the compute: the same for every architecture",
    ),
    "geo_relay_path_m": Sourced(
        2.0 * 35_786e3,
        "m",
        "Geostationary altitude 35,786 km (Vallado, Fundamentals of Astrodynamics and Applications, 4th ed., §2.9); "
        "one way up to a data relay and down to its ground terminal, both near zenith (TDRSS/EDRS practice), an "
        "approximation",
        low=2.0 * 35_786e3,
        high=2.0 * 41_679e3,
        note="one-way path length through a GEO relay (high: relay and terminal 0° elevation apart)",
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


def aperture_gain(aperture_m: ArrayLike, wavelength_m: ArrayLike, efficiency: ArrayLike = 1.0) -> FloatOrArray:
    """Gain of a circular aperture, ``G = eta (pi D / lambda)^2`` (linear).

    ``efficiency`` 1 (default) is the diffraction limit of uniform illumination; real telescopes
    reach ~0.8 (``DEFAULTS["optical_aperture_efficiency"]``: Suncatcher's 105.1 dB for 10 cm at
    1.55 µm is eta = 0.79).
    """
    scalar = is_scalar(aperture_m, wavelength_m, efficiency)
    d, lam, eta = arr(aperture_m), arr(wavelength_m), arr(efficiency)
    bad = reject((d < 0) | (lam <= 0), scalar, "aperture_m must be >= 0 and wavelength_m > 0")
    bad = bad | reject((eta < 0) | (eta > 1), scalar, "efficiency must be in [0, 1]")
    with np.errstate(divide="ignore", invalid="ignore"):
        g = eta * (np.pi * d / lam) ** 2
    return out(np.where(bad, np.nan, g), scalar)


def fresnel_number(distance_m: ArrayLike, tx_aperture_m: ArrayLike, rx_aperture_m: ArrayLike,
                   wavelength_m: ArrayLike) -> FloatOrArray:
    """Fresnel number of a link, ``N_F = a_t a_r / (lambda L)`` (a = D/2; ``a²/(λL)`` for equal apertures).

    Goodman, *Introduction to Fourier Optics*, 3rd ed. (2005), §4.1. The link is in the near field
    when ``N_F > 1/pi`` (more than one well-coupled mode: ``spatial_modes = (pi N_F)^2 > 1``), i.e.
    closer than the confocal distance ``pi a^2 / lambda`` for equal apertures, and in the far field,
    where the received power falls as 1/L², below it.
    """
    scalar = is_scalar(distance_m, tx_aperture_m, rx_aperture_m, wavelength_m)
    d, dt, dr, lam = (arr(x) for x in (distance_m, tx_aperture_m, rx_aperture_m, wavelength_m))
    bad = reject((d <= 0) | (lam <= 0) | (dt < 0) | (dr < 0), scalar, "distance, wavelength > 0; apertures >= 0")
    with np.errstate(divide="ignore", invalid="ignore"):
        nf = 0.25 * dt * dr / (lam * d)
    return out(np.where(bad, np.nan, nf), scalar)


def confocal_distance_m(aperture_m: ArrayLike, wavelength_m: ArrayLike) -> FloatOrArray:
    """Confocal distance ``L = pi a^2 / lambda`` (a = D/2): the longest link two equal apertures keep in
    the near field (arXiv:2511.19468 §4.2: 5 km for a = 5 cm at 1.55 µm)."""
    scalar = is_scalar(aperture_m, wavelength_m)
    d, lam = arr(aperture_m), arr(wavelength_m)
    bad = reject((d < 0) | (lam <= 0), scalar, "aperture_m must be >= 0 and wavelength_m > 0")
    with np.errstate(divide="ignore", invalid="ignore"):
        length = np.pi * (0.5 * d) ** 2 / lam
    return out(np.where(bad, np.nan, length), scalar)


def spatial_modes(distance_m: ArrayLike, tx_aperture_m: ArrayLike, rx_aperture_m: ArrayLike,
                  wavelength_m: ArrayLike) -> FloatOrArray:
    """Number of well-coupled spatial channels between two circular apertures, ``A_t A_r / (lambda L)^2``.

    D. A. B. Miller, 'Communicating with waves between volumes: evaluating orthogonal spatial
    channels and limits on coupling strengths', Appl. Opt. 39(11):1681 (2000): the paraxial
    count of strongly coupled modes, ``(pi D_t D_r / (4 lambda L))^2`` for circles (2,568 at 100 m,
    25.7 at 1 km, 1.03 at 5 km for 10 cm at 1.55 µm). Below 1 the link is in the far field and
    this is the fraction of power a single beam delivers (Friis). Real multi-beam terminals use
    far fewer (:func:`terminal_link`).
    """
    scalar = is_scalar(distance_m, tx_aperture_m, rx_aperture_m, wavelength_m)
    nf = arr(fresnel_number(distance_m, tx_aperture_m, rx_aperture_m, wavelength_m))
    return out((np.pi * nf) ** 2, scalar)


def aperture_transfer(distance_m: ArrayLike, tx_aperture_m: ArrayLike, rx_aperture_m: ArrayLike,
                      wavelength_m: ArrayLike) -> FloatOrArray:
    """Fraction of the transmitted power the receive aperture collects, ``1 - exp(-tau^2)``, tau² = A_t A_r/(λL)².

    G. Goubau & F. Schwering, 'On the guided propagation of electromagnetic wave beams', IRE Trans.
    Antennas Propag. 9(3):248 (1961); the standard beam-efficiency relation of microwave power
    transmission (N. Shinohara, *Wireless Power Transfer via Radiowaves*, Wiley 2014, ch. 2). Far
    field (τ ≪ 1): τ², exactly the Friis product ``G_t G_r (lambda / (4 pi L))^2`` of ideal
    apertures; near field: tends to 1, never above. It is the best case (optimally tapered and
    focused beam), the same best case as Suncatcher's confocal estimate.
    """
    scalar = is_scalar(distance_m, tx_aperture_m, rx_aperture_m, wavelength_m)
    modes = arr(spatial_modes(distance_m, tx_aperture_m, rx_aperture_m, wavelength_m))
    return out(-np.expm1(-modes), scalar)


def pointing_loss(distance_m: ArrayLike, tx_aperture_m: ArrayLike, wavelength_m: ArrayLike,
                  pointing_error_rad: ArrayLike) -> FloatOrArray:
    """Power fraction left by a transmit pointing error θ: ``exp(-2 (θ L)^2 / w(L)^2)`` (Gaussian beam).

    The beam is the Gaussian with the aperture's far-field gain ``G = (pi D / lambda)^2 = 8 / θ_d^2``:
    waist ``w0 = D / (2 sqrt 2)``, radius ``w(L)^2 = w0^2 + (lambda L / (pi w0))^2`` (Siegman,
    *Lasers*, 1986, ch. 17). Far field: ``exp(-G θ² / 4)``, the small-angle fall of the Airy
    pattern; near field: the beam moves θL across an aperture much wider, so the loss vanishes.
    The same pattern applies to a receiver's angle-of-arrival error (reciprocity).
    """
    scalar = is_scalar(distance_m, tx_aperture_m, wavelength_m, pointing_error_rad)
    d, dt, lam, th = (arr(x) for x in (distance_m, tx_aperture_m, wavelength_m, pointing_error_rad))
    bad = reject((d < 0) | (dt <= 0) | (lam <= 0), scalar, "distance >= 0; aperture, wavelength > 0")
    with np.errstate(divide="ignore", invalid="ignore"):
        w0_2 = dt * dt / 8.0
        w2 = w0_2 + (lam * d) ** 2 / (np.pi**2 * w0_2)
        loss = np.exp(-2.0 * (th * d) ** 2 / w2)
    return out(np.where(bad, np.nan, loss), scalar)


def optical_received_power_w(
    distance_m: ArrayLike,
    tx_power_w: ArrayLike,
    tx_aperture_m: ArrayLike,
    rx_aperture_m: ArrayLike,
    wavelength_m: ArrayLike,
    efficiency: ArrayLike,
    *,
    aperture_efficiency: ArrayLike = 1.0,
    pointing_error_rad: ArrayLike = 0.0,
) -> FloatOrArray:
    """Optical received power, near and far field: ``P_r = P_t eta eta_ap^2 (1 - exp(-tau^2)) L_pt L_pr``.

    ``tau^2`` as in :func:`aperture_transfer`: in the far field this is Friis,
    ``P_t G_t G_r (lambda / (4 pi d))^2 eta`` with ``G = eta_ap (pi D / lambda)^2``; in the near
    field it tends to ``P_t eta eta_ap^2`` and never exceeds ``P_t``. ``efficiency`` lumps the
    other losses (optics, detector, margin; Suncatcher's L_other); ``aperture_efficiency``
    applies at each end (``DEFAULTS["optical_aperture_efficiency"]``); ``pointing_error_rad``
    is each end's pointing error (transmit: :func:`pointing_loss`; receive: the same far-field
    pattern of the receive aperture, ``exp(-G_r theta^2 / 4)``). The defaults (1, 0) keep the
    plain far-field formula of earlier versions.
    """
    scalar = is_scalar(distance_m, tx_power_w, tx_aperture_m, rx_aperture_m, wavelength_m, efficiency,
                       aperture_efficiency, pointing_error_rad)
    d, p, dt, dr, lam, eta, eta_ap, th = (
        arr(x) for x in (distance_m, tx_power_w, tx_aperture_m, rx_aperture_m, wavelength_m, efficiency,
                         aperture_efficiency, pointing_error_rad)
    )
    bad = reject(
        (d <= 0) | (p < 0) | (dt < 0) | (dr < 0) | (lam <= 0), scalar, "distance, wavelength > 0; power, apertures >= 0"
    )
    bad = bad | reject((eta < 0) | (eta > 1), scalar, "efficiency must be in [0, 1]")
    bad = bad | reject((eta_ap < 0) | (eta_ap > 1), scalar, "aperture_efficiency must be in [0, 1]")
    bad = bad | reject(th < 0, scalar, "pointing_error_rad must be >= 0")
    with np.errstate(divide="ignore", invalid="ignore"):
        transfer = -np.expm1(-(np.pi * 0.25 * dt * dr / (lam * d)) ** 2)
        w0_2 = dt * dt / 8.0
        w2 = w0_2 + (lam * d) ** 2 / (np.pi**2 * w0_2)
        tx_point = np.where(th > 0, np.exp(-2.0 * (th * d) ** 2 / w2), 1.0)
        rx_point = np.exp(-0.25 * (np.pi * dr / lam) ** 2 * th * th)
        pr = p * eta * eta_ap * eta_ap * transfer * tx_point * rx_point
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
    *,
    aperture_efficiency: ArrayLike = 1.0,
    pointing_error_rad: ArrayLike = 0.0,
) -> FloatOrArray:
    """Photon-budget optical data rate, capped by the modem.

    ``R = min(P_r / (n_ppb * h c / lambda), R_max)`` with ``P_r`` from
    :func:`optical_received_power_w` (near and far field; ``aperture_efficiency`` and
    ``pointing_error_rad`` as there). Beyond the range where the cap binds, ``R`` falls as
    ``1/d^2``. Background light, atmospheric loss and acquisition time are not modelled. A
    rate-adaptive single beam: for DWDM channels and spatial beams see :func:`terminal_link`.
    """
    scalar = is_scalar(
        distance_m, tx_power_w, tx_aperture_m, rx_aperture_m, wavelength_m, photons_per_bit, efficiency, max_rate_bps,
        aperture_efficiency, pointing_error_rad,
    )
    lam, n, cap = arr(wavelength_m), arr(photons_per_bit), arr(max_rate_bps)
    bad = reject((n <= 0) | (cap < 0), scalar, "photons_per_bit must be > 0 and max_rate_bps >= 0")
    pr = arr(optical_received_power_w(distance_m, tx_power_w, tx_aperture_m, rx_aperture_m, wavelength_m, efficiency,
                                      aperture_efficiency=aperture_efficiency, pointing_error_rad=pointing_error_rad))
    with np.errstate(divide="ignore", invalid="ignore"):
        photon_j = PLANCK_J_S * SPEED_OF_LIGHT_M_S / lam
        rate = np.minimum(pr / (n * photon_j), cap)
    return out(np.where(bad, np.nan, rate), scalar)


# --------------------------------------------------------------------------------------
# Terminals: DWDM channels and spatial beams
# --------------------------------------------------------------------------------------


def dwdm_rate_bps(channels: ArrayLike, channel_rate_bps: ArrayLike) -> FloatOrArray:
    """Aggregate line rate of a DWDM set: ``channels * channel_rate_bps`` (24 x 400G = 9.6 Tbps)."""
    scalar = is_scalar(channels, channel_rate_bps)
    c, r = arr(channels), arr(channel_rate_bps)
    bad = reject((c < 0) | (r < 0) | (c != np.floor(c)), scalar, "channels must be a whole number >= 0, rate >= 0")
    return out(np.where(bad, np.nan, c * r), scalar)


def channels_closed(received_power_w: ArrayLike, channels: ArrayLike, channel_rate_bps: ArrayLike,
                    photons_per_bit: ArrayLike, wavelength_m: ArrayLike) -> FloatOrArray:
    """Whole DWDM channels a received power supports: ``min(channels, floor(P_r / (n_ppb h nu R_ch)))``.

    Fixed-rate coherent transceivers cannot lower their rate, so a transmitter short of power
    lights fewer channels, each at its full sensitivity (``n_ppb h nu R_ch``, e.g. -20 dBm for
    400G at ~196 photons/bit).
    """
    scalar = is_scalar(received_power_w, channels, channel_rate_bps, photons_per_bit, wavelength_m)
    p, c, r, n, lam = (arr(x) for x in (received_power_w, channels, channel_rate_bps, photons_per_bit, wavelength_m))
    bad = reject((p < 0) | (c < 0) | (r <= 0) | (n <= 0) | (lam <= 0), scalar,
                 "received power, channels >= 0; rate, photons_per_bit, wavelength > 0")
    with np.errstate(divide="ignore", invalid="ignore"):
        need = n * PLANCK_J_S * SPEED_OF_LIGHT_M_S / lam * r
        closed = np.minimum(c, np.floor(p / need * (1.0 + 1e-12)))  # exact closures are not lost to rounding
    return out(np.where(bad, np.nan, closed), scalar)


@dataclass(frozen=True)
class OpticalTerminal:
    """An optical inter-satellite terminal (the same at both ends of a link). SI units.

    ``tx_power_w`` per beam (one amplifier per DWDM set); ``aperture_m`` the whole telescope;
    ``channels`` × ``channel_rate_bps`` per beam, each channel closing at ``photons_per_bit``;
    ``other_losses_db`` lumps optics and margin; ``max_beams_per_side``: the aperture can be
    split into up to k × k sub-apertures, one beam each (1: a single beam).
    """

    name: str
    tx_power_w: float
    aperture_m: float
    wavelength_m: float
    aperture_efficiency: float
    other_losses_db: float
    pointing_error_rad: float
    photons_per_bit: float
    channels: int
    channel_rate_bps: float
    max_beams_per_side: int = 1

    @property
    def beam_rate_bps(self) -> float:
        """Rate of one beam with every channel lit, bit/s."""
        return float(dwdm_rate_bps(self.channels, self.channel_rate_bps))


def _d(key: str) -> float:
    return float(DEFAULTS[key].nominal)


#: Terminal names :func:`optical_terminal` builds.
TERMINAL_KINDS = ("suncatcher", "starlink")


def optical_terminal(kind: str, value: Callable[[str], float] | None = None) -> OpticalTerminal:
    """The ``kind`` terminal (:data:`TERMINAL_KINDS`) with its optics from the link model's defaults.

    ``value`` reads a default by its dotted name (``"links.optical_aperture_m"``): pass a model
    set's ``value`` (``ctx.models.value``) so that a scenario's ``[models]`` overrides reach the
    terminal; without it the module's own nominal defaults are used.

    - ``"suncatcher"``: a Suncatcher-class cluster terminal: 10 cm telescope, 5 W EDFA, 24 × 400G
      DWDM, up to 4 × 4 sub-aperture beams (arXiv:2511.19468 §2.1, §4.2 and Fig. 1: 9.6 Tbps per
      aperture, 2 × 2 beams of 5 cm at 1.25 km, 4 × 4 of 2.5 cm at 0.32 km).
    - ``"starlink"``: a Starlink-class long-range terminal: one 100 Gbps wavelength (Brashears, SPIE
      2024). SpaceX publishes neither aperture nor power: the optics are assumed to be Suncatcher's
      long-range example (10 cm, 5 W, 80 %, -3 dB; ~1.6 µW at 5,000 km, "typical for traditional
      long-range ISLs", arXiv:2511.19468 §2.1, §4.2) with an on-off-keying receiver (~71
      photons/bit). It then closes 100 Gbps out to ~6,600 km, beyond the 5,400 km line-of-sight
      links SpaceX reports.
    """
    if kind not in TERMINAL_KINDS:
        raise ValueError(f"no optical terminal {kind!r} (choose from {', '.join(TERMINAL_KINDS)})")

    def d(key: str) -> float:
        return float(value(f"links.{key}")) if value is not None else _d(key)

    optics = {"tx_power_w": d("isl_edfa_power_w"), "aperture_m": d("optical_aperture_m"),
              "wavelength_m": d("wavelength_m"), "aperture_efficiency": d("optical_aperture_efficiency"),
              "other_losses_db": d("isl_other_losses_db"), "pointing_error_rad": d("optical_pointing_error_rad")}
    if kind == "suncatcher":
        return OpticalTerminal(name="Suncatcher-class (arXiv:2511.19468 §4.2)", **optics,
                               photons_per_bit=d("coherent_photons_per_bit"), channels=int(d("dwdm_channels")),
                               channel_rate_bps=d("dwdm_channel_rate_bps"), max_beams_per_side=4)
    return OpticalTerminal(name="Starlink-class (assumed optics; rate from Brashears, SPIE 2024)", **optics,
                           photons_per_bit=d("ook_photons_per_bit"), channels=1,
                           channel_rate_bps=d("starlink_isl_rate_bps"), max_beams_per_side=1)


#: The Suncatcher-class terminal at the module's nominal defaults (:func:`optical_terminal`).
SUNCATCHER_TERMINAL = optical_terminal("suncatcher")
#: The Starlink-class terminal at the module's nominal defaults (:func:`optical_terminal`).
STARLINK_TERMINAL = optical_terminal("starlink")


def terminal_link(distance_m: ArrayLike, terminal: OpticalTerminal) -> dict[str, FloatOrArray]:
    """Link between two identical terminals at ``distance_m``: rate, beams, channels, regime.

    For each split k = 1 .. ``max_beams_per_side`` of the aperture into k × k sub-apertures of
    D/k, a split is usable while each sub-aperture link stays in its own near field (distance ≤
    its confocal distance π (D/2k)² / λ; beyond it neighbouring beams overlap at the receiver:
    arXiv:2511.19468 §4.2, "limited by the imaging resolution of each sub-aperture"); k = 1 is
    always usable. Each beam carries ``tx_power_w`` through :func:`optical_received_power_w` and
    lights :func:`channels_closed` channels. The split with the highest rate is chosen, so the
    multiplexed bandwidth grows as 1/distance at short range, is one full DWDM set out to the
    power limit, then loses channels as 1/d².

    Returns ``rate_bps``, ``beams`` (k²), ``channels`` (per beam), ``received_power_w`` (per beam,
    at the chosen split), ``fresnel_number`` and ``spatial_modes`` of the full apertures and
    ``near_field`` (1.0 when the full apertures are within their confocal distance, else 0.0).
    """
    scalar = is_scalar(distance_m)
    d = arr(distance_m)
    bad = reject(d <= 0, scalar, "distance_m must be > 0")
    t = terminal
    eta_other = 10.0 ** (-t.other_losses_db / 10.0)
    best = np.zeros(d.shape)
    beams, chans, power = np.ones(d.shape), np.zeros(d.shape), np.zeros(d.shape)
    dd = np.where(bad, 1.0, d)
    for k in range(1, max(1, int(t.max_beams_per_side)) + 1):
        sub = t.aperture_m / k
        usable = (k == 1) | (dd <= arr(confocal_distance_m(sub, t.wavelength_m)))
        pr = arr(optical_received_power_w(dd, t.tx_power_w, sub, sub, t.wavelength_m, eta_other,
                                          aperture_efficiency=t.aperture_efficiency,
                                          pointing_error_rad=t.pointing_error_rad))
        ch = arr(channels_closed(pr, t.channels, t.channel_rate_bps, t.photons_per_bit, t.wavelength_m))
        rate = np.where(usable, k * k * ch * t.channel_rate_bps, 0.0)
        better = rate > best
        best = np.where(better, rate, best)
        beams, chans = np.where(better, k * k, beams), np.where(better, ch, chans)
        power = np.where(better | (k == 1), pr, power)
    nf = arr(fresnel_number(dd, t.aperture_m, t.aperture_m, t.wavelength_m))
    result = {
        "rate_bps": np.where(bad, np.nan, best),
        "beams": np.where(bad, np.nan, beams),
        "channels": np.where(bad, np.nan, chans),
        "received_power_w": np.where(bad, np.nan, power),
        "fresnel_number": np.where(bad, np.nan, nf),
        "spatial_modes": np.where(bad, np.nan, (np.pi * nf) ** 2),
        "near_field": np.where(bad, np.nan, (np.pi * nf >= 1.0).astype(float)),
    }
    return {key: out(v, scalar) for key, v in result.items()}


def terminal_link_rate_bps(distance_m: ArrayLike, terminal: OpticalTerminal) -> FloatOrArray:
    """Data rate (bit/s) between two identical terminals at ``distance_m`` (:func:`terminal_link`)."""
    return terminal_link(distance_m, terminal)["rate_bps"]


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
