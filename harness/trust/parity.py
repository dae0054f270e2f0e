"""Backend parity: the same prompts through two backends; how many outputs are identical and score the same.

vLLM-LoRA vs PEFT differences are a known source of silent score changes (`harness parity` runs this).
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from harness.types import Example, Scored

if TYPE_CHECKING:
    from harness.benchmarks.base import Benchmark
    from harness.evaluate import GenerationSpec


@dataclass(frozen=True)
class Difference:
    index: int
    diverges_at: int  # first differing character
    outputs: tuple[str, str]
    outcomes: tuple[Any, Any]  # verdict (or scores) under each backend


@dataclass
class VariantParity:
    variant: str
    n: int
    exact: int
    same_outcome: int
    differences: list[Difference] = field(default_factory=list)


def compare_variant(benchmark: Any, examples: Sequence[Any], variant: str, first: Sequence[str],
                    second: Sequence[str]) -> VariantParity:
    """Exact-match and same-verdict counts for one variant's outputs under two backends."""
    records = benchmark.score(examples, first), benchmark.score(examples, second)
    parity = VariantParity(variant, len(examples), 0, 0)
    for example, a, b, ra, rb in zip(examples, first, second, *records):
        outcomes = (_outcome(ra), _outcome(rb))
        parity.exact += a == b
        parity.same_outcome += outcomes[0] == outcomes[1]
        if a != b:
            parity.differences.append(Difference(example.index, _diverges_at(a, b), (a, b), outcomes))
    return parity


def _outcome(scored: Scored) -> str:
    return scored.verdict


def _diverges_at(a: str, b: str) -> int:
    return next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))


def backend_parity(benchmark: Benchmark, examples: Sequence[Example], first: GenerationSpec,
                   second: GenerationSpec) -> list[VariantParity]:
    """Generate every variant with both specs (fresh private caches, so the libraries installed now answer) and
    compare them variant by variant."""
    from harness.evaluate import generate
    from harness.runs.cache import GenerationCache

    outputs = []
    for spec in (first, second):
        with tempfile.TemporaryDirectory() as tmp, GenerationCache(Path(tmp) / "parity.sqlite") as cache:
            generations = generate(benchmark, examples, spec, cache)
        outputs.append({variant: [g.text for g in gens] for variant, gens in generations.items()})
        _release_gpu_memory()
    return [compare_variant(benchmark, examples, v, outputs[0][v], outputs[1][v]) for v in outputs[0]]


def _release_gpu_memory() -> None:
    """Let the second backend have the GPU memory the first one held."""
    import gc

    import torch

    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()
