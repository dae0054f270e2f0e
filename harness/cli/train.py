"""harness train RECIPE: train a LoRA adapter from a YAML recipe into adapters/<name>/."""
from __future__ import annotations

import argparse


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("train", help="train a LoRA adapter from a recipe (adapters/recipes/*.yaml)")
    p.add_argument("recipe", help="recipe YAML file, e.g. adapters/recipes/spider-smollm2-cpu.yaml")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="override a recipe key, e.g. --set trainer.max_steps=20 --set data.path=DIR (repeatable)")
    p.add_argument("--resume", action="store_true", help="continue from the last checkpoint in adapters/<name>/")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from harness.console import make_console

    from harness.api import train

    adapter = train(args.recipe, args.overrides, resume=args.resume)
    m = adapter.manifest
    make_console().print(f"adapter: {adapter.path}  steps {m['steps']}  final loss {m['final_loss']:.4f}  "
                    f"{m['wall_seconds']} s  {m['tokens_per_second']} tokens/s\n"
                    f"score it: harness run {m['benchmark']} --adapter {adapter.path}"
                    + (f" --model {m['recipe']['model']}" if m["recipe"].get("model") else ""))
    return 0
