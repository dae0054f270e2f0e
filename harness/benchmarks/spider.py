"""Spider text-to-SQL: questions over SQLite databases, scored by execution accuracy.

Data is any Spider-layout folder (`<split>.json` with db_id/question/query, `database/<db_id>/*.sqlite`);
with none given, the mini Spider benchmark the project ships is built and used.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from functools import cached_property
from pathlib import Path
from typing import Any, Callable, Sequence

from harness.benchmarks.base import Benchmark, find_split_file
from harness.errors import DataError
from harness.io import combined_hash, hash_path
from harness.options import make_options, option
from harness.sql.schema import check_format, render_schema
from harness.types import Example, Message, Scored

HARDNESS_LEVELS = ("easy", "medium", "hard", "extra")
SPLIT_FILES = {"train": ("train_spider.json", "train.json"), "dev": ("dev.json",), "test": ("test.json",)}
_BACKQUOTED = re.compile(r"`([A-Za-z_][A-Za-z0-9_]*)`")


@dataclasses.dataclass(frozen=True)
class SpiderConfig:
    exclude_dbs: str | Sequence[str] = option((), help="databases whose questions are left out (held-out "
                                                       "evaluation): one name or a list")
    include_dbs: str | Sequence[str] = option((), help="only these databases' questions (empty: all): one name or a "
                                                       "list")
    timeout_s: float = option(30.0, help="seconds per query; a timeout is wrong")
    workers: int | None = option(None, help="processes executing SQL (default: chosen from the number of queries)")
    sql_only: bool = option(False, help="outputs are SQL already (official prediction files), run exactly as given "
                                        "instead of SQL being extracted from model text")
    value_placeholder: bool = option(False, help='replace every "value" in predictions with "1", as the official '
                                                 "evaluation.py does (also breaks columns like market_value)")
    keep_distinct: bool = option(False, help="compare with DISTINCT kept (official --keep_distinct); by default it "
                                             "is stripped from both queries, as the official default does")
    schema_format: str = option("compact", help="how the prompt shows the schema: compact, ddl or mschema; use the "
                                                "one a model was trained with")


class SpiderBenchmark(Benchmark):
    name = "spider"
    metric_names = ("execution_accuracy", "exact_match")
    breakdown_tags = ("hardness",)
    tag_order = {"hardness": HARDNESS_LEVELS}
    system_prompt = ("You write SQLite queries. Given a database schema and a question, answer with one SQL "
                     "query that answers the question, and nothing else.")
    user_template = "Schema:\n{schema}\n\nQuestion: {question}"
    Config = SpiderConfig

    def __init__(self, data: str | Path | None = None, split: str = "dev", **options: Any):
        """`options`: SpiderConfig fields."""
        config = self.config = make_options(SpiderConfig, options, "benchmark 'spider'")
        exclude_dbs, include_dbs, schema_format = config.exclude_dbs, config.include_dbs, config.schema_format
        check_format(schema_format)
        self._data = Path(data) if data is not None else None
        self.split = split
        # `-O include_dbs=pets_1` (one name, no brackets) reads as a string, not a list of its letters
        self.exclude_dbs = frozenset([exclude_dbs] if isinstance(exclude_dbs, str) else exclude_dbs)
        self.include_dbs = frozenset([include_dbs] if isinstance(include_dbs, str) else include_dbs)
        self.timeout_s = config.timeout_s
        self.workers = config.workers
        self.sql_only = config.sql_only
        self.value_placeholder = config.value_placeholder
        self.keep_distinct = config.keep_distinct
        self.schema_format = schema_format
        self._schemas: dict[str, str] = {}
        self._normal_forms: dict[str, str | None] = {}
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
        from harness.runs.cache import derived_cache, first_failure
        from harness.sql.sandbox import probe_database

        rows = _read_json_list(self.split_file)
        self._check_db_names(rows)
        examples, probed, db_files = [], set(), []
        for position, row in enumerate(rows):
            for key in ("db_id", "question", "query"):
                if not isinstance(row.get(key), str) or not row[key].strip():
                    raise DataError(f"{self.split_file}: record {position}: field {key!r} must be a non-empty string")
            if row["db_id"] in self.exclude_dbs or (self.include_dbs and row["db_id"] not in self.include_dbs):
                continue
            if row["db_id"] not in probed:
                probed.add(row["db_id"])
                folder = self.db_dir / row["db_id"]
                if not folder.is_dir():
                    raise DataError(f"{self.split_file}: record {position}: database folder {folder} does not exist")
                db_files += sorted(folder.glob("*.sqlite"))
            examples.append(Example(
                index=len(examples),
                inputs={"db_id": row["db_id"], "question": row["question"].strip()},
                target=row["query"].strip(),
                tags={"db_id": row["db_id"]},
            ))
        with derived_cache() as cache:
            if problem := first_failure(db_files, probe_database, cache, "probed"):
                raise DataError(problem)
        facts = gold_facts([e.target for e in examples])
        self._normal_forms.update((sql, normal) for sql, (_, normal) in facts.items())
        return [dataclasses.replace(e, tags={"hardness": facts[e.target][0], **e.tags}) for e in examples]

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
        if not self._schemas:
            self._schemas = _rendered_schemas(self.db_dir, sorted({e.inputs["db_id"] for e in self.examples()}),
                                              self.schema_format)
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
        """Per-example judgements. Each step is guarded per example: a prediction whose extraction or
        normalisation fails gets verdict ``unparseable`` (or no exact match) with the reason, never an abort."""
        from harness.runs.cache import derived_cache
        from harness.sql.execution import ExecItem, score_execution
        from harness.forked import ForkedCall

        extracted, failures = [], {}
        for position, output in enumerate(outputs):
            try:
                extracted.append(_official_line(output) if self.sql_only else _extract(output))
            except Exception as err:  # noqa: BLE001 - one hostile output must not fail the run
                extracted.append(None)
                failures[position] = f"SQL extraction failed: {type(err).__name__}: {err}"
        executed = [sql.replace("value", "1") if sql and self.value_placeholder else sql for sql in extracted]
        items = [ExecItem(e.inputs["db_id"], e.target, sql) for e, sql in zip(examples, executed)]
        new_texts = sorted({sql for sql in extracted if sql and sql not in self._normal_forms})
        # Exact match's sqlglot work on the predictions (its import included) runs in a child process next to
        # their execution.
        with derived_cache() as gold_cache, ForkedCall(_normal_forms, new_texts) as normalizing:
            verdicts = score_execution(items, self.db_dir, workers=self.workers, timeout_s=self.timeout_s,
                                       keep_distinct=self.keep_distinct, on_done=on_done, gold_cache=gold_cache)
            self._normal_forms.update(normalizing.result() or {})  # what the child lacks is computed below
        records = []
        for position, (example, sql, verdict) in enumerate(zip(examples, extracted, verdicts)):
            exact, exact_error = self._exact_match(sql, example.target)
            correct = verdict.verdict == "correct"
            records.append(Scored(
                prediction=sql, verdict="unparseable" if position in failures else verdict.verdict,
                error=failures.get(position) or verdict.error or exact_error,
                scores={"execution_accuracy": float(correct), "exact_match": float(exact)},
                details={"exec_seconds": round(verdict.seconds, 6)},
            ))
        return records

    def _exact_match(self, sql: str | None, gold: str) -> tuple[bool, str | None]:
        """Normalised exact match, and why it could not be computed (the prediction counts as no match)."""
        if sql is None:
            return False, None
        try:
            gold_norm = self._normalized(gold)
            return gold_norm is not None and self._normalized(sql) == gold_norm, None
        except Exception as err:  # noqa: BLE001 - one hostile prediction must not fail the run
            return False, f"exact-match normalisation failed: {type(err).__name__}: {err}"

    def _normalized(self, sql: str) -> str | None:
        if sql not in self._normal_forms:
            from harness.sql.normalize import normalize_sql  # sqlglot: imported only when needed

            self._normal_forms[sql] = normalize_sql(sql)
        return self._normal_forms[sql]

    def data_identity(self) -> dict[str, Any]:
        from harness.runs.cache import derived_cache, path_hashes

        db_ids = sorted({e.inputs["db_id"] for e in self.examples()})
        with derived_cache() as cache:
            databases = path_hashes([self.db_dir / d for d in db_ids], cache)
        return {
            "path": str(self.root.resolve()), "split": self.split, "split_sha256": hash_path(self.split_file),
            "databases_sha256": combined_hash(databases.values()),
            "n_databases": len(db_ids), "excluded_dbs": sorted(self.exclude_dbs),
            "included_dbs": sorted(self.include_dbs),
        }


def gold_facts(queries: Sequence[str]) -> dict[str, tuple[str, str | None]]:
    """Hardness and normalised form of each gold query; computed once per set of queries and code version,
    then read from the cache folder (sqlglot work that otherwise dominates scoring a prediction file)."""
    from harness.paths import cache_dir
    from harness.runs.cache import cached_json
    from harness.runs.manifest import library_versions

    distinct = sorted(set(queries))

    def compute() -> list[tuple[str, str | None]]:
        from harness.sql.hardness import hardness
        from harness.sql.normalize import normalize_sql

        return [(hardness(sql), normalize_sql(sql)) for sql in distinct]

    code = combined_hash(hash_path(Path(__file__).parent.parent / "sql" / name)
                         for name in ("hardness.py", "normalize.py"))
    key = {"queries": combined_hash(hashlib.sha256(q.encode()).hexdigest() for q in distinct), "code": code,
           "sqlglot": library_versions().get("sqlglot")}
    facts = cached_json(cache_dir() / "gold", "spider-gold", key, compute)
    return {sql: (level, normal) for sql, (level, normal) in zip(distinct, facts)}


def _rendered_schemas(db_dir: Path, db_ids: Sequence[str], schema_format: str) -> dict[str, str]:
    """Each database's schema text, kept in the derived-facts cache by file hash, format and code version
    (reading a hundred SQLite schemas costs more than scoring their predictions)."""
    from harness.runs.cache import derived_cache, path_hashes

    files = {db_id: database_file(db_dir, db_id) for db_id in db_ids}
    code = hash_path(Path(__file__).parent.parent / "sql" / "schema.py")
    with derived_cache() as cache:
        hashes = path_hashes(list(files.values()), cache)
        keys = {db_id: "schema:" + hashlib.sha256(f"{hashes[f]}\0{schema_format}\0{db_id}\0{code}".encode()).hexdigest()
                for db_id, f in files.items()}
        stored = cache.get_many(keys.values())
        found = {db_id: stored[key].decode() for db_id, key in keys.items() if key in stored}
        fresh = {db_id: render_schema(files[db_id], schema_format, db_id) for db_id in files if db_id not in found}
        cache.put_many({keys[db_id]: text.encode() for db_id, text in fresh.items()})
    return {**found, **fresh}


def _normal_forms(queries: Sequence[str]) -> dict[str, str | None]:
    """Normalised form of each query whose normalisation does not fail (for the failures the caller
    records why)."""
    from harness.sql.normalize import normalize_sql

    found = {}
    for sql in queries:
        try:
            found[sql] = normalize_sql(sql)
        except Exception:  # noqa: BLE001, S112 - hostile text: the caller normalises it again and keeps the error
            continue
    return found


def _official_line(output: str) -> str | None:
    """An official-format prediction as SQLite runs it: without surrounding whitespace and trailing ';'."""
    return output.strip().rstrip(";").strip() or None


def _extract(output: str) -> str | None:
    from harness.sql.extract import extract_sql

    return extract_sql(output)


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
