"""Hostile predictions at a real time limit: how far past its limit does each expensive query run, and how
much memory does a worker reach? (Issue 13; the fast version is tests/test_adversarial.py.)

1. Each query of the expensive suite runs alone through ``score_execution`` (a worker process is started,
   runs it, is stopped or finishes), ``--repeats`` times, timed from outside; its overrun is that wall time
   over ``--timeout``, worker start included. The worst ratio is the figure to report (goal: under 1.5x).
2. The whole hostile suite (tests/hostile_sql.py: every category on every database of the mini Spider, as
   SQL and as model text) runs as one scoring batch: every prediction must get a verdict, and the database
   files must stay byte-identical. The runaway queries (each ends only at its deadline) run on the first
   ``--slow-databases`` databases.

Peak RSS is the largest resident set of any worker (``RUSAGE_CHILDREN``) and of this process. The output
starts with the command, the machine's core count and load, so a figure carries its conditions.

Size: 5 of the 13 expensive queries and about 40 predictions of the suite run to their deadline, so the
defaults (timeout 2, repeats 3, 1 slow database) take about 2 minutes on 2 cores; each further slow database
adds about 16 runaway predictions. ``--repeats 1 --timeout 0.25`` is a 15-second smoke run (12 s measured).

Usage: python benchmarks/bench_hostile.py [--timeout 2] [--repeats 3] [--slow-databases 1] [--data SPIDER_DIR]
"""
from __future__ import annotations

import argparse
import logging
import os
import resource
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from hostile_sql import as_model_outputs, first_table_column, hostile, score_cases, snapshot  # noqa: E402

from harness.benchmarks.spider import SpiderBenchmark  # noqa: E402
from harness.sql.execution import ExecItem, score_execution  # noqa: E402

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


def single_queries(db_dir: Path, db_id: str, gold: str, timeout: float, repeats: int) -> float:
    """Part 1: each expensive query alone, `repeats` times; prints a row per query, returns the worst ratio."""
    table, _ = first_table_column(db_dir / db_id / f"{db_id}.sqlite")
    print(f"\n1. each expensive query alone, {repeats}x, on {db_id} (table {table})")
    print(f"{'worst s':>8} {'median s':>8} {'x limit':>8}  {'verdicts':<22} query")
    worst = 0.0
    for sql in EXPENSIVE:
        sql = sql.format(t=table)
        times, verdicts = [], Counter()
        for _ in range(repeats):
            start = time.monotonic()
            [verdict] = score_execution([ExecItem(db_id, gold, sql)], db_dir, timeout_s=timeout)
            times.append(time.monotonic() - start)
            verdicts[verdict.verdict] += 1
        worst = max(worst, max(times) / timeout)
        shown = ", ".join(f"{k} {v}" for k, v in sorted(verdicts.items()))
        print(f"{max(times):8.2f} {statistics.median(times):8.2f} {max(times) / timeout:8.2f}  {shown:<22} {sql[:80]}",
              flush=True)
    return worst


def whole_suite(bench: SpiderBenchmark, golds: dict[str, str], slow_databases: int) -> None:
    """Part 2: the hostile suite on every database, as SQL and as model text, in one scoring batch each."""
    db_dir = bench.db_dir
    before = snapshot(db_dir)
    with tempfile.TemporaryDirectory() as outside:
        cases = []  # (db_id, category, output, sql_only)
        for k, db_id in enumerate(sorted(golds)):
            t, c = first_table_column(db_dir / db_id / f"{db_id}.sqlite")
            pairs = hostile(t, c, Path(outside), slow=k < slow_databases)
            cases += [(db_id, category, sql, True) for category, sql in pairs]
            cases += [(db_id, category, text, False) for category, text in as_model_outputs(pairs)]
        print(f"\n2. the hostile suite: {len(cases)} predictions on {len(golds)} databases "
              f"(runaway queries on {min(slow_databases, len(golds))})", flush=True)
        start = time.monotonic()
        records = score_cases(bench, cases, golds)
        elapsed = time.monotonic() - start
        created = sorted(p.name for p in Path(outside).iterdir())
    counts = Counter(r.verdict for r in records)
    print(f"{len(records)} verdicts for {len(cases)} predictions in {elapsed:.1f} s: "
          + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    print(f"database files byte-identical: {'yes' if snapshot(db_dir) == before else 'NO'}; "
          f"files created outside: {', '.join(created) or 'none'}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--timeout", type=float, default=2.0, help="per-query limit in seconds (-O timeout_s)")
    ap.add_argument("--repeats", type=int, default=3, help="runs of each expensive query; the worst counts")
    ap.add_argument("--slow-databases", type=int, default=1,
                    help="databases whose hostile suite includes the runaway queries (0 = none)")
    ap.add_argument("--data", type=Path, help="a Spider-layout folder (default: the shipped mini Spider)")
    args = ap.parse_args()
    logging.getLogger("sqlglot").setLevel(logging.ERROR)  # hostile statements make it warn about each one
    print("command: python " + " ".join(sys.argv))
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, load average {load}; timeout_s={args.timeout:g}")

    bench = SpiderBenchmark(args.data, "dev", timeout_s=args.timeout, sql_only=True)
    golds: dict[str, str] = {}
    for example in bench.examples():
        golds.setdefault(example.inputs["db_id"], example.target)
    first = sorted(golds)[0]
    worst = single_queries(bench.db_dir, first, golds[first], args.timeout, args.repeats)
    whole_suite(bench, golds, args.slow_databases)

    kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"\nworst overrun: {worst:.2f}x the limit of {args.timeout:g} s (goal < 1.5x)")
    print(f"peak RSS: worker {kib / 1024:.0f} MiB, parent {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
