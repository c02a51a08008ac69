"""Compute delivered by a set of chips: utilisation, radiation derating and unrepaired failures.

All rates are plain SI floats: operations per second (FLOP/s or OP/s), failures per year
(Julian year), times in seconds or years as the argument name says. Functions accept scalars
or numpy arrays and broadcast; see :mod:`sandbox.models._util` for the scalar/array rules.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from sandbox.core.sourced import Sourced
from sandbox.models._util import FloatOrArray, arr, is_scalar, out, reject

__all__ = [
    "DEFAULTS",
    "delivered_ops",
    "radiation_derating",
    "mean_survival_fraction",
    "surviving_fraction",
    "failure_rate_per_year_from_count",
    "young_checkpoint_overhead",
]

_LLAMA3 = (
    "Llama Team, AI @ Meta (Dubey et al. 2024), 'The Llama 3 Herd of Models', arXiv:2407.21783, "
    "§3.3.4 and Table 5: 466 job interruptions in a 54-day snapshot of 405B pre-training on 16,384 H100 GPUs, "
    "419 unexpected; faulty GPU 148, GPU HBM3 72, GPU SRAM 19, GPU system processor 17"
)
# GPU-years in the Llama 3 snapshot: 16,384 x 54 / 365.25 = 2,422.3
_GPU_YEARS = 16384 * 54 / 365.25

DEFAULTS: dict[str, Sourced] = {
    "utilisation_training": Sourced(
        0.40,
        "",
        "Chowdhery et al. 2022, 'PaLM: Scaling Language Modeling with Pathways', arXiv:2204.02311 (JMLR 24, 2023), "
        "46.2 % model FLOPs utilisation on 6,144 TPU v4; Dubey et al. 2024 (Llama 3), Table 4: 38-43 % BF16 MFU "
        "on 8k-16k H100",
        low=0.30,
        high=0.50,
        note="model FLOPs utilisation (MFU) of large dense-transformer pre-training; low end for less tuned stacks",
    ),
    "utilisation_inference": Sourced(
        0.30,
        "",
        "Pope et al. 2022, 'Efficiently Scaling Transformer Inference', arXiv:2211.05102 (MLSys 2023): 76 % MFU for "
        "large-batch prompt processing on PaLM 540B; autoregressive decode is memory-bandwidth bound with much lower MFU",
        low=0.10,
        high=0.76,
        note="a blend of prefill and decode; strongly workload and batch-size dependent, hence the wide range (assumption)",
    ),
    "redundancy_cots_in_space": Sourced(
        1.0,
        "",
        "Lyons & Vanderkulk 1962, 'The use of triple-modular redundancy to improve computer reliability', "
        "IBM J. Res. Dev. 6(2):200-209 (TMR = 3 copies); nominal 1 = software checkpoint/restart with ECC, "
        "the approach of Google's Suncatcher study (2025) and Starcloud-1",
        low=1.0,
        high=3.0,
        note="hardware copies per useful result: 1 (none), 2 (duplicate-and-compare), 3 (TMR)",
    ),
    "checkpoint_overhead": Sourced(
        0.05,
        "",
        "Dubey et al. 2024 (Llama 3), §3.3.4: >90 % effective training time including checkpointing and restarts; "
        "Young 1974, 'A first order approximation to the optimum checkpoint interval', CACM 17(9):530-531",
        low=0.01,
        high=0.10,
        note="training: fraction of wall time spent writing checkpoints, the same on the ground and in space (the "
             "work redone after an interruption is the single-event and failure loss, counted apart)",
    ),
    "checkpoint_overhead_inference": Sourced(
        0.0,
        "",
        "Definition: a serving (inference) workload holds no training state to checkpoint; what an interruption costs "
        "it is the single-event loss (radiation.sdc_time_lost_per_event_s) and the failure loss, counted apart",
        note="inference: no checkpoints are written",
    ),
    "scrub_overhead": Sourced(
        0.01,
        "",
        "Saleh, Serrano & Patel 1990, 'Reliability of scrubbing recovery-techniques for memory systems', "
        "IEEE Trans. Reliability 39(1):114-122 (scrubbing model); the throughput cost is an engineering assumption",
        low=0.0,
        high=0.05,
        note="memory/config scrubbing runs mostly in background hardware; no public measurement for AI accelerators",
    ),
    "failure_rate_per_year_ground": Sourced(
        256 / _GPU_YEARS,
        "1/yr",
        _LLAMA3,
        low=0.02,
        high=419 / _GPU_YEARS,
        note="nominal = GPU-attributed interruptions (148+72+19+17 = 256) / 2,422.3 GPU-years = 0.106 per GPU-year; "
        "high = all 419 unexpected interruptions = 0.173; low (assumption): only a minority of interruptions are "
        "permanent chip losses",
    ),
    "failure_rate_per_year_space": Sourced(
        0.2,
        "1/yr",
        "No public fleet data for data-centre GPUs in orbit; scaled from the ground rate of " + _LLAMA3,
        low=0.1,
        high=0.5,
        note="assumption: ground GPU rate (~0.1/yr) times 1-5 for launch loads, thermal cycling and single-event "
        "latch-up, with no repair; treat as highly uncertain",
    ),
    "repair_time_days": Sourced(
        3.0,
        "d",
        "Estimate: next-business-day hardware replacement under NVIDIA enterprise support for DGX systems, plus "
        "diagnosis and requalification; Llama Team 2024 (arXiv:2407.21783, §3.3.4) reports >90 % effective "
        "training time with automated recovery",
        low=1.0,
        high=14.0,
        note="time from a failure to the replaced part computing again (on-site repair only)",
    ),
}


def delivered_ops(
    peak_ops_per_s: ArrayLike,
    n_chips: ArrayLike,
    utilisation: ArrayLike,
    derate: ArrayLike = 1.0,
) -> FloatOrArray:
    """Delivered operations per second of ``n_chips`` identical chips.

    ``R = peak_ops_per_s * n_chips * utilisation * derate``

    ``utilisation`` is the achieved fraction of peak (MFU) and ``derate`` any further
    throughput fraction (radiation derating x survival fraction); both in [0, 1].
    Assumes throughput adds linearly over chips (no interconnect limit beyond what
    ``utilisation`` already includes). Negative counts or rates, or fractions outside
    [0, 1], raise ``ValueError`` (scalars) or give ``nan`` (arrays).
    """
    scalar = is_scalar(peak_ops_per_s, n_chips, utilisation, derate)
    p, n, u, d = (arr(x) for x in (peak_ops_per_s, n_chips, utilisation, derate))
    bad = reject((p < 0) | (n < 0), scalar, "peak_ops_per_s and n_chips must be >= 0")
    bad = bad | reject((u < 0) | (u > 1) | (d < 0) | (d > 1), scalar, "utilisation and derate must be in [0, 1]")
    return out(np.where(bad, np.nan, p * n * u * d), scalar)


def radiation_derating(
    redundancy: ArrayLike,
    checkpoint_overhead: ArrayLike,
    scrub_overhead: ArrayLike,
) -> FloatOrArray:
    """Fraction of raw throughput left after radiation mitigation.

    ``f = (1 / redundancy) * (1 - checkpoint_overhead) * (1 - scrub_overhead)``

    ``redundancy`` >= 1 is the number of hardware copies per useful result (1 none, 2
    duplicate-and-compare, 3 TMR: Lyons & Vanderkulk 1962); the overheads are fractions of
    wall time in [0, 1). The three effects are assumed independent (multiplicative).
    """
    scalar = is_scalar(redundancy, checkpoint_overhead, scrub_overhead)
    r, c, s = arr(redundancy), arr(checkpoint_overhead), arr(scrub_overhead)
    bad = reject(r < 1, scalar, "redundancy must be >= 1 (copies per useful result)")
    bad = bad | reject((c < 0) | (c >= 1) | (s < 0) | (s >= 1), scalar, "overheads must be in [0, 1)")
    with np.errstate(divide="ignore", invalid="ignore"):
        f = (1.0 / r) * (1.0 - c) * (1.0 - s)
    return out(np.where(bad, np.nan, f), scalar)


def surviving_fraction(failure_rate_per_year: ArrayLike, time_years: ArrayLike) -> FloatOrArray:
    """Fraction of chips still working after ``time_years`` with no repair: ``exp(-lambda t)``.

    Assumes a constant failure rate ``lambda`` (exponential life, the flat part of the
    bathtub curve; no infant mortality or wear-out).
    """
    scalar = is_scalar(failure_rate_per_year, time_years)
    lam, t = arr(failure_rate_per_year), arr(time_years)
    bad = reject((lam < 0) | (t < 0), scalar, "failure_rate_per_year and time_years must be >= 0")
    return out(np.where(bad, np.nan, np.exp(-lam * t)), scalar)


def mean_survival_fraction(failure_rate_per_year: ArrayLike, lifetime_years: ArrayLike) -> FloatOrArray:
    """Average fraction of chips alive over a life of ``lifetime_years`` with no repair.

    ``s = (1/T) * integral_0^T exp(-lambda t) dt = (1 - exp(-lambda T)) / (lambda T)``

    which tends to 1 as ``lambda T -> 0`` (evaluated with ``expm1`` and a series for tiny
    ``lambda T``) and to ``1/(lambda T)`` for long lives. Constant-rate (exponential) failures
    assumed. ``lifetime_years = 0`` gives 1.
    """
    scalar = is_scalar(failure_rate_per_year, lifetime_years)
    lam, t = arr(failure_rate_per_year), arr(lifetime_years)
    bad = reject((lam < 0) | (t < 0), scalar, "failure_rate_per_year and lifetime_years must be >= 0")
    x = np.where(bad, 0.0, lam * t)
    small = x < 1e-8
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.where(small, 1.0 - x / 2.0, -np.expm1(-x) / np.where(small, 1.0, x))
    return out(np.where(bad, np.nan, s), scalar)


def failure_rate_per_year_from_count(failures: ArrayLike, n_devices: ArrayLike, days: ArrayLike) -> FloatOrArray:
    """Per-device annual failure rate from a field count: ``failures / (n_devices * days / 365.25)``.

    E.g. the Llama 3 snapshot (419 unexpected interruptions, 16,384 GPUs, 54 days) gives
    0.173 interruptions per GPU-year. Assumes a constant rate over the observation window.
    """
    scalar = is_scalar(failures, n_devices, days)
    f, n, d = arr(failures), arr(n_devices), arr(days)
    bad = reject((f < 0) | (n <= 0) | (d <= 0), scalar, "failures must be >= 0, n_devices and days > 0")
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = f / (n * d / 365.25)
    return out(np.where(bad, np.nan, rate), scalar)


def young_checkpoint_overhead(checkpoint_time_s: ArrayLike, mtbf_s: ArrayLike) -> FloatOrArray:
    """Fraction of time lost to checkpointing plus rework at Young's optimum interval.

    Young (1974): the optimum interval is ``tau = sqrt(2 C M)`` for checkpoint cost ``C`` and
    mean time between failures ``M``; the lost fraction is then ``C/tau + tau/(2M) = sqrt(2C/M)``.
    First-order: valid for ``C << M``; the result is capped at 1. For a cluster, ``M`` is
    the per-chip MTBF divided by the number of chips a failure interrupts.
    """
    scalar = is_scalar(checkpoint_time_s, mtbf_s)
    c, m = arr(checkpoint_time_s), arr(mtbf_s)
    bad = reject((c < 0) | (m <= 0), scalar, "checkpoint_time_s must be >= 0 and mtbf_s > 0")
    with np.errstate(divide="ignore", invalid="ignore"):
        f = np.minimum(1.0, np.sqrt(2.0 * c / m))
    return out(np.where(bad, np.nan, f), scalar)
