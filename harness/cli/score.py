"""harness score BENCHMARK --predictions FILE: score existing predictions without a model."""
from __future__ import annotations

import argparse

from harness.cli.common import add_benchmark_args, benchmark_name, print_summaries


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("score", help="score a predictions file (our JSONL, or one prediction per line)",
                       add_help=False)
    add_benchmark_args(p)
    p.add_argument("--predictions", required=True,
                   help="JSONL with index+prediction (model outputs: SQL is extracted), or one prediction per line "
                        "(spider: official format; bird: the official JSON; SQL run as given)")
    p.add_argument("--name", default="predictions", help="variant name shown in tables")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from harness.api import score

    result = score(benchmark_name(args), args.predictions, data=args.data, split=args.split, limit=args.limit,
                   options=dict(args.option), out=args.out, name=args.name)
    print_summaries(result)
    return 0
