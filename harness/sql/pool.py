"""Worker processes for untrusted SQL that cannot outlive their deadline or their parent.

A task is a sequence of units (predictions); a worker reports each unit's outcome as soon as it is decided.
Before each statement it writes the statement's deadline into a shared slot; the parent kills a worker whose
deadline has passed by more than ``grace_s`` (one expensive function call, such as
``printf('%.*c', 999999999, 'x')``, is never interrupted by SQLite's progress handler), asks ``on_stop`` for
the outcomes of the unit in flight (and of any it makes moot) and the remainder of the task, and gives that
to a fresh worker. A worker that dies by itself (out of memory) is handled the same way. Workers are forked
and die with the parent (``PR_SET_PDEATHSIG`` on Linux), so a killed ``harness score`` leaves none behind.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

from harness.sql.sandbox import harden_process

T = TypeVar("T")
R = TypeVar("R")
Slot = Any  # a shared array of two doubles: [deadline on the monotonic clock or 0 when idle, stage flag]
_POLL_S = 0.02
_PR_SET_PDEATHSIG = 1


@dataclass
class _Job(Generic[T]):
    task_id: int
    task: T
    offset: int      # position of the task's first unit in the original task
    done: int = 0    # outcomes received


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection
    slot: Slot
    job: _Job | None = None


def _die_with_parent(parent_pid: int) -> None:
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)


def _start(process: multiprocessing.process.BaseProcess) -> None:
    """Fork ``process`` with the parent's objects frozen out of the garbage collector (as :func:`gc.freeze`
    advises): the child's collections then skip every object it inherited instead of touching, and so copying,
    the memory that holds them; that halves what a short-lived child spends in collections."""
    gc.freeze()
    try:
        process.start()
    finally:
        gc.unfreeze()


def _worker_main(conn: Connection, slot: Slot, parent_pid: int,
                 work: Callable[[Any, Slot], Iterator[Any]]) -> None:
    _die_with_parent(parent_pid)
    harden_process()
    while (task := conn.recv()) is not None:
        for outcome in work(task, slot):
            conn.send(outcome)
        conn.send(StopIteration)


def run_tasks(tasks: Sequence[T], work: Callable[[T, Slot], Iterator[Any]], *,
              on_outcome: Callable[[int, int, Any], None],
              on_stop: Callable[[T, int, float, str], tuple[list[Any], T | None]],
              workers: int, grace_s: float) -> None:
    """Run every task in worker processes; ``on_outcome(task_id, unit, outcome)`` gets each outcome.

    ``on_stop(task, done, stage_flag, reason)`` is called when a worker is killed or dies after ``done``
    outcomes of ``task``; it returns the outcomes of the units it settles from ``done`` on, and the task
    of the units after those (or None). ``reason`` is "deadline" or "died (exit code N)".
    """
    ctx = multiprocessing.get_context("fork")
    pending: deque[_Job] = deque(_Job(i, task, 0) for i, task in enumerate(tasks))
    pool: list[_Worker] = []

    def start() -> _Worker:
        parent_conn, child_conn = ctx.Pipe()
        slot = ctx.RawArray("d", 2)
        process = ctx.Process(target=_worker_main, args=(child_conn, slot, os.getpid(), work), daemon=True)
        _start(process)
        child_conn.close()
        return _Worker(process, parent_conn, slot)

    def stop(worker: _Worker, reason: str) -> None:
        job = worker.job
        pool.remove(worker)
        worker.conn.close()
        if job is None:  # it finished its task just before it was stopped
            return
        settled, rest = on_stop(job.task, job.done, worker.slot[1], reason)
        for k, outcome in enumerate(settled):
            on_outcome(job.task_id, job.offset + job.done + k, outcome)
        if rest is not None:
            pending.appendleft(_Job(job.task_id, rest, job.offset + job.done + len(settled)))

    def receive(worker: _Worker) -> bool:
        """Take the outcomes waiting in the worker's pipe; False when the worker is gone."""
        try:
            while worker.job is not None and worker.conn.poll():
                message = worker.conn.recv()
                if message is StopIteration:
                    worker.job = None
                else:
                    on_outcome(worker.job.task_id, worker.job.offset + worker.job.done, message)
                    worker.job.done += 1
        except (EOFError, OSError):
            return False
        return True

    try:
        while pending or any(w.job for w in pool):
            for worker in pool:
                if worker.job is None and pending:
                    worker.job = pending.popleft()
                    worker.conn.send(worker.job.task)
            while pending and len(pool) < workers:
                worker = start()
                worker.job = pending.popleft()
                worker.conn.send(worker.job.task)
                pool.append(worker)
            busy = {w.conn: w for w in pool if w.job is not None}
            for conn in wait(list(busy), timeout=_POLL_S):
                worker = busy[conn]
                if not receive(worker):
                    worker.process.join()
                    stop(worker, f"died (exit code {worker.process.exitcode})")
            now = time.monotonic()
            for worker in [w for w in pool if w.job is not None]:
                deadline = worker.slot[0]
                if deadline and now > deadline + grace_s:
                    worker.process.kill()
                    worker.process.join()
                    receive(worker)  # outcomes it sent before it was killed
                    stop(worker, "deadline")
    finally:
        for worker in pool:
            if worker.process.is_alive():
                if worker.job is None:
                    worker.conn.send(None)
                    worker.process.join(timeout=1)
                worker.process.kill()
            worker.process.join()
            worker.conn.close()


_LATER = object()


class ForkedCall(Generic[R]):
    """``fn(arg)`` computed in a forked child process while the caller works on (with the workers above:
    parsing predictions while they execute). The child dies with its parent; use it as a context manager so
    that leaving early stops it too.

    Without ``arg``, the child starts at once, runs ``prepare()`` (the imports ``fn`` needs, say) and waits for
    :meth:`send`: the preparation runs beside the caller's work on the argument."""

    def __init__(self, fn: Callable[[Any], R], arg: Any = _LATER, *, prepare: Callable[[], object] | None = None,
                 ) -> None:
        ctx = multiprocessing.get_context("fork")
        self._conn, child_conn = ctx.Pipe(duplex=arg is _LATER)
        self._process = ctx.Process(target=_call_main, args=(child_conn, os.getpid(), fn, arg, prepare), daemon=True)
        _start(self._process)
        child_conn.close()

    def send(self, arg: Any) -> None:
        """The argument, for a call made without one; a child that failed meanwhile is not an error here
        (:meth:`result` is then None)."""
        try:
            self._conn.send(arg)
        except OSError:
            pass

    def result(self) -> R | None:
        """The value, waiting for it; None if the child failed (the caller then does the work itself)."""
        try:
            return self._conn.recv()
        except (EOFError, OSError):
            return None
        finally:
            self.close()

    def close(self) -> None:
        if self._process.is_alive():
            self._process.kill()
        self._process.join()
        self._conn.close()

    def __enter__(self) -> "ForkedCall[R]":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _call_main(conn: Connection, parent_pid: int, fn: Callable[[Any], Any], arg: Any,
               prepare: Callable[[], object] | None) -> None:
    _die_with_parent(parent_pid)
    try:
        if prepare is not None:
            prepare()
        value = fn(conn.recv() if arg is _LATER else arg)
    except BaseException:  # noqa: BLE001 - the parent sees EOF and does the work itself
        os._exit(1)
    conn.send(value)
