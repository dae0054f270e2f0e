"""Hostile predictions at a real time limit: how far past its limit does each expensive query run, and how
much memory does a worker reach? (Issue 13; the fast version is tests/test_adversarial.py.)

Each query of the expensive suite runs alone through ``score_execution`` (a worker process is started,
runs it, is stopped or finishes), timed from outside; the overrun is that wall time over ``--timeout``.
Then the whole hostile suite (tests/hostile_sql.py, every category, on every database of the mini Spider)
runs as one scoring batch. Peak RSS is the largest resident set of any worker (``RUSAGE_CHILDREN``) and
of this process.

Usage: python benchmarks/bench_hostile.py [--timeout 2] [--data SPIDER_DIR]   (default: the shipped mini Spider)
"""
from __future__ import annotations

import argparse
import resource
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from hostile_sql import hostile  # noqa: E402

from harness.benchmarks.spider import SpiderBenchmark  # noqa: E402
from harness.sql.execution import ExecItem, score_execution  # noqa: E402
from harness.types import Example  # noqa: E402

EXPENSIVE = (
    "SELECT length(printf('%.*c', 999999999, 'x'))",
    "SELECT randomblob(1e9)",
    "SELECT zeroblob(1e9) FROM {t}",
    "SELECT length(randomblob(1e8)) FROM {t}",
    "SELECT length(randomblob(1e8)) FROM (SELECT 1 FROM {t} a, {t} b LIMIT 20)",
    "SELECT sum(length(printf('%.*c', 300000000, 'y'))) FROM {t}",
    "SELECT hex(zeroblob(5e8))",
    "SELECT replace(printf('%.*c', 9000000, 'x'), 'x', 'xx')",
    "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n",
    "WITH RECURSIVE s(x) AS (SELECT 'a' UNION ALL SELECT x || x FROM s) SELECT length(x) FROM s",
    "SELECT count(*) FROM {t} a, {t} b, {t} c, {t} d, {t} e, {t} f, {t} g, {t} h",
    "SELECT * FROM {t} a, {t} b, {t} c, {t} d, {t} e ORDER BY random() LIMIT 1",
    "SELECT group_concat(hex(randomblob(1000000))) FROM {t} a, {t} b, {t} c",
)


def first_table(db: Path) -> tuple[str, str]:
    conn = sqlite3.connect(db)
    table = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid").fetchone()[0]
    column = conn.execute(f'PRAGMA table_info("{table}")').fetchone()[1]
    conn.close()
    return table, column


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--timeout", type=float, default=2.0)
    ap.add_argument("--data", type=Path)
    args = ap.parse_args()
    bench = SpiderBenchmark(args.data, "dev", timeout_s=args.timeout, sql_only=True)
    db_dir = bench.db_dir
    golds: dict[str, str] = {}
    for example in bench.examples():
        golds.setdefault(example.inputs["db_id"], example.target)
    db_id = sorted(golds)[0]
    table, _ = first_table(db_dir / db_id / f"{db_id}.sqlite")

    print(f"timeout_s={args.timeout:g}, database {db_id}, table {table}")
    print(f"{'seconds':>8} {'x limit':>8}  {'verdict':<15} query")
    worst = 0.0
    for sql in EXPENSIVE:
        sql = sql.format(t=table)
        start = time.monotonic()
        [verdict] = score_execution([ExecItem(db_id, golds[db_id], sql)], db_dir, timeout_s=args.timeout)
        elapsed = time.monotonic() - start
        worst = max(worst, elapsed / args.timeout)
        print(f"{elapsed:8.2f} {elapsed / args.timeout:8.2f}  {verdict.verdict:<15} {sql[:90]}")
    print(f"worst overrun: {worst:.2f}x the limit (goal < 1.5x)")

    with tempfile.TemporaryDirectory() as outside:
        examples, outputs = [], []
        for k, db in enumerate(sorted(golds)):
            t, c = first_table(db_dir / db / f"{db}.sqlite")
            for category, sql in hostile(t, c, Path(outside), slow=k == 0):
                examples.append(Example(len(examples), {"db_id": db, "question": category}, golds[db], {"db_id": db}))
                outputs.append(sql)
        start = time.monotonic()
        records = bench.score(examples, outputs)
        elapsed = time.monotonic() - start
    counts = Counter(r.verdict for r in records)
    print(f"hostile suite: {len(records)} predictions in {elapsed:.1f} s; verdicts: "
          + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"peak RSS: worker {kib / 1024:.0f} MiB, parent "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    print("command: python " + " ".join(sys.argv))


if __name__ == "__main__":
    main()
