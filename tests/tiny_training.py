"""LoRA on the tiny test model (tests/conftest.py): an adapter to load, and a recipe to train one."""
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


def write_recipe(tmp_path: Path, model: Path, data: Path) -> Path:
    """`tmp_path/tiny.yaml`: 2 fp32 steps of LoRA on q and v over the Spider-layout `data`, saving each step; a test
    changes what it needs with overrides (`load_recipe(path, [...])`, `harness train --set`)."""
    path = tmp_path / "tiny.yaml"
    path.write_text(
        f"model: {model}\n"
        f"output_dir: {tmp_path / 'adapter'}\n"
        f"data: {{benchmark: spider, split: dev, path: {data}}}\n"
        "lora: {r: 4, lora_alpha: 8, lora_dropout: 0.0, target_modules: [q_proj, v_proj]}\n"
        "trainer: {learning_rate: 0.05, max_steps: 2, per_device_train_batch_size: 3, max_length: 512,\n"
        "          warmup_steps: 0, bf16: false, save_steps: 1, save_total_limit: 3}\n")
    return path
