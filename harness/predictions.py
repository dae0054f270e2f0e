"""Reading existing predictions for `harness score`: our JSONL, or one raw output per line (official format)."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Mapping

from harness.errors import DataError

_DB_SUFFIX = re.compile(r"\t[A-Za-z0-9_]+\s*$")
BIRD_SEPARATOR = "\t----- bird -----\t"


def is_jsonl(path: str | Path) -> bool:
    """Whether a predictions file is our JSONL (else: one raw prediction per line)."""
    try:
        with open(path, encoding="utf-8") as fh:
            first = next((line for line in fh if line.strip()), "")
    except (OSError, UnicodeDecodeError) as err:
        raise DataError(f"--predictions {path}: cannot read ({err})") from None
    return _looks_like_our_jsonl(first)


def read_predictions(path: str | Path, n_examples: int, *, allow_extra: bool = False) -> list[str]:
    """Predictions aligned with the split's first `n_examples` examples.

    JSONL: objects with `index` and `prediction` (or `raw_output`, as in our records.jsonl), any order.
    BIRD's official JSON: one object ``{"0": "SQL\\t----- bird -----\\tdb_id", ...}``, keys the example indices.
    Plain text: line i is example i; a trailing `\\t<db_id>` is dropped (the official evaluator's `SQL\\tdb_id`
    lines), while a tab inside the SQL (a string literal) is kept.
    Every example must have a prediction: a gap is an error, not a silent zero. Predictions beyond the
    examples are an error too (a misaligned file), unless `allow_extra` (scoring only the first examples).
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise DataError(f"--predictions {path}: cannot read ({err})") from None
    jsonl = _looks_like_our_jsonl(next((line for line in lines if line.strip()), ""))
    bird = None if jsonl else _bird_json(path, "\n".join(lines))
    if bird is not None:
        found = bird
    elif jsonl:
        found = _read_jsonl(path, lines)
    else:
        found = {i: _DB_SUFFIX.sub("", line) for i, line in enumerate(lines)}
    return aligned(found, n_examples, allow_extra=allow_extra, where=str(path))


def aligned(found: Mapping[int, str], n_examples: int, *, allow_extra: bool = False,
            where: str = "predictions") -> list[str]:
    """Predictions by example index -> a list for the first `n_examples`; gaps and extras are errors."""
    extra = sorted(i for i in found if i >= n_examples)
    if extra and not allow_extra:
        raise DataError(f"{where}: {len(extra)} predictions beyond the {n_examples} examples of the split "
                        f"(first: index {extra[0]}); is it the right split?")
    missing = [i for i in range(n_examples) if i not in found]
    if missing:
        shown = ", ".join(map(str, missing[:10])) + (" ..." if len(missing) > 10 else "")
        raise DataError(f"{where}: no prediction for {len(missing)} of {n_examples} examples (index {shown}); "
                        f"pass --limit to score only the first examples")
    bad = next((i for i in range(n_examples) if not isinstance(found[i], str)), None)
    if bad is not None:
        raise DataError(f"{where}: prediction {bad} must be a string, got {type(found[bad]).__name__}")
    return [found[i] for i in range(n_examples)]


def _bird_json(path: Path, text: str) -> dict[int, str] | None:
    """BIRD's official prediction JSON read as its scripts read it (the SQL before the separator; a value
    without one is the whole SQL, stripped; a non-string is no SQL), or None if the file is not one."""
    if not text.lstrip().startswith("{"):
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return None
    if not isinstance(data, dict) or "index" in data:
        return None
    found: dict[int, str] = {}
    for key, value in data.items():
        if not key.strip().isdigit():
            raise DataError(f"{path}: key {key!r}: BIRD prediction keys must be example indices (\"0\", \"1\", ...)")
        if not isinstance(value, str):
            found[int(key)] = ""
            continue
        parts = value.split(BIRD_SEPARATOR)
        found[int(key)] = parts[0] if len(parts) == 2 else value.strip()
    return found


def _looks_like_our_jsonl(first_line: str) -> bool:
    """JSONL only if the first line is an object with an `index`: a raw JSON answer per line is plain text."""
    try:
        row = json.loads(first_line)
    except json.JSONDecodeError:
        return False
    return isinstance(row, dict) and "index" in row


def _read_jsonl(path: Path, lines: list[str]) -> dict[int, str]:
    found: dict[int, str] = {}
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            raise DataError(f"{path}: line {lineno}: invalid JSON ({err.msg})") from None
        index = row.get("index") if isinstance(row, dict) else None
        if not isinstance(index, int) or isinstance(index, bool) or index < 0:
            raise DataError(f"{path}: line {lineno}: field 'index' must be a non-negative integer")
        # A run's records.jsonl holds the model's text in raw_output (its `prediction` is what was scored).
        field = "raw_output" if "raw_output" in row else "prediction"
        text = row.get(field)
        if not isinstance(text, str):
            raise DataError(f"{path}: line {lineno}: field {field!r} must be a string")
        if index in found:
            raise DataError(f"{path}: line {lineno}: index {index} appears twice")
        found[index] = text
    return found
