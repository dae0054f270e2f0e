"""Train/eval contamination: every overlap kind planted against the tiny Spider dev split, clean data reports
nothing; the command, recipes as --train, the adapter manifest written by `harness train`, the warning of
`harness run`, and the `max_contamination` gate."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_train_sft import make_recipe

from harness.benchmarks import get_benchmark
from harness.cli import main as cli_main
from harness.train.recipe import load_recipe
from harness.trust.contamination import KINDS, contamination_report, evaluation_benchmark, file_items

# tiny Spider dev: 0-2 on `concert`, 3-5 on `shop` (see conftest.build_tiny_spider)
PLANTED_TRAIN = [
    {"db_id": "concert", "question": "Who sings the loudest of all?", "query": "SELECT name FROM singer WHERE id = 9"},
    {"db_id": "mall", "question": "Sum it up for me please.", "query": "select sum(PRICE) from item"},  # sql (5)
    {"db_id": "mall", "question": "Cheap titles, please.", "query": "SELECT title FROM item WHERE price < 99"},  # masked (3)
    {"db_id": "mall", "question": "most expensive   ITEM", "query": "SELECT 1"},  # question (4)
    {"db_id": "mall", "question": "Names of the singers older than 40, by name"},  # near question (1)
]
CLEAN_TRAIN = [
    {"db_id": "zoo", "question": "How many lions live in the zoo?", "query": "SELECT count(*) FROM lion"},
    {"db_id": "zoo", "question": "List keepers by age.", "query": "SELECT name FROM keeper ORDER BY age"},
]


def _jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_every_overlap_kind_is_found(tiny_spider: Path, tmp_path: Path) -> None:
    train = _jsonl(tmp_path / "train.jsonl", PLANTED_TRAIN)
    report = contamination_report(train, get_benchmark("spider", data=str(tiny_spider)), near_threshold=0.75)
    assert report["overlap"] == {"db": [0, 1, 2], "sql": [5], "sql_masked": [3, 5], "question": [4],
                                 "near_question": [1]}
    assert report["counts"]["any"] == 6 and report["eval"]["n"] == 6
    # Jaccard 14/18 = 0.78: a near duplicate at 0.75, not at the default 0.8.
    strict = contamination_report(train, get_benchmark("spider", data=str(tiny_spider)))
    assert strict["overlap"]["near_question"] == []


def test_clean_training_data_reports_nothing(tiny_spider: Path, tmp_path: Path) -> None:
    report = contamination_report(_jsonl(tmp_path / "clean.jsonl", CLEAN_TRAIN),
                                  get_benchmark("spider", data=str(tiny_spider)), near_threshold=0.5)
    assert report["overlap"] == {k: [] for k in KINDS} and report["counts"]["any"] == 0


def test_spider_layout_folder_and_json_list_as_train(tiny_spider: Path) -> None:
    items = file_items(tiny_spider)  # reads train_spider.json: the first three dev questions
    assert [i.db for i in items] == ["concert"] * 3 and items[0].sql == "SELECT count(*) FROM singer"


def test_training_file_without_comparable_fields_is_a_located_error(tmp_path: Path) -> None:
    from harness.errors import DataError

    with pytest.raises(DataError, match=r"bad\.jsonl: line 2: no field to compare"):
        file_items(_jsonl(tmp_path / "bad.jsonl", [{"question": "ok?"}, {"label": 1}]))


def test_contamination_command(tiny_spider: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    train = _jsonl(tmp_path / "train.jsonl", PLANTED_TRAIN)
    assert cli_main(["contamination", "--train", str(train), "--eval", "spider", "--data", str(tiny_spider),
                     "--split", "dev", "--near-threshold", "0.75", "--out", str(tmp_path / "out")]) == 0
    written = json.loads((tmp_path / "out" / "contamination.json").read_text())
    assert written["overlap"]["sql"] == [5] and set(written["overlap"]) == set(KINDS)
    assert "6 of 6 evaluation examples overlap the training data" in capsys.readouterr().out


def test_recipe_as_train_and_its_evaluation_split(tiny_spider: Path, tiny_model_dir: Path, tmp_path: Path) -> None:
    path = Path(make_recipe(tmp_path, tiny_model_dir, tiny_spider).source)
    path.write_text(path.read_text().replace(f"path: {tiny_spider}}}",
                                             f"path: {tiny_spider}, options: {{exclude_dbs: [shop]}}}}"))
    recipe = load_recipe(path)
    held_out = evaluation_benchmark(recipe)
    assert [e.inputs["db_id"] for e in held_out.examples()] == ["shop"] * 3
    report = contamination_report(recipe.source, held_out)
    assert report["counts"]["any"] == 0 and report["train"]["n"] == 3  # trained on concert, evaluated on shop

    # An `eval:` section names the evaluation data itself.
    path.write_text(path.read_text() + f"eval: {{path: {tiny_spider}, split: dev, options: {{include_dbs: [concert]}}}}\n")
    named = evaluation_benchmark(load_recipe(path))
    assert [e.inputs["db_id"] for e in named.examples()] == ["concert"] * 3


def test_train_records_it_run_warns_and_gate_fails(tiny_spider: Path, tiny_model_dir: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from harness.evaluate import GenerationSpec, run
    from harness.gate import Gate, evaluate_gate
    from harness.models import resolve_adapter, resolve_model
    from harness.runs.cache import GenerationCache
    from harness.train.sft import MANIFEST, train
    from harness.trust.runs import lines
    from harness.types import Sampling

    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))
    # The tiny recipe trains on the dev split, which is also the split it is evaluated on: all of it overlaps.
    result = train(make_recipe(tmp_path, tiny_model_dir, tiny_spider, "trainer.max_steps=1"))
    recorded = json.loads((result.path / MANIFEST).read_text())["contamination"]
    assert recorded["counts"] == {"db": 6, "sql": 6, "sql_masked": 6, "question": 6, "near_question": 0, "any": 6}

    spec = GenerationSpec(model=resolve_model(str(tiny_model_dir)), adapters=[resolve_adapter(result.path)],
                          sampling=Sampling(max_new_tokens=4), backend_options={"precision": "fp32"})
    with GenerationCache(tmp_path / "c.sqlite") as cache:
        _, adapter_variant = run(get_benchmark("spider", data=str(tiny_spider)), spec, tmp_path / "runs", cache)
    adapter_dir, adapted = adapter_variant.path, adapter_variant.summary
    notes = adapted.extra["trust"]["contamination"]
    assert notes["same_data"] and notes["counts"]["any"] == 6
    assert any(level == "warn" and "overlap, measured on this run's data: 6 of 6" in text
               for level, text in lines("adapter", adapted.extra["trust"]))

    assert not evaluate_gate(Gate(adapter_dir, max_contamination=6)).failures
    failed = evaluate_gate(Gate(adapter_dir, max_contamination=0)).failures
    assert failed and failed[0].startswith("contamination 6 > max_contamination 0")
    base_failures = evaluate_gate(Gate(tmp_path / "runs" / "base", max_contamination=0)).failures
    assert "no contamination check for this run" in base_failures[0]


def test_training_data_without_an_evaluation_split_is_checked_against_the_shipped_split(
        tiny_spider: Path, tiny_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Spider train alone has no dev split: the adapter is then checked against what `harness run spider`
    scores without --data (the shipped mini Spider dev), not skipped."""
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))
    (tiny_spider / "dev.json").rename(tiny_spider / "train.json")
    path = Path(make_recipe(tmp_path, tiny_model_dir, tiny_spider, "data.split=train").source)
    evaluation = evaluation_benchmark(load_recipe(path))
    assert evaluation.split == "dev" and len(evaluation.examples()) == 106
    assert {e.inputs["db_id"] for e in evaluation.examples()} >= {"library", "flights"}
