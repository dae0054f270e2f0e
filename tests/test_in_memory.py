"""In-memory models: records identical to the same weights saved to a folder, identity = weights hash, cache hits."""
from __future__ import annotations

from pathlib import Path

import pytest
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

from harness.benchmarks.spider import SpiderBenchmark
from harness.evaluate import GenerationSpec, run
from harness.models import from_loaded, resolve_adapter, resolve_model
from harness.runs.cache import GenerationCache
from harness.runs.records import load_run
from harness.types import Sampling

TIMINGS = {"gen_seconds", "details"}  # spider's details hold only execution timings
OPTIONS = {"precision": "fp32", "batch_size": 3}


def _records(run_dir: Path) -> list[dict]:
    return [{k: v for k, v in r.to_json().items() if k not in TIMINGS} for r in load_run(run_dir)[1]]


def _peft_model(model_dir: Path):
    from peft import LoraConfig, get_peft_model

    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32)
    torch.manual_seed(1)
    config = LoraConfig(r=4, lora_alpha=16, target_modules=["q_proj", "v_proj"], init_lora_weights=False)
    peft_model = get_peft_model(model, config, adapter_name="first")
    peft_model.add_adapter("second", LoraConfig(r=2, lora_alpha=8, target_modules=["o_proj"], init_lora_weights=False))
    return peft_model


def test_in_memory_records_equal_saved_folder_and_second_call_is_cached(tiny_model_dir, tiny_spider, tmp_path):
    bench = SpiderBenchmark(tiny_spider, "dev", workers=1)
    sampling = Sampling(max_new_tokens=6)
    peft_model = _peft_model(tiny_model_dir)
    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    tokenizer.padding_side = "right"
    peft_model.save_pretrained(tmp_path / "adapters")  # adapters/first, adapters/second
    folders = [resolve_adapter(tmp_path / "adapters" / name) for name in ("first", "second")]

    with GenerationCache(tmp_path / "cache.sqlite") as cache:
        saved = run(bench, GenerationSpec(resolve_model(str(tiny_model_dir)), folders, sampling, "hf", OPTIONS),
                    tmp_path / "saved", cache, limit=3)
        ref, adapters = from_loaded(peft_model, tokenizer)
        assert [a.name for a in adapters] == ["first", "second"]
        peft_model.train()
        memory = run(bench, GenerationSpec(ref, adapters, sampling, "hf", OPTIONS), tmp_path / "memory", cache,
                     limit=3)
        assert peft_model.training and peft_model.active_adapter == "first" and tokenizer.padding_side == "right"

        def no_backend():
            raise AssertionError("the second call must be served from the cache")

        again_ref, again_adapters = from_loaded(peft_model, tokenizer)
        again = run(bench, GenerationSpec(again_ref, again_adapters, sampling, "hf", OPTIONS), tmp_path / "again",
                    cache, limit=3, backend_factory=no_backend)

    for saved_v, memory_v, again_v in zip(saved, memory, again):
        assert saved_v.name == memory_v.name
        assert _records(saved_v.path) == _records(memory_v.path) == _records(again_v.path)
    outputs = {v.name: [r["raw_output"] for r in _records(v.path)] for v in memory}
    assert outputs["base"] != outputs["first"] != outputs["second"]  # the adapters really changed generation
    manifest = memory["base"].manifest
    assert manifest["model"]["in_memory"] and len(manifest["model"]["weights_sha256"]) == 64
    assert memory["first"].manifest["adapter"]["sha256"] != memory["second"].manifest["adapter"]["sha256"]


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
