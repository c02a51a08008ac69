"""The lunar and deep-space infrastructure sandbox: one ledger for AI compute in space.

The host engine knows no architecture by name; architectures, catalogues and model
components come from pluggy plugins found through the ``sandbox`` entry-point group.

**The plugin author's surface.** Everything a plugin needs is importable from this package
(the built-in plugins import nothing else)::

    from sandbox import (hookimpl, ArchitectureSpec, Context, Param, Params, Design, Element,
                         Site, PowerSystem, ThermalSystem, Transport, Metric, trajectory, models)

Names are loaded on first use, so ``import sandbox`` stays cheap for the command line.
See docs/plugins.md for every type, field and hook.

Layout of the package (each subpackage is one phase of the work):

- ``sandbox.core``: the contract — hook specifications, the registry, scenarios, parameters,
  units, catalogue entries and the design types plugins return;
- ``sandbox.models``: the shared-model components (compute, power, thermal, launch, cost,
  radiation, links), plain SI floats and numpy arrays;
- ``sandbox.trajectory``: the one adapter to the orbital-mechanics library;
- ``sandbox.ledger``: the engine that evaluates designs on the shared ledger, for one run or
  many study points at once;
- ``sandbox.studies``: sweeps, Monte Carlo, sensitivity, timelines;
- ``sandbox.output``: tables, files, plots and the HTML report;
- ``sandbox.cli``: the ``sandbox`` command line; ``sandbox.api``: the same from Python.
"""

from __future__ import annotations

import importlib
from typing import Any

import pluggy

__version__ = "0.2.0"

#: Marker for hook implementations in plugins: ``@sandbox.hookimpl``.
hookimpl = pluggy.HookimplMarker("sandbox")
#: Marker for hook specifications (used only by :mod:`sandbox.core.hookspecs`).
hookspec = pluggy.HookspecMarker("sandbox")

#: Public name → module that defines it (imported on first access).
_EXPORTS: dict[str, str] = {
    # what a design function receives and returns
    "ArchitectureSpec": "sandbox.core.architecture",
    "Context": "sandbox.core.architecture",
    "Workload": "sandbox.core.architecture",
    "Assumptions": "sandbox.core.architecture",
    "Design": "sandbox.core.design",
    "Element": "sandbox.core.design",
    "Site": "sandbox.core.design",
    "PowerSystem": "sandbox.core.design",
    "ThermalSystem": "sandbox.core.design",
    "Transport": "sandbox.core.design",
    "PowerLink": "sandbox.core.design",
    "Servicing": "sandbox.core.design",
    "LinkStage": "sandbox.core.design",
    "Metric": "sandbox.core.design",
    # parameters and their sources
    "Param": "sandbox.core.params",
    "Params": "sandbox.core.params",
    "from_sourced": "sandbox.core.params",
    "chip_precision_problem": "sandbox.core.params",
    "counted_precision": "sandbox.core.params",
    "nearest_precision": "sandbox.core.params",
    "Sourced": "sandbox.core.sourced",
    "compute_params": "sandbox.core.paramsets",
    "checkpoint_param": "sandbox.core.paramsets",
    "radiator_params": "sandbox.core.paramsets",
    "spacecraft_params": "sandbox.core.paramsets",
    "lead_time_param": "sandbox.core.paramsets",
    "keeping_params": "sandbox.core.paramsets",
    "geo_keeping_params": "sandbox.core.paramsets",
    "derating_fields": "sandbox.core.paramsets",
    "envelope_params": "sandbox.core.paramsets",
    "avionics_param": "sandbox.core.paramsets",
    "avionics_note": "sandbox.core.paramsets",
    "radiator_system": "sandbox.core.paramsets",
    "servicing_params": "sandbox.core.paramsets",
    "servicing_fields": "sandbox.core.paramsets",
    "TRAINING_UTILISATION": "sandbox.core.paramsets",
    # quantities at the edges (command options, parameter values)
    "parse_quantity": "sandbox.core.units",
    "FLOPS": "sandbox.core.units",
    # catalogue entries
    "Chip": "sandbox.core.catalogue",
    "LaunchVehicle": "sandbox.core.catalogue",
    "PowerSource": "sandbox.core.catalogue",
    "GroundStation": "sandbox.core.catalogue",
    "Catalogues": "sandbox.core.catalogue",
    # what sandbox_extra_metrics and sandbox_run_finished receive
    "Ledger": "sandbox.ledger.engine",
    "RunResult": "sandbox.ledger.engine",
    # the types of the registration callbacks (for type-checked plugins)
    "RegisterCatalogueEntry": "sandbox.core.hookspecs",
    "RegisterModel": "sandbox.core.hookspecs",
    "RegisterArchitecture": "sandbox.core.hookspecs",
}
#: Subpackages a plugin may use through this package: ``from sandbox import trajectory, models``.
_MODULES = ("trajectory", "models", "api", "testing")

__all__ = ["__version__", "hookimpl", "hookspec", *_EXPORTS, *_MODULES]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    if name in _MODULES:
        return importlib.import_module(f"sandbox.{name}")
    raise AttributeError(f"module 'sandbox' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
