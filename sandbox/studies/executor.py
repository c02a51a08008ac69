"""Where study chunks run: in this process, in local worker processes, or on a Dask cluster.

A chunk task is plain data (:class:`Job` and the chunk's input arrays): each worker loads the
plugins and validates the scenario data itself, once per process, so the same task runs the
same way everywhere. Results come back to the coordinating process, which alone writes files.

- :class:`LocalExecutor`: ``workers=1`` runs in this process; more starts that many worker
  processes (``spawn``; each imports the plugins once). No set-up needed.
- :class:`DaskExecutor`: ``address`` of an existing ``dask.distributed`` scheduler
  (``tcp://host:port``), or ``"local"`` to start a cluster of ``workers`` processes on this
  machine. A cluster started here listens on the loopback interface only (127.0.0.1) unless
  ``listen`` names another host.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np


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


def evaluate_chunk(job: Job, chunk: int, inputs: dict[str, np.ndarray]) -> dict[str, Any]:
    """Evaluate one chunk; returns ``{"chunk", "n", "columns": {instance: {metric: array}}, "row_errors", "types"}``."""
    from sandbox.ledger.batch import evaluate_points

    registry, scenario = context(job)
    n = len(next(iter(inputs.values()))) if inputs else 0
    res = evaluate_points(scenario, registry, inputs, n, job.design_timeout_s)
    return {"chunk": chunk, "n": n, "columns": res.columns, "row_errors": res.row_errors, "types": res.types}


def _init_worker() -> None:
    os.environ.setdefault("OMP_NUM_THREADS", "1")


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
                                             initializer=_init_worker)
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def run(self, job: Job, tasks: Iterator[tuple[int, dict[str, np.ndarray]]]) -> Iterator[dict[str, Any]]:
        """Results of the chunks as they finish (at most ``2 × workers`` submitted ahead)."""
        if self._pool is None:
            for chunk, inputs in tasks:
                yield evaluate_chunk(job, chunk, inputs)
            return
        yield from _bounded(lambda c, x: self._pool.submit(evaluate_chunk, job, c, x), tasks, 2 * self.workers,
                            _futures_wait)


class DaskExecutor:
    """Chunks on a ``dask.distributed`` cluster: an existing scheduler, or ``"local"`` (loopback only)."""

    def __init__(self, address: str, workers: int = 2, listen: str = "127.0.0.1"):
        self.address = address
        self.workers = max(1, int(workers))
        self.listen = listen
        self._cluster: Any = None
        self._client: Any = None
        self.description = ""

    def __enter__(self) -> DaskExecutor:
        from distributed import Client, LocalCluster

        if self.address == "local":
            self._cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                         host=self.listen, dashboard_address=None, silence_logs=50)
            self._client = Client(self._cluster)
        else:
            self._client = Client(self.address, timeout=30)
        self.scheduler_address = self._client.scheduler.address
        n = len(self._client.scheduler_info().get("workers", {}))
        self.description = f"dask {self.scheduler_address} ({n} workers)"
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()

    def run(self, job: Job, tasks: Iterator[tuple[int, dict[str, np.ndarray]]]) -> Iterator[dict[str, Any]]:
        from distributed import wait

        n = max(2, 2 * len(self._client.scheduler_info().get("workers", {})))

        def waiter(pending: set) -> tuple[set, set]:
            done = wait(list(pending), return_when="FIRST_COMPLETED")
            return set(done.done), set(done.not_done)

        yield from _bounded(lambda c, x: self._client.submit(evaluate_chunk, job, c, x, pure=False), tasks, n, waiter)


def _futures_wait(pending: set) -> tuple[set, set]:
    from concurrent.futures import FIRST_COMPLETED, wait

    done, not_done = wait(pending, return_when=FIRST_COMPLETED)
    return set(done), set(not_done)


def _bounded(submit: Any, tasks: Iterator, ahead: int, wait_some: Any) -> Iterator[dict[str, Any]]:
    """Submit tasks keeping at most ``ahead`` in flight; yield results as they complete."""
    pending: set = set()
    tasks = iter(tasks)
    exhausted = False
    while pending or not exhausted:
        while not exhausted and len(pending) < ahead:
            try:
                chunk, inputs = next(tasks)
            except StopIteration:
                exhausted = True
                break
            pending.add(submit(chunk, inputs))
        if not pending:
            break
        done, pending = wait_some(pending)
        for fut in done:
            yield fut.result()
