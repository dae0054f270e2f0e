"""Checks of one gold SQL query against its database files, through the shared read-only sandbox.

Row order: a gold query's top-level `ORDER BY k1, k2 ... [LIMIT n]` is re-run with its sort keys appended to
the selected columns (and LIMIT n+1), so the rows next to each other can be compared on the keys. Two rows
tie when their keys are equal and their selected values differ (identical rows are interchangeable).
ORDER BY inside subqueries and after set operations is not analysed.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from sqlglot import exp

from harness.sql.execution import is_volatile
from harness.sql.normalize import parse_query
from harness.sql.sandbox import QueryResult, execute, open_readonly

SLOW_FRACTION = 0.5  # a gold taking at least this share of the timeout is `slow_gold`
_KEY_ALIAS = "__harness_key{}"


@dataclass
class GoldCheck:
    categories: set[str] = field(default_factory=set)
    seconds: float = 0.0  # the slowest file
    error: str | None = None


def check_gold(files: Sequence[Path], main: Path, sql: str, timeout_s: float) -> GoldCheck:
    """Categories for one gold query: gold_error, slow_gold, empty_gold, trivial_gold, nondeterministic,
    limit_tie, order_tie. It runs on every file; results are judged on `main` (the db_id-named file)."""
    check = GoldCheck()
    main_rows: list[tuple] | None = None
    for path in files:
        result, seconds = _timed(path, sql, timeout_s)
        check.seconds = max(check.seconds, seconds)
        if result.timed_out or seconds >= SLOW_FRACTION * timeout_s:
            check.categories.add("slow_gold")
        if result.rows is None:
            check.categories.add("gold_error")
            check.error = f"{path.name}: {result.error}"
            return check
        if path == main:
            main_rows = result.rows
    assert main_rows is not None
    if not main_rows:
        check.categories.add("empty_gold")
    elif len(main_rows) == 1 and len(main_rows[0]) == 1 and main_rows[0][0] in (None, 0):
        check.categories.add("trivial_gold")
    if is_volatile(sql) or _timed(main, sql, timeout_s)[0].rows != main_rows:
        check.categories.add("nondeterministic")
    check.categories |= _order_ties(main, sql, timeout_s)
    return check


def _timed(path: Path, sql: str, timeout_s: float) -> tuple[QueryResult, float]:
    conn = open_readonly(path)
    try:
        start = time.perf_counter()
        result = execute(conn, sql, timeout_s=timeout_s)
        return result, time.perf_counter() - start
    finally:
        conn.close()


def _order_ties(path: Path, sql: str, timeout_s: float) -> set[str]:
    keyed = _with_sort_keys(sql)
    if keyed is None:
        return set()
    query, n_keys, limit = keyed
    result, _ = _timed(path, query, timeout_s)
    if not result.rows:
        return set()
    rows = [(row[:-n_keys], row[-n_keys:]) for row in result.rows]
    kept = rows[:limit] if limit is not None else rows
    found = set()
    if any(_tie(a, b) for a, b in zip(kept, kept[1:])):
        found.add("order_tie")
    if limit is not None and len(rows) > limit and limit > 0 and _tie(rows[limit - 1], rows[limit]):
        found.add("limit_tie")
    return found


def _tie(a: tuple[tuple, tuple], b: tuple[tuple, tuple]) -> bool:
    return a[1] == b[1] and a[0] != b[0]


def _with_sort_keys(sql: str) -> tuple[str, int, int | None] | None:
    """The query with its ORDER BY keys appended as columns and LIMIT n raised to n+1, the number of keys,
    and n (None without LIMIT); None when there is no top-level ORDER BY on a plain SELECT."""
    tree = parse_query(sql)
    if not isinstance(tree, exp.Select) or not tree.args.get("order"):
        return None
    limit = None
    if tree.args.get("limit") is not None:
        value = tree.args["limit"].expression
        if not (isinstance(value, exp.Literal) and value.is_int):
            return None
        limit = int(value.this)
    tree = tree.copy()
    projections = list(tree.expressions)
    aliases = {p.alias.lower(): p.this for p in projections if isinstance(p, exp.Alias)}
    keys = []
    for ordered in tree.args["order"].expressions:
        key = ordered.this
        if isinstance(key, exp.Literal) and key.is_int and 1 <= int(key.this) <= len(projections):
            key = projections[int(key.this) - 1].unalias()  # ORDER BY 2
        elif isinstance(key, exp.Column) and not key.table and key.name.lower() in aliases:
            key = aliases[key.name.lower()]  # ORDER BY an alias of the select list
        keys.append(exp.alias_(key.copy(), _KEY_ALIAS.format(len(keys))))
    tree.set("expressions", projections + keys)
    if limit is not None:
        tree.set("limit", exp.Limit(expression=exp.Literal.number(limit + 1)))
    return tree.sql(dialect="sqlite"), len(keys), limit
