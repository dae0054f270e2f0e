"""Uncertainty for scores: bootstrap confidence intervals over examples."""
from __future__ import annotations

import random
from typing import Callable, Mapping, Sequence, TypeVar

T = TypeVar("T")


def bootstrap_ci(
    items: Sequence[T],
    statistic: Callable[[Sequence[T]], Mapping[str, float]],
    *,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> dict[str, tuple[float, float]]:
    """Percentile bootstrap CI of each value of `statistic` over resamples of `items` (with replacement).

    `statistic` gets a list of items, so corpus-level metrics (BLEU) are recomputed per resample, not averaged.
    """
    if not items:
        return {}
    rng = random.Random(seed)
    n = len(items)
    samples: dict[str, list[float]] = {}
    for _ in range(n_resamples):
        for name, value in statistic([items[rng.randrange(n)] for _ in range(n)]).items():
            samples.setdefault(name, []).append(value)
    alpha = (1.0 - confidence) / 2.0
    cis = {}
    for name, values in samples.items():
        values.sort()
        cis[name] = (values[int(alpha * (len(values) - 1))], values[int(round((1.0 - alpha) * (len(values) - 1)))])
    return cis
