"""harness run BENCHMARK: generate with a base model and any number of LoRA adapters, score, write runs."""
from __future__ import annotations

import argparse
import json

from harness.backends import api, vllm  # argument helpers only: neither imports vllm or torch here
from harness.backends.precision import PRECISIONS
from harness.cli.common import add_benchmark_args, benchmark_options, default_out, pop_trust_options, print_summaries


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="generate and score a benchmark for a model and its adapters")
    add_benchmark_args(p)
    p.add_argument("--model", help="hub id, local folder or .gguf file (default: embedded SmolLM2-135M-Instruct)")
    p.add_argument("--adapter", action="append", default=[], metavar="DIR",
                   help="LoRA adapter folder; repeat to score several next to the base model "
                        "(api backend: the served NAME, or NAME=DIR to record the local copy's hash)")
    p.add_argument("--backend", default="hf", choices=["hf", "vllm", "api"],
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
    from harness.benchmarks import get_benchmark
    from harness.evaluate import GenerationSpec, run
    from harness.models import resolve_adapter, resolve_model
    from harness.paths import cache_dir
    from harness.runs.cache import GenerationCache
    from harness.types import Sampling

    from harness.backends.precision import resolve_precision

    options = benchmark_options(args)
    trust_options = pop_trust_options(options, args.same_as_base_threshold)
    benchmark = get_benchmark(args.benchmark, **options)
    if args.backend != "api":
        args.precision = resolve_precision(args.precision)
    if args.backend == "api":
        model, adapters = api.resolve(args.model, args.base_url, args.adapter)
        options = api.backend_options(args)
    else:
        model, adapters = resolve_model(args.model), [resolve_adapter(a) for a in args.adapter]
        options = (vllm.backend_options(args) if args.backend == "vllm" else
                   {"precision": args.precision, "batch_size": args.batch_size,
                    "chat_template_kwargs": args.chat_template_kwargs})
    spec = GenerationSpec(
        model=model, adapters=adapters, backend=args.backend, backend_options=options,
        sampling=Sampling(max_new_tokens=args.max_new_tokens, temperature=args.temperature, top_p=args.top_p,
                          seed=args.seed),
    )
    with GenerationCache(cache_dir() / "generations.sqlite") as cache:
        results = run(benchmark, spec, default_out(args), cache, limit=args.limit, trust_options=trust_options)
    print_summaries(results)
    return 0
