"""The small Spider-layout benchmark the project ships ("spider-mini").

The data lives as text under ``benchmarks/spider-mini/`` (one SQL script per database, ``dev.json``,
``train.json``); :func:`build` turns it into the standard Spider layout::

    database/<db_id>/<db_id>.sqlite   one SQLite file per script
    dev.json, train.json              [{"db_id", "question", "query"}]
    dev_gold.sql, train_gold.sql      "<query>\\t<db_id>" per line (what the official evaluator reads)
    tables.json                       Spider's schema format, read back from the SQLite files

and :func:`ensure_built` does that once per content hash into a cache folder, so a fresh machine can
run the benchmark without downloads.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path
from typing import Any, Callable

from harness.errors import DataError

MINI_SPIDER_DIR: Path = Path(__file__).resolve().parents[2] / "benchmarks" / "spider-mini"
SPLITS: tuple[str, ...] = ("dev", "train")
# Bump when the built layout changes, so caches built by an older builder are not reused.
_BUILD_VERSION = "1"
_FIELDS = ("db_id", "question", "query")


class MiniSpiderError(DataError):
    """The shipped data is malformed: a script, an example or a gold query is wrong."""


def build(dest: str | Path, source: str | Path | None = None) -> Path:
    """Build the Spider layout at ``dest`` from the text data in ``source`` (default: the shipped data).

    Every gold query is executed once on its database; a failing one aborts the build, naming it.
    """
    source, dest = Path(source or MINI_SPIDER_DIR), Path(dest)
    scripts = _scripts(source)
    for db_id, script in scripts.items():
        build_database(script, dest / "database" / db_id / f"{db_id}.sqlite")
    for split in SPLITS:
        path = source / f"{split}.json"
        examples = _load_split(path, set(scripts))
        _check_gold(path, examples, dest)
        (dest / f"{split}.json").write_text(json.dumps(examples, indent=2, ensure_ascii=False) + "\n")
        gold = "".join(f"{ex['query']}\t{ex['db_id']}\n" for ex in examples)
        (dest / f"{split}_gold.sql").write_text(gold)
    tables = [tables_json(_db_path(dest, db_id)) for db_id in sorted(scripts)]
    (dest / "tables.json").write_text(json.dumps(tables, indent=2) + "\n")
    return dest


def ensure_built(cache_dir: str | Path | None = None, source: str | Path | None = None) -> Path:
    """A built copy of the benchmark in ``<cache>/spider-mini-<hash12>``, built once per content of ``source``."""
    source = Path(source or MINI_SPIDER_DIR)
    return built_once("spider-mini", content_hash(source), lambda tmp: build(tmp, source), cache_dir)


def built_once(name: str, digest: str, build_into: Callable[[Path], Any], cache_dir: str | Path | None = None) -> Path:
    """``<cache>/<name>-<digest12>`` (cache: ``cache_dir``, else ``$HARNESS_CACHE_DIR``, else
    ``~/.cache/harness``), made by ``build_into(tmp)`` in a temporary folder and renamed into place, so a
    reader never sees a half-built copy and concurrent builders do not clash."""
    root = Path(cache_dir or os.environ.get("HARNESS_CACHE_DIR") or Path.home() / ".cache" / "harness")
    final = root / f"{name}-{digest[:12]}"
    if final.is_dir():
        return final
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=root))
    try:
        build_into(tmp)
        os.rename(tmp, final)
    except OSError:
        if not final.is_dir():  # not a lost race with another builder: a real failure
            raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return final


def content_hash(source: str | Path | None = None) -> str:
    """sha256 over the builder version and every input file (SQL scripts and split files)."""
    source = Path(source or MINI_SPIDER_DIR)
    digest = hashlib.sha256(_BUILD_VERSION.encode())
    inputs = sorted(_scripts(source).values()) + [source / f"{split}.json" for split in SPLITS]
    for path in inputs:
        digest.update(path.relative_to(source).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def tables_json(db_path: str | Path) -> dict[str, Any]:
    """One Spider ``tables.json`` entry read back from a SQLite file.

    Column indices count from 1 (index 0 is ``[-1, "*"]``); ``primary_keys`` is a flat list of column
    indices (composite keys list each column); ``foreign_keys`` are ``[from_column, to_column]`` pairs.
    """
    db_path = Path(db_path)
    with closing(_connect_ro(db_path)) as conn:
        tables = [row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid")]
        columns: list[list[Any]] = [[-1, "*"]]
        types = ["text"]
        primary: list[tuple[int, int, int]] = []  # (table, position in key, column index)
        index: dict[tuple[str, str], int] = {}
        for t, table in enumerate(tables):
            for _cid, name, decl, _notnull, _default, pk in conn.execute(f"PRAGMA table_info({_quote(table)})"):
                index[(table.lower(), name.lower())] = len(columns)
                if pk:
                    primary.append((t, pk, len(columns)))
                columns.append([t, name])
                types.append(_spider_type(decl))
        keys_of = {tables[t].lower(): [c for tt, _, c in sorted(primary) if tt == t] for t in range(len(tables))}
        foreign: list[list[int]] = []
        for table in tables:
            for _id, seq, ref, src, dst, *_ in conn.execute(f"PRAGMA foreign_key_list({_quote(table)})"):
                to = index.get((ref.lower(), dst.lower())) if dst else _nth(keys_of.get(ref.lower(), []), seq)
                if to is None:
                    raise MiniSpiderError(f"{db_path}: table {table}: foreign key references unknown "
                                          f"column {ref}.{dst or '<primary key>'}")
                foreign.append([index[(table.lower(), src.lower())], to])
    return {
        "db_id": db_path.stem,
        "table_names_original": tables,
        "table_names": [_natural(t) for t in tables],
        "column_names_original": columns,
        "column_names": [[t, c if t < 0 else _natural(c)] for t, c in columns],
        "column_types": types,
        "primary_keys": [c for _, _, c in sorted(primary)],
        "foreign_keys": foreign,
    }


def _scripts(source: Path) -> dict[str, Path]:
    scripts = {p.stem: p for p in sorted((source / "sql").glob("*.sql"))}
    if not scripts:
        raise MiniSpiderError(f"{source / 'sql'}: no <db_id>.sql scripts found")
    return scripts


def _db_path(root: Path, db_id: str) -> Path:
    return root / "database" / db_id / f"{db_id}.sqlite"


def build_database(script: Path, target: Path) -> None:
    """Run ``script`` in memory statement by statement (to report the failing line), then write a compact,
    byte-reproducible file with VACUUM INTO."""
    conn = sqlite3.connect(":memory:")
    try:
        statement, start = "", 1
        for number, line in enumerate(script.read_text().splitlines(keepends=True), 1):
            if not statement.strip():
                statement, start = "", number
            statement += line
            if sqlite3.complete_statement(statement):
                try:
                    conn.execute(statement)
                except sqlite3.Error as exc:
                    raise MiniSpiderError(f"{script}:{start}: {exc}: {statement.strip()[:200]}") from exc
                statement = ""
        if statement.strip():
            raise MiniSpiderError(f"{script}:{start}: unterminated statement (missing ';')")
        broken = conn.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            table, rowid, ref, _ = broken[0]
            raise MiniSpiderError(f"{script}: {len(broken)} foreign key violation(s), first: "
                                  f"{table} rowid {rowid} references a missing {ref} row")
        conn.commit()
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)
        conn.execute("VACUUM INTO ?", (str(target),))
    finally:
        conn.close()


def _load_split(path: Path, db_ids: set[str]) -> list[dict[str, str]]:
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise MiniSpiderError(f"{path}: missing split file") from None
    except json.JSONDecodeError as exc:
        raise MiniSpiderError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    if not isinstance(data, list):
        raise MiniSpiderError(f"{path}: expected a JSON list of examples, got {type(data).__name__}")
    examples = []
    for i, item in enumerate(data):
        if not isinstance(item, dict):
            raise MiniSpiderError(f"{path}: example {i}: expected an object with fields {list(_FIELDS)}")
        for field in _FIELDS:
            if not isinstance(item.get(field), str) or not item[field].strip():
                raise MiniSpiderError(f"{path}: example {i}: field {field!r} must be a non-empty string")
        if item["db_id"] not in db_ids:
            raise MiniSpiderError(f"{path}: example {i}: db_id {item['db_id']!r} has no script in sql/ "
                                  f"(known: {', '.join(sorted(db_ids))})")
        examples.append({field: item[field] for field in _FIELDS})
    return examples


def _check_gold(path: Path, examples: list[dict[str, str]], root: Path) -> None:
    connections: dict[str, sqlite3.Connection] = {}
    try:
        for i, ex in enumerate(examples):
            if ex["db_id"] not in connections:
                connections[ex["db_id"]] = _connect_ro(_db_path(root, ex["db_id"]))
            try:
                connections[ex["db_id"]].execute(ex["query"]).fetchall()
            except sqlite3.Error as exc:
                raise MiniSpiderError(f"{path}: example {i} (db_id {ex['db_id']}): gold query fails: {exc}: "
                                      f"{ex['query']}") from exc
    finally:
        for conn in connections.values():
            conn.close()


def _connect_ro(db_path: Path) -> sqlite3.Connection:
    if not db_path.is_file():
        raise MiniSpiderError(f"{db_path}: no such SQLite file")
    return sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)


def _spider_type(declared: str) -> str:
    """Spider's column type vocabulary from a declared SQLite type."""
    decl = declared.upper()
    if "DATE" in decl or "TIME" in decl:
        return "time"
    if "BOOL" in decl:
        return "boolean"
    if any(k in decl for k in ("INT", "REAL", "FLOA", "DOUB", "NUM", "DEC")):
        return "number"
    if any(k in decl for k in ("CHAR", "TEXT", "CLOB", "STRING")) or not decl:
        return "text"
    return "others"


def _natural(name: str) -> str:
    """Spider's readable name: ``birthDate``/``birth_date`` -> ``birth date``."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).replace("_", " ")
    return " ".join(spaced.lower().split())


def _nth(items: list[int], position: int) -> int | None:
    return items[position] if position < len(items) else None


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
