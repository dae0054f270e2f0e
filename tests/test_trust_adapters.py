"""Adapters that change nothing (zero B, zero scaling, identical outputs) and merged-model parity."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.errors import ModelError
from harness.evaluate import GenerationSpec, run
from harness.models import resolve_adapter, resolve_model
from harness.runs.cache import GenerationCache
from harness.benchmarks.spider import SpiderBenchmark
from harness.trust.adapters import check_adapter_weights, same_as_base
from harness.trust.merged import merged_parity
from harness.trust.runs import lines
from harness.types import Sampling
from tiny_training import make_adapter


def test_zero_b_adapter_is_an_error_naming_the_weights_file(tiny_model_dir: Path, tmp_path: Path) -> None:
    adapter = make_adapter(tiny_model_dir, tmp_path / "untrained", std=None)
    with pytest.raises(ModelError, match=r"untrained/adapter_model\.safetensors: all 6 LoRA B matrices are zero"):
        check_adapter_weights(adapter)
    check_adapter_weights(make_adapter(tiny_model_dir, tmp_path / "trained", std=0.5))  # no error


def test_zero_scaling_is_an_error_naming_the_config(tiny_model_dir: Path, tmp_path: Path) -> None:
    adapter = make_adapter(tiny_model_dir, tmp_path / "a", std=0.5)
    config = json.loads((adapter / "adapter_config.json").read_text())
    (adapter / "adapter_config.json").write_text(json.dumps({**config, "lora_alpha": 0}))
    with pytest.raises(ModelError, match=r"a/adapter_config\.json: lora_alpha is 0"):
        check_adapter_weights(adapter)


def test_run_refuses_a_zero_b_adapter_before_generating(tiny_model_dir: Path, tiny_spider: Path,
                                                       tmp_path: Path) -> None:
    adapter = resolve_adapter(make_adapter(tiny_model_dir, tmp_path / "untrained", std=None))
    spec = GenerationSpec(model=resolve_model(str(tiny_model_dir)), adapters=[adapter])

    def no_backend():
        raise AssertionError("generation started")

    with GenerationCache(tmp_path / "c.sqlite") as cache, pytest.raises(ModelError, match="are zero"):
        run(SpiderBenchmark(tiny_spider), spec, tmp_path / "out", cache, backend_factory=no_backend)


def test_same_as_base_threshold() -> None:
    assert same_as_base(["a"] * 19 + ["b"], ["a"] * 20)["flagged"]  # 95%
    assert not same_as_base(["a"] * 18 + ["b", "b"], ["a"] * 20)["flagged"]  # 90%
    assert not same_as_base(["a"] * 19 + ["b"], ["a"] * 20, threshold=0.99)["flagged"]


def test_identical_output_adapter_is_flagged_and_a_working_one_is_not(tiny_model_dir: Path, tiny_spider: Path,
                                                                      tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))
    faint = resolve_adapter(make_adapter(tiny_model_dir, tmp_path / "faint", std=1e-6))  # nonzero, changes nothing
    strong = resolve_adapter(make_adapter(tiny_model_dir, tmp_path / "strong", std=1.0))
    spec = GenerationSpec(model=resolve_model(str(tiny_model_dir)), adapters=[faint, strong],
                          sampling=Sampling(max_new_tokens=6), backend_options={"precision": "fp32", "batch_size": 6})
    with GenerationCache(tmp_path / "c.sqlite") as cache:
        results = {v.name: v.summary for v in run(SpiderBenchmark(tiny_spider), spec, tmp_path / "out", cache)}
    assert results["faint"].extra["trust"]["same_as_base"] == {
        "identical": 6, "n": 6, "fraction": 1.0, "threshold": 0.95, "flagged": True}
    assert not results["strong"].extra["trust"]["same_as_base"]["flagged"]
    assert "same_as_base" not in results["base"].extra["trust"]
    warnings = lines("faint", results["faint"].extra["trust"])
    assert warnings[0][0] == "warn" and "identical to the base model's on 6 of 6" in warnings[0][1]
    saved = json.loads((tmp_path / "out" / "faint" / "summary.json").read_text())
    assert saved["extra"]["trust"]["same_as_base"]["flagged"] is True


def test_merged_model_matches_base_plus_adapter_and_drift_is_caught(tiny_model_dir: Path, tmp_path: Path) -> None:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from harness.merge import merge_adapter

    adapter = make_adapter(tiny_model_dir, tmp_path / "a", std=0.3)
    merged = merge_adapter(adapter, tmp_path / "merged", str(tiny_model_dir))
    prompts = [[{"role": "user", "content": q}] for q in ("How many singers?", "SELECT name", "JOIN ON")]
    same = merged_parity(merged, adapter, prompts, base=str(tiny_model_dir), max_new_tokens=8)
    assert same.identical == 3 and same.differing == [] and same.max_logit_diff < 1e-4

    drifted = AutoModelForCausalLM.from_pretrained(merged)
    with torch.no_grad():
        drifted.model.layers[0].self_attn.q_proj.weight.add_(0.5)
    drifted.save_pretrained(tmp_path / "drifted")
    AutoTokenizer.from_pretrained(merged).save_pretrained(tmp_path / "drifted")
    off = merged_parity(tmp_path / "drifted", adapter, prompts, base=str(tiny_model_dir), max_new_tokens=8)
    assert off.max_logit_diff > 1e-2


def test_merge_command_records_parity_and_parity_merged_checks_it(tiny_model_dir: Path, tiny_spider: Path,
                                                                   tmp_path: Path, capsys) -> None:
    from harness.cli import main as cli_main

    adapter = make_adapter(tiny_model_dir, tmp_path / "a", std=0.3)
    merged = tmp_path / "merged"
    assert cli_main(["merge", str(adapter), "--out", str(merged), "--model", str(tiny_model_dir),
                     "--parity-n", "2"]) == 0
    manifest = json.loads((merged / "harness_manifest.json").read_text())
    assert manifest["parity"]["n"] == 2 and manifest["parity"]["identical"] == 2
    assert manifest["merged_from"]["adapter"]["sha256"] == resolve_adapter(adapter).identity["sha256"]
    assert "2/2 identical greedy outputs" in capsys.readouterr().out
    assert cli_main(["parity", "--merged", str(merged), "--adapter", str(adapter), "--model", str(tiny_model_dir),
                     "--data", str(tiny_spider), "--split", "dev", "--n", "3", "--max-new-tokens", "6",
                     "--out", str(tmp_path / "parity.json")]) == 0
    report = json.loads((tmp_path / "parity.json").read_text())
    assert report["n"] == 3 and report["identical"] == 3 and report["max_logit_diff"] < 1e-4
