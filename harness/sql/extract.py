"""Pull one SQL query out of free-form model output.

Order of preference: fenced ```sql blocks, other fenced blocks, inline `code` spans, then the raw text.
In each, the first SELECT/WITH that starts a parseable query reading a table wins; one without FROM is
only a fallback, and only when its keyword is upper case (prose like "select the rows" parses as SQL).
Reasoning in ``<think>`` tags is dropped first. A candidate is cut at its first statement end, and
trailing prose is removed line by line, then at the position where sqlglot stops parsing. Returns None
when no candidate parses as a query. Work is bounded whatever the text: only its first
:data:`MAX_OUTPUT_CHARS` characters are read, at most :data:`_MAX_STARTS` query starts per candidate and
:data:`_MAX_LINE_CUTS` line cuts per start are tried, and sqlglot sees only text within
:func:`harness.sql.normalize.within_bounds`.
"""

from __future__ import annotations

import itertools
import re

import sqlglot
from sqlglot import exp

from harness.sql.normalize import parse_query, parses, within_bounds

_THINK_BLOCK = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)
_UP_TO_LAST_CLOSE = re.compile(r".*</think>", re.DOTALL | re.IGNORECASE)
_FENCE = re.compile(r"```[ \t]*([\w+-]*)[^\n]*\n?(.*?)(?:```|\Z)", re.DOTALL)
_INLINE = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")
_START = re.compile(r"\b(?:select|with)\b", re.IGNORECASE)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
# Quote-aware scan for the first statement end.
_STATEMENT_TOKENS = re.compile(r"""--[^\n]*|/\*.*?\*/|'(?:[^']|'')*'|"(?:[^"]|"")*"|`(?:[^`]|``)*`|;|[^;'"`/-]+|.""",
                               re.DOTALL)
_MAX_ERROR_CUTS = 5
_MAX_LINE_CUTS = 30
_MAX_STARTS = 20
MAX_OUTPUT_CHARS = 100_000


def _strip_thinking(text: str) -> str:
    # No block closes past the last `</think>`; matching there would rescan to the end from every unclosed
    # `<think>` (quadratic: 6 s for a model looping on the tag 10,000 times).
    head = _UP_TO_LAST_CLOSE.match(text)
    cut = head.end() if head else 0
    text = _THINK_BLOCK.sub("", text[:cut]) + text[cut:]
    if "</think>" in text.lower():  # opening tag was in the prompt
        text = text[text.lower().rindex("</think>") + len("</think>"):]
    if "<think>" in text.lower():  # never closed: the rest is reasoning
        text = text[: text.lower().index("<think>")]
    return text


def _first_statement(sql: str) -> str:
    out = []
    for token in _STATEMENT_TOKENS.findall(sql):
        if token == ";":
            break
        out.append(token)
    return "".join(out).strip()


def _cut_at_parse_error(sql: str) -> str | None:
    """The text before the token where sqlglot reports a parse error, if any."""
    if not within_bounds(sql):
        return None
    try:
        sqlglot.parse(sql, read="sqlite")
    except sqlglot.errors.ParseError as exc:
        if not exc.errors:
            return None
        err = exc.errors[0]
        lines = sql.split("\n")
        line = int(err.get("line") or 1)
        offset = sum(len(x) + 1 for x in lines[: line - 1]) + int(err.get("col") or 0) - len(err.get("highlight") or "")
        cut = sql[: max(offset, 0)].rstrip()
        return cut if cut and cut != sql else None
    except (sqlglot.errors.SqlglotError, RecursionError):
        return None
    return None


def _trim_to_query(candidate: str) -> str | None:
    """Longest parseable query at the start of ``candidate``, dropping trailing prose."""
    text = _first_statement(_BLANK_LINE.split(candidate.strip(), maxsplit=1)[0])
    lines = text.split("\n")
    for end in range(len(lines), max(0, len(lines) - _MAX_LINE_CUTS), -1):
        sql = "\n".join(lines[:end]).strip()
        if parses(sql):
            return sql
    sql = text
    for _ in range(_MAX_ERROR_CUTS):
        cut = _cut_at_parse_error(sql)
        if cut is None:
            return None
        if _reads_a_table(cut):  # a cut that loses FROM ("SELECT a FROM" -> "SELECT a") is not the query
            return cut
        sql = cut
    return None


def _from_code(code: str) -> str | None:
    """First query in ``code`` that reads a table; else the first upper-case table-less one (``SELECT 1``)."""
    fallback = None
    for match in itertools.islice(_START.finditer(code), _MAX_STARTS):
        sql = _trim_to_query(code[match.start():])
        if sql and _reads_a_table(sql):
            return sql
        if match.group(0).isupper():
            fallback = fallback or sql
    return fallback


def _reads_a_table(sql: str) -> bool:
    tree = parse_query(sql)
    return tree is not None and tree.find(exp.From) is not None


def _clean(sql: str) -> str:
    return "\n".join(line.rstrip() for line in sql.strip().split("\n"))


def extract_sql(text: str) -> str | None:
    """The first SQL query in ``text`` (without its trailing ';'), or None when there is none."""
    text = _strip_thinking(text[:MAX_OUTPUT_CHARS])
    fences = [(lang.lower(), body) for lang, body in _FENCE.findall(text)]
    sql_fences = [body for lang, body in fences if lang in ("sql", "sqlite", "mysql", "postgresql")]
    other_fences = [body for lang, body in fences if lang not in ("sql", "sqlite", "mysql", "postgresql")]
    outside = _FENCE.sub("\n\n", text)
    candidates = sql_fences + other_fences + _INLINE.findall(outside) + [outside]
    for candidate in candidates:
        sql = _from_code(candidate)
        if sql:
            return _clean(sql)
    return None
