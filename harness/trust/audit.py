"""Audit a benchmark's gold: which examples cannot be scored fairly, with an explicit denominator.

The audit runs once per data fingerprint (questions, gold, database files, settings) and is cached under
`<cache>/audits/`; `harness run` attaches its counts to every run, and `-O exclude_ambiguous=true` adds
each metric on the examples no ambiguous category names.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

from harness.benchmarks.base import Benchmark
from harness.paths import cache_dir
from harness.trust.text import duplicate_groups, normalize_text

AUDIT_VERSION = 1
N_SLOWEST = 10

# What each category means, as the terminal and the report say it: "<count> <phrase>".
PHRASES = {
    "gold_error": "gold queries fail", "empty_gold": "return no rows", "trivial_gold": "return a single NULL or 0",
    "limit_tie": "gold queries tie at LIMIT", "order_tie": "have an undefined row order",
    "nondeterministic": "are nondeterministic", "slow_gold": "run near the timeout",
    "duplicate_question": "repeat a question", "duplicate_sql": "repeat a gold query",
    "duplicate_input": "repeat an input", "empty_reference": "have an empty reference",
    "reference_not_in_text": "have a reference value not in the text", "gold_unparsed": "have gold SQL that does not parse",
}
# Categories whose examples cannot be scored fairly; `exclude_ambiguous` drops them.
AMBIGUOUS = frozenset({"gold_error", "empty_gold", "trivial_gold", "limit_tie", "order_tie", "nondeterministic",
                       "empty_reference", "reference_not_in_text", "gold_unparsed"})


@dataclass
class Audit:
    benchmark: str
    n: int
    fingerprint: str
    findings: dict[str, list[int]]  # category -> example indices (every category checked, empty when clean)
    slowest: list[tuple[int, float]] = field(default_factory=list)  # (index, seconds), slowest first
    errors: dict[int, str] = field(default_factory=dict)  # gold_error messages

    def counts(self) -> dict[str, int]:
        return {c: len(v) for c, v in self.findings.items()}

    def ambiguous(self) -> set[int]:
        return {i for c, v in self.findings.items() if c in AMBIGUOUS for i in v}

    def sentence(self) -> str:
        """E.g. "n = 1034; 46 gold queries tie at LIMIT, 29 return no rows"."""
        found = [f"{len(v)} {PHRASES.get(c, c)}" for c, v in self.findings.items() if v]
        return f"n = {self.n}; " + (", ".join(found) if found else "no findings")

    def summary(self) -> dict[str, Any]:
        """What a run summary carries: counts, not indices (those are in the cached audit.json)."""
        return {"fingerprint": self.fingerprint, "n": self.n, "counts": self.counts(),
                "n_ambiguous": len(self.ambiguous()), "sentence": self.sentence()}

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["errors"] = {str(k): v for k, v in self.errors.items()}
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Audit":
        data = dict(data)
        data["slowest"] = [tuple(s) for s in data.get("slowest", [])]
        data["errors"] = {int(k): v for k, v in data.get("errors", {}).items()}
        return cls(**data)


def fingerprint(benchmark: Benchmark, data_identity: dict[str, Any] | None = None) -> str:
    """Hash of the examples (questions, gold), the data identity (database file hashes) and audit settings."""
    identity = {k: v for k, v in (data_identity or benchmark.data_identity()).items() if k != "path"}
    examples = [[e.index, dict(e.inputs), e.target] for e in benchmark.examples()]
    payload = {"version": AUDIT_VERSION, "benchmark": benchmark.name, "data": identity, "examples": examples,
               "timeout_s": getattr(benchmark, "timeout_s", None)}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False).encode()).hexdigest()


def audit(benchmark: Benchmark, *, data_identity: dict[str, Any] | None = None, use_cache: bool = True) -> Audit | None:
    """The benchmark's audit (cached per fingerprint); None for a benchmark with no audit."""
    check = AUDITS.get(benchmark.name)
    if check is None:
        return None
    fp = fingerprint(benchmark, data_identity)
    path = cache_dir() / "audits" / f"{benchmark.name}-{fp[:24]}.json"
    if use_cache and path.is_file():
        return Audit.from_json(json.loads(path.read_text(encoding="utf-8")))
    findings, slowest, errors = check(benchmark)
    result = Audit(benchmark.name, len(benchmark.examples()), fp, findings, slowest, errors)
    write_audit(result, path)
    return result


def write_audit(result: Audit, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(result.to_json(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


Findings = tuple[dict[str, list[int]], list[tuple[int, float]], dict[int, str]]

SPIDER_CATEGORIES = ("gold_error", "empty_gold", "trivial_gold", "limit_tie", "order_tie", "nondeterministic",
                     "slow_gold", "duplicate_question", "duplicate_sql")


def audit_spider(benchmark: Any) -> Findings:
    from harness.benchmarks.spider import database_file
    from harness.sql.execution import database_files
    from harness.sql.normalize import normalize_sql
    from harness.trust.gold import check_gold

    examples = benchmark.examples()
    findings: dict[str, list[int]] = {c: [] for c in SPIDER_CATEGORIES}
    timings, errors = [], {}
    files: dict[str, tuple[tuple[Path, ...], Path]] = {}
    for e in examples:
        db_id = e.inputs["db_id"]
        if db_id not in files:
            files[db_id] = database_files(benchmark.db_dir, db_id), database_file(benchmark.db_dir, db_id)
        check = check_gold(*files[db_id], e.target, benchmark.timeout_s)
        for category in check.categories:
            findings[category].append(e.index)
        if check.error:
            errors[e.index] = check.error
        timings.append((e.index, round(check.seconds, 4)))
    findings["duplicate_question"] = duplicate_groups((e.index, normalize_text(e.inputs["question"])) for e in examples)
    findings["duplicate_sql"] = duplicate_groups(
        (e.index, (e.inputs["db_id"], normalize_sql(e.target) or " ".join(e.target.split()))) for e in examples)
    slowest = sorted(timings, key=lambda t: -t[1])[:N_SLOWEST]
    return {c: sorted(v) for c, v in findings.items()}, slowest, errors


def audit_extraction(benchmark: Any) -> Findings:
    examples = benchmark.examples()
    empty, missing = [], []
    for e in examples:
        values = [v for value in e.target.values() for v in (value if isinstance(value, list) else [value])
                  if v not in (None, "")]
        if not values:
            empty.append(e.index)
        text = normalize_text(e.inputs["text"])
        if any(normalize_text(str(v)) not in text for v in values):
            missing.append(e.index)
    return {"duplicate_input": duplicate_groups((e.index, normalize_text(e.inputs["text"])) for e in examples),
            "empty_reference": empty, "reference_not_in_text": missing}, [], {}


def audit_sql2text(benchmark: Any) -> Findings:
    """Duplicate inputs and unparsable gold SQL (its loader already refuses empty reference questions)."""
    from harness.sql.normalize import normalize_sql, parse_query

    examples = benchmark.examples()
    return {
        "duplicate_input": duplicate_groups(
            (e.index, (e.inputs.get("db_id") or e.inputs.get("context", ""), normalize_sql(e.inputs["sql"])
                       or " ".join(e.inputs["sql"].split()))) for e in examples),
        "gold_unparsed": [e.index for e in examples if parse_query(e.inputs["sql"]) is None],
    }, [], {}


AUDITS: dict[str, Callable[[Any], Findings]] = {
    "spider": audit_spider, "extraction": audit_extraction, "sql2text": audit_sql2text,
}
