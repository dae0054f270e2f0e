"""The extraction benchmark: data formats, errors, prompts, scoring records, summaries, `harness score`."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.benchmarks import BENCHMARKS, DataError
from harness.benchmarks.extraction import ExtractionBenchmark
from harness.cli import main as cli
from harness.runs.records import load_run, summarize
from harness.types import Record

GOLD = {"name": "龙琳", "address": "宁夏回族自治区璐市城东林街g座 955491", "email": "nafan@example.com",
        "question": "小区垃圾堆积成山，怎么办？"}
TUTORIAL = Path(__file__).parent / "fixtures" / "extraction" / "tutorial.jsonl"
TEXT = "龙琳：宁夏回族自治区璐市城东林街g座 955491，邮箱 nafan@example.com。小区垃圾堆积成山，怎么办？"


def _write(path: Path, rows: list) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_shipped_default_data_and_splits() -> None:
    test, train = ExtractionBenchmark(), ExtractionBenchmark(split="train")
    assert len(test.examples()) == 150 and len(train.examples()) == 300
    assert ExtractionBenchmark(split="dev").path == test.path
    first = test.examples()[0]
    assert first.tags == {"tier": "clean", "lang": "zh"} and set(first.target) == set(GOLD)
    assert json.loads(test.completion(first)) == first.target
    system, user = test.messages(first)
    assert system["role"] == "system" and user["content"].endswith(first.inputs["text"])
    assert "name, address, email, question" in user["content"]


def test_alpaca_rows_text_is_instruction_then_input_either_may_be_empty(tmp_path: Path) -> None:
    fenced = "```json\n" + json.dumps(GOLD, ensure_ascii=False, indent=2) + "\n```"
    path = _write(tmp_path / "alpaca.jsonl", [
        {"system": "你是助手", "instruction": TEXT, "input": "", "output": fenced},  # the tutorial's shape
        {"instruction": "抽取信息", "input": TEXT, "output": {**GOLD, "email": None}},
        {"instruction": "", "input": TEXT, "output": json.dumps(GOLD, ensure_ascii=False)},
        {"input": TEXT, "output": fenced},
    ])
    examples = ExtractionBenchmark(path).examples()
    assert [e.target for e in examples] == [GOLD, {**GOLD, "email": None}, GOLD, GOLD]
    assert [e.inputs["text"] for e in examples] == [TEXT, "抽取信息\n" + TEXT, TEXT, TEXT]
    assert examples[0].tags == {}


def test_tutorial_file_scores_gold_as_prediction_at_100_percent(tmp_path: Path) -> None:
    """The tutorial's own shape ({system, instruction, input: "", output: fenced JSON}), through `harness score`."""
    rows = [json.loads(line) for line in TUTORIAL.read_text(encoding="utf-8").splitlines()]
    preds = _write(tmp_path / "preds.jsonl", [{"index": i, "prediction": r["output"]} for i, r in enumerate(rows)])
    out = tmp_path / "run"
    assert cli(["score", "extraction", "--data", str(TUTORIAL), "--predictions", str(preds), "--out", str(out)]) == 0
    summary, records = load_run(out)
    assert summary.n == len(rows) == 5 and summary.verdicts == {"correct": 5}
    assert summary.metrics["all_fields_exact"].value == 1.0 and summary.metrics["micro_f1"].value == 1.0
    assert records[2].target["email"] is None and records[0].inputs["text"] == rows[0]["instruction"]


@pytest.mark.parametrize("key, role, content, user, assistant", [
    ("conversations", "from", "value", "human", "gpt"),
    ("messages", "role", "content", "user", "assistant"),
])
def test_sharegpt_and_messages_rows(tmp_path: Path, key: str, role: str, content: str, user: str,
                                    assistant: str) -> None:
    fenced = "```json\n" + json.dumps(GOLD, ensure_ascii=False) + "\n```"
    turns = [{role: "system", content: "抽取信息"}, {role: user, content: TEXT}, {role: assistant, content: fenced}]
    earlier = [{role: user, content: "你好"}, {role: assistant, content: "你好！"}]
    path = tmp_path / "chat.json"
    path.write_text(json.dumps([{key: turns}, {key: earlier + turns[1:]}], ensure_ascii=False), encoding="utf-8")
    examples = ExtractionBenchmark(path).examples()
    assert [(e.inputs["text"], e.target) for e in examples] == [(TEXT, GOLD)] * 2
    path.write_text(json.dumps([{key: turns[:2]}]), encoding="utf-8")
    with pytest.raises(DataError, match=rf"chat.json: record 0: field '{key}' needs a user turn followed by an "
                                        rf"assistant turn \({role} found: system, {user}\)"):
        ExtractionBenchmark(path).examples()


def test_json_list_of_text_fields_rows(tmp_path: Path) -> None:
    path = tmp_path / "rows.json"
    path.write_text(json.dumps([{"text": TEXT, "fields": GOLD, "tier": "clean"}], ensure_ascii=False))
    [example] = ExtractionBenchmark(path).examples()
    assert example.tags == {"tier": "clean"}


@pytest.mark.parametrize("row, message", [
    ({"text": TEXT}, r"line 2: field 'fields' must be a JSON object"),
    ({"text": "", "fields": GOLD}, r"line 2: field 'text' must be a non-empty string"),
    ({"input": TEXT, "output": "no json here"}, r"line 2: field 'output' must hold a JSON object"),
    ({"input": TEXT, "output": 3}, r"line 2: field 'output' must be a JSON object or a string"),
    ({"prompt": TEXT, "answer": "x"}, r"line 2: unknown row shape \(fields found: answer, prompt\); expected "
                                      r"\{text, fields\}, Alpaca \{instruction, input, output\}, ShareGPT"),
    ({"instruction": "", "input": " ", "output": GOLD}, r"line 2: fields 'instruction' and 'input' are both empty"),
    ({"instruction": 3, "input": TEXT, "output": GOLD}, r"line 2: field 'instruction' must be a string, got int"),
    ({"messages": [{"role": "user", "content": TEXT}, {"role": "assistant", "content": "sorry"}]},
     r"line 2: the last assistant turn of 'messages' must hold a JSON object"),
    ({"messages": "hi"}, r"line 2: field 'messages' must be a list of \{role, content\} objects"),
    ({"text": TEXT, "fields": {**GOLD, "question": None}}, r"line 2: .*'question' is empty but required"),
    ({"text": TEXT, "fields": {"name": "x"}}, r"line 2: .*missing field 'address'"),
    (["not", "an", "object"], r"line 2: expected a JSON object, got list"),
])
def test_bad_rows_name_file_line_and_field(tmp_path: Path, row: object, message: str) -> None:
    path = _write(tmp_path / "bad.jsonl", [{"text": TEXT, "fields": GOLD}, row])
    with pytest.raises(DataError, match=message) as err:
        ExtractionBenchmark(path).examples()
    assert str(path) in str(err.value)


def test_unreadable_inputs(tmp_path: Path) -> None:
    (tmp_path / "broken.jsonl").write_text('{"text": "a", "fields": {}}\n{oops\n')
    with pytest.raises(DataError, match=r"broken.jsonl: line 2: invalid JSON"):
        ExtractionBenchmark(tmp_path / "broken.jsonl").examples()
    with pytest.raises(DataError, match="no such file or folder"):
        ExtractionBenchmark(tmp_path / "missing.jsonl")
    with pytest.raises(DataError, match=r"--split train: .* has no such split \(needs train.jsonl\); available: broken"):
        ExtractionBenchmark(tmp_path, split="train")


def test_custom_schema_from_mapping_changes_prompt_and_metrics(tmp_path: Path) -> None:
    path = _write(tmp_path / "d.jsonl", [{"text": "Call Ann or Bo.", "fields": {"people": ["Ann", "Bo"]}}])
    bench = ExtractionBenchmark(path, schema={"fields": ["people"], "lists": ["people"]})
    assert "Extract people as" in bench.messages(bench.examples()[0])[1]["content"]
    [record] = bench.score(bench.examples(), ['{"people": ["bo", "Ann"]}'])
    assert record.details["counts"] == {"people": {"tp": 1, "missing": 1, "hallucinated": 1}}
    assert record.prediction == {"people": ["Ann", "bo"]}  # the parsed object, normalised
    assert set(bench.aggregate([Record.from_scored(bench.examples()[0], "", record)])) >= {"exact_people", "micro_f1"}


def test_score_records_thinking_verdicts_and_tier_breakdowns() -> None:
    bench = ExtractionBenchmark()
    examples = bench.examples()[:6]  # tiers cycle clean, noisy, adversarial
    outputs = ["<think>the name comes first</think>" + bench.completion(examples[0]),
               "```json\n" + bench.completion(examples[1]) + "\n```",
               "I don't know.",
               json.dumps({**examples[3].target, "name": "someone else"}, ensure_ascii=False),
               "<think>unfinished",
               bench.completion(examples[5])]
    records = [Record.from_scored(e, o, s) for e, o, s in zip(examples, outputs, bench.score(examples, outputs))]
    assert [r.verdict for r in records] == ["correct", "correct", "unparseable", "partial", "unparseable",
                                            "correct"]
    assert records[0].details["thinking"] == "the name comes first" and records[0].scores["all_fields_exact"] == 1.0
    summary = summarize(bench, "x", records, {}, n_resamples=50, extra=bench.summary_extra())
    assert summary.metrics["all_fields_exact"].value == pytest.approx(3 / 6)
    assert summary.metrics["parse_rate"].value == pytest.approx(4 / 6)
    assert summary.breakdowns["tier"]["adversarial"]["n"] == 2
    assert summary.breakdowns["tier"]["adversarial"]["all_fields_exact"] == 0.5
    assert summary.verdicts == {"correct": 3, "partial": 1, "unparseable": 2}
    assert summary.extra["schema"]["casefold"] == ["email"]
    assert list(summary.metrics)[0] == bench.metric_names[0] == "all_fields_exact"


def test_harness_score_cli_on_jsonl_predictions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(BENCHMARKS, "extraction", "harness.benchmarks.extraction:ExtractionBenchmark")
    bench = ExtractionBenchmark()
    preds = tmp_path / "preds.jsonl"
    _write(preds, [{"index": i, "prediction": bench.completion(e) if i % 2 else "no"}
                   for i, e in enumerate(bench.examples()[:10])])
    out = tmp_path / "run"
    assert cli(["score", "extraction", "--predictions", str(preds), "--limit", "10", "--out", str(out)]) == 0
    summary, records = load_run(out)
    assert summary.n == 10 and summary.metrics["all_fields_exact"].value == 0.5
    assert summary.verdicts == {"correct": 5, "unparseable": 5}
    assert records[1].target == bench.examples()[1].target and records[1].raw_output
    # a run's records.jsonl is itself a predictions file (raw_output): re-scoring it gives the same summary
    again = tmp_path / "again"
    assert cli(["score", "extraction", "--predictions", str(out / "records.jsonl"), "--limit", "10",
                "--out", str(again)]) == 0
    assert load_run(again)[0].metrics == summary.metrics


def test_harness_score_cli_names_bad_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(BENCHMARKS, "extraction", "harness.benchmarks.extraction:ExtractionBenchmark")
    data = _write(tmp_path / "data.jsonl", [{"text": TEXT, "fields": GOLD}, {"text": TEXT, "fields": []}])
    preds = _write(tmp_path / "p.jsonl", [{"index": 0, "prediction": "{}"}])
    assert cli(["score", "extraction", "--data", str(data), "--predictions", str(preds)]) == 2
    assert f"{data}: line 2: field 'fields'" in capsys.readouterr().err.replace("\n", "")
