"""Reading existing predictions for `harness score`, in every format we accept, aligned with the split.

- our JSONL: objects with `index` and `prediction` (or `raw_output`, as in a run's records.jsonl), any order;
- a JSON object keyed by question id (the example's index in the split, as a string: `{"0": "SQL", ...}`),
  BIRD's official `{"0": "SQL\t----- bird -----\tdb_id", ...}` read as its scripts read it (the SQL before
  the separator; a non-string value is no SQL), or a JSON list with one prediction per example;
- plain text, one prediction per line (Spider's official format): line i is example i.

Plain-text files are split on "\\n" only ("\\r\\n" too): a form feed or a Unicode line separator inside SQL
stays inside its line, so no later prediction can shift. Surrounding whitespace is dropped, as are blank
lines past the last example, and a trailing `\\t<db_id>` (the official `SQL\\tdb_id` lines), while a tab
inside the SQL (a string literal) is kept. Text must be valid UTF-8 without lone surrogates (a JSON
`"\\udc80"` escape): the error names the file and line.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Mapping

from harness.errors import DataError
from harness.io import read_text

_DB_SUFFIX = re.compile(r"\t[A-Za-z0-9_]+\s*$")
_INDEX_KEY = re.compile(r"0|[1-9][0-9]*")
BIRD_SEPARATOR = "\t----- bird -----\t"


def is_jsonl(path: str | Path) -> bool:
    """Whether a predictions file is our JSONL of model outputs (else: SQL or text per example)."""
    text = read_text(path)
    return _looks_like_our_jsonl(next((line for line in text.split("\n") if line.strip()), ""))


def read_predictions(path: str | Path, n_examples: int, *, allow_extra: bool = False) -> list[str]:
    """Predictions aligned with the split's first `n_examples` examples (formats: see the module docstring).

    Every example must have a prediction: a gap is an error, not a silent zero. Predictions beyond the
    examples are an error too (a misaligned file), unless `allow_extra` (scoring only the first examples).
    """
    path = Path(path)
    text = read_text(path)
    lines = text.split("\n")
    first = next((line for line in lines if line.strip()), "")
    if _looks_like_our_jsonl(first):
        found = _read_jsonl(path, lines)
    elif first.lstrip().startswith(("{", "[")) and _is_json(text):
        found = _read_json(path, json.loads(text))
    else:
        if lines and lines[-1] == "":
            lines.pop()  # the newline that ends the last line starts no new one
        while len(lines) > n_examples and not lines[-1].strip():
            lines.pop()  # blank lines past the examples are padding; within them, an empty prediction
        found = {i: _DB_SUFFIX.sub("", line.removesuffix("\r")).strip() for i, line in enumerate(lines)}
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


def _looks_like_our_jsonl(first_line: str) -> bool:
    """JSONL only if the first line is an object with an `index`: a raw JSON answer per line is plain text."""
    try:
        row = json.loads(first_line)
    except json.JSONDecodeError:
        return False
    return isinstance(row, dict) and "index" in row


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except json.JSONDecodeError:
        return False
    return True


def _check_unicode(where: str, prediction: str) -> None:
    """JSON escapes can encode lone surrogates, which no UTF-8 file (records.jsonl included) can hold."""
    try:
        prediction.encode("utf-8")
    except UnicodeEncodeError as err:
        raise DataError(f"{where}: prediction holds a lone surrogate {prediction[err.start]!r} at character "
                        f"{err.start} (not valid Unicode text)") from None


def _read_json(path: Path, data: object) -> dict[int, str]:
    """A JSON list (one prediction per example) or an object keyed by question id (BIRD's format too)."""
    if isinstance(data, list):
        items = [(str(i), value) for i, value in enumerate(data)]
    elif isinstance(data, dict):
        items = list(data.items())
    else:
        raise DataError(f"{path}: expected a JSON object keyed by question id or a list of predictions")
    found: dict[int, str] = {}
    for key, value in items:
        if not _INDEX_KEY.fullmatch(key):
            raise DataError(f"{path}: key {key!r}: expected a question id (the example's index: 0, 1, ...)")
        if not isinstance(value, str):  # as BIRD's scripts read it: no SQL
            found[int(key)] = ""
            continue
        _check_unicode(f"{path}: key {key!r}", value)
        parts = value.split(BIRD_SEPARATOR)
        if len(parts) == 2:
            found[int(key)] = parts[0]
        elif len(parts) > 2:  # ambiguous (the official scripts fail on it): kept whole
            found[int(key)] = value.strip()
        else:  # `SQL` or Spider's `SQL\tdb_id`
            found[int(key)] = _DB_SUFFIX.sub("", value).strip()
    return found


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
        _check_unicode(f"{path}: line {lineno}", text)
        found[index] = text
    return found
