import sqlite3
from pathlib import Path

import pytest

from harness.runs.cache import BlobCache
from harness.sql.execution import ExecItem, score_execution
from harness.forked import ForkedCall


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


def test_pool_gives_same_verdicts_and_progress(db_dir, monkeypatch):
    import harness.sql.execution as execution
    monkeypatch.setattr(execution, "_MIN_TASK_UNITS", 2)     # several tasks per database
    golds = ["SELECT name FROM singer", "SELECT count(*) FROM singer", "SELECT max(age) FROM singer"]
    preds = ["SELECT name FROM singer", "SELECT count(name) FROM singer", "SELECT min(age) FROM singer", None, "SELEC"]
    items = [ExecItem(db, g, p) for db in ("music", "suite") for g in golds for p in preds] * 3
    done = []
    pooled = score_execution(items, db_dir, workers=2, on_done=done.append)
    inline = score_execution(items, db_dir, workers=1)
    assert [v.verdict for v in pooled] == [v.verdict for v in inline]
    assert sum(done) == len(items)
    assert [v.verdict for v in inline[:5]] == ["correct", "wrong_result", "wrong_result", "no_sql", "execution_error"]


def test_gold_runs_once_per_distinct_query(db_dir, executed):
    items = [ExecItem("music", "SELECT name FROM singer", "SELECT name FROM singer")] * 5
    assert verdicts(items, db_dir, workers=1) == ["correct"] * 5
    assert executed() == ["SELECT name FROM singer"]


def test_missing_database_folder_is_named(db_dir):
    with pytest.raises(FileNotFoundError, match="'nowhere'"):
        score_execution([ExecItem("nowhere", "SELECT 1", "SELECT 1")], db_dir)



@pytest.fixture
def executed(monkeypatch, tmp_path):
    """A function returning the SQL of every query score_execution has run, in order (logged to a file:
    queries run in forked worker processes)."""
    import harness.sql.execution as execution
    log = tmp_path / "executed.log"
    log.touch()
    real = execution.execute

    def logged(conn, sql, **kw):
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(sql + "\x1e")
        return real(conn, sql, **kw)

    monkeypatch.setattr(execution, "execute", logged)
    return lambda: log.read_text(encoding="utf-8").split("\x1e")[:-1]


def test_each_distinct_query_runs_once_per_file(db_dir, executed):
    gold, other_gold = "SELECT name FROM singer", "SELECT max(age) FROM singer"
    wrong = "SELECT name FROM singer WHERE age > 26"
    loop = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n"
    items = [ExecItem(db, g, p) for db in ("music", "suite")
             for g, p in [(gold, gold), (gold, wrong), (gold, wrong), (gold, other_gold), (other_gold, other_gold),
                          (other_gold, wrong), (gold, loop), (gold, loop), (gold, None)]]
    out = verdicts(items, db_dir, workers=1, timeout_s=0.2)
    per_db = ["correct", "wrong_result", "wrong_result", "wrong_result", "correct", "wrong_result",
              "timeout", "timeout", "no_sql"]
    assert out == per_db * 2
    # music has one file, suite two (a prediction that fails on the first is not run on the second); a
    # prediction equal to its gold, a repeat and another question's gold run nothing more; a timeout runs once
    music = [gold, wrong, other_gold, loop]
    suite = [gold, gold, wrong, other_gold, other_gold, loop]
    assert sorted(executed()) == sorted(music + suite)


def test_prediction_equal_to_gold_is_not_run_again(db_dir, executed, monkeypatch):
    import harness.sql.execution as execution
    monkeypatch.setattr(execution, "_CACHE_ROWS", 0)    # nothing kept for reuse
    gold = "SELECT name FROM singer WHERE age > 20"
    assert verdicts([ExecItem("suite", gold, gold), ExecItem("suite", gold, "SELECT 'x'")], db_dir) == \
        ["correct", "wrong_result"]
    assert executed() == [gold, gold, "SELECT 'x'"]


def test_predictions_equal_after_postprocessing_share_one_execution(db_dir, executed):
    gold = "SELECT name FROM singer WHERE age > 20"
    items = [ExecItem("music", gold, "SELECT DISTINCT name\nFROM singer  WHERE age > 20"),   # DISTINCT stripped
             ExecItem("music", gold, "  SELECT name FROM singer WHERE age>20"),
             ExecItem("music", gold, "SELECT name FROM singer WHERE age>20 ")]
    assert verdicts(items, db_dir, workers=1) == ["correct"] * 3
    assert executed() == [gold, "SELECT name FROM singer WHERE age>20"]


def test_row_order_rule_reads_the_unsqueezed_gold(db_dir):
    # official: order matters only if the gold text contains "order by" (one space)
    pred = "SELECT name FROM singer ORDER BY age DESC"
    items = [ExecItem("music", "SELECT name FROM singer ORDER  BY age", pred),
             ExecItem("music", "SELECT name FROM singer ORDER BY age", pred)]
    assert verdicts(items, db_dir, workers=1) == ["correct", "wrong_result"]


def test_volatile_sql_is_neither_merged_nor_cached(db_dir, executed):
    from harness.sql.execution import is_volatile
    assert all(map(is_volatile, ["SELECT random()", "SELECT RandomBlob(4)", "SELECT date('now')",
                                 'SELECT datetime("now", "-1 day")', "SELECT CURRENT_TIMESTAMP", "SELECT date( )",
                                 "SELECT julianday()", "SELECT strftime('%Y')"]))
    assert not any(map(is_volatile, ["SELECT time FROM t", "SELECT date(d) FROM t", "SELECT strftime('%Y', d) FROM t",
                                     "SELECT known, now_playing FROM t"]))
    coin = "SELECT name FROM singer WHERE random() % 2 = 0"
    items = [ExecItem("music", coin, coin)] * 3 + [ExecItem("music", "SELECT 1", coin)] * 2
    out = verdicts(items, db_dir, workers=1)
    assert set(out) <= {"correct", "wrong_result"}     # a coin flip per prediction
    # a volatile gold runs again for every prediction, and so does a volatile prediction, even if identical
    assert executed().count(coin) == 3 * 2 + 2 and executed().count("SELECT 1") == 1


def reference_verdict(item: ExecItem, db_dir: Path) -> str:
    """One prediction at a time, fresh connections for every query: the official evaluator's procedure."""
    from harness.sql.equivalence import order_matters, postprocess_for_exec, results_match
    from harness.sql.execution import database_files
    from harness.sql.sandbox import run_query
    if item.pred_sql is None:
        return "no_sql"
    gold, pred = postprocess_for_exec(item.gold_sql), postprocess_for_exec(item.pred_sql)
    for path in database_files(db_dir, item.db_id):
        expected, got = run_query(path, gold), run_query(path, pred)
        if expected.rows is None:
            return "gold_error"
        if got.rows is None:
            return "execution_error"
        if not results_match(expected.rows, got.rows, order_matters=order_matters(gold)):
            return "wrong_result"
    return "correct"


@pytest.mark.parametrize("pooled", [False, True])
@pytest.mark.parametrize("cache_rows", [0, 1_000_000])
@pytest.mark.parametrize("stored_gold", [False, True])
def test_verdicts_equal_one_at_a_time_reference(db_dir, tmp_path, monkeypatch, pooled, cache_rows, stored_gold):
    import random

    import harness.sql.execution as execution
    monkeypatch.setattr(execution, "_CACHE_ROWS", cache_rows)
    if pooled:
        monkeypatch.setattr(execution, "_MIN_TASK_UNITS", 3)
    queries = ["SELECT name FROM singer", "SELECT DISTINCT name FROM singer", "SELECT name FROM singer ORDER BY age",
               "SELECT name FROM singer ORDER BY age DESC", "SELECT name, age FROM singer",
               "SELECT age, name FROM singer", "SELECT count(*) FROM singer", "SELECT name FROM singer WHERE age > 26",
               "SELECT name FROM singer LIMIT 1",
               "SELECT name FROM singer WHERE age > = 30", "SELECT nam FROM singer", "SELECT avg(age) FROM singer"]
    rng = random.Random(7)
    items = [ExecItem(rng.choice(["music", "suite"]), rng.choice(queries[:8]), rng.choice(queries + [None]))
             for _ in range(300)]
    if stored_gold:  # the second run reads every gold result from the first
        with BlobCache(tmp_path / "derived.sqlite") as cache:
            assert verdicts(items, db_dir, workers=2, gold_cache=cache)
            got = verdicts(items, db_dir, workers=2, gold_cache=cache)
    else:
        got = verdicts(items, db_dir, workers=2)
    assert len(set(items)) < len(items) and {"correct", "wrong_result", "execution_error", "no_sql"} <= set(got)
    assert got == [reference_verdict(item, db_dir) for item in items]


def test_gold_results_persist_across_runs(db_dir, tmp_path, executed):
    gold, other_gold = "SELECT name FROM singer WHERE age > 20", "SELECT max(age) FROM singer"
    preds = [gold, "SELECT name FROM singer", other_gold, "SELECT nam FROM singer", None]
    items = [ExecItem(db, g, p) for db in ("music", "suite") for g in (gold, other_gold) for p in preds]
    with BlobCache(tmp_path / "derived.sqlite") as cache:
        first = verdicts(items, db_dir, workers=1, gold_cache=cache)
        assert gold in executed() and other_gold in executed()
        before = len(executed())
        second = verdicts(items, db_dir, workers=2, gold_cache=cache)
    # the second run executed only the predictions that are no question's gold
    assert sorted(set(executed()[before:])) == ["SELECT nam FROM singer", "SELECT name FROM singer"]
    assert first == second == verdicts(items, db_dir, workers=1)
    assert first[:5] == ["correct", "wrong_result", "wrong_result", "execution_error", "no_sql"]


def test_a_changed_database_gets_fresh_gold_results(db_dir, tmp_path):
    items = [ExecItem("music", "SELECT count(*) FROM singer", "SELECT 4")]
    with BlobCache(tmp_path / "derived.sqlite") as cache:
        assert verdicts(items, db_dir, workers=1, gold_cache=cache) == ["correct"]
        conn = sqlite3.connect(db_dir / "music" / "music.sqlite")
        conn.execute("INSERT INTO singer VALUES ('Dee', 50)")
        conn.commit()
        conn.close()
        assert verdicts(items, db_dir, workers=1, gold_cache=cache) == ["wrong_result"]


def test_a_stored_gold_result_slower_than_the_limit_is_run_again(db_dir, tmp_path, executed):
    gold = "SELECT name FROM singer"
    with BlobCache(tmp_path / "derived.sqlite") as cache:
        verdicts([ExecItem("music", gold, "SELECT 1")], db_dir, workers=1, gold_cache=cache)
        verdicts([ExecItem("music", gold, "SELECT 1")], db_dir, workers=1, gold_cache=cache, timeout_s=1e-9)
    assert executed().count(gold) == 2


def test_an_unreadable_stored_gold_result_is_run_again_and_rewritten(db_dir, tmp_path, executed):
    gold = "SELECT name FROM singer"
    with BlobCache(tmp_path / "derived.sqlite") as cache:
        verdicts([ExecItem("music", gold, "SELECT 1")], db_dir, workers=1, gold_cache=cache)
        cache._write(lambda db: db.execute("UPDATE blobs SET value = x'00' WHERE key LIKE 'gold:%'"))
        for _ in range(2):
            assert verdicts([ExecItem("music", gold, gold + " ")], db_dir, workers=1, gold_cache=cache) == ["correct"]
    assert executed().count(gold) == 2  # the first run, then once more for the unreadable entry


def test_forked_call_returns_the_value_or_none_when_the_child_fails():
    import gc

    frozen = gc.get_freeze_count()
    with ForkedCall(sorted, [3, 1, 2]) as call:
        assert gc.get_freeze_count() == frozen  # frozen for the fork only: the caller's garbage stays collectable
        assert call.result() == [1, 2, 3]
    with ForkedCall(int, "not a number") as call:
        assert call.result() is None
