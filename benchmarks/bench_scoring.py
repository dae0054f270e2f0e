"""Scoring throughput: ``score_execution`` versus the official Spider execution check, same predictions.

Three scorers see the same predictions and must give identical verdicts:

* ours: :func:`harness.sql.execution.score_execution` (process pool, gold once, deduplicated execution);
* official: ``eval_exec_match`` from taoyds/test-suite-sql-eval, loaded at run time from ``--official DIR``
  (``exec_eval.py`` and ``parse.py`` there, sqlparse in ``--official-lib``; see
  ``scripts/check_official_parity.py``), called once per prediction, sequentially, as its ``evaluation.py``
  does: it re-executes the gold query for every prediction. It raises on an empty prediction (sqlparse
  returns no statement); as in the parity script, that counts as incorrect, as does any other exception;
* official-style: the same one-at-a-time loop written with our post-processing and comparison code, so
  only the scheduling differs from ours.

The prediction mix imitates scoring a base model plus adapters on the same questions. ``--accuracy``
lists one execution accuracy per variant (default ``0.1,0.5,0.6,0.7``: a weak base model and three
adapters). For each question and variant, with that probability the variant answers correctly: the gold
text verbatim (probability ``--verbatim``, default 0.8; fine-tuned models reproduce the training style)
or the gold reformatted by sqlglot; otherwise it picks one of the question's deviations at random:
DISTINCT toggled (the official rule ignores DISTINCT, so this is usually still correct), LIMIT changed,
another question's gold on the same database, a syntax error, or no SQL.
Because variants draw from the same few answers per question, identical predictions across variants are
common, as they are in real runs. ``--accuracy 0.6`` gives one prediction per question (no duplicates
across variants); ``--verbatim 0`` makes every correct answer differ from the gold text.
``--questions`` questions are drawn at random from the data (default 500).

Each scorer runs ``--repeats`` times (default 3), the three interleaved round by round, with the 1-minute
load average printed beside each run; the summary reports medians.

Usage: python benchmarks/bench_scoring.py [DATA_DIR] [--official /tmp/official] [--official-lib /tmp/offlib]
       [--questions 500] [--accuracy 0.1,0.5,0.6,0.7] [--verbatim 0.8] [--workers N] [--repeats 3]
DATA_DIR is a Spider-layout folder (train_spider.json, database/); default /work/shared/data/spider-train.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sqlite3
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import sqlglot

from harness.sql.equivalence import order_matters, postprocess_for_exec, results_match
from harness.sql.execution import ExecItem, ExecVerdict, score_execution


def _reformatted(gold: str) -> str:
    try:
        return sqlglot.transpile(gold, read="sqlite", write="sqlite")[0]
    except sqlglot.errors.SqlglotError:
        return gold


def _wrong_answers(gold: str, other_gold: str) -> list[str | None]:
    """Plausible wrong predictions for one question (None = no SQL in the output)."""
    if re.search(r"\bSELECT\s+DISTINCT\b", gold, re.IGNORECASE):
        distinct = re.sub(r"\bDISTINCT\s+", "", gold, count=1, flags=re.IGNORECASE)
    else:
        distinct = re.sub(r"\bSELECT\b", "SELECT DISTINCT", gold, count=1, flags=re.IGNORECASE)
    limit = re.search(r"\bLIMIT\s+(\d+)", gold, re.IGNORECASE)
    limited = gold[:limit.start(1)] + str(int(limit.group(1)) + 1) + gold[limit.end(1):] if limit else gold + " LIMIT 1"
    return [distinct, limited, other_gold, gold[: max(8, len(gold) * 2 // 3)], None]


def build_items(data: list[dict], questions: int, accuracy: list[float], verbatim: float,
                seed: int) -> list[ExecItem]:
    """One prediction per (question, variant); see the module docstring for the mix."""
    rng = random.Random(seed)
    by_db: dict[str, list[str]] = {}
    for ex in data:
        by_db.setdefault(ex["db_id"], []).append(ex["query"])
    items = []
    for ex in rng.sample(data, min(questions, len(data))):
        gold = ex["query"]
        others = [q for q in by_db[ex["db_id"]] if q != gold] or [gold + " LIMIT 0"]
        wrong = _wrong_answers(gold, rng.choice(others))
        for acc in accuracy:
            if rng.random() < acc:
                pred = gold if rng.random() < verbatim else _reformatted(gold)
            else:
                pred = rng.choice(wrong)
            items.append(ExecItem(ex["db_id"], gold, pred))
    return items


def load_official_exec_match(official: Path, lib: Path) -> Callable[..., int]:
    missing = [f for f in ("exec_eval.py", "parse.py") if not (official / f).is_file()]
    if missing:
        sys.exit(f"official evaluator files missing in {official}: {', '.join(missing)} "
                 "(see scripts/check_official_parity.py's docstring)")
    sys.path[:0] = [str(lib), str(official)]
    import exec_eval  # noqa: PLC0415 - loaded from --official at run time, never shipped

    return exec_eval.eval_exec_match


def official(eval_exec_match: Callable[..., int], items: list[ExecItem], db_root: Path) -> list[bool]:
    """The official check, one prediction at a time; an exception (empty prediction) counts as incorrect."""
    out = []
    for item in items:
        try:
            ok = eval_exec_match(str(db_root / item.db_id / f"{item.db_id}.sqlite"), item.pred_sql or "",
                                 item.gold_sql, plug_value=False, keep_distinct=False,
                                 progress_bar_for_each_datapoint=False) == 1
        except Exception:  # noqa: BLE001 - the official run would abort; the parity script counts it wrong
            ok = False
        out.append(ok)
    return out


def official_style(items: list[ExecItem], db_root: Path) -> list[bool]:
    """One prediction at a time, gold re-executed every time, plain connections, our comparison code."""
    verdicts = []
    for item in items:
        if not item.pred_sql:
            verdicts.append(False)
            continue
        gold = postprocess_for_exec(item.gold_sql)
        pred = postprocess_for_exec(item.pred_sql)
        ok = True
        for path in sorted((db_root / item.db_id).glob("*.sqlite")):
            conn = sqlite3.connect(path)
            conn.text_factory = lambda b: b.decode(errors="ignore")
            gold_rows = conn.execute(gold).fetchall()
            conn.close()
            conn = sqlite3.connect(path)
            conn.text_factory = lambda b: b.decode(errors="ignore")
            try:
                pred_rows = conn.execute(pred).fetchall()
                ok = results_match(gold_rows, pred_rows, order_matters=order_matters(gold))
            except (sqlite3.Error, sqlite3.Warning):
                ok = False
            finally:
                conn.close()
            if not ok:
                break
        verdicts.append(ok)
    return verdicts


def measure(scorers: dict[str, Callable[[], list[bool]]], repeats: int, n: int
            ) -> tuple[dict[str, float], dict[str, list[bool]]]:
    """Median seconds per scorer over ``repeats`` rounds (scorers interleaved in each round, so that load
    from other processes falls on all of them alike), printing each run with the load average; and the
    verdicts of the last round."""
    seconds: dict[str, list[float]] = {name: [] for name in scorers}
    verdicts: dict[str, list[bool]] = {}
    for r in range(repeats):
        for name, scorer in scorers.items():
            load = os.getloadavg()[0]
            t0 = time.perf_counter()
            verdicts[name] = scorer()
            seconds[name].append(time.perf_counter() - t0)
            print(f"  round {r + 1} {name:15s} {seconds[name][-1]:7.2f} s  {n / seconds[name][-1]:8.0f} "
                  f"predictions/s  (1-min load average {load:.2f})", flush=True)
    return {name: statistics.median(s) for name, s in seconds.items()}, verdicts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", nargs="?", type=Path, default=Path("/work/shared/data/spider-train"))
    parser.add_argument("--official", type=Path, default=Path("/tmp/official"),
                        help="folder with the official exec_eval.py and parse.py")
    parser.add_argument("--official-lib", type=Path, default=Path("/tmp/offlib"), help="folder with sqlparse")
    parser.add_argument("--questions", type=int, default=500)
    parser.add_argument("--accuracy", default="0.1,0.5,0.6,0.7",
                        help="comma-separated execution accuracy of each variant (base model, adapters)")
    parser.add_argument("--verbatim", type=float, default=0.8,
                        help="share of correct answers that repeat the gold text verbatim")
    parser.add_argument("--workers", type=int, default=None, help="process pool size (default: CPU count)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    questions = args.data / "train_spider.json"
    db_root = args.data / "database"
    if not questions.is_file() or not db_root.is_dir():
        sys.exit(f"Spider data not found in {args.data}: expected train_spider.json and database/ "
                 "(pass the data folder as the first argument)")
    accuracy = [float(a) for a in args.accuracy.split(",")]
    items = build_items(json.loads(questions.read_text()), args.questions, accuracy, args.verbatim, args.seed)
    eval_exec_match = load_official_exec_match(args.official, args.official_lib)
    n = len(items)
    distinct = len({(i.db_id, i.gold_sql, i.pred_sql) for i in items})
    print(f"predictions: {n} = {n // len(accuracy)} questions x {len(accuracy)} variants "
          f"(accuracy {accuracy}, verbatim {args.verbatim}); distinct (db, gold, prediction): {distinct}; "
          f"prediction == gold text: {sum(i.pred_sql == i.gold_sql for i in items)}; "
          f"no SQL: {sum(i.pred_sql is None for i in items)}; workers: {args.workers or os.cpu_count()}")

    ours_verdicts: list[ExecVerdict] = []

    def ours() -> list[bool]:
        ours_verdicts[:] = score_execution(items, db_root, workers=args.workers, timeout_s=60)
        return [v.verdict == "correct" for v in ours_verdicts]

    median, verdicts = measure({"ours": ours,
                                "official": lambda: official(eval_exec_match, items, db_root),
                                "official-style": lambda: official_style(items, db_root)}, args.repeats, n)
    print(f"medians over {args.repeats} rounds:")
    for name, s in median.items():
        print(f"  {name:15s} {s:7.2f} s  {n / s:8.0f} predictions/s")
    print(f"  speed-up vs official:       {median['official'] / median['ours']:6.1f}x")
    print(f"  speed-up vs official-style: {median['official-style'] / median['ours']:6.1f}x")
    agree_off = sum(a == b for a, b in zip(verdicts["ours"], verdicts["official"]))
    agree_style = sum(a == b for a, b in zip(verdicts["ours"], verdicts["official-style"]))
    print("  correct: " + ", ".join(f"{name} {sum(v)}" for name, v in verdicts.items()))
    print(f"  identical verdicts: vs official {agree_off}/{n}, vs official-style {agree_style}/{n}")
    print(f"  verdict mix (ours): {dict(Counter(v.verdict for v in ours_verdicts))}")
    if agree_off != n or agree_style != n:
        sys.exit("MISMATCH: verdicts differ")


if __name__ == "__main__":
    main()
