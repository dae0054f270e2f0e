"""On-disk cache of generations, keyed by everything that determines them.

SQLite in WAL mode, committed after every batch: a crash or Ctrl-C loses at most the batch in flight,
and a rerun (or a rerun that only changes scoring) regenerates nothing it already has.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from pathlib import Path
from typing import Any, Iterable, Mapping

from harness.types import Generation


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


class GenerationCache:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS generations ("
            " key TEXT PRIMARY KEY, text TEXT NOT NULL, prompt_tokens INTEGER, completion_tokens INTEGER,"
            " seconds REAL, created REAL)"
        )
        self._db.commit()

    def get_many(self, keys: Iterable[str]) -> dict[str, Generation]:
        found: dict[str, Generation] = {}
        keys = list(dict.fromkeys(keys))
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT key, text, prompt_tokens, completion_tokens, seconds FROM generations WHERE key IN ({marks})",
                chunk,
            )
            for key, text, p, c, s in rows:
                found[key] = Generation(text=text, prompt_tokens=p or 0, completion_tokens=c or 0, seconds=s or 0.0)
        return found

    def put_many(self, items: Iterable[tuple[str, Generation]]) -> None:
        now = time.time()
        self._db.executemany(
            "INSERT OR REPLACE INTO generations VALUES (?, ?, ?, ?, ?, ?)",
            [(k, g.text, g.prompt_tokens, g.completion_tokens, g.seconds, now) for k, g in items],
        )
        self._db.commit()

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "GenerationCache":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
