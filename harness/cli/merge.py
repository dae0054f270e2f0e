"""harness merge ADAPTER --out DIR: fold a LoRA adapter into its base model (for serving or GGUF export)."""
from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("merge", help="merge a LoRA adapter into its base model and save a standalone model")
    p.add_argument("adapter", help="adapter folder (adapter_config.json + weights)")
    p.add_argument("--out", required=True, help="folder for the merged model and tokenizer")
    p.add_argument("--model", help="base model (default: the adapter's base_model_name_or_path)")
    p.set_defaults(func=main)


def merge_adapter(adapter: str | Path, out: str | Path, model: str | None = None) -> Path:
    """Base + adapter -> `merge_and_unload()` -> a folder that `from_pretrained` loads without peft."""
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from harness.models import resolve_adapter, resolve_model

    adapter_ref = resolve_adapter(adapter)
    spec = model or adapter_ref.identity["base_model"]
    if not spec:
        raise ValueError(f"{adapter_ref.path}/adapter_config.json names no base_model_name_or_path; pass --model")
    base_ref = resolve_model(spec)
    base = AutoModelForCausalLM.from_pretrained(base_ref.path, dtype="auto")
    merged = PeftModel.from_pretrained(base, str(adapter_ref.path)).merge_and_unload()
    out = Path(out)
    merged.save_pretrained(out)
    tokenizer_source = adapter_ref.path if (adapter_ref.path / "tokenizer_config.json").is_file() else base_ref.path
    AutoTokenizer.from_pretrained(tokenizer_source).save_pretrained(out)
    return out


def main(args: argparse.Namespace) -> int:
    from rich.console import Console

    out = merge_adapter(args.adapter, args.out, args.model)
    Console().print(f"merged model: {out}  (score it: harness run BENCHMARK --model {out})")
    return 0
