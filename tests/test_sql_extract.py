import pytest

from harness.sql.extract import extract_sql

Q = "SELECT name FROM singer WHERE age > 30"

CASES = [
    # plain
    (Q, Q),
    (Q + ";", Q),
    ("  \n" + Q + "  \n", Q),
    # fenced
    ("```sql\n" + Q + ";\n```", Q),
    ("```SQL\n" + Q + "\n```", Q),
    ("```sqlite\n" + Q + "\n```", Q),
    ("```\n" + Q + "\n```", Q),
    ("Sure! Here is the query:\n\n```sql\n" + Q + "\n```\n\nIt returns singers older than 30.", Q),
    ("```python\nimport sqlite3\n```\n\n```sql\n" + Q + "\n```", Q),
    ("```sql\n" + Q, Q),                                               # unclosed fence (truncated output)
    ("```sql\nSELECT name\nFROM singer\nWHERE age > 30\n```", "SELECT name\nFROM singer\nWHERE age > 30"),
    ("```\nThe table has columns name, age.\n```\n```sql\n" + Q + "\n```", Q),
    # leading labels and prose
    ("SQL: " + Q, Q),
    ("Answer: " + Q, Q),
    ("SQL Query: " + Q + ";", Q),
    ("Here is the query:\n" + Q, Q),
    ("Here is the SQL query that answers the question:\n" + Q + ";", Q),
    ("To select the names we can write: " + Q, Q),
    ("The query is `" + Q + "`.", Q),
    # trailing prose
    (Q + "\nThis query selects the names of singers older than 30.", Q),
    (Q + " This query selects all singers older than 30.", Q),
    (Q + ";\nExplanation: we filter on age.", Q),
    (Q + "\n\nNote that age is an integer.", Q),
    (Q + "\nThat's it!", Q),
    # several statements: the first
    (Q + "; SELECT count(*) FROM singer;", Q),
    ("```sql\n" + Q + ";\nSELECT 1;\n```", Q),
    # reasoning tags
    ("<think>The user wants names. SELECT * FROM x is wrong.</think>\n" + Q, Q),
    ("<think>\nLet me think.\n</think>\n\n```sql\n" + Q + "\n```", Q),
    ("I need the age column.\n</think>\n" + Q, Q),                  # opening tag was in the prompt
    ("<think>Maybe " + Q + " but let me check", None),              # never closed: still thinking
    # CTE and set operations
    ("WITH old AS (SELECT * FROM singer WHERE age > 30) SELECT name FROM old",
     "WITH old AS (SELECT * FROM singer WHERE age > 30) SELECT name FROM old"),
    ("SELECT name FROM singer UNION SELECT venue FROM concert", "SELECT name FROM singer UNION SELECT venue FROM concert"),
    # string values containing keywords and semicolons survive
    ("SELECT name FROM singer WHERE note = 'a; b' AND name = 'Select'",
     "SELECT name FROM singer WHERE note = 'a; b' AND name = 'Select'"),
    # nothing SQL-like
    ("", None),
    ("I'm sorry, I cannot help with that.", None),
    ("The answer is 42.", None),
    ("select the singers who are older than thirty", None),
    ("SELECT", None),
    ("SELECT name FROM", None),
    ("def f():\n    return 1", None),
]


@pytest.mark.parametrize("text, expected", CASES)
def test_extract_sql(text, expected):
    assert extract_sql(text) == expected
