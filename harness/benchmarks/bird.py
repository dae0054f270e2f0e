"""BIRD text-to-SQL: questions with external-knowledge evidence over SQLite databases, scored as BIRD's
official scripts (bird-bench/mini_dev ``evaluation/``) score them.

Data is a BIRD-layout folder: ``dev.json`` / ``train.json`` (a JSON list or JSONL of rows with ``db_id``,
``question``, ``evidence``, ``SQL`` and, in dev, ``question_id`` and ``difficulty``),
``<split>_databases/<db_id>/<db_id>.sqlite`` and ``<split>_databases/<db_id>/database_description/<table>.csv``.
With none given, the mini BIRD benchmark the project ships is built and used.

Metrics (:mod:`harness.metrics.bird`): execution accuracy as result-set equality (a timeout or error is
wrong), Soft-F1 per example, and R-VES when ``ves_repeats`` > 0 (timing-based, so hardware-dependent).
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sqlite3
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Callable, Sequence

from harness.benchmarks.base import Benchmark, find_split_file
from harness.benchmarks.spider import database_file
from harness.errors import DataError
from harness.io import combined_hash, hash_path, read_json_rows
from harness.options import make_options, option
from harness.sql.schema import render_schema
from harness.types import Example, Message, Scored

DIFFICULTIES = ("simple", "moderate", "challenging")
SPLIT_FILES = {"dev": ("dev.json", "dev.jsonl", "mini_dev_sqlite.json", "mini_dev_sqlite.jsonl"),
               "train": ("train.json", "train.jsonl")}
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class BirdConfig:
    evidence: bool = option(True, help="put each question's evidence in the prompt (BIRD reports both)")
    descriptions: bool = option(False, help="add the column and value descriptions of database_description/*.csv")
    sample_values: int = option(0, help="add up to this many distinct values per column, read from the database")
    exclude_dbs: Sequence[str] = option((), help="databases whose questions are left out")
    include_dbs: Sequence[str] = option((), help="only these databases' questions (empty: all)")
    timeout_s: float = option(30.0, help="seconds per query; a timeout is wrong")
    workers: int | None = option(None, help="processes executing SQL (default: chosen from the number of queries)")
    sql_only: bool = option(False, help="outputs are SQL already (official prediction files), run as given")
    ves_repeats: int = option(0, help="time each correct prediction and its gold this many times for R-VES (the "
                                      "official script uses 100; at least 2); 0 = off")


class BirdBenchmark(Benchmark):
    name = "bird"
    metric_names = ("execution_accuracy", "soft_f1", "r_ves")
    breakdown_tags = ("difficulty",)
    tag_order = {"difficulty": DIFFICULTIES}
    system_prompt = ("You write SQLite queries. Given a database schema, a question and evidence (external "
                     "knowledge that may help), answer with one SQL query that answers the question, and nothing else.")

    Config = BirdConfig

    def __init__(self, data: str | Path | None = None, split: str = "dev", **options: Any):
        """`options`: BirdConfig fields. R-VES needs ves_repeats >= 2: the official outlier filter drops everything
        from one run."""
        config = self.config = make_options(BirdConfig, options, "benchmark 'bird'")
        ves_repeats, sample_values = config.ves_repeats, config.sample_values
        if ves_repeats < 0 or ves_repeats == 1:
            raise DataError(f"-O ves_repeats={ves_repeats}: expected 0 (off) or at least 2")
        if sample_values < 0:
            raise DataError(f"-O sample_values={sample_values}: expected a count >= 0")
        self._data = Path(data) if data is not None else None
        self.split = split
        self.evidence = config.evidence
        self.descriptions = config.descriptions
        self.sample_values = sample_values
        self.exclude_dbs = frozenset(config.exclude_dbs)
        self.include_dbs = frozenset(config.include_dbs)
        self.timeout_s = config.timeout_s
        self.workers = config.workers
        self.sql_only = config.sql_only
        self.ves_repeats = ves_repeats
        self._schemas: dict[str, str] = {}
        if self._data is not None:
            self.split_file  # noqa: B018 - a wrong folder or split fails now, not mid-run

    @property
    def user_template(self) -> str:  # type: ignore[override]
        if self.evidence:
            return "Schema:\n{schema}\n\nQuestion: {question}\nEvidence: {evidence}"
        return "Schema:\n{schema}\n\nQuestion: {question}"

    @cached_property
    def root(self) -> Path:
        """The data folder; the shipped mini BIRD is built (once, cached) only when first needed."""
        if self._data is not None:
            return self._data
        from harness.benchmarks.bird_mini import ensure_built

        return Path(ensure_built())

    @property
    def db_dir(self) -> Path:
        return self.root / f"{self.split}_databases"

    @cached_property
    def split_file(self) -> Path:
        if not self.root.is_dir():
            raise DataError(f"--data {self.root}: no such folder (expected a BIRD-layout folder with "
                            f"dev.json and dev_databases/)")
        return find_split_file(self.root, self.split, SPLIT_FILES, ".json")

    @cached_property
    def _examples(self) -> list[Example]:
        from harness.sql.sandbox import probe_database

        examples, probed = [], set()
        for where, row in read_json_rows(self.split_file):
            for key in ("db_id", "question", "SQL"):
                if not isinstance(row.get(key), str) or not row[key].strip():
                    raise DataError(f"{where}: field {key!r} must be a non-empty string")
            if not isinstance(row.get("evidence", ""), str):
                raise DataError(f"{where}: field 'evidence' must be a string")
            difficulty = row.get("difficulty")
            if difficulty is not None and difficulty not in DIFFICULTIES:
                raise DataError(f"{where}: field 'difficulty' must be one of {', '.join(DIFFICULTIES)}, "
                                f"not {difficulty!r}")
            db_id = row["db_id"]
            if db_id in self.exclude_dbs or (self.include_dbs and db_id not in self.include_dbs):
                continue
            if not (self.db_dir / db_id).is_dir():
                raise DataError(f"{where}: database folder {self.db_dir / db_id} does not exist")
            if db_id not in probed:  # a corrupt file is one line naming it, before any work
                probed.add(db_id)
                if problem := probe_database(database_file(self.db_dir, db_id)):
                    raise DataError(problem)
            inputs = {"db_id": db_id, "question": row["question"].strip(),
                      "evidence": row.get("evidence", "").strip()}
            if "question_id" in row:
                inputs["question_id"] = row["question_id"]
            tags = {"db_id": db_id, **({"difficulty": difficulty} if difficulty else {})}
            examples.append(Example(index=len(examples), inputs=inputs, target=row["SQL"].strip(), tags=tags))
        return examples

    def examples(self) -> list[Example]:
        return self._examples

    def messages(self, example: Example) -> list[Message]:
        user = self.user_template.format(schema=self.schema(example.inputs["db_id"]),
                                         question=example.inputs["question"],
                                         evidence=example.inputs["evidence"] or "(none)")
        return [{"role": "system", "content": self.system_prompt}, {"role": "user", "content": user}]

    def completion(self, example: Example) -> str:
        return example.target

    def schema(self, db_id: str) -> str:
        """Compact schema (as Spider's), then notes per column: CSV descriptions and sample values."""
        if db_id not in self._schemas:
            db = database_file(self.db_dir, db_id)
            notes: dict[tuple[str, str], list[str]] = {}
            if self.descriptions:
                for key, text in read_descriptions(self.db_dir / db_id / "database_description").items():
                    notes.setdefault(key, []).append(text)
            if self.sample_values:
                for key, values in sample_values(db, self.sample_values).items():
                    notes.setdefault(key, []).append("e.g. " + ", ".join(values))
            text = render_schema(db, "compact")
            if notes:
                text += "\n\nColumns:\n" + "\n".join(f"{t}.{c}: {'; '.join(n)}" for (t, c), n in notes.items())
            self._schemas[db_id] = text
        return self._schemas[db_id]

    def prompt_identity(self) -> dict[str, str]:
        shape = {"evidence": self.evidence, "descriptions": self.descriptions, "sample_values": self.sample_values}
        text = json.dumps({"system": self.system_prompt, "user": self.user_template, **shape}, sort_keys=True)
        return {"system": self.system_prompt, "user_template": self.user_template,
                "schema_notes": json.dumps(shape, sort_keys=True), "hash": hashlib.sha256(text.encode()).hexdigest()[:16]}

    def score(self, examples: Sequence[Example], outputs: Sequence[str], *,
              on_done: Callable[[int], None] | None = None) -> list[Scored]:
        from harness.metrics.bird import r_ves_score, ves_reward
        from harness.runs.cache import derived_cache
        from harness.sql.execution import ExecItem, score_execution
        from harness.sql.extract import extract_sql

        extracted = [(o.strip() or None) if self.sql_only else extract_sql(o) for o in outputs]
        items = [ExecItem(e.inputs["db_id"], e.target, sql) for e, sql in zip(examples, extracted)]
        with derived_cache() as gold_cache:  # gold results persist across runs, as for Spider
            verdicts = score_execution(items, self.db_dir, workers=self.workers, timeout_s=self.timeout_s,
                                       on_done=on_done, comparison="set", gold_cache=gold_cache)
        records = []
        for example, sql, verdict in zip(examples, extracted, verdicts):
            correct = verdict.verdict == "correct"
            record = Scored(sql, verdict.verdict, {"execution_accuracy": float(correct), "soft_f1": verdict.soft_f1},
                            verdict.error, {"exec_seconds": round(verdict.seconds, 6)})
            if self.ves_repeats:
                ratio = self._time_ratio(example, sql) if correct and sql else 0.0
                record.details["ves_time_ratio"] = ratio
                record.scores["r_ves"] = r_ves_score(ves_reward(ratio))
            records.append(record)
        return records

    def _time_ratio(self, example: Example, sql: str) -> float:
        """Official R-VES timing: gold and prediction run alternately `ves_repeats` times, full results fetched."""
        import time

        from harness.metrics.bird import time_ratio
        from harness.sql.sandbox import execute, open_readonly

        conn = open_readonly(database_file(self.db_dir, example.inputs["db_id"]))
        try:
            pred_s, gold_s = [], []
            for _ in range(self.ves_repeats):
                for query, times in ((sql, pred_s), (example.target, gold_s)):
                    start = time.perf_counter()
                    result = execute(conn, query, timeout_s=self.timeout_s, max_rows=10**9)
                    times.append(time.perf_counter() - start)
                    if result.rows is None:
                        return 0.0
            return time_ratio(gold_s, pred_s)
        finally:
            conn.close()

    def summary_extra(self) -> dict[str, Any]:
        if not self.ves_repeats:
            return {"r_ves": "not computed (-O ves_repeats=N, N >= 2; the official script uses 100)"}
        return {"r_ves": {"repeats": self.ves_repeats, "hardware_dependent": True,
                          "note": "R-VES scores execution time against gold's on this machine: compare only "
                                  "runs measured on the same hardware and load. Per example sqrt(reward); "
                                  "the official figure is the mean times 100."}}

    def data_identity(self) -> dict[str, Any]:
        db_ids = sorted({e.inputs["db_id"] for e in self.examples()})
        return {
            "path": str(self.root.resolve()), "split": self.split, "split_sha256": hash_path(self.split_file),
            "databases_sha256": combined_hash([hash_path(self.db_dir / d) for d in db_ids]),
            "n_databases": len(db_ids), "excluded_dbs": sorted(self.exclude_dbs),
            "included_dbs": sorted(self.include_dbs),
        }


def read_csv_text(path: Path) -> str:
    """A description CSV's text. The real files are mostly UTF-8, some with a BOM, some Windows-1252."""
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")  # every byte is a character: never fails


def read_descriptions(folder: Path) -> dict[tuple[str, str], str]:
    """(table, column) -> "description; values: value description" from BIRD's `<table>.csv` files.

    A description that only repeats the column name is left out; missing files or columns give nothing.
    """
    notes: dict[tuple[str, str], str] = {}
    for path in sorted(folder.glob("*.csv")) if folder.is_dir() else []:
        reader = csv.DictReader(io.StringIO(read_csv_text(path)))
        for row in reader:
            row = {(k or "").strip().lower(): _SPACES.sub(" ", v or "").strip() for k, v in row.items()}
            column = row.get("original_column_name", "")
            if not column:
                continue
            parts = []
            description = row.get("column_description") or row.get("column_name", "")
            if description and description.lower() != column.lower():
                parts.append(description)
            if row.get("value_description"):
                parts.append(f"values: {row['value_description']}")
            if parts:
                notes[(path.stem, column)] = "; ".join(parts)
    return notes


def sample_values(db_path: Path, n: int, max_chars: int = 40) -> dict[tuple[str, str], list[str]]:
    """(table, column) -> up to `n` distinct non-null values, each cut to `max_chars`; read with LIMIT, so a
    large table is never loaded whole."""
    conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
    conn.text_factory = lambda b: b.decode(errors="replace")
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid")]
        out: dict[tuple[str, str], list[str]] = {}
        for table in tables:
            quoted = '"' + table.replace('"', '""') + '"'
            for column in [r[1] for r in conn.execute(f"PRAGMA table_info({quoted})")]:
                col = '"' + column.replace('"', '""') + '"'
                rows = conn.execute(f"SELECT DISTINCT {col} FROM {quoted} WHERE {col} IS NOT NULL LIMIT {n}")
                values = [repr(v) if isinstance(v, str) else str(v) for (v,) in rows]
                if values:
                    out[(table, column)] = [v if len(v) <= max_chars else v[: max_chars - 3] + "..." for v in values]
        return out
    finally:
        conn.close()
