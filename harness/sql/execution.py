"""Batch execution scoring: official test-suite verdicts, gold executed once, work in a process pool.

Phase 1 runs every distinct (database folder, post-processed gold SQL) once on each ``*.sqlite`` file of
the folder. Phase 2 runs the predictions, in chunks that share one gold result, and compares with
:func:`harness.sql.equivalence.results_match`. A prediction is correct only if it matches on every file.

Differences from the official evaluator (no verdict differs on valid inputs): a failing gold query gives
``gold_error`` for its items instead of aborting the run; queries are sandboxed and time-limited (the
official asyncio timeout never fires for a blocking sqlite call); a prediction that returns more than
``max_rows`` rows is ``wrong_result`` when the gold returned fewer (the lengths differ, so the official
verdict is the same), and a gold above ``max_rows`` is a ``gold_error``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from harness.sql.equivalence import order_matters, postprocess_for_exec, results_match
from harness.sql.sandbox import run_query

VERDICTS = ("correct", "wrong_result", "execution_error", "timeout", "no_sql", "gold_error")
_CHUNK = 32


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
class _Gold:
    """Gold rows per database file, or the error that stopped it."""
    rows: tuple[list[tuple], ...] | None
    error: str | None


GoldKey = tuple[str, str]  # (db_id, post-processed gold SQL)


def database_files(db_dir: str | Path, db_id: str) -> tuple[Path, ...]:
    """All ``*.sqlite`` files of ``db_dir/db_id``, sorted; raises a clear error when there are none."""
    folder = Path(db_dir) / db_id
    if not folder.is_dir():
        raise FileNotFoundError(f"database folder for db_id {db_id!r} not found: {folder}")
    files = tuple(sorted(p for p in folder.iterdir() if p.suffix == ".sqlite" and p.is_file()))
    if not files:
        raise FileNotFoundError(f"no *.sqlite file in database folder for db_id {db_id!r}: {folder}")
    return files


def _run_gold(files: tuple[Path, ...], gold_sql: str, timeout_s: float, max_rows: int) -> _Gold:
    results = []
    for path in files:
        res = run_query(path, gold_sql, timeout_s=timeout_s, max_rows=max_rows)
        if res.rows is None:
            return _Gold(None, f"gold query failed on {path}: {res.error}")
        if res.truncated:
            return _Gold(None, f"gold query returned more than {max_rows} rows on {path}")
        results.append(res.rows)
    return _Gold(tuple(results), None)


def _judge(files: tuple[Path, ...], gold: _Gold, ordered: bool, pred_sql: str,
           timeout_s: float, max_rows: int) -> ExecVerdict:
    assert gold.rows is not None
    seconds = 0.0
    for path, gold_rows in zip(files, gold.rows):
        start = time.perf_counter()
        res = run_query(path, pred_sql, timeout_s=timeout_s, max_rows=max_rows)
        seconds += time.perf_counter() - start
        if res.timed_out:
            return ExecVerdict("timeout", res.error, seconds)
        if res.rows is None:
            return ExecVerdict("execution_error", res.error, seconds)
        if res.truncated or not results_match(gold_rows, res.rows, order_matters=ordered):
            return ExecVerdict("wrong_result", None, seconds)
    return ExecVerdict("correct", None, seconds)


def _judge_chunk(files: tuple[Path, ...], gold: _Gold, ordered: bool, preds: list[tuple[int, str]],
                 timeout_s: float, max_rows: int) -> list[tuple[int, ExecVerdict]]:
    return [(i, _judge(files, gold, ordered, sql, timeout_s, max_rows)) for i, sql in preds]


class _InlineExecutor(Executor):
    """Runs submissions immediately in this process (workers=1: no pool start-up cost)."""

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[override]
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller through the future
            future.set_exception(exc)
        return future


def score_execution(items: Sequence[ExecItem], db_dir: str | Path, *, workers: int | None = None,
                    timeout_s: float = 30.0, keep_distinct: bool = False,
                    on_done: Callable[[int], None] | None = None, max_rows: int = 100_000) -> list[ExecVerdict]:
    """Score predictions by execution; verdicts come back in input order.

    ``on_done(n)`` is called with the number of items just finished (n >= 1) as work completes.
    """
    files = {db_id: database_files(db_dir, db_id) for db_id in sorted({it.db_id for it in items})}
    verdicts: list[ExecVerdict | None] = [None] * len(items)

    def finish(index: int, verdict: ExecVerdict) -> None:
        verdicts[index] = verdict

    pending: dict[GoldKey, list[tuple[int, str]]] = {}
    no_sql = 0
    for index, item in enumerate(items):
        if item.pred_sql is None or not item.pred_sql.strip():
            finish(index, ExecVerdict("no_sql", "no SQL in the model output", 0.0))
            no_sql += 1
            continue
        key = (item.db_id, postprocess_for_exec(item.gold_sql, keep_distinct=keep_distinct))
        pred = postprocess_for_exec(item.pred_sql, keep_distinct=keep_distinct)
        pending.setdefault(key, []).append((index, pred))
    if on_done and no_sql:
        on_done(no_sql)

    n_workers = workers or os.cpu_count() or 1
    pool: Executor = _InlineExecutor() if n_workers == 1 else ProcessPoolExecutor(max_workers=n_workers)
    with pool:
        gold_futures = {pool.submit(_run_gold, files[key[0]], key[1], timeout_s, max_rows): key for key in pending}
        judge_futures = []
        for future in as_completed(gold_futures):
            key = gold_futures[future]
            gold = future.result()
            preds = pending[key]
            if gold.error is not None:
                for index, _ in preds:
                    finish(index, ExecVerdict("gold_error", gold.error, 0.0))
                if on_done:
                    on_done(len(preds))
                continue
            for start in range(0, len(preds), _CHUNK):
                judge_futures.append(pool.submit(_judge_chunk, files[key[0]], gold, order_matters(key[1]),
                                                 preds[start:start + _CHUNK], timeout_s, max_rows))
        for future in as_completed(judge_futures):
            done = future.result()
            for index, verdict in done:
                finish(index, verdict)
            if on_done:
                on_done(len(done))
    missing = [i for i, v in enumerate(verdicts) if v is None]
    if missing:
        raise RuntimeError(f"internal error: no verdict for items {missing[:10]}")
    return verdicts  # type: ignore[return-value]
