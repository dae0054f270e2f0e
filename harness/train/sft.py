"""LoRA supervised fine-tuning with trl's SFTTrainer on a benchmark's own prompts.

Rows are conversational prompt/completion pairs built by `benchmark.messages` and `benchmark.completion`:
the same prompt builder `harness run` uses, rendered by the model's chat template, with the loss on the
completion tokens only.
"""
from __future__ import annotations

import json
import random
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from rich.console import Console
from transformers import AutoModelForCausalLM, AutoTokenizer, PreTrainedTokenizerBase, TrainerCallback
from transformers.trainer_callback import PrinterCallback

from harness.benchmarks import get_benchmark
from harness.benchmarks.base import Benchmark
from harness.console import make_console
from harness.progress import LoopProgress
from harness.errors import DataError
from harness.models import ADAPTER_MANIFEST as MANIFEST
from harness.models import DEFAULT_MODEL, Adapter, ModelRef, resolve_model
from harness.io import hash_path
from harness.runs.manifest import build_manifest
from harness.train.recipe import Recipe, RecipeError
from harness.trust.contamination import summary_line, training_contamination
from harness.types import Example

CHECKPOINTS = "checkpoints"


def load_benchmark(recipe: Recipe) -> Benchmark:
    options = dict(recipe.data.options)
    if recipe.data.path is not None:
        if not Path(recipe.data.path).exists() and not _looks_like_hub_id(recipe.data.path):
            raise RecipeError(f"{recipe.source}: data.path {recipe.data.path} does not exist here ({Path.cwd()}); "
                              f"give the data's location: --set data.path=PATH")
        options["data"] = recipe.data.path
    try:
        return get_benchmark(recipe.data.benchmark, split=recipe.data.split, **options)
    except DataError:
        raise
    except (TypeError, ValueError) as err:  # unknown benchmark or an option its constructor does not take
        raise RecipeError(f"{recipe.source}: 'data': {err}") from None


def _looks_like_hub_id(path: str) -> bool:
    """`org/name` (a hub dataset some benchmarks load), not a relative or absolute path to a file or folder."""
    return path.count("/") == 1 and not path.startswith((".", "/", "~")) and not Path(path).suffix


def training_examples(recipe: Recipe, benchmark: Benchmark) -> list[Example]:
    examples = list(benchmark.examples())
    if recipe.data.shuffle_seed is not None:
        random.Random(recipe.data.shuffle_seed).shuffle(examples)
    if recipe.data.limit is not None:
        examples = examples[: recipe.data.limit]
    if not examples:
        raise DataError(f"{recipe.source}: benchmark {benchmark.name!r} split {recipe.data.split!r} has no examples "
                        f"after options {recipe.data.options}")
    return examples


def sft_rows(benchmark: Benchmark, examples: list[Example], chat_template_kwargs: dict[str, Any]) -> list[dict[str, Any]]:
    """Conversational prompt/completion rows; trl renders them with the chat template and masks the prompt."""
    rows = []
    for example in examples:
        completion = benchmark.completion(example)
        if not completion.strip():
            raise DataError(f"{benchmark.name} example {example.index} {dict(example.inputs)}: empty completion "
                            f"(expected the answer text the model is trained to give)")
        row: dict[str, Any] = {"prompt": benchmark.messages(example),
                               "completion": [{"role": "assistant", "content": completion}]}
        if chat_template_kwargs:
            row["chat_template_kwargs"] = chat_template_kwargs
        rows.append(row)
    return rows


def load_training_tokenizer(model: ModelRef) -> PreTrainedTokenizerBase:
    tokenizer = AutoTokenizer.from_pretrained(model.path)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    if not tokenizer.chat_template:
        raise RecipeError(f"model {model.source}: its tokenizer has no chat template (expected an instruct/chat model)")
    return tokenizer


def load_training_model(recipe: Recipe, model: ModelRef, on_gpu: bool) -> torch.nn.Module:
    options: dict[str, Any] = {}
    if recipe.runtime.load_in_4bit:
        if not on_gpu:
            raise RecipeError(f"{recipe.source}: 'runtime.load_in_4bit' (QLoRA) needs a CUDA GPU and bitsandbytes; "
                              f"set it to false to train on this CPU")
        from transformers import BitsAndBytesConfig

        options["quantization_config"] = BitsAndBytesConfig(
            load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=True,
            bnb_4bit_compute_dtype=torch.bfloat16)
    # On a GPU bf16 weights halve memory; on a CPU keep fp32 weights and let bf16 autocast do the matmuls.
    dtype = torch.bfloat16 if on_gpu and recipe.trainer_arguments().get("bf16") else torch.float32
    return AutoModelForCausalLM.from_pretrained(model.path, dtype=dtype, **options)


def check_target_modules(recipe: Recipe, model: torch.nn.Module) -> None:
    targets = recipe.lora_arguments().get("target_modules")
    if targets is None or isinstance(targets, str):  # "all-linear" or a regular expression
        return
    linear = {name.rsplit(".", 1)[-1] for name, module in model.named_modules()
              if isinstance(module, torch.nn.Linear) or type(module).__name__ == "Linear4bit"}
    missing = [t for t in targets if t not in linear]
    if missing:
        raise RecipeError(f"{recipe.source}: 'lora.target_modules' names {missing}, which this model does not have; "
                          f"expected some of: {', '.join(sorted(linear))} (or 'all-linear')")


def lora_config(recipe: Recipe):
    from peft import LoraConfig

    return _construct(LoraConfig, recipe, "lora", {**recipe.lora_arguments(), "task_type": "CAUSAL_LM"})


def sft_config(recipe: Recipe, output_dir: Path, on_gpu: bool):
    from trl import SFTConfig

    given = recipe.trainer_arguments()
    for old, new in (("gradient_checkpointing", "activation_checkpointing"),
                     ("gradient_checkpointing_kwargs", "activation_checkpointing_kwargs")):
        if old in given and new not in given:  # transformers' deprecated alias warns on every run
            given[new] = given.pop(old)
    if given.get("report_to") == "none":
        given["report_to"] = []
    return _construct(SFTConfig, recipe, "trainer", {
        **given, "output_dir": str(output_dir), "use_cpu": not on_gpu, "completion_only_loss": True,
        "include_num_input_tokens_seen": "non_padding", "disable_tqdm": True})


def _construct(cls: type, recipe: Recipe, section: str, arguments: dict[str, Any]) -> Any:
    """The library's own checks (ranges, combinations) reported like the recipe's."""
    try:
        return cls(**arguments)
    except (TypeError, ValueError) as err:
        raise RecipeError(f"{recipe.source}: {section!r}: {cls.__name__} rejected it: {err}") from None


def eval_callback(recipe: Recipe):
    """The recipe's `eval:` section as an EvalCallback (None without one)."""
    from harness.train.callback import EvalCallback
    from harness.types import Sampling

    settings = recipe.eval
    if settings is None:
        return None
    try:
        return EvalCallback(settings.benchmark or recipe.data.benchmark, every_n_steps=settings.every_n_steps,
                            limit=settings.limit, options=settings.options, split=settings.split,
                            data=settings.path, sampling=Sampling(max_new_tokens=settings.max_new_tokens),
                            batch_size=settings.batch_size, chat_template_kwargs=recipe.chat_template_kwargs,
                            out=recipe.adapter_dir() / "evals")
    except DataError:
        raise
    except (TypeError, ValueError) as err:
        raise RecipeError(f"{recipe.source}: 'eval': {err}") from None


class RichProgress(TrainerCallback):
    """A rich bar with the latest loss and an ETA in a terminal; in a log, one flushed line per logging step
    (step, loss, learning rate, tokens/s, ETA). Replaces the trainer's tqdm and its printed log dicts."""

    def __init__(self, console: Console | None = None):
        self.console = console or make_console(stderr=True)
        self.loop: LoopProgress | None = None
        self.tokens_at_start = 0

    def on_train_begin(self, args, state, control, **kwargs):
        self.loop = LoopProgress("step", state.max_steps, console=self.console, start=state.global_step,
                                 extra="loss {task.fields[info]}")
        self.loop.__enter__()
        self.tokens_at_start = state.num_input_tokens_seen

    def on_step_end(self, args, state, control, **kwargs):
        self.loop.update(state.global_step)

    def on_log(self, args, state, control, logs=None, **kwargs):
        if not logs or "loss" not in logs:
            return
        elapsed = time.perf_counter() - self.loop.started
        rate = (state.num_input_tokens_seen - self.tokens_at_start) / elapsed if elapsed else 0.0
        loss = f"{float(logs['loss']):.4f}"
        self.loop.report(state.global_step, f"loss {loss} lr {float(logs.get('learning_rate', 0)):.2e} "
                                            f"{rate:.1f} tokens/s", info=loss)

    def on_train_end(self, args, state, control, **kwargs):
        self.loop.__exit__(None, None, None)


@dataclass
class Prepared:
    """A ready trainer and what the manifest says about its inputs."""

    trainer: Any  # trl.SFTTrainer
    benchmark: Benchmark
    model_ref: ModelRef
    n_examples: int
    n_tokens: int


def prepare(recipe: Recipe, console: Console | None = None) -> Prepared:
    """Everything before the first step: data (validated), model, target-module check, tokenised dataset."""
    from datasets import Dataset
    from trl import SFTTrainer

    # peft and trl read transformers' deprecated `is_gradient_checkpointing` alias; nothing a user can change.
    warnings.filterwarnings("ignore", message=r"`is_gradient_checkpointing` is deprecated", category=FutureWarning)

    if recipe.runtime.threads:
        torch.set_num_threads(recipe.runtime.threads)
    on_gpu = torch.cuda.is_available()
    args, peft_config = sft_config(recipe, recipe.adapter_dir() / CHECKPOINTS, on_gpu), lora_config(recipe)
    evaluator = eval_callback(recipe)
    benchmark = load_benchmark(recipe)
    rows = sft_rows(benchmark, training_examples(recipe, benchmark), recipe.chat_template_kwargs)
    model_ref = resolve_model(recipe.model)
    tokenizer = load_training_tokenizer(model_ref)
    model = load_training_model(recipe, model_ref, on_gpu)
    check_target_modules(recipe, model)
    trainer = SFTTrainer(model=model, args=args, train_dataset=Dataset.from_list(rows), processing_class=tokenizer,
                         peft_config=peft_config, callbacks=[RichProgress(console)])
    trainer.remove_callback(PrinterCallback)  # with tqdm disabled it would print every log dict
    if evaluator is not None:
        evaluator.attach(trainer)
    n_tokens = sum(len(ids) for ids in trainer.train_dataset["input_ids"])
    return Prepared(trainer, benchmark, model_ref, len(rows), n_tokens)


def train(recipe: Recipe, *, resume: bool = False, console: Console | None = None) -> Adapter:
    """Prepare (all validation happens before the first step), train, save the adapter and its manifest."""
    console = console or make_console(stderr=True)
    out_dir = recipe.adapter_dir()
    checkpoint_dir = out_dir / CHECKPOINTS
    if resume and not any(checkpoint_dir.glob("checkpoint-*")):
        raise RecipeError(f"--resume: no checkpoint under {checkpoint_dir} (train without --resume first)")
    p = prepare(recipe, console)
    trainer = p.trainer
    contamination = training_contamination(recipe, p.benchmark, training_examples(recipe, p.benchmark))
    console.print(f"contamination: {summary_line(contamination) if 'counts' in contamination else contamination['error']}")
    console.print(f"training {p.model_ref.source} on {p.n_examples} {p.benchmark.name} examples "
                  f"({p.n_tokens} tokens) -> {out_dir}")
    tokens_before = _tokens_at_last_checkpoint(checkpoint_dir) if resume else 0
    started = time.perf_counter()
    output = trainer.train(resume_from_checkpoint=True if resume else None)
    wall = time.perf_counter() - started
    tokens_this_run = trainer.state.num_input_tokens_seen - tokens_before

    trainer.model.save_pretrained(out_dir)
    trainer.processing_class.save_pretrained(out_dir)
    set_base_model(out_dir, recipe.model or DEFAULT_MODEL)
    manifest = build_manifest(
        p.benchmark, recipe=recipe.as_dict(), recipe_file=recipe.source, resumed=resume,
        model={"spec": recipe.model or DEFAULT_MODEL, **p.model_ref.identity},
        n_examples=p.n_examples, n_tokens=p.n_tokens,
        tokens_seen=int(trainer.state.num_input_tokens_seen),
        steps=trainer.state.global_step, final_loss=output.training_loss,
        loss_curve=[{"step": e["step"], "loss": float(e["loss"])} for e in trainer.state.log_history if "loss" in e],
        wall_seconds=round(wall, 1),
        tokens_per_second=round(tokens_this_run / wall, 1) if wall else None,
        device=str(trainer.args.device), threads=torch.get_num_threads(), contamination=contamination,
    )
    manifest["adapter_sha256"] = hash_path(out_dir / "adapter_model.safetensors")
    (out_dir / MANIFEST).write_text(json.dumps(manifest, indent=1, default=str))
    return Adapter(out_dir.name, out_dir, manifest)


def _tokens_at_last_checkpoint(checkpoint_dir: Path) -> int:
    last = max(checkpoint_dir.glob("checkpoint-*"), key=lambda p: int(p.name.rsplit("-", 1)[1]))
    state = json.loads((last / "trainer_state.json").read_text())
    return int(state.get("num_input_tokens_seen", 0))


def set_base_model(adapter_dir: Path, spec: str) -> None:
    """Record the model the user named (hub id, folder, .gguf, default alias), not the resolved cache path."""
    config_path = adapter_dir / "adapter_config.json"
    config = json.loads(config_path.read_text())
    config["base_model_name_or_path"] = spec
    config_path.write_text(json.dumps(config, indent=2, sort_keys=True))
