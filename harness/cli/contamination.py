"""harness contamination --train DATA_OR_RECIPE --eval BENCHMARK: which evaluation examples training has seen."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from harness.benchmarks import BENCHMARKS


def add_parser(sub: argparse._SubParsersAction) -> None:
    from harness.cli.common import _key_value

    p = sub.add_parser("contamination", help="overlap between training data and an evaluation split")
    p.add_argument("--train", required=True, metavar="DATA_OR_RECIPE",
                   help="a recipe (.yaml), a Spider-layout folder (train_spider.json) or any JSON/JSONL file")
    p.add_argument("--eval", required=True, choices=sorted(BENCHMARKS), metavar="BENCHMARK",
                   help=f"evaluation benchmark: {', '.join(sorted(BENCHMARKS))}")
    p.add_argument("--data", help="evaluation data (default: the small benchmark the project ships)")
    p.add_argument("--split", help="evaluation split (default: the benchmark's test split)")
    p.add_argument("--option", "-O", action="append", default=[], metavar="KEY=VALUE", type=_key_value,
                   help="evaluation benchmark option, e.g. -O include_dbs=[a,b] (repeatable)")
    p.add_argument("--near-threshold", type=float, default=None,
                   help="word unigram+bigram Jaccard for near-duplicate questions (default 0.8)")
    p.add_argument("--out", default=".", help="folder for contamination.json (default: the current folder)")
    p.add_argument("--show", type=int, default=5, help="example indices listed per kind (default 5)")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from rich.console import Console

    from harness.benchmarks import get_benchmark
    from harness.trust.contamination import NEAR_THRESHOLD, contamination_report, summary_line

    options = {"data": args.data, **dict(args.option), **({"split": args.split} if args.split else {})}
    benchmark = get_benchmark(args.eval, **options)
    threshold = NEAR_THRESHOLD if args.near_threshold is None else args.near_threshold
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"--near-threshold {threshold}: expected a Jaccard similarity in (0, 1]")
    report = contamination_report(args.train, benchmark, near_threshold=threshold)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "contamination.json"
    path.write_text(json.dumps(report, indent=1, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    console = Console()
    console.print(summary_line(report), highlight=False)
    for kind, indices in report["overlap"].items():
        if indices:
            more = f" ... (+{len(indices) - args.show})" if len(indices) > args.show else ""
            console.print(f"  {kind:<14} {len(indices):>5}  {', '.join(map(str, indices[: args.show]))}{more}",
                          highlight=False)
    console.print(str(path), highlight=False)
    return 0
