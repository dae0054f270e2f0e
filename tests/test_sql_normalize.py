import pytest

from harness.sql.normalize import double_quotes_to_strings, normalize_sql, parses


@pytest.mark.parametrize("sql, expected", [
    ("SELECT name FROM singer", True),
    ("select * from t1 union select * from t2", True),
    ("WITH a AS (SELECT 1 AS x) SELECT x FROM a", True),
    ("SELECT `name` FROM `singer`", True),
    ("SELECT name FROM", False),
    ("SELECT", False),
    ("hello world", False),                  # sqlglot reads this as an aliased column; not a query
    ("DELETE FROM singer", False),
    ("SELECT 1; SELECT 2", False),
    ("", False),
])
def test_parses(sql, expected):
    assert parses(sql) is expected


def test_equivalent_spellings_normalise_identically():
    a = 'SELECT  T1.Name, COUNT(*) AS Cnt FROM `Users` AS U JOIN Orders as T1 ON U.id = T1.uid WHERE U.name = "Bob"'
    b = "select t2.name, count(*) as cnt\nfrom users as x join orders as y on x.id=y.uid where x.name='Bob'"
    assert normalize_sql(a) == normalize_sql(b) == (
        "select t2.name, count(*) as cnt from users as t1 join orders as t2 on t1.id = t2.uid where t1.name = 'Bob'")


def test_string_values_keep_their_case():
    assert normalize_sql("SELECT a FROM t WHERE b = 'MiXeD'") == "select a from t where b = 'MiXeD'"
    assert normalize_sql("SELECT a FROM t WHERE b = 'x'") != normalize_sql("SELECT a FROM t WHERE b = 'X'")


def test_names_that_need_quotes_stay_quoted():
    assert normalize_sql('SELECT [First Name] FROM t') == 'select "first name" from t'


def test_alias_renaming_avoids_real_table_names():
    assert normalize_sql("SELECT a.x FROM t1 AS a JOIN t2 AS b ON a.id = b.id") == \
        "select t3.x from t1 as t3 join t2 as t4 on t3.id = t4.id"


def test_unparseable_is_none():
    assert normalize_sql("SELECT name FROM") is None


def test_double_quotes_to_strings():
    assert double_quotes_to_strings("""SELECT "a" FROM `t` WHERE x = "it's" -- "c" """) == \
        """SELECT 'a' FROM `t` WHERE x = 'it''s' -- "c" """
