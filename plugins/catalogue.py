"""Built-in catalogue: chips, launch vehicles, power sources and ground stations.

This plugin registers its entries through the public ``sandbox_register_catalogues`` hook,
exactly as a third-party catalogue plugin would. Entry names are the keys users type in
scenario files (``chip = "H100-SXM"``, ``vehicle = "Falcon9"``), so they are short and stable.

Conventions (checked by ``tests/test_catalogue.py``):

- Every field an entry sets to a value other than the dataclass default, and every numeric
  field that is not NaN, has a key in ``sources``. A mapping field (``peak_ops_per_s``,
  ``payload_kg``) is covered either by a key for the whole field or by one key per item in
  the form ``"field.item"`` (``"payload_kg.LEO"``).
- ``ranges`` uses the same keys (``"cost_usd"``, ``"peak_ops_per_s.fp64"``) and every range
  holds the nominal value: ``low <= nominal <= high``.
- A source that starts with ``"Estimate:"`` is our own estimate, with its basis stated; where a
  datasheet or agency figure exists it is quoted instead. Derived figures (CO₂ per flight,
  fairing volume, specific power, $/W) are computed below from the per-unit inputs named in
  their source, never copied as published totals.
- Peak compute is *dense* (no structured sparsity) operations per second; datasheets that quote
  "with sparsity" figures are halved, and the source says so.
- ``LaunchVehicle.reusable`` means "can be refuelled in orbit" (the engine's meaning), not
  "has a recovered booster": only Starship sets it.
"""

from __future__ import annotations

import dataclasses
import math

from sandbox import Chip, GroundStation, LaunchVehicle, PowerSource, hookimpl

# ---------------------------------------------------------------------------------- helpers

#: Solar constant at 1 AU above the atmosphere, W/m² (Kopp & Lean 2011, GRL 38, L01706).
SOLAR_CONSTANT_W_M2 = 1361.0
HOURS_3_YEARS = 3 * 8766.0

# CO₂ per kg of fuel burnt to completion (kg/kg): carbon mass fraction × M(CO₂)/M(C).
_M_C, _M_H, _M_N, _M_CO2 = 12.011, 1.008, 14.007, 44.009
#: RP-1 as CH1.9423, the surrogate formula used by NASA CEA (Gordon & McBride, NASA RP-1311, 1994).
RP1_KG_CO2_PER_KG = _M_C / (_M_C + 1.9423 * _M_H) * _M_CO2 / _M_C
#: Methane CH4.
CH4_KG_CO2_PER_KG = _M_CO2 / (_M_C + 4 * _M_H)
#: UDMH (CH3)2NNH2 = C2H8N2.
UDMH_KG_CO2_PER_KG = 2 * _M_CO2 / (2 * _M_C + 8 * _M_H + 2 * _M_N)


def combustion_co2_t(propellant_kg: float, oxidiser_to_fuel: float, kg_co2_per_kg_fuel: float) -> float:
    """CO₂ (t) from burning ``propellant_kg`` (fuel + oxidiser, kg) at mixture ratio O/F (mass).

    Counts only the carbon in the fuel, fully oxidised; excludes propellant production,
    soot/black carbon, H₂O and NOx (tonnes of CO₂, not CO₂-equivalent warming).
    """
    fuel_kg = propellant_kg / (1.0 + oxidiser_to_fuel)
    return fuel_kg * kg_co2_per_kg_fuel / 1000.0


def envelope_volume_m3(diameter_m: float, cylinder_m: float, cone_m: float) -> float:
    """Usable payload volume (m³) of a fairing envelope: a cylinder plus a cone on top."""
    r = diameter_m / 2.0
    return math.pi * r**2 * cylinder_m + math.pi * r**2 * cone_m / 3.0


def _same(reference: str, *keys: str) -> dict[str, str]:
    """One reference for several fields."""
    return dict.fromkeys(keys, reference)


# ------------------------------------------------------------------------------------ chips

_NV_A100 = "NVIDIA A100 Tensor Core GPU datasheet (2021) and NVIDIA A100 Tensor Core GPU Architecture whitepaper (2020), SXM4 column"
_NV_H100 = "NVIDIA H100 Tensor Core GPU Architecture whitepaper (2022), Table 'H100 SXM5' (dense figures); H100 datasheet (2023) gives the same rounded, with sparsity doubled"
_NV_B200 = "NVIDIA HGX B200 / Blackwell datasheet (2024): per-GPU figures are 'with sparsity', halved here for dense"
_BAE_5545 = "BAE Systems RAD5545 SoC / SpaceVPX single-board computer product brief: 5.6 GOPS, 3.7 GFLOPS (4 × RAD5500 e5500 cores at up to 466 MHz)"

CHIPS: list[Chip] = [
    Chip(
        name="RAD750",
        peak_ops_per_s={"fp64": 200e6},
        power_w=10.0,
        mass_kg=0.6,
        cost_usd=200e3,
        tid_krad=100.0,
        rad_hard=True,
        year=2001,
        sources={
            "peak_ops_per_s": "Derived: 200 MHz (BAE RAD750 spec, up to 266 MIPS at 200 MHz) × 1 double-precision FLOP/cycle (PowerPC 750 FPU); range: 133 MHz part to 2 FLOP/cycle with fused multiply-add",
            "power_w": "BAE Systems RAD750 3U/6U SBC literature: board ~10 W (processor alone ~5 W)",
            "mass_kg": "Estimate: 3U CompactPCI single-board computer with rad-hard memory, ~0.5–1 kg; no BAE mass figure quoted",
            "cost_usd": "Reported unit price ~US$200,000 per board (EE Times 2002; comparable to RAD6000's US$200k–300k)",
            "tid_krad": "BAE Systems: RAD750 SBC 100 krad(Si) (1,000 Gy); processor 200 krad–1 Mrad(Si)",
            "rad_hard": "BAE Systems: radiation-hardened by design (RHBD) PowerPC 750",
            "year": "BAE Systems RAD750 released 2001 (first flight Deep Impact, 2005)",
        },
        ranges={"peak_ops_per_s.fp64": (133e6, 400e6), "mass_kg": (0.4, 1.2), "cost_usd": (200e3, 300e3), "tid_krad": (100.0, 1000.0)},
    ),
    Chip(
        # "RAD5500 does ~0.9 GFLOPS", often quoted, is one RAD5500 core: RAD5545's 3.7 GFLOPS / 4 cores.
        name="RAD5500",
        peak_ops_per_s={"fp64": 3.7e9 / 4},
        power_w=20.0 / 4,
        mass_kg=1.0,
        cost_usd=300e3,
        tid_krad=100.0,
        rad_hard=True,
        year=2017,
        sources={
            "peak_ops_per_s": "Derived: one RAD5500 core = RAD5545 3.7 GFLOPS / 4 cores = 0.925 GFLOPS (often quoted as ~0.9 GFLOPS). " + _BAE_5545,
            "power_w": "Derived: one core's share of the RAD5545 SoC's ~20 W (Lovelly, 'Comparative Analysis of Space-Grade Processors', PhD thesis, Univ. Florida 2017); high end = a whole single-core RAD5510 SoC with its uncore",
            "mass_kg": "Estimate: a single-core RAD5510 board, ~0.5–1.5 kg; no BAE mass figure quoted",
            "cost_usd": "Estimate: no public price; RAD750-class boards sold at US$200k–300k (2002), next generation assumed similar or higher",
            "tid_krad": "BAE Systems RAD5500 family: 100 krad(Si) total dose",
            "rad_hard": "BAE Systems RAD5500: radiation-hardened 45 nm SOI (RH45)",
            "year": "BAE Systems RAD55xx platform SoCs available from ~2017 (Saridakis, 2016 Workshop on Spacecraft Flight Software)",
        },
        ranges={"power_w": (5.0, 11.5), "mass_kg": (0.5, 1.5), "cost_usd": (200e3, 1e6)},
    ),
    Chip(
        name="RAD5545",
        peak_ops_per_s={"fp64": 3.7e9},
        power_w=20.0,
        mass_kg=1.5,
        cost_usd=500e3,
        tid_krad=100.0,
        rad_hard=True,
        year=2019,
        sources={
            "peak_ops_per_s": _BAE_5545,
            "power_w": "Lovelly, 'Comparative Analysis of Space-Grade Processors', PhD thesis, Univ. Florida (2017): RAD5545 ~20 W",
            "mass_kg": "Estimate: 6U SpaceVPX single-board computer, ~1–2.5 kg; no BAE mass figure quoted",
            "cost_usd": "Estimate: no public price; above RAD750-class boards (US$200k–300k, 2002)",
            "tid_krad": "BAE Systems RAD5500 family: 100 krad(Si) total dose",
            "rad_hard": "BAE Systems RAD5545: radiation-hardened 45 nm SOI (RH45)",
            "year": "BAE Systems RAD5545 SpaceVPX SBC announced 2019",
        },
        ranges={"power_w": (15.0, 25.0), "mass_kg": (1.0, 2.5), "cost_usd": (200e3, 1.5e6)},
    ),
    Chip(
        name="AGX-Orin-64GB",
        peak_ops_per_s={"int8": 275e12 / 2, "fp16": 170e12 / 4, "fp32": 5.3e12},
        power_w=60.0,
        mass_kg=0.25,
        cost_usd=1599.0,
        tid_krad=0.0,
        rad_hard=False,
        year=2022,
        sources={
            "peak_ops_per_s": "NVIDIA Jetson AGX Orin Series Data Sheet DS-10662-001 (2023): 275 sparse INT8 TOPS (GPU 170 + DLA 105) → 137.5 dense; GPU FP16 tensor dense = 170 sparse INT8 / 2 (sparsity) / 2 (FP16 is half INT8 rate on Ampere) = 42.5 TFLOPS; FP32 CUDA 5.3 TFLOPS",
            "power_w": "NVIDIA Jetson AGX Orin Series Data Sheet (2023): module power 15 W–60 W (60 W = MAXN)",
            "mass_kg": "Estimate: 100 mm × 87 mm module with thermal transfer plate, ~0.15–0.35 kg; the data sheet gives dimensions, not mass",
            "cost_usd": "NVIDIA Jetson AGX Orin 64GB module price US$1,599 at 1,000-unit volume (NVIDIA Jetson store/announcement, Nov 2022)",
            "tid_krad": "Unknown: no published total-dose qualification for Orin; 0 = commercial untested (the engine applies its COTS default)",
            "year": "NVIDIA: Jetson AGX Orin 64GB module available Nov 2022",
        },
        ranges={"power_w": (15.0, 60.0), "mass_kg": (0.15, 0.35), "cost_usd": (1599.0, 2000.0)},
    ),
    Chip(
        name="A100-SXM",
        peak_ops_per_s={"fp64": 19.5e12, "fp32": 19.5e12, "tf32": 156e12, "bf16": 312e12, "fp16": 312e12, "int8": 624e12},
        power_w=400.0,
        mass_kg=1.0,
        cost_usd=12_500.0,
        year=2020,
        sources={
            "peak_ops_per_s": _NV_A100 + ": FP64 Tensor 19.5, FP32 19.5, TF32 156, BF16/FP16 312 TFLOPS, INT8 624 TOPS (dense); the TF32 figure, 156 TFLOPS, is used",
            "power_w": _NV_A100 + ": max TDP 400 W",
            "mass_kg": "Estimate: SXM4 module with cold plate (no air heatsink; heat rejection is the thermal model's), 0.5–2 kg; NVIDIA publishes no module mass",
            "cost_usd": "Public reporting of A100 street prices ~US$10,000–15,000 (e.g. CNBC, 'Meet the $10,000 Nvidia chip powering the race for A.I.', Feb 2023)",
            "year": "NVIDIA A100 launched May 2020",
        },
        ranges={"mass_kg": (0.5, 2.0), "cost_usd": (10_000.0, 20_000.0)},
    ),
    Chip(
        name="H100-SXM",
        peak_ops_per_s={"fp64": 66.9e12, "fp32": 66.9e12, "tf32": 494.7e12, "bf16": 989.4e12, "fp16": 989.4e12, "fp8": 1978.9e12, "int8": 1978.9e12},
        power_w=700.0,
        mass_kg=1.2,
        cost_usd=30_000.0,
        year=2022,
        sources={
            "peak_ops_per_s": _NV_H100 + ": FP64 Tensor 66.9, FP32 66.9, TF32 494.7, BF16/FP16 989.4, FP8 1,978.9 TFLOPS, INT8 1,978.9 TOPS",
            "power_w": _NV_H100 + ": up to 700 W (configurable)",
            "mass_kg": "Estimate: SXM5 module with cold plate, 0.6–3 kg (high end with an HGX air heatsink); NVIDIA publishes no module mass",
            "cost_usd": "Public reporting of H100 prices US$25,000–40,000 (e.g. CNBC, 'Nvidia's H100 ... $40,000', Apr 2023; Raymond James estimate ~US$25k–30k)",
            "year": "NVIDIA H100 announced Mar 2022, shipping from late 2022",
        },
        ranges={"power_w": (350.0, 700.0), "mass_kg": (0.6, 3.0), "cost_usd": (25_000.0, 40_000.0)},
    ),
    Chip(
        name="B200",
        peak_ops_per_s={"fp64": 37e12, "tf32": 2.2e15 / 2, "bf16": 4.5e15 / 2, "fp16": 4.5e15 / 2, "fp8": 9e15 / 2, "int8": 9e15 / 2},
        power_w=1000.0,
        mass_kg=1.5,
        cost_usd=35_000.0,
        year=2024,
        sources={
            "peak_ops_per_s": _NV_B200 + ": per GPU FP64/FP64 Tensor 37 TFLOPS, TF32 2.2, FP16/BF16 4.5, FP8 9 PFLOPS, INT8 9 POPS (sparse) → 1.1, 2.25, 4.5, 4.5 dense",
            "power_w": _NV_B200 + ": up to 1,000 W per GPU (HGX B200)",
            "mass_kg": "Estimate: SXM-class module with cold plate, 0.8–3 kg; NVIDIA publishes no module mass",
            "cost_usd": "Jensen Huang, CNBC interview (Mar 2024): B200 priced 'between $30,000 and $40,000'",
            "year": "NVIDIA Blackwell B200 announced GTC Mar 2024, shipping late 2024",
        },
        ranges={"mass_kg": (0.8, 3.0), "cost_usd": (30_000.0, 40_000.0)},
    ),
]

# TPUs: Google neither publishes chip power nor sells chips. Power is bracketed by the measured
# TPU v4 (Jouppi et al., ISCA 2023: mean 170 W, max 192 W per chip); v6e follows from Google's
# "67 % more energy-efficient than v5e" at 918/197 the peak. Cost: 25 % (hardware share of
# cloud TCO, our assumption) of three years of the on-demand chip-hour price.
_TPU_V5E_W = 160.0
_TPU_V6E_W = _TPU_V5E_W * (918.0 / 197.0) / 1.67
_TPU_HW_SHARE = 0.25
_GCP_TPU = "Google Cloud TPU documentation, 'TPU v5e' / 'TPU v6e' system architecture pages (2024–2025)"
_GCP_PRICE = "Google Cloud TPU pricing page (2025), on-demand us-central1: v5e US$1.20, v6e US$2.70 per chip-hour"

CHIPS += [
    Chip(
        name="TPU-v5e",
        peak_ops_per_s={"bf16": 197e12, "int8": 393e12},
        power_w=_TPU_V5E_W,
        mass_kg=0.5,
        cost_usd=1.20 * HOURS_3_YEARS * _TPU_HW_SHARE,
        year=2023,
        sources={
            "peak_ops_per_s": _GCP_TPU + ": peak per chip 197 TFLOPs (bf16), 393 TOPs (int8; 394 is sometimes quoted as 2 × 197)",
            "power_w": "Estimate: not published by Google; bracketed by TPU v4 measured 170 W mean / 192 W max per chip (Jouppi et al., 'TPU v4', ISCA 2023), v5e being the smaller, cost-optimised part",
            "mass_kg": "Estimate: one chip's share of a TPU tray (package, HBM, board, cold plate), 0.3–1 kg; not published",
            "cost_usd": "Estimate: Google does not sell TPUs; 25 % hardware share × 3 years × " + _GCP_PRICE,
            "year": "Google Cloud: TPU v5e announced Aug 2023",
        },
        ranges={"power_w": (120.0, 250.0), "mass_kg": (0.3, 1.0)},
    ),
    Chip(
        name="TPU-v6e",
        peak_ops_per_s={"bf16": 918e12, "int8": 1836e12},
        power_w=_TPU_V6E_W,
        mass_kg=0.7,
        cost_usd=2.70 * HOURS_3_YEARS * _TPU_HW_SHARE,
        tid_krad=2.0,
        year=2024,
        sources={
            "peak_ops_per_s": _GCP_TPU + ": peak per chip 918 TFLOPs (bf16), 1,836 TOPs (int8)",
            "power_w": "Estimate: v5e estimate × (918/197 peak) / 1.67 (Google, 'Introducing Trillium', May 2024: >67 % more energy-efficient than v5e)",
            "mass_kg": "Estimate: one chip's share of a TPU tray, 0.4–1.2 kg; not published",
            "cost_usd": "Estimate: Google does not sell TPUs; 25 % hardware share × 3 years × " + _GCP_PRICE,
            "tid_krad": "Google Research blog 'Exploring a space-based, scalable AI infrastructure system design' (4 Nov 2025) and "
                        "Agüera y Arcas et al., arXiv:2511.19468: Trillium in a 67 MeV proton beam; HBM irregularities from a "
                        "cumulative 2 krad(Si), no hard failure attributable to TID up to the maximum tested 15 krad(Si). The "
                        "ledger's life limit is the onset (2 krad: beyond it the part corrupts data), with radiation.design_margin "
                        "on top, as Google compares 2 krad with its 0.75 krad five-year dose; high = no hard failure at 15 krad",
            "year": "Google Cloud: Trillium (v6e) generally available Dec 2024",
        },
        ranges={"power_w": (_TPU_V6E_W * 0.75, _TPU_V6E_W * 1.5), "mass_kg": (0.4, 1.2), "tid_krad": (2.0, 15.0)},
    ),
]

# --------------------------------------------------------------------------- host servers
# The server around each accelerator (CPUs, memory, NICs, switches, power shelves, chassis, cold
# plates), per accelerator, from the vendor's own systems: (host_power_w, host_mass_kg,
# host_cost_usd, sources, ranges). Every architecture flying or racking the chip carries the
# same host (one envelope); an SoC module or a rad-hard board is a complete computer (0).
_DGX_H100 = ("NVIDIA DGX H100 datasheet (2023): 8 × H100 SXM, 2 × Xeon Platinum 8480C, 2 TB memory, ~10.2 kW max, "
             "130.45 kg (287.6 lb)")
_DGX_A100 = "NVIDIA DGX A100 datasheet (2020): 8 × A100 SXM4, 2 × AMD EPYC 7742, 6.5 kW max, 123.16 kg (271.5 lb)"
_DGX_B200 = ("NVIDIA DGX B200 User Guide (2024), hardware overview: 8 × B200 (the HGX B200's 1,000 W GPUs, as the chip "
             "entry), 2 × Xeon Platinum 8570, 2 TB memory, 14.3 kW max, 142.4 kg (313.9 lb) max")
_HOST_COST = ("Estimate: CPUs (Intel ARK list price of a Xeon Platinum 8480+, US$10,710, two per 8 GPUs), ~2 TB DDR5, "
              "8 × 400G NICs, NVSwitch baseboard, chassis and power supplies ≈ US$50k per 8-GPU server")
_SOC = "The module is a complete computer (CPU, memory and I/O on the module or board): no separate host"
_HOSTS: dict[str, tuple[float, float, float, dict[str, str], dict[str, tuple[float, float]]]] = {
    "H100-SXM": (10_200.0 / 8 - 700.0, 130.45 / 8 - 1.2, 6_400.0,
                 {"host_power_w": _DGX_H100 + ": 10.2 kW / 8 − 700 W GPU TDP",
                  "host_mass_kg": _DGX_H100 + ": 130.45 kg / 8 − 1.2 kg module", "host_cost_usd": _HOST_COST},
                 {"host_power_w": (400.0, 700.0), "host_mass_kg": (10.0, 19.0), "host_cost_usd": (3_000.0, 15_000.0)}),
    "A100-SXM": (6_500.0 / 8 - 400.0, 123.16 / 8 - 1.0, 6_000.0,
                 {"host_power_w": _DGX_A100 + ": 6.5 kW / 8 − 400 W GPU TDP",
                  "host_mass_kg": _DGX_A100 + ": 123.16 kg / 8 − 1.0 kg module", "host_cost_usd": _HOST_COST},
                 {"host_power_w": (300.0, 600.0), "host_mass_kg": (10.0, 19.0), "host_cost_usd": (3_000.0, 15_000.0)}),
    # the host of the system whose GPUs the chip entry describes (1,000 W): a GB200 NVL72 rack (120 kW and 1.36 t for
    # 72 GPUs run at ~1,200 W each, NVIDIA GTC 2024) would give 667 W and 17.4 kg, inside the ranges
    "B200": (14_300.0 / 8 - 1_000.0, 142.4 / 8 - 1.5, 6_700.0,
             {"host_power_w": _DGX_B200 + ": 14.3 kW / 8 − 1,000 W GPU", "host_mass_kg": _DGX_B200 + ": 142.4 kg / 8 − 1.5 kg module",
              "host_cost_usd": "Estimate: a GB200 NVL72 rack reported at US$2–3 M (press, 2024) less 72 GPUs at US$35k"},
             {"host_power_w": (600.0, 833.0), "host_mass_kg": (15.0, 19.0), "host_cost_usd": (3_000.0, 15_000.0)}),
    "TPU-v5e": (250.0, 8.0, 3_000.0,
                {"host_power_w": "Estimate: one CPU host per 4-8 chips (Google Cloud TPU v5e system architecture), host power of "
                                 "a two-socket server (~1-2 kW) shared; no published figure",
                 "host_mass_kg": "Estimate: a share of a TPU host server and tray; no published figure",
                 "host_cost_usd": "Estimate: a share of a two-socket host server; no published figure"},
                {"host_power_w": (125.0, 500.0), "host_mass_kg": (4.0, 16.0), "host_cost_usd": (1_500.0, 8_000.0)}),
    "TPU-v6e": (250.0, 8.0, 3_000.0,
                {"host_power_w": "Estimate: one CPU host per 4-8 chips (Google Cloud TPU v6e system architecture), host power of "
                                 "a two-socket server (~1-2 kW) shared; no published figure",
                 "host_mass_kg": "Estimate: a share of a TPU host server and tray; no published figure",
                 "host_cost_usd": "Estimate: a share of a two-socket host server; no published figure"},
                {"host_power_w": (125.0, 500.0), "host_mass_kg": (4.0, 16.0), "host_cost_usd": (1_500.0, 8_000.0)}),
}


def _with_host(chip: Chip) -> Chip:
    if chip.name not in _HOSTS:
        return dataclasses.replace(chip, sources={**chip.sources, "host_power_w": _SOC})
    power, mass, cost, sources, ranges = _HOSTS[chip.name]
    return dataclasses.replace(chip, host_power_w=power, host_mass_kg=mass, host_cost_usd=cost,
                               sources={**chip.sources, **sources}, ranges={**chip.ranges, **ranges})


CHIPS = [_with_host(c) for c in CHIPS]

# --------------------------------------------------------------------------- launch vehicles

# Falcon 9 Block 5: stage propellant loads (kg) and Merlin 1D mixture ratio O/F.
F9_PROPELLANT_KG = (395_700.0, 92_670.0)
MERLIN_OF = 2.36
F9_CO2_T = combustion_co2_t(sum(F9_PROPELLANT_KG), MERLIN_OF, RP1_KG_CO2_PER_KG)
FH_CO2_T = combustion_co2_t(3 * F9_PROPELLANT_KG[0] + F9_PROPELLANT_KG[1], MERLIN_OF, RP1_KG_CO2_PER_KG)
# Starship: Super Heavy 3,400 t + ship 1,200 t of CH4/LOX at Raptor O/F 3.6.
STARSHIP_PROPELLANT_KG = 3_400e3 + 1_200e3
RAPTOR_OF = 3.6
STARSHIP_CO2_T = combustion_co2_t(STARSHIP_PROPELLANT_KG, RAPTOR_OF, CH4_KG_CO2_PER_KG)
# Falcon 5.2 m fairing: usable static envelope 4.6 m diameter, 6.7 m cylinder, 4.3 m taper (11 m total).
FALCON_FAIRING_M3 = envelope_volume_m3(4.6, 6.7, 4.3)
# Rideshare: one 50 kg slot at the published base price; a linear price since extra mass costs the same per kg.
RIDESHARE_SLOT_KG = 50.0
RIDESHARE_SLOT_USD = 350e3

_F9_PROPS = (
    "Falcon 9 Block 5 propellant: first stage 395,700 kg, second stage 92,670 kg (SpaceX Falcon 9 figures as tabulated "
    "in 'Falcon 9 Full Thrust', Wikipedia); Merlin 1D LOX/RP-1 mixture ratio O/F 2.36; RP-1 as CH1.9423 (NASA CEA) → "
    f"{RP1_KG_CO2_PER_KG:.3f} kg CO2/kg fuel; combustion CO2 only"
)
_SPACEX_CAP = "SpaceX 'Capabilities & Services' page (spacex.com/media/Capabilities&Services.pdf, 2024–2025)"
_FALCON_UG = "SpaceX Falcon User's Guide (Sept 2021), §'Payload fairing': 5.2 m fairing, usable envelope 4.6 m dia × 6.7 m cylinder + 4.3 m taper → cylinder + cone volume"

LAUNCH_VEHICLES: list[LaunchVehicle] = [
    LaunchVehicle(
        name="Falcon9",
        payload_kg={"LEO": 17_500.0, "GTO": 5_500.0},
        fairing_volume_m3=FALCON_FAIRING_M3,
        price_usd=69.75e6,
        co2_t_per_flight=F9_CO2_T,
        leo_altitude_m=300e3,
        year=2018,
        sources={
            "payload_kg.LEO": "Booster-recovered LEO payload ~17.5 t (Starlink v2-mini batches); SpaceX lists 22,800 kg expendable (" + _SPACEX_CAP + "); low = 60 Starlink v1.0 ≈ 15,600 kg (SpaceX, Nov 2019)",
            "payload_kg.GTO": "Booster-recovered GTO ~5.5 t (SpaceX statements, 2018); 8,300 kg expendable per " + _SPACEX_CAP,
            "fairing_volume_m3": _FALCON_UG,
            "price_usd": "US$69.75 M standard Falcon 9 launch price, " + _SPACEX_CAP,
            "co2_t_per_flight": _F9_PROPS + "; low end = 112 t RP-1 × 3.0 (Champion Traveler, 2019)",
            "leo_altitude_m": "Starlink-class insertion orbits ~280–350 km; SpaceX does not state the altitude of its LEO figure",
            "year": "Falcon 9 Block 5 first flight May 2018",
        },
        ranges={"payload_kg.LEO": (15_600.0, 18_500.0), "payload_kg.GTO": (5_500.0, 8_300.0), "fairing_volume_m3": (110.0, 145.0), "co2_t_per_flight": (335.0, 470.0)},
    ),
    LaunchVehicle(
        name="FalconHeavy",
        payload_kg={"LEO": 63_800.0, "GTO": 26_700.0, "TLI": 15_000.0},
        fairing_volume_m3=FALCON_FAIRING_M3,
        price_usd=97e6,
        co2_t_per_flight=FH_CO2_T,
        leo_altitude_m=300e3,
        year=2018,
        sources={
            "payload_kg.LEO": "63,800 kg to LEO (fully expendable), " + _SPACEX_CAP,
            "payload_kg.GTO": "26,700 kg to GTO (fully expendable), " + _SPACEX_CAP,
            "payload_kg.TLI": "Estimate: between SpaceX's 16,800 kg to Mars (" + _SPACEX_CAP + ") and the ~15 t TLI commonly quoted for expendable Falcon Heavy",
            "fairing_volume_m3": _FALCON_UG,
            "price_usd": "US$97 M list price (for up to 8,000 kg to GTO with recovery), " + _SPACEX_CAP + "; fully expendable flights ~US$150 M (reported USSF contract values)",
            "co2_t_per_flight": "Three Falcon 9 first-stage loads + one second stage; " + _F9_PROPS,
            "leo_altitude_m": "Assumed as for Falcon 9; SpaceX does not state the altitude of its LEO figure",
            "year": "Falcon Heavy first flight Feb 2018",
        },
        ranges={"payload_kg.TLI": (13_000.0, 16_800.0), "price_usd": (97e6, 150e6), "co2_t_per_flight": (1_000.0, 1_300.0)},
    ),
    LaunchVehicle(
        name="Starship",
        payload_kg={"LEO": 100_000.0},
        fairing_volume_m3=1_000.0,
        price_usd=50e6,
        expendable_price_usd=90e6,
        co2_t_per_flight=STARSHIP_CO2_T,
        reusable=True,
        year=2026,
        sources={
            "payload_kg.LEO": "SpaceX Starship page / Starship Users Guide (2020): 100–150 t to LEO fully reusable; Musk (Jul 2019): '100 to 125 t useful load to useful orbit'. TLI and beyond need orbital refuelling (tanker flights), not listed here",
            "fairing_volume_m3": "SpaceX Starship Users Guide Rev 1.0 (2020) / Starship page: ~1,000 m³ payload volume in a 9 m diameter vehicle",
            "price_usd": "Estimate: no list price. Low = SpaceX's stated goal of <US$10 M per flight at scale; high ~US$100 M for early flights (analyst estimates, 2023–2024)",
            "co2_t_per_flight": "Super Heavy 3,400 t + ship 1,200 t propellant (SpaceX Starship page); Raptor O/F 3.6 (SpaceX); CH4 fully oxidised, 2.743 kg CO2/kg; combustion CO2 only. High end: Block 3 loads (~3,650 t + 1,550 t)",
            "reusable": "SpaceX: Starship uses ship-to-ship propellant transfer for GEO, lunar and Mars missions (NASA HLS)",
            "expendable_price_usd": "Estimate: the flight price plus a ship that is not recovered, ~US$40 M (low: Musk's stretch "
                                    "goal of ~US$5 M per ship, E. Berger, Ars Technica, 'Inside Elon Musk's plan to build one "
                                    "Starship a day', Mar 2020; high: early vehicles ~US$100 M, analyst estimates)",
            "year": "Assumption: first operational payload deployments (Starlink V3) planned for 2026",
        },
        ranges={"payload_kg.LEO": (100_000.0, 150_000.0), "fairing_volume_m3": (800.0, 1_100.0), "price_usd": (10e6, 100e6),
                "expendable_price_usd": (55e6, 200e6), "co2_t_per_flight": (2_400.0, 3_600.0)},
    ),
    LaunchVehicle(
        # One "flight" is one purchased 50 kg slot on a shared Transporter mission: the published
        # price is linear above the base (US$7,000/kg = 350k/50), so n slots price n × 50 kg exactly.
        name="Transporter",
        payload_kg={"SSO": RIDESHARE_SLOT_KG},
        price_usd=RIDESHARE_SLOT_USD,
        co2_t_per_flight=F9_CO2_T * RIDESHARE_SLOT_KG / 17_500.0,
        leo_altitude_m=525e3,
        year=2021,
        sources={
            "payload_kg.SSO": "SpaceX Smallsat Rideshare page (spacex.com/rideshare, 2026 pricing): US$350,000 for up to 50 kg to SSO, US$7,000/kg beyond; modelled as 50 kg slots (fairing volume not limiting: NaN)",
            "price_usd": "SpaceX Smallsat Rideshare page (2026): US$350k per 50 kg; 2025 missions US$325k (US$6,500/kg), 2024 US$300k (US$6,000/kg)",
            "co2_t_per_flight": "Allocation: Falcon 9 CO2 per flight × 50 kg / 17,500 kg (mass share of a reusable Falcon 9 load); " + _F9_PROPS,
            "leo_altitude_m": "Transporter missions deploy to ~500–600 km SSO (SpaceX mission pages)",
            "year": "Transporter-1, Jan 2021",
        },
        ranges={"price_usd": (325e3, 350e3), "co2_t_per_flight": (335.0 * 50 / 22_800, 470.0 * 50 / 15_600)},
    ),
    LaunchVehicle(
        name="LM-2D",
        payload_kg={"LEO": 3_500.0, "SSO": 1_300.0},
        fairing_volume_m3=envelope_volume_m3(2.9, 4.0, 2.5),
        price_usd=30e6,
        co2_t_per_flight=combustion_co2_t(182_000.0 + 52_700.0, 2.1, UDMH_KG_CO2_PER_KG),
        leo_altitude_m=200e3,
        year=1992,
        sources={
            "payload_kg.LEO": "CALT/CGWIC Long March 2D description: 3,500 kg to 200 km LEO",
            "payload_kg.SSO": "CALT/CGWIC Long March 2D description: 1,300 kg to 645 km SSO",
            "fairing_volume_m3": "Estimate: 3.35 m fairing with a ~2.9 m dia × 4.0 m cylinder + 2.5 m cone usable envelope (CALT user's manual envelopes vary by fairing)",
            "price_usd": "Estimate: no published list price; Chinese commercial quotes reported in the US$20–40 M range",
            "co2_t_per_flight": f"Propellant ~182 t (stage 1) + ~52.7 t (stage 2) N2O4/UDMH (CALT figures as tabulated by Wikipedia), O/F ~2.1; UDMH C2H8N2 → {UDMH_KG_CO2_PER_KG:.3f} kg CO2/kg fuel; combustion CO2 only",
            "leo_altitude_m": "CALT/CGWIC: LEO figure for 200 km",
            "year": "Long March 2D first flight Aug 1992",
        },
        ranges={"fairing_volume_m3": (20.0, 45.0), "price_usd": (20e6, 40e6), "co2_t_per_flight": (90.0, 130.0)},
    ),
    LaunchVehicle(
        name="Electron",
        payload_kg={"LEO": 300.0, "SSO": 200.0},
        fairing_volume_m3=envelope_volume_m3(1.08, 1.0, 0.9),
        price_usd=8.5e6,
        co2_t_per_flight=combustion_co2_t(11_000.0, 2.6, RP1_KG_CO2_PER_KG),
        leo_altitude_m=200e3,
        year=2018,
        sources={
            "payload_kg.LEO": "Rocket Lab Electron page (rocketlabusa.com): up to 300 kg to LEO",
            "payload_kg.SSO": "Rocket Lab Electron page: 200 kg to SSO (500 km)",
            "fairing_volume_m3": "Estimate: 1.2 m fairing, ~1.08 m dia × 1.0 m cylinder + 0.9 m cone usable envelope (Rocket Lab Payload User's Guide)",
            "price_usd": "Rocket Lab: ~US$7.5 M per launch (2020–2021 investor materials), ~US$8.5 M average in 2024 reporting",
            "co2_t_per_flight": f"Estimate: ~11 t LOX/RP-1 propellant (13 t lift-off mass less structure and payload), Rutherford O/F ~2.6; RP-1 → {RP1_KG_CO2_PER_KG:.3f} kg CO2/kg fuel",
            "leo_altitude_m": "Assumption: Rocket Lab does not state the altitude of its 300 kg LEO figure",
            "year": "Electron first orbital flight Jan 2018",
        },
        ranges={"fairing_volume_m3": (1.0, 1.6), "price_usd": (7.5e6, 9.0e6), "co2_t_per_flight": (7.0, 12.0)},
    ),
]

# ---------------------------------------------------------------------------- power sources

_RIGID_KG_M2 = 4.5
_ROSA_W_PER_KG = 120.0
_ROSA_EFF, _ROSA_PACK = 0.30, 0.90
_ROSA_KG_M2 = SOLAR_CONSTANT_W_M2 * _ROSA_EFF * _ROSA_PACK / _ROSA_W_PER_KG
_FSP_W, _FSP_KG = 40e3, 6_000.0
_KILOPOWER_W, _KILOPOWER_KG = 10e3, 1_500.0
_MMRTG_W, _MMRTG_KG, _MMRTG_USD = 110.0, 45.0, 110e6
#: EPA eGRID2022 US total output CO2 emission rate, lb/MWh.
EGRID2022_US_LB_PER_MWH = 823.1
_LB_KG = 0.45359237

_LI_ION_SPACE = PowerSource(
    name="Li-ion-space",
    kind="storage",
    specific_energy_wh_per_kg=120.0,
    round_trip_efficiency=0.90,
    depth_of_discharge=0.30,
    cost_usd_per_kwh=10_000.0,
    sources={
        "specific_energy_wh_per_kg": "Saft VES16/VES180 space Li-ion cells ~150–165 Wh/kg; battery level (packaging, harness, heaters) 90–160 Wh/kg (NASA Ames 'State-of-the-Art of Small Spacecraft Technology' 2024, Power: Energy Storage)",
        "round_trip_efficiency": "Typical Li-ion charge/discharge energy efficiency 0.85–0.95 (New SMAD 2011, ch. 21)",
        "depth_of_discharge": "LEO practice: ~5,500 cycles/yr limits DoD to ~20–40 % for multi-year life (New SMAD 2011, ch. 21); GEO/lunar-night use allows 60–80 %",
        "cost_usd_per_kwh": "Estimate: no public price list; space-qualified batteries cost orders of magnitude more than automotive packs, US$3,000–50,000 per kWh",
    },
    ranges={"specific_energy_wh_per_kg": (90.0, 160.0), "round_trip_efficiency": (0.85, 0.95), "depth_of_discharge": (0.20, 0.80), "cost_usd_per_kwh": (3_000.0, 50_000.0)},
)

#: The same cells discharged deep where eclipses are few (GEO's ~90 a year): only the depth of discharge differs.
_LI_ION_SPACE_DEEP = dataclasses.replace(
    _LI_ION_SPACE,
    name="Li-ion-space-deep",
    depth_of_discharge=0.80,
    sources={**_LI_ION_SPACE.sources,
             "depth_of_discharge": "GEO practice: about 90 eclipses a year in two 45-day seasons (at most 72 min each) "
                                   "allow deep discharge, 60–80 % over a 15-year life (New SMAD 2011, ch. 21; Wertz & "
                                   "Larson, SMAD 3rd ed. 1999, §11.4)"},
    ranges={**_LI_ION_SPACE.ranges, "depth_of_discharge": (0.60, 0.80)},
)

POWER_SOURCES: list[PowerSource] = [
    PowerSource(
        name="GaAs-rigid",
        kind="solar",
        efficiency=0.307,
        packing_factor=0.85,
        areal_density_kg_m2=_RIGID_KG_M2,
        degradation_per_year=0.01,
        cost_usd_per_w=500.0,
        sources={
            "efficiency": "Spectrolab XTJ Prime data sheet: 30.7 % average BOL efficiency, AM0, 28 °C; low = SolAero ZTJ 29.5 % / Azur 3G28 28 %",
            "packing_factor": "Wertz, Everett & Puschell, Space Mission Engineering: The New SMAD (2011), ch. 21: cell packing 0.80–0.90 on rigid panels",
            "areal_density_kg_m2": f"Estimate: wing level (cells+coverglass ~0.9 kg/m², honeycomb panel, hinges, yoke) → {SOLAR_CONSTANT_W_M2 * 0.307 * 0.85 / _RIGID_KG_M2:.0f} W/kg BOL, within the 40–100 W/kg of rigid GaAs arrays (New SMAD 2011; NASA Ames 'State-of-the-Art of Small Spacecraft Technology' 2024, Power)",
            "degradation_per_year": "Estimate: 3J GaAs in LEO lose ~0.5–2 %/yr (radiation + UV/thermal cycling; Spectrolab XTJ Prime EOL factors after 1e15 e/cm²); orbit-specific dose is the radiation model's",
            "cost_usd_per_w": "Estimate: space-qualified III-V arrays ~US$200–1,000 per W BOL (JPL 'Solar Power Technologies for Future Planetary Science Missions', JPL D-101316, 2017, discusses array costs of this order)",
        },
        ranges={"efficiency": (0.28, 0.32), "packing_factor": (0.80, 0.90), "areal_density_kg_m2": (3.0, 6.0), "degradation_per_year": (0.005, 0.02), "cost_usd_per_w": (200.0, 1000.0)},
    ),
    PowerSource(
        name="GaAs-ROSA",
        kind="solar",
        efficiency=_ROSA_EFF,
        packing_factor=_ROSA_PACK,
        areal_density_kg_m2=_ROSA_KG_M2,
        degradation_per_year=0.01,
        cost_usd_per_w=400.0,
        sources={
            "efficiency": "3J GaAs cells as flown on ISS iROSA (Spectrolab XTJ Prime 30.7 %, SolAero ZTJ 29.5 % AM0 BOL data sheets)",
            "packing_factor": "Estimate: flexible blanket arrays pack cells more densely than rigid panels, 0.85–0.92",
            "areal_density_kg_m2": f"Derived: 1361 W/m² × {_ROSA_EFF} × {_ROSA_PACK} / {_ROSA_W_PER_KG:.0f} W/kg; Redwire/DSS ROSA: >100 W/kg BOL at wing level (range 100–200 W/kg, MegaFlex/ROSA literature)",
            "degradation_per_year": "Estimate: as rigid 3J GaAs, ~0.5–2 %/yr in LEO",
            "cost_usd_per_w": "Estimate: cells dominate cost; roll-out structure cheaper per W than rigid panels; US$150–800/W",
        },
        ranges={
            "efficiency": (0.28, 0.32),
            "packing_factor": (0.85, 0.92),
            "areal_density_kg_m2": (SOLAR_CONSTANT_W_M2 * _ROSA_EFF * _ROSA_PACK / 200.0, SOLAR_CONSTANT_W_M2 * _ROSA_EFF * _ROSA_PACK / 100.0),
            "degradation_per_year": (0.005, 0.02),
            "cost_usd_per_w": (150.0, 800.0),
        },
    ),
    PowerSource(
        name="Si-COTS",
        kind="solar",
        efficiency=0.20,
        packing_factor=0.90,
        areal_density_kg_m2=2.0,
        degradation_per_year=0.025,
        cost_usd_per_w=50.0,
        sources={
            "efficiency": "Range: Azur Space S 32 silicon space cell data sheet 16.9 % AM0 BOL; high-efficiency commercial IBC Si cells ~24–25 % AM1.5G ≈ 22 % AM0. Starlink-class arrays are believed to be silicon (not published)",
            "packing_factor": "Estimate: large-format cells on flat panels, 0.85–0.95",
            "areal_density_kg_m2": "Estimate: thin Si cells (~0.4 kg/m²) on lightweight panels, 1.5–3 kg/m²",
            "degradation_per_year": "Estimate: uncovered/thin-glass Si degrades faster under displacement damage and UV, 1–4 %/yr in LEO",
            "cost_usd_per_w": "Estimate: terrestrial Si modules ~US$0.2/W; space-adapted mass-produced arrays US$10–150/W",
        },
        ranges={"efficiency": (0.169, 0.22), "packing_factor": (0.85, 0.95), "areal_density_kg_m2": (1.5, 3.0), "degradation_per_year": (0.01, 0.04), "cost_usd_per_w": (10.0, 150.0)},
    ),
    _LI_ION_SPACE,
    _LI_ION_SPACE_DEEP,
    PowerSource(
        name="Li-ion-COTS",
        kind="storage",
        specific_energy_wh_per_kg=170.0,
        round_trip_efficiency=0.92,
        depth_of_discharge=0.30,
        cost_usd_per_kwh=115.0,
        sources={
            "specific_energy_wh_per_kg": "Automotive-class NMC packs ~150–200 Wh/kg at pack level (2023–2024 EV packs)",
            "round_trip_efficiency": "Typical Li-ion round-trip efficiency 0.88–0.95",
            "depth_of_discharge": "As Li-ion-space: cycle-life-limited ~20–40 % in LEO, up to 80 % for rare deep cycles",
            "cost_usd_per_kwh": "BloombergNEF Lithium-Ion Battery Price Survey (Dec 2024): volume-weighted average pack price US$115/kWh; high end adds space adaptation",
        },
        ranges={"specific_energy_wh_per_kg": (150.0, 200.0), "round_trip_efficiency": (0.88, 0.95), "depth_of_discharge": (0.20, 0.80), "cost_usd_per_kwh": (115.0, 500.0)},
    ),
    PowerSource(
        name="RFC",
        kind="storage",
        specific_energy_wh_per_kg=500.0,
        round_trip_efficiency=0.50,
        depth_of_discharge=0.95,
        sources={
            "specific_energy_wh_per_kg": "NASA GRC regenerative fuel cell studies for lunar night (e.g. Burke, 'Energy Storage Considerations for a Robotic Lunar Lander', NASA/TM; Bents et al.): system incl. tanks ~300–1,000 Wh/kg for 14-day nights, rising with night length",
            "round_trip_efficiency": "H2/O2 RFC round trip ~40–60 % (electrolyser × fuel cell), NASA GRC RFC studies",
            "depth_of_discharge": "Estimate: reactant tanks are drained almost fully, 0.9–1.0",
            "cost_usd_per_kwh": "No public cost figure: left NaN (a scenario using RFC must supply one)",
        },
        ranges={"specific_energy_wh_per_kg": (300.0, 1_000.0), "round_trip_efficiency": (0.40, 0.60), "depth_of_discharge": (0.90, 1.0)},
    ),
    PowerSource(
        # The RFC entry with a cost: what a surface site's storage is by default (one envelope).
        name="RFC-lunar",
        kind="storage",
        specific_energy_wh_per_kg=500.0,
        round_trip_efficiency=0.50,
        depth_of_discharge=0.95,
        cost_usd_per_kwh=10_000.0,
        sources={
            "specific_energy_wh_per_kg": "As the 'RFC' entry: NASA GRC regenerative fuel cell studies for the lunar night, "
                                         "~300–1,000 Wh/kg with tanks for 14-day nights",
            "round_trip_efficiency": "As the 'RFC' entry: H2/O2 electrolyser × fuel cell, 40–60 % (NASA GRC RFC studies)",
            "depth_of_discharge": "As the 'RFC' entry: reactant tanks drained almost fully, 0.9–1.0",
            "cost_usd_per_kwh": "Estimate: no public price for a flight regenerative fuel cell; taken equal to the space "
                                "Li-ion estimate per kWh (US$3,000–50,000/kWh)",
        },
        ranges={"specific_energy_wh_per_kg": (200.0, 1000.0), "round_trip_efficiency": (0.40, 0.60),
                "depth_of_discharge": (0.90, 1.0), "cost_usd_per_kwh": (3_000.0, 50_000.0)},
    ),
    PowerSource(
        name="FSP-40kWe",
        kind="fission",
        specific_power_w_per_kg=_FSP_W / _FSP_KG,
        cost_usd_per_w=15_000.0,
        sources={
            "specific_power_w_per_kg": "Derived: 40 kWe / 6,000 kg, NASA Fission Surface Power project requirement (NASA FSP solicitation and fact sheet, 2022: 40 kWe, <6,000 kg, 10-year life)",
            "cost_usd_per_w": "Estimate of the recurring unit price: ~US$1–2 B for development and first unit in NASA FSP concept studies (Mason et al., 'Fission Surface Power System Initial Concept Definition', NASA/TM-2010-216772), of which the recurring share is ~0.4 (SSCM recurring/non-recurring split, Wertz, Everett & Puschell, The New SMAD, 2011, ch. 11): ~US$600 M per 40 kWe unit; development is not charged per unit",
            "degradation_per_year": "Design life 10 years at rated power (NASA FSP 2022); 0",
        },
        ranges={"specific_power_w_per_kg": (5.0, 8.0), "cost_usd_per_w": (5_000.0, 35_000.0)},
    ),
    PowerSource(
        name="Kilopower-10kWe",
        kind="fission",
        specific_power_w_per_kg=_KILOPOWER_W / _KILOPOWER_KG,
        cost_usd_per_w=35_000.0,
        sources={
            "specific_power_w_per_kg": "Derived: 10 kWe / ~1,500 kg (Gibson et al., 'The Kilopower Reactor Using Stirling TechnologY (KRUSTY) Nuclear Ground Test', NASA/TM-2018; NASA Kilopower fact sheet 2018)",
            "cost_usd_per_w": "Estimate: taken equal to FSP-40kWe per W (same technology family; no public unit cost)",
            "degradation_per_year": "Design life 10+ years at rated power (NASA Kilopower); 0",
        },
        ranges={"specific_power_w_per_kg": (5.0, 8.0), "cost_usd_per_w": (15_000.0, 70_000.0)},
    ),
    PowerSource(
        name="MMRTG",
        kind="radioisotope",
        specific_power_w_per_kg=_MMRTG_W / _MMRTG_KG,
        cost_usd_per_w=_MMRTG_USD / _MMRTG_W,
        degradation_per_year=0.048,
        sources={
            "specific_power_w_per_kg": "Derived: ~110 W(e) BOL / 45 kg (NASA Radioisotope Power Systems MMRTG fact sheet, 2020)",
            "cost_usd_per_w": "Derived: ~US$110 M per unit incl. Pu-238 fuel (NASA/DOE figures reported for Mars 2020 Perseverance) / 110 W",
            "degradation_per_year": "~4.8 %/yr observed output decline (Pu-238 decay + thermocouple degradation; Curiosity MMRTG telemetry, NASA RPS)",
        },
        ranges={"cost_usd_per_w": (75e6 / _MMRTG_W, 150e6 / _MMRTG_W), "degradation_per_year": (0.038, 0.052)},
    ),
    PowerSource(
        name="grid-us",
        kind="grid",
        price_usd_per_kwh=0.081,
        co2_kg_per_kwh=EGRID2022_US_LB_PER_MWH * _LB_KG / 1000.0,
        sources={
            "price_usd_per_kwh": "US EIA Electric Power Monthly (2025), Table 5.3: 2024 average retail price to the industrial sector ~8.1 ¢/kWh; commercial ~12.7 ¢/kWh",
            "co2_kg_per_kwh": "US EPA eGRID2022: US total output CO2 emission rate 823.1 lb/MWh → 0.373 kg/kWh; range spans eGRID subregions",
        },
        ranges={"price_usd_per_kwh": (0.06, 0.13), "co2_kg_per_kwh": (0.10, 0.80)},
    ),
    PowerSource(
        name="Laser-beamed",
        kind="beamed",
        efficiency=0.15,
        sources={
            "efficiency": "End-to-end electric-to-electric efficiency of laser power beaming ~10–20 % (Landis, 'Laser Power Beaming for Lunar Polar Exploration', AIAA Propulsion and Energy Forum 2020; DARPA POWER PRAD demonstration 2025: >800 W over 8.6 km)",
            "specific_power_w_per_kg": "No system-level figure published: left NaN (a scenario using beamed power must supply one)",
        },
        ranges={"efficiency": (0.10, 0.20)},
    ),
]

# --------------------------------------------------------------------------- ground stations

_KSAT = "KSAT (Kongsberg Satellite Services) ground network page, ksat.no"
_NEN = "NASA Near Space Network (formerly NEN) station list, NASA SCaN"
_SSC = "SSC (Swedish Space Corporation) ground network page, sscspace.com"
_DSN = "NASA JPL DSN Telecommunications Link Design Handbook 810-005, module 301 'Coverage and Geometry' (antenna coordinates)"
_CN_RS = "AIRCAS China Remote Sensing Satellite Ground Station (Miyun, Kashi, Sanya receiving stations), radi.cas.cn"
_CN_DS = "Chinese Lunar Exploration Program ground segment: Jiamusi 66 m (CLTC) and Kunming 40 m (Yunnan Observatories) antennas (Chang'e TT&C/VLBI literature)"


def _station(name: str, lat: float, lon: float, alt: float, network: str, ref: str, min_el: float = 10.0) -> GroundStation:
    fields = ["lat_deg", "lon_deg", "network"] + (["alt_m"] if alt else []) + (["min_elevation_deg"] if min_el != 10.0 else [])
    sources = _same(ref, *fields)
    if min_el != 10.0:
        sources["min_elevation_deg"] = "Typical LEO tracking mask 5° for high-latitude polar stations (KSAT/NEN practice)"
    return GroundStation(name=name, lat_deg=lat, lon_deg=lon, alt_m=alt, min_elevation_deg=min_el, network=network, sources=sources)


GROUND_STATIONS: list[GroundStation] = [
    _station("SvalSat", 78.23, 15.39, 500.0, "KSAT", _KSAT + "; SvalSat on Platåberget, Svalbard", min_el=5.0),
    _station("TrollSat", -72.01, 2.53, 1270.0, "KSAT", _KSAT + "; TrollSat at Troll station, Queen Maud Land, Antarctica", min_el=5.0),
    _station("Fairbanks", 64.86, -147.85, 0.0, "NASA NEN", _NEN + "; Alaska Satellite Facility / Fairbanks"),
    _station("Wallops", 37.94, -75.46, 0.0, "NASA NEN", _NEN + "; Wallops Ground Station, Virginia"),
    _station("Hartebeesthoek", -25.89, 27.69, 1415.0, "NASA NEN", _NEN + "; SANSA Hartebeesthoek, South Africa"),
    _station("Santiago", -33.15, -70.67, 0.0, "SSC", _SSC + "; Santiago Satellite Station (Peldehue), Chile; also NASA NEN"),
    _station("Esrange", 67.88, 21.07, 0.0, "SSC", _SSC + "; Esrange Space Center, Kiruna, Sweden"),
    _station("Miyun", 40.45, 116.85, 0.0, "China", _CN_RS),
    _station("Kashi", 39.50, 76.00, 0.0, "China", _CN_RS),
    _station("Sanya", 18.30, 109.30, 0.0, "China", _CN_RS),
    _station("Jiamusi", 46.49, 130.77, 0.0, "China", _CN_DS),
    _station("Kunming", 25.03, 102.80, 0.0, "China", _CN_DS),
    _station("Goldstone", 35.43, -116.89, 1002.0, "DSN", _DSN + "; Goldstone DSS-14, California"),
    _station("Madrid", 40.43, -4.25, 865.0, "DSN", _DSN + "; Robledo DSS-63, Spain"),
    _station("Canberra", -35.40, 148.98, 689.0, "DSN", _DSN + "; Tidbinbilla DSS-43, Australia"),
]


# ------------------------------------------------------------------------------------- hook


@hookimpl
def sandbox_register_catalogues(register):
    """Register every built-in chip, launch vehicle, power source and ground station."""
    for entry in CHIPS + LAUNCH_VEHICLES + POWER_SOURCES + GROUND_STATIONS:
        register(entry)
