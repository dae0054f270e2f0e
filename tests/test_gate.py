import pytest

from fake_runs import make_run
from harness.gate import Gate, GateError, evaluate_gate, load_gates

BASE = [True] * 10 + [False] * 10
SMALL_DROP = [False] + [True] * 9 + [False] * 10  # one right->wrong: -0.05, McNemar p = 1
BIG_DROP = [False] * 9 + [True] + [False] * 10  # nine right->wrong: -0.45, p = 0.0039


@pytest.fixture
def runs(tmp_path):
    return {name: make_run(tmp_path / name, correct, variant=name)
            for name, correct in (("base", BASE), ("small", SMALL_DROP), ("big", BIG_DROP), ("same", BASE))}


def check(runs, run, **conditions):
    return evaluate_gate(Gate(runs[run], runs["base"], **conditions), n_resamples=300)


def test_tolerance_gate(runs):
    assert check(runs, "small", min_delta=-0.05).passed
    failed = check(runs, "small", min_delta=-0.02)
    assert failed.failures == ["delta -0.0500 < min_delta -0.02"]


def test_no_significant_drop_uses_mcnemar_for_binary_metrics(runs):
    assert check(runs, "small", no_significant_drop=True).passed
    result = check(runs, "big", no_significant_drop=True)
    assert not result.passed and "McNemar p = 0.003906" in result.failures[0]
    report = result.report()
    assert "execution" not in report and "accuracy = 0.0500" in report and "right->wrong on accuracy: 9" in report
    assert "#0 question 0?" in report and "A (correct): answer 0 by base" in report


def test_no_significant_drop_uses_the_paired_ci_for_graded_metrics(tmp_path):
    base = make_run(tmp_path / "a", [True] * 30, overlap=[0.9] * 30)
    worse = make_run(tmp_path / "b", [True] * 30, overlap=[0.7] * 30)
    result = evaluate_gate(Gate(worse, base, metric="overlap", no_significant_drop=True), n_resamples=200)
    assert result.failures == ["significant drop: CI [-0.2000, -0.2000] excludes 0"]


def test_golden_gate_catches_compensating_flips(tmp_path, runs):
    swapped = make_run(tmp_path / "swapped", [False] + [True] * 10 + [False] * 9)  # same mean, two flips
    golden = Gate(swapped, runs["base"], min_delta=0.0, max_delta=0.0, max_flips=0)
    result = evaluate_gate(golden, n_resamples=100)
    assert result.failures == ["2 examples flipped (1 right->wrong, 1 wrong->right) > max_flips 0"]
    assert evaluate_gate(Gate(runs["same"], runs["base"], min_delta=0.0, max_delta=0.0, max_flips=0)).passed


def test_min_value_needs_no_baseline(runs):
    assert evaluate_gate(Gate(runs["base"], min_value=0.5)).passed
    assert evaluate_gate(Gate(runs["base"], min_value=0.6)).failures == ["accuracy 0.5000 < min_value 0.6"]


def test_gate_on_a_different_setup_fails_with_the_reason(tmp_path, runs):
    other = make_run(tmp_path / "other", BASE, manifest={"limit": 20})
    result = evaluate_gate(Gate(other, runs["base"], min_delta=0.0))
    assert not result.passed and "limit: None vs 20" in result.failures[0]


def test_gate_configuration_errors(runs):
    with pytest.raises(GateError, match="no condition"):
        Gate(runs["base"])
    with pytest.raises(GateError, match="min_delta compare against a baseline"):
        Gate(runs["base"], min_delta=0.0)
    with pytest.raises(GateError, match="no metric 'bleu'; it has accuracy, overlap"):
        evaluate_gate(Gate(runs["base"], min_value=0.1, metric="bleu"))
    with pytest.raises(GateError, match="a 'toy' run, the gate expects 'spider'"):
        evaluate_gate(Gate(runs["base"], min_value=0.1, benchmark="spider"))


def test_load_gates_toml_and_yaml_resolve_paths_against_the_file(tmp_path, runs):
    (tmp_path / "g.toml").write_text('[[gate]]\nrun = "small"\nbaseline = "base"\nmin_delta = -0.1\n'
                                     '[[gate]]\nrun = "big"\nmin_value = 0.5\nname = "floor"\n')
    gates = load_gates(tmp_path / "g.toml")
    assert [g.run for g in gates] == [tmp_path / "small", tmp_path / "big"] and gates[0].baseline == tmp_path / "base"
    assert [evaluate_gate(g).passed for g in gates] == [True, False]
    (tmp_path / "g.yaml").write_text("gates:\n  - run: small\n    baseline: base\n    no_significant_drop: true\n")
    assert load_gates(tmp_path / "g.yaml")[0].no_significant_drop is True


@pytest.mark.parametrize("text, message", [
    ('[[gate]]\nrun = "x"\nmin_dleta = 0.1\n', "gate #1: unknown field(s) min_dleta"),
    ('[[gate]]\nbaseline = "x"\nmin_delta = 0.1\n', "gate #1: missing field `run`"),
    ('[[gate]]\nrun = "x"\nmin_value = "high"\n', "gate #1: field `min_value` must be int or float, got 'high'"),
    ('[[gate]]\nrun = "x"\nmax_flips = true\n', "field `max_flips` must be int, got True"),
    ('[gate]\nrun = "x"\n', "expected one non-empty list of gates"),
    ('[[gate]\n', "invalid TOML"),
])
def test_bad_gates_files_name_the_file_gate_and_field(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(GateError, match="bad.toml") as err:
        load_gates(path)
    assert message in str(err.value)


def test_cli_gate_exit_status(runs, capsys):
    from harness.cli import gate as cli_gate

    import argparse
    parser = argparse.ArgumentParser()
    cli_gate.add_parser(parser.add_subparsers())

    def run(*argv):
        args = parser.parse_args(["gate", *argv])
        return args.func(args)

    assert run("--baseline", str(runs["base"]), str(runs["small"]), "--tolerance", "0.05") == 0
    assert run("--baseline", str(runs["base"]), str(runs["small"])) == 1
    assert "delta -0.0500 < min_delta -0" in capsys.readouterr().out
    assert run("--baseline", str(runs["base"]), str(runs["big"]), "--no-significant-drop") == 1
    assert run("--baseline", str(runs["base"] / "summary.json"), str(runs["same"]), "--max-flips", "0") == 0
    assert run("--baseline", str(runs["base"]), str(runs["same"]), "--metric", "accuracy", "--metric", "overlap") == 0
    assert capsys.readouterr().out.count("PASS") == 3
    with pytest.raises(ValueError, match="or both --baseline BASELINE_RUN and RUN"):
        run(str(runs["big"]))


def test_a_baseline_whose_stored_value_today_s_metric_code_does_not_reproduce_fails(runs):
    import json

    summary_path = runs["base"] / "summary.json"
    summary = json.loads(summary_path.read_text())
    summary["metrics"]["accuracy"]["value"] = 0.55  # as if the metric had been computed differently back then
    summary_path.write_text(json.dumps(summary))
    result = check(runs, "same", min_delta=0.0, max_delta=0.0)
    assert not result.passed
    assert "stored accuracy = 0.5500, but today's metric code computes 0.5000" in result.failures[0]
