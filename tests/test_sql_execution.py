import sqlite3
from pathlib import Path

import pytest

from harness.sql.execution import ExecItem, score_execution


def make_db(path: Path, rows: list[tuple[str, int]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE singer(name TEXT, age INTEGER)")
    conn.executemany("INSERT INTO singer VALUES (?, ?)", rows)
    conn.commit()
    conn.close()


@pytest.fixture
def db_dir(tmp_path: Path) -> Path:
    make_db(tmp_path / "music" / "music.sqlite", [("Ann", 30), ("Bob", 25), ("Cid", 41), ("Ann", 19)])
    # test-suite layout: a second variant of the same schema with different contents
    make_db(tmp_path / "suite" / "a.sqlite", [("Ann", 30), ("Bob", 25)])
    make_db(tmp_path / "suite" / "b.sqlite", [("Ann", 30), ("Bob", 30)])
    return tmp_path


def verdicts(items, db_dir, **kw):
    return [v.verdict for v in score_execution(items, db_dir, **kw)]


def test_verdict_kinds_in_input_order(db_dir):
    gold = "SELECT name FROM singer WHERE age > 20"
    items = [
        ExecItem("music", gold, "SELECT name FROM singer WHERE age >= 21"),
        ExecItem("music", gold, "SELECT name FROM singer"),
        ExecItem("music", gold, "SELECT nam FROM singer"),
        ExecItem("music", gold, None),
        ExecItem("music", "SELECT missing FROM singer", "SELECT name FROM singer"),
        ExecItem("music", gold, "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n"),
    ]
    out = score_execution(items, db_dir, workers=1, timeout_s=0.3)
    assert [v.verdict for v in out] == ["correct", "wrong_result", "execution_error", "no_sql", "gold_error", "timeout"]
    assert "no such column" in out[2].error
    assert "gold query failed" in out[4].error and "missing" in out[4].error
    assert out[0].seconds > 0 and out[3].seconds == 0


def test_official_semantics(db_dir):
    items = [
        # DISTINCT is stripped by default (official), kept on request
        ExecItem("music", "SELECT DISTINCT name FROM singer", "SELECT name FROM singer"),
        # row order matters only when gold has ORDER BY
        ExecItem("music", "SELECT name FROM singer", "SELECT name FROM singer ORDER BY name DESC"),
        ExecItem("music", "SELECT name FROM singer ORDER BY age", "SELECT name FROM singer ORDER BY age DESC"),
        # column order is free
        ExecItem("music", "SELECT name, age FROM singer", "SELECT age, name FROM singer"),
        # '> =' is repaired before execution
        ExecItem("music", "SELECT name FROM singer WHERE age >= 25", "SELECT name FROM singer WHERE age > = 25"),
    ]
    assert verdicts(items, db_dir, workers=1) == ["correct", "correct", "wrong_result", "correct", "correct"]
    assert verdicts(items[:1], db_dir, workers=1, keep_distinct=True) == ["wrong_result"]


def test_must_match_on_every_database_of_the_folder(db_dir):
    gold = "SELECT name FROM singer WHERE age = 30"
    # equal on a.sqlite (Ann only) but not on b.sqlite (Ann and Bob)
    items = [ExecItem("suite", gold, "SELECT name FROM singer WHERE name = 'Ann'"),
             ExecItem("suite", gold, "SELECT name FROM singer WHERE age > 29")]
    assert verdicts(items, db_dir, workers=1) == ["wrong_result", "correct"]


def test_truncated_prediction_is_wrong(db_dir):
    items = [ExecItem("music", "SELECT name FROM singer LIMIT 1",
                      "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n LIMIT 50) SELECT x FROM n")]
    assert verdicts(items, db_dir, workers=1, max_rows=10) == ["wrong_result"]


def test_pool_gives_same_verdicts_and_progress(db_dir):
    golds = ["SELECT name FROM singer", "SELECT count(*) FROM singer", "SELECT max(age) FROM singer"]
    preds = ["SELECT name FROM singer", "SELECT count(name) FROM singer", "SELECT min(age) FROM singer", None, "SELEC"]
    items = [ExecItem(db, g, p) for db in ("music", "suite") for g in golds for p in preds] * 3
    done = []
    pooled = score_execution(items, db_dir, workers=2, on_done=done.append)
    inline = score_execution(items, db_dir, workers=1)
    assert [v.verdict for v in pooled] == [v.verdict for v in inline]
    assert sum(done) == len(items)
    assert [v.verdict for v in inline[:5]] == ["correct", "wrong_result", "wrong_result", "no_sql", "execution_error"]


def test_gold_runs_once_per_distinct_query(db_dir, monkeypatch):
    import harness.sql.execution as execution
    calls = []
    real = execution._run_gold
    monkeypatch.setattr(execution, "_run_gold", lambda *a: calls.append(a[1]) or real(*a))
    items = [ExecItem("music", "SELECT name FROM singer", "SELECT name FROM singer")] * 5
    assert verdicts(items, db_dir, workers=1) == ["correct"] * 5
    assert calls == ["SELECT name FROM singer"]


def test_missing_database_folder_is_named(db_dir):
    with pytest.raises(FileNotFoundError, match="'nowhere'"):
        score_execution([ExecItem("nowhere", "SELECT 1", "SELECT 1")], db_dir)
