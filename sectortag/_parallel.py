"""Tagging on several cores: forked worker processes that already hold the model.

A worker is forked after the model is loaded, so it inherits it (nothing is
pickled or loaded again); the parent sends it a batch of texts and gets back
small results (float arrays, or formatted output lines). Batches are handed
out in order and results come back in the same order, with a bounded number
in flight, so memory stays flat on a stream. A batch's results do not depend
on which process computed it, so any number of workers gives the output of
one process.

Where ``fork`` is not available (Windows), everything runs in this process.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

__all__ = ["WorkerPool", "worker_count"]

_STATE: tuple[Any, Callable] | None = None  # (state, function): what forked workers inherit


def worker_count(jobs: int | None) -> int:
    """Processes for ``jobs``, with joblib's meaning: None is 1, -1 every usable core, -2 all but one..."""
    if jobs is None:
        return 1
    if jobs < 0:
        try:
            cores = len(os.sched_getaffinity(0))
        except AttributeError:  # not on Linux
            cores = os.cpu_count() or 1
        return max(1, cores + 1 + jobs)
    return max(1, jobs)


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


class WorkerPool:
    """``jobs`` workers running ``function(state, item)``; a context manager.

    With one job, or without ``fork``, ``imap`` runs in this process.
    """

    def __init__(self, state: Any, function: Callable[[Any, Any], Any], jobs: int):
        self.state, self.function = state, function
        self.jobs = jobs if jobs > 1 and _can_fork() else 1
        self._pool = None

    def __enter__(self) -> "WorkerPool":
        global _STATE
        if self.jobs > 1:
            import multiprocessing

            _STATE = (self.state, self.function)
            self._pool = multiprocessing.get_context("fork").Pool(self.jobs, initializer=_start_worker)
        return self

    def __exit__(self, exc_type, *exc) -> None:
        global _STATE
        if self._pool is not None:
            if exc_type is None:
                self._pool.close()
            else:
                self._pool.terminate()
            self._pool.join()
            self._pool = None
            _STATE = None  # only the pool that set it: a one-process pool inside a worker leaves it alone

    def imap(self, items: Iterable, *, window: int | None = None) -> Iterator:
        """``function(state, item)`` for each item, in order, at most ``window`` batches in flight.

        Items are taken from ``items`` in this process; if taking one raises,
        the results of the items before it come out first, then the error.
        """
        if self._pool is None:
            for item in items:
                yield self.function(self.state, item)
            return
        window = window or 2 * self.jobs
        pending: deque = deque()
        iterator = iter(items)
        while True:
            try:
                item = next(iterator)
            except StopIteration:
                break
            except BaseException:
                while pending:
                    yield pending.popleft().get()
                raise
            pending.append(self._pool.apply_async(_run, (item,)))
            if len(pending) >= window:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


def _start_worker() -> None:
    """In a new worker: Ctrl-C and termination are the parent's to handle (no tracebacks, no clean-up here)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _run(item: Any) -> Any:
    state, function = _STATE
    return function(state, item)
