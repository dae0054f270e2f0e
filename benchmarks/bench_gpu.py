"""GPU check: harness's batched generation and LoRA training throughput on a CUDA device, with a random-weight
model of Qwen2.5-0.5B's real configuration and a tokenizer made here (no hub, no network).

    scripts/gpu_check.sh --wheels DIR        # on the GPU machine: installs the wheels, runs this, then pytest -m gpu
    python benchmarks/bench_gpu.py --dry-run  # anywhere: a tiny model on the CPU, proves the script end to end

* generation: `HFBackend` (what `harness run` uses) on the shipped mini Spider prompts, greedy, bf16:
  one prompt at a time against batched (`--batch-size`), same max_new_tokens; random weights rarely emit eos,
  so nearly every prompt runs to max_new_tokens (tokens are the generated token ids, not text);
* training: `harness train` (trl SFTTrainer, LoRA r=16 on all linear layers) on the mini Spider train split,
  bf16, padded batches against packing into `--max-length` blocks.

Prints a table and the command. Weights are random: it measures speed, never quality.
"""
from __future__ import annotations

import argparse
import shlex
import sys
import tempfile
import time
from pathlib import Path

import torch
import yaml

QWEN25_05B = {"hidden_size": 896, "num_hidden_layers": 24, "num_attention_heads": 14, "num_key_value_heads": 2,
              "intermediate_size": 4864, "vocab_size": 151936, "max_position_embeddings": 32768,
              "rope_theta": 1000000.0, "rms_norm_eps": 1e-6, "tie_word_embeddings": True}
TINY = {**QWEN25_05B, "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": 128,
        "vocab_size": 4096}
CHATML = ("{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
          "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")


def build_model(folder: Path, config: dict, corpus: list[str]) -> Path:
    """A random-weight Qwen2 model of `config` and a byte-level BPE trained on `corpus`, ChatML template."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast, Qwen2Config, Qwen2ForCausalLM

    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    bpe.train_from_iterator(corpus, trainers.BpeTrainer(vocab_size=4000, special_tokens=specials,
                                                        initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=bpe, eos_token="<|im_end|>", pad_token="<|endoftext|>")
    tokenizer.chat_template = CHATML
    torch.manual_seed(0)
    model = Qwen2ForCausalLM(Qwen2Config(**config, bos_token_id=tokenizer.convert_tokens_to_ids("<|im_start|>"),
                                         eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id))
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.to(torch.bfloat16).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def measure_generation(model_dir: Path, messages: list, batch_size: int, n_single: int, max_new_tokens: int) -> list[dict]:
    from harness.backends.hf import HFBackend
    from harness.models import resolve_model
    from harness.types import GenerationRequest, Sampling

    model = resolve_model(str(model_dir))
    requests = [GenerationRequest(tuple(m)) for m in messages]
    sampling = Sampling(max_new_tokens=max_new_tokens)
    rows = []
    for size, batch in ((1, requests[:n_single]), (batch_size, requests)):  # reference first
        backend = HFBackend(model, precision="bf16", batch_size=size)
        list(backend.generate(batch[:1], Sampling(max_new_tokens=4)))  # warm-up: kernels, allocator
        started = time.perf_counter()
        generations = [g for _, g in backend.generate(batch, sampling)]
        seconds = time.perf_counter() - started
        tokens = sum(g.completion_tokens for g in generations)
        rows.append({"what": "generation", "settings": f"bf16, batch {size}, {len(batch)} prompts, "
                     f"{max_new_tokens} new tokens, {backend.device}", "tokens": tokens, "seconds": seconds})
        del backend
    return rows


def measure_training(model_dir: Path, tmp: Path, steps: int, batch_size: int, max_length: int) -> list[dict]:
    from harness.train.recipe import load_recipe
    from harness.train.sft import train

    rows = []
    for packing in (False, True):  # reference first
        name = "packed" if packing else "padded"
        recipe_file = tmp / f"gpu-{name}.yaml"
        recipe_file.write_text(yaml.safe_dump({
            "model": str(model_dir), "output_dir": str(tmp / f"adapter-{name}"),
            "data": {"benchmark": "spider", "split": "train"},
            "trainer": {"max_steps": steps, "per_device_train_batch_size": batch_size, "max_length": max_length,
                        "bf16": True, "packing": packing, "logging_steps": steps, "save_steps": 100000}}))
        manifest = train(load_recipe(recipe_file)).manifest
        rows.append({"what": "LoRA training", "settings": f"bf16, {name}, batch {batch_size} x {max_length}, "
                     f"{manifest['steps']} steps, {manifest['device']}", "tokens": manifest["tokens_seen"],
                     "seconds": manifest["wall_seconds"]})
    return rows


def print_table(rows: list[dict], title: str, command: str) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for column in ("what", "settings", "tokens", "seconds", "tokens/s", "ratio"):
        table.add_column(column, justify="left" if column in ("what", "settings") else "right")
    for row in rows:
        rate = row["tokens"] / row["seconds"]
        peer = next(r for r in rows if r["what"] == row["what"])  # the first row of each kind is the reference
        ratio = rate / (peer["tokens"] / peer["seconds"])
        table.add_row(row["what"], row["settings"], str(row["tokens"]), f"{row['seconds']:.1f}", f"{rate:.1f}",
                      f"{ratio:.2f}")
    Console(width=160).print(table)
    print(f"command: {command}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dry-run", action="store_true", help="tiny model, few prompts and steps (CPU is fine)")
    parser.add_argument("--prompts", type=int, default=64, help="prompts generated batched")
    parser.add_argument("--single", type=int, default=8, help="prompts generated one at a time")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--max-new-tokens", type=int, default=128)
    parser.add_argument("--train-steps", type=int, default=30)
    parser.add_argument("--train-batch-size", type=int, default=8)
    parser.add_argument("--max-length", type=int, default=1024)
    args = parser.parse_args(argv)
    if args.dry_run:
        args.prompts, args.single, args.batch_size, args.max_new_tokens = 8, 2, 4, 8
        args.train_steps, args.train_batch_size, args.max_length = 2, 2, 512
    elif not torch.cuda.is_available():
        parser.error("no CUDA device: this check is for a GPU machine (use --dry-run to try it on a CPU)")

    from harness.benchmarks import get_benchmark

    benchmark = get_benchmark("spider")
    messages = [benchmark.messages(e) for e in benchmark.examples()]
    messages = (messages * (args.prompts // len(messages) + 1))[: args.prompts]
    corpus = [m["content"] for ms in messages for m in ms]
    config = TINY if args.dry_run else QWEN25_05B
    device = torch.cuda.get_device_name() if torch.cuda.is_available() else "CPU"
    with tempfile.TemporaryDirectory(prefix="bench-gpu-") as tmp_name:
        tmp = Path(tmp_name)
        started = time.perf_counter()
        model_dir = build_model(tmp / "model", config, corpus)
        print(f"random-weight Qwen2 ({config['num_hidden_layers']} layers, hidden {config['hidden_size']}, "
              f"vocab {config['vocab_size']}) built in {time.perf_counter() - started:.1f} s", flush=True)
        rows = measure_generation(model_dir, messages, args.batch_size, args.single, args.max_new_tokens)
        rows += measure_training(model_dir, tmp, args.train_steps, args.train_batch_size, args.max_length)
    name = "tiny random Qwen2 (dry run)" if args.dry_run else "random-weight Qwen2.5-0.5B configuration"
    print_table(rows, f"harness on {device}: {name}",
                shlex.join(["python", "benchmarks/bench_gpu.py", *(argv if argv is not None else sys.argv[1:])]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
