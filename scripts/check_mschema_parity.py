"""Check harness's M-Schema rendering (harness/sql/schema.py) against XGenerationLab/M-Schema's own code.

Needs SQLAlchemy and a local copy of M-Schema's `schema_engine.py`, `m_schema.py` and `utils.py` (none is
shipped: clone github.com/XGenerationLab/M-Schema and `git checkout 69d6249^`, the version before its
multi-schema change, which prefixes SQLite tables with `main.` and drops their foreign keys). llama-index,
which schema_engine.py imports only for its `SQLDatabase` base class, is replaced by a stand-in with what
SchemaEngine uses: the engine, an inspector, metadata, and the usable tables in name order.

    python scripts/check_mschema_parity.py M_SCHEMA_DIR path/to/spider/database [more .sqlite files or folders]

Prints how many databases render identically and the first differing lines of the others; exit status 1 if any
differ.
"""
from __future__ import annotations

import argparse
import difflib
import sys
import types
from pathlib import Path

from harness.sql.schema import render_schema


def _install_llama_index_stand_in() -> None:
    from sqlalchemy import MetaData, inspect

    class SQLDatabase:
        def __init__(self, engine, schema=None, metadata=None, *args, **kwargs):  # noqa: ANN001 (its signature)
            self._engine = engine
            self._schema = schema
            self._inspector = inspect(engine)
            self.metadata_obj = metadata or MetaData()
            self._usable_tables = sorted(self._inspector.get_table_names(schema=schema))

    core = types.ModuleType("llama_index.core")
    core.SQLDatabase = SQLDatabase  # type: ignore[attr-defined]
    sys.modules["llama_index"] = types.ModuleType("llama_index")
    sys.modules["llama_index.core"] = core


def _databases(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        found += sorted(path.rglob("*.sqlite")) if path.is_dir() else [path]
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mschema_dir", type=Path, help="folder with M-Schema's schema_engine.py, m_schema.py, utils.py")
    parser.add_argument("databases", type=Path, nargs="+", help=".sqlite files or folders holding them")
    parser.add_argument("--show", type=int, default=3, help="differing databases to show (default 3)")
    args = parser.parse_args(argv)
    _install_llama_index_stand_in()
    sys.path.insert(0, str(args.mschema_dir.resolve()))
    from schema_engine import SchemaEngine  # M-Schema's code
    from sqlalchemy import create_engine

    databases = _databases(args.databases)
    differing = []
    for db in databases:
        engine = create_engine(f"sqlite:///{db.resolve()}")
        try:
            theirs = SchemaEngine(engine=engine, db_name=db.stem).mschema.to_mschema()
        finally:
            engine.dispose()
        ours = render_schema(db, "mschema", db.stem)
        if ours != theirs:
            differing.append((db, list(difflib.unified_diff(theirs.splitlines(), ours.splitlines(), "M-Schema",
                                                            "harness", n=0, lineterm=""))))
    print(f"{len(databases) - len(differing)}/{len(databases)} databases render identically")
    for db, diff in differing[:args.show]:
        print(f"\n{db}:\n" + "\n".join(diff[:12]))
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
