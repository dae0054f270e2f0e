"""The Python API: what the CLI, the pytest plugin and notebooks call. Each function returns a typed result."""
from __future__ import annotations

import os
from dataclasses import fields
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from harness.errors import ConfigError

if TYPE_CHECKING:
    from harness.benchmarks.base import Benchmark
    from harness.gate import Gate, GateResult
    from harness.models import Adapter, AdapterRef, ModelRef
    from harness.report.compare import Comparison
    from harness.runs.records import Run, Variant
    from harness.trust.runs import TrustOptions


def evaluate(benchmark: str | Benchmark, model: Any = None, adapters: Sequence[str | Path | Adapter] = (), *,
             tokenizer: Any = None, data: str | Path | None = None, split: str | None = None,
             limit: int | None = None, backend: str = "hf", options: Mapping[str, Any] | None = None,
             generation: Mapping[str, Any] | None = None, out: str | Path | None = None,
             same_as_base_threshold: float | None = None) -> Run:
    """Generate and score `benchmark` for a model and each adapter; one variant per model ("base") and adapter.

    `benchmark`: a registered name or a Benchmark. `model`: a hub id, a local folder, a `.gguf` file, None for
    the embedded default, or an in-memory transformers model or PeftModel (with `tokenizer`; a PeftModel
    evaluates its base and each of its adapters). `adapters`: folders (or what `train` returned), or a glob of
    checkpoint folders.
    `options`: the benchmark's options (as `-O`, plus `exclude_ambiguous`). `generation`: sampling
    (max_new_tokens, temperature, top_p, seed) and backend options (precision, batch_size, base_url, ...).
    `out`: the run directory (default runs/<benchmark>-<time>). Generations are cached: a second call with the
    same inputs generates nothing. `same_as_base_threshold`: flag an adapter whose outputs equal the base's
    on at least this fraction (default 0.95).
    """
    from harness.backends import backend_class
    from harness.evaluate import GenerationSpec, run, select
    from harness.options import make_options
    from harness.paths import cache_dir
    from harness.runs.cache import GenerationCache

    options = dict(options or {})
    trust_options = _trust_options(options, same_as_base_threshold)
    bench = _benchmark(benchmark, data, split, options)
    select(bench, _limit(limit))  # bad data or options fail now, before a model is resolved (a GGUF converted)
    sampling, given = _split_generation(generation or {})
    backend_options = make_options(backend_class(backend).Options, given, f"generation: backend {backend!r}")
    model_ref, adapter_refs = _references(backend, model, adapters, tokenizer, backend_options)
    spec = GenerationSpec(model=model_ref, adapters=adapter_refs, sampling=sampling, backend=backend,
                          backend_options=backend_options)
    with GenerationCache(cache_dir() / "generations.sqlite") as cache:
        return run(bench, spec, _out(out, bench), cache, limit=_limit(limit), trust_options=trust_options)


def score(benchmark: str | Benchmark, predictions: str | Path | Sequence[str] | Mapping[int, str], *,
          data: str | Path | None = None, split: str | None = None, limit: int | None = None,
          options: Mapping[str, Any] | None = None, out: str | Path | None = None,
          name: str = "predictions") -> Run:
    """Score existing predictions without a model: a file (our JSONL, or one per line in split order), a list
    of outputs in split order, or a mapping from example index to output. One variant, named `name`.

    A Spider prediction file in the official one-per-line format is SQL, run exactly as given (`sql_only`);
    JSONL files, lists and mappings are model outputs that SQL is extracted from.
    """
    from harness.evaluate import score_outputs, select
    from harness.io import hash_path
    from harness.predictions import is_jsonl, aligned, read_predictions

    options = dict(options or {})
    trust_options = _trust_options(options, None)
    is_file = isinstance(predictions, (str, Path))
    if is_file and _name(benchmark) in ("spider", "bird") and "sql_only" not in options and not is_jsonl(predictions):
        options["sql_only"] = True  # official-format lines are SQL: run as given, as the official evaluator does
    bench = _benchmark(benchmark, data, split, options)
    limit = _limit(limit)
    n = len(select(bench, limit))
    if is_file:
        outputs = read_predictions(predictions, n, allow_extra=limit is not None)
        source = {"path": str(predictions), "sha256": hash_path(predictions)}
    else:
        found = predictions if isinstance(predictions, Mapping) else dict(enumerate(predictions))
        outputs = aligned(found, n, allow_extra=limit is not None, where="predictions")
        source = {"in_memory": True}
    return score_outputs(bench, outputs, _out(out, bench), name=name, limit=limit, source=source,
                         trust_options=trust_options)


def _trust_options(options: dict[str, Any], same_as_base_threshold: float | None) -> TrustOptions:
    """Take `exclude_ambiguous` out of the benchmark options: it is the trust checks' option."""
    from harness.trust.runs import TrustOptions

    exclude = options.pop("exclude_ambiguous", False)
    if not isinstance(exclude, bool):
        raise ConfigError(f"option exclude_ambiguous={exclude!r}: expected true or false")
    if same_as_base_threshold is None:
        return TrustOptions(exclude_ambiguous=exclude)
    if not 0.0 < same_as_base_threshold <= 1.0:
        raise ConfigError(f"same_as_base_threshold {same_as_base_threshold}: expected a fraction in (0, 1]")
    return TrustOptions(exclude_ambiguous=exclude, same_as_base_threshold=same_as_base_threshold)


def _name(benchmark: str | Benchmark) -> str:
    return benchmark if isinstance(benchmark, str) else benchmark.name


def _benchmark(benchmark: str | Benchmark, data: str | Path | None, split: str | None,
               options: Mapping[str, Any] | None) -> Benchmark:
    from harness.benchmarks import get_benchmark

    if not isinstance(benchmark, str):
        if data is not None or split is not None or options:
            raise ConfigError("data, split and options configure a benchmark by name; a Benchmark object "
                              "already has them")
        return benchmark
    given = {**(options or {}), **({"data": data} if data is not None else {}),
             **({"split": split} if split is not None else {})}
    return get_benchmark(benchmark, **given)


def _split_generation(generation: Mapping[str, Any]) -> tuple[Any, dict[str, Any]]:
    """Sampling settings and the rest (backend options) from one `generation` mapping."""
    from harness.types import Sampling

    names = {f.name for f in fields(Sampling)}
    sampling = Sampling(**{k: v for k, v in generation.items() if k in names})
    return sampling, {k: v for k, v in generation.items() if k not in names}


def _references(backend: str, model: Any, adapters: Sequence[str | Path | Adapter], tokenizer: Any,
                options: Any) -> tuple[ModelRef, list[AdapterRef]]:
    from harness.backends import backend_class
    from harness.models import expand_adapters, from_loaded

    if model is not None and not isinstance(model, (str, Path)):
        if backend != "hf" or adapters:
            raise ConfigError("an in-memory model runs on backend 'hf' and carries its own adapters (a PeftModel); "
                              "adapters= names folders for a model given by name")
        return from_loaded(model, tokenizer)
    if tokenizer is not None:
        raise ConfigError("tokenizer= goes with an in-memory model; a named model brings its own")
    return backend_class(backend).references(str(model) if model is not None else None,
                                             expand_adapters([os.fspath(a) for a in adapters]), options)


def _limit(limit: int | None) -> int | None:
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise ConfigError(f"limit: expected a positive integer, got {limit!r}")
    return limit


def _out(out: str | Path | None, benchmark: Benchmark) -> Path:
    return Path(out) if out is not None else Path(f"runs/{benchmark.name}-{datetime.now().strftime('%Y%m%d-%H%M%S')}")


def train(recipe: str | Path, overrides: Sequence[str] | None = None, *, resume: bool = False) -> Adapter:
    """Train a LoRA adapter from a recipe file (`overrides`: "key=value" strings, as `--set`); the Adapter is
    its folder and training manifest, and goes to `evaluate(adapters=[...])` as it is."""
    from harness.train.recipe import load_recipe

    checked = load_recipe(recipe, list(overrides or ()))  # before importing torch/trl: a typo fails in well under 1 s
    from harness.train.sft import train as train_recipe

    return train_recipe(checked, resume=resume)


def merge(adapter: str | Path | Adapter, out: str | Path, *, model: str | None = None) -> Path:
    """Fold a LoRA adapter into its base model (default: the adapter's base_model_name_or_path)."""
    from harness.merge import merge_adapter

    return merge_adapter(adapter, out, model)


def compare(a: str | Path | Run | Variant, b: str | Path | Run | Variant, *, force: bool = False,
            n_resamples: int = 1000, seed: int = 0) -> Comparison:
    """B - A per metric with paired bootstrap CIs, McNemar and flipped examples (A = baseline)."""
    from harness.report.compare import compare_runs

    return compare_runs(_variant(a, "a"), _variant(b, "b"), force=force, n_resamples=n_resamples, seed=seed)


def gate(run: str | Path | Gate, baseline: str | Path | None = None, *, n_resamples: int = 1000,
         **conditions: Any) -> GateResult:
    """Check a run against a baseline run or absolute bounds; `conditions` are harness.gate.Gate fields
    (metric, min_value, min_delta, max_delta, no_significant_drop, max_flips, force, ...), or pass a Gate."""
    from harness.gate import Gate, evaluate_gate

    if not isinstance(run, Gate):
        run = Gate(Path(run), Path(baseline) if baseline is not None else None, **conditions)
    return evaluate_gate(run, n_resamples=n_resamples)


def gate_file(path: str | Path, *, n_resamples: int = 1000) -> list[GateResult]:
    """Every gate of a gates file (TOML [[gate]] tables or a YAML `gates:` list), checked."""
    from harness.gate import evaluate_gate, load_gates

    return [evaluate_gate(g, n_resamples=n_resamples) for g in load_gates(path)]


def report(runs: Sequence[str | Path | Run | Variant], out: str | Path, *,
           title: str = "harness leaderboard") -> list[Path]:
    """Leaderboards of the runs (directories or results), as Markdown and self-contained HTML in `out`."""
    from harness.report.leaderboard import boards_of, write_report

    return list(write_report(boards_of(_variants(runs)), out, title=title))


def _variant(run: str | Path | Run | Variant, which: str) -> Variant:
    from harness.runs.records import Run, Variant

    if isinstance(run, Variant):
        return run
    loaded = run if isinstance(run, Run) else Run.load(run)
    if len(loaded) != 1:
        raise ConfigError(f"{which}: {loaded.path} holds {len(loaded)} variants ({', '.join(loaded.variants)}); "
                          f"name one, e.g. run[{next(iter(loaded.variants))!r}]")
    return next(iter(loaded))


def _variants(runs: Sequence[str | Path | Run | Variant]) -> list[Variant]:
    from harness.runs.records import Run, Variant

    found: list[Variant] = []
    for run in runs:
        found += [run] if isinstance(run, Variant) else list(run if isinstance(run, Run) else Run.load(run))
    return found
