"""Spider text-to-SQL: questions over SQLite databases, scored by execution accuracy.

Data is any Spider-layout folder (`<split>.json` with db_id/question/query, `database/<db_id>/*.sqlite`);
with none given, the mini Spider benchmark the project ships is built and used.
"""
from __future__ import annotations

import hashlib
import json
import re
from functools import cached_property
from pathlib import Path
from typing import Any, Callable, Sequence

from harness.benchmarks.base import Benchmark, find_split_file
from harness.errors import DataError
from harness.io import combined_hash, hash_path
from harness.sql.schema import check_format, render_schema
from harness.types import Example, Message, Scored

HARDNESS_LEVELS = ("easy", "medium", "hard", "extra")
SPLIT_FILES = {"train": ("train_spider.json", "train.json"), "dev": ("dev.json",), "test": ("test.json",)}
_BACKQUOTED = re.compile(r"`([A-Za-z_][A-Za-z0-9_]*)`")


class SpiderBenchmark(Benchmark):
    name = "spider"
    metric_names = ("execution_accuracy", "exact_match")
    breakdown_tags = ("hardness",)
    tag_order = {"hardness": HARDNESS_LEVELS}
    system_prompt = ("You write SQLite queries. Given a database schema and a question, answer with one SQL "
                     "query that answers the question, and nothing else.")
    user_template = "Schema:\n{schema}\n\nQuestion: {question}"

    def __init__(self, data: str | Path | None = None, split: str = "dev", *, exclude_dbs: Sequence[str] = (),
                 include_dbs: Sequence[str] = (), timeout_s: float = 30.0, workers: int | None = None,
                 sql_only: bool = False, value_placeholder: bool = False, keep_distinct: bool = False,
                 schema_format: str = "compact"):
        """`sql_only`: outputs are SQL already (official prediction files) and run exactly as given, as the
        official evaluator runs them, instead of SQL being extracted from model text.
        `keep_distinct`: compare with DISTINCT kept (the official evaluator's --keep_distinct); by default it
        is stripped from both queries, as the official default does.
        `value_placeholder`: replace every "value" in predictions with "1" before executing, as the official
        evaluation.py does (a Spider-era placeholder; it also breaks correct SQL that names a column like
        `market_value`, so it is off by default; turn it on to reproduce evaluation.py's numbers).
        `schema_format`: how the prompt shows the schema, one of harness.sql.schema.SCHEMA_FORMATS (compact,
        ddl, mschema); training and evaluation use the same, so use the one a model was trained with.
        """
        check_format(schema_format)
        self._data = Path(data) if data is not None else None
        self.split = split
        # `-O include_dbs=pets_1` (one name, no brackets) reads as a string, not a list of its letters
        self.exclude_dbs = frozenset([exclude_dbs] if isinstance(exclude_dbs, str) else exclude_dbs)
        self.include_dbs = frozenset([include_dbs] if isinstance(include_dbs, str) else include_dbs)
        self.timeout_s = timeout_s
        self.workers = workers
        self.sql_only = sql_only
        self.value_placeholder = value_placeholder
        self.keep_distinct = keep_distinct
        self.schema_format = schema_format
        self._schemas: dict[str, str] = {}
        if self._data is not None:
            self.split_file  # noqa: B018 - a wrong folder or split fails now, not mid-run

    @cached_property
    def root(self) -> Path:
        """The data folder; the shipped mini Spider is built (once, cached) only when first needed."""
        if self._data is not None:
            return self._data
        from harness.benchmarks.mini_spider import ensure_built

        return Path(ensure_built())

    @property
    def db_dir(self) -> Path:
        return self.root / "database"

    @cached_property
    def split_file(self) -> Path:
        return _split_file(self.root, self.split, None if self._data else "the shipped mini Spider")

    @cached_property
    def _examples(self) -> list[Example]:
        from harness.sql.hardness import hardness

        rows = _read_json_list(self.split_file)
        self._check_db_names(rows)
        examples = []
        for position, row in enumerate(rows):
            for key in ("db_id", "question", "query"):
                if not isinstance(row.get(key), str) or not row[key].strip():
                    raise DataError(f"{self.split_file}: record {position}: field {key!r} must be a non-empty string")
            if row["db_id"] in self.exclude_dbs or (self.include_dbs and row["db_id"] not in self.include_dbs):
                continue
            if not (self.db_dir / row["db_id"]).is_dir():
                raise DataError(f"{self.split_file}: record {position}: database folder "
                                f"{self.db_dir / row['db_id']} does not exist")
            examples.append(Example(
                index=len(examples),
                inputs={"db_id": row["db_id"], "question": row["question"].strip()},
                target=row["query"].strip(),
                tags={"hardness": hardness(row["query"]), "db_id": row["db_id"]},
            ))
        return examples

    def examples(self) -> list[Example]:
        return self._examples

    def _check_db_names(self, rows: list[dict[str, Any]]) -> None:
        """A misspelled include_dbs/exclude_dbs name is an error, not a silently empty or unfiltered run."""
        known = sorted({row["db_id"] for row in rows if isinstance(row, dict) and isinstance(row.get("db_id"), str)})
        for option, names in (("include_dbs", self.include_dbs), ("exclude_dbs", self.exclude_dbs)):
            unknown = sorted(names - set(known))
            if unknown:
                raise DataError(f"-O {option}: no database {', '.join(unknown)} in split {self.split!r}; "
                                f"known: {', '.join(known)}")

    def messages(self, example: Example) -> list[Message]:
        user = self.user_template.format(schema=self.schema(example.inputs["db_id"]),
                                         question=example.inputs["question"])
        return [{"role": "system", "content": self.system_prompt}, {"role": "user", "content": user}]

    def completion(self, example: Example) -> str:
        # Spider's gold is MySQL-style back-quoted; plain identifiers train a cleaner SQLite answer.
        return _BACKQUOTED.sub(r"\1", example.target)

    def schema(self, db_id: str) -> str:
        if db_id not in self._schemas:
            self._schemas[db_id] = render_schema(database_file(self.db_dir, db_id), self.schema_format, db_id)
        return self._schemas[db_id]

    def prompt_identity(self) -> dict[str, str]:
        identity = {**super().prompt_identity(), "schema_format": self.schema_format}
        if self.schema_format != "compact":  # the template's own format keeps the hash earlier runs recorded
            identity["hash"] = hashlib.sha256(f"{identity['hash']}|{self.schema_format}".encode()).hexdigest()[:16]
        return identity

    def score(self, examples: Sequence[Example], outputs: Sequence[str], *,
              on_done: Callable[[int], None] | None = None) -> list[Scored]:
        from harness.sql.execution import ExecItem, score_execution
        from harness.sql.extract import extract_sql
        from harness.sql.normalize import normalize_sql

        extracted = [(o.strip() or None) if self.sql_only else extract_sql(o) for o in outputs]
        executed = [sql.replace("value", "1") if sql and self.value_placeholder else sql for sql in extracted]
        items = [ExecItem(e.inputs["db_id"], e.target, sql) for e, sql in zip(examples, executed)]
        verdicts = score_execution(items, self.db_dir, workers=self.workers, timeout_s=self.timeout_s,
                                   keep_distinct=self.keep_distinct, on_done=on_done)
        records = []
        for example, sql, verdict in zip(examples, extracted, verdicts):
            gold_norm = normalize_sql(example.target)
            exact = sql is not None and gold_norm is not None and normalize_sql(sql) == gold_norm
            correct = verdict.verdict == "correct"
            records.append(Scored(
                prediction=sql, verdict=verdict.verdict, error=verdict.error,
                scores={"execution_accuracy": float(correct), "exact_match": float(exact)},
                details={"exec_seconds": round(verdict.seconds, 6)},
            ))
        return records

    def data_identity(self) -> dict[str, Any]:
        db_ids = sorted({e.inputs["db_id"] for e in self.examples()})
        return {
            "path": str(self.root.resolve()), "split": self.split, "split_sha256": hash_path(self.split_file),
            "databases_sha256": combined_hash([hash_path(self.db_dir / d) for d in db_ids]),
            "n_databases": len(db_ids), "excluded_dbs": sorted(self.exclude_dbs),
            "included_dbs": sorted(self.include_dbs),
        }


def database_file(db_dir: Path, db_id: str) -> Path:
    """`<db_id>.sqlite` in its folder, else the first .sqlite there (test-suite folders hold several)."""
    folder = db_dir / db_id
    main = folder / f"{db_id}.sqlite"
    if main.is_file():
        return main
    found = sorted(folder.glob("*.sqlite"))
    if not found:
        raise DataError(f"{folder}: no .sqlite database file")
    return found[0]


def _split_file(root: Path, split: str, label: str | None = None) -> Path:
    if not root.is_dir():
        raise DataError(f"--data {root}: no such folder (expected a Spider-layout folder with database/)")
    return find_split_file(root, split, SPLIT_FILES, ".json", label)


def _read_json_list(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise DataError(f"{path}: line {err.lineno}: invalid JSON ({err.msg})") from None
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise DataError(f"{path}: expected a JSON list of objects with db_id, question, query")
    return data
