"""On-disk caches: generations keyed by everything that determines them, and derived facts about data.

Generations live in SQLite in WAL mode, committed after every batch: a crash or Ctrl-C loses at most the
batch in flight, and a rerun (or a rerun that only changes scoring) regenerates nothing it already has.
Several processes may share one cache file: a busy timeout waits for the writer, and a write that still
finds the database locked is rolled back and retried, so a failed write never leaves the connection inside
a transaction (where every later write would fail too). :class:`BlobCache` is the same store for derived
bytes (gold query results), and :func:`path_hashes` remembers content hashes of files by their stat.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Self, Sequence

from harness.io import hash_path
from harness.types import Generation

_BUSY_TIMEOUT_MS = 30_000
_WRITE_ATTEMPTS = 8


def generation_key(
    model: Mapping[str, Any],
    adapter: Mapping[str, Any] | None,
    messages: Iterable[Mapping[str, str]],
    sampling: Mapping[str, Any],
    backend: str,
) -> str:
    """Stable hash of model identity, adapter identity, prompt, sampling and backend."""
    payload = {
        "model": model,
        "adapter": adapter,
        "messages": list(messages),
        "sampling": sampling,
        "backend": backend,
    }
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


class _Store:
    """A SQLite file in WAL mode shared by processes; every write in its own retried transaction."""

    def __init__(self, path: str | Path, schema: str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=_BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")  # not inside a transaction; waits out the busy timeout
        self._write(lambda db: db.execute(schema))

    def _write(self, statement: Callable[[sqlite3.Connection], object]) -> None:
        """Run ``statement`` in its own transaction; on "database is locked" roll back and retry."""
        for attempt in range(_WRITE_ATTEMPTS):
            try:
                self._db.execute("BEGIN IMMEDIATE")
                statement(self._db)
                self._db.execute("COMMIT")
                return
            except sqlite3.OperationalError as err:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                if "locked" not in str(err) and "busy" not in str(err) or attempt == _WRITE_ATTEMPTS - 1:
                    raise
                time.sleep(0.05 * 2**attempt)
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise

    def _select(self, sql: str, keys: Iterable[str]) -> Iterator[tuple]:
        """Rows of ``sql`` (with one ``{marks}`` for an IN list) for the keys, 500 at a time."""
        keys = list(dict.fromkeys(keys))
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            yield from self._db.execute(sql.format(marks=",".join("?" * len(chunk))), chunk)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class GenerationCache(_Store):
    def __init__(self, path: str | Path):
        super().__init__(path, "CREATE TABLE IF NOT EXISTS generations ("
                               " key TEXT PRIMARY KEY, text TEXT NOT NULL, prompt_tokens INTEGER,"
                               " completion_tokens INTEGER, seconds REAL, created REAL)")

    def get_many(self, keys: Iterable[str]) -> dict[str, Generation]:
        found: dict[str, Generation] = {}
        rows = self._select("SELECT key, text, prompt_tokens, completion_tokens, seconds FROM generations"
                            " WHERE key IN ({marks})", keys)
        for key, text, p, c, s in rows:
            found[key] = Generation(text=text, prompt_tokens=p or 0, completion_tokens=c or 0, seconds=s or 0.0)
        return found

    def put_many(self, items: Iterable[tuple[str, Generation]]) -> None:
        now = time.time()
        rows = [(k, g.text, g.prompt_tokens, g.completion_tokens, g.seconds, now) for k, g in items]
        if rows:
            self._write(lambda db: db.executemany("INSERT OR REPLACE INTO generations VALUES (?, ?, ?, ?, ?, ?)", rows))


class BlobCache(_Store):
    """Bytes by key (derived from data by code: the key must hash everything that determines the value)."""

    def __init__(self, path: str | Path):
        super().__init__(path, "CREATE TABLE IF NOT EXISTS blobs (key TEXT PRIMARY KEY, value BLOB NOT NULL)")

    def get_many(self, keys: Iterable[str]) -> dict[str, bytes]:
        return dict(self._select("SELECT key, value FROM blobs WHERE key IN ({marks})", keys))

    def put_many(self, items: Mapping[str, bytes]) -> None:
        if items:
            self._write(lambda db: db.executemany("INSERT OR REPLACE INTO blobs VALUES (?, ?)", items.items()))


def derived_cache() -> BlobCache:
    """The shared store of facts derived from data: file hashes, gold query results."""
    from harness.paths import cache_dir

    return BlobCache(cache_dir() / "derived.sqlite")


def path_hashes(paths: Sequence[Path], cache: BlobCache) -> dict[Path, str]:
    """:func:`harness.io.hash_path` of each file or folder, read again only when the size, mtime, inode or
    device of one of its files changed (the rule git and make rely on: a write that keeps all four is not
    seen)."""
    keys = {path: f"hash:{_stat_key(path)}" for path in paths}
    known = cache.get_many(keys.values())
    found = {path: known[key].decode() for path, key in keys.items() if key in known}
    fresh = {path: hash_path(path) for path in paths if path not in found}
    cache.put_many({keys[path]: digest.encode() for path, digest in fresh.items()})
    return {path: found.get(path) or fresh[path] for path in paths}


def first_failure(paths: Sequence[Path], check: Callable[[Path], str | None], cache: BlobCache,
                  name: str) -> str | None:
    """What ``check`` (named ``name``) says about the first path that fails it, or None; a path that passed
    before and has not changed since (by the rule of :func:`path_hashes`) is not checked again."""
    keys = {path: f"{name}:{_stat_key(path)}" for path in paths}
    passed = cache.get_many(keys.values())
    newly = {}
    try:
        for path in paths:
            if keys[path] not in passed:
                if problem := check(path):
                    return problem
                newly[keys[path]] = b""
    finally:
        cache.put_many(newly)
    return None


def _stat_key(path: Path) -> str:
    """The path with the size, mtime, inode and device of the file (of a folder: of every file within)."""
    root = os.path.abspath(path)
    if os.path.isfile(root):
        st = os.stat(root)
        return f"{root}:{st.st_size}:{st.st_mtime_ns}:{st.st_ino}:{st.st_dev}"
    stats = []
    for f in sorted(p for p in Path(root).rglob("*") if p.is_file()):
        st = f.stat()
        stats.append((str(f.relative_to(root)), st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev))
    return f"{root}/:" + hashlib.sha256(json.dumps(stats).encode()).hexdigest()


def cached_json(folder: Path, name: str, key: Mapping[str, Any], compute: Callable[[], Any]) -> Any:
    """``compute()``'s JSON-able result, stored once per ``key`` as ``folder/<name>-<hash of key>.json``.

    For facts derived from data by code (gold hardness, normalised gold SQL): the key holds content hashes
    of both. An unreadable file is recomputed; writes are atomic, so concurrent runs are safe."""
    digest = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:32]
    path = folder / f"{name}-{digest}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    value = compute()
    folder.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)
    return value
