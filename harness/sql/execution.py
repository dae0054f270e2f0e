"""Batch execution scoring: official test-suite verdicts, gold executed once, work in a process pool.

Items are grouped by database and by post-processed gold SQL. A task takes whole gold groups of one
database: it opens each ``*.sqlite`` file of the folder once, runs each gold query once per file, then
runs that gold's predictions and compares with :func:`harness.sql.equivalence.results_match`. A prediction
is correct only if it matches on every file.

Differences from the official evaluator (no verdict differs on valid inputs): a failing gold query gives
``gold_error`` for its items instead of aborting the run; queries are sandboxed and time-limited (the
official asyncio timeout never fires for a blocking sqlite call); a prediction that returns more than
``max_rows`` rows is ``wrong_result`` when the gold returned fewer (the lengths differ, so the official
verdict is the same), and a gold above ``max_rows`` is a ``gold_error``. Only files whose name ends in
``.sqlite`` count (the official code takes any name containing ".sqlite", journals included).
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from harness.sql.equivalence import order_matters, postprocess_for_exec, results_match
from harness.sql.sandbox import execute, open_readonly

VERDICTS = ("correct", "wrong_result", "execution_error", "timeout", "no_sql", "gold_error")
_BATCH_ITEMS = 64


@dataclass(frozen=True)
class ExecItem:
    db_id: str
    gold_sql: str
    pred_sql: str | None     # None = no SQL could be extracted


@dataclass(frozen=True)
class ExecVerdict:
    verdict: str             # "correct" | "wrong_result" | "execution_error" | "timeout" | "no_sql" | "gold_error"
    error: str | None
    seconds: float           # time spent executing the prediction


@dataclass(frozen=True)
class _GoldGroup:
    """One post-processed gold query and its (item index, post-processed prediction) pairs."""
    gold_sql: str
    preds: list[tuple[int, str]]


@dataclass(frozen=True)
class _Batch:
    files: tuple[Path, ...]
    groups: list[_GoldGroup]
    timeout_s: float
    max_rows: int


def database_files(db_dir: str | Path, db_id: str) -> tuple[Path, ...]:
    """All ``*.sqlite`` files of ``db_dir/db_id``, sorted; raises a clear error when there are none."""
    folder = Path(db_dir) / db_id
    if not folder.is_dir():
        raise FileNotFoundError(f"database folder for db_id {db_id!r} not found: {folder}")
    files = tuple(sorted(p for p in folder.iterdir() if p.suffix == ".sqlite" and p.is_file()))
    if not files:
        raise FileNotFoundError(f"no *.sqlite file in database folder for db_id {db_id!r}: {folder}")
    return files


def _run_gold(conns: list[tuple[Path, sqlite3.Connection]], gold_sql: str, batch: _Batch
              ) -> tuple[list[list[tuple]] | None, str | None]:
    results = []
    for path, conn in conns:
        res = execute(conn, gold_sql, timeout_s=batch.timeout_s, max_rows=batch.max_rows)
        if res.rows is None:
            return None, f"gold query failed on {path}: {res.error}"
        if res.truncated:
            return None, f"gold query returned more than {batch.max_rows} rows on {path}"
        results.append(res.rows)
    return results, None


def _judge(conns: list[tuple[Path, sqlite3.Connection]], gold_rows: list[list[tuple]], ordered: bool,
           pred_sql: str, batch: _Batch) -> ExecVerdict:
    seconds = 0.0
    for (_, conn), expected in zip(conns, gold_rows):
        start = time.perf_counter()
        res = execute(conn, pred_sql, timeout_s=batch.timeout_s, max_rows=batch.max_rows)
        seconds += time.perf_counter() - start
        if res.timed_out:
            return ExecVerdict("timeout", res.error, seconds)
        if res.rows is None:
            return ExecVerdict("execution_error", res.error, seconds)
        if res.truncated or not results_match(expected, res.rows, order_matters=ordered):
            return ExecVerdict("wrong_result", None, seconds)
    return ExecVerdict("correct", None, seconds)


def _score_batch(batch: _Batch) -> list[tuple[int, ExecVerdict]]:
    conns = [(path, open_readonly(path)) for path in batch.files]
    try:
        out = []
        for group in batch.groups:
            gold_rows, error = _run_gold(conns, group.gold_sql, batch)
            if gold_rows is None:
                out += [(i, ExecVerdict("gold_error", error, 0.0)) for i, _ in group.preds]
                continue
            ordered = order_matters(group.gold_sql)
            out += [(i, _judge(conns, gold_rows, ordered, pred, batch)) for i, pred in group.preds]
        return out
    finally:
        for _, conn in conns:
            conn.close()


def _batches(groups: dict[str, dict[str, list[tuple[int, str]]]], files: dict[str, tuple[Path, ...]],
             timeout_s: float, max_rows: int) -> list[_Batch]:
    """Whole gold groups of one database per batch, about ``_BATCH_ITEMS`` predictions each."""
    batches = []
    for db_id, by_gold in groups.items():
        current: list[_GoldGroup] = []
        size = 0
        for gold_sql, preds in by_gold.items():
            current.append(_GoldGroup(gold_sql, preds))
            size += len(preds)
            if size >= _BATCH_ITEMS:
                batches.append(_Batch(files[db_id], current, timeout_s, max_rows))
                current, size = [], 0
        if current:
            batches.append(_Batch(files[db_id], current, timeout_s, max_rows))
    return batches


def score_execution(items: Sequence[ExecItem], db_dir: str | Path, *, workers: int | None = None,
                    timeout_s: float = 30.0, keep_distinct: bool = False,
                    on_done: Callable[[int], None] | None = None, max_rows: int = 100_000) -> list[ExecVerdict]:
    """Score predictions by execution; verdicts come back in input order.

    ``workers`` defaults to ``os.cpu_count()``; 1 runs in this process. ``on_done(n)`` is called with the
    number of items just finished (n >= 1) as work completes.
    """
    files = {db_id: database_files(db_dir, db_id) for db_id in sorted({it.db_id for it in items})}
    verdicts: list[ExecVerdict | None] = [None] * len(items)
    groups: dict[str, dict[str, list[tuple[int, str]]]] = {}
    no_sql = 0
    for index, item in enumerate(items):
        if item.pred_sql is None or not item.pred_sql.strip():
            verdicts[index] = ExecVerdict("no_sql", "no SQL in the model output", 0.0)
            no_sql += 1
            continue
        gold = postprocess_for_exec(item.gold_sql, keep_distinct=keep_distinct)
        pred = postprocess_for_exec(item.pred_sql, keep_distinct=keep_distinct)
        groups.setdefault(item.db_id, {}).setdefault(gold, []).append((index, pred))
    if on_done and no_sql:
        on_done(no_sql)

    def collect(done: list[tuple[int, ExecVerdict]]) -> None:
        for index, verdict in done:
            verdicts[index] = verdict
        if on_done and done:
            on_done(len(done))

    batches = _batches(groups, files, timeout_s, max_rows)
    n_workers = min(workers or os.cpu_count() or 1, len(batches))
    if n_workers <= 1:
        for batch in batches:
            collect(_score_batch(batch))
    else:
        with ProcessPoolExecutor(max_workers=n_workers) as pool:
            for future in as_completed([pool.submit(_score_batch, b) for b in batches]):
                collect(future.result())
    missing = [i for i, v in enumerate(verdicts) if v is None]
    if missing:
        raise RuntimeError(f"internal error: no verdict for items {missing[:10]}")
    return verdicts  # type: ignore[return-value]
