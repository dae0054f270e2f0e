"""SQL-to-text: given a SQL query (and, where the data has them, the CREATE TABLE statements of the tables it
reads), write the question.

Data, by what `data` names:
- a Spider-layout folder (`dev.json`/`train.json` with db_id, question, query, plus `database/`): gold SQL
  -> question, with CREATE TABLE context built from the SQLite schema, restricted to the tables the query
  reads (sqlglot). Split `test` (default) and `dev` read dev.json, `train` reads train.json.
- a JSON (list) or JSONL file in the sql-create-context format (`question`, `context` = CREATE TABLE
  statements, `answer` = SQL), used reversed; `context` is optional (the prompt then has no Tables block).
  The file is the split.
- a tab-separated `.txt`/`.tsv` file as CODE-NN ships Stack Overflow SQL (`question id, snippet id, title,
  SQL, weight`): title = the question, no schema. A `ref.txt` next to it (CODE-NN's dev/eval `snippet id,
  reference` lines) gives each snippet its reference questions, as CODE-NN scores them.
- a dataset id on a hub (e.g. `b-mc2/sql-create-context`, split `train`), loaded with `datasets`.
- nothing: the mini Spider data the project ships.

Examples with the same SQL (and schema) are merged into one with several reference questions.
Scores: corpus BLEU and chrF (sacrebleu, 0-100), ROUGE-1/2/L F (rouge-score, 0-1); see harness.metrics.text.
"""
from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from functools import cached_property, partial
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from harness.benchmarks.base import Aggregator, Benchmark, find_split_file
from harness.errors import ConfigError, DataError
from harness.options import make_options, option
from harness.metrics.text import TextScorer, split_thinking
from harness.io import Row, combined_hash, hash_path, read_json_rows, read_text
from harness.types import Example, Message, Record, Scored

SPIDER_SPLITS = {"test": ("dev.json",), "dev": ("dev.json",), "train": ("train.json", "train_spider.json")}
STYLES = {
    "plain": ("You explain SQL. Given the tables and a SQL query, write the one question in plain English "
              "that the query answers. Reply with the question only."),
    "reasoning": ("You explain SQL. Given the tables and a SQL query, first think step by step inside "
                  "<think> </think> about what the query computes, then write the one question in plain "
                  "English that it answers. After </think>, reply with the question only."),
}
_LABEL = re.compile(r"^\s*(?:question|answer)\s*:\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Sql2TextConfig:
    style: str = option("plain", help=f"prompt style: {', '.join(STYLES)} (a <think> chain first)")
    use_stemmer: bool = option(True, help="ROUGE with the Porter stemmer (recorded in the summary)")


class Sql2TextBenchmark(Benchmark):
    name = "sql2text"
    metric_names = ("bleu", "chrf", "rouge1", "rouge2", "rougeL")
    breakdown_tags = ("hardness",)
    tag_order = {"hardness": ("easy", "medium", "hard", "extra", "unparsed")}
    system_prompt = STYLES["plain"]
    user_template = "Tables:\n{context}\n\nSQL: {sql}"  # "SQL: {sql}" alone for examples without a schema

    Config = Sql2TextConfig

    def __init__(self, data: str | Path | None = None, split: str = "test", **options: Any):
        """`options`: Sql2TextConfig fields."""
        config = self.config = make_options(Sql2TextConfig, options, "benchmark 'sql2text'")
        style = config.style
        if style not in STYLES:
            raise ConfigError(f"style {style!r}: choose one of {', '.join(STYLES)}")
        if data is None:
            from harness.benchmarks.mini_spider import ensure_built

            data = ensure_built()
        self.data = str(data)
        self.split = split
        self.style = style
        self.system_prompt = STYLES[style]
        self.scorer = TextScorer(use_stemmer=config.use_stemmer)
        self._source = _locate(self.data)

    @cached_property
    def _examples(self) -> list[Example]:
        kind, path = self._source
        if kind == "spider":
            triples = self._spider_triples(self._spider_split_file)
        elif kind == "codenn":
            triples = _codenn_triples(path, _codenn_references(path))
        else:
            rows = read_json_rows(path) if path else _hub_rows(self.data, self.split)
            triples = _create_context_triples(rows)
        return _grouped_examples(triples)

    def examples(self) -> list[Example]:
        return self._examples

    def messages(self, example: Example) -> list[Message]:
        context = example.inputs.get("context")
        user = self.user_template.format(context=context, sql=example.inputs["sql"]) if context else \
            f"SQL: {example.inputs['sql']}"
        return [{"role": "system", "content": self.system_prompt}, {"role": "user", "content": user}]

    def completion(self, example: Example) -> str:
        return example.target[0]

    def score(self, examples: Sequence[Example], outputs: Sequence[str], *,
              on_done: Callable[[int], None] | None = None) -> list[Scored]:
        split = [split_thinking(o) for o in outputs]
        answers = [clean_answer(answer) for _, answer in split]
        segments = self.scorer.score(answers, [e.target for e in examples])
        records = []
        for output, (thinking, _), answer, seg in zip(outputs, split, answers, segments):
            records.append(Scored(
                prediction=answer, verdict=_verdict(output, answer),
                scores={"bleu": seg.bleu, "chrf": seg.chrf, **seg.rouge},
                details={"thinking": thinking, "stats": {"bleu": seg.bleu_stats, "chrf": seg.chrf_stats}},
            ))
        if on_done:
            on_done(len(records))
        return records

    @classmethod
    def aggregator(cls, options: Mapping[str, Any], extra: Mapping[str, Any]) -> Aggregator:
        return partial(_aggregate, TextScorer())

    def summary_extra(self) -> dict[str, Any]:
        """sacrebleu signatures and ROUGE settings, for RunSummary.extra."""
        counts = {len(e.target) for e in self.examples()}
        n_refs = counts.pop() if len(counts) == 1 else -1
        return {"sacrebleu_signature": self.scorer.signatures(n_refs), **self.scorer.settings(),
                "style": self.style}

    def data_identity(self) -> dict[str, Any]:
        kind, path = self._source
        examples = self.examples()
        identity: dict[str, Any] = {"kind": kind, "n_examples": len(examples),
                                    "n_references": sum(len(e.target) for e in examples)}
        if kind == "spider":
            split_file = self._spider_split_file
            db_ids = sorted({e.inputs["db_id"] for e in examples})
            identity.update(path=str(path.resolve()), split=self.split, split_sha256=hash_path(split_file),
                            databases_sha256=combined_hash(hash_path(path / "database" / d) for d in db_ids))
        elif kind in ("file", "codenn"):
            identity.update(path=str(path.resolve()), sha256=hash_path(path))
            if kind == "codenn" and (path.parent / "ref.txt").is_file():
                identity["references_sha256"] = hash_path(path.parent / "ref.txt")
        else:
            identity.update(dataset=self.data, split=self.split)
        return identity

    @cached_property
    def _spider_split_file(self) -> Path:
        _, root = self._source
        return find_split_file(root, self.split, SPIDER_SPLITS, ".json")

    def _spider_triples(self, split_file: Path) -> Iterator[tuple[str, str, str, str | None]]:
        """(sql, context, question, db_id) per Spider record; context = CREATE TABLE of the tables used."""
        from harness.benchmarks.spider import database_file
        from harness.sql.sandbox import probe_database

        _, root = self._source
        schemas: dict[str, dict[str, str]] = {}
        for where, row in read_json_rows(split_file):
            db_id, question, sql = (_string_field(row, key, where) for key in ("db_id", "question", "query"))
            if db_id not in schemas:
                if not (root / "database" / db_id).is_dir():
                    raise DataError(f"{where}: database folder {root / 'database' / db_id} does not exist")
                db_file = database_file(root / "database", db_id)
                if problem := probe_database(db_file):  # a corrupt file is one line naming it
                    raise DataError(problem)
                schemas[db_id] = create_table_statements(db_file)
            yield sql, schema_context(schemas[db_id], sql), question, db_id


def _locate(data: str) -> tuple[str, Path | None]:
    """("spider" | "file" | "codenn" | "hub", the local path or None): what kind of data `data` names."""
    path = Path(data)
    if path.is_dir():
        return "spider", path
    if path.is_file():
        return ("codenn" if path.suffix.lower() in (".txt", ".tsv") else "file"), path
    if path.suffix.lower() in (".json", ".jsonl") or path.is_absolute() or data.startswith("."):
        raise DataError(f"--data {data}: no such file or folder")
    return "hub", None


def create_table_statements(db_path: Path) -> dict[str, str]:
    """Lower-cased table name -> `CREATE TABLE name (col TYPE, ...)` (sql-create-context's compact style)."""
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid")]
        statements = {}
        for table in tables:
            columns = con.execute(f"PRAGMA table_info({_quote(table)})").fetchall()
            cols = ", ".join(f"{_quote(name)} {(ctype or 'TEXT').upper()}" for _, name, ctype, *_ in columns)
            statements[table.lower()] = f"CREATE TABLE {_quote(table)} ({cols})"
        return statements
    finally:
        con.close()


def schema_context(statements: dict[str, str], sql: str) -> str:
    """The CREATE TABLE statements of the tables `sql` reads, in schema order; all of them if it can't be parsed."""
    used = tables_used(sql)
    chosen = [s for name, s in statements.items() if name in used] if used else []
    return "\n".join(chosen or statements.values())


def tables_used(sql: str) -> set[str]:
    """Lower-cased names of the tables a query reads (CTE names excluded); empty if sqlglot can't parse it."""
    import sqlglot
    from sqlglot import exp

    try:
        tree = sqlglot.parse_one(sql, read="sqlite")
    except sqlglot.errors.SqlglotError:
        return set()
    ctes = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
    return {t.name.lower() for t in tree.find_all(exp.Table)} - ctes


def _aggregate(scorer: TextScorer, records: Sequence[Record]) -> dict[str, float]:
    """Corpus BLEU/chrF from the records' sacrebleu statistics; ROUGE F averaged over examples."""
    if not records:
        return {}
    corpus = scorer.corpus_from_stats([r.details["stats"]["bleu"] for r in records],
                                      [r.details["stats"]["chrf"] for r in records])
    rouge = {t: sum(r.scores[t] for r in records) / len(records) for t in ("rouge1", "rouge2", "rougeL")}
    return {**corpus, **rouge}


def clean_answer(answer: str) -> str:
    """The question a model wrote: a leading `Question:`/`Answer:` label dropped, whitespace collapsed."""
    return " ".join(_LABEL.sub("", answer).split())


def _verdict(output: str, answer: str) -> str:
    if answer:
        return "answered"
    return "unfinished_thinking" if "<think>" in output and "</think>" not in output else "empty"


def _create_context_triples(rows: Iterable[Row]) -> Iterator[tuple[str, str | None, str, None]]:
    for where, row in rows:
        question, sql = (_string_field(row, key, where) for key in ("question", "answer"))
        context = row.get("context")
        if context is not None and not isinstance(context, str):
            raise DataError(f"{where}: field 'context' must be a string of CREATE TABLE statements (or absent)")
        yield sql, (context or "").strip() or None, question, None


CODENN_FIELDS = ("question id", "snippet id", "title", "SQL", "weight")


def _codenn_triples(path: Path, references: dict[str, list[str]]) -> Iterator[tuple[str, None, str, None]]:
    """CODE-NN lines `qid, rid, title, code, weight`: the title (or rid's references in ref.txt) asks for the code."""
    for lineno, line in enumerate(read_text(path).split("\n"), start=1):
        if not line.strip():
            continue
        fields = line.rstrip("\r").split("\t")
        if len(fields) != len(CODENN_FIELDS):
            raise DataError(f"{path}: line {lineno}: expected {len(CODENN_FIELDS)} tab-separated fields "
                            f"({', '.join(CODENN_FIELDS)}) as in CODE-NN, found {len(fields)}")
        _, rid, title, sql, _ = (f.strip() for f in fields)
        for key, value in (("title", title), ("SQL", sql)):
            if not value:
                raise DataError(f"{path}: line {lineno}: field {key!r} is empty")
        for question in references.get(rid, [title]):
            yield sql, None, question, None


def _codenn_references(path: Path) -> dict[str, list[str]]:
    """CODE-NN's ref.txt next to a dev/eval file: snippet id -> its reference questions."""
    ref = path.parent / "ref.txt"
    if not ref.is_file() or ref == path:
        return {}
    references: dict[str, list[str]] = {}
    for lineno, line in enumerate(read_text(ref).split("\n"), start=1):
        if line.strip():
            rid, sep, question = line.partition("\t")
            if not sep or not question.strip():
                raise DataError(f"{ref}: line {lineno}: expected 'snippet id<TAB>reference question'")
            references.setdefault(rid.strip(), []).append(question.strip())
    return references


def _grouped_examples(triples: Iterable[tuple[str, str | None, str, str | None]]) -> list[Example]:
    """One example per distinct (database or context, SQL), with every question asked of it as references."""
    from harness.sql.hardness import hardness

    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for sql, context, question, db_id in triples:
        key = (db_id or context, " ".join(sql.split()).rstrip(";").strip())
        group = groups.setdefault(key, {"sql": sql, "context": context, "db_id": db_id, "questions": []})
        if question not in group["questions"]:
            group["questions"].append(question)
    examples = []
    for group in groups.values():
        try:
            level = hardness(group["sql"])
        except ValueError:
            level = "unparsed"
        inputs = {"sql": group["sql"], **({"context": group["context"]} if group["context"] else {})}
        tags = {"hardness": level}
        if group["db_id"]:
            inputs["db_id"] = tags["db_id"] = group["db_id"]
        examples.append(Example(index=len(examples), inputs=inputs, target=list(group["questions"]), tags=tags))
    return examples


def _hub_rows(dataset_id: str, split: str) -> list[Row]:
    """Rows of a hub dataset split (network or the local `datasets` cache)."""
    import datasets

    try:
        rows = datasets.load_dataset(dataset_id, split=split)
    except Exception as err:  # datasets raises many types (missing dataset, split, connection)
        raise DataError(f"--data {dataset_id}: cannot load split {split!r} from the hub ({err})") from None
    return [(f"{dataset_id}[{split}] row {i}", dict(row)) for i, row in enumerate(rows)]


def _string_field(row: dict[str, Any], key: str, where: str) -> str:
    value = row.get(key)
    if not isinstance(value, str) or not value.strip():
        raise DataError(f"{where}: field {key!r} must be a non-empty string")
    return value.strip()


def _quote(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) else '"' + name.replace('"', '""') + '"'
