"""Database schemas as prompt text, read from a SQLite file, in the formats text-to-SQL models are trained on.

- `compact`: one `table(col type pk, col type -> other.col, ...)` line per table (harness's own; few tokens).
- `ddl`: CREATE TABLE statements with primary and foreign keys (sql-create-context, DB-GPT-Hub style prompts).
- `mschema`: M-Schema (XGenerationLab/M-Schema, what XiYan-SQL models are trained on): tables, columns with
  types, primary keys, example values and foreign keys.

M-Schema is rendered as its `schema_engine.py` + `m_schema.py` render a SQLite database: column types as
SQLAlchemy reflects them (SQLite affinity rules), up to 3 of the first 5 distinct non-empty values as examples
(one for dates and values over 20 characters, none over 50 characters or for emails and URLs), numeric
values shown as floats. Two choices where M-Schema has none: tables in name order (its order comes from a
Python set), and table names without the `main.` prefix that its 2025-04 multi-schema change added for SQLite
(which also drops every SQLite foreign key); its README example and XiYan-SQL's prompts have neither.
"""
from __future__ import annotations

import datetime
import decimal
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from harness.errors import ConfigError

SCHEMA_FORMATS = ("compact", "ddl", "mschema")


@dataclass
class Column:
    name: str
    type: str  # as declared ("" when none)
    pk: bool = False
    examples: list[Any] = field(default_factory=list)  # the first distinct values as stored (mschema only)


@dataclass
class Table:
    name: str
    columns: list[Column]
    foreign_keys: list[tuple[str, str, str]]  # (column, referenced table, referenced column)


def render_schema(db_path: Path, schema_format: str, db_id: str | None = None) -> str:
    """The schema of a SQLite database in one of SCHEMA_FORMATS."""
    check_format(schema_format)
    if schema_format == "mschema":
        return mschema(read_tables(db_path, examples=5, order="name"), db_id or Path(db_path).stem)
    tables = read_tables(db_path)
    return compact(tables) if schema_format == "compact" else ddl(tables)


def check_format(schema_format: str) -> None:
    if schema_format not in SCHEMA_FORMATS:
        raise ConfigError(f"-O schema_format={schema_format}: expected one of {', '.join(SCHEMA_FORMATS)}")


def read_tables(db_path: Path, *, examples: int = 0, order: str = "created") -> list[Table]:
    """Tables (creation or name order), their columns, primary and foreign keys; `examples` distinct values."""
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        names = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid")]
        if order == "name":
            names.sort()
        tables = [_read_table(con, name, examples) for name in names]
    finally:
        con.close()
    pks = {t.name.lower(): [c.name for c in t.columns if c.pk] for t in tables}
    for t in tables:  # `REFERENCES other` without a column means other's primary key
        t.foreign_keys = [(c, rt, rc or next(iter(pks.get(rt.lower(), [])), "")) for c, rt, rc in t.foreign_keys]
    return tables


def _read_table(con: sqlite3.Connection, name: str, examples: int) -> Table:
    quoted = _identifier(name)
    columns = [Column(cname, ctype or "", bool(pk)) for _, cname, ctype, _, _, pk in
               con.execute(f"PRAGMA table_info({quoted})")]
    rows = con.execute(f"PRAGMA foreign_key_list({quoted})").fetchall()
    # in SQLite's order (last declared first), as SQLAlchemy reflects them and M-Schema lists them
    fks = [(r[3], r[2], r[4]) for r in sorted(rows, key=lambda r: (r[0], r[1]))]
    for column in columns if examples else ():
        try:
            values = con.execute(f"SELECT DISTINCT {_identifier(column.name)} FROM {_identifier(name)} "
                                 f"LIMIT {examples}").fetchall()
        except sqlite3.OperationalError:  # e.g. text that is not UTF-8: M-Schema shows no examples either
            values = []
        column.examples = [v for (v,) in values]
    return Table(name, columns, fks)


def compact(tables: list[Table]) -> str:
    """One line per table, `table(col type pk, col type -> other.col, ...)`: a fraction of CREATE TABLE's tokens."""
    lines = []
    for table in tables:
        fks = {c: f"{rt}.{rc}" for c, rt, rc in table.foreign_keys}
        cols = []
        for c in table.columns:
            col = f"{c.name} {c.type.lower() or 'text'}"
            if c.pk:
                col += " pk"
            if c.name in fks:
                col += f" -> {fks[c.name]}"
            cols.append(col)
        lines.append(f"{table.name}({', '.join(cols)})")
    return "\n".join(lines)


def ddl(tables: list[Table]) -> str:
    """CREATE TABLE statements: columns with their declared types, then PRIMARY KEY and FOREIGN KEY clauses."""
    statements = []
    for table in tables:
        lines = [f"{_quote(c.name)} {c.type}".rstrip() for c in table.columns]
        pk = [_quote(c.name) for c in table.columns if c.pk]
        if pk:
            lines.append(f"PRIMARY KEY ({', '.join(pk)})")
        lines += [f"FOREIGN KEY ({_quote(c)}) REFERENCES {_quote(rt)}({_quote(rc)})" for c, rt, rc in table.foreign_keys]
        statements.append(f"CREATE TABLE {_quote(table.name)} (\n  " + ",\n  ".join(lines) + "\n);")
    return "\n\n".join(statements)


def mschema(tables: list[Table], db_id: str, example_num: int = 3) -> str:
    """M-Schema text (m_schema.py `MSchema.to_mschema` with its defaults) for tables read with examples."""
    out = [f"【DB_ID】 {db_id}", "【Schema】"]
    for table in tables:
        fields = []
        for c in table.columns:
            ctype = sqlalchemy_type(c.type)
            line = f"({c.name}:{ctype.split('(')[0].upper()}"
            if c.pk:
                line += ", Primary Key"
            fetched = [v for v in _as_sqlalchemy_returns(c.examples, ctype) if v is not None and v != ""]
            shown = _shown_examples(_examples_to_str(fetched), ctype, example_num)
            if shown:
                line += f", Examples: [{', '.join(shown)}]"
            fields.append(line + ")")
        out += [f"# Table: {table.name}", "[", ",\n".join(fields), "]"]
    fks = [f"{t.name}.{c}={rt}.{rc}" for t in tables for c, rt, rc in t.foreign_keys]
    if fks:
        out += ["【Foreign keys】", *fks]
    return "\n".join(out)


# SQLAlchemy's SQLite reflection (dialects/sqlite/base.py ischema_names and _resolve_type_affinity): the name
# its reflected type prints as, for a declared type.
_SQLALCHEMY_NAMES = {"BIGINT": "BIGINT", "BLOB": "BLOB", "BOOL": "BOOLEAN", "BOOLEAN": "BOOLEAN", "CHAR": "CHAR",
                     "DATE": "DATE", "DATE_CHAR": "DATE", "DATETIME": "DATETIME", "DATETIME_CHAR": "DATETIME",
                     "DOUBLE": "DOUBLE", "DECIMAL": "DECIMAL", "FLOAT": "FLOAT", "INT": "INTEGER",
                     "INTEGER": "INTEGER", "JSON": "JSON", "NUMERIC": "NUMERIC", "REAL": "REAL",
                     "SMALLINT": "SMALLINT", "TEXT": "TEXT", "TIME": "TIME", "TIME_CHAR": "TIME",
                     "TIMESTAMP": "TIMESTAMP", "VARCHAR": "VARCHAR", "NVARCHAR": "NVARCHAR", "NCHAR": "NCHAR"}


def sqlalchemy_type(declared: str) -> str:
    """The type SQLAlchemy reflects for a declared SQLite column type, with its arguments (`DECIMAL(10, 2)`)."""
    match = re.match(r"([\w ]+)(\(.*?\))?", declared.upper())
    name, args = (match.group(1), match.group(2)) if match else ("", None)
    if name in _SQLALCHEMY_NAMES:
        resolved = _SQLALCHEMY_NAMES[name]
    elif "INT" in name:
        resolved = "INTEGER"
    elif "CHAR" in name or "CLOB" in name or "TEXT" in name:
        resolved = "TEXT"
    elif "BLOB" in name or not name:
        resolved = "NULL"
    elif "REAL" in name or "FLOA" in name or "DOUB" in name:
        resolved = "REAL"
    else:
        resolved = "NUMERIC"
    numbers = re.findall(r"\d+", args or "")
    return f"{resolved}({', '.join(numbers)})" if numbers and resolved in _SIZED else resolved


_SIZED = {"CHAR", "VARCHAR", "NVARCHAR", "NCHAR", "DECIMAL", "NUMERIC", "FLOAT"}


def _as_sqlalchemy_returns(values: list[Any], ctype: str) -> list[Any]:
    """The Python values SQLAlchemy 2's result processors make of SQLite values; [] where one fails (M-Schema
    catches the error and shows no examples for the column)."""
    base = ctype.split("(")[0]
    convert: Callable[[Any], Any] | None = None
    if base in ("NUMERIC", "DECIMAL"):
        numbers = re.findall(r"\d+", ctype)
        scale = int(numbers[1]) if len(numbers) > 1 else 10
        convert = lambda v: decimal.Decimal(f"%.{scale}f" % v)  # noqa: E731 (SQLAlchemy's to_decimal processor)
    elif base == "DATE":
        convert = datetime.date.fromisoformat
    elif base in ("DATETIME", "TIMESTAMP"):
        convert = datetime.datetime.fromisoformat
    elif base == "TIME":
        convert = datetime.time.fromisoformat
    elif base == "BOOLEAN":
        convert = bool
    if convert is None:
        return list(values)
    try:
        return [None if v is None else convert(v) for v in values]
    except (TypeError, ValueError, decimal.InvalidOperation):
        return []


_EMAIL = re.compile(r"^[\w\.-]+@[\w\.-]+\.\w+$")


def _examples_to_str(values: list[Any]) -> list[str]:
    """M-Schema's utils.examples_to_str: one date stands for all, decimals as floats, none if any is an
    email or a URL."""
    values = list(values)
    for i, value in enumerate(values):
        if isinstance(value, datetime.date):
            values = [value]
            break
        if isinstance(value, decimal.Decimal):
            values[i] = str(float(value))
        elif _EMAIL.match(str(value)):
            return []
        elif "http://" in str(value) or "https://" in str(value):
            return []
    return [str(v) for v in values if v is not None and len(str(v)) > 0]


def _shown_examples(examples: list[str], ctype: str, example_num: int) -> list[str]:
    """m_schema.py's rule: at most `example_num`; one for dates and long values; none when over 50 chars."""
    examples = _examples_to_str(examples)[:example_num]
    if not examples:
        return []
    if ctype.split("(")[0] in ("DATE", "TIME", "DATETIME", "TIMESTAMP"):
        return examples[:1]
    longest = max(len(s) for s in examples)
    return [] if longest > 50 else examples[:1] if longest > 20 else examples


def _quote(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) else '"' + name.replace('"', '""') + '"'


def _identifier(name: str) -> str:
    """Always quoted, for queries (Spider has columns named like keywords, e.g. `From`)."""
    return '"' + name.replace('"', '""') + '"'
