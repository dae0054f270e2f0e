"""The whole path on real pieces: tiny model, tiny SQLite databases, real execution, run directories on disk."""
import json
from pathlib import Path
from typing import Iterator, Sequence

import pytest

from harness.backends.base import Backend
from harness.benchmarks.spider import SpiderBenchmark
from harness.evaluate import GenerationSpec, run
from harness.models import resolve_adapter, resolve_model
from harness.runs.cache import GenerationCache
from harness.runs.records import load_run
from harness.types import Generation, GenerationRequest, Sampling
from tiny_training import make_adapter


class ScriptedBackend(Backend):
    """Answers each question with a fixed text; counts what it was asked to generate."""

    name = "scripted"

    def __init__(self, answers: dict[str, str], interrupt_after: int | None = None):
        self.answers = answers
        self.interrupt_after = interrupt_after
        self.generated = 0

    def generate(self, requests: Sequence[GenerationRequest], sampling: Sampling) -> Iterator[tuple[int, Generation]]:
        for i, request in enumerate(requests):
            if self.interrupt_after is not None and self.generated == self.interrupt_after:
                raise KeyboardInterrupt
            question = request.messages[-1]["content"].rsplit("Question: ", 1)[1]
            self.generated += 1
            yield i, Generation(self.answers[question], 10, 5, 0.01)


def _gold_answers(bench: SpiderBenchmark) -> dict[str, str]:
    return {e.inputs["question"]: f"Here you go:\n```sql\n{e.target}\n```" for e in bench.examples()}


def test_gold_answers_score_100_percent_with_records_and_manifest(tiny_spider, tiny_model_dir, tmp_path):
    bench = SpiderBenchmark(tiny_spider, "dev", workers=1)
    spec = GenerationSpec(model=resolve_model(str(tiny_model_dir)), sampling=Sampling(max_new_tokens=8))
    with GenerationCache(tmp_path / "cache.sqlite") as cache:
        result = run(bench, spec, tmp_path / "out", cache,
                     backend_factory=lambda: ScriptedBackend(_gold_answers(bench)))
    [summary] = [v.summary for v in result]
    assert summary.metrics["execution_accuracy"].value == 1.0
    assert summary.verdicts == {"correct": 6}
    loaded, records = load_run(result["base"].path)
    assert records == result["base"].records
    assert loaded.n == 6 and [r.index for r in records] == list(range(6))
    first = records[0]
    assert first.prediction == "SELECT count(*) FROM singer"
    assert first.verdict == "correct" and first.tags["hardness"] == "easy"
    assert {"question", "db_id"} <= set(first.inputs) and first.prompt_hash
    manifest = loaded.manifest
    assert manifest["model"]["sha256"] and manifest["data"]["split_sha256"] and manifest["prompt"]["hash"]
    assert manifest["sampling"]["max_new_tokens"] == 8 and "transformers" in manifest["libraries"]


def test_wrong_answers_get_their_verdict_classes(tiny_spider, tiny_model_dir, tmp_path):
    bench = SpiderBenchmark(tiny_spider, "dev", workers=1)
    answers = _gold_answers(bench)
    questions = [e.inputs["question"] for e in bench.examples()]
    answers[questions[0]] = "SELECT count(*) FROM nope"  # execution error
    answers[questions[1]] = "SELECT name FROM singer WHERE age > 40 ORDER BY name DESC"  # order matters
    answers[questions[2]] = "I do not know."  # no SQL
    # Only the first statement is the answer; the second must never run.
    answers[questions[3]] = "SELECT title FROM item WHERE price < 20; DROP TABLE item"
    db_before = (tiny_spider / "database/shop/shop.sqlite").read_bytes()
    spec = GenerationSpec(model=resolve_model(str(tiny_model_dir)))
    with GenerationCache(tmp_path / "cache.sqlite") as cache:
        result = run(bench, spec, tmp_path / "out", cache, backend_factory=lambda: ScriptedBackend(answers))
    summary = result["base"].summary
    _, records = load_run(result["base"].path)
    assert [r.verdict for r in records[:4]] == ["execution_error", "wrong_result", "no_sql", "correct"]
    assert records[3].prediction == "SELECT title FROM item WHERE price < 20"
    assert summary.metrics["execution_accuracy"].value == pytest.approx(3 / 6)
    assert (tiny_spider / "database/shop/shop.sqlite").read_bytes() == db_before


def test_interrupted_run_resumes_without_regenerating(tiny_spider, tiny_model_dir, tmp_path):
    bench = SpiderBenchmark(tiny_spider, "dev", workers=1)
    spec = GenerationSpec(model=resolve_model(str(tiny_model_dir)), backend_options={"batch_size": 1})
    first = ScriptedBackend(_gold_answers(bench), interrupt_after=4)
    with GenerationCache(tmp_path / "cache.sqlite") as cache:
        with pytest.raises(KeyboardInterrupt):
            run(bench, spec, tmp_path / "out", cache, backend_factory=lambda: first)
    second = ScriptedBackend(_gold_answers(bench))
    with GenerationCache(tmp_path / "cache.sqlite") as cache:
        run(bench, spec, tmp_path / "out", cache, backend_factory=lambda: second)
    assert (first.generated, second.generated) == (4, 2)

    def must_not_build():
        raise AssertionError("a rerun with everything cached must not load a model")

    with GenerationCache(tmp_path / "cache.sqlite") as cache:
        result = run(bench, spec, tmp_path / "out2", cache, backend_factory=must_not_build)
    assert result["base"].metrics["execution_accuracy"].value == 1.0


def test_base_and_adapter_generate_with_the_hf_backend(tiny_spider, tiny_model_dir, tmp_path):
    adapter = resolve_adapter(make_adapter(tiny_model_dir, tmp_path / "lora-a", std=1.0))
    bench = SpiderBenchmark(tiny_spider, "dev", workers=1)
    spec = GenerationSpec(model=resolve_model(str(tiny_model_dir)), adapters=[adapter],
                          sampling=Sampling(max_new_tokens=6), backend_options={"precision": "fp32", "batch_size": 4})
    with GenerationCache(tmp_path / "cache.sqlite") as cache:
        results = run(bench, spec, tmp_path / "out", cache, limit=3)
    assert [v.name for v in results] == ["base", "lora-a"]
    base_records, adapter_records = (load_run(v.path)[1] for v in results)
    assert len(base_records) == len(adapter_records) == 3
    assert all(r.completion_tokens > 0 for r in base_records + adapter_records)
    assert results["lora-a"].manifest["adapter"]["sha256"] == adapter.identity["sha256"]
    # A random LoRA update changes the logits, so at least one output differs from the base model's.
    assert [r.raw_output for r in base_records] != [r.raw_output for r in adapter_records]
    summary_json = json.loads((results["lora-a"].path / "summary.json").read_text())
    assert summary_json["variant"] == "lora-a"
