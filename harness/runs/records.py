"""A run directory: per-example `records.jsonl` plus `summary.json` (metrics with CIs, breakdowns, manifest).

This module is the one place the on-disk result schema is defined; reports, comparisons and gates read runs
only through `load_run`.
"""
from __future__ import annotations

import json
import math
import os
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Sequence

from harness.benchmarks.base import Benchmark
from harness.metrics.stats import bootstrap_ci

SCHEMA_VERSION = 1
RECORDS_FILE = "records.jsonl"
SUMMARY_FILE = "summary.json"


@dataclass
class Metric:
    value: float
    ci_low: float
    ci_high: float


@dataclass
class RunSummary:
    benchmark: str
    variant: str  # "base" or the adapter's name
    n: int
    metrics: dict[str, Metric]
    breakdowns: dict[str, dict[str, dict[str, float]]]  # tag -> tag value -> {"n": .., metric: ..}
    verdicts: dict[str, int]
    manifest: dict[str, Any]
    schema_version: int = SCHEMA_VERSION
    extra: dict[str, Any] = field(default_factory=dict)  # benchmark-specific notes (e.g. BLEU signature)

    @property
    def primary_metric(self) -> str:
        return next(iter(self.metrics))

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "RunSummary":
        data = dict(data)
        data["metrics"] = {k: Metric(**v) for k, v in data["metrics"].items()}
        return cls(**data)


def summarize(benchmark: Benchmark, variant: str, records: Sequence[dict[str, Any]], manifest: dict[str, Any],
              *, n_resamples: int = 1000, extra: dict[str, Any] | None = None) -> RunSummary:
    values = benchmark.aggregate(records)
    cis = bootstrap_ci(records, benchmark.aggregate, n_resamples=n_resamples)
    metrics = {m: Metric(v, *cis.get(m, (math.nan, math.nan))) for m, v in values.items()}
    breakdowns: dict[str, dict[str, dict[str, float]]] = {}
    for tag in benchmark.breakdown_tags:
        groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in records:
            if tag in r.get("tags", {}):
                groups[r["tags"][tag]].append(r)
        order = benchmark.tag_order.get(tag, ())
        ranked = sorted(groups.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else len(order), kv[0]))
        breakdowns[tag] = {k: {"n": len(g), **benchmark.aggregate(g)} for k, g in ranked}
    verdicts = dict(Counter(r["verdict"] for r in records if "verdict" in r))
    return RunSummary(benchmark=benchmark.name, variant=variant, n=len(records), metrics=metrics,
                      breakdowns=breakdowns, verdicts=verdicts, manifest=manifest, extra=extra or {})


def write_run(out_dir: str | Path, records: Sequence[dict[str, Any]], summary: RunSummary) -> Path:
    """Write records then summary, each atomically (a reader never sees half a file)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _atomic_write(out / RECORDS_FILE, "".join(json.dumps(r, ensure_ascii=False, default=str) + "\n" for r in records))
    _atomic_write(out / SUMMARY_FILE, json.dumps(summary.to_json(), indent=2, ensure_ascii=False, default=str) + "\n")
    return out


def load_run(run_dir: str | Path) -> tuple[RunSummary, list[dict[str, Any]]]:
    run = Path(run_dir)
    summary_path = run / SUMMARY_FILE
    if not summary_path.is_file():
        raise FileNotFoundError(f"{run}: not a run directory (no {SUMMARY_FILE}); runs are written by "
                                f"`harness run` and `harness score`")
    summary = RunSummary.from_json(json.loads(summary_path.read_text()))
    records = [json.loads(line) for line in (run / RECORDS_FILE).read_text().splitlines() if line.strip()]
    return summary, records


def find_runs(paths: Sequence[str | Path]) -> list[Path]:
    """Run directories at or below the given paths, sorted."""
    found: set[Path] = set()
    for p in map(Path, paths):
        if (p / SUMMARY_FILE).is_file():
            found.add(p)
        elif p.is_dir():
            found.update(s.parent for s in p.rglob(SUMMARY_FILE))
        else:
            raise FileNotFoundError(f"{p}: no such run directory")
    return sorted(found)


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
