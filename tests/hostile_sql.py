"""Hostile predictions for the adversarial tests (tests/test_adversarial.py) and benchmarks/bench_hostile.py.

Every category a careless model or an attacker produces: writes, ATTACH, PRAGMA, VACUUM (INTO), extension
and file functions, transactions, several statements (also hidden behind comments), runaway recursive
CTEs and cross joins, giant blobs and strings, deep nesting, NUL bytes, lone surrogates and 1 MB statements.
"""
from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Any

from harness.types import Example

# (db_id, category, output, sql_only): one hostile prediction, as an official SQL line or as model text
Case = tuple[str, str, str, bool]

# Queries that can only end by the deadline (a single long function call or a huge join).
SLOW = (
    "SELECT length(printf('%.*c', 999999999, 'x'))",
    "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n",
    "SELECT count(*) FROM {t} a, {t} b, {t} c, {t} d, {t} e, {t} f, {t} g, {t} h",
    "SELECT sum(length(printf('%.*c', 300000000, 'y'))) FROM {t}",
)


def hostile(table: str, column: str, outside: Path, *, slow: bool = True) -> list[tuple[str, str]]:
    """(category, SQL) pairs for a database with ``table(column, ...)``; ``outside`` is a folder where
    nothing may appear (targets of ATTACH and VACUUM INTO). ``slow``: include the queries that run until
    their deadline (recursive CTEs, cross joins, :data:`SLOW`) and the 1 MB statements."""
    t, c, o = table, column, outside
    cases: dict[str, list[str]] = {
        "write": [f"INSERT INTO {t}({c}) VALUES (1)", f"UPDATE {t} SET {c} = NULL", f"DELETE FROM {t}",
                  f"DROP TABLE {t}", f"CREATE TABLE evil(x)", f"ALTER TABLE {t} RENAME TO gone",
                  f"REPLACE INTO {t}({c}) VALUES (2)", f"CREATE INDEX i ON {t}({c})", f"DROP INDEX IF EXISTS i",
                  f"INSERT INTO {t} SELECT * FROM {t}", f"CREATE TRIGGER tr AFTER INSERT ON {t} BEGIN SELECT 1; END",
                  f"CREATE VIEW v AS SELECT 1", f"REINDEX", f"ANALYZE"],
        "attach": [f"ATTACH DATABASE '{o}/a.db' AS a", f"ATTACH '{o}/b.db' AS b", "DETACH DATABASE main",
                   f"SELECT * FROM {t} WHERE 1 = (SELECT 1); ATTACH '{o}/c.db' AS c"],
        "pragma": ["PRAGMA writable_schema = 1", "PRAGMA journal_mode = DELETE", "PRAGMA user_version = 7",
                   "PRAGMA foreign_keys = OFF", f"PRAGMA table_info({t})", "PRAGMA integrity_check",
                   "SELECT * FROM pragma_table_info('x')", "PRAGMA query_only = 0"],
        "vacuum": ["VACUUM", f"VACUUM INTO '{o}/copy.db'", f"VACUUM main INTO '{o}/copy2.db'"],
        "extension": ["SELECT load_extension('/tmp/evil.so')", f"SELECT readfile('{o}/x')",
                      f"SELECT writefile('{o}/x', 'data')", "SELECT fts3_tokenizer('simple')",
                      "SELECT * FROM sqlite_dbpage", f"SELECT edit('x', 'vi')"],
        "transaction": ["BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT s", "RELEASE s", "BEGIN IMMEDIATE", "END"],
        "multi_statement": [f"SELECT 1; DELETE FROM {t}", f"SELECT {c} FROM {t}; DROP TABLE {t};",
                            f"SELECT 1;\nINSERT INTO {t}({c}) VALUES (3)", f"SELECT 1; SELECT 2",
                            f"SELECT 1 /* ; */; DELETE FROM {t}", f"SELECT 1 -- comment\n; DROP TABLE {t}",
                            f"SELECT '; DROP TABLE {t}'; DELETE FROM {t}", f"/* hidden */ DELETE FROM {t}",
                            f"-- SELECT 1\nDELETE FROM {t}"],
    }
    runaway: dict[str, list[str]] = {
        "recursive_cte": ["WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n LIMIT 10000000) "
                          "SELECT count(*) FROM n",
                          "WITH RECURSIVE s(x) AS (SELECT 'a' UNION ALL SELECT x || x FROM s) SELECT length(x) FROM s"],
        "cross_join": [f"SELECT count(*) FROM {t} a, {t} b, {t} c, {t} d, {t} e, {t} f",
                       f"SELECT * FROM {t} a, {t} b, {t} c, {t} d ORDER BY random()"],
        "slow": [q.format(t=t) for q in SLOW],
        "huge_statement": ["SELECT " + "1+" * 500_000 + "1", "SELECT '" + "x" * 1_000_000 + "'",
                           f"SELECT {c} FROM {t} WHERE " + " OR ".join(f"{c} = {i}" for i in range(100_000)),
                           "SELECT 1 " + " UNION ALL SELECT 1" * 60_000],
    }
    instant: dict[str, list[str]] = {
        "giant_value": ["SELECT zeroblob(1e9)", "SELECT randomblob(1e9)", f"SELECT zeroblob(1e9) FROM {t}",
                        f"SELECT length(randomblob(1e8)) FROM {t}", "SELECT hex(zeroblob(5e8))",
                        "SELECT printf('%.*c', 2000000000, 'x')", "SELECT replace(hex(zeroblob(4000000)), '0', '00000')",
                        f"SELECT group_concat(hex(randomblob(1000000))) FROM {t} a, {t} b, {t} c",
                        "SELECT substr(zeroblob(999999999), 1, 1)", "SELECT upper(printf('%.*c', 20000000, 'z'))",
                        f"SELECT {c} FROM {t} WHERE {c} LIKE '" + "%_" * 30000 + "'"],
        "deep_nesting": ["SELECT " + "(" * 60 + "1" + ")" * 60, "SELECT " + "(" * 5000 + "1" + ")" * 5000,
                         f"SELECT * FROM {t} WHERE {c} IN " + f"(SELECT {c} FROM {t} WHERE {c} IN " * 100 + "(1)"
                         + ")" * 100,
                         "SELECT " + "CASE WHEN 1 THEN " * 3000 + "1" + " END" * 3000,
                         "SELECT 1 WHERE " + "NOT " * 20000 + "0", "SELECT " + "-" * 50000 + "1"],
        "nul_byte": ["SELECT 1\x00; DROP TABLE " + t, f"SELECT '\x00' FROM {t}", "\x00", f"SELECT {c}\x00 FROM {t}"],
        "bad_unicode": ["SELECT '\udc80'", f"SELECT {c} FROM {t} WHERE {c} = '\ud800\udfff\udfff'",
                        "SELECT '\ufffe\uffff'", "SELECT 1 \u2028 FROM " + t, "SELECT 1\x0c\x1c\x1d FROM " + t],
    }
    chosen = {**cases, **instant, **(runaway if slow else {})}
    return [(category, sql) for category, queries in chosen.items() for sql in queries]


def as_model_outputs(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The same SQL as a chatty model would write it (fenced, with prose), for the extraction path."""
    return [(category, f"Here is the query:\n```sql\n{sql}\n```\nIt answers the question.") for category, sql in pairs]


def first_table_column(db: Path) -> tuple[str, str]:
    """The first table of a SQLite file and its first column: what the hostile queries read."""
    conn = sqlite3.connect(db)
    table = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid").fetchone()[0]
    column = conn.execute(f'PRAGMA table_info("{table}")').fetchone()[1]
    conn.close()
    return table, column


def score_cases(bench: Any, cases: list[Case], golds: dict[str, str]) -> list[Any]:
    """Score the cases with a SpiderBenchmark: the SQL ones as official lines, then the rest as model text."""
    records = []
    for sql_only in (True, False):
        chosen = [case for case in cases if case[3] == sql_only]
        examples = [Example(i, {"db_id": db_id, "question": category}, golds[db_id], {"db_id": db_id})
                    for i, (db_id, category, _, _) in enumerate(chosen)]
        bench.sql_only = sql_only
        records += bench.score(examples, [output for _, _, output, _ in chosen])
    return records


def snapshot(*folders: Path) -> dict[str, str]:
    """Every file's sha256 and every folder below `folders`: equal snapshots mean nothing changed or appeared."""
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
            for folder in folders for p in sorted(folder.rglob("*"))}
