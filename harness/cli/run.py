"""harness run BENCHMARK: generate with a base model and any number of LoRA adapters, score, write runs."""
from __future__ import annotations

import argparse
import json

from harness.backends import BACKENDS, api, vllm  # argument helpers only: neither imports vllm or torch here
from harness.backends.precision import PRECISIONS
from harness.cli.common import add_benchmark_args, print_summaries


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="generate and score a benchmark for a model and its adapters")
    add_benchmark_args(p)
    p.add_argument("--model", help="hub id, local folder or .gguf file (default: embedded SmolLM2-135M-Instruct)")
    p.add_argument("--adapter", action="extend", nargs="+", default=[], metavar="DIR",
                   help="LoRA adapter folder; several (or repeat) to score them next to the base model; a quoted "
                        "glob sweeps checkpoints: 'adapters/x/checkpoints/*' "
                        "(api backend: the served NAME, or NAME=DIR to record the local copy's hash)")
    p.add_argument("--backend", default="hf", choices=sorted(BACKENDS),
                   help="generation backend: hf = transformers (default), vllm (GPU), api (OpenAI-compatible server)")
    p.add_argument("--precision", default="auto", choices=PRECISIONS,
                   help="auto = bf16 on a GPU or a CPU with AVX-512 BF16/AMX, else fp32 (faster there); "
                        "recorded, part of the cache key (default: auto)")
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--max-new-tokens", type=int, default=256)
    p.add_argument("--temperature", type=float, default=0.0, help="0 = greedy (default)")
    p.add_argument("--top-p", type=float, default=1.0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--chat-template-kwargs", type=json.loads, default={},
                   help='JSON passed to the chat template, e.g. \'{"enable_thinking": false}\'')
    p.add_argument("--same-as-base-threshold", type=float, default=0.95, metavar="F",
                   help="flag an adapter whose outputs equal the base model's on at least this fraction (default 0.95)")
    api.add_arguments(p)
    vllm.add_arguments(p)
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from harness.api import evaluate

    if args.backend == "api":
        options = api.backend_options(args)
    elif args.backend == "vllm":
        options = vllm.backend_options(args)
    else:
        options = {"precision": args.precision, "batch_size": args.batch_size,
                   "chat_template_kwargs": args.chat_template_kwargs}
    generation = {"max_new_tokens": args.max_new_tokens, "temperature": args.temperature, "top_p": args.top_p,
                  "seed": args.seed, **options}
    result = evaluate(args.benchmark, args.model, args.adapter, data=args.data, split=args.split, limit=args.limit,
                      backend=args.backend, options=dict(args.option), generation=generation, out=args.out,
                      same_as_base_threshold=args.same_as_base_threshold)
    print_summaries(result)
    return 0
