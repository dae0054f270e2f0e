"""Result equivalence with the verdicts of the official Spider test-suite evaluator.

Re-implements the semantics of ``exec_eval.py`` in taoyds/test-suite-sql-eval (``postprocess``,
``remove_distinct``, ``replace_cur_year``, ``result_eq`` with ``quick_rej``, ``get_constraint_permutation``
and ``multiset_eq``): two results match when some column permutation makes them equal as bags of rows
(as lists when the gold query has ORDER BY).

Differences that change no verdict:

* The official code prunes column permutations by sampling 20 random rows. Every pruning step is sound
  (a permutation can only match if each predicted column holds the same values as its gold column), so we
  prune deterministically with whole-column multisets instead; the set of accepted results is the same.
* Values are compared exactly, as the official code does (``1 == 1.0`` holds, ``0.1 + 0.2 != 0.3``). No
  float tolerance: any tolerance would accept results the official evaluator rejects.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence

# Lexer that mirrors how sqlparse splits text for the official ``remove_distinct``: comments, quoted
# strings and identifiers are opaque; a bare word spelled ``distinct`` (any case) is removed.
_LEX = re.compile(
    r"""--[^\n]*|/\*.*?\*/|'(?:[^']|'')*'|"(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]\[]+\]|[^\W\d]\w*|\d\w*|.""",
    re.DOTALL,
)
_CUR_YEAR = re.compile(r"YEAR\s*\(\s*CURDATE\s*\(\s*\)\s*\)\s*", re.IGNORECASE)
# SQLite's tokenizer, as far as whitespace is concerned: comments, strings and quoted identifiers (also
# unterminated, which SQLite rejects) are kept as they are; a run of SQLite whitespace separates tokens.
_SQLITE_SPACE = " \t\n\v\f\r"
_WS_LEX = re.compile(
    r"""(?P<comment>--[^\n]*)(?P<nl>\n[ \t\n\v\f\r]*)?"""
    r"""|(?P<keep>/\*.*?(?:\*/|\Z)|'(?:[^']|'')*(?:'|\Z)|"(?:[^"]|"")*(?:"|\Z)|`(?:[^`]|``)*(?:`|\Z)"""
    r"""|\[[^\]]*(?:\]|\Z))"""
    r"""|[ \t\n\v\f\r]{2,}|[\t\n\v\f\r]""",     # a single space needs no change
    re.DOTALL,
)


def _squeeze_token(match: re.Match[str]) -> str:
    if match.group("comment") is not None:
        return match.group("comment") + ("\n" if match.group("nl") else "")
    return match.group("keep") or " "


def remove_distinct(sql: str) -> str:
    """Drop every DISTINCT keyword (``SELECT DISTINCT``, ``COUNT(DISTINCT x)``), as the official code does."""
    if "distinct" not in sql.lower():
        return sql
    return "".join(tok for tok in _LEX.findall(sql) if tok.lower() != "distinct")


def postprocess_for_exec(sql: str, *, keep_distinct: bool = False) -> str:
    """The official pre-execution rewrite: join ``> =``-style operators, strip DISTINCT, fix YEAR(CURDATE())."""
    sql = sql.replace("> =", ">=").replace("< =", "<=").replace("! =", "!=")
    if not keep_distinct:
        sql = remove_distinct(sql)
    return _CUR_YEAR.sub("2020", sql)


def squeeze_whitespace(sql: str) -> str:
    """``sql`` with every whitespace run between tokens made one space (a newline after a ``--`` comment),
    and none at either end: the same statement for SQLite, so it executes identically. Used only to find
    identical queries; never to decide row order (the official rule reads the unsqueezed gold text)."""
    if "  " not in sql and not any(c in sql for c in _SQLITE_SPACE[1:]):
        return sql.strip(" ")  # single spaces only (most SQL): nothing between tokens to squeeze
    return _WS_LEX.sub(_squeeze_token, sql).strip(_SQLITE_SPACE)


def order_matters(gold_sql: str) -> bool:
    """Official rule: row order counts only when the (post-processed) gold text contains ``order by``."""
    return "order by" in gold_sql.lower()


def _unorder_row(row: tuple) -> tuple:
    return tuple(sorted(row, key=lambda x: str(x) + str(type(x))))


def _quick_reject_passes(gold: Sequence[tuple], pred: Sequence[tuple], ordered: bool) -> bool:
    """Official ``quick_rej``: rows compared with their cells sorted (a necessary condition)."""
    s1 = [_unorder_row(row) for row in gold]
    s2 = [_unorder_row(row) for row in pred]
    return s1 == s2 if ordered else set(s1) == set(s2)


def _candidate_permutations(gold: Sequence[tuple], pred: Sequence[tuple]) -> Iterator[tuple[int, ...]]:
    """Bijections gold column -> pred column whose columns hold the same multiset of values."""
    num_cols = len(gold[0])
    gold_cols = [Counter(row[i] for row in gold) for i in range(num_cols)]
    pred_cols = [Counter(row[j] for row in pred) for j in range(num_cols)]
    allowed = [[j for j in range(num_cols) if pred_cols[j] == gold_cols[i]] for i in range(num_cols)]

    def extend(prefix: tuple[int, ...]) -> Iterator[tuple[int, ...]]:
        if len(prefix) == num_cols:
            yield prefix
            return
        for j in allowed[len(prefix)]:
            if j not in prefix:
                yield from extend(prefix + (j,))

    return extend(())


def results_match(gold: list[tuple], pred: list[tuple], *, order_matters: bool) -> bool:
    """Official ``result_eq``: equal up to a column permutation, as bags (or lists when order matters)."""
    if not gold and not pred:
        return True
    if len(gold) != len(pred):
        return False
    num_cols = len(gold[0])
    if len(pred[0]) != num_cols:
        return False
    if not _quick_reject_passes(gold, pred, order_matters):
        return False
    gold_bag = Counter(gold)
    for perm in _candidate_permutations(gold, pred):
        permuted = pred if num_cols == 1 else [tuple(row[i] for i in perm) for row in pred]
        if order_matters:
            if list(gold) == permuted:
                return True
        elif Counter(permuted) == gold_bag:
            return True
    return False
