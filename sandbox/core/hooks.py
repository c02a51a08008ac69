"""A typed facade over pluggy's ``pm.hook``: one method per hook, no hook names as strings elsewhere.

Every method calls the implementations **one plugin at a time** (in registration order: entry
points by name, then explicit plugins), with only the arguments each implementation declares,
and returns ``(plugin name, result)`` pairs. A plugin that raises is reported as a
:class:`HookFailure` naming the plugin and the hook; what the caller does with it (fail one
architecture, warn, stop) is the caller's decision, so one plugin's fault never takes the
others' results with it. Standard output written by a plugin during a call is captured and
handed back as text (``HookCall.output``), never mixed into machine-readable output.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import io
import pickle
import queue
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import click

    from sandbox.core.architecture import Context
    from sandbox.core.design import Design
    from sandbox.core.hookspecs import RegisterArchitecture, RegisterCatalogueEntry, RegisterModel
    from sandbox.ledger.engine import RunResult

#: Hook names, in the order the lifecycle fires them (see :mod:`sandbox.core.hookspecs`).
REGISTER_CATALOGUES = "sandbox_register_catalogues"
REGISTER_MODELS = "sandbox_register_models"
REGISTER_ARCHITECTURES = "sandbox_register_architectures"
REGISTER_COMMANDS = "sandbox_register_commands"
EXTRA_METRICS = "sandbox_extra_metrics"
RUN_FINISHED = "sandbox_run_finished"
HOOKS = (REGISTER_CATALOGUES, REGISTER_MODELS, REGISTER_ARCHITECTURES, REGISTER_COMMANDS, EXTRA_METRICS, RUN_FINISHED)


#: Name of a thread left running by a plugin call that timed out off the main thread: such a call
#: cannot be interrupted, so its thread is abandoned and renamed to this
#: (:func:`sandbox.studies.executor.evaluate_chunk` counts them by name, never the host's own
#: threads, such as a Dask worker's offload thread, nor the idle :data:`PLUGIN_WORKER`).
PLUGIN_THREAD = "sandbox-plugin-call"
#: Name of the reusable thread that runs plugin calls for one calling thread off the main thread.
PLUGIN_WORKER = "sandbox-plugin-worker"
#: Seconds an idle :data:`PLUGIN_WORKER` waits for the next call before it ends.
WORKER_IDLE_S = 30.0


class PluginTimeout(Exception):
    """A plugin call ran longer than its time limit."""


class _Worker:
    """A daemon thread that runs one calling thread's plugin calls, one at a time.

    Starting a thread for every call cost ≈ 0.3-1 ms each, and an explorer update makes ~50 calls;
    one worker per calling thread is reused instead. A call that times out leaves the worker busy:
    it is renamed :data:`PLUGIN_THREAD` and abandoned, and the next call starts a new worker. An
    idle worker ends after :data:`WORKER_IDLE_S`.
    """

    def __init__(self) -> None:
        self.jobs: queue.SimpleQueue = queue.SimpleQueue()
        self.lock = threading.Lock()
        self.closed = False
        self.thread = threading.Thread(target=self._loop, daemon=True, name=PLUGIN_WORKER)
        self.thread.start()

    def _loop(self) -> None:
        while True:
            try:
                fn, box, done = self.jobs.get(timeout=WORKER_IDLE_S)
            except queue.Empty:
                with self.lock:
                    if self.jobs.empty():
                        self.closed = True
                        return
                continue
            try:
                box["value"] = fn()
            except BaseException as exc:  # noqa: BLE001 - handed to the caller
                box["error"] = without_frames(exc)  # its frames refer to ``box``: no cycle kept
            del fn, box  # the call's result belongs to the caller alone
            done.set()

    def submit(self, fn: Callable[[], Any], box: dict[str, Any], done: threading.Event) -> bool:
        """Queue ``fn``; False if this worker has ended (the caller starts another)."""
        with self.lock:
            if self.closed:
                return False
            self.jobs.put((fn, box, done))
            return True


_workers = threading.local()


def _run_off_main(fn: Callable[[], Any], timeout_s: float) -> Any:
    box: dict[str, Any] = {}
    done = threading.Event()
    worker = getattr(_workers, "worker", None)
    if worker is None or not worker.submit(fn, box, done):
        worker = _workers.worker = _Worker()
        worker.submit(fn, box, done)
    if not done.wait(timeout_s):
        worker.thread.name = PLUGIN_THREAD  # abandoned: it is still running the call
        _workers.worker = None
        raise PluginTimeout(f"did not finish within {timeout_s:g} s")
    if "error" in box:
        raise box["error"]
    return box["value"]


class PluginExit(RuntimeError):
    """A plugin called ``sys.exit`` (raised ``SystemExit``): a fault of that plugin, not the end of the command."""


class StopCommand(BaseException):
    """Raised by the sandbox itself to end a command wherever it is (a command's time limit): a BaseException that a
    plugin's ``except Exception`` cannot swallow, and that plugin calls let through."""


class PluginBaseException(RuntimeError):
    """A plugin raised a ``BaseException`` that is not an ``Exception`` (``GeneratorExit``, its own subclass): a fault
    of that plugin like any other, not the end of the command (``KeyboardInterrupt`` still ends it: it may be Ctrl-C)."""


def describe(exc: BaseException, limit: int = 500) -> str:
    """``"TypeName: message"`` on one line: the message's first line, cut at ``limit`` characters, and how many lines
    were left out; a message whose ``str()`` itself raises is named as such."""
    try:
        text = str(exc)
    except Exception as inner:  # noqa: BLE001 - a plugin's exception type may raise anything here
        text = f"(its message could not be shown: str() raised {type(inner).__name__})"
    lines = text.splitlines() or [""]
    first = lines[0] if len(lines[0]) <= limit else lines[0][:limit] + "…"
    more = f" (+{len(lines) - 1} more line{'s' if len(lines) > 2 else ''})" if len(lines) > 1 else ""
    return f"{type(exc).__name__}: {first}{more}"


def _no_exit(fn: Callable[[], Any]) -> Callable[[], Any]:
    def call() -> Any:
        try:
            return fn()
        except SystemExit as exc:
            raise PluginExit(f"called sys.exit({exc.code!r})") from None
        except (Exception, KeyboardInterrupt, StopCommand):
            raise
        except BaseException as exc:  # noqa: BLE001 - GeneratorExit or a plugin's own BaseException subclass
            raise PluginBaseException(f"raised {describe(exc)}") from None
    return call


def call_with_timeout(fn: Callable[[], Any], timeout_s: float | None) -> Any:
    """``fn()``, stopped with :class:`PluginTimeout` after ``timeout_s`` seconds (None or 0: no limit).

    In the main thread a SIGALRM interval timer interrupts the call (a busy loop included); in
    other threads the call runs in a reusable daemon worker (:class:`_Worker`), abandoned if it
    does not return in time. A ``SystemExit`` the call raises comes out as :class:`PluginExit`, so
    that one plugin cannot end the command for every other.
    """
    fn = _no_exit(fn)
    if not timeout_s or timeout_s <= 0:
        return fn()
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        def _alarm(_sig: int, _frame: Any) -> None:
            raise PluginTimeout(f"did not finish within {timeout_s:g} s")

        old = signal.signal(signal.SIGALRM, _alarm)
        started = time.monotonic()
        remaining = signal.setitimer(signal.ITIMER_REAL, timeout_s)[0]
        try:
            return fn()
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)
            if remaining:  # an outer timer was running: give it back what is left of it
                signal.setitimer(signal.ITIMER_REAL, max(remaining - (time.monotonic() - started), 1e-3))
    return _run_off_main(fn, timeout_s)


@contextlib.contextmanager
def captured_stdout() -> Iterator[io.StringIO]:
    """Collect what the code inside prints (a plugin's ``print``) instead of letting it reach stdout."""
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        yield buf


def without_frames(error: BaseException) -> BaseException:
    """``error`` with its traceback (and those of the errors it chains to) dropped.

    A kept traceback holds every frame of the failed call and their locals — in a study the
    plugin's ledger of arrays, and the caller's frame, which refers back to the error: a
    reference cycle that only the cyclic collector frees, so each failed call of a study kept its
    chunk's arrays alive until a full collection (memory grew by about one chunk's columns per
    chunk). Failures are reported by message, never by traceback.
    """
    seen: set[int] = set()
    e: BaseException | None = error
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        e.__traceback__ = None
        e = e.__cause__ or e.__context__
    return error


class HookFailure(Exception):
    """A plugin raised inside a hook; ``plugin`` and ``hook`` name where, ``error`` is the error
    (kept without its traceback: :func:`without_frames`)."""

    def __init__(self, plugin: str, hook: str, error: BaseException):
        self.plugin, self.hook, self.error = plugin, hook, without_frames(error)
        super().__init__(f"plugin {plugin!r} failed in {hook}: {describe(error)}")


@dataclass
class HookCall:
    """One plugin's answer to one hook call: its ``result``, or the ``failure``; ``output`` is what it printed."""

    plugin: str
    result: Any = None
    failure: HookFailure | None = None
    output: str = ""


class Hooks:
    """The hooks of a plugin manager, typed. ``Hooks(pm).extra_metrics(...)`` instead of ``pm.hook...``."""

    def __init__(self, pm: pluggy.PluginManager, timeout_s: float | None = None):
        self.pm = pm
        self.timeout_s = timeout_s  # per plugin call (evaluation hooks); None: no limit

    def implementers(self, hook: str) -> list[str]:
        """Names of the plugins implementing ``hook``, in call order."""
        return [impl.plugin_name for impl in getattr(self.pm.hook, hook).get_hookimpls()]

    def _each(self, hook: str, kwargs_for: Callable[[str], dict[str, Any]],
              plugins: set[str] | None = None, timeout_s: float | None = None,
              after: Callable[[str], None] | None = None) -> list[HookCall]:
        calls: list[HookCall] = []
        for impl in getattr(self.pm.hook, hook).get_hookimpls():  # registration order
            if plugins is not None and impl.plugin_name not in plugins:
                continue
            kwargs = kwargs_for(impl.plugin_name)
            args = {k: v for k, v in kwargs.items() if k in impl.argnames}
            call = HookCall(impl.plugin_name)
            with captured_stdout() as out:
                try:
                    call.result = call_with_timeout(lambda f=impl.function, a=args: f(**a), timeout_s)
                except Exception as exc:  # one plugin's fault is reported, the others still run
                    call.failure = HookFailure(impl.plugin_name, hook, exc)
                if after is not None:  # e.g. the shared catalogues unchanged (sandbox.core.guard)
                    try:
                        after(impl.plugin_name)
                    except Exception as exc:  # noqa: BLE001 - the check's verdict on this call
                        if call.failure is None:  # a call that raised keeps its own cause
                            call.result, call.failure = None, HookFailure(impl.plugin_name, hook, exc)
            call.output = out.getvalue()
            calls.append(call)
        return calls

    # ------------------------------------------------------------------ registration phase
    def register_catalogues(self, register_for: Callable[[str], RegisterCatalogueEntry],
                            plugins: set[str] | None = None) -> list[HookCall]:
        """``sandbox_register_catalogues(register)`` with a ``register`` callback per plugin."""
        return self._each(REGISTER_CATALOGUES, lambda p: {"register": register_for(p)}, plugins)

    def register_models(self, register_for: Callable[[str], RegisterModel],
                        plugins: set[str] | None = None) -> list[HookCall]:
        """``sandbox_register_models(register)`` with a ``register`` callback per plugin."""
        return self._each(REGISTER_MODELS, lambda p: {"register": register_for(p)}, plugins)

    def register_architectures(self, register_for: Callable[[str], RegisterArchitecture],
                               plugins: set[str] | None = None) -> list[HookCall]:
        """``sandbox_register_architectures(register)`` with a ``register`` callback per plugin."""
        return self._each(REGISTER_ARCHITECTURES, lambda p: {"register": register_for(p)}, plugins)

    def register_commands(self, cli: click.Group, plugins: set[str] | None = None) -> list[HookCall]:
        """``sandbox_register_commands(cli)``: plugins add click commands to ``cli``."""
        return self._each(REGISTER_COMMANDS, lambda _p: {"cli": cli}, plugins)

    # ------------------------------------------------------------------ evaluation phase
    def extra_metrics(self, architecture: str, design: Design, ledger: Any, context: Context,
                      after: Callable[[str], None] | None = None) -> list[HookCall]:
        """``sandbox_extra_metrics(architecture, design, ledger, context)`` → lists of :class:`Metric`.

        ``ledger`` may be a callable ``plugin name → ledger view``, so each plugin gets a view that
        knows who is calling (a plugin may refine only the ledgers of its own architectures).
        ``after(plugin)`` runs after each plugin's call; what it raises is that call's failure.
        """
        fresh = copier(design)
        return self._each(EXTRA_METRICS, lambda p: {"architecture": architecture, "design": fresh(),
                                                    "ledger": ledger(p) if callable(ledger) else ledger,
                                                    "context": private_context(context)}, timeout_s=self.timeout_s,
                          after=after)

    def run_finished(self, result: RunResult) -> list[HookCall]:
        """``sandbox_run_finished(result)`` after a run, before output. Each plugin receives its own
        copy of the result: what one does to it changes neither the output nor the next plugin's."""
        return self._each(RUN_FINISHED, lambda _p: {"result": copy.deepcopy(result)}, timeout_s=self.timeout_s)


def copier(value: Any) -> Callable[[], Any]:
    """A function that returns a new deep copy of ``value`` at each call: unpickled from one pickle
    made here (4-5× faster than ``copy.deepcopy`` for a design: ≈ 0.3 ms against 1.3 ms, and a run
    gives each of 7 plugins its own copy for each of 6 architectures), or ``copy.deepcopy`` when
    ``value`` cannot be pickled (a plugin's design holding a function)."""
    try:
        frozen = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - anything unpicklable is copied the slow way
        return lambda: copy.deepcopy(value)
    return lambda: pickle.loads(frozen)  # noqa: S301 - our own bytes, made just above


def private_context(context: Context) -> Context:
    """``context`` with its own copies of the scenario's workload, assumptions and extras, so that a
    plugin that changes them changes nothing another plugin or architecture sees. The catalogues
    are a read-only view already; the models are shared modules (plain functions and sourced
    constants) and the sizer is the engine's."""
    return dataclasses.replace(context, workload=copy.deepcopy(context.workload),
                               assumptions=copy.deepcopy(context.assumptions), extra=copy.deepcopy(context.extra))


__all__ = ["HOOKS", "HookCall", "HookFailure", "Hooks", "PluginTimeout", "call_with_timeout", "captured_stdout",
           "private_context"]
