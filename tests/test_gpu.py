"""Real CUDA behaviour on the tiny random model: run by scripts/gpu_check.sh (`pytest -m gpu`), skipped without a GPU."""
from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch

from harness.backends.hf import HFBackend
from harness.models import resolve_adapter, resolve_model
from harness.train.recipe import load_recipe
from harness.train.sft import train
from harness.types import GenerationRequest, Sampling
from tiny_training import write_recipe

pytestmark = [pytest.mark.gpu, pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")]

QUESTIONS = ["How many singers are there?", "Names of singers older than 40, by name.", "Average age per country.",
             "Titles of items cheaper than 20.", "Most expensive item."]


def requests(adapter: str | None = None) -> list[GenerationRequest]:
    return [GenerationRequest(({"role": "user", "content": q},), adapter) for q in QUESTIONS]


def generate(backend: HFBackend, adapter: str | None = None) -> list[str]:
    out = dict(backend.generate(requests(adapter), Sampling(max_new_tokens=12)))
    return [out[i].text for i in range(len(QUESTIONS))]


def train_adapter(tmp_path: Path, model: Path, data: Path) -> dict:
    settings = ["trainer.max_steps=3", "trainer.per_device_train_batch_size=2", "trainer.max_length=256",
                "trainer.bf16=true", "trainer.packing=true", "trainer.save_steps=100"]
    return train(load_recipe(write_recipe(tmp_path, model, data), settings)).manifest


def test_batched_generation_on_cuda_matches_one_at_a_time(tiny_model_dir) -> None:
    batched = HFBackend(resolve_model(str(tiny_model_dir)), precision="fp32", batch_size=4)
    single = HFBackend(resolve_model(str(tiny_model_dir)), precision="fp32", batch_size=1)
    assert batched.device == "cuda" and next(batched.model.parameters()).is_cuda
    assert generate(batched) == generate(single)


def test_bf16_packed_training_on_cuda(tmp_path, tiny_model_dir, tiny_spider) -> None:
    manifest = train_adapter(tmp_path, tiny_model_dir, tiny_spider)
    assert manifest["device"].startswith("cuda")
    assert manifest["steps"] == 3 and manifest["tokens_seen"] > 0
    assert math.isfinite(manifest["final_loss"])
    assert (tmp_path / "adapter" / "adapter_model.safetensors").is_file()


def test_adapter_and_base_on_cuda(tmp_path, tiny_model_dir, tiny_spider) -> None:
    train_adapter(tmp_path, tiny_model_dir, tiny_spider)
    adapter = resolve_adapter(tmp_path / "adapter", name="a")
    model = resolve_model(str(tiny_model_dir))
    with_adapter = HFBackend(model, [adapter], precision="fp32", batch_size=4)
    plain = HFBackend(model, precision="fp32", batch_size=4)
    assert generate(with_adapter, None) == generate(plain)  # the adapter is off for the base variant
    lora_b = [p for n, p in with_adapter.model.named_parameters() if "lora_B" in n]
    assert lora_b and all(p.is_cuda for p in lora_b) and any(p.abs().sum() > 0 for p in lora_b)  # trained, on GPU
