"""Check harness.sql against the official Spider test-suite evaluator (dev script, not part of the package).

The official code is NOT shipped with this project. Put these files from taoyds/test-suite-sql-eval in
``--official`` (default /tmp/official): ``exec_eval.py``, ``process_sql.py``, ``evaluation.py`` (the full
file, or just ``Evaluator.eval_hardness`` and the ``count_*`` helpers it calls) and ``parse.py`` (only
``remove_distinct`` is used). Its dependencies ``sqlparse`` and ``nltk`` go in ``--official-lib``
(``pip install --target /tmp/offlib sqlparse nltk``). nltk's ``word_tokenize`` needs the punkt model,
which we cannot download; the check runs it with ``preserve_line=True`` (no sentence splitting), which
for one-line SQL gives the same tokens.

It checks, and prints:
1. execution verdicts: a prediction set built on ``--dbs`` databases (gold, DISTINCT toggled, LIMIT
   changed, WHERE dropped, columns swapped, ORDER BY flipped, another question's gold, sqlglot
   round-trip, whitespace reflowed, syntax errors, empty output), official ``eval_exec_match`` versus
   ``score_execution``;
2. gold-as-prediction accuracy of ``score_execution`` on every example (must be 100%);
3. ``remove_distinct`` against sqlparse's, on every string above;
4. ``hardness`` against official ``process_sql`` + ``eval_hardness`` on every gold query.

Usage: python scripts/check_official_parity.py [--data /work/shared/data/spider-train] [--dbs 20]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

import sqlglot
from sqlglot import exp

from harness.sql.equivalence import remove_distinct
from harness.sql.execution import ExecItem, score_execution
from harness.sql.hardness import hardness


def load_official(official: Path, lib: Path):
    missing = [f for f in ("exec_eval.py", "process_sql.py", "evaluation.py", "parse.py") if not (official / f).is_file()]
    if missing:
        sys.exit(f"official evaluator files missing in {official}: {', '.join(missing)} (see this script's docstring)")
    sys.path[:0] = [str(lib), str(official)]
    import nltk
    import exec_eval
    import process_sql
    from evaluation import Evaluator
    from parse import remove_distinct as official_remove_distinct

    process_sql.word_tokenize = lambda s: nltk.word_tokenize(s, preserve_line=True)
    return exec_eval, process_sql, Evaluator(), official_remove_distinct


# ---------------------------------------------------------------- prediction variants
def _top_select(tree: exp.Expression) -> exp.Select | None:
    while isinstance(tree, exp.SetOperation):
        tree = tree.this
    return tree if isinstance(tree, exp.Select) else None


def _edit(gold: str, change) -> str | None:
    try:
        tree = sqlglot.parse_one(gold, read="sqlite")
    except sqlglot.errors.SqlglotError:
        return None
    select = _top_select(tree)
    if select is None or change(select) is False:
        return None
    return tree.sql(dialect="sqlite")


def _drop_where(s: exp.Select):
    if not s.args.get("where"):
        return False
    s.set("where", None)


def _swap_columns(s: exp.Select):
    cols = list(s.expressions)
    s.set("expressions", cols[::-1] if len(cols) > 1 else cols + [cols[0].copy()])


def _flip_order(s: exp.Select):
    order = s.args.get("order")
    if not order:
        s.order_by("1 DESC", copy=False)
        return
    for item in order.expressions:
        item.set("desc", not item.args.get("desc"))


def variants(gold: str, other_gold: str, rng: random.Random) -> dict[str, str | None]:
    limit = re.search(r"\bLIMIT\s+(\d+)", gold, re.IGNORECASE)
    return {
        "gold": gold,
        "distinct_toggled": (re.sub(r"\bDISTINCT\s+", "", gold, count=1, flags=re.IGNORECASE)
                             if re.search(r"\bSELECT\s+DISTINCT\b", gold, re.IGNORECASE)
                             else re.sub(r"\bSELECT\b", "SELECT DISTINCT", gold, count=1, flags=re.IGNORECASE)),
        "limit_changed": (gold[:limit.start(1)] + str(int(limit.group(1)) + 1) + gold[limit.end(1):]
                          if limit else gold + " LIMIT 1"),
        "where_dropped": _edit(gold, _drop_where),
        "columns_swapped": _edit(gold, _swap_columns),
        "order_flipped": _edit(gold, _flip_order),
        "other_gold": other_gold,
        "sqlglot_roundtrip": _edit(gold, lambda s: None),
        "whitespace_reflowed": re.sub(r"\s+(FROM|WHERE|GROUP BY|ORDER BY|JOIN)\s+", r"\n  \1\t ", gold,
                                      flags=re.IGNORECASE),
        "syntax_error": rng.choice([gold.replace("SELECT", "SELEC", 1), gold[: max(8, len(gold) * 2 // 3)],
                                    gold + " WHERE"]),
        "empty": "",
    }


def build_predictions(data: list[dict], n_dbs: int, per_db: int, seed: int) -> list[tuple[str, str, str, str]]:
    """(db_id, gold, kind, prediction) rows."""
    rng = random.Random(seed)
    by_db: dict[str, list[str]] = {}
    for ex in data:
        by_db.setdefault(ex["db_id"], []).append(ex["query"])
    eligible = sorted(db for db, qs in by_db.items() if len(set(qs)) >= per_db)
    rows = []
    for db in rng.sample(eligible, n_dbs):
        golds = sorted(set(by_db[db]))
        for gold in rng.sample(golds, per_db):
            other = rng.choice([g for g in golds if g != gold])
            for kind, pred in variants(gold, other, rng).items():
                if pred is not None:
                    rows.append((db, gold, kind, pred))
    return rows


# ---------------------------------------------------------------- checks
def official_exec(exec_eval, db_root: Path, db: str, pred: str, gold: str) -> int | str:
    try:
        return exec_eval.eval_exec_match(str(db_root / db / f"{db}.sqlite"), pred, gold, plug_value=False,
                                         keep_distinct=False, progress_bar_for_each_datapoint=False)
    except Exception as exc:  # noqa: BLE001 - the official run would abort here
        return f"raises {type(exc).__name__}"


def check_exec(exec_eval, data: list[dict], db_root: Path, args) -> None:
    rows = build_predictions(data, args.dbs, args.per_db, args.seed)
    print(f"[exec] {len(rows)} predictions on {args.dbs} databases, kinds: {dict(Counter(r[2] for r in rows))}")
    t0 = time.perf_counter()
    official = [official_exec(exec_eval, db_root, db, pred, gold) for db, gold, _, pred in rows]
    t1 = time.perf_counter()
    items = [ExecItem(db, gold, pred if pred.strip() else None) for db, gold, _, pred in rows]
    ours = score_execution(items, db_root, workers=args.workers, timeout_s=60)
    t2 = time.perf_counter()
    disagreements = []
    for row, off, our in zip(rows, official, ours):
        off_ok = off == 1
        if off_ok != (our.verdict == "correct"):
            disagreements.append((row, off, our))
    raised = Counter(str(o) for o in official if isinstance(o, str))
    print(f"[exec] official correct {sum(o == 1 for o in official)}, ours correct "
          f"{sum(v.verdict == 'correct' for v in ours)}; official raised (counted incorrect): {dict(raised)}")
    print(f"[exec] our verdicts: {dict(Counter(v.verdict for v in ours))}")
    print(f"[exec] agreement {len(rows) - len(disagreements)}/{len(rows)} "
          f"= {100 * (len(rows) - len(disagreements)) / len(rows):.2f}%  "
          f"(official {t1 - t0:.1f}s, ours {t2 - t1:.1f}s)")
    for (db, gold, kind, pred), off, our in disagreements[:20]:
        print(f"  DISAGREE {db} {kind}: official={off} ours={our}\n    gold: {gold}\n    pred: {pred}")
    for kind in sorted({r[2] for r in rows}):
        sel = [(o, v) for r, o, v in zip(rows, official, ours) if r[2] == kind]
        print(f"    {kind:18s} n={len(sel):4d} official_correct={sum(o == 1 for o, _ in sel):4d} "
              f"ours_correct={sum(v.verdict == 'correct' for _, v in sel):4d}")
    strings = [s for r in rows for s in (r[1], r[3]) if s.strip()]
    check_remove_distinct(strings)


def check_remove_distinct(strings: list[str]) -> None:
    from parse import remove_distinct as official_remove_distinct
    diff = [s for s in strings if remove_distinct(s) != official_remove_distinct(s)]
    print(f"[remove_distinct] identical to sqlparse's on {len(strings) - len(diff)}/{len(strings)} strings")
    for s in diff[:5]:
        print(f"  DIFF {s!r}: ours {remove_distinct(s)!r} official {official_remove_distinct(s)!r}")


def check_gold_self(data: list[dict], db_root: Path, workers: int | None) -> None:
    items = [ExecItem(ex["db_id"], ex["query"], ex["query"]) for ex in data]
    t0 = time.perf_counter()
    verdicts = score_execution(items, db_root, workers=workers)
    dt = time.perf_counter() - t0
    ok = sum(v.verdict == "correct" for v in verdicts)
    print(f"[gold-as-prediction] {ok}/{len(items)} = {100 * ok / len(items):.2f}% correct "
          f"({len(items) / dt:.0f} predictions/s); verdicts {dict(Counter(v.verdict for v in verdicts))}")


# The SpiderMan release rewrote a few Spider spellings that the official parser cannot read; undo them for
# the reference side only (our hardness() reads both spellings).
_REFERENCE_REWRITES = [
    (re.compile(r"`"), ""),
    (re.compile(r"<>"), "!="),
    (re.compile(r"\bNOT\s+([\w.]+)\s+(IN|LIKE|BETWEEN)\b", re.IGNORECASE), r"\1 NOT \2"),
]


def official_hardness(process_sql, evaluator, schema, sql: str) -> tuple[str | None, str]:
    for rewrite in (False, True):
        text = sql.replace("`", "")
        if rewrite:
            for pattern, repl in _REFERENCE_REWRITES:
                text = pattern.sub(repl, text)
        try:
            return evaluator.eval_hardness(process_sql.get_sql(schema, text)), "rewritten" if rewrite else "as is"
        except Exception as exc:  # noqa: BLE001 - the official parser fails with assorted errors
            error = f"{type(exc).__name__}: {exc}"
    return None, error


def check_hardness(process_sql, evaluator, data: list[dict], db_root: Path) -> None:
    schemas = {}
    agree, disagree, unparsed, via = 0, [], Counter(), Counter()
    for ex in data:
        db = ex["db_id"]
        if db not in schemas:
            schemas[db] = process_sql.Schema(process_sql.get_schema(str(db_root / db / f"{db}.sqlite")))
        official, how = official_hardness(process_sql, evaluator, schemas[db], ex["query"])
        if official is None:
            unparsed[how.split(":")[0]] += 1
            continue
        via[how] += 1
        ours = hardness(ex["query"])
        if ours == official:
            agree += 1
        else:
            disagree.append((official, ours, ex["query"]))
    total = agree + len(disagree)
    print(f"[hardness] agreement {agree}/{total} = {100 * agree / total:.2f}% on the gold queries the official "
          f"parser reads ({dict(via)}); official parser fails on {sum(unparsed.values())} ({dict(unparsed)})")
    print(f"[hardness] our distribution on all {len(data)}: {dict(Counter(hardness(ex['query']) for ex in data))}")
    for official, ours, sql in disagree[:20]:
        print(f"  DISAGREE official={official} ours={ours}: {sql}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path("/work/shared/data/spider-train"))
    parser.add_argument("--official", type=Path, default=Path("/tmp/official"))
    parser.add_argument("--official-lib", type=Path, default=Path("/tmp/offlib"))
    parser.add_argument("--dbs", type=int, default=20)
    parser.add_argument("--per-db", type=int, default=8)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--skip", nargs="*", default=[], choices=["exec", "gold", "hardness"])
    args = parser.parse_args()
    questions = args.data / "train_spider.json"
    if not questions.is_file():
        sys.exit(f"Spider data not found: {questions} (pass --data DIR with train_spider.json and database/)")
    data = json.loads(questions.read_text())
    db_root = args.data / "database"
    exec_eval, process_sql, evaluator, _ = load_official(args.official, args.official_lib)
    if "exec" not in args.skip:
        check_exec(exec_eval, data, db_root, args)
    if "gold" not in args.skip:
        check_gold_self(data, db_root, args.workers)
    if "hardness" not in args.skip:
        check_hardness(process_sql, evaluator, data, db_root)


if __name__ == "__main__":
    main()
