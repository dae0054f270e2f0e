"""Whole-process scoring speed: ``harness score spider`` against the official ``evaluation.py --etype exec``.

Both commands run as a user runs them, as separate processes on the same prediction file, and every
per-example verdict must agree. The official code (taoyds/test-suite-sql-eval: ``evaluation.py``,
``exec_eval.py``, ``process_sql.py``, ``parse.py``) is not shipped: pass a checkout as ``--official``, and a
folder holding ``sqlparse`` as ``--official-lib`` (``pip install --target /tmp/offlib sqlparse``; nltk and
tqdm come from this environment). It runs under a small launcher that (1) makes nltk's ``word_tokenize``
split without the punkt model, which cannot be downloaded here (``preserve_line=True``, the same tokens
for one-line SQL), and (2) records each ``eval_exec_match`` result for the comparison; neither changes
its work.

Data: ``--n`` questions (default 1,034, the size of Spider dev) drawn from a Spider-layout folder (default
the Spider train databases; back-quoted names unquoted), skipping gold queries the official parser cannot read (it would abort). Per
question one prediction: the gold verbatim (45%), the gold reformatted by sqlglot (15%), a perturbation
(DISTINCT toggled, LIMIT changed, ORDER BY flipped, WHERE dropped; 15%), another question's gold on the
same database (15%), or a syntax error (10%). ``--copies K`` adds K perturbed copies of every database
(about 30% of each table's rows deleted), the test-suite layout where a prediction must match on every file.

Each command runs ``--repeats`` times; harness first with an empty cache (cold: gold hardness, normalisation,
results and the gold audit computed), then warm (the same data scored before: only predictions run). Wall
times are medians. The table also gives harness's start-up: ``harness score --help``.

Usage: python benchmarks/bench_score_cli.py --official DIR --official-lib DIR [--data DIR] [--n 1034]
       [--copies 0] [--repeats 3] [--work /tmp/bench-score-cli]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlglot

_LAUNCHER = """
import json, runpy, sys
sys.path[:0] = [{lib!r}, {official!r}]
import nltk, process_sql, exec_eval
process_sql.word_tokenize = lambda s: nltk.word_tokenize(s, preserve_line=True)
results, real = [], exec_eval.eval_exec_match
def recorded(*args, **kwargs):
    results.append(int(real(*args, **kwargs)))
    return results[-1]
exec_eval.eval_exec_match = recorded
sys.argv = [{evaluation!r}, *sys.argv[1:]]
try:
    runpy.run_path({evaluation!r}, run_name="__main__")
finally:
    with open({out!r}, "w") as fh:
        json.dump(results, fh)
"""


def official_parses(official: Path, lib: Path, rows: list[dict], db_dir: Path) -> list[bool]:
    """Whether the official parser reads each gold query (in a child process: it needs its own sys.path)."""
    code = f"""
import json, sys
sys.path[:0] = [{str(lib)!r}, {str(official)!r}]
import nltk, process_sql
process_sql.word_tokenize = lambda s: nltk.word_tokenize(s, preserve_line=True)
rows, schemas, ok = json.load(sys.stdin), {{}}, []
for r in rows:
    db = r["db_id"]
    if db not in schemas:
        schemas[db] = process_sql.Schema(process_sql.get_schema({str(db_dir)!r} + "/" + db + "/" + db + ".sqlite"))
    try:
        process_sql.get_sql(schemas[db], r["query"]); ok.append(True)
    except Exception:
        ok.append(False)
print(json.dumps(ok))
"""
    out = subprocess.run([sys.executable, "-c", code], input=json.dumps(rows), capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout)


def perturb(gold: str, rng: random.Random) -> str:
    options = []
    if re.search(r"\bdistinct\b", gold, re.I):
        options.append(re.sub(r"\bdistinct\s+", "", gold, count=1, flags=re.I))
    else:
        options.append(re.sub(r"^select\s+", "SELECT DISTINCT ", gold, count=1, flags=re.I))
    if re.search(r"\blimit\s+\d+", gold, re.I):
        options.append(re.sub(r"\blimit\s+(\d+)", lambda m: f"LIMIT {int(m.group(1)) + 1}", gold, flags=re.I))
    if re.search(r"\border by\b.*\bdesc\b", gold, re.I):
        options.append(re.sub(r"\bdesc\b", "ASC", gold, flags=re.I))
    elif re.search(r"\border by\b", gold, re.I):
        options.append(gold + " DESC" if not re.search(r"\blimit\b", gold, re.I) else gold)
    where = re.search(r"\bwhere\b.*?(?=\bgroup by\b|\border by\b|\blimit\b|$)", gold, re.I | re.S)
    if where and "(" not in where.group(0):
        options.append((gold[:where.start()] + gold[where.end():]).strip())
    return rng.choice(options)


def reformatted(gold: str) -> str:
    try:
        return sqlglot.transpile(gold, read="sqlite", write="sqlite")[0]
    except sqlglot.errors.SqlglotError:
        return gold


def build(work: Path, data: Path, official: Path, lib: Path, n: int, copies: int, seed: int) -> Path:
    """A Spider-layout folder with dev.json, database/, gold.txt and pred.txt (official format)."""
    rng = random.Random(seed)
    rows = json.loads((data / "train_spider.json").read_text())
    rng.shuffle(rows)
    rows = rows[: n + 200]
    for row in rows:  # these files' gold is MySQL-style back-quoted, which the official parser cannot read
        row["query"] = re.sub(r"`([A-Za-z_][A-Za-z0-9_]*)`", r"\1", row["query"])
    rows = [r for r, ok in zip(rows, official_parses(official, lib, rows, data / "database")) if ok][:n]
    if work.exists():
        shutil.rmtree(work)
    (work / "database").mkdir(parents=True)
    for db in sorted({r["db_id"] for r in rows}):
        src = data / "database" / db / f"{db}.sqlite"
        (work / "database" / db).mkdir()
        if copies:
            shutil.copy(src, work / "database" / db / f"{db}.sqlite")
            for k in range(copies):
                copy = work / "database" / db / f"{db}_{k}.sqlite"
                shutil.copy(src, copy)
                conn = sqlite3.connect(copy)
                tables = [t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
                for table in tables:
                    conn.execute(f'DELETE FROM "{table}" WHERE abs(random()) % 10 < 3')
                conn.commit()
                conn.close()
        else:
            (work / "database" / db / f"{db}.sqlite").symlink_to(src)
    shutil.copy(data / "tables.json", work / "tables.json")
    (work / "dev.json").write_text(json.dumps(rows))
    by_db: dict[str, list[str]] = {}
    for r in rows:
        by_db.setdefault(r["db_id"], []).append(r["query"])
    preds = []
    for r in rows:
        gold, draw = r["query"], rng.random()
        others = [q for q in by_db[r["db_id"]] if q != gold]
        if draw < 0.45:
            pred = gold
        elif draw < 0.60:
            pred = reformatted(gold)
        elif draw < 0.75:
            pred = perturb(gold, rng)
        elif draw < 0.90 and others:
            pred = rng.choice(others)
        else:
            pred = gold.replace("SELECT", "SELEC", 1).replace("select", "selec", 1)
        preds.append(" ".join(pred.split()))
    (work / "gold.txt").write_text("".join(f"{' '.join(r['query'].split())}\t{r['db_id']}\n" for r in rows))
    (work / "pred.txt").write_text("".join(p + "\n" for p in preds))
    return work


def timed(cmd: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--official", type=Path, required=True)
    ap.add_argument("--official-lib", type=Path, required=True)
    ap.add_argument("--data", type=Path, default=Path("/work/shared/data/spider-train"))
    ap.add_argument("--n", type=int, default=1034)
    ap.add_argument("--copies", type=int, default=0)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "bench-score-cli")
    args = ap.parse_args()

    work = build(args.work, args.data, args.official, args.official_lib, args.n, args.copies, args.seed)
    launcher = work / "official_launcher.py"
    verdict_file = work / "official_verdicts.json"
    launcher.write_text(_LAUNCHER.format(lib=str(args.official_lib), official=str(args.official),
                                         evaluation=str(args.official / "evaluation.py"), out=str(verdict_file)))
    official_cmd = [sys.executable, str(launcher), "--gold", str(work / "gold.txt"), "--pred",
                    str(work / "pred.txt"), "--db", str(work / "database"), "--table", str(work / "tables.json"),
                    "--etype", "exec"]
    harness_bin = str(Path(sys.executable).with_name("harness"))
    ours_cmd = [harness_bin, "score", "spider", "--data", str(work), "--split", "dev",
                "--predictions", str(work / "pred.txt"), "-O", "value_placeholder=true", "--out", str(work / "run")]

    official_s, cold_s, warm_s, help_s = [], [], [], []
    for _ in range(args.repeats):
        help_s.append(timed([harness_bin, "score", "--help"]))
        official_s.append(timed(official_cmd))
        with tempfile.TemporaryDirectory() as cache:
            cold_s.append(timed(ours_cmd, env={**os.environ, "HARNESS_CACHE_DIR": cache}))
            shutil.rmtree(work / "run")
            timed(ours_cmd, env={**os.environ, "HARNESS_CACHE_DIR": cache})  # fills nothing new: warm-up
            shutil.rmtree(work / "run")
            warm_s.append(timed(ours_cmd, env={**os.environ, "HARNESS_CACHE_DIR": cache}))
        records = [json.loads(line) for line in (work / "run" / "records.jsonl").read_text().splitlines()]
        shutil.rmtree(work / "run")

    official = json.loads(verdict_file.read_text())
    ours = [int(r["scores"]["execution_accuracy"]) for r in records]
    agree = sum(a == b for a, b in zip(official, ours))
    print(f"predictions: {len(ours)} ({sum(ours)} correct), database files per db_id: {1 + args.copies}, "
          f"cores: {os.cpu_count()}")
    print(f"verdicts identical: {agree}/{len(ours)}" + ("" if agree == len(ours) == len(official) else "  MISMATCH"))
    med = statistics.median
    print(f"{'command':<36} {'wall s (median of ' + str(args.repeats) + ')':>26}  vs official")
    print(f"{'official evaluation.py --etype exec':<36} {med(official_s):>26.2f}  1.0x")
    print(f"{'harness score spider (cold cache)':<36} {med(cold_s):>26.2f}  {med(official_s) / med(cold_s):.1f}x")
    print(f"{'harness score spider (warm cache)':<36} {med(warm_s):>26.2f}  {med(official_s) / med(warm_s):.1f}x")
    print(f"{'harness score --help (start-up)':<36} {med(help_s):>26.2f}")
    print("commands:\n  " + " ".join(official_cmd) + "\n  " + " ".join(ours_cmd))
    print("  (" + " ".join(sys.argv) + ")")


if __name__ == "__main__":
    main()
