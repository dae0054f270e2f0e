"""Uncertainty for scores: bootstrap confidence intervals, a paired bootstrap of a difference, McNemar's test."""
from __future__ import annotations

import math
import random
from dataclasses import dataclass
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
    return {name: _percentile_interval(values, confidence) for name, values in samples.items()}


@dataclass(frozen=True)
class DeltaCI:
    """`b - a` on the full data and the percentile bootstrap interval of that difference."""

    delta: float
    ci_low: float
    ci_high: float


def paired_bootstrap_delta(
    a: Sequence[T],
    b: Sequence[T],
    statistic: Callable[[Sequence[T]], Mapping[str, float]],
    *,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> dict[str, DeltaCI]:
    """Bootstrap CI of `statistic(b) - statistic(a)` for two runs on the same examples.

    `a[i]` and `b[i]` are the same example; each resample draws example positions once and uses them for both
    runs, so the per-example correlation between the runs is kept (a much tighter interval than two
    independent CIs when most examples agree).
    """
    if len(a) != len(b):
        raise ValueError(f"paired bootstrap needs aligned runs; got {len(a)} and {len(b)} items")
    if not a:
        return {}
    point_a, point_b = statistic(a), statistic(b)
    rng = random.Random(seed)
    n = len(a)
    samples: dict[str, list[float]] = {}
    for _ in range(n_resamples):
        picks = [rng.randrange(n) for _ in range(n)]
        stat_a, stat_b = statistic([a[i] for i in picks]), statistic([b[i] for i in picks])
        for name in stat_a.keys() & stat_b.keys():
            samples.setdefault(name, []).append(stat_b[name] - stat_a[name])
    return {name: DeltaCI(point_b[name] - point_a[name], *_percentile_interval(samples[name], confidence))
            for name in point_a.keys() & point_b.keys() if name in samples}


@dataclass(frozen=True)
class McNemar:
    """Discordant pairs of a binary per-example metric: `b` right->wrong (1 in A, 0 in B), `c` wrong->right."""

    b: int
    c: int
    p_value: float


def mcnemar_exact(b: int, c: int) -> McNemar:
    """McNemar's exact test: two-sided binomial test of `b` successes in `b + c` trials with p = 1/2.

    Only discordant pairs carry information; concordant ones (both right, both wrong) are ignored.
    """
    if b < 0 or c < 0:
        raise ValueError(f"discordant counts must be >= 0, got b={b}, c={c}")
    n = b + c
    if n == 0:
        return McNemar(b, c, 1.0)
    tail = sum(math.comb(n, k) for k in range(min(b, c) + 1)) / 2**n
    return McNemar(b, c, min(1.0, 2.0 * tail))


def _percentile_interval(values: list[float], confidence: float) -> tuple[float, float]:
    values = sorted(values)
    alpha = (1.0 - confidence) / 2.0
    return values[int(alpha * (len(values) - 1))], values[int(round((1.0 - alpha) * (len(values) - 1)))]
