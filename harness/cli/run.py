"""harness run BENCHMARK: generate with a base model and any number of LoRA adapters, score, write runs."""
from __future__ import annotations

import argparse

from harness.backends import BACKENDS
from harness.cli.common import (add_backend_arguments, add_benchmark_args, backend_options_given, benchmark_name,
                                print_summaries)


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="generate and score a benchmark for a model and its adapters", add_help=False)
    add_benchmark_args(p)
    p.add_argument("--model", help="hub id, local folder or .gguf file (default: embedded SmolLM2-135M-Instruct)")
    p.add_argument("--adapter", action="extend", nargs="+", default=[], metavar="DIR",
                   help="LoRA adapter folder; several (or repeat) to score them next to the base model; a quoted "
                        "glob sweeps checkpoints: 'adapters/x/checkpoints/*' "
                        "(api backend: the served NAME, or NAME=DIR to record the local copy's hash)")
    p.add_argument("--backend", default="hf", choices=sorted(BACKENDS),
                   help="generation backend: hf = transformers (default), vllm (GPU), api (OpenAI-compatible server)")
    p.add_argument("--same-as-base-threshold", type=float, default=0.95, metavar="F",
                   help="flag an adapter whose outputs equal the base model's on at least this fraction (default 0.95)")
    sampling = p.add_argument_group("sampling (every backend)")
    sampling.add_argument("--max-new-tokens", type=int, default=256)
    sampling.add_argument("--temperature", type=float, default=0.0, help="0 = greedy (default)")
    sampling.add_argument("--top-p", type=float, default=1.0)
    sampling.add_argument("--seed", type=int, default=0)
    add_backend_arguments(p)
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from harness.api import evaluate

    benchmark = benchmark_name(args)
    [options] = backend_options_given(args, [args.backend]).values()
    generation = {"max_new_tokens": args.max_new_tokens, "temperature": args.temperature, "top_p": args.top_p,
                  "seed": args.seed, **options}
    result = evaluate(benchmark, args.model, args.adapter, data=args.data, split=args.split, limit=args.limit,
                      backend=args.backend, options=dict(args.option), generation=generation, out=args.out,
                      same_as_base_threshold=args.same_as_base_threshold)
    print_summaries(result)
    return 0
