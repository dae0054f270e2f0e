"""Fold a LoRA adapter into its base model: a standalone folder for serving or GGUF export."""
from __future__ import annotations

from pathlib import Path

from harness.errors import ModelError


def merge_adapter(adapter: str | Path, out: str | Path, model: str | None = None) -> Path:
    """Base + adapter -> `merge_and_unload()` -> a folder that `from_pretrained` loads without peft."""
    from harness.models import resolve_adapter, resolve_model

    adapter_ref = resolve_adapter(adapter, argument="adapter")  # the CLI's positional; checked before heavy imports
    spec = model or adapter_ref.identity["base_model"]
    if not spec:
        raise ModelError(f"{adapter_ref.path}/adapter_config.json names no base_model_name_or_path; pass --model")
    base_ref = resolve_model(spec)

    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    base = AutoModelForCausalLM.from_pretrained(base_ref.path, dtype="auto")
    merged = PeftModel.from_pretrained(base, str(adapter_ref.path)).merge_and_unload()
    out = Path(out)
    merged.save_pretrained(out)
    tokenizer_source = adapter_ref.path if (adapter_ref.path / "tokenizer_config.json").is_file() else base_ref.path
    AutoTokenizer.from_pretrained(tokenizer_source).save_pretrained(out)
    return out
