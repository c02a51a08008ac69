"""Where study chunks run: in this process, in local worker processes, or on a Dask cluster.

A chunk task is plain data (:class:`Job` and a :class:`~sandbox.studies.chunks.ChunkTask`): each
worker loads the plugins and validates the scenario data itself, once per process, so the same
task runs the same way everywhere. The worker evaluates the chunk, encodes its Parquet part
(:func:`sandbox.studies.chunks.build_part`) and, when it sees the study folder (a local pool, a
cluster on this machine or on a shared filesystem), writes the part next to its place
(:func:`sandbox.studies.chunks.stage_part`); otherwise the part travels back as bytes. The
coordinating process alone renames parts into place, journals them and writes every other file.

- :class:`LocalExecutor`: ``workers=1`` runs in this process; more starts that many worker
  processes (``spawn``; each imports the plugins once). The workers ignore Ctrl-C (the
  coordinator handles it and kills them at once) and die with the coordinator: on Linux the
  kernel sends them SIGKILL when it exits (``PR_SET_PDEATHSIG``), elsewhere a watchdog thread
  notices the orphaning within a second.
- :class:`DaskExecutor`: ``address`` of an existing ``dask.distributed`` scheduler
  (``tcp://host:port``, or ``tls://`` with a :class:`distributed.Security`), or ``"local"`` to
  start a cluster of ``workers`` processes on this machine. A cluster started here listens on
  the loopback interface only (127.0.0.1) unless ``listen`` names another host, and runs no HTTP
  server (no dashboard, no ``/info`` or ``/json``). Tasks and results travel as pickles, so a
  scheduler or a listening cluster beyond loopback needs TLS (the command line refuses it
  otherwise unless ``--insecure``). A worker left with a design thread that timed out and could
  not be stopped is restarted before it takes more work, so a hung design cannot starve the
  designs after it.
"""

from __future__ import annotations

import importlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sandbox.studies.chunks import ChunkTask, build_part, stage_part


class ExecutorError(Exception):
    """The place the chunks run is gone or unusable (a dead scheduler, a broken worker pool)."""


@dataclass(frozen=True)
class Job:
    """What every worker needs to evaluate chunks: the scenario's parsed TOML data (plain tables,
    never executed; identified by the file's SHA-256), the ``--plugin`` module names and the
    design timeout (s)."""

    scenario_path: str
    scenario_sha256: str
    scenario_data: dict = field(compare=False, hash=False, repr=False)
    plugin_modules: tuple[str, ...] = ()
    design_timeout_s: float | None = None

    @classmethod
    def for_scenario(cls, scenario: Any, plugin_modules: tuple[str, ...] = (),
                     design_timeout_s: float | None = None) -> Job:
        """The job of an already validated scenario (its data as read, hashed once)."""
        return cls(scenario.path, scenario.sha256, scenario.raw, tuple(plugin_modules), design_timeout_s)


_CONTEXTS: dict[Job, tuple[Any, Any]] = {}


def context(job: Job) -> tuple[Any, Any]:
    """(registry, scenario) of ``job`` in this process, loaded on first use."""
    if job not in _CONTEXTS:
        from sandbox.core.registry import load
        from sandbox.core.scenario import validate

        registry = load([(name, importlib.import_module(name)) for name in job.plugin_modules])
        scenario = validate(job.scenario_data, registry, job.scenario_path, job.scenario_sha256)
        _CONTEXTS[job] = (registry, scenario)
    return _CONTEXTS[job]


def seed_context(job: Job, registry: Any, scenario: Any) -> None:
    """Use an already loaded registry and scenario for ``job`` in this process."""
    _CONTEXTS[job] = (registry, scenario)


def evaluate_points(job: Job, inputs: dict[str, np.ndarray]) -> dict[str, Any]:
    """Evaluate points of ``job``; returns ``{"n", "columns": {instance: {metric: array}}, "row_errors", "types",
    "units", "notes", "unread"}`` (``units``: the unit of each plugin metric, which the engine does not know;
    ``notes``: per instance, e.g. that its plugin metrics were evaluated at the nominal ledger; ``unread``: the
    scenario's overrides nothing read at these points, as :attr:`sandbox.ledger.batch.PointResults.unread`)."""
    from sandbox.ledger.batch import evaluate_points as evaluate

    registry, scenario = context(job)
    n = len(next(iter(inputs.values()))) if inputs else 0
    res = evaluate(scenario, registry, inputs, n, job.design_timeout_s)
    return {"n": n, "columns": res.columns, "row_errors": res.row_errors, "types": res.types, "units": dict(res.units),
            "notes": {k: list(v) for k, v in res.notes.items()},
            "unread": None if res.unread is None else list(res.unread)}


def evaluate_chunk(job: Job, task: ChunkTask) -> dict[str, Any]:
    """Evaluate one chunk and encode its part (:func:`sandbox.studies.chunks.build_part`).

    ``abandoned_threads`` counts the threads a timed-out design left running (a design stopped
    in a worker thread cannot be interrupted); ``worker`` is the Dask worker's address, if any.
    """
    from sandbox.core.hooks import PLUGIN_THREAD

    before = {t for t in threading.enumerate() if t.name == PLUGIN_THREAD}
    task = task.resolved()
    out = stage_part(task, build_part(task, evaluate_points(job, task.inputs)))
    # only plugin calls left running count: the host's own threads (a Dask worker starts its
    # "Dask-Offload" thread on first use) are not a hung design and must not restart the worker,
    # nor is the reusable plugin worker, which is renamed PLUGIN_THREAD only when a call hangs in it
    out["abandoned_threads"] = sum(1 for t in threading.enumerate()
                                   if t not in before and t.is_alive() and t.name == PLUGIN_THREAD)
    out["worker"] = _dask_worker_address()
    return out


def _dask_worker_address() -> str | None:
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):
        return None


# ----------------------------------------------------------------------------- worker processes


def _die_with_parent(parent_pid: int) -> None:
    """Make this process end when ``parent_pid`` does: PR_SET_PDEATHSIG on Linux, else a watchdog thread."""
    armed = False
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            pr_set_pdeathsig = 1  # <linux/prctl.h>
            armed = libc.prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0) == 0
        except (OSError, AttributeError):
            armed = False
    if os.getppid() != parent_pid:  # the parent died before the signal was armed
        os._exit(1)
    if not armed:
        def watch() -> None:
            while os.getppid() == parent_pid:
                threading.Event().wait(1.0)
            os._exit(1)

        threading.Thread(target=watch, name="sandbox-parent-watchdog", daemon=True).start()


def _init_worker(parent_pid: int) -> None:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the coordinator's to handle
    _die_with_parent(parent_pid)


class LocalExecutor:
    """Chunks in this process (``workers=1``) or in ``workers`` local processes."""

    def __init__(self, workers: int = 1):
        self.workers = max(1, int(workers))
        self.description = "in-process" if self.workers == 1 else f"local processes ({self.workers})"
        self._pool: Any = None

    def __enter__(self) -> LocalExecutor:
        if self.workers > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_init_worker, initargs=(os.getpid(),))
        return self

    def __exit__(self, exc_type: Any, *exc: Any) -> None:
        if self._pool is None:
            return
        if exc_type is not None:  # interrupted or failed: stop the workers now, not after their chunks
            self.kill_workers()
            self._pool.shutdown(wait=False, cancel_futures=True)
        else:
            self._pool.shutdown(wait=True)
        self._pool = None

    def submit(self, fn: Any, *args: Any) -> Any:
        """``pool.submit(fn, *args)`` with Ctrl-C held back meanwhile: the pool starts its worker processes here, and
        one started while SIGINT is blocked inherits the block, so a Ctrl-C in its first second (before its
        initializer ignores SIGINT) cannot end it in a traceback. A Ctrl-C meanwhile reaches this process after."""
        blockable = hasattr(signal, "pthread_sigmask") and threading.current_thread() is threading.main_thread()
        if blockable:
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            return self._pool.submit(fn, *args)
        finally:
            if blockable:
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})

    def worker_pids(self) -> list[int]:
        """Process ids of the worker processes started so far."""
        procs = getattr(self._pool, "_processes", None) or {}  # the standard library's worker table
        return [p.pid for p in procs.values() if p.pid is not None]

    def kill_workers(self) -> None:
        procs = getattr(self._pool, "_processes", None) or {}
        for p in list(procs.values()):
            try:
                p.kill()
            except (OSError, ValueError):
                pass

    def run(self, job: Job, tasks: Iterator[ChunkTask]) -> Iterator[dict[str, Any]]:
        """Results of the chunks as they finish (at most ``2 × workers`` submitted ahead)."""
        if self._pool is None:
            yield from _pipelined(job, tasks)
            return
        from concurrent.futures.process import BrokenProcessPool

        try:
            yield from _bounded(lambda t: self.submit(evaluate_chunk, job, t), tasks, 2 * self.workers, _futures_wait)
        except BrokenProcessPool as exc:
            raise ExecutorError(f"a worker process died ({exc})") from None


def _pipelined(job: Job, tasks: Iterator[ChunkTask]) -> Iterator[dict[str, Any]]:
    """In this process: evaluate a chunk in the main thread (design timeouts use its signals) while
    a second thread encodes the previous chunk's part (pyarrow's encoder and SHA-256 release the
    GIL), so the files overlap the evaluation on a second core."""
    from collections import deque
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1, thread_name_prefix="sandbox-part") as encoder:
        pending: deque = deque()
        for task in tasks:
            task = task.resolved()
            raw = evaluate_points(job, task.inputs)
            pending.append(encoder.submit(lambda t=task, r=raw: stage_part(t, build_part(t, r))))
            while len(pending) > 1 or (pending and pending[0].done()):
                yield _with_meta(pending.popleft().result())
        while pending:
            yield _with_meta(pending.popleft().result())


def _with_meta(out: dict[str, Any]) -> dict[str, Any]:
    out.setdefault("abandoned_threads", 0)
    out.setdefault("worker", None)
    return out


# ----------------------------------------------------------------------------- Dask


def _no_http(dask_worker: Any = None) -> None:
    """Stop the HTTP server of a Dask worker (run on each worker of a cluster started here)."""
    server = getattr(dask_worker, "http_server", None)
    if server is not None:
        server.stop()


class DaskExecutor:
    """Chunks on a ``dask.distributed`` cluster: an existing scheduler, or ``"local"`` (loopback unless ``listen``)."""

    def __init__(self, address: str, workers: int = 2, listen: str = "127.0.0.1", security: Any = None,
                 connect_timeout_s: float = 30.0):
        self.address = address
        self.workers = max(1, int(workers))
        self.listen = listen
        self.security = security
        self.connect_timeout_s = connect_timeout_s
        self.restarted: list[str] = []
        self._cluster: Any = None
        self._client: Any = None
        self._quiet: dict[str, int] = {}
        self.description = ""

    def __enter__(self) -> DaskExecutor:
        import dask
        from distributed import Client, LocalCluster

        self._silence()
        try:
            if self.address == "local":
                protocol = "tls://" if self.security is not None else "tcp://"
                with dask.config.set({"distributed.scheduler.http.routes": [],
                                      "distributed.worker.http.routes": []}):
                    self._cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                                 host=self.listen, dashboard_address=None, silence_logs=50,
                                                 protocol=protocol, security=self.security)
                self._cluster.scheduler.http_server.stop()  # no dashboard means no HTTP server at all
                self._client = Client(self._cluster, security=self.security)
                self._client.run(_no_http)
            else:
                self._client = Client(self.address, timeout=self.connect_timeout_s, security=self.security)
            self.scheduler_address = self._client.scheduler.address
            n = len(self._client.scheduler_info().get("workers", {}))
        except Exception as exc:
            self.__exit__(type(exc))
            raise ExecutorError(f"cannot reach the Dask scheduler at {self.address}: {_reason(exc)}") from None
        self.description = f"dask {self.scheduler_address} ({n} workers)"
        return self

    def _silence(self) -> None:
        """Mute distributed's and tornado's loggers (each has its own level): one line of ours instead of
        pages of theirs when a scheduler or worker goes away."""
        import distributed  # noqa: F401 - configures its loggers on import

        names = [n for n in logging.root.manager.loggerDict if n.split(".")[0] in ("distributed", "tornado")]
        for name in {"distributed", "tornado", *names}:
            logger = logging.getLogger(name)
            self._quiet.setdefault(name, logger.level)
            logger.setLevel(logging.CRITICAL + 1)

    def __exit__(self, *exc: Any) -> None:
        self._silence()  # loggers created while running
        try:
            if self._client is not None:
                self._client.close(timeout=5)
            if self._cluster is not None:
                self._cluster.close(timeout=10)
        except Exception:  # a dead scheduler: nothing left to close
            pass
        finally:
            self._client = self._cluster = None
            for name, level in self._quiet.items():
                logging.getLogger(name).setLevel(level)

    def run(self, job: Job, tasks: Iterator[ChunkTask]) -> Iterator[dict[str, Any]]:
        from distributed import wait

        try:
            n = max(2, 2 * len(self._client.scheduler_info().get("workers", {})))
        except Exception as exc:
            raise ExecutorError(f"the Dask scheduler at {self.address} stopped answering: {_reason(exc)}") from None

        def waiter(pending: set, timeout_s: float) -> tuple[set, set]:
            try:
                done = wait(list(pending), timeout=timeout_s, return_when="FIRST_COMPLETED")
            except TimeoutError:  # distributed's wait raises when none finished in time
                return set(), pending
            return set(done.done), set(done.not_done)

        try:
            for result in _bounded(lambda t: self._client.submit(evaluate_chunk, job, t, pure=False), tasks, n, waiter):
                if result.get("abandoned_threads") and result.get("worker"):
                    self._restart(result["worker"])
                yield result
        except (GeneratorExit, KeyboardInterrupt):
            raise
        except Exception as exc:
            if _is_connection_loss(exc):
                raise ExecutorError(f"the Dask scheduler at {self.address} stopped answering: {_reason(exc)}") from None
            raise

    def _restart(self, worker: str) -> None:
        """Restart a worker whose timed-out design thread is still running (it would starve the next designs)."""
        try:
            self._client.restart_workers([worker], raise_for_error=False)
            self.restarted.append(worker)
        except Exception:  # a worker without a nanny cannot be restarted: it keeps working, slower
            pass


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0].rstrip(":") if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _is_connection_loss(exc: BaseException) -> bool:
    from concurrent.futures import CancelledError

    names = {c.__name__ for c in type(exc).__mro__}
    return bool(names & {"CommClosedError", "FutureCancelledError", "StreamClosedError"}) or \
        isinstance(exc, (OSError, TimeoutError, CancelledError))


def _futures_wait(pending: set, timeout_s: float) -> tuple[set, set]:
    from concurrent.futures import FIRST_COMPLETED, wait

    done, not_done = wait(pending, timeout=timeout_s, return_when=FIRST_COMPLETED)
    return set(done), set(not_done)


#: How often (s) a coordinator waiting on its workers looks for a Ctrl-C it has deferred.
INTERRUPT_POLL_S = 0.2


@contextmanager
def _interrupt_deferred() -> Iterator[Any]:
    """Hold a Ctrl-C that arrives while the coordinator submits chunks or waits on its workers, and
    raise it (``KeyboardInterrupt``) where that is safe: on leaving the block.

    Python raises ``KeyboardInterrupt`` between any two bytecodes of the main thread, so it could land
    inside :func:`concurrent.futures.wait` after it had locked some of the futures and before it
    released them; the pool's manager thread would then wait for those locks forever while marking the
    futures of the killed workers failed, and the interrupted sweep would not exit (the likely cause
    of the one hang seen in about 60 runs of the Ctrl-C test: message printed, no exit in 5 s).

    Yields a function that tells whether Ctrl-C was pressed. Outside the main thread, or when SIGINT
    is not Python's default handler (an application that handles it itself), it changes nothing.
    """
    if (threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGINT) is not signal.default_int_handler):
        yield lambda: False
        return
    pressed: list[int] = []
    signal.signal(signal.SIGINT, lambda signum, frame: pressed.append(signum))
    try:
        yield lambda: bool(pressed)
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if pressed:
        raise KeyboardInterrupt


def _bounded(submit: Any, tasks: Iterator, ahead: int, wait_some: Any) -> Iterator[dict[str, Any]]:
    """Submit tasks keeping at most ``ahead`` in flight; yield results as they complete.

    ``wait_some(pending, timeout_s)`` returns ``(done, not_done)``, ``done`` empty after the
    timeout. Ctrl-C while submitting or waiting is raised between waits (:func:`_interrupt_deferred`).
    """
    pending: set = set()
    tasks = iter(tasks)
    exhausted = False
    while pending or not exhausted:
        done: set = set()
        with _interrupt_deferred() as interrupted:
            while not exhausted and len(pending) < ahead and not interrupted():
                try:
                    task = next(tasks)
                except StopIteration:
                    exhausted = True
                    break
                pending.add(submit(task))
            while pending and not done and not interrupted():
                done, pending = wait_some(pending, INTERRUPT_POLL_S)
        if not pending and not done:
            break
        for fut in done:
            yield fut.result()
