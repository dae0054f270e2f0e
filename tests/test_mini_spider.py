"""The shipped spider-mini benchmark: it builds, every gold query runs, and the cache behaves."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from harness.benchmarks.mini_spider import (
    MINI_SPIDER_DIR,
    MiniSpiderError,
    build,
    ensure_built,
    tables_json,
)
from harness.sql.hardness import hardness


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("spider-mini"))


def _examples(root: Path, split: str) -> list[dict[str, str]]:
    return json.loads((root / f"{split}.json").read_text())


def _db(root: Path, db_id: str) -> Path:
    return root / "database" / db_id / f"{db_id}.sqlite"


def test_layout_and_sizes(built: Path) -> None:
    dev, train = _examples(built, "dev"), _examples(built, "train")
    assert 95 <= len(dev) <= 115 and 55 <= len(train) <= 65
    assert len({ex["db_id"] for ex in dev}) == 5 and len({ex["db_id"] for ex in train}) == 2
    gold = (built / "dev_gold.sql").read_text().splitlines()
    assert gold == [f"{ex['query']}\t{ex['db_id']}" for ex in dev]
    assert sorted(p.name for p in (built / "database").iterdir()) == sorted(
        p.stem for p in (MINI_SPIDER_DIR / "sql").glob("*.sql"))


def test_train_and_dev_databases_are_disjoint(built: Path) -> None:
    dev_dbs = {ex["db_id"] for ex in _examples(built, "dev")}
    train_dbs = {ex["db_id"] for ex in _examples(built, "train")}
    assert not dev_dbs & train_dbs


@pytest.mark.parametrize("split", ["dev", "train"])
def test_every_gold_query_runs_and_returns_rows(built: Path, split: str) -> None:
    empty = []
    for ex in _examples(built, split):
        with sqlite3.connect(_db(built, ex["db_id"])) as conn:
            if not conn.execute(ex["query"]).fetchall():
                empty.append(ex["query"])
    assert len(empty) <= 2, empty


def test_ordered_queries_exist(built: Path) -> None:
    ordered = [ex for ex in _examples(built, "dev") if "ORDER BY" in ex["query"].upper()]
    assert len(ordered) >= 15


def test_questions_are_unique_per_database(built: Path) -> None:
    for split in ("dev", "train"):
        pairs = [(ex["db_id"], ex["question"]) for ex in _examples(built, split)]
        assert len(pairs) == len(set(pairs))


def test_dev_hardness_mix_is_like_spider_dev(built: Path) -> None:
    dev = _examples(built, "dev")
    shares = {level: n / len(dev) for level, n in Counter(hardness(ex["query"]) for ex in dev).items()}
    assert set(shares) == {"easy", "medium", "hard", "extra"}
    assert 0.18 <= shares["easy"] <= 0.32
    assert 0.32 <= shares["medium"] <= 0.48
    assert 0.12 <= shares["hard"] <= 0.25
    assert 0.12 <= shares["extra"] <= 0.24


def test_tables_json_matches_sqlite_schemas(built: Path) -> None:
    entries = {entry["db_id"]: entry for entry in json.loads((built / "tables.json").read_text())}
    assert set(entries) == {p.name for p in (built / "database").iterdir()}
    for db_id, entry in entries.items():
        with sqlite3.connect(_db(built, db_id)) as conn:
            tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            n_columns = sum(len(conn.execute(f"PRAGMA table_info({t})").fetchall()) for t in tables)
            n_foreign = sum(len(conn.execute(f"PRAGMA foreign_key_list({t})").fetchall()) for t in tables)
        assert entry["table_names_original"] == tables
        assert len(entry["column_names_original"]) == n_columns + 1
        assert entry["column_names_original"][0] == [-1, "*"]
        assert len(entry["column_names"]) == len(entry["column_types"]) == n_columns + 1
        assert len(entry["foreign_keys"]) == n_foreign
        assert set(entry["column_types"]) <= {"text", "number", "time", "boolean", "others"}


def test_tables_json_resolves_keys_by_name(tmp_path: Path) -> None:
    db = tmp_path / "shop.sqlite"
    with sqlite3.connect(db) as conn:
        conn.executescript("""
            CREATE TABLE Customer (customerId INTEGER PRIMARY KEY, full_name TEXT, born DATE);
            CREATE TABLE item (a INTEGER, b INTEGER, PRIMARY KEY (a, b));
            CREATE TABLE sale (sale_id INTEGER PRIMARY KEY, buyer INTEGER REFERENCES Customer,
                               x INTEGER, y INTEGER, paid BOOLEAN,
                               FOREIGN KEY (x, y) REFERENCES item(a, b));
        """)
    entry = tables_json(db)
    names = [name for _, name in entry["column_names_original"]]
    assert entry["db_id"] == "shop"
    assert entry["table_names"] == ["customer", "item", "sale"]
    assert entry["column_names"][1] == [0, "customer id"]
    assert entry["column_types"][names.index("born")] == "time"
    assert entry["column_types"][names.index("paid")] == "boolean"
    assert entry["primary_keys"] == [names.index("customerId"), names.index("a"), names.index("b"),
                                     names.index("sale_id")]
    # an implicit reference (REFERENCES Customer) resolves to that table's primary key
    assert sorted(entry["foreign_keys"]) == sorted([
        [names.index("buyer"), names.index("customerId")],
        [names.index("x"), names.index("a")],
        [names.index("y"), names.index("b")],
    ])


def test_build_is_byte_reproducible(built: Path, tmp_path: Path) -> None:
    again = build(tmp_path / "again")
    for path in sorted((built / "database").rglob("*.sqlite")):
        assert (again / path.relative_to(built)).read_bytes() == path.read_bytes(), path.name


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """A private copy of the shipped data, safe to edit."""
    return Path(shutil.copytree(MINI_SPIDER_DIR, tmp_path / "source"))


def test_ensure_built_is_idempotent_and_rebuilds_on_change(source: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = ensure_built(cache, source=source)
    assert first.name.startswith("spider-mini-") and (first / "tables.json").is_file()
    marker = first / "marker"
    marker.write_text("kept")
    assert ensure_built(cache, source=source) == first and marker.exists()

    script = source / "sql" / "library.sql"
    script.write_text(script.read_text() + "INSERT INTO author VALUES (99, 'New Author', 'Irish', 1980);\n")
    second = ensure_built(cache, source=source)
    assert second != first
    with sqlite3.connect(_db(second, "library")) as conn:
        assert conn.execute("SELECT name FROM author WHERE author_id = 99").fetchone() == ("New Author",)
    assert sorted(p.name for p in cache.iterdir()) == sorted([first.name, second.name])  # no temp left


def test_ensure_built_uses_env_cache_dir(source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "env-cache"))
    assert ensure_built(source=source).parent == tmp_path / "env-cache"


def test_failing_gold_query_is_named(source: Path, tmp_path: Path) -> None:
    dev = json.loads((source / "dev.json").read_text())
    dev[3]["query"] = "SELECT no_such_column FROM book"
    (source / "dev.json").write_text(json.dumps(dev))
    with pytest.raises(MiniSpiderError, match=r"dev\.json: example 3 .*no such column"):
        build(tmp_path / "out", source)


def test_bad_script_line_is_reported(source: Path, tmp_path: Path) -> None:
    script = source / "sql" / "clinic.sql"
    lines = script.read_text().splitlines() + ["INSERT INTO nowhere VALUES (1);"]
    script.write_text("\n".join(lines) + "\n")
    with pytest.raises(MiniSpiderError, match=rf"clinic\.sql:{len(lines)}: no such table: nowhere"):
        build(tmp_path / "out", source)


def test_unknown_db_id_and_missing_field_are_reported(source: Path, tmp_path: Path) -> None:
    train = json.loads((source / "train.json").read_text())
    (source / "train.json").write_text(json.dumps(train + [{"db_id": "zoo", "question": "q?", "query": "SELECT 1"}]))
    with pytest.raises(MiniSpiderError, match=rf"train\.json: example {len(train)}: db_id 'zoo' has no script"):
        build(tmp_path / "out", source)
    (source / "train.json").write_text(json.dumps([{"db_id": "university", "question": "q?"}]))
    with pytest.raises(MiniSpiderError, match=r"train\.json: example 0: field 'query'"):
        build(tmp_path / "out2", source)
