"""transformers backend (CPU or GPU): batched greedy/sampled generation, chat templates, LoRA via peft."""
from __future__ import annotations

import copy
import time
from contextlib import contextmanager, nullcontext
from typing import Any, Iterator, Sequence

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer, PreTrainedTokenizerBase

from harness.backends.base import Backend
from harness.backends.precision import resolve_precision
from harness.errors import ConfigError
from harness.models import AdapterRef, ModelRef
from harness.types import Generation, GenerationRequest, Message, Sampling

DTYPES = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}


def load_tokenizer(model: ModelRef) -> PreTrainedTokenizerBase:
    # An in-memory model's tokenizer is copied: the caller's (a trainer's) padding side stays as it was.
    tokenizer = copy.deepcopy(model.loaded.tokenizer) if model.loaded else AutoTokenizer.from_pretrained(model.path)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    tokenizer.padding_side = "left"  # decoder-only batched generation continues from the right edge
    return tokenizer


def render_prompt(tokenizer: PreTrainedTokenizerBase, messages: Sequence[Message],
                  chat_template_kwargs: dict[str, Any] | None = None) -> str:
    """The exact text a model sees: its chat template with the generation prompt appended."""
    return tokenizer.apply_chat_template(list(messages), tokenize=False, add_generation_prompt=True,
                                         **(chat_template_kwargs or {}))


class HFBackend(Backend):
    name = "hf"

    def __init__(self, model: ModelRef, adapters: Sequence[AdapterRef] = (), *, precision: str = "auto",
                 batch_size: int = 8, device: str | None = None,
                 chat_template_kwargs: dict[str, Any] | None = None):
        self.device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        if model.loaded is not None and precision == "auto":  # an in-memory model generates in its own dtype
            precision = precision_name(next(model.loaded.model.parameters()).dtype)
        precision = resolve_precision(precision, cuda=self.device.startswith("cuda"))
        if precision not in DTYPES:
            raise ConfigError(f"precision {precision!r}: expected one of auto, {', '.join(DTYPES)}")
        self.precision = precision
        self.batch_size = batch_size
        self.chat_template_kwargs = chat_template_kwargs or {}
        self.tokenizer = load_tokenizer(model)
        self.adapters = [a.name for a in adapters]
        self.in_memory = model.loaded is not None
        if self.in_memory:
            self._use_loaded(model, adapters)
            return
        self.model = AutoModelForCausalLM.from_pretrained(model.path, dtype=DTYPES[precision]).to(self.device)
        if adapters:
            from peft import PeftModel

            first, *rest = adapters
            self.model = PeftModel.from_pretrained(self.model, str(first.path), adapter_name=first.name)
            for a in rest:
                self.model.load_adapter(str(a.path), adapter_name=a.name)
        self.model.eval()

    def _use_loaded(self, model: ModelRef, adapters: Sequence[AdapterRef]) -> None:
        """Generate with the caller's object as it is: its dtype, device and adapters; nothing is saved."""
        self.model = model.loaded.model
        param = next(self.model.parameters())
        if param.dtype != DTYPES[self.precision]:
            raise ConfigError(f"precision {self.precision!r}, but the in-memory model's weights are {param.dtype}: "
                             f"pass precision={precision_name(param.dtype)!r} (the model is used as it is)")
        self.device = str(param.device)
        missing = [a.name for a in adapters if a.name not in getattr(self.model, "peft_config", {})]
        if missing:
            raise ConfigError(f"adapters {missing} are not loaded in the in-memory model")

    def settings(self) -> dict[str, Any]:
        return {"backend": self.name, "precision": self.precision, "batch_size": self.batch_size,
                "device": self.device, "chat_template_kwargs": self.chat_template_kwargs}

    def generate(self, requests: Sequence[GenerationRequest], sampling: Sampling) -> Iterator[tuple[int, Generation]]:
        prompts = [render_prompt(self.tokenizer, r.messages, self.chat_template_kwargs) for r in requests]
        lengths = [len(self.tokenizer(p, add_special_tokens=False).input_ids) for p in prompts]
        for adapter in dict.fromkeys(r.adapter for r in requests):
            if adapter is not None and adapter not in self.adapters:
                raise ValueError(f"request names adapter {adapter!r}, but only {self.adapters} are loaded")
            # Longest first: similar lengths share a batch (less padding), and an out-of-memory shows up early.
            order = sorted((i for i, r in enumerate(requests) if r.adapter == adapter), key=lambda i: -lengths[i])
            for start in range(0, len(order), self.batch_size):
                batch = order[start : start + self.batch_size]
                yield from zip(batch, self._generate_batch([prompts[i] for i in batch], adapter, sampling))

    def _generate_batch(self, prompts: list[str], adapter: str | None, sampling: Sampling) -> list[Generation]:
        inputs = self.tokenizer(prompts, return_tensors="pt", padding=True, add_special_tokens=False).to(self.device)
        options: dict[str, Any] = {"max_new_tokens": sampling.max_new_tokens, "pad_token_id": self.tokenizer.pad_token_id}
        if sampling.greedy:
            options.update(do_sample=False, temperature=None, top_p=None, top_k=None)
        else:
            torch.manual_seed(sampling.seed)
            options.update(do_sample=True, temperature=sampling.temperature, top_p=sampling.top_p)
        started = time.perf_counter()
        with self._generating(), self._adapter(adapter):
            output = self.model.generate(**inputs, **options, use_cache=True)
        seconds = (time.perf_counter() - started) / len(prompts)
        new_tokens = output[:, inputs.input_ids.shape[1] :]
        texts = self.tokenizer.batch_decode(new_tokens, skip_special_tokens=True)
        prompt_tokens = inputs.attention_mask.sum(dim=1).tolist()
        completion_tokens = _count_until_stop(new_tokens, self.tokenizer)
        return [Generation(t, p, c, seconds) for t, p, c in zip(texts, prompt_tokens, completion_tokens)]

    @contextmanager
    def _generating(self):
        """Eval mode without autograd; an in-memory model gets its training mode and active adapter back."""
        if not self.in_memory:
            with torch.inference_mode():
                yield
            return
        training, active = self.model.training, getattr(self.model, "active_adapter", None)
        self.model.eval()
        try:
            with torch.no_grad():  # not inference_mode: its tensors must never meet a training step's autograd
                yield
        finally:
            self.model.train(training)
            if self.adapters and active is not None:
                self.model.set_adapter(active)

    def _adapter(self, adapter: str | None):
        """Context in which the model generates as the named variant."""
        if not self.adapters:
            return nullcontext()
        if adapter is None:
            return self.model.disable_adapter()
        self.model.set_adapter(adapter)
        return nullcontext()


def precision_name(dtype: torch.dtype) -> str:
    return next((name for name, d in DTYPES.items() if d == dtype), str(dtype))


def _count_until_stop(new_tokens: torch.Tensor, tokenizer: PreTrainedTokenizerBase) -> list[int]:
    """Generated tokens up to and including the first eos/pad (the rest is padding after a finished row)."""
    stops = {tokenizer.eos_token_id, tokenizer.pad_token_id} - {None}
    counts = []
    for row in new_tokens.tolist():
        n = next((i + 1 for i, t in enumerate(row) if t in stops), len(row))
        counts.append(n)
    return counts
