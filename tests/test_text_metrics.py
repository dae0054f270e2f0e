"""harness.metrics.text against sacrebleu's own CLI and rouge-score called directly."""
from __future__ import annotations

import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rouge_score.rouge_scorer import RougeScorer
from sacrebleu.metrics import BLEU, CHRF

from harness.metrics.text import ROUGE_TYPES, TextScorer, reference_streams, split_thinking

HYPS = ["How many singers are there?", "List the names of singers older than 40.", "what is the average age",
        "Show the titles of all items cheaper than 20 dollars.", "Which item is the most expensive one?", "",
        "Find the total price of items", "How many running dogs ran away?"]
REFS_A = ["How many singers are there?", "What are the names of singers older than 40, sorted by name?",
          "What is the average age of singers in each country?", "Titles of items cheaper than 20.",
          "What is the most expensive item?", "Count the items.", "What is the total price of all items?",
          "How many dogs are running?"]
REFS_B = ["Count the singers.", "Names of singers over 40 ordered by name.", "Average singer age per country.",
          "Which items cost less than 20?", "Name the priciest item.", "How many items are there?",
          "Sum of all item prices.", "Count running dogs."]


def _sacrebleu_cli(tmp_path: Path, hyps: list[str], *ref_streams: list[str]) -> dict[str, float]:
    """Run `sacrebleu REF... -i HYP -m bleu chrf` on files; the two scores and their signatures."""
    hyp_file = tmp_path / "hyp.txt"
    hyp_file.write_text("\n".join(hyps) + "\n")
    ref_files = []
    for k, stream in enumerate(ref_streams):
        ref_files.append(tmp_path / f"ref{k}.txt")
        ref_files[-1].write_text("\n".join(stream) + "\n")
    exe = shutil.which("sacrebleu", path=str(Path(sys.executable).parent)) or "sacrebleu"
    out = subprocess.run([exe, *map(str, ref_files), "-i", str(hyp_file), "-m", "bleu", "chrf", "-w", "6",
                          "-f", "text"], capture_output=True, text=True, check=True).stdout.splitlines()
    # "BLEU|nrefs:1|...|version:2.6.0 = 84.648172 100.0/..." then "chrF2|nrefs:1|... = 86.002957"
    parsed = {}
    for line, name in zip(out, ("bleu", "chrf")):
        signature, _, rest = line.strip().partition(" = ")
        parsed[name] = float(rest.split()[0])
        parsed[f"{name}_signature"] = signature.split("|", 1)[1]
    return parsed


def _corpus(scorer: TextScorer, hyps: list[str], refs: list[list[str]]) -> dict[str, float]:
    segs = scorer.score(hyps, refs)
    return scorer.corpus_from_stats([s.bleu_stats for s in segs], [s.chrf_stats for s in segs])


def test_single_reference_corpus_scores_equal_sacrebleu_cli(tmp_path: Path) -> None:
    ours = _corpus(TextScorer(), HYPS, [[r] for r in REFS_A])
    cli = _sacrebleu_cli(tmp_path, HYPS, REFS_A)
    assert ours["bleu"] == pytest.approx(cli["bleu"], abs=1e-6)
    assert ours["chrf"] == pytest.approx(cli["chrf"], abs=1e-6)
    assert TextScorer().signatures(1) == {"bleu": cli["bleu_signature"], "chrf": cli["chrf_signature"]}
    assert 0 < ours["bleu"] < 100


def test_two_reference_corpus_scores_equal_sacrebleu_cli(tmp_path: Path) -> None:
    ours = _corpus(TextScorer(), HYPS, [[a, b] for a, b in zip(REFS_A, REFS_B)])
    cli = _sacrebleu_cli(tmp_path, HYPS, REFS_A, REFS_B)
    assert ours["bleu"] == pytest.approx(cli["bleu"], abs=1e-6)
    assert ours["chrf"] == pytest.approx(cli["chrf"], abs=1e-6)
    assert TextScorer().signatures(2) == {"bleu": cli["bleu_signature"], "chrf": cli["chrf_signature"]}
    assert ours != _corpus(TextScorer(), HYPS, [[r] for r in REFS_A])  # the second reference counts


def test_variable_reference_counts_equal_sacrebleu_api_with_none_padding() -> None:
    refs = [[a, b] if i % 2 else [a] for i, (a, b) in enumerate(zip(REFS_A, REFS_B))]
    streams = reference_streams(refs)
    assert streams[1][0] is None and streams[1][1] == REFS_B[1]
    ours = _corpus(TextScorer(), HYPS, refs)
    assert ours["bleu"] == pytest.approx(BLEU().corpus_score(HYPS, streams).score, abs=1e-9)
    assert ours["chrf"] == pytest.approx(CHRF().corpus_score(HYPS, streams).score, abs=1e-9)
    assert TextScorer().signatures(-1)["bleu"].startswith("nrefs:var|")


def test_sentence_scores_equal_sacrebleu_sentence_api() -> None:
    segs = TextScorer().score(HYPS, [[a, b] for a, b in zip(REFS_A, REFS_B)])
    for seg, hyp, a, b in zip(segs, HYPS, REFS_A, REFS_B):
        assert seg.bleu == pytest.approx(BLEU(effective_order=True).sentence_score(hyp, [a, b]).score, abs=1e-9)
        assert seg.chrf == pytest.approx(CHRF().sentence_score(hyp, [a, b]).score, abs=1e-9)


@pytest.mark.parametrize("use_stemmer", [True, False])
def test_rouge_equals_rouge_score_called_directly(use_stemmer: bool) -> None:
    refs = [[a, b] for a, b in zip(REFS_A, REFS_B)]
    direct = RougeScorer(list(ROUGE_TYPES), use_stemmer=use_stemmer)
    for seg, hyp, ref in zip(TextScorer(use_stemmer=use_stemmer).score(HYPS, refs), HYPS, refs):
        expected = direct.score_multi(ref, hyp)
        assert seg.rouge == {t: expected[t].fmeasure for t in ROUGE_TYPES}
    stemmed = TextScorer(use_stemmer=True).score(["dogs running"], [["dog runs"]])[0].rouge["rouge1"]
    plain = TextScorer(use_stemmer=False).score(["dogs running"], [["dog runs"]])[0].rouge["rouge1"]
    assert (stemmed, plain) == (1.0, 0.0)


def test_corpus_from_any_subset_equals_rescoring_that_subset() -> None:
    scorer = TextScorer()
    refs = [[a, b] for a, b in zip(REFS_A, REFS_B)]
    segs = scorer.score(HYPS, refs)
    picks = random.Random(3).choices(range(len(HYPS)), k=len(HYPS))
    from_stats = scorer.corpus_from_stats([segs[i].bleu_stats for i in picks], [segs[i].chrf_stats for i in picks])
    rescored = {"bleu": BLEU().corpus_score([HYPS[i] for i in picks], reference_streams([refs[i] for i in picks])).score,
                "chrf": CHRF().corpus_score([HYPS[i] for i in picks], reference_streams([refs[i] for i in picks])).score}
    assert from_stats == pytest.approx(rescored, abs=1e-9)


@pytest.mark.parametrize("text, expected", [
    ("How many?", ("", "How many?")),
    ("<think>count rows</think>\nHow many?", ("count rows", "How many?")),
    ("count rows</think>How many?", ("count rows", "How many?")),  # template pre-filled <think>
    ("<think>a</think><think>b</think> Q", ("a\n\nb", "Q")),
    ("<think>never closed", ("never closed", "")),
    ("Q first <think>then more", ("then more", "Q first")),
])
def test_split_thinking(text: str, expected: tuple[str, str]) -> None:
    assert split_thinking(text) == expected


def test_mismatched_lengths_and_missing_references_are_errors() -> None:
    with pytest.raises(ValueError, match="2 hypotheses but 1"):
        TextScorer().score(["a", "b"], [["a"]])
    with pytest.raises(ValueError, match="at least one reference"):
        TextScorer().score(["a"], [[]])
