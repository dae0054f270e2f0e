"""The one path data takes: examples -> prompts -> generations (cached) -> scores -> run records."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from harness.backends import Backend, backend_class, get_backend
from harness.benchmarks.base import Benchmark
from harness.errors import ConfigError, DataError
from harness.metrics.stats import MeanCIs, bootstrap_mean_ci
from harness.models import AdapterRef, ModelRef
from harness.options import as_kwargs, make_options
from harness.progress import LoopProgress
from harness.runs.cache import GenerationCache, generation_key
from harness.runs.manifest import build_manifest
from harness.runs.records import (PartialRecords, Run, Variant, scoring_key, summarize, summarized_by_means,
                                  write_run)
from harness.trust import runs as trust
from harness.types import Example, Generation, GenerationRequest, Record, Sampling

log = logging.getLogger(__name__)

BASE = "base"
# Examples scored (and their records appended to disk) at a time. Each batch starts its own SQL workers and waits
# for its slowest query (256 made warm Spider-dev scoring 1.35x slower than one batch); a crash loses at most one
# batch of scoring, and generations are cached apart from it. 2,048 holds Spider dev or BIRD dev in one batch.
SCORE_BATCH = 2048


@dataclass
class GenerationSpec:
    """Everything that determines generations except the prompts.

    `backend_options`: the backend's Options, or a mapping of them (checked; defaults for the rest); either way
    it holds the resolved Options after construction ("auto" decided), which the cache key and manifest record.
    """

    model: ModelRef
    adapters: Sequence[AdapterRef] = ()
    sampling: Sampling = field(default_factory=Sampling)
    backend: str = "hf"
    backend_options: Any = field(default_factory=dict)
    base_name: str = BASE  # the model's own variant (EvalCallback names it by training step)

    def __post_init__(self) -> None:
        cls = backend_class(self.backend)
        options = self.backend_options
        if isinstance(options, Mapping):
            options = make_options(cls.Options, options, f"generation: backend {self.backend!r}")
        self.backend_options = cls.resolve_options(options, self.model)

    def variants(self) -> list[tuple[str, AdapterRef | None]]:
        names = [a.name for a in self.adapters]
        if len(set(names)) != len(names) or self.base_name in names:
            raise ConfigError(f"adapter names must be unique and not {self.base_name!r}: {names}; rename a folder")
        return [(self.base_name, None), *((a.name, a) for a in self.adapters)]

    def cache_settings(self) -> dict[str, Any]:
        """The backend and those of its options that can change the generated text (all but fields marked
        `cache_key=False`)."""
        options = self.backend_options
        return {"name": self.backend, **{f.name: getattr(options, f.name) for f in dataclasses.fields(options)
                                         if f.metadata.get("cache_key", True)}}


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
    log.debug("%d of %d generations cached in %s", len(keys) - len(missing), len(keys), cache.path)
    if missing:
        factory = backend_factory or (lambda: get_backend(spec.backend, spec.model, spec.adapters,
                                                          spec.backend_options))
        backend = factory()
        pending: list[tuple[str, Generation]] = []
        try:
            with LoopProgress(f"generating ({len(keys) - len(missing)} cached)", len(missing)) as progress:
                done = 0
                # Backends that can tell report sequences as they finish inside a batch: per-example progress.
                backend.progress = lambda finished: progress.update(done + finished)
                tokens, started = 0, time.perf_counter()
                for j, generation in backend.generate([requests[i] for i in missing], spec.sampling):
                    key = keys[missing[j]]
                    found[key] = generation
                    pending.append((key, generation))
                    done += 1
                    tokens += generation.completion_tokens or 0
                    if len(pending) >= _flush_size(spec) or done == len(missing):
                        cache.put_many(pending)
                        pending.clear()
                        progress.report(done, f"{tokens / (time.perf_counter() - started):.1f} tokens/s")
                    else:
                        progress.update(done)
        finally:  # a backend that fails mid-run (or Ctrl-C) loses nothing it finished
            cache.put_many(pending)
    n = len(examples)
    return {name: [found[keys[v * n + i]] for i in range(n)] for v, (name, _) in enumerate(spec.variants())}


def _flush_size(spec: GenerationSpec) -> int:
    return int(getattr(spec.backend_options, "batch_size", 8))


def score(benchmark: Benchmark, examples: Sequence[Example], outputs: Sequence[str],
          partial: PartialRecords | None = None, generations: Sequence[Generation] | None = None) -> list[Record]:
    """One record per example: the benchmark's judgement of its output plus the example and its prompt hash
    (and the token counts and time of its generation, from `generations`, aligned with `outputs`).

    Examples are scored in batches of SCORE_BATCH. With `partial`, each scored batch is appended to it (and
    fsynced) before the next starts, and the records it already holds for the same example and output are
    reused, not scored again: a rerun after a crash or Ctrl-C resumes.
    """
    position = {example.index: p for p, example in enumerate(examples)}
    done: dict[int, Record] = {}
    if partial is not None:
        for record in partial.read():
            p = position.get(record.index)
            if p is not None and record.raw_output == outputs[p]:
                done[p] = record
        partial.restart(list(done.values()))
    todo = [p for p in range(len(examples)) if p not in done]
    with progress_bar() as bar:
        task = bar.add_task(f"scoring ({len(done)} already scored)" if done else "scoring", total=len(examples),
                            completed=len(done))
        try:
            for start in range(0, len(todo), SCORE_BATCH):
                batch = todo[start:start + SCORE_BATCH]
                chosen = [examples[p] for p in batch]
                scored = benchmark.score(chosen, [outputs[p] for p in batch], on_done=lambda k: bar.advance(task, k))
                records = [Record.from_scored(e, outputs[p], judged, prompt_hash=prompt_hash(benchmark.messages(e)))
                           for p, e, judged in zip(batch, chosen, scored)]
                if generations is not None:
                    for p, record in zip(batch, records):
                        g = generations[p]
                        record.prompt_tokens, record.completion_tokens, record.gen_seconds = (
                            g.prompt_tokens, g.completion_tokens, g.seconds)
                if partial is not None:
                    partial.append(records)
                done.update(zip(batch, records))
        except BaseException:  # Ctrl-C or a crash: say where the finished records are
            if partial is not None and done:
                log.warning("scoring stopped: %d of %d records kept in %s; rerunning with the same --out scores "
                            "only the rest", len(done), len(examples), partial.path)
            raise
    return [done[p] for p in range(len(examples))]


def prompt_hash(messages: Sequence[dict[str, str]]) -> str:
    return hashlib.sha256(json.dumps(list(messages), sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def select(benchmark: Benchmark, limit: int | None) -> list[Example]:
    """The first `limit` examples (all without one); an empty selection is an error."""
    if limit is not None and limit < 1:
        raise ConfigError(f"limit {limit}: expected a positive number of examples")
    examples = benchmark.examples()[:limit] if limit else benchmark.examples()
    if not examples:
        raise DataError(f"{benchmark.name}: no examples to evaluate (options {benchmark.options})")
    return examples


def write_variant(benchmark: Benchmark, name: str, records: list[Record], manifest: dict[str, Any],
                  out_dir: Path, trust_notes: dict[str, Any], partial: PartialRecords,
                  mean_ci: Callable[..., dict[str, tuple[float, float]]] = bootstrap_mean_ci) -> Variant:
    """Summarize one variant's records (with the trust checks' notes) and write its run directory (records
    as the partial file holds them: encoded once)."""
    summary = summarize(benchmark, name, records, manifest,
                        extra={**benchmark.summary_extra(), "trust": trust_notes}, mean_ci=mean_ci)
    return Variant(summary, records, write_run(out_dir, records, summary, partial.lines))


def run(benchmark: Benchmark, spec: GenerationSpec, out_dir: str | Path, cache: GenerationCache, *,
        limit: int | None = None, backend_factory: Callable[[], Backend] | None = None,
        trust_options: trust.TrustOptions = trust.TrustOptions()) -> Run:
    """Generate, score and write one run directory per variant (out_dir/<variant>), each with its trust notes."""
    trust.check_adapters(spec.adapters)
    examples = select(benchmark, limit)
    generations = generate(benchmark, examples, spec, cache, backend_factory=backend_factory)
    # What every variant shares, computed once: hashing the data and asking git are I/O.
    shared = build_manifest(benchmark, limit=limit, model=spec.model.identity, sampling=spec.sampling.as_dict(),
                            generation={"backend": spec.backend, **as_kwargs(spec.backend_options)})
    audit = trust.run_audit(benchmark, shared["data"])  # cached per data fingerprint
    base_outputs = [g.text for g in generations[spec.base_name]]
    # Kept until every variant is written: a rerun after a crash in a later variant rescores none of the earlier.
    key = scoring_key(shared)
    partials = {name: PartialRecords.in_run(Path(out_dir) / name, key) for name, _ in spec.variants()}
    variants = {}
    for name, adapter in spec.variants():
        gens = generations[name]
        records = score(benchmark, examples, [g.text for g in gens], partials[name], gens)
        manifest = {**shared, "adapter": adapter.identity if adapter else None}
        notes = trust.variant_notes(benchmark, examples, records, [g.text for g in gens], base_outputs, adapter,
                                    audit, trust_options)
        variants[name] = write_variant(benchmark, name, records, manifest, Path(out_dir) / name, notes,
                                       partials[name])
    for partial in partials.values():
        partial.remove()
    return Run(variants, Path(out_dir))


def score_outputs(benchmark: Benchmark, outputs: Sequence[str], out_dir: str | Path, *, name: str = "predictions",
                  limit: int | None = None, source: dict[str, Any] | None = None,
                  trust_options: trust.TrustOptions = trust.TrustOptions()) -> Run:
    """Score existing outputs (aligned with the first examples of the split): one variant, written to out_dir."""
    examples = select(benchmark, limit)
    with MeanCIs(fork=summarized_by_means(benchmark)) as mean_ci:  # numpy loads in a child during the scoring
        manifest = build_manifest(benchmark, limit=limit, predictions=source)
        partial = PartialRecords.in_run(out_dir, scoring_key(manifest))
        records = score(benchmark, examples, outputs, partial)
        notes = trust.variant_notes(benchmark, examples, records, outputs, outputs, None,
                                    trust.run_audit(benchmark, manifest["data"]), trust_options)
        variant = write_variant(benchmark, name, records, manifest, Path(out_dir), notes, partial, mean_ci)
    partial.remove()
    return Run({name: variant}, Path(out_dir))
