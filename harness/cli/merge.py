"""harness merge ADAPTER --out DIR: fold a LoRA adapter into its base model (for serving or GGUF export)."""
from __future__ import annotations

import argparse


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("merge", help="merge a LoRA adapter into its base model and save a standalone model")
    p.add_argument("adapter", help="adapter folder (adapter_config.json + weights)")
    p.add_argument("--out", required=True, help="folder for the merged model and tokenizer")
    p.add_argument("--model", help="base model (default: the adapter's base_model_name_or_path)")
    p.add_argument("--parity-n", type=int, default=3, metavar="N",
                   help="check the merged model against base + adapter on N prompts of the adapter's benchmark "
                        "and record it in the merged folder's harness_manifest.json (default 3; 0 skips)")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from harness.api import merge
    from harness.console import make_console
    from harness.trust.merged import record_merge_parity

    console = make_console()
    out = merge(args.adapter, args.out, model=args.model)
    console.print(f"merged model: {out}  (score it: harness run BENCHMARK --model {out})")
    if args.parity_n > 0:
        result = record_merge_parity(args.adapter, out, args.model, args.parity_n)
        ok = result.identical == result.n
        console.print(("" if ok else "[yellow]warning:[/] ") + result.sentence(), highlight=False)
    return 0
