"""vLLM backend: the base model and every adapter served by one engine, mixed in one `generate` call.

vllm is imported only when the backend is built (a CPU install never imports it). Written against vLLM's
documented offline API; in this project it is unit-tested with a stand-in engine, never run (README, "Generation backends"):

- `vllm.LLM(model, *, tokenizer, dtype, seed, tensor_parallel_size, enable_lora, max_loras, max_lora_rank,
  **engine_args)` (vllm/entrypoints/llm.py; `max_lora_rank` must be one of vllm/config/lora.py `MaxLoRARanks`).
- `LLM.generate(prompts, sampling_params, *, use_tqdm, lora_request: list[LoRARequest] | LoRARequest | None)`
  returns `RequestOutput`s in prompt order: `.prompt_token_ids`, `.outputs[0].text`, `.outputs[0].token_ids`.
- `vllm.lora.request.LoRARequest(lora_name, lora_int_id, lora_path)`; ids start at 1 and stay unique per adapter.
- `vllm.SamplingParams(n, temperature, top_p, max_tokens, seed)`; temperature 0 is greedy.
- Prompts go as `TokensPrompt` dicts `{"prompt_token_ids": [...]}` rendered and tokenized exactly as the HF
  backend does (chat template, no extra special tokens), so both backends see the same tokens.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, replace
from typing import Any, Callable, Iterator, Literal, Sequence

from harness.backends.base import Backend
from harness.backends.precision import resolve_precision
from harness.errors import ModelError
from harness.models import AdapterRef, ModelRef
from harness.options import make_options, option
from harness.types import Generation, GenerationRequest, Sampling

DTYPES = {"bf16": "bfloat16", "fp16": "float16", "fp32": "float32"}
LORA_RANKS = (1, 8, 16, 32, 64, 128, 256, 320, 512)
"""vLLM's allowed `max_lora_rank` values (vllm/config/lora.py `MaxLoRARanks`)."""

INSTALL_HINT = (
    "the vllm backend needs vLLM, which is not installed here. vLLM ships CUDA wheels and pins its own torch and "
    "transformers, so give it a separate GPU environment: python -m venv .venv-vllm && "
    ".venv-vllm/bin/pip install -e '.[vllm]' (see the README, section 'Generation backends'); or use --backend hf")


@dataclass(frozen=True)
class VLLMOptions:
    precision: Literal["auto", "bf16", "fp16", "fp32"] = option("auto", help="auto = bf16 (vLLM runs on a GPU)")
    tensor_parallel_size: int = option(1, help="GPUs per model replica")
    chunk_size: int = option(1024, cache_key=False, help="prompts per engine.generate call (finished chunks are "
                                                         "cached)")
    chat_template_kwargs: dict[str, Any] = option(factory=dict, help="JSON passed to the chat template")
    engine_args: dict[str, Any] = option(factory=dict, help='JSON of further vllm.LLM arguments, e.g. '
                                                           '\'{"gpu_memory_utilization": 0.8, "max_model_len": 4096}\'')


@dataclass(frozen=True)
class VLLMRuntime:
    """The three vLLM entry points this backend uses; tests pass stand-ins with the same signatures."""

    LLM: Callable[..., Any]
    SamplingParams: Callable[..., Any]
    LoRARequest: Callable[..., Any]


def import_vllm() -> VLLMRuntime:
    try:
        import vllm
        from vllm.lora.request import LoRARequest
    except ImportError as err:
        raise ModelError(f"{INSTALL_HINT} ({err})") from None
    return VLLMRuntime(vllm.LLM, vllm.SamplingParams, LoRARequest)


def check_servable(adapter: AdapterRef) -> list[str]:
    """Why vLLM cannot serve this PEFT adapter (empty if it can), read from its adapter_config.json.

    vLLM's PEFTHelper rejects `modules_to_save` and DoRA, serves LoRA only, bias "none" only, rank <= 512;
    it would fail at the first request, after the engine is up, so we check before building it.
    """
    config = json.loads((adapter.path / "adapter_config.json").read_text())
    reasons = []
    if config.get("peft_type", "LORA") != "LORA":
        reasons.append(f"peft_type {config['peft_type']!r} (vLLM serves LoRA only)")
    if config.get("modules_to_save"):
        reasons.append(f"modules_to_save={config['modules_to_save']} (full weights outside LoRA)")
    if config.get("use_dora"):
        reasons.append("use_dora=true (DoRA)")
    if config.get("bias", "none") != "none":
        reasons.append(f"bias={config['bias']!r} (only 'none')")
    if int(config.get("r", 0)) > LORA_RANKS[-1]:
        reasons.append(f"r={config['r']} (vLLM's maximum LoRA rank is {LORA_RANKS[-1]})")
    return reasons


def max_lora_rank(adapters: Sequence[AdapterRef]) -> int:
    """The smallest rank vLLM accepts that covers every adapter's `r` (a larger one only wastes memory)."""
    needed = max(int(json.loads((a.path / "adapter_config.json").read_text()).get("r", 1)) for a in adapters)
    return next(rank for rank in LORA_RANKS if rank >= needed)


class VLLMBackend(Backend):
    """One engine with `enable_lora`; each prompt carries its adapter's LoRARequest (None = base model).

    Requests are interleaved (prompt 0 for every variant, then prompt 1, ...) and sent `chunk_size` at a time, so
    every `generate` call mixes the base model and all adapters, and finished chunks can be cached.
    Adapters vLLM cannot serve are an error naming each adapter and reason (no silent fallback to another
    backend: a run's generations come from one backend).
    """

    name = "vllm"
    Options = VLLMOptions

    @classmethod
    def resolve_options(cls, options: VLLMOptions, model: ModelRef) -> VLLMOptions:
        return replace(options, precision=resolve_precision(options.precision, cuda=True))

    def __init__(self, model: ModelRef, adapters: Sequence[AdapterRef] = (), *, runtime: VLLMRuntime | None = None,
                 **options: Any):
        """`runtime`: vLLM's entry points (tests pass stand-ins); `options`: VLLMOptions fields."""
        opts = self.resolve_options(make_options(VLLMOptions, options, "backend 'vllm'"), model)
        precision = opts.precision
        problems = [f"{a.name} ({a.path}): {', '.join(reasons)}" for a in adapters if (reasons := check_servable(a))]
        if problems:
            listed = "; ".join(problems)
            raise ModelError(f"vLLM cannot serve these adapters: {listed}. Use --backend hf, or merge the adapter "
                             "into the base model and evaluate the merged folder as --model")
        from harness.backends.hf import load_tokenizer

        self.runtime = runtime or import_vllm()
        self.precision = precision
        self.chunk_size = opts.chunk_size
        self.chat_template_kwargs = opts.chat_template_kwargs
        self.engine_args = opts.engine_args
        self.tokenizer = load_tokenizer(model)
        # Ids 1..N in the order given: stable for the engine's lifetime, as vLLM requires per adapter.
        self.lora_requests = {a.name: self.runtime.LoRARequest(a.name, i, str(a.path))
                              for i, a in enumerate(adapters, start=1)}
        engine: dict[str, Any] = {"tokenizer": model.path, "dtype": DTYPES[precision],
                                  "tensor_parallel_size": opts.tensor_parallel_size}
        if adapters:
            engine.update(enable_lora=True, max_loras=len(adapters), max_lora_rank=max_lora_rank(adapters))
        self.engine = self.runtime.LLM(model.path, **engine, **self.engine_args)

    def sampling_params(self, sampling: Sampling) -> Any:
        greedy = sampling.greedy
        return self.runtime.SamplingParams(n=1, temperature=0.0 if greedy else sampling.temperature,
                                           top_p=1.0 if greedy else sampling.top_p,
                                           max_tokens=sampling.max_new_tokens, seed=sampling.seed)

    def generate(self, requests: Sequence[GenerationRequest], sampling: Sampling) -> Iterator[tuple[int, Generation]]:
        from harness.backends.hf import render_prompt

        unknown = {r.adapter for r in requests if r.adapter is not None} - set(self.lora_requests)
        if unknown:
            raise ValueError(f"requests name adapters {sorted(unknown)}, but only {list(self.lora_requests)} are loaded")
        params = self.sampling_params(sampling)
        order = interleaved(requests)
        for start in range(0, len(order), self.chunk_size):
            chunk = order[start : start + self.chunk_size]
            prompts = [{"prompt_token_ids": self.tokenizer(render_prompt(self.tokenizer, requests[i].messages,
                                                                         self.chat_template_kwargs),
                                                           add_special_tokens=False).input_ids} for i in chunk]
            loras = [None if requests[i].adapter is None else self.lora_requests[requests[i].adapter] for i in chunk]
            started = time.perf_counter()
            outputs = self.engine.generate(prompts, params, use_tqdm=False, lora_request=loras)
            seconds = (time.perf_counter() - started) / len(chunk)
            if len(outputs) != len(chunk):
                raise RuntimeError(f"vLLM returned {len(outputs)} outputs for {len(chunk)} prompts")
            for i, prompt, output in zip(chunk, prompts, outputs):
                completion = output.outputs[0]
                yield i, Generation(completion.text, len(prompt["prompt_token_ids"]), len(completion.token_ids),
                                    seconds)


def interleaved(requests: Sequence[GenerationRequest]) -> list[int]:
    """Request indices ordered k-th request of every variant, then (k+1)-th: each chunk mixes all variants."""
    seen: dict[str | None, int] = {}
    rank = []
    for r in requests:
        rank.append(seen.get(r.adapter, 0))
        seen[r.adapter] = rank[-1] + 1
    return sorted(range(len(requests)), key=lambda i: (rank[i], i))


__all__ = ["VLLMBackend", "VLLMOptions", "VLLMRuntime", "check_servable", "import_vllm", "interleaved",
           "max_lora_rank"]
