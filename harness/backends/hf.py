"""transformers backend (CPU or GPU): batched greedy/sampled generation, chat templates, LoRA via peft.

torch and transformers are imported when the backend is built, so reading its options (CLI flags) stays light.
"""
from __future__ import annotations

import copy
import inspect
import logging
import time
import warnings
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Callable, Iterator, Literal, Sequence

from harness.backends.base import Backend
from harness.backends.precision import resolve_precision
from harness.errors import ConfigError
from harness.models import AdapterRef, ModelRef
from harness.options import make_options, option
from harness.types import Generation, GenerationRequest, Message, Sampling

if TYPE_CHECKING:
    import torch
    from transformers import PreTrainedTokenizerBase, StaticCache

log = logging.getLogger(__name__)
DTYPES = {"bf16": "bfloat16", "fp16": "float16", "fp32": "float32"}  # torch dtype names
# A batch whose prompts share at least this many leading tokens computes them once (see HFBackend._cache).
MIN_SHARED_PREFIX = 16
# peft and trl read transformers' deprecated `is_gradient_checkpointing` alias when loading or training adapters;
# nothing a user can change, so it is not shown.
warnings.filterwarnings("ignore", message=r"`is_gradient_checkpointing` is deprecated", category=FutureWarning)


@dataclass(frozen=True)
class HFOptions:
    precision: Literal["auto", "bf16", "fp16", "fp32"] = option(
        "auto", help="auto = bf16 on a GPU or a CPU with AVX-512 BF16/AMX, else fp32 (faster there); an in-memory "
                     "model keeps its own dtype; the resolved precision is recorded and part of the cache key")
    batch_size: int = option(8, cache_key=False, help="prompts per generate call")
    device: str | None = option(None, cache_key=False, help="torch device, e.g. cuda:1 (default: cuda if available, "
                                                             "else cpu)")
    chat_template_kwargs: dict[str, Any] = option(
        factory=dict, help='JSON passed to the chat template, e.g. \'{"enable_thinking": false}\'')
    pack_weights: bool = option(True, cache_key=False, help="fp32 on a CPU: reorder the linear weights once for "
                                                            "oneDNN (about 1.5x faster decoding; they are held twice)")


def load_tokenizer(model: ModelRef) -> PreTrainedTokenizerBase:
    # An in-memory model's tokenizer is copied: the caller's (a trainer's) padding side stays as it was.
    from transformers import AutoTokenizer

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
    Options = HFOptions

    @classmethod
    def resolve_options(cls, options: HFOptions, model: ModelRef) -> HFOptions:
        """precision "auto" -> what it means here: an in-memory model's own dtype, else resolve_precision."""
        if options.precision != "auto":
            return options
        loaded = model.loaded.model if model.loaded is not None else None
        precision = precision_name(next(loaded.parameters()).dtype) if loaded is not None else None
        cuda = None if options.device is None else options.device.startswith("cuda")
        return replace(options, precision=precision or resolve_precision("auto", cuda=cuda))

    def __init__(self, model: ModelRef, adapters: Sequence[AdapterRef] = (), **options: Any):
        import torch
        from transformers import AutoModelForCausalLM

        self.options = self.resolve_options(make_options(HFOptions, options, "backend 'hf'"), model)
        self.device = self.options.device or ("cuda" if torch.cuda.is_available() else "cpu")
        self.precision = self.options.precision
        if self.precision not in DTYPES:
            raise ConfigError(f"precision {self.precision!r}: expected one of auto, {', '.join(DTYPES)}")
        self.batch_size = self.options.batch_size
        self.chat_template_kwargs = self.options.chat_template_kwargs
        self.tokenizer = load_tokenizer(model)
        self.adapters = [a.name for a in adapters]
        self.in_memory = model.loaded is not None
        if self.in_memory:
            self._use_loaded(model, adapters)
            return
        self.model = AutoModelForCausalLM.from_pretrained(model.path, dtype=torch_dtype(self.precision)).to(self.device)
        if self.options.pack_weights:
            from harness.backends.packed import can_pack, pack_linear_layers

            if can_pack(self.model):  # before peft, which then wraps the packed layers like any nn.Linear
                log.debug("packed %d linear layers for oneDNN", pack_linear_layers(self.model, self.batch_size))
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
        if param.dtype != torch_dtype(self.precision):
            raise ConfigError(f"precision {self.precision!r}, but the in-memory model's weights are {param.dtype}: "
                             f"pass precision={precision_name(param.dtype)!r} (the model is used as it is)")
        self.device = str(param.device)
        missing = [a.name for a in adapters if a.name not in getattr(self.model, "peft_config", {})]
        if missing:
            raise ConfigError(f"adapters {missing} are not loaded in the in-memory model")

    def generate(self, requests: Sequence[GenerationRequest], sampling: Sampling) -> Iterator[tuple[int, Generation]]:
        prompts = [render_prompt(self.tokenizer, r.messages, self.chat_template_kwargs) for r in requests]
        ids = [self.tokenizer(p, add_special_tokens=False).input_ids for p in prompts]
        for adapter in dict.fromkeys(r.adapter for r in requests):
            if adapter is not None and adapter not in self.adapters:
                raise ValueError(f"request names adapter {adapter!r}, but only {self.adapters} are loaded")
            order = _batch_order([i for i, r in enumerate(requests) if r.adapter == adapter], ids, self.batch_size)
            for start in range(0, len(order), self.batch_size):
                batch = order[start : start + self.batch_size]
                yield from zip(batch, self._generate_batch([ids[i] for i in batch], adapter, sampling))

    def _generate_batch(self, ids: list[list[int]], adapter: str | None, sampling: Sampling) -> list[Generation]:
        import torch
        from transformers import StoppingCriteriaList

        shared = _shared_prefix(ids)
        inputs = _pad_after_prefix(ids, shared, self.tokenizer.pad_token_id, self.device)
        options: dict[str, Any] = {"max_new_tokens": sampling.max_new_tokens, "pad_token_id": self.tokenizer.pad_token_id}
        if sampling.greedy:
            options.update(do_sample=False, temperature=None, top_p=None, top_k=None)
        else:
            torch.manual_seed(sampling.seed)
            options.update(do_sample=True, temperature=sampling.temperature, top_p=sampling.top_p)
        if self.progress is not None:
            options["stopping_criteria"] = StoppingCriteriaList([_FinishedRows(self.tokenizer, self.progress)])
        started = time.perf_counter()
        with self._generating(), self._adapter(adapter):
            width = inputs["input_ids"].shape[1] + sampling.max_new_tokens
            options[self._cache_name] = self._cache(inputs["input_ids"][:1, :shared], len(ids), width)
            output = self.model.generate(**inputs, **options, use_cache=True)
        seconds = (time.perf_counter() - started) / len(ids)
        new_tokens = output[:, inputs["input_ids"].shape[1] :]
        texts = self.tokenizer.batch_decode(new_tokens, skip_special_tokens=True)
        prompt_tokens = [len(x) for x in ids]
        completion_tokens = _count_until_stop(new_tokens, self.tokenizer)
        return [Generation(t, p, c, seconds) for t, p, c in zip(texts, prompt_tokens, completion_tokens)]

    def _cache(self, prefix: torch.Tensor, rows: int, width: int) -> StaticCache:
        """A preallocated key/value cache for the batch (a growing one copies itself at every decoding step),
        holding the prompt prefix every row shares (system prompt and schema), computed once, so prefill runs only
        on what differs (the question)."""
        from transformers import StaticCache

        cache = StaticCache(config=self.model.config, max_cache_len=width)
        if prefix.shape[1]:
            shared = self.model(input_ids=prefix, use_cache=True)[self._cache_name]
            for layer, computed in zip(cache.layers, shared.layers):
                layer.update(computed.keys.expand(rows, -1, -1, -1), computed.values.expand(rows, -1, -1, -1))
        return cache

    @property
    def _cache_name(self) -> str:
        """transformers 5.2x renamed the key/value cache argument `past_key_values` to `cache`."""
        model = self.model.get_base_model() if hasattr(self.model, "get_base_model") else self.model
        return "cache" if "cache" in inspect.signature(model.forward).parameters else "past_key_values"

    @contextmanager
    def _generating(self):
        """Eval mode without autograd; an in-memory model gets its training mode and active adapter back."""
        import torch

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


def _batch_order(members: list[int], ids: Sequence[Sequence[int]], batch_size: int) -> list[int]:
    """The order to batch requests in: longest first (similar lengths share a batch, an out-of-memory shows up
    early) or sorted by their tokens (prompts sharing a schema share a batch and its prefix cache), whichever
    leaves fewer prompt tokens to compute."""
    by_length = sorted(members, key=lambda i: -len(ids[i]))
    by_prefix = sorted(members, key=lambda i: ids[i])
    return min(by_length, by_prefix, key=lambda order: _prefill_tokens(order, ids, batch_size))


def _prefill_tokens(order: list[int], ids: Sequence[Sequence[int]], batch_size: int) -> int:
    """Prompt tokens the batches compute, padding included, counting a shared prefix once per batch."""
    total = 0
    for start in range(0, len(order), batch_size):
        batch = [ids[i] for i in order[start : start + batch_size]]
        shared = _shared_prefix(batch)
        total += shared + len(batch) * (max(len(x) for x in batch) - shared)
    return total


def _shared_prefix(ids: Sequence[Sequence[int]]) -> int:
    """Tokens every prompt of a batch starts with, leaving each at least one of its own (the first decoding step
    needs an input); 0 below MIN_SHARED_PREFIX, where a separate prefix pass would cost more than it saves."""
    if len(ids) < 2:
        return 0
    shortest = min(len(x) for x in ids)
    same = next((n for n, column in enumerate(zip(*ids)) if len(set(column)) > 1), shortest)
    n = min(same, shortest - 1)
    return n if n >= MIN_SHARED_PREFIX else 0


def _pad_after_prefix(ids: Sequence[Sequence[int]], shared: int, pad_id: int, device: str) -> dict[str, torch.Tensor]:
    """Rows laid out as [shared prefix][padding][own tokens]: the padding sits where the prefix cache ends, so
    masked positions give every row the positions it would have unpadded (generate numbers them from the mask).
    With no shared prefix this is ordinary left padding."""
    import torch

    width = max(len(x) for x in ids) - shared
    rows, mask = [], []
    for x in ids:
        gap = width - (len(x) - shared)
        rows.append([*x[:shared], *[pad_id] * gap, *x[shared:]])
        mask.append([1] * shared + [0] * gap + [1] * (len(x) - shared))
    return {"input_ids": torch.tensor(rows, device=device), "attention_mask": torch.tensor(mask, device=device)}


def torch_dtype(precision: str) -> torch.dtype:
    import torch

    return getattr(torch, DTYPES[precision])


def precision_name(dtype: torch.dtype) -> str:
    return next((name for name, d in DTYPES.items() if str(dtype) == f"torch.{d}"), str(dtype))


class _FinishedRows:
    """A stopping criterion (what transformers' StoppingCriteria subclasses implement; a plain class, so this module
    imports no torch) that stops nothing: after each decoding step, reports how many rows have emitted eos."""

    def __init__(self, tokenizer: PreTrainedTokenizerBase, report: Callable[[int], None]):
        import torch

        self.stop_ids = torch.tensor(sorted({tokenizer.eos_token_id, tokenizer.pad_token_id} - {None}))
        self.finished: torch.Tensor | None = None
        self.report = report

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor, **kwargs: Any) -> torch.BoolTensor:
        import torch

        last = torch.isin(input_ids[:, -1].cpu(), self.stop_ids)
        before = 0 if self.finished is None else int(self.finished.sum())
        self.finished = last if self.finished is None else self.finished | last
        if int(self.finished.sum()) != before:
            self.report(int(self.finished.sum()))
        return torch.zeros(input_ids.shape[0], dtype=torch.bool, device=input_ids.device)


def _count_until_stop(new_tokens: torch.Tensor, tokenizer: PreTrainedTokenizerBase) -> list[int]:
    """Generated tokens up to and including the first eos/pad (the rest is padding after a finished row)."""
    stops = {tokenizer.eos_token_id, tokenizer.pad_token_id} - {None}
    counts = []
    for row in new_tokens.tolist():
        n = next((i + 1 for i, t in enumerate(row) if t in stops), len(row))
        counts.append(n)
    return counts
