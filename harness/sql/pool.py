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

import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

from harness.forked import die_with_parent, start_forked
from harness.sql.sandbox import harden_process

T = TypeVar("T")
Slot = Any  # a shared array of two doubles: [deadline on the monotonic clock or 0 when idle, stage flag]
_POLL_S = 0.02


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


def _worker_main(conn: Connection, slot: Slot, parent_pid: int,
                 work: Callable[[Any, Slot], Iterator[Any]]) -> None:
    die_with_parent(parent_pid)
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
        start_forked(process)
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
