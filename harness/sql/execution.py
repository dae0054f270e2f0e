"""Batch execution scoring: official test-suite verdicts, each distinct query executed once, process pool.

Items are grouped by database and by post-processed gold SQL, and identical predictions for the same gold
are merged (one verdict, shared). "Identical" means equal after the official post-processing and
:func:`harness.sql.equivalence.squeeze_whitespace` (the same statement for SQLite); the official row-order
rule still reads the unsqueezed gold. A task takes whole gold groups of one database: it opens each
``*.sqlite`` file of the folder once, runs each distinct deterministic query once per file (gold and
predictions alike; see :class:`_Executor`), and compares with
:func:`harness.sql.equivalence.results_match`. A prediction is correct only if it matches on every file;
one whose text equals the gold's is correct without running it again. SQL that calls ``random()`` or
reads the clock (:func:`is_volatile`) is neither merged nor cached: it runs once per prediction, gold
included, as in the official evaluator.

Gold results persist across runs in a :class:`harness.runs.cache.BlobCache` (``gold_cache``), keyed by the
database file's content hash, the gold SQL, the fetch settings, SQLite's version and the sandbox's code, so a
second scoring of the same data (another variant, another run) executes no gold query. The parent reads
them (still encoded) before it forks the workers, which see them as inherited memory and decode those they
use; results a worker computes come back with its outcomes and are stored at the end. Only results that ran
within the current ``timeout_s`` are used.

With ``comparison="set"`` (BIRD's official EX) SQL runs exactly as given, rows are fetched distinct,
results match when they are equal as sets, and each verdict also carries BIRD's Soft-F1
(:mod:`harness.metrics.bird`); grouping, caching, the sandbox and the pool are the same.

Differences from the official evaluator (no verdict differs on valid inputs): a failing gold query gives
``gold_error`` for its items instead of aborting the run; queries are sandboxed and time-limited (the
official asyncio timeout never fires for a blocking sqlite call), and a query that timed out is not run
again for an identical prediction; a prediction that returns more than ``max_rows`` rows is
``wrong_result`` when the gold returned fewer (the lengths differ, so the official verdict is the same),
and a gold above ``max_rows`` is a ``gold_error``. Only files whose name ends in ``.sqlite`` count (the
official code takes any name containing ".sqlite", journals included).
"""

from __future__ import annotations

import hashlib
import marshal
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from harness.metrics.bird import sets_match, soft_f1
from harness.sql.equivalence import order_matters, postprocess_for_exec, results_match, squeeze_whitespace
from harness.sql.pool import Slot, run_tasks
from harness.sql.sandbox import QueryResult, execute, open_readonly

if TYPE_CHECKING:
    from harness.runs.cache import BlobCache

VERDICTS = ("correct", "wrong_result", "execution_error", "timeout", "resource_limit", "no_sql", "gold_error")
COMPARISONS = ("test_suite", "set")  # Spider's official bags with column permutations; BIRD's sets
_TASKS_PER_WORKER = 4        # split big databases so that workers finish together
_MIN_TASK_UNITS = 8
_CACHE_ROWS = 1_000_000      # rows of results a task keeps for reuse
_MAX_STORED_BYTES = 4 << 20  # a gold result larger than this (encoded) is not kept across runs
# random()/randomblob(), 'now', CURRENT_DATE/TIME/TIMESTAMP, and date functions without a time value
# (SQLite then assumes 'now').
_VOLATILE = re.compile(r"\brandom(?:blob)?\s*\(|['\"]now['\"]|\bcurrent_(?:date|time|timestamp)\b"
                       r"|\b(?:date|time|datetime|julianday|unixepoch)\s*\(\s*\)"
                       r"|\bstrftime\s*\(\s*(?:'[^']*'|\"[^\"]*\")\s*\)", re.IGNORECASE)
_VOLATILE_HINTS = ("random", "now", "current_", "date", "time", "julianday", "unixepoch")


@dataclass(frozen=True)
class ExecItem:
    db_id: str
    gold_sql: str
    pred_sql: str | None     # None = no SQL could be extracted


@dataclass(frozen=True)
class ExecVerdict:
    verdict: str             # one of VERDICTS
    error: str | None
    seconds: float           # time the prediction's execution took (measured once per distinct query and file)
    soft_f1: float | None = None   # BIRD's Soft-F1 (comparison="set" only; 0 unless both queries ran)


_NO_SQL = ExecVerdict("no_sql", "no SQL in the model output", 0.0)
# A gold result computed by a worker, for the persistent cache: (file index in the task, SQL, encoded result)
_Fresh = tuple[int, str, bytes]
# verdict, error, seconds, soft-F1, then the gold results computed since the previous outcome: what a worker
# sends back per prediction
_Outcome = tuple[str, str | None, float, float | None, tuple[_Fresh, ...]]
# (database file, SQL) -> gold result and seconds as the persistent cache holds them (marshal-encoded), decoded
# by the worker that uses them
_Known = Mapping[tuple[Path, str], bytes]


@dataclass(frozen=True)
class _Task:
    files: tuple[Path, ...]
    groups: tuple[tuple[str, bool, tuple[str, ...]], ...]    # (gold, order matters, distinct predictions)
    timeout_s: float
    max_rows: int
    comparison: str


def database_files(db_dir: str | Path, db_id: str) -> tuple[Path, ...]:
    """All ``*.sqlite`` files of ``db_dir/db_id``, sorted; raises a clear error when there are none."""
    folder = Path(db_dir) / db_id
    if not folder.is_dir():
        raise FileNotFoundError(f"database folder for db_id {db_id!r} not found: {folder}")
    files = tuple(sorted(p for p in folder.iterdir() if p.suffix == ".sqlite" and p.is_file()))
    if not files:
        raise FileNotFoundError(f"no *.sqlite file in database folder for db_id {db_id!r}: {folder}")
    return files


def is_volatile(sql: str) -> bool:
    """Whether ``sql`` may give different results on an unchanged file (random values, the current time)."""
    lowered = sql.lower()
    if not any(hint in lowered for hint in _VOLATILE_HINTS):
        return False  # cheap pre-check; the pattern is the rule
    return _VOLATILE.search(sql) is not None


class _Executor:
    """Connections to the files of one database folder, and the results of deterministic SQL run on them.

    A read-only query on a file that does not change returns the same rows every time, so each distinct
    deterministic SQL text runs once per file per task; results are kept up to ``_CACHE_ROWS`` rows in all.
    Volatile SQL (:func:`is_volatile`) runs every time it is asked for, as the official evaluator does.
    """

    def __init__(self, files: tuple[Path, ...], timeout_s: float, max_rows: int, distinct: bool = False,
                 slot: Slot | None = None, known: _Known | None = None) -> None:
        self.files = files
        self.timeout_s = timeout_s
        self.max_rows = max_rows
        self.distinct = distinct
        self.slot = slot
        self.known = known or {}
        self.conns: list[sqlite3.Connection | None] = [None] * len(files)  # opened when first run on
        self.cache: dict[tuple[int, str], tuple[QueryResult, float]] = {}
        self.cached_rows = 0
        self.fresh: list[_Fresh] = []   # gold results run here that the persistent cache lacks
        self.kept: set[tuple[int, str]] = set()

    def run(self, file_index: int, sql: str, *, gold: bool = False) -> tuple[QueryResult, float]:
        """Result of ``sql`` on file ``file_index`` and the seconds its execution took. The slot, if any,
        tells the supervising process the deadline of the statement in flight and whether it is gold."""
        key = (file_index, sql)
        entry = self.cache.get(key)
        if entry is None and (stored := self._stored(file_index, sql)) is not None:
            return stored
        if entry is None:
            conn = self.conns[file_index] or self._open(file_index)
            start = time.perf_counter()
            if self.slot is not None:
                self.slot[1] = float(gold)
                self.slot[0] = time.monotonic() + self.timeout_s
            result = execute(conn, sql, timeout_s=self.timeout_s, max_rows=self.max_rows,
                             distinct=self.distinct)
            if self.slot is not None:
                self.slot[0] = 0.0
            entry = (result, time.perf_counter() - start)
            n_rows = len(result.rows or ())
            if self.cached_rows + n_rows <= _CACHE_ROWS and not is_volatile(sql):
                self.cache[key] = entry
                self.cached_rows += n_rows
        if gold:
            self._keep(key, entry)
        return entry

    def _open(self, file_index: int) -> sqlite3.Connection:
        conn = self.conns[file_index] = open_readonly(self.files[file_index])
        return conn

    def _stored(self, file_index: int, sql: str) -> tuple[QueryResult, float] | None:
        """The persistent cache's result of ``sql`` on the file, if it has a readable one that ran within
        ``timeout_s``."""
        blob = self.known.get((self.files[file_index], sql))
        if blob is None:
            return None
        try:
            rows, seconds = marshal.loads(blob)
        except (ValueError, EOFError, TypeError):
            return None  # an unreadable entry is run again (and rewritten)
        return (QueryResult(rows=rows), seconds) if seconds <= self.timeout_s else None

    def _keep(self, key: tuple[int, str], entry: tuple[QueryResult, float]) -> None:
        """Queue a gold result that the persistent cache lacks, once."""
        (file_index, sql), (result, seconds) = key, entry
        if (key in self.kept or result.rows is None or result.truncated or is_volatile(sql)
                or self._stored(file_index, sql) is not None):
            return
        self.kept.add(key)
        blob = marshal.dumps((result.rows, seconds))
        if len(blob) <= _MAX_STORED_BYTES:
            self.fresh.append((file_index, sql, blob))

    def take_fresh(self) -> tuple[_Fresh, ...]:
        fresh, self.fresh = tuple(self.fresh), []
        return fresh

    def close(self) -> None:
        for conn in self.conns:
            if conn is not None:
                conn.close()


def _run_gold(ex: _Executor, gold_sql: str) -> list[tuple[QueryResult, float]] | str:
    """The gold result on every file, or an error message."""
    runs = []
    for index, path in enumerate(ex.files):
        result, seconds = ex.run(index, gold_sql, gold=True)
        if result.rows is None:
            return f"gold query failed on {path}: {result.error}"
        if result.truncated:
            return f"gold query returned more than {ex.max_rows} rows on {path}"
        runs.append((result, seconds))
    return runs


def _judge(ex: _Executor, gold_sql: str, gold_runs: list[tuple[QueryResult, float]], ordered: bool,
           pred_sql: str) -> tuple[str, str | None, float, float | None]:
    as_sets = ex.distinct
    failed = 0.0 if as_sets else None
    if pred_sql == gold_sql and not is_volatile(gold_sql):
        # Same deterministic SQL on the same files: same rows; both comparisons hold and Soft-F1 is 1.
        return "correct", None, sum(seconds for _, seconds in gold_runs), 1.0 if as_sets else None
    total = 0.0
    f1 = failed
    for index, (gold, _) in enumerate(gold_runs):
        result, seconds = ex.run(index, pred_sql)
        total += seconds
        if result.timed_out:
            return "timeout", result.error, total, failed
        if result.resource_limit:
            return "resource_limit", result.error, total, failed
        if result.rows is None:
            return "execution_error", result.error, total, failed
        if as_sets:
            f1 = 0.0 if result.truncated else soft_f1(gold.rows, result.rows)
            same = not result.truncated and sets_match(gold.rows, result.rows)
        else:
            same = not result.truncated and results_match(gold.rows, result.rows, order_matters=ordered)
        if not same:
            return "wrong_result", None, total, f1
    return "correct", None, total, f1


def _score_task(task: _Task, slot: Slot | None = None, known: _Known | None = None) -> Iterator[_Outcome]:
    """Outcomes of the task's predictions, group by group, in order, each as soon as it is decided."""
    ex = _Executor(task.files, task.timeout_s, task.max_rows, task.comparison == "set", slot, known)
    try:
        for gold_sql, ordered, preds in task.groups:
            volatile = is_volatile(gold_sql)
            shared = None if volatile else _run_gold(ex, gold_sql)
            for pred_sql in preds:
                gold_runs = _run_gold(ex, gold_sql) if volatile else shared
                if isinstance(gold_runs, str):
                    yield "gold_error", gold_runs, 0.0, 0.0 if ex.distinct else None, ex.take_fresh()
                else:
                    yield *_judge(ex, gold_sql, gold_runs, ordered, pred_sql), ex.take_fresh()
    finally:
        ex.close()


# db_id -> (gold, order matters) -> dedup key -> (prediction, item indices); SQL post-processed and squeezed
_Plan = dict[str, dict[tuple[str, bool], dict[object, tuple[str, list[int]]]]]


def _plan(items: Sequence[ExecItem], keep_distinct: bool, comparison: str) -> tuple[_Plan, list[int]]:
    """Group scorable items by database and gold, merging identical deterministic predictions; also
    return the indices of items without SQL."""
    memo: dict[str, tuple[str, bool, bool]] = {}
    as_sets = comparison == "set"

    def post(sql: str) -> tuple[str, bool, bool]:
        """Squeezed post-processed SQL, the official row-order rule (read before squeezing), volatility."""
        if sql not in memo:
            official = sql if as_sets else postprocess_for_exec(sql, keep_distinct=keep_distinct)
            squeezed = squeeze_whitespace(official)
            memo[sql] = squeezed, not as_sets and order_matters(official), is_volatile(squeezed)
        return memo[sql]

    plan: _Plan = {}
    no_sql = []
    for index, item in enumerate(items):
        if item.pred_sql is None or not item.pred_sql.strip():
            no_sql.append(index)
            continue
        (gold, ordered, gold_volatile), (pred, _, pred_volatile) = post(item.gold_sql), post(item.pred_sql)
        key: object = index if gold_volatile or pred_volatile else pred
        units = plan.setdefault(item.db_id, {}).setdefault((gold, ordered), {})
        units.setdefault(key, (pred, []))[1].append(index)
    return plan, no_sql


def _tasks(plan: _Plan, files: dict[str, tuple[Path, ...]], max_units: int, timeout_s: float,
           max_rows: int, comparison: str) -> list[tuple[_Task, list[list[int]]]]:
    """Tasks of whole gold groups of one database, at most ``max_units`` predictions each unless one
    group is larger; each with the item indices behind each of its predictions. Largest first."""
    tasks = []
    for db_id, by_gold in plan.items():
        groups: list[tuple[str, bool, tuple[str, ...]]] = []
        owners: list[list[int]] = []
        for (gold_sql, ordered), units in by_gold.items():
            if groups and len(owners) + len(units) > max_units:
                tasks.append((_Task(files[db_id], tuple(groups), timeout_s, max_rows, comparison), owners))
                groups, owners = [], []
            groups.append((gold_sql, ordered, tuple(pred for pred, _ in units.values())))
            owners += [indices for _, indices in units.values()]
        tasks.append((_Task(files[db_id], tuple(groups), timeout_s, max_rows, comparison), owners))
    return sorted(tasks, key=lambda task: -len(task[1]))


def _stop_outcomes(task: _Task, done: int, stage: float, reason: str) -> tuple[list[_Outcome], _Task | None]:
    """For :func:`harness.sql.pool.run_tasks`: the worker running ``task`` was stopped after ``done``
    predictions. A gold statement in flight settles the rest of its group as ``gold_error``; a prediction
    in flight is a ``timeout`` (killed at its deadline) or a ``resource_limit`` (the worker died)."""
    position = 0
    failed = 0.0 if task.comparison == "set" else None
    for g, (gold_sql, ordered, preds) in enumerate(task.groups):
        if done < position + len(preds):
            k = done - position
            if stage:
                error = (f"gold query exceeded {task.timeout_s:g}s and was stopped" if reason == "deadline"
                         else f"gold query stopped its worker: {reason}")
                settled = [("gold_error", error, 0.0, failed, ())] * (len(preds) - k)
                rest_groups = task.groups[g + 1:]
            else:
                settled = [("timeout", f"timed out after {task.timeout_s:g}s (stopped from outside)", task.timeout_s,
                            failed, ()) if reason == "deadline"
                           else ("resource_limit", f"query stopped its worker: {reason}", 0.0, failed, ())]
                rest_groups = ((gold_sql, ordered, preds[k + 1:]),) * (k + 1 < len(preds)) + task.groups[g + 1:]
            rest = (_Task(task.files, rest_groups, task.timeout_s, task.max_rows, task.comparison)
                    if rest_groups else None)
            return settled, rest
        position += len(preds)
    return [], None


def score_execution(items: Sequence[ExecItem], db_dir: str | Path, *, workers: int | None = None,
                    timeout_s: float = 30.0, keep_distinct: bool = False,
                    on_done: Callable[[int], None] | None = None, max_rows: int = 100_000,
                    comparison: str = "test_suite", gold_cache: BlobCache | None = None) -> list[ExecVerdict]:
    """Score predictions by execution; verdicts come back in input order.

    ``comparison``: "test_suite" (Spider's official semantics) or "set" (BIRD's; ``keep_distinct`` unused).
    ``gold_cache``: where gold results persist across runs (none: every gold query runs).

    Queries run in at most ``workers`` (default ``os.cpu_count()``) worker processes (see
    :mod:`harness.sql.pool`): a statement still running ``grace`` after its deadline (a fifth of
    ``timeout_s``, at least 0.05 s) is stopped by killing its worker. ``on_done(n)`` is called with the number
    of items just finished (n >= 1) as work completes.
    """
    if comparison not in COMPARISONS:
        raise ValueError(f"comparison must be one of {', '.join(COMPARISONS)}, not {comparison!r}")
    files = {db_id: database_files(db_dir, db_id) for db_id in sorted({it.db_id for it in items})}
    verdicts: list[ExecVerdict | None] = [None] * len(items)
    plan, no_sql = _plan(items, keep_distinct, comparison)
    no_sql_verdict = _NO_SQL if comparison == "test_suite" else replace(_NO_SQL, soft_f1=0.0)
    for index in no_sql:
        verdicts[index] = no_sql_verdict
    if on_done and no_sql:
        on_done(len(no_sql))

    n_units = sum(len(units) for by_gold in plan.values() for units in by_gold.values())
    n_workers = max(1, workers or os.cpu_count() or 1)
    max_units = n_units if n_workers == 1 else max(_MIN_TASK_UNITS, n_units // (n_workers * _TASKS_PER_WORKER))
    tasks = _tasks(plan, files, max_units, timeout_s, max_rows, comparison)
    store = _GoldStore(gold_cache, plan, files, max_rows, comparison) if gold_cache else None

    def collect(task_id: int, unit: int, outcome: _Outcome) -> None:
        shared = ExecVerdict(*outcome[:4])
        indices = tasks[task_id][1][unit]
        for index in indices:
            verdicts[index] = shared
        if store and outcome[4]:
            store.add(tasks[task_id][0].files, outcome[4])
        if on_done:
            on_done(len(indices))

    try:
        run_tasks([task for task, _ in tasks], partial(_score_task, known=store.known if store else None),
                  on_outcome=collect, on_stop=_stop_outcomes, workers=min(n_workers, len(tasks)),
                  grace_s=max(0.05, timeout_s / 5))
    finally:
        if store:
            store.save()
    missing = [i for i, v in enumerate(verdicts) if v is None]
    if missing:
        raise RuntimeError(f"internal error: no verdict for items {missing[:10]}")
    return verdicts  # type: ignore[return-value]


class _GoldStore:
    """The gold results of a plan that ``cache`` holds (:attr:`known`), and the new ones to add to it."""

    def __init__(self, cache: BlobCache, plan: _Plan, files: dict[str, tuple[Path, ...]], max_rows: int,
                 comparison: str) -> None:
        from harness.runs.cache import path_hashes

        self.cache = cache
        self.hashes = path_hashes(sorted({f for db_id in plan for f in files[db_id]}), cache)
        code = hashlib.sha256(Path(execute.__code__.co_filename).read_bytes()).hexdigest()
        self.settings = f"{comparison}:{max_rows}:{sqlite3.sqlite_version}:{code}"
        wanted = {self.key(path, gold): (path, gold) for db_id, by_gold in plan.items()
                  for gold, _ in by_gold if not is_volatile(gold) for path in files[db_id]}
        # Decoded where used (_Executor._stored): in the workers, not here before they start.
        self.known: dict[tuple[Path, str], bytes] = {wanted[key]: blob for key, blob in cache.get_many(wanted).items()}
        self.new: dict[str, bytes] = {}

    def key(self, path: Path, sql: str) -> str:
        return "gold:" + hashlib.sha256(f"{self.hashes[path]}\0{self.settings}\0{sql}".encode()).hexdigest()

    def add(self, files: tuple[Path, ...], fresh: Sequence[_Fresh]) -> None:
        for file_index, sql, blob in fresh:
            self.new[self.key(files[file_index], sql)] = blob

    def save(self) -> None:
        self.cache.put_many(self.new)
