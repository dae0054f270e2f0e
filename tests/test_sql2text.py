"""The sql2text benchmark: Spider-layout and sql-create-context loaders, prompts, scoring, `harness score`."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from rouge_score.rouge_scorer import RougeScorer
from sacrebleu.metrics import BLEU, CHRF

from harness.benchmarks import BENCHMARKS, DataError
from harness.benchmarks.sql2text import Sql2TextBenchmark, schema_context, tables_used
from harness.cli import main as cli
from harness.metrics.text import reference_streams
from harness.runs.records import load_run, summarize
from test_text_metrics import _sacrebleu_cli
from harness.types import Record

CREATE_CONTEXT = [
    {"question": "How many heads of the departments are older than 56 ?",
     "context": "CREATE TABLE head (age INTEGER)", "answer": "SELECT COUNT(*) FROM head WHERE age > 56"},
    {"question": "Count the department heads older than 56.",
     "context": "CREATE TABLE head (age INTEGER)", "answer": "SELECT  COUNT(*) FROM head WHERE age > 56;"},
    {"question": "List the name of all heads.",
     "context": "CREATE TABLE head (name VARCHAR)", "answer": "SELECT name FROM head"},
]


FIXTURES = Path(__file__).parent / "fixtures" / "sql2text"


def _with_duplicates(spider: Path) -> Path:
    """Add a second question for an existing query, and a join over both concert tables."""
    dev = json.loads((spider / "dev.json").read_text())
    dev.insert(1, {"db_id": "concert", "question": "Count the singers.", "query": "SELECT  count(*)  FROM singer;"})
    dev.append({"db_id": "concert", "question": "Singer names with their country names.",
                "query": "SELECT T1.name, T2.name FROM singer AS T1 JOIN country AS T2 ON T1.country = T2.code"})
    (spider / "dev.json").write_text(json.dumps(dev))
    return spider


def test_spider_layout_groups_questions_and_restricts_context(tiny_spider: Path) -> None:
    bench = Sql2TextBenchmark(_with_duplicates(tiny_spider))
    examples = bench.examples()
    assert len(examples) == 7  # 8 records, two share one query
    first = examples[0]
    assert first.target == ["How many singers are there?", "Count the singers."]
    assert first.inputs["context"] == "CREATE TABLE singer (id INTEGER, name TEXT, age INTEGER, country TEXT)"
    assert first.tags == {"hardness": "easy", "db_id": "concert"}
    join = examples[-1]
    assert join.inputs["context"].splitlines() == ["CREATE TABLE country (code TEXT, name TEXT)",
                                                   "CREATE TABLE singer (id INTEGER, name TEXT, age INTEGER, country TEXT)"]
    assert bench.completion(first) == "How many singers are there?"
    assert bench.data_identity()["n_references"] == 8
    assert Sql2TextBenchmark(tiny_spider, split="dev").examples() == Sql2TextBenchmark(tiny_spider).examples()
    assert len(Sql2TextBenchmark(tiny_spider, split="train").examples()) == 3


def test_tables_used_and_context_fallback() -> None:
    assert tables_used("WITH t AS (SELECT * FROM Singer) SELECT * FROM t JOIN country") == {"singer", "country"}
    statements = {"a": "CREATE TABLE a (x INTEGER)", "b": "CREATE TABLE b (y INTEGER)"}
    assert schema_context(statements, "SELECT y FROM B") == "CREATE TABLE b (y INTEGER)"
    assert schema_context(statements, "SELEKT nonsense ((") == "CREATE TABLE a (x INTEGER)\nCREATE TABLE b (y INTEGER)"


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_sql_create_context_file_reversed_and_grouped(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"data{suffix}"
    path.write_text(json.dumps(CREATE_CONTEXT) if suffix == ".json" else
                    "".join(json.dumps(r) + "\n" for r in CREATE_CONTEXT))
    examples = Sql2TextBenchmark(path).examples()
    assert len(examples) == 2
    assert examples[0].inputs == {"sql": "SELECT COUNT(*) FROM head WHERE age > 56",
                                  "context": "CREATE TABLE head (age INTEGER)"}
    assert examples[0].target == [CREATE_CONTEXT[0]["question"], CREATE_CONTEXT[1]["question"]]
    assert examples[1].tags == {"hardness": "easy"}


def test_hub_dataset_id_goes_through_datasets(monkeypatch: pytest.MonkeyPatch) -> None:
    import datasets

    calls = []

    def fake_load_dataset(name: str, split: str) -> list[dict]:
        calls.append((name, split))
        return CREATE_CONTEXT

    monkeypatch.setattr(datasets, "load_dataset", fake_load_dataset)
    bench = Sql2TextBenchmark("b-mc2/sql-create-context", split="train")
    assert len(bench.examples()) == 2 and calls == [("b-mc2/sql-create-context", "train")]
    assert bench.data_identity()["kind"] == "hub"

    def failing(name: str, split: str) -> list[dict]:
        raise ValueError('Unknown split "test". Should be one of [\'train\'].')

    monkeypatch.setattr(datasets, "load_dataset", failing)
    with pytest.raises(DataError, match=r"b-mc2/sql-create-context: cannot load split 'test'.*Unknown split"):
        Sql2TextBenchmark("b-mc2/sql-create-context").examples()


def test_contextless_file_prompt_has_no_tables_block() -> None:
    bench = Sql2TextBenchmark(FIXTURES / "contextless.jsonl")
    examples = bench.examples()
    assert len(examples) == 6 and all("context" not in e.inputs for e in examples)
    assert bench.messages(examples[0])[1]["content"] == "SQL: SELECT count(*) FROM singer"
    with_context = replace(examples[0], inputs={**examples[0].inputs, "context": "CREATE TABLE singer (age INT)"})
    assert bench.messages(with_context)[1]["content"].startswith("Tables:\nCREATE TABLE singer (age INT)\n\nSQL:")


def test_contextless_file_scores_bleu_and_chrf_equal_to_sacrebleu_cli(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(BENCHMARKS, "sql2text", "harness.benchmarks.sql2text:Sql2TextBenchmark")
    data = FIXTURES / "contextless.jsonl"
    refs = [json.loads(line)["question"] for line in data.read_text().splitlines()]
    hyps = ["How many singers?", "Names of singers over 40 by name", "names of all singers",
            "average age per country", "What is the priciest item?", ""]
    preds = tmp_path / "preds.txt"
    preds.write_text("".join(h + "\n" for h in hyps))
    out = tmp_path / "run"
    assert cli(["score", "sql2text", "--data", str(data), "--predictions", str(preds), "--out", str(out)]) == 0
    summary, records = load_run(out)
    expected = _sacrebleu_cli(tmp_path, hyps, refs)
    assert summary.metrics["bleu"].value == pytest.approx(expected["bleu"], abs=1e-6)
    assert summary.metrics["chrf"].value == pytest.approx(expected["chrf"], abs=1e-6)
    assert summary.extra["sacrebleu_signature"] == {"bleu": expected["bleu_signature"],
                                                    "chrf": expected["chrf_signature"]}
    assert 0 < summary.metrics["bleu"].value < 100 and records[0].inputs == {"sql": "SELECT count(*) FROM singer"}


def test_codenn_tab_separated_file_with_its_references(tmp_path: Path) -> None:
    bench = Sql2TextBenchmark(FIXTURES / "codenn" / "dev.txt")
    examples = bench.examples()
    assert [len(e.target) for e in examples] == [2, 2, 1, 2]  # ref.txt's references per snippet id
    assert examples[1].target == ["get the row with the max value of a column", "which order has the largest amount"]
    assert examples[0].inputs == {"sql": "select category, count(*) from products group by category;"}
    assert bench.messages(examples[0])[1]["content"].startswith("SQL: select category")
    assert bench.data_identity()["kind"] == "codenn" and "references_sha256" in bench.data_identity()
    alone = tmp_path / "test.tsv"  # no ref.txt next to it: the title is the reference
    alone.write_text((FIXTURES / "codenn" / "dev.txt").read_text())
    assert [e.target for e in Sql2TextBenchmark(alone).examples()][0] == ["how to count rows per group in mysql?"]
    alone.write_text("1\t2\tcount rows\tselect count(*) from t\t0.5\n3\t4\tonly three fields\n")
    with pytest.raises(DataError, match=r"test.tsv: line 2: expected 5 tab-separated fields \(question id, "
                                        r"snippet id, title, SQL, weight\) as in CODE-NN, found 3"):
        Sql2TextBenchmark(alone).examples()


@pytest.mark.parametrize("rows, message", [
    ([{"question": "q", "context": "c"}], r"line 1: field 'answer' must be a non-empty string"),
    ([{"question": "q", "answer": "SELECT 1", "context": 3}], r"line 1: field 'context' must be a string"),
    ([CREATE_CONTEXT[0], {"question": 3, "context": "c", "answer": "SELECT 1"}], r"line 2: field 'question'"),
])
def test_bad_rows_name_file_line_and_field(tmp_path: Path, rows: list, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    with pytest.raises(DataError, match=message):
        Sql2TextBenchmark(path).examples()


def test_bad_paths_and_spider_records(tiny_spider: Path, tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such file or folder"):
        Sql2TextBenchmark(tmp_path / "nope.jsonl")
    with pytest.raises(DataError, match=r"--split validation: .* has no such split \(needs validation.json\)"):
        Sql2TextBenchmark(tiny_spider, split="validation").examples()
    (tiny_spider / "dev.json").write_text(json.dumps([{"db_id": "nowhere", "question": "q", "query": "SELECT 1"}]))
    with pytest.raises(DataError, match=r"dev.json: record 0: database folder .*nowhere does not exist"):
        Sql2TextBenchmark(tiny_spider).examples()


def test_styles_and_thinking_is_stripped_and_kept(tiny_spider: Path) -> None:
    plain, reasoning = Sql2TextBenchmark(tiny_spider), Sql2TextBenchmark(tiny_spider, style="reasoning")
    assert "<think>" in reasoning.messages(reasoning.examples()[0])[0]["content"]
    assert plain.prompt_identity()["hash"] != reasoning.prompt_identity()["hash"]
    with pytest.raises(ValueError, match="style 'cot'"):
        Sql2TextBenchmark(tiny_spider, style="cot")
    examples = reasoning.examples()[:3]
    records = reasoning.score(examples, ["<think>counts rows of singer</think>\nQuestion: How many singers are there?",
                                         "<think>still thinking", ""])
    assert records[0].prediction == "How many singers are there?"
    assert records[0].details["thinking"] == "counts rows of singer" and records[0].scores["bleu"] == pytest.approx(100)
    assert [r.verdict for r in records] == ["answered", "unfinished_thinking", "empty"]
    assert records[1].details["thinking"] == "still thinking" and records[1].scores["chrf"] == 0.0


def test_aggregate_equals_sacrebleu_and_rouge_score_on_the_same_predictions(tiny_spider: Path) -> None:
    bench = Sql2TextBenchmark(_with_duplicates(tiny_spider))
    examples = bench.examples()
    outputs = ["How many singers?", "Singers older than 40 sorted by name", "average age by country", "cheap items",
               "What is the most expensive item?", "total price of items", "names of singers and countries"]
    records = [Record.from_scored(e, o, s) for e, o, s in zip(examples, outputs, bench.score(examples, outputs))]
    refs = [e.target for e in examples]
    metrics = bench.aggregate(records)
    assert metrics["bleu"] == pytest.approx(BLEU().corpus_score(outputs, reference_streams(refs)).score, abs=1e-9)
    assert metrics["chrf"] == pytest.approx(CHRF().corpus_score(outputs, reference_streams(refs)).score, abs=1e-9)
    rouge = RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    expected_l = sum(rouge.score_multi(r, o)["rougeL"].fmeasure for r, o in zip(refs, outputs)) / len(outputs)
    assert metrics["rougeL"] == pytest.approx(expected_l, abs=1e-12)
    summary = summarize(bench, "x", records, {}, n_resamples=200, extra=bench.summary_extra())
    bleu = summary.metrics["bleu"]
    assert bleu.ci_low <= bleu.value <= bleu.ci_high and bleu.ci_low < bleu.ci_high
    assert set(summary.breakdowns["hardness"]) == {"easy", "medium"}
    assert summary.extra["sacrebleu_signature"]["bleu"].startswith("nrefs:var|case:mixed|eff:no|tok:13a")
    assert summary.extra["rouge_use_stemmer"] is True and summary.verdicts == {"answered": 7}


def test_harness_score_cli_on_plain_lines(tiny_spider: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(BENCHMARKS, "sql2text", "harness.benchmarks.sql2text:Sql2TextBenchmark")
    bench = Sql2TextBenchmark(tiny_spider)
    preds = tmp_path / "preds.txt"
    preds.write_text("".join(e.target[0] + "\n" for e in bench.examples()))
    out = tmp_path / "run"
    assert cli(["score", "sql2text", "--data", str(tiny_spider), "--predictions", str(preds), "--out", str(out)]) == 0
    summary, records = load_run(out)
    assert summary.n == 6 and summary.metrics["bleu"].value == pytest.approx(100.0)
    assert summary.metrics["rougeL"].value == pytest.approx(1.0)
    assert records[0].prediction == "How many singers are there?" and records[0].target == [records[0].prediction]
    thinking = tmp_path / "thinking.jsonl"
    thinking.write_text("".join(json.dumps({"index": i, "prediction": f"<think>{i}</think>{e.target[0]}"}) + "\n"
                                for i, e in enumerate(bench.examples())))
    assert cli(["score", "sql2text", "--data", str(tiny_spider), "--predictions", str(thinking),
                "--out", str(tmp_path / "t")]) == 0
    assert load_run(tmp_path / "t")[0].metrics == summary.metrics
    assert load_run(tmp_path / "t")[1][2].details["thinking"] == "2"
