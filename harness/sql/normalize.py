"""Parse checks and a canonical text form of SQL for a normalised exact-match metric (sqlglot, sqlite).

Text longer than :data:`MAX_SQL_CHARS` or nested deeper than :data:`MAX_NESTING` parentheses is never
handed to sqlglot (its time grows with the length, a 1 MB statement took a minute, and it recurses per
nesting level); such text does not parse. Double-quoted text is read as a string value, as Spider gold SQL uses it (``name = "Bob"``) and as the
official Spider tokenizer treats it; back-quoted and bracketed names are identifiers.
"""

from __future__ import annotations

import re

import sqlglot
from sqlglot import exp

# Comments, quoted strings and quoted identifiers, for quote-aware text rewrites.
_QUOTED = re.compile(r"""--[^\n]*|/\*.*?\*/|'(?:[^']|'')*'|"(?:[^"]|"")*"|`(?:[^`]|``)*`""", re.DOTALL)
_PLAIN_NAME = re.compile(r"[a-z_][a-z0-9_]*")
_NOT_PAREN = re.compile(r"[^()]+")
MAX_SQL_CHARS = 20_000
MAX_NESTING = 100


def within_bounds(sql: str) -> bool:
    """Whether ``sql`` is short and shallow enough to give to sqlglot."""
    if len(sql) > MAX_SQL_CHARS:
        return False
    depth = deepest = 0
    for paren in _NOT_PAREN.sub("", sql):
        depth += 1 if paren == "(" else -1
        deepest = max(deepest, depth)
    return deepest <= MAX_NESTING


def double_quotes_to_strings(sql: str) -> str:
    """Rewrite ``"text"`` as the string literal ``'text'``; other quoting and comments are untouched."""
    def convert(match: re.Match[str]) -> str:
        token = match.group(0)
        if not token.startswith('"'):
            return token
        return "'" + token[1:-1].replace('""', '"').replace("'", "''") + "'"
    return _QUOTED.sub(convert, sql)


def parse_query(sql: str) -> exp.Query | None:
    """The single SELECT/WITH/set-operation statement in ``sql``, or None (no parse, several, not a query,
    out of bounds)."""
    if not within_bounds(sql):
        return None
    try:
        trees = [t for t in sqlglot.parse(double_quotes_to_strings(sql), read="sqlite") if t is not None]
    except (sqlglot.errors.SqlglotError, RecursionError):
        return None
    if len(trees) != 1 or not isinstance(trees[0], exp.Query):
        return None
    selects = list(trees[0].find_all(exp.Select))
    if not selects or any(not s.expressions for s in selects):
        return None
    return trees[0]


def parses(sql: str) -> bool:
    """True when ``sql`` is exactly one well-formed query (SELECT, WITH ... SELECT, UNION/INTERSECT/EXCEPT)."""
    return parse_query(sql) is not None


def _canonical_aliases(tree: exp.Query) -> None:
    """Rename table aliases to t1, t2, ... in order of first appearance, with their column qualifiers."""
    tables = {t.name.lower() for t in tree.find_all(exp.Table)}
    mapping: dict[str, str] = {}
    for alias in tree.find_all(exp.TableAlias):
        name = alias.name.lower()
        if name and name not in mapping:
            n = len(mapping) + 1
            while f"t{n}" in tables or f"t{n}" in mapping.values():
                n += 1
            mapping[name] = f"t{n}"
    for node in tree.find_all(exp.TableAlias, exp.Column):
        ident = node.args.get("this") if isinstance(node, exp.TableAlias) else node.args.get("table")
        if isinstance(ident, exp.Identifier) and ident.name.lower() in mapping:
            ident.set("this", mapping[ident.name.lower()])


def _lower_identifiers(tree: exp.Query) -> None:
    for ident in tree.find_all(exp.Identifier):
        name = ident.name.lower()
        ident.set("this", name)
        ident.set("quoted", not _PLAIN_NAME.fullmatch(name))


def _lower_outside_strings(sql: str) -> str:
    parts, last = [], 0
    for match in re.finditer(r"'(?:[^']|'')*'", sql):
        parts += [sql[last:match.start()].lower(), match.group(0)]
        last = match.end()
    return "".join(parts + [sql[last:].lower()])


def normalize_sql(sql: str) -> str | None:
    """Canonical text (lower-case keywords and names, unquoted names, one space, t1.. aliases) or None."""
    tree = parse_query(sql)
    if tree is None:
        return None
    try:
        _canonical_aliases(tree)
        _lower_identifiers(tree)
        return _lower_outside_strings(tree.sql(dialect="sqlite", copy=False))
    except (sqlglot.errors.SqlglotError, RecursionError):
        return None
