"""LoRA SFT on a tiny random model: validation before training, completion-only masking, prompt parity with
`harness run`, save/load/merge, manifest and resume."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from harness.backends.hf import render_prompt
from harness.errors import DataError
from harness.train.recipe import Recipe, RecipeError, load_recipe
from harness.train.sft import MANIFEST, prepare, train
from tiny_training import write_recipe


def make_recipe(tmp_path: Path, model: Path, data: Path, *overrides: str) -> Recipe:
    return load_recipe(write_recipe(tmp_path, model, data), list(overrides))


def test_target_module_the_model_lacks_fails_before_training(tmp_path, tiny_model_dir, tiny_spider) -> None:
    recipe = make_recipe(tmp_path, tiny_model_dir, tiny_spider, "lora.target_modules=[q_proj, c_attn]")
    with pytest.raises(RecipeError, match=r"tiny\.yaml: 'lora\.target_modules' names \['c_attn'\].*q_proj"):
        prepare(recipe)


def test_missing_data_field_names_file_record_and_field(tmp_path, tiny_model_dir, tiny_spider) -> None:
    rows = json.loads((tiny_spider / "dev.json").read_text())
    del rows[2]["query"]
    (tiny_spider / "dev.json").write_text(json.dumps(rows))
    with pytest.raises(DataError, match=r"dev\.json: record 2: field 'query'"):
        prepare(make_recipe(tmp_path, tiny_model_dir, tiny_spider))


def test_unknown_benchmark_option_is_a_recipe_error(tmp_path, tiny_model_dir, tiny_spider) -> None:
    with pytest.raises(RecipeError, match=r"tiny\.yaml: 'data': .*no option held_out"):
        prepare(make_recipe(tmp_path, tiny_model_dir, tiny_spider, "data.options={held_out: [shop]}"))


def test_unknown_benchmark_is_a_recipe_error(tmp_path, tiny_model_dir, tiny_spider) -> None:
    with pytest.raises(RecipeError, match=r"tiny\.yaml: 'data': unknown benchmark 'spyder'"):
        prepare(make_recipe(tmp_path, tiny_model_dir, tiny_spider, "data.benchmark=spyder"))


def test_4bit_on_cpu_is_refused(tmp_path, tiny_model_dir, tiny_spider) -> None:
    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    with pytest.raises(RecipeError, match=r"load_in_4bit.*needs a CUDA GPU"):
        prepare(make_recipe(tmp_path, tiny_model_dir, tiny_spider, "runtime.load_in_4bit=true"))


def test_labels_mask_exactly_the_prompt_and_prompt_matches_run(tmp_path, tiny_model_dir, tiny_spider) -> None:
    """The collated batch: -100 on every prompt token and on padding, the token id on every completion token;
    and the prompt tokens are exactly what `harness run` renders for the same example."""
    prepared = prepare(make_recipe(tmp_path, tiny_model_dir, tiny_spider, "data.shuffle_seed=null"))
    trainer, benchmark = prepared.trainer, prepared.benchmark
    tokenizer = trainer.processing_class
    rows = [trainer.train_dataset[i] for i in range(len(trainer.train_dataset))]
    batch = trainer.data_collator(rows)
    examples = benchmark.examples()
    assert len(rows) == len(examples) == 6
    for i, example in enumerate(examples):
        prompt_text = render_prompt(tokenizer, benchmark.messages(example))
        prompt_ids = tokenizer(prompt_text, add_special_tokens=False).input_ids
        completion_ids = tokenizer(benchmark.completion(example) + "<|im_end|>\n", add_special_tokens=False).input_ids
        n_prompt, n_total = len(prompt_ids), len(rows[i]["input_ids"])
        input_ids, labels = batch["input_ids"][i].tolist(), batch["labels"][i].tolist()
        assert input_ids[:n_prompt] == prompt_ids  # prompt parity, token for token
        assert tokenizer.decode(input_ids[:n_prompt]) == prompt_text
        assert input_ids[n_prompt:n_total] == completion_ids
        assert labels[:n_prompt] == [-100] * n_prompt
        assert labels[n_prompt:n_total] == input_ids[n_prompt:n_total]
        assert labels[n_total:] == [-100] * (len(labels) - n_total)  # padding
    # Spider gold is MySQL back-quoted; the trained answer is plain (example 4 of the tiny set has `item`).
    assert "`" not in tokenizer.decode(batch["input_ids"][4].tolist())


def test_chat_template_kwargs_reach_the_template(tmp_path, tiny_model_dir, tiny_spider) -> None:
    template_dir = tmp_path / "thinking-model"
    import shutil

    shutil.copytree(tiny_model_dir, template_dir)
    config_path = template_dir / "tokenizer_config.json"
    config = json.loads(config_path.read_text())
    template = config.get("chat_template") or (template_dir / "chat_template.jinja").read_text()
    template = "{% if enable_thinking is false %}NOTHINK {% endif %}" + template
    if "chat_template" in config:
        config["chat_template"] = template
        config_path.write_text(json.dumps(config))
    else:
        (template_dir / "chat_template.jinja").write_text(template)
    prepared = prepare(make_recipe(tmp_path, template_dir, tiny_spider, "chat_template_kwargs.enable_thinking=false"))
    tokenizer = prepared.trainer.processing_class
    text = tokenizer.decode(prepared.trainer.train_dataset[0]["input_ids"])
    assert text.startswith("NOTHINK <|im_start|>system")


def test_train_save_load_merge_and_resume(tmp_path, tiny_model_dir, tiny_spider) -> None:
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from harness.merge import merge_adapter
    from harness.models import resolve_adapter

    recipe = make_recipe(tmp_path, tiny_model_dir, tiny_spider)
    result = train(recipe)
    adapter_dir = result.path
    manifest = json.loads((adapter_dir / MANIFEST).read_text())
    assert manifest["steps"] == 2 and manifest["n_examples"] == 6 and manifest["n_tokens"] > 0
    assert [p["step"] for p in manifest["loss_curve"]] == [1, 2]
    assert manifest["tokens_per_second"] > 0 and manifest["wall_seconds"] >= 0
    assert manifest["data"]["split_sha256"] and manifest["recipe"]["lora"]["r"] == 4
    assert manifest["model"]["spec"] == str(tiny_model_dir) and "sha256" in manifest["model"]
    assert {"libraries", "git_sha"} <= set(manifest)
    config = json.loads((adapter_dir / "adapter_config.json").read_text())
    assert config["base_model_name_or_path"] == str(tiny_model_dir)
    assert resolve_adapter(adapter_dir).identity["base_model"] == str(tiny_model_dir)

    # Base + adapter vs. merged: the same logits and greedy tokens, and different from the base alone.
    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    inputs = tokenizer("SELECT name FROM singer", return_tensors="pt")
    base = AutoModelForCausalLM.from_pretrained(tiny_model_dir)
    with torch.no_grad():
        base_logits = base(**inputs).logits
        peft_model = PeftModel.from_pretrained(base, str(adapter_dir)).eval()
        adapted_logits = peft_model(**inputs).logits
        adapted_tokens = peft_model.generate(**inputs, max_new_tokens=8, do_sample=False)
    merged_dir = merge_adapter(adapter_dir, tmp_path / "merged")
    merged = AutoModelForCausalLM.from_pretrained(merged_dir).eval()
    with torch.no_grad():
        merged_logits = merged(**inputs).logits
        merged_tokens = merged.generate(**inputs, max_new_tokens=8, do_sample=False)
    assert not torch.allclose(base_logits, adapted_logits, atol=1e-4)
    assert torch.allclose(adapted_logits, merged_logits, atol=1e-4)
    assert torch.equal(adapted_tokens, merged_tokens)
    assert AutoTokenizer.from_pretrained(merged_dir).chat_template

    # Resume from the last checkpoint (step 2) up to step 3.
    resumed = train(make_recipe(tmp_path, tiny_model_dir, tiny_spider, "trainer.max_steps=3"), resume=True)
    assert resumed.manifest["steps"] == 3 and resumed.manifest["resumed"] is True
    assert [p["step"] for p in resumed.manifest["loss_curve"]] == [1, 2, 3]


def test_recipe_eval_section_scores_while_training(tmp_path, tiny_model_dir, tiny_spider, monkeypatch) -> None:
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))
    recipe = make_recipe(tmp_path, tiny_model_dir, tiny_spider,
                         f"eval={{every_n_steps: 1, limit: 2, max_new_tokens: 4, path: {tiny_spider}, split: dev}}")
    result = train(recipe)
    evals = result.path / "evals"
    assert sorted(p.name for p in evals.iterdir()) == ["step-1", "step-2"]
    history = json.loads((result.path / "checkpoints" / "checkpoint-2" / "trainer_state.json").read_text())
    assert [e["step"] for e in history["log_history"] if "eval_spider_execution_accuracy" in e] == [1, 2]


def test_resume_without_checkpoint_is_refused(tmp_path, tiny_model_dir, tiny_spider) -> None:
    with pytest.raises(RecipeError, match="--resume: no checkpoint under"):
        train(make_recipe(tmp_path, tiny_model_dir, tiny_spider), resume=True)


def test_padding_free_batch_gives_the_padded_loss(tmp_path, tiny_model_dir, tiny_spider) -> None:
    """Padding-free flattens a batch into one sequence; attention must stay within each example (the model
    derives the boundaries from position_ids), so the loss equals the padded batch's."""
    from trl.trainer.sft_trainer import DataCollatorForLanguageModeling

    prepared = prepare(make_recipe(tmp_path, tiny_model_dir, tiny_spider))
    trainer = prepared.trainer
    rows = [trainer.train_dataset[i] for i in range(4)]
    pad_id = trainer.processing_class.pad_token_id
    padded = DataCollatorForLanguageModeling(pad_token_id=pad_id)(rows)
    flat = DataCollatorForLanguageModeling(pad_token_id=pad_id, padding_free=True)(rows)
    assert flat["input_ids"].shape[0] == 1 and padded["input_ids"].shape[0] == 4
    model = trainer.model.eval()
    with torch.no_grad():
        loss_padded = model(**{k: padded[k] for k in ("input_ids", "attention_mask", "labels")}).loss
        loss_flat = model(**{k: flat[k] for k in ("input_ids", "position_ids", "labels")}).loss
    assert torch.allclose(loss_padded, loss_flat, atol=1e-5)


def test_cli_train_then_merge(tmp_path, tiny_model_dir, tiny_spider, capsys) -> None:
    import argparse

    from harness.cli import merge as merge_cli
    from harness.cli import train as train_cli

    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    train_cli.add_parser(sub)
    merge_cli.add_parser(sub)
    recipe = make_recipe(tmp_path, tiny_model_dir, tiny_spider)
    args = parser.parse_args(["train", str(recipe.source), "--set", "trainer.max_steps=1", "--set", "lora.r=2"])
    assert args.func(args) == 0
    adapter = tmp_path / "adapter"
    assert json.loads((adapter / "adapter_config.json").read_text())["r"] == 2
    assert f"harness run spider --adapter {adapter}" in capsys.readouterr().out.replace("\n", "")
    args = parser.parse_args(["merge", str(adapter), "--out", str(tmp_path / "merged")])
    assert args.func(args) == 0
    assert (tmp_path / "merged" / "config.json").is_file() and (tmp_path / "merged" / "tokenizer_config.json").is_file()
