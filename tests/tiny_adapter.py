"""A LoRA adapter on the tiny test model (tests/conftest.py), for the tests that load adapters."""
from __future__ import annotations

from pathlib import Path


def make_adapter(model_dir: Path, out: Path, std: float | None) -> Path:
    """LoRA on q, v and down projections: B left at its zero initialisation (std None) or drawn with `std` (large
    values change greedy outputs)."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    model = get_peft_model(AutoModelForCausalLM.from_pretrained(model_dir),
                           LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj", "down_proj"]))
    if std is not None:
        torch.manual_seed(1)
        with torch.no_grad():
            for name, param in model.named_parameters():
                if "lora_" in name:
                    param.normal_(std=std)
    model.save_pretrained(out)
    return out
