"""The small BIRD-layout benchmark the project ships ("bird-mini").

The data lives as text under ``benchmarks/bird-mini/``: ``<split>_databases/<db_id>/<db_id>.sql`` (one SQL
script per database), ``<split>_databases/<db_id>/database_description/<table>.csv`` (BIRD's column and value
descriptions, with the encoding quirks of the real files: one is Windows-1252, one starts with a BOM), and
``dev.json`` / ``train.json`` (BIRD rows). :func:`build` turns it into BIRD's layout::

    dev.json, train.json                                  the rows, as shipped
    dev_gold.sql, train_gold.sql                          "<SQL>\\t<db_id>" per line (what the official scripts read)
    <split>_databases/<db_id>/<db_id>.sqlite              one SQLite file per script
    <split>_databases/<db_id>/database_description/*.csv  copied byte for byte

and :func:`ensure_built` does that once per content hash into the cache folder, like mini Spider.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

from harness.benchmarks.mini_spider import MiniSpiderError, build_database, built_once

MINI_BIRD_DIR: Path = Path(__file__).resolve().parents[2] / "benchmarks" / "bird-mini"
SPLITS: tuple[str, ...] = ("dev", "train")
_BUILD_VERSION = "1"


def build(dest: str | Path, source: str | Path | None = None) -> Path:
    """Build BIRD's layout at ``dest``; every gold query runs once, and a failing one aborts the build."""
    source, dest = Path(source or MINI_BIRD_DIR), Path(dest)
    for split in SPLITS:
        for script in sorted((source / f"{split}_databases").glob("*/*.sql")):
            folder = dest / f"{split}_databases" / script.parent.name
            build_database(script, folder / f"{script.stem}.sqlite")
            descriptions = script.parent / "database_description"
            if descriptions.is_dir():
                shutil.copytree(descriptions, folder / "database_description")
        rows = json.loads((source / f"{split}.json").read_text(encoding="utf-8"))
        for i, row in enumerate(rows):
            db = dest / f"{split}_databases" / row["db_id"] / f"{row['db_id']}.sqlite"
            if not db.is_file():
                raise MiniSpiderError(f"{source / f'{split}.json'}: record {i}: no database script for {row['db_id']!r}")
            conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
            try:
                conn.execute(row["SQL"]).fetchall()
            except sqlite3.Error as exc:
                raise MiniSpiderError(f"{source / f'{split}.json'}: record {i}: gold SQL fails: {exc}") from exc
            finally:
                conn.close()
        shutil.copyfile(source / f"{split}.json", dest / f"{split}.json")
        (dest / f"{split}_gold.sql").write_text("".join(f"{r['SQL']}\t{r['db_id']}\n" for r in rows), encoding="utf-8")
    return dest


def ensure_built(cache_dir: str | Path | None = None, source: str | Path | None = None) -> Path:
    """A built copy in ``<cache>/bird-mini-<hash12>``, built once per content of ``source`` (as mini Spider)."""
    source = Path(source or MINI_BIRD_DIR)
    return built_once("bird-mini", content_hash(source), lambda tmp: build(tmp, source), cache_dir)


def content_hash(source: str | Path | None = None) -> str:
    """sha256 over the builder version and every input file."""
    source = Path(source or MINI_BIRD_DIR)
    digest = hashlib.sha256(_BUILD_VERSION.encode())
    inputs = sorted(p for split in SPLITS for p in (source / f"{split}_databases").rglob("*") if p.is_file())
    for path in inputs + [source / f"{split}.json" for split in SPLITS]:
        digest.update(path.relative_to(source).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()
