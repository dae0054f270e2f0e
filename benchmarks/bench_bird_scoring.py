"""Whole-process BIRD scoring time on a large database: `harness score bird` against the official
`evaluation_ex.py` (bird-bench/mini_dev) on the same prediction file, one run each, as a user runs them.

It builds a BIRD-layout folder with one synthetic database of ``--rows`` sales rows (about 30 bytes a row on
disk), ``--questions`` gold queries over it (full-table aggregates, joins, DISTINCT lists) and four predictions
per question (the gold, a rewording with the same result, a wrong answer, an error), and times both command
lines with ``--num_cpus`` = the machine's cores for the official script. EX totals must agree.

The official code is not shipped: pass a mini_dev checkout as ``--official`` and a folder holding
``func_timeout`` as ``--official-lib`` (``pip install --target /tmp/birdlib func_timeout``).

Usage: python benchmarks/bench_bird_scoring.py --official /path/to/mini_dev --official-lib /tmp/birdlib
"""
from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SEPARATOR = "\t----- bird -----\t"
# (gold, same result written differently, wrong result, error); {k} makes every question distinct
QUESTIONS = [
    ("SELECT region, SUM(amount) FROM sales JOIN stores ON sales.store_id = stores.id WHERE product_id > {k} GROUP BY region",
     "SELECT T2.region, SUM(T1.amount) FROM sales AS T1 INNER JOIN stores AS T2 ON T1.store_id = T2.id WHERE T1.product_id > {k} GROUP BY T2.region ORDER BY 1",
     "SELECT region, COUNT(*) FROM sales JOIN stores ON sales.store_id = stores.id WHERE product_id > {k} GROUP BY region",
     "SELECT region, SUM(amount) FROM sales JOIN store ON sales.store_id = store.id GROUP BY region"),
    ("SELECT DISTINCT category FROM sales JOIN products ON sales.product_id = products.id WHERE amount > {k} + 900",
     "SELECT category FROM sales JOIN products ON sales.product_id = products.id WHERE amount > {k} + 900",
     "SELECT DISTINCT category FROM sales JOIN products ON sales.product_id = products.id WHERE amount > {k} + 990",
     "SELECT DISTINCT categories FROM products WHERE id > {k}"),
    ("SELECT COUNT(*) FROM sales WHERE day BETWEEN '2020-01-01' AND date('2020-01-01', '+{k} days')",
     "SELECT COUNT(id) FROM sales WHERE day >= '2020-01-01' AND day <= date('2020-01-01', '+{k} days')",
     "SELECT COUNT(*) FROM sales WHERE day BETWEEN '2020-01-01' AND date('2020-01-02', '+{k} days')",
     "SELECT COUNT(*) FROM sales WHERE day BETWEN '2020-01-01' AND '2020-06-30'"),
    ("SELECT store_id, AVG(amount) FROM sales WHERE product_id <> {k} GROUP BY store_id ORDER BY AVG(amount) DESC LIMIT 5",
     "SELECT store_id, AVG(amount) AS a FROM sales WHERE product_id != {k} GROUP BY store_id ORDER BY a DESC LIMIT 5",
     "SELECT store_id, AVG(amount) FROM sales WHERE product_id <> {k} GROUP BY store_id ORDER BY AVG(amount) ASC LIMIT 5",
     "SELECT store_id, AVG(amount FROM sales GROUP BY store_id"),
    ("SELECT MAX(amount), MIN(amount) FROM sales WHERE product_id = {k}",
     "SELECT (SELECT MAX(amount) FROM sales WHERE product_id = {k}), (SELECT MIN(amount) FROM sales WHERE product_id = {k})",
     "SELECT MAX(amount), MIN(amount) FROM sales WHERE product_id = {k} + 1",
     "SELECT MAX(amount), MIN(amount) FROM sale WHERE product_id = {k}"),
]


def build(root: Path, rows: int, n_questions: int) -> None:
    db_dir = root / "dev_databases" / "big_sales"
    db_dir.mkdir(parents=True, exist_ok=True)
    db = db_dir / "big_sales.sqlite"
    if not db.exists():
        conn = sqlite3.connect(db)
        conn.executescript(f"""
            CREATE TABLE stores (id INTEGER PRIMARY KEY, region TEXT);
            CREATE TABLE products (id INTEGER PRIMARY KEY, category TEXT);
            CREATE TABLE sales (id INTEGER PRIMARY KEY, store_id INTEGER, product_id INTEGER, day TEXT, amount REAL);
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
              INSERT INTO stores SELECT i, 'region_' || (i % 12) FROM n;
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
              INSERT INTO products SELECT i, 'category_' || (i % 40) FROM n;
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {rows})
              INSERT INTO sales SELECT i, 1 + (i * 7919) % 200, 1 + (i * 104729) % 500,
                date('2019-01-01', '+' || ((i * 31) % 1000) || ' days'), ((i * 2654435761) % 100000) / 100.0 FROM n;
        """)
        conn.commit()
        conn.close()
    split, predictions = [], {}
    for q in range(n_questions):
        gold, *preds = (sql.format(k=10 + q) for sql in QUESTIONS[q % len(QUESTIONS)])
        for pred in [gold, *preds]:
            predictions[str(len(split))] = f"{pred}{SEPARATOR}big_sales"
            split.append({"question_id": len(split), "db_id": "big_sales", "question": f"question {q}",
                          "evidence": "", "SQL": gold,
                          # the official script divides by each difficulty's count: give it all three
                          "difficulty": ("simple", "moderate", "challenging")[q % 3]})
    (root / "dev.json").write_text(json.dumps(split))
    (root / "dev.jsonl").write_text("".join(json.dumps(r) + "\n" for r in split))
    (root / "dev_gold.sql").write_text("".join(f"{r['SQL']}\tbig_sales\n" for r in split))
    (root / "predictions.json").write_text(json.dumps(predictions, indent=2))


def timed(cmd: list[str], **kw) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if done.returncode:
        sys.exit(f"{' '.join(cmd)} failed:\n{done.stderr[-2000:]}")
    return time.perf_counter() - start, done.stdout


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--official", type=Path, required=True, help="mini_dev checkout, or its evaluation/ folder")
    ap.add_argument("--official-lib", type=Path, required=True, help="folder holding func_timeout")
    ap.add_argument("--rows", type=int, default=3_000_000)
    ap.add_argument("--questions", type=int, default=10, help="questions (4 predictions each)")
    ap.add_argument("--work", type=Path, help="folder for the data (kept; default: a temporary one)")
    args = ap.parse_args()
    evaluation = args.official / "evaluation" if (args.official / "evaluation").is_dir() else args.official
    work = args.work or Path(tempfile.mkdtemp(prefix="bird-bench-"))
    build(work, args.rows, args.questions)
    size = (work / "dev_databases" / "big_sales" / "big_sales.sqlite").stat().st_size
    n = 4 * args.questions
    cpus = os.cpu_count() or 1
    print(f"database: {args.rows:,} sales rows, {size / 2**20:.0f} MiB; {n} predictions; {cpus} cores")

    harness_cmd = [str(Path(sys.executable).with_name("harness")), "score", "bird", "--data", str(work),
                   "--predictions", str(work / "predictions.json"), "--out", str(work / "harness-run")]
    ours_s, _ = timed(harness_cmd)
    stubs = work / "stubs"
    stubs.mkdir(exist_ok=True)
    for name in ("psycopg2", "pymysql"):
        (stubs / f"{name}.py").write_text("")
    official_cmd = [sys.executable, "evaluation_ex.py", "--predicted_sql_path", str(work / "predictions.json"),
                    "--ground_truth_path", str(work / "dev_gold.sql"), "--db_root_path", f"{work / 'dev_databases'}/",
                    "--diff_json_path", str(work / "dev.jsonl"), "--num_cpus", str(cpus),
                    "--output_log_path", str(work / "official.log")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(args.official_lib), str(stubs)])}
    official_s, out = timed(official_cmd, cwd=evaluation, env=env)

    official_ex = float(next(ln for ln in out.splitlines() if ln.startswith("EX ")).split()[-1])
    summary = json.loads((work / "harness-run" / "summary.json").read_text())
    ours_ex = 100 * summary["metrics"]["execution_accuracy"]["value"]
    print(f"harness score bird:        {ours_s:7.1f} s  EX {ours_ex:.2f}")
    print(f"official evaluation_ex.py: {official_s:7.1f} s  EX {official_ex:.2f}")
    print(f"ratio official / harness: {official_s / ours_s:.2f}x (one run each, whole process)")
    print("command: " + " ".join(sys.argv))
    return 0 if f"{ours_ex:.2f}" == f"{official_ex:.2f}" else 1


if __name__ == "__main__":
    sys.exit(main())
