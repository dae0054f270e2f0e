"""This project's own regression gates: the committed predictions must score exactly as the golden runs did.

Per shipped benchmark, `harness score` re-scores reports/golden/<name>.predictions.jsonl once per module and
the fresh run is gated against the committed run reports/golden/<name>/ on every metric of its summary:
same value (min_delta = max_delta = 0) and, for binary per-example metrics, no flipped example
(max_flips = 0). harness.gate recomputes both runs' values with today's aggregation (corpus BLEU from
per-example statistics, micro F1 from per-field counts), which would hide a change to the aggregation
itself, so the value the golden summary stored must match too; for non-binary metrics (where flips don't
apply) every example's own score must be unchanged, and every example keeps its verdict.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
from functools import cache
from pathlib import Path
from typing import Callable

import pytest

from harness.gate import EPS, Gate, evaluate_gate
from harness.report.compare import example_output
from harness.runs.records import Variant

GOLDEN = Path(__file__).resolve().parents[1] / "reports" / "golden"
RUNS = {"spider": "spider-mini-dev", "sql2text": "sql2text-mini-dev", "extraction": "extraction-test"}
SOURCE = "reports/golden (regenerate: see reports/golden/README.md)"
N_RESAMPLES = 50  # CIs are only shown; the gates are exact
SHOWN = 10


def golden_metrics() -> list[tuple[str, str]]:
    """(benchmark, metric) for every metric the committed golden summaries hold."""
    return [(benchmark, metric) for benchmark, name in RUNS.items()
            for metric in json.loads((GOLDEN / name / "summary.json").read_text(encoding="utf-8"))["metrics"]]


@cache
def golden_run(benchmark: str) -> Variant:
    return Variant.load(GOLDEN / RUNS[benchmark])


@pytest.fixture(scope="module")
def fresh_runs(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Variant]:
    """The fresh run of a benchmark's golden predictions, scored once per module on first use."""
    root = tmp_path_factory.mktemp("golden")
    done: dict[str, Variant] = {}

    def fresh(benchmark: str) -> Variant:
        if benchmark not in done:
            out = root / RUNS[benchmark]
            args = score_args([benchmark, "--predictions", str(GOLDEN / f"{RUNS[benchmark]}.predictions.jsonl"),
                               "--out", str(out), "--name", "golden-predictions"])
            assert args.func(args) == 0
            done[benchmark] = Variant.load(out)
        return done[benchmark]

    return fresh


@pytest.mark.parametrize(("benchmark", "metric"), golden_metrics())
def test_metric_matches_the_golden_run(fresh_runs, benchmark, metric):
    golden, fresh = golden_run(benchmark), fresh_runs(benchmark)
    binary = is_binary(golden, metric) and is_binary(fresh, metric)
    gate = Gate(fresh.path, golden.path, metric=metric, min_delta=0.0, max_delta=0.0,
                max_flips=0 if binary else None, source=SOURCE)
    result = evaluate_gate(gate, n_resamples=N_RESAMPLES)
    problems = stored_value_change(golden, fresh, metric, gate_passed=result.passed)
    problems += [] if binary else score_changes(golden, fresh, metric)
    if not result.passed or problems:
        extra = ["  beyond the gate, against the golden records and stored values:", *problems] if problems else []
        pytest.fail("\n".join([result.report(), *extra]), pytrace=False)


@pytest.mark.parametrize("benchmark", RUNS)
def test_verdicts_match_the_golden_run(fresh_runs, benchmark):
    golden, fresh = golden_run(benchmark), fresh_runs(benchmark)
    now = {r.index: r for r in fresh.records}
    changed = [(g, now[g.index]) for g in golden.records if g.verdict != now[g.index].verdict]
    if changed:
        lines = [f"{len(changed)} of {len(golden.records)} examples changed verdict against {golden.path} ({SOURCE})"]
        for g, f in changed[:SHOWN]:
            lines.append(f"  #{g.index} {g.verdict} -> {f.verdict}: {one_line(example_output(f))}")
        pytest.fail("\n".join(lines), pytrace=False)


@pytest.mark.parametrize("benchmark", RUNS)
def test_golden_run_has_every_metric(fresh_runs, benchmark):
    golden, fresh = golden_run(benchmark), fresh_runs(benchmark)
    assert list(fresh.summary.metrics) == list(golden.summary.metrics), (
        f"{benchmark} reports other metrics than {golden.path} holds; regenerate it ({SOURCE})")


def test_predictions_are_what_make_predictions_writes():
    spec = importlib.util.spec_from_file_location("make_predictions", GOLDEN / "make_predictions.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for path, text in module.expected_files().items():
        assert path.read_text(encoding="utf-8") == text, (
            f"{path} differs from what reports/golden/make_predictions.py writes; see reports/golden/README.md")


def is_binary(run: Variant, metric: str) -> bool:
    """Whether every record has a 0/1 score for `metric` (then harness.gate counts flips)."""
    return all(r.scores.get(metric) in (0.0, 1.0) for r in run.records)


def stored_value_change(golden: Variant, fresh: Variant, metric: str, *, gate_passed: bool) -> list[str]:
    """The fresh summary's value against the one the golden summary stored when it was made."""
    before, after = golden.summary.metrics[metric].value, fresh.summary.metrics[metric].value
    if same(before, after):
        return []
    why = (" (the gate, which recomputes both runs from their records with today's code, saw no change: "
           "the aggregation itself changed)" if gate_passed else "")
    return [f"  - stored {metric}: golden summary {before!r}, fresh run {after!r}{why}"]


def score_changes(golden: Variant, fresh: Variant, metric: str) -> list[str]:
    """Examples whose own (non-binary) `metric` score changed: what flips are for binary metrics."""
    now = {r.index: r for r in fresh.records}
    changed = [(g, now[g.index]) for g in golden.records if metric in g.scores
               and not same(g.scores[metric], now[g.index].scores.get(metric, float("nan")))]
    if not changed:
        return []
    lines = [f"  - per-example {metric} changed on {len(changed)} examples:"]
    for g, f in changed[:SHOWN]:
        lines.append(f"      #{g.index} {g.scores[metric]:.4f} -> {f.scores.get(metric, float('nan')):.4f}: "
                     f"{one_line(example_output(f))}")
    return lines


def same(a: float, b: float) -> bool:
    """Equal up to floating-point slack (NaN, e.g. a score gone missing, equals nothing)."""
    return abs(a - b) <= EPS


def one_line(value: object, width: int = 140) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= width else text[: width - 3] + "..."


def score_args(argv: list[str]) -> argparse.Namespace:
    from harness.cli import score

    parser = argparse.ArgumentParser()
    score.add_parser(parser.add_subparsers())
    return parser.parse_args(["score", *argv])
