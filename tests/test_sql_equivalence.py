import pytest

from harness.sql.equivalence import (order_matters, postprocess_for_exec, remove_distinct, results_match,
                                     squeeze_whitespace)


@pytest.mark.parametrize("gold, pred, ordered, expected", [
    ([], [], False, True),
    ([(1,)], [], False, False),
    ([(1, "a")], [(1, "a", None)], False, False),
    ([(1, "a"), (2, "b")], [(2, "b"), (1, "a")], False, True),            # bag: row order free
    ([(1, "a"), (2, "b")], [(2, "b"), (1, "a")], True, False),            # list when gold orders
    ([(1, "a"), (2, "b")], [("a", 1), ("b", 2)], False, True),            # column permutation
    ([(1, "a"), (2, "b")], [("a", 1), ("b", 2)], True, True),
    ([(1,), (1,), (2,)], [(1,), (2,), (2,)], False, False),               # same set, different bag
    ([(1,), (1,)], [(1,), (1,)], False, True),
    ([(1, 2), (3, 4)], [(1, 4), (3, 2)], False, False),                    # same column values, rows differ
    ([(1,)], [(1.0,)], False, True),                                       # Python equality, as official
    ([(0.30000000000000004,)], [(0.3,)], False, False),                   # exact floats, as official
    ([(None, 1)], [(1, None)], False, True),
    ([("x",)], [("X",)], False, False),
])
def test_results_match(gold, pred, ordered, expected):
    assert results_match(gold, pred, order_matters=ordered) is expected


def test_many_columns_permutation_found():
    gold = [tuple(range(r, r + 6)) for r in range(0, 60, 6)]
    perm = (3, 0, 5, 1, 4, 2)
    pred = [tuple(row[i] for i in perm) for row in gold]
    assert results_match(gold, pred, order_matters=True)
    assert not results_match(gold, pred[:-1] + [pred[0]], order_matters=False)


def test_duplicate_columns_need_a_bijection():
    gold = [(1, 1, 2)]
    assert results_match(gold, [(2, 1, 1)], order_matters=False)
    assert not results_match(gold, [(1, 2, 2)], order_matters=False)


def test_quick_reject_keeps_official_type_quirk():
    # The official unorder_row sorts cells by str(x)+str(type(x)): "10<class 'int'>" sorts after "10.5...",
    # "10.0<class 'float'>" before it, so these equal rows are rejected by the official evaluator; so by us.
    assert (10, 10.5) == (10.0, 10.5)
    assert not results_match([(10, 10.5)], [(10.0, 10.5)], order_matters=False)
    assert results_match([(1, 2.0)], [(1.0, 2)], order_matters=False)


@pytest.mark.parametrize("sql, expected", [
    ("SELECT DISTINCT name FROM t", "SELECT  name FROM t"),
    ("select count(distinct a) from t", "select count( a) from t"),
    ("SELECT DISTINCT(a) FROM t", "SELECT (a) FROM t"),
    ("SELECT 'distinct' FROM t", "SELECT 'distinct' FROM t"),
    ('SELECT a FROM t WHERE b = "Distinct"', 'SELECT a FROM t WHERE b = "Distinct"'),
    ("SELECT distinct_count FROM t -- distinct", "SELECT distinct_count FROM t -- distinct"),
])
def test_remove_distinct_matches_official_tokenisation(sql, expected):
    assert remove_distinct(sql) == expected


def test_postprocess_for_exec():
    assert postprocess_for_exec("SELECT DISTINCT a FROM t WHERE b > = 1 AND c ! = 2") == \
        "SELECT  a FROM t WHERE b >= 1 AND c != 2"
    assert postprocess_for_exec("SELECT DISTINCT a FROM t", keep_distinct=True) == "SELECT DISTINCT a FROM t"
    assert postprocess_for_exec("SELECT YEAR(CURDATE()) - y FROM t") == "SELECT 2020- y FROM t"


@pytest.mark.parametrize("sql, expected", [
    ("SELECT a FROM t ORDER BY a", True),
    ("select a from t order by a desc limit 1", True),
    ("SELECT a FROM t", False),
    ("SELECT a FROM t ORDER  BY a", False),   # official substring rule, kept as is
])
def test_order_matters(sql, expected):
    assert order_matters(sql) is expected


@pytest.mark.parametrize("sql, expected", [
    ("  SELECT  a,\n\tb FROM t  ", "SELECT a, b FROM t"),
    ("SELECT 'a  b' ,  \"c  d\" FROM [x  y]  JOIN `u  v`", "SELECT 'a  b' , \"c  d\" FROM [x  y] JOIN `u  v`"),
    ("SELECT 'it''s  ok'  FROM t", "SELECT 'it''s  ok' FROM t"),
    ("SELECT a -- note  this\n   FROM t", "SELECT a -- note  this\nFROM t"),      # the newline ends the comment
    ("SELECT a /* x  y */  FROM t", "SELECT a /* x  y */ FROM t"),
    ("SELECT 'open  string", "SELECT 'open  string"),                              # unterminated: left alone
    ("SELECT a - -  b", "SELECT a - - b"),                                          # tokens never merge
    ("SELECT  DISTINCT x", "SELECT DISTINCT x"),
    (" SELECT 'a b' -- c d ", "SELECT 'a b' -- c d"),                              # single spaces only
    ("SELECT a FROM t", "SELECT a FROM t"),
])
def test_squeeze_whitespace(sql, expected):
    assert squeeze_whitespace(sql) == expected


def test_squeezed_sql_gives_the_same_rows():
    import sqlite3
    conn = sqlite3.connect(":memory:")
    conn.executescript("CREATE TABLE t(a TEXT, b INT); INSERT INTO t VALUES ('x  y', 1), ('x y', 2), ('z', 3);")
    for sql in ["SELECT  b FROM t WHERE a = 'x  y'", "SELECT b FROM t -- where a = 'z'\n  WHERE b > 1",
                "SELECT\n\tcount(*)\nFROM   t /* comment  here */ WHERE  a <> 'z'",
                "SELECT b FROM t WHERE a LIKE 'x  %'"]:
        assert conn.execute(squeeze_whitespace(sql)).fetchall() == conn.execute(sql).fetchall()
