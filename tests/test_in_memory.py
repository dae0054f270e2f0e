"""In-memory models: records identical to the same weights saved to a folder, identity = weights hash, cache hits."""
from __future__ import annotations

import importlib
from pathlib import Path

import pytest
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

import harness
from harness.benchmarks.spider import SpiderBenchmark
from harness.models import from_loaded

GENERATION = {"precision": "fp32", "batch_size": 3, "max_new_tokens": 6}
TIMINGS = {"gen_seconds", "details"}  # spider's details hold only execution timings


def _records(variant) -> list[dict]:
    return [{k: v for k, v in r.to_json().items() if k not in TIMINGS} for r in variant.records]


def _peft_model(model_dir: Path):
    from peft import LoraConfig, get_peft_model

    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32)
    torch.manual_seed(1)
    config = LoraConfig(r=4, lora_alpha=16, target_modules=["q_proj", "v_proj"], init_lora_weights=False)
    peft_model = get_peft_model(model, config, adapter_name="first")
    peft_model.add_adapter("second", LoraConfig(r=2, lora_alpha=8, target_modules=["o_proj"], init_lora_weights=False))
    return peft_model


def test_in_memory_records_equal_saved_folder_and_second_call_is_cached(tiny_model_dir, tiny_spider, tmp_path,
                                                                       monkeypatch):
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))
    bench = SpiderBenchmark(tiny_spider, "dev", workers=1)
    peft_model = _peft_model(tiny_model_dir)
    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    tokenizer.padding_side = "right"
    peft_model.save_pretrained(tmp_path / "adapters")  # adapters/first, adapters/second
    folders = [tmp_path / "adapters" / name for name in ("first", "second")]

    saved = harness.evaluate(bench, str(tiny_model_dir), folders, limit=3, generation=GENERATION,
                             out=tmp_path / "saved")
    peft_model.train()
    memory = harness.evaluate(bench, peft_model, tokenizer=tokenizer, limit=3, generation=GENERATION,
                              out=tmp_path / "memory")
    assert peft_model.training and peft_model.active_adapter == "first" and tokenizer.padding_side == "right"

    def no_backend(*args, **kwargs):
        raise AssertionError("the second call must be served from the cache")

    monkeypatch.setattr(importlib.import_module("harness.evaluate"), "get_backend", no_backend)
    again = harness.evaluate(bench, peft_model, tokenizer=tokenizer, limit=3, generation=GENERATION,
                             out=tmp_path / "again")

    assert list(saved.variants) == list(memory.variants) == list(again.variants) == ["base", "first", "second"]
    for name in saved.variants:
        assert _records(saved[name]) == _records(memory[name]) == _records(again[name])
    outputs = {name: [r.raw_output for r in v.records] for name, v in memory.variants.items()}
    assert outputs["base"] != outputs["first"] != outputs["second"]  # the adapters really changed generation
    manifest = memory["base"].summary.manifest
    assert manifest["model"]["in_memory"] and len(manifest["model"]["weights_sha256"]) == 64
    assert memory["first"].summary.manifest["adapter"]["sha256"] != memory["second"].summary.manifest["adapter"]["sha256"]


def test_identity_is_the_weights(tiny_model_dir):
    plain = AutoModelForCausalLM.from_pretrained(tiny_model_dir, dtype=torch.float32)
    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    plain_ref, _ = from_loaded(plain, tokenizer)
    base_ref, _ = from_loaded(_peft_model(tiny_model_dir), tokenizer)
    assert base_ref.identity["weights_sha256"] == plain_ref.identity["weights_sha256"]  # the base of a PeftModel
    with torch.no_grad():
        plain.lm_head.weight[0, 0] += 1e-3
    assert from_loaded(plain, tokenizer)[0].identity["weights_sha256"] != plain_ref.identity["weights_sha256"]


def test_precision_must_match_the_objects_dtype(tiny_model_dir, tiny_spider, tmp_path):
    from harness.backends.hf import HFBackend

    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir, dtype=torch.float32)
    ref, _ = from_loaded(model, AutoTokenizer.from_pretrained(tiny_model_dir))
    with pytest.raises(ValueError, match="pass precision='fp32'"):
        HFBackend(ref, precision="bf16")
