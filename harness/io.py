"""Reading inputs and fingerprinting them: content hashes and JSON/JSONL row readers with locations."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Iterable

from harness.errors import DataError

Row = tuple[str, dict[str, Any]]
"""A record and where it came from: ("file: line N" or "file: record N", the object)."""


def hash_path(path: str | Path, *, max_bytes: int = 4 << 30) -> str:
    """sha256 over a file, or over the relative names and contents of every file in a folder.

    Folders larger than `max_bytes` are fingerprinted by names and sizes only (prefix 'sizes:'), so that
    hashing a 30 GB checkpoint does not dominate a run.
    """
    path = Path(path)
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    digest = hashlib.sha256()
    by_content = sum(f.stat().st_size for f in files) <= max_bytes
    for f in files:
        digest.update(str(f.relative_to(path) if f != path else f.name).encode())
        if by_content:
            with open(f, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(block)
        else:
            digest.update(str(f.stat().st_size).encode())
    return ("" if by_content else "sizes:") + digest.hexdigest()


def combined_hash(hashes: Iterable[str]) -> str:
    """One hash for several (a split's databases)."""
    return hashlib.sha256("".join(hashes).encode()).hexdigest()


def read_text(path: str | Path) -> str:
    """A UTF-8 text file, or a DataError naming the file (and the line of a bad byte)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise DataError(f"{path}: cannot read ({err.strerror or err})") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise DataError(f"{path}: line {line}: not valid UTF-8 (byte {data[err.start]:#04x})") from None


def read_json_rows(path: str | Path) -> list[Row]:
    """Objects from a JSON list or a JSONL file, each with its location ("file: line N" / "file: record N")."""
    path = Path(path)
    text = read_text(path)
    if text.lstrip().startswith("["):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise DataError(f"{path}: line {err.lineno}: invalid JSON ({err.msg})") from None
        rows = [(f"{path}: record {i}", row) for i, row in enumerate(data)]
    else:
        rows = []
        for lineno, line in enumerate(text.split("\n"), start=1):
            if line.strip():
                try:
                    rows.append((f"{path}: line {lineno}", json.loads(line)))
                except json.JSONDecodeError as err:
                    raise DataError(f"{path}: line {lineno}: invalid JSON ({err.msg})") from None
    for where, row in rows:
        if not isinstance(row, dict):
            raise DataError(f"{where}: expected a JSON object, got {type(row).__name__}")
    return rows
