"""harness score BENCHMARK --predictions FILE: score existing predictions without a model."""
from __future__ import annotations

import argparse

from harness.cli.common import add_benchmark_args, benchmark_options, default_out, pop_trust_options, print_summaries


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("score", help="score a predictions file (our JSONL, or one prediction per line)")
    add_benchmark_args(p)
    p.add_argument("--predictions", required=True,
                   help="JSONL with index+prediction (model outputs: SQL is extracted), or one prediction per line "
                        "(spider: official format; bird: the official JSON; SQL run as given)")
    p.add_argument("--name", default="predictions", help="variant name shown in tables")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from harness.benchmarks import get_benchmark
    from harness.evaluate import score
    from harness.predictions import is_jsonl, read_predictions
    from harness.io import hash_path
    from harness.runs.manifest import environment, now_iso
    from harness.runs.records import summarize, write_run
    from harness.trust import runs as trust

    options = benchmark_options(args)
    trust_options = pop_trust_options(options)
    if args.benchmark in ("spider", "bird") and "sql_only" not in options and not is_jsonl(args.predictions):
        options["sql_only"] = True  # official-format lines are SQL: run them as given, as the official evaluator does
    benchmark = get_benchmark(args.benchmark, **options)
    examples = benchmark.examples()[: args.limit] if args.limit else benchmark.examples()
    outputs = read_predictions(args.predictions, len(examples), allow_extra=args.limit is not None)
    records = score(benchmark, examples, outputs)
    manifest = {"benchmark": benchmark.name, "benchmark_options": benchmark.options,
                "data": benchmark.data_identity(), "limit": args.limit,
                "prompt": benchmark.prompt_identity(),
                "predictions": {"path": str(args.predictions), "sha256": hash_path(args.predictions)},
                "created": now_iso(), **environment()}
    notes = trust.variant_notes(benchmark, examples, records, outputs, outputs, None,
                                trust.run_audit(benchmark, manifest["data"]), trust_options)
    summary = summarize(benchmark, args.name, records, manifest, extra={**benchmark.summary_extra(), "trust": notes})
    out = write_run(default_out(args), records, summary)
    print_summaries([(out, summary)])
    return 0
