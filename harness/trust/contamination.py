"""Train/eval contamination: which evaluation examples the training data has already seen, and how.

Four kinds, each a list of evaluation-example indices:
- `db`: the example's database is in the training data (Spider-style splits are by database);
- `sql` / `sql_masked`: the gold SQL equals a training query after sqlglot canonicalisation, with literals kept /
  with every literal replaced by `?`;
- `question`: the question (or input text) equals a training one after normalisation (case, punctuation, spaces);
- `near_question`: a near duplicate that is not an exact one: word unigram+bigram Jaccard >= `near_threshold`
  (default 0.8), candidates from datasketch's MinHash LSH, then checked exactly.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

from harness.benchmarks.base import Benchmark
from harness.errors import DataError
from harness.trust.text import normalize_text

KINDS = ("db", "sql", "sql_masked", "question", "near_question")
NEAR_THRESHOLD = 0.8
_NUM_PERM = 128
_CANDIDATE_MARGIN = 0.3
_QUESTION_KEYS = ("question", "input", "text")
_SQL_KEYS = ("query", "sql", "SQL", "answer")


@dataclass(frozen=True)
class Item:
    """One training or evaluation example, as the contamination check compares them."""

    db: str | None
    sql: str | None
    questions: tuple[str, ...]


def benchmark_items(benchmark: Benchmark, examples: Sequence[Any] | None = None) -> list[Item]:
    """Items of a benchmark's examples: Spider (db, gold SQL, question), sql2text (db, SQL, reference
    questions), extraction (input text as the question)."""
    items = []
    for e in examples if examples is not None else benchmark.examples():
        inputs = e.inputs
        if benchmark.name == "sql2text":
            items.append(Item(inputs.get("db_id"), inputs["sql"], tuple(e.target)))
        elif isinstance(e.target, str):
            items.append(Item(inputs.get("db_id"), e.target, (inputs.get("question") or "",)))
        else:
            items.append(Item(inputs.get("db_id"), None, (inputs.get("question") or inputs.get("text") or "",)))
    return items


def file_items(path: str | Path) -> list[Item]:
    """Items of any JSON/JSONL training file: `db_id`, the first of question/input/text, and the first of
    query/sql/SQL/answer that parses as SQL. A Spider-layout folder reads its train_spider.json."""
    from harness.sql.normalize import parses

    path = Path(path)
    if path.is_dir():
        for name in ("train_spider.json", "train.json", "train.jsonl"):
            if (path / name).is_file():
                path = path / name
                break
        else:
            raise DataError(f"--train {path}: a folder needs train_spider.json, train.json or train.jsonl")
    from harness.io import read_json_rows

    items = []
    for where, row in read_json_rows(path):
        question = next((row[k] for k in _QUESTION_KEYS if isinstance(row.get(k), str)), None)
        sql = next((row[k] for k in _SQL_KEYS if isinstance(row.get(k), str) and parses(row[k])), None)
        if question is None and sql is None:
            raise DataError(f"{where}: no field to compare; expected one of {', '.join(_QUESTION_KEYS + _SQL_KEYS)}")
        items.append(Item(row.get("db_id") if isinstance(row.get("db_id"), str) else None, sql,
                          (question,) if question else ()))
    return items


def train_items(spec: str | Path) -> tuple[list[Item], dict[str, Any]]:
    """Items of `--train`: a recipe (.yaml/.yml: its benchmark's training examples, as `harness train` would
    use them), a Spider-layout folder, or a JSON/JSONL file; and a description of the source."""
    from harness.io import hash_path

    path = Path(spec)
    if not path.exists():
        raise DataError(f"--train {spec}: no such file or folder")
    if path.suffix in (".yaml", ".yml"):
        from harness.train.recipe import load_recipe
        from harness.train.sft import load_benchmark, training_examples

        recipe = load_recipe(path)
        benchmark = load_benchmark(recipe)
        examples = training_examples(recipe, benchmark)
        return benchmark_items(benchmark, examples), {"recipe": str(path), "benchmark": benchmark.name,
                                                      "data": benchmark.data_identity(), "n": len(examples)}
    items = file_items(path)
    return items, {"path": str(path), "sha256": hash_path(path), "n": len(items)}


def canonical_sql(sql: str | None) -> tuple[str | None, str | None]:
    """(canonical SQL with literals kept, with literals masked as `?`); None where sqlglot cannot read it."""
    import sqlglot
    from sqlglot import exp

    from harness.sql.normalize import normalize_sql

    kept = normalize_sql(sql) if sql else None
    if kept is None:
        return None, None
    try:
        tree = sqlglot.parse_one(kept, read="sqlite")
    except sqlglot.errors.SqlglotError:
        return kept, None
    masked = tree.transform(lambda node: exp.Placeholder() if isinstance(node, exp.Literal) else node)
    return kept, masked.sql(dialect="sqlite")


def shingles(text: str) -> set[str]:
    words = normalize_text(text).split()
    return set(words) | {f"{a} {b}" for a, b in zip(words, words[1:])}


def overlap(train: Sequence[Item], evaluation: Sequence[Item], indices: Sequence[int] | None = None, *,
            near_threshold: float = NEAR_THRESHOLD) -> dict[str, list[int]]:
    """Evaluation indices per kind (see the module docstring); `indices` are the evaluation examples' own."""
    indices = list(indices) if indices is not None else list(range(len(evaluation)))
    found: dict[str, list[int]] = {k: [] for k in KINDS}
    train_dbs = {t.db for t in train if t.db}
    train_sql = [canonical_sql(t.sql) for t in train if t.sql]
    kept_set, masked_set = {k for k, _ in train_sql if k}, {m for _, m in train_sql if m}
    train_questions = {normalize_text(q) for t in train for q in t.questions if q.strip()}
    lsh, train_shingles = _lsh(train, near_threshold)
    for index, item in zip(indices, evaluation):
        if item.db and item.db in train_dbs:
            found["db"].append(index)
        kept, masked = canonical_sql(item.sql)
        if kept and kept in kept_set:
            found["sql"].append(index)
        if masked and masked in masked_set:
            found["sql_masked"].append(index)
        normalized = [normalize_text(q) for q in item.questions if q.strip()]
        if any(q in train_questions for q in normalized):
            found["question"].append(index)
        elif any(_near(q, lsh, train_shingles, near_threshold) for q in item.questions if q.strip()):
            found["near_question"].append(index)
    return found


def _lsh(train: Sequence[Item], threshold: float) -> tuple[Any, dict[str, set[str]]]:
    from datasketch import MinHashLSH

    # Candidates from a lower LSH threshold, then the exact Jaccard decides: short questions sit near any
    # threshold, where LSH alone would miss pairs.
    lsh = MinHashLSH(threshold=max(0.05, threshold - _CANDIDATE_MARGIN), num_perm=_NUM_PERM)
    seen: dict[str, set[str]] = {}
    with lsh.insertion_session() as session:
        for t in train:
            for q in t.questions:
                key = normalize_text(q)
                if key and key not in seen:
                    seen[key] = shingles(q)
                    session.insert(key, _minhash(seen[key]))
    return lsh, seen


def _minhash(tokens: Iterable[str]) -> Any:
    from datasketch import MinHash

    m = MinHash(num_perm=_NUM_PERM)
    m.update_batch([t.encode() for t in tokens])
    return m


def _near(question: str, lsh: Any, train_shingles: dict[str, set[str]], threshold: float) -> bool:
    mine = shingles(question)
    if not mine:
        return False
    for key in lsh.query(_minhash(mine)):
        other = train_shingles[key]
        if len(mine & other) / len(mine | other) >= threshold:
            return True
    return False


def contamination_report(train_spec: str | Path, benchmark: Benchmark, *,
                         near_threshold: float = NEAR_THRESHOLD) -> dict[str, Any]:
    """The `harness contamination` result: overlap per kind, counts (`any` = distinct flagged examples), the
    training source, and the evaluation split with its fingerprint (what `harness run` matches against)."""
    items, source = train_items(train_spec)
    return report_for(items, source, benchmark, near_threshold=near_threshold)


def report_for(items: Sequence[Item], source: dict[str, Any], benchmark: Benchmark, *,
               near_threshold: float = NEAR_THRESHOLD) -> dict[str, Any]:
    from harness.trust.audit import fingerprint

    examples = benchmark.examples()
    found = overlap(items, benchmark_items(benchmark, examples), [e.index for e in examples],
                    near_threshold=near_threshold)
    counts = {k: len(v) for k, v in found.items()}
    counts["any"] = len({i for v in found.values() for i in v})
    return {"overlap": found, "counts": counts, "near_threshold": near_threshold, "train": source,
            "eval": {"benchmark": benchmark.name, "options": benchmark.options, "n": len(examples),
                     "fingerprint": fingerprint(benchmark)}}


def summary_line(report: dict[str, Any]) -> str:
    """E.g. "12 of 106 evaluation examples overlap the training data (db 0, sql 8, ...)"."""
    counts = report["counts"]
    kinds = ", ".join(f"{k} {counts[k]}" for k in KINDS if k in counts)
    return f"{counts['any']} of {report['eval']['n']} evaluation examples overlap the training data ({kinds})"



def training_contamination(recipe: Any, benchmark: Benchmark, examples: Sequence[Any]) -> dict[str, Any]:
    """What `harness train` stores in the adapter manifest: the recipe's training examples against the split
    the adapter will be evaluated on (see `evaluation_benchmark`), or {"error": why} when that split cannot
    be loaded."""
    try:
        evaluation = evaluation_benchmark(recipe)
        return report_for(benchmark_items(benchmark, examples), {"recipe": recipe.source, "n": len(examples)},
                          evaluation)
    except (DataError, ValueError, FileNotFoundError) as err:
        return {"error": f"no evaluation split to check against: {err}"}


def evaluation_benchmark(recipe: Any) -> Benchmark:
    """Where an adapter trained from `recipe` is evaluated: its `eval:` section when it has one; else the
    databases it holds out (`exclude_dbs`) of the same split when it holds some out; else the benchmark's
    default evaluation split of the same data, or of its shipped data when the training data has none (Spider
    train alone): what `harness run BENCH` scores without --data."""
    from harness.benchmarks import get_benchmark

    if recipe.eval is not None:
        settings = recipe.eval
        options = {**settings.options, **({"split": settings.split} if settings.split else {})}
        return get_benchmark(settings.benchmark or recipe.data.benchmark, data=settings.path, **options)
    options = {k: v for k, v in recipe.data.options.items() if k not in ("exclude_dbs", "include_dbs")}
    held_out = recipe.data.options.get("exclude_dbs")
    if held_out:
        options.update(include_dbs=list(held_out), split=recipe.data.split)
    if recipe.data.path is None:
        return get_benchmark(recipe.data.benchmark, **options)
    if held_out:
        return get_benchmark(recipe.data.benchmark, data=recipe.data.path, **options)
    try:
        same_data = get_benchmark(recipe.data.benchmark, data=recipe.data.path, **options)
        same_data.examples()
        return same_data
    except DataError:
        return get_benchmark(recipe.data.benchmark, **options)
