"""Comparing two runs of one benchmark on the same examples: deltas with paired CIs, McNemar, flipped examples.

Runs pair up by example `index`. A comparison is refused when the runs were made on different data, a
different `--limit` or a different prompt template (a delta there measures the setup, not the model), unless
forced.
"""
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

from harness.errors import ConfigError
from harness.metrics.stats import DeltaCI, McNemar, mcnemar_exact, paired_bootstrap_delta
from harness.benchmarks.base import mean_scores
from harness.runs.records import RunSummary, Variant
from harness.types import Record

if TYPE_CHECKING:
    from rich.table import Table

class IncomparableRuns(ConfigError):
    """The runs differ in data, limit, prompt template or examples; the message lists each difference."""


@dataclass(frozen=True)
class Flip:
    """One example whose binary metric changed between run A and run B."""

    index: int
    inputs: dict[str, Any]
    target: Any
    output_a: str | None
    output_b: str | None
    verdict_a: str | None
    verdict_b: str | None


@dataclass
class MetricComparison:
    metric: str
    value_a: float
    value_b: float
    delta: DeltaCI  # CI bounds are NaN when the metric cannot be recomputed on resamples
    mcnemar: McNemar | None = None  # only for binary per-example metrics
    right_to_wrong: list[int] = field(default_factory=list)  # example indices
    wrong_to_right: list[int] = field(default_factory=list)

    def significant(self, alpha: float) -> bool:
        """McNemar p < alpha for binary metrics, else the delta's CI excludes zero."""
        if self.mcnemar is not None:
            return self.mcnemar.p_value < alpha
        return not math.isnan(self.delta.ci_low) and (self.delta.ci_low > 0 or self.delta.ci_high < 0)


@dataclass
class Comparison:
    a: Variant
    b: Variant
    metrics: dict[str, MetricComparison]
    n: int  # paired examples
    confidence: float
    differences: list[str]  # setup differences that were overridden with force

    @property
    def alpha(self) -> float:
        return 1.0 - self.confidence

    def flips(self, metric: str, direction: str) -> list[Flip]:
        """Examples that went `direction` ("right_to_wrong" or "wrong_to_right") on `metric`, A -> B."""
        indices = getattr(self.metrics[metric], direction)
        a, b = _by_index(self.a.records), _by_index(self.b.records)
        return [Flip(i, a[i].inputs, a[i].target, example_output(a[i]), example_output(b[i]), a[i].verdict,
                     b[i].verdict) for i in indices]


def setup_differences(a: Variant, b: Variant) -> list[str]:
    """Why the two runs' scores are not comparable; empty when they are."""
    ma, mb = a.summary.manifest, b.summary.manifest
    found = []
    if a.summary.benchmark != b.summary.benchmark:
        found.append(f"benchmark: {a.summary.benchmark!r} vs {b.summary.benchmark!r}")
    data_a, data_b = _without_path(ma.get("data")), _without_path(mb.get("data"))
    for key in sorted(data_a.keys() | data_b.keys()):
        if data_a.get(key) != data_b.get(key):
            found.append(f"data {key}: {data_a.get(key)!r} vs {data_b.get(key)!r}")
    if ma.get("limit") != mb.get("limit"):
        found.append(f"limit: {ma.get('limit')!r} vs {mb.get('limit')!r}")
    prompt_a, prompt_b = (ma.get("prompt") or {}).get("hash"), (mb.get("prompt") or {}).get("hash")
    if prompt_a != prompt_b:
        found.append(f"prompt template hash: {prompt_a!r} vs {prompt_b!r}")
    ia, ib = {r.index for r in a.records}, {r.index for r in b.records}
    if ia != ib:
        found.append(f"examples: {len(ia - ib)} only in A, {len(ib - ia)} only in B")
    ra, rb = _by_index(a.records), _by_index(b.records)
    differing = [i for i in sorted(ia & ib) if ra[i].prompt_hash != rb[i].prompt_hash]
    if differing:
        found.append(f"prompts differ for {len(differing)} examples (first: index {differing[0]})")
    return found


def compare_runs(run_a: str | Path | Variant, run_b: str | Path | Variant, *, force: bool = False,
                 n_resamples: int = 1000, confidence: float = 0.95, seed: int = 0) -> Comparison:
    """Per metric: B - A with a paired bootstrap CI; McNemar and flips for binary per-example metrics.

    Raises IncomparableRuns when the setups differ, unless `force` (then only shared examples are paired).
    """
    a = run_a if isinstance(run_a, Variant) else Variant.load(run_a)
    b = run_b if isinstance(run_b, Variant) else Variant.load(run_b)
    differences = setup_differences(a, b)
    if differences and not force:
        raise IncomparableRuns(f"{a.path} and {b.path} were not run on the same setup:\n  - "
                               + "\n  - ".join(differences) + "\npass --force to compare them anyway")
    shared = sorted({r.index for r in a.records} & {r.index for r in b.records})
    if not shared:
        raise IncomparableRuns(f"{a.path} and {b.path} share no examples (by index)")
    ra, rb = _by_index(a.records), _by_index(b.records)
    pa, pb = [ra[i] for i in shared], [rb[i] for i in shared]
    names = [m for m in a.summary.metrics if m in b.summary.metrics]
    statistic = run_statistic(a.summary)
    deltas = paired_bootstrap_delta(pa, pb, statistic, n_resamples=n_resamples, confidence=confidence, seed=seed)
    metrics = {}
    for name in names:
        full_a, full_b = statistic(pa).get(name), statistic(pb).get(name)
        if full_a is None or full_b is None:  # not recomputable from records: summary values, no CI
            full_a, full_b = a.summary.metrics[name].value, b.summary.metrics[name].value
        delta = deltas.get(name, DeltaCI(full_b - full_a, math.nan, math.nan))
        metrics[name] = MetricComparison(name, full_a, full_b, delta)
        if _is_binary(name, pa) and _is_binary(name, pb):
            _add_flips(metrics[name], pa, pb)
    return Comparison(a, b, metrics, len(shared), confidence, differences)


def run_statistic(summary: RunSummary) -> Callable[[Sequence[Record]], Mapping[str, float]]:
    """How to recompute a run's metrics from a subset of its records (what bootstrap resamples need).

    For a registered benchmark, its `aggregator` configured by what the summary recorded (corpus BLEU, micro
    F1 for the recorded schema): no benchmark is built and no data is read. Otherwise: means of the records'
    per-example scores.
    """
    from harness.benchmarks import BENCHMARKS
    from harness.registry import load

    if summary.benchmark in BENCHMARKS:
        benchmark = load(BENCHMARKS, summary.benchmark, "benchmark")
        return benchmark.aggregator(summary.manifest.get("benchmark_options", {}), summary.extra)
    return partial(mean_scores, metrics=tuple(summary.metrics))


def comparison_to_json(comp: Comparison) -> dict[str, Any]:
    """Everything a comparison found, JSON-ready (for `harness compare --json`)."""
    return {
        "a": str(comp.a.path), "b": str(comp.b.path), "n": comp.n, "confidence": comp.confidence,
        "forced_despite": comp.differences,
        "metrics": {m.metric: {"a": m.value_a, "b": m.value_b, "delta": m.delta.delta,
                               "ci": [m.delta.ci_low, m.delta.ci_high], "significant": m.significant(comp.alpha),
                               "mcnemar": asdict(m.mcnemar) if m.mcnemar else None,
                               "right_to_wrong": m.right_to_wrong, "wrong_to_right": m.wrong_to_right}
                    for m in comp.metrics.values()},
    }


def comparison_table(comp: Comparison) -> "Table":
    """A rich table: one row per metric with A, B, the delta, its CI, McNemar and flip counts."""
    from rich.table import Table

    pct = int(round(comp.confidence * 100))
    table = Table(title=f"{comp.a.summary.benchmark}: B - A over {comp.n} paired examples")
    for name, justify in (("metric", "left"), ("A", "right"), ("B", "right"), ("delta", "right"),
                          (f"{pct}% CI of delta", "right"), ("McNemar p", "right"), ("right->wrong", "right"),
                          ("wrong->right", "right")):
        table.add_column(name, justify=justify)
    for m in comp.metrics.values():
        mark = " *" if m.significant(comp.alpha) else ""
        table.add_row(m.metric, f"{m.value_a:.4f}", f"{m.value_b:.4f}", f"{m.delta.delta:+.4f}{mark}",
                      format_ci(m.delta), f"{m.mcnemar.p_value:.4g}" if m.mcnemar else "-",
                      str(len(m.right_to_wrong)) if m.mcnemar else "-", str(len(m.wrong_to_right)) if m.mcnemar else "-")
    label_a, label_b = distinguishing_labels([comp.a, comp.b])
    table.caption = f"A = {label_a} ({comp.a.path}); B = {label_b} ({comp.b.path}); * significant"
    return table


def setting_facts(run: Variant) -> dict[str, str]:
    """What produced a run besides its model and adapter; labels show the facts that differ between runs."""
    m = run.summary.manifest
    generation, sampling, data = m.get("generation") or {}, m.get("sampling") or {}, m.get("data") or {}
    facts = {"backend": generation.get("backend"), "precision": generation.get("precision"), "limit": m.get("limit"),
             "max_new_tokens": sampling.get("max_new_tokens"), "temperature": sampling.get("temperature"),
             "data": Path(data["path"]).name if data.get("path") else None, "split": data.get("split"),
             **(m.get("benchmark_options") or {})}
    return {key: str(value) for key, value in facts.items() if value is not None}


def distinguishing_labels(runs: Sequence[Variant]) -> list[str]:
    """`model/variant`, plus `[key=value, ...]` for every setting whose value is not the same in all runs."""
    facts = [setting_facts(r) for r in runs]
    differing = [k for k in dict.fromkeys(k for f in facts for k in f) if len({f.get(k) for f in facts}) > 1]
    if not differing:
        return [r.label for r in runs]
    return [r.label + " [" + ", ".join(f"{k}={f.get(k, '-')}" for k in differing) + "]" for r, f in zip(runs, facts)]


def format_ci(delta: DeltaCI, *, digits: int = 4) -> str:
    return "n/a" if math.isnan(delta.ci_low) else f"[{delta.ci_low:+.{digits}f}, {delta.ci_high:+.{digits}f}]"


def flips_text(comp: Comparison, metric: str, *, limit: int = 10) -> str:
    """The flipped examples of one metric, A -> B, as plain text lines (question, gold, both outputs)."""
    lines = []
    for direction in ("right_to_wrong", "wrong_to_right"):
        flips = comp.flips(metric, direction)
        lines.append(f"{direction.replace('_to_', '->').replace('_', ' ')} on {metric}: {len(flips)}")
        for f in flips[:limit]:
            lines.append(f"  #{f.index} {_one_line(example_question(f.inputs))}")
            lines.append(f"      gold: {_one_line(f.target)}")
            lines.append(f"      A ({f.verdict_a}): {_one_line(f.output_a)}")
            lines.append(f"      B ({f.verdict_b}): {_one_line(f.output_b)}")
        if len(flips) > limit:
            lines.append(f"  ... {len(flips) - limit} more")
    return "\n".join(lines)


def example_question(inputs: Mapping[str, Any]) -> str:
    return str(inputs.get("question") or inputs.get("text") or next(iter(inputs.values()), ""))


def _one_line(value: Any, width: int = 160) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= width else text[: width - 3] + "..."


def _is_binary(metric: str, records: Sequence[Record]) -> bool:
    return all(r.scores.get(metric) in (0.0, 1.0) for r in records)


def _add_flips(result: MetricComparison, pa: Sequence[Record], pb: Sequence[Record]) -> None:
    for ra, rb in zip(pa, pb):
        before, after = ra.scores[result.metric], rb.scores[result.metric]
        if before > after:
            result.right_to_wrong.append(ra.index)
        elif after > before:
            result.wrong_to_right.append(ra.index)
    result.mcnemar = mcnemar_exact(len(result.right_to_wrong), len(result.wrong_to_right))


def _by_index(records: Sequence[Record]) -> dict[int, Record]:
    return {r.index: r for r in records}


def example_output(record: Record) -> str | None:
    """What the model answered, as text: the scored prediction, else its raw output."""
    if record.prediction is None or record.prediction == "":
        return record.raw_output
    return record.prediction if isinstance(record.prediction, str) else json.dumps(record.prediction, ensure_ascii=False)


def _without_path(data: Mapping[str, Any] | None) -> dict[str, Any]:
    # Where the data sits on disk is not what it is: golden runs made elsewhere must still compare.
    return {k: v for k, v in (data or {}).items() if k != "path"}
