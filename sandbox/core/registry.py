"""Plugin discovery and the registry of what plugins registered.

Plugins come from the ``sandbox`` entry-point group (the built-ins too) and, for tests or a
one-off, from objects passed explicitly. The host's own plugins (:data:`HOST_PLUGINS`, e.g. the
study commands) are registered first through the same hooks, whatever ``SANDBOX_PLUGINS`` says. ``SANDBOX_PLUGINS`` selects which entry points load:
unset loads all, a comma-separated list loads those names, an empty string loads none.
A plugin that fails to import is reported by name and the rest still load; a plugin that
implements a hook that does not exist makes loading fail with its name.
"""

from __future__ import annotations

import importlib
import os
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import metadata
from typing import TYPE_CHECKING, Any

import pluggy

from sandbox.core import hookspecs
from sandbox.core.catalogue import CatalogueError, Catalogues
from sandbox.core.hooks import HookCall, Hooks

if TYPE_CHECKING:  # imported lazily: architecture pulls in astropy (~0.3 s) via sandbox.core.params
    from sandbox.core.architecture import ArchitectureSpec

GROUP = "sandbox"
ENV_VAR = "SANDBOX_PLUGINS"
#: Modules of the host itself that use the public hooks (like datasette's default plugins):
#: always loaded, listed by ``sandbox plugins --all``.
HOST_PLUGINS = ("sandbox.cli.studies", "sandbox.cli.bridge", "sandbox.serve.command")


class PluginError(Exception):
    """A plugin is broken in a way that stops loading; the message names the plugin."""


@dataclass
class PluginInfo:
    """A loaded (or failed) plugin: entry-point name, distribution and version, hooks."""

    name: str
    module: str
    distribution: str = ""
    version: str = ""
    hooks: list[str] = field(default_factory=list)
    error: str = ""
    host: bool = False  # part of the sandbox itself (HOST_PLUGINS)


@dataclass
class Registry:
    """Everything the plugins registered, and who registered it."""

    pm: pluggy.PluginManager
    plugins: list[PluginInfo]
    catalogues: Catalogues
    architectures: dict[str, ArchitectureSpec]
    architecture_owner: dict[str, str]
    models: Any
    load_errors: list[PluginInfo]
    token: str = field(default_factory=lambda: uuid.uuid4().hex)  # identifies this plugin set within a process

    def architecture(self, name: str) -> ArchitectureSpec:
        return self.architectures[name]

    @property
    def hooks(self) -> Hooks:
        """The typed facade over this registry's hooks (one per registry: it holds the call time limit)."""
        if "_hooks" not in self.__dict__:
            self.__dict__["_hooks"] = Hooks(self.pm)
        return self.__dict__["_hooks"]


def _selected(ep_names: Iterable[str]) -> set[str] | None:
    raw = os.environ.get(ENV_VAR)
    if raw is None:
        return None
    return {n.strip() for n in raw.split(",") if n.strip()}


def _hook_names(pm: pluggy.PluginManager, plugin: object) -> list[str]:
    return sorted(h.name for h in (pm.get_hookcallers(plugin) or []))


def load(extra: Iterable[tuple[str, object]] = ()) -> Registry:
    """Load plugins and collect their registrations into a :class:`Registry`.

    ``extra``: ``(name, plugin_object)`` pairs registered in addition to entry points (the
    command line's ``--plugin`` option and tests use it).
    """
    pm = pluggy.PluginManager(GROUP)
    pm.add_hookspecs(hookspecs)
    infos: list[PluginInfo] = []
    errors: list[PluginInfo] = []
    eps = sorted(metadata.entry_points(group=GROUP), key=lambda e: e.name)
    wanted = _selected(e.name for e in eps)
    seen: set[str] = set()
    for module_name in HOST_PLUGINS:
        plugin = importlib.import_module(module_name)
        _register(pm, plugin, module_name)
        infos.append(PluginInfo(module_name, module_name, "space-sandbox", _version(), _hook_names(pm, plugin), host=True))
    for ep in eps:
        if ep.name in seen or (wanted is not None and ep.name not in wanted):
            continue
        seen.add(ep.name)
        dist = ep.dist.name if ep.dist else ""
        version = ep.dist.version if ep.dist else ""
        try:
            plugin = ep.load()
        except Exception as exc:  # a broken plugin must not take the others down
            errors.append(PluginInfo(ep.name, ep.value, dist, version, error=f"{type(exc).__name__}: {exc}"))
            continue
        _register(pm, plugin, ep.name)
        infos.append(PluginInfo(ep.name, ep.value, dist, version, _hook_names(pm, plugin)))
    for name, plugin in extra:
        if pm.is_registered(plugin):  # already loaded through its entry point
            continue
        _register(pm, plugin, name)
        infos.append(PluginInfo(name, getattr(plugin, "__name__", type(plugin).__name__), "", "", _hook_names(pm, plugin)))
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError(f"plugin {pm.get_name(exc.plugin)!r}: {exc}") from None
    from sandbox.core.architecture import ArchitectureSpec
    from sandbox.core.modelset import ModelError, ModelSet

    catalogues = Catalogues()
    models = ModelSet()
    architectures: dict[str, ArchitectureSpec] = {}
    owner: dict[str, str] = {}

    def add_catalogue(plugin_name: str) -> Callable[..., None]:
        def register(entry: object, replace: bool = False) -> None:
            try:
                catalogues.add(entry, plugin_name, replace=replace)  # type: ignore[arg-type]
            except CatalogueError as exc:
                raise PluginError(str(exc)) from None

        return register

    def add_model(plugin_name: str) -> Callable[..., None]:
        def register(name: str, function: Callable, replace: bool = False) -> None:
            try:
                models.add(name, function, plugin_name, replace=replace)
            except ModelError as exc:
                raise PluginError(str(exc)) from None

        return register

    def add_architecture(plugin_name: str) -> Callable[..., None]:
        def register(spec: ArchitectureSpec) -> None:
            if not isinstance(spec, ArchitectureSpec):
                raise PluginError(f"plugin {plugin_name!r} registered {type(spec).__name__}, not an ArchitectureSpec")
            if spec.name in architectures:
                raise PluginError(
                    f"plugin {plugin_name!r} registered architecture {spec.name!r}, already registered by plugin {owner[spec.name]!r}"
                )
            architectures[spec.name] = spec
            owner[spec.name] = plugin_name

        return register

    hooks = Hooks(pm)
    for calls in (hooks.register_catalogues(add_catalogue), hooks.register_models(add_model),
                  hooks.register_architectures(add_architecture)):
        raise_first(calls)
    return Registry(pm, infos, catalogues, architectures, owner, models, errors)


def raise_first(calls: list[HookCall]) -> None:
    """Raise the first failure among ``calls`` as a :class:`PluginError` naming the plugin and the hook."""
    for call in calls:
        if call.failure is not None:
            if isinstance(call.failure.error, PluginError):
                raise call.failure.error
            raise PluginError(str(call.failure)) from call.failure.error


def _version() -> str:
    from sandbox import __version__

    return __version__


def fingerprint() -> str:
    """A key that changes whenever :func:`load` could register something different.

    Covers the interpreter and environment (``sys.prefix``, Python version, ``SANDBOX_PLUGINS``),
    every entry point of the group (name, target, distribution and version) and the size and
    modification time of the Python sources behind them (the entry point's module, or every
    ``.py`` file under its top-level package for packages: editable installs change without a
    version bump) and of the ``sandbox`` package itself. Cheap: reads metadata and stats files,
    imports no plugin. The command line keys its cache of the plugin listing on it.
    """
    import hashlib
    import importlib.util
    import sys
    from pathlib import Path

    parts: list[str] = [sys.prefix, sys.version, repr(os.environ.get(ENV_VAR))]

    def stat_tree(root: Path, limit: int = 5000) -> None:
        files = [root] if root.is_file() else sorted(root.rglob("*.py"))[:limit]
        for f in files:
            try:
                st = f.stat()
            except OSError:
                continue
            parts.append(f"{f}:{st.st_size}:{st.st_mtime_ns}")

    stat_tree(Path(__file__).resolve().parent)
    for ep in sorted(metadata.entry_points(group=GROUP), key=lambda e: (e.name, e.value)):
        dist = (ep.dist.name, ep.dist.version) if ep.dist else ("", "")
        parts.append(f"ep:{ep.name}={ep.value}:{dist}")
        top = ep.value.split(":")[0].strip().split(".")[0]
        try:
            spec = importlib.util.find_spec(top)
        except (ImportError, ValueError):
            spec = None
        if spec is None:
            parts.append(f"missing:{top}")
        elif spec.submodule_search_locations:
            for location in spec.submodule_search_locations:
                stat_tree(Path(location))
        elif spec.origin:
            stat_tree(Path(spec.origin))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _register(pm: pluggy.PluginManager, plugin: object, name: str) -> None:
    try:
        pm.register(plugin, name=name)
    except ValueError as exc:
        raise PluginError(f"plugin {name!r}: {exc}") from None
    except pluggy.PluginValidationError as exc:
        raise PluginError(f"plugin {name!r}: {exc}") from None


_cached: Registry | None = None


def default_registry() -> Registry:
    """The registry of installed plugins, loaded once per process."""
    global _cached
    if _cached is None:
        _cached = load()
    return _cached
