"""Text-similarity metrics for generated text: corpus BLEU and chrF (sacrebleu), ROUGE-1/2/L F (rouge-score).

Scoring keeps sacrebleu's per-segment sufficient statistics, so a corpus score over any subset or bootstrap
resample of examples is a sum plus one formula (`corpus_from_stats`), exactly what sacrebleu computes on the
whole corpus. Several references per example are supported: sacrebleu takes the best-matching reference
per segment (BLEU: all references' n-grams), rouge-score the reference with the highest F per ROUGE type.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Sequence

from sacrebleu.metrics import BLEU, CHRF

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")
_THINK_BLOCK = re.compile(r"<think>(.*?)</think>", re.DOTALL)


@dataclass(frozen=True)
class SegmentScores:
    """One example's scores plus the sufficient statistics corpus scores are recomputed from."""

    bleu: float  # sentence BLEU (effective order), 0-100
    chrf: float  # sentence chrF, 0-100
    rouge: dict[str, float]  # ROUGE F-measure per type, 0-1
    bleu_stats: list[int]
    chrf_stats: list[int]


@dataclass
class TextScorer:
    """sacrebleu BLEU/chrF with their default settings (those of the `sacrebleu` CLI) and rouge-score."""

    use_stemmer: bool = True

    @cached_property
    def _bleu(self) -> BLEU:
        return BLEU()

    @cached_property
    def _sentence_bleu(self) -> BLEU:
        return BLEU(effective_order=True)

    @cached_property
    def _chrf(self) -> CHRF:
        return CHRF()

    @cached_property
    def _rouge(self) -> Any:
        from rouge_score.rouge_scorer import RougeScorer

        return RougeScorer(list(ROUGE_TYPES), use_stemmer=self.use_stemmer)

    def score(self, hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> list[SegmentScores]:
        """Per-example scores; `references[i]` holds example i's one or more reference texts."""
        if len(hypotheses) != len(references):
            raise ValueError(f"{len(hypotheses)} hypotheses but {len(references)} reference lists")
        if any(not refs for refs in references):
            raise ValueError("every example needs at least one reference")
        streams = reference_streams(references)
        bleu_stats = self._bleu._extract_corpus_statistics(hypotheses, streams) if hypotheses else []
        chrf_stats = self._chrf._extract_corpus_statistics(hypotheses, streams) if hypotheses else []
        results = []
        for hyp, refs, b, c in zip(hypotheses, references, bleu_stats, chrf_stats):
            rouge = self._rouge.score_multi(list(refs), hyp)
            results.append(SegmentScores(
                bleu=float(self._sentence_bleu._compute_score_from_stats(b).score),
                chrf=float(self._chrf._compute_score_from_stats(c).score),
                rouge={t: float(rouge[t].fmeasure) for t in ROUGE_TYPES},
                bleu_stats=[int(x) for x in b], chrf_stats=[int(x) for x in c],
            ))
        return results

    def corpus_from_stats(self, bleu_stats: Sequence[Sequence[int]],
                          chrf_stats: Sequence[Sequence[int]]) -> dict[str, float]:
        """Corpus BLEU and chrF (0-100) from per-example statistics: sacrebleu's corpus_score, recomputed."""
        if not bleu_stats:
            return {}
        return {"bleu": float(self._bleu._compute_score_from_stats(_column_sums(bleu_stats)).score),
                "chrf": float(self._chrf._compute_score_from_stats(_column_sums(chrf_stats)).score)}

    def signatures(self, n_refs: int) -> dict[str, str]:
        """sacrebleu's reproducibility signatures; `n_refs` is refs per example, -1 when it varies ("var")."""
        signatures = {}
        for name, metric in (("bleu", self._bleu), ("chrf", self._chrf)):
            metric.num_refs = n_refs
            signatures[name] = str(metric.get_signature())
        return signatures

    def settings(self) -> dict[str, Any]:
        return {"rouge_types": list(ROUGE_TYPES), "rouge_use_stemmer": self.use_stemmer, "rouge_score": "F-measure",
                "sentence_bleu": "effective_order=True"}


def reference_streams(references: Sequence[Sequence[str]]) -> list[list[str | None]]:
    """sacrebleu's layout (one stream per reference position), padded with None for examples with fewer refs."""
    width = max((len(refs) for refs in references), default=0)
    return [[refs[k] if k < len(refs) else None for refs in references] for k in range(width)]


def split_thinking(text: str) -> tuple[str, str]:
    """(thinking, answer) of a reasoning model's output; `<think>` blocks are removed from the answer.

    An unclosed `<think>` makes the rest thinking (the answer is empty); a `</think>` with no opening tag
    (chat templates that pre-fill `<think>`) makes everything before it thinking.
    """
    # Only text up to the last `</think>` can hold a closed block: matching an unclosed `<think>` rescans to
    # the end, so a model looping on the tag would make the regex quadratic (14 s for 10,000 tags).
    cut = text.rfind("</think>") + len("</think>") if "</think>" in text else 0
    head = text[:cut]
    thoughts = [m.strip() for m in _THINK_BLOCK.findall(head)]
    answer = _THINK_BLOCK.sub("", head) + text[cut:]
    if "</think>" in answer:
        before, _, answer = answer.rpartition("</think>")
        thoughts.insert(0, before.replace("<think>", "").strip())
    if "<think>" in answer:
        answer, _, rest = answer.partition("<think>")
        thoughts.append(rest.strip())
    return "\n\n".join(t for t in thoughts if t), answer.strip()


def _column_sums(rows: Sequence[Sequence[int]]) -> list[int]:
    return [sum(column) for column in zip(*rows)]
