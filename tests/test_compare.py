import json

import pytest

from fake_runs import make_run
from harness.report.compare import IncomparableRuns, compare_runs, flips_text

BASE = [True] * 10 + [False] * 10
# The adapter breaks example 0 and fixes examples 10..18: b=1, c=9 (McNemar p = 0.0215).
ADAPTER = [False] + [True] * 9 + [True] * 9 + [False]


def test_delta_mcnemar_and_flips(tmp_path):
    a = make_run(tmp_path / "base", BASE)
    b = make_run(tmp_path / "lora", ADAPTER, variant="lora")
    comp = compare_runs(a, b)
    acc = comp.metrics["accuracy"]
    assert (acc.value_a, acc.value_b) == (0.5, 0.9)
    assert acc.delta.delta == pytest.approx(0.4)
    assert acc.delta.ci_low <= 0.4 <= acc.delta.ci_high and acc.delta.ci_low > 0
    assert acc.right_to_wrong == [0] and acc.wrong_to_right == list(range(10, 19))
    assert acc.mcnemar.p_value == pytest.approx(22 / 1024)
    assert acc.significant(comp.alpha)
    flip = comp.flips("accuracy", "right_to_wrong")[0]
    assert (flip.index, flip.verdict_a, flip.verdict_b, flip.output_b) == (0, "correct", "wrong", "answer 0 by lora")
    text = flips_text(comp, "accuracy")
    assert "right->wrong on accuracy: 1" in text and "wrong->right on accuracy: 9" in text and "#10 question 10?" in text


def test_graded_metric_gets_a_ci_but_no_mcnemar(tmp_path):
    a = make_run(tmp_path / "a", [True] * 4, overlap=[0.5, 0.6, 0.7, 0.8])
    b = make_run(tmp_path / "b", [True] * 4, overlap=[0.4, 0.5, 0.6, 0.7])
    overlap = compare_runs(a, b).metrics["overlap"]
    assert overlap.mcnemar is None
    assert overlap.delta.delta == pytest.approx(-0.1)
    assert overlap.delta.ci_low == pytest.approx(-0.1) and overlap.delta.ci_high == pytest.approx(-0.1)


@pytest.mark.parametrize("override, expected", [
    ({"data": {"path": "/x", "split": "test", "sha256": "d1"}}, "data split: 'dev' vs 'test'"),
    ({"data": {"path": "/x", "split": "dev", "sha256": "other"}}, "data sha256: 'd1' vs 'other'"),
    ({"limit": 5}, "limit: None vs 5"),
    ({"prompt": {"hash": "changed"}}, "prompt template hash"),
])
def test_refuses_runs_on_a_different_setup_unless_forced(tmp_path, override, expected):
    a = make_run(tmp_path / "a", BASE)
    b = make_run(tmp_path / "b", ADAPTER, manifest=override)
    with pytest.raises(IncomparableRuns, match="--force") as err:
        compare_runs(a, b)
    assert expected in str(err.value)
    forced = compare_runs(a, b, force=True)
    assert any(expected in d for d in forced.differences)


def test_data_path_alone_does_not_block(tmp_path):
    a = make_run(tmp_path / "a", BASE)
    b = make_run(tmp_path / "b", ADAPTER, manifest={"data": {"path": "/elsewhere", "split": "dev", "sha256": "d1"}})
    assert compare_runs(a, b).differences == []


def test_different_examples_or_prompts_are_refused(tmp_path):
    a = make_run(tmp_path / "a", BASE)
    fewer = make_run(tmp_path / "fewer", BASE[:15])
    with pytest.raises(IncomparableRuns, match="examples: 5 only in A, 0 only in B"):
        compare_runs(a, fewer)
    assert compare_runs(a, fewer, force=True).n == 15
    with pytest.raises(IncomparableRuns, match="prompts differ for 20 examples"):
        compare_runs(a, make_run(tmp_path / "p", BASE, prompt_hash="q"))


def test_summary_json_path_names_its_run(tmp_path):
    a = make_run(tmp_path / "a", BASE)
    comp = compare_runs(a / "summary.json", a)
    assert comp.metrics["accuracy"].delta.delta == 0.0


def test_cli_compare_prints_table_and_flips(tmp_path, capsys):
    from harness.cli import compare as cli_compare

    a = make_run(tmp_path / "base", BASE)
    b = make_run(tmp_path / "lora", ADAPTER, variant="lora")
    parser = build_parser_with(cli_compare)
    args = parser.parse_args(["compare", str(a), str(b), "--json", str(tmp_path / "c.json")])
    assert args.func(args) == 0
    out = capsys.readouterr().out
    assert "+0.4000" in out and "0.02148" in out and "wrong->right on accuracy: 9" in out
    saved = json.loads((tmp_path / "c.json").read_text())
    assert saved["metrics"]["accuracy"]["mcnemar"]["b"] == 1
    with pytest.raises(IncomparableRuns):
        args = parser.parse_args(["compare", str(a), str(make_run(tmp_path / "l", BASE, manifest={"limit": 3}))])
        args.func(args)


def build_parser_with(module):
    import argparse

    parser = argparse.ArgumentParser()
    module.add_parser(parser.add_subparsers(dest="command"))
    return parser
