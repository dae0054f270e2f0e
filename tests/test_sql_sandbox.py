import hashlib
import sqlite3
import time
from pathlib import Path

import pytest

from harness.sql.sandbox import run_query


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "shop.sqlite"
    conn = sqlite3.connect(path)
    conn.executescript("""
        CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT, price REAL);
        INSERT INTO item(name, price) VALUES ('pen', 1.5), ('book', 12.0), ('bag', 30.0);
    """)
    conn.commit()
    conn.close()
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_select_returns_rows(db):
    res = run_query(db, "SELECT name FROM item WHERE price > 10 ORDER BY name")
    assert res.rows == [("bag",), ("book",)]
    assert res.error is None and not res.timed_out and not res.truncated


def test_sql_error_is_reported_not_raised(db):
    res = run_query(db, "SELECT nope FROM item")
    assert res.rows is None and "no such column" in res.error


@pytest.mark.parametrize("sql", [
    "DELETE FROM item",
    "UPDATE item SET price = 0",
    "INSERT INTO item(name, price) VALUES ('x', 1)",
    "DROP TABLE item",
    "CREATE TABLE evil(x)",
    "ATTACH DATABASE 'other.sqlite' AS other",
    "PRAGMA table_info(item)",
    "SELECT * FROM pragma_table_info('item')",
    "SELECT load_extension('/tmp/evil.so')",
    "BEGIN",
    "SAVEPOINT s",
    "VACUUM",
])
def test_writes_and_side_effects_are_refused(db, sql):
    before = digest(db)
    res = run_query(db, sql)
    assert res.rows is None and res.error
    assert digest(db) == before
    assert sorted(p.name for p in db.parent.iterdir()) == ["shop.sqlite"]


def test_only_one_statement(db):
    before = digest(db)
    res = run_query(db, "SELECT 1; DELETE FROM item")
    assert res.rows is None and res.error
    assert digest(db) == before


def test_recursive_cte_allowed_when_bounded(db):
    res = run_query(db, "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 5) SELECT sum(x) FROM n")
    assert res.rows == [(15,)]


def test_infinite_recursive_cte_times_out_quickly(db):
    start = time.monotonic()
    res = run_query(db, "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n",
                    timeout_s=0.3)
    assert time.monotonic() - start < 2.0
    assert res.timed_out and res.rows is None and "timed out" in res.error


def test_rows_are_capped(db):
    res = run_query(db, "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT x FROM n",
                    max_rows=1000)
    assert res.truncated and len(res.rows) == 1000 and res.rows[-1] == (1000,)


def test_exactly_max_rows_is_not_truncated(db):
    res = run_query(db, "SELECT name FROM item", max_rows=3)
    assert len(res.rows) == 3 and not res.truncated


def test_invalid_utf8_text_is_decoded_leniently(tmp_path):
    path = tmp_path / "bytes.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t(x TEXT)")
    conn.execute("INSERT INTO t VALUES (CAST(X'41FF42' AS TEXT))")
    conn.commit()
    conn.close()
    assert run_query(path, "SELECT x FROM t").rows == [("AB",)]


def test_missing_database_raises_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing.sqlite"):
        run_query(tmp_path / "missing.sqlite", "SELECT 1")
