"""A run directory: per-example `records.jsonl` plus `summary.json` (metrics with CIs, breakdowns, manifest).

This module is the one place the on-disk result schema is defined; reports, comparisons and gates read runs
only through `load_run`.
"""
from __future__ import annotations

import hashlib
import json
import logging
import math
import os
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from harness.benchmarks.base import Benchmark
from harness.errors import DataError
from harness.metrics.stats import bootstrap_ci, bootstrap_mean_ci
from harness.types import Record

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2  # 2: one Record shape for every benchmark (`prediction`, `details`); 1 still loads
RECORDS_FILE = "records.jsonl"
SUMMARY_FILE = "summary.json"
PARTIAL_FILE = "records.jsonl.partial"  # records appended while scoring; replaced by RECORDS_FILE at the end
# What, besides an example and its output, decides its record: the manifest entries a resumed scoring must share.
_SCORING_KEY_FIELDS = ("benchmark", "benchmark_options", "data", "prompt", "libraries", "git_sha")


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
              *, n_resamples: int = 1000, extra: dict[str, Any] | None = None,
              mean_ci: Callable[..., dict[str, tuple[float, float]]] = bootstrap_mean_ci) -> RunSummary:
    """`mean_ci`: what computes :func:`bootstrap_mean_ci` (a :class:`harness.metrics.stats.MeanCIs`)."""
    aggregate = benchmark.aggregator(benchmark.options, extra or {})
    values = aggregate(records)
    if summarized_by_means(benchmark):
        cis = mean_ci({m: [r.scores[m] for r in records] for m in values}, n_resamples=n_resamples)
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


def summarized_by_means(benchmark: Benchmark) -> bool:
    """Whether the benchmark's metrics are means of per-example scores (their CIs: `bootstrap_mean_ci`)."""
    return type(benchmark).aggregator.__func__ is Benchmark.aggregator.__func__


def write_run(out_dir: str | Path, records: Sequence[Record], summary: RunSummary,
              encoded: Mapping[int, str] | None = None) -> Path:
    """Write records then summary, each atomically (a reader never sees half a file). `encoded`: the records'
    lines by index where already encoded (:attr:`PartialRecords.lines`), so that none is encoded twice."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    encoded = encoded or {}
    _atomic_write(out / RECORDS_FILE, "".join(encoded.get(r.index) or _line(r) for r in records))
    _atomic_write(out / SUMMARY_FILE, _dumps(summary.to_json(), indent=2) + "\n")
    return out


def scoring_key(manifest: dict[str, Any]) -> str:
    """A hash of what a record depends on besides its example and output (benchmark, options, data, prompt,
    code), read from the run's manifest: partial records are resumed only under the same key."""
    chosen = {name: manifest.get(name) for name in _SCORING_KEY_FIELDS}
    return hashlib.sha256(json.dumps(chosen, sort_keys=True, default=str).encode()).hexdigest()


@dataclass
class PartialRecords:
    """Records appended to `<run dir>/records.jsonl.partial` as they are scored, fsynced per batch, so a crash
    or Ctrl-C keeps them. The first line holds the scoring key; a rerun under the same key reads the records
    back (a line torn by a kill mid-write is dropped) and scores only the rest.

    `lines` holds the line of each record the file holds, by index: `records.jsonl` is written from them, so
    a record must be complete when it is appended."""

    path: Path
    key: str
    lines: dict[int, str] = field(default_factory=dict)

    @classmethod
    def in_run(cls, out_dir: str | Path, key: str) -> "PartialRecords":
        return cls(Path(out_dir) / PARTIAL_FILE, key)

    @property
    def _header(self) -> dict[str, Any]:
        return {"partial_records_of": self.key, "schema_version": SCHEMA_VERSION}

    def read(self) -> list[Record]:
        """The records an unfinished scoring under this key left, in file order; none if the key differs."""
        try:
            lines = self.path.read_bytes().split(b"\n")
        except FileNotFoundError:
            return []
        if _parse(lines[0]) != self._header:
            log.info("%s: scored under other settings; scoring again", self.path)
            return []
        records = []
        for number, line in enumerate(lines[1:], start=2):
            data = _parse(line)
            if isinstance(data, dict):
                try:
                    records.append(Record.from_json(data, SCHEMA_VERSION))
                    continue
                except TypeError:
                    pass
            if line.strip():  # torn by a kill mid-write (the last line): its example is scored again
                log.info("%s: line %d is incomplete; its example is scored again", self.path, number)
        return records

    def restart(self, records: Sequence[Record]) -> None:
        """Start the file afresh with the key and the records kept (atomically: a crash keeps the old file)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.lines = {r.index: _line(r) for r in records}
        _atomic_write(self.path, _dumps(self._header) + "\n" + "".join(self.lines.values()))

    def remove(self) -> None:
        """Once the command has written every run directory: its records are in `records.jsonl`."""
        self.path.unlink(missing_ok=True)

    def append(self, records: Sequence[Record]) -> None:
        """Append one scored batch and fsync it: on disk before the next batch is scored."""
        lines = [_line(r) for r in records]
        with self.path.open("a", encoding="utf-8") as f:
            f.write("".join(lines))
            f.flush()
            os.fsync(f.fileno())
        self.lines.update((r.index, line) for r, line in zip(records, lines))


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


def _line(record: Record) -> str:
    return _dumps(record.to_json()) + "\n"


def _dumps(data: Any, indent: int | None = None) -> str:
    """JSON with UTF-8 text as is; a value holding a lone surrogate (model output is untrusted: a JSON escape in
    a server's reply can make one), which UTF-8 cannot encode, is written with \\u escapes instead."""
    text = json.dumps(data, indent=indent, ensure_ascii=False, default=str)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(data, indent=indent, default=str)
    return text


def _parse(line: bytes) -> Any:
    """A JSON value, or None for a line that is not one (torn, or not UTF-8)."""
    try:
        return json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None


def _atomic_write(path: Path, text: str) -> None:
    """Write to a temporary file, fsync, and rename over `path`: readers see the old file or the new one."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    try:
        with tmp.open("w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:  # a full disk or Ctrl-C mid-write leaves nothing behind
        tmp.unlink(missing_ok=True)
        raise
