"""Uncertainty for scores: bootstrap confidence intervals, a paired bootstrap of a difference, McNemar's test."""
from __future__ import annotations

import math
import sys
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
    For metrics that are means of per-item values, :func:`bootstrap_mean_ci` gives the same intervals
    (same resamples for the same seed) without a Python call per resample.
    """
    if not items:
        return {}
    samples: dict[str, list[float]] = {}
    for picks in _resamples(len(items), n_resamples, seed):
        for name, value in statistic([items[i] for i in picks]).items():
            samples.setdefault(name, []).append(value)
    return {name: _percentile_interval(values, confidence) for name, values in samples.items()}


def bootstrap_mean_ci(
    columns: Mapping[str, Sequence[float]],
    *,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> dict[str, tuple[float, float]]:
    """Percentile bootstrap CI of the mean of each column (all of one length), vectorised with numpy."""
    import numpy as np

    if not columns:
        return {}
    data = np.array(list(columns.values()), dtype=np.float64)         # metrics x items
    if data.shape[1] == 0:
        return {}
    means = np.concatenate([data[:, block].mean(axis=2) for block in _resample_blocks(data.shape[1], n_resamples, seed)],
                           axis=1)                                       # metrics x resamples
    return {name: _percentile_interval(row.tolist(), confidence) for name, row in zip(columns, means)}


class MeanCIs:
    """:func:`bootstrap_mean_ci` computed in a forked child that imports numpy as soon as this is made: made
    before a long wait (scoring a prediction file), numpy's import (~0.15 s) runs beside it instead of after.
    For one call; without `fork`, where numpy is loaded already, or when the child fails, the CIs are
    computed here."""

    def __init__(self, fork: bool = True) -> None:
        from harness.forked import ForkedCall

        fork = fork and "numpy" not in sys.modules
        self._call = ForkedCall(_mean_ci_request, prepare=_import_numpy) if fork else None

    def __call__(self, columns: Mapping[str, Sequence[float]], *, n_resamples: int = 1000, confidence: float = 0.95,
                 seed: int = 0) -> dict[str, tuple[float, float]]:
        options = {"n_resamples": n_resamples, "confidence": confidence, "seed": seed}
        call, self._call = self._call, None
        if call is not None:
            call.send(({name: list(values) for name, values in columns.items()}, options))
            found = call.result()
            if found is not None:
                return found
        return bootstrap_mean_ci(columns, **options)

    def close(self) -> None:
        if self._call is not None:
            self._call.close()

    def __enter__(self) -> "MeanCIs":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _import_numpy() -> None:
    import numpy  # noqa: F401


def _mean_ci_request(request: tuple[Mapping[str, Sequence[float]], dict]) -> dict[str, tuple[float, float]]:
    columns, options = request
    return bootstrap_mean_ci(columns, **options)


def _resample_blocks(n: int, n_resamples: int, seed: int, max_cells: int = 4_000_000):
    """The resamples' index rows (resamples x n), generated in blocks of at most ``max_cells`` indices."""
    import numpy as np

    rng = np.random.default_rng(seed)
    per_block = max(1, max_cells // n)
    for start in range(0, n_resamples, per_block):
        yield rng.integers(0, n, size=(min(per_block, n_resamples - start), n))


def _resamples(n: int, n_resamples: int, seed: int):
    for block in _resample_blocks(n, n_resamples, seed):
        yield from block.tolist()


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
    samples: dict[str, list[float]] = {}
    for picks in _resamples(len(a), n_resamples, seed):
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
    """The order statistics ``k`` and ``N-1-k`` (``k`` = alpha (N-1), rounded): negating every value (swapping
    A and B in a paired difference) gives exactly the negated interval."""
    values = sorted(values)
    low = round((1.0 - confidence) / 2.0 * (len(values) - 1))
    return values[low], values[len(values) - 1 - low]
