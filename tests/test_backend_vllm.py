"""The vLLM backend's glue, without vLLM or a GPU: a stand-in engine with `LLM.generate`'s documented signature
returns objects shaped like vLLM's `RequestOutput`; we check what the backend asks of it and what it yields."""
from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from harness.backends.hf import load_tokenizer, render_prompt
from harness.backends.vllm import VLLMBackend, VLLMRuntime, interleaved, max_lora_rank
from harness.errors import ModelError
from harness.models import AdapterRef, resolve_model
from harness.types import GenerationRequest, Sampling


@dataclass(frozen=True)
class FakeLoRARequest:  # vllm/lora/request.py: LoRARequest(lora_name, lora_int_id, lora_path)
    lora_name: str
    lora_int_id: int
    lora_path: str


class FakeSamplingParams:
    def __init__(self, **kwargs: Any):
        self.kwargs = kwargs


@dataclass
class FakeCompletionOutput:
    text: str
    token_ids: list[int]


@dataclass
class FakeRequestOutput:
    prompt_token_ids: list[int]
    outputs: list[FakeCompletionOutput]


class FakeLLM:
    """Records construction and calls; answers '<lora name or base>:<prompt token ids>' per prompt."""

    def __init__(self, model: str, **kwargs: Any):
        self.model, self.kwargs = model, kwargs
        self.calls: list[dict[str, Any]] = []
        BUILT.append(self)

    def generate(self, prompts, sampling_params=None, *, use_tqdm=True, lora_request=None, priority=None,
                 tokenization_kwargs=None) -> list[FakeRequestOutput]:
        assert isinstance(lora_request, list) and len(lora_request) == len(prompts)
        self.calls.append({"prompts": prompts, "params": sampling_params, "use_tqdm": use_tqdm,
                           "lora_request": lora_request})
        return [FakeRequestOutput(p["prompt_token_ids"], [FakeCompletionOutput(_answer(lora, p["prompt_token_ids"]),
                                                                                [7, 8, 9])])
                for p, lora in zip(prompts, lora_request)]


BUILT: list[FakeLLM] = []
RUNTIME = VLLMRuntime(LLM=FakeLLM, SamplingParams=FakeSamplingParams, LoRARequest=FakeLoRARequest)


def _answer(lora: FakeLoRARequest | None, ids: list[int]) -> str:
    return f"{lora.lora_name if lora else 'base'}:{','.join(map(str, ids))}"


@pytest.fixture(autouse=True)
def _fresh_engines():
    BUILT.clear()


def _adapter(root: Path, name: str, **config: Any) -> AdapterRef:
    path = root / name
    path.mkdir()
    (path / "adapter_config.json").write_text(json.dumps({"peft_type": "LORA", "r": 8, "lora_alpha": 16,
                                                          "target_modules": ["q_proj"], **config}))
    return AdapterRef(name, path, {"name": name})


def _requests(n: int, variants: tuple[str | None, ...]) -> list[GenerationRequest]:
    """Variant-major, as harness.evaluate builds them: every prompt for the base, then for each adapter."""
    return [GenerationRequest(({"role": "user", "content": f"question {i}"},), v) for v in variants for i in range(n)]


def test_importing_the_module_does_not_import_vllm():
    code = ("import sys; sys.modules['vllm'] = None; import harness.backends.vllm; "
            "assert 'vllm' not in [m.split('.')[0] for m in sys.modules if sys.modules[m] is not None]")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_without_vllm_the_error_says_how_to_install_it(tiny_model_dir, monkeypatch):
    monkeypatch.setitem(sys.modules, "vllm", None)  # import vllm now fails, even where it is installed
    with pytest.raises(ModelError, match=r"separate GPU environment.*pip install -e '\.\[vllm\]'"):
        VLLMBackend(resolve_model(str(tiny_model_dir)))


def test_one_engine_with_lora_sized_for_the_adapters(tiny_model_dir, tmp_path):
    adapters = [_adapter(tmp_path, "a", r=8), _adapter(tmp_path, "b", r=12)]
    VLLMBackend(resolve_model(str(tiny_model_dir)), adapters, precision="fp16", tensor_parallel_size=2,
                engine_args={"gpu_memory_utilization": 0.5, "max_model_len": 2048}, runtime=RUNTIME)
    [engine] = BUILT
    assert engine.model == str(tiny_model_dir.resolve())
    assert engine.kwargs == {"tokenizer": str(tiny_model_dir.resolve()), "dtype": "float16",
                             "tensor_parallel_size": 2, "enable_lora": True, "max_loras": 2, "max_lora_rank": 16,
                             "gpu_memory_utilization": 0.5, "max_model_len": 2048}


def test_without_adapters_lora_stays_off(tiny_model_dir):
    VLLMBackend(resolve_model(str(tiny_model_dir)), runtime=RUNTIME)
    assert "enable_lora" not in BUILT[0].kwargs and BUILT[0].kwargs["dtype"] == "bfloat16"


def test_base_and_adapters_go_in_one_generate_call_with_their_lora_requests(tiny_model_dir, tmp_path):
    adapters = [_adapter(tmp_path, "a"), _adapter(tmp_path, "b")]
    backend = VLLMBackend(resolve_model(str(tiny_model_dir)), adapters, runtime=RUNTIME)
    requests = _requests(3, (None, "a", "b"))
    results = list(backend.generate(requests, Sampling(max_new_tokens=5)))

    [engine] = BUILT
    [call] = engine.calls
    a, b = FakeLoRARequest("a", 1, str(adapters[0].path)), FakeLoRARequest("b", 2, str(adapters[1].path))
    assert call["lora_request"] == [None, a, b] * 3 and call["use_tqdm"] is False
    tokenizer = load_tokenizer(resolve_model(str(tiny_model_dir)))
    expected_ids = [tokenizer(render_prompt(tokenizer, r.messages), add_special_tokens=False).input_ids
                    for r in requests]
    assert [p["prompt_token_ids"] for p in call["prompts"]] == [expected_ids[i] for i in (0, 3, 6, 1, 4, 7, 2, 5, 8)]
    assert [i for i, _ in results] == [0, 3, 6, 1, 4, 7, 2, 5, 8]
    for i, generation in results:  # each yielded index carries the answer to its own prompt and adapter
        assert generation.text == f"{requests[i].adapter or 'base'}:{','.join(map(str, expected_ids[i]))}"
        assert (generation.prompt_tokens, generation.completion_tokens) == (len(expected_ids[i]), 3)


def test_chunks_keep_adapter_ids_stable_and_mix_variants(tiny_model_dir, tmp_path):
    backend = VLLMBackend(resolve_model(str(tiny_model_dir)), [_adapter(tmp_path, "a")], chunk_size=3,
                          runtime=RUNTIME)
    results = list(backend.generate(_requests(4, (None, "a")), Sampling(max_new_tokens=5)))
    calls = BUILT[0].calls
    assert [len(c["prompts"]) for c in calls] == [3, 3, 2]
    assert sorted(i for i, _ in results) == list(range(8))
    ids = {lora.lora_int_id for c in calls for lora in c["lora_request"] if lora is not None}
    assert ids == {1} and [lora is None for lora in calls[0]["lora_request"]] == [True, False, True]


def test_sampling_translation(tiny_model_dir):
    backend = VLLMBackend(resolve_model(str(tiny_model_dir)), runtime=RUNTIME)
    greedy = backend.sampling_params(Sampling(max_new_tokens=64, temperature=0.0, top_p=0.5, seed=11))
    assert greedy.kwargs == {"n": 1, "temperature": 0.0, "top_p": 1.0, "max_tokens": 64, "seed": 11}
    sampled = backend.sampling_params(Sampling(max_new_tokens=32, temperature=0.7, top_p=0.9, seed=2))
    assert sampled.kwargs == {"n": 1, "temperature": 0.7, "top_p": 0.9, "max_tokens": 32, "seed": 2}
    list(backend.generate(_requests(1, (None,)), Sampling(max_new_tokens=9)))
    assert BUILT[0].calls[0]["params"].kwargs["max_tokens"] == 9


def test_unservable_adapters_are_named_with_their_reasons_before_the_engine_starts(tiny_model_dir, tmp_path):
    adapters = [_adapter(tmp_path, "ok"), _adapter(tmp_path, "heads", modules_to_save=["lm_head"]),
                _adapter(tmp_path, "dora", use_dora=True), _adapter(tmp_path, "huge", r=1024)]
    with pytest.raises(ModelError) as err:
        VLLMBackend(resolve_model(str(tiny_model_dir)), adapters, runtime=RUNTIME)
    message = str(err.value)
    assert "heads (" in message and "modules_to_save=['lm_head']" in message
    assert "dora (" in message and "DoRA" in message and "huge (" in message and "r=1024" in message
    assert "ok (" not in message and "--backend hf" in message
    assert BUILT == []


def test_requests_for_unknown_adapters_fail(tiny_model_dir, tmp_path):
    backend = VLLMBackend(resolve_model(str(tiny_model_dir)), [_adapter(tmp_path, "a")], runtime=RUNTIME)
    with pytest.raises(ValueError, match=r"adapters \['zzz'\], but only \['a'\] are loaded"):
        list(backend.generate(_requests(1, ("zzz",)), Sampling()))


def test_max_lora_rank_is_the_smallest_allowed_rank_that_fits(tmp_path):
    for r, expected in ((1, 1), (4, 8), (16, 16), (17, 32), (300, 320), (512, 512)):
        assert max_lora_rank([_adapter(tmp_path, f"r{r}", r=r)]) == expected


def test_interleaving_puts_every_variant_in_each_round():
    requests = _requests(2, (None, "a", "b"))
    assert interleaved(requests) == [0, 2, 4, 1, 3, 5]
