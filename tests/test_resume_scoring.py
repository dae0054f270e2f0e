"""Records are appended as they are scored: a crash keeps them, and a rerun with the same --out scores only
the rest and writes what an uninterrupted run writes (issue 13)."""
import importlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import harness
from harness.benchmarks.spider import SpiderBenchmark
from harness.evaluate import GenerationSpec, run
from harness.models import resolve_adapter, resolve_model
from harness.runs.cache import GenerationCache
from harness.runs.records import PARTIAL_FILE, RECORDS_FILE, SUMMARY_FILE, load_run
from harness.types import Generation

evaluate_module = importlib.import_module("harness.evaluate")  # `harness.evaluate` names the function
LOOP = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n"


@pytest.fixture(autouse=True)
def small_batches(monkeypatch, tmp_path):
    monkeypatch.setattr(evaluate_module, "SCORE_BATCH", 2)
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def scored(monkeypatch):
    """Counts the outputs Spider scores; `fail_at` (a batch number) makes that batch raise, as a crash would."""
    calls: list[int] = []
    state = {"fail_at": None}
    real = SpiderBenchmark.score

    def counting(self, examples, outputs, **kwargs):
        calls.append(len(outputs))
        if state["fail_at"] == len(calls):
            raise RuntimeError("crash while scoring")
        return real(self, examples, outputs, **kwargs)

    monkeypatch.setattr(SpiderBenchmark, "score", counting)

    class Scored:
        def crash_at(self, batch: int | None) -> None:
            calls.clear()
            state["fail_at"] = batch

        @property
        def outputs(self) -> int:
            return sum(calls)

    return Scored()


def predictions(tiny_spider: Path) -> list[str]:
    gold = [row["query"] for row in json.loads((tiny_spider / "dev.json").read_text())]
    return [gold[0], "SELECT name FROM singer WHERE age > 40 ORDER BY name DESC", "no SQL here",
            "SELECT title FROM nope", gold[4], gold[5]]


def partial_indices(run_dir: Path) -> list[int]:
    lines = (run_dir / PARTIAL_FILE).read_text().splitlines()
    assert "partial_records_of" in json.loads(lines[0])
    return [json.loads(line)["index"] for line in lines[1:]]


def without_timings(run_dir: Path) -> list[dict]:
    rows = [json.loads(line) for line in (run_dir / RECORDS_FILE).read_text().splitlines()]
    for row in rows:
        row["details"].pop("exec_seconds", None)
        row.pop("gen_seconds")
    return rows


def assert_same_run(resumed: Path, uninterrupted: Path) -> None:
    assert without_timings(resumed) == without_timings(uninterrupted)
    (a, _), (b, _) = load_run(resumed), load_run(uninterrupted)
    assert (a.metrics, a.verdicts, a.breakdowns, a.n) == (b.metrics, b.verdicts, b.breakdowns, b.n)
    assert not (resumed / PARTIAL_FILE).exists()


def test_crash_keeps_scored_records_and_the_rerun_scores_only_the_rest(tiny_spider, tmp_path, scored):
    preds = predictions(tiny_spider)
    scored.crash_at(3)
    with pytest.raises(RuntimeError, match="crash while scoring"):
        harness.score("spider", preds, data=tiny_spider, out=tmp_path / "run")
    assert partial_indices(tmp_path / "run") == [0, 1, 2, 3]          # two batches on disk
    assert not (tmp_path / "run" / RECORDS_FILE).exists() and not (tmp_path / "run" / SUMMARY_FILE).exists()

    scored.crash_at(None)
    resumed = harness.score("spider", preds, data=tiny_spider, out=tmp_path / "run")
    assert scored.outputs == 2                                           # only examples 4 and 5
    harness.score("spider", preds, data=tiny_spider, out=tmp_path / "whole")
    assert scored.outputs == 2 + 6
    assert_same_run(tmp_path / "run", tmp_path / "whole")
    assert [r.verdict for r in resumed["predictions"].records] == [
        "correct", "wrong_result", "no_sql", "execution_error", "correct", "correct"]


def test_a_line_torn_by_a_kill_is_dropped_and_its_example_scored_again(tiny_spider, tmp_path, scored):
    preds = predictions(tiny_spider)
    scored.crash_at(3)
    with pytest.raises(RuntimeError):
        harness.score("spider", preds, data=tiny_spider, out=tmp_path / "run")
    partial = tmp_path / "run" / PARTIAL_FILE
    text = partial.read_bytes()
    partial.write_bytes(text[: text.rindex(b"\n", 0, -1) + 40])           # the last record cut mid-line
    scored.crash_at(None)
    harness.score("spider", preds, data=tiny_spider, out=tmp_path / "run")
    assert scored.outputs == 3                                           # example 3 again, then 4 and 5
    harness.score("spider", preds, data=tiny_spider, out=tmp_path / "whole")
    assert_same_run(tmp_path / "run", tmp_path / "whole")


def test_a_changed_prediction_or_option_is_scored_again(tiny_spider, tmp_path, scored):
    preds = predictions(tiny_spider)
    for change, expected in (("prediction", 1 + 2), ("option", 6)):
        scored.crash_at(3)
        with pytest.raises(RuntimeError):
            harness.score("spider", preds, data=tiny_spider, out=tmp_path / change)
        scored.crash_at(None)
        changed = list(preds)
        options = {}
        if change == "prediction":
            changed[1] = "SELECT name FROM singer WHERE age > 40 ORDER BY name"   # now right
        else:
            options = {"keep_distinct": True}
        result = harness.score("spider", changed, data=tiny_spider, out=tmp_path / change, options=options)
        assert scored.outputs == expected, change
        harness.score("spider", changed, data=tiny_spider, out=tmp_path / f"{change}-whole", options=options)
        assert_same_run(tmp_path / change, tmp_path / f"{change}-whole")
    assert result["predictions"].records[1].verdict == "wrong_result"
    assert load_run(tmp_path / "prediction")[1][1].verdict == "correct"


class Scripted:
    """A backend that answers every request with the same text, counting what it generates."""

    def __init__(self, text: str):
        self.text, self.generated, self.progress = text, 0, None

    def generate(self, requests, sampling):
        for i, _ in enumerate(requests):
            self.generated += 1
            yield i, Generation(self.text, 10, 5, 0.01)


def test_the_scoring_step_of_a_run_resumes_too(tiny_spider, tiny_model_dir, tmp_path, scored):
    sys.path.insert(0, str(Path(__file__).parent))
    from tiny_training import make_adapter

    adapter = resolve_adapter(make_adapter(tiny_model_dir, tmp_path / "lora-a", std=1.0))
    bench = SpiderBenchmark(tiny_spider, "dev", workers=1)
    spec = GenerationSpec(model=resolve_model(str(tiny_model_dir)), adapters=[adapter])
    with GenerationCache(tmp_path / "generations.sqlite") as cache:
        scored.crash_at(5)  # the base model's three batches, then the adapter's second batch
        with pytest.raises(RuntimeError):
            run(bench, spec, tmp_path / "run", cache, backend_factory=lambda: Scripted("SELECT count(*) FROM singer"))
        assert (tmp_path / "run" / "base" / RECORDS_FILE).is_file()
        assert partial_indices(tmp_path / "run" / "base") == list(range(6))   # kept until the command completes
        # records are complete (token counts included) when appended: records.jsonl is the partial file's lines
        base = tmp_path / "run" / "base"
        assert (base / PARTIAL_FILE).read_text().splitlines()[1:] == (base / RECORDS_FILE).read_text().splitlines()
        assert '"completion_tokens": 5' in (base / RECORDS_FILE).read_text()
        assert partial_indices(tmp_path / "run" / "lora-a") == [0, 1]
        scored.crash_at(None)

        def must_not_build():
            raise AssertionError("generations are cached")

        result = run(bench, spec, tmp_path / "run", cache, backend_factory=must_not_build)
        assert scored.outputs == 4                                           # the adapter's last four only
        run(bench, spec, tmp_path / "whole", cache, backend_factory=must_not_build)
    for variant in ("base", "lora-a"):
        assert_same_run(tmp_path / "run" / variant, tmp_path / "whole" / variant)
    assert [r.completion_tokens for r in result["lora-a"].records] == [5] * 6


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and fork-based workers")
def test_kill_9_mid_scoring_keeps_the_finished_batches(tiny_spider, tmp_path, scored):
    gold = [row["query"] for row in json.loads((tiny_spider / "dev.json").read_text())]
    lines = [gold[0], gold[1], LOOP, gold[3], gold[4], gold[5]]      # the second batch runs into its time limit
    (tmp_path / "pred.sql").write_text("\n".join(lines) + "\n")
    args = ["score", "spider", "--data", str(tiny_spider), "--predictions", str(tmp_path / "pred.sql"),
            "-O", "timeout_s=1", "--out", str(tmp_path / "run")]
    code = ("import importlib, sys; importlib.import_module('harness.evaluate').SCORE_BATCH = 2; "
            "from harness.cli import main; sys.exit(main(sys.argv[1:]))")
    partial = tmp_path / "run" / PARTIAL_FILE
    proc = subprocess.Popen([sys.executable, "-c", code, *args], env=os.environ.copy(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not (partial.is_file() and len(partial.read_text().splitlines()) == 3):
            assert proc.poll() is None and time.monotonic() < deadline, "the first batch never reached the disk"
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    finally:
        proc.kill()
    assert partial_indices(tmp_path / "run") == [0, 1]

    result = harness.score("spider", tmp_path / "pred.sql", data=tiny_spider, out=tmp_path / "run",
                           options={"timeout_s": 1})
    assert scored.outputs == 4
    assert [r.verdict for r in result["predictions"].records] == ["correct", "correct", "timeout", "correct",
                                                                  "correct", "correct"]


def test_a_lone_surrogate_in_model_output_is_kept_not_a_crash(tiny_spider, tmp_path):
    preds = predictions(tiny_spider)
    preds[0] = "SELECT '\udc80'"   # what a JSON escape in a server's reply can hold; UTF-8 cannot encode it
    result = harness.score("spider", preds, data=tiny_spider, out=tmp_path / "run")
    _, records = load_run(tmp_path / "run")
    assert records[0].raw_output == preds[0] and records[0].verdict == result["predictions"].records[0].verdict
    assert [r.raw_output for r in records[1:]] == preds[1:]


@pytest.mark.parametrize("name", ["sql2text", "extraction", "bird"])
def test_scoring_in_batches_gives_the_records_of_one_call(name, tmp_path, monkeypatch):
    from harness.benchmarks import get_benchmark

    bench = get_benchmark(name)
    outputs = [bench.completion(e) if i % 3 else "not an answer" for i, e in enumerate(bench.examples()[:7])]
    harness.score(name, outputs, limit=7, out=tmp_path / "batches")
    monkeypatch.setattr(evaluate_module, "SCORE_BATCH", 1000)
    harness.score(name, outputs, limit=7, out=tmp_path / "whole")
    assert_same_run(tmp_path / "batches", tmp_path / "whole")
