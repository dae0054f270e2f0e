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
from harness.errors import DataError
from harness.metrics.stats import bootstrap_ci, bootstrap_mean_ci
from harness.types import Record

SCHEMA_VERSION = 2  # 2: one Record shape for every benchmark (`prediction`, `details`); 1 still loads
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


def summarize(benchmark: Benchmark, variant: str, records: Sequence[Record], manifest: dict[str, Any],
              *, n_resamples: int = 1000, extra: dict[str, Any] | None = None) -> RunSummary:
    aggregate = benchmark.aggregator(benchmark.options, extra or {})
    values = aggregate(records)
    if type(benchmark).aggregator.__func__ is Benchmark.aggregator.__func__:  # means of per-example scores
        cis = bootstrap_mean_ci({m: [r.scores[m] for r in records] for m in values}, n_resamples=n_resamples)
    else:
        cis = bootstrap_ci(records, aggregate, n_resamples=n_resamples)
    metrics = {m: Metric(v, *cis.get(m, (math.nan, math.nan))) for m, v in values.items()}
    breakdowns: dict[str, dict[str, dict[str, float]]] = {}
    for tag in benchmark.breakdown_tags:
        groups: dict[str, list[Record]] = defaultdict(list)
        for r in records:
            if tag in r.tags:
                groups[r.tags[tag]].append(r)
        order = benchmark.tag_order.get(tag, ())
        ranked = sorted(groups.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else len(order), kv[0]))
        breakdowns[tag] = {k: {"n": len(g), **aggregate(g)} for k, g in ranked}
    verdicts = dict(Counter(r.verdict for r in records))
    return RunSummary(benchmark=benchmark.name, variant=variant, n=len(records), metrics=metrics,
                      breakdowns=breakdowns, verdicts=verdicts, manifest=manifest, extra=extra or {})


def write_run(out_dir: str | Path, records: Sequence[Record], summary: RunSummary) -> Path:
    """Write records then summary, each atomically (a reader never sees half a file)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _atomic_write(out / RECORDS_FILE, "".join(json.dumps(r.to_json(), ensure_ascii=False, default=str) + "\n" for r in records))
    _atomic_write(out / SUMMARY_FILE, json.dumps(summary.to_json(), indent=2, ensure_ascii=False, default=str) + "\n")
    return out


def load_run(run_dir: str | Path) -> tuple[RunSummary, list[Record]]:
    run = Path(run_dir)
    summary_path = run / SUMMARY_FILE
    if not summary_path.is_file():
        raise DataError(f"{run}: not a run directory (no {SUMMARY_FILE}); runs are written by "
                                f"`harness run` and `harness score`")
    data = json.loads(summary_path.read_text(encoding="utf-8"))
    version = data.get("schema_version", 1)
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise DataError(f"{summary_path}: schema_version {version!r} was written by a newer harness (this one "
                        f"reads 1 to {SCHEMA_VERSION}); upgrade harness to read it")
    summary = RunSummary.from_json(data)
    records = [Record.from_json(json.loads(line), version)
               for line in (run / RECORDS_FILE).read_text(encoding="utf-8").splitlines() if line.strip()]
    return summary, records


@dataclass(frozen=True)
class Variant:
    """One model variant's result (the base model or one adapter): its summary and its records by index."""

    summary: RunSummary
    records: list[Record]
    path: Path | None = None  # its run directory, once written

    @classmethod
    def load(cls, path: str | Path) -> "Variant":
        path = Path(path)
        if path.name == SUMMARY_FILE:  # accept the summary file itself as a name for its run
            path = path.parent
        summary, records = load_run(path)
        return cls(summary, sorted(records, key=lambda r: r.index), path)

    @property
    def name(self) -> str:
        return self.summary.variant

    @property
    def metrics(self) -> dict[str, Metric]:
        return self.summary.metrics

    @property
    def manifest(self) -> dict[str, Any]:
        return self.summary.manifest

    @property
    def label(self) -> str:
        model = (self.manifest.get("model") or {}).get("name")
        return f"{model}/{self.name}" if model else self.name


@dataclass(frozen=True)
class Run:
    """What `harness.evaluate` and `harness.score` return: every variant of one benchmark run, in order."""

    variants: dict[str, Variant]
    path: Path | None = None  # the run directory holding one folder per variant

    @classmethod
    def load(cls, path: str | Path) -> "Run":
        """A run directory (one folder per variant) or a single variant's folder."""
        found = find_runs([path])
        return cls({v.name: v for v in map(Variant.load, found)}, Path(path))

    def __getitem__(self, name: str) -> Variant:
        return self.variants[name]

    def __iter__(self):  # noqa: ANN204 - iterates variants, as a run's table reads
        return iter(self.variants.values())

    def __len__(self) -> int:
        return len(self.variants)

    @property
    def benchmark(self) -> str:
        return next(iter(self.variants.values())).summary.benchmark


def find_runs(paths: Sequence[str | Path]) -> list[Path]:
    """Run directories at or below the given paths, sorted."""
    found: set[Path] = set()
    for p in map(Path, paths):
        if (p / SUMMARY_FILE).is_file():
            found.add(p)
        elif p.is_dir():
            found.update(s.parent for s in p.rglob(SUMMARY_FILE))
        else:
            raise DataError(f"{p}: no such run directory")
    return sorted(found)


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
