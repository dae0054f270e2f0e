"""harness parity: the same prompts through two backends; how many greedy outputs match and score the same.

vLLM-LoRA vs PEFT differences are a known source of silent score changes; run this once per new set-up
(model, adapters, backend versions) before trusting a fast backend's numbers. Generations are fresh (a private
temporary cache), so the comparison reflects the libraries installed now.
"""
from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from harness.backends import BACKENDS
from harness.benchmarks import BENCHMARKS
from harness.cli.common import add_backend_arguments, backend_options_given
from harness.errors import ConfigError

if TYPE_CHECKING:
    from harness.trust.parity import VariantParity


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("parity", help="compare greedy outputs of two backends (default hf vs vllm) on one benchmark")
    p.add_argument("--benchmark", default="spider", choices=sorted(BENCHMARKS))
    p.add_argument("--data", help="benchmark data (default: the small benchmark the project ships)")
    p.add_argument("--split", help="split (default: the benchmark's test split)")
    p.add_argument("--n", type=int, default=50, help="first N examples (default 50)")
    p.add_argument("--model", help="local model for hf/vllm: hub id, folder or .gguf (default: embedded SmolLM2)")
    p.add_argument("--adapter", action="append", default=[], metavar="[NAME=]DIR",
                   help="LoRA adapter folder; NAME is also its served name for the api backend (repeatable)")
    p.add_argument("--backends", default="hf,vllm", help="two of hf, vllm, api, comma-separated (default hf,vllm)")
    p.add_argument("--api-model", help="served name of the base model for the api backend (default: --model)")
    p.add_argument("--max-new-tokens", type=int, default=256)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--show", type=int, default=5, help="differences listed per variant (default 5)")
    p.add_argument("--out", help="write the full report (every difference) as JSON here")
    p.add_argument("--merged", metavar="MERGED_DIR",
                   help="instead of two backends: compare this merged model with --model (default: the adapter's "
                        "base) + the one --adapter, greedy outputs and largest logit difference")
    add_backend_arguments(p)
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    if args.merged:
        return _merged_main(args)

    from harness.benchmarks import get_benchmark
    from harness.evaluate import GenerationSpec
    from harness.trust.parity import backend_parity
    from harness.types import Sampling

    backends = [b.strip() for b in args.backends.split(",")]
    if len(backends) != 2 or len(set(backends)) != 2 or not set(backends) <= set(BACKENDS):
        raise ConfigError(f"--backends {args.backends!r}: expected two different of {', '.join(BACKENDS)}")
    backend_options = backend_options_given(args, backends)
    options: dict[str, Any] = {"data": args.data, **({"split": args.split} if args.split else {})}
    benchmark = get_benchmark(args.benchmark, **options)
    sampling = Sampling(max_new_tokens=args.max_new_tokens, seed=args.seed)
    specs = [GenerationSpec(*_model_and_adapters(name, args, backend_options[name]), sampling=sampling,
                            backend=name, backend_options=backend_options[name]) for name in backends]
    report = backend_parity(benchmark, benchmark.examples()[: args.n], *specs)
    print_report(report, backends, args.show)
    if args.out:
        Path(args.out).write_text(json.dumps({"benchmark": benchmark.name, "backends": backends,
                                              "variants": [asdict(r) for r in report]}, indent=1, ensure_ascii=False))
    return 0


def _merged_main(args: argparse.Namespace) -> int:
    from rich.console import Console

    from harness.benchmarks import get_benchmark
    from harness.trust.merged import merged_parity

    if len(args.adapter) != 1:
        raise ValueError(f"--merged compares with exactly one --adapter, got {len(args.adapter)}")
    options: dict[str, Any] = {"data": args.data, **({"split": args.split} if args.split else {})}
    benchmark = get_benchmark(args.benchmark, **options)
    prompts = [benchmark.messages(e) for e in benchmark.examples()[: args.n]]
    result = merged_parity(args.merged, _split_adapter(args.adapter[0])[1], prompts, base=args.model,
                           max_new_tokens=args.max_new_tokens)
    Console().print(result.sentence(), highlight=False)
    if args.out:
        Path(args.out).write_text(json.dumps({"benchmark": benchmark.name, "merged": str(args.merged),
                                              "adapter": args.adapter[0], **result.to_json()}, indent=1))
    return 0 if result.identical == result.n else 1


def _model_and_adapters(backend: str, args: argparse.Namespace, options: dict[str, Any]) -> tuple[Any, list[Any]]:
    from harness.backends import api
    from harness.models import resolve_adapter, resolve_model

    specs = [_split_adapter(a) for a in args.adapter]
    if backend == "api":
        model = api.api_model_ref(args.api_model or args.model or "", options.get("base_url") or "")
        local = [resolve_adapter(folder, name=name) for name, folder in specs]
        return model, [api.api_adapter_ref(f"{a.name}={folder}") for a, (_, folder) in zip(local, specs)]
    return resolve_model(args.model), [resolve_adapter(folder, name=name) for name, folder in specs]


def _split_adapter(spec: str) -> tuple[str | None, str]:
    name, sep, folder = spec.partition("=")
    return (name.strip() or None, folder) if sep else (None, spec)


def print_report(report: Sequence[VariantParity], backends: Sequence[str], show: int) -> None:
    from harness.console import make_console
    from rich.table import Table

    console = make_console()
    a, b = backends
    table = Table(title=f"parity: {a} vs {b} (greedy)")
    for column in ("variant", "n", "identical outputs", "same verdict"):
        table.add_column(column, justify="left" if column == "variant" else "right")
    for r in report:
        table.add_row(r.variant, str(r.n), f"{r.exact} ({r.exact / max(r.n, 1):.0%})",
                      f"{r.same_outcome} ({r.same_outcome / max(r.n, 1):.0%})")
    console.print(table)
    for r in report:
        for d in r.differences[:show]:
            start = max(0, d.diverges_at - 20)
            console.print(f"[bold]{r.variant}[/] example {d.index}: differ from char {d.diverges_at}; "
                          f"verdicts {d.outcomes[0]} / {d.outcomes[1]}", highlight=False)
            for backend, text in zip(backends, d.outputs):
                console.print(f"  {backend:>4}: …{text[start : d.diverges_at + 60]!r}", highlight=False)
        if len(r.differences) > show:
            console.print(f"  ({len(r.differences) - show} more differences in {r.variant}; --out FILE for all)")
