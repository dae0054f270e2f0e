import pytest

from harness.sql.hardness import hardness, hardness_from_counts

# Expected values computed with the official process_sql + Evaluator.eval_hardness.
CASES = [
    ("SELECT count(*) FROM singer", "easy"),
    ("SELECT name FROM singer WHERE age > 30", "easy"),
    ("SELECT name, age FROM singer WHERE age > 30", "medium"),
    ("SELECT name FROM singer ORDER BY age DESC LIMIT 1", "medium"),
    ("SELECT country, count(*) FROM singer GROUP BY country", "medium"),
    ("SELECT T1.name FROM singer AS T1 JOIN concert AS T2 ON T1.id = T2.singer_id WHERE T2.year = 2014", "medium"),
    ("SELECT name FROM singer WHERE age > (SELECT avg(age) FROM singer)", "hard"),
    ('SELECT name FROM singer WHERE country = "France" INTERSECT SELECT name FROM singer WHERE age > 30', "hard"),
    ('SELECT name FROM singer WHERE name LIKE "%a%" OR country = "UK"', "hard"),
    ("SELECT name FROM singer WHERE id NOT IN (SELECT singer_id FROM concert)", "hard"),
    # official quirk: HAVING's AND counts as an "aggregation", count(*) and avg() in HAVING do not
    ("SELECT country FROM singer GROUP BY country HAVING count(*) > 2 AND avg(age) > 20", "easy"),
    ("SELECT T1.name, count(*) FROM singer AS T1 JOIN concert AS T2 ON T1.id = T2.singer_id "
     "GROUP BY T1.id ORDER BY count(*) DESC LIMIT 3", "extra"),
    # official quirk: a column-valued comparison swallows the following OR condition
    ("SELECT name FROM singer WHERE age < id OR age > 50", "easy"),
    ("SELECT name FROM singer WHERE age < 10 OR age > 50", "medium"),
    ("SELECT max(age), min(age), avg(age) FROM singer", "medium"),
    ('SELECT name FROM singer WHERE age BETWEEN 20 AND 30 AND country = "UK"', "medium"),
]


@pytest.mark.parametrize("sql, expected", CASES)
def test_hardness_matches_official(sql, expected):
    assert hardness(sql) == expected


def test_spellings_that_mean_the_same_give_the_same_hardness():
    assert hardness("SELECT `name` FROM `singer` WHERE NOT `id` IN (SELECT `singer_id` FROM `concert`)") == \
        hardness("SELECT name FROM singer WHERE id NOT IN (SELECT singer_id FROM concert)")
    assert hardness("SELECT a FROM t WHERE b <> 'x'") == hardness('SELECT a FROM t WHERE b != "x"')


def test_thresholds():
    assert hardness_from_counts(1, 0, 0) == "easy"
    assert hardness_from_counts(2, 0, 1) == "medium"
    assert hardness_from_counts(3, 0, 2) == "hard"
    assert hardness_from_counts(0, 1, 0) == "hard"
    assert hardness_from_counts(0, 2, 0) == "extra"
    assert hardness_from_counts(4, 0, 0) == "extra"


@pytest.mark.parametrize("sql", ["SELECT FROM WHERE", "DELETE FROM singer", "not sql at all ("])
def test_unparseable_or_non_select_raises(sql):
    with pytest.raises(ValueError):
        hardness(sql)
