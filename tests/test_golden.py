"""This project's own regression gate: the committed predictions must score exactly as the golden run did."""
from pathlib import Path

import pytest

from harness.gate import Gate, evaluate_gate

GOLDEN = Path(__file__).resolve().parents[1] / "reports" / "golden"


@pytest.fixture(scope="module")
def fresh_run(tmp_path_factory):
    from harness.cli import score

    out = tmp_path_factory.mktemp("golden") / "spider-mini-dev"
    args = score_args(score, ["spider", "--predictions", str(GOLDEN / "spider-mini-dev.predictions.jsonl"),
                              "--out", str(out), "--name", "golden-predictions"])
    assert args.func(args) == 0
    return out


@pytest.mark.parametrize("metric", ["execution_accuracy", "exact_match"])
def test_spider_scores_match_the_golden_run(fresh_run, metric):
    gate = Gate(fresh_run, GOLDEN / "spider-mini-dev", metric=metric, min_delta=0.0, max_delta=0.0, max_flips=0,
                source="reports/golden (regenerate: see reports/golden/README.md)")
    result = evaluate_gate(gate, n_resamples=200)
    if not result.passed:
        pytest.fail(result.report(), pytrace=False)


def score_args(module, argv):
    import argparse

    parser = argparse.ArgumentParser()
    module.add_parser(parser.add_subparsers())
    return parser.parse_args(["score", *argv])
