"""Check `harness score bird` against BIRD's official scripts, example by example (dev script, not shipped).

The official code is NOT part of this project. Pass a local checkout of bird-bench/mini_dev (or its
``evaluation/`` folder) as ``--official``; its one dependency, ``func_timeout``, goes in ``--official-lib``
(``pip install --target /tmp/birdlib func_timeout``). ``evaluation_utils.py`` imports ``psycopg2`` and
``pymysql`` for the other dialects; empty stand-ins are put on the path, since SQLite never uses them.

From every question of ``--data`` (default: the shipped mini BIRD) it makes predictions that mix right and
wrong answers, including the cases that set-versus-bag, duplicate rows and row order decide (gold, DISTINCT
toggled, every row doubled, rows reordered, LIMIT 1, WHERE dropped, columns swapped, another question's gold,
an empty result, syntax errors, empty output, and one query that times out), and writes them in the official
layout (a dev.json with one row per prediction, ``dev_gold.sql``, the JSONL difficulty file, the prediction
JSON). Then it runs:

1. ``harness score bird`` on that prediction JSON, as a user does (one process);
2. the official ``evaluation_ex.py`` and ``evaluation_f1.py`` command lines on the same files (their totals);
3. the official ``execute_model`` of both scripts on each prediction in this process (per-example values);

and prints how many examples agree on EX and on Soft-F1, per kind of prediction, and any that differ. Last,
it compares the official Soft-F1 and R-VES time-ratio formulas with ours on 20,000 random inputs.

Usage: python scripts/check_bird_parity.py --official /path/to/mini_dev --official-lib /tmp/birdlib
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import types
from collections import defaultdict
from pathlib import Path

import sqlglot
from sqlglot import exp

SEPARATOR = "\t----- bird -----\t"
SLOW = ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10000000) "
        "SELECT count(*) FROM c")


def _edit(gold: str, change) -> str | None:
    try:
        tree = sqlglot.parse_one(gold, read="sqlite")
    except sqlglot.errors.SqlglotError:
        return None
    select = tree if isinstance(tree, exp.Select) else None
    if select is None or change(select) is False:
        return None
    return tree.sql(dialect="sqlite")


def _drop_where(s: exp.Select):
    if not s.args.get("where"):
        return False
    s.set("where", None)


def _swap_columns(s: exp.Select):
    if len(s.expressions) < 2:
        return False
    s.set("expressions", list(s.expressions)[::-1])


def variants(gold: str, other_gold: str) -> dict[str, str | None]:
    distinct = re.search(r"\bSELECT\s+DISTINCT\b", gold, re.IGNORECASE)
    return {
        "gold": gold,
        "distinct_toggled": (re.sub(r"\bDISTINCT\s+", "", gold, count=1, flags=re.IGNORECASE) if distinct
                             else re.sub(r"\bSELECT\b", "SELECT DISTINCT", gold, count=1, flags=re.IGNORECASE)),
        "rows_doubled": f"SELECT * FROM ({gold}) UNION ALL SELECT * FROM ({gold})",
        "rows_reordered": f"SELECT * FROM ({gold}) ORDER BY 1 DESC",
        "limit_1": f"SELECT * FROM ({gold}) LIMIT 1",
        "where_dropped": _edit(gold, _drop_where),
        "columns_swapped": _edit(gold, _swap_columns),
        "other_gold": other_gold,
        "empty_result": f"SELECT * FROM ({gold}) WHERE 0",
        "syntax_error": gold.replace("SELECT", "SELEC", 1),
        "no_such_column": gold.replace("SELECT ", "SELECT nope_col, ", 1),
        "empty_output": "",
    }


def make_layout(data: Path, work: Path) -> list[tuple[str, dict]]:
    """Write the expanded split (one row per prediction) and the official files; return (kind, row) pairs."""
    rows = json.loads((data / "dev.json").read_text(encoding="utf-8"))
    out: list[tuple[str, dict, str]] = []
    for i, row in enumerate(rows):
        others = [r["SQL"] for r in rows if r["db_id"] == row["db_id"] and r["SQL"] != row["SQL"]]
        for kind, pred in variants(row["SQL"], others[i % len(others)]).items():
            if pred is not None:
                out.append((kind, row, pred))
    out.append(("timeout", rows[0], SLOW))
    split = [{**row, "question_id": n} for n, (_, row, _) in enumerate(out)]
    work.mkdir(parents=True, exist_ok=True)
    (work / "dev.json").write_text(json.dumps(split, indent=1))
    (work / "dev.jsonl").write_text("".join(json.dumps(r) + "\n" for r in split))
    (work / "dev_gold.sql").write_text("".join(f"{r['SQL']}\t{r['db_id']}\n" for r in split))
    link = work / "dev_databases"
    if not link.exists():
        link.symlink_to((data / "dev_databases").resolve())
    predictions = {str(n): f"{pred}{SEPARATOR}{row['db_id']}" for n, (_, row, pred) in enumerate(out)}
    (work / "predictions.json").write_text(json.dumps(predictions, indent=4))
    return [(kind, {**row, "prediction": pred}) for kind, row, pred in out]


def stub_dir(work: Path) -> Path:
    stubs = work / "stubs"
    stubs.mkdir(exist_ok=True)
    for name in ("psycopg2", "pymysql"):
        (stubs / f"{name}.py").write_text("# stand-in: only the SQLite dialect is used\n")
    return stubs


def official_totals(evaluation: Path, lib: Path, work: Path, timeout_s: float) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(lib), str(stub_dir(work))])}
    totals = {}
    for script, metric in (("evaluation_ex.py", "EX"), ("evaluation_f1.py", "Soft-F1")):
        cmd = [sys.executable, script, "--predicted_sql_path", str(work / "predictions.json"),
               "--ground_truth_path", str(work / "dev_gold.sql"), "--db_root_path", f"{work / 'dev_databases'}/",
               "--diff_json_path", str(work / "dev.jsonl"), "--num_cpus", "2", "--meta_time_out", str(timeout_s),
               "--output_log_path", str(work / f"{metric}.log")]
        done = subprocess.run(cmd, cwd=evaluation, env=env, capture_output=True, text=True, check=True)
        line = next(ln for ln in done.stdout.splitlines() if ln.startswith(metric + " "))
        totals[metric] = float(line.split()[-1])
    return totals


def official_per_example(evaluation: Path, lib: Path, work: Path, cases: list[tuple[str, dict]],
                         timeout_s: float) -> list[tuple[int, float]]:
    sys.modules.setdefault("psycopg2", types.ModuleType("psycopg2"))
    sys.modules.setdefault("pymysql", types.ModuleType("pymysql"))
    sys.path[:0] = [str(lib), str(evaluation)]
    import evaluation_ex
    import evaluation_f1
    import evaluation_ves  # noqa: F401 - for fuzz_formulas

    out = []
    for i, (_, row) in enumerate(cases):
        db = f"{work / 'dev_databases'}/{row['db_id']}/{row['db_id']}.sqlite"
        ex = evaluation_ex.execute_model(row["prediction"], row["SQL"], db, i, timeout_s, "SQLite")["res"]
        f1 = evaluation_f1.execute_model(row["prediction"], row["SQL"], db, i, timeout_s, "SQLite")["res"]
        out.append((ex, f1))
    return out


def fuzz_formulas(n: int, seed: int = 0) -> tuple[int, int]:
    """Official ``calculate_f1_score`` and ``clean_abnormal`` + mean against ours on random inputs: result rows
    mixing ints, floats, strings and NULLs, widths 1-3, repeats; timing ratios with outliers. Needs the official
    modules imported (``official_per_example`` does that)."""
    import random

    import evaluation_f1
    import evaluation_ves

    from harness.metrics.bird import soft_f1, time_ratio

    rng = random.Random(seed)
    values = [None, 0, 1, 1.0, 2, 2.5, "a", "b", "A", ""]
    f1_same = ratio_same = 0
    for _ in range(n):
        width = rng.randint(1, 3)
        gold = [tuple(rng.choice(values) for _ in range(width)) for _ in range(rng.randint(0, 5))]
        pred = [tuple(rng.choice(values) for _ in range(rng.choice([width, width, 1, 2]))) for _ in range(rng.randint(0, 5))]
        f1_same += abs(evaluation_f1.calculate_f1_score(pred, gold) - soft_f1(gold, pred)) < 1e-12
        times = [rng.uniform(0.001, 0.01) * (100 if rng.random() < 0.05 else 1) for _ in range(2 * rng.randint(2, 30))]
        gold_t, pred_t = times[::2], times[1::2]
        kept = evaluation_ves.clean_abnormal([g / p for g, p in zip(gold_t, pred_t)])
        official_ratio = sum(kept) / len(kept) if kept else 0.0
        ratio_same += bool(abs(official_ratio - time_ratio(gold_t, pred_t)) < 1e-9)
    return f1_same, ratio_same


def ours(work: Path, timeout_s: float) -> list[dict]:
    out = work / "harness-run"
    subprocess.run([str(Path(sys.executable).with_name("harness")), "score", "bird", "--data", str(work), "--predictions",
                    str(work / "predictions.json"), "--out", str(out), "-O", f"timeout_s={timeout_s}"],
                   check=True, capture_output=True, text=True)
    return [json.loads(line) for line in (out / "records.jsonl").read_text().splitlines()]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--official", type=Path, required=True, help="mini_dev checkout, or its evaluation/ folder")
    ap.add_argument("--official-lib", type=Path, required=True, help="folder holding func_timeout")
    ap.add_argument("--data", type=Path, help="BIRD-layout folder (default: the shipped mini BIRD)")
    ap.add_argument("--work", type=Path, help="working folder (default: a temporary one)")
    ap.add_argument("--timeout", type=float, default=2.0, help="seconds per example, both sides (official: 30)")
    args = ap.parse_args()
    evaluation = args.official / "evaluation" if (args.official / "evaluation").is_dir() else args.official
    if not (evaluation / "evaluation_ex.py").is_file():
        sys.exit(f"{evaluation}: no evaluation_ex.py (pass a bird-bench/mini_dev checkout)")
    if args.data is None:
        from harness.benchmarks.bird_mini import ensure_built
        args.data = ensure_built()
    work = args.work or Path(tempfile.mkdtemp(prefix="bird-parity-"))
    cases = make_layout(args.data, work)
    print(f"{len(cases)} predictions over {len({c[1]['question'] for c in cases})} questions; work folder {work}")

    start = time.perf_counter()
    records = ours(work, args.timeout)
    print(f"harness score bird: {time.perf_counter() - start:.1f}s")
    start = time.perf_counter()
    totals = official_totals(evaluation, args.official_lib, work, args.timeout)
    print(f"official evaluation_ex.py + evaluation_f1.py: {time.perf_counter() - start:.1f}s")
    official = official_per_example(evaluation, args.official_lib, work, cases, args.timeout)

    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # n, EX agree, F1 agree, official EX right
    differ = []
    for (kind, row), record, (ex, f1) in zip(cases, records, official, strict=True):
        ours_ex, ours_f1 = int(record["correct"]), record["scores"]["soft_f1"]
        tally = by_kind[kind]
        tally[0] += 1
        tally[1] += ours_ex == ex
        tally[2] += abs(ours_f1 - f1) < 1e-12
        tally[3] += ex
        if ours_ex != ex or abs(ours_f1 - f1) >= 1e-12:
            differ.append(f"  {kind} #{record['index']}: harness EX {ours_ex} F1 {ours_f1:.6f} ({record['verdict']}) "
                          f"official EX {ex} F1 {f1:.6f}: {row['prediction'][:100]}")
    print(f"\n{'kind':18} {'n':>4} {'EX agree':>9} {'F1 agree':>9} {'official EX=1':>14}")
    for kind, (n, ex_ok, f1_ok, right) in by_kind.items():
        print(f"{kind:18} {n:4d} {ex_ok:9d} {f1_ok:9d} {right:14d}")
    n = len(cases)
    ex_agree = sum(t[1] for t in by_kind.values())
    f1_agree = sum(t[2] for t in by_kind.values())
    print(f"\nper example: EX {ex_agree}/{n} identical, Soft-F1 {f1_agree}/{n} identical (|diff| < 1e-12)")
    ours_ex = 100 * sum(r["correct"] for r in records) / n
    ours_f1 = 100 * sum(r["scores"]["soft_f1"] for r in records) / n
    print(f"totals: EX harness {ours_ex:.2f} official {totals['EX']:.2f}; "
          f"Soft-F1 harness {ours_f1:.2f} official {totals['Soft-F1']:.2f}")
    print("\n".join(differ[:30]))
    n_fuzz = 20_000
    f1_same, ratio_same = fuzz_formulas(n_fuzz)
    print(f"formulas on {n_fuzz:,} random inputs: Soft-F1 {f1_same:,} identical, R-VES time ratio {ratio_same:,} identical")
    same_totals = f"{ours_ex:.2f}" == f"{totals['EX']:.2f}" and f"{ours_f1:.2f}" == f"{totals['Soft-F1']:.2f}"
    return 0 if not differ and same_totals and f1_same == ratio_same == n_fuzz else 1


if __name__ == "__main__":
    sys.exit(main())
