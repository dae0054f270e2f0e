import json
import os
import subprocess
import sys

import pytest

from harness.benchmarks import get_benchmark
from harness.errors import DataError
from harness.benchmarks.spider import SpiderBenchmark
from harness.cli import main
from harness.types import Example


def test_prompt_and_training_completion(tiny_spider):
    bench = SpiderBenchmark(tiny_spider, "dev")
    example = bench.examples()[4]
    system, user = bench.messages(example)
    assert system["role"] == "system" and user["content"].endswith("Question: Most expensive item.")
    assert "item(id integer pk, title text, price real)" in user["content"]
    assert bench.completion(example) == "SELECT title FROM item ORDER BY price DESC LIMIT 1"  # back-quotes dropped
    assert bench.chat(example)[-1] == {"role": "assistant", "content": bench.completion(example)}


def test_database_filters_for_held_out_evaluation(tiny_spider):
    assert {e.inputs["db_id"] for e in SpiderBenchmark(tiny_spider, "dev", include_dbs=["shop"]).examples()} == {"shop"}
    kept = SpiderBenchmark(tiny_spider, "dev", exclude_dbs=["shop"]).examples()
    assert [e.index for e in kept] == [0, 1, 2] and {e.inputs["db_id"] for e in kept} == {"concert"}


def test_bad_data_names_file_record_and_field(tiny_spider):
    (tiny_spider / "dev.json").write_text(json.dumps([{"db_id": "concert", "question": "q", "query": ""}]))
    with pytest.raises(DataError, match=r"dev.json: record 0: field 'query'"):
        SpiderBenchmark(tiny_spider, "dev").examples()
    (tiny_spider / "dev.json").write_text(json.dumps([{"db_id": "nowhere", "question": "q", "query": "SELECT 1"}]))
    with pytest.raises(DataError, match="record 0: database folder .*nowhere does not exist"):
        SpiderBenchmark(tiny_spider, "dev").examples()
    with pytest.raises(DataError, match=r"--split test: .* has no such split \(needs test.json\); available: dev, train"):
        SpiderBenchmark(tiny_spider, "test")


def test_unknown_benchmark_option_is_a_clear_error(tiny_spider):
    with pytest.raises(ValueError, match="has no option include_db;"):
        get_benchmark("spider", data=str(tiny_spider), include_db=["x"])


def test_score_cli_official_format_and_jsonl(tiny_spider, tmp_path, capsys):
    bench = SpiderBenchmark(tiny_spider, "dev")
    golds = [e.target for e in bench.examples()]
    plain = tmp_path / "pred.sql"
    plain.write_text("\n".join(golds[:-1] + ["SELECT 1"]) + "\n")
    assert main(["score", "spider", "--data", str(tiny_spider), "--predictions", str(plain),
                 "--out", str(tmp_path / "run1")]) == 0
    records = [json.loads(l) for l in (tmp_path / "run1/records.jsonl").read_text().splitlines()]
    assert [r["verdict"] == "correct" for r in records] == [True] * 5 + [False]
    assert [r["index"] for r in records] == list(range(6))
    summary = json.loads((tmp_path / "run1/summary.json").read_text())
    assert summary["metrics"]["execution_accuracy"]["value"] == pytest.approx(5 / 6)
    assert summary["manifest"]["predictions"]["sha256"]

    jsonl = tmp_path / "pred.jsonl"
    jsonl.write_text("".join(json.dumps({"index": i, "prediction": g}) + "\n" for i, g in enumerate(golds)))
    assert main(["score", "spider", "--data", str(tiny_spider), "--predictions", str(jsonl),
                 "--out", str(tmp_path / "run2"), "-O", "include_dbs=[concert,shop]"]) == 0
    assert json.loads((tmp_path / "run2/summary.json").read_text())["metrics"]["execution_accuracy"]["value"] == 1.0


def test_score_cli_reports_bad_predictions_without_traceback(tiny_spider, tmp_path, capsys):
    bad = tmp_path / "pred.jsonl"
    bad.write_text('{"index": 0, "prediction": "SELECT 1"}\n')
    assert main(["score", "spider", "--data", str(tiny_spider), "--predictions", str(bad)]) == 2
    assert "no prediction for 5 of 6 examples" in capsys.readouterr().err


def test_official_format_lines_run_as_given_while_jsonl_outputs_are_extracted(tiny_spider, tmp_path):
    # Two statements on one line: the official evaluator's sqlite3 refuses them, so it is wrong there and here;
    # the same text as a model output gets its first statement extracted.
    line = "SELECT count(*) FROM singer; SELECT 1"
    golds = [e.target for e in SpiderBenchmark(tiny_spider, "dev").examples()]
    plain = tmp_path / "pred.sql"
    plain.write_text("\n".join([line] + golds[1:]) + "\n")
    assert main(["score", "spider", "--data", str(tiny_spider), "--predictions", str(plain),
                 "--out", str(tmp_path / "plain")]) == 0
    jsonl = tmp_path / "pred.jsonl"
    jsonl.write_text("".join(json.dumps({"index": i, "prediction": p}) + "\n" for i, p in enumerate([line] + golds[1:])))
    assert main(["score", "spider", "--data", str(tiny_spider), "--predictions", str(jsonl),
                 "--out", str(tmp_path / "jsonl")]) == 0
    first = [json.loads((tmp_path / run / "records.jsonl").read_text().splitlines()[0]) for run in ("plain", "jsonl")]
    assert (first[0]["verdict"], first[1]["verdict"]) == ("execution_error", "correct")


def test_value_placeholder_reproduces_evaluation_py(tiny_spider):
    example = SpiderBenchmark(tiny_spider, "dev").examples()[5]  # SELECT sum(price) FROM item
    prediction = "SELECT sum(price) FROM item WHERE length('value') = 5"  # 'value' -> '1' changes the result
    verdicts = [SpiderBenchmark(tiny_spider, "dev", workers=1, value_placeholder=flag).score([example], [prediction])
                [0].verdict for flag in (False, True)]
    assert verdicts == ["correct", "wrong_result"]


def test_distinct_is_stripped_unless_kept(tiny_spider):
    example = Example(0, {"db_id": "concert", "question": "Countries of singers."}, "SELECT country FROM singer")
    prediction = "SELECT DISTINCT country FROM singer"  # 2 rows against gold's 4 (duplicates)
    verdicts = [SpiderBenchmark(tiny_spider, "dev", workers=1, keep_distinct=keep).score([example], [prediction])
                [0].verdict for keep in (False, True)]
    assert verdicts == ["correct", "wrong_result"]


def test_cli_errors_print_brackets_verbatim(tiny_spider, tmp_path, capsys):
    assert main(["score", "spider", "--data", str(tiny_spider), "--predictions", str(tmp_path / "[missing].jsonl")]) == 2
    assert "[missing].jsonl" in capsys.readouterr().err


def test_scoring_command_imports_no_model_code(tiny_spider, tmp_path):
    """`harness score` imports only its own command: no torch, transformers or generation code, nor yaml for
    an -O value as plain as true."""
    pred = tmp_path / "pred.sql"
    pred.write_text("SELECT count(*) FROM singer\n" * 6)
    heavy = ("torch", "transformers", "peft", "trl", "harness.cli.run", "harness.backends.hf", "yaml")
    code = ("import sys; from harness.cli import main; assert main(sys.argv[1:]) == 0; "
            f"print(sorted(m for m in {heavy!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code, "score", "spider", "--data", str(tiny_spider), "--predictions",
                          str(pred), "-O", "value_placeholder=true", "--out", str(tmp_path / "run")],
                         capture_output=True, text=True, check=True, env={**os.environ, "HARNESS_CACHE_DIR": str(tmp_path / "cache")}).stdout
    assert out.strip().splitlines()[-1] == "[]"
