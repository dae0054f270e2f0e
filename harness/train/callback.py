"""Evaluate while training: a `transformers.TrainerCallback` that scores the model being trained, in memory.

Every `every_n_steps` steps (and at the last step) it generates for a fixed subset of a benchmark (the first
`limit` examples) with the trainer's own model object, writes a run directory named by the step, and logs
the metrics through the trainer, so they reach `trainer.state.log_history` and every `report_to` logger
(tensorboard, wandb, swanlab) as `eval_<benchmark>_<metric>`.
"""
from __future__ import annotations

import random
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import torch
from transformers import TrainerCallback

from harness.benchmarks import Benchmark, get_benchmark
from harness.errors import ConfigError
from harness.runs.records import RunSummary
from harness.types import Sampling


@dataclass
class Evaluation:
    step: int
    run_dir: Path
    summary: RunSummary


class EvalCallback(TrainerCallback):
    """Score the model being trained on a fixed subset of `benchmark`, without saving it.

    Use `callback.attach(trainer)`: the callback logs through `trainer.log`, which a callback cannot reach
    otherwise. Run directories go to `out` (default: `<trainer output_dir>/evals`), one per evaluation:
    `step-<N>/records.jsonl` and `summary.json`, whose manifest records the step.
    """

    def __init__(self, benchmark: str | Benchmark, *, every_n_steps: int, limit: int | None = None,
                 options: dict[str, Any] | None = None, split: str | None = None, data: str | Path | None = None,
                 sampling: Sampling | None = None, batch_size: int = 8, out: str | Path | None = None,
                 chat_template_kwargs: dict[str, Any] | None = None):
        if every_n_steps < 1:
            raise ConfigError(f"EvalCallback every_n_steps={every_n_steps}: expected an integer >= 1")
        if isinstance(benchmark, Benchmark):
            if options or split or data:
                raise ConfigError("EvalCallback: pass options/split/data with a benchmark name, not a Benchmark")
            self.benchmark = benchmark
        else:
            extra = {"split": split} if split else {}
            self.benchmark = get_benchmark(benchmark, data=data, **extra, **(options or {}))
        self.every_n_steps = every_n_steps
        self.limit = limit
        self.sampling = sampling or Sampling()
        self.batch_size = batch_size
        self.chat_template_kwargs = chat_template_kwargs or {}
        self.out = Path(out) if out else None
        self.trainer: Any = None
        self.evaluations: list[Evaluation] = []

    def attach(self, trainer: Any) -> "EvalCallback":
        """Add this callback to `trainer` and log through it."""
        self.trainer = trainer
        trainer.add_callback(self)
        return self

    def on_train_begin(self, args, state, control, **kwargs):
        if self.trainer is None:
            raise ConfigError("EvalCallback needs its trainer to log through: use callback.attach(trainer) "
                              "instead of callbacks=[...]")
        if self.out is None:
            self.out = Path(args.output_dir) / "evals"

    def on_step_end(self, args, state, control, model=None, processing_class=None, **kwargs):
        step = state.global_step
        if step % self.every_n_steps == 0 or step == state.max_steps:
            if not state.is_world_process_zero:
                return
            evaluation = self.evaluate(model, processing_class, step)
            self._log(metrics_to_log(evaluation.summary), control)

    def _log(self, metrics: dict[str, float], control) -> None:
        """Through `Trainer.log` (log history and every report_to logger), leaving the trainer's own logging
        alone: trl's override would take its pending train metrics, and on_log clears should_log, which would
        drop this step's loss line."""
        from transformers import Trainer

        should_log = control.should_log
        Trainer.log(self.trainer, metrics)
        control.should_log = should_log

    def evaluate(self, model: Any, tokenizer: Any, step: int) -> Evaluation:
        """One evaluation of `model` as it is now; RNG states, modes and the tokenizer are left as they were."""
        from harness.evaluate import GenerationSpec, run
        from harness.models import from_loaded
        from harness.paths import cache_dir
        from harness.runs.cache import GenerationCache

        with kept_rng_state():
            ref, _ = from_loaded(model, tokenizer, whole=True)
            ref.identity.update(step=step, training_run=self.out.parent.name)
            spec = GenerationSpec(
                model=ref, sampling=self.sampling, base_name=f"step-{step}",
                backend_options={"batch_size": self.batch_size,  # precision "auto": the model's own dtype
                                 "chat_template_kwargs": self.chat_template_kwargs})
            with GenerationCache(cache_dir() / "generations.sqlite") as cache:
                [variant] = run(self.benchmark, spec, self.out, cache, limit=self.limit)
        evaluation = Evaluation(step, variant.path, variant.summary)
        self.evaluations.append(evaluation)
        return evaluation


def metrics_to_log(summary: RunSummary) -> dict[str, float]:
    """Every metric as `eval_<benchmark>_<metric>` (loggers file `eval_*` under eval/), plus the headline's CI."""
    prefix = f"eval_{summary.benchmark}_"
    logged = {prefix + name: m.value for name, m in summary.metrics.items()}
    headline = summary.metrics[summary.primary_metric]
    logged[f"{prefix}{summary.primary_metric}_ci_low"] = headline.ci_low
    logged[f"{prefix}{summary.primary_metric}_ci_high"] = headline.ci_high
    return logged


@contextmanager
def kept_rng_state() -> Iterator[None]:
    """Python, numpy and torch (CPU and CUDA) RNG states restored on exit: sampled generation must not change
    the dropout masks and data order training sees next."""
    python, numpy_state, cpu = random.getstate(), np.random.get_state(), torch.get_rng_state()
    cuda = torch.cuda.get_rng_state_all() if torch.cuda.is_available() else None
    try:
        yield
    finally:
        random.setstate(python)
        np.random.set_state(numpy_state)
        torch.set_rng_state(cpu)
        if cuda is not None:
            torch.cuda.set_rng_state_all(cuda)
