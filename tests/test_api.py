"""The public Python API: harness.evaluate / harness.score return typed runs; old run directories still load."""
from __future__ import annotations

import importlib
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Iterator, Sequence

import pytest

import harness
from harness.backends.base import Backend
from harness.benchmarks.spider import SpiderBenchmark
from harness.errors import ConfigError, DataError
from harness.evaluate import GenerationSpec, generate
from harness.models import resolve_model
from harness.runs.cache import GenerationCache
from harness.runs.records import Run, Variant
from harness.types import Generation, GenerationRequest, Record, Sampling

pipeline = importlib.import_module("harness.evaluate")  # `import harness.evaluate as x` would give the verb


def test_importing_harness_loads_no_heavy_library():
    code = ("import sys, harness; harness.Run; harness.Record; "
            "print(sorted(m for m in ('torch', 'transformers', 'sqlglot', 'peft') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_verbs_stay_functions_when_their_modules_are_imported():
    import harness.gate
    import harness.merge
    import harness.report.leaderboard
    import harness.train.recipe  # noqa: F401

    assert all(callable(getattr(harness, verb)) and not isinstance(getattr(harness, verb), type(pipeline))
               for verb in ("evaluate", "train", "report", "gate", "merge"))
    assert pipeline.run and harness.__dict__.get("evaluate") in (None, harness.evaluate)


def test_score_takes_a_list_or_a_mapping_and_returns_a_typed_run(tiny_spider, tmp_path):
    golds = [e.target for e in SpiderBenchmark(tiny_spider, "dev").examples()]
    outputs = [f"```sql\n{g}\n```" for g in golds[:-1]] + ["no idea"]
    run = harness.score("spider", outputs, data=tiny_spider, out=tmp_path / "list", options={"workers": 1})
    assert isinstance(run, Run) and list(run.variants) == ["predictions"]
    variant = run["predictions"]
    assert variant.metrics["execution_accuracy"].value == pytest.approx(5 / 6)
    assert variant.summary.verdicts == {"correct": 5, "no_sql": 1}
    assert all(isinstance(r, Record) for r in variant.records)
    assert variant.records[0].prediction == golds[0] and variant.records[-1].prediction is None
    assert variant.manifest["predictions"] == {"in_memory": True}
    # The same outputs as a mapping, in any order, give the same records; the run directory reads back equal.
    mapping = dict(reversed(list(enumerate(outputs))))
    again = harness.score("spider", mapping, data=tiny_spider, out=tmp_path / "map", options={"workers": 1})
    def outcomes(records):  # all but the timing in details
        return [(r.index, r.raw_output, r.prediction, r.verdict, r.scores) for r in records]

    assert outcomes(again["predictions"].records) == outcomes(variant.records)
    assert Variant.load(tmp_path / "map").records == again["predictions"].records
    assert Run.load(tmp_path / "map")["predictions"].records == again["predictions"].records


def test_score_refuses_gaps_and_bad_limits(tiny_spider, tmp_path):
    with pytest.raises(DataError, match=r"predictions: no prediction for 1 of 6 examples \(index 3\)"):
        harness.score("spider", {i: "SELECT 1" for i in (0, 1, 2, 4, 5)}, data=tiny_spider, out=tmp_path / "x")
    with pytest.raises(DataError, match="prediction 0 must be a string, got int"):
        harness.score("spider", [1] * 6, data=tiny_spider, out=tmp_path / "x")
    with pytest.raises(ConfigError, match="limit: expected a positive integer, got 0"):
        harness.score("spider", [], data=tiny_spider, limit=0, out=tmp_path / "x")


def test_evaluate_runs_base_and_a_second_call_comes_from_the_cache(tiny_spider, tiny_model_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))
    kwargs = dict(data=tiny_spider, limit=2, options={"workers": 1},
                  generation={"max_new_tokens": 4, "precision": "fp32", "batch_size": 2})
    first = harness.evaluate("spider", str(tiny_model_dir), out=tmp_path / "a", **kwargs)
    assert list(first.variants) == ["base"] and first.path == tmp_path / "a"
    assert first["base"].path == tmp_path / "a" / "base" and len(first["base"].records) == 2
    assert first["base"].manifest["sampling"]["max_new_tokens"] == 4
    assert first["base"].manifest["generation"] == {"backend": "hf", "precision": "fp32", "batch_size": 2,
                                                    "device": None, "chat_template_kwargs": {}, "pack_weights": True}

    def no_backend(*args, **kwargs):
        raise AssertionError("everything is cached: no backend may be built")

    monkeypatch.setattr(pipeline, "get_backend", no_backend)
    second = harness.evaluate("spider", str(tiny_model_dir), out=tmp_path / "b", **kwargs)
    assert [r.raw_output for r in second["base"].records] == [r.raw_output for r in first["base"].records]


def test_evaluate_an_in_memory_model_like_its_saved_folder(tiny_spider, tiny_model_dir, tmp_path, monkeypatch):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))
    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir, dtype=torch.float32)
    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    kwargs = dict(data=tiny_spider, limit=3, options={"workers": 1},
                  generation={"max_new_tokens": 5, "precision": "fp32", "batch_size": 3})
    saved = harness.evaluate("spider", str(tiny_model_dir), out=tmp_path / "saved", **kwargs)
    memory = harness.evaluate("spider", model, tokenizer=tokenizer, out=tmp_path / "memory", **kwargs)

    def outcome(run):
        return [(r.raw_output, r.prediction, r.verdict, r.scores, r.completion_tokens) for r in run["base"].records]

    assert outcome(memory) == outcome(saved)
    assert memory["base"].manifest["model"]["in_memory"] and memory["base"].manifest["model"]["weights_sha256"]
    monkeypatch.setattr(pipeline, "get_backend", lambda *a, **k: pytest.fail("must be served from the cache"))
    again = harness.evaluate("spider", model, tokenizer=tokenizer, out=tmp_path / "again", **kwargs)
    assert outcome(again) == outcome(memory)
    with pytest.raises(ConfigError, match="carries its own adapters"):
        harness.evaluate("spider", model, ["adapters/x"], tokenizer=tokenizer, **kwargs)


class FailingBackend(Backend):
    """Yields `good` generations, then fails as a backend can mid-run (out of memory, a dropped connection)."""

    name = "failing"

    def __init__(self, good: int):
        self.good = good

    def generate(self, requests: Sequence[GenerationRequest], sampling: Sampling) -> Iterator[tuple[int, Generation]]:
        for i, _ in enumerate(requests):
            if i == self.good:
                raise RuntimeError("backend died")
            yield i, Generation(f"SELECT {i}")


def test_generations_finished_before_a_backend_failure_reach_the_cache(tiny_spider, tiny_model_dir, tmp_path):
    bench = SpiderBenchmark(tiny_spider, "dev")
    # batch_size 8 > 5: without the final flush nothing would have been written before the failure.
    spec = GenerationSpec(model=resolve_model(str(tiny_model_dir)), backend_options={"batch_size": 8})
    with GenerationCache(tmp_path / "cache.sqlite") as cache:
        with pytest.raises(RuntimeError, match="backend died"):
            generate(bench, bench.examples(), spec, cache, backend_factory=lambda: FailingBackend(5))
    with GenerationCache(tmp_path / "cache.sqlite") as cache:
        outputs = generate(bench, bench.examples(), spec, cache, backend_factory=lambda: FailingBackend(1))
    # The rerun had one missing example: its backend made only that one (index 0 of what it was asked).
    assert [g.text for g in outputs["base"]] == [f"SELECT {i}" for i in range(5)] + ["SELECT 0"]


def _v1_run(path: Path, version: int = 1) -> Path:
    """A run directory as schema_version 1 wrote it: benchmark keys at the top level of each record."""
    path.mkdir(parents=True)
    record = {"index": 0, "tags": {"hardness": "easy"}, "inputs": {"question": "How many?", "db_id": "concert"},
              "target": "SELECT count(*) FROM singer", "prompt_hash": "abc", "raw_output": "SELECT count(*) FROM singer",
              "extracted_sql": "SELECT count(*) FROM singer", "verdict": "correct", "correct": True, "error": None,
              "exec_seconds": 0.001, "scores": {"execution_accuracy": 1.0}, "prompt_tokens": 3,
              "completion_tokens": 4, "gen_seconds": 0.5}
    (path / "records.jsonl").write_text(json.dumps(record) + "\n")
    summary = {"benchmark": "spider", "variant": "base", "n": 1,
               "metrics": {"execution_accuracy": {"value": 1.0, "ci_low": 1.0, "ci_high": 1.0}},
               "breakdowns": {}, "verdicts": {"correct": 1}, "manifest": {}, "schema_version": version, "extra": {}}
    (path / "summary.json").write_text(json.dumps(summary))
    return path


def test_schema_1_run_directories_still_load(tmp_path):
    [record] = Variant.load(_v1_run(tmp_path / "old")).records
    assert record.prediction == "SELECT count(*) FROM singer" and record.verdict == "correct"
    assert record.details == {"exec_seconds": 0.001} and record.completion_tokens == 4


def test_a_newer_schema_names_its_version(tmp_path):
    with pytest.raises(DataError, match=r"summary.json: schema_version 99 was written by a newer harness"):
        Variant.load(_v1_run(tmp_path / "new", version=99))


def test_compare_recomputes_metrics_without_the_data(tmp_path, monkeypatch):
    """Aggregation reads only the records and what the summary recorded: the data may be gone, the schema may
    have been passed in code, and nothing is built."""
    from harness.benchmarks.extraction import ExtractionBenchmark
    from harness.metrics.fields import Schema

    data = tmp_path / "people.jsonl"
    rows = [{"text": f"Call {a} or {b}.", "fields": {"people": [a, b]}} for a, b in [("Ann", "Bo"), ("Cy", "Di")] * 3]
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    bench = ExtractionBenchmark(data, schema=Schema.from_mapping({"fields": ["people"], "lists": ["people"]}))
    first = harness.score(bench, [json.dumps(r["fields"]) for r in rows], out=tmp_path / "a")
    second = harness.score(bench, ['{"people": []}'] * 6, out=tmp_path / "b")
    data.unlink()
    monkeypatch.setattr("harness.benchmarks.mini_spider.ensure_built", lambda *a, **k: pytest.fail("built data"))
    comparison = harness.compare(tmp_path / "a", tmp_path / "b")
    assert comparison.metrics["micro_f1"].value_a == first["predictions"].metrics["micro_f1"].value == 1.0
    assert comparison.metrics["micro_f1"].value_b == second["predictions"].metrics["micro_f1"].value == 0.0
    assert comparison.metrics["exact_people"].mcnemar.p_value == pytest.approx(1 / 32)


def test_compare_and_report_build_no_benchmark_for_a_custom_split_or_sql2text(tmp_path, tiny_spider, monkeypatch):
    """Aggregation is a pure function of the records and the recorded configuration: comparing and reporting an
    extraction run on a custom split (its data gone) and sql2text runs constructs no benchmark at all (so the
    mini Spider sql2text defaults to is never built)."""
    from harness.benchmarks.extraction import ExtractionBenchmark
    from harness.benchmarks.sql2text import Sql2TextBenchmark

    folder = tmp_path / "complaints"
    folder.mkdir()
    gold = [{"name": n, "address": None, "email": f"{n.lower()}@example.com", "question": "Why is it late?"}
            for n in ("Ann", "Bo", "Cy", "Di")]
    (folder / "holdout.jsonl").write_text("".join(json.dumps({"text": f"{g['name']}, {g['email']}: "
                                                                     f"{g['question']}", "fields": g}) + "\n"
                                                  for g in gold))
    ext_a = harness.score("extraction", [json.dumps(g) for g in gold], data=folder, split="holdout",
                          out=tmp_path / "ea")
    ext_b = harness.score("extraction", [json.dumps({**g, "email": None}) for g in gold], data=folder,
                          split="holdout", out=tmp_path / "eb")
    questions = [e.target[0] for e in Sql2TextBenchmark(tiny_spider).examples()]
    s2t_a = harness.score("sql2text", questions, data=tiny_spider, out=tmp_path / "sa")
    s2t_b = harness.score("sql2text", ["How many rows are there?"] * len(questions), data=tiny_spider,
                          out=tmp_path / "sb")

    shutil.rmtree(folder)
    built = lambda *a, **k: pytest.fail("a benchmark was constructed")  # noqa: E731
    monkeypatch.setattr(ExtractionBenchmark, "__init__", built)
    monkeypatch.setattr(Sql2TextBenchmark, "__init__", built)
    monkeypatch.setattr("harness.benchmarks.mini_spider.ensure_built", built)
    extraction = harness.compare(tmp_path / "ea", tmp_path / "eb")
    assert extraction.metrics["exact_email"].value_a == ext_a["predictions"].metrics["exact_email"].value == 1.0
    assert extraction.metrics["micro_f1"].value_b == ext_b["predictions"].metrics["micro_f1"].value < 1.0
    sql2text = harness.compare(tmp_path / "sa", tmp_path / "sb")
    assert sql2text.metrics["bleu"].value_a == pytest.approx(s2t_a["predictions"].metrics["bleu"].value)
    assert sql2text.metrics["bleu"].value_b == pytest.approx(s2t_b["predictions"].metrics["bleu"].value)
    assert sql2text.metrics["bleu"].delta.ci_high < 0
    markdown, _ = harness.report([tmp_path / d for d in ("ea", "eb", "sa", "sb")], tmp_path / "report")
    assert "## extraction" in markdown.read_text() and "## sql2text" in markdown.read_text()
