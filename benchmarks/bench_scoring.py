"""Scoring throughput: score_execution versus the official approach, on the same predictions.

The official approach (test-suite-sql-eval) handles one prediction at a time: post-process both queries,
execute the gold again, execute the prediction, compare. We reproduce that loop with our own
equivalence code (so only the scheduling differs) and check that both give identical verdicts.

Usage: python benchmarks/bench_scoring.py [DATA_DIR] [--n 2000] [--per-question 4] [--workers N]
DATA_DIR is a Spider-layout folder (train_spider.json, database/); default /work/shared/data/spider-train.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import sys
import time
from pathlib import Path

from harness.sql.equivalence import order_matters, postprocess_for_exec, results_match
from harness.sql.execution import ExecItem, score_execution


def build_items(data: list[dict], n: int, per_question: int, seed: int) -> list[ExecItem]:
    """``per_question`` predictions for each of n / per_question questions, as when a base model and
    adapters are scored on the same questions: the gold itself, another gold of the same database, the
    gold with ``LIMIT 3`` appended, the gold with DISTINCT added (cycled in that order)."""
    rng = random.Random(seed)
    by_db: dict[str, list[str]] = {}
    for ex in data:
        by_db.setdefault(ex["db_id"], []).append(ex["query"])
    questions = rng.sample(data, min(len(data), -(-n // per_question)))
    items = []
    for i in range(n):
        ex = questions[(i // per_question) % len(questions)]
        gold = ex["query"]
        pred = [gold, rng.choice(by_db[ex["db_id"]]), gold + " LIMIT 3",
                gold.replace("SELECT", "SELECT DISTINCT", 1)][(i % per_question) % 4]
        items.append(ExecItem(ex["db_id"], gold, pred))
    return items


def official_style(items: list[ExecItem], db_root: Path) -> list[bool]:
    """One prediction at a time, gold re-executed every time, plain connections (as the official code)."""
    verdicts = []
    for item in items:
        gold = postprocess_for_exec(item.gold_sql)
        pred = postprocess_for_exec(item.pred_sql or "")
        folder = db_root / item.db_id
        ok = True
        for path in sorted(folder.glob("*.sqlite")):
            conn = sqlite3.connect(path)
            conn.text_factory = lambda b: b.decode(errors="ignore")
            gold_rows = conn.execute(gold).fetchall()
            conn.close()
            conn = sqlite3.connect(path)
            conn.text_factory = lambda b: b.decode(errors="ignore")
            try:
                pred_rows = conn.execute(pred).fetchall()
            except (sqlite3.Error, sqlite3.Warning):
                ok = False
            finally:
                conn.close()
            if not ok or not results_match(gold_rows, pred_rows, order_matters=order_matters(gold)):
                ok = False
                break
        verdicts.append(ok)
    return verdicts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", nargs="?", type=Path, default=Path("/work/shared/data/spider-train"))
    parser.add_argument("--n", type=int, default=2000, help="number of predictions (>= 1000 recommended)")
    parser.add_argument("--per-question", type=int, default=4, help="predictions per question (models compared)")
    parser.add_argument("--workers", type=int, default=None, help="process pool size (default: CPU count)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    questions = args.data / "train_spider.json"
    if not questions.is_file() or not (args.data / "database").is_dir():
        sys.exit(f"Spider data not found in {args.data}: expected train_spider.json and database/ "
                 "(pass the data folder as the first argument)")
    items = build_items(json.loads(questions.read_text()), args.n, args.per_question, args.seed)
    workers = args.workers or os.cpu_count() or 1

    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    ours = score_execution(items, args.data / "database", workers=workers)
    t1 = time.perf_counter()
    official = official_style(items, args.data / "database")
    t2 = time.perf_counter()

    ours_ok = [v.verdict == "correct" for v in ours]
    same = sum(a == b for a, b in zip(ours_ok, official))
    print(f"predictions: {len(items)} ({sum(ours_ok)} correct), distinct gold queries: "
          f"{len({(i.db_id, i.gold_sql) for i in items})}, workers: {workers}, "
          f"1-min load average before: {load:.1f}")
    print(f"score_execution:          {t1 - t0:7.2f} s  {len(items) / (t1 - t0):8.0f} predictions/s")
    print(f"official approach:        {t2 - t1:7.2f} s  {len(items) / (t2 - t1):8.0f} predictions/s")
    print(f"speed-up:                 {(t2 - t1) / (t1 - t0):7.2f}x")
    print(f"identical verdicts:       {same}/{len(items)}" + ("" if same == len(items) else "  MISMATCH"))
    if same != len(items):
        sys.exit(1)


if __name__ == "__main__":
    main()
