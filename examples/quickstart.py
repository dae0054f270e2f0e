# %% [markdown]
# # harness quickstart: train, evaluate while training, compare with the base model
#
# Everything in one Python process, nothing saved in between: a LoRA adapter is trained for a few steps on
# the embedded SmolLM2-135M-Instruct with the mini Spider the project ships, `EvalCallback` scores it every
# few steps on a fixed set of dev questions, then the trained model object is evaluated next to its base
# and the report (with the learning curve) is written.
#
# Run it as a script (`python examples/quickstart.py`) or open it in Jupyter / VS Code (percent cells).
# The environment variables below only exist so that the test suite can run this file on a tiny model.

# %%
import os
from pathlib import Path

import torch
from datasets import Dataset
from peft import LoraConfig
from transformers import AutoModelForCausalLM, AutoTokenizer
from trl import SFTConfig, SFTTrainer

import harness
from harness.benchmarks import get_benchmark
from harness.cli.common import print_summaries
from harness.models import resolve_model
from harness.report.compare import format_ci
from harness.train.sft import sft_rows
from harness.types import Sampling

MODEL = os.environ.get("QUICKSTART_MODEL")  # None: the embedded SmolLM2-135M-Instruct
DATA = os.environ.get("QUICKSTART_DATA")  # None: the mini Spider the project ships
STEPS = int(os.environ.get("QUICKSTART_STEPS", "20"))
LIMIT = int(os.environ.get("QUICKSTART_LIMIT", "12"))  # dev questions scored at each evaluation
MAX_NEW_TOKENS = int(os.environ.get("QUICKSTART_MAX_NEW_TOKENS", "80"))
OUT = Path(os.environ.get("QUICKSTART_OUT", "quickstart"))

# %% [markdown]
# ## The model, and training rows built from the benchmark's own prompts
# `sft_rows` gives conversational prompt/completion pairs: exactly the prompts `harness run` scores.

# %%
path = resolve_model(MODEL).path  # the embedded GGUF is converted once into harness's cache
tokenizer = AutoTokenizer.from_pretrained(path)
model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32)
train_split = get_benchmark("spider", data=DATA, split="train")
rows = sft_rows(train_split, train_split.examples(), {})
print(f"{len(rows)} training rows, e.g. {rows[0]['completion'][0]['content']!r}")

# %% [markdown]
# ## Train with `EvalCallback`
# Every `every_n_steps` steps it generates with the model being trained (eval mode, RNG states restored),
# writes `OUT/adapter/evals/step-N/`, and logs `eval_spider_*` through the trainer: they land in
# `trainer.state.log_history` and in whatever `report_to` names (tensorboard, wandb, swanlab).

# %%
trainer = SFTTrainer(
    model=model,
    args=SFTConfig(output_dir=str(OUT / "adapter"), max_steps=STEPS, per_device_train_batch_size=4,
                   learning_rate=4e-4, lr_scheduler_type="cosine", logging_steps=5, save_strategy="no",
                   use_cpu=not torch.cuda.is_available(), bf16=False, gradient_checkpointing=False,
                   completion_only_loss=True, report_to=[], disable_tqdm=True),
    train_dataset=Dataset.from_list(rows), processing_class=tokenizer,
    peft_config=LoraConfig(r=16, lora_alpha=32, target_modules="all-linear", task_type="CAUSAL_LM"),
)
sampling = Sampling(max_new_tokens=MAX_NEW_TOKENS)
callback = harness.EvalCallback("spider", data=DATA, every_n_steps=max(STEPS // 2, 1), limit=LIMIT, sampling=sampling)
callback.attach(trainer)
trainer.train()
for entry in trainer.state.log_history:
    if "eval_spider_execution_accuracy" in entry:
        print(f"step {entry['step']}: execution accuracy {entry['eval_spider_execution_accuracy']:.3f}")

# %% [markdown]
# ## Evaluate the trained model object next to its base
# `trainer.model` is a PeftModel: the base model and its adapter ("default") are both scored, in memory.
# They are identified by a hash of their weights, so running this cell again is served from the cache.
# (Trained from a recipe instead, `adapter = harness.train("adapters/recipes/demo-spider-smollm2.yaml")` returns
# an `harness.Adapter`, its folder and training manifest, which goes as it is into
# `harness.evaluate("spider", adapters=[adapter])`.)

# %%
run = harness.evaluate("spider", trainer.model, tokenizer=tokenizer, data=DATA, limit=LIMIT, out=OUT / "runs",
                       generation={"max_new_tokens": MAX_NEW_TOKENS, "batch_size": 8})
print_summaries(run)

# %% [markdown]
# ## Adapter minus base, with a paired bootstrap CI and McNemar's test

# %%
comparison = harness.compare(run["base"], run["default"])
for metric in comparison.metrics.values():
    print(f"{metric.metric}: {metric.delta.delta:+.3f} {format_ci(metric.delta, digits=3)}")

# %% [markdown]
# ## The report: leaderboard, learning curve (the callback's evaluations from step 0 = base), drill-down

# %%
markdown, page = harness.report([OUT / "runs", OUT / "adapter" / "evals"], OUT / "report")
print(f"wrote {markdown} and {page}")
