"""Crafted run directories for report/compare/gate tests: a toy benchmark and records built from verdicts."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from harness.benchmarks.base import Benchmark
from harness.runs.records import summarize, write_run
from harness.types import Example, Record


class ToyBenchmark(Benchmark):
    """Two per-example metrics: binary `accuracy` and graded `overlap`; a `tier` breakdown."""

    name = "toy"
    metric_names = ("accuracy", "overlap")
    breakdown_tags = ("tier",)
    system_prompt = "Answer."
    user_template = "{question}"

    def examples(self) -> list[Example]:
        return []

    def messages(self, example: Example) -> list[dict[str, str]]:
        return [{"role": "user", "content": example.inputs["question"]}]

    def completion(self, example: Example) -> str:
        return str(example.target)

    def score(self, examples, outputs, *, on_done=None):  # noqa: ANN001 - not used by these tests
        raise NotImplementedError

    def data_identity(self) -> dict[str, Any]:
        return {"path": "/data/toy", "split": "dev", "sha256": "d1"}


def make_run(path: Path, correct: Sequence[bool], *, variant: str = "base", model: str = "tiny",
             overlap: Sequence[float] | None = None, manifest: dict[str, Any] | None = None,
             prompt_hash: str = "p") -> Path:
    """A run directory whose example i is right iff correct[i]; `manifest` entries override the defaults."""
    records = []
    for i, ok in enumerate(correct):
        records.append(Record(
            index=i, tags={"tier": "easy" if i % 2 else "hard"}, inputs={"question": f"question {i}?"},
            target=f"gold {i}", prompt_hash=f"{prompt_hash}{i}", raw_output=f"answer {i} by {variant}",
            prediction=f"answer {i} by {variant}", verdict="correct" if ok else "wrong",
            scores={"accuracy": float(ok), "overlap": overlap[i] if overlap is not None else 0.5 + 0.5 * ok},
        ))
    bench = ToyBenchmark()
    base_manifest = {"benchmark": "toy", "data": bench.data_identity(), "limit": None,
                     "prompt": bench.prompt_identity(), "model": {"name": model},
                     "adapter": None if variant == "base" else {"name": variant},
                     "created": "2026-01-02T03:04:05+00:00", "git_sha": "0123456789abcdef"}
    summary = summarize(bench, variant, records, {**base_manifest, **(manifest or {})}, n_resamples=200)
    return write_run(path, records, summary)
