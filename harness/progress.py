"""Progress for long loops: a rich bar in a terminal; in a log (not a TTY), one flushed line per report.

Both show the same facts: done/total, the rate, and the time left at that rate.
"""
from __future__ import annotations

import time
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from harness.console import make_console


def eta_text(seconds: float | None) -> str:
    if seconds is None:
        return "-:--:--"
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class LoopProgress:
    """`update(done)` moves the bar; `report(done, **fields)` also writes a log line when not in a terminal."""

    def __init__(self, description: str, total: int, *, console: Console | None = None, start: int = 0,
                 extra: str = ""):
        self.console = console or make_console(stderr=True)
        self.description = description
        self.total = total
        self.start_done = start
        self.started = time.perf_counter()
        columns: list[Any] = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn()]
        if extra:
            columns.append(TextColumn(extra))
        columns += [TimeElapsedColumn(), TimeRemainingColumn()]
        self.progress = Progress(*columns, console=self.console, disable=not self.console.is_terminal)
        self.task = self.progress.add_task(description, total=total, completed=start,
                                           **({"info": ""} if extra else {}))

    def __enter__(self) -> LoopProgress:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def update(self, done: int, **fields: Any) -> None:
        self.progress.update(self.task, completed=done, **fields)

    def eta(self, done: int) -> float | None:
        """Seconds left at the average rate since the start (None before the first unit is done)."""
        elapsed = time.perf_counter() - self.started
        finished = done - self.start_done
        return None if finished <= 0 or elapsed <= 0 else (self.total - done) * elapsed / finished

    def report(self, done: int, details: str = "", **fields: Any) -> None:
        self.update(done, **fields)
        if not self.console.is_terminal:
            self.console.print(f"{self.description} {done}/{self.total}{' ' + details if details else ''} "
                               f"ETA {eta_text(self.eta(done))}", markup=False, highlight=False)
            self.console.file.flush()
