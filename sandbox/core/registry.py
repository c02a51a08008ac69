"""Plugin discovery and the registry of what plugins registered.

Plugins come from the ``sandbox`` entry-point group (the built-ins too) and, for tests or a
one-off, from objects passed explicitly. The host's own plugins (:data:`HOST_PLUGINS`, e.g. the
study commands) are registered first through the same hooks, whatever ``SANDBOX_PLUGINS`` says. ``SANDBOX_PLUGINS`` selects which entry points load:
unset loads all, a comma-separated list loads those names, an empty string loads none.
A broken plugin never takes the others down: one that fails to import, implements a hook that
does not exist (or declares an argument its hook does not pass, or forgets ``@hookimpl``), raises
in a registration hook or registers something another plugin owns is dropped whole (none of its
registrations are kept, none of its hooks run) and reported in :attr:`Registry.load_errors` with
its name and the cause (for a misspelt hook, the closest real name: :class:`HookNameError`); the
architectures it registered or tried to register are listed in :attr:`Registry.unavailable`, so
that a scenario naming one fails with that cause. The command line exits with status 2 when a
plugin it was asked for by ``--plugin`` is dropped (its author is at the keyboard), and prints a
``warning:`` for an installed one.
"""

from __future__ import annotations

import contextlib
import difflib
import importlib
import inspect
import os
import sys
import uuid
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
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
#: The distribution the built-in plugins come with: they register before any other installed plugin.
OWN_DISTRIBUTION = "space-sandbox"


class PluginError(Exception):
    """A plugin is broken in a way that stops loading; the message names the plugin."""


class HookNameError(PluginError):
    """A plugin names a hook or a hook argument that does not exist, or forgot ``@hookimpl``.

    A spelling mistake in the plugin's source (the command line exits with status 2); the
    message names the plugin and the function and suggests the closest real name.
    """


#: Hook name → the arguments its implementations may declare, from the specifications.
HOOK_ARGUMENTS: dict[str, tuple[str, ...]] = {
    name: tuple(inspect.signature(fn).parameters)
    for name, fn in vars(hookspecs).items() if inspect.isfunction(fn) and hasattr(fn, "sandbox_spec")
}


def _closest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def check_hook_names(pm: pluggy.PluginManager, plugin: object, name: str) -> None:
    """Raise :class:`HookNameError` when ``plugin`` implements an unknown hook, declares an argument
    its hook does not pass, or defines a hook function without ``@hookimpl`` (never called)."""
    for attr in sorted(dir(plugin)):
        if not attr.startswith("sandbox_"):
            continue
        try:
            value = getattr(plugin, attr)
        except Exception:  # a property that raises is not a hook
            continue
        if not callable(value):
            continue
        marked = pm.parse_hookimpl_opts(plugin, attr) is not None
        if attr not in HOOK_ARGUMENTS:
            if marked:
                raise HookNameError(f"plugin {name!r}: {attr} is not a hook{_closest(attr, HOOK_ARGUMENTS)} "
                                    f"(hooks: {', '.join(HOOK_ARGUMENTS)})")
            continue
        if not marked:
            raise HookNameError(f"plugin {name!r}: function {attr} is not marked @sandbox.hookimpl, so it would "
                                "never be called; decorate it with @hookimpl (from sandbox import hookimpl)")
        try:
            declared = [p.name for p in inspect.signature(value).parameters.values()
                        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.POSITIONAL_ONLY, p.KEYWORD_ONLY)]
        except (TypeError, ValueError):
            continue
        allowed = HOOK_ARGUMENTS[attr]
        for arg in declared:
            if arg not in allowed:
                raise HookNameError(f"plugin {name!r}: {attr}({', '.join(declared)}): the hook passes no argument "
                                    f"{arg!r}{_closest(arg, allowed)} (it passes: {', '.join(allowed)}; declare only "
                                    "those you use)")


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
    misspelt: bool = False  # dropped for a hook name, hook argument or missing @hookimpl (HookNameError)


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
    #: Architectures of plugins that failed to load: name → "plugin 'x' failed to load: cause".
    unavailable: dict[str, str] = field(default_factory=dict)

    def architecture(self, name: str) -> ArchitectureSpec:
        return self.architectures[name]

    def content_fingerprint(self) -> str:
        """SHA-256 of what decides the numbers: the sandbox's own sources and each loaded plugin's
        name, distribution, version and source files (or hook code), and the plugins that failed.

        A study folder records it, and resuming with another plugin set (``SANDBOX_PLUGINS``, an
        upgraded or edited plugin) is refused instead of mixing two sets of numbers.
        """
        if self._fingerprint is None:
            import hashlib

            h = hashlib.sha256()
            _hash_tree(h, Path(__file__).resolve().parents[1])
            for info in sorted(self.plugins + self.load_errors, key=lambda i: (i.name, i.module)):
                h.update(f"\0plugin:{info.name}:{info.module}:{info.distribution}:{info.version}:{info.error}".encode())
                if not info.host and self.pm.has_plugin(info.name):
                    _hash_plugin(h, self.pm.get_plugin(info.name))
            self._fingerprint = h.hexdigest()
        return self._fingerprint

    _fingerprint: str | None = field(default=None, repr=False, compare=False)

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
    command line's ``--plugin`` option and tests use it). What a plugin prints while it is imported or
    registers goes to stderr: stdout carries a command's output (``--format json``), which a print would break.
    """
    with contextlib.redirect_stdout(sys.stderr):
        return _load(extra)


def _load(extra: Iterable[tuple[str, object]]) -> Registry:
    pm = pluggy.PluginManager(GROUP)
    pm.add_hookspecs(hookspecs)
    infos: list[PluginInfo] = []
    errors: list[PluginInfo] = []
    # the sandbox's own plugins register first, then the others by entry-point name: on a name clash the plugin
    # registered later is the one dropped, so an installed third-party plugin can never displace a built-in
    eps = sorted(metadata.entry_points(group=GROUP), key=lambda e: (_distribution(e)[0] != OWN_DISTRIBUTION, e.name))
    wanted = _selected(e.name for e in eps)
    seen: dict[str, metadata.EntryPoint] = {}
    for module_name in HOST_PLUGINS:
        plugin = importlib.import_module(module_name)
        _register(pm, plugin, module_name)
        infos.append(PluginInfo(module_name, module_name, OWN_DISTRIBUTION, _version(), _hook_names(pm, plugin), host=True))
    for ep in eps:
        if wanted is not None and ep.name not in wanted:
            continue
        dist, version = _distribution(ep)
        if ep.name in seen:  # the same name from another distribution: only the first can be selected or shown
            first = seen[ep.name]
            if first.value != ep.value:
                errors.append(PluginInfo(ep.name, ep.value, dist, version, error=(
                    f"entry-point name {ep.name!r} is taken by {first.value!r} ({_distribution(first)[0] or '?'}), "
                    f"so {ep.value!r} was not loaded: give it an entry-point name of its own")))
            continue
        seen[ep.name] = ep
        try:
            plugin = ep.load()
        except (Exception, SystemExit) as exc:  # a broken plugin (sys.exit at import included) must not take the others down
            errors.append(PluginInfo(ep.name, ep.value, dist, version, error=f"{type(exc).__name__}: {exc}"))
            continue
        try:
            _register(pm, plugin, ep.name)
        except HookNameError as exc:
            errors.append(PluginInfo(ep.name, ep.value, dist, version, error=str(exc), misspelt=True))
            continue
        infos.append(PluginInfo(ep.name, ep.value, dist, version, _hook_names(pm, plugin)))
    installed = sorted({e.name for e in eps})
    for name in sorted((wanted or set()) - set(installed)):  # a misspelt name would silently load nothing
        close = difflib.get_close_matches(name, installed, n=1)
        errors.append(PluginInfo(name, "", error=f"no installed plugin of that name in {ENV_VAR}" + (
            f"; did you mean {close[0]!r}?" if close else f" (installed: {', '.join(installed) or 'none'})")))
    for name, plugin in extra:
        if pm.is_registered(plugin):  # already loaded through its entry point
            continue
        module = getattr(plugin, "__name__", type(plugin).__name__)
        try:
            _register(pm, plugin, name)
        except HookNameError as exc:
            errors.append(PluginInfo(name, module, error=str(exc), misspelt=True))
            continue
        infos.append(PluginInfo(name, module, "", "", _hook_names(pm, plugin)))

    def drop(name: str, error: str) -> None:
        """Unregister plugin ``name`` and move it to the load errors."""
        pm.unregister(name=name)
        for info in infos:
            if info.name == name:
                infos.remove(info)
                info.error = error
                errors.append(info)
                break
        else:
            errors.append(PluginInfo(name, name, error=error))

    while True:
        try:
            pm.check_pending()
            break
        except pluggy.PluginValidationError as exc:
            name = pm.get_name(exc.plugin)
            if name is None or name in HOST_PLUGINS:
                raise PluginError(f"plugin {name!r}: {exc}") from None
            drop(name, str(exc))
    from sandbox.core.architecture import ArchitectureSpec

    unavailable: dict[str, str] = {}
    while True:  # register; drop the plugins that failed and register the rest again, until none fails
        catalogues, models, architectures, owner, attempted, failures = _register_all(pm, ArchitectureSpec)
        if not failures:
            break
        for name, error in failures.items():
            if name in HOST_PLUGINS:
                raise PluginError(error)
            for arch in attempted.get(name, []):
                unavailable.setdefault(arch, f"plugin {name!r} failed to load: {error}")
            drop(name, error)
    unavailable = {a: why for a, why in unavailable.items() if a not in architectures}
    return Registry(pm, infos, catalogues, architectures, owner, models, errors, unavailable=unavailable)


def _register_all(pm: pluggy.PluginManager, spec_type: type) -> tuple[Any, ...]:
    """Run the registration hooks once: catalogues, models and architectures, and who failed (plugin → cause)."""
    from sandbox.core.architecture import WORKLOAD_KINDS
    from sandbox.core.modelset import ModelError, ModelSet

    catalogues = Catalogues()
    models = ModelSet()
    architectures: dict[str, Any] = {}
    owner: dict[str, str] = {}
    attempted: dict[str, list[str]] = {}

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
        def register(spec: Any) -> None:
            if not isinstance(spec, spec_type):
                raise PluginError(f"plugin {plugin_name!r} registered {type(spec).__name__}, not an ArchitectureSpec")
            attempted.setdefault(plugin_name, []).append(spec.name)
            if spec.name in architectures:
                raise PluginError(
                    f"plugin {plugin_name!r} registered architecture {spec.name!r}, already registered by plugin {owner[spec.name]!r}"
                )
            known = models.defaults
            for param in spec.params:
                for kind, name in getattr(param, "workload_defaults", ()):
                    if kind not in WORKLOAD_KINDS:
                        raise PluginError(f"plugin {plugin_name!r}: architecture {spec.name!r}: parameter {param.name!r}: "
                                          f"workload_defaults names no workload kind {kind!r} "
                                          f"(kinds: {', '.join(WORKLOAD_KINDS)})")
                    if name not in known:
                        close = difflib.get_close_matches(str(name), list(known), n=1)
                        raise PluginError(f"plugin {plugin_name!r}: architecture {spec.name!r}: parameter {param.name!r}: "
                                          f"workload_defaults[{kind!r}] names no shared-model default {name!r}"
                                          + (f"; did you mean {close[0]!r}?" if close else ""))
            architectures[spec.name] = spec
            owner[spec.name] = plugin_name

        return register

    hooks = Hooks(pm)
    failures: dict[str, str] = {}
    for calls in (hooks.register_catalogues(add_catalogue), hooks.register_models(add_model),
                  hooks.register_architectures(add_architecture)):
        for call in calls:
            if call.output:  # what a plugin printed while registering: on stderr, as at its import (see load)
                sys.stderr.write(call.output if call.output.endswith("\n") else call.output + "\n")
            if call.failure is not None and call.plugin not in failures:
                error = call.failure.error
                failures[call.plugin] = (str(error) if isinstance(error, PluginError) else
                                         f"{call.failure.hook} raised {type(error).__name__}: {error}")
    return catalogues, models, architectures, owner, attempted, failures


def raise_first(calls: list[HookCall]) -> None:
    """Raise the first failure among ``calls`` as a :class:`PluginError` naming the plugin and the hook."""
    for call in calls:
        if call.failure is not None:
            if isinstance(call.failure.error, PluginError):
                raise call.failure.error
            raise PluginError(str(call.failure)) from call.failure.error


def _distribution(ep: metadata.EntryPoint) -> tuple[str, str]:
    """(name, version) of the distribution that declares ``ep``, or empty strings. Read from its
    metadata once per distribution (``Distribution.name`` and ``.version`` each parse the whole
    METADATA file, ≈ 2 ms; the entry points of one distribution share one object)."""
    if ep.dist is None:
        return "", ""
    if ep.dist not in _DISTRIBUTIONS:
        meta = ep.dist.metadata
        _DISTRIBUTIONS[ep.dist] = (meta["Name"] or "", meta["Version"] or "")
    return _DISTRIBUTIONS[ep.dist]


#: Distribution → (name, version), filled by :func:`_distribution` (weak: forgotten with the distribution).
_DISTRIBUTIONS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


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
        dist = _distribution(ep)
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
    check_hook_names(pm, plugin, name)
    try:
        pm.register(plugin, name=name)
    except ValueError as exc:
        raise PluginError(f"plugin {name!r}: {exc}") from None
    except pluggy.PluginValidationError as exc:
        raise HookNameError(f"plugin {name!r}: {' '.join(str(exc).split())}") from None


def _hash_tree(h: Any, root: Path) -> None:
    """Feed the ``.py`` files under ``root`` (names relative to it, and contents) into hash ``h``."""
    files = [root] if root.is_file() else sorted(root.rglob("*.py"))
    for f in files:
        try:
            data = f.read_bytes()
        except OSError:
            continue
        h.update(f"\0file:{f.relative_to(root.parent) if root.is_dir() else f.name}:{len(data)}\0".encode())
        h.update(data)


def _hash_plugin(h: Any, plugin: object) -> None:
    """Feed a plugin's source files (a module or package) or, for other objects, its hook code into ``h``."""
    import sys

    name = getattr(plugin, "__name__", None)
    module = sys.modules.get(name) if isinstance(name, str) else None
    path = getattr(module, "__file__", None) if module is plugin else None
    if path:
        p = Path(path).resolve()
        _hash_tree(h, p.parent if p.name == "__init__.py" else p)
        return
    for attr in sorted(dir(plugin)):
        fn = getattr(plugin, attr, None)
        code = getattr(fn, "__code__", None)
        if attr.startswith("sandbox_") and code is not None:
            h.update(f"\0hook:{attr}:".encode() + code.co_code + repr(code.co_consts).encode())


_cached: Registry | None = None


def default_registry() -> Registry:
    """The registry of installed plugins, loaded once per process."""
    global _cached
    if _cached is None:
        _cached = load()
    return _cached
