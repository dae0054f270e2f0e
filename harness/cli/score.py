"""harness score BENCHMARK --predictions FILE: score existing predictions without a model."""
from __future__ import annotations

import argparse

from harness.cli.common import add_benchmark_args, benchmark_options, default_out, print_summaries


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("score", help="score a predictions file (our JSONL, or one prediction per line)")
    add_benchmark_args(p)
    p.add_argument("--predictions", required=True, help="JSONL with index+prediction, or one output per line")
    p.add_argument("--name", default="predictions", help="variant name shown in tables")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from harness.benchmarks import get_benchmark
    from harness.evaluate import score
    from harness.predictions import read_predictions
    from harness.runs.manifest import environment, hash_path, now_iso
    from harness.runs.records import summarize, write_run

    benchmark = get_benchmark(args.benchmark, **benchmark_options(args))
    examples = benchmark.examples()[: args.limit] if args.limit else benchmark.examples()
    outputs = read_predictions(args.predictions, len(examples), allow_extra=args.limit is not None)
    records = score(benchmark, examples, outputs)
    manifest = {"benchmark": benchmark.name, "benchmark_options": benchmark.options,
                "data": benchmark.data_identity(), "limit": args.limit,
                "prompt": benchmark.prompt_identity(),
                "predictions": {"path": str(args.predictions), "sha256": hash_path(args.predictions)},
                "created": now_iso(), **environment()}
    summary = summarize(benchmark, args.name, records, manifest, extra=benchmark.summary_extra())
    out = write_run(default_out(args), records, summary)
    print_summaries([(out, summary)])
    return 0
