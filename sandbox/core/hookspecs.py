"""The plugin contract: every hook a plugin may implement, typed.

Plugins are modules (or objects) whose functions are marked with ``@sandbox.hookimpl`` and
named after a hook below; they are found through the ``sandbox`` entry-point group. The
built-in plugins in ``plugins/`` and the host's own plugins (:data:`sandbox.core.registry.HOST_PLUGINS`,
e.g. ``sandbox.cli.studies``, which adds the study commands) use exactly these hooks.
An implementation declares only the arguments it uses (pluggy passes them by name); an
implementation named after no hook, or declaring an argument its hook does not pass, stops
loading with the plugin's name and a did-you-mean.

Lifecycle (when each hook fires)::

    load plugins: host plugins (sandbox.cli.studies), then entry points by name
                  (SANDBOX_PLUGINS filters them), then explicit ones (--plugin, load([...]))
      │         → check_pending(): an unknown hook name fails, with a did-you-mean
      │
      ├─ sandbox_register_catalogues(register)        once per process, first
      ├─ sandbox_register_models(register)            once per process
      ├─ sandbox_register_architectures(register)     once per process
      │                                                   (CLI only:)
      ├─ sandbox_register_commands(cli)               when the ``sandbox`` command group is listed
      │                                               or a plugin command runs (sandbox.cli.studies
      │                                               adds sweep, sensitivity and timeline here)
    per scenario run:
      ├─ validate scenario against registered schemas (no hook: pure data)
      ├─ for each architecture in the scenario (the baseline added if missing):
      │     spec.design(params, context)              the architecture's own design function
      │     engine evaluates the design on the shared ledger
      │     sandbox_extra_metrics(...)                every plugin may add metrics
      ├─ headline metrics relative to the baseline (``*.vs_baseline``)
      └─ sandbox_run_finished(result)                 after all architectures, before output

Registration hooks receive a ``register`` callback instead of returning values, so one
plugin can register many things and the engine knows which plugin registered each. The
callbacks' types are the protocols below (:class:`RegisterCatalogueEntry`,
:class:`RegisterModel`, :class:`RegisterArchitecture`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from sandbox import hookspec

if TYPE_CHECKING:  # types only: these modules import the registry, which imports this module
    import click

    from sandbox.core.architecture import ArchitectureSpec, Context
    from sandbox.core.catalogue import CatalogueEntry
    from sandbox.core.design import Design, Metric
    from sandbox.ledger.engine import RunResult
    from sandbox.ledger.results import LedgerView


class RegisterCatalogueEntry(Protocol):
    """The ``register`` callback of :func:`sandbox_register_catalogues`."""

    def __call__(self, entry: CatalogueEntry, replace: bool = False) -> None: ...


class RegisterModel(Protocol):
    """The ``register`` callback of :func:`sandbox_register_models`."""

    def __call__(self, name: str, function: Callable[..., Any], replace: bool = False) -> None: ...


class RegisterArchitecture(Protocol):
    """The ``register`` callback of :func:`sandbox_register_architectures`."""

    def __call__(self, spec: ArchitectureSpec) -> None: ...


# ---------------------------------------------------------------- registration phase
@hookspec
def sandbox_register_catalogues(register: RegisterCatalogueEntry) -> None:
    """Register catalogue entries: compute chips, launch vehicles, power sources, ground stations.

    Fires once per process, before models and architectures are registered.

    ``register(entry, replace=False)``: ``entry`` is a :class:`sandbox.core.catalogue.Chip`,
    :class:`~sandbox.core.catalogue.LaunchVehicle`, :class:`~sandbox.core.catalogue.PowerSource` or
    :class:`~sandbox.core.catalogue.GroundStation` (plain SI fields, the unit in each field name, a
    ``sources`` mapping). Entries from all plugins are merged by name; registering a name that
    another plugin already registered is an error naming both plugins unless ``replace=True``.
    Returns nothing.
    """


@hookspec
def sandbox_register_models(register: RegisterModel) -> None:
    """Contribute or replace a component of the shared model.

    Fires once per process, after catalogues.

    ``register(name, function, replace=False)``: ``name`` is a dotted component name
    ``"<module>.<function>"`` of :mod:`sandbox.models` (e.g. ``"thermal.radiator_area_m2"``)
    or a new name under a new prefix. ``function`` takes and returns plain SI floats/numpy
    arrays with the same signature as the function it replaces. A replacement applies to
    every architecture (one quantity is never computed two ways) and is named in the
    provenance record; two plugins replacing the same component is an error naming both.
    Returns nothing.
    """


@hookspec
def sandbox_register_architectures(register: RegisterArchitecture) -> None:
    """Register architectures that scenarios can name.

    Fires once per process, after catalogues and models.

    ``register(spec)``: ``spec`` is a :class:`sandbox.core.architecture.ArchitectureSpec` with a
    unique ``name`` (the ``type`` scenarios use), a title, its parameter schema (a tuple of
    :class:`sandbox.core.params.Param`, each with its default, unit, source and range) and its
    ``design(params, context) -> Design`` function. A name registered twice is an error
    naming both plugins. Returns nothing.
    """


@hookspec
def sandbox_register_commands(cli: click.Group) -> None:
    """Add commands to the ``sandbox`` command line.

    Fires when the CLI lists its commands or runs a plugin command (never from the Python API).

    ``cli`` is a :class:`click.Group`; add commands with ``@cli.command()`` or
    ``cli.add_command(...)``. A command named like a core command is ignored (the core one
    wins). Returns nothing.
    """


# ---------------------------------------------------------------- evaluation phase
@hookspec
def sandbox_extra_metrics(architecture: str, design: Design, ledger: LedgerView, context: Context) -> list[Metric] | None:
    """Add metrics to an evaluated architecture.

    Fires once per architecture in a run, after the engine has evaluated its design.

    ``architecture``: the instance name in the scenario; ``design``: the
    :class:`sandbox.core.design.Design` it returned; ``ledger``: a read-only
    :class:`sandbox.ledger.results.LedgerView` of the architecture's ledger with every shared-model
    metric (display units; numpy arrays of one value per point in a study);
    ``context``: the :class:`sandbox.core.architecture.Context`. Return a list of
    :class:`sandbox.core.design.Metric` (or ``None``); the lists of all plugins are concatenated
    after all of them were called (a plugin does not see another's extra metrics). Every value
    must be finite and >= 0, else the architecture fails with the plugin's name. A plugin that
    can only know one of its *own* architecture's metrics after evaluation (e.g. years to
    service from the counted flights) updates it in the open with
    ``ledger.refine(name, value, inputs)`` (only its own architectures).
    """


@hookspec
def sandbox_run_finished(result: RunResult) -> None:
    """Inspect a finished run.

    Fires once per scenario run, after all architectures are evaluated (also when some failed)
    and before any output is written. ``result`` is the :class:`sandbox.ledger.engine.RunResult`.
    Return value ignored; don't change the ledgers (every plugin and the outputs share them).
    """
