"""Read-only, time- and size-limited execution of untrusted SQL against a SQLite file.

Defence in depth: the file is opened read-only (``mode=ro``, plus ``immutable=1`` because evaluation
databases are never written while scoring), an authorizer allows only reading actions, extension loading
is off, SQLite's own limits are capped (:data:`LIMITS`: a string or blob of at most 10 MB, a statement of
at most 100 kB, bounded expression depth and compound SELECTs, no ATTACH), a progress handler enforces a
wall-clock deadline, at most ``max_rows`` rows are fetched, and the ``sqlite3`` module itself refuses more
than one statement per ``execute``. A single expensive function call (``printf('%.*c', 999999999, 'x')``)
is not interrupted by the progress handler: :mod:`harness.sql.execution` runs queries in worker processes
that are killed when they overrun (see :func:`harden_process` for their memory limits).
"""

from __future__ import annotations

import resource
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

# Actions a pure query needs. Everything else (writes, ATTACH/DETACH, PRAGMA, DDL, transactions,
# savepoints, ANALYZE, REINDEX, ALTER) is denied.
_ALLOWED_ACTIONS = frozenset({sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION,
                              sqlite3.SQLITE_RECURSIVE})
# SQL functions that reach outside the database file (some only exist in shell or extension builds).
_DENIED_FUNCTIONS = frozenset({"load_extension", "readfile", "writefile", "edit", "fts3_tokenizer",
                               "sqlite_dbpage", "zipfile", "fsdir"})
_PROGRESS_EVERY_N_OPS = 1_000
_FETCH_CHUNK = 10_000
# SQLite's run-time limits for untrusted statements (defaults: 1 GB strings, 1 GB statements, depth 1000).
LIMITS = {
    sqlite3.SQLITE_LIMIT_LENGTH: 10_000_000,            # bytes in one string, blob or row
    sqlite3.SQLITE_LIMIT_SQL_LENGTH: 100_000,           # bytes of SQL text
    sqlite3.SQLITE_LIMIT_COLUMN: 1_000,
    sqlite3.SQLITE_LIMIT_EXPR_DEPTH: 200,
    sqlite3.SQLITE_LIMIT_COMPOUND_SELECT: 100,
    sqlite3.SQLITE_LIMIT_VDBE_OP: 1_000_000,            # instructions of one prepared statement
    sqlite3.SQLITE_LIMIT_FUNCTION_ARG: 100,
    sqlite3.SQLITE_LIMIT_ATTACHED: 0,
    sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH: 10_000,
    sqlite3.SQLITE_LIMIT_TRIGGER_DEPTH: 1,
    sqlite3.SQLITE_LIMIT_WORKER_THREADS: 0,
}
SQLITE_HEAP_BYTES = 512 << 20      # process-wide cap on SQLite's own allocations in a scoring worker
PROCESS_HEADROOM_BYTES = 2 << 30   # address space a scoring worker may add to what it had at start
# Messages of errors that mean "a limit was hit", not "the SQL is wrong".
_LIMIT_MESSAGES = ("string or blob too big", "query string is too large", "expression tree is too large",
                   "parser stack overflow", "too many terms in compound select", "out of memory",
                   "too many columns", "too many arguments", "pattern too complex")


@dataclass(frozen=True)
class QueryResult:
    rows: list[tuple] | None        # None when the query failed or timed out
    error: str | None = None        # message, e.g. "no such column: x" or "not authorized"
    timed_out: bool = False
    truncated: bool = False         # more rows than max_rows existed
    resource_limit: bool = False    # a size, depth or memory limit stopped it


def _authorizer(action: int, arg1: str | None, arg2: str | None, _db: str | None, _trigger: str | None) -> int:
    if action not in _ALLOWED_ACTIONS:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in _DENIED_FUNCTIONS:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def open_readonly(db_path: str | Path) -> sqlite3.Connection:
    """Open ``db_path`` read-only with the authorizer and :data:`LIMITS` installed; raises FileNotFoundError
    if missing, ``sqlite3.DatabaseError`` if it is not a database."""
    path = Path(db_path).absolute()
    if not path.is_file():
        raise FileNotFoundError(f"SQLite database not found: {path}")
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True, isolation_level=None,
                           check_same_thread=False)
    if hasattr(conn, "enable_load_extension"):
        conn.enable_load_extension(False)
    for limit, value in LIMITS.items():
        conn.setlimit(limit, value)
    # Same decoding as the official evaluator: invalid UTF-8 bytes in TEXT values are dropped, not fatal.
    conn.text_factory = lambda b: b.decode(errors="ignore")
    conn.set_authorizer(_authorizer)
    return conn


def probe_database(db_path: str | Path) -> str | None:
    """Why ``db_path`` cannot be scored against (missing, not a database, unreadable schema), else None.

    A quick check (the header and the schema are read; no full integrity scan), done before any work."""
    path = Path(db_path)
    if not path.is_file():
        return f"{path}: SQLite database not found"
    try:
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro&immutable=1", uri=True)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as err:
        return f"{path}: not a readable SQLite database ({err})"
    return None


def harden_process() -> None:
    """Cap this process's memory for untrusted SQL: SQLite's heap (an allocation beyond it fails with "out
    of memory", a per-query error) and the address space (a Python ``MemoryError`` instead of swapping the
    machine). For worker processes only: both limits are process-wide."""
    conn = sqlite3.connect(":memory:")
    conn.execute(f"PRAGMA hard_heap_limit={SQLITE_HEAP_BYTES}")
    conn.close()
    with open("/proc/self/statm") as fh:  # Linux; elsewhere only the SQLite heap limit applies
        current = int(fh.read().split()[0]) * resource.getpagesize()
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = current + PROCESS_HEADROOM_BYTES
    if hard == resource.RLIM_INFINITY or wanted <= hard:
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))


def execute(conn: sqlite3.Connection, sql: str, *, timeout_s: float = 30.0, max_rows: int = 100_000,
            distinct: bool = False) -> QueryResult:
    """Run one statement on a connection from :func:`open_readonly`; SQL problems come back as errors.

    ``distinct``: drop repeated rows while fetching (first occurrences, in order), so that ``max_rows`` caps
    distinct rows: set semantics can then accept a query whose many rows repeat a few values.
    """
    deadline = time.monotonic() + timeout_s
    expired = False

    def check_deadline() -> int:
        nonlocal expired
        expired = time.monotonic() > deadline
        return 1 if expired else 0

    conn.set_progress_handler(check_deadline, _PROGRESS_EVERY_N_OPS)
    cursor = conn.cursor()
    try:
        cursor.execute(sql)
        rows = _fetch_distinct(cursor, max_rows) if distinct else cursor.fetchmany(max_rows + 1)
    except MemoryError:
        return QueryResult(rows=None, error="out of memory", resource_limit=True)
    except (sqlite3.Error, sqlite3.Warning, ValueError, OverflowError) as exc:
        if expired:
            return QueryResult(rows=None, error=f"timed out after {timeout_s:g}s", timed_out=True)
        message = str(exc) or type(exc).__name__
        return QueryResult(rows=None, error=message, resource_limit=message.lower().startswith(_LIMIT_MESSAGES))
    finally:
        cursor.close()
        conn.set_progress_handler(None, 0)
    if len(rows) > max_rows:
        return QueryResult(rows=rows[:max_rows], truncated=True)
    return QueryResult(rows=rows)


def _fetch_distinct(cursor: sqlite3.Cursor, max_rows: int) -> list[tuple]:
    """Distinct rows in order of first occurrence, at most ``max_rows + 1`` of them."""
    seen: dict[tuple, None] = {}
    while len(seen) <= max_rows:
        chunk = cursor.fetchmany(_FETCH_CHUNK)
        if not chunk:
            break
        seen.update(dict.fromkeys(chunk))
    return list(seen)[: max_rows + 1]


def run_query(db_path: str | Path, sql: str, *, timeout_s: float = 30.0, max_rows: int = 100_000) -> QueryResult:
    """Execute one untrusted statement; never raises for SQL problems, only for a missing file."""
    conn = open_readonly(db_path)
    try:
        return execute(conn, sql, timeout_s=timeout_s, max_rows=max_rows)
    finally:
        conn.close()
