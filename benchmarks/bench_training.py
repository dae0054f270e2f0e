"""Training throughput (non-padding tokens/s) of the CPU Spider recipe: padded batches vs. padding-free vs.
packing, on real Spider training data with the embedded model.

    python benchmarks/bench_training.py --data ../shared/data/spider-train --steps 6

Each configuration trains `steps + 1` optimizer steps on the same examples; the first step (warm-up) is not
timed. Tokens are the trainer's non-padding input tokens. Prints a table; nothing is saved.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from transformers import TrainerCallback

RECIPE = Path(__file__).resolve().parents[1] / "adapters" / "recipes" / "spider-smollm2-cpu.yaml"
CONFIGS = {
    "padded": ["trainer.packing=false", "trainer.padding_free=false"],
    "padding_free": ["trainer.packing=false", "trainer.padding_free=true", "trainer.max_length=null"],
    "packing": ["trainer.packing=true", "trainer.padding_free=false"],
}


class StepClock(TrainerCallback):
    """(time, tokens seen) at the end of every optimizer step."""

    def __init__(self) -> None:
        self.marks: list[tuple[float, int]] = []

    def on_step_end(self, args, state, control, **kwargs):
        self.marks.append((time.perf_counter(), state.num_input_tokens_seen))


def measure(name: str, data: Path, steps: int, batch_size: int, threads: int) -> dict[str, float]:
    from harness.train.recipe import load_recipe
    from harness.train.sft import prepare

    with tempfile.TemporaryDirectory() as tmp:
        overrides = [f"data.path={data}", f"output_dir={tmp}", f"trainer.max_steps={steps + 1}",
                     f"trainer.per_device_train_batch_size={batch_size}", f"data.limit={(steps + 1) * batch_size * 4}",
                     f"runtime.threads={threads}", "trainer.save_steps=100000", *CONFIGS[name]]
        prepared = prepare(load_recipe(RECIPE, overrides))
        clock = StepClock()
        prepared.trainer.add_callback(clock)
        prepared.trainer.train()
    (t0, n0), (t1, n1) = clock.marks[0], clock.marks[-1]
    return {"steps": len(clock.marks) - 1, "tokens": n1 - n0, "seconds": t1 - t0, "tokens_per_s": (n1 - n0) / (t1 - t0)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default="../shared/data/spider-train", help="Spider-layout folder with train data")
    parser.add_argument("--steps", type=int, default=6, help="timed optimizer steps per configuration")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--configs", default=",".join(CONFIGS), help=f"comma-separated subset of {', '.join(CONFIGS)}")
    args = parser.parse_args(argv)
    data = Path(args.data)
    if not (data / "database").is_dir():
        print(f"--data {data}: not a Spider-layout folder (expected database/ and train_spider.json); "
              f"pass the Spider training data, e.g. --data ../shared/data/spider-train", file=sys.stderr)
        return 2
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"LoRA SFT throughput, spider-smollm2-cpu recipe, batch {args.batch_size}, {args.threads} threads")
    for column in ("config", "timed steps", "tokens", "seconds", "tokens/s"):
        table.add_column(column, justify="right")
    for name in args.configs.split(","):
        r = measure(name, data, args.steps, args.batch_size, args.threads)
        print(f"{name}: {r['tokens_per_s']:.1f} tokens/s ({r['tokens']} tokens in {r['seconds']:.1f} s)", flush=True)
        table.add_row(name, str(r["steps"]), str(r["tokens"]), f"{r['seconds']:.1f}", f"{r['tokens_per_s']:.1f}")
    Console().print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
