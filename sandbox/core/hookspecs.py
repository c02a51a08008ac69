"""The plugin contract: every hook a plugin may implement.

Plugins are modules (or objects) whose functions are marked with ``@sandbox.hookimpl`` and
named after a hook below; they are found through the ``sandbox`` entry-point group. The
built-in plugins in ``plugins/`` use exactly these hooks.

Lifecycle (when each hook fires)::

    load plugins (entry points, SANDBOX_PLUGINS filter)  → check_pending(): unknown hooks fail
      │
      ├─ sandbox_register_catalogues(register)        once per process, first
      ├─ sandbox_register_models(register)            once per process
      ├─ sandbox_register_architectures(register)     once per process
      │                                                   (CLI start-up only:)
      ├─ sandbox_register_commands(cli)               when the ``sandbox`` command group is built
      │
    per scenario run:
      ├─ validate scenario against registered schemas (no hook: pure data)
      ├─ for each architecture in the scenario:
      │     spec.design(params, context)              the architecture's own design function
      │     engine evaluates the design on the shared ledger
      │     sandbox_extra_metrics(...)                every plugin may add metrics
      └─ sandbox_run_finished(result)                 after all architectures, before output

Registration hooks receive a ``register`` callback instead of returning values, so one
plugin can register many things and the engine knows which plugin registered each.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sandbox import hookspec


# ---------------------------------------------------------------- registration phase
@hookspec
def sandbox_register_catalogues(register: Callable[..., None]) -> None:
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
def sandbox_register_models(register: Callable[..., None]) -> None:
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
def sandbox_register_architectures(register: Callable[..., None]) -> None:
    """Register architectures that scenarios can name.

    Fires once per process, after catalogues and models.

    ``register(spec)``: ``spec`` is a :class:`sandbox.core.architecture.ArchitectureSpec` with a
    unique ``name`` (the ``type`` scenarios use), a title, its parameter schema (a tuple of
    :class:`sandbox.core.params.Param`, each with its default, unit, source and range) and its
    ``design(params, context) -> Design`` function. A name registered twice is an error
    naming both plugins. Returns nothing.
    """


@hookspec
def sandbox_register_commands(cli: Any) -> None:
    """Add commands to the ``sandbox`` command line.

    Fires when the CLI builds its command group (not when the Python API is used).

    ``cli`` is the :class:`click.Group`; add commands with ``@cli.command()`` or
    ``cli.add_command(...)``. Returns nothing.
    """


# ---------------------------------------------------------------- evaluation phase
@hookspec
def sandbox_extra_metrics(architecture: str, design: Any, ledger: Any, context: Any) -> list | None:
    """Add metrics to an evaluated architecture.

    Fires once per architecture in a run, after the engine has evaluated its design.

    ``architecture``: the instance name in the scenario; ``design``: the
    :class:`sandbox.core.design.Design` it returned; ``ledger``: the
    :class:`sandbox.ledger.engine.Ledger` with every shared-model metric; ``context``: the
    :class:`sandbox.core.architecture.Context`. Return a list of :class:`sandbox.core.design.Metric`
    (or ``None``); the lists of all plugins are concatenated after all of them were called (a
    plugin does not see another's extra metrics). Every value must be finite and >= 0, else the
    architecture fails with the plugin's name. A plugin that can only know one of its *own*
    architecture's metrics after evaluation (e.g. years to service from the counted flights)
    updates it in the open with ``ledger.refine(name, value, inputs, by=plugin_name)``.
    """


@hookspec
def sandbox_run_finished(result: Any) -> None:
    """Inspect a finished run.

    Fires once per scenario run, after all architectures are evaluated and before any output
    is written. ``result`` is the :class:`sandbox.ledger.engine.RunResult`. Return value ignored.
    """
