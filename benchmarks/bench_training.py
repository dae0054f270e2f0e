"""Training throughput: `harness train` against a plain trl `SFTTrainer` on its defaults, same model, same
rows, one pass over them (so the same real tokens), each a whole process as a user runs it.

    python benchmarks/bench_training.py --data ../shared/data/spider-train --examples 32

* `trl defaults`: what the tutorials write: the embedded model loaded with `from_pretrained`, the same LoRA
  settings as the recipe (`LoraConfig` r/alpha/dropout/target modules), `SFTTrainer(model, args=SFTConfig(
  output_dir, num_train_epochs=1, use_cpu=True), train_dataset, peft_config)` and nothing else: trl's defaults
  (gradient checkpointing, batch 8, padded, max_length 1024);
* `harness`: `harness train adapters/recipes/spider-smollm2-cpu.yaml` as shipped (packing, no gradient
  checkpointing, batch 4 x 2), with only the data size and output folder changed (`--set data.limit=N --set
  optim.max_steps=null --set optim.epochs=1`); `--variants` adds the recipe padded or padding-free as rows.

`--precision` applies to both: bf16 (trl's default) where the hardware computes it natively, else fp32: on an
AVX2-only CPU a bf16 matmul runs tens of times slower than fp32, which would measure only that.
Both train on the recipe's rows (`benchmark.messages` prompts and `benchmark.completion` answers as
conversational prompt/completion pairs, the first `--examples` after the recipe's shuffle). Tokens are the
trainer's tokenised dataset (prompt and completion, no padding), so packed and padded runs count the same.
"train s" is `trainer.train()`; "whole process s" includes imports, model load and tokenisation.
"""
from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RECIPE = REPO / "adapters" / "recipes" / "spider-smollm2-cpu.yaml"
VARIANTS = {
    "harness": [],
    "harness-padded": ["trainer.packing=false"],
    "harness-padding-free": ["trainer.packing=false", "trainer.padding_free=true", "trainer.max_length=null"],
}


def worker_trl(spec: dict) -> dict:
    """A plain SFTTrainer on trl's defaults: only the output folder, one epoch, no reporting, the precision, and on
    a machine without CUDA `use_cpu=True` (trl's bf16 default refuses to start there without it)."""
    from datasets import Dataset
    from peft import LoraConfig
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import SFTConfig, SFTTrainer

    tokenizer = AutoTokenizer.from_pretrained(spec["model"])
    config = SFTConfig(output_dir=spec["output_dir"], num_train_epochs=1, report_to="none", use_cpu=spec["use_cpu"],
                       bf16=spec["precision"] == "bf16")
    model = AutoModelForCausalLM.from_pretrained(spec["model"])
    lora = LoraConfig(task_type="CAUSAL_LM", **spec["lora"])
    trainer = SFTTrainer(model=model, args=config,
                         train_dataset=Dataset.from_list(spec["rows"]), processing_class=tokenizer, peft_config=lora)
    started = time.perf_counter()
    trainer.train()
    return {"train_s": time.perf_counter() - started, "steps": trainer.state.global_step,
            "tokens": sum(len(ids) for ids in trainer.train_dataset["input_ids"])}


def run_timed(command: list[str]) -> float:
    print("+", shlex.join(command), flush=True)
    started = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    wall = time.perf_counter() - started
    if done.returncode:
        sys.exit(f"{shlex.join(command)} failed ({done.returncode}):\n{done.stdout[-3000:]}")
    return wall


def recipe_overrides(args: argparse.Namespace, output_dir: Path) -> list[str]:
    return [f"data.path={args.data}", f"data.limit={args.examples}", "trainer.max_steps=-1",
            "trainer.num_train_epochs=1", f"output_dir={output_dir}", "trainer.save_steps=100000",
            f"runtime.threads={args.threads}", f"trainer.bf16={str(args.precision == 'bf16').lower()}"]


def measure_trl(args: argparse.Namespace, tmp: Path) -> dict:
    import torch

    from harness.models import resolve_model
    from harness.train.recipe import load_recipe
    from harness.train.sft import load_benchmark, sft_rows, training_examples

    recipe = load_recipe(RECIPE, recipe_overrides(args, tmp / "unused"))
    benchmark = load_benchmark(recipe)
    rows = sft_rows(benchmark, training_examples(recipe, benchmark), recipe.chat_template_kwargs)
    spec = {"model": resolve_model(recipe.model).path, "rows": rows, "lora": recipe.lora_arguments(),
            "output_dir": str(tmp / "trl"),
            "use_cpu": not torch.cuda.is_available(), "precision": args.precision}
    spec_path, out_path = tmp / "trl.spec.json", tmp / "trl.out.json"
    spec_path.write_text(json.dumps(spec))
    wall = run_timed([sys.executable, __file__, "--worker", str(spec_path), str(out_path)])
    out = json.loads(out_path.read_text())
    return {"name": "trl defaults", "settings": f"{args.precision}, grad. checkpointing, batch 8, padded", "whole_s": wall,
            "train_s": out["train_s"], "steps": out["steps"], "tokens": out["tokens"]}


def measure_harness(args: argparse.Namespace, tmp: Path, variant: str) -> dict:
    out = tmp / variant
    extra = VARIANTS[variant]
    command = [str(Path(sys.executable).parent / "harness"), "train", str(RECIPE),
               *(f"--set={o}" for o in [*recipe_overrides(args, out), *extra])]
    wall = run_timed(command)
    manifest = json.loads((out / "harness_manifest.json").read_text())
    t = manifest["recipe"]["trainer"]
    settings = (f"{'bf16' if t.get('bf16') else 'fp32'}, batch {t.get('per_device_train_batch_size')}x"
                f"{t.get('gradient_accumulation_steps', 1)}, "
                + ("packing" if t.get("packing") else "padding-free" if t.get("padding_free") else "padded"))
    return {"name": variant.replace("-", " ", 1), "settings": settings, "whole_s": wall,
            "train_s": manifest["wall_seconds"], "steps": manifest["steps"], "tokens": manifest["n_tokens"]}


def print_table(results: list[dict], args: argparse.Namespace, command: str) -> None:
    from rich.console import Console
    from rich.table import Table

    reference = results[0]
    table = Table(title=f"LoRA SFT throughput, embedded SmolLM2-135M-Instruct, {args.examples} Spider train examples, "
                        f"one epoch, {args.threads} threads")
    for column in ("method", "settings", "optimizer steps", "tokens", "whole process s", "train s",
                   "tokens/s (train)", "tokens/s (whole)", "x trl (whole)"):
        table.add_column(column, justify="left" if column in ("method", "settings") else "right")
    for r in results:
        table.add_row(r["name"], r["settings"], str(r["steps"]), str(r["tokens"]), f"{r['whole_s']:.1f}",
                      f"{r['train_s']:.1f}", f"{r['tokens'] / r['train_s']:.1f}", f"{r['tokens'] / r['whole_s']:.1f}",
                      f"{reference['whole_s'] / r['whole_s'] * r['tokens'] / reference['tokens']:.2f}")
    Console(width=200).print(table)
    print(f"command: {command}")


def main(argv: list[str] | None = None) -> int:
    from harness.backends.precision import resolve_precision

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default="../shared/data/spider-train", help="Spider-layout folder with train data")
    parser.add_argument("--examples", type=int, default=48, help="training examples (one epoch over them)")
    parser.add_argument("--threads", type=int, default=os.cpu_count(), help="torch threads for harness train")
    parser.add_argument("--variants", default="harness",
                        help=f"comma-separated harness rows next to trl defaults: {', '.join(VARIANTS)}")
    parser.add_argument("--precision", choices=["bf16", "fp32"], default=resolve_precision("auto"),
                        help="for both trainers (default: bf16 on CUDA or a CPU with AVX-512 BF16/AMX, else fp32)")
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        spec, out = args.worker
        Path(out).write_text(json.dumps(worker_trl(json.loads(Path(spec).read_text()))))
        return 0
    variants = args.variants.split(",")
    unknown = sorted(set(variants) - set(VARIANTS))
    if unknown:
        parser.error(f"--variants: unknown {unknown}; expected some of {', '.join(VARIANTS)}")
    if not (Path(args.data) / "database").is_dir():
        parser.error(f"--data {args.data}: not a Spider-layout folder (expected database/ and train_spider.json); "
                     f"pass the Spider training data, e.g. --data ../shared/data/spider-train")
    args.data = str(Path(args.data).resolve())
    command = shlex.join(["python", "benchmarks/bench_training.py", *(argv if argv is not None else sys.argv[1:])])
    with tempfile.TemporaryDirectory(prefix="bench-training-") as tmp_name:
        tmp = Path(tmp_name)
        results = [measure_trl(args, tmp)]
        print(f"trl defaults: {results[0]['whole_s']:.1f} s", flush=True)
        for variant in variants:
            results.append(measure_harness(args, tmp, variant))
            print(f"{variant}: {results[-1]['whole_s']:.1f} s", flush=True)
    print_table(results, args, command)
    return 0


if __name__ == "__main__":
    sys.exit(main())
