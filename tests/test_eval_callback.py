"""EvalCallback: metrics at the requested steps in the trainer's log history and in run directories, and
training is not disturbed (the same losses as without the callback)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from harness.benchmarks.spider import SpiderBenchmark
from harness.errors import ConfigError
from harness.train.callback import EvalCallback
from harness.train.sft import sft_rows
from harness.types import Sampling


def make_trainer(model_dir: Path, spider: Path, out: Path):
    from datasets import Dataset
    from peft import LoraConfig
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import SFTConfig, SFTTrainer

    bench = SpiderBenchmark(spider, "dev", workers=1)
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    tokenizer.padding_side = "right"
    args = SFTConfig(output_dir=str(out), max_steps=3, per_device_train_batch_size=2, learning_rate=0.05,
                     use_cpu=True, bf16=False, gradient_checkpointing=True, report_to=[], logging_steps=1,
                     save_strategy="no", seed=0, completion_only_loss=True, disable_tqdm=True, max_length=512)
    return SFTTrainer(model=AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32), args=args,
                      train_dataset=Dataset.from_list(sft_rows(bench, bench.examples(), {})),
                      processing_class=tokenizer,
                      peft_config=LoraConfig(r=4, lora_alpha=8, lora_dropout=0.3, target_modules=["q_proj", "v_proj"]))


def _losses(trainer) -> list[float]:
    return [e["loss"] for e in trainer.state.log_history if "loss" in e]


def test_callback_logs_and_writes_runs_at_requested_steps_without_disturbing_training(
        tiny_model_dir, tiny_spider, tmp_path, monkeypatch):
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))
    plain = make_trainer(tiny_model_dir, tiny_spider, tmp_path / "plain")
    plain.train()

    trainer = make_trainer(tiny_model_dir, tiny_spider, tmp_path / "with-eval")
    # Sampled generation draws from the global RNG: without restoring it, dropout masks would change.
    callback = EvalCallback(SpiderBenchmark(tiny_spider, "dev", workers=1), every_n_steps=2, limit=2,
                            sampling=Sampling(max_new_tokens=4, temperature=1.0, seed=7)).attach(trainer)
    trainer.train()

    assert _losses(trainer) == _losses(plain)  # same dropout masks, data order and weights
    logged = [e for e in trainer.state.log_history if "eval_spider_execution_accuracy" in e]
    assert [e["step"] for e in logged] == [2, 3]  # every 2 steps and the last one
    assert {"eval_spider_exact_match", "eval_spider_execution_accuracy_ci_low"} <= set(logged[0])
    evals = tmp_path / "with-eval" / "evals"
    assert sorted(p.name for p in evals.iterdir()) == ["step-2", "step-3"]
    for entry, evaluation in zip(logged, callback.evaluations):
        summary = json.loads((evaluation.run_dir / "summary.json").read_text())
        assert evaluation.run_dir == evals / f"step-{entry['step']}" and summary["n"] == 2
        assert summary["manifest"]["model"]["step"] == entry["step"]
        assert summary["metrics"]["execution_accuracy"]["value"] == entry["eval_spider_execution_accuracy"]
        assert len((evaluation.run_dir / "records.jsonl").read_text().splitlines()) == 2
    weights = {e.summary.manifest["model"]["weights_sha256"] for e in callback.evaluations}
    assert len(weights) == 2  # scored the weights of each step, not a copy made at the start
    model = trainer.model
    assert model.training and model.is_gradient_checkpointing
    assert trainer.processing_class.padding_side == "right"


def test_callback_needs_its_trainer(tiny_model_dir, tiny_spider, tmp_path):
    trainer = make_trainer(tiny_model_dir, tiny_spider, tmp_path / "t")
    trainer.add_callback(EvalCallback(SpiderBenchmark(tiny_spider, "dev", workers=1), every_n_steps=1))
    with pytest.raises(ConfigError, match=r"callback\.attach\(trainer\)"):
        trainer.train()
    with pytest.raises(ConfigError, match="every_n_steps=0"):
        EvalCallback("spider", every_n_steps=0)
