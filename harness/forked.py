"""A function computed in a forked child process while the parent works on, and how harness forks: children
die with their parent (``PR_SET_PDEATHSIG`` on Linux) and are forked with the parent's objects frozen out of
the garbage collector."""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, Generic, TypeVar

R = TypeVar("R")
_PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int) -> None:
    """Make this forked child die when its parent does."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)


def start_forked(process: multiprocessing.process.BaseProcess) -> None:
    """Fork ``process`` with the parent's objects frozen out of the garbage collector (as :func:`gc.freeze`
    advises): the child's collections then skip every object it inherited instead of touching, and so copying,
    the memory that holds them (Spider's normalising child spent 22 ms in collections instead of 97 ms)."""
    gc.freeze()
    try:
        process.start()
    finally:
        gc.unfreeze()


_LATER = object()


class ForkedCall(Generic[R]):
    """``fn(arg)`` computed in a forked child process while the caller works on (Spider: normalising predictions
    while their SQL executes). The child dies with its parent; use it as a context manager so that leaving
    early stops it too.

    Without ``arg``, the child starts at once, runs ``prepare()`` (the imports ``fn`` needs, say) and waits for
    :meth:`send`: the preparation runs beside the caller's work on the argument."""

    def __init__(self, fn: Callable[[Any], R], arg: Any = _LATER, *, prepare: Callable[[], object] | None = None,
                 ) -> None:
        ctx = multiprocessing.get_context("fork")
        self._conn, child_conn = ctx.Pipe(duplex=arg is _LATER)
        self._process = ctx.Process(target=_call_main, args=(child_conn, os.getpid(), fn, arg, prepare), daemon=True)
        start_forked(self._process)
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
    die_with_parent(parent_pid)
    try:
        if prepare is not None:
            prepare()
        value = fn(conn.recv() if arg is _LATER else arg)
    except BaseException:  # noqa: BLE001 - the parent sees EOF and does the work itself
        os._exit(1)
    conn.send(value)
