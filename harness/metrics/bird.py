"""BIRD's per-example metrics, as its official scripts compute them (bird-bench/mini_dev, ``evaluation/``).

* EX (``evaluation_ex.py``): ``set(predicted_rows) == set(gold_rows)``; see :func:`sets_match`.
* Soft-F1 (``evaluation_f1.py``): rows deduplicated in order, then compared *position by position*
  (row i of the prediction with row i of the gold), each cell counted matched / prediction-only /
  gold-only, as fractions of the gold row's width; F1 over those sums. See :func:`soft_f1`.
* R-VES (``evaluation_ves.py``): for a correct prediction, the gold/prediction time ratio over repeated
  runs, outliers beyond 3 standard deviations dropped, mapped to a reward bucket; the example scores
  ``sqrt(reward)`` (the official script prints the mean times 100). See :func:`ves_reward`.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import fmean, pstdev


def sets_match(gold: Sequence[tuple], pred: Sequence[tuple]) -> bool:
    """Official BIRD EX: the results are equal as sets of rows (order and repeats ignored)."""
    return set(pred) == set(gold)


def _row_match(pred_row: tuple, gold_row: tuple) -> tuple[float, float, float]:
    width = len(gold_row)
    matched = sum(1 for value in pred_row if value in gold_row)
    pred_only = len(pred_row) - matched
    gold_only = sum(1 for value in gold_row if value not in pred_row)
    return matched / width, pred_only / width, gold_only / width


def soft_f1(gold: Sequence[tuple], pred: Sequence[tuple]) -> float:
    """Official ``calculate_f1_score(predicted, ground_truth)``, with its row-by-position pairing."""
    if not pred and not gold:
        return 1.0
    pred_rows = list(dict.fromkeys(pred))
    gold_rows = list(dict.fromkeys(gold))
    tp = fp = fn = 0.0
    for i, gold_row in enumerate(gold_rows):
        if i >= len(pred_rows):
            fn += 1
            continue
        matched, pred_only, gold_only = _row_match(pred_rows[i], gold_row)
        tp, fp, fn = tp + matched, fp + pred_only, fn + gold_only
    fp += max(0, len(pred_rows) - len(gold_rows))
    precision = tp / (tp + fp) if tp + fp > 0 else 0
    recall = tp / (tp + fn) if tp + fn > 0 else 0
    return 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0


def time_ratio(gold_seconds: Sequence[float], pred_seconds: Sequence[float]) -> float:
    """Official mean of gold/prediction time ratios after ``clean_abnormal`` (values outside mean +- 3
    population standard deviations dropped). 0 when nothing is left (the official script then fails with
    ZeroDivisionError, which it scores as reward 0) or a prediction took no measurable time."""
    if any(p <= 0 for p in pred_seconds):
        return 0.0
    ratios = [g / p for g, p in zip(gold_seconds, pred_seconds, strict=True)]
    mean, std = fmean(ratios), pstdev(ratios)
    kept = [r for r in ratios if mean - 3 * std < r < mean + 3 * std]
    return sum(kept) / len(kept) if kept else 0.0


def ves_reward(ratio: float) -> float:
    """Official reward bucket of a time ratio (gold time / prediction time); 0 means not correct."""
    if ratio == 0:
        return 0.0
    if ratio >= 2:
        return 1.25
    if ratio >= 1:
        return 1.0
    if ratio >= 0.5:
        return 0.75
    if ratio >= 0.25:
        return 0.5
    return 0.25


def r_ves_score(reward: float) -> float:
    """Per-example R-VES contribution; the official R-VES is the mean of these times 100."""
    return math.sqrt(reward)
