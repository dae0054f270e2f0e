"""The one path data takes: examples -> prompts -> generations (cached) -> scores -> run records."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from harness.backends import Backend, get_backend
from harness.benchmarks.base import Benchmark
from harness.errors import ConfigError, DataError
from harness.models import AdapterRef, ModelRef
from harness.runs.cache import GenerationCache, generation_key
from harness.runs.manifest import environment, now_iso
from harness.runs.records import RunSummary, summarize, write_run
from harness.trust import runs as trust
from harness.types import Example, Generation, GenerationRequest, Sampling

BASE = "base"
# Backend options that change speed but not text; everything else is part of the generation cache key.
NOT_IN_CACHE_KEY = frozenset({"batch_size", "device", "concurrency", "timeout_s", "max_retries", "api_key_env",
                              "chunk_size", "check_models"})


@dataclass
class GenerationSpec:
    """Everything that determines generations except the prompts."""

    model: ModelRef
    adapters: Sequence[AdapterRef] = ()
    sampling: Sampling = field(default_factory=Sampling)
    backend: str = "hf"
    backend_options: dict[str, Any] = field(default_factory=dict)
    base_name: str = BASE  # the model's own variant (EvalCallback names it by training step)

    def variants(self) -> list[tuple[str, AdapterRef | None]]:
        names = [a.name for a in self.adapters]
        if len(set(names)) != len(names) or self.base_name in names:
            raise ValueError(f"adapter names must be unique and not {self.base_name!r}: {names}; rename a folder")
        return [(self.base_name, None), *((a.name, a) for a in self.adapters)]

    def cache_settings(self) -> dict[str, Any]:
        return {"name": self.backend, **{k: v for k, v in self.backend_options.items() if k not in NOT_IN_CACHE_KEY}}


def progress_bar() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    TimeRemainingColumn())


def generate(benchmark: Benchmark, examples: Sequence[Example], spec: GenerationSpec, cache: GenerationCache,
             *, backend_factory: Callable[[], Backend] | None = None) -> dict[str, list[Generation]]:
    """Generations for every variant and example; cached ones are reused, new ones cached batch by batch."""
    prompts = [tuple(benchmark.messages(e)) for e in examples]
    requests: list[GenerationRequest] = []
    keys: list[str] = []
    for _, adapter in spec.variants():
        for messages in prompts:
            requests.append(GenerationRequest(messages, adapter.name if adapter else None))
            keys.append(generation_key(spec.model.identity, adapter.identity if adapter else None, messages,
                                       spec.sampling.as_dict(), spec.cache_settings()))
    found = cache.get_many(keys)
    missing = [i for i, k in enumerate(keys) if k not in found]
    if missing:
        factory = backend_factory or (lambda: get_backend(spec.backend, model=spec.model, adapters=spec.adapters,
                                                          **spec.backend_options))
        backend = factory()
        with progress_bar() as bar:
            task = bar.add_task(f"generating ({len(keys) - len(missing)} cached)", total=len(missing))
            pending: list[tuple[str, Generation]] = []
            for j, generation in backend.generate([requests[i] for i in missing], spec.sampling):
                key = keys[missing[j]]
                found[key] = generation
                pending.append((key, generation))
                if len(pending) >= _flush_size(spec):
                    cache.put_many(pending)
                    pending.clear()
                bar.advance(task)
            cache.put_many(pending)
    n = len(examples)
    return {name: [found[keys[v * n + i]] for i in range(n)] for v, (name, _) in enumerate(spec.variants())}


def _flush_size(spec: GenerationSpec) -> int:
    return int(spec.backend_options.get("batch_size", 8))


def score(benchmark: Benchmark, examples: Sequence[Example], outputs: Sequence[str]) -> list[dict[str, Any]]:
    """Benchmark records plus what every record carries (index, inputs, target, tags, prompt hash, raw output)."""
    with progress_bar() as bar:
        task = bar.add_task("scoring", total=len(examples))
        scored = benchmark.score(examples, outputs, on_done=lambda k: bar.advance(task, k))
    records = []
    for example, output, extra in zip(examples, outputs, scored):
        records.append({
            "index": example.index,
            "tags": dict(example.tags),
            "inputs": dict(example.inputs),
            "target": example.target,
            "prompt_hash": prompt_hash(benchmark.messages(example)),
            "raw_output": output,
            **extra,
        })
    return records


def prompt_hash(messages: Sequence[dict[str, str]]) -> str:
    return hashlib.sha256(json.dumps(list(messages), sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def run(benchmark: Benchmark, spec: GenerationSpec, out_dir: str | Path, cache: GenerationCache, *,
        limit: int | None = None, backend_factory: Callable[[], Backend] | None = None,
        trust_options: trust.TrustOptions = trust.TrustOptions()) -> list[tuple[Path, RunSummary]]:
    """Generate, score and write one run directory per variant (out_dir/<variant>), each with its trust notes."""
    if limit is not None and limit < 1:
        raise ConfigError(f"--limit {limit}: expected a positive number of examples")
    trust.check_adapters(spec.adapters)
    examples = benchmark.examples()[:limit] if limit else benchmark.examples()
    if not examples:
        raise DataError(f"{benchmark.name}: no examples to evaluate (options {benchmark.options})")
    generations = generate(benchmark, examples, spec, cache, backend_factory=backend_factory)
    # What every variant shares, computed once: hashing the data and asking git are I/O.
    shared = {
        "benchmark": benchmark.name, "benchmark_options": benchmark.options, "data": benchmark.data_identity(),
        "limit": limit, "prompt": benchmark.prompt_identity(), "model": spec.model.identity,
        "sampling": spec.sampling.as_dict(), "generation": {"backend": spec.backend, **spec.backend_options},
        **environment(),
    }
    audit = trust.run_audit(benchmark, shared["data"])  # cached per data fingerprint
    base_outputs = [g.text for g in generations[spec.base_name]]
    results = []
    for name, adapter in spec.variants():
        gens = generations[name]
        records = score(benchmark, examples, [g.text for g in gens])
        for record, g in zip(records, gens):
            record.update(prompt_tokens=g.prompt_tokens, completion_tokens=g.completion_tokens, gen_seconds=g.seconds)
        manifest = {**shared, "adapter": adapter.identity if adapter else None, "created": now_iso()}
        notes = trust.variant_notes(benchmark, examples, records, [g.text for g in gens], base_outputs, adapter,
                                    audit, trust_options)
        summary = summarize(benchmark, name, records, manifest, extra={**benchmark.summary_extra(), "trust": notes})
        results.append((write_run(Path(out_dir) / name, records, summary), summary))
    return results
